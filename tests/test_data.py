"""tg.data: TensorDataset, DataLoader (each sample once per epoch, seeded shuffling),
the synthetic data sets (against their closed-form geometry) and load_digits."""
import importlib.util
import sys

import numpy as np
import pytest
from hypothesis import given, strategies as st

import tinygrad_edu as tg
from tinygrad_edu.data import (
    DataLoader, TensorDataset, load_digits, make_linear, make_moons, make_spirals,
)


def _dataset(n):
    """Row i of X is [i, 10 i] and y[i] = i, so a batch shows which samples it holds."""
    ids = np.arange(n)
    return TensorDataset(np.stack([ids, 10 * ids], axis=1).astype(np.float32), ids)


def _epoch_ids(loader):
    return [yb.numpy().tolist() for _, yb in loader]


# --- TensorDataset ---

def test_dataset_indexing_and_length():
    X, y = np.arange(12.0).reshape(6, 2), np.arange(6)
    ds = TensorDataset(X, y)
    assert len(ds) == 6
    x2, y2 = ds[2]
    np.testing.assert_array_equal(x2, [4.0, 5.0])
    assert y2 == 2
    xs, ys = ds[np.array([5, 0])]
    np.testing.assert_array_equal(ys, [5, 0])
    np.testing.assert_array_equal(xs, X[[5, 0]])


def test_dataset_accepts_tensors_and_lists():
    ds = TensorDataset(tg.Tensor([[1.0], [2.0]]), [0, 1])
    assert ds.arrays[0].dtype == np.float32 and ds.arrays[1].dtype.kind == "i"


def test_dataset_rejects_different_lengths():
    with pytest.raises(ValueError, match=r"same length.*\[3, 4\]"):
        TensorDataset(np.zeros((3, 2)), np.zeros(4))


def test_dataset_rejects_nothing_and_scalars():
    with pytest.raises(ValueError, match="at least one"):
        TensorDataset()
    with pytest.raises(ValueError, match="0-d"):
        TensorDataset(np.zeros(3), np.float64(1.0))


# --- DataLoader ---

@pytest.mark.parametrize("bad", [0, -1, 2.5, True, "4"])
def test_loader_rejects_bad_batch_size(bad):
    with pytest.raises(ValueError, match=f"batch_size must be .*got {bad!r}"):
        DataLoader(_dataset(4), batch_size=bad)


@pytest.mark.filterwarnings("ignore:DataLoader. drop_last=True with")  # the empty epochs too
@given(n=st.integers(0, 40), batch_size=st.integers(1, 12), shuffle=st.booleans(),
       drop_last=st.booleans(), seed=st.integers(0, 2**16))
def test_every_sample_exactly_once_per_epoch(n, batch_size, shuffle, drop_last, seed):
    loader = DataLoader(_dataset(n), batch_size=batch_size, shuffle=shuffle,
                        drop_last=drop_last, seed=seed)
    for _ in range(2):  # two epochs: each complete on its own
        batches = list(loader)
        assert len(batches) == len(loader)
        ids = [i for _, yb in batches for i in yb.numpy().tolist()]
        sizes = [len(yb.numpy()) for _, yb in batches]
        if drop_last:
            assert all(s == batch_size for s in sizes)
            assert len(ids) == n - n % batch_size
            assert len(set(ids)) == len(ids)  # no sample twice
        else:
            assert sorted(ids) == list(range(n))
            assert all(s == batch_size for s in sizes[:-1])
        if not shuffle:
            assert ids == list(range(len(ids)))
        for xb, yb in batches:  # inputs stay aligned with their labels
            np.testing.assert_array_equal(xb.numpy()[:, 0], yb.numpy())
            np.testing.assert_array_equal(xb.numpy()[:, 1], 10 * yb.numpy())


def test_loader_yields_tensors_with_the_data_dtype():
    xb, yb = next(iter(DataLoader(_dataset(5), batch_size=2)))
    assert isinstance(xb, tg.Tensor) and isinstance(yb, tg.Tensor)
    assert xb.dtype == np.float32 and yb.dtype == np.int64
    assert xb.shape == (2, 2) and not xb.requires_grad


def test_batches_are_copies():
    ds = _dataset(4)
    for loader in (DataLoader(ds, 2), DataLoader(ds, 2, shuffle=True, seed=0)):
        for xb, _ in loader:
            xb.data[...] = -1.0
    np.testing.assert_array_equal(ds.arrays[0][:, 0], np.arange(4))


