"""Rules worth points, judged on what runs as well as on what is written.

A rule read from the source alone is defeated by code the reading does not
see (a name built at run time, a helper module); so each rule here also watches
the submission's code run in its worker (grader.sandbox.watch) and, where it can,
from outside it (the compiled libraries mapped into the worker's memory).
"""
from grader.checks.compare import expect
from grader.checks.errors import counted_elsewhere, expect_filled_in
from grader.checks.registry import CheckFailed
from grader.checks.static import imported_modules, python_loops, submitted_imports, syntax_problem

WATCH = "grader.sandbox.watch"


def expect_numpy_only(impl, sources, filename, calls):
    """`filename` uses numpy and nothing else: in its source, and while its code runs.

    `calls(module)` -> [(what, function, args)]: calls of the file's code (a Remote module in a
    worker holding no other library: a fresh one when another file's code loaded one), each
    done once plainly (the untouched stub earns nothing) and once watched.
    """
    expect(filename in sources, f"{filename} is missing from the submission")
    source = sources[filename]
    problem = syntax_problem(source, filename)
    expect(problem is None, f"{filename} does not parse: {problem}")
    others = sorted((line, name) for name, line in imported_modules(source).items()
                    if name not in ("numpy", "__future__"))
    expect(not others, f"{filename} may import numpy only; found "
           + ", ".join(f"{name} (line {line})" for line, name in others))
    own = [name.removesuffix(".py") for name in sources.files]
    if foreign_in_worker(impl, own):
        impl.restart()  # what another check's code loaded in the worker is not this file's doing
    stem = filename.removesuffix(".py")
    planned = calls(getattr(impl, stem))
    for what, function, args in planned:
        expect_filled_in(lambda: function(*args), what)
    watch = impl.runtime(WATCH)
    with counted_elsewhere():  # code that fails loses its own checks; what it ran until then counts
        for what, function, args in planned:
            called = watch.libraries_called(function, list(args))
            expect(not called, f"{what} ran code of {', '.join(called)}: {filename} may use numpy only")
    names = watch.foreign_names(getattr(impl, stem))
    expect(not names, f"{filename} holds names from other libraries than numpy: "
           + ", ".join(f"{name} (from {library})" for name, library in sorted(names.items())))
    loaded = watch.imports_by_submission(["numpy"], own)
    expect(not loaded, f"{filename}'s code loaded {', '.join(loaded)} while it ran (a name built at run "
           "time is still an import): it may use numpy only")
    mapped = [name for name in impl.mapped_libraries() if name != "numpy"]
    expect(not mapped, f"the worker that ran {filename} had the compiled code of {', '.join(mapped)} "
           "loaded: it may use numpy only")


def foreign_in_worker(impl, own):
    """Whether the worker holds a library other than numpy that the submission loaded, or compiled
    code of one: then a rule about one file needs a fresh worker."""
    loaded = impl.runtime(WATCH).imports_by_submission(["numpy"], own)
    return bool(loaded) or any(name != "numpy" for name in impl.mapped_libraries())


def autograd_findings(sources, filename, classes, every_class):
    """Uses of autograd read in `filename`, and in the submitted modules it imports, that can
    compute the gradients of `classes`: uses inside them, and uses anywhere but in the other
    classes of `every_class` (a helper class or function can serve any of them). One line."""
    from grader.checks.static import autograd_uses
    found = []
    for name in [filename] + submitted_imports(sources, filename):
        source = sources.get(name)
        if source is None or syntax_problem(source, name):
            continue  # the import fails and says why
        found += [(name, line, what) for line, what, where in autograd_uses(source)
                  if where in classes or where not in every_class]
    return ", ".join(f"{name} line {line}: {what}" for name, line, what in found[:5])


def autograd_during(impl, what, function, *args):
    """function(*args) on impl's side, failing when PyTorch's autograd ran during it."""
    value, ran = impl.runtime(WATCH).autograd_during(function, *args)
    expect(not ran, f"{what} ran PyTorch's autograd ({', '.join(ran)}): compute the gradient by hand, "
           "without .backward(), torch.autograd or torch.func")
    return value


def expect_no_python_loops(impl, sources, filename, function, inputs, sizes=(25, 100)):
    """`function` of `filename` holds no Python loop: read (its body and the code of the file it
    reaches) and seen at run time (the lines and calls of Python it runs on `inputs(d)` -> args
    must not grow with d: a vectorised function runs as many for every d, a loop d more)."""
    text = sources.get(filename)
    if text is None or syntax_problem(text, filename):
        return  # running the function says what is wrong
    loops = python_loops(text, function) or []
    if loops:
        line, header, where = loops[0]
        inside = "" if where == function else f", in {where}, which {function} calls"
        raise CheckFailed(f"{filename} line {line}: {function} loops in Python ({header}{inside}); "
                          "write it with matrix products (np.outer, @)")
    target = getattr(getattr(impl, filename.removesuffix(".py")), function)
    small, large = (impl.runtime(WATCH).python_steps(target, list(inputs(d))) for d in sizes)
    expect(min(small, large) >= 0, f"{function} replaced the hooks that count the Python it runs")
    expect(large - small < (sizes[1] - sizes[0]) / 2,
           f"{function} runs {small} lines and calls of Python for d = {sizes[0]} and {large} for d = {sizes[1]}: "
           "it loops in Python over d; write it with matrix products (np.outer, @)")
