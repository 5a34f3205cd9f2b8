"""Gradient checking: the analytic Jacobian from backward against central differences.

For a function y = f(x) the Jacobian J[j, k] = dy_j / dx_k is built twice: row by row
from backward (one vector-Jacobian product per output element, with a one-hot vector),
and column by column from (f(x + eps e_k) - f(x - eps e_k)) / (2 eps). They must agree
to |analytic - numerical| <= atol + rtol * |numerical| everywhere.
"""
from __future__ import annotations

import warnings
from typing import Any, Callable, Sequence

import numpy as np

from . import checks
from .autograd.grad_mode import enable_grad, no_grad
from .autograd.engine import grad
from ._tensor import Tensor


class GradcheckError(RuntimeError):
    """The analytic gradient disagrees with the numerical one (the message says where)."""


def gradcheck(fn: Callable[..., Any], inputs: Any, eps: float = 1e-6, atol: float = 1e-5,
              rtol: float = 1e-3, raise_exception: bool = True) -> bool:
    """Check the gradients of ``fn`` at ``inputs`` against central differences.

    Args:
        fn: maps the inputs (Tensors) to a Tensor or a tuple of Tensors.
        inputs: a Tensor or a sequence of them (other values are passed through); the
            gradient is checked for those that require grad. Use float64: in float32 the
            rounding error of f(x + eps) - f(x - eps) swamps a step as small as eps.
        eps: the finite-difference step.
        atol: absolute tolerance.
        rtol: relative tolerance (1e-3 lets errors below 0.1% of the value pass).
        raise_exception: raise on a mismatch (else return False).

    Returns:
        True when every Jacobian entry agrees.

    Raises:
        GradcheckError: naming the output, the input, the element index, both values and
            the error, for the worst mismatch.
        ValueError: ``eps`` not a finite number > 0, ``atol`` or ``rtol`` not a finite
            number >= 0, ``raise_exception`` not a bool (checked before ``fn`` runs).

    Example:
        >>> x = tg.Tensor(np.random.rand(3), requires_grad=True, dtype=np.float64)
        >>> tg.gradcheck(lambda x: (x * x).sum(), x)
        True
    """
    _check_settings("gradcheck", eps, atol, rtol, raise_exception)
    if not callable(fn):
        raise TypeError(f"gradcheck: fn must be a function of the inputs, got {type(fn).__name__}")
    inputs = (inputs,) if isinstance(inputs, (Tensor, np.ndarray)) else tuple(inputs)
    checked = [(i, x) for i, x in enumerate(inputs) if isinstance(x, Tensor) and x.requires_grad]
    if not checked:
        raise ValueError(_no_grad_input_message("gradcheck", inputs))
    for i, x in checked:
        if x.dtype != np.float64:
            warnings.warn(
                f"gradcheck: input {i} is {x.dtype}, not float64. Its rounding error (about "
                f"{np.finfo(x.dtype).eps:.0e} relative) divided by the step eps={eps} can swamp "
                "the numerical derivative; use float64 inputs for a meaningful check.",
                UserWarning, stacklevel=2)

    outputs = _as_outputs(fn(*inputs))
    analytic = _analytic_jacobians(outputs, [x for _, x in checked])
    numerical = _numerical_jacobians(fn, inputs, checked, [y.shape for y in outputs], eps)
    for o, y in enumerate(outputs):
        for c, (i, x) in enumerate(checked):
            a, n = analytic[o][c], numerical[o][c]
            excess = np.abs(a - n) - (atol + rtol * np.abs(n))
            if a.size and (excess > 0).any() or np.isnan(a).any() != np.isnan(n).any():
                if not raise_exception:
                    return False
                raise GradcheckError(_mismatch_message(o, y, i, x, a, n, excess, eps, atol, rtol))
    return True


