"""Checkpoints: round trips keep structure, dtypes and Python types; pickle is refused;
damaged files raise a clear error; an interrupted save leaves the old file intact; and
training resumed from a checkpoint ends bit-identical to uninterrupted training."""
from __future__ import annotations

import io
import math
import os
import pickle
import zipfile

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tinygrad_edu as tg
from tinygrad_edu import optim
from tinygrad_edu.optim import lr_scheduler as sch


def assert_same(a, b, where="obj"):
    """Equal values of exactly the same types (and dtypes), NaN equal to NaN."""
    assert type(a) is type(b), f"{where}: {type(a).__name__} != {type(b).__name__}"
    if isinstance(a, dict):
        assert list(a) == list(b), f"{where}: keys {list(a)} != {list(b)}"
        for k in a:
            assert_same(a[k], b[k], f"{where}[{k!r}]")
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b)):
            assert_same(x, y, f"{where}[{i}]")
    elif isinstance(a, tg.Tensor):
        assert a.requires_grad == b.requires_grad, where
        assert_same(a.data, b.data, where)
    elif isinstance(a, (np.ndarray, np.generic)):
        assert a.dtype == b.dtype and np.shape(a) == np.shape(b), where
        np.testing.assert_array_equal(a, b, err_msg=where)
    elif isinstance(a, float) and math.isnan(a):
        assert math.isnan(b), where
    else:
        assert a == b, where


# --- round trips ---

def test_round_trip_of_a_typical_checkpoint(tmp_path):
    w = tg.Tensor(np.arange(6, dtype=np.float32).reshape(2, 3), requires_grad=True)
    obj = {
        "model": {"fc1.weight": np.ones((2, 3), np.float32), "fc1.bias": np.zeros(3),
                  "steps": np.array([1, 2], np.int64), "mask": np.array([True, False]),
                  "w": w, "constant": tg.Tensor(np.ones(2))},
        "optimizer": {"state": {0: {"step": 3, "exp_avg": np.full(2, 0.5)}},
                      "param_groups": [{"lr": 1e-3, "betas": (0.9, 0.999), "amsgrad": False,
                                        "params": [0]}]},
        "epoch": 3, "best": 0.25, "name": "run-α/1", "note": None, "big": 2 ** 70,
        "special": [float("nan"), float("inf"), -float("inf"), -0.0],
        "scalars": (np.float32(1.5), np.int64(7), np.float64(2.5), np.bool_(True)),
        "empty": {"list": [], "array": np.zeros((0, 3))},
        "keys": {1: "int one", "1": "str one", "a/b": 1, "": 2, "..": 3},
        "zero_d": np.array(2.5, np.float32),
    }
    path = tmp_path / "ckpt.npz"
    tg.save(obj, path)
    assert_same(tg.load(path), obj)
    assert tg.load(str(path))["model"]["fc1.weight"].dtype == np.float32


def test_saves_at_exactly_the_given_path_in_a_standard_npz(tmp_path):
    path = tmp_path / "checkpoint"             # no suffix: none is added
    tg.save({"weight": np.eye(2)}, path)
    assert os.listdir(tmp_path) == ["checkpoint"]
    with np.load(path, allow_pickle=False) as npz:  # plain NumPy reads it, without pickle
        np.testing.assert_array_equal(npz["weight"], np.eye(2))
        assert "__structure__" in npz.files


def test_overwrites_and_respects_the_umask(tmp_path):
    path = tmp_path / "c.npz"
    tg.save({"a": 1}, path)
    tg.save({"a": 2}, path)
    assert tg.load(path) == {"a": 2}
    umask = os.umask(0)
    os.umask(umask)
    assert os.stat(path).st_mode & 0o777 == 0o666 & ~umask


arrays = hnp.arrays(
    dtype=st.sampled_from([np.float32, np.float64, np.int32, np.int64, np.bool_, np.uint8]),
    shape=hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=3))
