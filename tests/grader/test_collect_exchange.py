"""`autograder collect --exchange`: each student's latest submission from nbgrader's own
exchange, as `nbgrader collect` chooses it, with the manifest and no-overwrite guarantee.

The exchange is filled by nbgrader itself: `nbgrader release_assignment`, then students'
`nbgrader fetch_assignment` and `nbgrader submit` (ann twice: a wrong answer, then a
right one), each in its own home folder under its own user name.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from autograder_corpus import GOOD, NAME, make_course, results_json, with_answers

from autograder.cli import main

NBGRADER = str(Path(sys.executable).parent / "nbgrader")
WRONG = dict(GOOD, effective_window="def effective_window(beta):\n    return 1 / beta\n")


def shared_account_course(tmp_path):
    """A course whose exchange folders may be made by any account, as on a hub where every
    student shares one Unix account (here the tests, as one user, play every student).
    The owner check itself is tested below with real accounts."""
    course = make_course(tmp_path)
    config = course / "nbgrader_config.py"
    config.write_text(config.read_text() + "\nc.CollectApp.check_owner = False\n")
    return course


def nbgrader(*args, cwd, user="instructor"):
    """Run an nbgrader command in `cwd` as if `user` ran it (HOME is theirs; the student id
    is passed with --student, since nbgrader takes it from the OS account)."""
    env = dict(os.environ, USER=user, LOGNAME=user, HOME=str(cwd))
    done = subprocess.run([NBGRADER, *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, (args, done.stdout[-1500:], done.stderr[-1500:])
    return done


def submit(exchange, home, student, answers):
    opts = ["--course=hyperparameters", f"--Exchange.root={exchange}"]
    if not (home / NAME).is_dir():
        nbgrader("fetch_assignment", NAME, *opts, cwd=home, user=student)
    path = home / NAME / f"{NAME}.ipynb"
    nbformat.write(with_answers(nbformat.read(str(path), as_version=4), answers), str(path))
    nbgrader("submit", NAME, *opts, f"--student={student}", cwd=home, user=student)


@pytest.mark.slow
def test_collect_exchange_takes_each_students_latest_submission(tmp_path, capsys):
    course = shared_account_course(tmp_path)
    exchange = tmp_path / "exchange"
    exchange.mkdir()
    nbgrader("release_assignment", NAME, f"--Exchange.root={exchange}", cwd=course)
    homes = {s: tmp_path / "home" / s for s in ("ann", "bob")}
    for home in homes.values():
        home.mkdir(parents=True)
    submit(exchange, homes["ann"], "ann", WRONG)
    submit(exchange, homes["bob"], "bob", WRONG)
    time.sleep(1.1)  # nbgrader's time stamps: the later one must sort later
    submit(exchange, homes["ann"], "ann", GOOD)
    inbound = exchange / "hyperparameters" / "inbound"
    ann_folders = sorted(p for p in inbound.iterdir() if p.name.startswith("ann+"))
    assert len(ann_folders) == 2
    before = {p: p.stat().st_mtime_ns for p in inbound.rglob("*")}

    assert main(["collect", "--exchange", str(exchange), "--assignment", NAME,
                 "--course", str(course)]) == 0
    out = capsys.readouterr().out
    assert "ann: placed" in out and "bob: placed" in out
    assert {p: p.stat().st_mtime_ns for p in inbound.rglob("*")} == before  # only read
    manifest = json.loads((course / ".autograder" / NAME / "manifest.json").read_text())
    latest = max(ann_folders, key=lambda p: p.name.split("+")[2])
    assert manifest["ann"]["original"] == f"exchange: {latest.name}"
    # The exchange's own stamp and secret are kept for nbgrader release_feedback.
    kept = course / "submitted" / "ann" / NAME
    assert (kept / "timestamp.txt").read_text() == (latest / "timestamp.txt").read_text()
    assert (kept / "submission_secret.txt").read_text() == \
        (latest / "submission_secret.txt").read_text()

    assert main(["grade", NAME, "--course", str(course), "--quiet"]) == 0
    scores = {s: r["score"] for s, r in results_json(course).items()}
    assert scores["ann"] == 15 and scores["bob"] < 15  # ann's later, right answer counted

    # Collecting again changes nothing; a newer submission replaces, keeping the old one.
    assert main(["collect", "--exchange", str(exchange), "--assignment", NAME,
                 "--course", str(course)]) == 0
    assert "ann: unchanged" in capsys.readouterr().out
    time.sleep(1.1)
    submit(exchange, homes["bob"], "bob", GOOD)
    assert main(["collect", "--exchange", str(exchange), "--assignment", NAME,
                 "--course", str(course)]) == 0
    assert "bob: replaced an earlier submission" in capsys.readouterr().out
    assert len(list((course / ".autograder" / "superseded" / "bob" / NAME).iterdir())) == 1


def test_collect_exchange_reads_the_root_and_course_id_from_nbgrader_config(tmp_path, capsys):
    course = shared_account_course(tmp_path)
    exchange = tmp_path / "exchange"
    inbound = exchange / "hyperparameters" / "inbound"
    stamp = "2026-12-01 10:00:00.000000 UTC"
    for folder_name in (f"cat+{NAME}+{stamp}+abc", f"dan+other_assignment+{stamp}",
                        f"eve+{NAME}+not a date"):
        (inbound / folder_name).mkdir(parents=True)
    nb = with_answers(nbformat.read(str(course / "release" / NAME / f"{NAME}.ipynb"),
                                    as_version=4), GOOD)
    nbformat.write(nb, str(inbound / f"cat+{NAME}+{stamp}+abc" / f"{NAME}.ipynb"))
    (inbound / f"cat+{NAME}+{stamp}+abc" / "submission_secret.txt").symlink_to(
        course / "nbgrader_config.py")  # a student's link is never copied
    config = course / "nbgrader_config.py"
    config.write_text(config.read_text() + f"\nc.Exchange.root = {str(exchange)!r}\n")
    assert main(["collect", "--exchange", "--assignment", NAME, "--course", str(course)]) == 0
    out = capsys.readouterr().out
    assert "cat: placed" in out and "dan" not in out
    assert f"not placed: eve+{NAME}+not a date: its time stamp is not a date" in out
    assert not (course / "submitted" / "cat" / NAME / "submission_secret.txt").exists()


def test_collect_needs_a_path_or_the_exchange_and_a_course_id(tmp_path, capsys):
    course = shared_account_course(tmp_path)
    assert main(["collect", "--assignment", NAME, "--course", str(course)]) == 1
    assert "give either PATH" in capsys.readouterr().err
    config = course / "nbgrader_config.py"
    config.write_text(config.read_text().replace('c.CourseDirectory.course_id = "hyperparameters"',
                                                 ""))
    assert main(["collect", "--exchange", str(tmp_path), "--assignment", NAME,
                 "--course", str(course)]) == 1
    assert "sets no c.CourseDirectory.course_id" in capsys.readouterr().err


def inbound_folder(exchange, student, stamp="2026-12-01 10:00:00.000000 UTC", tail="r"):
    folder = exchange / "hyperparameters" / "inbound" / f"{student}+{NAME}+{stamp}+{tail}"
    folder.mkdir(parents=True)
    return folder


def write_good(course, folder):
    nb = nbformat.read(str(course / "release" / NAME / f"{NAME}.ipynb"), as_version=4)
    nbformat.write(with_answers(nb, GOOD), str(folder / f"{NAME}.ipynb"))


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a folder to another account needs root")
def test_a_folder_counts_only_if_the_account_it_names_made_it(tmp_path, capsys):
    """nbgrader's inbound is writable by every student: without the owner check anyone
    could hand in (or hide) work under a classmate's name."""
    import pwd

    course = make_course(tmp_path)  # nbgrader's default: check_owner = True
    exchange = tmp_path / "exchange"
    nobody = pwd.getpwnam("nobody").pw_uid
    for student in ("nobody", "daemon", "ghost"):
        folder = inbound_folder(exchange, student)
        write_good(course, folder)
        os.chown(folder, nobody, -1)
    assert main(["collect", "--exchange", str(exchange), "--assignment", NAME,
                 "--course", str(course)]) == 0
    out = capsys.readouterr().out
    assert "nobody: placed" in out
    assert f"daemon+{NAME}+2026-12-01 10:00:00.000000 UTC+r: it belongs to uid {nobody}, " \
           f"not to daemon" in out
    assert "there is no account named ghost to own it" in out
    assert sorted(p.name for p in (course / "submitted").iterdir()) == ["nobody"]


