"""2-D convolution and max pooling on NCHW arrays, built on im2col.

im2col copies every kh x kw patch of the (zero-padded) input into one column of a
matrix, so a convolution becomes a single matrix product with the flattened kernels;
col2im is its adjoint (it adds each column back onto the patch it came from). Both are
Functions here too, so a convolution's backward is itself differentiable (second order).
"""
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ..function import Function
from ..tensor import Tensor
from .shape import GetItemGrad

# --- im2col and col2im ---


def _out_size(size: int, kernel: int, stride: int, padding: int) -> int:
    return (size + 2 * padding - kernel) // stride + 1


def _im2col(x: np.ndarray, kernel: tuple, stride: tuple, padding: tuple) -> np.ndarray:
    """(N, C, H, W) -> (C * kh * kw, N * Ho * Wo): column (n, i, j) is the patch at output (i, j).

    Columns rather than rows, and the batch next to the output pixels: this order makes
    the copy (and the products that use it) run along contiguous memory.
    """
    (kh, kw), (sh, sw), (ph, pw) = kernel, stride, padding
    if ph or pw:
        x = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    windows = sliding_window_view(x, (kh, kw), axis=(2, 3))[:, :, ::sh, ::sw]
    n, c, ho, wo = windows.shape[:4]
    # (C, kh, kw, N, Ho, Wo): the one copy of im2col
    return windows.transpose(1, 4, 5, 0, 2, 3).reshape(c * kh * kw, n * ho * wo)


def _col2im(cols: np.ndarray, x_shape: tuple, kernel: tuple, stride: tuple,
            padding: tuple) -> np.ndarray:
    """The adjoint of ``_im2col``: add every column back onto its patch of an (N, C, H, W) array."""
    n, c, h, w = x_shape
    (kh, kw), (sh, sw), (ph, pw) = kernel, stride, padding
    ho, wo = _out_size(h, kh, sh, ph), _out_size(w, kw, sw, pw)
    patches = cols.reshape(c, kh, kw, n, ho, wo)
    x = np.zeros((c, n, h + 2 * ph, w + 2 * pw), dtype=cols.dtype)  # channels first, as cols
    for i in range(kh):  # kernel offset (i, j) touches a strided grid of the input
        for j in range(kw):
            x[:, :, i:i + sh * ho:sh, j:j + sw * wo:sw] += patches[:, i, j]
    return np.ascontiguousarray(x[:, :, ph:ph + h, pw:pw + w].transpose(1, 0, 2, 3))


def im2col(x, kernel: tuple, stride: tuple, padding: tuple):
    """``_im2col`` of an ndarray, or the differentiable Im2Col of a Tensor."""
    if isinstance(x, Tensor):
        return Im2Col.apply(x, kernel, stride, padding)
    return _im2col(x, kernel, stride, padding)


def col2im(cols, x_shape: tuple, kernel: tuple, stride: tuple, padding: tuple):
    """``_col2im`` of an ndarray, or the differentiable Col2Im of a Tensor."""
    if isinstance(cols, Tensor):
        return Col2Im.apply(cols, tuple(x_shape), kernel, stride, padding)
    return _col2im(cols, tuple(x_shape), kernel, stride, padding)


class Im2Col(Function):
    """y = im2col(x) (a copy of every patch as a column);  dL/dx = col2im(dL/dy), its adjoint."""

    def forward(self, x, kernel, stride, padding):
        self.x_shape = x.shape
        self.args = (kernel, stride, padding)
        return _im2col(x, kernel, stride, padding)

    def backward(self, gy):
        return col2im(gy, self.x_shape, *self.args), None, None, None


class Col2Im(Function):
    """y = col2im(x) (columns added back onto their patches);  dL/dx = im2col(dL/dy)."""

    def forward(self, cols, x_shape, kernel, stride, padding):
        self.args = (kernel, stride, padding)
        return _col2im(cols, x_shape, kernel, stride, padding)

    def backward(self, gy):
        return im2col(gy, *self.args), None, None, None, None


# --- convolution ---


