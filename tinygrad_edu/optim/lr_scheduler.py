"""Learning-rate schedules: set each parameter group's ``lr`` from the step count.

Every schedule here is a closed form ``lr = f(base_lr, step)``: ``step`` counts the
``scheduler.step()`` calls so far (0 right after construction) and ``base_lr`` is the
group's lr when the scheduler was made. Call ``scheduler.step()`` once after each
``optimizer.step()``::

    opt = tg.optim.SGD(params, lr=0.1)
    sched = tg.optim.lr_scheduler.ExponentialDecay(opt, decay_steps=1, decay_rate=0.99)
    for batch in data:
        ...; opt.step(); sched.step()

``lr_at(step)`` answers without stepping (to plot a schedule). Step counts are kept
in ``last_epoch``, PyTorch's name, although one step is usually one batch.

Unlike PyTorch's, two schedules on one optimizer do not multiply: each sets the lr from
its own formula, and the last ``step()`` wins (a warning says so). Combine schedules with
``LinearWarmup(..., then=other)`` or one ``LambdaLR``.
"""
from __future__ import annotations

import math
import numbers
import warnings
import weakref
from typing import Any, Callable, Sequence

from .optimizer import Optimizer, check_number


class LRScheduler:
    """Base class: keeps the step count and writes ``lr_at(step)`` into the optimizer.

    A subclass defines ``_lrs(step)``, the list of learning rates (one per parameter
    group) at ``step`` from ``self.base_lrs``.

    Args:
        optimizer: the optimizer whose ``param_groups[i]['lr']`` this schedule sets.
        last_epoch: the step count to resume from; -1 (default) starts a new schedule
            (each group's current lr becomes its ``initial_lr``, the base lr).

    Raises:
        TypeError: ``optimizer`` is not an Optimizer.
        ValueError: resuming (``last_epoch >= 0``) but a group has no ``initial_lr``.
    """

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"a scheduler needs an Optimizer, got {type(optimizer).__name__}")
        _check_int("last_epoch", last_epoch, -1)
        previous = getattr(optimizer, "_scheduler", lambda: None)()
        if last_epoch == -1 and previous is not None and previous is not getattr(self, "then", None):
            warnings.warn(
                f"this optimizer already has a {type(previous).__name__}: schedules do not "
                "compose here (the last step() sets the lr); combine them with "
                "LinearWarmup(then=...) or a LambdaLR", UserWarning, stacklevel=2)
        optimizer._scheduler = weakref.ref(self)
        self.optimizer = optimizer
        for i, group in enumerate(optimizer.param_groups):
            if last_epoch == -1:
                group.setdefault("initial_lr", group["lr"])
            elif "initial_lr" not in group:
                raise ValueError(f"param_groups[{i}] has no 'initial_lr': to resume with "
                                 f"last_epoch={last_epoch}, load the optimizer state first")
        self.base_lrs = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        self.step()

    def _lrs(self, step: int) -> list[float]:
        raise NotImplementedError

    def lr_at(self, step: int) -> list[float]:
        """The learning rates (one per parameter group) after ``step`` calls of ``step()``.

        Does not change the scheduler or the optimizer: use it to plot the schedule.
        """
        _check_int("step", step, 0)
        return self._lrs(int(step))

    def get_lr(self) -> list[float]:
        """The learning rates at the current step count."""
        return self.lr_at(self.last_epoch)

    def get_last_lr(self) -> list[float]:
        """The learning rates the last ``step()`` set, one per parameter group."""
        return list(self._last_lr)

    def step(self) -> None:
        """Count one step and set every group's lr to ``lr_at(step count)``."""
        self.last_epoch += 1
        self._set_lrs(self.lr_at(self.last_epoch))

    def _set_lrs(self, lrs: list[float]) -> None:
        groups = self.optimizer.param_groups
        if len(groups) != len(lrs):
            raise ValueError(
                f"the optimizer has {len(groups)} parameter groups but this "
                f"{type(self).__name__} was made for {len(lrs)}: make the scheduler after "
                "the last add_param_group()")
        for group, lr in zip(groups, lrs):
            group["lr"] = lr
        self._last_lr = list(lrs)

    def state_dict(self) -> dict[str, Any]:
        """Everything but the optimizer: the step count, base lrs and hyper-parameters."""
        return {k: list(v) if isinstance(v, list) else v
                for k, v in self.__dict__.items() if k not in self._not_saved}

    _not_saved: tuple = ("optimizer",)

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore ``state_dict()``; also puts the restored lrs into the optimizer's groups,
        so it does not matter whether the optimizer's state was loaded before or after."""
        self.__dict__.update({k: list(v) if isinstance(v, (list, tuple)) else v
                              for k, v in state_dict.items() if k not in self._not_saved})
        for group, base_lr in zip(self.optimizer.param_groups, self.base_lrs):
            group["initial_lr"] = base_lr
        self._set_lrs(self._last_lr)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(step={self.last_epoch}, lr={self._last_lr})"


