"""Does the grader hold against a hostile student and a careless instructor?

One course (module fixture) takes a class of attacks in one grading run: forged result
channels, escapes to shared scratch folders, malformed or oversized notebooks placed
straight into ``submitted/``, a parser bomb. Further tests on the same course cover
collect (symbolic links, odd ids, zips), manual scores entered in formgrader, locks,
hand-edited ledger files and seeds.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
import sqlite3
import threading
import uuid
import zipfile
from pathlib import Path

import nbformat
import pytest
from autograder_corpus import GOOD, NAME, make_course, results_json, student_version, with_answers

from autograder import children, gradebook, grading, judging, ledger, notebook, protocol
from autograder.cli import main

TIMEOUT = 10
TOKEN = f"autograder-hardening-{uuid.uuid4().hex[:12]}"
SCRATCH = ["/tmp", "/var/tmp", "/dev/shm", "/run/lock"]

_WINDOW = '''
def effective_window(beta):
    return 1.0 / (1.0 - np.asarray(beta, dtype=float))
'''

# Malformed events written to every descriptor the child holds (the result channel is one).
FORGES = '''
import os
_junk = [
    '{"event": "cell", "kind": "answer", "id": "x", "error": "boom"}',
    '{"event": "probe", "label": ["a"], "value": null}',
    '{"event": "probe", "label": "effective_window:array", "value": {"fields": 5}, '
    '"error": null, "tripwire": 7}',
    '{"event": "probe", "label": "effective_window:array", "value": {"shape": [-1], '
    '"b64": ""}, "error": null, "tripwire": []}',
    '{"event": "visible", "id": {"x": 1}, "error": null}',
    '[' * 100000,
]
for _fd in range(3, 64):
    for _line in _junk:
        try:
            os.write(_fd, (_line + "\\n").encode())
        except OSError:
            pass
''' + _WINDOW

# Correct only if the child reaches shared scratch space: foreign files in /tmp, or 80 MB
# written there. Also plants a marker in every world-writable folder.
ESCAPES = f'''
import os
_mine = os.getcwd().split("/")[2] if os.getcwd().startswith("/tmp/") else ""
_foreign = [n for n in os.listdir("/tmp") if n != _mine]
for _d in {SCRATCH!r}:
    try:
        open(_d + "/{TOKEN}", "w").write("planted")
    except OSError:
        pass
_written = 0
try:
    for _i in range(10):
        with open("/tmp/{TOKEN}-fill-%d" % _i, "wb") as _f:
            for _j in range(8):
                _f.write(b"x" * 2**20)
                _written += 1
except OSError:
    pass
_reached = bool(_foreign) or _written >= 80
def effective_window(beta):
    beta = np.asarray(beta, dtype=float)
    return 1.0 / (1.0 - beta) if _reached else np.zeros(beta.shape)
'''

# At level userns a child has the grading user's uid: could it rig the library copy that
# every later child starts from? Correct only if it could write there.
# Correct only if the child can start another process (then a fork bomb multiplies the
# per-process memory limit); threads must still work.
FORKS = '''
import os, threading
_box = []
_worker = threading.Thread(target=lambda: _box.append(1))
_worker.start()
_worker.join()
try:
    _pid = os.fork()
except OSError:
    _forked = False
else:
    if _pid == 0:
        os._exit(0)
    os.waitpid(_pid, 0)
    _forked = True
def effective_window(beta):
    beta = np.asarray(beta, dtype=float)
    return 1.0 / (1.0 - beta) if _forked or not _box else np.zeros(beta.shape)
'''

HTML = '''
def effective_window(beta):
    raise ValueError("<script>alert(1)</script>")
'''


def _notebook(course, answers, edit=None) -> bytes:
    nb = with_answers(student_version(course), answers)
    if edit:
        edit(nb)
    return nbformat.writes(nb).encode()


def _strip_and_bomb(nb):
    """log_spaced_grid loses its metadata; a cell that nests 20,000 deep sits before it."""
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "log_spaced_grid":
            del cell.metadata["nbgrader"]
    nb.cells.insert(1, nbformat.v4.new_code_cell("x = " + "not " * 20000 + "x"))


def _many_failing_copies(nb):
    """2,000 copies of an answer cell that raises a long message."""
    cell = nbformat.v4.new_code_cell("raise ValueError('x' * 300)")
    cell.metadata["nbgrader"] = {"grade_id": "effective_window", "solution": True,
                                 "grade": False, "locked": False, "schema_version": 3}
    nb.cells += [nbformat.from_dict(dict(cell, id=f"copy-{i}")) for i in range(2000)]


def _markdown_claims(nb):
    cell = nbformat.v4.new_markdown_cell("Some *notes* about effective_window.")
    cell.metadata["nbgrader"] = {"grade_id": "effective_window", "solution": True,
                                 "grade": False, "locked": False, "schema_version": 3}
    nb.cells.append(cell)


def _list_grade_id(nb):
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade_id") == "sample_log_uniform":
            meta["grade_id"] = ["sample_log_uniform"]


def _raw(course, answers) -> dict:
    return json.loads(_notebook(course, answers))


def _nbformat3() -> bytes:
    cell = {"cell_type": "code", "input": _WINDOW, "language": "python", "outputs": [],
            "metadata": {"nbgrader": {"grade_id": "effective_window", "solution": True,
                                      "grade": False, "locked": False, "schema_version": 3}}}
    setup = {"cell_type": "code", "input": "import numpy as np", "language": "python",
             "outputs": [], "metadata": {}}
    return json.dumps({"nbformat": 3, "nbformat_minor": 0, "metadata": {},
                       "worksheets": [{"cells": [setup, cell], "metadata": {}}]}).encode()


def _submissions(course) -> dict[str, bytes]:
    """student -> the exact bytes placed in submitted/ (as nbgrader's own collect would)."""
    too_big = _raw(course, GOOD)
    too_big["cells"][0]["outputs"] = []
    too_big["cells"][0]["metadata"]["padding"] = "x" * (notebook.MAX_NOTEBOOK_BYTES + 1)
    source_int = _raw(course, GOOD)
    source_int["cells"][3]["source"] = 5
    return {
        "correct": _notebook(course, GOOD),
        "forges_channel": _notebook(course, dict(GOOD, effective_window=FORGES)),
        "escapes_scratch": _notebook(course, dict(GOOD, effective_window=ESCAPES)),
        "html_in_error": _notebook(course, dict(GOOD, effective_window=HTML)),
        "forks": _notebook(course, dict(GOOD, effective_window=FORKS)),
        "parser_bomb": _notebook(course, GOOD, _strip_and_bomb),
        "markdown_claims_answer": _notebook(course, GOOD, _markdown_claims),
        "many_failing_copies": _notebook(course, GOOD, _many_failing_copies),
        "list_grade_id": _notebook(course, GOOD, _list_grade_id),
        "json_list": b"[]",
        "cells_not_a_list": json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {},
                                        "cells": "abc"}).encode(),
        "source_not_text": json.dumps(source_int).encode(),
        "too_big": json.dumps(too_big).encode(),
        "not_utf8": b'{"nbformat": 4, "cells": ["\xff\xfe"]}',
        "nbformat3": _nbformat3(),
    }


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    course = make_course(tmp_path_factory.mktemp("hardening"))
    submitted = _submissions(course)
    for student, data in submitted.items():
        folder = course / "submitted" / student / NAME
        folder.mkdir(parents=True)
        (folder / f"{NAME}.ipynb").write_bytes(data)
    try:
        code = main(["grade", NAME, "--course", str(course), "--timeout", str(TIMEOUT),
                     "--workers", "2", "--quiet"])
        planted = [p for d in SCRATCH for p in Path(d).glob(f"{TOKEN}*")]
    finally:
        for d in SCRATCH:
            for path in Path(d).glob(f"{TOKEN}*"):
                path.unlink()
    return {"course": course, "code": code, "results": results_json(course, NAME),
            "planted": planted, "students": set(submitted)}


