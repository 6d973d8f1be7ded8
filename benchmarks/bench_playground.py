"""The playground app in a real browser: its start time, and every demo's latency.

    python benchmarks/bench_playground.py [--starts 3] [--presses 30] [--no-write]

Headless Chromium (Debian's `chromium` on PATH, via Playwright; 1280 x 720 at 2 device
pixels per CSS pixel) opens `python -m course.app` (`course.app.server.AppServer`).

1) Start: `--starts` cold starts, each a new server and a new browser context. From
   launching the server process to (a) the server listening (`AppServer.start_seconds`)
   and (b) the first demo's picture decoded and visible in the window.
2) Latency, on the last start's page: each demo with a slider (not babysitting, which
   trains live: see bench_live_demo.py) is scrolled to (its card builds), then its slider
   handle gets `--presses` ArrowRight / ArrowLeft presses, 0.15 s after the previous
   picture. In the page, a keydown listener (capture phase) stamps `performance.now()`
   and a MutationObserver on the card's img `src` stamps each new picture, then awaits
   `img.decode()` and stamps that: the latency is keydown -> decoded. The slider walks
   one way and turns back at its end, so it stays in range and visits values it has not
   drawn yet (network-shape keeps shapes it has trained: returning presses show a stored
   one); a press that leaves the readout unchanged is not counted. Streamed demos
   (network-shape, digits-search) are timed to their first picture and to their last one
   (0.8 s of quiet ends a run) before the next press.
3) The 2-D demos (on 2-D data or a 2-D search space, and the 2-D curves of lessons 01
   and 03) are held to p95 < 100 ms from the change to the picture.

The table goes into benchmarks/README.md between this script's own markers. The exit
status is 1 if a demo never drew a new picture or the page logged errors (a missed
target is reported, not an error: the machine may be shared).
"""

from __future__ import annotations

import argparse
import datetime
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from readme_section import cpu_model, load_average, write_section

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1280, "height": 720}
OFFLINE_CDN = "cdn.jsdelivr.net/npm/@fortawesome"  # Voila's page links it; offline here
PAUSE_MS, QUIET_MS, TIMEOUT_MS = 150, 800, 30_000
# The slider moved in each demo, in the page's order (babysitting is not here).
SLIDERS = {"learning-rate": "learning_rate", "network-shape": "hidden_units",
           "search-strategies": "budget", "coarse-to-fine": "n_per_round",
           "digits-search": "seed", "sampling-scale": "n_trials", "beta-window": "beta",
           "caviar": "models", "halving": "rung", "layer-histograms": "step",
           "rate-sweep": "learning_rate", "batch-noise": "batch_size",
           "running-averages": "momentum"}
STREAMED = {"network-shape", "digits-search"}
TWO_D = {"network-shape", "search-strategies", "coarse-to-fine", "sampling-scale",
         "beta-window", "learning-rate"}  # held to p95 < TARGET_MS
TARGET_MS = 100

WATCH = """img => {
    if (!window.__benchKeys) {
        window.__benchKeys = true;
        window.addEventListener('keydown', () => { window.__bench.key = performance.now(); },
                                true);
    }
    if (window.__benchObserver) window.__benchObserver.disconnect();
    window.__bench = {key: null, events: []};
    window.__benchObserver = new MutationObserver(() => {
        const event = {src: performance.now(), decoded: null, failed: false};
        window.__bench.events.push(event);
        img.decode().then(() => { event.decoded = performance.now(); },
                          () => { event.failed = true; });
    });
    window.__benchObserver.observe(img, {attributes: true, attributeFilter: ['src']});
}"""
RESET = "() => { window.__bench.key = null; window.__bench.events = []; }"
# The first picture is decoded; a streamed demo has also been quiet for `quiet` ms.
DONE = """([quiet, streamed]) => {
    const events = window.__bench.events.filter(e => !e.failed);
    if (!events.length || events[0].decoded === null) return false;
    if (!streamed) return true;
    const last = events[events.length - 1];
    return last.decoded !== null && performance.now() - last.src > quiet;
}"""


