"""draw_graph: the picture of a computation graph with matplotlib alone, for machines
without Graphviz (``render`` uses it when the ``dot`` program is missing).

The nodes and labels are those of ``to_dot`` (``dot.graph_parts``), laid out in layers,
left to right, the way Graphviz's ``dot`` does it (Sugiyama's method, kept small):

1. layers: every op one layer after its deepest input; a leaf just before its first use;
2. an edge that skips layers passes through a point in each layer it crosses;
3. within a layer, points are sorted by the mean position of their neighbours in the
   layer next to it (the barycenter heuristic), sweeping forward and back a few times,
   which removes most crossings.
"""
from __future__ import annotations

import os
from typing import Any, Sequence

MATPLOTLIB_HINT = ("drawing a graph without Graphviz needs matplotlib: "
                   "pip install tinygrad_edu[examples] (or pip install matplotlib)")

FILL = {"op": "#fff2cc", "parameter": "#cfe2f3", "constant": "#eeeeee",
        "output": "#d9ead3"}  # the colours of dot.py's Graphviz styles
FONT_SIZE = 9       # points
PAD = 0.07          # inches between a label and its node's outline
GAP_X = 0.55        # inches between layers (room for the arrows)
GAP_Y = 0.22        # inches between the nodes of a layer
VIA_HEIGHT = 0.12   # inches kept free for an edge passing through a layer
MARGIN = 0.15       # inches around the picture
DPI = 150
MAX_PIXELS = 2 ** 15  # matplotlib's Agg cannot write images much larger


def layers(nodes: Sequence[Any], edges: Sequence[tuple]) -> dict:
    """The layer (0, 1, ...) of each node; every edge goes from a lower layer to a higher.

    Args:
        nodes: node ids in an order where every edge goes forward (``graph_parts``'s).
        edges: ``(from id, to id)`` pairs.

    Raises:
        ValueError: an edge to an unknown node, or one that goes backward in ``nodes``.
    """
    position = {node: i for i, node in enumerate(nodes)}
    before: dict = {node: [] for node in nodes}
    after: dict = {node: [] for node in nodes}
    for a, b in edges:
        if a not in position or b not in position:
            raise ValueError(f"edge {a!r} -> {b!r} names a node that is not in the list")
        if position[a] >= position[b]:
            raise ValueError(f"edge {a!r} -> {b!r} goes backward: list the nodes so that "
                             f"every edge goes forward (a topological order)")
        before[b].append(a)
        after[a].append(b)
    layer = {}
    for node in nodes:  # the longest path from a leaf
        layer[node] = 1 + max((layer[a] for a in before[node]), default=-1)
    for node in nodes:  # a leaf next to its first use, not far away in layer 0
        if not before[node] and after[node]:
            layer[node] = min(layer[b] for b in after[node]) - 1
    return layer


def order_layers(nodes: Sequence[Any], edges: Sequence[tuple], layer: dict,
                 sweeps: int = 4) -> tuple[list, list]:
    """The points of each layer, top to bottom, and the route of each edge.

    Returns:
        ``(columns, routes)``: ``columns[k]`` lists layer k's nodes and the points
        ``("via", edge index, k)`` where longer edges cross it; ``routes[i]`` is the
        list of points edge i passes through, one per layer from its start to its end.
    """
    columns: list[list] = [[] for _ in range(max(layer.values(), default=-1) + 1)]
    for node in nodes:
        columns[layer[node]].append(node)
    routes = []
    for i, (a, b) in enumerate(edges):
        via = [("via", i, k) for k in range(layer[a] + 1, layer[b])]
        for point in via:
            columns[point[2]].append(point)
        routes.append([a, *via, b])
    left: dict = {p: [] for column in columns for p in column}
    right: dict = {p: [] for column in columns for p in column}
    for route in routes:
        for p, q in zip(route, route[1:]):
            right[p].append(q)
            left[q].append(p)
    for _ in range(sweeps):
        for k in range(1, len(columns)):
            _sort_by_barycenter(columns[k], columns[k - 1], left)
        for k in range(len(columns) - 2, -1, -1):
            _sort_by_barycenter(columns[k], columns[k + 1], right)
    return columns, routes


def _sort_by_barycenter(column: list, fixed: list, neighbours: dict) -> None:
    """Sort ``column`` by the mean place of each point's neighbours in ``fixed``; a point
    without neighbours there keeps its place (the sort is stable)."""
    place = {p: i for i, p in enumerate(fixed)}

    def barycenter(item: tuple) -> float:
        i, p = item
        near = [place[q] for q in neighbours[p] if q in place]
        return sum(near) / len(near) if near else i

    column[:] = [p for _, p in sorted(enumerate(column), key=barycenter)]


