"""Pictures and words for the computation graph: Graphviz DOT text, rendered images, and a
step-by-step account of backpropagation.

    y = (x * w + b).tanh()
    print(tg.viz.to_dot(y, names={"x": x, "w": w, "b": b}))
    tg.viz.render(y, "graph.png")          # Graphviz's `dot` if installed, else matplotlib
    print(tg.viz.explain_backward(y))      # each local derivative and chain-rule product
    print(tg.viz.gradient_flow(model))     # per layer: gradient sizes, dead ReLUs (flow.py)
"""
from .dot import render, to_dot
from .explain import explain_backward
from .graph import topological_order
from .flow import GradientFlow, gradient_flow, plot_gradient_flow, watch_relus

__all__ = ["to_dot", "render", "explain_backward", "topological_order", "gradient_flow",
           "plot_gradient_flow", "watch_relus", "GradientFlow"]
