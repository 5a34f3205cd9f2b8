"""PyTorch's dataset classes: Dataset (the base of one's own), Subset, ConcatDataset and
random_split.

    class Pairs(tg.data.Dataset):          # torch.utils.data.Dataset's habit
        def __init__(self, x, y): self.x, self.y = x, y
        def __len__(self): return len(self.y)
        def __getitem__(self, i): return self.x[i], self.y[i]

    train, val = tg.data.random_split(Pairs(X, y), [0.8, 0.2], generator=tg.Generator().manual_seed(0))
"""
from __future__ import annotations

import bisect
import itertools
import math
import numbers
import warnings
from collections.abc import Sequence
from typing import Any

from .. import checks
from ..random_generator import numpy_generator


class Dataset:
    """The base of a map-style dataset: define ``__len__`` and ``__getitem__(i)`` (a sample:
    a tuple of arrays/numbers/Tensors, a dict of them, or one array).

    ``a + b`` concatenates two datasets (a ``ConcatDataset``), as in PyTorch.
    """

    def __getitem__(self, index: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must define __getitem__(self, i), "
                                  "returning sample i")

    def __add__(self, other: Any) -> "ConcatDataset":
        return ConcatDataset([self, other])


class Subset(Dataset):
    """The samples of ``dataset`` at ``indices``, in that order: ``subset[i]`` is
    ``dataset[indices[i]]``."""

    def __init__(self, dataset: Any, indices: Sequence[int]) -> None:
        self.dataset = dataset
        self.indices = [checks.integer(i, "Subset: index") for i in indices]

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, list):
            return self.dataset[[self.indices[i] for i in index]]
        return self.dataset[self.indices[index]]

    def __len__(self) -> int:
        return len(self.indices)


class ConcatDataset(Dataset):
    """Datasets one after another: the samples of the first, then of the second, ..."""

    def __init__(self, datasets: Sequence[Any]) -> None:
        self.datasets = list(datasets)
        if not self.datasets:
            raise ValueError("ConcatDataset needs at least one dataset")
        for d in self.datasets:
            if not hasattr(d, "__len__"):
                raise TypeError(f"ConcatDataset: every dataset needs len(), got "
                                f"{type(d).__name__}")
        self.cumulative_sizes = list(itertools.accumulate(len(d) for d in self.datasets))

    def __len__(self) -> int:
        return self.cumulative_sizes[-1]

    def __getitem__(self, index: int) -> Any:
        index = checks.integer(index, "ConcatDataset: index")
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(f"ConcatDataset: index out of range for {len(self)} samples")
        which = bisect.bisect_right(self.cumulative_sizes, index)
        start = self.cumulative_sizes[which - 1] if which else 0
        return self.datasets[which][index - start]


def random_split(dataset: Any, lengths: Sequence[Any], generator: Any = None) -> list[Subset]:
    """Split ``dataset`` at random into non-overlapping Subsets of the given lengths.

    Args:
        dataset: anything with ``len()`` and indexing.
        lengths: sample counts that sum to ``len(dataset)``, or fractions that sum to 1
            (each gets ``floor(fraction * n)``; what is left over goes one by one to the
            splits in turn, as PyTorch does).
        generator: a ``tg.Generator`` for a reproducible split; None (the default) draws
            from the library's generator (``tg.manual_seed``). The split differs from
            PyTorch's for the same seed; the lengths are the same.

    Raises:
        ValueError: a negative length, a fraction outside [0, 1], or lengths whose sum is
            not ``len(dataset)`` (counts) or 1 (fractions).
    """
    rng = numpy_generator(generator, "random_split")
    n = len(dataset)
    lengths = list(lengths)
    for i, length in enumerate(lengths):
        if isinstance(length, bool) or not isinstance(length, numbers.Real):
            raise TypeError(f"random_split: lengths[{i}] is {length!r}; give sample counts "
                            "or fractions")
    if not all(isinstance(x, numbers.Integral) for x in lengths) and math.isclose(sum(lengths), 1) \
            and sum(lengths) <= 1:
        for i, fraction in enumerate(lengths):
            if not 0 <= fraction <= 1:
                raise ValueError(f"random_split: fraction lengths[{i}] = {fraction} is not "
                                 "between 0 and 1")
        counts = [math.floor(n * fraction) for fraction in lengths]
        for i in range(n - sum(counts)):
            counts[i % len(counts)] += 1
        for i, count in enumerate(counts):
            if count == 0:
                warnings.warn(f"random_split: split {i} is empty ({lengths[i]} of {n} "
                              "samples)", UserWarning, stacklevel=2)
        lengths = counts
    for i, length in enumerate(lengths):
        checks.integer(length, f"random_split: lengths[{i}]", low=0)
    if sum(lengths) != n:
        raise ValueError(f"random_split: lengths {lengths} sum to {sum(lengths)}, but the "
                         f"dataset has {n} samples; give counts that sum to {n} or fractions "
                         "that sum to 1")
    order = rng.permutation(n).tolist()
    return [Subset(dataset, order[end - length:end])
            for end, length in zip(itertools.accumulate(lengths), lengths)]
