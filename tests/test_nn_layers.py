"""Layers: forward against NumPy written from the definitions, gradients checked through
the module (input and parameters, float64), Dropout statistics, BatchNorm running
statistics, Embedding accumulation, argument errors."""
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tinygrad_edu as tg
from tinygrad_edu import nn
from strategies import reals
from test_nn_functional import check_gradients, leaf

F64 = np.float64


def arrays(shape, lo=-2.0, hi=2.0):
    return hnp.arrays(F64, shape, elements=reals(lo, hi))


def check_module(module, *inputs, second_order=False):
    """gradcheck of module(*inputs) against inputs and parameters; with ``second_order``,
    also gradgradcheck and the create_graph gradient equal to the fast one."""
    n = len(inputs)

    def fn(*args):
        return module(*args[:n])

    check = check_gradients if second_order else tg.gradcheck
    check(fn, list(inputs) + list(module.parameters()))


# --- Linear ---


@given(batch=st.integers(1, 4), n_in=st.integers(1, 4), n_out=st.integers(1, 3),
       bias=st.booleans(), data=st.data())
@settings(max_examples=15)
def test_linear_gradcheck(batch, n_in, n_out, bias, data):
    tg.manual_seed(0)
    layer = nn.Linear(n_in, n_out, bias=bias, dtype=F64)
    x = leaf(data.draw(arrays((batch, n_in))))
    check_module(layer, x, second_order=True)


@pytest.mark.parametrize("shape", [(3,), (2, 3, 3)])
def test_linear_takes_any_leading_axes(shape):
    layer = nn.Linear(3, 2, dtype=F64)
    x = np.random.default_rng(0).standard_normal(shape)
    y = layer(leaf(x))
    np.testing.assert_allclose(y.data, x @ layer.weight.data.T + layer.bias.data)
    check_module(layer, leaf(x), second_order=True)


def test_linear_on_a_plain_array_and_data_input_gets_no_grad():
    layer = nn.Linear(3, 2, dtype=F64)
    x = np.ones((4, 3))
    y = layer(x)
    assert y.requires_grad
    xt = tg.Tensor(x)
    layer(xt).sum().backward()
    assert xt.grad is None
    np.testing.assert_allclose(layer.weight.grad.data, np.full((2, 3), 4.0))
    np.testing.assert_allclose(layer.bias.grad.data, [4.0, 4.0])


def test_linear_shape_error_names_both_shapes():
    with pytest.raises(ValueError, match=r"in_features=3.*\(2, 3\).*\(4, 5\)"):
        nn.Linear(3, 2)(tg.zeros(4, 5))


def test_linear_float32_stays_float32():
    layer = nn.Linear(3, 2)
    x = tg.randn(4, 3)
    y = layer(x)
    y.sum().backward()
    assert y.dtype == np.float32 and layer.weight.grad.dtype == np.float32


# --- activations and Flatten ---


@pytest.mark.parametrize("module, reference", [
    (nn.Tanh(), np.tanh), (nn.Sigmoid(), lambda x: 1 / (1 + np.exp(-x))),
    (nn.ReLU(), lambda x: np.maximum(x, 0)), (nn.Identity(), lambda x: x)])
def test_activation_modules(module, reference):
    x = np.array([[-2.0, -0.5, 0.3, 1.7]])
    np.testing.assert_allclose(module(leaf(x)).data, reference(x))
    check_module(module, leaf(x), second_order=not isinstance(module, nn.ReLU))


def test_flatten():
    x = np.arange(24.0).reshape(2, 3, 4)
    assert nn.Flatten()(leaf(x)).shape == (2, 12)
    assert nn.Flatten(0)(leaf(x)).shape == (24,)
    assert nn.Flatten(start_dim=0, end_dim=1)(leaf(x)).shape == (6, 4)
    check_module(nn.Flatten(), leaf(x))
    with pytest.raises(ValueError, match="out of range"):
        nn.Flatten(start_dim=3)(leaf(x))


# --- Conv2d ---


def conv2d_reference(x, w, b, stride, padding):
    """The definition, one output element at a time."""
    (sh, sw), (ph, pw) = stride, padding
    n, c, h, wd = x.shape
    o, _, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    ho, wo = (h + 2 * ph - kh) // sh + 1, (wd + 2 * pw - kw) // sw + 1
    y = np.zeros((n, o, ho, wo))
    for i in range(ho):
        for j in range(wo):
            patch = xp[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw]
            y[:, :, i, j] = np.tensordot(patch, w, axes=([1, 2, 3], [1, 2, 3]))
    return y + (0 if b is None else b[None, :, None, None])