class Conv2d(Function):
    """y[n, o] = b[o] + sum over c, i, j of W[o, c, i, j] * x_pad[n, c, s*h + i, s*w + j].

    x is (N, C, H, W), W is (O, C, kh, kw), b is (O,) or None; x_pad is x with
    ``padding`` zeros on each side of H and W, s the stride (per axis); y is
    (N, O, Ho, Wo) with Ho = (H + 2 ph - kh) // sh + 1. (This is cross-correlation, what
    every framework calls convolution.) With X = im2col(x) of shape (C*kh*kw, N*Ho*Wo)
    and Wm = W reshaped to (O, C*kh*kw), the forward is one product Y = Wm @ X + b
    (Y of shape (O, N*Ho*Wo)), and with G = dL/dY::

        dL/dW = (G @ X^T) reshaped to W's shape
        dL/db = sum of G over its columns
        dL/dx = col2im(Wm^T @ G)
    """

    def forward(self, x, weight, bias, stride, padding):
        o, c, kh, kw = weight.shape
        n, h, w = x.shape[0], x.shape[2], x.shape[3]
        kernel = (kh, kw)
        cols = _im2col(x, kernel, stride, padding)
        y = weight.reshape(o, c * kh * kw) @ cols  # (O, N*Ho*Wo)
        if bias is not None:
            y += bias[:, None]
        self.args = (kernel, stride, padding)
        self.save_for_backward(x, weight, cols)
        ho, wo = _out_size(h, kh, stride[0], padding[0]), _out_size(w, kw, stride[1], padding[1])
        # NCHW and contiguous: the element-wise ops that follow run at full speed
        return np.ascontiguousarray(y.reshape(o, n, ho, wo).transpose(1, 0, 2, 3))

    def backward(self, gy):
        x, weight, cols = self.saved_tensors
        o = weight.shape[0]
        g = gy.transpose(1, 0, 2, 3).reshape((o, -1))  # (O, N*Ho*Wo), columns as in cols
        needs = self.needs_input_grad
        gx = gw = gb = None
        if needs[1]:
            if isinstance(gy, Tensor):  # second order: the patches of the graph's x
                cols = im2col(x, *self.args)
            gw = (g @ cols.T).reshape(tuple(weight.shape))
        if needs[2]:
            gb = g.sum(axis=1)
        if needs[0]:
            gx = col2im(weight.reshape((o, -1)).T @ g, x.shape, *self.args)
        return gx, gw, gb, None, None


# --- pooling ---


class MaxPool2d(Function):
    """y[n, c, h, w] = the maximum of x over the kh x kw window at (s*h - p, s*w - p).

    x is (N, C, H, W); padding counts as -inf, so it never wins. Backward sends dL/dy to
    the position of each window's maximum (the first one, in row-major order, at a tie,
    as PyTorch) and 0 elsewhere; an element that is the maximum of several overlapping
    windows gets the sum. Forward keeps those positions as flat indices into x, so y is
    the gather x.flat[index] and dL/dx its adjoint, a scatter-add.
    """

    def forward(self, x, kernel, stride, padding):
        (kh, kw), (sh, sw), (ph, pw) = kernel, stride, padding
        n, c, h, w = x.shape
        padded = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), constant_values=-np.inf) \
            if ph or pw else x
        ho, wo = _out_size(h, kh, sh, ph), _out_size(w, kw, sw, pw)
        # One pass per kernel offset over output-sized arrays (fast for small kernels):
        # the maximum, then, from the last offset to the first, where it was attained, so
        # the first offset wins a tie. Offsets are small integers: int8 keeps this cheap.
        windows = [padded[:, :, i:i + sh * ho:sh, j:j + sw * wo:sw]
                   for i in range(kh) for j in range(kw)]
        y = windows[0].copy()
        for candidate in windows[1:]:
            np.maximum(y, candidate, out=y)
        small = np.int8 if kh * kw <= 127 else np.intp
        offset = np.zeros(y.shape, dtype=small)
        for k in range(kh * kw - 1, -1, -1):
            offset += (windows[k] == y) * (small(k) - offset)  # offset = k where attained
        di = offset // kw
        dj = offset - di * kw
        # Row and column of each maximum in x (padding removed), then its flat index. A
        # window of padding only is impossible (padding <= kernel / 2), but in a window of
        # -inf values a padding position could win: clip it into x.
        rows = (np.arange(ho) * sh - ph)[:, None] + di
        cols = (np.arange(wo) * sw - pw) + dj
        if ph or pw:
            rows, cols = rows.clip(0, h - 1), cols.clip(0, w - 1)
        planes = np.arange(n * c).reshape(n, c, 1, 1)
        self.index = (planes * h + rows) * w + cols
        self.x_shape = x.shape
        self.unique = sh >= kh and sw >= kw  # windows do not overlap
        return y

    def backward(self, gy):
        size = int(np.prod(self.x_shape))
        if isinstance(gy, Tensor):  # second order: the scatter-add as a differentiable op
            gx = GetItemGrad.apply(gy, (size,), self.index)
            return gx.reshape(self.x_shape), None, None, None
        if self.unique:
            gx = np.zeros(size, dtype=gy.dtype)
            gx[self.index.ravel()] = gy.ravel()
        else:
            gx = np.bincount(self.index.ravel(), weights=gy.ravel(), minlength=size)
            gx = gx.astype(gy.dtype, copy=False)
        return gx.reshape(self.x_shape), None, None, None
