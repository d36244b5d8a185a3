"""Reductions: sum, mean, max/min (full and along a dim), argmax/argmin, logsumexp, softmax,
log_softmax.

Conventions at ties: a full max()/min() shares the gradient evenly among tied elements (as
PyTorch's max() and amax do); max(dim)/min(dim) send it to the index they return (the first).
"""

from collections import namedtuple

import numpy as np

from .._dtype import default_float_np, to_numpy_dtype
from .._tensor import Tensor
from ._core import Op, apply, normalize_dim
from .elementwise import div, eq, exp, mul, sub, where
from .shape import expand, reshape

_ndarray = np.ndarray
_add_reduce = np.add.reduce
_max_reduce = np.maximum.reduce


def _keep_shape(shape, dims):
    return tuple(1 if i in dims else s for i, s in enumerate(shape))


def _unreduce(g, x_shape, dims, keepdim):
    """Broadcast a reduced gradient back over the reduced dims."""
    if not keepdim:
        g = reshape(g, _keep_shape(x_shape, dims))
    return expand(g, x_shape)


def _dims(name, x, dim):
    nd = x.ndim
    if dim.__class__ is int and -nd <= dim < nd:  # the common case, without normalize_dim
        return (dim % nd,)
    return normalize_dim(name, dim, nd)


# --- sum / mean --------------------------------------------------------------------------------

def _sum_forward(x, dims, keepdim, dtype):
    if dtype is None and x.dtype.kind in "biu" and x.dtype != np.int64:
        dtype = np.int64
    return _add_reduce(x, axis=dims, keepdims=keepdim, dtype=dtype)  # np.sum without its wrapper


SUM = Op("sum", _sum_forward,
         (lambda g, ans, x, dims, keepdim, dtype: _unreduce(g, x.shape, dims, keepdim),))
SUM_DIM = Op("sum", _sum_forward, SUM.vjps, backward_name="SumBackward1")  # sum(x, dim)


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


def _count(shape, dims):
    n = 1
    for d in dims:
        n *= shape[d]
    return n


def _mean_vjp(g, ans, x, dims, keepdim, dtype):
    return _unreduce(div(g, _count(x.shape, dims) or 1), x.shape, dims, keepdim)


MEAN = Op("mean", _mean_forward, (_mean_vjp,))
MEAN_DIM = Op("mean", _mean_forward, (_mean_vjp,), backward_name="MeanBackward1")


def _np_dtype(dtype):
    return None if dtype is None else to_numpy_dtype(dtype)


def sum(input, dim=None, keepdim=False, *, dtype=None):
    """Sum over `dim` (an int, a tuple of ints, or None for all)."""
    dims = _dims("sum", input, dim)
    return apply(SUM if dim is None else SUM_DIM, (input,),
                 {"dims": dims, "keepdim": keepdim, "dtype": _np_dtype(dtype)})


def mean(input, dim=None, keepdim=False, *, dtype=None):
    """Mean over `dim` (an int, a tuple of ints, or None for all); floating inputs only."""
    dims = _dims("mean", input, dim)
    return apply(MEAN if dim is None else MEAN_DIM, (input,),
                 {"dims": dims, "keepdim": keepdim, "dtype": _np_dtype(dtype)})


# --- max / min ---------------------------------------------------------------------------------

def _check_nonempty(name, x, dims):
    if x.size == 0 and (not dims or any(x.shape[d] == 0 for d in dims) or x.ndim == 0):
        raise RuntimeError(
            f"{name}(): Expected reduction dim to be specified for input.numel() == 0. Specify "
            "the reduction dim with the 'dim' argument."
        )


def _full_forward(np_fn, name):
    def forward(x):
        _check_nonempty(name, x, ())
        return np_fn(x, axis=None)  # a ufunc's reduce (faster than np.max), over every axis

    return forward


def _even_share(g, ans, x):
    # ties share the gradient evenly
    mask = eq(x, ans)
    return div(mul(g, mask), sum(mask))


MAX_ALL = Op("max", _full_forward(np.maximum.reduce, "max"), (_even_share,), saves=(0,),
             saves_ans=True, backward_name="MaxBackward1")
MIN_ALL = Op("min", _full_forward(np.minimum.reduce, "min"), (_even_share,), saves=(0,),
             saves_ans=True, backward_name="MinBackward1")


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
    data = getattr(x, "_data", x)
    if data.ndim == 0:
        return np.ones((), dtype=bool)
    idx = np.expand_dims(np_arg(data, axis=dim), dim)
    positions = np.arange(data.shape[dim]).reshape((-1,) + (1,) * (data.ndim - dim - 1))
    return positions == idx


def _dim_vjp(np_arg):
    def rule(g, ans, x, dim, keepdim):
        if np.ndim(getattr(x, "_data", x)) == 0:
            return g
        if not keepdim:
            g = reshape(g, _keep_shape(x.shape, (dim,)))
        return where(_arg_mask(np_arg, x, dim), g, 0.0)

    return rule


MAX_DIM = Op("max_dim", _dim_forward(np.argmax, "max"), (_dim_vjp(np.argmax),), saves=(0,),
             backward_name="MaxBackward0")
MIN_DIM = Op("min_dim", _dim_forward(np.argmin, "min"), (_dim_vjp(np.argmin),), saves=(0,),
             backward_name="MinBackward0")

_return_types = {}


def _return_type(name):
    cls = _return_types.get(name)
    if cls is None:
        cls = _return_types[name] = namedtuple(name, ["values", "indices"])
        cls.__repr__ = lambda self: (f"torch.return_types.{name}(\nvalues={self.values!r},\n"
                                     f"indices={self.indices!r})")
    return cls