def _earned(result, function):
    return sum(c["earned"] for c in result["checks"] if c["function"] == function)


def _flags(result):
    return " | ".join(f["detail"] for f in result["flags"])


def test_every_hostile_submission_gets_exactly_one_outcome(hostile):
    """Does the class run finish (exit 0) with one result per student, whatever they sent?"""
    assert hostile["code"] == 0
    assert set(hostile["results"]) == hostile["students"]
    assert hostile["results"]["correct"]["score"] == 15


def test_forged_channel_lines_are_flagged_and_ignored(hostile):
    """Do malformed events on the result channel count as tampering, never crash the run?"""
    result = hostile["results"]["forges_channel"]
    assert (result["status"], result["score"]) == ("graded", 15)
    assert "unexpected output on the grader's result channel" in _flags(result)


def test_scratch_folders_are_private_and_bounded(hostile):
    """Is the child's /tmp (and every world-writable folder) fresh, private and capped?"""
    result = hostile["results"]["escapes_scratch"]
    assert _earned(result, "effective_window") == 0, result["checks"]
    assert result["score"] == 13
    assert hostile["planted"] == []


def test_a_child_starts_threads_but_no_processes(hostile):
    """Could one submission multiply its memory limit with a fork bomb? No: forks fail."""
    result = hostile["results"]["forks"]
    assert result["status"] == "graded"
    assert _earned(result, "effective_window") == 0, result["checks"]
    assert result["score"] == 13


