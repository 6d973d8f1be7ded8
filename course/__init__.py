"""A hands-on course on choosing deep-learning hyperparameters."""
