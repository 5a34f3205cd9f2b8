"""The NumPy functions learners reach for, on Tensors: roll, outer, tensordot, einsum,
linalg.norm, cumsum, prod, flip, pad, repeat, tile, trace, diagonal and the joiners.

First against PyTorch (forward, first and second order, through ``compare_with_torch``
of test_torch_oracle.py), then the conventions the op table cannot state: products with
zeros, norms at zero, the ``repeat`` conflict, the graph cut these functions used to make,
and the NumPy options we refuse. The op table (tests/op_table.py) has their Hypothesis rows.
"""
import numpy as np
import pytest

import tinygrad_edu as tg

try:
    import torch
except ImportError:  # the conventions below still run
    torch = None
else:
    from test_torch_oracle import run_case, uniform

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch not installed")
SEEDS = (0, 1)


def leaf(values):
    return tg.Tensor(np.asarray(values, dtype=np.float64), requires_grad=True)


def oracle(name, ours, theirs, *specs):
    return pytest.param(ours, theirs, specs, id=name)


def _tf():
    return torch.nn.functional


# Each case: our call (method, tg. function or np. function on a Tensor) and torch's.
# Linear ops are applied to x * x so that the second-order check sees their backward.
ORACLE = [
    # --- rearranging ---
    oracle("roll", lambda x: (x * x).roll(1), lambda x: torch.roll(x * x, 1), uniform((3, 4))),
    oracle("roll-axes", lambda x: (x * x).roll((1, -2), (0, 1)),
           lambda x: torch.roll(x * x, (1, -2), (0, 1)), uniform((3, 4))),
    oracle("roll-dims", lambda x: tg.roll(x * x, 2, dims=-1),
           lambda x: torch.roll(x * x, 2, dims=-1), uniform((2, 3, 4))),
    oracle("np-roll", lambda x: np.roll(x * x, -1, axis=1), lambda x: torch.roll(x * x, -1, 1),
           uniform((3, 4))),
    oracle("flip", lambda x: (x * x).flip(0), lambda x: torch.flip(x * x, (0,)), uniform((3, 4))),
    oracle("flip-dims", lambda x: tg.flip(x * x, dims=(0, 2)),
           lambda x: torch.flip(x * x, (0, 2)), uniform((2, 3, 4))),
    oracle("np-flip-all", lambda x: np.flip(x * x), lambda x: torch.flip(x * x, (0, 1)),
           uniform((3, 4))),
    oracle("pad-constant", lambda x: np.pad(x * x, ((1, 0), (2, 3)), constant_values=1.5),
           lambda x: _tf().pad(x * x, (2, 3, 1, 0), value=1.5), uniform((3, 4))),
    oracle("pad-reflect", lambda x: np.pad(x * x, ((0, 0), (0, 0), (2, 1)), mode="reflect"),
           lambda x: _tf().pad(x * x, (2, 1), mode="reflect"), uniform((2, 3, 5))),
    oracle("pad-edge", lambda x: np.pad(x * x, ((0, 0), (0, 0), (1, 2), (3, 0)), mode="edge"),
           lambda x: _tf().pad(x * x, (3, 0, 1, 2), mode="replicate"), uniform((1, 2, 3, 4))),
    oracle("pad-wrap", lambda x: np.pad(x * x, ((0, 0), (0, 0), (2, 3)), mode="wrap"),
           lambda x: _tf().pad(x * x, (2, 3), mode="circular"), uniform((2, 3, 4))),
    oracle("repeat-axis", lambda x: (x * x).repeat(2, axis=1),
           lambda x: torch.repeat_interleave(x * x, 2, dim=1), uniform((3, 4))),
    oracle("repeat_interleave-counts", lambda x: (x * x).repeat_interleave([1, 0, 3], dim=0),
           lambda x: torch.repeat_interleave(x * x, torch.tensor([1, 0, 3]), dim=0),
           uniform((3, 4))),
    oracle("np-repeat-flat", lambda x: np.repeat(x * x, 3),
           lambda x: torch.repeat_interleave(x * x, 3), uniform((2, 3))),
    oracle("tile", lambda x: (x * x).tile(2, 1, 3), lambda x: torch.tile(x * x, (2, 1, 3)),
           uniform((3, 4))),
    oracle("tile-torch-repeat", lambda x: tg.tile(x * x, (2, 3)), lambda x: (x * x).repeat(2, 3),
           uniform((3, 4))),
    oracle("trace", lambda x: (x * x).trace(), lambda x: torch.trace(x * x), uniform((4, 4))),
    oracle("np-trace-rectangular", lambda x: np.trace(x * x), lambda x: torch.trace(x * x),
           uniform((3, 5))),
    oracle("diagonal", lambda x: (x * x).diagonal(1), lambda x: torch.diagonal(x * x, 1),
           uniform((3, 4))),
    oracle("diagonal-dims", lambda x: tg.diagonal(x * x, -1, dim1=2, dim2=0),
           lambda x: torch.diagonal(x * x, -1, dim1=2, dim2=0), uniform((4, 2, 3))),
    # --- running totals and products ---
    oracle("cumsum", lambda x: (x * x).cumsum(1), lambda x: torch.cumsum(x * x, 1),
           uniform((3, 4))),
    oracle("cumsum-dim", lambda x: tg.cumsum(x * x, dim=0), lambda x: torch.cumsum(x * x, dim=0),
           uniform((3, 4))),
    oracle("cumprod", lambda x: x.cumprod(-1), lambda x: torch.cumprod(x, -1), uniform((3, 4))),
    oracle("cumprod-zeros", lambda x: (x * np.array([1.0, 0.0, 1.0, 0.0])).cumprod(1),
           lambda x: torch.cumprod(x * torch.tensor([1.0, 0.0, 1.0, 0.0]), 1), uniform((3, 4))),
    oracle("prod", lambda x: x.prod(), lambda x: torch.prod(x), uniform((3, 4))),
    oracle("prod-dim", lambda x: tg.prod(x, dim=1, keepdim=True),
           lambda x: torch.prod(x, 1, keepdim=True), uniform((3, 4))),
    oracle("np-prod-axis", lambda x: np.prod(x, axis=0), lambda x: torch.prod(x, 0),
           uniform((3, 4))),
    # x[0, 1] and x[2, 0], x[2, 3] become exact zeros: one zero in row 0, two in row 2
    oracle("prod-zeros", lambda x: (x * np.array(_ZEROS)).prod(axis=1),
           lambda x: torch.prod(x * torch.tensor(_ZEROS), 1), uniform((3, 4))),
    oracle("prod-zeros-all", lambda x: (x * np.array(_ZEROS)[0]).prod(),
           lambda x: torch.prod(x * torch.tensor(_ZEROS[0])), uniform((4,))),
    oracle("np-diff", lambda x: np.diff(x * x, n=2, axis=0),
           lambda x: torch.diff(x * x, n=2, dim=0), uniform((4, 3))),
    oracle("np-diff-prepend", lambda x: np.diff(x * x, prepend=x[:, :1], append=0.5),
           lambda x: torch.diff(x * x, prepend=x[:, :1],
                                append=torch.full((3, 1), 0.5, dtype=torch.float64)),
           uniform((3, 4))),
    # --- products of tensors ---
    oracle("outer", lambda a, b: tg.outer(a, b), torch.outer, uniform((3,)), uniform((4,))),
    oracle("np-outer", lambda a, b: np.outer(a, b), torch.outer, uniform((3,)), uniform((4,))),
    oracle("tensordot", lambda a, b: tg.tensordot(a, b), lambda a, b: torch.tensordot(a, b),
           uniform((2, 3, 4)), uniform((3, 4, 5))),
    oracle("np-tensordot-axes", lambda a, b: np.tensordot(a, b, axes=([1, 0], [0, 2])),
           lambda a, b: torch.tensordot(a, b, dims=([1, 0], [0, 2])),
           uniform((2, 3, 4)), uniform((3, 5, 2))),
    oracle("einsum-matmul", lambda a, b: tg.einsum("ij,jk->ik", a, b),
           lambda a, b: torch.einsum("ij,jk->ik", a, b), uniform((2, 3)), uniform((3, 4))),
    oracle("einsum-batched", lambda a, b: np.einsum("bij,bjk->bik", a, b),
           lambda a, b: torch.einsum("bij,bjk->bik", a, b),
           uniform((2, 2, 3)), uniform((2, 3, 4))),
    oracle("einsum-implicit", lambda a, b: tg.einsum("ij,jk", a, b),
           lambda a, b: torch.einsum("ij,jk", a, b), uniform((2, 3)), uniform((3, 4))),
    oracle("einsum-implicit-transpose", lambda a: tg.einsum("ba", a * a),
           lambda a: torch.einsum("ba", a * a), uniform((2, 3))),
    oracle("einsum-ellipsis", lambda a, b: np.einsum("...ij,...jk->...ik", a, b),
           lambda a, b: torch.einsum("...ij,...jk->...ik", a, b),
           uniform((2, 1, 2, 3)), uniform((3, 3, 4))),
    oracle("einsum-trace", lambda a: tg.einsum("ii", a * a), lambda a: torch.einsum("ii", a * a),
           uniform((3, 3))),
    oracle("einsum-diagonal", lambda a: tg.einsum("ii->i", a * a),
           lambda a: torch.einsum("ii->i", a * a), uniform((3, 3))),
    oracle("einsum-sum-and-outer", lambda a, b: tg.einsum("ij,k->jk", a, b),
           lambda a, b: torch.einsum("ij,k->jk", a, b), uniform((2, 3)), uniform((4,))),
    oracle("einsum-three", lambda a, b, c: tg.einsum("ij,jk,kl->il", a, b, c),
           lambda a, b, c: torch.einsum("ij,jk,kl->il", a, b, c),
           uniform((2, 3)), uniform((3, 2)), uniform((2, 4))),
    oracle("einsum-list", lambda a, b: tg.einsum("i,i->", [a, b]),
           lambda a, b: torch.einsum("i,i->", [a, b]), uniform((4,)), uniform((4,))),
    # --- norms ---
    oracle("np-norm", lambda x: np.linalg.norm(x), lambda x: torch.linalg.norm(x),
           uniform((3, 4))),
    oracle("np-norm-vector-axis", lambda x: np.linalg.norm(x, axis=1, keepdims=True),
           lambda x: torch.linalg.vector_norm(x, dim=1, keepdim=True), uniform((3, 4))),
    oracle("np-norm-1", lambda x: np.linalg.norm(x, 1), lambda x: torch.linalg.vector_norm(x, 1),
           uniform((5,))),
    oracle("np-norm-inf", lambda x: np.linalg.norm(x, np.inf, axis=0),
           lambda x: torch.linalg.vector_norm(x, float("inf"), dim=0), uniform((3, 4))),
    oracle("np-norm-minus-inf", lambda x: np.linalg.norm(x, -np.inf, axis=-1),
           lambda x: torch.linalg.vector_norm(x, float("-inf"), dim=-1), uniform((3, 4))),
    oracle("np-norm-fro", lambda x: np.linalg.norm(x, "fro", axis=(0, 2)),
           lambda x: torch.linalg.matrix_norm(x, "fro", dim=(0, 2)), uniform((3, 2, 4))),
    oracle("np-norm-matrix-1", lambda x: np.linalg.norm(x, 1),
           lambda x: torch.linalg.matrix_norm(x, 1), uniform((3, 4))),
    oracle("np-norm-matrix-inf", lambda x: np.linalg.norm(x, np.inf, axis=(2, 1), keepdims=True),
           lambda x: torch.linalg.matrix_norm(x, float("inf"), dim=(2, 1), keepdim=True),
           uniform((2, 3, 4))),
    oracle("np-norm-matrix-minus-1", lambda x: np.linalg.norm(x, -1, axis=(1, 2)),
           lambda x: torch.linalg.matrix_norm(x, -1, dim=(1, 2)), uniform((2, 3, 4))),
    oracle("norm", lambda x: x.norm(), lambda x: x.norm(), uniform((3, 4))),
    oracle("norm-1-entrywise", lambda x: x.norm(1), lambda x: x.norm(1), uniform((3, 4))),
    oracle("norm-dim", lambda x: tg.norm(x, 2, dim=1, keepdim=True),
           lambda x: torch.norm(x, 2, dim=1, keepdim=True), uniform((3, 4))),
    oracle("norm-inf-axes", lambda x: x.norm(np.inf, axis=(0, 2)),
           lambda x: torch.linalg.vector_norm(x, float("inf"), dim=(0, 2)), uniform((2, 3, 4))),
    # --- joining, splitting and reshaping ---
    oracle("np-vstack", lambda a, b: np.vstack([a * a, b]), lambda a, b: torch.vstack([a * a, b]),
           uniform((4,)), uniform((2, 4))),
    oracle("np-hstack", lambda a, b: np.hstack([a * a, b]), lambda a, b: torch.hstack([a * a, b]),
           uniform((3, 2)), uniform((3, 1))),
    oracle("np-column_stack", lambda a, b: np.column_stack([a * a, b]),
           lambda a, b: torch.column_stack([a * a, b]), uniform((3,)), uniform((3, 2))),
    oracle("np-split", lambda x: np.split(x * x, [1, 3], axis=1),
           lambda x: torch.tensor_split(x * x, [1, 3], dim=1), uniform((2, 5))),
    oracle("np-array_split", lambda x: np.array_split(x * x, 3),
           lambda x: torch.tensor_split(x * x, 3), uniform((5, 2))),
    oracle("np-moveaxis", lambda x: np.moveaxis(x * x, (0, 1), (2, 0)),
           lambda x: torch.movedim(x * x, (0, 1), (2, 0)), uniform((2, 3, 4))),
    oracle("np-atleast_2d", lambda x: np.atleast_2d(x * x), lambda x: torch.atleast_2d(x * x),
           uniform((3,))),
    oracle("np-atleast_3d", lambda x: np.atleast_3d(x * x), lambda x: torch.atleast_3d(x * x),
           uniform((2, 3))),
    oracle("np-average", lambda x, w: np.average(x * x, axis=1, weights=w),
           lambda x, w: ((x * x) * w).sum(1) / w.sum(), uniform((3, 4)), uniform((4,), 0.5, 2)),
    oracle("np-copy", lambda x: np.copy(x) * x, lambda x: x.clone() * x, uniform((3, 4))),
]

