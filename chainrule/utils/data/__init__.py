"""chainrule.utils.data: datasets, samplers and the DataLoader, with torch.utils.data's names.

    >>> import chainrule as torch
    >>> from chainrule.utils.data import DataLoader, TensorDataset
    >>> ds = TensorDataset(torch.arange(10.).reshape(5, 2), torch.arange(5))
    >>> loader = DataLoader(ds, batch_size=2)
    >>> len(loader)
    3
    >>> x, y = next(iter(loader))
    >>> x, y
    (tensor([[0., 1.],
            [2., 3.]]), tensor([0, 1]))

Everything runs in the calling process: `num_workers > 0` is accepted and loads the same batches
in the same order without worker processes (chainrule tensors are NumPy arrays; a worker pool
would only add pickling cost for the small data sets this library targets).
"""

from ._collate import default_collate, default_convert
from .dataloader import DataLoader, get_worker_info
from .dataset import (
    ChainDataset,
    ConcatDataset,
    Dataset,
    IterableDataset,
    StackDataset,
    Subset,
    TensorDataset,
    random_split,
)
from .sampler import (
    BatchSampler,
    RandomSampler,
    Sampler,
    SequentialSampler,
    SubsetRandomSampler,
    WeightedRandomSampler,
)

__all__ = [
    "BatchSampler", "ChainDataset", "ConcatDataset", "DataLoader", "Dataset", "IterableDataset",
    "RandomSampler", "Sampler", "SequentialSampler", "StackDataset", "Subset",
    "SubsetRandomSampler", "TensorDataset", "WeightedRandomSampler", "default_collate",
    "default_convert", "get_worker_info", "random_split",
]
