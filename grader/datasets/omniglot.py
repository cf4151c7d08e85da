"""The homework's Omniglot pickle, `omniglot_12.pkl`: ((trainX, trainY), (testX, testY)).

trainX is (N, 105*105) flattened images, trainY is (N,) alphabet indices 0..11;
the test pair has the same format. The file comes from the instructor, so it is
unpickled as is; the checks only turn a wrong file into a one-line message.
"""
import pickle
from pathlib import Path

import numpy as np

IMAGE_SIDE = 105
FEATURES = IMAGE_SIDE * IMAGE_SIDE
CLASSES = 12
FILENAME = "omniglot_12.pkl"


class DatasetError(Exception):
    """A data file is missing or not in the expected format; the message says which and why."""


def save_omniglot_pickle(path, train, test):
    """Write ((trainX, trainY), (testX, testY)) to `path` in the homework's pickle format."""
    (train_x, train_y), (test_x, test_y) = train, test
    data = ((np.asarray(train_x), np.asarray(train_y)), (np.asarray(test_x), np.asarray(test_y)))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as f:
        pickle.dump(data, f, protocol=pickle.HIGHEST_PROTOCOL)
    return path


def load_omniglot(path):
    """Read `omniglot_12.pkl` -> ((trainX (N, 11025) float32, trainY (N,) int64), (testX, testY)).

    Raises DatasetError with one line when the file is missing, is not a pickle,
    or does not hold that structure.
    """
    path = Path(path)
    data = _unpickle(path)
    try:
        (train_x, train_y), (test_x, test_y) = data
    except (TypeError, ValueError):
        raise DatasetError(f"{path}: expected ((trainX, trainY), (testX, testY)), "
                           f"got {_describe(data)}") from None
    train = _check_split(path, "train", train_x, train_y)
    test = _check_split(path, "test", test_x, test_y)
    return train, test


def _unpickle(path):
    """The unpickled object, or a DatasetError saying why there is none."""
    if path.is_dir():
        raise DatasetError(f"{path} is a folder; expected the file {FILENAME}")
    if not path.is_file():
        raise DatasetError(f"Omniglot data not found: {path} (untar omniglot_12.pkl.tar "
                           f"from the course resources there)")
    try:
        with open(path, "rb") as f:
            try:
                return pickle.load(f)
            except UnicodeDecodeError:
                # A pickle written by Python 2 holds numpy buffers as byte strings.
                f.seek(0)
                return pickle.load(f, encoding="latin1")
    except Exception as exc:  # garbage bytes raise many types: UnpicklingError, EOFError, ...
        raise DatasetError(f"{path} is not a readable pickle "
                           f"({type(exc).__name__}: {exc})") from None


def _check_split(path, split, x, y):
    """Validated (x (n, 11025) float32, y (n,) int64) of one split."""
    where = f"{path}: {split}"
    if not isinstance(x, np.ndarray) or not isinstance(y, np.ndarray):
        raise DatasetError(f"{where} images and labels must be numpy arrays, "
                           f"got {_describe(x)} and {_describe(y)}")
    if x.ndim != 2 or x.shape[1] != FEATURES or x.shape[0] == 0:
        raise DatasetError(f"{where} images must have shape (n, {FEATURES}), got {x.shape}")
    if y.shape != (x.shape[0],):
        raise DatasetError(f"{where} labels must have shape ({x.shape[0]},), got {y.shape}")
    if not (np.issubdtype(x.dtype, np.number) or x.dtype == bool):
        raise DatasetError(f"{where} images must be numeric, got dtype {x.dtype}")
    if not np.issubdtype(y.dtype, np.number) or not np.all(np.mod(y, 1) == 0):
        raise DatasetError(f"{where} labels must be integers, got dtype {y.dtype}")
    if y.min() < 0 or y.max() >= CLASSES:
        raise DatasetError(f"{where} labels must lie in 0..{CLASSES - 1}, "
                           f"got {y.min()}..{y.max()}")
    # float32 halves the memory of the 6660 x 11025 training images.
    return x.astype(np.float32, copy=False), y.astype(np.int64)


def _describe(obj):
    """A short name for a value in error messages: its type, and shape or length."""
    if isinstance(obj, np.ndarray):
        return f"ndarray of shape {obj.shape}"
    if isinstance(obj, (tuple, list)):
        return f"{type(obj).__name__} of length {len(obj)}"
    return type(obj).__name__
