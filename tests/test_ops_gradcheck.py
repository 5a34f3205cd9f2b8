"""Gradients of every op in the op table, on Hypothesis-drawn float64 inputs.

Two tests per op. ``tinygrad_edu.testing.check_gradients`` runs three checks on each
input: ``tg.gradcheck`` (the full Jacobian against central differences of our forward),
the first-order gradients from ``create_graph=False`` and ``create_graph=True`` agreeing
to float64 rounding (a bug in only the recorded branch of a backward passes
gradgradcheck, which runs that branch alone), and ``tg.gradgradcheck`` (second order).
The other test is one backward pass with a random incoming gradient against central
differences of the NumPy reference (independent of our forward).
"""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_edu as tg
from tinygrad_edu.testing import check_gradients

from op_table import OPS, example_settings
from strategies import incoming_grad


def _leaves(case, dtype=np.float64):
    return [tg.Tensor(a, dtype=dtype, requires_grad=True) for a in case.arrays]


def _numerical_vjp(ref, arrays, params, gy, h=1e-5):
    """d/dx of sum(ref(x) * gy) for each input array, by central differences."""
    arrays = [a.copy() for a in arrays]
    grads = []
    for a in arrays:
        g = np.zeros_like(a)
        for index in np.ndindex(a.shape):
            original = a[index]
            a[index] = original + h
            plus = np.sum(ref(*arrays, **params) * gy)
            a[index] = original - h
            minus = np.sum(ref(*arrays, **params) * gy)
            a[index] = original
            g[index] = (plus - minus) / (2 * h)
        grads.append(g)
    return grads


@pytest.mark.parametrize("spec", OPS, ids=str)
def test_gradients(spec):
    @example_settings(spec)
    @given(case=spec.cases, data=st.data())
    def check(case, data):
        xs = _leaves(case)
        shape = np.shape(spec.ref(*case.arrays, **case.params))
        v = data.draw(incoming_grad(shape), label="grad_output")
        assert check_gradients(lambda *ts: spec.fn(*ts, **case.params), *xs, grad_outputs=[v])

    check()


@pytest.mark.parametrize("spec", OPS, ids=str)
def test_backward_matches_numpy_reference(spec):
    @example_settings(spec)
    @given(case=spec.cases, data=st.data())
    def check(case, data):
        expected_y = spec.ref(*case.arrays, **case.params)
        gy = data.draw(incoming_grad(np.shape(expected_y)), label="gy")
        xs = _leaves(case)
        y = spec.fn(*xs, **case.params)
        y.backward(gy)
        expected = _numerical_vjp(spec.ref, case.arrays, case.params, gy)
        for i, (x, g) in enumerate(zip(xs, expected)):
            assert x.grad is not None, f"input {i} got no gradient"
            assert x.grad.shape == x.shape and x.grad.dtype == np.float64
            np.testing.assert_allclose(x.grad.data, g, rtol=1e-5, atol=1e-6,
                                       err_msg=f"{spec.name}: gradient of input {i}")

    check()
