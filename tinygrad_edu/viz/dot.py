"""to_dot and render: the graph behind a tensor as Graphviz DOT text, and as a PNG/SVG/PDF
(drawn by Graphviz when its `dot` program is installed, else by matplotlib: draw.py).

Ops are boxes, leaves ellipses (blue: requires grad, grey: constant), the output a green
ellipse; arrows follow the forward computation, input → op → output.
"""
from __future__ import annotations

import os
import shutil
import subprocess
from typing import Any, Mapping

import numpy as np

from .. import checks
from .._tensor import Tensor
from .draw import draw_graph
from .graph import call_text, checked_names, produced_tensors, tensor_inputs, topological_order

GRAPHVIZ_HINT = (
    "render(engine=\"graphviz\") needs the Graphviz `dot` program, but it is not on the "
    "PATH; install Graphviz (Debian/Ubuntu: sudo apt-get install graphviz; macOS: brew install "
    "graphviz; conda: conda install graphviz), or paste the text of tg.viz.to_dot(tensor) "
    "into an online Graphviz viewer")

_STYLE = {
    "op": 'shape=box, style="rounded,filled", fillcolor="#fff2cc"',
    "parameter": 'shape=ellipse, style=filled, fillcolor="#cfe2f3"',
    "constant": 'shape=ellipse, style=filled, fillcolor="#eeeeee"',
    "output": 'shape=ellipse, style=filled, fillcolor="#d9ead3", penwidth=2',
}


def to_dot(tensor: Tensor, show_values: bool = False, show_grads: bool = False,
           names: Mapping[str, Tensor] | None = None) -> str:
    """The graph of operations that produced ``tensor``, as Graphviz DOT text.

    One node per op (labelled ``type(op).__name__`` with its constant arguments, e.g.
    ``Pow(·, 2)``, and the shape of its result), one per leaf tensor (with its shape)
    and one for ``tensor`` itself; an edge from each input to the op that used it (twice
    if it was used twice, as in ``x * x``) and from the last op to the output.

    Args:
        tensor: the result to draw (e.g. a loss). Draw before ``backward()`` or use
            ``backward(retain_graph=True)``: backward frees the graph.
        show_values: add each tensor's values (long arrays summarised).
        show_grads: add each leaf's ``.grad`` (only leaves keep a gradient).
        names: labels for tensors, e.g. ``{"x": x, "w": w}`` or
            ``dict(model.named_parameters())``; others are called "leaf"/"constant".

    Returns:
        The DOT text: render it with ``render``, the ``dot`` program, or an online viewer.

    Raises:
        RuntimeError: the graph was freed by an earlier backward.

    Example:
        >>> x = tg.Tensor([1.0, 2.0], requires_grad=True)
        >>> print(to_dot((x * x).sum(), names={"x": x}))
    """
    return _dot_text(*graph_parts(tensor, show_values, show_grads, names, "to_dot"))


def _dot_text(nodes: list, edges: list) -> str:
    lines = ["digraph computation {", "  rankdir=LR;",
             '  node [fontname="Helvetica", fontsize=11];', '  edge [fontsize=9];']
    lines += [f'  {node} [label="{_escape(label)}", {_STYLE[kind]}];'
              for node, kind, label in nodes]
    lines += [f"  {a} -> {b}" + (f' [label="{port}"]' if port else "") + ";"
              for a, b, port in edges]
    lines.append("}")
    return "\n".join(lines) + "\n"


