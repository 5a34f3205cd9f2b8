"""PyTorch's factories, dtype names and devices (issue #8): code written for torch runs here.

Deterministic factories are compared with torch value for value (and with a definition in
exact arithmetic where torch itself rounds); random ones by shape, dtype, range, moments
and seeding. Devices other than the CPU and bad arguments raise clear errors.
"""
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_edu as tg

DTYPE_NAMES = ["float32", "float", "float64", "double", "float16", "half", "int64", "long",
               "int32", "int", "int16", "short", "int8", "uint8", "bool"]


@pytest.fixture(scope="module")
def torch():
    return pytest.importorskip("torch", reason="PyTorch not installed: oracle tests skipped")


def torch_dtype_name(tensor_or_dtype):
    """'float32' for torch.float32 or a torch tensor of it."""
    dtype = getattr(tensor_or_dtype, "dtype", tensor_or_dtype)
    return str(dtype).removeprefix("torch.")


def same_dtype(ours, theirs):
    return str(ours.dtype) == torch_dtype_name(theirs)


# --- dtype names ---


@pytest.mark.parametrize("name", DTYPE_NAMES)
def test_dtype_names_mean_what_they_mean_in_torch(torch, name):
    ours = getattr(tg, name)
    assert isinstance(ours, np.dtype)
    assert str(ours) == torch_dtype_name(getattr(torch, name))
    made = tg.zeros(2, dtype=ours)
    assert made.dtype == ours and same_dtype(made, torch.zeros(2, dtype=getattr(torch, name)))


def test_dtype_names_work_as_numpy_dtypes():
    x = tg.ones(3)
    assert x.dtype == tg.float32 == tg.float and x.dtype != tg.float64
    assert tg.tensor([1, 2]).dtype == tg.long == tg.int64
    assert tg.tensor([True]).dtype == tg.bool
    assert tg.arange(3, dtype=tg.double).dtype == np.float64
    assert x.astype(tg.half).dtype == np.float16
    assert np.zeros(2, dtype=tg.int).dtype == np.int32  # a NumPy dtype, usable by NumPy


def test_set_default_dtype_takes_the_torch_names():
    try:
        tg.set_default_dtype(tg.float64)
        assert tg.get_default_dtype() == tg.float64
        assert tg.tensor([1.5]).dtype == tg.float64 and tg.zeros(1).dtype == tg.float64
        tg.set_default_dtype(tg.float)
        assert tg.get_default_dtype() == tg.float32
        with pytest.raises(ValueError, match="floating"):
            tg.set_default_dtype(tg.long)
    finally:
        tg.set_default_dtype(np.float32)


def test_star_import_does_not_shadow_builtins():
    namespace = {}
    exec("from tinygrad_edu import *", namespace)  # noqa: S102 (a star import needs a module)
    assert "float" not in namespace and "int" not in namespace and "bool" not in namespace
    assert namespace["float32"] == np.float32 and namespace["long"] == np.int64


@pytest.mark.parametrize("bad", ["torch.float32", "complex64", np.complex128, object, "nope"])
def test_a_bad_dtype_is_refused_by_every_factory(bad):
    with pytest.raises(TypeError, match="tg.zeros: dtype"):
        tg.zeros(2, dtype=bad)
    with pytest.raises(TypeError, match="tg.tensor: dtype"):
        tg.tensor([1.0], dtype=bad)


def test_predicates_match_torch(torch):
    for data in ([1.0, 2.0], [1, 2], [[True]], 3.5):
        ours, theirs = tg.tensor(data), torch.tensor(data)
        assert tg.is_tensor(ours) and torch.is_tensor(theirs)
        assert tg.is_floating_point(ours) == torch.is_floating_point(theirs)
        assert tg.numel(ours) == torch.numel(theirs)
    assert not tg.is_tensor(np.zeros(2)) and not tg.is_tensor([1.0])
    with pytest.raises(TypeError, match="takes a Tensor"):
        tg.numel([1, 2])


# --- devices ---


