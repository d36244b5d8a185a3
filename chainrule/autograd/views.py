"""Autograd through views that are written in place (PyTorch's CopySlices / AsStridedBackward0).

A view shares its base's memory and version counter. Two things must stay right when either is
written in place while recording:

- An in-place op on a view changes the base too: the base's history becomes `CopySlices(old
  base, new view values)` and the view's history becomes a gather from the new base
  (`inplace_on_view`).
- A view taken before its base's history changed (an in-place op on the base or on a sibling
  view) has a stale `grad_fn`: it is regenerated, as a gather from the base's current history,
  the next time the view is used by a recorded op or as a root of backward (`refresh_view`,
  called from `Tensor._edge`). Without this, the old history would give a silently wrong
  gradient.

Both need, for every element of the view, its position in the base: `strided_index` finds it
from the two arrays' memory layouts, so no op has to describe how it made its view.
Limitation: a view taken (without recording) from a base that did not require grad, before an
in-place op made the base require grad, keeps treating the base as a constant.
"""

import numpy as np

from ..ops._core import Op, _record, linear_jvp
from .graph import move_retained_grad


def _offsets(shape, strides):
    """Memory offset (in elements) of each element of an array of `shape` and `strides`."""
    out = np.zeros(shape, dtype=np.intp)
    for axis, (n, s) in enumerate(zip(shape, strides)):
        if n > 1 and s:
            dims = [1] * len(shape)
            dims[axis] = n
            out = out + np.arange(n, dtype=np.intp).reshape(dims) * s
    return out


