"""The remaining standard losses: l1_loss, huber_loss, smooth_l1_loss, nll_loss and
binary_cross_entropy (functional forms and modules).

References: PyTorch (forward value, input and target gradients, float64, every
reduction x option, the conventions at the kinks and at p = 0 or 1), NumPy formulas
written here, gradcheck / gradgradcheck (float64) away from the kinks, our
cross_entropy (nll_loss of log_softmax); and the error messages by content.
"""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tinygrad_edu as tg
import tinygrad_edu.nn.functional as F
from tinygrad_edu import nn
from strategies import reals
from test_loss_options import (  # noqa: F401
    F64, REDUCTIONS, TOL, get_torch, leaf, torch_class_loss, upstream)


def reduce_np(loss, reduction):
    return {"mean": loss.mean(), "sum": loss.sum(), "none": loss}[reduction]


# --- regression: L1, Huber, smooth L1 ---

# l1, huber (option delta), smooth_l1 (option beta) and smooth_l1 with beta = 0 (= l1)
REGRESSION = ["l1", "huber", "smooth_l1", "smooth_l1_beta0"]


def ours_call(name, option):
    """Our module class, functional form and keyword arguments for the named loss."""
    if name == "l1":
        return nn.L1Loss, F.l1_loss, {}
    if name == "huber":
        return nn.HuberLoss, F.huber_loss, {"delta": option}
    beta = 0.0 if name == "smooth_l1_beta0" else option
    return nn.SmoothL1Loss, F.smooth_l1_loss, {"beta": beta}


def torch_call(name):
    """PyTorch's module class and functional form for the named loss."""
    torch = get_torch()
    cls = {"l1": "L1Loss", "huber": "HuberLoss"}.get(name, "SmoothL1Loss")
    fn = {"l1": "l1_loss", "huber": "huber_loss"}.get(name, "smooth_l1_loss")
    return getattr(torch.nn, cls), getattr(torch.nn.functional, fn)


def regression_np(name, d, option):
    """The loss of the error d = input - target, written from PyTorch's definitions."""
    a = np.abs(d)
    if name in ("l1", "smooth_l1_beta0"):
        return a
    if name == "huber":
        return np.where(a < option, 0.5 * d ** 2, option * (a - 0.5 * option))
    return np.where(a < option, 0.5 * d ** 2 / option, a - 0.5 * option)


def ratios(kinked):
    """|d| / option kept 0.1 away from the kink at 1 (Huber / smooth L1), |d| away from 0 (L1)."""
    if kinked:
        magnitude = st.one_of(reals(0.0, 0.9), reals(1.1, 3.0))
    else:
        magnitude = reals(0.1, 3.0)
    return st.tuples(st.sampled_from([-1.0, 1.0]), magnitude).map(lambda sm: sm[0] * sm[1])


@st.composite
def regression_cases(draw, name):
    """A shape (0-d to 3-D), the target, the option (delta / beta) and x = target + d with
    d away from the kinks (by 0.1 relative to the option, far more than gradcheck's step)."""
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=3, max_side=4))
    z = draw(hnp.arrays(F64, shape, elements=reals(-3.0, 3.0)))
    option = draw(reals(0.3, 2.0))
    if name in ("l1", "smooth_l1_beta0"):
        d = draw(hnp.arrays(F64, shape, elements=ratios(False)))
    else:
        d = option * draw(hnp.arrays(F64, shape, elements=ratios(True)))
    return z + d, z, option


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name", REGRESSION)
@given(data=st.data())
def test_regression_losses_match_torch_and_the_numpy_formula(name, reduction, data):
    torch = get_torch()
    x, z, option = data.draw(regression_cases(name))
    _, ours, kwargs = ours_call(name, option)
    _, theirs = torch_call(name)
    xt, zt = leaf(x), leaf(z)
    y = ours(xt, zt, reduction=reduction, **kwargs)
    g = upstream(y.shape)
    y.backward(g)
    xs, zs = torch.tensor(x, requires_grad=True), torch.tensor(z, requires_grad=True)
    ys = theirs(xs, zs, reduction=reduction, **kwargs)
    ys.backward(torch.tensor(g))
    np.testing.assert_allclose(y.data, ys.detach().numpy(), **TOL)
    np.testing.assert_allclose(xt.grad.data, xs.grad.numpy(), **TOL)
    np.testing.assert_allclose(zt.grad.data, zs.grad.numpy(), **TOL)
    np.testing.assert_allclose(y.data, reduce_np(regression_np(name, x - z, option), reduction),
                               **TOL)


