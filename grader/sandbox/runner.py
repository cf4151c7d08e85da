"""The grader's side of a sandboxed worker: start it, ask it things, time it, kill it.

A Sandbox owns one worker process at a time. A request that runs past its
deadline, or a worker that dies, costs only the request in flight: the worker
is killed (with everything it started) and a fresh one starts on the next
request.

A check's deadline (Sandbox.deadline, set by the grading session) also arms a
watchdog over the grader's own work: a check still running GRACE past it, in the
grader's arithmetic rather than in a request, gets CheckOverran raised in its
thread, and fails with a message; results.json is then written as after any check.

What an isolated worker's uid leaves outside its namespace (all of it, where
namespaces are refused) is counted while it runs (Limits.disk_mb for everything it
writes, kill past that) and removed when it stops: its files in the machine's
world-writable folders, its System V IPC objects.
"""
import contextlib
import ctypes
import fcntl
import os
import secrets
import select
import shutil
import signal
import stat
import struct
import subprocess
import termios
import sys
import threading
import time
from dataclasses import dataclass, field

from grader.results import clean_text
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
        elif kind == "MemoryError" or "can't allocate memory" in message or kind == "OutOfMemoryError":
            text = f"{label} ran out of memory{': ' + message if message else ''}"
        else:
            text = f"{label} raised {kind}: {message}"
        super().__init__(text + where)


class SandboxTimeout(SandboxProblem):
    pass


class SandboxCrashed(SandboxProblem):
    pass


class SandboxMemory(SandboxProblem):
    """The worker's resident memory went over the watchdog's limit (memory_rlimit = "data")."""


class SandboxDisk(SandboxProblem):
    """The worker wrote more files than Limits.disk_mb allows (counted where no tmpfs caps it)."""


class _OverMemory(Exception):
    pass


@dataclass
class Limits:
    """What one worker may use. seconds_per_test is the wall-clock budget of one check.

    memory_rlimit "as" caps the address space at memory_mb. PyTorch cannot even be
    imported under such a cap (its CUDA build maps GBs of address space it never
    uses), so torch assignments say "data": the cap is on private writable memory
    (RLIMIT_DATA, what malloc and torch's allocator use), and a watchdog here stops
    a worker whose resident size passes 2 x memory_mb (shared mappings, children).
    """
    memory_mb: int = 1024
    memory_rlimit: str = "as"
    seconds_per_test: float = 20.0
    output_kb: int = 16
    file_mb: int = 64      # one file (RLIMIT_FSIZE)
    nproc: int = 128
    disk_mb: int = 64      # everything one worker writes: its scratch tmpfs, or counted and cleaned up


@dataclass
class Isolation:
    """Who the worker runs as, and what it must not see (used only when the grader is root)."""
    uid: int | None = None
    hide: list = field(default_factory=list)
    expose: list = field(default_factory=list)
    namespaces: bool = True  # False: as where the kernel refuses them (uid, file modes, counting, cleanup)


class CappedOutput:
    """Keeps the first `cap` bytes a stream writes since the last take(), drops and counts the rest."""

    def __init__(self, cap):
        self.cap, self.kept, self.dropped = cap, bytearray(), 0
        self.lock = threading.Lock()

    def drain(self, stream):
        # The thread that reads a pipe closes it, at end-of-file: closed by stop() instead,
        # its fd number could be reused by the next worker's pipes while this thread still
        # reads it (a leftover process of the student's can keep writing until it dies).
        # It waits for output without taking it, then reads and keeps it under the lock, in
        # one step: whoever holds the lock finds every byte either in the pipe or kept.
        with stream:
            fd, ready = stream.fileno(), select.poll()
            ready.register(fd, select.POLLIN)
            while True:
                ready.poll()
                with self.lock:
                    chunk = os.read(fd, 65536)  # only this thread reads: ready means it does not block
                    if not chunk:
                        return
                    room = max(self.cap - len(self.kept), 0)
                    self.kept += chunk[:room]
                    self.dropped += max(len(chunk) - room, 0)

    def unread(self, fd):
        """Bytes still in the pipe `fd`, which the drain thread has not taken yet (0 if it is closed)."""
        with self.lock:
            try:
                return struct.unpack("i", fcntl.ioctl(fd, termios.FIONREAD, b"\0\0\0\0"))[0]
            except OSError:
                return 0

    def take(self):
        with self.lock:
            text = self.kept.decode(errors="replace")
            if self.dropped:
                text += f"\n... ({self.dropped} more bytes of output cut)"
            self.kept, self.dropped = bytearray(), 0
            return text


