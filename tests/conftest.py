"""What the project's tests share: every assignment's submissions, graded once per session."""
import multiprocessing
import shutil
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from grader import assignments, paths
from grader.corpus import examples, write_submission
from grader.grading import grade
from grader.notebook import notebook_text, stub_notebook

SUBMISSIONS = Path(__file__).parent / "submissions"
FIRST_SLOT = 100  # sandbox slots of the graded fixture's own: stopping a sandbox kills every process of its uid


def example_folders(assignment_id):
    """[(label, folder)] of an assignment's buggy and correct examples."""
    return [(f"{kind}/{folder.name}", folder) for kind in ("buggy", "correct")
            for folder in examples(SUBMISSIONS / assignment_id / kind)]


def reference_copy(assignment, folder):
    folder.mkdir(parents=True)
    for name in assignment.files:
        shutil.copy(assignment.directory / name, folder / name)
    return folder


def notebook_copy(assignment, folder):
    """The reference with each of its notebook files handed in as a notebook instead."""
    reference_copy(assignment, folder)
    for name in assignment.notebooks:
        source = (folder / name).read_text()
        (folder / name).unlink()
        (folder / name).with_suffix(".ipynb").write_text(notebook_text(stub_notebook(source, {})))
    return folder


def grade_job(assignment_id, label, folder, slot):
    """(label, {check name: TestResult}) of one submission: run in a process of its own."""
    assignment = assignments.load(assignment_id)
    results = grade(assignment, folder, slot=slot)
    names = [c.id.split("::", 1)[1] for c in assignment.checks()]
    assert len(results.tests) == len(names), f"{label}: {results.output}"
    return label, dict(zip(names, results.tests))


@pytest.fixture(scope="session")
def graded(tmp_path_factory):
    """(assignment id, label) -> {check function name: TestResult}, every submission graded once,
    three at a time in processes of their own (pytest runs one grading at a time in a process)."""
    root = tmp_path_factory.mktemp("graded")
    cache = {}

    def grade_all(assignment_id):
        assignment = assignments.load(assignment_id)
        jobs = {"reference": reference_copy(assignment, root / assignment_id / "reference"),
                "handout": paths.ASSIGNMENTS / assignment_id}
        if assignment.notebooks:
            jobs["reference as notebooks"] = notebook_copy(assignment, root / assignment_id / "notebooks")
        for label, folder in example_folders(assignment_id):
            target = root / assignment_id / label
            target.mkdir(parents=True)
            write_submission(folder, target, assignment.files)
            jobs[label] = target
        with ProcessPoolExecutor(max_workers=3, mp_context=multiprocessing.get_context("spawn")) as pool:
            futures = [pool.submit(grade_job, assignment_id, label, folder, FIRST_SLOT + number % 3)
                       for number, (label, folder) in enumerate(jobs.items())]
            return dict(future.result() for future in futures)

    def get(assignment_id, label):
        if assignment_id not in cache:
            cache[assignment_id] = grade_all(assignment_id)
        return cache[assignment_id][label]
    return get