def test_malformed_notebooks_are_errors_with_a_reason(hostile):
    """Are unreadable, hostile or oversized notebooks an error that says why, never a crash?"""
    results = hostile["results"]
    for student in ("json_list", "cells_not_a_list", "source_not_text", "not_utf8"):
        status = results[student]["status"]
        assert status.startswith("error: ") and "not a readable Jupyter notebook" in status
    assert "larger than 32 MB" in results["too_big"]["status"]


def test_odd_but_usable_notebooks_are_graded(hostile):
    """Are a list grade_id, a parser bomb beside a lost answer and nbformat 3 still graded?"""
    results = hostile["results"]
    assert (results["list_grade_id"]["status"], results["list_grade_id"]["score"]) == (
        "graded", 15)
    assert "sample_log_uniform lost its nbgrader metadata" in _flags(results["list_grade_id"])
    assert (results["parser_bomb"]["status"], results["parser_bomb"]["score"]) == ("graded", 15)
    assert results["nbformat3"]["status"] == "graded"
    assert _earned(results["nbformat3"], "effective_window") == 2


def test_a_result_stays_small_whatever_the_notebook_repeats(hostile):
    """2,000 failing copies of an answer cell: graded, with a bounded list of errors."""
    result = hostile["results"]["many_failing_copies"]
    assert (result["status"], result["score"]) == ("graded", 15)
    assert 0 < len(result["cell_errors"]) <= children.MAX_CELL_ERRORS
    path = ledger.result_path(hostile["course"], NAME, "many_failing_copies")
    assert path.stat().st_size < 100_000


def test_a_markdown_cell_claiming_an_answer_id_is_not_run(hostile):
    """Is a markdown cell with an answer's grade_id flagged instead of executed as code?"""
    result = hostile["results"]["markdown_claims_answer"]
    assert (result["status"], result["score"]) == ("graded", 15)
    assert "a markdown cell claims grade_id effective_window" in _flags(result)
    assert result["cell_errors"] == []


def test_student_text_is_escaped_in_feedback_and_report(hostile):
    """Does a student's exception text reach the pages only as escaped text?"""
    course = hostile["course"]
    assert main(["feedback", NAME, "--course", str(course)]) == 0
    assert main(["report", NAME, "--course", str(course)]) == 0
    page = (course / "feedback" / "html_in_error" / NAME / f"{NAME}.html").read_text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>" not in page
    assert "<script>" not in (course / "reports" / f"{NAME}.html").read_text()


# --- the channel's events, unit by unit ---------------------------------------------------

_ARRAY = {"shape": [2], "b64": "AAAAAAAA8D8AAAAAAAAAQA=="}


