"""Op-table entries for shape, indexing and padding ops (chainrule/ops/shape.py, reorder.py,
pieces.py, stacking.py, diagonal.py, indexing.py, padding.py).

Loaded by op_table.py, so the gradcheck / gradgradcheck / dtype / value / vmap / JVP tests run on
every entry. Each entry has a NumPy reference and samples covering 0-d, 1-3-d, negative dims,
zero-size, transposed (NonContig) and stride-0 (Expanded) inputs, and repeated indices for the
index ops. Where a write repeats a position (scatter, index_copy, put, index_put without
accumulate) the last write lands, and the references do the same (NumPy's assignment order).
Samples of scatter_reduce amax/amin keep values distinct (no ties); prod samples include a zero.
"""

import numpy as np
from op_table import Const, Expanded, NonContig, OpInfo, Sample

import chainrule as cr
import chainrule.nn.functional as F

ix = np.array  # index arrays read better short


def idx(*values):
    """A Const int64 index tensor."""
    return Const(np.array(values[0] if len(values) == 1 else values, dtype=np.int64))


def mask(rng, shape):
    return Const(rng.uniform(size=shape) > 0.4)


def _n(rng, *shape):
    return rng.normal(size=shape)


def _distinct(rng, *shape):
    n = int(np.prod(shape))
    return (rng.permutation(n) * 0.37 - n * 0.18 + rng.uniform(0, 0.05, n)).reshape(shape)


def _tuple(xs):
    return tuple(np.asarray(x) for x in xs)


# --- references ----------------------------------------------------------------------------------


def _ref_flip(x, dims):
    return np.flip(x, dims).copy() if x.ndim else x.copy()


def _ref_roll(x, shifts, dims=None):
    if dims is None:
        return np.roll(x.reshape(-1), shifts).reshape(x.shape)
    return np.roll(x, shifts, dims)


def _ref_rot90(x, k=1, dims=(0, 1)):
    return np.rot90(x, k, dims).copy()


def _repeat(x, *sizes):
    return x.repeat(*sizes)


def _ref_repeat(x, *sizes):
    if len(sizes) == 1 and isinstance(sizes[0], tuple):
        sizes = sizes[0]
    return np.tile(x.reshape((1,) * (len(sizes) - x.ndim) + x.shape), sizes)


def _ref_tile(x, dims):
    return np.tile(x, dims)


def _ref_narrow(x, dim, start, length):
    start = start % x.shape[dim] if start < 0 else start
    return np.take(x, range(start, start + length), axis=dim)


def _ref_select(x, dim, index):
    return np.take(x, index, axis=dim)


def _ref_split(x, sections, dim=0):
    if isinstance(sections, (list, tuple)):
        return tuple(np.split(x, np.cumsum(sections)[:-1], axis=dim))
    n = x.shape[dim]
    return tuple(np.split(x, range(sections, n, sections), axis=dim)) if n else (x,)


