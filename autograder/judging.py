"""Judge a submission's probe outputs against the hidden checks, here in the parent.

Judges run on arrays the student fully controls, so each runs under a deadline
(:func:`_bounded`), and a failed probe becomes the message a student can act on
(:func:`failure_message`).
"""

from __future__ import annotations

import ctypes
import threading
import time

from autograder import protocol
from autograder.children import Session
from autograder.result import CellError, CheckResult
from autograder.run import Run
from autograder.spec import Verdict


def failure_message(function: str, error: dict, missing: bool,
                    cell_error: CellError | None = None) -> str:
    """What a student reads when a probe of ``function`` failed with ``error``;
    ``cell_error`` is what the function's own answer cell raised while it ran, if it did."""
    kind = error.get("type", "")
    if error.get("tripwire"):
        names = ", ".join(sorted(set(error["tripwire"])))
        return (f"your answer calls course's own implementation ({names}), which is switched "
                f"off while grading: write the computation yourself")
    if missing:
        return f"your notebook has no answer cell for {function}"
    if kind == "cells":
        return (f"your notebook's answer cells did not finish running ({error['message']}), "
                f"so {function} could not be checked")
    if kind == "timeout":
        return f"{function} did not return within the time budget (an endless loop?)"
    if kind == "crash":
        return f"the grading process stopped while running {function} ({error['message']})"
    if kind == "NotImplementedError":
        return f"{function} still raises NotImplementedError: replace it with your code"
    if kind == "NameError" and function in error.get("message", "") and cell_error:
        where = f" at line {cell_error.line}" if cell_error.line else ""
        return (f"your answer cell for {function} stopped{where} with {cell_error.type}: "
                f"{cell_error.message}, so {function} was never defined: fix that first")
    if kind == "NameError" and function in error.get("message", ""):
        return f"your answer cell does not define a function called {function}"
    if kind == "BadReturn":
        return (f"{function} returned something that is not an array of numbers "
                f"({error.get('message', '')})")
    if kind == "MemoryError":
        return f"{function} ran out of memory"
    where = f" (line {error['line']} of your cell)" if error.get("line") else ""
    return f"{function} raised {kind}: {error.get('message', '')}{where}"


JUDGE_SECONDS = 10.0  # for all of one submission's checks; a correct answer takes milliseconds
MAX_MESSAGE = 500  # characters of a failed check's message
_SLOW = ("checking the values your function returned took too long (their number or shape "
         "is far from what was asked)")


class _JudgeOverran(BaseException):
    """Raised inside a judge past its deadline; a BaseException, so that a judge's own
    ``except Exception`` cannot swallow it."""


def _bounded(judge, values, probes, deadline: float) -> Verdict | None:
    """``judge(values, probes)`` as a Verdict, or ``None`` if it ran past ``deadline``.

    Judges run here, in the trusted parent, on arrays the student fully controls (a
    function may return anything, and forged events carry any well-formed arrays), so a
    judge that is slow on some input would otherwise stall the whole class run. Past the
    deadline a watchdog raises _JudgeOverran in this thread (between two bytecodes; each
    NumPy call on at most a million values is short). A judge that raises returns a
    failed Verdict: odd shapes or types are the student's.
    """
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        return None
    thread, lock, running = threading.get_ident(), threading.Lock(), [True]

    def interrupt():
        with lock:
            if running[0]:
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread),
                                                           ctypes.py_object(_JudgeOverran))

    watchdog = threading.Timer(remaining, interrupt)
    watchdog.daemon = True
    watchdog.start()
    try:
        try:
            verdict = judge(values, probes)
        finally:
            with lock:
                running[0] = False
            ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread), None)
            watchdog.cancel()
    except _JudgeOverran:
        return None
    except Exception:  # odd shapes or types that a judge did not foresee
        return Verdict(False, "the returned values have an unexpected shape or type for this "
                              "check")
    if not isinstance(verdict, Verdict):
        raise TypeError(f"a judge returned {type(verdict).__name__}, not a Verdict")
    message = str(verdict.message)
    if len(message) > MAX_MESSAGE:
        verdict = Verdict(verdict.passed, message[:MAX_MESSAGE] + "...")
    return verdict


def judge(run: Run, state: Session, missing: list[str], made: dict) -> list[CheckResult]:
    """One CheckResult per hidden check, from the probe events in ``state``."""
    checks = []
    deadline = time.monotonic() + JUDGE_SECONDS
    raised = {error.cell: error for error in state.cell_errors}
    for task in run.assignment.tasks:
        for check in task.checks:
            labels = [f"{task.function}:{name}" for name in check.probes]
            values, error, hits = {}, None, []
            for label, short in zip(labels, check.probes, strict=True):
                event = state.outputs.get(label, {"error": {"type": "crash", "message": "lost"}})
                hits += event.get("tripwire") or []
                if event.get("error") or not isinstance(event.get("value"), dict):
                    error = event.get("error") or {"type": "crash", "message": "no value"}
                    break
                try:
                    values[short] = protocol.decode_value(event["value"])
                except (ValueError, TypeError, KeyError):
                    error = {"type": "ValueError", "message": "unreadable values"}
                    break
            if error is not None:
                verdict = Verdict(False, failure_message(
                    task.function, dict(error, tripwire=hits), task.function in missing,
                    raised.get(task.function)))
            else:
                verdict = _bounded(check.judge, values, made[task.function], deadline)
                if verdict is None:
                    verdict = Verdict(False, _SLOW)
                    slow = f"judging its returned values took more than {JUDGE_SECONDS:g} s"
                    if slow not in state.incidents:
                        state.incidents.append(slow)
                if not verdict.passed and hits:  # it caught the tripwire and carried on
                    verdict = Verdict(False, failure_message(
                        task.function, {"tripwire": hits}, False))
            checks.append(CheckResult(
                function=task.function, check=check.name, points=float(check.points),
                earned=float(check.points) if verdict.passed else 0.0,
                passed=bool(verdict.passed), message="" if verdict.passed else verdict.message))
    return checks
