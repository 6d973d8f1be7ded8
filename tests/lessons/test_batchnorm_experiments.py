"""Do the batch-norm experiments measure what lesson 05 says they measure?

Where a number can be computed another way, it is: the forward passes below are written
out here in float64 from the network's parameters, independently of course.nn.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from course.data import cached_digits_split
from course.lessons.batch_norm import (
    ProbeRun,
    accuracy_with_batch_statistics,
    batch_noise,
    histogram_snapshots,
    learning_rate_sweep,
    momentum_replay,
    probe_config,
    probe_run,
    sweep_summary,
    trained_network,
    z_after_steps,
)
from course.lessons.batch_norm.training_runs import new_network
from course.nn import FullyConnectedNet

DATA = cached_digits_split()
SHORT = {"activation": "relu", "use_batchnorm": True, "learning_rate": 0.3, "max_steps": 60,
         "stop_at_target": False}
ACT = {"relu": lambda z: np.maximum(z, 0), "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
       "tanh": np.tanh}


def params64(model):
    return {name: np.asarray(model.params[name], dtype=np.float64) for name in model.params}


def forward64(model, X, statistics=None):
    """(scores, [z per hidden layer]) in float64. statistics: None normalizes each layer with
    the mean and variance of X itself; otherwise a list of (mean, var) per hidden layer."""
    p, act, h, zs = params64(model), ACT[model.activation], np.asarray(X, np.float64), []
    L = len(model.hidden_dims) + 1
    for l in range(1, L):
        u = h @ p[f"W{l}"]
        if not model.use_batchnorm:
            z = u + p[f"b{l}"]
        else:
            mean, var = (u.mean(axis=0), u.var(axis=0)) if statistics is None else statistics[l - 1]
            z = p[f"gamma{l}"] * (u - mean) / np.sqrt(var + model.bn_eps) + p[f"beta{l}"]
        zs.append(z)
        h = act(z)
    return h @ p[f"W{L}"] + p[f"b{L}"], zs


def population_statistics64(model, X):
    """Each hidden layer's mean and variance of X @ W over all of X (float64)."""
    p, act, h, stats = params64(model), ACT[model.activation], np.asarray(X, np.float64), []
    for l in range(1, len(model.hidden_dims) + 1):
        u = h @ p[f"W{l}"]
        stats.append((u.mean(axis=0), u.var(axis=0)))
        h = act(p[f"gamma{l}"] * (u - stats[-1][0]) / np.sqrt(stats[-1][1] + model.bn_eps)
                + p[f"beta{l}"])
    return stats


@pytest.fixture(scope="module")
def bn_model():
    model, _ = trained_network(SHORT)
    return model


# ---------------------------------------------------------------- the network's z, as used here
@pytest.mark.parametrize("use_batchnorm", [False, True])
def test_running_statistics_forward_equals_the_networks_own_eval_mode(use_batchnorm):
    model, _ = trained_network({**SHORT, "use_batchnorm": use_batchnorm})
    scores, _ = model.layer_inputs(DATA.X_dev)
    np.testing.assert_allclose(scores, model.scores(DATA.X_dev), rtol=1e-5, atol=1e-5)


