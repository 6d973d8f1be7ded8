"""A submission's graded result: the one typed record every command reads and writes.

``grade`` makes a :class:`Result` per submission and saves it as JSON
(``DIR/.autograder/NAME/results/<student>.json``, written atomically by
:mod:`autograder.ledger`); ``feedback``, ``report``, ``export`` and the gradebook sync read
it back with :meth:`Result.from_json`, which refuses a file that does not have the shape
the grader writes (one edited by hand may not), so no command ever reads a result by
string keys.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


class _Invalid(ValueError):
    pass


def _need(condition: bool):
    if not condition:
        raise _Invalid


@dataclass(frozen=True)
class CheckResult:
    """One hidden check: its points, what it earned, and the message when it failed."""

    function: str
    check: str
    points: float
    earned: float
    passed: bool
    message: str = ""

    @classmethod
    def from_json(cls, data) -> CheckResult:
        _need(isinstance(data, dict))
        _need(all(isinstance(data.get(k), str) for k in ("function", "check", "message")))
        _need(isinstance(data.get("passed"), bool))
        _need(all(_number(data.get(k)) for k in ("points", "earned")))
        return cls(data["function"], data["check"], float(data["points"]),
                   float(data["earned"]), data["passed"], data["message"])


@dataclass(frozen=True)
class CellError:
    """An exception a student's cell (or the grading of it) raised."""

    type: str
    message: str
    cell: str | None = None
    line: int | None = None

    @classmethod
    def from_json(cls, data) -> CellError:
        _need(isinstance(data, dict))
        _need(all(isinstance(data.get(k, ""), str) for k in ("type", "message")))
        cell, line = data.get("cell"), data.get("line")
        _need(cell is None or isinstance(cell, str))
        _need(line is None or (isinstance(line, int) and not isinstance(line, bool)))
        return cls(data.get("type", ""), data.get("message", ""), cell, line)


@dataclass(frozen=True)
class VisibleTest:
    """A visible test cell of the notebook, run after the student's answers."""

    cell: str
    passed: bool
    error: CellError | None = None

    @classmethod
    def from_json(cls, data) -> VisibleTest:
        _need(isinstance(data, dict) and isinstance(data.get("cell"), str)
              and isinstance(data.get("passed"), bool))
        error = data.get("error")
        return cls(data["cell"], data["passed"],
                   None if error is None else CellError.from_json(error))


@dataclass(frozen=True)
class Flag:
    """Something about a submission a person should look at (tampering, a renamed file)."""

    kind: str
    detail: str

    @classmethod
    def from_json(cls, data) -> Flag:
        _need(isinstance(data, dict) and isinstance(data.get("kind"), str)
              and isinstance(data.get("detail"), str))
        return cls(data["kind"], data["detail"])


@dataclass
class Result:
    """Everything grading found out about one submission."""

    student: str
    assignment: str
    status: str  # "graded" or "error: <reason>"
    score: float
    max_score: float
    sha256: str
    version: int = 1
    submission: str = ""
    seed: int | None = None
    isolation: str = ""
    timeout: float = 0.0
    fingerprint: str = ""
    checks: list[CheckResult] = field(default_factory=list)
    visible: list[VisibleTest] = field(default_factory=list)
    cell_errors: list[CellError] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    tripwire: list[str] = field(default_factory=list)
    seconds: float = 0.0
    grader_failed: bool = False
    # function -> digest of its answer cell's code (comment lines and blank lines left
    # out): the class report compares the verdicts of students whose code is the same.
    answers: dict[str, str] = field(default_factory=dict)

    @property
    def graded(self) -> bool:
        return self.status == "graded"

    def earned(self, function: str) -> float:
        """Points earned by the checks of one task's function."""
        return float(sum(c.earned for c in self.checks if c.function == function))

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data, student: str | None = None) -> Result | None:
        """The result in ``data``, or ``None`` if it lacks the grader's shape (or is not
        ``student``'s)."""
        try:
            _need(isinstance(data, dict))
            _need(student is None or data.get("student") == student)
            _need(all(isinstance(data.get(k), str)
                      for k in ("student", "assignment", "status", "sha256")))
            _need(all(_number(data.get(k)) for k in ("score", "max_score")))
            for key in ("checks", "visible", "cell_errors", "flags", "tripwire"):
                _need(isinstance(data.get(key, []), list))
            _need(all(isinstance(name, str) for name in data.get("tripwire", [])))
            answers = data.get("answers", {})
            _need(isinstance(answers, dict)
                  and all(isinstance(v, str) for v in answers.values()))
            seed = data.get("seed")
            _need(seed is None or (isinstance(seed, int) and not isinstance(seed, bool)))
            return cls(
                student=data["student"], assignment=data["assignment"],
                status=data["status"], score=float(data["score"]),
                max_score=float(data["max_score"]), sha256=data["sha256"],
                version=data.get("version", 1), submission=str(data.get("submission", "")),
                seed=seed, isolation=str(data.get("isolation", "")),
                timeout=float(data["timeout"]) if _number(data.get("timeout")) else 0.0,
                fingerprint=str(data.get("fingerprint", "")),
                checks=[CheckResult.from_json(c) for c in data.get("checks", [])],
                visible=[VisibleTest.from_json(v) for v in data.get("visible", [])],
                cell_errors=[CellError.from_json(e) for e in data.get("cell_errors", [])],
                flags=[Flag.from_json(f) for f in data.get("flags", [])],
                tripwire=list(data.get("tripwire", [])),
                seconds=float(data["seconds"]) if _number(data.get("seconds")) else 0.0,
                grader_failed=data.get("grader_failed") is True,
                answers=dict(answers),
            )
        except _Invalid:
            return None
