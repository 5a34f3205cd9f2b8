"""Gradient flow: per layer, how large the gradients are, and how many ReLU units are dead.

    with tg.viz.watch_relus(model) as relus:          # notes which ReLU units output 0
        loss = loss_fn(model(x), y)
    loss.backward()
    print(tg.viz.gradient_flow(model, lr=0.1, relus=relus))   # a table, one row per weight
    tg.viz.plot_gradient_flow({"sigmoid": table_a, "relu": table_b}, "flow.png")

The classic vanishing-gradient picture: mean |grad| per layer on a log axis. Gradients that
shrink layer by layer towards the input (a deep sigmoid net) vanish; a ReLU net with He
init keeps them within an order of magnitude. During ``fit``, the ``GradientFlow``
callback records the table of the last step of every epoch.
"""
from __future__ import annotations

import contextlib
import math
from typing import Any, Iterator, NamedTuple

import numpy as np

from .. import checks


class LayerFlow(NamedTuple):
    """One weight's row: its name and shape; the L2 norm, mean |g| and max |g| of its
    gradient; ``update_ratio`` = ||update|| / ||w|| (None when unknown); ``dead`` = the
    fraction of units of the ReLU after this layer that were 0 for every sample of the
    batch (None without a watched ReLU after it)."""
    name: str
    shape: tuple
    grad_norm: float
    mean_abs_grad: float
    max_abs_grad: float
    update_ratio: float | None
    dead: float | None


class FlowTable(list):
    """The rows of ``gradient_flow``, input side first; ``print`` shows them as a table."""

    def __str__(self) -> str:
        header = (f"{'layer':<16}{'shape':>12}{'|g| norm':>11}{'mean |g|':>11}"
                  f"{'max |g|':>11}{'update/w':>10}{'dead':>7}")
        lines = [header, "-" * len(header)]
        for r in self:
            ratio = "-" if r.update_ratio is None else f"{r.update_ratio:.2e}"
            dead = "-" if r.dead is None else f"{r.dead:.0%}"
            lines.append(f"{r.name:<16}{str(r.shape):>12}{r.grad_norm:>11.3e}"
                         f"{r.mean_abs_grad:>11.3e}{r.max_abs_grad:>11.3e}{ratio:>10}{dead:>7}")
        return "\n".join(lines)


class ReluWatch(dict):
    """What ``watch_relus`` saw: module name -> fraction of dead units in the last call."""


@contextlib.contextmanager
def watch_relus(model: Any) -> Iterator[ReluWatch]:
    """Inside the block, note for every ``nn.ReLU`` of ``model`` the fraction of its units
    that output 0 for every sample of the batch (the last call); the hooks are removed on
    exit."""
    from ..nn import ReLU
    seen = ReluWatch()
    handles = []
    for name, module in model.named_modules():
        if isinstance(module, ReLU):
            def note(m: Any, args: Any, out: Any, name: str = name) -> None:
                data = np.asarray(out.data).reshape(out.shape[0], -1) if out.ndim else None
                seen[name] = float(np.mean(np.all(data <= 0, axis=0))) if data is not None else 0.0
            handles.append(module.register_forward_hook(note))
    try:
        yield seen
    finally:
        for handle in handles:
            handle.remove()


def gradient_flow(model: Any, lr: float | None = None, relus: ReluWatch | None = None,
                  updates: dict | None = None) -> FlowTable:
    """The gradient flow of ``model`` after ``loss.backward()``: one row per weight
    (parameters with 2 or more dims), in the order of ``named_parameters``.

    Args:
        model: a Module whose parameters have gradients.
        lr: the learning rate, for ``update_ratio`` = lr * ||g|| / ||w|| (SGD's step; for
            other optimizers pass ``updates``). None: no ratio.
        relus: what ``watch_relus`` saw during the forward pass: each ReLU's dead fraction
            goes to the row of the last weight before it.
        updates: name -> the update just applied to that weight (w_after - w_before),
            for ``update_ratio`` = ||update|| / ||w_before||; wins over ``lr``.

    Raises:
        RuntimeError: no weight has a gradient yet (call it after ``loss.backward()``).
    """
    if lr is not None:
        lr = checks.real(lr, "gradient_flow: lr", low=0)
    rows = FlowTable()
    for name, p in model.named_parameters():
        if p.ndim < 2 or p.grad is None:
            continue
        g = np.asarray(p.grad.data, np.float64)
        w = np.asarray(p.data, np.float64)
        w_norm = float(np.linalg.norm(w))
        if updates is not None and name in updates:  # relative to the weight it changed
            before = float(np.linalg.norm(w - updates[name]))
            ratio = float(np.linalg.norm(updates[name])) / before if before else math.inf
        elif lr is not None:
            ratio = lr * float(np.linalg.norm(g)) / w_norm if w_norm else math.inf
        else:
            ratio = None
        rows.append(LayerFlow(name, tuple(p.shape), float(np.linalg.norm(g)),
                              float(np.mean(np.abs(g))), float(np.max(np.abs(g))), ratio, None))
    if not rows:
        raise RuntimeError("gradient_flow: no weight has a gradient yet; call it after "
                           "loss.backward() (and before optimizer.zero_grad())")
    if relus:
        _assign_dead(model, rows, relus)
    return rows


