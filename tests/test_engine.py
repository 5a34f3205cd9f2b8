"""The backward engine: graph shapes, accumulation, grad mode, freeing the graph,
higher order (create_graph), tg.grad, and the errors a user meets.

Expected values are closed forms written out here with NumPy.
"""
import gc
import threading
import weakref

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu.function import Function


def leaf(values, requires_grad=True):
    return tg.Tensor(np.asarray(values, dtype=np.float64), requires_grad=requires_grad)


# --- graph shapes ---


def test_reused_variable():
    a = np.array([1.5, -2.0, 3.0])
    x = leaf(a)
    (x * x + x).sum().backward()
    np.testing.assert_allclose(x.grad.data, 2 * a + 1)


def test_same_tensor_twice_in_one_op():
    a = np.array([1.0, -2.0])
    x = leaf(a)
    (x + x).sum().backward()
    np.testing.assert_allclose(x.grad.data, [2.0, 2.0])
    y = leaf(a)
    (y * y * y).sum().backward()
    np.testing.assert_allclose(y.grad.data, 3 * a ** 2)


def test_diamond():
    # x -> a = exp(x), b = sin(x) -> c = a * b: dc/dx = exp(x)(sin x + cos x).
    a0 = np.array([0.3, -1.2, 2.0])
    x = leaf(a0)
    a, b = x.exp(), x.sin()
    (a * b).sum().backward()
    np.testing.assert_allclose(x.grad.data, np.exp(a0) * (np.sin(a0) + np.cos(a0)))


def test_intermediate_used_at_different_depths():
    # y = exp(x); z = y * y + sin(y), with sin(y) reached sooner than y * y from z's side:
    # y's backward may run only once both paths have delivered their gradient.
    a0 = np.array([0.1, 0.5, -0.7])
    x = leaf(a0)
    y = x.exp()
    z = ((y * y).tanh() + y.sin()).sum()
    z.backward()
    e = np.exp(a0)
    expected = ((1 - np.tanh(e * e) ** 2) * 2 * e + np.cos(e)) * e
    np.testing.assert_allclose(x.grad.data, expected)


def test_long_diamond_chain():
    # y_{k+1} = y_k * 0.5 + y_k * 0.5 doubles the paths at each of 40 steps (2**40 paths):
    # only an engine that visits every node once finishes, and the gradient stays exactly 1.
    x = leaf([1.0, 2.0])
    y = x
    for _ in range(40):
        y = y * 0.5 + y * 0.5
    y.sum().backward()
    np.testing.assert_allclose(x.grad.data, [1.0, 1.0])


def test_branch_that_does_not_require_grad_is_skipped():
    x = leaf([1.0, 2.0])
    c = leaf([3.0, 4.0], requires_grad=False)
    y = (x * c + c.exp()).sum()
    y.backward()
    np.testing.assert_allclose(x.grad.data, [3.0, 4.0])
    assert c.grad is None


def test_gradient_accumulates_over_two_backward_calls():
    a0 = np.array([1.0, 2.0, 3.0])
    x = leaf(a0)
    (x * x).sum().backward()
    (x.sin()).sum().backward()
    np.testing.assert_allclose(x.grad.data, 2 * a0 + np.cos(a0))
    x.grad = None  # what zero_grad does
    (x * 3).sum().backward()
    np.testing.assert_allclose(x.grad.data, [3.0, 3.0, 3.0])


def test_leaf_gradients_are_owned_arrays():
    # Add passes one gradient array to both inputs: each leaf must still own its .grad,
    # so scaling one in place (as gradient clipping does) leaves the other alone.
    a, b = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    c = leaf([2.0, 2.0], requires_grad=False)
    ((a + b) * c).sum().backward()
    assert not np.shares_memory(a.grad.data, b.grad.data)
    a.grad.data *= 0.5
    np.testing.assert_allclose(b.grad.data, [2.0, 2.0])
    # A gradient given by the user is not aliased either.
    g = np.array([1.0, 1.0])
    x = leaf([1.0, 2.0])
    (x + 0.0).backward(g)
    x.grad.data[0] = 99.0
    assert g[0] == 1.0
    # Nor is the gradient of a leaf that is itself the output.
    y = leaf([1.0, 2.0])
    y.backward(g)
    assert not np.shares_memory(y.grad.data, g)


