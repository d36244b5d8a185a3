"""Batched tensors: what a function under `vmap` sees, and how ops run on them.

A `BatchedTensor` of level L wraps a value (a Tensor, possibly itself batched at a lower level)
that physically holds the batch dimension of level L at position `_bdim`; the function sees the
logical tensor, without that dimension. Every op goes through `ops._core.apply`, which hands an
op with a batched input to `dispatch` here: the inputs are unwrapped one level, the op's batching
rule (ops/_batching.py) computes the batched result with ordinary ops on the physical values, and
the result is wrapped again. Autograd and forward mode therefore run on the physical values, below
vmap: `vmap(grad(f))` differentiates the physical computation, whose batch elements never mix.

An op without a batching rule runs once per batch element (a loop) and warns once per op.
"""

import warnings

import numpy as np

from .. import _vmap_state
from .._tensor import Tensor
from ..ops._core import apply

_state = _vmap_state.state


class _Logical:
    """Stands in for a batched tensor's `_data`: the logical metadata, and a clear error for any
    code that reads the values directly (which vmap cannot support)."""

    __slots__ = ("dtype", "shape")

    def __init__(self, shape, dtype):
        self.shape = tuple(shape)
        self.dtype = dtype

    ndim = property(lambda self: len(self.shape))
    size = property(lambda self: int(np.prod(self.shape, dtype=np.int64)))
    itemsize = property(lambda self: self.dtype.itemsize)
    nbytes = property(lambda self: self.size * self.dtype.itemsize)
    # layout questions (may reshape be a view?) get the answer of a fresh contiguous array: the
    # batching rule decides on the physical value
    flags = property(lambda self: _CONTIGUOUS)

    def __getattr__(self, name):
        raise RuntimeError(
            f"vmap: this operation reads the values of a batched tensor directly (.{name}), which "
            "is not supported inside vmap; use chainrule ops, or move it out of the vmapped "
            "function"
        )

    def __array__(self, *args, **kwargs):
        raise RuntimeError(
            "vmap: this operation converts a batched tensor to a NumPy array, which is not "
            "supported inside vmap (.item(), .numpy(), .tolist() and data-dependent Python "
            "control flow cannot see a whole batch)"
        )


class _Flags:
    c_contiguous = contiguous = writeable = owndata = True
    f_contiguous = False


_CONTIGUOUS = _Flags()


def _physical(x):
    return x._data if isinstance(x, Tensor) else np.asarray(x)


class BatchedTensor(Tensor):
    """A logical tensor inside vmap (see the module docstring)."""

    @classmethod
    def wrap(cls, value, bdim, level):
        if not isinstance(value, Tensor):
            value = Tensor._make(np.asarray(value))
        phys = value._data
        shape = phys.shape[:bdim] + phys.shape[bdim + 1:]
        self = cls._make(_Logical(shape, phys.dtype))
        self._value = value
        self._bdim = bdim
        self._level = level
        return self

    @property
    def requires_grad(self):
        return self._value.requires_grad

    @requires_grad.setter
    def requires_grad(self, flag):
        raise RuntimeError("vmap: setting requires_grad on a batched tensor is not supported; "
                           "use chainrule.func.grad / vjp inside vmap")

    @property
    def grad_fn(self):
        return self._value.grad_fn

    @grad_fn.setter
    def grad_fn(self, value):
        if value is not None:
            raise RuntimeError("vmap: a batched tensor has no history of its own")

    @property
    def is_leaf(self):
        return self._value.is_leaf

    def backward(self, *args, **kwargs):
        raise RuntimeError(
            "vmap: calling .backward() inside vmap is not supported; use chainrule.func.grad or "
            "chainrule.func.vjp inside the vmapped function instead"
        )

    def __repr__(self):
        return (f"BatchedTensor(lvl={self._level}, bdim={self._bdim}, "
                f"value=\n{self._value!r}\n)")

    def __iter__(self):
        if not self._data.shape:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self._data.shape[0]))

    def __len__(self):
        if not self._data.shape:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def detach(self):
        return BatchedTensor.wrap(self._value.detach(), self._bdim, self._level)



_state.batched_class = BatchedTensor


