"""Every hyper-parameter refuses nonsense with a clear error, before anything changes.

One table of (call with a bad value, expected exception, message text) over every
optimizer (constructor, add_param_group, load_state_dict), every schedule, the numerical
helpers, fit / lr_range_test, the data sets and loaders, and the layer and loss
constructors; then optimizer.step()'s gradient checks; then values that must stay valid.
A wrong type raises an error that is both a TypeError and a ValueError
(``checks.ArgumentTypeError``); a bad value of the right type raises ValueError.
"""
from __future__ import annotations

import copy
import math
import re

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import checks, nn, optim
from tinygrad_edu.data import DataLoader, TensorDataset, make_linear, make_moons, make_spirals
from tinygrad_edu.data.digits import load_digits
from tinygrad_edu.nn import functional as F
from tinygrad_edu.optim import lr_scheduler as sch
from tinygrad_edu.train import fit, lr_range_test

NAN, INF = float("nan"), float("inf")


def param(shape=(3,), dtype=np.float64):
    return tg.Tensor(np.ones(shape, dtype), requires_grad=True)


def sgd(lr=0.1, **kwargs):
    return optim.SGD([param()], lr=lr, **kwargs)


def adam():
    return optim.Adam([param()], lr=0.1)


# --- optimizers: every hyper-parameter, through each of the three doors ---

OPTIMIZERS = {
    optim.SGD: {"lr": ">= 0", "momentum": ">= 0", "dampening": "[0, 1]",
                "weight_decay": ">= 0", "nesterov": "flag"},
    optim.RMSprop: {"lr": ">= 0", "alpha": "[0, 1]", "eps": ">= 0", "weight_decay": ">= 0",
                    "momentum": ">= 0", "centered": "flag"},
    optim.Adam: {"lr": ">= 0", "betas": "betas", "eps": ">= 0", "weight_decay": ">= 0",
                 "amsgrad": "flag"},
    optim.AdamW: {"lr": ">= 0", "betas": "betas", "eps": ">= 0", "weight_decay": ">= 0",
                  "amsgrad": "flag"},
    optim.Adagrad: {"lr": ">= 0", "lr_decay": ">= 0", "weight_decay": ">= 0",
                    "initial_accumulator_value": ">= 0", "eps": ">= 0"},
}

T, V = TypeError, ValueError


def bad_values(key, kind):
    """(bad value, exception, message text after "<key>") for a hyper-parameter's kind."""
    if kind == "flag":
        return [("yes", T, " must be True or False, got 'yes'"),
                (1, T, " must be True or False, got 1"),
                (None, T, " must be True or False, got None")]
    if kind == "betas":
        return [((1.0, 0.999), V, "[0] must be in [0, 1), got 1.0"),
                ((0.9, NAN), V, "[1] must be a finite number in [0, 1), got nan"),
                ((0.9, INF), V, "[1] must be a finite number in [0, 1), got inf"),
                ((-0.1, 0.9), V, "[0] must be in [0, 1), got -0.1"),
                ((0.9, "0.99"), T, "[1] must be a number in [0, 1), got '0.99'"),
                ("0.9", T, " must be a pair (a tuple of two values), got '0.9'"),
                ((0.9,), V, " must be a pair (a tuple of two values), got (0.9,)")]
    limits = " >= 0" if kind == ">= 0" else " in [0, 1]"
    rows = [(NAN, V, f" must be a finite number{limits}, got nan"),
            (INF, V, f" must be a finite number{limits}, got inf"),
            (-INF, V, f" must be a finite number{limits}, got -inf"),
            (-1, V, f" must be{limits}, got -1"),
            ("0.1", T, f" must be a number{limits}, got '0.1'"),
            (True, T, f" must be a number{limits}, got True"),
            (None, T, f" must be a number{limits}, got None"),
            (np.array([0.1]), T, f" must be a number{limits}, got ndarray of shape (1,)")]
    if kind == "[0, 1]":
        rows.append((1.5, V, " must be in [0, 1], got 1.5"))
    return rows


def optimizer_rows():
    rows = []
    for cls, spec in OPTIMIZERS.items():
        name = cls.__name__
        for key, kind in spec.items():
            for value, error, text in bad_values(key, kind):
                label = f"{name}-{key}={value!r}"
                rows.append(pytest.param(
                    lambda cls=cls, key=key, value=value: cls([param()], **{key: value}),
                    error, f"{name}: {key}{text}", id=f"{label}-init"))
                rows.append(pytest.param(
                    lambda cls=cls, key=key, value=value: cls([param()]).add_param_group(
                        {"params": [param()], key: value}),
                    error, f"{name}: param_groups[1]: {key}{text}", id=f"{label}-add_group"))
                rows.append(pytest.param(
                    lambda cls=cls, key=key, value=value: _load_bad_group(cls, key, value),
                    error, f"{name}.load_state_dict: loaded param_groups[0]: {key}{text}",
                    id=f"{label}-load"))
    rows += [
        pytest.param(lambda: optim.SGD([param()], nesterov=True), V,
                     "SGD: nesterov momentum needs momentum > 0 and dampening = 0, got "
                     "momentum=0, dampening=0", id="SGD-nesterov-without-momentum"),
        pytest.param(lambda: optim.create("sgd", [param()], lr=INF), V,
                     "SGD: lr must be a finite number >= 0, got inf", id="create-sgd-lr=inf"),
        pytest.param(lambda: optim.create("adam", [param()], amsgrad="yes"), T,
                     "Adam: amsgrad must be True or False, got 'yes'", id="create-adam-amsgrad"),
    ]
    return rows


def _load_bad_group(cls, key, value):
    opt = cls([param()])
    state = opt.state_dict()
    state["param_groups"][0][key] = value
    opt.load_state_dict(state)


# --- schedules ---