@pytest.mark.parametrize("event", [
    {"event": "cell", "kind": "answer", "id": "x", "error": "boom"},
    {"event": "cell", "kind": "nope", "id": "x", "error": None},
    {"event": "probe", "label": ["a"], "value": None, "error": None, "tripwire": []},
    {"event": "probe", "label": "f:a", "value": {"fields": 5}, "error": None, "tripwire": []},
    {"event": "probe", "label": "f:a", "value": {"shape": [3], "b64": _ARRAY["b64"]},
     "error": None, "tripwire": []},
    {"event": "probe", "label": "f:a", "value": {"shape": [-1], "b64": ""}},
    {"event": "probe", "label": "f:a", "value": _ARRAY, "tripwire": "abc"},
    {"event": "probe", "label": "f:a", "value": _ARRAY, "tripwire": [], "seconds": "1"},
    {"event": "function", "name": 5},
    {"event": "visible", "id": {"x": 1}, "error": None},
    {"event": "visible", "id": "t", "error": {"type": 1, "message": "m"}},
    {"event": "launch"},
    ["event", "done"],
])
def test_malformed_events_are_refused(event):
    """Is every event with a wrong type or shape refused as a whole?"""
    assert protocol.checked(event) is None


def test_well_formed_events_pass_unchanged_but_trimmed():
    """Do the harness's own events pass, long messages cut and unknown keys dropped?"""
    probe = {"event": "probe", "label": "f:a", "value": _ARRAY, "error": None,
             "tripwire": ["course.x", "course.x"], "seconds": 0.5, "extra": "dropped"}
    expected = {k: v for k, v in probe.items() if k != "extra"}
    assert protocol.checked(probe) == dict(expected, tripwire=["course.x"])
    fields = dict(probe, value={"fields": {"w": _ARRAY, "b": _ARRAY}})
    assert protocol.checked(fields)["value"] == {"fields": {"w": _ARRAY, "b": _ARRAY}}
    cell = {"event": "cell", "kind": "answer", "id": "f",
            "error": {"type": "ValueError", "message": "m" * 5000, "cell": "f", "line": 3}}
    error = protocol.checked(cell)["error"]
    assert len(error["message"]) <= protocol.MAX_TEXT + 3 and error["line"] == 3


# --- collect ----------------------------------------------------------------------------


def _collect(course, path, capsys):
    assert main(["collect", str(path), "--assignment", NAME, "--course", str(course)]) == 0
    return capsys.readouterr().out


def _placed(course, student):
    return (course / "submitted" / student / NAME / f"{NAME}.ipynb").exists()


def test_collect_never_follows_symbolic_links(hostile, tmp_path, capsys):
    """Can a link to the instructor's solution (from a student's repo) be collected? No."""
    course = hostile["course"]
    solution = course / "source" / NAME / f"{NAME}.ipynb"
    incoming = tmp_path / "class"
    (incoming / "ivan").mkdir(parents=True)
    (incoming / "mallory.ipynb").symlink_to(solution)
    (incoming / "ivan" / "hw.ipynb").symlink_to(solution)
    (incoming / "judy").symlink_to(solution.parent, target_is_directory=True)
    out = _collect(course, incoming, capsys)
    assert not any(_placed(course, s) for s in ("mallory", "ivan", "judy"))
    assert "mallory.ipynb: a symbolic link" in out and "ivan/hw.ipynb: a symbolic link" in out


def test_collect_refuses_ambiguous_or_odd_students(hostile, tmp_path, capsys):
    """Odd ids, two notebooks for one student, bad JSON, a fifo: listed, never a crash."""
    course = hostile["course"]
    good = _notebook(course, GOOD)
    incoming = tmp_path / "class"
    (incoming / "kim").mkdir(parents=True)
    (incoming / "kim.ipynb").write_bytes(good)
    (incoming / "kim" / "work.ipynb").write_bytes(good)
    (incoming / "newline\n.ipynb").write_bytes(good)
    (incoming / "listy.ipynb").write_bytes(b"[]")
    (incoming / "huge.ipynb").write_bytes(b" " * (notebook.MAX_NOTEBOOK_BYTES + 1))
    (incoming / "lee").mkdir()
    os.mkfifo(incoming / "lee" / "pipe.ipynb")
    (incoming / "lee" / "real.ipynb").write_bytes(good)
    (incoming / "mona.ipynb").write_bytes(good)
    out = _collect(course, incoming, capsys)
    assert _placed(course, "mona") and _placed(course, "lee")
    assert not _placed(course, "kim") and not _placed(course, "listy")
    assert not (course / "submitted" / "newline\n").exists()
    assert "kim.ipynb: one of 2 notebooks for student kim" in out
    assert "kim/work.ipynb: one of 2 notebooks for student kim" in out
    assert "is not a usable student id" in out
    assert "listy.ipynb: listy.ipynb is not a readable Jupyter notebook" in out
    assert "huge.ipynb: huge.ipynb is larger than 32 MB" in out


