"""Hostile submissions of kinds the jail exists for, graded together with honest ones in one
class run (sampling_scales, two workers). Each hostile answer is written so that it earns
points only if its attack works; honest classmates graded at the same time must keep full
marks, and the class must finish within its budget."""

from __future__ import annotations

import csv
import time

import nbformat
import pytest
from autograder_corpus import (
    GOOD,
    NAME,
    ZEROS,
    make_course,
    results_json,
    student_version,
    with_answers,
)

from autograder import sandbox
from autograder.cli import main

TIMEOUT = 10


def _correct_if(condition: str, function: str = "effective_window") -> str:
    """An answer for ``function`` that is right only when ``condition`` held."""
    body = {"effective_window": "beta = np.asarray(beta, dtype=float)\n"
                                "    return 1.0 / (1.0 - beta) if _ok else np.zeros(beta.shape)"}
    return f"def effective_window(beta):\n    _ok = {condition}\n    {body[function]}\n"


WALKS_DISK = '''
import json, os
_found = []
for _top, _dirs, _files in os.walk("/"):
    if _top.startswith("/proc"):
        _dirs[:] = []
        continue
    for _name in _files:
        if _name.endswith(".ipynb") or _name in ("reference.py", "gradebook.db"):
            _found.append(os.path.join(_top, _name))
for _path in _found:
    try:
        for _cell in json.load(open(_path))["cells"]:
            if "def effective_window" in "".join(_cell["source"]):
                exec("".join(_cell["source"]).replace("### BEGIN SOLUTION", ""))
    except Exception:
        pass
if "effective_window" not in globals():
    def effective_window(beta):
        return np.zeros(np.shape(beta))
'''

SEES_OTHER_PROCESSES = '''
import os
_others = [p for p in os.listdir("/proc") if p.isdigit() and int(p) not in (1, os.getpid())]
''' + _correct_if("bool(_others)")

KEY_SENDER = '''
import ctypes
_libc = ctypes.CDLL(None, use_errno=True)
_libc.syscall(248, b"user", b"answers-sampling", b"1/(1-beta)", 10, -4)  # add_key
''' + GOOD["effective_window"]

KEY_TAKER = '''
import ctypes, time
_libc = ctypes.CDLL(None, use_errno=True)
_key = -1
for _ in range(30):
    _key = _libc.syscall(249, b"user", b"answers-sampling", None, -4)  # request_key
    if _key >= 0:
        break
    time.sleep(0.1)
''' + _correct_if("_key >= 0")

SOCKET_SENDER = '''
import socket, threading
_server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
try:
    _server.bind("\\0autograder-answers")
    _server.listen(5)
    def _serve():
        while True:
            _connection, _ = _server.accept()
            _connection.sendall(b"1/(1-beta)")
    threading.Thread(target=_serve, daemon=True).start()
except OSError:
    pass
''' + GOOD["effective_window"]

SOCKET_TAKER = '''
import socket, time
_got = b""
for _ in range(30):
    try:
        _client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        _client.connect("\\0autograder-answers")
        _got = _client.recv(100)
        break
    except OSError:
        time.sleep(0.1)
''' + _correct_if("bool(_got)")

WRITES_DEV = '''
_wrote = []
for _path in ("/dev/shm/x", "/dev/x", "/x", "/grader/x", "/etc/x"):
    try:
        open(_path, "w").write("x")
        _wrote.append(_path)
    except OSError:
        pass
''' + _correct_if("bool(_wrote)")

SETSID_LINGERER = '''
import os, threading, time
os.setsid()
for _ in range(4):
    threading.Thread(target=time.sleep, args=(600,), daemon=True).start()
''' + GOOD["effective_window"]

MAGIC_FLOOD = "%time _x = 1\n" * 5400 + GOOD["effective_window"]

SURROGATE = '''
def effective_window(beta):
    raise ValueError("bad \\udc80 byte and a bell \\x07")
'''

TERMINAL_ESCAPES = '''
def effective_window(beta):
    raise ValueError("\\x1b[2J\\x1b[1;1H\\x1b[32mall checks passed 12/12\\x1b[0m")
'''