def _ref_chunk(x, chunks, dim=0):
    return _ref_split(x, -(-x.shape[dim] // chunks), dim)


def _ref_tensor_split(x, spec, dim=0):
    return tuple(np.array_split(x, spec, axis=dim))


def _ref_unbind(x, dim=0):
    return tuple(np.moveaxis(x, dim, 0))


def _ref_diag(x, diagonal=0):
    return np.diag(x, diagonal)


def _ref_diagonal(x, offset=0, dim1=0, dim2=1):
    return np.diagonal(x, offset, dim1, dim2).copy()


def _diag_positions(n, offset):
    i = np.arange(n)
    return (i, i + offset) if offset >= 0 else (i - offset, i)


def _ref_diag_embed(x, offset=0, dim1=-2, dim2=-1):
    n = x.shape[-1] + abs(offset)
    nd = x.ndim + 1
    d1, d2 = dim1 % nd, dim2 % nd
    shape = list(x.shape[:-1])
    for d in sorted((d1, d2)):
        shape.insert(d, n)
    out = np.zeros(shape, dtype=x.dtype)
    rows, cols = _diag_positions(x.shape[-1], offset)
    np.moveaxis(out, (d1, d2), (-2, -1))[..., rows, cols] = x
    return out


def _ref_trace(x):
    return np.trace(x)


def _ref_diagonal_scatter(x, src, offset=0, dim1=0, dim2=1):
    out = x.copy()
    rows, cols = _diag_positions(src.shape[-1], offset)
    np.moveaxis(out, (dim1 % x.ndim, dim2 % x.ndim), (-2, -1))[..., rows, cols] = src
    return out


def _ref_slice_scatter(x, src, dim=0, start=None, end=None, step=1):
    out = x.copy()
    out[(slice(None),) * (dim % x.ndim) + (slice(start, end, step),)] = src
    return out


def _ref_select_scatter(x, src, dim, index):
    out = x.copy()
    out[(slice(None),) * (dim % x.ndim) + (index,)] = src
    return out


def _atleast(n):
    np_fn = {1: np.atleast_1d, 2: np.atleast_2d, 3: np.atleast_3d}[n]

    def ref(*xs):
        out = tuple(np.asarray(np_fn(x)) for x in xs)
        return out[0] if len(out) == 1 else out

    return ref


def _list_op(fn):
    def op(*xs):
        return fn(list(xs))

    op.__name__ = fn.__name__
    return op


def _ref_list(np_fn):
    def ref(*xs):
        return np_fn(list(xs))

    return ref


def _ref_column_stack(*xs):
    return np.concatenate([x.reshape(-1, 1) if x.ndim <= 1 else x for x in xs], 1)


def _ref_hstack(*xs):
    xs = [np.atleast_1d(x) for x in xs]
    return np.concatenate(xs, 0 if xs[0].ndim == 1 else 1)


def _broadcast_tensors(*xs):
    return cr.broadcast_tensors(*xs)


def _ref_broadcast_tensors(*xs):
    return tuple(np.broadcast_arrays(*xs))


# --- padding -------------------------------------------------------------------------------------


def _pad(mode):
    def op(x, pad, value=None):
        return F.pad(x, pad, mode, value)

    return op


def _ref_pad(mode):
    np_mode = {"reflect": "reflect", "replicate": "edge", "circular": "wrap"}.get(mode)

    def ref(x, pad, value=None):
        if not pad:
            return x.copy()
        widths = [(0, 0)] * x.ndim
        for k in range(len(pad) // 2):
            widths[-1 - k] = (pad[2 * k], pad[2 * k + 1])
        grow = [(max(a, 0), max(b, 0)) for a, b in widths]
        if np_mode is None:
            out = np.pad(x, grow, constant_values=0 if value is None else value)
        else:
            out = np.pad(x, grow, np_mode)
        crop = tuple(slice(max(-a, 0), out.shape[k] - max(-b, 0))
                     for k, (a, b) in enumerate(widths))
        return out[crop]

    return ref


def _ref_pad_any(mode):
    """Reflect/replicate/circular with negative pads: the padded signal cropped afterwards
    (np.pad cannot crop; the positions follow the mode's rule from the uncropped ends)."""
    base = _ref_pad(mode)

    def ref(x, pad, value=None):
        return base(x, pad, value)

    return ref


# --- index ops -----------------------------------------------------------------------------------


def _zero_d(ref):
    """A reference run on 0-d inputs viewed as 1-d (an index of 0 or [0, ...])."""

    def wrapped(x, *args, **kwargs):
        if x.ndim:
            return ref(x, *args, **kwargs)
        shape = np.shape(args[1]) if ref is _ref_gather else ()
        args = [np.reshape(a, -1) if isinstance(a, np.ndarray) else a for a in args]
        return ref(x.reshape(1), *args, **kwargs).reshape(shape)

    return wrapped


def _coords(index, dim):
    c = list(np.indices(index.shape))
    c[dim] = index
    return tuple(c)


def _ref_gather(x, dim, index):
    return x[_coords(index, dim)]


def _ref_scatter(x, dim, index, src):
    out = x.copy()
    s = src[tuple(slice(0, n) for n in index.shape)] if np.ndim(src) else src
    for pos in np.ndindex(index.shape):  # in C order: the last write lands
        target = list(pos)
        target[dim] = index[pos]
        out[tuple(target)] = s[pos] if np.ndim(s) else s
    return out


def _ref_scatter_add(x, dim, index, src):
    out = x.copy()
    np.add.at(out, _coords(index, dim), src[tuple(slice(0, n) for n in index.shape)])
    return out


def _scatter_reduce(reduce, include_self):
    def op(x, dim, index, src):
        return cr.scatter_reduce(x, dim, index, src, reduce, include_self=include_self)

    return op


def _ref_scatter_reduce(reduce, include_self):
    def ref(x, dim, index, src):
        groups = {}
        for pos in np.ndindex(index.shape):
            target = list(pos)
            target[dim] = index[pos]
            groups.setdefault(tuple(target), []).append(src[pos])
        out = x.copy()
        for target, values in groups.items():
            vals = ([x[target]] if include_self else []) + values
            fn = {"sum": np.sum, "prod": np.prod, "mean": np.mean, "amax": np.max,
                  "amin": np.min}[reduce]
            out[target] = fn(vals)
        return out

    return ref


def _ref_index_select(x, dim, index):
    return np.take(x, index.reshape(-1), axis=dim)


def _ref_index_add(x, dim, index, src, alpha=1):
    out = x.copy()
    dim %= x.ndim
    np.add.at(out, (slice(None),) * dim + (index,), alpha * src)
    return out


def _ref_index_copy(x, dim, index, src):
    out = x.copy()
    dim %= x.ndim
    for k, i in enumerate(index):
        out[(slice(None),) * dim + (i,)] = np.take(src, k, axis=dim)
    return out


def _ref_index_fill(x, dim, index, value):
    out = x.copy()
    dim %= x.ndim
    out[(slice(None),) * dim + (index,)] = value
    return out


def _ref_masked_select(x, m):
    shape = np.broadcast_shapes(x.shape, m.shape)
    return np.broadcast_to(x, shape)[np.broadcast_to(m, shape)]


def _ref_masked_scatter(x, m, src):
    shape = np.broadcast_shapes(x.shape, m.shape)
    out = np.array(np.broadcast_to(x, shape))
    mb = np.broadcast_to(m, shape)
    out[mb] = src.reshape(-1)[:mb.sum()]
    return out


def _ref_take(x, index):
    return x.reshape(-1)[index]


def _ref_put(x, index, src, accumulate=False):
    out = x.copy().reshape(-1)
    if accumulate:
        np.add.at(out, index.reshape(-1), src.reshape(-1))
    else:
        out[index.reshape(-1)] = src.reshape(-1)
    return out.reshape(x.shape)


def _ref_take_along_dim(x, indices, dim=None):
    if dim is None:
        return x.reshape(-1)[indices.reshape(-1)]
    return np.take_along_axis(x, indices, dim)


def _index_put(accumulate):
    def op(x, values, *indices):
        return cr.index_put(x, indices, values, accumulate)

    return op


def _ref_index_put(accumulate):
    def ref(x, values, *indices):
        out = x.copy()
        if accumulate:
            np.add.at(out, indices, values)
        else:
            out[indices] = values
        return out

    return ref


# --- samples ---------------------------------------------------------------------------------------


def _flip_samples(rng):
    return [
        Sample(_n(rng, 2, 3, 4), (0,)), Sample(_n(rng, 2, 3, 4), (0, 2)),
        Sample(_n(rng, 2, 3, 4), (-1,)), Sample(_n(rng, 2, 3), ()), Sample(_n(rng), (0,)),
        Sample(_n(rng, 0, 3), (0, 1)), Sample(NonContig(_n(rng, 2, 3)), (1,)),
        Sample(Expanded(_n(rng, 3, 1), (3, 4)), (-1, 0)), Sample(_n(rng, 4), 0),
    ]


def _lr_samples(min_ndim):
    def make(rng):
        out = [Sample(_n(rng, 2, 3)), Sample(_n(rng, 2, 3, 4)), Sample(_n(rng, 0, 2)),
               Sample(NonContig(_n(rng, 3, 2))), Sample(Expanded(_n(rng, 1, 3), (2, 3))),
               Sample(_n(rng, 1, 1)), Sample(_n(rng, 2, 0)), Sample(_n(rng, 3, 1, 2))]
        if min_ndim == 1:
            out.append(Sample(_n(rng, 4)))
        return out

    return make


def _roll_samples(rng):
    return [
        Sample(_n(rng, 2, 3), 1), Sample(_n(rng, 2, 3), -4), Sample(_n(rng, 2, 3, 4), 2, 1),
        Sample(_n(rng, 2, 3, 4), (1, -2), (0, -1)), Sample(_n(rng), 3),
        Sample(_n(rng, 0, 3), 1, 0), Sample(NonContig(_n(rng, 3, 2)), 1, 0),
        Sample(Expanded(_n(rng, 3, 1), (3, 4)), 5), Sample(_n(rng, 4), 7, 0),
    ]


def _rot90_samples(rng):
    return [
        Sample(_n(rng, 2, 3)), Sample(_n(rng, 2, 3), -1), Sample(_n(rng, 2, 3), 2),
        Sample(_n(rng, 2, 3), 3), Sample(_n(rng, 2, 3), 0), Sample(_n(rng, 2, 3, 4), 1, (2, 0)),
        Sample(_n(rng, 2, 3, 4), 5, (-1, 1)), Sample(_n(rng, 0, 3)),
        Sample(NonContig(_n(rng, 3, 2)), 1), Sample(Expanded(_n(rng, 1, 3), (2, 3)), 1),
    ]


def _repeat_samples(rng):
    return [
        Sample(_n(rng, 2, 3), 2, 1), Sample(_n(rng, 2, 3), 1, 3), Sample(_n(rng, 3), 2, 2),
        Sample(_n(rng), 2), Sample(_n(rng), 2, 3), Sample(_n(rng, 2, 3), 0, 2),
        Sample(_n(rng, 2, 3), (2, 1, 2)), Sample(_n(rng, 0, 2), 2, 2),
        Sample(NonContig(_n(rng, 3, 2)), 2, 2), Sample(Expanded(_n(rng, 1, 3), (2, 3)), 2, 1),
    ]


def _tile_samples(rng):
    return [
        Sample(_n(rng, 2, 3), (2,)), Sample(_n(rng, 2, 3), (2, 2)), Sample(_n(rng, 3), (2, 1, 2)),
        Sample(_n(rng), (3,)), Sample(_n(rng, 2, 3), ()), Sample(_n(rng, 0, 2), (2, 2)),
        Sample(NonContig(_n(rng, 3, 2)), (2,)), Sample(Expanded(_n(rng, 1, 3), (2, 3)), (1, 2)),
    ]


def _narrow_samples(rng):
    return [
        Sample(_n(rng, 3, 4), 1, 1, 2), Sample(_n(rng, 3, 4), 0, 0, 3),
        Sample(_n(rng, 3, 4), -1, -2, 2), Sample(_n(rng, 2, 3, 4), 2, 3, 1),
        Sample(_n(rng, 3, 4), 0, 3, 0), Sample(_n(rng, 0, 3), 1, 1, 1),
        Sample(NonContig(_n(rng, 3, 4)), 1, 2, 2), Sample(Expanded(_n(rng, 3, 1), (3, 4)), 1, 1, 2),
    ]


def _select_samples(rng):
    return [
        Sample(_n(rng, 3, 4), 1, 1), Sample(_n(rng, 3, 4), 0, -1), Sample(_n(rng, 2, 3, 4), -1, 2),
        Sample(_n(rng, 4), 0, 3), Sample(_n(rng, 2, 0), 0, 1),
        Sample(NonContig(_n(rng, 3, 4)), 1, 0), Sample(Expanded(_n(rng, 3, 1), (3, 4)), 1, 3),
        Sample(_n(rng, 2, 3, 4), 1, -3),
    ]


def _split_samples(rng):
    return [
        Sample(_n(rng, 5, 2), 2), Sample(_n(rng, 2, 6), 3, 1), Sample(_n(rng, 2, 5), 2, -1),
        Sample(_n(rng, 4), 4), Sample(_n(rng, 4), 10), Sample(_n(rng, 0, 3), 2),
        Sample(NonContig(_n(rng, 3, 4)), 2, 1), Sample(Expanded(_n(rng, 3, 1), (3, 4)), 3, 1),
    ]


def _split_sizes_samples(rng):
    return [
        Sample(_n(rng, 5, 2), [2, 3]), Sample(_n(rng, 2, 6), [1, 0, 5], 1),
        Sample(_n(rng, 2, 5), [4, 1], -1), Sample(_n(rng, 4), [4]),
        Sample(_n(rng, 0, 3), [0, 0]), Sample(NonContig(_n(rng, 3, 4)), [1, 3], 1),
        Sample(Expanded(_n(rng, 3, 1), (3, 4)), [2, 2], 1), Sample(_n(rng, 2, 3, 4), [1, 1, 1], 1),
    ]


def _chunk_samples(rng):
    return [
        Sample(_n(rng, 5, 2), 2), Sample(_n(rng, 2, 6), 4, 1), Sample(_n(rng, 2, 5), 3, -1),
        Sample(_n(rng, 4), 1), Sample(_n(rng, 4), 10), Sample(_n(rng, 6), 4),
        Sample(NonContig(_n(rng, 3, 4)), 2, 1), Sample(Expanded(_n(rng, 3, 1), (3, 4)), 3, 1),
    ]


def _tensor_split_samples(rng):
    return [
        Sample(_n(rng, 7), 3), Sample(_n(rng, 2, 7), 4, 1), Sample(_n(rng, 7, 2), [1, 5]),
        Sample(_n(rng, 2, 5), [2, 2], -1), Sample(_n(rng, 4), 6), Sample(_n(rng, 0, 3), 2),
        Sample(NonContig(_n(rng, 3, 4)), [1], 1), Sample(Expanded(_n(rng, 3, 1), (3, 4)), 3, 1),
    ]


def _unbind_samples(rng):
    return [
        Sample(_n(rng, 3, 2)), Sample(_n(rng, 2, 3), 1), Sample(_n(rng, 2, 3, 2), -1),
        Sample(_n(rng, 4)), Sample(_n(rng, 2, 0), 0), Sample(NonContig(_n(rng, 3, 2)), 1),
        Sample(Expanded(_n(rng, 3, 1), (3, 2)), 1), Sample(_n(rng, 1, 3), 0),
    ]


def _diag_samples(rng):
    return [
        Sample(_n(rng, 3)), Sample(_n(rng, 3), 1), Sample(_n(rng, 3), -2), Sample(_n(rng, 3, 4)),
        Sample(_n(rng, 3, 4), 2), Sample(_n(rng, 3, 4), -1), Sample(_n(rng, 0)),
        Sample(_n(rng, 3, 4), 5), Sample(NonContig(_n(rng, 3, 3))),
        Sample(Expanded(_n(rng, 1, 3), (3, 3)), 1),
    ]


def _diagonal_samples(rng):
    return [
        Sample(_n(rng, 3, 4)), Sample(_n(rng, 3, 4), 1), Sample(_n(rng, 3, 4), -2),
        Sample(_n(rng, 2, 3, 4), 0, 0, 2), Sample(_n(rng, 2, 3, 4), 1, -1, -3),
        Sample(_n(rng, 2, 3, 4), -1, 2, 1), Sample(_n(rng, 0, 3)), Sample(_n(rng, 3, 4), 7),
        Sample(NonContig(_n(rng, 3, 3))), Sample(Expanded(_n(rng, 1, 3), (3, 3)), -1),
    ]


def _diag_embed_samples(rng):
    return [
        Sample(_n(rng, 3)), Sample(_n(rng, 2, 3)), Sample(_n(rng, 2, 3), 1),
        Sample(_n(rng, 2, 3), -2, 0, 2), Sample(_n(rng, 2, 3), 0, -1, 0), Sample(_n(rng, 0)),
        Sample(NonContig(_n(rng, 3, 2))), Sample(Expanded(_n(rng, 1, 3), (2, 3)), 1, 1, 0),
    ]


def _diagflat_samples(rng):
    return [
        Sample(_n(rng, 3)), Sample(_n(rng, 2, 2), 1), Sample(_n(rng), -1), Sample(_n(rng, 0)),
        Sample(_n(rng, 2, 2, 1), -2), Sample(NonContig(_n(rng, 2, 3))),
        Sample(Expanded(_n(rng, 1, 2), (2, 2)), 1), Sample(_n(rng, 1)),
    ]


def _tri_samples(rng):
    return [
        Sample(_n(rng, 3, 4)), Sample(_n(rng, 3, 4), 1), Sample(_n(rng, 3, 4), -1),
        Sample(_n(rng, 2, 3, 3), 0), Sample(_n(rng, 3, 4), 9), Sample(_n(rng, 0, 3)),
        Sample(NonContig(_n(rng, 3, 3)), 1), Sample(Expanded(_n(rng, 1, 3), (3, 3)), -1),
    ]


def _trace_samples(rng):
    return [
        Sample(_n(rng, 3, 3)), Sample(_n(rng, 2, 4)), Sample(_n(rng, 4, 2)), Sample(_n(rng, 1, 1)),
        Sample(_n(rng, 0, 3)), Sample(NonContig(_n(rng, 3, 3))),
        Sample(Expanded(_n(rng, 1, 3), (3, 3))), Sample(_n(rng, 5, 5)),
    ]


def _diagonal_scatter_samples(rng):
    return [
        Sample(_n(rng, 3, 4), _n(rng, 3)), Sample(_n(rng, 3, 4), _n(rng, 3), 1),
        Sample(_n(rng, 3, 4), _n(rng, 2), -1), Sample(_n(rng, 2, 3, 4), _n(rng, 4, 2), 0, 0, 1),
        Sample(_n(rng, 2, 3, 4), _n(rng, 3, 1), 1, -1, 0), Sample(_n(rng, 0, 3), _n(rng, 0)),
        Sample(NonContig(_n(rng, 3, 3)), _n(rng, 3)),
        Sample(_n(rng, 3, 3), Expanded(_n(rng, 1), (3,))),
    ]


def _slice_scatter_samples(rng):
    return [
        Sample(_n(rng, 4), _n(rng, 2), 0, 1, 3), Sample(_n(rng, 3, 4), _n(rng, 3, 2), 1, None, None,
                                                          2),
        Sample(_n(rng, 3, 4), _n(rng, 1, 4), 0, -1), Sample(_n(rng, 2, 3, 4), _n(rng, 2, 3, 4)),
        Sample(_n(rng, 3, 4), _n(rng, 3, 0), 1, 2, 2), Sample(_n(rng, 0, 3), _n(rng, 0, 1), 1, 1, 2),
        Sample(NonContig(_n(rng, 3, 4)), _n(rng, 3, 2), -1, 2),
        Sample(_n(rng, 3, 4), Expanded(_n(rng, 1, 2), (3, 2)), 1, 0, 2),
    ]


def _select_scatter_samples(rng):
    return [
        Sample(_n(rng, 3, 4), _n(rng, 4), 0, 1), Sample(_n(rng, 3, 4), _n(rng, 3), 1, -1),
        Sample(_n(rng, 2, 3, 4), _n(rng, 2, 4), 1, 2), Sample(_n(rng, 4), _n(rng), 0, 2),
        Sample(_n(rng, 2, 0), _n(rng, 0), 0, 1), Sample(NonContig(_n(rng, 3, 4)), _n(rng, 3), 1, 0),
        Sample(_n(rng, 3, 4), Expanded(_n(rng, 1), (4,)), 0, 2), Sample(_n(rng, 2, 3), _n(rng, 2), -1, 0),
    ]


def _atleast_samples(rng):
    return [
        Sample(_n(rng)), Sample(_n(rng, 3)), Sample(_n(rng, 2, 3)), Sample(_n(rng, 2, 3, 2)),
        Sample(_n(rng), _n(rng, 2)), Sample(_n(rng, 0)), Sample(NonContig(_n(rng, 2, 3))),
        Sample(Expanded(_n(rng, 1), (3,))),
    ]


def _hstack_samples(rng):
    return [
        Sample(_n(rng, 2), _n(rng, 3)), Sample(_n(rng, 2, 3), _n(rng, 2, 1)),
        Sample(_n(rng), _n(rng, 2)), Sample(_n(rng), _n(rng)), Sample(_n(rng, 2, 0), _n(rng, 2, 2)),
        Sample(NonContig(_n(rng, 2, 3)), _n(rng, 2, 2)), Sample(_n(rng, 2, 2, 2), _n(rng, 2, 1, 2)),
        Sample(Expanded(_n(rng, 1, 3), (2, 3)), _n(rng, 2, 1)),
    ]


def _vstack_samples(rng):
    return [
        Sample(_n(rng, 3), _n(rng, 3)), Sample(_n(rng, 2, 3), _n(rng, 1, 3)),
        Sample(_n(rng), _n(rng)), Sample(_n(rng, 2, 3), _n(rng, 3)),
        Sample(_n(rng, 0, 2), _n(rng, 2)), Sample(NonContig(_n(rng, 2, 3)), _n(rng, 3)),
        Sample(_n(rng, 2, 2, 2), _n(rng, 1, 2, 2)), Sample(Expanded(_n(rng, 1, 3), (2, 3)), _n(rng, 3)),
    ]


def _dstack_samples(rng):
    return [
        Sample(_n(rng, 3), _n(rng, 3)), Sample(_n(rng, 2, 3), _n(rng, 2, 3)),
        Sample(_n(rng), _n(rng)), Sample(_n(rng, 2, 3, 1), _n(rng, 2, 3)),
        Sample(_n(rng, 2, 0), _n(rng, 2, 0)), Sample(NonContig(_n(rng, 2, 3)), _n(rng, 2, 3)),
        Sample(_n(rng, 2, 2, 2), _n(rng, 2, 2, 1)),
        Sample(Expanded(_n(rng, 1, 3), (2, 3)), _n(rng, 2, 3)),
    ]


def _column_stack_samples(rng):
    return [
        Sample(_n(rng, 3), _n(rng, 3)), Sample(_n(rng, 3), _n(rng, 3, 2)),
        Sample(_n(rng), _n(rng)), Sample(_n(rng, 2, 3), _n(rng, 2, 1)),
        Sample(_n(rng, 0), _n(rng, 0, 2)), Sample(NonContig(_n(rng, 2, 3)), _n(rng, 2)),
        Sample(_n(rng, 2, 2, 2), _n(rng, 2, 1, 2)), Sample(Expanded(_n(rng, 1), (3,)), _n(rng, 3)),
    ]


def _broadcast_tensors_samples(rng):
    return [
        Sample(_n(rng, 2, 1), _n(rng, 3)), Sample(_n(rng, 2, 3), _n(rng, 2, 3)),
        Sample(_n(rng), _n(rng, 2, 2)), Sample(_n(rng, 3, 1, 2), _n(rng, 4, 1), _n(rng, 1)),
        Sample(_n(rng, 0, 1), _n(rng, 3)), Sample(NonContig(_n(rng, 2, 3)), _n(rng, 3)),
        Sample(Expanded(_n(rng, 1, 3), (2, 3)), _n(rng, 2, 1)), Sample(_n(rng, 4)),
    ]


def _ravel_samples(rng):
    return [
        Sample(_n(rng, 2, 3)), Sample(_n(rng)), Sample(_n(rng, 2, 3, 4)), Sample(_n(rng, 0, 3)),
        Sample(_n(rng, 4)), Sample(NonContig(_n(rng, 2, 3))), Sample(Expanded(_n(rng, 1, 3), (2, 3))),
        Sample(_n(rng, 1, 1)),
    ]


def _moveaxis_samples(rng):
    return [
        Sample(_n(rng, 2, 3, 4), 0, -1), Sample(_n(rng, 2, 3, 4), (0, 1), (2, 0)),
        Sample(_n(rng, 2, 3), 1, 0), Sample(_n(rng, 3), 0, 0), Sample(_n(rng, 0, 2), 0, 1),
        Sample(NonContig(_n(rng, 2, 3)), -1, 0), Sample(Expanded(_n(rng, 1, 3), (2, 3)), 0, 1),
        Sample(_n(rng, 2, 3, 4), -1, -2),
    ]


def _like_samples(rng):
    """(x, other): view_as / reshape_as / expand_as targets."""
    return [
        Sample(_n(rng, 2, 3), Const(np.zeros((3, 2)))), Sample(_n(rng, 6), Const(np.zeros((2, 3)))),
        Sample(_n(rng), Const(np.zeros((1, 1)))), Sample(_n(rng, 2, 0), Const(np.zeros((0, 5)))),
        Sample(_n(rng, 2, 3, 2), Const(np.zeros((12,)))), Sample(_n(rng, 4), Const(np.zeros((2, 2)))),
        Sample(_n(rng, 1, 3), Const(np.zeros((3, 1)))), Sample(_n(rng, 2, 2), Const(np.zeros(4))),
    ]


def _expand_as_samples(rng):
    return [
        Sample(_n(rng, 3, 1), Const(np.zeros((3, 4)))), Sample(_n(rng, 3), Const(np.zeros((2, 3)))),
        Sample(_n(rng), Const(np.zeros((2, 2)))), Sample(_n(rng, 1), Const(np.zeros((0,)))),
        Sample(_n(rng, 2, 3), Const(np.zeros((2, 3)))), Sample(_n(rng, 1, 1), Const(np.zeros((2, 1, 3)))),
        Sample(NonContig(_n(rng, 2, 3)), Const(np.zeros((2, 2, 3)))),
        Sample(Expanded(_n(rng, 1, 3), (2, 3)), Const(np.zeros((4, 2, 3)))),
    ]


def _transpose_like_samples(rng):
    return [Sample(_n(rng, 2, 3)), Sample(_n(rng, 2, 3, 4)), Sample(_n(rng, 0, 3)),
            Sample(NonContig(_n(rng, 3, 2))), Sample(Expanded(_n(rng, 1, 3), (2, 3))),
            Sample(_n(rng, 1, 2, 2, 3)), Sample(_n(rng, 3, 1)), Sample(_n(rng, 2, 2))]


def _pad_samples(mode):
    def make(rng):
        if mode == "constant":
            return [
                Sample(_n(rng, 2, 3), (1, 2)), Sample(_n(rng, 2, 3), (1, 1, 2, 0), 1.5),
                Sample(_n(rng, 2, 3), (-1, 2)), Sample(_n(rng, 2, 3, 4), (0, -2, 1, -1, 2, 0)),
                Sample(_n(rng), ()), Sample(_n(rng, 2, 3), (-2, -1)), Sample(_n(rng, 0, 3), (1, 1)),
                Sample(NonContig(_n(rng, 3, 2)), (2, 0, 0, 1), -1.0),
                Sample(Expanded(_n(rng, 1, 3), (2, 3)), (1, 1)), Sample(_n(rng, 3), (-3, 2)),
            ]
        big = mode != "reflect"  # reflect needs pads smaller than the dim
        return [
            Sample(_n(rng, 2, 4), (1, 2)), Sample(_n(rng, 1, 2, 4), (3, 1)),
            Sample(_n(rng, 1, 3, 4), (-1, 2)), Sample(_n(rng, 1, 1, 3, 4), (1, 2, 2, 0)),
            Sample(_n(rng, 2, 3, 3), (2, 2) if big else (2, 1)),
            Sample(_n(rng, 1, 2, 3, 3, 3), (1, 1, 0, 1, 1, 0)),
            Sample(_n(rng, 0, 2, 4), (1, 1)), Sample(NonContig(_n(rng, 2, 4)), (1, 3)),
            Sample(Expanded(_n(rng, 1, 4), (2, 4)), (2, 1)),
            Sample(_n(rng, 1, 3, 5), (-2, 1, 1, -1)),
        ]

    return make


def _gather_samples(rng):
    return [
        Sample(_n(rng, 3, 4), 1, idx([[0, 1], [3, 3], [2, 0]])),
        Sample(_n(rng, 3, 4), 0, idx([[0, 1, 2, 0], [2, 2, 2, 2]])),
        Sample(_n(rng, 3, 4), -1, idx([[1], [0]])), Sample(_n(rng, 2, 3, 4), 2, idx(
            np.random.default_rng(0).integers(0, 4, (2, 3, 5)))),
        Sample(_n(rng, 4), 0, idx([3, 3, 0, 1, 3])), Sample(_n(rng), 0, idx(0)),
        Sample(_n(rng, 3, 4), 1, Const(np.zeros((3, 0), dtype=np.int64))),
        Sample(NonContig(_n(rng, 3, 4)), 1, idx([[3], [1], [1]])),
        Sample(Expanded(_n(rng, 3, 1), (3, 4)), 1, idx([[0, 3], [1, 1], [2, 2]])),
    ]


_SCATTER_INDEX = [
    ((3, 4), 1, [[0, 3], [1, 1], [2, 0]], (3, 2)), ((3, 4), 0, [[0, 1, 2, 0], [2, 2, 2, 2]], (2, 4)),
    ((3, 4), -1, [[1], [0]], (2, 2)), ((4,), 0, [3, 0, 1], (3,)), ((), 0, 0, ()),
    ((3, 4), 1, np.zeros((3, 0), dtype=np.int64), (3, 0)), ((2, 3, 4), 2, [[[0, 1], [2, 3], [3, 0]],
                                                                         [[1, 1], [0, 2], [3, 3]]],
                                                            (2, 3, 2)),
]


# the same shapes with no position written twice: for scatter with a src tensor, whose gradient
# (as PyTorch's) reaches every duplicate although only the last write lands, so that central
# differences can only check it where targets are distinct (test_indexing.py checks duplicates
# against PyTorch's values)
_SCATTER_INDEX_DISTINCT = [
    ((3, 4), 1, [[0, 3], [1, 2], [2, 0]], (3, 2)), ((3, 4), 0, [[0, 1, 2, 0], [2, 2, 0, 1]], (2, 4)),
    ((3, 4), -1, [[1], [0]], (2, 2)), ((4,), 0, [3, 0, 1], (3,)), ((), 0, 0, ()),
    ((3, 4), 1, np.zeros((3, 0), dtype=np.int64), (3, 0)), ((2, 3, 4), 2, [[[0, 1], [2, 3], [3, 0]],
                                                                         [[1, 2], [0, 2], [3, 1]]],
                                                            (2, 3, 2)),
]


def _scatter_samples(value=False, distinct=False):
    """scatter-like samples: (x, dim, index, src); with `distinct`, no position is written twice."""

    def make(rng):
        out = []
        for xs, dim, index, ss in _SCATTER_INDEX_DISTINCT if distinct else _SCATTER_INDEX:
            index = np.array(index, dtype=np.int64)
            src = 2.5 if value else _n(rng, *ss)
            out.append(Sample(_n(rng, *xs), dim, Const(index), src))
        src = -1.5 if value else _n(rng, 2, 3)
        out.append(Sample(NonContig(_n(rng, 3, 2)), 0,
                          idx([[2, 0], [1, 1]] if distinct else [[2, 0], [2, 1]]), src,
                          desc="noncontig" if distinct else "noncontig_repeated"))
        src = 0.5 if value else Expanded(_n(rng, 1, 2), (3, 2))
        out.append(Sample(_n(rng, 3, 4), 1,
                          idx([[1, 2], [0, 3], [2, 1]] if distinct else [[1, 2], [0, 3], [2, 2]]),
                          src, desc="expanded_src" if distinct else "repeated_expanded_src"))
        if not value:  # src larger than the index: only its leading corner is read
            out.append(Sample(_n(rng, 3, 4), 1, idx([[1, 2], [0, 3]]), _n(rng, 3, 3),
                              desc="src_larger_than_index"))
        return out

    return make


def _scatter_reduce_samples(reduce):
    def make(rng):
        draw = _distinct if reduce in ("amax", "amin") else (
            (lambda rng, *s: np.asarray(rng.uniform(0.5, 1.5, s) * rng.choice([-1, 1], s)))
            if reduce == "prod" else _n)
        out = []
        for xs, dim, index, ss in _SCATTER_INDEX:
            index = np.array(index, dtype=np.int64)
            if reduce in ("amax", "amin"):  # self and src distinct together
                both = _distinct(rng, int(np.prod(xs)) + int(np.prod(ss)))
                x, src = both[:int(np.prod(xs))].reshape(xs), both[int(np.prod(xs)):].reshape(ss)
            else:
                x, src = draw(rng, *xs), draw(rng, *ss)
            out.append(Sample(x, dim, Const(index), src))
        if reduce in ("amax", "amin"):
            both = _distinct(rng, 18)
            x, src = both[:12].reshape(3, 4), both[12:].reshape(2, 3)
        else:
            x, src = draw(rng, 3, 4), draw(rng, 2, 3)
        out.append(Sample(x, 1, idx([[1, 1, 1], [0, 3, 0]]), NonContig(src),
                          desc="repeated_noncontig_src"))
        if reduce == "prod":
            src = draw(rng, 2, 3)
            src[0, 1] = 0.0
            out.append(Sample(draw(rng, 3, 4), 1, idx([[1, 1, 2], [0, 3, 0]]), src,
                              desc="a_zero_in_src"))
            x = draw(rng, 3, 4)
            x[0, 1] = 0.0
            out.append(Sample(x, 1, idx([[1, 1, 2], [0, 3, 0]]), draw(rng, 2, 3),
                              desc="a_zero_in_self"))
        return out

    return make


def _index_select_samples(rng):
    return [
        Sample(_n(rng, 3, 4), 0, idx([2, 0])), Sample(_n(rng, 3, 4), 1, idx([3, 3, 0])),
        Sample(_n(rng, 3, 4), -1, idx([1])), Sample(_n(rng, 2, 3, 4), 1, idx([2, 1, 2, 0])),
        Sample(_n(rng, 4), 0, idx(2)), Sample(_n(rng, 3, 4), 0, Const(np.zeros(0, np.int64))),
        Sample(_n(rng), 0, idx([0])), Sample(NonContig(_n(rng, 3, 4)), 1, idx([0, 2])),
        Sample(Expanded(_n(rng, 3, 1), (3, 4)), 1, idx([1, 1, 3])),
        Sample(_n(rng, 0, 3), 1, idx([2])),
    ]


def _index_write_samples(kind):
    """index_add / index_copy samples: (x, dim, index, source[, alpha])."""

    def make(rng):
        out = [
            Sample(_n(rng, 3, 4), 0, idx([2, 0]), _n(rng, 2, 4)),
            Sample(_n(rng, 3, 4), 1, idx([3, 1, 0]), _n(rng, 3, 3)),
            Sample(_n(rng, 3, 4), -1, idx([1]), _n(rng, 3, 1)),
            Sample(_n(rng, 2, 3, 4), 1, idx([2, 1, 0]), _n(rng, 2, 3, 4)),
            Sample(_n(rng, 4), 0, idx([3, 0]), _n(rng, 2)),
            Sample(_n(rng, 3, 4), 0, Const(np.zeros(0, np.int64)), _n(rng, 0, 4)),
            Sample(NonContig(_n(rng, 3, 4)), 1, idx([0, 2]), NonContig(_n(rng, 3, 2))),
            Sample(_n(rng, 3, 4), 1, idx([1, 3]), Expanded(_n(rng, 3, 1), (3, 2))),
        ]
        if kind == "add":  # repeated indices add up (index_copy's duplicates: test_indexing.py)
            out.append(Sample(_n(rng, 3, 4), 0, idx([1, 1, 0, 1]), _n(rng, 4, 4),
                              desc="repeated"))
        else:
            out.append(Sample(_n(rng, 3, 4), 0, idx([1, 0, 2]), _n(rng, 3, 4), desc="permuted"))
        if kind == "add":
            out.append(Sample(_n(rng, 3, 4), 0, idx([2, 2]), _n(rng, 2, 4), alpha=-2.5))
        return out

    return make


def _index_fill_samples(tensor_value):
    def make(rng):
        v = (lambda: _n(rng)) if tensor_value else (lambda: 1.5)
        return [
            Sample(_n(rng, 3, 4), 0, idx([2, 0]), v()), Sample(_n(rng, 3, 4), 1, idx([3, 3, 1]), v()),
            Sample(_n(rng, 3, 4), -1, idx([-1]), v()), Sample(_n(rng, 2, 3, 4), 1, idx([2]), v()),
            Sample(_n(rng, 4), 0, idx(2), v()),
            Sample(_n(rng, 3, 4), 0, Const(np.zeros(0, np.int64)), v()),
            Sample(NonContig(_n(rng, 3, 4)), 1, idx([0, 2]), v()),
            Sample(Expanded(_n(rng, 3, 1), (3, 4)), 1, idx([1, 1, 3]), v()),
        ]

    return make


def _masked_select_samples(rng):
    return [
        Sample(_n(rng, 3, 4), mask(rng, (3, 4))), Sample(_n(rng, 3, 4), mask(rng, (4,))),
        Sample(_n(rng, 3, 1), mask(rng, (3, 4)), desc="x_broadcast"),
        Sample(_n(rng), mask(rng, (2, 3))), Sample(_n(rng, 2, 3), mask(rng, ())),
        Sample(_n(rng, 0, 3), mask(rng, (0, 3))), Sample(NonContig(_n(rng, 3, 4)), mask(rng, (3, 4))),
        Sample(Expanded(_n(rng, 3, 1), (3, 4)), mask(rng, (3, 4))),
        Sample(_n(rng, 2, 3), Const(np.zeros((2, 3), bool)), desc="nothing_selected"),
    ]


def _masked_scatter_samples(rng):
    return [
        Sample(_n(rng, 3, 4), mask(rng, (3, 4)), _n(rng, 12)),
        Sample(_n(rng, 3, 4), mask(rng, (4,)), _n(rng, 3, 5)),
        Sample(_n(rng, 3, 1), mask(rng, (3, 4)), _n(rng, 20), desc="x_broadcast"),
        Sample(_n(rng), mask(rng, (2, 3)), _n(rng, 2, 3)), Sample(_n(rng, 2, 3), mask(rng, ()),
                                                                 _n(rng, 6)),
        Sample(_n(rng, 0, 3), mask(rng, (0, 3)), _n(rng, 2)),
        Sample(NonContig(_n(rng, 3, 4)), mask(rng, (3, 4)), NonContig(_n(rng, 4, 3))),
        Sample(_n(rng, 3, 4), mask(rng, (3, 4)), Expanded(_n(rng, 1), (12,))),
    ]


def _take_samples(rng):
    return [
        Sample(_n(rng, 3, 4), idx([0, 5, 11])), Sample(_n(rng, 3, 4), idx([[-1, 2], [2, 2]])),
        Sample(_n(rng, 4), idx(3)), Sample(_n(rng), idx([0, 0, -1])),
        Sample(_n(rng, 2, 3, 2), idx([7, 7, 0, 11])), Sample(_n(rng, 3, 4), Const(np.zeros((0, 2),
                                                                                          np.int64))),
        Sample(NonContig(_n(rng, 3, 4)), idx([1, 4])), Sample(Expanded(_n(rng, 3, 1), (3, 4)),
                                                          idx([0, 1, 5])),
    ]


def _put_samples(accumulate):
    def make(rng):
        return [
            Sample(_n(rng, 3, 4), idx([0, 5, 11]), _n(rng, 3), accumulate),
            Sample(_n(rng, 3, 4), idx([[-1, 2], [3, 4]]), _n(rng, 2, 2), accumulate),
            Sample(_n(rng, 4), idx(3), _n(rng), accumulate),
            Sample(_n(rng), idx([0]), _n(rng, 1), accumulate),
            Sample(_n(rng, 2, 3), idx([4, 4, 0, 4] if accumulate else [4, 1, 0, 5]), _n(rng, 4),
                   accumulate, desc="repeated" if accumulate else "four"),
            Sample(_n(rng, 3, 4), Const(np.zeros(0, np.int64)), _n(rng, 0), accumulate),
            Sample(NonContig(_n(rng, 3, 4)), idx([1, 4]), NonContig(_n(rng, 1, 2)), accumulate),
            Sample(_n(rng, 3, 4), idx([1, 7, 2]), Expanded(_n(rng, 1), (3,)), accumulate),
        ]

    return make


def _take_along_dim_samples(rng):
    return [
        Sample(_n(rng, 3, 4), idx([[0, 3]]), 1), Sample(_n(rng, 3, 4), idx([[2], [0], [1]]), -1),
        Sample(_n(rng, 3, 4), idx([[1, 1, 2, 0]]), 0), Sample(_n(rng, 3, 4), idx([5, 0, 5])),
        Sample(_n(rng, 2, 1, 4), idx([[[0], [3], [3]]]), 2, desc="broadcast_both"),
        Sample(_n(rng, 4), idx([3, 3]), 0), Sample(NonContig(_n(rng, 3, 4)), idx([[0, 3]]), 1),
        Sample(Expanded(_n(rng, 3, 1), (3, 4)), idx([[1], [2], [3]]), 1),
    ]


def _index_put_samples(accumulate):
    def make(rng):
        return [
            Sample(_n(rng, 3, 4), _n(rng, 2, 4), idx([2, 0])),
            Sample(_n(rng, 3, 4), _n(rng, 3), idx([0, 1, 2]), idx([3, 0, 1])),
            Sample(_n(rng, 3, 4), _n(rng), idx([1, 1] if accumulate else [1, 0]), idx([2, 2]),
                   desc="repeated_scalar_value" if accumulate else "scalar_value"),
            Sample(_n(rng, 5), _n(rng, 4), idx([0, 0, 1, 0] if accumulate else [0, 3, 1, 4]),
                   desc="repeated" if accumulate else "four"),
            Sample(_n(rng, 3, 4), _n(rng, 4), Const(np.array([True, False, True]))),
            Sample(_n(rng, 3, 4), _n(rng, 0, 4), Const(np.zeros(0, np.int64))),
            Sample(NonContig(_n(rng, 3, 4)), _n(rng, 2, 4), idx([2, 1])),
            Sample(_n(rng, 3, 4), Expanded(_n(rng, 1), (2,)), idx([0, 2]), idx([-1, 1])),
        ]

    return make


# --- the table -------------------------------------------------------------------------------------

_X = cr.Tensor


def _method(name):
    def op(x, *args, **kwargs):
        return getattr(x, name)(*args, **kwargs)

    op.__name__ = name
    return op


OPS = [
    # reordering copies
    OpInfo("flip", cr.flip, _ref_flip, _flip_samples, covers=(cr.flip,)),
    OpInfo("fliplr", cr.fliplr, np.fliplr, _lr_samples(2), covers=(cr.fliplr,)),
    OpInfo("flipud", cr.flipud, np.flipud, _lr_samples(1), covers=(cr.flipud,)),
    OpInfo("roll", cr.roll, _ref_roll, _roll_samples, covers=(cr.roll,)),
    OpInfo("rot90", cr.rot90, _ref_rot90, _rot90_samples, covers=(cr.rot90,)),
    OpInfo("repeat", _repeat, _ref_repeat, _repeat_samples, covers=(_X.repeat,)),
    OpInfo("tile", cr.tile, _ref_tile, _tile_samples, covers=(cr.tile,)),
    # pieces (views)
    OpInfo("narrow", cr.narrow, _ref_narrow, _narrow_samples, covers=(cr.narrow,)),
    OpInfo("narrow_copy", cr.narrow_copy, _ref_narrow, _narrow_samples,
           covers=(cr.narrow_copy,)),
    OpInfo("select", cr.select, _ref_select, _select_samples, covers=(cr.select,)),
    OpInfo("split", cr.split, _ref_split, _split_samples, covers=(cr.split,)),
    OpInfo("split_sizes", cr.split, _ref_split, _split_sizes_samples),
    OpInfo("chunk", cr.chunk, _ref_chunk, _chunk_samples, covers=(cr.chunk,)),
    OpInfo("tensor_split", cr.tensor_split, _ref_tensor_split, _tensor_split_samples,
           covers=(cr.tensor_split,)),
    OpInfo("unbind", cr.unbind, _ref_unbind, _unbind_samples, covers=(cr.unbind,)),
    OpInfo("hsplit", cr.hsplit, lambda x, s: tuple(np.hsplit(x, s)), lambda rng: [
        Sample(_n(rng, 2, 4), 2), Sample(_n(rng, 6), 3), Sample(_n(rng, 2, 5), [1, 3]),
        Sample(_n(rng, 2, 4, 2), [3]), Sample(NonContig(_n(rng, 2, 4)), 2),
        Sample(Expanded(_n(rng, 2, 1), (2, 4)), 4), Sample(_n(rng, 0, 2), 1),
        Sample(_n(rng, 3, 3), [0, 0])], covers=(cr.hsplit,)),
    OpInfo("vsplit", cr.vsplit, lambda x, s: tuple(np.vsplit(x, s)), lambda rng: [
        Sample(_n(rng, 4, 2), 2), Sample(_n(rng, 5, 2), [1, 3]), Sample(_n(rng, 4, 2, 2), [3]),
        Sample(NonContig(_n(rng, 4, 2)), 2), Sample(Expanded(_n(rng, 1, 2), (4, 2)), 4),
        Sample(_n(rng, 2, 0), 1), Sample(_n(rng, 3, 3), [0, 0]), Sample(_n(rng, 3, 3), 3)],
        covers=(cr.vsplit,)),
    OpInfo("dsplit", cr.dsplit, lambda x, s: tuple(np.dsplit(x, s)), lambda rng: [
        Sample(_n(rng, 2, 2, 4), 2), Sample(_n(rng, 1, 2, 5), [1, 3]),
        Sample(_n(rng, 2, 1, 4, 2), [3]), Sample(_n(rng, 2, 2, 3), 3),
        Sample(Expanded(_n(rng, 2, 1, 4), (2, 3, 4)), 4), Sample(_n(rng, 2, 0, 2), 1),
        Sample(_n(rng, 1, 3, 3), [0, 0]), Sample(_n(rng, 2, 2, 2), [1])],
        covers=(cr.dsplit,)),
    OpInfo("slice_scatter", cr.slice_scatter, _ref_slice_scatter, _slice_scatter_samples,
           covers=(cr.slice_scatter,)),
    OpInfo("select_scatter", cr.select_scatter, _ref_select_scatter, _select_scatter_samples,
           covers=(cr.select_scatter,)),
    # diagonals and triangles
    OpInfo("diag", cr.diag, _ref_diag, _diag_samples, covers=(cr.diag,)),
    OpInfo("diagonal", cr.diagonal, _ref_diagonal, _diagonal_samples, covers=(cr.diagonal,)),
    OpInfo("diag_embed", cr.diag_embed, _ref_diag_embed, _diag_embed_samples,
           covers=(cr.diag_embed,)),
    OpInfo("diagflat", cr.diagflat, lambda x, offset=0: np.diagflat(x, offset),
           _diagflat_samples, covers=(cr.diagflat,)),
    OpInfo("diagonal_scatter", cr.diagonal_scatter, _ref_diagonal_scatter,
           _diagonal_scatter_samples, covers=(cr.diagonal_scatter,)),
    OpInfo("tril", cr.tril, lambda x, d=0: np.tril(x, d), _tri_samples, covers=(cr.tril,)),
    OpInfo("triu", cr.triu, lambda x, d=0: np.triu(x, d), _tri_samples, covers=(cr.triu,)),
    OpInfo("trace", cr.trace, _ref_trace, _trace_samples, covers=(cr.trace,)),
    # stacking and dimension helpers
    OpInfo("atleast_1d", cr.atleast_1d, _atleast(1), _atleast_samples, covers=(cr.atleast_1d,)),
    OpInfo("atleast_2d", cr.atleast_2d, _atleast(2), _atleast_samples, covers=(cr.atleast_2d,)),
    OpInfo("atleast_3d", cr.atleast_3d, _atleast(3), _atleast_samples, covers=(cr.atleast_3d,)),
    OpInfo("hstack", _list_op(cr.hstack), _ref_hstack, _hstack_samples, covers=(cr.hstack,)),
    OpInfo("vstack", _list_op(cr.vstack), _ref_list(np.vstack), _vstack_samples,
           covers=(cr.vstack, cr.row_stack)),
    OpInfo("dstack", _list_op(cr.dstack), _ref_list(np.dstack), _dstack_samples,
           covers=(cr.dstack,)),
    OpInfo("column_stack", _list_op(cr.column_stack), _ref_column_stack, _column_stack_samples,
           covers=(cr.column_stack,)),
    OpInfo("broadcast_tensors", _broadcast_tensors, _ref_broadcast_tensors,
           _broadcast_tensors_samples, covers=(cr.broadcast_tensors,)),
    OpInfo("ravel", cr.ravel, np.ravel, _ravel_samples, covers=(cr.ravel,)),
    OpInfo("moveaxis", cr.moveaxis, np.moveaxis, _moveaxis_samples, covers=(cr.moveaxis,)),
    OpInfo("view_as", _method("view_as"), lambda x, o: x.reshape(o.shape), _like_samples,
           covers=(_X.view_as,)),
    OpInfo("reshape_as", _method("reshape_as"), lambda x, o: x.reshape(o.shape), _like_samples,
           covers=(_X.reshape_as,)),
    OpInfo("expand_as", _method("expand_as"), lambda x, o: np.broadcast_to(x, o.shape),
           _expand_as_samples, covers=(_X.expand_as,)),
    OpInfo("T", lambda x: x.T, lambda x: x.T, _transpose_like_samples),
    OpInfo("mT", lambda x: x.mT, lambda x: np.swapaxes(x, -1, -2), _transpose_like_samples),
    # padding
    OpInfo("pad_constant", _pad("constant"), _ref_pad("constant"), _pad_samples("constant"),
           covers=(F.pad,)),
    OpInfo("pad_reflect", _pad("reflect"), _ref_pad_any("reflect"), _pad_samples("reflect")),
    OpInfo("pad_replicate", _pad("replicate"), _ref_pad_any("replicate"),
           _pad_samples("replicate")),
    OpInfo("pad_circular", _pad("circular"), _ref_pad_any("circular"), _pad_samples("circular")),
    # index ops
    OpInfo("index_select", cr.index_select, _zero_d(_ref_index_select), _index_select_samples,
           covers=(cr.index_select,)),
    OpInfo("gather", cr.gather, _zero_d(_ref_gather), _gather_samples, covers=(cr.gather,)),
    OpInfo("scatter", cr.scatter, _zero_d(_ref_scatter), _scatter_samples(distinct=True),
           covers=(cr.scatter,)),
    OpInfo("scatter_value", cr.scatter, _zero_d(_ref_scatter), _scatter_samples(value=True)),
    OpInfo("scatter_add", cr.scatter_add, _zero_d(_ref_scatter_add), _scatter_samples(),
           covers=(cr.scatter_add,)),
    *[OpInfo(f"scatter_reduce_{r}{'' if inc else '_exclude_self'}", _scatter_reduce(r, inc),
             _zero_d(_ref_scatter_reduce(r, inc)), _scatter_reduce_samples(r),
             covers=(cr.scatter_reduce,) if r == "sum" and inc else ())
      for r in ("sum", "prod", "mean", "amax", "amin") for inc in (True, False)],
    OpInfo("index_add", cr.index_add, _ref_index_add, _index_write_samples("add"),
           covers=(cr.index_add,)),
    OpInfo("index_copy", cr.index_copy, _ref_index_copy, _index_write_samples("copy"),
           covers=(cr.index_copy,)),
    OpInfo("index_fill", cr.index_fill, _ref_index_fill, _index_fill_samples(False),
           covers=(cr.index_fill,)),
    OpInfo("index_fill_tensor", cr.index_fill, _ref_index_fill, _index_fill_samples(True)),
    OpInfo("masked_select", cr.masked_select, _ref_masked_select, _masked_select_samples,
           covers=(cr.masked_select,)),
    OpInfo("masked_scatter", cr.masked_scatter, _ref_masked_scatter, _masked_scatter_samples,
           covers=(cr.masked_scatter,)),
    OpInfo("take", cr.take, _ref_take, _take_samples, covers=(cr.take,)),
    OpInfo("put", cr.put, _ref_put, _put_samples(False), covers=(cr.put,)),
    OpInfo("put_accumulate", cr.put, _ref_put, _put_samples(True)),
    OpInfo("take_along_dim", cr.take_along_dim, _ref_take_along_dim, _take_along_dim_samples,
           covers=(cr.take_along_dim,)),
    OpInfo("index_put", _index_put(False), _ref_index_put(False), _index_put_samples(False),
           covers=(cr.index_put,)),
    OpInfo("index_put_accumulate", _index_put(True), _ref_index_put(True),
           _index_put_samples(True)),
]

NOT_DIFFERENTIABLE = {"broadcast_shapes"}
