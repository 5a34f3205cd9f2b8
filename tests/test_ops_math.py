"""The ops of ops/math.py against PyTorch (forward, first and second order), and what the
op table cannot check: the gradient at kinks and jumps (PyTorch's: 0 for sign, floor, ceil,
round, trunc), dtypes (float32 stays float32, integers as PyTorch), and that
``np.<ufunc>(t)`` runs the same op as the Tensor method.

Torch names: atan, asin, acos, asinh, acosh, atanh, atan2 (ours also have NumPy's names).
"""
import numpy as np
import pytest

import tinygrad_edu as tg

from test_torch_oracle import compare_with_torch, run_case, uniform

torch = pytest.importorskip("torch", reason="PyTorch not installed: oracle tests skipped")

SEEDS = (0, 1)

# (our method, torch's function, NumPy's ufunc or None, the input range)
UNARY = [
    ("square", torch.square, np.square, (-2.0, 2.0)),
    ("reciprocal", torch.reciprocal, np.reciprocal, (0.3, 3.0)),
    ("exp2", torch.exp2, np.exp2, (-2.0, 2.0)),
    ("expm1", torch.expm1, np.expm1, (-2.0, 2.0)),
    ("log1p", torch.log1p, np.log1p, (-0.8, 3.0)),
    ("log2", torch.log2, np.log2, (0.2, 3.0)),
    ("log10", torch.log10, np.log10, (0.2, 3.0)),
    ("tan", torch.tan, np.tan, (-1.3, 1.3)),
    ("arcsin", torch.asin, np.arcsin, (-0.9, 0.9)),
    ("arccos", torch.acos, np.arccos, (-0.9, 0.9)),
    ("arctan", torch.atan, np.arctan, (-3.0, 3.0)),
    ("sinh", torch.sinh, np.sinh, (-2.0, 2.0)),
    ("cosh", torch.cosh, np.cosh, (-2.0, 2.0)),
    ("arcsinh", torch.asinh, np.arcsinh, (-3.0, 3.0)),
    ("arccosh", torch.acosh, np.arccosh, (1.1, 4.0)),
    ("arctanh", torch.atanh, np.arctanh, (-0.9, 0.9)),
    ("sign", torch.sign, np.sign, (-2.0, 2.0)),
    ("floor", torch.floor, np.floor, (-3.0, 3.0)),
    ("ceil", torch.ceil, np.ceil, (-3.0, 3.0)),
    ("round", torch.round, np.rint, (-3.0, 3.0)),
    ("trunc", torch.trunc, np.trunc, (-3.0, 3.0)),
]
UNARY_IDS = [name for name, *_ in UNARY]
ALIASES = {"atan": "arctan", "asin": "arcsin", "acos": "arccos", "asinh": "arcsinh",
           "acosh": "arccosh", "atanh": "arctanh", "atan2": "arctan2"}


def _method(name):
    return lambda x: getattr(x, name)()


# --- against torch: forward, first and second order ---


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("shape", [(3, 4), ()], ids=["3x4", "0-d"])
@pytest.mark.parametrize("name, theirs, ufunc, domain", UNARY, ids=UNARY_IDS)
def test_unary_matches_torch(name, theirs, ufunc, domain, shape, seed):
    # A composition, so that the second order also goes through the op's own backward.
    run_case(lambda x: getattr(x, name)() * x, lambda x: theirs(x) * x,
             [uniform(shape, *domain)], seed)
    run_case(_method(name), theirs, [uniform(shape, *domain)], seed)


@pytest.mark.parametrize("seed", SEEDS)
def test_cbrt_and_fabs_match_torch_compositions(seed):
    """torch has no cbrt or fabs: x.sign() * |x|**(1/3) and abs are the same functions."""
    run_case(np.cbrt, lambda x: x.sign() * x.abs() ** (1 / 3), [uniform((3, 4), 0.3, 3.0)], seed)
    run_case(np.cbrt, lambda x: x.sign() * x.abs() ** (1 / 3), [uniform((3, 4), -3.0, -0.3)],
             seed)
    run_case(lambda x: np.fabs(x) * x, lambda x: x.abs() * x, [uniform((3, 4))], seed)


def test_round_with_decimals_matches_torch():
    run_case(lambda x: x.round(1) * x, lambda x: torch.round(x, decimals=1) * x,
             [uniform((3, 4), -3.0, 3.0)], 0)
    run_case(lambda x: x.round(-1) * x, lambda x: torch.round(x, decimals=-1) * x,
             [uniform((3, 4), -40.0, 40.0)], 0)


