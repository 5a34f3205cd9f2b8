"""Every NumPy function and ufunc, given a Tensor that requires grad, either runs a
differentiable op (its gradient checked here by central differences of NumPy's own
function) or raises; none returns a float result detached from the graph.

The walk calls each public function of ``np``, ``np.linalg`` and ``np.fft`` that dispatches
on ``__array_function__``, every ufunc (and its ``reduce``, ``accumulate``, ``outer``
methods), with a few argument patterns. A call that raises is fine (a refusal, or
arguments that make no sense for that function); one that returns must return Tensors
that differentiate correctly, or results without floats (indices, shapes, bools).
"""
from __future__ import annotations

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import numpy_interop as interop

# Values inside every common domain (log, sqrt, arcsin, arccosh of 1 + x...), distinct
# and away from kinks, ties and rounding jumps (x.x5).
VECTOR = np.array([0.31, 0.57, 0.83, 0.44])
MATRIX = np.array([[0.62, 0.23, 0.47], [0.36, 0.81, 0.52], [0.29, 0.44, 0.74]])
# Functions that read or write files, print, or start something: not called.
SKIP = {"save", "savez", "savez_compressed", "savetxt", "load", "loadtxt", "genfromtxt",
        "fromfile", "tofile", "memmap", "info", "show_config", "show_runtime", "lookfor",
        "printoptions", "set_printoptions", "fromregex", "source", "test"}


def _array_functions():
    found = {}
    for module, prefix in ((np, "np."), (np.linalg, "np.linalg."), (np.fft, "np.fft.")):
        for name in sorted(dir(module)):
            if name.startswith("_") or name in SKIP:
                continue
            f = getattr(module, name)
            if isinstance(f, np.ufunc) or hasattr(f, "_implementation"):
                found.setdefault(id(f), (prefix + name, f))
    return sorted(found.values(), key=lambda item: item[0])


FUNCTIONS = _array_functions()

# Argument patterns: "t" and "m" are grad-requiring tensors (a vector, a square matrix).
PATTERNS = [("t",), ("m",), ("t", "t"), ("m", "m"), ("m", "t"), ("t", 1), ("m", 1), ("m", 0),
            ("t", 2.0), (2.0, "t"), ("t", "t", "t"), ("m", (1, 0)), ("ij,jk->ik", "m", "m"),
            ("i,i->", "t", "t")]


def _build(pattern, values):
    """The arguments: the values for the placeholders ("t", "m"; fresh copies of arrays, as
    some functions write into their arguments) and the constants as they are."""
    def value(p):
        v = values[p]
        return v.copy() if isinstance(v, np.ndarray) else v
    return tuple(value(p) if isinstance(p, str) and p in values else p for p in pattern)


def _tensors():
    return {"t": tg.Tensor(VECTOR, requires_grad=True), "m": tg.Tensor(MATRIX, requires_grad=True)}


def _float_leaves(value):
    """Float results found in a result: (Tensors, detached float arrays or scalars)."""
    tensors, detached = [], []

    def walk(v):
        if isinstance(v, tg.Tensor):
            if v.dtype.kind == "f":
                tensors.append(v)
        elif isinstance(v, np.ndarray):
            if v.dtype.kind in "fc":
                detached.append(v)
            elif v.dtype == object:
                for item in v.ravel():
                    walk(item)
        elif isinstance(v, (float, complex, np.inexact)):
            detached.append(v)
        elif isinstance(v, (list, tuple)):
            for item in v:
                walk(item)

    walk(value)
    return tensors, detached


def _numerical_vjp(func, pattern, arrays, index, v, h=1e-6):
    """d/dx sum(v * func(...)) for the output ``index`` by central differences on arrays."""
    grads = {}
    for key in {p for p in pattern if isinstance(p, str) and p in arrays}:
        a = arrays[key].copy()
        g = np.zeros_like(a)
        for i in np.ndindex(a.shape):
            values = []
            for step in (h, -h):
                b = a.copy()
                b[i] += step
                out = func(*_build(pattern, {**arrays, key: b}))
                out = out[index] if isinstance(out, (tuple, list)) else out
                values.append(np.sum(np.asarray(out) * v))
            g[i] = (values[0] - values[1]) / (2 * h)
        grads[key] = g
    return grads


def _outcome(func, pattern, monkeypatch):
    """Call ``func`` on tensors: None if it raised, or if NumPy did not hand the tensors to
    us (a tensor where NumPy expects a dtype or a shift is only converted, never a cut in
    a graph); else (result, tensors)."""
    tensors = _tensors()
    dispatched = []
    try:
        with monkeypatch.context() as patch, np.errstate(all="ignore"):
            for hook in ("call_function", "call_ufunc"):
                original = getattr(interop, hook)
                patch.setattr(interop, hook,
                              lambda *a, _f=original: dispatched.append(1) or _f(*a))
            result = func(*_build(pattern, tensors))
    except Exception:  # noqa: BLE001 (a refusal or a nonsense call: both are fine here)
        return None
    return (result, tensors) if dispatched else None


