"""The main job: everything an instructor does for one assignment, on data that ships here."""
import shutil
import tempfile
from pathlib import Path

import click

from grader import assignments, paths
from grader.corpus import examples, write_submission
from grader.grading import grade
from grader.report import print_table

EXAMPLES = paths.REPO_ROOT / "tests" / "submissions"


def default_assignment():
    """The assignment whose manifest says `[demo] default = true`, else the first there is."""
    ids = assignments.all_ids()
    marked = [aid for aid in ids if assignments.load(aid).demo.get("default")]
    return (marked or ids)[0]


def example_submissions(assignment, workspace):
    """(label, folder) for the reference, the untouched handout and example bugs: the manifest's
    `[demo] showcase` (a spread of real mistakes, one per part), else the first six."""
    yield "reference solution", reference_copy(assignment, workspace / "reference")
    yield "untouched handout", paths.ASSIGNMENTS / assignment.id
    corpus = EXAMPLES / assignment.id / "buggy"
    chosen = [corpus / name for name in assignment.demo.get("showcase", []) if (corpus / name).is_dir()]
    for bug in chosen or examples(corpus)[:6]:
        folder = reference_copy(assignment, workspace / bug.name)
        write_submission(bug, folder)
        yield f"example bug: {bug.name}", folder


def reference_copy(assignment, folder):
    """The reference's submitted files alone, as a student would hand them in."""
    folder.mkdir()
    for name in assignment.files:
        shutil.copy(assignment.directory / name, folder / name)
    return folder


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
    width = max(len(label) for label, *_ in rows)
    click.echo(f"{'submission':<{width}}  {'score':>9}  failed checks")
    for label, score, max_score, failed in rows:
        shown = failed[0] + (f" (+{len(failed) - 1} more)" if len(failed) > 1 else "") if failed else "-"
        click.echo(f"{label:<{width}}  {score:>4g}/{max_score:<4g}  {shown}")
