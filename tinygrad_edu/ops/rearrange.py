"""Ops that move, copy or pick elements: roll, flip, pad, repeat, tile, diagonal.

Each is linear, so its backward is the adjoint rearrangement of ``gy``: a permutation's
inverse (roll, flip), a slice (constant pad), a sum over the copies (repeat, tile), or
zeros with ``gy`` written back (diagonal). The helpers at the end run the op on a Tensor
and NumPy on an ndarray, so one backward serves first and second order.
"""
import numpy as np

from ..function import Function
from .._tensor import Tensor

# --- permutations ---


class Roll(Function):
    """y = x shifted cyclically by ``shift`` along ``axis`` (np.roll):
    y[(i + shift) mod n] = x[i];  dL/dx = dL/dy rolled by -shift.

    ``shift`` and ``axis`` are ints or equal-length tuples (each axis rolled by its shift);
    ``axis=None`` rolls the flattened array and restores the shape, as NumPy and
    ``torch.roll`` do.
    """

    def forward(self, x, shift, axis):
        self.shift, self.axis = shift, axis
        return np.roll(x, shift, axis)

    def backward(self, gy):
        back = -self.shift if isinstance(self.shift, int) else tuple(-s for s in self.shift)
        return roll(gy, back, self.axis), None, None


class Flip(Function):
    """y = x with the order of the elements reversed along each of ``axes`` (np.flip);
    dL/dx = dL/dy flipped along the same axes (a flip is its own inverse)."""

    def forward(self, x, axes):
        self.axes = axes
        return x[_reversing_index(x.ndim, axes)]

    def backward(self, gy):
        return flip(gy, self.axes), None


def _reversing_index(ndim: int, axes: tuple) -> tuple:
    return tuple(slice(None, None, -1) if i in axes else slice(None) for i in range(ndim))


# --- padding ---


class PadConstant(Function):
    """y = x surrounded by ``value`` (np.pad's mode 'constant'): along axis i,
    ``pad_width[i] = (before, after)`` values are added at each end;
    dL/dx = dL/dy at the positions of x (the slice of y that holds x).

    ``value`` is a constant (np.pad's ``constant_values``: a number, or a pair per axis):
    no gradient flows to it. The modes that copy elements of x (edge, reflect, ...) are a
    gather ``x.flatten()[index]``, see ``tg.functions.pad``.
    """

    def forward(self, x, pad_width, value):
        self.inner = tuple(slice(before, before + n) for (before, _), n in zip(pad_width, x.shape))
        widths = pad_width if x.ndim else 0  # NumPy pads no axis of a 0-d array
        return np.pad(x, widths, mode="constant", constant_values=value)

    def backward(self, gy):
        return gy[self.inner], None, None


# --- copies ---


class Repeat(Function):
    """y = each slice x[..., i, ...] along ``axis`` repeated ``counts[i]`` times in place
    (np.repeat, torch.repeat_interleave: [a, b] -> [a, a, b, b]);
    dL/dx[..., i, ...] = the sum of dL/dy over the counts[i] copies of slice i (RepeatSum).

    ``counts`` holds one non-negative int per slice (NumPy's scalar ``repeats`` broadcast).
    """

    def forward(self, x, counts, axis):
        self.counts, self.axis = counts, axis
        return np.repeat(x, counts, axis)

    def backward(self, gy):
        return repeat_sum(gy, self.counts, self.axis), None, None


class RepeatSum(Function):
    """y[..., i, ...] = the sum of the ``counts[i]`` consecutive slices of x along ``axis``
    that start at counts[0] + ... + counts[i-1] (Repeat's backward; 0 where counts[i] = 0);
    dL/dx = dL/dy repeated by ``counts`` (Repeat: the two are adjoint)."""

    def forward(self, x, counts, axis):
        self.counts, self.axis = counts, axis
        return _segment_sum(x, counts, axis)

    def backward(self, gy):
        return repeat(gy, self.counts, self.axis), None, None


def _segment_sum(x: np.ndarray, counts: np.ndarray, axis: int) -> np.ndarray:
    shape = list(x.shape)
    shape[axis] = len(counts)
    y = np.zeros(shape, dtype=x.dtype)
    nonempty = counts > 0
    if nonempty.any():
        starts = np.cumsum(counts) - counts
        # reduceat sums from each start to the next; empty segments are left out of the
        # starts (reduceat would give them the element at their start instead of 0).
        index = (slice(None),) * axis + (nonempty,)
        y[index] = np.add.reduceat(x, starts[nonempty], axis=axis)
    return y


