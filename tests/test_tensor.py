"""Tensor construction, dtype rules, factories, attributes and Python protocols (API.md)."""
import warnings

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn.functional as F
from tinygrad_edu.factories import generator


@pytest.fixture
def float64_default():
    """Switch the default dtype to float64 for one test, and always switch it back."""
    previous = tg.get_default_dtype()
    tg.set_default_dtype(np.float64)
    yield
    tg.set_default_dtype(previous)


# --- construction and dtype rules ---


def test_python_floats_get_float32_by_default():
    assert tg.get_default_dtype() == np.float32
    assert tg.Tensor(1.5).dtype == np.float32
    assert tg.Tensor([1.0, 2.0]).dtype == np.float32
    assert tg.Tensor([[1, 2.5], [3, 4]]).dtype == np.float32  # a float anywhere makes it float


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_numpy_float_arrays_keep_their_dtype(dtype):
    a = np.arange(6, dtype=dtype).reshape(2, 3)
    t = tg.Tensor(a)
    assert t.dtype == dtype
    np.testing.assert_array_equal(t.data, a)


def test_numpy_scalars_keep_their_dtype():
    assert tg.Tensor(np.float64(2.0)).dtype == np.float64
    assert tg.Tensor(np.float32(2.0)).dtype == np.float32


def test_set_default_dtype_float64(float64_default):
    assert tg.get_default_dtype() == np.float64
    assert tg.Tensor(1.5).dtype == np.float64
    assert tg.Tensor([1.0, 2.0]).dtype == np.float64
    assert tg.zeros(2).dtype == np.float64
    assert tg.randn(2).dtype == np.float64
    # NumPy arrays and integers are not affected by the default.
    assert tg.Tensor(np.ones(2, np.float32)).dtype == np.float32
    assert tg.Tensor([1, 2]).dtype.kind == "i"


@pytest.mark.parametrize("bad", [np.int32, np.bool_, "complex128"])
def test_set_default_dtype_rejects_non_float(bad):
    with pytest.raises(ValueError, match="floating"):
        tg.set_default_dtype(bad)
    assert tg.get_default_dtype() == np.float32


def test_integers_stay_integer_and_cannot_require_grad():
    t = tg.Tensor([1, 2, 3])
    assert t.dtype.kind == "i"
    assert tg.Tensor(5).dtype.kind == "i"
    with pytest.raises(TypeError, match="int"):
        tg.Tensor([1, 2, 3], requires_grad=True)
    with pytest.raises(TypeError, match="floating point"):
        t.requires_grad = True
    assert not t.requires_grad


def test_bool_data_stays_bool_and_cannot_require_grad():
    t = tg.Tensor([True, False])
    assert t.dtype == np.bool_
    assert tg.Tensor(True).dtype == np.bool_
    with pytest.raises(TypeError, match="bool"):
        tg.Tensor([True], requires_grad=True)


def test_explicit_dtype_casts():
    assert tg.Tensor([1, 2], dtype=np.float64).dtype == np.float64
    assert tg.Tensor([1.0, 2.0], dtype=np.float64).dtype == np.float64
    assert tg.Tensor(np.ones(2, np.float64), dtype=np.float32).dtype == np.float32
    t = tg.Tensor([1.7, -2.2], dtype=np.int32)
    assert t.dtype == np.int32
    np.testing.assert_array_equal(t.data, np.array([1.7, -2.2]).astype(np.int32))
    x = tg.Tensor([1, 2], dtype=np.float64, requires_grad=True)
    assert x.requires_grad


@pytest.mark.parametrize("bad", ["abc", np.array([1 + 2j]), None, {"a": 1}])
def test_unsupported_data_raises_type_error(bad):
    with pytest.raises(TypeError, match="unsupported data"):
        tg.Tensor(bad)


@pytest.mark.parametrize("dtype", [np.complex64, object, "U3"])
def test_unsupported_explicit_dtype_raises_type_error(dtype):
    with pytest.raises(TypeError, match="unsupported data of dtype"):
        tg.Tensor([1.0, 2.0], dtype=dtype)


def test_dtype_given_as_a_string():
    assert tg.Tensor([1, 2], dtype="float64").dtype == np.float64


