"""Reductions: sum mean nansum nanmean prod var std var_mean std_mean max min amax amin aminmax
argmax argmin logsumexp norm dist renorm all any count_nonzero softmax log_softmax.

Each op carries its VJP rules, its JVP rule (`jvp=`) and its vmap batching rule (`batch=`), all
written with chainrule ops so that every order of derivative works. Order statistics (sort,
topk, median, ...) are in sorting.py, scans (cumsum, cumprod, ...) in scan.py.

Conventions at singular points (tested in tests/test_reduction_points.py, as PyTorch 2.13):

- ties: max()/min() without dim, amax/amin/aminmax, median()/nanmedian() without dim, and the
  inf-norms share the gradient evenly among the tied elements; max(dim)/min(dim) (and sort, topk,
  kthvalue, median(dim), mode, cummax) send it to the index they return.
- prod is exact with zeros in its input: with one zero the gradient there is the product of the
  others (zero elsewhere), with several it is zero; second and higher derivatives are exact too.
- norm'(0) = 0 for every p (a subgradient; p = 0 has no gradient at all), std'(x) = 0 where the
  std is 0, and var/std with no degrees of freedom give nan (with a warning), as PyTorch.
- logsumexp, softmax and log_softmax are computed after subtracting the max: finite, with finite
  derivatives, for |x| up to 1e4 and beyond.
"""

import builtins
import math
import warnings
from collections import namedtuple

import numpy as np

from .._dtype import default_float_np, to_numpy_dtype
from .._tensor import Tensor
from . import _batching
from ._core import Op, apply, linear_jvp, normalize_dim
from .elementwise import _zeros_like, div, eq, exp, isnan, mul, pow, sign, sub, where
from .elementwise import abs as _abs
from .shape import expand, permute, reshape

__all__ = [
    "all", "amax", "amin", "aminmax", "any", "argmax", "argmin", "count_nonzero", "dist",
    "log_softmax", "logsumexp", "max", "mean", "min", "nanmean", "nansum", "norm", "prod",
    "renorm", "softmax", "std", "std_mean", "sum", "var", "var_mean",
]

_ndarray = np.ndarray
_add_reduce = np.add.reduce
_max_reduce = np.maximum.reduce
_builtin_any = builtins.any

_TORCH_NAMES = {"bool": "Bool", "uint8": "Byte", "int8": "Char", "int16": "Short", "int32": "Int",
                "int64": "Long", "float16": "Half", "float32": "Float", "float64": "Double"}


def _raw(x):
    """The array of a value a rule receives (a Tensor, an ndarray or a number)."""
    return x._data if isinstance(x, Tensor) else np.asarray(x)


def _keep_shape(shape, dims):
    return tuple(1 if i in dims else s for i, s in enumerate(shape))


def _keep(v, x_shape, dims, keepdim):
    """A reduced value reshaped so that it broadcasts against the input (reduced dims kept)."""
    return v if keepdim else reshape(v, _keep_shape(x_shape, dims))


def _unreduce(g, x_shape, dims, keepdim):
    """Broadcast a reduced gradient back over the reduced dims (a stride-0 view, as PyTorch's
    expand; on the bare arrays of a first-order backward NumPy's own, without the op's checks)."""
    if g.__class__ is _ndarray or isinstance(g, np.generic):
        return np.broadcast_to(g if keepdim else g.reshape(_keep_shape(x_shape, dims)), x_shape)
    return expand(_keep(g, x_shape, dims, keepdim), x_shape)


def _dims(name, x, dim):
    nd = x.ndim
    if dim.__class__ is int and -nd <= dim < nd:  # the common case, without normalize_dim
        return (dim % nd,)
    return normalize_dim(name, dim, nd)


def _int_dim(name, dim):
    """`dim` of an op that reduces one dimension: an int (a tuple is a TypeError, as in PyTorch)."""
    if isinstance(dim, (int, np.integer)) and not isinstance(dim, bool):
        return int(dim)
    raise TypeError(f"{name}(): argument 'dim' must be int, not {type(dim).__name__}")


def _one_dim(name, x, dim):
    """A single dim made non-negative (0 for a 0-d input, whose only valid dims are 0 and -1)."""
    d = _dims(name, x, _int_dim(name, dim))
    return d[0] if d else 0


def _count(shape, dims):
    n = 1
    for d in dims:
        n *= shape[d]
    return n


def _np_dtype(dtype):
    return None if dtype is None else to_numpy_dtype(dtype)


def _t0(tangents):
    return tangents[0]


def _picked(x, ans):
    """The elements a max-like full reduction picked: those equal to its result, or the NaNs
    when the result is NaN (PyTorch's evenly_distribute_backward)."""
    xd, ad = _raw(x), _raw(ans)
    if ad.dtype.kind == "f" and np.isnan(ad).any():
        return (xd == ad) | (np.isnan(xd) & np.isnan(ad))
    return xd == ad


def _even_share(t, x, ans, dims):
    """The tangent (or gradient) of a reduction that picks the elements equal to its result and
    shares evenly among ties: sum(t * mask) / count, reduced over `dims` (kept)."""
    mask = _picked(x, ans)
    return div(sum(mul(t, mask), dims, keepdim=True), sum(mask, dims, keepdim=True))


def _full_batch(dims_op):
    """vmap rule of a reduction over every dim: the same reduction over all but the batch dim,
    by `dims_op` (an op with `dims` and `keepdim` params and the same rules)."""

    def rule(op, args, bdims, params):
        x = _batching.move_to_front(args[0], bdims[0])
        return apply(dims_op, (x,), {**params, "dims": tuple(range(1, x.ndim)),
                                       "keepdim": False}), 0

    return rule


def _batch_dims(op, args, bdims, params):
    """vmap rule of a reduction over `dims` (normalized, non-negative): the batch dim first and
    each dim + 1. A 0-d logical input has dims () and stays elementwise, which is right."""
    if bdims[0] is None or _builtin_any(b is not None for b in bdims[1:]):
        return None
    x = _batching.move_to_front(args[0], bdims[0])
    return apply(op, (x, *args[1:]), {**params, "dims": tuple(d + 1 for d in params["dims"])}), 0


_BATCH_DIMS = _batch_dims
_BATCH_DIM = _batching.dims("dim")