_ZEROS = [[1.0, 0.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0], [0.0, 1.0, 1.0, 0.0]]


@needs_torch
@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("ours,theirs,specs", ORACLE)
def test_against_torch(ours, theirs, specs, seed):
    run_case(ours, theirs, specs, seed)


# --- the graph cut these functions used to make ---


def test_np_roll_keeps_the_graph():
    """(x * roll(x, 1)).sum() = x0 x2 + x1 x0 + x2 x1: d/dx = [x1 + x2, x0 + x2, x0 + x1]."""
    x = leaf([1.0, 2.0, 3.0])
    (x * np.roll(x, 1)).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [5.0, 4.0, 3.0])


@pytest.mark.parametrize("call", [
    lambda x: np.roll(x, 1), lambda x: np.outer(x, x), lambda x: np.tensordot(x, x, 1),
    lambda x: np.linalg.norm(x), lambda x: np.cumsum(x), lambda x: np.prod(x),
    lambda x: np.flip(x), lambda x: np.pad(x, 1), lambda x: np.repeat(x, 2),
    lambda x: np.tile(x, 2), lambda x: np.einsum("i,i", x, x),
    lambda x: np.trace(np.outer(x, x)), lambda x: np.diagonal(np.outer(x, x)),
    lambda x: np.vstack([x, x]), lambda x: np.diff(x), lambda x: np.average(x),
    lambda x: np.cumprod(x), lambda x: np.moveaxis(x[None], 0, 1), lambda x: np.copy(x),
], ids=["roll", "outer", "tensordot", "norm", "cumsum", "prod", "flip", "pad", "repeat",
        "tile", "einsum", "trace", "diagonal", "vstack", "diff", "average", "cumprod",
        "moveaxis", "copy"])