def sched_rows():
    o = sgd
    a = adam
    rows = [
        (lambda: sch.ExponentialDecay(o(), 0, 0.9), V,
         "ExponentialDecay: decay_steps must be > 0, got 0"),
        (lambda: sch.ExponentialDecay(o(), INF, 0.9), V,
         "decay_steps must be a finite number > 0, got inf"),
        (lambda: sch.ExponentialDecay(o(), "10", 0.9), T,
         "decay_steps must be a number > 0, got '10'"),
        (lambda: sch.ExponentialDecay(o(), 10, NAN), V,
         "ExponentialDecay: decay_rate must be a finite number > 0, got nan"),
        (lambda: sch.ExponentialDecay(o(), 10, INF), V,
         "decay_rate must be a finite number > 0, got inf"),
        (lambda: sch.ExponentialDecay(o(), 10, 0), V, "decay_rate must be > 0, got 0"),
        (lambda: sch.ExponentialDecay(o(), 10, 0.9, staircase="yes"), T,
         "ExponentialDecay: staircase must be True or False, got 'yes'"),
        (lambda: sch.ExponentialDecay(o(), 10, 0.9, last_epoch=-2), V,
         "ExponentialDecay: last_epoch must be an int >= -1, got -2"),
        (lambda: sch.ExponentialDecay(o(), 10, 0.9, last_epoch=1.5), T,
         "last_epoch must be an int >= -1, got 1.5"),
        (lambda: sch.InverseTimeDecay(o(), 10, -0.5), V,
         "InverseTimeDecay: decay_rate must be >= 0, got -0.5"),
        (lambda: sch.InverseTimeDecay(o(), 10, NAN), V,
         "InverseTimeDecay: decay_rate must be a finite number >= 0, got nan"),
        (lambda: sch.InverseTimeDecay(o(), NAN, 0.5), V,
         "InverseTimeDecay: decay_steps must be a finite number > 0, got nan"),
        (lambda: sch.InverseTimeDecay(o(), 10, 0.5, staircase=None), T,
         "InverseTimeDecay: staircase must be True or False, got None"),
        (lambda: sch.ExponentialLR(o(), gamma=INF), V,
         "ExponentialLR: gamma must be a finite number > 0, got inf"),
        (lambda: sch.ExponentialLR(o(), gamma=NAN), V,
         "ExponentialLR: gamma must be a finite number > 0, got nan"),
        (lambda: sch.ExponentialLR(o(), gamma=-1), V, "ExponentialLR: gamma must be > 0, got -1"),
        (lambda: sch.ExponentialLR(o(), gamma="0.9"), T,
         "ExponentialLR: gamma must be a number > 0, got '0.9'"),
        (lambda: sch.ExponentialLR(o(), gamma=True), T, "gamma must be a number > 0, got True"),
        (lambda: sch.StepLR(o(), step_size=0), V, "StepLR: step_size must be an int >= 1, got 0"),
        (lambda: sch.StepLR(o(), step_size="2"), T,
         "StepLR: step_size must be an int >= 1, got '2'"),
        (lambda: sch.StepLR(o(), step_size=True), T, "step_size must be an int >= 1, got True"),
        (lambda: sch.StepLR(o(), step_size=2, gamma=INF), V,
         "StepLR: gamma must be a finite number > 0, got inf"),
        (lambda: sch.MultiStepLR(o(), [2, -1]), V,
         "MultiStepLR: milestones[1] must be an int >= 0, got -1"),
        (lambda: sch.MultiStepLR(o(), ["3"]), T,
         "MultiStepLR: milestones[0] must be an int >= 0, got '3'"),
        (lambda: sch.MultiStepLR(o(), [3], gamma=NAN), V,
         "MultiStepLR: gamma must be a finite number > 0, got nan"),
        (lambda: sch.CosineAnnealingLR(o(), T_max=2.5), T,
         "CosineAnnealingLR: T_max must be an int >= 1, got 2.5"),
        (lambda: sch.CosineAnnealingLR(o(), T_max=5, eta_min=INF), V,
         "CosineAnnealingLR: eta_min must be a finite number >= 0, got inf"),
        (lambda: sch.CosineAnnealingLR(o(), T_max=5, eta_min="0"), T,
         "eta_min must be a number >= 0, got '0'"),
        (lambda: sch.LambdaLR(o(), 0.5), T, "lr_lambda must be callable, got float"),
        (lambda: sch.LinearWarmup(o(), warmup_steps=2.5), T,
         "LinearWarmup: warmup_steps must be an int >= 1, got 2.5"),
        (lambda: sch.LinearWarmup(o(), 5, start_factor=NAN), V,
         "LinearWarmup: start_factor must be a finite number in [0, 1], got nan"),
        (lambda: sch.LinearWarmup(o(), 5, start_factor="0"), T,
         "start_factor must be a number in [0, 1], got '0'"),
        (lambda: sch.OneCycleLR(o(), INF, 10), V,
         "OneCycleLR: max_lr must be a finite number > 0, got inf"),
        (lambda: sch.OneCycleLR(o(), "0.1", 10), T,
         "OneCycleLR: max_lr must be a number > 0, got '0.1'"),
        (lambda: sch.OneCycleLR(o(), [NAN], 10), V,
         "OneCycleLR: max_lr[0] must be a finite number > 0, got nan"),
        (lambda: sch.OneCycleLR(o(), 0.1, 2.5), T,
         "OneCycleLR: total_steps must be an int >= 1, got 2.5"),
        (lambda: sch.OneCycleLR(o(), 0.1, epochs=2, steps_per_epoch="3"), T,
         "OneCycleLR: steps_per_epoch must be an int >= 1, got '3'"),
        (lambda: sch.OneCycleLR(o(), 0.1, epochs=0.5, steps_per_epoch=3), T,
         "OneCycleLR: epochs must be an int >= 1, got 0.5"),
        (lambda: sch.OneCycleLR(o(), 0.1, 10, pct_start=NAN), V,
         "OneCycleLR: pct_start must be a finite number in [0, 1], got nan"),
        (lambda: sch.OneCycleLR(o(), 0.1, 10, anneal_strategy=None), T,
         "OneCycleLR: anneal_strategy must be 'cos' or 'linear', got None"),
        (lambda: sch.OneCycleLR(o(), 0.1, 10, cycle_momentum="yes"), T,
         "OneCycleLR: cycle_momentum must be True or False, got 'yes'"),
        (lambda: sch.OneCycleLR(o(), 0.1, 10, three_phase=1), T,
         "OneCycleLR: three_phase must be True or False, got 1"),
        (lambda: sch.OneCycleLR(o(), 0.1, 10, base_momentum=NAN), V,
         "OneCycleLR: base_momentum must be a finite number >= 0, got nan"),
        (lambda: sch.OneCycleLR(a(), 0.1, 10, max_momentum=1.0), V,
         "OneCycleLR: max_momentum must be in [0, 1), got 1.0"),
        (lambda: sch.OneCycleLR(o(), 0.1, 10, div_factor=INF), V,
         "OneCycleLR: div_factor must be a finite number > 0, got inf"),
        (lambda: sch.OneCycleLR(o(), 0.1, 10, final_div_factor=0), V,
         "OneCycleLR: final_div_factor must be > 0, got 0"),
        (lambda: sch.ReduceLROnPlateau(o(), mode=None), T,
         "ReduceLROnPlateau: mode must be 'min' or 'max', got None"),
        (lambda: sch.ReduceLROnPlateau(o(), factor=1.0), V,
         "ReduceLROnPlateau: factor must be in [0, 1), got 1.0"),
        (lambda: sch.ReduceLROnPlateau(o(), factor=NAN), V,
         "ReduceLROnPlateau: factor must be a finite number in [0, 1), got nan"),
        (lambda: sch.ReduceLROnPlateau(o(), patience=0.5), T,
         "ReduceLROnPlateau: patience must be an int >= 0, got 0.5"),
        (lambda: sch.ReduceLROnPlateau(o(), threshold=INF), V,
         "ReduceLROnPlateau: threshold must be a finite number >= 0, got inf"),
        (lambda: sch.ReduceLROnPlateau(o(), threshold_mode="x"), V,
         "ReduceLROnPlateau: threshold_mode must be 'rel' or 'abs', got 'x'"),
        (lambda: sch.ReduceLROnPlateau(o(), cooldown=-1), V,
         "ReduceLROnPlateau: cooldown must be an int >= 0, got -1"),
        (lambda: sch.ReduceLROnPlateau(o(), min_lr=NAN), V,
         "ReduceLROnPlateau: min_lr must be a finite number >= 0, got nan"),
        (lambda: sch.ReduceLROnPlateau(o(), min_lr=[-1]), V,
         "ReduceLROnPlateau: min_lr[0] must be >= 0, got -1"),
        (lambda: sch.ReduceLROnPlateau(o(), eps="1e-8"), T,
         "ReduceLROnPlateau: eps must be a number >= 0, got '1e-8'"),
        (lambda: sch.ExponentialLR(o(), gamma=0.5).lr_at(1.5), T,
         "ExponentialLR: step must be an int >= 0, got 1.5"),
        # a schedule whose lr becomes nan, inf or negative: refused, naming schedule and step
        (lambda: sch.LambdaLR(o(), lambda t: NAN), V,
         "LambdaLR: lr_lambda(0) (the factor of param_groups[0]'s lr) must be a finite number, "
         "got nan"),
        (lambda: sch.LambdaLR(o(), lambda t: "1"), T,
         "LambdaLR: lr_lambda(0) (the factor of param_groups[0]'s lr) must be a number, got '1'"),
        (lambda: sch.LambdaLR(o(), lambda t: -1.0), V,
         "LambdaLR: at step 0, the lr of param_groups[0] must be >= 0, got -0.1"),
        (lambda: sch.LambdaLR(o(), lambda t: 1e308 * 10), V,
         "LambdaLR: lr_lambda(0) (the factor of param_groups[0]'s lr) must be a finite number, "
         "got inf"),
        (lambda: sch.ExponentialLR(o(10.0), gamma=1e308).lr_at(1), V,
         "ExponentialLR: at step 1, the lr of param_groups[0] must be a finite number >= 0, got "
         "inf"),
        (lambda: sch.ExponentialLR(o(), gamma=10.0).lr_at(400), V,
         "ExponentialLR: at step 400 the lr overflows (it is larger than any float)"),
        (lambda: sch.ExponentialDecay(o(), 1, 1e300).lr_at(3), V,
         "ExponentialDecay: at step 3 the lr overflows"),
    ]
    return [pytest.param(m, e, t, id=f"schedule-{i}-{t[:40]}") for i, (m, e, t) in enumerate(rows)]


# --- numerical helpers, training, data ---

def square(x):
    return float(np.sum(x ** 2))


def _toy():
    X = np.linspace(-1, 1, 8).reshape(8, 1)
    model = nn.Linear(1, 1, dtype=np.float64)
    loader = DataLoader(TensorDataset(X, 2 * X), batch_size=4)
    return model, nn.MSELoss(), optim.SGD(model.parameters(), lr=0.1), loader


def fit_bad(**kwargs):
    model, loss, opt, loader = _toy()
    return fit(model, loss, opt, loader, progress=kwargs.pop("progress", False), **kwargs)


def range_bad(**kwargs):
    model, loss, opt, loader = _toy()
    return lr_range_test(model, loss, opt, loader, **kwargs)


