"""Does the linear-vs-log sampling demo count trials per decade correctly and redraw?"""

import numpy as np
import pytest
from scipy import stats

from course.lessons.sampling_scales import (
    decade_edges,
    decade_shares,
    expected_shares,
    sampling_histograms,
    sampling_scale_demo,
)


def test_decade_edges_split_the_range_at_powers_of_ten():
    assert np.allclose(decade_edges(1e-4, 1.0), [1e-4, 1e-3, 1e-2, 1e-1, 1.0])
    assert np.allclose(decade_edges(3e-4, 0.2), [3e-4, 1e-3, 1e-2, 1e-1, 0.2])
    assert np.allclose(decade_edges(0.2, 0.5), [0.2, 0.5])


def test_uniform_sampling_puts_90_percent_of_the_unit_range_in_the_top_decade():
    uniform, log_uniform = expected_shares(decade_edges(1e-4, 1.0))
    assert uniform[-1] == pytest.approx(0.9 / 0.9999)
    assert np.allclose(log_uniform, 0.25)


@pytest.mark.parametrize("low, high", [(1e-4, 1.0), (1e-6, 10.0), (0.05, 0.7)])
def test_each_column_follows_its_law(low, high):
    """Are the "uniform" trials uniform in value and the "log_uniform" ones in log10?

    Kolmogorov-Smirnov at alpha = 1e-3: false failure rate 0.1% per check."""
    data = sampling_histograms(low, high, 4000, rng=1)
    x, y = data["uniform"], data["log_uniform"]
    assert stats.kstest(x, stats.uniform(low, high - low).cdf).pvalue > 1e-3
    assert y.min() >= low and y.max() <= high
    log_law = stats.uniform(np.log10(low), np.log10(high / low))
    assert stats.kstest(np.log10(y), log_law.cdf).pvalue > 1e-3
    # and the two columns are not the same law swapped
    assert stats.kstest(y, stats.uniform(low, high - low).cdf).pvalue < 1e-3


def test_same_seed_same_trials_and_a_generator_is_used_as_given():
    a, b = sampling_histograms(1e-4, 1.0, 50, rng=7), sampling_histograms(1e-4, 1.0, 50, rng=7)
    assert np.array_equal(a["log_uniform"], b["log_uniform"])
    rng = np.random.default_rng(7)
    first, second = (sampling_histograms(1e-4, 1.0, 50, rng=rng) for _ in range(2))
    assert not np.array_equal(first["uniform"], second["uniform"])


def test_decade_shares_count_whole_decades():
    samples = np.array([2e-3, 5e-3, 0.05, 0.5, 0.7, 0.9, 1e-7])
    shares = decade_shares(samples, -7, -1)  # decades 1e-7 .. 1e-2, 0.5 etc. fall outside
    assert np.allclose(shares * len(samples), [1, 0, 0, 0, 2, 1])


def test_an_empty_or_negative_range_is_refused():
    with pytest.raises(ValueError, match="low < high"):
        sampling_histograms(1.0, 0.1, 5)
    with pytest.raises(ValueError, match="0 < low"):
        decade_edges(0.0, 1.0)


def test_moving_a_slider_recounts_and_redraws():
    demo = sampling_scale_demo(n_trials=1000)
    before_png, before = demo.image.value, demo.data
    assert before["uniform_counts"].sum() == 1000
    demo.controls["low"].value = 1e-6
    after = demo.data
    assert len(after["edges"]) == 7  # six decades now
    # counts agree with an independent histogram of the samples shown
    edges, shown = after["edges"], after["log_uniform"]
    counts = [((shown >= a) & (shown < b)).sum() for a, b in zip(edges, edges[1:], strict=False)]
    assert list(after["log_counts"]) == counts
    assert after["uniform_counts"][-1] > 850  # ~90% land in [0.1, 1]
    # the bars show the same trials per whole decade: 1e-7..1e-6 is empty, 1e-1..1 is top
    assert after["log_shares"][0] == 0
    assert after["log_shares"][6] == pytest.approx(after["log_counts"][-1] / 1000)
    assert demo.image.value != before_png
    assert "%" in demo.status.value


def test_an_inverted_range_keeps_the_last_picture_and_says_why():
    demo = sampling_scale_demo()
    png = demo.image.value
    demo.controls["low"].value = 10.0  # above high = 1
    assert demo.image.value == png
    assert "high &gt; low" in demo.status.value
