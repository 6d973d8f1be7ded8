"""Training runs on the digits with plain SGD, with and without batch norm.

    config = probe_config(activation="relu", use_batchnorm=True)   # PROBE_DEFAULTS + changes
    model, run = trained_network(config)      # one run; run is a ProbeRun
    run = probe_run(config)                   # the same run, module level for process pools
    runs = learning_rate_sweep("sigmoid", (0.1, 1.0, 10.0), executor=pool)
    summary = sweep_summary(runs)             # fewest steps to the target, highest stable rate

Every run follows Ioffe & Szegedy's MNIST experiment on the 8x8 digits
(`course.data.cached_digits_split()`): plain SGD, dev accuracy every `eval_every`
steps. A config is a dict with the keys of PROBE_DEFAULTS: activation, use_batchnorm,
learning_rate, hidden_dims, batch_size, max_steps, eval_every, target, stop_at_target,
bn_momentum, weight_scale, seed. `new_network(config)` and `train_network(config, model, rng)` are
the two halves of `trained_network`, for experiments that watch a run as it trains.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from course.data import cached_digits_split
from course.nn import SGD, FullyConnectedNet, Trainer
from course.rng import as_rng
from course.threads import blas_limit

__all__ = ["PROBE_DEFAULTS", "ProbeRun", "probe_config", "new_network", "train_network",
           "trained_network", "probe_run", "learning_rate_sweep", "sweep_summary"]

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
    "weight_scale": None,  # None: He (relu) or Xavier (sigmoid, tanh); else the weights' std
    "seed": 0,
}


@dataclass
class ProbeRun:
    """One run: dev accuracy every `eval_every` steps, the cost of every step."""

    config: dict
    steps: np.ndarray  # steps at which dev accuracy was measured
    dev_accuracy: np.ndarray
    costs: np.ndarray
    diverged: bool
    steps_to_target: int | None  # first measured step with dev accuracy >= target


def probe_config(config=None, **changes):
    """PROBE_DEFAULTS updated with `config` and then `changes`; unknown keys are refused."""
    given = {**(config or {}), **changes}
    unknown = sorted(set(given) - set(PROBE_DEFAULTS))
    if unknown:
        raise ValueError(f"unknown keys {unknown}; the known ones are {sorted(PROBE_DEFAULTS)}.")
    return {**PROBE_DEFAULTS, **given}


def new_network(config, batchnorm=None):
    """The untrained network of a full config, and the rng its training continues with.

    batchnorm: an optional `course.nn.BatchNormOps` (to watch the batch statistics).
    """
    rng = as_rng(config["seed"])
    model = FullyConnectedNet(64, 10, hidden_dims=config["hidden_dims"],
                              activation=config["activation"],
                              use_batchnorm=config["use_batchnorm"],
                              bn_momentum=config["bn_momentum"],
                              weight_scale=config["weight_scale"], batchnorm=batchnorm, rng=rng)
    return model, rng


def train_network(config, model, rng, on_eval=None):
    """SGD on `model` for up to max_steps; returns its ProbeRun.

    Dev accuracy is measured at step 0 and every eval_every steps, and `on_eval(step)`
    is called after each measurement. The run stops when the cost diverges, or at the
    target when stop_at_target is set.
    """
    data = cached_digits_split()
    trainer = Trainer(model, SGD(config["learning_rate"]), data.X_train, data.y_train,
                      batch_size=config["batch_size"], rng=rng, on_divergence="stop",
                      eval_every=0)
    steps, accuracy, reached = [], [], None

    def measure():
        steps.append(trainer.iteration)
        accuracy.append(model.accuracy(data.X_dev, data.y_dev))
        if on_eval is not None:
            on_eval(trainer.iteration)

    measure()
    while trainer.iteration < config["max_steps"]:
        trainer.step()
        if trainer.history.diverged:
            break
        if trainer.iteration % config["eval_every"] == 0:
            measure()
            target = config["target"]
            if reached is None and target is not None and accuracy[-1] >= target:
                reached = trainer.iteration
                if config["stop_at_target"]:
                    break
    return ProbeRun(config, np.array(steps), np.array(accuracy),
                    np.array(trainer.history.costs), trainer.history.diverged, reached)


def trained_network(config):
    """Train one network on the digits with plain SGD; returns (model, ProbeRun)."""
    config = probe_config(config)
    with blas_limit():  # small matrices: extra BLAS threads only wait
        model, rng = new_network(config)
        return model, train_network(config, model, rng)


def probe_run(config):
    """The ProbeRun of trained_network(config) (module level, for process pools)."""
    return trained_network(config)[1]


def learning_rate_sweep(activation, learning_rates, *, executor=None, **options):
    """probe_run with and without batch norm at every rate; {(use_batchnorm, rate): run}.

    options: more config keys for every run; executor: any concurrent.futures executor
    (None runs them one after the other here).
    """
    configs = [{"activation": activation, "use_batchnorm": bn, "learning_rate": rate,
                **options} for bn in (False, True) for rate in learning_rates]
    runs = map(probe_run, configs) if executor is None else executor.map(probe_run, configs)
    return {(c["use_batchnorm"], c["learning_rate"]): run
            for c, run in zip(configs, runs, strict=True)}


def sweep_summary(runs):
    """Per arm (False: plain, True: batch norm): fewest steps to the target over the
    rates (and at which rate), the highest rate that reached the target, and the rates
    that diverged."""
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
