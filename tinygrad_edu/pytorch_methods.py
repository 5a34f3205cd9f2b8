"""PyTorch's Tensor methods whose arguments differ from ours: one small function each,
its docstring naming PyTorch's meaning. ``pytorch_names.py`` installs them (its tables are
the index: a PyTorch name -> the function here or our own method).
"""
from __future__ import annotations

import numbers
from itertools import accumulate
from typing import Any, Callable

import numpy as np

from . import checks, factories, functions
from .autograd import engine
from .devices import check_device, device, get_default_device
from .dtypes import as_dtype
from .ops.elementwise import Where
from .ops.shape import GetItem, Transpose, sum_to
from .sorting import take_along_axis
from ._tensor import (
    Tensor, _as_tensor, _data, _dim_alias, _normalize_axes, _operand, _shape_arg,
)
# --- x.size: NumPy's int and PyTorch's method at once ---


class ElementCount(int):
    """``x.size``: the number of elements, an int (NumPy's ``size``); called, PyTorch's
    ``x.size()``: the shape, a tuple, or ``x.size(dim)``: one dim's length.

    ``x.size == 6``, ``x.size * 2``, ``range(x.size)`` and ``np.zeros(x.size)`` use the int;
    ``x.size()[0]``, ``len(x.size())`` and ``x.size(-1)`` the shape. PyTorch's
    ``torch.Size`` is a tuple subclass: a plain tuple stands in for it here.
    """

    def __new__(cls, count: int, shape: tuple) -> "ElementCount":
        self = super().__new__(cls, count)
        self.shape = shape
        return self

    def __call__(self, dim: Any = None) -> Any:
        if dim is None:
            return self.shape
        dim = checks.integer(dim, "size(dim)")
        if not self.shape:
            raise IndexError(f"size({dim}): a 0-d tensor has no dimensions; size() is ()")
        if not -len(self.shape) <= dim < len(self.shape):
            raise IndexError(f"size({dim}): dim out of range for a {len(self.shape)}-D tensor "
                             f"(expected in [{-len(self.shape)}, {len(self.shape) - 1}])")
        return self.shape[dim]

    def __reduce__(self) -> tuple:
        return int, (int(self),)  # copied and pickled as the plain int


# --- shapes ---


def view(x: Tensor, *shape: Any) -> Tensor:
    """PyTorch's ``view(*shape)`` / ``view(shape)``: the same elements in a new shape, -1
    inferring one dim (a reshape). ``view(dtype)``, which reinterprets the bits, raises."""
    if len(shape) == 1 and not isinstance(shape[0], (tuple, list, numbers.Integral)):
        raise TypeError(f"view({shape[0]!r}): view takes a shape here; reinterpreting the bits "
                        "as another dtype is not supported. To convert values use .to(dtype)")
    return x.reshape(*shape)


def view_as(x: Tensor, other: Tensor) -> Tensor:
    """PyTorch's ``view_as``: ``x.view(other.shape)``."""
    return x.reshape(other.shape)


def reshape_as(x: Tensor, other: Tensor) -> Tensor:
    """PyTorch's ``reshape_as``: ``x.reshape(other.shape)``."""
    return x.reshape(other.shape)


def expand(x: Tensor, *sizes: Any) -> Tensor:
    """PyTorch's ``expand(*sizes)``: size-1 dims repeated (and new leading dims) up to
    ``sizes``; -1 keeps a dim's size. A broadcast: the gradient is summed back."""
    sizes = _shape_arg(sizes)
    lead = len(sizes) - x.ndim
    if lead < 0:
        raise ValueError(f"expand: {len(sizes)} sizes {sizes} for a {x.ndim}-D tensor of "
                         f"shape {x.shape}: give at least {x.ndim}")
    shape = []
    for i, n in enumerate(sizes):
        old = x.shape[i - lead] if i >= lead else None
        if n == -1 and old is None:
            raise ValueError(f"expand{sizes}: -1 is not allowed for the new leading dim {i}")
        if n == -1:
            n = old
        if n < 0:
            raise ValueError(f"expand{sizes}: a size is >= 0, or -1 to keep the dim's size")
        if old not in (None, 1, n):
            raise ValueError(f"expand: cannot expand shape {x.shape} to {sizes}: dim {i - lead} "
                             f"has size {old}, which only expands if it is 1")
        shape.append(n)
    return x.broadcast_to(tuple(shape))


