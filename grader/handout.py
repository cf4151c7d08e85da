"""The student handout of an assignment, rendered from its reference and manifest.

    templates/
        _macros.j2        shared pieces: the stub header, the header of copied files
        stub.py.j2        a stub: the header, then the reference with its solutions cut out
        README.md.j2      the instructions, from the manifest's [handout] and [parts]
        test_public.py.j2 the public checks, copied verbatim under a header
        pytest.ini.j2     lets `pytest` run the public checks in the handout

`render_handout(assignment)` writes assignments/ID/ (grader/distribution.py zips it with
the checker's wheel into dist/ID-handout.zip, the file students get):

    README.md  pytest.ini  mlp.py  answers.py  [modules.ipynb]
    tests/test_public.py  tests/assignment.toml  [tests/worker/*.py]

Rendering is deterministic (no dates, no absolute paths, parts in the manifest's
order), so rendering again changes nothing; tests/test_handout.py holds the
committed handout to that.
"""
from pathlib import Path

import jinja2

from grader import paths
from grader.assignments import MANIFEST, part_points
from grader.distribution import install_command, install_facts
from grader.notebook import notebook_text, stub_notebook
from grader.stubs import split_docstring, stub_source

PUBLIC_TESTS = "tests/test_public.py"


class HandoutError(ValueError):
    """The manifest and the reference disagree; one line says where."""


def environment(templates=None):
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(templates or paths.TEMPLATES)),
                             keep_trailing_newline=True, undefined=jinja2.StrictUndefined,
                             autoescape=False)
    env.filters["points"] = points
    return env


def points(value):
    """3.0 -> '3', 0.5 -> '0.5'."""
    return format(value, "g")


def check_manifest(assignment):
    """The [handout] text says something of every submitted file; notebooks name .py files."""
    where = f"solutions/{assignment.id}/{MANIFEST}"
    data = {"rules": [], "written": [], **assignment.handout}
    for key in ("summary", "files"):
        if key not in data:
            raise HandoutError(f"{where}: add `{key}` under [handout]")
    for name in assignment.files:
        if name not in data["files"]:
            raise HandoutError(f"{where}: say what to fill in in {name} under [handout.files]")
    for name in assignment.notebooks:
        if name not in assignment.files or not notebook_name(name):
            raise HandoutError(f"{where}: notebooks = [{name!r}] must name .py files students submit "
                               f"({', '.join(assignment.files)})")
    return data


def notebook_name(filename):
    """mlp.py -> mlp.ipynb: what a student may hand in instead."""
    path = Path(filename)
    return path.with_suffix(".ipynb").name if path.suffix == ".py" else None


def stub_file(env, assignment, filename):
    """The handout's FILENAME: the reference's, its solution regions cut out, under the stub header."""
    reference = assignment.directory / filename
    where = f"solutions/{assignment.id}/{filename}"
    stub = stub_source(reference.read_text(encoding="utf-8"), where)
    docstring, body = split_docstring(stub)
    if not docstring:
        raise HandoutError(f"{where}: start with a module docstring; it becomes the stub's header")
    return env.get_template("stub.py.j2").render(assignment=assignment, filename=filename,
                                                 docstring=docstring.strip(), body=body)


def worker_files(assignment):
    """{handout path: text} of the worker code the public checks run beside the student's."""
    folder = assignment.worker_code
    if not folder.is_dir():
        return {}
    return {f"tests/worker/{p.name}": p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.py"))}


def render_files(assignment, templates=None):
    """{path relative to the handout folder: text} for the whole handout."""
    env = environment(templates)
    data = check_manifest(assignment)
    rows = list(part_points(assignment, assignment.checks(include_hidden=True)).values())
    files = {name: stub_file(env, assignment, name) for name in assignment.files}
    notebooks = {name: notebook_name(name) for name in assignment.notebooks}
    for name, notebook in notebooks.items():
        files[notebook] = notebook_text(stub_notebook(files[name], assignment.notebook_text.get(name, {})))
    workers = worker_files(assignment)
    context = {
        "assignment": assignment,
        "handout": data,
        "parts": rows,
        "total": {key: sum(row[key] for row in rows)
                  for key in ("points", "public_checks", "hidden_checks", "public_points", "hidden_points")},
        "stubs": list(assignment.files),
        "notebooks": {name: notebook_name(name) for name in assignment.files},
        "handout_notebooks": notebooks,
        "worker_files": list(workers),
        "public_tests": PUBLIC_TESTS,
        # How a student installs the `grader` command: the wheel dist/ID-handout.zip holds beside
        # these files (grader/distribution.py), with the extras this assignment's checks need.
        "install_command": install_command(assignment),
        "install": install_facts(assignment),
    }
    public_source = assignment.public_checks.read_text(encoding="utf-8")
    files[PUBLIC_TESTS] = env.get_template("test_public.py.j2").render(context, source=public_source)
    files["README.md"] = env.get_template("README.md.j2").render(context)
    files["pytest.ini"] = env.get_template("pytest.ini.j2").render(context)
    # `grader check` and `pytest` find the files, parts and limits here.
    manifest = (assignment.directory / MANIFEST).read_text(encoding="utf-8")
    files[f"tests/{MANIFEST}"] = f"# The course's manifest of {assignment.id}, for `grader check` and `pytest` here.\n" \
                                 f"id = {assignment.id!r}\n{manifest}"
    files.update(workers)
    return dict(sorted(files.items()))


def render_handout(assignment, out_dir=None, *, templates=None, prune=None):
    """Write the handout of `assignment` to out_dir (default assignments/ID); the files written.

    Files whose bytes are unchanged are not rewritten. `prune` removes the
    files in out_dir that are not part of the handout; it defaults to True for
    the default out_dir, which only this function writes, and False elsewhere.
    """
    default = out_dir is None
    out_dir = Path(paths.ASSIGNMENTS / assignment.id if default else out_dir)
    files = render_files(assignment, templates)
    written = []
    for relative, text in files.items():
        target = out_dir / relative
        data = text.encode("utf-8")
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.is_file() or target.read_bytes() != data:
            target.write_bytes(data)
        written.append(target)
    if default if prune is None else prune:
        _prune(out_dir, {out_dir / relative for relative in files})
    return written


def _prune(out_dir, keep):
    """Remove the files under out_dir not in `keep`, then folders left empty."""
    for path in sorted(out_dir.rglob("*"), reverse=True):
        if path.is_symlink() or path.is_file():
            if path not in keep:
                path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
