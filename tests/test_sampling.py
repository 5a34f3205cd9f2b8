"""tg.multinomial, tg.bernoulli, F.one_hot and the generator= argument of the random
factories: distributions checked against their definition, shapes, dtypes and refusals
against PyTorch."""
import numpy as np
import pytest
from hypothesis import given, strategies as st
from hypothesis.extra import numpy as hnp

import tinygrad_edu as tg
import tinygrad_edu.nn.functional as F


@pytest.fixture
def torch():
    return pytest.importorskip("torch", reason="PyTorch is the oracle for shapes, dtypes "
                                               "and refusals")


def _frequencies(samples, k):
    return np.bincount(np.asarray(samples).ravel(), minlength=k) / np.asarray(samples).size


def _assert_frequencies(samples, p):
    """Each category's share within 5 standard errors of its probability."""
    n = np.asarray(samples).size
    p = np.asarray(p) / np.sum(p)
    tolerance = 5 * np.sqrt(p * (1 - p) / n) + 1e-12
    assert np.all(np.abs(_frequencies(samples, len(p)) - p) <= tolerance)


def test_multinomial_with_replacement_draws_the_given_distribution():
    weights = tg.tensor([1.0, 2.0, 0.0, 7.0])       # weights need not sum to 1
    samples = tg.multinomial(weights, 20000, replacement=True)
    assert samples.dtype == np.int64 and samples.shape == (20000,)
    _assert_frequencies(samples.numpy(), [1, 2, 0, 7])


def test_multinomial_without_replacement_is_a_weighted_permutation():
    weights = tg.tensor([[0.5, 0.3, 0.2], [0.0, 1.0, 1.0]])
    draws = np.stack([tg.multinomial(weights, 2).numpy() for _ in range(3000)])
    assert draws.shape == (3000, 2, 2)
    assert all(len(set(row)) == 2 for d in draws for row in d)   # no repeats in a row
    _assert_frequencies(draws[:, 0, 0], [0.5, 0.3, 0.2])         # first draw: the weights
    assert not (draws[:, 1] == 0).any()                          # weight 0: never drawn


def test_multinomial_shapes_and_dtype_are_pytorchs(torch):
    for shape, n in [((5,), 3), ((2, 5), 4), ((1, 3), 1)]:
        w = np.random.default_rng(0).random(shape).astype(np.float32) + 0.1
        expected = torch.multinomial(torch.tensor(w), n)
        got = tg.tensor(w).multinomial(n)
        assert got.shape == tuple(expected.shape) and str(expected.dtype) == "torch.int64"
        assert got.dtype == np.int64


@pytest.mark.parametrize("weights,n,replacement", [
    ([0.5, -0.1, 0.6], 1, True),        # negative weight
    ([0.0, 0.0], 1, True),              # nothing to draw
    ([[[1.0]]], 1, True),               # 3-d
    ([1.0, float("nan")], 1, True),
])
def test_multinomial_refuses_what_pytorch_refuses(torch, weights, n, replacement):
    with pytest.raises(RuntimeError):
        torch.multinomial(torch.tensor(weights), n, replacement)
    with pytest.raises(ValueError, match="tg.multinomial"):
        tg.multinomial(tg.tensor(weights), n, replacement)


def test_multinomial_refuses_to_draw_a_zero_weight_category(torch):
    # PyTorch, asked for more samples without replacement than there are non-zero
    # weights, silently draws the category of weight 0
    assert 1 in torch.multinomial(torch.tensor([1.0, 0.0, 1.0]), 3).tolist()
    with pytest.raises(ValueError, match="3 samples without replacement, but row 0 has only "
                                         "2 categories with non-zero weight"):
        tg.multinomial(tg.tensor([1.0, 0.0, 1.0]), 3)


def test_multinomial_refuses_integer_weights():
    with pytest.raises(TypeError, match="floating point tensor of probabilities"):
        tg.multinomial(tg.tensor([1, 2]), 1)


