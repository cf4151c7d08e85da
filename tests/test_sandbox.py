"""The sandbox itself: who the worker runs as, what it can see, and what the wire accepts.

Most tests run a small probe module in a worker isolated exactly as grading
isolates a submission (grading.isolation_for), and look at what it reports.
Those need root, as on Gradescope and in CI; the wire tests run anywhere.
"""
import base64
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from grader import grading, paths
from grader.implementations import StudentCode
from grader.sandbox import wire
from grader.sandbox.runner import Isolation, Limits, Sandbox, SandboxCrashed, SandboxTimeout

# A slot of this file's own (see tests/test_mlp_numpy_buggy.py): stopping a sandbox kills
# every process of its uid, and must not reach another file's workers.
SLOT = 42
OTHER_SLOT = 43
root_only = pytest.mark.skipif(os.geteuid() != 0, reason="the sandbox isolates only when the grader is root")

PROBE = '''
import os, socket, sys, threading, time

def identity():
    return [os.getuid(), os.geteuid(), os.getgid(), os.getgroups()]

def attempt(path):
    """What reading `path` gives: ["listed", names] / ["read", text] / ["denied", error]."""
    try:
        if os.path.isdir(path):
            return ["listed", sorted(os.listdir(path))]
        with open(path, "rb") as stream:
            return ["read", stream.read(200).decode("utf-8", "replace")]
    except OSError as error:
        return ["denied", type(error).__name__]

def status(field):
    with open("/proc/self/status") as stream:
        return next(line.split(":", 1)[1].strip() for line in stream if line.startswith(field + ":"))

def oom_score_adj():
    with open("/proc/self/oom_score_adj") as stream:
        return int(stream.read())

def become_root():
    try:
        os.setuid(0)
        return "root"
    except OSError as error:
        return type(error).__name__

def processes():
    return [int(p) for p in os.listdir("/proc") if p.isdigit()]

def pid():
    return os.getpid()

def connect(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return "connected"
    except OSError as error:
        return type(error).__name__

def write_shm(name, megabytes):
    try:
        with open("/dev/shm/" + name, "wb") as stream:
            for _ in range(megabytes):
                stream.write(b"\\0" * 2**20)
        return "written"
    except OSError as error:
        return type(error).__name__

def say(text):
    print(text)
    return len(text)

def answer():
    return 42

def echo_shape(x):
    return list(x.shape)

def loop():
    while True:
        pass

def stall_requests():
    """Stop reading requests (the pipe stays open here) and never exit."""
    global kept
    requests = int(sys.argv[1])
    kept = os.dup(requests)
    os.dup2(os.open(os.devnull, os.O_RDONLY), requests)
    threading.Thread(target=time.sleep, args=(3600,)).start()

def hang_up():
    """Close the answer pipe, then live on."""
    os.close(int(sys.argv[2]))
    time.sleep(3600)
'''


def processes_of(uid):
    """Live processes of `uid` (zombies are dead: the machine's init reaps them in its own time)."""
    found = []
    for entry in os.listdir("/proc"):
        try:
            if entry.isdigit() and os.stat(f"/proc/{entry}").st_uid == uid:
                with open(f"/proc/{entry}/stat") as stream:
                    if stream.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X"):
                        found.append(int(entry))
        except (OSError, IndexError):
            pass
    return found


def wait_until_none_of(uid, seconds=3.0):
    deadline = time.monotonic() + seconds
    while processes_of(uid) and time.monotonic() < deadline:
        time.sleep(0.05)
    return processes_of(uid)


class Probe:
    """A worker holding probe.py, in a working folder set up and isolated as grading does it."""

    def __init__(self, slot=SLOT, files=None, limits=None, isolated=True):
        self.root = Path(tempfile.mkdtemp(prefix="grader-"))
        self.workdir = grading.make_workdir(self.root, slot)
        for name, text in {"probe.py": PROBE, **(files or {})}.items():
            (self.workdir / name).write_text(text)
        grading.hand_over(self.workdir, slot)
        self.uid = grading.sandbox_uid(slot)
        isolation = grading.isolation_for(self.workdir, None, self.workdir, slot) if isolated else Isolation()
        self.sandbox = Sandbox(self.workdir, limits or Limits(seconds_per_test=5), isolation)
        self.code = StudentCode(self.sandbox)

    @property
    def probe(self):
        return self.code.probe

    def close(self):
        self.sandbox.stop()
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture
def probe():
    one = Probe()
    yield one
    one.close()


@pytest.fixture(scope="module")
def in_namespaces():
    """Whether this machine lets the worker have namespaces of its own (PID 1 in its own)."""
    if os.geteuid() != 0:
        return False
    one = Probe()
    try:
        return one.probe.pid() == 1
    finally:
        one.close()


