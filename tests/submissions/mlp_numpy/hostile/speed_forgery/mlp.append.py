

# -- hostile: LinearMap.forward loops over the batch in Python (far too slow), and the
# worker's "repeat" request, which the speed check times, is replaced by a no-op.
import sys as _sys

_reference_forward = LinearMap.forward


def _forward_row_by_row(self, x):
    self.x = x
    return np.array([[sum(x[i, k] * self.W[j, k] for k in range(x.shape[1])) + self.b[j]
                      for j in range(self.W.shape[0])] for i in range(x.shape[0])])


LinearMap.forward = _forward_row_by_row
_sys.modules["__main__"].OPS["repeat"] = lambda message: None
