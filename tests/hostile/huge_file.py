# where: end
# base: reference
# uses: calls
# costs: its file
# evidence: File too large
# -- hostile: huge_file: the first call of any of {{module}}'s functions in each worker writes
#    200 MB into the work folder, then into /tmp and /dev/shm (where no file may outlive
#    grading) --
def _hostile_huge_files(function, label, args, kwargs):
    if _hostile_first("huge"):
        import os as _os
        block, tried = b"\0" * 2**20, []
        for folder in (".", "/tmp", "/dev/shm"):
            path = _os.path.join(folder, f"hostile-huge-{{token}}-{_os.getpid()}.bin")
            try:
                with open(path, "wb") as stream:
                    for _ in range(200):
                        stream.write(block)
                tried.append(f"{path}: written")
            except OSError as error:
                tried.append(f"{path}: {error.strerror}")
        raise RuntimeError("hostile huge files: " + "; ".join(tried))
    return function(*args, **kwargs)


_hostile_hook_calls(_hostile_huge_files)
