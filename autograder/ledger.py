"""The grader's record: one JSON result file per (assignment, student), written atomically.

Layout under the course folder (generated, never committed)::

    .autograder/<assignment>/results/<student>.json   outcome of the latest grading
    .autograder/<assignment>/manifest.json            what ``collect`` placed, with hashes
    .autograder/superseded/<student>/<assignment>/    older submissions ``collect`` replaced
    .autograder/seed.key                              the course's secret part of every seed

A result holds the submission's SHA-256, the seed derived from it, every check's outcome,
the score and a status: ``graded``, ``error: <reason>`` or ``missing``. The seed depends only
on the file's content, the assignment and the course's key (never seen by student code), so
regrading the same file gives the same score;
each student has exactly one result file, so a restarted run cannot count anyone twice.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import hmac
import json
import os
import secrets
import tempfile
from pathlib import Path

from autograder.folders import CourseFolder
from autograder.result import Result
from autograder.untrusted import valid_student_id


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def seed_key(course: Path) -> bytes:
    """The course's secret seed key, made on first use (``.autograder/seed.key``, mode 0600).

    Seeds depend on it as well as on the file, so a student who has the (public) hidden
    checks still cannot compute the probes of a file in advance, nor try variants of a
    file offline until a wrong answer happens to pass. Keep it with the results: regrading
    the same file gives the same seed only while the key is the same.
    """
    path = CourseFolder.of(course).seed_key
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".seed.key.")  # mode 0600
        try:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(32) + "\n")
            os.link(tmp, path)  # whole or not at all; if another run made one first, use it
        except FileExistsError:
            pass
        finally:
            os.unlink(tmp)
    try:
        key = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        key = ""
    if len(key) < 32:
        raise RuntimeError(f"{path} is damaged: restore it from a backup (or delete it, and "
                           f"regrade with --force: seeds, and so borderline scores, change)")
    return key.encode("ascii")


def seed_for(content_hash: str, assignment: str, key: bytes = b"") -> int:
    """A 63-bit seed from the submission's content and the course key: same file, same seed."""
    message = f"{assignment}:{content_hash}".encode()
    digest = hmac.new(key, message, "sha256").digest() if key else hashlib.sha256(message).digest()
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


def _results_dir(course: Path, assignment: str) -> Path:
    return CourseFolder.of(course).state(assignment) / "results"


def result_path(course: Path, assignment: str, student: str) -> Path:
    return _results_dir(course, assignment) / f"{student}.json"


def read_result(course: Path, assignment: str, student: str) -> Result | None:
    """A student's latest result, or ``None`` if there is none or it is malformed."""
    return Result.from_json(read_json(result_path(course, assignment, student)), student)


def write_result(course: Path, result: Result) -> None:
    write_json(result_path(course, result.assignment, result.student), result.to_json())


def results(course: Path, assignment: str) -> dict[str, Result]:
    """Every student's latest (well-formed) result for ``assignment``, by student id."""
    folder = _results_dir(course, assignment)
    out = {}
    if folder.is_dir():
        for path in sorted(folder.glob("*.json")):
            if not valid_student_id(path.stem):
                continue  # not a file this grader wrote
            result = Result.from_json(read_json(path), path.stem)
            if result is not None:
                out[path.stem] = result
    return out


def manifest_path(course: Path, assignment: str) -> Path:
    return CourseFolder.of(course).state(assignment) / "manifest.json"


def read_manifest(course: Path, assignment: str) -> dict[str, dict]:
    """What ``collect`` recorded, by student; entries edited into another shape are dropped."""
    data = read_json(manifest_path(course, assignment), {})
    if not isinstance(data, dict):
        return {}
    out = {}
    for student, entry in data.items():
        if isinstance(entry, dict):
            flags = entry.get("flags")
            flags = [f for f in flags if _is_flag(f)] if isinstance(flags, list) else []
            out[student] = dict(entry, flags=flags)
    return out


def _is_flag(flag) -> bool:
    return (isinstance(flag, dict) and isinstance(flag.get("kind"), str)
            and isinstance(flag.get("detail"), str))


class Busy(RuntimeError):
    """Another autograder command is working on the same assignment."""


@contextlib.contextmanager
def lock(course: Path, assignment: str):
    """Hold the assignment's lock (``.autograder/<assignment>/lock``) or raise :class:`Busy`.

    ``collect`` and ``grade`` take it, so two of them never interleave their writes to
    ``submitted/``, the results or the manifest. The system drops it when the holder dies.
    """
    course_folder = CourseFolder.of(course)
    path = course_folder.state(assignment) / "lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise Busy(f"another autograder command (collect or grade) is working on "
                       f"{assignment} in {course_folder.root}; run this one when it has "
                       f"finished") from None
        yield
    finally:
        os.close(fd)
