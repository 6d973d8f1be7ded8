"""Do the batch-norm experiments measure what lesson 05 says they measure?"""

from __future__ import annotations

import numpy as np
import pytest

from course.lessons.batch_norm.experiments import (
    ProbeRun,
    accuracy_with_batch_statistics,
    batch_noise,
    digits,
    layer_inputs,
    momentum_replay,
    probe_run,
    sweep_summary,
    trained_network,
)
from course.nn import FullyConnectedNet

DATA = digits()
SHORT = {"activation": "relu", "use_batchnorm": True, "learning_rate": 0.3, "max_steps": 60,
         "stop_at_target": False}


@pytest.fixture(scope="module")
def bn_model():
    model, _ = trained_network(SHORT)
    return model


@pytest.mark.parametrize("use_batchnorm", [False, True])
def test_running_statistics_forward_equals_the_networks_own_eval_mode(use_batchnorm):
    model, _ = trained_network({**SHORT, "use_batchnorm": use_batchnorm})
    scores, inputs = layer_inputs(model, DATA.X_dev)
    np.testing.assert_allclose(scores, model.scores(DATA.X_dev), rtol=1e-5, atol=1e-5)
    assert [z.shape for z in inputs] == [(len(DATA.X_dev), 100)] * 3


def test_batch_statistics_give_each_unit_mean_beta_and_spread_gamma(bn_model):
    _, inputs = layer_inputs(bn_model, DATA.X_dev[:50], statistics="batch")
    for layer, z in enumerate(inputs, start=1):
        gamma = bn_model.params[f"gamma{layer}"]
        beta = bn_model.params[f"beta{layer}"]
        np.testing.assert_allclose(z.mean(axis=0), beta, atol=1e-4)
        np.testing.assert_allclose(z.std(axis=0), np.abs(gamma), rtol=2e-3, atol=1e-3)


def test_one_example_normalized_by_itself_always_gets_the_same_answer(bn_model):
    # With a batch of one, z - mean is 0 for every unit: the input no longer matters.
    scores = [layer_inputs(bn_model, DATA.X_test[i:i + 1], statistics="batch")[0][0]
              for i in range(5)]
    for s in scores[1:]:
        np.testing.assert_allclose(s, scores[0], rtol=1e-5, atol=1e-5)
    constant = int(np.argmax(scores[0]))
    expected = float(np.mean(DATA.y_test == constant))
    assert accuracy_with_batch_statistics(bn_model, DATA.X_test, DATA.y_test, 1) == expected


def test_eval_mode_accuracy_is_the_models_accuracy(bn_model):
    assert accuracy_with_batch_statistics(bn_model, DATA.X_test, DATA.y_test) == pytest.approx(
        bn_model.accuracy(DATA.X_test, DATA.y_test))


def test_bad_statistics_name_is_refused(bn_model):
    with pytest.raises(ValueError, match="running"):
        layer_inputs(bn_model, DATA.X_dev, statistics="test")


def test_batch_noise_shrinks_like_one_over_root_m(bn_model):
    noise = batch_noise(bn_model, DATA.X_train, batch_sizes=(4, 16, 64), draws=400, rng=0)
    assert np.all(np.diff(noise["noise"]) < 0)
    # Standard error of a mean: 4x the batch, half the noise (within sampling error).
    ratio = noise["mean_noise"][0] / noise["mean_noise"][2]
    assert 3.0 < ratio < 5.0
    assert noise["mean_noise"][1] == pytest.approx(1 / np.sqrt(16), rel=0.25)


def test_replayed_running_averages_equal_a_network_trained_with_that_momentum():
    replay = momentum_replay(momenta=(0.9, 0.99), steps=40, learning_rate=0.3)
    for k, beta in enumerate((0.9, 0.99)):
        model, _ = trained_network({**SHORT, "max_steps": 40, "bn_momentum": beta,
                                    "eval_every": 40})
        assert replay["running_means"][k][-1] == pytest.approx(
            float(model.bn_running["mean1"][0]), rel=1e-4, abs=1e-5)
        assert replay["test_accuracy"][k] == pytest.approx(
            model.accuracy(DATA.X_test, DATA.y_test), abs=1 / len(DATA.y_test) + 1e-9)


def test_a_slow_running_average_costs_test_accuracy_after_few_steps():
    replay = momentum_replay(momenta=(0.9, 0.999), steps=100)
    good, slow = replay["test_accuracy"]
    assert good > 0.9 and slow < good - 0.05
    assert replay["population_accuracy"] > 0.9


def test_steps_to_target_is_the_first_evaluation_at_or_above_it():
    run = probe_run({"activation": "relu", "use_batchnorm": True, "learning_rate": 0.3,
                     "max_steps": 200, "stop_at_target": False, "eval_every": 10,
                     "target": 0.8})
    k = list(run.steps).index(run.steps_to_target)
    assert run.dev_accuracy[k] >= 0.8 and np.all(run.dev_accuracy[:k] < 0.8)
    stopped = probe_run({**run.config, "stop_at_target": True})
    assert stopped.steps[-1] == run.steps_to_target  # same run, cut at the target
    assert len(stopped.costs) == run.steps_to_target


def test_a_diverging_run_is_flagged_and_stops():
    run = probe_run({"activation": "relu", "use_batchnorm": False, "learning_rate": 30.0,
                     "max_steps": 100})
    assert run.diverged and run.steps_to_target is None and len(run.costs) < 100


def fake_run(steps_to_target, diverged=False):
    return ProbeRun({}, np.array([0]), np.array([0.1]), np.array([1.0]), diverged,
                    steps_to_target)


def test_sweep_summary_picks_fewest_steps_and_highest_stable_rate():
    runs = {(False, 0.1): fake_run(None), (False, 1.0): fake_run(600),
            (False, 3.0): fake_run(400), (False, 10.0): fake_run(None, diverged=True),
            (True, 0.1): fake_run(80), (True, 1.0): fake_run(40), (True, 30.0): fake_run(200)}
    summary = sweep_summary(runs)
    assert summary[False] == {"fewest_steps": 400, "fastest_rate": 3.0,
                              "highest_stable_rate": 3.0, "diverged_rates": [10.0]}
    assert summary[True]["fewest_steps"] == 40 and summary[True]["highest_stable_rate"] == 30.0


def test_unknown_key_is_named():
    with pytest.raises(ValueError, match="learnig_rate"):
        probe_run({"learnig_rate": 0.1})


def test_layer_inputs_without_batchnorm_adds_the_bias():
    model = FullyConnectedNet(64, 10, hidden_dims=(5,), activation="tanh", rng=0)
    model.params["b1"] = np.arange(5, dtype=np.float32)
    _, (z,) = layer_inputs(model, DATA.X_dev[:3])
    np.testing.assert_allclose(z, DATA.X_dev[:3] @ model.params["W1"] + np.arange(5),
                               rtol=1e-5, atol=1e-5)
