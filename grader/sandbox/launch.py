"""Starts a worker under resource limits; as root, also locked away.

    python -m grader.sandbox.launch [limits] --workdir DIR -- COMMAND...

As root it enters new mount, PID, network and IPC namespaces where it can (the
worker is then PID 1 there, so when it ends every process it left ends too, and
its System V IPC objects with it), hides the grader's secret paths under empty
read-only mounts, replaces each masked folder by an empty one holding only the
exposed paths (each bound alone, not the folder above it), and drops to an
unprivileged uid before it execs COMMAND.

What the worker may write lies in one tmpfs of --disk-mb, private to its namespace
and gone when it ends: the work folder is an overlay whose changes go there, and
/dev/shm, /var/tmp and /run/lock are folders of it. Every other mount is read-only
in the namespace. Where namespaces are refused (a Docker container without
CAP_SYS_ADMIN) it still drops privileges; the runner then counts and cleans up
what the worker's uid writes (grader/sandbox/runner.py).

No process here leaves a core file: RLIMIT_CORE is 0 from the start, for the
waiting parent too, which dies by the worker's signal to pass it on.
"""
import argparse
import ctypes
import os
import re
import resource
import signal
import sys

CLONE_NEWNS, CLONE_NEWPID, CLONE_NEWNET, CLONE_NEWIPC = 0x00020000, 0x20000000, 0x40000000, 0x08000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_NOATIME, MS_NODIRATIME, MS_BIND, MS_REC = 32, 1024, 2048, 4096, 16384
MS_PRIVATE, MS_RELATIME, MS_STRICTATIME = 1 << 18, 1 << 21, 1 << 24
PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_SET_NO_NEW_PRIVS = 1, 4, 38
O_PATH = 0o10000000
# Per-mount flags as /proc/self/mountinfo names them: kept when a mount is made read-only.
MOUNT_FLAGS = {"nosuid": MS_NOSUID, "nodev": MS_NODEV, "noexec": MS_NOEXEC, "noatime": MS_NOATIME,
               "nodiratime": MS_NODIRATIME, "relatime": MS_RELATIME, "strictatime": MS_STRICTATIME}
# The world-writable folders of a system (beside /tmp, which is masked): each becomes a folder
# of the worker's scratch tmpfs.
SCRATCH_PLACES = ("/dev/shm", "/var/tmp", "/run/lock")

libc = ctypes.CDLL(None, use_errno=True)


def _syscall(result, what):
    if result != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"{what}: {os.strerror(errno)}")


def mount(source, target, fstype, flags, data=None):
    _syscall(libc.mount(source.encode() if source else None, target.encode(),
                        fstype.encode() if fstype else None, flags,
                        data.encode() if data else None), f"mount {target}")


def parse(argv):
    parser = argparse.ArgumentParser(prog="grader.sandbox.launch")
    parser.add_argument("--memory-mb", type=int, required=True)
    parser.add_argument("--memory-rlimit", choices=("as", "data"), default="as")
    parser.add_argument("--file-mb", type=int, default=64)
    parser.add_argument("--disk-mb", type=int, default=0, help="the scratch tmpfs (0: none)")
    parser.add_argument("--nproc", type=int, default=128)
    parser.add_argument("--cpu-seconds", type=int, default=3600)
    parser.add_argument("--uid", type=int)
    parser.add_argument("--no-namespaces", dest="namespaces", action="store_false",
                        help="do without them, as where the kernel refuses them")
    parser.add_argument("--hide", action="append", default=[])
    parser.add_argument("--expose", action="append", default=[])
    parser.add_argument("--mask", action="append", default=[])
    parser.add_argument("--workdir", required=True)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    args.command = args.command[1:] if args.command[:1] == ["--"] else args.command
    return args


def set_limits(args):
    memory = args.memory_mb * 1024 * 1024
    # "as" caps the address space: right for numpy, fatal for torch's CUDA build, whose
    # libraries map GBs they never touch (CUDA reserves far more). "data" caps the
    # private writable memory (heap, anonymous mmap) instead; the runner's resident-size
    # watchdog covers what it does not count (shared mappings, child processes).
    which = resource.RLIMIT_DATA if args.memory_rlimit == "data" else resource.RLIMIT_AS
    resource.setrlimit(which, (memory, memory))
    resource.setrlimit(resource.RLIMIT_FSIZE, (args.file_mb << 20, args.file_mb << 20))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_CPU, (args.cpu_seconds, args.cpu_seconds))
    # The memory limit is per process; a worker's children together can still exhaust the
    # machine. Should the kernel's OOM killer have to choose, it takes them, not the grader.
    try:
        with open("/proc/self/oom_score_adj", "w") as stream:
            stream.write("1000")
    except OSError:
        pass
    if args.uid is not None:
        resource.setrlimit(resource.RLIMIT_NPROC, (args.nproc, args.nproc))


