"""Do the shared input checks (course.validate) accept exactly the values they describe, and
does every refusal name the argument and the bad value and say what to pass, in one
sentence?"""

import doctest
import math
import re
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import course.validate
from course.validate import (
    check_array,
    check_choice,
    check_features,
    check_fraction,
    check_int,
    check_labels,
    check_number,
    check_positive,
    check_positive_int,
)

NOT_NUMBERS = [True, False, np.True_, "1.5", "abc", None, [0.5], np.array([0.5]), 1j,
               np.array(True), np.array("0.5"), object()]
NOT_FINITE = [math.nan, math.inf, -math.inf, np.float32("nan"), np.array(math.inf)]


def assert_one_sentence_naming(error, name, value):
    """The message names the argument and the value's repr and is one sentence."""
    message = str(error.value)
    assert message.startswith(f"{name} ") and f"got {value!r}" in message
    assert message.endswith(".") and "\n" not in message and "; pass" in message


# ---- numbers -------------------------------------------------------------------------

@pytest.mark.parametrize("value", NOT_NUMBERS + NOT_FINITE, ids=lambda v: (
    "an object" if type(v) is object else repr(v)))
@pytest.mark.parametrize("check", [check_positive, check_fraction])
def test_what_is_not_a_finite_number_is_refused_by_name_and_value(check, value):
    with pytest.raises(ValueError) as error:
        check("learning_rate", value)
    assert_one_sentence_naming(error, "learning_rate", value)


@pytest.mark.parametrize("value, expected", [
    (np.float32(0.5), 0.5), (np.int64(3), 3.0), (np.array(0.25), 0.25), (Fraction(1, 4), 0.25),
    (2, 2.0), (1e-300, 1e-300),
], ids=repr)
def test_numpy_scalars_0d_arrays_and_fractions_are_numbers(value, expected):
    result = check_positive("x", value)
    assert result == expected and type(result) is float


def test_negative_zero_is_zero_where_zero_is_allowed_and_refused_where_it_is_not():
    result = check_fraction("beta", -0.0)
    assert result == 0.0 and math.copysign(1.0, result) == 1.0
    with pytest.raises(ValueError, match=re.escape("got -0.0")):
        check_positive("learning_rate", -0.0)


@pytest.mark.parametrize("value, ok", [(0, True), (0.999999, True), (1, False), (1 - 1e-17, False),
                                       (-1e-300, False)])
def test_fraction_is_the_half_open_interval_0_1(value, ok):
    # 1 - 1e-17 rounds to 1.0 in float64, so it is refused like 1
    if ok:
        assert check_fraction("momentum", value) == value
    else:
        with pytest.raises(ValueError, match=r"momentum must lie in \[0, 1\)"):
            check_fraction("momentum", value)


BOUND = st.one_of(st.none(), st.integers(-3, 3))


@given(x=st.floats(allow_nan=True, allow_infinity=True), above=BOUND, at_least=BOUND,
       below=BOUND, at_most=BOUND)
def test_check_number_accepts_exactly_the_values_inside_its_bounds(x, above, at_least, below,
                                                                   at_most):
    inside = math.isfinite(x) and all((
        above is None or x > above, at_least is None or x >= at_least,
        below is None or x < below, at_most is None or x <= at_most))
    bounds = {"above": above, "at_least": at_least, "below": below, "at_most": at_most}
    if inside:
        assert check_number("x", x, **bounds) == x
    else:
        with pytest.raises(ValueError) as error:
            check_number("x", x, **bounds)
        assert_one_sentence_naming(error, "x", x)


@pytest.mark.parametrize("bounds, rule", [
    ({}, "x must be a finite number, got"),
    ({"above": 0}, "x must be a finite number > 0, got"),
    ({"at_least": 0}, "x must be a finite number >= 0, got"),
    ({"above": 1, "at_most": 5}, "x must lie in (1, 5], got"),
    ({"at_least": 0, "below": 1}, "x must lie in [0, 1), got"),
])
def test_the_message_states_the_rule(bounds, rule):
    with pytest.raises(ValueError, match=re.escape(rule)):
        check_number("x", "bad", **bounds)


@pytest.mark.parametrize("bounds", [{"above": 1}, {"at_least": 0, "below": 1},
                                    {"above": 0, "at_most": 2}, {"below": -1}, {}])
def test_the_suggested_example_is_itself_accepted(bounds):
    """Would a user who follows the message's advice get past the check?"""
    with pytest.raises(ValueError) as error:
        check_number("x", math.nan, **bounds)
    example = re.search(r"pass e\.g\. x=(\S+)\.$", str(error.value)).group(1)
    assert check_number("x", float(example), **bounds) == float(example)


