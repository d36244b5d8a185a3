"""chainrule.utils.data: datasets, samplers, collation and the DataLoader.

Expected reprs, lengths and error messages were produced by PyTorch 2.13 running the same calls
(with `torch` in place of `chainrule`). Random orders are chainrule's own (its random numbers are
not PyTorch's), so shuffling is tested for what it guarantees: a permutation, reproducible from a
seed, different from pass to pass.
"""

import collections
import warnings

import numpy as np
import pytest

import chainrule as torch
from chainrule.utils.data import (
    BatchSampler,
    ConcatDataset,
    DataLoader,
    Dataset,
    IterableDataset,
    RandomSampler,
    SequentialSampler,
    StackDataset,
    Subset,
    SubsetRandomSampler,
    TensorDataset,
    WeightedRandomSampler,
    default_collate,
    default_convert,
    random_split,
)

P = collections.namedtuple("P", "x y")


# --- default_collate / default_convert ------------------------------------------------------


@pytest.mark.parametrize("batch, expected", [
    ([1.0, 2.0], "tensor([1., 2.], dtype=torch.float64)"),
    ([1, 2], "tensor([1, 2])"),
    ([True, False], "tensor([ True, False])"),
    (["a", "b"], "['a', 'b']"),
    ([(torch.tensor([1., 2.]), 0), (torch.tensor([3., 4.]), 1)],
     "[tensor([[1., 2.],\n        [3., 4.]]), tensor([0, 1])]"),
    ([{"a": 1, "b": np.array([1, 2])}, {"a": 2, "b": np.array([3, 4])}],
     "{'a': tensor([1, 2]), 'b': tensor([[1, 2],\n        [3, 4]])}"),
    ([P(1.0, 2), P(3.0, 4)], "P(x=tensor([1., 3.], dtype=torch.float64), y=tensor([2, 4]))"),
    ([np.float32(1.5), np.float32(2.5)], "tensor([1.5000, 2.5000])"),
    ([[1, 2], [3, 4]], "[tensor([1, 3]), tensor([2, 4])]"),
], ids=["float", "int", "bool", "str", "tuple", "dict", "namedtuple", "npscalar", "list"])
def test_default_collate_matches_pytorch(batch, expected):
    assert repr(default_collate(batch)) == expected


@pytest.mark.parametrize("batch, error, message", [
    ([[1, 2], [3]], RuntimeError, "each element in list of batch should be of equal size"),
    ([object(), object()], TypeError, ("default_collate: batch must contain tensors, numpy "
                                       "arrays, numbers, dicts or lists; found <class 'object'>")),
    ([np.array(["a"]), np.array(["b"])], TypeError, "found <U1"),
])
def test_default_collate_errors(batch, error, message):
    with pytest.raises(error) as info:
        default_collate(batch)
    assert message in str(info.value)


def test_default_convert_turns_arrays_into_tensors_and_tuples_into_lists():
    assert repr(default_convert((np.array([1, 2]), 3))) == "[tensor([1, 2]), 3]"
    t = torch.ones(2)
    assert default_convert(t) is t
    assert default_convert("text") == "text"


# --- datasets --------------------------------------------------------------------------------


def _xy(n=10):
    return TensorDataset(torch.arange(2. * n).reshape(n, 2), torch.arange(n))


def test_tensor_dataset_items_and_length():
    ds = _xy(5)
    x, y = ds[3]
    assert x.tolist() == [6.0, 7.0] and y.item() == 3
    assert len(ds) == 5
    with pytest.raises(AssertionError, match="Size mismatch between tensors"):
        TensorDataset(torch.zeros(3), torch.zeros(4))


def test_dataset_base_class_and_addition():
    class Squares(Dataset):
        def __init__(self, n):
            self.n = n

        def __getitem__(self, i):
            return i * i

        def __len__(self):
            return self.n

    with pytest.raises(NotImplementedError):
        Dataset()[0]
    both = Squares(3) + Squares(2)
    assert isinstance(both, ConcatDataset)
    assert [both[i] for i in range(len(both))] == [0, 1, 4, 0, 1]
    assert both[-1] == 1 and both[-5] == 0
    with pytest.raises(ValueError, match="absolute value of index should not exceed"):
        both[-6]
    with pytest.raises(AssertionError, match="datasets should not be an empty iterable"):
        ConcatDataset([])


def test_subset_and_stack_dataset():
    sub = Subset(_xy(), [7, 2, 5])
    assert len(sub) == 3
    assert sub[0][1].item() == 7 and sub[-1][1].item() == 5
    assert [s[1].item() for s in sub.__getitems__([2, 0])] == [5, 7]
    st = StackDataset(range(3), ["a", "b", "c"])
    assert st[1] == (1, "b") and len(st) == 3
    assert StackDataset(n=range(3), s="xyz")[2] == {"n": 2, "s": "z"}
    with pytest.raises(ValueError, match="Size mismatch"):
        StackDataset(range(3), range(4))


