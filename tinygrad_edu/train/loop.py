"""fit(): the mini-batch training loop, with evaluate() and the accuracy metric it reports.

One step is the loop every lesson writes by hand:
    zero the gradients → forward → loss → backward → optimizer.step() → scheduler.step()
"""
from __future__ import annotations

import math
import sys
import time
from typing import Any, Callable, Iterable, Mapping, Sequence

import numpy as np

from .. import checks
from ..autograd import no_grad
from ..optim.lr_scheduler import ReduceLROnPlateau
from .._tensor import Tensor
from .callbacks import Callback, _as_callbacks, _Progress, _run
from .history import History

Metric = Callable[[Any, Any], float]


class DivergedError(FloatingPointError):
    """The loss became NaN or infinite: training diverged, usually from too large a learning rate.

    Attributes:
        step: the optimisation step (counted from 1 over the whole run) whose loss was bad.
        epoch: the epoch it happened in (from 1).
        loss: the bad loss value (nan, inf or -inf).
        lr: the learning rate in use.
        history: the History recorded up to that step.
    """

    def __init__(self, step: int, epoch: int, loss: float, lr: float,
                 history: History | None = None) -> None:
        self.step, self.epoch, self.loss, self.lr, self.history = step, epoch, loss, lr, history
        super().__init__(
            f"the loss became {loss} at step {step} (epoch {epoch}) with learning rate "
            f"{lr:g}: training diverged. The learning rate is probably too large; try a "
            f"smaller one (e.g. {lr / 10:g}), or find a good one with "
            "tg.train.lr_range_test.")


def accuracy(output: Any, target: Any) -> float:
    """The fraction of correct predictions in a batch.

    Args:
        output: the model's output, shape (n, classes): the predicted class is the
            largest score. With a single score per sample, shape (n,) or (n, 1), the
            scores are read as logits and the prediction is 1 where the score is > 0.
        target: the true class labels, shape (n,) (or (n, 1) with a single score).

    Returns:
        The number of correct predictions divided by n, in [0, 1].

    Raises:
        ValueError: the targets are not class labels (fractional values such as 0.3: a
            regression, where accuracy means nothing), or their number is not the
            number of predictions.
    """
    out, t = np.asarray(output), np.asarray(target)
    if t.dtype.kind not in "biu":
        fractions = t[t != np.round(t)] if t.dtype.kind == "f" else None
        if fractions is None or fractions.size:
            what = (f"dtype {t.dtype}" if fractions is None
                    else f"{fractions.size} of them are not whole numbers, e.g. {fractions[0]}")
            raise ValueError(f"accuracy compares predicted and true class labels, but the "
                             f"targets are not class labels ({what}): for a regression, "
                             "measure the loss instead (metrics=[] or another metric)")
    if out.ndim == 2 and out.shape[1] > 1:
        predicted = out.argmax(axis=1)
    else:
        predicted = (out > 0).reshape(-1)
    t = t.reshape(-1)
    if predicted.shape != t.shape:
        raise ValueError(f"accuracy: {predicted.shape[0]} predictions from an output of shape "
                         f"{out.shape} for targets of shape {np.shape(target)}")
    return float(np.mean(predicted == t))


_NAMED_METRICS: dict[str, Metric] = {"accuracy": accuracy}


_ONE_SHOT_HINT = ("it gave batches before, so it is probably a one-shot iterator (a "
                  "generator, iter(...)) that cannot start over; pass a DataLoader or a "
                  "list of batches")


