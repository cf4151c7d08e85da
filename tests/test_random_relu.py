"""random_relu beyond the harness: the seed student's written answers, as code."""
import importlib.util

import pytest

from grader import paths

SEED = paths.REPO_ROOT / "tests" / "submissions" / "random_relu" / "buggy" / "seed_student"


def load(path):
    spec = importlib.util.spec_from_file_location(f"_seed_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_seed_student_answers_reproduce_their_numbers():
    """seed_student/answers.py encodes the homework's written Problem 2: sigmoid(-4) as 0.982."""
    got = load(SEED / "answers.py").graph_forward_backward([[1.0, 2.0], [-2.0, 3.0]], [2.0, -3.0])
    assert got["L"] == pytest.approx(0.99999773, rel=1e-8)
    assert got["dW"].ravel().tolist() == pytest.approx([0, 0, 4.52e-6, -6.78e-6], rel=1e-2, abs=1e-12)
    assert got["dx"].tolist() == pytest.approx([-4.52e-6, 6.78e-6], rel=1e-2)
