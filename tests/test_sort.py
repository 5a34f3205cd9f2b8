"""sort, argsort, topk, median, quantile and percentile against PyTorch (forward, first and
second order), ties against torch.sort(stable=True) and torch.median, and where NumPy's and
PyTorch's habits meet on one name: np.sort gives values, t.sort() PyTorch's pair (values,
indices); NumPy's in-place a.sort(axis=...) is refused; np.median averages the two middle
values where torch.median takes the lower one.
"""
import warnings

import numpy as np
import pytest

import tinygrad_edu as tg

from test_torch_oracle import run_case, uniform

torch = pytest.importorskip("torch", reason="PyTorch not installed: oracle tests skipped")

SEEDS = (0, 1)


def leaf(values, dtype=np.float64):
    return tg.Tensor(np.array(values, dtype=dtype), requires_grad=True)


def with_ties(shape, seed=0, nan=False):
    """Small integers (many ties), and some NaN if asked."""
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 3, shape).astype(np.float64)
    if nan:
        x[rng.random(shape) < 0.2] = np.nan
    return x


def assert_same(ours, theirs, what=""):
    theirs = theirs.detach().numpy() if isinstance(theirs, torch.Tensor) else np.asarray(theirs)
    ours = ours.data if isinstance(ours, tg.Tensor) else np.asarray(ours)
    assert ours.shape == theirs.shape, f"{what}: shape {ours.shape} vs {theirs.shape}"
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-12, err_msg=what)


# --- sort: forward, first and second order against torch ---

SORT_CASES = [((5,), 0), ((5,), -1), ((3, 4), 0), ((3, 4), 1), ((2, 3, 4), 1), ((2, 3, 4), -1),
              ((1, 4), 0), ((), 0)]


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("shape,dim", SORT_CASES, ids=str)
def test_sort_values_match_torch(shape, dim, descending, seed):
    def theirs(x):
        return torch.sort(x, dim=dim, descending=descending, stable=True).values
    run_case(lambda x: tg.sort(x, dim, descending=descending).values, theirs,
             [uniform(shape)], seed)
    run_case(lambda x: x.sort(dim=dim, descending=descending).values, theirs,
             [uniform(shape)], seed)
    if shape and not descending:
        run_case(lambda x: np.sort(x, axis=dim), theirs, [uniform(shape)], seed)


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("shape,dim", SORT_CASES, ids=str)
def test_sort_indices_match_torch(shape, dim, descending):
    x = np.random.default_rng(0).standard_normal(shape)
    values, indices = tg.Tensor(x).sort(dim, descending)
    theirs = torch.tensor(x).sort(dim=dim, descending=descending)
    assert_same(values, theirs.values, "values")
    assert indices.dtype == np.int64 and not indices.requires_grad
    np.testing.assert_array_equal(indices.data, theirs.indices.numpy())


def test_np_sort_of_the_flattened_tensor():
    x = np.random.default_rng(0).standard_normal((3, 4))
    run_case(lambda t: np.sort(t, axis=None), lambda t: torch.sort(t.flatten()).values,
             [uniform((3, 4))], 0)
    np.testing.assert_array_equal(np.sort(tg.Tensor(x), axis=None).data, np.sort(x, axis=None))


# --- ties (and NaN): the positions of torch.sort(stable=True), NumPy's stable argsort ---


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("dim", [0, 1, -1])
def test_ties_and_nan_follow_torch_stable_sort(dim, descending, seed):
    x = with_ties((4, 6), seed, nan=seed % 2 == 1)
    g = np.random.default_rng(100 + seed).standard_normal(x.shape)
    ours = leaf(x)
    theirs = torch.tensor(x, requires_grad=True)
    values, indices = ours.sort(dim, descending=descending)
    expected = theirs.sort(dim=dim, descending=descending, stable=True)
    np.testing.assert_array_equal(values.data, expected.values.detach().numpy())  # NaN == NaN
    np.testing.assert_array_equal(indices.data, expected.indices.numpy())
    values.backward(g)
    expected.values.backward(torch.tensor(g))
    np.testing.assert_array_equal(ours.grad.data, theirs.grad.numpy())
    if not descending:  # NumPy's sort too: the gradient goes where its stable argsort says
        y = np.sort(leaf(x), axis=dim)
        np.testing.assert_array_equal(y.data, np.sort(x, axis=dim))
        np.testing.assert_array_equal(
            np.argsort(x, axis=dim, kind="stable"), expected.indices.numpy())


