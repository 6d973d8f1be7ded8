"""Does the training loop learn, draw mini-batches without replacement, repeat
itself for a seed, let callbacks steer and stop it, and stop a diverging run
with a message about the learning rate?"""

import math

import numpy as np
import pytest

from course.data import Split, load_digits, make_spirals
from course.nn import (
    SGD,
    Adam,
    FullyConnectedNet,
    InverseTimeDecay,
    Trainer,
    TrainingDiverged,
    build_from_config,
    train,
    train_from_config,
)


def test_overfits_fifty_examples(digits):
    X, y = digits.X_train[:50], digits.y_train[:50]
    net = FullyConnectedNet(64, 10, hidden_dims=(32,), rng=0)
    history = train(net, X, y, optimizer=Adam(1e-2), num_epochs=60, batch_size=50, rng=0)
    assert history.train_accuracy[-1] == 1.0
    assert net.accuracy(X, y) == 1.0
    assert history.costs[-1] < 0.1 * history.costs[0]


def test_reaches_95_percent_dev_accuracy_on_digits(digits):
    net = FullyConnectedNet(64, 10, hidden_dims=(128, 64), rng=0)
    history = train(net, digits.X_train, digits.y_train, optimizer=Adam(2e-3), num_epochs=20,
                    batch_size=32, X_dev=digits.X_dev, y_dev=digits.y_dev, rng=0, eval_every=5)
    assert history.epochs == [5, 10, 15, 20]
    assert history.dev_accuracy[-1] >= 0.95
    assert history.dev_accuracy[-1] == net.accuracy(digits.X_dev, digits.y_dev)


def _spiral_run(seed, use_batchnorm=False):
    X, y = make_spirals(200, rng=1)
    net = FullyConnectedNet(2, 2, hidden_dims=(16, 16), use_batchnorm=use_batchnorm, rng=seed)
    return train(net, X, y, optimizer=Adam(1e-2), num_epochs=5, batch_size=32,
                 X_dev=X[:50], y_dev=y[:50], rng=seed)


@pytest.mark.parametrize("use_batchnorm", [False, True])
def test_same_seed_same_history_different_seed_different_history(use_batchnorm):
    first, again, other = (_spiral_run(s, use_batchnorm) for s in (3, 3, 4))
    assert first == again  # every list, exactly
    assert first.costs != other.costs


class RowRecorder(FullyConnectedNet):
    """A network that remembers which rows (by their first feature) each step saw."""

    def __init__(self):
        super().__init__(2, 2, hidden_dims=(3,), rng=0)
        self.batches = []

    def loss(self, X, y):
        self.batches.append(X[:, 0].astype(int).tolist())
        return super().loss(X, y)


def test_each_epoch_visits_every_example_exactly_once():
    n, batch_size = 50, 7  # 7 batches of 7 and one of 1
    X = np.column_stack([np.arange(n), np.zeros(n)])
    net = RowRecorder()
    trainer = Trainer(net, SGD(1e-3), X, np.arange(n) % 2, batch_size=batch_size, rng=0)
    trainer.run(3)
    assert trainer.iteration == 3 * 8
    epochs = [sum(net.batches[8 * e: 8 * (e + 1)], []) for e in range(3)]
    assert [len(batch) for batch in net.batches[:8]] == [7] * 7 + [1]
    for order in epochs:
        assert sorted(order) == list(range(n))
    assert epochs[0] != epochs[1] != epochs[2]  # a fresh order each epoch


class RecordingSGD(SGD):
    """SGD that records the learning rate each of its steps used."""

    def __init__(self, learning_rate):
        super().__init__(learning_rate)
        self.used = []

    def step(self, params, grads):
        self.used.append(self.learning_rate)
        super().step(params, grads)


class HalveAt:
    def __init__(self, iteration):
        self.iteration = iteration

    def on_step(self, trainer):
        if trainer.iteration == self.iteration:
            lr = trainer.optimizer.learning_rate
            trainer.set_hyperparameter("learning_rate", lr / 2)


def test_a_learning_rate_change_from_a_callback_applies_from_the_next_step():
    X, y = make_spirals(64, rng=0)
    net = FullyConnectedNet(2, 2, hidden_dims=(4,), rng=0)
    opt = RecordingSGD(0.1)
    trainer = Trainer(net, opt, X, y, batch_size=16, callbacks=[HalveAt(5)], rng=0)
    history = trainer.run(3)
    assert history.learning_rates == [0.1] * 5 + [0.05] * 7
    assert opt.used == history.learning_rates  # what the update really used
    assert history.events == [(5, "learning_rate", 0.1, 0.05)]


