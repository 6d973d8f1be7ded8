"""A fully connected network built from hyperparameters.

    net = FullyConnectedNet(input_dim, num_classes, hidden_dims=(64,), activation="relu",
                            use_batchnorm=False, weight_scale=None, reg=0.0,
                            bn_momentum=0.9, bn_eps=1e-5, batchnorm=None,
                            dtype=numpy.float32, rng=None)
    cost, grads = net.loss(X, y)      # train mode; grads keyed like net.params
    net.scores(X), net.probabilities(X), net.predict(X), net.accuracy(X, y)   # eval mode
    scores, zs = net.layer_inputs(X, statistics="running")   # or "batch"; each layer's z
    net.parameter_table(), net.num_parameters(), net.hyperparameters()

Each hidden layer is dense -> (batch norm) -> activation; the output layer is
dense and feeds a softmax cross-entropy loss. Parameters, in `net.params`:
"W1", "b1", ... for each layer; with batch norm a hidden layer has "W{l}",
"gamma{l}", "beta{l}" and no bias (beta takes its place); the output layer always
has "W{L}", "b{L}". The running averages of batch norm live in `net.bn_running`
("mean{l}", "var{l}"): they are state, not parameters, and eval mode uses them.

`net.params` is a PackedArrays: assigning `net.params["W1"] = array` copies the
values in. The cost includes 0.5 * reg * sum(W**2) over the weights W only.

The layers run on the kernels of `course.nn.fast`, the fast twins of the readable
forms in `layers`, `losses` and `batchnorm`; batch norm runs on `batchnorm`, a
BatchNormOps plug point (default DEFAULT_BATCHNORM, itself built on those kernels).
"""

import math

import numpy as np

from course.nn import fast
from course.nn.batchnorm import DEFAULT_BATCHNORM, BatchNormCache, BatchNormOps
from course.nn.losses import softmax
from course.nn.packed import PackedArrays
from course.rng import as_rng
from course.validate import (
    check_choice,
    check_features,
    check_fraction,
    check_labels,
    check_number,
    check_positive,
    check_positive_int,
)

# Caches that carry the batch's mean and var, so the running averages need not recompute them.
_CACHES_WITH_STATISTICS = (BatchNormCache, fast.BatchNormCache)


