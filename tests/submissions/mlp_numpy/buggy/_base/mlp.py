"""Reference solution of `mlp_numpy`: a small numpy neural-network framework.

Batches are rows: an input batch has shape (batch, features). A LinearMap from
R^indim to R^outdim holds W of shape (outdim, indim) and b of shape (outdim,).
"""
import numpy as np


def random_weight_init(indim, outdim):
    """Glorot-uniform weights, shape (outdim, indim)."""
    bound = np.sqrt(6.0) / np.sqrt(indim + outdim)
    return np.random.uniform(-bound, bound, (outdim, indim))


def zeros_bias_init(outdim):
    """Zero bias, shape (outdim,)."""
    return np.zeros(outdim)


def labels2onehot(labels, classes):
    """Class indices (batch,) -> one-hot rows (batch, classes)."""
    return np.eye(classes)[np.asarray(labels, dtype=int)]


class Transform:
    """A one-input, one-output function with a hand-written derivative."""

    def forward(self, x):
        raise NotImplementedError

    def backward(self, grad_wrt_out):
        raise NotImplementedError

    def step(self):
        pass

    def zerograd(self):
        pass


class ReLU(Transform):
    """max(x, 0), with dropout of chance p in training and 1 - p scaling in inference."""

    def __init__(self, dropout_chance=0):
        self.p = dropout_chance
        self.grad_mask = None

    def forward(self, x, train=True):
        """x: (batch, features) -> same shape."""
        active = x > 0
        if train:
            # One uniform draw of x's shape: the grader replays the same stream.
            keep = np.random.uniform(0, 1, x.shape) >= self.p
            self.grad_mask = active & keep
            return np.where(self.grad_mask, x, 0.0)
        self.grad_mask = active
        return np.where(active, x, 0.0) * (1 - self.p)

    def backward(self, grad_wrt_out):
        """Reuses the mask of the last forward: ReLU's step times the dropout mask."""
        return grad_wrt_out * self.grad_mask


class LinearMap(Transform):
    """x -> x W^T + b, with momentum SGD: G_M = alpha G_M + G, param -= lr G_M.

    The gradient and momentum buffers are private, so they are updated in place
    (no new arrays the size of W each step). W and b are handed out by getW()
    and getb() as copies, so a caller's snapshot never changes under it.
    """

    def __init__(self, indim, outdim, alpha=0, lr=0.01):
        self.alpha = alpha
        self.lr = lr
        self.W = random_weight_init(indim, outdim)
        self.b = zeros_bias_init(outdim)
        self.momentum_W = np.zeros_like(self.W)
        self.momentum_b = np.zeros_like(self.b)
        self.grad_W = np.zeros_like(self.W)
        self.grad_b = np.zeros_like(self.b)

    def forward(self, x):
        """x: (batch, indim) -> (batch, outdim)."""
        self.x = x
        return x @ self.W.T + self.b

    def backward(self, grad_wrt_out):
        """grad_wrt_out: (batch, outdim) -> grad wrt input (batch, indim); grads accumulate."""
        self.grad_W += grad_wrt_out.T @ self.x
        self.grad_b += grad_wrt_out.sum(axis=0)
        return grad_wrt_out @ self.W

    def step(self):
        self.momentum_W *= self.alpha
        self.momentum_W += self.grad_W
        self.momentum_b *= self.alpha
        self.momentum_b += self.grad_b
        self.W -= self.lr * self.momentum_W
        self.b -= self.lr * self.momentum_b

    def zerograd(self):
        self.grad_W.fill(0.0)
        self.grad_b.fill(0.0)

    def getW(self):
        return self.W.copy()

    def getb(self):
        return self.b.copy()

    def loadparams(self, W, b):
        self.W = np.array(W, dtype=float)
        self.b = np.array(b, dtype=float)


class SoftmaxCrossEntropyLoss:
    """Mean cross-entropy of softmax(logits) against one-hot labels."""

    def forward(self, logits, labels):
        """logits, labels: (batch, classes) -> mean loss (float)."""
        shifted = logits - logits.max(axis=1, keepdims=True)
        log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        self.probs = np.exp(log_probs)
        self.labels = labels
        return float(-(labels * log_probs).sum() / logits.shape[0])

    def backward(self):
        """Gradient of the mean loss wrt logits, (batch, classes)."""
        return (self.probs - self.labels) / self.labels.shape[0]

    def getAccu(self):
        """Fraction of the last batch whose arg-max prediction is the label, in [0, 1]."""
        return float(np.mean(self.probs.argmax(axis=1) == self.labels.argmax(axis=1)))


class Sequential(Transform):
    """Layers applied in order; the base of both MLPs."""

    def __init__(self, layers):
        self.layers = layers

    def linear_maps(self):
        return [layer for layer in self.layers if isinstance(layer, LinearMap)]

    def forward(self, x, train=True):
        for layer in self.layers:
            x = layer.forward(x, train) if isinstance(layer, ReLU) else layer.forward(x)
        return x

    def backward(self, grad):
        for layer in reversed(self.layers):
            grad = layer.backward(grad)
        return grad

    def step(self):
        for layer in self.linear_maps():
            layer.step()

    def zerograd(self):
        for layer in self.linear_maps():
            layer.zerograd()

    def loadparams(self, Ws, bs):
        for layer, W, b in zip(self.linear_maps(), Ws, bs):
            layer.loadparams(W, b)

    def getWs(self):
        return [layer.getW() for layer in self.linear_maps()]

    def getbs(self):
        return [layer.getb() for layer in self.linear_maps()]


class SingleLayerMLP(Sequential):
    """inp -> hiddenlayer (ReLU, dropout) -> outp logits."""

    def __init__(self, inp, outp, hiddenlayer=100, alpha=0.1, dropout_chance=0, lr=0.01):
        super().__init__([
            LinearMap(inp, hiddenlayer, alpha, lr),
            ReLU(dropout_chance),
            LinearMap(hiddenlayer, outp, alpha, lr),
        ])


class TwoLayerMLP(Sequential):
    """inp -> h1 (ReLU, dropout) -> h2 (ReLU, dropout) -> outp logits."""

    def __init__(self, inp, outp, hiddenlayers=[100, 100], alpha=0.1, dropout_chance=0, lr=0.01):
        h1, h2 = hiddenlayers
        super().__init__([
            LinearMap(inp, h1, alpha, lr),
            ReLU(dropout_chance),
            LinearMap(h1, h2, alpha, lr),
            ReLU(dropout_chance),
            LinearMap(h2, outp, alpha, lr),
        ])
