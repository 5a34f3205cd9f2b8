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
    sd["state"][0][next(iter(sd["state"][0]))] = np.zeros(7)


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
    b.grad = bad_grad()                   # ...and a bad second one
    with pytest.raises(error, match=re.escape(text)) as info:
        opt.step()
    assert str(info.value).startswith(f"{cls.__name__}.step: ")
    assert "no parameter was updated" in str(info.value)
    np.testing.assert_array_equal(a.data, np.ones(3))   # the first did not move either
    np.testing.assert_array_equal(b.data, np.ones(3))
    assert not any(opt.state.get(p) for p in (a, b))     # and no state was created


def test_step_names_the_group_of_a_bad_gradient():
    a, b = param(), param((2,))
    opt = optim.Adam([{"params": [a]}, {"params": [b]}])
    a.grad, b.grad = tg.Tensor(np.ones(3)), tg.Tensor(np.ones(3))
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