def expand_as(x: Tensor, other: Tensor) -> Tensor:
    """PyTorch's ``expand_as``: ``x.expand(other.shape)``."""
    return expand(x, *other.shape)


def permute(x: Tensor, *dims: Any) -> Tensor:
    """PyTorch's ``permute(*dims)`` / ``permute(dims)``: dim i of the result is dim
    ``dims[i]`` of x; every dim named once (negative ones count from the end)."""
    if len(dims) == 1 and isinstance(dims[0], (tuple, list)):
        dims = tuple(dims[0])
    axes = _normalize_axes(dims, x.ndim, "permute")
    if len(axes) != x.ndim:
        raise ValueError(f"permute{dims}: name each of the {x.ndim} dims of shape {x.shape} "
                         f"once, e.g. permute{tuple(range(x.ndim))[::-1]}")
    return Transpose.apply(x, axes)


def t(x: Tensor) -> Tensor:
    """PyTorch's ``t()``: a matrix transposed; a 0-d or 1-D tensor as it is."""
    if x.ndim > 2:
        raise ValueError(f"t() expects a tensor with <= 2 dims, got shape {x.shape}; use "
                         "x.transpose(dim0, dim1) or x.permute(...) for more dims")
    return Transpose.apply(x, tuple(range(x.ndim))[::-1])


def narrow(x: Tensor, dim: int, start: Any, length: int) -> Tensor:
    """PyTorch's ``narrow``: elements start .. start + length - 1 along ``dim`` (start < 0
    counts from the end)."""
    d = functions._axis_index(dim, x.ndim, "narrow")
    n = x.shape[d]
    start = checks.integer(start.item() if isinstance(start, Tensor) else start, "narrow: start",
                           low=-n, high=n)
    start = start % n if start < 0 else start
    length = checks.integer(length, "narrow: length", low=0)
    if start + length > n:
        raise ValueError(f"narrow: start ({start}) + length ({length}) exceeds the size ({n}) "
                         f"of dim {dim}")
    return x[(slice(None),) * d + (slice(start, start + length),)]


