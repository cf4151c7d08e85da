"""The main job: everything an instructor does for one assignment, on data that ships here."""
import shutil
import tempfile
from pathlib import Path

import click

from grader import paths
from grader.grading import grade
from grader.report import print_table

EXAMPLES = paths.REPO_ROOT / "tests" / "submissions"


def example_submissions(assignment, workspace):
    """(label, folder) for the reference, the untouched handout and each example bug."""
    yield "reference solution", assignment.directory
    yield "untouched handout", paths.ASSIGNMENTS / assignment.id
    for bug in sorted((EXAMPLES / assignment.id / "buggy").glob("*"))[:6]:
        folder = workspace / bug.name
        shutil.copytree(assignment.directory, folder, ignore=shutil.ignore_patterns("tests_*", "*.toml"))
        for changed in bug.iterdir():
            shutil.copy(changed, folder / changed.name)
        yield f"example bug: {bug.name}", folder


def run_demo(assignment):
    from grader.autograder import build_autograder
    from grader.handout import render_handout
    render_handout(assignment)
    archive = build_autograder(assignment)
    click.echo(f"Built the handout in assignments/{assignment.id}/ and {archive.relative_to(paths.REPO_ROOT)}\n")
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        for label, folder in example_submissions(assignment, Path(scratch)):
            results = grade(assignment, folder)
            failed = [t.name for t in results.tests if not t.passed]
            rows.append((label, results.score, results.max_score, failed))
            if label == "reference solution":
                print_table(results, show_output=False)
                click.echo("")
    click.echo(f"{'submission':<44} {'score':>9}  first failed check")
    for label, score, max_score, failed in rows:
        click.echo(f"{label:<44} {score:>4g}/{max_score:<4g}  {failed[0] if failed else '-'}")
