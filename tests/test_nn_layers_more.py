"""LayerNorm, BatchNorm2d, AvgPool2d, AdaptiveAvgPool2d, LeakyReLU, GELU, Softmax and
LogSoftmax: forward against NumPy written from the definitions, gradcheck through each
module (input and parameters, float64), gradgradcheck where second order is non-trivial,
PyTorch as oracle with identical weights (forward, gradients, running statistics,
state_dict keys, repr), and argument errors."""
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tinygrad_edu as tg
from tinygrad_edu import nn
import tinygrad_edu.nn.functional as F
from strategies import reals
from test_nn_functional import check_gradients, leaf

F64 = np.float64
RTOL, ATOL = 1e-9, 1e-11


def arrays(shape, lo=-2.0, hi=2.0):
    return hnp.arrays(F64, shape, elements=reals(lo, hi))


def torch_or_skip():
    torch = pytest.importorskip("torch", reason="PyTorch not installed: oracle tests skipped")
    torch.set_num_threads(1)
    return torch


def check_module(module, x, second_order=False):
    """gradcheck (and with ``second_order`` gradgradcheck) of module(x) against x and
    every parameter."""
    check = check_gradients if second_order else tg.gradcheck
    check(lambda x, *params: module(x), [x] + list(module.parameters()))


def spread(shape, axes):
    """Values that vary along ``axes`` (a ramp), so no normalised group is near-constant:
    its variance stays away from 0 and finite differences stay accurate."""
    sizes = [shape[a] for a in axes]
    ramp = np.linspace(-1.5, 1.5, int(np.prod(sizes))).reshape(sizes)
    view = [shape[a] if a in axes else 1 for a in range(len(shape))]
    return np.broadcast_to(ramp.reshape(view), shape)


def compare_with_torch(ours, theirs, x, seed=0):
    """Same weights (copied by name), same input and output gradient: compare the
    output, the input's gradient and every parameter's gradient."""
    torch = torch_or_skip()
    params = dict(ours.named_parameters())
    with torch.no_grad():
        for name, p in theirs.named_parameters():
            p.copy_(torch.from_numpy(params[name].data))
    assert set(params) == {name for name, _ in theirs.named_parameters()}
    xt, xs = tg.Tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    y, y_t = ours(xt), theirs(xs)
    np.testing.assert_allclose(y.data, y_t.detach().numpy(), rtol=RTOL, atol=ATOL)
    g = np.random.default_rng(seed).standard_normal(y.shape)
    y.backward(g)
    y_t.backward(torch.tensor(g))
    np.testing.assert_allclose(xt.grad.data, xs.grad.numpy(), rtol=RTOL, atol=ATOL,
                               err_msg="input gradient")
    theirs_params = dict(theirs.named_parameters())
    for name, p in ours.named_parameters():
        np.testing.assert_allclose(p.grad.data, theirs_params[name].grad.numpy(), rtol=RTOL,
                                   atol=ATOL, err_msg=f"gradient of {name}")


# --- LayerNorm ---


def layer_norm_reference(x, k, weight, bias, eps=1e-5):
    axes = tuple(range(x.ndim - k, x.ndim))
    mean = x.mean(axis=axes, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=axes, keepdims=True)  # biased
    y = (x - mean) / np.sqrt(var + eps)
    return y * (1.0 if weight is None else weight) + (0.0 if bias is None else bias)


layer_norm_cases = st.fixed_dictionaries({
    "lead": st.lists(st.integers(1, 3), min_size=0, max_size=2),
    "normalized": st.lists(st.integers(2, 4), min_size=1, max_size=2),
    "affine": st.booleans(), "bias": st.booleans()})


@given(case=layer_norm_cases, data=st.data())
@settings(max_examples=15)
def test_layer_norm_forward_and_gradcheck(case, data):
    shape = tuple(case["lead"] + case["normalized"])
    k = len(case["normalized"])
    ln = nn.LayerNorm(case["normalized"], elementwise_affine=case["affine"], bias=case["bias"],
                      dtype=F64)
    for p in ln.parameters():  # away from the init (1 and 0), which hides mistakes
        p.data[...] = data.draw(arrays(p.shape, 0.5, 2.0))
    x = data.draw(arrays(shape, -0.5, 0.5)) + spread(shape, range(len(shape) - k, len(shape)))
    expected = layer_norm_reference(x, k, None if ln.weight is None else ln.weight.data,
                                    None if ln.bias is None else ln.bias.data)
    np.testing.assert_allclose(ln(leaf(x)).data, expected, rtol=1e-12, atol=1e-12)
    check_module(ln, leaf(x))


