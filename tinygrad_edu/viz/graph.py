"""Walking a tensor's graph without recursion: the Functions in the order backward visits them."""
from __future__ import annotations

from typing import Any

from .._tensor import Tensor
from ..autograd import engine

FREED_MESSAGE = (
    "the graph of this tensor was freed by backward(): draw or explain it before calling "
    "backward(), or call backward(retain_graph=True)")


def topological_order(tensor: Tensor) -> list:
    """The Functions that produced ``tensor``, each after every Function that consumes it.

    This is the order backward runs them in (Kahn's algorithm on the engine's consumer
    counts, ``engine.count_consumers``); reversed, it is an order in which the forward
    pass could have run.

    Args:
        tensor: a Tensor; a leaf (no creator) gives an empty list.

    Raises:
        RuntimeError: the graph was freed by an earlier backward.
    """
    if not isinstance(tensor, Tensor):
        raise TypeError(f"expected a Tensor, got {type(tensor).__name__}")
    root = tensor.creator
    if root is None:
        return []
    consumers = engine.count_consumers([tensor], FREED_MESSAGE, check_saved=False)
    order = []
    ready = [root]
    while ready:
        fn = ready.pop()
        order.append(fn)
        for x in fn.inputs:
            if isinstance(x, Tensor) and x.creator is not None:
                consumers[x.creator] -= 1
                if consumers[x.creator] == 0:
                    ready.append(x.creator)
    return order


def tensor_inputs(fn: Any) -> list[tuple[int, Tensor]]:
    """``(position, tensor)`` for each Tensor among the arguments of ``fn.apply``."""
    return [(i, x) for i, x in enumerate(fn.inputs) if isinstance(x, Tensor)]


def checked_names(names: Any, who: str) -> dict[str, Tensor]:
    """``names`` ({label: tensor}) after checking it, so that no label is silently lost."""
    if names is None:
        return {}
    if not hasattr(names, "items"):
        raise TypeError(f"{who}: names must be a dict {{label: tensor}}, e.g. "
                        f"{{'x': x, 'w': w}}, got {type(names).__name__}")
    for label, t in names.items():
        if isinstance(label, Tensor) and isinstance(t, str):
            raise TypeError(f"{who}: names maps each label to its tensor, {{{t!r}: tensor}}; "
                            f"this one is the other way round, {{tensor: {t!r}}}")
        if not isinstance(t, Tensor):
            raise TypeError(f"{who}: names[{label!r}] must be a Tensor (the tensor to label "
                            f"{label!r}), got {type(t).__name__}")
    return dict(names)


def call_text(fn: Any, name_of: Any) -> str:
    """``Name(arg, ...)`` for a Function call: Tensors by ``name_of(tensor)``, constants
    (numbers, shapes, small arrays) as values; ``None`` and flags are left out."""
    args = []
    for x in fn.inputs:
        if isinstance(x, Tensor):
            args.append(name_of(x))
        elif isinstance(x, (int, float)) and not isinstance(x, bool):
            args.append(f"{x:g}")
        elif isinstance(x, tuple):
            args.append(str(x) if all(isinstance(i, int) for i in x) else "index")
        elif isinstance(x, slice):
            args.append("index")
        elif hasattr(x, "shape") and hasattr(x, "dtype"):
            args.append(f"{x.item():g}" if x.size == 1 else f"array{tuple(x.shape)}")
    return f"{type(fn).__name__}({', '.join(args)})"


def produced_tensors(tensor: Tensor, order: list) -> dict[tuple, Tensor]:
    """``(op, output index) -> Tensor`` for every op result still reachable from ``tensor``.

    A Function does not keep its outputs, but every result that was used again is an
    input of its consumer, and the last one is ``tensor`` itself.
    """
    outputs: dict[tuple, Tensor] = {}
    if tensor.creator is not None:
        outputs[(tensor.creator, tensor.output_index)] = tensor
    for fn in order:
        for _, x in tensor_inputs(fn):
            if x.creator is not None:
                outputs.setdefault((x.creator, x.output_index), x)
    return outputs
