"""Creating tensors: tensor, as_tensor, from_numpy, zeros, ones, full, empty, arange, linspace,
eye, rand, randn, randint, the *_like variants, and manual_seed."""

import builtins

import numpy as np

from . import _dtype
from ._tensor import Tensor

_rng = [np.random.default_rng()]


def manual_seed(seed):
    """Seed the generator behind rand, randn, randint and friends (returns None here)."""
    _rng[0] = np.random.default_rng(int(seed))


seed = manual_seed


def _check_requires_grad(data, requires_grad):
    if requires_grad and data.dtype.kind not in "fc":
        raise RuntimeError(
            "Only Tensors of floating point and complex dtype can require gradients "
            f"(got dtype {_dtype.from_numpy_dtype(data.dtype)})"
        )


def _finish(data, requires_grad):
    _check_requires_grad(data, requires_grad)
    return Tensor._make(data, bool(requires_grad))


def _infer_np(data):
    """NumPy array from nested Python data with PyTorch's dtype inference and clear errors."""
    if data is None:
        raise TypeError("tensor(): could not infer dtype of NoneType (data must be a number, a "
                        "nested sequence of numbers, a NumPy array or a Tensor)")
    if isinstance(data, str):
        raise TypeError(f"tensor(): too many dimensions 'str' (cannot build a tensor from the "
                        f"string {data!r})")
    if isinstance(data, (list, tuple)):
        data = [d._data if isinstance(d, Tensor) else d for d in data] if any(
            isinstance(d, Tensor) for d in data) else data
        try:
            arr = np.array(data)
        except ValueError as e:
            raise ValueError(
                f"tensor(): expected a rectangular nested sequence, got a ragged one ({e})"
            ) from None
        if arr.dtype == object or arr.dtype.kind in "USV":
            bad = _first_bad(data)
            raise TypeError(f"tensor(): new(): invalid data type '{type(bad).__name__}' "
                            f"in {data!r}")
        if arr.dtype.kind == "f" and arr.dtype != _dtype.default_float_np():
            arr = arr.astype(_dtype.default_float_np())
        elif arr.dtype.kind in "iu":
            arr = arr.astype(np.int64)
        elif arr.size == 0 and arr.dtype.kind == "f":
            arr = arr.astype(_dtype.default_float_np())
        return arr
    if isinstance(data, builtins.bool) or isinstance(data, np.bool_):
        return np.array(data, dtype=np.bool_)
    if isinstance(data, (builtins.int, np.integer)) and not isinstance(data, np.integer):
        return np.array(data, dtype=np.int64)
    if isinstance(data, builtins.float):
        return np.array(data, dtype=_dtype.default_float_np())
    if isinstance(data, (np.ndarray, np.generic)):
        if data.dtype == object or data.dtype.kind in "USV":
            raise TypeError(f"tensor(): can't convert np.ndarray of type {data.dtype}")
        return np.array(data)
    if isinstance(data, complex):
        raise TypeError("tensor(): complex numbers are not supported by chainrule")
    raise TypeError(f"tensor(): could not infer dtype of {type(data).__name__}")


def _first_bad(data):
    stack = [data]
    while stack:
        d = stack.pop()
        if isinstance(d, (list, tuple)):
            stack.extend(d)
        elif not isinstance(d, (builtins.int, builtins.float, builtins.bool, np.number)):
            return d
    return data


def tensor(data, dtype=None, device=None, requires_grad=False, pin_memory=False):
    """A new tensor holding a copy of `data` (a number, nested lists, an array or a tensor).

    >>> import chainrule as torch
    >>> torch.tensor([[1, 2], [3, 4]])
    tensor([[1, 2],
            [3, 4]])
    >>> torch.tensor([0.5], requires_grad=True)
    tensor([0.5000], requires_grad=True)
    """
    if isinstance(data, Tensor):
        arr = data._data.copy()
    else:
        arr = _infer_np(data)
    if dtype is not None:
        arr = arr.astype(_dtype.to_numpy_dtype(dtype))
    return _finish(np.ascontiguousarray(arr), requires_grad)


def as_tensor(data, dtype=None, device=None):
    """Like tensor(), but shares memory with a NumPy array or tensor when it can."""
    if isinstance(data, Tensor):
        if dtype is None or data._data.dtype == _dtype.to_numpy_dtype(dtype):
            return data
        return data.to(dtype)
    if isinstance(data, np.ndarray):
        arr = data if dtype is None else data.astype(_dtype.to_numpy_dtype(dtype), copy=False)
        _dtype.from_numpy_dtype(arr.dtype)
        return Tensor._make(arr)
    return tensor(data, dtype=dtype)


asarray = as_tensor


