"""Lessons 04-05: the live babysitting demo's frame rate, and every other demo's latency.

    python benchmarks/bench_live_demo.py [--seconds 8] [--moves 20] [--no-write]

1) The babysitting demo trains in its background thread for `--seconds`, once at its
   default speed (400 steps a second, 15 frames a second asked for) and once flat out;
   we count the frames it drew per second, the time each frame took to draw, and the
   training steps per second.
2) While it trains, the learning-rate slider is moved `--moves` times; we time the
   change until the training thread has applied it (it shows in history.events) and
   until a frame showing it has been drawn.
3) Every other demo of lessons 04 and 05 has its control moved `--moves` times; the
   view recomputes and redraws synchronously, so the time of the assignment is its
   latency.

The table goes into benchmarks/README.md between this script's own markers; the rest
of the file is left as it is.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import sys
import time
from pathlib import Path

# The course's matrices are small; a second BLAS thread only waits (set before numpy loads).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
from readme_section import cpu_model, write_section  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def percentile_ms(seconds, q):
    return 1000 * float(np.percentile(seconds, q))


def wait_until(predicate, timeout=10.0):
    deadline = time.perf_counter() + timeout
    while not predicate():
        if time.perf_counter() > deadline:
            raise TimeoutError("the demo did not respond within 10 s")
        time.sleep(0.0005)
    return time.perf_counter()


# ---------------------------------------------------------------------- 1) and 2)
def live_run(seconds, steps_per_second):
    """Frames a second, draw times and steps a second of the babysitting demo."""
    from course.lessons.pandas_and_caviar import babysitting_demo

    demo = babysitting_demo(autostart=True, steps_per_second=steps_per_second,
                            max_epochs=10**6)
    session = demo.session
    draw_times = []
    drawing = session.on_frame

    def timed(s):
        start = time.perf_counter()
        drawing(s)
        draw_times.append(time.perf_counter() - start)

    session.on_frame = timed
    try:
        time.sleep(0.5)  # let the first full draw and the warm-up pass
        first_step, first_frame = session.trainer.iteration, session.frame_count
        start = time.perf_counter()
        time.sleep(seconds)
        elapsed = time.perf_counter() - start
        frames = session.frame_count - first_frame
        steps = session.trainer.iteration - first_step
    finally:
        demo.close()
    times = draw_times[-frames:] if frames else draw_times
    return {"frames_per_second": frames / elapsed, "steps_per_second": steps / elapsed,
            "draw_p50": percentile_ms(times, 50), "draw_p95": percentile_ms(times, 95),
            "frames": frames}


def change_latency(moves):
    """Slider change -> applied in the training thread, and -> drawn in a frame."""
    from course.lessons.pandas_and_caviar import babysitting_demo

    demo = babysitting_demo(autostart=True, max_epochs=10**6)
    applied, drawn = [], []
    try:
        time.sleep(0.5)
        rates = [0.05, 0.2]
        for k in range(moves):
            count = len(demo.session.trainer.history.events)
            start = time.perf_counter()
            demo.controls["learning_rate"].value = rates[k % 2]
            applied.append(wait_until(
                lambda c=count: len(demo.session.trainer.history.events) > c) - start)
            drawn.append(wait_until(
                lambda c=count: demo.data is not None and len(demo.data["events"]) > c) - start)
            time.sleep(0.15)
    finally:
        demo.close()
    return applied, drawn


# ---------------------------------------------------------------------- 3)
def other_demos():
    """(lesson, name, control, options, demo) for every non-live demo of lessons 04-05."""
    import course.lessons.batch_norm as bx
    from course.data import cached_digits_split
    from course.lessons.pandas_and_caviar import (
        SPACE,
        caviar_demo,
        halving_demo,
        run_caviar,
        run_pandas,
    )
    from course.search import random_configs
    from course.search.digits_objectives import train_digits_for
    from course.search.halving import successive_halving
    from course.search.runner import process_pool

    with process_pool(2) as pool:
        caviar = run_caviar(24, executor=pool)
        pandas = run_pandas(6, executor=pool)
        sweep = bx.learning_rate_sweep("relu", (0.1, 0.3, 1.0, 3.0, 10.0, 30.0),
                                       executor=pool, max_steps=300, stop_at_target=False)
    halving = successive_halving(train_digits_for,
                                 random_configs(SPACE, 27, rng=np.random.default_rng(0)),
                                 min_budget=1, max_budget=27, progress=False)
    snapshots = bx.histogram_snapshots()
    model, _ = bx.trained_network({"activation": "relu", "use_batchnorm": True,
                                   "learning_rate": 0.3, "max_steps": 400,
                                   "stop_at_target": False})
    noise = bx.batch_noise(model, cached_digits_split().X_train, rng=0)
    replay = bx.momentum_replay()
    return [
        ("04", "caviar: best of k models", "models", list(range(1, 25)),
         caviar_demo(caviar, panda_scores=pandas.scores)),
        ("04", "successive halving rungs", "rung", [0, 1, 2, 3], halving_demo(halving)),
        ("05", "histograms of z", "step", [0, 20, 100, 500], bx.histograms_demo(snapshots)),
        ("05", "learning-rate sweep", "learning_rate", [0.1, 0.3, 1.0, 3.0, 10.0, 30.0],
         bx.sweep_demo(sweep)),
        ("05", "batch size against noise", "batch_size", [2, 4, 8, 16, 32, 64, 128, 256],
         bx.noise_demo(noise)),
        ("05", "running-average momentum", "momentum", [0.0, 0.5, 0.9, 0.99, 0.995, 0.999],
         bx.momentum_demo(replay)),
    ]


def demo_latency(demo, control, options, moves):
    times = []
    for k in range(moves):
        value = options[(k + 1) % len(options)]
        if demo.controls[control].value == value:
            value = options[k % len(options)]
        start = time.perf_counter()
        demo.controls[control].value = value
        times.append(time.perf_counter() - start)
    return times


# ---------------------------------------------------------------------- report
def report(live, flat_out, applied, drawn, rows, moves, when, load_before, load_after):
    lines = [
        "## Live demo and demo latency (lessons 04-05)",
        "",
        f"`python benchmarks/bench_live_demo.py`, {when}, {os.cpu_count()} cores ({cpu_model()}), "
        f"Python {platform.python_version()}. Load average {load_before:.1f} before and "
        f"{load_after:.1f} after: above about 1 the machine was shared with other work and "
        "the rates are lower than on an idle one.",
        "",
        "**Babysitting demo (lesson 04), training in its background thread:**",
        "",
        "| setting | frames per second | frame draw p50 (ms) | p95 (ms) | training steps per "
        "second | target |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for name, result in (("default (15 frames/s asked, 400 steps/s)", live),
                         ("flat out (no speed limit)", flat_out)):
        met = "met" if result["frames_per_second"] >= 10 else "MISSED"
        lines.append(f"| {name} | **{result['frames_per_second']:.1f}** | "
                     f"{result['draw_p50']:.1f} | {result['draw_p95']:.1f} | "
                     f"{result['steps_per_second']:.0f} | >= 10 frames/s ({met}) |")
    lines += [
        "",
        f"Moving the learning-rate slider mid-run ({moves} moves): the training thread applied "
        f"the change after {percentile_ms(applied, 50):.1f} ms at the median "
        f"({percentile_ms(applied, 95):.1f} ms p95), between two steps, and the next frame "
        f"showed it after {percentile_ms(drawn, 50):.0f} ms ({percentile_ms(drawn, 95):.0f} ms "
        "p95; a frame is due every 67 ms).",
        "",
        "**Other demos** (the slider selects among results computed once, then redraws):",
        "",
        "| lesson | demo | control moved | n | p50 (ms) | p95 (ms) | target (ms) | met |",
        "|---|---|---|---:|---:|---:|---|---|",
    ]
    for lesson, name, control, times in rows:
        p95 = percentile_ms(times, 95)
        lines.append(f"| {lesson} | {name} | {control} | {len(times)} | "
                     f"{percentile_ms(times, 50):.1f} | {p95:.1f} | < 100 | "
                     f"{'yes' if p95 < 100 else 'no'} |")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8.0, help="live run length")
    parser.add_argument("--moves", type=int, default=20, help="control changes per demo")
    parser.add_argument("--no-write", action="store_true", help="print the table only")
    args = parser.parse_args(argv)
    load_before = os.getloadavg()[0]
    live = live_run(args.seconds, steps_per_second=400)
    flat_out = live_run(args.seconds, steps_per_second=None)
    applied, drawn = change_latency(args.moves)
    rows = [(lesson, name, control, demo_latency(demo, control, options, args.moves))
            for lesson, name, control, options, demo in other_demos()]
    text = report(live, flat_out, applied, drawn, rows, args.moves,
                  datetime.date.today().isoformat(), load_before, os.getloadavg()[0])
    print(text)
    if not args.no_write:
        write_section("bench_live_demo", text)


if __name__ == "__main__":
    main()
