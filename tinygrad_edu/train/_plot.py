"""matplotlib, optional (the ``plot`` extra): imported only when a picture is asked for."""
from __future__ import annotations

import os
from typing import Any

PLOT_INSTALL_HINT = 'pip install "tinygrad_edu[plot]"'


def new_figure(width: float, height: float) -> Any:
    """A matplotlib Figure that draws off-screen (no GUI, no global pyplot state)."""
    try:
        from matplotlib.figure import Figure
    except ImportError as e:
        raise ImportError(f"plotting needs matplotlib, which is not installed; install it "
                          f"with: {PLOT_INSTALL_HINT}") from e
    return Figure(figsize=(width, height), layout="constrained")


def save(fig: Any, path: Any) -> None:
    """Write the figure to ``path`` (PNG, SVG or PDF, by suffix), creating its folder."""
    folder = os.path.dirname(os.fspath(path))
    if folder:
        os.makedirs(folder, exist_ok=True)
    fig.savefig(path, dpi=100)
