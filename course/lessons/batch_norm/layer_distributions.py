"""How the distribution of each hidden layer's z moves while a network learns.

    snapshots = histogram_snapshots(snapshot_steps=(0, 20, 100, 500))
    early = z_after_steps(steps=20, seeds=range(8))   # one moment, many seeds

histogram_snapshots trains a plain and a batch-norm network side by side
(`training_runs`, same seed and learning rate) and looks at z on the whole dev set as
they learn. "z" is the input of a
hidden layer's activation, as `FullyConnectedNet.layer_inputs` returns it: W a + b
without batch norm, gamma * z_norm + beta with it. The dev set is one batch normalized
with its own statistics, as in training.
"""

from __future__ import annotations

import numpy as np

from course.data import cached_digits_split
from course.lessons.batch_norm.training_runs import new_network, probe_config, train_network
from course.threads import blas_limit

__all__ = ["histogram_snapshots", "z_after_steps"]


def histogram_snapshots(*, snapshot_steps=(0, 20, 100, 500), learning_rate=1.0,
                        activation="sigmoid", bins=None, unit=0, seed=0):
    """Histograms of every hidden layer's z at the snapshot steps, without and with BN.

    Returns {use_batchnorm: {"histograms": array (snapshots, layers, bins-1) of the share
    of dev-set z values in each bin (values outside the bins count in the end bins),
    "steps": evaluation steps, "percentiles": array (evaluations, 3) of the 15th, 50th
    and 85th percentile of z for `unit` of the last hidden layer, "dev_accuracy" at each
    evaluation}} plus "snapshot_steps" and "bins" (default: 60 bins from -10 to 10).
    """
    data = cached_digits_split()
    bins = np.linspace(-10, 10, 61) if bins is None else np.asarray(bins)
    out = {"snapshot_steps": tuple(snapshot_steps), "bins": bins}
    for bn in (False, True):
        config = probe_config(activation=activation, use_batchnorm=bn,
                              learning_rate=learning_rate, max_steps=max(snapshot_steps),
                              eval_every=5, stop_at_target=False, seed=seed)
        model, rng = new_network(config)
        histograms, percentiles = {}, []

        def on_eval(step, model=model, histograms=histograms, percentiles=percentiles):
            _, inputs = model.layer_inputs(data.X_dev, statistics="batch")
            percentiles.append(np.percentile(inputs[-1][:, unit], [15, 50, 85]))
            if step in snapshot_steps:
                histograms[step] = [np.histogram(np.clip(z, bins[0], bins[-1]), bins)[0] / z.size
                                    for z in inputs]

        with blas_limit():
            run = train_network(config, model, rng, on_eval=on_eval)
        out[bn] = {"histograms": np.array([histograms[s] for s in snapshot_steps]),
                   "steps": run.steps, "percentiles": np.array(percentiles),
                   "dev_accuracy": run.dev_accuracy}
    return out


def z_after_steps(*, steps=20, seeds=range(8), learning_rate=1.0, activation="sigmoid"):
    """Each hidden layer's z on the dev set after `steps` steps, without and with BN, per seed.

    Returns {use_batchnorm: {"mean", "spread": arrays (seeds, layers) of the mean and the
    standard deviation of z over the dev set and the units of each layer (normalized with
    the dev set's own statistics, as in histogram_snapshots), "dev_accuracy": (seeds,)}}
    plus "seeds". The runs are histogram_snapshots' runs, cut at `steps`.
    """
    data = cached_digits_split()
    out = {"seeds": tuple(seeds)}
    for bn in (False, True):
        means, spreads, accuracy = [], [], []
        for seed in seeds:
            config = probe_config(activation=activation, use_batchnorm=bn,
                                  learning_rate=learning_rate, max_steps=steps,
                                  eval_every=steps, stop_at_target=False, seed=seed)
            with blas_limit():
                model, rng = new_network(config)
                run = train_network(config, model, rng)
                _, inputs = model.layer_inputs(data.X_dev, statistics="batch")
            means.append([float(z.mean()) for z in inputs])
            spreads.append([float(z.std()) for z in inputs])
            accuracy.append(run.dev_accuracy[-1])
        out[bn] = {"mean": np.array(means), "spread": np.array(spreads),
                   "dev_accuracy": np.array(accuracy)}
    return out
