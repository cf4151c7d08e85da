"""The course's assignments: each is one folder solutions/ID, found by its assignment.toml.

    solutions/ID/
        assignment.toml     the manifest: title, files, limits, the handout's text, the parts
        *.py                the reference files named in `files`, solution regions marked
        tests_public.py     checks handed out with the stubs
        tests_hidden.py     checks that never leave the grader
        worker/             modules the checks run inside the student's sandboxed worker too
        experiments.py      the instructor's experiments (`grader experiment ID NAME`)

The manifest (every key but title and files is optional):

    title = "..."
    seed = "003_....txt"                # the homework text it comes from
    files = ["mlp.py", "answers.py"]    # what students hand in
    notebooks = ["modules.py"]          # also handed out as notebooks
    [limits]                            # grader.sandbox.runner.Limits, and:
    seconds_per_test = 10               #   a check's default time limit
    seconds_total = 300                 #   the whole grade's budget
    [handout]                           # what the handout's README says
    [notebook."modules.py"]             # the notebook's text cells
    [parts."LinearMap"]                 # one table per part, in the README's order
    points = 6
    kind = "scored"                     # or "bonus" / "reported": checked, 0 points
    seconds_per_test = 30               # this part's checks' time limit
    about = "..."
    [gradescope]                        # measured by `grader measure ID --write`
    [demo]                              # `grader demo`: default = true, showcase = [buggy examples]

A handout carries a copy of the manifest in tests/assignment.toml beside its
public checks, which is all `grader check` needs there.
"""
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from grader import paths
from grader.sandbox.runner import Limits

MANIFEST = "assignment.toml"
KINDS = ("scored", "bonus", "reported")
PUBLIC_CHECKS = ("tests_public.py", "test_public.py")  # in the course; in a handout's tests/
HIDDEN_CHECKS = "tests_hidden.py"
WORKER_CODE = "worker"


class UnknownAssignment(KeyError):
    def __str__(self):
        return self.args[0]


class ManifestError(ValueError):
    """An assignment whose manifest and checks disagree; one line says where."""


@dataclass
class Part:
    name: str
    points: float
    kind: str = "scored"
    about: str = ""
    seconds_per_test: float | None = None


@dataclass
class Assignment:
    id: str
    title: str
    files: list
    limits: Limits
    directory: Path
    parts: dict                     # {name: Part}, in the manifest's order
    seconds_total: float = 600.0
    seed: str = ""
    notebooks: list = field(default_factory=list)
    handout: dict = field(default_factory=dict)
    notebook_text: dict = field(default_factory=dict)
    gradescope: dict = field(default_factory=dict)
    demo: dict = field(default_factory=dict)

    @property
    def public_checks(self):
        return next((self.directory / n for n in PUBLIC_CHECKS if (self.directory / n).exists()),
                    self.directory / PUBLIC_CHECKS[0])

    @property
    def hidden_checks(self):
        return self.directory / HIDDEN_CHECKS

    @property
    def worker_code(self):
        """The folder of modules that run inside the worker (absent for most assignments)."""
        return self.directory / WORKER_CODE

    def check_files(self, include_hidden=True):
        hidden = [self.hidden_checks] if include_hidden and self.hidden_checks.exists() else []
        return [self.public_checks] + hidden

    def checks(self, include_hidden=True):
        """Public checks first, then hidden ones, each in file order, as pytest collects them."""
        from grader.checks.collect import collect_checks
        found = collect_checks(tuple(self.check_files(include_hidden)), self.public_checks.parent)
        self.validate(found, complete=include_hidden and self.hidden_checks.exists())
        return found

    def points(self, include_hidden=True):
        return sum(c.points for c in self.checks(include_hidden))

    def part_of(self, check):
        return self.parts[check.part]

    def seconds_for(self, check):
        """The time limit of one check: its part's, else the assignment's default."""
        return self.parts[check.part].seconds_per_test or self.limits.seconds_per_test

    def validate(self, checks, complete):
        """Every check names a declared part; with every check at hand, the points add up."""
        for one in checks:
            if one.part not in self.parts:
                raise ManifestError(f"{one.id}: part {one.part!r} is not declared in solutions/{self.id}/"
                                    f"{MANIFEST} (declared: {', '.join(self.parts)})")
            if self.parts[one.part].kind != "scored" and one.points:
                raise ManifestError(f"{one.id}: part {one.part!r} is {self.parts[one.part].kind}, "
                                    f"so its checks carry 0 points, not {one.points:g}")
        if not complete:
            return
        for name, row in part_points(self, checks).items():
            if row["points"] != self.parts[name].points:
                raise ManifestError(f"solutions/{self.id}/{MANIFEST}: part {name!r} is worth "
                                    f"{self.parts[name].points:g} points, its checks add up to {row['points']:g}")


def part_points(assignment, checks):
    """{part name: its points, public and hidden checks and points}, in the manifest's order.

    The one place points per part are summed: `grader list`, the README's table
    and the gradebook's columns all read it.
    """
    rows = {name: {"name": name, "kind": part.kind, "about": part.about, "points": 0, "public_checks": 0,
                   "hidden_checks": 0, "public_points": 0, "hidden_points": 0}
            for name, part in assignment.parts.items()}
    for one in checks:
        row = rows[one.part]
        side = "hidden" if one.hidden else "public"
        row["points"] += one.points
        row[f"{side}_checks"] += 1
        row[f"{side}_points"] += one.points
    return rows


def load(assignment_id, solutions=None):
    """The assignment named `assignment_id`, or UnknownAssignment listing the ones there are."""
    directory = Path(solutions or paths.SOLUTIONS) / assignment_id
    if not (directory / MANIFEST).is_file():
        known = ", ".join(all_ids(solutions)) or "none"
        raise UnknownAssignment(f"no assignment {assignment_id!r} (known: {known})")
    return load_from(directory, assignment_id)


def load_from(directory, assignment_id=None):
    """The assignment whose manifest is in `directory` (a course folder or a handout's tests/,
    whose copy of the manifest names its `id`)."""
    directory = Path(directory)
    where = f"{directory.name}/{MANIFEST}"
    try:
        data = tomllib.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ManifestError(f"{where}: {exc}") from None
    for key in ("title", "files", "parts"):
        if key not in data:
            raise ManifestError(f"{where}: add `{key}`")
    limits = dict(data.get("limits", {}))
    seconds_total = float(limits.pop("seconds_total", 600))
    parts = {}
    for name, spec in data["parts"].items():
        unknown = set(spec) - {"points", "kind", "about", "seconds_per_test"}
        spec.setdefault("points", 0)
        if unknown or spec.get("kind", "scored") not in KINDS:
            raise ManifestError(f"{where}: part {name!r}: use points, kind ({'/'.join(KINDS)}), about, "
                                "seconds_per_test")
        parts[name] = Part(name=name, **spec)
    return Assignment(id=data.get("id") or assignment_id or directory.name, title=data["title"], files=list(data["files"]),
                      limits=Limits(**limits), directory=directory, parts=parts, seconds_total=seconds_total,
                      seed=data.get("seed", ""), notebooks=list(data.get("notebooks", [])),
                      handout=dict(data.get("handout", {})), notebook_text=dict(data.get("notebook", {})),
                      gradescope=dict(data.get("gradescope", {})), demo=dict(data.get("demo", {})))


def all_ids(solutions=None):
    root = Path(solutions or paths.SOLUTIONS)
    return sorted(p.parent.name for p in root.glob(f"*/{MANIFEST}"))
