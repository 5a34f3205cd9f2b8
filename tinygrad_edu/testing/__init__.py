"""tinygrad_edu.testing: prove the gradients of your own ops and modules in a few lines.

    from hypothesis import given
    from tinygrad_edu.testing import check_gradients, strategies as ts

    @given(ts.tensors(elements=ts.away_from([0.0])))
    def test_my_abs(x):
        check_gradients(MyAbs.apply, x)

- ``check_gradients(fn, *inputs)``: first order (gradcheck), the fast backward pass
  equal to the ``create_graph=True`` one, and second order (gradgradcheck), in float64.
- ``check_module(module, inputs, loss=...)``: the same for a module's inputs *and*
  parameters, on a float64 copy, plus train/eval consistency and a state_dict round trip.
- ``assert_close(actual, expected)``: ``torch.testing.assert_close`` (PyTorch's
  default tolerances per dtype; the message names the worst element).
- ``make_tensor(*shape, dtype=, low=, high=)``: ``torch.testing.make_tensor``.
- ``strategies``: Hypothesis strategies (shapes, broadcastable shapes, arrays, tensors,
  value domains away from kinks, matmul shapes, axes). They need Hypothesis (``pip
  install tinygrad_edu[test]``); everything else here needs only NumPy.
"""
from __future__ import annotations

import importlib
from typing import Any

from .compare import assert_close, default_tolerances
from .creation import make_tensor
from .gradients import GradientCheckError, check_gradients, check_module

_STRATEGIES = ("reals", "positive", "away_from", "shapes", "broadcastable_shapes", "arrays",
               "tensors", "matmul_shapes", "axes")

# The strategies stay out of __all__: `from tinygrad_edu.testing import *` works without
# Hypothesis.
__all__ = ["assert_close", "default_tolerances", "make_tensor", "check_gradients",
           "check_module", "GradientCheckError"]


def __getattr__(name: str) -> Any:
    # The strategies import Hypothesis, an optional dependency: only when asked for.
    if name == "strategies" or name in _STRATEGIES:
        strategies = importlib.import_module(f"{__name__}.strategies")
        return strategies if name == "strategies" else getattr(strategies, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__) | {"strategies", *_STRATEGIES})
