"""Does the automatic panda adjust the learning rate the way its rule says, and only then?"""

from __future__ import annotations

import math

import numpy as np
import pytest

from course.data import digits_split
from course.lessons.pandas_and_caviar import Babysitter, PandaRule, babysit, babysit_digits
from course.nn import FullyConnectedNet, Momentum, Trainer, build_from_config, train_from_config

DIGITS = digits_split(seed=0)
BASE = {"optimizer": "momentum", "momentum": 0.9, "hidden_dims": (32,), "seed": 1}


def test_a_rule_that_never_fires_reproduces_train_from_config():
    config = {**BASE, "learning_rate": 0.1}
    silent = PandaRule(slow=0.0, patience=10**6, blowup=1e12)
    result = babysit(config, DIGITS, num_epochs=6, rule=silent)
    _, history = train_from_config({**config, "num_epochs": 6}, DIGITS)
    assert result.events == []
    np.testing.assert_array_equal(result.curve, history.dev_accuracy)
    assert np.all(result.learning_rates == 0.1)


def test_a_timid_learning_rate_is_raised_and_beats_leaving_it_alone():
    config = {**BASE, "learning_rate": 1e-3}
    result = babysit(config, DIGITS, num_epochs=15)
    assert result.events[0][:2] == (2, "creeping")
    raised = [e for e in result.events if e[1] == "creeping"]
    assert all(new == pytest.approx(3 * old) for _, _, old, new in raised)
    _, history = train_from_config({**config, "num_epochs": 15}, DIGITS)
    assert result.score > history.dev_accuracy[-1] + 0.2


def test_learning_rates_per_epoch_follow_the_events():
    result = babysit({**BASE, "learning_rate": 1e-3}, DIGITS, num_epochs=10)
    rate = 1e-3
    for epoch in range(1, 11):
        assert result.learning_rates[epoch - 1] == pytest.approx(rate)
        for when, _, old, new in result.events:
            if when == epoch:
                assert old == pytest.approx(rate)
                rate = new


def test_a_first_epoch_that_blows_up_goes_back_to_the_start_and_cuts_the_rate():
    """At 30 the first epoch's cost is far above ln 10: a blow-up judged against the
    starting cost, so the run goes back to its starting weights at 10."""
    config = {**BASE, "learning_rate": 30.0}
    result = babysit(config, DIGITS, num_epochs=6)
    assert result.events[0] == (1, "blow-up", 30.0, pytest.approx(10.0))
    assert result.costs[0] > math.log(10) * 1.25
    start = build_from_config(config, DIGITS).model
    assert result.curve[0] == start.accuracy(DIGITS.X_dev, DIGITS.y_dev)


# Epoch costs and rates worked by hand through PandaRule() (factor 3, slow 0.1, patience 2,
# blowup 0.25) with the starting cost ln 8 = 2.079 (blow-up: above the lowest + 0.520):
HAND_WORKED = [
    (2.1, None),         # first epoch: no blow-up (below 2.079 + 0.520), nothing to compare
    (2.0, "creeping"),   # exploring, less than 10% lower, still above 0.9 x ln 8 = 1.871
    (1.0, None),         # a good drop; the last 2 epochs are not at one rate yet
    (1.1, None),         # the cost rose: exploring ends; 1.0 is well under 0.99 x 2.0
    (0.995, "plateau"),  # 2 epochs at 0.3, neither 1% under 1.0
    (1.6, "blow-up"),    # above 0.995 + 0.520
    (0.9, None),         # the rate changed an epoch ago
    (math.nan, "blow-up"),
    (0.95, None),        # the rate changed an epoch ago; NaN is not a lowest cost
    (0.9, "plateau"),    # 2 epochs at one rate, not 1% under 0.9
]
HAND_RATES = [0.1, 0.1, 0.3, 0.3, 0.3, 0.1, 0.1 / 3, 0.1 / 3, 0.1 / 9, 0.1 / 9]


def test_the_rule_judges_a_hand_worked_sequence_of_epoch_costs():
    rule, costs = PandaRule(), [c for c, _ in HAND_WORKED]
    got = [rule.verdict(costs[:k], HAND_RATES[:k], math.log(8)) for k in range(1, 11)]
    assert got == [v for _, v in HAND_WORKED]


@pytest.mark.parametrize(("costs", "rates", "expected"), [
    ([2.6], [1.0], None),              # 2.6 < 2.303 + 0.576: not yet a blow-up
    ([2.9], [1.0], "blow-up"),         # the first epoch is judged against ln 10
    ([2.3, 1.5, 1.4], [1.0] * 3, None),  # slow, but no longer near the start: not timid
    ([2.4, 2.35], [1.0] * 2, "creeping"),
    ([2.4, 2.35], [1.0, 0.5], None),   # a cut ends the exploring
    ([math.nan, 2.0, 1.9], [1.0, 0.3, 0.3], None),  # min() must not see the NaN first
])
def test_the_rule_judges_the_start_against_ln_c(costs, rates, expected):
    assert PandaRule().verdict(costs, rates, math.log(10)) == expected


