"""The backward engine behind ``backward()`` and ``grad()``.

The engine walks the graph without recursion: one pass counts, for every Function, how
many Functions in the graph consume its outputs; a second pass runs a Function's backward
once all of its consumers have run (Kahn's topological order), so each output gradient is
complete before it is used.
"""
from __future__ import annotations

import weakref
from typing import Any, Sequence

import numpy as np

from .grad_mode import _mode

FREED_GRAPH_MESSAGE = (
    "Trying to backward through the graph a second time, but the values it saved for "
    "backward were freed after the first backward. Pass retain_graph=True to the first "
    "backward() (or grad()) if you need to backward through the same graph again."
)


# Non-leaf tensors that asked to keep their gradient (``Tensor.retain_grad``), by creator.
# Weak on both sides: asking for a gradient must not keep a graph or a tensor alive.
_retained: "weakref.WeakKeyDictionary[Any, list]" = weakref.WeakKeyDictionary()


def retain_grad(t: Any) -> None:
    """Make backward() and grad() fill ``t.grad`` although ``t`` is not a leaf."""
    if not t.requires_grad:
        raise RuntimeError("retain_grad() needs a tensor that requires grad; this one does "
                           "not (made under no_grad, or from tensors that do not require grad)")
    if t.creator is not None and not retains_grad(t):
        _retained.setdefault(t.creator, []).append(weakref.ref(t))


def retains_grad(t: Any) -> bool:
    """Did ``retain_grad()`` ask for this non-leaf tensor's gradient?"""
    refs = _retained.get(t.creator, ()) if t.creator is not None else ()
    return any(ref() is t for ref in refs)


def backward(
    tensors: Sequence[Any],
    grad_tensors: Sequence[Any] | None = None,
    retain_graph: bool = False,
    create_graph: bool = False,
) -> None:
    """Accumulate d(tensors)/d(leaf) into the ``.grad`` of every leaf that requires grad."""
    seeds = _seeds(tensors, grad_tensors, create_graph)
    _run(tensors, seeds, retain_graph or create_graph, create_graph, capture=None)


def grad(
    outputs: Any,
    inputs: Any,
    grad_outputs: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    allow_unused: bool = False,
) -> tuple[Any, ...]:
    """Gradients of ``outputs`` with respect to ``inputs``, like ``torch.autograd.grad``.

    Leaves' ``.grad`` are left untouched.

    Args:
        outputs: a Tensor or a sequence of Tensors to differentiate.
        inputs: a Tensor or a sequence of Tensors (leaves or intermediates) that require grad.
        grad_outputs: the vector in the vector-Jacobian product, one per output; ``None``
            means ones, allowed for outputs with a single element.
        retain_graph: keep the graph for another backward; defaults to ``create_graph``.
        create_graph: record the backward pass so the result can be differentiated again
            (grad of grad, Hessian-vector products).
        allow_unused: return ``None`` for an input the outputs do not depend on, instead
            of raising.

    Returns:
        A tuple with one gradient Tensor per input.

    Raises:
        RuntimeError: an input does not require grad, or is unused and not ``allow_unused``.
    """
    outputs = [outputs] if isinstance(outputs, Tensor) else list(outputs)
    inputs = [inputs] if isinstance(inputs, Tensor) else list(inputs)
    if grad_outputs is not None and not isinstance(grad_outputs, (list, tuple)):
        grad_outputs = [grad_outputs]
    for i, x in enumerate(inputs):
        if not isinstance(x, Tensor):
            raise TypeError(f"inputs[{i}] must be a Tensor, got {type(x).__name__}")
        if not x.requires_grad:
            raise RuntimeError(f"inputs[{i}] does not require grad: nothing to differentiate against")
    if retain_graph is None:
        retain_graph = create_graph
    seeds = _seeds(outputs, grad_outputs, create_graph)
    capture = {id(x): None for x in inputs}
    _run(outputs, seeds, retain_graph, create_graph, capture=(inputs, capture))
    result = []
    for i, x in enumerate(inputs):
        g = capture[id(x)]
        if g is None and not allow_unused:
            raise RuntimeError(
                f"inputs[{i}] was not used to compute the outputs; pass allow_unused=True "
                "to get None for it"
            )
        if g is not None and g.dtype != x.data.dtype:
            # The input's dtype, as backward() gives .grad (float64 constants in a float32
            # model must not make a float64 gradient); Tensor.astype stays in the graph.
            g = g.astype(x.data.dtype)
        result.append(None if g is None else _as_tensor(g))
    return tuple(result)


