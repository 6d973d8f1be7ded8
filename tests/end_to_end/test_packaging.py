"""Do pyproject.toml and environment.yml describe the same environment?"""

from __future__ import annotations

import re
from pathlib import Path

from packaging.requirements import Requirement

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[2]
# Conda splits some pip extras into separate packages.
CONDA_SPLITS = {"dask[distributed]": ["dask", "distributed"]}
# Extras that are deliberately not part of the (students') conda environment: developers
# pip-install them into it, as environment.yml's header says; `hub` is the instructor's
# JupyterHub (deploy/, `make hub`), which no student installs.
NOT_IN_CONDA = {"bench", "dev", "browser", "hub"}


def pip_requirements() -> dict[str, str]:
    """Map each package name that pyproject.toml installs to its version specifier."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = list(project["dependencies"])
    for extra, items in project["optional-dependencies"].items():
        if extra not in NOT_IN_CONDA:
            reqs += items
    out = {}
    for text in reqs:
        req = Requirement(text)
        key = f"{req.name}[{','.join(sorted(req.extras))}]" if req.extras else req.name
        for name in CONDA_SPLITS.get(key, [req.name]):
            out[name.lower()] = str(req.specifier)
    return out


def conda_requirements(path: Path = ROOT / "environment.yml") -> dict[str, str]:
    """Map each package in environment.yml (except python and pip) to its specifier."""
    out = {}
    in_deps = False
    for line in path.read_text().splitlines():
        if line.startswith("dependencies:"):
            in_deps = True
            continue
        m = re.match(r"^\s+-\s+([A-Za-z0-9_.\-]+)\s*(.*)$", line)
        if in_deps and m and m.group(1) not in ("python", "pip"):
            out[m.group(1).lower()] = str(Requirement(m.group(1) + m.group(2)).specifier)
    return out


def test_environment_yml_lists_the_same_packages_as_pyproject():
    """Does a conda user get the same packages, with the same version bounds, as a pip user?"""
    pip, conda = pip_requirements(), conda_requirements()
    assert sorted(set(pip) - set(conda)) == [], "in pyproject.toml but not environment.yml"
    assert sorted(set(conda) - set(pip)) == [], "in environment.yml but not pyproject.toml"
    mismatched = {n: (pip[n], conda[n]) for n in pip if pip[n] != conda[n]}
    assert mismatched == {}


def test_torch_is_never_a_runtime_dependency():
    """PyTorch is for optional benchmarks only: is it kept out of the runtime requirements?"""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = [Requirement(r).name for r in project["dependencies"]]
    assert "torch" not in names
    assert "torch" not in conda_requirements()


def test_checker_notices_a_changed_bound(tmp_path):
    """Would the comparison above fail if environment.yml drifted from pyproject.toml?"""
    text = (ROOT / "environment.yml").read_text()
    drifted = tmp_path / "environment.yml"
    drifted.write_text(text.replace("numpy>=1.26", "numpy>=1.20"))
    assert conda_requirements(drifted)["numpy"] != pip_requirements()["numpy"]
    dropped = tmp_path / "dropped.yml"
    dropped.write_text(text.replace("  - tqdm>=4.66\n", ""))
    assert "tqdm" in set(pip_requirements()) - set(conda_requirements(dropped))


def test_students_conda_environment_has_no_test_tools():
    """The students' environment opens the lessons; pytest, ruff and Playwright are the
    developers' (installed with pip on top, as its header says)."""
    conda = conda_requirements()
    assert not {"pytest", "ruff", "playwright", "hypothesis"} & set(conda)
    header = (ROOT / "environment.yml").read_text()
    assert 'pip install -e ".[dev,browser]"' in header and "python -m course.lab" in header
