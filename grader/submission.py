"""Bring a student's submission into a clean working folder for grading.

A submission is a folder, a zip file (whatever its extension) or a single
.py/.ipynb file. Its content is untrusted: names may try to escape the working
folder, members may be symbolic links, sizes may be lies, notebooks may not be
notebooks. Nothing here runs student code; it only copies bytes, so the checks
below are the whole defence until the sandbox takes over.

Bad input raises SubmissionError with one readable line naming the problem and
the place inside the submission (never a path on the grading machine).
Anything merely odd (a symlink, a stray PDF, a wrapping folder) is skipped or
fixed and reported in `notes`, so that grading goes on.

Sizes are bounded for what the grader itself parses, whose cost in memory and time
is many times its size (ast.parse: up to 700 bytes per byte of source): an expected
source over MAX_SOURCE_BYTES is refused, another .py over it skipped with a note; a
notebook standing in for one is refused (skipped, beside its .py) over
MAX_NOTEBOOK_BYTES, over MAX_NOTEBOOK_VALUES JSON values (nbformat builds objects of
each) or with more than MAX_SOURCE_BYTES of code.
"""
from __future__ import annotations

import contextlib
import json
import os
import re
import stat
import zipfile
import zlib
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import BinaryIO, Callable, Iterator

import nbformat

from grader.sandbox.wire import count_values

MAX_FILES = 200                  # files copied into the working folder
MAX_BYTES = 50 * 2**20           # their total size
MAX_ENTRIES = 10_000             # everything listed or walked, kept or not
MAX_DEPTH = 32                   # folder nesting inside a submission
MAX_SOURCE_BYTES = 256 * 2**10   # one .py file (as grader.checks.static reads them); the largest reference: 18 KB
MAX_NOTEBOOK_BYTES = 20 * 2**20  # one notebook standing in for an expected file, outputs and all
MAX_NOTEBOOK_VALUES = 200_000    # the JSON values in it (cells, lines, outputs...)
CHUNK = 2**16

# Files worth copying besides the expected ones: helpers the student's code may
# import and small data it may load. Reports, images, archives are not graded.
CODE_SUFFIXES = {".py"}
DATA_SUFFIXES = {".txt", ".csv", ".tsv", ".json", ".yaml", ".yml", ".npy",
                 ".npz", ".pt", ".pth", ".pkl", ".pickle", ".dat"}
# Folders no student writes by hand; a venv would blow the file cap on its own.
JUNK_DIRS = {"__MACOSX", "__pycache__", "node_modules", "site-packages", "venv"}
# Cell magics whose body is ordinary Python that IPython merely times or wraps.
PYTHON_CELL_MAGICS = {"time", "timeit", "capture", "prun"}

ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError,
              OSError, ValueError, NotImplementedError, RuntimeError)
_DRIVE = re.compile(r"^[A-Za-z]:")


class SubmissionError(Exception):
    """One readable line: what is wrong and where."""


@dataclass
class PreparedSubmission:
    workdir: Path          # where the files now are
    present: list[str]     # expected file names found (after notebook conversion)
    missing: list[str]     # expected file names not found
    notes: list[str] = field(default_factory=list)  # one-line notes for the student
    notebooks: dict[str, str] = field(default_factory=dict)  # {file: the notebook it was made from}


@dataclass(frozen=True)
class _Entry:
    parts: tuple[str, ...]            # path inside the submission, already checked
    size: int                         # declared size in bytes
    open: Callable[[], BinaryIO]
    in_zip: bool = False
    encrypted: bool = False

    @property
    def name(self) -> str:
        return "/".join(self.parts)


class _Skips:
    """Collects skipped entries by reason, so a hostile zip with thousands of
    symlinks gives one note, not thousands."""

    def __init__(self):
        self.by_reason: dict[str, list[str]] = {}

    def add(self, reason: str, name: str) -> None:
        self.by_reason.setdefault(reason, []).append(_show(name))

    def notes(self) -> list[str]:
        out = []
        for reason, names in self.by_reason.items():
            shown = ", ".join(names[:5])
            more = f" and {len(names) - 5} more" if len(names) > 5 else ""
            out.append(f"skipped ({reason}): {shown}{more}")
        return out


