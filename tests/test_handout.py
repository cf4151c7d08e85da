"""The student handout: rendered from templates/, committed under assignments/."""
import dataclasses
import importlib.util
import inspect
import itertools

import nbformat
import numpy as np
import pytest

from grader import assignments, handout, paths
from grader.checks import imported_modules

ID = "mlp_numpy"
# The contract of SPEC.md section 2: what every stub must define, with the
# reference's signature. None stands for module-level functions.
CONTRACT = {
    "mlp.py": {
        None: ["random_weight_init", "zeros_bias_init", "labels2onehot"],
        "Transform": ["forward", "backward", "step", "zerograd"],
        "ReLU": ["__init__", "forward", "backward"],
        "LinearMap": ["__init__", "forward", "backward", "step", "zerograd", "getW", "getb", "loadparams"],
        "SoftmaxCrossEntropyLoss": ["forward", "backward", "getAccu"],
        "SingleLayerMLP": ["__init__", "forward", "backward", "step", "zerograd", "loadparams", "getWs", "getbs"],
        "TwoLayerMLP": ["__init__", "forward", "backward", "step", "zerograd", "loadparams", "getWs", "getbs"],
    },
    "answers.py": {
        None: ["xor_step_network", "interpolate", "tanh_from_sigmoid", "dropout_risk"],
    },
}
# Given or defaulted in the stubs rather than left to the student.
NOT_GRADED = {("mlp.py", None, "random_weight_init"), ("mlp.py", None, "zeros_bias_init"),
              ("mlp.py", None, "labels2onehot"), ("mlp.py", "Transform", "step"),
              ("mlp.py", "Transform", "zerograd")}

rng = np.random.default_rng(0)
X, GRAD = rng.standard_normal((5, 3)), rng.standard_normal((5, 2))
INSTANCES = {  # how each class is built before its graded methods are called
    "Transform": lambda m: m.Transform(),
    "ReLU": lambda m: m.ReLU(dropout_chance=0.5),
    "LinearMap": lambda m: m.LinearMap(3, 2, alpha=0.5, lr=0.1),
    "SoftmaxCrossEntropyLoss": lambda m: m.SoftmaxCrossEntropyLoss(),
    "SingleLayerMLP": lambda m: m.SingleLayerMLP(3, 2, hiddenlayer=4),
    "TwoLayerMLP": lambda m: m.TwoLayerMLP(3, 2, hiddenlayers=[4, 4]),
}
ARGUMENTS = {  # plausible arguments of every graded function and method
    "forward": (X,), "backward": (GRAD,), "step": (), "zerograd": (), "getW": (), "getb": (),
    "getWs": (), "getbs": (), "getAccu": (),
    "loadparams": (rng.standard_normal((2, 3)), np.zeros(2)),
    "xor_step_network": (), "interpolate": (X, np.arange(5.0)),
    "tanh_from_sigmoid": (np.ones((4, 3)), np.ones(4), np.ones((2, 4)), np.ones(2)),
    "dropout_risk": (X, np.ones(5), np.ones(3), 0.8),
}
SPECIAL_ARGUMENTS = {
    ("ReLU", "backward"): (X,),
    ("SoftmaxCrossEntropyLoss", "forward"): (GRAD, np.eye(2)[[0, 1, 1, 0, 1]]),
    ("SoftmaxCrossEntropyLoss", "backward"): (),
    ("SingleLayerMLP", "loadparams"): ([np.ones((4, 3)), np.ones((2, 4))], [np.ones(4), np.ones(2)]),
    ("TwoLayerMLP", "loadparams"): ([np.ones((4, 3)), np.ones((4, 4)), np.ones((2, 4))],
                                    [np.ones(4), np.ones(4), np.ones(2)]),
}


def contract_items(graded_only=False):
    items = []
    for filename, classes in CONTRACT.items():
        for class_name, names in classes.items():
            for name in names:
                if graded_only and (name == "__init__" or (filename, class_name, name) in NOT_GRADED):
                    continue
                items.append(pytest.param(filename, class_name, name,
                                   id=f"{filename}:{class_name + '.' if class_name else ''}{name}"))
    return items


