"""Grading a folder of submissions into one CSV: in parallel, resumable after any kill.

grades.csv holds `student,total,max,PART...`; each row is appended with one
write() to an O_APPEND file and fsynced as its student finishes, so a run
killed at any moment leaves whole rows (and at worst a torn last line, which
the next run drops). A run that ends sorts the rows by student (rewriting the
file atomically), so the CSV is in a stable order whatever order the students
finished in. Each student's Gradescope results.json is STUDENT.json in the
folder named as the CSV without its extension plus `.results`, beside it
(grades.csv: grades.results/alice.json; `results_folder`).

`regrade` names students graded again although the CSV has them (a fixed
submission, a fixed check): their rows are taken out of the CSV first
(atomically), so a run killed meanwhile leaves them to the next run, and never
two rows for one student.

Every student is graded in a child process (`python -m grader.gradebook`), so
a grader crash, a hang or a memory blow-up costs that student alone. Each
parallel job owns one sandbox slot, hence its own sandbox uid.
"""
import argparse
import csv
import ctypes
import io
import json
import os
import queue
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from grader import paths

SLOT_BASE = 1  # slot 0 stays free for a `grader grade` run beside the gradebook
GRACE_SECONDS = 120


class GradebookError(Exception):
    """One readable line: why the gradebook cannot start."""


@dataclass
class Summary:
    graded: int
    already: int
    ignored: list
    regraded: int = 0  # of `graded`, those that had a row before


def results_folder(out):
    """Where each student's results.json goes: grades.csv -> grades.results/ (STUDENT.json in it)."""
    return Path(out).with_suffix(".results")


def students(submissions_dir, own=()):
    """{student id: path}: every folder or .zip under the folder, by name; plus names ignored.

    `own` are the gradebook's own files, never students even when they lie among them.
    """
    found, ignored = {}, []
    own = {Path(p).resolve() for p in own}
    for entry in sorted(Path(submissions_dir).iterdir()):
        if entry.resolve() in own:
            continue
        is_zip = entry.is_file() and entry.suffix.lower() == ".zip"
        student = entry.stem if is_zip else entry.name
        if entry.name.startswith(".") or not (entry.is_dir() or is_zip) \
                or not student.isprintable() or student in found:
            ignored.append(entry.name)
        else:
            found[student] = entry
    return found, ignored


def columns(assignment):
    """The CSV header: student, total, max, then the parts in the order their checks come."""
    parts = []
    for check in assignment.checks(include_hidden=True):
        part = check.part or check.name  # as Results.by_part() names it
        if part not in parts:
            parts.append(part)
    return ["student", "total", "max", *parts]


def run_gradebook(assignment, submissions_dir, out, jobs=1, progress=True, regrade=()):
    """Grade every student not yet in `out`, and those in `regrade` again; returns a Summary."""
    out = Path(out)
    header = columns(assignment)
    results_dir = results_folder(out)
    found, ignored = students(submissions_dir, own=(out, results_dir, partial_path(out)))
    unknown = [s for s in dict.fromkeys(regrade) if s not in found]
    if unknown:
        raise GradebookError(f"--regrade {', '.join(unknown)}: no such student in {submissions_dir} "
                             f"(a folder or .zip named so)")
    done = read_done(out, header)
    again = [s for s in dict.fromkeys(regrade) if s in done]
    if again:
        drop_rows(out, set(again))
        done -= set(again)
    todo = [s for s in found if s not in done]
    results_dir.mkdir(mode=0o700, exist_ok=True)
    secrets = [Path(submissions_dir), results_dir, out]
    protect(secrets)
    hide = hideable(secrets)
    fd = os.open(out, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        if not done and os.fstat(fd).st_size == 0:
            append_line(fd, header)
        grade_all(assignment, {s: found[s] for s in todo}, results_dir, fd, header, jobs, hide,
                  progress_bar(len(found), len(found) - len(todo), progress))
    finally:
        os.close(fd)
    sort_rows(out)
    return Summary(graded=len(todo), already=len(found) - len(todo), ignored=ignored, regraded=len(again))


def grade_all(assignment, todo, results_dir, fd, header, jobs, hide, bar):
    """Grade `todo` with `jobs` children at a time; each row is appended as its student ends."""
    slots = queue.Queue()
    for slot in range(SLOT_BASE, SLOT_BASE + jobs):
        slots.put(slot)

    def one(student, submission):
        slot = slots.get()  # a slot is never held by two children at once
        try:
            return grade_in_child(assignment, submission, results_dir / f"{student}.json", slot, hide)
        finally:
            slots.put(slot)

    with bar, ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(one, s, path): s for s, path in todo.items()}
        try:
            for future in as_completed(futures):
                append_line(fd, row(futures[future], future.result(), header))
                bar.update(1)
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise


def grade_in_child(assignment, submission, result_path, slot, hide):
    """The student's Gradescope results as a dict; a child that fails still yields zeros."""
    result_path.unlink(missing_ok=True)
    command = [sys.executable, "-m", "grader.gradebook", assignment.id, str(submission),
               str(result_path), "--slot", str(slot), f"--course={paths.REPO_ROOT}", *[f"--hide={p}" for p in hide]]
    limit = len(assignment.checks()) * assignment.limits.seconds_per_test + GRACE_SECONDS
    try:
        child = subprocess.run(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, timeout=limit)
        problem = f"exit code {child.returncode}: {last_line(child.stderr)}"
    except subprocess.TimeoutExpired:
        problem = f"it ran past {limit:g} s"
    try:
        return json.loads(result_path.read_text())
    except (OSError, ValueError):
        data = zero_results(assignment, f"the grader failed on this submission ({problem})")
        write_private(result_path, data)
        return data


