"""PyTorch's Tensor methods and torch.<op> functions (pytorch_names.py) against PyTorch.

Every value, dtype and gradient is compared with torch in float64 (Hypothesis shapes: 0-d,
size-1 axes, broadcasting); misuse must raise an error that names the problem.
"""
import copy
import json
import pickle

import numpy as np
import pytest
from hypothesis import given, strategies as st
from hypothesis.extra import numpy as hnp

import tinygrad_edu as tg
from tinygrad_edu import pytorch_names
import strategies as s

torch = pytest.importorskip("torch", reason="PyTorch is the oracle for PyTorch's names")

F64 = np.float64
TORCH_DTYPES = {torch.float64: np.float64, torch.float32: np.float32, torch.float16: np.float16,
                torch.int64: np.int64, torch.int32: np.int32, torch.int16: np.int16,
                torch.bool: np.bool_, torch.uint8: np.uint8, torch.int8: np.int8}


def _same(ours, theirs, what="value", rtol=1e-10):
    """ours (a Tensor) has theirs' (a torch tensor's) shape, dtype and values."""
    assert isinstance(ours, tg.Tensor), f"{what}: got {type(ours).__name__}"
    theirs = theirs.detach()
    assert ours.shape == tuple(theirs.shape), f"{what}: shape {ours.shape} vs {theirs.shape}"
    assert ours.dtype == TORCH_DTYPES[theirs.dtype], f"{what}: {ours.dtype} vs {theirs.dtype}"
    np.testing.assert_allclose(ours.data, theirs.numpy(), rtol=rtol, atol=1e-12, err_msg=what)


def _grad(t, shape):
    """A leaf's gradient as an ndarray: zeros where torch or we left None."""
    g = t.grad
    if g is None:
        return np.zeros(shape)
    return g.data if isinstance(g, tg.Tensor) else g.numpy()


def against_torch(ours_fn, theirs_fn, arrays, data=None, grad=True):
    """Run both on float64 leaves made of ``arrays``; compare outputs (a tensor or a tuple)
    and, for ``grad``, the leaves' gradients for a random incoming gradient per output."""
    ours_in = [tg.Tensor(a, requires_grad=grad) for a in arrays]
    theirs_in = [torch.tensor(a, requires_grad=grad) for a in arrays]
    ys, zs = ours_fn(*ours_in), theirs_fn(*theirs_in)
    single = not isinstance(ys, tuple)
    ys, zs = ((ys,), (zs,)) if single else (ys, tuple(zs))
    assert len(ys) == len(zs)
    for i, (y, z) in enumerate(zip(ys, zs)):
        _same(y, z, f"output {i}")
    if not grad:
        return
    loss_ours, loss_theirs = 0.0, 0.0
    for y, z in zip(ys, zs):
        if not y.requires_grad:
            assert not z.requires_grad or y.dtype.kind != "f"
            continue
        g = (data.draw(s.incoming_grad(y.shape)) if data is not None
             else np.random.default_rng(0).uniform(-2, 2, y.shape))
        loss_ours = loss_ours + (y * g).sum()
        loss_theirs = loss_theirs + (z * torch.tensor(g)).sum()
    if isinstance(loss_ours, float):
        return
    loss_ours.backward()
    loss_theirs.backward()
    for i, (a, b) in enumerate(zip(ours_in, theirs_in)):
        np.testing.assert_allclose(_grad(a, a.shape), _grad(b, a.shape), rtol=1e-10,
                                   atol=1e-12, err_msg=f"gradient of input {i}")


arrays_ = s.arrays(s.shapes())


# --- x.size: NumPy's int and PyTorch's method ---


def test_size_is_numpys_int_everywhere():
    x = tg.zeros(2, 3)
    assert x.size == 6 and x.size != 5 and 6 == x.size and x.size > 5
    assert x.size * 2 == 12 and x.size + 1 == 7 and x.size // 4 == 1 and -x.size == -6
    assert type(x.size * 2) is int and isinstance(x.size, int)
    assert np.zeros(x.size).shape == (6,) and list(range(x.size)) == list(range(6))
    assert f"{x.size}" == "6" and f"{x.size:03d}" == "006" and repr(x.size) == "6"
    assert "%d" % x.size == "6" and json.dumps({"n": x.size}) == '{"n": 6}'
    assert np.arange(10)[x.size] == 6 and {6: "a"}[x.size] == "a" and hash(x.size) == hash(6)
    assert bool(tg.zeros(0).size) is False and bool(x.size) is True
    for copied in (pickle.loads(pickle.dumps(x.size)), copy.copy(x.size), copy.deepcopy(x.size)):
        assert copied == 6 and type(copied) is int
    assert np.asarray(x.size).dtype.kind == "i" and np.asarray(x.size) == 6
    assert x.shape == (2, 3) and type(x.shape) is tuple


@given(hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=3))
def test_size_called_is_pytorchs(shape):
    x, t = tg.zeros(shape), torch.zeros(shape)
    assert x.size() == tuple(t.size()) == x.shape and type(x.size()) is tuple
    assert len(x.size()) == t.dim() and x.size == t.numel() == x.numel() == x.nelement()
    for d in range(-len(shape), len(shape)):
        assert x.size(d) == t.size(d) == x.size(dim=d) == x.size()[d]
    assert x.dim() == x.ndimension() == t.dim()


def test_size_with_a_bad_dim_raises_as_torch():
    with pytest.raises(IndexError, match=r"size\(2\): dim out of range for a 2-D tensor"):
        tg.zeros(2, 3).size(2)
    with pytest.raises(IndexError, match="a 0-d tensor has no dimensions"):
        tg.Tensor(1.0).size(0)
    with pytest.raises(TypeError, match="must be an int"):
        tg.zeros(2, 3).size(1.0)


# --- the tables ---


def test_aliases_are_the_methods_themselves():
    for alias, target in pytorch_names.METHOD_ALIASES.items():
        assert getattr(tg.Tensor, alias) is getattr(tg.Tensor, target), alias
    for name, method in pytorch_names.METHODS.items():
        assert getattr(tg.Tensor, name) is method, name


def test_every_function_name_is_a_tensor_method_and_in_tg():
    for name in pytorch_names.FUNCTION_NAMES:
        assert callable(getattr(tg.Tensor, name)), name
        assert getattr(tg, name) is pytorch_names.FUNCTIONS[name], name
    assert tg.cat is tg.concat is tg.concatenate and tg.split is pytorch_names.split