def test_shuffle_is_reproducible_with_a_seed():
    a = DataLoader(_dataset(30), batch_size=7, shuffle=True, seed=123)
    b = DataLoader(_dataset(30), batch_size=7, shuffle=True, seed=123)
    epochs_a = [_epoch_ids(a) for _ in range(3)]
    assert epochs_a == [_epoch_ids(b) for _ in range(3)]
    flat = [[i for batch in e for i in batch] for e in epochs_a]
    assert flat[0] != list(range(30))          # actually shuffled
    assert flat[0] != flat[1]                  # a new order each epoch
    c = DataLoader(_dataset(30), batch_size=7, shuffle=True, seed=124)
    assert _epoch_ids(c) != epochs_a[0]


def test_shuffle_without_seed_follows_manual_seed():
    loader = DataLoader(_dataset(30), batch_size=30, shuffle=True)
    tg.manual_seed(7)
    first = _epoch_ids(loader)
    tg.manual_seed(7)
    assert _epoch_ids(loader) == first
    # the permutation the library generator draws (an independent re-derivation)
    assert first[0] == np.random.default_rng(7).permutation(30).tolist()


def test_loader_collates_a_plain_sequence_of_samples():
    samples = [(np.array([i, -i], np.float64), i % 3) for i in range(5)]
    batches = list(DataLoader(samples, batch_size=2))
    assert [b[0].shape for b in batches] == [(2, 2), (2, 2), (1, 2)]
    np.testing.assert_array_equal(batches[1][0].numpy(), [[2, -2], [3, -3]])
    np.testing.assert_array_equal(batches[1][1].numpy(), [2, 0])


def test_loader_len_and_repr():
    loader = DataLoader(_dataset(10), batch_size=4)
    assert len(loader) == 3
    assert len(DataLoader(_dataset(10), batch_size=4, drop_last=True)) == 2
    assert "batch_size=4" in repr(loader)


# --- synthetic data ---

def test_make_moons_lies_on_its_two_half_circles():
    X, y = make_moons(101, noise=0.0, seed=0)
    assert X.shape == (101, 2) and X.dtype == np.float32 and y.dtype == np.int64
    assert np.bincount(y).tolist() == [51, 50]
    outer, inner = X[y == 0].astype(np.float64), X[y == 1].astype(np.float64)
    np.testing.assert_allclose(np.hypot(outer[:, 0], outer[:, 1]), 1.0, atol=1e-6)
    assert (outer[:, 1] >= -1e-6).all()
    np.testing.assert_allclose(np.hypot(inner[:, 0] - 1.0, inner[:, 1] - 0.5), 1.0, atol=1e-6)
    assert (inner[:, 1] <= 0.5 + 1e-6).all()


def test_make_moons_noise_and_seed():
    clean, y0 = make_moons(2000, noise=0.0, seed=1, shuffle=False)
    noisy, y1 = make_moons(2000, noise=0.2, seed=1, shuffle=False)
    np.testing.assert_array_equal(y0, y1)
    assert abs(np.std(noisy - clean) - 0.2) < 0.01
    a, _ = make_moons(50, noise=0.1, seed=5)
    b, _ = make_moons(50, noise=0.1, seed=5)
    np.testing.assert_array_equal(a, b)


def test_make_spirals_arms():
    X, y = make_spirals(301, n_classes=3, noise=0.0, seed=0, shuffle=False)
    assert np.bincount(y).tolist() == [101, 100, 100]
    for k in range(3):
        arm = X[y == k].astype(np.float64)
        n = len(arm)
        r = np.hypot(arm[:, 0], arm[:, 1])
        np.testing.assert_allclose(r, np.linspace(0, 1, n), atol=1e-6)
        angle = np.arctan2(arm[:, 0], arm[:, 1])[1:]  # x = r sin a, y = r cos a
        expected = np.linspace(4.0 * k, 4.0 * (k + 1), n)[1:]
        np.testing.assert_allclose(np.angle(np.exp(1j * (angle - expected))), 0.0, atol=1e-4)


def test_make_linear_recovers_its_coefficients():
    X, y = make_linear(500, weight=[2.0, -3.0], bias=5.0, noise=0.0, seed=0)
    assert X.shape == (500, 2) and y.shape == (500, 1) and X.dtype == np.float32
    design = np.hstack([X, np.ones((500, 1))]).astype(np.float64)
    coef = np.linalg.lstsq(design, y.astype(np.float64), rcond=None)[0].ravel()
    np.testing.assert_allclose(coef, [2.0, -3.0, 5.0], atol=1e-4)
    _, noisy = make_linear(500, weight=[2.0, -3.0], bias=5.0, noise=0.5, seed=0)
    assert abs(np.std(noisy - y) - 0.5) < 0.05


