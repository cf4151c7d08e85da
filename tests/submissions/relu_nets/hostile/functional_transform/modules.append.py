

# -- hostile: Linear.backward by torch.func.vjp, reached through operator.attrgetter: the
# reading of the source sees only a string, and torch.func ignores set_grad_enabled(False).
import operator  # noqa: E402

_vjp = operator.attrgetter("fu" + "nc.v" + "jp")(torch)


def _vjp_backward(self, grad_out):
    def forward(x, weight, bias):
        return x @ weight.T + bias

    _, pullback = _vjp(forward, self._x_seen, self.weight, self.bias)
    grad_in, self.grad_weight, self.grad_bias = pullback(grad_out)
    return grad_in


_forward_by_hand = Linear.forward


def _keeping_input(self, x):
    self._x_seen = x
    return _forward_by_hand(self, x)


Linear.forward, Linear.backward = _keeping_input, _vjp_backward
