"""The learning-rate range test (L. Smith, "Cyclical Learning Rates for Training Neural
Networks", 2017): train briefly while raising the learning rate exponentially, and watch
where the loss falls fastest and where it blows up.
"""
from __future__ import annotations

import math
import os
from typing import Any, Callable, Iterable

import numpy as np

from .. import checks
from . import _plot
from .loop import (_ONE_SHOT_HINT, _batch_loss, _check_batch_is_finite, _check_differentiable,
                   _check_training_parts, _inputs_and_targets, _scalar, _set_mode)


class LRRangeResult:
    """What ``lr_range_test`` measured.

    Attributes:
        lrs: the learning rate of each step taken.
        losses: the smoothed loss at each step (bias-corrected exponential moving average).
        raw_losses: the mini-batch loss at each step.
        suggested_lr: the learning rate where the smoothed loss falls fastest against
            log(lr), or None when too few steps were taken to tell.
        diverged: True when the test stopped early because the loss exploded.
    """

    def __init__(self, lrs: list[float], losses: list[float], raw_losses: list[float],
                 suggested_lr: float | None, diverged: bool) -> None:
        self.lrs, self.losses, self.raw_losses = lrs, losses, raw_losses
        self.suggested_lr, self.diverged = suggested_lr, diverged

    def __repr__(self) -> str:
        lr = "None" if self.suggested_lr is None else f"{self.suggested_lr:.3g}"
        return (f"LRRangeResult({len(self.lrs)} steps, lr {self.lrs[0]:.3g} → "
                f"{self.lrs[-1]:.3g}, suggested_lr={lr}, diverged={self.diverged})"
                if self.lrs else "LRRangeResult(no steps)")

    def plot(self, path: str | os.PathLike) -> None:
        """Save the loss against the learning rate (log axis), the suggestion marked.

        Raises:
            ImportError: matplotlib is not installed (the message names the ``plot`` extra).
        """
        fig = _plot.new_figure(6.5, 4.2)
        ax = fig.subplots()
        ax.plot(self.lrs, self.raw_losses, color="tab:blue", alpha=0.25, lw=1,
                label="mini-batch loss")
        ax.plot(self.lrs, self.losses, color="tab:blue", label="smoothed loss")
        if self.suggested_lr is not None:
            ax.axvline(self.suggested_lr, color="tab:red", ls="--",
                       label=f"steepest descent: lr = {self.suggested_lr:.2g}")
        ax.set_xscale("log")
        if self.losses:  # keep the explosion from squashing the part where the loss falls
            low, high = min(self.losses), max(self.losses)
            top = max(self.losses[:int(np.argmin(self.losses)) + 1])
            if top - low <= 1e-12 * abs(low):  # no falling part (e.g. an already trained model)
                top = float(np.median(self.losses))
            top = min(high, top + 0.5 * (top - low))
            low = min(low, min(self.raw_losses))  # the mini-batch losses dip lower
            margin = 0.05 * (top - low) or 0.05 * abs(low) or 0.05
            ax.set_ylim(low - margin, top + margin)
        ax.set(xlabel="learning rate (log scale)", ylabel="loss", title="learning-rate range test")
        ax.legend()
        _plot.save(fig, path)


