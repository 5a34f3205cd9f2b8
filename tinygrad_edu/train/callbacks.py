"""Callbacks: code that fit() runs before training, after each step, after each epoch and at the end.

    fit(model, loss_fn, optimizer, train_loader, epochs=100, val_loader=val_loader,
        callbacks=[EarlyStopping(patience=5, restore_best_weights=True),
                   ModelCheckpoint("out/best.npz"), LearningRateMonitor()])

A plain function ``cb(epoch, history)`` works too: it runs after each epoch, and
returning True stops training. fit's own output (the per-epoch lines, the progress bar)
is a callback of this file as well, run before the others.
"""
from __future__ import annotations

import math
import os
import shutil
import sys
import time
from typing import Any, Callable, Iterable

from .. import checks
from ..serialization import save
from .history import History

__all__ = ["Callback", "EarlyStopping", "ModelCheckpoint", "LearningRateMonitor"]


class Callback:
    """The base of fit's callbacks, as in Keras: override the hooks you need.

    Every hook does nothing by default. Before ``on_train_begin``, fit sets these
    attributes:

    - ``model``, ``optimizer``: what fit trains.
    - ``epochs``: the number of epochs asked for; ``steps_per_epoch``:
      ``len(train_loader)``, or None when the loader has no length.
    - ``verbose``: whether fit prints its output (``progress``); ``self.say(text)``
      prints a line only then, so a callback speaks when fit does.

    Example:
        >>> class PrintBest(tg.train.Callback):
        ...     def on_epoch_end(self, epoch, history):
        ...         self.say(f"best train loss so far {min(history.epoch['train_loss']):.4f}")
    """

    model: Any = None
    optimizer: Any = None
    epochs: int = 0
    steps_per_epoch: int | None = None
    verbose: bool = False

    def on_train_begin(self, history: History) -> None:
        """Before the first step (``history`` is still empty)."""

    def on_batch_end(self, step: int, history: History) -> None:
        """After each optimisation step; ``step`` counts from 1 over the whole run and the
        step's loss is ``history.step["loss"][-1]``. The return value is ignored: stop
        training from ``on_epoch_end``."""

    def on_epoch_end(self, epoch: int, history: History) -> bool | None:
        """After each epoch (from 1) and its evaluation: ``history.epoch`` holds the
        epoch's values. Return True to stop training (the other callbacks still run)."""

    def on_train_end(self, history: History) -> None:
        """After the last epoch, or after the epoch at which a callback stopped training
        (not when fit raises)."""

    def say(self, text: str) -> None:
        """Print ``text`` as one line, only when fit prints its output."""
        if self.verbose:
            print(text, flush=True)

    def _attach(self, model: Any, optimizer: Any, epochs: int,
                steps_per_epoch: int | None, verbose: bool) -> None:
        self.model, self.optimizer, self.epochs = model, optimizer, epochs
        self.steps_per_epoch, self.verbose = steps_per_epoch, verbose


class _FunctionCallback(Callback):
    """A plain function ``fn(epoch, history)`` run after each epoch (True stops)."""

    def __init__(self, fn: Callable[[int, History], Any]) -> None:
        self.fn = fn

    def on_epoch_end(self, epoch: int, history: History) -> bool:
        return bool(self.fn(epoch, history))


def _as_callbacks(callbacks: Any, who: str = "fit") -> list[Callback]:
    """The callbacks as Callback objects (plain functions wrapped), refused when not one."""
    expected = "functions cb(epoch, history) or tg.train.Callback objects"
    if callable(callbacks) or isinstance(callbacks, (str, bytes, Callback)):
        raise checks.ArgumentTypeError(
            f"{who}: callbacks must be a list of {expected}, got "
            f"{type(callbacks).__name__}; wrap a single one: callbacks=[cb]")
    result = []
    for i, callback in enumerate(callbacks):
        if isinstance(callback, type):
            raise checks.ArgumentTypeError(
                f"{who}: callbacks[{i}] is the class {callback.__name__}, not an instance "
                f"of it; make one first, e.g. {callback.__name__}()")
        if isinstance(callback, Callback):
            result.append(callback)
        elif callable(callback):
            result.append(_FunctionCallback(callback))
        else:
            raise checks.ArgumentTypeError(
                f"{who}: callbacks[{i}] must be a function cb(epoch, history) or a "
                f"tg.train.Callback, got {type(callback).__name__}")
    return result


