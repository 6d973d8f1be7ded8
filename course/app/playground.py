"""The playground: every demo in a card, its state in the page's link, one build at a time.

    playground = Playground.from_environment()   # reads the link in Voila
    playground.header                            # "copy link" and notes on the link
    playground.card("caviar")                    # one demo's card (lessons/playground.ipynb)

In Voila (`make playground`) a card builds its demo when it first comes on screen, in one
builder thread shared by the page, so only one demo computes at a time and the page
appears at once. Elsewhere (JupyterLab, a headless run) `card` builds at once, as a
lesson's cell would. In both, a card that leaves the screen pauses its live training and
stops its background work (re-run when it comes back), and its "close" button closes
the demo and every thread it has.

Every control a link can carry (`course.app.links`) is watched: the page's address (in
Voila) and the "copy link" text always hold the values that differ from the demo's
defaults. A link's values are applied when their card is built; a value the control
cannot take keeps the default and the card says why (repeated at the top once the card
is built); a link naming a demo the playground does not have is reported at the top.
"""

from __future__ import annotations

import collections
import html
import os
import threading
import traceback

import ipywidgets

from course.app.browser import LinkBar, Visibility
from course.app.catalog import DEMOS
from course.app.links import decode_value, encode_value, format_query, is_linkable, parse_query

__all__ = ["Card", "Playground"]

NOTE_STYLE = "color: #8a4b00; background: #fff4e0; padding: 4px 8px; border-radius: 3px;"


def in_voila():
    """True in a kernel that Voila started (Voila names itself in SERVER_SOFTWARE)."""
    return os.environ.get("SERVER_SOFTWARE", "").startswith("voila")


class Builder:
    """One daemon thread that builds cards in the order asked; a card can be withdrawn."""

    def __init__(self):
        self._queue = collections.deque()
        self._wake = threading.Condition()
        self._thread = None
        self.building = None  # the card being built now, for tests and the notes

    def ask(self, card):
        with self._wake:
            if card not in self._queue:
                self._queue.append(card)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, daemon=True,
                                                name="playground-builder")
                self._thread.start()
            self._wake.notify()

    def withdraw(self, card):
        """Forget a card not yet started; False if it is being built (or was not asked)."""
        with self._wake:
            try:
                self._queue.remove(card)
            except ValueError:
                return False
            return True

    def waiting(self):
        with self._wake:
            return list(self._queue)

    def idle(self):
        with self._wake:
            return not self._queue and self.building is None

    def _run(self):
        while True:
            with self._wake:
                while not self._queue:
                    if not self._wake.wait(timeout=60):
                        self._thread = None  # idle for a minute: let the thread end
                        return
                card = self._queue.popleft()
                self.building = card
            try:
                card.build()
            finally:
                with self._wake:
                    self.building = None
                    self._wake.notify_all()

    def wait(self, timeout=60.0):
        """Block until nothing is queued or being built; True if so."""
        with self._wake:
            return self._wake.wait_for(lambda: not self._queue and self.building is None,
                                       timeout=timeout)


