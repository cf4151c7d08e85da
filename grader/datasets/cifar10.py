"""A small CIFAR-10 folder in the real on-disk format, for checking code that loads CIFAR-10.

`write_cifar10_folder(root)` writes `root/cifar-10-batches-py/` as the python
version of CIFAR-10 is distributed: `data_batch_1` .. `data_batch_5`,
`test_batch` and `batches.meta`, each a pickle (protocol 2) of a dict whose keys
are Python 2 byte strings (so `pickle.load(f, encoding="bytes")` gives
b"data" and `encoding="latin1"` gives "data", as with the real files), with
`data` a (n, 3072) uint8 array (the red plane, then green, then blue, each row
by row) and `labels` a list of ints. Only the sizes differ: a few images per
batch instead of 10000, drawn from a seed, so that `synthetic_images(seed, n)`
gives the grader the same pixels without reading the files.

torchvision's CIFAR10 refuses any folder whose files do not have the md5 sums
of the real data set (`_check_integrity`, and `_load_meta` for batches.meta).
`trust_folder(root)` therefore points those expected sums at the generated
files' own sums: the integrity check still runs and still verifies every file,
nothing else of torchvision changes, and it is done only in a process the
grader sets up for a check (the student's sandboxed worker, or a test).

`draw_items(dataset, indices, draws)` reads a data set's items as plain numpy
arrays, `draws` times each (random transforms give a new result each time).
"""
import hashlib
import pickle
import struct
import tempfile
from pathlib import Path

import numpy as np

BASE_FOLDER = "cifar-10-batches-py"
TRAIN_FILES = [f"data_batch_{i}" for i in range(1, 6)]
TEST_FILE = "test_batch"
META_FILE = "batches.meta"
LABEL_NAMES = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]
SIDE = 32


class _Py2Str(str):
    """A str pickled as Python 2 pickles its str: the SHORT_BINSTRING/BINSTRING opcodes."""


class _Py2Pickler(pickle._Pickler):
    dispatch = pickle._Pickler.dispatch.copy()

    def save_py2_str(self, obj):
        data = obj.encode("latin1")
        if len(data) < 256:
            self.write(pickle.SHORT_BINSTRING + bytes([len(data)]) + data)
        else:
            self.write(pickle.BINSTRING + struct.pack("<i", len(data)) + data)
        self.memoize(obj)

    dispatch[_Py2Str] = save_py2_str


def _py2(value):
    """Dict keys and strings as Python 2 strs, recursively."""
    if isinstance(value, str):
        return _Py2Str(value)
    if isinstance(value, dict):
        return {_py2(k): _py2(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_py2(v) for v in value]
    return value


def _dump(path, value):
    with open(path, "wb") as f:
        _Py2Pickler(f, protocol=2).dump(_py2(value))


def synthetic_images(seed, count):
    """(images (count, 32, 32, 3) uint8 in 1..255, labels (count,) int64), drawn from `seed`.

    No pixel is 0, so the zeros a padded random crop brings in can be told
    from the image itself; smooth blobs plus noise, so that shifted copies differ.
    """
    rng = np.random.default_rng(seed)
    ys, xs = np.mgrid[0:SIDE, 0:SIDE] / SIDE
    images = np.empty((count, SIDE, SIDE, 3), dtype=np.uint8)
    for i in range(count):
        waves = [np.sin(2 * np.pi * (rng.uniform(0.5, 2) * xs + rng.uniform(0.5, 2) * ys + rng.uniform()))
                 for _ in range(3)]
        noise = rng.uniform(-0.3, 0.3, (SIDE, SIDE, 3))
        values = 0.5 + 0.35 * np.stack(waves, axis=-1) + noise
        images[i] = np.clip(np.round(values * 254) + 1, 1, 255).astype(np.uint8)
    return images, rng.integers(0, 10, count).astype(np.int64)


def folder_contents(seed=0, per_batch=4, test=6):
    """The images and labels of the folder `write_cifar10_folder` writes with these arguments:
    {"train": (images, labels), "test": (images, labels)}, training images in file order."""
    images, labels = synthetic_images(seed, 5 * per_batch + test)
    cut = 5 * per_batch
    return {"train": (images[:cut], labels[:cut]), "test": (images[cut:], labels[cut:])}


def write_cifar10_folder(root=None, seed=0, per_batch=4, test=6):
    """Write root/cifar-10-batches-py/ (root: a new temporary folder when None); returns str(root)."""
    root = Path(tempfile.mkdtemp(prefix="cifar10-") if root is None else root)
    folder = root / BASE_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    contents = folder_contents(seed, per_batch, test)
    train_images, train_labels = contents["train"]
    for number, name in enumerate(TRAIN_FILES):
        part = slice(number * per_batch, (number + 1) * per_batch)
        _write_batch(folder / name, f"training batch {number + 1} of 5", train_images[part], train_labels[part])
    _write_batch(folder / TEST_FILE, "testing batch 1 of 1", *contents["test"])
    _dump(folder / META_FILE, {"num_cases_per_batch": per_batch, "label_names": LABEL_NAMES,
                               "num_vis": SIDE * SIDE * 3})
    return str(root)


def _write_batch(path, label, images, labels):
    data = np.ascontiguousarray(images.transpose(0, 3, 1, 2)).reshape(len(images), -1)  # CHW planes per row
    names = [f"synthetic_{label.split()[0]}_{i}.png" for i in range(len(images))]
    _dump(path, {"batch_label": label, "labels": [int(v) for v in labels], "data": data, "filenames": names})


def md5_of(path):
    return hashlib.md5(Path(path).read_bytes()).hexdigest()


def trust_folder(root):
    """Make torchvision's CIFAR10 accept the generated folder under `root`: its expected md5
    sums become the files' own. Returns the previous sums, for `restore_sums`."""
    from torchvision.datasets import CIFAR10

    folder = Path(root) / BASE_FOLDER
    saved = (CIFAR10.train_list, CIFAR10.test_list, CIFAR10.meta)
    CIFAR10.train_list = [[name, md5_of(folder / name)] for name in TRAIN_FILES]
    CIFAR10.test_list = [[TEST_FILE, md5_of(folder / TEST_FILE)]]
    CIFAR10.meta = dict(CIFAR10.meta, md5=md5_of(folder / META_FILE))
    return saved


def restore_sums(saved):
    from torchvision.datasets import CIFAR10

    CIFAR10.train_list, CIFAR10.test_list, CIFAR10.meta = saved


def draw_items(dataset, indices, draws=1):
    """Items of a map-style data set as plain data: {"length", "images": (len(indices), draws, ...)
    float64, "labels": [int], "types": [image type names]}; images that are not tensors or
    arrays are returned as arrays where numpy can read them (a PIL image, say)."""
    import torch

    images, labels, kinds = [], [], set()
    for index in indices:
        rows = []
        for _ in range(int(draws)):
            image, label = dataset[int(index)]
            kinds.add(type(image).__name__)
            if isinstance(image, torch.Tensor):
                image = image.detach().to("cpu", torch.float64).numpy()
            rows.append(np.asarray(image, dtype=np.float64))
        labels.append(int(label))
        images.append(np.stack(rows))
    return {"length": len(dataset), "images": np.stack(images) if images else np.zeros((0,)),
            "labels": labels, "types": sorted(kinds)}
