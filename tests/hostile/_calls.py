# -- hostile helpers (tests/hostile/_calls.py, put before every snippet that says `uses: calls`) --
_hostile_asked = set()


def _hostile_first(tag):
    """True the first time `tag` is asked in this worker. (Once per grading cannot be told: a
    worker's writes, to its work folder too, go with it, and a fresh worker starts after each
    timeout or crash.)"""
    if tag in _hostile_asked:
        return False
    _hostile_asked.add(tag)
    return True


def _hostile_hook_calls(on_call):
    """Route every call of a function or method this module defines through
    on_call(function, label, args, kwargs); names, signatures and docstrings are kept."""
    import functools as _functools
    import inspect as _inspect
    namespace = globals()

    def hooked(function, label):
        @_functools.wraps(function)
        def call(*args, **kwargs):
            return on_call(function, label, args, kwargs)
        return call

    for name, value in list(namespace.items()):
        if name.startswith("_hostile") or getattr(value, "__module__", None) != __name__:
            continue
        if _inspect.isfunction(value):
            namespace[name] = hooked(value, name)
        elif _inspect.isclass(value):
            for attribute, member in list(vars(value).items()):
                if _inspect.isfunction(member) and (attribute in ("__init__", "__call__")
                                                    or not attribute.startswith("__")):
                    setattr(value, attribute, hooked(member, f"{name}.{attribute}"))