def test_cpu_device_like_torch(torch):
    for args in (("cpu",), ("cpu", 0), ("cpu:0",), ("cpu:1",)):
        ours, theirs = tg.device(*args), torch.device(*args)
        assert repr(ours) == repr(theirs) and str(ours) == str(theirs)
        assert ours.type == theirs.type == "cpu" and ours.index == theirs.index
    assert tg.device("cpu") == tg.device("cpu") and tg.device("cpu", 0) == tg.device("cpu:0")
    assert tg.device("cpu") != tg.device("cpu:0")  # as in torch: the index counts
    assert tg.device(tg.device("cpu:0")) == tg.device("cpu", 0)
    assert len({tg.device("cpu"), tg.device("cpu")}) == 1


def test_a_device_equals_its_string():
    assert tg.device("cpu") == "cpu" and tg.device("cpu:0") == "cpu:0"
    assert tg.device("cpu") != "cuda" and tg.device("cpu") != "nonsense"
    assert tg.get_default_device() == "cpu"


@pytest.mark.parametrize("name", ["cuda", "cuda:0", "mps", "xla", "xpu", "meta"])
def test_other_devices_say_this_runs_on_the_cpu_only(name):
    with pytest.raises(ValueError, match=rf"'{name}'.*CPU only.*'cpu'"):
        tg.device(name)
    with pytest.raises(ValueError, match=rf"tg.zeros: device= .*'{name}'.*CPU only"):
        tg.zeros(2, device=name)
    with pytest.raises(ValueError, match="CPU only"):
        tg.set_default_device(name)
    with pytest.raises(ValueError, match="CPU only"):
        tg.device(name.split(":")[0], 0)


@pytest.mark.parametrize("bad, error", [("gpu0", ValueError), ("", ValueError),
                                        ("cpu:x", ValueError), ("cpu:-1", ValueError),
                                        (3.5, TypeError), (None, TypeError),
                                        (0, TypeError)])
def test_nonsense_devices_raise(bad, error):
    with pytest.raises(error, match="tg.device"):
        tg.device(bad)


def test_a_bad_device_index_or_two_indices_raise():
    for index in (-1, 1.5, True):
        with pytest.raises(ValueError, match="index"):
            tg.device("cpu", index)
    with pytest.raises(ValueError, match="not both"):
        tg.device("cpu:0", 0)


def test_check_device_accepts_only_the_cpu():
    for ok in (None, "cpu", "cpu:0", tg.device("cpu"), tg.device("cpu", 0)):
        tg.devices.check_device(ok, "f: device=")
    with pytest.raises(ValueError, match="f: device= got device 'cuda'"):
        tg.devices.check_device("cuda", "f: device=")
    with pytest.raises(TypeError, match="f: device="):
        tg.devices.check_device(1.0, "f: device=")
    tg.set_default_device("cpu")
    tg.set_default_device(None)
    assert tg.get_default_device() == tg.device("cpu")


FACTORY_CALLS = {
    "tensor": lambda **kw: tg.tensor([1.0, 2.0], **kw),
    "as_tensor": lambda **kw: tg.as_tensor([1.0, 2.0], **kw),
    "zeros": lambda **kw: tg.zeros(2, **kw),
    "ones": lambda **kw: tg.ones(2, **kw),
    "empty": lambda **kw: tg.empty(2, **kw),
    "full": lambda **kw: tg.full((2,), 1.5, **kw),
    "zeros_like": lambda **kw: tg.zeros_like(tg.ones(2), **kw),
    "ones_like": lambda **kw: tg.ones_like(tg.ones(2), **kw),
    "empty_like": lambda **kw: tg.empty_like(tg.ones(2), **kw),
    "full_like": lambda **kw: tg.full_like(tg.ones(2), 3.0, **kw),
    "arange": lambda **kw: tg.arange(0.0, 3.0, **kw),
    "linspace": lambda **kw: tg.linspace(0, 1, 3, **kw),
    "logspace": lambda **kw: tg.logspace(0, 1, 3, **kw),
    "eye": lambda **kw: tg.eye(2, **kw),
    "randn": lambda **kw: tg.randn(2, **kw),
    "rand": lambda **kw: tg.rand(2, **kw),
    "randn_like": lambda **kw: tg.randn_like(tg.ones(2), **kw),
    "rand_like": lambda **kw: tg.rand_like(tg.ones(2), **kw),
    "normal": lambda **kw: tg.normal(0.0, 1.0, size=(2,), **kw),
    "randint": lambda **kw: tg.randint(3, (2,), **kw),
    "randperm": lambda **kw: tg.randperm(3, **kw),
}
FLOAT_FACTORIES = [n for n in FACTORY_CALLS if n not in ("randint", "randperm")]


