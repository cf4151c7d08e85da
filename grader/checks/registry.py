"""Declaring checks: a decorated function whose parameters name what it needs.

    @check(points=2, part="LinearMap")
    def linear_map_forward(student, reference):
        "LinearMap.forward matches x W^T + b"
        ...

Parameters are filled by name, as pytest fixtures are: `student` (the
submission, sandboxed), `reference` (the reference solution, in-process),
`reference_process` (the reference run in a worker like the student's, for
fair timings), `submission_dir` (the prepared files, for static checks).
"""
import importlib.util
import inspect
import sys
from dataclasses import dataclass
from pathlib import Path


class CheckFailed(AssertionError):
    """A check's verdict: one message saying what was expected, what came back, and where."""


@dataclass
class Check:
    function: object
    name: str
    points: float
    part: str
    hidden: bool
    order: int

    @property
    def needs(self):
        return list(inspect.signature(self.function).parameters)


_counter = 0


def check(points, part="", name=None):
    """Mark a function as a graded check worth `points`; its docstring's first line is its name."""
    def mark(function):
        global _counter
        _counter += 1
        doc = (inspect.getdoc(function) or function.__name__).splitlines()[0]
        function.__check__ = Check(function, name or doc, points, part, hidden=False, order=_counter)
        return function
    return mark


def sibling(file, stem):
    """The module `stem`.py beside `file`, loaded once: how hidden tests reuse public probes."""
    path = Path(file).with_name(f"{stem}.py")
    name = f"_checks_{abs(hash(str(path)))}"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, path)
        sys.modules[name] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(sys.modules[name])
    return sys.modules[name]


def load_checks(path, hidden):
    """The checks defined in the Python file at `path`, in file order."""
    module = sibling(path, Path(path).stem)
    found = [f.__check__ for f in vars(module).values() if hasattr(f, "__check__")]
    for found_check in found:
        found_check.hidden = hidden
    return sorted(found, key=lambda c: c.order)