# --- argsort ---


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("dim", [0, 1, -1])
def test_argsort_matches_torch_stable(dim, descending, seed):
    x = with_ties((4, 5), seed, nan=seed == 2)
    expected = torch.argsort(torch.tensor(x), dim=dim, descending=descending, stable=True)
    for ours in (tg.argsort(tg.Tensor(x), dim=dim, descending=descending),
                 tg.Tensor(x).argsort(dim, descending), tg.Tensor(x).argsort(dim=dim,
                                                                            descending=descending)):
        assert ours.dtype == np.int64 and not ours.requires_grad
        np.testing.assert_array_equal(ours.data, expected.numpy())


def test_argsort_numpy_forms():
    x = with_ties((3, 4))
    t = tg.Tensor(x)
    np.testing.assert_array_equal(t.argsort().data, np.argsort(x, kind="stable"))
    np.testing.assert_array_equal(t.argsort(axis=None).data, np.argsort(x, None, kind="stable"))
    np.testing.assert_array_equal(t.argsort(0, "stable").data, np.argsort(x, 0, "stable"))
    np.testing.assert_array_equal(t.argsort(axis=0, kind="heapsort").data,
                                  np.argsort(x, axis=0, kind="stable"))  # always stable
    # np.argsort on a tensor that requires grad is NumPy's own: integers, no graph to cut.
    result = np.argsort(leaf(x), axis=1)
    assert isinstance(result, np.ndarray) and result.dtype.kind == "i"
    np.testing.assert_array_equal(result, np.argsort(x, axis=1))


# --- topk ---


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("largest", [True, False])
@pytest.mark.parametrize("shape,dim,k", [((6,), 0, 3), ((3, 5), 1, 2), ((3, 5), 0, 3),
                                         ((2, 3, 4), -1, 4), ((2, 3, 4), 1, 0)], ids=str)
def test_topk_matches_torch(shape, dim, k, largest, seed):
    def theirs(x):
        return torch.topk(x, k, dim=dim, largest=largest).values
    run_case(lambda x: x.topk(k, dim, largest=largest).values, theirs, [uniform(shape)], seed)
    run_case(lambda x: tg.topk(x, k, dim=dim, largest=largest).values, theirs,
             [uniform(shape)], seed)
    x = np.random.default_rng(seed).standard_normal(shape)
    values, indices = tg.Tensor(x).topk(k, dim, largest)
    expected = torch.tensor(x).topk(k, dim=dim, largest=largest)
    assert_same(values, expected.values, "values")
    np.testing.assert_array_equal(indices.data, expected.indices.numpy())


def test_topk_of_a_0d_tensor_and_k_out_of_range():
    values, indices = tg.Tensor(2.5).topk(1)
    expected = torch.tensor(2.5).topk(1)
    assert values.item() == expected.values.item() and indices.item() == expected.indices.item()
    with pytest.raises(ValueError, match=r"topk: k must be an int in \[0, 4\], got 5"):
        tg.Tensor(np.ones(4)).topk(5)
    with pytest.raises(TypeError, match="topk: k must be an int"):
        tg.Tensor(np.ones(4)).topk(2.0)


# --- quantile and percentile: 'linear', as torch.quantile ---

QUANTILE_CASES = [((7,), 0.3, None, False), ((3, 4), 0.5, 1, False),
                  ((3, 4), [0.0, 0.25, 1.0], 0, True), ((2, 3, 4), [0.1, 0.9], -1, False),
                  ((2, 3, 4), 0.75, None, True), ((4,), 1.0, 0, False), ((), 0.4, None, False)]


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("shape,q,dim,keepdim", QUANTILE_CASES, ids=str)
def test_quantile_matches_torch(shape, q, dim, keepdim, seed):
    def theirs(x):
        q_t = torch.tensor(q, dtype=torch.float64) if isinstance(q, list) else q
        return torch.quantile(x, q_t, dim=dim, keepdim=keepdim)
    run_case(lambda x: x.quantile(q, dim=dim, keepdim=keepdim), theirs, [uniform(shape)], seed)
    run_case(lambda x: tg.quantile(x, q, dim, keepdim), theirs, [uniform(shape)], seed)
    run_case(lambda x: np.quantile(x, q, axis=dim, keepdims=keepdim), theirs,
             [uniform(shape)], seed)
    percent = np.multiply(q, 100).tolist()
    run_case(lambda x: np.percentile(x, percent, axis=dim, keepdims=keepdim), theirs,
             [uniform(shape)], seed)


