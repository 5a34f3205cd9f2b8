"""tg.viz.render without Graphviz: the layered layout (edges go forward, long edges pass
through every layer, barycenter ordering) and the matplotlib picture (a real PNG of the
figure's size, the labels, shapes and colours of the DOT text), and the engine choice."""
import itertools
import re
import shutil
import struct
import subprocess
import sys
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, strategies as st

import tinygrad_edu as tg
from tinygrad_edu import nn, viz
from tinygrad_edu.viz import draw

NODE = re.compile(r'^\s*(\w+) \[label="(.*?)", (.*)\];$', re.M)
EDGE = re.compile(r'^\s*(\w+) -> (\w+)(?: \[label="(.*?)"\])?;$', re.M)


# --- graphs to draw ---

def single_op():  # one op and its sum
    x = tg.Tensor([1.0, 2.0], requires_grad=True)
    return x.exp().sum(), {"x": x}


def diamond():
    x = tg.Tensor(np.array([0.5, 1.0]), requires_grad=True)  # used by three ops
    return (x.sin() * x.cos() + x).sum(), {"x": x}


def mlp_loss():
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))
    x = tg.Tensor(np.random.default_rng(0).normal(size=(5, 4)).astype(np.float32))
    loss = nn.CrossEntropyLoss()(model(x), tg.Tensor(np.array([0, 1, 2, 0, 1])))
    return loss, {"X": x, "L": loss, **dict(model.named_parameters())}


def with_split():
    a = tg.Tensor(np.ones((4, 3)), requires_grad=True)
    p, q = tg.split(a, 2, axis=0)  # one op, two results
    return (p * q.exp() + p).sum(), {"a": a}


GRAPHS = [single_op, diamond, mlp_loss, with_split]


def _dot(text):
    """Nodes {id: (label, attributes)} and edges [(a, b, port)] parsed from DOT text."""
    unescape = {r"\n": "\n", r"\"": '"', "\\\\": "\\"}
    nodes = {node: (re.sub(r'\\[n"\\]', lambda m: unescape[m.group(0)], label), attributes)
             for node, label, attributes in NODE.findall(text)}
    edges = [(a, b, port or None) for a, b, port in EDGE.findall(text)]
    return nodes, edges