def worker_environment(workdir, support=None, preload=()):
    """A small, predictable environment: one BLAS thread, no user site, no bytecode."""
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "LANG", "LC_ALL", "SYSTEMROOT")}
    keep.update(HOME=str(workdir), TMPDIR=str(workdir), PYTHONDONTWRITEBYTECODE="1",
                PYTHONHASHSEED="0", OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1",
                MKL_NUM_THREADS="1", MPLBACKEND="Agg", PYTHONUNBUFFERED="1")
    if support is not None:
        keep["GRADER_WORKER_SUPPORT"] = str(support)
    if preload:
        keep["GRADER_WORKER_PRELOAD"] = ",".join(preload)
    return keep


def python_paths():
    """What the worker's interpreter needs to reach: base install, venv, this package."""
    import numpy
    here = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    return sorted({os.path.realpath(p) for p in (sys.base_prefix, sys.prefix, here,
                   os.path.dirname(os.path.realpath(sys.executable)),
                   os.path.dirname(os.path.dirname(numpy.__file__)))})


def worker_paths():
    """What the worker is shown of the machine's folders: python_paths() with this package's own
    folder in place of the checkout that holds it (the reference, the tests, .git stay out)."""
    import grader
    here = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    package = os.path.dirname(os.path.realpath(grader.__file__))
    return sorted({package if p == os.path.realpath(here) else p for p in python_paths()})


SYSTEM_FOLDERS = {"bin", "boot", "dev", "etc", "lib", "lib32", "lib64", "libx32", "proc", "run",
                  "sbin", "sys", "usr", "var"}


def masked_folders():
    """Top-level folders the worker sees only the needed parts of: all but the system's."""
    return sorted(f"/{name}" for name in os.listdir("/")
                  if name not in SYSTEM_FOLDERS and os.path.isdir(f"/{name}") and not os.path.islink(f"/{name}"))


