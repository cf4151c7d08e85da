"""One harness over every assignment: what holds for each, whatever it grades.

- the manifest's parts and points agree with the checks, and public checks need no reference;
- the reference scores full marks, the untouched handout 0 without a crash;
- every stub raises NotImplementedError with a hint, every answer constant is None;
- each example in tests/submissions/ID/buggy/ fails exactly the checks its expected.toml
  names, each in correct/ none, with one readable line per failure;
- every check is failed by some buggy example: no check goes untested.

Examples are graded once per session by the `graded` fixture (tests/conftest.py).
"""
import ast
import importlib.util
import inspect
import os
import re
import shutil
import subprocess
import sys
import textwrap
from functools import lru_cache
from pathlib import Path

import pytest

from grader import assignments, paths
from grader.corpus import expected
from grader.stubs import STUB, regions

from conftest import SUBMISSIONS, example_folders

IDS = assignments.all_ids()
PRINTED = "\n\nYour code printed:"
SAYS_WHAT_IS_WRONG = re.compile(r"expected|\bmust\b|raised|\blimit\b|not implemented|\bno\b|\bmay\b|found|"
                                r"loops in Python|uses autograd|at (most|least)", re.I | re.S)


EXAMPLES = [(aid, label) for aid in IDS for label, _ in example_folders(aid)]


def describe(names, tests):
    return "; ".join(f"{name}: {tests[name].output or '(passed)'}" for name in sorted(names)) or "none"


# -- the manifest ----------------------------------------------------------------------------


@pytest.mark.parametrize("assignment_id", IDS)
def test_parts_declared_in_the_manifest_hold_the_checks_points(assignment_id):
    assignment = assignments.load(assignment_id)
    rows = assignments.part_points(assignment, assignment.checks())
    assert {name: row["points"] for name, row in rows.items()} == \
        {name: part.points for name, part in assignment.parts.items()}
    for name, part in assignment.parts.items():
        assert rows[name]["public_checks"] + rows[name]["hidden_checks"] > 0, f"part {name!r} has no check"
        assert part.kind == "scored" or part.points == 0, f"{name}: a {part.kind} part is worth 0 points"


@pytest.mark.parametrize("assignment_id", IDS)
def test_public_checks_need_no_reference(assignment_id):
    for one in assignments.load(assignment_id).checks(include_hidden=False):
        needs = set(inspect.signature(one.function).parameters)
        assert not needs & {"reference", "reference_process"}, f"{one.id} is handed out but needs the reference"


# -- the reference and the handout -----------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("assignment_id", IDS)
def test_reference_scores_full_marks(assignment_id, graded):
    tests = graded(assignment_id, "reference")
    failed = {name for name, test in tests.items() if not test.passed}
    assert not failed, describe(failed, tests)


@pytest.mark.slow
@pytest.mark.parametrize("assignment_id", IDS)
def test_untouched_handout_scores_zero_without_crashing(assignment_id, graded):
    tests = graded(assignment_id, "handout")
    scored = {name: test.score for name, test in tests.items() if test.score}
    assert not scored, f"the stubs earn points: {scored}"
    crashed = {name: t.output for name, t in tests.items() if t.output.startswith("could not check")}
    assert not crashed, f"checks that crash on the stubs instead of failing: {crashed}"


def load_module(path):
    spec = importlib.util.spec_from_file_location(f"_stub_{abs(hash(str(path)))}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def answer_names(path):
    """The names a reference sets inside its hint-less solution regions: the answers students give."""
    lines = path.read_text().splitlines()
    names = []
    for region in regions(lines):
        if region.hint is None and not any(STUB.match(line) for line in region.body):
            body = textwrap.dedent("\n".join(region.body))
            names += [t.id for node in ast.parse(body).body if isinstance(node, ast.Assign)
                      for t in node.targets if isinstance(t, ast.Name)]
    return names


STUB_FILES = [(aid, name) for aid in IDS for name in assignments.load(aid).files]


@pytest.mark.parametrize("assignment_id, filename", STUB_FILES)
def test_stubs_keep_the_reference_names_and_raise_with_a_hint(assignment_id, filename):
    """Every public function of the stub has the reference's signature and raises NotImplementedError
    with a hint; every answer constant is there, set to None."""
    stub = load_module(paths.ASSIGNMENTS / assignment_id / filename)
    reference = load_module(paths.SOLUTIONS / assignment_id / filename)
    for name, value in vars(reference).items():
        if inspect.isfunction(value) and value.__module__ == reference.__name__ and not name.startswith("_") \
                and hasattr(stub, name):
            signature = inspect.signature(value)
            assert inspect.signature(getattr(stub, name)) == signature, f"{filename}: {name}{signature}"
    for name in answer_names(paths.SOLUTIONS / assignment_id / filename):
        assert getattr(stub, name, "missing") is None, f"{filename}: the answer {name} should be None in the stub"
    raises = [node for node in ast.walk(ast.parse((paths.ASSIGNMENTS / assignment_id / filename).read_text()))
              if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)
              and getattr(node.exc.func, "id", "") == "NotImplementedError"]
    assert raises, f"{filename}: nothing of the stub is left to fill in"
    for node in raises:
        hint = node.exc.args[0].value if node.exc.args and isinstance(node.exc.args[0], ast.Constant) else ""
        assert str(hint).strip(), f"{filename} line {node.lineno}: NotImplementedError without a hint"


