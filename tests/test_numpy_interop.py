"""NumPy functions and in-place operators on Tensors: what the classic lessons' code does."""
import numpy as np
import pytest

import tinygrad_edu as tg


def leaf(values):
    return tg.Tensor(np.asarray(values, dtype=np.float64), requires_grad=True)


def test_np_dot_keeps_the_graph_as_in_the_simplenet_lesson():
    x = np.array([0.6, 0.9])
    W = leaf([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    y = np.dot(x, W)                      # the lesson's line, with a Tensor W
    assert isinstance(y, tg.Tensor) and y.creator is not None
    np.sum(y * y).backward()
    np.testing.assert_allclose(W.grad.data, np.outer(x, 2 * (x @ W.data)))


@pytest.mark.parametrize("shapes", [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 2)), ((2, 3), (3, 4)),
                                    ((), (2,))])
def test_np_dot_matches_numpy_and_its_gradient_is_right(shapes):
    rng = np.random.default_rng(0)
    a, b = (leaf(rng.standard_normal(s)) for s in shapes)
    np.testing.assert_allclose(np.dot(a, b).data, np.dot(a.data, b.data))
    assert tg.gradcheck(np.dot, (a, b))


def test_np_dot_of_stacks_of_matrices_is_refused_with_a_pointer_to_matmul():
    with pytest.raises(TypeError, match="matmul"):
        np.dot(leaf(np.ones((2, 2, 2))), leaf(np.ones((2, 2))))


@pytest.mark.parametrize("func,method,kwargs", [
    (np.sum, "sum", {}), (np.sum, "sum", {"axis": 0, "keepdims": True}),
    (np.mean, "mean", {"axis": -1}), (np.max, "max", {"axis": 1}), (np.amin, "min", {}),
    (np.var, "var", {"ddof": 1}), (np.std, "std", {}), (np.std, "std", {"axis": 0, "ddof": 1}),
])
def test_np_reductions_run_our_differentiable_methods(func, method, kwargs):
    x = leaf(np.arange(6.0).reshape(2, 3) ** 1.5)
    expected = func(x.data, **kwargs)
    result = func(x, **kwargs)
    assert isinstance(result, tg.Tensor) and result.creator is not None
    np.testing.assert_allclose(result.data, expected)
    assert tg.gradcheck(lambda t: func(t, **kwargs), x)


def test_np_functions_with_their_own_shape_and_join_arguments():
    x = leaf(np.arange(6.0).reshape(2, 3))
    for result, expected in (
            (np.reshape(x, (3, 2)), np.reshape(x.data, (3, 2))),
            (np.ravel(x), np.ravel(x.data)),
            (np.squeeze(x[None]), x.data),
            (np.squeeze(x[:, None], axis=1), x.data),
            (np.expand_dims(x, -1), np.expand_dims(x.data, -1)),
            (np.expand_dims(x, (0, 2)), np.expand_dims(x.data, (0, 2))),
            (np.transpose(x), x.data.T),
            (np.swapaxes(x, 0, 1), x.data.T),
            (np.broadcast_to(x, (2, 2, 3)), np.broadcast_to(x.data, (2, 2, 3))),
            (np.concatenate([x, x], axis=1), np.concatenate([x.data, x.data], axis=1)),
            (np.stack([x, x]), np.stack([x.data, x.data])),
            (np.clip(x, 1.0, 4.0), np.clip(x.data, 1.0, 4.0)),
            (np.where(x.data > 2, x, 0.0), np.where(x.data > 2, x.data, 0.0))):
        assert isinstance(result, tg.Tensor) and result.creator is not None
        np.testing.assert_array_equal(result.data, expected)


def test_other_numpy_functions_see_the_data_as_for_an_array():
    x = leaf([[1.0, -2.0], [3.0, 4.0]])
    assert np.shape(x) == (2, 2) and np.ndim(x) == 2
    assert np.allclose(x, x.data) and np.array_equal(x, x.data)
    np.testing.assert_allclose(x, x.data)  # a learner's test on a parameter
    assert np.argmax(x) == 3 and np.count_nonzero(x > 0) == 3
    assert [a.tolist() for a in np.where(x.data > 0)] == [[0, 1, 1], [0, 0, 1]]
    # Without gradients to lose, a float result is fine: as for an array.
    np.testing.assert_array_equal(np.sort(x.detach()), np.sort(x.data))
    with tg.no_grad():
        np.testing.assert_array_equal(np.sort(x), np.sort(x.data))
    np.testing.assert_array_equal(np.sort(tg.Tensor(x.data)), np.sort(x.data))