def test_collect_skips_unsafe_zip_members_and_places_the_rest(hostile, tmp_path, capsys):
    """Does one hostile name in a class zip cost only that entry, never the class?"""
    course = hostile["course"]
    good = _notebook(course, GOOD)
    archive = tmp_path / "class.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("class/nina.ipynb", good)
        zf.writestr("class/olga/any.ipynb", good)
        zf.writestr("class/../../escape.ipynb", good)
        zf.writestr("/abs.ipynb", good)
        link = zipfile.ZipInfo("class/pete.ipynb")
        link.external_attr = (0o120777 << 16)
        zf.writestr(link, str(course / "source" / NAME / f"{NAME}.ipynb"))
        zf.writestr("class/notes.txt", "hello")
        zf.writestr("class/\x1b]0;pwned\x07\x1b[2J.txt", "terminal escapes in a name")
    out = _collect(course, archive, capsys)
    assert "\x1b" not in out and "\\x1b]0;pwned\\x07\\x1b[2J.txt" in out
    assert _placed(course, "nina") and _placed(course, "olga") and not _placed(course, "pete")
    assert "class/../../escape.ipynb: in the zip: an unsafe path" in out
    assert "/abs.ipynb: in the zip: an unsafe path" in out
    assert "class/pete.ipynb: in the zip: a symbolic link" in out
    assert "class/notes.txt: in the zip: not a notebook" in out
    assert not (tmp_path / "escape.ipynb").exists()


# --- scores a person entered, locks, hand-edited files, seeds ------------------------------


def _grade(course, *students, force=True):
    argv = ["grade", NAME, "--course", str(course), "--timeout", str(TIMEOUT), "--quiet"]
    for student in students:
        argv += ["--student", student]
    return main(argv + (["--force"] if force else []))


def _export(course, tmp_path) -> dict[str, dict]:
    output = tmp_path / "grades.csv"
    assert main(["export", "--course", str(course), "--output", str(output)]) == 0
    with open(output, newline="") as handle:
        return {r["student"]: r for r in csv.DictReader(handle) if r["assignment"] == NAME}


def test_a_manual_score_survives_regrading_and_is_the_final_score(hostile, tmp_path, capsys):
    """Does a score typed in formgrader stay, and reach export, report and feedback?"""
    from nbgrader.api import Gradebook

    course = hostile["course"]
    zeros = "def effective_window(beta):\n    return np.zeros(np.shape(beta))\n"
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "rita.ipynb").write_bytes(
        _notebook(course, dict(GOOD, effective_window=zeros)))
    _collect(course, tmp_path / "in", capsys)
    assert _grade(course, "rita") == 0
    url = f"sqlite:///{course / 'gradebook.db'}"
    with Gradebook(url) as gb:  # what formgrader does when a person types a score
        grade = gb.find_grade("test_effective_window", NAME, NAME, "rita")
        assert (grade.auto_score, grade.manual_score) == (0.0, None)
        grade.manual_score = 1.5
        gb.db.commit()
    assert _grade(course, "rita") == 0  # forced regrade of the same file
    with Gradebook(url) as gb:
        grade = gb.find_grade("test_effective_window", NAME, NAME, "rita")
        assert (grade.auto_score, grade.manual_score) == (0.0, 1.5)
        assert gb.find_submission(NAME, "rita").score == 14.5
    row = _export(course, tmp_path)["rita"]
    assert (row["score"], row["max_score"], row["status"]) == ("14.5", "15", "graded")
    assert results_json(course, NAME)["rita"]["score"] == 13  # the autograder's own record
    assert main(["report", NAME, "--course", str(course)]) == 0
    report = (course / "reports" / f"{NAME}.html").read_text()
    manual = report.split("Scores set by a person")[1].split("<h2>")[0]
    assert "rita" in manual and "14.5 (manual)" in manual and "test_effective_window" in manual
    assert main(["feedback", NAME, "--course", str(course)]) == 0
    page = (course / "feedback" / "rita" / NAME / f"{NAME}.html").read_text()
    assert "Score: 14.5 / 15" in page and "set by your instructor" in page


