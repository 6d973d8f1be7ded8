"""nbgrader settings for the course's assignments (run nbgrader from this folder).

The autograder CLI reads this file too, so formgrader, `nbgrader export` and
`autograder export` agree.
"""

c = get_config()  # noqa: F821  (provided by nbgrader when it loads this file)

c.CourseDirectory.course_id = "hyperparameters"
# A student who deletes a visible test cell gets it back when nbgrader autogrades.
c.OverwriteCells.add_missing_cells = True
# Visible tests are quick; an endless loop should not hold a plain nbgrader run for long.
c.Execute.timeout = 30
