"""default_collate (merge a list of samples into a batch) and default_convert (batch_size=None),
element type by element type as torch.utils.data's: tensors are stacked, NumPy arrays and
scalars become tensors, Python floats float64 tensors, ints (and bools) int64 (bool) tensors,
strings stay lists, and mappings, namedtuples and sequences are collated field by field (a tuple
of fields becomes a list, as in PyTorch).

    >>> from chainrule.utils.data import default_collate
    >>> default_collate([{"x": 1.0, "y": 0}, {"x": 2.0, "y": 1}])
    {'x': tensor([1., 2.], dtype=torch.float64), 'y': tensor([0, 1])}
"""

import collections.abc
import copy
import re

import numpy as np

_NP_STR_OBJ = re.compile(r"[SaUO]")
_ERR = ("default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; "
        "found {}")


def _tensor():
    from ..._tensor import Tensor

    return Tensor


def _collate_tensor(batch, *, collate_fn_map=None):
    from ...ops.shape import stack

    return stack(batch, 0)


def _collate_numpy_array(batch, *, collate_fn_map=None):
    from ..._factories import as_tensor

    if _NP_STR_OBJ.search(batch[0].dtype.str) is not None:
        raise TypeError(_ERR.format(batch[0].dtype))
    return collate([as_tensor(b) for b in batch], collate_fn_map=collate_fn_map)


def _collate_numpy_scalar(batch, *, collate_fn_map=None):
    from ..._factories import as_tensor

    return as_tensor(np.array(batch))


def _collate_float(batch, *, collate_fn_map=None):
    from ... import _dtype
    from ..._factories import tensor

    return tensor(batch, dtype=_dtype.float64)


def _collate_int(batch, *, collate_fn_map=None):
    from ..._factories import tensor

    return tensor(batch)


def _collate_str(batch, *, collate_fn_map=None):
    return batch


def _default_map():
    return {
        _tensor(): _collate_tensor,
        np.ndarray: _collate_numpy_array,
        (np.bool_, np.number, np.object_): _collate_numpy_scalar,
        float: _collate_float,
        int: _collate_int,
        str: _collate_str,
        bytes: _collate_str,
    }


def collate(batch, *, collate_fn_map=None):
    """Collate `batch` (a list of samples) using `collate_fn_map`: {type or tuple of types:
    fn(batch, *, collate_fn_map)}; an exact type match wins, then the first isinstance match."""
    elem = batch[0]
    elem_type = type(elem)
    if collate_fn_map is not None:
        if elem_type in collate_fn_map:
            return collate_fn_map[elem_type](batch, collate_fn_map=collate_fn_map)
        for collate_type, fn in collate_fn_map.items():
            if isinstance(elem, collate_type):
                return fn(batch, collate_fn_map=collate_fn_map)
    if isinstance(elem, collections.abc.Mapping):
        fields = {key: collate([d[key] for d in batch], collate_fn_map=collate_fn_map)
                  for key in elem}
        try:
            if isinstance(elem, collections.abc.MutableMapping):
                clone = copy.copy(elem)
                clone.update(fields)
                return clone
            return elem_type(fields)
        except TypeError:
            return fields
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # namedtuple
        return elem_type(*(collate(s, collate_fn_map=collate_fn_map) for s in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        size = len(elem)
        if any(len(e) != size for e in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        columns = [collate(list(s), collate_fn_map=collate_fn_map) for s in zip(*batch)]
        if isinstance(elem, tuple):
            return columns  # a list, as PyTorch returns for tuples
        try:
            if isinstance(elem, collections.abc.MutableSequence):
                clone = copy.copy(elem)
                for i, column in enumerate(columns):
                    clone[i] = column
                return clone
            return elem_type(columns)
        except TypeError:
            return columns
    raise TypeError(_ERR.format(elem_type))


default_collate_fn_map = None  # built on first use (the Tensor class is imported lazily)


def default_collate(batch):
    """Merge a list of samples into a batch (see the module docstring for the rules)."""
    global default_collate_fn_map
    if default_collate_fn_map is None:
        default_collate_fn_map = _default_map()
    return collate(batch, collate_fn_map=default_collate_fn_map)


def default_convert(data):
    """What a DataLoader with batch_size=None returns for a sample: NumPy arrays and scalars
    become tensors, containers are converted element by element, the rest is returned as is."""
    from ..._factories import as_tensor

    elem_type = type(data)
    if isinstance(data, _tensor()):
        return data
    if elem_type.__module__ == "numpy" and elem_type.__name__ not in ("str_", "bytes_"):
        if isinstance(data, np.ndarray) and _NP_STR_OBJ.search(data.dtype.str) is not None:
            return data
        return as_tensor(data)
    if isinstance(data, collections.abc.Mapping):
        fields = {key: default_convert(data[key]) for key in data}
        try:
            if isinstance(data, collections.abc.MutableMapping):
                clone = copy.copy(data)
                clone.update(fields)
                return clone
            return elem_type(fields)
        except TypeError:
            return fields
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return elem_type(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, (str, bytes)):
        converted = [default_convert(d) for d in data]
        try:
            if isinstance(data, collections.abc.MutableSequence):
                clone = copy.copy(data)
                for i, d in enumerate(converted):
                    clone[i] = d
                return clone
            return elem_type(converted)
        except TypeError:
            return converted
    return data
