# where: top
# base: reference
# costs: its file
# evidence: SystemExit
# -- hostile: exit_at_import: the interpreter is told to exit as soon as {{file}} is imported --
import sys as _hostile_sys

_hostile_sys.exit(0)