@pytest.mark.parametrize("normalized_shape", [3, (2, 3)])
def test_layer_norm_gradgradcheck(normalized_shape):
    ln = nn.LayerNorm(normalized_shape, dtype=F64)
    rng = np.random.default_rng(1)
    ln.weight.data[...] = rng.uniform(0.5, 2.0, ln.weight.shape)
    ln.bias.data[...] = rng.standard_normal(ln.bias.shape)
    x = rng.standard_normal((2, 2, 3))
    check_module(ln, leaf(x), second_order=True)  # also: create_graph gradient == fast one


def test_f_layer_norm_without_parameters_and_float32():
    x = np.random.default_rng(2).standard_normal((4, 5))
    y = F.layer_norm(leaf(x), (5,))
    np.testing.assert_allclose(y.data, layer_norm_reference(x, 1, None, None), rtol=1e-12)
    tg.gradgradcheck(lambda x: F.layer_norm(x, 5), [leaf(x)])
    ln = nn.LayerNorm(5)
    assert ln(tg.Tensor(x.astype(np.float32))).dtype == np.float32
    assert ln.weight.dtype == np.float32


@given(case=layer_norm_cases, eps=st.sampled_from([1e-5, 1e-3]), seed=st.integers(0, 2**16))
@settings(max_examples=15)
def test_layer_norm_against_torch(case, eps, seed):
    torch = torch_or_skip()
    shape = tuple(case["lead"] + case["normalized"])
    ours = nn.LayerNorm(case["normalized"], eps, case["affine"], case["bias"], dtype=F64)
    theirs = torch.nn.LayerNorm(case["normalized"], eps, case["affine"], case["bias"],
                                dtype=torch.float64)
    rng = np.random.default_rng(seed)
    for p in ours.parameters():
        p.data[...] = rng.standard_normal(p.shape)
    compare_with_torch(ours, theirs, rng.standard_normal(shape) * 3 + 1, seed)


def test_layer_norm_errors():
    with pytest.raises(ValueError, match=r"normalized_shape=\(4,\) expects input of shape "
                                         r"\(\*, 4\), got shape \(2, 3\)"):
        nn.LayerNorm(4)(tg.zeros(2, 3))
    with pytest.raises(ValueError, match=r"normalized_shape=\(2, 3\).*got shape \(3,\)"):
        nn.LayerNorm((2, 3))(tg.zeros(3))
    with pytest.raises(ValueError, match=r"weight must have shape \(3,\).*got shape \(4,\)"):
        F.layer_norm(tg.zeros(2, 3), 3, weight=tg.ones(4))
    for bad in (0, (), (3, 0), 2.5, "3", True):
        with pytest.raises(ValueError, match="normalized_shape must be an int >= 1"):
            nn.LayerNorm(bad)
    with pytest.raises(ValueError, match="eps must be > 0, got 0"):
        nn.LayerNorm(3, eps=0)


# --- BatchNorm2d ---


def batch_norm2d_reference(x, gamma, beta, eps=1e-5):
    mean = x.mean(axis=(0, 2, 3), keepdims=True)
    var = x.var(axis=(0, 2, 3), keepdims=True)
    y = (x - mean) / np.sqrt(var + eps)
    return y * gamma.reshape(1, -1, 1, 1) + beta.reshape(1, -1, 1, 1)


@given(n=st.integers(1, 3), c=st.integers(1, 3), h=st.integers(1, 3), w=st.integers(2, 3),
       data=st.data())
@settings(max_examples=12)
def test_batchnorm2d_training_forward_and_gradcheck(n, c, h, w, data):
    bn = nn.BatchNorm2d(c, dtype=F64)
    bn.weight.data[...] = data.draw(arrays((c,), 0.5, 2.0))
    bn.bias.data[...] = data.draw(arrays((c,)))
    shape = (n, c, h, w)
    x = data.draw(arrays(shape, -0.5, 0.5)) + spread(shape, (0, 2, 3))
    np.testing.assert_allclose(bn(leaf(x)).data,
                               batch_norm2d_reference(x, bn.weight.data, bn.bias.data),
                               rtol=1e-12, atol=1e-12)
    check_module(bn, leaf(x))


