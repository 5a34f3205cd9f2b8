"""Anomaly detection, PyTorch's ``detect_anomaly``: find where a NaN or an Inf comes from.

    with tg.autograd.detect_anomaly():
        loss = model(x).log().mean()
        loss.backward()        # a nan/inf gradient raises at once, naming the op and the line

While on, every op records the line of the user's code that created it (off, nothing is
recorded and ``Function.apply`` is the plain one: it costs nothing). The backward of each
op is checked: a gradient with a nan or an inf raises a RuntimeError naming the op, the
file:line that created it, the shapes and ranges of its inputs, and the usual causes. An
error raised inside a backward gets the same line as a note. ``check_forward=True`` also
checks each op's outputs in the forward pass (PyTorch checks backward only).
"""
from __future__ import annotations

import functools
import linecache
import os
import sys
from typing import Any, Callable

import numpy as np

from .. import checks

enabled = False
check_nan = True
check_forward = False
_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


def is_anomaly_enabled() -> bool:
    """Is anomaly detection on?"""
    return enabled


def is_anomaly_check_nan_enabled() -> bool:
    """Does anomaly detection check gradients for nan/inf (``check_nan``)?"""
    return enabled and check_nan


class set_detect_anomaly:
    """Turn anomaly detection on or off: a call, a context manager (restoring the previous
    setting on exit) or a decorator, as PyTorch's.

    Args:
        mode: True to turn it on.
        check_nan: check every backward's gradients for nan/inf (default True); False
            only records where ops were created, for the notes on backward errors.
        check_forward: also check every op's outputs in the forward pass (default False,
            as PyTorch).
    """

    def __init__(self, mode: bool, check_nan: bool = True, check_forward: bool = False) -> None:
        self.previous = (enabled, globals()["check_nan"], globals()["check_forward"])
        _set(checks.flag(mode, "set_detect_anomaly: mode"),
             checks.flag(check_nan, "set_detect_anomaly: check_nan"),
             checks.flag(check_forward, "set_detect_anomaly: check_forward"))

    def __enter__(self) -> None:
        pass

    def __exit__(self, *exc: Any) -> None:
        _set(*self.previous)


class detect_anomaly:
    """Anomaly detection inside a ``with`` block or a decorated function (see the module
    docstring); ``check_nan`` and ``check_forward`` as in ``set_detect_anomaly``."""

    def __init__(self, check_nan: bool = True, check_forward: bool = False) -> None:
        self.options = (checks.flag(check_nan, "detect_anomaly: check_nan"),
                        checks.flag(check_forward, "detect_anomaly: check_forward"))
        self.stack: list = []

    def __enter__(self) -> None:
        self.stack.append((enabled, check_nan, check_forward))
        _set(True, *self.options)

    def __exit__(self, *exc: Any) -> None:
        _set(*self.stack.pop())

    def __call__(self, func: Callable) -> Callable:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self:
                return func(*args, **kwargs)
        return wrapper


def _set(mode: bool, nan: bool, forward: bool) -> None:
    global enabled, check_nan, check_forward
    enabled, check_nan, check_forward = mode, nan, forward
    Function.apply = classmethod(_traced_apply) if mode else _plain_apply


def _traced_apply(cls, *args: Any) -> Any:
    """``Function.apply`` while anomaly detection is on: note where the op was created."""
    out = _plain_apply.__func__(cls, *args)
    first = out[0] if type(out) is tuple else out
    fn = first.creator
    if fn is not None or check_forward:
        site = _user_site()
        if fn is not None:
            fn.created_at = site
        if check_forward:
            _check_forward(cls, args, out if type(out) is tuple else (out,), site)
    return out


def _user_site() -> str:
    """``file:line, in function: `source``` of the innermost caller outside tinygrad_edu."""
    frame = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE):
        frame = frame.f_back
    if frame is None:
        return "(no caller outside tinygrad_edu)"
    filename, line = frame.f_code.co_filename, frame.f_lineno
    source = linecache.getline(filename, line).strip()
    return f"{filename}:{line}, in {frame.f_code.co_name}" + (f": `{source}`" if source else "")


