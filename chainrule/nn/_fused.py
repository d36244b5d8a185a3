"""Fused ops for hot composites of chainrule.nn: one node where the composition records several.

A training step of a small model spends most of its time in per-op overhead, not in NumPy, so
the losses at the end of every step are worth fusing. Each op here computes exactly what the
composite it replaces computes (same NumPy calls, same rounding order as PyTorch's kernels) and
its VJP rules are written with chainrule ops, so `create_graph=True` and forward mode work as for
any other op.

- `nll_loss_2d`: nll_loss of (N, C) log-probabilities and (N,) class indices, with optional
  class weights, ignore_index and any reduction, in one NllLossBackward0 node (the composite
  records an index, a mul, a sum and a div). Its gradient, as PyTorch's kernel computes it:
  d loss / d input[n, t_n] = -w[t_n] * (g / total_weight) for 'mean', -w[t_n] * g(_n)
  otherwise, and 0 everywhere else (ignored rows included, even when g is not finite).
"""

import numpy as np

from .._tensor import Tensor
from .._vmap_state import state as _vmap_state
from ..ops._core import Op, apply, linear_jvp
from ..ops.elementwise import div, mul, neg
from ..ops.shape import getitem, index_backward

# legend: forward(logp, key=(rows, cols) of the valid rows only, w_t=each valid row's class
# weight, denom=total weight ('mean') or None, reduction); the rule reads only logp's shape.


def _nll_forward(logp, key, w_t, denom, reduction):
    rows, cols = key
    per_row = np.zeros(logp.shape[0], dtype=logp.dtype)
    per_row[rows] = logp[rows, cols] * -w_t
    if reduction == "none":
        return per_row
    total = per_row.sum()
    if reduction == "sum":
        return np.asarray(total)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(total / denom)


def _nll_vjp(g, ans, logp, key, w_t, denom, reduction):
    if reduction == "none":
        coef = mul(neg(getitem(g, (key[0],))), w_t)
    elif reduction == "sum":
        coef = mul(neg(g), w_t)
    else:
        coef = mul(neg(div(g, denom)), w_t)
    return index_backward(coef, logp.shape, key)


NLL_LOSS_2D = Op("nll_loss", _nll_forward, (_nll_vjp,), backward_name="NllLossBackward0",
                 jvp=linear_jvp)


def usable(input, weight):
    """Whether `nll_loss_2d` applies: a plain (N, C) tensor outside vmap."""
    return _vmap_state.depth == 0 and isinstance(input, Tensor) and input._data.ndim == 2 and \
        (weight is None or isinstance(weight, np.ndarray))


def nll_loss_2d(input, target, weight, ignore_index, reduction):
    """nll_loss for input (N, C), target (N,) int64, weight (C,) ndarray or None (checked by
    the caller), as one node."""
    t = target._data.astype(np.int64, copy=False)
    valid = t != ignore_index
    n_classes = input._data.shape[1]
    bad = valid & ((t < 0) | (t >= n_classes))
    if bad.any():
        raise IndexError(f"Target {int(t[bad].flat[0])} is out of bounds.")
    dtype = input._data.dtype
    rows = np.flatnonzero(valid)
    cols = t[rows]
    w_t = np.ones(rows.shape, dtype=dtype) if weight is None else weight[cols].astype(dtype)
    denom = np.asarray(w_t.sum(), dtype=dtype) if reduction == "mean" else None
    return apply(NLL_LOSS_2D, (input,),
                 {"key": (rows, cols), "w_t": w_t, "denom": denom, "reduction": reduction})
