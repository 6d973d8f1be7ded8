"""`autograder watch`: feedback on submit, rate-limited, and safe to kill and restart."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from autograder_corpus import GOOD, NAME, with_answers
from nbgrader.utils import notebook_hash
from test_collect_exchange import WRONG, nbgrader, shared_account_course, submit

from autograder.watch import Watcher

STAMP = "2026-12-01 10:00:{:02d}.000000 UTC"


class Clock:
    def __init__(self):
        self.now = 1_000_000.0

    def __call__(self):
        return self.now


def hand_submit(exchange, course, student, answers, second, secret):
    """An inbound folder as nbgrader submit leaves it (notebook, timestamp, secret)."""
    folder = exchange / "hyperparameters" / "inbound" / \
        f"{student}+{NAME}+{STAMP.format(second)}+r{second}"
    folder.mkdir(parents=True)
    nb = nbformat.read(str(course / "release" / NAME / f"{NAME}.ipynb"), as_version=4)
    nbformat.write(with_answers(nb, answers), str(folder / f"{NAME}.ipynb"))
    (folder / "timestamp.txt").write_text(STAMP.format(second))
    (folder / "submission_secret.txt").write_text(secret)
    return folder


def log_events(course, event=None):
    """watch.log's events (blank separator lines skipped), or only those named `event`."""
    path = course / ".autograder" / NAME / "watch.log"
    found = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return [e for e in found if event is None or e["event"] == event]


def page_for(exchange, secret):
    return exchange / "hyperparameters" / "feedback" / \
        f"{notebook_hash(secret=secret, notebook_id=NAME)}.html"


def test_each_student_gets_their_own_page_and_the_rate_limit_makes_the_rest_wait(tmp_path):
    course, exchange, clock = shared_account_course(tmp_path), tmp_path / "exchange", Clock()
    said = []
    watcher = Watcher(course, NAME, exchange=exchange, per_hour=1, clock=clock,
                      say=said.append)
    hand_submit(exchange, course, "ann", GOOD, 1, "a1" * 16)
    hand_submit(exchange, course, "bob", WRONG, 2, "b1" * 16)
    hand_submit(exchange, course, "bob", GOOD, 3, "b2" * 16)  # replaces his first
    assert watcher.step() == 2
    ann, bob_old, bob = (page_for(exchange, s * 16) for s in ("a1", "b1", "b2"))
    assert "Score: 15 / 15" in ann.read_text() and "Score: 15 / 15" in bob.read_text()
    assert not bob_old.exists()  # superseded before it was graded: never graded
    assert "misconception" not in ann.read_text() and "check</th>" not in ann.read_text()
    # ann's second submission within the hour waits; after the hour it is graded.
    hand_submit(exchange, course, "ann", WRONG, 4, "a2" * 16)
    clock.now += 60
    assert watcher.step() == 0 and not page_for(exchange, "a2" * 16).exists()
    assert any("the newest submission waits 59 min" in line for line in said)
    clock.now += HOUR_AND_A_BIT
    assert watcher.step() == 1
    assert "Score: 13 / 15" in page_for(exchange, "a2" * 16).read_text()
    assert sorted(e["student"] for e in log_events(course, "graded")) == ["ann", "ann", "bob"]


HOUR_AND_A_BIT = 3600.0


def test_show_checks_gives_every_checks_message(tmp_path):
    course, exchange = shared_account_course(tmp_path), tmp_path / "exchange"
    watcher = Watcher(course, NAME, exchange=exchange, show="checks", clock=Clock(),
                      say=lambda line: None)
    hand_submit(exchange, course, "cat", WRONG, 5, "c1" * 16)
    assert watcher.step() == 1
    text = page_for(exchange, "c1" * 16).read_text()
    assert "Score: 13 / 15" in text and "effective_window" in text and "fail" in text


@pytest.mark.slow
def test_a_student_fetches_the_watchers_feedback_with_nbgrader(tmp_path):
    """Through nbgrader's own submit and fetch_feedback: the page lands in the student's
    assignment folder, as the Assignments tab's Fetch Feedback would put it."""
    course, exchange = shared_account_course(tmp_path), tmp_path / "exchange"
    exchange.mkdir()
    nbgrader("release_assignment", NAME, f"--Exchange.root={exchange}", cwd=course)
    home = tmp_path / "home" / "dee"
    home.mkdir(parents=True)
    submit(exchange, home, "dee", WRONG)
    watcher = Watcher(course, NAME, exchange=exchange, say=lambda line: None)
    assert watcher.step() == 1
    nbgrader("fetch_feedback", NAME, "--course=hyperparameters", f"--Exchange.root={exchange}",
             "--student=dee", cwd=home, user="dee")
    pages = list((home / NAME / "feedback").rglob(f"{NAME}.html"))
    assert len(pages) == 1 and "Score: 13 / 15" in pages[0].read_text()


