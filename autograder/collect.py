"""Place a folder or zip of student notebooks into the course's ``submitted/`` folder.

Accepted layouts: ``PATH/<student>.ipynb`` or ``PATH/<student>/<any name>.ipynb`` (one
notebook per student folder). Each lands in ``DIR/submitted/<student>/NAME/NAME.ipynb``.
PATH is only read. An existing, different submission is never overwritten silently: it is
moved to ``DIR/.autograder/superseded/<student>/NAME/`` first. The manifest
``DIR/.autograder/NAME/manifest.json`` records each student's content hash, original name
and flags (a renamed notebook is flagged for the class report).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import stat
import tempfile
import time
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from autograder import ledger, notebook
from autograder.folders import CourseFolder
from autograder.spec import load
from autograder.untrusted import NotRegular, read_regular, valid_student_id

IGNORED = {".ipynb_checkpoints", "__MACOSX", ".DS_Store"}
MAX_ZIP_BYTES = 2**30  # unpacked notebooks per zip; more is a zip bomb, not a class


class CollectError(Exception):
    pass


@dataclass
class Outcome:
    placed: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


def _notebooks_in(folder: Path, outcome: Outcome, shown: str) -> list[Path]:
    """Regular .ipynb files under ``folder``; symbolic links are listed as skipped, never
    followed (a student's link could point at the instructor's solution)."""
    found = []
    for here, dirs, files in os.walk(folder):  # does not descend into linked folders
        dirs[:] = sorted(d for d in dirs if d not in IGNORED)
        for name in sorted(files):
            path = Path(here) / name
            if name in IGNORED or not name.endswith(".ipynb"):
                continue
            if path.is_symlink():
                outcome.skipped.append((f"{shown}/{path.relative_to(folder)}",
                                        "a symbolic link, not a notebook file (never followed)"))
            elif stat.S_ISREG(path.lstat().st_mode):
                found.append(path)
    return found


def _candidates(root: Path, outcome: Outcome):
    """(student, notebook path, shown name) for each entry of ``root``."""
    for entry in sorted(root.iterdir()):
        if entry.name in IGNORED or entry.name.startswith("."):
            continue
        if entry.is_symlink():
            outcome.skipped.append((entry.name, "a symbolic link, not a notebook file or a "
                                                "student folder (never followed)"))
        elif entry.is_file() and entry.suffix == ".ipynb":
            yield entry.stem, entry, entry.name
        elif entry.is_dir():
            notebooks = _notebooks_in(entry, outcome, entry.name)
            if len(notebooks) == 1:
                yield entry.name, notebooks[0], f"{entry.name}/{notebooks[0].relative_to(entry)}"
            elif not notebooks:
                outcome.skipped.append((entry.name + "/", "no notebook inside"))
            else:
                outcome.skipped.append((entry.name + "/", f"{len(notebooks)} notebooks inside; "
                                                          f"keep only the one to grade"))
        else:
            outcome.skipped.append((entry.name, "not a notebook (.ipynb) or a student folder"))


def _safe_members(archive: zipfile.ZipFile, into: Path, outcome: Outcome) -> list:
    """The members worth extracting; the rest are listed as skipped, with the reason."""
    counts = Counter(m.filename for m in archive.infolist())
    safe, total = [], 0
    for member in archive.infolist():
        parts = member.filename.replace("\\", "/").split("/")
        try:
            inside = into.resolve() in (into / member.filename).resolve().parents
        except (ValueError, OSError):  # a NUL byte or a name the system refuses
            inside = False
        if not inside:
            reason = "an unsafe path (outside the folder it is unpacked into)"
        elif member.is_dir() or any(p in IGNORED or p.startswith(".") for p in parts if p):
            continue  # folders are made as needed; editor and system clutter is ignored
        elif counts[member.filename] > 1:
            reason = "appears more than once in the zip"
        elif stat.S_ISLNK(member.external_attr >> 16):
            reason = "a symbolic link (never followed)"
        elif not member.filename.endswith(".ipynb"):
            reason = "not a notebook (.ipynb)"
        elif member.file_size > notebook.MAX_NOTEBOOK_BYTES:
            reason = f"larger than {notebook.MAX_NOTEBOOK_BYTES >> 20} MB"
        elif total + member.file_size > MAX_ZIP_BYTES:
            reason = f"the zip unpacks to more than {MAX_ZIP_BYTES >> 30} GB"
        else:
            total += member.file_size
            safe.append(member)
            continue
        outcome.skipped.append((member.filename, f"in the zip: {reason}"))
    return safe


def _unzip(path: Path, into: Path, outcome: Outcome) -> Path:
    try:
        with zipfile.ZipFile(path) as archive:
            for member in _safe_members(archive, into, outcome):
                try:
                    archive.extract(member, into)
                except (RuntimeError, ValueError, zipfile.BadZipFile, OSError) as exc:
                    outcome.skipped.append((member.filename, f"in the zip: unreadable ({exc})"))
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
    with ledger.lock(course, name):
        return _collect(path, course, name)


def _collect(path: Path, course: Path, name: str) -> Outcome:
    assignment = load(name)
    path = Path(path).expanduser()
    if not path.exists():
        raise CollectError(f"{path} does not exist")
    if CourseFolder.of(course).manages(path):
        # e.g. DIR/source holds the solution: it would be placed as a student's work
        raise CollectError(f"{path} is the course folder or one of the folders it manages; "
                           f"collect reads students' notebooks from elsewhere")
    with tempfile.TemporaryDirectory(prefix="autograder-collect-") as scratch:
        if path.is_file():
            if path.suffix.lower() == ".zip" and not zipfile.is_zipfile(path):
                raise CollectError(f"{path} is not a readable zip file")
            if not zipfile.is_zipfile(path):
                raise CollectError(f"{path} is neither a folder nor a zip file")
            outcome = Outcome()
            root = _unzip(path, Path(scratch), outcome)
        else:
            root, outcome = path, Outcome()
        return _place_all(root, course, assignment, outcome)


def _place_all(root: Path, course: Path, assignment, outcome: Outcome,
               shown_as: dict | None = None) -> Outcome:
    manifest_file = ledger.manifest_path(course, assignment.name)
    manifest = ledger.read_manifest(course, assignment.name)
    by_student: dict[str, list[tuple[Path, str]]] = {}
    for student, source, shown in _candidates(root, outcome):
        shown = (shown_as or {}).get(student, shown)
        if not valid_student_id(student):
            outcome.skipped.append((shown, f"{student!r} is not a usable student id"))
        else:
            by_student.setdefault(student, []).append((source, shown))
    for student, found in by_student.items():
        if len(found) > 1:  # e.g. alice.ipynb and alice/: which one is meant is a guess
            for _, shown in found:
                outcome.skipped.append((shown, f"one of {len(found)} notebooks for student "
                                               f"{student}; keep only the one to grade"))
            continue
        source, shown = found[0]
        try:
            data = notebook.read_bytes(source)
            notebook.parse(data, source.name)
        except notebook.NotebookError as exc:
            outcome.skipped.append((shown, str(exc)))
            continue
        note = _place(course, assignment, student, data)
        flags = []
        if "/" in shown and source.name != assignment.notebook and not shown_as:
            flags.append({"kind": "renamed",
                          "detail": f"handed in as {shown}, not {assignment.notebook}"})
        manifest[student] = {
            "sha256": hashlib.sha256(data).hexdigest(),
            "original": shown,
            "collected": time.strftime("%Y-%m-%d %H:%M:%S"),
            "flags": flags,
        }
        outcome.placed.append((student, note + (f" ({flags[0]['detail']})" if flags else "")))
    ledger.write_json(manifest_file, manifest)
    return outcome


def _place(course: Path, assignment, student: str, data: bytes) -> str:
    course_folder = CourseFolder.of(course)
    folder = course_folder.submission(student, assignment.name)
    target = folder / assignment.notebook
    digest = hashlib.sha256(data).hexdigest()
    if target.exists():
        old = ledger.sha256_file(target)
        if old == digest:
            return "unchanged"
        keep = course_folder.superseded(student, assignment.name)
        keep.mkdir(parents=True, exist_ok=True)
        moved = keep / f"{time.strftime('%Y%m%d-%H%M%S')}-{old[:12]}.ipynb"
        shutil.move(str(target), moved)
        note = f"replaced an earlier submission (kept as {course_folder.relative(moved)})"
    else:
        note = "placed"
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".{assignment.notebook}.incoming"
    tmp.write_bytes(data)
    tmp.replace(target)
    (folder / "timestamp.txt").write_text(time.strftime("%Y-%m-%d %H:%M:%S.000000 UTC",
                                                        time.gmtime()) + "\n")
    return note


# --- nbgrader's exchange -------------------------------------------------------------------

DEFAULT_EXCHANGE = Path("/usr/local/share/nbgrader/exchange")  # nbgrader's Exchange.root
EXCHANGE_FILES = ("timestamp.txt", "submission_secret.txt")  # what release_feedback reads
MAX_EXCHANGE_FILE = 1024
# nbgrader submit's time stamp in a folder name: "2026-12-01 10:00:00.123456 UTC"
_STAMP = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{1,6})? UTC")


class Exchange(NamedTuple):
    """Where the course's exchange is, and whether a folder must belong to the student
    it is named after (nbgrader's CollectApp.check_owner, True by default)."""

    root: Path
    course_id: str
    check_owner: bool

    @property
    def course(self) -> Path:
        return self.root / self.course_id


def exchange_settings(course: Path, root: Path | None = None) -> Exchange:
    """The exchange as nbgrader itself would see it from the course folder: every
    nbgrader_config.py on Jupyter's configuration path (JUPYTER_CONFIG_PATH, ~/.jupyter,
    the system's; a hub sets the exchange there), then the course's own, which wins.
    Exchange.root (nbgrader's default /usr/local/share/nbgrader/exchange, or `root`),
    CourseDirectory.course_id, CollectApp.check_owner (default True)."""
    from jupyter_core.paths import jupyter_config_path
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    config_file = CourseFolder.of(course).nbgrader_config
    if not config_file.is_file():
        raise CollectError(f"{config_file} does not exist: the exchange's course id comes "
                           f"from it (c.CourseDirectory.course_id)")
    config = Config()
    for folder in [*reversed(jupyter_config_path()), str(config_file.parent)]:
        if (Path(folder) / config_file.name).is_file():
            config.merge(PyFileConfigLoader(config_file.name, path=folder).load_config())
    course_id = config.CourseDirectory.get("course_id", "")
    if not course_id:
        raise CollectError(f"{config_file} sets no c.CourseDirectory.course_id, so the "
                           f"exchange's folder for this course is unknown")
    root = Path(root or config.Exchange.get("root", DEFAULT_EXCHANGE)).expanduser()
    return Exchange(root, str(course_id), bool(config.CollectApp.get("check_owner", True)))


def exchange_course(course: Path, root: Path | None = None) -> Path:
    """The course's own folder in nbgrader's exchange: ROOT/<course id>."""
    return exchange_settings(course, root).course


def _owner_problem(folder: Path, student: str) -> str:
    """Why `folder` may not be `student`'s submission ("" if it may): nbgrader's inbound is
    writable by every student, so a folder counts only if the student's own account made
    it (else anyone could hand in, or hide, work in a classmate's name)."""
    import pwd

    try:
        uid = pwd.getpwnam(student).pw_uid
    except KeyError:
        return (f"there is no account named {student} to own it (nbgrader names a "
                f"submission after its owner; set c.CollectApp.check_owner = False only "
                f"where every student shares one account)")
    owner = folder.lstat().st_uid
    return "" if owner == uid else f"it belongs to uid {owner}, not to {student}"


def submissions_in_exchange(inbound: Path, name: str, outcome: Outcome,
                            check_owner: bool = True) -> dict[str, list[Path]]:
    """{student: their submission folders of NAME, oldest first} among nbgrader's inbound
    folders ``student+NAME+timestamp[+random]``, ordered by the time stamp in the name.
    Links, names that are not nbgrader's, and (with check_owner) folders not made by the
    student they name are listed as skipped."""
    from nbgrader.utils import parse_utc

    found: dict[str, list[tuple]] = {}
    for entry in sorted(inbound.iterdir()):
        parts = entry.name.split("+")
        if len(parts) < 3 or parts[1] != name:
            continue  # another assignment's submission, or not nbgrader's
        if entry.is_symlink() or not entry.is_dir():
            outcome.skipped.append((entry.name, "not a submission folder (links are never "
                                                "followed)"))
            continue
        if not valid_student_id(parts[0]):
            outcome.skipped.append((entry.name, f"{parts[0]!r} is not a usable student id"))
            continue
        try:
            if not _STAMP.fullmatch(parts[2]):
                raise ValueError(parts[2])
            when = parse_utc(parts[2])
        except Exception:  # noqa: BLE001 - any unparsable name is the student's problem
            outcome.skipped.append((entry.name, "its time stamp is not a date"))
            continue
        problem = _owner_problem(entry, parts[0]) if check_owner else ""
        if problem:
            outcome.skipped.append((entry.name, problem))
            continue
        found.setdefault(parts[0], []).append((when, entry))
    return {student: [folder for _, folder in sorted(items, key=lambda item: item[0])]
            for student, items in found.items()}


def latest_in_exchange(inbound: Path, name: str, outcome: Outcome,
                       check_owner: bool = True) -> dict[str, Path]:
    """{student: their latest submission folder}, as nbgrader collect chooses."""
    return {student: folders[-1] for student, folders in
            submissions_in_exchange(inbound, name, outcome, check_owner).items()}


def collect_exchange(course: Path, name: str, root: Path | None = None,
                     students=None, folders: dict[str, Path] | None = None) -> Outcome:
    """Place each student's latest submission of NAME from nbgrader's exchange into
    submitted/, with the manifest and the never-overwrite rule of `collect`, and keep
    the exchange's timestamp.txt and submission_secret.txt beside it for release_feedback.
    With `students`, only theirs; with `folders` ({student: inbound folder}), exactly
    those. The exchange is only read, and never through a link: a student may swap any of
    its files while it is read (untrusted.read_regular)."""
    with ledger.lock(course, name):
        assignment = load(name)
        exchange = exchange_settings(course, root)
        inbound = exchange.course / "inbound"
        if not inbound.is_dir():
            raise CollectError(f"{inbound} does not exist: is the exchange root right "
                               f"(--exchange DIR or c.Exchange.root) and has anyone submitted?")
        outcome = Outcome()
        chosen = folders if folders is not None else \
            latest_in_exchange(inbound, name, outcome, exchange.check_owner)
        if students is not None:
            chosen = {s: folder for s, folder in chosen.items() if s in students}
        kept: dict[str, dict[str, bytes]] = {}
        with tempfile.TemporaryDirectory(prefix="autograder-exchange-") as scratch:
            shown_as = {}
            for student, folder in chosen.items():
                try:
                    data = read_regular(folder / assignment.notebook, notebook.MAX_NOTEBOOK_BYTES)
                except OSError as exc:
                    reason = str(exc) if isinstance(exc, NotRegular) else \
                        f"unreadable ({exc.strerror})"
                    outcome.skipped.append((f"{folder.name}/{assignment.notebook}", reason))
                    continue
                target = Path(scratch) / student
                target.mkdir()
                (target / assignment.notebook).write_bytes(data)
                shown_as[student] = f"exchange: {folder.name}"
                kept[student] = {}
                for file_name in EXCHANGE_FILES:
                    try:
                        kept[student][file_name] = read_regular(folder / file_name,
                                                                MAX_EXCHANGE_FILE)
                    except OSError:
                        pass  # feedback falls back to the notebook's time, and no secret
            _place_all(Path(scratch), course, assignment, outcome, shown_as)
        for student, _ in outcome.placed:
            keep = CourseFolder.of(course).submission(student, name)
            for file_name in EXCHANGE_FILES:
                (keep / file_name).unlink(missing_ok=True)
                if file_name in kept.get(student, {}):
                    (keep / file_name).write_bytes(kept[student][file_name])
        return outcome