def test_batchnorm2d_gradgradcheck_training_and_eval():
    bn = nn.BatchNorm2d(2, dtype=F64)
    rng = np.random.default_rng(3)
    bn.weight.data[...] = [0.7, 1.6]
    bn.bias.data[...] = [0.2, -0.3]
    x = rng.standard_normal((2, 2, 2, 2))
    check_module(bn, leaf(x), second_order=True)
    bn.eval()  # the running statistics are constants now: an affine map of x
    x = rng.standard_normal((2, 2, 2, 2))
    expected = ((x - bn.running_mean.data.reshape(1, 2, 1, 1))
                / np.sqrt(bn.running_var.data.reshape(1, 2, 1, 1) + 1e-5)
                * bn.weight.data.reshape(1, 2, 1, 1) + bn.bias.data.reshape(1, 2, 1, 1))
    np.testing.assert_allclose(bn(leaf(x)).data, expected, rtol=1e-12)
    check_module(bn, leaf(x), second_order=True)


def test_batchnorm2d_running_statistics_follow_torchs_rule():
    rng = np.random.default_rng(4)
    bn = nn.BatchNorm2d(3, momentum=0.25, dtype=F64)
    mean, var = np.zeros(3), np.ones(3)
    for _ in range(3):
        x = rng.standard_normal((4, 3, 2, 5)) * 2 + 1
        bn(leaf(x))
        mean = 0.75 * mean + 0.25 * x.mean(axis=(0, 2, 3))
        var = 0.75 * var + 0.25 * x.var(axis=(0, 2, 3), ddof=1)  # unbiased, n = 4*2*5
    np.testing.assert_allclose(bn.running_mean.data, mean, rtol=1e-12)
    np.testing.assert_allclose(bn.running_var.data, var, rtol=1e-12)
    assert int(bn.num_batches_tracked.data) == 3


@pytest.mark.parametrize("momentum, affine, track", [
    (0.1, True, True), (None, True, True), (0.3, False, True), (0.1, True, False)])
def test_batchnorm2d_against_torch_over_training_steps_then_eval(momentum, affine, track):
    torch = torch_or_skip()
    rng = np.random.default_rng(5)
    ours = nn.BatchNorm2d(3, momentum=momentum, affine=affine, track_running_stats=track,
                          dtype=F64)
    theirs = torch.nn.BatchNorm2d(3, momentum=momentum, affine=affine,
                                  track_running_stats=track, dtype=torch.float64)
    for p in ours.parameters():
        p.data[...] = rng.uniform(0.5, 1.5, 3)
    for step in range(3):
        ours.zero_grad()
        theirs.zero_grad()
        compare_with_torch(ours, theirs, rng.standard_normal((4, 3, 3, 2)) * 3 + 1, step)
        if track:
            np.testing.assert_allclose(ours.running_mean.data, theirs.running_mean.numpy(),
                                       rtol=RTOL)
            np.testing.assert_allclose(ours.running_var.data, theirs.running_var.numpy(),
                                       rtol=RTOL)
            assert int(ours.num_batches_tracked.data) == int(theirs.num_batches_tracked)
    ours.eval()
    theirs.eval()
    ours.zero_grad()
    theirs.zero_grad()
    compare_with_torch(ours, theirs, rng.standard_normal((2, 3, 2, 2)), 9)


def test_batchnorm2d_state_dict_and_repr_match_torch_and_torch_weights_load():
    torch = torch_or_skip()
    ours = nn.Sequential(nn.Conv2d(2, 3, 3, padding=1, bias=False), nn.BatchNorm2d(3),
                         nn.ReLU(), nn.AvgPool2d(2), nn.Flatten(), nn.LayerNorm(12))
    theirs = torch.nn.Sequential(torch.nn.Conv2d(2, 3, 3, padding=1, bias=False),
                                 torch.nn.BatchNorm2d(3), torch.nn.ReLU(),
                                 torch.nn.AvgPool2d(2), torch.nn.Flatten(),
                                 torch.nn.LayerNorm(12))
    assert repr(ours) == repr(theirs)
    theirs.train()(torch.randn(5, 2, 4, 4))  # move the running statistics off their init
    with torch.no_grad():
        theirs[5].weight.uniform_(0.5, 1.5)
        theirs[5].bias.uniform_(-1.0, 1.0)
    sd = theirs.state_dict()
    assert list(ours.state_dict()) == list(sd)
    ours.load_state_dict({k: v.numpy() for k, v in sd.items()})
    ours.eval()
    theirs.eval()
    x = np.random.default_rng(6).standard_normal((3, 2, 4, 4)).astype(np.float32)
    np.testing.assert_allclose(ours(tg.Tensor(x)).data,
                               theirs(torch.from_numpy(x)).detach().numpy(), rtol=1e-5,
                               atol=1e-5)


