"""History: what fit() measured, per optimisation step and per epoch, and its picture."""
from __future__ import annotations

import os

from . import _plot


class History:
    """The record of a training run.

    Attributes:
        step: per optimisation step, lists under ``"loss"`` (the mini-batch loss before
            the step), ``"lr"`` (the learning rate the step used, of the first parameter
            group) and ``"grad_norm"`` (the L2 norm of all parameters' gradients together).
        epoch: per epoch, lists under ``"train_loss"`` (mean mini-batch loss over the
            epoch, weighted by batch size), ``"val_loss"`` (when a validation loader is
            given), ``"train_<metric>"`` / ``"val_<metric>"`` for each metric (e.g.
            ``"val_accuracy"``), ``"steps"`` (steps done so far) and ``"time"``
            (seconds the epoch took, evaluation included).

    Example:
        >>> history = fit(model, loss_fn, optimizer, loader, epochs=5, val_loader=test)
        >>> history.epoch["val_accuracy"][-1]
        0.975
    """

    def __init__(self) -> None:
        self.step: dict[str, list[float]] = {"loss": [], "lr": [], "grad_norm": []}
        self.epoch: dict[str, list[float]] = {}

    def log_step(self, loss: float, lr: float, grad_norm: float) -> None:
        self.step["loss"].append(loss)
        self.step["lr"].append(lr)
        self.step["grad_norm"].append(grad_norm)

    def log_epoch(self, **values: float) -> None:
        for name, value in values.items():
            self.epoch.setdefault(name, []).append(value)

    @property
    def num_steps(self) -> int:
        return len(self.step["loss"])

    @property
    def num_epochs(self) -> int:
        return len(self.epoch.get("train_loss", []))

    def __repr__(self) -> str:
        last = ", ".join(f"{k}={v[-1]:.4g}" for k, v in self.epoch.items() if v)
        return f"History({self.num_epochs} epochs, {self.num_steps} steps; last: {last})"

    def plot(self, path: str | os.PathLike) -> None:
        """Save the loss, accuracy (if measured), learning-rate and gradient-norm curves.

        The loss panel shows every mini-batch loss (faint) and the per-epoch train and
        validation losses (dots at the step where each epoch ended).

        Args:
            path: the picture's file; the format follows the suffix (``.png``, ``.svg``,
                ``.pdf``). Missing folders are created.

        Raises:
            ImportError: matplotlib is not installed (the message names the ``plot`` extra).
        """
        fig = _plot.new_figure(10, 6.5)
        axes = fig.subplots(2, 2)
        steps = list(range(1, self.num_steps + 1))
        ends = self.epoch.get("steps", [])

        ax = axes[0, 0]
        ax.plot(steps, self.step["loss"], color="tab:blue", alpha=0.3, lw=1, label="mini-batch")
        for key, color in (("train_loss", "tab:blue"), ("val_loss", "tab:orange")):
            if key in self.epoch:
                ax.plot(ends, self.epoch[key], "o-", color=color, label=key.replace("_", " "))
        ax.set(title="loss", xlabel="step")
        if self.step["loss"] and min(self.step["loss"]) > 0:
            ax.set_yscale("log")
        ax.legend()

        ax = axes[0, 1]
        accuracy_keys = [k for k in self.epoch if k.endswith("accuracy")]
        for key in accuracy_keys:
            ax.plot(ends, [100 * v for v in self.epoch[key]], "o-", label=key.replace("_", " "))
        if accuracy_keys:
            ax.set(title="accuracy (%)", xlabel="step")
            ax.legend()
        else:
            ax.set_axis_off()

        ax = axes[1, 0]
        ax.plot(steps, self.step["lr"], color="tab:green")
        ax.set(title="learning rate", xlabel="step")
        lrs = self.step["lr"]
        if lrs and min(lrs) > 0 and max(lrs) > 1.5 * min(lrs):
            ax.set_yscale("log")
        elif lrs:  # constant: show it against 0, not magnified around itself
            ax.set_ylim(0, 1.2 * max(lrs) if max(lrs) > 0 else 1.0)

        ax = axes[1, 1]
        ax.plot(steps, self.step["grad_norm"], color="tab:red", lw=1)
        ax.set(title="gradient norm ||g||", xlabel="step")
        _plot.save(fig, path)
