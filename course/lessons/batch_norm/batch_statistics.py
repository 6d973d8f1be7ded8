"""Batch norm's statistics: the noise a mini-batch adds, and what test time uses instead.

    noise = batch_noise(model, X)          # how much its batch moves one example's value
    replay = momentum_replay()             # test accuracy for each running-average momentum
    accuracy_with_batch_statistics(model, X, y, batch_size, rng)
                                           # test batches normalized with their own statistics

In training, batch norm normalizes z with the mean and variance of the mini-batch, so an
example's normalized value depends on which other examples share its batch. At test time
the network normalizes with running averages of those batch statistics instead
(`model.bn_running`, updated as new = momentum * old + (1 - momentum) * batch).
The networks come from `training_runs` (plain SGD on the digits).
"""

from __future__ import annotations

import numpy as np

from course.data import cached_digits_split
from course.lessons.batch_norm.training_runs import new_network, probe_config, train_network
from course.nn import DEFAULT_BATCHNORM, BatchNormOps, update_running_stats
from course.rng import as_rng
from course.threads import blas_limit

__all__ = ["batch_noise", "momentum_replay", "accuracy_with_batch_statistics"]


def batch_noise(model, X, *, batch_sizes=(2, 4, 8, 16, 32, 64, 128, 256), draws=300,
                example=0, rng=None):
    """How much the batch it lands in moves one example's normalized first-layer value.

    The first layer's z before normalization is X @ W1 (computed in float64). For each
    batch size m, `draws` batches are made of X[example] plus m - 1 other rows drawn at
    random; each is normalized with its own mean and variance (train mode).
    Returns {"batch_sizes", "noise": mean over units of the std over draws of the
    example's normalized value (in units of z's own spread), "values": (sizes, draws)
    normalized values of unit 0, "mean_noise" and "var_noise": std over draws of the
    batch mean / population std and of the batch variance / population variance,
    averaged over units, "population": the example's value normalized with the
    statistics of all of X}.
    """
    rng = as_rng(rng)
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
    """The default batch norm, whose running-average update also appends
    (batch mean, batch variance) to `record`: once per hidden layer, in layer order,
    at every training step."""

    def update(running_mean, running_var, batch_mean, batch_var, momentum):
        record.append((batch_mean.copy(), batch_var.copy()))
        return update_running_stats(running_mean, running_var, batch_mean, batch_var,
                                    momentum)

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
    data = cached_digits_split()
    record = []
    config = probe_config(activation=activation, use_batchnorm=True,
                          learning_rate=learning_rate, max_steps=steps, stop_at_target=False,
                          eval_every=steps, seed=seed)
    with blas_limit():
        model, rng = new_network(config, batchnorm=_recording_batchnorm(record))
        train_network(config, model, rng)
        layers = len(model.hidden_dims)
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
                    mean, var = update_running_stats(mean, var, means[l][s], variances[l][s],
                                                     beta)
                    trace.append(mean[0])
                model.bn_running[f"mean{l + 1}"] = mean.astype(model.dtype)
                model.bn_running[f"var{l + 1}"] = var.astype(model.dtype)
                if l == 0:
                    running_unit.append(trace)
            accuracy.append(model.accuracy(data.X_test, data.y_test))
        # The exact statistics: one train-mode pass over the whole training set as a
        # single batch records each layer's mean and variance over all of it.
        del record[:]
        model.loss(data.X_train, data.y_train)
        for l, (mean, var) in enumerate(record, start=1):
            model.bn_running[f"mean{l}"], model.bn_running[f"var{l}"] = mean, var
        population_accuracy = model.accuracy(data.X_test, data.y_test)
    return {"momenta": np.array(momenta), "test_accuracy": np.array(accuracy),
            "population_accuracy": population_accuracy, "batch_means": means[0][:, 0],
            "running_means": np.array(running_unit),
            "population_mean": float(record[0][0][0])}


def accuracy_with_batch_statistics(model, X, y, batch_size=None, rng=None):
    """Accuracy when each test batch is normalized with its own statistics (train mode).

    The test set is shuffled with `rng` and cut into batches of batch_size. batch_size
    None normalizes with the running averages instead (eval mode, the right way);
    batch_size 1 normalizes each example with its own mean and variance.
    """
    if batch_size is None:
        return model.accuracy(X, y)
    order = as_rng(rng).permutation(len(y))
    correct = 0
    for start in range(0, len(y), batch_size):
        rows = order[start:start + batch_size]
        scores, _ = model.layer_inputs(X[rows], statistics="batch")
        correct += int(np.sum(scores.argmax(axis=1) == y[rows]))
    return correct / len(y)