def test_each_function_returns_a_tensor_in_the_graph(call):
    x = leaf([1.0, 2.0, 3.0])
    y = call(x)
    assert isinstance(y, tg.Tensor) and y.requires_grad and y.creator is not None
    with tg.no_grad():
        z = call(x)
    assert isinstance(z, tg.Tensor) and not z.requires_grad
    np.testing.assert_allclose(z.data, call(x.data))


# --- products with zeros (torch's convention) ---


def test_prod_gradient_at_one_zero_is_the_product_of_the_others():
    x = leaf([2.0, 0.0, 3.0])
    (g,) = tg.grad(x.prod(), x, create_graph=True)
    np.testing.assert_array_equal(g.data, [0.0, 6.0, 0.0])
    # d2/dxi dxj of x0 x1 x2 is the remaining factor (0 on the diagonal)
    hessian = [tg.grad(g[i], x, retain_graph=True)[0].data for i in range(3)]
    np.testing.assert_array_equal(hessian, [[0, 3, 0], [3, 0, 2], [0, 2, 0]])


def test_prod_gradient_with_two_zeros_is_zero_and_its_hessian_is_not():
    x = leaf([0.0, 5.0, 0.0])
    (g,) = tg.grad(x.prod(), x, create_graph=True)
    np.testing.assert_array_equal(g.data, [0.0, 0.0, 0.0])
    (h0,) = tg.grad(g[0], x)
    np.testing.assert_array_equal(h0.data, [0.0, 0.0, 5.0])  # d/dx2 of x1 x2 at x2 = 0