def prepare_submission(source: Path, workdir: Path,
                       expected_files: list[str]) -> PreparedSubmission:
    """Copy what grading needs from `source` into the empty folder `workdir`."""
    source, workdir = Path(source), Path(workdir)
    if not workdir.is_dir() or any(workdir.iterdir()):
        raise ValueError(f"workdir must be an existing empty folder: {workdir}")
    notes: list[str] = []
    skips = _Skips()
    with _listing(source, expected_files, notes, skips) as (label, entries):
        plan = _plan(entries, expected_files, notes, skips)
        _check_sources(label, plan, expected_files, skips)
        _check_caps(label, plan)
        _copy_all(label, plan, workdir)
    origins = {dest: entry.name for dest, entry in plan.items()}
    notebooks = {expected: notebook for expected in expected_files
                 if (notebook := _maybe_convert_notebook(workdir, expected, origins, notes))}
    present = [e for e in expected_files if (workdir / e).is_file()]
    missing = [e for e in expected_files if e not in present]
    return PreparedSubmission(workdir, present, missing, notes + skips.notes(), notebooks)


# ---------------------------------------------------------------- listing ---

@contextlib.contextmanager
def _listing(source: Path, expected: list[str], notes: list[str],
             skips: _Skips) -> Iterator[tuple[str, list[_Entry]]]:
    """Yields (label, entries): what the submission holds, junk and unsafe
    entries already skipped. A zip stays open until the copy is done."""
    label = source.name or "submission"
    if source.is_dir():
        entries = _folder_entries(source, label, skips)
        inner = _lone_zip(source, entries, expected)
        if inner is None:
            yield label, entries
            return
        # An upload tool may hand us the student's zip unopened inside a folder.
        notes.append(f"unpacked {_show(inner.name)} found in the submission folder")
        with _zip_listing(source.joinpath(*inner.parts), inner.name, skips) as got:
            yield got
    elif source.suffix.lower() in (".py", ".ipynb"):
        yield label, [_Entry((source.name,), source.lstat().st_size,
                             partial(_open_nofollow, source.parent, (source.name,)))]
    elif source.suffix.lower() == ".zip" or _looks_like_zip(source):
        with _zip_listing(source, label, skips) as got:
            yield got
    else:
        raise SubmissionError(f"{_show(label)} is not a folder, a zip file, "
                              "or a .py/.ipynb file")


def _looks_like_zip(path: Path) -> bool:
    # The magic bytes catch truncated zips too, so they get the zip message.
    try:
        with open(path, "rb") as f:
            head = f.read(4)
        return head in (b"PK\x03\x04", b"PK\x05\x06") or zipfile.is_zipfile(path)
    except OSError:
        return False


def _lone_zip(root: Path, entries: list[_Entry], expected: list[str]) -> _Entry | None:
    """The folder's only file, when it is a zip and nothing expected is beside it."""
    if len(entries) != 1 or any(_candidates(entries, e) for e in expected):
        return None
    entry = entries[0]
    path = root.joinpath(*entry.parts)
    if entry.parts[-1].lower().endswith(".zip") or _looks_like_zip(path):
        return entry
    return None


