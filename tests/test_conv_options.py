"""Conv2d's dilation, groups and string padding, MaxPool2d's dilation (PyTorch semantics).

References: a NumPy loop written from the definition, central differences (gradcheck,
gradgradcheck) and, where installed, PyTorch (forward and every gradient, float64).
"""
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_edu as tg
import tinygrad_edu.nn.functional as F
from tinygrad_edu import nn

F64 = np.float64
RTOL, ATOL = 1e-10, 1e-12


def _torch():
    torch = pytest.importorskip("torch", reason="PyTorch not installed: oracle tests skipped")
    torch.set_num_threads(1)
    return torch


def leaf(a):
    return tg.Tensor(np.asarray(a, dtype=F64), requires_grad=True)


def span(kernel, dilation):
    return dilation * (kernel - 1) + 1


@st.composite
def conv_cases(draw, max_side=7):
    """A convolution that fits: shapes, stride, padding, dilation, groups (depthwise too)."""
    groups = draw(st.integers(1, 3))
    c_per_group = draw(st.integers(1, 2))
    o_per_group = draw(st.integers(1, 2))
    if draw(st.booleans()):  # depthwise: one group per input channel
        c_per_group = 1
    kernel = draw(st.tuples(st.integers(1, 3), st.integers(1, 3)))
    dilation = draw(st.tuples(st.integers(1, 3), st.integers(1, 3)))
    padding = draw(st.tuples(st.integers(0, 2), st.integers(0, 2)))
    stride = draw(st.tuples(st.integers(1, 3), st.integers(1, 3)))
    # the padded input must hold the dilated kernel: H + 2 p >= d (k - 1) + 1
    lowest = [max(1, span(k, d) - 2 * p) for k, d, p in zip(kernel, dilation, padding)]
    h = draw(st.integers(lowest[0], max(lowest[0], max_side)))
    w = draw(st.integers(lowest[1], max(lowest[1], max_side)))
    return {"n": draw(st.integers(1, 2)), "c": groups * c_per_group,
            "o": groups * o_per_group, "groups": groups, "kernel": kernel, "stride": stride,
            "padding": padding, "dilation": dilation, "h": h, "w": w,
            "bias": draw(st.booleans()), "seed": draw(st.integers(0, 2**16))}


def arrays_for(case):
    rng = np.random.default_rng(case["seed"])
    x = rng.standard_normal((case["n"], case["c"], case["h"], case["w"]))
    weight = rng.standard_normal((case["o"], case["c"] // case["groups"]) + case["kernel"])
    bias = rng.standard_normal(case["o"]) if case["bias"] else None
    return x, weight, bias


def conv_reference(x, weight, bias, stride, padding, dilation, groups):
    """The definition, one output pixel at a time (NumPy, independent of im2col)."""
    n, c, h, w = x.shape
    o, cg, kh, kw = weight.shape
    (sh, sw), (ph, pw), (dh, dw) = stride, padding, dilation
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    ho = (h + 2 * ph - dh * (kh - 1) - 1) // sh + 1
    wo = (w + 2 * pw - dw * (kw - 1) - 1) // sw + 1
    y = np.zeros((n, o, ho, wo))
    for oc in range(o):
        g = oc // (o // groups)
        channels = xp[:, g * cg:(g + 1) * cg]
        for i in range(ho):
            for j in range(wo):
                patch = channels[:, :, i * sh:i * sh + dh * (kh - 1) + 1:dh,
                                 j * sw:j * sw + dw * (kw - 1) + 1:dw]
                y[:, oc, i, j] = (patch * weight[oc]).sum(axis=(1, 2, 3))
        if bias is not None:
            y[:, oc] += bias[oc]
    return y


def pool_reference(x, kernel, stride, padding, dilation):
    n, c, h, w = x.shape
    (kh, kw), (sh, sw), (ph, pw), (dh, dw) = kernel, stride, padding, dilation
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), constant_values=-np.inf)
    ho = (h + 2 * ph - dh * (kh - 1) - 1) // sh + 1
    wo = (w + 2 * pw - dw * (kw - 1) - 1) // sw + 1
    y = np.empty((n, c, ho, wo))
    for i in range(ho):
        for j in range(wo):
            window = xp[:, :, i * sh:i * sh + dh * (kh - 1) + 1:dh,
                        j * sw:j * sw + dw * (kw - 1) + 1:dw]
            y[:, :, i, j] = window.max(axis=(2, 3))
    return y