def test_prod_over_an_axis_mixes_slices_with_and_without_zeros():
    x = leaf([[2.0, 0.0, 3.0], [1.0, 2.0, 4.0], [0.0, 0.0, 1.0]])
    np.prod(x, axis=1).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [[0, 6, 0], [8, 4, 2], [0, 0, 0]])


def test_cumprod_gradient_with_a_zero():
    """y = [x0, x0 x1, x0 x1 x2] at x = [2, 0, 3]: d(sum y)/dx = [1 + x1 + x1 x2,
    x0 + x0 x2, x0 x1] = [1, 8, 0]."""
    x = leaf([2.0, 0.0, 3.0])
    x.cumprod().sum().backward()
    np.testing.assert_array_equal(x.grad.data, [1.0, 8.0, 0.0])


# --- norms ---


@pytest.mark.parametrize("norm", [lambda x: np.linalg.norm(x), lambda x: x.norm(),
                                  lambda x: np.linalg.norm(x, "fro"),
                                  lambda x: np.linalg.norm(x, axis=1).sum()],
                         ids=["np", "method", "fro", "rows"])
def test_two_norm_of_zeros_has_gradient_zero(norm):
    x = leaf(np.zeros((2, 3)))
    (g,) = tg.grad(norm(x), x, create_graph=True)
    np.testing.assert_array_equal(g.data, np.zeros((2, 3)))
    # torch gives nan here; ours is 0, the derivative of the gradient formula x * 0
    (h,) = tg.grad(g.sum(), x)
    np.testing.assert_array_equal(h.data, np.zeros((2, 3)))