def test_quantile_over_several_axes_as_numpy():
    x = np.random.default_rng(0).standard_normal((2, 3, 4))
    for axis in [(0, 2), (2, 0), (-1, -2), [0, 1, 2]]:
        for keepdims in (False, True):
            np.testing.assert_allclose(
                np.quantile(tg.Tensor(x), [0.2, 0.6], axis=axis, keepdims=keepdims).data,
                np.quantile(x, [0.2, 0.6], axis=axis, keepdims=keepdims), rtol=1e-12)
            np.testing.assert_allclose(np.median(tg.Tensor(x), axis=axis, keepdims=keepdims).data,
                                       np.median(x, axis=axis, keepdims=keepdims), rtol=1e-12)


# --- median: NumPy averages the two middle values, PyTorch takes the lower one ---


def test_numpy_median_averages_and_torch_median_takes_the_lower():
    x = np.array([4.0, 1.0, 3.0, 2.0])
    assert np.median(tg.Tensor(x)).item() == np.median(x) == 2.5
    assert tg.Tensor(x).median().item() == torch.tensor(x).median().item() == 2.0
    # np.median is the linear quantile at 0.5, as torch.quantile computes it.
    run_case(lambda t: np.median(t, axis=1), lambda t: torch.quantile(t, 0.5, dim=1),
             [uniform((3, 6))], 0)
    run_case(lambda t: np.median(t), lambda t: torch.quantile(t, 0.5), [uniform((3, 5))], 1)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("shape", [(5,), (6,), (3, 4), (2, 3, 3)], ids=str)
def test_lower_median_of_all_matches_torch(shape, seed):
    run_case(lambda x: x.median(), torch.median, [uniform(shape)], seed)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("shape,dim,keepdim", [((5,), 0, False), ((3, 4), 1, False),
                                               ((3, 4), 0, True), ((2, 3, 5), -1, False)],
                         ids=str)
def test_lower_median_along_a_dim_matches_torch(shape, dim, keepdim, seed):
    run_case(lambda x: x.median(dim, keepdim).values,
             lambda x: torch.median(x, dim, keepdim).values, [uniform(shape)], seed)
    x = np.random.default_rng(seed).standard_normal(shape)
    values, indices = tg.Tensor(x).median(dim=dim, keepdim=keepdim)
    expected = torch.tensor(x).median(dim=dim, keepdim=keepdim)
    assert_same(values, expected.values, "values")
    np.testing.assert_array_equal(indices.data, expected.indices.numpy())


@pytest.mark.parametrize("seed", range(6))
def test_median_ties_and_nan_follow_torch(seed):
    x = with_ties((4, 6) if seed % 2 else (5, 5), seed, nan=seed >= 4)
    g = np.random.default_rng(seed).standard_normal(x.shape[0])
    # Along a dim: the value and index torch returns; the gradient to that index.
    ours, theirs = leaf(x), torch.tensor(x, requires_grad=True)
    values, indices = ours.median(1)
    expected = theirs.median(1)
    np.testing.assert_array_equal(values.data, expected.values.detach().numpy())
    np.testing.assert_array_equal(indices.data, expected.indices.numpy())
    values.backward(g)
    expected.values.backward(torch.tensor(g))
    np.testing.assert_array_equal(ours.grad.data, theirs.grad.numpy())
    # Of all elements: the elements equal to the median share its gradient (as torch).
    ours, theirs = leaf(x), torch.tensor(x, requires_grad=True)
    y, expected = ours.median(), theirs.median()
    np.testing.assert_array_equal(y.data, expected.detach().numpy())
    if not np.isnan(y.item()):
        y.backward()
        expected.backward()
        np.testing.assert_allclose(ours.grad.data, theirs.grad.numpy(), rtol=1e-15)


