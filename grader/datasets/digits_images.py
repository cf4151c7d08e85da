"""scikit-learn's bundled 8x8 digits as 32x32 colour images in CIFAR-10's layout, for runs without a download.

`digits_as_images(seed)` gives {"train": (images, labels), "val": (images, labels)}
with images (n, 32, 32, 3) uint8 (height, width, channel, as CIFAR-10's `data`
in torchvision) and labels (n,) int64 in 0..9: the 80/20 split of
`load_digits_split(seed)`, each 8x8 digit resized bilinearly to 32x32 and
repeated in the three channels. Code written for CIFAR-10's images (random
crops of 32x32 PIL images, a network taking 3x32x32 tensors) runs on them as is.
"""
import numpy as np

from grader.datasets.embedded import load_digits_split

SIDE = 32


def as_images(rows, side=SIDE):
    """Rows (n, 64) in [0, 1] -> images (n, side, side, 3) uint8, bilinear upsampling."""
    from PIL import Image

    small = np.clip(np.round(np.asarray(rows).reshape(-1, 8, 8) * 255), 0, 255).astype(np.uint8)
    big = [np.asarray(Image.fromarray(image).resize((side, side), Image.BILINEAR)) for image in small]
    return np.repeat(np.stack(big)[..., None], 3, axis=-1) if big else np.zeros((0, side, side, 3), np.uint8)


def digits_as_images(seed=0, side=SIDE):
    """{"train": (images (n, side, side, 3) uint8, labels (n,) int64), "val": (...)}: the digits' 80/20 split."""
    (train_x, train_y), (val_x, val_y) = load_digits_split(seed=seed)
    return {"train": (as_images(train_x, side), train_y), "val": (as_images(val_x, side), val_y)}
