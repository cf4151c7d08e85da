"""dist/ID-handout.zip: what a student gets, and all they need besides Python and pip.

The zip holds the handout (assignments/ID/) and the checker as a wheel; the README's first
section installs the wheel with the extras the assignment's checks need; a numpy assignment
needs none of torch, torchvision, matplotlib and scikit-learn; and neither the zip nor the
wheel holds reference code or a hidden check.
"""
import email.parser
import importlib.metadata
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from grader import assignments, paths
from grader.autograder import package_name, requirements
from grader.distribution import build_handout_zip, build_wheel, extras_for, install_command, wheel_name
from grader.handout import render_files

IDS = assignments.all_ids()
OPTIONAL = {"torch", "torchvision", "matplotlib", "scikit-learn"}
HEAVY_MODULES = ("torch", "torchvision", "matplotlib", "sklearn")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    return build_wheel(tmp_path_factory.mktemp("wheel"))


@pytest.fixture(scope="module")
def handout_zip(tmp_path_factory, wheel):
    return build_handout_zip(assignments.load("mlp_numpy"), dist=tmp_path_factory.mktemp("dist"), wheel=wheel)


def pyproject():
    return tomllib.loads((paths.PACKAGE_CHECKOUT / "pyproject.toml").read_text())["project"]


def wheel_metadata(wheel):
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        return email.parser.Parser().parsestr(archive.read(name).decode())


# -- what gets installed -------------------------------------------------------------------------


def test_torch_matplotlib_and_scikit_learn_are_extras_and_all_has_them():
    project = pyproject()
    assert not OPTIONAL & {package_name(d) for d in project["dependencies"]}
    extras = project["optional-dependencies"]
    assert extras["all"] == [f"course-grader[{','.join(sorted(set(extras) - {'all'}))}]"], \
        "`all` names every other extra (pip resolves the project's own extras)"
    everything = {package_name(d) for name, specs in extras.items() if name != "all" for d in specs}
    assert everything == OPTIONAL
    assert {package_name(d) for d in extras["torch"]} == {"torch", "torchvision"}


@pytest.mark.parametrize("assignment_id", IDS)
def test_the_extras_cover_what_grading_imports_as_the_gradescope_setup_reads_it(assignment_id):
    assignment = assignments.load(assignment_id)
    project = pyproject()
    have = {package_name(d) for d in project["dependencies"]}
    for extra in extras_for(assignment):
        have |= {package_name(d) for d in project["optional-dependencies"][extra]}
    assert {package_name(spec) for spec in requirements(assignment)} <= have
    assert "all" not in extras_for(assignment)


def test_a_numpy_assignment_needs_no_extra_and_a_torch_one_the_torch_extra():
    assert extras_for(assignments.load("mlp_numpy")) == []
    assert install_command(assignments.load("mlp_numpy")) == f"pip install ./{wheel_name()}"
    assert "torch" in extras_for(assignments.load("relu_nets"))
    assert install_command(assignments.load("relu_nets")).startswith(f'pip install "./{wheel_name()}[')


@pytest.mark.parametrize("assignment_id", IDS)
def test_the_readmes_first_section_installs_the_wheel(assignment_id):
    readme = (paths.PACKAGE_CHECKOUT / "assignments" / assignment_id / "README.md").read_text()
    first = readme.split("\n## ")[1]
    assert first.startswith("Installing the checker\n")
    assert f"```\n{install_command(assignments.load(assignment_id))}\n```" in first
    assert f"Python {pyproject()['requires-python'].lstrip('>=')} or later" in first
    assert "numpy, pytest, nbformat, jinja2, click and tqdm" in first
    assert "course-grader" not in readme  # no package of that name to download


def test_the_wheel_holds_the_package_and_its_metadata_only(wheel):
    assert wheel.name == wheel_name()
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        for name in names:
            if name.startswith("grader/"):  # byte for byte this checkout's package
                assert archive.read(name) == (paths.PACKAGE_CHECKOUT / name).read_bytes(), name
    assert all(n.startswith("grader/") or n.startswith("course_grader-") and ".dist-info/" in n for n in names)
    assert "grader/checks/pytest.ini" in names  # the checks' empty configuration (MANIFEST.in)
    assert not [n for n in names if "solutions" in n or "tests_hidden" in n or n.endswith(".pyc")]
    metadata = wheel_metadata(wheel)
    unconditional = {package_name(r) for r in metadata.get_all("Requires-Dist") if ";" not in r}
    assert unconditional == {package_name(d) for d in pyproject()["dependencies"]}
    assert set(metadata.get_all("Provides-Extra")) >= {"torch", "all"}