def _bad(a: Any) -> str:
    """'nan' / 'inf' / 'nan and inf' for an array with such values, else ''."""
    a = np.asarray(a)
    if a.dtype.kind not in "fc":
        return ""
    nan, inf = bool(np.isnan(a).any()), bool(np.isinf(a).any())
    return " and ".join(word for word, bad in (("nan", nan), ("inf", inf)) if bad)


def _describe(values: Any) -> str:
    lines = []
    for i, v in enumerate(values):
        data = getattr(v, "data", v)
        if not isinstance(data, np.ndarray) or data.dtype.kind not in "fiub":
            continue
        if data.size == 0:
            lines.append(f"  input {i}: shape {data.shape}, {data.dtype}, empty")
            continue
        finite = data[np.isfinite(data)] if data.dtype.kind == "f" else data
        span = (f"min {finite.min():.6g}, max {finite.max():.6g}" if finite.size
                else "no finite values")
        bad = _bad(data)
        lines.append(f"  input {i}: shape {data.shape}, {data.dtype}, {span}"
                     + (f", has {bad}" if bad else ""))
    return "\n".join(lines) or "  (no tensor inputs)"


_CAUSES = (
    (("Log",), "log at 0: log(0) = -inf, and its gradient 1/x is inf there; clamp the "
               "argument (x.clamp(min=1e-12)) or use a stable form (log_softmax, "
               "F.cross_entropy on logits)"),
    (("Div", "Reciprocal"), "a division by 0 (0/0 is nan, x/0 is inf): add a small eps to "
                            "the denominator"),
    (("Sqrt", "Pow"), "sqrt at 0: its gradient 1/(2 sqrt(x)) is inf there; use "
                      "sqrt(x + eps), or a norm that handles 0"),
    (("Exp",), "exp overflow: exp(x) is inf for x > 88 in float32; subtract the maximum first "
               "(logsumexp, softmax do)"),
)
_GENERAL = ("inf * 0 gives nan; a too large learning rate makes the weights grow until they "
            "overflow: print the loss and the gradient norm each step "
            "(tg.nn.utils.clip_grad_norm_ returns it), and lower the learning rate")


def _hint(name: str) -> str:
    specific = [text for names, text in _CAUSES if any(n in name for n in names)]
    return "Usual causes: " + "; ".join(specific + [_GENERAL]) + "."


def check_backward(fn: Any, gxs: tuple) -> None:
    """Raise if ``fn``'s backward gave a gradient with nan or inf (the engine calls this
    while anomaly detection is on)."""
    if not check_nan:
        return
    for i, (x, g) in enumerate(zip(fn.inputs, gxs)):
        if g is None or not getattr(x, "_requires_grad", False):
            continue  # a gradient no one receives (e.g. for a constant operand)
        bad = _bad(getattr(g, "data", g))
        if bad:
            name = type(fn).__name__
            raise RuntimeError(
                f"anomaly detected: {name}.backward returned {bad} in the gradient of its input "
                f"{i} (shape {tuple(np.shape(getattr(g, 'data', g)))}).\n"
                f"The {name} op was created at {getattr(fn, 'created_at', '(unknown)')}\n"
                f"Its inputs:\n{_describe(fn.inputs or ())}\n{_hint(name)}")


def _check_forward(cls: type, args: tuple, outs: tuple, site: str) -> None:
    if any(_bad(getattr(a, "data", a)) for a in args):
        return  # the nan/inf came in: it was made (and reported) earlier
    for i, y in enumerate(outs):
        bad = _bad(getattr(y, "data", y))
        if bad:
            name = cls.__name__
            raise RuntimeError(
                f"anomaly detected: {name} produced {bad} in its output {i} in the forward "
                f"pass, at {site}\nIts inputs:\n{_describe(args)}\n{_hint(name)}")


def explain(error: BaseException, fn: Any) -> None:
    """Add to an error raised in ``fn``'s backward the line that created ``fn``."""
    site = getattr(fn, "created_at", None)
    if site is not None and hasattr(error, "add_note"):
        error.add_note(f"(anomaly detection) the op {type(fn).__name__} whose backward "
                       f"failed was created at {site}")


from ..function import Function  # noqa: E402  (this module is imported by the engine)

_plain_apply = Function.__dict__["apply"]
