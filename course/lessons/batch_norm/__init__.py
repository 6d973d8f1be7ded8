"""Lesson 05, batch normalization (lessons/05_batch_normalization.ipynb).

What the lesson computes (no screen code) and the demo that shows each:

    training_runs              plain SGD on the digits, with and without batch norm:
                               PROBE_DEFAULTS, ProbeRun, probe_config, trained_network,
                               probe_run, learning_rate_sweep, sweep_summary
    layer_distributions        histogram_snapshots: each hidden layer's z as the two
                               networks learn; z_after_steps: the same at one step, per seed
    seed_tables                comparisons over seeds: run_grid, speedup, spread,
                               format_spread; load_tables reads the lesson's saved tables
                               (seed_tables.npz, made by make_seed_tables.py);
                               PAPER_STEPS: Ioffe & Szegedy's Table 2
    plain_vs_batchnorm_demo    histograms_demo(): z's histograms at a chosen step;
                               sweep_demo(): both networks at a chosen learning rate
    batch_statistics           batch_noise (how much its batch moves one example),
                               momentum_replay (test accuracy for each running-average
                               momentum), accuracy_with_batch_statistics (test batches
                               normalized with their own statistics)
    batch_statistics_demo      noise_demo(): noise against batch size; momentum_demo():
                               the running mean and the test accuracy for each momentum
    legend_room                make_room_for_legend: the demos' legends sit above the data

Each layer's z comes from the network itself (`FullyConnectedNet.layer_inputs`, with
batch or running statistics). Each demo returns a `course.demos.view.DemoView`
(compute -> Plot -> view) whose sliders only select among results already computed.
The notebook and the playground import from here:

    from course.lessons.batch_norm import histogram_snapshots, histograms_demo
"""

from course.lessons.batch_norm.batch_statistics import (
    accuracy_with_batch_statistics,
    batch_noise,
    momentum_replay,
)
from course.lessons.batch_norm.batch_statistics_demo import momentum_demo, noise_demo
from course.lessons.batch_norm.layer_distributions import histogram_snapshots, z_after_steps
from course.lessons.batch_norm.plain_vs_batchnorm_demo import histograms_demo, sweep_demo
from course.lessons.batch_norm.seed_tables import (
    PAPER_STEPS,
    format_spread,
    load_tables,
    run_grid,
    speedup,
    spread,
)
from course.lessons.batch_norm.training_runs import (
    PROBE_DEFAULTS,
    ProbeRun,
    learning_rate_sweep,
    probe_config,
    probe_run,
    sweep_summary,
    trained_network,
)

__all__ = [
    "PAPER_STEPS",
    "PROBE_DEFAULTS",
    "ProbeRun",
    "accuracy_with_batch_statistics",
    "batch_noise",
    "format_spread",
    "histogram_snapshots",
    "histograms_demo",
    "learning_rate_sweep",
    "load_tables",
    "momentum_demo",
    "momentum_replay",
    "noise_demo",
    "probe_config",
    "probe_run",
    "run_grid",
    "speedup",
    "spread",
    "sweep_summary",
    "sweep_demo",
    "trained_network",
    "z_after_steps",
]