@pytest.mark.parametrize("make", [
    lambda nn: nn.LayerNorm((2, 3), eps=1e-3, bias=False),
    lambda nn: nn.LayerNorm(4, elementwise_affine=False),
    lambda nn: nn.BatchNorm2d(5, momentum=None, affine=False),
    lambda nn: nn.BatchNorm2d(2, track_running_stats=False, bias=False),
    lambda nn: nn.AvgPool2d((2, 3), stride=1, padding=1, ceil_mode=True,
                            count_include_pad=False),
    lambda nn: nn.AdaptiveAvgPool2d((3, None))])
def test_repr_and_state_dict_keys_match_torch(make):
    torch = torch_or_skip()
    ours, theirs = make(nn), make(torch.nn)
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())


def test_batchnorm2d_errors():
    bn = nn.BatchNorm2d(3)
    with pytest.raises(ValueError, match=r"BatchNorm2d\(3\) expects input of shape "
                                         r"\(N, 3, H, W\), got shape \(4, 3, 5\)"):
        bn(tg.zeros(4, 3, 5))
    with pytest.raises(ValueError, match=r"\(N, 3, H, W\), got shape \(4, 2, 5, 5\)"):
        bn(tg.zeros(4, 2, 5, 5))
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        bn(tg.zeros(1, 3, 1, 1))
    with pytest.raises(ValueError, match=r"BatchNorm1d\(3\) expects input of shape \(N, 3\) "
                                         r"or \(N, 3, L\), got shape \(2, 3, 4, 4\)"):
        nn.BatchNorm1d(3)(tg.zeros(2, 3, 4, 4))
    with pytest.raises(ValueError, match="num_features must be an int >= 1, got 0"):
        nn.BatchNorm2d(0)
    with pytest.raises(ValueError, match="momentum must be in"):
        nn.BatchNorm2d(3, momentum=1.5)


# --- AvgPool2d and AdaptiveAvgPool2d ---


def avg_pool_reference(x, k, s, p, ceil_mode, count_include_pad, divisor_override):
    """PyTorch's definition, one window at a time."""
    (kh, kw), (sh, sw), (ph, pw) = k, s, p
    n, c, h, w = x.shape

    def out_size(size, k, s, p):
        out = (size + 2 * p - k + (s - 1 if ceil_mode else 0)) // s + 1
        return out - 1 if ceil_mode and (out - 1) * s >= size + p else out

    ho, wo = out_size(h, kh, sh, ph), out_size(w, kw, sw, pw)
    y = np.zeros((n, c, ho, wo))
    for i in range(ho):
        for j in range(wo):
            r0, c0 = i * sh - ph, j * sw - pw
            r1, c1 = min(r0 + kh, h + ph), min(c0 + kw, w + pw)  # padded extent
            window = x[:, :, max(r0, 0):min(r1, h), max(c0, 0):min(c1, w)]
            if divisor_override:
                d = divisor_override
            elif count_include_pad:
                d = (r1 - r0) * (c1 - c0)
            else:
                d = window.shape[2] * window.shape[3]
            y[:, :, i, j] = window.sum(axis=(2, 3)) / d
    return y


pool_cases = st.fixed_dictionaries({
    "k": st.tuples(st.integers(1, 3), st.integers(1, 3)),
    "s": st.tuples(st.integers(1, 3), st.integers(1, 3)),
    "p": st.tuples(st.integers(0, 1), st.integers(0, 1)),
    "ceil_mode": st.booleans(), "count_include_pad": st.booleans(),
    "divisor_override": st.sampled_from([None, None, 5]),
    "shape": st.tuples(st.integers(1, 2), st.integers(1, 2), st.integers(3, 6),
                       st.integers(3, 6))})


