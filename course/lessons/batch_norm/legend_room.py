"""Room for a legend above the data, so that no line of the plot ever crosses it.

    legend = ax.legend(loc="upper left", ncol=3)
    room = make_room_for_legend(ax, legend, low, high)   # sets ax's y-limits
    ax.axvline(x, ymax=room)                             # a full-height line stops below it

The lines of lesson 05's demos move with their sliders, so no fixed corner of the axes
stays free for every slider value (a newcomer saw the running average strike through the
legend of the momentum demo). Instead every value the plot can show, [low, high] on the
y-axis, is fitted into the part of the axes below the legend, which sits in a band of its
own at the top.
"""

from __future__ import annotations

import math

__all__ = ["make_room_for_legend"]


def make_room_for_legend(ax, legend, low, high, *, margin=0.06, gap=0.04):
    """Set ax's y-limits so that [low, high] (plus `margin` of the range below it) fills
    the axes up to `gap` (a fraction of the axes' height) under the legend's lower edge.

    The legend must already be placed in an upper corner of ax and the figure laid out
    (its size and subplots_adjust final). Works for a linear or a log y-axis.
    Returns the lower edge of the legend as a fraction of the axes' height, for lines
    such as axvline(..., ymax=room) that would otherwise cross it.
    """
    renderer = ax.figure.canvas.get_renderer()
    box = legend.get_window_extent(renderer).transformed(ax.transAxes.inverted())
    room = box.y0 - gap
    if not 0.3 < room < 1:
        raise ValueError(f"the legend leaves {room:.0%} of the axes' height for the data; "
                         "make the legend smaller (fewer rows, smaller font) or the axes taller.")
    log = ax.get_yscale() == "log"
    low, high = (math.log10(low), math.log10(high)) if log else (low, high)
    span = max(high - low, 1e-12)
    bottom = low - margin * span
    top = bottom + (high - bottom) / room
    ax.set_ylim(*((10**bottom, 10**top) if log else (bottom, top)))
    return room
