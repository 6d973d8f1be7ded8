"""Grade 40 sampling_scales submissions: ``autograder grade --workers 2`` vs ``nbgrader autograde``.

Both run from the command line on identical copies of one course (a mix of correct and
wrong answers, no hangs). Reports each wall time, their ratio (nbgrader / ours: above 1
means ours is faster) and our median seconds per submission, and writes the table into
benchmarks/README.md between this script's markers (the rest of that file is kept).

    python benchmarks/bench_grading.py [--submissions 40] [--no-readme]
"""

from __future__ import annotations

import argparse
import datetime
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tests" / "grader"))

from autograder_corpus import make_course, write_corpus  # noqa: E402
from readme_section import cpu_model, load_average, write_section  # noqa: E402

from autograder import ledger  # noqa: E402

NAME = "sampling_scales"
MIX = ["correct", "blank", "linear_sampling", "ln_instead_of_log10", "returns_exponent",
       "flipped_beta_range", "global_numpy_rng", "range_five_percent_short",
       "correct_with_stderr_and_warnings", "calls_course"]


def _env():
    bindir = os.path.dirname(sys.executable)
    return dict(os.environ, PATH=bindir + os.pathsep + os.environ["PATH"])


def _timed(argv, cwd):
    started = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, env=_env(), capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1):  # nbgrader exits 1 when any notebook failed a test
        raise SystemExit(f"{argv[0]} failed:\n{done.stderr[-2000:]}")
    return elapsed


def build(tmp: Path, count: int) -> Path:
    course = make_course(tmp)
    write_corpus(course, tmp / "corpus")
    for i in range(count):
        case = MIX[i % len(MIX)]
        folder = course / "submitted" / f"student{i:02d}" / NAME
        folder.mkdir(parents=True)
        shutil.copy(tmp / "corpus" / f"{case}.ipynb", folder / f"{NAME}.ipynb")
    return course


def jail_start(scratch: Path, repeats: int = 15) -> tuple[float, float, str]:
    """Median seconds from start to exit of (a jailed trial child, a plain python), side by
    side, both importing NumPy and returning the same number, and the jail's level."""
    from autograder import sandbox

    run_dir = scratch / "jail"
    run_dir.mkdir()
    sandbox.build_library(run_dir / "lib", [])
    box = sandbox.prepare(run_dir, run_dir / "lib")
    plain = [sys.executable, "-c", "import numpy; print(numpy.arange(4.0).sum())"]
    jailed, direct = [], []
    try:
        for _ in range(repeats):
            started = time.perf_counter()
            sandbox._trial(box)
            jailed.append(time.perf_counter() - started)
            started = time.perf_counter()
            subprocess.run(plain, check=True, capture_output=True)
            direct.append(time.perf_counter() - started)
    finally:
        if (run_dir / "relay").is_symlink():
            shutil.rmtree((run_dir / "relay").resolve(), ignore_errors=True)
    return statistics.median(jailed), statistics.median(direct), box.level


def machine() -> str:
    return f"{os.cpu_count()} CPUs ({cpu_model()}), load average {load_average():.1f} at the start"


def main(argv=None) -> int:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--submissions", type=int, default=40)
    args.add_argument("--no-readme", action="store_true")
    options = args.parse_args(argv)
    where = machine()
    with tempfile.TemporaryDirectory(prefix="bench-grading-") as scratch:
        ours_course = build(Path(scratch) / "ours", options.submissions)
        theirs_course = Path(scratch) / "theirs" / "course"
        shutil.copytree(ours_course, theirs_course)
        bindir = Path(sys.executable).parent
        ours = _timed([str(bindir / "autograder"), "grade", NAME, "--course", str(ours_course),
                       "--workers", "2", "--timeout", "30", "--quiet"], cwd=ours_course)
        theirs = _timed([str(bindir / "nbgrader"), "autograde", NAME], cwd=theirs_course)
        results = ledger.results(ours_course, NAME).values()
        per_submission = statistics.median(r.seconds for r in results)
        isolation = {r.isolation for r in results}
        jailed, direct, level = jail_start(Path(scratch))
    ratio = theirs / ours
    n = options.submissions
    table = "\n".join([
        "## Grading: `autograder grade --workers 2` vs plain `nbgrader autograde`",
        "",
        f"{n} `sampling_scales` submissions (correct and wrong answers, no hangs), the same "
        f"course for both, each from its command line. Run "
        f"{datetime.date.today().isoformat()} on {where}; the machine was shared with other "
        f"work, so times are indicative. Sandbox: {', '.join(sorted(isolation))}.",
        "",
        "| grader | wall time (s) | per submission (s) |",
        "|---|---|---|",
        f"| nbgrader autograde (1 process, executes each notebook) | {theirs:.1f} | "
        f"{theirs / n:.2f} |",
        f"| autograder grade --workers 2 (sandboxed hidden checks) | {ours:.1f} | "
        f"{ours / n:.2f} (median {per_submission:.2f} in a worker) |",
        "",
        f"Wall-time ratio nbgrader / autograder: **{ratio:.1f}x** (target >= 3). Median "
        f"seconds per submission: **{per_submission:.2f} s** (target < 3 s).",
        "",
        f"Start cost of one child's jail (level {level}), median of 15 side by side, each "
        f"from start to exit, importing NumPy and returning one number: a jailed trial child "
        f"**{jailed * 1000:.0f} ms**, a plain `python -c 'import numpy; ...'` "
        f"**{direct * 1000:.0f} ms**. The jail (bubblewrap, namespaces, limits, seccomp, the "
        f"harness and its messages) adds **{(jailed - direct) * 1000:.0f} ms** per "
        f"submission.",
        "",
        "Reproduce: `python benchmarks/bench_grading.py`.",
    ])
    print(table)
    if not options.no_readme:
        write_section("bench_grading", table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
