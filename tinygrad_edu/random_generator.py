"""tg.Generator, PyTorch's torch.Generator: a random stream of one's own.

    g = tg.Generator().manual_seed(42)
    train, test = tg.data.random_split(dataset, [0.8, 0.2], generator=g)   # reproducible

Functions that take ``generator=`` draw from it instead of the library's generator
(the one ``tg.manual_seed`` seeds), so seeding one never changes the other's draws.
The numbers differ from PyTorch's for the same seed (NumPy's PCG64 behind it).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from . import checks
from .devices import check_device


class Generator:
    """A seedable random generator (NumPy's ``default_rng`` inside), as ``torch.Generator``.

    Args:
        device: only ``"cpu"``.

    Example:
        >>> g = tg.Generator().manual_seed(0)
        >>> g.initial_seed()
        0
    """

    def __init__(self, device: Any = "cpu") -> None:
        check_device(device, "tg.Generator: device=")
        self.seed()

    def manual_seed(self, seed: int) -> "Generator":
        """Restart the stream from ``seed`` (an integer >= 0); returns self."""
        self._seed = checks.integer(seed, "Generator.manual_seed: seed", low=0)
        self.rng = np.random.default_rng(self._seed)
        return self

    def seed(self) -> int:
        """Restart the stream from a fresh random seed and return that seed."""
        self.manual_seed(int(np.random.SeedSequence().entropy % 2**63))
        return self._seed

    def initial_seed(self) -> int:
        """The seed the stream started from."""
        return self._seed

    def __repr__(self) -> str:
        return f"tg.Generator(initial_seed={self._seed})"


def numpy_generator(generator: Any, where: str) -> np.random.Generator:
    """The NumPy generator to draw from: ``generator``'s, or the library's when None."""
    if generator is None:
        from .factories import generator as library_generator
        return library_generator()
    if not isinstance(generator, Generator):
        raise TypeError(f"{where}: generator must be a tg.Generator or None, got "
                        f"{type(generator).__name__}; make one with "
                        "tg.Generator().manual_seed(seed)")
    return generator.rng
