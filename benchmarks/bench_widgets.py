"""Latency of every lesson 01-03 demo: from a control change to the new picture.

    python benchmarks/bench_widgets.py [--moves 40]

Each demo (a `course.demos.view.DemoView`) is built once, then a control is moved
`--moves` times the way a test does (`view.controls[name].value = v`), with a 0.15 s
pause between moves as a person would leave. Two kinds of demos:

- synchronous ones compute and render inside the change handler: the latency is the
  time until `view.wait()` returns after the assignment, i.e. until the new PNG is in
  the Image widget;
- background ones (they train in a thread and stream): the latency is the time until
  the first new picture appears (`view.canvas.render_count` grows), and "done" is the
  time until `view.wait()` returns: the whole run has finished and been drawn.

Targets (issue 4): p95 < 100 ms per control change for demos that train on 2-D data or
only sample; first visible update < 300 ms for demos that train on the digits. Shapes
the network-shape demo has seen are cached, so its moves always visit new shapes.
The table goes into benchmarks/README.md between this script's own markers.
"""

from __future__ import annotations

import argparse
import datetime
import itertools
import os
import time

import numpy as np
from readme_section import cpu_model, load_average, write_section

PAUSE = 0.15


def sync_latencies(view, moves):
    """Seconds from each `.value = v` to the new picture, for (name, value) in moves."""
    out = []
    for name, value in moves:
        time.sleep(PAUSE)
        start = time.perf_counter()
        view.controls[name].value = value
        view.wait()
        out.append(time.perf_counter() - start)
    return out


def streamed_latencies(view, moves):
    """(first picture, done) seconds for each move of a background demo."""
    first, done = [], []
    for name, value in moves:
        time.sleep(PAUSE)
        count = view.canvas.render_count
        start = time.perf_counter()
        view.controls[name].value = value
        while view.canvas.render_count == count:
            time.sleep(0.0005)
        first.append(time.perf_counter() - start)
        view.wait()
        done.append(time.perf_counter() - start)
    return first, done


def shape_walk(n):
    """n single-control moves of the network-shape demo, each to a shape not seen before.

    A snake over (layers, units) for one activation, then the next activation; the demo
    starts at (1 layer, 8 units, relu), which the walk never revisits.
    """
    moves, row, units = [], [3, 6, 12, 24], 8
    for a, activation in enumerate(("relu", "tanh", "sigmoid")):
        if a:
            moves.append(("activation", activation))
        for k, layers in enumerate((1, 2, 3, 4) if a % 2 == 0 else (4, 3, 2, 1)):
            if k:  # the first row starts where the previous activation's walk ended
                moves.append(("hidden_layers", layers))
            # walk the units row away from where we stand (we stand at one of its ends)
            rest = [u for u in (row if units != row[-1] else row[::-1]) if u != units]
            moves += [("hidden_units", u) for u in rest]
            units = rest[-1]
    return moves[:n]


def cycle(name, values, n):
    return [(name, v) for v in itertools.islice(itertools.cycle(values), n)]


def run(n):
    from course.lessons.parameters_vs_hyperparameters import (
        learning_rate_demo,
        network_shape_demo,
    )
    from course.lessons.sampling_scales import beta_window_demo, sampling_scale_demo
    from course.lessons.search_strategies import (
        coarse_to_fine_demo,
        digits_tuning_demo,
        search_strategies_demo,
    )

    rows = []

    def add(lesson, demo_name, moved, kind, seconds, target):
        ms = np.array(seconds) * 1e3
        p50, p95 = np.percentile(ms, 50), np.percentile(ms, 95)
        verdict = "yes" if target is None or p95 < target else "**no**"
        rows.append((lesson, demo_name, moved, kind, len(ms), p50, p95,
                     "" if target is None else f"< {target}", verdict))
        print(f"{demo_name:28} {moved:22} {kind:14} p50 {p50:6.1f} ms  p95 {p95:6.1f} ms")

    view = learning_rate_demo()
    rates = [0.001, 0.003, 0.01, 0.05, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0]
    add("01", "learning-rate explorer", "learning_rate", "retrain + draw",
        sync_latencies(view, cycle("learning_rate", rates, n)), 100)

    view = network_shape_demo()
    view.wait()
    first, done = streamed_latencies(view, shape_walk(n))
    add("01", "network-shape explorer", "layers, units, activation", "first picture", first,
        100)
    add("01", "network-shape explorer", "layers, units, activation", "training done", done,
        None)

    view = search_strategies_demo()
    moves = cycle("budget", [25, 26, 36, 49, 16, 100], n // 2) + cycle(
        "weight", [0.0, 0.3, 0.6, 1.0, 0.1], n - n // 2)
    add("02", "grid vs random vs quasi", "budget, weight", "compute + draw",
        sync_latencies(view, moves), 100)

    view = coarse_to_fine_demo()
    moves = cycle("round", [2, 3, 4, 1], n // 2) + cycle(
        "n_per_round", [8, 12, 16, 20, 24, 30, 36, 40], n - n // 2)
    add("02", "coarse-to-fine zoom", "round, n_per_round", "search + draw",
        sync_latencies(view, moves), 100)

    view = digits_tuning_demo(n_trials=9)
    view.wait()
    moves = cycle("seed", list(range(1, 21)), n)
    first, done = streamed_latencies(view, moves)
    add("02", "digits search (9 trials)", "seed", "first picture", first, 300)
    add("02", "digits search (9 trials)", "seed", "search done", done, None)

    view = sampling_scale_demo()
    moves = cycle("low", [1e-5, 1e-4, 1e-3, 1e-6], n // 2) + cycle(
        "n_trials", [100, 500, 1000, 2000, 200], n - n // 2)
    add("03", "linear vs log sampling", "low, n_trials", "sample + draw",
        sync_latencies(view, moves), 100)

    view = beta_window_demo()
    stops = view.controls["beta"].options  # (label, beta) pairs: 0.9, 0.99, 0.999, ...
    add("03", "beta's averaging window", "beta", "average + draw",
        sync_latencies(view, cycle("beta", [stops[k][1] for k in (20, 40, 60, 66, 10)], n)),
        100)
    return rows


def machine():
    return f"{os.cpu_count()} cores, {cpu_model()}; load average {load_average():.1f} at the start"


def table(rows, when, where):
    after = load_average()
    lines = [
        "## Widget latency (lessons 01-03)",
        "",
        f"`python benchmarks/bench_widgets.py`, {when}, on {where}, {after:.1f} at the end",
        "(above about 1, other jobs were sharing the 2 cores: read the p95s as pessimistic).",
        "Each row moves one",
        "control repeatedly (0.15 s apart); times are from the change to the new picture in",
        "the Image widget. Background demos train in a thread: \"first picture\" is when the",
        "first new frame appears, \"done\" when the run has finished and been drawn.",
        "",
        "| lesson | demo | control moved | measured | n | p50 (ms) | p95 (ms) | target (ms) "
        "| met |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for lesson, demo, moved, kind, n, p50, p95, target, ok in rows:
        lines.append(f"| {lesson} | {demo} | {moved} | {kind} | {n} | {p50:.1f} | {p95:.1f} "
                     f"| {target} | {ok} |")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=40, help="control changes per demo")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args(argv)
    where = machine()
    when = datetime.date.today().isoformat()
    rows = run(args.moves)
    text = table(rows, when, where)
    print(text)
    if not args.no_write:
        write_section("bench_widgets", text)
    return 0 if all(r[-1] == "yes" for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