@pytest.mark.parametrize("name", REGRESSION)
@settings(max_examples=10)
@given(data=st.data(), reduction=st.sampled_from(REDUCTIONS))
def test_regression_losses_gradcheck_and_gradgradcheck(name, reduction, data):
    x, z, option = data.draw(regression_cases(name))
    _, ours, kwargs = ours_call(name, option)

    def fn(x, z):
        return ours(x, z, reduction=reduction, **kwargs)

    assert tg.gradcheck(fn, [leaf(x), leaf(z)])
    assert tg.gradgradcheck(fn, [leaf(x), leaf(z)])


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name, option", [("l1", None), ("huber", 1.0), ("huber", 0.5),
                                          ("smooth_l1", 1.0), ("smooth_l1", 0.25),
                                          ("smooth_l1_beta0", None)])
def test_regression_kink_conventions_match_torch(name, option, reduction):
    """d exactly 0 and +-option (the kinks): the value, both gradients and the second
    derivatives as PyTorch (through f = sum(loss**2), whose Hessian 2 loss'**2 + 2 loss
    loss'' shows loss'' at the kink: 0 at |d| = delta for Huber, 0 at d = 0 for L1)."""
    torch = get_torch()
    k = 1.0 if option is None else option
    z = np.array([0.5, -1.0, 2.0, 0.0, 1.5, -0.25])
    x = z + np.array([0.0, k, -k, 0.3 * k, 2.5 * k, -1.7 * k])
    assert np.array_equal(np.abs(x - z)[:3], [0.0, k, k])  # exact: k and z are dyadic
    _, ours, kwargs = ours_call(name, option)
    _, theirs = torch_call(name)
    v, w = upstream(x.shape, seed=2), upstream(x.shape, seed=3)
    xt, zt = leaf(x), leaf(z)
    y = ours(xt, zt, reduction=reduction, **kwargs)
    gx, gz = tg.grad((y * y).sum(), [xt, zt], create_graph=True)
    ((gx * v).sum() + (gz * w).sum()).backward()
    xs, zs = torch.tensor(x, requires_grad=True), torch.tensor(z, requires_grad=True)
    ys = theirs(xs, zs, reduction=reduction, **kwargs)
    gxs, gzs = torch.autograd.grad((ys * ys).sum(), [xs, zs], create_graph=True)
    ((gxs * torch.tensor(v)).sum() + (gzs * torch.tensor(w)).sum()).backward()
    np.testing.assert_allclose(y.data, ys.detach().numpy(), **TOL)
    np.testing.assert_allclose(gx.data, gxs.detach().numpy(), **TOL)
    np.testing.assert_allclose(gz.data, gzs.detach().numpy(), **TOL)
    np.testing.assert_allclose(xt.grad.data, xs.grad.numpy(), **TOL)
    np.testing.assert_allclose(zt.grad.data, zs.grad.numpy(), **TOL)
    # and the first-order gradient of the loss itself (the fast path)
    xt = leaf(x)
    ours(xt, z, reduction="sum", **kwargs).backward()
    xs = torch.tensor(x, requires_grad=True)
    theirs(xs, torch.tensor(z), reduction="sum", **kwargs).backward()
    np.testing.assert_array_equal(xt.grad.data, xs.grad.numpy())


def test_l1_gradient_is_the_sign_with_zero_at_zero():
    x, z = leaf([1.0, 2.0, -3.0, 0.5]), np.array([1.0, 1.0, 1.0, 0.5])
    F.l1_loss(x, z, reduction="sum").backward()
    np.testing.assert_array_equal(x.grad.data, [0.0, 1.0, -1.0, 0.0])


