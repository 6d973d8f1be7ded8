"""Does releasing again ever lose what someone wrote in a released notebook?"""

from __future__ import annotations

from autograder_corpus import NAME, make_course

from autograder.cli import main


def test_releasing_again_keeps_a_changed_student_notebook(tmp_path, capsys):
    """A self-learner writes in release/; `autograder release` runs again: is the work kept?"""
    course = make_course(tmp_path)
    released = course / "release" / NAME / f"{NAME}.ipynb"
    work = released.read_text().replace("raise NotImplementedError()", "return 42  # mine", 1)
    assert work != released.read_text()
    released.write_text(work)

    assert main(["release", NAME, "--course", str(course)]) == 0
    kept = sorted((course / "release").glob(f"{NAME}.kept-*"))
    assert len(kept) == 1, "the changed folder should be set aside, not overwritten"
    assert (kept[0] / f"{NAME}.ipynb").read_text() == work
    assert "return 42  # mine" not in released.read_text(), "a fresh student version is written"
    assert "kept it as" in capsys.readouterr().out


def test_releasing_an_untouched_folder_again_keeps_nothing_aside(tmp_path):
    """Is an untouched release simply regenerated, without piling up copies?"""
    course = make_course(tmp_path)
    before = (course / "release" / NAME / f"{NAME}.ipynb").read_text()
    assert main(["release", NAME, "--course", str(course)]) == 0
    assert main(["release", NAME, "--course", str(course)]) == 0
    assert list((course / "release").glob(f"{NAME}.kept-*")) == []
    assert (course / "release" / NAME / f"{NAME}.ipynb").read_text() == before


def test_an_added_file_in_the_release_folder_counts_as_work(tmp_path):
    """A student's own notes file beside the notebook: is it kept too?"""
    course = make_course(tmp_path)
    notes = course / "release" / NAME / "my_notes.txt"
    notes.write_text("log scale!")
    assert main(["release", NAME, "--course", str(course)]) == 0
    kept = sorted((course / "release").glob(f"{NAME}.kept-*"))
    assert [p.name for p in kept[0].iterdir() if p.suffix == ".txt"] == ["my_notes.txt"]