def load_module(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_names = itertools.count()


@pytest.fixture(scope="module")
def assignment():
    return assignments.load(ID)


@pytest.fixture(scope="module")
def rendered(assignment, tmp_path_factory):
    out = tmp_path_factory.mktemp("handout")
    handout.render_handout(assignment, out)
    return out


@pytest.fixture(scope="module")
def stubs(rendered):
    return {filename: load_module(rendered / filename, f"_stub_{next(_names)}") for filename in CONTRACT}


@pytest.fixture(scope="module")
def references(assignment):
    return {filename: load_module(assignment.directory / filename, f"_reference_{next(_names)}")
            for filename in CONTRACT}


def handout_files(folder):
    """{relative path: bytes}, leaving out what Python and editors leave behind."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"}


def lookup(module, class_name, name):
    return getattr(getattr(module, class_name), name) if class_name else getattr(module, name)


@pytest.mark.parametrize("assignment_id", assignments.all_ids())
def test_rendering_again_changes_nothing(assignment_id, tmp_path):
    handout.render_handout(assignments.load(assignment_id), tmp_path)
    fresh, committed = handout_files(tmp_path), handout_files(paths.ASSIGNMENTS / assignment_id)
    rebuild = f"run `grader build {assignment_id}` and commit assignments/{assignment_id}/"
    assert sorted(committed) == sorted(fresh), (
        f"assignments/{assignment_id}/ holds {sorted(committed)}, the templates render {sorted(fresh)}: {rebuild}")
    stale = [name for name in fresh if fresh[name] != committed[name]]
    assert not stale, (f"these files in assignments/{assignment_id}/ differ from what the templates render: "
                       f"{', '.join(stale)}; {rebuild}")


@pytest.mark.parametrize("filename, class_name, name", contract_items())
def test_stub_has_the_reference_signature(stubs, references, filename, class_name, name):
    where = f"{filename} {class_name + '.' if class_name else ''}{name}"
    stub_object = lookup(stubs[filename], class_name, name)
    reference_object = lookup(references[filename], class_name, name)
    assert inspect.signature(stub_object) == inspect.signature(reference_object), (
        f"{where}: the stub has {inspect.signature(stub_object)}, the reference {inspect.signature(reference_object)}")


@pytest.mark.parametrize("filename, class_name, name", contract_items(graded_only=True))
def test_stub_raises_not_implemented_with_a_hint(stubs, filename, class_name, name):
    module = stubs[filename]
    target = getattr(INSTANCES[class_name](module), name) if class_name else getattr(module, name)
    arguments = SPECIAL_ARGUMENTS.get((class_name, name), ARGUMENTS[name])
    with pytest.raises(NotImplementedError) as raised:
        target(*arguments)
    where = f"{filename} {class_name + '.' if class_name else ''}{name}"
    assert str(raised.value).strip(), f"{where} raises NotImplementedError without a hint"


@pytest.mark.parametrize("filename", sorted(CONTRACT))
def test_stub_imports_only_numpy(rendered, filename):
    found = imported_modules((rendered / filename).read_text())
    assert set(found) == {"numpy"}, f"{filename} imports {sorted(found)}; the stubs may import numpy only"


def test_readme_lists_every_part_and_the_total(assignment, rendered):
    readme = (rendered / "README.md").read_text()
    table = {}  # part -> its row's points cell
    for line in readme.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) == 5:
            table.setdefault(cells[0], []).append(cells[2])
    checks = assignment.checks(include_hidden=True)
    for part in sorted({c.part for c in checks}):
        part_points = sum(c.points for c in checks if c.part == part)
        kind = assignment.parts[part].kind
        cell = f"{part_points:g}" + (f" ({kind})" if kind != "scored" else "")
        assert table.get(part) == [cell], (
            f"README.md: expected one row for part {part!r} with {part_points:g} points, found {table.get(part)}")
    total = sum(c.points for c in checks)
    assert table.get("**Total**") == [f"**{total:g}**"], (
        f"README.md: expected a total of {total:g} points, found {table.get('**Total**')}")


def test_a_notebook_is_rendered_only_where_the_manifest_asks_for_one():
    relu_nets = handout.render_files(assignments.load("relu_nets"))
    assert "modules.ipynb" in relu_nets and "modules.py" in relu_nets
    assert relu_nets["modules.ipynb"] == handout.render_files(assignments.load("relu_nets"))["modules.ipynb"]
    assert "raise NotImplementedError" in relu_nets["modules.ipynb"]
    assert "`modules.ipynb`: the same stub of `modules.py` as a notebook" in relu_nets["README.md"]
    assert "where both are present, `modules.py` is graded" in relu_nets["README.md"]
    mlp = handout.render_files(assignments.load(ID))
    assert not [name for name in mlp if name.endswith(".ipynb")]


def test_a_notebook_for_a_file_students_do_not_submit_is_refused():
    odd = dataclasses.replace(assignments.load("relu_nets"), notebooks=["helpers.py"])
    with pytest.raises(handout.HandoutError, match=r"notebooks = \['helpers.py'\] must name .py files students submit"):
        handout.render_files(odd)


@pytest.mark.parametrize("assignment_id", [a for a in assignments.all_ids() if assignments.load(a).notebooks])
def test_a_notebook_holds_the_manifests_questions_and_the_stub(assignment_id):
    assignment = assignments.load(assignment_id)
    files = handout.render_files(assignment)
    for name in assignment.notebooks:
        notebook = nbformat.reads(files[handout.notebook_name(name)], as_version=4)
        nbformat.validate(notebook)
        markdown = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
        code = "\n".join(c.source for c in notebook.cells if c.cell_type == "code")
        text = assignment.notebook_text.get(name, {})
        for cell in [text.get("title", ""), *text.get("before", {}).values()]:
            assert cell.strip() in markdown
        assert code.count("raise NotImplementedError") == files[name].count("raise NotImplementedError") > 0
        assert "".join(code.split()) == "".join(files[name].split()), "the code cells are the stub, in order"
