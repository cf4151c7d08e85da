"""The generated CIFAR-10 folder: the real on-disk format, torchvision's loader, and crop detection."""
import hashlib
import pickle

import numpy as np
import pytest

from grader import paths
from grader.checks import CheckFailed, sibling
from grader.datasets import cifar10

torchvision = pytest.importorskip("torchvision")
CHECKS = paths.SOLUTIONS / "relu_nets" / "tests_public.py"


@pytest.fixture
def folder(tmp_path):
    return cifar10.write_cifar10_folder(tmp_path, seed=3, per_batch=4, test=6)


@pytest.fixture
def trusted(folder):
    saved = cifar10.trust_folder(folder)
    yield folder
    cifar10.restore_sums(saved)


def test_the_folder_has_the_real_files_and_keys(folder, tmp_path):
    base = tmp_path / "cifar-10-batches-py"
    assert sorted(p.name for p in base.iterdir()) == sorted(cifar10.TRAIN_FILES + ["test_batch", "batches.meta"])
    with open(base / "data_batch_1", "rb") as f:
        raw = pickle.load(f, encoding="bytes")  # as the CIFAR-10 web page reads them: Python 2 str keys
    assert set(raw) == {b"batch_label", b"labels", b"data", b"filenames"}
    assert raw[b"data"].dtype == np.uint8 and raw[b"data"].shape == (4, 3072)
    with open(base / "batches.meta", "rb") as f:
        meta = pickle.load(f, encoding="latin1")
    assert meta["label_names"][0] == "airplane" and meta["num_vis"] == 3072
    images, labels = cifar10.folder_contents(3, 4, 6)["train"]
    # rows are the red plane, then green, then blue, each row by row
    np.testing.assert_array_equal(raw[b"data"][1].reshape(3, 32, 32), images[1].transpose(2, 0, 1))
    assert raw[b"labels"] == labels[:4].tolist()


def test_torchvision_refuses_the_folder_until_it_is_trusted(folder):
    with pytest.raises(RuntimeError, match="not found or corrupted"):
        torchvision.datasets.CIFAR10(folder, train=True)
    saved = cifar10.trust_folder(folder)
    try:
        train = torchvision.datasets.CIFAR10(folder, train=True)
        test = torchvision.datasets.CIFAR10(folder, train=False)
    finally:
        cifar10.restore_sums(saved)
    assert (len(train), len(test)) == (20, 6) and train.classes[9] == "truck"
    images, labels = cifar10.folder_contents(3, 4, 6)["test"]
    np.testing.assert_array_equal(test.data, images)
    assert test.targets == labels.tolist()
    assert torchvision.datasets.CIFAR10.test_list[0][1] == "40351d587109b95175f43aff81a1287e"  # restored


def test_integrity_is_still_checked_after_trusting(trusted, tmp_path):
    batch = tmp_path / "cifar-10-batches-py" / "data_batch_3"
    batch.write_bytes(batch.read_bytes() + b"\0")
    with pytest.raises(RuntimeError, match="not found or corrupted"):
        torchvision.datasets.CIFAR10(trusted, train=True)


def test_the_folder_is_deterministic(tmp_path):
    first = cifar10.write_cifar10_folder(tmp_path / "a", seed=5)
    second = cifar10.write_cifar10_folder(tmp_path / "b", seed=5)
    for name in cifar10.TRAIN_FILES + ["test_batch", "batches.meta"]:
        digest = [hashlib.md5(open(f"{root}/cifar-10-batches-py/{name}", "rb").read()).hexdigest()
                  for root in (first, second)]
        assert digest[0] == digest[1]


def test_pixels_are_never_zero_so_padding_shows():
    images, _ = cifar10.synthetic_images(0, 50)
    assert images.min() >= 1 and images.std() > 20


def test_draw_items_reads_tensors_and_random_transforms(trusted):
    from torchvision import transforms
    train = torchvision.datasets.CIFAR10(trusted, train=True, transform=transforms.Compose(
        [transforms.RandomCrop(32, padding=4), transforms.ToTensor()]))
    drawn = cifar10.draw_items(train, [0, 5], draws=4)
    assert drawn["length"] == 20 and drawn["images"].shape == (2, 4, 3, 32, 32) and drawn["types"] == ["Tensor"]
    assert drawn["labels"] == cifar10.folder_contents(3, 4, 6)["train"][1][[0, 5]].tolist()


def test_crop_detection_finds_offsets_and_rejects_other_images():
    checks = sibling(CHECKS, CHECKS.stem)
    images, _ = cifar10.synthetic_images(1, 2)
    chw = checks.as_chw(images[0])
    padded = np.pad(chw, ((0, 0), (4, 4), (4, 4)))
    assert checks.crop_offset(padded[:, 1:33, 6:38], images[0], (0.0,)) == (-3, 2, False)
    assert checks.crop_offset(chw, images[0], (0.0,)) == (0, 0, False)
    assert checks.crop_offset(padded[:, 4:36, 4:36][:, :, ::-1], images[0], (0.0,)) == (0, 0, True)
    assert checks.crop_offset(checks.as_chw(images[1]), images[0], (0.0,)) is None
    reflect = np.pad(chw, ((0, 0), (4, 4), (4, 4)), mode="reflect")[:, 0:32, 0:32]
    assert checks.crop_offset(reflect, images[0], (0.0,)) is None  # padding must be zeros


def test_normalisation_is_allowed_if_both_sets_share_it():
    checks = sibling(CHECKS, CHECKS.stem)
    images, _ = cifar10.synthetic_images(2, 3)
    mean, std = np.array([0.5, 0.4, 0.3]).reshape(3, 1, 1), np.array([0.2, 0.25, 0.3]).reshape(3, 1, 1)
    normalised = np.stack([(checks.as_chw(i) - mean) / std for i in images])
    scale, shift = checks.channel_affine(normalised, images, "val_set[i]")
    np.testing.assert_allclose(scale, 1 / std, rtol=1e-6)
    np.testing.assert_allclose(shift, -mean / std, rtol=1e-6)
    with pytest.raises(CheckFailed, match="must not be augmented"):
        checks.channel_affine(np.roll(normalised, 2, axis=3), images, "val_set[i]")
