"""The course's assignments: each is a folder solutions/ID with an assignment.toml.

    title = "..."                   # shown to students
    seed = "003_....txt"            # the homework text it comes from
    files = ["mlp.py", "answers.py"]
    [limits]                        # per worker; see grader.sandbox.runner.Limits
    memory_mb = 1024
    seconds_per_test = 30
    [gradescope]                    # optional: what grading the reference took (grader/measure.py)
    memory_mb_measured = 1400
    seconds_measured = 7.5

Beside it: the reference files, tests_public.py (also handed out) and
tests_hidden.py (never leaves the grader).
"""
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from grader import paths
from grader.checks.registry import load_checks
from grader.sandbox.runner import Limits


class UnknownAssignment(KeyError):
    def __str__(self):
        return self.args[0]


@dataclass
class Assignment:
    id: str
    title: str
    seed: str
    files: list
    limits: Limits
    directory: Path
    gradescope: dict = field(default_factory=dict)

    @property
    def public_tests(self):
        """tests_public.py beside the reference, or test_public.py in a handout's tests/."""
        course_copy = self.directory / "tests_public.py"
        return course_copy if course_copy.exists() else self.directory / "test_public.py"

    @property
    def hidden_tests(self):
        return self.directory / "tests_hidden.py"

    def checks(self, include_hidden=True):
        """Public checks first, then hidden ones, each in file order."""
        found = load_checks(self.public_tests, hidden=False)
        if include_hidden and self.hidden_tests.exists():
            found += load_checks(self.hidden_tests, hidden=True)
        return found

    def points(self, include_hidden=True):
        return sum(c.points for c in self.checks(include_hidden))


def load(assignment_id, solutions=None):
    """The assignment named `assignment_id`, or UnknownAssignment listing the ones there are."""
    directory = Path(solutions or paths.SOLUTIONS) / assignment_id
    if not (directory / "assignment.toml").is_file():
        known = ", ".join(all_ids(solutions)) or "none"
        raise UnknownAssignment(f"no assignment {assignment_id!r} (known: {known})")
    return load_from(directory, assignment_id)


def load_from(directory, assignment_id):
    """The assignment whose assignment.toml is in `directory` (a course folder or a handout's tests/)."""
    config = Path(directory) / "assignment.toml"
    data = tomllib.loads(config.read_text())
    return Assignment(id=assignment_id, title=data["title"], seed=data.get("seed", ""),
                      files=list(data["files"]), limits=Limits(**data.get("limits", {})),
                      directory=directory, gradescope=dict(data.get("gradescope", {})))


def all_ids(solutions=None):
    root = Path(solutions or paths.SOLUTIONS)
    return sorted(p.parent.name for p in root.glob("*/assignment.toml"))
