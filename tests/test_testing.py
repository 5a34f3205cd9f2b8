"""tinygrad_edu.testing: assert_close against torch.testing.assert_close, the strategies
against what they promise, and check_gradients / check_module against planted bugs."""
import copy
import re
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import assume, find, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tinygrad_edu as tg
from tinygrad_edu import nn
from tinygrad_edu.testing import (GradientCheckError, assert_close, check_gradients,
                                  check_module, default_tolerances, make_tensor)
from tinygrad_edu.testing import strategies as ts


def _torch():
    return pytest.importorskip("torch", reason="PyTorch not installed: oracle tests skipped")


def _message(call):
    """The AssertionError message of call(), or None if it passes."""
    try:
        call()
    except AssertionError as error:
        return str(error)
    return None


def _indices(message):
    return re.findall(r"at index (\(.*?\))", message)


# --- assert_close: the same decisions as torch.testing.assert_close ---

FLOATS = [np.float16, np.float32, np.float64]
DTYPES = FLOATS + [np.int32, np.int64, np.uint8, np.bool_]
# PyTorch's documented defaults (rtol, atol), from torch.testing.assert_close's table.
TORCH_DEFAULTS = {np.float16: (1e-3, 1e-5), np.float32: (1.3e-6, 1e-5),
                  np.float64: (1e-7, 1e-7), np.int32: (0, 0), np.int64: (0, 0),
                  np.uint8: (0, 0), np.bool_: (0, 0)}


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_default_tolerances_are_pytorchs(dtype):
    assert default_tolerances(dtype) == TORCH_DEFAULTS[dtype]


def test_default_tolerances_of_two_dtypes_take_the_larger_of_each():
    assert default_tolerances(np.float64, np.float16) == (1e-3, 1e-5)
    assert default_tolerances(np.int64, np.float32) == (1.3e-6, 1e-5)


@st.composite
def comparisons(draw, dtype):
    """(actual, expected, options): values at chosen multiples of the default tolerance,
    specials (nan, inf) sometimes, another float dtype with check_dtype=False sometimes."""
    dtype = np.dtype(dtype)
    shape = draw(ts.shapes(max_dims=2))
    options = {"equal_nan": draw(st.booleans())}
    if dtype.kind == "f":
        expected = draw(hnp.arrays(dtype, shape, elements=st.floats(
            -100, 100, width=8 * dtype.itemsize, allow_subnormal=False)))
        rtol, atol = TORCH_DEFAULTS[dtype.type]
        factors = draw(hnp.arrays(np.float64, shape, elements=st.sampled_from(
            [0.0, 0.0, 0.3, 0.7, -0.7, 1.5, -3.0, 100.0])))
        allowed = atol + rtol * np.abs(expected.astype(np.float64))
        actual = np.asarray(expected + factors * allowed).astype(dtype)
        ratio = np.abs(actual.astype(np.float64) - expected) / allowed
        assume(not ((ratio > 0.9) & (ratio < 1.1)).any())  # no rounding-close calls
        if expected.size and draw(st.booleans()):
            special = draw(st.sampled_from([np.nan, np.inf, -np.inf]))
            where = draw(st.integers(0, expected.size - 1))
            target = draw(st.sampled_from(["actual", "expected", "both"]))
            for name, array in (("actual", actual), ("expected", expected)):
                if target in (name, "both"):
                    array.reshape(-1)[where] = special
        if draw(st.booleans()):
            other = np.dtype(draw(st.sampled_from(FLOATS)))
            if other != dtype:
                wide = np.result_type(dtype, other)
                assume(np.array_equal(actual.astype(other).astype(wide), actual.astype(wide),
                                      equal_nan=True))  # the cast itself changes nothing
                actual = actual.astype(other)
                options["check_dtype"] = draw(st.booleans())
    else:
        low, high = (0, 1) if dtype.kind == "b" else (0, 50)
        expected = draw(hnp.arrays(dtype, shape, elements=st.integers(low, high)))
        flips = draw(hnp.arrays(np.bool_, shape))
        actual = expected.copy()
        if dtype.kind == "b":
            actual[flips] = ~actual[flips]
        else:
            actual[flips] += 1
    return actual, expected, options


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
@given(data=st.data())
def test_assert_close_decides_as_torch(dtype, data):
    torch = _torch()
    actual, expected, options = data.draw(comparisons(dtype))
    ours = _message(lambda: assert_close(actual, expected, **options))
    theirs = _message(lambda: torch.testing.assert_close(
        torch.from_numpy(actual), torch.from_numpy(expected), **options))
    assert (ours is None) == (theirs is None), (ours, theirs)
    if ours is None or "dtype" in theirs:
        return
    assert ours.splitlines()[0] == theirs.splitlines()[0]  # "... are not close!"
    if actual.ndim:
        assert ours.splitlines()[2] == theirs.splitlines()[2]  # "Mismatched elements: 1 / 4"
        assert "Worst element: index" in ours
        wide = np.result_type(actual, expected)
        close = np.isclose(actual.astype(wide), expected.astype(wide),
                           *default_tolerances(actual.dtype, expected.dtype)[::1],
                           equal_nan=options["equal_nan"])
        if (~close).sum() == 1:  # one mismatch: every index named is its index
            index = str(tuple(int(i) for i in np.argwhere(~close)[0]))
            assert _indices(ours) == [index, index] == _indices(theirs)


