"""An automatic panda: one training run whose learning rate a fixed rule adjusts as it goes.

    result = babysit(config, data, num_epochs=54, rule=PandaRule())
    result.score, result.curve, result.learning_rates, result.events
    babysit_digits(config) -> TrialResult      # module level, for run_trials and process pools

A person babysitting a model looks at it every so often and nudges the learning rate.
`PandaRule` writes down what such a person does, checked after every epoch:

1) blow-up: the epoch's mean cost is NaN or above `blowup` times the best so far ->
   go back to the best weights seen so far and divide the learning rate by `factor`;
2) creeping: while exploring (no cut yet and no epoch whose cost rose), an epoch that
   lowers the cost by less than the fraction `slow` -> multiply the learning rate by
   `factor` (it was too timid);
3) plateau: `patience` epochs in a row without a new lowest cost (by at least
   `slow` / 10 of it) -> divide the learning rate by `factor`.

The weights it goes back to are those of the best dev accuracy so far. The network,
optimizer and batch order come from `course.nn.build_from_config`, as in
`train_from_config`, so a rule that never fires reproduces
train_from_config's dev curve. `score` is the dev accuracy of the final weights.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field

import numpy as np

from course.nn import Trainer, build_from_config, make_optimizer
from course.nn.training import CONFIG_DEFAULTS
from course.search.results import TrialResult

__all__ = ["PandaRule", "BabysitResult", "babysit", "babysit_digits"]


@dataclass(frozen=True)
class PandaRule:
    """When the automatic babysitter changes the learning rate (see the module docstring)."""

    factor: float = 3.0
    slow: float = 0.1
    patience: int = 2
    blowup: float = 1.5

    def __post_init__(self):
        if not self.factor > 1:
            raise ValueError(f"factor must be > 1 (it multiplies or divides), got {self.factor}.")
        if not 0 <= self.slow < 1:
            raise ValueError(f"slow must be a fraction in [0, 1), got {self.slow}.")
        if self.patience < 1:
            raise ValueError(f"patience must be at least 1 epoch, got {self.patience}.")
        if not self.blowup > 1:
            raise ValueError(f"blowup must be > 1, got {self.blowup}.")


@dataclass
class BabysitResult:
    """One babysat run: dev accuracy and learning rate per epoch, and what the rule did."""

    score: float
    curve: np.ndarray  # dev accuracy after each epoch
    learning_rates: np.ndarray  # the learning rate each epoch trained with
    costs: np.ndarray  # mean mini-batch cost of each epoch
    events: list = field(default_factory=list)  # (epoch, reason, old lr, new lr)


def babysit(config, data, *, num_epochs, rule=PandaRule()):
    """Train one network for `num_epochs`, letting `rule` steer its learning rate.

    Inputs: config (vocabulary dict: learning_rate, optimizer, hidden_dims, seed, ...),
    data (a course.data Split), num_epochs (int), rule (a PandaRule).
    Returns: a BabysitResult.
    """
    model, optimizer, schedule, c, rng = build_from_config(config, data)
    settings = optimizer.hyperparameters()

    def new_trainer(optimizer):
        return Trainer(model, optimizer, data.X_train, data.y_train, batch_size=c["batch_size"],
                       X_dev=data.X_dev, y_dev=data.y_dev, schedule=schedule, rng=rng,
                       on_divergence="stop")

    learning_rate = float(settings["learning_rate"])
    trainer = new_trainer(optimizer)
    curve, rates, costs, events = [], [], [], []
    best_dev, best_cost, since_best, exploring = -1.0, math.inf, 0, True
    best_state = _checkpoint(model)

    def change(epoch, reason, new_rate):
        nonlocal learning_rate
        events.append((epoch, reason, learning_rate, new_rate))
        learning_rate = new_rate

    for epoch in range(1, int(num_epochs) + 1):
        seen = len(trainer.history.costs)
        trainer.run(1)
        rates.append(learning_rate)
        cost = float(np.mean(trainer.history.costs[seen:]))
        costs.append(cost)
        if not math.isfinite(cost) or cost > rule.blowup * best_cost:  # 1) blow-up
            _restore(model, best_state)
            change(epoch, "blow-up", learning_rate / rule.factor)
            # A fresh optimizer too: the old velocity points the way the blow-up went.
            trainer = new_trainer(make_optimizer(c["optimizer"],
                                                 **{**settings, "learning_rate": learning_rate}))
            exploring = False
            curve.append(model.accuracy(data.X_dev, data.y_dev))
            continue
        dev = trainer.history.dev_accuracy[-1]
        curve.append(dev)
        if dev > best_dev:  # the weights to go back to after a blow-up
            best_dev, best_state = dev, _checkpoint(model)
        previous_cost = costs[-2] if len(costs) > 1 else math.inf
        if cost < (1 - rule.slow / 10) * best_cost:  # progress: a clearly lower cost
            since_best = 0
        else:
            since_best += 1
        best_cost = min(best_cost, cost)
        drop = previous_cost - cost
        if exploring and drop < 0:  # a bumpy epoch: the rate is high enough already
            exploring = False
        elif exploring and drop < rule.slow * previous_cost:  # 2) creeping
            change(epoch, "creeping", learning_rate * rule.factor)
            trainer.set_hyperparameter("learning_rate", learning_rate)
        elif since_best >= rule.patience:  # 3) plateau
            change(epoch, "plateau", learning_rate / rule.factor)
            trainer.set_hyperparameter("learning_rate", learning_rate)
            since_best, exploring = 0, False
    return BabysitResult(float(curve[-1]), np.array(curve), np.array(rates), np.array(costs),
                         events)


def _checkpoint(model):
    return ({k: v.copy() for k, v in model.params.items()},
            {k: v.copy() for k, v in model.bn_running.items()})


def _restore(model, state):
    params, running = state
    for name, value in params.items():
        model.params[name] = value
    model.bn_running.update({k: v.copy() for k, v in running.items()})


@functools.lru_cache(maxsize=1)
def _digits():
    from course.data import digits_split

    return digits_split(seed=0)


def babysit_digits(config):
    """Objective for run_trials: babysit `config` on the digits for config["num_epochs"].

    Returns TrialResult(final dev accuracy, dev accuracy per epoch). Keys that are not
    training settings (rule factors) are not accepted: use babysit() for those.
    """
    config = dict(config)
    num_epochs = config.pop("num_epochs", CONFIG_DEFAULTS["num_epochs"])
    result = babysit(config, _digits(), num_epochs=num_epochs)
    return TrialResult(result.score, result.curve)