class Tile(Function):
    """y = np.tile(x, reps): x (given leading size-1 axes up to len(reps)) copied reps[i]
    times along axis i, as a whole ([a, b] -> [a, b, a, b]; torch.tile, torch's repeat);
    dL/dx = dL/dy summed over the copies.

    With d output axes, x padded to shape (n_0, ..., n_d-1) and reps to (r_0, ..., r_d-1),
    y has shape (r_0 n_0, ...); seen as shape (r_0, n_0, r_1, n_1, ...), the copy index
    r_i is the slower one, so the gradient is that reshape summed over the r axes.
    """

    def forward(self, x, reps):
        y = np.tile(x, reps)
        d = y.ndim
        sizes = (1,) * (d - x.ndim) + x.shape
        copies = (1,) * (d - len(reps)) + tuple(reps)
        self.x_shape = x.shape
        self.split_shape = tuple(n for pair in zip(copies, sizes) for n in pair)
        self.copy_axes = tuple(range(0, 2 * d, 2))
        return y

    def backward(self, gy):
        gx = gy.reshape(self.split_shape).sum(axis=self.copy_axes)
        return gx.reshape(self.x_shape), None


# --- diagonals ---


class Diagonal(Function):
    """y[..., k] = x[..., r + k, ..., c + k, ...] along axes ``axis1`` and ``axis2`` with
    r = max(-offset, 0), c = max(offset, 0) (np.diagonal: both axes removed, the diagonal
    appended last); dL/dx = zeros with dL/dy written on that diagonal (DiagonalGrad)."""

    def forward(self, x, offset, axis1, axis2):
        self.x_shape, self.where = x.shape, (offset, axis1, axis2)
        return np.diagonal(x, offset, axis1, axis2).copy()  # NumPy's is a read-only view

    def backward(self, gy):
        return diagonal_grad(gy, self.x_shape, *self.where), None, None, None


class DiagonalGrad(Function):
    """y = zeros(shape) with x written on the diagonal of Diagonal's arguments
    (Diagonal's backward);  dL/dx = the diagonal of dL/dy (Diagonal: the two are adjoint)."""

    def forward(self, x, shape, offset, axis1, axis2):
        self.where = (offset, axis1, axis2)
        return _embed_diagonal(x, shape, offset, axis1, axis2)

    def backward(self, gy):
        return diagonal(gy, *self.where), None, None, None, None


def _embed_diagonal(g: np.ndarray, shape: tuple, offset: int, axis1: int, axis2: int):
    rest = tuple(n for i, n in enumerate(shape) if i not in (axis1, axis2))
    k = g.shape[-1]
    rows = np.arange(k) + max(-offset, 0)
    cols = np.arange(k) + max(offset, 0)
    y = np.zeros(rest + (shape[axis1], shape[axis2]), dtype=g.dtype)
    y[..., rows, cols] = g
    return np.moveaxis(y, (-2, -1), (axis1, axis2))


# --- the same rearrangement of an ndarray (NumPy) or of a Tensor (recorded) ---


def roll(x, shift, axis):
    return Roll.apply(x, shift, axis) if isinstance(x, Tensor) else np.roll(x, shift, axis)


def flip(x, axes: tuple):
    return Flip.apply(x, axes) if isinstance(x, Tensor) else x[_reversing_index(x.ndim, axes)]


def repeat(x, counts, axis: int):
    return Repeat.apply(x, counts, axis) if isinstance(x, Tensor) else np.repeat(x, counts, axis)


def repeat_sum(x, counts, axis: int):
    if isinstance(x, Tensor):
        return RepeatSum.apply(x, counts, axis)
    return _segment_sum(x, counts, axis)


def diagonal(x, offset: int, axis1: int, axis2: int):
    if isinstance(x, Tensor):
        return Diagonal.apply(x, offset, axis1, axis2)
    return np.diagonal(x, offset, axis1, axis2)


def diagonal_grad(g, shape: tuple, offset: int, axis1: int, axis2: int):
    if isinstance(g, Tensor):
        return DiagonalGrad.apply(g, shape, offset, axis1, axis2)
    return _embed_diagonal(g, shape, offset, axis1, axis2)
