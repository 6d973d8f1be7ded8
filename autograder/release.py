"""Write the student versions through nbgrader, then refuse them if anything secret leaked.

Secret text is (a) nbgrader's solution and hidden-test markers, (b) every line inside a
solution region of the source notebook that does not also appear outside one, and (c) every
substantial line of the assignment's hidden checks and references in
``autograder/assignments/<name>/``. Every text file in ``release/<name>/`` is scanned; on a
hit the freshly generated folder is removed and :class:`ReleaseRefused` names the file and line.

Releasing again never loses work: a release folder whose files changed since they were
released (a student or self-learner may be writing in it) is first renamed to
``release/<name>.kept-<time>``; an untouched one is simply regenerated. What was released is
recorded in ``.autograder/<name>/release.json`` (file -> sha256).
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import time
from pathlib import Path

from autograder import gradebook, notebook
from autograder.folders import CourseFolder
from autograder.spec import load

MARKERS = notebook.MARKERS
SOLUTION = re.compile(r"###\s*BEGIN SOLUTION(.*?)###\s*END SOLUTION", re.S)


class ReleaseRefused(RuntimeError):
    pass


def _lines(text: str, minimum: int) -> set[str]:
    return {line.strip() for line in text.splitlines() if len(line.strip()) >= minimum}


def secret_lines(course: Path, name: str) -> set[str]:
    """Lines that must never appear in a student version of ``name``."""
    assignment = load(name)
    nb = notebook.read(CourseFolder.of(course).source_notebook(name, assignment.notebook))
    inside, outside = set(), set()
    for cell in nb.cells:
        regions = SOLUTION.findall(cell.source)
        for region in regions:
            inside |= _lines(region, 8)
        outside |= _lines(SOLUTION.sub("", cell.source), 1)
    package = Path(__file__).parent / "assignments" / name
    checks = set()
    for path in package.rglob("*.py"):
        checks |= _lines(path.read_text(encoding="utf-8"), 24)
    public = outside | {line for line in checks if line.startswith(("#", '"', "import", "from"))}
    return (inside | checks) - public


def _texts(path: Path):
    """(where, text) for each piece of text a student would see in ``path``."""
    if path.suffix == ".ipynb":
        data = json.loads(path.read_text(encoding="utf-8"))
        for i, cell in enumerate(data.get("cells", [])):
            source = cell.get("source", "")
            yield f"cell {i + 1}", "".join(source) if isinstance(source, list) else source
            for output in cell.get("outputs", []):
                yield f"output of cell {i + 1}", json.dumps(output)
    else:
        try:
            yield "text", path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            return


def scan(folder: Path, secrets: set[str]) -> list[str]:
    """One message per leak found in ``folder``."""
    leaks = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        for where, text in _texts(path):
            if MARKERS.search(text):
                leaks.append(f"{path.name}, {where}: an nbgrader solution or hidden-test marker")
            for line in _lines(text, 8) & secrets:
                leaks.append(f"{path.name}, {where}: solution or hidden-check text {line!r}")
    return leaks


def _fingerprint(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _record(course: Path, name: str) -> Path:
    return CourseFolder.of(course).state(name) / "release.json"


def was_released(course: Path, name: str) -> bool:
    """Was ``name`` released: by ``release`` (its record), or by nbgrader's own
    generate_assignment (which leaves ``release/<name>``)?"""
    return _record(course, name).exists() or CourseFolder.of(course).release(name).is_dir()


def set_aside_if_changed(course: Path, name: str) -> Path | None:
    """Rename ``release/<name>`` out of the way if anyone changed it since its release.

    Returns the new folder, or None when there was nothing to keep (no folder, or exactly
    what was released). A folder released before this record existed counts as changed.
    """
    folder = CourseFolder.of(course).release(name)
    if not folder.exists():
        return None
    record = _record(course, name)
    released = json.loads(record.read_text()) if record.exists() else None
    if released == _fingerprint(folder):
        return None
    kept = folder.with_name(f"{name}.kept-{time.strftime('%Y%m%d-%H%M%S')}")
    n = 1
    while kept.exists():
        n += 1
        kept = kept.with_name(f"{name}.kept-{time.strftime('%Y%m%d-%H%M%S')}-{n}")
    folder.rename(kept)
    return kept


def release(course: Path, names: list[str], on_kept=print) -> list[Path]:
    """Generate and scan each assignment; returns the release folders written.

    ``on_kept(message)`` is told about every changed release folder kept aside.
    """
    course_folder, written = CourseFolder.of(course), []
    for name in names:
        load(name)  # unknown names fail before anything is written
        source = course_folder.source(name)
        if not source.is_dir():
            raise FileNotFoundError(f"{source} does not exist")
        kept = set_aside_if_changed(course, name)
        if kept is not None:
            on_kept(f"release/{name} had changed since it was released; "
                    f"kept it as {kept} (nothing was deleted)")
        gradebook.generate(course, name)
        folder = course_folder.release(name)
        leaks = scan(folder, secret_lines(course, name))
        if leaks:
            shutil.rmtree(folder, ignore_errors=True)
            raise ReleaseRefused(f"refusing to release {name}: {leaks[0]}"
                                 + (f" (and {len(leaks) - 1} more)" if len(leaks) > 1 else ""))
        record = _record(course, name)
        record.parent.mkdir(parents=True, exist_ok=True)
        record.write_text(json.dumps(_fingerprint(folder), indent=1))
        written.append(folder)
    return written