class Sandbox:
    """One worker at a time in `workdir`, under `limits` and `isolation`."""

    def __init__(self, workdir, limits=None, isolation=None, support=None, follows=None):
        self.workdir = str(workdir)
        self.support = None if support is None else str(support)  # worker code of the assignment's
        self.time_limit = None  # the running check's limit, as the timeout's message says it
        self.limits = limits or Limits()
        self.isolation = isolation or Isolation()
        self.process = None
        self.preload = []          # what each worker imports before it serves (see start)
        self.preloading = False
        self.generation = 0
        self.stdout = CappedOutput(self.limits.output_kb * 1024)
        self.watchdog = Watchdog()
        self.busy = False            # in a request: the watchdog waits (a request ends by its own deadline)
        self.over_disk = None        # why the disk watch stopped the worker, for the request it broke
        self.disk_baseline = None
        self.deadline = None
        # a sandbox whose deadline this one keeps when it has none of its own: the reference's
        # worker, which a check uses for fair timings, keeps the check's time limit
        self.follows = follows

    @property
    def deadline(self):
        """When the running check must be done (time.monotonic()), or None between checks."""
        return self._deadline

    @deadline.setter
    def deadline(self, value):
        self._deadline = value
        if value is None:
            self.watchdog.disarm()
        else:
            self.watchdog.arm(self, value)

    @property
    def isolated(self):
        return self.isolation.uid is not None and os.geteuid() == 0

    # -- life cycle -------------------------------------------------------
    def start(self, preload=None):
        """Start a worker; a request starts one when none runs. `preload`: installed libraries
        (of worker.PRELOADABLE) it imports before it serves (default: the sandbox's `preload`,
        so that a fresh worker after a timeout or a crash has them too, on no check's clock)."""
        preload = self.preload if preload is None else preload
        req_r, req_w = os.pipe()
        ans_r, ans_w = os.pipe()
        command = self.launch_command(req_r, ans_w)
        self.preloading = bool(preload)  # until its word that it is ready (wait_until_ready)
        self.process = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            pass_fds=(req_r, ans_w), start_new_session=True,
            env=worker_environment(self.workdir, self.support, preload))
        os.close(req_r)
        os.close(ans_w)
        # Non-blocking, written under the request's deadline (send()): a worker that stops
        # reading its requests but stays alive would otherwise block the grader in write()
        # forever once a request outgrows the pipe's buffer.
        os.set_blocking(req_w, False)
        self.requests = req_w
        self.answers = ans_r
        threading.Thread(target=self.stdout.drain, args=(self.process.stdout,), daemon=True).start()
        if self.isolated:
            if self.disk_baseline is None:  # the submission as handed over, before any student code ran
                self.disk_baseline = (disk_usage(self.workdir, None), set(entries_under(self.workdir)))
            threading.Thread(target=self.watch_disk, args=(self.process,), daemon=True).start()

    def watch_disk(self, process):
        """Stop the worker once what its uid wrote passes Limits.disk_mb (a tmpfs caps it anyway where
        namespaces are allowed; this counts the work folder and the machine's writable folders)."""
        limit = self.limits.disk_mb << 20
        while process.poll() is None:
            # in an IPC namespace of its own, the launcher's worker writes nowhere but its tmpfs: the
            # machine's writable folders need no scan (the work folder is counted all the same)
            uid = None if in_namespaces_of_its_own(process.pid) else self.isolation.uid
            used = disk_usage(self.workdir, uid) - self.disk_baseline[0]
            if used > limit:
                self.over_disk = (f"wrote more than {self.limits.disk_mb} MB of files, or more than "
                                  f"{MAX_WATCHED_ENTRIES} of them (the limit of everything one worker may "
                                  "write); they were deleted")
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                return
            time.sleep(DISK_WATCH_SECONDS)

    def launch_command(self, req_r, ans_w):
        python = [sys.executable, "-I"]
        launcher = python + ["-m", "grader.sandbox.launch", "--memory-mb", str(self.limits.memory_mb),
                             "--memory-rlimit", self.limits.memory_rlimit,
                             "--file-mb", str(self.limits.file_mb), "--nproc", str(self.limits.nproc),
                             "--disk-mb", str(self.limits.disk_mb), "--workdir", self.workdir]
        if self.isolated:
            launcher += ["--uid", str(self.isolation.uid)]
            if not self.isolation.namespaces:
                launcher += ["--no-namespaces"]
            for path in self.isolation.hide:
                launcher += ["--hide", str(path)]
            for path in [*(self.isolation.expose or worker_paths()), self.workdir,
                         *([self.support] if self.support else [])]:
                launcher += ["--expose", str(path)]
            for path in masked_folders():
                launcher += ["--mask", path]
        # -u: -I makes the worker ignore PYTHONUNBUFFERED, and a print left in a block buffer
        # would show under a later check, or never (a killed worker's buffer is lost).
        return launcher + ["--"] + python + ["-u", "-m", "grader.sandbox.worker", str(req_r), str(ans_w)]

    def stop(self):
        """Kill the worker and everything it started."""
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait()
        os.close(self.requests)
        os.close(self.answers)
        self.process = None
        # Handles (and cached modules) name objects of this worker only: a new generation
        # makes StudentCode import afresh, rather than send old handle numbers to a new worker.
        self.generation += 1
        if self.isolated:
            kill_all_of(self.isolation.uid)
            clean_up_after(self.isolation.uid)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    # -- requests ---------------------------------------------------------
    def request(self, label, message, timeout=None):
        """Send one request; its answer's value, or a SandboxProblem naming `label`."""
        self.busy = True
        try:
            return self._request(label, message, timeout)
        finally:
            self.busy = False

    def _request(self, label, message, timeout):
        if self.process is None:
            self.start()
        if self.preloading:
            self.wait_until_ready()
        # a check's deadline (set by the grading session) bounds every request it makes
        deadline = time.monotonic() + (timeout or self.limits.seconds_per_test)
        clock = self if self.deadline is not None or self.follows is None else self.follows
        if clock.deadline is not None:
            deadline = clock.deadline if timeout is None else min(deadline, clock.deadline)
        try:
            number = secrets.randbits(62)
            self.send(wire.pack_message({**message, "id": number}), deadline)
            answer = self.read_answer(deadline)
            # An answer written on the pipe by the student's code ahead of the worker's own has
            # no number, or another one: it is skipped, and the next request is answered by its own.
            while type(answer) is not dict or answer.get("id") != number:
                answer = self.read_answer(deadline)
        except (BrokenPipeError, EOFError):
            raise self.disk_problem() or SandboxCrashed(self.crash_message(label)) from None
        except TimeoutError:
            self.stop()
            limit = clock.time_limit or f"the time limit of {self.limits.seconds_per_test:g} s"
            raise SandboxTimeout(f"{label} did not finish within {limit} "
                                 "(an infinite loop, or much slower code than needed?)") from None
        except wire.MessageTooLarge as exc:
            self.stop()
            raise SandboxCrashed(f"{label} answered with more than the grader reads: {exc}") from None
        except wire.WireError as exc:
            self.stop()
            raise SandboxCrashed(f"{label} answered with something that is not plain data ({exc})") from None
        except _OverMemory:
            self.stop()
            raise SandboxMemory(f"{label} used more than {2 * self.limits.memory_mb} MB of memory "
                                "and was stopped") from None
        except BaseException:
            # Anything else half-way through a request (Ctrl-C, the watchdog's exception) leaves an
            # answer that no one will read: a fresh worker for the next request, never a stale answer.
            self.stop()
            raise
        if type(answer) is not dict or "ok" not in answer:
            raise SandboxCrashed(f"{label} answered with something that is not plain data")
        if not answer["ok"]:
            raise StudentError(label, _error_fields(answer.get("error")))
        try:
            return wire.decode(answer.get("value"))
        except wire.MessageTooLarge as exc:
            raise SandboxCrashed(f"{label} answered with more than the grader reads: {exc}") from None
        except (wire.WireError, RecursionError) as exc:
            raise SandboxCrashed(f"{label} answered with something that is not plain data ({exc})") from None

    def wait_until_ready(self):
        """Wait for a preloading worker to say it is ready, on no check's clock: what it imports
        is the grader's choice, not the student's code. The running check's deadline moves on by
        the wait. A worker that does not say so in PRELOAD_SECONDS gives way to a plain one."""
        self.preloading = False
        started = time.monotonic()
        try:
            answer = self.read_answer(started + PRELOAD_SECONDS)
        except (TimeoutError, EOFError, wire.WireError, _OverMemory):
            answer = None
        if answer != wire.READY:
            self.stop()
            self.start(preload=())
        if self.deadline is not None:
            self.deadline += time.monotonic() - started

    def disk_problem(self):
        """SandboxDisk when the disk watch stopped the worker (which then looks like a crash)."""
        if self.over_disk is None:
            return None
        message, self.over_disk = self.over_disk, None
        self.stop()  # its processes end, its files outside the work folder go
        if self.isolated:  # (also when the worker was already gone)
            kill_all_of(self.isolation.uid)
            clean_up_after(self.isolation.uid)
        for path in sorted(set(entries_under(self.workdir)) - self.disk_baseline[1], reverse=True):
            with contextlib.suppress(OSError):  # and what it added to the work folder
                if os.path.isdir(path) and not os.path.islink(path):
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    os.unlink(path)
        return SandboxDisk(f"the process running your code {message}")

    def send(self, data, deadline):
        """Write all of `data` to the request pipe by `deadline`, or TimeoutError."""
        view = memoryview(data)
        while view:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([], [self.requests], [], left)[1]:
                raise TimeoutError
            try:
                view = view[os.write(self.requests, view[:1 << 16]):]
            except BlockingIOError:
                continue

    def read_answer(self, deadline):
        header = self.read_bytes(8, deadline)
        return wire.parse_payload(self.read_bytes(wire.header_length(header), deadline))

    def read_bytes(self, n, deadline):
        buffer, filled = bytearray(n), 0  # one buffer: a 64 MB answer costs 64 MB here, not twice that
        view = memoryview(buffer)
        watch = self.limits.memory_rlimit == "data"
        while filled < n:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            if not wire.readable_soon(self.answers) and \
                    not select.select([self.answers], [], [], min(left, 0.2) if watch else left)[0]:
                if watch and self.resident_mb() > 2 * self.limits.memory_mb:
                    raise _OverMemory
                continue
            got = os.readv(self.answers, [view[filled:filled + (1 << 20)]])
            if not got:
                raise EOFError
            filled += got
        return bytes(buffer) if n < 1 << 16 else buffer

    def resident_mb(self):
        """Resident memory of the worker's process group (and, when isolated, of its uid), in MB."""
        uid = self.isolation.uid if os.geteuid() == 0 else None
        return resident_mb(self.process.pid, uid)

    def mapped_libraries(self):
        """The installed packages with compiled code in the worker now (see mapped_libraries)."""
        if self.process is None:
            return []
        return mapped_libraries(self.process.pid, self.isolation.uid if os.geteuid() == 0 else None)

    def crash_message(self, label):
        try:
            code = self.process.wait(timeout=CRASH_WAIT_SECONDS)
        except subprocess.TimeoutExpired:  # it closed its pipe but lives on: waiting would hang
            self.stop()
            return f"the process running your code closed its connection to the grader during {label}"
        self.stop()
        if code < 0:
            name = signal.Signals(-code).name
            hint = " (the memory limit, or too much CPU time?)" if -code in (9, 24) else ""
            return f"the process running your code was killed by {name} during {label}{hint}"
        return f"the process running your code exited with code {code} during {label}"

    def output(self):
        """What the student's code printed since the last call, capped."""
        if self.process is not None:
            settle(self.stdout, self.process.stdout.fileno())
        return self.stdout.take()


