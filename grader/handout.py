"""The student handout of an assignment, rendered from Jinja templates.

    templates/
        _macros.j2            shared pieces: the stub header, the header of copied files
        README.md.j2          the instructions, one template for every assignment
        test_public.py.j2     the public checks, copied verbatim under a header
        ID/
            *.j2              the stubs: ID/mlp.py.j2 becomes mlp.py in the handout
            handout.toml      what the README says about ID beyond assignment.toml
                              and the checks: summary, files, rules, parts, written work,
                              and optionally `notebook = "modules.py"`: that file's stub
                              is also handed out as a notebook (grader/notebook.py)

`render_handout(assignment)` writes assignments/ID/:

    README.md  mlp.py  answers.py  ...  [modules.ipynb]  tests/test_public.py

Rendering is deterministic (no dates, no absolute paths, parts in the order
handout.toml lists them), so rendering again changes nothing; tests/test_handout.py holds the
committed handout to that.
"""
import tomllib
from pathlib import Path

import jinja2

from grader import paths

# How a student installs the `grader` command (the distribution in pyproject.toml).
INSTALL_COMMAND = "pip install course-grader"
STUB_SUFFIX = ".j2"
HANDOUT_DATA = "handout.toml"
PUBLIC_TESTS = "tests/test_public.py"


class HandoutError(ValueError):
    """The templates and the assignment disagree; one line says where."""


def environment(templates=None):
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(templates or paths.TEMPLATES)),
                              keep_trailing_newline=True, undefined=jinja2.StrictUndefined,
                              autoescape=False)


def points(value):
    """3.0 -> '3', 0.5 -> '0.5'."""
    return format(value, "g")


def parts_table(assignment, order=()):
    """One row per part: the parts in `order` first, in that order, then the others as the checks name them."""
    rows = {}
    for one in assignment.checks(include_hidden=True):
        row = rows.setdefault(one.part, {"name": one.part, "points": 0, "public_checks": 0,
                                         "hidden_checks": 0, "public_points": 0, "hidden_points": 0})
        kind = "hidden" if one.hidden else "public"
        row["points"] += one.points
        row[f"{kind}_checks"] += 1
        row[f"{kind}_points"] += one.points
    rank = {name: i for i, name in enumerate(order)}
    return sorted(rows.values(), key=lambda row: rank.get(row["name"], len(rank)))


def handout_data(assignment, templates):
    """templates/ID/handout.toml, checked against the assignment's files and parts."""
    where = f"templates/{assignment.id}/{HANDOUT_DATA}"
    path = templates / assignment.id / HANDOUT_DATA
    if not path.is_file():
        raise HandoutError(f"{where} is missing: it says what the README tells students about {assignment.id}")
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    data.setdefault("rules", [])
    data.setdefault("written", [])
    for key in ("summary", "files", "parts"):
        if key not in data:
            raise HandoutError(f"{where}: add `{key}`")
    for name in assignment.files:
        if name not in data["files"]:
            raise HandoutError(f"{where}: say what to fill in in {name} under [files]")
    for row in parts_table(assignment):
        if row["name"] not in data["parts"]:
            raise HandoutError(f"{where}: describe part {row['name']!r} under [parts] "
                               "(a check names it)")
    notebook = data.get("notebook")
    if notebook is not None and (notebook not in assignment.files or not notebook_name(notebook)):
        raise HandoutError(f"{where}: notebook = {notebook!r} must name a .py file students submit "
                           f"({', '.join(assignment.files)})")
    return data


def stub_templates(assignment, templates):
    """{handout file name: template name} for templates/ID/*.j2; every submitted file needs one."""
    folder = templates / assignment.id
    found = {p.name[:-len(STUB_SUFFIX)]: f"{assignment.id}/{p.name}"
             for p in sorted(folder.glob(f"*{STUB_SUFFIX}")) if p.is_file()}
    for name in assignment.files:
        if name not in found:
            raise HandoutError(f"templates/{assignment.id}/{name}{STUB_SUFFIX} is missing: "
                               f"{name} is a file students submit")
    return found


def notebook_name(filename):
    """mlp.py -> mlp.ipynb: what a student may hand in instead."""
    path = Path(filename)
    return path.with_suffix(".ipynb").name if path.suffix == ".py" else None


def render_files(assignment, templates=None):
    """{path relative to the handout folder: text} for the whole handout."""
    templates = Path(templates or paths.TEMPLATES)
    env = environment(templates)
    env.filters["points"] = points
    stubs = stub_templates(assignment, templates)
    public_source = assignment.public_tests.read_text(encoding="utf-8")
    data = handout_data(assignment, templates)
    rows = parts_table(assignment, order=list(data["parts"]))
    context = {
        "assignment": assignment,
        "handout": data,
        "parts": rows,
        "total": {key: sum(row[key] for row in rows)
                  for key in ("points", "public_checks", "hidden_checks", "public_points", "hidden_points")},
        "stubs": [name for name in assignment.files if name in stubs]
                 + sorted(name for name in stubs if name not in assignment.files),
        "notebooks": {name: notebook_name(name) for name in assignment.files if notebook_name(name)},
        "handout_notebook": notebook_name(data["notebook"]) if data.get("notebook") else None,
        "public_tests": PUBLIC_TESTS,
        "install_command": INSTALL_COMMAND,
    }
    files = {name: env.get_template(template).render(context) for name, template in stubs.items()}
    if data.get("notebook"):
        files[notebook_name(data["notebook"])] = notebook_file(assignment, data["notebook"], files)
    files[PUBLIC_TESTS] = env.get_template("test_public.py.j2").render(context, source=public_source)
    files["README.md"] = env.get_template("README.md.j2").render(context)
    # `grader check` finds the files and limits here when the course's copy is not installed.
    files["tests/assignment.toml"] = (assignment.directory / "assignment.toml").read_text(encoding="utf-8")
    return dict(sorted(files.items()))


def notebook_file(assignment, filename, files):
    """The notebook of `filename`, made from its rendered stub: the same stub, the same bytes."""
    from grader.notebook import handout_notebook

    text = handout_notebook(assignment.id, filename, files[filename])
    if text is None:
        raise HandoutError(f"templates/{assignment.id}/{HANDOUT_DATA}: no notebook is known for "
                           f"{filename} (grader/notebook.py NOTEBOOKS)")
    return text


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
