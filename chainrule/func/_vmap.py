"""vmap: a function of one example, run on a batch at once (vectorized, not a loop)."""

import functools

from .._tensor import Tensor
from .._vmap_state import state
from . import _pytree
from ._batched import BatchedTensor


def vmap(func, in_dims=0, out_dims=0, randomness="error", *, chunk_size=None):
    """Vectorize `func` over dimension `in_dims` of its inputs, as `torch.func.vmap`.

    `in_dims` is an int or None (not batched), or a nested tuple/list/dict matching the
    positional arguments; `out_dims` likewise for the outputs. The batch sizes of all mapped
    inputs must agree.

        >>> import chainrule as torch
        >>> from chainrule.func import vmap
        >>> x, y = torch.ones(4, 3), torch.arange(3.0)
        >>> vmap(torch.dot, in_dims=(0, None))(x, y)
        tensor([3., 3., 3., 3.])
    """
    if randomness not in ("error", "different", "same"):
        raise ValueError(f"vmap: randomness must be 'error', 'different' or 'same', got "
                         f"{randomness!r}")

    @functools.wraps(func)
    def wrapped(*args, **kwargs):
        return _vmap_call(func, in_dims, out_dims, args, kwargs)

    return wrapped


def _check_dims_type(dims, what):
    leaves, _ = _pytree.flatten(dims)
    for d in leaves:
        if d is not None and (not isinstance(d, int) or isinstance(d, bool)):
            raise ValueError(f"vmap: {what} must contain only ints or None, got {d!r}")


def _vmap_call(func, in_dims, out_dims, args, kwargs):
    if isinstance(in_dims, int) or in_dims is None:
        dims = [in_dims] * len(_pytree.flatten(args)[0])
    else:
        if not isinstance(in_dims, (tuple, list)):
            raise ValueError(f"vmap: in_dims must be an int, None or a tuple, got {in_dims!r}")
        if len(in_dims) != len(args):
            raise ValueError(
                f"vmap: in_dims has {len(in_dims)} entries but the function was given "
                f"{len(args)} positional arguments; in_dims must have one entry per argument "
                "(or be a single int)"
            )
        dims = _pytree.broadcast_prefix(tuple(in_dims), tuple(args), "in_dims")
    _check_dims_type(in_dims, "in_dims")
    _check_dims_type(out_dims, "out_dims")
    leaves, spec = _pytree.flatten(args)
    size = None
    sizes = []
    for i, (x, d) in enumerate(zip(leaves, dims)):
        if d is None:
            continue
        if not isinstance(x, Tensor):
            raise ValueError(
                f"vmap: in_dim={d} was given for an input of type {type(x).__name__} (input "
                f"{i}); only Tensors can be mapped over: use None for it in in_dims"
            )
        if not -x.dim() <= d < max(x.dim(), 0) or x.dim() == 0:
            raise ValueError(
                f"vmap: in_dim={d} for input {i} of shape {list(x.shape)} is out of range: a "
                f"mapped input needs a dimension {d} (it has {x.dim()} dimensions)"
            )
        sizes.append((i, x.shape[d]))
    if not sizes:
        raise ValueError("vmap: at least one input must be mapped over (all in_dims are None "
                         "or no input is a Tensor)")
    size = sizes[0][1]
    if any(s != size for _, s in sizes):
        raise ValueError(
            "vmap: Expected all tensors to have the same size in the mapped dimension, got "
            f"sizes {[s for _, s in sizes]} for the mapped dimension (inputs "
            f"{[i for i, _ in sizes]})"
        )
    state.sizes.append(size)
    state.depth = level = len(state.sizes)
    try:
        wrapped = [x if d is None else BatchedTensor.wrap(x, d % x.dim(), level)
                   for x, d in zip(leaves, dims)]
        out = func(*_pytree.unflatten(wrapped, spec), **kwargs)
    finally:
        state.sizes.pop()
        state.depth = len(state.sizes)
    out_leaves, out_spec = _pytree.flatten(out)
    if isinstance(out_dims, int) or out_dims is None:
        odims = [out_dims] * len(out_leaves)
    else:
        odims = _pytree.broadcast_prefix(out_dims, out, "out_dims")
    return _pytree.unflatten(
        [_unwrap_output(o, d, level, size) for o, d in zip(out_leaves, odims)], out_spec)


def _unwrap_output(o, out_dim, level, size):
    if not isinstance(o, Tensor):
        raise ValueError(
            f"vmap: the function must return Tensors (or nested tuples/lists/dicts of them), "
            f"got a {type(o).__name__}"
        )
    if isinstance(o, BatchedTensor) and o._level == level:
        value, bdim = o._value, o._bdim
        if out_dim is None:
            raise ValueError("vmap: out_dims=None for an output that depends on the mapped "
                             "inputs (it differs across the batch)")
        return value.movedim(bdim, out_dim % value.dim())
    if out_dim is None:
        return o
    # an output that does not depend on the batch: the same value for every element
    o = o.unsqueeze(0)
    o = o.expand(size, *o.shape[1:])
    return o.movedim(0, out_dim % o.dim())
