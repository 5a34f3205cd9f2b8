"""Forward values and dtypes of every op in the op table, against its NumPy reference.

float64 in gives float64 out, float32 in gives float32 out, and a Python scalar operand
keeps the tensor's dtype (NumPy 2's rule for Python scalars, and PyTorch's).
"""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_edu as tg

from op_table import OPS, example_settings
from strategies import arrays, reals, shapes


@pytest.mark.parametrize("spec", OPS, ids=str)
def test_forward_float64(spec):
    @example_settings(spec)
    @given(case=spec.cases)
    def check(case):
        before = [a.copy() for a in case.arrays]
        xs = [tg.Tensor(a, requires_grad=True) for a in case.arrays]
        y = spec.fn(*xs, **case.params)
        expected = spec.ref(*case.arrays, **case.params)
        assert isinstance(y, tg.Tensor)
        assert y.shape == np.shape(expected)
        assert y.dtype == np.float64
        assert y.requires_grad
        np.testing.assert_allclose(y.data, expected, rtol=1e-10, atol=1e-12)
        for a, b, x in zip(before, case.arrays, xs):  # inputs are never modified
            np.testing.assert_array_equal(a, b)
            np.testing.assert_array_equal(a, x.data)

    check()


@pytest.mark.parametrize("spec", OPS, ids=str)
def test_forward_float32(spec):
    @example_settings(spec)
    @given(case=spec.cases)
    def check(case):
        arrays32 = [a.astype(np.float32) for a in case.arrays]
        y = spec.fn(*[tg.Tensor(a) for a in arrays32], **case.params)
        # The reference in float64 on the same (rounded) values: ours must be as close as
        # float32 rounding allows, whatever order it computes in.
        expected = spec.ref(*[a.astype(np.float64) for a in arrays32], **case.params)
        assert y.dtype == np.float32, f"{spec.name}: float32 in gave {y.dtype} out"
        assert y.shape == np.shape(expected)
        assert not y.requires_grad
        np.testing.assert_allclose(y.data, expected, rtol=1e-5, atol=1e-5)

    check()


@pytest.mark.parametrize("spec", [op for op in OPS if not op.via_grad], ids=str)
def test_forward_under_no_grad_records_nothing(spec):
    @settings(max_examples=5)
    @given(case=spec.cases)
    def check(case):
        xs = [tg.Tensor(a, requires_grad=True) for a in case.arrays]
        with tg.no_grad():
            y = spec.fn(*xs, **case.params)
        assert not y.requires_grad and y.creator is None

    check()


# --- Python and NumPy scalars keep the tensor's dtype ---

SCALAR_OPS = [  # (name, ours on a Tensor t and a scalar c, NumPy on float64 x)
    ("add", lambda t, c: t + c, lambda x, c: x + c),
    ("radd", lambda t, c: c + t, lambda x, c: c + x),
    ("sub", lambda t, c: t - c, lambda x, c: x - c),
    ("rsub", lambda t, c: c - t, lambda x, c: c - x),
    ("mul", lambda t, c: t * c, lambda x, c: x * c),
    ("rmul", lambda t, c: c * t, lambda x, c: c * x),
    ("truediv", lambda t, c: t / c, lambda x, c: x / c),
    ("rtruediv", lambda t, c: c / t, lambda x, c: c / x),
    ("pow", lambda t, c: t ** c, lambda x, c: x ** c),
    ("rpow", lambda t, c: c ** t, lambda x, c: c ** x),
    ("maximum", lambda t, c: tg.maximum(t, c), np.maximum),
    ("minimum", lambda t, c: tg.minimum(c, t), np.minimum),
    ("where", lambda t, c: tg.where(t.data > 1, t, c), lambda x, c: np.where(x > 1, x, c)),
]


@pytest.mark.parametrize("name, op, ref", SCALAR_OPS, ids=[n for n, _, _ in SCALAR_OPS])
@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
@settings(max_examples=10)
@given(x=arrays(shapes(), reals(0.5, 2.0)), c=reals(0.5, 2.0),
       kind=st.sampled_from([float, int, np.float64, np.float32]))
def test_scalar_operand_keeps_dtype(name, op, ref, dtype, x, c, kind):
    c = kind(max(1, round(c))) if kind is int else kind(c)
    x = x.astype(dtype)
    y = op(tg.Tensor(x, requires_grad=True), c)
    assert y.dtype == dtype, f"{name} with a {kind.__name__} scalar gave {y.dtype}"
    tol = 1e-6 if dtype == np.float32 else 1e-12  # c itself is rounded to float32
    np.testing.assert_allclose(y.data, ref(x.astype(np.float64), float(c)), rtol=tol, atol=tol)


@pytest.mark.parametrize("op", [lambda a, b: a + b, lambda a, b: a * b, lambda a, b: a @ b,
                                lambda a, b: b / a, tg.maximum],
                         ids=["add", "mul", "matmul", "div", "maximum"])
def test_float32_with_float64_tensor_promotes_to_float64(op):
    """Two tensors follow NumPy's promotion (PyTorch's too): float32 with float64 is float64."""
    a = tg.Tensor(np.full((2, 2), 1.5, dtype=np.float32), requires_grad=True)
    b = tg.Tensor(np.full((2, 2), 2.0, dtype=np.float64), requires_grad=True)
    y = op(a, b)
    assert y.dtype == np.float64
    y.backward(np.ones(y.shape))
    assert a.grad.dtype == np.float32 and b.grad.dtype == np.float64  # each like its leaf


def test_ndarray_operand_on_the_left_gives_a_tensor():
    """ndarray (op) Tensor defers to the Tensor's reflected operator, so it stays differentiable."""
    t = tg.Tensor(np.array([1.0, 2.0]), requires_grad=True)
    c = np.array([3.0, 5.0])
    for y, expected in [(c + t, [4.0, 7.0]), (c - t, [2.0, 3.0]), (c * t, [3.0, 10.0]),
                        (c / t, [3.0, 2.5]), (c ** t, [3.0, 25.0])]:
        assert isinstance(y, tg.Tensor) and y.requires_grad
        np.testing.assert_allclose(y.data, expected)