def _folder_entries(root: Path, label: str, skips: _Skips) -> list[_Entry]:
    """Regular files under `root`; symlinks are reported, never followed."""
    entries: list[_Entry] = []
    seen = 0
    stack: list[tuple[str, ...]] = [()]
    while stack:
        rel = stack.pop()
        with os.scandir(root.joinpath(*rel)) as it:
            listing = sorted(it, key=lambda d: d.name)
        for de in listing:
            seen += 1
            if seen > MAX_ENTRIES:
                raise SubmissionError(f"{_show(label)} holds more than {MAX_ENTRIES} files")
            parts = rel + (de.name,)
            if _is_junk(parts):
                continue
            if de.is_symlink():
                skips.add("symbolic link, not followed", "/".join(parts))
            elif de.is_dir(follow_symlinks=False):
                if len(parts) >= MAX_DEPTH:
                    skips.add("folder nested too deep", "/".join(parts))
                else:
                    stack.append(parts)
            elif de.is_file(follow_symlinks=False):
                size = de.stat(follow_symlinks=False).st_size
                entries.append(_Entry(parts, size, partial(_open_nofollow, root, parts)))
            else:
                skips.add("not a regular file", "/".join(parts))
    entries.sort(key=lambda e: e.parts)
    return entries


def _open_nofollow(root: Path, parts: tuple[str, ...]) -> BinaryIO:
    """Opens root/parts refusing a symlink at every step, so a folder swapped
    for a link after the walk still cannot lead outside the submission."""
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    try:
        for part in parts[:-1]:
            nxt = os.open(part, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=fd)
            os.close(fd)
            fd = nxt
        # O_NONBLOCK: opening a FIFO must not hang the grader.
        ffd = os.open(parts[-1], os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=fd)
    finally:
        os.close(fd)
    if not stat.S_ISREG(os.fstat(ffd).st_mode):
        os.close(ffd)
        raise OSError(0, "not a regular file")
    return os.fdopen(ffd, "rb")


@contextlib.contextmanager
def _zip_listing(path: Path, label: str,
                 skips: _Skips) -> Iterator[tuple[str, list[_Entry]]]:
    try:
        zf = zipfile.ZipFile(path)
    except ZIP_ERRORS as exc:
        raise SubmissionError(f"{_show(label)} is not a readable zip file: {_one_line(exc)}")
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_ENTRIES:
            raise SubmissionError(f"{_show(label)} holds more than {MAX_ENTRIES} entries")
        yield label, _zip_entries(zf, infos, skips)


def _zip_entries(zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo],
                 skips: _Skips) -> list[_Entry]:
    entries, taken = [], set()
    for info in infos:
        kind = _zip_kind(info)
        parts = _safe_parts(info.filename)
        if kind == "dir":
            continue  # folders are created as their files need them
        if parts is None:
            skips.add("unsafe path", info.filename)
        elif _is_junk(parts):
            continue
        elif kind == "symlink":
            skips.add("symbolic link, not created", info.filename)
        elif kind == "special":
            skips.add("not a regular file", info.filename)
        elif parts in taken:
            skips.add("duplicate entry, kept the first", info.filename)
        else:
            taken.add(parts)
            entries.append(_Entry(parts, info.file_size, partial(zf.open, info), in_zip=True,
                                  encrypted=bool(info.flag_bits & 0x1)))
    return entries


def _zip_kind(info: zipfile.ZipInfo) -> str:
    # Unix mode bits live in the high half of external_attr; 0 means "not
    # given" (DOS/Windows zips) and is an ordinary file.
    ftype = stat.S_IFMT(info.external_attr >> 16)
    if info.filename.endswith(("/", "\\")) or ftype == stat.S_IFDIR:
        return "dir"
    if ftype == stat.S_IFLNK:
        return "symlink"
    if ftype not in (0, stat.S_IFREG):
        return "special"
    return "file"


def _safe_parts(name: str) -> tuple[str, ...] | None:
    """The member's path as folder names, or None when it could point outside
    the working folder (absolute, drive letter, `..`) or is unprintable."""
    if "\x00" in name:
        return None
    name = name.replace("\\", "/")  # old Windows zippers; also defeats ..\ tricks
    if name.startswith("/") or _DRIVE.match(name):
        return None
    parts = tuple(p for p in name.split("/") if p not in ("", "."))
    if not parts or len(parts) > MAX_DEPTH:
        return None
    for part in parts:
        if part == ".." or ":" in part or not part.isprintable() \
                or len(part.encode("utf-8", "surrogateescape")) > 255:
            return None
    return parts