def test_the_operators_are_untouched():
    # The hot path: PyTorch's names must not wrap or replace the operators.
    for op in ("__add__", "__mul__", "__sub__", "__truediv__", "__pow__", "__matmul__"):
        assert getattr(tg.Tensor, op).__module__ == "tinygrad_edu._tensor"
    assert tg.Tensor.mul is tg.Tensor.__mul__ and tg.Tensor.neg is tg.Tensor.__neg__


def test_star_import_does_not_shadow_builtins():
    namespace = {}
    exec("from tinygrad_edu import *", namespace)
    for name in ("abs", "all", "any", "max", "min", "pow", "round", "sum", "float", "int",
                 "bool"):
        assert name not in namespace, name
    assert "sin" in namespace and "cat" in namespace and "mm" in namespace


# --- element-wise functions: tg.f(x) is x.f() is torch.f(x) ---

UNARY = {
    "abs": s.away_from_zero(), "absolute": s.away_from_zero(), "neg": None, "negative": None,
    "exp": None, "exp2": None, "expm1": None, "log": s.positive(), "log1p": s.positive(),
    "log2": s.positive(), "log10": s.positive(), "sqrt": s.positive(),
    "rsqrt": s.positive(), "square": None, "reciprocal": s.away_from_zero(), "sin": None,
    "cos": None, "tan": s.reals(-1.2, 1.2), "sinh": None, "cosh": None, "tanh": None,
    "asin": s.reals(-0.9, 0.9), "acos": s.reals(-0.9, 0.9), "atan": None, "asinh": None,
    "acosh": s.reals(1.1, 3.0), "atanh": s.reals(-0.9, 0.9), "arcsin": s.reals(-0.9, 0.9),
    "arccos": s.reals(-0.9, 0.9), "arctan": None, "arcsinh": None,
    "arccosh": s.reals(1.1, 3.0), "arctanh": s.reals(-0.9, 0.9), "sigmoid": None,
    "relu": s.away_from_zero(), "sign": s.away_from_zero(), "floor": s.away_from_jumps(),
    "ceil": s.away_from_jumps(), "round": s.away_from_jumps(0.5), "trunc": s.away_from_jumps(),
    "fix": s.away_from_jumps(),
}


@pytest.mark.parametrize("name", sorted(UNARY))
@given(data=st.data())
def test_unary_function_and_method_match_torch(name, data):
    x = data.draw(s.arrays(s.shapes(), UNARY[name]))
    against_torch(getattr(tg, name), getattr(torch, name), [x], data)
    against_torch(lambda t: getattr(t, name)(), lambda t: getattr(t, name)(), [x], data)


BINARY = ["add", "sub", "subtract", "mul", "multiply", "div", "divide", "true_divide", "pow",
          "atan2", "arctan2", "hypot", "logaddexp", "maximum", "minimum"]


@pytest.mark.parametrize("name", BINARY)
@given(data=st.data())
def test_binary_function_and_method_match_torch_with_broadcasting(name, data):
    shapes = data.draw(hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=3))
    first = s.positive() if name == "pow" else s.away_from_zero()
    x = data.draw(s.arrays(shapes.input_shapes[0], first))
    y = data.draw(s.arrays(shapes.input_shapes[1], s.away_from_zero()))
    if name in ("maximum", "minimum"):
        y = y + 0.05  # no ties: both libraries split or route them differently
    against_torch(getattr(tg, name), getattr(torch, name), [x, y], data)
    against_torch(lambda a, b: getattr(a, name)(b), lambda a, b: getattr(a, name)(b), [x, y],
                  data)


@pytest.mark.parametrize("name", ["add", "sub"])
@given(data=st.data(), alpha=st.sampled_from([1, 2, -0.5]))
def test_add_and_sub_take_alpha(name, data, alpha):
    shapes = data.draw(hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=3))
    x, y = (data.draw(s.arrays(shape)) for shape in shapes.input_shapes)
    against_torch(lambda a, b: getattr(a, name)(b, alpha=alpha),
                  lambda a, b: getattr(a, name)(b, alpha=alpha), [x, y], data)
    against_torch(lambda a, b: getattr(tg, name)(a, b, alpha=alpha),
                  lambda a, b: getattr(torch, name)(a, b, alpha=alpha), [x, y], data)
    with pytest.raises(TypeError, match="alpha must be a number"):
        getattr(tg.Tensor(x), name)(1.0, alpha="2")


@pytest.mark.parametrize("name", ["add", "sub", "mul", "div", "pow"])
@pytest.mark.parametrize("number", [2, 0.1, 3.5])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_a_number_first_keeps_the_tensors_dtype_as_torch(name, number, dtype):
    x = np.array([0.5, 1.5, 2.5], dtype)
    ours, theirs = getattr(tg, name)(number, tg.Tensor(x)), getattr(torch, name)(number,
                                                                               torch.tensor(x))
    _same(ours, theirs, rtol=1e-6)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # log(0) and the like, in both
@pytest.mark.parametrize("name", sorted(UNARY))
@pytest.mark.parametrize("dtype", [np.float32, np.int64])
def test_unary_functions_give_torchs_dtype(name, dtype):
    inside = [1.25, 1.75] if name in ("acosh", "arccosh") else [0.25, 0.75]
    x = np.array(inside, np.float32) if dtype == np.float32 else np.array([0, 1, 2])
    try:
        theirs = getattr(torch, name)(torch.tensor(x))
    except (RuntimeError, NotImplementedError):
        return  # torch refuses this dtype; ours may do more
    _same(getattr(tg, name)(tg.Tensor(x)), theirs, rtol=1e-6)


@given(data=st.data())
def test_shape_and_graph_functions_match_torch(data):
    x = data.draw(s.arrays(s.shapes(min_dims=2)))
    shape = data.draw(st.permutations(x.shape))
    for ours, theirs in [
            (lambda t: tg.reshape(t, shape), lambda t: torch.reshape(t, shape)),
            (lambda t: tg.broadcast_to(t, (2,) + x.shape),
             lambda t: torch.broadcast_to(t, (2,) + x.shape)),
            (lambda t: tg.swapaxes(t, 0, -1), lambda t: torch.swapaxes(t, 0, -1)),
            (lambda t: tg.swapdims(t, 0, 1), lambda t: torch.swapdims(t, 0, 1)),
            (lambda t: t.swapdims(-1, 0), lambda t: t.swapdims(-1, 0)),
            (lambda t: tg.clone(t) * 2, lambda t: torch.clone(t) * 2),
            (lambda t: t + tg.detach(t) ** 2, lambda t: t + torch.detach(t) ** 2),
            (lambda t: tg.square(t), lambda t: torch.square(t))]:
        against_torch(ours, theirs, [x], data)
    odd = data.draw(s.distinct_arrays((3,) + x.shape[1:]))  # an odd count: one median
    against_torch(lambda t: tg.median(t), lambda t: torch.median(t), [odd], data)
    against_torch(lambda t: tuple(tg.median(t, 0)), lambda t: tuple(torch.median(t, 0)), [odd],
                  data)


