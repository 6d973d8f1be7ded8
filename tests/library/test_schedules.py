"""Does the learning-rate decay follow its closed form 1 / (1 + k t)?"""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course.nn import InverseTimeDecay

rates = st.floats(1e-6, 10)
epochs = st.integers(0, 500)


@pytest.mark.parametrize("decay_rate, lr0, epoch, expected", [
    (0.5, 0.1, 2, 0.1 / 2),          # 0.1 / (1 + 0.5 * 2)
    (1.0, 0.2, 3, 0.2 / 4),
    (0.0, 0.3, 100, 0.3),            # no decay
])
def test_values_by_hand(decay_rate, lr0, epoch, expected):
    assert InverseTimeDecay(decay_rate)(lr0, epoch) == pytest.approx(expected, rel=1e-12)


@settings(max_examples=50, deadline=None)
@given(lr0=rates, epoch=epochs, k=st.floats(0, 5))
def test_inverse_time_closed_form_starts_at_lr0_and_never_rises(lr0, epoch, k):
    schedule = InverseTimeDecay(k)
    assert schedule(lr0, epoch) == pytest.approx(lr0 / (1 + k * epoch), rel=1e-12)
    assert schedule(lr0, 0) == lr0
    assert schedule(lr0, epoch + 1) <= schedule(lr0, epoch)


@pytest.mark.parametrize("bad", [-1, float("nan"), float("inf"), "0.1"])
def test_bad_decay_rates_are_refused(bad):
    with pytest.raises(ValueError, match="decay_rate must be a finite number >= 0.*pass e.g."):
        InverseTimeDecay(bad)