def _is_junk(parts: tuple[str, ...]) -> bool:
    # Dotfiles cover .git, .DS_Store, .ipynb_checkpoints, ._resource forks.
    return any(p.startswith(".") or p in JUNK_DIRS for p in parts) \
        or parts[-1].endswith(".pyc")


# --------------------------------------------------------------- planning ---

def _plan(entries: list[_Entry], expected: list[str], notes: list[str],
          skips: _Skips) -> dict[tuple[str, ...], _Entry]:
    """Decides where each kept entry goes: {path in workdir: entry}."""
    root = _choose_root(entries, expected)
    if root:
        notes.append(f"your files were inside folder {_show('/'.join(root))}/; "
                     "graded them as if they were at the top")
    plan: dict[tuple[str, ...], _Entry] = {}
    for entry in entries:
        if len(entry.parts) > len(root) and entry.parts[:len(root)] == root:
            plan[entry.parts[len(root):]] = entry
    for name in expected:
        _relocate(name, entries, plan, notes)
    return _keep(plan, entries, expected, notes, skips)


def _variants(name: str) -> list[tuple[str, ...]]:
    """Paths that can supply an expected file: itself, or its notebook."""
    parts = tuple(name.split("/"))
    if name.endswith(".py"):
        return [parts, parts[:-1] + (parts[-1][:-3] + ".ipynb",)]
    return [parts]


def _candidates(entries: list[_Entry], name: str) -> list[_Entry]:
    """Entries anywhere that could supply `name`, best first: shallow before
    deep, a .py before a notebook."""
    basenames = [v[-1] for v in _variants(name)]
    found = [e for e in entries if e.parts[-1] in basenames]
    return sorted(found, key=lambda e: (len(e.parts), basenames.index(e.parts[-1]), e.parts))


def _choose_root(entries: list[_Entry], expected: list[str]) -> tuple[str, ...]:
    """The folder to treat as the top: the top itself if it holds any expected
    file, else the folder holding the most of them, else the innermost of a
    chain of lone wrapping folders (a zipped folder with misnamed files)."""
    names = {e.parts for e in entries}

    def score(folder):
        return sum(any(folder + v in names for v in _variants(x)) for x in expected)

    if score(()):
        return ()
    folders = sorted({e.parts[:i] for e in entries for i in range(1, len(e.parts))},
                     key=lambda f: (len(f), f))
    best = max(folders, key=score, default=())  # first of the best: shallowest
    if best and score(best):
        return best
    root: tuple[str, ...] = ()
    while True:
        children = {e.parts[len(root)] for e in entries if e.parts[:len(root)] == root}
        if len(children) != 1 or root + tuple(children) in names:
            return root
        root += tuple(children)


def _relocate(name: str, entries: list[_Entry], plan: dict, notes: list[str]) -> None:
    """An expected file still missing at the top is taken from elsewhere in
    the submission (with the .py files beside it, which it may import)."""
    variants = _variants(name)
    if any(v in plan for v in variants):
        return
    found = _candidates(entries, name)
    if not found:
        found = _near_misses(entries, name, plan)
        if len(found) != 1:
            if len(found) > 1:
                notes.append(f"missing {_show(name)}: {', '.join(_show(e.name) for e in found[:5])} could each "
                             "be it; rename the one to grade")
            return
        chosen = found[0]
        dest = variants[0] if not chosen.parts[-1].lower().endswith(".ipynb") else variants[-1]
        for key in [k for k, e in plan.items() if e is chosen]:
            del plan[key]  # copied once, under the expected name
        plan[dest] = chosen
        notes.append(f"graded {_show(chosen.name)} as {_show('/'.join(dest))}, the name the assignment expects")
        return
    chosen = found[0]
    dest = next(v for v in variants if v[-1] == chosen.parts[-1])
    plan[dest] = chosen
    folder = "/".join(chosen.parts[:-1])
    where = f"in folder {_show(folder)}/" if folder else "at the top of the submission"
    others = f" (ignored {len(found) - 1} other copies)" if len(found) > 1 else ""
    notes.append(f"found {_show(chosen.parts[-1])} {where} and used it{others}")
    for sibling in entries:
        if sibling.parts[:-1] == chosen.parts[:-1] and sibling.parts[-1].endswith(".py"):
            plan.setdefault(dest[:-1] + (sibling.parts[-1],), sibling)


