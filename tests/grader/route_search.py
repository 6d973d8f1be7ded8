"""Search ``course`` for routes that earn a graded task's checks (run as a script).

    python route_search.py LIBDIR ASSIGNMENT SEED

LIBDIR holds a copy of ``course`` (tripwired or not) that is imported instead of the real
one. A *route* stands in for the student's function:

- a function of ``course``, called with the probe's arguments;
- a class of ``course`` built with the first k arguments, then one of its methods called
  with the rest;
- a function's result or a class instance, followed along a path of attributes and
  zero-argument methods (up to three steps through objects of ``course``), ending in a
  number, an array, its ``size``, its ``sum()`` or ``len()``.

Each route is also tried with a sequence argument spread the way course's own API takes
layer sizes: ``[n_in, *hidden, n_out]`` -> ``(n_in, n_out, hidden)``. A route earns a task if
every check of the task passes on the probes of SEED. The script prints one JSON list of
``{"task": ..., "route": ...}``: with the tripwires in place it must be empty.
"""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
import signal
import sys
import warnings

CALL_SECONDS = 2
MAX_DEPTH = 3


class _Captured(Exception):  # noqa: N818 - control flow, not an error
    pass


class _Slow(Exception):  # noqa: N818
    pass


def _alarm(*_):
    raise _Slow


def _modules(course):
    found = []
    for info in pkgutil.walk_packages(course.__path__, "course."):
        if ".demos" in info.name or info.name.endswith("_demo"):
            continue  # screens and widgets: their numbers come from the modules below
        try:
            found.append(importlib.import_module(info.name))
        except Exception:  # noqa: BLE001, S112 - a module that needs a screen
            continue
    return found


def _defined(modules):
    functions, classes = {}, {}
    for module in modules:
        for name, obj in vars(module).items():
            if getattr(obj, "__module__", None) != module.__name__:
                continue
            if inspect.isfunction(obj):
                functions[f"{module.__name__}.{name}"] = obj
            elif inspect.isclass(obj) and not issubclass(obj, BaseException):
                classes[f"{module.__name__}.{name}"] = obj
    return functions, classes


def _spread(args):
    """course's convention for layer sizes: [n_in, *hidden, n_out] -> (n_in, n_out, hidden)."""
    if len(args) == 1 and isinstance(args[0], (list, tuple)) and len(args[0]) >= 2:
        dims = list(args[0])
        return (dims[0], dims[-1], tuple(dims[1:-1]))
    return None


def _steps(obj, course_types):
    """(name, getter) for each attribute or zero-argument method worth following."""
    import numpy as np

    if isinstance(obj, np.ndarray):
        return [("size", lambda o: o.size), ("sum()", lambda o: o.sum())]
    if not isinstance(obj, course_types):
        return [("len()", len)] if isinstance(obj, (list, tuple, dict)) else []
    steps = [("len()", len)] if hasattr(obj, "__len__") else []
    for name in dir(obj):
        if name.startswith("__"):
            continue
        try:
            value = getattr(obj, name)
        except Exception:  # noqa: BLE001, S112
            continue
        if callable(value):
            try:
                required = [p for p in inspect.signature(value).parameters.values()
                            if p.default is p.empty and p.kind in (p.POSITIONAL_ONLY,
                                                                   p.POSITIONAL_OR_KEYWORD)]
            except (TypeError, ValueError):
                continue
            if not required:
                steps.append((f"{name}()", lambda o, n=name: getattr(o, n)()))
        else:
            steps.append((name, lambda o, n=name: getattr(o, n)))
    return steps


def _paths(obj, course_types, depth=MAX_DEPTH, prefix=""):
    """Every (path, getter) from ``obj`` along _steps, at most ``depth`` steps long."""
    out = [(prefix, lambda o: o)]
    if depth == 0:
        return out
    for name, get in _steps(obj, course_types):
        try:
            signal.alarm(CALL_SECONDS)
            value = get(obj)
        except BaseException:  # noqa: BLE001, S112
            continue
        finally:
            signal.alarm(0)
        for path, rest in _paths(value, course_types, depth - 1, f"{prefix}.{name}"):
            out.append((path, lambda o, g=get, r=rest: r(g(o))))
    return out