def test_a_watcher_that_dies_between_two_releases_is_picked_up_without_grading_twice(
        tmp_path):
    """Death at the worst moment, made exact: three submissions are graded in one batch,
    the first page is released, then the process dies. A new watcher releases the other
    two from their cached results (graded once, logged once) and nothing else."""
    course, exchange = shared_account_course(tmp_path), tmp_path / "exchange"
    for k, student in enumerate(("ann", "bob", "cat")):
        hand_submit(exchange, course, student, GOOD if k % 2 else WRONG, 20 + k,
                    f"d{k}" * 16)
    dying = Watcher(course, NAME, exchange=exchange, clock=Clock(), say=lambda line: None)
    released = []
    real_release = dying._release

    def release_then_die(result, submission):
        if released:
            raise SystemExit("killed")  # what SIGKILL would do here, minus the kill
        released.append(real_release(result, submission))
        return released[-1]

    dying._release = release_then_die
    with pytest.raises(SystemExit):
        dying.step()
    pages = [page_for(exchange, f"d{k}" * 16) for k in range(3)]
    assert sum(p.exists() for p in pages) == 1
    assert len(log_events(course, "graded")) == 2  # logged: the released one, the next
    again = Watcher(course, NAME, exchange=exchange, clock=Clock(), say=lambda line: None)
    assert again.step() == 2
    assert all(p.exists() for p in pages)
    graded = log_events(course, "graded")
    assert sorted(e["student"] for e in graded) == ["ann", "bob", "cat"]  # each once
    # cat's was graded by the dying watcher (its batch) and only logged after the restart
    assert [e["student"] for e in graded if e["before_a_restart"]] == ["cat"]
    assert again.step() == 0  # and nothing is handled twice


@pytest.mark.slow
def test_killed_in_a_burst_and_restarted_it_loses_nothing_and_grades_nothing_twice(tmp_path):
    """Three waves of submissions from 6 students (each student twice, the second counts).
    After each wave the real watcher process is killed (SIGKILL, no clean-up) as soon as
    it has released a page of that wave, then started again. In the end every student's
    latest submission has its page with its own score, and no submission was graded
    twice."""
    course, exchange = shared_account_course(tmp_path), tmp_path / "exchange"
    (exchange / "hyperparameters" / "inbound").mkdir(parents=True)
    command = [str(Path(sys.executable).parent / "autograder"), "watch", NAME, "--course",
               str(course), "--exchange", str(exchange), "--interval", "0.2", "--workers", "1"]
    burst = [(f"s{k % 6}", k) for k in range(12)]
    waves = [burst[0:4], burst[4:8], burst[8:12]]
    latest = {student: k for student, k in burst}
    pages = {student: page_for(exchange, f"{k:02d}" * 16) for student, k in latest.items()}

    def start(n):
        log = open(tmp_path / f"watch-{n}.log", "w")  # noqa: SIM115 - closed below
        return subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True), log

    def kill(process, log):
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()

    deadline = time.monotonic() + 300
    watcher, log = start(0)
    try:
        for n, wave in enumerate(waves, 1):
            for student, k in wave:
                hand_submit(exchange, course, student, GOOD if k % 2 else WRONG, 10 + k,
                            f"{k:02d}" * 16)
            wave_pages = [page_for(exchange, f"{k:02d}" * 16) for _, k in wave]
            while not any(p.exists() for p in wave_pages):
                assert watcher.poll() is None, (tmp_path / f"watch-{n - 1}.log").read_text()
                assert time.monotonic() < deadline, "no page of this wave within 300 s"
                time.sleep(0.02)
            kill(watcher, log)
            watcher, log = start(n)
        while not all(p.exists() for p in pages.values()):
            assert watcher.poll() is None and time.monotonic() < deadline
            time.sleep(0.1)
    finally:
        kill(watcher, log)
    graded = [(e["student"], e["sha256"]) for e in log_events(course, "graded")]
    assert len(graded) == len(set(graded)), graded  # no submission graded twice
    for student, k in latest.items():
        assert f"Score: {15 if k % 2 else 13} / 15" in pages[student].read_text(), student


