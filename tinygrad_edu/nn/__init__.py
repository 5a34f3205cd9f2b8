"""Neural-network building blocks: Module, Parameter, layers, losses, functional.

    import tinygrad_edu as tg
    from tinygrad_edu import nn
    import tinygrad_edu.nn.functional as F

    model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))
    loss = nn.CrossEntropyLoss()(model(x), labels)
    loss.backward()
"""
from .module import Module, Parameter
from .layers import (
    Dropout, Embedding, Flatten, Identity, Linear, ModuleList, ReLU, Sequential, Sigmoid, Tanh,
)
from .conv import Conv2d, MaxPool2d
from .normalization import BatchNorm1d
from .losses import BCEWithLogitsLoss, CrossEntropyLoss, MSELoss
from . import functional, init, utils

__all__ = [
    "Module", "Parameter",
    "Linear", "Sequential", "ModuleList", "Identity", "ReLU", "Tanh", "Sigmoid",
    "Dropout", "Flatten", "Embedding", "Conv2d", "MaxPool2d", "BatchNorm1d",
    "MSELoss", "CrossEntropyLoss", "BCEWithLogitsLoss",
    "functional", "init", "utils",
]
