"""PyTorch's loss and embedding options: cross_entropy's weight / ignore_index /
label_smoothing, binary_cross_entropy_with_logits' pos_weight / weight, Embedding's
padding_idx.

References: PyTorch (forward value and input gradients, float64, every reduction x
option), NumPy formulas written here, gradcheck / gradgradcheck (float64), closed forms
at extreme logits; and the error messages by content.
"""
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tinygrad_edu as tg
import tinygrad_edu.nn.functional as F
from tinygrad_edu import nn, optim
from strategies import reals

F64 = np.float64
REDUCTIONS = ["mean", "sum", "none"]
TOL = dict(rtol=1e-10, atol=1e-12)  # atol: entries that cancel to ~0 (softmax - target)


def get_torch():
    return pytest.importorskip("torch", reason="PyTorch not installed: oracle tests skipped")


def leaf(a):
    return tg.Tensor(np.asarray(a, F64), requires_grad=True)


def upstream(shape, seed=1):
    """A random dL/dy, so the whole gradient (not only its sum) is compared."""
    return np.random.default_rng(seed).standard_normal(shape)


# --- cross-entropy ---

CE_OPTIONS = {
    "weight": ("weight",),
    "ignore_index": ("ignore_index",),
    "label_smoothing": ("label_smoothing",),
    "all": ("weight", "ignore_index", "label_smoothing"),
}


@st.composite
def ce_cases(draw, options):
    """Logits (N, C), labels (some set to the ignored value) and the option keywords."""
    n, c = draw(st.integers(1, 5)), draw(st.integers(1, 5))
    x = draw(hnp.arrays(F64, (n, c), elements=reals(-5.0, 5.0)))
    labels = draw(hnp.arrays(np.int64, n, elements=st.integers(0, c - 1)))
    kwargs = {}
    if "ignore_index" in options:
        ignore = draw(st.sampled_from([-100, -1, *range(c)]))
        labels = np.where(draw(hnp.arrays(np.bool_, n)), ignore, labels)
        kwargs["ignore_index"] = ignore
    if "weight" in options:
        kwargs["weight"] = draw(hnp.arrays(F64, c, elements=reals(0.1, 3.0)))
    if "label_smoothing" in options:
        kwargs["label_smoothing"] = draw(st.one_of(st.just(1.0), reals(0.01, 0.99)))
    return x, labels, kwargs


def cross_entropy_np(x, labels, reduction, weight=None, ignore_index=-100, label_smoothing=0.0):
    """PyTorch's documented formula, one row at a time."""
    n, c = x.shape
    w = np.ones(c) if weight is None else weight
    e = label_smoothing
    losses, total_weight = np.zeros(n), 0.0
    for i in range(n):
        if labels[i] == ignore_index:
            continue
        log_p = x[i] - x[i].max() - np.log(np.exp(x[i] - x[i].max()).sum())
        losses[i] = -(1 - e) * w[labels[i]] * log_p[labels[i]] - e / c * (w * log_p).sum()
        total_weight += w[labels[i]]
    if reduction == "none":
        return losses
    if reduction == "sum":
        return losses.sum()
    with np.errstate(invalid="ignore"):
        return np.float64(losses.sum()) / total_weight


def torch_class_loss(name, x, labels, reduction, g, kwargs):
    """PyTorch's ``F.<name>`` (a loss on class labels) and dL/dx for the upstream gradient g."""
    torch = get_torch()
    xt = torch.tensor(x, requires_grad=True)
    opts = dict(kwargs)
    if opts.get("weight") is not None:
        opts["weight"] = torch.tensor(opts["weight"])
    y = getattr(torch.nn.functional, name)(xt, torch.tensor(labels), reduction=reduction,
                                           **opts)
    y.backward(torch.tensor(g))
    return y.detach().numpy(), xt.grad.numpy()


def torch_cross_entropy(x, labels, reduction, g, kwargs):
    return torch_class_loss("cross_entropy", x, labels, reduction, g, kwargs)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("option", list(CE_OPTIONS))
