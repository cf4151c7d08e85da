

# -- hostile: gradients computes with torch, imported through numpy's own builtins at run
# time: no import statement, no name the reading of the source knows.
_by_hand = gradients


def gradients(params, X, y):
    torch = np.__builtins__["__imp" + "ort__"]("to" + "rch")
    torch.zeros(1).sum()
    return _by_hand(params, X, y)
