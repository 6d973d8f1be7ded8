"""Read notebooks as text: the source's setup and test cells, a submission's answer cells.

Nothing here executes a notebook. The grader trusts only the source notebook: setup and
visible test cells always come from it, so a submission that deletes, duplicates or edits
them, or changes their nbgrader metadata, gains nothing. Such changes are returned as
flags for the class report.
"""

from __future__ import annotations

import json
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from autograder.spec import Assignment
from autograder.untrusted import printable, safe_text

METADATA_KEYS = ("grade", "solution", "locked", "points")
# Far above any honest notebook (outputs included); parsing more would only cost the grader.
MAX_NOTEBOOK_BYTES = 32 * 2**20
CELL_TYPES = ("code", "markdown", "raw")
# nbformat's validation costs about 50 us a cell; an honest notebook has a few dozen.
MAX_CELLS = 5000
MAX_ANSWER_CHARS = 2**20  # of answer code in all; an honest answer is a few hundred
MARKERS = re.compile(r"(BEGIN|END) (SOLUTION|HIDDEN TESTS)")  # nbgrader's; never released


class NotebookError(ValueError):
    """The file is not a readable Jupyter notebook."""


def read_bytes(path: Path) -> bytes:
    """The file's bytes, refusing more than MAX_NOTEBOOK_BYTES, a link or anything but a
    plain file (NotebookError); read without following links (untrusted.read_regular)."""
    from autograder.untrusted import NotRegular, read_regular

    try:
        return read_regular(path, MAX_NOTEBOOK_BYTES)
    except NotRegular as exc:
        if "larger than" in str(exc):
            raise NotebookError(f"{printable(path.name)} is larger than "
                                f"{MAX_NOTEBOOK_BYTES >> 20} MB (clear its outputs and hand "
                                f"it in again)") from None
        raise NotebookError(str(exc)) from None
    except OSError as exc:
        raise NotebookError(f"{printable(path.name)} could not be read ({exc.strerror})") from exc


def _structure_problem(nb) -> str:
    """What makes ``nb`` unusable for the grader ("" if nothing does)."""
    cells = nb.get("cells") if isinstance(nb, dict) else None
    if not isinstance(cells, list):
        return "it has no list of cells"
    for i, cell in enumerate(cells, 1):
        if not isinstance(cell, dict):
            return f"cell {i} is not a JSON object"
        if cell.get("cell_type") not in CELL_TYPES:
            return f"cell {i} has no valid cell_type"
        if not isinstance(cell.get("source"), str):
            return f"the source of cell {i} is not text"
        if not isinstance(cell.get("metadata", {}), dict):
            return f"the metadata of cell {i} is not a JSON object"
    return ""


def parse(data: bytes, name: str) -> nbformat.NotebookNode:
    """A notebook (upgraded to nbformat 4) from untrusted bytes, or NotebookError.

    Anything the grader later relies on is checked here: a list of cells, each with a
    known cell_type, text source and object metadata. nbformat's own errors on hostile
    input are many and varied, so all of them become NotebookError.
    """
    name = printable(name)
    if len(data) > MAX_NOTEBOOK_BYTES:
        raise NotebookError(f"{name} is larger than {MAX_NOTEBOOK_BYTES >> 20} MB")
    try:
        text = data.decode("utf-8")
        loaded = json.loads(text)
        cells = loaded.get("cells") if isinstance(loaded, dict) else None
        if isinstance(cells, list) and len(cells) > MAX_CELLS:
            raise NotebookError(f"{name} has {len(cells)} cells, more than {MAX_CELLS} "
                                f"(hand in the assignment's notebook)")
        if isinstance(cells, list) and any(isinstance(c, dict) and c.get("outputs")
                                           for c in cells):
            # Outputs are never graded, and nbformat's validation of many invalid ones
            # builds error trees of gigabytes: they are dropped before it runs.
            for cell in cells:
                if isinstance(cell, dict) and "outputs" in cell:
                    cell["outputs"] = []
            text = json.dumps(loaded)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # missing cell ids and other harmless warnings
            nb = nbformat.reads(text, as_version=4)
        problem = _structure_problem(nb)
    except NotebookError:
        raise
    except Exception as exc:  # noqa: BLE001 - any failure to parse is the file's
        problem = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
    if problem:
        raise NotebookError(f"{name} is not a readable Jupyter notebook ({problem})")
    return nb


def read(path: Path) -> nbformat.NotebookNode:
    return parse(read_bytes(path), path.name)


def grade_id(cell) -> str | None:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    gid = meta.get("grade_id") if isinstance(meta, dict) else None
    return gid if isinstance(gid, str) and gid else None


def _nbgrader(cell) -> dict:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return meta if isinstance(meta, dict) else {}


def _normal(source: str) -> str:
    return "\n".join(line.rstrip() for line in source.strip().splitlines())


def python_source(source: str) -> str:
    """Cell text with IPython syntax (magics, ``!cmd``) turned into plain Python."""
    from IPython.core.inputtransformer2 import TransformerManager

    try:
        return TransformerManager().transform_cell(source)
    except Exception:  # leave it; the child reports the SyntaxError as the student's
        return source


