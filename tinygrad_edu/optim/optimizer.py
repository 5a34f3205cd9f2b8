"""Optimizer: the base class that holds parameter groups and per-parameter state.

A subclass writes ``_check_group`` (its hyper-parameters' rules, with
``tinygrad_edu.checks``), ``_init_state`` (the state a parameter starts with) and
``_update`` (one parameter's update rule); everything else (param groups, the loop of
``step`` and its gradient checks, ``zero_grad``, ``state_dict``) lives here.
"""
from __future__ import annotations

import difflib
from collections import defaultdict
from typing import Any, Callable, Iterable

import numpy as np

from .. import checks
from ..autograd.grad_mode import enable_grad
from ..nn.module import Parameter
from .._tensor import Tensor


class Optimizer:
    """Base class of all optimizers: parameter groups, state, ``zero_grad``, ``state_dict``.

    Args:
        params: an iterable of Tensors that require grad (e.g. ``model.parameters()``, a
            generator, read once), or an iterable of dicts, each a parameter group:
            ``{'params': [...], 'lr': ...}`` with its own values for any hyper-parameter
            (the others come from ``defaults``). A lazy layer's UninitializedParameters
            are accepted before its first call, as in PyTorch.
        defaults: the default value of every hyper-parameter of the optimizer.

    Attributes:
        param_groups: a list of dicts; each has ``'params'`` (a list of Tensors) and one
            entry per hyper-parameter (``'lr'``, ...). Change ``group['lr']`` to change
            the learning rate (that is what the schedulers do).
        state: per-parameter state, a dict keyed by the parameter Tensor (empty until the
            parameter's first update, or when the rule keeps none), whose values are dicts
            with PyTorch's keys (``'step'``, ``'exp_avg'``, ``'momentum_buffer'``...).

    Raises:
        TypeError: ``params`` is a single Tensor or a set, or holds something not a Tensor.
        ValueError: ``params`` is empty; a parameter does not require grad (unless it is
            an ``nn.Parameter`` frozen with ``requires_grad=False``: as in PyTorch, it is
            kept and never updated while frozen), is not a leaf, or appears twice; a
            group has a key that is no hyper-parameter of this optimizer (a typo such as
            ``learning_rate`` or ``moment``: the message suggests the right name); a
            hyper-parameter is out of range, nan or inf, or of the wrong type (a string
            for a number, "yes" for a flag: the error is then also a TypeError), e.g.
            "SGD: lr must be a finite number >= 0, got inf".
    """

    def __init__(self, params: Iterable[Any], defaults: dict[str, Any]) -> None:
        self._check_group(defaults, f"{type(self).__name__}: ")
        self.defaults = defaults
        # A copy of each group as it was last checked: step() checks again only the groups
        # that changed since (a learning rate set by hand), with one comparison.
        self._checked_copies: list[dict[str, Any]] = []
        self.state: defaultdict[Tensor, dict[str, Any]] = defaultdict(dict)
        self.param_groups: list[dict[str, Any]] = []
        if isinstance(params, (Tensor, set, dict)):
            raise TypeError(
                "params must be an iterable of Tensors or of dicts (parameter groups), got "
                f"{type(params).__name__}; e.g. model.parameters() or [w, b]")
        groups = list(params)
        if not groups:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    # --- parameter groups ---

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group of parameters with its own hyper-parameters (e.g. a new layer's lr).

        Args:
            param_group: ``{'params': tensors, ...}``; missing hyper-parameters take the
                optimizer's defaults.

        Raises:
            TypeError, ValueError: as for the constructor.
        """
        if not isinstance(param_group, dict):
            raise TypeError(f"a parameter group must be a dict, got {type(param_group).__name__}")
        if "params" not in param_group:
            raise ValueError("a parameter group needs a 'params' entry")
        params = param_group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, (set, dict)):
            raise TypeError("a group's 'params' must be a list of Tensors, got "
                            f"{type(params).__name__} (a set has no fixed order)")
        params = list(params)
        if not params:
            raise ValueError("optimizer got a parameter group with an empty 'params' list")
        seen = {id(p) for group in self.param_groups for p in group["params"]}
        for i, p in enumerate(params):
            _check_param(p, i)
            if id(p) in seen:
                raise ValueError(f"params[{i}] (shape {p.shape}) appears more than once in "
                                 "the optimizer's parameter groups")
            seen.add(id(p))
        group = dict(self.defaults)
        group.update(param_group)
        group["params"] = params
        where = f"{type(self).__name__}: param_groups[{len(self.param_groups)}]: "
        self._validate_group(group, where)
        self.param_groups.append(group)
        self._checked_copies.append(_checked_copy(group))

    # Keys a group may hold besides the hyper-parameters: those a schedule writes (here
    # or in PyTorch, so that code written for either keeps working) and a label.
    _EXTRA_GROUP_KEYS = frozenset({"params", "name", "initial_lr", "max_lr", "min_lr",
                                  "base_momentum", "max_momentum"})
    # Other libraries' names for the same hyper-parameters (Keras, TensorFlow), suggested
    # when a group uses them.
    _OTHER_NAMES = {"learning_rate": "lr", "epsilon": "eps", "beta_1": "betas",
                    "beta_2": "betas", "beta1": "betas", "beta2": "betas", "rho": "alpha",
                    "decay": "weight_decay", "l2": "weight_decay"}

    def _validate_group(self, group: dict[str, Any], where: str) -> None:
        """Check a group's keys and hyper-parameters."""
        for key in group:
            if key not in self.defaults and key not in self._EXTRA_GROUP_KEYS:
                raise ValueError(self._unknown_key_message(key, where))
        for key in self.defaults:
            if key not in group:
                raise ValueError(f"{where}the group has no {key!r}; every group needs each "
                                 f"of {', '.join(self.defaults)} (add groups with "
                                 "add_param_group(), which fills in the defaults)")
        self._check_group(group, where)

    def _unknown_key_message(self, key: Any, where: str) -> str:
        names = list(self.defaults)
        close = difflib.get_close_matches(key, names, n=1, cutoff=0.5) if isinstance(
            key, str) else []
        other = self._OTHER_NAMES.get(key) if isinstance(key, str) else None
        guess = other if other in self.defaults else (close[0] if close else None)
        hint = f" (did you mean {guess!r}?)" if guess else ""
        return (f"{where}unknown key {key!r}{hint}: it is no hyper-parameter of "
                f"{type(self).__name__}, whose are {', '.join(names)} (and 'params'); "
                "an unknown key would be silently ignored")

    def _set_checked_value(self, index: int, key: str, value: Any) -> None:
        """``param_groups[index][key] = value`` for a value already checked (a schedule's
        lr), so that step() does not check the group again for it."""
        self.param_groups[index][key] = value
        copies = self._checked_copies
        if index < len(copies):
            copies[index][key] = value

    def _check_changed_groups(self) -> None:
        """Check again every group changed since its last check (e.g. ``lr`` set by hand)."""
        copies = self._checked_copies
        for gi, group in enumerate(self.param_groups):
            try:
                unchanged = gi < len(copies) and group == copies[gi]
            except Exception:  # a value whose == raises (an array): check it
                unchanged = False
            if not unchanged:
                self._validate_group(group, f"{type(self).__name__}.step: param_groups[{gi}]: ")
        self._checked_copies = [_checked_copy(group) for group in self.param_groups]

    def _check_group(self, group: dict[str, Any], where: str) -> None:
        """Check every hyper-parameter of ``group`` with ``tinygrad_edu.checks`` (override
        in a subclass); ``where`` starts each message, e.g. ``"SGD: "``, so that a message
        reads ``f"{where}lr must be ..."``."""

    # --- the training-loop calls ---

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget the gradients of all parameters before the next backward.

        Args:
            set_to_none: set ``.grad`` to None (default, as PyTorch); False puts a new
                Tensor of zeros instead (the old gradient array is never overwritten,
                since it may be shared).
        """
        set_to_none = checks.flag(set_to_none, "zero_grad: set_to_none")
        for group in self.param_groups:
            for p in group["params"]:
                if set_to_none:
                    p.grad = None
                elif p.grad is not None:
                    p.grad = Tensor._wrap(np.zeros_like(p.data))

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Do one update of every parameter whose ``.grad`` is not None.

        Args:
            closure: optional function that recomputes the loss (run with grad enabled).

        A parameter that does not require grad (a frozen ``nn.Parameter``) is skipped,
        even if it kept a ``.grad`` from before it was frozen (PyTorch would apply that
        one; after ``zero_grad()`` both skip it, since its ``.grad`` stays None).

        Returns:
            The closure's loss, or None.

        Raises:
            TypeError: a ``.grad`` is not a Tensor or ndarray, or its dtype is not its
                parameter's.
            ValueError: a ``.grad`` does not have its parameter's shape (it would be
                broadcast into the update); a group's hyper-parameter changed since the
                optimizer checked it and is now invalid (``param_groups[0]['lr'] = "0.1"``,
                nan, -1, or an unknown key added). Everything is checked before any
                parameter changes, so after the error all parameters are as before.
        """
        try:  # the hot path: one comparison in C, identical values equal at once
            unchanged = self.param_groups == self._checked_copies
        except Exception:  # a value whose == raises (an array set by hand)
            unchanged = False
        if not unchanged:
            self._check_changed_groups()
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        for p, g, group in self._gradients():
            state = self.state[p]
            if not state:
                state.update(self._init_state(p, group))
            self._update(p, g, state, group)
        return loss

    def _gradients(self) -> list[tuple[Tensor, np.ndarray, dict[str, Any]]]:
        """(parameter, gradient array, group) for every parameter whose ``.grad`` is not
        None, each gradient checked first: same shape and dtype as its parameter."""
        found = []
        for gi, group in enumerate(self.param_groups):
            for pi, p in enumerate(group["params"]):
                grad = p.grad
                if grad is None or not p._requires_grad:  # no gradient, or frozen
                    continue
                g = grad.data if isinstance(grad, Tensor) else grad
                data = p.data
                # ``is`` first: a dtype is nearly always the same object (cheap on this path)
                if (not isinstance(g, (np.ndarray, np.generic)) or g.shape != data.shape
                        or (g.dtype is not data.dtype and g.dtype != data.dtype)):
                    self._refuse_gradient(grad, p, gi, pi)
                found.append((p, g, group))
        return found

    def _refuse_gradient(self, grad: Any, p: Tensor, gi: int, pi: int) -> None:
        where = (f"{type(self).__name__}.step: the .grad of param_groups[{gi}]['params'][{pi}] "
                 f"(a parameter of shape {p.shape}, dtype {p.dtype})")
        after = "; no parameter was updated"
        g = grad.data if isinstance(grad, Tensor) else grad
        if not isinstance(g, (np.ndarray, np.generic)):
            raise TypeError(f"{where} must be a Tensor or an ndarray, got "
                            f"{type(grad).__name__}{after}")
        if g.shape != p.data.shape:
            raise ValueError(f"{where} has shape {g.shape}: a gradient must have its "
                             f"parameter's shape (it would be broadcast into the update)"
                             f"{after}")
        raise TypeError(f"{where} has dtype {g.dtype}: a gradient must have its parameter's "
                        f"dtype; convert it, e.g. p.grad = tg.Tensor(g.astype(np.{p.dtype}))"
                        f"{after}")

    def _init_state(self, p: Tensor, group: dict[str, Any]) -> dict[str, Any]:
        """The state of ``p`` before its first update (override in a subclass)."""
        return {}

    def _update(self, p: Tensor, g: np.ndarray, state: dict[str, Any],
                group: dict[str, Any]) -> None:
        """Update ``p.data`` in place from its gradient ``g`` (override in a subclass).

        ``g`` is ``p.grad.data``: never modify it in place, it may be shared.
        Hyper-parameters are read as Python floats, since a NumPy float64 scalar would
        upcast float32 arithmetic.
        """
        raise NotImplementedError

    # --- checkpoints ---

    def state_dict(self) -> dict[str, Any]:
        """The optimizer's state as plain data, in PyTorch's layout.

        Returns:
            ``{'state': {index: {key: value}}, 'param_groups': [{..., 'params': [index]}]}``
            where a parameter's index counts through the groups in order. Arrays are
            copies, so later steps do not change a saved state dict.
        """
        index = {}
        groups = []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            packed["params"] = []
            for p in group["params"]:
                index[id(p)] = len(index)
                packed["params"].append(index[id(p)])
            groups.append(packed)
        state = {}
        for p, s in self.state.items():
            if id(p) in index and s:
                state[index[id(p)]] = {k: v.copy() if isinstance(v, np.ndarray) else v
                                       for k, v in s.items()}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore what ``state_dict`` returned (on an optimizer over the same parameters).

        Hyper-parameters come from the saved groups; state arrays are copied and cast to
        their parameter's dtype.

        Everything is checked before anything changes: after an error the optimizer
        keeps its hyper-parameters and state.

        Raises:
            ValueError: the number of groups, of parameters in a group, or a state
                array's shape does not match this optimizer's parameters; a saved group
                lacks a hyper-parameter or has an invalid one (e.g. ``lr=-1``).
        """
        name = f"{type(self).__name__}.load_state_dict"
        if (not isinstance(state_dict, dict) or "param_groups" not in state_dict
                or "state" not in state_dict):
            raise ValueError(f"{name}: expected what state_dict() returns, a dict with "
                             f"'state' and 'param_groups', got {type(state_dict).__name__}")
        saved_groups = state_dict["param_groups"]
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(f"loaded state dict has {len(saved_groups)} parameter groups, "
                             f"the optimizer has {len(self.param_groups)}")
        params_by_index = {}
        group_by_index = {}
        new_groups = []
        for g, (group, saved) in enumerate(zip(self.param_groups, saved_groups)):
            if not isinstance(saved, dict) or "params" not in saved:
                raise ValueError(f"{name}: loaded param_groups[{g}] must be a dict with "
                                 f"'params', got {type(saved).__name__}")
            if len(saved["params"]) != len(group["params"]):
                raise ValueError(
                    f"loaded param_groups[{g}] has {len(saved['params'])} parameters, the "
                    f"optimizer's has {len(group['params'])}")
            missing = [k for k in self.defaults if k not in saved]
            if missing:
                raise ValueError(f"{name}: loaded param_groups[{g}] has no {missing[0]!r} (a "
                                 f"state dict of another optimizer than {type(self).__name__}?)")
            new_group = {k: v for k, v in saved.items() if k != "params"}
            for i, p in zip(saved["params"], group["params"]):
                params_by_index[int(i)] = p
                group_by_index[int(i)] = new_group
            if isinstance(new_group.get("betas"), list):
                new_group["betas"] = tuple(new_group["betas"])
            new_group["params"] = group["params"]
            for key in new_group:
                if key not in self.defaults and key not in self._EXTRA_GROUP_KEYS:
                    raise ValueError(self._unknown_key_message(
                        key, f"{name}: loaded param_groups[{g}]: "))
            self._check_group(new_group, f"{name}: loaded param_groups[{g}]: ")
            new_groups.append(new_group)
        state: defaultdict[Tensor, dict[str, Any]] = defaultdict(dict)
        for i, saved_state in state_dict["state"].items():
            p = params_by_index.get(int(i))
            if p is None:
                raise ValueError(f"loaded state has an entry for parameter {i}, which is in "
                                 "no parameter group")
            self._check_state_keys(saved_state, p, group_by_index[int(i)], f"{name}: loaded "
                                   f"state[{i}]")
            state[p] = {k: _load_value(v, p, i, k) for k, v in saved_state.items()}
        for group, new_group in zip(self.param_groups, new_groups):
            group.clear()  # the same dict objects: a scheduler may hold the list
            group.update(new_group)
        self._checked_copies = [_checked_copy(group) for group in self.param_groups]
        self.state = state

    # State keys a parameter may have besides those _init_state gives it (buffers made on
    # first use, e.g. Adam's max_exp_avg_sq with amsgrad); a subclass lists its own.
    _optional_state: tuple = ()

    def _check_state_keys(self, saved: Any, p: Tensor, group: dict[str, Any], where: str) -> None:
        if not isinstance(saved, dict):
            raise ValueError(f"{where} must be a dict of the parameter's state, got "
                             f"{type(saved).__name__}")
        required = list(self._init_state(p, group))
        allowed = required + [k for k in self._optional_state if k not in required]
        missing = [k for k in required if k not in saved]
        unknown = [k for k in saved if k not in allowed]
        if missing or unknown:
            what = "; ".join(([f"it has no {', '.join(map(repr, missing))}"] if missing else [])
                             + ([f"{', '.join(map(repr, unknown))} is no state of "
                                 f"{type(self).__name__}"] if unknown else []))
            raise ValueError(f"{where}: {what} (a state dict of another optimizer than "
                             f"{type(self).__name__}?); its state keys are "
                             f"{', '.join(allowed) or 'none'}")

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            lines.extend(f"    {k}: {v}" for k, v in sorted(group.items()) if k != "params")
        return "\n".join(lines) + "\n)"


# --- argument checks and helpers ---

def _check_param(p: Any, i: int) -> None:
    if not isinstance(p, Tensor):
        hint = ("; pass model.parameters(), not named_parameters()"
                if isinstance(p, tuple) else "")
        raise TypeError(f"an optimizer can only optimize Tensors, but params[{i}] is a "
                        f"{type(p).__name__}{hint}")
    if not p.requires_grad and not isinstance(p, Parameter):
        raise ValueError(f"params[{i}] (shape {p.shape}) does not require grad; create it "
                         "with requires_grad=True (a frozen nn.Parameter, requires_grad=False, "
                         "is accepted and skipped, as in PyTorch)")
    if p.creator is not None:
        raise ValueError(f"params[{i}] (shape {p.shape}) is not a leaf tensor (it was "
                         "computed by an op); optimize the tensors it was computed from")


def _checked_copy(group: dict[str, Any]) -> dict[str, Any]:
    """A copy of a checked group for step() to compare with; a list value is copied as a
    tuple, so that a change made in place to it is not missed (it then never compares
    equal, and the group is checked at every step)."""
    return {k: tuple(v) if type(v) is list and k != "params" else v for k, v in group.items()}


def _load_value(v: Any, p: Tensor, i: Any, key: str) -> Any:
    if isinstance(v, Tensor):
        v = v.data
    where = f"loaded state[{i}]['{key}']"
    if key == "step":
        count = v.item() if isinstance(v, np.ndarray) and v.size == 1 else v
        return checks.integer(count, where, low=0)
    if v is None:  # an optional buffer not made yet (PyTorch saves None for these)
        return None
    if not isinstance(v, np.ndarray) or v.dtype.kind != "f":
        raise ValueError(f"{where} must be a float array of the parameter's shape "
                         f"{p.shape}, got {checks._shown(v)}"
                         + (f" of dtype {v.dtype}" if isinstance(v, np.ndarray) else ""))
    # A 0-d array is a count such as 'step', unless it is a float buffer of a 0-d parameter.
    if isinstance(v, np.ndarray) and (v.ndim > 0 or (p.ndim == 0 and v.dtype.kind == "f"
                                                     and key != "step")):
        if v.shape != p.shape:
            raise ValueError(f"loaded state[{i}]['{key}'] has shape {v.shape}, but the "
                             f"parameter has shape {p.shape}")
        return v.astype(p.dtype) if v.dtype.kind == "f" else v.copy()
    if isinstance(v, np.ndarray):  # a 0-d array, e.g. a step count
        return v.item()
    return v


def zeros_buffer(state: dict[str, Any], key: str, p: Tensor) -> np.ndarray:
    """``state[key]``, created as zeros shaped like ``p`` on first use (an optional buffer,
    e.g. Adam's ``max_exp_avg_sq`` once amsgrad is on)."""
    buf = state.get(key)
    if buf is None:
        buf = state[key] = np.zeros_like(p.data)
    return buf
