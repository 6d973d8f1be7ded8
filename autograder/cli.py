"""The instructor's command line: autograder COMMAND [...] [--course DIR].

release   write student versions (refuses if solution or hidden-check text would leak)
collect   place a folder or zip of student notebooks into submitted/
grade     grade in parallel, in sandboxed processes; one status line per student
feedback  one HTML page per student
export    CSV of student, assignment, score, max_score, status; or, with --format canvas,
          a Canvas gradebook export (--roster) filled with the scores, for Canvas's import
report    a self-contained HTML class report
watch     grade each new submission in nbgrader's exchange and release its feedback

Exit status: 0 when the command ran (even if some submissions ended in an error),
1 when it could not run (bad course folder, unknown assignment, unreadable zip...),
2 for a malformed command line.

autograder --help shows the first line of this text and, after the commands, the exit
status paragraph; so it is plain text, with no markup.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from autograder.folders import CourseFolder
from autograder.untrusted import printable

DEFAULT_COURSE = Path(__file__).resolve().parent.parent / "assignments"


class CommandError(Exception):
    """A problem the instructor can fix; printed as one sentence."""


def default_course(cwd: Path | None = None) -> Path:
    """The course a command works on without --course: the current folder when it is an
    nbgrader course (it has source/ or nbgrader_config.py), as nbgrader's own commands
    assume; otherwise this project's assignments/ (in a checkout)."""
    cwd = (cwd or Path.cwd()).resolve()
    if (cwd / "source").is_dir() or (cwd / "nbgrader_config.py").is_file():
        return cwd
    if DEFAULT_COURSE.is_dir():
        return DEFAULT_COURSE
    raise CommandError(f"{cwd} is not an nbgrader course folder (it has no source/) and "
                       f"there is no project checkout: run the command from inside the course "
                       f"folder, or pass --course DIR")


def _course(args) -> Path:
    if args.course is None:
        return _checked(default_course())
    return _checked(Path(args.course).expanduser().resolve())


def _checked(course: Path) -> Path:
    if not course.is_dir():
        raise CommandError(f"the course folder {course} does not exist (pass --course DIR)")
    if not CourseFolder(course).sources.is_dir():
        raise CommandError(f"{course} has no source/ folder, so it is not an nbgrader course")
    return course


def _assignment(course: Path, name: str) -> str:
    from autograder.spec import UnknownAssignment, load

    try:
        load(name)
    except UnknownAssignment as exc:
        raise CommandError(str(exc)) from None
    source = CourseFolder(course).source(name)
    if not source.is_dir():
        raise CommandError(f"assignment {name!r} has no folder {source}")
    return name


def cmd_release(args) -> int:
    from autograder.release import ReleaseRefused, release
    from autograder.spec import available

    course = _course(args)
    names = args.names or [n for n in CourseFolder(course).assignments() if n in available()]
    for name in names:
        _assignment(course, name)
    try:
        for folder in release(course, names):
            print(f"released {folder.name}: {folder}")
    except ReleaseRefused as exc:
        raise CommandError(str(exc)) from None
    return 0


def cmd_collect(args) -> int:
    from autograder.collect import CollectError, collect, collect_exchange

    course = _course(args)
    name = _assignment(course, args.assignment)
    if (args.path is None) == (args.exchange is None):
        raise CommandError("give either PATH (a folder or zip of notebooks) or --exchange "
                           "(nbgrader's exchange), not both and not neither")
    try:
        if args.exchange is not None:
            root = Path(args.exchange) if args.exchange else None
            outcome = collect_exchange(course, name, root)
        else:
            outcome = collect(Path(args.path), course, name)
    except CollectError as exc:
        raise CommandError(str(exc)) from None
    for student, note in outcome.placed:
        print(printable(f"{student}: {note}"))
    for item, reason in outcome.skipped:
        print(printable(f"not placed: {item}: {reason}"))
    print(f"placed {len(outcome.placed)} submission(s), could not place {len(outcome.skipped)}")
    return 0


