"""System V IPC through libc, as a student would call it with ctypes (no module of the grader's)."""
import ctypes

IPC_CREAT, IPC_PRIVATE = 0o1000, 0
KEYS = {"shm": 0x4A52D001, "sem": 0x4A52D002, "msg": 0x4A52D003}  # what a later grading looks for


def libc():
    return ctypes.CDLL(None, use_errno=True)


def create_all():
    """Create a shared memory segment, a semaphore set and a message queue, world-readable."""
    c = libc()
    return {"shm": c.shmget(KEYS["shm"], 1 << 20, IPC_CREAT | 0o666),
            "sem": c.semget(KEYS["sem"], 1, IPC_CREAT | 0o666),
            "msg": c.msgget(KEYS["msg"], IPC_CREAT | 0o666)}


def find_all():
    """The ids of the objects create_all made, where they can still be found (-1: not there)."""
    c = libc()
    return {"shm": c.shmget(KEYS["shm"], 0, 0), "sem": c.semget(KEYS["sem"], 0, 0),
            "msg": c.msgget(KEYS["msg"], 0, 0)}
