"""Tripwires cover every route into ``course`` that earns a graded task.

``route_search.py`` runs in a fresh interpreter against a copy of ``course`` (the real
package would shadow it here) and tries every function, class-then-method and
attribute path of ``course`` as the student's function, judged by the task's own checks.
With the assignment's tripwires on, no route may earn a task; with them off, the search
must find the routes known to exist, or it proves nothing.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from autograder import tripwire
from autograder.spec import available, load

SEARCH = Path(__file__).with_name("route_search.py")
ROOT = Path(__file__).resolve().parents[2]
SEED = 2026  # any seed: a route that earns a task earns it on every seed's probes

# Routes that exist in course (the search must find them with the tripwires off).
KNOWN = {
    "sampling_scales": {"effective_window", "log_spaced_grid"},
    "parameters_vs_hyperparameters": {"count_parameters", "split_train_dev_test"},
    "batch_norm": {"batchnorm_forward", "update_running_stats", "batchnorm_inference"},
}


def _routes(tmp_path: Path, name: str, tripwires: bool) -> list[dict]:
    targets = [t for task in load(name).tasks for t in task.tripwires] if tripwires else []
    warnings = tripwire.build_copy("course", targets, tmp_path)
    assert warnings == []
    done = subprocess.run([sys.executable, str(SEARCH), str(tmp_path), name, str(SEED)],
                          capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


@pytest.mark.parametrize("name", available())
def test_no_route_into_course_earns_a_task_with_its_tripwires_on(tmp_path, name):
    found = _routes(tmp_path, name, tripwires=True)
    assert found == [], "routes into course that earn a task: " + ", ".join(
        f"{r['task']} <- {r['route']}" for r in found)


@pytest.mark.parametrize("name", sorted(KNOWN))
def test_the_search_finds_the_known_routes_when_the_tripwires_are_off(tmp_path, name):
    found = {r["task"] for r in _routes(tmp_path, name, tripwires=False)}
    assert KNOWN[name] <= found, KNOWN[name] - found