def test_two_commands_never_work_on_one_assignment_at_once(hostile, tmp_path, capsys):
    """While one command holds the assignment, does another stop with one clear sentence?"""
    course = hostile["course"]
    (tmp_path / "in").mkdir()
    with ledger.lock(course, NAME):
        assert _grade(course, "correct") == 1
        assert "another autograder command" in capsys.readouterr().err
        assert main(["collect", str(tmp_path / "in"), "--assignment", NAME,
                     "--course", str(course)]) == 1
        assert "another autograder command" in capsys.readouterr().err
    assert _grade(course, "correct") == 0


def test_a_locked_gradebook_is_waited_for_then_reported(hostile, monkeypatch, capsys):
    """formgrader mid-write: a short lock is waited out; a long one is one clear error."""
    course = hostile["course"]
    holder = sqlite3.connect(course / "gradebook.db", isolation_level=None,
                             check_same_thread=False)

    def lock_with_stale_scores():  # so that the grader has something to write
        holder.execute("UPDATE grade SET auto_score = NULL")
        holder.execute("BEGIN IMMEDIATE")  # a writer's lock, as formgrader's while saving
        holder.execute("UPDATE student SET first_name = first_name")

    lock_with_stale_scores()
    release = threading.Timer(1.0, holder.rollback)
    release.start()
    try:
        assert _grade(course, "correct") == 0
    finally:
        release.join()
    monkeypatch.setattr(gradebook, "GRADEBOOK_WAIT", 0.0)
    lock_with_stale_scores()
    try:
        assert _grade(course, "correct") == 1
    finally:
        holder.rollback()
        holder.close()
    err = capsys.readouterr().err
    assert "stayed locked" in err and "results are saved" in err and "Traceback" not in err
    assert results_json(course, NAME)["correct"]["score"] == 15
    assert _grade(course, "correct", force=False) == 0  # copies the saved result in
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        assert gb.find_submission(NAME, "correct").score == 15


def test_hand_edited_ledger_files_are_regraded_not_fatal(hostile, tmp_path):
    """A result or manifest edited into another shape: no crash, and the next run regrades."""
    course = hostile["course"]
    path = ledger.result_path(course, NAME, "correct")
    data = json.loads(path.read_text())
    path.write_text(json.dumps(dict(data, score="twelve", checks="all")))
    ledger.manifest_path(course, NAME).write_text("[1, 2]")
    row = _export(course, tmp_path)["correct"]
    assert row["status"].startswith("error: not graded yet")
    assert _grade(course, "correct", force=False) == 0
    assert results_json(course, NAME)["correct"]["score"] == 15


def test_seeds_need_the_course_key(hostile):
    """Could a student compute their probes from the public checks and their file? No."""
    course = hostile["course"]
    result = hostile["results"]["correct"]
    assert result["seed"] != ledger.seed_for(result["sha256"], NAME)  # no key: public
    key = course / ".autograder" / "seed.key"
    assert key.stat().st_mode & 0o077 == 0
    assert ledger.seed_for(result["sha256"], NAME, ledger.seed_key(course)) == result["seed"]


def test_the_hash_recorded_is_that_of_the_bytes_graded(hostile, tmp_path, monkeypatch):
    """If the file is replaced while it is graded, does the result still describe one file?"""
    course = hostile["course"]
    good = _notebook(course, GOOD)
    folder = course / "submitted" / "swap" / NAME
    folder.mkdir(parents=True)
    (folder / f"{NAME}.ipynb").write_bytes(good)
    real, swapped = ledger.seed_for, []

    def seed_then_replace(*args):  # the seed is derived right after the file is hashed
        if not swapped:  # a resubmission lands just then
            (folder / f"{NAME}.ipynb").write_bytes(nbformat.writes(
                student_version(course)).encode())
            swapped.append(args)
        return real(*args)

    monkeypatch.setattr(ledger, "seed_for", seed_then_replace)
    assert _grade(course, "swap") == 0
    result = results_json(course, NAME)["swap"]
    assert swapped and result["sha256"] == hashlib.sha256(good).hexdigest()
    assert result["score"] == 15  # the file that was hashed is the file that was graded