conv_cases = st.fixed_dictionaries({
    "n": st.integers(1, 2), "c": st.integers(1, 2), "o": st.integers(1, 2),
    "kh": st.integers(1, 3), "kw": st.integers(1, 3), "sh": st.integers(1, 2),
    "sw": st.integers(1, 2), "ph": st.integers(0, 1), "pw": st.integers(0, 1),
    "h": st.integers(3, 5), "w": st.integers(3, 5), "bias": st.booleans()})


@given(case=conv_cases, data=st.data())
@settings(max_examples=20)
def test_conv2d_forward_matches_the_definition(case, data):
    conv = nn.Conv2d(case["c"], case["o"], (case["kh"], case["kw"]), (case["sh"], case["sw"]),
                     (case["ph"], case["pw"]), bias=case["bias"], dtype=F64)
    x = data.draw(arrays((case["n"], case["c"], case["h"], case["w"])))
    expected = conv2d_reference(x, conv.weight.data, None if conv.bias is None else conv.bias.data,
                                conv.stride, conv.padding)
    np.testing.assert_allclose(conv(leaf(x)).data, expected, atol=1e-12)


@given(case=conv_cases, data=st.data())
@settings(max_examples=15)
def test_conv2d_gradcheck(case, data):
    tg.manual_seed(0)
    conv = nn.Conv2d(case["c"], case["o"], (case["kh"], case["kw"]), (case["sh"], case["sw"]),
                     (case["ph"], case["pw"]), bias=case["bias"], dtype=F64)
    x = leaf(data.draw(arrays((case["n"], case["c"], case["h"], case["w"]))))
    check_module(conv, x)


@pytest.mark.parametrize("stride, padding", [(1, 0), (2, 1)])
def test_conv2d_gradgradcheck(stride, padding):
    tg.manual_seed(1)
    conv = nn.Conv2d(2, 2, 2, stride=stride, padding=padding, dtype=F64)
    x = leaf(np.random.default_rng(2).standard_normal((1, 2, 3, 3)))
    # tanh makes the second derivative non-zero everywhere
    fn = nn.Sequential(conv, nn.Tanh())
    check_module(fn, x, second_order=True)


def test_conv2d_errors():
    conv = nn.Conv2d(3, 4, 3)
    with pytest.raises(ValueError, match=r"expects 3 input channels, got input of shape \(1, 2, "):
        conv(tg.zeros(1, 2, 5, 5))
    with pytest.raises(ValueError, match=r"\(N, C, H, W\)"):
        conv(tg.zeros(3, 5, 5))
    with pytest.raises(ValueError, match="larger than the padded input"):
        conv(tg.zeros(1, 3, 2, 2))
    with pytest.raises(ValueError, match="stride must be an int >= 1"):
        nn.Conv2d(1, 1, 3, stride=0)


# --- MaxPool2d ---


def max_pool_reference(x, k, s, p):
    n, c, h, w = x.shape
    xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)), constant_values=-np.inf)
    ho, wo = (h + 2 * p - k) // s + 1, (w + 2 * p - k) // s + 1
    y = np.empty((n, c, ho, wo))
    for i in range(ho):
        for j in range(wo):
            y[:, :, i, j] = xp[:, :, i * s:i * s + k, j * s:j * s + k].max(axis=(2, 3))
    return y


@st.composite
def distinct(draw, shape):
    """Values at least 0.1 apart (no ties a finite difference could cross)."""
    size = int(np.prod(shape))
    order = np.array(draw(st.permutations(range(size))), F64)
    return (0.2 * (order - size / 2)).reshape(shape)


pool_cases = st.sampled_from([(2, None, 0), (2, 1, 0), (3, 2, 1), (2, 2, 1), (3, 1, 1)])


@given(case=pool_cases, shape=st.tuples(st.integers(1, 2), st.integers(1, 2), st.integers(3, 5),
                                        st.integers(3, 5)), data=st.data())
@settings(max_examples=15)
def test_max_pool2d_forward_and_gradcheck(case, shape, data):
    k, s, p = case
    pool = nn.MaxPool2d(k, s, p)
    x = data.draw(distinct(shape))
    np.testing.assert_array_equal(pool(leaf(x)).data, max_pool_reference(x, k, s or k, p))
    check_module(pool, leaf(x), second_order=True)


def test_max_pool2d_tie_goes_to_the_first_maximum():
    x = leaf(np.ones((1, 1, 2, 2)))
    nn.MaxPool2d(2)(x).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [[[[1.0, 0.0], [0.0, 0.0]]]])


