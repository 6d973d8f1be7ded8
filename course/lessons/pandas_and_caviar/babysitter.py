"""An automatic panda: a Trainer callback that adjusts the learning rate as a person would.

    result = babysit(config, data, num_epochs=54, rule=PandaRule())
    result.score, result.curve, result.learning_rates, result.costs, result.events
    babysit_digits(config) -> TrialResult      # module level, for run_trials and process pools

    sitter = Babysitter(PandaRule(), model)    # or steer any course.nn Trainer yourself
    Trainer(model, optimizer, X, y, callbacks=[sitter], on_divergence="stop", ...)

A person babysitting a model looks at it every so often and nudges the learning rate.
`PandaRule` writes down what such a person does; `Babysitter.on_epoch_end` applies it
after every epoch, to the epoch's mean mini-batch cost. The yardstick is the starting cost
ln C for C classes, what a network that knows nothing pays (a fresh one is near it):

1) blow-up: the cost is NaN, or above the lowest so far (ln C before any epoch) by more
   than `blowup` x ln C, or every unit of a ReLU hidden layer is silent on the dev set
   (a dead network: no rate can revive it) -> go back to the best weights seen so far,
   divide the learning rate by `factor`, and start the optimizer afresh (its velocity
   points the way the blow-up went);
2) creeping: while exploring (no cut yet and no epoch whose cost rose), an epoch that
   lowers the cost by less than the fraction `slow` while the cost is still within `slow`
   of ln C -> multiply the learning rate by `factor` (it was too timid). A cost that has
   left the start but falls slowly is not timid: the rate may be too high already;
3) plateau: `patience` epochs in a row at the current rate without a cost clearly below
   (by `slow` / 10) the lowest before them -> divide the learning rate by `factor`, and if
   the dev accuracy has slid below its best, go on from the best weights.

The weights it goes back to are those of the best dev accuracy so far (the starting
weights until an epoch has been scored). When a step's cost is NaN or runs away, the
Trainer hands the cut-short epoch to `Babysitter.on_divergence`, which treats it as a
blow-up and tells the Trainer to go on with a fresh epoch. The network, optimizer and
batch order come from `course.nn.build_from_config`, as in `train_from_config`, so a
rule that never fires reproduces train_from_config's dev curve. `score` is the dev
accuracy of the final weights.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from itertools import pairwise

import numpy as np

from course.data import cached_digits_split
from course.nn import Trainer, build_from_config, train_from_config
from course.nn.training import CONFIG_DEFAULTS
from course.search.results import TrialResult
from course.search.runner import starmap

__all__ = ["PandaRule", "Babysitter", "BabysitResult", "babysit", "babysit_digits",
           "babysat_vs_left_alone"]


@dataclass(frozen=True)
class PandaRule:
    """When the automatic babysitter changes the learning rate (see the module docstring).

    `verdict` is the whole rule as a function of the run's record; the Babysitter keeps the
    record and acts on the verdict.
    """

    factor: float = 3.0
    slow: float = 0.1
    patience: int = 2
    blowup: float = 0.25

    def __post_init__(self):
        if not self.factor > 1:
            raise ValueError(f"factor must be > 1 (it multiplies or divides), got {self.factor}.")
        if not 0 <= self.slow < 1:
            raise ValueError(f"slow must be a fraction in [0, 1), got {self.slow}.")
        if self.patience < 1:
            raise ValueError(f"patience must be at least 1 epoch, got {self.patience}.")
        if not self.blowup > 0:
            raise ValueError(f"blowup must be > 0 (a share of the starting cost), "
                             f"got {self.blowup}.")

    def verdict(self, costs, rates, start_cost):
        """"blow-up", "creeping", "plateau" or None for the epoch just ended.

        costs[i] is epoch i's mean cost and rates[i] the learning rate it trained with,
        oldest first, the epoch to judge last; start_cost is the cost of knowing nothing,
        ln C for C classes (a fresh network's cost is near it).
        """
        if not len(costs) == len(rates) >= 1:
            raise ValueError(f"verdict needs one cost and one rate per epoch, at least one "
                             f"epoch; got {len(costs)} costs and {len(rates)} rates.")
        cost = costs[-1]
        lowest = min([start_cost, *(c for c in costs[:-1] if math.isfinite(c))])
        if not math.isfinite(cost) or cost > lowest + self.blowup * start_cost:
            return "blow-up"
        never_cut = all(b >= a for a, b in pairwise(rates))
        never_rose = all(b <= a for a, b in pairwise(costs))
        if (never_cut and never_rose and len(costs) >= 2
                and cost > (1 - self.slow) * costs[-2]
                and cost > (1 - self.slow) * start_cost):
            return "creeping"
        window = costs[-self.patience:]
        if (len(costs) > self.patience
                and all(rate == rates[-1] for rate in rates[-self.patience:])
                and min(window) >= (1 - self.slow / 10) * min(
                    [start_cost, *(c for c in costs[:-self.patience] if math.isfinite(c))])):
            return "plateau"
        return None


@dataclass
class BabysitResult:
    """One babysat run: dev accuracy and learning rate per epoch, and what the rule did."""

    score: float
    curve: np.ndarray  # dev accuracy after each epoch
    learning_rates: np.ndarray  # the learning rate each epoch trained with
    costs: np.ndarray  # mean mini-batch cost of each epoch
    events: list = field(default_factory=list)  # (epoch, reason, old lr, new lr)


class Babysitter:
    """A Trainer callback that applies a PandaRule after every epoch (see module docstring).

    rule: a PandaRule; model: the network the Trainer trains, whose weights now are the
    fall-back until an epoch has been scored. The per-epoch record (`curve`,
    `learning_rates`, `costs`, `events`) fills as the run goes; `result()` packs it.
    """

    def __init__(self, rule, model):
        self.rule = rule
        self.start_cost = math.log(model.num_classes)
        self.curve, self.learning_rates, self.costs, self.events = [], [], [], []
        self.best_dev = -1.0
        self._best_state = _checkpoint(model)
        self._epoch_start = 0  # index in history.costs of the current epoch's first step

    # ------------------------------------------------------------------ the rule
    def judge(self, cost, rate, *, diverged=False, dead=False):
        """Record an epoch of mean cost `cost` trained at `rate` and return the rule's
        verdict: "blow-up" (also when the Trainer cut it short, or the network is dead),
        "creeping", "plateau" or None (leave the learning rate alone)."""
        self.costs.append(cost)
        self.learning_rates.append(rate)
        if diverged or dead:
            return "blow-up"
        return self.rule.verdict(self.costs, self.learning_rates, self.start_cost)

# ------------------------------------------------------------------ Trainer callback
    def on_epoch_end(self, trainer):
        """Judge the epoch just finished and act on the trainer (Trainer callback)."""
        cost, rate = self._end_epoch(trainer)
        reason = self.judge(cost, rate, dead=_dead(trainer.model, trainer.X_dev))
        if reason == "blow-up":
            self._roll_back(trainer, trainer.epoch)
            return
        trainer.evaluate()  # a no-op when the Trainer has scored this epoch already
        dev = trainer.history.dev_accuracy[-1]
        self.curve.append(dev)
        if dev > self.best_dev:  # the weights to go back to after a blow-up
            self.best_dev, self._best_state = dev, _checkpoint(trainer.model)
        rate, factor = trainer.optimizer.learning_rate, self.rule.factor
        if reason == "creeping":
            self._change_rate(trainer, trainer.epoch, reason, rate * factor)
        elif reason == "plateau":
            self._change_rate(trainer, trainer.epoch, reason, rate / factor)
            if dev < self.best_dev:  # the run has slid back: go on from its best weights
                _restore(trainer.model, self._best_state)
                _fresh_optimizer(trainer)

    def on_divergence(self, trainer):
        """A step's cost was NaN or ran away (Trainer callback): treat the epoch cut short
        as a blow-up, roll back, and tell the Trainer to go on with a fresh epoch."""
        self.judge(*self._end_epoch(trainer), diverged=True)
        self._roll_back(trainer, trainer.epoch)  # the Trainer has counted it done
        return True

    def result(self):
        """The run so far as a BabysitResult."""
        return BabysitResult(float(self.curve[-1]), np.array(self.curve),
                             np.array(self.learning_rates), np.array(self.costs),
                             list(self.events))

    def _end_epoch(self, trainer):
        """The epoch's mean cost and the learning rate it trained with."""
        if trainer.X_dev is None:
            raise ValueError("the Babysitter keeps the weights with the best dev accuracy, but "
                             "this Trainer has no dev data; pass X_dev and y_dev to it.")
        costs = trainer.history.costs[self._epoch_start:]
        rate = trainer.history.learning_rates[self._epoch_start]
        self._epoch_start = len(trainer.history.costs)
        return float(np.mean(costs)), rate

    def _roll_back(self, trainer, epoch):
        _restore(trainer.model, self._best_state)
        self._change_rate(trainer, epoch, "blow-up",
                          trainer.optimizer.learning_rate / self.rule.factor)
        _fresh_optimizer(trainer)
        self.curve.append(trainer.model.accuracy(trainer.X_dev, trainer.y_dev))

    def _change_rate(self, trainer, epoch, reason, new_rate):
        self.events.append((epoch, reason, trainer.optimizer.learning_rate, new_rate))
        trainer.set_hyperparameter("learning_rate", new_rate)


def _dead(model, X):
    """True when a ReLU network has a hidden layer none of whose units fires on any row of
    X: nothing reaches the layers below it, so no learning rate can revive it."""
    if model.activation != "relu" or model.num_layers < 2:
        return False
    _, zs = model.layer_inputs(X)
    return any(not np.any(z > 0) for z in zs)


def _fresh_optimizer(trainer):
    """A new optimizer with the same settings: the old velocity points where the weights
    were, not where they are now."""
    optimizer = trainer.optimizer
    trainer.optimizer = type(optimizer)(**optimizer.hyperparameters())


def _checkpoint(model):
    return ({k: v.copy() for k, v in model.params.items()},
            {k: v.copy() for k, v in model.bn_running.items()})


def _restore(model, state):
    params, running = state
    for name, value in params.items():
        model.params[name] = value
    model.bn_running.update({k: v.copy() for k, v in running.items()})


def babysit(config, data, *, num_epochs, rule=PandaRule()):
    """Train one network for `num_epochs`, letting `rule` steer its learning rate.

    Inputs: config (vocabulary dict: learning_rate, optimizer, hidden_dims, seed, ...),
    data (a course.data Split with dev data), num_epochs (int), rule (a PandaRule).
    Returns: a BabysitResult.
    """
    model, optimizer, schedule, c, rng = build_from_config(config, data)
    sitter = Babysitter(rule, model)
    trainer = Trainer(model, optimizer, data.X_train, data.y_train, batch_size=c["batch_size"],
                      X_dev=data.X_dev, y_dev=data.y_dev, schedule=schedule, rng=rng,
                      callbacks=[sitter], on_divergence="stop")
    trainer.run(int(num_epochs))
    return sitter.result()


def babysit_digits(config):
    """Objective for run_trials: babysit `config` on the digits for config["num_epochs"].

    Returns TrialResult(final dev accuracy, dev accuracy per epoch). Keys that are not
    training settings (rule factors) are not accepted: use babysit() for those.
    """
    config = dict(config)
    num_epochs = config.pop("num_epochs", CONFIG_DEFAULTS["num_epochs"])
    result = babysit(config, cached_digits_split(), num_epochs=num_epochs)
    return TrialResult(result.score, result.curve)


def babysat_vs_left_alone(config, data, start_rates, seeds, *, num_epochs, rule=PandaRule(),
                          executor=None):
    """The rule's worth, measured: for every start rate and seed, the final dev accuracy of
    `config` babysat by `rule` and of the same start left alone.

    Returns {start rate: {"babysat": array over seeds, "alone": array over seeds}}. The
    seed picks the starting weights and the batch order (config["seed"]); both runs of a
    pair share it, so they differ only by what the rule did. With `executor` (a
    concurrent.futures executor, e.g. course.search.process_pool) the pairs run there.
    """
    seeds = [int(seed) for seed in seeds]
    jobs = [({**config, "learning_rate": float(rate), "seed": seed}, data, num_epochs, rule)
            for rate in start_rates for seed in seeds]
    pairs = starmap(_babysat_and_alone, jobs, executor)
    table, n = {}, len(seeds)
    for k, rate in enumerate(start_rates):
        chunk = pairs[k * n:(k + 1) * n]
        table[rate] = {"babysat": np.array([b for b, _ in chunk]),
                       "alone": np.array([a for _, a in chunk])}
    return table


def _babysat_and_alone(config, data, num_epochs, rule):
    """(babysat final dev accuracy, left-alone final dev accuracy) of one start."""
    babysat = babysit(config, data, num_epochs=num_epochs, rule=rule).score
    history = train_from_config({**config, "num_epochs": num_epochs}, data)[1]
    return babysat, history.dev_accuracy[-1] if history.dev_accuracy else math.nan
