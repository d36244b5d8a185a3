"""Op-table entries for the reductions, scans and order statistics added in chainrule/ops/
reduction.py, scan.py and sorting.py (sum, mean, max, min, amax, amin, logsumexp, softmax and
log_softmax keep their entries in op_table.py). Loaded by op_table.py.

Samples keep away from ties (`distinct`) for the ops that select elements, so that central
differences see a smooth function; the tie conventions and the other singular points (prod at
zeros, norm at zero, ...) are tested in tests/test_reduction_points.py.
"""

import numpy as np
from op_table import REDUCE_KW, Expanded, NonContig, OpInfo, Sample, distinct, uniform

import chainrule as cr


def _axes(dim, ndim):
    if dim is None or dim == () or dim == []:
        return tuple(range(ndim))
    dims = (dim,) if isinstance(dim, int) else dim
    return tuple(d % max(ndim, 1) for d in dims) if ndim else ()


# --- sample makers --------------------------------------------------------------------------------

def _reduce_samples(kws=REDUCE_KW, draw=None, expanded=True):
    """The shared reduction samples (0-d, tuple and negative dims, keepdim, zero-size) plus a
    non-contiguous and a stride-0 (expanded along the kept dim) input."""

    def make(rng):
        d = draw or (lambda rng, s: np.asarray(uniform(rng, s, avoid=(0,))))
        out = [Sample(d(rng, s), **kw) for s, kw in kws]
        out.append(Sample(NonContig(d(rng, (2, 3))), dim=1))
        out.append(Sample(NonContig(d(rng, (3, 2))), dim=(0, 1), keepdim=True))
        if expanded:
            out.append(Sample(Expanded(d(rng, (1, 3)), (2, 3)), dim=1))
        return out

    return make


def _one_dim_samples(draw, extra=()):
    """Samples of an op that reduces or scans one dim: (x, dim, keepdim?) in several shapes."""

    def make(rng):
        out = [
            Sample(draw(rng, (3,)), 0), Sample(draw(rng, (2, 3)), 1),
            Sample(draw(rng, (2, 3)), -2), Sample(draw(rng, (2, 2, 3)), -1),
            Sample(draw(rng, (2, 3, 2)), 1), Sample(draw(rng, ()), 0), Sample(draw(rng, ()), -1),
            Sample(np.zeros((0, 3)), 1), Sample(NonContig(draw(rng, (2, 3))), 0),
            Sample(NonContig(draw(rng, (3, 2))), 1),
            Sample(Expanded(draw(rng, (1, 3)), (2, 3)), 1),
        ]
        return out + [Sample(draw(rng, s), *a, **kw) for s, a, kw in extra]

    return make


def _away0(rng, shape):
    return np.asarray(uniform(rng, shape, 0.3, 1.5) * np.where(rng.uniform(size=shape) < 0.5,
                                                                 -1, 1))


def _normal(rng, shape):
    return np.asarray(rng.normal(size=shape))


# --- references ----------------------------------------------------------------------------------

def _ref_nansum(x, dim=None, keepdim=False):
    return np.nansum(x, axis=_axes(dim, x.ndim), keepdims=keepdim)


def _ref_nanmean(x, dim=None, keepdim=False):
    return np.nanmean(x, axis=_axes(dim, x.ndim), keepdims=keepdim)


def _ref_prod(x, dim=None, keepdim=False):
    if dim is None:
        return np.prod(x)
    return np.prod(x, axis=_axes(dim, x.ndim), keepdims=keepdim)


def _correction(unbiased=None, correction=None):
    if correction is not None:
        return correction
    return 1 if unbiased is None or unbiased else 0


def _ref_var(x, dim=None, unbiased=None, keepdim=False, correction=None):
    if isinstance(dim, bool):  # var(x, False): the legacy unbiased argument
        dim, unbiased = None, dim
    c = _correction(unbiased, correction)
    axes = _axes(dim, x.ndim)
    n = int(np.prod([x.shape[a] for a in axes])) if axes else 1
    m = np.mean(x, axis=axes, keepdims=True) if x.size else np.zeros_like(x)
    ss = np.sum((x - m) ** 2, axis=axes, keepdims=keepdim)
    return ss / max(n - c, 0)