def test_the_handout_zip_is_the_committed_handout_and_the_wheel(handout_zip, wheel):
    handout = paths.PACKAGE_CHECKOUT / "assignments" / "mlp_numpy"
    with zipfile.ZipFile(handout_zip) as archive:
        files = {n.removeprefix("mlp_numpy/"): archive.read(n) for n in archive.namelist()}
        assert all(n.startswith("mlp_numpy/") for n in archive.namelist())
    assert files.pop(wheel.name) == wheel.read_bytes()
    assert files == {p.relative_to(handout).as_posix(): p.read_bytes()
                     for p in sorted(handout.rglob("*")) if p.is_file()}


def test_a_numpy_assignment_is_checked_without_importing_torch_matplotlib_or_sklearn(tmp_path):
    """In the grader's process; the slow test below covers its workers, in a venv without them."""
    for name in ("mlp.py", "answers.py"):
        shutil.copy(paths.SOLUTIONS / "mlp_numpy" / name, tmp_path / name)
    script = f"""
import sys
class Refuse:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {HEAVY_MODULES!r}:
            raise ImportError("refused: " + name)
sys.meta_path.insert(0, Refuse())
from grader.cli import main
try:
    main(["check", "mlp_numpy", sys.argv[1]])
except SystemExit as stop:
    assert not stop.code, stop.code
"""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "GRADER_"))}
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    public = sum(c.points for c in assignments.load("mlp_numpy").checks(include_hidden=False))
    assert f"Score: {public:g} / {public:g}" in done.stdout


# -- nothing secret in the zip or the wheel ------------------------------------------------------

SHORTEST = 20  # shorter lines (`else:`, `return x`) are in any Python program
GRAMMAR = re.compile(r"#\s*(BEGIN|END) SOLUTION|(import|from)\s\S")  # solution markers, imports
# Lines of reference code or hidden checks that grader/ holds for reasons of its own, each checked by hand.
GENERIC = {
    "return x @ self.weight.T + self.bias":  # grader/stubs.py's example of the solution markers; the stub's
                                             # own hint says "x W^T + b"
        "grader/stubs.py",
    "for index in indices:": "grader/datasets/cifar10.py",
    "started = time.perf_counter()": "grader/measure.py",
    "seconds = time.perf_counter() - started": "grader/measure.py",
}


def stripped_lines(text):
    return {line.strip() for line in text.splitlines()}


def member_texts(name, data):
    """(name, text) of a zip member, of each file of a wheel inside it, of a notebook's cells."""
    if name.endswith(".whl"):
        with zipfile.ZipFile(io.BytesIO(data)) as inner:
            for member in inner.namelist():
                yield from member_texts(f"{name}!{member}", inner.read(member))
        return
    text = data.decode("utf-8", errors="replace")
    if name.endswith(".ipynb"):
        text += "\n" + "\n".join("".join(cell["source"]) for cell in json.loads(text)["cells"])
    yield name, text


def secrets(assignment):
    """{line: file} of the reference and the hidden checks that the handout does not hold by design.

    The reference's lines that the stub keeps, the public checks and the worker code are handed
    out; experiments.py (the instructor's sweeps, no answers) is left to the file-name check."""
    rendered = render_files(assignment)
    handed_out = set()
    for name in assignment.files:
        handed_out |= stripped_lines(rendered[name])
    shared = [assignment.public_checks, *sorted(assignment.worker_code.glob("*.py"))]
    for path in shared:
        handed_out |= stripped_lines(path.read_text())
    found = {}
    for path in sorted(assignment.directory.rglob("*.py")):
        if "__pycache__" in path.parts or path in shared or path.name == "experiments.py":
            continue
        for line in stripped_lines(path.read_text()):
            if line not in handed_out and len(line) >= SHORTEST and not GRAMMAR.match(line):
                found.setdefault(line, path.relative_to(assignment.directory).as_posix())
    return found


@pytest.mark.slow
@pytest.mark.parametrize("assignment_id", IDS)
def test_no_reference_line_and_no_hidden_check_is_in_the_zip_or_the_wheel(assignment_id, wheel, tmp_path):
    assignment = assignments.load(assignment_id)
    archive = build_handout_zip(assignment, dist=tmp_path, wheel=wheel)
    secret = secrets(assignment)
    public_names = {c.id.split("::", 1)[1] for c in assignment.checks(include_hidden=False)}
    hidden_names = {c.id.split("::", 1)[1] for c in assignment.checks()} - public_names
    assert secret and (hidden_names or not assignment.hidden_checks.exists())
    leaks, named = [], []
    with zipfile.ZipFile(archive) as zipped:
        for member in zipped.namelist():
            assert not re.search(r"solutions/|tests_hidden|experiments\.py", member), member
            for name, text in member_texts(member, zipped.read(member)):
                for line in stripped_lines(text) & set(secret):
                    if not (line in GENERIC and name.endswith("!" + GENERIC[line])):
                        leaks.append(f"{name}: {line!r} (from solutions/{assignment_id}/{secret[line]})")
                named += [f"{name}: def {n}" for n in hidden_names if re.search(rf"\bdef {n}\(", text)]
    assert not leaks, "\n".join(leaks[:20])
    assert not named, "\n".join(named[:20])


