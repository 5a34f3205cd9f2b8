"""Tensor: an ndarray that remembers the Function that made it, so gradients can flow back.

Every method here is one line that calls an op from ``ops/``; the math lives there.
"""
from __future__ import annotations

import operator
import sys
import warnings
from typing import Any, Callable, Iterator

import numpy as np

from . import checks
from .dtypes import to_array
from .hints import legacy_size_note


class Tensor:
    """An n-dimensional array that records the graph of operations for backpropagation.

    Args:
        data: a Python scalar or (nested) list, a NumPy array (copied, dtype kept) or a
            Tensor (copied). Python floats become the default dtype (float32, see
            ``tg.set_default_dtype``); integer and bool data stay integer and bool.
        requires_grad: record operations on this tensor so ``backward`` fills ``.grad``.
            Only floating point tensors can require grad.
        dtype: cast the data to this dtype.

    Example:
        >>> x = tg.Tensor([1.0, 2.0, 3.0], requires_grad=True)
        >>> (x * x).sum().backward()
        >>> x.grad
        Tensor([2., 4., 6.])
    """

    __slots__ = ("data", "_grad", "_requires_grad", "creator", "output_index", "_previous",
                 "_viewed", "__weakref__")
    # NumPy's binary operators defer to ours: ndarray + Tensor gives a Tensor.
    __array_priority__ = 1000

    def __init__(self, data: Any, requires_grad: bool = False, dtype: Any = None) -> None:
        if dtype is None or type(dtype) is int:
            if type(data) in (int, list, tuple) and _in_pytorch_code():
                data, requires_grad, dtype = _legacy_constructor(data, requires_grad, dtype)
        if type(data) is int and type(requires_grad) is int and type(dtype) in (int, type(None)):
            sizes = ", ".join(str(n) for n in (data, requires_grad, dtype) if n is not None)
            raise TypeError(
                f"tg.Tensor({sizes}) looks like PyTorch's legacy torch.Tensor(*sizes), an "
                "uninitialized tensor of that shape; here Tensor(data, requires_grad, dtype) "
                f"takes the values. Use tg.zeros({sizes}) or tg.empty({sizes})")
        if isinstance(data, Tensor):
            if data._requires_grad and engine._mode.enabled:
                _warn_copy("tg.Tensor(t) copies t's values into a new leaf: no gradient flows "
                           "back to t. For that use t itself (or t.clone()); for a constant "
                           "copy, t.detach().clone()")
            data = data.data
        elif isinstance(data, (list, tuple)) and _holds_grad_tensor(data):
            _warn_copy("tg.Tensor([...]) of tensors that require grad copies their values: no "
                       "gradient flows back to them. Use tg.stack([...]) to keep the graph")
        self.data = to_array(data, dtype)
        self._grad: Tensor | None = None
        self._requires_grad = False
        self.creator = None
        self.output_index = 0
        if requires_grad is not False:
            self.requires_grad = requires_grad

    @staticmethod
    def _wrap(data: np.ndarray, requires_grad: bool = False, creator: Any = None,
              output_index: int = 0) -> "Tensor":
        """Make a Tensor around an ndarray without copying or checking (internal, fast)."""
        t = object.__new__(Tensor)
        t.data = data
        t._grad = None
        t._requires_grad = requires_grad
        t.creator = creator
        t.output_index = output_index
        return t

    # --- attributes ---

    @property
    def requires_grad(self) -> bool:
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value: bool) -> None:
        if self.creator is not None:
            raise RuntimeError("requires_grad can only be changed on a leaf tensor; "
                               "use .detach() to get a tensor outside the graph")
        value = checks.flag(value, "requires_grad")  # "no" must not mean True
        if value and self.data.dtype.kind != "f":
            raise TypeError(f"only floating point tensors can require grad, got dtype "
                            f"{self.data.dtype}; create it with dtype=np.float32 or np.float64"
                            f"{legacy_size_note(self.data)}")
        self._requires_grad = bool(value)

    def requires_grad_(self, requires_grad: bool = True) -> "Tensor":
        """Set ``requires_grad`` in place and return self."""
        self.requires_grad = requires_grad
        return self

    @property
    def grad(self) -> "Tensor | None":
        """d(loss)/d(self), filled by ``backward()`` on leaves (accumulated); None before."""
        return self._grad

    @grad.setter
    def grad(self, value: "Tensor | None") -> None:
        # Checked as PyTorch does: a wrong .grad would only fail (or mislead) much later.
        if value is not None:
            if isinstance(value, np.ndarray):
                value = Tensor._wrap(value)  # NumPy's habit: the array becomes the .grad Tensor
            if not isinstance(value, Tensor):
                raise TypeError(f"assigned grad must be a Tensor, an ndarray or None, got "
                                f"{type(value).__name__}; e.g. t.grad = tg.zeros_like(t)")
            if value.shape != self.shape:
                raise ValueError(f"assigned grad has shape {value.shape}, but the tensor has "
                                 f"shape {self.shape}")
            if value.data.dtype.kind != "f":
                raise TypeError(f"assigned grad must be floating point, got {value.dtype}")
        self._grad = value

    @property
    def is_leaf(self) -> bool:
        """True for tensors made by the user, not by an op (their ``.grad`` is filled)."""
        return self.creator is None

    def register_hook(self, hook: Callable) -> Any:
        """Call ``hook(grad)`` when backward computes this tensor's gradient; a Tensor it
        returns replaces the gradient. Returns a handle with ``remove()``. As PyTorch's
        (autograd/hooks.py has the rules)."""
        return _hooks.register_hook(self, hook)

    def retain_grad(self) -> None:
        """Keep this intermediate tensor's gradient in ``.grad`` when backward runs.

        Only leaves get ``.grad`` otherwise (as in PyTorch); on a leaf this does nothing.
        """
        engine.retain_grad(self)

    @property
    def retains_grad(self) -> bool:
        """True for a non-leaf tensor whose ``retain_grad()`` was called."""
        return engine.retains_grad(self)

    @property
    def grad_fn(self) -> Any:
        """PyTorch's name for ``creator``: the Function that made this tensor."""
        return self.creator

    @property
    def shape(self) -> tuple:
        return self.data.shape

    @property
    def ndim(self) -> int:
        return self.data.ndim

    @property
    def size(self) -> int:
        """The number of elements, an int (NumPy's ``size``), that PyTorch's habit calls:
        ``x.size()`` is the shape, ``x.size(dim)`` one dim's length (pytorch_methods.py)."""
        return _pytorch_methods.ElementCount(self.data.size, self.data.shape)

    @property
    def dtype(self) -> np.dtype:
        return self.data.dtype

    @property
    def T(self) -> "Tensor":
        """All axes reversed, as NumPy's ``.T``."""
        return self.transpose()

    def numpy(self) -> np.ndarray:
        """The data as an ndarray (shared with the tensor, not a copy)."""
        self._viewed = True  # in_place.py: a change in the graph must not leave it stale
        return self.data

    def item(self) -> Any:
        """The value of a one-element tensor as a Python number."""
        return self.data.item()

    def tolist(self) -> Any:
        """The data as (nested) Python lists."""
        return self.data.tolist()

    def astype(self, dtype: Any) -> "Tensor":
        """A copy of this tensor converted to ``dtype`` (NumPy's name; PyTorch's ``.to(dtype)``).

        To another float dtype it stays in the graph: the gradient flows back, cast to
        this tensor's dtype. To an integer or bool dtype the result has no gradient.
        """
        dtype = np.dtype(dtype)
        if dtype.kind == "f" and self.data.dtype.kind == "f":
            return Cast.apply(self, dtype)
        return Tensor._wrap(self.data.astype(dtype))

    def clone(self) -> "Tensor":
        """A copy of the data that stays in the graph (PyTorch's name): y = x, dL/dx = dL/dy.

        Changing the copy's data in place leaves this tensor unchanged.
        """
        return self.astype(self.data.dtype)

    def detach(self) -> "Tensor":
        """The same data (shared) outside the graph: it does not require grad."""
        # A new view, not the same ndarray object: Function.saved_tensors tells inputs
        # apart by the identity of their arrays.
        self._viewed = True
        return Tensor._wrap(self.data.view())

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        data = np.asarray(self.data)  # .data may have been set to a NumPy scalar by hand
        if dtype is not None and np.dtype(dtype) != data.dtype:
            return data.astype(dtype)
        return data.copy() if copy else data

    def __array_ufunc__(self, ufunc: np.ufunc, method: str, *inputs: Any, **kwargs: Any) -> Any:
        """NumPy ufuncs on Tensors run our differentiable ops (``np.exp(t)`` is ``t.exp()``).

        This lets one backward formula serve ndarrays and Tensors alike.
        """
        return numpy_interop.call_ufunc(ufunc, method, inputs, kwargs)

    def __array_function__(self, func: Any, types: Any, args: tuple, kwargs: dict) -> Any:
        """NumPy functions on Tensors: ``np.dot``, ``np.sum``, ``np.mean``... run our
        differentiable ops; any other gets the data and returns what NumPy returns."""
        return numpy_interop.call_function(func, args, kwargs)

    def __repr__(self) -> str:
        body = np.array2string(self.data, separator=", ", prefix="Tensor(")
        extra = ""
        if self.data.dtype not in (np.float32, np.int64, np.bool_):
            extra += f", dtype={self.data.dtype}"
        if self.creator is not None:
            extra += f", creator={type(self.creator).__name__}"
        elif self._requires_grad:
            extra += ", requires_grad=True"
        return f"Tensor({body}{extra})"

    def __len__(self) -> int:
        if self.data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return len(self.data)

    def __iter__(self) -> Iterator["Tensor"]:
        if self.data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(len(self.data)))

    def __float__(self) -> float:
        return float(self.data.item())  # any one-element tensor, as in PyTorch

    def __int__(self) -> int:
        return int(self.data.item())

    def __bool__(self) -> bool:
        return bool(self.data)

    def __index__(self) -> int:
        """A 0-d integer tensor used as an index, ``names[t.argmax()]`` (as an ndarray)."""
        if self.data.dtype.kind not in "iu" or self.data.ndim != 0:
            raise TypeError(f"only a 0-d integer tensor can be used as an index, got "
                            f"dtype {self.data.dtype} and shape {self.shape}")
        return int(self.data.item())

    def __format__(self, spec: str) -> str:
        """``f"{loss:.4f}"`` formats a one-element tensor as its number; ``f"{loss}"`` of a
        0-d tensor is its number too (as PyTorch's and NumPy's)."""
        if (spec and self.data.size == 1) or self.data.ndim == 0:
            return format(self.data.item(), spec)
        return format(str(self), spec)

    # Tensors are compared element-wise, so hash by identity (usable as dict keys).
    __hash__ = object.__hash__

    # --- autograd ---

    def backward(self, grad: Any = None, retain_graph: bool = False,
                 create_graph: bool = False, inputs: Any = None, *, gradient: Any = None) -> None:
        """Accumulate the gradient of this tensor into ``.grad`` of every leaf it depends on.

        Args:
            grad: dL/d(self), shaped like self; may be omitted for a one-element tensor.
                PyTorch's name for it, ``gradient=``, is accepted too (not both).
            retain_graph: keep the graph's saved values for another backward (the graph
                is freed otherwise). ``create_graph=True`` implies it.
            create_graph: record the backward pass, so ``.grad`` can be differentiated again.
            inputs: PyTorch's ``inputs=``: fill the ``.grad`` of these tensors only (leaves
                or not); None: every leaf.

        Raises:
            RuntimeError: self does not require grad; self has several elements and no
                ``grad`` was given; the graph was already freed by an earlier backward.
        """
        if gradient is not None:
            if grad is not None:
                raise TypeError("backward: give grad= (our name) or gradient= (PyTorch's), "
                                "not both")
            grad = gradient
        if inputs is not None:
            return _pytorch_methods.backward_into(self, grad, inputs, retain_graph, create_graph)
        engine.backward([self], [grad], bool(retain_graph), create_graph)

    # --- operators (reflected forms included) ---

    def __add__(self, other: Any) -> "Tensor":
        return Add.apply(self, other if type(other) in _READY else _operand(other))

    def __radd__(self, other: Any) -> "Tensor":
        return Add.apply(_operand(other), self)

    def __sub__(self, other: Any) -> "Tensor":
        return Sub.apply(self, other if type(other) in _READY else _operand(other))

    def __rsub__(self, other: Any) -> "Tensor":
        return Sub.apply(_operand(other), self)

    def __mul__(self, other: Any) -> "Tensor":
        return Mul.apply(self, other if type(other) in _READY else _operand(other))

    def __rmul__(self, other: Any) -> "Tensor":
        return Mul.apply(_operand(other), self)

    def __truediv__(self, other: Any) -> "Tensor":
        return Div.apply(self, other if type(other) in _READY else _operand(other))

    def __rtruediv__(self, other: Any) -> "Tensor":
        return Div.apply(_operand(other), self)

    def __pow__(self, other: Any) -> "Tensor":
        return Pow.apply(self, other if type(other) in _READY else _operand(other))

    def __rpow__(self, other: Any) -> "Tensor":
        return Pow.apply(_operand(other), self)

    def __matmul__(self, other: Any) -> "Tensor":
        return MatMul.apply(self, _operand(other))

    def __rmatmul__(self, other: Any) -> "Tensor":
        return MatMul.apply(_operand(other), self)

    def __neg__(self) -> "Tensor":
        return Neg.apply(self)

    def __abs__(self) -> "Tensor":
        return Abs.apply(self)

    def __pos__(self) -> "Tensor":
        return self

    # In-place ops (+=, add_, x[i] = v, zero_, ...) are in in_place.py, installed on Tensor.

    # Comparisons compute on the data: their results are bool and carry no gradient.
    def __lt__(self, other: Any) -> "Tensor":
        return _compare(operator.lt, self, other)

    def __le__(self, other: Any) -> "Tensor":
        return _compare(operator.le, self, other)

    def __gt__(self, other: Any) -> "Tensor":
        return _compare(operator.gt, self, other)

    def __ge__(self, other: Any) -> "Tensor":
        return _compare(operator.ge, self, other)

    def __eq__(self, other: Any) -> "Tensor":  # type: ignore[override]
        return _compare(operator.eq, self, other)

    def __ne__(self, other: Any) -> "Tensor":  # type: ignore[override]
        return _compare(operator.ne, self, other)

    # --- element-wise math ---

    def exp(self) -> "Tensor":
        """e**x element-wise; d/dx = e**x."""
        return Exp.apply(self)

    def log(self) -> "Tensor":
        """Natural log element-wise (x > 0); d/dx = 1/x."""
        return Log.apply(self)

    def sqrt(self) -> "Tensor":
        """Square root element-wise (x > 0); d/dx = 1 / (2 sqrt(x))."""
        return Sqrt.apply(self)

    def abs(self) -> "Tensor":
        """|x| element-wise; d/dx = sign(x), 0 at x = 0 (as PyTorch)."""
        return Abs.apply(self)

    def sin(self) -> "Tensor":
        """sin(x) element-wise; d/dx = cos(x)."""
        return Sin.apply(self)

    def cos(self) -> "Tensor":
        """cos(x) element-wise; d/dx = -sin(x)."""
        return Cos.apply(self)

    def tanh(self) -> "Tensor":
        """tanh(x) element-wise; d/dx = 1 - tanh(x)**2."""
        return Tanh.apply(self)

    def sigmoid(self) -> "Tensor":
        """1 / (1 + e**-x) element-wise, stable for large |x|; d/dx = y (1 - y)."""
        return Sigmoid.apply(self)

    def relu(self) -> "Tensor":
        """max(x, 0) element-wise; d/dx = 1 where x > 0, else 0 (0 at x = 0, as PyTorch)."""
        return ReLU.apply(self)

    def leaky_relu(self, negative_slope: float = 0.01) -> "Tensor":
        """x where x > 0, else negative_slope * x; d/dx = 1 where x > 0, else negative_slope
        (the slope at x = 0, as PyTorch)."""
        return LeakyReLU.apply(self, checks.real(negative_slope, "leaky_relu: negative_slope"))

    def clip(self, min: Any = None, max: Any = None) -> "Tensor":
        """Limit values to [min, max] (either may be None); gradient 1 inside, bounds included."""
        if min is None and max is None:
            raise ValueError("clip needs at least one of min and max")
        if any(isinstance(b, Tensor) and b._requires_grad for b in (min, max)):
            return _pytorch_methods.clamp(self, min, max)  # bounds that get a gradient too
        return Clip.apply(self, _bound(min), _bound(max))

    # --- more element-wise math (ops/math.py; PyTorch's names, NumPy's as aliases) ---

    def square(self) -> "Tensor":
        """x**2 element-wise; d/dx = 2 x."""
        return _math.Square.apply(self)

    def pow(self, exponent: Any) -> "Tensor":
        """self ** exponent (a number or a tensor, broadcast); see ``__pow__``."""
        return self ** exponent

    def reciprocal(self) -> "Tensor":
        """1 / x element-wise (x != 0); d/dx = -1 / x**2."""
        return _math.Reciprocal.apply(self)

    def exp2(self) -> "Tensor":
        """2**x element-wise; d/dx = ln(2) 2**x."""
        return _math.Exp2.apply(self)

    def expm1(self) -> "Tensor":
        """exp(x) - 1 element-wise, accurate near 0; d/dx = exp(x)."""
        return _math.Expm1.apply(self)

    def log1p(self) -> "Tensor":
        """log(1 + x) element-wise (x > -1), accurate near 0; d/dx = 1 / (1 + x)."""
        return _math.Log1p.apply(self)

    def log2(self) -> "Tensor":
        """Base-2 log element-wise (x > 0); d/dx = 1 / (x ln 2)."""
        return _math.Log2.apply(self)

    def log10(self) -> "Tensor":
        """Base-10 log element-wise (x > 0); d/dx = 1 / (x ln 10)."""
        return _math.Log10.apply(self)

    def logaddexp(self, other: Any) -> "Tensor":
        """log(exp(self) + exp(other)), stable; d/dself = exp(self - y), d/dother =
        exp(other - y)."""
        return _math.LogAddExp.apply(self, _operand(other))

    def tan(self) -> "Tensor":
        """tan(x) element-wise; d/dx = 1 + tan(x)**2."""
        return _math.Tan.apply(self)

    def arcsin(self) -> "Tensor":
        """arcsin(x) element-wise (-1 < x < 1); d/dx = 1 / sqrt(1 - x**2)."""
        return _math.Arcsin.apply(self)

    def arccos(self) -> "Tensor":
        """arccos(x) element-wise (-1 < x < 1); d/dx = -1 / sqrt(1 - x**2)."""
        return _math.Arccos.apply(self)

    def arctan(self) -> "Tensor":
        """arctan(x) element-wise; d/dx = 1 / (1 + x**2)."""
        return _math.Arctan.apply(self)

    def arctan2(self, other: Any) -> "Tensor":
        """The angle of the point (other, self) in [-pi, pi]; d/dself = other / r**2,
        d/dother = -self / r**2 (r**2 = self**2 + other**2; 0 at the origin, as PyTorch)."""
        return _math.Arctan2.apply(self, _operand(other))

    def hypot(self, other: Any) -> "Tensor":
        """sqrt(self**2 + other**2), stable; d/dself = self / y, d/dother = other / y."""
        return _math.Hypot.apply(self, _operand(other))

    def sinh(self) -> "Tensor":
        """sinh(x) element-wise; d/dx = cosh(x)."""
        return _math.Sinh.apply(self)

    def cosh(self) -> "Tensor":
        """cosh(x) element-wise; d/dx = sinh(x)."""
        return _math.Cosh.apply(self)

    def arcsinh(self) -> "Tensor":
        """arcsinh(x) element-wise; d/dx = 1 / sqrt(x**2 + 1)."""
        return _math.Arcsinh.apply(self)

    def arccosh(self) -> "Tensor":
        """arccosh(x) element-wise (x > 1); d/dx = 1 / sqrt(x**2 - 1)."""
        return _math.Arccosh.apply(self)

    def arctanh(self) -> "Tensor":
        """arctanh(x) element-wise (-1 < x < 1); d/dx = 1 / (1 - x**2)."""
        return _math.Arctanh.apply(self)

    # PyTorch's names (asin, atan2, clamp, view, ...) are in pytorch_names.py, in one table.

    def sign(self) -> "Tensor":
        """-1, 0 or 1 as x < 0, x == 0, x > 0; d/dx = 0 (also at 0, as PyTorch)."""
        return _math.Sign.apply(self)

    def floor(self) -> "Tensor":
        """The largest integer <= x; d/dx = 0 (also at the jumps, as PyTorch)."""
        return _math.Floor.apply(self)

    def ceil(self) -> "Tensor":
        """The smallest integer >= x; d/dx = 0 (also at the jumps, as PyTorch)."""
        return _math.Ceil.apply(self)

    def round(self, decimals: int = 0) -> "Tensor":
        """Round to ``decimals`` places, halves to even (as NumPy and PyTorch); d/dx = 0."""
        return _math.Round.apply(self, operator.index(decimals))

    def trunc(self) -> "Tensor":
        """x rounded toward 0; d/dx = 0 (also at the jumps, as PyTorch)."""
        return _math.Trunc.apply(self)

    # --- reductions ---

    def sum(self, axis: Any = None, keepdims: bool = False, *, dim: Any = None,
            keepdim: bool = False) -> "Tensor":
        """Sum over ``axis`` (None: all; an int or a tuple; negative counts from the end),
        keeping the reduced axes as size 1 if ``keepdims``; d/dx = 1 for every element.
        PyTorch's ``dim=``/``keepdim=`` are accepted too (in every reduction)."""
        axis, keepdims = _dim_alias("sum", axis, keepdims, dim, keepdim)
        return Sum.apply(self, _axis(axis), keepdims)

    def mean(self, axis: Any = None, keepdims: bool = False, *, dim: Any = None,
             keepdim: bool = False) -> "Tensor":
        """Arithmetic mean: sum(x) / n, n the number of values reduced over ``axis``."""
        axis, keepdims = _dim_alias("mean", axis, keepdims, dim, keepdim)
        axis = _axis(axis)
        n = _count(self.data.shape, axis)
        if n == 0:
            raise ValueError(f"mean of an empty selection (shape {self.shape}, axis={axis})")
        return Sum.apply(self, axis, keepdims) * (1.0 / n)

    def var(self, axis: Any = None, *positional: Any, keepdims: bool = False,
            ddof: Any = None, dim: Any = None, keepdim: Any = None, correction: Any = None,
            unbiased: Any = None) -> "Tensor":
        """Variance sum((x - mean)**2) / (n - ddof): ``var(axis=None, keepdims=False,
        ddof=0)``.

        The default follows the habit it is called with: NumPy's ``ddof=0`` (population
        variance, n) for ``var()`` and ``var(axis=...)``; PyTorch's ``correction=1`` (sample
        variance, n - 1) when ``dim=`` or ``keepdim=`` is given, and in PyTorch code run
        through ``tinygrad_edu.as_torch``, where ``var(dim, unbiased, keepdim)`` is also
        PyTorch's positional order. ``ddof=``, ``correction=`` (the same number) or
        ``unbiased=True/False`` set it; giving two of them raises.
        """
        keepdims, ddof, unbiased, keepdim = _var_positional(
            "var", positional, keepdims, ddof, unbiased, keepdim)
        ddof = _ddof("var", ddof, correction, unbiased, dim is not None or keepdim is not None)
        axis, keepdims = _dim_alias("var", axis, keepdims, dim, bool(keepdim))
        axis = _axis(axis)
        n = _count(self.data.shape, axis)
        if n - ddof <= 0:
            raise ValueError(f"var needs more than ddof={ddof} values along axis={axis}, "
                             f"got {n} (shape {self.shape})")
        centered = self - self.mean(axis=axis, keepdims=True)
        return (centered * centered).sum(axis=axis, keepdims=keepdims) * (1.0 / (n - ddof))

    def std(self, axis: Any = None, *positional: Any, keepdims: bool = False,
            ddof: Any = None, dim: Any = None, keepdim: Any = None, correction: Any = None,
            unbiased: Any = None) -> "Tensor":
        """Standard deviation sqrt(var(x, ddof)), with ``var``'s arguments and defaults:
        NumPy's ddof=0 (population) called NumPy's way, PyTorch's correction=1 when
        ``dim=``/``keepdim=`` is given or in PyTorch code run through ``as_torch``.

        d std/dx_i = (x_i - mean) / ((n - ddof) std). Where all the values reduced are
        equal (std = 0) the gradient is taken as 0, as ``torch.std`` does, instead of the
        0 * inf = nan that sqrt(var) by the chain rule would give.
        """
        keepdims, ddof, unbiased, keepdim = _var_positional(
            "std", positional, keepdims, ddof, unbiased, keepdim)
        ddof = _ddof("std", ddof, correction, unbiased, dim is not None or keepdim is not None)
        axis, keepdims = _dim_alias("std", axis, keepdims, dim, bool(keepdim))
        axis = _axis(axis)
        n = _count(self.data.shape, axis)
        if n - ddof <= 0:
            raise ValueError(f"std needs more than ddof={ddof} values along axis={axis}, "
                             f"got {n} (shape {self.shape})")
        return SafeSqrt.apply(self.var(axis=axis, keepdims=keepdims, ddof=ddof))

    def max(self, *args: Any, **kwargs: Any) -> Any:
        """The largest value: NumPy's ``max(axis=None, keepdims=False)`` gives the values
        (the gradient shared equally between ties, as ``torch.amax``); PyTorch's
        ``max(dim, keepdim=False)`` gives the pair ``(values, indices)`` (the gradient to the
        index it returns, as ``torch.max``); ``max(other)`` is ``tg.maximum(self, other)``.

        A positional int is PyTorch's ``dim`` (``_, pred = out.max(1)``), unless NumPy's
        ``keepdims=`` is also given; a pair used as if it were the values raises.
        """
        return _sorting.max_or_min(self, "max", args, kwargs)

    def min(self, *args: Any, **kwargs: Any) -> Any:
        """The smallest value, with the same forms as ``max``: ``min(axis=...)`` the values,
        ``min(dim)`` the pair ``(values, indices)``, ``min(other)`` ``tg.minimum``."""
        return _sorting.max_or_min(self, "min", args, kwargs)

    def amax(self, axis: Any = None, keepdims: bool = False, *, dim: Any = None,
             keepdim: bool = False) -> "Tensor":
        """Largest value over ``axis``/``dim`` (as ``sum``); the gradient goes to the maximum,
        shared equally between ties (as ``torch.amax``)."""
        axis, keepdims = _dim_alias("amax", axis, keepdims, dim, keepdim)
        return Max.apply(self, _axis(axis), keepdims)

    def amin(self, axis: Any = None, keepdims: bool = False, *, dim: Any = None,
             keepdim: bool = False) -> "Tensor":
        """Smallest value over ``axis``/``dim`` (as ``sum``); the gradient goes to the minimum,
        shared equally between ties (as ``torch.amin``)."""
        axis, keepdims = _dim_alias("amin", axis, keepdims, dim, keepdim)
        return Min.apply(self, _axis(axis), keepdims)

    def argmax(self, axis: Any = None, keepdims: bool = False, *, dim: Any = None,
               keepdim: bool = False) -> "Tensor":
        """Index of the largest value, over all elements or along ``axis`` (or ``dim``); no
        gradient. The first one at a tie."""
        axis, keepdims = _dim_alias("argmax", axis, keepdims, dim, keepdim)
        return Tensor._wrap(np.asarray(self.data.argmax(axis=axis, keepdims=keepdims)))

    def argmin(self, axis: Any = None, keepdims: bool = False, *, dim: Any = None,
               keepdim: bool = False) -> "Tensor":
        """Index of the smallest value, as ``argmax``; no gradient."""
        axis, keepdims = _dim_alias("argmin", axis, keepdims, dim, keepdim)
        return Tensor._wrap(np.asarray(self.data.argmin(axis=axis, keepdims=keepdims)))

    # --- sorting and order statistics (sorting.py: NumPy's and PyTorch's forms) ---

    def sort(self, dim: Any = -1, descending: bool = False, stable: bool = False,
             **numpy_options: Any) -> Any:
        """PyTorch's sort: the pair ``(values, indices)`` along ``dim``, t itself unchanged
        (``values, indices = t.sort(dim=1, descending=True)``); stable, values differentiable.

        NumPy's ``a.sort(axis=...)`` sorts in place and returns None, which a tensor in the
        graph cannot do: its keywords (axis=, kind=, order=) raise TypeError naming
        ``np.sort(t, axis=...)`` (NumPy's sorted values), and a pair from ``t.sort()``
        that nothing reads (NumPy's habit: ``t.sort()`` as a statement) warns.
        """
        return _sorting.sort(self, dim, descending, stable, **numpy_options)

    def argsort(self, axis: Any = -1, descending: bool = False, stable: Any = None, *,
                dim: Any = None, kind: Any = None, order: Any = None) -> "Tensor":
        """The int64 positions that sort along ``axis``/``dim`` (None: flattened), stable;
        ``descending=True`` as torch.argsort. No gradient."""
        return _sorting.argsort(self, axis, descending, stable, dim=dim, kind=kind,
                                order=order)

    def topk(self, k: int, dim: Any = -1, largest: bool = True, sorted: bool = True) -> Any:
        """PyTorch's topk: the pair ``(values, indices)`` of the k largest (smallest) along
        ``dim``, largest first; values differentiable."""
        return _sorting.topk(self, k, dim, largest, sorted)

    def median(self, dim: Any = None, keepdim: bool = False, **numpy_options: Any) -> Any:
        """PyTorch's median: the lower of the two middle values (NumPy's ``np.median(t)``
        averages them); with ``dim``, the pair ``(values, indices)``. NumPy's keywords
        (axis=, keepdims=) raise TypeError naming ``np.median``."""
        return _sorting.median(self, dim, keepdim, **numpy_options)

    def quantile(self, q: Any, axis: Any = None, keepdims: bool = False, *, dim: Any = None,
                 keepdim: bool = False, interpolation: str = "linear") -> "Tensor":
        """The q-th quantiles over ``axis``/``dim`` with linear interpolation, as
        np.quantile and torch.quantile (they agree); q's axes come first."""
        return _sorting.quantile(self, q, axis, keepdims, dim=dim, keepdim=keepdim,
                                 interpolation=interpolation)

    def logsumexp(self, axis: Any = None, keepdims: bool = False, *, dim: Any = None,
                  keepdim: bool = False) -> "Tensor":
        """log(sum(exp(x))) over ``axis`` (as ``sum``), computed stably as
        m + log(sum(exp(x - m))) with m = max(x); d/dx = softmax(x) over ``axis``."""
        axis, keepdims = _dim_alias("logsumexp", axis, keepdims, dim, keepdim)
        return LogSumExp.apply(self, _axis(axis), keepdims)

    def softmax(self, axis: int = -1, *, dim: Any = None) -> "Tensor":
        """exp(x) / sum(exp(x)) along ``axis`` (or ``dim``), computed stably as exp(x - max x)."""
        return Softmax.apply(self, axis if dim is None else dim)

    def log_softmax(self, axis: int = -1, *, dim: Any = None) -> "Tensor":
        """x - log(sum(exp(x))) along ``axis`` (or ``dim``), log-sum-exp computed stably."""
        return LogSoftmax.apply(self, axis if dim is None else dim)

    # --- shape ---

    def reshape(self, *shape: Any) -> "Tensor":
        """The same elements in a new shape: ``reshape(2, 3)`` or ``reshape((2, 3))``; -1
        infers one axis."""
        return Reshape.apply(self, _shape_arg(shape))

    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> "Tensor":
        """All elements in one axis (a reshape to (size,)); PyTorch's ``flatten(start_dim,
        end_dim)`` merges only the dims start_dim..end_dim."""
        if start_dim == 0 and end_dim == -1:
            return Reshape.apply(self, (self.data.size,))
        return Reshape.apply(self, _pytorch_methods.flattened_shape(self.shape, start_dim,
                                                                  end_dim))

    def squeeze(self, axis: Any = None, *, dim: Any = None) -> "Tensor":
        """Remove size-1 axes (NumPy's ``squeeze``): all of them, or ``axis`` (PyTorch's
        ``dim``; an int or a tuple; negative counts from the end). A reshape: the gradient is
        reshaped back.

        Raises:
            ValueError: an ``axis`` whose size is not 1 (PyTorch would leave it instead).
        """
        axis = _dim_alias("squeeze", axis, False, dim, False)[0]
        shape = self.data.shape
        if axis is None:
            return Reshape.apply(self, tuple(n for n in shape if n != 1))
        axes = _normalize_axes(axis, len(shape), "squeeze")
        for given, a in zip(axis if isinstance(axis, (tuple, list)) else (axis,), axes):
            if shape[a] != 1:
                raise ValueError(f"squeeze: axis {given} has size {shape[a]}, not 1 "
                                 f"(tensor of shape {shape})")
        return Reshape.apply(self, tuple(n for i, n in enumerate(shape) if i not in axes))

    def expand_dims(self, axis: Any) -> "Tensor":
        """Insert size-1 axes at ``axis`` (an int or a tuple) of the result, as NumPy's
        ``expand_dims``: shape (2, 3) with axis=-1 gives (2, 3, 1). A reshape."""
        ndim = self.data.ndim + (len(axis) if isinstance(axis, (tuple, list)) else 1)
        axes = _normalize_axes(axis, ndim, "expand_dims")
        rest = iter(self.data.shape)
        return Reshape.apply(self, tuple(1 if i in axes else next(rest) for i in range(ndim)))

    def unsqueeze(self, dim: Any = None, *, axis: Any = None) -> "Tensor":
        """PyTorch's name for ``expand_dims``: a size-1 axis inserted at ``dim`` (``axis``)."""
        if (dim is None) == (axis is None):
            raise TypeError("unsqueeze takes one dim (PyTorch's name) or axis= (NumPy's)")
        return self.expand_dims(axis if dim is None else dim)

    def transpose(self, *axes: Any) -> "Tensor":
        """Permute axes as NumPy does (``transpose(2, 0, 1)`` or a tuple); no axes reverses them.

        Two ints swap those two axes, PyTorch's ``transpose(dim0, dim1)``: on a tensor that
        is not 2-D NumPy would refuse them (a permutation names every axis), and on a matrix
        ``x.transpose(0, 1)``, NumPy's identity permutation, is a line only PyTorch code
        writes. NumPy's identity stays available as a tuple: ``x.transpose((0, 1))``.
        """
        ndim = self.data.ndim
        if len(axes) == 2 and all(_is_dim(a) for a in axes):
            return self.swapaxes(*axes)
        return Transpose.apply(self, _axes_arg(axes, ndim))

    def swapaxes(self, axis1: int, axis2: int) -> "Tensor":
        """Exchange two axes (a transpose)."""
        axes = list(range(self.data.ndim))
        axes[axis1], axes[axis2] = axes[axis2], axes[axis1]
        return Transpose.apply(self, tuple(axes))

    def broadcast_to(self, *shape: Any) -> "Tensor":
        """Repeat along new or size-1 axes up to ``shape`` (NumPy broadcasting); the gradient
        is summed back."""
        return BroadcastTo.apply(self, _shape_arg(shape))

    def __getitem__(self, index: Any) -> "Tensor":
        """Indexing as NumPy: slices, ints, None, ..., integer and boolean arrays (or Tensors);
        elements selected several times get the sum of their gradients."""
        return GetItem.apply(self, _index(index))

    def matmul(self, other: Any) -> "Tensor":
        """Matrix product ``self @ other`` with NumPy's rules (1-D operands, batch broadcasting)."""
        return MatMul.apply(self, _operand(other))

    # --- rearranging, running totals, products (NumPy's and PyTorch's names: functions.py) ---

    def roll(self, shifts: Any = None, axis: Any = None, *, dims: Any = None,
             shift: Any = None) -> "Tensor":
        """Shift cyclically by ``shifts``/``shift`` along ``axis``/``dims`` (None: flattened)."""
        return _functions.roll(self, shifts, axis, dims=dims, shift=shift)

    def flip(self, axis: Any = None, *, dims: Any = None) -> "Tensor":
        """Reverse the order along ``axis``/``dims`` (None: every axis), as ``np.flip``."""
        return _functions.flip(self, axis, dims=dims)

    def cumsum(self, axis: Any = None, *, dim: Any = None) -> "Tensor":
        """Running sums along ``axis``/``dim`` (None: flattened, as ``np.cumsum``)."""
        return _functions.cumsum(self, axis, dim=dim)

    def cumprod(self, axis: Any = None, *, dim: Any = None) -> "Tensor":
        """Running products along ``axis``/``dim`` (None: flattened, as ``np.cumprod``)."""
        return _functions.cumprod(self, axis, dim=dim)

    def prod(self, axis: Any = None, keepdims: Any = None, *, dim: Any = None,
             keepdim: Any = None) -> "Tensor":
        """Product over ``axis``/``dim`` (as ``sum``); zeros get torch's gradient (tg.prod)."""
        return _functions.prod(self, axis, keepdims, dim=dim, keepdim=keepdim)

    def tile(self, *reps: Any) -> "Tensor":
        """The whole tensor copied ``reps`` times, ``tile(2, 1)`` or ``tile((2, 1))`` (np.tile,
        torch.tile: PyTorch's ``Tensor.repeat``)."""
        return _functions.tile(self, reps[0] if len(reps) == 1 else reps)

    def repeat(self, *repeats: Any, **axis: Any) -> "Tensor":
        """NumPy's ``ndarray.repeat(repeats, axis=...)``: each element repeated in place.

        ``axis=`` must be given (None flattens): NumPy's ``a.repeat(2)`` gives [a, a, b, b]
        but PyTorch's ``t.repeat(2)`` gives [a, b, a, b], so without it this raises
        TypeError pointing to ``t.tile(...)`` (PyTorch's) and ``t.repeat_interleave(...)``.
        In PyTorch code run through ``as_torch`` it is PyTorch's (tiling).
        """
        if not axis and _in_pytorch_code():
            return _pytorch_methods.repeat(self, *repeats)
        return _functions.ndarray_repeat(self, repeats, **axis)

    def repeat_interleave(self, repeats: Any, dim: Any = None, *, axis: Any = None) -> "Tensor":
        """Each element repeated in place along ``dim``/``axis`` (None: flattened), as
        ``torch.repeat_interleave`` and ``np.repeat``: [a, b] -> [a, a, b, b]."""
        return _functions.repeat_interleave(self, repeats, axis, dim=dim)

    def diagonal(self, offset: int = 0, axis1: int = 0, axis2: int = 1, *, dim1: Any = None,
                 dim2: Any = None) -> "Tensor":
        """The diagonal of axes ``axis1``/``dim1`` and ``axis2``/``dim2``, appended last."""
        return _functions.diagonal(self, offset, axis1, axis2, dim1=dim1, dim2=dim2)

    def trace(self, offset: int = 0, axis1: int = 0, axis2: int = 1) -> "Tensor":
        """The sum of the diagonal (``np.trace``; ``torch.trace`` for a matrix)."""
        return _functions.trace(self, offset, axis1, axis2)

    def norm(self, p: Any = 2, axis: Any = None, keepdims: Any = None, *, dim: Any = None,
             keepdim: Any = None) -> "Tensor":
        """PyTorch's ``Tensor.norm``: the entrywise p-norm (2/'fro', 1, inf, -inf) over
        ``axis``/``dim``, all elements by default. Entrywise even for a matrix: ``t.norm(1)``
        is sum |a|, not ``np.linalg.norm(A, 1)`` (NumPy's matrix norm, the largest column sum)."""
        return _functions.norm(self, p, axis, keepdims, dim=dim, keepdim=keepdim)


