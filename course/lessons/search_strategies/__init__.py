"""Lesson 02, grid vs random search (lessons/02_grid_vs_random_search.ipynb).

What the lesson computes (no screen code) and the demo that shows each:

    strategy_comparison        grid, random and quasi-random trials on a square where
                               hyperparameter 1 matters most: objective, strategy_points,
                               compare_strategies, best_on_random_objectives
    strategy_comparison_demo   search_strategies_demo(): where the trials land, what each
                               strategy finds
    coarse_to_fine_zoom        coarse-to-fine search on a peak and a hill: zoom_objective,
                               ZOOM_SPACE, ZOOM_MARGIN, run_zoom
    coarse_to_fine_zoom_demo   coarse_to_fine_demo(): the boxes of each round
    digits_search              a real grid or random search on the digits: tuning_configs,
                               training_config, run_trial, stream_trials, search_snapshots
    digits_search_demo         digits_tuning_demo(): trials streamed from a background thread
    nuisance_study             depth_study: depth compared at a fixed learning rate and with
                               the rate tuned for each depth

Each demo returns a `course.demos.view.DemoView` (compute -> Plot -> view). The notebook
and the playground import from here:

    from course.lessons.search_strategies import search_strategies_demo, zoom_objective
"""

from course.lessons.search_strategies.coarse_to_fine_zoom import (
    ZOOM_MARGIN,
    ZOOM_SPACE,
    run_zoom,
    zoom_objective,
    zoom_vs_random,
)
from course.lessons.search_strategies.coarse_to_fine_zoom_demo import coarse_to_fine_demo
from course.lessons.search_strategies.digits_search import (
    run_trial,
    search_snapshots,
    stream_trials,
    training_config,
    tuning_configs,
)
from course.lessons.search_strategies.digits_search_demo import digits_tuning_demo
from course.lessons.search_strategies.nuisance_study import depth_study
from course.lessons.search_strategies.strategy_comparison import (
    best_on_random_objectives,
    compare_strategies,
    objective,
    strategy_points,
)
from course.lessons.search_strategies.strategy_comparison_demo import search_strategies_demo

__all__ = [
    "ZOOM_MARGIN",
    "ZOOM_SPACE",
    "best_on_random_objectives",
    "coarse_to_fine_demo",
    "compare_strategies",
    "depth_study",
    "digits_tuning_demo",
    "objective",
    "run_trial",
    "run_zoom",
    "search_snapshots",
    "search_strategies_demo",
    "stream_trials",
    "strategy_points",
    "training_config",
    "tuning_configs",
    "zoom_objective",
    "zoom_vs_random",
]