def test_a_submission_still_being_copied_waits_for_its_secret(tmp_path):
    """nbgrader submit writes the notebook, then timestamp.txt, then the secret: a folder
    without its secret yet (copy under way) is left for the next pass, not lost."""
    course, exchange = shared_account_course(tmp_path), tmp_path / "exchange"
    folder = hand_submit(exchange, course, "eve", GOOD, 30, "e1" * 16)
    secret = (folder / "submission_secret.txt").read_text()
    (folder / "submission_secret.txt").unlink()
    watcher = Watcher(course, NAME, exchange=exchange, clock=Clock(), say=lambda line: None)
    assert watcher.step() == 0 and not (course / "submitted" / "eve").exists()
    (folder / "submission_secret.txt").write_text(secret)
    assert watcher.step() == 1 and page_for(exchange, "e1" * 16).exists()


def test_an_older_folder_added_later_is_never_graded_or_given_a_page(tmp_path):
    """After ann's submission was handled, someone adds an older-dated folder in her name
    holding their own secret: it is superseded, so ann's page is not released under it."""
    course, exchange = shared_account_course(tmp_path), tmp_path / "exchange"
    watcher = Watcher(course, NAME, exchange=exchange, clock=Clock(), say=lambda line: None)
    hand_submit(exchange, course, "ann", GOOD, 40, "a9" * 16)
    assert watcher.step() == 1
    hand_submit(exchange, course, "ann", WRONG, 5, "ee" * 16)  # dated before her own
    assert watcher.step() == 0
    assert not page_for(exchange, "ee" * 16).exists()
    state = json.loads((course / ".autograder" / NAME / "watch.json").read_text())
    assert {v["status"] for k, v in state["handled"].items() if "+r5" in k} == {"superseded"}


def test_the_feedback_folder_is_not_listable_and_a_failing_pass_does_not_stop_it(tmp_path):
    course, exchange = shared_account_course(tmp_path), tmp_path / "exchange"
    said = []
    watcher = Watcher(course, NAME, exchange=exchange, clock=Clock(), say=said.append)
    hand_submit(exchange, course, "bea", GOOD, 41, "b9" * 16)
    real_step, calls = watcher.step, []

    def flaky_step():
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("disk hiccup")
        return real_step()

    watcher.step = flaky_step
    watcher.run(interval=0.05, stop_after=1.0)  # the failed pass, then one that grades
    assert len(calls) >= 2
    assert any("this pass failed (RuntimeError: disk hiccup)" in line for line in said)
    folder = exchange / "hyperparameters" / "feedback"
    assert folder.stat().st_mode & 0o777 == 0o711
    assert page_for(exchange, "b9" * 16).stat().st_mode & 0o777 == 0o644


def test_a_page_released_by_the_instructor_is_never_replaced(tmp_path):
    """A submission graded by hand and released with nbgrader release_feedback before the
    watcher started keeps its full page; the watcher leaves it and handles newer work."""
    course, exchange = shared_account_course(tmp_path), tmp_path / "exchange"
    hand_submit(exchange, course, "fay", WRONG, 50, "f1" * 16)
    page = page_for(exchange, "f1" * 16)
    page.parent.mkdir(parents=True)
    page.write_text("the instructor's full page")
    watcher = Watcher(course, NAME, exchange=exchange, clock=Clock(), say=lambda line: None)
    assert watcher.step() == 0 and page.read_text() == "the instructor's full page"
    hand_submit(exchange, course, "fay", GOOD, 51, "f2" * 16)
    assert watcher.step() == 1 and "Score: 15 / 15" in page_for(exchange, "f2" * 16).read_text()


def test_the_exchange_root_comes_from_jupyters_configuration_path(tmp_path, monkeypatch):
    """A hub sets c.Exchange.root in a global nbgrader_config.py (JUPYTER_CONFIG_PATH), as
    nbgrader's own commands read it; the course's own file still wins where it sets one."""
    from autograder.collect import exchange_settings

    course = shared_account_course(tmp_path)
    glob = tmp_path / "etc"
    glob.mkdir()
    (glob / "nbgrader_config.py").write_text(
        f"c = get_config()\nc.Exchange.root = {str(tmp_path / 'hub-exchange')!r}\n")
    monkeypatch.setenv("JUPYTER_CONFIG_PATH", str(glob))
    settings = exchange_settings(course)
    assert settings.root == tmp_path / "hub-exchange" and settings.course_id == "hyperparameters"
    assert settings.check_owner is False  # the course's own file
    monkeypatch.delenv("JUPYTER_CONFIG_PATH")
    monkeypatch.setenv("JUPYTER_CONFIG_DIR", str(tmp_path / "nowhere"))
    assert exchange_settings(course).root.name == "exchange"  # nbgrader's default
