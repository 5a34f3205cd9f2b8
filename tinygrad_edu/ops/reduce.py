"""Reductions: sum, max, min, logsumexp and prod over an axis (or all axes)."""
import numpy as np

from ..dtypes import to_float
from ..function import Function
from .._tensor import Tensor
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
        try:
            kept = type(self).reduce(x, axis=axis, keepdims=True)
        except np.exceptions.AxisError:
            raise
        except ValueError:  # NumPy's "zero-size array to reduction operation"
            raise ValueError(
                f"{type(self).__name__.lower()} of an empty selection (shape {x.shape}, "
                f"axis={axis}) has no value: reduce over axes that are not empty") from None
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


class Prod(Function):
    """y = the product of x over ``axis``;  dL/dx_i = dL/dy * (the product of the other
    values x_j reduced with x_i).

    That is y / x_i without zeros, but it is computed without dividing, so zeros follow
    ``torch.prod``'s convention by themselves: where exactly one value of a product is 0,
    it gets the product of the others and the rest get 0; where two or more are 0, all
    get 0. First order: the product of the values before x_i times the product of those
    after it (two cumulative products, O(n)). Second order (a Tensor x): the products of
    the others formed explicitly, z[i, j] = x_j for j != i and 1 for j = i, multiplied
    along j (O(n^2) for n values reduced), a graph with no division: y / x_i would lose
    all precision to cancellation in second order where some |x_i| is small.
    """

    def forward(self, x, axis, keepdims):
        y = np.prod(x, axis=axis, keepdims=keepdims)
        self.kept_shape = _kept_shape(x.shape, axis)
        self.axes = _reduced_axes(x.ndim, axis)
        self.save_for_backward(x)
        return y

    def backward(self, gy):
        (x,) = self.saved_tensors
        return gy.reshape(self.kept_shape) * _products_of_others(x, self.axes), None, None


def _reduced_axes(ndim: int, axis) -> tuple:
    if axis is None or ndim == 0:  # a 0-d array reduces over axis 0 or -1: nothing
        return tuple(range(ndim))
    return tuple(sorted({a % ndim for a in ((axis,) if isinstance(axis, int) else axis)}))


def _products_of_others(x, axes: tuple):
    """For each value, the product of the other values reduced with it over ``axes``
    (ndarray: two cumulative products; Tensor: explicit and differentiable), with the
    reduced axes moved last and flattened to one of n values."""
    kept = [i for i in range(x.ndim) if i not in axes]
    order = tuple(kept) + tuple(axes)
    moved = x.transpose(order)
    lead = tuple(moved.shape[:len(kept)])
    n = 1
    for a in axes:
        n *= x.shape[a]
    flat = moved.reshape(lead + (n,))
    if isinstance(x, Tensor):
        eye = np.eye(n, dtype=x.dtype)
        others = (flat[..., None, :] * (1 - eye) + eye).prod(axis=-1)
    elif n == 0:
        others = flat
    else:
        one = np.ones(lead + (1,), dtype=x.dtype)
        before = np.cumprod(np.concatenate([one, flat[..., :-1]], axis=-1), axis=-1)
        after = np.cumprod(np.concatenate([one, flat[..., :0:-1]], axis=-1), axis=-1)
        others = before * after[..., ::-1]
    return others.reshape(tuple(moved.shape)).transpose(tuple(int(i) for i in np.argsort(order)))
