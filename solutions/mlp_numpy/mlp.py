"""A small neural-network framework in numpy (Problem 5, Part 1).

Conventions the autograder relies on:
- Batches are rows: an input batch has shape (batch, features).
- A LinearMap from R^indim to R^outdim holds W of shape (outdim, indim) and
  b of shape (outdim,), and computes x W^T + b.
- numpy is the only module you may import; importing anything else fails a
  graded check.
- Vectorise: use matrix products over the whole batch, never Python loops over
  samples or units. A submission more than 10x slower than the reference
  loses the speed check.
"""
import numpy as np


# -- Given helpers: not graded, use them as they are ----------------------------------


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


# -- Layers ---------------------------------------------------------------------------


class Transform:
    """A one-input, one-output function out = f(x) with a hand-written derivative.

    Every layer inherits from Transform. forward(x) computes the output;
    backward(grad_wrt_out) takes the gradient of the loss with respect to the
    output and returns the gradient with respect to the input. Layers with
    parameters also override step() and zerograd(); here they do nothing.
    """

    def forward(self, x):
        """x -> f(x); every subclass implements its own."""
        raise NotImplementedError("implement forward in the subclass (ReLU, LinearMap, ...)")

    def backward(self, grad_wrt_out):
        """Gradient wrt the output -> gradient wrt the input; every subclass implements its own."""
        raise NotImplementedError("implement backward in the subclass (ReLU, LinearMap, ...)")

    def step(self):
        """Update the parameters from the accumulated gradients: nothing to do without parameters."""
        pass

    def zerograd(self):
        """Clear the accumulated gradients: nothing to do without parameters."""
        pass


class ReLU(Transform):
    """ReLU(x) = max(x, 0) element-wise, with dropout of chance p = dropout_chance.

    Dropout, exactly as the autograder replays it (it seeds numpy's global
    random generator and compares with the reference):
    - Training (train=True): make exactly ONE call np.random.uniform(0, 1, x.shape)
      per forward, and no other random call. A unit is kept where that draw
      is >= p and zeroed where it is < p, so a fraction p of the units is
      dropped. Kept units are not rescaled.
    - Inference (train=False): draw no random numbers and drop nothing;
      multiply the ReLU outputs by 1 - p instead.
    With p = 0 (the default) this is a plain ReLU, in training or not.
    """

    def __init__(self, dropout_chance=0):
        self.p = dropout_chance
        # BEGIN SOLUTION
        self.grad_mask = None  # where the last forward passes the gradient
        # END SOLUTION

    def forward(self, x, train=True):
        """x (batch, features) -> max(x, 0) with dropout as above, same shape.

        Keep what backward needs: where x > 0 and, in training, which units
        were kept.
        """
        # BEGIN SOLUTION: max(x, 0); when train, zero the units whose
        #   np.random.uniform(0, 1, x.shape) draw is < p, else scale by 1 - p
        active = x > 0
        if train:
            # One uniform draw of x's shape: the grader replays the same stream.
            keep = np.random.uniform(0, 1, x.shape) >= self.p
            self.grad_mask = active & keep
            return np.where(self.grad_mask, x, 0.0)
        self.grad_mask = active
        return np.where(active, x, 0.0) * (1 - self.p)
        # END SOLUTION

    def backward(self, grad_wrt_out):
        """grad_wrt_out (batch, features) -> the gradient wrt x, same shape.

        The gradient passes only where x > 0 and the last forward kept the
        unit; elsewhere it is 0. (The derivative at exactly x = 0 is not graded.)
        """
        # BEGIN SOLUTION: pass grad_wrt_out where the last forward's x > 0
        #   and the unit was kept, 0 elsewhere
        # The mask of the last forward: ReLU's step times the dropout mask.
        return grad_wrt_out * self.grad_mask
        # END SOLUTION


