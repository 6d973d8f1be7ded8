"""Lesson package parameters_vs_hyperparameters (see course.lessons)."""