# --- argument helpers ---


def _as_tensor(x: Any) -> "Tensor":
    """``x`` itself if it is a Tensor, else a new Tensor of it (the library's one converter)."""
    return x if isinstance(x, Tensor) else Tensor(x)


def _warn_copy(message: str) -> None:
    warnings.warn(message, UserWarning, stacklevel=3)


def _holds_grad_tensor(data: Any) -> bool:
    """Does a (nested) list hold a Tensor that requires grad? (made into a constant)"""
    for v in data:
        if isinstance(v, Tensor):
            if v._requires_grad:
                return True
        elif isinstance(v, (list, tuple)) and _holds_grad_tensor(v):
            return True
    return False


def _dim_alias(name: str, axis: Any, keepdims: bool, dim: Any, keepdim: bool) -> tuple:
    """NumPy's ``axis``/``keepdims`` or PyTorch's ``dim``/``keepdim`` (not both)."""
    if dim is not None:
        if axis is not None:
            raise TypeError(f"{name}: give axis= (NumPy's name) or dim= (PyTorch's), not both")
        axis = dim
    return axis, bool(keepdims or keepdim)


def _legacy_constructor(data: Any, requires_grad: Any, dtype: Any) -> tuple:
    """``torch.Tensor(...)`` in PyTorch code (run through as_torch): PyTorch's meaning.
    Sizes (``torch.Tensor(2, 3)``) give zeros of that shape (PyTorch leaves the memory
    uninitialized), numbers give the default float dtype (``torch.Tensor([1, 2])`` is
    float32). Returns ``Tensor.__init__``'s arguments."""
    from .dtypes import get_default_dtype
    if type(data) is int:
        sizes = [n for n in (data, requires_grad, dtype) if type(n) is int]
        return np.zeros(sizes, get_default_dtype()), False, None
    return to_array(data).astype(get_default_dtype(), copy=False), requires_grad, dtype


