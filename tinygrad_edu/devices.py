"""Devices, PyTorch's way: ``tg.device("cpu")``. tinygrad_edu computes with NumPy, on the
CPU only, so "cpu" is the one device; any other is refused with a message saying so.
"""
from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["check_device", "device", "get_default_device", "set_default_device"]

# Device types PyTorch knows; naming one of them gets the "CPU only" message.
_OTHER_TYPES = ("cuda", "mps", "xla", "xpu", "hip", "meta", "vulkan", "ipu", "hpu", "mtia",
                "ort", "mkldnn", "opengl", "opencl", "ideep", "fpga", "ve", "lazy", "maia",
                "privateuseone")


def _cpu_only(given: Any, where: str) -> ValueError:
    return ValueError(
        f"{where} got device {given!r}, but tinygrad_edu runs on NumPy, on the CPU only. "
        "Drop the .to(device) / device= argument, or use 'cpu'")


def _parse(spec: Any, index: Any, where: str) -> tuple:
    """(type, index) from PyTorch's forms: "cpu", "cpu:0", ("cpu", 0), a device."""
    if isinstance(spec, device):
        if index is not None:
            raise ValueError(f"{where}: give the index in the device or as index=, not both")
        return spec.type, spec.index
    if not isinstance(spec, str):
        raise TypeError(f"{where}: a device is a string such as 'cpu' or a tg.device, "
                        f"got {type(spec).__name__} {spec!r}")
    name, sep, tail = spec.partition(":")
    if sep:
        if index is not None:
            raise ValueError(f"{where}: give the index in the string or as index=, not both "
                             f"(got {spec!r} and {index!r})")
        if not tail.isdigit():
            raise ValueError(f"{where}: a device index is a non-negative integer, got {spec!r}")
        index = int(tail)
    if name in _OTHER_TYPES:
        raise _cpu_only(spec, where)
    if name != "cpu":
        raise ValueError(f"{where}: unknown device {spec!r}; the only device here is 'cpu' "
                         "(tinygrad_edu runs on NumPy, on the CPU)")
    if index is not None:
        if isinstance(index, bool) or not isinstance(index, (int, np.integer)) or index < 0:
            raise ValueError(f"{where}: a device index is a non-negative integer, "
                             f"got {index!r}")
        index = int(index)
    return name, index


class device:
    """PyTorch's ``torch.device``, for the one device there is: the CPU.

    Args:
        type: ``"cpu"``, ``"cpu:0"`` or a ``tg.device``.
        index: an optional non-negative index (``tg.device("cpu", 0)``).

    Raises:
        ValueError: any other device ("cuda", "mps", "cuda:0"...): tinygrad_edu runs on
            NumPy, on the CPU only.
        TypeError: something that is not a device name.

    Example:
        >>> tg.device("cpu")
        device(type='cpu')
        >>> tg.device("cpu") == "cpu"
        True
    """

    __slots__ = ("_index", "_type")

    def __init__(self, type: Any, index: Any = None) -> None:
        self._type, self._index = _parse(type, index, "tg.device")

    @property
    def type(self) -> str:
        return self._type

    @property
    def index(self) -> int | None:
        return self._index

    def __repr__(self) -> str:
        if self._index is None:
            return f"device(type='{self._type}')"
        return f"device(type='{self._type}', index={self._index})"

    def __str__(self) -> str:
        return self._type if self._index is None else f"{self._type}:{self._index}"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, str):
            try:
                other = device(other)
            except (TypeError, ValueError):
                return False
        if not isinstance(other, device):
            return NotImplemented
        return (self._type, self._index) == (other._type, other._index)

    def __hash__(self) -> int:
        return hash((self._type, self._index))


def check_device(value: Any, where: str) -> None:
    """Accept None, "cpu", "cpu:0" or a cpu ``tg.device``; raise for anything else.

    Args:
        value: the ``device=`` argument given.
        where: who is asking, for the message (``"tg.zeros: device="``).

    Raises:
        ValueError: another device ("cuda"...) or an unknown name.
        TypeError: not a string or a device.
    """
    if value is None or isinstance(value, device):
        return  # a tg.device is always a cpu one: it cannot be made otherwise
    _parse(value, None, where)


_default_device = device("cpu")


def set_default_device(value: Any) -> None:
    """PyTorch's ``torch.set_default_device``; only "cpu" (or None) is accepted here."""
    check_device(value, "tg.set_default_device")


def get_default_device() -> device:
    """The device tensors are made on: always ``device(type='cpu')``."""
    return _default_device
