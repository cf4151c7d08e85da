"""dist/ID-autograder.zip follows the Gradescope autograder specification."""
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import re
import tomllib

import pytest

from grader import assignments, paths
from grader.autograder import build_autograder

REFERENCE = paths.SOLUTIONS / "mlp_numpy"
VISIBILITIES = {"visible", "hidden", "after_due_date", "after_published"}


@pytest.fixture(scope="module")
def assignment():
    return assignments.load("mlp_numpy")


@pytest.fixture(scope="module")
def archive(tmp_path_factory, assignment):
    return build_autograder(assignment, dist=tmp_path_factory.mktemp("dist"))


@pytest.fixture
def unpacked(tmp_path, archive):
    """A stand-in for /autograder: the zip in source/, an empty submission/."""
    root = tmp_path / "autograder"
    with zipfile.ZipFile(archive) as zipped:
        zipped.extractall(root / "source")
    (root / "submission").mkdir()
    return root


def run_autograder(root):
    """As Gradescope does: run_autograder copied to the root, run there, with our Python on PATH."""
    shutil.copy(root / "source" / "run_autograder", root / "run_autograder")
    env = {**os.environ, "GRADER_AUTOGRADER_ROOT": str(root),
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    env.pop("GRADER_HOME", None)
    return subprocess.run(["bash", str(root / "run_autograder")], env=env, cwd=root,
                          capture_output=True, text=True, timeout=300)


def assert_gradescope_results(data):
    assert isinstance(data["score"], (int, float))
    assert isinstance(data["tests"], list) and data["tests"]
    for test in data["tests"]:
        assert isinstance(test["name"], str) and test["name"]
        assert isinstance(test["score"], (int, float)) and isinstance(test["max_score"], (int, float))
        assert test["status"] in {"passed", "failed"}
        assert isinstance(test["output"], str)
        assert test["visibility"] in VISIBILITIES


def test_the_zip_is_named_for_the_assignment(archive):
    assert archive.name == "mlp_numpy-autograder.zip"


def test_setup_and_run_autograder_are_executable_at_the_root(archive):
    with zipfile.ZipFile(archive) as zipped:
        for name in ("setup.sh", "run_autograder"):
            mode = zipped.getinfo(name).external_attr >> 16
            assert mode & 0o111 == 0o111
            assert zipped.read(name).startswith(b"#!/usr/bin/env bash\n")


def test_the_zip_holds_the_package_and_this_assignment_only(archive):
    with zipfile.ZipFile(archive) as zipped:
        names = zipped.namelist()
    assert {"pyproject.toml", "MANIFEST.in", "grader/__init__.py", "grader/checks/pytest.ini", "grader/cli.py", "grader/sandbox/worker.py",
            "solutions/mlp_numpy/assignment.toml", "solutions/mlp_numpy/mlp.py",
            "solutions/mlp_numpy/tests_public.py", "solutions/mlp_numpy/tests_hidden.py"} <= set(names)
    assert all(n.split("/")[0] in {"setup.sh", "run_autograder", "README.md", "pyproject.toml", "MANIFEST.in",
                                   "grader", "solutions"} for n in names)
    assert all(n.startswith("solutions/mlp_numpy/") for n in names if n.startswith("solutions/"))
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc") or "/." in n]


def test_the_same_sources_give_the_same_zip(tmp_path, assignment, archive):
    again = build_autograder(assignment, dist=tmp_path)
    assert again.read_bytes() == archive.read_bytes()


def test_setup_installs_only_what_a_numpy_assignment_needs(archive):
    with zipfile.ZipFile(archive) as zipped:
        setup = zipped.read("setup.sh").decode()
    for package in ("numpy", "pytest", "nbformat", "jinja2", "click", "tqdm"):  # pytest runs the checks
        assert f'"{package}' in setup
    assert "torch" not in setup and "download.pytorch.org" not in setup
    assert "scikit-learn" not in setup  # its checks never load the bundled digits
    assert '--no-deps "$ROOT/source"' in setup
    assert 'chmod -R go-rwx "$ROOT/source"' in setup


def test_both_scripts_are_valid_bash(unpacked):
    for name in ("setup.sh", "run_autograder"):
        subprocess.run(["bash", "-n", str(unpacked / "source" / name)], check=True)


def test_a_non_editable_install_of_the_zips_source_carries_the_package_data(unpacked, tmp_path):
    """setup.sh's `pip install --no-deps "$ROOT/source"`: the built package has grader/checks/pytest.ini,
    without which no check runs (built here with setuptools' build_meta, offline, as pip would)."""
    source = unpacked / "source"
    env = {**os.environ, "SOURCE_DATE_EPOCH": "315532800"}
    script = "import sys; from setuptools import build_meta; print(build_meta.build_wheel(sys.argv[1]))"
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path)], cwd=source, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    with zipfile.ZipFile(tmp_path / done.stdout.split()[-1]) as wheel:
        assert "grader/checks/pytest.ini" in wheel.namelist()


