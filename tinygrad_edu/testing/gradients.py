"""check_gradients and check_module: every gradient check a new op or layer needs, in one call.

Three checks, each seeing bugs the others cannot:

1. first order (``tg.gradcheck``): backward against central differences of forward;
2. the two backward paths agree: gradients from ``create_graph=False`` (the fast pass,
   on arrays) equal those from ``create_graph=True`` (the recorded pass, on Tensors) to
   float64 rounding. A backward often has a branch for each; ``gradgradcheck`` only
   ever runs the second and compares it with finite differences of *itself*, so an
   error in that branch alone passes it;
3. second order (``tg.gradgradcheck``): backward is itself differentiable.
"""
from __future__ import annotations

import copy
import re
from typing import Any, Callable

import numpy as np

from .. import checks
from .._tensor import Tensor
from ..autograd.engine import grad
from ..autograd.grad_mode import enable_grad
from ..gradcheck import GradcheckError, _as_outputs, gradcheck, gradgradcheck
from ..nn.module import Module
from .compare import assert_close

__all__ = ["GradientCheckError", "check_gradients", "check_module"]

# The two backward paths must agree to float64 rounding: a relative 1e-9, plus 1e-9 of
# the gradient's largest entry for entries that cancel to about 0.
PATHS_RTOL = 1e-9


class GradientCheckError(GradcheckError, AssertionError):
    """A gradient check failed; the message names the check, where, and what it suggests.

    A ``tg.GradcheckError`` and an ``AssertionError`` (pytest shows it as a failed assert).
    """


_FIRST_ORDER = (
    "check 1 (first order: the gradients from backward against central differences of "
    "forward) failed.\nbackward's formula disagrees with forward: a wrong derivative, a "
    "missing factor or sign, a gradient not reduced back to its input's broadcast shape, "
    "or the inputs sit on a kink (draw them away from it: strategies.away_from).")
_PATHS = (
    "check 2 (the two backward paths: create_graph=False against create_graph=True) "
    "failed.\nThe first-order gradient depends on whether the backward pass is recorded: "
    "look at the branch of backward that runs on Tensors (under create_graph=True, "
    "gradients and saved values are Tensors; e.g. an `if isinstance(x, Tensor):` branch). "
    "gradgradcheck cannot see this: it only runs that branch.")
_SECOND_ORDER = (
    "check 3 (second order: gradgradcheck, the gradients of backward itself) failed.\n"
    "backward is not differentiable as written: it leaves the graph (.data, .item(), "
    "NumPy on a Tensor's array), treats a value that depends on the input as a constant, "
    "or its own derivative is wrong.")


# --- check_gradients ---

def check_gradients(fn: Callable[..., Any], *inputs: Any, grad_outputs: Any = None,
                    eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-3,
                    second_order: bool = True) -> bool:
    """Check the gradients of ``fn`` at ``inputs``: first order, both backward paths, and
    second order.

    Args:
        fn: maps the inputs to a Tensor (or a tuple of Tensors), with Tensor operations.
        *inputs: the arguments of ``fn``. Gradients are checked for the Tensors that
            require grad, which must be float64 (float32 rounding swamps the finite
            differences); other Tensors, ints, axes and index arrays are constants.
        grad_outputs: the vectors v of the vector-Jacobian products of checks 2 and 3, one
            per output that requires grad (arrays or Tensors); random if None (seeded, so
            a failure reproduces).
        eps, atol, rtol: as in ``tg.gradcheck`` (checks 1 and 3).
        second_order: run check 3 (default True).

    Returns:
        True when every check passes.

    Raises:
        GradientCheckError: a check failed; the message says which one, where (the
            worst element) and what usually causes it.
        TypeError: an input that requires grad is not float64, a float NumPy array is
            given (ambiguous: say tg.Tensor(a, requires_grad=True) or tg.Tensor(a)),
            ``fn`` returns something other than Tensors, or an output is not float64.
        ValueError: no input requires grad, or a bad ``eps``/``atol``/``rtol``.

    Example:
        >>> x = tg.Tensor(np.random.rand(3, 2), dtype=np.float64, requires_grad=True)
        >>> check_gradients(lambda x: (x * x).sum(axis=0), x)
        True
    """
    if not callable(fn):
        raise TypeError(f"check_gradients: fn must be a function of the inputs, got "
                        f"{type(fn).__name__}")
    checks.flag(second_order, "check_gradients: second_order")
    _check_inputs(inputs)
    return _run_checks(fn, inputs, grad_outputs, eps, atol, rtol, second_order,
                       labels=None, where="check_gradients")


