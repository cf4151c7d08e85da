"""Checks that read the student's source without running it.

The grader reads each submitted file as Python does (grading.read_sources: the
encoding its declaration names). Parsing costs the grader far more than the
source's size (ast.parse: up to 700 bytes of memory per byte of source), so no
function here parses a source over MAX_SOURCE_BYTES: it fails the check instead
(CheckFailed), as it does for the UnreadableSource that stands for a file the
grader did not read.
"""
import ast

from grader.checks.registry import CheckFailed

MAX_SOURCE_BYTES = 256 * 2**10  # as the unpacker allows a submitted .py (grader/submission.py)


class UnreadableSource(str):
    """Stands in `sources` for a submitted file not read as text: an empty str that knows its
    name and why (an encoding Python refuses too)."""

    def __new__(cls, name, problem):
        text = super().__new__(cls, "")
        text.name, text.problem = name, problem
        return text


class OversizedSource(UnreadableSource):
    """A submitted file too large to read."""

    def __new__(cls, name, size):
        text = super().__new__(cls, name, f"{name} is {size / 2**10:.0f} KB, more than the "
                               f"{MAX_SOURCE_BYTES // 2**10} KB the grader reads of one source file: not checked")
        text.size = size
        return text


def expect_readable(source, filename=None):
    """Fail the check, saying why, when `source` was not read or is too large for the grader to parse."""
    if isinstance(source, UnreadableSource):
        raise CheckFailed(source.problem)
    if len(source) > MAX_SOURCE_BYTES:
        size = len(source.encode("utf-8", "surrogatepass"))
        raise CheckFailed(f"{filename or 'a submitted source'} is {size / 2**10:.0f} KB, more than the "
                          f"{MAX_SOURCE_BYTES // 2**10} KB the grader reads of one source file: not checked")


def _parse(source):
    expect_readable(source)
    return ast.parse(source)