BROADCAST_SHAPES = [((3, 4), (3, 4)), ((3, 1), (1, 4)), ((2, 3, 4), (4,)), ((), (2, 3))]
BINARY = [  # (name, ours, torch's, input ranges)
    ("arctan2", lambda a, b: a.arctan2(b), torch.atan2, ((-2.0, 2.0), (-2.0, 2.0))),
    ("atan2", lambda a, b: a.atan2(b), torch.atan2, ((-2.0, 2.0), (0.3, 2.0))),
    ("np.arctan2", np.arctan2, torch.atan2, ((-2.0, 2.0), (-2.0, 2.0))),
    ("hypot", lambda a, b: a.hypot(b), torch.hypot, ((-2.0, 2.0), (-2.0, 2.0))),
    ("np.hypot", np.hypot, torch.hypot, ((-2.0, 2.0), (-2.0, 2.0))),
    ("logaddexp", lambda a, b: a.logaddexp(b), torch.logaddexp, ((-4.0, 4.0), (-4.0, 4.0))),
    ("np.logaddexp", np.logaddexp, torch.logaddexp, ((-4.0, 4.0), (-4.0, 4.0))),
    ("pow", lambda a, b: a.pow(b), torch.pow, ((0.3, 3.0), (-2.0, 2.0))),
    ("np.power", np.power, torch.pow, ((0.3, 3.0), (-2.0, 2.0))),
    ("np.float_power", np.float_power, torch.float_power, ((0.3, 3.0), (-2.0, 2.0))),
]


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("shapes", BROADCAST_SHAPES, ids=str)
@pytest.mark.parametrize("name, ours, theirs, domains", BINARY, ids=[b[0] for b in BINARY])
def test_binary_matches_torch_with_broadcasting(name, ours, theirs, domains, shapes, seed):
    run_case(lambda a, b: ours(a, b) * a, lambda a, b: theirs(a, b) * a,
             [uniform(shapes[0], *domains[0]), uniform(shapes[1], *domains[1])], seed)


def test_binary_ops_with_a_python_or_numpy_scalar_match_torch():
    run_case(lambda a: a.pow(2), lambda a: a.pow(2), [uniform((3,))], 0)
    run_case(lambda a: np.arctan2(1.5, a), lambda a: torch.atan2(torch.tensor(1.5).double(), a),
             [uniform((3,))], 0)
    run_case(lambda a: np.logaddexp(a, np.float64(0.5)),
             lambda a: torch.logaddexp(a, torch.tensor(0.5).double()), [uniform((3,))], 0)
    run_case(lambda a: a.hypot(np.array([1.0, -2.0, 0.5])),
             lambda a: torch.hypot(a, torch.tensor([1.0, -2.0, 0.5]).double()), [uniform((3,))], 0)


# --- kinks and jumps: the gradient PyTorch gives there ---

AT_JUMPS = np.array([-2.0, -1.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.5])


@pytest.mark.parametrize("name, theirs", [("sign", torch.sign), ("floor", torch.floor),
                                          ("ceil", torch.ceil), ("round", torch.round),
                                          ("trunc", torch.trunc)])
def test_rounding_ops_have_gradient_zero_at_their_jumps_as_torch(name, theirs):
    x = tg.Tensor(AT_JUMPS, requires_grad=True)
    getattr(x, name)().backward(np.arange(1.0, 10.0))
    np.testing.assert_array_equal(x.grad.data, np.zeros(9))
    compare_with_torch(lambda x: getattr(x, name)() * x, lambda x: theirs(x) * x, [AT_JUMPS])
    compare_with_torch(lambda x: x.round(1) * x, lambda x: torch.round(x, decimals=1) * x,
                       [AT_JUMPS / 10 + 0.05])


def test_zero_gradient_is_exactly_zero_even_for_an_infinite_incoming_gradient():
    """sqrt'(0) = inf flows into floor: 0, as torch (gy * 0 would be nan)."""
    x = tg.Tensor(np.array([0.5, 1.5]), requires_grad=True)
    with np.errstate(divide="ignore"):
        x.floor().sqrt().sum().backward()
    xt = torch.tensor([0.5, 1.5], dtype=torch.float64, requires_grad=True)
    xt.floor().sqrt().sum().backward()
    np.testing.assert_array_equal(x.grad.data, xt.grad.numpy())
    np.testing.assert_array_equal(x.grad.data, [0.0, 0.0])


def test_fabs_gradient_at_zero_is_zero_as_abs():
    x = tg.Tensor(np.array([-2.0, 0.0, 3.0]), requires_grad=True)
    np.fabs(x).backward(np.array([5.0, 7.0, 11.0]))
    np.testing.assert_array_equal(x.grad.data, [-5.0, 0.0, 11.0])


