

# -- hostile: Linear and ReLU use autograd, named by strings the static check cannot read --
# forward marks its input as needing gradients and keeps its output; backward runs
# autograd from that output. With autograd off on the worker's side, as the checks
# run it, forward records no graph and backward finds nothing to differentiate.
_REQUIRES = "requires" + "_grad_"
_BACKWARD = "back" + "ward"


def _autograd_forward(self, x):
    self.x = getattr(x.detach().clone(), _REQUIRES)()
    for p in (self.weight, self.bias):
        getattr(p, _REQUIRES)()
    self.out = self.x @ self.weight.T + self.bias
    return self.out.detach()


def _autograd_backward(self, grad_out):
    getattr(self.out, _BACKWARD)(grad_out)
    self.grad_weight, self.grad_bias = self.weight.grad.clone(), self.bias.grad.clone()
    self.weight.grad = self.bias.grad = None
    return self.x.grad


def _relu_autograd_forward(self, x):
    self.x = getattr(x.detach().clone(), _REQUIRES)()
    self.out = self.x.clamp(min=0)
    return self.out.detach()


def _relu_autograd_backward(self, grad_out):
    getattr(self.out, _BACKWARD)(grad_out)
    return self.x.grad


Linear.forward, Linear.backward = _autograd_forward, _autograd_backward
ReLU.forward, ReLU.backward = _relu_autograd_forward, _relu_autograd_backward


# -- and both switch autograd back on first, by a name built at run time --------------
_SWITCH = getattr(torch, "set_" + "grad" + "_enabled")


def _with_grad(method):
    def wrapped(self, *args):
        _SWITCH(True)
        return method(self, *args)
    return wrapped


Linear.forward, Linear.backward = _with_grad(_autograd_forward), _with_grad(_autograd_backward)
ReLU.forward, ReLU.backward = _with_grad(_relu_autograd_forward), _with_grad(_relu_autograd_backward)
