"""Learning-rate decay schedules.

Interface: a schedule is a callable `schedule(learning_rate0, epoch) -> learning_rate`,
where epoch counts completed epochs from 0 and schedule(lr0, 0) == lr0. The
training loop calls it at the start of every epoch.
"""

import math
from dataclasses import dataclass

from course.validate import check_positive, check_positive_int


@dataclass(frozen=True)
class InverseTimeDecay:
    """lr = lr0 / (1 + decay_rate * epoch)."""

    decay_rate: float

    def __post_init__(self):
        if not (math.isfinite(self.decay_rate) and self.decay_rate >= 0):
            raise ValueError(f"decay_rate must be a finite number >= 0, got {self.decay_rate!r}.")

    def __call__(self, learning_rate0, epoch):
        return learning_rate0 / (1 + self.decay_rate * epoch)


@dataclass(frozen=True)
class ExponentialDecay:
    """lr = lr0 * decay_rate ** epoch, with 0 < decay_rate <= 1 (e.g. 0.95)."""

    decay_rate: float

    def __post_init__(self):
        if not 0 < self.decay_rate <= 1:
            raise ValueError(f"decay_rate must lie in (0, 1], got {self.decay_rate!r}; "
                             "e.g. 0.95 shrinks the rate by 5% an epoch.")

    def __call__(self, learning_rate0, epoch):
        return learning_rate0 * self.decay_rate**epoch


@dataclass(frozen=True)
class StepDecay:
    """lr = lr0 * drop ** (epoch // every): multiply by `drop` every `every` epochs."""

    drop: float
    every: int

    def __post_init__(self):
        if not 0 < self.drop <= 1:
            raise ValueError(f"drop must lie in (0, 1], got {self.drop!r}; 0.5 halves the rate.")
        check_positive_int("every", self.every)

    def __call__(self, learning_rate0, epoch):
        return learning_rate0 * self.drop ** (epoch // self.every)


@dataclass(frozen=True)
class CosineDecay:
    """Half a cosine from lr0 down to min_learning_rate over num_epochs, then flat.

    lr = min + (lr0 - min) * (1 + cos(pi * min(epoch, num_epochs) / num_epochs)) / 2.
    """

    num_epochs: int
    min_learning_rate: float = 0.0

    def __post_init__(self):
        check_positive_int("num_epochs", self.num_epochs)
        if self.min_learning_rate != 0:
            check_positive("min_learning_rate", self.min_learning_rate)

    def __call__(self, learning_rate0, epoch):
        progress = min(epoch, self.num_epochs) / self.num_epochs
        low = self.min_learning_rate
        return low + (learning_rate0 - low) * 0.5 * (1 + math.cos(math.pi * progress))
