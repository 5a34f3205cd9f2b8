"""Where NumPy's and PyTorch's habits meet on one name, neither gives a wrong number.

max and min: NumPy's ``axis=`` gives the values, PyTorch's ``dim`` gives ``(values,
indices)``, ``max(other)`` is the element-wise maximum; a pair used as values raises.
transpose: a permutation (NumPy), two axes swapped (PyTorch) where NumPy would refuse, and on
a matrix (``transpose(0, 1)``, NumPy's identity that only PyTorch code writes as two ints).
"""
import numpy as np
import pytest

import tinygrad_edu as tg

torch = pytest.importorskip("torch", reason="PyTorch not installed: oracle tests skipped")

X = np.array([[1.0, 5.0, 3.0, 5.0], [4.0, 2.0, 6.0, -1.0], [0.5, 0.5, 0.5, 0.5]])


def _pair(name, x, *args, **kwargs):
    ours = getattr(tg.Tensor(x, requires_grad=True), name)(*args, **kwargs)
    theirs = getattr(torch.tensor(x, requires_grad=True), name)(*args, **kwargs)
    return ours, theirs


@pytest.mark.parametrize("name", ["max", "min"])
@pytest.mark.parametrize("dim", [0, 1, -1, -2])
@pytest.mark.parametrize("keepdim", [False, True])
def test_dim_form_returns_values_and_indices_as_torch(name, dim, keepdim):
    # Rows 0 and 2 hold ties: the gradient goes to the index returned, as in torch.
    xs = tg.Tensor(X, requires_grad=True)
    xt = torch.tensor(X, requires_grad=True)
    ours = getattr(xs, name)(dim, keepdim) if keepdim else getattr(xs, name)(dim)
    if keepdim:  # the other spelling of the same call
        other = getattr(tg.Tensor(X), name)(dim, keepdim=True)
        np.testing.assert_array_equal(other.values.data, ours.values.data)
    theirs = getattr(xt, name)(dim, keepdim)
    values, indices = ours
    np.testing.assert_array_equal(values.data, theirs.values.detach().numpy())
    np.testing.assert_array_equal(indices.data, theirs.indices.numpy())
    assert ours.values is values and ours.indices is indices
    assert indices.dtype == np.int64 and not indices.requires_grad
    g = np.random.default_rng(0).standard_normal(values.shape)
    values.backward(g)
    theirs.values.backward(torch.tensor(g))
    np.testing.assert_allclose(xs.grad.data, xt.grad.numpy())


@pytest.mark.parametrize("name", ["max", "min"])
def test_dim_keyword_form_and_second_order(name):
    x = np.random.default_rng(1).standard_normal((3, 4))
    ours, theirs = _pair(name, x, dim=1, keepdim=True)
    np.testing.assert_allclose(ours.values.data, theirs.values.detach().numpy())
    xs = tg.Tensor(x, requires_grad=True)
    xt = torch.tensor(x, requires_grad=True)
    (g,) = tg.grad((getattr(xs, name)(dim=1).values ** 3).sum(), xs, create_graph=True)
    (gt,) = torch.autograd.grad((getattr(xt, name)(dim=1).values ** 3).sum(), xt,
                                create_graph=True)
    (h,) = tg.grad(g.sum(), xs)
    (ht,) = torch.autograd.grad(gt.sum(), xt)
    np.testing.assert_allclose(g.data, gt.detach().numpy())
    np.testing.assert_allclose(h.data, ht.numpy())


@pytest.mark.parametrize("name,amax", [("max", "amax"), ("min", "amin")])
def test_numpy_forms_return_the_values(name, amax):
    x = tg.Tensor(X, requires_grad=True)
    xt = torch.tensor(X)
    for ours, theirs in [
        (getattr(x, name)(axis=1), getattr(torch, amax)(xt, dim=1)),
        (getattr(x, name)(1, keepdims=True), getattr(torch, amax)(xt, dim=1, keepdim=True)),
        (getattr(x, name)(axis=(0, 1)), getattr(torch, amax)(xt, dim=(0, 1))),
        (getattr(x, name)((0, 1)), getattr(torch, amax)(xt, dim=(0, 1))),
        (getattr(x, name)(), getattr(torch, amax)(xt)),
        (getattr(x, name)(None), getattr(torch, amax)(xt)),
        (getattr(np, name)(x, axis=0), getattr(torch, amax)(xt, dim=0)),
        (getattr(np, name)(x, 0), getattr(torch, amax)(xt, dim=0)),
        (getattr(x, amax)(axis=0), getattr(torch, amax)(xt, dim=0)),
    ]:
        assert isinstance(ours, tg.Tensor)
        np.testing.assert_array_equal(ours.data, theirs.numpy())
    # The values form shares the gradient between ties, as torch.amax.
    x.max(axis=1).sum().backward()
    xt.requires_grad_(True)
    torch.amax(xt, dim=1).sum().backward()
    np.testing.assert_allclose(x.grad.data, xt.grad.numpy())


