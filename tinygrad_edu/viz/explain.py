"""explain_backward: backpropagation told step by step, for a small expression.

For each op, from the output back to the inputs: the gradient arriving at its result,
the local derivative of the result with respect to each input, and their chain-rule
product, which is passed on; a tensor used twice adds up the gradients of both uses.
"""
from __future__ import annotations

from typing import Any, Mapping

import numpy as np

from ..autograd import no_grad
from ..ops.shape import sum_to
from .._tensor import Tensor
from .graph import call_text, checked_names, produced_tensors, tensor_inputs, topological_order


def explain_backward(tensor: Tensor, names: Mapping[str, Tensor] | None = None) -> str:
    """A printable, step-by-step account of what ``tensor.backward()`` computes.

    The account has three parts: the forward pass (each intermediate result as a
    named call, with its value); the backward pass, op by op in the order the engine
    runs them: dL/d(result), and for each input the local derivative ∂(result)/∂(input)
    and the chain-rule product dL/d(input) += dL/d(result) × ∂(result)/∂(input); finally
    the gradient of every leaf, summed over the paths from the output to it, which is
    what ``backward()`` stores in ``.grad``.

    Local derivatives are printed for ops on single numbers; for arrays the account
    shows the vector-Jacobian product the op's backward returns.

    Nothing is changed: ``.grad`` is not touched and the graph is not freed.

    Args:
        tensor: a one-element result (the "L" of dL/dx) that requires grad.
        names: labels for tensors, e.g. ``{"x": x, "y": y, "L": loss}``; unnamed leaves
            are called leaf1, leaf2, ..., intermediate results t1, t2, ...

    Returns:
        The account as text (print it).

    Raises:
        ValueError: ``tensor`` has more than one element, or was not computed from
            tensors that require grad.
        RuntimeError: the graph was freed by an earlier backward.

    Example:
        >>> x = tg.Tensor(3.0, requires_grad=True)
        >>> y = x * x + x
        >>> print(explain_backward(y, names={"x": x, "y": y}))
    """
    if not isinstance(tensor, Tensor):
        raise TypeError(f"expected a Tensor, got {type(tensor).__name__}")
    if tensor.size != 1:
        raise ValueError(f"explain_backward starts from a single number (a loss), got a "
                         f"tensor of shape {tensor.shape}; reduce it first, e.g. .sum()")
    if tensor.creator is None or not tensor.requires_grad:
        raise ValueError("this tensor was not computed by ops on tensors that require grad: "
                         "there is no graph to explain")
    order = topological_order(tensor)
    forward = order[::-1]
    results = produced_tensors(tensor, order)
    label = _Labels(checked_names(names, "explain_backward"), tensor, forward, results)

    lines = ["Forward pass (each op's result, in the order computed):"]
    for fn in forward:
        for i in range(fn.n_outputs):
            if (fn, i) in results:
                lines.append(f"  {label.result(fn, i)} = {call_text(fn, label.of)}"
                             f"{_index_text(fn, i)} = {_format(results[(fn, i)].data)}")

    out = label.of(tensor)
    lines += ["", f"Backward pass (chain rule, from {out} back to the leaves):",
              f"  dL/d{out} = 1   (" + ("the output itself" if out == "L" else
                                          f"{out} is the output L") + ": dL/dL = 1)"]
    root = (tensor.creator, tensor.output_index)
    incoming: dict[tuple, list] = {root: [np.ones_like(tensor.data)]}  # dL/dL = 1
    leaf_parts: dict[int, list] = {}
    leaves: dict[int, Tensor] = {}
    with no_grad():  # the backward calls see NumPy arrays, and record nothing
        for fn in order:
            gys = []
            for i in range(fn.n_outputs):
                parts = incoming.pop((fn, i), None)
                if parts is not None and len(parts) > 1 and (fn, i) in results:
                    name = label.result(fn, i)
                    lines.append(f"  dL/d{name} = {' + '.join(_format(p) for p in parts)} = "
                                 f"{_format(sum(parts))}   ({name} was used {len(parts)} times)")
                gys.append(None if parts is None else sum(parts))
            if all(g is None for g in gys):
                continue
            gys = [np.zeros(fn.output_meta[i][0], fn.output_meta[i][1]) if g is None else g
                   for i, g in enumerate(gys)]
            result = label.result(fn, 0) if fn.n_outputs == 1 else f"({label.of_outputs(fn)})"
            lines.append(f"  {type(fn).__name__}: {result} = {call_text(fn, label.of)}")
            gxs = _backward(fn, gys)
            scalar = fn.n_outputs == 1 and gys[0].size == 1
            locals_ = _backward(fn, [np.ones_like(g) for g in gys]) if scalar else None
            for i, x in tensor_inputs(fn):
                if gxs[i] is None or not x.requires_grad:
                    continue
                gx = _array(gxs[i], x)
                name = label.of(x)
                if scalar and x.size == 1:
                    local = _array(locals_[i], x)
                    lines.append(f"    local ∂{result}/∂{name} = {_format(local)}   →   "
                                 f"dL/d{name} += dL/d{result} × ∂{result}/∂{name} = "
                                 f"{_format(gys[0])} × {_format(local)} = {_format(gx)}")
                else:
                    lines.append(f"    dL/d{name} += {type(fn).__name__}.backward(dL/d{result}) "
                                 f"= {_format(gx)}")
                if x.creator is None:
                    leaves[id(x)] = x
                    leaf_parts.setdefault(id(x), []).append(gx)
                else:
                    incoming.setdefault((x.creator, x.output_index), []).append(gx)

    lines += ["", "Gradients of the leaves (summed over every path; what backward() stores "
              "in .grad):"]
    first_use = [id(x) for fn in forward for _, x in tensor_inputs(fn) if x.creator is None]
    for key in sorted(leaf_parts, key=first_use.index):
        parts = leaf_parts[key]
        total = _format(sum(parts))
        sum_text = " + ".join(_format(p) for p in parts) + " = " if len(parts) > 1 else ""
        lines.append(f"  dL/d{label.of(leaves[key])} = {sum_text}{total}")
    return "\n".join(lines) + "\n"