def test_the_functions_take_lists_and_numbers_as_the_method_would():
    np.testing.assert_allclose(tg.exp([0.0, 1.0]).data, np.exp([0.0, 1.0]), rtol=1e-6)
    assert tg.add(1.0, 2.0).item() == 3.0


# --- div's rounding modes ---


@pytest.mark.parametrize("mode", ["trunc", "floor"])
def test_div_rounding_modes_match_torch_on_floats_with_gradient_zero(mode):
    a = np.array([7.0, -7.0, 1.0, 5.5, -5.5, 0.3, -1e-3, 3.0])
    b = np.array([2.0, 2.0, 0.1, -2.0, 2.0, 0.1, 1.0, -1.5])  # 1 / 0.1: floor is 9, as 1 // 0.1
    against_torch(lambda x, y: x.div(y, rounding_mode=mode),
                  lambda x, y: x.div(y, rounding_mode=mode), [a, b])
    against_torch(lambda x: tg.div(x, 0.7, rounding_mode=mode),
                  lambda x: torch.div(x, 0.7, rounding_mode=mode), [a])
    a32 = (a * 10).astype(np.float32)  # the number is taken in x's dtype, as torch does
    _same(tg.Tensor(a32).div(0.7, rounding_mode=mode),
          torch.tensor(a32).div(0.7, rounding_mode=mode), rtol=0)
    x = tg.Tensor(a, requires_grad=True)
    x.div(2.0, rounding_mode=mode).sum().backward()
    np.testing.assert_array_equal(x.grad.data, np.zeros_like(a))


@pytest.mark.parametrize("mode", ["trunc", "floor"])
def test_div_rounding_modes_match_torch_on_integers(mode):
    a, b = np.array([7, -7, 7, -7, 0, 6]), np.array([2, 2, -2, -2, 3, 3])
    _same(tg.Tensor(a).div(tg.Tensor(b), rounding_mode=mode),
          torch.tensor(a).div(torch.tensor(b), rounding_mode=mode))
    _same(tg.Tensor(a).div(2, rounding_mode=mode), torch.tensor(a).div(2, rounding_mode=mode))
    _same(tg.floor_divide(tg.Tensor(a), 3), torch.floor_divide(torch.tensor(a), 3))
    _same(tg.Tensor(a).div(2), torch.tensor(a).div(2))  # true division: float


def test_div_refuses_a_bad_mode_and_integer_division_by_zero():
    with pytest.raises(ValueError, match="rounding_mode must be"):
        tg.Tensor([1.0]).div(2.0, rounding_mode="round")
    with pytest.raises(ZeroDivisionError, match="integer division by zero"):
        tg.Tensor([1, 2]).div(tg.Tensor([1, 0]), rounding_mode="floor")


# --- clamp: number or tensor bounds, the gradient to each as torch ---


@given(data=st.data())
def test_clamp_with_tensor_bounds_gives_their_gradient_as_torch(data):
    shapes = data.draw(hnp.mutually_broadcastable_shapes(num_shapes=3, max_dims=3, max_side=3))
    x = data.draw(s.arrays(shapes.input_shapes[0], s.reals(-3, 3)))
    lo = data.draw(s.arrays(shapes.input_shapes[1], s.reals(-2, 0)))
    hi = data.draw(s.arrays(shapes.input_shapes[2], s.reals(0.1, 2)))
    # keep x away from the bounds (ties are tested by example below)
    x = np.where(np.abs(x - lo) < 0.05, x + 0.1, x)
    x = np.where(np.abs(x - hi) < 0.05, x + 0.1, x)
    against_torch(lambda a, b, c: a.clamp(b, c), lambda a, b, c: a.clamp(b, c), [x, lo, hi], data)
    against_torch(lambda a, b, c: tg.clamp(a, min=b, max=c),
                  lambda a, b, c: torch.clamp(a, min=b, max=c), [x, lo, hi], data)
    against_torch(lambda a, b, c: tg.clip(a, b, c), lambda a, b, c: torch.clip(a, b, c),
                  [x, lo, hi], data)
    against_torch(lambda a, b: a.clamp_min(b), lambda a, b: a.clamp_min(b), [x, lo], data)
    against_torch(lambda a, c: a.clamp_max(c), lambda a, c: a.clamp_max(c), [x, hi], data)
    against_torch(lambda a, b: a.clamp(min=b), lambda a, b: a.clamp(min=b), [x, lo], data)


@pytest.mark.parametrize("lo,hi", [(1.0, 1.0), (2.0, 0.5), (0.0, 2.0), (1.0, 1.5)])
def test_clamp_at_ties_and_crossed_bounds_as_torch(lo, hi):
    # x lands on the bounds; min == max; min > max (the result is max)
    x = np.array([-1.0, 0.0, 0.5, 1.0, 1.5, 2.0, 3.0])
    against_torch(lambda a, b, c: a.clamp(b, c), lambda a, b, c: a.clamp(b, c),
                  [x, np.array(lo), np.array(hi)])
    against_torch(lambda a: a.clamp(lo, hi), lambda a: a.clamp(lo, hi), [x])
    against_torch(lambda a: tg.clamp(a, max=hi), lambda a: torch.clamp(a, max=hi), [x])


def test_clamp_keeps_the_dtype_and_needs_a_bound():
    _same(tg.Tensor(np.arange(4, dtype=np.float32)).clamp(1, 2),
          torch.arange(4, dtype=torch.float32).clamp(1, 2))
    _same(tg.Tensor(np.arange(4)).clamp(1, 2), torch.arange(4).clamp(1, 2))
    with pytest.raises(ValueError, match="at least one of min and max"):
        tg.Tensor([1.0]).clamp()


# --- shapes ---


@given(data=st.data())
def test_view_reshape_as_and_view_as(data):
    x = data.draw(arrays_)
    shape = list(data.draw(st.permutations(x.shape + (1,))))
    if shape:
        shape[data.draw(st.integers(0, len(shape) - 1))] = -1
    against_torch(lambda t: t.view(*shape), lambda t: t.view(*shape), [x], data)
    against_torch(lambda t: t.view(tuple(shape)), lambda t: t.view(tuple(shape)), [x], data)
    target = np.zeros(x.size)
    against_torch(lambda t: t.view_as(tg.Tensor(target)),
                  lambda t: t.view_as(torch.tensor(target)), [x], data)
    against_torch(lambda t: t.reshape_as(tg.Tensor(target)),
                  lambda t: t.reshape_as(torch.tensor(target)), [x], data)