def _check_inputs(inputs: tuple) -> None:
    """Float64 for every input that requires grad; no float ndarray (is it an input to
    check or a constant?)."""
    for i, x in enumerate(inputs):
        if isinstance(x, Tensor) and x.requires_grad and x.dtype != np.float64:
            raise TypeError(
                f"check_gradients: input {i} is {x.dtype}; gradient checks need float64 (at "
                f"{x.dtype} the rounding error of f(x + eps) - f(x - eps) swamps the finite "
                "difference). Pass tg.Tensor(x.data, dtype=np.float64, requires_grad=True), "
                "or draw it with tinygrad_edu.testing.strategies.tensors() (float64 by default)")
        if isinstance(x, np.ndarray) and x.dtype.kind == "f":
            raise TypeError(
                f"check_gradients: input {i} is a NumPy float array: pass "
                "tg.Tensor(a, requires_grad=True) to check the gradient with respect to it, "
                "or tg.Tensor(a) to pass it as a constant")
    if not any(isinstance(x, Tensor) and x.requires_grad for x in inputs):
        raise ValueError("check_gradients: no input requires grad; create the inputs to check "
                         "with requires_grad=True (strategies.tensors() does)")


def _run_checks(fn, inputs, grad_outputs, eps, atol, rtol, second_order, labels, where) -> bool:
    with enable_grad():
        outputs = _differentiable_outputs(fn, inputs, where)
        vs = _vectors(grad_outputs, outputs, where)
        _explained(lambda: gradcheck(fn, inputs, eps=eps, atol=atol, rtol=rtol),
                   _FIRST_ORDER, labels)
        _check_paths(fn, inputs, vs, labels)
        if second_order:
            leaves = [Tensor(v, dtype=np.float64, requires_grad=True) for v in vs]
            _explained(lambda: gradgradcheck(fn, inputs, grad_outputs=leaves, eps=eps,
                                             atol=atol, rtol=rtol), _SECOND_ORDER, labels)
    return True


def _differentiable_outputs(fn, inputs, where) -> list[Tensor]:
    outputs = [y for y in _as_outputs(fn(*inputs), where) if y.requires_grad]
    for o, y in enumerate(outputs):
        if y.dtype != np.float64:
            raise TypeError(
                f"{where}: fn returned a {y.dtype} output (output {o} of those that require "
                "grad) from float64 inputs, so the check would run at that precision. Find "
                "the cast in fn: a tensor made without dtype= (the default dtype is float32), "
                ".astype, .float() or a float32 constant")
    if not outputs:
        raise ValueError(f"{where}: no output of fn requires grad: it is not connected to the "
                         "inputs (computed on .data, with NumPy outside the graph, or under "
                         "no_grad?)")
    again = [y for y in _as_outputs(fn(*inputs), where) if y.requires_grad]
    if not all(np.array_equal(a.data, b.data, equal_nan=True) for a, b in zip(outputs, again)):
        raise ValueError(f"{where}: two calls of fn on the same inputs give different outputs: "
                         "it is random (Dropout in training mode, tg.randn inside?), and finite "
                         "differences need the same output each call")
    return outputs


