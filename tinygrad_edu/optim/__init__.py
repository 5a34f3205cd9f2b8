"""Optimizers with torch.optim's update rules and defaults, and learning-rate schedules."""
from __future__ import annotations

from typing import Any, Iterable

from . import lr_scheduler
from .adagrad import Adagrad
from .adam import Adam, AdamW
from .optimizer import Optimizer
from .rmsprop import RMSprop
from .sgd import SGD

_OPTIMIZERS = {"sgd": SGD, "rmsprop": RMSprop, "adam": Adam, "adamw": AdamW,
               "adagrad": Adagrad}


def create(name: str, params: Iterable[Any], **kwargs: Any) -> Optimizer:
    """An optimizer by name, e.g. from a config file: ``create("adam", params, lr=1e-3)``.

    Args:
        name: "sgd", "rmsprop", "adam", "adamw" or "adagrad" (case does not matter).
        params: Tensors to optimize, or parameter groups (dicts).
        **kwargs: the optimizer's hyper-parameters; the others keep their defaults.

    Returns:
        The optimizer.

    Raises:
        ValueError: an unknown name (the message lists the known ones).
    """
    cls = _OPTIMIZERS.get(name.lower()) if isinstance(name, str) else None
    if cls is None:
        raise ValueError(f"unknown optimizer {name!r}; known: {', '.join(_OPTIMIZERS)}")
    return cls(params, **kwargs)


__all__ = ["Optimizer", "SGD", "RMSprop", "Adam", "AdamW", "Adagrad", "create",
           "lr_scheduler"]