def split(tensor: Any, split_size_or_sections: Any = None, dim: int = 0, *,
          axis: Any = None, sections: Any = None) -> tuple:
    """PyTorch's ``torch.split``: pieces of ``split_size_or_sections`` elements along ``dim``:
    an int gives pieces of that size (the last one smaller), a list the size of each piece.

    NumPy's meaning (an int: that many equal parts; a list: the indices to cut at) is kept
    only when it is asked for by NumPy's keyword: ``tg.split(x, 3, axis=0)``,
    ``tg.split(x, sections=[2, 5])`` (``np.split(t, ...)`` is NumPy's too).

    Raises:
        ValueError: sizes that do not add up to the dim's length; a size < 1 (0 only for
            an empty dim); a 0-d tensor.

    Example:
        >>> [p.shape for p in tg.split(tg.zeros(5), 2)]   # sizes: PyTorch
        [(2,), (2,), (1,)]
        >>> [p.shape for p in tg.split(tg.zeros(6), 2, axis=0)]   # parts: NumPy
        [(3,), (3,)]
    """
    if axis is not None or sections is not None:
        both = split_size_or_sections is not None and sections is not None
        if both or dim != 0:
            raise TypeError("split: give NumPy's (sections, axis=) or PyTorch's "
                            "(split_size_or_sections, dim=), not a mix")
        given = split_size_or_sections if sections is None else sections
        return functions.split(tensor, given, 0 if axis is None else axis)
    x = _as_tensor(tensor)
    if x.ndim == 0:
        raise ValueError("split needs a tensor with at least one dim, got a 0-d tensor")
    n = x.shape[functions._axis_index(dim, x.ndim, "split")]
    sizes = split_size_or_sections
    if isinstance(sizes, (list, tuple)):
        sizes = [checks.integer(s, "split: a piece's size", low=0) for s in sizes]
        if sum(sizes) != n:
            raise ValueError(f"split: the sizes {sizes} must add up to {n}, the size of dim "
                             f"{dim} (NumPy's cut indices: tg.split(x, {sizes}, axis={dim}))")
    else:
        size = checks.integer(sizes, "split: split_size_or_sections", low=0 if n == 0 else 1)
        sizes = [size] * (n // size) + [n % size] if n else [0]
        sizes = [s for s in sizes if s] or [0]
    return functions.split(x, list(accumulate(sizes[:-1])), dim)


def chunk(x: Tensor, chunks: int, dim: int = 0) -> tuple:
    """PyTorch's ``chunk``: at most ``chunks`` pieces along ``dim``, each of
    ceil(n / chunks) elements (the last smaller); fewer pieces when they run out."""
    chunks = checks.integer(chunks, "chunk: chunks", low=1)
    if x.ndim == 0:
        raise ValueError("chunk needs a tensor with at least one dim, got a 0-d tensor")
    n = x.shape[functions._axis_index(dim, x.ndim, "chunk")]
    if n == 0:
        return functions.split(x, [0] * (chunks - 1), dim)
    return split(x, -(-n // chunks), dim)


def unbind(x: Tensor, dim: int = 0) -> tuple:
    """PyTorch's ``unbind``: the slices along ``dim``, that dim removed."""
    return functions.unbind(x, dim)


def flattened_shape(shape: tuple, start_dim: Any, end_dim: Any) -> tuple:
    """PyTorch's ``flatten(start_dim, end_dim)``: ``shape`` with those dims merged into one
    (a 0-d tensor has the one dim 0, and becomes 1-D)."""
    ndim = max(len(shape), 1)
    start, end = (functions._axis_index(d, ndim, "flatten") for d in (start_dim, end_dim))
    if start > end:
        raise ValueError(f"flatten: start_dim ({start_dim}) comes after end_dim ({end_dim}) "
                         f"for shape {shape}")
    return shape[:start] + (int(np.prod(shape[start:end + 1])),) + shape[end + 1:]


def dim(x: Tensor) -> int:
    """PyTorch's ``dim()``: the number of dims, ``x.ndim``."""
    return x.data.ndim


def numel(x: Tensor) -> int:
    """PyTorch's ``numel()``: the number of elements, an int."""
    return int(x.data.size)


def contiguous(x: Tensor) -> Tensor:
    """PyTorch's ``contiguous()``: x itself (every op here makes its own array)."""
    return x


def sum_to_size(x: Tensor, *size: Any) -> Tensor:
    """PyTorch's ``sum_to_size``: x summed down to ``size``, which must expand to x's shape
    (the adjoint of ``expand``)."""
    shape = _shape_arg(size)
    if len(shape) > x.ndim or any(n not in (1, m) for n, m in zip(shape[::-1], x.shape[::-1])):
        raise ValueError(f"sum_to_size: size {shape} must expand to the shape {x.shape}")
    return sum_to(x, shape)


# --- dtypes and devices ---

_TYPE_NAMES = {
    np.dtype(np.float32): "FloatTensor", np.dtype(np.float64): "DoubleTensor",
    np.dtype(np.float16): "HalfTensor", np.dtype(np.int64): "LongTensor",
    np.dtype(np.int32): "IntTensor", np.dtype(np.int16): "ShortTensor",
    np.dtype(np.int8): "CharTensor", np.dtype(np.uint8): "ByteTensor",
    np.dtype(np.bool_): "BoolTensor",
}


def type_(x: Tensor, dtype: Any = None) -> Any:
    """PyTorch's ``type()``: without an argument the type's name, ``'tinygrad_edu.FloatTensor'``
    (PyTorch: ``'torch.FloatTensor'``); ``type(dtype)`` (or a name such as
    ``'torch.DoubleTensor'``) converts, as ``to(dtype)``."""
    if dtype is None:
        return "tinygrad_edu." + _TYPE_NAMES.get(x.data.dtype, f"{x.data.dtype}Tensor")
    if isinstance(dtype, str) and dtype.endswith("Tensor"):
        by_name = {name: d for d, name in _TYPE_NAMES.items()}
        short = dtype.rpartition(".")[2]
        if short not in by_name:
            raise TypeError(f"type({dtype!r}): unknown tensor type; use one of "
                            f"{sorted(by_name)} or a dtype")
        dtype = by_name[short]
    return to(x, dtype)


def _cast(name: str, dtype: Any) -> Callable[[Tensor], Tensor]:
    dtype = np.dtype(dtype)

    def cast(x: Tensor) -> Tensor:
        return x if x.data.dtype == dtype else x.astype(dtype)

    cast.__name__ = name
    cast.__doc__ = (f"PyTorch's ``{name}()``: x as {dtype} (x itself if it is already). "
                    "Between float dtypes the gradient flows back; to an integer or bool "
                    "dtype the result has none.")
    return cast


def to(x: Tensor, *args: Any, dtype: Any = None, device: Any = None,
       non_blocking: bool = False, copy: bool = False) -> Tensor:
    """PyTorch's ``to``: ``to(dtype)``, ``to("cpu")``, ``to(device, dtype)``, ``to(other)``
    (other's dtype), or keywords. x itself when nothing changes (unless ``copy=True``); a
    float-to-float cast stays in the graph. Devices other than the CPU raise."""
    rest = list(args)
    if rest and isinstance(rest[0], Tensor):
        if dtype is not None or device is not None:
            raise TypeError("to(other) takes no dtype= or device=")
        dtype = rest.pop(0).data.dtype
    elif rest and _is_device(rest[0]):
        if device is not None:
            raise TypeError("to: the device was given twice")
        device = rest.pop(0)
    if rest and not isinstance(rest[0], (bool, np.bool_)):
        if dtype is not None:
            raise TypeError("to: the dtype was given twice")
        dtype = rest.pop(0)
    if len(rest) > 2 or not all(isinstance(r, (bool, np.bool_)) for r in rest):
        raise TypeError(f"to: unexpected arguments {tuple(args)!r}; use to(dtype), "
                        "to(device, dtype) or to(other)")
    copy = bool(rest[1]) if len(rest) == 2 else checks.flag(copy, "to: copy")
    check_device(device, "Tensor.to: device")
    dtype = x.data.dtype if dtype is None else as_dtype(dtype, "Tensor.to: dtype")
    if dtype == x.data.dtype:
        return x.clone() if copy else x
    return x.astype(dtype)


def _is_device(value: Any) -> bool:
    return isinstance(value, (str, device))


def cpu(x: Tensor) -> Tensor:
    """PyTorch's ``cpu()``: x itself (every tensor lives on the CPU)."""
    return x


def cuda(x: Tensor, device: Any = None, non_blocking: bool = False) -> Tensor:
    """PyTorch's ``cuda()``: raises, there is no GPU (``tg.cuda.is_available()`` is False)."""
    check_device("cuda", "Tensor.cuda()")
    return x  # not reached: check_device refuses "cuda"


def _device(x: Tensor) -> Any:
    """PyTorch's ``device``: always ``device(type='cpu')``."""
    return get_default_device()


def is_floating_point(x: Tensor) -> bool:
    """PyTorch's ``is_floating_point()``: is the dtype a float one?"""
    return x.data.dtype.kind == "f"


# --- arithmetic ---


def _number(value: Any, name: str) -> Any:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Number):
        raise TypeError(f"{name} must be a number, got {value!r}")
    return value


def add(x: Tensor, other: Any, *, alpha: Any = 1) -> Tensor:
    """PyTorch's ``add``: x + alpha * other."""
    return x + (other if _number(alpha, "add: alpha") == 1 else other * alpha)


def sub(x: Tensor, other: Any, *, alpha: Any = 1) -> Tensor:
    """PyTorch's ``sub``: x - alpha * other."""
    return x - (other if _number(alpha, "sub: alpha") == 1 else other * alpha)


def div(x: Tensor, other: Any, *, rounding_mode: Any = None) -> Tensor:
    """PyTorch's ``div``: x / other; ``rounding_mode="trunc"`` rounds the quotient toward 0,
    ``"floor"`` down (Python's ``//``). Rounded, the gradient is 0, as PyTorch's.

    Raises:
        ZeroDivisionError: a rounded integer division by zero (as PyTorch).
    """
    if rounding_mode is None:
        return x / other
    mode = checks.choice(rounding_mode, "div: rounding_mode", ("trunc", "floor"))
    a, b = x.data, _data(other)  # a Python number stays one: it takes x's dtype
    if a.dtype.kind in "biu" and np.asarray(b).dtype.kind in "biu":
        if np.any(b == 0):
            raise ZeroDivisionError("div: integer division by zero")
        q = np.floor_divide(a, b)
        if mode == "trunc":  # floor is one too low where a negative quotient is not whole
            q = q + ((q < 0) & (q * b != a))
        return Tensor._wrap(np.asarray(q))
    y = (x / other).trunc() if mode == "trunc" else (x / other).floor()  # gradient 0
    if mode == "floor":  # floor(a / b) can miss a // b by one where a / b rounds up
        with np.errstate(divide="ignore", invalid="ignore"):
            exact = np.floor_divide(a, b).astype(y.dtype)
        if not np.array_equal(exact, y.data, equal_nan=True):
            y = y + Tensor._wrap(exact - y.data)
    return y


def floor_divide(x: Tensor, other: Any) -> Tensor:
    """PyTorch's ``floor_divide``: ``div(other, rounding_mode="floor")``."""
    return div(x, other, rounding_mode="floor")


def rsqrt(x: Tensor) -> Tensor:
    """PyTorch's ``rsqrt``: 1 / sqrt(x) (x > 0); d/dx = -1 / (2 x sqrt(x))."""
    return x.sqrt().reciprocal()


def clamp(x: Tensor, min: Any = None, max: Any = None) -> Tensor:  # noqa: A002 (torch's names)
    """PyTorch's ``clamp`` (and ``tg.clip``): min(max(x, min), max); ``min``/``max`` numbers
    or tensors (broadcast), either may be None; min > max gives max.

    The gradient goes to x where min <= x <= max (bounds included); to a bound tensor that
    requires grad where it is the result: ``min`` where x < min < max, ``max`` where x > max
    or max < min (PyTorch's rule; with min == max and x < min nobody gets it).
    """
    if min is None and max is None:
        raise ValueError("clamp needs at least one of min and max")
    if not any(isinstance(b, Tensor) and b.requires_grad for b in (min, max)):
        return x.clip(min, max)  # constant bounds: one Clip op
    lo, hi = (None if b is None else np.asarray(_data(b)) for b in (min, max))
    value = x.data if lo is None else np.maximum(x.data, lo)
    value = value if hi is None else np.minimum(value, hi)
    none = np.zeros((), bool)
    below = none if lo is None else x.data < lo
    above = none if hi is None else x.data > hi
    both = lo is not None and hi is not None
    to_min = below & (lo < hi) if both else below  # min == max: neither bound gets it
    to_max = above | (hi < lo) if both else above  # min > max: the result is max
    result = Tensor._wrap(np.asarray(value))  # what is left (min == max > x): no gradient
    for mask, source in ((to_max, max), (to_min, min), (~below & ~above, x)):
        if source is not None:
            result = functions.where(np.asarray(mask), source, result)
    return result


def clamp_min(x: Tensor, min: Any) -> Tensor:  # noqa: A002
    """PyTorch's ``clamp_min``: ``clamp(min=min)``."""
    return clamp(x, min=min)


def clamp_max(x: Tensor, max: Any) -> Tensor:  # noqa: A002
    """PyTorch's ``clamp_max``: ``clamp(max=max)``."""
    return clamp(x, max=max)


# --- products: PyTorch's strict forms of matmul ---


def _shapes_error(name: str, a: Tensor, b: Any, needs: str) -> ValueError:
    return ValueError(f"{name} needs {needs}, got shapes {a.shape} and {tuple(b.shape)}; "
                      "x @ y (matmul) broadcasts")


def mm(x: Tensor, mat2: Any) -> Tensor:
    """PyTorch's ``mm``: the product of two matrices (2-D, no broadcasting)."""
    mat2 = _as_tensor(mat2)
    if x.ndim != 2 or mat2.ndim != 2 or x.shape[1] != mat2.shape[0]:
        raise _shapes_error("mm", x, mat2, "matrices (n, m) and (m, p)")
    return x @ mat2


def bmm(x: Tensor, mat2: Any) -> Tensor:
    """PyTorch's ``bmm``: batched matrix products, (b, n, m) @ (b, m, p) (no broadcasting)."""
    mat2 = _as_tensor(mat2)
    if x.ndim != 3 or mat2.ndim != 3 or x.shape[0] != mat2.shape[0] or \
            x.shape[2] != mat2.shape[1]:
        raise _shapes_error("bmm", x, mat2, "batches of matrices (b, n, m) and (b, m, p)")
    return x @ mat2


def mv(x: Tensor, vec: Any) -> Tensor:
    """PyTorch's ``mv``: a matrix (n, m) times a vector (m,)."""
    vec = _as_tensor(vec)
    if x.ndim != 2 or vec.ndim != 1 or x.shape[1] != vec.shape[0]:
        raise _shapes_error("mv", x, vec, "a matrix (n, m) and a vector (m,)")
    return x @ vec


def dot(x: Tensor, other: Any) -> Tensor:
    """PyTorch's ``dot``: sum(x * other) of two 1-D tensors of one length (0-d result).
    NumPy's ``np.dot`` (any dims) stays NumPy's."""
    other = _as_tensor(other)
    if x.ndim != 1 or other.ndim != 1 or x.shape != other.shape:
        raise _shapes_error("dot", x, other, "two 1-D tensors of the same length")
    return x @ other


# --- selecting ---


def masked_fill(x: Tensor, mask: Any, value: Any) -> Tensor:
    """PyTorch's ``masked_fill``: ``value`` where the bool ``mask`` (broadcast) is True, x
    elsewhere. The gradient flows to x where the mask is False, and to a 0-d tensor
    ``value`` where it is True.

    Raises:
        TypeError: a mask that is not bool; a value that an integer x cannot hold (2.5:
            PyTorch would truncate it).
    """
    mask = np.asarray(mask.data if isinstance(mask, Tensor) else mask)
    if mask.dtype != np.bool_:
        raise TypeError(f"masked_fill: mask must be a bool tensor, got dtype {mask.dtype}; "
                        "compare to get one (x > 0) or write mask.bool()")
    if isinstance(value, Tensor):
        if value.ndim != 0:
            raise ValueError(f"masked_fill: value must be a number or a 0-d tensor, got "
                             f"shape {value.shape}; for many values use tg.where(mask, values, x)")
        value = value if value.dtype == x.dtype else value.astype(x.dtype)
    else:
        value = _operand(value)  # a NumPy scalar must not change x's dtype
        if x.dtype.kind != "f" and np.asarray(value).astype(x.dtype) != value:
            raise TypeError(f"masked_fill: value {value!r} does not fit a tensor of dtype "
                            f"{x.dtype}")
    return Where.apply(mask, value, x)


def _indices(index: Any, name: str) -> np.ndarray:
    index = np.asarray(index.data if isinstance(index, Tensor) else index)
    if index.dtype.kind not in "iu":
        raise TypeError(f"{name}: index must be an integer tensor, got dtype {index.dtype}")
    return index


def _check_bounds(index: np.ndarray, size: int, name: str, dim: Any) -> None:
    bad = index[(index < 0) | (index >= size)]
    if bad.size:
        raise IndexError(f"{name}: index {int(bad.flat[0])} is out of bounds for dim {dim} "
                         f"of size {size} (indices must be in [0, {size - 1}])")


def gather(x: Tensor, dim: int, index: Any) -> Tensor:
    """PyTorch's ``gather``: out[i][j] = x[index[i][j]][j] for dim 0 (x[i][index[i][j]]
    for dim 1...). ``index`` has x's number of dims, no longer than x in the others.
    The gradient goes to the element each output came from (added where taken twice)."""
    index = _indices(index, "gather")
    if x.ndim == 0 or index.ndim != x.ndim:
        raise ValueError(f"gather: index must have the same number of dims as x (at least 1), "
                         f"got shapes {x.shape} and {index.shape}")
    d = functions._axis_index(dim, x.ndim, "gather")
    if any(m > n for a, (m, n) in enumerate(zip(index.shape, x.shape)) if a != d):
        raise ValueError(f"gather: index of shape {index.shape} is longer than x of shape "
                         f"{x.shape} in a dim other than {dim}")
    _check_bounds(index, x.shape[d], "gather", dim)
    return take_along_axis(x, index, d)


def index_select(x: Tensor, dim: int, index: Any) -> Tensor:
    """PyTorch's ``index_select``: the slices at the positions ``index`` (1-D) along ``dim``."""
    index = _indices(index, "index_select")
    if index.ndim > 1 or x.ndim == 0:
        raise ValueError(f"index_select: index must be 1-D and x at least 1-D, got shapes "
                         f"{index.shape} and {x.shape}")
    d = functions._axis_index(dim, x.ndim, "index_select")
    _check_bounds(index, x.shape[d], "index_select", dim)
    return GetItem.apply(x, (slice(None),) * d + (index.reshape(-1),))


def where(x: Tensor, condition: Any, other: Any) -> Tensor:
    """PyTorch's ``x.where(condition, other)``: ``tg.where(condition, x, other)``."""
    return functions.where(condition, x, other)


# --- comparing ---


def allclose(x: Tensor, other: Any, rtol: float = 1e-05, atol: float = 1e-08,
             equal_nan: bool = False) -> bool:
    """PyTorch's ``allclose``: |x - other| <= atol + rtol |other| everywhere, a Python bool."""
    return bool(np.allclose(x.data, _data(_as_tensor(other)), rtol, atol, equal_nan))


def isclose(x: Tensor, other: Any, rtol: float = 1e-05, atol: float = 1e-08,
            equal_nan: bool = False) -> Tensor:
    """PyTorch's ``isclose``: |x - other| <= atol + rtol |other|, a bool tensor."""
    return Tensor._wrap(np.asarray(np.isclose(x.data, _data(_as_tensor(other)), rtol, atol,
                                              equal_nan)))


def equal(x: Tensor, other: Any) -> bool:
    """PyTorch's ``equal``: the same shape and the same values, a Python bool."""
    other = _as_tensor(other)
    return x.shape == other.shape and bool(np.array_equal(x.data, other.data))


def _logical(name: str, reduce: Callable) -> Callable:
    def logical(x: Tensor, axis: Any = None, keepdims: bool = False, *, dim: Any = None,
                keepdim: bool = False) -> Tensor:
        axis, keepdims = _dim_alias(name, axis, keepdims, dim, keepdim)
        return Tensor._wrap(np.asarray(reduce(x.data, axis=axis, keepdims=keepdims)))

    logical.__name__ = name
    logical.__doc__ = (f"NumPy's and PyTorch's ``{name}``: a bool tensor, over ``axis``/``dim`` "
                       "(None: every element); no gradient.")
    return logical


# --- new tensors like this one ---


def new_zeros(x: Tensor, *shape: Any, size: Any = None, dtype: Any = None, device: Any = None,
              requires_grad: bool = False) -> Tensor:
    """PyTorch's ``new_zeros(size)``: zeros with x's dtype (unless ``dtype=``)."""
    return factories.zeros(*shape, size=size, dtype=x.dtype if dtype is None else dtype,
                           device=device, requires_grad=requires_grad)


def new_ones(x: Tensor, *shape: Any, size: Any = None, dtype: Any = None, device: Any = None,
             requires_grad: bool = False) -> Tensor:
    """PyTorch's ``new_ones(size)``: ones with x's dtype (unless ``dtype=``)."""
    return factories.ones(*shape, size=size, dtype=x.dtype if dtype is None else dtype,
                          device=device, requires_grad=requires_grad)


def new_empty(x: Tensor, *shape: Any, size: Any = None, dtype: Any = None, device: Any = None,
              requires_grad: bool = False) -> Tensor:
    """PyTorch's ``new_empty(size)``: ``tg.empty`` with x's dtype (unless ``dtype=``)."""
    return factories.empty(*shape, size=size, dtype=x.dtype if dtype is None else dtype,
                           device=device, requires_grad=requires_grad)


def new_full(x: Tensor, size: Any, fill_value: Any, *, dtype: Any = None, device: Any = None,
             requires_grad: bool = False) -> Tensor:
    """PyTorch's ``new_full(size, fill_value)``: ``fill_value`` everywhere, x's dtype (unless
    ``dtype=``)."""
    return factories.full(size, fill_value, dtype=x.dtype if dtype is None else dtype,
                          device=device, requires_grad=requires_grad)


def new_tensor(x: Tensor, data: Any, *, dtype: Any = None, device: Any = None,
               requires_grad: bool = False) -> Tensor:
    """PyTorch's ``new_tensor(data)``: a new leaf holding a copy of ``data``, with x's dtype
    (unless ``dtype=``)."""
    data = data.detach() if isinstance(data, Tensor) else data
    return factories.tensor(data, dtype=x.dtype if dtype is None else dtype, device=device,
                            requires_grad=requires_grad)


# --- backward(inputs=...) ---


def backward_into(tensor: Tensor, gradient: Any, inputs: Any, retain_graph: Any,
                  create_graph: bool) -> None:
    """``tensor.backward(inputs=...)``: accumulate into the ``.grad`` of ``inputs`` only
    (leaves or not), as PyTorch; other leaves' ``.grad`` stay as they are."""
    inputs = [inputs] if isinstance(inputs, Tensor) else list(inputs)
    if not inputs:
        raise ValueError("backward: inputs= must not be empty; leave it out to fill every leaf")
    unique = list({id(x): x for x in inputs}.values())
    grads = engine.grad([tensor], unique, [gradient], bool(retain_graph) or create_graph,
                        create_graph, allow_unused=True)
    for x, g in zip(unique, grads):
        if g is None:
            continue
        if create_graph:
            x.grad = g if x.grad is None else x.grad + g
        elif x.grad is None:
            x.grad = Tensor._wrap(g.data.copy())
        elif x.grad.creator is None:
            x.grad.data = x.grad.data + g.data
        else:
            x.grad = Tensor._wrap(x.grad.data + g.data)


# --- triangles ---


def tril(x: Tensor, diagonal: int = 0) -> Tensor:
    """PyTorch's ``tril``: the lower triangle of the last two dims, on and below
    ``diagonal`` (0 the main one, > 0 above it); the rest 0. The gradient flows to the
    elements kept."""
    return _triangle(x, diagonal, "tril")


def triu(x: Tensor, diagonal: int = 0) -> Tensor:
    """PyTorch's ``triu``: the upper triangle of the last two dims, on and above
    ``diagonal``; the rest 0. The gradient flows to the elements kept."""
    return _triangle(x, diagonal, "triu")


def _triangle(x: Any, diagonal: Any, name: str) -> Tensor:
    x = _as_tensor(x)
    if x.ndim < 2:
        raise ValueError(f"{name} needs a tensor with at least 2 dims (a matrix, or a batch "
                         f"of them), got shape {x.shape}")
    diagonal = checks.integer(diagonal, f"{name}: diagonal")
    rows, cols = x.shape[-2:]
    below = np.tri(rows, cols, diagonal, dtype=bool)
    keep = below if name == "tril" else ~np.tri(rows, cols, diagonal - 1, dtype=bool)
    return Where.apply(keep, x, np.zeros((), x.dtype))


# --- out= ---


def copy_into(out: Any, result: Any, name: str) -> Tensor:
    """PyTorch's ``out=`` argument: ``result`` written into the tensor ``out``."""
    if not isinstance(out, Tensor):
        raise TypeError(f"tg.{name}: out must be a Tensor, got {type(out).__name__}")
    if engine._mode.enabled and (out.requires_grad or getattr(result, "requires_grad", False)):
        raise RuntimeError(f"tg.{name}(..., out=...): functions with out= don't support "
                           "automatic differentiation (as in PyTorch); write y = "
                           f"tg.{name}(...) instead")
    if tuple(result.shape) != out.shape:
        raise ValueError(f"tg.{name}: out has shape {out.shape} but the result has shape "
                         f"{tuple(result.shape)}")
    return out.copy_(result)


def repeat(x: Tensor, *sizes: Any) -> Tensor:
    """PyTorch's ``Tensor.repeat(*sizes)`` (in PyTorch code, through as_torch): the tensor
    tiled ``sizes[i]`` times along each dim, NumPy's ``tile``; at least ``x.ndim`` sizes."""
    if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)):
        sizes = tuple(sizes[0])
    if len(sizes) < x.ndim:
        raise ValueError(f"repeat: {len(sizes)} sizes for a tensor of {x.ndim} dims; give at "
                         f"least {x.ndim} (PyTorch's rule)")
    return functions.tile(x, tuple(sizes))