def dispatch(op, args, params):
    """Run `op` on arguments of which some are batched: one level is peeled per call."""
    level = max(a._level for a in args if isinstance(a, BatchedTensor))
    phys, bdims = [], []
    for a in args:
        if isinstance(a, BatchedTensor) and a._level == level:
            phys.append(a._value)
            bdims.append(a._bdim)
        else:
            phys.append(a)
            bdims.append(None)
    res = None
    if op.batch is not None:
        res = op.batch(op, phys, bdims, params)
    if res is None:
        res = _loop(op, phys, bdims, params)
    out, bdim = res
    return BatchedTensor.wrap(out, bdim, level)


_warned = set()


def _loop(op, args, bdims, params):
    """The fallback: the op once per batch element, the results stacked."""
    from ..ops.shape import stack

    if op.name not in _warned:
        _warned.add(op.name)
        warnings.warn(
            f"vmap: there is no batching rule for '{op.name}', so it runs once per batch element "
            "(a Python loop): correct, but slow",
            stacklevel=4,
        )
    size = next(_physical(a).shape[b] for a, b in zip(args, bdims) if b is not None)
    outs = []
    for i in range(size):
        sub = [a if b is None else a[(slice(None),) * b + (i,)] for a, b in zip(args, bdims)]
        outs.append(apply(op, sub, params))
    if size == 0:
        raise RuntimeError(f"vmap: '{op.name}' has no batching rule and the batch is empty")
    return stack(outs, 0), 0


_state.dispatch = dispatch


def unwrap_levels(t):
    """(physical Tensor, [(level, bdim), ...] outermost wrapper first) of a possibly batched t."""
    chain = []
    while isinstance(t, BatchedTensor):
        chain.append((t._level, t._bdim))
        t = t._value
    return t, chain


def rewrap(phys, chain):
    """The inverse of unwrap_levels."""
    for level, bdim in reversed(chain):
        phys = BatchedTensor.wrap(phys, bdim, level)
    return phys


def batch_everywhere(t, levels):
    """`t` batched at every vmap level in `levels` (ascending), expanded (a stride-0 view, no
    copy) along the levels it is not batched at: a derivative with respect to it must then be
    per-sample. Returns (physical tensor, chain)."""
    phys, chain = unwrap_levels(t)
    have = dict(chain)
    # rebuild from the physical value outward, lowest level innermost
    cur = phys
    for level in levels:
        if level in have:
            cur = BatchedTensor.wrap(cur, have[level], level)
        else:
            cur = cur.unsqueeze(0)  # a stride-0 view: no copy per sample
            cur = cur.expand(_state.sizes[level - 1], *cur.shape[1:])
            cur = BatchedTensor.wrap(cur, 0, level)
    return unwrap_levels(cur)


def loop_call(fn, args, kwargs):
    """`fn(*args, **kwargs)` once per element of the newest vmap level among its (top-level or
    list/tuple-nested) tensor arguments; the results stacked along a new batch dim 0."""
    from ..ops.shape import stack

    def levels(x):
        if isinstance(x, BatchedTensor):
            yield x._level
        elif isinstance(x, (list, tuple)):
            for y in x:
                yield from levels(y)

    found = [lv for a in (*args, *kwargs.values()) for lv in levels(a)]
    if not found:
        return fn(*args, **kwargs)
    level = max(found)

    def pick(x, i):
        if isinstance(x, BatchedTensor) and x._level == level:
            return x._value.select(x._bdim, i)
        if isinstance(x, (list, tuple)) and not hasattr(x, "_fields"):
            return type(x)(pick(y, i) for y in x)
        return x

    size = _state.sizes[level - 1]
    outs = [fn(*[pick(a, i) for a in args], **{k: pick(v, i) for k, v in kwargs.items()})
            for i in range(size)]
    if size == 0:
        raise RuntimeError(f"vmap: {getattr(fn, '__name__', fn)} runs once per batch element "
                           "under vmap and the batch is empty")
    first = outs[0]
    if isinstance(first, tuple):
        parts = [BatchedTensor.wrap(stack([o[k] for o in outs], 0), 0, level)
                 for k in range(len(first))]
        return type(first)(*parts) if hasattr(first, "_fields") else tuple(parts)
    return BatchedTensor.wrap(stack(outs, 0), 0, level)


_state.loop_call = loop_call