@pytest.mark.parametrize("name", sorted(FACTORY_CALLS))
def test_every_factory_takes_device_dtype_and_requires_grad(name):
    make = FACTORY_CALLS[name]
    for device in (None, "cpu", "cpu:0", tg.device("cpu")):
        assert make(device=device).shape[0] in (2, 3)
    with pytest.raises(ValueError, match=f"tg.{name}: device= .*'cuda'.*CPU only"):
        make(device="cuda")
    with pytest.raises(TypeError, match=f"tg.{name}: dtype"):
        make(dtype="no such dtype")
    with pytest.raises(TypeError, match=f"tg.{name}: requires_grad must be True or False"):
        make(requires_grad="yes")
    if name in FLOAT_FACTORIES:
        assert make(dtype=tg.float64).dtype == np.float64
        t = make(requires_grad=True)
        assert t.requires_grad and t.is_leaf


@pytest.mark.parametrize("name", ["tensor", "zeros", "ones", "full", "arange", "linspace",
                                  "eye", "randint", "randperm", "zeros_like", "empty"])
def test_requires_grad_on_an_integer_dtype_is_refused(name):
    with pytest.raises(TypeError, match="only floating point tensors can require grad"):
        FACTORY_CALLS[name](dtype=tg.int64, requires_grad=True)


def test_cuda_namespace_says_there_is_no_gpu():
    assert tg.cuda.is_available() is False
    assert tg.cuda.device_count() == 0 and tg.cuda.is_initialized() is False
    tg.manual_seed(5)
    expected = tg.randn(3).data
    tg.manual_seed(5)
    tg.cuda.manual_seed(123)  # no-ops: they leave the CPU generator alone
    tg.cuda.manual_seed_all(123)
    tg.cuda.synchronize()
    tg.cuda.empty_cache()
    np.testing.assert_array_equal(tg.randn(3).data, expected)
    with pytest.raises(AttributeError, match="tg.cuda.current_device.*CPU only"):
        tg.cuda.current_device()
    device = tg.device("cuda" if tg.cuda.is_available() else "cpu")  # the usual idiom
    assert tg.zeros(2, device=device).shape == (2,)


def test_backends_are_not_available():
    assert tg.backends.mps.is_available() is False and tg.backends.mps.is_built() is False
    assert tg.backends.cudnn.is_available() is False
    tg.backends.cudnn.benchmark = True  # a common first line: accepted, changes nothing
    tg.backends.cudnn.benchmark = False


# --- tensor, as_tensor, from_numpy ---


TENSOR_DATA = [1, 2.5, True, [1, 2], [1.0, 2], [True, False], [[1, 2], [3, 4]], [],
               [[]], [True, 2], np.arange(3, dtype=np.int32), np.ones(2, np.float64),
               np.ones((2, 2), np.float32), np.float64(2.0), np.array(3.0), np.uint8(7)]


@pytest.mark.parametrize("data", TENSOR_DATA, ids=repr)
def test_tensor_values_and_dtypes_match_torch(torch, data):
    ours, theirs = tg.tensor(data), torch.tensor(data)
    assert same_dtype(ours, theirs), (ours.dtype, theirs.dtype)
    assert ours.shape == tuple(theirs.shape)
    np.testing.assert_array_equal(ours.data, theirs.numpy())


@pytest.mark.parametrize("dtype", ["float64", "float16", "int32", "int8", "bool", "uint8"])
def test_tensor_casts_to_a_dtype_like_torch(torch, dtype):
    data = [0.0, 1.0, 2.0]
    ours, theirs = tg.tensor(data, dtype=getattr(tg, dtype)), torch.tensor(
        data, dtype=getattr(torch, dtype))
    assert same_dtype(ours, theirs)
    np.testing.assert_array_equal(ours.data, theirs.numpy())


