"""Does LatestJob keep only the latest work alive and report errors instead of losing them?"""

import os
import subprocess
import sys
import threading

import pytest

from course.demos.background import LatestJob


def test_a_new_start_stops_the_running_work():
    job = LatestJob()
    started, finished = threading.Event(), []

    def slow(stop, name):
        started.set()
        for _ in range(1000):
            if stop.wait(0.005):
                return
        finished.append(name)

    first_stop = job.start(slow, "first")
    assert started.wait(5)
    job.start(lambda stop, name: finished.append(name), "second")
    assert job.wait(5)
    assert first_stop.is_set()
    assert finished == ["second"]
    assert not job.running


def test_an_exception_goes_to_on_error():
    seen = []
    job = LatestJob(on_error=seen.append)

    def broken(stop):
        raise ValueError("bad learning rate")

    job.start(broken)
    assert job.wait(5)
    assert isinstance(job.error, ValueError) and seen == [job.error]


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="needs two cores to tell 2 from 1")
@pytest.mark.parametrize("setting, expected", [(None, 1), ("2", 2)])
def test_the_work_runs_on_the_blas_threads_the_course_sets(setting, expected):
    """Inside a LatestJob thread, BLAS uses COURSE_BLAS_THREADS (default 1), set at import."""
    script = (
        "import course\n"
        "from threadpoolctl import threadpool_info\n"
        "from course.demos.background import LatestJob\n"
        "seen = []\n"
        "job = LatestJob()\n"
        "job.start(lambda stop: seen.extend(i['num_threads'] for i in threadpool_info()\n"
        "                                   if i['user_api'] == 'blas'))\n"
        "assert job.wait(10) and job.error is None\n"
        "print(sorted(set(seen)))\n"
    )
    env = {k: v for k, v in os.environ.items()
           if k not in ("COURSE_BLAS_THREADS", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")}
    if setting is not None:
        env["COURSE_BLAS_THREADS"] = setting
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                         text=True, timeout=60, check=True).stdout
    assert out.strip() == str([expected])
