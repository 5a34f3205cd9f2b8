"""What the op table cannot say: conventions at kinks and ties, repeated indices, empty and
0-d shapes, and stability for huge inputs, each as a small example computed by hand.

The conventions are PyTorch's: relu'(0) = 0, abs'(0) = 0, clip passes the gradient at
its bounds, tied maxima share the gradient equally, maximum/minimum give 1/2 to each side
of a tie, and d(x0 ** x1)/dx1 = 0 where x0 == 0.
"""
import warnings

import numpy as np
import pytest

import tinygrad_edu as tg

from op_table import OPS

# Ops whose kinks or ties are not covered by the table (its strategies avoid them) and
# are checked by an example below.
CONVENTIONS_TESTED = {"relu", "abs", "clip", "clip_min", "clip_max", "max", "min",
                      "maximum", "minimum", "leaky_relu", "std"}
# ... and in test_ops_math.py (against torch at the kink or jump itself).
CONVENTIONS_TESTED |= {"fabs", "arctan2", "hypot", "sign", "floor", "ceil", "trunc", "round",
                       "round_decimals"}
# ... and in test_numpy_functions.py (norms at 0, at ties, and against torch there).
CONVENTIONS_TESTED |= {"linalg_norm_vector", "linalg_norm_matrix", "norm"}
# ... and in test_sort.py (ties against torch.sort(stable=True) and torch.median).
CONVENTIONS_TESTED |= {"sort", "topk", "median", "median_lower", "quantile", "percentile"}


def leaf(values, dtype=np.float64):
    return tg.Tensor(np.array(values, dtype=dtype), requires_grad=True)


def grads_of(y, *xs, gy=None):
    """Backward from y (with gy, or ones) and return each leaf's .grad as an ndarray."""
    y.backward(np.ones(y.shape) if gy is None else np.asarray(gy, dtype=np.float64))
    return [x.grad.data for x in xs]


def test_every_kink_or_tie_in_the_table_has_a_convention_test():
    flagged = {spec.name for spec in OPS if spec.kink or spec.distinct}
    assert flagged <= CONVENTIONS_TESTED, flagged - CONVENTIONS_TESTED


# --- kinks ---

def test_relu_gradient_at_zero_is_zero():
    x = leaf([-1.0, 0.0, 2.0])
    (g,) = grads_of(x.relu(), x, gy=[5.0, 7.0, 11.0])
    # d relu = [0 (x<0), 0 (the kink), 1 (x>0)] times gy
    np.testing.assert_array_equal(g, [0.0, 0.0, 11.0])


def test_abs_gradient_at_zero_is_zero():
    x = leaf([-2.0, 0.0, 3.0])
    (g,) = grads_of(x.abs(), x, gy=[5.0, 7.0, 11.0])
    # sign(x) * gy = [-5, 0, 11]
    np.testing.assert_array_equal(g, [-5.0, 0.0, 11.0])


def test_leaky_relu_gradient_at_zero_is_the_slope():
    x = leaf([-1.0, 0.0, 2.0])
    (g,) = grads_of(x.leaky_relu(0.2), x, gy=[5.0, 7.0, 11.0])
    # d leaky_relu = [0.2 (x<0), 0.2 (the kink, as PyTorch), 1 (x>0)] times gy
    np.testing.assert_allclose(g, [1.0, 1.4, 11.0], rtol=1e-15)


def test_std_of_equal_values_has_zero_gradient():
    # sqrt(var) has an infinite slope at var = 0; like torch.std, the gradient is 0 there
    # (to first and second order), not nan.
    x = leaf([[3.0, 3.0, 3.0], [1.0, 2.0, 4.0]])
    y = x.std(axis=1)
    (g,) = tg.grad(y.sum(), x, create_graph=True)
    np.testing.assert_array_equal(g.data[0], [0.0, 0.0, 0.0])
    assert np.all(np.isfinite(g.data[1]))
    (h,) = tg.grad(g[0].sum(), x)
    assert np.all(np.isfinite(h.data))


def test_clip_passes_the_gradient_at_its_bounds():
    x = leaf([-2.0, -1.0, 0.0, 1.0, 2.0])
    (g,) = grads_of(x.clip(-1.0, 1.0), x, gy=[1.0, 2.0, 3.0, 4.0, 5.0])
    # inside [-1, 1], bounds included: the middle three pass
    np.testing.assert_array_equal(g, [0.0, 2.0, 3.0, 4.0, 0.0])


