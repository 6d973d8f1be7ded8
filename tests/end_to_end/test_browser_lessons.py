"""Does every lesson work for a student in a real browser: run all, move a slider, see a change?

For each lessons/*.ipynb (new lessons are picked up automatically) the test
1) copies the lesson to a temporary folder (so autosave never touches the real file),
2) starts a fresh JupyterLab on 127.0.0.1 with a random token and its own settings and
   workspace folders (news pop-up off), by `subprocess.Popen`, stopped by that PID;
3) drives Debian's Chromium through Playwright: opens the lesson with `?reset`, waits
   for the kernel ("Python 3 (ipykernel) | Idle" in the status bar), runs all cells from
   the Run menu, waits until every code cell has run and checks that none printed a
   traceback;
4) clicks the first slider's handle, presses ArrowRight, and waits until the picture in
   that output changes; the output area's screenshots before and after must differ.
Screenshots are saved under the test's tmp_path.

Without a `chromium` on PATH the test is skipped, unless the environment variable CI is
set: then a missing browser is a failure.
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

ROOT = Path(__file__).resolve().parents[2]
LESSONS = sorted((ROOT / "lessons").glob("*.ipynb"))
IDLE_TEXT = "Python 3 (ipykernel) | Idle"

pytestmark = pytest.mark.browser


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_user_settings(settings_dir):
    """Turn off the news pop-up and update checks for this server only."""
    target = settings_dir / "@jupyterlab" / "apputils-extension"
    target.mkdir(parents=True)
    (target / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False})
    )


@pytest.fixture
def lab(tmp_path):
    """A fresh JupyterLab serving a copy of the lessons; yields (base_url, token, folder)."""
    folder = tmp_path / "lessons"
    folder.mkdir()
    for lesson in LESSONS:
        shutil.copy(lesson, folder / lesson.name)
    settings = tmp_path / "settings"
    write_user_settings(settings)
    port, token = free_port(), secrets.token_hex(16)
    env = dict(os.environ,
               JUPYTERLAB_SETTINGS_DIR=str(settings),
               JUPYTERLAB_WORKSPACES_DIR=str(tmp_path / "workspaces"),
               JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"),
               OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    command = [
        sys.executable, "-m", "jupyter", "lab", "--no-browser",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
        f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={folder}",
        "--ServerApp.open_browser=False", "--LabApp.news_url=",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    log = open(tmp_path / "jupyterlab.log", "w")  # noqa: SIM115 - closed below
    server = subprocess.Popen(command, cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                pytest.fail(f"JupyterLab exited: see {tmp_path / 'jupyterlab.log'}")
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("JupyterLab did not answer within 60 s")
                time.sleep(0.25)
        yield base, token, folder
    finally:
        server.terminate()  # by its own PID: it shuts its kernels down
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def code_cells_done_js():
    """JS predicate: every code cell shows an execution count and none is waiting ([*])."""
    return """() => {
        const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')];
        return prompts.length > 0 &&
               prompts.every(p => /\\[\\d+\\]/.test(p.textContent));
    }"""


@pytest.mark.parametrize("lesson", LESSONS, ids=[p.stem for p in LESSONS])
def test_run_all_then_a_slider_changes_the_picture(lesson, chromium, chromium_flags, lab,
                                                   tmp_path):
    from playwright.sync_api import expect, sync_playwright

    base, token, _ = lab
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=chromium_flags)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"{base}/lab/tree/{lesson.name}?reset&token={token}")
            status = page.locator(".jp-StatusBar-Widget", has_text=IDLE_TEXT).first
            expect(status).to_be_visible(timeout=90_000)

            page.locator(".lm-MenuBar-item", has_text="Run").first.click()
            page.locator('li[data-command="runmenu:run-all"]').click()
            page.wait_for_function(code_cells_done_js(), timeout=120_000, polling=250)
            expect(status).to_be_visible(timeout=120_000)
            tracebacks = page.locator(
                '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]',
                has_text="Traceback",
            )
            assert tracebacks.count() == 0, tracebacks.first.inner_text()[:2000]

            handle = page.locator(".widget-slider .noUi-handle").first
            expect(handle).to_be_visible(timeout=30_000)
            output = handle.locator(
                "xpath=ancestor::div[contains(concat(' ', @class, ' '), ' jp-OutputArea-output ')]"
            ).first
            image = output.locator("img").first
            expect(image).to_be_visible(timeout=30_000)
            output.scroll_into_view_if_needed()
            page.wait_for_timeout(300)  # let a streamed first picture settle (max 0.3 s)
            before_src = image.get_attribute("src")
            before = output.screenshot(path=str(tmp_path / f"{lesson.stem}-before.png"))

            readout = output.locator(".widget-readout").first
            before_value = readout.inner_text() if readout.count() else None
            handle.click()
            handle.press("ArrowRight")
            if before_value is not None:
                expect(readout).not_to_have_text(before_value, timeout=10_000)
            page.wait_for_function(
                "([img, src]) => img.getAttribute('src') !== src",
                arg=[image.element_handle(), before_src], timeout=30_000, polling=100,
            )
            page.wait_for_timeout(500)  # let a streamed picture finish drawing
            after = output.screenshot(path=str(tmp_path / f"{lesson.stem}-after.png"))
            assert after != before, "the output looked the same after moving the slider"
        finally:
            browser.close()