# --- sum / mean / nansum / nanmean ----------------------------------------------------------------

def _sum_forward(x, dims, keepdim, dtype):
    if dtype is None and x.dtype.kind in "biu" and x.dtype != np.int64:
        dtype = np.int64
    return _add_reduce(x, axis=dims, keepdims=keepdim, dtype=dtype)  # np.sum without its wrapper


_SUM = {"jvp": linear_jvp, "batch": _BATCH_DIMS}
SUM = Op("sum", _sum_forward,
         (lambda g, ans, x, dims, keepdim, dtype: _unreduce(g, x.shape, dims, keepdim),), **_SUM)
SUM_DIM = Op("sum", _sum_forward, SUM.vjps, backward_name="SumBackward1", **_SUM)  # sum(x, dim)


def _mean_forward(x, dims, keepdim, dtype):
    if dtype is None and x.dtype.kind != "f":
        raise RuntimeError(
            "mean(): could not infer output dtype. Input dtype must be either a floating point or "
            f"complex dtype. Got: {_TORCH_NAMES.get(x.dtype.name, x.dtype.name)}"
        )
    if x.size == 0:  # NumPy would warn "Mean of empty slice"; PyTorch quietly gives nan
        total = np.sum(x, axis=dims, keepdims=keepdim, dtype=dtype)
        with np.errstate(invalid="ignore"):
            return (total / _count(x.shape, dims)).astype(total.dtype, copy=False)
    return np.mean(x, axis=dims, keepdims=keepdim, dtype=dtype)


def _mean_vjp(g, ans, x, dims, keepdim, dtype):
    return _unreduce(div(g, _count(x.shape, dims) or 1), x.shape, dims, keepdim)


MEAN = Op("mean", _mean_forward, (_mean_vjp,), **_SUM)
MEAN_DIM = Op("mean", _mean_forward, (_mean_vjp,), backward_name="MeanBackward1", **_SUM)


def sum(input, dim=None, keepdim=False, *, dtype=None):
    """Sum over `dim` (an int, a tuple of ints, or None for all).

        >>> import chainrule as torch
        >>> torch.sum(torch.tensor([[1., 2.], [3., 4.]]), dim=0)
        tensor([4., 6.])
    """
    dims = _dims("sum", input, dim)
    return apply(SUM if dim is None else SUM_DIM, (input,),
                 {"dims": dims, "keepdim": keepdim, "dtype": _np_dtype(dtype)})


def mean(input, dim=None, keepdim=False, *, dtype=None):
    """Mean over `dim` (an int, a tuple of ints, or None for all); floating inputs only."""
    dims = _dims("mean", input, dim)
    return apply(MEAN if dim is None else MEAN_DIM, (input,),
                 {"dims": dims, "keepdim": keepdim, "dtype": _np_dtype(dtype)})


def _nansum_forward(x, dims, keepdim, dtype):
    if x.dtype.kind == "f":
        x = np.where(np.isnan(x), 0, x)
    return _sum_forward(x, dims, keepdim, dtype)


def _nansum_vjp(g, ans, x, dims, keepdim, dtype):
    # a product with the mask, not a where: an infinite g (nanmean of an all-NaN slice) gives nan
    return mul(_unreduce(g, x.shape, dims, keepdim), ~np.isnan(_raw(x)))


def _nansum_jvp(tangents, ans, x, dims, keepdim, dtype):
    return sum(mul(tangents[0], ~np.isnan(_raw(x))), dims, keepdim)


NANSUM = Op("nansum", _nansum_forward, (_nansum_vjp,), saves=(0,), jvp=_nansum_jvp,
            batch=_BATCH_DIMS)


def nansum(input, dim=None, keepdim=False, *, dtype=None):
    """sum() treating NaN as zero (NaN elements get no gradient)."""
    return apply(NANSUM, (input,), {"dims": _dims("nansum", input, dim), "keepdim": keepdim,
                                     "dtype": _np_dtype(dtype)})


def nanmean(input, dim=None, keepdim=False, *, dtype=None):
    """mean() of the elements that are not NaN (nansum / their count), as PyTorch composes it."""
    from .elementwise import logical_not

    in_dtype = input.dtype if isinstance(input, _ndarray) else input._data.dtype
    if in_dtype.kind != "f":
        raise RuntimeError("nanmean(): expected input to have floating point or complex dtype "
                           f"but got {_TORCH_NAMES.get(in_dtype.name, in_dtype.name)}")
    count = sum(logical_not(isnan(input)), dim, keepdim)
    return div(nansum(input, dim, keepdim, dtype=dtype), count)


# --- prod ---------------------------------------------------------------------------------------

def _prod_forward(x, dims, keepdim, dtype):
    if dtype is None and x.dtype.kind in "biu":
        dtype = np.int64
    return np.multiply.reduce(x, axis=dims, keepdims=keepdim, dtype=dtype)


def _prod_except(x, dims):
    """For each element of x, the product over `dims` of all the other elements: exact with
    zeros (exclusive cumulative products from both ends), and differentiable to any order."""
    from .scan import exclusive_cumprod

    if len(dims) != 1:  # move the reduced dims last and merge them into one
        rest = [d for d in range(x.ndim) if d not in dims]
        perm = tuple(rest + list(dims))
        moved = permute(x, perm)
        merged = reshape(moved, tuple(moved.shape[:len(rest)]) + (-1,))
        out = reshape(_prod_except(merged, (len(rest),)), tuple(moved.shape))
        return permute(out, tuple(int(i) for i in np.argsort(perm)))
    d = dims[0]
    return mul(exclusive_cumprod(x, d, False), exclusive_cumprod(x, d, True))


def _prod_factor(x, ans_kept, dims):
    """d prod / d x, shaped like x: ans / x when no element is zero (as PyTorch), else exact."""
    if not (_raw(x) == 0).any():
        return div(ans_kept, x)
    return _prod_except(x, dims)


def _prod_all_vjp(g, ans, x, dims, keepdim, dtype):
    if not isinstance(g, Tensor) and not isinstance(x, Tensor) and \
            np.count_nonzero(_raw(x) == 0) > 1:
        return np.zeros(x.shape, dtype=np.result_type(g, x))  # as PyTorch (first order only)
    return _prod_vjp(g, ans, x, dims, keepdim, dtype)