def test_view_with_a_wrong_size_or_a_dtype_raises():
    with pytest.raises(ValueError, match=r"size 6 into shape \(4,\)"):
        tg.zeros(2, 3).view(4)
    with pytest.raises(TypeError, match=r"reinterpreting the bits .* use \.to\(dtype\)"):
        tg.zeros(2, 3).view(np.int32)


@given(data=st.data())
def test_expand_and_expand_as(data):
    x = data.draw(arrays_)
    lead = data.draw(st.lists(st.integers(1, 3), max_size=2))
    sizes = [data.draw(st.sampled_from([-1, 3])) if n == 1 else
             data.draw(st.sampled_from([-1, n])) for n in x.shape]
    sizes = lead + sizes or [2]  # torch's expand() needs a size
    against_torch(lambda t: t.expand(*sizes), lambda t: t.expand(*sizes), [x], data)
    against_torch(lambda t: t.expand(sizes), lambda t: t.expand(sizes), [x], data)
    other = np.zeros(torch.zeros(x.shape).expand(*sizes).shape)
    against_torch(lambda t: t.expand_as(tg.Tensor(other)),
                  lambda t: t.expand_as(torch.tensor(other)), [x], data)


@pytest.mark.parametrize("sizes,message", [
    ((3, 3), r"cannot expand shape \(2, 3\) to \(3, 3\): dim 0 has size 2"),
    ((-1, 2, 3), "-1 is not allowed for the new leading dim 0"),
    ((3,), r"1 sizes \(3,\) for a 2-D tensor"),
    ((2, -2), "a size is >= 0, or -1"),
])
def test_expand_refuses_what_torch_refuses(sizes, message):
    with pytest.raises(ValueError, match=message):
        tg.zeros(2, 3).expand(*sizes)
    with pytest.raises(RuntimeError):
        torch.zeros(2, 3).expand(*sizes)


@given(data=st.data())
def test_permute(data):
    x = data.draw(s.arrays(s.shapes(min_dims=1)))
    dims = data.draw(st.permutations(range(x.ndim)))
    dims = [d - x.ndim if data.draw(st.booleans()) else d for d in dims]
    against_torch(lambda t: t.permute(*dims), lambda t: t.permute(*dims), [x], data)
    against_torch(lambda t: tg.permute(t, dims), lambda t: torch.permute(t, dims), [x], data)


@pytest.mark.parametrize("dims,error,message", [
    ((0,), ValueError, r"name each of the 2 dims of shape \(2, 3\) once"),
    ((0, 0), ValueError, "repeated axis"),
    ((0, 2), np.exceptions.AxisError, "out of bounds"),
])
def test_permute_refuses_what_is_not_a_permutation(dims, error, message):
    with pytest.raises(error, match=message):
        tg.zeros(2, 3).permute(*dims)


def test_permute_of_a_0d_tensor_names_no_dims():
    x = tg.Tensor(2.0, requires_grad=True)
    x.permute().backward()
    assert x.permute(()).shape == () and x.grad.item() == 1.0


@pytest.mark.parametrize("shape", [(), (3,), (2, 3), (1, 4)])
def test_t_as_torch(shape):
    x = np.random.default_rng(0).standard_normal(shape)
    against_torch(lambda a: a.t(), lambda a: a.t(), [x])
    against_torch(tg.t, torch.t, [x])
    with pytest.raises(ValueError, match=r"t\(\) expects a tensor with <= 2 dims, got shape"):
        tg.zeros(2, 3, 4).t()


def test_transpose_function_swaps_two_dims_as_torch():
    x = np.random.default_rng(0).standard_normal((2, 3, 4))
    for d0, d1 in [(0, 1), (1, 0), (0, -1), (2, 1)]:
        against_torch(lambda a: tg.transpose(a, d0, d1), lambda a: torch.transpose(a, d0, d1),
                      [x])
    matrix = x[0]  # on a matrix too: the function form is never NumPy's permutation
    against_torch(lambda a: tg.transpose(a, 0, 1), lambda a: torch.transpose(a, 0, 1), [matrix])
    np.testing.assert_array_equal(tg.transpose(tg.Tensor(x)).data, np.transpose(x))
    np.testing.assert_array_equal(tg.transpose(tg.Tensor(x), (1, 0, 2)).data,
                                  np.transpose(x, (1, 0, 2)))


@given(data=st.data())
def test_narrow(data):
    x = data.draw(s.arrays(s.shapes(min_dims=1)))
    dim = data.draw(st.integers(-x.ndim, x.ndim - 1))
    n = x.shape[dim]
    start = data.draw(st.integers(-n, n))
    length = data.draw(st.integers(0, n - (start % n if start < 0 else start)))
    against_torch(lambda t: t.narrow(dim, start, length), lambda t: t.narrow(dim, start, length),
                  [x], data)
    against_torch(lambda t: tg.narrow(t, dim, start, length),
                  lambda t: torch.narrow(t, dim, start, length), [x], data)


def test_narrow_refuses_a_range_past_the_end():
    with pytest.raises(ValueError, match=r"start \(2\) \+ length \(2\) exceeds the size \(3\)"):
        tg.zeros(2, 3).narrow(1, 2, 2)
    with pytest.raises(ValueError, match="start must be"):
        tg.zeros(2, 3).narrow(1, 4, 0)


@given(data=st.data())
def test_flatten_start_and_end_dims(data):
    x = data.draw(arrays_)
    ndim = max(x.ndim, 1)
    start = data.draw(st.integers(-ndim, ndim - 1))
    end = data.draw(st.integers(start % ndim, ndim - 1))
    end = end - ndim if data.draw(st.booleans()) else end
    against_torch(lambda t: t.flatten(start, end), lambda t: t.flatten(start, end), [x], data)
    against_torch(lambda t: tg.flatten(t, start_dim=start, end_dim=end),
                  lambda t: torch.flatten(t, start_dim=start, end_dim=end), [x], data)
    against_torch(lambda t: t.flatten(), lambda t: t.flatten(), [x], data)
    with pytest.raises(ValueError, match="start_dim .* comes after end_dim"):
        tg.zeros(2, 3, 4).flatten(2, 1)


