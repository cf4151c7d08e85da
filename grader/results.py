"""Results in the Gradescope autograder format, written as tests finish.

results.json: {"score", "execution_time", "output", "visibility",
"stdout_visibility", "tests": [{"name", "number", "score", "max_score",
"status": "passed"|"failed", "output", "visibility", "tags",
"extra_data": {"id", "kind"}}]}.

Whatever a submission prints or raises, what is written is strict UTF-8 JSON: every
string set on a TestResult or Results is cleaned as it is set (a lone surrogate, which
JSON's \\u escapes let a worker send, becomes U+FFFD: it could be neither encoded as
UTF-8 nor read by strict JSON parsers), and no number is NaN or infinite.
"""
import contextlib
import json
import math
import os
import tempfile
import time
from dataclasses import asdict, dataclass, field

VISIBLE, AFTER_PUBLISHED = "visible", "after_published"


def clean_text(text):
    """`text` as UTF-8 can hold it: lone surrogates become U+FFFD (a pair, its character)."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def plain(value):
    """`value` as strict JSON can hold it: strings cleaned, NaN and infinities 0, keys strings."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, bool) or value is None or isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else 0.0
    if isinstance(value, dict):
        return {clean_text(str(k)): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return clean_text(str(value))


class _Clean:
    """Every attribute set is made plain(): the terminal table and results.json read the same text."""

    def __setattr__(self, name, value):
        super().__setattr__(name, value if name == "tests" else plain(value))


@dataclass
class TestResult(_Clean):
    name: str
    number: str
    score: float
    max_score: float
    status: str
    output: str
    visibility: str
    tags: list = field(default_factory=list)
    extra_data: dict = field(default_factory=dict)  # the check's id and its part's kind

    @property
    def passed(self):
        return self.status == "passed"


@dataclass
class Results(_Clean):
    assignment: str
    tests: list = field(default_factory=list)
    output: str = ""
    started: float = field(default_factory=time.monotonic)

    @property
    def score(self):
        return round(sum(t.score for t in self.tests), 6)

    @property
    def max_score(self):
        return round(sum(t.max_score for t in self.tests), 6)

    def by_part(self):
        """{part tag: points scored} for gradebook columns."""
        parts = {}
        for test in self.tests:
            part = test.tags[0] if test.tags else test.name
            parts[part] = parts.get(part, 0) + test.score
        return parts

    def to_gradescope(self):
        return plain({"score": self.score, "execution_time": round(time.monotonic() - self.started, 3),
                      "output": self.output, "visibility": VISIBLE, "stdout_visibility": "hidden",
                      "tests": [asdict(t) for t in self.tests]})

    def write(self, path):
        """Atomically replace `path`, so a run killed at any moment leaves a whole file.

        The temporary file gets a fresh random name, created exclusively and never
        through a link (mkstemp): at a fixed name such as PATH.partial, in a folder
        others may write to (/tmp), student code could plant a symbolic link for the
        grader, running as root, to write through.
        """
        if path is None:
            return
        fd, temporary = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".partial",
                                         dir=os.path.dirname(os.path.abspath(path)))
        try:
            with os.fdopen(fd, "w") as stream:
                json.dump(self.to_gradescope(), stream, indent=1, allow_nan=False)
            os.chmod(temporary, 0o644)
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