# What browsers and students do to a file's name: "answers (1).py", "Answers.py",
# "sign-network.py", "mlp_final.py", "Copy of modules.ipynb".
_COPY_MARK = re.compile(r"\s*\(\d+\)$|^copy of\s+|\s*-\s*copy$")
_SUFFIX_WORDS = re.compile(r"[_]+(final|v\d+|\d+|copy|new|done|submission|solution|solved|completed?)$")


def _stem_key(filename: str) -> tuple[str, str]:
    """("answers", ".py") for "Answers (1).py": the name a student meant, and its suffix."""
    stem, suffix = os.path.splitext(filename)
    stem = _COPY_MARK.sub("", stem.strip().lower())
    stem = re.sub(r"[\s\-.]+", "_", stem)
    while (shorter := _SUFFIX_WORDS.sub("", stem)) != stem and shorter:
        stem = shorter
    return stem.strip("_"), suffix.lower()


def _near_misses(entries: list[_Entry], name: str, plan: dict) -> list[_Entry]:
    """Files whose names are a near miss of the expected `name` (or of its notebook), not yet used."""
    wanted = {_stem_key(v[-1]) for v in _variants(name)}
    used = {id(e) for dest, e in plan.items() if dest[-1] != e.parts[-1]}  # already standing in for another
    return [e for e in entries if id(e) not in used and _stem_key(e.parts[-1]) in wanted
            and e.parts[-1] not in {v[-1] for v in _variants(name)}]


def _keep(plan: dict, entries: list[_Entry], expected: list[str],
          notes: list[str], skips: _Skips) -> dict[tuple[str, ...], _Entry]:
    """Only what grading needs: expected files, notebooks standing in for
    them, helper code and small data. Everything else is listed, not copied."""
    wanted = {v for x in expected for v in _variants(x)}
    kept: dict[tuple[str, ...], _Entry] = {}
    folders: set[tuple[str, ...]] = set()  # a file may not take a folder's place
    for dest, entry in sorted(plan.items()):
        suffix = os.path.splitext(dest[-1])[1].lower()
        if dest not in wanted and suffix not in CODE_SUFFIXES | DATA_SUFFIXES:
            continue
        if dest in folders or any(dest[:i] in kept for i in range(1, len(dest))):
            skips.add("path clashes with another file", entry.name)
            continue
        kept[dest] = entry
        folders.update(dest[:i] for i in range(1, len(dest)))
    # A .py next to its notebook: both are copied, and the one that holds work is graded
    # (_maybe_convert_notebook), since a handout ships a stub of each.
    used = {id(e) for e in kept.values()}
    for entry in entries:
        if id(entry) not in used:
            skips.add("not needed for grading", entry.name)
    return kept


# ---------------------------------------------------------------- copying ---

def _check_caps(label: str, plan: dict[tuple[str, ...], _Entry]) -> None:
    # Declared sizes first: a zip bomb is refused before a byte is inflated.
    if len(plan) > MAX_FILES:
        raise SubmissionError(f"{_show(label)} holds {len(plan)} files to grade "
                              f"(limit {MAX_FILES})")
    for entry in plan.values():
        if entry.size > MAX_BYTES:
            raise SubmissionError(f"{_show(label)}: {_show(entry.name)} would unpack to "
                                  f"{_mb(entry.size)} (limit {_mb(MAX_BYTES)} in all)")
    total = sum(e.size for e in plan.values())
    if total > MAX_BYTES:
        raise SubmissionError(f"{_show(label)}: the files to grade would unpack to "
                              f"{_mb(total)} (limit {_mb(MAX_BYTES)})")