def _prod_vjp(g, ans, x, dims, keepdim, dtype):
    if not dims:
        return g
    g = _keep(g, x.shape, dims, keepdim)
    return mul(g, _prod_factor(x, _keep(ans, x.shape, dims, keepdim), dims))


def _prod_jvp(tangents, ans, x, dims, keepdim, dtype):
    t = tangents[0]
    if not dims:
        return t
    return sum(mul(t, _prod_factor(x, _keep(ans, x.shape, dims, keepdim), dims)), dims, keepdim)


_PROD = {"saves": (0,), "saves_ans": True, "jvp": _prod_jvp, "batch": _BATCH_DIMS}
PROD = Op("prod", _prod_forward, (_prod_all_vjp,), **_PROD)
PROD_DIM = Op("prod", _prod_forward, (_prod_vjp,), backward_name="ProdBackward1", **_PROD)


def prod(input, dim=None, keepdim=False, *, dtype=None):
    """The product of all elements, or along one `dim` (exact gradients with zeros).

        >>> import chainrule as torch
        >>> x = torch.tensor([2., 0., 3.], requires_grad=True)
        >>> torch.prod(x).backward()
        >>> x.grad
        tensor([0., 6., 0.])
    """
    if dim is None:
        return apply(PROD, (input,), {"dims": tuple(range(input.ndim)), "keepdim": False,
                                       "dtype": _np_dtype(dtype)})
    d = _one_dim("prod", input, dim)
    return apply(PROD_DIM, (input,), {"dims": (d,) if input.ndim else (), "keepdim": keepdim,
                                       "dtype": _np_dtype(dtype)})


# --- var / std ------------------------------------------------------------------------------------

def _dof(shape, dims, correction):
    return builtins.max(_count(shape, dims) - correction, 0)


def _check_float(name, x):
    if x.dtype.kind != "f":
        raise RuntimeError(f"{name}(): std and var only support floating point and complex "
                           f"dtypes (got {_TORCH_NAMES.get(x.dtype.name, x.dtype.name)})")


def _var_np(name, x, dims, correction, keepdim):
    _check_float(name, x)
    dof = _dof(x.shape, dims, correction)
    if dof == 0:
        warnings.warn(f"{name}(): degrees of freedom is <= 0. Correction should be strictly less "
                      "than the reduction factor (input numel divided by output numel).",
                      UserWarning, stacklevel=5)
    with np.errstate(invalid="ignore", divide="ignore"):
        m = _add_reduce(x, axis=dims, keepdims=True) / x.dtype.type(_count(x.shape, dims))
        d = x - m
        return (_add_reduce(d * d, axis=dims, keepdims=keepdim) / x.dtype.type(dof)).astype(
            x.dtype, copy=False)


def _var_forward(x, dims, correction, keepdim, full):
    return _var_np("var", x, dims, correction, keepdim)


def _std_forward(x, dims, correction, keepdim, full):
    return np.sqrt(_var_np("std", x, dims, correction, keepdim))


def _var_factor(x, dims, correction, full):
    """d var / d x, shaped like x: 2 (x - mean) / dof (inf / nan without degrees of freedom)."""
    dof = _dof(x.shape, dims, correction)
    centered = sub(x, mean(x, dims, keepdim=True))
    if dof > 0:
        return mul(centered, 2.0 / dof)
    if full:  # PyTorch's dim=None (or 0-d) reduction: nan where x is the mean, else inf
        return where(eq(centered, 0), math.nan, math.inf)
    return mul(centered, math.inf)


def _var_vjp(g, ans, x, dims, correction, keepdim, full):
    return mul(_keep(g, x.shape, dims, keepdim), _var_factor(x, dims, correction, full))


def _var_jvp(tangents, ans, x, dims, correction, keepdim, full):
    return sum(mul(tangents[0], _var_factor(x, dims, correction, full)), dims, keepdim)


def _over_twice_std(g, ans):
    """g / (2 std), zero where std is 0 (as PyTorch: the gradient of sqrt at 0 is taken as 0)."""
    zero = eq(ans, 0)
    return where(zero, 0.0, div(g, mul(where(zero, 1.0, ans), 2.0)))


def _std_vjp(g, ans, x, dims, correction, keepdim, full):
    g = _over_twice_std(_keep(g, x.shape, dims, keepdim), _keep(ans, x.shape, dims, keepdim))
    return mul(g, _var_factor(x, dims, correction, full))


def _std_jvp(tangents, ans, x, dims, correction, keepdim, full):
    return _over_twice_std(_var_jvp(tangents, ans, x, dims, correction, keepdim, full), ans)


VAR = Op("var", _var_forward, (_var_vjp,), saves=(0,), jvp=_var_jvp, batch=_BATCH_DIMS)
STD = Op("std", _std_forward, (_std_vjp,), saves=(0,), saves_ans=True, jvp=_std_jvp,
         batch=_BATCH_DIMS)


def _var_args(name, input, dim, unbiased, keepdim, correction):
    """PyTorch's var/std overloads: (dim, unbiased, keepdim), (dim, *, correction, keepdim) and
    the legacy (unbiased) with a bool in place of dim."""
    if isinstance(dim, bool):
        if unbiased is not None:
            raise TypeError(f"{name}() received an invalid combination of arguments: a bool "
                            "'unbiased' cannot be followed by another 'unbiased'")
        dim, unbiased = None, dim
    if unbiased is not None and correction is not None:
        raise TypeError(f"{name}() received an invalid combination of arguments - got both "
                        "'unbiased' and 'correction'; pass only one of them")
    if correction is None:
        correction = 1 if unbiased is None or unbiased else 0
    if isinstance(correction, Tensor):
        correction = correction.item()
    return {"dims": _dims(name, input, dim), "correction": correction, "keepdim": bool(keepdim),
            "full": dim is None or input.ndim == 0}


def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """The variance over `dim` with Bessel's correction (`correction=1` by default; `unbiased`
    is the legacy spelling: True is correction=1, False is correction=0)."""
    return apply(VAR, (input,), _var_args("var", input, dim, unbiased, keepdim, correction))


def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """The standard deviation: sqrt(var(...)), same arguments as var()."""
    return apply(STD, (input,), _var_args("std", input, dim, unbiased, keepdim, correction))