def test_gradient_dtype_follows_the_leaf():
    x = tg.Tensor(np.array([1.0, 2.0], np.float32), requires_grad=True)
    y = (x * np.array([0.5, 0.25])).sum()  # a float64 constant makes y float64
    assert y.dtype == np.float64
    y.backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_allclose(x.grad.data, [0.5, 0.25])


def test_grad_result_dtype_follows_the_input_as_backward_does():
    x = tg.Tensor(np.array([1.0, 2.0], np.float32), requires_grad=True)
    h = x * 1.0
    y = (h * np.array([0.5, 0.25])).sum()  # float64 from here on
    gx, gh = tg.grad(y, [x, h])
    assert gx.dtype == np.float32 and gh.dtype == np.float32
    np.testing.assert_allclose(gx.data, [0.5, 0.25])
    np.testing.assert_allclose(gh.data, [0.5, 0.25])


# --- broadcasting ---


@pytest.mark.parametrize("shape0,shape1", [
    ((3, 1), (1, 4)), ((2, 3), (3,)), ((), (2, 3)), ((2, 1, 3), (4, 1)), ((1,), (5,)),
])
def test_broadcast_gradients_are_summed_back(shape0, shape1):
    rng = np.random.default_rng(0)
    a0, a1 = rng.standard_normal(shape0), rng.standard_normal(shape1)
    x0, x1 = leaf(a0), leaf(a1)
    out_shape = np.broadcast_shapes(shape0, shape1)
    g = rng.standard_normal(out_shape)
    (x0 * x1).backward(g)
    assert x0.grad.shape == shape0 and x1.grad.shape == shape1
    # d(sum g * x0 * x1)/dx0 = sum of g * x1 over the broadcast axes.
    expected0 = (g * np.broadcast_to(a1, out_shape))
    expected1 = (g * np.broadcast_to(a0, out_shape))
    np.testing.assert_allclose(x0.grad.data, _sum_to(expected0, shape0))
    np.testing.assert_allclose(x1.grad.data, _sum_to(expected1, shape1))


def _sum_to(a, shape):
    while a.ndim > len(shape):
        a = a.sum(axis=0)
    for i, n in enumerate(shape):
        if n == 1:
            a = a.sum(axis=i, keepdims=True)
    return a


# --- deep graphs ---


def test_million_op_chain_has_no_recursion_error():
    x = tg.Tensor(np.zeros(1), requires_grad=True)
    # The cyclic gc would scan the 2 million live graph objects again and again (the
    # graph has no cycles: see the tests below); reference counting frees it.
    gc.disable()
    try:
        y = x
        for _ in range(1_000_000):
            y = y + 1.0
        y.backward()
    finally:
        gc.enable()
    assert y.data[0] == 1_000_000.0
    np.testing.assert_array_equal(x.grad.data, [1.0])


def test_deep_chain_with_create_graph():
    # y = c x**2 with c = 1.0001**10000 built by a 10,000-op chain: y' = 2 c x, y'' = 2 c.
    x = leaf(0.5)
    y = x * x
    for _ in range(10_000):
        y = y * 1.0001
    (g,) = tg.grad(y, x, create_graph=True)
    c = 1.0001 ** 10_000
    np.testing.assert_allclose(g.data, 2 * c * 0.5)
    (gg,) = tg.grad(g, x)
    np.testing.assert_allclose(gg.data, 2 * c)


# --- grad mode ---


def test_no_grad_context_manager_records_nothing():
    x = leaf([1.0, 2.0])
    assert tg.is_grad_enabled()
    with tg.no_grad():
        assert not tg.is_grad_enabled()
        y = (x * 2).exp().sum()
    assert tg.is_grad_enabled()
    assert not y.requires_grad and y.creator is None
    np.testing.assert_allclose(y.data, np.exp([2.0, 4.0]).sum())
    with pytest.raises(RuntimeError, match="does not require grad"):
        y.backward()


def test_no_grad_decorator():
    calls = []

    @tg.no_grad()
    def evaluate(x):
        calls.append(tg.is_grad_enabled())
        return x * 2

    x = leaf([1.0])
    assert not evaluate(x).requires_grad
    assert not evaluate(x).requires_grad  # reusable
    assert calls == [False, False]
    assert tg.is_grad_enabled()
    assert evaluate.__name__ == "evaluate"


def test_grad_mode_restored_after_an_exception():
    with pytest.raises(ZeroDivisionError):
        with tg.no_grad():
            1 / 0
    assert tg.is_grad_enabled()

    @tg.no_grad()
    def failing():
        raise ValueError("boom")

    with pytest.raises(ValueError):
        failing()
    assert tg.is_grad_enabled()


