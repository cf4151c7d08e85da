"""What the project's tests share: every assignment's submissions, graded once per session."""
import multiprocessing
import shutil
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from grader import assignments, paths
from grader.checks.static import imported_modules
from grader.corpus import examples, submission_files, write_submission
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


def grade_job(assignment_id, label, folder, slot, select=None):
    """(label, {check name: TestResult}) of one submission: run in a process of its own."""
    assignment = assignments.load(assignment_id)
    results = grade(assignment, folder, slot=slot, select=select)
    wanted = len(select) if select is not None else len(assignment.checks())
    assert len(results.tests) == wanted, f"{label}: {results.output}"
    return label, {t.extra_data["id"].split("::", 1)[1]: t for t in results.tests}


def changed_files(assignment, folder):
    """The submitted files an example changes, and those of the others that import them."""
    changed = set(submission_files(folder)) & set(assignment.files)
    sources = {name: (assignment.directory / name).read_text() for name in assignment.files}
    while True:
        stems = {name.removesuffix(".py") for name in changed}
        more = {name for name, text in sources.items() if name not in changed and stems & set(imported_modules(text))}
        if not more:
            return changed
        changed |= more


def checks_using(reference_tests, files):
    """The ids of the checks that used any of `files` when the reference was graded (or no file at all)."""
    return {t.extra_data["id"] for t in reference_tests.values()
            if set(t.extra_data["files"]) & set(files) or not t.extra_data["files"]}


@pytest.fixture(scope="session")
def graded(tmp_path_factory):
    """(assignment id, label) -> {check function name: TestResult}, every submission graded once,
    three at a time in processes of their own (pytest runs one grading at a time in a process).

    The reference and the handout are graded on every check. An example is graded on the checks
    that used the files it changes when the reference was graded: the others see the reference's
    files, so they give the reference's verdicts (tests/test_assignments.py holds them to that).
    """
    root = tmp_path_factory.mktemp("graded")
    cache = {}

    def grade_all(assignment_id):
        assignment = assignments.load(assignment_id)
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=3, mp_context=context) as pool:
            first = [pool.submit(grade_job, assignment_id, "reference",
                                 reference_copy(assignment, root / assignment_id / "reference"), FIRST_SLOT),
                     pool.submit(grade_job, assignment_id, "handout", paths.ASSIGNMENTS / assignment_id,
                                 FIRST_SLOT + 1)]
            jobs = []
            if assignment.notebooks:
                jobs.append(("reference as notebooks", notebook_copy(assignment, root / assignment_id / "notebooks"),
                             assignment.notebooks))
            for label, folder in example_folders(assignment_id):
                target = root / assignment_id / label
                target.mkdir(parents=True)
                write_submission(folder, target, assignment.files)
                jobs.append((label, target, changed_files(assignment, folder)))
            done = dict(future.result() for future in first)
            futures = [pool.submit(grade_job, assignment_id, label, folder, FIRST_SLOT + number % 3,
                                   checks_using(done["reference"], files))
                       for number, (label, folder, files) in enumerate(jobs)]
            return {**done, **dict(future.result() for future in futures)}

    def get(assignment_id, label):
        if assignment_id not in cache:
            cache[assignment_id] = grade_all(assignment_id)
        return cache[assignment_id][label]
    return get