def _seeds(tensors: Sequence[Any], grads: Sequence[Any] | None, create_graph: bool) -> list:
    """The gradient each output starts backward with: ``grads``, or ones for a scalar."""
    if grads is None:
        grads = [None] * len(tensors)
    if len(grads) != len(tensors):
        raise ValueError(f"got {len(grads)} gradients for {len(tensors)} outputs")
    seeds = []
    for i, (t, g) in enumerate(zip(tensors, grads)):
        if not isinstance(t, Tensor):
            raise TypeError(f"outputs[{i}] must be a Tensor, got {type(t).__name__}")
        if not t.requires_grad:
            raise RuntimeError(
                f"outputs[{i}] does not require grad and has no creator: nothing it depends "
                "on requires grad (or it was computed under no_grad)"
            )
        if g is None:
            if t.data.size != 1:
                raise RuntimeError(
                    f"backward() without a gradient needs a scalar output, but the output has "
                    f"shape {t.shape}; pass grad= (a tensor of that shape), or reduce it first, "
                    "e.g. loss.sum() or loss.mean()"
                )
            g = np.ones_like(t.data)
        if isinstance(g, Tensor):
            g = g if create_graph else g.data
        else:
            g = np.asarray(g, dtype=t.data.dtype)
            if create_graph:
                g = Tensor._wrap(g)
        if tuple(g.shape) != t.shape:
            raise RuntimeError(
                f"gradient for outputs[{i}] has shape {tuple(g.shape)} but the output has "
                f"shape {t.shape}"
            )
        seeds.append(g)
    return seeds


def _as_tensor(g: Any) -> Any:
    return g if isinstance(g, Tensor) else Tensor._wrap(g)