def pool_args(case):
    p = tuple(min(p, k // 2) for p, k in zip(case["p"], case["k"]))  # at most half the kernel
    return case["k"], case["s"], p, case["ceil_mode"], case["count_include_pad"], \
        case["divisor_override"]


@given(case=pool_cases, data=st.data())
@settings(max_examples=20)
def test_avg_pool2d_forward_and_gradcheck(case, data):
    args = pool_args(case)
    x = data.draw(arrays(case["shape"]))
    pool = nn.AvgPool2d(*args)
    np.testing.assert_allclose(pool(leaf(x)).data, avg_pool_reference(x, *args),
                               rtol=1e-12, atol=1e-12)
    check_module(pool, leaf(x))


@pytest.mark.parametrize("args", [(2,), (3, 2, 1, True, False), ((2, 3), 1, (1, 0))])
def test_avg_pool2d_gradgradcheck(args):
    x = np.random.default_rng(7).standard_normal((1, 2, 4, 5))
    check_module(nn.AvgPool2d(*args), leaf(x), second_order=True)


@given(case=pool_cases, seed=st.integers(0, 2**16))
@settings(max_examples=20)
def test_avg_pool2d_against_torch(case, seed):
    torch = torch_or_skip()
    args = pool_args(case)
    x = np.random.default_rng(seed).standard_normal(case["shape"])
    compare_with_torch(nn.AvgPool2d(*args), torch.nn.AvgPool2d(*args), x, seed)


def test_avg_pool2d_float32_and_errors():
    x = tg.randn(2, 3, 4, 4)
    assert nn.AvgPool2d(2)(x).dtype == np.float32
    assert F.avg_pool2d(x, 3, padding=1, count_include_pad=False).dtype == np.float32
    with pytest.raises(ValueError, match="padding must be at most half of kernel_size"):
        nn.AvgPool2d(2, padding=2)(x)
    with pytest.raises(ValueError, match=r"avg_pool2d expects input of shape \(N, C, H, W\), "
                                         r"got shape \(3, 4, 4\)"):
        F.avg_pool2d(tg.zeros(3, 4, 4), 2)
    with pytest.raises(ValueError, match="larger than the padded input"):
        F.avg_pool2d(x, 5)
    with pytest.raises(ValueError, match="divisor_override must be an int >= 1, got 0"):
        nn.AvgPool2d(2, divisor_override=0)
    with pytest.raises(ValueError, match="kernel_size must be an int >= 1"):
        nn.AvgPool2d(0)


def adaptive_reference(x, ho, wo):
    h, w = x.shape[2:]
    y = np.empty(x.shape[:2] + (ho, wo))
    for i in range(ho):
        for j in range(wo):
            rows = slice(math.floor(i * h / ho), math.ceil((i + 1) * h / ho))
            cols = slice(math.floor(j * w / wo), math.ceil((j + 1) * w / wo))
            y[:, :, i, j] = x[:, :, rows, cols].mean(axis=(2, 3))
    return y


@pytest.mark.parametrize("output_size, expected", [
    (1, (1, 1)), (2, (2, 2)), ((3, None), (3, 6)), ((4, 5), (4, 5)), ((8, 2), (8, 2))])
def test_adaptive_avg_pool2d(output_size, expected):
    x = np.random.default_rng(8).standard_normal((2, 2, 6, 6))
    pool = nn.AdaptiveAvgPool2d(output_size)
    np.testing.assert_allclose(pool(leaf(x)).data, adaptive_reference(x, *expected),
                               rtol=1e-12, atol=1e-12)
    check_module(pool, leaf(x[:1, :1]), second_order=True)
    torch = pytest.importorskip("torch")
    compare_with_torch(pool, torch.nn.AdaptiveAvgPool2d(output_size), x)
    assert repr(pool) == repr(torch.nn.AdaptiveAvgPool2d(output_size))


def test_adaptive_avg_pool2d_errors():
    for bad in (0, (2, 0), (1, 2, 3), 1.5):
        with pytest.raises(ValueError, match="output_size must be an int >= 1"):
            nn.AdaptiveAvgPool2d(bad)
    with pytest.raises(ValueError, match=r"\(N, C, H, W\), got shape \(2, 6\)"):
        nn.AdaptiveAvgPool2d(1)(tg.zeros(2, 6))


# --- activations ---


def gelu_reference(x):
    return np.array([v * 0.5 * math.erfc(-v / math.sqrt(2)) for v in x.ravel()]).reshape(x.shape)


def gelu_tanh_reference(x):
    return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))