class LinearMap(Transform):
    """The fully-connected layer x -> x W^T + b, trained by SGD with momentum.

    W has shape (outdim, indim) and b shape (outdim,).

    Gradients accumulate: every backward() ADDS its gradients of W and b to
    the stored ones, until zerograd() sets them back to zero.

    Momentum: G_M starts at zero, one for W and one for b. step() updates
    each parameter from its accumulated gradient G:
        G_M = alpha * G_M + G
        param = param - lr * G_M
    step() does not clear the gradients and zerograd() does not clear G_M.
    """

    def __init__(self, indim, outdim, alpha=0, lr=0.01):
        self.alpha = alpha
        self.lr = lr
        self.W = random_weight_init(indim, outdim)
        self.b = zeros_bias_init(outdim)
        # Add what backward, step and zerograd need: the accumulated gradients
        # of W and b and their momentum G_M, all starting at zero.
        # BEGIN SOLUTION
        # W can be large (150 x 11025 on Omniglot), so gradients, momentum and
        # parameters are updated in place rather than rebuilt every step, and
        # every weight-sized product goes into an array kept for it (`out=`).
        # zerograd() only marks the gradients as empty, meaning zeros: the next
        # backward writes them instead of adding to zeros. getW() and getb()
        # hand out copies, which later steps leave as they were.
        self.momentum_W = np.zeros_like(self.W)
        self.momentum_b = np.zeros_like(self.b)
        self.grad_W = np.zeros_like(self.W)
        self.grad_b = np.zeros_like(self.b)
        self.grads_empty = True  # grad_W, grad_b count as zeros, whatever they hold
        self.scratch_W = np.empty_like(self.W)  # room for a weight-sized product
        # END SOLUTION

    def forward(self, x):
        """x (batch, indim) -> x W^T + b, shape (batch, outdim). Keep x for backward."""
        # BEGIN SOLUTION: return x W^T + b, shape (batch, outdim), and keep x for backward
        self.x = x
        return x @ self.W.T + self.b
        # END SOLUTION

    def backward(self, grad_wrt_out):
        """grad_wrt_out (batch, outdim) -> the gradient wrt the input x, shape (batch, indim).

        Also add this batch's gradients of W (outdim, indim) and b (outdim,)
        to the accumulated ones: sum over the rows of the batch (the loss's
        backward already divides by the batch size).
        """
        # BEGIN SOLUTION: accumulate the gradients of W and b, then return the gradient wrt x
        if self.grads_empty:  # the first backward since zerograd(): grad = 0 + this batch's
            np.matmul(grad_wrt_out.T, self.x, out=self.grad_W)
            np.sum(grad_wrt_out, axis=0, out=self.grad_b)
            self.grads_empty = False
        else:
            self.grad_W += np.matmul(grad_wrt_out.T, self.x, out=self.scratch_W)
            self.grad_b += grad_wrt_out.sum(axis=0)
        return grad_wrt_out @ self.W
        # END SOLUTION

    def step(self):
        """One SGD step with momentum on W and b (see the class docstring)."""
        # BEGIN SOLUTION: G_M = alpha * G_M + G, then param -= lr * G_M, for W and for b
        self.momentum_W *= self.alpha  # G_M = alpha G_M + G
        self.momentum_b *= self.alpha
        if not self.grads_empty:  # empty gradients are zeros: nothing to add
            self.momentum_W += self.grad_W
            self.momentum_b += self.grad_b
        self.W -= np.multiply(self.lr, self.momentum_W, out=self.scratch_W)  # param -= lr G_M
        self.b -= self.lr * self.momentum_b
        # END SOLUTION

    def zerograd(self):
        """Set the accumulated gradients of W and b to zero (G_M is kept)."""
        # BEGIN SOLUTION: set the accumulated gradients of W and b to zero
        self.grads_empty = True
        # END SOLUTION

    def getW(self):
        """The weights, shape (outdim, indim)."""
        # BEGIN SOLUTION: return W, shape (outdim, indim)
        return self.W.copy()
        # END SOLUTION

    def getb(self):
        """The bias, shape (outdim,)."""
        # BEGIN SOLUTION: return b, shape (outdim,)
        return self.b.copy()
        # END SOLUTION

    def loadparams(self, W, b):
        """Set W (outdim, indim) and b (outdim,); they may come as nested lists of numbers."""
        # BEGIN SOLUTION: store W and b as float numpy arrays
        self.W = np.array(W, dtype=float)
        self.b = np.array(b, dtype=float)
        # END SOLUTION