def _ref_std(*args, **kwargs):
    return np.sqrt(_ref_var(*args, **kwargs))


def _ref_var_mean(x, dim=None, unbiased=None, keepdim=False, correction=None):
    if isinstance(dim, bool):
        dim, unbiased = None, dim
    return (_ref_var(x, dim, unbiased, keepdim, correction),
            np.mean(x, axis=_axes(dim, x.ndim), keepdims=keepdim))


def _ref_std_mean(x, dim=None, unbiased=None, keepdim=False, correction=None):
    v, m = _ref_var_mean(x, dim, unbiased, keepdim, correction)
    return np.sqrt(v), m


def _ref_aminmax(x, dim=None, keepdim=False):
    axes = _axes(dim, x.ndim)
    return np.min(x, axis=axes, keepdims=keepdim), np.max(x, axis=axes, keepdims=keepdim)


def _vector_norm(x, p, axes, keepdim):
    a = np.abs(x)
    if p == np.inf:
        return np.max(a, axis=axes, keepdims=keepdim)
    if p == -np.inf:
        return np.min(a, axis=axes, keepdims=keepdim)
    if p == 0:
        return np.sum(a != 0, axis=axes, keepdims=keepdim).astype(x.dtype)
    return np.sum(a ** p, axis=axes, keepdims=keepdim) ** (1.0 / p)


def _ref_norm(x, p="fro", dim=None, keepdim=False):
    return _vector_norm(x, 2.0 if p == "fro" else p, _axes(dim, x.ndim), keepdim)


def _ref_dist(x, y, p=2):
    d = x - y
    return _vector_norm(d, p, tuple(range(d.ndim)), False)


def _ref_renorm(x, p, dim, maxnorm):
    d = dim % x.ndim
    others = tuple(i for i in range(x.ndim) if i != d)
    n = _vector_norm(x, p, others, True)
    return x * np.where(n > maxnorm, maxnorm / (n + 1e-7), 1.0)


def _scan(np_fn):
    def ref(x, dim):
        return x.copy() if x.ndim == 0 else np_fn(x, axis=dim)

    return ref


def _ref_cummax_like(better):
    def ref(x, dim):
        if x.ndim == 0:
            return x.copy(), np.zeros((), np.int64)
        xm = np.moveaxis(x, dim, -1)
        vals = np.empty_like(xm)
        idx = np.zeros(xm.shape, np.int64)
        for pos in np.ndindex(xm.shape[:-1]):
            best = 0
            for i in range(xm.shape[-1]):
                if better(xm[pos + (i,)], xm[pos + (best,)]) or i == 0:
                    best = i
                vals[pos + (i,)] = xm[pos + (best,)]
                idx[pos + (i,)] = best
        return np.moveaxis(vals, -1, dim), np.moveaxis(idx, -1, dim)

    return ref


def _ref_logcumsumexp(x, dim):
    return x.copy() if x.ndim == 0 else np.logaddexp.accumulate(x, axis=dim)


def _ref_diff(x, n=1, dim=-1, prepend=None, append=None):
    parts = [p for p in (prepend, x, append) if p is not None]
    return np.diff(np.concatenate(parts, axis=dim), n=n, axis=dim)


def _ref_sort(x, dim=-1, descending=False, stable=False):
    if x.ndim == 0:
        return x.copy(), np.zeros((), np.int64)
    idx = np.argsort(-x if descending else x, axis=dim, kind="stable")
    return np.take_along_axis(x, idx, dim), idx


def _ref_argsort(x, dim=-1, descending=False, stable=False):
    return _ref_sort(x, dim, descending)[1]


def _ref_topk(x, k, dim=-1, largest=True, sorted=True):
    vals, idx = _ref_sort(x, dim, descending=largest)
    if x.ndim == 0:
        return vals, idx
    return np.take(vals, np.arange(k), axis=dim), np.take(idx, np.arange(k), axis=dim)


