# where: top
# base: reference
# costs: its file
# evidence: exited with code 0
# -- hostile: hard_exit_at_import: the worker process ends at once, skipping every handler --
import os as _hostile_os

_hostile_os._exit(0)
