"""The playground app in a real browser: Voila on loopback, driven by Playwright in Chromium.

One server (`course.app.server.AppServer`, the same `python -m course.app` that `make
playground` runs) serves every test here; each test opens its own page, so each gets its
own kernel. The window is 1280 x 720 at 2 device pixels per CSS pixel (a laptop).

- every demo renders once scrolled to, with no code, no traceback and no console error,
  drawn for the screen's pixel ratio, with every slider's track usable;
- moving one control of every demo changes its picture and puts the value in the link;
  a reload of that link restores every control and draws the same pictures (the PNG
  bytes compared);
- a malformed link falls back to the defaults with its notes;
- a live demo scrolled away stops training;
- a closed page's kernel is shut down (with a short idle time for the test), and a
  request naming another host (DNS rebinding) is refused.

Without a `chromium` on PATH the tests are skipped, unless CI is set (then they fail).
"""

from __future__ import annotations

import hashlib
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from course.app.catalog import DEMOS
from course.app.server import AppServer

pytestmark = [pytest.mark.browser, pytest.mark.slow]

VIEWPORT = {"width": 1280, "height": 720}
OFFLINE_CDN = "cdn.jsdelivr.net/npm/@fortawesome"
MIN_TRACK = 120  # CSS pixels of a slider's track at 1280 x 720
# A control of each demo to move, and the key that moves it (None: the next choice).
MOVES = {
    "learning-rate": ("learning_rate", "ArrowRight"),
    "network-shape": ("hidden_units", "ArrowRight"),
    "search-strategies": ("seed", "ArrowRight"),
    "coarse-to-fine": ("seed", "ArrowRight"),
    "digits-search": ("strategy", None),
    "sampling-scale": ("n_trials", "ArrowRight"),
    "beta-window": ("beta", "ArrowRight"),
    "babysitting": ("learning_rate", "ArrowRight"),
    "caviar": ("models", "ArrowRight"),
    "halving": ("rung", "ArrowRight"),
    "layer-histograms": ("step", "ArrowRight"),
    "rate-sweep": ("learning_rate", "ArrowLeft"),
    "batch-noise": ("batch_size", "ArrowRight"),
    "running-averages": ("momentum", "ArrowRight"),
}


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    log = tmp_path_factory.mktemp("voila") / "voila.log"
    with AppServer(log_path=log) as server:
        yield server


@pytest.fixture
def browser(chromium, chromium_flags):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=chromium_flags)
        try:
            yield browser
        finally:
            browser.close()


def open_page(browser, url):
    page = browser.new_page(viewport=VIEWPORT, device_scale_factor=2)
    page.console_errors = []
    # Voila's page also links Font Awesome from a CDN, which this offline machine cannot
    # reach; the same icons are in Voila's own bundle, so only that failure is allowed.
    page.on("console", lambda m: m.type == "error"
            and OFFLINE_CDN not in (m.location or {}).get("url", "")
            and page.console_errors.append(m.text))
    page.on("pageerror", lambda e: page.console_errors.append(str(e)))
    page.goto(url)
    page.locator(".course-card").nth(len(DEMOS) - 1).wait_for(timeout=60_000)
    return page


def card(page, demo_id):
    return page.locator(f".course-card-{demo_id}")


def show(page, demo_id):
    """Scroll to the card and wait until its demo is built and drawn."""
    from playwright.sync_api import expect

    box = card(page, demo_id)
    box.scroll_into_view_if_needed()
    image = box.locator("img").first
    try:
        expect(image).to_be_visible(timeout=60_000)
    except AssertionError:
        pytest.fail(f"{demo_id} was not drawn; its card says: {box.inner_text()[:400]!r}")
    page.wait_for_function("img => img.complete && img.naturalWidth > 0",
                           arg=image.element_handle(), timeout=30_000)
    return box, image


def png_digest(image):
    """SHA-256 of the PNG the <img> shows (fetched from its blob URL)."""
    data = image.evaluate("""async img => {
        const bytes = new Uint8Array(await (await fetch(img.src)).arrayBuffer());
        return Array.from(bytes);
    }""")
    return hashlib.sha256(bytes(data)).hexdigest()


def control_of(box, name):
    """The element of the control `name` (its description is the slider's label)."""
    return box.locator(f".course-control-{name}").first


def move(page, box, image, name, key):
    """Move one control as a person would; wait for a new picture; return the new readout."""
    before = image.get_attribute("src")
    control = control_of(box, name)
    if key is None:
        select = control.locator("select")
        if select.count():
            options = [o.get_attribute("value") for o in select.locator("option").all()]
            select.select_option(next(v for v in options if v != select.input_value()))
        else:
            control.locator("button:not(.mod-active)").first.click()
    else:
        handle = control.locator(".noUi-handle")
        handle.click()
        handle.press(key)
    page.wait_for_function("([img, src]) => img.getAttribute('src') !== src && img.complete",
                           arg=[image.element_handle(), before], timeout=30_000, polling=50)
    return readout(control)


def readout(control):
    for selector in (".widget-readout", "select", ".mod-active"):
        found = control.locator(selector)
        if found.count():
            return found.first.input_value() if selector == "select" else found.first.inner_text()
    return None


def settle(page, image, quiet_ms=800):
    """Wait until the picture has not changed for quiet_ms (streamed demos)."""
    page.wait_for_function(
        """([img, quiet]) => {
            const now = performance.now();
            if (img._lastSrc !== img.getAttribute('src')) {
                img._lastSrc = img.getAttribute('src'); img._since = now;
            }
            return img.complete && now - img._since > quiet;
        }""", arg=[image.element_handle(), quiet_ms], timeout=30_000, polling=100)