def test_numpy_median_and_quantile_of_nan_are_nan_as_numpy():
    x = np.array([[1.0, np.nan, 3.0], [2.0, 5.0, 4.0]])
    for axis in (None, 0, 1):
        np.testing.assert_array_equal(np.median(leaf(x), axis=axis).data, np.median(x, axis=axis))
        np.testing.assert_array_equal(np.quantile(leaf(x), [0.3, 1.0], axis=axis).data,
                                      np.quantile(x, [0.3, 1.0], axis=axis))
    t = leaf(x)
    np.median(t, axis=1).sum().backward()  # the NaN row gets no gradient, the other its middle
    np.testing.assert_array_equal(t.grad.data, [[0.0, 0.0, 0.0], [0.0, 0.0, 1.0]])


def test_numpy_median_at_a_tie_sends_the_gradient_where_the_stable_order_puts_it():
    x = np.array([2.0, 1.0, 2.0, 2.0, 3.0])
    t = leaf(x)
    np.median(t).backward()
    middle = np.argsort(x, kind="stable")[2]
    assert np.median(x) == x[middle]
    np.testing.assert_array_equal(t.grad.data, np.eye(5)[middle])


# --- the pairs: PyTorch's habit unpacks them, NumPy's habit gets an error ---

PAIRS = [
    ("sort", lambda t: t.sort(1), r"t\.sort\(\) returns the pair \(values, indices\).*np\.sort"),
    ("tg.sort", lambda t: tg.sort(t), r"t\.sort\(\) returns the pair"),
    ("topk", lambda t: t.topk(2), r"t\.topk\(k\) returns the pair \(values, indices\)"),
    ("median", lambda t: t.median(1), r"t\.median\(dim\) returns the pair.*lower median.*"
                                      r"np\.median"),
]


@pytest.mark.parametrize("use", [lambda p: p + 1, lambda p: 2 * p, lambda p: -p,
                                 lambda p: np.asarray(p), lambda p: np.exp(p), lambda p: p > 0,
                                 lambda p: float(p), lambda p: np.sum(p)],
                         ids=["add", "rmul", "neg", "asarray", "ufunc", "compare", "float",
                              "np.sum"])
@pytest.mark.parametrize("name,make,message", PAIRS, ids=[p[0] for p in PAIRS])
def test_a_pair_used_as_values_raises(name, make, message, use):
    pair = make(tg.Tensor(np.arange(8.0).reshape(2, 4)))
    with pytest.raises(TypeError, match=message):
        use(pair)
    values, indices = pair  # and it unpacks as PyTorch's does
    assert pair.values is values and pair.indices is indices


@pytest.mark.parametrize("name,make,message", PAIRS, ids=[p[0] for p in PAIRS])
def test_tensor_attributes_on_a_pair_name_it(name, make, message):
    pair = make(tg.Tensor(np.arange(8.0).reshape(2, 4)))
    with pytest.raises(AttributeError, match=f"no attribute 'backward'. {message}"):
        pair.backward()
    pair[0]  # noqa: B018 (read: no warning when it goes)


# --- NumPy's in-place a.sort(axis=...) is refused; an unread t.sort() warns ---


@pytest.mark.parametrize("call,given", [
    (lambda t: t.sort(axis=0), r"axis=0"), (lambda t: t.sort(kind="stable"), r"kind='stable'"),
    (lambda t: t.sort(order="x"), r"order='x'"), (lambda t: t.sort(-1, "stable"), r"-1, 'stable'"),
    (lambda t: t.sort(axis=-1, kind="quicksort"), r"axis=-1, kind='quicksort'"),
])
def test_numpys_in_place_sort_is_refused_and_names_both_ways(call, given):
    t = leaf([[3.0, 1.0, 2.0], [0.0, -1.0, 5.0]])
    before = t.data.copy()
    with pytest.raises(TypeError, match=rf"t\.sort\({given}\) is NumPy's ndarray\.sort, which "
                                        r"sorts t in place.*np\.sort\(t, axis=\.\.\.\).*"
                                        r"t\.sort\(dim=\.\.\.\)"):
        call(t)
    np.testing.assert_array_equal(t.data, before)


