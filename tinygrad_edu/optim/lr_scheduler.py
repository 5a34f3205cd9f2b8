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

The exception is ``ReduceLROnPlateau``: it lowers the lr when a metric stops improving,
so it is stepped once per epoch with that metric, ``sched.step(val_loss)``, and has no
``lr_at``.

Unlike PyTorch's, two schedules on one optimizer do not multiply: each sets the lr from
its own formula, and the last ``step()`` wins (a warning says so). Combine schedules with
``LinearWarmup(..., then=other)`` or one ``LambdaLR``.
"""
from __future__ import annotations

import bisect
import math
import numbers
import warnings
import weakref
from collections.abc import Iterable
from types import SimpleNamespace
from typing import Any, Callable, Sequence

import numpy as np

from .. import checks
from .._tensor import Tensor
from .optimizer import Optimizer


# --- the rules a loaded state dict must follow, one per saved attribute ---
# A rule is called as rule(value, name, groups), ``groups`` the optimizer's number of
# parameter groups; it raises (with checks' messages) or returns nothing.

def _number(**bounds: Any) -> Callable[..., None]:
    return lambda value, name, groups: checks.real(value, name, **bounds)


def _count(low: int) -> Callable[..., None]:
    return lambda value, name, groups: checks.integer(value, name, low=low)


def _flag(value: Any, name: str, groups: int) -> None:
    checks.flag(value, name)


def _one_of(*options: str) -> Callable[..., None]:
    return lambda value, name, groups: checks.choice(value, name, options)


def _each(rule: Callable[..., None], per_group: bool = True) -> Callable[..., None]:
    """A list of values that each follow ``rule``; one per parameter group if ``per_group``."""
    def check(value: Any, name: str, groups: int) -> None:
        if not isinstance(value, (list, tuple)):
            raise checks.ArgumentTypeError(f"{name} must be a list, got "
                                           f"{checks._shown(value)}")
        if per_group and len(value) != groups:
            raise ValueError(f"{name} has {len(value)} value(s), one per parameter group, "
                             f"but the optimizer has {groups} group(s)")
        for i, v in enumerate(value):
            rule(v, f"{name}[{i}]", groups)
    return check


def _best_metric(value: Any, name: str, groups: int) -> None:
    """ReduceLROnPlateau's best: a number, +-inf before the first metric, never nan."""
    if not (isinstance(value, numbers.Real) and not isinstance(value, bool)
            and math.isinf(value)):
        checks.real(value, name)


def _optional(rule: Callable[..., None]) -> Callable[..., None]:
    return lambda value, name, groups: None if value is None else rule(value, name, groups)


