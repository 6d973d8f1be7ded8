"""Open the course in JupyterLab, the way `make lab` does.

    python -m course.lab [--project DIR] [any jupyter lab option ...]

The server's root is the project folder, so every link between lessons and assignments
works, and it opens on lessons/. Its working folder is the project's assignments/, the
nbgrader course: nbgrader's formgrader and Assignments tab read `nbgrader_config.py`
from the folder the server was started in, so started anywhere else they would show an
empty course. Notebooks still run in their own folders (Jupyter starts each kernel in its
notebook's folder). Options after --project go to `jupyter lab` unchanged (--no-browser,
--port=8888, ...).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parents[1]


def lab_command(project, extra=()):
    """(working folder, argv) that start JupyterLab on `project` (see module docstring).

    Raises ValueError naming the folder when it is not a copy of the course.
    """
    project = Path(project).resolve()
    course = project / "assignments"
    if not (project / "lessons").is_dir() or not (course / "nbgrader_config.py").is_file():
        raise ValueError(f"{project} is not a copy of the course: it needs lessons/ and "
                         f"assignments/nbgrader_config.py. Run this from a checkout, or pass "
                         f"--project with the folder you cloned.")
    argv = [sys.executable, "-m", "jupyter", "lab", f"--ServerApp.root_dir={project}",
            "--LabApp.default_url=/lab/tree/lessons"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        argv.append("--allow-root")  # JupyterLab refuses root unless told it may
    return course, [*argv, *extra]


def split_project(args, default, program):
    """(project folder, the other args) from a command line that may start with
    --project DIR; ValueError naming `program` when the folder is missing."""
    if args[:1] != ["--project"]:
        return default, args
    if len(args) < 2:
        raise ValueError(f"{program}: --project needs a folder")
    return Path(args[1]), args[2:]


def main(args=None):
    args = list(sys.argv[1:] if args is None else args)
    try:
        project, args = split_project(args, CHECKOUT, "course.lab")
        folder, argv = lab_command(project, args)
    except ValueError as error:
        message = str(error)
        print(message if message.startswith("course.lab") else f"course.lab: {message}",
              file=sys.stderr)
        return 2
    os.chdir(folder)
    # nbgrader's own commands in JupyterLab's terminals come from this Python's folder.
    os.environ["PATH"] = os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")
    os.execv(argv[0], argv)
    return 0  # not reached: execv replaces this process


if __name__ == "__main__":
    sys.exit(main())
