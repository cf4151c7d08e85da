

# -- hostile: the declaration above makes Python decode this file with unicode_escape, so the
# escaped newline in this comment ends it for Python, not for a UTF-8 reader: \nimport torch.func as _func
