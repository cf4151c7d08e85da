"""Training runs for the checks of the hand-written PyTorch modules in modules.py.

The checks call these functions on either side with one probe,
`impl.worker("training").run_training(impl.modules, ...)`: in the
student's sandboxed worker for the submission, in the grader's own process
for the reference and for the grader's own expected values. Every function
here returns plain data (floats, lists, numpy arrays), so what crosses the
wire is numbers the grader judges itself.

- `grader_layers(modules)`: Linear, ReLU and CrossEntropyLoss whose forward and
  backward are the grader's (torch autograd), as subclasses of the submission's
  own classes. A check of train_epoch and evaluate runs the student's loop
  and Sequential on these, so that a bug in the student's layers does not
  cost the training-loop points too.
- `run_training(modules, ...)`: build an MLP from given weights, train it with
  `modules.train_epoch`, evaluate it with `modules.evaluate`, predict logits
  for held-out inputs. `modules=None` runs the grader's own loop and layers.
- `Batches`: the data loader they train on: (x, y) batches of tensors already
  on the device, in a seeded order.

The digits data (scikit-learn's bundled 8x8 images) is loaded by the grader,
which sends training inputs and labels and held-out inputs only; the held-out
labels stay in the grader, which scores the returned logits itself.
"""
import functools
import math
import time
import types

import numpy as np
import torch

DTYPES = {"float32": torch.float32, "float64": torch.float64}


def pick_device(device="auto"):
    """"auto": the GPU when this process sees one, else the CPU."""
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    return device


class Batches:
    """A data loader over tensors: (x, y) batches, in order or in a seeded random order each epoch.

    Like torch's DataLoader it has `len(loader)` (batches), `loader.dataset`
    (with `len`) and `loader.batch_size`.
    """

    def __init__(self, x, y, batch_size, shuffle_seed=None):
        self.x, self.y, self.batch_size = x, y, int(batch_size)
        self.dataset = torch.utils.data.TensorDataset(x, y)
        self.generator = None if shuffle_seed is None else torch.Generator().manual_seed(int(shuffle_seed))

    def __iter__(self):
        count = len(self.y)
        order = torch.randperm(count, generator=self.generator) if self.generator else torch.arange(count)
        order = order.to(self.x.device)
        for start in range(0, count, self.batch_size):
            index = order[start:start + self.batch_size]
            yield self.x[index], self.y[index]

    def __len__(self):
        return math.ceil(len(self.y) / self.batch_size)


# -- The grader's own layers: autograd does their backward ------------------------------------


def _base(modules, name):
    found = getattr(modules, name, None) if modules is not None else None
    return found if isinstance(found, type) else object


def grader_layers(modules=None):
    """Linear, ReLU, CrossEntropyLoss computed by the grader (autograd), subclassing the submission's.

    The student's __init__ is not run; forward and backward are the grader's,
    and every other method (a helper of theirs, say) is inherited.
    """

    class Linear(_base(modules, "Linear")):
        def __init__(self, in_features, out_features):
            bound = 1.0 / math.sqrt(in_features)
            self.weight = torch.empty(out_features, in_features).uniform_(-bound, bound)
            self.bias = torch.empty(out_features).uniform_(-bound, bound)
            self.grad_weight, self.grad_bias = torch.zeros_like(self.weight), torch.zeros_like(self.bias)

        def forward(self, x):
            with torch.enable_grad():
                self._inputs = [t.detach().requires_grad_() for t in (x, self.weight, self.bias)]
                self._out = torch.nn.functional.linear(*self._inputs)
            return self._out.detach()

        def backward(self, grad_out):
            grad_in, self.grad_weight, self.grad_bias = vector_jacobian(self._out, self._inputs, grad_out)
            return grad_in

        def parameters(self):
            return [(self.weight, self.grad_weight), (self.bias, self.grad_bias)]

    class ReLU(_base(modules, "ReLU")):
        def __init__(self):
            pass

        def forward(self, x):
            with torch.enable_grad():
                self._x = x.detach().requires_grad_()
                self._out = torch.relu(self._x)
            return self._out.detach()

        def backward(self, grad_out):
            return vector_jacobian(self._out, [self._x], grad_out)[0]

        def parameters(self):
            return []

    class CrossEntropyLoss(_base(modules, "CrossEntropyLoss")):
        def __init__(self):
            pass

        def forward(self, logits, targets):
            with torch.enable_grad():
                self._logits = logits.detach().requires_grad_()
                self._loss = torch.nn.functional.cross_entropy(self._logits, targets)
            return self._loss.detach()

        def backward(self):
            return torch.autograd.grad(self._loss, self._logits)[0]

    return types.SimpleNamespace(Linear=Linear, ReLU=ReLU, CrossEntropyLoss=CrossEntropyLoss)


