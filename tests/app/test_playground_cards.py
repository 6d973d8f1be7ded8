"""The playground without a browser: cards, their link, one build at a time, pausing.

A browser's reports (a card on or off screen, the screen's pixel ratio) are traitlet
changes on the anywidgets, so they are made here by setting those traitlets, as the
front end's messages would. The browser itself is in tests/end_to_end/test_playground_app.py.
"""

from __future__ import annotations

import html
import math
import threading
import time
import urllib.parse

import ipywidgets
import pytest
from PIL import Image

from course.app import playground as playground_module
from course.app.catalog import DEMOS, Demo
from course.app.playground import Card, Playground
from course.demos.view import DemoView


def query_dict(playground):
    return dict(urllib.parse.parse_qsl(playground.link.query))


def png_size(canvas):
    import io
    return Image.open(io.BytesIO(canvas.png)).size


# ---------------------------------------------------------------- link and state
def test_a_link_sets_the_controls_and_the_link_follows_every_change():
    playground = Playground("network-shape.hidden_units=12&coarse-to-fine.seed=3")
    shape = playground.card("network-shape")
    zoom = playground.card("coarse-to-fine")
    assert shape.demo.controls["hidden_units"].value == 12
    assert zoom.demo.controls["seed"].value == 3
    assert query_dict(playground) == {"network-shape.hidden_units": "12",
                                      "coarse-to-fine.seed": "3"}
    zoom.demo.controls["round"].value = 2
    shape.demo.controls["hidden_units"].value = 8  # back to its default: out of the link
    assert query_dict(playground) == {"coarse-to-fine.seed": "3", "coarse-to-fine.round": "2"}
    for card in (shape, zoom):
        card.close_demo()


def test_the_same_link_draws_the_same_picture_and_another_seed_another():
    pictures = {}
    for query in ("coarse-to-fine.seed=3&coarse-to-fine.round=2",) * 2 + (
            "coarse-to-fine.seed=4&coarse-to-fine.round=2",):
        card = Playground(query).card("coarse-to-fine")
        card.demo.wait()
        pictures.setdefault(query, []).append(card.demo.canvas.png)
        card.close_demo()
    same, other = pictures.values()
    assert same[0] == same[1]
    assert other[0] != same[0]


def test_a_bad_value_keeps_the_default_and_the_card_says_why():
    playground = Playground("learning-rate.learning_rate=abc&coarse-to-fine.colour=red"
                            "&coarse-to-fine.seed=2&old-demo.x=1&junk=2")
    notes = html.unescape(playground.notes.value)
    assert "'old-demo'" in notes and "'junk'" in notes
    rate = playground.card("learning-rate")
    assert rate.demo.controls["learning_rate"].value == pytest.approx(0.01)
    note = html.unescape(rate.note.value)
    assert "'abc' is not a number" in note and "0.01" in note
    zoom = playground.card("coarse-to-fine")
    assert "colour" in zoom.note.value and zoom.demo.controls["seed"].value == 2
    top = html.unescape(playground.notes.value)  # repeated on top, after the first notes
    assert top.index("'junk'") < top.index("'abc' is not a number") < top.index("colour")
    assert query_dict(playground) == {"coarse-to-fine.seed": "2"}  # only what was used
    for card in (rate, zoom):
        card.close_demo()


def test_a_link_value_with_markup_is_shown_as_text_never_as_html():
    playground = Playground("coarse-to-fine.seed=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E"
                            "&%3Cb%3E.x=1")
    card = playground.card("coarse-to-fine")
    assert "<img" not in card.note.value and "&lt;img" in card.note.value
    assert "<b>" not in playground.notes.value and "&lt;b&gt;" in playground.notes.value
    card.close_demo()


def test_unknown_demo_ids_and_a_second_card_are_refused_with_the_list():
    playground = Playground(lazy=True)
    with pytest.raises(ValueError, match="No demo 'nope'.*learning-rate"):
        playground.card("nope")
    playground.card("beta-window")
    with pytest.raises(ValueError, match="already has a card"):
        playground.card("beta-window")


def test_a_card_not_yet_built_keeps_its_part_of_the_link():
    playground = Playground("halving.rung=2&beta-window.beta=0.99", lazy=True)
    playground.card("halving")
    playground.card("beta-window")
    assert query_dict(playground) == {"halving.rung": "2", "beta-window.beta": "0.99"}


