"""Scans along one dim: cumsum cumprod cummax cummin logcumsumexp, and diff.

The internal ops take a `reverse` flag (scan from the end): the VJP of a forward scan is a
reverse scan, so the rules stay closed under differentiation. cumprod is exact with zeros in its
input to every order (the rules treat the first zero of each slice on its own, as PyTorch);
logcumsumexp's rules split the gradient into its positive and negative parts and stay in log
space, so they are finite wherever the forward is.
"""

import numpy as np

from .._tensor import Tensor
from . import _batching
from ._core import Op, apply, linear_jvp
from ._select import take_along, take_op
from .elementwise import abs as _abs
from .elementwise import add, div, eq, exp, gt, log, lt, mul, sub, where
from .reduction import _TORCH_NAMES, _np_dtype, _one_dim, return_type

__all__ = ["cummax", "cummin", "cumprod", "cumsum", "diff", "logcumsumexp"]

_BATCH_DIM = _batching.dims("dim")


def _raw(x):
    return x._data if isinstance(x, Tensor) else np.asarray(x)


def _scan_np(fn, x, dim, reverse, **kw):
    """fn(x, axis=dim) scanning from the start, or from the end when `reverse`."""
    if x.ndim == 0:
        return np.array(x, dtype=kw.get("dtype") or x.dtype)
    if reverse:
        return np.ascontiguousarray(np.flip(fn(np.flip(x, dim), axis=dim, **kw), dim))
    return fn(x, axis=dim, **kw)


def _int_to_long(x, dtype):
    return np.int64 if dtype is None and x.dtype.kind in "biu" else dtype


# --- cumsum -------------------------------------------------------------------------------------

def _cumsum_forward(x, dim, dtype, reverse):
    return _scan_np(np.cumsum, x, dim, reverse, dtype=_int_to_long(x, dtype))


def _cumsum(x, dim, reverse=False):
    return apply(CUMSUM, (x,), {"dim": dim, "dtype": None, "reverse": reverse})


CUMSUM = Op("cumsum", _cumsum_forward,
            (lambda g, ans, x, dim, dtype, reverse: _cumsum(g, dim, not reverse),),
            jvp=linear_jvp, batch=_BATCH_DIM)


def cumsum(input, dim, *, dtype=None):
    """Cumulative sums along `dim`.

        >>> import chainrule as torch
        >>> torch.cumsum(torch.tensor([1., 2., 3.]), 0)
        tensor([1., 3., 6.])
    """
    return apply(CUMSUM, (input,), {"dim": _one_dim("cumsum", input, dim),
                                     "dtype": _np_dtype(dtype), "reverse": False})


# --- cumprod (exact with zeros) ---------------------------------------------------------------

def _cumprod_forward(x, dim, dtype, reverse):
    return _scan_np(np.cumprod, x, dim, reverse, dtype=_int_to_long(x, dtype))


def _cumprod(x, dim, reverse=False):
    return apply(CUMPROD, (x,), {"dim": dim, "dtype": None, "reverse": reverse})


def _cumprod_vjp(g, ans, x, dim, dtype, reverse):
    if x.ndim == 0 or x.shape[dim] == 1:
        return g
    if not (_raw(x) == 0).any():  # PyTorch's formula: sum_{i >= k} g_i y_i / x_k
        return div(_cumsum(mul(g, ans), dim, not reverse), x)
    if not isinstance(g, Tensor) and not isinstance(x, Tensor):  # first order: nothing records
        return _cumprod_vjp_first_order(g, ans, x, dim, reverse)
    # with zeros: grad_k = prod_{j < k} x_j * S_k, S_k = g_k + x_{k+1} S_{k+1} (a recurrence,
    # not a division): a polynomial in x, so its derivatives are exact too
    s = _linrec(g, _shift(x, dim, not reverse), dim, not reverse)
    return mul(exclusive_cumprod(x, dim, reverse), s)