def test_arctan2_at_the_origin_has_gradient_zero_as_torch():
    """Not differentiable there; torch takes both gradients as 0 (not 0 / 0 = nan). Its
    second order there is nan; ours is 0 (the derivative of the constant 0 taken there)."""
    a, b = np.array([0.0, 0.0, 1.0]), np.array([0.0, -1.0, 0.0])
    compare_with_torch(lambda x0, x1: x0.arctan2(x1), torch.atan2, [a[1:], b[1:]])
    x0, x1 = tg.Tensor(a, requires_grad=True), tg.Tensor(b, requires_grad=True)
    g0, g1 = tg.grad(x0.arctan2(x1).sum(), [x0, x1], create_graph=True)
    t0, t1 = (torch.tensor(v, requires_grad=True) for v in (a, b))
    gt0, gt1 = torch.autograd.grad(torch.atan2(t0, t1).sum(), [t0, t1])
    np.testing.assert_array_equal(g0.data, gt0.numpy())
    np.testing.assert_array_equal(g1.data, gt1.numpy())
    np.testing.assert_array_equal(g0.data, [0.0, -1.0, 0.0])  # x1 / r**2
    np.testing.assert_array_equal(g1.data, [0.0, 0.0, -1.0])  # -x0 / r**2
    h0, h1 = tg.grad((g0 + g1).sum(), [x0, x1])
    # d/dx0 (x1 - x0) / r**2 = (-r**2 - 2 x0 (x1 - x0)) / r**4, d/dx1 = (r**2 - 2 x1 (x1 - x0)) / r**4
    np.testing.assert_allclose(h0.data, [0.0, -1.0, 1.0])
    np.testing.assert_allclose(h1.data, [0.0, -1.0, 1.0])


