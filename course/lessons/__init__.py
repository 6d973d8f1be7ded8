"""One package per lesson: what that lesson computes and what it shows.

    parameters_vs_hyperparameters   lessons/01_parameters_vs_hyperparameters.ipynb
    search_strategies               lessons/02_grid_vs_random_search.ipynb
    sampling_scales                 lessons/03_appropriate_scale.ipynb
    pandas_and_caviar               lessons/04_pandas_vs_caviar.ipynb
    batch_norm                      lessons/05_batch_normalization.ipynb

Each package is named like its lesson's assignment. Its modules hold the lesson's
experiments and demos side by side, each split into compute, plot and view. A lesson
notebook imports from its own package and from the library (course.nn, course.data,
course.search, ...), and from nowhere else.
"""