def _run(roots, seeds, retain_graph: bool, create_graph: bool, capture) -> None:
    """The engine: propagate ``seeds`` from ``roots`` to the leaves (or the captured inputs).

    Named steps around one loop: the roots' gradients, the consumer counts (pass 1), the
    non-leaf tensors to stop at (grad()'s inputs, retained gradients, hooks), then Kahn's
    order (pass 2), and last the leaves whose hooks wait for their whole gradient.
    """
    grad_type = Tensor if create_graph else np.ndarray
    # Arrays a leaf's .grad may not simply take over: the caller's seeds, and those
    # already handed to another leaf (Add gives one array to both of its inputs).
    delivered = {id(seed) for seed in seeds}
    # Leaves with hooks get their gradient summed here first (the hooks see the total).
    pending = {} if hooks.any_registered() else None
    grads = _root_gradients(roots, seeds, capture, create_graph, delivered, pending)
    consumers = count_consumers(roots)
    stops = _non_leaf_stops(capture, consumers)
    anomaly = anomaly_mode.enabled

    ready = [fn for fn, n in consumers.items() if n == 0]
    pop_ready, push_ready = ready.pop, ready.append  # bound once: this loop is the hot path
    pop_grad, get_grad = grads.pop, grads.get
    previous_mode = _mode.enabled
    _mode.enabled = create_graph  # in this thread only
    fn = None
    try:
        while ready:
            fn = pop_ready()
            inputs = fn.inputs
            if fn.n_outputs == 1:  # the common case, kept lean
                gy = pop_grad(fn, None)
                if stops and fn in stops:
                    (gy,) = _at_non_leaf(fn, (gy,), stops, capture, create_graph, delivered)
                if gy is None:
                    gxs = None
                else:
                    gxs = _backward_recorded(fn, gy) if create_graph else type(fn).backward(fn, gy)
            else:
                gxs = _multi_output_backward(fn, grads, stops, capture, create_graph, delivered)
            if type(gxs) is not tuple:  # one gradient, None or a list
                gxs = _as_gradient_tuple(fn, gxs) if gxs is None or type(gxs) is list else (gxs,)
            if len(gxs) != len(inputs):
                raise _gradient_count_error(fn, len(gxs))
            if anomaly:
                anomaly_mode.check_backward(fn, gxs)
            for x, gx in zip(inputs, gxs):  # send each input its gradient
                if not isinstance(x, Tensor):
                    continue
                c = x.creator
                if gx is not None and x._requires_grad:
                    if type(gx) is not grad_type:
                        gx = _normalize_grad(gx, create_graph)
                    if gx.shape != x.data.shape:
                        gx = _summed_to_input(fn, gx, x.data.shape)
                    if c is None:
                        _deliver(x, gx, capture, create_graph, delivered, pending)
                    else:
                        key = c if x.output_index == 0 else (c, x.output_index)
                        g = get_grad(key)
                        grads[key] = gx if g is None else g + gx
                if c is not None:
                    n = consumers[c]
                    if n == 1:  # its last consumer is done: its gradient is complete
                        push_ready(c)
                    else:
                        consumers[c] = n - 1
            if not retain_graph:
                fn.inputs = None
                del fn.saved_tensors
        if pending:
            _deliver_hooked_leaves(pending, capture, create_graph, delivered)
    except Exception as error:
        if anomaly:
            anomaly_mode.explain(error, fn)
        raise
    finally:
        _mode.enabled = previous_mode


def _root_gradients(roots, seeds, capture, create_graph: bool, delivered: set,
                    pending: Any) -> dict:
    """The seeds, keyed as the engine keys non-leaf gradients: by creator (output 0) or
    (creator, index); a root that is a leaf gets its seed at once."""
    grads: dict[Any, Any] = {}
    for root, seed in zip(roots, seeds):
        fn = root.creator
        if fn is None:
            _deliver(root, seed, capture, create_graph, delivered, pending)
        else:
            key = fn if root.output_index == 0 else (fn, root.output_index)
            grads[key] = seed if key not in grads else grads[key] + seed
    return grads


def count_consumers(roots, freed_message: str = FREED_GRAPH_MESSAGE,
                    check_saved: bool = True) -> dict:
    """Pass 1, the one walk of a graph (backward's, and tg.viz's): for each Function that
    made ``roots``, how many Functions of the graph consume its outputs. Ops recorded
    before an in-place change are pointed at the versions they saw (and, with
    ``check_saved``, refused if a value they saved was changed since)."""
    latest_change = function.in_place_changes
    consumers: dict[Any, int] = {}
    stack = []
    for root in roots:
        fn = root.creator
        if fn is not None and fn not in consumers:
            consumers[fn] = 0
            stack.append(fn)
    while stack:
        fn = stack.pop()
        if getattr(fn, "inputs", None) is None:
            raise RuntimeError(freed_message)
        if fn.recorded_at < latest_change:  # an input may have changed in place since
            _use_versions_seen(fn)
            if check_saved:
                check_saved_values(fn)
        for x in fn.inputs:
            if isinstance(x, Tensor) and x.creator is not None:
                c = x.creator
                if c in consumers:
                    consumers[c] += 1
                else:
                    consumers[c] = 1
                    stack.append(c)
    return consumers


