"""Shape ops: broadcasting and its adjoint, reshape, transpose, indexing, joining.

``sum_to`` and ``broadcast_to`` work on ndarrays and Tensors: the backward engine uses
``sum_to`` to give a broadcast input a gradient of its own shape.
"""
import numpy as np

from ..dtypes import promote_all
from ..function import Function
from .._tensor import Tensor

# --- broadcasting ---


def _sum_to(x: np.ndarray, shape: tuple) -> np.ndarray:
    """Sum ``x`` over the axes that broadcasting added or stretched, to get ``shape``."""
    lead = x.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(
        lead + i for i, n in enumerate(shape) if n == 1 and x.shape[lead + i] != 1)
    y = x.sum(axis=axes, keepdims=True) if axes else x
    return y.reshape(shape) if lead else y


class SumTo(Function):
    """y = x summed to ``shape`` (the adjoint of BroadcastTo);  dL/dx = broadcast(dL/dy)."""

    def forward(self, x, shape):
        self.x_shape = x.shape
        return _sum_to(x, shape)

    def backward(self, gy):
        return broadcast_to(gy, self.x_shape), None


class BroadcastTo(Function):
    """y = x repeated along new or size-1 axes up to ``shape``;  dL/dx = sum_to(dL/dy)."""

    def forward(self, x, shape):
        self.x_shape = x.shape
        return viewing(self, x, np.broadcast_to(x, shape))

    def backward(self, gy):
        return sum_to(gy, self.x_shape), None


def sum_to(x, shape: tuple):
    """``x`` (ndarray or Tensor) summed down to ``shape``; unchanged if already so."""
    if tuple(x.shape) == tuple(shape):
        return x
    if isinstance(x, Tensor):
        return SumTo.apply(x, tuple(shape))
    return _sum_to(x, shape)


def broadcast_to(x, shape: tuple):
    """``x`` (ndarray or Tensor) broadcast to ``shape``; unchanged if already so."""
    if tuple(x.shape) == tuple(shape):
        return x
    if isinstance(x, Tensor):
        return BroadcastTo.apply(x, tuple(shape))
    return np.broadcast_to(x, shape)


