"""The training loop: mini-batches, history, callbacks, schedules, divergence.

    trainer = Trainer(model, optimizer, X, y, batch_size=64, X_dev=None, y_dev=None,
                      schedule=None, callbacks=(), rng=None, on_divergence="raise")
    cost = trainer.step()             # one mini-batch
    history = trainer.run(num_epochs)

Each epoch visits every example exactly once, in a fresh random order (no
replacement). A callback is any object with optional methods `on_step(trainer)`
(after every step) and `on_epoch_end(trainer)`; it may read `trainer.history`,
change a hyperparameter with `trainer.set_hyperparameter(name, value)` (used from
the next step on and recorded in `history.events`) or end the run with
`trainer.stop(reason)`. A third optional method, `on_divergence(trainer)`, is
called when a step diverges (see below), with the cut-short epoch already counted
as done; returning True says the callback has dealt with it (rolled the weights back,
say), and the run goes on with a fresh epoch (the cut one is scored only if it was the
run's last); anything else lets the divergence stop the run. A schedule sets
the learning rate at the start of every epoch to schedule(lr0, epoch); setting the
learning rate by hand restarts it from the new value. The same rng seed gives the same History.

A run has diverged when its cost turns NaN or infinite, or grows above
`diverge_above` times its first step's cost (times 1 if that was smaller;
default 1000, None turns this off). With on_divergence="raise" (the default) the
loop then raises TrainingDiverged; with "stop" it ends the run with
history.diverged = True and the message in stop_reason. Either message says the
learning rate is probably too high.

`train(...)` wraps Trainer for one call; `build_from_config(config, data)` builds
the network, optimizer and schedule from a dict of vocabulary names, and
`train_from_config(config, data)` also trains them.
"""

import functools
import inspect
import math
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from course.nn.model import FullyConnectedNet
from course.nn.optim import OPTIMIZERS, make_optimizer
from course.nn.schedules import InverseTimeDecay
from course.rng import as_rng
from course.validate import check_choice, check_features, check_labels, check_positive_int

_HOOKS = ("on_step", "on_epoch_end", "on_divergence")


class TrainingDiverged(RuntimeError):
    """The cost became NaN or infinite during training."""


class Event(NamedTuple):
    """A hyperparameter change: at `iteration` (steps done so far), `name` went `old` -> `new`."""

    iteration: int
    name: str
    old: object
    new: object


@dataclass
class History:
    """What a run recorded: per iteration, per evaluated epoch, and why it ended."""

    costs: list = field(default_factory=list)  # cost of each step's mini-batch
    learning_rates: list = field(default_factory=list)  # learning rate each step used
    epochs: list = field(default_factory=list)  # epochs (1, 2, ...) at which accuracy was taken
    train_accuracy: list = field(default_factory=list)
    dev_accuracy: list = field(default_factory=list)  # empty without dev data
    events: list = field(default_factory=list)  # Event(iteration, name, old, new)
    stop_reason: str | None = None
    diverged: bool = False


@functools.lru_cache(maxsize=64)
def _loss_takes_validate(model_type):
    """Whether model_type.loss accepts validate=False (FullyConnectedNet's does)."""
    try:
        return "validate" in inspect.signature(model_type.loss).parameters
    except (AttributeError, TypeError, ValueError):  # no loss method on the class
        return False