def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """(var, mean) over the same dims."""
    params = _var_args("var_mean", input, dim, unbiased, keepdim, correction)
    return (apply(VAR, (input,), params),
            apply(MEAN_DIM, (input,), {"dims": params["dims"], "keepdim": params["keepdim"],
                                       "dtype": None}))


def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """(std, mean) over the same dims."""
    params = _var_args("std_mean", input, dim, unbiased, keepdim, correction)
    return (apply(STD, (input,), params),
            apply(MEAN_DIM, (input,), {"dims": params["dims"], "keepdim": params["keepdim"],
                                       "dtype": None}))


# --- max / min / amax / amin / aminmax -------------------------------------------------------------

def _check_nonempty(name, x, dims):
    size = x.numel() if isinstance(x, Tensor) else x.size
    if size == 0 and (not dims or _builtin_any(x.shape[d] == 0 for d in dims) or x.ndim == 0):
        raise RuntimeError(
            f"{name}(): Expected reduction dim to be specified for input.numel() == 0. Specify "
            "the reduction dim with the 'dim' argument."
        )


def _check_reduce_dims(name, x, dim, dims):
    """PyTorch's errors for a max-like reduction without an identity on an empty input."""
    if x.numel() == 0:
        if dim is None or (isinstance(dim, (tuple, list)) and not dim):
            _check_nonempty(name, x, ())
        for d in dims:
            if x.shape[d] == 0:
                raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")


def _amax_forward(np_fn):
    def forward(x, dims, keepdim):
        return np_fn(x, axis=dims, keepdims=keepdim)

    return forward


def _amax_vjp(g, ans, x, dims, keepdim):
    g = _keep(g, x.shape, dims, keepdim)
    mask = eq(x, _keep(ans, x.shape, dims, keepdim))
    return div(mul(g, mask), sum(mask, dims, keepdim=True))


def _amax_jvp(tangents, ans, x, dims, keepdim):
    out = _even_share(tangents[0], x, _keep(ans, x.shape, dims, keepdim), dims)
    return out if keepdim else reshape(out, tuple(ans.shape))


_AMAX = {"saves": (0,), "saves_ans": True, "jvp": _amax_jvp, "batch": _BATCH_DIMS}
AMAX = Op("amax", _amax_forward(np.maximum.reduce), (_amax_vjp,), **_AMAX)
AMIN = Op("amin", _amax_forward(np.minimum.reduce), (_amax_vjp,), **_AMAX)
AMINMAX_MIN = Op("aminmax", AMIN.forward, (_amax_vjp,), backward_name="AminmaxBackward0", **_AMAX)
AMINMAX_MAX = Op("aminmax", AMAX.forward, (_amax_vjp,), backward_name="AminmaxBackward0", **_AMAX)


def _full_forward(np_fn, name):
    def forward(x):
        _check_nonempty(name, x, ())
        return np_fn(x, axis=None)  # a ufunc's reduce (faster than np.max), over every axis

    return forward


def _even_share_vjp(g, ans, x):
    mask = _picked(x, ans)  # ties share the gradient evenly
    return div(mul(g, mask), sum(mask))


def _full_even_jvp(tangents, ans, x):
    return reshape(_even_share(tangents[0], x, ans, tuple(range(x.ndim))), ())


_FULL = {"saves": (0,), "saves_ans": True, "jvp": _full_even_jvp}
MAX_ALL = Op("max", _full_forward(np.maximum.reduce, "max"), (_even_share_vjp,),
             backward_name="MaxBackward1", batch=_full_batch(AMAX), **_FULL)
MIN_ALL = Op("min", _full_forward(np.minimum.reduce, "min"), (_even_share_vjp,),
             backward_name="MinBackward1", batch=_full_batch(AMIN), **_FULL)


def _dim_forward(np_arg, name):
    def forward(x, dim, keepdim):
        if x.ndim == 0:
            return x.copy()
        if x.shape[dim] == 0:
            raise IndexError(f"{name}(): Expected reduction dim {dim} to have non-zero size.")
        idx = np.expand_dims(np_arg(x, axis=dim), dim)
        out = np.take_along_axis(x, idx, axis=dim)
        return out if keepdim else np.squeeze(out, dim)

    return forward


def _arg_mask(np_arg, x, dim):
    """A boolean mask that is True at the index an arg-reduction picks along `dim`."""
    data = _raw(x)
    if data.ndim == 0:
        return np.ones((), dtype=bool)
    idx = np.expand_dims(np_arg(data, axis=dim), dim)
    positions = np.arange(data.shape[dim]).reshape((-1,) + (1,) * (data.ndim - dim - 1))
    return positions == idx


def _dim_vjp(np_arg):
    def rule(g, ans, x, dim, keepdim):
        if x.ndim == 0:
            return g
        if not keepdim:
            g = reshape(g, _keep_shape(x.shape, (dim,)))
        return where(_arg_mask(np_arg, x, dim), g, 0.0)

    return rule


def _dim_jvp(np_arg):
    def rule(tangents, ans, x, dim, keepdim):
        t = tangents[0]
        if x.ndim == 0:
            return t
        return sum(where(_arg_mask(np_arg, x, dim), t, 0.0), dim, keepdim)

    return rule


MAX_DIM = Op("max_dim", _dim_forward(np.argmax, "max"), (_dim_vjp(np.argmax),), saves=(0,),
             backward_name="MaxBackward0", jvp=_dim_jvp(np.argmax), batch=_BATCH_DIM)
MIN_DIM = Op("min_dim", _dim_forward(np.argmin, "min"), (_dim_vjp(np.argmin),), saves=(0,),
             backward_name="MinBackward0", jvp=_dim_jvp(np.argmin), batch=_BATCH_DIM)

_return_types = {}


def return_type(name, fields=("values", "indices")):
    """The named tuple class PyTorch calls torch.return_types.<name>."""
    cls = _return_types.get(name)
    if cls is None:
        cls = _return_types[name] = namedtuple(name, fields)
        cls.__module__ = "torch.return_types"

        def __repr__(self):
            inner = ",\n".join(f"{f}={v!r}" for f, v in zip(fields, self))
            return f"torch.return_types.{name}(\n{inner})"

        cls.__repr__ = __repr__
    return cls


_return_type = return_type  # the earlier private name


