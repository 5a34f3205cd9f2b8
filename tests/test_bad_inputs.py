"""A learner's bad input gets a clear error (naming what was wrong and the fix), never a
wrong number and never NumPy's own error from deep inside an op; and the edge cases that
used to crash (an empty softmax, x**0 at tiny x) give PyTorch's answers.

Checkpoint kills are tested in test_checkpoint_kill.py.
"""
import pickle
import warnings
import zipfile

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn.functional as F
from tinygrad_edu import nn
from tinygrad_edu.data import DataLoader, TensorDataset

torch = pytest.importorskip("torch", reason="PyTorch not installed: oracle tests skipped")

from test_torch_oracle import compare_with_torch  # noqa: E402  (needs torch)

F32, F64 = np.float32, np.float64


def leaf(values, dtype=F64):
    return tg.Tensor(np.asarray(values, dtype=dtype), requires_grad=True)


# --- layers refuse what PyTorch refuses: wrong dtypes, lists, None, strings ---

# name in the messages, the layer, a float32 input of a shape it accepts
LAYERS = [
    ("Linear", lambda: nn.Linear(3, 2), (4, 3)),
    ("Conv2d", lambda: nn.Conv2d(1, 2, 3), (1, 1, 5, 5)),
    ("MaxPool2d", lambda: nn.MaxPool2d(2), (1, 1, 4, 4)),
    ("AvgPool2d", lambda: nn.AvgPool2d(2), (1, 1, 4, 4)),
    ("AdaptiveAvgPool2d", lambda: nn.AdaptiveAvgPool2d(3), (1, 1, 4, 4)),
    ("BatchNorm1d", lambda: nn.BatchNorm1d(3), (4, 3)),
    ("BatchNorm2d", lambda: nn.BatchNorm2d(3), (4, 3, 2, 2)),
    ("LayerNorm", lambda: nn.LayerNorm(3), (4, 3)),
    ("RNN", lambda: nn.RNN(3, 2), (5, 4, 3)),
    ("LSTM", lambda: nn.LSTM(3, 2), (5, 4, 3)),
    ("GRU", lambda: nn.GRU(3, 2, batch_first=True), (4, 5, 3)),
    ("RNNCell", lambda: nn.RNNCell(3, 2), (4, 3)),
    ("LSTMCell", lambda: nn.LSTMCell(3, 2), (4, 3)),
    ("GRUCell", lambda: nn.GRUCell(3, 2), (4, 3)),
]
LAYER_IDS = [name for name, _, _ in LAYERS]
# The layers with parameters (float32 by default), which refuse float64 input.
WITH_PARAMETERS = [case for case in LAYERS if "Pool" not in case[0]]


def first(output):
    return output[0] if isinstance(output, tuple) else output


@pytest.mark.parametrize("name, make, shape", LAYERS, ids=LAYER_IDS)
def test_layers_accept_float32_tensors_and_arrays_alike(name, make, shape):
    layer = make()
    x = np.random.default_rng(0).standard_normal(shape).astype(F32)
    from_tensor, from_array = first(layer(tg.Tensor(x))), first(layer(x))
    assert from_tensor.dtype == F32
    np.testing.assert_array_equal(from_tensor.data, from_array.data)


@pytest.mark.parametrize("name, make, shape", LAYERS, ids=LAYER_IDS)
@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.bool_])
def test_layers_refuse_integer_and_bool_input(name, make, shape, dtype):
    x = tg.Tensor(np.ones(shape, dtype))
    message = (rf"{name} expects floating point input, got dtype {np.dtype(dtype)}.*"
               r"x\.astype\(np\.float32\).*tg\.Tensor\(x, dtype=np\.float32\)")
    with pytest.raises(TypeError, match=message):
        make()(x)


@pytest.mark.parametrize("name, make, shape", LAYERS, ids=LAYER_IDS)
@pytest.mark.parametrize("value, described", [
    ([[1.0, 2.0, 3.0]], r"a list; make one first: tg\.Tensor\(x\)"),
    (None, r"None \(did a function return nothing\?\)"),
    ("abc", r"a str \('abc'\)"),
    (2.0, r"a float; make one first: tg\.Tensor\(x\)"),
])
def test_layers_refuse_what_is_not_a_tensor(name, make, shape, value, described):
    with pytest.raises(TypeError, match=rf"{name} expects a Tensor as input, got {described}"):
        make()(value)


@pytest.mark.parametrize("name, make, shape", WITH_PARAMETERS,
                         ids=[case[0] for case in WITH_PARAMETERS])
def test_float64_input_to_a_float32_layer_is_refused_as_in_pytorch(name, make, shape):
    x = tg.Tensor(np.ones(shape, F64))
    message = (rf"{name}: the input is float64 but the parameters are float32.*"
               r"x\.astype\(np\.float32\).*model\.to\(np\.float64\) \(model\.double\(\)\)")
    with pytest.raises(TypeError, match=message):
        make()(x)
    with pytest.raises(TypeError, match="float64 but the parameters are float32"):
        make()(np.ones(shape, F64))        # a plain array too
    layer = make().double()                 # either fix works
    assert first(layer(x)).dtype == F64
    assert first(make()(x.astype(F32))).dtype == F32


def test_float32_input_to_a_float64_layer_names_model_float():
    with pytest.raises(TypeError, match=r"float32 but the parameters are float64.*"
                                        r"x\.astype\(np\.float64\).*model\.float\(\)"):
        nn.Linear(3, 2, dtype=F64)(tg.zeros(1, 3))
    with pytest.raises(TypeError, match="float16 but the parameters are float32"):
        nn.Linear(3, 2)(tg.Tensor(np.zeros((1, 3), np.float16)))


@pytest.mark.parametrize("make, shape", [
    (lambda: nn.Linear(3, 2), (4, 3)), (lambda: nn.Conv2d(1, 2, 3), (1, 1, 5, 5)),
    (lambda: nn.BatchNorm1d(3), (4, 3)), (lambda: nn.LayerNorm(3), (4, 3)),
    (lambda: nn.RNN(3, 2), (5, 4, 3)), (lambda: nn.RNNCell(3, 2), (4, 3))])
def test_pytorch_refuses_the_same_float64_input(make, shape):
    """The rule we follow: PyTorch's float32 layers refuse float64 input too."""
    ours = make()
    theirs = getattr(torch.nn, type(ours).__name__)(*_torch_args(ours))
    with pytest.raises((RuntimeError, ValueError)):
        theirs(torch.ones(shape, dtype=torch.float64))