@given(data=st.data(), scale=reals(0.3, 3.0), reduction=st.sampled_from(REDUCTIONS))
def test_smooth_l1_is_huber_over_beta(data, scale, reduction):
    x, z, beta = data.draw(regression_cases("huber"))
    np.testing.assert_allclose(F.smooth_l1_loss(leaf(x), z, reduction=reduction, beta=beta).data,
                               F.huber_loss(leaf(x), z, reduction=reduction, delta=beta).data
                               / beta, rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("make", [
    lambda x, z: F.l1_loss(x, z), lambda x, z: F.huber_loss(x, z, delta=0.5),
    lambda x, z: F.smooth_l1_loss(x, z, beta=0.5), lambda x, z: F.smooth_l1_loss(x, z, beta=0)])
def test_regression_losses_keep_float32(make):
    x = tg.Tensor(np.linspace(-2, 2, 6, dtype=np.float32).reshape(2, 3), requires_grad=True)
    z = np.full((2, 3), 0.1)  # float64, cast to the input's dtype
    y = make(x, z)
    y.backward()
    assert y.dtype == np.float32 and x.grad.dtype == np.float32
    assert y.item() == pytest.approx(make(leaf(x.data), z).item(), rel=1e-6)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_regression_modules_match_torch(reduction):
    torch = get_torch()
    rng = np.random.default_rng(3)
    x, z = rng.standard_normal((4, 3)) * 2, rng.standard_normal((4, 3))
    for name, option in (("l1", None), ("huber", 0.7), ("smooth_l1", 0.6), ("smooth_l1_beta0", 0)):
        ours_cls, _, kwargs = ours_call(name, option)
        theirs_cls, _ = torch_call(name)
        ours, theirs = ours_cls(reduction=reduction, **kwargs), theirs_cls(reduction=reduction,
                                                                           **kwargs)
        xt, xs = leaf(x), torch.tensor(x, requires_grad=True)
        y, ys = ours(xt, z), theirs(xs, torch.tensor(z))
        g = upstream(y.shape)
        y.backward(g)
        ys.backward(torch.tensor(g))
        np.testing.assert_allclose(y.data, ys.detach().numpy(), **TOL)
        np.testing.assert_allclose(xt.grad.data, xs.grad.numpy(), **TOL)
        assert ours.state_dict() == {} and list(ours.parameters()) == []


def test_regression_module_reprs():
    torch = get_torch()
    for ours, theirs in ((nn.L1Loss(), torch.nn.L1Loss()), (nn.HuberLoss(), torch.nn.HuberLoss()),
                         (nn.SmoothL1Loss(), torch.nn.SmoothL1Loss())):
        assert repr(ours) == repr(theirs)  # L1Loss(), HuberLoss(), SmoothL1Loss()
    assert repr(nn.L1Loss(reduction="sum")) == "L1Loss(reduction='sum')"
    assert repr(nn.HuberLoss(delta=2)) == "HuberLoss(delta=2.0)"
    assert repr(nn.SmoothL1Loss(reduction="none", beta=0.5)) == \
        "SmoothL1Loss(reduction='none', beta=0.5)"
    assert nn.HuberLoss(delta=np.float32(0.5)).delta == 0.5


def test_regression_errors():
    x = leaf(np.zeros((3, 1)))
    for fn in (F.l1_loss, F.huber_loss, F.smooth_l1_loss):
        with pytest.raises(ValueError, match=rf"{fn.__name__}: target shape \(3,\) differs from "
                                             r"input shape \(3, 1\)"):
            fn(x, np.zeros(3))
        with pytest.raises(ValueError, match=r"reduction must be 'mean', 'sum' or 'none', "
                                             r"got 'avg'"):
            fn(x, np.zeros((3, 1)), reduction="avg")
        with pytest.raises(TypeError, match="positional argument"):
            fn(x, np.zeros((3, 1)), "sum")
    with pytest.raises(ValueError, match=r"huber_loss: delta must be > 0, got 0"):
        F.huber_loss(x, x, delta=0)
    with pytest.raises(ValueError, match=r"delta must be > 0, got -1.0"):
        nn.HuberLoss(delta=-1.0)
    with pytest.raises(ValueError, match=r"delta must be a finite number > 0, got inf"):
        F.huber_loss(x, x, delta=float("inf"))
    with pytest.raises(ValueError, match=r"smooth_l1_loss: beta must be >= 0, got -0.5"):
        F.smooth_l1_loss(x, x, beta=-0.5)
    with pytest.raises(ValueError, match=r"SmoothL1Loss: beta must be a finite number >= 0, "
                                         r"got nan"):
        nn.SmoothL1Loss(beta=float("nan"))
    with pytest.raises(TypeError, match=r"huber_loss: delta must be a number > 0, got '1'"):
        F.huber_loss(x, x, delta="1")
    with pytest.raises(TypeError, match=r"beta must be a number >= 0, got True"):
        nn.SmoothL1Loss(beta=True)
    with pytest.raises(TypeError, match="positional argument"):
        nn.HuberLoss("sum")


# --- negative log-likelihood ---


@st.composite
def nll_cases(draw, use_weight, use_ignore):
    """Log-probabilities (N, C), labels (some set to the ignored value) and the options."""
    n, c = draw(st.integers(1, 5)), draw(st.integers(1, 5))
    logits = draw(hnp.arrays(F64, (n, c), elements=reals(-4.0, 4.0)))
    x = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    labels = draw(hnp.arrays(np.int64, n, elements=st.integers(0, c - 1)))
    kwargs = {}
    if use_ignore:
        ignore = draw(st.sampled_from([-100, -1, *range(c)]))
        labels = np.where(draw(hnp.arrays(np.bool_, n)), ignore, labels)
        kwargs["ignore_index"] = ignore
    if use_weight:
        kwargs["weight"] = draw(hnp.arrays(F64, c, elements=reals(0.1, 3.0)))
    return x, labels, kwargs


NLL_OPTIONS = {"none": (False, False), "weight": (True, False), "ignore_index": (False, True),
               "both": (True, True)}


def nll_np(x, labels, reduction, weight=None, ignore_index=-100):
    """PyTorch's documented formula, one row at a time."""
    w = np.ones(x.shape[1]) if weight is None else weight
    losses, total = np.zeros(len(labels)), 0.0
    for i, label in enumerate(labels):
        if label != ignore_index:
            losses[i] = -w[label] * x[i, label]
            total += w[label]
    if reduction != "mean":
        return reduce_np(losses, reduction)
    with np.errstate(invalid="ignore"):
        return np.float64(losses.sum()) / total


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("option", list(NLL_OPTIONS))
@given(data=st.data())
def test_nll_loss_matches_torch_and_the_numpy_formula(reduction, option, data):
    x, labels, kwargs = data.draw(nll_cases(*NLL_OPTIONS[option]))
    xt = leaf(x)
    # every label ignored: nan without a warning (underflow is harmless)
    with np.errstate(divide="raise", over="raise", invalid="raise"):
        y = F.nll_loss(xt, labels, reduction=reduction, **kwargs)
        g = upstream(y.shape)
        y.backward(g)
    value, grad = torch_class_loss("nll_loss", x, labels, reduction, g, kwargs)
    np.testing.assert_allclose(y.data, value, **TOL)  # nan == nan
    np.testing.assert_allclose(xt.grad.data, grad, **TOL)
    np.testing.assert_allclose(y.data, nll_np(x, labels, reduction, **kwargs), **TOL)


@pytest.mark.parametrize("option", list(NLL_OPTIONS))
@settings(max_examples=8)
@given(data=st.data(), reduction=st.sampled_from(REDUCTIONS))
def test_nll_loss_gradcheck_and_gradgradcheck(option, reduction, data):
    x, labels, kwargs = data.draw(nll_cases(*NLL_OPTIONS[option]))

    def fn(x):
        return F.nll_loss(x, labels, reduction=reduction, **kwargs)

    if reduction == "mean" and (labels == kwargs.get("ignore_index", -100)).all():
        return  # nan: nothing to differentiate (the torch test covers the all-ignored case)
    assert tg.gradcheck(fn, [leaf(x)])
    assert tg.gradgradcheck(fn, [leaf(x)])


@pytest.mark.parametrize("reduction", REDUCTIONS)
@given(case=nll_cases(True, True))
def test_nll_loss_of_log_softmax_is_cross_entropy(reduction, case):
    x, labels, kwargs = case
    xa, xb = leaf(x), leaf(x)
    ya = F.nll_loss(F.log_softmax(xa, axis=1), labels, reduction=reduction, **kwargs)
    yb = F.cross_entropy(xb, labels, reduction=reduction, **kwargs)
    g = upstream(ya.shape)
    ya.backward(g)
    yb.backward(g)
    np.testing.assert_allclose(ya.data, yb.data, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(xa.grad.data, xb.grad.data, rtol=1e-10, atol=1e-14)


def test_nll_loss_hessian_vector_product_through_log_softmax_matches_torch():
    torch = get_torch()
    rng = np.random.default_rng(4)
    x, v = rng.standard_normal((5, 4)), rng.standard_normal((5, 4))
    labels, weight = np.array([0, 3, -1, 1, 3]), rng.random(4) + 0.5
    xt = leaf(x)
    (g,) = tg.grad(F.nll_loss(F.log_softmax(xt, axis=1), labels, weight, ignore_index=-1),
                   [xt], create_graph=True)
    (g * v).sum().backward()
    xs = torch.tensor(x, requires_grad=True)
    (gs,) = torch.autograd.grad(torch.nn.functional.nll_loss(
        torch.log_softmax(xs, 1), torch.tensor(labels), torch.tensor(weight), ignore_index=-1),
        xs, create_graph=True)
    (gs * torch.tensor(v)).sum().backward()
    np.testing.assert_allclose(g.data, gs.detach().numpy(), **TOL)
    np.testing.assert_allclose(xt.grad.data, xs.grad.numpy(), **TOL)


def test_nll_loss_ignored_row_with_minus_inf_gets_zero():
    x = leaf([[-np.inf, 0.0], [np.log(0.25), np.log(0.75)]])
    y = F.nll_loss(x, np.array([0, 1]), ignore_index=0, reduction="none")
    y.sum().backward()
    np.testing.assert_array_equal(y.data, [0.0, -np.log(0.75)])
    np.testing.assert_array_equal(x.grad.data, [[0.0, 0.0], [0.0, -1.0]])


def test_nll_loss_keeps_float32():
    x = tg.Tensor(np.log(np.full((3, 4), 0.25, np.float32)), requires_grad=True)
    for kwargs in ({}, {"weight": np.array([1.0, 2.0, 3.0, 4.0]), "ignore_index": 2}):
        x.grad = None
        y = F.nll_loss(x, np.array([0, 2, 3]), **kwargs)
        y.backward()
        assert y.dtype == np.float32 and x.grad.dtype == np.float32
        assert y.item() == pytest.approx(np.log(4.0), rel=1e-6)  # uniform: -log(1/4)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_nll_loss_module_matches_torch(reduction):
    torch = get_torch()
    rng = np.random.default_rng(5)
    x, labels, weight = np.log(rng.random((6, 3))), np.array([0, 2, 1, 0, 2, 2]), rng.random(3)
    ours = nn.NLLLoss(weight, ignore_index=0, reduction=reduction)
    theirs = torch.nn.NLLLoss(torch.tensor(weight), ignore_index=0, reduction=reduction)
    xt, xs = leaf(x), torch.tensor(x, requires_grad=True)
    y, ys = ours(xt, labels), theirs(xs, torch.tensor(labels))
    g = upstream(y.shape)
    y.backward(g)
    ys.backward(torch.tensor(g))
    np.testing.assert_allclose(y.data, ys.detach().numpy(), **TOL)
    np.testing.assert_allclose(xt.grad.data, xs.grad.numpy(), **TOL)
    assert list(ours.state_dict()) == list(theirs.state_dict()) == ["weight"]
    assert list(nn.NLLLoss().state_dict()) == []
    assert repr(nn.NLLLoss()) == repr(torch.nn.NLLLoss()) == "NLLLoss()"
    assert repr(ours) == f"NLLLoss(reduction={reduction!r}, ignore_index=0)".replace(
        "reduction='mean', ", "")


def test_nll_loss_errors():
    x = leaf(np.log(np.full((2, 3), 1 / 3)))
    labels = np.array([0, 2])
    with pytest.raises(ValueError, match=r"nll_loss expects log-probabilities of shape \(N, C\), "
                                         r"got shape \(3,\)"):
        F.nll_loss(leaf(np.zeros(3)), np.array([0]))
    with pytest.raises(TypeError, match=r"nll_loss expects integer class labels, got dtype "
                                        r"float64"):
        F.nll_loss(x, np.array([0.0, 2.0]))
    with pytest.raises(ValueError, match=r"nll_loss: labels must have shape \(2,\) for "
                                         r"log-probabilities of shape \(2, 3\), "
                                         r"got shape \(2, 1\)"):
        F.nll_loss(x, labels[:, None])
    with pytest.raises(ValueError, match=r"nll_loss: label 3 is out of range for 3 classes "
                                         r"\(labels must be in \[0, 2\]\)"):
        F.nll_loss(x, np.array([0, 3]))
    with pytest.raises(ValueError, match=r"label -100 is out of range for 3 classes \(labels "
                                         r"must be in \[0, 2\] or equal ignore_index=-1\)"):
        F.nll_loss(x, np.array([-100, 1]), ignore_index=-1)
    with pytest.raises(ValueError, match=r"nll_loss: weight must have shape \(3,\), one value "
                                         r"per class of the input of shape \(2, 3\), got shape "
                                         r"\(2,\)"):
        F.nll_loss(x, labels, np.ones(2))
    with pytest.raises(ValueError, match=r"nll_loss: weight must be a floating point array"):
        F.nll_loss(x, labels, np.ones(3, dtype=np.int64))
    with pytest.raises(ValueError, match=r"nll_loss: weight must not require grad"):
        F.nll_loss(x, labels, leaf(np.ones(3)))
    with pytest.raises(TypeError, match=r"nll_loss: ignore_index must be an int, got 0.5"):
        F.nll_loss(x, labels, ignore_index=0.5)
    with pytest.raises(TypeError, match=r"ignore_index must be an int, got '1'"):
        nn.NLLLoss(ignore_index="1")
    with pytest.raises(TypeError, match="weight must be an array, got 'sum'; pass "
                                        "reduction='sum' by keyword"):
        nn.NLLLoss("sum")
    with pytest.raises(TypeError, match="positional argument"):
        F.nll_loss(x, labels, None, -100)


def test_nll_loss_takes_the_weight_by_position():
    torch = get_torch()
    x, labels, w = np.log(np.array([[0.2, 0.8], [0.6, 0.4]])), np.array([1, 0]), np.array([1., 3.])
    expected = torch.nn.NLLLoss(torch.tensor(w))(torch.tensor(x), torch.tensor(labels)).item()
    for loss in (nn.NLLLoss(w)(leaf(x), labels), F.nll_loss(leaf(x), labels, w)):
        assert loss.item() == pytest.approx(expected, rel=1e-12)


# --- binary cross-entropy on probabilities ---


@st.composite
def broadcasts_to(draw, shape):
    """A shape that broadcasts to ``shape``: some trailing axes, each of its side or 1."""
    ndim = draw(st.integers(0, len(shape)))
    return tuple(draw(st.sampled_from([1, side])) for side in shape[len(shape) - ndim:])


@st.composite
def bce_cases(draw, use_weight, z_margin=0.0):
    """Probabilities away from 0 and 1, targets in [z_margin, 1 - z_margin] (gradcheck
    moves them by 1e-6: they must stay in [0, 1]) and maybe a broadcast weight."""
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=3, max_side=4))
    p = draw(hnp.arrays(F64, shape, elements=reals(0.05, 0.95)))
    z = draw(hnp.arrays(F64, shape, elements=reals(z_margin, 1.0 - z_margin)))
    weight = None
    if use_weight:
        weight = draw(hnp.arrays(F64, draw(broadcasts_to(shape)), elements=reals(0.0, 3.0)))
    return p, z, weight


