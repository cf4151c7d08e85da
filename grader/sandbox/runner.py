"""The grader's side of a sandboxed worker: start it, ask it things, time it, kill it.

A Sandbox owns one worker process at a time. A request that runs past its
deadline, or a worker that dies, costs only the request in flight: the worker
is killed (with everything it started) and a fresh one starts on the next
request.
"""
import os
import select
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field

from grader.sandbox import wire


class SandboxProblem(Exception):
    """Student code could not answer: it raised, ran too long, or died."""


class StudentError(SandboxProblem):
    def __init__(self, label, error):
        self.label, self.error = label, error
        where = f" ({error['where']})" if error.get("where") else ""
        kind, message = error["type"], error["message"]
        if kind == "NotImplementedError":
            text = f"{label} is not implemented yet" + (f": {message}" if message else "")
        elif kind == "MemoryError":
            text = f"{label} ran out of memory{': ' + message if message else ''}"
        else:
            text = f"{label} raised {kind}: {message}"
        super().__init__(text + where)


class SandboxTimeout(SandboxProblem):
    pass


class SandboxCrashed(SandboxProblem):
    pass


@dataclass
class Limits:
    """What one worker may use. seconds_per_test is the wall-clock budget of one check."""
    memory_mb: int = 1024
    seconds_per_test: float = 20.0
    output_kb: int = 16
    file_mb: int = 64
    nproc: int = 128


@dataclass
class Isolation:
    """Who the worker runs as, and what it must not see (used only when the grader is root)."""
    uid: int | None = None
    hide: list = field(default_factory=list)
    expose: list = field(default_factory=list)


class CappedOutput:
    """Keeps the first `cap` bytes a stream writes since the last take(), drops and counts the rest."""

    def __init__(self, cap):
        self.cap, self.kept, self.dropped = cap, bytearray(), 0
        self.lock = threading.Lock()

    def drain(self, fd):
        while chunk := os.read(fd, 65536):
            with self.lock:
                room = max(self.cap - len(self.kept), 0)
                self.kept += chunk[:room]
                self.dropped += max(len(chunk) - room, 0)

    def take(self):
        with self.lock:
            text = self.kept.decode(errors="replace")
            if self.dropped:
                text += f"\n... ({self.dropped} more bytes of output cut)"
            self.kept, self.dropped = bytearray(), 0
            return text


def worker_environment(workdir):
    """A small, predictable environment: one BLAS thread, no user site, no bytecode."""
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "LANG", "LC_ALL", "SYSTEMROOT")}
    keep.update(HOME=str(workdir), TMPDIR=str(workdir), PYTHONDONTWRITEBYTECODE="1",
                PYTHONHASHSEED="0", OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1",
                MKL_NUM_THREADS="1", MPLBACKEND="Agg", PYTHONUNBUFFERED="1")
    return keep


def python_paths():
    """What the worker's interpreter needs to reach: base install, venv, this package."""
    import numpy
    here = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    return sorted({os.path.realpath(p) for p in (sys.base_prefix, sys.prefix, here,
                   os.path.dirname(os.path.realpath(sys.executable)),
                   os.path.dirname(os.path.dirname(numpy.__file__)))})