@given(data=st.data())
def test_cross_entropy_options_match_torch(reduction, option, data):
    x, labels, kwargs = data.draw(ce_cases(CE_OPTIONS[option]))
    xt = leaf(x)
    y = F.cross_entropy(xt, labels, reduction=reduction, **kwargs)
    g = upstream(y.shape)
    y.backward(g)
    value, grad = torch_cross_entropy(x, labels, reduction, g, kwargs)
    np.testing.assert_allclose(y.data, value, **TOL)  # nan == nan: every label ignored
    np.testing.assert_allclose(xt.grad.data, grad, **TOL)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@given(case=ce_cases(CE_OPTIONS["all"]))
def test_cross_entropy_options_match_the_numpy_formula(reduction, case):
    x, labels, kwargs = case
    np.testing.assert_allclose(F.cross_entropy(leaf(x), labels, reduction=reduction, **kwargs).data,
                               cross_entropy_np(x, labels, reduction, **kwargs), **TOL)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("option", list(CE_OPTIONS))
@settings(max_examples=8)
@given(data=st.data())
def test_cross_entropy_options_gradcheck_and_gradgradcheck(reduction, option, data):
    x, labels, kwargs = data.draw(ce_cases(CE_OPTIONS[option]))
    assume(not (reduction == "mean" and (labels == kwargs.get("ignore_index", -100)).all()))

    def fn(x):
        return F.cross_entropy(x, labels, reduction=reduction, **kwargs)

    assert tg.gradcheck(fn, [leaf(x)])
    assert tg.gradgradcheck(fn, [leaf(x)])


def test_ignored_rows_get_zero_loss_and_zero_gradient_and_leave_the_mean():
    x = np.random.default_rng(0).standard_normal((4, 3))
    labels = np.array([2, 1, 2, 0])
    xt = leaf(x)
    loss = F.cross_entropy(xt, labels, ignore_index=2)
    loss.backward()
    np.testing.assert_allclose(loss.data, cross_entropy_np(x[[1, 3]], labels[[1, 3]], "mean"),
                               **TOL)
    assert np.all(xt.grad.data[[0, 2]] == 0.0)
    losses = F.cross_entropy(leaf(x), labels, reduction="none", ignore_index=2)
    assert np.all(losses.data[[0, 2]] == 0.0)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("smoothing", [0.0, 0.2])
def test_every_label_ignored_behaves_as_torch(reduction, smoothing):
    x = np.random.default_rng(0).standard_normal((3, 4))
    labels = np.full(3, -100)
    xt = leaf(x)
    # no warning leaks out of the 0 / 0 of an all-ignored mean
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        y = F.cross_entropy(xt, labels, np.ones(4), reduction=reduction,
                            label_smoothing=smoothing)
        y.backward(upstream(y.shape))
    assert np.isnan(y.data) if reduction == "mean" else np.all(y.data == 0.0)
    assert np.all(xt.grad.data == 0.0)  # as PyTorch: the ignored rows get exactly 0
    kwargs = dict(label_smoothing=smoothing, weight=np.ones(4))
    value, grad = torch_cross_entropy(x, labels, reduction, upstream(y.shape), kwargs)
    np.testing.assert_allclose(y.data, value)
    np.testing.assert_array_equal(xt.grad.data, grad)


@given(case=ce_cases(("ignore_index", "label_smoothing")), scale=reals(0.1, 10.0))
def test_uniform_class_weights_leave_the_mean_unchanged(case, scale):
    """The weighted mean divides by the total weight, so w = k * ones changes nothing."""
    x, labels, kwargs = case
    assume((labels != kwargs["ignore_index"]).any())
    weight = np.full(x.shape[1], scale)
    np.testing.assert_allclose(F.cross_entropy(leaf(x), labels, weight=weight, **kwargs).data,
                               F.cross_entropy(leaf(x), labels, **kwargs).data, rtol=1e-12)