def _binary_or_reduce(name, all_op, dim_op, arg_op, pair_fn):
    def fn(input, dim=None, keepdim=False):
        if dim is None:
            return apply(all_op, (input,), {})
        if isinstance(dim, Tensor):
            return pair_fn(input, dim)  # max(a, b) is maximum
        d = _one_dim(name, input, dim)
        values = apply(dim_op, (input,), {"dim": d, "keepdim": keepdim})
        indices = apply(arg_op, (input,), {"dim": d, "keepdim": keepdim})
        return return_type(name)(values, indices)

    fn.__name__ = name
    fn.__doc__ = (f"{name}(input) -> the {name} element; {name}(input, dim, keepdim=False) -> "
                  f"(values, indices); {name}(input, other) -> elementwise.")
    return fn


def _maximum(a, b):
    from .elementwise import maximum

    return maximum(a, b)


def _minimum(a, b):
    from .elementwise import minimum

    return minimum(a, b)


def amax(input, dim=(), keepdim=False):
    """The maximum over `dim` (all dims by default); ties share the gradient evenly."""
    dims = _dims("amax", input, dim)
    _check_reduce_dims("amax", input, dim, dims)
    return apply(AMAX, (input,), {"dims": dims, "keepdim": keepdim})


def amin(input, dim=(), keepdim=False):
    """The minimum over `dim` (all dims by default); ties share the gradient evenly."""
    dims = _dims("amin", input, dim)
    _check_reduce_dims("amin", input, dim, dims)
    return apply(AMIN, (input,), {"dims": dims, "keepdim": keepdim})


def aminmax(input, *, dim=None, keepdim=False):
    """(min, max) over one `dim` or all: torch.return_types.aminmax(min, max)."""
    if dim is None:
        dims = tuple(range(input.ndim))
    else:
        dims = (_one_dim("aminmax", input, dim),) if input.ndim else ()
    if _builtin_any(input.shape[d] == 0 for d in dims) or (dim is None and input.numel() == 0):
        raise RuntimeError("aminmax(): cannot compute aminmax over an empty dimension as the "
                           "operation has no identity.")
    params = {"dims": dims, "keepdim": keepdim}
    return return_type("aminmax", ("min", "max"))(apply(AMINMAX_MIN, (input,), params),
                                                  apply(AMINMAX_MAX, (input,), params))


# --- argmax / argmin -------------------------------------------------------------------------------

def _arg_forward(np_arg, name):
    def forward(x, dim, keepdim):
        if x.dtype.kind == "b":
            raise RuntimeError(f"{name}(): does not support bool input")
        if dim is None:
            if x.size == 0:
                raise IndexError(f"{name}(): Expected reduction dim to be specified for "
                                 "input.numel() == 0.")
            out = np.asarray(np_arg(x), dtype=np.int64)
            return out.reshape((1,) * x.ndim) if keepdim else out
        if x.ndim == 0:
            return np.zeros((), dtype=np.int64)
        if x.shape[dim] == 0:
            raise IndexError(f"{name}(): Expected reduction dim {dim} to have non-zero size.")
        return np.asarray(np_arg(x, axis=dim, keepdims=keepdim), dtype=np.int64)

    return forward


def _arg_batch(op, args, bdims, params):
    """vmap rule of argmax/argmin: dim=None flattens every dim but the batch's."""
    x = _batching.move_to_front(args[0], bdims[0])
    nd = x.ndim - 1
    dim, keepdim = params["dim"], params["keepdim"]
    if dim is None:
        size = x.shape[0]
        flat = reshape(x, (size, _count(tuple(x.shape), range(1, x.ndim))))
        out = apply(op, (flat,), {"dim": 1, "keepdim": False})
        return (reshape(out, (size,) + (1,) * nd) if keepdim else out), 0
    if nd == 0:
        return None
    return apply(op, (x,), {"dim": dim % nd + 1, "keepdim": keepdim}), 0


ARGMAX = Op("argmax", _arg_forward(np.argmax, "argmax"), batch=_arg_batch)
ARGMIN = Op("argmin", _arg_forward(np.argmin, "argmin"), batch=_arg_batch)


def argmax(input, dim=None, keepdim=False):
    """The index of the maximum (of the flattened input when dim is None); the first on ties."""
    if dim is not None:
        dim = _one_dim("argmax", input, dim)
    return apply(ARGMAX, (input,), {"dim": dim, "keepdim": keepdim})


def argmin(input, dim=None, keepdim=False):
    """The index of the minimum (of the flattened input when dim is None); the first on ties."""
    if dim is not None:
        dim = _one_dim("argmin", input, dim)
    return apply(ARGMIN, (input,), {"dim": dim, "keepdim": keepdim})


max = _binary_or_reduce("max", MAX_ALL, MAX_DIM, ARGMAX, _maximum)
min = _binary_or_reduce("min", MIN_ALL, MIN_DIM, ARGMIN, _minimum)


# --- all / any / count_nonzero ---------------------------------------------------------------------

def _logical_forward(np_fn):
    def forward(x, dims, keepdim):
        out = np.asarray(np_fn(x, axis=dims, keepdims=keepdim))
        return out.astype(np.uint8) if x.dtype == np.uint8 else out  # uint8 stays uint8

    return forward


ALL = Op("all", _logical_forward(np.all), batch=_BATCH_DIMS)
ANY = Op("any", _logical_forward(np.any), batch=_BATCH_DIMS)
COUNT_NONZERO = Op("count_nonzero",
                   lambda x, dims, keepdim: np.asarray(
                       np.count_nonzero(x, axis=dims), dtype=np.int64).reshape(
                       tuple(s for i, s in enumerate(x.shape) if i not in dims)),
                   batch=_BATCH_DIMS)


def all(input, dim=None, keepdim=False):
    """True where every element (along dim: an int, a tuple or None) is nonzero."""
    return apply(ALL, (input,), {"dims": _dims("all", input, dim), "keepdim": keepdim})


def any(input, dim=None, keepdim=False):
    """True where some element (along dim: an int, a tuple or None) is nonzero."""
    return apply(ANY, (input,), {"dims": _dims("any", input, dim), "keepdim": keepdim})


