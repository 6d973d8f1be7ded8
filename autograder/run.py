"""One grading run: everything that stays the same for every submission.

:meth:`Run.prepare` checks the source notebook against the assignment's checks, builds the
run's library (tripwired ``course``, the child's harness), starts a trial child to choose
the jail (:mod:`autograder.sandbox`) and computes the fingerprint that decides whether a
cached result still stands.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.metadata
import os
import platform
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from autograder import ledger, notebook, sandbox
from autograder.folders import CourseFolder
from autograder.spec import Assignment, drivers_source, load


@dataclass
class Run:
    """Everything that stays the same for every submission of one grading run."""

    course: Path
    assignment: Assignment
    source: notebook.SourceNotebook
    sandbox: sandbox.Sandbox
    lib_template: Path
    limits: sandbox.Limits
    timeout: float
    warnings: list[str] = field(default_factory=list)
    drivers: str = ""  # the assignment's drivers.py, sent to the child as text
    seed_key: bytes = b""  # the course's secret part of every seed (ledger.seed_key)
    fingerprint: str = ""  # of every grading input but the submission (_fingerprint)

    @classmethod
    def prepare(cls, course: Path, name: str, timeout: float = 30.0, isolation: str = "auto",
                memory_bytes: int = 2**30) -> Run:
        assignment = load(name)
        path = CourseFolder.of(course).source_notebook(name, assignment.notebook)
        if not path.exists():
            raise FileNotFoundError(f"the source notebook {path} does not exist")
        source = notebook.SourceNotebook.load(path)
        for task in assignment.tasks:
            for gid in (task.function, task.test_cell):
                if gid not in source.cells:
                    raise ValueError(f"the source notebook has no cell with grade_id {gid!r}")
            if abs(source.points(task.test_cell) - task.points) > 1e-9:
                raise ValueError(
                    f"cell {task.test_cell} is worth {source.points(task.test_cell)} points "
                    f"in the source notebook but its hidden checks add up to {task.points}"
                )
        sandbox.remove_stale_folders()
        run_dir = Path(tempfile.mkdtemp(prefix=f"autograder-run-{os.getpid()}-"))
        try:
            template = run_dir / "lib"
            targets = [t for task in assignment.tasks for t in task.tripwires]
            warnings = sandbox.build_library(template, targets)
            limits = sandbox.Limits(memory_bytes=memory_bytes, cpu_seconds=int(timeout) + 2)
            box = sandbox.prepare(run_dir, template, isolation)
        except BaseException:
            shutil.rmtree(run_dir, ignore_errors=True)
            raise
        run = cls(course, assignment, source, box, template, limits, timeout, warnings,
                  drivers_source(name), ledger.seed_key(course))
        run.fingerprint = run._fingerprint()
        return run

    def _fingerprint(self) -> str:
        """A hash of everything that decides a submission's grade besides the file itself.

        The assignment's checks, references and drivers (its package), shared helpers,
        the source notebook's setup and visible test cells, the child's harness and the
        library copy it imports (course, tripwired), the grader's own code, the version,
        the time budget and every limit, the jail's level and packages, and the versions of
        Python, NumPy and nbformat. A
        cached result is kept only under the same fingerprint, so editing any of these
        regrades, even if nobody bumped ``Assignment.version``.
        """
        versions = {name: importlib.metadata.version(name) for name in ("numpy", "nbformat")}
        digest = hashlib.sha256(f"{self.assignment.version}\0{self.timeout!r}\0"
                                f"{self.limits.fingerprint()}\0{self.sandbox.level}\0"
                                f"{self.sandbox.mounts.site_entries}\0{versions}\0"
                                f"{platform.python_version()}".encode())
        package = Path(importlib.import_module(
            f"autograder.assignments.{self.assignment.name}").__file__).parent
        files = sorted(package.rglob("*.py")) + sorted(package.parent.glob("*.py"))
        files += sorted(Path(__file__).parent.glob("*.py"))  # the grader: how it judges
        files += sorted(p for p in self.lib_template.rglob("*") if p.is_file())
        for path in files:
            digest.update(f"\0{path.name}\0".encode() + path.read_bytes())
        for gid in (*self.assignment.setup_cells, *(t.test_cell for t in self.assignment.tasks)):
            digest.update(f"\0{gid}\0{self.source.code(gid)}".encode())
        return digest.hexdigest()

    def close(self):
        relay = self.lib_template.parent / "relay"
        if relay.is_symlink():
            shutil.rmtree(relay.resolve(), ignore_errors=True)
        shutil.rmtree(self.lib_template.parent, ignore_errors=True)