def imported_modules(source):
    """{top-level module name: first line} for every import, and for ways around import statements,
    in the code an import runs: what stands under `if __name__ == "__main__":` (training or
    plotting a homework asks for) is left out."""
    found = {}
    for node in imported_code(_parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name.split(".")[0] for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [(node.module or "").split(".")[0] if node.level == 0 else "a relative module"]
        elif isinstance(node, ast.Call) and _calls_importer(node.func):
            names = ["a module by name (__import__/importlib)"]
        elif isinstance(node, ast.Name) and node.id in ("exec", "eval"):
            names = [f"code through {node.id}()"]
        elif isinstance(node, ast.Name) and node.id in RUNTIME_NAMES:
            names = [f"names built at run time ({node.id})"]
        else:
            continue
        for name in names:
            found[name] = min(found.get(name, node.lineno), node.lineno)
    return found


RUNTIME_NAMES = ("__builtins__", "__loader__", "__spec__")


def submitted_imports(sources, filename):
    """The other submitted files (names in `sources.files`) that `filename` imports, and those they
    import in turn, in the order found."""
    stems = {name.removesuffix(".py"): name for name in getattr(sources, "files", sources) if name.endswith(".py")}
    found, queue = [], [filename]
    while queue:
        source = sources.get(queue.pop(0))
        if source is None or isinstance(source, UnreadableSource) or len(source) > MAX_SOURCE_BYTES:
            continue
        try:
            names = imported_modules(source)
        except SyntaxError:
            continue
        for name in names:
            other = stems.get(name)
            if other and other != filename and other not in found:
                found.append(other)
                queue.append(other)
    return found


def imported_code(module):
    """Every node of `module` but those under a top-level `if __name__ == "__main__":`."""
    for top in module.body:
        if isinstance(top, ast.If) and _is_main_guard(top.test):
            yield top.test
            for other in top.orelse:
                yield from ast.walk(other)
            continue
        yield from ast.walk(top)


def _is_main_guard(test):
    return isinstance(test, ast.Compare) and isinstance(test.left, ast.Name) and test.left.id == "__name__" \
        and len(test.comparators) == 1 and isinstance(test.comparators[0], ast.Constant) \
        and test.comparators[0].value == "__main__"


def _calls_importer(func):
    name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
    return name in ("__import__", "import_module")


def syntax_problem(source, filename):
    """None, or one line saying where the source fails to parse (a source too large to read fails the check)."""
    if isinstance(source, UnreadableSource) and not isinstance(source, OversizedSource):
        return source.problem  # Python refuses to decode it too
    expect_readable(source, filename)
    try:
        compile(source, filename, "exec", dont_inherit=True)
    except SyntaxError as exc:
        return f"{filename} line {exc.lineno}: {exc.msg}"
    except ValueError as exc:
        return f"{filename}: {exc}"
    return None


# Names that only matter to PyTorch's autograd (or its functional twin): a hand-written
# backward needs none of them. Turning autograd *off* (no_grad, set_grad_enabled(False),
# requires_grad=False) is allowed.
AUTOGRAD_NAMES = {"autograd", "enable_grad", "_set_grad_enabled", "retain_grad", "grad_fn",
                  "functorch", "vjp", "jvp", "jacrev", "jacfwd", "grad_and_value", "hessian", "linearize"}
AUTOGRAD_MODULES = ("torch.autograd", "torch.func", "functorch")
GRAPH_KEYWORDS = {"retain_graph", "create_graph"}


def autograd_uses(source):
    """[(line, what, class name or None)] for each use of PyTorch's autograd in `source`.

    Catches the names (torch.autograd, enable_grad, ...), imports of torch.autograd,
    torch.func and functorch, strings naming them (getattr(torch, "autograd")), turning
    requires_grad on, set_grad_enabled with anything but False, and backward calls with
    autograd-only keywords. The class is the top-level class the use is in, if any.
    Plain `.backward()` calls cannot be told from a module's own backward here: the
    checks run the student's backward with autograd switched off to catch those.
    """
    found = []
    for top in _parse(source).body:
        where = top.name if isinstance(top, ast.ClassDef) else None
        for node in ast.walk(top):
            what = _autograd_use(node)
            if what:
                found.append((getattr(node, "lineno", top.lineno), what, where))
    return sorted(set(found))


def _is_false(node):
    return isinstance(node, ast.Constant) and node.value in (False, 0)


def _autograd_use(node):
    if isinstance(node, ast.Name) and node.id in AUTOGRAD_NAMES | {"requires_grad_", "set_grad_enabled"}:
        return node.id if node.id in AUTOGRAD_NAMES else None
    if isinstance(node, ast.Attribute) and node.attr in AUTOGRAD_NAMES:
        return f".{node.attr}"
    if isinstance(node, ast.Attribute) and node.attr == "func" and isinstance(node.value, ast.Name) \
            and node.value.id == "torch":
        return "torch.func"
    if isinstance(node, ast.Name) and node.id in RUNTIME_NAMES:
        return f"names built at run time ({node.id})"
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
            [node.module or ""] + [f"{node.module}.{a.name}" for a in node.names]
        hits = [n for n in names if n.startswith(AUTOGRAD_MODULES) or n.split(".")[-1] in AUTOGRAD_NAMES]
        return f"import of {hits[0]}" if hits else None
    if isinstance(node, ast.Constant) and isinstance(node.value, str) \
            and node.value in AUTOGRAD_NAMES | {"requires_grad", "requires_grad_", "set_grad_enabled"}:
        return f"the string {node.value!r}"
    if isinstance(node, ast.Call):
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        args = node.args + [k.value for k in node.keywords if k.arg in ("requires_grad", "mode")]
        if name in ("requires_grad_", "set_grad_enabled") and not (args and _is_false(args[0])):
            return f"{name}(...)"
        # Names built at run time hide any of the above from this reading.
        if name in ("getattr", "setattr", "hasattr", "delattr") and len(node.args) > 1 \
                and not (isinstance(node.args[1], ast.Constant) and isinstance(node.args[1].value, str)):
            return f"{name}(...) with a computed name"
        if name in ("eval", "exec", "compile", "__import__", "import_module"):
            return f"{name}(...)"
        for keyword in node.keywords:
            if keyword.arg == "requires_grad" and not _is_false(keyword.value):
                return "requires_grad=..."
            if keyword.arg in GRAPH_KEYWORDS:
                return f"{keyword.arg}=..."
    if isinstance(node, ast.Assign):
        for target in node.targets:
            if isinstance(target, ast.Attribute) and target.attr == "requires_grad" and not _is_false(node.value):
                return ".requires_grad = ..."
    return None


LOOP_NODES = (ast.For, ast.AsyncFor, ast.While, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


LOOPING_CALLS = {"vectorize", "apply_along_axis", "apply_over_axes", "frompyfunc", "map", "reduce", "fromiter"}


def python_loops(source, function):
    """[(line, what, in which function)] for the loops and comprehensions in the top-level
    function `function` of `source` and in the code of `source` it reaches, transitively:
    top-level functions it calls or names, and methods of top-level classes (`Helper.rows(...)`).

    `what` reads as the loop's header: "for i in range(d)", "while k < d", "a list
    comprehension (for i in range(d))", or a call that loops for it ("np.vectorize(...)").
    A function that is a plain alias at the top level (`grad_W = _grad`) is followed to its
    definition. Returns None when `function` is not defined by a `def` (or an alias of one).
    """
    defined, aliases = _definitions(_parse(source))

    def resolve(name, seen=()):
        """The name of the definition `name` stands for, or None."""
        if name in defined:
            return name
        if name in aliases and name not in seen:
            return resolve(aliases[name], (*seen, name))
        return None

    if resolve(function) is None:
        return None
    found, queue, visited = [], [resolve(function)], set()
    while queue:
        name = queue.pop()
        if name in visited:
            continue
        visited.add(name)
        for inner in ast.walk(defined[name]):
            if isinstance(inner, LOOP_NODES):
                found.append((inner.lineno, _loop_header(inner), name))
            elif isinstance(inner, ast.Call) and _called_name(inner.func) in LOOPING_CALLS:
                found.append((inner.lineno, f"{ast.unparse(inner.func)}(...)", name))
            reached = resolve(_reached_name(inner) or "")
            if reached is not None and reached not in visited:
                queue.append(reached)
    return sorted(set(found))


def _definitions(tree):
    """({name: def node}, {alias: name}) of the top-level functions, lambdas and class methods ("C.m")."""
    defined, aliases = {}, {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            defined[node.name] = node
            aliases.pop(node.name, None)
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    defined[f"{node.name}.{item.name}"] = item
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name) and isinstance(node.value, ast.Name):
                    aliases[target.id] = node.value.id
                    defined.pop(target.id, None)
                elif isinstance(target, ast.Name) and isinstance(node.value, ast.Lambda):
                    defined[target.id] = node.value
    return defined, aliases


def _reached_name(node):
    """The name a node reaches: `f` (called or passed on), or "C.m" for an attribute of a name."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return f"{node.value.id}.{node.attr}"
    return None


def _called_name(func):
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


COMPREHENSIONS = {ast.ListComp: "a list comprehension", ast.SetComp: "a set comprehension",
                  ast.DictComp: "a dict comprehension", ast.GeneratorExp: "a generator expression"}


def _loop_header(node):
    if isinstance(node, (ast.For, ast.AsyncFor)):
        return _short(f"for {ast.unparse(node.target)} in {ast.unparse(node.iter)}")
    if isinstance(node, ast.While):
        return _short(f"while {ast.unparse(node.test)}")
    first = node.generators[0]
    return f"{COMPREHENSIONS[type(node)]}: " + _short(f"for {ast.unparse(first.target)} in {ast.unparse(first.iter)}")


def _short(text, limit=60):
    return text if len(text) <= limit else text[:limit - 3] + "..."
