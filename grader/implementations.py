"""The two things a check compares: the student's code and the reference.

Both offer the same face, so one probe runs on either:
    impl.mlp.LinearMap(4, 3).forward(x)      # modules by file stem
    impl.seed(0); impl.draw(5)               # numpy's global random stream
    impl.seconds(impl.mlp.f, x, times=3)     # wall time of repeated calls
    layer.weight = impl.tensor(W)            # torch: a tensor made from a numpy array
    impl.runtime("torch").manual_seed(0)     # a library or grader module, on that side
    impl.worker("training").run(...)         # the assignment's worker/training.py, on that side
The student's side runs in a sandboxed worker and hands back plain data or
Remote handles; the reference's side is imported into the grader itself.
"""
import importlib
import importlib.util
import random
import re
import sys
import time
from pathlib import Path

import numpy as np

from grader.sandbox import wire
from grader.sandbox.runner import StudentError
from grader.sandbox.worker import fresh_inputs

# solutions/ID/worker/ is importable under this name in the student's worker.
WORKER_PACKAGE = "assignment_worker"


class Remote:
    """An object living in the student's worker; attribute access and calls go over the wire."""

    def __init__(self, code, handle, label):
        self._code, self._handle, self._label = code, handle, label
        # Bound methods fetched before, by name, with the sandbox generation they belong to:
        # `layer.forward(x)` then costs one round trip (the call), not two (get, call).
        self._methods = {}

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        generation = self._code.sandbox.generation
        cached = self._methods.get(name)
        if cached is not None and cached[0] == generation:
            return cached[1]
        label = f"{self._label}.{name}"
        value = self._code._ask(label, {"op": "get", "handle": self._handle.number, "name": name})
        # Only a bound method (type `method`) is kept: it stays the same function of the same
        # object, whereas a data attribute may change with every call.
        if isinstance(value, Remote) and value._handle.type_name == "method":
            self._methods[name] = (generation, value)
        return value

    def __setattr__(self, name, value):
        """Setting an attribute of the remote object (e.g. a layer's weight); _names are local."""
        if name.startswith("_"):
            return object.__setattr__(self, name, value)
        self._methods.clear()  # the setting may replace a method
        self._code._ask(f"setting {self._label}.{name}", {"op": "set", "handle": self._handle.number,
                                                          "name": name, "value": self._code._send(value)})

    def __call__(self, *args, **kwargs):
        label = f"{self._label}(...)" if "." not in self._label else self._label
        return self._code._ask(label, {"op": "call", "handle": self._handle.number,
                                       "args": self._code._send(list(args)),
                                       "kwargs": self._code._send(kwargs)})

    def __repr__(self):
        return f"a {self._handle.type_name} object"