# ---------------------------------------------------------------- lazy, one at a time
@pytest.fixture
def slow_demos(monkeypatch):
    """Three fake demos whose builds take 0.2 s and record how many run at once."""
    record = {"now": 0, "most": 0, "built": []}
    lock = threading.Lock()

    def builder(name):
        def build():
            with lock:
                record["now"] += 1
                record["most"] = max(record["most"], record["now"])
            time.sleep(0.2)
            with lock:
                record["now"] -= 1
                record["built"].append(name)
            slider = ipywidgets.IntSlider(value=1, min=0, max=5)
            return DemoView({"k": slider}, lambda v: v["k"], _NumberPlot, figsize=(2, 1))
        return build

    demos = {name: Demo(name, 1, name, builder(name), 0.2) for name in ("a", "b", "c")}
    monkeypatch.setattr(playground_module, "DEMOS", demos)
    return record


class _NumberPlot:
    def __init__(self, canvas, data):
        self.text = canvas.figure.text(0.5, 0.5, "")

    def update(self, data):
        self.text.set_text(str(data))


def test_lazy_cards_build_when_seen_one_at_a_time(slow_demos):
    playground = Playground(lazy=True)
    cards = [playground.card(name) for name in ("a", "b", "c")]
    assert all(card.state == Card.WAITING for card in cards) and slow_demos["built"] == []
    for card in cards:
        card.visibility.visible = True  # all three scrolled into view at once
    assert playground.wait(10)
    assert slow_demos["most"] == 1, "two demos computed at the same time"
    assert slow_demos["built"] == ["a", "b", "c"]
    assert all(card.state == Card.READY for card in cards)


def test_a_card_scrolled_past_before_its_turn_is_not_built(slow_demos):
    playground = Playground(lazy=True)
    a, b, c = (playground.card(name) for name in ("a", "b", "c"))
    a.visibility.visible = True
    b.visibility.visible = True
    c.visibility.visible = True
    b.visibility.visible = False  # gone by before a finished
    c.visibility.visible = False
    assert playground.wait(10)
    assert slow_demos["built"] == ["a"]
    assert b.state == c.state == Card.WAITING
    c.visibility.visible = True
    assert playground.wait(10) and slow_demos["built"] == ["a", "c"]


def test_a_failing_build_is_said_on_its_card_without_a_traceback(monkeypatch):
    def broken():
        raise RuntimeError("out of cheese")

    monkeypatch.setitem(playground_module.DEMOS, "caviar",
                        Demo("caviar", 4, "caviar", broken, 0.1))
    playground = Playground()
    card = playground.card("caviar")
    assert card.state == Card.FAILED
    assert "could not start" in card.body.value and "out of cheese" in card.body.value
    assert "Traceback" not in card.body.value and "Traceback" in playground.log[0]


# ---------------------------------------------------------------- off screen, closed
def test_a_live_demo_off_screen_pauses_and_a_closed_one_stops_its_thread():
    playground = Playground(lazy=True)
    card = playground.card("babysitting")
    card.visibility.visible = True
    assert playground.wait(30)
    session = card.demo.session
    card.demo.controls["run"].value = True
    deadline = time.monotonic() + 20
    while session.trainer is None or session.trainer.iteration < 50:
        assert time.monotonic() < deadline, "the live demo did not train"
        time.sleep(0.05)
    card.visibility.visible = False
    assert card.demo.controls["run"].value is False
    time.sleep(0.3)  # a step in flight may finish
    stopped_at = session.trainer.iteration
    time.sleep(0.5)
    assert session.trainer.iteration == stopped_at, "it trained while off screen"
    thread = session._thread
    card.demo.controls["learning_rate"].value = 0.1
    card.close_demo()
    thread.join(5)
    assert not thread.is_alive(), "closing the demo left its training thread running"
    assert query_dict(playground) == {"babysitting.learning_rate": "0.1"}
    card._on_toggle(None)  # "open" again: rebuilt with the value it had
    assert playground.wait(30)
    assert card.demo.controls["learning_rate"].value == pytest.approx(0.1)
    card.close_demo()


def test_background_work_stopped_off_screen_runs_again_on_screen():
    playground = Playground(lazy=True)
    card = playground.card("digits-search")
    card.visibility.visible = True
    assert playground.wait(30)
    demo = card.demo
    demo.controls["seed"].value = 5  # a new streamed search starts in its thread
    card.visibility.visible = False
    assert demo.job.wait(10)
    if card.stale:  # stopped before it finished: shown again when back
        card.visibility.visible = True
        assert demo.job.wait(30)
        assert not card.stale
    demo.wait()
    assert demo.data is not None and demo.values()["seed"] == 5
    assert len(demo.data["scores"]) == demo.data["planned"]  # the search finished
    card.close_demo()