def call(case, x, weight, bias):
    return F.conv2d(x, weight, bias, case["stride"], case["padding"], case["dilation"],
                    case["groups"])


# --- convolution: forward, gradients ---


@given(case=conv_cases())
@settings(max_examples=20)
def test_conv_forward_matches_the_definition(case):
    x, weight, bias = arrays_for(case)
    y = call(case, tg.Tensor(x), tg.Tensor(weight), None if bias is None else tg.Tensor(bias))
    expected = conv_reference(x, weight, bias, case["stride"], case["padding"],
                              case["dilation"], case["groups"])
    assert y.shape == expected.shape
    np.testing.assert_allclose(y.data, expected, rtol=RTOL, atol=ATOL)


@given(case=conv_cases())
@settings(max_examples=20)
def test_conv_matches_torch_forward_and_gradients(case):
    torch = _torch()
    x, weight, bias = arrays_for(case)
    ours = [leaf(x), leaf(weight)] + ([leaf(bias)] if bias is not None else [None])
    theirs = [torch.tensor(a, requires_grad=True) if a is not None else None
              for a in (x, weight, bias)]
    y = call(case, *ours)
    y_t = torch.nn.functional.conv2d(*theirs, stride=case["stride"], padding=case["padding"],
                                     dilation=case["dilation"], groups=case["groups"])
    np.testing.assert_allclose(y.data, y_t.detach().numpy(), rtol=RTOL, atol=ATOL)
    g = np.random.default_rng(case["seed"] + 1).standard_normal(y.shape)
    y.backward(g)
    y_t.backward(torch.tensor(g))
    for name, a, b in zip(("x", "weight", "bias"), ours, theirs):
        if a is not None:
            np.testing.assert_allclose(a.grad.data, b.grad.numpy(), rtol=RTOL, atol=ATOL,
                                       err_msg=f"gradient of {name}")


@given(case=conv_cases(max_side=5))
@settings(max_examples=10)
def test_conv_gradcheck_x_weight_bias(case):
    x, weight, bias = arrays_for(case)
    inputs = [leaf(x), leaf(weight)] + ([leaf(bias)] if bias is not None else [])
    assert tg.gradcheck(lambda *t: call(case, t[0], t[1], t[2] if len(t) > 2 else None),
                        inputs)


@pytest.mark.parametrize("stride, padding, dilation, groups",
                         [(1, 1, 2, 2), ((2, 1), (1, 0), (1, 2), 4)])