def test_hypot_at_the_origin_is_nan_as_torch():
    """Not differentiable there; torch's gradient is 0 / 0 = nan, and so is ours."""
    x0, x1 = tg.Tensor([0.0, 3.0], requires_grad=True), tg.Tensor([0.0, 4.0], requires_grad=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        x0.hypot(x1).sum().backward()
    t0 = torch.tensor([0.0, 3.0], requires_grad=True)
    t1 = torch.tensor([0.0, 4.0], requires_grad=True)
    torch.hypot(t0, t1).sum().backward()
    np.testing.assert_array_equal(x0.grad.data, t0.grad.numpy())  # [nan, 0.6]
    np.testing.assert_array_equal(x1.grad.data, t1.grad.numpy())  # [nan, 0.8]
    assert np.isnan(x0.grad.data[0]) and x0.grad.data[1] == np.float32(0.6)


# --- dtypes ---


@pytest.mark.parametrize("name, theirs, ufunc, domain", UNARY, ids=UNARY_IDS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
def test_float_dtype_is_kept_by_the_method_the_ufunc_and_the_gradients(name, theirs, ufunc,
                                                                      domain, dtype):
    data = np.linspace(*domain, 5).astype(dtype) + dtype(0.01)  # off the jumps at integers
    for call in (_method(name), ufunc):
        x = tg.Tensor(data, requires_grad=True)
        y = call(x)
        assert y.dtype == dtype, f"{name} of {np.dtype(dtype)} gave {y.dtype}"
        (g,) = tg.grad(y, x, grad_outputs=tg.Tensor(np.ones(5, dtype), requires_grad=True),
                       create_graph=True)
        assert g.dtype == dtype
        (gg,) = tg.grad(g.sum(), x, allow_unused=True)
        assert gg is None or gg.dtype == dtype
        expected = theirs(torch.tensor(data.astype(np.float64))).numpy()
        np.testing.assert_allclose(y.data, expected, rtol=2e-6 if dtype == np.float32 else 1e-12)


@pytest.mark.parametrize("name, theirs, ufunc, domain", UNARY, ids=UNARY_IDS)
def test_integer_input_gives_torchs_dtype(name, theirs, ufunc, domain):
    """Float functions of integers give the default float dtype (float32), rounding ops
    and square keep the integers, as torch (NumPy would give float64 for some)."""
    data = np.array([1, 2, 3]) if domain[0] > 0 else np.array([-1, 0, 2])
    if name == "log1p":
        data = np.array([0, 1, 2])
    if name in ("arcsin", "arccos", "arctanh"):
        data = np.array([0, 0, 0])
    ours = getattr(tg.Tensor(data), name)()
    theirs_y = theirs(torch.tensor(data))
    assert str(ours.dtype) == str(theirs_y.dtype).removeprefix("torch."), name
    np.testing.assert_allclose(ours.data, theirs_y.numpy(), rtol=1e-6)


@pytest.mark.parametrize("name", ["arctan2", "hypot", "logaddexp"])
def test_binary_ops_keep_float32_with_python_scalars_and_int_tensors(name):
    x = tg.Tensor(np.array([0.5, 1.5], dtype=np.float32), requires_grad=True)
    for other in (2.0, 2, np.float64(2.0), tg.Tensor(np.array([1, 2]))):
        y = getattr(x, name)(other)
        assert y.dtype == np.float32, f"{name} with {type(other).__name__} gave {y.dtype}"
        y.sum().backward()
        assert x.grad.dtype == np.float32
    assert getattr(np, name)(x, tg.Tensor(np.ones(2))).dtype == np.float64  # as torch


def test_np_power_keeps_float32_and_float_power_computes_in_float64_as_numpy():
    x = tg.Tensor(np.array([0.5, 1.5], dtype=np.float32), requires_grad=True)
    assert np.power(x, 2).dtype == np.float32 and np.power(x, 2.5).dtype == np.float32
    assert np.power(2.0, x).dtype == np.float32
    y = np.float_power(x, 3)
    assert y.dtype == np.float64 == np.float_power(x.data, 3).dtype  # NumPy's rule
    np.testing.assert_allclose(y.data, np.float_power(x.data, 3))
    y.sum().backward()
    assert x.grad.dtype == np.float32  # cast back to the leaf's dtype
    np.testing.assert_allclose(x.grad.data, 3 * x.data.astype(np.float64) ** 2, rtol=1e-7)


# --- np.<ufunc>(t) is the method ---

UFUNC_METHODS = [(ufunc, name) for name, _, ufunc, _ in UNARY] + [
    (np.cbrt, None), (np.fabs, "abs"), (np.arctan2, "arctan2"), (np.hypot, "hypot"),
    (np.logaddexp, "logaddexp"), (np.power, "pow")]


@pytest.mark.parametrize("ufunc, name", UFUNC_METHODS, ids=[u.__name__ for u, _ in UFUNC_METHODS])
def test_np_ufunc_on_a_grad_requiring_tensor_runs_the_same_op_as_the_method(ufunc, name):
    data = np.array([1.2, 1.7, 2.6])  # inside every domain but arcsin's, arccos', arctanh's
    if ufunc in (np.arcsin, np.arccos, np.arctanh):
        data = data / 3
    args = (data,) if ufunc.nin == 1 else (data, data[::-1].copy())
    xs = [tg.Tensor(a, requires_grad=True) for a in args]
    y = ufunc(*xs)
    assert isinstance(y, tg.Tensor) and y.requires_grad and y.creator is not None
    np.testing.assert_allclose(y.data, ufunc(*args), rtol=1e-15)
    if name is not None:
        same = getattr(xs[0], name)(*xs[1:])
        assert type(same.creator) is type(y.creator)
        np.testing.assert_array_equal(same.data, y.data)
    y.backward(np.ones(3))
    assert all(x.grad is not None for x in xs)


def test_numpy_rounding_functions_run_round():
    x = tg.Tensor(np.array([0.25, 1.5, 2.5, -0.74]), requires_grad=True)
    for result, expected in ((np.round(x, 1), np.round(x.data, 1)), (np.around(x), [0, 2, 2, -1]),
                             (np.rint(x), [0.0, 2.0, 2.0, -1.0]), (np.round(x, -1), [0, 0, 0, 0])):
        assert isinstance(result, tg.Tensor) and type(result.creator).__name__ == "Round"
        np.testing.assert_array_equal(result.data, expected)
    with pytest.raises(TypeError, match="cannot be interpreted as an integer"):
        np.round(x, 1.0)  # NumPy refuses a float number of decimals too
    with pytest.raises(TypeError, match="cannot be interpreted as an integer"):
        x.round(0.5)
    with pytest.raises(TypeError, match="does not support out="):
        np.round(x, 1, out=np.empty(4))


def test_sign_is_a_differentiable_op_now():
    x = tg.Tensor(np.array([-2.0, 0.0, 3.0]), requires_grad=True)
    y = np.sign(x)
    assert y.requires_grad and type(y.creator).__name__ == "Sign"
    np.testing.assert_array_equal(y.data, [-1.0, 0.0, 1.0])
    (y * x).sum().backward()  # d(sign(x) x)/dx = sign(x) (the sign itself contributes 0)
    np.testing.assert_array_equal(x.grad.data, [-1.0, 0.0, 1.0])


def test_pytorch_aliases_are_the_numpy_named_methods():
    for alias, name in ALIASES.items():
        assert getattr(tg.Tensor, alias) is getattr(tg.Tensor, name), alias
    x = tg.Tensor([2.0, 3.0], requires_grad=True)
    np.testing.assert_array_equal(x.pow(3).data, (x ** 3).data)
    np.testing.assert_array_equal(x.pow(x).data, (x ** x).data)
