"""A class on a real JupyterHub, end to end, in Debian's Chromium.

The hub is the one `make hub` starts (deploy/: JupyterHub from PyPI, configurable-http-proxy
from npm), on free loopback ports, with its state in the test's tmp_path: one instructor and
two students, alice and bob. The test follows the round trip of README's "Instructor's guide:
a JupyterHub class":

1. the instructor releases sampling_scales: `autograder release sampling_scales`, then
   `nbgrader release_assignment sampling_scales`, in the terminal environment of their
   server on this hub (HOME, nbgrader's global config, started in the course copy);
2. each student logs in on the hub's login page, opens Nbgrader > Assignment List, fetches
   the assignment, opens the notebook from the list, rewrites the effective_window answer
   cell (alice with the solution from the source notebook, bob with 1 - beta), presses
   Validate in the notebook's toolbar (bob's visible test fails, alice's passes) and submits
   from the Assignments tab;
3. the instructor runs `nbgrader collect`, `autograder grade`, `autograder feedback` and
   `nbgrader release_feedback`;
4. each student refreshes the Assignments tab, presses Fetch Feedback, follows "(view
   feedback)" to the fetched page, opens it in JupyterLab and reads the score. Each page
   names its own student only, each student fetched exactly one page, alice's score is
   above bob's, and alice's browser is refused bob's server.

Every process is stopped at the end, pass or fail: the hub by its PID (it stops the proxy
and the single-user servers), then anything of its process tree still alive.

Without chromium, node's configurable-http-proxy (`make hub` or .ci/run installs it in
deploy/proxy/) or jupyterhub (the `hub` extra), the test is skipped, unless the
environment variable CI is set: then it fails, so CI never passes by skipping it.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import secrets
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from deploy.hub import (
    COURSE_ID,
    INSTRUCTOR_PASSWORD,
    STUDENT_PASSWORD,
    find_proxy,
    free_port,
    hub_command,
    hub_environment,
    prepare,
)

ROOT = Path(__file__).resolve().parents[2]
ASSIGNMENT = "sampling_scales"
FUNCTION = "effective_window"
INSTRUCTOR = "instructor"
WRONG_ANSWER = '''def effective_window(beta):
    """Approximate number of steps averaged by an exponentially weighted average."""
    return 1.0 - np.asarray(beta, dtype=float)'''
VISIBLE_FAILURE = "the window grows as beta grows"  # the visible test bob's answer fails
SCORE = re.compile(r"Score: ([\d.]+) / ([\d.]+)")

pytestmark = [pytest.mark.hub, pytest.mark.browser, pytest.mark.slow]


def _needed(message):
    if os.environ.get("CI"):
        pytest.fail(message + "; CI must have it (.ci/run installs it)")
    pytest.skip(message)


@pytest.fixture(scope="module")
def proxy():
    path = find_proxy()
    if path is None:
        _needed("configurable-http-proxy is not installed (make hub runs npm install in "
                "deploy/proxy/; needs node and npm)")
    if importlib.util.find_spec("jupyterhub") is None:
        _needed("jupyterhub is not installed (pip install -e '.[hub]')")
    return path


def solution(name: str, function: str) -> str:
    """The source notebook's answer to `function`, as a student would type it."""
    nb = nbformat.read(str(ROOT / "assignments" / "source" / name / f"{name}.ipynb"), 4)
    cell = next(c for c in nb.cells
                if c.metadata.get("nbgrader", {}).get("grade_id") == function)
    return re.sub(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*\n?", "", cell.source, flags=re.M).rstrip()


def _process_tree(pid: int) -> list[tuple[int, str]]:
    """(pid, start time) of `pid`'s descendants, read from /proc: the start time tells a
    process from a later one that reuses its PID."""
    children: dict[int, list[int]] = {}
    started: dict[int, str] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        child = int(stat.parent.name)
        children.setdefault(int(fields[1]), []).append(child)
        started[child] = fields[19]
    tree, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            tree.append((child, started[child]))
            todo.append(child)
    return tree


def _kill_if_same(pid: int, start: str) -> None:
    try:
        if Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19] == start:
            os.kill(pid, signal.SIGKILL)
    except (OSError, IndexError):
        pass  # already gone


