

# -- hostile: grad_W by a row loop of answers.py, a second submitted file.
from answers import _rows  # noqa: E402


def grad_W(W, x):
    u = np.maximum(W @ x, 0)
    return _rows(u + W @ u, u, x, W)