def test_enable_grad_inside_no_grad():
    x = leaf([1.0])
    with tg.no_grad():
        with tg.enable_grad():
            assert tg.is_grad_enabled()
            y = x * 2
        assert not tg.is_grad_enabled()
        z = x * 2
    assert y.requires_grad and not z.requires_grad

    @tg.enable_grad()
    def recorded(x):
        return x * 3

    with tg.no_grad():
        assert recorded(x).requires_grad


def test_nested_no_grad():
    with tg.no_grad():
        with tg.no_grad():
            assert not tg.is_grad_enabled()
        assert not tg.is_grad_enabled()
    assert tg.is_grad_enabled()


def test_set_grad_enabled():
    x = leaf([1.0])
    with tg.set_grad_enabled(False):
        assert not (x * 2).requires_grad
    assert tg.is_grad_enabled()
    with tg.set_grad_enabled(True):
        assert (x * 2).requires_grad
    tg.set_grad_enabled(False)
    try:
        assert not tg.is_grad_enabled()
    finally:
        tg.set_grad_enabled(True)
    assert tg.is_grad_enabled()


def test_update_under_no_grad_keeps_the_parameter_a_leaf():
    w = leaf([1.0, 2.0])
    (w * w).sum().backward()
    with tg.no_grad():
        w.data -= 0.1 * w.grad.data
        w_new = w - 0.1 * w.grad
    assert w.is_leaf and w.requires_grad and not w_new.requires_grad
    np.testing.assert_allclose(w.data, [0.8, 1.6])


# --- grad mode is per thread (as PyTorch) ---


def _in_thread(target):
    """Run ``target`` in a new thread; re-raise what it raised; return what it returned."""
    result = {}

    def run():
        try:
            result["value"] = target()
        except BaseException as error:  # noqa: BLE001 (re-raised in the calling thread)
            result["error"] = error

    thread = threading.Thread(target=run)
    thread.start()
    return thread, result


def _join(thread, result):
    thread.join(timeout=30)
    assert not thread.is_alive(), "thread did not finish"
    if "error" in result:
        raise result["error"]
    return result.get("value")


def test_no_grad_in_one_thread_does_not_stop_another_recording():
    inside, done = threading.Event(), threading.Event()

    def evaluate():
        with tg.no_grad():
            inside.set()
            assert done.wait(30)
            return tg.is_grad_enabled()

    thread, result = _in_thread(evaluate)
    assert inside.wait(30)
    x = leaf([1.0, 2.0])
    y = (x * x).sum()  # recorded here while the other thread is inside no_grad
    done.set()
    assert _join(thread, result) is False
    assert tg.is_grad_enabled() and y.requires_grad
    y.backward()
    np.testing.assert_allclose(x.grad.data, [2.0, 4.0])


def test_overlapping_no_grad_blocks_in_two_threads_restore_grad_mode():
    # A enters, B enters, A leaves, B leaves: with one process-wide flag, A would restore
    # "off" for everyone when it leaves (B's entry saved it).
    a_in, b_in, a_out = threading.Event(), threading.Event(), threading.Event()

    def thread_a():
        with tg.no_grad():
            a_in.set()
            assert b_in.wait(30)
        a_out.set()
        return tg.is_grad_enabled()

    def thread_b():
        assert a_in.wait(30)
        with tg.no_grad():
            b_in.set()
            assert a_out.wait(30)
            inside = tg.is_grad_enabled()
        return inside, tg.is_grad_enabled()

    ta, ra = _in_thread(thread_a)
    tb, rb = _in_thread(thread_b)
    assert _join(ta, ra) is True
    assert _join(tb, rb) == (False, True)
    assert tg.is_grad_enabled()


def test_a_new_thread_starts_with_grad_enabled():
    with tg.no_grad():
        thread, result = _in_thread(lambda: (tg.is_grad_enabled(),
                                             (leaf([1.0]) * 2).requires_grad))
        assert _join(thread, result) == (True, True)
        assert not tg.is_grad_enabled()