def test_data_is_copied_from_arrays_and_tensors():
    a = np.array([1.0, 2.0])
    t = tg.Tensor(a)
    a[0] = 100.0
    assert t.data[0] == 1.0
    u = tg.Tensor(t)
    t.data[1] = 200.0
    assert u.data[1] == 2.0
    assert u.dtype == t.dtype


def test_tensor_of_tensor_is_a_new_leaf():
    x = tg.Tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    with pytest.warns(UserWarning, match=r"no gradient flows back to t.*t\.detach\(\)\.clone"):
        z = tg.Tensor(y)  # like torch.tensor(y): a copy outside the graph, with a warning
    assert z.creator is None and not z.requires_grad
    np.testing.assert_array_equal(z.data, y.data)
    with pytest.warns(UserWarning, match="no gradient flows back"):
        w = tg.Tensor(y, requires_grad=True)
    assert w.is_leaf and w.requires_grad
    with pytest.warns(UserWarning, match=r"Use tg\.stack"):
        pair = tg.Tensor([[y[0]], [2.0]])
    np.testing.assert_array_equal(pair.data, [[2.0], [2.0]])
    with warnings.catch_warnings():  # without a gradient to lose: no warning
        warnings.simplefilter("error")
        tg.Tensor(y.detach())
        tg.Tensor([x.detach(), x.detach()])
        with tg.no_grad():
            tg.Tensor(y)


# --- Python scalars keep the tensor's dtype ---


SCALAR_OPS = [
    ("add", lambda t, s: t + s), ("radd", lambda t, s: s + t),
    ("sub", lambda t, s: t - s), ("rsub", lambda t, s: s - t),
    ("mul", lambda t, s: t * s), ("rmul", lambda t, s: s * t),
    ("div", lambda t, s: t / s), ("rdiv", lambda t, s: s / t),
    ("pow", lambda t, s: t ** s), ("rpow", lambda t, s: s ** t),
]


@pytest.mark.parametrize("scalar", [2.0, 2, np.float64(2.0), np.float32(2.0), np.int64(2)],
                         ids=["float", "int", "np.float64", "np.float32", "np.int64"])
@pytest.mark.parametrize("name,op", SCALAR_OPS, ids=[n for n, _ in SCALAR_OPS])
def test_scalar_operand_keeps_float32(name, op, scalar):
    t = tg.Tensor(np.array([1.0, 2.0, 3.0], np.float32), requires_grad=True)
    y = op(t, scalar)
    assert isinstance(y, tg.Tensor)
    assert y.dtype == np.float32, f"{name} with {type(scalar).__name__} gave {y.dtype}"
    expected = op(np.array([1.0, 2.0, 3.0]), float(scalar))
    np.testing.assert_allclose(y.data, expected, rtol=1e-6)
    y.sum().backward()
    assert t.grad.dtype == np.float32


def test_scalar_operand_keeps_float64():
    t = tg.Tensor(np.array([1.0, 2.0]))
    assert (t * 2.0).dtype == np.float64
    assert (np.float32(2.0) * t).dtype == np.float64


# --- factories ---


@pytest.mark.parametrize("factory", [tg.zeros, tg.ones, tg.randn, tg.rand])
def test_factories_take_shape_as_varargs_or_tuple(factory):
    assert factory(2, 3).shape == (2, 3)
    assert factory((2, 3)).shape == (2, 3)
    assert factory([4]).shape == (4,)
    assert factory().shape == ()
    assert factory(2, 3).dtype == np.float32
    assert factory(2, dtype=np.float64).dtype == np.float64
    t = factory(3, requires_grad=True)
    assert t.requires_grad and t.is_leaf


def test_factory_values():
    np.testing.assert_array_equal(tg.zeros(2, 3).data, np.zeros((2, 3)))
    np.testing.assert_array_equal(tg.ones(2, 3).data, np.ones((2, 3)))
    np.testing.assert_array_equal(tg.full((2, 2), 1.5).data, np.full((2, 2), 1.5))
    np.testing.assert_array_equal(tg.eye(3).data, np.eye(3))
    np.testing.assert_array_equal(tg.eye(2, 3).data, np.eye(2, 3))
    np.testing.assert_array_equal(tg.arange(5).data, np.arange(5))
    np.testing.assert_allclose(tg.arange(0.0, 1.0, 0.25).data, [0, 0.25, 0.5, 0.75])
    np.testing.assert_array_equal(tg.arange(2, 8, 3).data, [2, 5])
    r = tg.rand(1000).data
    assert r.min() >= 0 and r.max() < 1