def bce_np(p, z, reduction, weight=None):
    loss = -(z * np.maximum(np.log(p), -100) + (1 - z) * np.maximum(np.log(1 - p), -100))
    return reduce_np(loss * (1.0 if weight is None else weight), reduction)


def torch_bce(p, z, weight, reduction, g):
    """PyTorch's loss and its gradients for p and z."""
    torch = get_torch()
    ps, zs = torch.tensor(p, requires_grad=True), torch.tensor(z, requires_grad=True)
    ys = torch.nn.functional.binary_cross_entropy(
        ps, zs, None if weight is None else torch.tensor(weight), reduction=reduction)
    ys.backward(torch.tensor(g))
    return ys.detach().numpy(), ps.grad.numpy(), zs.grad.numpy()


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("use_weight", [False, True])
@given(data=st.data())
def test_bce_matches_torch_and_the_numpy_formula(reduction, use_weight, data):
    p, z, weight = data.draw(bce_cases(use_weight))
    pt, zt = leaf(p), leaf(z)
    y = F.binary_cross_entropy(pt, zt, weight, reduction=reduction)
    g = upstream(y.shape)
    y.backward(g)
    value, gp, gz = torch_bce(p, z, weight, reduction, g)
    np.testing.assert_allclose(y.data, value, **TOL)
    np.testing.assert_allclose(pt.grad.data, gp, **TOL)
    np.testing.assert_allclose(zt.grad.data, gz, rtol=1e-10, atol=1e-11)  # -logit(p)
    np.testing.assert_allclose(y.data, bce_np(p, z, reduction, weight), **TOL)


