"""Type promotion follows PyTorch: one table over every binary op and operand kind.

The rules (``tinygrad_edu/dtypes.py``): bool < integer < float; the operand of the higher
category gives its dtype (float32 with int64 stays float32); within a category the wider
dtype wins (float32 with float64 is float64); a Python scalar of a higher category than
the tensor gives that category's default dtype (int tensor * 0.5 is float32), otherwise it
never upcasts; true division and float functions of integers give the default float dtype.
``EXPECTED`` writes these rules out by hand; with PyTorch installed, every cell is also
checked against ``torch``'s result dtype.
"""
import numpy as np
import pytest

import tinygrad_edu as tg

try:
    import torch
except ImportError:  # the hand-written table still runs
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch not installed: oracle skipped")

DTYPES = ["bool", "int32", "int64", "float32", "float64"]
SCALARS = {"py_bool": True, "py_int": 2, "py_float": 0.5}

# Binary ops as (ours, torch's). Division is listed apart: it always gives a float.
BINARY = {
    "add": (lambda a, b: a + b, lambda a, b: a + b),
    "sub": (lambda a, b: a - b, lambda a, b: a - b),
    "mul": (lambda a, b: a * b, lambda a, b: a * b),
    "div": (lambda a, b: a / b, lambda a, b: a / b),
    "pow": (lambda a, b: a ** b, lambda a, b: a ** b),
    # torch.maximum takes tensors only: its scalars become 0-d tensors, which promote as
    # Python scalars do.
    "maximum": (tg.maximum, lambda a, b: torch.maximum(*map(torch.as_tensor, (a, b)))),
    "minimum": (tg.minimum, lambda a, b: torch.minimum(*map(torch.as_tensor, (a, b)))),
    "where": (lambda a, b: tg.where(np.array([True, False]), a, b),
              lambda a, b: torch.where(torch.tensor([True, False]), a, b)),
    "concatenate": (lambda a, b: tg.concatenate([a, b]), lambda a, b: torch.cat([a, b])),
    "stack": (lambda a, b: tg.stack([a, b]), lambda a, b: torch.stack([a, b])),
    "np.add": (lambda a, b: np.add(a, b), lambda a, b: a + b),
    "np.multiply": (lambda a, b: np.multiply(a, b), lambda a, b: a * b),
}
# Subtracting bools, and bool ** bool: PyTorch refuses them (NumPy refuses bool - bool and
# gives int8 for bool ** bool); we check only that no float appears from nowhere.
BOOL_ONLY = {(op, a, b) for op in ("sub", "pow") for a, b in
             [("bool", "bool"), ("bool", "py_bool"), ("py_bool", "bool")]}


def _category(dtype):
    return {"b": 0, "i": 1, "u": 1, "f": 2}[np.dtype(dtype).kind]


def expected_dtype(op, a, b):
    """The rule, written out: ``a`` and ``b`` are dtype names or scalar kinds."""
    scalar = {"py_bool": "bool", "py_int": "int64", "py_float": "float32"}
    if a in scalar or b in scalar:
        tensor, other = (b, a) if a in scalar else (a, b)
        if _category(scalar[other]) > _category(tensor):
            result = scalar[other]  # the category's default dtype
        else:
            result = tensor
    elif _category(a) != _category(b):
        result = a if _category(a) > _category(b) else b
    else:
        result = np.result_type(a, b).name
    if op == "div" and _category(result) < 2:
        result = "float32"
    return np.dtype(result)


def _ours(kind):
    if kind in SCALARS:
        return SCALARS[kind]
    return tg.Tensor(np.array([1, 2]).astype(kind))


def _operands():
    kinds = DTYPES + list(SCALARS)
    return [(a, b) for a in kinds for b in kinds if a in DTYPES or b in DTYPES]


def _applies(op, a, b):
    if op in ("concatenate", "stack", "where") and (a in SCALARS or b in SCALARS):
        return op == "where"  # joins take tensors only
    if op.startswith("np.") and a in SCALARS:
        return False  # np.add(2, t) dispatches the same as t + 2; keep the table short
    return True


CELLS = [(op, a, b) for op in BINARY for a, b in _operands() if _applies(op, a, b)]


@pytest.mark.parametrize("op,a,b", CELLS, ids=[f"{op}-{a}-{b}" for op, a, b in CELLS])
def test_result_dtype_follows_the_rule(op, a, b):
    if (op, a, b) in BOOL_ONLY:
        pytest.skip("bool with bool: see test_bool_only_arithmetic_gives_no_float")
    y = BINARY[op][0](_ours(a), _ours(b))
    assert y.dtype == expected_dtype(op, a, b), f"{op}({a}, {b}) gave {y.dtype}"


