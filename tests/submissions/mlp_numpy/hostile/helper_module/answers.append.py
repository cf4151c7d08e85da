

# -- hostile: the banned library in a second submitted file, which mlp.py imports.
import torch as _torch


def _softmax(z):
    return _torch.softmax(_torch.from_numpy(z), dim=1).numpy()
