"""What the submission's code does at run time, seen from inside the worker.

The rules worth points (numpy only, no autograd) are read from the source and
backed here by what runs. `install(workdir)` puts an import watch first on
sys.meta_path before any student code runs: it notes each module loaded while
a submitted file is on the stack, however the name was built (an import
statement, __import__, importlib, exec). A check then asks, on the
submission's side: `imports_by_submission()`, `libraries_called(fn, args)` (a
profile hook over one call) and `autograd_during(fn, *args)` (PyTorch's
profiler over one call).

These watches share the worker with the student's code: code written against
them (editing sys.meta_path or this module) can hide from them. The grader's
view from outside the process (grader.sandbox.runner.mapped_libraries) and its
own checks of every value do not depend on them.
"""
import os
import sys
import types

STANDARD = set(sys.stdlib_module_names) | {"builtins", "__main__"}
_workdir = None
_imports = []  # (top-level name, full name) loaded with a submitted file on the stack


def top(name):
    return (name or "").split(".")[0]


def in_submission(filename):
    return _workdir is not None and filename.startswith(_workdir)


def _submission_on_stack(frame):
    while frame is not None:
        if in_submission(frame.f_code.co_filename):
            return True
        frame = frame.f_back
    return False


class ImportWatch:
    """A meta path finder that finds nothing: it notes the name and lets the next finder load it."""

    def find_spec(self, name, path=None, target=None):
        if _submission_on_stack(sys._getframe(1)):
            _imports.append((top(name), name))
        return None


def install(workdir):
    """Watch the code under `workdir` (a real path ending in os.sep) for the rest of this process."""
    count_as_submission(workdir)
    sys.meta_path.insert(0, ImportWatch())


def count_as_submission(workdir):
    """Code under `workdir` is the submission's own (what libraries_called leaves out)."""
    global _workdir
    _workdir = workdir


def imports_by_submission(allowed=("numpy",), own=()):
    """Sorted top-level libraries outside `allowed`, the standard library and the submission's own
    modules `own` that were loaded while the submission's code ran."""
    return sorted({name for name, _ in _imports if name not in STANDARD and name not in allowed and name not in own})


def library_of(value):
    """The top-level package a module, function or class belongs to ('' when it has none)."""
    if isinstance(value, types.ModuleType):
        return top(value.__name__)
    if isinstance(value, (types.FunctionType, types.BuiltinFunctionType, type)):
        return top(getattr(value, "__module__", ""))
    return ""


def foreign_names(module, allowed=("numpy",)):
    """{global name: library} for the module's globals from libraries outside `allowed` and the standard one."""
    found = {}
    for name, value in vars(module).items():
        library = library_of(value)
        if library and library not in allowed and library not in STANDARD and library != top(module.__name__):
            found[name] = library
    return found


def libraries_called(function, args=(), kwargs=None, allowed=("numpy",)):
    """The libraries outside `allowed`, the standard library and the submission's own files whose
    Python functions or builtins run during function(*args, **kwargs), sorted.

    An error of the function ends the watch; what it called until then counts.
    """
    seen = set()

    def watch(frame, event, arg):
        if event == "call":
            if not in_submission(frame.f_code.co_filename):
                seen.add(top(frame.f_globals.get("__name__")))
        elif event == "c_call":
            owner = getattr(arg, "__module__", None) or type(getattr(arg, "__self__", None)).__module__
            seen.add(top(owner))

    if run_watched(function, args, kwargs, profile=watch):
        seen.add("(the profile hook was replaced)")
    return sorted(name for name in seen if name and name not in allowed and name not in STANDARD)


def python_steps(function, args=()):
    """How many lines of Python, and calls of Python functions and builtins, run during
    function(*args): a count that grows with the input's size when the code loops in Python,
    however the loop is written (for, a comprehension, map over a Python function,
    np.vectorize, np.apply_along_axis, recursion). An error ends the count; -1 when the code
    replaced the hooks that count."""
    count = [0]

    def trace(frame, event, arg):
        count[0] += 1
        return trace

    def profile(frame, event, arg):
        if event == "c_call":
            count[0] += 1

    return -1 if run_watched(function, args, trace=trace, profile=profile) else count[0]


def run_watched(function, args=(), kwargs=None, profile=None, trace=None):
    """function(*args, **kwargs) under the `profile` and `trace` hooks given; whether the code
    replaced one of them. An error of the function ends the run (the watch keeps what it saw)."""
    previous = sys.gettrace(), sys.getprofile()
    if trace is not None:
        sys.settrace(trace)
    if profile is not None:
        sys.setprofile(profile)
    try:
        function(*args, **(kwargs or {}))
    except Exception:
        pass
    finally:
        replaced = (trace is not None and sys.gettrace() is not trace) or \
                   (profile is not None and sys.getprofile() is not profile)
        sys.settrace(previous[0])
        sys.setprofile(previous[1])
    return replaced


AUTOGRAD_EVENTS = ("autograd::engine::", "aten::_make_dual", "aten::_unpack_dual")
START_MARK = "grader::autograd_watch"


def autograd_during(function, *args):
    """(function(*args), what of PyTorch's autograd ran meanwhile: sorted names, [] when nothing).

    The autograd engine (.backward(), torch.autograd.grad, torch.func.grad/vjp/jacrev) and
    forward-mode AD (torch.func.jvp/jacfwd) show in PyTorch's own profiler, whatever the
    grad mode; a profiler stopped or restarted by the code shows as a finding too.
    """
    from torch.autograd.profiler import record_function
    watch = _profiler()
    _silently(watch.__enter__)
    with record_function(START_MARK):
        pass
    try:
        value = function(*args)
    finally:
        names = _silently(lambda: _stop(watch))
    found = sorted({_autograd_name(name) for name in names if name.startswith(AUTOGRAD_EVENTS)})
    if START_MARK not in names:
        found.append("(PyTorch's profiler, which watches for autograd, was stopped)")
    return value, found


def _profiler():
    """PyTorch's profiler of CPU operators: the one without Kineto, whose first start costs 2 ms
    rather than a second of looking for GPUs, where this torch still has it."""
    import torch
    try:
        return torch.autograd.profiler.profile(use_kineto=False)
    except (TypeError, ValueError, AssertionError):
        from torch.profiler import ProfilerActivity, profile
        return profile(activities=[ProfilerActivity.CPU])


def _stop(watch):
    """The names of the events the profiler saw; none when the code stopped it already."""
    try:
        watch.__exit__(None, None, None)
        events = watch.function_events if hasattr(watch, "function_events") else watch.events()
        return {event.name for event in events}
    except (RuntimeError, AssertionError):
        return set()


def _silently(step):
    """step(), with fds 1 and 2 on /dev/null: PyTorch's profiler logs its start and stop there,
    and the student's output must hold only what the student's code printed."""
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        null = os.open(os.devnull, os.O_WRONLY)
    except OSError:
        return step()
    saved = [os.dup(1), os.dup(2)]
    try:
        os.dup2(null, 1)
        os.dup2(null, 2)
        return step()
    finally:
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for fd in saved + [null]:
            os.close(fd)


def _autograd_name(event):
    """'MmBackward0' for 'autograd::engine::evaluate_function: MmBackward0'; forward AD by its op."""
    return event.rsplit(": ", 1)[-1].removeprefix("torch::autograd::").removeprefix("aten::")
