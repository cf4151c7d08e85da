"""The process that runs student code: a loop that answers the grader's requests.

It reads requests and writes answers on the two pipe fds named in argv; the student's own prints go to
stdout and stderr, which the grader reads separately and caps. Every answer is
plain data (see wire.py) or a handle to an object kept here.

Requests: {"op": "import", "module"} | {"op": "get", "handle", "name"} |
{"op": "call", "handle", "args", "kwargs"} | {"op": "keep", "value"} |
{"op": "vary", "args", "kwargs", "times", "seed"} | {"op": "repeat", "handle", "calls"} | {"op": "seed", "seed"} |
{"op": "draw", "count"} | {"op": "set", "handle", "name", "value"}.

Torch is imported here when student code imports it, when the grader sends a
tensor argument (then the assignment is a torch one anyway), or before the first
request when the grader names it in GRADER_WORKER_PRELOAD: the submission's files
import it, and its import then overlaps the grader's own start.
"""
import contextlib
import importlib
import os
import sys
import traceback

import numpy as np

from grader.sandbox import watch, wire

objects = {}
# What GRADER_WORKER_PRELOAD may name: libraries slow to import, and no other module (a name
# that is not one of these is ignored, whatever the environment says).
PRELOADABLE = ("torch", "torchvision")


def keep(value):
    number = len(objects) + 1
    objects[number] = value
    return wire.Handle(number, type(value).__name__)


def to_wire(value, depth=0):
    """Plain data goes as it is; anything else stays here behind a handle.

    A list, tuple or dict holding something that is not plain data is sent item by
    item, so that (w, b, a) with one odd item still arrives as a tuple, and the grader
    can say which item is not numbers (rather than "expected a tuple, got a tuple").
    """
    try:
        return wire.encode(value)
    except (TypeError, RecursionError, ValueError):
        pass
    if depth < 8 and type(value) in (list, tuple):
        items = [to_wire(v, depth + 1) for v in value]
        return {"__tuple__": items} if type(value) is tuple else items
    if depth < 8 and type(value) is dict and all(type(k) is str for k in value):
        return {"__dict__": {k: to_wire(v, depth + 1) for k, v in value.items()}}
    return wire.encode(keep(value))


def from_wire(data):
    value = wire.decode(data, tensors=True)
    return _resolve(value)


def _resolve(value):
    if isinstance(value, wire.Handle):
        return objects[value.number]
    if isinstance(value, wire.Tensor):
        import torch
        return torch.from_numpy(value.array)
    if isinstance(value, list):
        return [_resolve(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_resolve(v) for v in value)
    if isinstance(value, dict):
        return {k: _resolve(v) for k, v in value.items()}
    return value


def op_import(msg):
    return importlib.import_module(msg["module"])


def op_get(msg):
    return getattr(objects[msg["handle"]], msg["name"])


def op_call(msg):
    return objects[msg["handle"]](*from_wire(msg["args"]), **from_wire(msg["kwargs"]))


def fresh_inputs(args, kwargs, times, seed):
    """`times` fresh (args, kwargs) for timed calls: every array or tensor replaced by new values of
    its shape, dtype and scale (floats drawn anew with its mean and spread, integers shuffled), so
    that no timed call sees an object, or values, that another call saw."""
    rng = np.random.default_rng(seed)

    def fresh_array(array):
        if np.issubdtype(array.dtype, np.floating) and array.size:
            spread = float(array.std()) or abs(float(array.mean())) * 1e-3 or 1e-3
            return (array.mean() + spread * rng.standard_normal(array.shape)).astype(array.dtype)
        if np.issubdtype(array.dtype, np.integer):
            return rng.permutation(array.ravel()).reshape(array.shape)
        return array.copy()

    def fresh(value):
        if isinstance(value, np.ndarray):
            return fresh_array(value)
        if type(value).__name__ == "Tensor" and hasattr(value, "numpy"):
            import torch
            return torch.from_numpy(fresh_array(value.detach().cpu().numpy())).to(value.device)
        if type(value) in (list, tuple):
            return type(value)(fresh(v) for v in value)
        if type(value) is dict:
            return {k: fresh(v) for k, v in value.items()}
        return value

    return [(fresh(list(args)), fresh(dict(kwargs))) for _ in range(times)]


def op_vary(msg):
    calls = fresh_inputs(from_wire(msg["args"]), from_wire(msg["kwargs"]), msg["times"], msg["seed"])
    return keep(calls)


def op_repeat(msg):
    target, calls = objects[msg["handle"]], objects.pop(msg["calls"])
    for args, kwargs in calls:
        target(*args, **kwargs)


def op_set(msg):
    setattr(objects[msg["handle"]], msg["name"], from_wire(msg["value"]))


def op_keep(msg):
    return keep(from_wire(msg["value"]))  # a handle: plain data would travel back whole


def op_seed(msg):
    np.random.seed(msg["seed"])


def op_draw(msg):
    return np.random.uniform(0, 1, msg["count"])


OPS = {"import": op_import, "get": op_get, "call": op_call, "vary": op_vary, "repeat": op_repeat,
       "keep": op_keep, "seed": op_seed, "draw": op_draw, "set": op_set}


def describe(exc, workdir):
    """What went wrong, and the last line of the student's own files it passed."""
    where = ""
    if isinstance(exc, SyntaxError) and exc.filename:
        where = f"{os.path.basename(exc.filename)} line {exc.lineno}"
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename.startswith(workdir):
            where = f"{os.path.relpath(frame.filename, workdir)} line {frame.lineno}, in {frame.name}"
    message = str(exc) if not isinstance(exc, SyntaxError) else exc.msg
    return {"type": type(exc).__name__, "message": message[:1000], "where": where}


def serve(requests, answers, workdir):
    while True:
        wire.readable_soon(requests.fileno())  # the next request often comes within microseconds
        try:
            header = wire.read_exactly(requests.read, 8)
        except EOFError:
            return
        msg = wire.parse_payload(wire.read_exactly(requests.read, wire.header_length(header)))
        try:
            answer = {"ok": True, "value": to_wire(OPS[msg["op"]](msg))}
        except BaseException as exc:  # the student's SystemExit too: report it, keep serving
            answer = {"ok": False, "error": describe(exc, workdir)}
        wire.write_message(answers, {**answer, "id": msg.get("id")})


def preload():
    """Import the libraries GRADER_WORKER_PRELOAD names, before the work folder is on sys.path
    (a submitted file cannot stand in for them) and before the import watch (they are not the
    submission's doing). One that fails to import fails later, where the student's file imports it.
    Whether it was asked to (then the grader waits for wire.READY)."""
    names = os.environ.get("GRADER_WORKER_PRELOAD", "")
    for name in names.split(","):
        if name in PRELOADABLE:
            with contextlib.suppress(Exception):
                importlib.import_module(name)
    return bool(names)


def main():
    workdir = os.path.realpath(os.getcwd()) + os.sep
    requests = os.fdopen(int(sys.argv[1]), "rb", buffering=0)
    answers = os.fdopen(int(sys.argv[2]), "wb")
    if preload():
        wire.write_message(answers, wire.READY)  # the grader waits for it on no check's clock
    sys.path.insert(0, workdir)
    if os.environ.get("GRADER_WORKER_SUPPORT"):  # the assignment's worker/ code, as assignment_worker
        sys.path.insert(0, os.environ["GRADER_WORKER_SUPPORT"])
    sys.dont_write_bytecode = True
    watch.install(workdir)
    serve(requests, answers, workdir)


if __name__ == "__main__":
    main()
