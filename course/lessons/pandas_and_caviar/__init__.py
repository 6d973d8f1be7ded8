"""Lesson 04, pandas vs caviar (lessons/04_pandas_vs_caviar.ipynb).

What the lesson computes (no screen code) and the demo that shows each:

    babysitter             the automatic panda: PandaRule, the Babysitter Trainer callback
                           that applies it after every epoch, babysit (one run, a
                           BabysitResult), babysit_digits (an objective for run_trials),
                           babysat_vs_left_alone (the rule's worth over seeds)
    checks_and_decay       sanity checks before tuning (starting_costs, overfit_tiny_batch)
                           and learning-rate decay measured over seeds (decay_study)
    spiral_training        one tanh network on 2-D spirals, the run a learner babysits by
                           hand: spiral_split, make_trainer, boundary_grid, frame_data,
                           nudge_study (one slider change replayed over seeds)
    spiral_training_demo   babysitting_demo(): that run training live in a thread, its
                           learning rate and momentum on sliders
    caviar_runs            many models at once: run_caviar, run_pandas, expected_best
                           (the best of k models on average), caviar_data
    caviar_runs_demo       caviar_demo(): how many models it takes to beat one panda
    budget_comparison      panda, random search and successive halving on the same number
                           of epochs: SPACE, METHODS, halving_size, compare_methods,
                           compare_over_seeds, summarize
    halving_rungs          who runs, is kept and is dropped at each rung: halving_data
    halving_rungs_demo     halving_demo(): a slider over the rungs of a finished run

Each demo returns a `course.demos.view.DemoView` (compute -> Plot -> view); the live
one is fed by a `course.demos.live_training.LiveTraining` session instead of a compute
function. The notebook and the playground import from here:

    from course.lessons.pandas_and_caviar import babysit, babysitting_demo, run_caviar
"""

from course.lessons.pandas_and_caviar.babysitter import (
    BabysitResult,
    Babysitter,
    PandaRule,
    babysat_vs_left_alone,
    babysit,
    babysit_digits,
)
from course.lessons.pandas_and_caviar.budget_comparison import (
    METHODS,
    SPACE,
    compare_methods,
    compare_over_seeds,
    halving_size,
    summarize,
)
from course.lessons.pandas_and_caviar.caviar_runs import (
    caviar_data,
    expected_best,
    run_caviar,
    run_pandas,
)
from course.lessons.pandas_and_caviar.caviar_runs_demo import caviar_demo
from course.lessons.pandas_and_caviar.checks_and_decay import (
    decay_study,
    overfit_tiny_batch,
    starting_costs,
)
from course.lessons.pandas_and_caviar.halving_rungs import halving_data
from course.lessons.pandas_and_caviar.halving_rungs_demo import halving_demo
from course.lessons.pandas_and_caviar.spiral_training import (
    boundary_grid,
    frame_data,
    make_trainer,
    merge_nearby_events,
    nudge_study,
    spiral_split,
)
from course.lessons.pandas_and_caviar.spiral_training_demo import babysitting_demo

__all__ = [
    "METHODS",
    "SPACE",
    "BabysitResult",
    "Babysitter",
    "PandaRule",
    "babysat_vs_left_alone",
    "babysit",
    "babysit_digits",
    "babysitting_demo",
    "boundary_grid",
    "caviar_data",
    "caviar_demo",
    "compare_methods",
    "compare_over_seeds",
    "decay_study",
    "expected_best",
    "frame_data",
    "halving_data",
    "halving_demo",
    "halving_size",
    "make_trainer",
    "merge_nearby_events",
    "nudge_study",
    "overfit_tiny_batch",
    "run_caviar",
    "run_pandas",
    "spiral_split",
    "starting_costs",
    "summarize",
]
