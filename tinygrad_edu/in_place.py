"""In-place ops as PyTorch's: ``c += c + 1``, ``x.add_(y)``, ``x[idx] = v``, ``w.grad.zero_()``.

How a change is made, and why gradients stay right:

- The new value is computed by the ordinary op (``c + other``) from the tensor's current value.
  The tensor then takes the result's array and, while the graph is recorded, the result's
  place in the graph; its previous version (value and node) is the input of that new node,
  and ``t._previous`` links to it.
- The old array is never written into (the tensor gets a new one), so every value saved for
  backward is the one the forward pass used: backward differentiates what was computed.
  (Where PyTorch's version counter raises "modified by an inplace operation", the gradient
  here is the one PyTorch gives for the same code with a ``.clone()`` before the change.)
- Ops that used the tensor before the change still hold it; each op notes how many changes
  had been made when it was recorded, so the engine gives it the version it saw
  (``version_used_by`` below).
- Outside the graph, a change to a view (``x[0]``, ``x.T``, ``x.reshape(...)``) writes
  through to the tensor it views, as PyTorch's views do. Inside the graph that would also
  rewrite the viewed tensor's history: refused, with the out-of-place fix.
- A leaf that requires grad refuses in-place changes while grad mode is on, as in PyTorch
  (update parameters under ``tg.no_grad()``).
"""
from __future__ import annotations

import sys
import weakref
from typing import Any, Callable

import numpy as np

from . import checks, factories
from ._tensor import Tensor, _index
from .autograd import engine
from .autograd.grad_mode import no_grad
from .function import note_in_place_change
from .hints import legacy_size_note
from .ops.set_item import SetItem, names_a_position_twice

LEAF_MESSAGE = (
    "{name} on a leaf tensor that requires grad cannot be recorded: a leaf's gradient is "
    "taken with respect to its value, which this would replace. Update parameters inside "
    "`with tg.no_grad():` (e.g. w -= lr * w.grad), or write x = x {op} ... for a new tensor")


def change(t: Tensor, name: str, op: Callable[..., Tensor], *args: Any) -> Tensor:
    """Make ``t`` hold ``op(t, *args)``, recorded as PyTorch's in-place op ``name``."""
    recording = engine._mode.enabled and (
        t._requires_grad or any(isinstance(a, Tensor) and a._requires_grad for a in args))
    if not recording:
        with no_grad():
            new = op(t, *args)
        _store(t, name, _same_shape_and_dtype(t, name, new).data)
        return t
    if t._requires_grad and t.creator is None:
        raise RuntimeError(LEAF_MESSAGE.format(name=name, op=_SYMBOLS.get(name, "...")))
    if _is_view_of_a_live_tensor(t):
        raise RuntimeError(
            f"{name} on a view of another tensor (made by slicing, .T, reshape, view...) "
            "while recording the graph: in PyTorch it would change both tensors and both "
            "histories; tinygrad_edu refuses rather than change only one. Write it out of "
            "place (y = y + 1), or change a copy: y = y.clone(), then y.add_(...)")
    previous = Tensor._wrap(t.data, t._requires_grad, t.creator, t.output_index)
    new = _same_shape_and_dtype(t, name, op(previous, *args))
    _remember(t, previous)
    t.data, t.creator, t.output_index = new.data, new.creator, new.output_index
    t._requires_grad = new._requires_grad
    return t


def set_item(t: Tensor, index: Any, value: Any) -> None:
    """``t[index] = value``: the values at ``index`` replaced, as PyTorch's index_put_."""
    index = _index(index)
    if not isinstance(value, Tensor):
        value = np.asarray(value)
        if value.dtype.kind == "f" and t.data.dtype.kind == "f":
            value = value.astype(t.data.dtype)  # a Python float takes the tensor's dtype
    if (isinstance(value, Tensor) and value._requires_grad and engine._mode.enabled
            and names_a_position_twice(t.shape, index)):
        raise IndexError(
            f"t[{index!r:.60}] = value names a position twice: which write wins would decide "
            "the gradient. Use distinct indices, or build the result with tg.where / stack")
    change(t, "setitem", _set_item, value, index)


