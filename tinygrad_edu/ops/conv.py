"""2-D convolution and max pooling on NCHW arrays, built on im2col.

im2col copies every kh x kw patch of the (zero-padded) input into one column of a
matrix, so a convolution becomes a single matrix product with the flattened kernels;
col2im is its adjoint (it adds each column back onto the patch it came from). Both are
Functions here too, so a convolution's backward is itself differentiable (second order).

A dilated kernel (dilation d) reads every d-th pixel: its patch spans d*(k-1)+1 pixels
but holds only k of them, so im2col just takes the patch with a step d. Grouped
convolution splits the channels into ``groups`` independent convolutions; in the im2col
layout that is a batched matrix product, one per group.
"""
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ..function import Function
from .._tensor import Tensor
from .shape import GetItemGrad

# --- im2col and col2im ---


def _out_size(size: int, kernel: int, stride: int, padding: tuple, dilation: int = 1) -> int:
    """Output length along one axis: (size + lo + hi - d*(k-1) - 1) // stride + 1."""
    return (size + padding[0] + padding[1] - dilation * (kernel - 1) - 1) // stride + 1


def _im2col(x: np.ndarray, kernel: tuple, stride: tuple, padding: tuple,
            dilation: tuple = (1, 1)) -> np.ndarray:
    """(N, C, H, W) -> (C * kh * kw, N * Ho * Wo): column (n, i, j) is the patch at output (i, j).

    ``padding`` is ((top, bottom), (left, right)). Columns rather than rows, and the batch
    next to the output pixels: this order makes the copy (and the products that use it)
    run along contiguous memory.
    """
    (kh, kw), (sh, sw), ((pt, pb), (pl, pr)), (dh, dw) = kernel, stride, padding, dilation
    if pt or pb or pl or pr:
        x = np.pad(x, ((0, 0), (0, 0), (pt, pb), (pl, pr)))
    span = (dh * (kh - 1) + 1, dw * (kw - 1) + 1)  # the dilated kernel's extent
    windows = sliding_window_view(x, span, axis=(2, 3))[:, :, ::sh, ::sw]
    if dh > 1 or dw > 1:
        windows = windows[:, :, :, :, ::dh, ::dw]
    n, c, ho, wo = windows.shape[:4]
    # (C, kh, kw, N, Ho, Wo): the one copy of im2col
    return windows.transpose(1, 4, 5, 0, 2, 3).reshape(c * kh * kw, n * ho * wo)


def _col2im(cols: np.ndarray, x_shape: tuple, kernel: tuple, stride: tuple, padding: tuple,
            dilation: tuple = (1, 1)) -> np.ndarray:
    """The adjoint of ``_im2col``: add every column back onto its patch of an (N, C, H, W) array."""
    n, c, h, w = x_shape
    (kh, kw), (sh, sw), ((pt, pb), (pl, pr)), (dh, dw) = kernel, stride, padding, dilation
    ho, wo = _out_size(h, kh, sh, (pt, pb), dh), _out_size(w, kw, sw, (pl, pr), dw)
    patches = cols.reshape(c, kh, kw, n, ho, wo)
    x = np.zeros((c, n, h + pt + pb, w + pl + pr), dtype=cols.dtype)  # channels first, as cols
    for i in range(kh):  # kernel offset (i, j) touches a strided grid of the input
        for j in range(kw):
            top, left = i * dh, j * dw
            x[:, :, top:top + sh * ho:sh, left:left + sw * wo:sw] += patches[:, i, j]
    return np.ascontiguousarray(x[:, :, pt:pt + h, pl:pl + w].transpose(1, 0, 2, 3))


def im2col(x, kernel: tuple, stride: tuple, padding: tuple, dilation: tuple = (1, 1)):
    """``_im2col`` of an ndarray, or the differentiable Im2Col of a Tensor."""
    if isinstance(x, Tensor):
        return Im2Col.apply(x, kernel, stride, padding, dilation)
    return _im2col(x, kernel, stride, padding, dilation)


