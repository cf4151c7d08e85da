"""relu_nets modules.py (questions 10, 11, 14): the reference passes, each bug loses what it breaks.

The checks of modules.py are in solutions/relu_nets/tests_public.py and
tests_hidden.py with those of Questions 1 to 8; here submissions are graded
on the modules.py checks alone (ModuleChecks), with the reference's other
files beside modules.py. Each buggy submission is the reference's modules.py
with one mistake students make, made here by a text replacement; its set of
failing checks must be exactly the expected one: a check that fails too
blames the wrong thing, a check that passes lets a mistake through.
"""
import dataclasses
import re
import shutil
from concurrent.futures import ThreadPoolExecutor

import nbformat
import pytest

from grader import assignments, paths
from grader.checks.static import autograd_uses
from grader.grading import grade

SOLUTION = paths.SOLUTIONS / "relu_nets"
REFERENCE = (SOLUTION / "modules.py").read_text()

Q10 = {"linear_forward", "linear_backward", "relu_backward", "cross_entropy_backward",
       "linear_forward_shapes", "linear_backward_shapes", "relu_backward_shapes", "cross_entropy_backward_batches"}
Q11 = {"train_epoch_sgd", "evaluate_loss_and_accuracy", "train_epoch_shuffled_epochs", "training_loop_learns_digits"}
Q14 = {"random_crop_only_in_training", "random_crop_padding_and_labels"}
OTHERS = {"no_autograd_anywhere", "train_on_digits"}
MODULE_CHECKS = Q10 | Q11 | Q14 | OTHERS
RUN = {"train_on_digits"}  # the 0-point run of the student's whole code

# name: ([(old, new), ...] replacements in the reference, the checks that must fail)
BUGS = {
    # x @ W instead of x @ W^T: a shape error wherever the student's Linear runs forward.
    "linear_forward_missing_transpose": (
        [("return x @ self.weight.T + self.bias", "return x @ self.weight + self.bias")],
        {"linear_forward", "linear_backward", "linear_forward_shapes", "linear_backward_shapes"} | RUN),
    # grad_bias averaged over the batch: right for a batch of 1 only.
    "grad_bias_mean_not_sum": (
        [("self.grad_bias = grad_out.sum(dim=0)", "self.grad_bias = grad_out.mean(dim=0)")],
        {"linear_backward", "linear_backward_shapes"}),
    # the loss summed over the batch, consistently in forward and backward.
    "loss_not_averaged": (
        [("targets].mean()", "targets].sum()"), ("return grad / len(self.targets)", "return grad")],
        {"cross_entropy_backward", "cross_entropy_backward_batches"} | RUN),
    # Linear.backward by autograd: the static reading and autograd-off both catch it.
    "linear_backward_by_autograd": (
        [("        self.x = x\n        return x @ self.weight.T + self.bias",
          "        self.x = x.detach().requires_grad_()\n"
          "        self.w, self.b = self.weight.detach().requires_grad_(), self.bias.detach().requires_grad_()\n"
          "        self.out = self.x @ self.w.T + self.b\n        return self.out.detach()"),
         ("        self.grad_weight = grad_out.T @ self.x\n        self.grad_bias = grad_out.sum(dim=0)\n"
          "        return grad_out @ self.weight",
          "        gx, self.grad_weight, self.grad_bias = torch.autograd.grad(self.out, (self.x, self.w, self.b), "
          "grad_out)\n        return gx")],
        {"linear_backward", "linear_backward_shapes", "no_autograd_anywhere"}),
    # ReLU.backward by out.backward(), its names built at run time: the reading flags the
    # computed name, and running backward with autograd off fails it too.
    "relu_backward_by_hidden_autograd": (
        [("        self.mask = x > 0\n        return x * self.mask",
          "        self.x = getattr(x.detach(), 'requires' + '_grad_')()\n        self.out = torch.relu(self.x)\n"
          "        return self.out.detach()"),
         ("        return grad_out * self.mask",
          "        self.x.grad = None\n        self.out.backward(grad_out)\n        return self.x.grad")],
        {"relu_backward", "relu_backward_shapes", "no_autograd_anywhere"}),
    # the mask taken from the incoming gradient, not from the input.
    "relu_mask_from_gradient": (
        [("return grad_out * self.mask", "return grad_out * (grad_out > 0)")],
        {"relu_backward", "relu_backward_shapes"} | RUN),
    # gradient ascent.
    "sgd_step_sign": (
        [("param -= lr * grad", "param += lr * grad")],
        {"train_epoch_sgd", "train_epoch_shuffled_epochs", "training_loop_learns_digits"} | RUN),
    # evaluate takes SGD steps too.
    "evaluate_trains": (
        [("        total_loss += float(loss_fn.forward(logits, y))\n        correct += int(",
          "        total_loss += float(loss_fn.forward(logits, y))\n        model.backward(loss_fn.backward())\n"
          "        sgd_step(model, 0.1)\n        correct += int(")],
        {"evaluate_loss_and_accuracy"}),
    # the validation set cropped too.
    "val_set_augmented": (
        [("transform=transforms.ToTensor())", "transform=train_transform)")],
        Q14),
    # a smaller padding: crops, random, but never 4 pixels off.
    "crop_padding_2": (
        [("transforms.RandomCrop(32, padding=4), transforms.ToTensor()", "transforms.RandomCrop(32, padding=2), transforms.ToTensor()")],
        {"random_crop_padding_and_labels"}),
}


