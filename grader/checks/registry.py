"""Declaring checks: pytest test functions marked with their points and part.

    @check(points=2, part="LinearMap")
    def linear_map_forward(student, reference):
        "LinearMap.forward matches x W^T + b"
        ...

`check` is `pytest.mark.check` with the docstring's first line as the check's
name; the plugin (grader/checks/plugin.py) collects every function so marked,
whatever its name, and fills its parameters with fixtures: `student` (the
submission, sandboxed), `reference` (the reference solution, in-process),
`reference_process` (the reference run in a worker like the student's, for
fair timings), `sources` ({file name: submitted text}) and `missing`. pytest's
own `parametrize` and fixtures work as usual.
"""
import importlib.util
import inspect
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

MARK = "check"


class CheckFailed(AssertionError):
    """A check's verdict: one message saying what was expected, what came back, and where."""


@dataclass
class Check:
    """One collected check: a test function, or one case of a parametrized one."""
    id: str          # pytest's node id, relative to the check file's folder: "tests_public.py::name[case]"
    function: object
    name: str
    points: float
    part: str
    hidden: bool


def check(points, part, name=None):
    """Mark a function as a check worth `points` in `part`; its docstring's first line is its name."""
    def mark(function):
        doc = (inspect.getdoc(function) or function.__name__).splitlines()[0]
        return pytest.mark.check(points=points, part=part, name=name or doc)(function)
    return mark


def check_mark(obj):
    """The `check` mark of a function, or None."""
    if not callable(obj):  # before any getattr: a worker module stays unloaded (LazyModule)
        return None
    marks = [m for m in getattr(obj, "pytestmark", []) if m.name == MARK]
    return marks[0] if marks else None


def sibling(file, stem):
    """The module `stem`.py beside `file`, loaded once: how hidden checks reuse public probes."""
    path = Path(file).with_name(f"{stem}.py")
    name = f"_checks_{abs(hash(str(path)))}"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, path)
        sys.modules[name] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(sys.modules[name])
    return sys.modules[name]


def worker_module(file, stem):
    """The module worker/`stem`.py beside the check file `file`, loaded in the grader when a
    check first uses it (it may import torch: listing the checks need not wait for that).

    The same module runs in the student's worker as `assignment_worker.STEM`
    (`impl.worker(stem)` gives either side's copy).
    """
    return LazyModule(lambda: sibling(Path(file).parent / "worker" / "_", stem))


class LazyModule:
    """A module loaded on its first attribute access."""

    def __init__(self, load):
        self._load, self._module = load, None

    def __getattr__(self, name):
        # what pytest probes every name of a check file for (__wrapped__, _mock_name, ...) is not
        # a use: private names are answered without loading, so listing the checks imports no torch
        if name.startswith("_"):
            raise AttributeError(name)
        if self._module is None:
            self._module = self._load()
        return getattr(self._module, name)
