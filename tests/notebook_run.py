"""Running a committed notebook as shipped, for the tests that need it (lessons, sources).

    notebook, seconds = execute_timed(path)   # fresh kernel, one BLAS thread, in its folder
    dirty_cells(nbformat.read(path, 4))       # indices of code cells that kept outputs
"""

from __future__ import annotations

import os
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