@pytest.mark.parametrize("use_weight", [False, True])
@settings(max_examples=10)
@given(data=st.data(), reduction=st.sampled_from(REDUCTIONS))
def test_bce_gradcheck_and_gradgradcheck(use_weight, reduction, data):
    p, z, weight = data.draw(bce_cases(use_weight, z_margin=0.01))

    def fn(p, z):
        return F.binary_cross_entropy(p, z, weight, reduction=reduction)

    assert tg.gradcheck(fn, [leaf(p), leaf(z)])
    assert tg.gradgradcheck(fn, [leaf(p), leaf(z)])


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_bce_at_p_zero_and_one_matches_torch(reduction, dtype):
    """log clamped at -100 (finite loss), the p gradient floored at 1e-12, the z gradient
    +-inf, as PyTorch; and no NumPy warning escapes."""
    torch = get_torch()
    p = np.array([0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.3], dtype)
    z = np.array([1.0, 0.0, 0.0, 1.0, 0.5, 0.25, 0.6], dtype)
    pt, zt = tg.Tensor(p, requires_grad=True), tg.Tensor(z, requires_grad=True)
    with np.errstate(divide="raise", over="raise", invalid="raise"):
        y = F.binary_cross_entropy(pt, zt, reduction=reduction)
        g = np.ones(y.shape, dtype)
        y.backward(g)
    ps, zs = torch.tensor(p, requires_grad=True), torch.tensor(z, requires_grad=True)
    ys = torch.nn.functional.binary_cross_entropy(ps, zs, reduction=reduction)
    ys.backward(torch.tensor(g))
    rtol = 1e-12 if dtype == np.float64 else 1e-6
    assert y.dtype == pt.grad.dtype == zt.grad.dtype == dtype
    assert np.all(np.isfinite(y.data)) and np.all(np.isfinite(pt.grad.data))
    np.testing.assert_allclose(y.data, ys.detach().numpy(), rtol=rtol)
    np.testing.assert_allclose(pt.grad.data, ps.grad.numpy(), rtol=rtol)
    np.testing.assert_allclose(zt.grad.data, zs.grad.numpy(), rtol=rtol)  # inf == inf
    if reduction == "none":  # closed forms: 100 from a clamped log, 0 where z = p
        np.testing.assert_allclose(y.data[:4], [100.0, 100.0, 0.0, 0.0], rtol=rtol)
        assert list(np.sign(zt.grad.data[:4])) == [1.0, -1.0, 1.0, -1.0]