@given(data=st.data())
def test_squeeze_and_unsqueeze_take_dim(data):
    x = data.draw(arrays_)
    ones = [d for d, n in enumerate(x.shape) if n == 1]
    if ones:
        d = data.draw(st.sampled_from(ones))
        against_torch(lambda t: t.squeeze(dim=d), lambda t: t.squeeze(dim=d), [x], data)
        against_torch(lambda t: tg.squeeze(t, d), lambda t: torch.squeeze(t, d), [x], data)
    against_torch(lambda t: tg.squeeze(t), lambda t: torch.squeeze(t), [x], data)
    d = data.draw(st.integers(-x.ndim - 1, x.ndim))
    against_torch(lambda t: t.unsqueeze(dim=d), lambda t: t.unsqueeze(dim=d), [x], data)
    against_torch(lambda t: tg.unsqueeze(t, d), lambda t: torch.unsqueeze(t, d), [x], data)
    with pytest.raises(TypeError, match="one dim"):
        tg.zeros(2).unsqueeze(0, axis=0)


@given(data=st.data())
def test_split_chunk_and_unbind_as_torch(data):
    x = data.draw(s.arrays(hnp.array_shapes(min_dims=1, max_dims=3, min_side=0, max_side=5)))
    dim = data.draw(st.integers(-x.ndim, x.ndim - 1))
    n = x.shape[dim]
    size = data.draw(st.integers(1, 6)) if n else data.draw(st.integers(0, 2))
    chunks = data.draw(st.integers(1, 6))
    sizes = [1] * n if not n else data.draw(st.lists(st.integers(0, n), min_size=1, max_size=3))
    sizes = sizes[:-1] + [n - sum(sizes[:-1])] if n and sum(sizes[:-1]) <= n else [n]
    for ours, theirs in [
            (lambda t: t.split(size, dim), lambda t: t.split(size, dim)),
            (lambda t: tg.split(t, size, dim=dim), lambda t: torch.split(t, size, dim=dim)),
            (lambda t: tg.split(t, sizes, dim), lambda t: torch.split(t, sizes, dim)),
            (lambda t: t.chunk(chunks, dim), lambda t: t.chunk(chunks, dim)),
            (lambda t: tg.chunk(t, chunks, dim=dim), lambda t: torch.chunk(t, chunks, dim=dim)),
            (lambda t: t.unbind(dim), lambda t: t.unbind(dim)),
            (lambda t: tg.unbind(t, dim=dim), lambda t: torch.unbind(t, dim=dim))]:
        against_torch(ours, theirs, [x], data)


def test_split_keeps_numpys_meaning_only_with_numpys_keywords():
    x = tg.arange(6.0)
    assert [p.shape for p in tg.split(x, 2)] == [(2,), (2,), (2,)]  # sizes (PyTorch)
    assert [p.shape for p in tg.split(x, 2, axis=0)] == [(3,), (3,)]  # parts (NumPy)
    assert [p.shape for p in tg.split(x, [1, 5])] == [(1,), (5,)]  # sizes
    assert [p.shape for p in tg.split(x, [1, 5], axis=0)] == [(1,), (4,), (1,)]  # cut indices
    assert [p.shape for p in tg.split(x, sections=3)] == [(2,), (2,), (2,)]  # parts
    assert [p.shape for p in np.split(x, 3)] == [(2,), (2,), (2,)]  # np.split is NumPy's


@pytest.mark.parametrize("call,error,message", [
    (lambda x: tg.split(x, [2, 2]), ValueError, r"the sizes \[2, 2\] must add up to 5"),
    (lambda x: x.split(0), ValueError, "split_size_or_sections must be an int >= 1"),
    (lambda x: x.split(2.0), TypeError, "must be an int"),
    (lambda x: tg.split(x, 2, dim=1, axis=0), TypeError, "not a mix"),
    (lambda x: tg.split(tg.Tensor(1.0), 1), ValueError, "at least one dim"),
    (lambda x: x.chunk(0), ValueError, "chunks must be an int >= 1"),
])
def test_split_and_chunk_refuse_bad_sizes(call, error, message):
    with pytest.raises(error, match=message):
        call(tg.arange(5.0))


def test_cat_stack_unbind_take_dim():
    a, b = np.ones((2, 3)), np.zeros((2, 3))
    for d in (0, 1, -1):
        against_torch(lambda x, y: tg.cat([x, y], dim=d), lambda x, y: torch.cat([x, y], dim=d),
                      [a, b])
        against_torch(lambda x, y: tg.concat((x, y), d), lambda x, y: torch.concat((x, y), d),
                      [a, b])
        against_torch(lambda x, y: tg.stack([x, y], dim=d),
                      lambda x, y: torch.stack([x, y], dim=d), [a, b])
    with pytest.raises(TypeError, match="not both"):
        tg.cat([tg.Tensor(a), tg.Tensor(b)], axis=1, dim=0)


@given(data=st.data())
def test_sum_to_size(data):
    x = data.draw(s.arrays(s.shapes(min_dims=1)))
    size = data.draw(st.lists(st.booleans(), min_size=x.ndim, max_size=x.ndim))
    shape = tuple(1 if keep else n for keep, n in zip(size, x.shape))
    shape = shape[data.draw(st.integers(0, len(shape) - 1)):]
    against_torch(lambda t: t.sum_to_size(*shape), lambda t: t.sum_to_size(*shape), [x], data)
    against_torch(lambda t: t.sum_to_size(shape), lambda t: t.sum_to_size(shape), [x], data)
    with pytest.raises(ValueError, match=r"size \(4,\) must expand to the shape \(2, 3\)"):
        tg.zeros(2, 3).sum_to_size(4)


def test_contiguous_cpu_and_to_without_a_change_return_the_tensor_itself():
    x = tg.zeros(2, 3)
    assert x.contiguous() is x and x.cpu() is x and x.to("cpu") is x and x.to(x.dtype) is x
    assert x.float() is x and x.to(tg.device("cpu"), tg.float32) is x
    assert x.to(x.dtype, copy=True) is not x


# --- dtypes and devices ---


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16, np.int64, np.int32,
                                   np.int16, np.int8, np.uint8, np.bool_])
def test_type_names_as_torch(dtype):
    t = torch.tensor(np.zeros(2, dtype))
    assert tg.Tensor(np.zeros(2, dtype)).type() == t.type().replace("torch.", "tinygrad_edu.")


@pytest.mark.parametrize("cast", ["double", "float", "half", "long", "int", "short", "bool"])
def test_casts_as_torch(cast):
    x = np.array([[-1.5, 0.0, 2.7]])
    _same(getattr(tg.Tensor(x), cast)(), getattr(torch.tensor(x), cast)(), rtol=1e-3)
    _same(tg.Tensor(x).type(getattr(tg, cast)), torch.tensor(x).type(getattr(torch, cast)),
          rtol=1e-3)