@needs_torch
def test_two_norm_at_zero_matches_torch_to_first_order():
    x, t = leaf(np.zeros(3)), torch.zeros(3, dtype=torch.float64, requires_grad=True)
    np.linalg.norm(x).backward()
    torch.linalg.vector_norm(t).backward()
    np.testing.assert_array_equal(x.grad.data, t.grad.numpy())


def test_matrix_one_norm_is_numpys_and_tensor_norm_one_is_entrywise():
    a = np.array([[1.0, -2.0], [3.0, 4.0]])
    A = leaf(a)
    assert np.linalg.norm(A, 1).item() == 6.0        # largest column sum of |a|: 2 + 4
    assert np.linalg.norm(A, np.inf).item() == 7.0   # largest row sum: 3 + 4
    assert A.norm(1).item() == 10.0                  # PyTorch's: sum of |a|
    assert A.norm(np.inf).item() == 4.0
    np.testing.assert_allclose(np.linalg.norm(A, 1).data, np.linalg.norm(a, 1))


def test_inf_norm_shares_the_gradient_between_tied_maxima():
    x = leaf([1.0, -3.0, 3.0])
    np.linalg.norm(x, np.inf).backward()
    np.testing.assert_array_equal(x.grad.data, [0.0, -0.5, 0.5])


