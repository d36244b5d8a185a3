"""Pooling: max (fixed and adaptive windows), average, adaptive average and Lp pooling.

Max pooling is three ops that differentiate into each other. The index of each window's maximum
is recomputed from the input by every forward that needs it (a few vectorized NumPy passes), so
it never leaves the ops and the ops stay correct under vmap and at any order:

    max_pool(x)          values of each window's maximum
    max_gather(h, x)     h read at the positions of x's window maxima      (linear in h)
    max_scatter(g, x)    g added into zeros at the positions of x's maxima (linear in g)

legend: d max_pool / dx = max_scatter(g, x); max_gather and max_scatter are each other's VJP in
their first input and constant in x (the argmax is piecewise constant). The maximum's index is
NumPy's argmax over the window in row-major order: the first maximum wins, NaN propagates, as in
PyTorch's kernels.

Average pooling is linear: avg_pool(x) = window sums * (1 / divisor), its VJP the adjoint
(avg_pool_t: each output's gradient spread over its window, one strided slice-add per kernel
offset). Adaptive average pooling is separable: one constant averaging matrix per spatial dim,
applied with matmul, so all its derivatives come from matmul's.
"""

import itertools
import math

import numpy as np

from ..ops import elementwise as ew
from ..ops import shape as sh
from ..ops._core import Op, apply, linear_jvp
from ..ops.linalg import matmul
from . import _ops
from ._conv import _tuple

# --- window index arithmetic (NumPy) -------------------------------------------------------------


def _fill_value(dtype):
    return -np.inf if dtype.kind == "f" else np.iinfo(dtype).min


def _padded(x, padding, fill):
    if not any(lo or hi for lo, hi in padding):
        return x
    out = np.full(x.shape[:2] + tuple(n + lo + hi for n, (lo, hi) in
                                      zip(x.shape[2:], padding)), fill, dtype=x.dtype)
    out[(Ellipsis,) + tuple(slice(lo, lo + n) for n, (lo, _) in
                            zip(x.shape[2:], padding))] = x
    return out


def _offset_slices(ksize, stride, dilation, osize):
    """Per kernel offset (row-major), the strided slice of the padded input it reads."""
    for offs in itertools.product(*(range(k) for k in ksize)):
        yield (Ellipsis,) + tuple(slice(i * d, i * d + s * (o - 1) + 1, s) for i, d, s, o in
                                  zip(offs, dilation, stride, osize))


def _out_shape(x, ksize, stride, padding, dilation):
    from ._conv import out_size

    return tuple(out_size(n, k, s, p, d) for n, k, s, p, d in
                 zip(x.shape[2:], ksize, stride, padding, dilation))


def _window_max(x, ksize, stride, padding, dilation, want_arg=True):
    """(max, offset) of each window, from one strided view per kernel offset (no column copy).

    The maximum is a running np.maximum (NaN propagates). The offset is PyTorch's: its kernel
    scans a window in row-major order and takes a value when it is greater than the best so
    far or NaN, so ties go to the first maximum and a NaN window to its last NaN. Found here as
    the first offset equal to the maximum (a reverse scan), then the NaN windows fixed up.
    """
    osize = _out_shape(x, ksize, stride, padding, dilation)
    xp = _padded(x, padding, _fill_value(x.dtype))
    views = [xp[key] for key in _offset_slices(ksize, stride, dilation, osize)]
    best = views[0].copy()
    for v in views[1:]:
        np.maximum(best, v, out=best)
    if not want_arg:
        return best, None
    arg = np.zeros(best.shape, dtype=np.int32)
    for k in range(len(views) - 1, 0, -1):
        arg[views[k] == best] = k
    if x.dtype.kind == "f":
        nan = np.isnan(best)
        if nan.any():
            arg[nan] = 0
            for k, v in enumerate(views):
                arg[nan & np.isnan(v)] = k
    return best, arg