def function_rows():
    x0 = np.array([1.0, 2.0])
    rows = [
        (lambda: tg.numerical_diff(np.sin, 1.0, h=0), V, "numerical_diff: h must be > 0, got 0"),
        (lambda: tg.numerical_diff(np.sin, 1.0, h=NAN), V,
         "numerical_diff: h must be a finite number > 0, got nan"),
        (lambda: tg.numerical_diff(np.sin, 1.0, h=INF), V,
         "numerical_diff: h must be a finite number > 0, got inf"),
        (lambda: tg.numerical_diff(np.sin, 1.0, h="1e-4"), T,
         "numerical_diff: h must be a number > 0, got '1e-4'"),
        (lambda: tg.numerical_gradient(square, x0.copy(), h=-1e-4), V,
         "numerical_gradient: h must be > 0, got -0.0001"),
        (lambda: tg.numerical_gradient(square, x0.copy(), h=INF), V,
         "numerical_gradient: h must be a finite number > 0, got inf"),
        (lambda: tg.gradient_descent(square, x0, lr=INF), V,
         "gradient_descent: lr must be a finite number >= 0, got inf"),
        (lambda: tg.gradient_descent(square, x0, lr=NAN), V,
         "gradient_descent: lr must be a finite number >= 0, got nan"),
        (lambda: tg.gradient_descent(square, x0, lr=-1), V,
         "gradient_descent: lr must be >= 0, got -1"),
        (lambda: tg.gradient_descent(square, x0, lr="0.1"), T,
         "gradient_descent: lr must be a number >= 0, got '0.1'"),
        (lambda: tg.gradient_descent(square, x0, step_num=2.5), T,
         "gradient_descent: step_num must be an int >= 0, got 2.5"),
        (lambda: tg.gradient_descent(square, x0, step_num="10"), T,
         "gradient_descent: step_num must be an int >= 0, got '10'"),
        (lambda: tg.gradient_descent(square, x0, step_num=True), T,
         "gradient_descent: step_num must be an int >= 0, got True"),
        (lambda: fit_bad(epochs=0), V, "fit: epochs must be an int >= 1, got 0"),
        (lambda: fit_bad(epochs=2.0), T, "fit: epochs must be an int >= 1, got 2.0"),
        (lambda: fit_bad(epochs="3"), T, "fit: epochs must be an int >= 1, got '3'"),
        (lambda: fit_bad(progress="yes"), T, "fit: progress must be True or False, got 'yes'"),
        (lambda: fit_bad(callbacks=print), T, "fit: callbacks must be a list of functions"),
        (lambda: fit_bad(callbacks=[None]), T, "fit: callbacks[0] must be a function"),
        (lambda: range_bad(start_lr=NAN), V,
         "lr_range_test: start_lr must be a finite number > 0, got nan"),
        (lambda: range_bad(start_lr=0), V, "lr_range_test: start_lr must be > 0, got 0"),
        (lambda: range_bad(end_lr=INF), V,
         "lr_range_test: end_lr must be a finite number > 0, got inf"),
        (lambda: range_bad(start_lr=1.0, end_lr=0.5), V,
         "lr_range_test: end_lr must be > start_lr = 1, got 0.5"),
        (lambda: range_bad(num_steps=2.5), T,
         "lr_range_test: num_steps must be an int >= 2, got 2.5"),
        (lambda: range_bad(smoothing=NAN), V,
         "lr_range_test: smoothing must be a finite number in [0, 1), got nan"),
        (lambda: range_bad(diverge_factor=INF), V,
         "lr_range_test: diverge_factor must be a finite number > 1, got inf"),
        (lambda: range_bad(diverge_factor=1), V,
         "lr_range_test: diverge_factor must be > 1, got 1"),
        (lambda: DataLoader(TensorDataset(x0), batch_size=0), V,
         "DataLoader: batch_size must be an int >= 1, got 0"),
        (lambda: DataLoader(TensorDataset(x0), batch_size=2.0), T,
         "DataLoader: batch_size must be an int >= 1, got 2.0"),
        (lambda: DataLoader(TensorDataset(x0), shuffle="yes"), T,
         "DataLoader: shuffle must be True or False, got 'yes'"),
        (lambda: DataLoader(TensorDataset(x0), drop_last=1), T,
         "DataLoader: drop_last must be True or False, got 1"),
        (lambda: DataLoader(TensorDataset(x0), seed=-1), V,
         "DataLoader: seed must be an int >= 0, got -1"),
        (lambda: DataLoader(TensorDataset(x0), seed=1.5), T,
         "DataLoader: seed must be an int >= 0, got 1.5"),
        (lambda: make_moons(2.5), T, "make_moons: n_samples must be an int >= 2, got 2.5"),
        (lambda: make_moons(10, noise=NAN), V,
         "make_moons: noise must be a finite number >= 0, got nan"),
        (lambda: make_moons(10, noise=INF), V,
         "make_moons: noise must be a finite number >= 0, got inf"),
        (lambda: make_moons(10, noise="0.1"), T,
         "make_moons: noise must be a number >= 0, got '0.1'"),
        (lambda: make_moons(10, shuffle="no"), T,
         "make_moons: shuffle must be True or False, got 'no'"),
        (lambda: make_moons(10, seed=0.5), T, "make_moons: seed must be an int >= 0, got 0.5"),
        (lambda: make_spirals(10, n_classes="3"), T,
         "make_spirals: n_classes must be an int >= 2, got '3'"),
        (lambda: make_spirals(2, n_classes=3), V,
         "make_spirals: n_samples must be an int >= 3, got 2"),
        (lambda: make_spirals(10, noise=-1), V, "make_spirals: noise must be >= 0, got -1"),
        (lambda: make_linear(10, weight="2"), T, "make_linear: weight must be a number, got '2'"),
        (lambda: make_linear(10, weight=[1.0, NAN]), V,
         "make_linear: weight[1] must be a finite number, got nan"),
        (lambda: make_linear(10, weight=[[1.0]]), V,
         "make_linear: weight must be a number or a non-empty 1-D sequence"),
        (lambda: make_linear(10, bias=INF), V,
         "make_linear: bias must be a finite number, got inf"),
        (lambda: make_linear(10, noise=-0.5), V, "make_linear: noise must be >= 0, got -0.5"),
        (lambda: load_digits(test_size=NAN), V,
         "load_digits: test_size must be a finite number in (0, 1), got nan"),
        (lambda: load_digits(test_size=1), V, "load_digits: test_size must be in (0, 1), got 1"),
        (lambda: load_digits(images="yes"), T,
         "load_digits: images must be True or False, got 'yes'"),
    ]
    return [pytest.param(m, e, t, id=f"fn-{i}-{t[:40]}") for i, (m, e, t) in enumerate(rows)]


# --- layers and losses ---

