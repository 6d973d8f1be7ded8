"""Does `make lab` (python -m course.lab) open a JupyterLab whose formgrader sees the course?

nbgrader's formgrader reads nbgrader_config.py from the folder the server was started in;
started in the project root it showed an empty course. The server here is started on a
copy of the project, exactly as `make lab` starts it, and asked through its REST API.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from course.lab import lab_command

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted(p.name for p in (ROOT / "assignments" / "source").iterdir() if p.is_dir())


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get_json(url):
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.loads(response.read())


@pytest.mark.slow
def test_make_lab_serves_the_lessons_and_formgrader_sees_every_assignment(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(ROOT / "lessons", project / "lessons")
    shutil.copytree(ROOT / "assignments" / "source", project / "assignments" / "source")
    shutil.copy(ROOT / "assignments" / "nbgrader_config.py", project / "assignments")
    port, token = free_port(), secrets.token_hex(16)
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"),
               JUPYTERLAB_WORKSPACES_DIR=str(tmp_path / "workspaces"))
    log = open(tmp_path / "lab.log", "w")  # noqa: SIM115 - closed below
    server = subprocess.Popen(
        [sys.executable, "-m", "course.lab", "--project", str(project), "--no-browser",
         "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
         f"--IdentityProvider.token={token}", "--ServerApp.open_browser=False"],
        cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            assert server.poll() is None, (tmp_path / "lab.log").read_text()[-3000:]
            try:
                get_json(f"{base}/api/status?token={token}")
                break
            except OSError:
                assert time.monotonic() < deadline, "JupyterLab did not answer within 90 s"
                time.sleep(0.3)
        lessons = get_json(f"{base}/api/contents/lessons?token={token}")
        assert {c["name"] for c in lessons["content"]} >= {"01_parameters_vs_hyperparameters.ipynb",
                                                           "playground.ipynb"}
        # A lesson's link ../assignments/... resolves inside the server's root.
        source = get_json(f"{base}/api/contents/assignments/source?token={token}")
        assert sorted(c["name"] for c in source["content"]) == SOURCES
        assignments = get_json(f"{base}/formgrader/api/assignments?token={token}")
        assert sorted(a["name"] for a in assignments) == SOURCES
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def test_a_folder_that_is_not_the_course_is_refused_with_what_to_do(tmp_path):
    with pytest.raises(ValueError, match="is not a copy of the course: it needs lessons/ and "
                                         "assignments/nbgrader_config.py"):
        lab_command(tmp_path)
    folder, argv = lab_command(ROOT, ["--no-browser"])
    assert folder == ROOT / "assignments"
    assert f"--ServerApp.root_dir={ROOT}" in argv and argv[-1] == "--no-browser"
