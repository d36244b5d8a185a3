"""Batching rules: how an op runs on inputs that carry a vmap batch dimension.

A rule is `rule(op, args, bdims, params) -> (out, out_bdim)`. `args` are the op's inputs with the
batch dimension physically present: input i has it at position `bdims[i]` (None when input i is
not batched). The rule computes the batched result with chainrule ops (usually `apply(op, ...)`
with moved inputs and adjusted params) and returns it with the position of the batch dimension
in it. Declared on the op: `Op(..., batch=elementwise)` or `batch=dims("dim")`; an op without a
rule runs once per batch element in a loop (chainrule/func/vmap.py warns once per op).
"""

import numpy as np


def _ndim(x):
    return np.ndim(x._data) if hasattr(x, "_data") else np.ndim(x)


def move_to_front(x, bdim):
    """x with its batch dimension moved to position 0."""
    if bdim is None or bdim == 0:
        return x
    from .shape import movedim

    return movedim(x, bdim, 0)


def batch_size(args, bdims):
    for a, b in zip(args, bdims):
        if b is not None:
            return (a._data.shape if hasattr(a, "_data") else np.shape(a))[b]
    raise AssertionError("no batched input")


def batched_front(x, bdim, size):
    """x with a batch dimension of `size` first, expanded (stride 0) if x was not batched."""
    if bdim is not None:
        return move_to_front(x, bdim)
    from .shape import expand, unsqueeze

    return expand(unsqueeze(x, 0), (size, *tuple(x.shape)))


def shifted(*names):
    """The rule of an op with one batched tensor, its first input, whose only batch-sensitive
    params are non-negative dim indices (ints or tuples of ints, already normalized by the
    public function): batch first, each dim + 1. (`dims` below normalizes them itself.)"""

    def rule(op, args, bdims, params):
        from ._core import apply

        if bdims[0] is None or any(b is not None for b in bdims[1:]):
            return None
        new = dict(params)
        for name in names:
            d = new[name]
            new[name] = tuple(i + 1 for i in d) if isinstance(d, tuple) else d + 1
        return apply(op, (move_to_front(args[0], bdims[0]), *args[1:]), new), 0

    return rule


def trailing(op, args, bdims, params):
    """The rule of an op on one batched tensor that only touches its trailing dims (tril, pad):
    batch first, params unchanged."""
    from ._core import apply

    if bdims[0] is None or any(b is not None for b in bdims[1:]):
        return None
    return apply(op, (move_to_front(args[0], bdims[0]), *args[1:]), params), 0


def elementwise(op, args, bdims, params):
    """Broadcasting ops: the batch dimension goes first, and batched inputs get singleton dims
    after it so that their logical dims line up from the right with everyone else's."""
    from ._core import apply
    from .shape import reshape

    logical = [_ndim(a) - (b is not None) for a, b in zip(args, bdims)]
    nd = max(logical)
    moved = []
    for a, b, n in zip(args, bdims, logical):
        if b is None:
            moved.append(a)
            continue
        a = move_to_front(a, b)
        if n < nd:
            shape = a._data.shape if hasattr(a, "_data") else np.shape(a)
            a = reshape(a, (shape[0],) + (1,) * (nd - n) + tuple(shape[1:]))
        moved.append(a)
    return apply(op, moved, params), 0


def dims(*names):
    """A rule for ops with one batched tensor input (the first) whose batch-sensitive params are
    dimension indices (`names`; an int, a tuple of ints, or None meaning every dimension)."""

    def rule(op, args, bdims, params):
        from ._core import apply

        if any(b is not None for b in bdims[1:]) or bdims[0] is None:
            return None  # not this rule's case: the caller falls back to the loop
        x = move_to_front(args[0], bdims[0])
        nd = _ndim(x) - 1
        if nd == 0:
            return None
        new = dict(params)
        for name in names:
            if name in new:
                new[name] = _shift(new[name], nd)
        return apply(op, (x, *args[1:]), new), 0

    return rule


def _shift(d, nd):
    if d is None:
        return tuple(range(1, nd + 1))
    if isinstance(d, (tuple, list)):
        return tuple(int(i) % nd + 1 for i in d)
    return int(d) % nd + 1
