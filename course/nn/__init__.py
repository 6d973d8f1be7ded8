"""course.nn: the small NumPy deep-learning library every lesson and assignment shares.

Modules, each stating its interface in its docstring:
layers (dense and activation forward/backward pairs), batchnorm, losses, model
(FullyConnectedNet), optim (SGD, Momentum, RMSProp, Adam, FunctionOptimizer),
schedules (learning-rate decay), training (Trainer, History, train,
train_from_config), gradcheck, packed (parameters as views of one flat vector),
checks (the input checks behind the error messages).
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
    sum_rows,
    tanh_backward,
    tanh_forward,
)
from course.nn.losses import softmax_cross_entropy
from course.nn.model import FullyConnectedNet
from course.nn.optim import (
    OPTIMIZERS,
    SGD,
    Adam,
    FunctionOptimizer,
    Momentum,
    Optimizer,
    RMSProp,
    make_optimizer,
)
from course.nn.packed import PackedArrays
from course.nn.schedules import CosineDecay, ExponentialDecay, InverseTimeDecay, StepDecay
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
    "BatchNormCache", "BatchNormOps", "build_from_config", "CONFIG_DEFAULTS", "CosineDecay",
    "DEFAULT_BATCHNORM", "dense_backward", "dense_forward", "Event", "ExponentialDecay",
    "FullyConnectedNet", "FunctionOptimizer", "History", "InverseTimeDecay", "make_optimizer",
    "Momentum", "numeric_gradient", "numeric_gradient_array", "Optimizer", "OPTIMIZER_KEYS",
    "OPTIMIZERS", "PackedArrays", "relative_error", "relu_backward", "relu_forward", "RMSProp",
    "Setup", "SGD", "sigmoid_backward", "sigmoid_forward", "softmax_cross_entropy",
    "StepDecay", "sum_rows", "tanh_backward", "tanh_forward", "train", "train_from_config",
    "Trainer", "TrainingDiverged", "update_running_stats",
]
