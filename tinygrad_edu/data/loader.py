"""TensorDataset (arrays side by side, one sample per row) and DataLoader (mini-batches of it)."""
from __future__ import annotations

import math
import warnings
from typing import Any, Callable, Iterator

import numpy as np

from .. import checks
from ..dtypes import to_array
from ..factories import generator
from ..random_generator import numpy_generator
from .._tensor import Tensor
from .datasets import Dataset


class TensorDataset(Dataset):
    """Arrays of the same length side by side: sample ``i`` is ``(a[i] for a in arrays)``.

    Args:
        *arrays: NumPy arrays, Tensors or (nested) lists, all with the same first
            dimension, e.g. the inputs ``X`` of shape (n, features) and labels ``y`` of
            shape (n,). NumPy arrays are kept as they are (not copied); Tensors give
            their data; lists follow the Tensor dtype rules (floats → default dtype).

    Raises:
        ValueError: no arrays, a 0-d array, or arrays of different lengths.

    Example:
        >>> ds = TensorDataset(np.zeros((5, 2)), np.arange(5))
        >>> len(ds), ds[1]
        (5, (array([0., 0.]), 1))
    """

    def __init__(self, *arrays: Any) -> None:
        if not arrays:
            raise ValueError("TensorDataset needs at least one array")
        self.arrays = tuple(_as_array(a) for a in arrays)
        for i, a in enumerate(self.arrays):
            if a.dtype.kind not in "biuf":
                raise TypeError(
                    f"array {i} has dtype {a.dtype}: a dataset holds numbers (bool, integer "
                    "or float). Encode labels given as strings or objects as integers first, "
                    "e.g. classes, labels = np.unique(names, return_inverse=True)")
            if a.ndim == 0:
                raise ValueError(f"array {i} is 0-d (a single number); a dataset needs one "
                                 "row per sample")
        lengths = [len(a) for a in self.arrays]
        if len(set(lengths)) > 1:
            raise ValueError(f"all arrays must have the same length (first dimension), got "
                             f"lengths {lengths}")

    def __len__(self) -> int:
        return len(self.arrays[0])

    def __getitem__(self, index: Any) -> tuple:
        """The sample(s) at ``index`` (an int, a slice or an integer array), one per array."""
        return tuple(a[index] for a in self.arrays)

    def __repr__(self) -> str:
        shapes = ", ".join(f"{a.shape} {a.dtype}" for a in self.arrays)
        return f"TensorDataset({len(self)} samples: {shapes})"


class DataLoader:
    """Iterate over a dataset in mini-batches of Tensors, optionally shuffled each epoch.

    Each pass (``for xb, yb in loader``) is one epoch: every sample appears exactly once
    (the last, smaller batch is dropped with ``drop_last=True``). With ``shuffle=True`` the
    order is a new random permutation every epoch.

    Args:
        dataset: a ``TensorDataset``, or any object with ``len()`` whose ``dataset[i]``
            is a sample: a tuple of arrays/numbers (stacked into one Tensor per field) or
            a single array.
        batch_size: samples per batch, >= 1. Defaults to 1 (as PyTorch).
        shuffle: draw a new order every epoch. Defaults to False.
        drop_last: skip the last batch when it is smaller than ``batch_size``.
            Defaults to False.
        seed: seed of this loader's own random generator, so its sequence of epoch
            orders is reproducible. ``None`` (the default) draws from the library's
            generator, which ``tg.manual_seed`` seeds.
        collate_fn: makes a batch from the list of samples (PyTorch's argument); the
            default, ``default_collate``, stacks each field into one Tensor.
        generator: a ``tg.Generator`` to draw the epoch orders from (PyTorch's way of
            seeding a loader; give it or ``seed``, not both).
        num_workers: PyTorch's worker processes. Accepted for PyTorch code; every batch
            is loaded in this process, so the batches are the same for any value.
        pin_memory: PyTorch's page-locked memory for GPU copies; nothing to do on the
            CPU, so it only warns when True (as PyTorch does without a GPU).

    Yields:
        A tuple with one Tensor per field of the dataset, the batch along axis 0
        (a dict of Tensors for samples that are dicts, a single Tensor for a dataset
        whose samples are single arrays). The arrays are copies: changing a batch never
        changes the dataset.

    Warns:
        UserWarning: ``drop_last=True`` with fewer samples than ``batch_size``: every
            epoch is empty.

    Raises:
        ValueError: ``batch_size`` is not an integer >= 1, ``shuffle`` or ``drop_last``
            not a bool, ``seed`` not None or an integer >= 0. While iterating: samples
            with different shapes or numbers of fields; TypeError: a sample that is a
            dict, or a field that is not numbers (a string, None); the message names the
            samples.

    Example:
        >>> loader = DataLoader(TensorDataset(X, y), batch_size=32, shuffle=True, seed=0)
        >>> for xb, yb in loader:
        ...     loss = loss_fn(model(xb), yb)
    """

    def __init__(self, dataset: Any, batch_size: int = 1, shuffle: bool = False,
                 drop_last: bool = False, seed: int | None = None, *,
                 collate_fn: Callable[[list], Any] | None = None, generator: Any = None,
                 num_workers: int = 0, pin_memory: bool = False) -> None:
        batch_size = checks.integer(batch_size, "DataLoader: batch_size", low=1)
        shuffle = checks.flag(shuffle, "DataLoader: shuffle")
        drop_last = checks.flag(drop_last, "DataLoader: drop_last")
        checks.integer(num_workers, "DataLoader: num_workers", low=0)
        if checks.flag(pin_memory, "DataLoader: pin_memory"):
            warnings.warn("DataLoader: pin_memory=True has no effect: tinygrad_edu runs on "
                          "the CPU", UserWarning, stacklevel=2)
        if collate_fn is not None and not callable(collate_fn):
            raise TypeError(f"DataLoader: collate_fn must be callable, got "
                            f"{type(collate_fn).__name__}")
        if seed is not None:
            checks.integer(seed, "DataLoader: seed", low=0)
            if generator is not None:
                raise ValueError("DataLoader: give seed or generator, not both")
        rng = None if seed is None else np.random.default_rng(seed)
        if generator is not None:
            rng = numpy_generator(generator, "DataLoader")
        if not hasattr(dataset, "__len__") or not hasattr(dataset, "__getitem__"):
            raise TypeError(f"dataset must support len() and indexing, got "
                            f"{type(dataset).__name__}; wrap arrays in TensorDataset(X, y)")
        n = len(dataset)
        if drop_last and 0 < n < batch_size:  # allowed (as PyTorch), but surely a mistake
            warnings.warn(f"DataLoader: drop_last=True with {n} samples, fewer than "
                          f"batch_size={batch_size}: every epoch is empty (its only batch is "
                          "dropped); use a smaller batch_size or drop_last=False",
                          UserWarning, stacklevel=2)
        self.dataset = dataset
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.drop_last = drop_last
        self.seed = seed
        self.collate_fn = collate_fn
        self._rng = rng

    def __len__(self) -> int:
        """The number of batches in one epoch."""
        n = len(self.dataset)
        return n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)

    def __iter__(self) -> Iterator[Any]:
        n = len(self.dataset)
        if self.shuffle:
            rng = self._rng if self._rng is not None else generator()
            order = rng.permutation(n)
        else:
            order = np.arange(n)
        stop = n - n % self.batch_size if self.drop_last else n
        for start in range(0, stop, self.batch_size):
            yield self._batch(order[start:start + self.batch_size])

    def _batch(self, index: np.ndarray) -> Any:
        if isinstance(self.dataset, TensorDataset) and self.collate_fn is None:
            # Integer-array indexing copies, and takes the whole batch in one NumPy call.
            return tuple(Tensor._wrap(a[index]) for a in self.dataset.arrays)
        samples = [self.dataset[int(i)] for i in index]
        if self.collate_fn is not None:
            return self.collate_fn(samples)
        return _collate(samples, [int(i) for i in index])

    def __repr__(self) -> str:
        return (f"DataLoader({len(self.dataset)} samples, batch_size={self.batch_size}, "
                f"shuffle={self.shuffle}, drop_last={self.drop_last}, {len(self)} batches)")