def _torch_args(layer):
    if isinstance(layer, nn.Linear):
        return layer.in_features, layer.out_features
    if isinstance(layer, nn.Conv2d):
        return layer.in_channels, layer.out_channels, layer.kernel_size
    if isinstance(layer, nn.BatchNorm1d):
        return (layer.num_features,)
    if isinstance(layer, nn.LayerNorm):
        return (layer.normalized_shape,)
    return layer.input_size, layer.hidden_size


def test_a_batchnorm_without_affine_follows_its_running_statistics():
    with pytest.raises(TypeError, match="BatchNorm1d: the input is float64 but the parameters "
                                        "are float32"):
        nn.BatchNorm1d(3, affine=False)(tg.Tensor(np.ones((4, 3))))
    bare = nn.BatchNorm1d(3, affine=False, track_running_stats=False)  # nothing to match
    assert bare(tg.Tensor(np.random.default_rng(0).standard_normal((4, 3)))).dtype == F64
    assert nn.LayerNorm(3, elementwise_affine=False)(tg.Tensor(np.ones((2, 3)))).dtype == F64


@pytest.mark.parametrize("make, what", [
    (lambda h: nn.RNN(3, 2)(tg.zeros(5, 4, 3), h), "hx"),
    (lambda h: nn.LSTM(3, 2)(tg.zeros(5, 4, 3), (h, h)), "h_0"),
    (lambda h: nn.RNNCell(3, 2)(tg.zeros(4, 3), h[0]), "hx"),
    (lambda h: nn.LSTMCell(3, 2)(tg.zeros(4, 3), (h[0], h[0])), "h")])
def test_a_recurrent_state_of_another_dtype_is_refused(make, what):
    with pytest.raises(TypeError, match=f"the {what} is float64 but the parameters are float32"):
        make(tg.Tensor(np.zeros((1, 4, 2))))
    with pytest.raises(TypeError, match=f"expects floating point {what}, got dtype int64"):
        make(tg.Tensor(np.zeros((1, 4, 2), np.int64)))


@pytest.mark.parametrize("call, name", [
    (lambda x: F.linear(x, tg.zeros(2, 3), tg.zeros(2)), "linear"),
    (lambda x: F.conv2d(x, tg.zeros(2, 3, 1, 1)), "conv2d"),
    (lambda x: F.layer_norm(x, 3, tg.ones(3), tg.zeros(3)), "layer_norm"),
    (lambda x: F.max_pool2d(x, 1), "max_pool2d"), (lambda x: F.avg_pool2d(x, 1), "avg_pool2d"),
    (lambda x: F.adaptive_avg_pool2d(x, 1), "adaptive_avg_pool2d")])
def test_functional_forms_check_their_input_too(call, name):
    with pytest.raises(TypeError, match=f"{name} expects floating point input, got dtype int64"):
        call(tg.Tensor(np.ones((1, 3, 2, 3), np.int64)))
    with pytest.raises(TypeError, match=f"{name} expects a Tensor as input, got None"):
        call(None)
    if name in ("linear", "conv2d", "layer_norm"):
        with pytest.raises(TypeError, match=rf"{name}: the input is float64 but the "
                                            r"parameters are float32.*weight\.astype"):
            call(tg.Tensor(np.ones((1, 3, 2, 3))))


def test_avg_pool_of_integers_used_to_crash_inside_numpy():
    with pytest.raises(TypeError, match="AvgPool2d expects floating point input, got dtype "
                                        "int64"):
        nn.AvgPool2d(2)(tg.Tensor(np.arange(16).reshape(1, 1, 4, 4)))


def test_embedding_indices_must_be_integers():
    emb = nn.Embedding(5, 2)
    for indices in (tg.Tensor([1.0, 2.0]), np.array([1.0, 2.0]), np.array([True, False])):
        with pytest.raises(TypeError, match=r"Embedding expects integer indices \(row numbers\)"
                                            r".*idx\.astype\(np\.int64\)"):
            emb(indices)
    for indices in (None, "cat"):
        with pytest.raises(TypeError, match="Embedding expects integer indices"):
            emb(indices)
    np.testing.assert_array_equal(emb([1, 2]).data, emb.weight.data[[1, 2]])


def test_dropout_flatten_and_activations_on_bad_input():
    with pytest.raises(TypeError, match="dropout expects floating point input in training, "
                                        "got dtype int64"):
        nn.Dropout(0.5)(tg.Tensor([1, 2, 3]))
    np.testing.assert_array_equal(nn.Dropout(0.5).eval()(tg.Tensor([1, 2])).data, [1, 2])
    with pytest.raises(TypeError, match="Flatten expects a Tensor as input, got None"):
        nn.Flatten()(None)
    assert nn.Flatten()(np.zeros((2, 3, 4), np.int64)).shape == (2, 12)   # any dtype moves
    # The activation modules take what their functional forms take (a list before gave
    # "'>' not supported between 'list' and 'int'").
    for module, fn in ((nn.ReLU(), F.relu), (nn.Tanh(), F.tanh), (nn.Sigmoid(), F.sigmoid)):
        np.testing.assert_array_equal(module([-1.0, 2.0]).data, fn(tg.Tensor([-1.0, 2.0])).data)


# --- tg.split(..., axis=) (NumPy's meaning): decreasing or out-of-range indices are refused ---

@pytest.mark.parametrize("sections, message", [
    ([3, 1], r"indices to cut at must not decrease, got \[3, 1\] for an axis of size 5"),
    ([2, 7], r"index 7 is out of range for an axis of size 5 \(cut indices must be in "
             r"\[-5, 5\]\)"),
    ([-6], r"index -6 is out of range"),
    (2, r"an axis of size 5 cannot be cut into 2 equal parts"),
    (0, r"cannot be cut into 0 equal parts"),
    (2.5, r"sections must be an int .* or a list of int indices to cut at, got 2\.5"),
    ([1.0, 2.0], r"sections must be an int"),
])
def test_split_refuses_bad_sections_before_any_work(sections, message):
    x = leaf(np.arange(5.0))
    with pytest.raises((ValueError, TypeError), match=message):
        tg.split(x, sections, axis=0)
    if isinstance(sections, list):
        with pytest.raises((ValueError, TypeError), match=message):
            np.split(x, sections)   # NumPy's function on a Tensor runs the same check


@pytest.mark.parametrize("sections", [[2, 3], [2, 2], [0, 5], [-2], [-5, 0, 5], [], 1, 5])
def test_split_is_numpys_split_with_a_correct_backward(sections):
    data = np.random.default_rng(0).standard_normal((5, 2))
    pieces = tg.split(leaf(data), sections, axis=0)
    expected = np.split(data, sections, axis=0)
    assert [p.shape for p in pieces] == [e.shape for e in expected]
    for p, e in zip(pieces, expected):
        np.testing.assert_array_equal(p.data, e)
    weights = [np.random.default_rng(i).standard_normal(e.shape) for i, e in enumerate(expected)]

    def f(x):  # every piece used, each with its own weights
        return sum(((p * w).sum() for p, w in zip(tg.split(x, sections, axis=0), weights)),
                   tg.Tensor(0.0, dtype=F64)) + (x * x).sum()

    assert tg.gradcheck(f, leaf(data)) and tg.gradgradcheck(f, leaf(data))


