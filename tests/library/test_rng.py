"""Does course.rng.as_rng turn every documented form of `rng` into the Generator NumPy would
make, pass a Generator through untouched, and refuse anything else by its value?"""

import doctest
import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import course.rng
from course.rng import as_rng


def test_a_generator_passes_through_as_the_same_object():
    """A caller who passes a Generator sees its state advance (no hidden copy)."""
    generator = np.random.default_rng(7)
    assert as_rng(generator) is generator
    first = as_rng(generator).random()
    assert as_rng(generator).random() != first  # the stream went on
    assert first == np.random.default_rng(7).random()


@given(seed=st.integers(0, 2**128))
def test_the_same_seed_gives_numpys_stream_and_another_seed_another(seed):
    expected = np.random.SeedSequence(seed)  # NumPy's documented derivation from a seed
    stream = as_rng(seed).integers(0, 2**63, size=4)
    assert np.array_equal(stream, np.random.Generator(np.random.PCG64(expected))
                          .integers(0, 2**63, size=4))
    if seed < 2**63:  # a NumPy integer is the same seed as the Python int
        assert np.array_equal(stream, as_rng(np.int64(seed)).integers(0, 2**63, size=4))
    assert not np.array_equal(stream, as_rng(seed + 1).integers(0, 2**63, size=4))


def test_seed_sequences_and_lists_of_ints_are_seeds_too():
    assert as_rng(np.random.SeedSequence(3)).random() == as_rng(3).random()
    assert as_rng([1, 2]).random() == np.random.default_rng([1, 2]).random()


def test_none_gives_fresh_entropy():
    """Two unseeded generators agree on 4 draws of 63 bits with probability 2**-252."""
    assert not np.array_equal(as_rng(None).integers(0, 2**63, 4),
                              as_rng().integers(0, 2**63, 4))


@pytest.mark.parametrize("bad", [-1, 1.5, "a", True, False, np.float64(2.0), [-1], [1.5],
                                 object()],
                         ids=lambda v: "an object" if type(v) is object else repr(v))
def test_bad_values_raise_a_value_error_naming_the_value(bad):
    with pytest.raises(ValueError) as error:
        as_rng(bad)
    assert str(error.value) == (f"rng must be a numpy Generator, a seed (a whole number >= 0) "
                                f"or None, got {bad!r}; pass e.g. rng=0.")


def test_the_message_uses_the_callers_argument_name():
    with pytest.raises(ValueError, match=re.escape("seed must be a numpy Generator") + ".*"
                       + re.escape("got -3; pass e.g. seed=0.")):
        as_rng(-3, name="seed")


def test_the_examples_in_the_docstrings_run():
    result = doctest.testmod(course.rng)
    assert result.attempted > 0 and result.failed == 0
