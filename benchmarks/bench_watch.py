"""Feedback on submit: 40 students submit within one minute while `autograder watch` runs.

For each submission, the time from its folder appearing complete in the exchange's inbound
(as `nbgrader submit` leaves it: notebook, timestamp.txt, then the secret) to its feedback
page being in the exchange's feedback folder, where the student's Fetch Feedback finds it.
The watcher runs as the instructor would start it (`autograder watch NAME --workers 2`,
polling every 2 s, the default), as its own process. Submissions are a mix of correct and
wrong answers at random moments over 60 s (seeded). Reports the median and p95 and writes
them into benchmarks/README.md between this script's markers.

    python benchmarks/bench_watch.py [--students 40] [--seconds 60] [--no-readme]
"""

from __future__ import annotations

import argparse
import datetime
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tests" / "grader"))

from autograder_corpus import make_course, write_corpus  # noqa: E402
from readme_section import cpu_model, load_average, write_section  # noqa: E402

NAME = "sampling_scales"
MIX = ["correct", "linear_sampling", "ln_instead_of_log10", "returns_exponent", "blank"]


def submit(inbound: Path, notebook: Path, student: str, k: int) -> tuple[Path, str]:
    """Write one submission the way nbgrader submit does; returns (folder, secret)."""
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f UTC")
    folder = inbound / f"{student}+{NAME}+{stamp}+b{k:03d}"
    folder.mkdir()
    shutil.copy(notebook, folder / f"{NAME}.ipynb")
    (folder / "timestamp.txt").write_text(stamp)
    secret = os.urandom(64).hex()
    (folder / "submission_secret.txt").write_text(secret)
    return folder, secret


def main() -> None:
    from nbgrader.utils import notebook_hash

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=40)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--no-readme", action="store_true")
    args = parser.parse_args()
    load_before = load_average()
    with tempfile.TemporaryDirectory(prefix="bench-watch-") as tmp:
        tmp = Path(tmp)
        course = make_course(tmp)
        # One account plays all 40 students here, as on a hub where students share one:
        # the owner check (on by default) would refuse every folder.
        config = course / "nbgrader_config.py"
        config.write_text(config.read_text() + "\nc.CollectApp.check_owner = False\n")
        write_corpus(course, tmp / "corpus")
        exchange = tmp / "exchange"
        inbound = exchange / "hyperparameters" / "inbound"
        inbound.mkdir(parents=True)
        feedback = exchange / "hyperparameters" / "feedback"
        watcher = subprocess.Popen(
            [str(Path(sys.executable).parent / "autograder"), "watch", NAME, "--course",
             str(course), "--exchange", str(exchange), "--workers", "2", "--per-hour", "100"],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True)
        rng = np.random.default_rng(0)
        moments = np.sort(rng.uniform(0, args.seconds, args.students))
        submitted, done = {}, {}
        start = time.monotonic()
        try:
            for k, moment in enumerate(moments):
                while time.monotonic() - start < moment:
                    check(feedback, submitted, done, notebook_hash)
                    time.sleep(0.02)
                case = MIX[k % len(MIX)]
                _, secret = submit(inbound, tmp / "corpus" / f"{case}.ipynb", f"s{k:02d}", k)
                submitted[secret] = time.monotonic()
            while len(done) < len(submitted):
                if time.monotonic() - start > args.seconds + 600:
                    raise SystemExit(f"only {len(done)} of {len(submitted)} pages in 10 min")
                check(feedback, submitted, done, notebook_hash)
                time.sleep(0.02)
        finally:
            os.killpg(watcher.pid, signal.SIGTERM)
            watcher.wait()
    latencies = np.array([done[s] - submitted[s] for s in submitted])
    median, p95 = np.median(latencies), np.percentile(latencies, 95)
    print(f"{len(latencies)} submissions over {args.seconds:.0f} s: submit -> feedback "
          f"median {median:.1f} s, p95 {p95:.1f} s, max {latencies.max():.1f} s")
    if not args.no_readme:
        write_section("bench_watch", f"""
## Feedback on submit: `autograder watch` (issue 14)

`python benchmarks/bench_watch.py`, {datetime.date.today()}, on {os.cpu_count()} cores,
{cpu_model()}; load average {load_before:.1f} at the start, {load_average():.1f} at the end.
{len(latencies)} students submit `{NAME}` at random moments within {args.seconds:.0f} s (a mix
of correct and wrong answers) while `autograder watch {NAME} --workers 2` polls the exchange
every 2 s. Time from a submission being complete in the exchange to its feedback page
being fetchable:

| submissions | median (s) | p95 (s) | max (s) |
|---|---|---|---|
| {len(latencies)} | {median:.1f} | {p95:.1f} | {latencies.max():.1f} |
""")


def check(feedback: Path, submitted: dict, done: dict, notebook_hash) -> None:
    """Note the moment each submitted secret's page appears."""
    for secret in submitted:
        if secret not in done and \
                (feedback / f"{notebook_hash(secret=secret, notebook_id=NAME)}.html").exists():
            done[secret] = time.monotonic()


if __name__ == "__main__":
    main()
