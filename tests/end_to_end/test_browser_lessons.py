"""Does every lesson work in a real browser: run all, move a control of every demo, see a change?

For each lessons/*.ipynb (new lessons are picked up automatically) the test
1) copies the lesson to a temporary folder (so autosave never touches the real file),
2) starts a fresh JupyterLab on 127.0.0.1 with a random token and its own settings and
   workspace folders (news pop-up off), by `subprocess.Popen`, stopped by that PID;
3) drives Debian's Chromium through Playwright: opens the lesson with `?reset`, waits
   for the kernel ("Python 3 (ipykernel) | Idle" in the status bar), runs all cells from
   the Run menu, waits until every code cell has run and checks that none printed a
   traceback;
4) for every demo (an output area with a picture and a control), moves one control as a
   person would (a slider's handle by the keyboard, else the next choice of a drop-down,
   else another of a row of toggle buttons) and waits until that demo's picture changes;
   the output area's screenshots before and after must differ.
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
    """Turn off the news pop-up and update checks for this server only, and render every
    cell: JupyterLab 4 leaves cells far from the view unrendered (windowing), so a demo
    near the top of a long notebook stayed invisible after "run all" scrolled to its end."""
    target = settings_dir / "@jupyterlab" / "apputils-extension"
    target.mkdir(parents=True)
    (target / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False})
    )
    notebook = settings_dir / "@jupyterlab" / "notebook-extension"
    notebook.mkdir(parents=True)
    (notebook / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))


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

            demos = page.locator(".jp-OutputArea-output").filter(
                has=page.locator("img")).filter(
                has=page.locator(".widget-slider, select, .widget-toggle-buttons"))
            count = demos.count()
            assert count >= 1, "no demo (a picture with a control) in the lesson"
            for k in range(count):
                move_one_control(page, demos.nth(k), tmp_path / f"{lesson.stem}-demo{k}")
        finally:
            browser.close()


def move_one_control(page, output, shots):
    """Move one control of the demo in `output` and wait for its picture to change."""
    from playwright.sync_api import expect

    image = output.locator("img").first
    output.scroll_into_view_if_needed()
    image.scroll_into_view_if_needed()
    expect(image).to_be_visible(timeout=30_000)
    page.wait_for_timeout(300)  # let a streamed first picture settle
    before_src = image.get_attribute("src")
    before = output.screenshot(path=f"{shots}-before.png")
    handle = output.locator(".widget-slider .noUi-handle").first
    select = output.locator("select").first
    toggles = output.locator(".widget-toggle-buttons button:not(.mod-active)")
    if handle.count():
        readout = output.locator(".widget-readout").first
        before_value = readout.inner_text() if readout.count() else None
        handle.click()
        handle.press("ArrowRight")
        if before_value is not None:
            try:
                expect(readout).not_to_have_text(before_value, timeout=3_000)
            except AssertionError:  # at the slider's right end: step left instead
                handle.press("ArrowLeft")
                handle.press("ArrowLeft")
                expect(readout).not_to_have_text(before_value, timeout=10_000)
    elif select.count():
        options = select.locator("option")
        current = select.input_value()
        values = [options.nth(i).get_attribute("value") for i in range(options.count())]
        select.select_option(next(v for v in values if v != current))
    else:
        toggles.first.click()
    page.wait_for_function(
        "([img, src]) => img.getAttribute('src') !== src",
        arg=[image.element_handle(), before_src], timeout=30_000, polling=100,
    )
    page.wait_for_timeout(500)  # let a streamed picture finish drawing
    after = output.screenshot(path=f"{shots}-after.png")
    assert after != before, f"{shots.name}: the demo looked the same after a control moved"
    # Shown undistorted (a taller widget beside it once stretched the network-shape
    # picture) and sharp: drawn with at least as many pixels as it takes on screen.
    shown = image.evaluate("img => [img.clientWidth, img.clientHeight, img.naturalWidth, "
                           "img.naturalHeight]")
    width, height, natural_width, natural_height = shown
    assert abs(width / height - natural_width / natural_height) < 0.02 * width / height, shown
    assert natural_width >= width, shown
