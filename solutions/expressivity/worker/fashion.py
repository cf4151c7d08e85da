"""The checks' side of fashion_mlp.py: models, data and training runs, in the student's worker.

A check calls these with one probe on either side, `impl.worker("fashion")`:
in the student's sandboxed worker for the submission, in the grader's own
process for the reference and for the grader's own expected values. Models
and loaders stay where they were made (the grader holds handles to them);
everything returned is plain data (numbers, lists, numpy arrays).

The network is 784-256-128-64-10. Its Linear layers are found by their
shapes, whatever the model's class or the names of its attributes, and the
grader sets and reads their weights through them.

Data: the grader sends training images and labels, and held-out images only;
`image_folder` writes them as a FashionMNIST folder (the IDX files
torchvision reads), where the held-out labels are 0: the real ones never
leave the grader, which scores the logits `held_out_logits` returns.
"""
import numpy as np
import torch
from torch import nn

SIZES = (784, 256, 128, 64, 10)
CHAIN = tuple(zip(SIZES[:-1], SIZES[1:]))  # (in_features, out_features) of each Linear


def device():
    """"cuda" where this process sees a GPU that works (its context starts here, untimed), else "cpu"."""
    if not torch.cuda.is_available():
        return "cpu"
    try:
        torch.zeros(1, device="cuda").sum().item()
    except RuntimeError:  # a GPU this sandbox cannot use (its memory limits, a busy device)
        return "cpu"
    return "cuda"


def describe(model):
    """What the architecture check reads: the type, the Linear layers' (in, out) and the parameter count."""
    if not isinstance(model, nn.Module):
        return {"module": False, "type": type(model).__name__}
    return {"module": True, "type": type(model).__name__,
            "linears": [[m.in_features, m.out_features] for m in model.modules() if isinstance(m, nn.Linear)],
            "parameters": int(sum(p.numel() for p in model.parameters()))}


def chain(model):
    """The model's Linear layers in the order of CHAIN, matched by shape; ValueError naming a missing one."""
    linears = [m for m in model.modules() if isinstance(m, nn.Linear)] if isinstance(model, nn.Module) else []
    layers = []
    for n_in, n_out in CHAIN:
        found = [m for m in linears if (m.in_features, m.out_features) == (n_in, n_out)]
        if len(found) != 1:
            raise ValueError(f"expected one nn.Linear({n_in}, {n_out}) in the model, found {len(found)}")
        layers.append(found[0])
    return layers


def set_weights(model, weights):
    """Copy [(W (out, in), b (out,))] into the chain's layers, in their own dtype and on their device."""
    with torch.no_grad():
        for layer, (W, b) in zip(chain(model), weights):
            layer.weight.copy_(torch.as_tensor(np.asarray(W)))
            if layer.bias is None:
                raise ValueError(f"nn.Linear({layer.in_features}, {layer.out_features}) has no bias")
            layer.bias.copy_(torch.as_tensor(np.asarray(b)))


def get_weights(model):
    """[(W, b)] of the chain's layers, float64 numpy arrays."""
    return [tuple(p.detach().to("cpu", torch.float64).numpy() for p in (layer.weight, layer.bias))
            for layer in chain(model)]


def _place(model, x):
    """x as a tensor of the dtype of the model's first parameter, on its device."""
    first = next(model.parameters())
    return torch.as_tensor(np.asarray(x)).to(first.device, first.dtype)


def logits(model, x):
    """model(x) in eval mode without gradients, as float64 numpy."""
    model.eval()
    with torch.no_grad():
        return model(_place(model, x)).to("cpu", torch.float64).numpy()


def grader_model(weights):
    """The grader's own 784-256-128-64-10 ReLU network, float32, with these weights."""
    layers = [nn.Flatten()]
    for n_in, n_out in CHAIN:
        layers += [nn.Linear(n_in, n_out), nn.ReLU()]
    model = nn.Sequential(*layers[:-1])
    set_weights(model, weights)
    return model


def seeded_model(fashion_mlp, seed):
    """fashion_mlp.build_mlp() after torch.manual_seed(seed): the same start for every run."""
    torch.manual_seed(int(seed))
    return fashion_mlp.build_mlp()


def tensor_loader(x, y, batch_size):
    """A DataLoader over images x (n, 1, 28, 28) float32 and labels y (n,) int64, in order."""
    data = torch.utils.data.TensorDataset(torch.as_tensor(np.asarray(x), dtype=torch.float32),
                                          torch.as_tensor(np.asarray(y), dtype=torch.int64))
    return torch.utils.data.DataLoader(data, batch_size=int(batch_size))


def image_folder(train_images, train_labels, test_images):
    """A new FashionMNIST folder of these uint8 images (held-out labels 0); its root."""
    from grader.datasets.fashion_mnist import write_fashion_mnist

    test_images = np.asarray(test_images, dtype=np.uint8)
    return write_fashion_mnist(None, (train_images, train_labels), (test_images, np.zeros(len(test_images))))


def folder_loader(root, train, batch_size, shuffle_seed=None):
    """DataLoader over torchvision's FashionMNIST(root, train) with ToTensor(); reshuffled from the seed."""
    from grader.datasets.fashion_mnist import load_fashion_mnist

    generator = None if shuffle_seed is None else torch.Generator().manual_seed(int(shuffle_seed))
    return torch.utils.data.DataLoader(load_fashion_mnist(root, train), batch_size=int(batch_size),
                                       shuffle=shuffle_seed is not None, generator=generator)


def held_out_logits(model, root):
    """The model's logits (n, 10) for the held-out images of the folder, in file order."""
    images = torch.cat([x for x, _ in folder_loader(root, False, 1000)])
    return logits(model, images)


def grader_train(model, train_loader, epochs, lr, device):
    """The grader's own training: plain SGD on each batch's mean cross-entropy, what `train` must do.

    Per epoch {"loss": mean of the batch losses weighted by batch size, "accuracy": from each
    batch's logits before its step}.
    """
    model.to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    history = []
    for _ in range(int(epochs)):
        total, correct, count = 0.0, 0, 0
        for x, y in train_loader:
            x, y = x.to(device), y.to(device)
            output = model(x)
            loss = nn.functional.cross_entropy(output, y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(y)
            correct += int((output.argmax(dim=1) == y).sum())
            count += len(y)
        history.append({"loss": total / count, "accuracy": correct / count})
    return history