@given(st.floats(-1e3, 1e3), st.sampled_from([0.0, 0.5, -0.5, 2.0, 50.0]))
def test_assert_close_on_python_floats_decides_as_torch(expected, factor):
    torch = _torch()
    actual = expected + factor * (1e-7 + 1e-7 * abs(expected))
    ours = _message(lambda: assert_close(actual, expected))
    theirs = _message(lambda: torch.testing.assert_close(actual, expected))
    assert (ours is None) == (theirs is None)


def test_assert_close_message_names_the_worst_element_as_torch_does():
    torch = _torch()
    expected = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    actual = expected + np.array([[0.0, 1e-3, 0.0], [0.5, 0.0, 1e-9]])
    ours = _message(lambda: assert_close(actual, expected))
    theirs = _message(lambda: torch.testing.assert_close(torch.from_numpy(actual),
                                                         torch.from_numpy(expected)))
    assert "Mismatched elements: 2 / 6 (33.3%)" in ours
    assert ours.splitlines()[:5] == theirs.splitlines()[:5]  # same counts, values, indices
    assert "Worst element: index (1, 0): actual 4.5, expected 4.0" in ours
    assert "absolute error 0.5" in ours and "relative error 0.125" in ours


def test_worst_element_is_the_one_furthest_outside_its_tolerance():
    # Index 0 has the greatest absolute difference, but index 1 is 1000x outside its
    # tolerance (the reference is small there).
    expected = np.array([1000.0, 1e-6])
    actual = np.array([1000.1, 1.1e-6 + 1e-4])
    message = _message(lambda: assert_close(actual, expected))
    assert "Greatest absolute difference: " in message and "at index (0,)" in message
    assert "Worst element: index (1,)" in message


def test_assert_close_accepts_tensors_arrays_and_numpy_scalars():
    assert_close(tg.Tensor([1.0, 2.0]) * 3, np.array([3.0, 6.0], dtype=np.float32))
    x = tg.Tensor(np.array(0.5), requires_grad=True)
    assert_close(x.exp(), np.exp(np.array(0.5)))  # np.exp of 0-d: a NumPy scalar
    assert_close(np.float32(1.0), 1.0)  # numbers compare as Python numbers, as torch


def test_assert_close_compares_lists_and_state_dicts_item_by_item():
    model = nn.Linear(3, 2)
    assert_close(model.state_dict(), copy.deepcopy(model).state_dict())
    state = model.state_dict()
    other = dict(state, bias=state["bias"] + 1)
    assert "item ['bias']" in _message(lambda: assert_close(other, state))
    assert "Missing keys in the actual mapping: ['weight']" in _message(
        lambda: assert_close({"bias": state["bias"]}, state))
    assert "The length of the sequences mismatch: 1 != 2" in _message(
        lambda: assert_close([1.0], [1.0, 2.0]))
    assert "item [1]" in _message(lambda: assert_close([1.0, 2.0], [1.0, 2.5]))