def test_factory_dtypes():
    assert tg.full((2,), 1.5).dtype == np.float32
    assert tg.full((2,), 3).dtype.kind == "i"
    assert tg.full(3, 1.0, dtype=np.float64).dtype == np.float64
    assert tg.arange(5).dtype.kind == "i"
    assert tg.arange(0.0, 1.0, 0.5).dtype == np.float32
    assert tg.arange(5, dtype=np.float64).dtype == np.float64
    assert tg.eye(2).dtype == np.float32
    assert tg.eye(2, dtype=np.float64).dtype == np.float64


def test_like_factories_follow_the_argument():
    t = tg.Tensor(np.ones((2, 3), np.float64))
    for factory, value in ((tg.zeros_like, 0.0), (tg.ones_like, 1.0)):
        u = factory(t)
        assert u.shape == (2, 3) and u.dtype == np.float64
        assert (u.data == value).all()
        assert factory(t, dtype=np.float32).dtype == np.float32
        assert factory(np.zeros(4, np.float32)).shape == (4,)
        assert factory(t, requires_grad=True).requires_grad
    assert tg.zeros_like(tg.Tensor([1, 2])).dtype.kind == "i"


def test_factory_errors():
    with pytest.raises(ValueError, match="-1"):
        tg.zeros(-1)
    with pytest.raises(ValueError):
        tg.ones(2.5)
    with pytest.raises(TypeError, match="int64"):
        tg.zeros(2, dtype=np.int64, requires_grad=True)


def test_manual_seed_makes_draws_reproducible():
    tg.manual_seed(123)
    a, b = tg.randn(4, 3), tg.rand(5)
    tg.manual_seed(123)
    c, d = tg.randn(4, 3), tg.rand(5)
    np.testing.assert_array_equal(a.data, c.data)
    np.testing.assert_array_equal(b.data, d.data)
    tg.manual_seed(124)
    assert not np.array_equal(tg.randn(4, 3).data, a.data)
    # The generator behind every draw is the seeded one.
    tg.manual_seed(7)
    first = generator().random()
    tg.manual_seed(7)
    assert generator().random() == first


def test_randn_statistics():
    tg.manual_seed(0)
    x = tg.randn(20000, dtype=np.float64).data
    assert abs(x.mean()) < 0.05 and abs(x.std() - 1) < 0.05



@pytest.mark.parametrize("factory", [tg.randn, tg.rand])
@pytest.mark.parametrize("dtype", [np.int64, np.bool_])
def test_random_factories_refuse_non_float_dtypes(factory, dtype):
    # Drawing floats and casting them to integers would give zeros: refuse instead.
    with pytest.raises(TypeError, match=f"float dtype, got {np.dtype(dtype)}"):
        factory(3, dtype=dtype)


# --- attributes ---


def test_attributes():
    a = np.arange(24, dtype=np.float64).reshape(2, 3, 4)
    t = tg.Tensor(a, requires_grad=True)
    assert t.shape == (2, 3, 4) and t.ndim == 3 and t.size == 24 and t.dtype == np.float64
    assert t.requires_grad and t.is_leaf and t.grad is None and t.grad_fn is None
    np.testing.assert_array_equal(t.T.data, a.T)
    assert t.T.requires_grad  # .T is a differentiable op
    m = tg.Tensor(np.arange(6.0).reshape(2, 3))
    np.testing.assert_array_equal(m.T.data, np.arange(6.0).reshape(2, 3).T)
    assert isinstance(t.numpy(), np.ndarray)
    assert np.shares_memory(t.numpy(), t.data)
    assert t.tolist() == a.tolist()


def test_item_and_conversions():
    assert tg.Tensor(np.float64(2.5)).item() == 2.5
    assert isinstance(tg.Tensor(2.5).item(), float)
    assert tg.Tensor([[3.0]]).item() == 3.0
    with pytest.raises(ValueError):
        tg.Tensor([1.0, 2.0]).item()
    # float()/int() accept any one-element tensor, as in PyTorch.
    assert float(tg.Tensor(2.5)) == 2.5
    assert float(tg.Tensor([2.5])) == 2.5
    assert int(tg.Tensor([[7]])) == 7
    assert bool(tg.Tensor(1.0)) and not bool(tg.Tensor(0.0))