def count_nonzero(input, dim=None):
    """The number of nonzero elements (along dim: an int, a tuple or None), as int64."""
    return apply(COUNT_NONZERO, (input,), {"dims": _dims("count_nonzero", input, dim),
                                            "keepdim": False})


# --- logsumexp, softmax, log_softmax: fused for stability (|x| up to 1e4 and beyond) -----------

def _float(x):
    return x if x.dtype.kind == "f" else x.astype(default_float_np())


def _lse(x, dims):
    """log(sum(exp(x))) over dims, keeping them, computed after subtracting the max."""
    if x.size == 0:
        with np.errstate(divide="ignore"):  # log(0) = -inf over an empty dim
            return np.log(_add_reduce(np.exp(x), axis=dims, keepdims=True))
    m = _max_reduce(x, axis=dims, keepdims=True)
    m = np.where(np.isfinite(m), m, 0)
    with np.errstate(divide="ignore"):
        return np.log(_add_reduce(np.exp(x - m), axis=dims, keepdims=True)) + m


def _logsumexp_forward(x, dims, keepdim):
    out = _lse(_float(x), dims)
    return out if keepdim else np.squeeze(out, dims)


def _softmax_of(x, ans_kept):
    return exp(sub(x, ans_kept))  # <= 1 everywhere: no overflow


def _logsumexp_vjp(g, ans, x, dims, keepdim):
    return mul(_keep(g, x.shape, dims, keepdim), _softmax_of(x, _keep(ans, x.shape, dims, keepdim)))


def _logsumexp_jvp(tangents, ans, x, dims, keepdim):
    p = _softmax_of(x, _keep(ans, x.shape, dims, keepdim))
    return sum(mul(tangents[0], p), dims, keepdim)


LOGSUMEXP = Op("logsumexp", _logsumexp_forward, (_logsumexp_vjp,), saves=(0,), saves_ans=True,
               jvp=_logsumexp_jvp, batch=_BATCH_DIMS)


def logsumexp(input, dim, keepdim=False):
    """log(sum(exp(input), dim)), computed stably."""
    return apply(LOGSUMEXP, (input,), {"dims": _dims("logsumexp", input, dim),
                                         "keepdim": keepdim})


def _shifted(name, x, dim):
    """x minus its max along dim, for exp without overflow.

    Subtracting the max, not the logsumexp, keeps float32 results exact to rounding for inputs
    of any size: x - logsumexp(x) would lose the low bits of x at |x| = 1e4.
    """
    if x.dtype.kind != "f":
        raise NotImplementedError(f"\"{name}\" not implemented for '{_TORCH_NAMES[x.dtype.name]}'")
    if x.size == 0:
        return x.copy()
    # an infinite max gives nan (inf - inf) in its slice, as PyTorch's softmax does
    return x - _max_reduce(x, axis=dim, keepdims=True)


def _softmax_forward(x, dim):
    if x.ndim == 0 and x.dtype.kind == "f":
        with np.errstate(invalid="ignore"):
            return np.exp(x - x)  # 1, or nan for an infinite or nan x (as in PyTorch)
    with np.errstate(invalid="ignore"):
        e = np.exp(_shifted("softmax", x, dim))
        return e / _add_reduce(e, axis=dim, keepdims=True)


def _log_softmax_forward(x, dim):
    if x.ndim == 0 and x.dtype.kind == "f":
        with np.errstate(invalid="ignore"):
            return x - x
    with np.errstate(divide="ignore", invalid="ignore"):
        z = _shifted("log_softmax", x, dim)  # a fresh array: written in place below
        lse = _add_reduce(np.exp(z), axis=dim, keepdims=True)
        np.log(lse, out=lse)
        return np.subtract(z, lse, out=z)


# The softmax rules are written with Python operators and two helpers that are NumPy's own
# on the bare arrays of a first-order backward (nothing records) and the recorded ops on Tensors.


def _sum_kept(v, dim):
    return _add_reduce(v, axis=dim, keepdims=True) if v.__class__ is _ndarray else \
        sum(v, dim, keepdim=True)


def _exp(v):
    return np.exp(v) if v.__class__ is _ndarray else exp(v)


def _softmax_vjp(g, ans, x, dim):
    return ans * (g - _sum_kept(g * ans, dim))


def _softmax_jvp(tangents, ans, x, dim):
    return _softmax_vjp(tangents[0], ans, x, dim)  # J is symmetric: J t = J^T t


def _log_softmax_vjp(g, ans, x, dim):
    return g - _exp(ans) * _sum_kept(g, dim)


def _log_softmax_jvp(tangents, ans, x, dim):
    t = tangents[0]
    return sub(t, sum(mul(t, exp(ans)), dim, keepdim=True))


SOFTMAX = Op("softmax", _softmax_forward, (_softmax_vjp,), saves_ans=True,
             backward_name="SoftmaxBackward0", jvp=_softmax_jvp, batch=_BATCH_DIM)
LOG_SOFTMAX = Op("log_softmax", _log_softmax_forward, (_log_softmax_vjp,), saves_ans=True,
                 backward_name="LogSoftmaxBackward0", jvp=_log_softmax_jvp, batch=_BATCH_DIM)


def _softmax_dim(name, input, dim):
    if dim is None:
        nd = input.ndim
        dim = 0 if nd in (0, 1, 3) else 1  # PyTorch's legacy implicit choice
    return _one_dim(name, input, dim)


def softmax(input, dim=None, dtype=None):
    """exp(x) / sum(exp(x)) along dim, computed stably (after casting to `dtype` if given)."""
    if dtype is not None:
        input = input.to(dtype)
    return apply(SOFTMAX, (input,), {"dim": _softmax_dim("softmax", input, dim)})


def log_softmax(input, dim=None, dtype=None):
    """x - logsumexp(x) along dim, computed stably (after casting to `dtype` if given)."""
    if dtype is not None:
        input = input.to(dtype)
    return apply(LOG_SOFTMAX, (input,), {"dim": _softmax_dim("log_softmax", input, dim)})


