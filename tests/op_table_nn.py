"""Op-table entries for chainrule.nn.functional: convolution, pooling, resampling, activations,
normalization, distances and losses. Loaded by op_table.py, so the shared gradcheck,
gradgradcheck, value, dtype, JVP and vmap tests run on every entry.

The references are plain NumPy written independently of chainrule's kernels: convolution as a
sum over kernel offsets of per-offset contractions (chainrule uses im2col + matmul), transposed
convolution as the scatter that defines it, pooling as explicit loops over output positions,
interpolation as a per-output-position formula. Values against real PyTorch (tricky options,
grad_fn names, errors) are in tests/test_nn_functional.py. `NN_NOT_DIFFERENTIABLE` lists the
public functions of chainrule.nn.functional that have no entry here because they are random,
integer-valued or only aliases, each with the reason; tests/test_nn_functional_coverage.py
checks that every public function is covered by one or the other.

Samples stay away from kinks and ties: max pooling draws `distinct` values, the piecewise
activations `uniform(..., avoid=kinks)`.
"""

import itertools
import math

import numpy as np
from op_table import Const, Expanded, NonContig, OpInfo, Sample, distinct, uniform

import chainrule as cr
import chainrule.nn.functional as F

# --- references: convolution ---------------------------------------------------------------------


def _tup(v, nd):
    return (v,) * nd if isinstance(v, int) else tuple(v)