def test_float_casts_stay_in_the_graph_and_integer_casts_detach():
    x = tg.Tensor(np.array([1.0, 2.0], np.float32), requires_grad=True)
    y = x.double()
    assert y.dtype == np.float64 and y.requires_grad
    (y * y).sum().backward()
    assert x.grad.dtype == np.float32 and np.allclose(x.grad.data, [2.0, 4.0])
    assert not x.long().requires_grad and x.long().dtype == np.int64
    assert x.type("torch.DoubleTensor").dtype == np.float64
    assert x.type("tinygrad_edu.LongTensor").dtype == np.int64
    with pytest.raises(TypeError, match="unknown tensor type"):
        x.type("torch.ComplexTensor")


@pytest.mark.parametrize("args,kwargs,dtype", [
    ((tg.float64,), {}, np.float64), (("cpu",), {}, np.float32),
    (("cpu", tg.float64), {}, np.float64), ((tg.device("cpu"), np.int64), {}, np.int64),
    ((), {"dtype": tg.float16}, np.float16), ((), {"device": "cpu", "dtype": tg.int32}, np.int32),
    ((tg.zeros(1, dtype=tg.float64),), {}, np.float64),
    ((tg.float64, False, True), {}, np.float64),
])
def test_to_takes_pytorchs_forms(args, kwargs, dtype):
    x = tg.Tensor([1.0, 2.0])
    y = x.to(*args, **kwargs)
    assert y.dtype == dtype and y.shape == (2,)
    np.testing.assert_array_equal(y.data, x.data.astype(dtype))


def test_other_devices_are_refused_and_the_device_is_the_cpu():
    x = tg.zeros(2)
    assert x.device == tg.device("cpu") and x.device == "cpu" and x.device.type == "cpu"
    assert x.is_cuda is False and x.is_cpu is True and x.is_floating_point()
    assert not tg.zeros(2, dtype=tg.int64).is_floating_point()
    for call in (lambda: x.to("cuda"), lambda: x.cuda(), lambda: x.to("cuda:0", tg.float64)):
        with pytest.raises(ValueError, match="on the CPU only"):
            call()
    with pytest.raises(TypeError, match="given twice"):
        x.to(tg.float64, dtype=tg.float64)


def test_new_factories_keep_the_dtype_as_torch():
    for dtype in (np.float64, np.float32, np.int64):
        ours, theirs = tg.zeros(1, dtype=dtype), torch.zeros(1, dtype=getattr(
            torch, np.dtype(dtype).name))
        for name, args in (("new_zeros", (2, 3)), ("new_ones", ((2, 3),)),
                           ("new_full", ((2,), 7)), ("new_tensor", ([1, 2],))):
            _same(getattr(ours, name)(*args), getattr(theirs, name)(*args), name)
        assert ours.new_empty(2, 3).shape == (2, 3) and ours.new_empty(2).dtype == dtype
        assert ours.new_zeros(size=(2,)).shape == (2,)
    y = tg.zeros(1).new_zeros(2, dtype=tg.float64, requires_grad=True)
    assert y.dtype == np.float64 and y.requires_grad and y.is_leaf


# --- products ---


@pytest.mark.parametrize("name,shapes", [
    ("mm", ((2, 3), (3, 4))), ("mm", ((1, 1), (1, 3))), ("bmm", ((2, 3, 4), (2, 4, 1))),
    ("mv", ((2, 3), (3,))), ("dot", ((4,), (4,))), ("matmul", ((2, 2, 3), (3,))),
    ("outer", ((2,), (3,))),
])
def test_products_as_torch(name, shapes):
    rng = np.random.default_rng(0)
    a, b = (rng.standard_normal(shape) for shape in shapes)
    against_torch(lambda x, y: getattr(x, name)(y), lambda x, y: getattr(x, name)(y), [a, b])
    if hasattr(tg, name):
        against_torch(getattr(tg, name), getattr(torch, name), [a, b])


@pytest.mark.parametrize("name,shapes", [
    ("mm", ((2, 3), (4, 5))), ("mm", ((2, 3, 4), (4, 5))), ("bmm", ((2, 3, 4), (3, 4, 5))),
    ("bmm", ((3, 4), (4, 5))), ("mv", ((2, 3), (2,))), ("dot", ((3,), (4,))),
    ("dot", ((2, 2), (2, 2))),
])
def test_products_refuse_shapes_torch_refuses(name, shapes):
    a, b = (tg.zeros(shape) for shape in shapes)
    with pytest.raises(ValueError, match=f"{name} needs .* got shapes"):
        getattr(a, name)(b)
    with pytest.raises(RuntimeError):
        getattr(torch.zeros(shapes[0]), name)(torch.zeros(shapes[1]))


# --- selecting ---


@given(data=st.data())
def test_masked_fill_with_a_number_or_a_0d_tensor(data):
    shapes = data.draw(hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=3))
    x = data.draw(s.arrays(shapes.input_shapes[0]))
    mask = data.draw(hnp.arrays(np.bool_, shapes.input_shapes[1]))
    value = data.draw(s.reals())
    against_torch(lambda t: t.masked_fill(tg.Tensor(mask), value),
                  lambda t: t.masked_fill(torch.tensor(mask), value), [x], data)
    against_torch(lambda t, v: tg.masked_fill(t, tg.Tensor(mask), v),
                  lambda t, v: torch.masked_fill(t, torch.tensor(mask), v),
                  [x, np.array(value)], data)


def test_masked_fill_keeps_the_dtype_and_refuses_misuse():
    x32 = tg.Tensor(np.zeros(3, np.float32))
    mask = tg.Tensor([True, False, True])
    assert x32.masked_fill(mask, np.float64(-np.inf)).dtype == np.float32
    assert x32.masked_fill(mask, tg.Tensor(np.array(2.0))).dtype == np.float32
    _same(tg.zeros(3, dtype=tg.int64).masked_fill(mask, 2),
          torch.zeros(3, dtype=torch.int64).masked_fill(torch.tensor([True, False, True]), 2))
    with pytest.raises(TypeError, match="mask must be a bool tensor, got dtype int64"):
        x32.masked_fill(tg.Tensor([1, 0, 1]), 1.0)
    with pytest.raises(TypeError, match="value 2.5 does not fit a tensor of dtype int64"):
        tg.zeros(3, dtype=tg.int64).masked_fill(mask, 2.5)
    with pytest.raises(ValueError, match="value must be a number or a 0-d tensor"):
        x32.masked_fill(mask, tg.zeros(3))


