"""Checks that read the student's source without running it."""
import ast


def imported_modules(source):
    """{top-level module name: first line} for every import, and for ways around import statements."""
    found = {}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name.split(".")[0] for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [(node.module or "").split(".")[0] if node.level == 0 else "a relative module"]
        elif isinstance(node, ast.Call) and _calls_importer(node.func):
            names = ["a module by name (__import__/importlib)"]
        elif isinstance(node, ast.Name) and node.id in ("exec", "eval"):
            names = [f"code through {node.id}()"]
        else:
            continue
        for name in names:
            found[name] = min(found.get(name, node.lineno), node.lineno)
    return found


def _calls_importer(func):
    name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
    return name in ("__import__", "import_module")


def syntax_problem(source, filename):
    """None, or one line saying where the source fails to parse."""
    try:
        compile(source, filename, "exec", dont_inherit=True)
    except SyntaxError as exc:
        return f"{filename} line {exc.lineno}: {exc.msg}"
    except ValueError as exc:
        return f"{filename}: {exc}"
    return None
