"""A self-contained HTML class report for one assignment: ``DIR/reports/NAME.html``.

Sections: summary, score distribution (inline PNG), pass rate of each hidden check, the
checks whose verdicts differed on identical code (they should never), the most common
misconceptions (failure messages with their numbers masked, so the same mistake
groups together), and the submissions that need a person: errors, timeouts, tampering,
renamed notebooks and answers that called course's switched-off implementation.
"""

from __future__ import annotations

import base64
import io
import re
from collections import Counter
from html import escape
from pathlib import Path

import numpy as np

from autograder.export import Outcome, outcomes
from autograder.feedback import page
from autograder.folders import CourseFolder
from autograder.untrusted import safe_text

NUMBER = re.compile(r"-?\d+(\.\d+)?(e[-+]?\d+)?")


def _histogram(scores: list[float], max_score: float) -> str:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    fig = Figure(figsize=(6, 2.8), dpi=100)
    ax = fig.add_subplot()
    edges = np.arange(-0.5, max_score + 1.0, 1.0)
    ax.hist(scores, bins=edges, color="#4a7ab0", edgecolor="white")
    ax.set_xlabel(f"score (out of {max_score:g})")
    ax.set_ylabel("students")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # no half students
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlim(-0.5, max_score + 0.5)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<img alt="score distribution" src="data:image/png;base64,{data}">'


def _manual_note(row: Outcome) -> str:
    cells = ", ".join(sorted(row.override))
    return (f"final score {row.score:g} entered by a person in formgrader ({cells}); "
            f"the autograder gave {row.auto_score:g}")


def needs_a_person(row: Outcome) -> list[str]:
    reasons = []
    if row.status.startswith("error"):
        reasons.append(row.status)
        if row.override:
            reasons.append("already seen: " + _manual_note(row))
    if row.result is not None:
        reasons += [f"{flag.kind}: {flag.detail}" for flag in row.result.flags]
        if row.result.tripwire:
            reasons.append("called course's switched-off implementation: "
                           + ", ".join(row.result.tripwire))
    return reasons


def disagreeing_checks(results) -> list[tuple[str, str, list[str], list[str]]]:
    """(function, check, students who passed, students who failed) for every check whose
    verdicts differ between students with the same answer code (every answer cell alike,
    comments aside: one answer may call another).

    Each student's probes come from a seed of their own; the checks are built so that the
    seed never decides a verdict. A row here means one did, and the check needs a person.
    """
    verdicts: dict[tuple, dict[bool, list[str]]] = {}
    for result in results:
        if not result.answers:
            continue
        code = tuple(sorted(result.answers.items()))
        for check in result.checks:
            key = (check.function, code, check.check)
            verdicts.setdefault(key, {True: [], False: []})[check.passed].append(
                result.student)
    return [(function, check, sorted(by[True]), sorted(by[False]))
            for (function, _, check), by in sorted(verdicts.items())
            if by[True] and by[False]]


def _disagreements(graded: list[Outcome]) -> str:
    rows = disagreeing_checks([r.result for r in graded if r.result.graded])
    head = "<h2>Checks that disagreed on identical code</h2>"
    if not rows:
        return head + ("<p>None: students who handed in the same answer code got the same "
                       "verdict from every check.</p>")
    parts = [head, "<p>These students handed in the same answer code (comments aside), yet "
                   "the check passed for some and failed for others. The same code must earn "
                   "the same score: look at the check, and regrade.</p>",
             "<table><tr><th>function</th><th>check</th><th>passed</th><th>failed</th></tr>"]
    for function, check, passed, failed in rows:
        parts.append(f"<tr><td><code>{escape(function)}</code></td><td>{escape(check)}</td>"
                     f"<td>{escape(', '.join(passed))}</td>"
                     f"<td>{escape(', '.join(failed))}</td></tr>")
    return "\n".join(parts) + "</table>"


