# where: top
# base: reference
# costs: its file
# evidence: did not finish within
# -- hostile: loop_at_import: importing {{file}} never ends --
while True:
    pass
