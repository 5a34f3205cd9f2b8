"""nn.functional: values against NumPy formulas written here, stability at extreme
inputs, dtypes, gradients (gradcheck and gradgradcheck, float64) and argument errors."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tinygrad_edu as tg
import tinygrad_edu.nn.functional as F
from strategies import reals

F64 = np.float64


def arrays(shape, lo=-3.0, hi=3.0):
    return hnp.arrays(F64, shape, elements=reals(lo, hi))


def leaf(a):
    return tg.Tensor(np.asarray(a, F64), requires_grad=True)


def log_softmax_np(x):
    m = x.max(axis=1, keepdims=True)
    return x - m - np.log(np.exp(x - m).sum(axis=1, keepdims=True))


def check_gradients(fn, inputs):
    """gradcheck, gradgradcheck, and the create_graph first-order gradient equal to the fast one."""
    tg.gradcheck(fn, inputs)
    tg.gradgradcheck(fn, inputs)
    wrt = [x for x in inputs if isinstance(x, tg.Tensor) and x.requires_grad]
    y = fn(*inputs)
    v = np.random.default_rng(0).standard_normal(y.shape)
    for a, b in zip(tg.grad(y, wrt, v, retain_graph=True), tg.grad(y, wrt, v, create_graph=True)):
        np.testing.assert_allclose(b.data, a.data, rtol=1e-12, atol=1e-12)


# --- activations ---


@pytest.mark.parametrize("fn, reference", [
    (F.relu, lambda x: np.maximum(x, 0)), (F.tanh, np.tanh),
    (F.sigmoid, lambda x: 1 / (1 + np.exp(-x))),
    (lambda x: F.softmax(x, axis=0), lambda x: np.exp(x) / np.exp(x).sum(axis=0)),
    (F.log_softmax, lambda x: x - np.log(np.exp(x).sum(axis=-1, keepdims=True)))])
def test_activations_match_numpy(fn, reference):
    x = np.array([[-2.0, -0.5, 0.3], [1.7, 0.1, -1.1]])
    np.testing.assert_allclose(fn(leaf(x)).data, reference(x), rtol=1e-12)
    assert fn(tg.Tensor(x.astype(np.float32))).dtype == np.float32


# --- linear ---


@given(shapes=st.sampled_from([((4,), 3), ((2, 4), 3), ((2, 2, 4), 1)]), bias=st.booleans(),
       data=st.data())
@settings(max_examples=15)
def test_linear_is_x_weight_transposed_plus_bias(shapes, bias, data):
    x_shape, n_out = shapes
    x = data.draw(arrays(x_shape))
    w = data.draw(arrays((n_out, x_shape[-1])))
    b = data.draw(arrays((n_out,))) if bias else None
    expected = x @ w.T + (0 if b is None else b)
    args = [leaf(x), leaf(w)] + ([leaf(b)] if bias else [])
    np.testing.assert_allclose(F.linear(*args).data, expected, rtol=1e-12, atol=1e-12)
    check_gradients(F.linear, args)


# --- dropout ---


def test_dropout_functional():
    tg.manual_seed(0)
    x = tg.ones(10_000, dtype=F64)
    y = F.dropout(x, 0.2)
    kept = y.data != 0
    np.testing.assert_allclose(y.data[kept], 1 / 0.8)
    assert 0.77 < kept.mean() < 0.83
    assert F.dropout(x, 0.2, training=False) is x
    with pytest.raises(ValueError, match="got 2"):
        F.dropout(x, 2)


# --- cross-entropy ---


def cross_entropy_np(x, t, reduction="mean", smoothing=0.0):
    logp = log_softmax_np(x)
    n, c = x.shape
    q = np.full((n, c), smoothing / c)
    q[np.arange(n), t] += 1 - smoothing
    loss = -(q * logp).sum(axis=1)
    return {"mean": loss.mean(), "sum": loss.sum(), "none": loss}[reduction]


@st.composite
def logits_and_labels(draw, max_n=4, max_c=4):
    n, c = draw(st.integers(1, max_n)), draw(st.integers(1, max_c))
    x = draw(arrays((n, c)))
    t = np.array(draw(st.lists(st.integers(0, c - 1), min_size=n, max_size=n)))
    return x, t


@given(case=logits_and_labels(), reduction=st.sampled_from(["mean", "sum", "none"]),
       smoothing=st.sampled_from([0.0, 0.1, 1.0]))
def test_cross_entropy_value_and_gradients(case, reduction, smoothing):
    x, t = case
    y = F.cross_entropy(leaf(x), t, reduction=reduction, label_smoothing=smoothing)
    np.testing.assert_allclose(y.data, cross_entropy_np(x, t, reduction, smoothing), rtol=1e-12,
                               atol=1e-12)
    check_gradients(lambda x: F.cross_entropy(x, t, reduction=reduction,
                                               label_smoothing=smoothing), [leaf(x)])


def test_cross_entropy_gradient_is_softmax_minus_onehot_over_n():
    x = np.array([[1.0, 2.0, 0.5], [0.0, -1.0, 3.0]])
    t = np.array([1, 2])
    logits = leaf(x)
    F.cross_entropy(logits, t).backward()
    p = np.exp(log_softmax_np(x))
    np.testing.assert_allclose(logits.grad.data, (p - np.eye(3)[t]) / 2, rtol=1e-12)


def test_cross_entropy_is_stable_for_huge_logits():
    x = np.array([[1e4, 0.0, -1e4], [-5e3, 5e3, 0.0]], dtype=np.float32)
    t = np.array([1, 1])
    logits = tg.Tensor(x, requires_grad=True)
    loss = F.cross_entropy(logits, t)
    loss.backward()
    assert loss.dtype == np.float32
    # sample 0: -log p_1 = logsumexp - x_1 = 1e4 (exactly, to float32); sample 1: 0
    np.testing.assert_allclose(loss.data, (1e4 + 0.0) / 2, rtol=1e-6)
    assert np.all(np.isfinite(logits.grad.data))
    np.testing.assert_allclose(logits.grad.data, [[0.5, -0.5, 0.0], [0.0, 0.0, 0.0]], atol=1e-6)


def test_cross_entropy_takes_integer_tensor_labels():
    x = np.array([[0.2, 0.8], [0.5, 0.1]])
    labels = tg.Tensor(np.array([1, 0], dtype=np.int32))
    np.testing.assert_allclose(F.cross_entropy(leaf(x), labels).data,
                               cross_entropy_np(x, np.array([1, 0])))


def test_cross_entropy_errors():
    x = leaf(np.zeros((3, 4)))
    with pytest.raises(ValueError, match=r"label 4 is out of range for 4 classes"):
        F.cross_entropy(x, np.array([0, 4, 1]))
    with pytest.raises(ValueError, match=r"label -1 is out of range"):
        F.cross_entropy(x, np.array([0, -1, 1]))
    with pytest.raises(TypeError, match="integer class labels, got dtype float64"):
        F.cross_entropy(x, np.array([0.0, 1.0, 2.0]))
    with pytest.raises(ValueError, match=r"shape \(3,\).*got shape \(3, 1\)"):
        F.cross_entropy(x, np.array([[0], [1], [2]]))
    with pytest.raises(ValueError, match=r"\(N, C\), got shape \(4,\)"):
        F.cross_entropy(leaf(np.zeros(4)), np.array(1))
    with pytest.raises(ValueError, match="reduction must be 'mean', 'sum' or 'none', got 'avg'"):
        F.cross_entropy(x, np.array([0, 1, 2]), reduction="avg")
    with pytest.raises(ValueError, match="label_smoothing"):
        F.cross_entropy(x, np.array([0, 1, 2]), label_smoothing=1.5)


@pytest.mark.parametrize("as_tensor", [False, True])
def test_cross_entropy_float_label_hint_works(as_tensor):
    x = leaf(np.array([[0.2, 0.8, -0.3], [0.5, 0.1, 0.0]]))
    labels = np.array([2.0, 0.0])
    with pytest.raises(TypeError) as info:
        F.cross_entropy(x, tg.Tensor(labels) if as_tensor else labels)
    hints = [h.strip() for h in str(info.value).split("e.g.")[1].split(" or ")]
    assert hints == ["tg.Tensor(labels, dtype=np.int64)", "np.asarray(labels).astype(np.int64)"]
    for hint in hints:  # each suggested fix runs and gives the loss of the integer labels
        fixed = eval(hint, {"tg": tg, "np": np, "labels": labels})
        np.testing.assert_allclose(F.cross_entropy(x, fixed).data,
                                   cross_entropy_np(x.data, np.array([2, 0])))


def test_dir_lists_the_public_functions_only():
    public = ["adaptive_avg_pool2d", "avg_pool2d", "binary_cross_entropy",
              "binary_cross_entropy_with_logits", "conv2d", "cross_entropy", "dropout",
              "embedding", "gelu", "huber_loss", "l1_loss", "layer_norm", "leaky_relu", "linear",
              "log_softmax", "max_pool2d", "mse_loss", "nll_loss", "normalize", "one_hot", "relu",
              "sigmoid", "smooth_l1_loss", "softmax", "softplus", "tanh"]
    assert sorted(F.__all__) == public and dir(F) == public
    assert all(callable(getattr(F, name)) for name in public)
    for op_class in ("Conv2d", "MaxPool2d", "Affine", "CrossEntropy", "MSE", "Softmax"):
        assert not hasattr(F, op_class)  # the op Functions are not F's API (nn.Conv2d is the layer)


# --- binary cross-entropy with logits ---


def bce_np(x, z):
    s = 1 / (1 + np.exp(-x))
    return -(z * np.log(s) + (1 - z) * np.log(1 - s))


@given(x=arrays((3, 2)), z=arrays((3, 2), 0.0, 1.0),
       reduction=st.sampled_from(["mean", "sum", "none"]))
def test_bce_with_logits_value_and_gradients(x, z, reduction):
    loss = bce_np(x, z)
    expected = {"mean": loss.mean(), "sum": loss.sum(), "none": loss}[reduction]
    y = F.binary_cross_entropy_with_logits(leaf(x), z, reduction=reduction)
    np.testing.assert_allclose(y.data, expected, rtol=1e-10, atol=1e-12)
    # gradients for the logits and for a target that requires grad
    check_gradients(lambda x, z: F.binary_cross_entropy_with_logits(x, z, reduction=reduction),
                    [leaf(x), leaf(z)])


def test_bce_with_logits_is_stable_at_extreme_logits():
    x = leaf(np.array([-800.0, -40.0, 40.0, 800.0]))
    z = np.array([1.0, 0.0, 1.0, 0.0])
    loss = F.binary_cross_entropy_with_logits(x, z, reduction="none")
    # the exact values: softplus(-x) for z = 1, softplus(x) for z = 0
    expected = np.array([800.0, np.log1p(np.exp(-40.0)), np.log1p(np.exp(-40.0)), 800.0])
    np.testing.assert_allclose(loss.data, expected, rtol=1e-12)
    loss.sum().backward()
    np.testing.assert_allclose(x.grad.data, [-1.0, 0.0, 0.0, 1.0], atol=1e-15)


def test_bce_with_logits_dtype_and_shape_errors():
    x = tg.zeros(4, 1)
    assert F.binary_cross_entropy_with_logits(x, np.ones((4, 1))).dtype == np.float32
    with pytest.raises(ValueError, match=r"target shape \(4,\) differs from input shape \(4, 1\)"):
        F.binary_cross_entropy_with_logits(x, np.ones(4))


# --- mean squared error ---


@given(x=arrays((2, 3)), z=arrays((2, 3)), reduction=st.sampled_from(["mean", "sum", "none"]))
def test_mse_loss_value_and_gradients(x, z, reduction):
    loss = (x - z) ** 2
    expected = {"mean": loss.mean(), "sum": loss.sum(), "none": loss}[reduction]
    np.testing.assert_allclose(F.mse_loss(leaf(x), z, reduction=reduction).data, expected,
                               rtol=1e-12)
    check_gradients(lambda x, z: F.mse_loss(x, z, reduction=reduction), [leaf(x), leaf(z)])


def test_mse_loss_keeps_float32_and_refuses_broadcasting():
    x = tg.Tensor(np.ones((3, 1), np.float32), requires_grad=True)
    loss = F.mse_loss(x, np.zeros((3, 1)))  # a float64 target is cast to the input's dtype
    loss.backward()
    assert loss.dtype == np.float32 and x.grad.dtype == np.float32
    with pytest.raises(ValueError, match=r"target shape \(3,\) differs"):
        F.mse_loss(x, tg.zeros(3))


# --- conv2d and max_pool2d (the module tests cover more) ---


def test_conv2d_with_a_ones_kernel_sums_windows():
    x = np.arange(16.0).reshape(1, 1, 4, 4)
    y = F.conv2d(leaf(x), leaf(np.ones((1, 1, 2, 2))), stride=2)
    expected = x.reshape(1, 1, 2, 2, 2, 2).sum(axis=(3, 5))
    np.testing.assert_array_equal(y.data, expected)


def test_max_pool2d_functional_default_stride_is_the_kernel():
    x = np.arange(16.0).reshape(1, 1, 4, 4)
    np.testing.assert_array_equal(F.max_pool2d(leaf(x), 2).data,
                                  x.reshape(1, 1, 2, 2, 2, 2).max(axis=(3, 5)))
    with pytest.raises(ValueError, match="kernel_size must be an int >= 1 or a pair"):
        F.max_pool2d(leaf(x), (2, 2, 2))