@dataclasses.dataclass
class ModuleChecks(assignments.Assignment):
    """relu_nets with the checks of modules.py only (those of Questions 1 to 8 are tested elsewhere)."""

    def checks(self, include_hidden=True):
        return [one for one in super().checks(include_hidden) if one.function.__name__ in MODULE_CHECKS]


def module_assignment():
    """relu_nets graded on its modules.py checks, and the files a submission holds."""
    whole = assignments.load("relu_nets")
    return ModuleChecks(**vars(whole)), whole.files


def submission(root, name, modules_source, files, notebook=False):
    folder = root / name
    folder.mkdir()
    for other in files:
        if other != "modules.py":
            shutil.copy(SOLUTION / other, folder / other)
    if notebook:
        from grader.notebook import modules_notebook
        nbformat.write(modules_notebook(modules_source), str(folder / "modules.ipynb"))
    else:
        (folder / "modules.py").write_text(modules_source)
    return folder


def mutated(replacements):
    source = REFERENCE
    for old, new in replacements:
        assert source.count(old) == 1, f"the reference changed: {old!r} is not in it once"
        source = source.replace(old, new)
    return source


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """{submission name: {check function name: TestResult}}, all graded once, three at a time."""
    root = tmp_path_factory.mktemp("relu_nets_modules")
    assignment, files = module_assignment()
    names = {one.name: one.function.__name__ for one in assignment.checks()}
    jobs = {"reference": submission(root, "reference", REFERENCE, files),
            "reference_notebook": submission(root, "reference_notebook", REFERENCE, files, notebook=True)}
    for bug, (replacements, _) in BUGS.items():
        jobs[bug] = submission(root, bug, mutated(replacements), files)

    def run(item):
        slot, (name, folder) = item
        results = grade(assignment, folder, slot=slot)
        return name, {names[t.name]: t for t in results.tests if names[t.name] in MODULE_CHECKS}

    with ThreadPoolExecutor(max_workers=3) as pool:
        return dict(pool.map(run, enumerate(jobs.items())))


def failing(results):
    return {name for name, result in results.items() if result.status != "passed"}


def test_the_checks_carry_the_homework_points():
    assignment, files = module_assignment()
    points = {}
    for one in assignment.checks():
        points[one.part] = points.get(one.part, 0) + one.points
    assert points == {"Q10a Linear.forward": 1, "Q10b Linear.backward": 1, "Q10c ReLU.backward": 1,
                      "Q10d CrossEntropyLoss.backward": 1, "Q11 Training loop": 2, "Q14 Data augmentation": 1,
                      "No autograd": 0, "Training run": 0}
    assert {one.function.__name__ for one in assignment.checks()} == MODULE_CHECKS
    assert "modules.py" in files


