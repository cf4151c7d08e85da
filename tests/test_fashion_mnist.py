"""FashionMNIST's on-disk format: written by grader.datasets.fashion_mnist, read by torchvision's loader."""
import numpy as np
import pytest

from grader.datasets import fashion_mnist as fm


def small_split(seed, n):
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, (n, 28, 28)).astype(np.uint8), rng.integers(0, 10, n)


def test_the_files_have_the_idx_headers_and_names_torchvision_expects(tmp_path):
    fm.write_fashion_mnist(tmp_path, small_split(0, 5), small_split(1, 3))
    raw = tmp_path / "FashionMNIST" / "raw"
    assert sorted(p.name for p in raw.iterdir()) == sorted(fm.FILES.values())
    images = (raw / "train-images-idx3-ubyte").read_bytes()
    assert images[:16] == bytes.fromhex("00000803000000050000001c0000001c") and len(images) == 16 + 5 * 784
    assert (raw / "t10k-labels-idx1-ubyte").read_bytes()[:8] == bytes.fromhex("0000080100000003")


def test_torchvision_reads_back_the_images_and_labels(tmp_path):
    train, test = small_split(0, 5), small_split(1, 3)
    fm.write_fashion_mnist(tmp_path, train, test)
    for (x, y), flag in ((train, True), (test, False)):
        data = fm.load_fashion_mnist(tmp_path, train=flag)
        assert np.array_equal(data.data.numpy(), x) and np.array_equal(data.targets.numpy(), y)
        image, label = data[2]
        assert tuple(image.shape) == (1, 28, 28) and label == y[2] and np.allclose(image.numpy()[0], x[2] / 255)
    assert data.classes == fm.CLASSES


def test_the_embedded_digits_become_28x28_images(tmp_path):
    (train_x, _), (test_x, test_y) = fm.digits_28x28(0)
    assert train_x.shape == (1437, 28, 28) and test_x.shape == (360, 28, 28)
    assert train_x[:, :4].max() == 0 and train_x.max() == 255
    assert np.array_equal(fm.load_fashion_mnist(fm.write_digits_folder(tmp_path), False).targets.numpy(), test_y)


def test_wrong_shapes_and_broken_files_are_refused(tmp_path):
    with pytest.raises(ValueError):
        fm.write_fashion_mnist(tmp_path, (np.zeros((2, 28, 27), np.uint8), [0, 1]), small_split(1, 3))
    bad = tmp_path / "bad"
    bad.write_bytes(bytes.fromhex("000008030000000200000001c0000001c"[:32]) + b"\0" * 10)
    with pytest.raises(ValueError):
        fm.read_idx(bad)
