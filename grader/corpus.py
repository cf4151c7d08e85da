"""Example submissions kept as small diffs against one base copy of the reference.

A folder of a corpus holds whole files, or `NAME.diff`: a unified diff turning
`_base/NAME` (a frozen copy of the reference the examples were written against)
into the student's file. Both are real student code once materialised.
"""
import re
from pathlib import Path

HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@")


class CorpusError(Exception):
    """A diff that does not apply to its base: one line saying where."""


def submission_files(folder):
    """{file name: text} of the example in `folder`."""
    folder = Path(folder)
    files = {}
    for path in sorted(folder.iterdir()):
        if path.suffix == ".diff":
            base = folder.parent / "_base" / path.stem
            files[path.stem] = apply_diff(base.read_text(), path.read_text(), str(path))
        else:
            files[path.name] = path.read_text()
    return files


def write_submission(folder, destination):
    """Materialise the example in `folder` into the existing folder `destination`."""
    for name, text in submission_files(folder).items():
        (Path(destination) / name).write_text(text)


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