def test_tensor_copies_and_can_require_grad():
    source = np.array([1.0, 2.0])
    t = tg.tensor(source, requires_grad=True)
    source[0] = 99.0
    assert t.data[0] == 1.0 and t.requires_grad and t.is_leaf
    (t * t).sum().backward()
    np.testing.assert_array_equal(t.grad.data, [2.0, 4.0])
    with pytest.raises(TypeError, match="only floating point"):
        tg.tensor([1, 2], requires_grad=True)


def test_tensor_of_a_tensor_warns_like_the_constructor():
    x = tg.randn(3, requires_grad=True)
    with pytest.warns(UserWarning, match=r"tg.tensor\(t\) copies.*no gradient flows back"):
        y = tg.tensor(x)
    assert not y.requires_grad and not np.shares_memory(y.data, x.data)
    with pytest.warns(UserWarning, match="tg.stack"):
        tg.tensor([x[0], x[1]])
    with tg.no_grad():
        tg.tensor(x)  # nothing to lose without grad mode: no warning (errors if one comes)


def test_from_numpy_and_as_tensor_share_memory_like_torch(torch):
    for dtype in (np.float32, np.float64, np.int64, np.int32):
        a, b = np.arange(4, dtype=dtype), np.arange(4, dtype=dtype)
        ours, theirs = tg.from_numpy(a), torch.from_numpy(b)
        a[0] = b[0] = 7
        np.testing.assert_array_equal(ours.data, theirs.numpy())
        assert same_dtype(ours, theirs)
        ours.data[1] = 5
        assert a[1] == 5
    a = np.zeros(3)
    shared = tg.as_tensor(a)
    a[0] = 1.0
    assert shared.data[0] == 1.0
    converted = tg.as_tensor(a, dtype=tg.float32)
    a[1] = 2.0
    assert converted.data[1] == 0.0 and converted.dtype == np.float32
    t = tg.ones(2)
    assert tg.as_tensor(t) is t and tg.as_tensor(t, dtype=tg.float32) is t
    assert tg.as_tensor(t, dtype=tg.float64).dtype == np.float64
    assert same_dtype(tg.as_tensor([1, 2]), torch.as_tensor([1, 2]))
    with pytest.raises(TypeError, match="np.ndarray, got list"):
        tg.from_numpy([1.0, 2.0])
    with pytest.raises(TypeError, match="complex128"):
        tg.from_numpy(np.zeros(2, complex))


def test_as_tensor_keeps_the_graph_through_a_cast():
    x = tg.ones(2, requires_grad=True)
    y = tg.as_tensor(x, dtype=tg.float64)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.data, [1.0, 1.0])


# --- filled with one value ---


@pytest.mark.parametrize("shape", [(), (0,), (3,), (2, 3), (1, 0, 2)])
def test_zeros_ones_full_eye_like_torch(torch, shape):
    pairs = [
        (tg.zeros(shape), torch.zeros(shape)),
        (tg.ones(*shape), torch.ones(*shape) if shape else torch.ones(())),
        (tg.zeros(size=shape), torch.zeros(size=shape)),
        (tg.full(shape, 2.5), torch.full(shape, 2.5)),
        (tg.full(shape, 3), torch.full(shape, 3)),
        (tg.full(shape, True), torch.full(shape, True)),
        (tg.full(shape, 2.0, dtype=tg.int64), torch.full(shape, 2.0, dtype=torch.int64)),
        (tg.ones(shape, dtype=tg.int32), torch.ones(shape, dtype=torch.int32)),
    ]
    base = tg.tensor(np.arange(int(np.prod(shape)), dtype=np.int32).reshape(shape))
    base_t = torch.tensor(base.data)
    pairs += [
        (tg.zeros_like(base), torch.zeros_like(base_t)),
        (tg.ones_like(base, dtype=tg.float64), torch.ones_like(base_t, dtype=torch.float64)),
        (tg.full_like(base, 4), torch.full_like(base_t, 4)),
        (tg.full_like(base, 4.0, dtype=tg.float), torch.full_like(base_t, 4.0,
                                                                  dtype=torch.float)),
    ]
    for ours, theirs in pairs:
        assert ours.shape == tuple(theirs.shape) and same_dtype(ours, theirs)
        np.testing.assert_array_equal(ours.data, theirs.numpy())