def test_the_reference_gets_full_marks(unpacked, assignment):
    for name in ("mlp.py", "answers.py"):
        shutil.copy(REFERENCE / name, unpacked / "submission" / name)
    finished = run_autograder(unpacked)
    assert finished.returncode == 0, finished.stdout + finished.stderr
    data = json.loads((unpacked / "results" / "results.json").read_text())
    assert_gradescope_results(data)
    assert data["score"] == assignment.points()
    assert all(t["status"] == "passed" for t in data["tests"])


def test_an_empty_submission_scores_zero_and_still_exits_0(unpacked, assignment):
    finished = run_autograder(unpacked)
    assert finished.returncode == 0, finished.stdout + finished.stderr
    data = json.loads((unpacked / "results" / "results.json").read_text())
    assert_gradescope_results(data)
    assert data["score"] == 0
    assert sum(t["max_score"] for t in data["tests"]) == assignment.points()


def test_a_run_that_writes_no_results_fails(unpacked):
    shutil.rmtree(unpacked / "source" / "solutions")
    finished = run_autograder(unpacked)
    assert finished.returncode != 0
    assert not (unpacked / "results" / "results.json").exists()


# -- a PyTorch assignment -------------------------------------------------------------------


@pytest.fixture(scope="module")
def relu_nets_zip(tmp_path_factory):
    return build_autograder(assignments.load("relu_nets"), dist=tmp_path_factory.mktemp("dist"))


def read(archive, name):
    with zipfile.ZipFile(archive) as zipped:
        return zipped.read(name).decode()


def pyproject_bound(package):
    """'2.14.1' from pyproject.toml's 'torch<=2.14.1' (or '=='), in its extras."""
    project = tomllib.loads((paths.PACKAGE_CHECKOUT / "pyproject.toml").read_text())["project"]
    declared = [d for extra in project["optional-dependencies"].values() for d in extra]
    spec = next(d for d in declared if re.match(rf"{package}\s*[<=]", d))
    return re.search(r"(?:<=|==)\s*([\w.]+)", spec)[1]


def test_setup_installs_the_cpu_build_of_torch_for_a_torch_assignment(relu_nets_zip):
    setup = read(relu_nets_zip, "setup.sh")
    torch, vision = pyproject_bound("torch"), pyproject_bound("torchvision")
    assert (torch, vision) == ("2.14.1", "0.29.1")
    installs = [line for line in setup.splitlines() if "pip\" install" in line]
    assert installs[1] == (f'"$ROOT/venv/bin/pip" install --no-cache-dir "torch=={torch}" "torchvision=={vision}" '
                           "--index-url https://download.pytorch.org/whl/cpu")
    # what grading needs besides: the digits of the training checks, nothing for experiments
    assert '"scikit-learn' in installs[0] and "torch" not in installs[0]
    assert "matplotlib" not in setup and '"pytest' in installs[0]
    subprocess.run(["bash", "-n"], input=setup, text=True, check=True)


def test_the_readme_states_the_stored_measurement(relu_nets_zip):
    readme = read(relu_nets_zip, "README.md")
    measured = assignments.load("relu_nets").gradescope
    memory, seconds = measured["memory_mb_measured"], measured["seconds_measured"]
    assert 100 < memory < 3000 and 0 < seconds < 120
    assert f"needs about {memory} MB and {seconds:g} s; choose a Gradescope" in readme
    assert re.search(r"container of at least \d+(\.5)? GB\s+of memory", readme)
    assert "torch==2.14.1" in readme and "CPU build" in readme


def test_an_unmeasured_assignment_says_how_to_measure(assignment):
    from dataclasses import replace
    from grader.autograder import autograder_readme
    readme = autograder_readme(replace(assignment, gradescope={}))
    assert "Not measured yet: run `grader measure mlp_numpy --write`" in readme