@pytest.mark.parametrize("module, reference", [
    (nn.LeakyReLU(), lambda x: np.where(x > 0, x, 0.01 * x)),
    (nn.LeakyReLU(0.2), lambda x: np.where(x > 0, x, 0.2 * x)),
    (nn.GELU(), gelu_reference),
    (nn.GELU("tanh"), gelu_tanh_reference),
    (nn.Softmax(), lambda x: np.exp(x) / np.exp(x).sum(axis=-1, keepdims=True)),
    (nn.Softmax(axis=0), lambda x: np.exp(x) / np.exp(x).sum(axis=0, keepdims=True)),
    (nn.LogSoftmax(), lambda x: x - np.log(np.exp(x).sum(axis=-1, keepdims=True))),
    (nn.LogSoftmax(axis=0), lambda x: x - np.log(np.exp(x).sum(axis=0, keepdims=True)))])
def test_activation_modules(module, reference):
    x = np.array([[-2.5, -0.7, 0.3, 1.9], [3.1, -0.2, 0.9, -1.4], [0.6, 2.2, -3.3, 0.05]])
    np.testing.assert_allclose(module(leaf(x)).data, reference(x), rtol=1e-13, atol=1e-15)
    assert module(tg.Tensor(x.astype(np.float32))).dtype == np.float32
    # leaky relu has no second derivative (a kink); the others do
    check_module(module, leaf(x), second_order=not isinstance(module, nn.LeakyReLU))


@given(x=hnp.arrays(F64, hnp.array_shapes(max_dims=3, max_side=4), elements=reals(-4, 4)),
       approximate=st.sampled_from(["none", "tanh"]))
@settings(max_examples=15)
def test_gelu_gradcheck_and_gradgradcheck(x, approximate):
    check_gradients(lambda x: F.gelu(x, approximate), [leaf(x)])


def test_gelu_is_accurate_far_into_both_tails():
    # Phi(x) in the lower tail is tiny: x * Phi(x) must keep its relative accuracy there
    # (no 1 + erf cancellation), and saturate to x in the upper tail. The documented
    # bound: a relative error of a few (1 + x^2) units of rounding (from exp(-x^2 / 2)).
    x = np.concatenate([np.linspace(-37, 9, 4001), [0.0, 1e-300, -1e-300]])
    for dtype, upto in ((F64, -37.5), (np.float32, -12.0)):  # float32: before underflow
        xs = x[x > upto].astype(dtype)
        expected = gelu_reference(xs.astype(F64))
        y = F.gelu(tg.Tensor(xs)).data
        assert y.dtype == dtype
        bound = 8 * (1 + xs.astype(F64) ** 2) * np.finfo(dtype).eps * np.abs(expected)
        assert np.all(np.abs(y - expected) <= bound)
    special = F.gelu(tg.Tensor(np.array([np.inf, np.nan]))).data
    assert special[0] == np.inf and np.isnan(special[1])


@pytest.mark.parametrize("name, ours, args", [
    ("LeakyReLU", nn.LeakyReLU, ()), ("LeakyReLU", nn.LeakyReLU, (0.3,)),
    ("GELU", nn.GELU, ()), ("GELU", nn.GELU, ("tanh",)),
    ("Softmax", nn.Softmax, (1,)), ("LogSoftmax", nn.LogSoftmax, (0,))])
def test_activations_against_torch(name, ours, args):
    torch = torch_or_skip()
    x = np.random.default_rng(9).standard_normal((4, 5)) * 3
    compare_with_torch(ours(*args), getattr(torch.nn, name)(*args), x)
    # the same repr (dim=, PyTorch's name, though axis= is accepted too)
    assert repr(ours(*args)) == repr(getattr(torch.nn, name)(*args))


def test_activation_errors():
    with pytest.raises(ValueError, match="approximate must be 'none' or 'tanh', got 'erf'"):
        nn.GELU("erf")
    with pytest.raises(ValueError, match="approximate must be 'none' or 'tanh', got 'fast'"):
        F.gelu(tg.zeros(2), approximate="fast")
    with pytest.raises(TypeError, match="negative_slope must be a number"):
        nn.LeakyReLU("0.1")
    with pytest.raises(TypeError, match="axis must be an int"):
        nn.Softmax(axis=None)


