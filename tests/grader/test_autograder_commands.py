"""Do the instructor's commands behave on real courses built in a temporary folder?"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import nbformat
import pytest
from autograder_corpus import (
    GOOD,
    NAME,
    ROOT,
    make_course,
    results_json,
    student_version,
    with_answers,
    write_corpus,
)

from autograder import ledger
from autograder.cli import main


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    return make_course(tmp_path_factory.mktemp("commands"))


def _tree(path: Path) -> dict:
    return {str(p.relative_to(path)): (hashlib.sha256(p.read_bytes()).hexdigest(),
                                       p.stat().st_mtime_ns)
            for p in sorted(path.rglob("*")) if p.is_file()}


def _grade(course, *extra):
    return main(["grade", NAME, "--course", str(course), "--timeout", "10", "--quiet", *extra])


def test_source_scores_full_marks_and_student_version_zero(course, tmp_path):
    """Does the instructor's notebook earn 15/15 and the untouched student version 0 (graded)?"""
    incoming = tmp_path / "in"
    incoming.mkdir()
    shutil.copy(course / "source" / NAME / f"{NAME}.ipynb", incoming / "instructor.ipynb")
    shutil.copy(course / "release" / NAME / f"{NAME}.ipynb", incoming / "untouched.ipynb")
    assert main(["collect", str(incoming), "--assignment", NAME, "--course", str(course)]) == 0
    assert _grade(course, "--student", "instructor", "--student", "untouched") == 0
    results = results_json(course, NAME)
    assert (results["instructor"]["status"], results["instructor"]["score"]) == ("graded", 15)
    assert (results["untouched"]["status"], results["untouched"]["score"]) == ("graded", 0)
    assert all(v["passed"] for v in results["instructor"]["visible"])


def test_release_writes_a_student_version_without_solutions(course):
    """Does the released notebook raise NotImplementedError and hold no solution text?"""
    nb = student_version(course)
    text = "\n".join(cell.source for cell in nb.cells)
    assert text.count("raise NotImplementedError()") == 5
    assert "BEGIN SOLUTION" not in text and "10.0**exponents" not in text
    assert "lessons/03_appropriate_scale.ipynb" in text


def test_release_refuses_when_solution_text_would_leak(tmp_path, capsys):
    """Does release refuse, and remove its output, when a file would carry the solution?"""
    course = make_course(tmp_path)
    source = nbformat.read(str(course / "source" / NAME / f"{NAME}.ipynb"), as_version=4)
    solution = next(c.source for c in source.cells
                    if c.metadata.get("nbgrader", {}).get("grade_id") == "sample_log_uniform")
    (course / "source" / NAME / "notes.txt").write_text(solution.split("SOLUTION")[1])
    assert main(["release", NAME, "--course", str(course)]) == 1
    err = capsys.readouterr().err
    assert "refusing to release sampling_scales" in err and "notes.txt" in err
    assert not (course / "release" / NAME).exists()


def test_collect_places_folders_and_zips_and_never_changes_the_input(course, tmp_path, capsys):
    """Are both layouts and a zip placed, bad entries listed, and PATH left untouched?"""
    incoming = tmp_path / "class"
    incoming.mkdir()
    good = with_answers(student_version(course), GOOD)
    nbformat.write(good, str(incoming / "dana.ipynb"))
    (incoming / "erin").mkdir()
    nbformat.write(good, str(incoming / "erin" / "anything.ipynb"))
    (incoming / "two").mkdir()
    nbformat.write(good, str(incoming / "two" / "a.ipynb"))
    nbformat.write(good, str(incoming / "two" / "b.ipynb"))
    (incoming / "broken.ipynb").write_text("{ not json")
    (incoming / "readme.txt").write_text("hello")
    before = _tree(incoming)
    assert main(["collect", str(incoming), "--assignment", NAME, "--course", str(course)]) == 0
    out = capsys.readouterr().out
    assert _tree(incoming) == before
    assert (course / "submitted" / "dana" / NAME / f"{NAME}.ipynb").exists()
    assert (course / "submitted" / "erin" / NAME / f"{NAME}.ipynb").exists()
    for reason in ("two/: 2 notebooks inside", "broken.ipynb: broken.ipynb is not a readable",
                   "readme.txt: not a notebook"):
        assert reason in out
    manifest = json.loads(ledger.manifest_path(course, NAME).read_text())
    assert manifest["erin"]["flags"][0]["kind"] == "renamed"
    assert manifest["dana"]["flags"] == []

    archive = tmp_path / "class.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(incoming / "dana.ipynb", "class/fay.ipynb")
        zf.write(incoming / "erin" / "anything.ipynb", "class/gus/work.ipynb")
    assert main(["collect", str(archive), "--assignment", NAME, "--course", str(course)]) == 0
    assert (course / "submitted" / "fay" / NAME / f"{NAME}.ipynb").exists()
    assert (course / "submitted" / "gus" / NAME / f"{NAME}.ipynb").exists()