def test_one_norm_gradient_at_a_zero_element_is_zero():
    x = leaf([0.0, -2.0, 1.0])
    np.linalg.norm(x, 1).backward()
    np.testing.assert_array_equal(x.grad.data, [0.0, -1.0, 1.0])


def test_matrix_one_norm_shares_the_gradient_between_tied_columns():
    """Both columns sum to |1| + |3| = |-2| + |2| = 4: each gets half, times sign(a)."""
    A = leaf([[1.0, -2.0], [3.0, 2.0]])
    np.linalg.norm(A, 1).backward()
    np.testing.assert_array_equal(A.grad.data, [[0.5, -0.5], [0.5, 0.5]])


@needs_torch
@pytest.mark.parametrize("ours, theirs", [
    (lambda x: np.linalg.norm(x, np.inf, axis=1),
     lambda t: torch.linalg.vector_norm(t, float("inf"), dim=1)),
    (lambda x: np.linalg.norm(x, -np.inf, axis=1),
     lambda t: torch.linalg.vector_norm(t, float("-inf"), dim=1)),
    (lambda x: np.linalg.norm(x, 1, axis=1), lambda t: torch.linalg.vector_norm(t, 1, dim=1)),
    (lambda x: np.linalg.norm(x, axis=1), lambda t: torch.linalg.vector_norm(t, dim=1)),
    (lambda x: np.linalg.norm(x, 1), lambda t: torch.linalg.matrix_norm(t, 1)),
    (lambda x: np.linalg.norm(x, -np.inf), lambda t: torch.linalg.matrix_norm(t, float("-inf"))),
    (lambda x: x.norm(np.inf), lambda t: t.norm(float("inf"))),
], ids=["inf", "-inf", "1", "2", "matrix-1", "matrix--inf", "tensor-inf"])
def test_norms_at_ties_and_zeros_follow_torch(ours, theirs):
    """Rows: tied maxima, tied minima, zeros, a zero row; columns and rows tied in sums."""
    a = np.array([[1.0, -3.0, 3.0], [0.0, 2.0, -1.0], [0.0, 0.0, 0.0], [2.0, -2.0, 0.5]])
    x, t = leaf(a), torch.tensor(a, requires_grad=True)
    y, yt = ours(x), theirs(t)
    np.testing.assert_allclose(y.data, yt.detach().numpy())
    g = np.arange(1.0, y.size + 1).reshape(y.shape)
    y.backward(g)
    yt.backward(torch.tensor(g))
    np.testing.assert_allclose(x.grad.data, t.grad.numpy())


# --- the repeat conflict ---


def test_repeat_without_axis_explains_the_numpy_torch_conflict():
    t = tg.Tensor([1.0, 2.0])
    with pytest.raises(TypeError, match=r"t\.repeat\(2\) is ambiguous") as info:
        t.repeat(2)
    message = str(info.value)
    assert "[a, a, b, b]" in message and "[a, b, a, b]" in message
    assert "t.tile(2)" in message and "t.repeat(2, axis=...)" in message
    assert "t.repeat_interleave(2" in message


def test_repeat_with_axis_is_numpys_and_tile_is_torchs_repeat():
    t = tg.Tensor([1.0, 2.0])
    np.testing.assert_array_equal(t.repeat(2, axis=0).data, [1.0, 1.0, 2.0, 2.0])
    np.testing.assert_array_equal(t.repeat(2, axis=None).data, [1.0, 1.0, 2.0, 2.0])
    np.testing.assert_array_equal(np.repeat(t, 2).data, [1.0, 1.0, 2.0, 2.0])
    np.testing.assert_array_equal(t.repeat_interleave(2).data, [1.0, 1.0, 2.0, 2.0])
    np.testing.assert_array_equal(t.tile(2).data, [1.0, 2.0, 1.0, 2.0])