def _vectors(grad_outputs, outputs, where) -> list[np.ndarray]:
    """The vectors v, as float64 arrays shaped like the outputs."""
    if grad_outputs is None:
        rng = np.random.default_rng(0)
        return [rng.standard_normal(y.shape) for y in outputs]
    if isinstance(grad_outputs, (Tensor, np.ndarray)):
        grad_outputs = [grad_outputs]
    vs = [np.asarray(v.data if isinstance(v, Tensor) else v, dtype=np.float64)
          for v in grad_outputs]
    if len(vs) != len(outputs):
        raise ValueError(f"{where}: grad_outputs has {len(vs)} vector(s) but fn has "
                         f"{len(outputs)} output(s) that require grad: give one per output")
    for o, (v, y) in enumerate(zip(vs, outputs)):
        if v.shape != y.shape:
            raise ValueError(f"{where}: grad_outputs[{o}] has shape {v.shape}, but output {o} "
                             f"has shape {y.shape}")
    return vs


def _check_paths(fn, inputs, vs, labels) -> None:
    """Check 2: one backward pass with create_graph=False, one with True, same v."""
    wrt = [x for x in inputs if isinstance(x, Tensor) and x.requires_grad]
    positions = [i for i, x in enumerate(inputs) if isinstance(x, Tensor) and x.requires_grad]
    passes = []
    for create_graph in (False, True):
        outputs = [y for y in _as_outputs(fn(*inputs)) if y.requires_grad]
        passes.append(grad(outputs, wrt, grad_outputs=list(vs), create_graph=create_graph,
                           allow_unused=True))
    for i, x, fast, recorded in zip(positions, wrt, *passes):
        fast, recorded = (np.zeros(x.shape) if g is None else np.asarray(g.data)
                          for g in (fast, recorded))
        name = _label(i, labels)
        for path, g in (("create_graph=False", fast), ("create_graph=True", recorded)):
            if g.shape != x.shape:
                raise GradientCheckError(f"{_PATHS}\nThe gradient of {name} from the "
                                         f"{path} pass has shape {g.shape}, not {x.shape}")
        scale = float(np.max(np.abs(recorded[np.isfinite(recorded)]), initial=0.0))
        try:
            assert_close(fast, recorded, rtol=PATHS_RTOL, atol=PATHS_RTOL * scale,
                         equal_nan=True, check_dtype=False)
        except AssertionError as error:
            raise GradientCheckError(
                f"{_PATHS}\nThe gradient of {name}: 'actual' is the create_graph=False pass, "
                f"'expected' the create_graph=True pass (allowed: float64 rounding, rtol "
                f"{PATHS_RTOL:g}).\n{error}") from None


def _explained(run: Callable[[], Any], explanation: str, labels) -> None:
    try:
        run()
    except GradcheckError as error:
        raise GradientCheckError(f"{explanation}\n{_relabel(str(error), labels)}") from None


def _label(i: int, labels) -> str:
    return f"input {i}" if labels is None or i >= len(labels) else labels[i]


def _relabel(message: str, labels) -> str:
    """gradcheck's "input i" replaced by the name of what input i is (check_module)."""
    if labels is None:
        return message

    def name(match: re.Match) -> str:
        i = int(match.group(2))
        if i < len(labels):
            return f"{match.group(1)}{labels[i]}"
        return f"{match.group(1)}grad_outputs[{i - len(labels)}] (the vector v)"

    return re.sub(r"(with respect to )input (\d+)", name, message)


# --- check_module ---

_MODE_DEPENDENT = ("Dropout", "BatchNorm")  # class names whose output depends on the mode


