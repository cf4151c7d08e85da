"""FashionMNIST's on-disk format, and a small stand-in data set written in it.

The real data set, as torchvision downloads and reads it, is four IDX files
under `root/FashionMNIST/raw/`:

    train-images-idx3-ubyte   train-labels-idx1-ubyte
    t10k-images-idx3-ubyte    t10k-labels-idx1-ubyte

An IDX file is a big-endian header, the magic number 0x0000TTNN (TT = 0x08
for unsigned bytes, NN the number of dimensions) followed by NN int32 sizes,
then the values in C order: images (n, 28, 28) uint8 (0 is the background),
labels (n,) uint8. torchvision's FashionMNIST checks only that the four
files exist (the md5 sums it holds are those of the .gz downloads) and reads
them with its own parser, so a folder written here is read exactly as the
real one is.

- `write_fashion_mnist(root, train, test)` writes such a folder from arrays.
- `read_idx(path)` reads one file back as a numpy array (the format, not torchvision).
- `load_fashion_mnist(root, train)` is torchvision.datasets.FashionMNIST on it.
- `digits_28x28(seed)` is scikit-learn's bundled 8x8 digits (no download) as
  28x28 uint8 images, digit centred as in MNIST, split 80/20 by `seed` as
  `load_digits_split` splits them; `write_digits_folder(root, seed)` writes
  them in the format.
"""
import struct
import tempfile
from pathlib import Path

import numpy as np

BASE_FOLDER = "FashionMNIST"
SIDE = 28
FILES = {("train", "images"): "train-images-idx3-ubyte", ("train", "labels"): "train-labels-idx1-ubyte",
         ("test", "images"): "t10k-images-idx3-ubyte", ("test", "labels"): "t10k-labels-idx1-ubyte"}
UNSIGNED_BYTE = 0x08
CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
DIGIT_CLASSES = [str(d) for d in range(10)]


def raw_folder(root):
    return Path(root) / BASE_FOLDER / "raw"


def idx_bytes(array):
    """The IDX file of a uint8 array of 1 to 3 dimensions."""
    array = np.asarray(array)
    if array.dtype != np.uint8 or not 1 <= array.ndim <= 3:
        raise ValueError(f"IDX here holds uint8 arrays of 1 to 3 dimensions, got {array.dtype} {array.shape}")
    header = struct.pack(">BBBB", 0, 0, UNSIGNED_BYTE, array.ndim) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + np.ascontiguousarray(array).tobytes()


def read_idx(path):
    """The uint8 array of an IDX file; ValueError if the header does not describe the data."""
    data = Path(path).read_bytes()
    zeros, kind, ndim = struct.unpack(">HBB", data[:4])
    if zeros != 0 or kind != UNSIGNED_BYTE or not 1 <= ndim <= 3:
        raise ValueError(f"{path}: not an unsigned-byte IDX file (magic {data[:4].hex()})")
    shape = struct.unpack(f">{ndim}I", data[4:4 + 4 * ndim])
    body = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim)
    if body.size != int(np.prod(shape)):
        raise ValueError(f"{path}: header says {shape}, the file holds {body.size} values")
    return body.reshape(shape).copy()


def write_fashion_mnist(root=None, train=None, test=None):
    """Write root/FashionMNIST/raw/ from train = (images (n, 28, 28) uint8, labels (n,)) and test alike.

    root: a new temporary folder when None. Returns str(root).
    """
    root = Path(tempfile.mkdtemp(prefix="fashion-mnist-") if root is None else root)
    folder = raw_folder(root)
    folder.mkdir(parents=True, exist_ok=True)
    for split, (images, labels) in (("train", train), ("test", test)):
        images, labels = np.asarray(images), np.asarray(labels)
        if images.shape[1:] != (SIDE, SIDE) or len(labels) != len(images):
            raise ValueError(f"{split}: expected images (n, 28, 28) and labels (n,), got {images.shape} "
                             f"and {labels.shape}")
        if labels.size and (labels.min() < 0 or labels.max() > 255):
            raise ValueError(f"{split}: labels must fit in a byte")
        (folder / FILES[split, "images"]).write_bytes(idx_bytes(images.astype(np.uint8)))
        (folder / FILES[split, "labels"]).write_bytes(idx_bytes(labels.astype(np.uint8)))
    return str(root)


def load_fashion_mnist(root, train=True, transform="tensor"):
    """torchvision.datasets.FashionMNIST(root, train, download=False); transform "tensor" is ToTensor()."""
    from torchvision import datasets, transforms

    if transform == "tensor":
        transform = transforms.ToTensor()
    return datasets.FashionMNIST(str(root), train=train, download=False, transform=transform)


def _resampling(size_in, size_out):
    """(size_out, size_in) matrix of linear interpolation between pixel centres (edges held)."""
    centres = (np.arange(size_out) + 0.5) * size_in / size_out - 0.5
    centres = np.clip(centres, 0, size_in - 1)
    low = np.floor(centres).astype(int)
    high = np.minimum(low + 1, size_in - 1)
    weight = centres - low
    matrix = np.zeros((size_out, size_in))
    matrix[np.arange(size_out), low] += 1 - weight
    matrix[np.arange(size_out), high] += weight
    return matrix


def upscale_digits(rows, inner=20):
    """8x8 digits (n, 64) in [0, 1], as load_digits_split gives them -> (n, 28, 28) uint8:
    bilinear to inner x inner, centred on a border of 0 as MNIST's digits are."""
    images = np.asarray(rows, dtype=np.float64).reshape(-1, 8, 8)
    resample = _resampling(8, inner)
    scaled = np.einsum("ij,njk,lk->nil", resample, images, resample)
    out = np.zeros((len(images), SIDE, SIDE))
    start = (SIDE - inner) // 2
    out[:, start:start + inner, start:start + inner] = scaled
    return np.clip(np.round(out * 255), 0, 255).astype(np.uint8)


def digits_28x28(seed=0):
    """((train images (n, 28, 28) uint8, labels (n,) int64), (test images, labels)): the 80/20
    split of scikit-learn's bundled digits by grader.datasets.load_digits_split(seed), scaled up."""
    from grader.datasets.embedded import load_digits_split

    (train_x, train_y), (test_x, test_y) = load_digits_split(seed=seed)
    return (upscale_digits(train_x), train_y), (upscale_digits(test_x), test_y)


def write_digits_folder(root=None, seed=0):
    """digits_28x28(seed) written as a FashionMNIST folder under root; returns str(root)."""
    train, test = digits_28x28(seed)
    return write_fashion_mnist(root, train, test)