def fit(model: Any, loss_fn: Callable[[Any, Any], Any], optimizer: Any,
        train_loader: Iterable, epochs: int = 1, *, scheduler: Any = None,
        val_loader: Iterable | None = None,
        metrics: Sequence[str | Metric] | Mapping[str, Metric] | None = None,
        callbacks: Sequence[Callback | Callable[[int, History], Any]] = (),
        progress: bool | None = None) -> History:
    """Train ``model`` for ``epochs`` passes over ``train_loader`` and record what happened.

    Each batch ``(x, y)`` makes one step: ``optimizer.zero_grad()``, ``loss =
    loss_fn(model(x), y)``, ``loss.backward()``, ``optimizer.step()``, then
    ``scheduler.step()`` (so a schedule counts steps, not epochs). After each epoch the
    model is evaluated on ``val_loader`` (in eval mode, without a graph) and the
    callbacks run. A ``ReduceLROnPlateau`` is the exception: it is stepped once per
    epoch, after the evaluation, with the epoch's validation loss
    (``scheduler.step(val_loss)``; the training loss when there is no ``val_loader``).

    Args:
        model: a ``tg.nn.Module`` (anything callable with ``parameters()``; ``train()`` /
            ``eval()`` are used when present).
        loss_fn: maps ``(output, target)`` to a one-element loss Tensor, the mean over
            the batch (e.g. ``nn.CrossEntropyLoss()``).
        optimizer: a ``tg.optim`` optimizer over the model's parameters.
        train_loader: yields ``(inputs, targets)`` batches, e.g. a ``tg.data.DataLoader``.
        epochs: passes over the training data, >= 1. Defaults to 1.
        scheduler: a learning-rate schedule, stepped after every optimizer step; a
            ``ReduceLROnPlateau`` is stepped once per epoch with the validation loss
            (the training loss without a ``val_loader``).
        val_loader: batches to evaluate on after each epoch (loss and metrics).
        metrics: names (``"accuracy"``) or functions ``f(output, target) -> float`` (the
            batch mean; named by ``__name__``, or give a dict name → function). ``None``
            (the default) measures accuracy when the targets are integer class labels,
            nothing otherwise.
        callbacks: ``tg.train.Callback`` objects (``EarlyStopping``,
            ``ModelCheckpoint``, ``LearningRateMonitor``, your own), or plain functions
            ``cb(epoch, history)`` run after each epoch; one that returns True stops
            training after that epoch (all callbacks still run for it).
        progress: what fit prints. ``None`` (the default): in a terminal or a notebook,
            a live progress line during each epoch (steps done, running loss) that ends
            as the epoch's line; elsewhere (redirected, piped, CI logs) just one line per
            epoch, flushed, like Keras's ``verbose=2``. The epoch line holds the steps
            so far, train and validation loss and metrics, the learning rate and the
            epoch's time. ``True``: the plain per-epoch lines, everywhere. ``False``:
            nothing (callbacks then print nothing either).

    Returns:
        The ``History`` of the run (per-step loss, learning rate, gradient norm;
        per-epoch losses, metrics and times).

    Raises:
        DivergedError: the loss became NaN or infinite; the message names the step and
            the learning rate (a ``FloatingPointError``).
        ValueError: the loss became NaN or infinite and the batch itself holds NaN or
            inf (the message names the batch and the position; the learning rate is not
            the cause); ``epochs`` not an integer >= 1, ``progress`` not a bool or None,
            or an unknown metric name; the optimizer holds none of the model's trainable
            parameters (made for another model); the loss does not depend on any
            parameter (computed outside the graph, or every parameter frozen).
        TypeError: a callback that is not a function or Callback; a model, loss, optimizer or
            scheduler that is not one (a class instead of an instance, a string); a
            loss_fn that returns no Tensor, or fails on a model output that is a tuple
            (the message says so).

    Example:
        >>> history = fit(model, nn.CrossEntropyLoss(), tg.optim.Adam(model.parameters()),
        ...               train_loader, epochs=10, val_loader=test_loader)
        >>> history.epoch["val_accuracy"][-1]
    """
    epochs = checks.integer(epochs, "fit: epochs", low=1)
    if progress is not None:
        checks.flag(progress, "fit: progress")
    callbacks = _as_callbacks(callbacks, "fit")
    named = None if metrics is None else _metric_functions(metrics)
    params = _check_training_parts("fit", model, loss_fn, optimizer, scheduler)
    history = History()
    shown = _output(progress)
    printer = None if shown is None else _Progress(bar=shown == "bar")
    callbacks = ([printer] if printer else []) + callbacks  # the epoch line comes first
    for callback in callbacks:
        callback._attach(model, optimizer, epochs, _length(train_loader), printer is not None)
    _run(callbacks, "on_train_begin", history)
    step = 0
    per_epoch = isinstance(scheduler, ReduceLROnPlateau)  # stepped with the epoch's loss
    _set_mode(model, training=True)
    try:
        for epoch in range(1, epochs + 1):
            start = time.perf_counter()
            totals: dict[str, float] = {}
            count = 0
            for number, batch in enumerate(train_loader, 1):
                x, y = _inputs_and_targets(batch)
                if named is None:  # decided on the first batch: classification or not
                    named = _default_metrics(y)
                optimizer.zero_grad()
                output = model(x)
                loss = _batch_loss("fit", loss_fn, output, y)
                value = _scalar(loss)
                lr = float(optimizer.param_groups[0]["lr"])
                step += 1
                if not math.isfinite(value):
                    _check_batch_is_finite(x, y, f"batch {number} of epoch {epoch}", value)
                    raise DivergedError(step, epoch, value, lr, history)
                _check_differentiable("fit", loss)
                loss.backward()
                norm = _grad_norm(params)
                optimizer.step()
                if scheduler is not None and not per_epoch:
                    scheduler.step()
                history.log_step(value, lr, norm)
                _run(callbacks, "on_batch_end", step, history)
                n = _batch_size(x)
                count += n
                _accumulate(totals, n, value, named, output, y)
            if count == 0:
                if epoch > 1:
                    raise ValueError(f"train_loader yielded no batches in epoch {epoch}: "
                                     f"{_ONE_SHOT_HINT}")
                raise ValueError("train_loader yielded no batches (an empty dataset, or "
                                 "drop_last=True with fewer samples than batch_size)")
            record = {f"train_{k}": v / count for k, v in totals.items()}
            if val_loader is not None:
                scores = evaluate(model, loss_fn, val_loader, named)
                _set_mode(model, training=True)
                record.update({f"val_{k}": v for k, v in scores.items()})
            if per_epoch:
                scheduler.step(record.get("val_loss", record["train_loss"]))
            record["steps"] = step
            record["time"] = time.perf_counter() - start
            history.log_epoch(**record)
            if _run(callbacks, "on_epoch_end", epoch, history):
                break
    finally:
        if printer is not None:
            printer._finish()  # ends a live line that an error cut short, before the traceback
    _run(callbacks, "on_train_end", history)
    return history