def _non_leaf_stops(capture, consumers: dict) -> dict:
    """Creators whose outputs the loop stops at: non-leaf inputs of grad(), tensors that
    retain their grad, and tensors with hooks. creator -> the tensors asked for."""
    stops: dict[Any, list] = {}
    if capture is not None:
        for x in capture[0]:
            if x.creator is not None:
                stops.setdefault(x.creator, []).append(x)
    if _retained:
        for fn, refs in list(_retained.items()):
            if fn in consumers:
                listed = stops.setdefault(fn, [])
                for t in (ref() for ref in refs):  # once, though also an input of grad()
                    if t is not None and not any(t is u for u in listed):
                        listed.append(t)
    if hooks.any_registered():
        for fn in consumers:
            if hooks.of_creator(fn):
                stops.setdefault(fn, [])
    return stops


def _at_non_leaf(fn, gys: tuple, stops: dict, capture, create_graph: bool,
                 delivered: set) -> tuple:
    """At ``fn``'s complete output gradients: run their hooks (which may replace them),
    then hand grad() and retained tensors theirs. Returns the gradients to go on with."""
    by_index = hooks.of_creator(fn)
    if by_index:
        gys = tuple(hooks.run(by_index[i], g, create_graph)
                    if g is not None and by_index.get(i) else g for i, g in enumerate(gys))
    for x in stops[fn]:
        g = gys[x.output_index]
        if capture is not None and id(x) in capture[1]:
            capture[1][id(x)] = g
        if g is not None and retains_grad(x):
            _deliver(x, g, None, create_graph, delivered, None)
    return gys


def _deliver_hooked_leaves(pending: dict, capture, create_graph: bool, delivered: set) -> None:
    """Leaves with hooks, once their gradient of this backward is complete: the hooks see
    it (and may replace it) before it reaches ``.grad`` or grad()'s result."""
    for x, g in pending.values():
        hooked = hooks.of_leaf(x)
        if hooked:
            g = hooks.run(hooked, g, create_graph)
        _deliver(x, g, capture, create_graph, delivered, None)


def _summed_to_input(fn, gx: Any, shape: tuple) -> Any:
    """A gradient of a broadcast input, summed back to the input's shape."""
    if not _broadcasts_to(shape, tuple(gx.shape)):
        raise RuntimeError(f"{type(fn).__name__}.backward returned a gradient of shape "
                           f"{tuple(gx.shape)} for an input of shape {shape}")
    return sum_to(gx, shape)


def _use_versions_seen(fn) -> None:
    """Point ``fn`` at the versions of its inputs it used, where they changed in place
    after ``fn`` was recorded (the tensor now has another place in the graph)."""
    if any(isinstance(x, Tensor) and getattr(x, "_previous", None) for x in fn.inputs):
        fn.inputs = tuple(version_used_by(x, fn.recorded_at) if isinstance(x, Tensor) else x
                          for x in fn.inputs)


def _broadcasts_to(shape: tuple, target: tuple) -> bool:
    """Does ``shape`` broadcast to ``target``? Only then can a gradient be summed back."""
    lead = len(target) - len(shape)
    return lead >= 0 and all(n == 1 or n == target[lead + i] for i, n in enumerate(shape))


def _backward_recorded(fn, *gys: Any) -> Any:
    """Run ``fn.backward`` with its saved inputs/outputs as graph Tensors (create_graph)."""
    saved = fn.saved_tensors
    fn.saved_tensors = fn.graph_values(saved)
    try:
        return type(fn).backward(fn, *gys)
    finally:
        fn.saved_tensors = saved


def _multi_output_backward(fn, grads: dict, stops: dict, capture, create_graph: bool,
                           delivered: set) -> Any:
    """Run the backward of a Function with several outputs on their gradients."""
    gys = (grads.pop(fn, None),) + tuple(grads.pop((fn, i), None)
                                          for i in range(1, fn.n_outputs))
    if stops and fn in stops:
        gys = _at_non_leaf(fn, gys, stops, capture, create_graph, delivered)
    if all(g is None for g in gys):  # nothing flowed into this node
        return None
    # A missing output gradient is a zero one, as in PyTorch.
    gys = tuple(g if g is not None else _zeros_like_output(fn, i, create_graph)
                for i, g in enumerate(gys))
    if create_graph:
        return _backward_recorded(fn, *gys)
    return type(fn).backward(fn, *gys)


