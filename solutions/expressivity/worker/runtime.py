"""What a submitted module uses at run time besides numpy and the standard library.

The source of backprop_scratch.py is read for its imports; these probes look
at the imported module itself, in the worker: the names in its namespace
that come from other libraries, and the libraries whose code runs while one
of its functions runs (seen by a profiler hook).
"""
import sys
import types

STANDARD = set(sys.stdlib_module_names) | {"builtins", "__main__"}


def _top(name):
    return (name or "").split(".")[0]


def _library(value):
    """The top-level package a module, function or class belongs to ('' when it has none)."""
    if isinstance(value, types.ModuleType):
        return _top(value.__name__)
    if isinstance(value, (types.FunctionType, types.BuiltinFunctionType, type)):
        return _top(getattr(value, "__module__", ""))
    return ""


def foreign_names(module, allowed=("numpy",)):
    """{global name: library} for the module's globals from libraries outside `allowed` and the standard one."""
    found = {}
    for name, value in vars(module).items():
        library = _library(value)
        if library and library not in allowed and library not in STANDARD and library != _top(module.__name__):
            found[name] = library
    return found


def libraries_called(function, args=(), kwargs=None, allowed=("numpy",)):
    """The libraries outside `allowed`, the standard library and the submission's own files whose
    Python functions or builtins run during function(*args, **kwargs), sorted.

    An error of the function ends the watch; what it called until then counts.
    """
    import os
    here = os.path.realpath(os.getcwd()) + os.sep
    seen = set()

    def watch(frame, event, arg):
        if event == "call":
            if not os.path.realpath(frame.f_code.co_filename).startswith(here):
                seen.add(_top(frame.f_globals.get("__name__")))
        elif event == "c_call":
            owner = getattr(arg, "__module__", None) or type(getattr(arg, "__self__", None)).__module__
            seen.add(_top(owner))

    previous = sys.getprofile()
    sys.setprofile(watch)
    try:
        function(*args, **(kwargs or {}))
    except Exception:
        pass
    finally:
        sys.setprofile(previous)
    return sorted(name for name in seen if name and name not in allowed and name not in STANDARD)
