"""What grading one submission costs: peak memory and time, for sizing the Gradescope container.

    grader measure ID            # grade the reference, print what it took
    grader measure ID --write    # ... and store it in solutions/ID/assignment.toml

`measure_grading` runs `grader grade ID SUBMISSION` (default: the reference
solution) in a process of its own, as Gradescope's run_autograder does, and
polls /proc every 20 ms: the peak of the resident memory summed over that
process and everything it starts (sandboxed workers, the reference's worker;
shared libraries count once per process, so the sum errs high), its wall time,
and the CPU time of the whole tree. `write_measurement` stores the numbers
under [gradescope] in assignment.toml, where the autograder build reads them:
the build itself measures nothing, so the same sources give the same zip.
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

POLL_SECONDS = 0.02
PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")
SECTION = "gradescope"


@dataclass
class Measurement:
    memory_mb: int  # peak resident memory summed over the grading process tree
    seconds: float  # wall time of the grading command
    cpu_seconds: float  # user + system time of the tree
    processes: int  # the most processes alive in the tree at one time
    score: float = None
    machine: str = ""

    def as_toml(self):
        return {"memory_mb_measured": self.memory_mb, "seconds_measured": self.seconds,
                "cpu_seconds_measured": self.cpu_seconds, "measured_on": self.machine}


def process_tree(root):
    """The pids of `root` and of every process below it, from /proc's parent links."""
    children = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as stream:
                stat = stream.read()
        except OSError:
            continue  # it ended meanwhile
        parent = int(stat[stat.rindex(b")") + 2:].split()[1])  # the command may hold spaces and parens
        children.setdefault(parent, []).append(int(entry.name))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, []))
    return tree


def resident_bytes(pids):
    """The summed resident memory of `pids` (those that ended meanwhile count 0)."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/statm", "rb") as stream:
                total += int(stream.read().split()[1]) * PAGE_BYTES
        except (OSError, IndexError, ValueError):
            pass
    return total


def measure_command(command, cwd=None, env=None, interval=POLL_SECONDS):
    """Run `command`; (peak summed resident bytes, wall seconds, cpu seconds, most processes, exit status)."""
    errors = tempfile.TemporaryFile()
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=errors)
    peak = most = 0
    while True:
        pids = process_tree(process.pid)
        peak, most = max(peak, resident_bytes(pids)), max(most, len(pids))
        finished, status, usage = os.wait4(process.pid, os.WNOHANG)
        if finished:
            break
        time.sleep(interval)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    with errors:
        errors.seek(0)
        said = errors.read().decode(errors="replace")
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, command))} exited with {process.returncode}: {said[-2000:]}")
    # wait4's usage covers the process and every descendant it waited for (the grader reaps its workers).
    return peak, seconds, usage.ru_utime + usage.ru_stime, most


def measure_grading(assignment, submission=None, interval=POLL_SECONDS):
    """Grade `submission` (default: the reference) in a process of its own; its Measurement."""
    submission = Path(submission or assignment.directory).resolve()
    with tempfile.TemporaryDirectory(prefix="grader-measure-") as folder:
        out = Path(folder) / "results.json"
        command = [sys.executable, "-m", "grader.cli", "grade", assignment.id, str(submission), "--out", str(out)]
        peak, seconds, cpu, most = measure_command(command, cwd=folder, interval=interval)
        score = json.loads(out.read_text())["score"]
    return Measurement(memory_mb=int(-(-peak // 2**20)), seconds=round(seconds, 1), cpu_seconds=round(cpu, 1),
                       processes=most, score=score, machine=machine())


def machine():
    """'2 CPU cores (x86_64), no GPU': where a measurement was taken."""
    import platform
    try:
        import torch
        gpu = torch.cuda.is_available()
    except ImportError:
        gpu = False
    return f"{os.cpu_count()} CPU cores ({platform.machine()}), {'a GPU' if gpu else 'no GPU'}"


def write_measurement(assignment, measurement):
    """Store the measurement under [gradescope] in the assignment's assignment.toml (replacing
    what was there); the other sections and comments are kept as written."""
    path = Path(assignment.directory) / "assignment.toml"
    text = path.read_text(encoding="utf-8")
    lines = [f"[{SECTION}]",
             "# Grading the reference, measured by `grader measure " + assignment.id + " --write`: peak",
             "# resident memory summed over the grader's processes, wall and CPU time. The autograder's",
             "# README states them; the build reads them here and measures nothing."]
    lines += [f"{key} = {json.dumps(value)}" for key, value in measurement.as_toml().items()]
    section = "\n".join(lines) + "\n"
    # The old section: from its header to the next header or the end of the file.
    pattern = re.compile(rf"^\[{SECTION}\]\n(?:(?!\[).*\n?)*", re.MULTILINE)
    if pattern.search(text):
        text = pattern.sub(lambda _: section, text, count=1)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text, encoding="utf-8")
    return path
