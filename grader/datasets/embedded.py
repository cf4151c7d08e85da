"""Small data sets shipped inside installed packages, so demos and tests run offline."""
import gzip
import importlib.util
import math
from pathlib import Path

import numpy as np

DIGITS_FILE = Path("datasets", "data", "digits.csv.gz")  # inside the scikit-learn package


def load_digits_split(seed=0, test_fraction=0.2):
    """scikit-learn's bundled 8x8 digits, split into ~80/20 train/test by `seed`.

    Returns ((trainX (n, 64) float64 in [0, 1], trainY (n,) int64), (testX, testY)),
    the same structure as `load_omniglot`. The split is stratified, so every
    class is in both halves: the one scikit-learn's train_test_split(stratify=y,
    random_state=seed) makes, without importing scikit-learn (most of a second of a grade).
    """
    x, y = read_digits()
    train, test = stratified_split(y, test_fraction, seed)
    return (x[train], y[train]), (x[test], y[test])


def read_digits():
    """The 1797 digits: (x (1797, 64) float64 in [0, 1], y (1797,) int64), read from the file
    scikit-learn ships, as its load_digits reads it (rows of 64 pixel counts 0..16, then the label)."""
    spec = importlib.util.find_spec("sklearn")  # finds the package; runs none of it
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("the 8x8 digits ship inside scikit-learn: pip install scikit-learn")
    path = Path(next(iter(spec.submodule_search_locations))) / DIGITS_FILE
    with gzip.open(path, "rt") as stream:
        rows = np.loadtxt(stream, delimiter=",")
    return rows[:, :-1] / 16.0, rows[:, -1].astype(np.int64)


def stratified_split(labels, test_fraction, seed):
    """(train indices, test indices), each shuffled: ceil(test_fraction * n) test items, and in
    both halves each class in proportion to its size; the random draws are scikit-learn's
    StratifiedShuffleSplit's, in its order, so the split is the one it makes (a test says so)."""
    rng = np.random.RandomState(seed)
    n_test = math.ceil(test_fraction * len(labels))
    _, inverse, counts = np.unique(labels, return_inverse=True, return_counts=True)
    members = np.split(np.argsort(inverse, kind="stable"), np.cumsum(counts)[:-1])
    train_counts = shares(counts, len(labels) - n_test, rng)
    test_counts = shares(counts - train_counts, n_test, rng)
    train, test = [], []
    for member, k_train, k_test in zip(members, train_counts, test_counts):
        shuffled = member[rng.permutation(len(member))]
        train.extend(shuffled[:k_train])
        test.extend(shuffled[k_train:k_train + k_test])
    return rng.permutation(train), rng.permutation(test)


def shares(counts, total, rng):
    """`total` items shared out in proportion to `counts`: each class its share rounded down, then
    one more to the classes with the largest remainders, ties broken at random."""
    exact = counts / counts.sum() * total
    share = np.floor(exact)
    missing = int(total - share.sum())
    remainder = exact - share
    for value in np.unique(remainder)[::-1]:
        if missing <= 0:
            break
        tied = np.flatnonzero(remainder == value)
        chosen = rng.choice(tied, size=min(len(tied), missing), replace=False)
        share[chosen] += 1
        missing -= len(chosen)
    return share.astype(int)
