"""Hypothesis strategies for random dimensions and spaces, and independent checks
written from the definitions (shared by the course.search tests)."""

import numpy as np
from hypothesis import strategies as st

from course.search import Choice, Fixed, IntUniform, LogUniform, OneMinusLogUniform, Uniform


@st.composite
def uniform_dims(draw):
    low = draw(st.floats(-1e6, 1e6))
    width = draw(st.floats(1e-3, 1e6))
    return Uniform(low, low + width)


@st.composite
def log_dims(draw):
    e_low = draw(st.floats(-12, 3))
    span = draw(st.floats(0.1, 9))
    return LogUniform(10.0**e_low, 10.0 ** (e_low + span))


@st.composite
def one_minus_log_dims(draw):
    # 1 - low = 10**-a, 1 - high = 10**-b with 0.05 <= a < b <= 8: beyond 1 - 1e-8,
    # float64 keeps too few digits of 1 - beta for the tolerances used below
    a = draw(st.floats(0.05, 7.5))
    b = draw(st.floats(a + 0.1, 8))
    return OneMinusLogUniform(1 - 10.0**-a, 1 - 10.0**-b)


@st.composite
def int_dims(draw):
    log = draw(st.booleans())
    low = draw(st.integers(1, 1000) if log else st.integers(-1000, 1000))
    return IntUniform(low, low + draw(st.integers(1, 1000)), log=log)


choice_dims = st.lists(st.one_of(st.integers(-5, 5), st.sampled_from(["relu", "tanh", "x"]),
                                 st.tuples(st.integers(1, 64))),
                       min_size=1, max_size=6, unique=True).map(Choice)
numeric_dims = st.one_of(uniform_dims(), log_dims(), one_minus_log_dims(), int_dims())
any_dims = st.one_of(numeric_dims, choice_dims, st.builds(Fixed, st.integers()))


def contains(dim, value) -> bool:
    """Independent membership check, written from the definitions."""
    if isinstance(dim, Choice):
        return any(value == v and type(value) is type(v) for v in dim.values)
    if isinstance(dim, Fixed):
        return value == dim.value
    if isinstance(dim, IntUniform):
        return isinstance(value, int) and dim.low <= value <= dim.high
    return isinstance(value, float) and dim.low <= value <= dim.high


def own_scale(dim, x):
    """The scale on which each dimension is uniform, written from its definition."""
    x = np.asarray(x, dtype=float)
    if isinstance(dim, LogUniform):
        return np.log10(x)
    if isinstance(dim, OneMinusLogUniform):
        return np.log10(1 - x)
    return x
