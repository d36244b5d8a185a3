"""Gathering values at computed indices, and its adjoint: the VJP of every op that selects
elements (sort, topk, kthvalue, median(dim), mode, cummax, cummin).

`take_along(x, idx, dim, op)` is x gathered at `idx` along `dim` (np.take_along_axis); its VJP
scatters the gradient back into zeros of x's shape (`put_along`), whose VJP is `take_along`
again, so the pair is closed under differentiation (any order). Both are linear in their first
input, so their JVP is the op applied to the tangent. The public op passes its own `Op` from
`take_op(...)` so the graph node carries PyTorch's name (SortBackward0, TopkBackward0, ...).
"""

import numpy as np

from . import _batching
from ._core import Op, apply, linear_jvp


def _full_index(idx, dim):
    """An index tuple for np.add.at: `idx` along `dim`, every other dim in order."""
    grids = list(np.ogrid[tuple(slice(0, s) for s in idx.shape)])
    grids[dim] = idx
    return tuple(grids)


def _take_forward(x, idx, dim, squeeze, accumulate):
    if x.ndim == 0:
        return x.copy()
    out = np.take_along_axis(x, idx, axis=dim)
    return np.squeeze(out, dim) if squeeze else out


def _put_forward(g, idx, dim, shape, squeeze, accumulate):
    if len(shape) == 0:
        return np.array(g, copy=True)
    out = np.zeros(shape, dtype=g.dtype)
    if squeeze:
        g = np.expand_dims(g, dim)
    if accumulate:  # repeated indices (cummax) add up
        np.add.at(out, _full_index(idx, dim), g)
    else:
        np.put_along_axis(out, idx, g, axis=dim)
    return out


def _batched_pair(args, bdims):
    size = _batching.batch_size(args, bdims)
    from .shape import batched_front

    return [batched_front(a, b, size) for a, b in zip(args, bdims)], size


def _take_batch(op, args, bdims, params):
    if args[0].ndim - (bdims[0] is not None) == 0:
        return None  # a 0-d logical input: the loop
    (x, idx), _ = _batched_pair(args, bdims)
    return apply(op, (x, idx), {**params, "dim": params["dim"] + 1}), 0


def _put_batch(op, args, bdims, params):
    if len(params["shape"]) == 0:
        return None
    (g, idx), size = _batched_pair(args, bdims)
    return apply(op, (g, idx), {**params, "dim": params["dim"] + 1,
                                "shape": (size,) + tuple(params["shape"])}), 0


PUT = Op("put_along", _put_forward,
         (lambda g, ans, gy, idx, dim, shape, squeeze, accumulate: apply(
             TAKE, (g, idx), {"dim": dim, "squeeze": squeeze, "accumulate": accumulate}), None),
         saves=(1,), jvp=linear_jvp, batch=_put_batch, backward_name="ScatterAddBackward0")


def _take_vjp(g, ans, x, idx, dim, squeeze, accumulate):
    return apply(PUT, (g, idx), {"dim": dim, "shape": tuple(x.shape), "squeeze": squeeze,
                                 "accumulate": accumulate})


def take_op(name, backward_name):
    """A gather op named for the public op it implements."""
    return Op(name, _take_forward, (_take_vjp, None), saves=(1,), jvp=linear_jvp,
              batch=_take_batch, backward_name=backward_name)


TAKE = take_op("gather", "GatherBackward0")


def take_along(x, idx, dim, op=TAKE, squeeze=False, accumulate=False):
    """x gathered at the int64 indices `idx` along `dim` (squeezed there if `squeeze`);
    `accumulate`: indices may repeat, so the VJP adds up."""
    return apply(op, (x, idx), {"dim": dim, "squeeze": squeeze, "accumulate": accumulate})