def test_bce_hessian_vector_product_matches_torch():
    torch = get_torch()
    rng = np.random.default_rng(6)
    p, z, w = rng.uniform(0.1, 0.9, (3, 4)), rng.random((3, 4)), rng.random(4) + 0.5
    v = rng.standard_normal((2, 3, 4))
    pt, zt = leaf(p), leaf(z)
    gp, gz = tg.grad(F.binary_cross_entropy(pt, zt, w), [pt, zt], create_graph=True)
    ((gp * v[0]).sum() + (gz * v[1]).sum()).backward()
    ps, zs = torch.tensor(p, requires_grad=True), torch.tensor(z, requires_grad=True)
    ys = torch.nn.functional.binary_cross_entropy(ps, zs, torch.tensor(w))
    gps, gzs = torch.autograd.grad(ys, [ps, zs], create_graph=True)
    ((gps * torch.tensor(v[0])).sum() + (gzs * torch.tensor(v[1])).sum()).backward()
    np.testing.assert_allclose(gp.data, gps.detach().numpy(), **TOL)
    np.testing.assert_allclose(gz.data, gzs.detach().numpy(), **TOL)
    # PyTorch's double backward adds 1e-12 to p and 1 - p: agreement to ~1e-10
    np.testing.assert_allclose(pt.grad.data, ps.grad.numpy(), rtol=1e-9)
    np.testing.assert_allclose(zt.grad.data, zs.grad.numpy(), rtol=1e-9)