def evaluate(model: Any, loss_fn: Callable[[Any, Any], Any] | None, loader: Iterable,
             metrics: Sequence[str | Metric] | Mapping[str, Metric] | None = None
             ) -> dict[str, float]:
    """The mean loss and metrics of ``model`` over ``loader``, in eval mode, without a graph.

    Args:
        model: the model; put in eval mode while evaluating, its mode restored after.
        loss_fn: the loss, or None to skip it.
        loader: yields ``(inputs, targets)`` batches.
        metrics: as in ``fit``; ``None`` measures accuracy for integer class labels.

    Returns:
        A dict ``{"loss": ..., "accuracy": ...}`` of means weighted by batch size.
    """
    named = None if metrics is None else _metric_functions(metrics)
    was_training = getattr(model, "training", True)
    _set_mode(model, training=False)
    totals: dict[str, float] = {}
    count = 0
    try:
        with no_grad():
            for batch in loader:
                x, y = _inputs_and_targets(batch)
                if named is None:
                    named = _default_metrics(y)
                output = model(x)
                n = _batch_size(x)
                count += n
                loss = None if loss_fn is None else _scalar(
                    _batch_loss("evaluate", loss_fn, output, y, training=False))
                _accumulate(totals, n, loss, named, output, y)
    finally:
        _set_mode(model, training=was_training)
    if count == 0:
        raise ValueError("the loader yielded no batches")
    return {k: v / count for k, v in totals.items()}


# --- helpers ---


def _metric_functions(metrics: Any) -> dict[str, Metric]:
    if isinstance(metrics, Mapping):
        return dict(metrics)
    if isinstance(metrics, str):
        metrics = (metrics,)
    named = {}
    for m in metrics:
        if isinstance(m, str):
            if m not in _NAMED_METRICS:
                raise ValueError(f"unknown metric {m!r}; known: {sorted(_NAMED_METRICS)}, "
                                 "or pass a function f(output, target) -> float")
            named[m] = _NAMED_METRICS[m]
        elif callable(m):
            named[getattr(m, "__name__", type(m).__name__)] = m
        else:
            raise TypeError(f"a metric is a name or a function, got {m!r}")
    return named