def test_cross_entropy_hessian_vector_product_with_all_options_matches_torch():
    torch = get_torch()
    rng = np.random.default_rng(3)
    x, v = rng.standard_normal((5, 4)), rng.standard_normal((5, 4))
    labels, weight = np.array([0, 3, -1, 1, 3]), rng.random(4) + 0.5
    xt = leaf(x)
    (g,) = tg.grad(F.cross_entropy(xt, labels, weight=weight, ignore_index=-1,
                                   label_smoothing=0.15), [xt], create_graph=True)
    (g * v).sum().backward()
    xs = torch.tensor(x, requires_grad=True)
    (gs,) = torch.autograd.grad(torch.nn.functional.cross_entropy(
        xs, torch.tensor(labels), weight=torch.tensor(weight), ignore_index=-1,
        label_smoothing=0.15), xs, create_graph=True)
    (gs * torch.tensor(v)).sum().backward()
    np.testing.assert_allclose(g.data, gs.detach().numpy(), **TOL)
    np.testing.assert_allclose(xt.grad.data, xs.grad.numpy(), **TOL)


def test_cross_entropy_weight_keeps_float32_and_takes_a_tensor():
    x = tg.Tensor(np.random.default_rng(0).standard_normal((4, 3)).astype(np.float32),
                  requires_grad=True)
    weight = tg.Tensor(np.array([1.0, 2.0, 0.5]))  # float64, cast to the input's dtype
    y = F.cross_entropy(x, np.array([0, 1, 2, 1]), weight=weight, ignore_index=1)
    y.backward()
    assert y.dtype == np.float32 and x.grad.dtype == np.float32
    np.testing.assert_allclose(y.data, cross_entropy_np(x.data.astype(F64), np.array([0, 1, 2, 1]),
                                                        "mean", weight.data, 1), rtol=1e-6)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_loss_module_matches_torch(reduction):
    torch = get_torch()
    rng = np.random.default_rng(4)
    x, labels, weight = rng.standard_normal((6, 3)), np.array([0, 2, 1, 0, 2, 2]), rng.random(3)
    ours = nn.CrossEntropyLoss(weight, ignore_index=0, reduction=reduction, label_smoothing=0.1)
    theirs = torch.nn.CrossEntropyLoss(weight=torch.tensor(weight), reduction=reduction,
                                       label_smoothing=0.1, ignore_index=0)
    xt, xs = leaf(x), torch.tensor(x, requires_grad=True)
    y, ys = ours(xt, labels), theirs(xs, torch.tensor(labels))
    g = upstream(y.shape)
    y.backward(g)
    ys.backward(torch.tensor(g))
    np.testing.assert_allclose(y.data, ys.detach().numpy(), **TOL)
    np.testing.assert_allclose(xt.grad.data, xs.grad.numpy(), **TOL)
    assert list(ours.state_dict()) == list(theirs.state_dict()) == ["weight"]
    assert "ignore_index=0" in repr(ours) and "label_smoothing=0.1" in repr(ours)
    assert list(nn.CrossEntropyLoss().state_dict()) == []