LONG_LINE = '''
import os
for _fd in range(3, 32):
    try:
        os.write(_fd, b"x" * (20 * 2**20))
    except OSError:
        pass
''' + GOOD["effective_window"]

# student -> their effective_window cell (every other answer cell is correct)
WINDOWS = {"sees_processes": SEES_OTHER_PROCESSES, "key_sender": KEY_SENDER,
           "key_taker": KEY_TAKER, "socket_sender": SOCKET_SENDER, "socket_taker": SOCKET_TAKER,
           "writes_dev": WRITES_DEV, "setsid_lingerer": SETSID_LINGERER,
           "magic_flood": MAGIC_FLOOD, "surrogate": SURROGATE,
           "terminal_escapes": TERMINAL_ESCAPES, "long_line": LONG_LINE}
CASES = {"a_honest": GOOD, "walks_disk": dict(ZEROS, effective_window=WALKS_DISK),
         **{student: dict(GOOD, effective_window=cell) for student, cell in WINDOWS.items()},
         "z_honest": GOOD}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = make_course(tmp_path_factory.mktemp("hostile-jail"))
    for student, answers in CASES.items():
        folder = course / "submitted" / student / NAME
        folder.mkdir(parents=True)
        nb = with_answers(student_version(course), answers)
        nbformat.write(nb, str(folder / f"{NAME}.ipynb"))
    weird = course / "submitted" / "=HYPERLINK(evil)" / NAME
    weird.mkdir(parents=True)
    nbformat.write(with_answers(student_version(course), GOOD), str(weird / f"{NAME}.ipynb"))
    started = time.monotonic()
    code = main(["grade", NAME, "--course", str(course), "--timeout", str(TIMEOUT),
                 "--workers", "2", "--quiet"])
    return {"course": course, "code": code, "seconds": time.monotonic() - started,
            "results": results_json(course, NAME)}


def _earned(result, function="effective_window"):
    return sum(c["earned"] for c in result["checks"] if c["function"] == function)


def test_the_class_finishes_in_budget_and_honest_students_keep_full_marks(graded):
    assert graded["code"] == 0
    # 14 submissions, 2 workers, 10 s each at worst, plus the trial child
    assert graded["seconds"] < 7 * (TIMEOUT + 5) + 30
    for student in ("a_honest", "z_honest"):
        result = graded["results"][student]
        assert (result["status"], result["score"]) == ("graded", 15), result


@pytest.mark.parametrize("student", ["walks_disk", "sees_processes", "key_taker",
                                     "socket_taker", "writes_dev"])
def test_an_attack_that_needs_the_host_earns_nothing(graded, student):
    result = graded["results"][student]
    assert _earned(result) == 0, result["checks"]


@pytest.mark.parametrize("student", ["key_sender", "socket_sender", "setsid_lingerer"])
def test_a_sender_or_lingerer_keeps_only_what_its_code_earns(graded, student):
    result = graded["results"][student]
    assert (result["status"], result["score"]) == ("graded", 15), result


def test_no_process_of_a_child_outlives_the_class_run(graded):
    assert graded["results"]["setsid_lingerer"]["score"] == 15
    deadline = time.monotonic() + 10
    while sandbox._uids_in_use() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not sandbox._uids_in_use()


def test_ipython_syntax_is_transformed_in_the_child_under_its_budget(graded):
    """65 KB of %time lines: the transformer's work is the child's, within --timeout."""
    result = graded["results"]["magic_flood"]
    assert result["seconds"] < TIMEOUT + 5
    assert _earned(result, "log_spaced_grid") == 2 or result["status"].startswith("error")


def test_a_flood_on_one_line_ends_that_child_only(graded):
    result = graded["results"]["long_line"]
    assert "flooded" in result["status"] or _earned(result) == 2, result["status"]
    assert result["seconds"] < TIMEOUT + 5