def test_detach_shares_data_outside_the_graph():
    x = tg.Tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    d = y.detach()
    assert not d.requires_grad and d.is_leaf and d.creator is None
    np.testing.assert_array_equal(d.data, y.data)
    assert np.shares_memory(d.data, y.data)
    d.data[0] = 10.0
    assert y.data[0] == 10.0
    # Detached values used in a graph are constants.
    z = (x * y.detach()).sum()
    z.backward()
    np.testing.assert_array_equal(x.grad.data, y.data)


def test_requires_grad_setter_on_leaf():
    x = tg.Tensor([1.0, 2.0])
    assert not x.requires_grad
    assert x.requires_grad_() is x and x.requires_grad
    x.requires_grad = False
    assert not x.requires_grad
    with pytest.raises(RuntimeError, match="leaf"):
        (tg.Tensor([1.0], requires_grad=True) * 2).requires_grad = False


# --- NumPy interoperability ---


def test_np_asarray_shares_data():
    t = tg.Tensor(np.array([1.0, 2.0]))
    a = np.asarray(t)
    assert type(a) is np.ndarray and np.shares_memory(a, t.data)
    np.testing.assert_array_equal(np.asarray(t, dtype=np.float32), np.array([1.0, 2.0], np.float32))
    assert np.asarray(t, dtype=np.float32).dtype == np.float32
    c = np.array(t, copy=True)
    assert not np.shares_memory(c, t.data)
    np.testing.assert_array_equal(np.array(t), t.data)


@pytest.mark.parametrize("op", [
    lambda a, t: a + t, lambda a, t: a - t, lambda a, t: a * t, lambda a, t: a / t,
    lambda a, t: a @ t, lambda a, t: a ** t,
], ids=["add", "sub", "mul", "div", "matmul", "pow"])
def test_ndarray_op_tensor_gives_differentiable_tensor(op):
    rng = np.random.default_rng(0)
    a = rng.uniform(0.5, 2.0, size=(3, 3))
    b = rng.uniform(0.5, 2.0, size=(3, 3))
    t = tg.Tensor(b, requires_grad=True)
    y = op(a, t)
    assert isinstance(y, tg.Tensor) and y.requires_grad
    np.testing.assert_allclose(y.data, op(a, b))
    tg.gradcheck(lambda t: op(a, t), t)


def test_numpy_ufuncs_on_tensors_are_differentiable():
    x = tg.Tensor(np.array([0.5, 1.0, 2.0]), requires_grad=True)
    for ufunc, method in ((np.exp, "exp"), (np.log, "log"), (np.sqrt, "sqrt"), (np.tanh, "tanh"),
                          (np.sin, "sin"), (np.cos, "cos"), (np.abs, "abs")):
        y = ufunc(x)
        assert isinstance(y, tg.Tensor) and y.requires_grad
        np.testing.assert_allclose(y.data, getattr(x, method)().data)
    y = np.maximum(x, 1.0)
    assert isinstance(y, tg.Tensor)
    np.testing.assert_array_equal(y.data, [1.0, 1.0, 2.0])
    assert tg.gradcheck(lambda x: np.square(x) + np.exp(x), x)


# --- comparisons ---


@pytest.mark.parametrize("op", [
    lambda a, b: a < b, lambda a, b: a <= b, lambda a, b: a > b,
    lambda a, b: a >= b, lambda a, b: a == b, lambda a, b: a != b,
], ids=["lt", "le", "gt", "ge", "eq", "ne"])
def test_comparisons_return_non_differentiable_bool_tensors(op):
    a = np.array([1.0, 2.0, 3.0])
    b = np.array([3.0, 2.0, 1.0])
    x = tg.Tensor(a, requires_grad=True)
    y = tg.Tensor(b, requires_grad=True)
    for result, expected in ((op(x, y), op(a, b)), (op(x, 2.0), op(a, 2.0)),
                             (op(x, b), op(a, b)), (op(a, y), op(a, b))):
        assert isinstance(result, tg.Tensor)
        assert result.dtype == np.bool_
        assert not result.requires_grad and result.creator is None
        np.testing.assert_array_equal(result.data, expected)


