"""Does a link carry every control's value exactly, and refuse what a control cannot take?

Round trips are property tests (hypothesis) over every position of real sliders and every
option of real choices; the refusals are adversarial texts a hand-edited or stale link
could hold.
"""

from __future__ import annotations

import math

import ipywidgets
import pytest
from hypothesis import given
from hypothesis import strategies as st

from course.app.links import (
    LinkError,
    decode_value,
    encode_value,
    format_query,
    is_linkable,
    parse_query,
)


def log_slider():
    return ipywidgets.FloatLogSlider(value=0.01, base=10, min=-3, max=2, step=0.25,
                                     description="learning_rate")


def float_slider():
    return ipywidgets.FloatSlider(value=0.9, min=0.0, max=0.99, step=0.01, description="beta")


def int_slider():
    return ipywidgets.IntSlider(value=3, min=1, max=40, step=3, description="n")


@given(st.integers(0, 20))
def test_every_log_slider_position_survives_a_link(k):
    slider = log_slider()
    slider.value = 10 ** (-3 + 0.25 * k)
    back = decode_value(slider, encode_value(slider, slider.value))
    assert math.isclose(back, slider.value, rel_tol=1e-9)  # the exact grid value, not 6 digits
    slider.value = back
    assert math.isclose(math.log10(slider.value), -3 + 0.25 * k, abs_tol=1e-12)


@given(st.integers(0, 99))
def test_every_linear_slider_position_survives_a_link(k):
    slider = float_slider()
    value = round(k * 0.01, 2)
    assert math.isclose(decode_value(slider, encode_value(slider, value)), value, abs_tol=1e-12)


@given(st.integers(0, 13))
def test_every_int_slider_step_survives_a_link_and_off_steps_are_refused(k):
    slider = int_slider()
    value = 1 + 3 * k
    assert decode_value(slider, encode_value(slider, value)) == value
    if value + 1 <= 40:
        with pytest.raises(LinkError, match="not on the steps of 'n'"):
            decode_value(slider, str(value + 1))


def test_choices_switches_and_selection_sliders_round_trip_by_their_labels():
    dropdown = ipywidgets.Dropdown(options=[("grid search", "grid"), ("random", "random")],
                                   value="grid", description="strategy")
    toggles = ipywidgets.ToggleButtons(options=["relu", "tanh"], value="relu")
    selection = ipywidgets.SelectionSlider(options=[2, 8, 32, 128], value=8,
                                           description="batch")
    checkbox = ipywidgets.Checkbox(value=False, description="bias correction")
    assert encode_value(dropdown, "random") == "random"
    assert decode_value(dropdown, "grid search") == "grid"
    assert decode_value(toggles, encode_value(toggles, "tanh")) == "tanh"
    assert decode_value(selection, encode_value(selection, 128)) == 128
    assert encode_value(checkbox, True) == "on"
    assert decode_value(checkbox, "off") is False and decode_value(checkbox, "TRUE") is True


@pytest.mark.parametrize("text, message", [
    ("abc", "'abc' is not a number"),
    ("", "'' is not a number"),
    ("nan", "not a finite number"),
    ("inf", "not a finite number"),
    ("-1", "not positive"),
    ("0", "not positive"),
    ("1000", "outside the range of 'learning_rate', 0.001 to 100"),
    ("0.0001", "outside"),
    ("0.02", "not on the steps of 'learning_rate'"),
    ("1e400", "not a finite number"),
    (" 0.01 ", "is not a number"),  # float() would take these: a link never writes them
    ("0_01", "is not a number"),
    ("\u0661", "is not a number"),  # an Arabic-Indic digit one
    ("Infinity", "not a finite number"),
])
def test_a_log_slider_refuses_what_it_cannot_show_and_says_why(text, message):
    with pytest.raises(LinkError, match=message.replace("(", r"\(")):
        decode_value(log_slider(), text)


@pytest.mark.parametrize("widget, text, message", [
    (ipywidgets.Dropdown(options=["grid", "random"], description="strategy"), "quasi",
     "'quasi' is not one of the choices of 'strategy' \\(grid, random\\)"),
    (ipywidgets.Checkbox(description="bias"), "maybe", "'maybe' is not on or off"),
    (float_slider(), "1.5", "outside the range of 'beta'"),
    (int_slider(), "4.0001", "'4.0001' is not a whole number"),
    (int_slider(), "5", "not on the steps of 'n'"),
])
def test_other_controls_refuse_with_a_message_naming_value_and_control(widget, text, message):
    with pytest.raises(LinkError, match=message):
        decode_value(widget, text)


def test_buttons_and_text_boxes_are_not_carried():
    assert not is_linkable(ipywidgets.Button())
    assert not is_linkable(ipywidgets.Text())
    assert is_linkable(ipywidgets.ToggleButton())


@given(st.dictionaries(
    st.tuples(st.from_regex(r"[a-z][a-z0-9-]{0,12}", fullmatch=True),
              st.from_regex(r"[a-z][a-z0-9_]{0,12}", fullmatch=True)),
    st.text(min_size=0, max_size=20), max_size=6))
def test_any_state_survives_format_then_parse(state):
    parsed, problems = parse_query(format_query(state))
    assert parsed == state and problems == []


def test_parse_reports_keys_it_cannot_place_and_repeats_but_leaves_voilas_alone():
    state, problems = parse_query("?a.b=1&a.b=2&nodot=3&.x=4&y.=5&theme=dark&voila-template=lab")
    assert state == {("a", "b"): "2"}
    assert len(problems) == 4
    assert "'a.b' appears more than once; its last value, '2', was used." in problems
    assert any("'nodot' names no demo and control" in p for p in problems)