def _ref_conv(x, w, b=None, stride=1, padding=0, dilation=1, groups=1):
    """Cross-correlation as a sum over kernel offsets (input (N, C, *S) or unbatched)."""
    nd = w.ndim - 2
    unbatched = x.ndim == nd + 1
    if unbatched:
        x = x[None]
    stride, dilation = _tup(stride, nd), _tup(dilation, nd)
    k = w.shape[2:]
    if padding == "same":
        tot = [d * (kk - 1) for kk, d in zip(k, dilation)]
        pads = [(t // 2, t - t // 2) for t in tot]
    elif padding == "valid":
        pads = [(0, 0)] * nd
    else:
        pads = [(p, p) for p in _tup(padding, nd)]
    xp = np.pad(x, [(0, 0), (0, 0)] + pads)
    osz = [(xp.shape[2 + i] - dilation[i] * (k[i] - 1) - 1) // stride[i] + 1 for i in range(nd)]
    n, cout = x.shape[0], w.shape[0]
    cg, og = x.shape[1] // groups, cout // groups
    out = np.zeros((n, cout, *osz))
    for off in itertools.product(*(range(kk) for kk in k)):
        sl = tuple(slice(o * d, o * d + s * (m - 1) + 1, s)
                   for o, d, s, m in zip(off, dilation, stride, osz))
        patch = xp[(slice(None), slice(None)) + sl]
        for g in range(groups):
            wk = w[(slice(g * og, (g + 1) * og), slice(None)) + off]  # (og, cg)
            out[:, g * og:(g + 1) * og] += np.tensordot(
                wk, patch[:, g * cg:(g + 1) * cg], axes=([1], [1])).swapaxes(0, 1)
    if b is not None:
        out += b.reshape((-1,) + (1,) * nd)
    return out[0] if unbatched else out


def _ref_conv_transpose(x, w, b=None, stride=1, padding=0, output_padding=0, groups=1,
                        dilation=1):
    """The scatter that defines a transposed convolution: every input position adds
    x * w over its kernel footprint; then padding is cropped."""
    nd = w.ndim - 2
    unbatched = x.ndim == nd + 1
    if unbatched:
        x = x[None]
    stride, dilation = _tup(stride, nd), _tup(dilation, nd)
    pad, opad = _tup(padding, nd), _tup(output_padding, nd)
    k = w.shape[2:]
    isz = x.shape[2:]
    full = [(i - 1) * s + d * (kk - 1) + 1 + op
            for i, s, d, kk, op in zip(isz, stride, dilation, k, opad)]
    n, cin = x.shape[:2]
    og = w.shape[1]
    cg = cin // groups
    out = np.zeros((n, og * groups, *full))
    for off in itertools.product(*(range(kk) for kk in k)):
        sl = tuple(slice(o * d, o * d + s * (m - 1) + 1, s)
                   for o, d, s, m in zip(off, dilation, stride, isz))
        for g in range(groups):
            wk = w[(slice(g * cg, (g + 1) * cg), slice(None)) + off]  # (cg, og)
            contrib = np.tensordot(x[:, g * cg:(g + 1) * cg], wk, axes=([1], [0]))
            out[(slice(None), slice(g * og, (g + 1) * og)) + sl] += np.moveaxis(contrib, -1, 1)
    size = [f - 2 * p for f, p in zip(full, pad)]
    out = out[(Ellipsis,) + tuple(slice(p, p + s) for p, s in zip(pad, size))]
    if b is not None:
        out = out + b.reshape((-1,) + (1,) * nd)
    return out[0] if unbatched else out


def _conv_samples(nd):
    def make(rng):
        def r(*s):
            return rng.normal(size=s)

        sp = {1: (7,), 2: (4, 4), 3: (3, 3, 3)}[nd]
        k = {1: (3,), 2: (3, 2), 3: (2, 2, 2)}[nd]
        if nd == 3:  # the kernels are shared with 1-d and 2-d: a few small samples suffice
            return [Sample(r(1, 2, *sp), r(2, 2, *k), r(2)),
                    Sample(r(1, 2, *sp), r(2, 1, *k), None, stride=2, padding=1, groups=2),
                    Sample(r(2, *sp), r(2, 2, *k), r(2), padding="same", dilation=(1, 2, 1))]
        out = [
            Sample(r(2, 2, *sp), r(3, 2, *k), r(3)),
            Sample(r(1, 2, *sp), r(3, 2, *k), None, stride=2, padding=1),
            Sample(r(1, 4, *sp), r(4, 2, *k), r(4), padding=1, dilation=2, groups=2),
            Sample(r(1, 3, *sp), r(3, 1, *k), None, groups=3, stride=(1,) * (nd - 1) + (2,)),
            Sample(r(1, 2, *sp), r(2, 2, *k), r(2), padding="same"),
            Sample(r(1, 2, *sp), r(2, 2, *k), None, padding="valid"),
            Sample(r(2, *sp), r(3, 2, *k), r(3), padding=1),  # unbatched
            Sample(NonContig(r(1, 2, *sp)), r(3, 2, *k), r(3)),
            Sample(r(1, 2, *sp), NonContig(r(3, 2, *k)), r(3)),
            Sample(r(0, 2, *sp), r(3, 2, *k), r(3)),  # empty batch
            Sample(Expanded(r(1, 2, *sp), (2, 2, *sp)), r(2, 2, *k), None),
        ]
        if nd == 2:
            out.append(Sample(r(1, 1, 5, 4), r(2, 1, 2, 2), None, padding="same", dilation=3))
            out.append(Sample(r(1, 1, 6, 5), r(2, 1, 3, 3), None, stride=(3, 2),
                              padding=(2, 0), dilation=(1, 2)))
        return out

    return make


def _conv_t_samples(nd):
    def make(rng):
        def r(*s):
            return rng.normal(size=s)

        sp = {1: (4,), 2: (3, 4), 3: (2, 2, 2)}[nd]
        k = {1: (3,), 2: (3, 2), 3: (2, 2, 2)}[nd]
        if nd == 3:
            return [Sample(r(1, 2, *sp), r(2, 2, *k), r(2)),
                    Sample(r(1, 2, *sp), r(2, 1, *k), None, groups=2, stride=2, padding=1,
                           output_padding=1),
                    Sample(r(2, *sp), r(2, 2, *k), r(2), dilation=(1, 2, 1))]
        out = [
            Sample(r(2, 2, *sp), r(2, 3, *k), r(3)),
            Sample(r(1, 2, *sp), r(2, 3, *k), None, stride=2, padding=1, output_padding=1),
            Sample(r(1, 4, *sp), r(4, 1, *k), r(2), groups=2, dilation=2, padding=1),
            Sample(r(1, 3, *sp), r(3, 1, *k), None, groups=3, stride=3, output_padding=2),
            Sample(r(2, *sp), r(2, 3, *k), r(3)),  # unbatched
            Sample(NonContig(r(1, 2, *sp)), r(2, 2, *k), r(2), stride=2),
            Sample(r(1, 2, *sp), NonContig(r(2, 3, *k)), r(3), padding=1),
            Sample(r(0, 2, *sp), r(2, 3, *k), r(3)),
        ]
        if nd == 2:
            out.append(Sample(r(1, 1, 3, 3), r(1, 2, 2, 3), None, stride=(2, 3),
                              padding=(1, 2), dilation=(2, 1), output_padding=(1, 2)))
        return out

    return make


# --- references: pooling -------------------------------------------------------------------------


def _pool_geometry(size, k, s, p, d, ceil_mode):
    span = size + 2 * p - d * (k - 1) - 1
    o = (-(-span // s) if ceil_mode else span // s) + 1
    if ceil_mode and (o - 1) * s >= size + p:
        o -= 1
    return o


def _ref_max_pool(nd, with_indices=False):
    def ref(x, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
            return_indices=False):
        unbatched = x.ndim == nd + 1
        if unbatched:
            x = x[None]
        k = _tup(kernel_size, nd)
        s = k if stride is None else _tup(stride, nd)
        p, d = _tup(padding, nd), _tup(dilation, nd)
        size = x.shape[2:]
        osz = [_pool_geometry(*a, ceil_mode) for a in zip(size, k, s, p, d)]
        vals = np.empty(x.shape[:2] + tuple(osz))
        idx = np.empty(x.shape[:2] + tuple(osz), dtype=np.int64)
        for o in itertools.product(*(range(m) for m in osz)):
            best = np.full(x.shape[:2], -np.inf)
            arg = np.zeros(x.shape[:2], dtype=np.int64)
            for off in itertools.product(*(range(kk) for kk in k)):
                pos = [oo * ss - pp + ff * dd for oo, ss, pp, ff, dd in zip(o, s, p, off, d)]
                if any(q < 0 or q >= n for q, n in zip(pos, size)):
                    continue
                v = x[(slice(None), slice(None)) + tuple(pos)]
                better = v > best
                best = np.where(better, v, best)
                arg = np.where(better, np.ravel_multi_index(pos, size), arg)
            vals[(Ellipsis,) + o] = best
            idx[(Ellipsis,) + o] = arg
        if unbatched:
            vals, idx = vals[0], idx[0]
        return (vals, idx) if (return_indices or with_indices) else vals

    return ref


def _ref_avg_pool(nd):
    def ref(x, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
            divisor_override=None):
        unbatched = x.ndim == nd + 1
        if unbatched:
            x = x[None]
        k = _tup(kernel_size, nd)
        s = k if stride is None else _tup(stride, nd)
        p = _tup(padding, nd)
        size = x.shape[2:]
        osz = [_pool_geometry(n, kk, ss, pp, 1, ceil_mode) for n, kk, ss, pp in zip(size, k, s, p)]
        out = np.empty(x.shape[:2] + tuple(osz))
        for o in itertools.product(*(range(m) for m in osz)):
            start = [oo * ss - pp for oo, ss, pp in zip(o, s, p)]
            end = [min(st + kk, n + pp) for st, kk, n, pp in zip(start, k, size, p)]
            count_pad = math.prod(e - b for b, e in zip(start, end))
            lo = [max(b, 0) for b in start]
            hi = [min(e, n) for e, n in zip(end, size)]
            region = x[(slice(None), slice(None)) + tuple(slice(a, b) for a, b in zip(lo, hi))]
            total = region.sum(axis=tuple(range(2, 2 + nd)))
            div = divisor_override or (count_pad if count_include_pad else
                                       math.prod(b - a for a, b in zip(lo, hi)))
            out[(Ellipsis,) + o] = total / div
        return out[0] if unbatched else out

    return ref


def _adaptive_windows(n, o):
    return [(i * n // o, -(-(i + 1) * n // o)) for i in range(o)]


def _ref_adaptive(nd, reduce, with_indices=False):
    def ref(x, output_size, return_indices=False):
        unbatched = x.ndim == nd + 1
        if unbatched:
            x = x[None]
        size = x.shape[2:]
        osz = _tup(output_size, nd)
        osz = tuple(n if o is None else o for o, n in zip(osz, size))
        out = np.empty(x.shape[:2] + osz)
        idx = np.empty(x.shape[:2] + osz, dtype=np.int64)
        wins = [_adaptive_windows(n, o) for n, o in zip(size, osz)]
        for o in itertools.product(*(range(m) for m in osz)):
            bounds = [w[i] for w, i in zip(wins, o)]
            region = x[(slice(None), slice(None)) + tuple(slice(a, b) for a, b in bounds)]
            flat = region.reshape(region.shape[:2] + (region[0, 0].size if len(region) else
                                                      math.prod(region.shape[2:]),))
            if reduce == "max":
                a = flat.argmax(-1)
                out[(Ellipsis,) + o] = np.take_along_axis(flat, a[..., None], -1)[..., 0]
                local = np.unravel_index(a, region.shape[2:])
                idx[(Ellipsis,) + o] = np.ravel_multi_index(
                    tuple(lc + b[0] for lc, b in zip(local, bounds)), size)
            else:
                out[(Ellipsis,) + o] = flat.mean(-1)
        if unbatched:
            out, idx = out[0], idx[0]
        return (out, idx) if (return_indices or with_indices) else out

    return ref


def _ref_lp_pool(nd):
    def ref(x, norm_type, kernel_size, stride=None, ceil_mode=False):
        k = _tup(kernel_size, nd)
        avg = _ref_avg_pool(nd)(x ** norm_type, k, stride, 0, ceil_mode)
        return (np.sign(avg) * np.maximum(np.abs(avg), 0) * math.prod(k)) ** (1.0 / norm_type)

    return ref


def _pool_samples(nd, kind):
    """Inputs with distinct values (max pooling has no ties)."""
    def make(rng):
        sp = {1: (7,), 2: (4, 5), 3: (3, 3, 4)}[nd]
        n = 2 if nd == 1 else 1

        def x(*s):
            return distinct(rng, s, 0.37) * 0.3

        if nd == 3:
            return [Sample(x(1, 1, *sp), kernel_size=2),
                    Sample(x(1, 2, *sp), kernel_size=(2, 3, 2), stride=(1, 2, 1), padding=1),
                    Sample(x(1, *sp), kernel_size=2, stride=1, ceil_mode=True)]
        if kind == "max":
            kws = [{"kernel_size": 2}, {"kernel_size": 3, "stride": 2, "padding": 1},
                   {"kernel_size": 2, "stride": 1, "dilation": 2}, {"kernel_size": 3, "stride": 2,
                                                                   "ceil_mode": True},
                   {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True,
                        "return_indices": True}]
        else:
            kws = [{"kernel_size": 2}, {"kernel_size": 3, "stride": 2, "padding": 1},
                   {"kernel_size": 3, "stride": 2, "padding": 1, "count_include_pad": False},
                   {"kernel_size": 3, "stride": 2, "ceil_mode": True},
                   {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True,
                        "count_include_pad": False}]
            if nd > 1:
                kws.append({"kernel_size": 2, "stride": 1, "divisor_override": 3})
        out = [Sample(x(n, 2, *sp), **kw) for kw in kws]
        out.append(Sample(x(2, *sp), kernel_size=2))  # unbatched
        out.append(Sample(NonContig(x(n, 2, *sp)), kernel_size=2, stride=1))
        out.append(Sample(x(0, 2, *sp), kernel_size=2))
        if nd == 2:
            out.append(Sample(x(1, 1, 5, 7), kernel_size=(2, 3), stride=(1, 2),
                              padding=(1, 0)))
        return out

    return make


def _adaptive_samples(nd, kind):
    def make(rng):
        sp = {1: (7,), 2: (5, 7), 3: (3, 3, 4)}[nd]

        def x(*s):
            return distinct(rng, s, 0.37) * 0.3

        if nd == 3:
            return [Sample(x(1, 1, *sp), (2, 2, 3)), Sample(x(1, 2, *sp), (None, 1, 3)),
                    Sample(x(2, *sp), 2)]
        sizes = {1: [3, 1, 7, 4], 2: [(2, 3), 1, (None, 4), (5, 7)]}[nd]
        out = [Sample(x(1, 1 if nd == 2 else 2, *sp), s) for s in sizes]
        out.append(Sample(x(2, *sp), sizes[0]))  # unbatched
        out.append(Sample(NonContig(x(2, 3, *sp)), sizes[0]))
        out.append(Sample(x(0, 2, *sp), sizes[0]))
        if kind == "max":
            out.append(Sample(x(2, 2, *sp), sizes[0], return_indices=True))
        return out

    return make


def _lp_samples(nd):
    def make(rng):
        sp = {1: (6,), 2: (4, 4)}[nd]

        def x(*s):
            return uniform(rng, s, 0.3, 2.0)

        return [Sample(x(1, 2, *sp), 2.0, 2), Sample(x(1, 1, *sp), 3.0, 3, stride=1),
                Sample(x(1, 2, *sp), 1.5, 2, stride=1, ceil_mode=True), Sample(x(1, *sp), 2, 2)]

    return make


# --- references: unfold / fold / resampling ------------------------------------------------------


def _ref_unfold(x, kernel_size, dilation=1, padding=0, stride=1):
    unbatched = x.ndim == 3
    if unbatched:
        x = x[None]
    k, d, p, s = (_tup(v, 2) for v in (kernel_size, dilation, padding, stride))
    xp = np.pad(x, [(0, 0), (0, 0), (p[0], p[0]), (p[1], p[1])])
    oh = (xp.shape[2] - d[0] * (k[0] - 1) - 1) // s[0] + 1
    ow = (xp.shape[3] - d[1] * (k[1] - 1) - 1) // s[1] + 1
    n, c = x.shape[:2]
    out = np.empty((n, c, k[0], k[1], oh, ow))
    for i, j, a, b in itertools.product(range(k[0]), range(k[1]), range(oh), range(ow)):
        out[:, :, i, j, a, b] = xp[:, :, a * s[0] + i * d[0], b * s[1] + j * d[1]]
    out = out.reshape(n, c * k[0] * k[1], oh * ow)
    return out[0] if unbatched else out


def _ref_fold(cols, output_size, kernel_size, dilation=1, padding=0, stride=1):
    unbatched = cols.ndim == 2
    if unbatched:
        cols = cols[None]
    size, k, d, p, s = (_tup(v, 2) for v in (output_size, kernel_size, dilation, padding,
                                              stride))
    oh = (size[0] + 2 * p[0] - d[0] * (k[0] - 1) - 1) // s[0] + 1
    ow = (size[1] + 2 * p[1] - d[1] * (k[1] - 1) - 1) // s[1] + 1
    n = cols.shape[0]
    c = cols.shape[1] // (k[0] * k[1])
    blocks = cols.reshape(n, c, k[0], k[1], oh, ow)
    out = np.zeros((n, c, size[0] + 2 * p[0], size[1] + 2 * p[1]))
    for i, j, a, b in itertools.product(range(k[0]), range(k[1]), range(oh), range(ow)):
        out[:, :, a * s[0] + i * d[0], b * s[1] + j * d[1]] += blocks[:, :, i, j, a, b]
    out = out[:, :, p[0]:p[0] + size[0], p[1]:p[1] + size[1]]
    return out[0] if unbatched else out


def _interp_1d(x, axis, n_out, mode, align_corners, scale):
    """Resample one axis of x, computing every output position from PyTorch's formulas."""
    n = x.shape[axis]
    x = np.moveaxis(x, axis, -1)
    out = np.empty(x.shape[:-1] + (n_out,))
    if mode in ("linear", "bilinear", "trilinear") and n == n_out:
        return np.moveaxis(x.copy(), -1, axis)
    for i in range(n_out):
        if mode == "nearest":
            s = np.float32(1.0 / scale) if scale else np.float32(n) / np.float32(n_out)
            out[..., i] = x[..., min(int(np.floor(np.float32(i) * s)), n - 1)]
            continue
        if align_corners:
            src = i * ((n - 1) / (n_out - 1) if n_out > 1 else 0.0)
        else:
            ratio = 1.0 / scale if scale else n / n_out
            src = (i + 0.5) * ratio - 0.5
        if mode == "bicubic":
            base = math.floor(src)
            t = src - base
            a = -0.75
            ws = [((a * (t + 1) - 5 * a) * (t + 1) + 8 * a) * (t + 1) - 4 * a,
                  ((a + 2) * t - (a + 3)) * t * t + 1,
                  ((a + 2) * (1 - t) - (a + 3)) * (1 - t) * (1 - t) + 1,
                  ((a * (2 - t) - 5 * a) * (2 - t) + 8 * a) * (2 - t) - 4 * a]
            out[..., i] = sum(w * x[..., min(max(base - 1 + j, 0), n - 1)]
                              for j, w in enumerate(ws))
            continue
        src = max(src, 0.0)
        i0 = min(math.floor(src), n - 1)
        i1 = min(i0 + 1, n - 1)
        lam = src - i0
        out[..., i] = (1 - lam) * x[..., i0] + lam * x[..., i1]
    return np.moveaxis(out, -1, axis)


def _ref_interpolate(x, size=None, scale_factor=None, mode="nearest", align_corners=None):
    nd = x.ndim - 2
    if size is not None:
        sizes, scales = _tup(size, nd), (None,) * nd
    else:
        scales = _tup(scale_factor, nd) if not isinstance(scale_factor, float) else \
            (scale_factor,) * nd
        sizes = tuple(math.floor(n * s) for n, s in zip(x.shape[2:], scales))
    if mode == "area":
        return _ref_adaptive(nd, "avg")(x, sizes)
    out = x
    for dim in range(nd):
        if mode == "nearest" and nd == 2 and x.shape[2 + dim] == sizes[dim]:
            continue
        out = _interp_1d(out, 2 + dim, sizes[dim], mode, bool(align_corners), scales[dim])
    return out


def _interp_samples(rng):
    def r(*s):
        return rng.normal(size=s)

    return [
        Sample(r(2, 2, 4), scale_factor=2.0),
        Sample(r(2, 2, 4), size=7, mode="linear"),
        Sample(r(2, 2, 4), size=3, mode="linear", align_corners=True),
        Sample(r(1, 2, 3, 4), size=(5, 3), mode="nearest"),
        Sample(r(1, 2, 3, 4), scale_factor=1.5, mode="bilinear"),
        Sample(r(1, 2, 3, 4), size=(4, 6), mode="bilinear", align_corners=True),
        Sample(r(1, 2, 4, 4), size=(3, 5), mode="bicubic"),
        Sample(r(1, 2, 4, 4), scale_factor=(1.5, 0.75), mode="bicubic", align_corners=True),
        Sample(r(1, 1, 2, 3, 2), size=(3, 2, 4), mode="trilinear"),
        Sample(r(1, 2, 5, 7), size=(2, 3), mode="area"),
        Sample(NonContig(r(2, 2, 3, 3)), scale_factor=2.0, mode="bilinear"),
    ]


def _ref_pixel_shuffle(x, r):
    *lead, c, h, w = x.shape
    out = np.empty((*lead, c // (r * r), h * r, w * r))
    for ch, i, j in itertools.product(range(c), range(h), range(w)):
        oc, rem = divmod(ch, r * r)
        a, b = divmod(rem, r)
        out[..., oc, i * r + a, j * r + b] = x[..., ch, i, j]
    return out


def _ref_pixel_unshuffle(x, r):
    *lead, c, h, w = x.shape
    out = np.empty((*lead, c * r * r, h // r, w // r))
    for oc, i, j in itertools.product(range(c * r * r), range(h // r), range(w // r)):
        ch, rem = divmod(oc, r * r)
        a, b = divmod(rem, r)
        out[..., oc, i, j] = x[..., ch, i * r + a, j * r + b]
    return out


def _ref_max_unpool(nd):
    def ref(x, indices, kernel_size, stride=None, padding=0, output_size=None):
        k = _tup(kernel_size, nd)
        s = k if stride is None else _tup(stride, nd)
        p = _tup(padding, nd)
        size = tuple(output_size)[-nd:] if output_size is not None else tuple(
            (n - 1) * ss + kk - 2 * pp for n, ss, kk, pp in zip(x.shape[-nd:], s, k, p))
        out = np.zeros(x.shape[:-nd] + (math.prod(size),))
        flat = x.reshape(x.shape[:-nd] + (-1,))
        fi = indices.reshape(flat.shape)
        for pos in np.ndindex(*flat.shape[:-1]):
            out[pos][fi[pos]] = flat[pos]
        return out.reshape(x.shape[:-nd] + size)

    return ref


def _max_unpool_samples(nd):
    def make(rng):
        sp = {1: (6,), 2: (4, 6), 3: (2, 2, 4)}[nd]
        x = distinct(rng, (2, 2, *sp), 0.37) * 0.3
        vals, idx = _ref_max_pool(nd)(x, 2, return_indices=True)
        x3 = distinct(rng, (2, *sp), 0.37) * 0.3
        vals3, idx3 = _ref_max_pool(nd)(x3, 2, return_indices=True)
        big = tuple(n + 1 for n in sp)
        vb, ib = _ref_max_pool(nd)(distinct(rng, (1, 2, *big), 0.37), 2, return_indices=True)
        return [Sample(vals, Const(idx), 2), Sample(vals3, Const(idx3), 2),
                Sample(vb, Const(ib), 2, output_size=big)]

    return make


OPS = [
    OpInfo("nn.conv1d", F.conv1d, _ref_conv, _conv_samples(1), covers=(F.conv1d,),
           atol=1e-11),
    OpInfo("nn.conv2d", F.conv2d, _ref_conv, _conv_samples(2), covers=(F.conv2d,),
           atol=1e-11),
    OpInfo("nn.conv3d", F.conv3d, _ref_conv, _conv_samples(3), covers=(F.conv3d,),
           atol=1e-11),
    OpInfo("nn.conv_transpose1d", F.conv_transpose1d, _ref_conv_transpose, _conv_t_samples(1),
           covers=(F.conv_transpose1d,), atol=1e-11),
    OpInfo("nn.conv_transpose2d", F.conv_transpose2d, _ref_conv_transpose, _conv_t_samples(2),
           covers=(F.conv_transpose2d,), atol=1e-11),
    OpInfo("nn.conv_transpose3d", F.conv_transpose3d, _ref_conv_transpose, _conv_t_samples(3),
           covers=(F.conv_transpose3d,), atol=1e-11),
    OpInfo("nn.max_pool1d", F.max_pool1d, _ref_max_pool(1), _pool_samples(1, "max"),
           covers=(F.max_pool1d,)),
    OpInfo("nn.max_pool2d", F.max_pool2d, _ref_max_pool(2), _pool_samples(2, "max"),
           covers=(F.max_pool2d,)),
    OpInfo("nn.max_pool3d", F.max_pool3d, _ref_max_pool(3), _pool_samples(3, "max"),
           covers=(F.max_pool3d,)),
    OpInfo("nn.max_pool2d_with_indices", F.max_pool2d_with_indices, _ref_max_pool(2, True),
           lambda rng: _pool_samples(2, "max")(rng)[:3],
           covers=(F.max_pool1d_with_indices, F.max_pool2d_with_indices,
                   F.max_pool3d_with_indices)),
    OpInfo("nn.avg_pool1d", F.avg_pool1d, _ref_avg_pool(1), _pool_samples(1, "avg"),
           covers=(F.avg_pool1d,)),
    OpInfo("nn.avg_pool2d", F.avg_pool2d, _ref_avg_pool(2), _pool_samples(2, "avg"),
           covers=(F.avg_pool2d,)),
    OpInfo("nn.avg_pool3d", F.avg_pool3d, _ref_avg_pool(3), _pool_samples(3, "avg"),
           covers=(F.avg_pool3d,)),
    OpInfo("nn.adaptive_avg_pool1d", F.adaptive_avg_pool1d, _ref_adaptive(1, "avg"),
           _adaptive_samples(1, "avg"), covers=(F.adaptive_avg_pool1d,)),
    OpInfo("nn.adaptive_avg_pool2d", F.adaptive_avg_pool2d, _ref_adaptive(2, "avg"),
           _adaptive_samples(2, "avg"), covers=(F.adaptive_avg_pool2d,)),
    OpInfo("nn.adaptive_avg_pool3d", F.adaptive_avg_pool3d, _ref_adaptive(3, "avg"),
           _adaptive_samples(3, "avg"), covers=(F.adaptive_avg_pool3d,)),
    OpInfo("nn.adaptive_max_pool1d", F.adaptive_max_pool1d, _ref_adaptive(1, "max"),
           _adaptive_samples(1, "max"), covers=(F.adaptive_max_pool1d,)),
    OpInfo("nn.adaptive_max_pool2d", F.adaptive_max_pool2d, _ref_adaptive(2, "max"),
           _adaptive_samples(2, "max"), covers=(F.adaptive_max_pool2d,)),
    OpInfo("nn.adaptive_max_pool3d", F.adaptive_max_pool3d, _ref_adaptive(3, "max"),
           _adaptive_samples(3, "max"), covers=(F.adaptive_max_pool3d,)),
    OpInfo("nn.adaptive_max_pool2d_with_indices", F.adaptive_max_pool2d_with_indices,
           _ref_adaptive(2, "max", True), lambda rng: _adaptive_samples(2, "max")(rng)[:3],
           covers=(F.adaptive_max_pool1d_with_indices, F.adaptive_max_pool2d_with_indices,
                   F.adaptive_max_pool3d_with_indices)),
    OpInfo("nn.lp_pool1d", F.lp_pool1d, _ref_lp_pool(1), _lp_samples(1), covers=(F.lp_pool1d,),
           atol=1e-10),
    OpInfo("nn.lp_pool2d", F.lp_pool2d, _ref_lp_pool(2), _lp_samples(2),
           covers=(F.lp_pool2d,), atol=1e-10),
    OpInfo("nn.lp_pool3d", F.lp_pool3d, _ref_lp_pool(3), lambda rng: [
        Sample(uniform(rng, (1, 2, 2, 3, 3), 0.3, 2.0), 2.0, 2),
        Sample(uniform(rng, (2, 3, 2, 3), 0.3, 2.0), 3.0, (1, 2, 2), stride=1)],
        covers=(F.lp_pool3d,), atol=1e-10),
    OpInfo("nn.max_unpool1d", F.max_unpool1d, _ref_max_unpool(1), _max_unpool_samples(1),
           covers=(F.max_unpool1d,)),
    OpInfo("nn.max_unpool2d", F.max_unpool2d, _ref_max_unpool(2), _max_unpool_samples(2),
           covers=(F.max_unpool2d,)),
    OpInfo("nn.max_unpool3d", F.max_unpool3d, _ref_max_unpool(3), _max_unpool_samples(3),
           covers=(F.max_unpool3d,)),
    OpInfo("nn.unfold", F.unfold, _ref_unfold, lambda rng: [
        Sample(rng.normal(size=(2, 2, 4, 5)), 2),
        Sample(rng.normal(size=(2, 2, 4, 5)), (2, 3), dilation=(1, 2), padding=1, stride=(2, 1)),
        Sample(rng.normal(size=(2, 4, 5)), 3, padding=1, stride=2),
        Sample(NonContig(rng.normal(size=(1, 2, 4, 5))), 2, stride=2),
        Sample(rng.normal(size=(0, 2, 4, 5)), 2),
    ], covers=(F.unfold,)),
    OpInfo("nn.fold", F.fold, _ref_fold, lambda rng: [
        Sample(rng.normal(size=(2, 8, 12)), (4, 5), 2),
        Sample(rng.normal(size=(2, 12, 12)), (5, 6), (2, 3), dilation=(1, 2), padding=1,
               stride=(2, 1)),
        Sample(rng.normal(size=(9, 4)), (3, 3), 3, padding=1, stride=2),
        Sample(NonContig(rng.normal(size=(1, 8, 6))), (4, 6), 2, stride=2),
    ], covers=(F.fold,)),
    OpInfo("nn.interpolate", F.interpolate, _ref_interpolate, _interp_samples,
           covers=(F.interpolate,)),
    OpInfo("nn.pixel_shuffle", F.pixel_shuffle, _ref_pixel_shuffle, lambda rng: [
        Sample(rng.normal(size=(2, 8, 2, 3)), 2), Sample(rng.normal(size=(9, 2, 2)), 3),
        Sample(rng.normal(size=(2, 1, 4, 2, 2)), 2),
        Sample(NonContig(rng.normal(size=(4, 2, 3))), 2),
    ], covers=(F.pixel_shuffle,)),
    OpInfo("nn.pixel_unshuffle", F.pixel_unshuffle, _ref_pixel_unshuffle, lambda rng: [
        Sample(rng.normal(size=(2, 2, 4, 6)), 2), Sample(rng.normal(size=(1, 6, 3)), 3),
        Sample(rng.normal(size=(2, 1, 2, 4, 2)), 2),
    ], covers=(F.pixel_unshuffle,)),
]


# --- activations ---------------------------------------------------------------------------------

_erf = np.vectorize(math.erf, otypes=[float])


def _sig(x):
    return 1 / (1 + np.exp(-x))


def _softplus(x, beta=1.0, threshold=20.0):
    return np.where(beta * x > threshold, x, np.log1p(np.exp(np.minimum(beta * x, threshold))) /
                    beta)


def _elu(x, alpha=1.0):
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0)))


_SELU = (1.6732632423543772848170429916717, 1.0507009873554804934193349852946)


def _act_samples(avoid=(), lo=-3.0, hi=3.0):
    """The unary sample set (0-d ... zero-size, non-contiguous, stride-0) away from kinks."""
    def make(rng):
        shapes = [(), (3,), (2, 3), (2, 2, 3), (0,), (2, 0)]
        out = [Sample(uniform(rng, s, lo, hi, avoid)) for s in shapes]
        out.append(Sample(NonContig(uniform(rng, (2, 3), lo, hi, avoid))))
        out.append(Sample(Expanded(uniform(rng, (3, 1), lo, hi, avoid), (3, 4))))
        return out

    return make


def _with(fn, **kw):
    def call(*args, **more):
        return fn(*args, **kw, **more)

    return call


def _kw_last(fn, *names):
    """`fn` with its trailing positional arguments passed as the keywords `names` (a sample's
    tensors must be positional to be converted; None skips one)."""
    def call(*args, **kw):
        k = len(args) - len(names)
        extra = {n: a for n, a in zip(names, args[k:]) if a is not None}
        return fn(*args[:k], **extra, **kw)

    return call


def _glu_ref(x, dim=-1):
    a, b = np.split(x, 2, axis=dim)
    return a * _sig(b)


def _softmax_ref(x, dim):
    if x.size == 0:
        return x.copy()
    e = np.exp(x - x.max(axis=dim, keepdims=True))
    return e / e.sum(axis=dim, keepdims=True)


def _log_softmax_ref(x, dim):
    if x.size == 0:
        return x.copy()
    m = x.max(axis=dim, keepdims=True)
    return x - m - np.log(np.exp(x - m).sum(axis=dim, keepdims=True))


def _softmax_samples(rng):
    return [Sample(rng.normal(size=(2, 3)), dim=1), Sample(rng.normal(size=(2, 3)), dim=0),
            Sample(rng.normal(size=(2, 2, 3)), dim=-1), Sample(rng.normal(size=(3,)), dim=0),
            Sample(rng.normal(size=(2, 0)), dim=1), Sample(NonContig(rng.normal(size=(3, 2))),
                                                           dim=1),
            Sample(rng.normal(size=(2, 3)) * 1e3, dim=1),  # stable for large inputs
            Sample(Expanded(rng.normal(size=(1, 3)), (2, 3)), dim=0)]


def _prelu_samples(rng):
    def x(*s):
        return uniform(rng, s, avoid=(0,))

    return [Sample(x(2, 3, 4), rng.uniform(0.1, 0.5, 1)),
            Sample(x(2, 3, 4), rng.uniform(0.1, 0.5, 3)), Sample(x(2, 3), rng.uniform(0.1, 0.5, 3)),
            Sample(x(4), rng.uniform(0.1, 0.5, 1)), Sample(x(), rng.uniform(0.1, 0.5, 1)),
            Sample(NonContig(x(3, 2)), rng.uniform(0.1, 0.5, 2))]


def _ref_prelu(x, w):
    if x.ndim >= 2 and w.size > 1:
        w = w.reshape((-1,) + (1,) * (x.ndim - 2))
    elif w.size == 1:
        w = w.reshape(())
    return np.where(x > 0, x, w * x)


_ACTIVATIONS = [
    # name, function, reference, kinks to avoid, domain
    ("relu", F.relu, lambda x: np.maximum(x, 0), (0,)),
    ("relu6", F.relu6, lambda x: np.clip(x, 0, 6), (0, 6)),
    ("leaky_relu", _with(F.leaky_relu, negative_slope=0.2), lambda x: np.where(x > 0, x, 0.2 * x),
     (0,)),
    ("elu", _with(F.elu, alpha=0.7), lambda x: _elu(x, 0.7), (0,)),
    ("selu", F.selu, lambda x: _SELU[1] * _elu(x, _SELU[0]), (0,)),
    ("celu", _with(F.celu, alpha=1.5), lambda x: np.where(x > 0, x, 1.5 * np.expm1(
        np.minimum(x, 0) / 1.5)), (0,)),
    ("gelu", F.gelu, lambda x: x * 0.5 * (1 + _erf(x / np.sqrt(2))), ()),
    ("gelu_tanh", _with(F.gelu, approximate="tanh"), lambda x: 0.5 * x * (1 + np.tanh(
        np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3))), ()),
    ("silu", F.silu, lambda x: x * _sig(x), ()),
    ("mish", F.mish, lambda x: x * np.tanh(np.log1p(np.exp(x))), ()),
    ("softplus", _with(F.softplus, beta=2.0, threshold=3.0), lambda x: _softplus(x, 2.0, 3.0),
     (1.5,)),
    ("softsign", F.softsign, lambda x: x / (1 + np.abs(x)), (0,)),
    ("hardtanh", _with(F.hardtanh, min_val=-1.5, max_val=2.0), lambda x: np.clip(x, -1.5, 2.0),
     (-1.5, 2.0)),
    ("hardsigmoid", F.hardsigmoid, lambda x: np.clip(x + 3, 0, 6) / 6, (-3, 3)),
    ("hardswish", F.hardswish, lambda x: x * np.clip(x + 3, 0, 6) / 6, (-3, 3)),
    ("logsigmoid", F.logsigmoid, lambda x: -np.log1p(np.exp(-x)), ()),
    ("tanhshrink", F.tanhshrink, lambda x: x - np.tanh(x), ()),
    ("softshrink", _with(F.softshrink, lambd=0.7),
     lambda x: np.where(x > 0.7, x - 0.7, np.where(x < -0.7, x + 0.7, 0.0)), (-0.7, 0.7)),
    ("hardshrink", _with(F.hardshrink, lambd=0.7), lambda x: np.where(np.abs(x) > 0.7, x, 0.0),
     (-0.7, 0.7)),
    ("threshold", _with(F.threshold, threshold=0.5, value=-2.0),
     lambda x: np.where(x > 0.5, x, -2.0), (0.5,)),
    ("rrelu_eval", F.rrelu, lambda x: np.where(x > 0, x, x * (1 / 8 + 1 / 3) / 2), (0,)),
    ("sigmoid", F.sigmoid, _sig, ()),
    ("tanh", F.tanh, np.tanh, ()),
]

_ACT_COVERS = {"relu": (F.relu,), "relu6": (F.relu6,), "leaky_relu": (F.leaky_relu,),
               "elu": (F.elu,), "selu": (F.selu,), "celu": (F.celu,), "gelu": (F.gelu,),
               "silu": (F.silu,), "mish": (F.mish,), "softplus": (F.softplus,),
               "softsign": (F.softsign,), "hardtanh": (F.hardtanh,),
               "hardsigmoid": (F.hardsigmoid,), "hardswish": (F.hardswish,),
               "logsigmoid": (F.logsigmoid,), "tanhshrink": (F.tanhshrink,),
               "softshrink": (F.softshrink,), "hardshrink": (F.hardshrink,),
               "threshold": (F.threshold,), "rrelu_eval": (F.rrelu,), "sigmoid": (F.sigmoid,),
               "tanh": (F.tanh,)}

OPS += [
    OpInfo(f"nn.{name}", fn, ref, _act_samples(avoid), covers=_ACT_COVERS.get(name, ()),
           atol=1e-10 if name in ("gelu", "mish") else 1e-12)
    for name, fn, ref, avoid in _ACTIVATIONS
]


def _inplace(fn, **kw):
    """An in-place activation applied to a copy (the leaf itself cannot be modified)."""
    def call(x):
        return fn(x * 1.0, **kw)

    return call


OPS += [
    OpInfo("nn.relu_", _inplace(F.relu_), lambda x: np.maximum(x, 0), _act_samples((0,)),
           covers=(F.relu_,)),
    OpInfo("nn.elu_", _inplace(F.elu_), _elu, _act_samples((0,)), covers=(F.elu_,)),
    OpInfo("nn.selu_", _inplace(F.selu_), lambda x: _SELU[1] * _elu(x, _SELU[0]),
           _act_samples((0,)), covers=(F.selu_,)),
    OpInfo("nn.celu_", _inplace(F.celu_), _elu, _act_samples((0,)), covers=(F.celu_,)),
    OpInfo("nn.leaky_relu_", _inplace(F.leaky_relu_, negative_slope=0.1),
           lambda x: np.where(x > 0, x, 0.1 * x), _act_samples((0,)), covers=(F.leaky_relu_,)),
    OpInfo("nn.hardtanh_", _inplace(F.hardtanh_), lambda x: np.clip(x, -1, 1),
           _act_samples((-1, 1)), covers=(F.hardtanh_,)),
    OpInfo("nn.threshold_", _inplace(F.threshold_, threshold=0.2, value=1.0),
           lambda x: np.where(x > 0.2, x, 1.0), _act_samples((0.2,)), covers=(F.threshold_,)),
    OpInfo("nn.rrelu_", _inplace(F.rrelu_), lambda x: np.where(x > 0, x, x * (1 / 8 + 1 / 3) / 2),
           _act_samples((0,)), covers=(F.rrelu_,)),
    OpInfo("nn.glu", F.glu, _glu_ref, lambda rng: [
        Sample(rng.normal(size=(3, 4))), Sample(rng.normal(size=(4, 3)), 0),
        Sample(rng.normal(size=(2, 2, 6)), -1), Sample(rng.normal(size=(2,))),
        Sample(NonContig(rng.normal(size=(2, 4))), 1), Sample(rng.normal(size=(0, 2)))],
        covers=(F.glu,)),
    OpInfo("nn.softmax", F.softmax, _softmax_ref, _softmax_samples, covers=(F.softmax,)),
    OpInfo("nn.log_softmax", F.log_softmax, _log_softmax_ref,
           _softmax_samples, covers=(F.log_softmax,), atol=1e-10),
    OpInfo("nn.softmin", F.softmin, lambda x, dim: _softmax_ref(-x, dim), _softmax_samples,
           covers=(F.softmin,)),
    OpInfo("nn.prelu", F.prelu, _ref_prelu, _prelu_samples, covers=(F.prelu,)),
    OpInfo("nn.channel_shuffle", F.channel_shuffle,
           lambda x, g: x.reshape(x.shape[0], g, -1, *x.shape[2:]).swapaxes(1, 2).reshape(
               x.shape), lambda rng: [Sample(rng.normal(size=(2, 6, 2)), 3),
                                      Sample(rng.normal(size=(1, 4, 2, 2)), 2),
                                      Sample(NonContig(rng.normal(size=(4, 2))), 2)],
           covers=(F.channel_shuffle, F.native_channel_shuffle)),
]


# --- linear layers, embedding, dropout ------------------------------------------------------------


def _ref_linear(x, w, b=None):
    out = x @ w.T
    return out if b is None else out + b


def _ref_bilinear(x1, x2, w, b=None):
    out = np.einsum("...i,oij,...j->...o", x1, w, x2)
    return out if b is None else out + b


def _seeded(fn, **kw):
    """A random function made deterministic (the same mask on every call of gradcheck)."""
    def call(x):
        cr.manual_seed(7)
        return fn(x, **kw)

    return call


def _seeded_ref(fn, **kw):
    """The mask of `fn` recovered on ones (x * mask for dropout, a * x + b for alpha dropout),
    applied with NumPy: checks the scaling and that the mask is fixed per seed."""
    def ref(x):
        cr.manual_seed(7)
        ones = fn(cr.from_numpy(np.ones_like(x)), **kw).numpy()
        cr.manual_seed(7)
        zeros = fn(cr.from_numpy(np.zeros_like(x)), **kw).numpy()
        return x * (ones - zeros) + zeros

    return ref


def _ref_rrelu_train(x):
    cr.manual_seed(7)
    slope = -F.rrelu(cr.tensor(np.full(np.shape(x), -1.0)), training=True).numpy()
    return np.where(x >= 0, x, x * slope)


def _dropout_samples(rng):
    return [Sample(rng.normal(size=s)) for s in [(4, 5), (2, 3, 4), (3, 2, 2, 2), (0, 3)]] + \
        [Sample(NonContig(rng.normal(size=(3, 4))))]


def _embedding_samples(rng):
    w = rng.normal(size=(5, 3))
    # padding_idx and scale_grad_by_freq change the gradient on purpose (it is then not the
    # derivative): tests/test_nn_functional.py checks them against PyTorch instead
    return [Sample(Const(np.array([1, 0, 4, 1])), w),
            Sample(Const(np.array([[0, 2], [4, 4]])), rng.normal(size=(5, 3))),
            Sample(Const(np.array(3)), rng.normal(size=(5, 3))),
            Sample(Const(np.zeros(0, dtype=np.int64)), rng.normal(size=(5, 3))),
            Sample(Const(np.array([0, 3])), NonContig(rng.normal(size=(4, 2))))]


def _ref_embedding(idx, w, padding_idx=None, scale_grad_by_freq=False):
    return w[idx]


OPS += [
    OpInfo("nn.linear", F.linear, _ref_linear, lambda rng: [
        Sample(rng.normal(size=(3, 4)), rng.normal(size=(2, 4)), rng.normal(size=2)),
        Sample(rng.normal(size=(3, 4)), rng.normal(size=(2, 4))),
        Sample(rng.normal(size=(4,)), rng.normal(size=(2, 4)), rng.normal(size=2)),
        Sample(rng.normal(size=(2, 3, 4)), rng.normal(size=(2, 4)), rng.normal(size=2)),
        Sample(rng.normal(size=(0, 4)), rng.normal(size=(2, 4)), rng.normal(size=2)),
        Sample(NonContig(rng.normal(size=(3, 4))), NonContig(rng.normal(size=(2, 4))),
               rng.normal(size=2)),
        Sample(rng.normal(size=(3, 4)), rng.normal(size=(2, 4)), Expanded(rng.normal(size=1),
                                                                          (2,))),
        Sample(Expanded(rng.normal(size=(1, 4)), (3, 4)), rng.normal(size=(2, 4)), None),
    ], covers=(F.linear,)),
    OpInfo("nn.bilinear", F.bilinear, _ref_bilinear, lambda rng: [
        Sample(rng.normal(size=(3, 2)), rng.normal(size=(3, 4)), rng.normal(size=(5, 2, 4)),
               rng.normal(size=5)),
        Sample(rng.normal(size=(2, 3, 2)), rng.normal(size=(2, 3, 4)),
               rng.normal(size=(2, 2, 4))),
        Sample(rng.normal(size=(2,)), rng.normal(size=(3,)), rng.normal(size=(2, 2, 3)),
               rng.normal(size=2)),
        Sample(NonContig(rng.normal(size=(3, 2))), rng.normal(size=(3, 4)),
               rng.normal(size=(1, 2, 4))),
    ], covers=(F.bilinear,)),
    OpInfo("nn.embedding", F.embedding, _ref_embedding, _embedding_samples,
           covers=(F.embedding,)),
    OpInfo("nn.dropout", _seeded(F.dropout, p=0.4), _seeded_ref(F.dropout, p=0.4),
           _dropout_samples, covers=(F.dropout,)),
    OpInfo("nn.dropout_eval", _with(F.dropout, p=0.4, training=False), lambda x: x,
           _dropout_samples),
    OpInfo("nn.alpha_dropout", _seeded(F.alpha_dropout, p=0.3, training=True),
           _seeded_ref(F.alpha_dropout, p=0.3, training=True), _dropout_samples,
           covers=(F.alpha_dropout,)),
    OpInfo("nn.feature_alpha_dropout", _seeded(F.feature_alpha_dropout, p=0.3, training=True),
           _seeded_ref(F.feature_alpha_dropout, p=0.3, training=True),
           lambda rng: _dropout_samples(rng)[:3], covers=(F.feature_alpha_dropout,)),
    OpInfo("nn.dropout1d", _seeded(F.dropout1d, p=0.5), _seeded_ref(F.dropout1d, p=0.5),
           lambda rng: [Sample(rng.normal(size=(3, 4, 2))), Sample(rng.normal(size=(4, 3)))],
           covers=(F.dropout1d,)),
    OpInfo("nn.dropout2d", _seeded(F.dropout2d, p=0.5), _seeded_ref(F.dropout2d, p=0.5),
           lambda rng: [Sample(rng.normal(size=(3, 4, 2, 2)))], covers=(F.dropout2d,)),
    OpInfo("nn.dropout3d", _seeded(F.dropout3d, p=0.5), _seeded_ref(F.dropout3d, p=0.5),
           lambda rng: [Sample(rng.normal(size=(2, 4, 2, 1, 2))),
                        Sample(rng.normal(size=(4, 2, 1, 2)))], covers=(F.dropout3d,)),
    OpInfo("nn.rrelu_train", _seeded(F.rrelu, training=True), _ref_rrelu_train,
           _act_samples((0,))),
]


# --- normalization and distances ------------------------------------------------------------------


def _ref_norm_over(x, axes, eps):
    mu = x.mean(axis=axes, keepdims=True)
    var = ((x - mu) ** 2).mean(axis=axes, keepdims=True)
    return (x - mu) / np.sqrt(var + eps)


def _ref_layer_norm(x, shape, w=None, b=None, eps=1e-5):
    k = len(shape) if isinstance(shape, tuple) else 1
    out = _ref_norm_over(x, tuple(range(x.ndim - k, x.ndim)), eps)
    out = out if w is None else out * w
    return out if b is None else out + b


def _cshape(x):
    return (1, -1) + (1,) * (x.ndim - 2)


def _ref_group_norm(x, g, w=None, b=None, eps=1e-5):
    n, _c = x.shape[:2]
    out = _ref_norm_over(x.reshape(n, g, x[0].size // g if n else 1), (2,), eps).reshape(x.shape)
    out = out if w is None else out * w.reshape(_cshape(x))
    return out if b is None else out + b.reshape(_cshape(x))


def _ref_instance_norm(x, rm=None, rv=None, w=None, b=None, use_input_stats=True, eps=1e-5):
    out = _ref_norm_over(x, tuple(range(2, x.ndim)), eps) if use_input_stats else \
        (x - rm.reshape(_cshape(x))) / np.sqrt(rv.reshape(_cshape(x)) + eps)
    out = out if w is None else out * w.reshape(_cshape(x))
    return out if b is None else out + b.reshape(_cshape(x))


def _ref_batch_norm(x, rm, rv, w=None, b=None, training=False, eps=1e-5):
    axes = (0,) + tuple(range(2, x.ndim))
    if training:
        out = _ref_norm_over(x, axes, eps)
    else:
        out = (x - rm.reshape(_cshape(x))) / np.sqrt(rv.reshape(_cshape(x)) + eps)
    out = out if w is None else out * w.reshape(_cshape(x))
    return out if b is None else out + b.reshape(_cshape(x))


def _ref_rms_norm(x, shape, w=None, eps=None):
    k = len(shape)
    eps = np.finfo(x.dtype).eps if eps is None else eps
    out = x / np.sqrt((x * x).mean(axis=tuple(range(x.ndim - k, x.ndim)), keepdims=True) + eps)
    return out if w is None else out * w


def _ref_lrn(x, size, alpha=1e-4, beta=0.75, k=1.0):
    c = x.shape[1]
    sq = x * x
    div = np.zeros_like(x)
    for ch in range(c):
        lo, hi = max(ch - size // 2, 0), min(ch + (size - 1) // 2, c - 1)
        div[:, ch] = sq[:, lo:hi + 1].sum(axis=1) / size
    return x / (k + alpha * div) ** beta


def _pnorm(v, p, axis, keepdims=False):
    if p == np.inf:
        return np.abs(v).max(axis=axis, keepdims=keepdims)
    return (np.abs(v) ** p).sum(axis=axis, keepdims=keepdims) ** (1.0 / p)


def _ref_normalize(x, p=2.0, dim=1, eps=1e-12):
    return x / np.maximum(_pnorm(x, p, dim, True), eps)


def _ref_cosine_similarity(a, b, dim=1, eps=1e-8):
    a, b = np.broadcast_arrays(a, b)
    na = np.maximum(_pnorm(a, 2, dim, True), eps)
    nb = np.maximum(_pnorm(b, 2, dim, True), eps)
    return ((a / na) * (b / nb)).sum(axis=dim)


def _ref_pairwise_distance(a, b, p=2.0, eps=1e-6, keepdim=False):
    return _pnorm(a - b + eps, p, -1, keepdim)


def _ref_pdist(x, p=2):
    i, j = np.triu_indices(x.shape[0], 1)
    return _pnorm(x[i] - x[j], p, -1)


def _norm_samples(rng):
    def r(*s):
        return rng.normal(size=s)

    return [Sample(r(3, 4), (4,)), Sample(r(2, 3, 4), (3, 4), r(3, 4), r(3, 4)),
            Sample(r(2, 3, 4), (4,), r(4), None, eps=1e-3), Sample(r(4), 4, r(4), r(4)),
            Sample(NonContig(r(3, 4)), (4,), r(4)), Sample(r(0, 4), (4,), r(4), r(4)),
            Sample(Expanded(r(1, 4), (3, 4)), (4,)), Sample(r(2, 2, 3), (3,), None, r(3))]


def _bn_samples(rng):
    def r(*s):
        return rng.normal(size=s)

    rm, rv = r(3), rng.uniform(0.5, 2.0, 3)
    return [Sample(r(4, 3), None, None, r(3), r(3), training=True),
            Sample(r(2, 3, 2, 2), None, None, training=True, eps=1e-3),
            Sample(r(4, 3), rm, rv, r(3), r(3)),
            Sample(r(2, 3, 4), Const(rm), Const(rv), r(3), r(3), training=True),  # updates
            Sample(r(2, 3, 4), rm, rv),
            Sample(NonContig(r(4, 3)), None, None, r(3), None, training=True),
            Sample(r(2, 3, 4), r(3), rng.uniform(0.5, 2.0, 3), r(3), r(3)),  # grads to stats
            Sample(Expanded(r(1, 3, 2), (3, 3, 2)), None, None, training=True)]


def _batch_norm_copy(x, rm, rv, *args, **kw):
    """batch_norm on copies of the running statistics (training updates them in place)."""
    if kw.get("training"):
        rm = rm.detach().clone() if rm is not None else None
        rv = rv.detach().clone() if rv is not None else None
    return F.batch_norm(x, rm, rv, *args, **kw)


def _distance_pairs(rng):
    def r(*s):
        return rng.normal(size=s)

    return [Sample(r(3, 4), r(3, 4)), Sample(r(3, 4), r(4)), Sample(r(4), r(4)),
            Sample(r(2, 3, 4), r(3, 4), p=1.0), Sample(r(3, 4), r(3, 4), p=3.0, keepdim=True),
            Sample(NonContig(r(4, 3)), r(4, 3)), Sample(r(0, 4), r(0, 4)),
            Sample(Expanded(r(1, 4), (3, 4)), r(3, 4), p=np.inf)]


def _cosine_samples(rng):
    def r(*s):
        return rng.normal(size=s)

    return [Sample(r(3, 4), r(3, 4)), Sample(r(3, 4), r(4), dim=-1), Sample(r(4), r(4), dim=0),
            Sample(r(2, 3, 4), r(2, 3, 4), dim=2), Sample(r(3, 4), r(3, 4), dim=0, eps=1e-3),
            Sample(NonContig(r(4, 3)), r(4, 3)), Sample(r(0, 4), r(0, 4)),
            Sample(Expanded(r(1, 4), (3, 4)), r(3, 4))]
    # where the eps clamp acts, PyTorch's gradient is not the derivative (value-only clamp):
    # tested against PyTorch in tests/test_nn_functional.py


OPS += [
    OpInfo("nn.layer_norm", F.layer_norm, _ref_layer_norm, _norm_samples,
           covers=(F.layer_norm,), atol=1e-11),
    OpInfo("nn.group_norm", F.group_norm, _ref_group_norm, lambda rng: [
        Sample(rng.normal(size=(2, 4, 3)), 2, rng.normal(size=4), rng.normal(size=4)),
        Sample(rng.normal(size=(2, 6)), 3), Sample(rng.normal(size=(1, 4, 2, 2)), 4, eps=1e-3),
        Sample(rng.normal(size=(2, 4, 3)), 1, None, rng.normal(size=4)),
        Sample(NonContig(rng.normal(size=(3, 4))), 2, rng.normal(size=4)),
        Sample(rng.normal(size=(0, 4, 3)), 2, rng.normal(size=4), rng.normal(size=4))],
        covers=(F.group_norm,), atol=1e-11),
    OpInfo("nn.instance_norm", F.instance_norm, _ref_instance_norm, lambda rng: [
        Sample(rng.normal(size=(2, 3, 4))),
        Sample(rng.normal(size=(2, 3, 2, 2)), None, None, rng.normal(size=3),
               rng.normal(size=3)),
        Sample(rng.normal(size=(2, 3, 4)), rng.normal(size=3), rng.uniform(0.5, 2, 3),
               rng.normal(size=3), None, use_input_stats=False),
        Sample(NonContig(rng.normal(size=(2, 3, 4))), eps=1e-3)],
        covers=(F.instance_norm,), atol=1e-11),
    OpInfo("nn.batch_norm", _batch_norm_copy, _ref_batch_norm, _bn_samples,
           covers=(F.batch_norm,), atol=1e-11),
    OpInfo("nn.rms_norm", F.rms_norm, _ref_rms_norm, lambda rng: [
        Sample(rng.normal(size=(3, 4)), (4,), rng.normal(size=4)),
        Sample(rng.normal(size=(2, 3, 4)), (3, 4), eps=1e-3),
        Sample(rng.normal(size=(4,)), [4], rng.normal(size=4), eps=1e-6),
        Sample(NonContig(rng.normal(size=(3, 4))), (4,)),
        Sample(rng.normal(size=(0, 4)), (4,), rng.normal(size=4))],
        covers=(F.rms_norm,), float32=False),
    OpInfo("nn.local_response_norm", F.local_response_norm, _ref_lrn, lambda rng: [
        Sample(rng.normal(size=(2, 5, 3)), 3), Sample(rng.normal(size=(2, 4, 2, 2)), 2,
                                                      alpha=0.1, beta=0.5, k=2.0),
        Sample(rng.normal(size=(1, 3, 4)), 5, alpha=0.5),
        Sample(NonContig(rng.normal(size=(2, 4, 3))), 4, alpha=0.2)],
        covers=(F.local_response_norm,)),
    OpInfo("nn.normalize", F.normalize, _ref_normalize, lambda rng: [
        Sample(rng.normal(size=(3, 4))), Sample(rng.normal(size=(3, 4)), p=1.0, dim=0),
        Sample(rng.normal(size=(4,)), dim=0), Sample(rng.normal(size=(2, 3, 4)), p=3.0, dim=-1),
        Sample(NonContig(rng.normal(size=(3, 4)))), Sample(rng.normal(size=(0, 4))),
        Sample(rng.normal(size=(3, 4)) * 1e-3, eps=0.5),  # clamped denominators
        Sample(Expanded(rng.normal(size=(1, 4)), (3, 4)), dim=1)],
        covers=(F.normalize,)),
    OpInfo("nn.cosine_similarity", F.cosine_similarity, _ref_cosine_similarity, _cosine_samples,
           covers=(F.cosine_similarity,)),
    OpInfo("nn.pairwise_distance", F.pairwise_distance, _ref_pairwise_distance, _distance_pairs,
           covers=(F.pairwise_distance,)),
    OpInfo("nn.pdist", F.pdist, _ref_pdist, lambda rng: [
        Sample(rng.normal(size=(4, 3))), Sample(rng.normal(size=(3, 2)), 1),
        Sample(rng.normal(size=(2, 5)), 3), Sample(rng.normal(size=(1, 3))),
        Sample(NonContig(rng.normal(size=(4, 3))))], covers=(F.pdist,)),
]


# --- losses ---------------------------------------------------------------------------------------


def _red(loss, reduction="mean"):
    if reduction == "none":
        return loss
    return loss.sum() if reduction == "sum" else loss.mean()


def _ref_mse(x, t, reduction="mean"):
    return _red((x - t) ** 2, reduction)


def _ref_l1(x, t, reduction="mean"):
    return _red(np.abs(x - t), reduction)


def _ref_smooth_l1(x, t, reduction="mean", beta=1.0):
    d = np.abs(x - t)
    return _red(np.where(d < beta, 0.5 * d * d / beta, d - 0.5 * beta), reduction)


def _ref_huber(x, t, reduction="mean", delta=1.0):
    d = np.abs(x - t)
    return _red(np.where(d < delta, 0.5 * d * d, delta * (d - 0.5 * delta)), reduction)


def _ref_bce(x, t, weight=None, reduction="mean"):
    loss = -(t * np.log(x) + (1 - t) * np.log1p(-x))
    return _red(loss if weight is None else loss * weight, reduction)


def _ref_bce_logits(x, t, weight=None, reduction="mean", pos_weight=None):
    log_sig = -np.logaddexp(0, -x)
    log_one_minus = -np.logaddexp(0, x)
    pw = 1.0 if pos_weight is None else pos_weight
    loss = -(pw * t * log_sig + (1 - t) * log_one_minus)
    return _red(loss if weight is None else loss * weight, reduction)


def _ref_kl(x, t, reduction="mean", log_target=False):
    loss = np.exp(t) * (t - x) if log_target else np.where(t > 0, t * (np.log(np.where(
        t > 0, t, 1)) - x), -t * x * 0)
    if reduction == "batchmean":
        return loss.sum() / x.shape[0]
    return _red(loss, reduction)


def _log_softmax_np(x, axis):
    m = x.max(axis=axis, keepdims=True)
    return x - m - np.log(np.exp(x - m).sum(axis=axis, keepdims=True))


def _ref_nll(logp, target, weight=None, ignore_index=-100, reduction="mean"):
    cdim = 0 if logp.ndim == 1 else 1
    c = logp.shape[cdim]
    w = np.ones(c) if weight is None else weight
    lp = np.moveaxis(logp, cdim, -1)
    t = np.asarray(target)
    valid = t != ignore_index
    safe = np.where(valid, t, 0)
    picked = np.take_along_axis(lp, safe[..., None], -1)[..., 0]
    wt = w[safe] * valid
    loss = -picked * wt
    if reduction == "none":
        return loss
    if reduction == "sum":
        return loss.sum()
    return loss.sum() / wt.sum()


def _ref_cross_entropy(x, target, weight=None, ignore_index=-100, reduction="mean",
                       label_smoothing=0.0):
    cdim = 0 if x.ndim == 1 else 1
    c = x.shape[cdim]
    logp = _log_softmax_np(x, cdim)
    wshape = [1] * x.ndim
    wshape[cdim] = c
    w = np.ones(c) if weight is None else weight
    if target.dtype.kind == "f":  # class probabilities
        t = target * (1 - label_smoothing) + label_smoothing / c
        loss = -(logp * t * w.reshape(wshape)).sum(axis=cdim)
        if reduction == "mean":
            return loss.sum() / (x.size // c)
        return _red(loss, reduction)
    nll = _ref_nll(logp, target, weight, ignore_index, "none")
    valid = np.asarray(target) != ignore_index
    smooth = -(logp * w.reshape(wshape)).sum(axis=cdim) * valid
    loss = (1 - label_smoothing) * nll + label_smoothing / c * smooth
    if reduction == "none":
        return loss
    if reduction == "sum":
        return loss.sum()
    safe = np.where(valid, target, 0)
    return loss.sum() / (w[safe] * valid).sum()


def _ref_margin_ranking(a, b, y, margin=0.0, reduction="mean"):
    return _red(np.maximum(0, -y * (a - b) + margin), reduction)


def _ref_hinge_embedding(x, y, margin=1.0, reduction="mean"):
    return _red(np.where(y != 1, np.maximum(0, margin - x), 0) + np.where(y != -1, x, 0),
                reduction)


def _ref_soft_margin(x, y, reduction="mean"):
    return _red(np.log1p(np.exp(-y * x)), reduction)


def _ref_cosine_embedding(a, b, y, margin=0.0, reduction="mean"):
    d = a.ndim - 1
    cos = (a * b).sum(d) / np.sqrt(((a * a).sum(d) + 1e-12) * ((b * b).sum(d) + 1e-12))
    return _red(np.where(y == 1, 1 - cos, 0) + np.where(y == -1, np.maximum(0, cos - margin), 0),
                reduction)


def _ref_triplet(a, p, n, margin=1.0, p_norm=2, eps=1e-6, swap=False, reduction="mean"):
    d_pos = _pnorm(a - p + eps, p_norm, -1)
    d_neg = _pnorm(a - n + eps, p_norm, -1)
    if swap:
        d_neg = np.minimum(d_neg, _pnorm(p - n + eps, p_norm, -1))
    return _red(np.maximum(0, margin + d_pos - d_neg), reduction)


def _triplet(a, p, n, margin=1.0, p_norm=2, eps=1e-6, swap=False, reduction="mean"):
    return F.triplet_margin_loss(a, p, n, margin, p_norm, eps, swap, reduction=reduction)


def _ref_poisson(x, t, log_input=True, full=False, reduction="mean", eps=1e-8):
    loss = np.exp(x) - t * x if log_input else x - t * np.log(x + eps)
    if full:
        st = t * np.log(np.where(t > 1, t, 1)) - t + 0.5 * np.log(2 * np.pi * np.where(t > 1, t, 1))
        loss = loss + np.where(t > 1, st, 0)
    return _red(loss, reduction)


def _poisson(x, t, log_input=True, full=False, reduction="mean", eps=1e-8):
    return F.poisson_nll_loss(x, t, log_input, full, eps=eps, reduction=reduction)


def _ref_gaussian(x, t, var, full=False, eps=1e-6, reduction="mean"):
    if var.ndim == x.ndim - 1:
        var = var[..., None]
    var = np.maximum(var, eps)
    loss = 0.5 * (np.log(var) + (x - t) ** 2 / var)
    if full:
        loss = loss + 0.5 * np.log(2 * np.pi)
    return _red(loss, reduction)


def _ref_multilabel_soft(x, t, weight=None, reduction="mean"):
    loss = -(t * -np.logaddexp(0, -x) + (1 - t) * -np.logaddexp(0, x))
    if weight is not None:
        loss = loss * weight
    return _red(loss.mean(axis=-1), reduction)


def _ref_multi_margin(x, y, p=1, margin=1.0, weight=None, reduction="mean"):
    x2 = x if x.ndim == 2 else x[None]
    y2 = np.asarray(y).reshape(-1)
    rows = np.arange(x2.shape[0])
    z = np.maximum(0, margin - x2[rows, y2][:, None] + x2) ** p
    if weight is not None:
        z = z * weight[y2][:, None]
    z[rows, y2] = 0
    loss = z.sum(1) / x2.shape[1]
    return _red(loss if x.ndim == 2 else loss.reshape(()), reduction)


def _away(rng, fn, shape_fn, gap=0.1):
    """Redraw inputs until the argument of each clamp is at least `gap` away from its kink."""
    for _ in range(1000):
        args = shape_fn(rng)
        if np.all(np.abs(fn(*args)) >= gap):
            return args
    raise AssertionError("no sample away from the kinks")


def _loss_samples(rng):
    """(x, t) pairs of equal shape with every reduction, away from |x - t| = 1 (and 0)."""
    def pair(*s):
        return _away(rng, lambda x, t: np.abs(np.abs(x - t) - 0.5) - 0.05,
                     lambda r: (r.normal(size=s), r.normal(size=s)))

    out = [Sample(*pair(3, 4)), Sample(*pair(3, 4), reduction="sum"),
           Sample(*pair(2, 3, 2), reduction="none"), Sample(*pair()), Sample(*pair(5)),
           Sample(*pair(0, 3)), Sample(*pair(0, 3), reduction="sum")]
    x, t = pair(3, 4)
    out.append(Sample(NonContig(x), t))
    x, t = pair(3, 1)
    out.append(Sample(Expanded(x, (3, 4)), np.repeat(t, 4, 1), reduction="sum"))
    return out


def _class_samples(rng):
    def r(*s):
        return rng.normal(size=s)

    idx = rng.integers(0, 4, (5,))
    return [
        Sample(r(5, 4), Const(idx)), Sample(r(5, 4), Const(idx), reduction="sum"),
        Sample(r(5, 4), Const(idx), Const(rng.uniform(0.5, 2, 4)), reduction="none"),
        Sample(r(5, 4), Const(np.array([1, -100, 3, 0, -100])), ignore_index=-100),
        Sample(r(5, 4), Const(idx), Const(rng.uniform(0.5, 2, 4)), ignore_index=2),
        Sample(r(2, 4, 3), Const(rng.integers(0, 4, (2, 3)))),  # K-dimensional
        Sample(r(2, 3, 2, 2), Const(rng.integers(0, 3, (2, 2, 2))), reduction="none"),
        Sample(r(4), Const(np.array(2))),  # unbatched
        Sample(NonContig(r(4, 5)), Const(rng.integers(0, 5, (4,)))),
    ]


def _ce_samples(rng):
    def r(*s):
        return rng.normal(size=s)

    out = _class_samples(rng)
    idx = rng.integers(0, 4, (5,))
    out += [
        Sample(r(5, 4), Const(idx), label_smoothing=0.1),
        Sample(r(5, 4), Const(np.array([1, -100, 3, 0, 2])), Const(rng.uniform(0.5, 2, 4)),
               label_smoothing=0.2),
        Sample(r(2, 4, 3), Const(rng.integers(0, 4, (2, 3))), label_smoothing=0.3,
               reduction="sum"),
        Sample(r(5, 4), _probs(rng, (5, 4))),  # class probabilities
        Sample(r(5, 4), _probs(rng, (5, 4)), rng.uniform(0.5, 2, 4), label_smoothing=0.1),
        Sample(r(2, 3, 2), _probs(rng, (2, 3, 2), axis=1), reduction="none"),
        Sample(r(5, 4) * 1e3, Const(idx)),  # large logits stay finite
    ]
    return out


def _probs(rng, shape, axis=-1):
    e = np.exp(rng.normal(size=shape))
    return e / e.sum(axis=axis, keepdims=True)


def _nll_samples(rng):
    out = []
    for s in _class_samples(rng):
        x = s.args[0]
        x = NonContig(_log_softmax_np(x.value, 1)) if isinstance(x, NonContig) else \
            _log_softmax_np(x, 0 if x.ndim == 1 else 1)
        out.append(Sample(x, *s.args[1:], **s.kwargs))
    return out


def _bce_samples(rng):
    def p(*s):
        return np.asarray(rng.uniform(0.05, 0.95, s))

    return [Sample(p(3, 4), p(3, 4), None), Sample(p(3, 4), p(3, 4), None, reduction="sum"),
            Sample(p(2, 3), p(2, 3), rng.uniform(0.5, 2, (2, 3)), reduction="none"),
            Sample(p(3, 4), p(3, 4), rng.uniform(0.5, 2, 4)),
            Sample(p(), p(), None), Sample(p(0, 2), p(0, 2), None),
            Sample(NonContig(p(3, 2)), p(3, 2), None),
            Sample(Expanded(p(1, 4), (3, 4)), p(3, 4), None, reduction="sum")]


def _bce_logits_samples(rng):
    def r(*s):
        return rng.normal(size=s) * 2

    def p(*s):
        return np.asarray(rng.uniform(0.05, 0.95, s))

    return [Sample(r(3, 4), p(3, 4), None, None), Sample(r(3, 4), p(3, 4), None, None,
                                                         reduction="sum"),
            Sample(r(2, 3), p(2, 3), rng.uniform(0.5, 2, (2, 3)), None, reduction="none"),
            Sample(r(3, 4), p(3, 4), None, rng.uniform(0.5, 2, 4)),
            Sample(r(3, 4), p(3, 4), rng.uniform(0.5, 2, 4), rng.uniform(0.5, 2, 4)),
            Sample(np.asarray(r()), p(), None, None), Sample(r(0, 2), p(0, 2), None, None),
            Sample(NonContig(r(3, 2)), p(3, 2), None, None),
            Sample(r(3) * 100, np.array([0.9, 0.1, 0.8]), None, None)]


def _kl_samples(rng):
    def lp(*s):
        return _log_softmax_np(rng.normal(size=s), -1)

    return [Sample(lp(3, 4), np.exp(lp(3, 4)), reduction="batchmean"),
            Sample(lp(3, 4), np.exp(lp(3, 4)), reduction="sum"),
            Sample(lp(3, 4), np.exp(lp(3, 4)), reduction="none"),
            Sample(lp(3, 4), lp(3, 4), reduction="batchmean", log_target=True),
            Sample(lp(3, 4), lp(3, 4), reduction="mean", log_target=True),
            Sample(lp(2, 3, 2), np.exp(lp(2, 3, 2)), reduction="sum"),
            Sample(NonContig(lp(3, 4)), np.exp(lp(3, 4)), reduction="batchmean")]


def _sign(rng, *s):
    return np.where(rng.random(s) < 0.5, -1.0, 1.0)


def _margin_ranking_samples(rng):
    def draw(shape, margin):
        return _away(rng, lambda a, b, y: -y * (a - b) + margin,
                     lambda r: (r.normal(size=shape), r.normal(size=shape), _sign(r, *shape)))

    out = []
    for shape, kw in [((5,), {}), ((5,), {"margin": 0.5, "reduction": "sum"}),
                      ((2, 3), {"margin": 0.3, "reduction": "none"}), ((), {})]:
        a, b, y = draw(shape, kw.get("margin", 0.0))
        out.append(Sample(a, b, y, **kw))  # smooth in y too, away from the kink
    return out


def _hinge_samples(rng):
    out = []
    for shape, kw in [((5,), {}), ((2, 3), {"margin": 0.5, "reduction": "sum"}),
                      ((2, 3), {"margin": 2.0, "reduction": "none"}), ((4,), {"margin": 1.5})]:
        margin = kw.get("margin", 1.0)
        x, y = _away(rng, lambda x, y, m=margin: m - x,
                     lambda r, s=shape: (r.normal(size=s), _sign(r, *s)))
        out.append(Sample(x, Const(y), **kw))
    return out


def _triplet_samples(rng):
    out = []
    for shape, kw in [((4, 3), {}), ((4, 3), {"margin": 0.5, "p_norm": 1, "reduction": "sum"}),
                      ((4, 3), {"swap": True, "reduction": "none"}), ((3,), {"margin": 2.0}),
                      ((2, 4, 3), {"p_norm": 3, "eps": 1e-3})]:
        def kink_distance(a, p, n, kw=kw):
            """How far the sample is from the clamp's kink (and from the swap's min)."""
            pn, eps = kw.get("p_norm", 2), kw.get("eps", 1e-6)
            d_pos, d_neg = _pnorm(a - p + eps, pn, -1), _pnorm(a - n + eps, pn, -1)
            d_swap = _pnorm(p - n + eps, pn, -1)
            if not kw.get("swap"):
                return np.abs(kw.get("margin", 1.0) + d_pos - d_neg)
            gap = np.abs(kw.get("margin", 1.0) + d_pos - np.minimum(d_neg, d_swap))
            return np.minimum(gap, np.abs(d_swap - d_neg))

        a, p, n = _away(rng, kink_distance, lambda g, s=shape: (
            g.normal(size=s), g.normal(size=s), g.normal(size=s)))
        out.append(Sample(a, p, n, **kw))
    return out


OPS += [
    OpInfo("nn.mse_loss", F.mse_loss, _ref_mse, _loss_samples, covers=(F.mse_loss,)),
    OpInfo("nn.l1_loss", F.l1_loss, _ref_l1, _loss_samples, covers=(F.l1_loss,)),
    OpInfo("nn.smooth_l1_loss", _with(F.smooth_l1_loss, beta=1.0), _ref_smooth_l1,
           _loss_samples, covers=(F.smooth_l1_loss,)),
    OpInfo("nn.huber_loss", _with(F.huber_loss, delta=1.0), _ref_huber, _loss_samples,
           covers=(F.huber_loss,)),
    OpInfo("nn.binary_cross_entropy", _kw_last(F.binary_cross_entropy, "weight"),
           _kw_last(_ref_bce, "weight"), _bce_samples,
           covers=(F.binary_cross_entropy,), atol=1e-11),
    OpInfo("nn.binary_cross_entropy_with_logits",
           _kw_last(F.binary_cross_entropy_with_logits, "weight", "pos_weight"),
           _kw_last(_ref_bce_logits, "weight", "pos_weight"), _bce_logits_samples,
           covers=(F.binary_cross_entropy_with_logits,),
           atol=1e-11),
    OpInfo("nn.kl_div", F.kl_div, _ref_kl, _kl_samples, covers=(F.kl_div,), atol=1e-11),
    OpInfo("nn.nll_loss", F.nll_loss, _ref_nll, _nll_samples, covers=(F.nll_loss,)),
    OpInfo("nn.cross_entropy", F.cross_entropy, _ref_cross_entropy, _ce_samples,
           covers=(F.cross_entropy,), atol=1e-10),
    OpInfo("nn.margin_ranking_loss", F.margin_ranking_loss, _ref_margin_ranking,
           _margin_ranking_samples, covers=(F.margin_ranking_loss,)),
    OpInfo("nn.hinge_embedding_loss", F.hinge_embedding_loss, _ref_hinge_embedding,
           _hinge_samples, covers=(F.hinge_embedding_loss,), float32=False),
    OpInfo("nn.soft_margin_loss", F.soft_margin_loss, _ref_soft_margin, lambda rng: [
        Sample(rng.normal(size=(3, 4)), _sign(rng, 3, 4)),
        Sample(rng.normal(size=(5,)), _sign(rng, 5), reduction="sum"),
        Sample(rng.normal(size=(2, 3)), _sign(rng, 2, 3), reduction="none"),
        Sample(rng.normal(size=(3, 2)), rng.normal(size=(3, 2)))], covers=(F.soft_margin_loss,)),
    OpInfo("nn.cosine_embedding_loss", F.cosine_embedding_loss, _ref_cosine_embedding,
           lambda rng: [
               Sample(rng.normal(size=(4, 3)), rng.normal(size=(4, 3)),
                      Const(np.array([1.0, -1.0, 1.0, -1.0])), margin=-0.99),
               Sample(rng.normal(size=(3,)), rng.normal(size=(3,)), Const(np.array(1.0)),
                      reduction="sum"),
               Sample(rng.normal(size=(4, 3)), rng.normal(size=(4, 3)),
                      Const(np.array([1.0, 1.0, -1.0, 1.0])), margin=-1.5, reduction="none")],
           covers=(F.cosine_embedding_loss,), float32=False),
    OpInfo("nn.triplet_margin_loss", _triplet, _ref_triplet, _triplet_samples,
           covers=(F.triplet_margin_loss,)),
    OpInfo("nn.triplet_margin_with_distance_loss",
           _with(F.triplet_margin_with_distance_loss, margin=5.0),
           lambda a, p, n: _ref_triplet(a, p, n, margin=5.0),
           lambda rng: [Sample(rng.normal(size=(4, 3)), rng.normal(size=(4, 3)),
                               rng.normal(size=(4, 3)))],
           covers=(F.triplet_margin_with_distance_loss,)),
    OpInfo("nn.poisson_nll_loss", _poisson, _ref_poisson, lambda rng: [
        Sample(rng.normal(size=(3, 4)), rng.uniform(0, 3, (3, 4))),
        Sample(rng.uniform(0.2, 2, (3, 4)), rng.uniform(0, 3, (3, 4)), log_input=False),
        Sample(rng.normal(size=(3, 4)), rng.uniform(1.2, 3, (3, 4)), full=True,
               reduction="sum"),
        Sample(rng.uniform(0.2, 2, (5,)), np.array([0.2, 0.5, 1.5, 2.0, 3.0]),
               log_input=False, full=True, reduction="none")],
        covers=(F.poisson_nll_loss,)),
    OpInfo("nn.gaussian_nll_loss", F.gaussian_nll_loss, _ref_gaussian, lambda rng: [
        Sample(rng.normal(size=(3, 4)), rng.normal(size=(3, 4)), rng.uniform(0.2, 2, (3, 4))),
        Sample(rng.normal(size=(3, 4)), rng.normal(size=(3, 4)), rng.uniform(0.2, 2, (3, 1)),
               full=True, reduction="sum"),
        Sample(rng.normal(size=(3, 4)), rng.normal(size=(3, 4)), rng.uniform(0.2, 2, (3,)),
               reduction="none"),
        Sample(rng.normal(size=(4,)), rng.normal(size=(4,)), rng.uniform(0.2, 2, (4,)),
               eps=1e-3)],
        covers=(F.gaussian_nll_loss,)),
    OpInfo("nn.multilabel_soft_margin_loss", F.multilabel_soft_margin_loss,
           _ref_multilabel_soft, lambda rng: [
               Sample(rng.normal(size=(3, 4)), rng.integers(0, 2, (3, 4)).astype(float)),
               Sample(rng.normal(size=(3, 4)), rng.uniform(0, 1, (3, 4)),
                      rng.uniform(0.5, 2, 4), reduction="sum"),
               Sample(rng.normal(size=(2, 5)), rng.integers(0, 2, (2, 5)).astype(float),
                      reduction="none")],
           covers=(F.multilabel_soft_margin_loss,)),
]


def _ref_sdpa(q, k, v, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None):
    s = q @ np.swapaxes(k, -1, -2) * (1 / math.sqrt(q.shape[-1]) if scale is None else scale)
    if is_causal:
        lq, lk = s.shape[-2:]
        s = np.where(np.tril(np.ones((lq, lk), dtype=bool)), s, -np.inf)
    if attn_mask is not None:
        s = np.where(attn_mask, s, -np.inf) if attn_mask.dtype == bool else s + attn_mask
    return _softmax_ref(s, -1) @ v


def _sdpa_samples(rng):
    def r(*s):
        return rng.normal(size=s)

    mask = np.tril(np.ones((3, 4), dtype=bool), 1)
    return [Sample(r(2, 3, 4), r(2, 4, 4), r(2, 4, 2)),
            Sample(r(2, 3, 4), r(2, 3, 4), r(2, 3, 4), is_causal=True),
            Sample(r(1, 2, 3, 4), r(1, 2, 4, 4), r(1, 2, 4, 3), Const(mask)),
            Sample(r(2, 3, 4), r(2, 4, 4), r(2, 4, 2), r(3, 4) * 0.1),  # additive float mask
            Sample(r(3, 4), r(4, 4), r(4, 2), scale=0.3),
            Sample(NonContig(r(3, 4)), r(4, 4), r(4, 2))]


def _gumbel_ref(x, tau=1.0, hard=False, dim=-1):
    cr.manual_seed(7)
    g = np.log(F.gumbel_softmax(cr.zeros(x.shape, dtype=cr.float64), tau=1.0, dim=dim).numpy())
    soft = _softmax_ref(x / tau + g / tau, dim)  # softmax is shift-invariant along dim
    if not hard:
        return soft
    one = np.zeros_like(soft)
    np.put_along_axis(one, np.expand_dims(soft.argmax(dim), dim), 1.0, dim)
    return one


def _ref_upsample(x, size=None, scale_factor=None, mode="nearest", align_corners=None):
    return _ref_interpolate(x, size, scale_factor, mode, align_corners)


def _quiet(fn):
    def call(*args, **kw):
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return fn(*args, **kw)

    return call


def _multi_margin(x, y, w=None, **kw):
    return F.multi_margin_loss(x, y, weight=w, **kw)


def _ref_multi_margin_w(x, y, w=None, **kw):
    return _ref_multi_margin(x, y, weight=w, **kw)


def _multi_margin_samples(rng):
    def draw(shape, margin, p):
        c = shape[-1]
        for _ in range(1000):
            x = rng.normal(size=shape)
            y = rng.integers(0, c, shape[:-1] if len(shape) > 1 else ())
            x2 = x.reshape(-1, c)
            y2 = np.asarray(y).reshape(-1)
            arg = margin - x2[np.arange(len(y2)), y2][:, None] + x2
            arg[np.arange(len(y2)), y2] = 1.0
            if np.all(np.abs(arg) > 0.1):
                return x, np.asarray(y)
        raise AssertionError("no sample")

    out = []
    for shape, kw in [((3, 4), {}), ((3, 4), {"p": 2, "margin": 0.5}),
                      ((4,), {"reduction": "sum"}), ((2, 5), {"reduction": "none"})]:
        x, y = draw(shape, kw.get("margin", 1.0), kw.get("p", 1))
        out.append(Sample(x, Const(y), None, **kw))
    x, y = draw((3, 4), 1.0, 1)
    out.append(Sample(x, Const(y), rng.uniform(0.5, 2, 4)))
    return out


OPS += [
    OpInfo("nn.multi_margin_loss", _multi_margin, _ref_multi_margin_w, _multi_margin_samples,
           covers=(F.multi_margin_loss,)),
    OpInfo("nn.scaled_dot_product_attention", F.scaled_dot_product_attention, _ref_sdpa,
           _sdpa_samples, covers=(F.scaled_dot_product_attention,), atol=1e-11),
    OpInfo("nn.gumbel_softmax", _seeded(F.gumbel_softmax, tau=0.7), _with(_gumbel_ref, tau=0.7),
           lambda rng: [Sample(rng.normal(size=(3, 4))), Sample(rng.normal(size=(2, 2, 3))),
                        Sample(rng.normal(size=(4,)))], covers=(F.gumbel_softmax,), atol=1e-10),
    OpInfo("nn.upsample", _quiet(F.upsample), _ref_upsample, lambda rng: [
        Sample(rng.normal(size=(1, 2, 3)), scale_factor=2.0),
        Sample(rng.normal(size=(1, 2, 3, 3)), size=(4, 5), mode="bilinear")],
        covers=(F.upsample,)),
    OpInfo("nn.upsample_nearest", _quiet(F.upsample_nearest), _ref_upsample, lambda rng: [
        Sample(rng.normal(size=(1, 2, 3, 3)), size=(4, 5))], covers=(F.upsample_nearest,)),
    OpInfo("nn.upsample_bilinear", _quiet(F.upsample_bilinear),
           _with(_ref_upsample, mode="bilinear", align_corners=True), lambda rng: [
               Sample(rng.normal(size=(1, 2, 3, 3)), scale_factor=2.0)],
           covers=(F.upsample_bilinear,)),
]

# Public functions of chainrule.nn.functional without an entry above, and why. The coverage test
# (tests/test_nn_functional_coverage.py) requires every public function to be covered or here.
NN_NOT_DIFFERENTIABLE = {
    "one_hot": "integer-valued (int64 result)",
    "pad": "covered by tests/op_table_shape.py (entry 'pad', owned by the padding module)",
    "multi_head_attention_forward": "a composite of linear, scaled_dot_product_attention and "
                                    "reshapes; checked against PyTorch in "
                                    "tests/test_nn_attention.py",
}