def _fixed_argmax(x, ksize, stride, padding, dilation):
    """Flat spatial index (into x's unpadded *S) of each window's maximum: (N, C, *O) int64."""
    nd = len(ksize)
    _, arg = _window_max(x, ksize, stride, padding, dilation)
    osize = arg.shape[2:]
    koff = np.unravel_index(arg, ksize)
    index = np.zeros(arg.shape, dtype=np.int64)
    for dim in range(nd):
        o = np.arange(osize[dim]).reshape((-1,) + (1,) * (nd - 1 - dim))
        coord = o * stride[dim] - padding[dim][0] + koff[dim] * dilation[dim]
        index = index * x.shape[2 + dim] + coord
    return index


def adaptive_bounds(size, out):
    """PyTorch's adaptive windows: [floor(i * size / out), ceil((i + 1) * size / out))."""
    i = np.arange(out)
    return (i * size) // out, -((-(i + 1) * size) // out)


def _adaptive_argmax(x, osize):
    nd = len(osize)
    sizes = x.shape[2:]
    index_arrays = []
    valid = np.ones((), dtype=bool)
    for dim, (n, o) in enumerate(zip(sizes, osize)):
        start, end = adaptive_bounds(n, o)
        kmax = int((end - start).max()) if o else 1
        pos = start[:, None] + np.arange(kmax)[None, :]  # (O, Kmax)
        ok = pos < end[:, None]
        shape = [1] * (2 * nd)
        shape[dim], shape[nd + dim] = o, kmax
        index_arrays.append(np.minimum(pos, n - 1).reshape(shape))
        valid = valid & ok.reshape(shape)
    win = x[(slice(None), slice(None)) + tuple(index_arrays)]  # (N, C, *O, *Kmax)
    win = np.where(valid, win, _fill_value(x.dtype))
    lead = win.shape[:2 + nd]
    kshape = win.shape[2 + nd:]
    arg = np.argmax(win.reshape(lead + (math.prod(kshape),)), axis=-1)
    koff = np.unravel_index(arg, kshape)
    index = np.zeros(arg.shape, dtype=np.int64)
    for dim, (n, o) in enumerate(zip(sizes, osize)):
        start, _ = adaptive_bounds(n, o)
        coord = start.reshape((-1,) + (1,) * (nd - 1 - dim)) + koff[dim]
        index = index * n + coord
    return index


def argmax_index(x, kind, params):
    if kind == "fixed":
        return _fixed_argmax(x, **params)
    return _adaptive_argmax(x, **params)


def _disjoint(kind, params):
    """True when no two windows overlap, so the maxima's positions are distinct."""
    if kind != "fixed":
        return False
    return all(s >= d * (k - 1) + 1 for k, s, d in
               zip(params["ksize"], params["stride"], params["dilation"]))


def _gather(h, index):
    n, c = h.shape[:2]
    flat = h.reshape(n, c, math.prod(h.shape[2:]))
    picked = np.take_along_axis(flat, index.reshape(n, c, math.prod(index.shape[2:])), axis=-1)
    return picked.reshape(index.shape)


def _scatter(g, index, shape, disjoint):
    n, c = shape[:2]
    size = math.prod(shape[2:])
    out = np.zeros((n, c, size), dtype=g.dtype)
    if out.size == 0 or g.size == 0:
        return out.reshape(shape)
    if disjoint:
        m = math.prod(index.shape[2:])
        np.put_along_axis(out, index.reshape(n, c, m), g.reshape(n, c, m), axis=-1)
        return out.reshape(shape)
    base = (np.arange(n * c, dtype=np.int64) * size).reshape(n, c, 1)
    flat = (index.reshape(n, c, math.prod(index.shape[2:])) + base).ravel()
    total = np.bincount(flat, weights=g.reshape(-1).astype(np.float64), minlength=n * c * size)
    return total.astype(g.dtype, copy=False).reshape(shape)


# --- the max-pooling ops -------------------------------------------------------------------------


