"""The `grader` command: list, build, check, grade, gradebook, experiment."""
import os
import sys
from pathlib import Path

import click

from grader import assignments


def fail(message):
    """Stop with one readable line."""
    raise click.ClickException(message)


def load_assignment(assignment_id):
    try:
        return assignments.load(assignment_id)
    except assignments.UnknownAssignment as exc:
        fail(str(exc))


@click.group()
@click.option("--course", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="The course folder (solutions/, templates/). Default: the current folder or the nearest "
                   "one above it that is a course, else GRADER_HOME, else this package's checkout.")
def main(course):
    """Build handouts and grade submissions for the course."""
    from grader import paths
    if course is not None and not (course / "solutions").is_dir():
        fail(f"--course {course}: not a course folder (it has no solutions/)")
    chosen = paths.choose_course(course)
    paths.use_course(chosen.root)
    if chosen.note:
        click.echo(chosen.note, err=True)


@main.command("list")
def list_assignments():
    """The assignments, their parts and points."""
    for assignment_id in assignments.all_ids():
        assignment = assignments.load(assignment_id)
        checks = assignment.checks()
        click.echo(f"{assignment_id}: {assignment.title} ({sum(c.points for c in checks):g} points)")
        for part, row in assignments.part_points(assignment, checks).items():
            kind = f", {row['kind']}" if row["kind"] != "scored" else ""
            click.echo(f"  {part:<24} {row['points']:>5g} points ({row['public_points']:g} public, "
                       f"{row['hidden_points']:g} hidden{kind})")


@main.command()
@click.argument("assignment_id")
@click.argument("submission", type=click.Path(exists=True, path_type=Path))
@click.option("--out", type=click.Path(path_type=Path), default=Path("results.json"), show_default=True)
@click.option("-k", "select", metavar="EXPRESSION", help="only the checks pytest's -k EXPRESSION selects")
def grade(assignment_id, submission, out, select):
    """Grade one folder or .zip with every check; writes Gradescope results.json."""
    from grader.grading import grade as grade_submission
    from grader.report import print_table
    assignment = load_assignment(assignment_id)
    results = grade_submission(assignment, submission, out=out, pytest_args=["-k", select] if select else ())
    print_table(results, stream=sys.stdout)
    click.echo(f"results written to {out}")
    exit_now(0)


@main.command()
@click.argument("assignment_id")
@click.argument("path", default=".", type=click.Path(exists=True, path_type=Path))
def check(assignment_id, path):
    """Run the public checks on your working folder (default: here) and print a score table."""
    from grader.grading import grade as grade_submission
    from grader.report import print_line, print_table
    assignment = public_assignment(assignment_id, path)
    click.echo(f"Running the public checks of {assignment_id} on {path}:")
    results = grade_submission(assignment, path, include_hidden=False, on_result=print_line)
    click.echo("")
    print_table(results, stream=sys.stdout, show_rows=False)
    click.echo("Hidden checks run when you submit; these public ones are a subset.")
    exit_now(0)