def test_cross_entropy_option_errors():
    x = leaf(np.zeros((2, 3)))
    labels = np.array([0, 2])
    with pytest.raises(ValueError, match=r"weight must have shape \(3,\).*input of shape "
                                         r"\(2, 3\), got shape \(4,\)"):
        F.cross_entropy(x, labels, weight=np.ones(4))
    with pytest.raises(ValueError, match=r"shape \(3,\).*got shape \(1, 3\)"):
        F.cross_entropy(x, labels, weight=np.ones((1, 3)))
    with pytest.raises(ValueError, match=r"weight must be a floating point array of shape "
                                         r"\(3,\), got dtype int64"):
        F.cross_entropy(x, labels, weight=np.ones(3, dtype=np.int64))
    with pytest.raises(ValueError, match=r"weight must not require grad.*weight.detach\(\)"):
        F.cross_entropy(x, labels, weight=leaf(np.ones(3)))
    with pytest.raises(ValueError, match=r"label 5 is out of range for 3 classes \(labels "
                                         r"must be in \[0, 2\] or equal ignore_index=-1\)"):
        F.cross_entropy(x, np.array([-1, 5]), ignore_index=-1)
    with pytest.raises(ValueError, match=r"label -100 is out of range for 3 classes"):
        F.cross_entropy(x, np.array([-100, 1]), ignore_index=-1)
    with pytest.raises(ValueError, match=r"label 3 is out of range"):
        F.cross_entropy(x, np.array([3, -100]), weight=np.ones(3))
    with pytest.raises(TypeError, match=r"ignore_index must be an int, got 1.0"):
        F.cross_entropy(x, labels, ignore_index=1.0)
    with pytest.raises(TypeError, match=r"ignore_index must be an int, got True"):
        nn.CrossEntropyLoss(ignore_index=True)


# --- binary cross-entropy with logits ---

BCE_OPTIONS = {"pos_weight": (True, False), "weight": (False, True), "both": (True, True)}


@st.composite
def broadcasts_to(draw, shape):
    """A shape that broadcasts to ``shape``: some trailing axes, each of its side or 1."""
    ndim = draw(st.integers(0, len(shape)))
    return tuple(draw(st.sampled_from([1, side])) for side in shape[len(shape) - ndim:])


@st.composite
def bce_cases(draw, use_pos_weight, use_weight):
    """Logits, targets in [0, 1], and weights whose shapes broadcast to the input's."""
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=3, max_side=4))
    x = draw(hnp.arrays(F64, shape, elements=reals(-8.0, 8.0)))
    z = draw(hnp.arrays(F64, shape, elements=reals(0.0, 1.0)))
    kwargs = {}
    if use_pos_weight:  # the usual (C,) over the last axis, or any broadcastable shape
        pw_shape = draw(st.one_of(st.just(shape[-1:]), broadcasts_to(shape)))
        kwargs["pos_weight"] = draw(hnp.arrays(F64, pw_shape, elements=reals(0.1, 4.0)))
    if use_weight:
        w_shape = draw(broadcasts_to(shape))
        kwargs["weight"] = draw(hnp.arrays(F64, w_shape, elements=reals(0.0, 3.0)))
    return x, z, kwargs