@pytest.mark.parametrize("name,elementwise", [("max", torch.maximum), ("min", torch.minimum)])
def test_other_tensor_form_is_elementwise(name, elementwise):
    a, b = np.array([1.0, 5.0, -2.0]), np.array([3.0, 4.0, -2.0])
    ours = getattr(tg.Tensor(a), name)(tg.Tensor(b))
    theirs = getattr(torch.tensor(a), name)(torch.tensor(b))
    np.testing.assert_array_equal(ours.data, elementwise(torch.tensor(a), torch.tensor(b)))
    np.testing.assert_array_equal(ours.data, theirs.numpy())


def test_the_tutorial_accuracy_line_counts_right_for_a_batch_of_two():
    # Before: out.max(1) returned the values, so `_, pred` took row 1's maximum.
    out = tg.Tensor([[0.1, 2.0, -1.0], [3.0, 0.2, 0.0]])
    labels = tg.Tensor([1, 0])
    _, pred = out.max(1)
    assert (pred == labels).sum().item() == 2


@pytest.mark.parametrize("use", [
    lambda pair: pair + 1, lambda pair: 2 * pair, lambda pair: pair * 2,
    lambda pair: pair - 1, lambda pair: pair / 2, lambda pair: -pair,
    lambda pair: np.asarray(pair), lambda pair: np.exp(pair), lambda pair: pair > 0,
    lambda pair: float(pair), lambda pair: np.sum(pair),
], ids=["add", "rmul", "mul", "sub", "div", "neg", "asarray", "ufunc", "compare", "float",
        "np.sum"])
def test_the_pair_used_as_values_raises_a_clear_error(use):
    pair = tg.Tensor(X).max(0)
    with pytest.raises(TypeError, match=r"return the pair \(values, indices\).*axis=0|axis=1"):
        use(pair)


@pytest.mark.parametrize("attribute", ["sum", "backward", "shape", "item"])
def test_tensor_attributes_on_the_pair_name_it(attribute):
    with pytest.raises(AttributeError, match=r"has no attribute .*t\.max\(axis=1\)"):
        getattr(tg.Tensor(X).max(1), attribute)


@pytest.mark.parametrize("call,message", [
    (lambda x: x.max(axis=1, dim=1), "not a mix"),
    (lambda x: x.max(1, keepdim=True, keepdims=True), "not a mix|takes axis"),
    (lambda x: x.max(1, dim=1), "not a mix"),
    (lambda x: x.max(dim=(0, 1)), "takes one int dim"),
    (lambda x: x.max(dim=5), "out of bounds"),
    (lambda x: x.max(tg.Tensor([1.0]), 1), "no other arguments"),
    (lambda x: x.max(axis=1, out=None), "takes axis="),
    (lambda x: x.argmax(axis=0, dim=1), "not both"),
])
def test_mixed_or_bad_forms_are_refused(call, message):
    with pytest.raises((TypeError, np.exceptions.AxisError), match=message):
        call(tg.Tensor(X))


def test_argmax_and_argmin_take_both_names():
    x, xt = tg.Tensor(X), torch.tensor(X)
    for name in ("argmax", "argmin"):
        np.testing.assert_array_equal(getattr(x, name)(dim=1).data, getattr(xt, name)(dim=1))
        np.testing.assert_array_equal(getattr(x, name)(1).data, getattr(xt, name)(1))
        np.testing.assert_array_equal(getattr(x, name)(axis=0, keepdims=True).data,
                                      getattr(xt, name)(dim=0, keepdim=True))
        assert getattr(x, name)().item() == getattr(xt, name)().item()


def test_zero_dim_tensor_dim_form():
    x = tg.Tensor(2.5, requires_grad=True)
    values, indices = x.max(0)
    theirs = torch.tensor(2.5).max(0)
    assert values.item() == theirs.values.item() and indices.item() == theirs.indices.item()
    values.backward()
    assert x.grad.item() == 1.0


# --- transpose ---


@pytest.mark.parametrize("shape,axes", [((2, 3, 4), (0, 1)), ((2, 3, 4), (-1, -2)),
                                        ((2, 3, 4), (2, 0)), ((2, 3, 4, 5), (1, 3)),
                                        ((3,), (0, 0)), ((2, 3), (1, 0)), ((2, 3), (-1, 0))])
