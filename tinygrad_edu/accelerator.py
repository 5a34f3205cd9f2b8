"""PyTorch's ``torch.accelerator``, for a library without one: ``is_available()`` is
False, so the tutorials' ``torch.accelerator.current_accelerator().type if
torch.accelerator.is_available() else "cpu"`` picks the CPU.
"""
from __future__ import annotations

from typing import Any

from . import cuda

__all__ = ["current_accelerator", "device_count", "is_available", "synchronize"]


def is_available() -> bool:
    """False: tinygrad_edu computes with NumPy on the CPU; there is no accelerator."""
    return False


def device_count() -> int:
    """0: there is never an accelerator."""
    return 0


def current_accelerator(check_available: bool = False) -> None:
    """None: there is no accelerator (PyTorch returns None too when it has none)."""
    return None


def synchronize(device: Any = None) -> None:
    """A no-op: NumPy computes synchronously, so there is never work to wait for."""
    cuda.synchronize(device)