def main():
    libdir, name, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
    sys.path.insert(0, libdir)
    warnings.simplefilter("ignore")
    import numpy as np
    from assignment_corpus import _decode as decode

    import course
    from autograder.spec import drivers_source, load

    assert course.__file__.startswith(libdir), course.__file__
    functions, classes = _defined(_modules(course))
    course_types = tuple(classes.values())
    assignment = load(name)
    drivers: dict = {}
    exec(compile(drivers_source(name), "<drivers>", "exec"), drivers)  # noqa: S102
    streams = np.random.SeedSequence(seed).spawn(len(assignment.tasks))
    signal.signal(signal.SIGALRM, _alarm)
    found = []

    def call(function, probe, student):
        args = [decode(a) for a in probe.args]
        signal.alarm(CALL_SECONDS)
        try:
            if probe.driver:
                return drivers[probe.driver](function, student, *args)
            return function(*args)
        finally:
            signal.alarm(0)

    for task, stream in zip(assignment.tasks, streams, strict=True):
        probes = {p.label: p for p in task.probes(stream)}
        sample = _sample_args(call, next(iter(probes.values())))
        if sample is None:
            continue
        for route_name, route in _routes(functions, classes, course_types, sample):
            if _earns(route, task, probes, call):
                found.append({"task": task.function, "route": route_name})
    print(json.dumps(found))


def _sample_args(call, probe):
    """The arguments the student's function gets on ``probe`` (a driver may build them)."""
    seen = []

    def recorder(*args):
        seen.append(args)
        raise _Captured

    try:
        call(recorder, probe, lambda other: recorder)
    except BaseException:  # noqa: BLE001, S110
        pass
    return seen[0] if seen else None


def _earns(route, task, probes, call) -> bool:
    """Whether ``route``, standing in for the student's function, passes every check."""
    import numpy as np

    outputs = {}
    for label, probe in probes.items():
        try:
            result = call(route, probe, lambda other: route)
        except BaseException:  # noqa: BLE001
            return False
        if isinstance(result, dict) and probe.driver:
            outputs[label] = {k: np.asarray(v, dtype=float) for k, v in result.items()}
        else:
            try:
                outputs[label] = np.asarray(result, dtype=float)
            except (TypeError, ValueError):
                return False
    try:
        return all(check.judge({k: outputs[k] for k in check.probes}, probes).passed
                   for check in task.checks)
    except BaseException:  # noqa: BLE001
        return False


def _attempt(function, args):
    signal.alarm(CALL_SECONDS)
    try:
        return True, function(*args)
    except BaseException:  # noqa: BLE001
        return False, None
    finally:
        signal.alarm(0)


def _routes(functions, classes, course_types, sample):
    """(name, callable) routes that run without error on the sample arguments."""
    shapes = [("", lambda a: a)]
    if _spread(sample) is not None:
        shapes.append((" [spread]", _spread))
    for suffix, shape in shapes:
        args = shape(sample)
        starts = []
        for name, function in functions.items():
            ok, value = _attempt(function, args)
            if ok:
                starts.append((name, function, value))
        for name, cls in classes.items():
            for k in range(len(args) + 1):
                ok, instance = _attempt(cls, args[:k])
                if not ok:
                    continue
                if k == len(args):
                    starts.append((name, cls, instance))
                for method in dir(instance):
                    if method.startswith("__"):
                        continue
                    try:
                        bound = getattr(instance, method, None)
                    except Exception:  # noqa: BLE001, S112
                        continue
                    if callable(bound) and _attempt(bound, args[k:])[0]:
                        yield (f"{name}({k} args).{method}(rest){suffix}",
                               lambda *a, c=cls, m=method, k=k, s=shape:
                               getattr(c(*s(a)[:k]), m)(*s(a)[k:]))
        for name, start, value in starts:
            for path, get in _paths(value, course_types):
                yield (f"{name}(...){path}{suffix}",
                       lambda *a, f=start, g=get, s=shape: g(f(*s(a))))


if __name__ == "__main__":
    main()