def _cumprod_vjp_first_order(g, y, x, dim, reverse):
    """The gradient of cumprod with zeros in NumPy, as PyTorch's first-order algorithm computes
    it (so that NaNs after a zero do not leak into it): before the first zero z of a slice,
    sum_{i >= k} g_i y_i / x_k; at z, y_{z-1} sum_{z <= i < z'} g_i prod_{z < j <= i} x_j (z' the
    second zero); after z, 0."""
    if reverse:
        g, y, x = (np.flip(a, dim) for a in (g, y, x))
    count = np.cumsum(x == 0, axis=dim)
    before, span = count == 0, count == 1
    first = span & (x == 0)
    out = np.zeros(np.broadcast_shapes(g.shape, x.shape), dtype=np.result_type(g, x))
    with np.errstate(invalid="ignore", divide="ignore"):
        head = _scan_np(np.cumsum, np.where(before, y * g, 0), dim, True) / np.where(before, x, 1)
        inner = np.cumprod(np.where(span & ~first, x, 1), axis=dim)
        at_zero = np.sum(np.where(span, g * inner, 0), axis=dim, keepdims=True)
        prev = np.concatenate([np.ones_like(np.take(y, [0], axis=dim)),
                               np.take(y, np.arange(y.shape[dim] - 1), axis=dim)], axis=dim)
        out[before] = head[before]
        out[first] = (at_zero * prev)[first]
    return np.flip(out, dim) if reverse else out


def _cumprod_jvp(tangents, ans, x, dim, dtype, reverse):
    t = tangents[0]
    if x.ndim == 0 or x.shape[dim] == 1:
        return t
    if not (_raw(x) == 0).any():
        return mul(ans, _cumsum(div(t, x), dim, reverse))
    # dy_i = t_i y_{i-1} + x_i dy_{i-1}
    return _linrec(mul(t, exclusive_cumprod(x, dim, reverse)), x, dim, reverse)


CUMPROD = Op("cumprod", _cumprod_forward, (_cumprod_vjp,), saves=(0,), saves_ans=True,
             jvp=_cumprod_jvp, batch=_BATCH_DIM)


def cumprod(input, dim, *, dtype=None):
    """Cumulative products along `dim` (exact gradients with zeros in the input)."""
    return apply(CUMPROD, (input,), {"dim": _one_dim("cumprod", input, dim),
                                      "dtype": _np_dtype(dtype), "reverse": False})


def _shift_forward(x, dim, reverse):
    """x moved one step along dim (towards the end, or the start if reverse), zero filled."""
    out = np.zeros_like(x)
    src = [slice(None)] * x.ndim
    dst = [slice(None)] * x.ndim
    src[dim], dst[dim] = (slice(1, None), slice(None, -1)) if reverse else \
        (slice(None, -1), slice(1, None))
    out[tuple(dst)] = x[tuple(src)]
    return out


SHIFT = Op("shift", _shift_forward,
           (lambda g, ans, x, dim, reverse: apply(SHIFT, (g,), {"dim": dim,
                                                                "reverse": not reverse}),),
           jvp=linear_jvp, batch=_BATCH_DIM)


def _shift(x, dim, reverse):
    return apply(SHIFT, (x,), {"dim": dim, "reverse": reverse})


def _linrec_forward(b, a, dim, reverse):
    """s_i = b_i + a_i s_{i-1} along dim (s_{i+1} if reverse; zero before the start)."""
    b, a = np.broadcast_arrays(b, a)
    out = np.moveaxis(np.array(b, dtype=np.result_type(b, a)), dim, 0)
    coef = np.moveaxis(a, dim, 0)
    steps = range(out.shape[0] - 2, -1, -1) if reverse else range(1, out.shape[0])
    for i in steps:
        out[i] += coef[i] * out[i + 1 if reverse else i - 1]
    return np.ascontiguousarray(np.moveaxis(out, 0, dim))


def _linrec(b, a, dim, reverse):
    return apply(LINREC, (b, a), {"dim": dim, "reverse": reverse})


def _linrec_vjp_b(g, ans, b, a, dim, reverse):
    # the adjoint recurrence runs the other way: u_i = g_i + a_{i+1} u_{i+1}
    return _linrec(g, _shift(a, dim, not reverse), dim, not reverse)


def _linrec_vjp_a(g, ans, b, a, dim, reverse):
    return mul(_linrec_vjp_b(g, ans, b, a, dim, reverse), _shift(ans, dim, reverse))


