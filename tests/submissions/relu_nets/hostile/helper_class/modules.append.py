

# -- hostile: the autograd in a helper class at module level, in a staticmethod, which
# Linear.backward reaches through an attribute.
class _Tape:
    @staticmethod
    def pullback(x, weight, bias, grad_out):
        _, pull = torch.func.vjp(lambda x_, w_, b_: x_ @ w_.T + b_, x, weight, bias)
        return pull(grad_out)


def _taped_backward(self, grad_out):
    grad_in, self.grad_weight, self.grad_bias = _Tape.pullback(self._x_seen, self.weight, self.bias, grad_out)
    return grad_in


_forward_by_hand = Linear.forward


def _keeping_input(self, x):
    self._x_seen = x
    return _forward_by_hand(self, x)


Linear.forward, Linear.backward = _keeping_input, _taped_backward