def test_random_split_lengths_match_pytorch():
    for fractions, expected in (([0.33, 0.33, 0.34], [4, 3, 3]), ([0.5, 0.5], [5, 5]),
                                ([0.8, 0.2], [8, 2])):
        assert [len(s) for s in random_split(range(10), fractions)] == expected
    assert [len(s) for s in random_split(range(1797), [0.8, 0.2])] == [1438, 359]
    assert [len(s) for s in random_split(range(10), [3, 7])] == [3, 7]


def test_random_split_is_a_partition_reproducible_from_the_generator():
    a = random_split(range(20), [5, 15], generator=torch.Generator().manual_seed(3))
    b = random_split(range(20), [5, 15], generator=torch.Generator().manual_seed(3))
    c = random_split(range(20), [5, 15], generator=torch.Generator().manual_seed(4))
    assert [list(s) for s in a] == [list(s) for s in b]
    assert [list(s) for s in a] != [list(s) for s in c]
    assert sorted(list(a[0]) + list(a[1])) == list(range(20))
    assert list(a[0]) != list(range(5))  # shuffled, not a prefix


def test_random_split_errors_and_warning():
    with pytest.raises(ValueError, match="Sum of input lengths does not equal the length"):
        random_split(range(10), [3, 3])
    with pytest.raises(ValueError, match="Fraction at index 0 is not between 0 and 1"):
        random_split(range(10), [1.5, -0.5])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        random_split(range(3), [0.9, 0.1])
    assert [str(w.message) for w in caught] == [
        "Length of split at index 1 is 0. This might result in an empty dataset."]


# --- samplers --------------------------------------------------------------------------------


def test_sequential_and_batch_samplers():
    assert list(SequentialSampler(range(4))) == [0, 1, 2, 3]
    assert list(BatchSampler(range(5), 2, False)) == [[0, 1], [2, 3], [4]]
    assert list(BatchSampler(range(5), 2, True)) == [[0, 1], [2, 3]]
    assert len(BatchSampler(range(5), 2, False)) == 3
    assert len(BatchSampler(range(5), 2, True)) == 2
    with pytest.raises(ValueError,
                       match="batch_size should be a positive integer value, but got "
                             "batch_size=0"):
        BatchSampler(range(3), 0, False)
    with pytest.raises(ValueError,
                       match="drop_last should be a boolean value, but got drop_last=1"):
        BatchSampler(range(3), 2, 1)


def test_random_sampler_permutes_and_is_reproducible():
    g = torch.Generator().manual_seed(0)
    first = list(RandomSampler(range(10), generator=g))
    second = list(RandomSampler(range(10), generator=g))
    assert sorted(first) == list(range(10)) and first != list(range(10))
    assert first != second  # the generator moved on
    g.manual_seed(0)
    assert list(RandomSampler(range(10), generator=g)) == first
    torch.manual_seed(1)
    a = list(RandomSampler(range(10)))
    torch.manual_seed(1)
    assert list(RandomSampler(range(10))) == a
    more = list(RandomSampler(range(4), num_samples=10, generator=g))
    assert len(more) == 10 and sorted(more[:8]) == [0, 0, 1, 1, 2, 2, 3, 3]
    drawn = list(RandomSampler(range(3), replacement=True, num_samples=50, generator=g))
    assert len(drawn) == 50 and set(drawn) <= {0, 1, 2}
    with pytest.raises(TypeError, match="replacement should be a boolean value"):
        RandomSampler(range(3), replacement=1)
    with pytest.raises(ValueError, match="num_samples should be a positive integer"):
        RandomSampler(range(3), num_samples=0)


def test_subset_and_weighted_random_samplers():
    g = torch.Generator().manual_seed(0)
    assert sorted(SubsetRandomSampler([5, 7, 9], generator=g)) == [5, 7, 9]
    drawn = list(WeightedRandomSampler([0.0, 1.0, 3.0], 200, generator=g))
    assert len(drawn) == 200 and 0 not in drawn
    assert drawn.count(2) > drawn.count(1)
    no_repeat = list(WeightedRandomSampler([1.0, 1.0, 1.0], 3, replacement=False, generator=g))
    assert sorted(no_repeat) == [0, 1, 2]
    with pytest.raises(ValueError, match="num_samples should be a positive integer"):
        WeightedRandomSampler([1.0], 0)


# --- DataLoader ------------------------------------------------------------------------------


def test_dataloader_batches_in_order_with_a_short_last_batch():
    loader = DataLoader(_xy(5), batch_size=2)
    batches = list(loader)
    assert len(loader) == 3 and len(batches) == 3
    x, y = batches[0]
    assert isinstance(batches[0], list)  # tuples collate to lists, as in PyTorch
    assert repr(x) == "tensor([[0., 1.],\n        [2., 3.]])" and repr(y) == "tensor([0, 1])"
    assert batches[-1][1].tolist() == [4]
    dropped = DataLoader(_xy(5), batch_size=2, drop_last=True)
    assert len(dropped) == 2 and [b[1].tolist() for b in dropped] == [[0, 1], [2, 3]]
    assert len(DataLoader(range(10), batch_size=3)) == 4
    assert len(DataLoader(range(10), batch_size=3, drop_last=True)) == 3
    assert len(iter(DataLoader(range(10), batch_size=3))) == 4