class Sandbox:
    """One worker at a time in `workdir`, under `limits` and `isolation`."""

    def __init__(self, workdir, limits=None, isolation=None):
        self.workdir = str(workdir)
        self.limits = limits or Limits()
        self.isolation = isolation or Isolation()
        self.process = None
        self.generation = 0
        self.stdout = CappedOutput(self.limits.output_kb * 1024)
        self.deadline = None

    # -- life cycle -------------------------------------------------------
    def start(self):
        req_r, req_w = os.pipe()
        ans_r, ans_w = os.pipe()
        command = self.launch_command(req_r, ans_w)
        self.process = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            pass_fds=(req_r, ans_w), start_new_session=True, env=worker_environment(self.workdir))
        os.close(req_r)
        os.close(ans_w)
        self.requests = os.fdopen(req_w, "wb")
        self.answers = ans_r
        self.generation += 1
        threading.Thread(target=self.stdout.drain, args=(self.process.stdout.fileno(),), daemon=True).start()

    def launch_command(self, req_r, ans_w):
        python = [sys.executable, "-I"]
        launcher = python + ["-m", "grader.sandbox.launch", "--memory-mb", str(self.limits.memory_mb),
                             "--file-mb", str(self.limits.file_mb), "--nproc", str(self.limits.nproc),
                             "--workdir", self.workdir]
        if self.isolation.uid is not None and os.geteuid() == 0:
            launcher += ["--uid", str(self.isolation.uid)]
            for path in self.isolation.hide:
                launcher += ["--hide", str(path)]
            for path in self.isolation.expose or python_paths():
                launcher += ["--expose", str(path)]
        return launcher + ["--"] + python + ["-m", "grader.sandbox.worker", str(req_r), str(ans_w)]

    def stop(self):
        """Kill the worker and everything it started."""
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait()
        self.process.stdout.close()
        self.requests.close()
        os.close(self.answers)
        self.process = None
        if self.isolation.uid is not None and os.geteuid() == 0:
            kill_all_of(self.isolation.uid)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    # -- requests ---------------------------------------------------------
    def request(self, label, message, timeout=None):
        """Send one request; its answer's value, or a SandboxProblem naming `label`."""
        if self.process is None:
            self.start()
        deadline = time.monotonic() + (timeout or self.limits.seconds_per_test)
        if self.deadline is not None:
            deadline = min(deadline, self.deadline)
        try:
            wire.write_message(self.requests, message)
            answer = self.read_answer(deadline)
        except (BrokenPipeError, EOFError):
            raise SandboxCrashed(self.crash_message(label)) from None
        except TimeoutError:
            self.stop()
            seconds = self.limits.seconds_per_test
            raise SandboxTimeout(f"{label} did not finish within the time limit of {seconds:g} s "
                                 "(an infinite loop, or much slower code than needed?)") from None
        except wire.WireError as exc:
            self.stop()
            raise SandboxCrashed(f"{label} answered with something that is not plain data ({exc})") from None
        if type(answer) is not dict or "ok" not in answer:
            raise SandboxCrashed(f"{label} answered with something that is not plain data")
        if not answer["ok"]:
            raise StudentError(label, _error_fields(answer.get("error")))
        return wire.decode(answer.get("value"))

    def read_answer(self, deadline):
        header = self.read_bytes(8, deadline)
        return wire.parse_payload(self.read_bytes(wire.header_length(header), deadline))

    def read_bytes(self, n, deadline):
        chunks = []
        while n:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.answers], [], [], left)[0]:
                raise TimeoutError
            chunk = os.read(self.answers, min(n, 1 << 20))
            if not chunk:
                raise EOFError
            chunks.append(chunk)
            n -= len(chunk)
        return b"".join(chunks)

    def crash_message(self, label):
        code = self.process.wait()
        self.stop()
        if code < 0:
            name = signal.Signals(-code).name
            hint = " (the memory limit, or too much CPU time?)" if -code in (9, 24) else ""
            return f"the process running your code was killed by {name} during {label}{hint}"
        return f"the process running your code exited with code {code} during {label}"

    def output(self):
        """What the student's code printed since the last call, capped."""
        return self.stdout.take()


def _error_fields(error):
    if type(error) is not dict:
        return {"type": "Error", "message": "an unreadable error", "where": ""}
    return {k: str(error.get(k, ""))[:1000] for k in ("type", "message", "where")}


def kill_all_of(uid):
    """SIGKILL every process of `uid`: what a worker left behind outside its process group."""
    child = os.fork()
    if child == 0:
        try:
            os.setuid(uid)
            os.kill(-1, signal.SIGKILL)
        finally:
            os._exit(0)
    os.waitpid(child, 0)