# -- examples: real mistakes and other correct answers ---------------------------------------


@pytest.mark.parametrize("assignment_id", IDS)
def test_every_example_says_why_and_every_check_is_caught_by_one(assignment_id):
    names = {c.id.split("::", 1)[1] for c in assignments.load(assignment_id).checks()}
    caught = set()
    for label, folder in example_folders(assignment_id):
        why, fails = expected(folder)
        assert why.strip() and fails <= names, f"{label}: not checks: {sorted(fails - names)}"
        assert label.startswith("buggy/") == bool(fails), f"{label}: a buggy example fails something, " \
                                                          "a correct one nothing"
        caught |= fails
    assert caught == names, f"checks no buggy example fails: {sorted(names - caught)}"


@pytest.mark.slow
@pytest.mark.parametrize("assignment_id, label", EXAMPLES)
def test_example_loses_exactly_what_it_breaks(assignment_id, label, graded):
    tests = graded(assignment_id, label)  # the checks that use the files the example changes
    failed = {name for name, test in tests.items() if not test.passed}
    _, wanted = expected(SUBMISSIONS / assignment_id / label)
    assert wanted <= set(tests), f"expected to fail checks that do not use its files: {sorted(wanted - set(tests))}"
    assert failed == wanted, (f"failed but should pass: {describe(failed - wanted, tests)} || "
                              f"passed but should fail: {describe(wanted - failed, tests)}")


@pytest.mark.slow
@pytest.mark.parametrize("assignment_id, label", [e for e in EXAMPLES if e[1].startswith("buggy/")])
def test_failure_messages_are_one_readable_line(assignment_id, label, graded):
    for name, test in graded(assignment_id, label).items():
        verdict = test.output.split(PRINTED)[0]
        if test.passed:
            continue
        assert "Traceback" not in test.output and "\n" not in verdict and 0 < len(verdict) <= 500, (name, verdict)
        assert SAYS_WHAT_IS_WRONG.search(verdict) and not verdict.startswith("could not check"), (name, verdict)


# -- the layout -----------------------------------------------------------------------------


@lru_cache
def grader_sources():
    return {p: p.read_text(encoding="utf-8") for p in (paths.REPO_ROOT / "grader").rglob("*.py")}


@pytest.mark.parametrize("assignment_id", IDS)
def test_the_grader_package_names_no_assignment(assignment_id):
    found = [str(p.relative_to(paths.REPO_ROOT)) for p, text in grader_sources().items()
             if re.search(rf"\b{re.escape(assignment_id)}\b", text) or p.stem == assignment_id]
    assert not found, f"{assignment_id} is named in {found}: grader/ finds assignments by convention"


@pytest.mark.parametrize("assignment_id", IDS)
def test_no_reference_definition_is_written_in_the_templates(assignment_id):
    templates = "".join(p.read_text(encoding="utf-8") for p in paths.TEMPLATES.rglob("*") if p.is_file())
    for name in assignments.load(assignment_id).files:
        source = (paths.SOLUTIONS / assignment_id / name).read_text(encoding="utf-8")
        for line in source.splitlines():
            if re.match(r"\s*(def|class) \w", line):
                assert line.strip() not in templates, f"{name}: {line.strip()!r} stands in templates/"


NOTEBOOK_IDS = [aid for aid in IDS if assignments.load(aid).notebooks]


@pytest.mark.slow
@pytest.mark.parametrize("assignment_id", NOTEBOOK_IDS)
def test_the_reference_handed_in_as_notebooks_scores_as_its_files(assignment_id, graded):
    as_files, as_notebooks = graded(assignment_id, "reference"), graded(assignment_id, "reference as notebooks")
    assert as_notebooks and {n: t.score for n, t in as_notebooks.items()} == {n: as_files[n].score for n in as_notebooks}


def run_in(folder, *command):
    """A command as a student runs it in their handout folder: the grader installed, nothing else."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "GRADER_"))}
    return subprocess.run(command, cwd=folder, capture_output=True, text=True, env=environment, timeout=300)


@pytest.mark.slow
@pytest.mark.parametrize("assignment_id", IDS)
def test_pytest_in_a_handout_fails_on_the_stubs_and_passes_on_the_reference(assignment_id, tmp_path):
    assignment = assignments.load(assignment_id)
    handout = tmp_path / "handout"
    shutil.copytree(paths.ASSIGNMENTS / assignment_id, handout)
    untouched = run_in(handout, sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider")
    assert untouched.returncode == 1 and " failed" in untouched.stdout, untouched.stdout[-2000:]
    for name in assignment.files:
        shutil.copy(assignment.directory / name, handout / name)
    done = run_in(handout, sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider")
    assert done.returncode == 0, done.stdout[-3000:]
    public = sum(c.points for c in assignment.checks(include_hidden=False))
    checked = run_in(handout, str(Path(sys.executable).with_name("grader")), "check", assignment_id, ".")
    assert f"Score: {public:g} / {public:g}" in checked.stdout, checked.stdout[-3000:]