def _max_pool_forward(x, kind, params):
    if kind == "fixed":
        return _window_max(x, **params, want_arg=False)[0]
    return _gather(x, argmax_index(x, kind, params))


def _max_gather_forward(h, x, kind, params):
    if kind != "fixed":
        return _gather(h, argmax_index(x, kind, params))
    _, arg = _window_max(x, **params)
    hp = _padded(h, params["padding"], 0)
    out = np.zeros(arg.shape, dtype=h.dtype)
    for k, key in enumerate(_offset_slices(params["ksize"], params["stride"],
                                           params["dilation"], arg.shape[2:])):
        np.copyto(out, hp[key], where=arg == k)
    return out


def _max_scatter_forward(g, x, kind, params):
    if kind != "fixed":
        return _scatter(g, argmax_index(x, kind, params), x.shape, _disjoint(kind, params))
    _, arg = _window_max(x, **params)
    padding = params["padding"]
    out = np.zeros(x.shape[:2] + tuple(n + lo + hi for n, (lo, hi) in
                                       zip(x.shape[2:], padding)), dtype=g.dtype)
    disjoint = _disjoint(kind, params)
    for k, key in enumerate(_offset_slices(params["ksize"], params["stride"],
                                           params["dilation"], arg.shape[2:])):
        if disjoint:  # each position is in at most one window: write, do not add
            np.copyto(out[key], g, where=arg == k)
        else:
            out[key] += np.where(arg == k, g, 0)
    return out[(Ellipsis,) + tuple(slice(lo, lo + n) for n, (lo, _) in
                                   zip(x.shape[2:], padding))]


def max_gather(h, x, kind, params):
    return apply(MAX_GATHER, (h, x), {"kind": kind, "params": params})


def max_scatter(g, x, kind, params):
    return apply(MAX_SCATTER, (g, x), {"kind": kind, "params": params})


def _merge_n(a, bd, bsz):
    """A batched (or expanded) input with the vmap batch merged into N."""
    if bd is None:
        a = sh.expand(sh.unsqueeze(a, 0), (bsz,) + tuple(a.shape))
    elif bd != 0:
        a = sh.movedim(a, bd, 0)
    return sh.reshape(a, (a.shape[0] * a.shape[1],) + tuple(a.shape[2:]))