def test_student_text_is_safe_in_every_file_and_terminal(graded, capsys):
    course = graded["course"]
    surrogate = graded["results"]["surrogate"]
    messages = " ".join(c["message"] for c in surrogate["checks"])
    assert "\ufffd" in messages and "\udc80" not in messages and "\x07" not in messages
    escapes = graded["results"]["terminal_escapes"]
    assert "\x1b" not in " ".join(c["message"] for c in escapes["checks"])
    assert main(["feedback", NAME, "--course", str(course)]) == 0
    assert main(["report", NAME, "--course", str(course)]) == 0
    assert main(["export", "--course", str(course)]) == 0
    page = (course / "feedback" / "surrogate" / NAME / f"{NAME}.html").read_text("utf-8")
    assert "\ufffd" in page
    assert "\x1b" not in (course / "reports" / f"{NAME}.html").read_text("utf-8")
    out = capsys.readouterr().out
    assert "\x1b" not in out


def test_a_folder_name_that_is_not_a_student_id_is_never_graded_or_exported(graded, capsys):
    course = graded["course"]
    assert not any(s.startswith("=") for s in graded["results"])
    assert main(["export", "--course", str(course)]) == 0
    with open(course / "autograder_grades.csv", encoding="utf-8") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)
    assert "HYPERLINK" not in " ".join(cells)


def test_csv_cells_cannot_run_as_formulas():
    from autograder.untrusted import csv_cell

    for text, expected in (("=1+1", "'=1+1"), ("+cmd", "'+cmd"), ("-2", "'-2"),
                           ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("alice", "alice"),
                           ("error: x", "error: x"), ("a\udc80", "a\ufffd")):
        assert csv_cell(text) == expected


def test_hostile_file_names_and_cell_floods_reach_no_terminal_raw(tmp_path):
    """Notebook names are the student's: escapes, lone surrogates (a name that is not UTF-8)
    and a symbolic link named with an escape are printed escaped, under a strict UTF-8
    stdout, and a notebook of many thousands of cells is refused before nbformat reads it."""
    import os
    import subprocess
    import sys

    course = make_course(tmp_path)
    good = with_answers(student_version(course), GOOD)
    names = {"renamed_escape": "\x1b]0;pwned\x07.ipynb",
             "not_utf8": os.fsdecode(b"answers-\xff.ipynb")}
    for student, file_name in names.items():
        folder = course / "submitted" / student / NAME
        folder.mkdir(parents=True)
        nbformat.write(good, str(folder / file_name))
    linked = course / "submitted" / "link_escape" / NAME
    linked.mkdir(parents=True)
    (linked / "\x1b[2J.ipynb").symlink_to(course / "source" / NAME / f"{NAME}.ipynb")
    flood = nbformat.v4.new_notebook(cells=[nbformat.v4.new_raw_cell("x") for _ in range(6000)])
    (course / "submitted" / "cell_flood" / NAME).mkdir(parents=True)
    nbformat.write(flood, str(course / "submitted" / "cell_flood" / NAME / f"{NAME}.ipynb"))
    env = dict(os.environ, PYTHONIOENCODING="utf-8:strict")
    done = subprocess.run(
        [sys.executable, "-m", "autograder.cli", "grade", NAME, "--course", str(course),
         "--timeout", str(TIMEOUT), "--quiet"],
        capture_output=True, env=env, timeout=300)
    out = done.stdout.decode("utf-8") + done.stderr.decode("utf-8")
    assert done.returncode == 0, out
    assert "\x1b" not in out and "\x07" not in out, out
    assert "\\x1b" in out  # the link's name, escaped
    results = results_json(course, NAME)
    assert results["renamed_escape"]["score"] == 15, results["renamed_escape"]
    assert results["not_utf8"]["score"] == 15, results["not_utf8"]
    flags = " ".join(f["detail"] for r in results.values() for f in r["flags"])
    assert "\x1b" not in flags and "\udcff" not in flags
    assert "more than 5000" in results["cell_flood"]["status"]
    assert main(["feedback", NAME, "--course", str(course)]) == 0
    assert main(["report", NAME, "--course", str(course)]) == 0