def test_collect_keeps_an_older_different_submission(course, tmp_path):
    """Is a resubmission placed while the earlier file is kept aside, not overwritten?"""
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    nbformat.write(student_version(course), str(first / "hal.ipynb"))
    nbformat.write(with_answers(student_version(course), GOOD), str(second / "hal.ipynb"))
    assert main(["collect", str(first), "--assignment", NAME, "--course", str(course)]) == 0
    old = ledger.sha256_file(course / "submitted" / "hal" / NAME / f"{NAME}.ipynb")
    assert main(["collect", str(second), "--assignment", NAME, "--course", str(course)]) == 0
    kept = list((course / ".autograder" / "superseded" / "hal" / NAME).glob("*.ipynb"))
    assert [ledger.sha256_file(p) for p in kept] == [old]
    new = ledger.sha256_file(course / "submitted" / "hal" / NAME / f"{NAME}.ipynb")
    assert new == ledger.sha256_file(second / "hal.ipynb")


@pytest.mark.parametrize("argv, message", [
    (["grade", "no_such_assignment"], "no hidden checks exist for assignment"),
    (["collect", "{tmp}/missing", "--assignment", NAME], "does not exist"),
    (["collect", "{tmp}/bad.zip", "--assignment", NAME], "is not a readable zip file"),
    (["grade", NAME, "--student", "nobody"], "no submission of sampling_scales for student"),
])
def test_bad_input_gives_one_clear_sentence(course, tmp_path, capsys, argv, message):
    """Do mistakes end with exit 1 and a one-line message instead of a traceback?"""
    (tmp_path / "bad.zip").write_text("this is not a zip")
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv] + ["--course", str(course)]
    assert main(argv) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("autograder: error:") and message in err and "\n" not in err


def test_missing_course_folder_is_reported(tmp_path, capsys):
    """Does a wrong --course give exit 1 and say which folder is missing?"""
    assert main(["export", "--course", str(tmp_path / "nope")]) == 1
    assert "does not exist" in capsys.readouterr().err


