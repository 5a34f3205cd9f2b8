"""Running totals along an axis: cumulative sum and cumulative product."""
import numpy as np

from ..function import Function
from .._tensor import Tensor


def _reverse(a, axis: int):
    """``a`` (ndarray or Tensor) in reverse order along ``axis`` (a basic slice)."""
    return a[(slice(None),) * axis + (slice(None, None, -1),)]


class CumSum(Function):
    """y_k = x_0 + ... + x_k along ``axis``;  dL/dx_i = sum over k >= i of dL/dy_k, the
    cumulative sum of dL/dy taken from the end of the axis."""

    def forward(self, x, axis):
        self.axis = axis
        return np.cumsum(x, axis=axis)

    def backward(self, gy):
        return _reverse(_reverse(gy, self.axis).cumsum(axis=self.axis), self.axis), None


class CumProd(Function):
    """y_k = x_0 * ... * x_k along ``axis``;
    dL/dx_i = sum over k >= i of dL/dy_k * (the product of x_j for j <= k, j != i).

    Without zeros that product is y_k / x_i, so dL/dx = revcumsum(dL/dy * y) / x (O(n)).
    With a zero on the axis that is 0 / 0, and in second order (a Tensor x) the division
    would lose all precision to cancellation where some |x_i| is small: there the
    products are formed explicitly (O(n^2) per slice), as z[i, j] = x_j for j != i and
    1 for j = i, whose cumulative product along j is the product above. Exact at any
    number of zeros, like ``torch.cumprod``; values too small to divide by safely take
    the explicit path too.
    """

    def forward(self, x, axis):
        self.axis = axis
        self.divide = not _has_tiny_values(x)
        y = np.cumprod(x, axis=axis)
        self.save_for_backward(x, y)
        return y

    def backward(self, gy):
        x, y = self.saved_tensors
        a = self.axis
        if self.divide and not isinstance(x, Tensor):
            return _reverse(_reverse(gy * y, a).cumsum(axis=a), a) / x, None
        n = x.shape[a]
        eye = np.eye(n, dtype=x.dtype)
        xm, gym = x.swapaxes(a, -1), gy.swapaxes(a, -1)       # the axis last: (..., n)
        z = xm[..., None, :] * (1 - eye) + eye                  # (..., i, j)
        later = np.triu(np.ones((n, n), dtype=x.dtype))         # k >= i
        gx = (gym[..., None, :] * later * z.cumprod(axis=-1)).sum(axis=-1)
        return gx.swapaxes(a, -1), None


def _has_tiny_values(x: np.ndarray) -> bool:
    """A 0, or a value so small that dividing by it may leave the float range?"""
    if x.dtype.kind != "f" or x.size == 0:
        return False
    return bool(np.abs(x).min() < np.sqrt(np.finfo(x.dtype).tiny))