def merge_into_n(op, args, bdims, params):
    """Batching rule of ops whose tensor inputs all have N first: the vmap batch joins N."""
    bsz = next(a.shape[b] for a, b in zip(args, bdims) if b is not None)
    out = apply(op, tuple(_merge_n(a, b, bsz) for a, b in zip(args, bdims)), params)
    return sh.reshape(out, (bsz, out.shape[0] // bsz) + tuple(out.shape[1:])), 0


_MAX_NAMES = {1: "MaxPool2DWithIndicesBackward0", 2: "MaxPool2DWithIndicesBackward0",
              3: "MaxPool3DWithIndicesBackward0"}

# legend: Op(name, forward, (vjp per input), jvp, batch)
MAX_POOL = Op("max_pool", _max_pool_forward,
              (lambda g, ans, x, kind, params: max_scatter(g, x, kind, params),),
              saves=(0,), jvp=lambda t, ans, x, kind, params: max_gather(t[0], x, kind, params),
              batch=merge_into_n, backward_name="MaxPool2DWithIndicesBackward0")
MAX_GATHER = Op("max_gather", _max_gather_forward,
                (lambda g, ans, h, x, kind, params: max_scatter(g, x, kind, params), None),
                saves=(1,), jvp=linear_jvp, batch=merge_into_n)
MAX_SCATTER = Op("max_scatter", _max_scatter_forward,
                 (lambda g, ans, h, x, kind, params: max_gather(g, x, kind, params), None),
                 saves=(1,), jvp=linear_jvp, batch=merge_into_n,
                 backward_name="MaxPool2DWithIndicesBackwardBackward0")
# return_indices: an op of its own (integer-valued, not differentiable), so vmap batches it
MAX_INDICES = Op("max_pool_indices", lambda x, kind, params: argmax_index(x, kind, params),
                 batch=merge_into_n)
_MAX_POOL_3D = Op("max_pool", _max_pool_forward, MAX_POOL.vjps, saves=(0,), jvp=MAX_POOL.jvp,
                  batch=merge_into_n, backward_name="MaxPool3DWithIndicesBackward0")
_ADAPTIVE_MAX = {
    nd: Op("adaptive_max_pool", _max_pool_forward, MAX_POOL.vjps, saves=(0,), jvp=MAX_POOL.jvp,
           batch=merge_into_n, backward_name=f"AdaptiveMaxPool{max(nd, 2)}DBackward0")
    for nd in (1, 2, 3)
}


# --- average pooling -----------------------------------------------------------------------------


def _avg_divisor(size, ksize, stride, padding, osize, count_include_pad, divisor_override):
    """1 / divisor for every output position (N, C broadcast): PyTorch's rule per dim."""
    if divisor_override:
        return np.full(osize, 1.0 / divisor_override)
    total = np.ones(())
    for dim, (n, k, s, (lo, _hi), o) in enumerate(zip(size, ksize, stride, padding, osize)):
        start = np.arange(o) * s - lo
        end = np.minimum(start + k, n + lo)
        if count_include_pad:
            count = end - start
        else:
            count = np.minimum(end, n) - np.maximum(start, 0)
        total = np.multiply.outer(total, count)
    return 1.0 / total


def _avg_pool_forward(x, ksize, stride, padding, inv):
    dilation = (1,) * len(ksize)
    osize = _out_shape(x, ksize, stride, padding, dilation)
    xp = _padded(x, padding, 0)
    total = np.zeros(x.shape[:2] + osize, dtype=x.dtype)
    for key in _offset_slices(ksize, stride, dilation, osize):  # one strided add per offset
        total += xp[key]
    return (total * inv).astype(x.dtype, copy=False)


def _avg_pool_t_forward(g, ksize, stride, padding, inv, size):
    """The adjoint of avg_pool: each output's g * inv added over its window."""
    gi = (g * inv).astype(g.dtype, copy=False)
    padded = tuple(n + lo + hi for n, (lo, hi) in zip(size, padding))
    out = np.zeros(g.shape[:2] + padded, dtype=g.dtype)
    osize = g.shape[2:]
    for offs in np.ndindex(*ksize):  # one strided slice-add per kernel offset
        key = (Ellipsis,) + tuple(slice(i, i + s * (o - 1) + 1, s) for i, s, o in
                                  zip(offs, stride, osize))
        out[key] += gi
    crop = (Ellipsis,) + tuple(slice(lo, lo + n) for n, (lo, _) in zip(size, padding))
    return out[crop]


def _avg_vjp(g, ans, x, ksize, stride, padding, inv):
    return apply(AVG_POOL_T, (g,), {"ksize": ksize, "stride": stride, "padding": padding,
                                    "inv": inv, "size": tuple(x.shape[2:])})


def _avg_t_vjp(g, ans, y, ksize, stride, padding, inv, size):
    return apply(AVG_POOL, (g,), {"ksize": ksize, "stride": stride, "padding": padding,
                                  "inv": inv})


_AVG_NAMES = {1: "AvgPool2DBackward0", 2: "AvgPool2DBackward0", 3: "AvgPool3DBackward0"}
AVG_POOL = Op("avg_pool", _avg_pool_forward, (_avg_vjp,), jvp=linear_jvp, batch=merge_into_n,
              backward_name="AvgPool2DBackward0")
AVG_POOL_T = Op("avg_pool_backward", _avg_pool_t_forward, (_avg_t_vjp,), jvp=linear_jvp,
                batch=merge_into_n, backward_name="AvgPool2DBackwardBackward0")
_AVG_POOL_3D = Op("avg_pool", _avg_pool_forward, (_avg_vjp,), jvp=linear_jvp,
                  batch=merge_into_n, backward_name="AvgPool3DBackward0")


# --- argument handling ---------------------------------------------------------------------------


def _check_input(fname, input, nd):
    from .._tensor import Tensor

    if not isinstance(input, Tensor):
        raise TypeError(f"{fname}(): argument 'input' must be Tensor, not {type(input).__name__}")
    if input.ndim not in (nd + 1, nd + 2) or any(n == 0 for n in input.shape[-nd - 1:]):
        raise RuntimeError(
            f"{fname}: Expected {nd + 1}D or {nd + 2}D (batch mode) tensor with optional 0 dim "
            f"batch size for input, but got: {list(input.shape)}"
        )


def _pool_out_size(n, k, s, p, d, ceil_mode):
    span = n + 2 * p - d * (k - 1) - 1
    o = (-(-span // s) if ceil_mode else span // s) + 1
    if ceil_mode and (o - 1) * s >= n + p:
        o -= 1  # the last window must start inside the input or the left padding
    return o


def _pool_geometry(fname, input, nd, kernel_size, stride, padding, dilation, ceil_mode):
    """(ksize, stride, padding pairs incl. ceil_mode's overhang, dilation, output size)."""
    ksize = _tuple("kernel_size", kernel_size, nd, "pooling")
    stride = ksize if stride is None or (not isinstance(stride, int) and len(stride) == 0) \
        else _tuple("stride", stride, nd, "pooling")
    pad = _tuple("padding", padding, nd, "pooling")
    dilation = _tuple("dilation", dilation, nd, "pooling")
    if any(k <= 0 for k in ksize):
        raise RuntimeError(f"{fname}: kernel_size must be greater than zero, but got "
                           f"{list(ksize)}")
    if any(s <= 0 for s in stride):
        raise RuntimeError("stride should not be zero")
    if any(d <= 0 for d in dilation):
        raise RuntimeError(f"dilation should be greater than zero, but got {list(dilation)}")
    for k, p, d in zip(ksize, pad, dilation):
        if p < 0 or p > ((k - 1) * d + 1) // 2:
            raise RuntimeError(f"pad should be at most half of effective kernel size, but got "
                               f"pad={p}, kernel_size={k} and dilation={d}")
    size = tuple(input.shape[-nd:])
    osize = tuple(_pool_out_size(n, k, s, p, d, ceil_mode) for n, k, s, p, d in
                  zip(size, ksize, stride, pad, dilation))
    if any(o <= 0 for o in osize):
        c = input.shape[-nd - 1]
        raise RuntimeError(
            f"Given input size: ({'x'.join(map(str, (c,) + size))}). Calculated output size: "
            f"({'x'.join(map(str, (c,) + osize))}). Output size is too small"
        )
    pairs = tuple((p, max(p, (o - 1) * s + d * (k - 1) + 1 - n - p)) for n, k, s, p, d, o in
                  zip(size, ksize, stride, pad, dilation, osize))
    return ksize, stride, pairs, dilation, osize


def _batched(input, nd):
    """(input with an N dim, whether one was added)."""
    if input.ndim == nd + 1:
        return sh.unsqueeze(input, 0), True
    return input, False


def _unbatch(out, squeeze, nd=2):
    """Undo _batched; the result's grad_fn named as PyTorch's (its 1-d pooling is the 2-d
    kernel between an unsqueeze and a squeeze; unbatched inputs show the kernel's node)."""
    name = out.grad_fn.name() if out.grad_fn is not None else None
    if squeeze:
        out = sh.squeeze(out, 0)
    if name is not None:
        out = _ops.named(out, "SqueezeBackward1" if nd == 1 else name)
    return out


def max_pool(fname, nd, input, kernel_size, stride, padding, dilation, ceil_mode,
             return_indices):
    _check_input(fname, input, nd)
    ksize, stride, pairs, dilation, _ = _pool_geometry(fname, input, nd, kernel_size, stride,
                                                       padding, dilation, ceil_mode)
    x, squeeze = _batched(input, nd)
    params = {"ksize": ksize, "stride": stride, "padding": pairs, "dilation": dilation}
    op = _MAX_POOL_3D if nd == 3 else MAX_POOL
    out = _unbatch(apply(op, (x,), {"kind": "fixed", "params": params}), squeeze, nd)
    if not return_indices:
        return out
    return out, _indices(x, "fixed", params, squeeze)


def _indices(x, kind, params, squeeze):
    index = apply(MAX_INDICES, (x,), {"kind": kind, "params": params})
    return sh.squeeze(index, 0) if squeeze else index


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    """Max over sliding windows of (N, C, L) or (C, L); stride defaults to kernel_size."""
    return max_pool("max_pool1d", 1, input, kernel_size, stride, padding, dilation, ceil_mode,
                    return_indices)


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    """Max over sliding windows of (N, C, H, W) or (C, H, W), as torch.nn.functional.max_pool2d.

    The gradient goes to the first maximum of each window (row-major order), as PyTorch's.

        >>> import chainrule as torch
        >>> import chainrule.nn.functional as F
        >>> F.max_pool2d(torch.arange(16.0).reshape(1, 1, 4, 4), 2)
        tensor([[[[ 5.,  7.],
                  [13., 15.]]]])
    """
    return max_pool("max_pool2d", 2, input, kernel_size, stride, padding, dilation, ceil_mode,
                    return_indices)


def max_pool3d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    """Max over sliding windows of (N, C, D, H, W) or (C, D, H, W)."""
    return max_pool("max_pool3d", 3, input, kernel_size, stride, padding, dilation, ceil_mode,
                    return_indices)


def avg_pool(fname, nd, input, kernel_size, stride, padding, ceil_mode, count_include_pad,
             divisor_override):
    _check_input(fname, input, nd)
    if input._data.dtype.kind not in "f":
        raise NotImplementedError(f"\"{fname}\" not implemented for '{input.dtype}' (chainrule "
                                  "averages floating tensors only)")
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    ksize, stride, pairs, _, osize = _pool_geometry(fname, input, nd, kernel_size, stride,
                                                    padding, 1, ceil_mode)
    x, squeeze = _batched(input, nd)
    size = tuple(x.shape[2:])
    sym = tuple((lo, lo) for lo, _ in pairs)
    inv = _avg_divisor(size, ksize, stride, sym, osize, count_include_pad, divisor_override)
    op = _AVG_POOL_3D if nd == 3 else AVG_POOL
    out = apply(op, (x,), {"ksize": ksize, "stride": stride, "padding": pairs,
                           "inv": inv.astype(x._data.dtype)})
    return _unbatch(out, squeeze, nd)


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True):
    """Mean over sliding windows of (N, C, L) or (C, L)."""
    return avg_pool("avg_pool1d", 1, input, kernel_size, stride, padding, ceil_mode,
                    count_include_pad, None)


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True, divisor_override=None):
    """Mean over sliding windows of (N, C, H, W) or (C, H, W), as torch's avg_pool2d."""
    return avg_pool("avg_pool2d", 2, input, kernel_size, stride, padding, ceil_mode,
                    count_include_pad, divisor_override)


def avg_pool3d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True, divisor_override=None):
    """Mean over sliding windows of (N, C, D, H, W) or (C, D, H, W)."""
    return avg_pool("avg_pool3d", 3, input, kernel_size, stride, padding, ceil_mode,
                    count_include_pad, divisor_override)


# --- adaptive pooling ----------------------------------------------------------------------------


def _output_size(fname, output_size, size):
    nd = len(size)
    if isinstance(output_size, (int, np.integer)) or output_size is None:
        output_size = (output_size,) * nd
    output_size = tuple(output_size)
    if len(output_size) == 1 and nd > 1:
        output_size = output_size * nd
    if len(output_size) != nd:
        raise RuntimeError(f"{fname}: output_size must be {nd} integers, got {list(output_size)}")
    out = tuple(n if o is None else int(o) for o, n in zip(output_size, size))
    if any(o < 0 for o in out):
        raise RuntimeError(f"{fname}: elements of output_size must be greater than or equal to "
                           f"0 but received {list(out)}")
    return out


def _averaging_matrix(n, o, dtype):
    """(o, n): row i averages input positions [floor(i n / o), ceil((i + 1) n / o))."""
    start, end = adaptive_bounds(n, o)
    pos = np.arange(n)
    inside = (pos[None, :] >= start[:, None]) & (pos[None, :] < end[:, None])
    return (inside / (end - start)[:, None]).astype(dtype)


def adaptive_avg_pool(fname, nd, input, output_size):
    _check_input(fname, input, nd)
    if input._data.dtype.kind != "f":
        raise NotImplementedError(f"\"{fname}\" not implemented for '{input.dtype}'")
    size = tuple(input.shape[-nd:])
    osize = _output_size(fname, output_size, size)
    out = input
    for dim, (n, o) in enumerate(zip(size, osize)):
        if n == o:
            continue
        axis = input.ndim - nd + dim
        mat = _averaging_matrix(n, o, input._data.dtype).T  # (n, o)
        moved = sh.movedim(out, axis, -1) if axis != out.ndim - 1 else out
        moved = matmul(moved, mat)
        out = sh.movedim(moved, -1, axis) if axis != out.ndim - 1 else moved
    if out is input:
        out = ew.mul(input, 1.0)  # a new tensor, as PyTorch's
    return _ops.named(out, "SqueezeBackward1" if nd == 1 else f"AdaptiveAvgPool{nd}DBackward0")


def adaptive_avg_pool1d(input, output_size):
    """Average over PyTorch's adaptive windows to `output_size` positions: (N, C, L)."""
    return adaptive_avg_pool("adaptive_avg_pool1d", 1, input, output_size)


def adaptive_avg_pool2d(input, output_size):
    """Average over adaptive windows to `output_size` (an int, a pair, None keeps a dim).

        >>> import chainrule as torch
        >>> import chainrule.nn.functional as F
        >>> F.adaptive_avg_pool2d(torch.arange(16.0).reshape(1, 1, 4, 4), 1)
        tensor([[[[7.5000]]]])
    """
    return adaptive_avg_pool("adaptive_avg_pool2d", 2, input, output_size)


def adaptive_avg_pool3d(input, output_size):
    return adaptive_avg_pool("adaptive_avg_pool3d", 3, input, output_size)


def adaptive_max_pool(fname, nd, input, output_size, return_indices):
    _check_input(fname, input, nd)
    size = tuple(input.shape[-nd:])
    osize = _output_size(fname, output_size, size)
    x, squeeze = _batched(input, nd)
    params = {"osize": osize}
    out = _unbatch(apply(_ADAPTIVE_MAX[nd], (x,), {"kind": "adaptive", "params": params}),
                   squeeze, nd)
    if not return_indices:
        return out
    return out, _indices(x, "adaptive", params, squeeze)


def adaptive_max_pool1d(input, output_size, return_indices=False):
    return adaptive_max_pool("adaptive_max_pool1d", 1, input, output_size, return_indices)


def adaptive_max_pool2d(input, output_size, return_indices=False):
    """Max over PyTorch's adaptive windows to `output_size`."""
    return adaptive_max_pool("adaptive_max_pool2d", 2, input, output_size, return_indices)


def adaptive_max_pool3d(input, output_size, return_indices=False):
    return adaptive_max_pool("adaptive_max_pool3d", 3, input, output_size, return_indices)


# --- Lp pooling (composite, as PyTorch's) --------------------------------------------------------


def _lp_pool(nd, input, norm_type, kernel_size, stride, ceil_mode):
    ksize = _tuple("kernel_size", kernel_size, nd, "pooling")
    pool = (avg_pool1d, avg_pool2d, avg_pool3d)[nd - 1]
    out = pool(ew.pow(input, norm_type), ksize, stride, 0, ceil_mode)
    out = ew.mul(ew.mul(ew.sign(out), ew.relu(ew.abs(out))), math.prod(ksize))
    return ew.pow(out, 1.0 / norm_type)


def lp_pool1d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """(sum over each window of x ** p) ** (1 / p)."""
    return _lp_pool(1, input, norm_type, kernel_size, stride, ceil_mode)


def lp_pool2d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    return _lp_pool(2, input, norm_type, kernel_size, stride, ceil_mode)


def lp_pool3d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    return _lp_pool(3, input, norm_type, kernel_size, stride, ceil_mode)


# --- the *_with_indices aliases and max_unpool ---------------------------------------------------


def max_pool1d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode=False, return_indices=True):
    return max_pool1d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def max_pool2d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode=False, return_indices=True):
    return max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def max_pool3d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode=False, return_indices=True):
    return max_pool3d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def adaptive_max_pool1d_with_indices(input, output_size, return_indices=True):
    return adaptive_max_pool1d(input, output_size, True)