def _in_pytorch_code() -> bool:
    """Inside ``as_torch.installed()`` (looked up, not imported: ``python -m
    tinygrad_edu.as_torch`` must be able to import it first)."""
    as_torch = sys.modules.get("tinygrad_edu.as_torch")
    return as_torch is not None and as_torch.is_installed()


def _var_positional(name: str, positional: tuple, keepdims: Any, ddof: Any, unbiased: Any,
                    keepdim: Any) -> tuple:
    """var/std's arguments after the axis: our contract's ``(keepdims, ddof)``, or in
    PyTorch code (``as_torch``) PyTorch's ``(unbiased, keepdim)``."""
    if not positional:
        return keepdims, ddof, unbiased, keepdim
    pytorch = _in_pytorch_code()
    names = ("unbiased", "keepdim") if pytorch else ("keepdims", "ddof")
    if len(positional) > 2:
        raise TypeError(f"{name} takes at most 3 positional arguments (axis, "
                        f"{', '.join(names)}), got {len(positional) + 1}")
    given = dict(zip(names, positional))
    current = {"unbiased": unbiased, "keepdim": keepdim, "keepdims": keepdims or None,
               "ddof": ddof}
    twice = [n for n in given if current[n] is not None]
    if twice:
        raise TypeError(f"{name}: {twice[0]} given both by position and by name")
    if pytorch:
        return keepdims, ddof, given.get("unbiased"), given.get("keepdim", keepdim)
    return given.get("keepdims", keepdims), given.get("ddof", ddof), unbiased, keepdim