def _default_metrics(y: Any) -> dict[str, Metric]:
    """Accuracy when the targets are integer class labels, nothing otherwise."""
    return {"accuracy": accuracy} if np.asarray(y).dtype.kind in "iub" else {}


def _accumulate(totals: dict[str, float], n: int, loss: float | None,
                metrics: Mapping[str, Metric], output: Any, y: Any) -> None:
    """Add a batch's loss (unless None) and metrics, weighted by its size n, to totals."""
    if loss is not None:
        totals["loss"] = totals.get("loss", 0.0) + loss * n
    for name, metric in metrics.items():
        totals[name] = totals.get(name, 0.0) + metric(output, y) * n


def _check_training_parts(who: str, model: Any, loss_fn: Any, optimizer: Any,
                          scheduler: Any = None) -> list:
    """Refuse a model, loss, optimizer or scheduler that is not one (before any step);
    return the model's parameters."""
    for name, part, example in (("model", model, "model = MLP()"),
                                ("loss_fn", loss_fn, "nn.CrossEntropyLoss()"),
                                ("optimizer", optimizer, "tg.optim.SGD(model.parameters())"),
                                ("scheduler", scheduler, "StepLR(optimizer, 10)")):
        if isinstance(part, type):
            raise TypeError(f"{who}: {name} is the class {part.__name__}, not an instance of "
                            f"it; make one first, e.g. {example}")
    if not callable(model) or not callable(getattr(model, "parameters", None)):
        raise TypeError(f"{who}: model must be a tg.nn.Module (callable, with parameters()), "
                        f"got {type(model).__name__}")
    if not callable(loss_fn):
        raise TypeError(f"{who}: loss_fn must be a function loss_fn(output, target), e.g. "
                        f"nn.CrossEntropyLoss(), got {type(loss_fn).__name__}")
    if not all(hasattr(optimizer, a) for a in ("step", "zero_grad", "param_groups")):
        raise TypeError(f"{who}: optimizer must be a tg.optim optimizer, e.g. "
                        f"tg.optim.SGD(model.parameters(), lr=0.1), got "
                        f"{type(optimizer).__name__}")
    if scheduler is not None and not callable(getattr(scheduler, "step", None)):
        raise TypeError(f"{who}: scheduler must be a tg.optim.lr_scheduler schedule (with "
                        f"step()), got {type(scheduler).__name__}")
    params = list(model.parameters())
    trainable = [p for p in params if getattr(p, "requires_grad", False)]
    held = {id(p) for group in optimizer.param_groups for p in group["params"]}
    if trainable and not any(id(p) in held for p in trainable):
        raise ValueError(
            f"{who}: the optimizer holds none of the model's trainable parameters, so "
            "training would change nothing: it was made for another model (or before the "
            "model was re-created or copied); make it from this one: "
            "tg.optim.SGD(model.parameters(), lr=...)")
    return params


def _batch_loss(who: str, loss_fn: Callable[[Any, Any], Any], output: Any, y: Any,
                training: bool = True) -> Any:
    """``loss_fn(output, y)``; when training, it must be a Tensor. A failure on a model
    output that is a tuple says so (an RNN's (output, hidden), say)."""
    try:
        loss = loss_fn(output, y)
    except Exception as e:
        if isinstance(output, (tuple, list)):
            raise TypeError(
                f"{who}: the model returned a {type(output).__name__} of {len(output)} "
                f"values, and loss_fn failed on it ({type(e).__name__}: {e}). loss_fn gets "
                "what the model returns: make forward() return the predictions alone, or "
                "give a loss_fn that picks them, e.g. lambda out, y: criterion(out[0], y)"
            ) from e
        raise
    if training and not isinstance(loss, Tensor):
        what = (f"a plain number {loss!r} (.item() or float() leave the graph)"
                if isinstance(loss, (int, float, np.generic)) else
                f"a {type(loss).__name__}")
        raise TypeError(f"{who}: loss_fn must return a Tensor, computed from the model's "
                        f"output with Tensor operations so that backward reaches the "
                        f"parameters; it returned {what}")
    return loss


