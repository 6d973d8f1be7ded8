"""Start the playground app, the way `make playground` does.

    python -m course.app [--project DIR] [any voila option ...]

Voila serves lessons/playground.ipynb on 127.0.0.1 (port 8866 unless --port says
otherwise) without its code, and opens it in the browser (--no-browser to not). Every
visitor gets a kernel of their own, shut down two minutes after the tab is closed
(voila.json). Options after
--project go to voila unchanged.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from course.lab import split_project

CHECKOUT = Path(__file__).resolve().parents[2]
CONFIG = Path(__file__).resolve().parent  # holds voila.json
# JupyterLab extensions the page does not load: they fail outside JupyterLab (errors in
# the browser's console) and only slow the page down.
NOT_LOADED = ["@jupyter/nbgrader", "@jupyter-notebook/lab-extension",
              "@voila-dashboards/jupyterlab-preview"]


def voila_command(project, extra=()):
    """argv that starts Voila on the project's playground; ValueError if there is none."""
    page = Path(project).resolve() / "lessons" / "playground.ipynb"
    if not page.is_file():
        raise ValueError(f"{page} does not exist: {project} is not a copy of the course. Run "
                         "this from a checkout, or pass --project with the folder you cloned.")
    # Voila's own script, not `python -m voila`: -m would put the working folder first on
    # sys.path, so a stray bs4.py or numpy.py there would be imported by the server.
    script = Path(sys.executable).with_name("voila")
    start = [str(script)] if script.is_file() else [sys.executable, "-m", "voila"]
    return [*start, str(page),
            # Only this folder's voila.json: not the working folder's (a voila.py there
            # would run as code). It refuses requests whose Host is not this machine (DNS
            # rebinding), and shuts down a kernel two minutes after its page closed:
            # Voila 0.5's own shutdown request fails (voila-dashboards/voila#1458).
            f"--Voila.config_file_paths={CONFIG}", "--Voila.ip=127.0.0.1", "--theme=light",
            "--VoilaConfiguration.show_tracebacks=False",
            "--VoilaConfiguration.strip_sources=True",
            *(f"--VoilaConfiguration.extension_denylist={name}" for name in NOT_LOADED),
            *extra]


def main(args=None):
    args = list(sys.argv[1:] if args is None else args)
    if args[:1] in (["-h"], ["--help"]):
        print(__doc__.strip())
        return 0
    try:
        project, args = split_project(args, CHECKOUT, "course.app")
        argv = voila_command(project, args)
    except ValueError as error:
        message = str(error)
        print(message if message.startswith("course.app") else f"course.app: {message}",
              file=sys.stderr)
        return 2
    os.execv(argv[0], argv)
    return 0  # not reached: execv replaces this process


if __name__ == "__main__":
    sys.exit(main())