def test_a_dead_relu_network_counts_as_a_blow_up():
    """Every hidden unit silent on the dev set: no gradient reaches the first layer, so the
    babysitter goes back and cuts the rate instead of waiting for a plateau."""
    model = FullyConnectedNet(64, 10, hidden_dims=(16,), rng=0)
    model.params["b1"][:] = -1e4
    sitter = Babysitter(PandaRule(), model)
    trainer = Trainer(model, Momentum(0.1), DIGITS.X_train, DIGITS.y_train,
                      X_dev=DIGITS.X_dev, y_dev=DIGITS.y_dev, callbacks=[sitter])
    trainer.run(1)
    assert sitter.events[0][:2] == (1, "blow-up")
    alive = FullyConnectedNet(64, 10, hidden_dims=(16,), rng=0)
    sitter = Babysitter(PandaRule(), alive)
    Trainer(alive, Momentum(0.1), DIGITS.X_train, DIGITS.y_train, X_dev=DIGITS.X_dev,
            y_dev=DIGITS.y_dev, callbacks=[sitter]).run(1)
    assert [e[1] for e in sitter.events] == []


def test_the_callback_changes_the_rate_and_rolls_back_to_the_best_weights():
    """Feed the hand-worked epochs to a real Trainer's callback, with known weights each
    epoch (W1 filled with the epoch number) and dev accuracies, and check what it did."""
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(40, 2)).astype(np.float32), rng.integers(0, 2, 40)
    model = FullyConnectedNet(2, 8, hidden_dims=(3,), rng=0)  # starting cost ln 8
    trainer = Trainer(model, Momentum(0.1), X, y, X_dev=X, y_dev=y)
    sitter = Babysitter(PandaRule(), model)
    dev = [0.5, 0.6, 0.8, 0.7, 0.9, 0.3, 0.85, 0.2, 0.8, 0.8]
    rates, fills = [], []
    for epoch, ((cost, _), accuracy) in enumerate(zip(HAND_WORKED, dev, strict=True), 1):
        trainer.optimizer.step(model.params, {k: np.ones_like(v) for k, v in
                                              model.params.items()})  # some velocity
        model.params["W1"] = np.full((2, 3), float(epoch))
        history = trainer.history
        history.costs += [cost, cost]  # two steps an epoch, at the current rate
        history.learning_rates += [trainer.optimizer.learning_rate] * 2
        rates.append(trainer.optimizer.learning_rate)
        history.epochs.append(epoch)  # scored this epoch: the callback reads `accuracy`
        history.dev_accuracy.append(accuracy)
        trainer.epoch = epoch
        sitter.on_epoch_end(trainer)
        fills.append(model.params["W1"][0, 0])
        if epoch in (6, 8, 10):  # the blow-ups, and the plateau that slid back
            assert trainer.optimizer.t == 0 and trainer.optimizer.state == {}  # fresh
    assert rates == pytest.approx(HAND_RATES)
    assert [(e, reason) for e, reason, _, _ in sitter.events] == [
        (2, "creeping"), (5, "plateau"), (6, "blow-up"), (8, "blow-up"), (10, "plateau")]
    # After each blow-up the weights are those of the best dev accuracy so far (epoch 5);
    # so after the last plateau, whose dev accuracy 0.8 is below that best 0.9.
    assert fills[5] == 5.0 and fills[7] == 5.0 and fills[6] == 7.0 and fills[9] == 5.0
    assert fills[4] == 5.0 and fills[8] == 9.0  # a plateau at the best keeps its weights
    assert [e.name for e in trainer.history.events] == ["learning_rate"] * 5
    np.testing.assert_allclose(sitter.result().learning_rates, rates)


def test_a_run_that_diverges_in_its_first_epoch_goes_back_to_its_start():
    """RMSProp at 0.3 makes the cost run away at once; the run must go on at 0.1."""
    config = {"optimizer": "rmsprop", "learning_rate": 0.3, "activation": "relu",
              "hidden_dims": (32,), "seed": 0}
    result = babysit(config, DIGITS, num_epochs=4)
    assert result.events[0] == (1, "blow-up", 0.3, pytest.approx(0.1))
    assert len(result.curve) == len(result.costs) == 4
    assert result.costs[0] > 100 and np.all(np.isfinite(result.costs[1:]))
    start = build_from_config(config, DIGITS).model
    assert result.curve[0] == start.accuracy(DIGITS.X_dev, DIGITS.y_dev)


def test_a_trainer_without_dev_data_is_refused_with_what_to_pass():
    model = FullyConnectedNet(64, 10, hidden_dims=(8,), rng=0)
    trainer = Trainer(model, Momentum(0.1), DIGITS.X_train, DIGITS.y_train,
                      callbacks=[Babysitter(PandaRule(), model)])
    with pytest.raises(ValueError, match="X_dev and y_dev"):
        trainer.run(1)


def test_objective_for_run_trials_uses_num_epochs_as_the_budget():
    out = babysit_digits({**BASE, "learning_rate": 0.3, "num_epochs": 4})
    assert len(out.curve) == 4 and out.score == out.curve[-1]


@pytest.mark.parametrize("bad", [{"factor": 1.0}, {"slow": 1.0}, {"patience": 0},
                                 {"blowup": 0.0}])
def test_rule_refuses_settings_that_cannot_work(bad):
    with pytest.raises(ValueError):
        PandaRule(**bad)


def test_unknown_config_key_is_named():
    with pytest.raises(ValueError, match="learnin_rate"):
        babysit({"learnin_rate": 0.1}, DIGITS, num_epochs=1)