def test_one_sided_clip_passes_the_gradient_at_its_bound():
    x = leaf([-1.0, 0.0, 1.0])
    (g,) = grads_of(x.clip(min=0.0), x)
    np.testing.assert_array_equal(g, [0.0, 1.0, 1.0])
    x = leaf([-1.0, 0.0, 1.0])
    (g,) = grads_of(x.clip(max=0.0), x)
    np.testing.assert_array_equal(g, [1.0, 1.0, 0.0])
    np.testing.assert_array_equal(x.clip(max=0.0).data, [-1.0, 0.0, 0.0])


def test_clip_without_bounds_raises():
    with pytest.raises(ValueError):
        leaf([1.0]).clip()


# --- ties ---

def test_max_ties_share_the_gradient_equally():
    x = leaf([1.0, 3.0, 3.0])
    (g,) = grads_of(x.max(), x, gy=6.0)
    # two maxima: each gets 6 / 2
    np.testing.assert_array_equal(g, [0.0, 3.0, 3.0])


def test_max_ties_along_an_axis():
    x = leaf([[1.0, 3.0, 3.0],
              [2.0, 2.0, 2.0]])
    (g,) = grads_of(x.max(axis=1), x, gy=[4.0, 6.0])
    # row 0: 4 / 2 on the two 3s; row 1: 6 / 3 on each 2
    np.testing.assert_array_equal(g, [[0.0, 2.0, 2.0], [2.0, 2.0, 2.0]])


def test_min_ties_share_the_gradient_equally():
    x = leaf([[5.0, 1.0], [1.0, 1.0]])
    (g,) = grads_of(x.min(axis=0, keepdims=True), x, gy=[[2.0, 8.0]])
    # column 0: the single 1 gets 2; column 1: two 1s get 8 / 2
    np.testing.assert_array_equal(g, [[0.0, 4.0], [2.0, 4.0]])
    x = leaf([[5.0, 1.0], [1.0, 1.0]])
    (g,) = grads_of(x.min(), x, gy=9.0)
    np.testing.assert_array_equal(g, [[0.0, 3.0], [3.0, 3.0]])


def test_maximum_tie_gives_half_to_each_input():
    a, b = leaf([1.0, 2.0, 3.0]), leaf([1.0, 0.0, 4.0])
    ga, gb = grads_of(tg.maximum(a, b), a, b, gy=[2.0, 2.0, 2.0])
    # [tie, a wins, b wins]
    np.testing.assert_array_equal(ga, [1.0, 2.0, 0.0])
    np.testing.assert_array_equal(gb, [1.0, 0.0, 2.0])


def test_minimum_tie_gives_half_to_each_input():
    a, b = leaf([1.0, 2.0, 3.0]), leaf([1.0, 0.0, 4.0])
    ga, gb = grads_of(tg.minimum(a, b), a, b, gy=[2.0, 2.0, 2.0])
    # [tie, b wins, a wins]
    np.testing.assert_array_equal(ga, [1.0, 0.0, 2.0])
    np.testing.assert_array_equal(gb, [1.0, 2.0, 0.0])


def test_maximum_tie_with_broadcast_scalar():
    a = leaf([0.0, 0.0, 1.0])
    b = leaf(0.0)
    ga, gb = grads_of(tg.maximum(a, b), a, b)
    # two ties (1/2 each) and one win for a: b collects 1/2 + 1/2
    np.testing.assert_array_equal(ga, [0.5, 0.5, 1.0])
    np.testing.assert_array_equal(gb, 1.0)


# --- integer indexing ---

def test_repeated_indices_accumulate():
    x = leaf([10.0, 20.0, 30.0])
    y = x[np.array([0, 0, 2, 0])]
    np.testing.assert_array_equal(y.data, [10.0, 10.0, 30.0, 10.0])
    (g,) = grads_of(y, x, gy=[1.0, 2.0, 3.0, 4.0])
    # x[0] picked at positions 0, 1, 3: 1 + 2 + 4
    np.testing.assert_array_equal(g, [7.0, 0.0, 3.0])


def test_repeated_index_pairs_accumulate_in_2d():
    x = leaf(np.zeros((2, 3)))
    y = x[np.array([0, 1, 0]), np.array([1, 1, 1])]  # (0, 1) twice, (1, 1) once
    (g,) = grads_of(y, x, gy=[1.0, 10.0, 100.0])
    np.testing.assert_array_equal(g, [[0.0, 101.0, 0.0], [0.0, 10.0, 0.0]])