def defines(source: str, function: str) -> bool:
    """Whether a cell defines ``function`` at its top level, read without running
    IPython's transformer here (that is the student's work: it runs in the child)."""
    pattern = rf"^(?:async[ \t]+)?def[ \t]+{re.escape(function)}[ \t]*\("
    return re.search(pattern, source[:MAX_ANSWER_CHARS], re.MULTILINE) is not None


@dataclass
class SourceNotebook:
    """The instructor's notebook: the only trusted place for setup and test cells."""

    cells: dict[str, dict]  # grade_id -> cell
    order: list[str]

    @classmethod
    def load(cls, path: Path) -> SourceNotebook:
        nb = read(path)
        cells, order = {}, []
        for cell in nb.cells:
            gid = grade_id(cell)
            if gid:
                cells[gid] = cell
                order.append(gid)
        return cls(cells, order)

    def code(self, gid: str) -> str:
        return python_source(self.cells[gid].source)

    def points(self, gid: str) -> float:
        return float(_nbgrader(self.cells[gid]).get("points", 0))


@dataclass
class Extraction:
    answers: list[tuple[str, str]] = field(default_factory=list)  # (cell id, python code)
    flags: list[dict] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # functions with no answer cell at all


def extract(nb, source: SourceNotebook, assignment: Assignment) -> Extraction:
    """The submission's answer cells by grade_id, and flags for any structural change.

    Raises NotebookError when the answer cells hold more code than MAX_ANSWER_CHARS.
    """
    out = Extraction()
    by_id: dict[str, list] = {}
    answer_ids = {task.function for task in assignment.tasks}
    for cell in nb.cells:
        gid = grade_id(cell)
        if gid in answer_ids and cell.cell_type != "code":
            out.flags.append({"kind": "tampering", "detail": f"a {cell.cell_type} cell claims "
                                                             f"grade_id {gid} (not run)"})
        elif gid:
            by_id.setdefault(gid, []).append(cell)

    def flag(detail):  # grade ids are the student's text
        out.flags.append({"kind": "tampering", "detail": safe_text(detail)})

    for gid in source.order:
        copies = by_id.get(gid, [])
        trusted = source.cells[gid]
        if gid in answer_ids:
            continue  # handled below, in notebook order
        if not copies:
            flag(f"cell {gid} was deleted")
            continue
        if len(copies) > 1:
            flag(f"cell {gid} appears {len(copies)} times")
        if any(_normal(c.source) != _normal(trusted.source) for c in copies):
            flag(f"cell {gid} was edited")
        if any(
            any(_nbgrader(c).get(k) != _nbgrader(trusted).get(k) for k in METADATA_KEYS)
            for c in copies
        ):
            flag(f"the nbgrader metadata of cell {gid} was changed")
    unknown = [gid for gid in by_id if gid not in source.cells]
    if unknown:  # named briefly: a notebook may hold thousands of made-up ids
        names = ", ".join(gid[:40] for gid in unknown[:5]) + (", ..." if len(unknown) > 5 else "")
        flag(f"cell {names} is not in the assignment" if len(unknown) == 1 else
             f"{len(unknown)} cells are not in the assignment ({names})")

    for task in assignment.tasks:
        copies = by_id.get(task.function, [])
        if len(copies) > 1:
            flag(f"answer cell {task.function} appears {len(copies)} times (all copies run)")
        if copies and any(
            _nbgrader(c).get(k) != _nbgrader(source.cells[task.function]).get(k)
            for c in copies
            for k in METADATA_KEYS
        ):
            flag(f"the nbgrader metadata of answer cell {task.function} was changed")
        if not copies:
            copies = [
                c for c in nb.cells
                if c.cell_type == "code" and not grade_id(c) and defines(c.source, task.function)
            ]
            if copies:
                flag(f"answer cell {task.function} lost its nbgrader metadata (found by its def)")
            else:
                out.missing.append(task.function)
        for cell in copies:
            out.answers.append((task.function, cell))

    if any(MARKERS.search(cell.source) for cell in nb.cells):
        out.flags.append({"kind": "solution", "detail": "the notebook holds nbgrader's solution "
                          "or hidden-test markers, which no student version has: it may be "
                          "built from the instructor's source notebook"})
    size = sum(len(cell.source) for _, cell in out.answers)
    if size > MAX_ANSWER_CHARS:
        raise NotebookError(f"its answer cells hold {size:,} characters of code, more than the "
                            f"{MAX_ANSWER_CHARS:,} the grader accepts")
    # Run answers in the order they appear in the submission, as the student ran them.
    position = {id(cell): i for i, cell in enumerate(nb.cells)}
    out.answers.sort(key=lambda pair: position[id(pair[1])])
    # The raw text: the child, in its jail, turns IPython syntax into Python.
    out.answers = [(gid, cell.source) for gid, cell in out.answers]
    return out


def code_digest(code: str) -> str:
    """A digest of answer code that ignores comment lines, blank lines and trailing spaces,
    so two students whose code differs only by those get the same one (linear in the
    code's length; the code is never parsed here)."""
    import hashlib

    kept = (line.rstrip() for line in code.splitlines())
    text = "\n".join(line for line in kept if line and not line.lstrip().startswith("#"))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]