# --- watching one recorded value ---

# mode="auto" reads the direction from the end of the name; anything else must say it.
_LOWER_IS_BETTER = ("loss", "error", "mae", "mse", "rmse")
_HIGHER_IS_BETTER = ("accuracy", "acc", "auc", "f1", "precision", "recall")


class _Monitor(Callback):
    """The shared part of EarlyStopping and ModelCheckpoint: one value of
    ``history.epoch``, its best so far, and what counts as an improvement."""

    def __init__(self, who: str, monitor: Any, mode: Any, min_delta: float = 0.0,
                 need_direction: bool = True) -> None:
        if not isinstance(monitor, str) or not monitor:
            raise checks.ArgumentTypeError(
                f"{who}: monitor must be the name of a value fit records per epoch, such "
                f"as 'val_loss', 'train_loss' or 'val_accuracy', got {monitor!r}")
        mode = checks.choice(mode, f"{who}: mode", ("auto", "min", "max"))
        self.who, self.monitor, self.min_delta = who, monitor, min_delta
        self.mode = _direction(who, monitor, mode) if need_direction else mode
        self.best = math.nan
        self.best_epoch: int | None = None

    def on_train_begin(self, history: History) -> None:
        self.best = math.inf if self.mode == "min" else -math.inf
        self.best_epoch = None

    def _current(self, history: History) -> float:
        """The monitored value of the latest epoch; "loss" or "accuracy" (Keras's names
        of the training values) mean "train_loss" and "train_accuracy"."""
        for key in (self.monitor, f"train_{self.monitor}"):
            if key in history.epoch:
                return float(history.epoch[key][-1])
        hint = ""
        if self.monitor.startswith("val_") and not any(k.startswith("val_")
                                                       for k in history.epoch):
            hint = "; fit records val_* values only with a val_loader="
        raise ValueError(f"{self.who}: monitor {self.monitor!r} is not a value of the "
                         f"history, which records {', '.join(map(repr, history.epoch))}"
                         f"{hint}; pass one of those as monitor=")

    def _improves(self, value: float) -> bool:
        if self.mode == "min":
            return value < self.best - self.min_delta
        return value > self.best + self.min_delta


def _direction(who: str, monitor: str, mode: str) -> str:
    if mode != "auto":
        return mode
    name = monitor.lower()
    if name.endswith(_LOWER_IS_BETTER):
        return "min"
    if name.endswith(_HIGHER_IS_BETTER):
        return "max"
    raise ValueError(f"{who}: mode='auto' cannot tell whether {monitor!r} should go down "
                     "or up; say mode='min' (lower is better, e.g. an error) or "
                     "mode='max' (higher is better, e.g. a score)")


def _check_model(who: str, model: Any) -> None:
    if not (callable(getattr(model, "state_dict", None))
            and callable(getattr(model, "load_state_dict", None))):
        raise TypeError(f"{who} needs a model with state_dict() and load_state_dict() "
                        f"(a tg.nn.Module), got {type(model).__name__}")


# --- the callbacks ---


