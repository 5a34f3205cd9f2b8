"""tg.viz: to_dot (nodes and edges of known graphs, iterative walk, freed graphs), render
(clear message when Graphviz is forced but missing; the matplotlib drawing is tested in
test_viz_draw.py) and explain_backward (against closed-form derivatives)."""
import re
import shutil

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import tinygrad_edu as tg
from tinygrad_edu import viz

NODE = re.compile(r"^\s*(\w+) \[label=\"(.*?)\", ", re.M)
EDGE = re.compile(r"^\s*(\w+) -> (\w+)", re.M)


def _graph(text):
    nodes = dict(NODE.findall(text))
    edges = EDGE.findall(text)
    for a, b in edges:
        assert a in nodes and b in nodes, f"edge {a} -> {b} to an undeclared node"
    return nodes, edges


def _labels(nodes):
    return sorted(label.split("\\n")[0] for label in nodes.values())


def test_known_graph_has_one_node_per_op_and_leaf():
    x = tg.Tensor(np.ones((2, 3)))
    w = tg.Tensor(np.ones((3, 4)), requires_grad=True)
    b = tg.Tensor(np.zeros(4), requires_grad=True)
    loss = (x @ w + b).relu().sum()
    nodes, edges = _graph(viz.to_dot(loss, names={"x": x, "w": w, "b": b}))
    # leaves x, w, b; ops MatMul, Add, ReLU, Sum; the output
    assert len(nodes) == 8
    assert _labels(nodes) == ["Add", "MatMul", "ReLU", "Sum", "b", "output", "w", "x"]
    # x->MatMul, w->MatMul, MatMul->Add, b->Add, Add->ReLU, ReLU->Sum, Sum->output
    assert len(edges) == 7
    name = {label.split("\\n")[0]: node for node, label in nodes.items()}
    assert set(edges) == {(name["x"], name["MatMul"]), (name["w"], name["MatMul"]),
                          (name["MatMul"], name["Add"]), (name["b"], name["Add"]),
                          (name["Add"], name["ReLU"]), (name["ReLU"], name["Sum"]),
                          (name["Sum"], name["output"])}
    assert "shape 2×4" in nodes[name["MatMul"]] and "shape 3×4" in nodes[name["w"]]
    assert "scalar" in nodes[name["output"]]


def test_reused_tensor_gives_one_node_and_an_edge_per_use():
    x = tg.Tensor(3.0, requires_grad=True)
    y = x * x + x
    nodes, edges = _graph(viz.to_dot(y))
    assert _labels(nodes) == ["Add", "Mul", "leaf", "output"]
    assert len(edges) == 5  # x->Mul twice, Mul->Add, x->Add, Add->output


def test_constants_values_and_grads_in_labels():
    x = tg.Tensor([1.0, 2.0], requires_grad=True)
    y = (x ** 2).sum()
    y.backward(retain_graph=True)
    text = viz.to_dot(y, show_values=True, show_grads=True, names={"x": x, "loss": y})
    nodes, _ = _graph(text)
    labels = list(nodes.values())
    assert any(label.startswith("Pow(·, 2)") for label in labels)
    x_label = next(label for label in labels if label.startswith("x"))
    assert "[1. 2.]" in x_label and "grad [2. 4.]" in x_label  # dy/dx = 2x
    assert any(label.startswith("loss") and label.endswith("\\n5") for label in labels)


def test_a_leaf_alone_is_one_node():
    nodes, edges = _graph(viz.to_dot(tg.Tensor([1.0], requires_grad=True)))
    assert len(nodes) == 1 and not edges


def test_multi_output_and_constant_inputs():
    a = tg.Tensor(np.ones((2, 2)), requires_grad=True)
    c = tg.Tensor(np.ones((2, 2)))  # does not require grad: a grey constant leaf
    y = tg.concatenate([a, c], axis=1).sum(axis=0)
    nodes, edges = _graph(viz.to_dot(y))
    assert _labels(nodes) == ["Concatenate(1, ·, ·)", "Sum(·, 0)", "constant", "leaf", "output"]
    assert len(edges) == 4


def test_long_chain_without_recursion():
    x = tg.Tensor(0.5, requires_grad=True)
    y = x
    for _ in range(3000):
        y = y * 1.0001
    nodes, edges = _graph(viz.to_dot(y))
    assert len(nodes) == 3002 and len(edges) == 3001