def _reduce_with_indices(name, op, np_arg, input, dim, keepdim):
    d = _dims(name, input, dim)
    d = d[0] if d else 0
    values = apply(op, (input,), {"dim": d, "keepdim": keepdim})
    indices = _argreduce(np_arg, name, input, d, keepdim)
    return _return_type(name)(values, indices)


def _binary_or_reduce(name, all_op, dim_op, np_arg, pair_fn):
    def fn(input, dim=None, keepdim=False):
        if dim is None:
            return apply(all_op, (input,), {})
        if isinstance(dim, Tensor):
            return pair_fn(input, dim)  # max(a, b) is maximum
        return _reduce_with_indices(name, dim_op, np_arg, input, _int_dim(name, dim), keepdim)

    fn.__name__ = name
    fn.__doc__ = (f"{name}(input) -> the {name} element; {name}(input, dim, keepdim=False) -> "
                  f"(values, indices); {name}(input, other) -> elementwise.")
    return fn


def _int_dim(name, dim):
    """`dim` of an op that reduces one dimension: an int (a tuple is a TypeError, as in PyTorch)."""
    if isinstance(dim, (int, np.integer)) and not isinstance(dim, bool):
        return int(dim)
    raise TypeError(f"{name}(): argument 'dim' must be int, not {type(dim).__name__}")


def _maximum(a, b):
    from .elementwise import maximum

    return maximum(a, b)


def _minimum(a, b):
    from .elementwise import minimum

    return minimum(a, b)


max = _binary_or_reduce("max", MAX_ALL, MAX_DIM, np.argmax, _maximum)
min = _binary_or_reduce("min", MIN_ALL, MIN_DIM, np.argmin, _minimum)


def _amax_forward(np_fn):
    def forward(x, dims, keepdim):
        _check_nonempty("amax", x, dims)
        return np_fn(x, axis=dims, keepdims=keepdim)

    return forward


def _amax_vjp(g, ans, x, dims, keepdim):
    ans = reshape(ans, _keep_shape(x.shape, dims))
    g = reshape(g, _keep_shape(x.shape, dims))
    mask = eq(x, ans)
    return div(mul(g, mask), sum(mask, dims, keepdim=True))


AMAX = Op("amax", _amax_forward(np.maximum.reduce), (_amax_vjp,), saves=(0,), saves_ans=True)
AMIN = Op("amin", _amax_forward(np.minimum.reduce), (_amax_vjp,), saves=(0,), saves_ans=True)


def amax(input, dim=(), keepdim=False):
    return apply(AMAX, (input,), {"dims": _dims("amax", input, dim), "keepdim": keepdim})


def amin(input, dim=(), keepdim=False):
    return apply(AMIN, (input,), {"dims": _dims("amin", input, dim), "keepdim": keepdim})


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


ARGMAX = Op("argmax", _arg_forward(np.argmax, "argmax"))
ARGMIN = Op("argmin", _arg_forward(np.argmin, "argmin"))


def _argreduce(np_arg, name, input, dim, keepdim):
    op = ARGMAX if np_arg is np.argmax else ARGMIN
    return apply(op, (input,), {"dim": dim, "keepdim": keepdim})


def argmax(input, dim=None, keepdim=False):
    if dim is not None:
        dim = _dims("argmax", input, _int_dim("argmax", dim))
        dim = dim[0] if dim else 0
    return apply(ARGMAX, (input,), {"dim": dim, "keepdim": keepdim})


def argmin(input, dim=None, keepdim=False):
    if dim is not None:
        dim = _dims("argmin", input, _int_dim("argmin", dim))
        dim = dim[0] if dim else 0
    return apply(ARGMIN, (input,), {"dim": dim, "keepdim": keepdim})


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


def _logsumexp_vjp(g, ans, x, dims, keepdim):
    if not keepdim:
        g = reshape(g, _keep_shape(x.shape, dims))
        ans = reshape(ans, _keep_shape(x.shape, dims))
    return mul(g, exp(sub(x, ans)))


LOGSUMEXP = Op("logsumexp", _logsumexp_forward, (_logsumexp_vjp,), saves=(0,), saves_ans=True)


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


_TORCH_NAMES = {"bool": "Bool", "uint8": "Byte", "int8": "Char", "int16": "Short", "int32": "Int",
                "int64": "Long"}


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
        z = _shifted("log_softmax", x, dim)
        return z - np.log(_add_reduce(np.exp(z), axis=dim, keepdims=True))


SOFTMAX = Op("softmax", _softmax_forward,
             (lambda g, ans, x, dim: mul(ans, sub(g, sum(mul(g, ans), dim, keepdim=True))),),
             saves_ans=True, backward_name="SoftmaxBackward0")
LOG_SOFTMAX = Op("log_softmax", _log_softmax_forward,
                 (lambda g, ans, x, dim: sub(g, mul(exp(ans), sum(g, dim, keepdim=True))),),
                 saves_ans=True, backward_name="LogSoftmaxBackward0")


def _softmax_dim(name, input, dim):
    if dim is not None:
        dim = _int_dim(name, dim)
    if dim is None:
        nd = np.ndim(getattr(input, "_data", input))
        dim = 0 if nd in (0, 1, 3) else 1  # PyTorch's legacy implicit choice
    d = _dims(name, input, dim)
    return d[0] if d else 0


def softmax(input, dim=None, dtype=None):
    """exp(x) / sum(exp(x)) along dim, computed stably."""
    if dtype is not None:
        input = input.to(dtype)
    return apply(SOFTMAX, (input,), {"dim": _softmax_dim("softmax", input, dim)})


def log_softmax(input, dim=None, dtype=None):
    """x - logsumexp(x) along dim, computed stably."""
    if dtype is not None:
        input = input.to(dtype)
    return apply(LOG_SOFTMAX, (input,), {"dim": _softmax_dim("log_softmax", input, dim)})
