"""Order statistics: sort argsort msort topk kthvalue median nanmedian mode quantile nanquantile.

Each op that returns (values, indices) computes its indices with a non-differentiable op, then
gathers the values there (`_select.take_along`): the gradient of a value goes to the index
returned with it, and the JVP gathers the tangent at that index (the tie rule of max(dim)).
median() and nanmedian() without a dim share the gradient evenly among elements equal to the
result, as PyTorch (and as max()).

Indices as PyTorch 2.13 returns them: sort, argsort and topk are stable (equal elements keep
their order; NaN counts as the largest value); median(dim) picks the element a stable sort puts at
position (n - 1) // 2 (the lower median; the first NaN if there is one); kthvalue breaks ties as
PyTorch's quickselect does (ported below); mode returns the smallest most frequent value and the
last index where it occurs. PyTorch's default (unstable) sort and topk order ties in a way it
does not specify; chainrule's stable order may differ there.
"""

from math import isnan

import numpy as np

from .. import _dtype
from .._tensor import Tensor
from . import _batching
from ._core import Op, apply
from ._select import take_along, take_op
from .elementwise import abs as _abs
from .elementwise import add as _add
from .elementwise import div, lt, mul, sub, where
from .reduction import _keep_shape, _one_dim, _picked, return_type, sum
from .shape import movedim, reshape, squeeze

__all__ = ["argsort", "kthvalue", "median", "mode", "msort", "nanmedian", "nanquantile",
           "quantile", "sort", "topk"]

_BATCH_DIM = _batching.dims("dim")


def _is_nan(x):
    return np.isnan(x) if x.dtype.kind == "f" else np.zeros(x.shape, dtype=bool)


def _no_bool(kernel, input):
    """PyTorch's CPU kernels of these ops refuse bool inputs."""
    if input.dtype == _dtype.bool:
        raise NotImplementedError(f"\"{kernel}\" not implemented for 'Bool'")


def _sort_indices(x, dim, descending):
    """Stable argsort along dim; descending keeps equal elements in order too (NaN first)."""
    if x.ndim == 0:
        return np.zeros((), dtype=np.int64)
    if not descending:
        return np.argsort(x, axis=dim, kind="stable")
    # sorting the reversed slice ascending and reading it backwards keeps ties in order
    rev = np.argsort(np.flip(x, dim), axis=dim, kind="stable")
    return x.shape[dim] - 1 - np.flip(rev, dim)


# --- sort / argsort / msort ------------------------------------------------------------------

ARGSORT = Op("argsort", lambda x, dim, descending: _sort_indices(x, dim, descending),
             batch=_BATCH_DIM)
SORT = take_op("sort", "SortBackward0")


def sort(input, dim=-1, descending=False, stable=False):
    """(values, indices) sorted along `dim`; stable (equal elements keep their order), NaN is
    the largest value. The gradient of each value goes to the element it came from."""
    d = _one_dim("sort", input, dim)
    indices = apply(ARGSORT, (input,), {"dim": d, "descending": bool(descending)})
    return return_type("sort")(take_along(input, indices, d, SORT), indices)


def argsort(input, dim=-1, descending=False, stable=False):
    """The indices that sort `input` along `dim` (stable)."""
    d = _one_dim("argsort", input, dim)
    return apply(ARGSORT, (input,), {"dim": d, "descending": bool(descending)})


def msort(input):
    """sort(input, dim=0).values."""
    return sort(input, 0).values


# --- topk -----------------------------------------------------------------------------------

def _topk_forward(x, k, dim, largest):
    if x.ndim == 0:
        return np.zeros((), dtype=np.int64)
    order = _sort_indices(x, dim, largest)
    return np.ascontiguousarray(np.take(order, np.arange(k), axis=dim))


TOPK_INDEX = Op("topk_indices", _topk_forward, batch=_BATCH_DIM)
TOPK = take_op("topk", "TopkBackward0")


def topk(input, k, dim=-1, largest=True, sorted=True):
    """(values, indices) of the k largest (smallest if not `largest`) elements along `dim`, in
    order (chainrule always returns them sorted)."""
    if input.dtype == _dtype.bool:
        raise RuntimeError("topk does not support bool dtypes on CPU")
    d = _one_dim("topk", input, dim)
    size = input.shape[d] if input.ndim else 1
    if not 0 <= k <= size:
        raise RuntimeError(f"topk(): selected index k out of range (k = {k}, size of dim {d} is "
                           f"{size})")
    indices = apply(TOPK_INDEX, (input,), {"k": int(k), "dim": d, "largest": bool(largest)})
    return return_type("topk")(take_along(input, indices, d, TOPK), indices)