def test_batch_statistics_z_equals_a_float64_forward_with_the_batchs_own_statistics(bn_model):
    scores, inputs = bn_model.layer_inputs(DATA.X_dev[:50], statistics="batch")
    expected_scores, expected = forward64(bn_model, DATA.X_dev[:50])
    for z, z64 in zip(inputs, expected, strict=True):
        np.testing.assert_allclose(z, z64, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(scores, expected_scores, rtol=1e-4, atol=1e-4)


def test_layer_inputs_without_batchnorm_adds_the_bias():
    model = FullyConnectedNet(64, 10, hidden_dims=(5,), activation="tanh", rng=0)
    model.params["b1"] = np.arange(5, dtype=np.float32)
    _, (z,) = model.layer_inputs(DATA.X_dev[:3])
    np.testing.assert_allclose(z, DATA.X_dev[:3] @ model.params["W1"] + np.arange(5),
                               rtol=1e-5, atol=1e-5)


# ---------------------------------------------------------------- test-time statistics
def test_one_example_normalized_by_itself_always_gets_the_same_answer(bn_model):
    # With a batch of one, z - mean is 0 for every unit: the input no longer matters.
    scores = [bn_model.layer_inputs(DATA.X_test[i:i + 1], statistics="batch")[0][0]
              for i in range(5)]
    for s in scores[1:]:
        np.testing.assert_allclose(s, scores[0], rtol=1e-5, atol=1e-5)
    constant = int(np.argmax(scores[0]))
    expected = float(np.mean(DATA.y_test == constant))
    assert accuracy_with_batch_statistics(bn_model, DATA.X_test, DATA.y_test, 1) == expected


@pytest.mark.parametrize("batch_size", [2, 16, 100])
def test_accuracy_with_batch_statistics_equals_batches_normalized_by_hand(bn_model,
                                                                          batch_size):
    order = np.random.default_rng(7).permutation(len(DATA.y_test))
    correct = 0
    for start in range(0, len(order), batch_size):
        rows = order[start:start + batch_size]
        scores, _ = forward64(bn_model, DATA.X_test[rows])
        correct += int(np.sum(scores.argmax(axis=1) == DATA.y_test[rows]))
    measured = accuracy_with_batch_statistics(bn_model, DATA.X_test, DATA.y_test, batch_size,
                                              rng=7)
    # float32 against float64 may flip a near-tie; allow one example.
    assert measured == pytest.approx(correct / len(DATA.y_test), abs=1.01 / len(DATA.y_test))


def test_eval_mode_accuracy_is_the_models_accuracy(bn_model):
    assert accuracy_with_batch_statistics(bn_model, DATA.X_test, DATA.y_test) == pytest.approx(
        bn_model.accuracy(DATA.X_test, DATA.y_test))


# ---------------------------------------------------------------- batch noise
def test_batch_noise_shrinks_like_one_over_root_m(bn_model):
    noise = batch_noise(bn_model, DATA.X_train, batch_sizes=(4, 16, 64), draws=400, rng=0)
    assert np.all(np.diff(noise["noise"]) < 0)
    # Standard error of a mean: 4x the batch, half the noise (within sampling error).
    ratio = noise["mean_noise"][0] / noise["mean_noise"][2]
    assert 3.0 < ratio < 5.0
    assert noise["mean_noise"][1] == pytest.approx(1 / np.sqrt(16), rel=0.25)


def test_in_a_batch_of_two_the_example_is_normalized_with_one_other_row(bn_model):
    # With b the other row's z: v = (a - b)/2 / sqrt(((a - b)/2)^2 + eps), so |v| <= 1, and
    # b = a - 2 v sqrt(eps / (1 - v^2)) must be the z of some other training row.
    noise = batch_noise(bn_model, DATA.X_train, batch_sizes=(2,), draws=200, rng=3)
    values = noise["values"][0]
    z = DATA.X_train.astype(np.float64) @ bn_model.params["W1"][:, 0].astype(np.float64)
    assert np.all(np.abs(values) <= 1)
    assert np.mean(np.abs(values) > 0.99) > 0.8  # most rows differ by far more than sqrt(eps)
    moderate = values[np.abs(values) < 0.99]  # here b can be solved for without cancellation
    partners = z[0] - 2 * moderate * np.sqrt(bn_model.bn_eps / (1 - moderate**2))
    for b in partners:
        assert np.abs(z[1:] - b).min() < 1e-9
    expected = (z[0] - z.mean()) / np.sqrt(z.var() + bn_model.bn_eps)
    assert noise["population"] == pytest.approx(expected, rel=1e-9)


# ---------------------------------------------------------------- running averages
def test_replayed_running_averages_equal_a_network_trained_with_that_momentum():
    replay = momentum_replay(momenta=(0.9, 0.99), steps=40, learning_rate=0.3)
    for k, beta in enumerate((0.9, 0.99)):
        model, _ = trained_network({**SHORT, "max_steps": 40, "bn_momentum": beta,
                                    "eval_every": 40})
        assert replay["running_means"][k][-1] == pytest.approx(
            float(model.bn_running["mean1"][0]), rel=1e-4, abs=1e-5)
        assert replay["test_accuracy"][k] == pytest.approx(
            model.accuracy(DATA.X_test, DATA.y_test), abs=1 / len(DATA.y_test) + 1e-9)


def test_exact_statistics_are_those_of_the_whole_training_set():
    replay = momentum_replay(momenta=(0.9,), steps=40)
    model, _ = trained_network({**SHORT, "max_steps": 40, "eval_every": 40})
    stats = population_statistics64(model, DATA.X_train)
    assert replay["population_mean"] == pytest.approx(stats[0][0][0], rel=1e-4, abs=1e-5)
    scores, _ = forward64(model, DATA.X_test, statistics=stats)
    expected = float(np.mean(scores.argmax(axis=1) == DATA.y_test))
    assert replay["population_accuracy"] == pytest.approx(expected,
                                                          abs=1.01 / len(DATA.y_test))


def test_a_slow_running_average_costs_test_accuracy_after_few_steps():
    replay = momentum_replay(momenta=(0.9, 0.999), steps=100)
    good, slow = replay["test_accuracy"]
    assert good > 0.9 and slow < good - 0.05
    assert replay["population_accuracy"] > 0.9


# ---------------------------------------------------------------- histograms of z
def test_first_snapshot_is_the_histogram_of_the_untrained_networks_z():
    bins = np.linspace(-4, 4, 17)
    snapshots = histogram_snapshots(snapshot_steps=(0, 10), bins=bins, activation="tanh")
    for bn in (False, True):
        model, _ = new_network(probe_config(activation="tanh", use_batchnorm=bn))
        _, zs = forward64(model, DATA.X_dev)
        for layer, z in enumerate(zs):
            counts, _ = np.histogram(np.clip(z, bins[0], bins[-1]), bins)
            # float32 against float64 may move a value across a bin edge: allow two.
            np.testing.assert_allclose(snapshots[bn]["histograms"][0][layer], counts / z.size,
                                       atol=2.01 / z.size)
        np.testing.assert_allclose(snapshots[bn]["percentiles"][0],
                                   np.percentile(zs[-1][:, 0], [15, 50, 85]), atol=1e-4)
        np.testing.assert_allclose(snapshots[bn]["histograms"].sum(axis=2), 1.0)


def test_z_after_steps_is_each_layers_mean_and_spread_of_that_trained_network():
    early = z_after_steps(steps=10, seeds=(3, 4))
    for bn in (False, True):
        for k, seed in enumerate((3, 4)):
            model, run = trained_network({"activation": "sigmoid", "use_batchnorm": bn,
                                          "learning_rate": 1.0, "max_steps": 10,
                                          "eval_every": 10, "stop_at_target": False,
                                          "seed": seed})
            _, zs = forward64(model, DATA.X_dev)
            np.testing.assert_allclose(early[bn]["mean"][k], [z.mean() for z in zs], atol=1e-4)
            np.testing.assert_allclose(early[bn]["spread"][k], [z.std() for z in zs],
                                       rtol=1e-4)
            assert early[bn]["dev_accuracy"][k] == run.dev_accuracy[-1]


# ---------------------------------------------------------------- training runs
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


def test_a_sweep_on_an_executor_gives_the_runs_one_after_the_other_gives():
    options = {"max_steps": 30, "stop_at_target": False}
    with ThreadPoolExecutor(2) as pool:
        pooled = learning_rate_sweep("relu", (0.1, 1.0), executor=pool, **options)
    serial = learning_rate_sweep("relu", (0.1, 1.0), **options)
    assert sorted(pooled) == [(False, 0.1), (False, 1.0), (True, 0.1), (True, 1.0)]
    for key, run in serial.items():
        np.testing.assert_array_equal(pooled[key].costs, run.costs)
        assert run.config["use_batchnorm"] == key[0] and run.config["learning_rate"] == key[1]


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
