"""Reductions: sum, max and min over an axis (or all axes)."""
import numpy as np

from ..dtypes import to_float
from ..function import Function
from ..tensor import Tensor
from .shape import broadcast_to


def _kept_shape(shape: tuple, axis) -> tuple:
    """``shape`` with the reduced axes kept as size 1 (what keepdims=True gives)."""
    if axis is None or not shape:  # NumPy lets a 0-d array be reduced over axis 0 or -1
        return (1,) * len(shape)
    axes = {a % len(shape) for a in ((axis,) if isinstance(axis, int) else axis)}
    return tuple(1 if i in axes else n for i, n in enumerate(shape))


class Sum(Function):
    """y = sum of x over ``axis``;  dL/dx = dL/dy broadcast back over the summed axes."""

    def forward(self, x, axis, keepdims):
        self.x_shape = x.shape
        self.kept_shape = _kept_shape(x.shape, axis)
        return x.sum(axis=axis, keepdims=keepdims)

    def backward(self, gy):
        return broadcast_to(gy.reshape(self.kept_shape), self.x_shape), None, None


class Max(Function):
    """y = max of x over ``axis``;  dL/dx = dL/dy at the maximum, 0 elsewhere.

    Ties share the gradient equally (as ``torch.amax``): with k equal maxima each gets
    dL/dy / k. Empty reductions raise, as in NumPy.
    """

    reduce = staticmethod(np.max)

    def forward(self, x, axis, keepdims):
        kept = type(self).reduce(x, axis=axis, keepdims=True)
        is_extreme = x == kept
        self.save_for_backward(is_extreme / is_extreme.sum(axis=axis, keepdims=True, dtype=x.dtype))
        self.kept_shape = kept.shape
        return kept if keepdims else kept.squeeze(axis=axis)

    def backward(self, gy):
        (share,) = self.saved_tensors
        return gy.reshape(self.kept_shape) * share, None, None


class Min(Max):
    """y = min of x over ``axis``;  dL/dx = dL/dy at the minimum (ties share it equally)."""

    reduce = staticmethod(np.min)


class LogSumExp(Function):
    """y = log(sum(exp(x))) over ``axis``;  dL/dx = dL/dy * softmax(x), the softmax taken
    over ``axis`` (it is exp(x - y)).

    Computed as m + log(sum(exp(x - m))) with m = max(x) over ``axis``: exp never
    overflows, and the log never sees 0 unless every value is -inf. An infinite m is
    replaced by 0 (so +inf gives +inf and all -inf gives -inf, as ``torch.logsumexp``).
    The gradient is e / sum(e) with e = exp(x - m), not exp(x - y): y is rounded at the
    scale of max(x), which would cost float32 all its digits for large x.
    """

    def forward(self, x, axis, keepdims):
        x = to_float(x)  # integers give the default float dtype, as in PyTorch
        m = x.max(axis=axis, keepdims=True, initial=-np.inf)  # -inf over an empty axis
        m = np.where(np.isfinite(m), m, 0).astype(x.dtype)
        e = np.exp(x - m)
        total = e.sum(axis=axis, keepdims=True)
        with np.errstate(divide="ignore"):  # log(0) = -inf: every value was -inf
            y = np.log(total) + m
        self.axis, self.m = axis, m
        self.save_for_backward(x, e, total)
        return y if keepdims else np.squeeze(y, axis=axis)

    def backward(self, gy):
        x, e, total = self.saved_tensors
        if isinstance(x, Tensor):  # create_graph: e as a function of x, for second order
            e = np.exp(x - self.m)
            total = e.sum(axis=self.axis, keepdims=True)
        return gy.reshape(self.m.shape) * (e / total), None, None