def _ddof(name: str, ddof: Any, correction: Any, unbiased: Any, pytorch_way: bool) -> int:
    """NumPy's ``ddof`` or PyTorch's ``correction`` (the same number) or ``unbiased``; if
    none is given, NumPy's default 0, or PyTorch's 1 for a call the PyTorch way or any call
    from PyTorch code run through ``tinygrad_edu.as_torch``."""
    given = [k for k, v in (("ddof", ddof), ("correction", correction), ("unbiased", unbiased))
             if v is not None]
    if len(given) > 1:
        raise TypeError(f"{name}: give one of ddof=, correction= or unbiased=, got "
                        f"{' and '.join(given)}")
    if unbiased is not None:
        if not isinstance(unbiased, (bool, np.bool_)):
            raise TypeError(f"{name}: unbiased must be True or False, got {unbiased!r}")
        return 1 if unbiased else 0
    ddof = ddof if correction is None else correction
    if ddof is None:
        return 1 if pytorch_way or _in_pytorch_code() else 0
    if not _is_dim(ddof) or ddof < 0:
        raise TypeError(f"{name}: ddof (correction) must be an int >= 0, got {ddof!r}")
    return int(ddof)


def _is_dim(value: Any) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


# Operand types a binary op takes as they are (checked first: this is the hot path).
_READY = frozenset({Tensor, np.ndarray, float, int})


