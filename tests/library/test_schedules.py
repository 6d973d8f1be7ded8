"""Do the learning-rate schedules follow their closed forms?"""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course.nn import CosineDecay, ExponentialDecay, InverseTimeDecay, StepDecay

rates = st.floats(1e-6, 10)
epochs = st.integers(0, 500)


@pytest.mark.parametrize("schedule, lr0, epoch, expected", [
    (InverseTimeDecay(0.5), 0.1, 2, 0.1 / 2),          # 0.1 / (1 + 0.5 * 2)
    (InverseTimeDecay(1.0), 0.2, 3, 0.2 / 4),
    (ExponentialDecay(0.5), 1.0, 3, 0.125),            # 0.5 ** 3
    (ExponentialDecay(0.95), 0.1, 10, 0.1 * 0.95**10),
    (StepDecay(0.5, 10), 1.0, 9, 1.0),                 # no drop before epoch 10
    (StepDecay(0.5, 10), 1.0, 25, 0.25),               # two drops by epoch 25
    (CosineDecay(10), 1.0, 5, 0.5),                    # half way down
    (CosineDecay(10), 1.0, 10, 0.0),
    (CosineDecay(10), 1.0, 30, 0.0),                   # flat after the end
    (CosineDecay(4, min_learning_rate=0.1), 0.5, 2, 0.3),
])
def test_values_by_hand(schedule, lr0, epoch, expected):
    assert schedule(lr0, epoch) == pytest.approx(expected, rel=1e-12, abs=1e-15)


@settings(max_examples=50, deadline=None)
@given(lr0=rates, epoch=epochs, k=st.floats(0, 5))
def test_inverse_time_closed_form(lr0, epoch, k):
    assert InverseTimeDecay(k)(lr0, epoch) == pytest.approx(lr0 / (1 + k * epoch), rel=1e-12)


@settings(max_examples=50, deadline=None)
@given(lr0=rates, epoch=epochs, k=st.floats(0.01, 1))
def test_exponential_closed_form(lr0, epoch, k):
    assert ExponentialDecay(k)(lr0, epoch) == pytest.approx(lr0 * math.exp(epoch * math.log(k)),
                                                           rel=1e-9, abs=1e-300)


@settings(max_examples=50, deadline=None)
@given(lr0=rates, epoch=epochs, drop=st.floats(0.01, 1), every=st.integers(1, 50))
def test_step_closed_form(lr0, epoch, drop, every):
    drops = sum(1 for e in range(1, epoch + 1) if e % every == 0)  # counted, not divided
    assert StepDecay(drop, every)(lr0, epoch) == pytest.approx(lr0 * drop**drops, rel=1e-12)


@settings(max_examples=50, deadline=None)
@given(lr0=rates, epoch=epochs, n=st.integers(1, 300))
def test_cosine_closed_form(lr0, epoch, n):
    low = lr0 / 10
    expected = low + (lr0 - low) * (1 + math.cos(math.pi * min(epoch / n, 1))) / 2
    assert CosineDecay(n, low)(lr0, epoch) == pytest.approx(expected, rel=1e-12)


@settings(max_examples=50, deadline=None)
@given(lr0=rates, epoch=epochs, which=st.integers(0, 3))
def test_every_schedule_starts_at_lr0_and_never_rises(lr0, epoch, which):
    schedule = [InverseTimeDecay(0.3), ExponentialDecay(0.9), StepDecay(0.5, 3),
                CosineDecay(100)][which]
    assert schedule(lr0, 0) == pytest.approx(lr0, rel=1e-15)
    assert schedule(lr0, epoch + 1) <= schedule(lr0, epoch) * (1 + 1e-12)


@pytest.mark.parametrize("make, message", [
    (lambda: InverseTimeDecay(-1), "decay_rate"),
    (lambda: ExponentialDecay(1.5), r"decay_rate must lie in \(0, 1\]"),
    (lambda: ExponentialDecay(0), "decay_rate"),
    (lambda: StepDecay(0.5, 0), "every"),
    (lambda: StepDecay(2, 5), "drop"),
    (lambda: CosineDecay(0), "num_epochs"),
])
def test_bad_arguments_are_refused(make, message):
    with pytest.raises(ValueError, match=message):
        make()
