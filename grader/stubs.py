"""A student's stub from its reference: the solution regions cut out.

The reference is plain runnable Python; what students must write is marked,
as otter-grader and nbgrader mark it:

    def forward(self, x):
        "(batch, in) -> (batch, out)."
        # BEGIN SOLUTION: return x W^T + b
        #   (and remember x for backward)
        self.x = x
        return x @ self.weight.T + self.bias
        # END SOLUTION

becomes, in the stub, `raise NotImplementedError("return x W^T + b "
"(and remember x for backward)")` at the region's indentation. The hint is the
text after `BEGIN SOLUTION:`, continued on the comment lines right below it that
start with `#` and three spaces; the stub breaks its string where the hint's
lines break (and where a line would pass WIDTH columns).

A region without a hint is the reference's alone:
- its assignments become `NAME = None`, their trailing comments kept
  (`Q3_CONVEX = True  # bool: ...` -> `Q3_CONVEX = None  # bool: ...`);
- its `# STUB: code` lines, if it has any, stand in the stub instead;
- anything else in it (imports, helpers of the reference's own) disappears.
"""
import ast
import io
import re
import textwrap
import tokenize
from dataclasses import dataclass

BEGIN = re.compile(r"^(?P<indent>\s*)# BEGIN SOLUTION(?::\s*(?P<hint>.*\S))?\s*$")
CONTINUED = re.compile(r"^\s*#   \s*(?P<more>.*\S)\s*$")
END = re.compile(r"^\s*# END SOLUTION\s*$")
STUB = re.compile(r"^\s*# STUB: ?(?P<code>.*)$")
WIDTH = 110  # where a hint's string is broken


class StubError(ValueError):
    """A reference whose solution markers do not pair up; one line says where."""


@dataclass
class Region:
    start: int  # index of the BEGIN line
    end: int    # index of the END line
    indent: str
    hint: list | None  # its lines
    body: list  # the lines between the markers, hint continuations excluded


def regions(lines, where="reference"):
    """The solution regions of `lines` (no newlines), in order; StubError if unbalanced."""
    found, current = [], None
    for number, line in enumerate(lines):
        if (begin := BEGIN.match(line)) is not None:
            if current is not None:
                raise StubError(f"{where} line {number + 1}: BEGIN SOLUTION inside the region "
                                f"opened on line {current.start + 1}")
            hint = None if begin["hint"] is None else [begin["hint"]]
            current = Region(number, -1, begin["indent"], hint, [])
        elif END.match(line):
            if current is None:
                raise StubError(f"{where} line {number + 1}: END SOLUTION without BEGIN SOLUTION")
            current.end = number
            found.append(current)
            current = None
        elif current is not None:
            more = CONTINUED.match(line)
            if current.hint is not None and not current.body and more:
                current.hint.append(more["more"])
            else:
                current.body.append(line)
    if current is not None:
        raise StubError(f"{where} line {current.start + 1}: BEGIN SOLUTION is never closed")
    return found


def raise_hint(indent, hint):
    """`raise NotImplementedError("hint")` for the hint's lines, split to fit WIDTH columns."""
    head = f'{indent}raise NotImplementedError('
    room = max(WIDTH - len(head) - 3, 30)
    pieces = []
    for number, line in enumerate(hint):
        text = line + (" " if number < len(hint) - 1 else "")
        pieces += wrapped(text, room)
    quoted = [quote(p) for p in pieces]
    if len(quoted) == 1:
        return [f"{head}{quoted[0]})"]
    pad = " " * len(head)
    return [f"{head}{quoted[0]}"] + [f"{pad}{q}" for q in quoted[1:-1]] + [f"{pad}{quoted[-1]})"]


def wrapped(text, room):
    """`text` in pieces of at most `room` characters, broken after spaces; joined, they are `text`."""
    pieces = [""]
    for word in re.findall(r"\S+\s*", text):
        if pieces[-1] and len(pieces[-1]) + len(word.rstrip()) > room:
            pieces.append("")
        pieces[-1] += word
    return [p for p in pieces if p]


def quote(text):
    """A Python string literal of `text`: double quotes unless the text holds some."""
    return repr(text) if '"' in text else '"' + text.replace("\\", "\\\\") + '"'


def blanked(region):
    """A hint-less region's stub lines: its STUB lines, else its assignments set to None."""
    stubbed = [region.indent + m["code"] for line in region.body if (m := STUB.match(line))]
    if stubbed:
        return stubbed
    code = textwrap.dedent("\n".join(region.body)) + "\n"
    comments = {}
    for token in tokenize.generate_tokens(io.StringIO(code).readline):
        if token.type == tokenize.COMMENT:
            comments[token.start[0]] = (token.start[1], token.string)
    kept = []
    for node in ast.parse(code).body:
        targets = node.targets if isinstance(node, ast.Assign) else \
            [node.target] if isinstance(node, ast.AnnAssign) else []
        for target in targets:
            if not isinstance(target, ast.Name):
                continue
            line = f"{target.id} = None"
            column, comment = comments.get(node.end_lineno, (None, None))
            if comment:
                line = line.ljust(column) if column > len(line) + 1 else line + "  "
                line += comment
            kept.append(region.indent + line)
    return kept


def stub_source(reference, where="reference"):
    """The stub of the reference source text `reference`."""
    lines = reference.splitlines()
    out, position = [], 0
    for region in regions(lines, where):
        out += lines[position:region.start]
        if region.hint is not None:
            out += raise_hint(region.indent, region.hint)
        else:
            out += blanked(region)
        position = region.end + 1
    out += lines[position:]
    text = "\n".join(out) + ("\n" if reference.endswith("\n") else "")
    return re.sub(r"\n{4,}", "\n\n\n", text)  # a removed helper leaves no gap wider than PEP 8's


def split_docstring(source):
    """(module docstring or "", the source after it) of a stub or reference."""
    module = ast.parse(source)
    first = module.body[0] if module.body else None
    if not (isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
            and isinstance(first.value.value, str)):
        return "", source
    lines = source.splitlines(keepends=True)
    return first.value.value, "".join(lines[first.end_lineno:])