@pytest.mark.parametrize("n, m", [(0, None), (1, None), (3, None), (2, 4), (4, 2), (3, 0)])
def test_eye_like_torch(torch, n, m):
    ours = tg.eye(n, m)
    theirs = torch.eye(n) if m is None else torch.eye(n, m)
    assert same_dtype(ours, theirs)
    np.testing.assert_array_equal(ours.data, theirs.numpy())


def test_empty_has_the_shape_and_dtype_and_shows_unwritten_values(torch):
    for ours, theirs in ((tg.empty(2, 3), torch.empty(2, 3)),
                         (tg.empty((4,), dtype=tg.int32), torch.empty((4,), dtype=torch.int32)),
                         (tg.empty_like(tg.ones(2, dtype=tg.float64)),
                          torch.empty_like(torch.ones(2, dtype=torch.float64)))):
        assert ours.shape == tuple(theirs.shape) and same_dtype(ours, theirs)
    assert np.isnan(tg.empty(3).data).all()  # never passes for a computed number
    assert (tg.empty(3, dtype=tg.int64).data == 0).all()


def test_a_fill_value_the_dtype_would_change_is_refused():
    for value in (2.5, float("nan"), float("inf")):
        with pytest.raises(ValueError, match=r"tg.full: fill_value .* does not fit dtype int64"):
            tg.full((2,), value, dtype=tg.int64)
    with pytest.raises(ValueError, match=r"tg.full_like: fill_value 2.5 does not fit"):
        tg.full_like(tg.tensor([1, 2]), 2.5)  # torch would silently give [2, 2]
    with pytest.raises(TypeError, match="fill_value must be a number"):
        tg.full((2,), "1")
    with pytest.raises(TypeError, match="only floating point"):
        tg.full((2,), 1, requires_grad=True)


def test_shape_errors_name_the_factory():
    with pytest.raises(ValueError, match=r"tg.zeros: a shape is non-negative .* \(-1,\)"):
        tg.zeros(-1)
    with pytest.raises(TypeError, match="tg.ones: a shape"):
        tg.ones(2.5)
    with pytest.raises(TypeError, match="tg.randn: a shape"):
        tg.randn(True)
    with pytest.raises(TypeError, match="not both"):
        tg.zeros(2, size=(2,))
    with pytest.raises(TypeError, match="tg.zeros_like takes a Tensor"):
        tg.zeros_like((2, 3))
    with pytest.raises(ValueError, match="tg.eye: n"):
        tg.eye(-1)


# --- ranges ---


@pytest.mark.parametrize("args", [(5,), (0,), (2, 8), (2, 8, 3), (8, 2, -2), (-3, 4, 2),
                                  (0.0, 1.0, 0.25), (0, 1, 0.1), (1.5, 4), (3.5,),
                                  (0, -1, -0.3), (-1, 2, 5)])
def test_arange_like_torch(torch, args):
    ours, theirs = tg.arange(*args), torch.arange(*args)
    assert same_dtype(ours, theirs), (ours.dtype, theirs.dtype)
    assert ours.shape == tuple(theirs.shape)
    np.testing.assert_allclose(ours.data, theirs.numpy(), rtol=1e-6, atol=1e-7)


def test_arange_past_its_end_is_empty_as_in_numpy():
    # torch raises "upper bound and lower bound inconsistent with step sign"; NumPy (whose
    # name and argument names arange has) gives an empty array, and so do we
    for args in ((10, 0), (0, 5, -1), (2.0, 1.0)):
        assert tg.arange(*args).shape == np.arange(*args).shape == (0,)


