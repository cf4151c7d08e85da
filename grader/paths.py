"""Where the course's files live: the course folder, which holds solutions/ and templates/.

`grader` (grader/cli.py) works on the first of:

1. `grader --course DIR`;
2. the current folder, or the nearest folder above it, that is a course (has solutions/
   and templates/), as git finds its repository;
3. GRADER_HOME (the Gradescope zip's run_autograder sets it to /autograder/source, which
   holds solutions/ID/ and no templates/);
4. the checkout this package runs from (an editable install).

The command line settles this once (`choose_course`, then `use_course`, which also sets
GRADER_HOME for the processes the grader starts). Imported without it (tests, the
gradebook's children, a worker), the course is GRADER_HOME's, else the package's checkout.
"""
import os
from dataclasses import dataclass
from pathlib import Path

PACKAGE_CHECKOUT = Path(__file__).resolve().parent.parent


def is_course(folder):
    """A course folder, as `grader` finds one from the current folder: solutions/ and templates/."""
    folder = Path(folder)
    return (folder / "solutions").is_dir() and (folder / "templates").is_dir()


def find_course(start):
    """The nearest course folder at or above `start`, else None."""
    start = Path(start).resolve()
    return next((folder for folder in (start, *start.parents) if is_course(folder)), None)


def default_root():
    return Path(os.environ.get("GRADER_HOME") or PACKAGE_CHECKOUT)


@dataclass
class Choice:
    root: Path
    how: str          # "--course", "current folder", "GRADER_HOME", "package"
    note: str = ""    # for stderr when another course was there to choose


def choose_course(course=None, cwd=None, environ=None):
    """The course folder `grader` works on (the module docstring's order), and why."""
    environ = os.environ if environ is None else environ
    home = environ.get("GRADER_HOME")
    candidates = []  # the courses that could have been meant, for the note
    if home:
        candidates.append(Path(home).resolve())
    if is_course(PACKAGE_CHECKOUT):
        candidates.append(PACKAGE_CHECKOUT)
    if course is not None:
        return Choice(Path(course).resolve(), "--course")
    found = find_course(cwd or Path.cwd())
    if found is not None:
        choice = Choice(found, "current folder")
    elif home:
        choice = Choice(Path(home).resolve(), "GRADER_HOME")
    else:
        return Choice(PACKAGE_CHECKOUT, "package")
    if any(other != choice.root for other in candidates):
        choice.note = f"using the course in {choice.root}"
    return choice


def use_course(root):
    """Make `root` the course of this process and of the processes it starts."""
    global REPO_ROOT, SOLUTIONS, TEMPLATES, ASSIGNMENTS, DIST
    REPO_ROOT = Path(root)
    SOLUTIONS = REPO_ROOT / "solutions"
    TEMPLATES = REPO_ROOT / "templates"
    ASSIGNMENTS = REPO_ROOT / "assignments"
    DIST = REPO_ROOT / "dist"
    os.environ["GRADER_HOME"] = str(REPO_ROOT)


REPO_ROOT = default_root()
SOLUTIONS = REPO_ROOT / "solutions"
TEMPLATES = REPO_ROOT / "templates"
ASSIGNMENTS = REPO_ROOT / "assignments"
DIST = REPO_ROOT / "dist"


def solution_dir(assignment_id):
    """solutions/ID: the reference solution and its public and hidden tests."""
    return SOLUTIONS / assignment_id