def graph_parts(tensor: Tensor, show_values: bool = False, show_grads: bool = False,
                names: Mapping[str, Tensor] | None = None, who: str = "to_dot") -> tuple:
    """The nodes and edges that ``to_dot`` writes, for any drawing of the graph.

    Returns:
        ``(nodes, edges)``: nodes as ``(id, kind, label lines)`` with kind one of "op",
        "parameter", "constant", "output", in forward order (every edge goes from an
        earlier node to a later one); edges as ``(from id, to id, port)``, port
        ``"out i"`` for the i-th result of a multi-output op, else None.
    """
    show_values = checks.flag(show_values, f"{who}: show_values")
    show_grads = checks.flag(show_grads, f"{who}: show_grads")
    named = {id(t): n for n, t in checked_names(names, who).items()}
    order = topological_order(tensor)[::-1]  # forward order reads better top to bottom
    outputs = produced_tensors(tensor, order)
    nodes: list[tuple] = []
    edges: list[tuple] = []
    ids: dict[Any, str] = {}

    def leaf_node(x: Tensor) -> str:
        if id(x) not in ids:
            ids[id(x)] = f"t{len(ids)}"
            kind = "parameter" if x.requires_grad else "constant"
            label = [named.get(id(x), "leaf" if x.requires_grad else "constant"), _shape(x)]
            if show_values:
                label.append(_format(x.data))
            if show_grads and x.requires_grad:
                label.append("grad " + ("None" if x.grad is None else _format(x.grad.data)))
            nodes.append((ids[id(x)], kind, label))
        return ids[id(x)]

    for fn in order:
        ids[fn] = f"op{len(ids)}"
        results = [outputs[(fn, i)] for i in range(fn.n_outputs) if (fn, i) in outputs]
        label = [call_text(fn, lambda t: "·") if _has_constants(fn) else type(fn).__name__]
        label += [_shape(y) for y in results]
        if show_values:
            label += [_format(y.data) for y in results]
        sources = [leaf_node(x) if x.creator is None else ids[x.creator]
                   for _, x in tensor_inputs(fn)]  # leaves declared before their op
        nodes.append((ids[fn], "op", label))
        for source, (_, x) in zip(sources, tensor_inputs(fn)):
            multi = x.creator is not None and x.creator.n_outputs > 1
            edges.append((source, ids[fn], f"out {x.output_index}" if multi else None))

    if tensor.creator is None:
        leaf_node(tensor)
    else:
        label = [named.get(id(tensor), "output"), _shape(tensor)]
        if show_values:
            label.append(_format(tensor.data))
        nodes.append(("out", "output", label))
        edges.append((ids[tensor.creator], "out", None))
    return nodes, edges


def render(tensor: Tensor, path: str | os.PathLike, show_values: bool = False,
           show_grads: bool = False, names: Mapping[str, Tensor] | None = None,
           engine: str = "auto") -> str:
    """Draw the graph of ``tensor`` into an image file.

    With Graphviz's ``dot`` program when it is installed, else with matplotlib (the
    ``[examples]`` or ``[plot]`` extra): the same nodes, labels and arrows, in layers.

    Args:
        tensor: the result to draw (see ``to_dot``).
        path: the image file; its suffix picks the format: ``.png``, ``.svg`` or ``.pdf``.
            Missing folders are created.
        show_values, show_grads, names: as in ``to_dot``.
        engine: ``"auto"`` (Graphviz if ``dot`` is on the PATH, else matplotlib),
            ``"graphviz"`` or ``"matplotlib"``.

    Returns:
        The DOT text of the graph drawn.

    Raises:
        FileNotFoundError: ``engine="graphviz"`` and ``dot`` is not installed (the
            message says how to install Graphviz).
        ImportError: matplotlib is needed (no ``dot``, or ``engine="matplotlib"``) and
            not installed (the message names the pip extra).
        ValueError: an unsupported file suffix or engine.
        RuntimeError: ``dot`` failed (its message is included).
    """
    engine = checks.choice(engine, "render: engine", ("auto", "graphviz", "matplotlib"))
    fmt = os.path.splitext(os.fspath(path))[1].lower().lstrip(".")
    if fmt not in ("png", "svg", "pdf"):
        raise ValueError(f"render writes .png, .svg or .pdf files, got {os.fspath(path)!r}")
    nodes, edges = graph_parts(tensor, show_values, show_grads, names, "render")
    text = _dot_text(nodes, edges)
    program = shutil.which("dot") if engine != "matplotlib" else None
    if program is None and engine == "graphviz":
        raise FileNotFoundError(GRAPHVIZ_HINT + '; or pass engine="matplotlib"')
    if program is None:
        hint = "; or install Graphviz, whose `dot` render uses first" if engine == "auto" else ""
        draw_graph(nodes, edges, path, fmt, hint=hint)
        return text
    folder = os.path.dirname(os.fspath(path))
    if folder:
        os.makedirs(folder, exist_ok=True)
    done = subprocess.run([program, f"-T{fmt}", "-o", os.fspath(path)], input=text,
                          text=True, capture_output=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"dot failed (exit status {done.returncode}): {done.stderr.strip()}")
    return text


def _has_constants(fn: Any) -> bool:
    return any(not isinstance(x, (Tensor, bool)) and x is not None for x in fn.inputs)


def _shape(x: Tensor) -> str:
    return "scalar" if x.ndim == 0 else "shape " + "×".join(str(n) for n in x.shape)


def _format(a: np.ndarray) -> str:
    if a.size == 1:
        return f"{a.item():.4g}"
    return np.array2string(a, precision=3, threshold=8, edgeitems=2, suppress_small=True)


def _escape(lines: list[str]) -> str:
    text = "\n".join(lines)
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
