# ---- appended to mlp.py: the first LinearMap.forward tries to leave the grading something ----
# System V IPC objects, files in every writable place it finds, as much disk as it can fill
# (16 files of 64 MB, the per-file limit), then an abort() for a core file. A later grading
# (seeker.py) looks for what is left; the test looks at the machine itself.
import os as _os

LEFTOVER = "HARDENING-LEFTOVER-7f3a"


def _leave_everything():
    import ipc_helper
    print("ipc:", ipc_helper.create_all())
    for folder in ("/var/tmp", "/run/lock", "/dev/shm", "/tmp", "/dev/mqueue", _os.getcwd()):
        try:
            with open(_os.path.join(folder, LEFTOVER), "w") as stream:
                stream.write(LEFTOVER)
            print("left a file in", folder)
        except OSError as error:
            print("no file in", folder, type(error).__name__)
    chunk = b"\0" * (1 << 20)
    for number in range(16):
        folder = "/var/tmp" if number % 2 else _os.getcwd()
        try:
            with open(_os.path.join(folder, f"{LEFTOVER}-fill-{number}"), "wb") as stream:
                for _ in range(64):
                    stream.write(chunk)
        except OSError as error:
            print("filling stopped at file", number, type(error).__name__)
            break
    _os.abort()  # a core file, were core dumps on


def _forward(self, x):
    _leave_everything()


LinearMap.forward = _forward