def _assign_dead(model: Any, rows: FlowTable, relus: ReluWatch) -> None:
    """Each watched ReLU's dead fraction onto the row of the last weight before it."""
    index = {r.name: i for i, r in enumerate(rows)}
    last = None
    for name, module in model.named_modules():
        for pname, _ in module.named_parameters(recurse=False) if hasattr(
                module, "named_parameters") else ():
            full = f"{name}.{pname}" if name else pname
            if full in index:
                last = index[full]
        if name in relus and last is not None:
            rows[last] = rows[last]._replace(dead=relus[name])


def plot_gradient_flow(tables: Any, path: str, title: str = "Gradient flow") -> None:
    """Mean and max |grad| per layer on a log axis, one panel per table: the classic
    vanishing-gradient picture. ``tables``: a FlowTable, or a dict name -> FlowTable."""
    try:
        import matplotlib
        matplotlib.use("Agg", force=False)
        from matplotlib.figure import Figure
    except ImportError as error:
        raise ImportError("plot_gradient_flow needs matplotlib: pip install "
                          "tinygrad_edu[examples]") from error
    if isinstance(tables, FlowTable):
        tables = {"": tables}
    fig = Figure(figsize=(5 * len(tables), 3.6))
    axes = fig.subplots(1, len(tables), squeeze=False, sharey=True)[0]
    for ax, (name, rows) in zip(axes, tables.items()):
        x = np.arange(len(rows))
        ax.bar(x, [max(r.max_abs_grad, 1e-30) for r in rows], color="#9ecae1", label="max |grad|")
        ax.bar(x, [max(r.mean_abs_grad, 1e-30) for r in rows], color="#08519c",
               label="mean |grad|")
        ax.set_yscale("log")
        ax.set_xticks(x, [r.name.rsplit(".", 1)[0] for r in rows], rotation=45, ha="right")
        ax.set_xlabel("layer (input side first)")
        ax.set_title(f"{title}: {name}" if name else title)
        ax.legend(loc="upper left", fontsize=8)
    axes[0].set_ylabel("|gradient|")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


from ..train.callbacks import Callback  # noqa: E402  (viz builds on train's base)


class GradientFlow(Callback):
    """A ``fit`` callback: at the last step of every epoch, the gradient flow (with the
    update each weight actually got, and the dead ReLU fraction) goes into
    ``history.gradient_flow``, a list with one FlowTable per epoch; ``plot(path)`` draws
    the mean |grad| of every layer over the epochs."""

    def on_train_begin(self, history: Any) -> None:
        history.gradient_flow = []
        self._before = self._weights()
        self._watch = watch_relus(self.model)
        self._relus = self._watch.__enter__()

    def _weights(self) -> dict:
        return {n: np.array(p.data, copy=True) for n, p in self.model.named_parameters()
                if p.ndim >= 2}

    def on_batch_end(self, step: int, history: Any) -> None:
        after = self._weights()
        if self.steps_per_epoch is None or step % self.steps_per_epoch == 0:
            updates = {n: after[n] - self._before[n] for n in after}
            self._last = gradient_flow(self.model, relus=self._relus, updates=updates)
        self._before = after

    def on_epoch_end(self, epoch: int, history: Any) -> None:
        history.gradient_flow.append(self._last)
        self.history = history

    def on_train_end(self, history: Any) -> None:
        self._watch.__exit__(None, None, None)

    def plot(self, path: str) -> None:
        """mean |grad| per layer (one line each) over the epochs, log axis."""
        from matplotlib.figure import Figure
        tables = self.history.gradient_flow
        fig = Figure(figsize=(6, 3.6))
        ax = fig.subplots()
        for i, row in enumerate(tables[0]):
            ax.plot(range(1, len(tables) + 1), [t[i].mean_abs_grad for t in tables],
                    marker="o", label=row.name)
        ax.set_yscale("log")
        ax.set_xlabel("epoch")
        ax.set_ylabel("mean |gradient|")
        ax.legend(fontsize=7)
        fig.tight_layout()
        fig.savefig(path, dpi=110)
