"""One persistent matplotlib figure shown as a PNG in an `ipywidgets.Image`.

Every demo in the course renders the same way, so it works in JupyterLab, Voila
and headless execution without any front-end extension:

    canvas = FigureImage(figsize=(6, 2.6))          # a Figure on an Agg canvas (no pyplot)
    ax = canvas.figure.add_subplot()
    (line,) = ax.plot([], [])
    ...
    with canvas.lock:                               # change artists' data, never rebuild
        line.set_data(x, y)
    canvas.refresh()                                # draw -> PNG -> canvas.image.value

`canvas.image` is the widget to put in a layout. `refresh()` may be called from any
thread (a background training loop, say): drawing is serialised by `canvas.lock`, an
`RLock` that code changing the artists should hold too. With `min_interval` > 0,
refreshes closer together than that are merged: the first one draws at once and a
single trailing refresh draws the latest state `min_interval` after the previous draw,
so a stream of updates never queues up but its last state is always shown.
`flush()` waits for that trailing refresh (tests and benchmarks use it).

Drawing a small figure costs about 20-60 ms (log axes and many tick labels cost the
most), so keep figures small, keep one per demo, and update artists (`set_data`,
`set_offsets`, `set_array`) instead of clearing axes. Blitting makes a refresh
cost a few ms: `canvas.animate(line, marker, text)` marks the artists that change;
everything else (axes, ticks, labels, fixed curves) is drawn once, kept as a
background and reused. Call `canvas.invalidate()` after changing anything that is
not animated (limits, titles, a redrawn axes) so the next refresh draws it all again.
Artists that are costly to draw and change only now and then (a heat map that depends on
one slider of four) go in a middle layer: `canvas.animate(image, layer=True)` draws them
over the background once and keeps the result; `canvas.redraw_layer()` after changing
them draws that layer again at the next refresh, without the full draw.
`figure_to_png` is the same rendering without ipywidgets.

The picture is drawn at `pixel_ratio` times the figure's own size (2 by default) and shown
at its own size, figsize x dpi CSS pixels, so its text and lines stay sharp on a screen
with 2 device pixels per CSS pixel (most laptops and phones today) instead of being
scaled up and blurred. The kernel cannot know the reader's screen, so 2 serves both kinds:
an ordinary screen shows the picture scaled down, which stays sharp. The image also never
grows wider than its container, so a narrow window shrinks it instead of cutting it off.
"""

from __future__ import annotations

import io
import threading
import time

import ipywidgets
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

__all__ = ["FigureImage", "figure_to_png"]


def figure_to_png(figure, *, compress_level=1):
    """Draw `figure` on its Agg canvas and return the picture as PNG bytes.

    One `canvas.draw()` plus a fast PNG encode (zlib level 1): about 1.5x faster
    than `figure.savefig`, which draws again with its own settings.
    """
    canvas = figure.canvas
    if not isinstance(canvas, FigureCanvasAgg):
        canvas = FigureCanvasAgg(figure)
    canvas.draw()
    return _encode(canvas, compress_level)


def _encode(canvas, compress_level=1):
    """The Agg canvas's current pixels as PNG bytes."""
    width, height = canvas.get_width_height(physical=True)
    rgba = Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    out = io.BytesIO()
    rgba.convert("RGB").save(out, format="png", compress_level=compress_level)
    return out.getvalue()