class FullyConnectedNet:
    """A multi-layer perceptron for classification (see the module docstring)."""

    def __init__(
        self,
        input_dim,
        num_classes,
        hidden_dims=(64,),
        activation="relu",
        use_batchnorm=False,
        weight_scale=None,
        reg=0.0,
        bn_momentum=0.9,
        bn_eps=1e-5,
        batchnorm=None,
        dtype=np.float32,
        rng=None,
    ):
        self.input_dim = check_positive_int("input_dim", input_dim)
        self.num_classes = check_positive_int("num_classes", num_classes)
        if isinstance(hidden_dims, (int, np.integer)):
            hidden_dims = (hidden_dims,)
        self.hidden_dims = tuple(check_positive_int("hidden_dims entry", h) for h in hidden_dims)
        self.activation = check_choice("activation", activation, fast.ACTIVATIONS)
        self.use_batchnorm = bool(use_batchnorm)
        if weight_scale is not None:
            weight_scale = check_positive("weight_scale", weight_scale)
        self.weight_scale = weight_scale
        self.reg = reg
        self.bn_momentum = check_fraction("bn_momentum", bn_momentum)
        self.bn_eps = check_positive("bn_eps", bn_eps)
        if batchnorm is not None and not isinstance(batchnorm, BatchNormOps):
            raise ValueError(f"batchnorm must be a BatchNormOps, got {batchnorm!r}; pass "
                             "BatchNormOps(forward, backward, update_running_stats, inference) "
                             "or None for the default.")
        self.batchnorm = batchnorm or DEFAULT_BATCHNORM
        self.dtype = np.dtype(dtype)
        if self.dtype not in (np.float32, np.float64):
            raise ValueError(f"dtype must be float32 or float64, got {self.dtype}; pass "
                             "dtype=numpy.float32 (fast) or numpy.float64 (gradient checks).")
        self.num_layers = len(self.hidden_dims) + 1
        self.params = PackedArrays(self._layout(), dtype=self.dtype)
        self.bn_running = {}
        self._initialize(as_rng(rng))

    # The reg setter lets a callback change it between steps, with a check.
    @property
    def reg(self):
        return self._reg

    @reg.setter
    def reg(self, value):
        self._reg = check_number("reg", value, at_least=0)

    def _layout(self):
        dims = (self.input_dim, *self.hidden_dims, self.num_classes)
        layout = []
        for l in range(1, self.num_layers + 1):
            fan_in, fan_out = dims[l - 1], dims[l]
            layout.append((f"W{l}", (fan_in, fan_out)))
            if self.use_batchnorm and l < self.num_layers:
                layout += [(f"gamma{l}", (fan_out,)), (f"beta{l}", (fan_out,))]
            else:
                layout.append((f"b{l}", (fan_out,)))
        return layout

    def _initialize(self, rng):
        """Weights: normal with std weight_scale, or He (relu) / Xavier (tanh, sigmoid)."""
        for l in range(1, self.num_layers + 1):
            W = self.params[f"W{l}"]
            fan_in = W.shape[0]
            if self.weight_scale is not None:
                std = self.weight_scale
            elif self.activation == "relu":
                std = math.sqrt(2.0 / fan_in)  # He et al.
            else:
                std = math.sqrt(1.0 / fan_in)  # Xavier, in its 1/fan_in form
            # Drawn in float64 then rounded, so float32 and float64 nets start alike.
            W[...] = std * rng.standard_normal(W.shape)
            if self.use_batchnorm and l < self.num_layers:
                self.params[f"gamma{l}"][...] = 1
                self.bn_running[f"mean{l}"] = np.zeros(W.shape[1], dtype=self.dtype)
                self.bn_running[f"var{l}"] = np.ones(W.shape[1], dtype=self.dtype)

    # ------------------------------------------------------------------ queries
    def num_parameters(self):
        """How many numbers training learns (all of W, b, gamma, beta)."""
        return self.params.flat.size

    def hyperparameters(self):
        """The settings chosen before training, by their vocabulary names."""
        settings = {
            "hidden_dims": self.hidden_dims,
            "activation": self.activation,
            "use_batchnorm": self.use_batchnorm,
            "weight_scale": self.weight_scale,
            "reg": self.reg,
        }
        if self.use_batchnorm:
            settings.update(bn_momentum=self.bn_momentum, bn_eps=self.bn_eps)
        return settings

    def __repr__(self):
        dims = "-".join(str(d) for d in (self.input_dim, *self.hidden_dims, self.num_classes))
        bn = ", batch norm" if self.use_batchnorm else ""
        return f"FullyConnectedNet({dims}, {self.activation}{bn}, {self.num_parameters()} params)"

    # ------------------------------------------------------------------ training
    def loss(self, X, y, validate=True):
        """Cost and gradients on a batch, in train mode (batch norm uses batch statistics).

        Inputs: X (m, input_dim); y (m,) integer labels in [0, num_classes);
        validate=False skips the input checks, for a caller that checked the whole
        data set once (the Trainer does; X must then have the network's dtype).
        Returns: cost (float, mean cross-entropy plus 0.5 * reg * sum of W**2),
        grads (PackedArrays keyed like params, a fresh vector on every call).
        Batch norm's running averages are updated as a side effect.
        """
        if validate:
            X = self._input(X)
            y = check_labels(y, X.shape[0], self.num_classes)
        scores, caches = self._forward_train(X)
        cost, dscores = fast.softmax_cross_entropy(scores, y)
        grads = self._backward(dscores, caches)
        if self._reg:
            for l in range(1, self.num_layers + 1):
                W = self.params[f"W{l}"]
                cost += 0.5 * self._reg * float(np.vdot(W, W))
                grads[f"W{l}"] += self._reg * W
        return cost, PackedArrays.from_arrays(self.params.layout, grads)

    def _input(self, X):
        X = check_features(X, self.input_dim)
        return X if X.dtype == self.dtype else X.astype(self.dtype)

    def _forward_train(self, X):
        act_forward, _ = fast.ACTIVATIONS[self.activation]
        p, bn = self.params, self.batchnorm
        h, caches = X, []
        for l in range(1, self.num_layers):
            if self.use_batchnorm:
                z, dense_cache = fast.dense_forward(h, p[f"W{l}"])
                z, bn_cache = bn.forward(z, p[f"gamma{l}"], p[f"beta{l}"], self.bn_eps)
                self._update_running(l, bn_cache, dense_cache)
            else:
                z, dense_cache = fast.dense_forward(h, p[f"W{l}"], p[f"b{l}"])
                bn_cache = None
            h, act_cache = act_forward(z)
            caches.append((dense_cache, bn_cache, act_cache))
        L = self.num_layers
        scores, dense_cache = fast.dense_forward(h, p[f"W{L}"], p[f"b{L}"])
        caches.append((dense_cache, None, None))
        return scores, caches

    def _update_running(self, l, bn_cache, dense_cache):
        """Fold this batch's mean and variance of z into the running averages."""
        if isinstance(bn_cache, _CACHES_WITH_STATISTICS):
            mean, var = bn_cache.mean, bn_cache.var
        else:  # a learner's batch norm: recompute z's statistics ourselves
            x, W = dense_cache[:2]
            z = x @ W
            mean, var = z.mean(axis=0), z.var(axis=0)
        running = self.bn_running
        running[f"mean{l}"], running[f"var{l}"] = self.batchnorm.update_running_stats(
            running[f"mean{l}"], running[f"var{l}"], mean, var, self.bn_momentum
        )

    def _backward(self, dscores, caches):
        _, act_backward = fast.ACTIVATIONS[self.activation]
        grads = {}
        L = self.num_layers
        dense_cache = caches[-1][0]
        dh, grads[f"W{L}"], grads[f"b{L}"] = fast.dense_backward(dscores, dense_cache)
        for l in range(L - 1, 0, -1):
            dense_cache, bn_cache, act_cache = caches[l - 1]
            dz = act_backward(dh, act_cache)
            if self.use_batchnorm:
                dz, grads[f"gamma{l}"], grads[f"beta{l}"] = self.batchnorm.backward(dz, bn_cache)
            # The first layer's input is the data: its gradient is of no use.
            dh, grads[f"W{l}"], db = fast.dense_backward(dz, dense_cache, need_dx=l > 1)
            if not self.use_batchnorm:
                grads[f"b{l}"] = db
        return grads

    # ------------------------------------------------------------------ eval mode
    def scores(self, X):
        """Class scores (m, num_classes) in eval mode (batch norm uses running averages)."""
        return self._forward_eval(self._input(X), "running")[0]

    def probabilities(self, X):
        """Softmax class probabilities (m, num_classes), float64, in eval mode."""
        return softmax(self.scores(X).astype(np.float64))

    def layer_inputs(self, X, statistics="running"):
        """Forward X, returning (scores, [z of each hidden layer]) without changing anything.

        z (m, hidden_dims[l - 1]) is what the activation of hidden layer l receives:
        x @ W + b, or with batch norm the normalized, scaled and shifted x @ W.
        statistics: "running" normalizes with the running averages (eval mode, as
        `scores` does); "batch" with the mean and variance of X itself, as training
        does, but the running averages are left as they are. Without batch norm both
        give the same.
        """
        statistics = check_choice("statistics", statistics, ("running", "batch"))
        return self._forward_eval(self._input(X), statistics)

    def _forward_eval(self, X, statistics):
        """(scores, [z of each hidden layer]) for a checked X; see layer_inputs."""
        act_forward, _ = fast.ACTIVATIONS[self.activation]
        p, bn, h, zs = self.params, self.batchnorm, X, []
        for l in range(1, self.num_layers):
            z = h @ p[f"W{l}"]
            if not self.use_batchnorm:
                z += p[f"b{l}"]
            elif statistics == "batch":
                z, _ = bn.forward(z, p[f"gamma{l}"], p[f"beta{l}"], self.bn_eps)
            else:
                z = bn.inference(z, p[f"gamma{l}"], p[f"beta{l}"], self.bn_running[f"mean{l}"],
                                 self.bn_running[f"var{l}"], self.bn_eps)
            zs.append(z)
            h, _ = act_forward(z)
        L = self.num_layers
        scores = h @ p[f"W{L}"]
        scores += p[f"b{L}"]
        return scores, zs

    def parameter_table(self):
        """[(name, shape, count)] for every parameter (W, b, gamma, beta), in layer order."""
        return [(name, tuple(shape), math.prod(shape)) for name, shape in self.params.layout]

    def predict(self, X):
        """Predicted class (m,) int64 for each row of X, in eval mode."""
        return self.scores(X).argmax(axis=1)

    def accuracy(self, X, y):
        """Fraction of rows of X whose predicted class equals y, in eval mode."""
        X = self._input(X)
        y = check_labels(y, X.shape[0], self.num_classes)
        predicted = self._forward_eval(X, "running")[0].argmax(axis=1)
        return float(np.mean(predicted == y))