class EarlyStopping(_Monitor):
    """Stop training when a recorded value has stopped improving (Keras's semantics).

    After each epoch the monitored value improves when it is lower than the best so far
    by more than ``min_delta`` (mode "min"; higher by more than ``min_delta`` in mode
    "max"). Training stops after ``patience`` epochs in a row without improvement.

    Args:
        monitor: a key of ``history.epoch``: ``"val_loss"`` (the default; needs fit's
            ``val_loader``), ``"train_loss"``, ``"val_accuracy"``, ... (``"loss"`` and
            ``"accuracy"``, Keras's names, mean the training values). An unknown name
            raises at the end of the first epoch, naming the keys there are.
        patience: epochs without improvement to allow, an int >= 0. Defaults to 0: stop
            at the first epoch that does not improve (as 1 does, in Keras too).
        min_delta: the smallest change that counts as an improvement, >= 0.
        mode: ``"min"``, ``"max"``, or ``"auto"`` (the default): ``"min"`` for names
            ending in ``loss`` or ``error``, ``"max"`` for ``accuracy``; for other names
            auto raises at once, asking for min or max.
        restore_best_weights: put back, when training ends, the model's parameters and
            buffers of the best epoch (bit-identical: a copy of its state_dict). Unlike
            Keras, also when training ran all its epochs without stopping.

    Attributes:
        best, best_epoch: the best value and its epoch (from 1).
        stopped_epoch: the epoch at which it stopped training, 0 if it did not.
        wait: epochs since the last improvement.

    Raises:
        ValueError: a bad hyper-parameter (at once); an unknown monitor (first epoch end).

    Example:
        >>> stop = EarlyStopping(patience=3, restore_best_weights=True)
        >>> history = fit(model, loss_fn, optimizer, train, 100, val_loader=val,
        ...               callbacks=[stop])
        >>> stop.best_epoch
    """

    def __init__(self, monitor: str = "val_loss", patience: int = 0, min_delta: float = 0.0,
                 mode: str = "auto", restore_best_weights: bool = False) -> None:
        self.patience = checks.integer(patience, "EarlyStopping: patience", low=0)
        min_delta = checks.real(min_delta, "EarlyStopping: min_delta", low=0)
        self.restore_best_weights = checks.flag(restore_best_weights,
                                                "EarlyStopping: restore_best_weights")
        super().__init__("EarlyStopping", monitor, mode, min_delta)
        self.wait = self.stopped_epoch = 0
        self.best_weights = None

    def on_train_begin(self, history: History) -> None:
        if self.restore_best_weights:
            _check_model("EarlyStopping(restore_best_weights=True)", self.model)
        super().on_train_begin(history)
        self.wait = self.stopped_epoch = 0
        self.best_weights = None

    def on_epoch_end(self, epoch: int, history: History) -> bool:
        value = self._current(history)
        if self._improves(value):
            self.best, self.best_epoch, self.wait = value, epoch, 0
            if self.restore_best_weights:
                self.best_weights = self.model.state_dict()  # a copy (see Module.state_dict)
            return False
        self.wait += 1
        if self.wait < self.patience:
            return False
        self.stopped_epoch = epoch
        self.say(f"early stopping after epoch {epoch}: {self.monitor} has not improved "
                 f"for {self.wait} epoch(s); the best, {self.best:.4g}, was at epoch "
                 f"{self.best_epoch}")
        return True

    def on_train_end(self, history: History) -> None:
        if self.best_weights is not None and self.best_epoch != history.num_epochs:
            self.model.load_state_dict(self.best_weights)
            self.say(f"restored the weights of epoch {self.best_epoch} "
                     f"({self.monitor} {self.best:.4g})")


