"""The rules worth points (numpy only, no autograd) are judged on what Python runs.

Each attack under tests/submissions/ID/hostile/ hides a banned library from a reading of
the source as UTF-8 text: an encoding declaration, a second submitted module, a helper
class, a name built at run time, torch.func. Each must lose the rule's points; correct
code written in the same unusual ways must keep them.

These tests need root, as the other hostile tests: only then does the worker run as a
uid of its own.
"""
import pytest

from grader import assignments
from hostile_support import SUBMISSIONS, Job, assemble, assert_sound, grade_many, needs_root

pytestmark = needs_root

NUMPY_ONLY = {"mlp_numpy": "tests_hidden.py::numpy_only", "expressivity": "tests_public.py::numpy_only"}
BACKWARD = {"tests_public.py::linear_backward", "tests_public.py::relu_backward",
            "tests_public.py::no_autograd_anywhere"}
ATTACKS = {  # (assignment, attack): what the failure message names
    ("mlp_numpy", "coding_declaration"): "found torch",
    ("mlp_numpy", "helper_module"): "found answers",
    ("mlp_numpy", "builtins_import"): "ran code of scipy",
    ("expressivity", "coding_declaration"): "found torch",
    ("expressivity", "numpy_builtins"): "ran code of torch",
    ("relu_nets", "functional_transform"): "ran PyTorch's autograd",
    ("relu_nets", "helper_class"): "torch.func",
    ("relu_nets", "second_module"): "answers.py line",
    ("relu_nets", "coding_declaration"): "import of torch.func",
}
LATIN_1 = "# -*- coding: latin-1 -*-\n# r\xe9f\xe9rence: a comment in Latin-1, as the declaration says\n"


def checks_of(assignment_id):
    return {NUMPY_ONLY[assignment_id]} if assignment_id in NUMPY_ONLY else BACKWARD


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """{(assignment, name): Graded} of every attack, and of the fair examples, graded once."""
    root = tmp_path_factory.mktemp("rules")
    jobs = {}
    for assignment_id, name in ATTACKS:
        folder = assemble(assignments.load(assignment_id), SUBMISSIONS / assignment_id / "hostile" / name,
                          root / assignment_id / name)
        jobs[assignment_id, name] = Job(f"{assignment_id}/{name}", assignment_id, folder,
                                        root / assignment_id / f"{name}.json", include_hidden=True,
                                        keep=frozenset(checks_of(assignment_id)))
    for assignment_id, filename in [("mlp_numpy", "mlp.py"), ("relu_nets", "modules.py")]:
        assignment = assignments.load(assignment_id)
        folder = root / assignment_id / "latin_1"
        folder.mkdir(parents=True)
        for name in assignment.files:
            text = (assignment.directory / name).read_text()
            (folder / name).write_bytes((LATIN_1 + text).encode("latin-1") if name == filename else text.encode())
        jobs[assignment_id, "latin_1"] = Job(f"{assignment_id}/latin_1", assignment_id, folder,
                                             root / assignment_id / "latin_1.json", include_hidden=True,
                                             keep=frozenset(checks_of(assignment_id)))
    # answers.py may use any library: its scipy, loaded before mlp.py's rule runs, is not mlp.py's
    assignment = assignments.load("mlp_numpy")
    folder = root / "mlp_numpy" / "library_in_answers"
    folder.mkdir(parents=True)
    for name in assignment.files:
        text = (assignment.directory / name).read_text()
        (folder / name).write_text(text + ("\nimport scipy.special as _special\n" if name == "answers.py" else ""))
    jobs["mlp_numpy", "library_in_answers"] = Job("mlp_numpy/library_in_answers", "mlp_numpy", folder,
                                                  root / "mlp_numpy" / "library_in_answers.json", include_hidden=True,
                                                  keep=frozenset({NUMPY_ONLY["mlp_numpy"], "tests_public.py::xor_network"}))
    results = grade_many(list(jobs.values()))
    return {key: results[job.label] for key, job in jobs.items()}


@pytest.mark.parametrize("assignment_id, name", sorted(ATTACKS))
def test_a_banned_library_hidden_from_the_reading_loses_the_rule(graded, assignment_id, name):
    result = graded[assignment_id, name]
    assert_sound(result)
    rule = NUMPY_ONLY.get(assignment_id, "tests_public.py::linear_backward").split("::")[1]
    assert rule in result.failed, f"{name} kept the rule's points: {result.passed}"
    assert ATTACKS[assignment_id, name] in result.output(rule), result.output(rule)


@pytest.mark.parametrize("assignment_id", ["mlp_numpy", "relu_nets"])
def test_a_correct_file_in_another_declared_encoding_keeps_the_rule(graded, assignment_id):
    result = graded[assignment_id, "latin_1"]
    assert_sound(result)
    assert not result.failed, {name: result.output(name) for name in result.failed}


def test_a_library_another_file_uses_does_not_cost_the_numpy_only_file(graded):
    result = graded["mlp_numpy", "library_in_answers"]
    assert_sound(result)
    assert not result.failed, {name: result.output(name) for name in result.failed}
