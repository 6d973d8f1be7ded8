"""Place a folder or zip of student notebooks into the course's ``submitted/`` folder.

Accepted layouts: ``PATH/<student>.ipynb`` or ``PATH/<student>/<any name>.ipynb`` (one
notebook per student folder). Each lands in ``DIR/submitted/<student>/NAME/NAME.ipynb``.
PATH is only read. An existing, different submission is never overwritten silently: it is
moved to ``DIR/.autograder/superseded/<student>/NAME/`` first. The manifest
``DIR/.autograder/NAME/manifest.json`` records each student's content hash, original name
and flags (a renamed notebook is flagged for the class report).
"""

from __future__ import annotations

import re
import shutil
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from autograder import ledger, notebook
from autograder.spec import load

STUDENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]*$")
IGNORED = {".ipynb_checkpoints", "__MACOSX", ".DS_Store"}


class CollectError(Exception):
    pass


@dataclass
class Outcome:
    placed: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


def _candidates(root: Path, outcome: Outcome):
    """(student, notebook path, shown name) for each entry of ``root``."""
    for entry in sorted(root.iterdir()):
        if entry.name in IGNORED or entry.name.startswith("."):
            continue
        if entry.is_file() and entry.suffix == ".ipynb":
            yield entry.stem, entry, entry.name
        elif entry.is_dir():
            notebooks = sorted(p for p in entry.rglob("*.ipynb")
                               if not any(part in IGNORED for part in p.parts))
            if len(notebooks) == 1:
                yield entry.name, notebooks[0], f"{entry.name}/{notebooks[0].relative_to(entry)}"
            elif not notebooks:
                outcome.skipped.append((entry.name + "/", "no notebook inside"))
            else:
                outcome.skipped.append((entry.name + "/", f"{len(notebooks)} notebooks inside; "
                                                          f"keep only the one to grade"))
        else:
            outcome.skipped.append((entry.name, "not a notebook (.ipynb) or a student folder"))


def _unzip(path: Path, into: Path) -> Path:
    try:
        with zipfile.ZipFile(path) as archive:
            for member in archive.infolist():
                target = (into / member.filename).resolve()
                if into.resolve() not in target.parents and target != into.resolve():
                    raise CollectError(f"{path.name} contains an unsafe path {member.filename!r}")
            archive.extractall(into)
    except (zipfile.BadZipFile, OSError) as exc:
        raise CollectError(f"{path} is not a readable zip file ({exc})") from None
    # A zip of one folder that holds the class (several notebooks or student folders):
    # look inside it. One folder with one notebook is a single student's folder.
    entries = [p for p in into.iterdir() if p.name not in IGNORED]
    if len(entries) == 1 and entries[0].is_dir():
        inside = [p for p in entries[0].iterdir() if p.name not in IGNORED]
        if len(inside) > 1 or any(p.is_dir() for p in inside):
            return entries[0]
    return into


def collect(path: Path, course: Path, name: str) -> Outcome:
    assignment = load(name)
    path = Path(path).expanduser()
    if not path.exists():
        raise CollectError(f"{path} does not exist")
    with tempfile.TemporaryDirectory(prefix="autograder-collect-") as scratch:
        if path.is_file():
            if path.suffix.lower() == ".zip" and not zipfile.is_zipfile(path):
                raise CollectError(f"{path} is not a readable zip file")
            if not zipfile.is_zipfile(path):
                raise CollectError(f"{path} is neither a folder nor a zip file")
            root = _unzip(path, Path(scratch))
        else:
            root = path
        return _place_all(root, course, assignment)


def _place_all(root: Path, course: Path, assignment) -> Outcome:
    outcome = Outcome()
    manifest_file = ledger.manifest_path(course, assignment.name)
    manifest = ledger.read_json(manifest_file, {}) or {}
    seen = set()
    for student, source, shown in _candidates(root, outcome):
        if not STUDENT_ID.match(student):
            outcome.skipped.append((shown, f"{student!r} is not a usable student id"))
            continue
        if student in seen:
            outcome.skipped.append((shown, f"a second notebook for student {student}"))
            continue
        try:
            notebook.read(source)
        except notebook.NotebookError as exc:
            outcome.skipped.append((shown, str(exc)))
            continue
        seen.add(student)
        note = _place(course, assignment, student, source)
        flags = []
        if "/" in shown and source.name != assignment.notebook:
            flags.append({"kind": "renamed",
                          "detail": f"handed in as {shown}, not {assignment.notebook}"})
        manifest[student] = {
            "sha256": ledger.sha256_file(source),
            "original": shown,
            "collected": time.strftime("%Y-%m-%d %H:%M:%S"),
            "flags": flags,
        }
        outcome.placed.append((student, note + (f" ({flags[0]['detail']})" if flags else "")))
    ledger.write_json(manifest_file, manifest)
    return outcome


def _place(course: Path, assignment, student: str, source: Path) -> str:
    folder = course / "submitted" / student / assignment.name
    target = folder / assignment.notebook
    digest = ledger.sha256_file(source)
    if target.exists():
        if ledger.sha256_file(target) == digest:
            return "unchanged"
        keep = course / ledger.STATE_DIR / "superseded" / student / assignment.name
        keep.mkdir(parents=True, exist_ok=True)
        old = ledger.sha256_file(target)[:12]
        moved = keep / f"{time.strftime('%Y%m%d-%H%M%S')}-{old}.ipynb"
        shutil.move(str(target), moved)
        note = f"replaced an earlier submission (kept as {moved.relative_to(course)})"
    else:
        note = "placed"
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".{assignment.notebook}.incoming"
    shutil.copyfile(source, tmp)
    tmp.replace(target)
    (folder / "timestamp.txt").write_text(time.strftime("%Y-%m-%d %H:%M:%S.000000 UTC",
                                                        time.gmtime()) + "\n")
    return note