def test_synthetic_follow_default_dtype():
    tg.set_default_dtype(np.float64)
    try:
        assert make_moons(10, seed=0)[0].dtype == np.float64
        assert make_linear(10, seed=0)[0].dtype == np.float64
    finally:
        tg.set_default_dtype(np.float32)


@pytest.mark.parametrize("call, message", [
    (lambda: make_moons(1), "n_samples must be an int >= 2, got 1"),
    (lambda: make_moons(10, noise=-0.1), "noise must be >= 0, got -0.1"),
    (lambda: make_spirals(10, n_classes=1), "n_classes must be an int >= 2, got 1"),
    (lambda: make_linear(0), "n_samples must be an int >= 1, got 0"),
])
def test_synthetic_errors(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# --- digits ---

def test_load_digits_split():
    sklearn_datasets = pytest.importorskip("sklearn.datasets")
    raw = sklearn_datasets.load_digits()
    X_train, y_train, X_test, y_test = load_digits(test_size=0.2, seed=0)
    assert X_train.shape[1] == 64 and X_train.dtype == np.float32 and y_train.dtype == np.int64
    assert len(X_train) + len(X_test) == len(raw.data) == 1797
    assert 0.0 <= X_train.min() and X_train.max() <= 1.0
    counts = np.bincount(raw.target)
    np.testing.assert_allclose(np.bincount(y_test, minlength=10), counts * 0.2, atol=1)
    # Train and test together are the originals (pixels / 16, each with its own label),
    # each image exactly once.
    def rows(X, y):
        pixels = np.rint(16 * X).astype(np.int64)
        return sorted(row.tobytes() + bytes([t]) for row, t in zip(pixels, y))
    assert rows(np.concatenate([X_train, X_test]), np.concatenate([y_train, y_test])) == \
        rows(raw.data / 16, raw.target)
    again = load_digits(test_size=0.2, seed=0)
    np.testing.assert_array_equal(again.X_test, X_test)
    assert load_digits(images=True).X_train.shape[1:] == (1, 8, 8)


def test_load_digits_without_sklearn_names_the_extra(monkeypatch):
    find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *args: None if name == "sklearn" else find_spec(name, *args))
    monkeypatch.setitem(sys.modules, "sklearn.datasets", None)
    with pytest.raises(ImportError, match=r'pip install "tinygrad_edu\[examples\]"'):
        load_digits()


def test_load_digits_rejects_bad_test_size():
    with pytest.raises(ValueError, match="test_size must be in \\(0, 1\\), got 1.5"):
        load_digits(test_size=1.5)


def test_augment_shifts_moves_each_image_by_one_pixel():
    from tinygrad_edu.data import augment_shifts

    images = np.arange(2 * 3 * 4, dtype=np.float32).reshape(2, 3, 4) + 1
    X5, y5 = augment_shifts(images, np.array([7, 8]))
    assert X5.shape == (10, 3, 4) and y5.tolist() == [7, 8] * 5
    np.testing.assert_array_equal(X5[:2], images)
    img = images[0]
    up, down, left, right = X5[2], X5[4], X5[6], X5[8]
    # up: row r of the result is row r+1 of the image, the last row empty; and so on
    np.testing.assert_array_equal(up, np.vstack([img[1:], np.zeros((1, 4))]))
    np.testing.assert_array_equal(down, np.vstack([np.zeros((1, 4)), img[:-1]]))
    np.testing.assert_array_equal(left, np.hstack([img[:, 1:], np.zeros((3, 1))]))
    np.testing.assert_array_equal(right, np.hstack([np.zeros((3, 1)), img[:, :-1]]))
    flat, _ = augment_shifts(np.eye(2, 9), np.zeros(2))  # flattened 3x3 images
    assert flat.shape == (10, 9)
    np.testing.assert_array_equal(flat[8].reshape(3, 3), [[0, 1, 0], [0, 0, 0], [0, 0, 0]])
    chw, _ = augment_shifts(images[:, None], np.zeros(2))
    np.testing.assert_array_equal(chw[:, 0], X5)
    with pytest.raises(ValueError, match="square, got 8 pixels"):
        augment_shifts(np.zeros((2, 8)), np.zeros(2))


def test_loader_over_single_array_samples_yields_tensors():
    samples = [np.full(3, i, np.float32) for i in range(5)]
    batches = list(DataLoader(samples, batch_size=4))
    assert all(isinstance(b, tg.Tensor) for b in batches)
    np.testing.assert_array_equal(batches[1].numpy(), [[4, 4, 4]])
