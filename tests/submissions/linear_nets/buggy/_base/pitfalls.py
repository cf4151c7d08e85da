"""Promises and pitfalls of neural networks (Problem 3), in PyTorch.

The network of the problem, with k ReLU units and one linear output:

    f(x) = sum_i alpha_i relu(w_i^T x + b_i) + beta,   x in {0, 1}^d.

- ParityNet(d, k): a torch.nn.Module whose parameters(), in this order, are
  w (k, d), b (k,), alpha (1, k) and beta (1,) (two nn.Linear layers give
  exactly these), and whose forward maps x (N, d) to f(x) (N, 1).
- set_parity_weights(net, v_star): for a ParityNet with k = 10 d and a 0/1
  tensor v_star (d,), set the parameters so that f(x) = (-1)^(v_star^T x)
  exactly on all 2^d inputs x in {0, 1}^d (Problem 3(a)). Mind the indices:
  the homework counts units from 1, Python from 0. The grader reads your
  parameters back and evaluates f itself, in float64, on every input (a
  sample of them for d = 30), for v_star all zeros and all ones too; it
  accepts rounding up to |f(x) - (-1)^(v_star^T x)| <= 1e-6.
- my_loss(output, y): the mean hinge loss max(0, 1 - f(x) y) over the batch,
  with torch operations only so that autograd can differentiate it; output
  has shape (N, 1) or (N,), y (N,) holds +1/-1 in any numeric dtype.
- train_parity(d, iterations, seed): the homework's training run (Problem
  3(b)): v_star, the data and the initial weights all drawn from `seed`; a
  ParityNet with k = 10 d; SGD with lr 0.001 and momentum 0.9 on my_loss; each
  iteration a batch of 100 fresh random inputs x in {0, 1}^d labelled
  (-1)^(v_star^T x). Returns the list of the `iterations` batch losses, as
  Python floats, in order. The same seed gives the same list.
"""
import torch
from torch import nn

LR, MOMENTUM, BATCH = 0.001, 0.9, 100


class ParityNet(nn.Module):
    """f(x) = alpha relu(w x + b) + beta with k hidden units, for inputs x (N, d)."""

    def __init__(self, d, k):
        super().__init__()
        # nn.Linear(d, k) holds w (k, d) and b (k,); nn.Linear(k, 1) holds alpha (1, k)
        # and beta (1,): parameters() lists them in that order, with PyTorch's default
        # initialisation.
        self.hidden = nn.Linear(d, k)
        self.output = nn.Linear(k, 1)

    def forward(self, x):
        """x (N, d) -> f(x) (N, 1)."""
        return self.output(torch.relu(self.hidden(x)))


def set_parity_weights(net, v_star):
    """Set net's parameters (a ParityNet with k = 10 d) so that f(x) = (-1)^(v_star^T x) on {0, 1}^d."""
    # Group j is a hat of height 2 at s = v_star^T x = 2j, zero where |s - 2j| >= 1/2:
    # the groups j = 0 .. d // 2 add up to 2 for even s and 0 for odd s, and beta = -1
    # makes that +1 / -1. Every s up to d needs its group, so 3 (d // 2 + 1) units get
    # w_i = v_star: the homework's "i <= 3d/2" leaves the last group out (f is wrong
    # at s = d when v_star is all ones). The other units stay at 0.
    w, b, alpha, beta = net.parameters()
    groups = v_star.shape[0] // 2 + 1
    with torch.no_grad():
        for parameter in (w, b, alpha):
            parameter.zero_()
        w[:3 * groups] = v_star.to(w.dtype)
        for j in range(groups):
            b[3 * j:3 * j + 3] = torch.tensor([-(2 * j - 0.5), -2.0 * j, -(2 * j + 0.5)])
            alpha[0, 3 * j:3 * j + 3] = torch.tensor([4.0, -8.0, 4.0])
        beta.fill_(-1.0)


def my_loss(output, y):
    """Mean over the batch of max(0, 1 - f y); output (N, 1) or (N,), y (N,) of +1/-1."""
    return torch.clamp(1 - output.reshape(-1) * y.to(output.dtype), min=0).mean()


def train_parity(d, iterations, seed):
    """The homework's training run for d-bit parity -> the list of `iterations` batch losses (floats)."""
    return parity_run(d, iterations, seed)["losses"]


def parity_run(d, iterations, seed, test_size=0, progress=None):
    """train_parity's run -> {"losses", "v_star", "net", "test_accuracy" (on test_size fresh inputs)}.

    v_star and the batches come from a generator of the seed's own; the initial
    weights from torch's global stream, seeded inside fork_rng so that the
    caller's stream is left as it was. `progress` (a tqdm bar, say) is updated
    once per iteration.
    """
    generator = torch.Generator().manual_seed(int(seed))
    v_star = torch.randint(0, 2, (d,), generator=generator).float()
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(int(seed))
        net = ParityNet(d, 10 * d)
    optimizer = torch.optim.SGD(net.parameters(), lr=LR, momentum=MOMENTUM)
    losses = []
    for _ in range(iterations):
        x, y = parity_batch(BATCH, v_star, generator)
        loss = my_loss(net(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
        if progress is not None:
            progress.update(1)
    run = {"losses": losses, "v_star": v_star, "net": net, "test_accuracy": None}
    if test_size:
        x, y = parity_batch(test_size, v_star, generator)
        with torch.no_grad():
            run["test_accuracy"] = float((torch.sign(net(x).reshape(-1)) == y).float().mean())
    return run


def parity_batch(count, v_star, generator):
    """(x (count, d) of random 0/1 floats, y = (-1)^(v_star^T x) (count,))."""
    x = torch.randint(0, 2, (count, len(v_star)), generator=generator).float()
    return x, 1 - 2 * ((x @ v_star) % 2)