_LRS = _each(_number(low=0))


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
        ValueError: resuming (``last_epoch >= 0``) but a group has no ``initial_lr``; an
            argument out of range or of the wrong type (the message names it); at a
            ``step()``, a schedule that gives an lr that is nan, inf or negative (e.g. a
            ``LambdaLR`` returning nan), naming the schedule and the step.
    """

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1) -> None:
        last_epoch = checks.integer(last_epoch, f"{type(self).__name__}: last_epoch", low=-1)
        _check_optimizer(optimizer)
        for i, group in enumerate(optimizer.param_groups):
            if last_epoch != -1 and "initial_lr" not in group:
                raise ValueError(f"param_groups[{i}] has no 'initial_lr': to resume with "
                                 f"last_epoch={last_epoch}, load the optimizer state first")
        self.base_lrs = [group.get("initial_lr", group["lr"]) for group in optimizer.param_groups]
        self.lr_at(last_epoch + 1)  # a schedule that fails at its first step changes nothing
        self._attach(optimizer, warn=last_epoch == -1)
        for group, base_lr in zip(optimizer.param_groups, self.base_lrs):
            group.setdefault("initial_lr", base_lr)
        self.last_epoch = last_epoch
        self.step()

    def _attach(self, optimizer: Optimizer, warn: bool, stacklevel: int = 4) -> None:
        """Check ``optimizer`` and remember it; warn (when ``warn``) if it has a schedule."""
        _check_optimizer(optimizer)
        previous = getattr(optimizer, "_scheduler", lambda: None)()
        if warn and previous is not None and previous is not getattr(self, "then", None):
            warnings.warn(
                f"this optimizer already has a {type(previous).__name__}: schedules do not "
                "compose here (the last step() sets the lr); combine them with "
                "LinearWarmup(then=...) or a LambdaLR", UserWarning, stacklevel=stacklevel)
        optimizer._scheduler = weakref.ref(self)
        self.optimizer = optimizer

    def _lrs(self, step: int) -> list[float]:
        raise NotImplementedError

    def lr_at(self, step: int) -> list[float]:
        """The learning rates (one per parameter group) after ``step`` calls of ``step()``.

        Does not change the scheduler or the optimizer: use it to plot the schedule.

        Raises:
            ValueError: the schedule's lr at ``step`` is nan, inf or negative (e.g. a
                ``LambdaLR`` whose function returns nan there, or an lr that overflowed).
        """
        name = type(self).__name__
        step = checks.integer(step, f"{name}: step", low=0)
        try:
            lrs = self._lrs(step)
        except OverflowError:  # e.g. gamma ** step beyond the largest float
            raise ValueError(f"{name}: at step {step} the lr overflows (it is larger than "
                             "any float): the schedule grows without bound; use a factor "
                             "<= 1") from None
        for i, lr in enumerate(lrs):
            checks.real(lr, f"{name}: at step {step}, the lr of param_groups[{i}]", low=0)
        return lrs

    def get_lr(self) -> list[float]:
        """The learning rates at the current step count."""
        return self.lr_at(self.last_epoch)

    def get_last_lr(self) -> list[float]:
        """The learning rates the last ``step()`` set, one per parameter group."""
        return list(self._last_lr)

    def step(self) -> None:
        """Count one step and set every group's lr to ``lr_at(step count)``."""
        lrs = self.lr_at(self.last_epoch + 1)   # first: a step that raises changes nothing
        self.last_epoch += 1
        self._set_lrs(lrs)

    def _set_lrs(self, lrs: list[float]) -> None:
        groups = self.optimizer.param_groups
        if len(groups) != len(lrs):
            raise ValueError(
                f"the optimizer has {len(groups)} parameter groups but this "
                f"{type(self).__name__} was made for {len(lrs)}: make the scheduler after "
                "the last add_param_group()")
        for i, lr in enumerate(lrs):  # lr_at checked them: step() need not again
            self.optimizer._set_checked_value(i, "lr", lr)
        self._last_lr = list(lrs)

    def state_dict(self) -> dict[str, Any]:
        """Everything but the optimizer: the step count, base lrs and hyper-parameters."""
        return {k: list(v) if isinstance(v, list) else v
                for k, v in self.__dict__.items() if k not in self._not_saved}

    _not_saved: tuple = ("optimizer",)
    # The rule of each saved attribute (see _checked_state); a subclass adds its own.
    _saved_rules: dict[str, Callable[..., None]] = {
        "base_lrs": _LRS, "_last_lr": _LRS, "last_epoch": _count(0)}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore ``state_dict()``; also puts the restored lrs into the optimizer's groups,
        so it does not matter whether the optimizer's state was loaded before or after.

        Raises:
            ValueError: ``state_dict`` is not a state dict of this kind of schedule (made
                with the same options), or a value in it is of the wrong type or out of
                range (the message names the key); nothing is changed then.
        """
        self._restore(self._checked_state(state_dict))
        for group, base_lr in zip(self.optimizer.param_groups, self.base_lrs):
            group["initial_lr"] = base_lr
        self._set_lrs(self._last_lr)

    def _checked_state(self, state_dict: Any) -> dict[str, Any]:
        """``state_dict`` after checking it holds exactly what this schedule saves, each
        value by its rule in ``_saved_rules``; raises before anything changes."""
        kind = type(self).__name__
        where = f"{kind}.load_state_dict"
        if not isinstance(state_dict, dict):
            raise checks.ArgumentTypeError(f"{where}: expected what state_dict() returns, a "
                                           f"dict, got {type(state_dict).__name__}")
        expected = list(LRScheduler.state_dict(self))
        missing = [k for k in expected if k not in state_dict]
        unexpected = [k for k in state_dict if k not in expected]
        if missing or unexpected:
            parts = ([f"lacks {', '.join(map(repr, missing))}"] if missing else []) + (
                [f"has {', '.join(map(repr, unexpected))}, which a {kind} does not save"]
                if unexpected else [])
            raise ValueError(
                f"{where}: this is not the state dict of a {kind} made with the same "
                f"options: it {' and '.join(parts)} (the state dict of another schedule?). "
                f"A {kind}'s has {', '.join(expected)}")
        groups = len(self.optimizer.param_groups)
        for key, rule in self._saved_rules.items():
            if key in state_dict:
                rule(state_dict[key], f"{where}: {key}", groups)
        values = dict(state_dict)
        self._check_restored(values, where)
        return values

    def _check_restored(self, values: dict[str, Any], where: str) -> None:
        """What the rules of single values cannot say (a subclass's cross-checks)."""

    def _restore(self, state_dict: dict[str, Any]) -> None:
        """Set the attributes ``state_dict()`` saved (lists kept as lists)."""
        self.__dict__.update({k: list(v) if isinstance(v, (list, tuple)) else v
                              for k, v in state_dict.items() if k not in self._not_saved})

    def __repr__(self) -> str:
        return f"{type(self).__name__}(step={self.last_epoch}, lr={self._last_lr})"


# --- TensorFlow's decays ---

class _TensorFlowDecay(LRScheduler):
    """What TensorFlow's decays share: ``decay_steps``, ``decay_rate`` and ``staircase``."""

    def __init__(self, optimizer: Optimizer, decay_steps: float, decay_rate: float,
                 staircase: bool, last_epoch: int) -> None:
        name = type(self).__name__
        checks.real(decay_steps, f"{name}: decay_steps", low=0, low_open=True)
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = checks.flag(staircase, f"{name}: staircase")
        super().__init__(optimizer, last_epoch)

    _saved_rules = {**LRScheduler._saved_rules, "decay_steps": _number(low=0, low_open=True),
                    "decay_rate": _number(low=0, low_open=True), "staircase": _flag}

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
        checks.real(decay_rate, "ExponentialDecay: decay_rate", low=0, low_open=True)
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
        checks.real(decay_rate, "InverseTimeDecay: decay_rate", low=0)
        super().__init__(optimizer, decay_steps, decay_rate, staircase, last_epoch)

    _saved_rules = {**_TensorFlowDecay._saved_rules, "decay_rate": _number(low=0)}

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
        checks.real(gamma, "ExponentialLR: gamma", low=0, low_open=True)
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    _saved_rules = {**LRScheduler._saved_rules, "gamma": _number(low=0, low_open=True)}

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
        self.step_size = checks.integer(step_size, "StepLR: step_size", low=1)
        checks.real(gamma, "StepLR: gamma", low=0, low_open=True)
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    _saved_rules = {**LRScheduler._saved_rules, "step_size": _count(1),
                    "gamma": _number(low=0, low_open=True)}

    def _lrs(self, step: int) -> list[float]:
        return [base_lr * self.gamma ** (step // self.step_size) for base_lr in self.base_lrs]


class MultiStepLR(LRScheduler):
    """``lr = base_lr * gamma ** (number of milestones <= step)``: drops at given steps
    (PyTorch's).

    In closed form, ``lr = base_lr * gamma ** bisect_right(sorted(milestones), step)``.
    E.g. ``milestones=[30, 80], gamma=0.1``: base_lr for steps 0-29, base_lr/10 for
    30-79, base_lr/100 from step 80 on.

    Args:
        optimizer: the optimizer to schedule.
        milestones: the step counts at which the lr is multiplied by gamma, integers >= 0.
            Any order (they are sorted, as PyTorch, which counts them, accepts any order);
            a milestone listed twice multiplies by gamma twice there, as in PyTorch.
        gamma: the factor per milestone (default 0.1), > 0.
        last_epoch: step count to resume from (default -1, a new schedule).

    Example:
        >>> sched = MultiStepLR(opt, milestones=[30, 80], gamma=0.1)
    """

    def __init__(self, optimizer: Optimizer, milestones: Iterable[int], gamma: float = 0.1,
                 last_epoch: int = -1) -> None:
        if isinstance(milestones, (str, bytes)) or not isinstance(milestones, Iterable):
            raise TypeError("milestones must be a list of step counts, got "
                            f"{type(milestones).__name__}")
        milestones = [checks.integer(m, f"MultiStepLR: milestones[{i}]", low=0)
                      for i, m in enumerate(milestones)]
        checks.real(gamma, "MultiStepLR: gamma", low=0, low_open=True)
        self.milestones = sorted(milestones)
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    _saved_rules = {**LRScheduler._saved_rules, "milestones": _each(_count(0), per_group=False),
                    "gamma": _number(low=0, low_open=True)}

    def _check_restored(self, values: dict[str, Any], where: str) -> None:
        values["milestones"] = sorted(values["milestones"])  # bisect needs them in order

    def _lrs(self, step: int) -> list[float]:
        factor = self.gamma ** bisect.bisect_right(self.milestones, step)
        return [base_lr * factor for base_lr in self.base_lrs]


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
        self.T_max = checks.integer(T_max, "CosineAnnealingLR: T_max", low=1)
        checks.real(eta_min, "CosineAnnealingLR: eta_min", low=0)
        self.eta_min = eta_min
        super().__init__(optimizer, last_epoch)

    _saved_rules = {**LRScheduler._saved_rules, "T_max": _count(1), "eta_min": _number(low=0)}

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
        self.lr_lambdas = _per_group("lr_lambda", lr_lambda, n)
        for f in self.lr_lambdas:
            if not callable(f):
                raise checks.ArgumentTypeError(f"LambdaLR: lr_lambda must be callable, got "
                                               f"{type(f).__name__}")
        super().__init__(optimizer, last_epoch)

    def _lrs(self, step: int) -> list[float]:
        return [base_lr * checks.real(f(step), f"LambdaLR: lr_lambda({step}) (the factor of "
                                               f"param_groups[{i}]'s lr)")
                for i, (f, base_lr) in enumerate(zip(self.lr_lambdas, self.base_lrs))]


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
        checks.integer(warmup_steps, "LinearWarmup: warmup_steps", low=1)
        checks.real(start_factor, "LinearWarmup: start_factor", low=0, high=1)
        if then is not None:
            if not isinstance(then, LRScheduler):
                raise TypeError(f"then must be a scheduler, got {type(then).__name__}")
            if isinstance(then, ReduceLROnPlateau):
                raise TypeError("then cannot be a ReduceLROnPlateau (it has no lr_at); "
                                "step it separately once the warmup is over")
            if isinstance(then, OneCycleLR) and then.cycle_momentum:
                raise TypeError("then cannot be a OneCycleLR that cycles momentum: the warmup "
                                "would not step its momentum; OneCycleLR warms up by itself "
                                "(pct_start), or pass cycle_momentum=False")
            if then.optimizer is not optimizer:
                raise ValueError("then must schedule the same optimizer as the warmup")
        self.warmup_steps = int(warmup_steps)
        self.start_factor = start_factor
        self.then = then
        super().__init__(optimizer, last_epoch)

    _saved_rules = {**LRScheduler._saved_rules, "warmup_steps": _count(1),
                    "start_factor": _number(low=0, high=1)}

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

    def _checked_state(self, state_dict: Any) -> dict[str, Any]:
        """As the base class's, with the state of ``then`` checked too (under "then")."""
        if not isinstance(state_dict, dict):
            return super()._checked_state(state_dict)  # refuses it
        if ("then" in state_dict) != (self.then is not None):
            raise ValueError(
                "LinearWarmup.load_state_dict: the state dict was saved by a LinearWarmup "
                + ("with a then= schedule, but this one has none" if "then" in state_dict
                   else "without a then= schedule, but this one has one")
                + ": make it as the saved one was made")
        values = super()._checked_state({k: v for k, v in state_dict.items() if k != "then"})
        if self.then is not None:
            values["then"] = self.then._checked_state(state_dict["then"])
        return values

    def _restore(self, state_dict: dict[str, Any]) -> None:
        if "then" in state_dict:
            self.then._restore(state_dict["then"])
        super()._restore(state_dict)


class OneCycleLR(LRScheduler):
    r"""The 1cycle policy (Smith & Topin, 2017, "Super-Convergence"): up to max_lr and far
    below the start, in one cycle over the whole training (PyTorch's).

    The scheduler sets the starting lr itself, ``initial_lr = max_lr / div_factor`` (the
    optimizer's own lr is ignored, as in PyTorch); the lr rises to ``max_lr`` over the
    first ``pct_start`` of the ``total_steps`` steps, then anneals down to
    ``min_lr = initial_lr / final_div_factor`` at step ``total_steps - 1``. With
    ``three_phase=True`` (the paper's version) it first comes back down to
    ``initial_lr`` as it went up, and a third phase anneals to ``min_lr``.

    Each phase goes from lr ``a`` at step ``s0`` to lr ``b`` at step ``s1``, with
    ``pct = (step - s0) / (s1 - s0)``::

        'cos':    lr = b + (a - b) * (1 + cos(pi * pct)) / 2
        'linear': lr = a + (b - a) * pct

    The phases end where PyTorch's do: the first at step ``pct_start * total_steps - 1``
    (the second of three at ``2 * pct_start * total_steps - 2``), the last at
    ``total_steps - 1``; step 0 starts at ``s0 = 0``.

    Momentum moves the other way (``cycle_momentum``, on by default as in PyTorch): by the
    same formula, from ``max_momentum`` down to ``base_momentum`` while the lr rises, and
    back while it falls (the third phase keeps ``max_momentum``). It sets each group's
    ``momentum`` (SGD, RMSprop) or Adam's beta1 (``betas[0]``) at every step, so on an SGD
    made with ``momentum=0`` it turns momentum on, as PyTorch does; pass
    ``cycle_momentum=False`` to keep the optimizer's own. ``momentum_at(step)`` gives it.

    Call ``step()`` once per batch. Step ``total_steps`` is allowed (the last phase's
    formula one step further, as PyTorch); stepping past it raises ValueError.

    Args:
        optimizer: the optimizer to schedule.
        max_lr: the peak lr, > 0, or a list with one per parameter group.
        total_steps: the number of steps in the cycle, an int >= 1; or leave it out and
            give ``epochs`` and ``steps_per_epoch``.
        epochs, steps_per_epoch: ``total_steps = epochs * steps_per_epoch`` (ints >= 1),
            used only when ``total_steps`` is None.
        pct_start: the fraction of the cycle spent raising the lr (default 0.3), in [0, 1].
        anneal_strategy: ``'cos'`` (default) or ``'linear'``.
        cycle_momentum: cycle momentum / beta1 inversely to the lr (default True).
        base_momentum: the momentum at the lr's peak (default 0.85), or one per group.
        max_momentum: the momentum at the start and end (default 0.95), or one per group.
        div_factor: ``initial_lr = max_lr / div_factor`` (default 25), > 0.
        final_div_factor: ``min_lr = initial_lr / final_div_factor`` (default 1e4), > 0.
        three_phase: the paper's three phases instead of fastai's two (default False).
        last_epoch: step count to resume from (default -1, a new schedule).

    Arguments after ``total_steps`` are keyword-only: PyTorch's positional order
    (``epochs``, ``steps_per_epoch``, ...) differs from the listing above.

    Raises:
        ValueError: an argument out of range; a phase of zero steps (``pct_start *
            total_steps == 1``, PyTorch divides by zero there); ``cycle_momentum`` on an
            optimizer with neither momentum nor betas (Adagrad); stepping past total_steps.

    Example:
        >>> opt = tg.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        >>> sched = OneCycleLR(opt, max_lr=0.1, epochs=10, steps_per_epoch=len(loader))
    """

    def __init__(self, optimizer: Optimizer, max_lr: float | Sequence[float],
                 total_steps: int | None = None, *, epochs: int | None = None,
                 steps_per_epoch: int | None = None, pct_start: float = 0.3,
                 anneal_strategy: str = "cos", cycle_momentum: bool = True,
                 base_momentum: float | Sequence[float] = 0.85,
                 max_momentum: float | Sequence[float] = 0.95,
                 div_factor: float = 25.0, final_div_factor: float = 1e4,
                 three_phase: bool = False, last_epoch: int = -1) -> None:
        _check_optimizer(optimizer)
        groups = optimizer.param_groups
        if total_steps is None:
            if epochs is None or steps_per_epoch is None:
                raise ValueError("OneCycleLR needs total_steps, or epochs and steps_per_epoch")
            total_steps = (checks.integer(epochs, "OneCycleLR: epochs", low=1)
                           * checks.integer(steps_per_epoch, "OneCycleLR: steps_per_epoch", low=1))
        self.total_steps = checks.integer(total_steps, "OneCycleLR: total_steps", low=1)
        self.pct_start = checks.real(pct_start, "OneCycleLR: pct_start", low=0, high=1)
        self.anneal_strategy = checks.choice(anneal_strategy, "OneCycleLR: anneal_strategy",
                                             ("cos", "linear"))
        checks.real(div_factor, "OneCycleLR: div_factor", low=0, low_open=True)
        checks.real(final_div_factor, "OneCycleLR: final_div_factor", low=0, low_open=True)
        self.three_phase = checks.flag(three_phase, "OneCycleLR: three_phase")
        self.max_lrs = _per_group("max_lr", max_lr, len(groups))
        for i, lr in enumerate(self.max_lrs):
            checks.real(lr, f"OneCycleLR: max_lr[{i}]" if isinstance(max_lr, (list, tuple))
                        else "OneCycleLR: max_lr", low=0, low_open=True)
        self.cycle_momentum = checks.flag(cycle_momentum, "OneCycleLR: cycle_momentum")
        if self.cycle_momentum:
            if "betas" in optimizer.defaults:
                self.momentum_key, high = "betas", 1.0
            elif "momentum" in optimizer.defaults:
                self.momentum_key, high = "momentum", None
            else:
                raise ValueError(
                    f"cycle_momentum=True needs an optimizer with momentum (SGD, RMSprop) or "
                    f"betas (Adam, AdamW); {type(optimizer).__name__} has neither: pass "
                    "cycle_momentum=False")
            self.base_momentums = _per_group("base_momentum", base_momentum, len(groups))
            self.max_momentums = _per_group("max_momentum", max_momentum, len(groups))
            for name, values in (("base_momentum", self.base_momentums),
                                 ("max_momentum", self.max_momentums)):
                for m in values:
                    checks.real(m, f"OneCycleLR: {name}", low=0, high=high, high_open=True)
        for i, (start, end, _, _) in enumerate(self._phases()):  # before any group changes
            if end == start:
                raise ValueError(
                    f"OneCycleLR: phase {i + 1} of the cycle has no steps (it starts and "
                    f"ends at step {end:g}) with pct_start={self.pct_start} and "
                    f"total_steps={self.total_steps}; change pct_start (e.g. "
                    "pct_start * total_steps != 1)")
        # PyTorch's arithmetic, so that the lrs agree to the last bit
        initial_lrs = [lr / div_factor for lr in self.max_lrs]
        self.min_lrs = [lr / final_div_factor for lr in initial_lrs]
        for group, lr in zip(groups, initial_lrs):
            group["initial_lr"] = lr   # the cycle fixes it, resuming or not
        super().__init__(optimizer, last_epoch)

    def _phases(self) -> list[tuple[float, float, str, str]]:
        """The cycle's phases as (start step, end step, start point, end point), PyTorch's;
        points are 'initial', 'max' and 'min' (the lrs, and their momentums)."""
        spread = self.pct_start * self.total_steps
        if self.three_phase:
            ends = [(float(spread) - 1, "initial", "max"),
                    (float(2 * spread) - 2, "max", "initial"),
                    (self.total_steps - 1, "initial", "min")]
        else:
            ends = [(float(spread) - 1, "initial", "max"), (self.total_steps - 1, "max", "min")]
        starts = [0.0] + [end for end, _, _ in ends[:-1]]
        return [(start, end, a, b) for start, (end, a, b) in zip(starts, ends)]

    def _phase(self, step: int) -> tuple[str, str, float]:
        """The phase ``step`` is in, as (start point, end point, fraction of the phase done)."""
        if step > self.total_steps:
            raise ValueError(f"OneCycleLR was made for total_steps={self.total_steps}, "
                             f"cannot go to step {step}: make it with more total_steps "
                             "(epochs * steps_per_epoch)")
        phases = self._phases()
        start, end, a, b = next((p for p in phases if step <= p[1]), phases[-1])
        return a, b, (step - start) / (end - start)

    def _anneal(self, a: float, b: float, pct: float) -> float:
        if self.anneal_strategy == "cos":
            return b + (a - b) / 2.0 * (math.cos(math.pi * pct) + 1)
        return (b - a) * pct + a

    def _lrs(self, step: int) -> list[float]:
        a, b, pct = self._phase(step)
        points = {"initial": self.base_lrs, "max": self.max_lrs, "min": self.min_lrs}
        return [self._anneal(x, y, pct) for x, y in zip(points[a], points[b])]

    def momentum_at(self, step: int) -> list[float]:
        """The momentum (or beta1) of each group after ``step`` calls of ``step()``.

        Raises:
            ValueError: the scheduler was made with ``cycle_momentum=False``.
        """
        if not self.cycle_momentum:
            raise ValueError("this OneCycleLR does not cycle momentum (cycle_momentum=False)")
        step = checks.integer(step, "OneCycleLR: step", low=0)
        a, b, pct = self._phase(step)
        points = {"initial": self.max_momentums, "max": self.base_momentums,
                  "min": self.max_momentums}
        return [self._anneal(x, y, pct) for x, y in zip(points[a], points[b])]

    def step(self) -> None:
        """Count one step; set every group's lr (and momentum) to their values there."""
        super().step()
        self._set_momentums()

    def _set_momentums(self) -> None:
        if not self.cycle_momentum:
            return
        for group, m in zip(self.optimizer.param_groups, self.momentum_at(self.last_epoch)):
            if self.momentum_key == "betas":
                group["betas"] = (m, *group["betas"][1:])
            else:
                group["momentum"] = m

    _saved_rules = {**LRScheduler._saved_rules, "total_steps": _count(1),
                    "pct_start": _number(low=0, high=1),
                    "anneal_strategy": _one_of("cos", "linear"),
                    "three_phase": _flag, "cycle_momentum": _flag,
                    "max_lrs": _each(_number(low=0, low_open=True)), "min_lrs": _LRS,
                    "momentum_key": _one_of("betas", "momentum"),
                    "base_momentums": _each(_number(low=0)),
                    "max_momentums": _each(_number(low=0))}

    def _check_restored(self, values: dict[str, Any], where: str) -> None:
        key = values.get("momentum_key")
        if values["cycle_momentum"] and key not in self.optimizer.defaults:
            raise ValueError(f"{where}: the saved schedule cycles {key!r}, which "
                             f"{type(self.optimizer).__name__} does not have")
        if values["last_epoch"] > values["total_steps"]:
            raise ValueError(f"{where}: last_epoch={values['last_epoch']} is past "
                             f"total_steps={values['total_steps']}")
        phases = OneCycleLR._phases(SimpleNamespace(**values))  # as the saved one would
        if any(start == end for start, end, _, _ in phases):
            raise ValueError(f"{where}: with pct_start={values['pct_start']} and "
                             f"total_steps={values['total_steps']} a phase of the cycle has "
                             "no steps")

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        super().load_state_dict(state_dict)
        self._set_momentums()


class ReduceLROnPlateau(LRScheduler):
    """Multiply the lr by ``factor`` when a metric stops improving (PyTorch's): ``step(metric)`` once per epoch.

    Not a closed form: the lr depends on the metric values given to ``step``, so there is
    no ``lr_at`` (it raises). PyTorch's rules, at each ``step(metric)``:

    - the metric *improves* on ``best`` when ``metric < best * (1 - threshold)``
      (mode 'min', threshold_mode 'rel'), ``metric < best - threshold`` ('min', 'abs'),
      ``metric > best * (1 + threshold)`` ('max', 'rel') or ``metric > best + threshold``
      ('max', 'abs'); ``best`` starts at +inf ('min') or -inf ('max');
    - an improvement sets ``best = metric`` and ``num_bad_epochs = 0``; otherwise
      ``num_bad_epochs += 1``;
    - during a cooldown (``cooldown_counter > 0``) the counter goes down by one and bad
      epochs are not counted (``num_bad_epochs = 0``);
    - when ``num_bad_epochs > patience``, each group's lr becomes
      ``max(lr * factor, min_lr)``, unless that changes it by ``eps`` or less; then the
      cooldown starts (``cooldown_counter = cooldown``) and ``num_bad_epochs = 0``.

    It reads and writes the groups' current lrs (it does not keep base lrs), so it
    multiplies whatever lr the optimizer has.

    Args:
        optimizer: the optimizer to schedule.
        mode: ``'min'`` (default: a loss, lower is better) or ``'max'`` (e.g. accuracy).
        factor: the lr's factor at each reduction (default 0.1), in [0, 1).
        patience: epochs without improvement allowed before a reduction (default 10);
            an int >= 0.
        threshold: how much better counts as an improvement (default 1e-4), >= 0.
        threshold_mode: ``'rel'`` (default: relative to best) or ``'abs'``.
        cooldown: epochs to wait after a reduction before counting bad epochs again
            (default 0), an int >= 0.
        min_lr: the lr's lower bound (default 0), >= 0, or a list with one per group.
        eps: a reduction by ``eps`` or less is skipped (default 1e-8), >= 0.

    ``tg.train.fit`` steps it once per epoch with the validation loss (the training loss
    without a val_loader), not after every batch.

    Example:
        >>> sched = ReduceLROnPlateau(opt, factor=0.5, patience=3)
        >>> for epoch in range(epochs):
        ...     train_one_epoch(); sched.step(val_loss)
    """

    def __init__(self, optimizer: Optimizer, mode: str = "min", factor: float = 0.1,
                 patience: int = 10, threshold: float = 1e-4, threshold_mode: str = "rel",
                 cooldown: int = 0, min_lr: float | Sequence[float] = 0,
                 eps: float = 1e-8) -> None:
        _check_optimizer(optimizer)
        name = "ReduceLROnPlateau"
        checks.choice(mode, f"{name}: mode", ("min", "max"))
        checks.choice(threshold_mode, f"{name}: threshold_mode", ("rel", "abs"))
        checks.real(factor, f"{name}: factor", low=0, high=1, high_open=True)
        checks.integer(patience, f"{name}: patience", low=0)
        checks.real(threshold, f"{name}: threshold", low=0)
        checks.integer(cooldown, f"{name}: cooldown", low=0)
        checks.real(eps, f"{name}: eps", low=0)
        groups = optimizer.param_groups
        self.default_min_lr = None if isinstance(min_lr, (list, tuple)) else min_lr
        self.min_lrs = _per_group("min_lr", min_lr, len(groups))
        for i, lr in enumerate(self.min_lrs):
            checks.real(lr, f"{name}: min_lr[{i}]" if self.default_min_lr is None
                        else f"{name}: min_lr", low=0)
        self._attach(optimizer, warn=True, stacklevel=3)
        self.mode = mode
        self.factor = factor
        self.patience = int(patience)
        self.threshold = threshold
        self.threshold_mode = threshold_mode
        self.cooldown = int(cooldown)
        self.eps = eps
        self.last_epoch = 0
        self.best = math.inf if mode == "min" else -math.inf
        self.num_bad_epochs = 0
        self.cooldown_counter = 0
        self._last_lr = [group["lr"] for group in groups]

    @property
    def in_cooldown(self) -> bool:
        """Whether a reduction was recent enough that bad epochs are not counted yet."""
        return self.cooldown_counter > 0

    def _is_better(self, metric: float, best: float) -> bool:
        """Whether ``metric`` improves on ``best`` by more than the threshold."""
        if self.mode == "min":
            if self.threshold_mode == "rel":
                return metric < best * (1.0 - self.threshold)
            return metric < best - self.threshold
        if self.threshold_mode == "rel":
            return metric > best * (self.threshold + 1.0)
        return metric > best + self.threshold

    def step(self, metrics: Any = None) -> None:  # type: ignore[override]
        """Record one epoch's metric (e.g. the validation loss); reduce the lr on a plateau.

        Args:
            metrics: the metric, a number or a one-element Tensor/array.

        Raises:
            TypeError: no metric was given, or it is not a number (e.g. a string).
            ValueError: the metric has more than one element, or is nan or infinite
                (PyTorch would count it as "no improvement" forever; a nan validation
                loss means the run diverged). Nothing changes then.
        """
        if metrics is None:
            raise TypeError("ReduceLROnPlateau.step needs the metric it watches, e.g. "
                            "scheduler.step(val_loss), once per epoch")
        data = np.asarray(metrics.data if isinstance(metrics, Tensor) else metrics)
        if data.dtype.kind not in "biuf":
            raise TypeError(f"ReduceLROnPlateau.step: the metric must be a number, got "
                            f"{checks._shown(metrics)}")
        if data.size != 1:
            raise ValueError(f"the metric must be a single number, got shape {data.shape}")
        current = float(data.reshape(()))
        if not math.isfinite(current):
            raise ValueError(
                f"ReduceLROnPlateau.step: the metric is {current}; a validation loss of "
                f"{current} means the run diverged (too large a learning rate, or NaN/inf in "
                "the data), so there is no plateau to detect: stop, lower the learning rate "
                "or clean the data, and restart from a checkpoint")
        self.last_epoch += 1
        if self._is_better(current, self.best):
            self.best = current
            self.num_bad_epochs = 0
        else:
            self.num_bad_epochs += 1
        if self.in_cooldown:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0
        if self.num_bad_epochs > self.patience:
            self._reduce_lr()
            self.cooldown_counter = self.cooldown
            self.num_bad_epochs = 0
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def _reduce_lr(self) -> None:
        groups = self.optimizer.param_groups
        if len(groups) != len(self.min_lrs):
            if self.default_min_lr is None:
                raise ValueError(
                    f"the optimizer has {len(groups)} parameter groups but this "
                    f"ReduceLROnPlateau has {len(self.min_lrs)} min_lrs: make the scheduler "
                    "after the last add_param_group(), or set its min_lrs")
            self.min_lrs = [self.default_min_lr] * len(groups)
        for group, min_lr in zip(groups, self.min_lrs):
            old_lr = float(group["lr"])
            new_lr = max(old_lr * self.factor, min_lr)
            if old_lr - new_lr > self.eps:
                group["lr"] = new_lr

    def lr_at(self, step: int) -> list[float]:
        """Not available: the lr depends on the metrics to come. Raises TypeError."""
        raise TypeError("ReduceLROnPlateau has no lr_at: its lr depends on the metrics "
                        "given to step(); use get_last_lr() for the current lrs")

    _saved_rules = {
        "default_min_lr": _optional(_number(low=0)),
        "min_lrs": _each(_number(low=0), per_group=False), "mode": _one_of("min", "max"),
        "factor": _number(low=0, high=1, high_open=True), "patience": _count(0),
        "threshold": _number(low=0), "threshold_mode": _one_of("rel", "abs"),
        "cooldown": _count(0), "eps": _number(low=0), "last_epoch": _count(0),
        "best": _best_metric, "num_bad_epochs": _count(0), "cooldown_counter": _count(0),
        "_last_lr": _LRS}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore ``state_dict()``; also puts the saved lrs into the optimizer's groups.

        Raises:
            ValueError: as ``LRScheduler.load_state_dict``.
        """
        self._restore(self._checked_state(state_dict))
        self._set_lrs(self._last_lr)


# --- helpers ---

def _check_optimizer(optimizer: Any) -> None:
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"a scheduler needs an Optimizer, got {type(optimizer).__name__}")


def _per_group(name: str, value: Any, n: int) -> list:
    """``value`` repeated for the ``n`` parameter groups, or a list of exactly ``n`` values."""
    if isinstance(value, (list, tuple)):
        if len(value) != n:
            raise ValueError(f"{name}: expected {n} value(s) (one per parameter group), "
                             f"got {len(value)}")
        return list(value)
    return [value] * n