def test_a_killed_run_restarts_without_double_counting(tmp_path):
    """After SIGKILL mid-run, does a rerun finish with one result and one gradebook row each?"""
    course = make_course(tmp_path)
    write_corpus(course, tmp_path / "all")
    incoming = tmp_path / "in"
    incoming.mkdir()
    chosen = ["correct", "blank", "linear_sampling", "infinite_loop", "global_numpy_rng",
              "flipped_beta_range"]
    for name in chosen:
        shutil.copy(tmp_path / "all" / f"{name}.ipynb", incoming)
    assert main(["collect", str(incoming), "--assignment", NAME, "--course", str(course)]) == 0
    env = dict(os.environ, PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"])
    process = subprocess.Popen(
        [sys.executable, "-m", "autograder.cli", "grade", NAME, "--course", str(course),
         "--timeout", "10", "--workers", "1", "--quiet"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    results = ledger.result_path(course, NAME, "x").parent
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list(results.glob("*.json"))) < 2:
        time.sleep(0.05)
    process.kill()
    process.wait()
    partial = len(list(results.glob("*.json")))
    assert 2 <= partial < len(chosen)

    assert main(["grade", NAME, "--course", str(course), "--timeout", "10", "--quiet"]) == 0
    assert sorted(p.stem for p in results.glob("*.json")) == sorted(chosen)
    assert not list(results.glob(".*"))  # no half-written files left behind
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        subs = [s.student.id for s in gb.assignment_submissions(NAME)]
        scores = {s.student.id: s.score for s in gb.assignment_submissions(NAME)}
    assert sorted(subs) == sorted(chosen)
    for student, result in results_json(course, NAME).items():
        assert scores[student] == result["score"]
    assert results_json(course, NAME)["correct"]["score"] == 15


def test_a_command_run_inside_a_course_folder_works_on_that_folder(tmp_path, monkeypatch):
    """As with nbgrader's own commands, the current folder is the course: release writes
    into it, and the project's own assignments/ is left untouched."""
    course = tmp_path / "course"
    (course / "source").mkdir(parents=True)
    shutil.copytree(ROOT / "assignments" / "source" / NAME, course / "source" / NAME)
    shutil.copy(ROOT / "assignments" / "nbgrader_config.py", course)
    project = ROOT / "assignments" / "release"
    before = _tree(project) if project.is_dir() else {}
    monkeypatch.chdir(course)
    assert main(["release", NAME]) == 0
    assert (course / "release" / NAME / f"{NAME}.ipynb").is_file()
    assert (_tree(project) if project.is_dir() else {}) == before


def test_outside_any_course_and_without_a_checkout_the_error_says_what_to_do(
        tmp_path, monkeypatch, capsys):
    import autograder.cli as cli

    monkeypatch.setattr(cli, "DEFAULT_COURSE", tmp_path / "site-packages" / "assignments")
    monkeypatch.chdir(tmp_path)
    assert main(["export"]) == 1
    error = capsys.readouterr().err
    assert f"{tmp_path} is not an nbgrader course folder" in error
    assert "run the command from inside the course folder, or pass --course DIR" in error


def test_nbgrader_release_feedback_hands_out_the_autograders_pages(tmp_path):
    """The exchange's timestamp.txt and submission_secret.txt (left beside a submission by
    nbgrader collect) reach the feedback folder, so nbgrader release_feedback can put each
    page in the exchange under the name nbgrader fetch_feedback looks for. A student's
    hostile exchange files (a link, junk) are not copied."""
    from nbgrader.utils import notebook_hash

    course = make_course(tmp_path)
    secret = "ab" * 64
    for student, (stamp, key) in {"ann": ("2026-12-01 10:00:00.123456 UTC", secret),
                                  "bob": ("=HYPERLINK(x)", "not hex")}.items():
        folder = course / "submitted" / student / NAME
        folder.mkdir(parents=True)
        nbformat.write(with_answers(student_version(course), GOOD), str(folder / f"{NAME}.ipynb"))
        (folder / "timestamp.txt").write_text(stamp)
        (folder / "submission_secret.txt").write_text(key)
    link = course / "submitted" / "cat" / NAME
    link.mkdir(parents=True)
    nbformat.write(with_answers(student_version(course), GOOD), str(link / f"{NAME}.ipynb"))
    (link / "timestamp.txt").symlink_to(course / "nbgrader_config.py")
    assert main(["grade", NAME, "--course", str(course), "--quiet"]) == 0
    assert main(["feedback", NAME, "--course", str(course)]) == 0
    feedback = course / "feedback"
    assert (feedback / "ann" / NAME / "timestamp.txt").read_text() == \
        "2026-12-01 10:00:00.123456 UTC"
    assert not (feedback / "bob" / NAME / "submission_secret.txt").exists()
    for student in ("bob", "cat"):  # their own files were refused: the notebook's time
        assert (feedback / student / NAME / "timestamp.txt").read_text().endswith(" UTC")
        assert "HYPERLINK" not in (feedback / student / NAME / "timestamp.txt").read_text()
    exchange = tmp_path / "exchange"
    exchange.mkdir()
    done = subprocess.run(
        [str(Path(sys.executable).parent / "nbgrader"), "release_feedback", NAME,
         "--student", "ann", f"--Exchange.root={exchange}"],
        cwd=course, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    released = exchange / "hyperparameters" / "feedback" / \
        f"{notebook_hash(secret=secret, notebook_id=NAME)}.html"
    assert released.read_text("utf-8") == \
        (feedback / "ann" / NAME / f"{NAME}.html").read_text("utf-8")


def test_a_syntax_error_is_named_with_its_line_in_the_check_and_on_the_page(tmp_path):
    """Not "does not define a function" and not "cell None": the student reads which cell
    stopped, at which line, and why."""
    course = make_course(tmp_path)
    broken = "import numpy as np\ndef effective_window(beta)\n    return 1 / (1 - beta)\n"
    folder = course / "submitted" / "sam" / NAME
    folder.mkdir(parents=True)
    nbformat.write(with_answers(student_version(course), dict(GOOD, effective_window=broken)),
                   str(folder / f"{NAME}.ipynb"))
    assert main(["grade", NAME, "--course", str(course), "--quiet"]) == 0
    result = results_json(course)["sam"]
    assert result["cell_errors"] == [{"type": "SyntaxError", "message": "expected ':'",
                                      "cell": "effective_window", "line": 2}]
    messages = {c["message"] for c in result["checks"] if c["function"] == "effective_window"}
    assert messages == {"your answer cell for effective_window stopped at line 2 with "
                        "SyntaxError: expected ':', so effective_window was never defined: "
                        "fix that first"}
    assert result["score"] == 13  # the other answers keep their points
    assert main(["feedback", NAME, "--course", str(course)]) == 0
    page = (course / "feedback" / "sam" / NAME / f"{NAME}.html").read_text("utf-8")
    assert "None" not in page and "&lt;cell" not in page


@pytest.mark.parametrize("command", [[], ["release"], ["collect"], ["grade"], ["feedback"],
                                     ["export"], ["report"]])
def test_help_is_plain_text(command, capsys):
    """--help shows words, not the reStructuredText markup of the docstrings it comes from."""
    with pytest.raises(SystemExit) as stop:
        main([*command, "--help"])
    assert stop.value.code == 0
    text = capsys.readouterr().out
    assert "usage: autograder" in text
    assert "``" not in text and not re.search(r":\w+:`", text)
    if not command:
        assert "autograder COMMAND [...] [--course DIR]" in text and "Exit status: 0" in text