CRASH_WAIT_SECONDS = 1
PRELOAD_SECONDS = 120  # torch and torchvision take 3 s on a slow machine


def settle(output, fd, seconds=0.25):
    """Let the drain thread take what the worker printed before its answer (it is in the pipe already).

    No waiting when the pipe is empty: the drain thread reads and keeps under the lock
    that CappedOutput.unread takes, so an empty pipe means all of it is kept.
    """
    deadline = time.monotonic() + seconds
    while output.unread(fd) and time.monotonic() < deadline:
        time.sleep(0.001)


def _error_fields(error):
    if type(error) is not dict:
        return {"type": "Error", "message": "an unreadable error", "where": ""}
    return {k: clean_text(str(error.get(k, ""))[:1000]) for k in ("type", "message", "where")}


PAGE_MB = os.sysconf("SC_PAGE_SIZE") / 2**20


def processes_of(pgid, uid=None):
    """The pids of the processes in group `pgid` or owned by `uid`, with their /proc stat fields
    after the command name (fields[2]: process group, [21]: resident pages)."""
    if not os.path.isdir("/proc"):  # a student's own machine without procfs: nothing to watch
        return
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                stat = f.read()
            fields = stat[stat.rindex(b")") + 2:].split()
            if int(fields[2]) == pgid or (uid is not None and entry.stat().st_uid == uid):
                yield entry.name, fields
        except (OSError, ValueError, IndexError):
            continue