def test_arange_takes_end_and_dtype(torch):
    assert same_dtype(tg.arange(5, dtype=tg.float64), torch.arange(5, dtype=torch.float64))
    np.testing.assert_array_equal(tg.arange(2, end=6).data, torch.arange(2, end=6).numpy())
    np.testing.assert_array_equal(tg.arange(end=3).data, [0, 1, 2])
    with pytest.raises(TypeError, match="not both"):
        tg.arange(0, 5, end=5)
    with pytest.raises(ValueError, match="dtype int64 needs integer start, stop and step"):
        tg.arange(0, 2, 0.5, dtype=tg.int64)
    with pytest.raises(TypeError, match="needs an end"):
        tg.arange()


@given(start=st.floats(-50, 50), step=st.floats(0.01, 5).map(lambda s: s) | st.floats(-5, -0.01),
       count=st.integers(0, 40), dtype=st.sampled_from(["float32", "float64"]))
def test_arange_of_floats_agrees_with_torch(torch, start, step, count, dtype):
    stop = start + step * count + step / 2
    ours = tg.arange(start, stop, step, dtype=getattr(tg, dtype))
    theirs = torch.arange(start, stop, step, dtype=getattr(torch, dtype)).numpy()
    assert ours.shape == theirs.shape and same_dtype(ours, theirs)
    scale = max(abs(start), abs(stop), 1.0)
    eps = np.finfo(dtype).eps
    np.testing.assert_allclose(ours.data, theirs, rtol=0, atol=4 * eps * scale)


@given(start=st.floats(-1e3, 1e3), end=st.floats(-1e3, 1e3), steps=st.integers(0, 60),
       dtype=st.sampled_from(["float32", "float64"]))
def test_linspace_agrees_with_torch(torch, start, end, steps, dtype):
    ours = tg.linspace(start, end, steps, dtype=getattr(tg, dtype))
    theirs = torch.linspace(start, end, steps, dtype=getattr(torch, dtype)).numpy()
    assert ours.shape == theirs.shape == (steps,) and same_dtype(ours, theirs)
    if steps:
        eps = np.finfo(dtype).eps
        tiny = np.finfo(dtype).tiny  # float32 rounds values below it to subnormals
        np.testing.assert_allclose(ours.data, theirs, rtol=0,
                                   atol=4 * eps * max(abs(start), abs(end)) + tiny)
        assert ours.data[0] == theirs[0] and ours.data[-1] == theirs[-1]  # ends exact


@given(start=st.integers(-1000, 1000), end=st.integers(-1000, 1000), steps=st.integers(0, 60))
def test_linspace_of_integers_is_exact(torch, start, end, steps):
    ours = tg.linspace(start, end, steps, dtype=tg.int64)
    exact = [start + Fraction(end - start) * i / (steps - 1) if steps > 1 else Fraction(start)
             for i in range(steps)]
    expected = [int(v) for v in exact]  # int() of a Fraction cuts toward zero
    np.testing.assert_array_equal(ours.data, np.array(expected, dtype=np.int64))
    # torch computes in float64 and may land just below an exact integer there (one
    # less); everywhere else it agrees
    theirs = torch.linspace(start, end, steps, dtype=torch.int64).numpy()
    differ = ours.data != theirs
    assert all(exact[i].denominator == 1 for i in np.nonzero(differ)[0])
    assert (np.abs(ours.data - theirs) <= 1).all()


@given(start=st.floats(-3, 3), end=st.floats(-3, 3), steps=st.integers(0, 30),
       base=st.sampled_from([10.0, 2.0, np.e, 0.5, 3.7]),
       dtype=st.sampled_from(["float32", "float64"]))
def test_logspace_agrees_with_torch(torch, start, end, steps, base, dtype):
    ours = tg.logspace(start, end, steps, base=base, dtype=getattr(tg, dtype))
    theirs = torch.logspace(start, end, steps, base=base, dtype=getattr(torch, dtype)).numpy()
    assert ours.shape == theirs.shape and same_dtype(ours, theirs)
    np.testing.assert_allclose(ours.data, theirs, rtol=8 * np.finfo(dtype).eps)