def open_page(browser, url):
    page = browser.new_page(viewport=VIEWPORT, device_scale_factor=2)  # a fresh context
    page.errors = []
    page.on("console", lambda m: m.type == "error"
            and OFFLINE_CDN not in (m.location or {}).get("url", "")
            and page.errors.append(m.text))
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.goto(url, wait_until="commit")
    return page


def show(page, demo_id):
    """Scroll to the card; wait until its picture is drawn; return (card, img)."""
    card = page.locator(f".course-card-{demo_id}")
    card.wait_for(state="attached", timeout=120_000)
    card.scroll_into_view_if_needed()
    image = card.locator("img").first
    image.wait_for(state="visible", timeout=120_000)
    page.wait_for_function("img => img.complete && img.naturalWidth > 0",
                           arg=image.element_handle(), timeout=60_000, polling=20)
    return card, image


def press_latencies(page, demo_id, name, presses):
    """Per counted press: ms to the first new src, to its picture decoded, to the last
    picture decoded; and the number of presses that drew nothing."""
    card, image = show(page, demo_id)
    streamed = demo_id in STREAMED
    if streamed:  # the build's own stream may still be drawing
        page.wait_for_timeout(QUIET_MS)
    control = card.locator(f".course-control-{name}").first
    handle, readout = control.locator(".noUi-handle"), control.locator(".widget-readout")
    image.evaluate(WATCH)
    handle.focus()
    out, misses, key, unmoved = [], 0, "ArrowRight", 0
    while len(out) + misses < presses:
        page.evaluate(RESET)
        before = readout.inner_text()
        handle.press(key)
        if readout.inner_text() == before:  # at the end: turn back, do not count
            key = "ArrowLeft" if key == "ArrowRight" else "ArrowRight"
            unmoved += 1
            if unmoved > 2:
                raise RuntimeError(f"{demo_id}: {name} does not move with the arrow keys")
            continue
        unmoved = 0
        try:
            page.wait_for_function(DONE, arg=[QUIET_MS, streamed], timeout=TIMEOUT_MS,
                                   polling=10)
        except Exception:  # Playwright's TimeoutError: no new picture for this value
            misses += 1
            print(f"  {demo_id}: no new picture {TIMEOUT_MS / 1000:.0f} s after {before} "
                  f"-> {readout.inner_text()}")
            if misses == 3 and not out:
                break  # this demo does not draw: do not wait 30 s per press
            continue
        bench = page.evaluate("() => window.__bench")
        drawn = [e for e in bench["events"] if not e["failed"]]
        out.append((drawn[0]["src"] - bench["key"], drawn[0]["decoded"] - bench["key"],
                    drawn[-1]["decoded"] - bench["key"]))
        page.wait_for_timeout(PAUSE_MS)
    page.evaluate("() => window.__benchObserver.disconnect()")
    return out, misses


def run(starts, presses):
    from playwright.sync_api import sync_playwright

    from course.app.server import AppServer

    chromium = shutil.which("chromium")
    if chromium is None:
        raise SystemExit("chromium is not on PATH (apt-get install chromium)")
    answered, pictured, rows, errors = [], [], [], []
    with tempfile.TemporaryDirectory() as logs, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=FLAGS)
        browser.new_page().close()  # the browser's own start is not the app's
        for k in range(starts):
            server = AppServer(log_path=Path(logs) / f"voila{k}.log")
            launched = time.monotonic()
            with server:
                page = open_page(browser, server.url)
                show(page, next(iter(SLIDERS)))
                first = time.monotonic() - launched
                answered.append(server.start_seconds)
                pictured.append(first)
                print(f"start {k + 1}: server listens {server.start_seconds:.2f} s, "
                      f"first picture {first:.2f} s")
                if k == starts - 1:
                    for demo_id, name in SLIDERS.items():
                        times, misses = press_latencies(page, demo_id, name, presses)
                        rows += summarize(demo_id, name, times, misses)
                errors += page.errors
                page.context.close()
        browser.close()
    return answered, pictured, rows, errors