def test_max_pool2d_overlapping_windows_add_gradients():
    x = leaf(np.array([[[[0.0, 1.0, 0.0], [0.0, 5.0, 0.0], [0.0, 2.0, 0.0]]]]))
    nn.MaxPool2d(2, stride=1)(x).sum().backward()  # 5 is the max of all four windows
    expected = np.zeros((1, 1, 3, 3))
    expected[0, 0, 1, 1] = 4.0
    np.testing.assert_array_equal(x.grad.data, expected)


def test_max_pool2d_errors():
    with pytest.raises(ValueError, match="at most half"):
        nn.MaxPool2d(2, padding=2)(tg.zeros(1, 1, 4, 4))
    with pytest.raises(ValueError, match="kernel_size must be"):
        nn.MaxPool2d(0)


# --- BatchNorm1d ---


def batchnorm_reference(x, gamma, beta, eps, axes):
    mean = x.mean(axis=axes, keepdims=True)
    var = x.var(axis=axes, keepdims=True)
    shape = (1, -1) + (1,) * (x.ndim - 2)
    return (x - mean) / np.sqrt(var + eps) * gamma.reshape(shape) + beta.reshape(shape)


@given(shape=st.sampled_from([(4, 3), (3, 2), (2, 3, 2), (3, 2, 1)]), data=st.data())
@settings(max_examples=10)
def test_batchnorm_training_forward_and_gradcheck(shape, data):
    bn = nn.BatchNorm1d(shape[1], dtype=F64)
    bn.weight.data[...] = data.draw(arrays((shape[1],), 0.5, 2.0))
    bn.bias.data[...] = data.draw(arrays((shape[1],)))
    x = data.draw(distinct(shape))  # spread values: the variance stays away from 0
    axes = (0,) if len(shape) == 2 else (0, 2)
    np.testing.assert_allclose(bn(leaf(x)).data,
                               batchnorm_reference(x, bn.weight.data, bn.bias.data, 1e-5, axes),
                               atol=1e-12)
    check_module(bn, leaf(x), second_order=True)


def test_batchnorm_running_statistics_follow_torchs_rule():
    rng = np.random.default_rng(0)
    bn = nn.BatchNorm1d(3, momentum=0.3, dtype=F64)
    mean, var = np.zeros(3), np.ones(3)
    for _ in range(4):
        x = rng.standard_normal((5, 3)) * 2 + 1
        bn(leaf(x))
        mean = 0.7 * mean + 0.3 * x.mean(axis=0)
        var = 0.7 * var + 0.3 * x.var(axis=0, ddof=1)  # unbiased for the running variance
    np.testing.assert_allclose(bn.running_mean.data, mean)
    np.testing.assert_allclose(bn.running_var.data, var)
    assert int(bn.num_batches_tracked.data) == 4


def test_batchnorm_cumulative_average_when_momentum_is_none():
    rng = np.random.default_rng(1)
    bn = nn.BatchNorm1d(2, momentum=None, dtype=F64)
    batches = [rng.standard_normal((6, 2)) for _ in range(3)]
    for x in batches:
        bn(leaf(x))
    np.testing.assert_allclose(bn.running_mean.data, np.mean([b.mean(axis=0) for b in batches], 0))


def test_batchnorm_eval_uses_running_statistics_and_has_gradients():
    bn = nn.BatchNorm1d(2, dtype=F64)
    bn.running_mean.data[...] = [1.0, -1.0]
    bn.running_var.data[...] = [4.0, 0.25]
    bn.weight.data[...] = [2.0, 3.0]
    bn.bias.data[...] = [0.5, 0.0]
    bn.eval()
    x = np.array([[3.0, 0.0], [1.0, -2.0]])
    expected = (x - [1.0, -1.0]) / np.sqrt(np.array([4.0, 0.25]) + 1e-5) * [2.0, 3.0] + [0.5, 0.0]
    np.testing.assert_allclose(bn(leaf(x)).data, expected)
    check_module(bn, leaf(x))
    assert int(bn.num_batches_tracked.data) == 0  # eval does not update


def test_batchnorm_errors():
    with pytest.raises(ValueError, match=r"\(N, 3\)"):
        nn.BatchNorm1d(3)(tg.zeros(4, 2))
    with pytest.raises(ValueError, match="more than 1 value"):
        nn.BatchNorm1d(3)(tg.zeros(1, 3))
    bn = nn.BatchNorm1d(3, affine=False, track_running_stats=False)
    assert list(bn.parameters()) == [] and list(bn.state_dict()) == []


# --- Embedding ---


