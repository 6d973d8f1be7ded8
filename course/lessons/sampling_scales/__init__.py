"""Lesson package sampling_scales (see course.lessons)."""