def test_links_pipes_and_huge_files_in_the_exchange_are_refused_unread(tmp_path, capsys):
    """A student may swap their files for a link to the solution or to /dev/zero, a named
    pipe, or a sparse file of gigabytes: each is refused without following or reading it,
    and the others are still placed."""
    course = shared_account_course(tmp_path)
    exchange = tmp_path / "exchange"
    link = inbound_folder(exchange, "lin")
    (link / f"{NAME}.ipynb").symlink_to(course / "source" / NAME / f"{NAME}.ipynb")
    pipe = inbound_folder(exchange, "pip")
    os.mkfifo(pipe / f"{NAME}.ipynb")
    huge = inbound_folder(exchange, "hug")
    with open(huge / f"{NAME}.ipynb", "wb") as handle:
        handle.truncate(3 << 30)  # 3 GB that cost the student nothing on disk
    fine = inbound_folder(exchange, "fin")
    write_good(course, fine)
    (fine / "timestamp.txt").symlink_to("/dev/zero")
    inbound_folder(exchange, "bad", stamp="1:999999999999999999999999999999")
    assert main(["collect", "--exchange", str(exchange), "--assignment", NAME,
                 "--course", str(course)]) == 0
    out = capsys.readouterr().out
    assert f"{NAME}.ipynb is a symbolic link" in out
    assert f"{NAME}.ipynb is not a plain file" in out
    assert f"{NAME}.ipynb is larger than" in out
    assert f"bad+{NAME}+1:999999999999999999999999999999+r: its time stamp is not a date" in out
    assert sorted(p.name for p in (course / "submitted").iterdir()) == ["fin"]
    assert not (course / "submitted" / "fin" / NAME / "timestamp.txt").exists()