def exit_now(status):
    """Exit with everything written, skipping the interpreter's teardown: with torch and
    scikit-learn loaded it takes a second, and a grade has nothing left to clean."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


def public_assignment(assignment_id, path):
    """The course's copy where the grader has one, else the handout's own tests/ folder."""
    try:
        return assignments.load(assignment_id)
    except assignments.UnknownAssignment:
        handout_tests = Path(path) / "tests"
        if (handout_tests / "assignment.toml").is_file():
            return assignments.load_from(handout_tests)
        fail(f"no assignment {assignment_id!r} here: run this in your handout folder, "
             "which has tests/assignment.toml")


@main.command()
@click.argument("assignment_id")
@click.argument("name")
@click.option("--data-dir", type=click.Path(exists=True, path_type=Path),
              help="Folder with the real data set (default: a small data set shipped with the grader).")
@click.option("--device", default="cpu", show_default=True,
              help="cpu or cuda (torch experiments; the CPU when no GPU is available)")
@click.option("--epochs", type=int, help="Override the homework's number of epochs.")
@click.option("--out", type=click.Path(path_type=Path), default=Path("out"), show_default=True)
@click.option("--subset-train", type=click.IntRange(min=1), help="Train on a random subset of N images.")
@click.option("--subset-val", type=click.IntRange(min=1), help="Validate on a random subset of N images.")
def experiment(assignment_id, name, data_dir, device, epochs, out, subset_train, subset_val):
    """Run a reference experiment; writes its metrics and plots to --out."""
    from grader.datasets import DatasetError
    from grader.experiments import ExperimentError, run_experiment
    subsets = {k: v for k, v in (("subset_train", subset_train), ("subset_val", subset_val)) if v is not None}
    try:
        metrics = run_experiment(assignment_id, name, data_dir=data_dir, device=device,
                                 out_dir=out, epochs=epochs, **subsets)
    except (ExperimentError, DatasetError) as exc:
        fail(str(exc))
    held_out = {"val": "validation"}.get(metrics.get("held_out"), "test")
    for run in metrics["runs"]:
        accuracy = run["final_test_accuracy"]
        shown = "diverged" if accuracy is None else f"{accuracy:.3f}"
        click.echo(f"{run['label']:<40} final {held_out} accuracy {shown}")
    click.echo(f"plots and metrics written to {out}/")


@main.command()
@click.argument("assignment_ids", nargs=-1)
def build(assignment_ids):
    """Write each student handout to assignments/ID/, and to dist/: ID-handout.zip (the handout and
    the checker's wheel, what students get) and ID-autograder.zip (for Gradescope)."""
    import tempfile
    from grader import paths
    from grader.autograder import build_autograder
    from grader.distribution import DistributionError, build_handout_zip, build_wheel
    from grader.handout import render_handout
    if not (paths.PACKAGE_CHECKOUT / "pyproject.toml").is_file():
        fail(f"building needs the grader's source checkout (pyproject.toml, grader/) for the students' wheel "
             f"and the autograder; this grader runs from {paths.PACKAGE_CHECKOUT}: install it with pip install -e")
    with tempfile.TemporaryDirectory(prefix="grader-build-") as scratch:
        wheel = None  # built once, for every handout zip
        for assignment_id in assignment_ids or assignments.all_ids():
            assignment = load_assignment(assignment_id)
            written = render_handout(assignment)
            folder = paths.ASSIGNMENTS / assignment_id
            try:
                wheel = wheel or build_wheel(scratch)
                handout = build_handout_zip(assignment, wheel=wheel,
                                            files={p.relative_to(folder).as_posix(): p.read_bytes() for p in written})
            except DistributionError as exc:
                fail(str(exc))
            archive = build_autograder(assignment)
            click.echo(f"{assignment_id}: handout of {len(written)} files in {folder}/, for students {handout}, "
                       f"autograder {archive}")


@main.command()
@click.argument("assignment_id")
@click.option("--submission", type=click.Path(exists=True, path_type=Path),
              help="What to grade (default: the reference solution).")
@click.option("--write", is_flag=True,
              help="Store the numbers under [gradescope] in the assignment's assignment.toml.")
def measure(assignment_id, submission, write):
    """Grade the reference as Gradescope would, and report its peak memory and time.

    The memory is the peak resident memory summed over the grader's process tree,
    polled every 20 ms; `grader build` writes the stored numbers into the autograder's README.
    """
    from grader.measure import measure_grading, write_measurement
    assignment = load_assignment(assignment_id)
    found = measure_grading(assignment, submission)
    click.echo(f"{assignment_id}: score {found.score:g}, peak memory {found.memory_mb} MB (summed over up to "
               f"{found.processes} processes), {found.seconds:g} s wall, {found.cpu_seconds:g} s CPU, "
               f"on {found.machine}")
    if write:
        click.echo(f"written to {write_measurement(assignment, found)}")


@main.command()
@click.argument("assignment_id", required=False)
def demo(assignment_id):
    """Build the handout, then grade the reference, the untouched handout and example submissions.

    Without ID, the assignment whose manifest has `[demo] default = true`.
    """
    from grader.demo import default_assignment, run_demo
    run_demo(load_assignment(assignment_id or default_assignment()))


@main.command()
@click.argument("assignment_id")
@click.argument("submissions_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=Path("grades.csv"),
              show_default=True,
              help="The CSV, one row per student, in order of student. Each student's Gradescope results "
                   "go to STUDENT.json in a folder beside it, named as OUT with '.results' for its extension "
                   "(--out grades.csv: grades.results/STUDENT.json).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=min(4, os.cpu_count() or 1),
              show_default=True, help="submissions graded at once")
@click.option("--regrade", metavar="STUDENT", multiple=True,
              help="Grade STUDENT again although the CSV has a row for them (its row is replaced); "
                   "repeat for more students.")
def gradebook(assignment_id, submissions_dir, out, jobs, regrade):
    """Grade every folder or .zip under SUBMISSIONS_DIR (one per student) into a CSV.

    Resumable: students already in the CSV are not graded again, but for those
    named by --regrade. The rows are sorted by student when the run ends.
    """
    from grader.gradebook import GradebookError, results_folder, run_gradebook
    assignment = load_assignment(assignment_id)
    try:
        summary = run_gradebook(assignment, submissions_dir, out, jobs, regrade=regrade)
    except GradebookError as exc:
        fail(str(exc))
    if summary.ignored:
        click.echo(f"ignored (not a folder or .zip, or a second entry for one student): "
                   f"{', '.join(summary.ignored)}", err=True)
    again = f" ({summary.regraded} regraded)" if summary.regraded else ""
    click.echo(f"{summary.graded} graded now{again}, {summary.already} already in {out}; "
               f"results.json files in {results_folder(out)}/")


if __name__ == "__main__":
    main()
