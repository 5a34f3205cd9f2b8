"""Pictures and words for the computation graph: Graphviz DOT text, rendered images, and a
step-by-step account of backpropagation.

    y = (x * w + b).tanh()
    print(tg.viz.to_dot(y, names={"x": x, "w": w, "b": b}))
    tg.viz.render(y, "graph.png")          # Graphviz's `dot` if installed, else matplotlib
    print(tg.viz.explain_backward(y))      # each local derivative and chain-rule product
"""
from .dot import render, to_dot
from .explain import explain_backward
from .graph import topological_order

__all__ = ["to_dot", "render", "explain_backward", "topological_order"]