def test_comparison_used_as_a_mask_passes_no_gradient_through_itself():
    x = tg.Tensor(np.array([-1.0, 2.0, -3.0, 4.0]), requires_grad=True)
    y = (x * (x > 0)).sum()  # a hand-written relu
    y.backward()
    np.testing.assert_array_equal(x.grad.data, [0.0, 1.0, 0.0, 1.0])



@pytest.mark.parametrize("other", [None, "a string", (1, 2), object()])
def test_equality_with_non_numbers_is_identity_as_in_python(other):
    t = tg.Tensor([1.0, 2.0])
    assert (t == other) is False and (t != other) is True
    assert t in [other, t] and [other, t].index(t) == 1
    with pytest.raises(TypeError, match="not supported"):
        t < other



# --- Python protocols ---


def test_repr():
    assert repr(tg.Tensor([1.0, 2.0])) == "Tensor([1., 2.])"
    assert repr(tg.Tensor([1, 2])) == "Tensor([1, 2])"
    r = repr(tg.Tensor(np.array([1.5]), requires_grad=True))
    assert r.startswith("Tensor([1.5]") and "dtype=float64" in r and "requires_grad=True" in r
    x = tg.Tensor([1.0], requires_grad=True)
    assert "creator=Mul" in repr(x * 2)
    assert "creator" not in repr((x * 2).detach())
    assert "2." in repr(tg.Tensor(2.0))


def test_len_and_iter():
    t = tg.Tensor(np.arange(6.0).reshape(3, 2), requires_grad=True)
    assert len(t) == 3
    rows = list(t)
    assert len(rows) == 3 and all(isinstance(r, tg.Tensor) for r in rows)
    np.testing.assert_array_equal(rows[2].data, [4.0, 5.0])
    # Rows from iteration stay in the graph.
    total = sum(r.sum() * (i + 1) for i, r in enumerate(rows))
    total.backward()
    np.testing.assert_array_equal(t.grad.data, [[1, 1], [2, 2], [3, 3]])
    with pytest.raises(TypeError, match="0-d"):
        len(tg.Tensor(1.0))
    with pytest.raises(TypeError, match="0-d"):
        iter(tg.Tensor(1.0))


def test_hash_is_identity():
    a = tg.Tensor([1.0, 2.0])
    b = tg.Tensor([1.0, 2.0])  # equal values, different tensors
    d = {a: "a", b: "b"}
    assert d[a] == "a" and d[b] == "b"
    assert len({a, b, a}) == 2
    assert hash(a) == hash(a) and hash(a) != hash(b)


def test_abs_builtin_is_differentiable():
    x = tg.Tensor(np.array([-2.0, 3.0]), requires_grad=True)
    abs(x).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [-1.0, 1.0])


def test_format_one_element_tensors_like_numbers():
    assert f"{tg.Tensor(3.14159):.2f}" == "3.14"
    assert f"{tg.Tensor([[2.5]], dtype=np.float64):>6.1f}" == "   2.5"
    assert f"{tg.Tensor([1.0, 2.0])}" == str(tg.Tensor([1.0, 2.0]))
    with pytest.raises(ValueError):  # a number format for several numbers
        f"{tg.Tensor([1.0, 2.0]):.2f}"


def test_index_with_an_integer_tensor():
    names = ["cat", "dog", "bird"]
    assert names[tg.Tensor([0.1, 2.0, 0.3]).argmax()] == "dog"
    assert list(range(tg.Tensor(3))) == [0, 1, 2]
    with pytest.raises(TypeError, match="float32"):
        names[tg.Tensor(1.0)]
    with pytest.raises(TypeError, match=r"\(1,\)"):
        names[tg.Tensor([1])]
    # Indexing an ndarray with a tensor acts as with the tensor's array: a mask stays a
    # mask, an index array keeps its axis.
    a, b = np.array([10, 20]), np.arange(6).reshape(2, 3)
    np.testing.assert_array_equal(a[tg.Tensor([True, False])], a[np.array([True, False])])
    assert b[tg.Tensor([1])].shape == b[np.array([1])].shape == (1, 3)