def _linrec_jvp(tangents, ans, b, a, dim, reverse):
    tb, ta = tangents
    drive = tb
    if ta is not None:
        term = mul(ta, _shift(ans, dim, reverse))
        drive = term if drive is None else add(drive, term)
    return _linrec(drive, a, dim, reverse)


def _linrec_batch(op, args, bdims, params):
    if min(np.ndim(getattr(a, "_data", a)) - (b is not None) for a, b in zip(args, bdims)) == 0:
        return None
    from .shape import batched_front

    size = _batching.batch_size(args, bdims)
    moved = [batched_front(a, b, size) for a, b in zip(args, bdims)]
    return apply(op, moved, {**params, "dim": params["dim"] + 1}), 0


# a first-order linear recurrence: the exact (division-free) rules of cumprod with zeros
LINREC = Op("linear_recurrence", _linrec_forward, (_linrec_vjp_b, _linrec_vjp_a), saves=(1,),
            saves_ans=True, jvp=_linrec_jvp, batch=_linrec_batch)


def exclusive_cumprod(x, dim, reverse):
    """prod_{j < i} x_j along dim (j > i if reverse): 1 at the first position. Used by prod's
    rules; exact with zeros, differentiable to any order."""
    data = _raw(x)
    n = data.shape[dim]
    if n == 0:
        return x
    one = np.zeros(tuple(n if i == dim else 1 for i in range(data.ndim)), dtype=data.dtype)
    one[(slice(None),) * dim + (n - 1 if reverse else 0,)] = 1
    return add(_shift(_cumprod(x, dim, reverse), dim, reverse), one)


# --- logcumsumexp ----------------------------------------------------------------------------

def _logcumsumexp_forward(x, dim, reverse):
    if x.dtype.kind != "f":
        raise NotImplementedError(
            f"\"logcumsumexp_out_cpu\" not implemented for '{_TORCH_NAMES[x.dtype.name]}'")
    return _scan_np(np.logaddexp.accumulate, x, dim, reverse)


def _lcse(x, dim, reverse):
    return apply(LOGCUMSUMEXP, (x,), {"dim": dim, "reverse": reverse})


def _log_parts(v, lowest):
    """(log of the positive part, log of the negative part) of v, `lowest` where that part is 0
    (no log(0), no nan leaking through where in higher derivatives)."""
    zero = eq(v, 0)
    log_abs = log(where(zero, 1.0, _abs(v)))
    return where(gt(v, 0), log_abs, lowest), where(lt(v, 0), log_abs, lowest)


def _lowest(x):
    return float(np.finfo(_raw(x).dtype).min)


def _logcumsumexp_vjp(g, ans, x, dim, reverse):
    """sum_{i >= k} g_i exp(x_k - y_i), in log space for each sign of g (as PyTorch)."""
    if x.ndim == 0:
        return g
    pos, neg = _log_parts(g, _lowest(x))
    out_pos = exp(add(_lcse(sub(pos, ans), dim, not reverse), x))
    out_neg = exp(add(_lcse(sub(neg, ans), dim, not reverse), x))
    return sub(out_pos, out_neg)


def _logcumsumexp_jvp(tangents, ans, x, dim, reverse):
    """sum_{j <= i} t_j exp(x_j - y_i), in log space for each sign of t."""
    t = tangents[0]
    if x.ndim == 0:
        return t
    pos, neg = _log_parts(t, _lowest(x))
    out_pos = exp(sub(_lcse(add(pos, x), dim, reverse), ans))
    out_neg = exp(sub(_lcse(add(neg, x), dim, reverse), ans))
    return sub(out_pos, out_neg)


LOGCUMSUMEXP = Op("logcumsumexp", _logcumsumexp_forward, (_logcumsumexp_vjp,), saves=(0,),
                  saves_ans=True, jvp=_logcumsumexp_jvp, batch=_BATCH_DIM)


def logcumsumexp(input, dim):
    """log(cumsum(exp(input), dim)), computed stably."""
    return apply(LOGCUMSUMEXP, (input,), {"dim": _one_dim("logcumsumexp", input, dim),
                                           "reverse": False})


# --- cummax / cummin ---------------------------------------------------------------------------