def _as_gradient_tuple(fn, gxs: Any) -> tuple:
    """A backward's None (no gradient for any input) or list, as a tuple."""
    return (None,) * len(fn.inputs) if gxs is None else tuple(gxs)


def _gradient_count_error(fn, count: int) -> RuntimeError:
    return RuntimeError(
        f"{type(fn).__name__}.backward returned {count} gradients, expected "
        f"{len(fn.inputs)} (one per argument of apply(), None for non-tensors)")


def _zeros_like_output(fn, index: int, create_graph: bool):
    shape, dtype = fn.output_meta[index]
    g = np.zeros(shape, dtype)
    return _as_tensor(g) if create_graph else g


def _normalize_grad(gx: Any, create_graph: bool) -> Any:
    """Turn a gradient a backward returned as a scalar/array/Tensor into the mode's type."""
    if isinstance(gx, Tensor):
        return gx if create_graph else gx.data
    gx = np.asarray(gx)
    return Tensor._wrap(gx) if create_graph else gx


def _deliver(x, gx, capture, create_graph: bool, delivered: set, pending: Any) -> None:
    """Hand a leaf its gradient: accumulate into ``x.grad``, or record it for grad(); for
    a leaf with hooks, add it to ``pending`` first (its hooks run on the total)."""
    if capture is not None and id(x) not in capture[1]:
        return  # grad() did not ask for this leaf
    if pending is not None and hooks.of_leaf(x):
        if gx.dtype != x.data.dtype:
            gx = gx.astype(x.data.dtype)
        entry = pending.get(id(x))
        pending[id(x)] = (x, gx if entry is None else entry[1] + gx)
        return
    if capture is not None:
        old = capture[1][id(x)]
        capture[1][id(x)] = gx if old is None else old + gx
        return
    if create_graph:
        _accumulate_recorded(x, gx)
        return
    dtype = x.data.dtype
    if gx.dtype is not dtype and gx.dtype != dtype:  # e.g. float64 constants in a float32 model
        gx = gx.astype(dtype)
    grad = x._grad
    if grad is None:
        # .grad must own its array (users may scale it in place): copy a view (maybe
        # read-only, or of another gradient), an array some other leaf or the caller has,
        # or the leaf's own data (a custom backward may return a saved input).
        if gx.base is not None or id(gx) in delivered or gx is x.data:
            gx = gx.copy()
        delivered.add(id(gx))
        x._grad = Tensor._wrap(gx)
    elif grad.creator is None:
        # Accumulate into the same .grad Tensor, as PyTorch does, by rebinding its data
        # (never += into an array that may be shared).
        grad.data = grad.data + gx
    else:  # a .grad from create_graph=True is part of a graph: leave it as it is
        x._grad = Tensor._wrap(grad.data + gx)


def _accumulate_recorded(x, gx) -> None:
    """``x.grad += gx`` under create_graph: the sum stays in the graph."""
    if gx.dtype != x.data.dtype:
        gx = gx.astype(x.data.dtype)  # differentiable: Tensor.astype
    if x._grad is not None:
        x._grad = x._grad + gx
    elif gx.creator is None:
        # A constant gradient (a seed, or one Add hands to both inputs) may be shared
        # with another leaf or the caller: a later backward accumulates into .grad's
        # data, so .grad needs a Tensor (and array) of its own.
        x._grad = Tensor._wrap(gx.data.copy())
    else:
        x._grad = gx


# Tensor and sum_to are built on this module (Function reads the grad mode): import them
# once everything they need exists, not inside functions on the hot path.
from .._tensor import Tensor  # noqa: E402
from ..ops.shape import sum_to  # noqa: E402
from ..in_place import check_saved_values, version_used_by  # noqa: E402
from .. import function  # noqa: E402
from . import anomaly_mode, hooks  # noqa: E402