def _set_item(x: Tensor, value: Any, index: Any) -> Tensor:
    if isinstance(value, Tensor) and value.data.dtype != x.data.dtype:
        _check_cast(value.data.dtype, x.data.dtype, "setitem")
        value = value.astype(x.data.dtype)
    elif isinstance(value, np.ndarray) and value.dtype != x.data.dtype:
        _check_cast(value.dtype, x.data.dtype, "setitem")
    return SetItem.apply(x, value, index)


def version_used_by(x: Tensor, recorded_at: int) -> Tensor:
    """The version of ``x`` an op recorded after ``recorded_at`` in-place changes saw: the
    newest one made by then. Called by the engine for ops recorded before a change."""
    seen = x
    link = getattr(x, "_previous", None)
    while link is not None:
        previous, changed_at = link[0](), link[1]
        if previous is None or changed_at <= recorded_at:
            break  # the op came after this change (or the older versions' graph is gone)
        seen, link = previous, getattr(previous, "_previous", None)
    return seen


def _store(t: Tensor, name: str, result: np.ndarray) -> None:
    """Give ``t`` its new value outside the graph: views write through, others get it as a
    new array (arrays saved for a backward are never changed under it)."""
    if t.creator is not None or getattr(t, "_previous", None) is not None:
        t.data = result  # in a graph: same node, new value (ops that used it keep theirs)
    elif t.data.base is not None:
        if not t.data.flags.writeable:
            raise ValueError(
                f"{name}: this tensor is a read-only view (made by expand / broadcast_to, "
                "or given to NumPy); change a copy: t = t.clone()")
        t.data[...] = result
    else:
        t.data = result


def _remember(t: Tensor, previous: Tensor) -> None:
    """Chain ``previous`` (t's value and node before a change) for the ops that used it.

    The link is weak: the in-place op's node holds ``previous`` as its input, so it lives
    exactly as long as a graph that can need it.
    """
    previous._previous = getattr(t, "_previous", None)
    t._previous = (weakref.ref(previous), note_in_place_change())


def _same_shape_and_dtype(t: Tensor, name: str, new: Tensor) -> Tensor:
    if new.shape != t.shape:
        raise ValueError(f"{name} would change the shape {t.shape} to {new.shape}: the other "
                         f"operand must broadcast to {t.shape}")
    if new.data.dtype != t.data.dtype:
        _check_cast(new.data.dtype, t.data.dtype, name)
        new = new.astype(t.data.dtype)  # float64 into float32 stays float32, as PyTorch
    return new


def _check_cast(source: np.dtype, target: np.dtype, name: str) -> None:
    if not np.can_cast(source, target, casting="same_kind"):
        raise TypeError(f"{name} would turn {target} into {source} (result type {source} "
                        f"can't be cast to {target}, as PyTorch says); make a new tensor "
                        "instead, e.g. x = x.astype(np.float32) + ...")


def _is_view_of_a_live_tensor(t: Tensor) -> bool:
    """Does ``t``'s array view memory that something else still holds (another tensor)?"""
    base = t.data.base
    # Referenced by t's array and by getrefcount's argument only: nobody else can see it.
    return base is not None and sys.getrefcount(base) > 2


_SYMBOLS = {"add_": "+", "sub_": "-", "mul_": "*", "div_": "/", "pow_": "**", "+=": "+",
            "-=": "-", "*=": "*", "/=": "/", "**=": "**"}


# --- the in-place methods (PyTorch's names, trailing underscore), installed on Tensor ---

def add_(t: Tensor, other: Any, *, alpha: Any = 1) -> Tensor:
    """t <- t + alpha * other."""
    return change(t, "add_", lambda x: x + (other if alpha == 1 else other * alpha))


def sub_(t: Tensor, other: Any, *, alpha: Any = 1) -> Tensor:
    """t <- t - alpha * other."""
    return change(t, "sub_", lambda x: x - (other if alpha == 1 else other * alpha))


def mul_(t: Tensor, other: Any) -> Tensor:
    """t <- t * other."""
    return change(t, "mul_", lambda x: x * other)


def div_(t: Tensor, other: Any) -> Tensor:
    """t <- t / other."""
    return change(t, "div_", lambda x: x / other)


