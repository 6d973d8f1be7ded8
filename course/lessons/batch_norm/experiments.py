"""Experiments on batch normalization: what it changes in training and at test time.

    layer_inputs(model, X, statistics="running" | "batch")  -> (scores, [z per hidden layer])
    trained_network(config) -> (model, ProbeRun)   one SGD run on the digits
    probe_run(config) -> ProbeRun         the same, for process pools
    learning_rate_sweep(activation, rates, ..., executor) -> {(use_batchnorm, rate): ProbeRun}
    sweep_summary(runs) -> fewest steps to the target and highest stable rate, per arm
    histogram_snapshots(...)              per-layer histograms of z during training
    batch_noise(model, X, ...)            how much a batch's statistics jiggle one example
    momentum_replay(...)                  test accuracy for each running-average momentum
    accuracy_with_batch_statistics(model, X, y, batch_size, rng)
                                          normalizing each test batch with its own statistics

"z" is the input of a hidden layer's activation: W a + b without batch norm, and
gamma * z_norm + beta with it (what the activation actually sees). All runs use plain
SGD on `course.data.digits_split(seed=0)`, like Ioffe & Szegedy's MNIST experiment, and
a config dict with these keys (defaults in PROBE_DEFAULTS): activation, use_batchnorm,
learning_rate, hidden_dims, batch_size, max_steps, eval_every, target, stop_at_target,
bn_momentum, seed. `probe_run` is a module-level function, so sweeps run on a process pool.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
from threadpoolctl import threadpool_limits

from course.nn import (
    ACTIVATIONS,
    DEFAULT_BATCHNORM,
    SGD,
    BatchNormOps,
    FullyConnectedNet,
    Trainer,
    batchnorm_forward,
    batchnorm_inference,
)

__all__ = ["PROBE_DEFAULTS", "ProbeRun", "layer_inputs", "trained_network", "probe_run",
           "learning_rate_sweep", "sweep_summary", "histogram_snapshots", "batch_noise",
           "momentum_replay", "accuracy_with_batch_statistics", "digits"]

PROBE_DEFAULTS = {
    "activation": "sigmoid",
    "use_batchnorm": False,
    "learning_rate": 1.0,
    "hidden_dims": (100, 100, 100),  # Ioffe & Szegedy, section 4.1
    "batch_size": 60,
    "max_steps": 1000,
    "eval_every": 10,
    "target": 0.9,
    "stop_at_target": True,
    "bn_momentum": 0.9,
    "seed": 0,
}


@functools.lru_cache(maxsize=1)
def digits():
    """The digits split every experiment here uses (read once per process)."""
    from course.data import digits_split

    return digits_split(seed=0)


# ---------------------------------------------------------------------- forward probe
def layer_inputs(model, X, statistics="running"):
    """Forward X through `model`, returning (scores, [z of each hidden layer]).

    statistics: "running" normalizes with the running averages (eval mode, as
    model.scores does); "batch" normalizes with the mean and variance of X itself, as
    training does, without touching the running averages. Ignored without batch norm.
    """
    if statistics not in ("running", "batch"):
        raise ValueError(f"statistics must be 'running' or 'batch', got {statistics!r}.")
    activation, _ = ACTIVATIONS[model.activation]
    p, h, inputs = model.params, np.asarray(X, dtype=model.dtype), []
    for l in range(1, model.num_layers):
        if model.use_batchnorm:
            z = h @ p[f"W{l}"]
            if statistics == "batch":
                z, _ = batchnorm_forward(z, p[f"gamma{l}"], p[f"beta{l}"], model.bn_eps)
            else:
                z = batchnorm_inference(z, p[f"gamma{l}"], p[f"beta{l}"],
                                        model.bn_running[f"mean{l}"],
                                        model.bn_running[f"var{l}"], model.bn_eps)
        else:
            z = h @ p[f"W{l}"] + p[f"b{l}"]
        inputs.append(z)
        h, _ = activation(z)
    L = model.num_layers
    return h @ p[f"W{L}"] + p[f"b{L}"], inputs


# ---------------------------------------------------------------------- training runs
@dataclass
class ProbeRun:
    """One run: dev accuracy every `eval_every` steps, the cost of every step."""

    config: dict
    steps: np.ndarray  # steps at which dev accuracy was measured
    dev_accuracy: np.ndarray
    costs: np.ndarray
    diverged: bool
    steps_to_target: int | None  # first measured step with dev accuracy >= target


def _network(c, batchnorm=None):
    rng = np.random.default_rng(c["seed"])
    model = FullyConnectedNet(64, 10, hidden_dims=c["hidden_dims"], activation=c["activation"],
                              use_batchnorm=c["use_batchnorm"], bn_momentum=c["bn_momentum"],
                              batchnorm=batchnorm, rng=rng)
    return model, rng


def _train(c, model, rng, on_eval=None):
    """SGD for up to max_steps; dev accuracy every eval_every steps (and on_eval(step))."""
    data = digits()
    trainer = Trainer(model, SGD(c["learning_rate"]), data.X_train, data.y_train,
                      batch_size=c["batch_size"], rng=rng, on_divergence="stop", eval_every=0)
    steps, accuracy, reached = [], [], None

    def look():
        steps.append(trainer.iteration)
        accuracy.append(model.accuracy(data.X_dev, data.y_dev))
        if on_eval is not None:
            on_eval(trainer.iteration)

    look()
    while trainer.iteration < c["max_steps"]:
        trainer.step()
        if trainer.history.diverged:
            break
        if trainer.iteration % c["eval_every"] == 0:
            look()
            if reached is None and c["target"] is not None and accuracy[-1] >= c["target"]:
                reached = trainer.iteration
                if c["stop_at_target"]:
                    break
    return ProbeRun(c, np.array(steps), np.array(accuracy), np.array(trainer.history.costs),
                    trainer.history.diverged, reached)


def trained_network(config):
    """Train one network on the digits with plain SGD; returns (model, ProbeRun)."""
    unknown = sorted(set(config) - set(PROBE_DEFAULTS))
    if unknown:
        raise ValueError(f"unknown keys {unknown}; the known ones are {sorted(PROBE_DEFAULTS)}.")
    c = {**PROBE_DEFAULTS, **config}
    with threadpool_limits(limits=1, user_api="blas"):  # small matrices: threads only wait
        model, rng = _network(c)
        return model, _train(c, model, rng)


def probe_run(config):
    """The ProbeRun of trained_network(config) (module level, for process pools)."""
    return trained_network(config)[1]


def learning_rate_sweep(activation, learning_rates, *, executor=None, **options):
    """probe_run with and without batch norm at every rate; {(use_batchnorm, rate): run}."""
    configs = [{"activation": activation, "use_batchnorm": bn, "learning_rate": rate,
                **options} for bn in (False, True) for rate in learning_rates]
    runs = map(probe_run, configs) if executor is None else executor.map(probe_run, configs)
    return {(c["use_batchnorm"], c["learning_rate"]): run
            for c, run in zip(configs, runs, strict=True)}


def sweep_summary(runs):
    """Per arm (False: plain, True: batch norm): fewest steps to the target over the
    rates (and at which rate), and the highest rate that reached the target."""
    summary = {}
    for bn in (False, True):
        arm = {rate: run for (b, rate), run in runs.items() if b == bn}
        reached = {rate: run.steps_to_target for rate, run in arm.items()
                   if run.steps_to_target is not None and not run.diverged}
        fastest = min(reached, key=reached.get) if reached else None
        summary[bn] = {
            "fewest_steps": reached.get(fastest),
            "fastest_rate": fastest,
            "highest_stable_rate": max(reached) if reached else None,
            "diverged_rates": sorted(rate for rate, run in arm.items() if run.diverged),
        }
    return summary


# ---------------------------------------------------------------------- histograms of z
def histogram_snapshots(*, snapshot_steps=(0, 20, 100, 500), learning_rate=1.0,
                        activation="sigmoid", bins=None, unit=0, seed=0):
    """Train a plain and a batch-norm network side by side and look at z as they learn.

    Returns {use_batchnorm: {"histograms": array (snapshots, layers, bins-1) of the share
    of dev-set z values in each bin, "steps": evaluation steps, "percentiles": array
    (evaluations, 3) of the 15th/50th/85th percentile of z for `unit` of the last hidden
    layer}} plus "snapshot_steps" and "bins" (default: 60 bins from -10 to 10). z is
    computed on the whole dev set as one batch (batch statistics, as in training).
    """
    data = digits()
    bins = np.linspace(-10, 10, 61) if bins is None else np.asarray(bins)
    out = {"snapshot_steps": tuple(snapshot_steps), "bins": bins}
    for bn in (False, True):
        c = {**PROBE_DEFAULTS, "activation": activation, "use_batchnorm": bn,
             "learning_rate": learning_rate, "max_steps": max(snapshot_steps),
             "eval_every": 5, "stop_at_target": False, "seed": seed}
        model, rng = _network(c)
        histograms, percentiles = {}, []

        def on_eval(step, model=model, histograms=histograms, percentiles=percentiles):
            _, inputs = layer_inputs(model, data.X_dev, statistics="batch")
            percentiles.append(np.percentile(inputs[-1][:, unit], [15, 50, 85]))
            if step in snapshot_steps:
                histograms[step] = [np.histogram(np.clip(z, bins[0], bins[-1]), bins)[0] / z.size
                                    for z in inputs]

        with threadpool_limits(limits=1, user_api="blas"):
            run = _train(c, model, rng, on_eval=on_eval)
        out[bn] = {"histograms": np.array([histograms[s] for s in snapshot_steps]),
                   "steps": run.steps, "percentiles": np.array(percentiles),
                   "dev_accuracy": run.dev_accuracy}
    return out


# ---------------------------------------------------------------------- batch statistics
def batch_noise(model, X, *, batch_sizes=(2, 4, 8, 16, 32, 64, 128, 256), draws=300,
                example=0, rng=None):
    """How much the batch it lands in moves one example's normalized first-layer value.

    For each batch size m, `draws` batches are made of X[example] plus m - 1 other rows
    drawn at random; each is normalized with its own mean and variance (train mode).
    Returns {"batch_sizes", "noise": mean over units of the std over draws of the
    example's normalized value (in units of z's own spread), "values": (sizes, draws)
    normalized values of unit 0, "mean_noise" and "var_noise": std over draws of the
    batch mean / population std and of the batch variance / population variance,
    averaged over units, "population": the example's value normalized with the
    statistics of all of X}.
    """
    rng = np.random.default_rng(rng)
    z_all = np.asarray(X, dtype=np.float64) @ model.params["W1"].astype(np.float64)
    mu, var = z_all.mean(axis=0), z_all.var(axis=0)
    others = np.delete(np.arange(len(z_all)), example)
    noise, values, mean_noise, var_noise = [], [], [], []
    for m in batch_sizes:
        picks = np.array([rng.choice(others, m - 1, replace=False) for _ in range(draws)])
        batches = np.concatenate([np.broadcast_to(z_all[example], (draws, 1, z_all.shape[1])),
                                  z_all[picks]], axis=1)  # (draws, m, units)
        batch_mean, batch_var = batches.mean(axis=1), batches.var(axis=1)
        normalized = (z_all[example] - batch_mean) / np.sqrt(batch_var + model.bn_eps)
        noise.append(float(normalized.std(axis=0).mean()))
        values.append(normalized[:, 0])
        mean_noise.append(float((batch_mean.std(axis=0) / np.sqrt(var)).mean()))
        var_noise.append(float((batch_var.std(axis=0) / var).mean()))
    return {"batch_sizes": np.array(batch_sizes), "noise": np.array(noise),
            "values": np.array(values), "mean_noise": np.array(mean_noise),
            "var_noise": np.array(var_noise),
            "population": float((z_all[example, 0] - mu[0]) / np.sqrt(var[0] + model.bn_eps))}


def _recording_batchnorm(record):
    """Default batch norm whose running-average update also appends (mean, var) to record."""

    def update(running_mean, running_var, batch_mean, batch_var, momentum):
        record.append((batch_mean.copy(), batch_var.copy()))
        return DEFAULT_BATCHNORM.update_running_stats(running_mean, running_var, batch_mean,
                                                      batch_var, momentum)

    return BatchNormOps(DEFAULT_BATCHNORM.forward, DEFAULT_BATCHNORM.backward, update,
                        DEFAULT_BATCHNORM.inference)


def momentum_replay(momenta=(0.0, 0.5, 0.9, 0.99, 0.995, 0.999), *, steps=200,
                    learning_rate=0.3, activation="relu", seed=0):
    """Test accuracy of one trained batch-norm network under each running-average momentum.

    The momentum of the running averages does not change training at all (training
    normalizes with batch statistics), so one run is trained, every batch's mean and
    variance are recorded, and the running averages are recomputed for each momentum.
    Returns {"momenta", "test_accuracy" (one per momentum), "population_accuracy" (with
    statistics of the whole training set), "batch_means" (steps,) and "running_means"
    (momenta, steps) of unit 0 of layer 1, "population_mean" of that unit}.
    """
    data = digits()
    record = []
    c = {**PROBE_DEFAULTS, "activation": activation, "use_batchnorm": True,
         "learning_rate": learning_rate, "max_steps": steps, "stop_at_target": False,
         "eval_every": steps, "seed": seed}
    with threadpool_limits(limits=1, user_api="blas"):
        model, rng = _network(c, batchnorm=_recording_batchnorm(record))
        _train(c, model, rng)
        layers = model.num_layers - 1
        means = [np.array([record[s * layers + l][0] for s in range(steps)])
                 for l in range(layers)]
        variances = [np.array([record[s * layers + l][1] for s in range(steps)])
                     for l in range(layers)]
        accuracy, running_unit = [], []
        for beta in momenta:
            for l in range(layers):
                mean, var = np.zeros(means[l].shape[1]), np.ones(means[l].shape[1])
                trace = []
                for s in range(steps):
                    mean = beta * mean + (1 - beta) * means[l][s]
                    var = beta * var + (1 - beta) * variances[l][s]
                    trace.append(mean[0])
                model.bn_running[f"mean{l + 1}"] = mean.astype(model.dtype)
                model.bn_running[f"var{l + 1}"] = var.astype(model.dtype)
                if l == 0:
                    running_unit.append(trace)
            accuracy.append(model.accuracy(data.X_test, data.y_test))
        population_mean = _use_population_statistics(model, data.X_train)
        population_accuracy = model.accuracy(data.X_test, data.y_test)
    return {"momenta": np.array(momenta), "test_accuracy": np.array(accuracy),
            "population_accuracy": population_accuracy, "batch_means": means[0][:, 0],
            "running_means": np.array(running_unit), "population_mean": population_mean}


def _use_population_statistics(model, X):
    """Set the running averages to the exact mean and variance of z over all of X, layer
    by layer; returns the mean of unit 0 of layer 1."""
    activation, _ = ACTIVATIONS[model.activation]
    p, h = model.params, np.asarray(X, dtype=model.dtype)
    for l in range(1, model.num_layers):
        z = h @ p[f"W{l}"]
        model.bn_running[f"mean{l}"] = z.mean(axis=0)
        model.bn_running[f"var{l}"] = z.var(axis=0)
        h, _ = activation(batchnorm_inference(z, p[f"gamma{l}"], p[f"beta{l}"],
                                              model.bn_running[f"mean{l}"],
                                              model.bn_running[f"var{l}"], model.bn_eps))
    return float(model.bn_running["mean1"][0])


def accuracy_with_batch_statistics(model, X, y, batch_size=None, rng=None):
    """Accuracy when each test batch is normalized with its own statistics (train mode).

    batch_size None normalizes with the running averages instead (eval mode, the right
    way); batch_size 1 normalizes each example with its own mean and variance.
    """
    if batch_size is None:
        return float(np.mean(layer_inputs(model, X)[0].argmax(axis=1) == y))
    order = np.random.default_rng(rng).permutation(len(y))
    correct = 0
    for start in range(0, len(y), batch_size):
        rows = order[start:start + batch_size]
        scores, _ = layer_inputs(model, X[rows], statistics="batch")
        correct += int(np.sum(scores.argmax(axis=1) == y[rows]))
    return correct / len(y)