@given(data=st.data())
def test_gather_and_index_select(data):
    x = data.draw(s.arrays(s.shapes(min_dims=1)))
    dim = data.draw(st.integers(-x.ndim, x.ndim - 1))
    n = x.shape[dim]
    index_shape = tuple(data.draw(st.integers(0, 3)) if a == dim % x.ndim else
                        data.draw(st.integers(1, m)) for a, m in enumerate(x.shape))
    index = data.draw(hnp.arrays(np.int64, index_shape, elements=st.integers(0, n - 1)))
    against_torch(lambda t: t.gather(dim, tg.Tensor(index)),
                  lambda t: t.gather(dim, torch.tensor(index)), [x], data)
    against_torch(lambda t: tg.gather(t, dim, tg.Tensor(index)),
                  lambda t: torch.gather(t, dim, torch.tensor(index)), [x], data)
    row = index.reshape(-1)[:4]
    against_torch(lambda t: t.index_select(dim, tg.Tensor(row)),
                  lambda t: t.index_select(dim, torch.tensor(row)), [x], data)
    against_torch(lambda t: tg.index_select(t, dim, tg.Tensor(row)),
                  lambda t: torch.index_select(t, dim, torch.tensor(row)), [x], data)


def test_gather_and_index_select_refuse_bad_indices():
    x = tg.zeros(2, 3)
    with pytest.raises(IndexError, match=r"index 3 is out of bounds for dim 1 of size 3"):
        x.gather(1, tg.Tensor([[3]]))
    with pytest.raises(IndexError, match=r"index -1 is out of bounds"):
        x.index_select(0, tg.Tensor([-1]))
    with pytest.raises(ValueError, match="same number of dims"):
        x.gather(1, tg.Tensor([0]))
    with pytest.raises(ValueError, match="longer than x"):
        x.gather(1, tg.Tensor([[0], [0], [0]]))
    with pytest.raises(TypeError, match="index must be an integer tensor"):
        x.index_select(0, tg.Tensor([0.0]))
    with pytest.raises(ValueError, match="index must be 1-D"):
        x.index_select(0, tg.Tensor([[0]]))


def test_where_method_as_torch():
    x, y = np.array([1.0, 2.0, 3.0]), np.array([-1.0, -2.0, -3.0])
    cond = np.array([True, False, True])
    against_torch(lambda a, b: a.where(tg.Tensor(cond), b),
                  lambda a, b: a.where(torch.tensor(cond), b), [x, y])


# --- comparing ---


@pytest.mark.parametrize("name", ["eq", "ne", "lt", "le", "gt", "ge", "greater", "less",
                                  "greater_equal", "less_equal", "not_equal"])
def test_comparisons_are_bool_without_gradient(name):
    a, b = np.array([1.0, 2.0, 3.0]), np.array([2.0, 2.0, 2.0])
    ours = getattr(tg.Tensor(a, requires_grad=True), name)(tg.Tensor(b))
    _same(ours, getattr(torch.tensor(a), name)(torch.tensor(b)))
    assert not ours.requires_grad
    _same(getattr(tg, name)(tg.Tensor(a), 2.0), getattr(torch, name)(torch.tensor(a), 2.0))


def test_allclose_isclose_equal_as_torch():
    a = np.array([1.0, 2.0, np.nan])
    for b in (a + 1e-9, a + 1e-3, a):
        for equal_nan in (False, True):
            assert tg.allclose(tg.Tensor(a), tg.Tensor(b), equal_nan=equal_nan) == \
                torch.allclose(torch.tensor(a), torch.tensor(b), equal_nan=equal_nan)
            _same(tg.Tensor(a).isclose(tg.Tensor(b), equal_nan=equal_nan),
                  torch.tensor(a).isclose(torch.tensor(b), equal_nan=equal_nan))
    x = np.array([1.0, 2.0])
    assert tg.equal(tg.Tensor(x), tg.Tensor(x)) is True
    assert tg.Tensor(x).equal(tg.Tensor(x + 1)) is False
    assert tg.equal(tg.Tensor(x), tg.Tensor(x[:1])) is False
    assert tg.Tensor(x).allclose(tg.Tensor(x)) is True


@pytest.mark.parametrize("name", ["all", "any"])
def test_all_and_any_in_both_habits(name):
    x = np.array([[True, False, True], [True, True, True]])
    t = torch.tensor(x)
    _same(getattr(tg.Tensor(x), name)(), getattr(t, name)())
    _same(getattr(tg, name)(tg.Tensor(x), 1), getattr(torch, name)(t, 1))
    _same(getattr(tg.Tensor(x), name)(dim=0, keepdim=True), getattr(t, name)(dim=0, keepdim=True))
    np.testing.assert_array_equal(getattr(tg.Tensor(x), name)(axis=1).data,
                                  getattr(x, name)(axis=1))


# --- reductions with dim=/keepdim=, as tg. functions ---


@st.composite
def reduction_case(draw):
    x = draw(s.distinct_arrays(draw(s.shapes(min_dims=1))))
    dim = draw(st.integers(-x.ndim, x.ndim - 1))
    return x, dim, draw(st.booleans())


@pytest.mark.parametrize("name", ["sum", "mean", "std", "var", "amax", "amin", "logsumexp",
                                  "prod", "norm"])
@given(data=st.data())
def test_reductions_by_dim_match_torch(name, data):
    x, dim, keepdim = data.draw(reduction_case())
    if name in ("std", "var") and x.shape[dim] < 2:
        x = np.concatenate([x, x + 0.5], axis=dim)
    against_torch(lambda t: getattr(tg, name)(t, dim=dim, keepdim=keepdim),
                  lambda t: getattr(torch, name)(t, dim=dim, keepdim=keepdim), [x], data)
    against_torch(lambda t: getattr(t, name)(dim=dim, keepdim=keepdim),
                  lambda t: getattr(t, name)(dim=dim, keepdim=keepdim), [x], data)


@pytest.mark.parametrize("name", ["max", "min"])
@given(data=st.data())
def test_max_and_min_functions_have_torchs_three_forms(name, data):
    x, dim, keepdim = data.draw(reduction_case())
    against_torch(getattr(tg, name), getattr(torch, name), [x], data)  # all elements
    against_torch(lambda t: tuple(getattr(tg, name)(t, dim, keepdim)),
                  lambda t: tuple(getattr(torch, name)(t, dim, keepdim)), [x], data)
    against_torch(lambda t: tuple(getattr(tg, name)(t, dim=dim)),
                  lambda t: tuple(getattr(torch, name)(t, dim=dim)), [x], data)
    other = x[::-1].copy() + 0.05  # no ties with x
    against_torch(lambda a, b: getattr(tg, name)(a, b), lambda a, b: getattr(torch, name)(a, b),
                  [x, other], data)


