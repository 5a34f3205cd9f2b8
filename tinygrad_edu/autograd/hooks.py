"""Tensor hooks, PyTorch's ``register_hook``: functions that see a tensor's gradient, and may
replace it, when backward computes it.

    h = x @ w
    handle = h.register_hook(lambda g: g.clamp(-1, 1))   # clip the gradient flowing through h
    loss.backward()
    handle.remove()

As in PyTorch: the hooks of a tensor run in the order they were registered, each given
the previous one's result (``None`` keeps the gradient); a non-leaf's hooks run once its
gradient is complete, before it flows on, so what a hook returns is what the ops before
it receive (and what ``retain_grad()`` keeps); a leaf's hooks run once per backward, on
the sum of its gradients, before it is added to ``.grad`` (or returned by ``grad()``).
Under ``create_graph=True`` the gradient is a graph Tensor and may be differentiated.
"""
from __future__ import annotations

import itertools
import weakref
from typing import Any, Callable

import numpy as np

# Hooks by the tensor's place in the graph: a non-leaf by its creator (the engine keys
# gradients so) and output index, a leaf by id (a Tensor's == is element-wise, so it cannot
# be a dict key). Then by handle id. Weak: a hook must not keep a graph or a tensor alive.
_by_creator: "weakref.WeakKeyDictionary[Any, dict[int, dict[int, Callable]]]" = \
    weakref.WeakKeyDictionary()
_by_leaf: dict[int, tuple[weakref.ref, dict[int, Callable]]] = {}
_ids = itertools.count()


class RemovableHandle:
    """What ``register_hook`` returns: ``handle.remove()`` unregisters the hook (also as a
    context manager: the hook is removed on leaving the block)."""

    def __init__(self, hooks: dict, hook_id: int) -> None:
        self._hooks, self.id = hooks, hook_id

    def remove(self) -> None:
        self._hooks.pop(self.id, None)

    def __enter__(self) -> "RemovableHandle":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.remove()


def register_hook(t: Any, hook: Callable) -> RemovableHandle:
    """Register ``hook(grad) -> Tensor or None`` on tensor ``t`` (see the module docstring)."""
    if not t.requires_grad:
        raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient "
                           "(create it with requires_grad=True, or register it on a tensor "
                           "computed from one)")
    if not callable(hook):
        raise TypeError(f"register_hook takes a function grad -> new grad or None, got "
                        f"{type(hook).__name__}")
    if t.creator is None:
        key = id(t)
        if key not in _by_leaf:
            _by_leaf[key] = (weakref.ref(t, lambda _, key=key: _by_leaf.pop(key, None)), {})
        hooks = _by_leaf[key][1]
    else:
        hooks = _by_creator.setdefault(t.creator, {}).setdefault(t.output_index, {})
    hook_id = next(_ids)
    hooks[hook_id] = hook
    return RemovableHandle(hooks, hook_id)


def any_registered() -> bool:
    """Has any hook ever been registered on a tensor still alive? (The engine's fast path.)"""
    return bool(_by_creator) or bool(_by_leaf)


def of_leaf(t: Any) -> Any:
    """The hooks of leaf ``t`` (a dict, maybe empty) or None."""
    entry = _by_leaf.get(id(t))
    return entry[1] if entry is not None and entry[0]() is t else None


def of_creator(fn: Any) -> Any:
    """The hooks of the outputs of ``fn``, by output index, or None."""
    return _by_creator.get(fn)


def run(hooks: dict, g: Any, create_graph: bool) -> Any:
    """``g`` passed through ``hooks`` in order; each sees a Tensor (an array is wrapped in
    the first-order pass and unwrapped after)."""
    from .._tensor import Tensor
    value = g if create_graph else Tensor._wrap(g)
    for hook in list(hooks.values()):
        new = hook(value)
        if new is None:
            continue
        if not isinstance(new, Tensor):
            if create_graph or not isinstance(new, np.ndarray):
                raise TypeError(f"hook {_name(hook)} returned {type(new).__name__}; return a "
                                "Tensor (the new gradient) or None")
            new = Tensor._wrap(new)
        if new.shape != value.shape:
            raise RuntimeError(f"hook {_name(hook)} has changed the size of the gradient from "
                               f"{value.shape} to {new.shape}")
        if new.dtype != value.dtype:
            raise RuntimeError(f"hook {_name(hook)} has changed the type of the gradient from "
                               f"{value.dtype} to {new.dtype}")
        value = new
    return value if create_graph else value.data


def _name(hook: Callable) -> str:
    return repr(getattr(hook, "__name__", type(hook).__name__))