@pytest.mark.parametrize("call,name", [
    (lambda x: np.sort_complex(x), "np.sort_complex"),
    (lambda x: np.linalg.inv(x), "np.linalg.inv"),
    (lambda x: np.add.reduce(x), "np.add.reduce"),
    (lambda x: np.add.accumulate(x), "np.add.accumulate"),
    (lambda x: np.exp(x, dtype=np.float64), "np.exp with dtype="),
    (lambda x: np.multiply(x, 2.0, out=np.empty((2, 2))), "np.multiply with out="),
    (lambda x: np.histogram(x), "np.histogram"),
    (lambda x: np.nanpercentile(x, 50), "np.nanpercentile"),
])
def test_a_numpy_function_without_an_op_refuses_to_cut_the_graph(call, name):
    x = leaf([[1.0, -2.0], [3.0, 4.0]])
    with pytest.raises(TypeError, match=f"{name} has no differentiable op here.*silently"):
        call(x)
    x2 = leaf([[1.0, -2.0], [3.0, 4.0]]) * 1.0  # a non-leaf in the graph, the same
    with pytest.raises(TypeError, match="cut in the graph"):
        call(x2)


@pytest.mark.parametrize("call", [
    lambda x: np.fill_diagonal(x, 0.0),
    lambda x: np.copyto(x, 0.0),
    lambda x: np.add.at(x, (0, 0), 1.0),
    lambda x: np.put(x, [0], [5.0]),
])
def test_a_numpy_function_that_writes_into_a_grad_tensor_is_refused(call):
    x = leaf([[1.0, -2.0], [3.0, 4.0]])
    before = x.data.copy()
    with pytest.raises(TypeError, match="in place, which the graph cannot record"):
        call(x)
    np.testing.assert_array_equal(x.data, before)  # nothing changed


def test_unsupported_numpy_options_and_ufuncs_fail_clearly():
    x = leaf([1.0, 2.0])
    with pytest.raises(TypeError, match="dtype"):
        np.sum(x, dtype=np.float32)
    with pytest.raises(TypeError, match="np.spacing has no differentiable op"):
        np.spacing(x)
    with pytest.raises(TypeError, match="np.sum on a Tensor does not support where="):
        np.sum(x, where=np.array([True, False]))
    with pytest.raises(TypeError, match="np.max on a Tensor does not support initial="):
        np.max(x, initial=0.0)
    with pytest.raises(TypeError, match="np.std on a Tensor does not support correction="):
        np.std(x, correction=1)
    with pytest.raises(TypeError, match="order='C' only"):
        np.ravel(x, order="F")


def test_concatenate_with_axis_none_flattens_as_numpy():
    a, b = np.arange(4.0).reshape(2, 2), np.array([7.0])
    x, y = leaf(a), leaf(b)
    z = tg.concatenate([x, y], axis=None)
    np.testing.assert_array_equal(z.data, np.concatenate([a, b], axis=None))
    np.testing.assert_array_equal(np.concatenate([x, y], axis=None).data, z.data)
    (z * np.arange(5.0)).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [[0.0, 1.0], [2.0, 3.0]])
    np.testing.assert_array_equal(y.grad.data, [4.0])


def test_ndarray_out_computes_on_the_data():
    w = leaf([2.0, 2.0])
    (w * w).sum().backward()
    w.data -= 0.1 * w.grad                # the lessons' update written on the array
    np.testing.assert_allclose(w.data, [1.6, 1.6])


def test_gradient_descent_by_hand_updates_the_leaf_in_place_under_no_grad():
    w = tg.Tensor([2.0, 2.0], requires_grad=True)
    for _ in range(100):
        w.grad = None
        (w ** 2).sum().backward()
        with tg.no_grad():
            w -= 0.1 * w.grad
    assert w.is_leaf and w.requires_grad
    np.testing.assert_allclose(w.data, 2.0 * 0.8 ** 100, rtol=1e-5)


def test_in_place_update_of_a_tensor_that_requires_grad_needs_no_grad():
    w = leaf([1.0])
    with pytest.raises(RuntimeError, match="no_grad"):
        w -= 1.0
    np.testing.assert_array_equal(w.data, [1.0])


def test_in_place_update_keeps_the_object_and_backward_refuses_the_changed_saved_array():
    x = tg.Tensor([3.0])
    w = leaf([2.0])
    y = w * x                             # Mul saved x's array
    same, memory = x, x.data
    x *= 10.0                             # x does not require grad: allowed, in its memory
    assert x is same and x.data is memory and x.data[0] == 30.0
    with pytest.raises(RuntimeError, match="changed by an in-place operation"):
        y.backward()                      # as PyTorch's version counter: never w.grad = 30


def test_in_place_update_neither_reshapes_nor_silently_casts():
    t = tg.Tensor([1, 2])
    t += 1
    np.testing.assert_array_equal(t.data, [2, 3])
    with pytest.raises(TypeError, match="int64"):
        t += 0.5
    f = tg.Tensor([1.0, 2.0])
    with pytest.raises(ValueError, match="shape"):
        f += np.ones((2, 2))
    f /= np.float64(2.0)
    assert f.dtype == np.float32