# --- kthvalue (with PyTorch's quickselect for ties) ---------------------------------------

def _gt_or_nan(a, b):
    return (isnan(a) and not isnan(b)) or a > b


def _quickselect(values, k):
    """The index PyTorch's CPU kthvalue returns: its quick_select_template (median of three,
    NaN largest), ported step for step so that ties resolve to the same element."""
    arr = values.tolist()
    idx = list(range(len(arr)))

    def swap(i, j):
        arr[i], arr[j] = arr[j], arr[i]
        idx[i], idx[j] = idx[j], idx[i]

    lo, hi = 0, len(arr) - 1
    while hi > lo:
        if hi == lo + 1:
            if _gt_or_nan(arr[lo], arr[hi]):
                swap(lo, hi)
            break
        swap(lo + (hi - lo) // 2, lo + 1)
        if _gt_or_nan(arr[lo + 1], arr[hi]):
            swap(lo + 1, hi)
        if _gt_or_nan(arr[lo], arr[hi]):
            swap(lo, hi)
        if _gt_or_nan(arr[lo + 1], arr[lo]):
            swap(lo + 1, lo)
        i, j, pivot = lo + 1, hi, arr[lo]
        while True:
            i += 1
            while _gt_or_nan(pivot, arr[i]):
                i += 1
            j -= 1
            while _gt_or_nan(arr[j], pivot):
                j -= 1
            if j < i:
                break
            swap(i, j)
        swap(lo, j)
        if j <= k:
            lo = i
        if j >= k:
            hi = j - 1
    return idx[k]


def _kth_forward(x, k, dim):
    """Indices (dim kept, size 1) of the k-th smallest element along dim."""
    if x.ndim == 0:
        return np.zeros((), dtype=np.int64)
    order = np.argsort(x, axis=dim, kind="stable")
    idx = np.take(order, [k - 1], axis=dim)
    picked = np.take_along_axis(x, idx, dim)
    nan = _is_nan(x)
    same = (x == picked) | (nan & _is_nan(picked))
    ties = np.count_nonzero(same, axis=dim, keepdims=True) > 1
    if ties.any():  # equal values: the element PyTorch's quickselect lands on
        rows = np.moveaxis(x, dim, -1).reshape(-1, x.shape[dim])
        out = np.moveaxis(idx, dim, -1).reshape(-1)
        for r in np.flatnonzero(np.moveaxis(ties, dim, -1).reshape(-1)):
            out[r] = _quickselect(rows[r], k - 1)
        idx = np.moveaxis(out.reshape(np.moveaxis(idx, dim, -1).shape), -1, dim)
    return np.ascontiguousarray(idx)


KTH_INDEX = Op("kthvalue_indices", _kth_forward, batch=_BATCH_DIM)
KTHVALUE = take_op("kthvalue", "KthvalueBackward0")


def _select_result(name, take, input, index_op, params, d, keepdim):
    """(values, indices) from an index op whose indices keep `d` (size 1)."""
    idx = apply(index_op, (input,), params)
    values = take_along(input, idx, d, take, squeeze=not keepdim and input.ndim > 0)
    indices = idx if keepdim or input.ndim == 0 else squeeze(idx, d)
    return return_type(name)(values, indices)


def kthvalue(input, k, dim=-1, keepdim=False):
    """(values, indices) of the k-th smallest element (k from 1) along `dim`."""
    _no_bool("kthvalue_cpu", input)
    d = _one_dim("kthvalue", input, dim)
    size = input.shape[d] if input.ndim else 1
    if not 1 <= k <= size:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {d}")
    return _select_result("kthvalue", KTHVALUE, input, KTH_INDEX, {"k": int(k), "dim": d}, d,
                          keepdim)


# --- median / nanmedian -------------------------------------------------------------------------

def _median_index_forward(x, dim, ignore_nan):
    """Indices (dim kept) of the lower median along dim: position (n - 1) // 2 of a stable sort
    (of the non-NaN values for nanmedian); median() returns the first NaN if there is one."""
    if x.ndim == 0:
        return np.zeros((), dtype=np.int64)
    order = np.argsort(x, axis=dim, kind="stable")  # NaN last
    n = x.shape[dim]
    nan = _is_nan(x)
    if ignore_nan:
        valid = n - np.count_nonzero(nan, axis=dim, keepdims=True)
        idx = np.take_along_axis(order, np.maximum(valid - 1, 0) // 2, dim)
        # an all-NaN slice: the element libstdc++'s nth_element leaves first among equals
        return np.where(valid == 0, _nth_among_equals(n, 0), idx)
    idx = np.take(order, [(n - 1) // 2], axis=dim)
    has_nan = nan.any(axis=dim, keepdims=True)
    if has_nan.any():
        idx = np.where(has_nan, np.argmax(nan, axis=dim, keepdims=True), idx)
    return idx


def _nth_among_equals(n, k):
    """The original position std::nth_element (libstdc++'s introselect) moves to position k
    when all n elements compare equal (PyTorch's nanmedian of an all-NaN slice)."""
    idx = list(range(n))
    first, last = 0, n
    while last - first > 3:
        mid = first + (last - first) // 2
        idx[first], idx[mid] = idx[mid], idx[first]  # the median of three, among equals
        lo, hi = first + 1, last
        while True:  # the unguarded partition: every comparison is false
            hi -= 1
            if not lo < hi:
                break
            idx[lo], idx[hi] = idx[hi], idx[lo]
            lo += 1
        if lo <= k:
            first = lo
        else:
            last = lo
    return idx[k]  # (the final insertion sort moves nothing among equals)


def _median_all_forward(x, lead, ignore_nan):
    """The lower median over every dim after the first `lead` ones."""
    flat = x.reshape(x.shape[:lead] + (-1,))
    n = flat.shape[-1]
    if n == 0:
        return np.full(x.shape[:lead], np.nan, dtype=x.dtype)
    s = np.sort(flat, axis=-1)  # NaN last
    nan = _is_nan(flat)
    if ignore_nan:
        k = np.maximum(n - np.count_nonzero(nan, axis=-1, keepdims=True) - 1, 0) // 2
        return np.take_along_axis(s, k, -1)[..., 0]
    out = s[..., (n - 1) // 2]
    return np.where(nan.any(axis=-1), s[..., -1], out) if nan.any() else out


def _median_all_share(t, ans, x, lead, reduce_out):
    """Ties share evenly: t * mask / count over the reduced dims."""
    dims = tuple(range(lead, x.ndim))
    kept = reshape(ans, tuple(x.shape[:lead]) + (1,) * len(dims))
    mask = _picked(x, kept)
    count = sum(mask, dims, keepdim=True)
    if reduce_out:
        return div(sum(mul(t, mask), dims), reshape(count, tuple(x.shape[:lead])))
    return div(mul(reshape(t, kept.shape), mask), count)


def _median_all_batch(op, args, bdims, params):
    x = _batching.move_to_front(args[0], bdims[0])
    return apply(op, (x,), {**params, "lead": params["lead"] + 1}), 0


_MEDIAN_ALL = {
    "saves": (0,), "saves_ans": True, "batch": _median_all_batch,
    "jvp": lambda tangents, ans, x, lead, ignore_nan: _median_all_share(
        tangents[0], ans, x, lead, True),
}
MEDIAN_ALL = Op("median", _median_all_forward,
                (lambda g, ans, x, lead, ignore_nan: _median_all_share(g, ans, x, lead, False),),
                backward_name="MedianBackward0", **_MEDIAN_ALL)
NANMEDIAN_ALL = Op("nanmedian", _median_all_forward, MEDIAN_ALL.vjps,
                   backward_name="NanmedianBackward0", **_MEDIAN_ALL)
MEDIAN_INDEX = Op("median_indices", _median_index_forward, batch=_BATCH_DIM)
MEDIAN_DIM = take_op("median", "MedianBackward1")
NANMEDIAN_DIM = take_op("nanmedian", "NanmedianBackward1")


def _median(name, all_op, take, ignore_nan, input, dim, keepdim):
    _no_bool("median_cpu" if dim is None else "median_out", input)
    if dim is None:
        return apply(all_op, (input,), {"lead": 0, "ignore_nan": ignore_nan})
    d = _one_dim(name, input, dim)
    if input.ndim and input.shape[d] == 0:
        raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")
    return _select_result(name, take, input, MEDIAN_INDEX, {"dim": d, "ignore_nan": ignore_nan},
                          d, keepdim)


def median(input, dim=None, keepdim=False):
    """The lower median of all elements (ties share the gradient evenly), or (values, indices)
    along `dim`. NaN if the input (slice) has a NaN."""
    return _median("median", MEDIAN_ALL, MEDIAN_DIM, False, input, dim, keepdim)


def nanmedian(input, dim=None, keepdim=False):
    """median() ignoring NaNs (NaN only where every element is NaN)."""
    return _median("nanmedian", NANMEDIAN_ALL, NANMEDIAN_DIM, True, input, dim, keepdim)


# --- mode -------------------------------------------------------------------------------------

def _mode_forward(x, dim):
    """Indices (dim kept) of the most frequent value along dim: the smallest such value, at the
    last position where it occurs (as PyTorch)."""
    if x.ndim == 0:
        return np.zeros((), dtype=np.int64)
    rows = np.moveaxis(x, dim, -1)
    shape = rows.shape
    rows = rows.reshape(-1, shape[-1])
    order = np.argsort(rows, axis=-1, kind="stable")
    s = np.take_along_axis(rows, order, -1)
    n = s.shape[-1]
    pos = np.arange(n)
    starts = np.ones(s.shape, dtype=bool)
    starts[:, 1:] = s[:, 1:] != s[:, :-1]  # NaN != NaN: each NaN is its own run
    run_start = np.maximum.accumulate(np.where(starts, pos, 0), axis=-1)
    length = pos - run_start + 1
    # the first position where a run reaches the longest length ends the smallest mode's run
    end = np.argmax(length == length.max(axis=-1, keepdims=True), axis=-1)
    idx = np.take_along_axis(order, end[:, None], -1)
    return np.moveaxis(idx.reshape(shape[:-1] + (1,)), -1, dim)


MODE_INDEX = Op("mode_indices", _mode_forward, batch=_BATCH_DIM)
MODE = take_op("mode", "ModeBackward0")


def mode(input, dim=-1, keepdim=False):
    """(values, indices): the most frequent value along `dim` (the smallest on ties in count)
    and the last index where it occurs."""
    d = _one_dim("mode", input, dim)
    if input.ndim and input.shape[d] == 0:
        raise IndexError(f"mode(): Expected reduction dim {d} to have non-zero size.")
    return _select_result("mode", MODE, input, MODE_INDEX, {"dim": d}, d, keepdim)


# --- quantile / nanquantile -------------------------------------------------------------------

_INTERPOLATIONS = ("linear", "lower", "higher", "midpoint", "nearest")


def _ranks_forward(s, q, ignore_nan, interpolation):
    """The fractional rank of each quantile q in each sorted slice (last dim of s), shape
    s.shape[:-1] + (len(q),), adjusted to the interpolation (PyTorch's quantile_compute)."""
    q = np.asarray(q, dtype=s.dtype).reshape(-1)
    nan = np.isnan(s)
    if ignore_nan:
        ranks = q * (s.shape[-1] - np.count_nonzero(nan, axis=-1, keepdims=True) - 1)
        ranks = np.where(ranks < 0, 0, ranks)
    else:
        last = s.shape[-1] - 1
        ranks = np.where(nan.any(axis=-1, keepdims=True), last, q * last)
    ranks = np.broadcast_to(ranks, s.shape[:-1] + q.shape).astype(s.dtype)
    if interpolation == "lower":
        ranks = np.floor(ranks)
    elif interpolation == "higher":
        ranks = np.ceil(ranks)
    elif interpolation == "nearest":
        ranks = np.round(ranks)  # half to even, as torch.round
    return np.ascontiguousarray(ranks)


def _trailing_batch(op, args, bdims, params):
    """Ops that work on the last dim of their first input and do not batch the others."""
    if any(b is not None for b in bdims[1:]):
        return None
    return apply(op, (_batching.move_to_front(args[0], bdims[0]), *args[1:]), params), 0


QUANTILE_RANKS = Op("quantile_ranks", _ranks_forward, batch=_trailing_batch)
RANK_INDEX = Op("quantile_rank_index",
                lambda r, ceil: (np.ceil(r) if ceil else np.floor(r)).astype(np.int64),
                batch=_batching.elementwise)
QUANTILE_TAKE = take_op("quantile", "GatherBackward0")


def _lerp(a, b, w):
    """PyTorch's lerp: a + w (b - a) for |w| < 0.5, else b - (b - a)(1 - w)."""
    d = sub(b, a)
    if not isinstance(w, Tensor):
        return _add(a, mul(w, d)) if abs(w) < 0.5 else sub(b, mul(d, 1.0 - w))
    return where(lt(_abs(w), 0.5), _add(a, mul(w, d)), sub(b, mul(d, sub(1.0, w))))


def _quantile_q(name, input, q):
    if isinstance(q, Tensor):
        if q.ndim > 1:
            raise RuntimeError(f"{name}() q must be a scalar or 1D tensor")
        if q._data.dtype != input._data.dtype:
            raise RuntimeError(f"{name}() q tensor must be same dtype as the input tensor")
        values = q._data
    else:
        values = np.asarray(q, dtype=np.float64)
    bad = values[(values < 0) | (values > 1)].reshape(-1)
    if bad.size:
        raise RuntimeError(f"{name}() q must be in the range [0, 1] but got {bad[0]!r}"
                           if values.ndim == 0 else
                           f"{name}() q values must be in the range [0, 1]")
    return values


def _quantile(name, ignore_nan, input, q, dim, keepdim, interpolation):
    if input._data.dtype.kind != "f":
        raise RuntimeError(f"{name}() input tensor must be either float or double dtype")
    if interpolation not in _INTERPOLATIONS:
        raise ValueError(f"{name}() interpolation must be one of linear, lower, higher, "
                         f"midpoint or nearest. Got {interpolation}")
    qv = _quantile_q(name, input, q)
    if input.numel() == 0:
        raise RuntimeError(f"{name}() input tensor must be non-empty")
    if dim is None:
        d = None
        x = reshape(input, (-1,))
        kept = (1,) * input.ndim
    else:
        d = _one_dim(name, input, dim)
        x = movedim(input, d, -1) if input.ndim else reshape(input, (1,))
        kept = _keep_shape(tuple(input.shape), (d,))
    s = sort(x, -1).values
    ranks = apply(QUANTILE_RANKS, (s, qv), {"ignore_nan": ignore_nan,
                                           "interpolation": interpolation})
    below = apply(RANK_INDEX, (ranks,), {"ceil": False})
    out = take_along(s, below, s.ndim - 1, QUANTILE_TAKE)
    if interpolation in ("linear", "midpoint"):
        above = apply(RANK_INDEX, (ranks,), {"ceil": True})
        weights = 0.5 if interpolation == "midpoint" else sub(ranks, below)
        out = _lerp(out, take_along(s, above, s.ndim - 1, QUANTILE_TAKE), weights)
    if keepdim:  # the reduced dims back as 1s, before the quantiles' dim
        out = reshape(out, kept + (out.shape[-1],))
    if qv.ndim == 0:
        return reshape(out, tuple(out.shape[:-1]))
    return movedim(out, -1, 0)


def quantile(input, q, dim=None, keepdim=False, *, interpolation="linear"):
    """The q-th quantiles of all elements, or along `dim` (q: a float or a 1-D tensor, whose
    dim comes first in the result). NaN where a slice has a NaN."""
    return _quantile("quantile", False, input, q, dim, keepdim, interpolation)


def nanquantile(input, q, dim=None, keepdim=False, *, interpolation="linear"):
    """quantile() ignoring NaNs (NaN only where a slice is all NaN)."""
    return _quantile("nanquantile", True, input, q, dim, keepdim, interpolation)


from .._tensor_methods import install_methods
from .reduction import INPLACE_METHODS as _REDUCTION_INPLACE
from .reduction import METHODS as _REDUCTION_METHODS

install_methods(
    {"sort": sort, "argsort": argsort, "msort": msort, "topk": topk, "kthvalue": kthvalue,
     "median": median, "nanmedian": nanmedian, "mode": mode, "quantile": quantile,
     "nanquantile": nanquantile, **_REDUCTION_METHODS},
    _REDUCTION_INPLACE,
)