def test_the_reference_passes_every_module_check(graded):
    results = graded["reference"]
    assert set(results) == MODULE_CHECKS
    assert not failing(results), {n: results[n].output for n in failing(results)}
    assert sum(r.score for r in results.values()) == 7


def test_the_training_runs_report_their_accuracy(graded):
    for name in ("train_on_digits", "training_loop_learns_digits"):
        output = graded["reference"][name].output
        assert "held-out accuracy" in output and re.search(r"after 10 epochs on (cpu|cuda)", output), output
        accuracy = float(output.split("held-out accuracy ")[1].split("%")[0])
        assert accuracy > 85, output


def test_a_notebook_of_the_reference_scores_as_its_py(graded):
    as_py, as_notebook = graded["reference"], graded["reference_notebook"]
    assert {n: r.score for n, r in as_notebook.items()} == {n: r.score for n, r in as_py.items()}


@pytest.mark.parametrize("bug", list(BUGS))
def test_each_bug_loses_exactly_what_it_breaks(graded, bug):
    results = graded[bug]
    expected = BUGS[bug][1]
    got = failing(results)
    assert got == expected, (f"unexpected failures: {sorted(got - expected)}, unexpected passes: "
                             f"{sorted(expected - got)}\n" + "\n".join(f"{n}: {results[n].output}" for n in sorted(got)))
    for name in got:
        assert results[name].output.strip(), f"{name} failed without saying why"


def test_autograd_is_named_with_its_line():
    source = mutated(BUGS["linear_backward_by_autograd"][0])
    found = autograd_uses(source)
    assert any(where == "Linear" and "autograd" in what for _, what, where in found), found
    assert autograd_uses(REFERENCE) == []


def test_an_autograd_failure_tells_the_student_why(graded):
    output = graded["relu_backward_by_hidden_autograd"]["relu_backward"].output
    assert "autograd" in output and ("by hand" in output or "line" in output), output
    output = graded["linear_backward_by_autograd"]["linear_backward"].output
    assert "uses autograd" in output and "line" in output, output


def test_the_handout_holds_the_stub_and_its_notebook():
    from grader.notebook import modules_notebook, modules_stub_source, notebook_text
    handout = paths.ASSIGNMENTS / "relu_nets"
    assert (handout / "modules.py").read_text() == modules_stub_source()
    assert (handout / "modules.ipynb").read_text() == notebook_text(modules_notebook(modules_stub_source()))


def test_the_untouched_stub_scores_nothing(tmp_path):
    from grader.notebook import modules_stub_source
    assignment, files = module_assignment()
    folder = submission(tmp_path, "stub", modules_stub_source(), files)
    names = {one.name: one.function.__name__ for one in assignment.checks()}
    results = {names[t.name]: t for t in grade(assignment, folder).tests if names[t.name] in MODULE_CHECKS}
    assert sum(r.score for r in results.values()) == 0
    not_implemented = {n for n, r in results.items() if "not implemented yet" in r.output}
    assert not_implemented >= Q10 | Q11 | Q14, {n: results[n].output for n in Q10 | Q11 | Q14 - not_implemented}


def test_the_notebook_holds_the_questions_and_the_stubs(tmp_path):
    from grader.notebook import write_modules_notebook
    path = write_modules_notebook(tmp_path / "modules.ipynb")
    notebook = nbformat.read(str(path), as_version=4)
    nbformat.validate(notebook)
    markdown = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    code = "\n".join(c.source for c in notebook.cells if c.cell_type == "code")
    for question in ("Question 10", "Question 11", "Question 14"):
        assert question in markdown
    for name in ("class Linear", "class ReLU", "class CrossEntropyLoss", "def train_epoch", "def evaluate",
                 "def make_datasets", 'if __name__ == "__main__":'):
        assert name in code
    assert code.count("raise NotImplementedError") == 7
    before = path.read_bytes()
    write_modules_notebook(path)
    assert path.read_bytes() == before  # deterministic
