"""Feedback on submit: grade each new submission in nbgrader's exchange and hand its
feedback back to that student, within seconds.

    autograder watch NAME [--exchange ROOT] [--per-hour 3] [--show score|checks]

Every `interval` seconds the watcher looks at the exchange's inbound folder for NAME. For
each student with a submission it has not handled yet, it takes the latest one (as
`nbgrader collect` would), places it in submitted/ (`collect_exchange`: manifest, never
overwriting), grades it (`grade_class`: the jail, the cached result when nothing changed),
writes the student's page and releases it where the Assignments tab's "Fetch Feedback"
looks: ``ROOT/<course id>/feedback/<notebook_hash(secret, NAME)>.html``, as
`nbgrader release_feedback` names it.

- **Rate limit.** At most `per_hour` graded submissions per student in any hour; a newer
  submission waits (it is graded as soon as the hour allows), so the watcher cannot be
  used as an oracle by submitting guesses. Older submissions that a newer one replaced
  while waiting are never graded.
- **What students see before the deadline.** `show="score"`: the score only; `"checks"`:
  the whole page (every check's pass or fail and its message).
- **Restarts.** What was handled is kept in ``.autograder/NAME/watch.json``, written
  atomically after each student. A watcher killed at any point and started again handles
  the rest: a submission whose grading had finished is not graded again (its cached result
  is used, since its content and the grader are unchanged), and a page released twice is
  the same page. Each grading is logged exactly once in ``.autograder/NAME/watch.log``
  (one JSON line each, written and synced before anything else about it): the rate limit
  counts those lines, so a restart forgets nobody's submissions.

As a JupyterHub service (the hub starts it and restarts it when it stops)::

    c.JupyterHub.services = [{"name": "autograder-watch", "command": [
        "autograder", "watch", "sampling_scales", "--course", "/srv/course",
        "--exchange", "/srv/nbgrader/exchange"]}]
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from autograder import ledger
from autograder.collect import (
    CollectError,
    Outcome,
    collect_exchange,
    exchange_settings,
    submissions_in_exchange,
)
from autograder.folders import CourseFolder
from autograder.untrusted import printable, safe_text

HOUR = 3600.0
SHOW = ("score", "checks")


@dataclass
class Watcher:
    """One assignment's feedback-on-submit loop (see the module docstring)."""

    course: Path
    name: str
    exchange: Path | None = None
    per_hour: int = 3
    show: str = "score"
    workers: int = 2
    timeout: float = 30.0
    isolation: str = "auto"
    clock: object = time.time
    say: object = print

    def __post_init__(self):
        if self.show not in SHOW:
            raise ValueError(f"show must be one of {SHOW}, got {self.show!r}")
        if self.per_hour < 1:
            raise ValueError(f"per_hour must be at least 1, got {self.per_hour}")
        self.folder = CourseFolder.of(self.course)
        self.state_file = self.folder.state(self.name) / "watch.json"
        self.log_file = self.folder.state(self.name) / "watch.log"
        self.settings = exchange_settings(self.course, self.exchange)
        self._waiting_said, self._skipped_said = set(), set()

    # ------------------------------------------------------------------ state
    def _state(self) -> dict:
        state = ledger.read_json(self.state_file, {})
        state.setdefault("handled", {})  # inbound folder name -> what happened to it
        return state

    def _gradings(self) -> list[dict]:
        """The "graded" events of watch.log, the record of every grading: the rate limit
        counts them, and a grading is logged exactly once (see _grade_and_release)."""
        try:
            lines = self.log_file.read_text(encoding="utf-8").splitlines()
        except OSError:
            return []
        events = []
        for line in lines:
            try:
                event = json.loads(line)
            except ValueError:  # a line cut short by a kill
                continue
            if isinstance(event, dict) and event.get("event") == "graded":
                events.append(event)
        return events

    def _log(self, event: str, **fields) -> None:
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps({"time": self.clock(), "event": event, **fields}, sort_keys=True)
        with open(self.log_file, "a", encoding="utf-8") as handle:
            handle.write("\n" + line + "\n")  # a line cut short by a kill stays alone
            handle.flush()
            os.fsync(handle.fileno())

    # ------------------------------------------------------------------ one pass
    def pending(self, state: dict) -> dict[str, list[Path]]:
        """{student: their submissions not handled yet, oldest first}, for the students
        whose newest submission (by nbgrader's time stamp) is not handled yet. A folder
        older than one already handled is marked superseded and never graded: its page
        could only be a copy of a newer submission's, under a secret anyone may have made."""
        inbound = self.settings.course / "inbound"
        if not inbound.is_dir():
            return {}
        skipped = Outcome()
        out = {}
        for student, folders in submissions_in_exchange(
                inbound, self.name, skipped, self.settings.check_owner).items():
            if folders[-1].name in state["handled"]:
                for folder in folders:
                    state["handled"].setdefault(folder.name, {"student": student,
                                                              "status": "superseded"})
                continue
            waiting = [f for f in folders if f.name not in state["handled"]]
            if not self._complete(waiting[-1]):
                continue  # nbgrader submit is still copying it: next time
            page = self._page_path(waiting[-1])
            if page is not None and page.exists():
                # Its feedback was released before the watcher knew it (nbgrader
                # release_feedback after a grading by hand): never replaced.
                for folder in waiting:
                    state["handled"][folder.name] = {"student": student,
                                                     "status": "feedback released before"}
                continue
            out[student] = waiting
        for item, reason in skipped.skipped:
            if item not in self._skipped_said:
                self._skipped_said.add(item)
                self.say(printable(f"not placed: {item}: {reason}"))
        return out

    def _complete(self, folder: Path) -> bool:
        """nbgrader submit copies the files, then writes timestamp.txt, then the secret:
        a folder is complete once its secret is all there (128 hex digits), or, for a
        submission without one, once nothing in it changed for a minute."""
        from autograder.feedback import _SECRET, _exchange_text

        if _exchange_text(folder / "submission_secret.txt", _SECRET):
            return True
        try:
            newest = max([folder.stat().st_mtime,
                          *(p.lstat().st_mtime for p in folder.iterdir())])
        except OSError:
            return False
        return time.time() - newest > 60

    def step(self) -> int:
        """Handle what is waiting and allowed now; returns how many pages it released."""
        state = self._state()
        handled_before = len(state["handled"])
        now = self.clock()
        gradings = self._gradings()
        allowed = {}
        for student, folders in self.pending(state).items():
            recent = [e["time"] for e in gradings
                      if e.get("student") == student and now - e["time"] < HOUR]
            if len(recent) >= self.per_hour:
                if folders[-1].name not in self._waiting_said:
                    self._waiting_said.add(folders[-1].name)
                    wait = HOUR - (now - min(recent))
                    self.say(printable(f"{student}: {len(recent)} graded in the last hour; "
                                       f"the newest submission waits {wait / 60:.0f} min"))
                    self._log("waiting", student=student, submission=folders[-1].name)
                continue
            allowed[student] = folders
        if len(state["handled"]) != handled_before:  # superseded folders were marked
            ledger.write_json(self.state_file, state)
        if not allowed:
            return 0
        try:
            outcome = collect_exchange(self.course, self.name, self.settings.root,
                                       folders={s: f[-1] for s, f in allowed.items()})
        except (CollectError, ledger.Busy) as exc:
            self.say(f"not collected this time: {exc}")
            return 0
        placed = {student for student, _ in outcome.placed}
        for item, reason in outcome.skipped:
            self.say(printable(f"not placed: {item}: {reason}"))
        for student in set(allowed) - placed:  # unusable: never retried, said once
            for folder in allowed[student]:
                state["handled"][folder.name] = {"student": student, "status": "not placed"}
        ledger.write_json(self.state_file, state)
        return self._grade_and_release(state, {s: allowed[s] for s in placed})

    def _grade_and_release(self, state: dict, allowed: dict[str, list[Path]]) -> int:
        from autograder.grading import grade_class

        if not allowed:
            return 0
        cached = set()

        def report(line: str) -> None:
            if line.endswith("(already graded)"):
                cached.add(line.split(":", 1)[0])

        results = grade_class(self.course, self.name, students=sorted(allowed),
                              workers=self.workers, timeout=self.timeout,
                              isolation=self.isolation, report=report, progress=False)
        logged = {(e.get("student"), e.get("sha256")) for e in self._gradings()}
        released = 0
        for result in results:
            student = result.student
            latest = allowed[student][-1]
            if (student, result.sha256) not in logged:
                # Logged once per grading: a cached result that is not in the log was
                # graded by a watcher that died before it could say so, and is logged now.
                self._log("graded", student=student, submission=latest.name,
                          sha256=result.sha256, score=result.score,
                          before_a_restart=student in cached)
            try:
                page = self._release(result, latest)
            except OSError as exc:  # e.g. the feedback folder is not writable: next pass
                self.say(printable(f"{student}: feedback not released ({exc}); will retry"))
                continue
            for folder in allowed[student]:
                state["handled"][folder.name] = {
                    "student": student,
                    "status": "released" if folder == latest and page else
                              "superseded" if folder != latest else "graded, no secret"}
            ledger.write_json(self.state_file, state)  # after each student: restart-safe
            released += bool(page)
            self.say(printable(f"{student}: {result.status} {result.score:g}/"
                               f"{result.max_score:g}" + (", feedback released" if page else
                                                          ", no submission_secret.txt to "
                                                          "release feedback under")))
        return released

    def _page_path(self, submission: Path) -> Path | None:
        """Where the feedback page of `submission` goes (None without a valid secret)."""
        from nbgrader.utils import notebook_hash

        from autograder.feedback import _SECRET, _exchange_text

        secret = _exchange_text(submission / "submission_secret.txt", _SECRET)
        if secret is None:
            return None
        notebook_id = Path(load_notebook_name(self.name)).stem
        return self.settings.course / "feedback" / \
            f"{notebook_hash(secret=secret, notebook_id=notebook_id)}.html"

    def _release(self, result, submission: Path) -> Path | None:
        """Write the student's page and put it where their Fetch Feedback looks."""
        from autograder.feedback import page, render

        target = self._page_path(submission)
        if target is None:
            return None
        html = render(result) if self.show == "checks" else _score_only(result, page)
        folder = target.parent
        # As nbgrader release_feedback makes it: students may open a page whose name they
        # know (their secret's hash), but not list the folder and read everyone's.
        folder.mkdir(mode=0o711, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".autograder-", suffix=".tmp")
        try:  # mkstemp creates a new file (O_EXCL): a link planted at the name is refused
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(safe_text(html))
                os.fchmod(handle.fileno(), 0o644)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        self._log("released", student=result.student, submission=submission.name,
                  page=target.name)
        return target

    def run(self, interval: float = 2.0, stop_after: float | None = None) -> None:
        """Poll every `interval` seconds until interrupted (or `stop_after` seconds)."""
        self.say(f"watching {self.settings.course / 'inbound'} for {self.name} "
                 f"(at most {self.per_hour} graded a student an hour; students see "
                 f"{'their score only' if self.show == 'score' else 'every check'})")
        start = time.monotonic()
        while stop_after is None or time.monotonic() - start < stop_after:
            try:
                self.step()
            except Exception as exc:  # noqa: BLE001 - one bad pass must not stop the service
                self.say(printable(f"this pass failed ({type(exc).__name__}: {exc}); "
                                   f"trying again in {interval:g} s"))
                self._log("error", detail=f"{type(exc).__name__}: {exc}")
            time.sleep(interval)


def load_notebook_name(name: str) -> str:
    from autograder.spec import load

    return load(name).notebook


def _score_only(result, page) -> str:
    from html import escape

    body = (f"<h1>{escape(result.assignment)}: feedback for {escape(result.student)}</h1>"
            f"<p><strong>Score: {result.score:g} / {result.max_score:g}</strong></p>"
            f"<p>For now you see your score only; each check's details come with the "
            f"feedback your instructor releases later.</p>")
    return page(f"{result.assignment}: {result.student}", body)
