"""Run one submission's jailed children and collect what their events say.

:func:`run_children` starts a child on the setup and answer cells, the probes (function
by function) and the visible tests. If a child hangs or dies inside one function, that
function's remaining probes fail and a fresh child carries on with the next function,
within the submission's budget.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from autograder import protocol, sandbox
from autograder.result import CellError, Flag
from autograder.run import Run

MAX_CELL_ERRORS = 20  # kept per submission (a notebook may repeat a failing cell 10,000 times)
CHANNEL = "unexpected output on the grader's result channel"


@dataclass
class Session:
    """What one submission's children reported: checked probe events by label, the errors
    of its answer cells, each visible test cell's error (``None``: it passed), incidents
    (timeouts, crashes) and flags."""

    outputs: dict[str, dict] = field(default_factory=dict)
    cell_errors: list[CellError] = field(default_factory=list)
    visible: dict[str, CellError | None] = field(default_factory=dict)
    incidents: list[str] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)


def run_children(run: Run, answers, probes_by_fn: dict, deadline: float) -> Session:
    state = Session()
    setup = [(gid, run.source.code(gid)) for gid in run.assignment.setup_cells]
    visible_ids = [task.test_cell for task in run.assignment.tasks]
    pending = [fn for fn in probes_by_fn if probes_by_fn[fn]]
    first = True
    while True:
        todo_visible = [gid for gid in visible_ids if gid not in state.visible]
        if not pending and not todo_visible:
            break
        if time.monotonic() >= deadline:
            state.incidents.append(f"timeout after {run.timeout:g} s")
            break
        job = protocol.job(setup, answers, [p for fn in pending for p in probes_by_fn[fn]],
                           [(gid, run.source.code(gid)) for gid in todo_visible], run.drivers)
        child = sandbox.Child(run.sandbox, job, run.limits)
        phase, current, step_deadline = "cells", None, deadline
        expected = {p["label"] for p in job["probes"]}
        ended = None
        try:
            while True:
                event = child.next_event(step_deadline)
                if event is None:
                    break
                kind = event.get("event")
                if kind == "cell" and first and event.get("error"):
                    if len(state.cell_errors) < MAX_CELL_ERRORS:  # a result stays small
                        error = event["error"]
                        state.cell_errors.append(CellError(error["type"], error["message"],
                                                           event.get("id"), error.get("line")))
                    if event["error"].get("type") == "MemoryError":
                        state.incidents.append("memory limit exceeded")
                elif kind == "ready":
                    pass
                elif kind == "cells_done":
                    phase = "probes"
                elif kind == "function" and event.get("name") in pending:
                    current = event["name"]
                    left = max(len(pending), 1)
                    budget = max((deadline - time.monotonic()) / left, 1.0)
                    step_deadline = min(deadline, time.monotonic() + budget)
                elif kind == "probe" and event.get("label") in expected:
                    label = event["label"]
                    state.outputs[label] = event
                    fn = label.split(":", 1)[0]
                    if fn in pending and all(
                        p["label"] in state.outputs for p in probes_by_fn[fn]
                    ):
                        pending.remove(fn)
                        current = None  # a death from here on is not this function's
                elif kind == "visible_start":
                    phase, step_deadline = "visible", deadline
                elif kind == "visible" and event.get("id") in visible_ids:
                    error = event.get("error")
                    state.visible[event["id"]] = error and CellError(
                        error["type"], error["message"], error.get("cell"), error.get("line"))
                elif kind == "done":
                    phase = "done"
                elif kind not in protocol.EVENTS:
                    if Flag("tampering", CHANNEL) not in state.flags:
                        state.flags.append(Flag("tampering", CHANNEL))
        except TimeoutError:
            child.kill()
            ended = "timeout"
        how = child.finish()
        if child.flooded:
            ended = "flood"
        first = False
        if phase == "done":
            break
        reason = {
            "timeout": f"timeout after {run.timeout:g} s",
            "flood": "the notebook flooded the grader's channel",
        }.get(ended, f"the grading process ended early ({how or 'exit code 0'})")
        if ended is None and how == "":
            reason = "the notebook ended the grading process early (exit code 0)"
        if phase == "cells":
            state.incidents.append(reason + " while running the notebook's cells")
            _fail(state, [p for fn in pending for p in probes_by_fn[fn]], "cells", reason)
            break
        elif phase == "probes" and current is not None:
            state.incidents.append(f"{reason} in {current}")
            _fail(state, probes_by_fn[current], ended, reason)
            pending = [fn for fn in pending if fn != current]
        else:
            for gid in todo_visible:
                state.visible.setdefault(gid, CellError("unfinished", reason))
            if phase == "probes":  # died between functions
                _fail(state, [p for fn in pending for p in probes_by_fn[fn]], ended, reason)
                state.incidents.append(reason)
                pending = []
            break
    for gid in visible_ids:
        state.visible.setdefault(gid, CellError("unfinished", "not run"))
    return state


def _fail(state: Session, probes, ended, reason):
    kind = {"timeout": "timeout", "cells": "cells"}.get(ended, "crash")
    for probe in probes:
        state.outputs.setdefault(
            probe["label"],
            {"value": None, "error": {"type": kind, "message": reason}, "tripwire": []},
        )
