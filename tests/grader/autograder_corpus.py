"""Adversarial submissions for sampling_scales, built from the real student version.

Each case replaces answer cells (by grade_id) of the released notebook, and may edit the
notebook's structure. ``EXPECT`` gives the points each case's implementation earns per
function: exact where the outcome is certain, otherwise an upper bound ("at most").
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from autograder.cli import main

ROOT = Path(__file__).resolve().parents[2]
NAME = "sampling_scales"

# Independent correct answers (not the reference's code): same distributions, other draws.
GOOD = {
    "sample_log_uniform": '''
def sample_log_uniform(low, high, size, rng):
    return low * (high / low) ** rng.random(size)
''',
    "sample_momentum_beta": '''
def sample_momentum_beta(low, high, size, rng):
    u = rng.random(size)
    return 1.0 - (1.0 - high) * ((1.0 - low) / (1.0 - high)) ** u
''',
    "effective_window": '''
def effective_window(beta):
    beta = np.asarray(beta, dtype=float)
    return 1.0 / (1.0 - beta)
''',
    "log_spaced_grid": '''
def log_spaced_grid(low, high, num):
    exponents = np.linspace(np.log10(low), np.log10(high), num)
    return 10.0 ** exponents
''',
    "choose_scales": '''
def choose_scales(ranges):
    def decades(a, b):
        return np.log10(b) - np.log10(a)
    return {name: "one_minus_log" if low >= 0.5 and high < 1 and decades(1 - high, 1 - low) >= 1
            else "log" if decades(low, high) >= 1 else "linear"
            for name, (low, high) in ranges.items()}
''',
}
FULL = {"sample_log_uniform": 4, "sample_momentum_beta": 4, "effective_window": 2,
        "log_spaced_grid": 2, "choose_scales": 3}
ZERO = dict.fromkeys(FULL, 0)

ZEROS = {
    "sample_log_uniform": "def sample_log_uniform(low, high, size, rng):\n"
                          "    return np.zeros(size)\n",
    "sample_momentum_beta": "def sample_momentum_beta(low, high, size, rng):\n"
                            "    return np.zeros(size)\n",
    "effective_window": "def effective_window(beta):\n    return np.zeros(np.shape(beta))\n",
    "log_spaced_grid": "def log_spaced_grid(low, high, num):\n    return np.zeros(num)\n",
    "choose_scales": "def choose_scales(ranges):\n    return dict.fromkeys(ranges, 'none')\n",
}


def _cases(course: Path) -> dict[str, dict]:
    """name -> {"answers": {grade_id: code}, "edit": callable(nb) or None, ...}."""
    return {
        "correct": {"answers": GOOD},
        "blank": {"answers": {}},
        "linear_sampling": {"answers": dict(GOOD, sample_log_uniform='''
def sample_log_uniform(low, high, size, rng):
    return rng.uniform(low, high, size)
''')},
        "ln_instead_of_log10": {"answers": dict(GOOD, sample_log_uniform='''
def sample_log_uniform(low, high, size, rng):
    r = rng.uniform(np.log(low), np.log(high), size)
    return 10.0 ** r
''')},
        "returns_exponent": {"answers": dict(GOOD, sample_log_uniform='''
def sample_log_uniform(low, high, size, rng):
    return rng.uniform(np.log10(low), np.log10(high), size)
''')},
        "flipped_beta_range": {"answers": dict(GOOD, sample_momentum_beta='''
def sample_momentum_beta(low, high, size, rng):
    r = rng.uniform(np.log10(1 - high), np.log10(1 - low), size)
    return 10.0 ** r
''')},
        "global_numpy_rng": {"answers": dict(GOOD, sample_log_uniform='''
def sample_log_uniform(low, high, size, rng):
    return 10.0 ** np.random.uniform(np.log10(low), np.log10(high), size)
''')},
        "range_five_percent_short": {"answers": dict(GOOD, sample_log_uniform='''
def sample_log_uniform(low, high, size, rng):
    a, b = np.log10(low), np.log10(high)
    return 10.0 ** rng.uniform(a, a + 0.95 * (b - a), size)
''')},
        **hostile_cases(SUBJECT, course),
        "calls_course": {"answers": dict(GOOD, sample_log_uniform='''
from course.search import LogUniform
def sample_log_uniform(low, high, size, rng):
    return LogUniform(low, high).sample(rng, size)
''', sample_momentum_beta='''
from course.search import OneMinusLogUniform
def sample_momentum_beta(low, high, size, rng):
    return OneMinusLogUniform(low, high).sample(rng, size)
''', log_spaced_grid='''
from course.search import LogUniform
def log_spaced_grid(low, high, num):
    return np.array(LogUniform(low, high).grid(num))
''')},
    }


@dataclass(frozen=True)
class Subject:
    """What the hostile cases need to know about one assignment.

    ``zeros`` maps each graded function, in task order, to code that scores zero and
    ``good`` maps answer cells to code that scores full. Cases that attack one function
    attack the first, unless ``targets`` names another for the case. ``tuples`` says the
    functions return tuples (so the object that equals everything is a tuple too).
    """

    name: str
    zeros: dict[str, str]
    good: dict[str, str]
    reference: str
    targets: dict[str, str] = field(default_factory=dict)
    tuples: bool = False

    def target(self, case: str) -> str:
        return self.targets.get(case, next(iter(self.zeros)))


_FOOL_NUMPY = '''
np.allclose = lambda *args, **kwargs: True
np.array_equal = lambda *args, **kwargs: True
np.testing.assert_allclose = lambda *args, **kwargs: None
np.all = lambda *args, **kwargs: True
'''
_NO_ASSERTS = '''
import ast
class NoAsserts(ast.NodeTransformer):
    def visit_Assert(self, node):
        return ast.Pass()
ip = get_ipython()
ip.ast_transformers.append(NoAsserts())
ip.input_transformers_post.append(lambda lines: [l.replace("assert", "pass #") for l in lines])
'''
_LIAR = '''
class Liar:
    def __eq__(self, other):
        return True
    def __ne__(self, other):
        return False
    def __len__(self):
        return 3
    def __bool__(self):
        return True
def {fn}(*args):
    return Liar()
'''
_LIAR_TUPLE = '''
class Liar(tuple):
    def __eq__(self, other):
        return True
    def __ne__(self, other):
        return False
def {fn}(*args):
    return Liar((Liar(), Liar(), Liar()))
'''
_READS_SOLUTION = '''
import json as _json
try:
    for _cell in _json.load(open({secret!r}))["cells"]:
        if "def {fn}" in "".join(_cell["source"]):
            exec("".join(_cell["source"]))
except Exception:
    pass
try:
    from {reference} import {fn}
except Exception:
    pass
if "{fn}" not in globals():
    def {fn}(*args):
        raise NotImplementedError()
'''
_WRITES_GRADEBOOK = '''
import sqlite3
try:
    _db = sqlite3.connect({gradebook!r})
    _db.execute("UPDATE grade SET auto_score = 100")
    _db.commit()
except Exception:
    pass
try:
    open({planted!r}, "w").write("x")
except Exception:
    pass
'''
# Takes every thread its limit allows and holds them for 6 s (while classmates are graded).
HOARDS_THREADS = '''
import threading, time
_stop, _held = threading.Event(), 0
try:
    while _held < 5000:
        threading.Thread(target=_stop.wait, daemon=True).start()
        _held += 1
except RuntimeError:
    pass
time.sleep(6)  # holds them while a classmate is graded
'''

_NOISE = ("import sys, warnings\nprint('starting', file=sys.stderr)\n"
          "warnings.warn('a warning from the student')\n")
_CALL_NOISE = "):\n    print('called', file=sys.stderr); warnings.warn('careful', RuntimeWarning)\n"
_LOOP = '''
while True:
    try:
        pass
    except KeyboardInterrupt:
        pass
'''
_HANG = '''
    while True:
        try:
            pass
        except BaseException:
            pass
'''
_BOMB = '''
hoard = []
while True:
    hoard.append(bytearray(50 * 2**20))
'''


def hostile_cases(subject: Subject, course: Path) -> dict[str, dict]:
    """The tampering and crashing cases for one assignment of ``course``.

    name -> {"answers": {grade_id: code}, "edit": callable(nb), "folder": notebook name,
    "beside": {filename: text}}; missing keys mean no such change.
    """
    good, zeros, target = subject.good, subject.zeros, subject.target
    secret = course / "source" / subject.name / f"{subject.name}.ipynb"

    def zero_but(case, code):
        fn = target(case)
        return dict(zeros, **{fn: code.strip("\n") + "\n" + zeros[fn]})

    def good_but(case, code):
        return dict(good, **{target(case): code})

    def signature(case):
        return zeros[target(case)].partition("\n")[0]

    liar = _LIAR_TUPLE if subject.tuples else _LIAR
    return {
        "correct_with_stderr_and_warnings": {"answers": {
            fn: _NOISE + code.replace("):\n", _CALL_NOISE, 1) for fn, code in good.items()}},
        "allclose_monkeypatch": {"answers": zero_but("allclose_monkeypatch", _FOOL_NUMPY)},
        "ipython_transformers": {"answers": zero_but("ipython_transformers", _NO_ASSERTS)},
        "eq_always_true": {"answers": {fn: liar.format(fn=fn) for fn in zeros}},
        "reads_solution": {"answers": {fn: _READS_SOLUTION.format(
            fn=fn, secret=str(secret), reference=subject.reference) for fn in zeros}},
        "writes_gradebook": {"answers": zero_but("writes_gradebook", _WRITES_GRADEBOOK.format(
            gradebook=str(course / "gradebook.db"),
            planted=str(course / "submitted" / "planted.txt")))},
        "numpy_beside_notebook": {"answers": zeros, "beside": {"numpy.py": (
            "import sys\nsys.modules.pop('numpy', None)\nraise ImportError('planted numpy')\n")}},
        "deleted_test_cell": {"answers": good,
                              "edit": _delete(f"test_{target('deleted_test_cell')}")},
        "duplicated_test_cell": {"answers": good,
                                 "edit": _duplicate(f"test_{target('duplicated_test_cell')}")},
        "edited_test_cell": {"answers": good_but("edited_test_cell",
                                                 zeros[target("edited_test_cell")]),
                             "edit": _rewrite(f"test_{target('edited_test_cell')}", "pass")},
        "changed_metadata": {"answers": good,
                             "edit": _inflate(f"test_{target('changed_metadata')}")},
        "answer_metadata_removed": {"answers": good,
                                    "edit": _strip(target("answer_metadata_removed"))},
        "renamed_notebook": {"answers": good, "folder": "my_work.ipynb"},
        "infinite_loop": {"answers": good_but("infinite_loop", _LOOP)},
        "hangs_in_one_function": {"answers": good_but(
            "hangs_in_one_function", signature("hangs_in_one_function") + _HANG)},
        "os_exit": {"answers": good_but("os_exit", "import os\nos._exit(0)\n")},
        "memory_bomb": {"answers": good_but("memory_bomb", _BOMB)},
    }


def _delete(gid):
    def edit(nb):
        nb.cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") != gid]
    return edit


def _duplicate(gid):
    def edit(nb):
        out = []
        for cell in nb.cells:
            out.append(cell)
            if cell.metadata.get("nbgrader", {}).get("grade_id") == gid:
                copy = nbformat.from_dict(dict(cell))
                copy["id"] = cell["id"] + "-copy"
                out.append(copy)
        nb.cells = out
    return edit


def _rewrite(gid, source):
    def edit(nb):
        for cell in nb.cells:
            if cell.metadata.get("nbgrader", {}).get("grade_id") == gid:
                cell.source = source
    return edit


def _inflate(gid):
    def edit(nb):
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("grade_id") == gid:
                meta["points"] = 100
    return edit


def _strip(gid):
    def edit(nb):
        for cell in nb.cells:
            if cell.metadata.get("nbgrader", {}).get("grade_id") == gid:
                del cell.metadata["nbgrader"]
    return edit


SUBJECT = Subject(NAME, zeros=ZEROS, good=GOOD,
                  reference="autograder.assignments.sampling_scales.reference",
                  targets={"writes_gradebook": "effective_window",
                           "duplicated_test_cell": "effective_window",
                           "changed_metadata": "log_spaced_grid",
                           "answer_metadata_removed": "log_spaced_grid",
                           "hangs_in_one_function": "effective_window",
                           "os_exit": "effective_window",
                           "memory_bomb": "log_spaced_grid"})

# Points each case's implementation earns per function; ("at most", n) for an upper bound.
EXPECT = {
    "correct": FULL,
    "blank": ZERO,
    "linear_sampling": dict(FULL, sample_log_uniform=("at most", 3)),
    "ln_instead_of_log10": dict(FULL, sample_log_uniform=1),
    "returns_exponent": dict(FULL, sample_log_uniform=1),
    "flipped_beta_range": dict(FULL, sample_momentum_beta=1),
    "global_numpy_rng": dict(FULL, sample_log_uniform=3),
    "range_five_percent_short": dict(FULL, sample_log_uniform=2),
    "correct_with_stderr_and_warnings": FULL,
    "allclose_monkeypatch": ZERO,
    "ipython_transformers": ZERO,
    "eq_always_true": ZERO,
    "reads_solution": ZERO,
    "writes_gradebook": ZERO,
    "numpy_beside_notebook": ZERO,
    "deleted_test_cell": FULL,
    "duplicated_test_cell": FULL,
    "edited_test_cell": dict(FULL, sample_log_uniform=0),
    "changed_metadata": FULL,
    "answer_metadata_removed": FULL,
    "renamed_notebook": FULL,
    "infinite_loop": ZERO,
    "hangs_in_one_function": dict(FULL, effective_window=0),
    "os_exit": ZERO,
    # Under load the bomb may hit the time budget before the memory limit: then nothing runs.
    "memory_bomb": dict({k: ("at most", v) for k, v in FULL.items()}, log_spaced_grid=0),
    "calls_course": dict(ZERO, effective_window=2, choose_scales=3),
}
ERRORS = {"infinite_loop": "timeout", "hangs_in_one_function": "effective_window",
          "os_exit": "ended the grading process", "memory_bomb": ("memory", "timeout")}


def make_course(tmp: Path) -> Path:
    """A fresh nbgrader course holding the real sampling_scales source, released."""
    course = tmp / "course"
    (course / "source").mkdir(parents=True)
    shutil.copytree(ROOT / "assignments" / "source" / NAME, course / "source" / NAME)
    shutil.copy(ROOT / "assignments" / "nbgrader_config.py", course)
    assert main(["release", NAME, "--course", str(course)]) == 0
    return course


def results_json(course: Path, name: str = NAME) -> dict[str, dict]:
    """Every student's saved result as the JSON the grader wrote (what an instructor's
    own scripts read)."""
    from autograder import ledger

    return {student: result.to_json() for student, result in ledger.results(course, name).items()}


def student_version(course: Path):
    return nbformat.read(str(course / "release" / NAME / f"{NAME}.ipynb"), as_version=4)


def with_answers(nb, answers: dict[str, str]):
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in answers:
            cell.source = answers[gid].strip("\n")
    return nb


def write_corpus(course: Path, incoming: Path) -> dict[str, dict]:
    """Write every case as incoming/<case>.ipynb (or a folder); return the cases."""
    cases = _cases(course)
    incoming.mkdir(parents=True, exist_ok=True)
    for name, case in cases.items():
        nb = with_answers(student_version(course), case["answers"])
        if case.get("edit"):
            case["edit"](nb)
        if case.get("folder"):
            (incoming / name).mkdir()
            nbformat.write(nb, str(incoming / name / case["folder"]))
        else:
            nbformat.write(nb, str(incoming / f"{name}.ipynb"))
    return cases


def place_beside(course: Path, cases: dict[str, dict]) -> None:
    """Files a student left beside the notebook (as nbgrader's exchange would collect them)."""
    for name, case in cases.items():
        for filename, text in case.get("beside", {}).items():
            (course / "submitted" / name / NAME / filename).write_text(text)


def place_result(course: Path, student: str, name: str, score: float, max_score: float,
                 status: str = "graded") -> None:
    """A stand-in submission in submitted/ and a result for it, as grading would leave
    them (for the commands that read results, without the time grading takes)."""
    import hashlib

    from autograder import ledger
    from autograder.result import Result

    folder = course / "submitted" / student / name
    folder.mkdir(parents=True, exist_ok=True)
    notebook = folder / f"{name}.ipynb"
    notebook.write_text(f'{{"student": "{student}"}}')
    ledger.write_result(course, Result(
        student=student, assignment=name, status=status, score=score, max_score=max_score,
        sha256=hashlib.sha256(notebook.read_bytes()).hexdigest()))