def test_conv_gradgradcheck(stride, padding, dilation, groups):
    rng = np.random.default_rng(3)
    x = leaf(rng.standard_normal((1, 4, 4, 4)))
    weight = leaf(rng.standard_normal((4, 4 // groups, 2, 2)))
    bias = leaf(rng.standard_normal(4))
    # tanh makes the second derivative non-zero (a convolution alone is bilinear)
    fn = lambda x, w, b: F.conv2d(x, w, b, stride, padding, dilation, groups).tanh()  # noqa: E731
    assert tg.gradgradcheck(fn, [x, weight, bias])


def test_depthwise_with_channel_multiplier_matches_torch():
    torch = _torch()
    rng = np.random.default_rng(0)
    x, weight = rng.standard_normal((2, 3, 6, 5)), rng.standard_normal((6, 1, 3, 3))
    ours = nn.Conv2d(3, 6, 3, padding=2, dilation=2, groups=3, bias=False, dtype=F64)
    ours.weight.data[...] = weight
    xt = leaf(x)
    y = ours(xt)
    y_t = torch.nn.functional.conv2d(torch.tensor(x), torch.tensor(weight), padding=2,
                                     dilation=2, groups=3)
    np.testing.assert_allclose(y.data, y_t.numpy(), rtol=RTOL, atol=ATOL)
    # output channels 2c and 2c+1 only see input channel c: a change elsewhere leaves them
    x2 = x.copy()
    x2[:, 1] += 1.0
    changed = np.abs(ours(tg.Tensor(x2)).data - y.data).max(axis=(0, 2, 3)) > 0
    assert changed.tolist() == [False, False, True, True, False, False]


def test_grouped_conv_keeps_float32():
    conv = nn.Conv2d(4, 6, 3, dilation=2, groups=2)
    x = tg.Tensor(np.random.default_rng(0).standard_normal((2, 4, 7, 7)).astype(np.float32),
                  requires_grad=True)
    y = conv(x)
    y.sum().backward()
    assert y.dtype == np.float32 and x.grad.dtype == np.float32
    assert conv.weight.grad.dtype == np.float32


# --- padding "valid" and "same" ---


@pytest.mark.filterwarnings("ignore:Using padding='same'")  # torch: it pads a copy (we do too)
@pytest.mark.parametrize("kernel, dilation", [(3, 1), (2, 1), (4, 1), (2, 3), ((3, 2), (2, 1)),
                                              (1, 1)])
def test_same_and_valid_padding_match_torch(kernel, dilation):
    torch = _torch()
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 2, 7, 6))
    kh, kw = kernel if isinstance(kernel, tuple) else (kernel, kernel)
    weight = rng.standard_normal((3, 2, kh, kw))
    for padding in ("same", "valid"):
        xt, wt = leaf(x), leaf(weight)
        y = F.conv2d(xt, wt, padding=padding, dilation=dilation)
        xt_t = torch.tensor(x, requires_grad=True)
        wt_t = torch.tensor(weight, requires_grad=True)
        y_t = torch.nn.functional.conv2d(xt_t, wt_t, padding=padding, dilation=dilation)
        if padding == "same":
            assert y.shape == (2, 3, 7, 6)
        np.testing.assert_allclose(y.data, y_t.detach().numpy(), rtol=RTOL, atol=ATOL)
        g = rng.standard_normal(y.shape)
        y.backward(g)
        y_t.backward(torch.tensor(g))
        np.testing.assert_allclose(xt.grad.data, xt_t.grad.numpy(), rtol=RTOL, atol=ATOL)
        np.testing.assert_allclose(wt.grad.data, wt_t.grad.numpy(), rtol=RTOL, atol=ATOL)


def test_same_padding_gradcheck_with_odd_total():
    rng = np.random.default_rng(2)
    x, weight = leaf(rng.standard_normal((1, 2, 4, 3))), leaf(rng.standard_normal((2, 1, 2, 2)))
    fn = lambda x, w: F.conv2d(x, w, padding="same", dilation=(1, 2), groups=2)  # noqa: E731
    assert tg.gradcheck(fn, [x, weight])
    assert tg.gradgradcheck(lambda x, w: fn(x, w).tanh(), [x, weight])


# --- the module: argument order, init, repr ---


def test_conv2d_positional_arguments_follow_pytorch():
    torch = _torch()
    ours = nn.Conv2d(4, 6, 3, 2, 1, 2, 2, False)
    theirs = torch.nn.Conv2d(4, 6, 3, 2, 1, 2, 2, False)
    assert ours.weight.shape == tuple(theirs.weight.shape) == (6, 2, 3, 3)
    assert ours.bias is None and theirs.bias is None
    assert (ours.stride, ours.padding, ours.dilation, ours.groups) == (
        theirs.stride, theirs.padding, theirs.dilation, theirs.groups)


@pytest.mark.parametrize("args, kwargs", [
    ((8, 64, 3), {"groups": 4}),
    ((6, 96, (3, 2)), {"groups": 6, "dilation": 2}),  # depthwise, 16 kernels per channel
    ((4, 100, 2), {"groups": 2, "padding": "same"}),
])
def test_grouped_init_uses_pytorch_fan_in(args, kwargs):
    torch = _torch()
    conv = nn.Conv2d(*args, dtype=F64, **kwargs)
    # torch's own fan-in of a weight of this shape (in/groups * kh * kw) gives the bound
    fan_in, _ = torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(conv.weight.shape))
    in_channels, kernel = args[0], conv.kernel_size
    assert fan_in == in_channels // kwargs["groups"] * kernel[0] * kernel[1]
    bound = 1.0 / math.sqrt(fan_in)
    for p in (conv.weight.data, conv.bias.data):
        assert np.abs(p).max() <= bound
    # >= 64 uniform draws reach past 75% of the bound (all below: probability < 1e-7);
    # a bound from in_channels * kh * kw would be at most 1/sqrt(2) ~ 70.7% of it.
    assert np.abs(conv.weight.data).max() > 0.75 * bound
    assert np.abs(conv.bias.data).max() > 0.75 * bound
    assert abs(conv.weight.data.mean()) < 0.1 * bound  # centred, as U(-bound, bound)


