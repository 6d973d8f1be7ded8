"""`make playground` = `python -m course.app`: the Voila command it runs, and its refusals."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from course.app.__main__ import CHECKOUT, NOT_LOADED, voila_command

ROOT = Path(__file__).resolve().parents[2]


def test_the_command_serves_the_playground_on_loopback_without_code_or_tracebacks():
    argv = voila_command(ROOT, ["--port=9000"])
    assert CHECKOUT == ROOT
    assert argv[1] == str(ROOT / "lessons" / "playground.ipynb")
    assert Path(argv[0]).name == "voila" or argv[1:3] == ["-m", "voila"]
    for option in ("--Voila.ip=127.0.0.1", "--VoilaConfiguration.strip_sources=True",
                   "--VoilaConfiguration.show_tracebacks=False"):
        assert option in argv
    assert [a.split("=", 1)[1] for a in argv if "extension_denylist" in a] == NOT_LOADED
    assert argv[-1] == "--port=9000"  # the user's options come last and win
    # Only the course's own voila.json, never the working folder's voila.py (code).
    assert [a for a in argv if "config_file_paths" in a] == [
        f"--Voila.config_file_paths={ROOT / 'course' / 'app'}"]
    config = json.loads((ROOT / "course" / "app" / "voila.json").read_text())
    assert config["Voila"]["tornado_settings"] == {"allow_remote_access": False}
    assert config["MappingKernelManager"]["cull_connected"] is False
    assert 0 < config["MappingKernelManager"]["cull_idle_timeout"] <= 600


def test_a_folder_without_the_playground_is_refused_by_name(tmp_path):
    done = subprocess.run([sys.executable, "-m", "course.app", "--project", str(tmp_path)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert str(tmp_path / "lessons" / "playground.ipynb") in done.stderr
    assert "--project with the folder you cloned" in done.stderr
    done = subprocess.run([sys.executable, "-m", "course.app", "--project"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "--project needs a folder" in done.stderr