# --- TensorFlow's decays ---

class _TensorFlowDecay(LRScheduler):
    """What TensorFlow's decays share: ``decay_steps``, ``decay_rate`` and ``staircase``."""

    def __init__(self, optimizer: Optimizer, decay_steps: float, decay_rate: float,
                 staircase: bool, last_epoch: int) -> None:
        _check_positive("decay_steps", decay_steps)
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = bool(staircase)
        super().__init__(optimizer, last_epoch)

    def _progress(self, step: int) -> float:
        """``step / decay_steps``, floored when ``staircase``."""
        p = step / self.decay_steps
        return math.floor(p) if self.staircase else p


class ExponentialDecay(_TensorFlowDecay):
    """TensorFlow's exponential decay: ``lr = lr0 * decay_rate ** (step / decay_steps)``.

    With ``staircase=True`` the exponent is floored, ``floor(step / decay_steps)``, so the
    lr drops by ``decay_rate`` once every ``decay_steps`` steps. ``step`` counts
    ``scheduler.step()`` calls; lr0 is the optimizer's lr when the scheduler is made.

    Args:
        optimizer: the optimizer to schedule.
        decay_steps: steps per factor of ``decay_rate``, > 0.
        decay_rate: the factor per ``decay_steps`` steps, > 0 (e.g. 0.96).
        staircase: floor the exponent (default False).
        last_epoch: step count to resume from (default -1, a new schedule).

    Example:
        >>> opt = tg.optim.SGD([w], lr=0.1)
        >>> sched = ExponentialDecay(opt, decay_steps=1, decay_rate=0.99, staircase=True)
        >>> opt.step(); sched.step(); sched.get_last_lr()
        [0.099]
    """

    def __init__(self, optimizer: Optimizer, decay_steps: float, decay_rate: float,
                 staircase: bool = False, last_epoch: int = -1) -> None:
        _check_positive("decay_rate", decay_rate)
        super().__init__(optimizer, decay_steps, decay_rate, staircase, last_epoch)

    def _lrs(self, step: int) -> list[float]:
        factor = self.decay_rate ** self._progress(step)
        return [base_lr * factor for base_lr in self.base_lrs]


class InverseTimeDecay(_TensorFlowDecay):
    """TensorFlow's inverse time decay: ``lr = lr0 / (1 + decay_rate * step / decay_steps)``.

    With ``staircase=True``, ``step / decay_steps`` is floored.

    Args:
        optimizer: the optimizer to schedule.
        decay_steps: > 0.
        decay_rate: >= 0 (0 keeps the lr constant).
        staircase: floor ``step / decay_steps`` (default False).
        last_epoch: step count to resume from (default -1, a new schedule).
    """

    def __init__(self, optimizer: Optimizer, decay_steps: float, decay_rate: float,
                 staircase: bool = False, last_epoch: int = -1) -> None:
        check_number("decay_rate", decay_rate, 0.0)
        super().__init__(optimizer, decay_steps, decay_rate, staircase, last_epoch)

    def _lrs(self, step: int) -> list[float]:
        divisor = 1 + self.decay_rate * self._progress(step)
        return [base_lr / divisor for base_lr in self.base_lrs]


# --- PyTorch's schedules ---

class ExponentialLR(LRScheduler):
    """``lr = base_lr * gamma ** step``: multiply the lr by gamma at every step (PyTorch's).

    Args:
        optimizer: the optimizer to schedule.
        gamma: the factor per step, > 0.
        last_epoch: step count to resume from (default -1, a new schedule).
    """

    def __init__(self, optimizer: Optimizer, gamma: float, last_epoch: int = -1) -> None:
        _check_positive("gamma", gamma)
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def _lrs(self, step: int) -> list[float]:
        return [base_lr * self.gamma ** step for base_lr in self.base_lrs]