class StopAfter:
    def __init__(self, epochs):
        self.epochs = epochs

    def on_epoch_end(self, trainer):
        if trainer.epoch == self.epochs:
            trainer.stop(f"pruned after {self.epochs} epochs")


def test_a_callback_can_stop_the_run_early():
    X, y = make_spirals(64, rng=0)
    trainer = Trainer(FullyConnectedNet(2, 2, rng=0), Adam(1e-2), X, y, batch_size=32,
                      callbacks=[StopAfter(2)], rng=0)
    history = trainer.run(10)
    assert trainer.epoch == 2 and len(history.costs) == 4 and history.epochs == [1, 2]
    assert history.stop_reason == "pruned after 2 epochs" and not history.diverged


def test_schedule_sets_each_epochs_rate_and_restarts_from_a_hand_set_rate():
    X, y = make_spirals(40, rng=0)

    class Reset:
        def on_epoch_end(self, trainer):
            if trainer.epoch == 3:
                trainer.set_hyperparameter("learning_rate", 0.5)

    trainer = Trainer(FullyConnectedNet(2, 2, rng=0), SGD(1.0), X, y, batch_size=40,
                      schedule=InverseTimeDecay(1.0), callbacks=[Reset()], rng=0)
    history = trainer.run(5)
    # epochs 0, 1, 2: 1 / (1 + epoch); then the schedule restarts from 0.5 at epoch 3.
    assert history.learning_rates == pytest.approx([1, 1 / 2, 1 / 3, 0.5, 0.5 / 2])


def test_batch_size_and_reg_can_change_between_steps():
    X, y = make_spirals(40, rng=0)
    net = FullyConnectedNet(2, 2, rng=0)
    trainer = Trainer(net, SGD(0.1), X, y, batch_size=10, rng=0)
    trainer.step()
    trainer.set_hyperparameter("batch_size", 30)
    trainer.set_hyperparameter("reg", 0.01)
    trainer.step()
    assert trainer.epoch == 1 and net.reg == 0.01  # 10 + 30 rows: one full epoch
    assert [e.name for e in trainer.history.events] == ["batch_size", "reg"]


def test_too_high_a_learning_rate_raises_with_a_clear_message(digits):
    net = FullyConnectedNet(64, 10, rng=0)
    with pytest.raises(TrainingDiverged, match="learning rate is probably too high"):
        train(net, digits.X_train, digits.y_train, optimizer=SGD(1e3), num_epochs=1, rng=0)


def test_divergence_can_stop_the_run_instead(digits):
    net = FullyConnectedNet(64, 10, rng=0)
    trainer = Trainer(net, SGD(1e3), digits.X_train, digits.y_train, rng=0,
                      on_divergence="stop")
    history = trainer.run(3)
    assert history.diverged and "learning rate is probably too high" in history.stop_reason
    assert len(history.costs) == trainer.iteration < 5 and history.costs[-1] > 1e3
    assert trainer.run(3) is history and len(history.costs) == trainer.iteration


class _Rescuer:
    """Deals with a divergence by restoring the starting weights at a 100x smaller rate."""

    def __init__(self, net, answer=True):
        self.start, self.answer, self.calls = net.params.flat.copy(), answer, []

    def on_divergence(self, trainer):
        self.calls.append((trainer.epoch, trainer.iteration))
        if self.answer:
            trainer.model.params.flat[:] = self.start
            trainer.set_hyperparameter("learning_rate", trainer.optimizer.learning_rate / 100)
        return self.answer


