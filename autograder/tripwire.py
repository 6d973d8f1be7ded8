"""A copy of ``course`` in which the graded functions' own implementations are switched off.

A task names course's implementation of its function as dotted names
(``"course.search.LogUniform.from_unit"``). The trusted parent resolves each name in the
real package to the file and qualified name that define it, and writes a copy of the
package where that definition's body is replaced by a call to
``_autograder_tripwire.hit(name)``, which records the hit and raises. The student's
process only ever sees the copy, so importing, reloading or reading course's source
cannot reach the real code.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import shutil
from pathlib import Path

TRIPWIRE_MODULE = '''"""Records calls to course functions that are switched off while grading."""

hits = []


class TripwireError(RuntimeError):
    pass


def hit(name):
    hits.append(name)
    raise TripwireError(
        name + " is switched off while your work is graded: write this computation yourself."
    )
'''


def _resolve(dotted: str):
    """(object, module name) for a dotted name such as ``course.search.LogUniform.sample``."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attr in parts[cut:]:
            obj = getattr(obj, attr)
        return obj
    raise ImportError(dotted)


def _definition(obj):
    """(source file, qualified name) where the function or method ``obj`` is defined."""
    func = inspect.unwrap(getattr(obj, "__func__", obj))
    if not inspect.isfunction(func):
        raise TypeError(f"{obj!r} is not a Python function")
    return Path(inspect.getsourcefile(func)).resolve(), func.__qualname__


class _Replace(ast.NodeTransformer):
    def __init__(self, qualnames: dict[str, str]):
        self.qualnames = qualnames
        self.stack: list[str] = []
        self.done: set[str] = set()

    def _visit_scope(self, node):
        self.stack.append(node.name)
        qualname = ".".join(self.stack)
        if qualname in self.qualnames and not isinstance(node, ast.ClassDef):
            call = ast.parse(
                f"return __import__('_autograder_tripwire').hit({self.qualnames[qualname]!r})"
            ).body
            node.body = call
            self.done.add(qualname)
        else:
            self.generic_visit(node)
        self.stack.pop()
        return node

    visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = _visit_scope


def package_dir(package) -> Path:
    """The folder of an imported package (also when an editable install made it a namespace)."""
    if getattr(package, "__file__", None):
        return Path(package.__file__).resolve().parent
    return next(Path(p).resolve() for p in package.__path__ if Path(p).is_dir())


def build_copy(package: str, targets: list[str], destination: Path) -> list[str]:
    """Copy ``package`` to ``destination/<package>`` with ``targets`` tripwired.

    Returns warnings for targets that could not be resolved (they are reported, and the
    rest of the copy is still made). Also writes the ``_autograder_tripwire`` module.
    """
    real = package_dir(importlib.import_module(package))
    warnings: list[str] = []
    per_file: dict[Path, dict[str, str]] = {}
    for dotted in targets:
        try:
            path, qualname = _definition(_resolve(dotted))
        except (ImportError, AttributeError, TypeError, OSError) as exc:
            warnings.append(f"tripwire target {dotted} not found in course ({exc})")
            continue
        if real not in path.parents:
            warnings.append(f"tripwire target {dotted} is defined outside {package} ({path})")
            continue
        names = per_file.setdefault(path, {})
        names[qualname] = f"{names[qualname]} or {dotted}" if qualname in names else dotted

    target_dir = destination / package
    shutil.copytree(real, target_dir, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for path, qualnames in per_file.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        replacer = _Replace(qualnames)
        tree = replacer.visit(tree)
        for qualname in set(qualnames) - replacer.done:
            warnings.append(f"tripwire target {qualnames[qualname]} not found in {path.name}")
        copy = target_dir / path.relative_to(real)
        copy.write_text(ast.unparse(ast.fix_missing_locations(tree)) + "\n", encoding="utf-8")
    (destination / "_autograder_tripwire.py").write_text(TRIPWIRE_MODULE, encoding="utf-8")
    return warnings