@pytest.mark.parametrize("source, target", [(np.float32, np.float64), (np.float64, np.float32)])
def test_astype_between_floats_stays_in_the_graph(source, target):
    a = np.array([0.5, -1.5, 2.0])
    x = tg.Tensor(a, dtype=source, requires_grad=True)
    y = x.astype(target)
    assert y.dtype == target and y.requires_grad
    (y * y).sum().backward()
    assert x.grad.dtype == source  # the gradient is cast back
    np.testing.assert_allclose(x.grad.data, 2 * a, rtol=1e-6)
    (g,) = tg.grad((x.astype(target) ** 3).sum(), x, create_graph=True)
    (h,) = tg.grad(g.sum(), x)
    np.testing.assert_allclose(h.data, 6 * a, rtol=1e-6)


def test_astype_copies_and_to_integers_has_no_gradient():
    x = tg.Tensor([1.7, -2.2], requires_grad=True)
    same = x.astype(np.float32)
    assert same.data is not x.data and same.requires_grad
    ints = x.astype(np.int64)
    assert ints.dtype == np.int64 and not ints.requires_grad
    np.testing.assert_array_equal(ints.data, [1, -2])


def test_in_place_update_of_a_0d_tensor_keeps_an_array():
    x = tg.Tensor(2.0, requires_grad=True, dtype=np.float64)
    with tg.no_grad():
        x -= 0.5
        x *= 2.0
    assert type(x.data) is np.ndarray and x.shape == ()
    assert x.item() == 3.0
    assert np.asarray(x).shape == ()
    (g,) = tg.grad(x ** 3, x, create_graph=True)  # second order still works
    (h,) = tg.grad(g, x)
    assert g.item() == 27.0 and h.item() == 18.0


def test_second_order_survives_data_set_to_a_numpy_scalar_by_hand():
    # Newton's method written PyTorch's way: x.data = x.data - ... gives a NumPy scalar
    # for a 0-d tensor; the graph must still find x.
    x = tg.Tensor(2.0, requires_grad=True, dtype=np.float64)
    x.data = x.data - 0.5
    (g,) = tg.grad(x ** 3, x, create_graph=True)
    assert g.requires_grad
    (h,) = tg.grad(g, x)
    assert h.item() == pytest.approx(6 * 1.5)
    assert np.asarray(x).shape == ()


# --- std, logsumexp, squeeze / expand_dims, clone, leaky_relu, softplus ---


def test_squeeze_of_an_axis_that_is_not_size_1_names_the_axis_and_the_shape():
    x = tg.Tensor(np.zeros((2, 1, 3)), requires_grad=True)
    with pytest.raises(ValueError, match=r"squeeze: axis 0 has size 2, not 1 .*\(2, 1, 3\)"):
        x.squeeze(0)
    with pytest.raises(ValueError, match=r"axis -1 has size 3"):
        x.squeeze((1, -1))
    with pytest.raises(ValueError, match=r"axis 0 has size 2"):
        np.squeeze(x, axis=0)


def test_squeeze_and_expand_dims_axis_errors():
    x = tg.Tensor(np.zeros((2, 1)))
    with pytest.raises(np.exceptions.AxisError, match="squeeze: axis 2 is out of bounds"):
        x.squeeze(2)
    with pytest.raises(np.exceptions.AxisError, match="expand_dims: axis -4 is out of bounds"):
        x.expand_dims(-4)
    with pytest.raises(ValueError, match=r"repeated axis in \(1, -3\)"):
        x.expand_dims((1, -3))
    with pytest.raises(TypeError, match="axis must be an int or a tuple of ints, got 1.0"):
        x.unsqueeze(1.0)


def test_squeeze_and_expand_dims_shapes_match_numpy():
    a = np.arange(6.0).reshape(1, 2, 1, 3)
    x = tg.Tensor(a)
    for axis in (None, 0, -2, (0, 2), [2]):
        assert x.squeeze(axis).shape == np.squeeze(a, axis if axis is None else tuple(
            np.atleast_1d(axis))).shape
    for axis in (0, 4, -1, -5, (0, 1), (-1, 0)):
        assert x.expand_dims(axis).shape == np.expand_dims(a, axis).shape
    assert x.unsqueeze(-1).shape == (1, 2, 1, 3, 1)
    s = tg.Tensor(3.0)  # 0-d: squeeze keeps it, expand_dims makes (1,)
    assert s.squeeze().shape == () and s.expand_dims(0).shape == (1,)