# --- NumPy's defaults and rules ---


def test_cumsum_without_axis_flattens_as_numpy():
    x = leaf([[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_array_equal(x.cumsum().data, [1.0, 3.0, 6.0, 10.0])
    np.testing.assert_array_equal(np.cumsum(x, axis=0).data, [[1.0, 2.0], [4.0, 6.0]])


def test_average_returned_and_unweighted():
    x = leaf([[1.0, 2.0], [3.0, 5.0]])
    w = leaf([1.0, 3.0])
    avg, total = np.average(x, axis=1, weights=w, returned=True)
    np.testing.assert_allclose(avg.data, [1.75, 4.5])
    np.testing.assert_array_equal(total.data, [4.0, 4.0])
    avg.sum().backward()
    np.testing.assert_allclose(w.grad.data, [(1 - 1.75) / 4 + (3 - 4.5) / 4,
                                             (2 - 1.75) / 4 + (5 - 4.5) / 4])
    mean, count = np.average(x, returned=True)
    assert mean.item() == 2.75 and count.item() == 4.0


def test_integer_tensors_stay_integer():
    t = tg.Tensor([1, 2, 3])
    for y in (np.cumsum(t), np.prod(t), np.roll(t, 1), np.flip(t), np.tile(t, 2)):
        assert y.dtype == np.int64 and not y.requires_grad


def test_float32_stays_float32():
    x = tg.Tensor(np.array([[1.0, 0.0], [2.0, 3.0]], dtype=np.float32), requires_grad=True)
    for y in (x.prod(), x.cumprod(0), np.linalg.norm(x), np.einsum("ij->j", x),
              np.pad(x, 1, mode="reflect"), x.norm(1), np.average(x, weights=x.data)):
        assert y.dtype == np.float32
        (g,) = tg.grad(y.sum(), x)
        assert g.dtype == np.float32


# --- options we refuse, and bad values, with a message naming them ---


@pytest.mark.parametrize("call, message", [
    (lambda x: np.cumsum(x, dtype=np.float32), r"np\.cumsum on a Tensor does not support dtype="),
    (lambda x: np.cumprod(x, out=np.empty(3)), r"np\.cumprod on a Tensor does not support out="),
    (lambda x: np.prod(x, where=np.array([True, False, True])),
     r"np\.prod on a Tensor does not support where="),
    (lambda x: np.prod(x, initial=2.0), r"np\.prod on a Tensor does not support initial="),
    (lambda x: np.trace(np.outer(x, x), dtype=np.float32), r"np\.trace .* dtype="),
    (lambda x: np.outer(x, x, out=np.empty((3, 3))), r"np\.outer .* out="),
    (lambda x: np.einsum("i->", x, dtype=np.float32), r"np\.einsum .* dtype="),
    (lambda x: np.einsum("i->", x, out=np.empty(())), r"np\.einsum .* out="),
    (lambda x: np.einsum(x, [0], []), r"interleaved form"),
    (lambda x: np.pad(x, 1, mode="linear_ramp"), r"supports mode 'constant'.*mode='linear_ramp'"),
    (lambda x: np.pad(x, 1, mode="mean"), r"mode='mean'"),
    (lambda x: np.pad(x, 1, mode="reflect", reflect_type="odd"), r"reflect_type='odd'"),
    (lambda x: np.pad(x, 1, constant_values=tg.Tensor(1.0, requires_grad=True)),
     r"constant_values is a constant"),
    (lambda x: np.linalg.norm(x, 3), r"norm order 3 for vectors is not supported"),
    (lambda x: np.linalg.norm(x, 0), r"norm order 0 for vectors is not supported"),
    (lambda x: np.linalg.norm(np.outer(x, x), 2), r"norm order 2 for matrices is not supported"),
    (lambda x: np.linalg.norm(np.outer(x, x), "nuc"), r"ord='nuc'"),
    (lambda x: x.norm("nuc"), r"p='nuc' is not supported"),
    (lambda x: x.roll(1, axis=0, dims=0), r"roll: axis= and dims= are the same argument"),
    (lambda x: x.prod(keepdims=True, keepdim=True), r"keepdims= and keepdim="),
    (lambda x: np.copy(x, order="F"), r"order='F'"),
    (lambda x: np.vstack([x], casting="unsafe"), r"casting='unsafe'"),
], ids=["cumsum-dtype", "cumprod-out", "prod-where", "prod-initial", "trace-dtype",
        "outer-out", "einsum-dtype", "einsum-out", "einsum-interleaved", "pad-linear_ramp",
        "pad-mean", "pad-reflect_type", "pad-tensor-value", "norm-3", "norm-0", "norm-matrix-2",
        "norm-nuc", "tensor-norm-nuc", "roll-axis-and-dims", "prod-keepdims-and-keepdim",
        "copy-order", "vstack-casting"])
def test_numpy_options_we_cannot_honour_raise_type_error(call, message):
    with pytest.raises(TypeError, match=message):
        call(leaf([1.0, 2.0, 3.0]))


@pytest.mark.parametrize("call, error, message", [
    (lambda x: np.tensordot(x, x[:2], 1), ValueError, r"shape-mismatch for sum: axis 0 of a "
                                                     r"has size 3, axis 0 of b has size 2"),
    (lambda x: np.tensordot(x, x, 2), ValueError, r"axes=2 needs 0 <= axes <= 1"),
    (lambda x: np.einsum("ij->", x), ValueError, r"operand 0 has 1 axes but 'ij' names 2"),
    (lambda x: np.einsum("i,i->", x), ValueError, r"2 operand term\(s\) but 1 operand"),
    (lambda x: np.einsum("...i->i", x[None]), ValueError, r"'\.\.\.' in the output"),
    (lambda x: np.einsum("i1->", x), ValueError, r"letters a-z and A-Z only"),
    (lambda x: x.repeat_interleave([1, 2]), ValueError, r"2 repeats for 3 slices"),
    (lambda x: x.repeat_interleave(-1), ValueError, r"repeats must be >= 0"),
    (lambda x: x.repeat_interleave(1.5), TypeError, r"repeats must be an int"),
    (lambda x: x.tile(-1), ValueError, r"reps must be >= 0"),
    (lambda x: x.roll(1.5), TypeError, r"shifts must be an int"),
    (lambda x: x.roll(1, axis=1), np.exceptions.AxisError, r"roll"),
    (lambda x: x.diagonal(), ValueError, r"at least 2 dimensions"),
    (lambda x: np.outer(x, x).diagonal(axis1=1, axis2=-1), ValueError, r"must differ"),
    (lambda x: x.cumsum(axis=2), np.exceptions.AxisError, r"cumsum"),
    (lambda x: np.linalg.norm(x[None, None], 1), ValueError, r"needs a vector or a matrix"),
    (lambda x: np.linalg.norm(x, "fro", axis=0), ValueError, r"'fro' for vectors"),
    (lambda x: np.split(x, 2), ValueError, r"do not divide axis 0 of size 3"),
    (lambda x: np.average(x, weights=[1.0, -1.0, 0.0]), ZeroDivisionError, r"sum to zero"),
    (lambda x: np.diff(x, n=-1), ValueError, r"non-negative"),
    (lambda x: np.moveaxis(x[None], (0, 1), 0), ValueError, r"same number"),
], ids=["tensordot-sizes", "tensordot-axes", "einsum-ndim", "einsum-operands", "einsum-ellipsis",
        "einsum-letter", "repeat-counts", "repeat-negative", "repeat-float", "tile-negative",
        "roll-float", "roll-axis", "diagonal-1d", "diagonal-same-axis", "cumsum-axis",
        "norm-3d", "norm-fro-vector", "split-uneven", "average-zero-weights", "diff-n",
        "moveaxis-lengths"])
def test_bad_values_raise_a_clear_error_before_anything_is_computed(call, error, message):
    x = leaf([1.0, 2.0, 3.0])
    with pytest.raises(error, match=message):
        call(x)
    assert x.grad is None
