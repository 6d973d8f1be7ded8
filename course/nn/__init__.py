"""course.nn: the small NumPy deep-learning library every lesson and assignment shares.

Modules, each stating its interface in its docstring:

    layers       dense, ReLU, tanh, sigmoid as forward/backward pairs (the readable forms)
    losses       softmax and its cross-entropy (readable)
    batchnorm    batch norm's four steps (readable) and BatchNormOps, the network's plug point
    fast         the fast twins of those forms, which the network trains with
    model        FullyConnectedNet
    optim        SGD, Momentum, RMSProp, Adam, make_optimizer
    schedules    InverseTimeDecay (learning-rate decay)
    training     Trainer, History, train, build_from_config, train_from_config
    gradcheck    numeric gradients and the relative error
    packed       PackedArrays: parameters as views of one flat vector

The names below are the readable forms; the fast kernels are reached as
`course.nn.fast.<name>`.
"""

from course.nn.batchnorm import (
    DEFAULT_BATCHNORM,
    BatchNormCache,
    BatchNormOps,
    batchnorm_backward,
    batchnorm_forward,
    batchnorm_inference,
    update_running_stats,
)
from course.nn.gradcheck import numeric_gradient, numeric_gradient_array, relative_error
from course.nn.layers import (
    ACTIVATIONS,
    dense_backward,
    dense_forward,
    relu_backward,
    relu_forward,
    sigmoid_backward,
    sigmoid_forward,
    tanh_backward,
    tanh_forward,
)
from course.nn.losses import softmax, softmax_cross_entropy
from course.nn.model import FullyConnectedNet
from course.nn.optim import (
    OPTIMIZERS,
    SGD,
    Adam,
    Momentum,
    Optimizer,
    RMSProp,
    make_optimizer,
)
from course.nn.packed import PackedArrays
from course.nn.schedules import InverseTimeDecay
from course.nn.training import (
    CONFIG_DEFAULTS,
    OPTIMIZER_KEYS,
    Event,
    History,
    Setup,
    Trainer,
    TrainingDiverged,
    build_from_config,
    train,
    train_from_config,
)

__all__ = [
    "ACTIVATIONS", "Adam", "batchnorm_backward", "batchnorm_forward", "batchnorm_inference",
    "BatchNormCache", "BatchNormOps", "build_from_config", "CONFIG_DEFAULTS",
    "DEFAULT_BATCHNORM", "dense_backward", "dense_forward", "Event", "FullyConnectedNet",
    "History", "InverseTimeDecay", "make_optimizer", "Momentum", "numeric_gradient",
    "numeric_gradient_array", "Optimizer", "OPTIMIZER_KEYS", "OPTIMIZERS", "PackedArrays",
    "relative_error", "relu_backward", "relu_forward", "RMSProp", "Setup", "SGD",
    "sigmoid_backward", "sigmoid_forward", "softmax", "softmax_cross_entropy", "tanh_backward",
    "tanh_forward", "train", "train_from_config", "Trainer", "TrainingDiverged",
    "update_running_stats",
]
