

# -- hostile: a loop over the rows of grad_W, in a second submitted file, where a reading
# of backprop.py does not look.
def _rows(v, u, x, W):
    step = (W @ x >= 0).astype(float)
    back = (np.eye(len(x)) + W.T) @ v
    return np.array([v[i] * u + step[i] * back[i] * x for i in range(len(x))])