# ------------------------------------------------------------ who it runs as ---

@root_only
def test_worker_runs_as_its_slots_own_uid_not_root(probe):
    uid = grading.sandbox_uid(SLOT)
    assert uid and uid != 0
    assert probe.probe.identity() == [uid, uid, uid, []], "the worker must drop to the slot's uid, no groups"


@root_only
def test_worker_cannot_become_root_again(probe):
    assert probe.probe.become_root() == "PermissionError"
    assert probe.probe.status("NoNewPrivs") == "1", "set-user-ID programs would give root back"
    assert int(probe.probe.status("CapEff"), 16) == 0 and int(probe.probe.status("CapPrm"), 16) == 0


@root_only
def test_worker_goes_first_when_memory_runs_out(probe):
    assert probe.probe.oom_score_adj() == 1000, "the OOM killer must pick the sandbox before the grader"


# ---------------------------------------------------------- what it can see ---

@root_only
def test_worker_cannot_list_or_read_the_solutions(probe):
    solution = paths.solution_dir("mlp_numpy")
    for path in (paths.SOLUTIONS, solution, solution / "mlp.py", solution / "tests_hidden.py"):
        kind, what = probe.probe.attempt(str(path))
        assert kind == "denied", f"the worker could see {path}: {kind} {what!r}"


@root_only
def test_worker_cannot_read_the_course_folder_beyond_the_grader_package(probe):
    """.git keeps every version of the reference, tests/ near-copies of it, dist/ the autograder zip."""
    root = paths.REPO_ROOT
    for path in (root / ".git", root / ".git" / "HEAD", root / "tests", root / "dist", root / "README.md",
                 Path(__file__)):
        if not path.exists():
            continue
        kind, what = probe.probe.attempt(str(path))
        assert kind == "denied" or what in ("", []), f"the worker could see {path}: {kind} {what!r}"
    kind, what = probe.probe.attempt(str(root / "grader" / "sandbox" / "wire.py"))
    assert kind == "read" and what, "the worker needs the grader package itself"


@root_only
def test_worker_cannot_read_another_slots_working_folder(probe):
    other = Probe(slot=OTHER_SLOT, files={"mlp.py": "SECRET = 'another student'\n"})
    try:
        for path in (other.workdir, other.workdir / "mlp.py", other.root):
            kind, what = probe.probe.attempt(str(path))
            assert kind == "denied", f"slot {SLOT} could see slot {OTHER_SLOT}'s {path}: {kind} {what!r}"
    finally:
        other.close()


@root_only
def test_worker_sees_only_its_own_processes_and_no_network(probe, in_namespaces):
    if not in_namespaces:
        pytest.skip("this machine refuses namespaces: uid and file modes alone isolate the worker")
    assert probe.probe.pid() == 1 and probe.probe.processes() == [1]
    import socket
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        assert probe.probe.connect(listener.getsockname()[1]) == "OSError"


@root_only
def test_worker_has_a_small_dev_shm_of_its_own(probe, in_namespaces):
    if not in_namespaces:
        pytest.skip("this machine refuses namespaces")
    name = f"sandbox-test-{os.getpid()}"
    limit = Limits().file_mb
    assert probe.probe.write_shm(name, 1) == "written"
    assert not Path("/dev/shm", name).exists(), "the worker's /dev/shm must not be the machine's"
    # many files of at most file_mb each cannot fill the machine's memory either
    assert probe.probe.write_shm(name + "-2", limit) == "OSError"


# ------------------------------------------------------------ the runner ---

@root_only
def test_printed_output_is_reported_with_the_request_that_printed_it(probe):
    assert probe.probe.say("hello from the worker") == 21
    assert probe.code.output() == "hello from the worker\n", "a short print must not wait in a buffer"
    assert probe.probe.answer() == 42
    assert probe.code.output() == ""


def test_a_kept_input_stays_in_the_worker_and_calls_take_it_there(probe):
    kept = probe.code.keep(np.zeros((400, 400)))
    assert repr(kept) == "a ndarray object", "keep must answer a handle, not the array sent back whole"
    assert probe.probe.echo_shape(kept) == [400, 400]


@root_only
def test_a_worker_that_stops_reading_requests_costs_a_time_limit_not_a_hang(probe):
    probe.sandbox.limits = Limits(seconds_per_test=2)
    module = probe.probe
    echo = module.echo_shape
    assert echo(np.ones(3)) == [3]
    module.stall_requests()
    started = time.monotonic()
    with pytest.raises(SandboxTimeout):
        echo(np.ones((400, 500)))  # 1.6 MB, far more than a pipe holds, that nobody reads
    assert time.monotonic() - started < probe.sandbox.limits.seconds_per_test + 2