def _cum_index_forward(np_acc):
    def forward(x, dim):
        """The index of the running max (min): the last position where it was reached (as
        PyTorch: ties and NaNs move the index forward)."""
        if x.ndim == 0:
            return np.zeros((), dtype=np.int64)
        best = np_acc(x, axis=dim)
        hit = x == best
        if x.dtype.kind == "f":
            hit |= np.isnan(x)
        pos = np.arange(x.shape[dim]).reshape((-1,) + (1,) * (x.ndim - dim - 1))
        return np.maximum.accumulate(np.where(hit, pos, 0), axis=dim).astype(np.int64)

    return forward


CUMMAX_INDEX = Op("cummax_indices", _cum_index_forward(np.maximum.accumulate), batch=_BATCH_DIM)
CUMMIN_INDEX = Op("cummin_indices", _cum_index_forward(np.minimum.accumulate), batch=_BATCH_DIM)
CUMMAX = take_op("cummax", "CummaxBackward0")
CUMMIN = take_op("cummin", "CumminBackward0")


def _cum_select(name, index_op, take, input, dim):
    d = _one_dim(name, input, dim)
    indices = apply(index_op, (input,), {"dim": d})
    values = take_along(input, indices, d, take, accumulate=True)
    return return_type(name)(values, indices)


def cummax(input, dim):
    """(values, indices) of the running maximum along `dim`; the gradient goes to the index."""
    return _cum_select("cummax", CUMMAX_INDEX, CUMMAX, input, dim)


def cummin(input, dim):
    """(values, indices) of the running minimum along `dim`; the gradient goes to the index."""
    return _cum_select("cummin", CUMMIN_INDEX, CUMMIN, input, dim)


# --- diff --------------------------------------------------------------------------------------

def _diff_forward(x, n, dim):
    return np.diff(x, n, axis=dim)  # bool: not_equal, as PyTorch's xor


def _diff_t_forward(g, n, dim, length):
    """The adjoint of n-th differences: length `length` along dim from g's length - n."""
    if length <= n:
        shape = list(g.shape)
        shape[dim] = length
        return np.zeros(shape, dtype=g.dtype)
    pad = [(0, 0)] * g.ndim
    pad[dim] = (1, 1)
    for _ in range(n):
        g = -np.diff(np.pad(g, pad), axis=dim)
    return g


DIFF_T = Op("diff_backward", _diff_t_forward,
            (lambda g, ans, gy, n, dim, length: apply(DIFF, (g,), {"n": n, "dim": dim}),),
            jvp=linear_jvp, batch=_BATCH_DIM)
DIFF = Op("diff", _diff_forward,
          (lambda g, ans, x, n, dim: apply(DIFF_T, (g,), {"n": n, "dim": dim,
                                                          "length": x.shape[dim]}),),
          jvp=linear_jvp, batch=_BATCH_DIM, backward_name="SubBackward0")  # PyTorch's name


def diff(input, n=1, dim=-1, prepend=None, append=None):
    """The n-th forward difference along `dim`, after concatenating `prepend` and `append`."""
    from .shape import cat

    if input.ndim == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    if n < 0:
        raise RuntimeError(f"order must be non-negative but got {n}")
    d = _one_dim("diff", input, dim)
    parts = []
    for extra in (prepend, input, append):
        if extra is None:
            continue
        if not isinstance(extra, Tensor) or extra.ndim != input.ndim:
            raise RuntimeError("diff expects prepend or append to be the same dimension as input")
        parts.append(extra)
    if len(parts) > 1:
        input = cat(parts, d)
    if n == 0:
        return input
    return apply(DIFF, (input,), {"n": int(n), "dim": d})


from .._tensor_methods import install_methods

install_methods(
    {"cumsum": lambda self, dim, dtype=None: cumsum(self, dim, dtype=dtype),
     "cumprod": lambda self, dim, dtype=None: cumprod(self, dim, dtype=dtype),
     "logcumsumexp": logcumsumexp, "cummax": cummax, "cummin": cummin, "diff": diff},
    {"cumsum_": lambda self, dim, dtype=None: cumsum(self, dim, dtype=dtype),
     "cumprod_": lambda self, dim, dtype=None: cumprod(self, dim, dtype=dtype)},
)
