"""Module hooks, PyTorch's: see a layer's inputs, outputs and gradients without changing
its code (``Module.register_forward_pre_hook``, ``register_forward_hook``,
``register_full_backward_hook``).

    acts = {}
    handle = model[0].register_forward_hook(lambda m, args, out: acts.update(h=out))
    ...
    handle.remove()

As in PyTorch: hooks run in the order they were registered (``prepend=True`` puts one
first); a forward pre-hook ``hook(module, args)`` may return new args (a tuple, or one value
for a single argument); a forward hook ``hook(module, args, output)`` may return a new
output; a full backward hook ``hook(module, grad_input, grad_output)`` sees the gradients
with respect to the module's positional Tensor inputs and its outputs once both are
computed, and may return new ``grad_input`` (one entry per input). When no input needs a
gradient, it fires with ``grad_input`` all None as soon as ``grad_output`` is known.
"""
from __future__ import annotations

import itertools
from typing import Any, Callable

from .._tensor import Tensor
from ..autograd import hooks as tensor_hooks
from ..autograd.grad_mode import is_grad_enabled
from ..function import Function

_ids = itertools.count()
KINDS = ("_forward_pre_hooks", "_forward_hooks", "_backward_hooks")


def register(module: Any, kind: str, hook: Callable, prepend: bool = False) -> Any:
    """Add ``hook`` to the module's hooks of ``kind`` (one of ``KINDS``); a handle back."""
    if not callable(hook):
        raise TypeError(f"a module hook must be a function, got {type(hook).__name__}")
    table = module.__dict__.setdefault(kind, {})
    hook_id = next(_ids)
    if prepend:
        items = list(table.items())
        table.clear()
        table[hook_id] = hook
        table.update(items)
    else:
        table[hook_id] = hook
    return tensor_hooks.RemovableHandle(table, hook_id)


def call(module: Any, args: tuple, kwargs: dict) -> Any:
    """``module(*args, **kwargs)`` with its hooks around ``forward`` (Module.__call__ comes
    here only when the module has hooks)."""
    d = module.__dict__
    for hook in list(d.get("_forward_pre_hooks", {}).values()):
        new = hook(module, args)
        if new is not None:
            args = new if isinstance(new, tuple) else (new,)
    backward_hooks = d.get("_backward_hooks")
    state = None
    if backward_hooks and is_grad_enabled():
        state = _BackwardState(module, backward_hooks, args)
        args = state.wrap_inputs(args)
    output = module.forward(*args, **kwargs)
    for hook in list(d.get("_forward_hooks", {}).values()):
        new = hook(module, args, output)
        if new is not None:
            output = new
    if state is not None:
        output = state.wrap_outputs(output)
    return output


class _BackwardState:
    """One call's gradients for a full backward hook: grad_output is caught where the
    outputs leave the module, grad_input where the inputs enter it."""

    def __init__(self, module: Any, hooks: dict, args: tuple) -> None:
        self.module, self.hooks = module, hooks
        self.grad_output: Any = None
        self.positions = [i for i, a in enumerate(args)
                          if isinstance(a, Tensor) and a.requires_grad]
        self.n_args = len(args)

    def wrap_inputs(self, args: tuple) -> tuple:
        if not self.positions:
            return args
        wrapped = _InputsSeen.apply(self, *(args[i] for i in self.positions))
        wrapped = wrapped if isinstance(wrapped, tuple) else (wrapped,)
        args = list(args)
        for i, t in zip(self.positions, wrapped):
            args[i] = t
        return tuple(args)

    def wrap_outputs(self, output: Any) -> Any:
        single = isinstance(output, Tensor)
        outs = (output,) if single else output
        if not isinstance(outs, tuple) or not any(
                isinstance(o, Tensor) and o.requires_grad for o in outs):
            return output
        self.out_positions = [i for i, o in enumerate(outs)
                              if isinstance(o, Tensor) and o.requires_grad]
        self.n_outputs = len(outs)
        wrapped = _OutputsSeen.apply(self, *(outs[i] for i in self.out_positions))
        wrapped = wrapped if isinstance(wrapped, tuple) else (wrapped,)
        outs = list(outs)
        for i, t in zip(self.out_positions, wrapped):
            outs[i] = t
        return outs[0] if single else tuple(outs)

    def fire(self, grad_input: tuple) -> tuple:
        """Run the hooks on (grad_input, grad_output); the grad_input to go on with."""
        for hook in list(self.hooks.values()):
            new = hook(self.module, grad_input, self.grad_output)
            if new is not None:
                new = tuple(new) if isinstance(new, (tuple, list)) else (new,)
                if len(new) != len(grad_input):
                    raise RuntimeError(
                        f"backward hook {getattr(hook, '__name__', hook)!r} returned "
                        f"{len(new)} gradients for {len(grad_input)} inputs")
                grad_input = new
        return grad_input


def _views(xs: tuple) -> Any:
    """The arrays themselves, as new views (each output its own ndarray object)."""
    return tuple(x.view() for x in xs) if len(xs) > 1 else xs[0].view()


def _as_tensors(grads: tuple) -> tuple:
    return tuple(g if g is None or isinstance(g, Tensor) else Tensor._wrap(g) for g in grads)


class _OutputsSeen(Function):
    """y_i = x_i (the module's outputs); backward: notes dL/dy as grad_output, passes it
    on (and fires the hooks now if no input needs a gradient)."""

    def forward(self, state, *xs):
        self.state = state
        return _views(xs)

    def backward(self, *gys):
        state = self.state
        full = [None] * state.n_outputs
        for i, g in zip(state.out_positions, _as_tensors(gys)):
            full[i] = g
        state.grad_output = tuple(full)
        if not state.positions:
            state.fire((None,) * state.n_args)
        return (None,) + gys


class _InputsSeen(Function):
    """y_i = x_i (the module's inputs that need a gradient); backward: dL/dx is the module's
    grad_input: the hooks see it with grad_output, and may replace it."""

    def forward(self, state, *xs):
        self.state = state
        return _views(xs)

    def backward(self, *gys):
        state = self.state
        full = [None] * state.n_args
        for i, g in zip(state.positions, _as_tensors(gys)):
            full[i] = g
        new = state.fire(tuple(full))
        out = tuple(new[i] for i in state.positions)
        if not isinstance(gys[0], Tensor):  # the first-order pass works on arrays
            out = tuple(g.data if isinstance(g, Tensor) else g for g in out)
        return (None,) + out