def test_linspace_and_logspace_defaults_and_integers(torch):
    for ours, theirs in ((tg.linspace(0, 10, 5), torch.linspace(0, 10, 5)),
                         (tg.linspace(-1, 1, 1), torch.linspace(-1, 1, 1)),
                         (tg.logspace(0, 3, 4, base=2, dtype=tg.int64),
                          torch.logspace(0, 3, 4, base=2, dtype=torch.int64)),
                         (tg.logspace(0, 2, 3), torch.logspace(0, 2, 3))):
        assert same_dtype(ours, theirs)
        np.testing.assert_allclose(ours.data, theirs.numpy(), rtol=1e-6)


def test_range_errors_are_clear():
    with pytest.raises(ValueError, match="tg.linspace: steps must be an int >= 0, got -1"):
        tg.linspace(0, 1, -1)
    with pytest.raises(TypeError, match="tg.linspace: steps must be an int"):
        tg.linspace(0, 1, 2.0)
    with pytest.raises(ValueError, match="tg.linspace: end must be a finite number"):
        tg.linspace(0, float("inf"), 3)
    with pytest.raises(ValueError, match="tg.logspace: base must be > 0, got -2"):
        tg.logspace(0, 1, 3, base=-2)
    with pytest.raises(ValueError, match="needs integer start and end"):
        tg.linspace(0.5, 10, 3, dtype=tg.int64)  # torch would first cut 0.5 to 0


# --- random ---


def test_random_factories_have_torch_shapes_and_dtypes(torch):
    pairs = [
        (tg.randn(2, 3), torch.randn(2, 3)),
        (tg.randn((4,), dtype=tg.float64), torch.randn((4,), dtype=torch.float64)),
        (tg.rand(size=(2, 2)), torch.rand(size=(2, 2))),
        (tg.randn_like(tg.ones(3, dtype=tg.float64)), torch.randn_like(torch.ones(3).double())),
        (tg.rand_like(tg.ones(2, 2)), torch.rand_like(torch.ones(2, 2))),
        (tg.normal(0.0, 1.0, size=(3, 2)), torch.normal(0.0, 1.0, size=(3, 2))),
        (tg.normal(tg.zeros(3, 1), tg.ones(4)), torch.normal(torch.zeros(3, 1), torch.ones(4))),
        (tg.normal(tg.zeros(2, dtype=tg.float64), 2.0),
         torch.normal(torch.zeros(2, dtype=torch.float64), 2.0)),
        (tg.normal(1.0, tg.ones(5)), torch.normal(1.0, torch.ones(5))),
        (tg.randint(10, (3,)), torch.randint(10, (3,))),
        (tg.randint(2, 10, (2, 2)), torch.randint(2, 10, (2, 2))),
        (tg.randint(0, 2, (3,), dtype=tg.bool), torch.randint(0, 2, (3,), dtype=torch.bool)),
        (tg.randint(5, (4,), dtype=tg.float32), torch.randint(5, (4,), dtype=torch.float32)),
        (tg.randint(low=1, high=3, size=(2,)), torch.randint(low=1, high=3, size=(2,))),
        (tg.randperm(6), torch.randperm(6)),
    ]
    for ours, theirs in pairs:
        assert ours.shape == tuple(theirs.shape) and same_dtype(ours, theirs), (ours, theirs)


def test_random_values_have_the_right_range_and_moments():
    n = 40_000
    tol = 5 / np.sqrt(n)  # five standard errors (of a unit-variance mean)
    z = tg.randn(n, dtype=tg.float64).data
    assert abs(z.mean()) < tol and abs(z.std() - 1) < tol
    u = tg.rand(n).data
    assert u.min() >= 0 and u.max() < 1 and abs(u.mean() - 0.5) < tol
    g = tg.normal(3.0, 2.0, size=(n,)).data
    assert abs(g.mean() - 3.0) < 2 * tol and abs(g.std() - 2.0) < 2 * tol
    mean, std = tg.tensor([-5.0, 0.0, 5.0]), tg.tensor([0.5, 1.0, 2.0])
    draws = np.stack([tg.normal(mean, std).data for _ in range(4000)])
    np.testing.assert_allclose(draws.mean(0), mean.data, atol=5 * 2 / np.sqrt(4000))
    np.testing.assert_allclose(draws.std(0), std.data, rtol=0.1)
    assert (tg.normal(tg.ones(3), 0.0).data == 1.0).all()  # std 0: exactly the mean
    k = tg.randint(-2, 3, (n,)).data
    assert k.dtype == np.int64 and set(np.unique(k)) == {-2, -1, 0, 1, 2}
    counts = np.bincount(k + 2) / n
    np.testing.assert_allclose(counts, 0.2, atol=0.02)
    assert sorted(tg.randperm(50).data) == list(range(50))
    assert tg.randperm(0).shape == (0,)