@pytest.mark.parametrize("name", ["argmax", "argmin", "softmax", "log_softmax", "cumsum",
                                  "cumprod"])
@given(data=st.data())
def test_dim_functions_match_torch(name, data):
    x, dim, keepdim = data.draw(reduction_case())
    extra = {"keepdim": keepdim} if name in ("argmax", "argmin") else {}
    against_torch(lambda t: getattr(tg, name)(t, dim, **extra),
                  lambda t: getattr(torch, name)(t, dim, **extra), [x], data)
    against_torch(lambda t: getattr(tg, name)(t, dim=dim, **extra),
                  lambda t: getattr(torch, name)(t, dim=dim, **extra), [x], data)


# --- var and std: NumPy's default called NumPy's way, PyTorch's called PyTorch's way ---


@pytest.mark.parametrize("name", ["var", "std"])
def test_var_and_std_default_follows_the_habit(name):
    x = np.random.default_rng(0).standard_normal((3, 4))
    t = torch.tensor(x)
    ours = getattr(tg.Tensor(x), name)
    np.testing.assert_allclose(ours().data, getattr(np, name)(x))  # NumPy's: n
    np.testing.assert_allclose(ours(axis=0).data, getattr(np, name)(x, axis=0))
    np.testing.assert_allclose(ours(0).data, getattr(np, name)(x, 0))  # positional: NumPy's
    for kwargs in ({"dim": 0}, {"dim": 1, "keepdim": True}, {"keepdim": True},
                   {"dim": (0, 1)}, {"dim": 1, "correction": 0}, {"dim": 1, "unbiased": False},
                   {"correction": 2}, {"unbiased": True}):
        _same(ours(**kwargs), getattr(t, name)(**kwargs), str(kwargs))  # PyTorch's: n - 1
        _same(getattr(tg, name)(tg.Tensor(x), **kwargs), getattr(torch, name)(t, **kwargs))
    # ddof= says NumPy's number outright, even in a call PyTorch's way
    np.testing.assert_allclose(ours(dim=0, ddof=0).data, getattr(np, name)(x, axis=0))
    np.testing.assert_allclose(ours(axis=0, ddof=1).data, getattr(np, name)(x, axis=0, ddof=1))


@pytest.mark.parametrize("kwargs", [{"ddof": 0, "correction": 1}, {"ddof": 1, "unbiased": True},
                                    {"correction": 1, "unbiased": False},
                                    {"dim": 0, "ddof": 0, "correction": 0}])
def test_var_refuses_contradicting_options(kwargs):
    for name in ("var", "std"):
        with pytest.raises(TypeError, match="give one of ddof=, correction= or unbiased="):
            getattr(tg.Tensor(np.ones((3, 4))), name)(**kwargs)


# --- backward: gradient= and inputs= ---


def test_backward_takes_pytorchs_gradient_keyword():
    g = np.array([1.0, -2.0, 0.5])
    x = tg.Tensor([1.0, 2.0, 3.0], requires_grad=True)
    (x * x).backward(gradient=tg.Tensor(g))
    np.testing.assert_allclose(x.grad.data, 2 * x.data * g)
    with pytest.raises(TypeError, match="grad= .* or gradient= .*not both"):
        (x * x).backward(tg.Tensor(g), gradient=tg.Tensor(g))


def test_backward_with_inputs_fills_only_those_as_torch():
    rng = np.random.default_rng(0)
    data = [rng.standard_normal(3) for _ in range(3)]
    ours = [tg.Tensor(d, requires_grad=True) for d in data]
    theirs = [torch.tensor(d, requires_grad=True) for d in data]
    for (a, b, c), lib in ((ours, tg), (theirs, torch)):
        h = a * b  # a non-leaf input
        if lib is tg:
            h.retain_grad()
        else:
            h.retain_grad()
        loss = (h * c).sum() + (a ** 2).sum()
        loss.backward(inputs=[a, h], retain_graph=True)
        loss.backward(inputs=[a])  # accumulates into a only
    for x, y in zip(ours, theirs):
        np.testing.assert_allclose(_grad(x, (3,)), _grad(y, (3,)), rtol=1e-12)
    assert ours[1].grad is None and ours[2].grad is None


def test_backward_with_inputs_second_order_and_misuse():
    x = tg.Tensor([1.0, 2.0], requires_grad=True)
    t = torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True)
    for v in (x, t):
        (v ** 3).sum().backward(inputs=v, create_graph=True)
        v.grad.sum().backward(inputs=[v])  # d/dx of 3x^2 added: 3x^2 + 6x
    np.testing.assert_allclose(x.grad.data, t.grad.detach().numpy())
    with pytest.raises(ValueError, match="inputs= must not be empty"):
        (x * 2).sum().backward(inputs=[])
    with pytest.raises(RuntimeError, match="does not require grad"):
        (x * 2).sum().backward(inputs=[tg.zeros(2)])
    unused = tg.zeros(2, requires_grad=True)
    (x * 2).sum().backward(inputs=[unused])  # as torch: nothing to add, no error
    assert unused.grad is None


def test_functions_on_arrays_give_arrays_so_torch_style_function_bodies_work():
    """Inside a Function, PyTorch's tensors are arrays here: tg.exp(array) is an array, and
    intermediates returned as outputs (the double-backward tutorial's trick) stay in the graph."""
    assert type(tg.exp(np.ones(2))) is np.ndarray

    class Sinh(tg.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            expx, expnegx = tg.exp(x), tg.exp(-x)
            ctx.save_for_backward(expx, expnegx)
            return (expx - expnegx) / 2, expx, expnegx

        @staticmethod
        def backward(ctx, grad_out, grad_expx, grad_expnegx):
            expx, expnegx = ctx.saved_tensors
            grad_input = grad_out * (expx + expnegx) / 2
            grad_input += grad_expx * expx
            grad_input -= grad_expnegx * expnegx
            return grad_input

    x = tg.tensor(np.array([0.5, -1.0, 2.0]), requires_grad=True)
    assert tg.autograd.gradcheck(lambda t: Sinh.apply(t)[0], (x,))
    assert tg.autograd.gradgradcheck(lambda t: Sinh.apply(t)[0], (x,))
    (g,) = tg.grad(Sinh.apply(x)[0].sum(), x, create_graph=True)
    (h,) = tg.grad(g.sum(), x)
    np.testing.assert_allclose(h.numpy(), np.sinh(x.numpy()), rtol=1e-12)