@root_only
@pytest.mark.parametrize("isolated", [True, False], ids=["isolated", "without namespaces"])
def test_a_worker_that_hangs_up_but_lives_on_is_stopped(isolated):
    one = Probe(isolated=isolated)
    try:
        started = time.monotonic()
        with pytest.raises(SandboxCrashed, match="closed its connection"):
            one.probe.hang_up()
        assert time.monotonic() - started < 4, "the grader waited on a worker that does not end"
    finally:
        one.close()


@root_only
def test_after_a_timeout_the_next_request_gets_a_fresh_worker(probe):
    probe.sandbox.limits = Limits(seconds_per_test=1)
    with pytest.raises(SandboxTimeout):
        probe.probe.loop()
    # handles of the killed worker are not sent to the new one (they name other objects there)
    assert probe.probe.answer() == 42


@root_only
def test_a_killed_grader_leaves_no_sandbox_process():
    script = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from test_sandbox import Probe
        one = Probe(slot={OTHER_SLOT})
        print(one.uid, one.root, flush=True)
        one.probe.loop()
    """)
    grader = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE)
    work_root = None
    try:
        uid, work_root = grader.stdout.readline().split()
        uid = int(uid)
        deadline = time.monotonic() + 10
        while not processes_of(uid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert processes_of(uid), "the worker never started"
        grader.send_signal(signal.SIGKILL)
        grader.wait()
        assert not wait_until_none_of(uid), "the worker outlived the grader that started it"
    finally:
        grader.kill()
        grader.wait()
        if work_root:
            shutil.rmtree(work_root.decode(), ignore_errors=True)


# --------------------------------------------------------------- the wire ---

def array_message(dtype, shape, data):
    return {"__array__": [dtype, shape, base64.b64encode(data).decode() if isinstance(data, bytes) else data]}


def test_wire_round_trips_plain_data():
    value = {"a": [1, 2.5, float("nan"), None, True, "x", (1, 2)], "w": np.arange(6.0).reshape(2, 3),
             "i": np.int32(7)}
    back = wire.decode(json.loads(json.dumps(wire.encode(value))))
    assert back["a"][:2] == [1, 2.5] and np.isnan(back["a"][2]) and back["a"][3:] == [None, True, "x", (1, 2)]
    assert back["w"].dtype == np.float64 and np.array_equal(back["w"], value["w"]) and back["i"] == 7


@pytest.mark.parametrize("value", [
    np.array([object(), 1], dtype=object),
    np.zeros(3).view(type("Sub", (np.ndarray,), {})),
    type("F", (float,), {})(1.0),
    type("L", (list,), {})([1]),
    {1: "not a str key"},
    np.zeros(2, dtype=[("a", "<f8")]),
    object(),
], ids=["object array", "ndarray subclass", "float subclass", "list subclass", "int key",
        "structured array", "object"])
def test_wire_encode_refuses_what_is_not_plain_data(value):
    with pytest.raises(TypeError):
        wire.encode(value)


@pytest.mark.parametrize("data", [
    array_message("|O", [2], base64.b64encode(b"\0" * 16).decode()),
    array_message("<U1", [1], b"a\0\0\0"),
    array_message("|V8", [1], b"\0" * 8),
    array_message("<f8", [2], b"\0" * 8),              # size does not match the shape
    array_message("<f8", [-1], b""),
    array_message("<f8", [True], b"\0" * 8),           # a bool is not a dimension
    array_message("<f8", ["2"], b"\0" * 16),
    array_message("<f8", [2**40, 2**40, 0], b""),      # a size that overflows int64 to 0
    array_message("<f8", [1] * 40, b"\0" * 8),         # more dimensions than numpy has
    array_message("<f8", [1], "not base64!"),
    array_message("<f8", [1], 12345),
    {"__array__": ["<f8", [1]]},
    {"__array__": "<f8"},
    {"__array__": [["<f8"], [1], "AAAAAAAAAAA="]},
    {"__pickle__": "gASVAAAAAAAAAAA="},
    {"__tensor__": array_message("<f8", [1], b"\0" * 8)},  # the grader never accepts tensors
    {"__float__": "1e999"},
    {"__handle__": ["1", "module"]},
    {"__handle__": [1.5, "module"]},
    {"__tuple__": "abc"},
    {"a": 1, "b": 2},
    {"plain": 1},
], ids=lambda d: json.dumps(d)[:40])
def test_wire_decode_rejects_malformed_or_unknown_data(data):
    with pytest.raises(wire.WireError):
        wire.decode(data)


def test_wire_refuses_oversized_headers():
    with pytest.raises(wire.WireError):
        wire.header_length(b"\xff" * 8)
    with pytest.raises(wire.WireError):
        wire.parse_payload(b"[" * 100_000)