def col2im(cols, x_shape: tuple, kernel: tuple, stride: tuple, padding: tuple,
           dilation: tuple = (1, 1)):
    """``_col2im`` of an ndarray, or the differentiable Col2Im of a Tensor."""
    if isinstance(cols, Tensor):
        return Col2Im.apply(cols, tuple(x_shape), kernel, stride, padding, dilation)
    return _col2im(cols, tuple(x_shape), kernel, stride, padding, dilation)


class Im2Col(Function):
    """y = im2col(x) (a copy of every patch as a column);  dL/dx = col2im(dL/dy), its adjoint."""

    def forward(self, x, kernel, stride, padding, dilation):
        self.x_shape = x.shape
        self.args = (kernel, stride, padding, dilation)
        return _im2col(x, *self.args)

    def backward(self, gy):
        return col2im(gy, self.x_shape, *self.args), None, None, None, None


class Col2Im(Function):
    """y = col2im(x) (columns added back onto their patches);  dL/dx = im2col(dL/dy)."""

    def forward(self, cols, x_shape, kernel, stride, padding, dilation):
        self.args = (kernel, stride, padding, dilation)
        return _col2im(cols, x_shape, *self.args)

    def backward(self, gy):
        return im2col(gy, *self.args), None, None, None, None, None


# --- convolution ---