def viewing(fn, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``y``, after marking the input tensor when ``y`` is a view of its array (in_place.py
    refuses to change a viewed tensor in the graph, where its views would go stale)."""
    if y.base is not None and (y.base is x or y.base is x.base) and \
            isinstance(fn.inputs[0], Tensor):
        fn.inputs[0]._viewed = True
    return y


# --- reshaping ---


class Reshape(Function):
    """y = x with a new shape (same elements in C order);  dL/dx = reshape(dL/dy, x.shape)."""

    def forward(self, x, shape):
        self.x_shape = x.shape
        return viewing(self, x, x.reshape(shape))

    def backward(self, gy):
        return gy.reshape(self.x_shape), None


class Transpose(Function):
    """y = x with axes permuted by ``axes``;  dL/dx = dL/dy permuted by the inverse."""

    def forward(self, x, axes):
        if sorted(a % max(x.ndim, 1) for a in axes) != list(range(x.ndim)) or \
                not all(-x.ndim <= a < x.ndim for a in axes):
            raise ValueError(f"transpose: {tuple(axes)} is not a permutation of the {x.ndim} "
                             f"axes of a tensor of shape {x.shape}")
        # Normalise negative axes first: argsort((-1, 0)) is not the inverse of (1, 0).
        self.inverse = tuple(int(i) for i in np.argsort([a % x.ndim for a in axes]))
        return viewing(self, x, x.transpose(axes))

    def backward(self, gy):
        return gy.transpose(self.inverse), None


# --- indexing ---


def _is_basic(index) -> bool:
    """Basic indexing (ints, slices, None, ...) never selects an element twice."""
    parts = index if isinstance(index, tuple) else (index,)
    return all(p is None or p is Ellipsis or isinstance(p, (int, np.integer, slice)) for p in parts)


class GetItem(Function):
    """y = x[index] (basic slicing or integer-array indexing);  dL/dx = scatter-add of dL/dy.

    An element selected several times (``x[[0, 0]]``) gets the sum of its gradients.
    """

    def forward(self, x, index):
        self.x_shape = x.shape
        self.index = index
        try:
            return viewing(self, x, x[index])
        except IndexError as e:
            raise IndexError(_index_message(x.shape, index, e)) from None

    def backward(self, gy):
        if isinstance(gy, Tensor):
            return GetItemGrad.apply(gy, self.x_shape, self.index), None
        return _scatter_add(gy, self.x_shape, self.index), None


def _index_message(shape: tuple, index, error: IndexError) -> str:
    """NumPy's IndexError with the tensor's shape, and the fix for a float index."""
    parts = index if isinstance(index, tuple) else (index,)
    hint = (" A float index is not rounded for you: use int(i), or idx.astype(np.int64) for "
            "an array." if any(_is_float_index(p) for p in parts) else "")
    return f"cannot index a tensor of shape {shape} with {index!r:.80}: {error}.{hint}"


def _is_float_index(part) -> bool:
    if isinstance(part, list):
        return any(isinstance(v, (float, np.floating)) for v in part)
    return isinstance(part, (float, np.floating)) or (
        isinstance(part, np.ndarray) and part.dtype.kind == "f")


def _scatter_add(gy: np.ndarray, shape: tuple, index) -> np.ndarray:
    gx = np.zeros(shape, dtype=gy.dtype)
    if _is_basic(index):
        gx[index] = gy
    else:
        np.add.at(gx, index, gy)
    return gx


class GetItemGrad(Function):
    """y = zeros(shape) with gy added at ``index`` (GetItem's backward);  dL/dgy = dL/dy[index]."""

    def forward(self, gy, shape, index):
        self.index = index
        return _scatter_add(gy, shape, index)

    def backward(self, ggx):
        return ggx[self.index], None, None


# --- joining ---


class Concatenate(Function):
    """y = the inputs joined along ``axis``;  dL/dx_i = the slice of dL/dy that x_i filled."""

    def forward(self, axis, *xs):
        y = np.concatenate(promote_all(xs), axis=axis)
        self.axis = axis % y.ndim
        self.bounds = np.cumsum([0] + [x.shape[self.axis] for x in xs])
        return y

    def backward(self, gy):
        lead = (slice(None),) * self.axis
        return (None,) + tuple(gy[lead + (slice(int(a), int(b)),)]
                               for a, b in zip(self.bounds[:-1], self.bounds[1:]))


class Stack(Function):
    """y = the inputs stacked along a new ``axis``;  dL/dx_i = dL/dy taken at index i of it."""

    def forward(self, axis, *xs):
        y = np.stack(promote_all(xs), axis=axis)
        self.axis = axis % y.ndim
        return y

    def backward(self, gy):
        lead = (slice(None),) * self.axis
        return (None,) + tuple(gy[lead + (i,)] for i in range(gy.shape[self.axis]))


class Split(Function):
    """ys = x cut along ``axis``: at the indices ``sections`` (as ``np.split``), or, with
    ``sections=None``, into its slices ``x[..., i, ...]`` (the axis dropped, as
    ``torch.unbind``).

    dL/dx = the output gradients joined back along ``axis`` (concatenated, or stacked
    for slices); an output that got no gradient contributes zeros.

    One node with many outputs, instead of one indexing op per piece: the backward of
    ``x[t]`` builds a zero array of x's whole shape, so T slices of a (T, N, G) tensor
    would cost O(T^2 N G) in backward; joining the T gradients once costs O(T N G).
    """

    def forward(self, x, axis, sections):
        self.axis = axis % x.ndim
        self.unbind = sections is None
        if self.unbind:
            lead = (slice(None),) * self.axis
            return tuple(x[lead + (i,)] for i in range(x.shape[self.axis]))
        return tuple(np.split(x, sections, axis=self.axis))

    def backward(self, *gys):
        if isinstance(gys[0], Tensor):  # create_graph: join with recorded ops
            join = Stack if self.unbind else Concatenate
            return join.apply(self.axis, *gys), None, None
        join = np.stack if self.unbind else np.concatenate
        return join(gys, axis=self.axis), None, None