def strided_index(view, base):
    """C-order flat indices into `base` of each element of `view` (shaped like `view`), or None
    when `view` does not lie in `base`'s memory (for example a reshape that had to copy)."""
    size = base.itemsize
    if view.dtype != base.dtype or any(s % size for s in view.strides + base.strides):
        return None
    start = view.__array_interface__["data"][0] - base.__array_interface__["data"][0]
    if start % size:
        return None
    voff = start // size + _offsets(view.shape, [s // size for s in view.strides])
    if base.flags.c_contiguous:
        if voff.size and (voff.min() < 0 or voff.max() >= base.size):
            return None
        return voff
    boff = _offsets(base.shape, [s // size for s in base.strides]).ravel()
    order = np.argsort(boff, kind="stable")
    ordered = boff[order]
    pos = np.clip(np.searchsorted(ordered, voff), 0, max(ordered.size - 1, 0))
    if voff.size and (ordered.size == 0 or not np.array_equal(ordered[pos], voff)):
        return None
    return order[pos]


# --- the ops ----------------------------------------------------------------------------------
# legend: rule(g, ans, *inputs, **params); `idx` holds flat base indices, shaped like the view


def _take_forward(x, idx):
    return np.take(x, idx)


def _scatter_add_forward(g, idx, shape):
    out = np.zeros(shape, dtype=g.dtype)
    np.add.at(out.reshape(-1), idx.ravel(), np.broadcast_to(g, idx.shape).ravel())
    return out


def _copy_slices_forward(base, src, idx):
    out = np.array(base, copy=True, order="C")
    out.reshape(-1)[idx.ravel()] = np.broadcast_to(src, idx.shape).ravel()
    return out


def _outside(shape, idx):
    keep = np.ones(shape, dtype=bool)
    keep.reshape(-1)[idx.ravel()] = False
    return keep


def as_strided_gather(x, idx):
    return _apply(AS_STRIDED, (x,), {"idx": idx})


def scatter_add(g, idx, shape):
    return _apply(SCATTER_ADD, (g,), {"idx": idx, "shape": tuple(shape)})


def _copy_slices_base_vjp(g, ans, base, src, idx):
    from ..ops.elementwise import where

    return where(_outside(base.shape, idx), g, 0.0)


AS_STRIDED = Op("as_strided", _take_forward,
                (lambda g, ans, x, idx: scatter_add(g, idx, x.shape),),
                backward_name="AsStridedBackward0", jvp=linear_jvp)
SCATTER_ADD = Op("as_strided_scatter", _scatter_add_forward,
                 (lambda g, ans, x, idx, shape: as_strided_gather(g, idx),),
                 backward_name="AsStridedScatterBackward0", jvp=linear_jvp)
COPY_SLICES = Op("copy_slices", _copy_slices_forward,
                 (_copy_slices_base_vjp, lambda g, ans, base, src, idx: as_strided_gather(g, idx)),
                 backward_name="torch::autograd::CopySlices", jvp=linear_jvp)


def _apply(op, args, params):
    from ..ops._core import apply

    return apply(op, args, params)


# --- keeping views' histories right ------------------------------------------------------------


def refresh_view(view):
    """Regenerate a stale view's grad_fn as a gather from its base's current history."""
    base = view._base
    view._view_of = base.grad_fn
    if not base._rg:
        return
    idx = strided_index(view._data, base._data)
    if idx is None:
        return
    node = _record(AS_STRIDED, (base,), {"idx": idx}, view._data).grad_fn
    view.grad_fn = node
    view._rg = True
    view._output_nr = 0


def keep_output_in_place(res, t):
    """After `t` took the value of `res` in place: a node that saved `res` as its output reads
    it from `t` from now on (OpNode.read_output_from)."""
    node = res.grad_fn
    if node is not None and getattr(node, "ans_vc", None) is res._vc:
        node.read_output_from(t)


def inplace_on_view(view, name, fn, args, write):
    """view <- fn(view, *args) while recording, rebasing the base's history and the view's.

    `write(tensor, name, ndarray)` stores the result into the view's memory (bumping the shared
    version counter) after checking its shape and dtype.
    """
    from .._tensor import Tensor

    base = view._base
    idx = strided_index(view._data, base._data)
    if idx is None:
        raise NotImplementedError(
            f"{name}: this in-place op writes to a view (shape {list(view._data.shape)}) whose "
            "memory layout chainrule cannot relate to its base; use the out-of-place op"
        )
    if view.grad_fn is not None:
        view._edge()  # regenerates a stale history first
    old_node, old_nr = view.grad_fn, view._output_nr
    old = Tensor._make(view._data.copy(), view._rg, old_node)
    old._output_nr = old_nr
    old._fw = view._fw
    res = fn(old, *args)
    write(view, name, res._data)
    rebase_tangents(view, res, idx)
    keep_output_in_place(res, view)
    old_base = Tensor._make(base._data, base._rg, base.grad_fn, [0])
    old_base._output_nr = base._output_nr
    new_base = _record(COPY_SLICES, (old_base, res), {"idx": idx}, base._data)
    base.grad_fn = new_base.grad_fn
    base._rg = True
    base._output_nr = 0
    view.grad_fn = _record(AS_STRIDED, (base,), {"idx": idx}, view._data).grad_fn
    view._rg = True
    view._output_nr = 0
    view._view_of = base.grad_fn
    move_retained_grad(view, old_node, old_nr)
    return view


def rebase_tangents(view, res, idx=None):
    """Forward AD, after `view` was written in place with the value `res`: the view's tangents
    become res's, and its base's tangents take them at the view's places (zeros at a level
    where res has none). Other views of the same base keep the tangents they had (a limitation:
    chainrule's tangents are not views of their base's tangent, as PyTorch's are)."""
    from .._tensor import Tensor
    from .forward_ad import state

    view._fw = res._fw
    base = view._base
    if base is None or not (base._fw or res._fw):
        return
    if idx is None:
        idx = strided_index(view._data, base._data)
        if idx is None:
            raise NotImplementedError(
                "forward AD: this in-place op writes to a view (shape "
                f"{list(view._data.shape)}) whose memory layout chainrule cannot relate to its "
                "base; use the out-of-place op"
            )
    old, new = base._fw or {}, res._fw or {}
    fw = {}
    for level, lid in enumerate(state.ids):
        if lid not in old and lid not in new:
            continue
        bt = old.get(lid)
        st = new.get(lid)
        bt = Tensor._make(np.zeros_like(base._data)) if bt is None else bt
        st = Tensor._make(np.zeros_like(view._data)) if st is None else st
        saved, state.cap = state.cap, level  # (as ops/_core.py computes the tangent of `level`)
        try:
            fw[lid] = _apply(COPY_SLICES, (bt, st), {"idx": idx})
        finally:
            state.cap = saved
    base._fw = fw or None