def enter_namespaces():
    """True when this process now has its own mount, PID, network and IPC namespaces."""
    try:
        _syscall(libc.unshare(CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC), "unshare")
    except OSError:
        return False
    return True


def mask_plan(exposed, masks):
    """{root: [the exposed paths under it]}: each root (a masked folder, or a private folder on the
    way to an exposed path) is replaced by an empty tmpfs into which only those paths are bound
    back, at their places, with empty folders on the way. Nothing else of a root shows: not the
    rest of the folder an exposed path is in (other checkouts, other students' files, other
    Python versions), nor what a private home holds beside the one path needed."""
    exposed = sorted({os.path.realpath(p) for p in exposed})
    exposed = [p for p in exposed if not any(p.startswith(q + "/") for q in exposed)]  # the outermost
    roots = {m for m in masks if os.path.isdir(m) and not any(p == m or m.startswith(p + "/") for p in exposed)}
    for path in exposed:
        ancestor, _ = private_ancestor(path)
        if ancestor and not any(ancestor == r or ancestor.startswith(r + "/") for r in roots) \
                and not any(ancestor.startswith(p + "/") for p in exposed):
            roots.add(ancestor)
    roots = {r for r in roots if not any(r.startswith(q + "/") for q in roots)}
    return {root: [p for p in exposed if p.startswith(root + "/")] for root in sorted(roots)}


def mask_folders(plan):
    # Every exposed path is held open before any root is covered: one root may hide another's.
    held = {path: os.open(path, O_PATH) for paths in plan.values() for path in paths}
    for root, paths in plan.items():
        mount("tmpfs", root, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,size=1m")
        for path in paths:
            os.makedirs(os.path.dirname(path), mode=0o755, exist_ok=True)
            if os.path.isdir(f"/proc/self/fd/{held[path]}"):
                os.mkdir(path, 0o755)
            else:
                os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o644))
            mount(f"/proc/self/fd/{held[path]}", path, None, MS_BIND | MS_REC)
    for fd in held.values():
        os.close(fd)


def private_ancestor(path):
    """The first directory on the way to `path` that others may not enter, and the next component."""
    parts = path.strip("/").split("/")
    for depth in range(1, len(parts)):
        ancestor = "/" + "/".join(parts[:depth])
        if not os.stat(ancestor).st_mode & 0o001:
            return ancestor, parts[depth]
    return None, None


def hide(paths):
    for path in paths:
        if os.path.isdir(path):
            mount("tmpfs", path, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV, "mode=0000,size=4k")
        elif os.path.exists(path):
            mount("/dev/null", path, None, MS_BIND)


def scratch(args, uid):
    """One tmpfs of --disk-mb for all the worker may write: /dev/shm, /var/tmp, /run/lock, and the
    changes to its work folder (an overlay). It is private to the namespace and ends with it.
    The paths that keep writable mounts (kept out of make_read_only)."""
    if not args.disk_mb or not os.path.isdir("/dev/shm"):
        return set()
    base = "/dev/shm"  # a fresh tmpfs there first; its folders are bound where they belong
    mount("tmpfs", base, "tmpfs", MS_NOSUID | MS_NODEV, f"mode=0755,size={args.disk_mb}m")
    writable = set()
    for place in SCRATCH_PLACES:
        if os.path.isdir(place) and not os.path.islink(place):
            folder = os.path.join(base, "." + place.strip("/").replace("/", "-"))
            os.mkdir(folder)
            os.chmod(folder, 0o1777)
            writable.add(place)
    workdir = os.path.realpath(args.workdir)
    if uid is not None and not any(c in workdir for c in ",:\\"):
        upper, work = os.path.join(base, ".upper"), os.path.join(base, ".work")
        os.mkdir(upper, 0o700)
        os.mkdir(work, 0o700)
        status = os.stat(workdir)
        os.chown(upper, status.st_uid, status.st_gid)
        os.chmod(upper, status.st_mode & 0o7777)
        try:
            mount("overlay", workdir, "overlay", MS_NOSUID | MS_NODEV,
                  f"lowerdir={workdir},upperdir={upper},workdir={work}")
            writable.add(workdir)
        except OSError:
            pass  # no overlayfs here: the runner counts what the work folder grows by
    for place in sorted(writable - {workdir, "/dev/shm"}):
        mount(os.path.join(base, "." + place.strip("/").replace("/", "-")), place, None, MS_BIND)
    mount(os.path.join(base, ".dev-shm"), "/dev/shm", None, MS_BIND)  # on top: the rest is out of sight
    return writable | {"/dev/shm"}