def vector_jacobian(output, inputs, grad_out):
    """The gradients of sum(grad_out * output) wrt `inputs`, by autograd. Taken of that scalar:
    autograd.grad with a tensor for grad_outputs imports sympy, half a second in each process."""
    if not isinstance(grad_out, torch.Tensor) or grad_out.shape != output.shape:
        raise ValueError(f"backward got a gradient of shape {tuple(getattr(grad_out, 'shape', ()))}; "
                         f"expected {tuple(output.shape)}, the shape of what forward returned")
    return torch.autograd.grad((output * grad_out).sum(), inputs)


# -- The grader's own loop: what train_epoch and evaluate must compute ----------------------


class _Sequential:
    def __init__(self, *modules):
        self.modules = list(modules)

    def forward(self, x):
        for module in self.modules:
            x = module.forward(x)
        return x

    def backward(self, grad):
        for module in reversed(self.modules):
            grad = module.backward(grad)
        return grad

    def parameters(self):
        return [pair for module in self.modules for pair in module.parameters()]


def _sgd_step(model, lr):
    for param, grad in model.parameters():
        param -= lr * grad


def _epoch(model, loss_fn, loader, lr=None):
    """Mean batch loss and accuracy (from each batch's logits before its step); trains when lr is given."""
    losses, correct, count = [], 0, 0
    for x, y in loader:
        logits = model.forward(x)
        losses.append(float(loss_fn.forward(logits, y)))
        if lr is not None:
            model.backward(loss_fn.backward())
            _sgd_step(model, lr)
        correct += int((logits.argmax(dim=1) == y).sum())
        count += len(y)
    return sum(losses) / len(losses), correct / count


GRADER_LOOP = types.SimpleNamespace(
    Sequential=_Sequential, sgd_step=_sgd_step,
    train_epoch=lambda model, loss_fn, loader, lr: _epoch(model, loss_fn, loader, lr),
    evaluate=lambda model, loss_fn, loader: _epoch(model, loss_fn, loader))


# -- Runs ------------------------------------------------------------------------------------


def initial_weights(sizes, seed):
    """[(W (out, in), b (out,))] drawn like torch.nn.Linear's default, from numpy's seeded generator."""
    rng = np.random.default_rng(seed)
    weights = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        bound = 1.0 / math.sqrt(n_in)
        weights.append((rng.uniform(-bound, bound, (n_out, n_in)), rng.uniform(-bound, bound, n_out)))
    return weights


def _as_pair(result, call):
    """(float, float) from what train_epoch/evaluate returned, or a TypeError naming the call."""
    try:
        loss, accuracy = result
        return float(loss), float(accuracy)
    except (TypeError, ValueError, RuntimeError):
        shown = repr(result)
        shown = shown if len(shown) < 80 else shown[:77] + "..."
        raise TypeError(f"{call} must return (mean_loss, accuracy) as two numbers, got {shown}") from None


def _numpy(tensor, call):
    if not isinstance(tensor, torch.Tensor):
        raise TypeError(f"{call} must return a torch tensor, got {type(tensor).__name__}")
    return tensor.detach().to("cpu", torch.float64).numpy()