class Conv2d(Function):
    """y[n, o] = b[o] + sum_{c,i,j} W[o, c, i, j] * x_pad[n, g*Cg + c, s*h + d*i, s*w + d*j].

    x is (N, C, H, W), W is (O, Cg, kh, kw) with Cg = C/G for G = ``groups``, b is (O,) or
    None; x_pad is x with zeros added on each side of H and W (``padding``:
    ((top, bottom), (left, right))), s the stride and d the dilation (per axis). The sum
    runs over the kernel's taps i < kh, j < kw and the Cg input channels of the group
    g = o // (O/G) of output channel o: it sees only those. G = 1 is the ordinary
    convolution, G = C (with O = m*C) the depthwise one, m kernels per channel. y is
    (N, O, Ho, Wo) with

        Ho = (H + top + bottom - d_h*(kh - 1) - 1) // s_h + 1   (Wo likewise).

    (This is cross-correlation, what every framework calls convolution.) With
    X = im2col(x) of shape (C*kh*kw, N*Ho*Wo) split into G blocks of rows X_g and
    W_g = the group's kernels as an (O/G, Cg*kh*kw) matrix, the forward is
    Y_g = W_g @ X_g (+ b), one batched product, and with G_g = dL/dY_g::

        dL/dW_g = G_g @ X_g^T  (reshaped to W's shape)
        dL/db   = sum of G over its columns
        dL/dx   = col2im(the W_g^T @ G_g stacked over g)
    """

    def forward(self, x, weight, bias, stride, padding, dilation, groups):
        o, cg, kh, kw = weight.shape
        n, h, w = x.shape[0], x.shape[2], x.shape[3]
        self.args = ((kh, kw), stride, padding, dilation)
        self.groups = groups
        cols = _im2col(x, *self.args)
        if groups == 1:
            y = weight.reshape(o, cg * kh * kw) @ cols  # (O, N*Ho*Wo)
        else:  # (G, O/G, Cg*kh*kw) @ (G, Cg*kh*kw, N*Ho*Wo)
            y = (weight.reshape(groups, o // groups, cg * kh * kw)
                 @ cols.reshape(groups, cg * kh * kw, -1)).reshape(o, -1)
        if bias is not None:
            y += bias[:, None]
        self.save_for_backward(x, weight, cols)
        ho = _out_size(h, kh, stride[0], padding[0], dilation[0])
        wo = _out_size(w, kw, stride[1], padding[1], dilation[1])
        # NCHW and contiguous: the element-wise ops that follow run at full speed
        return np.ascontiguousarray(y.reshape(o, n, ho, wo).transpose(1, 0, 2, 3))

    def backward(self, gy):
        x, weight, cols = self.saved_tensors
        o, groups = weight.shape[0], self.groups
        g = gy.transpose(1, 0, 2, 3).reshape((o, -1))  # (O, N*Ho*Wo), columns as in cols
        needs = self.needs_input_grad
        gx = gw = gb = None
        if needs[1]:
            if isinstance(gy, Tensor):  # second order: the patches of the graph's x
                cols = im2col(x, *self.args)
            if groups == 1:
                gw = (g @ cols.T).reshape(tuple(weight.shape))
            else:
                gw = (g.reshape((groups, o // groups, -1))
                      @ cols.reshape((groups, cols.shape[0] // groups, -1)).swapaxes(1, 2))
                gw = gw.reshape(tuple(weight.shape))
        if needs[2]:
            gb = g.sum(axis=1)
        if needs[0]:
            if groups == 1:
                gcols = weight.reshape((o, -1)).T @ g
            else:
                w_t = weight.reshape((groups, o // groups, -1)).swapaxes(1, 2)
                g = g.reshape((groups, o // groups, -1))
                # one kernel per group (depthwise): an outer product, which NumPy's matmul
                # computes 4x slower than a broadcast product
                gcols = w_t * g if o == groups else w_t @ g
                gcols = gcols.reshape((-1, gcols.shape[-1]))
            gx = col2im(gcols, x.shape, *self.args)
        return gx, gw, gb, None, None, None, None


# --- pooling ---


def _inside(positions: np.ndarray, size: int) -> np.ndarray:
    """Which of these row (or column) positions of the padded grid lie in x."""
    return (positions >= 0) & (positions < size)


def _window_has_input(size: int, out: int, kernel: int, stride: int, padding: int,
                      dilation: int) -> np.ndarray:
    """(out,) bools: does the window at each output position read at least one real pixel?"""
    positions = (np.arange(out) * stride - padding)[:, None] + np.arange(kernel) * dilation
    return _inside(positions, size).any(axis=1)


class MaxPool2d(Function):
    """y[n, c, h, w] = max over 0 <= i < kh, 0 <= j < kw of x[n, c, s*h - p + d*i, s*w - p + d*j].

    x is (N, C, H, W); s the stride, p the padding, d the dilation (per axis); y is
    (N, C, Ho, Wo) with Ho = (H + 2 p_h - d_h*(kh - 1) - 1) // s_h + 1. Padding counts as
    -inf, so it never wins. Backward sends dL/dy to the position of each window's maximum
    (the first one, in row-major order, at a tie, as PyTorch) and 0 elsewhere; an element
    that is the maximum of several overlapping windows gets the sum. Forward keeps those
    positions as flat indices into x, so y is the gather x.flat[index] and dL/dx its
    adjoint, a scatter-add. A dilated window can fall wholly on padding: its maximum is
    -inf and it sends no gradient (as PyTorch). A NaN is the maximum of its window, and
    the window's last NaN gets the gradient (as PyTorch).
    """

    def forward(self, x, kernel, stride, padding, dilation):
        (kh, kw), (sh, sw), (ph, pw), (dh, dw) = kernel, stride, padding, dilation
        n, c, h, w = x.shape
        padded = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), constant_values=-np.inf) \
            if ph or pw else x
        ho, wo = _out_size(h, kh, sh, (ph, ph), dh), _out_size(w, kw, sw, (pw, pw), dw)
        # One pass per kernel offset over output-sized arrays (fast for small kernels):
        # the maximum, then, from the last offset to the first, where it was attained, so
        # the first offset wins a tie. Offsets are small integers: int8 keeps this cheap.
        windows = [padded[:, :, i * dh:i * dh + sh * ho:sh, j * dw:j * dw + sw * wo:sw]
                   for i in range(kh) for j in range(kw)]
        y = windows[0].copy()
        for candidate in windows[1:]:
            np.maximum(y, candidate, out=y)
        small = np.int8 if kh * kw <= 127 else np.intp
        offset = np.zeros(y.shape, dtype=small)
        # Rare inputs, found by one reduction (min propagates NaN): an x of -inf ties with
        # the padding, and as in PyTorch only positions inside x may win; a NaN wins.
        lowest = y.min() if y.size else 0.0
        nan = lowest != lowest
        edge = bool((ph or pw) and (lowest == -np.inf or nan and np.isneginf(y).any()))
        for k in range(kh * kw - 1, -1, -1):
            attained = windows[k] == y
            if edge:
                i, j = divmod(k, kw)
                attained &= (_inside(np.arange(ho) * sh - ph + i * dh, h)[:, None]
                             & _inside(np.arange(wo) * sw - pw + j * dw, w))
            offset += attained * (small(k) - offset)  # offset = k where attained
        if nan:  # PyTorch takes each NaN as a new maximum: the last one wins
            for k in range(kh * kw):
                offset += np.isnan(windows[k]) * (small(k) - offset)
        di = offset // kw
        dj = offset - di * kw
        # Row and column of each maximum in x (padding removed), then its flat index. In a
        # window of -inf values (or, dilated, of padding only) a padding position could
        # win: clip it into x.
        rows = (np.arange(ho) * sh - ph)[:, None] + di * dh
        cols = (np.arange(wo) * sw - pw) + dj * dw
        if ph or pw:
            rows, cols = rows.clip(0, h - 1), cols.clip(0, w - 1)
        planes = np.arange(n * c).reshape(n, c, 1, 1)
        self.index = (planes * h + rows) * w + cols
        self.x_shape = x.shape
        # windows do not overlap: no two outputs share an input
        self.unique = sh >= dh * (kh - 1) + 1 and sw >= dw * (kw - 1) + 1
        self.mask = None  # windows on padding only (possible only when dilated)
        if (dh > 1 and ph) or (dw > 1 and pw):
            mask = (_window_has_input(h, ho, kh, sh, ph, dh)[:, None]
                    & _window_has_input(w, wo, kw, sw, pw, dw))
            if not mask.all():
                self.mask, self.unique = mask, False
        return y

    def backward(self, gy):
        size = int(np.prod(self.x_shape))
        if self.mask is not None:
            gy = gy * self.mask
        if isinstance(gy, Tensor):  # second order: the scatter-add as a differentiable op
            gx = GetItemGrad.apply(gy, (size,), self.index)
            return gx.reshape(self.x_shape), None, None, None, None
        if self.unique:
            gx = np.zeros(size, dtype=gy.dtype)
            gx[self.index.ravel()] = gy.ravel()
        else:
            gx = np.bincount(self.index.ravel(), weights=gy.ravel(), minlength=size)
            gx = gx.astype(gy.dtype, copy=False)
        return gx.reshape(self.x_shape), None, None, None, None


# --- average pooling ---


def _avg_pool_axis(size: int, kernel: int, stride: int, padding: int, ceil_mode: bool,
                   count_include_pad: bool) -> tuple[int, int, np.ndarray]:
    """Along one axis: the output length, the padding needed after the input, and how
    many values each window averages (PyTorch's rules).

    Window i covers positions [i*s - p, i*s - p + k) of the input. The output length is
    (size + 2p - k) // s + 1, or rounded up with ``ceil_mode`` unless that last window
    would start beyond the input and its padding. A window counts the padding it covers
    if ``count_include_pad``, never what lies beyond the padding (only ceil_mode's last
    window reaches there).
    """
    out = (size + 2 * padding - kernel + (stride - 1 if ceil_mode else 0)) // stride + 1
    if ceil_mode and (out - 1) * stride >= size + padding:
        out -= 1
    if out < 1:
        raise ValueError(f"avg_pool2d: kernel {kernel} is larger than the padded input "
                         f"(size {size} with padding {padding})")
    start = np.arange(out) * stride - padding
    end = start + kernel
    if count_include_pad:
        count = np.minimum(end, size + padding) - start
    else:
        count = np.minimum(end, size) - np.maximum(start, 0)
    after = max(padding, int(end[-1]) - size)  # zeros after the input: the last window fits
    return out, after, count


def avg_pool_geometry(x_shape: tuple, kernel: tuple, stride: tuple, padding: tuple,
                      ceil_mode: bool, count_include_pad: bool,
                      divisor_override: int | None, dtype: np.dtype) -> tuple:
    """What AvgPool2d needs to know about its windows: (x_shape, kernel, stride,
    (top, bottom, left, right) padding, (Ho, Wo), scale), where scale is 1 / the divisor,
    a number or an (Ho, Wo) array of x's dtype."""
    (kh, kw), (sh, sw), (ph, pw) = kernel, stride, padding
    ho, bottom, rows = _avg_pool_axis(x_shape[2], kh, sh, ph, ceil_mode, count_include_pad)
    wo, right, cols = _avg_pool_axis(x_shape[3], kw, sw, pw, ceil_mode, count_include_pad)
    if divisor_override:
        scale = 1.0 / divisor_override
    elif rows.min() == rows.max() == kh and cols.min() == cols.max() == kw:
        scale = 1.0 / (kh * kw)  # every window full: one number
    else:
        scale = (1.0 / (rows[:, None] * cols)).astype(dtype)
    return tuple(x_shape), kernel, stride, (ph, bottom, pw, right), (ho, wo), scale


class AvgPool2d(Function):
    """y[n, c, h, w] = sum over i < kh, j < kw of x_pad[n, c, s*h + i, s*w + j] / d[h, w].

    x is (N, C, H, W) and x_pad is x with p zeros on each side (per axis); s the
    stride. The divisor d is kh*kw (``count_include_pad``, the default), the number of
    window positions inside x (``count_include_pad=False``), or ``divisor_override``;
    ``ceil_mode`` adds a last, partial window where the input leaves one (it never
    counts positions beyond the padding). ``geometry`` (from ``avg_pool_geometry``)
    holds all that. The map is linear in x, so dL/dx is its adjoint: each output's
    gradient divided by its d and added back onto every position of its window (the
    padding's share dropped). Both directions take one pass per kernel offset over
    output-sized arrays: faster than im2col, which copies every window.
    """

    def forward(self, x, geometry):
        self.geometry = geometry
        return _window_sum(x, geometry)

    def backward(self, gy):
        return window_spread(gy, self.geometry), None


class AvgPool2dGrad(Function):
    """y = AvgPool2d's backward applied to x (each value divided by its window's d and
    spread over the window); linear, and its adjoint is the average pooling itself."""

    def forward(self, gy, geometry):
        self.geometry = geometry
        return _window_spread(gy, geometry)

    def backward(self, ggx):
        return window_sum(ggx, self.geometry), None


def window_sum(x, geometry: tuple):
    """Average pooling of an ndarray, or the differentiable AvgPool2d of a Tensor."""
    if isinstance(x, Tensor):
        return AvgPool2d.apply(x, geometry)
    return _window_sum(x, geometry)


def window_spread(gy, geometry: tuple):
    """AvgPool2d's backward of an ndarray, or the differentiable AvgPool2dGrad of a Tensor."""
    if isinstance(gy, Tensor):
        return AvgPool2dGrad.apply(gy, geometry)
    return _window_spread(gy, geometry)


def _window_sum(x: np.ndarray, geometry: tuple) -> np.ndarray:
    """Each window's sum times its scale: the average pooling of an ndarray."""
    _, (kh, kw), (sh, sw), (top, bottom, left, right), (ho, wo), scale = geometry
    if top or bottom or left or right:
        x = np.pad(x, ((0, 0), (0, 0), (top, bottom), (left, right)))
    y = None
    for i in range(kh):
        for j in range(kw):
            window = x[:, :, i:i + sh * ho:sh, j:j + sw * wo:sw]
            if y is None:
                y = window.copy()
            else:
                y += window
    y *= scale
    return y


def _window_spread(gy: np.ndarray, geometry: tuple) -> np.ndarray:
    """The adjoint of ``_window_sum``: each value times its scale, added onto its window."""
    (n, c, h, w), (kh, kw), (sh, sw), (top, bottom, left, right), (ho, wo), scale = geometry
    g = gy * scale
    gx = np.zeros((n, c, top + h + bottom, left + w + right), dtype=g.dtype)
    for i in range(kh):
        for j in range(kw):
            gx[:, :, i:i + sh * ho:sh, j:j + sw * wo:sw] += g
    if top or bottom or left or right:
        gx = np.ascontiguousarray(gx[:, :, top:top + h, left:left + w])
    return gx