class StepLR(LRScheduler):
    """``lr = base_lr * gamma ** (step // step_size)``: a drop every step_size steps (PyTorch's).

    Args:
        optimizer: the optimizer to schedule.
        step_size: steps between drops, an int >= 1.
        gamma: the factor per drop (default 0.1), > 0.
        last_epoch: step count to resume from (default -1, a new schedule).
    """

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1,
                 last_epoch: int = -1) -> None:
        _check_int("step_size", step_size, 1)
        _check_positive("gamma", gamma)
        self.step_size = int(step_size)
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def _lrs(self, step: int) -> list[float]:
        return [base_lr * self.gamma ** (step // self.step_size) for base_lr in self.base_lrs]


class CosineAnnealingLR(LRScheduler):
    """Cosine annealing (Loshchilov & Hutter, 2017, "SGDR"), without restarts (PyTorch's).

    ``lr = eta_min + (base_lr - eta_min) * (1 + cos(pi * step / T_max)) / 2``: from
    base_lr at step 0 down to eta_min at step T_max (and back up after, as PyTorch).

    Args:
        optimizer: the optimizer to schedule.
        T_max: steps from base_lr to eta_min, an int >= 1.
        eta_min: the smallest lr (default 0), >= 0.
        last_epoch: step count to resume from (default -1, a new schedule).
    """

    def __init__(self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0,
                 last_epoch: int = -1) -> None:
        _check_int("T_max", T_max, 1)
        check_number("eta_min", eta_min, 0.0)
        self.T_max = int(T_max)
        self.eta_min = eta_min
        super().__init__(optimizer, last_epoch)

    def _lrs(self, step: int) -> list[float]:
        cosine = (1 + math.cos(math.pi * step / self.T_max)) / 2
        return [self.eta_min + (base_lr - self.eta_min) * cosine for base_lr in self.base_lrs]


class LambdaLR(LRScheduler):
    """``lr = base_lr * lr_lambda(step)``: any schedule given as a function (PyTorch's).

    Args:
        optimizer: the optimizer to schedule.
        lr_lambda: a function of the step count returning a factor, or a list with one
            function per parameter group.
        last_epoch: step count to resume from (default -1, a new schedule).

    ``state_dict()`` does not contain the functions; build the scheduler with them again
    before ``load_state_dict``.

    Example:
        >>> sched = LambdaLR(opt, lambda step: 0.95 ** step)
    """

    _not_saved = ("optimizer", "lr_lambdas")

    def __init__(self, optimizer: Optimizer,
                 lr_lambda: Callable[[int], float] | Sequence[Callable[[int], float]],
                 last_epoch: int = -1) -> None:
        n = len(optimizer.param_groups) if isinstance(optimizer, Optimizer) else 0
        if isinstance(lr_lambda, (list, tuple)):
            if len(lr_lambda) != n:
                raise ValueError(f"lr_lambda: expected {n} functions (one per parameter "
                                 f"group), got {len(lr_lambda)}")
            self.lr_lambdas = list(lr_lambda)
        else:
            self.lr_lambdas = [lr_lambda] * n
        for f in self.lr_lambdas:
            if not callable(f):
                raise TypeError(f"lr_lambda must be callable, got {type(f).__name__}")
        super().__init__(optimizer, last_epoch)

    def _lrs(self, step: int) -> list[float]:
        return [base_lr * f(step) for f, base_lr in zip(self.lr_lambdas, self.base_lrs)]


class LinearWarmup(LRScheduler):
    """Warm up linearly for ``warmup_steps`` steps, then hand over to another schedule.

    ``lr = base_lr * (start_factor + (1 - start_factor) * step / warmup_steps)`` for
    ``step < warmup_steps``; from then on the lr of ``then`` at ``step - warmup_steps``
    (or base_lr if ``then`` is None). A large lr at the start can throw a freshly
    initialised network (or Adam's young averages) off; warmup avoids it.

    Args:
        optimizer: the optimizer to schedule.
        warmup_steps: length of the warmup, an int >= 1.
        start_factor: the fraction of base_lr at step 0 (default 0), in [0, 1].
        then: a schedule made earlier on the same optimizer (e.g. CosineAnnealingLR)
            that takes over after the warmup. Step only the warmup scheduler: it asks
            ``then.lr_at`` for the lr.
        last_epoch: step count to resume from (default -1, a new schedule).

    Example:
        >>> cosine = CosineAnnealingLR(opt, T_max=90)
        >>> sched = LinearWarmup(opt, warmup_steps=10, then=cosine)
    """

    _not_saved = ("optimizer", "then")

    def __init__(self, optimizer: Optimizer, warmup_steps: int, start_factor: float = 0.0,
                 then: LRScheduler | None = None, last_epoch: int = -1) -> None:
        _check_int("warmup_steps", warmup_steps, 1)
        check_number("start_factor", start_factor, 0.0, 1.0)
        if then is not None:
            if not isinstance(then, LRScheduler):
                raise TypeError(f"then must be a scheduler, got {type(then).__name__}")
            if then.optimizer is not optimizer:
                raise ValueError("then must schedule the same optimizer as the warmup")
        self.warmup_steps = int(warmup_steps)
        self.start_factor = start_factor
        self.then = then
        super().__init__(optimizer, last_epoch)

    def _lrs(self, step: int) -> list[float]:
        if step >= self.warmup_steps:
            if self.then is not None:
                return self.then.lr_at(step - self.warmup_steps)
            return list(self.base_lrs)
        factor = self.start_factor + (1 - self.start_factor) * step / self.warmup_steps
        return [base_lr * factor for base_lr in self.base_lrs]

    def state_dict(self) -> dict[str, Any]:
        state = super().state_dict()
        if self.then is not None:
            state["then"] = self.then.state_dict()
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        if self.then is not None and "then" in state_dict:
            self.then.load_state_dict(state_dict["then"])
        super().load_state_dict(state_dict)


# --- argument checks ---

def _check_positive(name: str, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not value > 0:
        raise ValueError(f"{name} must be > 0, got {value!r}")


def _check_int(name: str, value: Any, low: int) -> None:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < low:
        raise ValueError(f"{name} must be an integer >= {low}, got {value!r}")