def _source_limit(dest: tuple[str, ...]) -> int | None:
    suffix = os.path.splitext(dest[-1])[1].lower()
    return {".py": MAX_SOURCE_BYTES, ".ipynb": MAX_NOTEBOOK_BYTES}.get(suffix)


def _check_sources(label: str, plan: dict[tuple[str, ...], _Entry], expected: list[str],
                   skips: _Skips) -> None:
    """An expected source (or its notebook) over its limit is refused; another .py is skipped.
    Declared sizes suffice: _copy_one refuses a file that unpacks to more than it declares."""
    wanted = {v for x in expected for v in _variants(x)}
    for dest, entry in list(plan.items()):
        limit = _source_limit(dest)
        if limit is None or entry.size <= limit:
            continue
        notebook = dest[-1].endswith(".ipynb")
        if dest in wanted and not (notebook and dest[:-1] + (dest[-1][:-6] + ".py",) in plan):
            what, hint = (("notebook", "clear its outputs, or hand in the .py") if notebook else
                          ("source file", "hand in the code alone: data goes in a file of its own (.npy, .csv)"))
            raise SubmissionError(f"{_show(label)}: {_show(entry.name)} is {_mb(entry.size)}, more than the "
                                  f"{_size(limit)} the grader reads of one {what}; {hint}")
        skips.add(f"{'a notebook' if notebook else 'a .py file'} over {_size(limit)}, not read", entry.name)
        del plan[dest]


def _size(size: int) -> str:
    return f"{size // 2**20} MB" if size >= 2**20 else f"{size // 2**10} KB"


def _copy_all(label: str, plan: dict[tuple[str, ...], _Entry], workdir: Path) -> None:
    budget = MAX_BYTES
    for dest, entry in plan.items():
        target = workdir.joinpath(*dest)
        target.parent.mkdir(parents=True, exist_ok=True)
        budget -= _copy_one(label, entry, target, budget)


def _copy_one(label: str, entry: _Entry, target: Path, budget: int) -> int:
    """Streams one file, counting real bytes: declared sizes may be lies."""
    if entry.encrypted:
        raise SubmissionError(f"{_show(label)}: {_show(entry.name)} is password-protected; "
                              "submit it without a password")
    written = 0
    try:
        # "xb": never write through anything already there.
        with _reading(label, entry) as src, open(target, "xb") as dst:
            while chunk := _read(label, entry, src):
                written += len(chunk)
                if written > entry.size or written > budget:
                    raise _too_big(label, entry, written > entry.size)
                dst.write(chunk)
    except SubmissionError:
        target.unlink(missing_ok=True)  # no half-written file is left behind
        raise
    return written


def _too_big(label: str, entry: _Entry, lied: bool) -> SubmissionError:
    what = (f"more than its declared {_mb(entry.size)}" if lied
            else f"more than the {_mb(MAX_BYTES)} limit")
    return SubmissionError(f"{_show(label)}: {_show(entry.name)} unpacks to {what}")


@contextlib.contextmanager
def _reading(label: str, entry: _Entry) -> Iterator[BinaryIO]:
    try:
        src = entry.open()
    except ZIP_ERRORS as exc:
        raise _unreadable(label, entry, exc) from None
    with src:
        yield src


def _read(label: str, entry: _Entry, src: BinaryIO) -> bytes:
    try:
        return src.read(CHUNK)
    except ZIP_ERRORS as exc:
        raise _unreadable(label, entry, exc) from None


def _unreadable(label: str, entry: _Entry, exc: BaseException) -> SubmissionError:
    if entry.in_zip:
        return SubmissionError(f"{_show(label)} is not a readable zip file: "
                               f"{_show(entry.name)}: {_one_line(exc)}")
    return SubmissionError(f"could not read {_show(entry.name)} in {_show(label)}: "
                           f"{_one_line(exc)}")


