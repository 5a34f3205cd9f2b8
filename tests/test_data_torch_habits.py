"""torch.utils.data's habits on tg.data (Dataset, Subset, ConcatDataset, random_split,
DataLoader's collate_fn / generator / dict samples), torch.autograd.Variable,
torch.accelerator and the legacy torch.Tensor(3) constructor: each against PyTorch."""
import warnings

import numpy as np
import pytest
from hypothesis import given, strategies as st

import tinygrad_edu as tg
from tinygrad_edu.data import ConcatDataset, DataLoader, Dataset, Subset, random_split


@pytest.fixture
def torch():
    return pytest.importorskip("torch", reason="PyTorch is the oracle for its data habits")


def _torch_or_skip():
    return pytest.importorskip("torch", reason="PyTorch is the oracle for random_split")


# --- random_split ---

@given(n=st.integers(0, 60), weights=st.lists(st.integers(1, 9), min_size=1, max_size=5))
def test_random_split_fraction_lengths_are_pytorchs(n, weights):
    torch = _torch_or_skip()
    fractions = [w / sum(weights) for w in weights]
    def lengths(split):
        try:
            return [len(s) for s in split(range(n), fractions)]
        except ValueError:  # fractions whose float sum exceeds 1 are refused by both
            return "refused"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # both warn about empty splits
        assert lengths(random_split) == lengths(torch.utils.data.random_split)


@given(counts=st.lists(st.integers(0, 12), min_size=1, max_size=5), seed=st.integers(0, 99))
def test_random_split_partitions_the_dataset(counts, seed):
    n = sum(counts)
    splits = random_split(list(range(100, 100 + n)), counts,
                          generator=tg.Generator().manual_seed(seed))
    assert [len(s) for s in splits] == counts
    taken = [s[i] for s in splits for i in range(len(s))]
    assert sorted(taken) == list(range(100, 100 + n))          # each sample exactly once


def test_random_split_is_reproducible_with_a_generator_and_leaves_the_global_one():
    def split(seed):
        return [s.indices for s in random_split(range(30), [0.5, 0.5],
                                                generator=tg.Generator().manual_seed(seed))]
    tg.manual_seed(5)
    before = tg.rand(3).numpy()
    tg.manual_seed(5)
    assert split(1) == split(1) and split(1) != split(2)
    np.testing.assert_array_equal(tg.rand(3).numpy(), before)  # the global stream untouched


@pytest.mark.parametrize("lengths", [[3, 3], [5, 6], [1.5, -0.5], [0.5, 0.6]])
def test_random_split_refuses_lengths_pytorch_refuses(torch, lengths):
    with pytest.raises(ValueError):
        torch.utils.data.random_split(range(10), lengths)
    with pytest.raises(ValueError, match=r"random_split: (lengths|fraction)"):
        random_split(range(10), lengths)


def test_random_split_refuses_what_is_not_a_length(torch):
    # PyTorch accepts a negative count, slicing from the end: lengths [-1, 11] give splits
    # of 9 and 1 samples. Refused here.
    odd = torch.utils.data.random_split(range(10), [-1, 11])
    assert [len(s) for s in odd] == [9, 1]
    with pytest.raises(ValueError, match=r"random_split: lengths\[0\] must be an int >= 0"):
        random_split(range(10), [-1, 11])
    with pytest.raises(TypeError, match=r"lengths\[1\] is '3'"):
        random_split(range(6), [3, "3"])
    with pytest.raises(TypeError, match="generator must be a tg.Generator"):
        random_split(range(6), [3, 3], generator=np.random.default_rng(0))


# --- Dataset, Subset, ConcatDataset ---

def test_subset_and_concat_index_as_pytorchs(torch):
    data = torch.utils.data
    a, b = list(range(10, 15)), list(range(20, 23))
    for ours, theirs in [(Subset(a, [4, 0, 2]), data.Subset(a, [4, 0, 2])),
                         (ConcatDataset([a, b]), data.ConcatDataset([a, b]))]:
        assert len(ours) == len(theirs)
        for i in range(-len(theirs), len(theirs)):
            assert ours[i] == theirs[i]
        with pytest.raises(IndexError):
            theirs[len(theirs)]
        with pytest.raises(IndexError):
            ours[len(ours)]