# -- a student with the zip alone ----------------------------------------------------------------


def core_closure(wheel):
    """The distributions the wheel's core requirements (no extra) need, transitively, as this
    project's venv has them installed."""
    todo = [(Requirement(r), "") for r in wheel_metadata(wheel).get_all("Requires-Dist")]
    wanted = {}
    while todo:
        requirement, extra = todo.pop()
        if requirement.marker is not None and not requirement.marker.evaluate({"extra": extra}):
            continue
        key = canonicalize_name(requirement.name)
        if key in wanted and set(requirement.extras) <= wanted[key]:
            continue
        wanted[key] = wanted.get(key, set()) | set(requirement.extras)
        for line in importlib.metadata.distribution(key).requires or []:
            todo += [(Requirement(line), e) for e in ("", *sorted(wanted[key]))]
    return sorted(wanted)


def student_venv(root, wheel):
    """A fresh venv with the wheel installed by pip, --no-index, and without --no-deps: pip
    resolves the wheel's requirements against what the venv holds, which is the core closure
    copied file by file (RECORD) from this project's venv; nothing else, so no torch."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(root)], check=True, timeout=120)
    site = next((root / "lib").glob("python*/site-packages"))
    source = Path(importlib.metadata.distribution("numpy").locate_file("")).resolve()
    closure = core_closure(wheel)
    assert not {"torch", "torchvision", "matplotlib", "scikit-learn", "nvidia-cublas"} & set(closure)
    for key in closure:
        distribution = importlib.metadata.distribution(key)
        for file in distribution.files:
            path = Path(distribution.locate_file(file)).resolve()
            if path.is_relative_to(source) and "__pycache__" not in file.parts:
                target = site / path.relative_to(source)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, target)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "PYTEST_", "GRADER_"))}
    env["PIP_CONFIG_FILE"] = os.devnull  # no find-links, no index, no constraints from this machine
    done = subprocess.run([sys.executable, "-m", "pip", "--python", str(root / "bin" / "python"), "install",
                           "--no-index", "--no-cache-dir", "--quiet", str(wheel)],
                          env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return root


@pytest.mark.slow
def test_a_student_with_the_handout_zip_alone_checks_a_numpy_assignment(handout_zip, tmp_path):
    """Proves: the wheel in the zip installs with pip (offline) into a fresh venv holding only its
    core requirements, with no torch, torchvision, matplotlib or scikit-learn; there `grader check`
    and `pytest` in the unzipped, untouched handout score 0 and fail, and with the reference's files
    copied in score every public point and pass, the package coming from the wheel, no checkout.

    Does not prove: that pip finds those requirements on PyPI from a student's machine (the venv gets
    them copied from this project's venv, the releases installed here), other Pythons or systems, or
    a torch assignment (the torch extra would copy GBs): test_a_numpy_... covers the imports, and
    test_the_extras_cover_... that the extras name what the torch assignments' checks import."""
    with zipfile.ZipFile(handout_zip) as archive:
        archive.extractall(tmp_path / "unzipped")
    handout = tmp_path / "unzipped" / "mlp_numpy"
    venv = student_venv(tmp_path / "venv", handout / wheel_name())
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTEST_", "GRADER_", "PYTHON", "VIRTUAL_ENV"))}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env['PATH']}"

    def run(*command):
        return subprocess.run(command, cwd=handout, env=env, capture_output=True, text=True, timeout=300)

    where = run("python", "-c", "import grader, importlib.util as u; print(grader.__file__); "
                                "print([m for m in ('torch', 'torchvision', 'matplotlib', 'sklearn') if u.find_spec(m)])")
    assert where.stdout.split("\n")[:2] == [str(next(venv.glob("lib/python*/site-packages")) / "grader" / "__init__.py"),
                                            "[]"], where.stdout + where.stderr
    public = sum(c.points for c in assignments.load("mlp_numpy").checks(include_hidden=False))
    untouched = run("grader", "check", "mlp_numpy", ".")
    assert f"Score: 0 / {public:g}" in untouched.stdout, untouched.stdout[-2000:] + untouched.stderr[-2000:]
    tests = run("python", "-m", "pytest", "-q", "-p", "no:cacheprovider")
    assert tests.returncode == 1 and " failed" in tests.stdout, tests.stdout[-2000:]

    for name in ("mlp.py", "answers.py"):
        shutil.copy(paths.SOLUTIONS / "mlp_numpy" / name, handout / name)
    checked = run("grader", "check", "mlp_numpy", ".")
    assert f"Score: {public:g} / {public:g}" in checked.stdout, checked.stdout[-2000:] + checked.stderr[-2000:]
    tests = run("python", "-m", "pytest", "-q", "-p", "no:cacheprovider")
    assert tests.returncode == 0, tests.stdout[-2000:]