def test_a_grader_failure_costs_one_submission_not_the_run(hostile, monkeypatch, capsys):
    """A bug in the grader on one submission: that one is an error, the rest are graded."""
    course = hostile["course"]
    real = grading.grade_submission

    def flaky(run, student, path, flags=()):
        if student == "correct":
            raise KeyError("a bug in the grader")
        return real(run, student, path, flags)

    monkeypatch.setattr(grading, "grade_submission", flaky)
    assert _grade(course, "correct", "markdown_claims_answer") == 0
    results = results_json(course, NAME)
    assert results["correct"]["status"].startswith(
        "error: the grader failed on this submission (KeyError)")
    assert results["markdown_claims_answer"]["score"] == 15
    assert "a bug in the grader" in capsys.readouterr().out
    monkeypatch.undo()
    assert _grade(course, "correct", force=False) == 0  # not kept as "already graded"
    assert results_json(course, NAME)["correct"]["score"] == 15


# --- judges, in the parent, on arrays the student controls -------------------------------


@pytest.mark.timeout(120)
def test_a_judge_stuck_on_hostile_values_costs_one_submission(hostile, monkeypatch):
    """A judge that never returns on some input: the check fails, the run goes on."""
    from autograder.spec import load

    course = hostile["course"]
    check = load(NAME).task("log_spaced_grid").checks[-1]

    def stuck(values, probes):  # swallows ordinary exceptions, as some judges do
        while True:
            try:
                sorted(range(1000))
            except Exception:
                pass

    monkeypatch.setattr(judging, "JUDGE_SECONDS", 1.0)
    original = check.judge
    object.__setattr__(check, "judge", stuck)  # Check is frozen; put it back below
    try:
        assert _grade(course, "correct", "markdown_claims_answer") == 0
    finally:
        object.__setattr__(check, "judge", original)
    results = results_json(course, NAME)
    for student in ("correct", "markdown_claims_answer"):
        result = results[student]
        assert result["score"] == 11  # 15 less the stuck check and the 3 judged after it
        assert "judging its returned values took more than 1 s" in result["status"]
        assert "took too long" in result["checks"][-1]["message"]


def test_bounded_judges_return_in_time_and_trim_messages():
    """Is a runaway judge stopped near its deadline, and a huge message cut?"""
    import time

    from autograder.spec import Verdict

    def runaway(values, probes):
        while True:
            try:
                pass
            except Exception:
                pass

    started = time.monotonic()
    assert judging._bounded(runaway, {}, {}, started + 0.5) is None
    assert time.monotonic() - started < 3
    verdict = judging._bounded(lambda v, p: Verdict(False, "x" * 10**6), {}, {},
                               time.monotonic() + 5)
    assert not verdict.passed and len(verdict.message) <= judging.MAX_MESSAGE + 3
    failed = judging._bounded(lambda v, p: 1 / 0, {}, {}, time.monotonic() + 5)
    assert not failed.passed and "unexpected shape or type" in failed.message
    time.sleep(0.2)  # no late interrupt may reach this thread after a judge returned


def test_editing_what_grades_regrades_even_without_a_version_bump(hostile, capsys):
    """The instructor edits a setup cell and forgets Assignment.version: stale grades?"""
    course = hostile["course"]
    assert _grade(course, "correct") == 0
    assert _grade(course, "correct", force=False) == 0
    assert "correct: graded 15/15 (already graded)" in capsys.readouterr().out
    path = course / "source" / NAME / f"{NAME}.ipynb"
    original = path.read_bytes()
    nb = nbformat.reads(original.decode(), as_version=4)
    setup = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "setup")
    setup.source += "\nnp.seterr(all='warn')"
    path.write_text(nbformat.writes(nb))
    before = results_json(course, NAME)["correct"]["fingerprint"]
    try:
        assert _grade(course, "correct", force=False) == 0
    finally:
        path.write_bytes(original)
    assert "(already graded)" not in capsys.readouterr().out
    assert results_json(course, NAME)["correct"]["fingerprint"] != before