def test_hyperparameter_names_get_typical_examples_and_callers_can_give_their_own():
    with pytest.raises(ValueError, match=re.escape("; pass e.g. learning_rate=0.01.")):
        check_positive("learning_rate", 0)
    with pytest.raises(ValueError, match=re.escape("; pass e.g. eta=3.")):
        check_number("eta", 1, above=1, example=3)
    with pytest.raises(ValueError, match=re.escape("; write e.g. Uniform(0, 1).")):
        check_number("low", math.nan, hint="write e.g. Uniform(0, 1)")
    with pytest.raises(ValueError, match=re.escape("got 0; pass e.g. 1.")):
        check_positive("hidden_dims entry", 0)  # a description, not an argument to assign


# ---- whole numbers -------------------------------------------------------------------

@pytest.mark.parametrize("value", [3, np.int64(3), np.uint8(3), np.array(3), 2**70], ids=repr)
def test_python_and_numpy_integers_are_whole_numbers(value):
    result = check_positive_int("n", value)
    assert result == int(value) and type(result) is int


@pytest.mark.parametrize("value", [True, np.True_, 3.0, np.float64(3.0), "3", None, [3],
                                   np.array([3]), np.array(3.0), math.nan, 0, -2], ids=repr)
def test_what_is_not_a_whole_number_at_least_1_is_refused(value):
    with pytest.raises(ValueError) as error:
        check_positive_int("n_trials", value, example=20)
    assert_one_sentence_naming(error, "n_trials", value)
    assert str(error.value).endswith("must be a whole number >= 1, got "
                                     f"{value!r}; pass e.g. n_trials=20.")


def test_int_bounds_are_inclusive():
    assert check_int("k", 0, at_least=0, at_most=0) == 0
    with pytest.raises(ValueError, match=re.escape("k must be a whole number in [0, 2], got 3")):
        check_int("k", 3, at_least=0, at_most=2)


# ---- arrays --------------------------------------------------------------------------

def test_check_array_points_at_the_first_bad_entry():
    with pytest.raises(ValueError, match=re.escape("u must hold numbers in [0, 1], got 1.5 (at "
                                                   "index 2)")):
        check_array("u", [0.0, 1.0, 1.5, -1.0], at_least=0, at_most=1)
    with pytest.raises(ValueError, match=re.escape("got nan (at index (1, 0))")):
        check_array("u", [[0.5, 0.5], [math.nan, 0.5]], at_least=0, at_most=1)
    with pytest.raises(ValueError, match=re.escape("beta must hold finite numbers < 1, got inf;")):
        check_array("beta", math.inf, below=1)


@pytest.mark.parametrize("values", [["a", "b"], [True, False], [object()], [1j]],
                         ids=["strings", "bools", "an object", "complex"])
def test_check_array_refuses_arrays_that_do_not_hold_real_numbers(values):
    with pytest.raises(ValueError, match="u must hold numbers in"):
        check_array("u", values, at_least=0, at_most=1)


def test_check_array_returns_floats_and_keeps_the_shape():
    out = check_array("u", np.array([[0, 1]], dtype=np.int8), at_least=0, at_most=1)
    assert out.dtype == np.float64 and out.tolist() == [[0.0, 1.0]]


# ---- choices -------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["softplus", ["relu"], np.array(["relu"]), None, 1.5],
                         ids=repr)
def test_an_unknown_choice_is_refused_with_the_list_of_choices(value):
    choices = {"relu": 1, "tanh": 2}
    with pytest.raises(ValueError) as error:
        check_choice("activation", value, choices)
    assert str(error.value) == f"unknown activation {value!r}; choose one of ['relu', 'tanh']."


def test_a_known_choice_is_returned():
    assert check_choice("optimizer", "adam", ("sgd", "adam")) == "adam"


# ---- features and labels -------------------------------------------------------------

def test_labels_that_are_whole_floats_become_ints_and_others_are_refused():
    assert check_labels(np.array([0.0, 2.0]), 2, 3).dtype == np.int64
    for y in (np.array([0.0, np.inf]), np.array([0.0, np.nan]), np.array([0.5, 1.0]),
              np.array([True, False])):
        with pytest.raises(ValueError, match="y must hold integer class labels"):
            check_labels(y, 2, 3)
    with pytest.raises(ValueError, match=re.escape("y has label 3, outside [0, 3)")):
        check_labels([0, 3], 2, 3)
    with pytest.raises(ValueError, match=re.escape("y must have shape (2,), one label per "
                                                   "example, got shape (2, 1)")):
        check_labels([[0], [1]], 2, 3)


def test_features_name_the_shape_the_dtype_and_the_first_bad_row():
    with pytest.raises(ValueError, match=re.escape("X must have shape (n, 3) with one example "
                                                   "per row, got shape (3,)")):
        check_features(np.zeros(3), 3)
    with pytest.raises(ValueError, match="X must hold numbers, got dtype object"):
        check_features(np.array([[None, 1, 2]]), 3)
    with pytest.raises(ValueError, match=re.escape("first in row 2")):
        check_features(np.array([[0, 0], [1, 1], [np.inf, 0]]), 2)


def test_the_examples_in_the_docstrings_run():
    result = doctest.testmod(course.validate)
    assert result.attempted > 0 and result.failed == 0