def _pick(x, pos, dim, keepdim):
    """Values and indices of the element at sorted position pos(n) along dim."""
    if x.ndim == 0:
        return x.copy(), np.zeros((), np.int64)
    order = np.argsort(x, axis=dim, kind="stable")
    idx = np.take(order, [pos(x.shape[dim])], axis=dim)
    vals = np.take_along_axis(x, idx, dim)
    if not keepdim:
        idx, vals = np.squeeze(idx, dim), np.squeeze(vals, dim)
    return vals, idx


def _ref_kthvalue(x, k, dim=-1, keepdim=False):
    return _pick(x, lambda n: k - 1, dim, keepdim)


def _ref_median(x, dim=None, keepdim=False):
    if dim is None:
        flat = np.sort(x.reshape(-1))
        return flat[(flat.size - 1) // 2] if flat.size else np.array(np.nan)
    return _pick(x, lambda n: (n - 1) // 2, dim, keepdim)


def _ref_nanmedian(x, dim=None, keepdim=False):
    if dim is None:
        flat = np.sort(x[~np.isnan(x)])
        return flat[(flat.size - 1) // 2] if flat.size else np.array(np.nan)
    if x.ndim == 0:
        return x.copy(), np.zeros((), np.int64)
    xm = np.moveaxis(x, dim, -1)
    vals = np.empty(xm.shape[:-1] + (1,))
    idx = np.zeros(xm.shape[:-1] + (1,), np.int64)
    for pos in np.ndindex(xm.shape[:-1]):
        row = xm[pos]
        ok = np.flatnonzero(~np.isnan(row))
        order = ok[np.argsort(row[ok], kind="stable")]
        i = order[(order.size - 1) // 2]
        vals[pos], idx[pos] = row[i], i
    vals, idx = np.moveaxis(vals, -1, dim), np.moveaxis(idx, -1, dim)
    if not keepdim:
        vals, idx = np.squeeze(vals, dim), np.squeeze(idx, dim)
    return vals, idx


def _ref_mode(x, dim=-1, keepdim=False):  # distinct samples: the mode is the minimum
    return _pick(x, lambda n: 0, dim, keepdim)


def _ref_quantile(x, q, dim=None, keepdim=False, interpolation="linear"):
    q = np.asarray(q)
    axis = None if dim is None else dim
    return np.quantile(x, q, axis=axis, keepdims=keepdim, method=interpolation)


def _ref_nanquantile(x, q, dim=None, keepdim=False, interpolation="linear"):
    return np.nanquantile(x, np.asarray(q), axis=dim, keepdims=keepdim, method=interpolation)


def _first(fn):
    """The values of an op returning (values, indices), for the reference of msort."""
    return lambda *a, **k: fn(*a, **k)[0]


# --- ops under test (wrappers where the public call needs keyword arguments) -------------------

def _norm(x, p="fro", dim=None, keepdim=False):
    return cr.norm(x, p, dim, keepdim)


def _tensor_var(x, *args, **kwargs):
    return x.var(*args, **kwargs)


def _cumsum_method_inplace(x, dim):
    y = x * 1.0
    return y.cumsum_(dim)


def _tensor_q(fn):
    """PyTorch takes q as a float or a tensor (of the input's dtype): lists become tensors."""

    def call(x, q, *args, **kwargs):
        if isinstance(q, list):
            q = cr.tensor(q, dtype=x.dtype)
        return fn(x, q, *args, **kwargs)

    return call


# --- sample sets ---------------------------------------------------------------------------------

_VAR_SAMPLES = [
    ((2, 2, 3), (), {}), ((2, 2, 3), (0,), {}), ((2, 2, 3), (-1, True), {}),
    ((2, 2, 3), ((0, 2),), {"keepdim": True}), ((2, 2, 3), (), {"dim": 1, "correction": 0}),
    ((2, 3), (False,), {}), ((2, 3), (1, False, True), {}), ((2, 3), (), {"correction": 2}),
    ((2, 3), (), {"dim": (-1, 0), "correction": 0.5}), ((3,), (0,), {"unbiased": False}),
    ((), (), {"correction": 0}), ((2, 0), (0,), {}),
]


def _var_samples(rng):
    out = [Sample(rng.normal(size=s), *a, **kw) for s, a, kw in _VAR_SAMPLES]
    out.append(Sample(NonContig(rng.normal(size=(2, 3))), 1))
    out.append(Sample(Expanded(rng.normal(size=(1, 3)), (2, 3)), 1, keepdim=True))
    return out


def _prod_samples(rng):
    d = _away0
    return [
        Sample(d(rng, (2, 2, 3))), Sample(d(rng, (2, 3)), 1), Sample(d(rng, (2, 3)), -2),
        Sample(d(rng, (2, 2, 3)), 0, keepdim=True), Sample(d(rng, ())), Sample(d(rng, ()), 0),
        Sample(np.zeros((2, 0)), 1), Sample(np.zeros((2, 0))), Sample(np.zeros((0, 3)), 1),
        Sample(np.array([1.5, 0.0, -0.7, 1.2]), desc="one_zero"),
        Sample(np.array([[1.5, 0.0, -0.7], [0.0, 0.9, 0.0]]), 1, desc="zeros_per_row"),
        Sample(np.array([[0.0, 1.1], [0.0, -0.6]]), desc="two_zeros_full"),
        Sample(NonContig(d(rng, (2, 3))), 0), Sample(Expanded(d(rng, (1, 3)), (2, 3)), 1),
    ]


_NORM_P = [2, "fro", 1, 3, 1.5, 0.5, np.inf, -np.inf, -1.0]  # p = 0: no gradient at all


def _norm_samples(rng):
    out = []
    for p in _NORM_P:
        out.append(Sample(_away0(rng, (2, 3)), p, desc=f"p={p}"))
    out += [
        Sample(_away0(rng, (2, 2, 3)), 2, (0, 2), desc="p2_dims02"),
        Sample(_away0(rng, (2, 2, 3)), 3, -1, True, desc="p3_dim-1_keep"),
        Sample(distinct(rng, (2, 3)), np.inf, 1, desc="inf_dim1"),
        Sample(_away0(rng, (2, 3)), "fro", (0, 1), True, desc="fro_keep"),
        Sample(_away0(rng, ()), 2, desc="0d"), Sample(np.zeros((2, 0)), 2, 0, desc="empty"),
        Sample(NonContig(_away0(rng, (2, 3))), 1.5, 0, desc="noncontig"),
        Sample(Expanded(_away0(rng, (1, 3)), (2, 3)), 2, 1, desc="expanded"),
    ]
    return out


def _dist_samples(rng):
    d = _away0
    return [
        Sample(d(rng, (2, 3)), d(rng, (2, 3)) + 3), Sample(d(rng, (2, 3)), d(rng, (3,)) + 3, 1),
        Sample(d(rng, (3, 1)), d(rng, (1, 4)) + 3, 3), Sample(d(rng, ()), np.asarray(d(rng, ()) + 3)),
        Sample(d(rng, (2, 3)), d(rng, (2, 3)) + 3, np.inf), Sample(d(rng, (2, 3)), np.array(3.5), 1.5),
        Sample(np.zeros((2, 0)), np.zeros((2, 0))),
        Sample(NonContig(d(rng, (2, 3))), d(rng, (2, 3)) + 3, 0.5),
    ]


def _renorm_samples(rng):
    n = rng.normal
    return [
        Sample(n(size=(3, 4)), 2, 0, 1.0), Sample(n(size=(3, 4)), 1, 1, 1.5),
        Sample(n(size=(2, 3, 2)), 2, -1, 1.2), Sample(n(size=(2, 3)), 3, 0, 100.0),
        Sample(n(size=(2, 3)) * 3, np.inf, 1, 1.0), Sample(np.zeros((0, 3)), 2, 1, 1.0),
        Sample(NonContig(n(size=(2, 3))), 2, 0, 0.8),
        Sample(Expanded(n(size=(1, 3)), (2, 3)), 2, 1, 0.5),
    ]


def _cumprod_samples(rng):
    out = _one_dim_samples(_away0)(rng)
    out += [
        Sample(np.array([1.5, 0.0, -0.7, 1.2]), 0, desc="one_zero"),
        Sample(np.array([[0.0, 1.1, 0.0, 0.8], [1.3, 0.0, 0.0, -0.9]]), 1, desc="two_zeros"),
        Sample(np.array([[0.0, 1.1], [0.0, 0.0], [0.9, 1.2]]), 0, desc="zeros_dim0"),
    ]
    return out


def _lcse_samples(rng):
    out = _one_dim_samples(_normal)(rng)
    out.append(Sample(np.array([[30.0, -30.0, 5.0], [-4.0, 40.0, 41.0]]), 1, desc="wide"))
    return out


def _diff_samples(rng):
    n = rng.normal
    return [
        Sample(n(size=(5,))), Sample(n(size=(2, 4)), 2), Sample(n(size=(3, 4)), 1, 0),
        Sample(n(size=(2, 2, 4)), 3, -1), Sample(n(size=(2, 3)), 1, 1, n(size=(2, 2)),
                                                   n(size=(2, 1)), desc="prepend_append"),
        Sample(n(size=(3, 2)), 2, 0, None, n(size=(1, 2)), desc="append"),
        Sample(n(size=(2, 3)), 5, desc="n_past_end"), Sample(np.zeros((2, 0)), 1),
        Sample(n(size=(2, 3)), 0), Sample(NonContig(n(size=(2, 3))), 1, 0),
        Sample(Expanded(n(size=(1, 4)), (3, 4)), 1, 1),
    ]


def _sort_samples(rng):
    d = distinct
    return [
        Sample(d(rng, (4,))), Sample(d(rng, (2, 3)), 0), Sample(d(rng, (2, 3)), -1, True),
        Sample(d(rng, (2, 2, 3)), 1, descending=True), Sample(d(rng, ()), 0),
        Sample(np.zeros((2, 0)), 1), Sample(np.zeros((0, 3)), 1, True),
        Sample(d(rng, (3, 2)), stable=True, descending=True),
        Sample(NonContig(d(rng, (2, 3))), 0),
        Sample(Expanded(d(rng, (1, 3)), (2, 3)), 1, desc="expanded_rows"),
    ]


def _msort_samples(rng):
    d = distinct
    return [Sample(d(rng, (4,))), Sample(d(rng, (3, 2))), Sample(d(rng, (2, 2, 3))),
            Sample(d(rng, ())), Sample(np.zeros((0, 3))), Sample(NonContig(d(rng, (3, 2)))),
            Sample(Expanded(d(rng, (3, 1)), (3, 2)))]


def _topk_samples(rng):
    d = distinct
    return [
        Sample(d(rng, (5,)), 2), Sample(d(rng, (2, 4)), 3), Sample(d(rng, (3, 2)), 2, 0),
        Sample(d(rng, (2, 2, 3)), 1, -2, False), Sample(d(rng, (2, 4)), 4, largest=False),
        Sample(d(rng, ()), 1), Sample(d(rng, (2, 3)), 0), Sample(np.zeros((0, 3)), 2),
        Sample(d(rng, (2, 3)), 2, sorted=False),
        Sample(NonContig(d(rng, (2, 3))), 2, 1),
        Sample(Expanded(d(rng, (1, 4)), (2, 4)), 2, 1),
    ]


def _kthvalue_samples(rng):
    d = distinct
    return [
        Sample(d(rng, (5,)), 2), Sample(d(rng, (2, 4)), 4), Sample(d(rng, (3, 2)), 1, 0),
        Sample(d(rng, (2, 2, 3)), 2, -2, True), Sample(d(rng, ()), 1),
        Sample(np.zeros((0, 3)), 2), Sample(d(rng, (2, 3)), 3, keepdim=True),
        Sample(NonContig(d(rng, (2, 3))), 2, 0),
        Sample(Expanded(d(rng, (1, 4)), (2, 4)), 3, 1),
    ]


def _median_samples(rng):
    d = distinct
    return [
        Sample(d(rng, (5,))), Sample(d(rng, (2, 3))), Sample(d(rng, (2, 2))), Sample(d(rng, ())),
        Sample(d(rng, (2, 4)), 1), Sample(d(rng, (3, 2)), 0, True), Sample(d(rng, (2, 2, 3)), -2),
        Sample(d(rng, ()), 0), Sample(np.zeros((0, 3)), 1), Sample(np.zeros((0,))),
        Sample(NonContig(d(rng, (2, 3))), 0), Sample(NonContig(d(rng, (3, 2)))),
        Sample(Expanded(d(rng, (1, 4)), (2, 4)), 1),
    ]


def _with_nans(rng, shape):
    x = distinct(rng, shape)
    x[(rng.uniform(size=shape) < 0.3) & (np.arange(x.size).reshape(shape) % 3 != 0)] = np.nan
    return x


def _nanmedian_samples(rng):
    out = _median_samples(rng)
    out += [Sample(_with_nans(rng, (3, 4)), desc="nans_full"),
            Sample(_with_nans(rng, (3, 4)), 1, desc="nans_dim1"),
            Sample(np.array([[np.nan, 1.0, 2.5, np.nan], [0.3, np.nan, -1.0, 2.0]]), 1, True,
                   desc="nans_keepdim")]
    return out


def _mode_samples(rng):
    d = distinct
    return [
        Sample(d(rng, (4,))), Sample(d(rng, (2, 3)), 0), Sample(d(rng, (2, 3)), -1, True),
        Sample(d(rng, (2, 2, 3)), 1), Sample(d(rng, ())), Sample(np.zeros((0, 3)), 1),
        Sample(NonContig(d(rng, (2, 3))), 0), Sample(Expanded(d(rng, (1, 4)), (2, 4)), 1),
    ]


def _quantile_samples(rng):
    d = distinct
    return [
        Sample(d(rng, (5,)), 0.3), Sample(d(rng, (2, 3)), 0.71), Sample(d(rng, (2, 4)), 0.4, 1),
        Sample(d(rng, (3, 2)), [0.2, 0.9], 0, True), Sample(d(rng, (2, 2, 3)), 0.55, -2),
        Sample(d(rng, (2, 3)), 0.0), Sample(d(rng, (2, 3)), 1.0, 1),
        Sample(d(rng, (2, 3)), [0.1, 0.5], keepdim=True),
        Sample(d(rng, (4,)), 0.4, interpolation="lower"),
        Sample(d(rng, (4,)), 0.4, interpolation="higher"),
        Sample(d(rng, (2, 4)), 0.4, 1, interpolation="midpoint"),
        Sample(d(rng, (5,)), 0.3, interpolation="nearest"),
        Sample(d(rng, ()), 0.5), Sample(d(rng, (2, 3)), [0.3], 1, desc="q_1d_len1"),
        Sample(NonContig(d(rng, (2, 3))), 0.35, 0),
        Sample(Expanded(d(rng, (1, 4)), (2, 4)), 0.6, 1),
    ]


def _nanquantile_samples(rng):
    out = _quantile_samples(rng)[:6]
    out += [Sample(_with_nans(rng, (3, 4)), 0.3, desc="nans_full"),
            Sample(_with_nans(rng, (3, 5)), [0.25, 0.8], 1, desc="nans_dim1"),
            Sample(np.array([[np.nan, 0.7, np.nan], [0.3, np.nan, -1.0]]), 0.5, 1,
                   desc="one_valid_row")]
    return out


def _nan_reduce_samples(rng):
    out = _reduce_samples(draw=_normal)(rng)
    x = rng.normal(size=(3, 4))
    x[[0, 1, 2], [1, 3, 0]] = np.nan
    out += [Sample(x, desc="nans"), Sample(x.copy(), 1, desc="nans_dim1"),
            Sample(x.copy(), (0, 1), True, desc="nans_keep")]
    return out


def _aminmax(x, dim=None, keepdim=False):
    return cr.aminmax(x, dim=dim, keepdim=keepdim)


def _aminmax_samples(rng):
    d = distinct
    return [
        Sample(d(rng, (2, 3))), Sample(d(rng, (2, 3)), 1), Sample(d(rng, (2, 2, 3)), -1, True),
        Sample(d(rng, ()),), Sample(d(rng, ()), 0), Sample(np.zeros((2, 0)), 0),
        Sample(d(rng, (2, 3)), keepdim=True), Sample(NonContig(d(rng, (2, 3))), 0),
        Sample(Expanded(d(rng, (1, 3)), (2, 3)), 1),
    ]


def _cummax_draw(rng, shape):
    return distinct(rng, shape)


OPS = [
    OpInfo("nansum", cr.nansum, _ref_nansum, _nan_reduce_samples, covers=(cr.nansum,)),
    OpInfo("nanmean", cr.nanmean, _ref_nanmean, _nan_reduce_samples, covers=(cr.nanmean,)),
    OpInfo("prod", cr.prod, _ref_prod, _prod_samples, covers=(cr.prod,)),
    OpInfo("var", cr.var, _ref_var, _var_samples, covers=(cr.var,)),
    OpInfo("var_method", _tensor_var, _ref_var, _var_samples),
    OpInfo("std", cr.std, _ref_std, _var_samples, covers=(cr.std,)),
    OpInfo("var_mean", cr.var_mean, _ref_var_mean, _var_samples, covers=(cr.var_mean,)),
    OpInfo("std_mean", cr.std_mean, _ref_std_mean, _var_samples, covers=(cr.std_mean,)),
    OpInfo("aminmax", _aminmax, _ref_aminmax, _aminmax_samples, covers=(cr.aminmax,)),
    OpInfo("norm", _norm, _ref_norm, _norm_samples, covers=(cr.norm,)),
    OpInfo("dist", cr.dist, _ref_dist, _dist_samples, covers=(cr.dist,)),
    OpInfo("renorm", cr.renorm, _ref_renorm, _renorm_samples, covers=(cr.renorm,)),
    OpInfo("cumsum", cr.cumsum, _scan(np.cumsum), _one_dim_samples(_normal),
           covers=(cr.cumsum,)),
    OpInfo("cumsum_inplace", _cumsum_method_inplace, _scan(np.cumsum),
           _one_dim_samples(_normal)),
    OpInfo("cumprod", cr.cumprod, _scan(np.cumprod), _cumprod_samples, covers=(cr.cumprod,)),
    OpInfo("logcumsumexp", cr.logcumsumexp, _ref_logcumsumexp, _lcse_samples,
           covers=(cr.logcumsumexp,)),
    OpInfo("cummax", cr.cummax, _ref_cummax_like(lambda a, b: a >= b),
           _one_dim_samples(_cummax_draw), covers=(cr.cummax,)),
    OpInfo("cummin", cr.cummin, _ref_cummax_like(lambda a, b: a <= b),
           _one_dim_samples(_cummax_draw), covers=(cr.cummin,)),
    OpInfo("diff", cr.diff, _ref_diff, _diff_samples, covers=(cr.diff,)),
    OpInfo("sort", cr.sort, _ref_sort, _sort_samples, covers=(cr.sort,)),
    OpInfo("msort", cr.msort, lambda x: _ref_sort(x, 0)[0], _msort_samples, covers=(cr.msort,)),
    OpInfo("topk", cr.topk, _ref_topk, _topk_samples, covers=(cr.topk,)),
    OpInfo("kthvalue", cr.kthvalue, _ref_kthvalue, _kthvalue_samples, covers=(cr.kthvalue,)),
    OpInfo("median", cr.median, _ref_median, _median_samples, covers=(cr.median,)),
    OpInfo("nanmedian", cr.nanmedian, _ref_nanmedian, _nanmedian_samples,
           covers=(cr.nanmedian,)),
    OpInfo("mode", cr.mode, _ref_mode, _mode_samples, covers=(cr.mode,)),
    OpInfo("quantile", _tensor_q(cr.quantile), _ref_quantile, _quantile_samples,
           covers=(cr.quantile,)),
    OpInfo("nanquantile", _tensor_q(cr.nanquantile), _ref_nanquantile, _nanquantile_samples,
           covers=(cr.nanquantile,)),
]

NOT_DIFFERENTIABLE = {"all", "any", "count_nonzero", "argsort"}
