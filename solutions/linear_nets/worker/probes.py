"""Probes that the checks of linear_nets run beside the submission: in the student's
sandboxed worker (`student.worker("probes")`), or in the grader (`worker_module`).

PyTorch objects (a ParityNet, a loss function, a transform) stay in the process
that made them; these functions read them there and return plain data only:
shapes, numpy arrays, floats, type names. Every verdict is the grader's, reached
from that data: it evaluates the network from the parameters itself, compares the
loss and its gradient with the closed form, and matches the transformed images
against the images it made.
"""
import numpy as np
import torch

MAX_PARAMETER_VALUES = 1_000_000  # read back no more than this many numbers


def parameter_shapes(net):
    """[shape tuple] of net.parameters(), in order."""
    return [tuple(int(n) for n in p.shape) for p in net.parameters()]


def parameter_dtypes(net):
    """[dtype name ("float32", ...)] of net.parameters(), in order."""
    return [str(p.dtype).removeprefix("torch.") for p in net.parameters()]


def parameter_values(net):
    """[float64 array] of net.parameters(), in order (nothing when there are too many numbers)."""
    parameters = list(net.parameters())
    if sum(p.numel() for p in parameters) > MAX_PARAMETER_VALUES:
        return []
    return [p.detach().to("cpu", torch.float64).numpy() for p in parameters]


def hinge_gradient(loss_fn, outputs, labels, column=True, label_dtype="float32"):
    """loss_fn(output, y) for output (N, 1) (column) or (N,) float32 requiring grad, and y (N,) of
    `label_dtype`; then backward() -> {"type", "shape", "loss", "grad" (output.grad as (N,), or None)}."""
    output = torch.tensor(np.asarray(outputs, dtype=np.float32).reshape((-1, 1) if column else (-1,)),
                          requires_grad=True)
    y = torch.tensor(np.asarray(labels), dtype=getattr(torch, label_dtype))
    loss = loss_fn(output, y)
    found = {"type": type(loss).__name__, "shape": None, "loss": None, "grad": None}
    if not isinstance(loss, torch.Tensor):
        found["loss"] = float(loss) if isinstance(loss, (int, float, np.floating)) else None
        return found
    found["shape"] = tuple(loss.shape)
    if loss.numel() == 1:
        found["loss"] = float(loss.detach().reshape(()))
        if loss.requires_grad:
            loss.backward()
    if output.grad is not None:
        found["grad"] = output.grad.detach().to(torch.float64).numpy().reshape(-1)
    return found


def transform_draws(transform, images, draws, seed):
    """transform(PIL image) `draws` times for each uint8 image (32, 32, 3), torch seeded with `seed`.

    -> {"types": [type names of the results], "shapes": [their shapes], "outputs": float64
    (len(images), draws, 3, 32, 32), or None unless every result is a tensor of that shape}.
    """
    from PIL import Image

    torch.manual_seed(int(seed))
    types, shapes, outputs = set(), set(), []
    for image in np.asarray(images, dtype=np.uint8):
        picture = Image.fromarray(image)
        for _ in range(int(draws)):
            result = transform(picture)
            tensor = isinstance(result, torch.Tensor)  # torchvision's v2 Image is a Tensor too
            types.add("Tensor" if tensor else type(result).__name__)
            if tensor:
                shapes.add(tuple(result.shape))
                outputs.append(result.detach().to("cpu", torch.float64).numpy())
            else:
                shapes.add(tuple(np.shape(result)))
    whole = types == {"Tensor"} and shapes == {(3, 32, 32)}
    stacked = np.stack(outputs).reshape(len(images), int(draws), 3, 32, 32) if whole else None
    return {"types": sorted(types), "shapes": sorted(shapes), "outputs": stacked}


def module_summary(model, batch=2):
    """{"parameters": how many numbers, "output_shape": model(zeros (batch, 3, 32, 32)) in eval mode}."""
    model.eval()
    with torch.no_grad():
        out = model(torch.zeros(batch, 3, 32, 32))
    return {"parameters": int(sum(p.numel() for p in model.parameters())), "output_shape": tuple(out.shape)}
