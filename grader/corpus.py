"""Example submissions kept as small diffs against one base copy of the reference.

    tests/submissions/ID/
        buggy/_base/       a frozen copy of the reference the examples were written against
        buggy/NAME/        one real mistake: FILE.diff (or whole files) and expected.toml
        correct/NAME/      another correct answer, diffed against buggy/_base as well

A folder of a corpus holds whole files, or `NAME.diff`: a unified diff turning
`_base/NAME` into the student's file. Both are real student code once
materialised; the files an example does not hold are the base's. Its
expected.toml says why it is there and which checks it must fail:

    why = "grad_b averaged over the batch instead of summed"
    fails = ["linear_map_parameter_gradients", ...]
"""
import re
import tomllib
from pathlib import Path

EXPECTED = "expected.toml"
BASE = "_base"

HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@")


class CorpusError(Exception):
    """A diff that does not apply to its base: one line saying where."""


def base_of(folder):
    """The _base/ folder an example's diffs apply to: its corpus's own, else buggy/'s."""
    own = Path(folder).parent / BASE
    return own if own.is_dir() else Path(folder).parent.parent / "buggy" / BASE


def submission_files(folder):
    """{file name: text} of the example in `folder` (its own files only)."""
    folder = Path(folder)
    files = {}
    for path in sorted(folder.iterdir()):
        if path.name == EXPECTED:
            continue
        if path.suffix == ".diff":
            base = base_of(folder) / path.stem
            files[path.stem] = apply_diff(base.read_text(), path.read_text(), str(path))
        else:
            files[path.name] = path.read_text()
    return files


def write_submission(folder, destination, files=()):
    """Materialise the example in `folder` into the existing folder `destination`, with the
    base's copy of each of `files` that the example does not hold."""
    own = submission_files(folder)
    for name in files:
        base = base_of(folder) / name
        handed_in = name in own or Path(name).with_suffix(".ipynb").name in own  # a notebook stands for it
        if not handed_in and base.is_file():
            (Path(destination) / name).write_text(base.read_text())
    for name, text in own.items():
        (Path(destination) / name).write_text(text)


def expected(folder):
    """(why, set of checks it must fail) from the example's expected.toml."""
    data = tomllib.loads((Path(folder) / EXPECTED).read_text(encoding="utf-8"))
    return data["why"], set(data.get("fails", []))


def examples(corpus):
    """The example folders of a corpus folder (buggy/ or correct/), sorted; none if it is absent."""
    corpus = Path(corpus)
    return sorted(p for p in corpus.iterdir() if p.is_dir() and p.name != BASE) if corpus.is_dir() else []


def apply_diff(base, diff, where):
    """`base` with the unified `diff` applied; every context and removed line must match."""
    source, result, position = base.splitlines(keepends=True), [], 0
    lines = diff.splitlines(keepends=True)
    for number, line in enumerate(lines):
        match = HUNK.match(line)
        if not match:
            continue
        start = int(match.group(1)) - (0 if match.group(2) == "0" else 1)
        result += source[position:start]
        position = start
        for body in lines[number + 1:]:
            if body.startswith(("@@", "--- ", "+++ ")):
                break
            if body[:1] in (" ", "-"):
                if position >= len(source) or source[position] != body[1:]:
                    raise CorpusError(f"{where}: line {position + 1} of the base does not match the diff")
                position += 1
            if body[:1] in (" ", "+"):
                result.append(body[1:])
    return "".join(result + source[position:])