def resident_mb(pgid, uid=None):
    """Sum of the resident sizes of the processes in group `pgid` or owned by `uid`."""
    pages = 0
    for _, fields in processes_of(pgid, uid):
        with contextlib.suppress(ValueError, IndexError):
            pages += int(fields[21])
    return pages * PAGE_MB


def site_folders():
    import site
    import sysconfig
    folders = {sysconfig.get_paths()[key] for key in ("purelib", "platlib")} | set(site.getsitepackages())
    return tuple(os.path.realpath(folder) + os.sep for folder in folders)


def mapped_libraries(pgid, uid=None):
    """The installed packages (top-level names, 'numpy' for numpy.libs too) whose compiled code is
    mapped into the processes of group `pgid` or of `uid`: read from /proc, outside the worker."""
    folders, found = site_folders(), set()
    for pid, _ in processes_of(pgid, uid):
        try:
            with open(f"/proc/{pid}/maps", "rb") as f:
                maps = f.read(1 << 24).decode("utf-8", "replace")
        except OSError:
            continue
        for line in maps.splitlines():
            fields = line.split(None, 5)
            path = fields[5] if len(fields) == 6 else ""
            folder = next((f for f in folders if path.startswith(f)), None)
            if folder and ".so" in path:
                found.add(path[len(folder):].split(os.sep)[0].split(".")[0].split("-")[0])
    return sorted(found)


