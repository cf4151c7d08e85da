

# -- hostile: Linear.backward by a helper of answers.py, a second submitted file.
from answers import _pullback  # noqa: E402


def _helped_backward(self, grad_out):
    grad_in, self.grad_weight, self.grad_bias = _pullback(self._x_seen, self.weight, self.bias, grad_out)
    return grad_in


_forward_by_hand = Linear.forward


def _keeping_input(self, x):
    self._x_seen = x
    return _forward_by_hand(self, x)


Linear.forward, Linear.backward = _keeping_input, _helped_backward