class StudentCode:
    """The submission, as seen through a Sandbox."""

    def __init__(self, sandbox, notebooks=None):
        self.sandbox = sandbox
        self._imported = {}  # not `modules`: a submitted file may be modules.py
        self.import_failures = {}
        self.touched = set()  # the modules asked for since the grading session last looked
        # {file: (notebook, [(first line, cell number)])}: errors in code taken from a
        # notebook are placed in its cells, where the student wrote them
        self._cells = {name: (notebook, cell_starts(sandbox.workdir, name)) for name, notebook in
                       (notebooks or {}).items()}

    def __getattr__(self, module):
        if module.startswith("_"):
            raise AttributeError(module)
        self.touched.add(module)
        key = (module, self.sandbox.generation)
        if module in self.import_failures:
            raise self.import_failures[module]
        if key not in self._imported:
            try:
                self._imported[key] = self._ask(f"importing {module}.py", {"op": "import", "module": module})
            except Exception as problem:
                self.import_failures[module] = problem
                raise
        return self._imported[key]

    def seed(self, seed):
        self._ask("np.random.seed", {"op": "seed", "seed": int(seed)})

    def draw(self, count):
        return self._ask("np.random.uniform", {"op": "draw", "count": int(count)})

    def tensor(self, array):
        """A torch tensor on the student's side: sent as numpy, made there with torch.from_numpy."""
        return wire.Tensor(np.array(array))

    def runtime(self, name):
        """An installed module (torch, grader.datasets.cifar10, ...) imported in the worker, as a Remote."""
        return getattr(self, name)

    def worker(self, name):
        """The assignment's worker/NAME.py, imported in the worker, as a Remote."""
        return getattr(self, f"{WORKER_PACKAGE}.{name}")

    def keep(self, value):
        """Send `value` once and get a handle to pass instead (for timing without transfers)."""
        return self._ask("storing an input", {"op": "keep", "value": self._send(value)})

    def seconds(self, target, *args, times=1, **kwargs):
        """Wall time, measured here, of `times` calls of a Remote `target`, each on inputs no other
        call saw, made beforehand from the arguments (worker.fresh_inputs)."""
        calls = self._ask("making the timed calls' inputs", {
            "op": "vary", "times": int(times), "seed": random.randrange(2**32),
            "args": self._send(list(args)), "kwargs": self._send(kwargs)})
        start = time.perf_counter()
        self._ask(target._label, {"op": "repeat", "handle": target._handle.number, "calls": calls._handle.number})
        return time.perf_counter() - start

    def mapped_libraries(self):
        """The installed packages with compiled code in the worker, read from outside it."""
        return self.sandbox.mapped_libraries()

    def restart(self):
        """A fresh worker, started now: nothing another check loaded in the old one remains,
        not even what the sandbox's workers import before they serve."""
        self.sandbox.stop()
        self.sandbox.start(preload=())

    def output(self):
        return self.sandbox.output()

    def _send(self, value):
        if isinstance(value, Remote):
            return wire.encode(value._handle)
        if wire.is_tensor(value):  # a grader-made tensor stays a tensor
            return wire.encode(wire.Tensor(value.detach().cpu().numpy()))
        if isinstance(value, (list, tuple)):
            items = [self._send(v) for v in value]
            return {"__tuple__": items} if isinstance(value, tuple) else items
        if isinstance(value, dict):
            return {"__dict__": {k: self._send(v) for k, v in value.items()}}
        return wire.encode(value)

    def _ask(self, label, message):
        try:
            value = self.sandbox.request(label, message)
        except StudentError as problem:
            where = in_cells(problem.error.get("where", ""), self._cells)
            if where == problem.error.get("where", ""):
                raise
            raise StudentError(problem.label, {**problem.error, "where": where}) from None
        return self._wrap(value, label)

    def _wrap(self, value, label):
        if isinstance(value, wire.Handle):
            name = label if value.type_name in ("module", "function", "type", "method") else value.type_name
            return Remote(self, value, name.removeprefix("importing ").removesuffix(".py"))
        if isinstance(value, list):
            return [self._wrap(v, label) for v in value]
        if isinstance(value, tuple):
            return tuple(self._wrap(v, label) for v in value)
        if isinstance(value, dict):
            return {k: self._wrap(v, label) for k, v in value.items()}
        return value


CELL_MARK = re.compile(r"^# ---- notebook cell (\d+) ----$")
PLACE = re.compile(r"^(?P<file>[^ ]+\.py) line (?P<line>\d+)")


def cell_starts(workdir, name):
    """[(line number of a cell's first line, cell number)] of a file made from a notebook."""
    try:
        lines = (Path(workdir) / name).read_text(errors="replace").splitlines()
    except OSError:
        return []
    return [(number + 1, int(m[1])) for number, line in enumerate(lines, start=1) if (m := CELL_MARK.match(line))]


def in_cells(where, cells):
    """"modules.py line 74, in forward" -> "modules.ipynb cell 5, line 3, in forward" for notebook code."""
    found = PLACE.match(where)
    if not found or found["file"] not in cells:
        return where
    notebook, starts = cells[found["file"]]
    line = int(found["line"])
    first, cell = max(((s, c) for s, c in starts if s <= line), default=(None, None))
    if cell is None:
        return where
    return f"{notebook} cell {cell}, line {line - first + 1}" + where[found.end():]


class ReferenceCode:
    """The reference solution, imported into the grader under private module names."""

    def __init__(self, directory):
        self.directory = directory
        self._imported = {}  # not `modules`: a submitted file may be modules.py

    def __getattr__(self, module):
        if module.startswith("_"):
            raise AttributeError(module)
        if module not in self._imported:
            name = f"_reference_{abs(hash(str(self.directory)))}_{module}"
            spec = importlib.util.spec_from_file_location(name, self.directory / f"{module}.py")
            loaded = importlib.util.module_from_spec(spec)
            sys.modules[name] = loaded
            spec.loader.exec_module(loaded)
            self._imported[module] = loaded
        return self._imported[module]

    def seed(self, seed):
        np.random.seed(int(seed))

    def tensor(self, array):
        import torch
        return torch.from_numpy(np.array(array))

    def runtime(self, name):
        return importlib.import_module(name)

    def worker(self, name):
        """The assignment's worker/NAME.py, imported here as the checks import it."""
        from grader.checks.registry import sibling
        return sibling(self.directory / "worker" / "_", name)

    def draw(self, count):
        return np.random.uniform(0, 1, int(count))

    def keep(self, value):
        return value

    def seconds(self, target, *args, times=1, **kwargs):
        calls = fresh_inputs(args, kwargs, times, random.randrange(2**32))
        start = time.perf_counter()
        for call_args, call_kwargs in calls:
            target(*call_args, **call_kwargs)
        return time.perf_counter() - start

    def mapped_libraries(self):
        return []

    def restart(self):
        pass

    def output(self):
        return ""