def gradgradcheck(fn: Callable[..., Any], inputs: Any, grad_outputs: Any = None,
                  eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-3,
                  raise_exception: bool = True) -> bool:
    """Check second-order gradients: ``gradcheck`` of the map (x, v) -> v^T J(x).

    The first-order gradient is computed with ``create_graph=True``, so differentiating
    it again checks every op's backward as a differentiable function of its inputs.

    Args:
        fn, inputs, eps, atol, rtol, raise_exception: as in ``gradcheck``.
        grad_outputs: the vectors v, one per output; random float64 if None (seeded, so a
            failure reproduces).

    Returns:
        True when every second-order Jacobian entry agrees.

    Raises:
        GradcheckError, ValueError: as ``gradcheck``.
    """
    _check_settings("gradgradcheck", eps, atol, rtol, raise_exception)
    if not callable(fn):
        raise TypeError(f"gradgradcheck: fn must be a function of the inputs, got "
                        f"{type(fn).__name__}")
    inputs = (inputs,) if isinstance(inputs, (Tensor, np.ndarray)) else tuple(inputs)
    if not any(isinstance(x, Tensor) and x.requires_grad for x in inputs):
        raise ValueError(_no_grad_input_message("gradgradcheck", inputs))
    outputs = [y for y in _as_outputs(fn(*inputs), "gradgradcheck") if y.requires_grad]
    if grad_outputs is None:
        rng = np.random.default_rng(0)
        grad_outputs = [Tensor(rng.standard_normal(y.shape), dtype=y.dtype, requires_grad=True)
                        for y in outputs]
    else:
        grad_outputs = _checked_grad_outputs(grad_outputs, outputs)
    n_inputs = len(inputs)

    def first_order(*args: Any) -> tuple:
        xs, vs = args[:n_inputs], args[n_inputs:]
        with enable_grad():  # the numerical pass runs under no_grad; this needs a graph
            ys = [y for y in _as_outputs(fn(*xs), "gradgradcheck") if y.requires_grad]
            wrt = [x for x in xs if isinstance(x, Tensor) and x.requires_grad]
            gs = grad(ys, wrt, grad_outputs=list(vs), create_graph=True, allow_unused=True)
        return tuple(Tensor(np.zeros(x.shape, x.dtype)) if g is None else g for g, x in zip(gs, wrt))

    return gradcheck(first_order, tuple(inputs) + tuple(grad_outputs), eps=eps, atol=atol,
                     rtol=rtol, raise_exception=raise_exception)


def _no_grad_input_message(check: str, inputs: tuple) -> str:
    arrays = any(isinstance(x, np.ndarray) for x in inputs)
    return (f"{check}: no input requires grad; create the inputs with requires_grad=True"
            + (", as Tensors: tg.Tensor(array, requires_grad=True), not NumPy arrays"
               if arrays else ""))


def _checked_grad_outputs(grad_outputs: Any, outputs: list[Tensor]) -> list[Tensor]:
    """The vectors v of gradgradcheck, one Tensor per output that requires grad, each
    shaped like its output."""
    if isinstance(grad_outputs, (Tensor, np.ndarray)):
        grad_outputs = [grad_outputs]
    vs = [v if isinstance(v, Tensor) else Tensor(v) for v in grad_outputs]
    if len(vs) != len(outputs):
        raise ValueError(f"gradgradcheck: grad_outputs has {len(vs)} vector(s), but fn has "
                         f"{len(outputs)} output(s) that require grad: give one per output")
    for o, (v, y) in enumerate(zip(vs, outputs)):
        if v.shape != y.shape:
            raise ValueError(f"gradgradcheck: grad_outputs[{o}] has shape {v.shape}, but "
                             f"output {o} has shape {y.shape}")
    return vs


def _check_settings(check: str, eps: Any, atol: Any, rtol: Any, raise_exception: Any) -> None:
    checks.real(eps, f"{check}: eps", low=0, low_open=True)
    checks.real(atol, f"{check}: atol", low=0)
    checks.real(rtol, f"{check}: rtol", low=0)
    checks.flag(raise_exception, f"{check}: raise_exception")


_RETURN_HINT = ("fn must return a Tensor computed from the inputs with Tensor operations "
                "(or a tuple of them), so that backward can reach the inputs")


