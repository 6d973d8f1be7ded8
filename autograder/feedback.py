"""One self-contained HTML feedback page per graded student.

Written to ``DIR/feedback/<student>/NAME/NAME.html`` (nbgrader's feedback layout), with the
``timestamp.txt`` and ``submission_secret.txt`` that ``nbgrader release_feedback`` needs to
hand the pages out through the exchange. A page shows the score, the visible
tests' results, errors raised by the student's own cells, and each hidden check's name,
points and outcome with a misconception message when it failed. It is built only from the
result file, which never holds hidden-check code or tracebacks through it.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from html import escape
from pathlib import Path

from autograder import ledger
from autograder.folders import CourseFolder
from autograder.result import Result
from autograder.spec import load
from autograder.untrusted import read_regular, safe_text

STYLE = """
body { font-family: system-ui, sans-serif; max-width: 52rem; margin: 2rem auto; color: #222; }
table { border-collapse: collapse; width: 100%; margin: 0.5rem 0 1.5rem; }
th, td { border-bottom: 1px solid #ddd; padding: 0.35rem 0.5rem; text-align: left;
         vertical-align: top; }
.pass { color: #1a7f37; font-weight: 600; } .fail { color: #c0392b; font-weight: 600; }
.note { background: #fff8e1; padding: 0.6rem 0.8rem; border-left: 4px solid #f0b400; }
"""


def page(title: str, body: str) -> str:
    return (f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{escape(title)}</title><style>{STYLE}</style></head>"
            f"<body>\n{body}\n</body></html>\n")


def _mark(passed: bool) -> str:
    return '<span class="pass">pass</span>' if passed else '<span class="fail">fail</span>'


def render(result: Result, final: float | None = None) -> str:
    """The page for one result; ``final`` is the score a person set, if one did."""
    name, student = result.assignment, result.student
    parts = [f"<h1>{escape(name)}: feedback for {escape(student)}</h1>",
             f"<p><strong>Score: {result.score:g} / {result.max_score:g}</strong></p>"]
    if final is not None:
        parts[-1] = (f"<p><strong>Score: {final:g} / {result.max_score:g}</strong> (set by "
                     f"your instructor; the hidden checks gave {result.score:g})</p>")
    if not result.graded:
        reason = result.status.removeprefix("error: ")
        parts.append(f'<p class="note">Grading could not finish normally: {escape(reason)}. '
                     f"Your instructor will look at this submission.</p>")
    parts.append("<h2>Visible tests (the test cells in your notebook)</h2><table>"
                 "<tr><th>test cell</th><th>result</th><th>details</th></tr>")
    for test in result.visible:
        error = test.error
        if error is None:
            detail = ""
        elif error.type == "unfinished":
            detail = f"did not finish: {error.message}"
        else:
            detail = f"{error.type}: {error.message}"
        parts.append(f"<tr><td>{escape(test.cell)}</td><td>{_mark(test.passed)}</td>"
                     f"<td>{escape(detail)}</td></tr>")
    parts.append("</table>")
    if result.cell_errors:
        parts.append("<h2>Errors raised by your cells</h2><table>"
                     "<tr><th>cell</th><th>error</th></tr>")
        for error in result.cell_errors:
            where = f" (line {error.line})" if error.line else ""
            parts.append(f"<tr><td>{escape(str(error.cell))}{escape(where)}</td>"
                         f"<td>{escape(error.type)}: {escape(error.message)}</td></tr>")
        parts.append("</table>")
    parts.append("<h2>Hidden checks (your grade)</h2><table><tr><th>function</th><th>check</th>"
                 "<th>points</th><th>result</th><th>what to look at</th></tr>")
    for check in result.checks:
        parts.append(
            f"<tr><td><code>{escape(check.function)}</code></td><td>{escape(check.check)}"
            f"</td><td>{check.earned:g} / {check.points:g}</td><td>{_mark(check.passed)}"
            f"</td><td>{escape(check.message)}</td></tr>"
        )
    parts.append("</table>")
    notes = [f.detail for f in result.flags if f.kind in ("renamed", "tampering")
             and "channel" not in f.detail]
    if notes:
        parts.append("<h2>Notes about your notebook</h2><ul>"
                     + "".join(f"<li>{escape(n)}</li>" for n in notes)
                     + "</ul><p>Only your answer cells were graded; setup and test cells "
                       "always come from the original assignment.</p>")
    return page(f"{name}: {student}", "\n".join(parts))


# nbgrader's exchange leaves these beside each submission (nbgrader submit, then nbgrader
# collect), and nbgrader release_feedback reads them beside each feedback page: the time
# shown to the student, and the secret that names the page in the exchange.
_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?( [A-Za-z]{1,5})?")
_SECRET = re.compile(r"[0-9a-f]{16,256}")


def _exchange_text(path: Path, pattern: re.Pattern) -> str | None:
    """The file's text if it is a small regular file (never a link, read without following
    one) that matches ``pattern``: these files come from the student's side of the exchange."""
    try:
        text = read_regular(path, 512).decode("ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return text if pattern.fullmatch(text) else None


def _write_exchange_files(submission: Path, folder: Path) -> None:
    """timestamp.txt (always: the submission's, else the notebook's modification time)
    and submission_secret.txt (when the exchange made one) beside a feedback page."""
    timestamp = _exchange_text(submission / "timestamp.txt", _TIMESTAMP)
    if timestamp is None:
        notebooks = [p for p in submission.glob("*.ipynb") if not p.is_symlink()]
        moment = (datetime.fromtimestamp(max(p.stat().st_mtime for p in notebooks),
                                         timezone.utc) if notebooks else datetime.now(timezone.utc))
        timestamp = moment.strftime("%Y-%m-%d %H:%M:%S.%f UTC")
    (folder / "timestamp.txt").write_text(timestamp, encoding="ascii")
    secret = _exchange_text(submission / "submission_secret.txt", _SECRET)
    if secret is not None:
        (folder / "submission_secret.txt").write_text(secret, encoding="ascii")


def write_feedback(course: Path, name: str) -> list[Path]:
    from autograder import gradebook
    from autograder.export import final_score

    assignment = load(name)
    people = gradebook.overrides(course, assignment)
    pages = []
    for student, result in ledger.results(course, name).items():
        path = CourseFolder.of(course).feedback_page(student, name, assignment.notebook)
        path.parent.mkdir(parents=True, exist_ok=True)
        final = final_score(assignment, result, people[student]) if student in people else None
        path.write_text(safe_text(render(result, final)), encoding="utf-8")
        _write_exchange_files(CourseFolder.of(course).submission(student, name), path.parent)
        pages.append(path)
    return pages