def test_assert_close_refuses_what_torch_refuses():
    with pytest.raises(AssertionError, match="'dtype' do not match: float64 != float32"):
        assert_close(np.zeros(2), np.zeros(2, np.float32))
    assert_close(np.zeros(2), np.zeros(2, np.float32), check_dtype=False)
    with pytest.raises(AssertionError, match="'shape' do not match"):
        assert_close(np.zeros(2), np.zeros((2, 1)))  # never broadcast
    with pytest.raises(AssertionError, match=r"\(d\)types do not match: int != float"):
        assert_close(1, 1.0)
    with pytest.raises(AssertionError, match="not close"):
        assert_close(np.array([np.nan]), np.array([np.nan]))
    assert_close(np.array([np.nan, np.inf]), np.array([np.nan, np.inf]), equal_nan=True)
    with pytest.raises(ValueError, match="give both rtol and atol"):
        assert_close(1.0, 1.0, rtol=1e-3)
    with pytest.raises(ValueError, match="rtol must be >= 0"):
        assert_close(1.0, 1.0, rtol=-1.0, atol=0.0)
    with pytest.raises(TypeError, match="a number has no dtype"):
        assert_close(tg.Tensor([1.0]).sum(), 1.0)
    with pytest.raises(TypeError, match="np.asarray"):
        assert_close([1.0, 2.0], np.array([1.0, 2.0]))
    with pytest.raises(TypeError, match="unexpected keyword"):
        assert_close(1.0, 1.0, rtool=1.0)
    assert_close(1.0, 1.0, check_device=True, check_stride=False)  # torch's, ignored


def test_assert_close_msg_replaces_or_edits_the_message():
    assert _message(lambda: assert_close(1.0, 2.0, msg="mine")) == "mine"
    assert _message(lambda: assert_close(1.0, 2.0, msg=lambda m: "X" + m)).startswith(
        "XScalars are not close!")


def test_torch_testing_is_ours_under_as_torch():
    from tinygrad_edu import as_torch
    with as_torch.installed():
        import torch
        from torch.testing import make_tensor as torch_make_tensor
        assert torch.testing.assert_close is assert_close
        assert torch_make_tensor is make_tensor
        t = torch.testing.make_tensor((2, 3), dtype=torch.float32, device="cpu")
        torch.testing.assert_close(t * 1, t)


# --- make_tensor ---

@given(ts.shapes(), st.sampled_from(DTYPES), st.integers(-20, 20), st.integers(1, 30))
def test_make_tensor_draws_in_low_high(shape, dtype, low, width):
    dtype = np.dtype(dtype)
    if dtype.kind == "b":
        low, width = 0, 2
    if dtype.kind == "u":
        low = abs(low)
    t = make_tensor(shape, dtype=dtype, low=low, high=low + width)
    assert t.shape == shape and t.dtype == dtype and not t.requires_grad
    values = t.data.astype(np.float64)
    assert ((values >= low) & (values < low + width)).all()


def test_make_tensor_defaults_and_options():
    tg.manual_seed(3)
    a = make_tensor(2, 3, dtype=np.float64, requires_grad=True)
    tg.manual_seed(3)
    b = make_tensor((2, 3), dtype=np.float64, requires_grad=True)
    assert_close(a, b)  # the library's generator: manual_seed repeats it
    assert a.requires_grad and a.shape == (2, 3)
    assert ((a.data >= -9) & (a.data < 9)).all()  # PyTorch's default range for floats
    assert make_tensor(4).dtype == tg.get_default_dtype()
    assert (make_tensor(200, dtype=np.int64, low=-1, high=1, exclude_zero=True).data != 0).all()
    assert (make_tensor(50, dtype=np.float32, low=0, high=0).data == 0).all()  # low == high