class Card(ipywidgets.VBox):
    """One demo's card: a note line, a close/open button and the demo (see module doc).

    `state` is one of WAITING (not built), QUEUED, BUILDING, READY, CLOSED, FAILED;
    `demo` is the demo's widget while READY; `values` are the link's values for it.
    """

    WAITING, QUEUED, BUILDING, READY, CLOSED, FAILED = (
        "waiting", "queued", "building", "ready", "closed", "failed")

    def __init__(self, playground, demo_id, link_values):
        self.playground = playground
        self.entry = DEMOS[demo_id]
        self.id = demo_id
        self.link_values = dict(link_values)  # control -> text, until the demo is built
        self.defaults = {}  # control -> its text right after a build, before the link's
        self.close_requested = False  # "close" pressed while the demo was computing
        self.demo = None
        self.state = self.WAITING
        self.stale = False  # background work was stopped while off screen
        self.visibility = Visibility()
        self.note = ipywidgets.HTML()
        self.toggle = ipywidgets.Button(description="close", icon="times",
                                        tooltip="close this demo and stop all its work",
                                        layout={"width": "auto"})
        self.toggle.add_class("course-card-toggle")
        self.body = ipywidgets.HTML(self._waiting_text())
        self._lock = threading.RLock()
        super().__init__([self.visibility, ipywidgets.HBox([self.toggle, self.note]),
                          self.body], layout={"margin": "0 0 12px 0"})
        self.add_class("course-card")
        self.add_class(f"course-card-{demo_id}")
        self.visibility.observe(self._on_visible, names="visible")
        self.toggle.on_click(self._on_toggle)

    # ------------------------------------------------------------------ building
    def build(self):
        """Build the demo now, in this thread, and apply the link's values to it."""
        with self._lock:
            if self.state not in (self.WAITING, self.QUEUED):
                return  # closed after it was queued, or built already
            self.state = self.BUILDING
            self.body.value = (f"<i>Computing this demo (about {self.entry.seconds:.0f} s "
                               "on two cores)...</i>" if self.entry.seconds >= 1 else
                               "<i>Computing this demo...</i>")
        try:
            demo = self.entry.build()
            if hasattr(demo, "wait"):
                demo.wait()
        except Exception as exc:  # said on the card, never a traceback on the page
            with self._lock:
                self.state = self.FAILED
                self.body.value = ("<b>This demo could not start:</b> "
                                   f"{html.escape(str(exc) or type(exc).__name__)}")
                self.playground.log.append(traceback.format_exc())
            return
        with self._lock:
            if self.close_requested:  # closed while it computed: never shown
                self.close_requested = False
                self.state = self.CLOSED
                self.body.value = _CLOSED_TEXT
                self.toggle.description, self.toggle.icon = "open", "play"
                demo.close()
                return
            # As text: a browser's slider may send back its own rounding of a default.
            self.defaults = {name: encode_value(control, control.value)
                             for name, control in self.controls(demo)}
            problems = self._apply_link(demo)
            self.note.value = _note_html(problems)
            self.playground.report(problems)
            self.demo = demo
            self.state = self.READY
            self.stale = False
            self.playground.fit_to_screen(self)
            for _, control in self.controls(demo):
                control.observe(self._on_control, names="value")
            self.children = [self.visibility, self.children[1], demo]
            self.toggle.description, self.toggle.icon = "close", "times"
        if hasattr(demo, "wait"):
            demo.wait()
        self.playground.update_link()
        if not self.visibility.visible and self.playground.lazy:
            self.pause()

    @staticmethod
    def controls(demo):
        """The demo's controls that a link can carry, (name, widget) in the demo's order."""
        controls = getattr(demo, "controls", {})
        return [(name, widget) for name, widget in controls.items()
                if is_linkable(widget) and not (isinstance(widget, ipywidgets.ToggleButton)
                                                and name == "run")]

    def _apply_link(self, demo):
        problems = []
        known = dict(self.controls(demo))
        for name, text in self.link_values.items():
            control = known.get(name)
            if control is None and name in getattr(demo, "controls", {}):
                problems.append(f"The link's {self.id}.{name} is a button a link does not "
                                "press; it was ignored.")
                continue
            if control is None:
                problems.append(f"The link's {self.id}.{name} names "
                                "no control of this demo (a link from another version?); "
                                "it was ignored.")
                continue
            try:
                value = decode_value(control, text)
            except ValueError as exc:
                default = encode_value(control, control.value)
                problems.append(f"The link's {self.id}.{name}: {exc} The default, {default}, "
                                "is shown instead.")
                continue
            control.value = value
        self.link_values = {}
        return problems

    def link_state(self):
        """This card's part of the link, {control: text}: what differs from the defaults."""
        with self._lock:
            if self.demo is None:
                return dict(self.link_values)
            return self._changed(self.demo)

    def _changed(self, demo):
        """{control: text} of the demo's controls whose text differs from the default's."""
        texts = {name: encode_value(control, control.value)
                 for name, control in self.controls(demo)}
        return {name: text for name, text in texts.items() if text != self.defaults.get(name)}

    # ------------------------------------------------------------------ on and off screen
    def pause(self):
        """Stop the demo's work while nobody sees it: live training pauses, a background
        computation stops (and runs again when the card is back on screen)."""
        demo = self.demo
        if demo is None:
            return
        run = getattr(demo, "controls", {}).get("run")
        if isinstance(run, ipywidgets.ToggleButton) and run.value:
            run.value = False  # the demo's own pause: its button shows "play" again
        job = getattr(demo, "job", None)
        if job is not None and job.running:
            job.stop()
            self.stale = True

    def resume(self):
        """Back on screen: redo background work that `pause` stopped (live runs stay
        paused until the learner presses play)."""
        if self.demo is not None and self.stale:
            self.stale = False
            self.demo.run()

    def close_demo(self):
        """Close the demo and stop everything it runs; keep its values for reopening."""
        with self._lock:
            if self.state == self.QUEUED:
                self.playground.builder.withdraw(self)
            demo, self.demo = self.demo, None
            if demo is not None:
                self.link_values = self._changed(demo)
                for _, control in self.controls(demo):
                    control.unobserve(self._on_control, names="value")
            self.state = self.CLOSED
            self.body.value = _CLOSED_TEXT
            self.children = [self.visibility, self.children[1], self.body]
            self.toggle.description, self.toggle.icon = "open", "play"
        if demo is not None:
            demo.close()

    def _on_visible(self, change):
        if change["new"]:
            if self.state == self.WAITING and self.playground.lazy:
                self.state = self.QUEUED
                self.body.value = "<i>Waiting for the demo above to finish computing...</i>"
                self.playground.builder.ask(self)
            elif self.state == self.READY:
                self.resume()
        else:
            with self._lock:
                if self.state == self.QUEUED and self.playground.builder.withdraw(self):
                    self.state = self.WAITING
                    self.body.value = self._waiting_text()
            if self.state == self.READY:
                self.pause()

    def _on_toggle(self, _):
        if self.state == self.BUILDING:
            self.close_requested = not self.close_requested  # a second press: keep it
            self.toggle.description = "open" if self.close_requested else "close"
        elif self.state in (self.CLOSED, self.FAILED):
            self.close_requested = False
            self.state = self.QUEUED
            self.body.value = "<i>Waiting for the demo above to finish computing...</i>"
            self.playground.builder.ask(self)
        elif self.state in (self.READY, self.QUEUED, self.WAITING):
            self.close_demo()

    def _on_control(self, _):
        self.playground.update_link()

    def _waiting_text(self):
        return ("<i>This demo starts when you scroll to it.</i>" if self.playground.lazy
                else "<i>Building...</i>")