def mount_points():
    """[(mount point, its per-mount options, file system type)] of this namespace, in mount order."""
    found = []
    with open("/proc/self/mountinfo") as stream:
        for line in stream:
            fields = line.split()
            dash = fields.index("-")
            point = re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), fields[4])
            found.append((point, fields[5].split(","), fields[dash + 1]))
    return found


def make_read_only(writable):
    """Every mount but `writable`, /proc and /dev's devices read-only in this namespace: files the
    worker's uid could write elsewhere (a world-writable folder of the machine's, a mqueue) would
    outlive the grading, or be seen by the next one."""
    for point, options, fstype in mount_points():
        if point in writable or fstype in ("proc", "devtmpfs", "devpts") or point.startswith("/proc/") \
                or "ro" in options or not os.path.isdir(point):
            continue
        flags = MS_REMOUNT | MS_BIND | MS_RDONLY
        for option in options:
            flags |= MOUNT_FLAGS.get(option, 0)
        try:
            mount(None, point, None, flags)
        except OSError:
            pass  # a mount point covered by a mask is no longer there to remount


def lock_away(args):
    """In the new namespaces: private mounts, secrets hidden, scratch space, a /proc of our own."""
    mount(None, "/", None, MS_REC | MS_PRIVATE)
    mask_folders(mask_plan(args.expose, args.mask))
    hide(args.hide)
    writable = scratch(args, args.uid)
    if not writable and os.path.isdir("/dev/shm"):
        # A /dev/shm of its own at least: files there are memory that no rlimit counts.
        mount("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, f"mode=1777,size={args.file_mb}m")
        writable = {"/dev/shm", os.path.realpath(args.workdir)}
    if os.path.isdir("/dev/mqueue"):
        try:  # the queues of this IPC namespace, not the machine's
            mount("mqueue", "/dev/mqueue", "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC)
            writable.add("/dev/mqueue")
        except OSError:
            pass
    make_read_only(writable | {os.path.realpath(args.workdir)})
    mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)


def drop_privileges(uid):
    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)
    libc.prctl(PR_SET_PDEATHSIG, 9)
    # No way back to root through a set-user-ID program (mount, passwd, ... are on most
    # systems) or file capabilities: execve() grants no privilege from here on.
    _syscall(libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "prctl(PR_SET_NO_NEW_PRIVS)")


def main(argv=None):
    # First of all: no core file from this process or any it starts (the worker's too). A core
    # would land in the grader's own folder (this parent's working directory), holding the
    # student's memory, and outlive the grading.
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    args = parse(sys.argv[1:] if argv is None else argv)
    # Ends with the grader: a grader killed mid-run (a gradebook's timeout, Ctrl-C) must not
    # leave this process, and so the worker and its namespace, running student code on.
    # (Strictly, with the grader's thread that started it: a Sandbox stays with one thread.)
    libc.prctl(PR_SET_PDEATHSIG, 9)
    if args.uid is not None and os.geteuid() == 0 and args.namespaces and enter_namespaces():
        child = os.fork()
        if child:
            # This parent only waits. Holding the worker's pipes open would hide from the
            # grader a worker that closes its answer pipe yet lives on (no end-of-file).
            os.closerange(3, 1 << 16)
            libc.prctl(PR_SET_DUMPABLE, 0)  # and never dumps core, whatever the core pattern
            _, status = os.waitpid(child, 0)
            if os.WIFSIGNALED(status):  # pass the worker's death on, as the grader reads it
                number = os.WTERMSIG(status)
                if number not in (signal.SIGKILL, signal.SIGSTOP):
                    signal.signal(number, signal.SIG_DFL)
                os.kill(os.getpid(), number)
            os._exit(os.waitstatus_to_exitcode(status) & 0xFF)
        libc.prctl(PR_SET_PDEATHSIG, 9)
        lock_away(args)
    set_limits(args)
    if args.uid is not None and os.geteuid() == 0:
        drop_privileges(args.uid)
    os.chdir(args.workdir)
    os.umask(0o077)
    os.execv(args.command[0], args.command)


if __name__ == "__main__":
    main()
