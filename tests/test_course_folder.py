"""`grader` works on the course it is run in: the current folder or one above it, else
`--course DIR`, GRADER_HOME, the package's checkout (grader/paths.py), with two course
folders of our own beside this checkout."""
import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from grader import paths

GRADER = str(Path(sys.executable).with_name("grader"))
ASSIGNMENT = "mlp_numpy"  # copied into each course under a name of its own


def make_course(root, assignment_id):
    """A course folder: templates/ and one assignment, solutions/ASSIGNMENT_ID (a copy of mlp_numpy)."""
    shutil.copytree(paths.PACKAGE_CHECKOUT / "templates", root / "templates")
    shutil.copytree(paths.PACKAGE_CHECKOUT / "solutions" / ASSIGNMENT, root / "solutions" / assignment_id,
                    ignore=shutil.ignore_patterns("__pycache__"))
    return root


@pytest.fixture(scope="module")
def courses(tmp_path_factory):
    root = tmp_path_factory.mktemp("courses")
    (root / "elsewhere").mkdir()
    return make_course(root / "course_a", "hw_a"), make_course(root / "course_b", "hw_b"), root / "elsewhere"


def grader(*args, cwd, home=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "GRADER_"))}
    if home is not None:
        env["GRADER_HOME"] = str(home)
    return subprocess.run([GRADER, *map(str, args)], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=300)


def listed(done):
    assert done.returncode == 0, done.stdout + done.stderr
    return sorted(line.split(":")[0] for line in done.stdout.splitlines() if line and not line.startswith(" "))


def test_the_course_is_the_current_folder(courses):
    a, b, _ = courses
    done = grader("list", cwd=a)
    assert listed(done) == ["hw_a"]
    # the package's checkout is a course too: say which one is used
    assert f"using the course in {a}" in done.stderr
    assert listed(grader("list", cwd=b)) == ["hw_b"]


def test_the_course_is_found_from_a_folder_inside_it(courses):
    a, _, _ = courses
    assert listed(grader("list", cwd=a / "solutions" / "hw_a")) == ["hw_a"]


def test_course_option_wins_over_the_current_folder_and_grader_home(courses):
    a, b, _ = courses
    done = grader("--course", b, "list", cwd=a, home=a)
    assert listed(done) == ["hw_b"] and "using the course" not in done.stderr


def test_grader_home_is_used_outside_any_course(courses):
    _, b, elsewhere = courses
    done = grader("list", cwd=elsewhere, home=b)
    assert listed(done) == ["hw_b"] and f"using the course in {b}" in done.stderr


def test_the_current_folder_wins_over_grader_home_and_says_so(courses):
    a, b, _ = courses
    done = grader("list", cwd=a, home=b)
    assert listed(done) == ["hw_a"] and f"using the course in {a}" in done.stderr


def test_outside_any_course_the_packages_checkout_is_used_silently(courses):
    _, _, elsewhere = courses
    done = grader("check", "hw_a", ".", cwd=elsewhere)  # the checkout has no hw_a (`list` would take long)
    assert done.returncode != 0 and "no assignment 'hw_a' here" in done.stderr
    assert "using the course" not in done.stderr
    assert paths.choose_course(cwd=elsewhere, environ={}).root == paths.PACKAGE_CHECKOUT


def test_a_course_option_that_is_no_course_is_refused(courses):
    _, _, elsewhere = courses
    done = grader("--course", elsewhere, "list", cwd=elsewhere)
    assert done.returncode != 0 and "not a course folder" in done.stderr


def test_build_writes_into_the_course_it_runs_in_and_nowhere_else(courses):
    a, b, _ = courses
    done = grader("build", "hw_a", cwd=a)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (a / "assignments" / "hw_a" / "README.md").is_file()
    assert {p.name for p in (a / "dist").iterdir()} == {"hw_a-handout.zip", "hw_a-autograder.zip"}
    assert not (b / "assignments").exists() and not (b / "dist").exists()
    assert not (paths.PACKAGE_CHECKOUT / "assignments" / "hw_a").exists()
    assert not (paths.PACKAGE_CHECKOUT / "dist" / "hw_a-handout.zip").exists()


def test_the_gradebooks_children_grade_in_the_same_course(courses, tmp_path):
    """The children (python -m grader.gradebook) would not know hw_a from the package's checkout."""
    _, b, _ = courses
    submission = tmp_path / "submissions" / "alice"
    submission.mkdir(parents=True)
    for name in ("mlp.py", "answers.py"):
        shutil.copy(b / "solutions" / "hw_b" / name, submission / name)
    done = grader("--course", b, "gradebook", "hw_b", tmp_path / "submissions", "--out", tmp_path / "grades.csv",
                  "--jobs", "1", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    with open(tmp_path / "grades.csv", newline="") as stream:
        row = list(csv.DictReader(stream))[0]
    assert row["student"] == "alice" and row["total"] == row["max"] and float(row["max"]) > 0


# -- the choice itself, without a process --------------------------------------------------


def test_choose_course_order(courses):
    a, b, elsewhere = courses
    assert paths.choose_course(cwd=a / "solutions", environ={}).root == a
    assert paths.choose_course(course=b, cwd=a, environ={"GRADER_HOME": str(a)}).how == "--course"
    assert paths.choose_course(cwd=elsewhere, environ={"GRADER_HOME": str(b)}).root == b
    assert paths.choose_course(cwd=elsewhere, environ={}).root == paths.PACKAGE_CHECKOUT
    assert paths.choose_course(cwd=paths.PACKAGE_CHECKOUT, environ={}).note == ""
