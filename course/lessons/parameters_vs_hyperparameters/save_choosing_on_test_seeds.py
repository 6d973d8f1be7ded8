"""Recompute lesson 01's choose-on-test study for its 12 seeds and save it next to the code.

    python -m course.lessons.parameters_vs_hyperparameters.save_choosing_on_test_seeds

Takes about 5 s on an idle 2-core machine; writes choosing_on_test_seeds.npz (see
`choosing_on_test.saved_optimism`, which the lesson prints from).
"""

from course.lessons.parameters_vs_hyperparameters.choosing_on_test import SAVED, save_optimism

if __name__ == "__main__":
    save_optimism()
    print(f"saved {SAVED}")