def test_split_of_a_0d_tensor_and_a_bad_axis():
    with pytest.raises(ValueError, match="split needs a tensor with at least one axis"):
        tg.split(tg.Tensor(1.0), 1, axis=0)
    with pytest.raises(np.exceptions.AxisError, match="split"):
        tg.split(tg.zeros(4), 2, axis=1)


# --- softmax over a size-0 axis: empty result and gradient, as PyTorch ---

@pytest.mark.parametrize("shape, axis", [((2, 0), -1), ((2, 0), 0), ((0, 3), 0), ((0, 3), 1),
                                         ((2, 0, 3), 1), ((0,), 0)])
@pytest.mark.parametrize("op", ["softmax", "log_softmax"])
def test_softmax_of_an_empty_axis_is_empty_as_in_torch(shape, axis, op):
    ours = (lambda x: x.softmax(axis)) if op == "softmax" else (lambda x: x.log_softmax(axis))
    theirs = getattr(torch, op)
    compare_with_torch(ours, lambda x: theirs(x, axis), [np.zeros(shape)])
    for layer in (F.softmax, F.log_softmax):
        x = leaf(np.zeros(shape))
        y = layer(x, axis)
        y.sum().backward()
        assert y.shape == shape and x.grad.shape == shape
    for module in (nn.Softmax(axis), nn.LogSoftmax(axis)):
        assert module(tg.zeros(*shape)).shape == shape


def test_softmax_of_an_empty_tensor_still_checks_the_axis():
    with pytest.raises(np.exceptions.AxisError, match="axis 2 is out of bounds"):
        tg.zeros(2, 0).softmax(axis=2)
    with pytest.raises(np.exceptions.AxisError, match="axis 2 is out of bounds"):
        tg.zeros(2, 0).log_softmax(axis=2)


# --- gradcheck when fn returns something else than Tensors ---

@pytest.mark.parametrize("fn, returned", [
    (lambda x: float((x * x).sum().item()), r"it returned a plain number 5\.0 \(\.item\(\)"),
    (lambda x: None, r"it returned None \(a missing return statement\?\)"),
    (lambda x: x.data * 2, r"it returned a NumPy array of shape \(2,\)"),
    (lambda x: np.float64(1.0), r"it returned a plain number"),
    (lambda x: (x * 2, 3.0), r"output 1 of the tuple it returned is a plain number 3\.0"),
    (lambda x: (x * 2, None), r"output 1 of the tuple it returned is None"),
    (lambda x: [x * 2, x.data], r"output 1 of the list it returned is a NumPy array"),
    (lambda x: (), r"it returned an empty tuple"),
    (lambda x: "loss", r"it returned a str"),
])
@pytest.mark.parametrize("check", [tg.gradcheck, tg.gradgradcheck])
def test_gradcheck_says_what_fn_returned_instead_of_a_tensor(fn, returned, check):
    message = rf"{check.__name__}: fn must return a Tensor computed from the inputs.*{returned}"
    with pytest.raises(TypeError, match=message):
        check(fn, leaf([1.0, 2.0]))


def test_gradcheck_explains_an_output_cut_from_the_graph():
    with pytest.raises(tg.GradcheckError, match="Output 0 does not require grad: it is not "
                                                "connected to the inputs"):
        tg.gradcheck(lambda x: tg.Tensor(x.data ** 2), leaf([1.0, 2.0]))


# --- d/dx x**0 = 0 exactly, also at tiny x; second order kept right ---

TINY_BASES = {F64: [1e-200, 1e-310, 5e-324, 0.0, -1e-200, -5e-324, -2.0, 3.0, np.inf],
              F32: [1e-30, 1e-40, 1e-45, 0.0, -1e-40, -2.0, 3.0]}