class Trainer:
    """Trains `model` with `optimizer` on (X, y); see the module docstring.

    eval_every: take train (and dev) accuracy every this many epochs and at the
    end of each run; 0 never does. diverge_above: see the module docstring.
    """

    def __init__(self, model, optimizer, X, y, *, batch_size=64, X_dev=None, y_dev=None,
                 schedule=None, callbacks=(), rng=None, on_divergence="raise", eval_every=1,
                 diverge_above=1e3):
        if not (hasattr(optimizer, "step") and hasattr(optimizer, "learning_rate")):
            raise ValueError(f"optimizer must have step(params, grads) and learning_rate, got "
                             f"{optimizer!r}; use e.g. make_optimizer('adam', learning_rate=1e-3).")
        self.model, self.optimizer = model, optimizer
        # The data are checked once here, so the network need not check every batch.
        if _loss_takes_validate(type(model)):
            self._loss = functools.partial(model.loss, validate=False)
        else:
            self._loss = model.loss
        self.X, self.y = self._data(X, y, "X", "y")
        if len(self.y) == 0:
            raise ValueError("X has no rows; training needs at least one example.")
        self.X_dev, self.y_dev = (None, None) if X_dev is None else self._data(X_dev, y_dev,
                                                                               "X_dev", "y_dev")
        self.batch_size = check_positive_int("batch_size", batch_size)
        if schedule is not None and not callable(schedule):
            raise ValueError(f"schedule must be a callable schedule(lr0, epoch), got {schedule!r}.")
        self.schedule = schedule
        self.callbacks = tuple(callbacks)
        for callback in self.callbacks:
            if not any(hasattr(callback, hook) for hook in _HOOKS):
                raise ValueError(f"callback {callback!r} has none of the methods {_HOOKS}; "
                                 "give it at least one.")
        self.rng = as_rng(rng)
        self.on_divergence = check_choice("on_divergence", on_divergence, ("raise", "stop"))
        self.eval_every = int(eval_every)
        self.diverge_above = None if diverge_above is None else float(diverge_above)
        self._cost_limit = math.inf  # diverge_above times the first cost, once known
        self.iteration = 0  # steps taken
        self.epoch = 0  # epochs completed
        self.history = History()
        self._position = 0  # index of the next example within this epoch's order
        self._schedule_origin = (optimizer.learning_rate, 0)  # (lr0, epoch it started)
        self._stopped = False
        self._final_epoch = None

    def _data(self, X, y, x_name, y_name):
        X = np.asarray(X)
        X = check_features(X, getattr(self.model, "input_dim", X.shape[-1] if X.ndim else 0),
                           x_name)
        X = np.ascontiguousarray(X, dtype=getattr(self.model, "dtype", X.dtype))
        classes = getattr(self.model, "num_classes", None)
        if y is None:
            raise ValueError(f"{y_name} is missing; pass the labels with {x_name}.")
        y = check_labels(y, X.shape[0], classes if classes is not None else np.max(y) + 1, y_name)
        return X, y

    # ------------------------------------------------------------------ stepping
    def step(self):
        """Train on the next mini-batch; return its cost (before the update)."""
        if self.history.diverged:
            raise TrainingDiverged(self.history.stop_reason)
        if self._position == 0:
            self._start_epoch()
        start = self._position
        stop = min(start + self.batch_size, len(self._y_epoch))
        learning_rate = self.optimizer.learning_rate
        cost, grads = self._loss(self._X_epoch[start:stop], self._y_epoch[start:stop])
        self.iteration += 1
        self.history.costs.append(cost)
        self.history.learning_rates.append(learning_rate)
        if not (math.isfinite(cost) and cost <= self._cost_limit):
            self._diverge(cost, learning_rate)
            return cost
        if self._cost_limit == math.inf and self.diverge_above is not None:
            # Set from the first cost that did not diverge (the first step's, unless a
            # callback dealt with that one). At least 1: a warm-started run whose first
            # cost is near 0 may still wobble.
            self._cost_limit = self.diverge_above * max(cost, 1.0)
        self.optimizer.step(self.model.params, grads)
        self._position = stop
        for callback in self.callbacks:
            if hasattr(callback, "on_step"):
                callback.on_step(self)
        if stop == len(self._y_epoch):
            self._end_epoch()
        return cost

    def _start_epoch(self):
        if self.batch_size >= len(self.y):  # one batch holds everything: order is moot
            self._X_epoch, self._y_epoch = self.X, self.y
        else:
            order = self.rng.permutation(len(self.y))
            self._X_epoch, self._y_epoch = self.X.take(order, axis=0), self.y.take(order)
        if self.schedule is not None:
            learning_rate0, origin = self._schedule_origin
            self.optimizer.learning_rate = self.schedule(learning_rate0, self.epoch - origin)

    def _end_epoch(self):
        self._position = 0
        self.epoch += 1
        if self.eval_every > 0 and (self.epoch % self.eval_every == 0
                                    or self.epoch == self._final_epoch):
            self.evaluate()
        for callback in self.callbacks:
            if hasattr(callback, "on_epoch_end"):
                callback.on_epoch_end(self)

    def evaluate(self):
        """Record train (and dev) accuracy at the current epoch in the history."""
        history = self.history
        if history.epochs and history.epochs[-1] == self.epoch:
            return
        history.epochs.append(self.epoch)
        history.train_accuracy.append(self.model.accuracy(self.X, self.y))
        if self.X_dev is not None:
            history.dev_accuracy.append(self.model.accuracy(self.X_dev, self.y_dev))

    def _diverge(self, cost, learning_rate):
        what = "became" if not math.isfinite(cost) else f"grew from {self.history.costs[0]:.4g} to"
        message = (
            f"the cost {what} {cost:.4g} at iteration {self.iteration} with learning rate "
            f"{learning_rate:g}: the learning rate is probably too high; try one 3 to 10 times "
            "smaller."
        )
        handlers = [c for c in self.callbacks if hasattr(c, "on_divergence")]
        if handlers:
            # The cut-short epoch counts as done before the handlers run, so a learning
            # rate they set starts the next epoch (and a schedule restarts from it there).
            self._position = 0
            self.epoch += 1
            if any(callback.on_divergence(self) is True for callback in handlers):
                if self.eval_every > 0 and self.epoch == self._final_epoch:
                    self.evaluate()  # the run's last epoch is scored, even when cut short
                return
            self.epoch -= 1
        self.history.diverged = True
        self.stop(message)
        if self.on_divergence == "raise":
            raise TrainingDiverged(message)

    # ------------------------------------------------------------------ control
    def run(self, num_epochs):
        """Train for num_epochs more epochs, unless a callback stops the run; return history."""
        num_epochs = int(num_epochs)
        if num_epochs < 0:
            raise ValueError(f"num_epochs must be >= 0, got {num_epochs}.")
        if self.history.diverged:
            return self.history
        self._stopped, self.history.stop_reason = False, None
        self._final_epoch = self.epoch + num_epochs
        # A diverging run overflows on its way to NaN; the divergence message says it better.
        with np.errstate(over="ignore", invalid="ignore"):
            while self.epoch < self._final_epoch and not self._stopped:
                self.step()
        return self.history

    def stop(self, reason):
        """End the run after the current step; `reason` goes into history.stop_reason."""
        self._stopped = True
        self.history.stop_reason = str(reason)

    def hyperparameters(self):
        """What set_hyperparameter can change, with the current values."""
        settings = dict(self.optimizer.hyperparameters())
        settings["batch_size"] = self.batch_size
        if hasattr(self.model, "reg"):
            settings["reg"] = self.model.reg
        return settings

    def set_hyperparameter(self, name, value):
        """Change a hyperparameter from the next step on, recording an Event in the history.

        Names: the optimizer's (learning_rate, momentum, beta1, ...), batch_size, reg.
        """
        settable = self.hyperparameters()
        if name not in settable:
            raise ValueError(f"cannot set {name!r}; this run's hyperparameters are "
                             f"{sorted(settable)}.")
        old = settable[name]
        if name == "batch_size":
            self.batch_size = check_positive_int("batch_size", value)
        elif name == "reg" and name not in self.optimizer.hyperparameters():
            self.model.reg = value
        else:
            setattr(self.optimizer, name, value)
            if name == "learning_rate":
                self._schedule_origin = (self.optimizer.learning_rate, self.epoch)
        self.history.events.append(Event(self.iteration, name, old, self.hyperparameters()[name]))