def test_make_tensor_refuses_bad_ranges():
    with pytest.raises(ValueError, match="low must be less than high"):
        make_tensor(2, dtype=np.float32, low=1, high=0)
    with pytest.raises(ValueError, match="NaN"):
        make_tensor(2, dtype=np.float32, low=float("nan"))
    with pytest.raises(ValueError, match="floating point"):
        make_tensor(2, dtype=np.int64, requires_grad=True)
    with pytest.raises(ValueError, match="outside what uint8 holds"):
        make_tensor(2, dtype=np.uint8, low=-5, high=-1)


# --- strategies: they produce what they claim ---

@given(st.integers(0, 3), st.integers(0, 2), st.integers(1, 3), st.data())
def test_shapes_respect_their_bounds(min_dims, extra_dims, max_side, data):
    shape = data.draw(ts.shapes(min_dims=min_dims, max_dims=min_dims + extra_dims,
                                max_side=max_side))
    assert min_dims <= len(shape) <= min_dims + extra_dims
    assert all(1 <= n <= max_side for n in shape)


@given(st.integers(1, 4), st.data())
def test_broadcastable_shapes_broadcast(num_shapes, data):
    shapes = data.draw(ts.broadcastable_shapes(num_shapes=num_shapes))
    assert len(shapes) == num_shapes
    result = np.broadcast_shapes(*shapes)  # raises if they do not broadcast
    assert len(result) == max(len(s) for s in shapes)


def test_broadcastable_shapes_stretch_and_prepend_axes():
    find(ts.broadcastable_shapes(), lambda s: len(s[0]) != len(s[1]))
    find(ts.broadcastable_shapes(), lambda s: any(
        a == 1 < b for a, b in zip(s[0][::-1], s[1][::-1])))


@given(st.floats(-5, 0), st.floats(0, 5), st.data())
def test_reals_stay_in_range(low, high, data):
    x = data.draw(ts.reals(low, high))
    assert low <= x <= high and np.isfinite(x)


@given(ts.positive())
def test_positive_is_positive(x):
    assert x >= 0.2


@given(st.lists(st.floats(-3, 3), min_size=1, max_size=4), st.floats(0.01, 0.5), st.data())
def test_away_from_keeps_the_distance(points, margin, data):
    try:
        strategy = ts.away_from(points, margin)
        x = data.draw(strategy)
    except ValueError:  # only when the points and margins cover [-3, 3]
        assume(False)
    assert -3 <= x <= 3
    assert all(abs(x - p) >= margin for p in points)


def test_away_from_refuses_an_empty_domain():
    with pytest.raises(ValueError, match="no value of"):
        ts.away_from([0.0], margin=5.0)


@given(st.integers(0, 2), st.data())
def test_matmul_shapes_multiply(batch_dims, data):
    shape_a, shape_b = data.draw(ts.matmul_shapes(batch_dims=batch_dims))
    np.matmul(np.zeros(shape_a), np.zeros(shape_b))  # raises if they do not fit


def test_matmul_shapes_include_numpys_vector_cases():
    for ndims in [(1, 1), (1, 2), (2, 1), (2, 2)]:
        find(ts.matmul_shapes(), lambda s, ndims=ndims: (len(s[0]), len(s[1])) == ndims)


@given(ts.shapes(max_dims=4), st.data())
def test_axes_are_valid_for_a_reduction(shape, data):
    axis = data.draw(ts.axes(len(shape)))
    if isinstance(axis, tuple):
        assert len({a % len(shape) for a in axis}) == len(axis)  # distinct axes
    np.sum(np.zeros(shape), axis=axis)  # raises if not valid


@given(ts.arrays(ts.shapes(), elements=ts.reals(-1, 1)))
def test_arrays_are_float64_in_their_elements(a):
    assert a.dtype == np.float64 and (np.abs(a) <= 1).all()


