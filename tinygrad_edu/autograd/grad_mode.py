"""Grad mode: whether operations record the graph (``no_grad``, ``enable_grad``, ...).

One flag per thread, read by ``Function.apply`` on every call; these context managers
and decorators set it and put it back.
"""
from __future__ import annotations

import functools
import threading
from typing import Any, Callable, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


class _GradModeState(threading.local):
    """Grad mode, one per thread (as PyTorch): ``no_grad`` in an evaluation thread does
    not stop a training thread from recording its graph. New threads start enabled."""

    enabled = True


_mode = _GradModeState()

def is_grad_enabled() -> bool:
    """True when operations on tensors that require grad record the graph."""
    return _mode.enabled


class _GradMode:
    """Sets grad mode to ``self.mode`` inside a ``with`` block or a decorated function."""

    mode: bool

    def __init__(self) -> None:
        # The modes to restore, a stack per thread: the same object (a decorator, a saved
        # ``ctx = tg.no_grad()``) may be entered again, and by several threads at once.
        self._local = threading.local()

    @property
    def _previous(self) -> list:
        try:
            return self._local.stack
        except AttributeError:
            self._local.stack = []
            return self._local.stack

    def __enter__(self) -> None:
        self._previous.append(_mode.enabled)
        _mode.enabled = self.mode

    def __exit__(self, *exc: Any) -> None:
        _mode.enabled = self._previous.pop()

    def __call__(self, func: F) -> F:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self:
                return func(*args, **kwargs)

        return wrapper  # type: ignore[return-value]


class no_grad(_GradMode):
    """Record no graph inside: ``with tg.no_grad(): ...``, ``@tg.no_grad()`` or ``@tg.no_grad``.

    Use it for evaluation and for parameter updates: results do not require grad.
    """

    mode = False

    def __new__(cls, func: Any = None) -> Any:
        if func is not None:  # used bare as a decorator: @tg.no_grad
            return cls()(func)
        return super().__new__(cls)

    def __init__(self, func: Any = None) -> None:
        super().__init__()


class enable_grad(no_grad):
    """Record the graph again inside a ``no_grad`` block (context manager or decorator)."""

    mode = True


class set_grad_enabled(_GradMode):
    """Turn graph recording on or off: as a call it takes effect at once; as a context
    manager or decorator it restores the previous mode afterwards."""

    def __init__(self, mode: bool) -> None:
        super().__init__()
        self.mode = bool(mode)
        self._previous.append(_mode.enabled)
        _mode.enabled = self.mode

    def __enter__(self) -> None:
        return None  # already set by __init__

    def __call__(self, func: F) -> F:
        _mode.enabled = self._previous.pop()  # as a decorator it must not act at once
        mode = self.mode

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with set_grad_enabled(mode):
                return func(*args, **kwargs)

        return wrapper  # type: ignore[return-value]