def layer_rows():
    rows = []
    for bad, error, shown in [(0, V, "0"), (-1, V, "-1"), (2.5, T, "2.5"), ("3", T, "'3'"),
                              (True, T, "True"), (None, T, "None"), (np.float64(3.0), T, "3.0")]:
        rows += [
            (lambda bad=bad: nn.Linear(bad, 2), error,
             f"Linear: in_features must be an int >= 1, got {shown}"),
            (lambda bad=bad: nn.Linear(2, bad), error,
             f"Linear: out_features must be an int >= 1, got {shown}"),
            (lambda bad=bad: nn.Conv2d(bad, 2, 3), error,
             f"Conv2d: in_channels must be an int >= 1, got {shown}"),
            (lambda bad=bad: nn.Conv2d(2, bad, 3), error,
             f"Conv2d: out_channels must be an int >= 1, got {shown}"),
            (lambda bad=bad: nn.Conv2d(2, 2, 3, groups=bad), error,
             f"Conv2d: groups must be an int >= 1, got {shown}"),
            (lambda bad=bad: nn.Conv2d(2, 2, bad), error,
             f"Conv2d: kernel_size must be an int >= 1 or a pair of them, got {shown}"),
            (lambda bad=bad: nn.Conv2d(2, 2, 3, stride=bad), error,
             f"Conv2d: stride must be an int >= 1 or a pair of them, got {shown}"),
            (lambda bad=bad: nn.Conv2d(2, 2, 3, dilation=bad), error,
             f"Conv2d: dilation must be an int >= 1 or a pair of them, got {shown}"),
            (lambda bad=bad: nn.MaxPool2d(bad), error,
             f"MaxPool2d: kernel_size must be an int >= 1 or a pair of them, got {shown}"),
            (lambda bad=bad: nn.AdaptiveAvgPool2d(bad), error,
             f"output_size must be an int >= 1 or a pair of them, got {shown}"),
            (lambda bad=bad: nn.BatchNorm1d(bad), error,
             f"BatchNorm1d: num_features must be an int >= 1, got {shown}"),
            (lambda bad=bad: nn.LayerNorm(bad), error,
             f"normalized_shape must be an int >= 1 or a non-empty tuple of them, got {shown}"),
            (lambda bad=bad: nn.Embedding(bad, 4), error,
             f"Embedding: num_embeddings must be an int >= 1, got {shown}"),
            (lambda bad=bad: nn.Embedding(4, bad), error,
             f"Embedding: embedding_dim must be an int >= 1, got {shown}"),
            (lambda bad=bad: nn.RNN(bad, 4), error,
             f"RNN: input_size must be an int >= 1, got {shown}"),
            (lambda bad=bad: nn.LSTM(3, bad), error,
             f"LSTM: hidden_size must be an int >= 1, got {shown}"),
            (lambda bad=bad: nn.GRU(3, 4, num_layers=bad), error,
             f"GRU: num_layers must be an int >= 1, got {shown}"),
            (lambda bad=bad: nn.GRUCell(bad, 4), error,
             f"GRUCell: input_size must be an int >= 1, got {shown}"),
            (lambda bad=bad: nn.LSTMCell(3, bad), error,
             f"LSTMCell: hidden_size must be an int >= 1, got {shown}"),
        ]
        if bad is not None:  # None is the default of stride and divisor_override
            rows += [
                (lambda bad=bad: nn.AvgPool2d(2, stride=bad), error,
                 f"AvgPool2d: stride must be an int >= 1 or a pair of them, got {shown}"),
                (lambda bad=bad: nn.AvgPool2d(2, divisor_override=bad), error,
                 f"AvgPool2d: divisor_override must be an int >= 1, got {shown}"),
            ]
    for bad, error, text in [(NAN, V, "a finite number in [0, 1], got nan"),
                             (INF, V, "a finite number in [0, 1], got inf"),
                             (-0.1, V, "in [0, 1], got -0.1"), (1.5, V, "in [0, 1], got 1.5"),
                             ("0.5", T, "a number in [0, 1], got '0.5'"),
                             (True, T, "a number in [0, 1], got True")]:
        rows += [
            (lambda bad=bad: nn.Dropout(bad), error, f"Dropout: p must be {text}"),
            (lambda bad=bad: F.dropout(tg.ones(2), bad), error, f"dropout: p must be {text}"),
            (lambda bad=bad: nn.LSTM(3, 4, num_layers=2, dropout=bad), error,
             f"LSTM: dropout must be {text}"),
            (lambda bad=bad: nn.BatchNorm2d(3, momentum=bad), error,
             f"BatchNorm2d: momentum must be {text}"),
            (lambda bad=bad: nn.CrossEntropyLoss(label_smoothing=bad), error,
             f"CrossEntropyLoss: label_smoothing must be {text}"),
        ]
    for bad, error, text in [(0, V, "> 0, got 0"), (-1e-5, V, "> 0, got -1e-05"),
                             (NAN, V, "a finite number > 0, got nan"),
                             (INF, V, "a finite number > 0, got inf"),
                             ("1e-5", T, "a number > 0, got '1e-5'")]:
        rows += [
            (lambda bad=bad: nn.BatchNorm1d(3, eps=bad), error, f"BatchNorm1d: eps must be {text}"),
            (lambda bad=bad: nn.LayerNorm(3, eps=bad), error, f"LayerNorm: eps must be {text}"),
            (lambda bad=bad: nn.HuberLoss(delta=bad), error, f"HuberLoss: delta must be {text}"),
            (lambda bad=bad: F.layer_norm(tg.ones(2, 3), 3, eps=bad), error,
             f"layer_norm: eps must be {text}"),
        ]
    flags = [
        (lambda v: nn.Linear(2, 2, bias=v), "Linear: bias"),
        (lambda v: nn.Conv2d(2, 2, 3, bias=v), "Conv2d: bias"),
        (lambda v: nn.AvgPool2d(2, ceil_mode=v), "AvgPool2d: ceil_mode"),
        (lambda v: nn.AvgPool2d(2, count_include_pad=v), "AvgPool2d: count_include_pad"),
        (lambda v: nn.BatchNorm1d(3, affine=v), "BatchNorm1d: affine"),
        (lambda v: nn.BatchNorm2d(3, track_running_stats=v), "BatchNorm2d: track_running_stats"),
        (lambda v: nn.LayerNorm(3, elementwise_affine=v), "LayerNorm: elementwise_affine"),
        (lambda v: nn.LayerNorm(3, bias=v), "LayerNorm: bias"),
        (lambda v: nn.RNN(3, 4, bias=v), "RNN: bias"),
        (lambda v: nn.LSTM(3, 4, batch_first=v), "LSTM: batch_first"),
        (lambda v: nn.GRU(3, 4, bidirectional=v), "GRU: bidirectional"),
        (lambda v: nn.RNNCell(3, 4, bias=v), "RNNCell: bias"),
        (lambda v: F.avg_pool2d(tg.ones(1, 1, 4, 4), 2, ceil_mode=v), "avg_pool2d: ceil_mode"),
    ]
    for make, name in flags:
        for bad, shown in [("yes", "'yes'"), (1, "1"), (None, "None")]:
            rows.append((lambda make=make, bad=bad: make(bad), T,
                         f"{name} must be True or False, got {shown}"))
    rows += [
        (lambda: nn.Conv2d(2, 2, (3, 0)), V,
         "Conv2d: kernel_size must be an int >= 1 or a pair of them, got (3, 0)"),
        (lambda: nn.Conv2d(2, 2, (3, 3, 3)), V,
         "Conv2d: kernel_size must be an int >= 1 or a pair of them, got (3, 3, 3)"),
        (lambda: nn.Conv2d(2, 2, (3, 2.0)), T,
         "Conv2d: kernel_size must be an int >= 1 or a pair of them, got (3, 2.0)"),
        (lambda: nn.Conv2d(2, 2, 3, padding=-1), V,
         "padding must be an int >= 0 or a pair of them, got -1"),
        (lambda: nn.Conv2d(2, 2, 3, padding="full"), V,
         "padding must be 'valid', 'same', an int >= 0 or a pair of them, got 'full'"),
        (lambda: nn.MaxPool2d(2, padding=(1, -1)), V,
         "MaxPool2d: padding must be an int >= 0 or a pair of them, got (1, -1)"),
        (lambda: nn.MaxPool2d(2, dilation=0), V,
         "MaxPool2d: dilation must be an int >= 1 or a pair of them, got 0"),
        (lambda: F.conv2d(tg.ones(1, 1, 4, 4), tg.ones(1, 1, 3, 3), stride=0), V,
         "conv2d: stride must be an int >= 1 or a pair of them, got 0"),
        (lambda: F.max_pool2d(tg.ones(1, 1, 4, 4), 2, stride="1"), T,
         "max_pool2d: stride must be an int >= 1 or a pair of them, got '1'"),
        (lambda: nn.AdaptiveAvgPool2d((None, 0)), V, "output_size[1] must be an int >= 1, got 0"),
        (lambda: nn.LayerNorm((3, 0)), V,
         "normalized_shape must be an int >= 1 or a non-empty tuple of them, got (3, 0)"),
        (lambda: nn.LayerNorm(()), V,
         "normalized_shape must be an int >= 1 or a non-empty tuple of them, got ()"),
        (lambda: nn.Embedding(4, 2, padding_idx=1.5), T, "padding_idx must be an int, got 1.5"),
        (lambda: nn.Embedding(4, 2, padding_idx=4), V,
         "padding_idx 4 is out of range for 4 embeddings"),
        (lambda: nn.RNN(3, 4, nonlinearity="gelu"), V,
         "RNN: nonlinearity must be 'tanh' or 'relu', got 'gelu'"),
        (lambda: nn.RNN(3, 4, nonlinearity=None), T,
         "RNN: nonlinearity must be 'tanh' or 'relu', got None"),
        (lambda: nn.LeakyReLU(NAN), V,
         "LeakyReLU: negative_slope must be a finite number, got nan"),
        (lambda: nn.LeakyReLU(INF), V,
         "LeakyReLU: negative_slope must be a finite number, got inf"),
        (lambda: nn.LeakyReLU("0.1"), T, "LeakyReLU: negative_slope must be a number, got '0.1'"),
        (lambda: tg.ones(2).leaky_relu(INF), V,
         "leaky_relu: negative_slope must be a finite number, got inf"),
        (lambda: F.softplus(tg.ones(2), beta=INF), V,
         "softplus: beta must be a finite number, got inf"),
        (lambda: F.softplus(tg.ones(2), threshold=NAN), V,
         "softplus: threshold must be a finite number, got nan"),
        (lambda: nn.GELU("erf"), V, "GELU: approximate must be 'none' or 'tanh', got 'erf'"),
        (lambda: nn.GELU(None), T, "GELU: approximate must be 'none' or 'tanh', got None"),
        (lambda: F.gelu(tg.ones(2), approximate=True), T,
         "gelu: approximate must be 'none' or 'tanh', got True"),
        (lambda: nn.Softmax(axis=1.0), T, "Softmax: axis must be an int, got 1.0"),
        (lambda: nn.LogSoftmax(axis="1"), T, "LogSoftmax: axis must be an int, got '1'"),
        (lambda: nn.Flatten(start_dim="1"), T, "Flatten: start_dim must be an int, got '1'"),
        (lambda: nn.Flatten(end_dim=None), T, "Flatten: end_dim must be an int, got None"),
        (lambda: nn.SmoothL1Loss(beta=-1), V, "SmoothL1Loss: beta must be >= 0, got -1"),
        (lambda: nn.SmoothL1Loss(beta=NAN), V,
         "SmoothL1Loss: beta must be a finite number >= 0, got nan"),
        (lambda: nn.CrossEntropyLoss(ignore_index=1.5), T,
         "CrossEntropyLoss: ignore_index must be an int, got 1.5"),
        (lambda: nn.NLLLoss(ignore_index="1"), T, "NLLLoss: ignore_index must be an int, got '1'"),
        (lambda: nn.utils.clip_grad_norm_([param()], NAN), V,
         "clip_grad_norm_: max_norm must be a finite number >= 0, got nan"),
        (lambda: nn.utils.clip_grad_norm_([param()], 1.0, norm_type=0), V,
         "clip_grad_norm_: norm_type must be > 0, got 0"),
        (lambda: nn.utils.clip_grad_value_([param()], "1"), T,
         "clip_grad_value_: clip_value must be a number >= 0, got '1'"),
        (lambda: nn.init.normal_(param(), std=NAN), V,
         "normal_: std must be a finite number >= 0, got nan"),
        (lambda: nn.init.uniform_(param(), 1.0, 0.0), V, "uniform_: b must be >= 1, got 0.0"),
        (lambda: nn.init.kaiming_uniform_(param((2, 2)), mode="in"), V,
         "kaiming init: mode must be 'fan_in' or 'fan_out', got 'in'"),
        (lambda: nn.init.xavier_normal_(param((2, 2)), gain=INF), V,
         "xavier_normal_: gain must be a finite number >= 0, got inf"),
    ]
    losses = [nn.MSELoss, nn.L1Loss, nn.HuberLoss, nn.SmoothL1Loss, nn.CrossEntropyLoss,
              nn.NLLLoss, nn.BCELoss, nn.BCEWithLogitsLoss]
    for cls in losses:
        rows.append((lambda cls=cls: cls(reduction="avg"), V,
                     f"{cls.__name__}: reduction must be 'mean', 'sum' or 'none', got 'avg'"))
        rows.append((lambda cls=cls: cls(reduction=None), T,
                     f"{cls.__name__}: reduction must be 'mean', 'sum' or 'none', got None"))
    return [pytest.param(m, e, t, id=f"layer-{i}-{t[:50]}") for i, (m, e, t) in enumerate(rows)]