def bce_np(x, z, reduction, pos_weight=1.0, weight=1.0):
    """-w [p z log s + (1 - z) log(1 - s)] with the logs of sigmoid written out."""
    log_s = -np.logaddexp(0.0, -x)  # log sigmoid(x)
    log_1ms = -np.logaddexp(0.0, x)  # log(1 - sigmoid(x))
    loss = -weight * (pos_weight * z * log_s + (1 - z) * log_1ms)
    return {"mean": loss.mean(), "sum": loss.sum(), "none": loss}[reduction]


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("option", list(BCE_OPTIONS))
@given(data=st.data())
def test_bce_with_logits_options_match_torch(reduction, option, data):
    torch = get_torch()
    x, z, kwargs = data.draw(bce_cases(*BCE_OPTIONS[option]))
    xt, zt = leaf(x), leaf(z)
    y = F.binary_cross_entropy_with_logits(xt, zt, reduction=reduction, **kwargs)
    g = upstream(y.shape)
    y.backward(g)
    xs, zs = torch.tensor(x, requires_grad=True), torch.tensor(z, requires_grad=True)
    ys = torch.nn.functional.binary_cross_entropy_with_logits(
        xs, zs, reduction=reduction, **{k: torch.tensor(v) for k, v in kwargs.items()})
    ys.backward(torch.tensor(g))
    np.testing.assert_allclose(y.data, ys.detach().numpy(), **TOL)
    np.testing.assert_allclose(xt.grad.data, xs.grad.numpy(), **TOL)
    np.testing.assert_allclose(zt.grad.data, zs.grad.numpy(), **TOL)
    np.testing.assert_allclose(y.data, bce_np(x, z, reduction, **kwargs), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("option", list(BCE_OPTIONS))
@settings(max_examples=8)
@given(data=st.data())
def test_bce_with_logits_options_gradcheck_and_gradgradcheck(reduction, option, data):
    x, z, kwargs = data.draw(bce_cases(*BCE_OPTIONS[option]))

    def fn(x, z):
        return F.binary_cross_entropy_with_logits(x, z, reduction=reduction, **kwargs)

    assert tg.gradcheck(fn, [leaf(x), leaf(z)])
    assert tg.gradgradcheck(fn, [leaf(x), leaf(z)])


def test_bce_with_logits_options_are_stable_at_huge_logits():
    x = np.array([1000.0, -1000.0, 1000.0, -1000.0, 0.0])
    z = np.array([0.0, 1.0, 1.0, 0.0, 0.5])
    pos_weight, weight = 3.0, np.array([2.0, 2.0, 1.0, 1.0, 1.0])
    xt = leaf(x)
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        y = F.binary_cross_entropy_with_logits(xt, z, weight, reduction="none",
                                               pos_weight=np.array([pos_weight]))
        y.sum().backward()
    # Closed forms: -log sigmoid(1000) = 0 and -log(1 - sigmoid(1000)) = 1000 in float64.
    np.testing.assert_allclose(y.data, [2000.0, 6000.0, 0.0, 0.0, 2 * np.log(2.0)], rtol=1e-15)
    # dloss/dx = w (l s - p z), l = 1 + (p - 1) z
    np.testing.assert_allclose(xt.grad.data, [2.0, -6.0, 0.0, 0.0, -0.5], atol=1e-15)


def test_bce_with_logits_weights_keep_float32():
    x = tg.Tensor(np.linspace(-3, 3, 8, dtype=np.float32).reshape(2, 4), requires_grad=True)
    pos_weight, weight = [1.0, 2.0, 3.0, 4.0], np.array([[1.0], [0.5]])
    y = F.binary_cross_entropy_with_logits(x, np.full((2, 4), 0.25), pos_weight=pos_weight,
                                           weight=weight)
    y.backward()
    assert y.dtype == np.float32 and x.grad.dtype == np.float32
    np.testing.assert_allclose(y.data, bce_np(x.data.astype(F64), 0.25, "mean",
                                              np.array(pos_weight), weight), rtol=1e-6)


def test_bce_with_logits_loss_module_matches_torch():
    torch = get_torch()
    rng = np.random.default_rng(5)
    x, z = rng.standard_normal((4, 3)), rng.random((4, 3))
    pos_weight, weight = rng.random(3) * 3, rng.random((4, 1))
    ours = nn.BCEWithLogitsLoss(pos_weight=pos_weight, weight=weight)
    theirs = torch.nn.BCEWithLogitsLoss(weight=torch.tensor(weight),
                                        pos_weight=torch.tensor(pos_weight))
    xt, xs = leaf(x), torch.tensor(x, requires_grad=True)
    y, ys = ours(xt, z), theirs(xs, torch.tensor(z))
    y.backward()
    ys.backward()
    np.testing.assert_allclose(y.data, ys.detach().numpy(), **TOL)
    np.testing.assert_allclose(xt.grad.data, xs.grad.numpy(), **TOL)
    assert sorted(ours.state_dict()) == sorted(theirs.state_dict()) == ["pos_weight", "weight"]


def test_options_take_pytorchs_positions():
    # PyTorch code passes the weight by position: nn.CrossEntropyLoss(class_weights),
    # F.cross_entropy(x, t, w); the other options are keyword-only, so a misplaced one is
    # a clear error rather than a wrong loss.
    torch = pytest.importorskip("torch", reason="PyTorch not installed: oracle tests skipped")
    x = np.random.default_rng(1).standard_normal((4, 3))
    labels, w = np.array([0, 2, 1, 2]), np.array([1.0, 3.0, 0.5])
    expected = torch.nn.CrossEntropyLoss(torch.tensor(w))(torch.tensor(x), torch.tensor(labels))
    for loss in (nn.CrossEntropyLoss(w)(leaf(x), labels), F.cross_entropy(leaf(x), labels, w)):
        assert loss.item() == pytest.approx(expected.item(), rel=1e-12)
    z = (x > 0).astype(float)
    expected = torch.nn.BCEWithLogitsLoss(torch.tensor(w))(torch.tensor(x), torch.tensor(z))
    for loss in (nn.BCEWithLogitsLoss(w)(leaf(x), z),
                 F.binary_cross_entropy_with_logits(leaf(x), z, w)):
        assert loss.item() == pytest.approx(expected.item(), rel=1e-12)
    with pytest.raises(TypeError, match="positional argument"):
        nn.CrossEntropyLoss(w, -100)
    with pytest.raises(TypeError, match="positional argument"):
        nn.MSELoss("sum")
    with pytest.raises(TypeError, match="reduction must be 'mean', 'sum' or 'none', got "
                                        "ndarray"):
        F.mse_loss(leaf(x), x, reduction=w)
    # The order before PyTorch's: a reduction where the weight goes is named as such.
    for make in (lambda: nn.CrossEntropyLoss("sum"), lambda: nn.BCEWithLogitsLoss("sum"),
                 lambda: F.cross_entropy(leaf(x), labels, "sum"),
                 lambda: F.binary_cross_entropy_with_logits(leaf(x), z, "sum")):
        with pytest.raises(TypeError, match="weight must be an array, got 'sum'; pass "
                                            "reduction='sum' by keyword"):
            make()


def test_bce_with_logits_option_errors():
    x = leaf(np.zeros((3, 4)))
    z = np.zeros((3, 4))
    fn = F.binary_cross_entropy_with_logits
    with pytest.raises(ValueError, match=r"pos_weight of shape \(5,\) does not broadcast to "
                                         r"the input shape \(3, 4\)"):
        fn(x, z, pos_weight=np.ones(5))
    with pytest.raises(ValueError, match=r"weight of shape \(2, 3, 4\) does not broadcast to "
                                         r"the input shape \(3, 4\)"):
        fn(x, z, weight=np.ones((2, 3, 4)))
    with pytest.raises(ValueError, match=r"pos_weight must be numeric, got dtype <U1"):
        fn(x, z, pos_weight=np.array(["a"]))
    with pytest.raises(ValueError, match=r"weight must not require grad"):
        fn(x, z, weight=leaf(np.ones(4)))


# --- embedding ---


@st.composite
def embedding_cases(draw):
    rows, dim = draw(st.integers(1, 6)), draw(st.integers(1, 4))
    index_shape = draw(hnp.array_shapes(min_dims=1, max_dims=2, max_side=4))
    index = draw(hnp.arrays(np.int64, index_shape, elements=st.integers(0, rows - 1)))
    padding_idx = draw(st.integers(-rows, rows - 1))
    return rows, dim, index, padding_idx


@given(case=embedding_cases())
def test_embedding_padding_idx_matches_torch(case):
    torch = get_torch()
    rows, dim, index, padding_idx = case
    theirs = torch.nn.Embedding(rows, dim, padding_idx=padding_idx, dtype=torch.float64)
    ours = nn.Embedding(rows, dim, padding_idx=padding_idx, dtype=F64)
    assert ours.padding_idx == theirs.padding_idx == padding_idx % rows
    assert np.all(ours.weight.data[padding_idx] == 0.0)  # zero row at initialisation
    ours.load_state_dict({"weight": theirs.weight.detach().numpy()})
    y, ys = ours(index), theirs(torch.tensor(index))
    g = upstream(y.shape)
    y.backward(g)
    ys.backward(torch.tensor(g))
    np.testing.assert_array_equal(y.data, ys.detach().numpy())
    np.testing.assert_allclose(ours.weight.grad.data, theirs.weight.grad.numpy(), **TOL)
    assert np.all(ours.weight.grad.data[padding_idx] == 0.0)
    assert repr(ours) == repr(theirs)


def test_embedding_padding_row_keeps_its_value_and_gets_no_gradient():
    weight = leaf(np.arange(12.0).reshape(4, 3))  # a non-zero padding row is still looked up
    index = np.array([[3, 1, 3], [0, 3, 1]])
    g = upstream((2, 3, 3))
    y = F.embedding(index, weight, padding_idx=-1)
    y.backward(g)
    np.testing.assert_array_equal(y.data, weight.data[index])
    expected = np.zeros((4, 3))  # the scatter-add of g, written as a loop
    for pos, row in np.ndenumerate(index):
        if row != 3:
            expected[row] += g[pos]
    np.testing.assert_allclose(weight.grad.data, expected, **TOL)


def test_embedding_padding_row_stays_zero_under_training():
    emb = nn.Embedding(5, 2, padding_idx=0, dtype=F64)
    opt = optim.Adam(emb.parameters(), lr=0.1)
    for _ in range(3):
        opt.zero_grad()
        (emb(np.array([0, 2, 0, 4])) ** 2).sum().backward()
        opt.step()
    np.testing.assert_array_equal(emb.weight.data[0], [0.0, 0.0])
    assert np.all(emb.weight.data[[2, 4]] != 0.0)


def test_embedding_padding_second_order_matches_torch():
    torch = get_torch()
    rng = np.random.default_rng(6)
    w, v = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))
    index = np.array([2, 0, 2, 1])
    wt = leaf(w)
    (g,) = tg.grad((F.embedding(index, wt, padding_idx=2) ** 3).sum(), [wt], create_graph=True)
    (g * v).sum().backward()
    ws = torch.tensor(w, requires_grad=True)
    (gs,) = torch.autograd.grad((torch.nn.functional.embedding(
        torch.tensor(index), ws, padding_idx=2) ** 3).sum(), ws, create_graph=True)
    (gs * torch.tensor(v)).sum().backward()
    np.testing.assert_allclose(g.data, gs.detach().numpy(), **TOL)
    np.testing.assert_allclose(wt.grad.data, ws.grad.numpy(), **TOL)


