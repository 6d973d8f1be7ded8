"""Running a committed notebook as shipped, for the tests that need it (lessons, sources).

    notebook, seconds = execute_timed(path)   # fresh kernel, one BLAS thread, in its folder
    dirty_cells(nbformat.read(path, 4))       # indices of code cells that kept outputs
    text = output_text(notebook)              # what the executed code cells printed
    prose_numbers(notebook)                   # [(cell index, number as typed)] in the prose
    agrees_with_output("97%", text)           # is it printed there, or does it round from it?
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient


def execute_timed(path: Path, timeout: int = 120):
    """Execute `path` top to bottom; return (executed notebook, seconds).

    Raises CellExecutionError, naming the cell, on any error. The kernel gets one BLAS
    thread: the course's matrices are small, and a second thread that spin-waits on a busy
    2-core machine made training up to 100x slower.
    """
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    saved = {k: os.environ.get(k) for k in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")}
    os.environ.update(dict.fromkeys(saved, "1"))
    try:
        start = time.perf_counter()
        client.execute()
        seconds = time.perf_counter() - start
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    print(f"{path.name}: executed in {seconds:.1f} s")
    return notebook, seconds


def dirty_cells(notebook) -> list[int]:
    """Indices of code cells committed with outputs or an execution count."""
    return [i for i, cell in enumerate(notebook.cells) if cell.cell_type == "code"
            and (cell.outputs or cell.execution_count is not None)]


WIDGET = "application/vnd.jupyter.widget-view+json"


def output_text(notebook) -> str:
    """The text the executed code cells printed or returned (streams, and the text/plain of
    results and displays), one output per line; a widget's repr is not text a reader sees."""
    parts = []
    for cell in notebook.cells:
        for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
            if out.output_type == "stream":
                parts.append(out.text)
            elif "data" in out and WIDGET not in out.data and "text/plain" in out.data:
                parts.append(out.data["text/plain"])
    return "\n".join(parts)


# a number as typed: 7, 0.0506, 1,000, 95.4%, +1.9 (not part of a word, a name or a version)
_NUMBER = re.compile(r"(?<![\w.])[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?%?(?![\w])"
                     r"|(?<![\w.])[-+]?\d+(?:\.\d+)?%?(?![\w])")
_NOT_PROSE = [
    re.compile(r"\$\$.*?\$\$", re.S),               # display maths: formulas, not claims
    re.compile(r"`[^`]*`"),                           # code
    re.compile(r"\]\([^)]*\)"),                      # a link's target
    re.compile(r"<[^>]*>"),                           # HTML tags
    re.compile(r"^#+ .*$", re.M),                     # headings and their section numbers
    re.compile(r"^\s*\d+\.\s", re.M),                 # the numbers of a numbered list
    re.compile(r"[_^]\{[^}]*\}|[_^]\w"),              # sub- and superscripts in maths
]


def prose_numbers(notebook) -> list[tuple[int, str]]:
    """(cell index, number as typed) for each number in the markdown cells, leaving out
    display maths, code, links' targets, HTML tags, headings, list numbers and the sub-
    and superscripts of inline maths (the layer index in $W^{[2]}$ is not a claim)."""
    found = []
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "markdown":
            continue
        text = cell.source
        for pattern in _NOT_PROSE:
            text = pattern.sub(" ", text)
        found += [(index, match.group(0)) for match in _NUMBER.finditer(text)]
    return found


def _parse(token):
    """(absolute value, decimals, is a percentage) of a number as typed."""
    percent = token.endswith("%")
    digits = token.rstrip("%").lstrip("+-").replace(",", "")
    decimals = len(digits.split(".")[1]) if "." in digits else 0
    return float(digits), decimals, percent


def agrees_with_output(typed: str, text: str) -> bool:
    """Is the number `typed` in `text`, or a number there with at least as many decimals
    that rounds to it? A percentage only matches a percentage; signs are ignored."""
    value, decimals, percent = _parse(typed)
    for token in _NUMBER.findall(text):
        shown, shown_decimals, shown_percent = _parse(token)
        if shown_percent == percent and shown_decimals >= decimals and \
                abs(round(shown, decimals) - value) < 10 ** -(decimals + 6):
            return True
    return False