# --- norms ----------------------------------------------------------------------------------------
# VECTOR_NORM is the one vector-norm op: linalg.vector_norm, torch.norm, Tensor.norm, linalg.norm,
# matrix_norm("fro"), renorm, cdist and the nn distances all apply it (DIST and CDIST are the same
# forward and rules under torch.dist's and torch.cdist's node names). Its VJP is g * c(x), its JVP
# sum(c(x) * dx) over the reduced dims, with c the gradient of the norm (PyTorch's choices):
#
#     ord       c(x)
#     0         none in reverse mode (x.grad stays None), a zero tangent in forward mode
#     1         sgn(x)                              (sgn(0) = sgn(nan) = 0)
#     2         x / norm                            (0 where norm = 0: a subgradient)
#     +-inf     sgn(x) [|x| = norm] / #ties         (ties share evenly, as amax; NaNs win)
#     p         sgn(x) |x|^(p-1) / norm^(p-1)       (0 where x = 0 or norm = 0)
#
# vector_norm and dist refuse a negative or infinite ord over an empty reduction before applying
# the op (PyTorch's messages); cdist (p >= 0) gets 0 there, as PyTorch's.

def _vector_norm_forward(x, ord, dims, keepdim):
    if x.dtype == np.float16:  # PyTorch accumulates half in float32: no overflow of |x|^2
        return _vector_norm_forward(x.astype(np.float32), ord, dims, keepdim).astype(np.float16)
    a = np.abs(x)
    if ord == 2:
        return np.sqrt(_add_reduce(a * a, axis=dims, keepdims=keepdim))
    if ord == 1:
        return _add_reduce(a, axis=dims, keepdims=keepdim)
    if math.isinf(ord):
        if ord > 0:  # initial 0 (<= every |x|): an empty reduction (only cdist's) gives 0
            return np.maximum.reduce(a, axis=dims, keepdims=keepdim, initial=0.0)
        return np.minimum.reduce(a, axis=dims, keepdims=keepdim)
    if ord == 0:
        return _add_reduce(a != 0, axis=dims, keepdims=keepdim, dtype=x.dtype)
    with np.errstate(divide="ignore", over="ignore"):
        return np.power(_add_reduce(np.power(a, ord), axis=dims, keepdims=keepdim), 1.0 / ord)


def _sgn(x):
    """sign(x) with sign(nan) = 0, as torch.sgn."""
    nan = np.isnan(_raw(x))
    return where(nan, 0.0, sign(x)) if nan.any() else sign(x)


def _norm_factor(x, ans, ord, dims):
    """d norm / d x shaped like x (`ans` with the reduced dims kept), with PyTorch's choices at
    zero: norm'(0) = 0 for every ord. None for ord 0 (no gradient)."""
    if ord == 0:
        return None
    if ord == 1:
        return _sgn(x)
    zero = eq(ans, 0)
    if ord == 2:
        return where(zero, 0.0, div(x, where(zero, 1.0, ans)))
    if math.isinf(ord):  # the elements of largest (smallest) |x| share evenly
        ax = _abs(x)
        mask = eq(ax, ans) | isnan(ax)
        return div(mul(_sgn(x), mask), sum(mask, dims, keepdim=True))
    if ord < 1:
        xz = eq(x, 0)
        scaled = mul(_sgn(x), where(xz, 0.0, pow(where(xz, 1.0, _abs(x)), ord - 1)))
        return mul(scaled, pow(ans, 1 - ord))
    scaled = (mul(_sgn(x), pow(_abs(x), ord - 1)) if ord < 2 else
              mul(x, pow(_abs(x), ord - 2)))
    return where(zero, 0.0, div(scaled, pow(where(zero, 1.0, ans), ord - 1)))


def _vector_norm_vjp(g, ans, x, ord, dims, keepdim):
    factor = _norm_factor(x, _keep(ans, x.shape, dims, keepdim), ord, dims)
    return None if factor is None else mul(_keep(g, x.shape, dims, keepdim), factor)


def _vector_norm_jvp(tangents, ans, x, ord, dims, keepdim):
    if ord == 0:  # a count: PyTorch's forward mode gives a zero tangent (not none)
        return _zeros_like(ans)
    factor = _norm_factor(x, _keep(ans, x.shape, dims, keepdim), ord, dims)
    return sum(mul(tangents[0], factor), dims, keepdim)


def _cdist_vjp(g, ans, x, ord, dims, keepdim):
    """vector_norm's rule, except that PyTorch's cdist gives a zero gradient at ord 0."""
    if ord == 0:
        return _zeros_like(x)
    return _vector_norm_vjp(g, ans, x, ord, dims, keepdim)


_NORM = {"saves": (0,), "saves_ans": True, "jvp": _vector_norm_jvp, "batch": _BATCH_DIMS}
VECTOR_NORM = Op("linalg_vector_norm", _vector_norm_forward, (_vector_norm_vjp,),
                  backward_name="LinalgVectorNormBackward0", **_NORM)
DIST = Op("dist", _vector_norm_forward, (_vector_norm_vjp,), **_NORM)
CDIST = Op("cdist", _vector_norm_forward, (_cdist_vjp,), backward_name="CdistBackward0",
           **_NORM)


def _norm_input(name, input, dtype):
    in_dtype = input.dtype if isinstance(input, _ndarray) else input._data.dtype
    if in_dtype.kind != "f":
        raise RuntimeError(f"{name}: Expected a floating point or complex tensor as input. Got "
                           f"{_TORCH_NAMES.get(in_dtype.name, in_dtype.name)}")
    if dtype is not None:
        np_dtype = to_numpy_dtype(dtype)
        if np_dtype.kind != "f":
            raise RuntimeError(f"{name}: dtype should be floating point or complex, but got "
                               f"{_TORCH_NAMES.get(np_dtype.name, np_dtype.name)}")
        if np_dtype.itemsize < in_dtype.itemsize:
            raise RuntimeError(
                f"{name}: the dtype of the input ({_TORCH_NAMES[in_dtype.name]}) should "
                "be convertible without narrowing to the specified dtype "
                f"({_TORCH_NAMES.get(np_dtype.name, np_dtype.name)})")
        input = input.to(dtype)
    return input


def _norm_ord(ord):
    """ord as a float: a number (bool included) or a 0-d tensor, else PyTorch's TypeError."""
    if isinstance(ord, Tensor) and ord.ndim == 0:
        return float(ord.item())
    if isinstance(ord, (int, float, np.number)):
        return float(ord)
    raise TypeError("linalg_vector_norm(): argument 'ord' (position 2) must be Number, not "
                    f"{type(ord).__name__}")


