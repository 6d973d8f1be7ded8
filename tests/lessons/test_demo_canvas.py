"""Does the shared FigureImage helper draw what the figure holds, from any thread, throttled?"""

import io
import threading

import numpy as np
from PIL import Image

from course.demos.canvas import FigureImage, figure_to_png


def decode(png):
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def make_canvas(**kwargs):
    canvas = FigureImage(figsize=(2, 1.5), dpi=50, **kwargs)
    ax = canvas.figure.add_subplot()
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    (line,) = ax.plot([0, 1], [0, 0], lw=3, color="red")
    return canvas, line


def test_refresh_shows_the_figure_pixels_and_changes_with_the_artists():
    canvas, line = make_canvas()
    assert canvas.png == b""
    assert canvas.refresh()
    first = decode(canvas.png)
    assert first.shape == (150, 200, 3)  # figsize * dpi * pixel_ratio 2, height first
    assert canvas.image.layout.width == "100px"  # shown at figsize * dpi CSS pixels
    # The red line is drawn: some pixels are strongly red.
    red = (first[..., 0] > 200) & (first[..., 1] < 80) & (first[..., 2] < 80)
    assert red.sum() > 20
    with canvas.lock:
        line.set_data([0, 1], [1, 1])
    canvas.refresh()
    second = decode(canvas.png)
    assert not np.array_equal(first, second)
    # Same pixels as an independent draw of the same figure.
    assert np.array_equal(second, decode(figure_to_png(canvas.figure)))


def test_throttled_refreshes_merge_and_the_last_state_wins():
    canvas, line = make_canvas(min_interval=0.2)
    assert canvas.refresh()  # the first draws at once
    for k in range(10):
        with canvas.lock:
            line.set_data([0, 1], [k / 10, k / 10])
        assert not canvas.refresh()  # all within 0.2 s: merged into one trailing draw
    canvas.flush()
    assert canvas.render_count == 2
    assert np.array_equal(decode(canvas.png), decode(figure_to_png(canvas.figure)))
    assert canvas.refresh(force=True)
    assert canvas.render_count == 3


def test_refreshes_from_several_threads_never_fail():
    canvas, line = make_canvas()
    errors = []

    def worker(seed):
        rng = np.random.default_rng(seed)
        try:
            for _ in range(5):
                with canvas.lock:
                    line.set_data([0, 1], rng.random(2))
                canvas.refresh()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(s,)) for s in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert canvas.render_count == 15
    # the picture left is a whole frame of the final state, not a torn mix of two
    assert np.array_equal(decode(canvas.png), decode(figure_to_png(canvas.figure)))


def test_blitted_refresh_matches_a_full_draw():
    canvas, line = make_canvas()
    text = canvas.figure.axes[0].text(0.1, 0.5, "start")
    canvas.animate(line, text)
    canvas.refresh()  # full draw, caches the background
    with canvas.lock:
        line.set_data([0, 1], [0.8, 0.2])
        text.set_text("moved")
    canvas.refresh()  # background + the two artists
    blitted = decode(canvas.png)
    for artist in (line, text):
        artist.set_animated(False)
    full = decode(figure_to_png(canvas.figure))
    # same picture up to antialiasing where the line crosses other artists
    assert np.mean(np.abs(blitted.astype(int) - full.astype(int)) > 40) < 0.002
    # and the old line position is gone (no trail left from the first frame)
    assert np.array_equal(blitted[-15:-10, 30:70], full[-15:-10, 30:70])


def test_the_cached_layer_is_drawn_again_only_when_asked():
    """A layer artist (an image here) is kept with the background: changing it without
    `redraw_layer()` leaves the old picture; after it, the picture matches a full draw,
    and the animated line still moves over the cached layer."""
    canvas, line = make_canvas()
    canvas.figure.axes[0].set_axis_off()  # no frame for the layer to cover: the exact picture
    image = canvas.figure.axes[0].imshow(np.zeros((2, 2)), extent=(0, 1, 0, 1), cmap="gray",
                                         vmin=0, vmax=1, zorder=0)
    canvas.animate(image, layer=True)
    canvas.animate(line)
    canvas.refresh()
    dark = decode(canvas.png)
    assert dark[40:110, 60:150].mean() < 40  # the black image fills the axes
    with canvas.lock:
        image.set_data(np.ones((2, 2)))
        line.set_data([0, 1], [0.9, 0.9])
    canvas.refresh()
    stale = decode(canvas.png)
    assert stale[40:110, 60:150].mean() < 60  # the image is still the cached black one
    assert not np.array_equal(stale, dark)  # but the line moved
    canvas.redraw_layer()
    canvas.refresh()
    layered = decode(canvas.png)
    for artist in (image, line):
        artist.set_animated(False)
    full = decode(figure_to_png(canvas.figure))
    assert layered[40:110, 60:150].mean() > 200  # now white
    assert np.mean(np.abs(layered.astype(int) - full.astype(int)) > 40) < 0.002


def test_the_pixel_ratio_sharpens_without_changing_the_shown_size():
    """Drawn at pixel_ratio 1 and 3, the picture has 1x and 3x the pixels, the same CSS
    width, and the same picture: the 3x one, averaged over 3 x 3 blocks, is close to the
    1x one."""
    sharp = FigureImage(figsize=(2, 1.5), dpi=50, pixel_ratio=3)
    plain = FigureImage(figsize=(2, 1.5), dpi=50, pixel_ratio=1)
    for canvas in (sharp, plain):
        ax = canvas.figure.add_subplot()
        ax.plot([0, 1], [0, 1], lw=4, color="red")
        ax.set_axis_off()
        canvas.refresh()
    big, small = decode(sharp.png).astype(float), decode(plain.png).astype(float)
    assert big.shape == (225, 300, 3) and small.shape == (75, 100, 3)
    assert sharp.image.layout.width == plain.image.layout.width == "100px"
    pooled = big.reshape(75, 3, 100, 3, 3).mean(axis=(1, 3))
    assert np.abs(pooled - small).mean() < 6  # out of 255: the same picture


def test_a_pixel_ratio_out_of_range_is_refused_with_its_value():
    import pytest

    for bad in (0.5, 8, "2"):
        with pytest.raises(ValueError, match="pixel_ratio must be a number from 1 to 4"):
            FigureImage(pixel_ratio=bad)
