"""Lesson package search_strategies (see course.lessons)."""