@given(ts.tensors((2, 3), elements=ts.away_from([0.0], 0.5)))
def test_tensors_are_float64_leaves(x):
    assert isinstance(x, tg.Tensor) and x.dtype == np.float64 and x.requires_grad
    assert x.shape == (2, 3) and x.creator is None and (np.abs(x.data) >= 0.5).all()


def test_tensors_refuse_integer_leaves():
    with pytest.raises(TypeError, match="floating point"):
        ts.tensors(dtype=np.int64)
    ts.tensors(dtype=np.int64, requires_grad=False)


def _run_python(code):
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)


def test_hypothesis_is_optional():
    code = (
        "import sys\n"
        "import tinygrad_edu as tg\n"
        "assert 'hypothesis' not in sys.modules, 'importing tinygrad_edu imported hypothesis'\n"
        "sys.modules['hypothesis'] = None  # as if it were not installed\n"
        "from tinygrad_edu.testing import assert_close, check_gradients, make_tensor\n"
        "assert_close(tg.Tensor([1.0]), tg.Tensor([1.0]))\n"
        "x = tg.Tensor([1.0, 2.0], dtype='float64', requires_grad=True)\n"
        "check_gradients(lambda x: x.exp(), x)\n"
        "for attempt in ('from tinygrad_edu.testing import shapes',\n"
        "                'from tinygrad_edu.testing import strategies'):\n"
        "    try:\n"
        "        exec(attempt)\n"
        "    except ImportError as error:\n"
        "        assert 'pip install tinygrad_edu[test]' in str(error), error\n"
        "    else:\n"
        "        raise AssertionError(attempt + ' worked without hypothesis')\n"
        "print('ok')\n")
    done = _run_python(code)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr


# --- check_gradients: passes correct ops, catches planted bugs ---

def _cube(first_factor=1.0, graph_factor=1.0, constant_x=False):
    """A DeZero-style y = x**3 whose backward is off by ``first_factor`` on the fast
    pass and by ``graph_factor`` on the create_graph pass; ``constant_x``: backward uses
    the saved array, a constant, so its second derivative is lost."""

    class Cube(tg.Function):
        def forward(self, x):
            self.save_for_backward(x)
            self.x_array = x
            return x ** 3

        def backward(self, gy):
            (x,) = self.saved_tensors
            recorded = isinstance(x, tg.Tensor)
            if constant_x:
                x = self.x_array
            return gy * 3 * x ** 2 * (graph_factor if recorded else first_factor)

    return Cube


@pytest.fixture
def x():
    return tg.Tensor(np.random.default_rng(0).uniform(0.5, 2.0, (2, 3)), requires_grad=True)


def test_check_gradients_passes_a_correct_op(x):
    before = x.data.copy()
    assert check_gradients(_cube().apply, x) is True
    assert np.array_equal(x.data, before) and x.grad is None  # x as it was


@given(st.data())
def test_check_gradients_passes_broadcasting_ops(data):
    shape_a, shape_b = data.draw(ts.broadcastable_shapes())
    a = data.draw(ts.tensors(shape_a))
    b = data.draw(ts.tensors(shape_b, elements=ts.away_from([0.0], 0.5)))
    assert check_gradients(lambda a, b: (a * b).tanh() + a / b, a, b)


def test_check_gradients_catches_a_wrong_backward(x):
    with pytest.raises(GradientCheckError, match="check 1 .first order") as caught:
        check_gradients(_cube(first_factor=1.01, graph_factor=1.01).apply, x)
    assert "Jacobian mismatch" in str(caught.value)


def test_check_gradients_catches_a_wrong_create_graph_branch(x):
    buggy = _cube(graph_factor=1.01).apply
    assert tg.gradcheck(buggy, x) and tg.gradgradcheck(buggy, x)  # the hole
    with pytest.raises(GradientCheckError, match="check 2 .the two backward paths") as caught:
        check_gradients(buggy, x)
    message = str(caught.value)
    assert "Mismatched elements: 6 / 6" in message and "Worst element: index" in message


