"""Normalisation as one fused op: the statistics, the standardisation and the affine map.

Layer normalisation (statistics over the last axes of each sample) and batch
normalisation (statistics of each channel over the batch and the pixels) are the same
computation over different axes, so ``Normalize`` serves both. The first-order backward
is the closed-form gradient on saved arrays (fast); under ``create_graph=True`` it
rebuilds the same formulas from the graph's Tensors, so second order works too.
"""
import string

import numpy as np

from ..function import Function
from .._tensor import Tensor


def _count(shape: tuple, axes: tuple) -> int:
    n = 1
    for a in axes:
        n *= shape[a]
    return n


def _subscripts(ndim: int, axes: tuple) -> tuple[str, str]:
    """einsum letters for an array of ``ndim`` axes, and those left after summing ``axes``."""
    letters = string.ascii_letters[:ndim]
    return letters, "".join(c for i, c in enumerate(letters) if i not in axes)


def _sum(a, axes: tuple, shape: tuple):
    """sum(a) over ``axes``, reshaped to ``shape`` (einsum: faster than a.sum here; a
    Tensor, under create_graph, is summed by its differentiable method)."""
    if isinstance(a, Tensor):
        return a.sum(axis=axes).reshape(tuple(shape))
    letters, kept = _subscripts(a.ndim, axes)
    return np.einsum(f"{letters}->{kept}", a).reshape(shape)


def _product_sum(a, b, axes: tuple, shape: tuple):
    """sum(a * b) over ``axes``, reshaped to ``shape``: one einsum, without the a * b
    temporary (2-3x faster than (a * b).sum(axis=axes)); Tensors as in ``_sum``."""
    if isinstance(a, Tensor) or isinstance(b, Tensor):
        return _sum(a * b, axes, shape)
    letters, kept = _subscripts(a.ndim, axes)
    return np.einsum(f"{letters},{letters}->{kept}", a, b).reshape(shape)


def moments(x: np.ndarray, axes: tuple) -> tuple[np.ndarray, np.ndarray]:
    """The mean and the biased (population) variance of x over ``axes``, as size-1 axes.

    Two passes (the mean, then the mean of the squared deviations): stabler than
    E[x^2] - E[x]^2, which loses the variance of data far from 0.
    """
    n = _count(x.shape, axes)
    inv_n = 1.0 / n if n else 0.0  # an empty batch: no statistics, an empty output
    stats_shape = tuple(1 if i in axes else size for i, size in enumerate(x.shape))
    mean = _sum(x, axes, stats_shape) * inv_n
    centered = x - mean
    return mean, _product_sum(centered, centered, axes, mean.shape) * inv_n


class Normalize(Function):
    """y = (x - m) / sqrt(v + eps) * w + b: x standardised over ``axes``, scaled and shifted.

    m and v are the mean and the biased variance of x over ``axes`` (n values each),
    kept as size-1 axes so they broadcast against x; w and b (either may be None) are
    reshaped to ``param_shape``, which broadcasts against x from the right. With
    r = (v + eps)^(-1/2), the standardised input x^ = (x - m) r and g = dL/dy * w
    (g = dL/dy without w)::

        dL/dx = r * (g - mean(g) - x^ * mean(g x^))      (means over ``axes``)
        dL/dw = sum of dL/dy * x^ over the axes along which w is broadcast
        dL/db = sum of dL/dy over those axes

    The first line is the chain rule through x, m and v together (dm/dx = 1/n,
    dv/dx = 2 (x - m) / n, dr/dv = -r^3 / 2); its gradients sum to 0 over ``axes``, as
    adding a constant to x changes no output. The caller may pass m and v when it has computed them already
    (BatchNorm, for its running statistics). With ``fixed=True`` they are constants
    instead (BatchNorm in evaluation mode, with its running statistics): then x^ is an
    affine function of x and dL/dx = r g.
    """

    def forward(self, x, weight, bias, axes, param_shape, eps, mean=None, var=None,
                fixed=False):
        if mean is None:
            mean, var = moments(x, axes)
        rstd = 1.0 / np.sqrt(var + eps)
        xhat = x - mean
        xhat *= rstd
        y = xhat
        if weight is not None:
            y = y * weight.reshape(param_shape)
        if bias is not None:
            shift = bias.reshape(param_shape)
            if y is xhat:
                y = y + shift
            else:
                y += shift
        lead = x.ndim - len(param_shape)  # w's axes are the last len(param_shape) of x's
        self.param_axes = tuple(i for i in range(x.ndim)
                                if i < lead or param_shape[i - lead] == 1)
        self.axes, self.param_shape, self.eps, self.fixed = axes, param_shape, eps, fixed
        n = _count(x.shape, axes)
        self.inv_n = 1.0 / n if n else 0.0  # an empty batch: nothing to average
        self.mean = mean  # a constant only when fixed
        self.bias_shape = None if bias is None else bias.shape
        self.save_for_backward(x, weight, xhat, rstd)
        return y

    def _standardize(self, x: Tensor, rstd: np.ndarray) -> tuple:
        """x^ and r from the graph's x, for second order (r is a constant when fixed)."""
        if self.fixed:
            return (x - self.mean) * rstd, rstd
        centered = x - x.mean(axis=self.axes, keepdims=True)
        var = (centered * centered).mean(axis=self.axes, keepdims=True)
        rstd = (var + self.eps) ** -0.5
        return centered * rstd, rstd

    def backward(self, gy):
        x, weight, xhat, rstd = self.saved_tensors
        if isinstance(gy, Tensor):
            xhat, rstd = self._standardize(x, rstd)  # second order: from the graph's x
        needs = self.needs_input_grad
        gx = gw = gb = None
        if needs[0]:
            g = gy if weight is None else gy * weight.reshape(self.param_shape)
            if self.fixed:
                gx = g * rstd
            else:
                axes, inv_n = self.axes, self.inv_n
                mean_g = _sum(g, axes, rstd.shape) * inv_n
                mean_gx = _product_sum(g, xhat, axes, rstd.shape) * inv_n
                if isinstance(g, Tensor):
                    gx = (g - mean_g - xhat * mean_gx) * rstd
                else:  # the same, in place: fewer temporaries (first order)
                    gx = xhat * -mean_gx
                    gx += g
                    gx -= mean_g
                    gx *= rstd
        if needs[1]:
            gw = _product_sum(gy, xhat, self.param_axes, weight.shape)
        if needs[2]:
            gb = _sum(gy, self.param_axes, self.bias_shape)
        return (gx, gw, gb) + (None,) * (len(self.inputs) - 3)  # the optional arguments
