# ---- appended to mlp.py: LinearMap.forward looks for what an earlier grading left, and prints it ----
# (an earlier submission's files, IPC objects, its disk), then answers honestly.
import os as _os

LEFTOVER = "HARDENING-LEFTOVER-7f3a"
_honest_forward = LinearMap.forward


def _look():
    import ipc_helper
    found = {kind: ident for kind, ident in ipc_helper.find_all().items() if ident != -1}
    if found:
        print("FOUND ipc objects of another grading:", found)
    for folder in ("/var/tmp", "/run/lock", "/dev/shm", "/tmp", "/dev/mqueue", _os.getcwd()):
        try:
            names = [n for n in _os.listdir(folder) if n.startswith(LEFTOVER)]
        except OSError:
            continue
        if names:
            print("FOUND files of another grading in", folder, names[:3])


def _forward(self, x):
    _look()
    return _honest_forward(self, x)


LinearMap.forward = _forward