class Hub:
    """The running hub: its address, its state folder, the passwords, and the instructor's
    terminal (run())."""

    def __init__(self, base, layout, env, log):
        self.base, self.layout, self.env, self.log = base, layout, env, log
        self.timings: dict[str, float] = {}

    def password(self, user):
        return self.env[INSTRUCTOR_PASSWORD if user == INSTRUCTOR else STUDENT_PASSWORD]

    def run(self, *command, timeout=300):
        """A command in the instructor's terminal on this hub; its output on failure."""
        done = subprocess.run(command, cwd=self.layout.start_folder(INSTRUCTOR),
                              env=self.layout.terminal_environment(INSTRUCTOR),
                              capture_output=True, text=True, timeout=timeout)
        assert done.returncode == 0, (f"{' '.join(command)} exited {done.returncode}:\n"
                                      f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
        return done.stdout + done.stderr


@pytest.fixture
def hub(tmp_path, proxy):
    """A hub from deploy/ on free loopback ports, state in tmp_path; stopped afterwards."""
    layout = prepare(tmp_path / "state", INSTRUCTOR, ["alice", "bob"],
                     course_source=ROOT / "assignments")
    env = hub_environment(layout, proxy)
    env[STUDENT_PASSWORD] = secrets.token_urlsafe(12)
    env[INSTRUCTOR_PASSWORD] = secrets.token_urlsafe(32)
    port = free_port()
    log_path = tmp_path / "jupyterhub.log"
    log = open(log_path, "w")  # noqa: SIM115 - closed below
    started = time.monotonic()
    process = subprocess.Popen(hub_command("127.0.0.1", port, free_port(), free_port()),
                               cwd=layout.hub_dir, env=env, stdout=log,
                               stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    running = Hub(base, layout, env, log_path)
    try:
        deadline = started + 60
        while True:
            assert process.poll() is None, log_path.read_text()[-4000:]
            try:
                with urllib.request.urlopen(f"{base}/hub/api", timeout=2) as reply:
                    assert "version" in json.loads(reply.read())
                    break
            except OSError:
                assert time.monotonic() < deadline, "JupyterHub did not answer within 60 s"
                time.sleep(0.2)
        running.timings["hub start"] = time.monotonic() - started
        yield running
    finally:
        tree = _process_tree(process.pid)
        process.terminate()  # the hub stops the proxy and every user's server
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        for pid, start in tree:  # what the hub did not stop (kernels of a hung server...)
            _kill_if_same(pid, start)
        log.close()
        # Shown by pytest when the test failed: the end of the hub's and servers' log.
        print(f"{log_path}, last lines:\n" + "\n".join(log_path.read_text().splitlines()[-40:]))


def log_in(browser, hub, user):
    """A browser context of its own (its own cookies), logged in through the hub's login
    page, with the user's JupyterLab loaded."""
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(f"{hub.base}/hub/login")
    page.fill("#username_input", user)
    page.fill("#password_input", hub.password(user))
    page.click("#login_submit")
    page.wait_for_url(f"**/user/{user}/lab**", timeout=150_000)
    expect(page.locator(".lm-MenuBar-item", has_text="Nbgrader")).to_be_visible(timeout=90_000)
    return page


def open_assignments(page):
    """Nbgrader > Assignment List; returns the Assignments tab, its lists loaded."""
    from playwright.sync_api import expect

    page.locator(".lm-MenuBar-item", has_text="Nbgrader").click()
    page.locator('li[data-command="nbgrader:open-assignment-list"]').click()
    panel = page.locator("#nbgrader-assignment-list")
    expect(panel.locator("#released_assignments_list_loading")).to_be_hidden(timeout=30_000)
    return panel


def fetch_answer_validate_submit(page, user, answer, shots):
    """The student's side before grading; returns the Validate dialog's text."""
    from playwright.sync_api import expect

    panel = open_assignments(page)
    released = panel.locator("#released_assignments_list .list_item", has_text=ASSIGNMENT)
    released.get_by_role("button", name="Fetch").click()
    fetched = panel.locator("#fetched_assignments_list .list_item", has_text=ASSIGNMENT).first
    expect(fetched).to_be_visible(timeout=60_000)
    fetched.locator("a.assignment-notebooks-link").click()
    fetched.locator(".assignment-notebooks a", has_text=ASSIGNMENT).click()

    cell = page.locator(".jp-Notebook .jp-CodeCell", has_text=f"def {FUNCTION}").first
    expect(cell).to_be_visible(timeout=60_000)
    cell.locator(".cm-content").click()
    page.keyboard.press("Control+a")  # the whole cell: the editor has the focus
    page.keyboard.insert_text(answer)
    expect(cell.locator(".cm-content")).to_contain_text(answer.splitlines()[-1].strip())
    toolbar = page.locator(".jp-NotebookPanel-toolbar")
    toolbar.get_by_role("button", name="Validate").click()  # saves, then validates
    message = page.locator("#validation-message")
    expect(message).to_be_visible(timeout=120_000)
    text = message.inner_text()
    page.screenshot(path=str(shots / f"{user}-validate.png"))
    page.locator(".jp-Dialog").get_by_role("button", name="Ok").click()

    panel = open_assignments(page)
    fetched = panel.locator("#fetched_assignments_list .list_item", has_text=ASSIGNMENT).first
    fetched.get_by_role("button", name="Submit").click()
    submitted = panel.locator("#submitted_assignments_list .list_item", has_text=ASSIGNMENT)
    expect(submitted.first).to_be_visible(timeout=60_000)
    return text


def fetch_feedback_and_read_score(page, user, shots):
    """Fetch Feedback from the Assignments tab, open the fetched page in JupyterLab and
    return its text."""
    from playwright.sync_api import expect

    panel = open_assignments(page)
    panel.locator("#refresh_assignments_list").click()
    submitted = panel.locator("#submitted_assignments_list > .list_item", has_text=ASSIGNMENT)
    expect(submitted).to_contain_text("(feedback available to fetch)", timeout=60_000)
    expect(submitted).to_have_count(1)  # their own submission, nobody else's
    submitted.get_by_role("button", name="Fetch Feedback").click()
    view = panel.locator("#submitted_assignments_list a", has_text="(view feedback)")
    expect(view).to_be_visible(timeout=60_000)
    view.click()  # the file browser goes to the feedback folder
    item = page.locator(".jp-DirListing-item", has_text=f"{ASSIGNMENT}.html")
    expect(item).to_be_visible(timeout=30_000)
    item.dblclick()
    viewer = page.frame_locator(".jp-HTMLViewer iframe").first
    score = viewer.locator("strong", has_text="Score:")
    expect(score).to_be_visible(timeout=30_000)
    page.screenshot(path=str(shots / f"{user}-feedback.png"))
    return viewer.locator("body").inner_text()


def test_a_class_round_trip_through_jupyterhub(hub, chromium, chromium_flags, tmp_path):
    from playwright.sync_api import sync_playwright

    answers = {"alice": solution(ASSIGNMENT, FUNCTION), "bob": WRONG_ANSWER}
    timings = hub.timings
    started = time.monotonic()

    def lap(name, since):
        timings[name] = time.monotonic() - since
        return time.monotonic()

    now = time.monotonic()
    hub.run("autograder", "release", ASSIGNMENT)
    hub.run("nbgrader", "release_assignment", ASSIGNMENT)
    now = lap("instructor releases", now)

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=chromium_flags)
        try:
            pages, validation = {}, {}
            for user, answer in answers.items():
                pages[user] = log_in(browser, hub, user)
                now = lap(f"{user} logs in (server spawned)", now)
                validation[user] = fetch_answer_validate_submit(pages[user], user, answer,
                                                                tmp_path)
                now = lap(f"{user} fetches, answers, validates, submits", now)
            assert VISIBLE_FAILURE in validation["bob"], validation["bob"][:2000]
            assert VISIBLE_FAILURE not in validation["alice"], validation["alice"][:2000]

            collected = hub.run("nbgrader", "collect", ASSIGNMENT)
            assert "alice" in collected and "bob" in collected, collected
            hub.run("autograder", "grade", ASSIGNMENT)
            hub.run("autograder", "feedback", ASSIGNMENT)
            hub.run("nbgrader", "release_feedback", ASSIGNMENT)
            now = lap("instructor collects, grades, writes and releases feedback", now)

            pages_text = {}
            for user in answers:
                pages_text[user] = fetch_feedback_and_read_score(pages[user], user, tmp_path)
                now = lap(f"{user} fetches and reads feedback", now)
            timings["round trip (release to feedback read)"] = time.monotonic() - started

            # alice's browser carries alice's hub login only: bob's server refuses it, and
            # her own server has no formgrader.
            refused = pages["alice"].request.get(
                f"{hub.base}/user/bob/files/{ASSIGNMENT}/{ASSIGNMENT}.ipynb")
            assert refused.status == 403, (refused.status, refused.url)
            assert pages["alice"].request.get(
                f"{hub.base}/user/alice/formgrader/api/assignments").status == 404

            # The instructor's server started in the course copy: formgrader sees the
            # course, both submissions and the autograder's scores.
            instructor = log_in(browser, hub, INSTRUCTOR)
            reply = instructor.request.get(
                f"{hub.base}/user/{INSTRUCTOR}/formgrader/api/assignments")
            assert reply.ok, (reply.status, reply.text()[:500])
            formgrader = {a["name"]: a for a in reply.json()}
            now = lap("instructor logs in, formgrader answers", now)
        finally:
            browser.close()
    print("timings (s): " + json.dumps({k: round(v, 1) for k, v in timings.items()}))
    (tmp_path / "timings.json").write_text(json.dumps(timings, indent=2))

    scores = {}
    for user, text in pages_text.items():
        other = "bob" if user == "alice" else "alice"
        assert f"feedback for {user}" in text and other not in text, text[:2000]
        earned, out_of = SCORE.search(text).groups()
        scores[user] = (float(earned), float(out_of))
        home = hub.layout.home(user) / ASSIGNMENT / "feedback"
        # feedback/<time of the submission>/NAME.html (opening it added a checkpoint)
        fetched = sorted(p.relative_to(home) for p in home.glob("*/*.html"))
        assert len(fetched) == 1, f"{user} fetched {fetched}: exactly their own page"
    assert len(list((hub.layout.exchange / COURSE_ID / "feedback").glob("*.html"))) == 2
    assert scores["alice"][1] == scores["bob"][1]
    assert scores["alice"][0] > scores["bob"][0], scores
    sources = {p.name for p in (ROOT / "assignments" / "source").iterdir() if p.is_dir()}
    assert set(formgrader) == sources, formgrader
    assert formgrader[ASSIGNMENT]["num_submissions"] == 2, formgrader[ASSIGNMENT]
    assert formgrader[ASSIGNMENT]["max_score"] == scores["alice"][1], formgrader[ASSIGNMENT]
    average = (scores["alice"][0] + scores["bob"][0]) / 2
    assert formgrader[ASSIGNMENT]["average_score"] == pytest.approx(average), formgrader