def test_dataset_subclass_adds_and_must_define_getitem(torch):
    class Squares(Dataset):
        def __init__(self, n):
            self.n = n

        def __len__(self):
            return self.n

        def __getitem__(self, i):
            return np.float64(i * i), i

    both = Squares(3) + Squares(2)
    assert isinstance(both, ConcatDataset) and len(both) == 5
    assert [both[i][1] for i in range(5)] == [0, 1, 2, 0, 1]
    with pytest.raises(NotImplementedError):
        torch.utils.data.Dataset()[0]
    with pytest.raises(NotImplementedError, match="must define __getitem__"):
        Dataset()[0]
    assert isinstance(tg.data.TensorDataset(np.zeros(2)), Dataset)


# --- DataLoader: collation, collate_fn, generator, PyTorch's other arguments ---

def _samples(kind):
    rng = np.random.default_rng(3)
    rows = rng.standard_normal((7, 3)).astype(np.float32)
    if kind == "dict":
        return [{"x": rows[i], "y": i % 2} for i in range(7)]
    if kind == "tuple":
        return [(rows[i], i % 2) for i in range(7)]
    return [rows[i] for i in range(7)]


def _arrays(batch):
    if isinstance(batch, dict):
        return {k: _arrays(v) for k, v in batch.items()}
    if isinstance(batch, (tuple, list)):
        return [_arrays(v) for v in batch]
    return np.asarray(batch.numpy())


@pytest.mark.parametrize("kind", ["dict", "tuple", "array"])
def test_loader_batches_equal_pytorchs(torch, kind):
    expected = [_arrays(b) for b in torch.utils.data.DataLoader(_samples(kind), batch_size=3)]
    got = [_arrays(b) for b in DataLoader(_samples(kind), batch_size=3)]
    assert len(got) == len(expected)
    for e, g in zip(expected, got):
        flat_e = list(e.values()) if isinstance(e, dict) else (e if isinstance(e, list) else [e])
        flat_g = list(g.values()) if isinstance(g, dict) else (g if isinstance(g, list) else [g])
        if isinstance(e, dict):
            assert list(g) == list(e)
        for ae, ag in zip(flat_e, flat_g, strict=True):
            assert ag.dtype == ae.dtype and ag.shape == ae.shape
            np.testing.assert_array_equal(ag, ae)


def test_default_collate_equals_pytorchs(torch):
    samples = _samples("tuple")[:4]
    expected = torch.utils.data.default_collate(samples)
    got = tg.data.default_collate(samples)
    assert isinstance(got, tuple) and len(got) == len(expected)
    for e, g in zip(expected, got):
        np.testing.assert_array_equal(g.numpy(), e.numpy())
        assert g.numpy().dtype == e.numpy().dtype


def test_collate_fn_gets_the_list_of_samples(torch):
    def calls(loader_class):
        seen = []
        for batch in loader_class(_samples("tuple"), batch_size=3,
                                  collate_fn=lambda s: seen.append(s) or len(s)):
            seen.append(batch)
        return seen
    expected, got = calls(torch.utils.data.DataLoader), calls(DataLoader)
    assert len(got) == len(expected) == 6
    for e, g in zip(expected, got):
        if isinstance(e, int):
            assert g == e
        else:
            assert [s[1] for s in g] == [s[1] for s in e]


def test_loader_generator_and_workers_give_the_same_batches():
    data = tg.data.TensorDataset(np.arange(20))

    def epochs(**kwargs):
        loader = DataLoader(data, batch_size=6, shuffle=True, **kwargs)
        return [[b[0].numpy().tolist() for b in loader] for _ in range(2)]
    first = epochs(generator=tg.Generator().manual_seed(4))
    assert first == epochs(generator=tg.Generator().manual_seed(4))
    assert first[0] != first[1]                      # a new order each epoch
    assert epochs(seed=9) == epochs(seed=9, num_workers=2)


