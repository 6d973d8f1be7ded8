"""Pandas or caviar, measured: 8 digits-training trials serially, on a process pool of
2 workers, and on a Dask LocalCluster of 2 workers.

    python benchmarks/bench_search_parallel.py [--repeats N] [--no-write]

Workload: the shared network 64-64-64-10 on the 8x8 digits, batch 64, Adam,
10 epochs, one trial per learning rate on an 8-point log grid, run through
course.search.run_trials with course.search.digits_objectives.train_digits.
Every process uses one BLAS thread (set below before NumPy loads, and again by
the pool's initializer), so the serial run and each worker use one core.

Reported, as the median (and the minimum) of --repeats interleaved runs:
  - serial time, warm pool time and speedup; a cold pool (started, used, shut
    down inside the timing) as well;
  - Dask time on a started cluster, and its overhead per trial against the pool;
  - the bare cost per trial of each runner with a trivial objective (64 trials).
The three runners must return identical scores; the script stops if not.
The table goes into benchmarks/README.md between this script's own markers.
"""

import os

# One BLAS/OpenMP thread per process, before NumPy is imported (spawned Dask
# workers inherit these variables; forked pool workers inherit the loaded library,
# which course.search.process_pool limits with threadpoolctl).
for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_name] = "1"

import argparse  # noqa: E402
import datetime  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
from readme_section import cpu_model, write_section  # noqa: E402

from course.search import LogUniform, grid_configs, process_pool, run_trials  # noqa: E402
from course.search.digits_objectives import train_digits  # noqa: E402
from course.search.toy_objectives import bowl  # noqa: E402

WORKLOAD = {"hidden_dims": (64, 64, 64), "batch_size": 64, "optimizer": "adam",
            "num_epochs": 10}
TRAINING = grid_configs({"learning_rate": LogUniform(1e-4, 1e-2), **WORKLOAD}, 8)
TRIVIAL = [{"x": 0.1 * i, "y": 0.0} for i in range(64)]
TARGET_SPEEDUP = 1.7
QUIET_IDLE = 0.4  # idle share of the machine during a serial run that counts as quiet


def cpu_counters():
    """(idle, total) CPU time of the whole machine so far, from /proc/stat (Linux)."""
    try:
        with open("/proc/stat") as f:
            values = [int(v) for v in f.readline().split()[1:]]
    except OSError:
        return 0, 0
    return values[3] + values[4], sum(values)  # idle + iowait, all


def timed(objective, configs, executor):
    """Wall time, the TrialTable, and the machine's idle share while it ran."""
    idle0, total0 = cpu_counters()
    start = time.perf_counter()
    table = run_trials(objective, configs, seed=0, executor=executor, progress=False)
    seconds = time.perf_counter() - start
    idle1, total1 = cpu_counters()
    return seconds, table, (idle1 - idle0) / max(1, total1 - total0)


def cold_pool_run():
    start = time.perf_counter()
    with process_pool(2, threads_per_worker=1) as pool:
        run_trials(train_digits, TRAINING, seed=0, executor=pool, progress=False)
    return time.perf_counter() - start


def machine():
    model = cpu_model()
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (f"{cores} cores ({model}), Python {platform.python_version()}, "
            f"NumPy {np.__version__}")


def measure(repeats):
    from distributed import Client, LocalCluster

    samples = {k: [] for k in ("serial", "pool", "cold pool", "dask",
                               "trivial serial", "trivial pool", "trivial dask")}
    trial_seconds = {"serial": [], "pool": [], "dask": []}
    idle_share = {"serial": [], "pool": [], "dask": []}
    start = time.perf_counter()
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                           host="127.0.0.1", dashboard_address=None)
    client = Client(cluster)
    cluster_start = time.perf_counter() - start
    pool = process_pool(2, threads_per_worker=1)
    try:
        dask = client.get_executor()
        reference = None
        for executor in (None, pool, dask):  # warm-up: imports and data in every worker
            table = timed(train_digits, TRAINING, executor)[1]
            scores = table.scores.tolist()
            if reference is not None and scores != reference:
                raise SystemExit(f"results differ between runners: {scores} != {reference}")
            reference = scores
        for r in range(repeats):
            for name, executor in (("serial", None), ("pool", pool), ("dask", dask)):
                seconds, table, idle = timed(train_digits, TRAINING, executor)
                if table.scores.tolist() != reference:
                    raise SystemExit(f"{name} gave other scores in repeat {r}")
                samples[name].append(seconds)
                idle_share[name].append(idle)
                trial_seconds[name] += [t.seconds for t in table]
                samples[f"trivial {name}"].append(timed(bowl, TRIVIAL, executor)[0])
            samples["cold pool"].append(cold_pool_run())
            print(f"repeat {r + 1}/{repeats}: " + ", ".join(
                f"{k} {v[-1]:.3f} s" for k, v in samples.items()), flush=True)
    finally:
        pool.shutdown()
        client.close()
        cluster.close()
    return samples, trial_seconds, idle_share, cluster_start, reference