# -------------------------------------------------------------- notebooks ---

def _maybe_convert_notebook(workdir: Path, expected: str,
                            origins: dict[tuple[str, ...], str], notes: list[str]) -> str | None:
    """Make `expected` from its notebook where that is the one to grade; the notebook's name if so."""
    variants = _variants(expected)
    if len(variants) < 2:
        return
    nb_path, py_path = workdir.joinpath(*variants[1]), workdir / expected
    if not nb_path.is_file():
        return
    shown = _show(origins.get(variants[1], variants[1][-1]))
    raw = nb_path.read_bytes()
    try:
        code, n_cells, details = _notebook_to_python(raw)
    except _TooCostly as exc:  # one line saying which limit, before nbformat or compile() spend it
        if py_path.exists():
            notes.append(f"found both {_show(expected)} and {shown}; graded {_show(expected)} "
                         f"({shown} {exc})")
            nb_path.unlink()
            return
        raise SubmissionError(f"{shown} {exc}") from None
    except Exception as exc:  # nbformat raises many kinds on hostile input
        if py_path.exists():
            notes.append(f"found both {_show(expected)} and {shown}; graded {_show(expected)} "
                         f"({shown} is not a notebook: {_one_line(exc)})")
            nb_path.unlink()
            return
        raise SubmissionError(f"{shown} is not a notebook: {_one_line(exc)}") from None
    nb_path.unlink()  # graded through the .py from here on, whichever it is
    if py_path.exists():
        py_left, nb_left = _stubs_left(py_path.read_text(errors="replace")), _stubs_left(code)
        if nb_left >= py_left:
            notes.append(f"found both {_show(expected)} and {shown}; graded {_show(expected)}")
            return None
        notes.append(f"found both {_show(expected)} and {shown}; graded {shown}, which holds the work "
                     f"({_show(expected)} still raises NotImplementedError in {py_left} place(s))")
    py_path.write_text(code, encoding="utf-8")
    extra = f"; {'; '.join(details)}" if details else ""
    notes.append(f"{_show(expected)} was taken from {shown} ({n_cells} code cells){extra}")
    return shown


def _stubs_left(source: str) -> int:
    """How many `raise NotImplementedError` a source still holds: the handout's stubs hold one per task."""
    return len(re.findall(r"^\s*raise\s+NotImplementedError\b", source, re.M))


class _TooCostly(Exception):
    """A notebook that would cost the grader too much to read: what it holds, and the limit."""


def _notebook_to_python(raw: bytes) -> tuple[str, int, list[str]]:
    """(source, number of code cells, notes on what was changed)."""
    values = count_values(raw, MAX_NOTEBOOK_VALUES)
    if values > MAX_NOTEBOOK_VALUES:
        raise _TooCostly(f"holds about {values} JSON values (cells, lines of output...), more than the "
                         f"{MAX_NOTEBOOK_VALUES} the grader reads of one notebook; clear its outputs, or hand in the .py")
    json.loads(raw.decode("utf-8"))  # for json's own clear message on non-JSON
    nb = nbformat.reads(raw.decode("utf-8"), as_version=4, capture_validation_error={})
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise ValueError("it has no list of cells")
    chunks, removed, left_out = [], 0, []
    code_cells = [(n, c) for n, c in enumerate(nb["cells"], start=1)
                  if isinstance(c, dict) and c.get("cell_type") == "code"]
    size = sum(len(_cell_text(c)) for _, c in code_cells)  # before any of it is compiled
    if size > MAX_SOURCE_BYTES:
        raise _TooCostly(f"holds {_mb(size)} of code in its cells, more than the {_size(MAX_SOURCE_BYTES)} "
                         "the grader reads of one source file")
    for number, cell in code_cells:
        src = cell.get("source", "")
        src = "".join(src) if isinstance(src, list) else src
        if not isinstance(src, str):
            raise ValueError(f"cell {number} has no text")
        text, n_removed = _cell_to_python(src.replace("\x00", ""))
        removed += n_removed
        if text is None:
            left_out.append(f"{number} ({_syntax_error(src)})")
            text = "# [grader] left out: not valid Python\n"
        chunks.append(f"# ---- notebook cell {number} ----\n{text}")
    details = [f"removed {removed} IPython line(s)"] if removed else []
    if left_out:
        details.append(f"left out cell(s) not valid Python: {'; '.join(left_out)}")
    # Jupyter runs a cell's text as it is: a cell's own "# coding:" line must not change how
    # Python decodes the file, so the file declares UTF-8 first.
    text = NOTEBOOK_HEADER + "\n\n".join(chunks) + "\n"
    if len(text.encode("utf-8", "surrogatepass")) > MAX_SOURCE_BYTES:
        raise _TooCostly(f"holds {_mb(len(text))} of code with its cell marks, more than the "
                         f"{_size(MAX_SOURCE_BYTES)} the grader reads of one source file")
    return text, len(code_cells), details