def cmd_grade(args) -> int:
    from autograder.grading import grade_class

    course = _course(args)
    name = _assignment(course, args.name)
    if args.workers < 1 or args.timeout <= 0 or args.memory_mb < 256:
        raise CommandError("--workers must be at least 1, --timeout positive and "
                           "--memory-mb at least 256")
    try:
        results = grade_class(
            course, name, students=args.student, workers=args.workers, timeout=args.timeout,
            force=args.force, isolation=args.isolation, memory_mb=args.memory_mb,
            progress=not args.quiet,
        )
    except LookupError as exc:
        raise CommandError(str(exc).strip("'\"")) from None
    errors = sum(not r.graded for r in results)
    print(f"{name}: {len(results)} submission(s), {errors} need a person (status error)")
    return 0


def _graded(course: Path, name: str, what: str) -> None:
    """Raise unless something was graded for ``name``: ``what`` is what cannot be made."""
    from autograder import ledger
    from autograder.release import was_released

    if ledger.results(course, name):
        return
    first = (f"run autograder grade {name} first" if was_released(course, name) else
             f"it was never released, so run autograder release {name} first, collect the "
             f"submissions, then run autograder grade {name}")
    raise CommandError(f"nothing is graded for {name} yet, so there {what}: {first}")


def cmd_watch(args) -> int:
    from autograder.collect import CollectError
    from autograder.watch import Watcher

    course = _course(args)
    name = _assignment(course, args.name)
    if args.per_hour < 1 or args.interval <= 0 or args.workers < 1:
        raise CommandError("--per-hour and --workers must be at least 1, --interval positive")
    try:
        watcher = Watcher(course, name, exchange=Path(args.exchange) if args.exchange else None,
                          per_hour=args.per_hour, show=args.show, workers=args.workers,
                          timeout=args.timeout)
    except CollectError as exc:
        raise CommandError(str(exc)) from None
    print(f"course: {course}")
    try:
        watcher.run(interval=args.interval)
    except KeyboardInterrupt:
        print("stopped")
    return 0


def cmd_feedback(args) -> int:
    from autograder.feedback import write_feedback

    course = _course(args)
    name = _assignment(course, args.name)
    _graded(course, name, "are no feedback pages")
    pages = write_feedback(course, name)
    for page in pages:
        print(page)
    return 0


def cmd_export(args) -> int:
    from autograder.export import export_csv

    course = _course(args)
    if args.format == "canvas":
        return _export_canvas(course, args)
    if args.roster or args.match_column:
        raise CommandError("--roster and --match-column go with --format canvas")
    output = Path(args.output) if args.output else CourseFolder(course).grades_csv
    rows = export_csv(course, output)  # OutputRefused is a RuntimeError: one sentence
    print(f"wrote {rows} row(s) to {output}")
    return 0


def _export_canvas(course: Path, args) -> int:
    from autograder.lms import export_canvas

    if not args.roster:
        raise CommandError("--format canvas needs --roster FILE: the gradebook CSV downloaded "
                           "from Canvas (Grades > Export)")
    output, filled = export_canvas(course, Path(args.roster),
                                   Path(args.output) if args.output else None, args.match_column)
    for note in filled.notes:
        print(printable(note), file=sys.stderr)
    print(f"wrote {filled.scores} score(s) of {len(filled.assignments)} assignment(s) "
          f"({', '.join(filled.assignments)}) to {output}: import it in Canvas "
          f"(Grades > Import)")
    return 0


def cmd_report(args) -> int:
    from autograder.report import write_report

    course = _course(args)
    name = _assignment(course, args.name)
    _graded(course, name, "is no class report")
    path = write_report(course, name)
    print(f"wrote {path}")
    return 0


