"""Neural-network ops with their own numerically stable formulas: softmax and log-softmax."""
import numpy as np

from ..dtypes import to_float
from ..function import Function


class Softmax(Function):
    """y_i = exp(x_i) / sum_j exp(x_j) along ``axis``;  dL/dx = y * (g - sum(g * y)).

    Computed as exp(x - max(x)): the same value, and exp never overflows. An empty x
    (e.g. a size-0 ``axis``) gives an empty y and an empty gradient, as PyTorch.
    """

    def forward(self, x, axis):
        x = to_float(x)
        self.axis = axis
        if x.size == 0:  # max() of a size-0 axis has no value; the result is empty anyway
            x.sum(axis=axis)  # still an AxisError for an axis out of range
            y = np.exp(x)
            self.save_for_backward(y)
            return y
        e = np.exp(x - x.max(axis=axis, keepdims=True))
        y = e / e.sum(axis=axis, keepdims=True)
        self.axis = axis
        self.save_for_backward(y)
        return y

    def backward(self, gy):
        (y,) = self.saved_tensors
        return y * (gy - (gy * y).sum(axis=self.axis, keepdims=True)), None


class LogSoftmax(Function):
    """y = x - log(sum(exp(x))) along ``axis``;  dL/dx = g - softmax(x) * sum(g).

    The log-sum-exp is taken as m + log(sum(exp(x - m))) with m = max(x): no overflow, and
    no log(0) for very negative inputs. An empty x (e.g. a size-0 ``axis``) gives an empty
    y and an empty gradient, as PyTorch.
    """

    def forward(self, x, axis):
        x = to_float(x)
        self.axis = axis
        if x.size == 0:  # max() of a size-0 axis has no value; the result is empty anyway
            x.sum(axis=axis)  # still an AxisError for an axis out of range
            y = x.copy()
            self.save_for_backward(y)
            return y
        shifted = x - x.max(axis=axis, keepdims=True)
        y = shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))
        self.axis = axis
        self.save_for_backward(y)
        return y

    def backward(self, gy):
        (y,) = self.saved_tensors
        return gy - np.exp(y) * gy.sum(axis=self.axis, keepdims=True), None