def _operand(x: Any) -> Any:
    """The other operand of a binary op, made safe for the dtype rules.

    NumPy scalars become Python numbers, which do not upcast (float32 * np.float64(2)
    stays float32, as a Python scalar does); lists become Tensors with the default dtype.
    """
    if type(x) is float or type(x) is int or isinstance(x, (Tensor, np.ndarray)):
        return x
    if isinstance(x, np.generic):
        return x.item()
    if isinstance(x, (int, float)):  # bool, and int/float subclasses
        return x
    if isinstance(x, list):
        return Tensor(x)
    raise TypeError(f"unsupported operand type for a Tensor operation: {type(x).__name__}")


def _data(x: Any) -> Any:
    return x.data if isinstance(x, Tensor) else _operand(x)


def _compare(op: Callable, x: Tensor, other: Any) -> Any:
    """An element-wise comparison: a bool Tensor with no gradient. Against an object that
    is not a number or array (None, a string) Python's default applies (``t == None`` is
    False), as in PyTorch."""
    try:
        other = _data(other)
    except TypeError:
        return NotImplemented
    return Tensor._wrap(np.asarray(op(x.data, other)))


def _bound(x: Any) -> Any:
    if x is None:
        return None
    x = _operand(x)
    if isinstance(x, Tensor):
        return x.data  # bounds are constants: clip passes no gradient to them
    return x