def test_default_batch_size_is_one_and_none_disables_batching():
    assert [t.tolist() for t in DataLoader(range(3))] == [[0], [1], [2]]
    assert list(DataLoader(range(5), batch_size=None)) == [0, 1, 2, 3, 4]
    assert repr(list(DataLoader([{"a": i} for i in range(3)], batch_size=2))) == \
        "[{'a': tensor([0, 1])}, {'a': tensor([2])}]"


def test_shuffle_with_a_generator_is_reproducible_and_changes_every_epoch():
    def epoch_orders(seed, epochs=2):
        loader = DataLoader(_xy(12), batch_size=5, shuffle=True,
                            generator=torch.Generator().manual_seed(seed))
        return [[i for _, y in loader for i in y.tolist()] for _ in range(epochs)]

    first, second = epoch_orders(0)
    assert sorted(first) == list(range(12)) and sorted(second) == list(range(12))
    assert first != second and first != list(range(12))
    assert epoch_orders(0) == [first, second]
    assert epoch_orders(1)[0] != first


def test_shuffle_without_a_generator_follows_manual_seed():
    torch.manual_seed(5)
    a = [y.tolist() for _, y in DataLoader(_xy(8), batch_size=8, shuffle=True)]
    torch.manual_seed(5)
    b = [y.tolist() for _, y in DataLoader(_xy(8), batch_size=8, shuffle=True)]
    assert a == b and sorted(a[0]) == list(range(8))


def test_tensor_dataset_fast_path_equals_stacking_samples():
    ds = TensorDataset(torch.randn(9, 3), torch.arange(9), torch.ones(9, dtype=torch.bool))
    order = BatchSampler(RandomSampler(ds, generator=torch.Generator().manual_seed(2)), 4, False)
    fast = list(DataLoader(ds, batch_sampler=order))
    slow = list(DataLoader(ds, batch_sampler=order, collate_fn=lambda b: default_collate(b)))
    order_again = list(order)
    assert len(fast) == len(slow) == 3
    for f, s in zip(fast, slow):
        for a, b in zip(f, s):
            assert a.dtype == b.dtype and a.shape == b.shape
    # same batches when the sampler replays the same order
    g = torch.Generator().manual_seed(2)
    replay = BatchSampler(RandomSampler(ds, generator=g), 4, False)
    expected = [[ds.tensors[1][i].item() for i in idx] for idx in replay]
    g.manual_seed(2)
    assert [b[1].tolist() for b in DataLoader(ds, batch_sampler=replay)] == expected
    assert len(order_again) == 3


def test_samplers_and_custom_collate():
    loader = DataLoader(range(6), sampler=[5, 3, 1], batch_size=2,
                        collate_fn=lambda batch: sum(batch))
    assert list(loader) == [8, 1]
    loader = DataLoader(range(6), batch_sampler=[[0, 1, 2], [5]])
    assert [b.tolist() for b in loader] == [[0, 1, 2], [5]] and len(loader) == 2


@pytest.mark.parametrize("kwargs, message", [
    ({"shuffle": True, "sampler": SequentialSampler(range(3))},
     "sampler option is mutually exclusive with shuffle"),
    ({"batch_sampler": BatchSampler(range(3), 2, False), "batch_size": 2},
     ("batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and "
      "drop_last")),
    ({"batch_size": None, "drop_last": True},
     "batch_size=None option disables auto-batching and is mutually exclusive with drop_last"),
    ({"num_workers": -1}, "num_workers option should be non-negative"),
    ({"persistent_workers": True}, "persistent_workers option needs num_workers > 0"),
])
def test_dataloader_argument_errors(kwargs, message):
    with pytest.raises(ValueError) as info:
        DataLoader(range(3), **kwargs)
    assert message in str(info.value)


def test_dataloader_attributes_are_frozen_after_init():
    loader = DataLoader(range(5))
    with pytest.raises(ValueError,
                       match="batch_size attribute should not be set after DataLoader is "
                             "initialized"):
        loader.batch_size = 3
    loader.num_workers = 0  # not frozen


def test_num_workers_loads_the_same_batches_in_process():
    ds = _xy(7)
    plain = [y.tolist() for _, y in DataLoader(ds, batch_size=3)]
    assert [y.tolist() for _, y in DataLoader(ds, batch_size=3, num_workers=2)] == plain


class _Stream(IterableDataset):
    def __iter__(self):
        return iter(range(5))

    def __len__(self):
        return 5


def test_iterable_dataset():
    assert [b.tolist() for b in DataLoader(_Stream(), batch_size=2)] == [[0, 1], [2, 3], [4]]
    assert [b.tolist() for b in DataLoader(_Stream(), batch_size=2, drop_last=True)] == \
        [[0, 1], [2, 3]]
    assert len(DataLoader(_Stream(), batch_size=2)) == 3
    assert list(_Stream() + _Stream()) == [0, 1, 2, 3, 4] * 2
    with pytest.raises(ValueError, match="DataLoader with IterableDataset: expected "
                                         "unspecified shuffle option, but got shuffle=True"):
        DataLoader(_Stream(), shuffle=True)