leaves = (st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5)
          | arrays | arrays.map(lambda a: a[()] if a.ndim == 0 else a))
keys = st.integers(-5, 5) | st.text(max_size=4)
trees = st.recursive(leaves, lambda kids: (st.lists(kids, max_size=3)
                                           | st.lists(kids, max_size=3).map(tuple)
                                           | st.dictionaries(keys, kids, max_size=3)),
                     max_leaves=12)


@settings(max_examples=20)
@given(obj=trees)
def test_round_trip_of_any_nested_state(tmp_path_factory, obj):
    path = tmp_path_factory.mktemp("rt") / "x.ckpt"
    tg.save(obj, path)
    assert_same(tg.load(path), obj)


def test_unsupported_values_are_refused_before_writing(tmp_path):
    path = tmp_path / "c.npz"
    with pytest.raises(TypeError, match=r"cannot store a set \(at state_dict\['a'\]\[0\]\)"):
        tg.save({"a": [{1, 2}]}, path)
    with pytest.raises(TypeError, match="dtype object"):
        tg.save({"a": np.array([None, 1], dtype=object)}, path)
    with pytest.raises(TypeError, match="keys must be str or int"):
        tg.save({(1, 2): 3}, path)
    assert os.listdir(tmp_path) == []


def test_a_module_instead_of_its_state_dict_gets_a_hint(tmp_path):
    model = tg.nn.Linear(2, 3)
    path = tmp_path / "c.npz"
    with pytest.raises(TypeError, match=r"cannot store a Linear \(the top-level object "
                       r"passed to tg\.save\); save model\.state_dict\(\) instead"):
        tg.save(model, path)
    with pytest.raises(TypeError, match=r"Linear \(at state_dict\['model'\]\); "
                       r"store its \.state_dict\(\) there instead"):
        tg.save({"model": model}, path)
    with pytest.raises(TypeError, match=r"cannot store a set \(the top-level object"):
        tg.save({1, 2}, path)
    assert os.listdir(tmp_path) == []


def test_missing_parent_folders_are_created(tmp_path):
    state = {"w": np.arange(3.0), "epoch": 2}
    path = tmp_path / "some" / "missing" / "dir" / "ckpt.npz"
    tg.save(state, path)
    assert os.listdir(path.parent) == ["ckpt.npz"]   # no temporary file left behind
    assert_same(tg.load(path), state)


def test_a_refused_save_creates_no_folder(tmp_path):
    with pytest.raises(TypeError):
        tg.save({"a": {1}}, tmp_path / "new" / "c.npz")
    assert os.listdir(tmp_path) == []


# --- pickle is refused, never executed ---