def _norm_dims(x, dim):
    if dim is not None and (isinstance(dim, bool) or
                            not isinstance(dim, (int, np.integer, tuple, list))):
        raise TypeError("linalg_vector_norm(): argument 'dim' (position 3) must be tuple of ints, "
                        f"not {type(dim).__name__}")
    return _dims("linalg.vector_norm", x, dim)


def _check_identity(x, ord, dim):
    """A negative or infinite ord has no identity: PyTorch refuses it over an empty reduction
    (dims named as given)."""
    if not (ord < 0 or ord == math.inf) or 0 not in x.shape:
        return
    shown = format(ord, "g")  # as PyTorch prints a Scalar (6 significant digits)
    given = () if dim is None else (dim,) if isinstance(dim, (int, np.integer)) else tuple(dim)
    if not given:
        raise RuntimeError(f"linalg.vector_norm cannot compute the {shown} norm on an empty "
                           "tensor because the operation does not have an identity")
    for d in given:
        if x.shape[d] == 0:
            raise RuntimeError(f"linalg.vector_norm cannot compute the {shown} norm on the "
                               f"dimension {d}because this dimension is empty and the operation "
                               "does not have an identity")


def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None, out=None):
    """The vector ord-norm sum(|x|^ord)^(1/ord) of x over `dim` (all dims if None), after casting
    to `dtype` if given: ord in R, inf (max |x|), -inf (min |x|) or 0 (the count of non-zeros).

    >>> import chainrule as torch
    >>> torch.linalg.vector_norm(torch.tensor([3., -4.]))
    tensor(5.)
    >>> torch.linalg.vector_norm(torch.tensor([3., -4.]), float('inf'))
    tensor(4.)
    """
    if out is not None:
        raise TypeError("chainrule.linalg.vector_norm: the out= argument is not supported")
    ord = _norm_ord(ord)
    x = _norm_input("linalg.vector_norm", x, dtype)
    dims = _norm_dims(x, dim)
    _check_identity(x, ord, dim)
    return apply(VECTOR_NORM, (x,), {"ord": ord, "dims": dims, "keepdim": bool(keepdim)})


def cdist_norm(diff, p):
    """torch.cdist's p-norm of `diff` (x1 - x2, broadcast) over its last dim, by CDIST: an empty
    last dim gives 0 for every p (no identity check) and p = 0 a zero gradient, as PyTorch's."""
    return apply(CDIST, (diff,), {"ord": float(p), "dims": (diff.ndim - 1,), "keepdim": False})


def norm(input, p="fro", dim=None, keepdim=False, out=None, dtype=None):
    """torch.norm: a vector norm over `dim` (all dims when None) for a number p or 'fro'
    (Frobenius: the 2-norm, over at most two dims); 'nuc' is the nuclear norm of a matrix.

        >>> import chainrule as torch
        >>> torch.norm(torch.tensor([3., 4.]))
        tensor(5.)
    """
    if out is not None:
        raise TypeError("norm(): the out= argument is not supported by chainrule")
    if isinstance(p, str):
        if p == "fro":
            if dim is not None and not isinstance(dim, (int, np.integer)) and len(dim) > 2:
                raise RuntimeError("linalg.matrix_norm: dim must be a 2-tuple. Got "
                                   + " ".join(str(d) for d in dim))
            return vector_norm(input, 2, dim, keepdim, dtype=dtype)
        if p == "nuc":
            return _nuclear_norm(input, dim, keepdim, dtype)
        raise RuntimeError(f"only valid string values are 'fro' and 'nuc', found {p}")
    return vector_norm(input, 2.0 if p is None else p, dim, keepdim, dtype=dtype)


def _nuclear_norm(input, dim, keepdim, dtype):
    """linalg.matrix_norm(p='nuc') over `dim`; dim=None means every dim, as torch.norm (so a
    non-matrix input is an error there)."""
    from .linalg_norms import matrix_norm

    dims = tuple(range(input.ndim)) if dim is None else dim
    return matrix_norm(input, "nuc", dims, keepdim, dtype=dtype)


def dist(input, other, p=2):
    """The p-norm of input - other (broadcast), over all elements."""
    from .elementwise import sub as _sub

    diff = _sub(input, other)
    if not diff.dtype.is_floating_point:
        raise RuntimeError("norm(): input dtype should be either floating point or complex. "
                           f"Got {_TORCH_NAMES[diff._data.dtype.name]} instead.")
    p = float(p.item()) if isinstance(p, Tensor) else float(p)
    _check_identity(diff, p, None)
    return apply(DIST, (diff,), {"ord": p, "dims": tuple(range(diff.ndim)), "keepdim": False})


def renorm(input, p, dim, maxnorm):
    """Each slice input.select(dim, i) whose p-norm exceeds `maxnorm` scaled down to norm
    `maxnorm` (factor maxnorm / (norm + 1e-7), as PyTorch); the others unchanged."""
    from .elementwise import gt

    if isinstance(p, Tensor):
        p = p.item()
    if p <= 0:
        raise RuntimeError("renorm: non-positive-norm not supported")
    if maxnorm < 0:
        raise RuntimeError(f"renorm: expected maxnorm to be >= 0 but got {maxnorm}")
    if input.ndim <= 1:
        raise RuntimeError(f"renorm: input needs at least 2 dimensions, got {input.ndim} "
                           "dimensions")
    d = _one_dim("renorm", input, dim)
    others = tuple(i for i in range(input.ndim) if i != d)
    norms = vector_norm(input, p, others, keepdim=True)
    big = gt(norms, maxnorm)
    factor = where(big, div(maxnorm, where(big, norms, 1.0) + 1e-7), 1.0)
    return mul(input, factor)


# Tensor methods of these ops are installed by sorting.py (_tensor_methods imports this module,
# so it cannot call install_methods while it is being imported).
METHODS = {
    "prod": prod, "nansum": nansum, "nanmean": nanmean, "var": var, "std": std,
    "aminmax": aminmax, "all": all, "any": any, "count_nonzero": count_nonzero,
    "norm": lambda self, p="fro", dim=None, keepdim=False, dtype=None: norm(
        self, p, dim, keepdim, dtype=dtype),
    "dist": dist, "renorm": renorm,
}
INPLACE_METHODS = {"renorm_": renorm}
