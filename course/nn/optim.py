"""Optimizers: update rules for the parameters.

Interface, stated once: an optimizer has a mutable `learning_rate`, a method
`hyperparameters() -> dict`, and a method

    step(params, grads)     # params, grads: dicts name -> array of the same shape

that updates the arrays of `params` in place, keeping its state (velocities,
moment estimates) per parameter name in `state[name]`. Hyperparameters can be
changed between steps by attribute (`opt.learning_rate = 0.01`, `opt.beta1 = 0.8`)
and are checked when set.

When params and grads are PackedArrays of the same layout (the network's are),
the elementwise rules below run once on the whole flat vector instead of once per
parameter: the same arithmetic in far fewer NumPy calls. Updates work in place
with one scratch buffer, so a step allocates nothing as large as the parameters.
State that decays towards zero (a moment whose gradient has become exactly 0)
is set to 0 once it falls below the smallest normal number, every
FLUSH_EVERY steps: denormal numbers make arithmetic many times slower on some CPUs.

`make_optimizer(name, **hyperparameters)` builds one of the classes here. The
training loop accepts any object with `learning_rate` and `step(params, grads)`,
so a learner's own optimizer plugs in the same way.
"""

import math

import numpy as np

from course.nn.packed import PackedArrays
from course.validate import check_choice, check_fraction, check_positive

FLUSH_EVERY = 100

_CHECKS = {
    "learning_rate": check_positive,
    "momentum": check_fraction,
    "beta1": check_fraction,
    "beta2": check_fraction,
    "epsilon": check_positive,
}


class Optimizer:
    """Base class of the elementwise optimizers; subclasses define `_update`."""

    hyperparameter_names = ("learning_rate",)
    slot_names = ()  # the per-parameter state arrays, e.g. ("m", "v") for Adam

    def __init__(self, learning_rate):
        self.learning_rate = learning_rate
        self.t = 0  # number of steps taken
        self.state = {}  # name -> {slot: array}
        self._flat_state = None  # (layout, {slot: flat array}, scratch) when packed

    def __setattr__(self, name, value):
        if name in _CHECKS:
            value = _CHECKS[name](name, value)
        super().__setattr__(name, value)

    def hyperparameters(self):
        return {name: getattr(self, name) for name in self.hyperparameter_names}

    def __repr__(self):
        settings = ", ".join(f"{k}={v!r}" for k, v in self.hyperparameters().items())
        return f"{type(self).__name__}({settings})"

    def step(self, params, grads):
        """Update every array of params in place from grads (same names, same shapes)."""
        self.t += 1
        if (
            isinstance(params, PackedArrays)
            and isinstance(grads, PackedArrays)
            and params.layout == grads.layout
        ):
            slots, scratch = self._packed_slots(params)
            self._update(params.flat, grads.flat, slots, scratch)
            if self.t % FLUSH_EVERY == 0:
                _flush_denormals(slots.values())
            return
        for name, w in params.items():
            if name not in grads:
                raise ValueError(f"grads has no entry for parameter {name!r}.")
            g = np.asarray(grads[name])
            if g.shape != w.shape:
                raise ValueError(f"grads[{name!r}] has shape {g.shape}, params has {w.shape}.")
            slots = self.state.get(name)
            if slots is None:
                slots = self.state[name] = {s: np.zeros_like(w) for s in self.slot_names}
            self._update(w, g, slots, np.empty_like(w))
            if self.t % FLUSH_EVERY == 0:
                _flush_denormals(slots.values())

    def _packed_slots(self, params):
        """Flat state vectors for a packed layout; state[name] holds views of them."""
        if self._flat_state is None or self._flat_state[0] != params.layout:
            packed = {s: PackedArrays(params.layout, dtype=params.flat.dtype)
                      for s in self.slot_names}
            for name in params:
                # Carry over state from earlier steps (e.g. unpacked ones) before sharing it.
                for s, vec in packed.items():
                    if name in self.state:
                        vec[name] = self.state[name][s]
                self.state[name] = {s: vec[name] for s, vec in packed.items()}
            flats = {s: vec.flat for s, vec in packed.items()}
            self._flat_state = (params.layout, flats, np.empty_like(params.flat))
        return self._flat_state[1], self._flat_state[2]

    def _update(self, w, g, slots, scratch):
        raise NotImplementedError