ROWS = optimizer_rows() + sched_rows() + function_rows() + layer_rows()


@pytest.mark.filterwarnings("ignore:dropout is applied between recurrent layers")
@pytest.mark.parametrize("make,error,text", ROWS)
def test_a_bad_value_raises_a_clear_error(make, error, text):
    with pytest.raises(error, match=re.escape(text)) as info:
        make()
    if error is TypeError:  # a wrong type: also the ValueError the API promises
        assert isinstance(info.value, ValueError)
    if error is ValueError:  # a bad value of the right type: not reported as a type error
        assert not isinstance(info.value, TypeError)


def test_the_table_covers_every_hyperparameter_of_every_optimizer():
    """A new hyper-parameter added to an optimizer must get its rows above."""
    import inspect
    for cls, spec in OPTIMIZERS.items():
        names = [n for n in inspect.signature(cls).parameters if n != "params"]
        assert sorted(names) == sorted(spec), cls.__name__
    assert set(OPTIMIZERS) == set(optim._OPTIMIZERS.values())


# --- nothing changes when an error is raised ---

def trained(cls):
    """An optimizer over two parameters (two groups) after one step, with its state."""
    a, b = param((3,)), param((2, 2))
    extra = {"momentum": 0.9} if cls is optim.SGD else {}  # so that SGD keeps a state
    opt = cls([{"params": [a]}, {"params": [b], "lr": 0.05}], lr=0.1, **extra)
    a.grad = tg.Tensor(np.full(3, 0.5))
    b.grad = tg.Tensor(np.full((2, 2), -0.25))
    opt.step()
    return opt, a, b


def snapshot(opt):
    groups = [{k: v for k, v in g.items() if k != "params"} for g in opt.param_groups]
    state = {id(p): {k: np.array(v, copy=True) for k, v in s.items()}
             for p, s in opt.state.items()}
    return copy.deepcopy(groups), state


def assert_same(before, after):
    assert before[0] == after[0]
    assert before[1].keys() == after[1].keys()
    for key, s in before[1].items():
        assert s.keys() == after[1][key].keys()
        for name, value in s.items():
            np.testing.assert_array_equal(value, after[1][key][name])


def _bad_shape(sd):
    buffer = next(k for k in sd["state"][0] if k != "step")  # a step is a count, not an array
    sd["state"][0][buffer] = np.zeros(7)


def _missing_key(sd):
    del sd["param_groups"][1]["lr"]


@pytest.mark.parametrize("cls", list(OPTIMIZERS), ids=lambda c: c.__name__)
@pytest.mark.parametrize("spoil,text", [
    (lambda sd: sd["param_groups"][1].update(lr=-1),
     "loaded param_groups[1]: lr must be >= 0, got -1"),
    (lambda sd: sd["param_groups"][1].update(lr=INF),
     "loaded param_groups[1]: lr must be a finite number >= 0, got inf"),
    (lambda sd: sd["param_groups"][0].update(weight_decay="small"),
     "loaded param_groups[0]: weight_decay must be a number >= 0, got 'small'"),
    (_bad_shape, "has shape (7,), but the parameter has shape (3,)"),
    (_missing_key, "loaded param_groups[1] has no 'lr'"),
], ids=["lr=-1", "lr=inf", "weight_decay=str", "state-shape", "missing-lr"])
def test_load_state_dict_with_a_bad_group_changes_nothing(cls, spoil, text):
    opt, a, b = trained(cls)
    before = snapshot(opt)
    sd = copy.deepcopy(opt.state_dict())
    # the loaded groups differ from the current ones: a partial load would show
    for group in sd["param_groups"]:
        group["lr"] = 0.5
        group["weight_decay"] = 0.25
    spoil(sd)
    with pytest.raises(ValueError, match=re.escape(text)):
        opt.load_state_dict(sd)
    assert_same(before, snapshot(opt))


def test_load_state_dict_of_something_else_is_refused():
    opt = sgd()
    with pytest.raises(ValueError, match=r"SGD.load_state_dict: expected what state_dict\(\) "
                                         r"returns, a dict with 'state' and 'param_groups', got "
                                         r"list"):
        opt.load_state_dict([1, 2])


def test_a_schedule_that_fails_at_a_step_changes_nothing():
    opt = sgd(lr=0.1)
    sched = sch.LambdaLR(opt, lambda t: NAN if t == 3 else 1.0 / (t + 1))
    sched.step()
    sched.step()
    lrs, epoch = sched.get_last_lr(), sched.last_epoch
    with pytest.raises(ValueError, match=re.escape("LambdaLR: lr_lambda(3) (the factor of "
                                                   "param_groups[0]'s lr) must be a finite "
                                                   "number, got nan")):
        sched.step()
    assert (sched.get_last_lr(), sched.last_epoch, opt.param_groups[0]["lr"]) == (
        lrs, epoch, lrs[0])


def test_a_schedule_refused_at_construction_leaves_the_optimizer_alone():
    opt = sgd(lr=0.1)
    with pytest.raises(ValueError, match=re.escape("LambdaLR: at step 0, the lr of "
                                                   "param_groups[0] must be >= 0, got -0.1")):
        sch.LambdaLR(opt, lambda t: -1.0)
    assert opt.param_groups[0]["lr"] == 0.1
    assert "initial_lr" not in opt.param_groups[0]
    assert getattr(opt, "_scheduler", None) is None
    with pytest.raises(ValueError, match="ReduceLROnPlateau: factor must be in"):
        sch.ReduceLROnPlateau(opt, factor=2.0)
    assert getattr(opt, "_scheduler", None) is None


def test_add_param_group_with_a_bad_value_adds_nothing():
    opt = sgd()
    with pytest.raises(ValueError, match=re.escape("SGD: param_groups[1]: momentum must be a "
                                                   "finite number >= 0, got nan")):
        opt.add_param_group({"params": [param()], "momentum": NAN})
    assert len(opt.param_groups) == 1


# --- optimizer.step(): every gradient checked before any parameter moves ---

def two_params(cls, dtype=np.float64):
    a, b = param((3,), dtype), param((3,), dtype)
    return cls([a, b], lr=0.1), a, b


@pytest.mark.parametrize("cls", list(OPTIMIZERS), ids=lambda c: c.__name__)
@pytest.mark.parametrize("bad_grad,error,text", [
    (lambda: tg.Tensor(np.ones(1)), ValueError,
     "the .grad of param_groups[0]['params'][1] (a parameter of shape (3,), dtype float64) "
     "has shape (1,): a gradient must have its parameter's shape"),
    (lambda: np.ones((3, 1)), ValueError, "has shape (3, 1): a gradient must have its"),
    (lambda: np.ones(()), ValueError, "has shape (): a gradient must have its"),
    (lambda: tg.Tensor(np.ones(3, np.float32)), TypeError,
     "(a parameter of shape (3,), dtype float64) has dtype float32: a gradient must have "
     "its parameter's dtype"),
    (lambda: np.arange(3), TypeError, "has dtype int64: a gradient must have its"),
    (lambda: [1.0, 1.0, 1.0], TypeError, "must be a Tensor or an ndarray, got list"),
    (lambda: 1.0, TypeError, "must be a Tensor or an ndarray, got float"),
], ids=["(1,)-on-(3,)", "(3,1)", "0-d", "float32-on-float64", "int", "list", "float"])
def test_step_refuses_a_bad_gradient_and_moves_no_parameter(cls, bad_grad, error, text):
    opt, a, b = two_params(cls)
    a.grad = tg.Tensor(np.full(3, 0.5))   # a good first gradient...
    b._grad = bad_grad()                  # ...and a bad second one, set past the .grad
                                          # setter's own check (test_grad_setter_refuses)
    with pytest.raises(error, match=re.escape(text)) as info:
        opt.step()
    assert str(info.value).startswith(f"{cls.__name__}.step: ")
    assert "no parameter was updated" in str(info.value)
    np.testing.assert_array_equal(a.data, np.ones(3))   # the first did not move either
    np.testing.assert_array_equal(b.data, np.ones(3))
    assert not any(opt.state.get(p) for p in (a, b))     # and no state was created