@pytest.mark.parametrize("dtype", [F32, F64], ids=["float32", "float64"])
@pytest.mark.parametrize("tensor_exponent", [False, True], ids=["scalar", "tensor"])
def test_pow_zero_exponent_gradient_is_zero_as_in_torch(dtype, tensor_exponent):
    bases = np.array(TINY_BASES[dtype], dtype)
    x = tg.Tensor(bases, requires_grad=True)
    xt = torch.tensor(bases, requires_grad=True)
    if tensor_exponent:
        e = tg.Tensor(np.zeros(bases.shape, dtype), requires_grad=True)
        et = torch.zeros(bases.shape, dtype=xt.dtype, requires_grad=True)
    else:
        e = et = 0
    v = np.random.default_rng(0).uniform(0.5, 1.5, bases.shape).astype(dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # log of the negative bases
        (x ** e).backward(v)
    (xt ** et).backward(torch.tensor(v))
    np.testing.assert_array_equal(x.grad.data, np.zeros_like(bases))
    np.testing.assert_array_equal(x.grad.data, xt.grad.numpy())
    if tensor_exponent:  # y log x: nan for negative bases in both, 0 at x = 0
        np.testing.assert_allclose(e.grad.data, et.grad.numpy(), rtol=1e-6, equal_nan=True)


def test_pow_second_order_at_a_zero_exponent_is_the_true_one():
    """d/dx1 (dy/dx0) = x0**(x1-1) (1 + x1 log x0) = 1/x0 at x1 = 0, and d/dx0 (dy/dx0) =
    x1 (x1 - 1) x0**(x1-2) = 0; torch masks dy/dx0 to 0 there, which also zeroes the
    former (and gives nan for the latter at tiny x0), so the values come from the math."""
    bases = np.array([2.0, 0.5, 1e-200, 1e-310, -3.0])
    x0, x1 = leaf(bases), leaf(np.zeros(5))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        (g0,) = tg.grad((x0 ** x1).sum(), x0, create_graph=True)
        d0, d1 = tg.grad(g0.sum(), [x0, x1])
    np.testing.assert_array_equal(g0.data, np.zeros(5))
    np.testing.assert_array_equal(d0.data, np.zeros(5))
    expected = 1 / bases[:3]
    np.testing.assert_allclose(d1.data[:3], expected, rtol=1e-15)
    assert d1.data[3] == np.finfo(F64).max            # 1/1e-310 overflows: the largest float
    assert d1.data[4] == pytest.approx(-1 / 3, rel=1e-15)
    x0 = leaf(bases[:3])   # a scalar exponent 0: dy/dx0 is 0 with no gradient of its own
    (g0,) = tg.grad((x0 ** 0).sum(), x0, create_graph=True)
    np.testing.assert_array_equal(g0.data, np.zeros(3))


def test_pow_gradgradcheck_through_zero_exponents():
    x0 = leaf([2.0, 0.5, 1.5, 0.25])
    x1 = leaf([0.0, 0.0, 1.5, -0.5])
    assert tg.gradcheck(lambda a, b: a ** b, [x0, x1])
    assert tg.gradgradcheck(lambda a, b: a ** b, [x0, x1])


# --- misleading messages ---

@pytest.fixture()
def files(tmp_path):
    good = tmp_path / "good.npz"
    tg.save({"w": np.arange(100.0)}, good)
    data = good.read_bytes()
    made = {"good": good}

    def write(name, content):
        made[name] = tmp_path / name
        made[name].write_bytes(content)

    write("empty.npz", b"")
    write("truncated.npz", data[:len(data) // 2])
    write("text.npz", b"epoch,loss\n1,0.5\n")
    write("image.png", b"\x89PNG\r\n\x1a\n" + bytes(40))
    write("model.pkl", pickle.dumps({"w": [1.0, 2.0]}))
    np.save(tmp_path / "array.npy", np.ones(3))
    made["array.npy"] = tmp_path / "array.npy"
    np.savez(tmp_path / "plain.npz", weights=np.ones(3))
    made["plain.npz"] = tmp_path / "plain.npz"
    torch.save({"w": torch.zeros(2)}, tmp_path / "torch.pt")
    made["torch.pt"] = tmp_path / "torch.pt"
    with zipfile.ZipFile(tmp_path / "notes.zip", "w") as zf:
        zf.writestr("notes.txt", "hello")
    made["notes.zip"] = tmp_path / "notes.zip"
    return made


@pytest.mark.parametrize("name, message", [
    ("empty.npz", r"the file is empty \(0 bytes\)"),
    ("truncated.npz", r"a zip archive that is truncated or corrupted"),
    ("text.npz", r"a text file \(it starts with 'epoch,loss\\n1'\)"),
    ("image.png", r"a PNG image, not a checkpoint"),
    ("model.pkl", r"it holds pickled Python objects"),
    ("array.npy", r"a single NumPy array \(\.npy, written by np\.save\)"),
    ("plain.npz", r"a NumPy archive \(np\.savez\) of the arrays weights\.npy, not written by "
                  r"tg\.save"),
    ("torch.pt", r"a PyTorch checkpoint \(torch\.save\).*torch\.load"),
    ("notes.zip", r"a zip archive of notes\.txt, not written by tg\.save"),
])
def test_load_says_what_the_file_is(files, name, message):
    path = files[name]
    with pytest.raises(ValueError, match=f"{path} is not a valid tinygrad_edu checkpoint: "
                                         f"{message}") as info:
        tg.load(path)
    if name != "model.pkl":
        assert "pickle" not in str(info.value)   # the old message blamed pickle for anything


def test_load_of_a_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="tg.load: no file at .*missing.npz"):
        tg.load(tmp_path / "missing.npz")


def _regression_data(n=24):
    x = np.random.default_rng(0).standard_normal((n, 3)).astype(F32)
    return x, x.sum(axis=1, keepdims=True)


@pytest.mark.parametrize("field, index", [("inputs", 0), ("targets", 1)])
@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_fit_blames_the_data_not_the_learning_rate(field, index, bad):
    arrays = list(_regression_data())
    arrays[index][13, 0] = bad        # sample 13: batch 4 (batch_size 4), row 1 of it
    model = nn.Linear(3, 1)
    before = model.weight.data.copy()
    loader = DataLoader(TensorDataset(*arrays), batch_size=4)
    message = (rf"at batch 4 of epoch 1 because the data is not finite: that batch's {field} "
               rf"hold 1 NaN or inf value\(s\), the first \({bad}\) at index \(1, 0\).*"
               r"learning rate is not the cause")
    with pytest.raises(ValueError, match=message):
        tg.train.fit(model, nn.MSELoss(), tg.optim.SGD(model.parameters(), lr=0.01), loader)
    assert not np.array_equal(model.weight.data, before)   # batches 1-3 trained
    assert np.isfinite(model.weight.data).all()            # the bad batch changed nothing


def test_the_learning_rate_range_test_blames_nan_data_too():
    x, y = _regression_data()
    x[2, 1] = np.nan
    model = nn.Linear(3, 1)
    before = model.weight.data.copy()
    loader = DataLoader(TensorDataset(x, y), batch_size=4)
    with pytest.raises(ValueError, match=r"at step 1 of the range test because the data is not "
                                         r"finite: that batch's inputs hold 1 NaN"):
        tg.train.lr_range_test(model, nn.MSELoss(), tg.optim.SGD(model.parameters()), loader,
                               num_steps=10)
    np.testing.assert_array_equal(model.weight.data, before)   # restored


@pytest.mark.filterwarnings("ignore:overflow:RuntimeWarning")  # a diverging run overflows
def test_fit_with_finite_data_still_blames_the_learning_rate():
    model = nn.Linear(3, 1)
    loader = DataLoader(TensorDataset(*_regression_data()), batch_size=4)
    with pytest.raises(tg.train.DivergedError, match="learning rate 1e\\+06.*too large"):
        tg.train.fit(model, nn.MSELoss(), tg.optim.SGD(model.parameters(), lr=1e6), loader,
                     epochs=20)


@pytest.mark.parametrize("loss", [nn.MSELoss(), nn.L1Loss(), nn.HuberLoss(), F.mse_loss])
def test_regression_losses_given_class_labels_point_to_cross_entropy(loss):
    logits, labels = tg.randn(4, 3), np.array([0, 2, 1, 0])
    with pytest.raises(ValueError, match=r"target shape \(4,\) differs from input shape "
                                         r"\(4, 3\): the target looks like integer class "
                                         r"labels.*CrossEntropyLoss.*np\.eye\(3\)\[labels\]"):
        loss(logits, labels)
    with pytest.raises(ValueError, match="reshape one of them") as info:   # a true mismatch
        loss(tg.randn(4, 1), np.zeros(4))
    assert "class labels" not in str(info.value)
    with pytest.raises(ValueError, match=r"hold different numbers of values \(4 vs 12\), so no "
                                         r"reshape can match them"):
        loss(logits, np.zeros(4))                                          # floats: no hint


def test_numerical_gradient_warns_on_float32_as_gradcheck_does():
    f = lambda x: x[0] ** 2 + x[1] ** 2  # noqa: E731
    with pytest.warns(UserWarning, match=r"numerical_gradient: x is float32, not float64.*"
                                         r"x\.astype\(np\.float64\)"):
        g32 = tg.numerical_gradient(f, np.array([3.0, 4.0], F32))
    assert np.abs(g32 - [6.0, 8.0]).max() > 1e-3      # the inaccuracy the warning is about
    with pytest.warns(UserWarning, match=r"f's result is float32.*compute f in float64"):
        tg.numerical_gradient(lambda x: f(x).astype(F32), np.array([3.0, 4.0]))
    with pytest.warns(UserWarning, match="numerical_diff: x is float32"):
        tg.numerical_diff(lambda x: x ** 2, np.float32(3.0))
    with warnings.catch_warnings():
        warnings.simplefilter("error")                # float64: no warning, exact values
        np.testing.assert_allclose(tg.numerical_gradient(f, np.array([3.0, 4.0])), [6, 8],
                                   rtol=1e-9)
        assert tg.numerical_diff(lambda x: x ** 2, 3.0) == pytest.approx(6.0, rel=1e-9)


# --- more of the same class, found by trying what a newcomer does ---

@pytest.mark.parametrize("call, message", [
    (lambda t: t.reshape(2.5, -1), r"a shape's size must be an int, got 2\.5.*never truncated"),
    (lambda t: t.reshape((3.0, 2)), r"a shape's size must be an int, got 3\.0"),
    (lambda t: t.transpose(0.9, 1.2), r"axes must be an int, got 0\.9"),
    (lambda t: t.sum(axis=(1.7,)), r"axis must be an int, got 1\.7"),
    (lambda t: t.mean(axis=1.0), r"axis must be an int, got 1\.0"),
    (lambda t: t.broadcast_to(2.9, 3), r"a shape's size must be an int, got 2\.9"),
])
def test_float_sizes_and_axes_are_refused_not_truncated(call, message):
    # reshape(2.5, -1) was (2, 3) and sum(axis=(1.7,)) summed axis 1, silently.
    with pytest.raises(TypeError, match=message):
        call(tg.Tensor(np.arange(6.0).reshape(2, 3)))
    t = tg.Tensor(np.arange(6.0))
    assert t.reshape(np.int64(2), tg.Tensor(3)).shape == (2, 3)   # integer types are fine


@pytest.mark.parametrize("data, error, message", [
    ([[1.0, 2.0], [3.0]], ValueError, r"Tensor data must be rectangular"),
    ([1 + 2j], TypeError, r"complex128.*no complex Tensors: keep x\.real and x\.imag"),
    (np.array([1j]), TypeError, r"no complex Tensors"),
    (None, TypeError, r"unsupported data of dtype object \(from NoneType\)"),
    ("abc", TypeError, r"unsupported data of dtype <U3 \(from str\)"),
    (np.array([1, None]), TypeError, r"dtype object \(from ndarray\)"),
])
def test_tensor_construction_from_what_is_not_numbers(data, error, message):
    with pytest.raises(error, match=message):
        tg.Tensor(data)


@pytest.mark.parametrize("index, message", [
    (1.0, r"cannot index a tensor of shape \(3,\) with 1\.0.*use int\(i\)"),
    (np.array([0.0, 2.0]), r"with array\(\[0\., 2\.\]\).*idx\.astype\(np\.int64\)"),
    (tg.Tensor([1.0]), r"arrays used as indices must be of integer.*idx\.astype"),
    ([0.0, 1.0], r"use int\(i\)"),
    (5, r"cannot index a tensor of shape \(3,\) with 5: index 5 is out of bounds"),
])
def test_bad_indices_name_the_shape_and_the_fix(index, message):
    with pytest.raises(IndexError, match=message):
        tg.Tensor([1.0, 2.0, 3.0])[index]


def test_arange_with_a_zero_or_infinite_step():
    with pytest.raises(ValueError, match="arange: step must not be 0"):
        tg.arange(0, 1, 0)
    with pytest.raises(ValueError, match="arange: stop must be finite"):
        tg.arange(0, np.inf)
    with pytest.raises(TypeError, match="arange: start must be a number, got '3'"):
        tg.arange("3", 5)


def test_datasets_hold_numbers_and_batches_need_equal_shapes():
    with pytest.raises(TypeError, match=r"array 1 has dtype <U3: a dataset holds numbers.*"
                                        r"np\.unique\(names, return_inverse=True\)"):
        TensorDataset(np.zeros((2, 2)), np.array(["cat", "dog"]))
    x, y = np.zeros((4, 2), F32), np.zeros(4, F32)
    with pytest.raises(ValueError, match=r"sample 0 has shape \(4, 2\) but sample 1 has shape "
                                         r"\(4,\).*DataLoader\(TensorDataset\(X, y\)"):
        next(iter(DataLoader((x, y), batch_size=2)))       # (X, y) instead of a dataset
    ragged = [(np.zeros(2), 0), (np.zeros(3), 1)]
    with pytest.raises(ValueError, match=r"\(field 0 of the samples\): sample 0 has shape "
                                         r"\(2,\) but sample 1 has shape \(3,\)"):
        next(iter(DataLoader(ragged, batch_size=2)))


def test_losses_refuse_integer_predictions_instead_of_truncating_targets():
    # mse_loss(int [1, 2], [1.5, 2.5]) cast the target to int64 and returned 0 (torch: 0.25).
    for loss in (F.mse_loss, F.l1_loss, F.huber_loss, F.binary_cross_entropy_with_logits):
        with pytest.raises(TypeError, match="expects floating point predictions as input, got "
                                            r"dtype int64.*x\.astype\(np\.float32\)"):
            loss(tg.Tensor([1, 2]), np.array([1.5, 2.5]))
    with pytest.raises(TypeError, match="cross_entropy expects floating point predictions"):
        F.cross_entropy(tg.Tensor([[1, 2]]), np.array([1]))
    for target in (None, "y"):
        with pytest.raises(TypeError, match="mse_loss: target must be a Tensor or an array"):
            F.mse_loss(tg.zeros(()), target)   # None became nan before (np.asarray(None, f4))


def test_cross_entropy_label_hints():
    logits = tg.randn(4, 3)
    with pytest.raises(TypeError, match=r"one-hot or probability rows: the labels are "
                                        r"target\.argmax\(axis=1\)"):
        F.cross_entropy(logits, np.eye(3)[[0, 1, 2, 0]])
    with pytest.raises(ValueError, match=r"got shape \(4, 1\); flatten them: "
                                         r"labels\.reshape\(-1\)"):
        F.cross_entropy(logits, np.array([[0], [1], [2], [0]]))


def test_binary_cross_entropy_refuses_values_outside_0_1():
    with pytest.raises(ValueError, match=r"every input value must be in \[0, 1\] "
                                         r"\(probabilities; for logits use "
                                         r"binary_cross_entropy_with_logits\), got 1\.5"):
        nn.BCELoss()(tg.Tensor([0.5, 1.5]), np.array([1.0, 0.0]))
    with pytest.raises(ValueError, match=r"every target value must be in \[0, 1\], got 2\.0"):
        F.binary_cross_entropy(tg.Tensor([0.5]), np.array([2.0]))


def test_load_state_dict_with_values_that_are_not_numbers_or_would_be_truncated():
    layer = nn.Linear(3, 2)
    for value in ("abc", None):
        with pytest.raises(RuntimeError, match="value for 'weight' is not numbers") as info:
            layer.load_state_dict({"weight": value, "bias": np.zeros(2)})
        assert "shape ()" not in str(info.value)
    bn = nn.BatchNorm1d(2)
    state = bn.state_dict()
    state["num_batches_tracked"] = np.array(2.5)
    with pytest.raises(RuntimeError, match="'num_batches_tracked' has fractions.*truncated"):
        bn.load_state_dict(state)
    state["num_batches_tracked"] = np.array(3.0)
    bn.load_state_dict(state)
    assert int(bn.num_batches_tracked) == 3


# --- reductions of nothing, permutations that are not ---


@pytest.mark.parametrize("call,message", [
    (lambda: tg.Tensor(np.zeros(0)).max(), r"max of an empty selection \(shape \(0,\)"),
    (lambda: tg.zeros(2, 0).min(axis=1), r"min of an empty selection \(shape \(2, 0\), axis=1"),
    (lambda: np.max(tg.zeros(0, 3), axis=0), "max of an empty selection"),
    (lambda: tg.zeros(0, 3).max(dim=0), r"max of an empty selection \(shape \(0, 3\), dim=0"),
])
def test_max_and_min_of_nothing_say_so(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_max_over_a_non_empty_axis_of_an_empty_tensor_is_empty():
    assert tg.zeros(2, 0).max(axis=0).shape == (0,)


@pytest.mark.parametrize("shape,axes", [((2, 3), (0, 1, 2)), ((2, 3), ((0, 0),)),
                                        ((2, 3, 4), (0, 1, 3)), ((2, 3, 4), ((2, 0),))])
def test_transpose_with_axes_that_are_not_a_permutation(shape, axes):
    with pytest.raises(ValueError, match=r"is not a permutation of the \d axes of a tensor of "
                                         r"shape"):
        tg.zeros(*shape).transpose(*axes)


# --- fit / evaluate / lr_range_test: parts that are not what they should be ---

def _classification(n=12):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((n, 3)).astype(F32)
    y = (X[:, 0] > 0).astype(np.int64)
    return DataLoader(TensorDataset(X, y), batch_size=4)


class _TupleModel(nn.Module):
    """Returns (logits, hidden), as a recurrent layer does."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(3, 2)

    def forward(self, x):
        out = self.fc(x)
        return out, out.sum()


def _fit(model, loss_fn, optimizer=None, **kwargs):
    optimizer = optimizer if optimizer is not None else tg.optim.SGD(model.parameters(), lr=0.1)
    return tg.train.fit(model, loss_fn, optimizer, _classification(), progress=False, **kwargs)


@pytest.mark.parametrize("call,error,message", [
    (lambda: _fit(_TupleModel(), nn.CrossEntropyLoss()), TypeError,
     r"fit: the model returned a tuple of 2 values, and loss_fn failed on it .*make forward\(\) "
     r"return the predictions alone, or give a loss_fn that picks them"),
    (lambda: tg.train.evaluate(_TupleModel(), nn.CrossEntropyLoss(), _classification()),
     TypeError, "evaluate: the model returned a tuple of 2 values"),
    (lambda: _fit(nn.Linear(3, 2), lambda out, y: 0.5), TypeError,
     r"fit: loss_fn must return a Tensor, .* it returned a plain number 0.5 \(.item\(\)"),
    (lambda: _fit(nn.Linear(3, 2), lambda out, y: tg.Tensor(out.data.mean())), ValueError,
     r"fit: the loss does not depend on any parameter that requires grad"),
    (lambda: _fit(nn.Linear(3, 2), nn.CrossEntropyLoss), TypeError,
     r"fit: loss_fn is the class CrossEntropyLoss, not an instance of it; make one first, "
     r"e.g. nn.CrossEntropyLoss\(\)"),
    (lambda: tg.train.fit(nn.Linear(3, 2), nn.CrossEntropyLoss(), "sgd", _classification()),
     TypeError, r"fit: optimizer must be a tg.optim optimizer, e.g. tg.optim.SGD"),
    (lambda: _fit(nn.Linear(3, 2), nn.CrossEntropyLoss(), scheduler="cosine"), TypeError,
     r"fit: scheduler must be a tg.optim.lr_scheduler schedule"),
    (lambda: _fit(nn.Linear(3, 2), nn.CrossEntropyLoss(),
                  tg.optim.SGD(nn.Linear(3, 2).parameters(), lr=0.1)), ValueError,
     r"fit: the optimizer holds none of the model's trainable parameters, so training would "
     r"change nothing: it was made for another model"),
    (lambda: tg.train.lr_range_test(nn.Linear(3, 2), nn.CrossEntropyLoss(),
                                    tg.optim.SGD(nn.Linear(3, 2).parameters()),
                                    _classification()),
     ValueError, r"lr_range_test: the optimizer holds none of the model's"),
    (lambda: tg.train.fit(nn.Linear, nn.CrossEntropyLoss(), None, _classification()),
     TypeError, r"fit: model is the class Linear, not an instance of it"),
])
@pytest.mark.filterwarnings("ignore:tg.Tensor\\(\\[...\\]\\) of tensors that require grad")
def test_fit_names_what_is_wrong_with_its_parts(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_fit_with_a_tuple_output_and_a_loss_that_takes_it_works():
    model = _TupleModel()
    criterion = nn.CrossEntropyLoss()
    history = _fit(model, lambda out, y: criterion(out[0], y), metrics=[])
    assert np.isfinite(history.epoch["train_loss"][0])


def test_fit_trains_a_partly_frozen_model():
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    model[0].requires_grad_(False)
    frozen = model[0].weight.data.copy()
    _fit(model, nn.CrossEntropyLoss(), tg.optim.SGD(model.parameters(), lr=0.1))
    np.testing.assert_array_equal(model[0].weight.data, frozen)


def test_accuracy_refuses_targets_that_are_not_class_labels():
    with pytest.raises(ValueError, match=r"accuracy compares predicted and true class labels, "
                                         r"but the targets are not class labels \(1 of them are "
                                         r"not whole numbers, e.g. 0.5\): for a regression"):
        tg.train.accuracy(np.zeros((4, 2)), np.array([0.0, 1.0, 0.5, 1.0]))
    with pytest.raises(ValueError, match="not class labels"):  # a regression's targets
        tg.train.accuracy(np.zeros((4, 1)), np.array([0.3, 1.2, -0.5, 2.0], F32))
    # whole-number float labels (BCE targets) are labels
    assert tg.train.accuracy(np.array([[1.0], [-1.0]]), np.array([1.0, 0.0], F32)) == 1.0


# --- DataLoader: samples it cannot batch ---

class _Samples:
    def __init__(self, make, n=4):
        self.make, self.n = make, n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return self.make(i)


@pytest.mark.parametrize("make,error,message", [
    (lambda i: {"x": np.ones(2), "y": i} if i < 2 else {"x": np.ones(2)}, ValueError,
     r"DataLoader: dataset\[0\] is a dict with keys \['x', 'y'\] but dataset\[2\] is a dict "
     r"with keys \['x'\]"),
    (lambda i: (np.ones(2), i) if i < 3 else (np.ones(2),), ValueError,
     r"DataLoader: dataset\[0\] is a tuple of 2 field\(s\) but dataset\[3\] is a tuple of 1"),
    (lambda i: [np.ones(2), i], TypeError,
     r"DataLoader: dataset\[0\] is a list, which PyTorch batches as fields .* return a tuple "
     r"\(x, y\) from __getitem__ for fields, or np.array\(...\) for one array"),
    (lambda i: (np.ones(2, F32), "cat"), TypeError,
     r"cannot make a batch \(field 1 of the samples\): dataset\[0\] holds 'cat': .*Encode "
     r"labels given as strings as integers"),
    (lambda i: None, TypeError, r"cannot make a batch: dataset\[0\] holds None"),
])
def test_dataloader_names_the_sample_it_cannot_batch(make, error, message):
    with pytest.raises(error, match=message):
        list(DataLoader(_Samples(make), batch_size=4))


def test_dataloader_warns_when_drop_last_leaves_nothing():
    data = TensorDataset(np.zeros((5, 2), F32), np.arange(5))
    with pytest.warns(UserWarning, match=r"drop_last=True with 5 samples, fewer than "
                                         r"batch_size=8: every epoch is empty"):
        loader = DataLoader(data, batch_size=8, drop_last=True)
    assert list(loader) == [] and len(loader) == 0          # PyTorch's behaviour, kept
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert [b[0].shape for b in DataLoader(data, batch_size=8)] == [(5, 2)]


# --- tg.save: what would come back different, and misuse ---

@pytest.mark.filterwarnings("ignore:the matrix subclass")
@pytest.mark.parametrize("make,message", [
    (lambda: {"w": np.ma.array([1.0, 2.0], mask=[0, 1])},
     r"cannot store a MaskedArray \(at state_dict\['w'\]\): its mask would be lost"),
    (lambda: {"w": np.matrix([[1.0, 2.0]])}, r"cannot store a matrix \(at state_dict\['w'\]\): "
                                             r"it would load back as a plain ndarray"),
], ids=["masked", "matrix"])
def test_save_refuses_arrays_that_would_load_back_different(tmp_path, make, message):
    with pytest.raises(TypeError, match=message):
        tg.save(make(), tmp_path / "c.npz")
    assert list(tmp_path.iterdir()) == []


def test_save_refuses_a_container_that_holds_itself(tmp_path):
    loop = {"a": [1]}
    loop["a"].append(loop)
    with pytest.raises(TypeError, match=r"the dict at state_dict\['a'\]\[1\] contains itself"):
        tg.save(loop, tmp_path / "c.npz")
    shared = [1.0, 2.0]                          # shared, but no loop: fine
    tg.save({"a": shared, "b": shared}, tmp_path / "ok.npz")
    assert tg.load(tmp_path / "ok.npz") == {"a": shared, "b": shared}


def test_save_and_load_name_a_folder_and_swapped_arguments(tmp_path):
    with pytest.raises(IsADirectoryError, match=r"tg.save: .* is a folder; give a file name in "
                                                r"it, e.g. .*checkpoint.npz"):
        tg.save({"a": 1}, tmp_path)
    with pytest.raises(IsADirectoryError, match=r"tg.load: .* is a folder, not a checkpoint"):
        tg.load(tmp_path)
    with pytest.raises(TypeError, match=r"tg.save\(state_dict, path\): the arguments are "
                                        r"swapped, the first is the path 'c.npz'"):
        tg.save("c.npz", {"a": 1})
    with pytest.raises(TypeError, match=r"cannot store a SGD \(the top-level object passed to "
                                        r"tg.save\); save optimizer.state_dict\(\) instead"):
        tg.save(tg.optim.SGD([leaf([1.0])]), tmp_path / "c.npz")
    assert list(tmp_path.iterdir()) == []


# --- Module: what would silently not be registered, load_state_dict's checks ---

def test_a_tensor_that_requires_grad_must_be_a_parameter():
    class Model(nn.Module):
        def __init__(self):
            super().__init__()
            self.scale = tg.Tensor(np.ones(2, F32))            # a constant: fine
            self.w = tg.Tensor(np.ones(2, F32), requires_grad=True)

    with pytest.raises(TypeError, match=r"Model.w is a Tensor that requires grad but not an "
                                        r"nn.Parameter: parameters\(\) would not yield it, so no "
                                        r"optimizer would train it .* use self.w = "
                                        r"nn.Parameter\(...\), or self.register_buffer\('w', "
                                        r"tensor\)"):
        Model()


def test_a_plain_list_of_layers_is_refused():
    class Model(nn.Module):
        def __init__(self):
            super().__init__()
            self.layers = [nn.Linear(2, 2), nn.Linear(2, 2)]

    with pytest.raises(TypeError, match=r"Model.layers: a plain list of Linears is not "
                                        r"registered, .* use nn.ModuleList\(\[...\]\)"):
        Model()
    holder = nn.Module()
    with pytest.raises(TypeError, match=r"a plain dict of Parameters is not registered"):
        holder.weights = {"a": nn.Parameter(np.ones(2))}
    holder.sizes = [2, 3]                       # plain data stays plain
    holder.cache = leaf([1.0]) * 2              # a computed tensor, not a weight: fine


@pytest.mark.parametrize("spoil,message", [
    (lambda sd: sd.update(bias=np.full(2, 1e300)),
     r"value for 'bias' overflows float32 \(it holds 1e\+300, beyond 3.4e\+38\): it would "
     r"become inf"),
    (lambda sd: {"model": dict(sd), "epoch": 3},
     r"the state_dict holds dicts under 'model': a checkpoint\? pass the model's part, e.g. "
     r"model.load_state_dict\(checkpoint\['model'\]\)"),
])
def test_load_state_dict_refuses_values_that_would_change_meaning(spoil, message):
    layer = nn.Linear(3, 2)
    before = layer.bias.data.copy()
    sd = {k: v.numpy().astype(F64) for k, v in layer.state_dict().items()}
    sd = spoil(sd) or sd
    with pytest.raises(RuntimeError, match=message):
        layer.load_state_dict(sd)
    np.testing.assert_array_equal(layer.bias.data, before)


def test_load_state_dict_refuses_inf_into_an_integer_buffer():
    bn = nn.BatchNorm1d(2)
    state = bn.state_dict()
    state["num_batches_tracked"] = np.array(np.inf)
    with pytest.raises(RuntimeError, match="value for 'num_batches_tracked' holds nan or inf, "
                                           r"but 'num_batches_tracked' holds integers"):
        bn.load_state_dict(state)


def test_load_state_dict_of_a_shared_layer_needs_one_value():
    shared = nn.Linear(2, 2)
    model = nn.Sequential(shared, nn.ReLU(), shared)
    assert len(list(model.parameters())) == 2
    sd = model.state_dict()
    assert list(sd) == ["0.weight", "0.bias", "2.weight", "2.bias"]   # as PyTorch
    model.load_state_dict(sd)                                          # equal values: fine
    sd["2.bias"] = tg.Tensor(np.ones(2, F32))
    with pytest.raises(RuntimeError, match=r"'0.bias' and '2.bias' are the same tensor \(a "
                                           r"layer used twice\) but the state_dict gives them "
                                           r"different values"):
        model.load_state_dict(sd)


def test_load_state_dict_strict_is_a_flag_and_a_load_of_nothing_warns():
    layer = nn.Linear(2, 2)
    with pytest.raises(TypeError, match="load_state_dict: strict must be True or False, got 'no'"):
        layer.load_state_dict(layer.state_dict(), strict="no")
    prefixed = {"module." + k: v for k, v in layer.state_dict().items()}
    with pytest.warns(UserWarning, match=r"load_state_dict\(strict=False\) loaded nothing: none "
                                         r"of the 2 keys of the state_dict \(e.g. "
                                         r"'module.weight'\) is a key of this Linear"):
        result = layer.load_state_dict(prefixed, strict=False)
    assert result.missing_keys == ["weight", "bias"]


@pytest.mark.parametrize("call,message", [
    (lambda m: m.zero_grad(set_to_none="no"), "zero_grad: set_to_none must be True or False"),
    (lambda m: m.requires_grad_("no"), "requires_grad_: requires_grad must be True or False"),
    (lambda m: nn.Parameter(np.ones(2), requires_grad="no"),
     "Parameter: requires_grad must be True or False"),
    # m.to("cuda"): a ValueError naming the CPU, see test_nn_torch_habits.py
])
def test_module_flags_and_dtypes_are_checked(call, message):
    model = nn.Linear(2, 2)
    with pytest.raises(TypeError, match=message):
        call(model)
    assert all(p.requires_grad for p in model.parameters())


# --- nn.init: no fan for a bias, never on a computed tensor, empty tensors ---

def test_init_explains_a_1d_tensor_and_refuses_a_computed_one():
    with pytest.raises(ValueError, match=r"got shape \(3,\): a 1-D tensor \(a bias\?\) has no fan "
                                         r"in; fill it with zeros_"):
        nn.init.kaiming_uniform_(tg.zeros(3))
    computed = leaf(np.ones((2, 2))) * 2
    before = computed.data.copy()
    with pytest.raises(ValueError, match=r"init functions fill a leaf tensor \(a weight\), but "
                                         r"this one \(shape \(2, 2\)\) was computed by Mul"):
        nn.init.normal_(computed)
    np.testing.assert_array_equal(computed.data, before)
    for init in (nn.init.xavier_uniform_, nn.init.xavier_normal_, nn.init.kaiming_normal_):
        assert init(tg.zeros(0, 0)).shape == (0, 0)   # nothing to fill (was a ZeroDivision)


# --- viz: names that would be silently ignored ---

@pytest.mark.parametrize("draw", [tg.viz.to_dot, tg.viz.explain_backward],
                         ids=["to_dot", "explain_backward"])
@pytest.mark.parametrize("names,message", [
    ("reversed", r"names maps each label to its tensor, \{'x': tensor\}; this one is the other "
                 r"way round"),
    ({"x": 3}, r"names\['x'\] must be a Tensor \(the tensor to label 'x'\), got int"),
    ([("x", None)], r"names must be a dict \{label: tensor\}"),
])
def test_viz_names_are_checked(draw, names, message):
    x = leaf([1.0, 2.0])
    y = (x * x).sum()
    names = {x: "x"} if names == "reversed" else names
    with pytest.raises(TypeError, match=f"{draw.__name__}: {message}"):
        draw(y, names=names)
    assert "x" in draw(y, names={"x": x})


def test_to_dot_flags_are_checked():
    x = leaf([1.0])
    with pytest.raises(TypeError, match="to_dot: show_values must be True or False, got 'yes'"):
        tg.viz.to_dot(x * 2, show_values="yes")


# --- gradgradcheck's grad_outputs and inputs ---

def test_gradgradcheck_checks_grad_outputs_and_inputs():
    x = leaf([1.0, 2.0])
    assert tg.gradgradcheck(lambda x: x * x * x, x, grad_outputs=np.array([1.0, -1.0]))
    with pytest.raises(ValueError, match=r"gradgradcheck: grad_outputs\[0\] has shape \(3,\), "
                                         r"but output 0 has shape \(2,\)"):
        tg.gradgradcheck(lambda x: x * x * x, x, grad_outputs=tg.ones(3, dtype=F64))
    with pytest.raises(ValueError, match=r"grad_outputs has 1 vector\(s\), but fn has 2 "
                                         r"output\(s\) that require grad"):
        tg.gradgradcheck(lambda x: (x * x, x * x * x), x, grad_outputs=[tg.ones(2, dtype=F64)])
    for check in (tg.gradcheck, tg.gradgradcheck):
        with pytest.raises(ValueError, match=f"{check.__name__}: no input requires grad; .*as "
                                             r"Tensors: tg.Tensor\(array, requires_grad=True\)"):
            check(lambda x: x * x, np.ones(2))
        with pytest.raises(TypeError, match=f"{check.__name__}: fn must be a function"):
            check(3, x)


@pytest.mark.parametrize("value", ["no", "yes", 1, None])
def test_requires_grad_takes_only_a_bool(value):
    x = tg.Tensor([1.0])
    with pytest.raises(TypeError, match=r"requires_grad must be True or False, got"):
        x.requires_grad = value
    assert x.requires_grad is False
    with pytest.raises(TypeError, match=r"requires_grad must be True or False"):
        tg.Tensor([1.0], requires_grad=value)