def _flush_denormals(arrays):
    """Set the entries of each float array that are nonzero but below the smallest
    normal number to exactly 0."""
    for a in arrays:
        a[np.abs(a) < np.finfo(a.dtype).tiny] = 0


class SGD(Optimizer):
    """Plain gradient descent: w -= learning_rate * dw."""

    def _update(self, w, g, slots, s):
        np.multiply(g, self.learning_rate, out=s)
        w -= s


class Momentum(Optimizer):
    """Gradient descent with momentum: v = momentum * v + (1 - momentum) * dw; w -= lr * v."""

    hyperparameter_names = ("learning_rate", "momentum")
    slot_names = ("v",)

    def __init__(self, learning_rate, momentum=0.9):
        super().__init__(learning_rate)
        self.momentum = momentum

    def _update(self, w, g, slots, s):
        v = slots["v"]
        v *= self.momentum
        np.multiply(g, 1 - self.momentum, out=s)
        v += s
        np.multiply(v, self.learning_rate, out=s)
        w -= s


class RMSProp(Optimizer):
    """RMSProp: s = beta2 * s + (1 - beta2) * dw**2; w -= lr * dw / (sqrt(s) + epsilon)."""

    hyperparameter_names = ("learning_rate", "beta2", "epsilon")
    slot_names = ("s",)

    def __init__(self, learning_rate, beta2=0.999, epsilon=1e-8):
        super().__init__(learning_rate)
        self.beta2 = beta2
        self.epsilon = epsilon

    def _update(self, w, g, slots, s):
        mean_square = slots["s"]
        mean_square *= self.beta2
        np.multiply(g, g, out=s)
        s *= 1 - self.beta2
        mean_square += s
        np.sqrt(mean_square, out=s)
        s += self.epsilon
        np.divide(g, s, out=s)
        s *= self.learning_rate
        w -= s


class Adam(Optimizer):
    """Adam with bias correction.

    m = beta1 * m + (1 - beta1) * dw;  v = beta2 * v + (1 - beta2) * dw**2
    w -= lr * m_hat / (sqrt(v_hat) + epsilon), with m_hat = m / (1 - beta1**t) and
    v_hat = v / (1 - beta2**t). Computed as lr_t * m / (sqrt(v) + epsilon_t) with
    lr_t = lr * sqrt(1 - beta2**t) / (1 - beta1**t) and epsilon_t = epsilon *
    sqrt(1 - beta2**t): the same numbers, with fewer passes over the arrays.
    """

    hyperparameter_names = ("learning_rate", "beta1", "beta2", "epsilon")
    slot_names = ("m", "v")

    def __init__(self, learning_rate, beta1=0.9, beta2=0.999, epsilon=1e-8):
        super().__init__(learning_rate)
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon

    def _update(self, w, g, slots, s):
        m, v = slots["m"], slots["v"]
        b1, b2, t = self.beta1, self.beta2, self.t
        # 1) first moment: m += (1 - beta1) * (g - m)
        np.subtract(g, m, out=s)
        s *= 1 - b1
        m += s
        # 2) second moment: v += (1 - beta2) * (g * g - v)
        np.multiply(g, g, out=s)
        s -= v
        s *= 1 - b2
        v += s
        # 3) bias-corrected step
        root_correction = math.sqrt(1 - b2**t)
        np.sqrt(v, out=s)
        s += self.epsilon * root_correction
        np.divide(m, s, out=s)
        s *= self.learning_rate * root_correction / (1 - b1**t)
        w -= s


OPTIMIZERS = {"sgd": SGD, "momentum": Momentum, "rmsprop": RMSProp, "adam": Adam}


def make_optimizer(name, **hyperparameters):
    """Build the optimizer called `name` ("sgd", "momentum", "rmsprop", "adam")."""
    cls = OPTIMIZERS[check_choice("optimizer", name, OPTIMIZERS)]
    allowed = set(cls.hyperparameter_names)
    unknown = sorted(set(hyperparameters) - allowed)
    if unknown:
        raise ValueError(f"{name} takes no hyperparameter {unknown}; it takes {sorted(allowed)}.")
    if "learning_rate" not in hyperparameters:
        raise ValueError(f"{name} needs a learning_rate, e.g. make_optimizer({name!r}, "
                         "learning_rate=1e-3).")
    return cls(**hyperparameters)