def render(course: Path, name: str) -> str:
    rows = outcomes(course, name)
    graded = [r for r in rows if r.result and not r.status.startswith("error: the sub")
              and r.status != "missing"]
    max_score = rows[0].max_score if rows else 0.0
    scores = [r.score for r in graded]
    counts = Counter("missing" if r.status == "missing" else
                     "error" if r.status.startswith("error") else "graded" for r in rows)
    parts = [f"<h1>Class report: {escape(name)}</h1>"]
    parts.append(f"<p>{len(rows)} students: {counts['graded']} graded, {counts['error']} with "
                 f"an error, {counts['missing']} missing.")
    if scores:
        parts.append(f" Mean score {np.mean(scores):.2f} / {max_score:g}, median "
                     f"{np.median(scores):g}.</p>")
        parts.append("<h2>Score distribution</h2>" + _histogram(scores, max_score))
    else:
        parts.append("</p>")

    checks: dict[tuple[str, str], list[bool]] = {}
    # students per message, grouped with observed numbers blanked out ...
    who: dict[tuple[str, str], set[str]] = {}
    example: dict[tuple[str, str], str] = {}  # ... but shown as one student really read it
    for row in graded:
        for check in row.result.checks:
            checks.setdefault((check.function, check.check), []).append(check.passed)
            if not check.passed:
                key = (check.function, NUMBER.sub("#", check.message))
                who.setdefault(key, set()).add(row.student)
                example.setdefault(key, check.message)
    messages = Counter({key: len(students) for key, students in who.items()})
    parts.append("<h2>Pass rate of each check</h2><table><tr><th>function</th><th>check</th>"
                 "<th>passed</th><th>rate</th></tr>")
    for (function, check), passed in checks.items():
        rate = 100.0 * sum(passed) / len(passed)
        parts.append(f"<tr><td><code>{escape(function)}</code></td><td>{escape(check)}</td>"
                     f"<td>{sum(passed)} / {len(passed)}</td><td>{rate:.0f}%</td></tr>")
    parts.append("</table>")
    parts.append(_disagreements(graded))
    parts.append("<h2>Most common misconceptions</h2>")
    if messages:
        parts.append("<table><tr><th>students</th><th>function</th><th>message</th></tr>")
        for key, count in messages.most_common(12):
            parts.append(f"<tr><td>{count}</td><td><code>{escape(key[0])}</code></td>"
                         f"<td>{escape(example[key])}</td></tr>")
        parts.append("</table>")
    else:
        parts.append("<p>No failed checks.</p>")

    manual = [r for r in rows if r.override]
    parts.append("<h2>Scores set by a person</h2>")
    if manual:
        parts.append("<p>These final scores come from manual scores entered in formgrader; "
                     "the autograder never overwrites them.</p><table><tr><th>student</th>"
                     "<th>autograder</th><th>final</th><th>cells scored by a person</th></tr>")
        for row in manual:
            cells = ", ".join(sorted(row.override))
            parts.append(f"<tr><td>{escape(row.student)}</td><td>{row.auto_score:g}</td>"
                         f"<td>{row.score:g} (manual)</td><td>{escape(cells)}</td></tr>")
        parts.append("</table>")
    else:
        parts.append("<p>None.</p>")

    parts.append("<h2>Submissions that need a person</h2>")
    flagged = [(r.student, needs_a_person(r)) for r in rows]
    flagged = [(s, reasons) for s, reasons in flagged if reasons]
    if flagged:
        parts.append("<table><tr><th>student</th><th>why</th></tr>")
        for student, reasons in flagged:
            items = "".join(f"<li>{escape(r)}</li>" for r in reasons)
            parts.append(f"<tr><td>{escape(student)}</td><td><ul>{items}</ul></td></tr>")
        parts.append("</table>")
    else:
        parts.append("<p>None.</p>")
    return page(f"Class report: {name}", "\n".join(parts))


def write_report(course: Path, name: str) -> Path:
    path = CourseFolder.of(course).report(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(safe_text(render(course, name)), encoding="utf-8")
    return path
