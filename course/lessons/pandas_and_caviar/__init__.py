"""Lesson package pandas_and_caviar (see course.lessons)."""