_CLOSED_TEXT = "<i>Closed. Press <b>open</b> to compute it again.</i>"


def _note_html(problems):
    """Notes on a link, as HTML; the link's own text is escaped (it is anyone's input)."""
    if not problems:
        return ""
    return (f'<div style="{NOTE_STYLE}">' + "<br>".join(html.escape(p) for p in problems)
            + "</div>")


class Playground:
    """The cards of one page and the link they share (see module doc).

    query : the link's query string; lazy : build a card when it comes on screen (else at
    once); write_url : keep the browser's address equal to the link. `from_environment`
    takes all three from Voila when the kernel runs in it.
    """

    def __init__(self, query="", *, lazy=False, write_url=False):
        self.lazy = bool(lazy)
        self.builder = Builder()
        self.log = []  # tracebacks of failed builds, for whoever runs the server
        self.cards = {}
        state, problems = parse_query(query)
        self.link_values = collections.defaultdict(dict)
        for (demo_id, control), text in state.items():
            if demo_id not in DEMOS:
                problems.append(f"The link names a demo {demo_id!r} that this "
                                "playground does not have (a link from another version?); "
                                "it was ignored.")
                continue
            self.link_values[demo_id][control] = text
        self.link = LinkBar(write_url=bool(write_url))
        self.problems = list(problems)  # every note on the link so far, shown on top
        self.notes = ipywidgets.HTML(_note_html(problems))
        self.notes.add_class("course-link-notes")
        self.header = ipywidgets.VBox([self.link, self.notes])
        self.link.observe(self._on_pixel_ratio, names="pixel_ratio")
        self._link_lock = threading.Lock()
        self.update_link()

    @classmethod
    def from_environment(cls):
        """In Voila: the page's own query, lazy cards, the address kept up to date."""
        voila = in_voila()
        return cls(os.environ.get("QUERY_STRING", "") if voila else "", lazy=voila,
                   write_url=voila)

    def card(self, demo_id):
        """The card of one demo (built at once unless lazy); each demo once per page."""
        if demo_id not in DEMOS:
            raise ValueError(f"No demo {demo_id!r} in the playground; the demos are: "
                             f"{', '.join(DEMOS)}.")
        if demo_id in self.cards:
            raise ValueError(f"The demo {demo_id!r} already has a card on this page; "
                             "a link can only hold one state per demo.")
        card = Card(self, demo_id, self.link_values.get(demo_id, {}))
        self.cards[demo_id] = card
        if not self.lazy:
            card.build()
        return card

    def report(self, problems):
        """Add notes on the link (from a card's build) to the ones shown at the top."""
        if problems:
            self.problems.extend(problems)
            self.notes.value = _note_html(self.problems)

    def update_link(self):
        """Put every card's state (and the link's values for cards not built) in the link."""
        state = {}
        for demo_id in DEMOS:
            card = self.cards.get(demo_id)
            values = card.link_state() if card is not None else self.link_values.get(demo_id,
                                                                                     {})
            state.update({(demo_id, name): text for name, text in values.items()})
        with self._link_lock:
            self.link.query = format_query(state)

    def fit_to_screen(self, card):
        """Draw a card's picture for the screen's device pixel ratio."""
        canvas = getattr(card.demo, "canvas", None)
        if canvas is not None and hasattr(canvas, "match_screen"):
            canvas.match_screen(self.link.pixel_ratio)

    def _on_pixel_ratio(self, _):
        for card in self.cards.values():
            if card.state == Card.READY:
                self.fit_to_screen(card)

    def wait(self, timeout=60.0):
        """Block until no card is being built or waits to be (tests)."""
        return self.builder.wait(timeout)