@pytest.fixture
def saved(monkeypatch):
    """The Figure objects that draw_graph saves (matplotlib, Agg, no window)."""
    pytest.importorskip("matplotlib", reason="matplotlib draws the graph without Graphviz")
    import matplotlib
    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    figures = []
    original = Figure.savefig

    def spy(fig, *args, **kwargs):
        figures.append(fig)
        return original(fig, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", spy)
    return figures


# --- the picture ---

@pytest.mark.parametrize("build", GRAPHS, ids=[g.__name__ for g in GRAPHS])
def test_matplotlib_writes_a_png_of_the_figure_size(build, saved, tmp_path):
    import matplotlib.image
    y, names = build()
    path = tmp_path / "pictures" / "graph.png"  # the folder is created
    viz.render(y, path, names=names, show_values=True, engine="matplotlib")
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    image = matplotlib.image.imread(path)
    assert image.shape[:2] == (height, width)
    (fig,) = saved
    np.testing.assert_allclose((width, height), fig.get_size_inches() * fig.dpi, atol=1)
    # every fill colour of the DOT text shows in the picture (ops and tensors differ)
    colours = set(re.findall(r'fillcolor="#(\w{6})"', viz.to_dot(y, names=names)))
    assert len(colours) >= 3
    for colour in colours:
        rgb = np.array([int(colour[i:i + 2], 16) for i in (0, 2, 4)]) / 255
        assert np.any(np.all(np.abs(image[..., :3] - rgb) < 0.6 / 255, axis=-1)), colour


@pytest.mark.parametrize("build", GRAPHS, ids=[g.__name__ for g in GRAPHS])
def test_the_picture_has_the_labels_shapes_and_arrows_of_the_dot_text(build, saved,
                                                                        tmp_path):
    from matplotlib.patches import ArrowStyle, Ellipse, FancyArrowPatch, FancyBboxPatch
    y, names = build()
    y.backward(retain_graph=True)
    options = dict(names=names, show_values=True, show_grads=True)
    text = viz.render(y, tmp_path / "g.png", engine="matplotlib", **options)
    assert text == viz.to_dot(y, **options)
    nodes, edges = _dot(text)
    (fig,) = saved
    (ax,) = fig.axes
    drawn = Counter(t.get_text() for t in ax.texts)
    expected = Counter([label for label, _ in nodes.values()] +
                       [port for _, _, port in edges if port])
    assert drawn == expected
    ops = sum("shape=box" in attributes for _, attributes in nodes.values())
    assert sum(isinstance(p, FancyBboxPatch) for p in ax.patches) == ops
    assert sum(isinstance(p, Ellipse) for p in ax.patches) == len(nodes) - ops
    heads = [p for p in ax.patches if isinstance(p, FancyArrowPatch)
             and isinstance(p.get_arrowstyle(), ArrowStyle.CurveFilledB)]
    assert len(heads) == len(edges)


def test_split_ports_are_labelled_and_svg_pdf_work(saved, tmp_path):
    y, names = with_split()
    _, edges = _dot(viz.render(y, tmp_path / "g.svg", names=names, engine="matplotlib"))
    assert sorted(port for _, _, port in edges if port) == ["out 0", "out 0", "out 1"]
    assert "<svg" in (tmp_path / "g.svg").read_text()
    viz.render(y, tmp_path / "g.pdf", names=names, engine="matplotlib")
    assert (tmp_path / "g.pdf").read_bytes()[:5] == b"%PDF-"


def test_a_leaf_alone_is_drawn(saved, tmp_path):
    viz.render(tg.Tensor([1.0], requires_grad=True), tmp_path / "g.png", engine="matplotlib")
    assert (tmp_path / "g.png").read_bytes()[:4] == b"\x89PNG"


def test_too_large_a_graph_is_refused_before_writing(saved, tmp_path):
    x = tg.Tensor(0.5, requires_grad=True)
    y = x
    for _ in range(400):
        y = y * 1.0001
    with pytest.raises(ValueError, match="too large.*install Graphviz"):
        viz.render(y, tmp_path / "out" / "g.png", engine="matplotlib")
    assert not (tmp_path / "out").exists() and not saved


# --- the engine ---

def _no_run(*args, **kwargs):
    raise AssertionError("the dot program must not run")


def test_auto_draws_with_matplotlib_without_dot(monkeypatch, saved, tmp_path):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.setattr(subprocess, "run", _no_run)
    y, names = diamond()
    viz.render(y, tmp_path / "g.png", names=names)  # engine="auto"
    assert len(saved) == 1 and (tmp_path / "g.png").read_bytes()[:4] == b"\x89PNG"


def test_auto_uses_dot_when_present(monkeypatch, tmp_path):
    calls = []

    def fake_dot(command, **kwargs):
        calls.append((command, kwargs["input"]))
        return subprocess.CompletedProcess(command, 0, "", "")

    monkeypatch.setattr(shutil, "which", lambda name: "/opt/graphviz/dot")
    monkeypatch.setattr(subprocess, "run", fake_dot)
    monkeypatch.setattr(draw, "draw_graph", _no_run)
    y, names = single_op()
    text = viz.render(y, tmp_path / "g.svg", names=names)
    assert calls == [(["/opt/graphviz/dot", "-Tsvg", "-o", str(tmp_path / "g.svg")], text)]


def test_matplotlib_forced_even_with_dot(monkeypatch, saved, tmp_path):
    monkeypatch.setattr(shutil, "which", lambda name: "/opt/graphviz/dot")
    monkeypatch.setattr(subprocess, "run", _no_run)
    viz.render(single_op()[0], tmp_path / "g.png", engine="matplotlib")
    assert len(saved) == 1


def test_graphviz_forced_without_dot_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(FileNotFoundError, match='apt-get install graphviz.*engine="matplotlib"'):
        viz.render(single_op()[0], tmp_path / "out" / "g.png", engine="graphviz")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("engine, error, message", [
    ("dot", ValueError, "'auto', 'graphviz' or 'matplotlib'"),
    ("Matplotlib", ValueError, "'auto', 'graphviz' or 'matplotlib'"),
    (None, TypeError, "render: engine"),
])
def test_bad_engine_is_refused_before_writing(engine, error, message, tmp_path):
    with pytest.raises(error, match=message):
        viz.render(single_op()[0], tmp_path / "out" / "g.png", engine=engine)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("engine, also", [("matplotlib", False), ("auto", True)])
def test_without_matplotlib_the_error_names_the_extra(engine, also, monkeypatch, tmp_path):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    for module in [m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")]:
        monkeypatch.setitem(sys.modules, module, None)
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(ImportError, match=re.escape("pip install tinygrad_edu[examples]")) as e:
        viz.render(single_op()[0], tmp_path / "out" / "g.png", engine=engine)
    assert ("install Graphviz" in str(e.value)) == also
    assert not (tmp_path / "out").exists()


# --- the layout ---

@st.composite
def dags(draw_):
    """Node ids in a topological order and forward edges, repeated edges allowed."""
    n = draw_(st.integers(1, 12))
    pairs = list(itertools.combinations(range(n), 2))
    edges = draw_(st.lists(st.sampled_from(pairs), max_size=20)) if pairs else []
    return [f"n{i}" for i in range(n)], [(f"n{a}", f"n{b}") for a, b in edges]


def _longest_path_layers(nodes, edges):
    """Independent reference: relax 'layer(b) >= layer(a) + 1' until nothing changes."""
    layer = dict.fromkeys(nodes, 0)
    for _ in nodes:
        for a, b in edges:
            layer[b] = max(layer[b], layer[a] + 1)
    return layer


@given(dags())
def test_layers_go_forward_and_leaves_sit_next_to_their_first_use(graph):
    nodes, edges = graph
    layer = draw.layers(nodes, edges)
    assert set(layer) == set(nodes)
    assert all(layer[a] < layer[b] for a, b in edges)
    reference = _longest_path_layers(nodes, edges)
    for node in nodes:
        inputs = [a for a, b in edges if b == node]
        uses = [reference[b] for a, b in edges if a == node]
        expected = reference[node] if inputs or not uses else min(uses) - 1
        assert layer[node] == expected


@given(dags())
def test_every_point_is_in_its_layer_and_routes_step_one_layer(graph):
    nodes, edges = graph
    layer = draw.layers(nodes, edges)
    columns, routes = draw.order_layers(nodes, edges, layer)
    where = {}
    for k, column in enumerate(columns):
        for point in column:
            assert point not in where, f"{point} twice"
            where[point] = k
    assert all(where[node] == layer[node] for node in nodes)
    assert len(routes) == len(edges)
    for (a, b), route in zip(edges, routes):
        assert route[0] == a and route[-1] == b
        assert [where[p] for p in route] == list(range(layer[a], layer[b] + 1))
    assert len(where) == len(nodes) + sum(len(route) - 2 for route in routes)


def _crossings(columns, routes):
    """Pairs of segments between the same two layers whose ends are in opposite orders."""
    where = {p: (k, i) for k, column in enumerate(columns) for i, p in enumerate(column)}
    segments = [(where[p], where[q]) for route in routes for p, q in zip(route, route[1:])]
    return sum(1 for (p1, q1), (p2, q2) in itertools.combinations(segments, 2)
               if p1[0] == p2[0] and (p1[1] - p2[1]) * (q1[1] - q2[1]) < 0)


def test_barycenter_ordering_removes_simple_crossings():
    # a -> d and b -> c cross in the given order; so do the two halves of a "bowtie"
    nodes = ["a", "b", "c", "d", "e", "f"]
    edges = [("a", "d"), ("b", "c"), ("c", "f"), ("d", "e")]
    layer = draw.layers(nodes, edges)
    assert _crossings([["a", "b"], ["c", "d"], ["e", "f"]], [list(e) for e in edges]) > 0
    columns, routes = draw.order_layers(nodes, edges, layer)
    assert _crossings(columns, routes) == 0


def test_layers_refuse_backward_or_unknown_edges():
    with pytest.raises(ValueError, match="goes backward.*topological"):
        draw.layers(["a", "b"], [("b", "a")])
    with pytest.raises(ValueError, match="not in the list"):
        draw.layers(["a"], [("a", "z")])