@pytest.mark.parametrize("args, kwargs", [
    ((1, 4, 3), {"padding": 1}),
    ((4, 8, 3), {"dilation": 2, "groups": 4, "bias": False}),
    ((2, 4, (3, 1)), {"stride": 2, "dilation": (1, 3)}),
    ((2, 4, 3), {"padding": "same", "dilation": 2, "groups": 2}),
    ((2, 4, 3), {"padding": "valid"}),
])
def test_conv_repr_matches_torch(args, kwargs):
    torch = _torch()
    assert repr(nn.Conv2d(*args, **kwargs)) == repr(torch.nn.Conv2d(*args, **kwargs))


def test_max_pool_repr_shows_non_default_dilation():
    assert repr(nn.MaxPool2d(2)) == "MaxPool2d(kernel_size=2, stride=2, padding=0)"
    assert repr(nn.MaxPool2d(3, 1, 1, 2)) == \
        "MaxPool2d(kernel_size=3, stride=1, padding=1, dilation=2)"


def test_state_dict_round_trip_of_a_grouped_conv():
    a, b = nn.Conv2d(4, 4, 3, groups=4, dtype=F64), nn.Conv2d(4, 4, 3, groups=4, dtype=F64)
    b.load_state_dict(a.state_dict())
    x = tg.Tensor(np.random.default_rng(0).standard_normal((1, 4, 5, 5)))
    np.testing.assert_array_equal(a(x).data, b(x).data)


# --- max pooling with dilation ---