# -- the watchdog over the grader's own work ------------------------------------------

GRACE_SECONDS = 2.0      # past a check's deadline, and half its time limit more, before the watchdog acts
REPEAT_SECONDS = 1.0     # and again this often, should the check catch what it raised
REPEATS = 5


class Watchdog:
    """Fails a check whose own work in the grader (not a request: those end by their deadline)
    runs on past its deadline: CheckOverran (a CheckFailed) is raised in the thread that set the
    deadline, between two of its bytecodes. A single C call of unbounded length cannot be cut so;
    what the grader computes on student data is bounded besides (wire sizes, source sizes, the
    truth tables' exact cost)."""

    def __init__(self):
        self.token, self.wake = 0, threading.Event()

    def arm(self, sandbox, deadline):
        self.disarm()
        self.token += 1
        limit = max(deadline - time.monotonic(), 0.0)
        due = deadline + GRACE_SECONDS + limit / 2
        wake = self.wake = threading.Event()
        threading.Thread(target=self.watch, daemon=True, name="grader watchdog",
                         args=(self.token, wake, sandbox, threading.get_ident(), due, limit)).start()

    def disarm(self):
        self.token += 1
        self.wake.set()

    def watch(self, token, wake, sandbox, thread, due, limit):
        fired = 0
        while fired < REPEATS:
            if wake.wait(max(due - time.monotonic(), 0.0)) or token != self.token:
                return
            if sandbox.busy:  # a request in flight: it ends by its deadline, and says so
                due = time.monotonic() + 0.1
                continue
            text = sandbox.time_limit or f"the time limit of {limit:g} s"
            raise_in(thread, overran(f"checking your answer took the grader longer than {text} and "
                                     "was stopped (an answer that costs the grader too much to check)"))
            fired += 1
            due = time.monotonic() + REPEAT_SECONDS


def overran(message):
    """An exception class (as PyThreadState_SetAsyncExc takes one) that says `message`."""
    from grader.checks.registry import CheckFailed  # here: grader.checks imports this module

    class CheckOverran(CheckFailed):
        def __init__(self, *args):
            super().__init__(*(args or (message,)))
    return CheckOverran


def raise_in(thread, exception):
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread), ctypes.py_object(exception))


# -- what a worker's uid leaves behind -------------------------------------------------

DISK_WATCH_SECONDS = 0.25
MAX_WATCHED_ENTRIES = 20_000     # files and folders counted; past this the worker is over its limit
# The machine's world-writable folders, where a uid without namespaces can leave files.
WRITABLE_PLACES = ("/tmp", "/var/tmp", "/run/lock", "/var/lock", "/dev/shm", "/dev/mqueue", "/var/crash")