def test_two_axes_swap_as_torch_where_numpy_would_refuse(shape, axes):
    x = np.random.default_rng(0).standard_normal(shape)
    ours = tg.Tensor(x, requires_grad=True)
    theirs = torch.tensor(x, requires_grad=True)
    y, yt = ours.transpose(*axes), theirs.transpose(*axes)
    np.testing.assert_array_equal(y.data, yt.detach().numpy())
    g = np.random.default_rng(1).standard_normal(y.shape)
    y.backward(g)
    yt.backward(torch.tensor(g))
    np.testing.assert_array_equal(ours.grad.data, theirs.grad.numpy())


@pytest.mark.parametrize("axes", [(2, 0, 1), ((2, 0, 1),), ((0, 1, 2),), ()])
def test_permutations_are_numpys(axes):
    x = np.random.default_rng(0).standard_normal((2, 3, 4))
    np.testing.assert_array_equal(tg.Tensor(x).transpose(*axes).data, x.transpose(*axes))
    permutation = axes[0] if len(axes) == 1 else (axes or None)
    np.testing.assert_array_equal(np.transpose(tg.Tensor(x), permutation).data,
                                  np.transpose(x, permutation))


@pytest.mark.parametrize("axes", [(0, 1), (-2, -1), (0, -1), (1, 1)])
def test_two_ints_on_a_matrix_swap_as_torch_and_a_tuple_is_numpys_permutation(axes):
    x = np.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(tg.Tensor(x).transpose(*axes).data,
                                  torch.tensor(x).transpose(*axes).numpy())
    square = tg.Tensor(np.arange(4.0).reshape(2, 2))
    np.testing.assert_array_equal(square.transpose((0, 1)).data, square.data)  # NumPy's identity
    np.testing.assert_array_equal(square.T.data, square.data.T)


# --- reductions take dim/keepdim; var and std keep NumPy's default, take PyTorch's options ---


@pytest.mark.parametrize("name", ["sum", "mean", "logsumexp", "var", "std", "amax", "amin"])
@pytest.mark.parametrize("dim,keepdim", [(0, False), (1, True), ((0, 1), False), (-1, True)])
def test_reductions_take_dim_and_keepdim(name, dim, keepdim):
    x = np.random.default_rng(0).standard_normal((3, 4))
    method = {"amax": "max", "amin": "min"}.get(name, name)
    theirs = getattr(torch, name)(torch.tensor(x), dim=dim, keepdim=keepdim,
                                  **({"correction": 0} if name in ("var", "std") else {}))
    if name in ("amax", "amin"):
        ours = getattr(tg.Tensor(x), name)(axis=dim, keepdims=keepdim)
    else:
        ours = getattr(tg.Tensor(x), method)(dim=dim, keepdim=keepdim,
                                             **({"correction": 0} if name in ("var", "std") else {}))
    np.testing.assert_allclose(ours.data, theirs.numpy(), rtol=1e-12)
    numpy_form = getattr(tg.Tensor(x), method)(axis=dim, keepdims=keepdim)
    np.testing.assert_allclose(numpy_form.data, ours.data)


@pytest.mark.parametrize("name", ["var", "std"])
def test_var_and_std_default_is_numpys_and_torchs_options_give_torchs(name):
    x = np.random.default_rng(0).standard_normal((3, 4))
    t = torch.tensor(x)
    np.testing.assert_allclose(getattr(tg.Tensor(x), name)().data, getattr(np, name)(x))
    for ours, theirs in [({"correction": 1}, {"correction": 1}), ({"unbiased": True}, {}),
                         ({"unbiased": False}, {"correction": 0}), ({"ddof": 1}, {}),
                         ({"dim": 0, "correction": 2}, {"dim": 0, "correction": 2})]:
        np.testing.assert_allclose(getattr(tg.Tensor(x), name)(**ours).data,
                                   getattr(t, name)(**theirs).numpy(), rtol=1e-12)


@pytest.mark.parametrize("kwargs,message", [
    ({"ddof": 1, "correction": 1}, "one of ddof=, correction= or unbiased="),
    ({"unbiased": "yes"}, "unbiased must be True or False"),
    ({"correction": 0.5}, "must be an int >= 0"),
    ({"axis": 0, "dim": 1}, "not both"),
])
def test_var_options_are_checked(kwargs, message):
    with pytest.raises(TypeError, match=message):
        tg.Tensor(np.ones((3, 4))).var(**kwargs)


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmax_takes_dim(name):
    x = np.random.default_rng(0).standard_normal((3, 4))
    np.testing.assert_allclose(getattr(tg.Tensor(x), name)(dim=0).data,
                               getattr(torch, name)(torch.tensor(x), dim=0).numpy(), rtol=1e-12)
