"""Does the automatic panda adjust the learning rate the way its rule says, and only then?"""

from __future__ import annotations

import numpy as np
import pytest

from course.data import digits_split
from course.lessons.pandas_and_caviar.babysitter import PandaRule, babysit, babysit_digits
from course.nn import train_from_config

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


def test_a_blow_up_goes_back_to_the_best_weights_and_cuts_the_rate():
    # relu at 3.0 creeps up to 9.0, whose epoch blows the cost up.
    result = babysit({**BASE, "learning_rate": 3.0, "activation": "relu"}, DIGITS, num_epochs=8)
    blowups = [e for e in result.events if e[1] == "blow-up"]
    assert blowups, result.events
    epoch, _, old, new = blowups[0]
    assert new == pytest.approx(old / 3)
    # The dev accuracy recorded for that epoch is the restored best weights' accuracy.
    assert result.curve[epoch - 1] == pytest.approx(max(result.curve[: epoch - 1]))
    assert result.costs[epoch - 1] > 1.5 * min(result.costs[: epoch - 1])


def test_objective_for_run_trials_uses_num_epochs_as_the_budget():
    out = babysit_digits({**BASE, "learning_rate": 0.3, "num_epochs": 4})
    assert len(out.curve) == 4 and out.score == out.curve[-1]


@pytest.mark.parametrize("bad", [{"factor": 1.0}, {"slow": 1.0}, {"patience": 0},
                                 {"blowup": 0.9}])
def test_rule_refuses_settings_that_cannot_work(bad):
    with pytest.raises(ValueError):
        PandaRule(**bad)


def test_unknown_config_key_is_named():
    with pytest.raises(ValueError, match="learnin_rate"):
        babysit({"learnin_rate": 0.1}, DIGITS, num_epochs=1)
