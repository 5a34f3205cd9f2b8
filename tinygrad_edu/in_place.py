"""In-place ops as PyTorch's: ``c += c + 1``, ``x.add_(y)``, ``x[idx] = v``, ``w.grad.zero_()``.

How a change is made, and why gradients stay right:

- The new value is computed by the ordinary op (``c + other``) from the tensor's current value.
- Recorded in the graph (grad mode, and a gradient flows through the tensor or the other
  operand): the tensor takes the result's array and the result's place in the graph; its
  previous version (value and node) is the input of that new node, and ``t._previous``
  links to it. The old array is never written into, so every value saved for backward is
  the one the forward pass used. (Where PyTorch's version counter raises "modified by an
  inplace operation", the gradient here is the one PyTorch gives for the same code with a
  ``.clone()`` before the change.) Ops that used the tensor before the change still hold
  it; each op notes how many changes had been made when it was recorded, so the engine
  gives it the version it saw (``version_used_by`` below).
- Views would not see that new version: changing a tensor in the graph while a view of
  it is alive (``_viewed``, set by the view ops, ``detach`` and ``numpy``), or changing a
  view of a live tensor, is refused, with the out-of-place fix.
- Outside the graph the value is written into the tensor's memory, as PyTorch writes into
  its storage: views, ``detach()`` and ``numpy()`` see it. If an op may have saved that
  memory for its backward, the change is noted, and backward through an op that saved it
  raises (``check_saved_values``), as PyTorch's version counter does.
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
    if getattr(t, "_viewed", False) and _is_shared(t):
        raise RuntimeError(
            f"{name} on a tensor that has views (made by slicing, .T, reshape, view, "
            "detach(), numpy()...) while recording the graph: PyTorch would change the "
            "views too; tinygrad_edu gives the tensor a new version in the graph, which the "
            "views would not see, so it refuses. Make the change before taking the views, "
            "or write it out of place (y = y * 3)")
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
    """Write ``t``'s new value into its array outside the graph, as PyTorch writes into a
    tensor's storage: views of it, ``t.detach()`` and ``t.numpy()`` see the change. If
    anything else holds the array (an op may have saved it for a backward), the change is
    noted, so that backward through such an op raises instead of using the new values."""
    if not t.data.flags.writeable:
        if t.data.base is not None:
            raise ValueError(
                f"{name}: this tensor is a read-only view (made by expand / broadcast_to, "
                "or given to NumPy); change a copy: t = t.clone()")
        t.data = result  # a read-only array of the user's: t takes a new one
        return
    if t.data.base is not None or _is_shared(t):
        _note_changed(t.data)
    t.data[...] = result


def _is_shared(t: Tensor) -> bool:
    """Does anything but ``t`` hold ``t.data`` (a view of it, an op that saved it, a
    variable)? Told by its reference count."""
    return sys.getrefcount(t.data) > _UNSHARED


_UNSHARED = (lambda t: sys.getrefcount(t.data))(Tensor._wrap(np.zeros(0)))
_CHANGED: dict[int, tuple[weakref.ref, int]] = {}  # id(base) -> (base, change number)


def _base(array: np.ndarray) -> np.ndarray:
    """The array that owns ``array``'s memory (itself if it is not a view)."""
    while isinstance(array.base, np.ndarray):
        array = array.base
    return array


def _note_changed(data: np.ndarray) -> None:
    base = _base(data)
    key = id(base)
    _CHANGED[key] = (weakref.ref(base, lambda _, key=key: _CHANGED.pop(key, None)),
                     note_in_place_change())


def check_saved_values(fn: Any) -> None:
    """Raise if an array ``fn`` saved for its backward was changed in place (outside the
    graph) after ``fn`` was recorded: as PyTorch's version counter, never a gradient
    computed from values the forward pass did not use. Called by the engine only for ops
    recorded before the latest in-place change."""
    if not _CHANGED:
        return
    saved = list(vars(fn).values())
    try:
        saved.append(fn.saved_tensors)  # a slot (what save_for_backward stored)
    except (AttributeError, RuntimeError):
        pass  # never set, or freed with the graph
    for value in _arrays_in(saved):
        entry = _CHANGED.get(id(_base(value)))
        if entry is not None and entry[0]() is _base(value) and entry[1] > fn.recorded_at:
            raise RuntimeError(
                f"one of the values needed to compute gradients was changed by an in-place "
                f"operation: an array of shape {value.shape} saved by "
                f"{type(fn).__name__} was written after {type(fn).__name__} used it (e.g. "
                "x.add_(1) or x[0] = 0 under no_grad, after x went into the graph). Change a "
                "copy instead (x = x.clone() before the change), or make the change before "
                "using x, or after backward")


def _arrays_in(values: Any) -> Any:
    for v in values:
        if isinstance(v, np.ndarray):
            yield v
        elif isinstance(v, Tensor):
            yield v.data
        elif isinstance(v, (tuple, list)):
            yield from _arrays_in(v)


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