def parser() -> argparse.ArgumentParser:
    paragraphs = __doc__.split("\n\n")
    top = argparse.ArgumentParser(prog="autograder", description=paragraphs[0].strip(),
                                  epilog=paragraphs[2].strip(),
                                  formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = top.add_subparsers(dest="command", required=True)

    def command(name, func, help_text):
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.add_argument("--course", default=None,
                       help="the nbgrader course folder (default: the current folder if it is "
                            "one, else this project's assignments/)")
        p.set_defaults(func=func)
        return p

    p = command("release", cmd_release, "write student versions to DIR/release/NAME/")
    p.add_argument("names", nargs="*", metavar="NAME")
    p = command("collect", cmd_collect, "place student notebooks into DIR/submitted/")
    p.add_argument("path", metavar="PATH", nargs="?",
                   help="a folder or a .zip of student notebooks")
    p.add_argument("--exchange", nargs="?", const="", metavar="ROOT",
                   help="collect each student's latest submission from nbgrader's exchange "
                        "instead (default ROOT: c.Exchange.root in nbgrader_config.py, else "
                        "/usr/local/share/nbgrader/exchange)")
    p.add_argument("--assignment", required=True, metavar="NAME")
    p = command("grade", cmd_grade, "grade submissions in sandboxed processes")
    p.add_argument("name", metavar="NAME")
    p.add_argument("--student", action="append", metavar="ID", help="grade only this student")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--timeout", type=float, default=30.0, metavar="SECONDS",
                   help="wall-clock budget per submission (default 30)")
    p.add_argument("--memory-mb", type=int, default=1024, metavar="MB",
                   help="address-space limit of each sandboxed process (default 1024)")
    p.add_argument("--force", action="store_true", help="regrade even unchanged submissions")
    p.add_argument("--isolation", choices=("auto", "root", "userns"), default="auto",
                   help="jail level: root (each child a uid of its own; needs root) or "
                        "userns (each child a user namespace of its own); default: root "
                        "when run as root, else userns")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p = command("watch", cmd_watch, "grade each new submission in nbgrader's exchange and "
                                    "release its feedback to that student")
    p.add_argument("name", metavar="NAME")
    p.add_argument("--exchange", metavar="ROOT", default=None,
                   help="nbgrader's exchange (default: c.Exchange.root in nbgrader_config.py, "
                        "else /srv/nbgrader/exchange)")
    p.add_argument("--per-hour", type=int, default=3, metavar="N",
                   help="at most N graded submissions per student per hour; newer ones wait "
                        "(default 3)")
    p.add_argument("--show", choices=("score", "checks"), default="score",
                   help="what students see before the deadline: their score only (default) "
                        "or every check with its message")
    p.add_argument("--interval", type=float, default=2.0, metavar="SECONDS",
                   help="how often to look for new submissions (default 2)")
    p.add_argument("--workers", type=int, default=2,
                   help="submissions graded at the same time (default 2)")
    p.add_argument("--timeout", type=float, default=30.0, metavar="SECONDS",
                   help="wall-clock budget per submission (default 30)")
    p = command("feedback", cmd_feedback, "write one HTML feedback page per student")
    p.add_argument("name", metavar="NAME")
    p = command("export", cmd_export, "write a CSV of every student's scores, or fill a "
                                      "Canvas gradebook export with them")
    p.add_argument("--format", choices=("plain", "canvas"), default="plain",
                   help="plain: one row per student and assignment (the default); canvas: "
                        "the --roster file with a column per graded assignment, for "
                        "Canvas's Grades > Import")
    p.add_argument("--output", metavar="FILE",
                   help="default: DIR/autograder_grades.csv (nbgrader export writes "
                        "grades.csv), or for canvas ROSTER_with_autograder.csv beside the "
                        "roster; a file the export did not write is never replaced")
    p.add_argument("--roster", metavar="FILE",
                   help="canvas: the gradebook CSV downloaded from Canvas (Grades > Export); "
                        "it is only read")
    p.add_argument("--match-column", metavar="COLUMN",
                   help="canvas: the roster column holding the students' nbgrader ids "
                        "(default: whichever of SIS Login ID, SIS User ID and ID holds the "
                        "most of them; a tie goes to the earlier)")
    p = command("report", cmd_report, "write an HTML class report to DIR/reports/NAME.html")
    p.add_argument("name", metavar="NAME")
    return top


def main(argv=None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except CommandError as exc:
        print(f"autograder: error: {exc}", file=sys.stderr)
        return 1
    except (FileNotFoundError, RuntimeError, ValueError) as exc:
        print(f"autograder: error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