def test_t_sort_as_a_statement_warns_that_t_is_unchanged():
    t = leaf([3.0, 1.0, 2.0])
    with pytest.warns(UserWarning, match=r"nothing read them: t itself is unchanged.*"
                                         r"t = np\.sort\(t\)"):
        t.sort()
    np.testing.assert_array_equal(t.data, [3.0, 1.0, 2.0])


@pytest.mark.parametrize("read", [
    lambda t: t.sort(), lambda t: t.sort().values, lambda t: t.sort()[1],
    lambda t: repr(t.sort()), lambda t: list(t.sort()), lambda t: tg.sort(t, 0).indices,
])
def test_a_pair_that_is_read_does_not_warn(read):
    t = leaf([3.0, 1.0, 2.0])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        values, indices = t.sort(descending=True)
        np.testing.assert_array_equal(values.data, [3.0, 2.0, 1.0])
        del values, indices
        result = read(t)
        if isinstance(result, tuple):
            result[0]  # noqa: B018
        del result
        t.sort()  # the one unread pair: exactly one warning
    assert len(caught) == 1 and str(caught[0].message).startswith(
        "t.sort() returned (values, indices) and nothing read them")


# --- NumPy's options: honoured, or refused with the reason ---


def test_np_sort_kinds_give_the_same_values_and_bad_options_fail_as_numpy():
    x = np.random.default_rng(0).standard_normal((3, 4))
    for options in ({"kind": "quicksort"}, {"kind": "mergesort"}, {"kind": "heapsort"},
                    {"kind": "stable"}, {"stable": True}, {"stable": False}):
        np.testing.assert_array_equal(np.sort(leaf(x), **options).data, np.sort(x, **options))
    with pytest.raises(ValueError) as numpy_error:
        np.sort(x, kind="bogus")
    with pytest.raises(ValueError, match=str(numpy_error.value).replace("(", r"\(")
                       .replace(")", r"\)")):
        np.sort(leaf(x), kind="bogus")
    with pytest.raises(TypeError, match="np.sort on a Tensor does not support order="):
        np.sort(leaf(x), order="f")
    with pytest.raises(np.exceptions.AxisError, match="out of bounds"):
        np.sort(leaf(2.0))  # as NumPy: a 0-d array has no axis -1
    np.testing.assert_array_equal(np.sort(leaf(2.0), axis=None).data, np.sort(np.array(2.0), None))


@pytest.mark.parametrize("call,error,message", [
    (lambda t: np.quantile(t, 0.5, method="lower"), TypeError, r"method='linear' only.*'lower'"),
    (lambda t: np.percentile(t, 50, method="nearest"), TypeError, r"method='linear' only"),
    (lambda t: np.quantile(t, 0.5, weights=np.ones(4)), TypeError, "does not support weights="),
    (lambda t: np.median(t, out=np.empty(())), TypeError, "np.median on a Tensor does not "
                                                          "support out="),
    (lambda t: np.quantile(t, 1.5), ValueError, r"q must be in the range \[0, 1\]"),
    (lambda t: np.quantile(t, [0.5, np.nan]), ValueError, r"range \[0, 1\]"),
    (lambda t: np.percentile(t, 150), ValueError, r"q must be in the range \[0, 100\]"),
    (lambda t: np.quantile(t, "half"), TypeError, r"q must be numbers in \[0, 1\]"),
    (lambda t: np.quantile(t, leaf(0.5)), TypeError, r"q is taken as a constant.*q\.detach\(\)"),
    (lambda t: t.quantile(0.5, interpolation="midpoint"), TypeError,
     r"interpolation='linear' only.*'midpoint'"),
    (lambda t: t.quantile(0.5, axis=0, dim=0), TypeError, "not both"),
    (lambda t: np.median(t[:0]), ValueError, r"median of an empty selection \(shape \(0,\)"),
    (lambda t: np.quantile(t, 0.5, axis=1), np.exceptions.AxisError, "out of bounds"),
])
def test_quantile_and_median_options_are_checked(call, error, message):
    with pytest.raises(error, match=message):
        call(leaf([1.0, 2.0, 3.0, 4.0]))