class SoftmaxCrossEntropyLoss:
    """Softmax of the logits, then the cross-entropy with one-hot labels.

    It is not part of the networks: your training loop applies it to the
    logits a network returns.
    """

    def forward(self, logits, labels):
        """logits (batch, classes), one-hot labels (batch, classes) -> the MEAN loss, a float.

        loss = -(1 / batch) * sum over n, k of labels[n, k] * log softmax(logits[n])[k]
        Keep it finite for logits as large as 1e3: subtract each row's maximum
        before exp. Keep what backward and getAccu need.
        """
        # BEGIN SOLUTION: stable softmax of each row, then the mean cross-entropy over the batch
        shifted = logits - logits.max(axis=1, keepdims=True)
        log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        self.probs = np.exp(log_probs)
        self.labels = labels
        return float(-(labels * log_probs).sum() / logits.shape[0])
        # END SOLUTION

    def backward(self):
        """The gradient of the last forward's MEAN loss wrt the logits, shape (batch, classes).

        It is the gradient of the mean, so it carries the 1 / batch factor.
        """
        # BEGIN SOLUTION: return the gradient of the mean loss wrt the logits (Problem 3):
        #   mind the 1 / batch factor
        return (self.probs - self.labels) / self.labels.shape[0]
        # END SOLUTION

    def getAccu(self):
        """Accuracy on the last forward's batch: a float in [0, 1].

        The fraction of rows whose largest logit is at the label's class (not
        a percentage, not a count).
        """
        # BEGIN SOLUTION: return the fraction of rows whose arg-max logit is the label's class
        return float(np.mean(self.probs.argmax(axis=1) == self.labels.argmax(axis=1)))
        # END SOLUTION


# -- Networks -------------------------------------------------------------------------
# Build them from LinearMap and ReLU. They return logits (pre-softmax): the
# loss is not part of a network.


class SingleLayerMLP(Transform):
    """inp -> hiddenlayer units (ReLU with dropout) -> outp logits.

    Layers: LinearMap(inp, hiddenlayer), ReLU(dropout_chance),
    LinearMap(hiddenlayer, outp); every LinearMap gets alpha and lr.
    """

    def __init__(self, inp, outp, hiddenlayer=100, alpha=0.1, dropout_chance=0, lr=0.01):
        self.inp = inp
        self.outp = outp
        self.hiddenlayer = hiddenlayer
        self.alpha = alpha
        self.dropout_chance = dropout_chance
        self.lr = lr
        # Build the layers here.
        # BEGIN SOLUTION
        self.layers = [
            LinearMap(inp, hiddenlayer, alpha, lr),
            ReLU(dropout_chance),
            LinearMap(hiddenlayer, outp, alpha, lr),
        ]
        self.linear_maps = [layer for layer in self.layers if isinstance(layer, LinearMap)]
        # END SOLUTION

    def forward(self, x, train=True):
        """x (batch, inp) -> logits (batch, outp). train goes to the ReLU (dropout or 1 - p scaling)."""
        # BEGIN SOLUTION: run x through the layers in order, passing train to the ReLU
        for layer in self.layers:
            x = layer.forward(x, train) if isinstance(layer, ReLU) else layer.forward(x)
        return x
        # END SOLUTION

    def backward(self, grad):
        """grad: the gradient wrt the logits (batch, outp), as SoftmaxCrossEntropyLoss.backward() returns.

        Back-propagates through the layers, last first, so that every
        LinearMap accumulates its gradients; returns the gradient wrt x,
        shape (batch, inp).
        """
        # BEGIN SOLUTION: call backward of each layer, last first
        for layer in reversed(self.layers):
            grad = layer.backward(grad)
        return grad
        # END SOLUTION

    def step(self):
        """One SGD step with momentum on every LinearMap."""
        # BEGIN SOLUTION: step every LinearMap
        for layer in self.linear_maps:
            layer.step()
        # END SOLUTION

    def zerograd(self):
        """Clear the accumulated gradients of every LinearMap."""
        # BEGIN SOLUTION: zerograd every LinearMap
        for layer in self.linear_maps:
            layer.zerograd()
        # END SOLUTION

    def loadparams(self, Ws, bs):
        """Set the parameters from lists, first layer first.

        Ws = [W1 (hiddenlayer, inp), W2 (outp, hiddenlayer)],
        bs = [b1 (hiddenlayer,), b2 (outp,)].
        """
        # BEGIN SOLUTION: call loadparams(Ws[i], bs[i]) on the i-th LinearMap
        for layer, W, b in zip(self.linear_maps, Ws, bs):
            layer.loadparams(W, b)
        # END SOLUTION

    def getWs(self):
        """[W1 (hiddenlayer, inp), W2 (outp, hiddenlayer)], first layer first."""
        # BEGIN SOLUTION: return the list of every LinearMap's getW(), first layer first
        return [layer.getW() for layer in self.linear_maps]
        # END SOLUTION

    def getbs(self):
        """[b1 (hiddenlayer,), b2 (outp,)], first layer first."""
        # BEGIN SOLUTION: return the list of every LinearMap's getb(), first layer first
        return [layer.getb() for layer in self.linear_maps]
        # END SOLUTION