@pytest.mark.parametrize("bad,error,text", [
    (lambda: 0.0, TypeError, "assigned grad must be a Tensor, an ndarray or None, got float"),
    (lambda: [1.0, 1.0, 1.0], TypeError, "must be a Tensor, an ndarray or None, got list"),
    (lambda: np.ones(2), ValueError, "assigned grad has shape (2,), but the tensor"),
    (lambda: tg.Tensor(np.ones(2)), ValueError, "assigned grad has shape (2,), but the tensor"),
    (lambda: tg.Tensor(np.arange(3)), TypeError, "assigned grad must be floating point"),
])
def test_grad_setter_refuses_what_backward_or_step_could_not_use(bad, error, text):
    p = param()
    with pytest.raises(error, match=re.escape(text)):
        p.grad = bad()
    assert p.grad is None
    p.grad = tg.Tensor(np.full(3, 0.5))   # as PyTorch: a Tensor of the parameter's shape
    p.grad = None


def test_step_names_the_group_of_a_bad_gradient():
    a, b = param(), param((2,))
    opt = optim.Adam([{"params": [a]}, {"params": [b]}])
    a.grad, b._grad = tg.Tensor(np.ones(3)), tg.Tensor(np.ones(3))  # b: past the setter
    with pytest.raises(ValueError, match=re.escape("param_groups[1]['params'][0] (a parameter "
                                                   "of shape (2,), dtype float64) has shape "
                                                   "(3,)")):
        opt.step()


def test_step_accepts_an_ndarray_gradient_like_a_tensor_one():
    opt1, a1, _ = two_params(optim.Adam)
    opt2, a2, _ = two_params(optim.Adam)
    g = np.array([0.5, -1.0, 2.0])
    a1.grad, a2.grad = tg.Tensor(g), g.copy()
    opt1.step()
    opt2.step()
    np.testing.assert_array_equal(a1.data, a2.data)
    assert not np.array_equal(a1.data, np.ones(3))  # it did move


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_step_with_real_backward_gradients_is_accepted(dtype):
    for cls in OPTIMIZERS:
        w, b = param((2, 3), dtype), param((), dtype)
        opt = cls([w, b], lr=0.1)
        x = tg.Tensor(np.ones((4, 2), dtype))
        ((x @ w).sum() * b).backward()
        opt.step()
        assert w.dtype == dtype and b.shape == ()
        assert np.all(w.data != 1.0)


# --- nothing valid is refused ---

@pytest.mark.filterwarnings("ignore:dropout is applied between recurrent layers")
@pytest.mark.parametrize("make", [
    lambda: optim.SGD([param()], lr=np.float32(0.1), momentum=np.float64(0.9), nesterov=np.True_),
    lambda: optim.SGD([param()], lr=0, momentum=1, dampening=1),
    lambda: optim.Adam([param()], betas=[0.5, 0.0], amsgrad=True),
    lambda: optim.RMSprop([param()], alpha=1, centered=np.bool_(False)),
    lambda: optim.Adagrad([param()], lr=np.int64(1)),
    lambda: sch.StepLR(sgd(), np.int64(3), gamma=2),
    lambda: sch.ExponentialLR(sgd(), gamma=1.5),
    lambda: sch.MultiStepLR(sgd(), (np.int32(2), 5)),
    lambda: sch.CosineAnnealingLR(sgd(0.1), T_max=5, eta_min=0.5),
    lambda: sch.OneCycleLR(sgd(), [0.1], epochs=np.int64(2), steps_per_epoch=5),
    lambda: sch.ReduceLROnPlateau(sgd(), factor=0, min_lr=[0.01]),
    lambda: sch.LambdaLR(sgd(), lambda t: np.float32(0.5) ** t),
    lambda: tg.gradient_descent(square, np.array([1.0]), lr=np.float64(0.1), step_num=np.int64(3)),
    lambda: tg.numerical_diff(np.sin, 1.0, h=np.float64(1e-3)),
    lambda: DataLoader(TensorDataset(np.zeros(4)), batch_size=np.int64(2), shuffle=np.True_,
                       seed=0),
    lambda: make_linear(5, weight=np.array([1.0, 2.0]), bias=np.float32(1)),
    lambda: make_linear(5, weight=np.array(2.0)),
    lambda: nn.Linear(np.int64(3), np.int32(2), bias=np.bool_(False)),
    lambda: nn.Conv2d(2, 4, (3, np.int64(1)), padding="same", groups=2),
    lambda: nn.Conv2d(2, 2, [3, 3], stride=[1, 2], padding=[1, 0]),
    lambda: nn.AdaptiveAvgPool2d((None, 3)),
    lambda: nn.BatchNorm1d(3, momentum=None, eps=1e-3),
    lambda: nn.LayerNorm([2, 3]),
    lambda: nn.Dropout(1),
    lambda: nn.GRU(3, 4, num_layers=2, dropout=0.5),
    lambda: nn.LeakyReLU(-0.5),
    lambda: nn.Embedding(4, 2, padding_idx=-1),
    lambda: nn.CrossEntropyLoss(label_smoothing=1, ignore_index=np.int64(-1)),
    lambda: nn.utils.clip_grad_norm_([param()], INF, norm_type=INF),
    lambda: F.softplus(tg.ones(2), beta=-2, threshold=np.float32(10)),
])
def test_valid_values_are_accepted(make):
    make()


def test_argument_type_error_is_both_type_and_value_error():
    assert issubclass(checks.ArgumentTypeError, TypeError)
    assert issubclass(checks.ArgumentTypeError, ValueError)
    assert checks.real(np.float32(0.5), "x", low=0, high=1) == 0.5
    assert type(checks.real(np.float32(0.5), "x")) is float
    assert type(checks.integer(np.int8(3), "n")) is int
    assert checks.flag(np.bool_(True), "f") is True
    assert checks.int_pair(3, "k", low=1) == (3, 3)
    assert checks.int_tuple([2, 3], "s", low=1) == (2, 3)
    assert checks.pair([0.1, 0.2], "betas", checks.real, low=0) == (0.1, 0.2)
    assert math.isclose(checks.real(1e-300, "tiny", low=0, low_open=True), 1e-300)


# --- hyper-parameters changed by hand after construction: step() checks them again ---

@pytest.mark.parametrize("cls", list(OPTIMIZERS), ids=lambda c: c.__name__)
@pytest.mark.parametrize("value,error,text", [
    ("0.1", T, "lr must be a number >= 0, got '0.1'"),
    (NAN, V, "lr must be a finite number >= 0, got nan"),
    (-1, V, "lr must be >= 0, got -1"),
    (INF, V, "lr must be a finite number >= 0, got inf"),
], ids=["str", "nan", "-1", "inf"])
def test_step_refuses_an_lr_set_by_hand_and_moves_nothing(cls, value, error, text):
    opt, a, b = two_params(cls)
    opt.add_param_group({"params": [param()]})
    a.grad = b.grad = tg.Tensor(np.full(3, 0.5))
    opt.step()                                     # a valid step first
    before = a.data.copy()
    opt.param_groups[1]["lr"] = value
    with pytest.raises(error, match=re.escape(f"{cls.__name__}.step: param_groups[1]: {text}")):
        opt.step()
    np.testing.assert_array_equal(a.data, before)  # group 0 did not move either
    opt.param_groups[1]["lr"] = 0.05               # repaired: stepping works again
    opt.step()
    assert not np.array_equal(a.data, before)


def test_step_checks_every_changed_hyperparameter_and_flag():
    opt = sgd(momentum=0.9)
    opt.param_groups[0]["nesterov"] = "yes"
    with pytest.raises(T, match=re.escape("SGD.step: param_groups[0]: nesterov must be True or "
                                          "False, got 'yes'")):
        opt.step()
    adam_opt = adam()
    adam_opt.param_groups[0]["betas"] = (0.9, 1.5)
    with pytest.raises(V, match=re.escape("Adam.step: param_groups[0]: betas[1] must be in "
                                          "[0, 1), got 1.5")):
        adam_opt.step()
    adam_opt.param_groups[0]["betas"] = (np.array([0.9, 0.8]), 0.999)  # == would raise
    with pytest.raises(T, match=re.escape("betas[0] must be a number in [0, 1), got ndarray")):
        adam_opt.step()
    del adam_opt.param_groups[0]["betas"]
    with pytest.raises(V, match=re.escape("Adam.step: param_groups[0]: the group has no "
                                          "'betas'")):
        adam_opt.step()


