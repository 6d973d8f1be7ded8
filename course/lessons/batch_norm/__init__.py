"""Lesson package batch_norm (see course.lessons)."""
