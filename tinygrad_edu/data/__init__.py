"""Data: wrap arrays in a dataset, cut them into mini-batches, and small data sets to learn on.

    X, y = tg.data.make_moons(200, noise=0.1, seed=0)
    loader = tg.data.DataLoader(tg.data.TensorDataset(X, y), batch_size=32, shuffle=True, seed=0)
    for xb, yb in loader:      # Tensors, one mini-batch each
        ...
"""
from .datasets import ConcatDataset, Dataset, Subset, random_split
from .loader import DataLoader, TensorDataset, default_collate
from .synthetic import make_linear, make_moons, make_spirals
from .digits import DigitsSplit, augment_shifts, load_digits

__all__ = [
    "Dataset", "TensorDataset", "Subset", "ConcatDataset", "random_split",
    "DataLoader", "default_collate",
    "make_moons", "make_spirals", "make_linear",
    "load_digits", "DigitsSplit", "augment_shifts",
]