def summarize(demo_id, name, times, misses):
    kinds = ([("first picture", 1), ("last picture", 2)] if demo_id in STREAMED
             else [("picture", 1)])
    rows = []
    for kind, column in kinds:
        ms = np.array([t[column] for t in times] or [np.nan])
        p50, p95 = np.percentile(ms, 50), np.percentile(ms, 95)
        src = np.percentile([t[0] for t in times] or [np.nan], 50) if column == 1 else None
        target = demo_id in TWO_D and column == 1
        met = ("yes" if p95 < TARGET_MS and not misses else "**no**") if target else ""
        rows.append((demo_id, name, kind, len(times), misses, src, p50, p95,
                     f"< {TARGET_MS}" if target else "", met))
        print(f"{demo_id:18} {name:14} {kind:14} n {len(times):3}  p50 {p50:6.1f} ms  "
              f"p95 {p95:6.1f} ms  {met}")
    return rows


def table(when, before, answered, pictured, rows, errors, presses):
    after = load_average()
    held = [r for r in rows if r[8]]
    verdict = ("met" if all(r[9] == "yes" for r in held) else "**not met** by "
               + ", ".join(r[0] for r in held if r[9] != "yes"))
    lines = [
        "## The playground app in a browser",
        "",
        f"`python benchmarks/bench_playground.py`, {when}, on {os.cpu_count()} cores, "
        f"{cpu_model()}; load average {before:.1f} at the start, {after:.1f} at the end "
        "(above about 1, other jobs were sharing the cores). Headless Chromium, 1280 x 720 "
        "at 2 device pixels per CSS pixel, on `python -m course.app` on loopback.",
        "",
        f"**Start** ({len(answered)} cold starts, each a new server and browser context), "
        "seconds from launching the server:",
        "",
        "| until | median (s) | max (s) | each (s) |",
        "|---|---|---|---|",
    ]
    for what, seconds in (("the server listens", answered),
                          ("the first demo's picture is visible", pictured)):
        lines.append(f"| {what} | {statistics.median(seconds):.2f} | {max(seconds):.2f} "
                     f"| {', '.join(f'{s:.2f}' for s in seconds)} |")
    lines += [
        "",
        f"**Latency**: {presses} arrow-key presses on one slider per demo, 0.15 s after the "
        "previous picture; from the keydown to the new picture decoded in the page "
        "(streamed demos: to the first and to the last picture of the run); \"new src\" is "
        "when the new picture's blob URL reached the img. The slider "
        "turns back at its end; presses that did not move it are not counted. 2-D demos: "
        f"p95 < {TARGET_MS} ms, {verdict}.",
        "",
        "| demo | slider | measured | n | no picture | new src p50 (ms) | decoded p50 (ms) "
        "| decoded p95 (ms) | target (ms) | met |",
        "|---|---|---|---:|---:|---:|---:|---:|---|---|",
    ]
    for demo, name, kind, n, misses, src, p50, p95, target, met in rows:
        src = "" if src is None else f"{src:.1f}"
        lines.append(f"| {demo} | {name} | {kind} | {n} | {misses} | {src} | {p50:.1f} "
                     f"| {p95:.1f} | {target} | {met} |")
    if errors:
        lines += ["", f"The page logged {len(errors)} error(s), the first: `{errors[0][:200]}`"]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--starts", type=int, default=3, help="cold starts of the app")
    parser.add_argument("--presses", type=int, default=30, help="key presses per demo")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args(argv)
    before, when = load_average(), datetime.date.today().isoformat()
    answered, pictured, rows, errors = run(max(1, args.starts), args.presses)
    text = table(when, before, answered, pictured, rows, errors, args.presses)
    print(text)
    for error in errors:
        print("page error:", error)
    if not args.no_write:
        write_section("bench_playground", text)
    return 1 if errors or any(r[4] or not r[3] for r in rows) else 0


if __name__ == "__main__":
    raise SystemExit(main())