def run_training(modules, weights, train_x, train_y, lr, batch_size, epochs, shuffle_seed=None,
                 eval_x=None, eval_y=None, predict_x=None, layers="student", device="cpu",
                 dtype="float64"):
    """Train an MLP with the given starting weights; report what happened, as plain data.

    modules: the submission's (or reference's) modules.py, or None for the grader's own
    loop and layers. layers: "student" (modules' Linear, ReLU, CrossEntropyLoss) or
    "grader" (grader_layers). The MLP is Sequential(Linear, ReLU, ..., Linear), one
    Linear per (W, b) in `weights`. Returns {"history": [(loss, accuracy)] per epoch
    from train_epoch, "params": [W, b, ...] after training, "evaluation": evaluate's
    (loss, accuracy) on (eval_x, eval_y) batches in order, "logits": the model's
    outputs for predict_x, "device", "seconds": the time train_epoch took}.
    """
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # small matrices: more threads only contend (and the grader's own process shares)
    device, settings = pick_device(device), (modules, weights, train_x, train_y, lr, batch_size, epochs,
                                             shuffle_seed, eval_x, eval_y, predict_x, layers)
    try:
        return _run(*settings, device, DTYPES[dtype])
    except Exception as exc:
        if device != "cuda":
            raise
        # Code that keeps some tensor on the CPU (torch.zeros(n) in a backward, say) fails on
        # the GPU only; the homework grades the arithmetic, so it gets its run on the CPU.
        result = _run(*settings, "cpu", DTYPES[dtype])
        result["note"] = f"on the GPU it raised {type(exc).__name__}: {exc}"[:300]
        return result
    finally:
        torch.set_num_threads(threads)


def _run(modules, weights, train_x, train_y, lr, batch_size, epochs, shuffle_seed,
         eval_x, eval_y, predict_x, layers, device, kind):
    loop = GRADER_LOOP if modules is None else modules
    blocks = grader_layers(modules) if modules is None or layers == "grader" else modules

    def tensor(values, float_type=True):
        return torch.as_tensor(np.asarray(values), dtype=kind if float_type else torch.int64).to(device)

    linears = []
    for W, b in weights:
        linear = blocks.Linear(np.shape(W)[1], np.shape(W)[0])
        linear.weight, linear.bias = tensor(W), tensor(b)
        linears.append(linear)
    stack = [linears[0]]
    for linear in linears[1:]:
        stack += [blocks.ReLU(), linear]
    model = loop.Sequential(*stack)
    loss_fn = blocks.CrossEntropyLoss()
    loader = Batches(tensor(train_x), tensor(train_y, False), batch_size, shuffle_seed)

    history, start = [], time.perf_counter()
    for _ in range(int(epochs)):
        history.append(_as_pair(loop.train_epoch(model, loss_fn, loader, lr), "train_epoch(model, loss_fn, loader, lr)"))
    if device == "cuda":
        torch.cuda.synchronize()
    result = {"history": history, "seconds": time.perf_counter() - start, "device": device}
    if eval_x is not None:
        eval_loader = Batches(tensor(eval_x), tensor(eval_y, False), batch_size)
        result["evaluation"] = _as_pair(loop.evaluate(model, loss_fn, eval_loader), "evaluate(model, loss_fn, loader)")
    if predict_x is not None:
        result["logits"] = _numpy(model.forward(tensor(predict_x)), "model.forward(x)")
    result["params"] = [_numpy(t, "a Linear layer's weight or bias")
                        for linear in linears for t in (linear.weight, linear.bias)]
    return result


@functools.lru_cache(maxsize=4)
def digits_data(seed=0):
    """The 8x8 digits split: (train_x float32 (n, 64) in [0, 1], train_y int64, test_x, test_y)."""
    from grader.datasets import load_digits_split

    (train_x, train_y), (test_x, test_y) = load_digits_split(seed=seed)
    return train_x.astype(np.float32), train_y, test_x.astype(np.float32), test_y


def accuracy(logits, labels):
    """Fraction of rows whose largest logit is at the label."""
    return float(np.mean(np.argmax(logits, axis=1) == labels))
