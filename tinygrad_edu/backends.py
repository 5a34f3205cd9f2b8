"""PyTorch's ``torch.backends``, for a CPU-only library: ``tg.backends.mps.is_available()``
and ``tg.backends.cudnn.is_available()`` are False; setting ``cudnn.benchmark`` or
``cudnn.deterministic`` (common first lines of a training script) is accepted and does nothing.
"""
from __future__ import annotations


class _MPS:
    """Apple's Metal backend: never available here."""

    @staticmethod
    def is_available() -> bool:
        return False

    @staticmethod
    def is_built() -> bool:
        return False


class _CuDNN:
    """NVIDIA's cuDNN: never available; its flags are kept but change nothing (NumPy's
    results are already deterministic)."""

    benchmark = False
    deterministic = False
    enabled = False

    @staticmethod
    def is_available() -> bool:
        return False


mps = _MPS()
cudnn = _CuDNN()
