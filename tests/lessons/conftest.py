"""Fixtures the lessons' and demos' tests share.

    set_control(view, name, value) -> view.data    move one control as a student would,
                                                   wait for the new picture, return the data
    decode_png(png_bytes) -> (height, width, 3) uint8 array   the pixels a demo shows

Demos are `course.demos.view.DemoView`s driven headless: a test sets
``view.controls[name].value`` and reads ``view.data``, ``view.status.value`` and the PNG in
``view.canvas.png``.
"""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

WAIT_SECONDS = 120.0  # generous: CI machines are shared, and digits trials train networks


@pytest.fixture
def set_control():
    def set_and_wait(view, name, value, timeout=WAIT_SECONDS):
        view.controls[name].value = value
        assert view.wait(timeout), f"{name}={value!r}: the demo's work took over {timeout} s"
        return view.data

    return set_and_wait


@pytest.fixture
def decode_png():
    def decode(png):
        assert png, "the demo has not drawn a picture yet"
        return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))

    return decode