def test_bce_keeps_float32():
    p = tg.Tensor(np.linspace(0.1, 0.9, 6, dtype=np.float32).reshape(2, 3), requires_grad=True)
    z, w = np.full((2, 3), 0.25), np.array([1.0, 2.0, 0.5])  # float64, cast to float32
    y = F.binary_cross_entropy(p, z, w)
    y.backward()
    assert y.dtype == np.float32 and p.grad.dtype == np.float32
    assert y.item() == pytest.approx(bce_np(p.data.astype(F64), z, "mean", w), rel=1e-6)


def test_bce_module_matches_torch():
    torch = get_torch()
    rng = np.random.default_rng(7)
    p, z, w = rng.uniform(0.05, 0.95, (4, 3)), rng.random((4, 3)), rng.random((4, 1))
    for reduction in REDUCTIONS:
        ours = nn.BCELoss(w, reduction=reduction)
        theirs = torch.nn.BCELoss(torch.tensor(w), reduction=reduction)
        pt, ps = leaf(p), torch.tensor(p, requires_grad=True)
        y, ys = ours(pt, z), theirs(ps, torch.tensor(z))
        g = upstream(y.shape)
        y.backward(g)
        ys.backward(torch.tensor(g))
        np.testing.assert_allclose(y.data, ys.detach().numpy(), **TOL)
        np.testing.assert_allclose(pt.grad.data, ps.grad.numpy(), **TOL)
        assert list(ours.state_dict()) == list(theirs.state_dict()) == ["weight"]
    assert repr(nn.BCELoss()) == repr(torch.nn.BCELoss()) == "BCELoss()"
    assert repr(nn.BCELoss(reduction="sum")) == "BCELoss(reduction='sum')"
    assert list(nn.BCELoss().state_dict()) == []