class ModelCheckpoint(_Monitor):
    """Save the model's ``state_dict()`` with ``tg.save`` after an epoch that improved.

    Load it back with ``model.load_state_dict(tg.load(path))``. Each save is atomic: an
    interrupted one leaves the previous file.

    Args:
        path: the file to write (``.npz``); it may hold ``{epoch}`` and recorded values,
            formatted per save, e.g. ``"out/epoch{epoch:02d}-{val_loss:.3f}.npz"``.
        monitor: the value that decides "best", as in ``EarlyStopping``.
        save_best_only: True (the default) saves only when ``monitor`` improves on the
            best so far, so ``path`` holds the best model; False saves after every epoch
            (and ``monitor`` and ``mode`` are not used).
        mode: ``"min"``, ``"max"`` or ``"auto"``, as in ``EarlyStopping``.

    Attributes:
        best, best_epoch: the best value and its epoch; saved_epochs: the epochs saved.

    Raises:
        ValueError: a bad hyper-parameter; ``path`` is a folder.

    Example:
        >>> fit(..., val_loader=val, callbacks=[ModelCheckpoint("out/best.npz")])
        >>> model.load_state_dict(tg.load("out/best.npz"))
    """

    def __init__(self, path: str | os.PathLike, monitor: str = "val_loss",
                 save_best_only: bool = True, mode: str = "auto") -> None:
        if not isinstance(path, (str, os.PathLike)):
            raise checks.ArgumentTypeError(f"ModelCheckpoint: path must be a file name, got "
                                           f"{type(path).__name__}")
        self.path = os.fspath(path)
        if os.path.isdir(self.path):
            raise ValueError(f"ModelCheckpoint: path {self.path!r} is a folder; give a file "
                             f"name in it, e.g. {os.path.join(self.path, 'best.npz')!r}")
        self.save_best_only = checks.flag(save_best_only, "ModelCheckpoint: save_best_only")
        super().__init__("ModelCheckpoint", monitor, mode, need_direction=self.save_best_only)
        self.saved_epochs: list[int] = []

    def on_train_begin(self, history: History) -> None:
        _check_model("ModelCheckpoint", self.model)
        super().on_train_begin(history)
        self.saved_epochs = []

    def on_epoch_end(self, epoch: int, history: History) -> None:
        if self.save_best_only:
            value = self._current(history)
            if not self._improves(value):
                return
            before, self.best, self.best_epoch = self.best, value, epoch
        path = self._path_for(epoch, history)
        save(self.model.state_dict(), path)
        self.saved_epochs.append(epoch)
        if self.save_best_only:
            was = "" if math.isinf(before) else f" from {before:.4g}"
            self.say(f"epoch {epoch}: {self.monitor} improved{was} to {self.best:.4g}, "
                     f"saved {path}")

    def _path_for(self, epoch: int, history: History) -> str:
        if "{" not in self.path:
            return self.path
        fields = {key: values[-1] for key, values in history.epoch.items()}
        try:
            return self.path.format(epoch=epoch, **fields)
        except (KeyError, IndexError, ValueError) as e:
            raise ValueError(f"ModelCheckpoint: cannot fill in path {self.path!r} ({e!r}); "
                             f"it may use {{epoch}} and {', '.join(fields)}") from e


class LearningRateMonitor(Callback):
    """Say when the learning rate changed, and keep each parameter group's rate per epoch.

    ``history.step["lr"]`` already holds the rate of every step (first group); this one
    points out the changes, e.g. a ``ReduceLROnPlateau`` cut: after an epoch whose end
    rate differs from the one before, it prints (when fit prints) a line such as
    ``epoch 7: lr 0.1 -> 0.01 (x0.1)``.

    Args:
        min_change: the smallest relative change reported, >= 0: 0 (the default) reports
            every change, 0.3 only those of more than 30% (quiet for a slow decay).

    Attributes:
        lrs: per epoch, the list of the groups' learning rates at its end.
        changes: ``(epoch, group, old, new)`` for each reported change.
    """

    def __init__(self, min_change: float = 0.0) -> None:
        self.min_change = checks.real(min_change, "LearningRateMonitor: min_change", low=0)
        self.lrs: list[list[float]] = []
        self.changes: list[tuple[int, int, float, float]] = []

    def on_train_begin(self, history: History) -> None:
        self.lrs, self.changes = [], []
        self._reported = self._rates()

    def on_epoch_end(self, epoch: int, history: History) -> None:
        rates = self._rates()
        self.lrs.append(rates)
        several = len(rates) > 1
        for group, (old, new) in enumerate(zip(self._reported, rates)):
            if new == old or abs(new - old) <= self.min_change * abs(old):
                continue
            self.changes.append((epoch, group, old, new))
            self._reported[group] = new
            ratio = f" (x{new / old:.3g})" if old else ""
            where = f" (group {group})" if several else ""
            self.say(f"epoch {epoch}: lr {old:.3g} -> {new:.3g}{ratio}{where}")

    def _rates(self) -> list[float]:
        return [float(group["lr"]) for group in self.optimizer.param_groups]