def test_step_refuses_an_unknown_key_added_by_hand():
    opt = sgd()
    opt.param_groups[0]["learning_rate"] = 0.5
    with pytest.raises(V, match=re.escape("SGD.step: param_groups[0]: unknown key "
                                          "'learning_rate' (did you mean 'lr'?)")):
        opt.step()


def test_schedules_and_hand_changes_that_are_valid_keep_working():
    w = param()
    opt = optim.SGD([w], lr=0.1, momentum=0.9)
    sched = sch.OneCycleLR(opt, max_lr=0.5, total_steps=10)  # writes lr and momentum
    for _ in range(5):
        w.grad = tg.Tensor(np.ones(3))
        opt.step()
        sched.step()
    opt.param_groups[0]["weight_decay"] = 1e-4   # valid: accepted
    opt.step()
    assert opt.param_groups[0]["lr"] == sched.get_last_lr()[0]


# --- unknown keys in parameter groups ---

@pytest.mark.parametrize("make,text", [
    (lambda: optim.SGD([{"params": [param()], "learning_rate": 0.1}]),
     "SGD: param_groups[0]: unknown key 'learning_rate' (did you mean 'lr'?): it is no "
     "hyper-parameter of SGD, whose are lr, momentum, dampening, weight_decay, nesterov"),
    (lambda: sgd().add_param_group({"params": [param()], "moment": 0.9}),
     "SGD: param_groups[1]: unknown key 'moment' (did you mean 'momentum'?)"),
    (lambda: adam().add_param_group({"params": [param()], "beta1": 0.8}),
     "Adam: param_groups[1]: unknown key 'beta1' (did you mean 'betas'?)"),
    (lambda: optim.RMSprop([{"params": [param()], "epsilon": 1e-6}]),
     "RMSprop: param_groups[0]: unknown key 'epsilon' (did you mean 'eps'?)"),
    (lambda: optim.SGD([{"params": [param()], "maximize": True}]),
     "SGD: param_groups[0]: unknown key 'maximize': it is no hyper-parameter of SGD"),
    (lambda: optim.SGD([{"params": [param()], 0: 1}]),
     "SGD: param_groups[0]: unknown key 0: it is no hyper-parameter"),
], ids=["learning_rate", "moment", "beta1", "epsilon", "torch-only-maximize", "int-key"])
def test_an_unknown_group_key_is_refused_with_the_closest_name(make, text):
    with pytest.raises(ValueError, match=re.escape(text)):
        make()


def test_keys_that_schedules_write_are_allowed_in_groups():
    groups = [{"params": [param()], "lr": 0.1, "initial_lr": 0.1, "max_lr": 1.0,
               "min_lr": 1e-4, "base_momentum": 0.85, "max_momentum": 0.95, "name": "head"}]
    opt = optim.SGD(groups, momentum=0.9)
    opt.add_param_group({"params": [param()], "name": "body"})
    sched = sch.OneCycleLR(opt, max_lr=[0.5, 0.1], total_steps=10)
    state = opt.state_dict()
    assert state["param_groups"][0]["name"] == "head" and "initial_lr" in state["param_groups"][1]
    opt.step()
    sched.step()
    optim.SGD([{"params": [param()]}, {"params": [param()]}], momentum=0.9).load_state_dict(state)


def test_load_state_dict_refuses_a_group_with_an_unknown_key():
    opt = sgd()
    state = opt.state_dict()
    state["param_groups"][0]["moment"] = 0.9
    with pytest.raises(V, match=re.escape("SGD.load_state_dict: loaded param_groups[0]: "
                                          "unknown key 'moment' (did you mean 'momentum'?)")):
        opt.load_state_dict(state)
    assert "moment" not in opt.param_groups[0]


# --- an optimizer's per-parameter state when loaded ---

def _adam_state():
    w = param((2,))
    opt = optim.Adam([w])
    w.grad = tg.Tensor(np.ones(2))
    opt.step()
    return opt, opt.state_dict()


@pytest.mark.parametrize("spoil,error,text", [
    (lambda s: s[0].update(step="3"), T, "loaded state[0]['step'] must be an int >= 0, got '3'"),
    (lambda s: s[0].update(step=-5), V, "loaded state[0]['step'] must be an int >= 0, got -5"),
    (lambda s: s[0].pop("exp_avg"), V, "Adam.load_state_dict: loaded state[0]: it has no "
                                       "'exp_avg' (a state dict of another optimizer than Adam?)"),
    (lambda s: s[0].update(momentum_buffer=np.zeros(2)), V,
     "loaded state[0]: 'momentum_buffer' is no state of Adam"),
    (lambda s: s[0].update(exp_avg=[0.5, 0.5]), V,
     "loaded state[0]['exp_avg'] must be a float array of the parameter's shape (2,), got "
     "[0.5, 0.5]"),
    (lambda s: s[0].update(exp_avg=np.zeros(2, np.int64)), V,
     "loaded state[0]['exp_avg'] must be a float array of the parameter's shape (2,), got "
     "ndarray of shape (2,) of dtype int64"),
    (lambda s: s.update({0: "state"}), V, "Adam.load_state_dict: loaded state[0] must be a dict"),
], ids=["step-str", "step-negative", "missing-buffer", "other-optimizer's-buffer", "list",
        "int-array", "not-a-dict"])
def test_load_state_dict_checks_each_parameter_state(spoil, error, text):
    opt, state = _adam_state()
    before = copy.deepcopy(opt.state_dict())
    spoil(state["state"])
    with pytest.raises(error, match=re.escape(text)):
        opt.load_state_dict(state)
    assert opt.state_dict()["state"][0]["step"] == before["state"][0]["step"] == 1


def test_load_state_dict_accepts_optional_buffers_and_none():
    opt, state = _adam_state()
    state["state"][0]["max_exp_avg_sq"] = None   # PyTorch's way of "not made yet"
    opt.load_state_dict(state)
    opt.param_groups[0]["amsgrad"] = True
    opt.step()
    assert opt.state[opt.param_groups[0]["params"][0]]["max_exp_avg_sq"].shape == (2,)


# --- a frozen nn.Parameter in an optimizer is kept and skipped (PyTorch) ---

@pytest.mark.parametrize("cls", list(OPTIMIZERS), ids=lambda c: c.__name__)
def test_a_frozen_parameter_is_accepted_and_never_moves(cls):
    layer = nn.Linear(2, 2)
    layer.bias.requires_grad = False
    opt = cls(layer.parameters(), lr=0.1)       # PyTorch accepts it too
    bias, weight = layer.bias.data.copy(), layer.weight.data.copy()
    layer(tg.ones(3, 2)).sum().backward()
    layer.bias.grad = tg.Tensor(np.ones(2, np.float32))  # even a stale gradient
    opt.step()
    np.testing.assert_array_equal(layer.bias.data, bias)
    assert not np.array_equal(layer.weight.data, weight)
    assert layer.bias not in opt.state
    layer.bias.requires_grad = True             # unfrozen: trained from now on
    opt.step()
    assert not np.array_equal(layer.bias.data, bias)


def test_a_plain_tensor_that_does_not_require_grad_is_still_refused():
    with pytest.raises(V, match=re.escape("params[0] (shape (3,)) does not require grad; "
                                          "create it with requires_grad=True (a frozen "
                                          "nn.Parameter")):
        optim.SGD([tg.Tensor(np.ones(3))])


# --- schedules: state dicts loaded are checked, a nan metric is refused ---

def _sched_opt():
    return optim.SGD([param()], lr=0.1, momentum=0.9)


SCHEDULE_MAKERS = {
    "ExponentialDecay": lambda o: sch.ExponentialDecay(o, 2, 0.5),
    "InverseTimeDecay": lambda o: sch.InverseTimeDecay(o, 2, 0.5),
    "ExponentialLR": lambda o: sch.ExponentialLR(o, 0.9),
    "StepLR": lambda o: sch.StepLR(o, 3),
    "MultiStepLR": lambda o: sch.MultiStepLR(o, [2, 5]),
    "CosineAnnealingLR": lambda o: sch.CosineAnnealingLR(o, 10),
    "LambdaLR": lambda o: sch.LambdaLR(o, lambda t: 0.9 ** t),
    "LinearWarmup": lambda o: sch.LinearWarmup(o, 3, then=sch.StepLR(o, 2)),
    "OneCycleLR": lambda o: sch.OneCycleLR(o, 0.5, 20),
    "ReduceLROnPlateau": lambda o: sch.ReduceLROnPlateau(o),
}


@pytest.mark.filterwarnings("ignore:this optimizer already has")
@pytest.mark.parametrize("name", SCHEDULE_MAKERS)
def test_every_saved_attribute_of_every_schedule_has_a_rule(name):
    sched = SCHEDULE_MAKERS[name](_sched_opt())
    saved = sch.LRScheduler.state_dict(sched)
    assert set(saved) <= set(type(sched)._saved_rules), set(saved) - set(type(sched)._saved_rules)
    fresh = SCHEDULE_MAKERS[name](_sched_opt())
    fresh.load_state_dict(sched.state_dict())    # what state_dict() gives passes its rules


