"""Small data sets shipped inside installed packages, so demos and tests run offline."""
import numpy as np


def load_digits_split(seed=0, test_fraction=0.2):
    """scikit-learn's bundled 8x8 digits, split into ~80/20 train/test by `seed`.

    Returns ((trainX (n, 64) float64 in [0, 1], trainY (n,) int64), (testX, testY)),
    the same structure as `load_omniglot`. The split is stratified, so every
    class is in both halves.
    """
    from sklearn.datasets import load_digits  # the data ships inside the package: no download
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    x = digits.data.astype(np.float64) / 16.0  # pixels are counts 0..16
    y = digits.target.astype(np.int64)
    train_x, test_x, train_y, test_y = train_test_split(
        x, y, test_size=test_fraction, random_state=seed, stratify=y)
    return (train_x, train_y), (test_x, test_y)
