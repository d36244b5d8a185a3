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
- `cross_entropy_2d`: cross_entropy's common case (N, C) float logits, (N,) int64 targets, no
  class weights or label smoothing: log_softmax then `nll_loss_2d`, the two nodes PyTorch
  records (LogSoftmaxBackward0 -> NllLossBackward0), with the checks done once and cheaply.

Unit class weights are passed as `w_t=None` (multiplying by 1 is exact, so skipping it changes
no bit). In a first-order backward the rule gets bare arrays and runs the NumPy operations of
its chainrule ops inlined (same operations, same order, so the same bits); with Tensors
(create_graph, forward mode, vmap) it runs the ops themselves.
"""

import numpy as np

from .._tensor import Tensor
from .._vmap_state import state as _vmap_state
from ..ops._core import Op, apply, linear_jvp
from ..ops.reduction import LOG_SOFTMAX
from ..ops.shape import index_backward

_INT64 = np.dtype(np.int64)
_UINT64 = np.dtype(np.uint64)
_max_reduce = np.maximum.reduce
_add_reduce = np.add.reduce
_REDUCTIONS = ("mean", "sum", "none")

# legend: forward(logp, key=(rows, cols) of the valid rows only, w_t=each valid row's class
# weight or None (all 1), denom=total weight ('mean') or None, reduction); the rule reads only
# logp's shape.


def _nll_forward(logp, key, w_t, denom, reduction):
    rows, cols = key
    neg_w = -1.0 if w_t is None else -w_t
    per_row = logp[rows, cols]  # a fresh array (advanced indexing)
    per_row *= neg_w
    if rows.shape[0] != logp.shape[0]:  # ignored rows contribute 0
        valid_rows = per_row
        per_row = np.zeros(logp.shape[0], dtype=logp.dtype)
        per_row[rows] = valid_rows
    if reduction == "none":
        return per_row
    total = _add_reduce(per_row)  # what per_row.sum() calls, without its Python wrapper
    if reduction == "sum":
        return np.asarray(total)
    if w_t is None and rows.shape[0]:  # denom is the count of valid rows (>= 1): never warns
        return np.asarray(total / denom)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(total / denom)


def _nll_vjp(g, ans, logp, key, w_t, denom, reduction):
    # written with operators: NumPy's own on the bare arrays of a first-order backward (the
    # engine runs rules with NumPy's warnings off), the recorded ops on Tensors
    rows, cols = key
    if reduction == "none":
        coef = -g[(rows,)]
    elif reduction == "sum":
        coef = -g
    else:
        coef = -(g / denom)
    if w_t is not None:
        coef = coef * w_t
    if isinstance(coef, Tensor):
        return index_backward(coef, logp.shape, key)
    out = np.zeros(logp.shape, dtype=coef.dtype)
    # index_backward adds coef into zeros; the rows are distinct, so each position gets
    # 0 + coef once (+ 0.0 turns a -0.0 into +0.0 exactly as that addition does)
    out[rows, cols] = coef + 0.0
    return out


NLL_LOSS_2D = Op("nll_loss", _nll_forward, (_nll_vjp,), backward_name="NllLossBackward0",
                 jvp=linear_jvp)


def usable(input, weight):
    """Whether `nll_loss_2d` applies: a plain (N, C) tensor outside vmap."""
    return _vmap_state.depth == 0 and isinstance(input, Tensor) and input._data.ndim == 2 and \
        (weight is None or isinstance(weight, np.ndarray))


def nll_loss_2d(input, target, weight, ignore_index, reduction):
    """nll_loss for input (N, C), target (N,) int64, weight (C,) ndarray or None (checked by
    the caller), as one node."""
    n, n_classes = input._data.shape
    key = None if weight is not None else _all_valid_key(target._data, n_classes, ignore_index)
    if key is not None:  # unit weights, every row counts: 'mean' divides by the row count
        denom = np.asarray(n, dtype=input._data.dtype) if reduction == "mean" else None
        return apply(NLL_LOSS_2D, (input,),
                     {"key": key, "w_t": None, "denom": denom, "reduction": reduction})
    t = target._data.astype(np.int64, copy=False)
    valid = t != ignore_index
    bad = valid & ((t < 0) | (t >= n_classes))
    if bad.any():
        raise IndexError(f"Target {int(t[bad].flat[0])} is out of bounds.")
    dtype = input._data.dtype
    rows = np.flatnonzero(valid)
    cols = t[rows]
    w_t = None if weight is None else weight[cols].astype(dtype)
    denom = None
    if reduction == "mean":
        denom = np.asarray(rows.shape[0] if w_t is None else w_t.sum(), dtype=dtype)
    return apply(NLL_LOSS_2D, (input,),
                 {"key": (rows, cols), "w_t": w_t, "denom": denom, "reduction": reduction})


def _all_valid_key(t, n_classes, ignore_index):
    """(rows, cols) of every row when each target is a class index and none is ignored (the
    common case, found with one reduction), else None."""
    if t.dtype is not _INT64 or not t.shape[0] or 0 <= ignore_index < n_classes:
        return None
    # negative targets wrap to huge unsigned values: one max checks both bounds
    if _max_reduce(t.view(_UINT64)) >= n_classes:
        return None
    return np.arange(t.shape[0]), t.copy()  # a copy: the user may change the target in place


def cross_entropy_2d(input, target, ignore_index, reduction):
    """cross_entropy for (N, C) float logits and (N,) int64 targets without class weights or
    label smoothing, as log_softmax and nll_loss_2d (the two nodes PyTorch records); None
    when the arguments are not that case (the caller then takes the general path, which also
    raises the errors)."""
    if not (usable(input, None) and isinstance(target, Tensor)):
        return None
    x, t = input._data, target._data
    if x.ndim != 2 or x.dtype.kind != "f" or t.dtype is not _INT64 or t.shape != x.shape[:1] \
            or reduction not in _REDUCTIONS:
        return None
    logp = apply(LOG_SOFTMAX, (input,), {"dim": 1})
    return nll_loss_2d(logp, target, None, ignore_index, reduction)