def test_small_cnn_and_transformer_block_gradcheck_through_every_parameter():
    tg.manual_seed(4)
    cnn = nn.Sequential(
        nn.Conv2d(1, 2, 3, padding=1, bias=False, dtype=F64), nn.BatchNorm2d(2, dtype=F64),
        nn.LeakyReLU(0.1), nn.AvgPool2d(2), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
        nn.Linear(2, 3, dtype=F64), nn.LogSoftmax())
    x = leaf(np.random.default_rng(5).standard_normal((3, 1, 4, 4)))
    tg.gradcheck(lambda x, *params: cnn(x), [x] + list(cnn.parameters()))
    mlp = nn.Sequential(nn.LayerNorm(4, dtype=F64), nn.Linear(4, 6, dtype=F64), nn.GELU(),
                        nn.Linear(6, 4, dtype=F64), nn.Softmax(dim=-1))
    tokens = leaf(np.random.default_rng(6).standard_normal((2, 3, 4)))
    tg.gradcheck(lambda x, *params: mlp(x), [tokens] + list(mlp.parameters()))


# --- edge cases found by a bug hunt against torch ---


@pytest.mark.parametrize("make, shape", [(lambda: nn.BatchNorm1d(3), (0, 3)),
                                         (lambda: nn.BatchNorm2d(3), (0, 3, 2, 2)),
                                         (lambda: nn.BatchNorm2d(3), (2, 3, 0, 2)),
                                         (lambda: nn.LayerNorm(3), (0, 3)),
                                         (lambda: nn.BatchNorm1d(3, track_running_stats=False),
                                          (0, 3))])
def test_normalising_an_empty_batch_in_eval_mode_gives_an_empty_output(make, shape):
    layer = make().eval()
    x = tg.Tensor(np.zeros(shape, np.float32), requires_grad=True)  # the layers' dtype
    y = layer(x)
    assert y.shape == shape
    y.sum().backward()
    assert x.grad.shape == shape


@pytest.mark.parametrize("size, kernel, stride, padding", [
    (3, 2, 2, 0), (1, 2, 2, 0), (5, 3, 3, 1), (4, 4, 3, 2), (2, 3, 2, 1)])
def test_avg_pool_ceil_mode_keeps_partial_windows_as_torch(size, kernel, stride, padding):
    torch = torch_or_skip()
    x = np.arange(float(size * (size + 1))).reshape(1, 1, size, size + 1)
    ours, theirs = tg.Tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    y = F.avg_pool2d(ours, kernel, stride, padding, ceil_mode=True)
    y_t = torch.nn.functional.avg_pool2d(theirs, kernel, stride, padding, ceil_mode=True)
    np.testing.assert_allclose(y.data, y_t.detach().numpy(), rtol=RTOL, atol=ATOL)
    g = np.arange(1.0, y.data.size + 1).reshape(y.shape)
    y.backward(g)
    y_t.backward(torch.tensor(g))
    np.testing.assert_allclose(ours.grad.data, theirs.grad.numpy(), rtol=RTOL, atol=ATOL)


def test_avg_pool_ceil_mode_still_refuses_a_kernel_that_leaves_no_window():
    # (torch: "Output size is too small")
    with pytest.raises(ValueError, match="avg_pool2d: kernel 4 is larger than the padded input"):
        F.avg_pool2d(tg.zeros(1, 1, 1, 1), 4, stride=1, ceil_mode=True)


def test_avg_pool_gradient_keeps_float32_with_unequal_divisors():
    x = tg.randn(1, 1, 5, 5, requires_grad=True)
    y = F.avg_pool2d(x, 2, padding=1, ceil_mode=True, count_include_pad=False)
    y.sum().backward()
    assert y.dtype == x.grad.dtype == np.float32


@pytest.mark.parametrize("bad", [0.0, -1e-5])
def test_normalisation_eps_must_be_positive_everywhere(bad):
    for make in (lambda: nn.LayerNorm(3, eps=bad), lambda: nn.BatchNorm1d(3, eps=bad),
                 lambda: F.layer_norm(tg.zeros(2, 3), 3, eps=bad)):
        with pytest.raises(ValueError, match=f"eps must be > 0, got {bad}"):
            make()