def test_check_gradients_catches_a_wrong_double_backward(x):
    with pytest.raises(GradientCheckError, match="check 3 .second order"):
        check_gradients(_cube(constant_x=True).apply, x)
    assert check_gradients(_cube(constant_x=True).apply, x, second_order=False)


def test_gradient_check_error_is_a_gradcheck_error_and_an_assertion_error(x):
    with pytest.raises(tg.GradcheckError):
        check_gradients(_cube(first_factor=2.0, graph_factor=2.0).apply, x)
    with pytest.raises(AssertionError):
        check_gradients(_cube(first_factor=2.0, graph_factor=2.0).apply, x)


def test_check_gradients_refuses_float32_with_a_clear_error():
    x = tg.Tensor([1.0, 2.0], dtype=np.float32, requires_grad=True)
    with pytest.raises(TypeError, match=r"input 0 is float32; gradient checks need float64"):
        check_gradients(lambda x: x * x, x)


def test_check_gradients_refuses_ambiguous_or_empty_inputs(x):
    with pytest.raises(TypeError, match="NumPy float array"):
        check_gradients(lambda x, a: x * a, x, np.ones(3))
    with pytest.raises(ValueError, match="no input requires grad"):
        check_gradients(lambda a: a * 2, tg.Tensor(np.ones(3)))
    with pytest.raises(TypeError, match="float32 output"):
        check_gradients(lambda x: (x * x).astype(np.float32), x)
    with pytest.raises(TypeError, match="fn must be a function"):
        check_gradients("x * x", x)
    with pytest.raises(ValueError, match="random"):
        check_gradients(lambda x: nn.functional.dropout(x, 0.5), x)
    assert check_gradients(lambda x, c, axis: (x * c).sum(axis=axis), x,
                           tg.Tensor(np.full(3, 2.0)), 1)  # constants pass through


def test_check_gradients_with_grad_outputs_and_several_outputs(x):
    v = np.arange(6.0).reshape(2, 3)
    assert check_gradients(lambda x: (x.exp(), x.sum()), x, grad_outputs=[v, np.array(1.0)])
    with pytest.raises(ValueError, match="grad_outputs has 1 vector"):
        check_gradients(lambda x: (x.exp(), x.sum()), x, grad_outputs=[v])


# --- check_module ---

class Scale(tg.Function):
    """y = w * x (w broadcast over the batch); dL/dw off by ``w_factor``, dL/dx by
    ``x_factor``."""
    w_factor = 1.0
    x_factor = 1.0

    @staticmethod
    def forward(ctx, x, w):
        ctx.save_for_backward(x, w)
        return x * w

    @classmethod
    def backward(cls, ctx, gy):
        x, w = ctx.saved_tensors
        return gy * w * cls.x_factor, (gy * x).sum(axis=0) * cls.w_factor


class ScaleLayer(nn.Module):
    def __init__(self, fn=Scale):
        super().__init__()
        self.fn = fn
        self.w = nn.Parameter(np.array([0.5, -1.0, 2.0], dtype=np.float32))

    def forward(self, x):
        return self.fn.apply(x, self.w).tanh()


def _snapshot(module):
    return ({k: (v.data.copy(), v.dtype) for k, v in module.state_dict().items()},
            module.training, [p.grad for p in module.parameters()])


def _assert_unchanged(module, snapshot):
    state, training, grads = snapshot
    now = module.state_dict()
    assert list(now) == list(state)
    for key, (data, dtype) in state.items():
        assert now[key].dtype == dtype and np.array_equal(now[key].data, data), key
    assert module.training == training
    assert all(g is None for g in grads) and all(p.grad is None for p in module.parameters())


MODULES = {
    "linear": (lambda: nn.Linear(3, 2), lambda: tg.randn(4, 3), None),
    "mlp": (lambda: nn.Sequential(nn.Linear(3, 5), nn.Tanh(), nn.Linear(5, 2)),
            lambda: tg.randn(4, 3), lambda y: (y * y).sum()),
    "conv2d": (lambda: nn.Conv2d(2, 3, 3, padding=1), lambda: tg.randn(1, 2, 4, 4),
               lambda y: (y * y).sum()),
    "batchnorm": (lambda: nn.BatchNorm1d(3), lambda: tg.randn(5, 3), lambda y: (y ** 3).sum()),
    "scale": (ScaleLayer, lambda: tg.randn(4, 3), None),
}