def test_repeated_columns_with_a_slice_accumulate():
    x = leaf(np.zeros((2, 3)))
    y = x[:, [2, 2]]
    (g,) = grads_of(y, x, gy=[[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_array_equal(g, [[0.0, 0.0, 3.0], [0.0, 0.0, 7.0]])


def test_tensor_index_is_used_as_a_constant():
    x = leaf([1.0, 2.0, 3.0])
    y = x[tg.Tensor(np.array([2, 2]))]
    (g,) = grads_of(y, x)
    np.testing.assert_array_equal(g, [0.0, 0.0, 2.0])


def test_second_order_through_repeated_indices():
    """x[[0, 0]] ** 2 summed is 2 x0**2: first derivative 4 x0, second derivative 4."""
    x = leaf([3.0, 5.0])
    (g,) = tg.grad((x[np.array([0, 0])] ** 2).sum(), x, create_graph=True)
    np.testing.assert_array_equal(g.data, [12.0, 0.0])
    (gg,) = tg.grad(g.sum(), x)
    np.testing.assert_array_equal(gg.data, [4.0, 0.0])


# --- empty shapes ---

def test_empty_sum_is_zero_with_an_empty_gradient():
    x = leaf(np.zeros((0, 3)))
    y = x.sum()
    assert y.item() == 0.0
    (g,) = grads_of(y, x)
    assert g.shape == (0, 3)
    y = (x * 2).sum(axis=0)  # three sums of nothing
    np.testing.assert_array_equal(y.data, [0.0, 0.0, 0.0])


def test_empty_elementwise_and_matmul():
    x = leaf(np.zeros((0, 3)))
    w = leaf(np.ones((3, 2)))
    y = (x.exp() * 2 + 1) @ w
    assert y.shape == (0, 2)
    gx, gw = grads_of(y, x, w)
    assert gx.shape == (0, 3)
    np.testing.assert_array_equal(gw, np.zeros((3, 2)))  # a sum over no rows


def test_matmul_with_an_empty_inner_axis_is_zero():
    a, b = leaf(np.zeros((2, 0))), leaf(np.zeros((0, 3)))
    y = a @ b
    np.testing.assert_array_equal(y.data, np.zeros((2, 3)))
    ga, gb = grads_of(y, a, b)
    assert ga.shape == (2, 0) and gb.shape == (0, 3)


def test_empty_slice_and_concatenate():
    x = leaf([1.0, 2.0, 3.0])
    empty = x[2:1]
    assert empty.shape == (0,)
    y = tg.concatenate([empty, x, x[:0]])
    np.testing.assert_array_equal(y.data, [1.0, 2.0, 3.0])
    (g,) = grads_of(y, x, gy=[4.0, 5.0, 6.0])
    np.testing.assert_array_equal(g, [4.0, 5.0, 6.0])


def test_empty_reductions_without_an_identity_raise():
    x = leaf(np.zeros((0, 2)))
    with pytest.raises(ValueError):
        x.max()
    with pytest.raises(ValueError):
        x.mean(axis=0)
    with pytest.raises(ValueError):
        leaf([1.0, 2.0]).var(ddof=2)


# --- 0-d shapes ---

def test_zero_d_tensor_gradients_are_zero_d():
    x = leaf(3.0)
    y = x * x + x.exp().log()  # x**2 + x
    (g,) = grads_of(y, x)
    assert g.shape == ()
    assert g == pytest.approx(7.0)  # 2 * 3 + 1


@pytest.mark.parametrize("op, expected_value", [
    (lambda x: x.sum(), 3.0), (lambda x: x.mean(), 3.0), (lambda x: x.max(), 3.0),
    (lambda x: x.min(axis=()), 3.0), (lambda x: x.reshape(1, 1), [[3.0]]),
    (lambda x: x.flatten(), [3.0]), (lambda x: x.T, 3.0), (lambda x: x[()], 3.0),
    (lambda x: x[None], [3.0]), (lambda x: x[...], 3.0), (lambda x: x.softmax(), 1.0),
    (lambda x: x.log_softmax(), 0.0), (lambda x: x.var(), 0.0),
    (lambda x: x.broadcast_to((2,)), [3.0, 3.0]), (lambda x: tg.stack([x, x]), [3.0, 3.0]),
], ids=["sum", "mean", "max", "min", "reshape", "flatten", "T", "index_empty_tuple",
        "index_newaxis", "index_ellipsis", "softmax", "log_softmax", "var", "broadcast_to",
        "stack"])
def test_zero_d_ops(op, expected_value):
    x = leaf(3.0)
    y = op(x)
    np.testing.assert_array_equal(y.data, expected_value)
    y.backward(np.ones(y.shape))
    assert x.grad.shape == ()


@pytest.mark.parametrize("method", ["sum", "max", "min"])
@pytest.mark.parametrize("axis", [0, -1])
def test_zero_d_reduction_over_axis_0_or_minus_1_as_numpy(method, axis):
    """NumPy (and PyTorch) accept axis 0 or -1 on a 0-d array: the value itself."""
    x = leaf(3.0)
    y = getattr(x, method)(axis=axis)
    assert y.shape == () and y.item() == getattr(np.array(3.0), method)(axis=axis)
    y.backward()
    assert x.grad.item() == 1.0
    with pytest.raises(np.exceptions.AxisError):
        getattr(x, method)(axis=1)


def test_zero_d_gradients_by_hand():
    x = leaf(3.0)
    (g,) = grads_of(x.broadcast_to((2, 3)), x)
    assert g == 6.0  # six copies
    x = leaf(3.0)
    (g,) = grads_of(x.softmax(), x)
    assert g == 0.0  # softmax of one element is the constant 1
    b, m = leaf(2.0), leaf(np.ones((2, 2)))
    gb, gm = grads_of(b * m, b, m)
    assert gb.shape == () and gb == 4.0
    np.testing.assert_array_equal(gm, np.full((2, 2), 2.0))


def test_zero_d_second_order_keeps_saved_outputs_in_the_graph():
    """exp, tanh, sqrt, sigmoid save their output; on a 0-d input NumPy returns a scalar
    there, which must still be tied to the graph: d2/dx2 exp(x) = exp(x)."""
    for op, second in [(lambda t: t.exp(), np.exp(0.5)),
                       (lambda t: t.sqrt(), -0.25 * 0.5 ** -1.5),
                       (lambda t: t.tanh(), -2 * np.tanh(0.5) * (1 - np.tanh(0.5) ** 2)),
                       (lambda t: 2.0 ** t, np.log(2.0) ** 2 * 2.0 ** 0.5)]:
        x = leaf(0.5)
        (g,) = tg.grad(op(x), x, create_graph=True)
        (gg,) = tg.grad(g, x)
        assert gg.item() == pytest.approx(second, rel=1e-12)


# --- stability for huge inputs ---

HUGE = [-1000.0, -50.0, 0.0, 50.0, 1000.0]


def _strict():
    """Overflow, division by zero or an invalid value (nan) fails the test; underflow to 0
    (exp(-2000)) is the correct result and allowed."""
    return np.errstate(over="raise", divide="raise", invalid="raise")


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sigmoid_is_stable_for_huge_inputs(dtype):
    x = leaf(HUGE, dtype)
    with warnings.catch_warnings(), _strict():
        warnings.simplefilter("error")
        y = x.sigmoid()
        y.backward(np.ones(5, dtype))
    # sigmoid(-1000) = 0 and sigmoid(1000) = 1 to any precision; sigmoid(+-50) is
    # 1/(1 + e^50) ~ 1.9e-22 away from 0 or 1; sigmoid(0) = 1/2.
    np.testing.assert_allclose(y.data, [0.0, np.exp(-50.0), 0.5, 1.0, 1.0], rtol=1e-6, atol=0)
    assert y.dtype == dtype
    # the gradient y (1 - y) is 1/4 at 0 and e^-50 (1 - e^-50) ~ 1.9e-22 at +-50; at +50,
    # y rounds to 1 and y (1 - y) to 0, hence atol 1e-21; at +-1000 it is 0
    np.testing.assert_allclose(x.grad.data, [0.0, np.exp(-50.0), 0.25, np.exp(-50.0), 0.0],
                               rtol=1e-5, atol=1e-21)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_softmax_is_stable_for_huge_inputs(dtype):
    x = leaf([[1000.0, 0.0, -1000.0], [1000.0, 1000.0, -1000.0], [-1000.0, -1000.0, -1000.0]],
             dtype)
    with warnings.catch_warnings(), _strict():
        warnings.simplefilter("error")
        y = x.softmax(axis=1)
        y.backward(np.array([[1.0, 2.0, 3.0]] * 3, dtype))
    # row 0: all mass on 1000; row 1: split between the two 1000s; row 2: uniform
    expected = [[1.0, 0.0, 0.0], [0.5, 0.5, 0.0], [1 / 3, 1 / 3, 1 / 3]]
    np.testing.assert_allclose(y.data, expected, rtol=1e-6, atol=1e-30)
    assert np.isfinite(x.grad.data).all()
    # y * (g - sum(g y)): row 0 one-hot gives 0; row 1: 0.5 * ([1, 2] - 1.5) = [-0.25, 0.25]
    np.testing.assert_allclose(x.grad.data[:2], [[0.0, 0.0, 0.0], [-0.25, 0.25, 0.0]],
                               atol=1e-6)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_log_softmax_is_stable_for_huge_inputs(dtype):
    x = leaf([[1000.0, 0.0, -1000.0], [1000.0, 1000.0, -1000.0]], dtype)
    with warnings.catch_warnings(), _strict():
        warnings.simplefilter("error")
        y = x.log_softmax(axis=-1)
        y.backward(np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]], dtype))
    # log_softmax = x - logsumexp(x): logsumexp is 1000 (row 0) and 1000 + log 2 (row 1)
    expected = [[0.0, -1000.0, -2000.0], [-np.log(2.0), -np.log(2.0), -2000.0 - np.log(2.0)]]
    np.testing.assert_allclose(y.data, expected, rtol=1e-6)
    # g - softmax * sum(g): row 0: [1, 0, 0] - [1, 0, 0]; row 1: [0, 1, 0] - [.5, .5, 0]
    np.testing.assert_allclose(x.grad.data, [[0.0, 0.0, 0.0], [-0.5, 0.5, 0.0]], atol=1e-6)


