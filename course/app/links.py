"""The playground's state in a link: every demo's controls as a URL query, and back.

    text = encode_value(slider, 0.316)          # "0.316": what goes after "="
    value = decode_value(slider, "0.316")       # the slider's own value, or LinkError
    state, problems = parse_query("learning-rate.learning_rate=0.316&x=1")
    query = format_query({("learning-rate", "learning_rate"): "0.316"})

A link names a control as ``<demo>.<control>`` (the demo's id in the playground, the
control's name in its view), with the value as the control shows it: a number on a
slider's own steps, an option's label, ``on``/``off`` for a switch. Only values that
differ from a demo's defaults are written, so a link stays short and a default that
changes in a new version of the course reaches old links.

A value the control cannot take (not a number, off the slider's range or steps, an
option that no longer exists) raises `LinkError`, whose message names the value and
what was expected, so the playground can keep the default and say why.
"""

from __future__ import annotations

import math
import re
import urllib.parse

import ipywidgets

__all__ = ["LinkError", "decode_value", "encode_value", "format_query", "is_linkable",
           "parse_query"]

# Query keys that belong to Voila or to the browser, never reported as unknown.
FOREIGN_KEYS = frozenset({"theme", "template", "token"})
ON, OFF = "on", "off"
_TRUE, _FALSE = {"on", "1", "true", "yes"}, {"off", "0", "false", "no"}
# A value is on a slider's steps when within this fraction of a step of one.
STEP_TOLERANCE = 1e-3
# A number as a link writes it: ASCII digits, an optional sign, point and exponent.
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)


class LinkError(ValueError):
    """A value of a link that its control cannot take."""


_SLIDERS = (ipywidgets.IntSlider, ipywidgets.FloatSlider, ipywidgets.FloatLogSlider)
_CHOICES = (ipywidgets.SelectionSlider, ipywidgets.Dropdown, ipywidgets.ToggleButtons,
            ipywidgets.RadioButtons)
_SWITCHES = (ipywidgets.Checkbox, ipywidgets.ToggleButton)


def is_linkable(widget):
    """True for the controls a link can carry (sliders, choices, switches)."""
    return isinstance(widget, _SLIDERS + _CHOICES + _SWITCHES)


def encode_value(widget, value):
    """The text a link carries for `value` of `widget`."""
    if isinstance(widget, ipywidgets.IntSlider):
        return str(int(value))
    if isinstance(widget, _SLIDERS):
        return format(float(value), ".6g")
    if isinstance(widget, _CHOICES):
        for label, option in zip(widget._options_labels, widget._options_values, strict=True):
            if option == value:
                return label
        raise LinkError(f"{value!r} is not an option of {_name(widget)}.")
    if isinstance(widget, _SWITCHES):
        return ON if value else OFF
    raise TypeError(f"a link cannot carry a {type(widget).__name__}")


def decode_value(widget, text):
    """The value of `widget` that `text` stands for; LinkError when it cannot take it."""
    if isinstance(widget, _SLIDERS):
        return _decode_number(widget, text)
    if isinstance(widget, _CHOICES):
        labels = list(widget._options_labels)
        if text in labels:
            return widget._options_values[labels.index(text)]
        shown = ", ".join(labels[:8]) + (", ..." if len(labels) > 8 else "")
        raise LinkError(f"{text!r} is not one of the choices of {_name(widget)} ({shown}).")
    if isinstance(widget, _SWITCHES):
        word = text.strip().lower()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
        raise LinkError(f"{text!r} is not {ON} or {OFF} (for {_name(widget)}).")
    raise TypeError(f"a link cannot carry a {type(widget).__name__}")


def _decode_number(widget, text):
    if not _NUMBER.fullmatch(text):  # float() also takes " 1_2 ", "١٢" and "nan"
        word = text.strip().lower().lstrip("+-")
        kind = "a finite number" if word in ("nan", "inf", "infinity") else "a number"
        raise LinkError(f"{text!r} is not {kind} (for {_name(widget)}).")
    number = float(text)
    if not math.isfinite(number):
        raise LinkError(f"{text!r} is not a finite number (for {_name(widget)}).")
    if isinstance(widget, ipywidgets.IntSlider) and not number.is_integer():
        raise LinkError(f"{text!r} is not a whole number (for {_name(widget)}).")
    if isinstance(widget, ipywidgets.FloatLogSlider):
        if number <= 0:
            raise LinkError(f"{text!r} is not positive; {_name(widget)} takes "
                            f"{_range_text(widget)}.")
        position, low, high = math.log(number, widget.base), widget.min, widget.max
    else:
        position, low, high = number, widget.min, widget.max
    step = widget.step
    tolerance = STEP_TOLERANCE * step if step else 1e-9 * max(1.0, abs(high - low))
    if not (low - tolerance <= position <= high + tolerance):
        raise LinkError(f"{text!r} is outside the range of {_name(widget)}, "
                        f"{_range_text(widget)}.")
    if step:
        steps = round((position - low) / step)
        if abs(low + steps * step - position) > tolerance:
            raise LinkError(f"{text!r} is not on the steps of {_name(widget)} "
                            f"({_range_text(widget)}).")
        position = min(max(low + steps * step, low), high)
    if isinstance(widget, ipywidgets.FloatLogSlider):
        return widget.base ** position
    if isinstance(widget, ipywidgets.IntSlider):
        return int(round(position))
    return float(position)


def _range_text(widget):
    if isinstance(widget, ipywidgets.FloatLogSlider):
        low, high = widget.base ** widget.min, widget.base ** widget.max
        unit = "decades" if widget.base == 10 else f"powers of {widget.base:g}"
        return f"{low:.6g} to {high:.6g} in steps of {widget.step:g} {unit}"
    return f"{widget.min:g} to {widget.max:g} in steps of {widget.step:g}"


def _name(widget):
    return repr(widget.description) if widget.description else "this control"


def parse_query(query):
    """The link's state and what could not be read.

    Returns ({(demo, control): text}, [problem, ...]); the keys of Voila and the browser
    (theme, template, token) are left alone, a repeated key keeps its last value and is
    reported, a key that is not demo.control is reported.
    """
    state, problems = {}, []
    query = (query or "").lstrip("?")
    for key, text in urllib.parse.parse_qsl(query, keep_blank_values=True):
        if key in FOREIGN_KEYS or key.startswith("voila"):
            continue
        demo, dot, control = key.partition(".")
        if not (dot and demo and control):
            problems.append(f"{key!r} names no demo and control (expected demo.control=value);"
                            " it was ignored.")
            continue
        if (demo, control) in state:
            problems.append(f"{key!r} appears more than once; its last value, {text!r}, "
                            "was used.")
        state[(demo, control)] = text
    return state, problems


def format_query(state):
    """The query (without "?") for {(demo, control): text}, in the order given."""
    return urllib.parse.urlencode([(f"{demo}.{control}", text)
                                   for (demo, control), text in state.items()],
                                  safe=",")