def _as_outputs(result: Any, check: str = "gradcheck") -> list[Tensor]:
    """fn's result as a list of Tensors, or a TypeError saying what fn returned instead."""
    if isinstance(result, Tensor):
        return [result]
    if not isinstance(result, (tuple, list)):
        raise TypeError(f"{check}: {_RETURN_HINT}; it returned {_returned(result)}")
    if not result:
        raise TypeError(f"{check}: {_RETURN_HINT}; it returned an empty "
                        f"{type(result).__name__}")
    for o, y in enumerate(result):
        if not isinstance(y, Tensor):
            raise TypeError(f"{check}: {_RETURN_HINT}; output {o} of the "
                            f"{type(result).__name__} it returned is {_returned(y)}")
    return list(result)


def _returned(value: Any) -> str:
    if value is None:
        return "None (a missing return statement?)"
    if isinstance(value, np.ndarray):
        return (f"a NumPy array of shape {value.shape} (was it computed on .data or with "
                "a NumPy function outside the graph?)")
    if isinstance(value, (int, float, np.generic)):
        return (f"a plain number {value!r} (.item() or float() leave the graph; return the "
                "Tensor itself)")
    return f"a {type(value).__name__}"


def _analytic_jacobians(outputs: Sequence[Tensor], xs: Sequence[Tensor]) -> list[list[np.ndarray]]:
    """J[o][c] of shape (outputs[o].size, xs[c].size), one backward per output element."""
    jacobians = []
    for y in outputs:
        rows = [np.zeros((y.size, x.size), dtype=np.float64) for x in xs]
        if y.requires_grad:
            for j in range(y.size):
                onehot = np.zeros(y.size, dtype=y.dtype)
                onehot[j] = 1
                gs = grad(y, xs, grad_outputs=onehot.reshape(y.shape), retain_graph=True,
                          allow_unused=True)
                for c, g in enumerate(gs):
                    if g is not None:
                        rows[c][j] = g.data.reshape(-1)
        jacobians.append(rows)
    return jacobians


def _numerical_jacobians(fn, inputs, checked, output_shapes, eps) -> list[list[np.ndarray]]:
    """J[o][c] by central differences, perturbing each input element in place."""
    jacobians = [[np.zeros((int(np.prod(s)), x.size)) for _, x in checked] for s in output_shapes]
    for c, (_, x) in enumerate(checked):
        for k, index in enumerate(np.ndindex(x.shape)):
            original = x.data[index].copy()
            try:
                x.data[index] = original + eps
                with no_grad():
                    plus = [y.data.astype(np.float64) for y in _as_outputs(fn(*inputs))]
                x.data[index] = original - eps
                with no_grad():
                    minus = [y.data.astype(np.float64) for y in _as_outputs(fn(*inputs))]
            finally:
                x.data[index] = original
            for o in range(len(output_shapes)):
                jacobians[o][c][:, k] = ((plus[o] - minus[o]) / (2 * eps)).reshape(-1)
    return jacobians


def _mismatch_message(o, y, i, x, a, n, excess, eps, atol, rtol) -> str:
    nan_mismatch = np.isnan(a) != np.isnan(n)
    worst = np.unravel_index(np.argmax(np.where(nan_mismatch, np.inf, np.nan_to_num(excess))), a.shape)
    j, k = int(worst[0]), int(worst[1])
    out_index = np.unravel_index(j, y.shape) if y.ndim else ()
    in_index = np.unravel_index(k, x.shape) if x.ndim else ()
    err = abs(a[j, k] - n[j, k])
    return (
        f"Jacobian mismatch for output {o} with respect to input {i}: "
        f"d output{list(map(int, out_index))} / d input{list(map(int, in_index))} is "
        f"analytic {a[j, k]:.10g} but numerical {n[j, k]:.10g} "
        f"(central difference, eps={eps:g}); error {err:.3g} > allowed "
        f"{atol + rtol * abs(n[j, k]):.3g} (atol={atol:g} + rtol={rtol:g} * |numerical|). "
        f"{int((excess > 0).sum())} of {a.size} entries disagree."
        + ("" if y.requires_grad else
           f" Output {o} does not require grad: it is not connected to the inputs in the "
           "graph (computed on .data, with .item() or NumPy outside the graph, or under "
           "no_grad?), so its analytic gradient is 0."))