def lr_range_test(model: Any, loss_fn: Callable[[Any, Any], Any], optimizer: Any,
                  loader: Iterable, start_lr: float = 1e-7, end_lr: float = 10.0,
                  num_steps: int = 100, smoothing: float = 0.98,
                  diverge_factor: float = 4.0) -> LRRangeResult:
    """Find a learning rate: train with a learning rate rising exponentially each step.

    Step i (from 0) uses lr_i = start_lr * (end_lr / start_lr) ** (i / (num_steps - 1)),
    set on every parameter group, on the next batch of ``loader`` (restarted when it
    runs out). The loss is smoothed by an exponential moving average,
    ``avg = smoothing * avg + (1 - smoothing) * loss``, divided by ``1 - smoothing**(i+1)``
    to remove its bias toward 0. The test stops early when the loss is NaN/inf or the
    smoothed loss exceeds ``diverge_factor`` times its minimum.

    The suggestion is where the smoothed loss falls fastest per decade of learning rate:
    the most negative slope against log10(lr) between the end of the first tenth of the
    steps (where little happens) and the lowest smoothed loss. The loss still improves
    quickly there, below the rate at which training blows up. It is a starting point,
    not a guarantee: in a short test the steepest fall often lies close to that edge, so
    for long training runs a rate 3-10 times smaller is often the safer choice (look at
    the plot).

    The model's parameters (its ``state_dict``), its train/eval mode and the optimizer's
    state and learning rates are restored afterwards, also when an error interrupts the
    test: the test does not train the model.

    Args:
        model: a ``tg.nn.Module``.
        loss_fn: maps ``(output, target)`` to the mean loss of a batch.
        optimizer: a ``tg.optim`` optimizer over the model's parameters.
        loader: yields ``(inputs, targets)`` batches.
        start_lr: the first learning rate, > 0. Defaults to 1e-7.
        end_lr: the last learning rate, > start_lr. Defaults to 10.
        num_steps: the number of steps (learning rates tried), >= 2. Defaults to 100.
        smoothing: the moving average's weight of the past, in [0, 1). Defaults to 0.98.
        diverge_factor: stop once the smoothed loss is this many times its minimum
            (> 1). Defaults to 4.

    Returns:
        An ``LRRangeResult`` with ``lrs``, ``losses`` (smoothed), ``raw_losses``,
        ``suggested_lr`` and ``diverged``; ``result.plot(path)`` draws loss against lr.

    Raises:
        ValueError: a bad argument (the message names it), an empty loader, or a batch
            holding NaN or inf where the loss stopped being finite (the data, not the
            learning rate, is then to blame; the model is restored first).

    Example:
        >>> result = lr_range_test(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters()),
        ...                        train_loader, start_lr=1e-5, end_lr=10, num_steps=100)
        >>> result.plot("lr_range.png")
        >>> optimizer = optim.SGD(model.parameters(), lr=result.suggested_lr)
    """
    start_lr = checks.real(start_lr, "lr_range_test: start_lr", low=0, low_open=True)
    end_lr = checks.real(end_lr, "lr_range_test: end_lr", low=0, low_open=True)
    if not end_lr > start_lr:
        raise ValueError(f"lr_range_test: end_lr must be > start_lr = {start_lr:g}, got "
                         f"{end_lr:g}")
    num_steps = checks.integer(num_steps, "lr_range_test: num_steps", low=2)
    smoothing = checks.real(smoothing, "lr_range_test: smoothing", low=0, high=1,
                            high_open=True)
    diverge_factor = checks.real(diverge_factor, "lr_range_test: diverge_factor", low=1,
                                 low_open=True)
    _check_training_parts("lr_range_test", model, loss_fn, optimizer)

    # Both state dicts are copies, so the steps below do not change them.
    model_state = model.state_dict()
    optimizer_state = optimizer.state_dict()  # with the learning rates
    was_training = getattr(model, "training", True)
    lrs: list[float] = []
    losses: list[float] = []
    raw_losses: list[float] = []
    diverged = False
    ratio = (end_lr / start_lr) ** (1.0 / (num_steps - 1))
    try:
        _set_mode(model, training=True)
        average, best = 0.0, math.inf
        batches = _cycle(loader)
        for i in range(num_steps):
            lr = start_lr * ratio ** i
            for group in optimizer.param_groups:
                group["lr"] = lr
            x, y = _inputs_and_targets(next(batches))
            optimizer.zero_grad()
            loss = _batch_loss("lr_range_test", loss_fn, model(x), y)
            value = _scalar(loss)
            if not math.isfinite(value):
                _check_batch_is_finite(x, y, f"step {i + 1} of the range test", value)
                diverged = True
                break
            average = smoothing * average + (1.0 - smoothing) * value
            smoothed = average / (1.0 - smoothing ** (i + 1))
            lrs.append(lr)
            raw_losses.append(value)
            losses.append(smoothed)
            best = min(best, smoothed)
            if smoothed > diverge_factor * best:
                diverged = True
                break
            _check_differentiable("lr_range_test", loss)
            loss.backward()
            optimizer.step()
    finally:
        model.load_state_dict(model_state)
        optimizer.load_state_dict(optimizer_state)
        optimizer.zero_grad()
        _set_mode(model, training=was_training)
    return LRRangeResult(lrs, losses, raw_losses, _steepest_descent(lrs, losses), diverged)


def _steepest_descent(lrs: list[float], losses: list[float]) -> float | None:
    """The lr where d(smoothed loss)/d(log10 lr) is most negative, searched from the end of
    the first tenth up to the lowest loss (None: fewer than 3 points there)."""
    skip = len(losses) // 10
    end = skip + int(np.argmin(losses[skip:])) + 1 if len(losses) > skip else skip
    if end - skip < 3:
        return None
    slopes = np.gradient(np.asarray(losses[skip:end]), np.log10(lrs[skip:end]))
    return float(lrs[skip + int(np.argmin(slopes))])


def _cycle(loader: Iterable) -> Any:
    """The loader's batches, over and over (a new epoch whenever it runs out)."""
    passes = 0
    while True:
        empty = True
        for batch in loader:
            empty = False
            yield batch
        if empty:
            hint = f": {_ONE_SHOT_HINT}" if passes else ""
            raise ValueError(f"the loader yielded no batches{hint}")
        passes += 1