def test_tanh_limits_for_huge_inputs():
    x = leaf([-1000.0, 1000.0])
    y = x.tanh()
    y.backward(np.ones(2))
    np.testing.assert_array_equal(y.data, [-1.0, 1.0])
    np.testing.assert_array_equal(x.grad.data, [0.0, 0.0])


# --- pow at base 0 ---

def test_pow_gradient_wrt_exponent_is_zero_where_base_is_zero():
    base, exponent = leaf([0.0, 2.0]), leaf([2.0, 3.0])
    gb, ge = grads_of(base ** exponent, base, exponent)
    # d/d exponent = y log(base): 0 by convention at base 0 (not 0 * -inf = nan); 8 log 2
    np.testing.assert_allclose(ge, [0.0, 8.0 * np.log(2.0)], rtol=1e-12)
    # d/d base = exponent * base**(exponent - 1): [2 * 0, 3 * 4]
    np.testing.assert_allclose(gb, [0.0, 12.0], rtol=1e-12)


def test_scalar_zero_base_pow_gradient_is_zero():
    exponent = leaf([1.0, 2.5])
    (g,) = grads_of(0.0 ** exponent, exponent)
    np.testing.assert_array_equal(g, [0.0, 0.0])


def test_pow_gradient_wrt_base_is_zero_where_exponent_is_zero():
    """x ** 0 is the constant 1, also at x = 0 (where 0 * 0**-1 would be nan)."""
    x = leaf([0.0, 2.0])
    (g,) = grads_of(x ** 0, x)
    np.testing.assert_array_equal(g, [0.0, 0.0])
    x, e = leaf([0.0, 2.0]), leaf([0.0, 0.0])
    gx, ge = grads_of(x ** e, x, e)
    np.testing.assert_array_equal(gx, [0.0, 0.0])
    np.testing.assert_allclose(ge, [0.0, np.log(2.0)], rtol=1e-12)  # y log x, 0 at x = 0


def test_pow_second_derivative_at_zero_exponent():
    """d/de (d/dx x**e) = x**(e-1) (1 + e log x): at e = 0 and x = 0.5 it is 1/x = 2."""
    x, e = leaf(0.5), leaf(0.0)
    (gx,) = tg.grad(x ** e, x, create_graph=True)
    assert gx.item() == 0.0
    (gxe,) = tg.grad(gx, e)
    assert gxe.item() == pytest.approx(2.0, rel=1e-12)
