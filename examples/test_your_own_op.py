"""Test your own op: property-test a tg.Function's gradients in a few lines (a recipe to copy).

Two ops a learner might write, one each way tg.Function allows:
  - Softplus, PyTorch's way (static methods with ctx; forward and backward get Tensors);
  - MyAbs, DeZero's way (methods with self; they get NumPy arrays), with a kink at 0.

Hypothesis draws the inputs (0-d to 3-D shapes, size-1 axes, broadcasting pairs) and
check_gradients proves, for each draw: (1) backward agrees with central differences,
(2) the fast backward pass equals the create_graph=True one, (3) the second derivative
agrees too. The forward is compared with NumPy by assert_close.

Run:  python -m pytest examples/test_your_own_op.py     (pytest collects it)
      python examples/test_your_own_op.py [--quick]     (the same, as a script)
"""
from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_edu as tg
from tinygrad_edu.testing import assert_close, check_gradients
from tinygrad_edu.testing import strategies as ts


class Softplus(tg.Function):
    """y = log(1 + exp(x)) = max(x, 0) + log(1 + exp(-|x|));  dy/dx = sigmoid(x)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x.relu() + (1 + (-x.abs()).exp()).log()  # no overflow for large |x|

    @staticmethod
    def backward(ctx, gy):
        (x,) = ctx.saved_tensors
        return gy * x.sigmoid()


class MyAbs(tg.Function):
    """y = |x|;  dy/dx = sign(x) (not differentiable at 0: test away from it)."""

    def forward(self, x):
        self.save_for_backward(x)
        return np.abs(x)

    def backward(self, gy):
        (x,) = self.saved_tensors
        return gy * np.sign(x)  # NumPy ufuncs work on arrays and, for second order, Tensors


@settings(deadline=None)  # finite differences take a few milliseconds
@given(ts.tensors(elements=ts.reals(-6.0, 6.0)))
def test_softplus_gradients(x):
    check_gradients(Softplus.apply, x)


@settings(deadline=None)
@given(ts.tensors(elements=ts.away_from([0.0])))  # |x| >= 0.1: never on the kink
def test_abs_gradients(x):
    check_gradients(MyAbs.apply, x)


@settings(deadline=None)
@given(st.data())
def test_softplus_of_a_broadcast_product(data):
    shape_a, shape_b = data.draw(ts.broadcastable_shapes())
    a, b = data.draw(ts.tensors(shape_a)), data.draw(ts.tensors(shape_b))
    check_gradients(lambda a, b: Softplus.apply(a * b), a, b)


@given(ts.arrays(elements=ts.reals(-30.0, 30.0)))
def test_forward_matches_numpy(x):
    assert_close(Softplus.apply(tg.Tensor(x)), np.logaddexp(0.0, x))
    assert_close(MyAbs.apply(tg.Tensor(x)), np.abs(x))


if __name__ == "__main__":
    import argparse
    import sys

    import pytest

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10 examples per test (for tests)")
    args = parser.parse_args()
    settings.register_profile("quick", max_examples=10)
    settings.load_profile("quick" if args.quick else "default")
    # (hypothesis is imported already, so pytest cannot rewrite its asserts: that is fine)
    sys.exit(pytest.main([__file__, "-q", "-p", "no:cacheprovider",
                          "-W", "ignore::pytest.PytestAssertRewriteWarning"]))