def test_freed_graph_is_a_clear_error():
    x = tg.Tensor(2.0, requires_grad=True)
    y = x * x
    y.backward()
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        viz.to_dot(y)


def test_render_without_graphviz_names_the_package(monkeypatch, tmp_path):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    x = tg.Tensor(2.0, requires_grad=True)
    with pytest.raises(FileNotFoundError, match="apt-get install graphviz"):
        viz.render(x * x, tmp_path / "g.png", engine="graphviz")
    with pytest.raises(ValueError, match=r"\.png, \.svg or \.pdf"):
        viz.render(x * x, tmp_path / "g.jpg")


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` not installed")
def test_render_writes_images(tmp_path):
    x = tg.Tensor([1.0, 2.0], requires_grad=True)
    y = (x.exp() * x).sum()
    viz.render(y, tmp_path / "g.png", show_values=True)
    viz.render(y, tmp_path / "g.svg")
    assert (tmp_path / "g.png").read_bytes()[:4] == b"\x89PNG"
    assert "<svg" in (tmp_path / "g.svg").read_text()


# --- explain_backward ---

def _number(line):
    return float(line.rsplit("=", 1)[1])


def _leaf_gradients(text):
    part = text.split("Gradients of the leaves")[1]
    return {m.group(1): _number(m.group(0)) for m in re.finditer(r"dL/d(\w+) = .*", part)}


@given(x=st.floats(-2.0, 2.0), w=st.floats(-2.0, 2.0))
@settings(max_examples=15)
def test_explain_backward_against_closed_form(x, w):
    tg.set_default_dtype(np.float64)
    try:
        xt, wt = tg.Tensor(x, requires_grad=True), tg.Tensor(w, requires_grad=True)
        y = (xt * wt).tanh() + xt ** 2 * wt
        text = viz.explain_backward(y, names={"x": xt, "w": wt})
    finally:
        tg.set_default_dtype(np.float32)
    t = np.tanh(x * w)
    grads = _leaf_gradients(text)
    # y = tanh(x w) + x^2 w:  dy/dx = w (1 - tanh^2) + 2 x w,  dy/dw = x (1 - tanh^2) + x^2
    assert grads["x"] == pytest.approx(w * (1 - t * t) + 2 * x * w, rel=1e-3, abs=1e-4)
    assert grads["w"] == pytest.approx(x * (1 - t * t) + x * x, rel=1e-3, abs=1e-4)
    # the local derivative of tanh, printed for the node t1 = x * w
    local = re.search(r"local ∂t2/∂t1 = (\S+)", text)
    assert float(local.group(1)) == pytest.approx(1 - t * t, rel=1e-3, abs=1e-4)


def test_explain_backward_sums_the_paths_of_a_reused_tensor():
    x = tg.Tensor(3.0, requires_grad=True)
    y = x * x + x
    text = viz.explain_backward(y, names={"x": x, "y": y})
    assert "t1 = Mul(x, x) = 9" in text and "y = Add(t1, x) = 12" in text
    assert "local ∂t1/∂x = 3" in text  # d(x*x)/dx through one factor: the other factor
    assert "dL/dx = 1 + 3 + 3 = 7" in text  # 2x + 1
    assert x.grad is None  # nothing written ...
    y.backward()  # ... and the graph is still there
    assert x.grad.item() == 7.0


def test_explain_backward_on_arrays_matches_backward():
    x = tg.Tensor(np.array([0.5, -1.0, 2.0]), requires_grad=True)
    y = (x.sin() * x).sum()
    text = viz.explain_backward(y, names={"x": x})
    expected = np.sin(x.data) + x.data * np.cos(x.data)
    printed = re.search(r"dL/dx = .*= \[(.*)\]", text) or re.search(r"dL/dx = \[(.*)\]", text)
    np.testing.assert_allclose(np.array(printed.group(1).split(","), float), expected, rtol=1e-3)


def test_explain_backward_errors():
    x = tg.Tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(ValueError, match=r"single number.*\(2,\)"):
        viz.explain_backward(x * 2)
    with pytest.raises(ValueError, match="no graph"):
        viz.explain_backward(tg.Tensor(1.0))
