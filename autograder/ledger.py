"""The grader's record: one JSON result file per (assignment, student), written atomically.

Layout under the course folder (generated, never committed)::

    .autograder/<assignment>/results/<student>.json   outcome of the latest grading
    .autograder/<assignment>/manifest.json            what ``collect`` placed, with hashes
    .autograder/superseded/<student>/<assignment>/    older submissions ``collect`` replaced

A result holds the submission's SHA-256, the seed derived from it, every check's outcome,
the score and a status: ``graded``, ``error: <reason>`` or ``missing``. The seed depends only
on the file's content and the assignment, so regrading the same file gives the same score;
each student has exactly one result file, so a restarted run cannot count anyone twice.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

STATE_DIR = ".autograder"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def seed_for(content_hash: str, assignment: str) -> int:
    """A 63-bit seed from the submission's content: same file, same seed."""
    digest = hashlib.sha256(f"{assignment}:{content_hash}".encode()).digest()
    return int.from_bytes(digest[:8], "big") >> 1


def write_json(path: Path, data) -> None:
    """Write ``data`` so that readers see the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=1, sort_keys=True)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_json(path: Path, default=None):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return default


def assignment_dir(course: Path, assignment: str) -> Path:
    return course / STATE_DIR / assignment


def result_path(course: Path, assignment: str, student: str) -> Path:
    return assignment_dir(course, assignment) / "results" / f"{student}.json"


def results(course: Path, assignment: str) -> dict[str, dict]:
    """Every student's latest result for ``assignment``, by student id."""
    folder = assignment_dir(course, assignment) / "results"
    out = {}
    if folder.is_dir():
        for path in sorted(folder.glob("*.json")):
            data = read_json(path)
            if isinstance(data, dict) and data.get("student") == path.stem:
                out[path.stem] = data
    return out


def manifest_path(course: Path, assignment: str) -> Path:
    return assignment_dir(course, assignment) / "manifest.json"