def _check_call(name, func, pattern, monkeypatch):
    arrays = {"t": VECTOR, "m": MATRIX}
    try:
        with np.errstate(all="ignore"):
            func(*_build(pattern, arrays))
        numpy_accepts = True
    except Exception:  # noqa: BLE001
        numpy_accepts = False
    outcome = _outcome(func, pattern, monkeypatch)
    if outcome is None:
        return False
    assert numpy_accepts, f"{name}{pattern} ran on tensors although NumPy refuses it on arrays"
    result, tensors = outcome
    outputs, detached = _float_leaves(result)
    assert not detached, (f"{name}{pattern} returned a float result detached from the graph: "
                          f"{type(detached[0]).__name__}")
    results = result if isinstance(result, (tuple, list)) else (result,)
    for index, y in enumerate(results):
        if not (isinstance(y, tg.Tensor) and y.dtype.kind == "f" and y.requires_grad):
            continue
        with np.errstate(all="ignore"):
            expected = func(*_build(pattern, arrays))
        expected = expected[index] if isinstance(expected, (tuple, list)) else expected
        np.testing.assert_allclose(y.data, expected, rtol=1e-10, atol=1e-12,
                                   err_msg=f"{name}{pattern}: forward")
        if not np.all(np.isfinite(expected)):
            continue  # a pole (x / 0): no finite gradient to compare
        v = np.random.default_rng(0).standard_normal(y.shape)
        leaves = [tensors[k] for k in sorted(set(p for p in pattern
                                                  if isinstance(p, str) and p in tensors))]
        grads = tg.grad(y, leaves, grad_outputs=tg.Tensor(v), allow_unused=True)
        numerical = _numerical_vjp(lambda *a: func(*a), pattern, arrays, index, v)
        for leaf, g in zip(leaves, grads):
            key = "t" if leaf is tensors["t"] else "m"
            np.testing.assert_allclose(
                np.zeros(leaf.shape) if g is None else g.data, numerical[key],
                rtol=1e-5, atol=1e-7, err_msg=f"{name}{pattern}: gradient w.r.t. {key}")
    return bool(outputs)


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("name,func", FUNCTIONS, ids=[n for n, _ in FUNCTIONS])
def test_no_numpy_function_returns_a_detached_float_result(name, func, monkeypatch):
    for pattern in PATTERNS:
        _check_call(name, func, pattern, monkeypatch)


UFUNCS = [(n, f) for n, f in FUNCTIONS if isinstance(f, np.ufunc) and f.nin == 2]


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("name,ufunc", UFUNCS, ids=[n for n, _ in UFUNCS])
def test_no_ufunc_method_returns_a_detached_float_result(name, ufunc, monkeypatch):
    for method, pattern in (("reduce", ("t",)), ("accumulate", ("t",)), ("outer", ("t", "t")),
                            ("reduce", ("m", 1))):
        _check_call(f"{name}.{method}", getattr(ufunc, method), pattern, monkeypatch)


def test_the_walk_sees_the_functions_it_should():
    names = {n for n, _ in FUNCTIONS}
    assert {"np.roll", "np.sum", "np.exp", "np.linalg.norm", "np.linalg.inv", "np.sort",
            "np.fft.fft", "np.einsum"} <= names
    assert len(names) > 300


@pytest.mark.parametrize("func,pattern", [(np.sum, ("m",)), (np.exp, ("t",)),
                                          (np.dot, ("m", "m")), (np.mean, ("t",))])
def test_the_walk_checks_the_gradients_of_what_differentiates(func, pattern, monkeypatch):
    assert _check_call(func.__name__, func, pattern, monkeypatch) is True


def test_the_walk_catches_a_detached_result(monkeypatch):
    monkeypatch.setitem(interop.FUNCTIONS, np.sum, lambda a, **kw: np.sum(a.data))
    with pytest.raises(AssertionError, match="detached from the graph"):
        _check_call("np.sum", np.sum, ("t",), monkeypatch)


def test_the_walk_catches_a_wrong_gradient(monkeypatch):
    # The right value, and a gradient 1% too large.
    monkeypatch.setitem(interop.FUNCTIONS, np.sum,
                        lambda a, **kw: (a * 1.01).sum() - 0.01 * float(a.data.sum()))
    with pytest.raises(AssertionError, match="gradient w.r.t. t"):
        _check_call("np.sum", np.sum, ("t",), monkeypatch)