class _Labels:
    """Names for the tensors of the account: the user's, else leaf1.., t1.., L."""

    def __init__(self, names: Mapping[str, Tensor] | None, root: Tensor, forward: list,
                 results: dict) -> None:
        self.by_id = {id(t): n for n, t in (names or {}).items()}
        self.by_result: dict[tuple, str] = {}
        for t in (names or {}).values():
            if t.creator is not None:
                self.by_result[(t.creator, t.output_index)] = self.by_id[id(t)]
        self.root_key = (root.creator, root.output_index)
        self.by_result.setdefault(self.root_key, self.by_id.get(id(root), "L"))
        count = 0
        for fn in forward:
            for i in range(fn.n_outputs):
                if (fn, i) not in self.by_result:
                    count += 1
                    self.by_result[(fn, i)] = f"t{count}"
        self.leaves = 0

    def of(self, x: Tensor) -> str:
        if x.creator is not None:
            return self.by_result[(x.creator, x.output_index)]
        if id(x) not in self.by_id:
            self.leaves += 1
            self.by_id[id(x)] = f"leaf{self.leaves}"
        return self.by_id[id(x)]

    def result(self, fn: Any, index: int) -> str:
        return self.by_result[(fn, index)]

    def of_outputs(self, fn: Any) -> str:
        return ", ".join(self.by_result[(fn, i)] for i in range(fn.n_outputs))


def _backward(fn: Any, gys: list) -> tuple:
    gxs = type(fn).backward(fn, *gys)
    if not isinstance(gxs, (tuple, list)):
        gxs = (gxs,)
    return tuple(gxs)


def _array(g: Any, x: Tensor) -> np.ndarray:
    """The gradient ``g`` for input ``x`` as an array of x's shape and dtype (the engine's
    sum over broadcast dimensions)."""
    g = np.asarray(g.data if isinstance(g, Tensor) else g, dtype=x.dtype)
    return sum_to(np.broadcast_to(g, np.broadcast_shapes(g.shape, x.shape)), x.shape)


def _index_text(fn: Any, index: int) -> str:
    return f"[output {index}]" if fn.n_outputs > 1 else ""


def _format(a: Any) -> str:
    a = np.asarray(a)
    if a.size == 1:
        return f"{a.item():.4g}"
    return np.array2string(a, precision=4, threshold=12, edgeitems=3,
                           separator=", ").replace("\n", "")