@pytest.mark.filterwarnings("ignore:this optimizer already has")
@pytest.mark.parametrize("name,key,value,error,text", [
    ("StepLR", "gamma", "x", T, "StepLR.load_state_dict: gamma must be a number > 0, got 'x'"),
    ("StepLR", "step_size", 0, V, "StepLR.load_state_dict: step_size must be an int >= 1, got 0"),
    ("StepLR", "last_epoch", "3", T, "StepLR.load_state_dict: last_epoch must be an int >= 0"),
    ("StepLR", "base_lrs", [NAN], V, "StepLR.load_state_dict: base_lrs[0] must be a finite "
                                     "number >= 0, got nan"),
    ("StepLR", "base_lrs", [0.1, 0.2], V, "StepLR.load_state_dict: base_lrs has 2 value(s), "
                                          "one per parameter group, but the optimizer has 1"),
    ("ExponentialLR", "gamma", -1, V, "ExponentialLR.load_state_dict: gamma must be > 0"),
    ("ExponentialDecay", "decay_steps", 0, V, "ExponentialDecay.load_state_dict: decay_steps "
                                              "must be > 0, got 0"),
    ("InverseTimeDecay", "staircase", "yes", T, "staircase must be True or False, got 'yes'"),
    ("MultiStepLR", "milestones", [2, -1], V, "milestones[1] must be an int >= 0, got -1"),
    ("CosineAnnealingLR", "T_max", 0, V, "T_max must be an int >= 1, got 0"),
    ("LinearWarmup", "start_factor", 2.0, V, "start_factor must be in [0, 1], got 2.0"),
    ("OneCycleLR", "anneal_strategy", "cosine", V, "anneal_strategy must be 'cos' or "
                                                   "'linear', got 'cosine'"),
    ("OneCycleLR", "pct_start", 0.05, V, "a phase of the cycle has no steps"),
    ("OneCycleLR", "momentum_key", "betas", V, "the saved schedule cycles 'betas', which SGD "
                                               "does not have"),
    ("OneCycleLR", "last_epoch", 50, V, "last_epoch=50 is past total_steps=20"),
    ("ReduceLROnPlateau", "mode", "minimum", V, "mode must be 'min' or 'max', got 'minimum'"),
    ("ReduceLROnPlateau", "factor", 1.5, V, "factor must be in [0, 1), got 1.5"),
    ("ReduceLROnPlateau", "best", NAN, V, "best must be a finite number, got nan"),
    ("ReduceLROnPlateau", "patience", 2.5, T, "patience must be an int >= 0, got 2.5"),
])
def test_a_schedule_state_dict_with_a_bad_value_is_refused_and_changes_nothing(
        name, key, value, error, text):
    opt = _sched_opt()
    sched = SCHEDULE_MAKERS[name](opt)
    state = copy.deepcopy(sched.state_dict())
    before, lr = copy.deepcopy(state), opt.param_groups[0]["lr"]
    state[key] = value
    with pytest.raises(error, match=re.escape(text)):
        sched.load_state_dict(state)
    assert sched.state_dict() == before and opt.param_groups[0]["lr"] == lr


@pytest.mark.filterwarnings("ignore:this optimizer already has")
def test_a_schedule_refuses_the_state_dict_of_another_schedule():
    opt = _sched_opt()
    exp = sch.ExponentialLR(opt, 0.9)
    step = sch.StepLR(opt, 3)
    with pytest.raises(V, match=re.escape("StepLR.load_state_dict: this is not the state dict "
                                          "of a StepLR made with the same options: it lacks "
                                          "'step_size' (the state dict of another schedule?)")):
        step.load_state_dict(exp.state_dict())
    plateau = sch.ReduceLROnPlateau(opt)
    with pytest.raises(V, match=r"has 'gamma', 'base_lrs', which a ReduceLROnPlateau does not "
                                r"save"):
        plateau.load_state_dict(exp.state_dict())
    with pytest.raises(T, match=re.escape("StepLR.load_state_dict: expected what state_dict() "
                                          "returns, a dict, got list")):
        step.load_state_dict([("gamma", 0.1)])


@pytest.mark.filterwarnings("ignore:this optimizer already has")
def test_a_warmup_state_dict_must_match_its_then_schedule():
    opt = _sched_opt()
    with_then = sch.LinearWarmup(opt, 3, then=sch.StepLR(opt, 2))
    alone = sch.LinearWarmup(opt, 3)
    with pytest.raises(V, match="saved by a LinearWarmup with a then= schedule, but this one "
                                "has none"):
        alone.load_state_dict(with_then.state_dict())
    with pytest.raises(V, match="saved by a LinearWarmup without a then= schedule, but this "
                                "one has one"):
        with_then.load_state_dict(alone.state_dict())
    state = with_then.state_dict()
    state["then"]["gamma"] = -1.0                  # the nested schedule is checked too
    with pytest.raises(V, match=re.escape("StepLR.load_state_dict: gamma must be > 0, got -1.0")):
        with_then.load_state_dict(state)
    assert with_then.then.gamma == 0.1


@pytest.mark.parametrize("metric,error,text", [
    (NAN, V, "ReduceLROnPlateau.step: the metric is nan; a validation loss of nan means the run "
             "diverged"),
    (tg.Tensor(np.array(INF)), V, "the metric is inf; a validation loss of inf means the run "
                                  "diverged"),
    (np.array([NAN]), V, "the metric is nan"),
    ("0.5", T, "ReduceLROnPlateau.step: the metric must be a number, got '0.5'"),
])
def test_plateau_refuses_a_metric_that_is_not_a_finite_number(metric, error, text):
    opt = _sched_opt()
    sched = sch.ReduceLROnPlateau(opt, patience=0)
    sched.step(1.0)
    before = sched.state_dict()
    with pytest.raises(error, match=re.escape(text)):
        sched.step(metric)
    assert sched.state_dict() == before           # no bad epoch was counted
    sched.step(np.float32(0.5))                   # numbers of any kind still work
    assert sched.best == 0.5


# --- gradcheck's own settings ---

def _cube(x):
    return x * x * x


@pytest.mark.parametrize("check", [tg.gradcheck, tg.gradgradcheck], ids=lambda f: f.__name__)
@pytest.mark.parametrize("kwargs,error,text", [
    ({"eps": "1e-6"}, T, "eps must be a number > 0, got '1e-6'"),
    ({"eps": 0}, V, "eps must be > 0, got 0"),
    ({"eps": NAN}, V, "eps must be a finite number > 0, got nan"),
    ({"atol": -1}, V, "atol must be >= 0, got -1"),
    ({"atol": NAN}, V, "atol must be a finite number >= 0, got nan"),
    ({"rtol": INF}, V, "rtol must be a finite number >= 0, got inf"),
    ({"rtol": None}, T, "rtol must be a number >= 0, got None"),
    ({"raise_exception": "no"}, T, "raise_exception must be True or False, got 'no'"),
], ids=["eps-str", "eps-0", "eps-nan", "atol-neg", "atol-nan", "rtol-inf", "rtol-None",
        "raise_exception-str"])
def test_gradcheck_settings_are_checked_before_fn_runs(check, kwargs, error, text):
    calls = []

    def fn(x):
        calls.append(1)
        return _cube(x)

    with pytest.raises(error, match=re.escape(f"{check.__name__}: {text}")):
        check(fn, tg.Tensor(np.array([1.0, 2.0]), requires_grad=True), **kwargs)
    assert calls == []


def test_gradcheck_settings_that_are_valid_are_accepted():
    x = tg.Tensor(np.array([1.0, 2.0]), requires_grad=True)
    assert tg.gradcheck(_cube, x, eps=np.float64(1e-6), atol=0, rtol=np.float32(1e-3),
                        raise_exception=np.bool_(True))
    assert tg.gradgradcheck(_cube, x, atol=1e-4, rtol=0)


def test_step_sees_changes_made_in_place_and_behind_a_schedule():
    opt = optim.Adam([param()], lr=0.1)
    opt.param_groups[0]["betas"] = [0.9, 0.999]     # a list set by hand: valid...
    opt.step()
    opt.param_groups[0]["betas"][1] = 1.0            # ...then changed in place
    with pytest.raises(V, match=re.escape("Adam.step: param_groups[0]: betas[1] must be in "
                                          "[0, 1), got 1.0")):
        opt.step()
    opt = sgd(lr=0.1)
    sched = sch.ExponentialLR(opt, 0.5)
    opt.param_groups[0]["momentum"] = -0.5           # a bad change the schedule's lr hides not
    sched.step()
    with pytest.raises(V, match=re.escape("SGD.step: param_groups[0]: momentum must be >= 0, "
                                          "got -0.5")):
        opt.step()
    opt.param_groups[0]["momentum"] = 0.0
    opt.param_groups.append({"params": [param()], "lr": 0.1})   # a group added by hand
    with pytest.raises(V, match=re.escape("SGD.step: param_groups[1]: the group has no "
                                          "'momentum'; every group needs each of lr, momentum, "
                                          "dampening, weight_decay, nesterov (add groups with "
                                          "add_param_group()")):
        opt.step()