class Payload:
    """Unpickling this object would create a folder: the sign that code was run."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return os.makedirs, (self.marker,)


def test_a_pickled_object_inside_the_file_is_refused(tmp_path):
    marker = str(tmp_path / "EXECUTED")
    path = tmp_path / "evil.npz"
    tg.save({"weight": np.zeros(2)}, path)
    with zipfile.ZipFile(path) as zf:
        structure = zf.read("__structure__.npy")
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, np.array([Payload(marker)], dtype=object),
                              allow_pickle=True)
    with zipfile.ZipFile(path, "w") as zf:   # same structure, the weight now pickled
        zf.writestr("__structure__.npy", structure)
        zf.writestr("weight.npy", buffer.getvalue())
    with pytest.raises(ValueError, match=f"{path}.*pickled"):
        tg.load(path)
    assert not os.path.exists(marker)


def test_a_pickle_file_is_refused(tmp_path):
    marker = str(tmp_path / "EXECUTED")
    path = tmp_path / "evil.pkl"
    path.write_bytes(pickle.dumps({"model": Payload(marker)}))
    with pytest.raises(ValueError, match=f"{path}.*pickled"):
        tg.load(path)
    assert not os.path.exists(marker)


# --- damaged and foreign files ---

def test_truncated_files_raise_a_clear_error(tmp_path):
    path = tmp_path / "c.npz"
    tg.save({"w": np.arange(1000.0), "step": 3}, path)
    data = path.read_bytes()
    for n in [0, 10, len(data) // 2, len(data) - 1]:
        path.write_bytes(data[:n])
        with pytest.raises(ValueError, match=f"{path} is not a valid tinygrad_edu checkpoint"):
            tg.load(path)


def test_corrupted_bytes_raise_a_clear_error(tmp_path):
    path = tmp_path / "c.npz"
    tg.save({"w": np.arange(1000.0)}, path)
    data = bytearray(path.read_bytes())
    start = data.index(np.arange(1000.0)[500:].tobytes()[:16])   # inside the array data
    data[start:start + 8] = b"\xff" * 8
    path.write_bytes(bytes(data))
    with pytest.raises(ValueError, match=f"{path} is not a valid.*(CRC|corrupt)"):
        tg.load(path)


def test_foreign_files_raise_a_clear_error(tmp_path):
    np.save(tmp_path / "a.npy", np.ones(3))
    with pytest.raises(ValueError, match="single NumPy array"):
        tg.load(tmp_path / "a.npy")
    np.savez(tmp_path / "b.npz", w=np.ones(3))
    with pytest.raises(ValueError, match="not written by tg.save"):
        tg.load(tmp_path / "b.npz")
    with pytest.raises(FileNotFoundError):
        tg.load(tmp_path / "missing.npz")


# --- atomic writes ---

def failing_writer(monkeypatch, after, exc=RuntimeError("disk full")):
    """Make the n-th array write fail halfway through its data."""
    real = np.lib.format.write_array
    calls = []

    def write_array(f, array, **kwargs):
        calls.append(1)
        if len(calls) > after:
            f.write(b"\x93NUMPY partial garbage")
            raise exc
        return real(f, array, **kwargs)

    monkeypatch.setattr(np.lib.format, "write_array", write_array)


@pytest.mark.parametrize("exc", [RuntimeError("disk full"), KeyboardInterrupt()])
def test_an_interrupted_save_leaves_the_old_file_intact(tmp_path, monkeypatch, exc):
    path = tmp_path / "c.npz"
    old = {"w": np.arange(10.0), "epoch": 1}
    tg.save(old, path)
    failing_writer(monkeypatch, after=2, exc=exc)
    with pytest.raises(type(exc)):
        tg.save({"w": np.arange(10.0) * 2, "b": np.ones(3), "epoch": 2}, path)
    monkeypatch.undo()
    assert os.listdir(tmp_path) == ["c.npz"]            # no temporary file left behind
    assert_same(tg.load(path), old)


def test_an_interrupted_first_save_leaves_no_file(tmp_path, monkeypatch):
    failing_writer(monkeypatch, after=1)
    with pytest.raises(RuntimeError):
        tg.save({"a": np.ones(3), "b": np.ones(3)}, tmp_path / "c.npz")
    assert os.listdir(tmp_path) == []


def test_a_failing_fsync_leaves_no_file(tmp_path, monkeypatch):
    def broken_fsync(fd):
        raise OSError("I/O error")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="I/O error"):
        tg.save({"a": np.ones(3)}, tmp_path / "c.npz")
    assert os.listdir(tmp_path) == []


# --- resuming training from a checkpoint ---

RNG = np.random.default_rng(0)
X = RNG.standard_normal((16, 3)).astype(np.float32)
Y = RNG.standard_normal((16, 2)).astype(np.float32)
SHAPES = {"w1": (3, 8), "b1": (8,), "w2": (8, 2), "b2": (2,)}


def new_model(seed):
    rng = np.random.default_rng(seed)
    return {k: tg.Tensor(rng.standard_normal(s).astype(np.float32) * 0.5, requires_grad=True)
            for k, s in SHAPES.items()}


def train(model, opt, sched, steps):
    for _ in range(steps):
        opt.zero_grad()
        h = (tg.Tensor(X) @ model["w1"] + model["b1"]).relu()
        loss = (((h @ model["w2"] + model["b2"]) - tg.Tensor(Y)) ** 2).mean()
        loss.backward()
        opt.step()
        sched.step()


@pytest.mark.parametrize("make_opt", [
    lambda ps: optim.SGD(ps, lr=0.05, momentum=0.9, nesterov=True, weight_decay=1e-3),
    lambda ps: optim.RMSprop(ps, lr=0.01, centered=True, momentum=0.5),
    lambda ps: optim.Adam(ps, lr=0.01, amsgrad=True),
    lambda ps: optim.AdamW(ps, lr=0.01),
    lambda ps: optim.Adagrad(ps, lr=0.05, lr_decay=0.01),
], ids=["sgd", "rmsprop", "adam", "adamw", "adagrad"])
def test_resumed_training_is_bit_identical(tmp_path, make_opt):
    n, m = 6, 5
    model = new_model(1)
    opt = make_opt(list(model.values()))
    sched = sch.ExponentialDecay(opt, decay_steps=2, decay_rate=0.9, staircase=True)
    train(model, opt, sched, n)
    path = tmp_path / "ckpt.npz"
    tg.save({"model": {k: p.data for k, p in model.items()}, "optimizer": opt.state_dict(),
             "scheduler": sched.state_dict(), "step": n}, path)
    train(model, opt, sched, m)

    checkpoint = tg.load(path)
    model2 = new_model(2)                                 # different weights, overwritten
    for k, p in model2.items():
        p.data[...] = checkpoint["model"][k]
    opt2 = make_opt(list(model2.values()))
    sched2 = sch.ExponentialDecay(opt2, decay_steps=2, decay_rate=0.9, staircase=True)
    opt2.load_state_dict(checkpoint["optimizer"])
    sched2.load_state_dict(checkpoint["scheduler"])
    assert checkpoint["step"] == n
    train(model2, opt2, sched2, m)

    for k in model:
        assert model2[k].dtype == np.float32
        np.testing.assert_array_equal(model2[k].data, model[k].data, err_msg=k)
    assert sched2.get_last_lr() == sched.get_last_lr()


def test_resumed_nn_training_is_bit_identical(tmp_path):
    """The same with tg.nn modules: model, optimizer and scheduler in one checkpoint."""
    nn = tg.nn
    if not all(hasattr(nn, name) for name in ("Sequential", "Linear", "ReLU", "CrossEntropyLoss")):
        pytest.skip("tg.nn layers not available")
    x = tg.Tensor(np.random.default_rng(1).standard_normal((32, 4)).astype(np.float32))
    labels = tg.Tensor(np.arange(32) % 3)

    def build(seed):
        tg.manual_seed(seed)
        model = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 3))
        opt = optim.AdamW(model.parameters(), lr=0.01)
        cosine = sch.CosineAnnealingLR(opt, T_max=8)
        return model, opt, sch.LinearWarmup(opt, 3, start_factor=0.1, then=cosine)

    def run(model, opt, sched, steps):
        for _ in range(steps):
            opt.zero_grad()
            nn.CrossEntropyLoss()(model(x), labels).backward()
            opt.step()
            sched.step()

    model, opt, sched = build(0)
    run(model, opt, sched, 4)
    path = tmp_path / "ckpt.npz"
    tg.save({"model": model.state_dict(), "optimizer": opt.state_dict(),
             "scheduler": sched.state_dict(), "epoch": 4}, path)
    run(model, opt, sched, 6)

    model2, opt2, sched2 = build(1)
    checkpoint = tg.load(path)
    model2.load_state_dict(checkpoint["model"])
    opt2.load_state_dict(checkpoint["optimizer"])
    sched2.load_state_dict(checkpoint["scheduler"])
    run(model2, opt2, sched2, 6)
    for (name, p), q in zip(model.named_parameters(), model2.parameters()):
        assert q.dtype == np.float32
        np.testing.assert_array_equal(p.data, q.data, err_msg=name)