def test_loader_refuses_pytorch_arguments_it_cannot_honour():
    data = tg.data.TensorDataset(np.arange(4))
    with pytest.raises(ValueError, match="give seed or generator, not both"):
        DataLoader(data, seed=1, generator=tg.Generator())
    with pytest.raises(ValueError, match="num_workers"):
        DataLoader(data, num_workers=-1)
    with pytest.raises(TypeError, match="collate_fn must be callable"):
        DataLoader(data, collate_fn="stack")
    with pytest.warns(UserWarning, match="pin_memory=True has no effect"):
        DataLoader(data, pin_memory=True)


def test_a_list_sample_is_refused_as_ambiguous(torch):
    samples = [[np.float32(i), np.float32(-i)] for i in range(4)]
    fields = next(iter(torch.utils.data.DataLoader(samples, batch_size=4)))
    assert isinstance(fields, list) and len(fields) == 2   # PyTorch: fields, not one array
    with pytest.raises(TypeError, match="dataset\\[0\\] is a list, which PyTorch batches as "
                                        "fields"):
        next(iter(DataLoader(samples, batch_size=4)))


# --- torch.autograd.Variable ---

def test_variable_as_pytorchs(torch):
    for lib in (torch, tg):
        x = lib.ones(3, requires_grad=True)
        y = x * 2
        v = lib.autograd.Variable(y, requires_grad=True)
        assert isinstance(y, lib.autograd.Variable) and isinstance(v, lib.Tensor)
        assert v.requires_grad and v.grad_fn is None and v.is_leaf
        (v * v).sum().backward()
        assert x.grad is None                    # a new leaf: nothing flows back to x
        np.testing.assert_array_equal(v.grad.numpy(), 4 * np.ones(3, np.float32))
        assert not lib.autograd.Variable(y).requires_grad
        with pytest.raises(TypeError):
            lib.autograd.Variable([1.0, 2.0])
        with pytest.raises(RuntimeError if lib is torch else TypeError):
            lib.autograd.Variable(lib.ones(2, dtype=lib.long), requires_grad=True)
        with pytest.warns(UserWarning, match="volatile"):
            lib.autograd.Variable(lib.ones(2), volatile=True)


# --- torch.accelerator ---

def test_accelerator_idiom_picks_the_cpu(torch):
    def device(lib):
        return (lib.accelerator.current_accelerator().type if lib.accelerator.is_available()
                else "cpu")
    if torch.accelerator.is_available():
        pytest.skip("this PyTorch has an accelerator; ours never does")
    assert device(tg) == device(torch) == "cpu"
    assert tg.accelerator.current_accelerator() is torch.accelerator.current_accelerator()
    assert tg.accelerator.device_count() == torch.accelerator.device_count() == 0
    tg.accelerator.synchronize()


# --- the legacy constructor torch.Tensor(3) ---

@pytest.mark.parametrize("code", ["tg.nn.Parameter(tg.Tensor(3))",
                                  "tg.nn.init.uniform_(tg.Tensor(3))",
                                  "tg.Tensor(3).uniform_()",
                                  "tg.Tensor(3, True)"])
def test_legacy_size_constructor_cannot_pass_silently(code):
    with pytest.raises(TypeError, match=r"tg.Tensor\(3\)\? That is the number 3 here; "
                                        r"PyTorch's legacy torch.Tensor\(3\) is 3 "
                                        r"uninitialized floats: write tg.empty\(3\)"):
        eval(code)


@pytest.mark.parametrize("sizes", [(2, 3), (2, 3, 4), (4, 0)])
def test_legacy_sizes_constructor_raises(sizes):
    text = ", ".join(map(str, sizes))
    with pytest.raises(TypeError, match=rf"tg.Tensor\({text}\) looks like PyTorch's legacy "
                                        rf"torch.Tensor\(\*sizes\).*tg.empty\({text}\)"):
        tg.Tensor(*sizes)
    assert tg.empty(*sizes).shape == sizes