def test_embedding_without_padding_is_unchanged_and_gradchecks():
    weight = leaf(np.random.default_rng(7).standard_normal((5, 2)))
    index = np.array([[0, 4], [4, 1]])
    assert tg.gradcheck(lambda w: F.embedding(index, w), [weight])
    assert nn.Embedding(5, 2).padding_idx is None and repr(nn.Embedding(5, 2)) == "Embedding(5, 2)"


def test_embedding_padding_idx_errors():
    with pytest.raises(ValueError, match=r"padding_idx 10 is out of range for 10 embeddings "
                                         r"\(it must be in \[-10, 9\]\)"):
        nn.Embedding(10, 3, padding_idx=10)
    with pytest.raises(ValueError, match=r"padding_idx -11 is out of range .*\[-10, 9\]"):
        nn.Embedding(10, 3, padding_idx=-11)
    with pytest.raises(TypeError, match=r"padding_idx must be an int, got 1.0"):
        nn.Embedding(10, 3, padding_idx=1.0)
    weight = leaf(np.zeros((4, 2)))
    with pytest.raises(ValueError, match=r"padding_idx 4 is out of range for 4 embeddings"):
        F.embedding(np.array([0]), weight, padding_idx=4)
    with pytest.raises(IndexError, match=r"index 4 is out of range .*\[0, 3\]"):
        F.embedding(np.array([4]), weight, padding_idx=0)
    with pytest.raises(ValueError, match=r"weight of shape \(num_embeddings, embedding_dim\), "
                                         r"got shape \(4,\)"):
        F.embedding(np.array([0]), leaf(np.zeros(4)))