def adaptive_max_pool2d_with_indices(input, output_size, return_indices=True):
    return adaptive_max_pool2d(input, output_size, True)


def adaptive_max_pool3d_with_indices(input, output_size, return_indices=True):
    return adaptive_max_pool3d(input, output_size, True)


def _max_unpool(fname, nd, input, indices, kernel_size, stride, padding, output_size):
    ksize = _tuple("kernel_size", kernel_size, nd, "pooling")
    stride = ksize if stride is None else _tuple("stride", stride, nd, "pooling")
    pad = _tuple("padding", padding, nd, "pooling")
    if input.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(f"{fname}: expected a {nd + 1}D or {nd + 2}D input, got shape "
                           f"{list(input.shape)}")
    if tuple(indices.shape) != tuple(input.shape):
        raise RuntimeError(f"Expected shape of indices to be same as that of the input tensor "
                           f"({list(input.shape)}) but got indices tensor with shape: "
                           f"{list(indices.shape)}")
    default = tuple((n - 1) * s + k - 2 * p for n, s, k, p in
                    zip(input.shape[-nd:], stride, ksize, pad))
    if output_size is None:
        size = default
    else:
        size = tuple(int(v) for v in output_size)[-nd:]
        if len(size) != nd:
            raise ValueError(f"output_size should be a sequence containing {nd} or {nd + 2} "
                             f"elements, but it has a length of '{len(tuple(output_size))}'")
    x, squeeze = _batched(input, nd)
    idx = indices._data if squeeze is False else indices._data[None]
    n, c = x.shape[:2]
    total = math.prod(size)
    if idx.size and (idx.min() < 0 or idx.max() >= total):
        bad = int(idx.max() if idx.max() >= total else idx.min())
        raise RuntimeError(f"Found an invalid max index: {bad} (output volumes are of size "
                           f"{'x'.join(map(str, size))})")
    flat = sh.reshape(x, (n, c, -1))
    key = (np.arange(n).reshape(n, 1, 1), np.arange(c).reshape(1, c, 1),
           idx.reshape(n, c, -1).astype(np.int64))
    out = sh.index_backward(flat, (n, c, total), key)
    out = sh.reshape(out, (n, c) + size)
    return sh.squeeze(out, 0) if squeeze else out


def max_unpool1d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """The inverse of max_pool1d: each value written at its index, zeros elsewhere."""
    return _max_unpool("max_unpool1d", 1, input, indices, kernel_size, stride, padding,
                       output_size)


def max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """The inverse of max_pool2d: each value written at its index, zeros elsewhere."""
    return _max_unpool("max_unpool2d", 2, input, indices, kernel_size, stride, padding,
                       output_size)


def max_unpool3d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    return _max_unpool("max_unpool3d", 3, input, indices, kernel_size, stride, padding,
                       output_size)