def test_std_errors_name_the_op_and_ddof():
    x = tg.Tensor(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"std needs more than ddof=3 values along axis=1, got 3"):
        x.std(axis=1, ddof=3)
    with pytest.raises(np.exceptions.AxisError):
        x.std(axis=2)


def test_std_is_the_square_root_of_var_and_keeps_float32():
    a = np.array([[1.0, 2.0, 4.0], [0.5, 0.5, 3.0]], dtype=np.float32)
    y = tg.Tensor(a).std(axis=1, ddof=1, keepdims=True)
    assert y.dtype == np.float32 and y.shape == (2, 1)
    np.testing.assert_allclose(y.data, np.sqrt(((a - a.mean(1, keepdims=True)) ** 2).sum(
        1, keepdims=True) / 2), rtol=1e-6)


def test_logsumexp_is_stable_for_huge_values_in_float32():
    x = tg.Tensor(np.array([[1000.0, 1000.0], [-1000.0, -1001.0]], dtype=np.float32),
                  requires_grad=True)
    y = x.logsumexp(axis=1)
    assert y.dtype == np.float32
    np.testing.assert_allclose(y.data, [1000 + np.log(2), -1000 + np.log1p(np.exp(-1.0))],
                               rtol=1e-6)
    y.sum().backward()  # the gradient is softmax along the axis
    e = np.exp([-0.0, -1.0])
    np.testing.assert_allclose(x.grad.data, [[0.5, 0.5], e / e.sum()], rtol=1e-6)


def test_module_logsumexp_takes_lists_and_arrays():
    values = [[0.5, -1.0, 2.0], [1.0, 1.0, 1.0]]
    expected = np.log(np.exp(np.array(values)).sum(axis=-1, keepdims=True))
    for given in (values, np.array(values), tg.Tensor(values)):
        y = tg.logsumexp(given, axis=-1, keepdims=True)
        assert isinstance(y, tg.Tensor) and y.shape == (2, 1)
        np.testing.assert_allclose(y.data, expected, rtol=1e-6)


def test_clone_copies_the_data_and_passes_the_gradient():
    x = tg.Tensor([1.0, 2.0], requires_grad=True)
    y = x.clone()
    assert y.requires_grad and y.dtype == x.dtype
    y.data[0] = 7.0
    assert x.data[0] == 1.0  # a copy, not a view
    (y * tg.Tensor([3.0, 5.0])).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [3.0, 5.0])
    ints = tg.Tensor([1, 2])
    c = ints.clone()
    assert c.dtype == ints.dtype and not c.requires_grad and c.data is not ints.data


def test_leaky_relu_and_softplus_keep_float32_and_softplus_rejects_beta_zero():
    import tinygrad_edu.nn.functional as F
    x = tg.Tensor(np.array([-2.0, 0.0, 3.0], dtype=np.float32), requires_grad=True)
    assert x.leaky_relu().dtype == np.float32 and F.leaky_relu(x, 0.2).dtype == np.float32
    np.testing.assert_allclose(F.leaky_relu(x, 0.2).data, [-0.4, 0.0, 3.0], rtol=1e-6)
    y = F.softplus(x, beta=2.0)
    assert y.dtype == np.float32
    np.testing.assert_allclose(y.data, np.log1p(np.exp(2 * x.data.astype(np.float64))) / 2,
                               rtol=1e-6)
    with pytest.raises(ValueError, match="softplus: beta must be nonzero, got 0"):
        F.softplus(x, beta=0)


def test_logsumexp_of_integers_has_the_default_float_dtype_as_torch():
    y = tg.Tensor([[1, 2], [3, 4]]).logsumexp(axis=1)
    assert y.dtype == np.float32
    np.testing.assert_allclose(y.data, np.log(np.exp([[1, 2], [3, 4]]).sum(axis=1)))


@pytest.mark.parametrize("bad", [None, "0.2", True])
def test_activation_hyper_parameters_must_be_numbers(bad):
    x = tg.Tensor([1.0, -1.0])
    with pytest.raises(TypeError, match=f"negative_slope must be a number, got {bad!r}"):
        F.leaky_relu(x, bad)
    with pytest.raises(TypeError, match=f"softplus: beta must be a number, got {bad!r}"):
        F.softplus(x, bad)