def writable_places():
    found = []
    for place in WRITABLE_PLACES:
        with contextlib.suppress(OSError):
            status = os.lstat(place)
            if stat.S_ISDIR(status.st_mode) and status.st_mode & 0o002:
                found.append(place)
    return found


def owned_entries(uid):
    """The entries of `uid` at the top of the machine's world-writable folders."""
    found = []
    for place in writable_places():
        with contextlib.suppress(OSError), os.scandir(place) as entries:
            for entry in entries:
                with contextlib.suppress(OSError):
                    if entry.stat(follow_symlinks=False).st_uid == uid:
                        found.append(entry.path)
    return found


def in_namespaces_of_its_own(pid):
    """Whether the launcher `pid` has unshared its namespaces (its IPC namespace is not ours)."""
    try:
        return os.readlink(f"/proc/{pid}/ns/ipc") != os.readlink("/proc/self/ns/ipc")
    except OSError:
        return False


def disk_usage(workdir, uid):
    """Bytes under `workdir`, and under what `uid` owns in the world-writable folders (uid given);
    past MAX_WATCHED_ENTRIES entries, more than any limit."""
    total, seen, stack = 0, 0, [workdir, *(owned_entries(uid) if uid is not None else ())]
    while stack:
        path = stack.pop()
        try:
            status = os.lstat(path)
        except OSError:
            continue
        seen += 1
        if seen > MAX_WATCHED_ENTRIES:
            return 1 << 62
        total += max(status.st_blocks * 512, 0)
        if stat.S_ISDIR(status.st_mode):
            with contextlib.suppress(OSError), os.scandir(path) as entries:
                stack.extend(entry.path for entry in entries)
    return total


def entries_under(folder):
    """The paths under `folder` (at most MAX_WATCHED_ENTRIES of them), never following a link."""
    found, stack = [], [folder]
    while stack and len(found) < MAX_WATCHED_ENTRIES:
        with contextlib.suppress(OSError), os.scandir(stack.pop()) as entries:
            for entry in entries:
                found.append(entry.path)
                if entry.is_dir(follow_symlinks=False):
                    stack.append(entry.path)
    return found


IPC_RMID = 0


def clean_up_after(uid):
    """Remove what `uid` left outside its work folder: its files in the machine's world-writable
    folders, its System V shared memory, semaphores and message queues (where its namespaces,
    which would have taken them along, were refused). Its processes must be dead already."""
    for path in owned_entries(uid):
        with contextlib.suppress(OSError):
            if os.path.isdir(path) and not os.path.islink(path):
                shutil.rmtree(path, ignore_errors=True)
            else:
                os.unlink(path)
    libc = ctypes.CDLL(None, use_errno=True)
    remove = {"shm": lambda i: libc.shmctl(i, IPC_RMID, None), "sem": lambda i: libc.semctl(i, 0, IPC_RMID),
              "msg": lambda i: libc.msgctl(i, IPC_RMID, None)}
    for kind, (number, owners) in {"shm": ("shmid", ("uid", "cuid")), "sem": ("semid", ("uid", "cuid")),
                                   "msg": ("msqid", ("uid", "cuid"))}.items():
        for ipc_id in ipc_objects(kind, number, owners, uid):
            remove[kind](ipc_id)


def ipc_objects(kind, number, owners, uid):
    """Ids of the System V IPC objects of `kind` that `uid` owns or created (/proc/sysvipc)."""
    try:
        with open(f"/proc/sysvipc/{kind}") as stream:
            header, *rows = [line.split() for line in stream if line.strip()]
    except (OSError, ValueError):
        return []
    columns = [header.index(name) for name in (number, *owners) if name in header]
    if len(columns) < 2:
        return []
    return [int(row[columns[0]]) for row in rows
            if len(row) == len(header) and any(int(row[c]) == uid for c in columns[1:])]


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