def from_numpy(ndarray):
    """A tensor sharing memory with `ndarray` (changes to one show in the other)."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    _dtype.from_numpy_dtype(ndarray.dtype)
    return Tensor._make(ndarray)


def _size(size):
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    size = tuple(builtins.int(s) for s in size)
    if any(s < 0 for s in size):
        raise RuntimeError(f"Trying to create tensor with negative dimension: {list(size)}")
    return size


def _np_dtype(dtype, default=None):
    if dtype is None:
        return default if default is not None else _dtype.default_float_np()
    return _dtype.to_numpy_dtype(dtype)


def zeros(*size, dtype=None, device=None, requires_grad=False, out=None):
    return _finish(np.zeros(_size(size), dtype=_np_dtype(dtype)), requires_grad)


def ones(*size, dtype=None, device=None, requires_grad=False, out=None):
    return _finish(np.ones(_size(size), dtype=_np_dtype(dtype)), requires_grad)


def empty(*size, dtype=None, device=None, requires_grad=False, memory_format=None):
    return _finish(np.empty(_size(size), dtype=_np_dtype(dtype)), requires_grad)


def full(size, fill_value, *, dtype=None, device=None, requires_grad=False):
    """A tensor of `size` filled with `fill_value` (dtype inferred from the value, as PyTorch)."""
    if dtype is None:
        dt = _infer_np(fill_value).dtype if not isinstance(fill_value, Tensor) else \
            fill_value._data.dtype
    else:
        dt = _dtype.to_numpy_dtype(dtype)
    return _finish(np.full(_size((size,) if isinstance(size, builtins.int) else size),
                           getattr(fill_value, "_data", fill_value), dtype=dt), requires_grad)


def arange(start, end=None, step=1, *, dtype=None, device=None, requires_grad=False):
    """Values from start (default 0) up to but excluding end, spaced by step."""
    if end is None:
        start, end = 0, start
    start, end, step = (v.item() if isinstance(v, Tensor) else v for v in (start, end, step))
    if step == 0:
        raise RuntimeError("arange: step must be nonzero")
    if (end - start) * step < 0:
        raise RuntimeError(
            f"arange: upper bound and larger bound inconsistent with step sign (start={start}, "
            f"end={end}, step={step})"
        )
    if dtype is None:
        is_float = any(isinstance(v, builtins.float) for v in (start, end, step))
        dt = _dtype.default_float_np() if is_float else np.int64
    else:
        dt = _dtype.to_numpy_dtype(dtype)
    n = builtins.max(0, int(np.ceil((end - start) / step)))
    data = (start + step * np.arange(n, dtype=np.float64)) if dt.kind == "f" or any(
        isinstance(v, builtins.float) for v in (start, end, step)) else \
        start + step * np.arange(n, dtype=np.int64)
    return _finish(data.astype(dt), requires_grad)


def linspace(start, end, steps, *, dtype=None, device=None, requires_grad=False):
    data = np.linspace(float(start), float(end), int(steps), dtype=np.float64)
    return _finish(data.astype(_np_dtype(dtype)), requires_grad)


def logspace(start, end, steps, base=10.0, *, dtype=None, device=None, requires_grad=False):
    data = np.logspace(float(start), float(end), int(steps), base=base)
    return _finish(data.astype(_np_dtype(dtype)), requires_grad)


def eye(n, m=None, *, dtype=None, device=None, requires_grad=False):
    return _finish(np.eye(int(n), None if m is None else int(m), dtype=_np_dtype(dtype)),
                   requires_grad)


def rand(*size, generator=None, dtype=None, device=None, requires_grad=False):
    """Uniform samples in [0, 1)."""
    return _finish(_rng[0].random(_size(size)).astype(_np_dtype(dtype)), requires_grad)


def randn(*size, generator=None, dtype=None, device=None, requires_grad=False):
    """Standard normal samples."""
    return _finish(_rng[0].standard_normal(_size(size)).astype(_np_dtype(dtype)), requires_grad)


def randint(low=0, high=None, size=None, *, generator=None, dtype=None, device=None,
            requires_grad=False):
    """Integers drawn uniformly from [low, high)."""
    if size is None:
        low, high, size = 0, low, high
    if high is None:
        low, high = 0, low
    data = _rng[0].integers(low, high, size=_size((size,) if isinstance(size, builtins.int)
                                                  else tuple(size)))
    return _finish(data.astype(_np_dtype(dtype, np.int64)), requires_grad)


def randperm(n, *, dtype=None, device=None, requires_grad=False):
    return _finish(_rng[0].permutation(int(n)).astype(_np_dtype(dtype, np.int64)), requires_grad)


def normal(mean=0.0, std=1.0, size=None, *, dtype=None, requires_grad=False):
    return _finish((_rng[0].standard_normal(_size(size)) * std + mean).astype(_np_dtype(dtype)),
                   requires_grad)


def _like(fn):
    def like(input, *args, dtype=None, device=None, requires_grad=False, memory_format=None):
        dt = input._data.dtype if dtype is None else _dtype.to_numpy_dtype(dtype)
        return fn(tuple(input.shape), *args, dtype=dt, requires_grad=requires_grad)

    return like


def _np_wrap(fn):
    def create(shape, *args, dtype, requires_grad):
        return _finish(fn(shape, *args, dtype), requires_grad)

    return create


zeros_like = _like(_np_wrap(lambda s, d: np.zeros(s, dtype=d)))
ones_like = _like(_np_wrap(lambda s, d: np.ones(s, dtype=d)))
empty_like = _like(_np_wrap(lambda s, d: np.empty(s, dtype=d)))
full_like = _like(_np_wrap(lambda s, v, d: np.full(s, getattr(v, "_data", v), dtype=d)))
rand_like = _like(_np_wrap(lambda s, d: _rng[0].random(s).astype(d)))
randn_like = _like(_np_wrap(lambda s, d: _rng[0].standard_normal(s).astype(d)))


def randint_like(input, low=0, high=None, *, dtype=None, requires_grad=False):
    if high is None:
        low, high = 0, low
    dt = input._data.dtype if dtype is None else _dtype.to_numpy_dtype(dtype)
    return _finish(_rng[0].integers(low, high, size=input._data.shape).astype(dt), requires_grad)