def check_module(module: Module, inputs: Any, loss: Callable[[Any], Any] | None = None, *,
                 training: bool | None = None, eps: float = 1e-6, atol: float = 1e-5,
                 rtol: float = 1e-3, second_order: bool = True,
                 check_train_eval: bool | None = None) -> bool:
    """Check a module's gradients (inputs and parameters) and its state handling.

    Everything runs on a float64 copy of ``module`` (deepcopy, then cast): the module
    given is never changed (its parameters, dtypes, gradients and mode stay as they were).

    Checks:
        - the output is deterministic in the mode checked and float64 on the float64 copy
          (a float32 tensor made inside forward would hide gradient errors);
        - ``check_gradients`` (first order, both backward paths, second order) with
          respect to every floating point input and every parameter that requires grad;
        - train/eval consistency: without Dropout or BatchNorm in the module, training and
          evaluation mode give the same output; and an evaluation-mode call changes
          nothing in the state_dict (BatchNorm's running statistics included);
        - state_dict round trip: the state_dict loaded into a copy whose values were
          changed gives back the same state_dict and the same output.

    Args:
        module: the ``nn.Module``.
        inputs: the input, or a tuple of inputs, of ``module(*inputs)``: Tensors, arrays or
            other values. Floating point ones (cast to float64 copies) are differentiated;
            integer and bool ones (class labels, indices) are constants.
        loss: maps the module's output to what is differentiated (a scalar is cheapest),
            e.g. ``lambda y: F.cross_entropy(y, labels)``; None: the output itself (a
            tuple of outputs is flattened).
        training: check in training (True) or evaluation (False) mode; None: the module's
            own mode. A random module (Dropout) can only be checked with training=False.
        eps, atol, rtol, second_order: as in ``check_gradients``.
        check_train_eval: compare training and evaluation mode outputs; None: only when
            the module has no Dropout or BatchNorm. Pass False for a module meant to
            behave differently in training (its own noise or dropout).

    Returns:
        True when every check passes.

    Raises:
        GradientCheckError: a gradient check failed (the message names the parameter,
            e.g. ``parameter 'fc.weight'``, or the input).
        AssertionError: train/eval outputs differ, an eval-mode call changed the state, or
            the state_dict round trip lost something.
        ValueError: the output is random in the mode checked, or nothing to differentiate.
        TypeError: not a Module, or the float64 copy still computes in another dtype.

    Example:
        >>> check_module(nn.Linear(3, 2), tg.randn(4, 3))
        True
    """
    if not isinstance(module, Module):
        raise TypeError(f"check_module: module must be an nn.Module, got {type(module).__name__}")
    if training is not None:
        checks.flag(training, "check_module: training")
    if check_train_eval is not None:
        checks.flag(check_train_eval, "check_module: check_train_eval")
    checks.flag(second_order, "check_module: second_order")
    if loss is not None and not callable(loss):
        raise TypeError(f"check_module: loss must be a function of the module's output, got "
                        f"{type(loss).__name__}")
    model = copy.deepcopy(module).to(np.float64)
    model.zero_grad()
    if training is not None:
        model.train(training)
    mode = "training" if model.training else "evaluation"
    xs = _module_inputs(inputs)
    n = len(xs)
    _check_deterministic(model, xs, mode)  # first calls: a lazy layer gets its parameters
    named = [(name, p) for name, p in model.named_parameters() if p.requires_grad]

    def fn(*args: Any) -> Any:
        out = model(*args[:n])
        if loss is not None:
            return loss(out)
        return tuple(y for y in _flatten(out) if isinstance(y, Tensor))

    labels = [f"input {i} of the module (shape {x.shape})" if isinstance(x, Tensor)
              else f"input {i} of the module" for i, x in enumerate(xs)]
    labels += [f"parameter {name!r} (shape {p.shape})" for name, p in named]
    args = tuple(xs) + tuple(p for _, p in named)
    if not any(isinstance(x, Tensor) and x.requires_grad for x in args):
        raise ValueError("check_module: nothing to differentiate: no floating point input and "
                         "no parameter that requires grad")
    _run_checks(fn, args, None, eps, atol, rtol, second_order, labels, "check_module")
    if check_train_eval is None:
        check_train_eval = not _has_mode_dependent_layers(model)
    _check_modes(model, xs, check_train_eval)
    _check_state_dict(model, xs)
    return True


def _module_inputs(inputs: Any) -> list:
    """float64 leaf copies of the floating point inputs; the others unchanged."""
    inputs = list(inputs) if isinstance(inputs, (tuple, list)) else [inputs]
    xs = []
    for x in inputs:
        data = x.data if isinstance(x, Tensor) else x
        if isinstance(data, np.ndarray) and data.dtype.kind == "f":
            xs.append(Tensor(data, dtype=np.float64, requires_grad=True))
        elif isinstance(data, np.ndarray):
            xs.append(Tensor(data.copy()))
        else:
            xs.append(x)
    return xs


