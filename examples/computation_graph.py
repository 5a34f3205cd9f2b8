"""The computation graph of one neuron's loss: drawn, then backpropagated step by step.

    z = w * x + b          the neuron's weighted input
    y = sigmoid(z)         its output
    L = (y - t) ** 2       the squared error against the target t

tg.viz.render draws the graph the forward pass recorded (ops as boxes, leaves as
ellipses); tg.viz.explain_backward prints what backward() does with it: from L back to
the leaves, each op's local derivative times the gradient arriving from above (the
chain rule). The gradients are checked against central differences, and a second,
tiny example, y = x * x + x, shows that a tensor used twice adds up the gradients of
both uses.

Run:  python examples/computation_graph.py [--out DIR] [--quick]
Saves DIR/graph.png (values) and DIR/graph_grads.png (with the leaves' gradients), drawn
by Graphviz's `dot` when it is installed, else by matplotlib (the [examples] extra); with
neither, the DOT text in DIR/graph.dot (default out/computation_graph/).
"""
from __future__ import annotations

import argparse
import os

import numpy as np

import tinygrad_edu as tg


def neuron_loss(x, w, b, t):
    z = w * x + b
    y = z.sigmoid()
    return (y - t) ** 2


def neuron_loss_numpy(x: float, w: float, b: float, t: float) -> float:
    """The same loss without autograd, for the numerical check."""
    return (1.0 / (1.0 + np.exp(-(w * x + b))) - t) ** 2


def draw(loss: tg.Tensor, names: dict, path: str, **options) -> str:
    """Render to PNG (Graphviz or matplotlib), or save the DOT text when both are missing."""
    try:
        tg.viz.render(loss, path, names=names, **options)
        return path
    except ImportError as e:
        dot_path = os.path.splitext(path)[0] + ".dot"
        with open(dot_path, "w") as f:
            f.write(tg.viz.to_dot(loss, names=names, **options))
        print(f"(no picture: {e})")
        return dot_path


def main(out: str, quick: bool = False) -> None:
    os.makedirs(out, exist_ok=True)
    values = {"x": 0.5, "w": -1.5, "b": 2.0}
    x, w, b = (tg.Tensor(np.array(v), requires_grad=True) for v in values.values())  # float64
    t = tg.Tensor(np.array(1.0))  # the target: a constant, no gradient
    loss = neuron_loss(x, w, b, t)
    names = {"x": x, "w": w, "b": b, "t": t, "L": loss}
    print(f"one neuron: x = {values['x']}, w = {values['w']}, b = {values['b']}, target t = 1")
    print(f"loss L = (sigmoid(w*x + b) - t)**2 = {loss.item():.6f}\n")

    saved = draw(loss, names, os.path.join(out, "graph.png"), show_values=True)
    print(tg.viz.explain_backward(loss, names=names))

    loss.backward(retain_graph=True)  # keep the graph to draw it again with the gradients
    saved_grads = draw(loss, names, os.path.join(out, "graph_grads.png"), show_values=True,
                       show_grads=True)

    print("Check against central differences (L(v + h) - L(v - h)) / 2h, h = 1e-6:")
    for name, leaf in (("x", x), ("w", w), ("b", b)):
        def f(v, name=name):  # the loss as a plain NumPy function of one leaf's value
            args = dict(values, **{name: v})
            return neuron_loss_numpy(args["x"], args["w"], args["b"], 1.0)
        numerical = tg.numerical_diff(f, values[name], h=1e-6)
        print(f"  dL/d{name}: backward {leaf.grad.item():+.8f}   numerical {numerical:+.8f}")
        assert abs(leaf.grad.item() - numerical) < 1e-7

    print("\nA tensor used twice: y = x * x + x at x = 3 (dy/dx = 2x + 1 = 7)\n")
    x2 = tg.Tensor(np.array(3.0), requires_grad=True)
    y2 = x2 * x2 + x2
    print(tg.viz.explain_backward(y2, names={"x": x2, "y": y2}))
    print(f"saved: {saved}, {saved_grads}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=os.path.join("out", "computation_graph"),
                        help="folder for the pictures (default: %(default)s)")
    parser.add_argument("--quick", action="store_true",
                        help="accepted for the test suite (the example is quick already)")
    args = parser.parse_args()
    main(args.out, args.quick)
