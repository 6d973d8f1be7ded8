"""The grader's non-root path: level userns, graded by an unprivileged user (CI runs as root,
so the tests act as the user ``autograder-ci``, see unprivileged.py), and its clear refusal
when the host does not let that user make user namespaces."""

from __future__ import annotations

import json
import shutil

import nbformat
import pytest
import unprivileged
from autograder_corpus import (
    GOOD,
    HOARDS_THREADS,
    NAME,
    make_course,
    results_json,
    student_version,
    with_answers,
    write_corpus,
)

pytestmark = pytest.mark.skipif(bool(unprivileged.available()),
                                reason=unprivileged.available() or "ok")
TIMEOUT = 20

USES_THREADS = '''
import threading
def effective_window(beta):
    done = []
    workers = [threading.Thread(target=done.append, args=(1,)) for _ in range(64)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    beta = np.asarray(beta, dtype=float)
    return 1.0 / (1.0 - beta) if len(done) == 64 else np.zeros(beta.shape)
'''
POISONS = '''
import glob, os
_poisoned = False
for _d in glob.glob("/tmp/autograder-*/lib") + ["/grader/lib", "/grader/site/numpy"]:
    try:
        open(os.path.join(_d, "numpy.py"), "w").write("raise ImportError('poisoned')\\n")
        _poisoned = True
    except OSError:
        pass
def effective_window(beta):
    beta = np.asarray(beta, dtype=float)
    return 1.0 / (1.0 - beta) if _poisoned else np.zeros(beta.shape)
'''


def _place(course, student, nb):
    folder = course / "submitted" / student / NAME
    folder.mkdir(parents=True)
    nbformat.write(nb, str(folder / f"{NAME}.ipynb"))


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("unprivileged")
    course = make_course(tmp)
    cases = write_corpus(course, tmp / "all")
    for case in ("correct", "reads_solution", "writes_gradebook"):
        shutil.copy(tmp / "all" / f"{case}.ipynb", tmp / f"{case}.ipynb")
        nb = nbformat.read(str(tmp / f"{case}.ipynb"), as_version=4)
        _place(course, case, nb)
    assert cases
    base = student_version(course)
    _place(course, "a_hoarder", with_answers(base, dict(
        GOOD, sample_log_uniform=HOARDS_THREADS + GOOD["sample_log_uniform"])))
    _place(course, "b_uses_threads", with_answers(base, dict(GOOD,
                                                             effective_window=USES_THREADS)))
    _place(course, "c_poisoner", with_answers(base, dict(GOOD, effective_window=POISONS)))
    _place(course, "d_after_poisoner", with_answers(base, GOOD))
    done = unprivileged.run(["grade", NAME, "--course", str(course), "--timeout",
                             str(TIMEOUT), "--quiet", "--workers", "2"], course)
    assert done.returncode == 0, done.stderr
    return course, done


def test_an_unprivileged_grader_jails_each_child_in_its_own_user_namespace(graded):
    course, done = graded
    assert "level userns" in done.stdout
    results = results_json(course, NAME)
    assert {r["isolation"] for r in results.values()} == {"userns"}
    assert (results["correct"]["status"], results["correct"]["score"]) == ("graded", 15)


def test_the_course_folder_is_out_of_reach_without_root(graded):
    course, _ = graded
    results = results_json(course, NAME)
    assert results["reads_solution"]["score"] == 0
    assert results["writes_gradebook"]["score"] == 0
    assert not (course / "submitted" / "planted.txt").exists()


def test_a_thread_hoard_does_not_reach_a_classmate_without_root(graded):
    course, _ = graded
    results = results_json(course, NAME)
    assert (results["a_hoarder"]["status"], results["a_hoarder"]["score"]) == ("graded", 15)
    thrifty = results["b_uses_threads"]
    assert (thrifty["status"], thrifty["score"]) == ("graded", 15), thrifty["checks"]


def test_no_child_can_rig_the_library_or_packages_a_later_child_imports(graded):
    course, _ = graded
    results = results_json(course, NAME)
    poisoner = {c["function"]: c["earned"] for c in results["c_poisoner"]["checks"]}
    assert poisoner["effective_window"] == 0
    assert results["d_after_poisoner"]["score"] == 15


def test_without_user_namespaces_grading_stops_with_one_clear_sentence(tmp_path):
    """The host forbids the grading user new user namespaces: nobody is graded `error`;
    the command says what is missing and how to get it."""
    course = make_course(tmp_path)
    _place(course, "alice", with_answers(student_version(course), GOOD))
    done = unprivileged.run(
        ["grade", NAME, "--course", str(course), "--quiet"], course,
        wrapper=["bwrap", "--unshare-user", "--disable-userns", "--dev-bind", "/", "/", "--"])
    assert done.returncode == 1
    message = done.stderr.strip()
    assert message.count("\n") == 0, message
    assert "does not let the grader make a child's jail" in message
    assert "run the grader as root" in message
    assert results_json(course, NAME) == {}
    assert not any((course / "autograded").rglob("*.json")) if (course / "autograded").exists() \
        else True
    json.dumps(message)