@pytest.mark.parametrize("draw", [
    lambda: tg.randn(3), lambda: tg.rand(2, 2), lambda: tg.normal(0.0, 1.0, size=(3,)),
    lambda: tg.normal(tg.zeros(3), tg.ones(3)), lambda: tg.randint(0, 100, (5,)),
    lambda: tg.randn_like(tg.ones(3)), lambda: tg.rand_like(tg.ones(3)),
    lambda: tg.randperm(10)])
def test_manual_seed_makes_every_random_factory_reproducible(draw):
    tg.manual_seed(42)
    first = draw().data
    tg.manual_seed(42)
    second = draw().data
    tg.manual_seed(43)
    other = draw().data
    np.testing.assert_array_equal(first, second)
    assert not np.array_equal(first, other)


def test_a_refused_call_draws_nothing():
    tg.manual_seed(7)
    expected = tg.randn(3).data
    tg.manual_seed(7)
    for bad in (lambda: tg.randn(3, dtype=tg.int64), lambda: tg.randn(3, device="cuda"),
                lambda: tg.normal(0.0, -1.0, size=(3,)), lambda: tg.randint(5, 5, (2,))):
        with pytest.raises((TypeError, ValueError)):
            bad()
    np.testing.assert_array_equal(tg.randn(3).data, expected)


def test_random_errors_are_clear():
    with pytest.raises(ValueError, match="tg.normal: std must be >= 0, got -1.0"):
        tg.normal(0.0, -1.0, size=(2,))
    with pytest.raises(ValueError, match="tg.normal: std must be finite and >= 0"):
        tg.normal(tg.zeros(2), tg.tensor([1.0, -0.5]))
    with pytest.raises(TypeError, match="needs size"):
        tg.normal(0.0, 1.0)
    with pytest.raises(TypeError, match="size goes with a float mean"):
        tg.normal(tg.zeros(2), 1.0, size=(2,))
    with pytest.raises(TypeError, match="tg.normal: mean must be a floating point tensor"):
        tg.normal(tg.tensor([0, 1]), 1.0)
    with pytest.raises(ValueError, match=r"tg.randint: high must be > low .* low=5, high=5"):
        tg.randint(5, 5, (2,))
    with pytest.raises(ValueError, match="high must be > low"):
        tg.randint(0, (3,))
    with pytest.raises(TypeError, match=r"size must be a tuple, e.g. \(3,\)"):
        tg.randint(0, 10, 3)
    with pytest.raises(TypeError, match="size is required"):
        tg.randint(10)
    with pytest.raises(TypeError, match="tg.randint: high must be an int"):
        tg.randint(0, 2.5, (2,))
    with pytest.raises(ValueError, match="dtype uint8 holds"):
        tg.randint(0, 300, (2,), dtype=tg.uint8)
    with pytest.raises(TypeError, match="tg.randn_like draws floats"):
        tg.randn_like(tg.tensor([1, 2]))
    with pytest.raises(TypeError, match="tg.rand draws floats"):
        tg.rand(2, dtype=tg.int32)


def test_normal_warns_that_it_gives_no_gradient():
    mean = tg.zeros(3, requires_grad=True)
    with pytest.warns(UserWarning, match=r"no gradient to mean or std.*randn_like"):
        sample = tg.normal(mean, 1.0)
    assert not sample.requires_grad