# --- fit's own output ---


class _Progress(Callback):
    """fit's output: one line per epoch, flushed (``bar=False``, for logs, pipes and CI), or
    a live line during the epoch (``bar=True``: terminals and notebooks, redrawn after a
    carriage return) that ends as the same epoch line."""

    def __init__(self, bar: bool) -> None:
        self.bar = bar
        self._shown = 0  # characters of the live line on screen (0: none)

    def on_train_begin(self, history: History) -> None:
        self._first_step, self._drawn, self._shown = 0, 0.0, 0
        self._start = time.perf_counter()

    def on_batch_end(self, step: int, history: History) -> None:
        if not self.bar:
            return
        batch, now = step - self._first_step, time.perf_counter()
        if batch not in (1, self.steps_per_epoch) and now - self._drawn < 0.1:
            return  # at most 10 redraws a second
        self._drawn = now
        losses = history.step["loss"][self._first_step:]
        total = self.steps_per_epoch
        if total:
            done = 20 * batch // total
            count = f"[{'=' * done}{'>' if done < 20 else ''}{'.' * (19 - done)}] {batch}/{total}"
        else:
            count = f"step {batch}"
        text = (f"epoch {history.num_epochs + 1:>{len(str(self.epochs))}}/{self.epochs}  "
                f"{count}  loss {sum(losses) / len(losses):.4f}  {now - self._start:.1f}s")
        self._draw(text[:max(shutil.get_terminal_size().columns - 1, 20)])

    def on_epoch_end(self, epoch: int, history: History) -> None:
        self._first_step, self._start = history.num_steps, time.perf_counter()
        line = _epoch_line(epoch, self.epochs, history, float(self.optimizer.param_groups[0]["lr"]))
        if self.bar:
            self._draw(line)
            self._finish()
        else:
            print(line, flush=True)

    def _draw(self, text: str) -> None:
        sys.stdout.write("\r" + text.ljust(self._shown))
        sys.stdout.flush()
        self._shown = max(len(text), 1)

    def _finish(self) -> None:
        """End the live line (at the end of an epoch, or when fit raises during one)."""
        if self._shown:
            sys.stdout.write("\n")
            sys.stdout.flush()
            self._shown = 0


def _epoch_line(epoch: int, epochs: int, history: History, lr: float) -> str:
    """"epoch 3/10  45 steps  train loss 0.2345  val accuracy 97.50%  lr 0.05  1.2s"."""
    record = {key: values[-1] for key, values in history.epoch.items()
              if len(values) == history.num_epochs}
    parts = [f"epoch {epoch:>{len(str(epochs))}}/{epochs}", f"{record['steps']} steps"]
    for key, value in record.items():
        if key in ("steps", "time"):
            continue
        label = key.replace("_", " ")
        parts.append(f"{label} {value:.2%}" if key.endswith("accuracy") else f"{label} {value:.4f}")
    parts += [f"lr {lr:.3g}", f"{record['time']:.1f}s"]
    return "  ".join(parts)


def _run(callbacks: Iterable[Callback], hook: str, *args: Any) -> bool:
    """Call ``hook`` on every callback (all of them, in order); True if any returned True."""
    stop = False
    for callback in callbacks:
        if getattr(callback, hook)(*args):
            stop = True
    return stop