def row(student, data, header):
    """One CSV row from a results.json dict."""
    parts = {}
    for test in data["tests"]:
        part = test["tags"][0] if test.get("tags") else test["name"]
        parts[part] = parts.get(part, 0) + test["score"]
    total = sum(t["score"] for t in data["tests"])
    maximum = sum(t["max_score"] for t in data["tests"])
    return [student, number(total), number(maximum), *(number(parts.get(p, 0)) for p in header[3:])]


def number(value):
    text = f"{round(value, 6):.6f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def zero_results(assignment, message):
    from grader.grading import fail_everything
    from grader.results import Results
    results = fail_everything(assignment, Results(assignment.id), message, True, None)
    return results.to_gradescope()


# ------------------------------------------------------------------ files ---

def read_done(out, header):
    """Students already in `out`; a torn last line (a kill mid-write) is cut off first."""
    if not out.exists():
        return set()
    data = out.read_bytes()
    whole = data[:data.rfind(b"\n") + 1]
    if len(whole) < len(data):
        os.truncate(out, len(whole))
    rows = list(csv.reader(io.StringIO(whole.decode())))
    if not rows:
        return set()
    if rows[0] != header:
        raise GradebookError(f"{out} has the columns {','.join(rows[0])}, not {','.join(header)}; "
                             "choose another --out")
    return {r[0] for r in rows[1:] if len(r) == len(header)}


def read_rows(out):
    """(header, rows) of the CSV's whole lines."""
    data = out.read_bytes() if out.exists() else b""
    rows = list(csv.reader(io.StringIO(data[:data.rfind(b"\n") + 1].decode())))
    return (rows[0], rows[1:]) if rows else (None, [])


def rewrite_rows(out, header, rows):
    """Replace the CSV by `header` and `rows` at once: a kill leaves the old file or the new one."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    temporary = partial_path(out)
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        data = buffer.getvalue().encode()
        if os.write(fd, data) != len(data):
            raise OSError("short write to the gradebook (disk full?)")
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(temporary, out)
    folder = os.open(out.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


def partial_path(out):
    return out.with_name(out.name + ".partial")


def drop_rows(out, dropped):
    """The CSV without the rows of the students `dropped`."""
    header, rows = read_rows(out)
    rewrite_rows(out, header, [r for r in rows if r[0] not in dropped])


def sort_rows(out):
    """The CSV's rows in order of student (unchanged if they already are)."""
    header, rows = read_rows(out)
    ordered = sorted(rows, key=lambda r: r[0])
    if header is not None and ordered != rows:
        rewrite_rows(out, header, ordered)


def append_line(fd, fields):
    """One CSV line in a single write(), on disk before we go on."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(fields)
    data = buffer.getvalue().encode()
    if os.write(fd, data) != len(data):
        raise OSError("short write to the gradebook (disk full?)")
    os.fsync(fd)


def write_private(path, data):
    """Atomically replace `path` by `data` as JSON, readable by the owner alone."""
    temporary = f"{path}.partial"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as stream:
        json.dump(data, stream, indent=1)
        stream.flush()
        os.fsync(stream.fileno())
    os.replace(temporary, path)


def protect(secrets):
    """Where namespaces are refused, file modes alone keep sandbox users out of other students' files."""
    if os.geteuid() != 0:
        return  # the sandbox runs as us: modes cannot stop it, the hidden mounts do
    for path in secrets:
        if path.exists():
            os.chmod(path, os.stat(path).st_mode & ~0o077)


def hideable(secrets):
    """The secrets a sandbox can be denied: not those holding what a worker needs."""
    from grader.sandbox.runner import python_paths
    needed = [Path(p).resolve() for p in (paths.REPO_ROOT, tempfile.gettempdir(), *python_paths())]
    found = [Path(p).resolve() for p in secrets]
    return [p for p in found if not any(n == p or n.is_relative_to(p) for n in needed)]


def progress_bar(total, initial, enabled):
    from tqdm import tqdm
    return tqdm(total=total, initial=initial, unit="student", desc="grading", file=sys.stderr,
                disable=None if enabled else True, dynamic_ncols=True)


def last_line(stderr):
    lines = [line for line in stderr.decode(errors="replace").splitlines() if line.strip()]
    return lines[-1].strip()[:300] if lines else "no message"


# ------------------------------------------------------------------ child ---

def die_with_parent():
    """A gradebook killed with -9 must not leave its children grading on."""
    try:
        ctypes.CDLL(None).prctl(1, 9)  # PR_SET_PDEATHSIG, SIGKILL
    except (OSError, AttributeError):
        pass


def child_main(argv=None):
    """Grade one submission into RESULT_JSON; run by the gradebook, one child per student."""
    parser = argparse.ArgumentParser(prog="python -m grader.gradebook")
    parser.add_argument("assignment")
    parser.add_argument("submission")
    parser.add_argument("result_json")
    parser.add_argument("--slot", type=int, default=SLOT_BASE)
    parser.add_argument("--hide", action="append", default=[])
    parser.add_argument("--course", help="the course folder the gradebook runs on")
    args = parser.parse_args(argv)
    die_with_parent()
    if args.course:
        paths.use_course(Path(args.course))
    from grader import assignments
    from grader.grading import grade
    assignment = assignments.load(args.assignment)
    try:
        data = grade(assignment, args.submission, slot=args.slot, hide=args.hide).to_gradescope()
    except Exception as exc:  # a grader bug must cost this student's row nothing but points
        data = zero_results(assignment, f"the grader failed on this submission: {type(exc).__name__}: {exc}")
    write_private(Path(args.result_json), data)


if __name__ == "__main__":
    child_main()