class FigureImage:
    """A persistent `Figure` and the `ipywidgets.Image` that shows it (see module docstring).

    Parameters
    ----------
    figsize : (width, height) in inches.
    dpi : CSS pixels per inch; the picture shows figsize * dpi CSS pixels.
    pixel_ratio : device pixels drawn per CSS pixel; the PNG is figsize * dpi *
        pixel_ratio pixels.
    min_interval : seconds; refreshes closer together than this are merged (0 = never).
    max_pixel_ratio : the most device pixels per CSS pixel `match_screen` will draw (a demo
        that redraws many times a second keeps it low).
    """

    def __init__(self, figsize=(6.0, 2.6), dpi=80, *, pixel_ratio=2, min_interval=0.0,
                 max_pixel_ratio=3):
        for name, value in (("pixel_ratio", pixel_ratio), ("max_pixel_ratio", max_pixel_ratio)):
            if not (isinstance(value, int | float) and 1 <= value <= 4):
                raise ValueError(f"{name} must be a number from 1 to 4 (device pixels per "
                                 f"CSS pixel), got {value!r}.")
        self.pixel_ratio = pixel_ratio
        self.max_pixel_ratio = max_pixel_ratio
        self.css_dpi = dpi
        self.figure = Figure(figsize=figsize, dpi=dpi * pixel_ratio)
        FigureCanvasAgg(self.figure)
        width = round(figsize[0] * dpi)
        self.image = ipywidgets.Image(
            format="png", layout=ipywidgets.Layout(width=f"{width}px", max_width="100%",
                                                   height="auto", object_fit="contain"))
        self.lock = threading.RLock()
        self.min_interval = float(min_interval)
        self.render_count = 0  # number of PNGs drawn so far
        self._last_draw = -float("inf")
        self._timer = None  # the pending trailing refresh, if any
        self._latest_timer = None  # kept until it has drawn, for flush()
        self._timer_lock = threading.Lock()
        self._animated = []  # artists redrawn on every refresh over the cached layer
        self._layer = []  # artists drawn over the background when the layer is stale
        self._background = None  # everything not animated
        self._layered = None  # the background with the layer's artists drawn on it

    def animate(self, *artists, layer=False):
        """Blit these artists: redraw only them over a cached picture of the rest.

        With `layer=True` they are drawn once over the background and cached with it,
        until `redraw_layer()` (for costly artists that change rarely).
        """
        with self.lock:
            for artist in artists:
                artist.set_animated(True)
                (self._layer if layer else self._animated).append(artist)
            self._background = None

    def redraw_layer(self):
        """Draw the layer's artists again at the next refresh (after changing one)."""
        with self.lock:
            self._layered = None

    def invalidate(self):
        """Draw everything again at the next refresh (after a non-animated change)."""
        with self.lock:
            self._background = None

    def match_screen(self, device_pixel_ratio):
        """Draw for a screen with this many device pixels per CSS pixel (the browser's
        `window.devicePixelRatio`), rounded up to a quarter, from 1 to max_pixel_ratio.
        Returns True if the picture was redrawn at a new size."""
        try:
            wanted = float(device_pixel_ratio)
        except (TypeError, ValueError):
            return False
        if not wanted > 0:  # NaN or nonsense from a browser: keep what we have
            return False
        ratio = min(max(1.0, -(-wanted * 4 // 1) / 4), float(self.max_pixel_ratio))
        with self.lock:
            if ratio == self.pixel_ratio:
                return False
            self.pixel_ratio = ratio
            self.figure.set_dpi(self.css_dpi * ratio)
            self._background = None
            if self.render_count:
                self._draw()
        return True

    @property
    def png(self):
        """The PNG bytes shown now (b"" before the first refresh)."""
        return self.image.value

    def refresh(self, *, force=False):
        """Redraw the figure into the image; returns True if it drew now.

        With throttling on and a draw less than `min_interval` ago, schedule one
        trailing redraw instead (unless `force`) and return False.
        """
        if not force and self.min_interval > 0:
            with self._timer_lock:
                wait = self._last_draw + self.min_interval - time.monotonic()
                if wait > 0:
                    if self._timer is None:
                        self._timer = threading.Timer(wait, self._trailing_refresh)
                        self._timer.daemon = True
                        self._latest_timer = self._timer
                        self._timer.start()
                    return False
        self._draw()
        return True

    def flush(self, timeout=5.0):
        """Wait (at most `timeout` seconds) until no trailing refresh is pending or drawing."""
        deadline = time.monotonic() + timeout
        while True:
            with self._timer_lock:
                timer = self._latest_timer
            left = deadline - time.monotonic()
            if timer is None or not timer.is_alive() or left <= 0:
                return
            timer.join(left)

    def _trailing_refresh(self):
        with self._timer_lock:
            self._timer = None
        self._draw()

    def _render(self):
        if not (self._animated or self._layer):
            return figure_to_png(self.figure)
        canvas = self.figure.canvas
        if self._background is None:
            canvas.draw()  # Agg leaves animated artists out of a full draw
            self._background = canvas.copy_from_bbox(self.figure.bbox)
            self._layered = None
        if self._layered is None:
            canvas.restore_region(self._background)
            self._draw_artists(self._layer)
            self._layered = canvas.copy_from_bbox(self.figure.bbox)
        else:
            canvas.restore_region(self._layered)
        self._draw_artists(self._animated)
        return _encode(canvas)

    def _draw_artists(self, artists):
        for artist in artists:
            if artist.get_visible() and artist.figure is not None:
                self.figure.draw_artist(artist)

    def _draw(self):
        with self.lock:
            png = self._render()
            self.render_count += 1
            with self._timer_lock:
                self._last_draw = time.monotonic()
            # Under the lock, so an older picture can never replace a newer one.
            self.image.value = png
