"""DataLoader: iterate over a data set in (shuffled) batches.

    >>> import chainrule as torch
    >>> from chainrule.utils.data import DataLoader, TensorDataset
    >>> ds = TensorDataset(torch.arange(6.), torch.arange(6))
    >>> g = torch.Generator().manual_seed(0)
    >>> batches = [y.tolist() for _, y in DataLoader(ds, batch_size=4, shuffle=True, generator=g)]
    >>> sorted(sum(batches, [])), [len(b) for b in batches]
    ([0, 1, 2, 3, 4, 5], [4, 2])

Loading happens in the calling process (see the package docstring); the arguments, their
checks and the batches are those of torch.utils.data.DataLoader.
"""

import types

from ._collate import default_collate, default_convert
from .dataset import IterableDataset, TensorDataset
from .sampler import BatchSampler, RandomSampler, Sampler, SequentialSampler

_FROZEN = ("batch_size", "batch_sampler", "sampler", "drop_last", "dataset",
           "persistent_workers")


def get_worker_info():
    """None: chainrule loads data in the calling process (there are no worker processes)."""


class _InfiniteConstantSampler(Sampler):
    """The sampler of an IterableDataset: None forever (the data set decides what comes next)."""

    def __iter__(self):
        while True:
            yield None


class DataLoader:
    """Combine a data set and a sampler into an iterable over batches.

    batch_size=1 by default; `shuffle=True` draws a new order each pass (from `generator`, or
    from the global generator); `drop_last` drops a last incomplete batch; `collate_fn` merges a
    list of samples (default: `default_collate`); `batch_size=None` returns samples one by one.
    """

    __class_getitem__ = classmethod(types.GenericAlias)

    def __init__(self, dataset, batch_size=1, shuffle=None, sampler=None, batch_sampler=None,
                 num_workers=0, collate_fn=None, pin_memory=False, drop_last=False, timeout=0,
                 worker_init_fn=None, multiprocessing_context=None, generator=None, *,
                 prefetch_factor=None, persistent_workers=False, pin_memory_device="",
                 in_order=True):
        if num_workers < 0:
            raise ValueError("num_workers option should be non-negative; use num_workers=0 to "
                             "disable multiprocessing.")
        if timeout < 0:
            raise ValueError("timeout option should be non-negative")
        if num_workers == 0 and prefetch_factor is not None:
            raise ValueError("prefetch_factor option could only be specified in multiprocessing."
                             "let num_workers > 0 to enable multiprocessing, otherwise set "
                             "prefetch_factor to None.")
        if persistent_workers and num_workers == 0:
            raise ValueError("persistent_workers option needs num_workers > 0")
        iterable = isinstance(dataset, IterableDataset)
        if iterable:
            for name, value in (("shuffle", shuffle), ("sampler", sampler),
                                ("batch_sampler", batch_sampler)):
                if value not in (None, False):
                    raise ValueError(f"DataLoader with IterableDataset: expected unspecified "
                                     f"{name} option, but got {name}={value}")
        shuffle = bool(shuffle)
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("batch_sampler option is mutually exclusive with batch_size, "
                                 "shuffle, sampler, and drop_last")
            batch_size = None
            drop_last = False
        elif batch_size is None and drop_last:
            raise ValueError("batch_size=None option disables auto-batching and is mutually "
                             "exclusive with drop_last")
        if sampler is None:
            if iterable:
                sampler = _InfiniteConstantSampler()
            elif shuffle:
                sampler = RandomSampler(dataset, generator=generator)
            else:
                sampler = SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        if collate_fn is None:
            collate_fn = default_collate if batch_sampler is not None else default_convert
        self.dataset = dataset
        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.num_workers = num_workers
        self.collate_fn = collate_fn
        self.pin_memory = pin_memory
        self.pin_memory_device = pin_memory_device
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.multiprocessing_context = multiprocessing_context
        self.generator = generator
        self.prefetch_factor = prefetch_factor
        self.persistent_workers = persistent_workers
        self.in_order = in_order
        self._iterable = iterable
        self._initialized = True

    def __setattr__(self, name, value):
        if getattr(self, "_initialized", False) and name in _FROZEN:
            raise ValueError(f"{name} attribute should not be set after "
                             f"{type(self).__name__} is initialized")
        super().__setattr__(name, value)

    @property
    def _auto_collation(self):
        return self.batch_sampler is not None

    @property
    def _index_sampler(self):
        return self.batch_sampler if self._auto_collation else self.sampler

    def __len__(self):
        if self._iterable:
            length = len(self.dataset)
            if self.batch_size is not None:
                if self.drop_last:
                    return length // self.batch_size
                return (length + self.batch_size - 1) // self.batch_size
            return length
        return len(self._index_sampler)

    def __iter__(self):
        return _DataLoaderIter(self)


class _DataLoaderIter:
    """The iterator of one pass over a DataLoader (it knows its length, as PyTorch's)."""

    def __init__(self, loader):
        self._loader = loader
        self._gen = _iterable_batches(loader) if loader._iterable else _map_batches(loader)

    def __iter__(self):
        return self

    def __next__(self):
        return next(self._gen)

    def __len__(self):
        return len(self._loader)


def _map_batches(loader):
    dataset, collate_fn = loader.dataset, loader.collate_fn
    if not loader._auto_collation:
        for index in loader.sampler:
            yield collate_fn(dataset[index])
        return
    fast = _fast_tensor_batches(loader)
    getitems = getattr(dataset, "__getitems__", None)
    for indices in loader.batch_sampler:
        if fast:
            yield _index_tensors(dataset.tensors, indices)
        elif callable(getitems):
            yield collate_fn(getitems(indices))
        else:
            yield collate_fn([dataset[i] for i in indices])


def _fast_tensor_batches(loader):
    """A TensorDataset with the default collate: one fancy index per tensor gives the same
    batch as stacking the samples (same values, dtype and shape), far faster. Not used when a
    tensor requires grad: stacking would record a different graph."""
    ds = loader.dataset
    return (type(ds) is TensorDataset and loader.collate_fn is default_collate
            and not any(t.requires_grad for t in ds.tensors))


def _index_tensors(tensors, indices):
    import numpy as np

    from ..._tensor import Tensor

    idx = np.asarray(indices, dtype=np.int64)
    return [Tensor._make(t._data[idx]) for t in tensors]


def _iterable_batches(loader):
    it = iter(loader.dataset)
    if loader.batch_size is None:
        for sample in it:
            yield loader.collate_fn(sample)
        return
    batch = []
    for sample in it:
        batch.append(sample)
        if len(batch) == loader.batch_size:
            yield loader.collate_fn(batch)
            batch = []
    if batch and not loader.drop_last:
        yield loader.collate_fn(batch)