def table(samples, trial_seconds, idle_share, cluster_start, best_scores, load_before,
          load_after, repeats):
    med = {k: statistics.median(v) for k, v in samples.items()}
    low = {k: min(v) for k, v in samples.items()}
    n, n_trivial = len(TRAINING), len(TRIVIAL)
    speedup, speedup_best = med["serial"] / med["pool"], low["serial"] / low["pool"]
    # Serial and pool runs of one repeat are seconds apart, so they share the load of
    # the moment: their ratio is steadier than a ratio of medians on a busy machine.
    paired = statistics.median(s / p for s, p in zip(samples["serial"], samples["pool"],
                                                     strict=True))
    verdict = "meet" if speedup >= TARGET_SPEEDUP else "miss"
    # A serial run alone on 2 cores leaves about half the machine idle; when much less
    # was idle, something else had the second core, and the pool could not have it.
    quiet = [i for i, idle in enumerate(idle_share["serial"]) if idle >= QUIET_IDLE]
    quiet_ratios = [samples["serial"][i] / samples["pool"][i] for i in quiet]
    quiet_text = (f"{statistics.median(quiet_ratios):.2f} over the {len(quiet)} repeats whose "
                  f"serial run left at least {QUIET_IDLE:.0%} of the machine idle"
                  if quiet else f"no repeat left {QUIET_IDLE:.0%} of the machine idle")
    per_trial = {k: 1e3 * statistics.mean(v) for k, v in trial_seconds.items()}
    lines = [
        f"Measured {datetime.date.today().isoformat()} on {machine()}. "
        f"Load average (1 min) {load_before:.2f} before, {load_after:.2f} after; "
        + ("the machine (shared with other helpers' jobs) was otherwise quiet during the "
           "runs: see the idle shares below."
           if len(quiet) > repeats // 2 else
           "other jobs shared the 2 cores during most runs, so treat the figures as rough."),
        "",
        f"Workload: {n} trials of digits 64-64-64-10, batch 64, Adam, 10 epochs "
        f"(learning rates 1e-4 to 1e-2 on a log grid; best dev accuracy "
        f"{max(best_scores):.3f}); one BLAS thread per process; median (min) of "
        f"{repeats} interleaved repeats. Serial, pool and Dask gave identical scores.",
        "",
        "| runner | 8 trials, s | speedup vs serial | mean trial, ms | per-trial overhead |",
        "|---|---|---|---|---|",
        f"| serial | {med['serial']:.3f} ({low['serial']:.3f}) | 1.00 | "
        f"{per_trial['serial']:.0f} | {1e3 * med['trivial serial'] / n_trivial:.3f} ms |",
        f"| process pool, 2 workers (started) | {med['pool']:.3f} ({low['pool']:.3f}) | "
        f"{speedup:.2f} ({speedup_best:.2f}) | {per_trial['pool']:.0f} | "
        f"{1e3 * med['trivial pool'] / n_trivial:.3f} ms |",
        f"| process pool, 2 workers (cold: start + run + shut down) | "
        f"{med['cold pool']:.3f} ({low['cold pool']:.3f}) | "
        f"{med['serial'] / med['cold pool']:.2f} | - | - |",
        f"| Dask LocalCluster, 2 workers x 1 thread (started) | "
        f"{med['dask']:.3f} ({low['dask']:.3f}) | {med['serial'] / med['dask']:.2f} | "
        f"{per_trial['dask']:.0f} | {1e3 * med['trivial dask'] / n_trivial:.3f} ms |",
        "",
        f"- Process pool against serial: speedup {speedup:.2f} on the medians, "
        f"{paired:.2f} as the median of each repeat's serial/pool ratio, {speedup_best:.2f} "
        f"on the best runs, {quiet_text}; the target is {TARGET_SPEEDUP} on 2 cores, which "
        f"the medians {verdict}.",
        f"- Idle share of the machine during the runs (median): serial "
        f"{statistics.median(idle_share['serial']):.0%} (about 50% when nothing else runs), "
        f"pool {statistics.median(idle_share['pool']):.0%}, "
        f"Dask {statistics.median(idle_share['dask']):.0%}.",
        f"- Dask against the pool: {1e3 * (med['dask'] - med['pool']) / n:+.1f} ms per "
        f"training trial (wall time difference / {n}); with a trivial objective "
        f"{1e3 * (med['trivial dask'] - med['trivial pool']) / n_trivial:+.2f} ms per trial. "
        f"Starting the cluster took {cluster_start:.2f} s (not in the timings).",
        "- 'mean trial' is the wall time inside one trial: above the serial figure, the "
        "trials slowed each other or were slowed by other load (for Dask, its scheduler, "
        "nannies and client also run on the 2 cores).",
    ]
    return "\n".join(lines)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        prog="bench_search_parallel.py",
        description="8 digits trials: serial vs process pool vs Dask (see the docstring).")
    parser.add_argument("--repeats", type=int, default=15,
                        help="interleaved timed runs of each runner (default 15)")
    parser.add_argument("--no-write", action="store_true",
                        help="only print the table; leave benchmarks/README.md alone")
    return parser.parse_args(argv)


def main(argv=None):
    options = parse_args(argv)
    load_before = os.getloadavg()[0]
    samples, trial_seconds, idle_share, cluster_start, scores = measure(options.repeats)
    report = table(samples, trial_seconds, idle_share, cluster_start, scores, load_before,
                   os.getloadavg()[0], options.repeats)
    print(report)
    if options.no_write:
        return
    write_section("bench_search_parallel", report)
    print("wrote benchmarks/README.md")


if __name__ == "__main__":
    main()