@pytest.mark.parametrize("call,error,message", [
    (lambda t: t.sort(dim=1.5), TypeError, r"sort: dim must be an int, got 1\.5"),
    (lambda t: t.sort(dim=2), np.exceptions.AxisError, "sort: axis 2 is out of bounds"),
    (lambda t: t.sort(dim=None), TypeError, r"np\.sort\(t, axis=None\)"),
    (lambda t: t.sort(descending="yes"), TypeError, "descending must be True or False"),
    (lambda t: t.sort(stable=1), TypeError, "stable must be True or False"),
    (lambda t: t.argsort(axis=0, dim=1), TypeError, "not both"),
    (lambda t: t.argsort(order="f"), TypeError, "structured arrays"),
    (lambda t: t.topk(1, largest="no"), TypeError, "largest must be True or False"),
    (lambda t: t.median(axis=0), TypeError, r"Tensor\.median is PyTorch's.*np\.median\(t, axis"),
    (lambda t: t.median(keepdims=True), TypeError, r"np\.median"),
    (lambda t: t.median(keepdim=True), TypeError, "keepdim=True needs a dim"),
    (lambda t: t.sort(dims=1), TypeError, "sort.. got an unexpected keyword argument 'dims'"),
    (lambda t: t.median(dims=1), TypeError, "unexpected keyword argument 'dims'"),
    (lambda t: t[:, :0].median(1), ValueError, "median of an empty selection"),
])
def test_bad_arguments_are_refused(call, error, message):
    with pytest.raises(error, match=message):
        call(tg.Tensor(np.arange(6.0).reshape(2, 3)))


def test_np_partition_is_refused_on_a_grad_tensor_and_computed_otherwise():
    x = np.array([3.0, 1.0, 4.0, 1.5, 9.0])
    with pytest.raises(TypeError, match=r"np\.partition of a Tensor that requires grad.*np\.sort"):
        np.partition(leaf(x), 2)
    np.testing.assert_array_equal(np.partition(tg.Tensor(x), 2), np.partition(x, 2))
    with tg.no_grad():
        np.testing.assert_array_equal(np.partition(leaf(x), 2), np.partition(x, 2))


# --- dtypes and shapes ---


def test_dtypes():
    x32 = np.array([[3.0, 1.0, 2.0], [0.5, 4.0, -1.0]], dtype=np.float32)
    for y in (np.sort(tg.Tensor(x32)), tg.Tensor(x32).sort().values, tg.Tensor(x32).topk(2).values,
              np.median(tg.Tensor(x32)), np.quantile(tg.Tensor(x32), [0.2, 0.7], axis=1),
              tg.Tensor(x32).median(), tg.Tensor(x32).median(0).values):
        assert y.dtype == np.float32
    ints = np.array([[3, 1, 2], [5, 4, 4]])
    np.testing.assert_array_equal(np.sort(tg.Tensor(ints)).data, np.sort(ints))
    assert np.sort(tg.Tensor(ints)).dtype == np.int64
    assert tg.Tensor(ints).median().item() == torch.tensor(ints).median().item()
    median = np.median(tg.Tensor(ints), axis=1)  # an average: the default float dtype
    assert median.dtype == tg.get_default_dtype()
    np.testing.assert_allclose(median.data, np.median(ints, axis=1))


def test_0d_and_empty_shapes_as_torch():
    for ours, theirs in [(tg.Tensor(2.5).sort(), torch.tensor(2.5).sort()),
                         (tg.Tensor(2.5).median(0), torch.tensor(2.5).median(0)),
                         (tg.Tensor(np.ones((0, 3))).sort(1), torch.ones(0, 3).sort(1)),
                         (tg.Tensor(np.ones((2, 3))).topk(0), torch.ones(2, 3).topk(0))]:
        assert_same(ours.values, theirs.values)
        np.testing.assert_array_equal(ours.indices.data, theirs.indices.numpy())
    assert tg.Tensor(2.5).argsort().item() == torch.tensor(2.5).argsort().item()
    assert np.quantile(tg.Tensor(2.5), 0.3).item() == np.quantile(2.5, 0.3)


def test_no_graph_under_no_grad():
    x = leaf([3.0, 1.0, 2.0])
    with tg.no_grad():
        for y in (np.sort(x), x.sort().values, x.topk(1).values, np.median(x), x.median(),
                  np.quantile(x, 0.3)):
            assert not y.requires_grad and y.creator is None