# ---------------------------------------------------------------- pixel ratio
def test_pictures_follow_the_screens_pixel_ratio_within_each_demos_cap():
    playground = Playground()
    beta = playground.card("beta-window")
    live = playground.card("babysitting")
    width = round(beta.demo.figure.get_figwidth() * beta.demo.canvas.css_dpi)
    assert png_size(beta.demo.canvas)[0] == 2 * width  # before the browser says: 2
    playground.link.pixel_ratio = 1.0
    assert png_size(beta.demo.canvas)[0] == width
    playground.link.pixel_ratio = 2.6  # rounded up to a quarter
    assert png_size(beta.demo.canvas)[0] == round(2.75 * width)
    playground.link.pixel_ratio = 3.0
    live.demo.canvas.flush()
    live_width = round(live.demo.figure.get_figwidth() * live.demo.canvas.css_dpi)
    assert live.demo.canvas.pixel_ratio == 1.5  # the live demo keeps its frame rate
    assert png_size(live.demo.canvas)[0] == round(1.5 * live_width)
    for card in (beta, live):
        card.close_demo()


def test_every_demo_of_the_catalog_builds_and_has_link_controls():
    for demo_id, entry in DEMOS.items():
        playground = Playground()
        card = playground.card(demo_id)
        assert card.state == Card.READY, (demo_id, card.body.value)
        assert Card.controls(card.demo), f"{entry.title} has no control a link can carry"
        card.close_demo()


def test_a_browsers_rounding_of_a_default_stays_out_of_the_link():
    playground = Playground()
    card = playground.card("sampling-scale")
    high = card.demo.controls["high"]
    high.value = high.value * (1 + 1e-15)  # what a browser's log slider may send back
    assert "sampling-scale.high" not in query_dict(playground)
    card.close_demo()


def test_a_button_in_a_link_is_named_as_such_and_ignored():
    playground = Playground("babysitting.run=on&babysitting.reset=1")
    card = playground.card("babysitting")
    assert card.demo.controls["run"].value is False
    assert "babysitting.run is a button a link does not press" in html.unescape(card.note.value)
    card.close_demo()


def test_close_while_computing_or_waiting_is_kept(slow_demos):
    playground = Playground(lazy=True)
    a, b = playground.card("a"), playground.card("b")
    a.visibility.visible = True
    deadline = time.monotonic() + 5
    while a.state != Card.BUILDING:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    a._on_toggle(None)  # "close" while it computes
    b._on_toggle(None)  # "close" before it was ever shown
    assert playground.wait(10)
    assert a.state == Card.CLOSED and a.demo is None and a.toggle.description == "open"
    assert b.state == Card.CLOSED and slow_demos["built"] == ["a"]
    b._on_toggle(None)  # "open"
    assert playground.wait(10) and b.state == Card.READY


def other_positions(widget, count=2):
    """`count` values the control can take other than its current one, far apart."""
    if hasattr(widget, "options"):
        picks = [i for i in range(len(widget.options)) if i != widget.index]
        return [widget.options[i] if not isinstance(widget.options[i], tuple)
                else widget.options[i][1] for i in picks[-count:]]
    if isinstance(widget, ipywidgets.Checkbox | ipywidgets.ToggleButton):
        return [not widget.value, widget.value][:count]
    log = isinstance(widget, ipywidgets.FloatLogSlider)
    position = math.log(widget.value, widget.base) if log else widget.value
    steps = round((widget.max - widget.min) / widget.step)
    now = round((position - widget.min) / widget.step)
    places = [k for k in (steps, 0, steps // 2, 1) if k != now][:count]
    values = [widget.min + k * widget.step for k in places]
    return [widget.base ** v for v in values] if log else values


def settle(card):
    wait = getattr(card.demo, "wait", None)
    if wait is not None:
        assert wait(60)


@pytest.mark.slow
@pytest.mark.parametrize("demo_id", [d for d in DEMOS if d != "babysitting"])
def test_a_picture_depends_on_its_link_not_on_the_path_to_it(demo_id):
    """Move every control of a demo, then its first control twice more: a new page opened
    on the resulting link draws the same picture bytes. (The live babysitting run is the
    exception the README states: its curve depends on when it was paused.)"""
    playground = Playground()
    card = playground.card(demo_id)
    settle(card)
    controls = Card.controls(card.demo)
    for _, widget in controls:
        widget.value = other_positions(widget, 1)[0]
        settle(card)
    first = controls[0][1]
    for value in other_positions(first, 2):
        first.value = value
        settle(card)
    query = playground.link.query
    moved = card.demo.canvas.png
    card.close_demo()
    again = Playground(query).card(demo_id)
    settle(again)
    restored = again.demo.canvas.png
    again.close_demo()
    assert moved == restored, f"{demo_id}: the link {query} draws another picture"