def test_bce_errors():
    p, z = leaf(np.full((2, 2), 0.5)), np.full((2, 2), 0.5)
    fn = F.binary_cross_entropy
    with pytest.raises(ValueError, match=r"binary_cross_entropy: every input value must be in "
                                         r"\[0, 1\] \(probabilities; for logits use "
                                         r"binary_cross_entropy_with_logits\), got -0.5"):
        fn(leaf([[0.1, -0.5], [0.2, 0.3]]), z)
    with pytest.raises(ValueError, match=r"every input value must be in \[0, 1\].*got 1.25"):
        fn(tg.Tensor(np.array([1.25, 0.5], np.float32)), np.zeros(2))
    with pytest.raises(ValueError, match=r"every input value must be in \[0, 1\].*got nan"):
        fn(leaf([np.nan, 0.5]), np.zeros(2))
    with pytest.raises(ValueError, match=r"binary_cross_entropy: every target value must be in "
                                         r"\[0, 1\], got 2.0"):
        fn(p, np.array([[0.0, 1.0], [2.0, 0.5]]))
    with pytest.raises(ValueError, match=r"every target value must be in \[0, 1\], got -1.0"):
        fn(p, leaf([[0.0, 1.0], [-1.0, 0.5]]))
    with pytest.raises(ValueError, match=r"binary_cross_entropy: target shape \(4,\) differs "
                                         r"from input shape \(2, 2\)"):
        fn(p, np.zeros(4))
    with pytest.raises(ValueError, match=r"binary_cross_entropy: weight of shape \(3,\) does not "
                                         r"broadcast to the input shape \(2, 2\)"):
        fn(p, z, np.ones(3))
    with pytest.raises(ValueError, match=r"binary_cross_entropy: weight must not require grad"):
        fn(p, z, leaf(np.ones(2)))
    with pytest.raises(TypeError, match="weight must be an array, got 'sum'; pass "
                                        "reduction='sum' by keyword"):
        fn(p, z, "sum")
    with pytest.raises(TypeError, match="positional argument"):
        nn.BCELoss(None, "sum")
    assert fn(leaf(np.zeros((0, 3))), np.zeros((0, 3)), reduction="sum").item() == 0.0


# --- empty batches and infinite differences (found by a bug hunt against torch) ---

EMPTY_BATCH_LOSSES = {
    "mse": (lambda x, t: F.mse_loss(x, t), "mse_loss", "float"),
    "l1": (lambda x, t: F.l1_loss(x, t), "l1_loss", "float"),
    "huber": (lambda x, t: F.huber_loss(x, t), "huber_loss", "float"),
    "smooth_l1": (lambda x, t: F.smooth_l1_loss(x, t), "smooth_l1_loss", "float"),
    "bce_logits": (lambda x, t: F.binary_cross_entropy_with_logits(x, t),
                   "binary_cross_entropy_with_logits", "float"),
    "bce": (lambda x, t: F.binary_cross_entropy(x, t), "binary_cross_entropy", "float"),
    "cross_entropy": (lambda x, t: F.cross_entropy(x, t), "cross_entropy", "label"),
    "nll": (lambda x, t: F.nll_loss(x, t), "nll_loss", "label"),
}


@pytest.mark.parametrize("name", sorted(EMPTY_BATCH_LOSSES))
def test_mean_over_an_empty_batch_is_nan_with_an_empty_gradient_as_torch(name):
    torch = get_torch()
    ours, theirs, target_kind = EMPTY_BATCH_LOSSES[name]
    x = np.zeros((0, 3))
    t = np.zeros(0, np.int64) if target_kind == "label" else np.zeros((0, 3))
    xt = leaf(x)
    # and no NumPy warning on the way
    with np.errstate(divide="raise", over="raise", invalid="raise"):
        y = ours(xt, t)
        y.backward()
    x_t = torch.tensor(x, requires_grad=True)
    y_t = getattr(torch.nn.functional, theirs)(x_t, torch.tensor(t))
    y_t.backward()
    assert np.isnan(y.item()) and np.isnan(y_t.item())
    assert xt.grad.shape == tuple(x_t.grad.shape) == (0, 3)


@pytest.mark.parametrize("loss, kwargs", [(F.huber_loss, {}), (F.huber_loss, {"delta": 2.0}),
                                          (F.smooth_l1_loss, {"beta": 0.5})])
def test_huber_gradient_at_an_infinite_difference_in_both_orders(loss, kwargs):
    torch = get_torch()
    a = np.array([np.inf, -np.inf, 3.0])
    x, x_t = leaf(a), torch.tensor(a, requires_grad=True)
    (g_t,) = torch.autograd.grad(getattr(torch.nn.functional, loss.__name__)(
        x_t, torch.zeros(3, dtype=torch.float64), reduction="sum", **kwargs), x_t)
    for create_graph in (False, True):
        (g,) = tg.grad(loss(x, np.zeros(3), reduction="sum", **kwargs), x,
                       create_graph=create_graph)
        np.testing.assert_array_equal(g.data, g_t.numpy())
