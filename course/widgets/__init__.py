"""Live demos for the lessons: one module per demo, each in three layers.

1. compute: pure functions of the controls' values (no ipywidgets import);
2. plot: functions that draw on matplotlib axes they are given;
3. view: `<demo>_demo(...)` builds and wires the controls and returns a widget (a Box)
   whose `.controls` (name -> widget), `.canvas` (a `FigureImage`), `.image` and last
   computed data (`.data`) are reachable for tests. It never calls `display`.

Every demo draws one persistent figure through `course.widgets.canvas.FigureImage`;
`course.widgets.demo_box.DemoBox` is the box most views return, and
`course.widgets.background.LatestJob` runs a demo's training in a thread.

Lessons 01-03:
    learning_rate.learning_rate_demo          01  cost curve as the learning rate moves
    network_shape.network_shape_demo          01  layers/units/activation -> parameters, boundary
    search_strategies.search_strategies_demo  02  grid vs random vs quasi-random, projections
    coarse_to_fine_zoom.coarse_to_fine_demo   02  coarse-to-fine search, round by round
    digits_tuning.digits_tuning_demo          02  a real search on the digits, streamed
    sampling_scale.sampling_scale_demo        03  uniform vs log sampling, per decade
    beta_window.beta_window_demo              03  beta, its window 1/(1-beta), a weighted average
"""

from .canvas import FigureImage, figure_to_png

__all__ = ["FigureImage", "figure_to_png"]