def default_collate(samples: list) -> Any:
    """One batch from a list of samples, as PyTorch's ``default_collate``: tuples give a
    tuple of Tensors (one per field), dicts a dict of Tensors, arrays one Tensor; each
    field is its samples' values stacked along a new first axis."""
    return _collate(list(samples), list(range(len(samples))))


def _collate(samples: list, index: list) -> Any:
    if not samples:
        raise ValueError("cannot make a batch of no samples")
    first = samples[0]
    for i, sample in zip(index, samples):
        if isinstance(sample, list):
            raise TypeError(
                f"DataLoader: dataset[{i}] is a list, which PyTorch batches as fields ([x, y] "
                "gives [batch of x, batch of y]) and NumPy reads as one array: return a tuple "
                "(x, y) from __getitem__ for fields, or np.array(...) for one array")
        if _fields(sample) != _fields(first):
            raise ValueError(f"DataLoader: dataset[{index[0]}] is {_fields(first)} but "
                             f"dataset[{i}] is {_fields(sample)}; every sample must have the "
                             "same fields")
    if isinstance(first, dict):
        return {key: Tensor._wrap(_stack([s[key] for s in samples], index, repr(key)))
                for key in first}
    if isinstance(first, tuple):
        return tuple(Tensor._wrap(_stack([s[k] for s in samples], index, k))
                     for k in range(len(first)))
    return Tensor._wrap(_stack(samples, index, None))


def _fields(sample: Any) -> str:
    if isinstance(sample, dict):
        return f"a dict with keys {sorted(map(str, sample))}"
    if isinstance(sample, tuple):
        return f"a tuple of {len(sample)} field(s)"
    return f"a single {type(sample).__name__}"


def _stack(values: list, index: list, field: Any) -> np.ndarray:
    """One field of a batch: the samples' values stacked along a new first axis."""
    which = "" if field is None else f" (field {field} of the samples)"
    arrays = []
    for i, v in zip(index, values):
        try:
            arrays.append(_as_array(v))
        except (TypeError, ValueError) as e:
            if isinstance(v, str):
                hint = (" Encode labels given as strings as integers first, e.g. classes, "
                        "labels = np.unique(names, return_inverse=True).")
            else:
                hint = ""
            error = TypeError if isinstance(e, TypeError) else ValueError
            raise error(f"DataLoader: cannot make a batch{which}: dataset[{i}] holds "
                        f"{checks._shown(v)}: {e}.{hint}") from e
    first = arrays[0]
    for i, a in zip(index, arrays):
        if a.shape != first.shape:
            raise ValueError(
                f"cannot make a batch{which}: sample {index[0]} has shape {first.shape} "
                f"but sample {i} has shape {a.shape}; every sample must have the same "
                "shape. (Passed (X, y) as the dataset? Wrap them: "
                "DataLoader(TensorDataset(X, y), ...))")
    return np.stack(arrays)


def _as_array(a: Any) -> np.ndarray:
    if isinstance(a, Tensor):
        return a.data
    if isinstance(a, np.ndarray):
        return a
    return to_array(a, copy=False)
