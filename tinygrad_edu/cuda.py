"""PyTorch's ``torch.cuda``, for a library without a GPU: ``tg.cuda.is_available()`` is
False, so the usual ``"cuda" if torch.cuda.is_available() else "cpu"`` picks the CPU.

Seeding and cache calls are safe no-ops (there is no CUDA generator or memory to touch);
anything that needs a GPU (``current_device``, ``get_device_name``...) raises.
"""
from __future__ import annotations

from typing import Any

__all__ = [
    "device_count",
    "empty_cache",
    "is_available",
    "is_initialized",
    "manual_seed",
    "manual_seed_all",
    "synchronize",
]

_NO_GPU = ("tinygrad_edu runs on NumPy, on the CPU only: there is no CUDA device. "
           "Guard GPU code with `if tg.cuda.is_available():` or use device 'cpu'")


def is_available() -> bool:
    """False: there is never a CUDA device."""
    return False


def device_count() -> int:
    """0: there is never a CUDA device."""
    return 0


def is_initialized() -> bool:
    """False: CUDA is never initialized."""
    return False


def manual_seed(seed: int) -> None:
    """A no-op: there is no CUDA generator (``tg.manual_seed`` seeds every draw)."""


def manual_seed_all(seed: int) -> None:
    """A no-op: there is no CUDA generator (``tg.manual_seed`` seeds every draw)."""


def synchronize(device: Any = None) -> None:
    """A no-op: NumPy computes synchronously, so there is never work to wait for."""


def empty_cache() -> None:
    """A no-op: there is no GPU memory cache."""


def __getattr__(name: str) -> Any:
    if name.startswith("__"):  # keep Python's own protocols (copy, pickle, doctest) working
        raise AttributeError(name)
    raise AttributeError(f"tg.cuda.{name} is not available: {_NO_GPU}")
