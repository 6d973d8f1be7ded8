"""Does the course keep NumPy's BLAS on the number of threads it promises (course.threads),
everywhere: after `import course`, inside `blas_limit()`, and in process-pool workers?

Each check runs in a fresh Python process, so the setting is read as a user's would be,
and reports what threadpoolctl's `threadpool_info()` sees.
"""

import json
import os
import subprocess
import sys

import pytest

from course.threads import use_blas_threads

# Prints, as JSON, the BLAS thread counts seen at each place the course sets them.
PROBE = """
import json
import threadpoolctl

def blas(info):
    return sorted({i["num_threads"] for i in info if i["user_api"] == "blas"})

import course
from course.search import process_pool
from course.threads import blas_limit, blas_threads

seen = {"import": blas(threadpoolctl.threadpool_info())}
outer = 1 if blas_threads() > 1 else 2  # a limit other than the course's, set around the block
with threadpoolctl.threadpool_limits(outer, user_api="blas"):
    with blas_limit():
        seen["blas_limit"] = blas(threadpoolctl.threadpool_info())
    seen["after_blas_limit"] = blas(threadpoolctl.threadpool_info())
with process_pool(2) as pool:
    seen["pool"] = blas(pool.submit(threadpoolctl.threadpool_info).result())
with process_pool(2, threads_per_worker=1) as pool:
    seen["pool_with_1"] = blas(pool.submit(threadpoolctl.threadpool_info).result())
print(json.dumps(seen))
"""


def run(code, setting):
    """Run `code` in a fresh interpreter with COURSE_BLAS_THREADS=setting (None: unset)."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("COURSE_BLAS_THREADS", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS",
                        "MKL_NUM_THREADS")}
    if setting is not None:
        env["COURSE_BLAS_THREADS"] = setting
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)


def probe(setting):
    result = run(PROBE, setting)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


TWO_CORES = pytest.mark.skipif((os.cpu_count() or 1) < 2,
                               reason="needs two cores: BLAS caps its threads at the cores")


@TWO_CORES
def test_without_a_setting_every_place_uses_one_thread():
    """Is BLAS on one thread after import, in blas_limit() (which then gives back the 2 set
    around it) and in pool workers?"""
    assert probe(None) == {"import": [1], "blas_limit": [1], "after_blas_limit": [2],
                           "pool": [1], "pool_with_1": [1]}


@TWO_CORES
def test_course_blas_threads_2_is_honoured_everywhere():
    """With COURSE_BLAS_THREADS=2, do import, blas_limit() and pool workers all use 2, and does
    an explicit threads_per_worker=1 still win in the workers?"""
    assert probe("2") == {"import": [2], "blas_limit": [2], "after_blas_limit": [1],
                          "pool": [2], "pool_with_1": [1]}


@pytest.mark.parametrize("setting", ["many", "-1", "1.5"])
def test_a_bad_setting_stops_import_with_a_message_naming_it(setting):
    """Does a bad COURSE_BLAS_THREADS fail `import course` with its value and what to set?"""
    result = run("import course", setting)
    assert result.returncode != 0
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("ValueError: ")
    assert f"COURSE_BLAS_THREADS={setting!r} is not a whole number >= 0" in last
    assert "set it to the number of BLAS threads you want" in last


@pytest.mark.parametrize("threads", [-1, 1.5, "2", True])
def test_use_blas_threads_refuses_a_bad_count_and_changes_nothing(threads, monkeypatch):
    monkeypatch.setenv("COURSE_BLAS_THREADS", "1")
    with pytest.raises(ValueError, match=f"threads must be a whole number >= 0, got {threads!r}"):
        use_blas_threads(threads)
    assert os.environ["COURSE_BLAS_THREADS"] == "1"