def test_embedding_looks_up_rows_and_accumulates_repeated_indices():
    emb = nn.Embedding(5, 3, dtype=F64)
    idx = np.array([[0, 2, 2], [4, 2, 0]])
    y = emb(idx)
    np.testing.assert_array_equal(y.data, emb.weight.data[idx])
    g = np.random.default_rng(0).standard_normal((2, 3, 3))
    y.backward(g)
    onehot = np.eye(5)[idx.ravel()]  # (6, 5): the lookup as a matrix product
    np.testing.assert_allclose(emb.weight.grad.data, onehot.T @ g.reshape(6, 3))
    check_module(emb, idx)


def test_embedding_errors_and_init():
    tg.manual_seed(0)
    emb = nn.Embedding(1000, 100)
    w = emb.weight.data
    assert abs(w.mean()) < 5 / math.sqrt(w.size) and abs(w.std() - 1) < 5 / math.sqrt(2 * w.size)
    with pytest.raises(IndexError, match="index 1000 is out of range"):
        emb(np.array([3, 1000]))
    with pytest.raises(TypeError, match="integer indices"):
        emb(np.array([0.0, 1.0]))


# --- Dropout ---


def test_dropout_keeps_each_element_with_probability_one_minus_p():
    tg.manual_seed(0)
    p, n = 0.3, 200_000
    y = nn.Dropout(p)(tg.ones(n)).data
    kept = y != 0
    assert abs(kept.mean() - (1 - p)) < 5 * math.sqrt(p * (1 - p) / n)
    np.testing.assert_allclose(y[kept], 1 / (1 - p), rtol=1e-6)
    assert y.dtype == np.float32


def test_dropout_is_reproducible_with_manual_seed():
    x = tg.ones(1000)
    tg.manual_seed(5)
    a = nn.Dropout(0.5)(x).data
    tg.manual_seed(5)
    b = nn.Dropout(0.5)(x).data
    c = nn.Dropout(0.5)(x).data
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(b, c)


def test_dropout_gradient_is_the_scaled_mask():
    tg.manual_seed(2)
    x = leaf(np.ones(50))
    y = nn.Dropout(0.4)(x)
    y.backward(np.full(50, 2.0))
    np.testing.assert_allclose(x.grad.data, 2.0 * y.data)  # y = mask / (1 - p) since x = 1

    def fn(x):
        tg.manual_seed(3)  # the same mask at every evaluation
        return nn.Dropout(0.4)(x)

    tg.gradcheck(fn, leaf(np.linspace(-1, 1, 10)))


def test_dropout_eval_mode_and_extreme_probabilities():
    x = tg.randn(4, 4)
    d = nn.Dropout(0.5).eval()
    assert d(x) is x
    assert nn.Dropout(0.0)(x) is x
    np.testing.assert_array_equal(nn.Dropout(1.0)(x).data, np.zeros((4, 4)))
    with pytest.raises(ValueError, match=r"Dropout: p must be in \[0, 1\], got 1.5"):
        nn.Dropout(1.5)
    with pytest.raises(ValueError, match="got -0.1"):
        nn.Dropout(-0.1)
    assert nn.Dropout(np.float32(0.25)).p == 0.25  # NumPy numbers are numbers
    with pytest.raises(TypeError, match=r"must be a number in \[0, 1\], got '0.5'"):
        nn.Dropout("0.5")


# --- losses as modules ---


def test_loss_modules_gradcheck():
    rng = np.random.default_rng(0)
    logits = leaf(rng.standard_normal((4, 3)))
    labels = np.array([0, 2, 1, 2])
    check_module(nn.CrossEntropyLoss(label_smoothing=0.1), logits, labels, second_order=True)
    x, z = leaf(rng.standard_normal((3, 2))), leaf(rng.uniform(0, 1, (3, 2)))
    check_module(nn.BCEWithLogitsLoss(), x, z, second_order=True)
    check_module(nn.MSELoss(reduction="sum"), x, z, second_order=True)
    assert repr(nn.MSELoss()) == "MSELoss()"
    with pytest.raises(ValueError, match="reduction must be"):
        nn.MSELoss(reduction="avg")


# --- a whole small model ---


def test_small_cnn_gradcheck_through_every_parameter():
    tg.manual_seed(4)
    model = nn.Sequential(
        nn.Conv2d(1, 2, 3, padding=1, dtype=F64), nn.Tanh(), nn.MaxPool2d(2), nn.Flatten(),
        nn.BatchNorm1d(8, dtype=F64), nn.Linear(8, 3, dtype=F64))
    x = leaf(np.random.default_rng(5).standard_normal((3, 1, 4, 4)))
    labels = np.array([0, 1, 2])

    def fn(x, *params):
        return nn.functional.cross_entropy(model(x), labels)

    tg.gradcheck(fn, [x] + list(model.parameters()))