def _flatten(out: Any) -> list:
    if isinstance(out, (tuple, list)):
        return [t for item in out for t in _flatten(item)]
    return [out]


def _outputs_now(model: Module, xs: list) -> list[np.ndarray]:
    """The module's outputs as arrays (no graph)."""
    out = model(*xs)
    return [y.data.copy() if isinstance(y, Tensor) else y for y in _flatten(out)]


def _same(first: list, second: list) -> bool:
    return len(first) == len(second) and all(
        np.array_equal(a, b, equal_nan=True) if isinstance(a, np.ndarray) else a == b
        for a, b in zip(first, second))


def _check_deterministic(model: Module, xs: list, mode: str) -> None:
    first, second = _outputs_now(model, xs), _outputs_now(model, xs)
    if not _same(first, second):
        fix = ("check it in evaluation mode: check_module(..., training=False)"
               if model.training else "finite differences need the same output each call")
        raise ValueError(f"check_module: two calls on the same input give different outputs in "
                         f"{mode} mode: the module is random there (Dropout?); {fix}")
    for o, y in enumerate(first):
        if isinstance(y, np.ndarray) and y.dtype.kind == "f" and y.dtype != np.float64:
            raise TypeError(
                f"check_module: the float64 copy of the module returns a {y.dtype} output "
                f"(output {o}): forward computes in {y.dtype} whatever its parameters' dtype, "
                "so gradient errors would hide in its rounding. Find the tensor forward makes "
                "without dtype= (the default dtype is float32) or the cast, e.g. make it "
                "with dtype=x.dtype")


def _has_mode_dependent_layers(model: Module) -> bool:
    return any(any(name in cls.__name__ for name in _MODE_DEPENDENT)
               for m in model.modules() for cls in type(m).__mro__)


def _check_modes(model: Module, xs: list, check_train_eval: bool) -> None:
    was_training = model.training
    try:
        train_out = _outputs_now(model.train(), xs) if check_train_eval else None
        model.eval()
        before = model.state_dict()
        eval_out = _outputs_now(model, xs)
        try:
            assert_close(model.state_dict(), before, rtol=0.0, atol=0.0, equal_nan=True)
        except AssertionError as error:
            raise AssertionError(f"check_module: a call in evaluation mode changed the module's "
                                 f"state_dict (eval must only read running statistics):\n"
                                 f"{error}") from None
        if check_train_eval:
            try:
                assert_close(train_out, eval_out, equal_nan=True)
            except AssertionError as error:
                raise AssertionError(
                    "check_module: the module has no Dropout or BatchNorm, yet its output in "
                    "training mode differs from evaluation mode (does forward branch on "
                    "self.training?). If it is meant to, pass check_train_eval=False.\n"
                    f"{error}") from None
    finally:
        model.train(was_training)


def _check_state_dict(model: Module, xs: list) -> None:
    """Load the state_dict into a copy whose values were all changed: the same state and
    the same output must come back."""
    was_training = model.training
    model.eval()
    try:
        state = model.state_dict()
        other = copy.deepcopy(model)
        for value in other._state_items():
            _scramble(value[1].data)
        other.load_state_dict(state)
        try:
            if list(other.state_dict()) != list(state):
                raise AssertionError(f"keys {list(other.state_dict())} != {list(state)}")
            assert_close(other.state_dict(), state, rtol=0.0, atol=0.0, equal_nan=True)
            assert_close(_outputs_now(other, xs), _outputs_now(model, xs), rtol=0.0, atol=0.0,
                         equal_nan=True)
        except AssertionError as error:
            raise AssertionError(f"check_module: the state_dict round trip (state_dict(), then "
                                 f"load_state_dict() into a changed copy) did not give the "
                                 f"module back:\n{error}") from None
    finally:
        model.train(was_training)


def _scramble(array: np.ndarray) -> None:
    """Change every value in place (so a value load_state_dict forgets shows)."""
    if array.dtype.kind == "b":
        array[...] = ~array
    elif array.dtype.kind == "f":
        array[...] = array * 1.5 + 0.25
    else:
        array[...] = array + 1
