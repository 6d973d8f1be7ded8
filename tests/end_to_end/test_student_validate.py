"""Does a student's Validate button work on every released assignment?

The student's path: open the student version from release/, write the functions, press
Validate (nbgrader's validator runs the visible tests). These tests follow that path with
nbgrader's own Validator on the released notebooks: answers written -> no failures; the
untouched version, and a typical wrong answer -> failures the student can see.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat
import pytest
from nbgrader.validator import Validator

from autograder.cli import main

ROOT = Path(__file__).resolve().parents[2]
ASSIGNMENTS = sorted(p.name for p in (ROOT / "assignments" / "source").iterdir() if p.is_dir())
MARKER = re.compile(r"^\s*### (BEGIN|END) SOLUTION\s*$\n?", re.M)


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    course = tmp_path_factory.mktemp("validate") / "course"
    shutil.copytree(ROOT / "assignments" / "source", course / "source")
    shutil.copy(ROOT / "assignments" / "nbgrader_config.py", course)
    assert main(["release", "--course", str(course)]) == 0
    return course


def answers_from_source(course: Path, name: str) -> dict[str, str]:
    """grade_id -> the instructor's answer, written as a student would (no markers)."""
    nb = nbformat.read(str(course / "source" / name / f"{name}.ipynb"), as_version=4)
    return {cell.metadata["nbgrader"]["grade_id"]: MARKER.sub("", cell.source)
            for cell in nb.cells if cell.metadata.get("nbgrader", {}).get("solution")}


def student_notebook(course: Path, name: str, answers: dict[str, str] | None, tmp: Path) -> Path:
    """The released notebook, copied to `tmp` with `answers` typed into its answer cells."""
    released = course / "release" / name
    work = tmp / name
    shutil.copytree(released, work)
    path = work / f"{name}.ipynb"
    nb = nbformat.read(str(path), as_version=4)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if answers and grade_id in answers:
            cell.source = answers[grade_id]
    nbformat.write(nb, str(path))
    return path


def validate(path: Path) -> dict:
    validator = Validator()
    validator.validate_failed_tests = True
    return validator.validate(str(path))


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_written_answers_validate_cleanly(course, name, tmp_path):
    """With every function written, does Validate report nothing wrong?"""
    path = student_notebook(course, name, answers_from_source(course, name), tmp_path)
    assert validate(path) == {}


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_untouched_version_fails_validation(course, name, tmp_path):
    """Before any work, does Validate say that every function's visible test fails?"""
    path = student_notebook(course, name, None, tmp_path)
    functions = answers_from_source(course, name)
    assert len(validate(path).get("failed", [])) == len(functions)


def test_a_linear_sampler_fails_a_visible_test(course, tmp_path):
    """Does Validate catch the usual mistake of lesson 03 (uniform in alpha, not in log10)?"""
    answers = answers_from_source(course, "sampling_scales")
    answers["sample_log_uniform"] = (
        "def sample_log_uniform(low, high, size, rng):\n"
        "    return rng.uniform(low, high, size)\n")
    path = student_notebook(course, "sampling_scales", answers, tmp_path)
    assert validate(path).get("failed"), "a visible test should catch linear sampling"


LINK = re.compile(r"\]\(\.\./assignments/release/([a-z_]+)/([a-z_]+)\.ipynb\)")


def test_each_lesson_links_a_student_version_that_release_writes(course):
    """Does every numbered lesson point students to a notebook that `release` really makes?"""
    linked = {}
    for lesson in sorted((ROOT / "lessons").glob("0[1-9]_*.ipynb")):
        text = "\n".join(cell.source for cell in nbformat.read(str(lesson), as_version=4).cells)
        names = {folder for folder, file in LINK.findall(text) if folder == file}
        assert len(names) == 1, f"{lesson.name} should link exactly one student version"
        linked[lesson.name] = names.pop()
        assert (course / "release" / linked[lesson.name] / f"{linked[lesson.name]}.ipynb").exists()
    assert sorted(linked.values()) == ASSIGNMENTS, "every assignment is linked from a lesson"