def test_backward_switches_grad_mode_off_in_its_own_thread_only():
    in_backward, checked = threading.Event(), threading.Event()

    class Wait(Function):
        """y = x; the backward waits until the other thread has checked its grad mode."""

        @staticmethod
        def forward(ctx, x):
            return x.copy()

        @staticmethod
        def backward(ctx, gy):
            in_backward.set()
            assert checked.wait(30)
            ctx.mode_inside = tg.is_grad_enabled()
            return gy

    x = leaf([1.0, 2.0])
    y = Wait.apply(x).sum()
    fn = y.creator.inputs[0].creator
    thread, result = _in_thread(y.backward)
    assert in_backward.wait(30)
    z = x * 3  # recorded here while backward runs in the other thread
    checked.set()
    _join(thread, result)
    assert tg.is_grad_enabled() and z.requires_grad and z.creator is not None
    assert fn.mode_inside is False  # backward without create_graph records nothing
    np.testing.assert_allclose(x.grad.data, [1.0, 1.0])


def test_one_decorated_function_called_from_two_threads_at_once():
    # The same no_grad object is entered by two threads, interleaved: each restores its own
    # thread's mode, not the other's.
    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()

    @tg.no_grad()
    def evaluate(wait_for, then_set):
        then_set.set()
        assert wait_for.wait(30)
        return tg.is_grad_enabled()

    def first():
        inside = evaluate(second_in, first_in)
        first_out.set()
        return inside, tg.is_grad_enabled()

    def second():
        assert first_in.wait(30)
        with tg.no_grad():  # this thread calls it from inside its own no_grad block
            inside = evaluate(first_out, second_in)
            return inside, tg.is_grad_enabled()

    t1, r1 = _in_thread(first)
    t2, r2 = _in_thread(second)
    assert _join(t1, r1) == (False, True)
    assert _join(t2, r2) == (False, False)


# --- the graph is freed ---


def _live(kind):
    # issubclass(type(o)) rather than isinstance(o): never asks an object for __class__.
    return sum(1 for o in gc.get_objects() if issubclass(type(o), kind))


def test_intermediate_dies_after_backward():
    x = leaf([1.0, 2.0])
    h = x * 2
    ref = weakref.ref(h)
    y = h.exp().sum()
    del h
    assert ref() is not None  # the graph holds it until backward
    y.backward()
    assert ref() is None  # freed by backward itself, while y is still alive
    assert y.creator.inputs is None


def test_training_step_leaves_no_graph_alive():
    rng = np.random.default_rng(0)
    params = [leaf(rng.standard_normal((4, 8))), leaf(np.zeros(8)), leaf(rng.standard_normal((8, 1)))]
    x = tg.Tensor(rng.standard_normal((16, 4)))
    t = tg.Tensor(rng.standard_normal((16, 1)))

    def step():
        w1, b1, w2 = params
        loss = (((x @ w1 + b1).tanh() @ w2 - t) ** 2).mean()
        loss.backward()
        with tg.no_grad():
            for p in params:
                p.data -= 0.1 * p.grad.data
                p.grad = None
        return loss

    gc.collect()
    step()  # warm-up: nothing is cached after this
    gc.disable()  # only reference counting: survivors would be cycles
    try:
        before = _live(tg.Tensor), _live(Function)
        losses = [step().item() for _ in range(3)]
        after = _live(tg.Tensor), _live(Function)
        # A loss kept alive (to print it later) keeps only itself and its creator.
        kept = [step() for _ in range(3)]
        after_kept = _live(tg.Tensor), _live(Function)
    finally:
        gc.enable()
    assert after == before
    assert after_kept == (before[0] + 3, before[1] + 3)
    assert losses[2] < losses[0] and kept[2].item() < kept[0].item()


def test_graph_dropped_without_backward_is_freed_without_gc():
    x = leaf(np.ones((3, 3)))
    gc.disable()
    try:
        h = (x @ x).tanh()
        refs = [weakref.ref(h), weakref.ref(h.creator)]
        y = (h * h).sum()
        refs += [weakref.ref(y), weakref.ref(y.creator)]
        del h, y
        assert all(r() is None for r in refs)  # no reference cycles
    finally:
        gc.enable()


def test_create_graph_results_are_freed_without_gc():
    x = leaf([0.5, 1.5])
    gc.disable()
    try:
        y = (x ** 3).sum()
        (g,) = tg.grad(y, x, create_graph=True)
        (gg,) = tg.grad(g.sum(), x)
        refs = [weakref.ref(t) for t in (y, g, gg)] + [weakref.ref(g.creator)]
        del y, g, gg
        assert all(r() is None for r in refs)
    finally:
        gc.enable()