@pytest.mark.parametrize("name", MODULES)
def test_check_module_passes_correct_modules_and_changes_nothing(name):
    make, make_input, loss = MODULES[name]
    module, x = make(), make_input()
    before, x_before = _snapshot(module), x.data.copy()
    assert check_module(module, x, loss=loss) is True
    _assert_unchanged(module, before)
    assert np.array_equal(x.data, x_before) and x.dtype == np.float32


def test_check_module_names_a_wrong_parameter_gradient():
    class WrongW(Scale):
        w_factor = 1.01

    module = ScaleLayer(WrongW)
    before = _snapshot(module)
    with pytest.raises(GradientCheckError, match="with respect to parameter 'w' .shape .3,.."):
        check_module(module, tg.randn(4, 3))
    _assert_unchanged(module, before)
    # gradcheck(model, (x,)) checks only x: it misses this bug.
    model = copy.deepcopy(module).double()
    assert tg.gradcheck(model, (tg.randn(4, 3, dtype=np.float64, requires_grad=True),))


def test_check_module_names_a_wrong_input_gradient():
    class WrongX(Scale):
        x_factor = 0.99

    with pytest.raises(GradientCheckError, match="with respect to input 0 of the module"):
        check_module(ScaleLayer(WrongX), tg.randn(4, 3))


def test_check_module_needs_determinism_and_float64():
    dropout = nn.Sequential(nn.Linear(3, 3), nn.Dropout(0.5))
    with pytest.raises(ValueError, match=r"random there \(Dropout\?\).*training=False"):
        check_module(dropout, tg.randn(4, 3))
    assert check_module(dropout, tg.randn(4, 3), training=False)
    assert dropout.training

    class Casts(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(3, 2)

        def forward(self, x):
            return self.fc(x).astype(np.float32)

    with pytest.raises(TypeError, match="returns a float32 output"):
        check_module(Casts(), tg.randn(4, 3))


def test_check_module_compares_training_and_evaluation_modes():
    class ModeDependent(nn.Linear):
        def forward(self, x):
            y = super().forward(x)
            return y * 2 if self.training else y

    with pytest.raises(AssertionError, match="differs from evaluation mode"):
        check_module(ModeDependent(3, 2), tg.randn(4, 3))
    assert check_module(ModeDependent(3, 2), tg.randn(4, 3), check_train_eval=False)


def test_check_module_catches_a_broken_state_dict_round_trip():
    class ForgetsBias(nn.Linear):
        def load_state_dict(self, state_dict, strict=True):
            return super().load_state_dict(
                dict(state_dict, bias=np.zeros_like(self.bias.data)), strict)

    with pytest.raises(AssertionError, match="state_dict round trip"):
        check_module(ForgetsBias(3, 2), tg.randn(4, 3))


def test_check_module_with_integer_inputs_and_a_loss():
    labels = np.array([0, 2, 1, 2])
    model = nn.Sequential(nn.Linear(3, 3), nn.Tanh())
    assert check_module(model, tg.randn(4, 3),
                        loss=lambda y: nn.functional.cross_entropy(y, labels))
    assert check_module(nn.Embedding(5, 2), np.array([[0, 3], [4, 3]]), second_order=False)


def test_check_module_refuses_bad_arguments():
    with pytest.raises(TypeError, match="must be an nn.Module"):
        check_module(lambda x: x, tg.randn(2))
    with pytest.raises(TypeError, match="loss must be a function"):
        check_module(nn.Linear(2, 2), tg.randn(1, 2), loss="mse")
    frozen = nn.Embedding(5, 2).requires_grad_(False)
    with pytest.raises(ValueError, match="nothing to differentiate"):
        check_module(frozen, np.array([[1, 2]]))