class TwoLayerMLP(Transform):
    """inp -> h1 units (ReLU with dropout) -> h2 units (ReLU with dropout) -> outp logits.

    hiddenlayers = [h1, h2]. Layers: LinearMap(inp, h1), ReLU(dropout_chance),
    LinearMap(h1, h2), ReLU(dropout_chance), LinearMap(h2, outp); every
    LinearMap gets alpha and lr. In training each ReLU makes its own dropout
    draw, the first hidden layer's before the second's.
    """

    def __init__(self, inp, outp, hiddenlayers=[100, 100], alpha=0.1, dropout_chance=0, lr=0.01):
        self.inp = inp
        self.outp = outp
        self.hiddenlayers = list(hiddenlayers)
        self.alpha = alpha
        self.dropout_chance = dropout_chance
        self.lr = lr
        # Build the layers here.
        # BEGIN SOLUTION
        h1, h2 = self.hiddenlayers
        self.layers = [
            LinearMap(inp, h1, alpha, lr),
            ReLU(dropout_chance),
            LinearMap(h1, h2, alpha, lr),
            ReLU(dropout_chance),
            LinearMap(h2, outp, alpha, lr),
        ]
        self.linear_maps = [layer for layer in self.layers if isinstance(layer, LinearMap)]
        # END SOLUTION

    def forward(self, x, train=True):
        """x (batch, inp) -> logits (batch, outp). train goes to both ReLUs (dropout or 1 - p scaling)."""
        # BEGIN SOLUTION: run x through the layers in order, passing train to both ReLUs
        for layer in self.layers:
            x = layer.forward(x, train) if isinstance(layer, ReLU) else layer.forward(x)
        return x
        # END SOLUTION

    def backward(self, grad):
        """grad: the gradient wrt the logits (batch, outp), as SoftmaxCrossEntropyLoss.backward() returns.

        Back-propagates through the layers, last first, so that every
        LinearMap accumulates its gradients; returns the gradient wrt x,
        shape (batch, inp).
        """
        # BEGIN SOLUTION: call backward of each layer, last first
        for layer in reversed(self.layers):
            grad = layer.backward(grad)
        return grad
        # END SOLUTION

    def step(self):
        """One SGD step with momentum on every LinearMap."""
        # BEGIN SOLUTION: step every LinearMap
        for layer in self.linear_maps:
            layer.step()
        # END SOLUTION

    def zerograd(self):
        """Clear the accumulated gradients of every LinearMap."""
        # BEGIN SOLUTION: zerograd every LinearMap
        for layer in self.linear_maps:
            layer.zerograd()
        # END SOLUTION

    def loadparams(self, Ws, bs):
        """Set the parameters from lists, first layer first.

        Ws = [W1 (h1, inp), W2 (h2, h1), W3 (outp, h2)],
        bs = [b1 (h1,), b2 (h2,), b3 (outp,)].
        """
        # BEGIN SOLUTION: call loadparams(Ws[i], bs[i]) on the i-th LinearMap
        for layer, W, b in zip(self.linear_maps, Ws, bs):
            layer.loadparams(W, b)
        # END SOLUTION

    def getWs(self):
        """[W1 (h1, inp), W2 (h2, h1), W3 (outp, h2)], first layer first."""
        # BEGIN SOLUTION: return the list of every LinearMap's getW(), first layer first
        return [layer.getW() for layer in self.linear_maps]
        # END SOLUTION

    def getbs(self):
        """[b1 (h1,), b2 (h2,), b3 (outp,)], first layer first."""
        # BEGIN SOLUTION: return the list of every LinearMap's getb(), first layer first
        return [layer.getb() for layer in self.linear_maps]
        # END SOLUTION