def _axis(axis: Any) -> Any:
    if axis is None or isinstance(axis, (int, np.integer)):
        return None if axis is None else int(axis)
    if isinstance(axis, (tuple, list, range)) or isinstance(axis, np.ndarray) and axis.ndim == 1:
        return tuple(_integer(a, "axis") for a in axis)
    return _integer(axis, "axis")  # a 0-d integer array or Tensor; anything else: TypeError


def _integer(value: Any, what: str) -> int:
    """An int argument (an axis, a size): a float such as 2.5 is an error, never truncated."""
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{what} must be an int, got {value!r}")
    try:
        return operator.index(value)
    except TypeError:
        hint = ("; a float is never truncated for you: write int(...) if you mean it"
                if isinstance(value, (float, np.floating)) else "")
        raise TypeError(f"{what} must be an int, got {value!r} ({type(value).__name__})"
                        f"{hint}") from None


def _count(shape: tuple, axis: Any) -> int:
    """How many values a reduction over ``axis`` combines into each result."""
    if not shape:  # a 0-d tensor holds one value (NumPy accepts axis 0 or -1 for it)
        return 1
    n = 1
    for a in range(len(shape)) if axis is None else ((axis,) if isinstance(axis, int) else axis):
        if not -len(shape) <= a < len(shape):
            raise np.exceptions.AxisError(a, len(shape))
        n *= shape[a]
    return n


