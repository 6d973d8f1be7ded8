"""The messages between the grader and a jailed child, and the checks on them.

The grader sends one job (:func:`job`) as JSON on the child's stdin; the child
(``_child.py``, which imports nothing from ``autograder`` and mirrors this format) answers
with one event per line on its stdout. Arrays travel as little-endian float64 in base64
(:func:`decode_value`).

Events are checked before the grader believes any of them.

Every text field is made safe here, once, where events are read (:func:`safe_text`).

The result channel is written by the child's harness, but the student's code runs in the
same process and can write to it as well (it can always find the file descriptor, or the
harness's ``emit``), so every line is untrusted input. :func:`checked` rebuilds an event
from its known fields after checking their types and sizes, or returns ``None``; the grader
flags such lines as tampering and ignores them. A forged but well-formed event can only say
what the student's own function could have returned, and the parent judges that.
"""

from __future__ import annotations

import base64
import math

import numpy as np

from autograder.untrusted import safe_text

MAX_NAME = 200  # grade ids, probe labels, function and tripwire names
MAX_TEXT = 300  # error messages (the child already cuts them at 300 characters)
MAX_DIMS = 32
MAX_FIELDS = 64
MAX_HITS = 64

EVENTS = {"ready", "cell", "cells_done", "function", "probe", "visible_start", "visible",
          "done"}
MAX_VALUES = 10**6  # numbers one probe may return


class _Malformed(ValueError):
    pass


def _name(value) -> str:
    if not isinstance(value, str) or not value or len(value) > MAX_NAME:
        raise _Malformed
    return safe_text(value)


def _text(value) -> str:
    if not isinstance(value, str):
        raise _Malformed
    return safe_text(value if len(value) <= MAX_TEXT else value[:MAX_TEXT] + "...")


def _int(value) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise _Malformed
    return value


def _error(value) -> dict | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise _Malformed
    out = {"type": _text(value.get("type", "")), "message": _text(value.get("message", ""))}
    if "cell" in value:
        out["cell"] = None if value["cell"] is None else _text(value["cell"])
    if "line" in value:
        out["line"] = None if value["line"] is None else _int(value["line"])
    return out


def _array(value) -> dict:
    if not isinstance(value, dict):
        raise _Malformed
    shape, data = value.get("shape"), value.get("b64")
    if not isinstance(shape, list) or len(shape) > MAX_DIMS or not isinstance(data, str):
        raise _Malformed
    if any(_int(n) < 0 for n in shape):
        raise _Malformed
    # The text must hold exactly prod(shape) float64 values (base64 of 8 bytes each).
    if len(data) != 4 * math.ceil(8 * math.prod(shape) / 3):
        raise _Malformed
    return {"shape": list(shape), "b64": data}


def _value(value) -> dict | None:
    if value is None:
        return None
    if isinstance(value, dict) and "fields" in value:
        fields = value["fields"]
        if not isinstance(fields, dict) or len(fields) > MAX_FIELDS:
            raise _Malformed
        return {"fields": {_name(key): _array(part) for key, part in fields.items()}}
    return _array(value)


def _hits(value) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > MAX_HITS:
        raise _Malformed
    return sorted({_name(name) for name in value})


def _seconds(value) -> float:
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not (
            math.isfinite(value) and value >= 0):
        raise _Malformed
    return float(value)


def checked(event) -> dict | None:
    """``event`` rebuilt from its known, well-typed fields, or ``None`` if it is malformed."""
    if not isinstance(event, dict) or event.get("event") not in EVENTS:
        return None
    kind = event["event"]
    try:
        if kind in ("ready", "cells_done", "done"):
            return {"event": kind}
        if kind == "cell":
            if event.get("kind") not in ("setup", "answer"):
                return None
            return {"event": kind, "kind": event["kind"], "id": _name(event.get("id")),
                    "error": _error(event.get("error"))}
        if kind == "function":
            return {"event": kind, "name": _name(event.get("name"))}
        if kind == "probe":
            return {"event": kind, "label": _name(event.get("label")),
                    "value": _value(event.get("value")), "error": _error(event.get("error")),
                    "tripwire": _hits(event.get("tripwire")),
                    "seconds": _seconds(event.get("seconds", 0.0))}
        if kind == "visible_start":
            return {"event": kind, "id": _name(event.get("id"))}
        return {"event": kind, "id": _name(event.get("id")), "error": _error(event.get("error"))}
    except _Malformed:
        return None


def job(setup, answers, probes, visible, drivers: str = "") -> dict:
    """The job a child runs: (cell id, code) pairs for the setup cells (trusted, already
    Python), the answer cells (the student's raw text: the child transforms IPython syntax),
    the probes and the visible test cells, and the assignment's drivers. The sandbox adds
    the child's resource limits (``limits``) when it starts the child."""
    return {"setup": [list(c) for c in setup], "answer": [list(c) for c in answers],
            "probes": list(probes), "visible": [list(c) for c in visible],
            "max_values": MAX_VALUES, "drivers": drivers}


def decode_value(value) -> np.ndarray | dict:
    """A probe's checked value as a float array (or a driver's dict of them)."""
    if "fields" in value:  # a driver's dict of arrays
        return {str(name): decode_value(part) for name, part in value["fields"].items()}
    shape = [int(n) for n in value["shape"]]
    data = base64.b64decode(value["b64"], validate=True)
    array = np.frombuffer(data, dtype="<f8").astype(float)
    return array.reshape(shape)