NOTEBOOK_HEADER = "# -*- coding: utf-8 -*-\n"


def _cell_text(cell: dict) -> str:
    src = cell.get("source", "")
    src = "".join(s for s in src if isinstance(s, str)) if isinstance(src, list) else src
    return src if isinstance(src, str) else ""


def _cell_to_python(src: str) -> tuple[str | None, int]:
    """(Python text, IPython lines removed); None when the cell is beyond
    repair: in a notebook a broken cell fails alone, so it must not sink
    the whole module."""
    if _compiles(src):
        return src, 0
    cleaned, removed = _strip_magics(src)
    return (cleaned, removed) if _compiles(cleaned) else (None, 0)


def _strip_magics(src: str) -> tuple[str, int]:
    """Replaces IPython-only lines (`%magic`, `!shell`) so the rest is Python.
    An indented one becomes `pass`, so the block around it stays valid."""
    lines = src.splitlines()
    first = lines[0].strip() if lines else ""
    if first.startswith("%%"):
        magic = (first[2:].split() or [""])[0]
        if magic not in PYTHON_CELL_MAGICS:
            return "\n".join("# " + line for line in lines) + "\n", len(lines)
        lines = lines[1:]
    out, removed = [], int(first.startswith("%%"))
    for line in lines:
        stripped = line.lstrip()
        if stripped.startswith("%") or (stripped.startswith("!") and not stripped.startswith("!=")):
            indent = line[:len(line) - len(stripped)]
            out.append(f"{indent}pass  # [grader] removed: {stripped}" if indent
                       else f"# [grader] removed: {stripped}")
            removed += 1
        else:
            out.append(line)
    return "\n".join(out) + "\n", removed


def _syntax_error(src: str) -> str:
    """What is wrong with a cell that does not compile, and where in the cell."""
    try:
        compile(_strip_magics(src)[0], "<cell>", "exec", dont_inherit=True)
    except SyntaxError as exc:
        return f"line {exc.lineno} of the cell: {_show(exc.msg, 80)}"
    except (ValueError, RecursionError, MemoryError) as exc:
        return _one_line(exc)
    return "not valid Python"


def _compiles(src: str) -> bool:
    try:
        compile(src, "<cell>", "exec", dont_inherit=True)
        return True
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False


# ---------------------------------------------------------------- helpers ---

def _show(name: str, limit: int = 120) -> str:
    """A submission path made safe for a one-line message."""
    text = "".join(c if c.isprintable() else "?" for c in str(name))
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _one_line(exc: BaseException) -> str:
    # OSError's str() would carry the grader's own paths; strerror does not.
    text = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    return _show(" ".join(text.split()) or type(exc).__name__, 200)


def _mb(size: int) -> str:
    return f"{size / 2**20:.1f} MB"