def draw_graph(nodes: list, edges: list, path: str | os.PathLike, fmt: str = "png",
               hint: str = "") -> None:
    """Draw ``graph_parts``' nodes and edges into ``path`` (format ``fmt``: png, svg, pdf).

    Ops are rounded boxes, tensors ellipses, in dot.py's colours; an arrow per edge,
    labelled with its port (``out i``) for the results of a multi-output op.

    Raises:
        ImportError: matplotlib is not installed (``hint`` is added to the message).
        ValueError: the graph is too large for one image.
    """
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
        from matplotlib.patches import Ellipse, FancyArrowPatch, FancyBboxPatch
    except ImportError:
        raise ImportError(MATPLOTLIB_HINT + hint) from None
    layer = layers([node for node, _, _ in nodes], [(a, b) for a, b, _ in edges])
    columns, routes = order_layers([node for node, _, _ in nodes],
                                   [(a, b) for a, b, _ in edges], layer)
    fig = Figure(dpi=DPI)
    FigureCanvasAgg(fig)  # no pyplot: no window, no global state
    size = _node_sizes(fig, nodes)
    size.update({p: (0.0, VIA_HEIGHT) for column in columns for p in column if p not in size})
    centre, width, height = _place(columns, size)
    if max(width, height) * DPI > MAX_PIXELS:
        raise ValueError(f"the graph ({len(nodes)} nodes) is too large to draw in one image "
                         f"({width:.0f}×{height:.0f} inches); install Graphviz, or draw a "
                         f"smaller part of it (tg.viz.to_dot gives its text)")
    fig.set_size_inches(width, height)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)
    ax.axis("off")

    patch = {}
    for node, kind, label in nodes:
        (x, y), (w, h) = centre[node], size[node]
        style = dict(facecolor=FILL[kind], edgecolor="black", zorder=2,
                     linewidth=2.0 if kind == "output" else 1.0)
        if kind == "op":
            shape = FancyBboxPatch((x - w / 2 + PAD, y - h / 2 + PAD), w - 2 * PAD,
                                   h - 2 * PAD, boxstyle=f"round,pad={PAD}", **style)
        else:
            shape = Ellipse((x, y), w, h, **style)
        patch[node] = ax.add_patch(shape)
        ax.text(x, y, "\n".join(label), ha="center", va="center", multialignment="center",
                fontsize=FONT_SIZE, zorder=3)

    seen: dict = {}
    for route, (a, b, port) in zip(routes, edges):
        copies = sum(1 for a2, b2, _ in edges if (a2, b2) == (a, b))
        j = seen[(a, b)] = seen.get((a, b), -1) + 1
        bend = 0.3 * (j - (copies - 1) / 2)  # x * x: two arrows, bent apart
        for p, q in zip(route, route[1:]):
            ax.add_patch(FancyArrowPatch(
                centre[p], centre[q], patchA=patch.get(p), patchB=patch.get(q),
                shrinkA=0, shrinkB=0, arrowstyle="-|>" if q == b else "-",
                mutation_scale=10, connectionstyle=f"arc3,rad={bend}", linewidth=1.0,
                color="black", zorder=1))
        if port:
            ax.text(*_between(centre[a], size[a], centre[route[1]], size[route[1]]), port,
                    ha="center", va="center", fontsize=FONT_SIZE - 2, zorder=2,
                    bbox=dict(boxstyle="round,pad=0.1", facecolor="white", edgecolor="none"))
    folder = os.path.dirname(os.fspath(path))
    if folder:
        os.makedirs(folder, exist_ok=True)
    fig.savefig(os.fspath(path), format=fmt, facecolor="white")


def _node_sizes(fig: Any, nodes: list) -> dict:
    """(width, height) in inches of each node: its label measured, plus the outline."""
    renderer = fig.canvas.get_renderer()
    text = fig.text(0, 0, "", fontsize=FONT_SIZE, multialignment="center")
    sizes = {}
    for node, kind, label in nodes:
        text.set_text("\n".join(label))
        box = text.get_window_extent(renderer)
        w, h = box.width / fig.dpi, box.height / fig.dpi
        stretch = 1.0 if kind == "op" else 1.3  # an ellipse round the label's rectangle
        sizes[node] = (w * stretch + 2 * PAD, h * stretch + 2 * PAD)
    text.remove()
    return sizes


def _place(columns: list, size: dict) -> tuple[dict, float, float]:
    """The centre (x, y) in inches of every point, and the picture's width and height:
    layers left to right, each layer's points stacked top to bottom, centred."""
    widths = [max((size[p][0] for p in column), default=0.0) for column in columns]
    stacks = [sum(size[p][1] for p in column) + GAP_Y * (len(column) - 1)
              for column in columns]
    height = max(stacks, default=0.0) + 2 * MARGIN
    centre = {}
    x = MARGIN
    for column, w, stack in zip(columns, widths, stacks):
        y = (height + stack) / 2  # the top of this layer's stack
        for p in column:
            centre[p] = (x + w / 2, y - size[p][1] / 2)
            y -= size[p][1] + GAP_Y
        x += w + GAP_X
    return centre, x - GAP_X + MARGIN, height


def _between(a: tuple, a_size: tuple, b: tuple, b_size: tuple) -> tuple[float, float]:
    """A point on the line from a to b, midway between a's right side and b's left."""
    x = ((a[0] + a_size[0] / 2) + (b[0] - b_size[0] / 2)) / 2
    t = (x - a[0]) / (b[0] - a[0]) if b[0] != a[0] else 0.5
    return x, a[1] + t * (b[1] - a[1])
