"""relu_nets beyond the harness: what its training runs report, how autograd is named."""
import re

from grader import paths
from grader.checks.static import autograd_uses
from grader.corpus import submission_files

BUGGY = paths.REPO_ROOT / "tests" / "submissions" / "relu_nets" / "buggy"


def test_the_training_runs_report_their_accuracy(graded):
    for name in ("train_on_digits", "training_loop_learns_digits"):
        output = graded("relu_nets", "reference")[name].output
        assert "held-out accuracy" in output and re.search(r"after 10 epochs on (cpu|cuda)", output), output
        accuracy = float(output.split("held-out accuracy ")[1].split("%")[0])
        assert accuracy > 85, output


def test_autograd_is_named_with_its_class():
    source = submission_files(BUGGY / "linear_backward_by_autograd")["modules.py"]
    found = autograd_uses(source)
    assert any(where == "Linear" and "autograd" in what for _, what, where in found), found
    assert autograd_uses((paths.SOLUTIONS / "relu_nets" / "modules.py").read_text()) == []


def test_an_autograd_failure_tells_the_student_why(graded):
    output = graded("relu_nets", "buggy/relu_backward_by_hidden_autograd")["relu_backward"].output
    assert "autograd" in output and ("by hand" in output or "line" in output), output
    output = graded("relu_nets", "buggy/linear_backward_by_autograd")["linear_backward"].output
    assert "uses autograd" in output and "line" in output, output
