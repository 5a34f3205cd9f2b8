"""Neural-network ops with their own numerically stable formulas: softmax and log-softmax."""
import numpy as np

from ..dtypes import to_float
from ..function import Function


class Softmax(Function):
    """y_i = exp(x_i) / sum_j exp(x_j) along ``axis``;  dL/dx = y * (g - sum(g * y)).

    Computed as exp(x - max(x)): the same value, and exp never overflows.
    """

    def forward(self, x, axis):
        x = to_float(x)
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
    no log(0) for very negative inputs.
    """

    def forward(self, x, axis):
        x = to_float(x)
        shifted = x - x.max(axis=axis, keepdims=True)
        y = shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))
        self.axis = axis
        self.save_for_backward(y)
        return y

    def backward(self, gy):
        (y,) = self.saved_tensors
        return gy - np.exp(y) * gy.sum(axis=self.axis, keepdims=True), None