def pow_(t: Tensor, exponent: Any) -> Tensor:
    """t <- t ** exponent."""
    return change(t, "pow_", lambda x: x ** exponent)


def clamp_(t: Tensor, min: Any = None, max: Any = None) -> Tensor:
    """t <- t clipped to [min, max]."""
    return change(t, "clamp_", lambda x: x.clip(min, max))


def masked_fill_(t: Tensor, mask: Any, value: Any) -> Tensor:
    """t[mask] <- value (mask: a bool tensor that broadcasts to t)."""
    mask = np.broadcast_to(mask.data if isinstance(mask, Tensor) else np.asarray(mask), t.shape)
    if mask.dtype != np.bool_:
        raise TypeError(f"masked_fill_ needs a bool mask, got dtype {mask.dtype}")
    set_item(t, mask, value)
    return t


def zero_(t: Tensor) -> Tensor:
    """t <- 0 (in the graph: no gradient flows to the old value)."""
    return fill_(t, 0)


def fill_(t: Tensor, value: Any) -> Tensor:
    """t <- value everywhere (a number, or a one-element tensor that gets the gradient)."""
    set_item(t, Ellipsis, value)
    return t


def copy_(t: Tensor, src: Any) -> Tensor:
    """t <- src (broadcast to t's shape, cast to t's dtype); the gradient flows to src."""
    set_item(t, Ellipsis, src)
    return t


def normal_(t: Tensor, mean: float = 0.0, std: float = 1.0) -> Tensor:
    """t <- samples of N(mean, std**2) from the seeded generator (``tg.manual_seed``)."""
    std = checks.real(std, "normal_: std", low=0)
    sample = factories.generator().normal(checks.real(mean, "normal_: mean"), std, t.shape)
    set_item(t, Ellipsis, sample.astype(_float_dtype(t, "normal_")))
    return t


def uniform_(t: Tensor, a: float = 0.0, b: float = 1.0) -> Tensor:
    """t <- samples of U(a, b) from the seeded generator (``tg.manual_seed``)."""
    a, b = checks.real(a, "uniform_: a"), checks.real(b, "uniform_: b")
    if a > b:
        raise ValueError(f"uniform_ needs a <= b, got a={a}, b={b}")
    sample = factories.generator().uniform(a, b, t.shape)
    set_item(t, Ellipsis, sample.astype(_float_dtype(t, "uniform_")))
    return t


def _float_dtype(t: Tensor, name: str) -> np.dtype:
    if t.data.dtype.kind != "f":
        raise TypeError(f"{name} fills a floating point tensor, got dtype {t.data.dtype}"
                        f"{legacy_size_note(t.data)}")
    return t.data.dtype


def _unary(name: str, method: str) -> Callable[[Tensor], Tensor]:
    def in_place(t: Tensor) -> Tensor:
        return change(t, name, lambda x: getattr(x, method)())

    in_place.__name__ = name
    in_place.__doc__ = f"t <- t.{method}()."
    return in_place


METHODS: dict[str, Callable] = {
    "add_": add_, "sub_": sub_, "mul_": mul_, "div_": div_, "pow_": pow_,
    "clamp_": clamp_, "clip_": clamp_, "masked_fill_": masked_fill_,
    "zero_": zero_, "fill_": fill_, "copy_": copy_, "normal_": normal_, "uniform_": uniform_,
    "neg_": lambda t: change(t, "neg_", lambda x: -x),
    **{name + "_": _unary(name + "_", name) for name in (
        "abs", "exp", "log", "sqrt", "sin", "cos", "tanh", "sigmoid", "relu",
        "square", "reciprocal", "floor", "ceil", "round", "trunc")},
    "__iadd__": lambda t, other: change(t, "+=", lambda x: x + other),
    "__isub__": lambda t, other: change(t, "-=", lambda x: x - other),
    "__imul__": lambda t, other: change(t, "*=", lambda x: x * other),
    "__itruediv__": lambda t, other: change(t, "/=", lambda x: x / other),
    "__ipow__": lambda t, other: change(t, "**=", lambda x: x ** other),
    "__setitem__": set_item,
}

for _name, _method in METHODS.items():
    setattr(Tensor, _name, _method)