def test_a_callback_that_deals_with_divergence_lets_the_run_go_on(digits):
    """Does on_divergence -> True end the cut-short epoch and carry on from a fresh one?"""
    net = FullyConnectedNet(64, 10, rng=0)
    rescuer = _Rescuer(net)
    trainer = Trainer(net, SGD(1e3), digits.X_train, digits.y_train, rng=0, callbacks=[rescuer])
    history = trainer.run(3)  # on_divergence="raise", yet nothing is raised
    steps_per_epoch = -(-len(digits.y_train) // trainer.batch_size)
    assert len(rescuer.calls) >= 1 and rescuer.calls[0][0] == 1  # the cut epoch is counted
    assert not history.diverged and history.stop_reason is None and trainer.epoch == 3
    # Every epoch after a rescue is whole: the cut-short one is not resumed.
    cut = rescuer.calls[-1][1]
    assert trainer.iteration == cut + (3 - len(rescuer.calls)) * steps_per_epoch
    assert trainer.optimizer.learning_rate == pytest.approx(1e3 / 100 ** len(rescuer.calls))
    assert np.isfinite(history.costs[cut:]).all()
    assert len(history.train_accuracy) == 3 - len(rescuer.calls)  # a cut epoch is unscored


def test_a_rate_set_on_divergence_starts_the_next_epoch_even_with_a_schedule(digits):
    """The rescue's rate is the schedule's new start: the next epoch uses it undecayed."""
    net = FullyConnectedNet(64, 10, rng=0)
    rescuer = _Rescuer(net)
    trainer = Trainer(net, SGD(1e3), digits.X_train, digits.y_train, rng=0, callbacks=[rescuer],
                      schedule=InverseTimeDecay(1.0))
    history = trainer.run(2)
    (cut_epoch, cut_step), = rescuer.calls
    assert history.learning_rates[cut_step] == pytest.approx(10.0)  # 1e3 / 100, not decayed


def test_the_runaway_limit_still_holds_after_the_first_step_was_rescued(digits):
    """A rescued first step must not switch off diverge_above for the rest of the run."""
    net = FullyConnectedNet(64, 10, rng=0)
    rescuer = _Rescuer(net)  # remembers the good starting weights
    net.params.flat[:] = 1e30  # the first cost is NaN
    trainer = Trainer(net, SGD(1.0), digits.X_train, digits.y_train, rng=0, callbacks=[rescuer])
    trainer.step()
    assert len(rescuer.calls) == 1 and np.isnan(trainer.history.costs[0])
    first_good = trainer.step()  # from the restored weights at rate 0.01
    assert len(rescuer.calls) == 1 and math.isfinite(first_good)
    # 1000x the first good cost is the limit now: far above it counts as divergence.
    rescuer.answer = False
    net.params.flat[:] *= 300  # a large but finite cost
    trainer.on_divergence = "stop"
    trainer.step()
    assert trainer.history.diverged and "grew from" in trainer.history.stop_reason


def test_a_callback_that_does_not_deal_with_divergence_leaves_the_stop(digits):
    net = FullyConnectedNet(64, 10, rng=0)
    rescuer = _Rescuer(net, answer=False)
    trainer = Trainer(net, SGD(1e3), digits.X_train, digits.y_train, rng=0,
                      callbacks=[rescuer], on_divergence="stop")
    history = trainer.run(3)
    assert history.diverged and len(rescuer.calls) == 1 and trainer.epoch == 0


def test_a_nan_cost_counts_as_divergence():
    X, y = make_spirals(40, rng=0)
    net = FullyConnectedNet(2, 2, rng=0)
    net.params.flat[:] = 1e30  # float32 scores overflow to inf, and the cost to NaN
    trainer = Trainer(net, SGD(0.1), X, y, rng=0, on_divergence="stop", diverge_above=None)
    history = trainer.run(1)
    assert history.diverged and np.isnan(history.costs[-1]) and "became nan" in history.stop_reason


def test_a_warm_start_near_zero_cost_is_not_called_divergent():
    X, y = load_digits()
    X, y = X[:40], y[:40]
    net = FullyConnectedNet(64, 10, hidden_dims=(64,), rng=0)
    train(net, X, y, optimizer=Adam(1e-2), num_epochs=80, batch_size=40, rng=0)
    history = train(net, X, y, optimizer=Adam(1e-1), num_epochs=5, batch_size=8, rng=0)
    assert history.costs[0] < 0.01 and not history.diverged


def test_train_from_config_builds_from_vocabulary_names(digits):
    config = {"learning_rate": 3e-3, "hidden_dims": (32,), "num_epochs": 3, "batch_size": 64,
              "decay_rate": 0.5, "beta1": 0.5, "seed": 7}
    model, history = train_from_config(config, digits)
    again, history_again = train_from_config(config, digits)
    assert history == history_again and np.array_equal(model.params.flat, again.params.flat)
    assert len(history.dev_accuracy) == 3 and history.dev_accuracy[-1] > 0.8
    per_epoch = sorted(set(history.learning_rates), reverse=True)
    assert per_epoch == pytest.approx([3e-3 / (1 + 0.5 * e) for e in range(3)])


def test_train_from_config_stops_a_diverging_run_by_default(digits):
    _, history = train_from_config({"optimizer": "sgd", "learning_rate": 1e3}, digits)
    assert history.diverged and "too high" in history.stop_reason


def test_train_from_config_names_unknown_keys(digits):
    with pytest.raises(ValueError, match=r"unknown config keys \['lr', 'n_epochs'\]"):
        train_from_config({"lr": 0.1, "n_epochs": 3}, digits)
    with pytest.raises(ValueError, match="unknown optimizer 'adamw'"):
        train_from_config({"optimizer": "adamw"}, digits)


def _tiny():
    X, y = make_spirals(20, rng=0)
    return FullyConnectedNet(2, 2, rng=0), X, y


@pytest.mark.parametrize("change, message", [
    (dict(batch_size=0), "batch_size"),
    (dict(y=np.zeros(19, int)), r"shape \(20,\)"),
    (dict(y=np.full(20, 2)), "label 2"),
    (dict(X=np.full((20, 2), np.nan)), "NaN"),
    (dict(X=np.zeros((20, 3))), r"shape \(n, 2\)"),
    (dict(on_divergence="ignore"), "on_divergence"),
    (dict(optimizer="adam"), "make_optimizer"),
    (dict(callbacks=[print]), "has none of the methods"),
    (dict(X_dev=np.zeros((3, 2)), y_dev=None), "y_dev is missing"),
])
def test_bad_trainer_arguments_are_refused(change, message):
    net, X, y = _tiny()
    args = {"optimizer": SGD(0.1), "X": X, "y": y, **change}
    with pytest.raises(ValueError, match=message):
        Trainer(net, args.pop("optimizer"), args.pop("X"), args.pop("y"), **args)


def test_bad_hyperparameter_changes_are_refused_and_not_recorded():
    net, X, y = _tiny()
    trainer = Trainer(net, Adam(0.1), X, y, rng=0)
    with pytest.raises(ValueError, match="learning_rate must be a finite number > 0, got -1"):
        trainer.set_hyperparameter("learning_rate", -1)
    with pytest.raises(ValueError, match="cannot set 'momentum'"):
        trainer.set_hyperparameter("momentum", 0.9)  # Adam has beta1, not momentum
    assert trainer.history.events == [] and trainer.optimizer.learning_rate == 0.1


def test_split_tuple_is_what_train_from_config_reads():
    X, y = make_spirals(60, rng=0)
    data = Split(X[:40], y[:40], X[40:50], y[40:50], X[50:], y[50:])
    model, history = train_from_config({"num_epochs": 2, "learning_rate": 1e-2}, data)
    assert model.input_dim == 2 and model.num_classes == 2 and len(history.epochs) == 2


def test_build_from_config_hands_each_setting_to_its_owner(digits):
    model, optimizer, schedule, config, _ = build_from_config(
        {"optimizer": "momentum", "momentum": 0.8, "learning_rate": 0.05,
         "decay_rate": 2.0, "hidden_dims": [16, 8], "activation": "tanh", "reg": 1e-3}, digits)
    assert optimizer.hyperparameters() == {"learning_rate": 0.05, "momentum": 0.8}
    assert schedule(0.05, 2) == pytest.approx(0.05 / 5)
    assert model.hidden_dims == (16, 8) and model.activation == "tanh" and model.reg == 1e-3
    assert config["batch_size"] == 64 and config["seed"] == 0  # defaults filled in


@pytest.mark.parametrize("config, named", [
    ({"optimizer": "sgd", "momentum": 0.9}, r"'sgd' does not take momentum=0.9 \(used by "
                                            r"'momentum'\); it takes \['learning_rate'\]"),
    ({"momentum": 0.9}, r"'adam' does not take momentum=0.9"),  # Adam is the default
    ({"optimizer": "momentum", "beta2": 0.99, "epsilon": 1e-7},
     r"beta2=0.99 \(used by 'adam', 'rmsprop'\), epsilon=1e-07"),
])
def test_an_optimizer_setting_the_optimizer_would_ignore_is_refused(digits, config, named):
    """A value silently dropped would mislabel the run (sgd "with momentum 0.9")."""
    with pytest.raises(ValueError, match=named):
        build_from_config(config, digits)