def _normalize_axes(axis: Any, ndim: int, name: str) -> tuple:
    """``axis`` (an int or a sequence of ints) as distinct axes in [0, ndim)."""
    axes = tuple(axis) if isinstance(axis, (tuple, list)) else (axis,)
    result = []
    for a in axes:
        if not isinstance(a, (int, np.integer)) or isinstance(a, bool):
            raise TypeError(f"{name}: axis must be an int or a tuple of ints, got {axis!r}")
        if not -ndim <= a < ndim:
            raise np.exceptions.AxisError(int(a), ndim, msg_prefix=name)
        result.append(int(a) % ndim)
    if len(set(result)) != len(result):
        raise ValueError(f"{name}: repeated axis in {axis!r}")
    return tuple(result)


def _shape_arg(shape: tuple) -> tuple:
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    return tuple(_integer(s, "a shape's size") for s in shape)


def _axes_arg(axes: tuple, ndim: int) -> tuple:
    if len(axes) == 1 and isinstance(axes[0], (tuple, list, np.ndarray)):
        axes = tuple(axes[0])
    if not axes or axes == (None,):
        return tuple(range(ndim - 1, -1, -1))
    return tuple(_integer(a, "axes") for a in axes)


def _index(index: Any) -> Any:
    """An index with Tensors replaced by their data (indices carry no gradient)."""
    if isinstance(index, Tensor):
        return index.data
    if isinstance(index, tuple):
        return tuple(i.data if isinstance(i, Tensor) else i for i in index)
    return index


# The ops import Function, which imports this module: import them once Tensor exists.
from .autograd import engine  # noqa: E402
from .autograd import hooks as _hooks  # noqa: E402
from .ops.elementwise import (  # noqa: E402
    Abs, Add, Cast, Clip, Cos, Div, Exp, LeakyReLU, Log, Mul, Neg, Pow, ReLU, SafeSqrt, Sigmoid,
    Sin, Sqrt, Sub, Tanh,
)
from .ops.linalg import MatMul  # noqa: E402
from .ops import math as _math  # noqa: E402
from .ops.nn import LogSoftmax, Softmax  # noqa: E402
from .ops.reduce import LogSumExp, Max, Min, Sum  # noqa: E402
from .ops.shape import BroadcastTo, GetItem, Reshape, Transpose  # noqa: E402
from . import functions as _functions  # noqa: E402
from . import sorting as _sorting  # noqa: E402
from . import numpy_interop  # noqa: E402
from . import in_place  # noqa: E402,F401  (installs the in-place methods)
from . import pytorch_methods as _pytorch_methods  # noqa: E402
from . import pytorch_names  # noqa: E402,F401  (installs PyTorch's names)