def test_bernoulli_draws_ones_with_the_given_probability():
    p = tg.full((40000,), 0.3, dtype=tg.float64)
    sample = tg.bernoulli(p)
    assert sample.dtype == np.float64 and set(np.unique(sample.numpy())) <= {0.0, 1.0}
    _assert_frequencies(sample.numpy().astype(int), [0.7, 0.3])
    per_element = tg.bernoulli(tg.tensor([0.0, 1.0] * 100))
    np.testing.assert_array_equal(per_element.numpy(), [0.0, 1.0] * 100)
    assert tg.zeros(5).bernoulli(1.0).numpy().tolist() == [1.0] * 5   # p= overrides


def test_bernoulli_refuses_what_is_not_a_probability(torch):
    for bad in ([0.5, 1.5], [-0.1], [float("nan")]):
        with pytest.raises(RuntimeError):
            torch.bernoulli(torch.tensor(bad))
        with pytest.raises(ValueError, match="probabilities must be in \\[0, 1\\]"):
            tg.bernoulli(tg.tensor(bad))


# --- generator= ---

@pytest.mark.parametrize("draw", [
    lambda g: tg.randn(3, 2, generator=g),
    lambda g: tg.rand(4, generator=g),
    lambda g: tg.randint(0, 10, (5,), generator=g),
    lambda g: tg.randperm(6, generator=g),
    lambda g: tg.normal(0.0, 2.0, size=(3,), generator=g),
    lambda g: tg.multinomial(tg.ones(4), 2, generator=g),
    lambda g: tg.bernoulli(tg.full((6,), 0.5), generator=g),
], ids=["randn", "rand", "randint", "randperm", "normal", "multinomial", "bernoulli"])
def test_a_generator_gives_its_own_reproducible_stream(draw):
    tg.manual_seed(1)
    a = draw(tg.Generator().manual_seed(7)).numpy()
    global_next = tg.rand(2).numpy()
    tg.manual_seed(1)
    b = draw(tg.Generator().manual_seed(7)).numpy()
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(tg.rand(2).numpy(), global_next)  # the global one untouched
    g = tg.Generator().manual_seed(7)
    draw(g)
    assert not np.array_equal(draw(g).numpy(), a) or a.size < 3      # the stream moves on


def test_generator_checks_its_arguments():
    with pytest.raises(ValueError, match="seed must be an int >= 0"):
        tg.Generator().manual_seed(-1)
    with pytest.raises(ValueError, match="tg.Generator: device="):
        tg.Generator(device="cuda")
    with pytest.raises(TypeError, match="tg.randn: generator must be a tg.Generator"):
        tg.randn(2, generator=np.random.default_rng(0))
    assert tg.Generator().manual_seed(5).initial_seed() == 5


# --- F.one_hot ---

@given(labels=hnp.arrays(np.int64, hnp.array_shapes(min_dims=0, max_dims=3, min_side=1,
                                                    max_side=4), elements=st.integers(0, 5)),
       extra=st.integers(-1, 2))
def test_one_hot_equals_pytorchs(labels, extra):
    torch = pytest.importorskip("torch", reason="PyTorch is the oracle for one_hot")
    num_classes = -1 if extra == -1 else int(labels.max()) + 1 + extra
    expected = torch.nn.functional.one_hot(torch.tensor(labels), num_classes).numpy()
    got = F.one_hot(tg.tensor(labels), num_classes)
    assert got.dtype == expected.dtype and got.shape == expected.shape
    np.testing.assert_array_equal(got.numpy(), expected)


@pytest.mark.parametrize("labels,num_classes,error", [
    ([0, 3], 3, ValueError), ([-1, 0], 3, ValueError), ([0.0, 1.0], 2, TypeError),
])
def test_one_hot_refuses_what_pytorch_refuses(torch, labels, num_classes, error):
    with pytest.raises(RuntimeError):
        torch.nn.functional.one_hot(torch.tensor(labels), num_classes)
    with pytest.raises(error, match="one_hot"):
        F.one_hot(tg.tensor(labels), num_classes)
