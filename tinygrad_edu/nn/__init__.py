"""Neural-network building blocks: Module, Parameter, layers, losses, functional.

    import tinygrad_edu as tg
    from tinygrad_edu import nn
    import tinygrad_edu.nn.functional as F

    model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))
    loss = nn.CrossEntropyLoss()(model(x), labels)
    loss.backward()
"""
from .module import Module, Parameter, UninitializedParameter
from .layers import (
    Dropout, Embedding, Flatten, GELU, Identity, LeakyReLU, Linear, LogSoftmax, ModuleDict,
    ModuleList, ParameterList, ReLU, Sequential, Sigmoid, Softmax, Tanh, Unflatten,
)
from .lazy import LazyLinear
from .conv import AdaptiveAvgPool2d, AvgPool2d, Conv2d, MaxPool2d
from .normalization import BatchNorm1d, BatchNorm2d, LayerNorm
from .recurrent import GRU, GRUCell, LSTM, LSTMCell, RNN, RNNCell
from .losses import (
    BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, HuberLoss, L1Loss, MSELoss, NLLLoss,
    SmoothL1Loss,
)
from . import functional, init, utils

__all__ = [
    "Module", "Parameter", "UninitializedParameter",
    "Linear", "LazyLinear", "Sequential", "ModuleList", "ModuleDict", "ParameterList",
    "Identity", "ReLU", "Tanh", "Sigmoid", "LeakyReLU", "GELU", "Softmax", "LogSoftmax",
    "Dropout", "Flatten", "Unflatten", "Embedding",
    "Conv2d", "MaxPool2d", "AvgPool2d", "AdaptiveAvgPool2d",
    "BatchNorm1d", "BatchNorm2d", "LayerNorm",
    "RNNCell", "LSTMCell", "GRUCell", "RNN", "LSTM", "GRU",
    "MSELoss", "L1Loss", "HuberLoss", "SmoothL1Loss", "CrossEntropyLoss", "NLLLoss",
    "BCELoss", "BCEWithLogitsLoss",
    "functional", "init", "utils",
]