def test_every_demo_renders_sharp_with_no_code_and_usable_controls(app, browser):
    page = open_page(browser, app.url)
    code = ".jp-CodeCell .jp-InputArea, .jp-InputArea-editor, .CodeMirror, .cm-editor"
    assert page.locator(code).count() == 0
    assert "playground.card(" not in page.locator("body").inner_text()
    for demo_id in DEMOS:
        box, image = show(page, demo_id)
        text = box.inner_text()
        assert "Traceback" not in text and "could not start" not in text, (demo_id, text[:500])
        shown = image.evaluate("i => [i.clientWidth, i.clientHeight, i.naturalWidth, "
                               "i.naturalHeight]")
        ratio = 1.5 if demo_id == "babysitting" else 2  # the live demo keeps its frame rate
        assert shown[2] >= ratio * shown[0] - 1, (demo_id, shown)
        assert abs(shown[0] / shown[1] - shown[2] / shown[3]) < 0.02 * shown[0] / shown[1]
        tracks = box.locator(".widget-slider .noUi-target").evaluate_all(
            "els => els.map(e => e.getBoundingClientRect().width)")
        assert all(width >= MIN_TRACK for width in tracks), (demo_id, tracks)
        right = box.evaluate("b => Math.max(...[...b.querySelectorAll('.widget-slider, "
                             "button, select')].map(e => e.getBoundingClientRect().right))")
        assert right <= VIEWPORT["width"], (demo_id, right)  # nothing off the window
    body = page.locator("body").inner_text()
    assert "Traceback" not in body and "Error" not in body
    assert page.console_errors == []


def test_a_moved_control_is_in_the_link_and_a_reload_draws_the_same(app, browser):
    page = open_page(browser, app.url)
    seen = {}
    for demo_id, (name, key) in MOVES.items():
        box, image = show(page, demo_id)
        settle(page, image)
        first = png_digest(image)
        value = move(page, box, image, name, key)
        settle(page, image)
        assert png_digest(image) != first, f"{demo_id}: the picture did not change"
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(page.url).query))
        assert f"{demo_id}.{name}" in query, (demo_id, page.url)
        seen[demo_id] = (value, png_digest(image))
    link = page.locator(".course-link-text").input_value()
    assert link == page.url
    page.close()

    page = open_page(browser, link)  # a friend opens the copied link
    assert page.url == link
    for demo_id, (name, _) in MOVES.items():
        box, image = show(page, demo_id)
        settle(page, image)
        value, digest = seen[demo_id]
        assert readout(control_of(box, name)) == value, demo_id
        if demo_id != "babysitting":  # live: its picture depends on when it was drawn
            assert png_digest(image) == digest, f"{demo_id}: another picture after reload"
    assert page.console_errors == []


def test_a_malformed_link_falls_back_to_the_defaults_with_notes(app, browser):
    query = ("learning-rate.learning_rate=abc&network-shape.hidden_layers=99"
             "&coarse-to-fine.seed=2&coarse-to-fine.colour=red&gone-demo.x=1&nonsense=1")
    page = open_page(browser, app.url + "?" + query)
    notes = page.locator(".course-link-notes").inner_text()
    assert "'gone-demo'" in notes and "'nonsense'" in notes
    box, _ = show(page, "learning-rate")
    note = box.inner_text()
    assert "'abc' is not a number" in note and "0.01" in note
    assert readout(control_of(box, "learning_rate")) == "0.0100"
    box, _ = show(page, "network-shape")
    assert "'99' is outside" in box.inner_text()
    box, _ = show(page, "coarse-to-fine")
    assert "colour" in box.inner_text()
    assert readout(control_of(box, "seed")) == "2"  # the good value of the link is kept
    # The address keeps only what the page could use.
    assert urllib.parse.urlsplit(page.url).query == "coarse-to-fine.seed=2"


def test_a_live_demo_scrolled_away_stops_training(app, browser):
    page = open_page(browser, app.url)
    box, image = show(page, "babysitting")
    box.locator("button", has_text="train / pause").click()
    status = box.locator("code").first

    def iteration():
        return int(status.inner_text().split()[1])

    # The status line is redrawn on every frame, so it is looked up again each time.
    count = "([box, n]) => parseInt(box.querySelector('code').textContent.split(/\\s+/)[1]) > n"
    page.wait_for_function(count, arg=[box.element_handle(), 200], timeout=30_000)
    card(page, "running-averages").scroll_into_view_if_needed()  # far below
    page.wait_for_timeout(1500)
    box.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    away = iteration()
    page.wait_for_timeout(1500)
    assert iteration() == away, "training went on while the demo was off screen"
    assert "paused" in status.inner_text()
    started = time.monotonic()
    box.locator("button", has_text="train / pause").click()
    page.wait_for_function(count, arg=[box.element_handle(), away], timeout=30_000)
    assert time.monotonic() - started < 30


def test_a_closed_page_frees_its_kernel_and_other_hosts_are_refused(browser, tmp_path):
    quick = ["--MappingKernelManager.cull_idle_timeout=3",
             "--MappingKernelManager.cull_interval=1"]
    with AppServer(log_path=tmp_path / "voila.log", args=quick) as server:
        request = urllib.request.Request(server.url, headers={"Host": "evil.example"})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=30)
        assert refused.value.code == 403
        assert server.kernels() == []  # a refused request starts nothing
        page = open_page(browser, server.url)
        show(page, "babysitting")[0].locator("button", has_text="train / pause").click()
        assert len(server.kernels()) == 1
        page.close(run_before_unload=True)
        deadline = time.monotonic() + 60
        while server.kernels():
            assert time.monotonic() < deadline, "the closed page's kernel kept running"
            time.sleep(0.5)