def test_second_backward_through_freed_graph_raises():
    x = leaf([1.0, 2.0])
    y = (x * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        y.backward()
    with pytest.raises(RuntimeError, match="retain_graph"):
        tg.grad(y, x)


def test_backward_through_a_shared_freed_part_raises():
    x = leaf([1.0, 2.0])
    h = x.exp()
    a, b = h.sum(), (h * 2).sum()
    a.backward()
    with pytest.raises(RuntimeError, match="retain_graph"):
        b.backward()


def test_retain_graph_allows_a_second_backward():
    a0 = np.array([1.0, 2.0])
    x = leaf(a0)
    y = (x.exp() * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_allclose(x.grad.data, 2 * np.exp(a0) * (1 + a0))
    with pytest.raises(RuntimeError, match="retain_graph"):
        y.backward()


def test_shared_part_with_retain_graph():
    x = leaf([1.0, 2.0])
    h = x.exp()
    a, b = h.sum(), (h * 2).sum()
    a.backward(retain_graph=True)
    b.backward()
    np.testing.assert_allclose(x.grad.data, 3 * np.exp([1.0, 2.0]))


# --- higher order (create_graph) ---


def test_grad_of_grad_of_cube():
    a0 = np.array([-1.5, 0.5, 2.0])
    x = leaf(a0)
    (g1,) = tg.grad((x ** 3).sum(), x, create_graph=True)
    np.testing.assert_allclose(g1.data, 3 * a0 ** 2)
    (g2,) = tg.grad(g1.sum(), x, create_graph=True)
    np.testing.assert_allclose(g2.data, 6 * a0)
    (g3,) = tg.grad(g2.sum(), x)
    np.testing.assert_allclose(g3.data, [6.0, 6.0, 6.0])


def test_backward_create_graph_then_backward_of_grad():
    # DeZero's example: y = x**4 - 2x**2 at x = 2 gives y' = 24 and y'' = 44.
    x = leaf(2.0)
    y = x ** 4 - 2 * x ** 2
    y.backward(create_graph=True)
    gx = x.grad
    assert gx.requires_grad
    np.testing.assert_allclose(gx.data, 24.0)
    x.grad = None
    gx.backward()
    np.testing.assert_allclose(x.grad.data, 44.0)


def test_newtons_method_with_second_derivative():
    # Minimise x**4 - 2x**2 from x = 2 with x <- x - f'(x) / f''(x): converges to 1.
    x = leaf(2.0)
    for _ in range(10):
        y = x ** 4 - 2 * x ** 2
        (g,) = tg.grad(y, x, create_graph=True)
        (gg,) = tg.grad(g, x)
        x = leaf(x.data - g.data / gg.data)
    np.testing.assert_allclose(x.data, 1.0, rtol=1e-12)


def test_higher_derivatives_of_sin():
    # d^n/dx^n sin(x) = sin(x + n pi / 2).
    a0 = np.array([0.3, 1.1, -2.0])
    x = leaf(a0)
    g = x.sin()
    for n in range(1, 5):
        (g,) = tg.grad(g.sum(), x, create_graph=True)
        np.testing.assert_allclose(g.data, np.sin(a0 + n * np.pi / 2), atol=1e-12)


def test_second_derivative_of_tanh_exp_chain():
    # f = tanh(exp(x)); f' = s e, f'' = s e - 2 t s e**2 with e = exp x, t = tanh e, s = 1 - t**2.
    a0 = np.array([-1.0, 0.2, 0.8])
    x = leaf(a0)
    (g,) = tg.grad(x.exp().tanh().sum(), x, create_graph=True)
    (gg,) = tg.grad(g.sum(), x)
    e = np.exp(a0)
    t = np.tanh(e)
    s = 1 - t ** 2
    np.testing.assert_allclose(g.data, s * e)
    np.testing.assert_allclose(gg.data, s * e - 2 * t * s * e ** 2)


def test_hessian_vector_product_non_diagonal():
    # f(x) = (x . x)**2: grad = 4 (x.x) x, H = 4 (x.x) I + 8 x x^T.
    rng = np.random.default_rng(1)
    a0, v0 = rng.standard_normal(4), rng.standard_normal(4)
    x = leaf(a0)
    f = (x * x).sum() ** 2
    (g,) = tg.grad(f, x, create_graph=True)
    np.testing.assert_allclose(g.data, 4 * (a0 @ a0) * a0)
    (hv,) = tg.grad(g, x, grad_outputs=tg.Tensor(v0))  # H v as a vector-Jacobian product
    expected = 4 * (a0 @ a0) * v0 + 8 * a0 * (a0 @ v0)
    np.testing.assert_allclose(hv.data, expected)
    # The same through a scalar: d/dx (g . v).
    x2 = leaf(a0)
    (g2,) = tg.grad((x2 * x2).sum() ** 2, x2, create_graph=True)
    (hv2,) = tg.grad((g2 * tg.Tensor(v0)).sum(), x2)
    np.testing.assert_allclose(hv2.data, expected)


def test_hessian_vector_product_of_exp_and_cube():
    # f(x) = sum(exp(x) + x**3): H = diag(exp(x) + 6x).
    a0 = np.array([0.5, -1.0, 2.0])
    v0 = np.array([1.0, 2.0, -1.0])
    x = leaf(a0)
    (g,) = tg.grad((x.exp() + x ** 3).sum(), x, create_graph=True)
    (hv,) = tg.grad(g, x, grad_outputs=v0)
    np.testing.assert_allclose(hv.data, (np.exp(a0) + 6 * a0) * v0)


def test_mixed_second_derivative():
    # f(x, y) = sum(x**2 * y**3): d2f/dxdy = 6 x y**2.
    a, b = np.array([1.0, -2.0]), np.array([0.5, 3.0])
    x, y = leaf(a), leaf(b)
    gx, gy = tg.grad((x ** 2 * y ** 3).sum(), [x, y], create_graph=True)
    (gxy,) = tg.grad(gx.sum(), y)
    np.testing.assert_allclose(gxy.data, 6 * a * b ** 2)
    (gyx,) = tg.grad(gy.sum(), x)
    np.testing.assert_allclose(gyx.data, 6 * a * b ** 2)


def test_create_graph_grad_accumulates_into_dot_grad_as_tensors():
    x = leaf([1.0, 2.0])
    (x ** 3).sum().backward(create_graph=True)
    assert isinstance(x.grad, tg.Tensor) and x.grad.requires_grad
    np.testing.assert_allclose(x.grad.data, [3.0, 12.0])


def test_create_graph_constant_grads_are_not_shared_between_leaves_or_with_the_seed():
    # Add hands the same constant gradient to both inputs; a later backward accumulating
    # into one leaf's .grad must not change the other's, nor the caller's seed (PyTorch: 2s).
    a, b = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    (a + b).sum().backward(create_graph=True)
    (a + b).sum().backward()
    np.testing.assert_allclose(a.grad.data, [2.0, 2.0])
    np.testing.assert_allclose(b.grad.data, [2.0, 2.0])
    x, seed = leaf([1.0, 2.0]), tg.Tensor(np.array([1.0, 1.0]))
    x.backward(seed, create_graph=True)
    x.backward(seed)
    np.testing.assert_allclose(seed.data, [1.0, 1.0])
    np.testing.assert_allclose(x.grad.data, [2.0, 2.0])


# --- tg.grad ---


def test_grad_multiple_outputs_sum_their_gradients():
    a0 = np.array([1.0, 2.0])
    x = leaf(a0)
    y1, y2 = (x * x).sum(), x.exp().sum()
    (g,) = tg.grad([y1, y2], x)
    np.testing.assert_allclose(g.data, 2 * a0 + np.exp(a0))


def test_grad_with_grad_outputs():
    a0 = np.array([[1.0, 2.0], [3.0, 4.0]])
    v = np.array([[0.5, -1.0], [2.0, 0.0]])
    x = leaf(a0)
    (g,) = tg.grad(x * x, x, grad_outputs=tg.Tensor(v))
    np.testing.assert_allclose(g.data, 2 * a0 * v)
    y1, y2 = x.sum(axis=0), x.sum(axis=1)
    (g,) = tg.grad([y1, y2], x, grad_outputs=[np.array([1.0, 2.0]), np.array([10.0, 20.0])])
    np.testing.assert_allclose(g.data, [[11.0, 12.0], [21.0, 22.0]])


def test_grad_with_respect_to_intermediates():
    a0 = np.array([1.0, -2.0])
    x = leaf(a0)
    h = x * 3
    z = (h ** 2).sum()
    gh, gx = tg.grad(z, [h, x])
    np.testing.assert_allclose(gh.data, 2 * 3 * a0)
    np.testing.assert_allclose(gx.data, 18 * a0)


def test_grad_with_respect_to_one_output_of_a_multi_output_function():
    class Split(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2, x * 3

        @staticmethod
        def backward(ctx, ga, gb):
            return ga * 2 + gb * 3

    x = leaf([1.0, 2.0])
    a, b = Split.apply(x)
    z = (a * b).sum()  # = 6 x**2
    ga, gb, gx = tg.grad(z, [a, b, x])
    np.testing.assert_allclose(ga.data, b.data)
    np.testing.assert_allclose(gb.data, a.data)
    np.testing.assert_allclose(gx.data, 12 * x.data)


def test_grad_allow_unused():
    x, w = leaf([1.0, 2.0]), leaf([3.0])
    z = (x * 2).sum()
    with pytest.raises(RuntimeError, match="allow_unused"):
        tg.grad(z, [x, w], retain_graph=True)
    gx, gw = tg.grad(z, [x, w], allow_unused=True)
    np.testing.assert_allclose(gx.data, [2.0, 2.0])
    assert gw is None


def test_grad_does_not_touch_dot_grad():
    x = leaf([1.0, 2.0])
    tg.grad((x * x).sum(), x)
    assert x.grad is None
    x.grad = tg.Tensor(np.array([5.0, 5.0]))
    (g,) = tg.grad((x * x).sum(), x)
    np.testing.assert_allclose(x.grad.data, [5.0, 5.0])
    np.testing.assert_allclose(g.data, [2.0, 4.0])


def test_grad_retain_graph():
    x = leaf([1.0, 2.0])
    y = (x * x).sum()
    (g1,) = tg.grad(y, x, retain_graph=True)
    (g2,) = tg.grad(y, x)
    np.testing.assert_allclose(g1.data, g2.data)
    with pytest.raises(RuntimeError, match="retain_graph"):
        tg.grad(y, x)


def test_grad_returns_tuple_of_tensors():
    x = leaf(2.0)
    result = tg.grad(x * x, x)
    assert isinstance(result, tuple) and len(result) == 1
    assert isinstance(result[0], tg.Tensor) and not result[0].requires_grad


def test_grad_of_leaf_with_respect_to_itself():
    x = leaf([1.0, 2.0])
    (g,) = tg.grad(x, x, grad_outputs=np.array([3.0, 4.0]))
    np.testing.assert_allclose(g.data, [3.0, 4.0])


def test_grad_errors():
    x = leaf([1.0, 2.0])
    c = leaf([1.0], requires_grad=False)
    with pytest.raises(RuntimeError, match=r"inputs\[0\] does not require grad"):
        tg.grad((x * 2).sum(), c)
    with pytest.raises(TypeError, match="must be a Tensor"):
        tg.grad((x * 2).sum(), [np.ones(2)])
    with pytest.raises(RuntimeError, match=r"scalar output.*\(2,\)"):
        tg.grad(x * 2, x)
    with pytest.raises(ValueError, match="2 gradients for 1 outputs"):
        tg.grad(x * 2, x, grad_outputs=[np.ones(2), np.ones(2)])


# --- retain_grad: gradients at intermediate tensors ---


def test_retain_grad_fills_an_intermediate_grad():
    a = np.array([0.5, -1.0, 2.0])
    x = leaf(a)
    h = x * 3.0
    h.retain_grad()
    y = (h ** 2).sum()
    y.backward()
    np.testing.assert_allclose(h.grad.data, 2 * (3 * a))  # dy/dh = 2h
    np.testing.assert_allclose(x.grad.data, 18 * a)  # the leaf is unaffected
    assert h.retains_grad and not x.retains_grad


def test_retain_grad_accumulates_and_works_for_several_outputs_and_the_root():
    a = np.array([[1.0, 2.0], [3.0, 4.0]])
    x = leaf(a)
    h = x.exp()
    k = h.sum(axis=0)  # used twice below
    y = (k * k).sum() + k.sum()
    for t in (h, k, y):
        t.retain_grad()
    y.backward(retain_graph=True)
    y.backward()
    k_val = np.exp(a).sum(axis=0)
    np.testing.assert_allclose(y.grad.data, 2.0)
    np.testing.assert_allclose(k.grad.data, 2 * (2 * k_val + 1))
    np.testing.assert_allclose(h.grad.data, 2 * np.broadcast_to(2 * k_val + 1, a.shape))


def test_retain_grad_on_a_leaf_does_nothing_and_needs_requires_grad():
    x = leaf([1.0, 2.0])
    x.retain_grad()
    assert not x.retains_grad
    with tg.no_grad():
        h = x * 2
    with pytest.raises(RuntimeError, match="requires grad"):
        h.retain_grad()
    with pytest.raises(RuntimeError, match="requires grad"):
        leaf([1.0], requires_grad=False).retain_grad()


def test_retain_grad_keeps_neither_the_graph_nor_the_tensor_alive():
    x = leaf([1.0, 2.0])
    h = x * 2
    h.retain_grad()
    creator, tensor = weakref.ref(h.creator), weakref.ref(h)
    (h * h).sum().backward()
    del h
    assert creator() is None and tensor() is None


def test_retained_grad_of_second_order_is_differentiable():
    x = leaf([0.5, 1.5])
    h = x ** 3
    h.retain_grad()
    (h.sin()).sum().backward(create_graph=True)
    assert h.grad.requires_grad  # cos(h), part of a graph
    (g,) = tg.grad(h.grad.sum(), x)
    np.testing.assert_allclose(g.data, -np.sin(x.data ** 3) * 3 * x.data ** 2)


# --- dtypes and ownership of .grad ---


def test_create_graph_gradients_keep_a_float32_leafs_dtype():
    # float64 constants (and seeds) in a float32 graph: the gradient stays float32 in
    # second-order mode too, and stays differentiable.
    x = tg.Tensor([1.0, 2.0], requires_grad=True)
    y = (x ** 2 * np.array([3.0, 4.0])).sum()
    (g,) = tg.grad(y, x, create_graph=True)
    assert g.dtype == np.float32 and g.requires_grad
    (h,) = tg.grad(g.sum(), x)
    np.testing.assert_allclose(h.data, [6.0, 8.0])
    z = x * np.array([3.0, 4.0])
    z.backward(tg.Tensor(np.ones(2)), create_graph=True)  # a float64 seed
    assert x.grad.dtype == np.float32


def test_grad_never_shares_the_leafs_own_array():
    class ReturnsItsInput(Function):
        """y = sum(x**2) / 2; dy/dx = x (returned as the very array saved)."""

        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return (x * x).sum() / 2

        @staticmethod
        def backward(ctx, gy):
            (x,) = ctx.saved_tensors
            return x

    x = leaf([1.0, 2.0, 3.0])
    ReturnsItsInput.apply(x).backward()
    np.testing.assert_array_equal(x.grad.data, [1.0, 2.0, 3.0])
    x.grad.data *= 0.5  # scaling the gradient must not touch the parameter
    np.testing.assert_array_equal(x.data, [1.0, 2.0, 3.0])


# --- errors ---


def test_backward_on_non_scalar_needs_grad():
    x = leaf(np.ones((2, 3)))
    y = x * 2
    with pytest.raises(RuntimeError, match=r"scalar output.*\(2, 3\)"):
        y.backward()
    y.backward(np.ones((2, 3)))
    np.testing.assert_allclose(x.grad.data, np.full((2, 3), 2.0))


def test_one_element_non_scalar_output_needs_no_grad():
    x = leaf([3.0])
    (x * x).backward()
    np.testing.assert_allclose(x.grad.data, [6.0])


def test_backward_grad_shape_mismatch():
    x = leaf(np.ones((2, 3)))
    y = x * 2
    with pytest.raises(RuntimeError, match=r"shape \(3,\).*shape \(2, 3\)"):
        y.backward(np.ones(3))
    with pytest.raises(RuntimeError, match=r"shape \(3, 2\)"):
        y.backward(tg.Tensor(np.ones((3, 2))))


def test_backward_on_output_that_does_not_require_grad():
    x = leaf([1.0, 2.0], requires_grad=False)
    with pytest.raises(RuntimeError, match="does not require grad"):
        (x * 2).sum().backward()
    with pytest.raises(RuntimeError, match="does not require grad"):
        x.sum().backward()


def test_int_tensor_cannot_require_grad():
    with pytest.raises(TypeError, match="only floating point tensors can require grad"):
        tg.Tensor(np.arange(3), requires_grad=True)


def test_requires_grad_cannot_change_on_non_leaf():
    x = leaf([1.0])
    y = x * 2
    with pytest.raises(RuntimeError, match="leaf"):
        y.requires_grad = False
    with pytest.raises(RuntimeError, match="detach"):
        y.requires_grad_(True)
    assert y.requires_grad


def test_integer_results_do_not_require_grad():
    x = leaf([1.5, 2.5])
    idx = x.argmax()
    assert not idx.requires_grad
    assert idx.item() == 1