def test_bool_only_arithmetic_gives_no_float():
    for op, a, b in sorted(BOOL_ONLY):
        try:
            y = BINARY[op][0](_ours(a), _ours(b))
        except TypeError as error:
            assert "boolean" in str(error)  # NumPy's refusal names the problem
        else:
            assert y.dtype.kind != "f", f"{op}({a}, {b}) gave {y.dtype}"


def _theirs(kind):
    if kind in SCALARS:
        return SCALARS[kind]
    return torch.tensor(np.array([1, 2]).astype(kind))


@needs_torch
@pytest.mark.parametrize("op,a,b", CELLS, ids=[f"{op}-{a}-{b}" for op, a, b in CELLS])
def test_result_dtype_matches_torch(op, a, b):
    if (op, a, b) in BOOL_ONLY:
        pytest.skip("bool with bool: see test_bool_only_arithmetic_gives_no_float")
    try:
        theirs = BINARY[op][1](_theirs(a), _theirs(b))
    except RuntimeError as error:  # subtracting a bool, bool ** bool: PyTorch refuses it
        assert "bool" in str(error).lower() and op in ("sub", "pow")
        return
    ours = BINARY[op][0](_ours(a), _ours(b))
    assert str(ours.dtype) == str(theirs.dtype).removeprefix("torch."), f"{op}({a}, {b})"
    np.testing.assert_allclose(ours.data.astype(np.float64),
                               theirs.double().numpy(), rtol=1e-6)


# Float functions of integer and bool tensors give the default float dtype, as in PyTorch.
FLOAT_FUNCTIONS = {
    "exp": lambda x: x.exp(), "log": lambda x: x.log(), "sqrt": lambda x: x.sqrt(),
    "sin": lambda x: x.sin(), "cos": lambda x: x.cos(), "tanh": lambda x: x.tanh(),
    "sigmoid": lambda x: x.sigmoid(), "softmax": lambda x: x.softmax(),
    "log_softmax": lambda x: x.log_softmax(), "logsumexp": lambda x: x.logsumexp(),
    "mean": lambda x: x.mean(), "np.exp": np.exp, "clip_to_half": lambda x: x.clip(0.5),
    "pow_half": lambda x: x ** 0.5, "rtruediv": lambda x: 1 / x,
}


@pytest.mark.parametrize("dtype", ["int64", "int32", "bool"])
@pytest.mark.parametrize("name", list(FLOAT_FUNCTIONS))
def test_float_functions_of_integers_give_the_default_float_dtype(name, dtype):
    x = tg.Tensor(np.array([1, 2, 3]).astype(dtype))
    assert FLOAT_FUNCTIONS[name](x).dtype == np.float32
    tg.set_default_dtype(np.float64)
    try:
        assert FLOAT_FUNCTIONS[name](x).dtype == np.float64
    finally:
        tg.set_default_dtype(np.float32)


def test_the_tutorial_case_stays_float32_and_its_gradient_is_right():
    # A polynomial's features from a float32 input and integer powers: PyTorch keeps float32.
    x = tg.Tensor([0.5, -1.0], requires_grad=True)
    features = x.unsqueeze(-1) ** tg.Tensor([1, 2, 3])
    assert features.dtype == np.float32
    features.sum().backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_allclose(x.grad.data, 1 + 2 * x.data + 3 * x.data ** 2, rtol=1e-6)


def test_float32_parameters_with_integer_data_keep_float32_gradients():
    w = tg.Tensor([0.5, 2.0], requires_grad=True)
    counts = np.array([3, 4])  # an integer ndarray, as a learner's data often is
    for y in (w * counts, counts * w, w / counts, counts - w, np.multiply(counts, w), w @ counts):
        assert y.dtype == np.float32
    (w * counts + w @ counts).sum().backward()
    assert w.grad.dtype == np.float32
    # d/dw of sum(w * counts) + 2 (w @ counts): the scalar w @ counts is broadcast to (2,)
    np.testing.assert_allclose(w.grad.data, 3 * counts)


def test_second_order_through_a_promoted_operand():
    # The integer operand is converted, the float one is not: its gradient of a gradient
    # still flows (the converted copy is a constant, as the integer tensor was).
    x = tg.Tensor([1.5, -0.5], dtype=np.float64, requires_grad=True)
    y = (x * np.array([2, 3]) * x).sum()
    (g,) = tg.grad(y, x, create_graph=True)
    (h,) = tg.grad(g.sum(), x)
    np.testing.assert_allclose(g.data, 2 * np.array([2, 3]) * x.data)
    np.testing.assert_allclose(h.data, [4.0, 6.0])
