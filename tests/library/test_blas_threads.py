"""Does importing `course` keep NumPy's BLAS on the number of threads the course promises?"""

import json
import os
import subprocess
import sys

import pytest

PROBE = (
    "import course, json, threadpoolctl;"
    "print(json.dumps([i['num_threads'] for i in threadpoolctl.threadpool_info()"
    " if i['user_api'] == 'blas']))"
)


def blas_threads(env_value):
    env = {k: v for k, v in os.environ.items()
           if k not in ("COURSE_BLAS_THREADS", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")}
    if env_value is not None:
        env["COURSE_BLAS_THREADS"] = env_value
    out = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True,
                         text=True, check=True)
    return json.loads(out.stdout)


def test_import_limits_blas_to_one_thread():
    """Without any setting, is every BLAS library down to one thread after `import course`?"""
    threads = blas_threads(None)
    assert threads and all(n == 1 for n in threads)


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="needs two cores to tell 2 from 1")
def test_environment_variable_overrides_the_limit():
    """Can a user who wants two BLAS threads have them?"""
    assert all(n == 2 for n in blas_threads("2"))


def test_bad_setting_names_the_value():
    """Does a non-number in COURSE_BLAS_THREADS fail with a message naming it?"""
    with pytest.raises(subprocess.CalledProcessError) as info:
        subprocess.run([sys.executable, "-c", "import course"], capture_output=True, text=True,
                       check=True, env=dict(os.environ, COURSE_BLAS_THREADS="many"))
    assert "COURSE_BLAS_THREADS='many'" in info.value.stderr