def train(model, X, y, *, optimizer, num_epochs, batch_size=64, **trainer_options):
    """Train model on (X, y) for num_epochs and return the History (see Trainer)."""
    trainer = Trainer(model, optimizer, X, y, batch_size=batch_size, **trainer_options)
    return trainer.run(num_epochs)


CONFIG_DEFAULTS = {
    "learning_rate": 1e-3,
    "optimizer": "adam",
    "batch_size": 64,
    "num_epochs": 10,
    "hidden_dims": (64,),
    "activation": "relu",
    "use_batchnorm": False,
    "weight_scale": None,
    "reg": 0.0,
    "decay_rate": 0.0,
    "seed": 0,
}
OPTIMIZER_KEYS = ("momentum", "beta1", "beta2", "epsilon")


class Setup(NamedTuple):
    """What build_from_config makes: config is the given one with defaults filled in."""

    model: FullyConnectedNet
    optimizer: object
    schedule: object
    config: dict
    rng: np.random.Generator


def build_from_config(config, data):
    """Network, optimizer, schedule and rng from a dict of vocabulary names.

    Inputs: config (missing keys take CONFIG_DEFAULTS; momentum, beta1, beta2,
    epsilon go to the optimizer, which must take them: a value the chosen optimizer
    would ignore is refused, since silently dropping it would mislabel the run;
    decay_rate > 0 adds InverseTimeDecay; seed seeds the weights, and the returned
    rng then orders the batches); data, a course.data.Split, which sets the input
    size and the number of classes.
    Returns: a Setup(model, optimizer, schedule, config, rng).
    """
    unknown = sorted(set(config) - set(CONFIG_DEFAULTS) - set(OPTIMIZER_KEYS))
    if unknown:
        raise ValueError(f"unknown config keys {unknown}; the known ones are "
                         f"{sorted(set(CONFIG_DEFAULTS) | set(OPTIMIZER_KEYS))}.")
    c = {**CONFIG_DEFAULTS, **config}
    rng = as_rng(c["seed"])
    labels = [data.y_train] + ([data.y_dev] if data.y_dev is not None else [])
    model = FullyConnectedNet(
        np.shape(data.X_train)[1],
        int(max(np.max(part) for part in labels if len(part))) + 1,
        hidden_dims=c["hidden_dims"],
        activation=c["activation"],
        use_batchnorm=c["use_batchnorm"],
        weight_scale=c["weight_scale"],
        reg=c["reg"],
        rng=rng,
    )
    name = check_choice("optimizer", c["optimizer"], OPTIMIZERS)
    accepted = OPTIMIZERS[name].hyperparameter_names
    ignored = sorted(k for k in OPTIMIZER_KEYS if k in config and k not in accepted)
    if ignored:
        takers = {k: sorted(n for n, cls in OPTIMIZERS.items() if k in cls.hyperparameter_names)
                  for k in ignored}
        said = ", ".join(f"{k}={config[k]!r} (used by {', '.join(map(repr, takers[k]))})"
                         for k in ignored)
        raise ValueError(f"the optimizer {name!r} does not take {said}; it takes "
                         f"{list(accepted)}. Remove the key, or choose an optimizer that "
                         f"uses it.")
    optimizer = make_optimizer(name, **{k: c[k] for k in accepted if k in c})
    schedule = InverseTimeDecay(c["decay_rate"]) if c["decay_rate"] else None
    return Setup(model, optimizer, schedule, c, rng)


def train_from_config(config, data, *, callbacks=(), on_divergence="stop"):
    """Build a network, optimizer and schedule from `config` (see build_from_config)
    and train it on data.X_train, reporting accuracy on data.X_dev every epoch.

    Returns: (model, history).
    """
    model, optimizer, schedule, c, rng = build_from_config(config, data)
    trainer = Trainer(model, optimizer, data.X_train, data.y_train, batch_size=c["batch_size"],
                      X_dev=data.X_dev, y_dev=data.y_dev, schedule=schedule,
                      callbacks=callbacks, rng=rng, on_divergence=on_divergence)
    history = trainer.run(check_positive_int("num_epochs", c["num_epochs"]))
    return model, history
