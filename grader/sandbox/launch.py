"""Starts a worker under resource limits; as root, also locked away.

    python -m grader.sandbox.launch [limits] --workdir DIR -- COMMAND...

As root it enters new mount, PID and network namespaces where it can (the
worker is then PID 1 there, so when it ends every process it left ends too),
hides the grader's secret paths under empty read-only mounts, re-exposes the
Python installation if it lies under a private home, and drops to an
unprivileged uid before it execs COMMAND. Where namespaces are refused (a
Docker container without CAP_SYS_ADMIN) it still drops privileges.
"""
import argparse
import ctypes
import os
import resource
import signal
import sys

CLONE_NEWNS, CLONE_NEWPID, CLONE_NEWNET = 0x00020000, 0x20000000, 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_BIND, MS_REC, MS_PRIVATE = 4096, 16384, 1 << 18
PR_SET_PDEATHSIG, PR_SET_NO_NEW_PRIVS = 1, 38
O_PATH = 0o10000000

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
    parser.add_argument("--nproc", type=int, default=128)
    parser.add_argument("--cpu-seconds", type=int, default=3600)
    parser.add_argument("--uid", type=int)
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
    """True when this process now has its own mount, PID and network namespaces."""
    try:
        _syscall(libc.unshare(CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET), "unshare")
    except OSError:
        return False
    return True


def mask_plan(exposed, masks):
    """{folder: the children to keep} for each masked folder and each private ancestor.

    A masked folder is replaced by an empty tmpfs into which only the children that
    lead to an exposed path are bound back: other checkouts of the course, other
    students' files and anything else the machine keeps there stay out of sight.
    """
    exposed = [os.path.realpath(p) for p in exposed]
    plan = {}
    for path in exposed:
        ancestor, child = private_ancestor(path)
        if ancestor:
            plan.setdefault(ancestor, set()).add(child)
        for mask in masks:
            if path.startswith(mask + "/"):
                plan.setdefault(mask, set()).add(path[len(mask) + 1:].split("/")[0])
    for mask in masks:
        if os.path.isdir(mask) and not any(p == mask or mask.startswith(p + "/") for p in exposed):
            plan.setdefault(mask, set())
    return dict(sorted(plan.items(), key=lambda item: item[0].count("/")))


def mask_folders(plan):
    for folder, children in plan.items():
        fds = {child: os.open(os.path.join(folder, child), O_PATH) for child in children}
        mount("tmpfs", folder, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,size=1m")
        for child, fd in fds.items():
            target = os.path.join(folder, child)
            os.mkdir(target)
            mount(f"/proc/self/fd/{fd}", target, None, MS_BIND | MS_REC)
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


def lock_away(args):
    """In the new namespaces: private mounts, secrets hidden, a /proc of our own."""
    mount(None, "/", None, MS_REC | MS_PRIVATE)
    mask_folders(mask_plan(args.expose, args.mask))
    hide(args.hide)
    # A /dev/shm of its own: files there are memory that no rlimit counts, shared with
    # every other process on the machine, and kept after grading; this one is capped and
    # goes when the worker's namespace ends.
    if os.path.isdir("/dev/shm"):
        mount("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, f"mode=1777,size={args.file_mb}m")
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
    args = parse(sys.argv[1:] if argv is None else argv)
    # Ends with the grader: a grader killed mid-run (a gradebook's timeout, Ctrl-C) must not
    # leave this process, and so the worker and its namespace, running student code on.
    # (Strictly, with the grader's thread that started it: a Sandbox stays with one thread.)
    libc.prctl(PR_SET_PDEATHSIG, 9)
    if args.uid is not None and os.geteuid() == 0 and enter_namespaces():
        child = os.fork()
        if child:
            # This parent only waits. Holding the worker's pipes open would hide from the
            # grader a worker that closes its answer pipe yet lives on (no end-of-file).
            os.closerange(3, 1 << 16)
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