def _check_differentiable(who: str, loss: Tensor) -> None:
    if not loss.requires_grad:
        raise ValueError(
            f"{who}: the loss does not depend on any parameter that requires grad, so "
            "backward has nothing to train: it was computed outside the graph (from .data, "
            ".item(), .numpy() or a NumPy function), under no_grad, or every parameter of "
            "the model is frozen (requires_grad=False)")


def _inputs_and_targets(batch: Any) -> tuple[Any, Any]:
    if not isinstance(batch, (tuple, list)) or len(batch) != 2:
        what = f"a {type(batch).__name__}"
        if isinstance(batch, (tuple, list)):
            what += f" of {len(batch)}"
        raise TypeError(f"expected each batch to be (inputs, targets), got {what}")
    return batch[0], batch[1]


def _check_batch_is_finite(x: Any, y: Any, where: str, loss: float) -> None:
    """Raise a ValueError naming the first NaN/inf in the inputs or targets of a batch
    whose loss was not finite: then the data, not the learning rate, is to blame."""
    for what, value in (("inputs", x), ("targets", y)):
        bad = _first_nonfinite(value)
        if bad is not None:
            count, index, first = bad
            raise ValueError(
                f"the loss became {loss} at {where} because the "
                f"data is not finite: that batch's {what} hold {count} NaN or inf value(s), "
                f"the first ({first}) at index {index} of the batch. The learning "
                "rate is not the cause: clean the data before training (the bad rows are "
                "those where ~np.isfinite(X).all(axis=1); drop them, or fill the values, "
                "e.g. with the column mean).")


def _first_nonfinite(value: Any) -> tuple | None:
    """(count, index, value) of the NaN/inf entries of an array-like batch field, if any."""
    if isinstance(value, (tuple, list)) and value and not np.isscalar(value[0]):
        for part in value:  # a batch field made of several arrays
            found = _first_nonfinite(part)
            if found is not None:
                return found
        return None
    data = getattr(value, "data", value) if not isinstance(value, np.ndarray) else value
    try:
        data = np.asarray(data)
    except Exception:  # not array-like (a string, a custom object): nothing to check
        return None
    if data.dtype.kind not in "fc":
        return None
    bad = ~np.isfinite(data)
    if not bad.any():
        return None
    index = tuple(int(i) for i in np.argwhere(bad)[0])
    return int(bad.sum()), index, data[index]


def _scalar(loss: Any) -> float:
    data = np.asarray(loss)
    if data.size != 1:
        raise ValueError(f"loss_fn must return a single number (the batch mean), got shape "
                         f"{data.shape}")
    return float(data.reshape(()))


def _batch_size(x: Any) -> int:
    shape = np.shape(x)
    return shape[0] if shape else 1


def _grad_norm(params: list) -> float:
    """sqrt(sum of g**2 over every gradient entry of every parameter)."""
    total = 0.0
    for p in params:
        if p.grad is not None:
            g = p.grad.data.ravel()
            total += float(np.dot(g, g))
    return math.sqrt(total)


def _set_mode(model: Any, training: bool) -> None:
    method = getattr(model, "train" if training else "eval", None)
    if callable(method):
        method()


def _output(progress: bool | None) -> str | None:
    """What fit prints: "bar" (a live line: terminals, notebooks), "lines" (one per epoch)
    or None."""
    if progress is None:
        return "bar" if _is_terminal() or _in_notebook() else "lines"
    return "lines" if progress else None


def _length(loader: Any) -> int | None:
    """``len(loader)`` (batches per epoch), or None for a loader without a length."""
    try:
        return len(loader)
    except TypeError:
        return None


def _is_terminal() -> bool:
    isatty = getattr(sys.stdout, "isatty", None)
    try:
        return bool(isatty and isatty())
    except (OSError, ValueError):  # a closed or detached stream
        return False


def _in_notebook() -> bool:
    """Running under IPython or Jupyter (whose output streams are not terminals)."""
    if "ipykernel" in sys.modules:
        return True
    get_ipython = getattr(sys.modules.get("IPython"), "get_ipython", None)
    try:
        return callable(get_ipython) and get_ipython() is not None
    except Exception:  # a broken or partial IPython install: treat as no shell
        return False