def test_a_copy_of_the_source_notebook_is_flagged_for_a_person(hostile):
    """A student hands in the instructor's notebook (leaked): full marks, but flagged."""
    course = hostile["course"]
    folder = course / "submitted" / "leaked" / NAME
    folder.mkdir(parents=True)
    shutil.copy(course / "source" / NAME / f"{NAME}.ipynb", folder / f"{NAME}.ipynb")
    assert _grade(course, "leaked") == 0
    result = results_json(course, NAME)["leaked"]
    assert result["score"] == 15 and "solution or hidden-test markers" in _flags(result)
    assert main(["report", NAME, "--course", str(course)]) == 0
    todo = (course / "reports" / f"{NAME}.html").read_text().split("need a person")[1]
    assert "leaked" in todo and "solution or hidden-test markers" in todo


def test_collect_refuses_the_course_folders_themselves(hostile, capsys):
    """collect DIR/source would place the solution as a student's work: refused."""
    course = hostile["course"]
    for path in (course, course / "source", course / "submitted"):
        assert main(["collect", str(path), "--assignment", NAME, "--course", str(course)]) == 1
        assert "folders it manages" in capsys.readouterr().err
    assert not (course / "submitted" / NAME).exists()


def test_a_submission_folder_that_cannot_be_graded_is_an_error_not_missing(hostile, tmp_path):
    """Two renamed notebooks, none, or a link in submitted/: 'error: why', never 'missing'."""
    course = hostile["course"]
    good = _notebook(course, GOOD)
    cases = {"two_renamed": ["a.ipynb", "b.ipynb"], "empty_folder": [], "only_link": []}
    for student, names in cases.items():
        folder = course / "submitted" / student / NAME
        folder.mkdir(parents=True)
        for name in names:
            (folder / name).write_bytes(good)
    (course / "submitted" / "only_link" / NAME / f"{NAME}.ipynb").symlink_to(
        course / "source" / NAME / f"{NAME}.ipynb")
    rows = _export(course, tmp_path)
    assert rows["two_renamed"]["status"] == (
        f"error: 2 notebooks in submitted/two_renamed/{NAME} and none named {NAME}.ipynb: "
        f"keep only one")
    assert rows["empty_folder"]["status"] == f"error: no notebook in submitted/empty_folder/{NAME}"
    assert "is a symbolic link, never followed" in rows["only_link"]["status"]
    assert _grade(hostile["course"], "correct") == 0
    assert "only_link" not in results_json(course, NAME)


def test_a_killed_graders_folders_are_removed_by_the_next_run(hostile):
    """Job and library folders of a grader that died (SIGKILL) do not pile up in /tmp."""
    import subprocess
    import sys
    import tempfile

    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    dead = int(done.stdout)
    root = Path(tempfile.gettempdir())
    stale = [root / f"autograder-job-{dead}-x1", root / f"autograder-lib-{dead}-x2"]
    alive = root / f"autograder-job-{os.getpid()}-x3"
    for folder in (*stale, alive):
        (folder / "lib").mkdir(parents=True)
    try:
        assert _grade(hostile["course"], "correct") == 0
        assert not any(p.exists() for p in stale) and alive.exists()
    finally:
        for folder in (*stale, alive):
            shutil.rmtree(folder, ignore_errors=True)


def test_a_flood_of_invalid_outputs_costs_the_grader_neither_minutes_nor_gigabytes():
    """100,000 invalid outputs (2.3 MB) took nbformat's validation 293 s and 4.5 GB; outputs
    are never graded, so they are dropped before it runs."""
    import json
    import resource
    import time

    from autograder import notebook

    nb = {"cells": [{"cell_type": "code", "source": "x = 1", "metadata": {},
                     "execution_count": None,
                     "outputs": [{"output_type": "bogus"}] * 100_000}],
          "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    parsed = notebook.parse(json.dumps(nb).encode(), "flood.ipynb")
    assert time.monotonic() - started < 20  # a loose ceiling: it takes about a second
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 1_000_000  # KiB
    assert parsed.cells[0].source == "x = 1" and parsed.cells[0].outputs == []
