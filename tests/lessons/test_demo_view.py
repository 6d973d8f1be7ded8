"""Does DemoView, the one view builder, wire controls, compute, Plot and status as it says?

A toy demo: a slider "level" from 0 to 10, a compute that returns it, and a Plot that
draws a red horizontal line at that height on axes filling the whole picture, so the
line's row in the PNG can be predicted from the level alone.
"""

import threading

import ipywidgets
import numpy as np
import pytest

from course.demos.view import DemoView

SIZE = 100  # pixels: figsize 2 x 2 inches at 50 dpi


class LevelPlot:
    """A red line at height data["level"] on axes spanning the figure (0..10 upwards)."""

    def __init__(self, canvas, data, builds):
        builds.append(data)
        figure = canvas.figure
        ax = figure.add_axes((0, 0, 1, 1))
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 10)
        ax.set_axis_off()
        (self.line,) = ax.plot([0, 1], [0, 0], color="red", lw=3)
        canvas.animate(self.line)

    def update(self, data):
        self.line.set_ydata([data["level"], data["level"]])


def describe(data):
    return f"level <b>{data['level']}</b>, step {data.get('step', 0)}"


def make_view(compute, builds=None, **kwargs):
    builds = [] if builds is None else builds
    controls = {"level": ipywidgets.IntSlider(value=1, min=0, max=10)}
    return DemoView(controls, compute, lambda canvas, data: LevelPlot(canvas, data, builds),
                    describe=kwargs.pop("describe", describe), figsize=(2, 2), dpi=50,
                    pixel_ratio=1,
                    **kwargs)


def red_row(pixels):
    """Mean row of the strongly red pixels (the line), counted from the top."""
    red = (pixels[..., 0] > 200) & (pixels[..., 1] < 80) & (pixels[..., 2] < 80)
    rows = np.nonzero(red.any(axis=1))[0]
    assert len(rows) > 0, "no red line in the picture"
    return rows.mean()


def expected_row(level):
    return SIZE * (1 - level / 10)


def test_setting_a_control_recomputes_redraws_and_describes(set_control, decode_png):
    builds = []
    view = make_view(lambda values: {"level": values["level"], "square": values["level"] ** 2},
                     builds)
    assert view.data == {"level": 1, "square": 1}
    assert red_row(decode_png(view.canvas.png)) == pytest.approx(expected_row(1), abs=2)
    before = view.canvas.png
    assert set_control(view, "level", 7) == {"level": 7, "square": 49}
    assert view.canvas.png != before
    assert red_row(decode_png(view.canvas.png)) == pytest.approx(expected_row(7), abs=2)
    assert view.status.value == "level <b>7</b>, step 0"
    assert len(builds) == 1  # the Plot is built once, then only updated


def test_background_compute_streams_every_yield_in_order(set_control, decode_png):
    shown = []

    def record(data):
        shown.append((data["level"], data["step"]))
        return describe(data)

    def compute(values):
        for step in range(4):
            yield {"level": values["level"], "step": step}

    view = make_view(compute, background=True, describe=record)
    assert view.wait(10)
    assert shown == [(1, 0), (1, 1), (1, 2), (1, 3)]
    set_control(view, "level", 5)
    assert shown[4:] == [(5, 0), (5, 1), (5, 2), (5, 3)]
    assert view.data == {"level": 5, "step": 3}
    assert red_row(decode_png(view.canvas.png)) == pytest.approx(expected_row(5), abs=2)


def test_a_newer_change_stops_the_older_generator_at_its_next_yield(set_control, decode_png):
    held, release, old_closed = threading.Event(), threading.Event(), threading.Event()
    log, shown = [], []

    def record(data):
        shown.append((data["level"], data["step"]))
        return describe(data)

    def compute(values):
        level = values["level"]
        try:
            for step in range(3):
                log.append((level, "yields", step))
                yield {"level": level, "step": step}
                log.append((level, "resumed", step))
                if level == 1 and step == 0:
                    held.set()
                    assert release.wait(10)  # the old run waits here for the new one
        finally:
            if level == 1:
                old_closed.set()

    view = make_view(compute, background=True, describe=record)
    assert held.wait(10)
    set_control(view, "level", 8)  # the new run goes to its end while the old one waits
    release.set()
    assert old_closed.wait(10)
    assert (1, "yields", 1) in log  # the old run reached its next yield ...
    assert (1, "resumed", 1) not in log  # ... and was never resumed after it
    assert shown == [(1, 0), (8, 0), (8, 1), (8, 2)]  # its later data never showed
    assert view.data == {"level": 8, "step": 2}
    assert view.status.value == "level <b>8</b>, step 2"
    assert red_row(decode_png(view.canvas.png)) == pytest.approx(expected_row(8), abs=2)


def test_an_exception_in_background_compute_shows_in_the_status_line(set_control):
    def compute(values):
        yield {"level": values["level"], "step": 0}
        if values["level"] % 2:
            raise ValueError(f"level {values['level']} < 2 is odd; pick an even level")
        yield {"level": values["level"], "step": 1}

    view = make_view(compute, background=True)
    assert view.wait(10)
    assert "Error" in view.status.value
    assert "level 1 &lt; 2 is odd; pick an even level" in view.status.value  # HTML-escaped
    assert view.data == {"level": 1, "step": 0}  # the last good data stays
    set_control(view, "level", 4)  # the next change recovers
    assert view.status.value == "level <b>4</b>, step 1"


def test_without_compute_show_from_another_thread_draws_and_controls_do_nothing(decode_png):
    view = make_view(None)
    assert view.data is None and view.canvas.png == b""
    worker = threading.Thread(target=view.show, args=({"level": 6, "step": 3},))
    worker.start()
    worker.join(10)
    assert view.data == {"level": 6, "step": 3}
    assert view.status.value == "level <b>6</b>, step 3"
    assert red_row(decode_png(view.canvas.png)) == pytest.approx(expected_row(6), abs=2)
    view.controls["level"].value = 2  # nothing is wired to the controls
    assert view.wait(1)
    assert view.data == {"level": 6, "step": 3}


def test_an_error_in_compute_shows_in_the_status_and_keeps_the_last_picture(decode_png):
    """A synchronous compute that raises must not escape into the slider's callback."""
    def compute(values):
        if values["level"] == 7:
            raise ValueError("level 7 <is> not allowed")
        return {"level": values["level"]}

    view = make_view(compute)
    before = view.canvas.png
    view.controls["level"].value = 7  # would raise inside the widget's observer
    assert "Error" in view.status.value and "&lt;is&gt;" in view.status.value
    assert view.data == {"level": 1} and view.canvas.png == before
    view.controls["level"].value = 4
    assert view.data == {"level": 4} and "level <b>4</b>" in view.status.value


def test_a_superseded_jobs_error_never_overwrites_the_newer_result():
    release = threading.Event()

    def compute(values):
        if values["level"] == 2:
            release.wait(5)
            raise RuntimeError("the old request failed")
        yield {"level": values["level"]}

    view = make_view(compute, background=True)
    assert view.wait(5)
    view.controls["level"].value = 2  # starts the slow, failing request
    old = view.job._thread
    view.controls["level"].value = 3  # supersedes it
    release.set()
    old.join(5)
    assert view.wait(5) and not old.is_alive()
    assert view.data == {"level": 3} and "Error" not in view.status.value


def test_close_stops_the_work_and_unwires_the_controls():
    calls = []

    def compute(values):
        calls.append(values["level"])
        return {"level": values["level"]}

    view = make_view(compute)
    slider = view.controls["level"]
    view.close()
    slider.value = 9  # a closed demo must not compute again
    assert calls == [1]
