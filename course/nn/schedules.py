"""Learning-rate decay.

Interface: a schedule is a callable `schedule(learning_rate0, epoch) -> learning_rate`,
where epoch counts completed epochs from 0 and schedule(lr0, 0) == lr0. The
training loop calls it at the start of every epoch, so any function of that shape
works; `InverseTimeDecay`, the 1 / (1 + k t) decay that `decay_rate` names, is the
one the course trains with.
"""

from dataclasses import dataclass

from course.validate import check_number


@dataclass(frozen=True)
class InverseTimeDecay:
    """lr = lr0 / (1 + decay_rate * epoch)."""

    decay_rate: float

    def __post_init__(self):
        check_number("decay_rate", self.decay_rate, at_least=0)

    def __call__(self, learning_rate0, epoch):
        return learning_rate0 / (1 + self.decay_rate * epoch)