@st.composite
def pool_cases(draw):
    kernel = draw(st.tuples(st.integers(1, 3), st.integers(1, 3)))
    dilation = draw(st.tuples(st.integers(1, 3), st.integers(1, 3)))
    stride = draw(st.tuples(st.integers(1, 3), st.integers(1, 3)))
    padding = (draw(st.integers(0, kernel[0] // 2)), draw(st.integers(0, kernel[1] // 2)))
    h = draw(st.integers(max(1, span(kernel[0], dilation[0]) - 2 * padding[0]), 7))
    w = draw(st.integers(max(1, span(kernel[1], dilation[1]) - 2 * padding[1]), 7))
    return {"shape": (draw(st.integers(1, 2)), draw(st.integers(1, 2)), h, w),
            "kernel": kernel, "stride": stride, "padding": padding, "dilation": dilation,
            "ties": draw(st.booleans()), "seed": draw(st.integers(0, 2**16))}


def pool_input(case):
    rng = np.random.default_rng(case["seed"])
    if case["ties"]:  # few distinct values: ties inside windows (first one wins, as torch)
        return rng.integers(0, 3, case["shape"]).astype(F64)
    return rng.standard_normal(case["shape"])


@given(case=pool_cases())
@settings(max_examples=25)
def test_max_pool_forward_matches_the_definition(case):
    x = pool_input(case)
    y = F.max_pool2d(tg.Tensor(x), case["kernel"], case["stride"], case["padding"],
                     case["dilation"])
    expected = pool_reference(x, case["kernel"], case["stride"], case["padding"],
                              case["dilation"])
    np.testing.assert_array_equal(y.data, expected)


@given(case=pool_cases())
@settings(max_examples=25)
def test_max_pool_matches_torch_forward_and_gradient(case):
    torch = _torch()
    x = pool_input(case)
    ours = nn.MaxPool2d(case["kernel"], case["stride"], case["padding"], case["dilation"])
    theirs = torch.nn.MaxPool2d(case["kernel"], case["stride"], case["padding"],
                                case["dilation"])
    xt, xt_t = leaf(x), torch.tensor(x, requires_grad=True)
    y, y_t = ours(xt), theirs(xt_t)
    np.testing.assert_array_equal(y.data, y_t.detach().numpy())
    g = np.random.default_rng(case["seed"] + 1).standard_normal(y.shape)
    y.backward(g)
    y_t.backward(torch.tensor(g))
    np.testing.assert_allclose(xt.grad.data, xt_t.grad.numpy(), rtol=RTOL, atol=ATOL)


def test_max_pool_window_on_padding_only_is_minus_inf_without_gradient():
    # H = 1, kernel 2, padding 1, dilation 2: the window reads rows -1 and 1, both padding
    x = leaf([[[[3.0, 1.0, 2.0]]]])
    y = F.max_pool2d(x, (2, 1), stride=1, padding=(1, 0), dilation=(2, 1))
    assert y.shape == (1, 1, 1, 3) and np.all(y.data == -np.inf)
    y.backward(np.ones(y.shape))
    np.testing.assert_array_equal(x.grad.data, np.zeros((1, 1, 1, 3)))
    # second order goes through the same mask
    (gx,) = tg.grad(F.max_pool2d(x, (2, 1), 1, (1, 0), (2, 1)), x,
                    grad_outputs=leaf(np.ones((1, 1, 1, 3))), create_graph=True)
    assert gx.requires_grad
    np.testing.assert_array_equal(gx.data, np.zeros((1, 1, 1, 3)))


@pytest.mark.parametrize("x, args", [
    ([1.0, np.nan, 0.0, 2.0], ((1, 2),)),  # a NaN wins its window
    ([np.nan, np.nan, 5.0, 1.0], ((1, 3), 1, (0, 1))),
    ([-np.inf] * 5, ((1, 3), 1, (0, 1), (1, 2))),  # x's -inf ties with the padding
    ([-np.inf, 3.0, -np.inf, -np.inf, 1.0], ((1, 3), 1, (0, 1))),
], ids=["nan", "nan-padded", "all-minus-inf-dilated", "minus-inf-padded"])
def test_max_pool_routes_the_gradient_like_torch_for_nan_and_minus_inf(x, args):
    torch = _torch()
    a = np.array(x).reshape(1, 1, 1, -1)
    ours, theirs = leaf(a), torch.tensor(a, requires_grad=True)
    y, y_t = F.max_pool2d(ours, *args), torch.nn.functional.max_pool2d(theirs, *args)
    np.testing.assert_array_equal(y.data, y_t.detach().numpy())
    g = np.arange(1.0, y.data.size + 1).reshape(y.shape)  # tells the windows apart
    y.backward(g)
    y_t.backward(torch.tensor(g))
    np.testing.assert_array_equal(ours.grad.data, theirs.grad.numpy())


def test_max_pool_gradcheck_and_gradgradcheck_with_dilation():
    rng = np.random.default_rng(4)
    x = leaf(rng.permutation(42).reshape(1, 2, 3, 7) / 7.0)  # distinct values: no ties
    fn = lambda x: F.max_pool2d(x, (2, 2), stride=(1, 2), padding=1, dilation=(2, 3))  # noqa: E731
    assert tg.gradcheck(fn, [x])
    assert tg.gradgradcheck(lambda x: fn(x).tanh(), [x])


# --- errors ---


def test_groups_must_divide_the_channels():
    with pytest.raises(ValueError, match=r"in_channels must be divisible by groups, got "
                                         r"in_channels=3 and groups=2"):
        nn.Conv2d(3, 4, 3, groups=2)
    with pytest.raises(ValueError, match=r"out_channels must be divisible by groups, got "
                                         r"out_channels=5 and groups=2"):
        nn.Conv2d(4, 5, 3, groups=2)
    with pytest.raises(ValueError, match="groups must be an int >= 1, got 0"):
        nn.Conv2d(4, 4, 3, groups=0)
    with pytest.raises(ValueError, match="groups=2 must divide the output channels, got a "
                                         r"weight of shape \(3, 1, 3, 3\)"):
        F.conv2d(tg.zeros(1, 2, 5, 5), tg.zeros(3, 1, 3, 3), groups=2)
    with pytest.raises(ValueError, match="groups must be an int >= 1, got -1"):
        F.conv2d(tg.zeros(1, 2, 5, 5), tg.zeros(2, 1, 3, 3), groups=-1)


def test_weight_channels_must_be_input_channels_over_groups():
    # names both shapes and the expected count
    with pytest.raises(ValueError, match=r"the weight \(shape \(4, 2, 3, 3\)\) expects 4 input "
                                         r"channels \(2 groups x 2 channels each\), got input "
                                         r"of shape \(1, 6, 5, 5\)"):
        F.conv2d(tg.zeros(1, 6, 5, 5), tg.zeros(4, 2, 3, 3), groups=2)
    conv = nn.Conv2d(6, 6, 3, groups=3)
    with pytest.raises(ValueError, match=r"\(6, 2, 3, 3\)\) expects 6 input channels .*"
                                         r"\(2, 4, 5, 5\)"):
        conv(tg.zeros(2, 4, 5, 5))
    with pytest.raises(ValueError, match=r"bias must have shape \(4,\).*got shape \(3,\)"):
        F.conv2d(tg.zeros(1, 2, 5, 5), tg.zeros(4, 2, 3, 3), tg.zeros(3))


@pytest.mark.parametrize("dilation", [0, -1, (1, 0), (2, 2, 2), 1.5])
def test_dilation_must_be_at_least_one(dilation):
    message = f"dilation must be an int >= 1 or a pair of them, got {dilation!r}"
    for make in (lambda: nn.Conv2d(1, 1, 3, dilation=dilation),
                 lambda: nn.MaxPool2d(2, dilation=dilation),
                 lambda: F.conv2d(tg.zeros(1, 1, 5, 5), tg.zeros(1, 1, 3, 3), dilation=dilation),
                 lambda: F.max_pool2d(tg.zeros(1, 1, 5, 5), 2, dilation=dilation)):
        with pytest.raises(ValueError) as info:
            make()
        assert message in str(info.value)


def test_dilated_kernel_larger_than_the_padded_input():
    # kernel 3 dilated by 3 spans 7 pixels; the padded input has 5 + 2 = 7 rows but 6 columns
    with pytest.raises(ValueError, match=r"conv2d: kernel \(3, 3\) with dilation \(3, 3\) "
                                         r"\(spanning \(7, 7\)\) is larger than the padded "
                                         r"input \(7, 6\)"):
        nn.Conv2d(1, 1, 3, padding=1, dilation=3)(tg.zeros(1, 1, 5, 4))
    assert nn.Conv2d(1, 1, 3, padding=1, dilation=3)(tg.zeros(1, 1, 5, 5)).shape == (1, 1, 1, 1)
    with pytest.raises(ValueError, match=r"max_pool2d: kernel \(2, 2\) with dilation \(4, 1\) "
                                         r"\(spanning \(5, 2\)\) is larger than the padded"):
        nn.MaxPool2d(2, dilation=(4, 1))(tg.zeros(1, 1, 4, 4))


def test_bad_string_padding():
    with pytest.raises(ValueError, match="padding='same' needs stride 1"):
        nn.Conv2d(1, 1, 3, stride=2, padding="same")
    with pytest.raises(ValueError, match="padding='same' needs stride 1"):
        F.conv2d(tg.zeros(1, 1, 5, 5), tg.zeros(1, 1, 3, 3), stride=(1, 2), padding="same")
    with pytest.raises(ValueError, match="padding must be 'valid', 'same', .* got 'full'"):
        nn.Conv2d(1, 1, 3, padding="full")
