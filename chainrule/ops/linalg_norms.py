"""Norms: linalg.vector_norm (one op), linalg.matrix_norm and linalg.norm (composed from it,
from svdvals and from abs/sum/amax), and linalg.cond.

vector_norm's VJP is g * c(x), its JVP sum(c(x) * dx) over the reduced dims, with c the
gradient of the norm:

    ord       c(x)
    0         0                                   (a count: piecewise constant)
    1         sign(x)                             (sign(0) = 0)
    2         x / norm                            (0 where norm = 0: a subgradient, as PyTorch)
    +-inf     sign(x) [|x| = norm] / #ties        (ties share the gradient evenly, as amax)
    p         sign(x) |x|^(p-1) / norm^(p-1)      (0 where x = 0 or norm = 0)
"""

import math

import numpy as np

from ._batching import dims as _batch_dims
from ._core import Op, apply, normalize_dim
from .elementwise import abs as _abs
from .elementwise import cast, div, eq, mul, pow, sign, where
from .linalg_common import check_float, data, dtype_of, shape_of, type_name
from .reduction import amax, amin
from .reduction import sum as _sum
from .shape import movedim, reshape, unsqueeze

__all__ = []

_INF = math.inf


def _vnorm_forward(x, ord, dim, keepdim):
    with np.errstate(all="ignore"):
        if ord == 2:
            out = np.sqrt(np.sum(x * x, axis=dim, keepdims=keepdim))
        elif ord == _INF:
            out = np.max(np.abs(x), axis=dim, keepdims=keepdim) if x.size else \
                np.zeros(_reduced_shape(x.shape, dim, keepdim), x.dtype)
        elif ord == -_INF:
            out = np.min(np.abs(x), axis=dim, keepdims=keepdim) if x.size else \
                np.zeros(_reduced_shape(x.shape, dim, keepdim), x.dtype)
        elif ord == 0:
            out = np.sum(x != 0, axis=dim, keepdims=keepdim)
        elif ord == 1:
            out = np.sum(np.abs(x), axis=dim, keepdims=keepdim)
        else:
            out = np.sum(np.abs(x) ** ord, axis=dim, keepdims=keepdim) ** (1.0 / ord)
    return np.asarray(out).astype(x.dtype, copy=False)


def _reduced_shape(shape, dim, keepdim):
    if keepdim:
        return tuple(1 if i in dim else s for i, s in enumerate(shape))
    return tuple(s for i, s in enumerate(shape) if i not in dim)


def _keep(v, x_shape, dim, keepdim):
    """v (the norm or its gradient) with the reduced dims kept as size 1."""
    if keepdim:
        return v
    return reshape(v, tuple(1 if i in dim else s for i, s in enumerate(x_shape)))


def _safe(v, bad):
    """v with ones where `bad` (so that a division or power there stays finite)."""
    return where(bad, 1.0, v)


def norm_gradient(x, norm_k, ord, dim):
    """c(x): the gradient of the ord-norm at x (see the module docstring); norm_k has the
    reduced dims kept."""
    if ord == 0:
        return mul(x, 0)
    if ord == 1:
        return sign(x)
    zero_norm = eq(norm_k, 0)
    if ord == 2:
        return where(zero_norm, 0.0, div(x, _safe(norm_k, zero_norm)))
    if ord in (_INF, -_INF):
        ties = eq(_abs(x), norm_k)
        count = np.sum(data(ties), axis=dim, keepdims=True).astype(dtype_of(x))
        return div(mul(sign(x), cast(ties, dtype_of(x))), np.maximum(count, 1))
    zero_x = eq(x, 0)
    ax = _safe(_abs(x), zero_x)
    num = mul(sign(x), pow(ax, ord - 1))
    return where(zero_norm, 0.0, div(num, pow(_safe(norm_k, zero_norm), ord - 1)))


def _vnorm_vjp(g, ans, x, ord, dim, keepdim):
    shape = shape_of(x)
    c = norm_gradient(x, _keep(ans, shape, dim, keepdim), ord, dim)
    return mul(_keep(g, shape, dim, keepdim), c)


def _vnorm_jvp(tangents, ans, x, ord, dim, keepdim):
    c = norm_gradient(x, _keep(ans, shape_of(x), dim, keepdim), ord, dim)
    return _sum(mul(c, tangents[0]), dim, keepdim)


VECTOR_NORM = Op("linalg_vector_norm", _vnorm_forward, (_vnorm_vjp,), saves=(0,),
                 saves_ans=True, jvp=_vnorm_jvp, batch=_batch_dims("dim"),
                 backward_name="LinalgVectorNormBackward0")


def _number_ord(fn, ord):
    if isinstance(ord, str) or not isinstance(ord, (int, float, np.number)) or \
            isinstance(ord, bool):
        raise TypeError(f"{fn}(): argument 'ord' (position 2) must be Number, not "
                        f"{type(ord).__name__}")
    return float(ord)


def _apply_dtype(name, x, dtype):
    if dtype is None:
        return x
    from .._dtype import to_numpy_dtype

    target = to_numpy_dtype(dtype)
    src = x._data.dtype
    if target.kind != "f" or (src.kind == "f" and target.itemsize < src.itemsize):
        raise RuntimeError(f"{name}: the dtype of the input ({type_name(src)}) should be "
                           f"convertible without narrowing to the specified dtype "
                           f"({type_name(target)})")
    return cast(x, target)


def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None, out=None):
    """The vector ord-norm of x over `dim` (all dims if None): ord in R, inf or -inf.

    >>> import chainrule as torch
    >>> torch.linalg.vector_norm(torch.tensor([3., -4.]))
    tensor(5.)
    >>> torch.linalg.vector_norm(torch.tensor([3., -4.]), float('inf'))
    tensor(4.)
    """
    if out is not None:
        raise TypeError("chainrule.linalg.vector_norm: the out= argument is not supported")
    ord = _number_ord("linalg_vector_norm", ord)
    check_float("linalg.vector_norm", x)
    x = _apply_dtype("linalg.vector_norm", x, dtype)
    dims = normalize_dim("linalg.vector_norm", dim, x.ndim)
    if ord < 0 or ord == _INF:
        shown = _ord_str(ord)
        if x.numel() == 0 and dim is None:
            raise RuntimeError(f"linalg.vector_norm cannot compute the {shown} norm on an empty "
                               "tensor because the operation does not have an identity")
        for d in dims:
            if x.shape[d] == 0:
                raise RuntimeError(f"linalg.vector_norm cannot compute the {shown} norm on the "
                                   f"dimension {d}because this dimension is empty and the "
                                   "operation does not have an identity")
    return apply(VECTOR_NORM, (x,), {"ord": ord, "dim": dims, "keepdim": bool(keepdim)})


def _ord_str(ord):
    if ord in (_INF, -_INF):
        return "inf" if ord > 0 else "-inf"
    return str(int(ord)) if float(ord).is_integer() else str(ord)


# --- matrix norms ---------------------------------------------------------------------------------

_MATRIX_ORDS = ("fro", "nuc", _INF, -_INF, 1, -1, 2, -2)


def _matrix_dims(name, A, dim):
    if A.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions.")
    d = tuple(dim)
    if len(d) != 2:
        raise RuntimeError(f"{name}: dim must be a 2-tuple. Got {tuple(d)}")
    d0, d1 = normalize_dim(name, d[0], A.ndim)[0], normalize_dim(name, d[1], A.ndim)[0]
    if d0 == d1:
        raise RuntimeError(f"{name}: dims must be different. Got ({d[0]}, {d[1]})")
    return d0, d1


def _svd_norm(A, ord, d0, d1, keepdim):
    from .linalg_decomp import svdvals

    s = svdvals(movedim(A, (d0, d1), (-2, -1)))
    if ord == "nuc":
        out = _sum(s, -1)
    elif ord == 2:
        out = amax(s, -1)
    else:
        out = amin(s, -1)
    if keepdim:
        for d in sorted((d0, d1)):
            out = unsqueeze(out, d)
    return out


def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None, out=None):
    """The matrix norm of A over the two dims `dim`: 'fro', 'nuc', 2 / -2 (largest / smallest
    singular value), 1 / -1 (max / min column abs-sum), inf / -inf (max / min row abs-sum).

    >>> import chainrule as torch
    >>> A = torch.tensor([[1., -2.], [3., 4.]])
    >>> torch.linalg.matrix_norm(A, 1), torch.linalg.matrix_norm(A, float('inf'))
    (tensor(6.), tensor(7.))
    """
    name = "linalg.matrix_norm"
    if out is not None:
        raise TypeError("chainrule.linalg.matrix_norm: the out= argument is not supported")
    d0, d1 = _matrix_dims(name, A, dim)
    if isinstance(ord, str):
        if ord not in ("fro", "nuc"):
            raise RuntimeError(f"{name}: Order {ord} not supported.")
    elif ord not in _MATRIX_ORDS:
        raise RuntimeError(f"{name}: Order {ord} not supported.")
    check_float(name, A)
    A = _apply_dtype(name, A, dtype)
    if ord == "fro":
        return vector_norm(A, 2, (d0, d1), keepdim)
    if ord in ("nuc", 2, -2):
        return _svd_norm(A, ord, d0, d1, keepdim)
    if ord in (_INF, -_INF):
        d0, d1 = d1, d0
    if not keepdim and d0 < d1:
        d1 -= 1
    sums = _sum(_abs(A), d0, keepdim)
    return amax(sums, d1, keepdim) if ord > 0 else amin(sums, d1, keepdim)


def norm(A, ord=None, dim=None, keepdim=False, *, dtype=None, out=None):
    """linalg.norm: a vector norm (1-d input, or one dim) or a matrix norm (2-d input, or two
    dims); with ord and dim both None, the 2-norm of the flattened input.

    >>> import chainrule as torch
    >>> torch.linalg.norm(torch.tensor([[3., 0.], [0., 4.]]))
    tensor(5.)
    """
    if out is not None:
        raise TypeError("chainrule.linalg.norm: the out= argument is not supported")
    if dim is not None:
        dim = (dim,) if isinstance(dim, (int, np.integer)) else tuple(dim)
        if len(dim) not in (1, 2):
            raise RuntimeError(f"linalg.norm: If dim is specified, it must be of length 1 or 2. "
                               f"Got {list(dim)}")
    elif ord is not None and A.ndim not in (1, 2):
        raise RuntimeError(f"linalg.norm: If dim is not specified but ord is, the input must be "
                           f"1D or 2D. Got {A.ndim}D.")
    if ord is None:
        if dim is not None and len(dim) == 2:
            return matrix_norm(A, "fro", dim, keepdim, dtype=dtype)
        return vector_norm(A, 2, dim, keepdim, dtype=dtype)
    matrix = (dim is not None and len(dim) == 2) or (dim is None and A.ndim == 2)
    if isinstance(ord, str) or matrix:
        return matrix_norm(A, ord, dim if dim is not None else (-2, -1), keepdim, dtype=dtype)
    return vector_norm(A, ord, dim, keepdim, dtype=dtype)


def cond(A, p=None, *, out=None):
    """The condition number of A in the p-norm (None or 2: s_max / s_min; -2: s_min / s_max;
    others: norm(A) * norm(inv(A)), inf for singular A).

    >>> import chainrule as torch
    >>> torch.linalg.cond(torch.tensor([[1., 0.], [0., 4.]]))
    tensor(4.)
    """
    from .linalg_common import check_square
    from .linalg_decomp import svdvals
    from .linalg_solve import inv_ex

    if out is not None:
        raise TypeError("chainrule.linalg.cond: the out= argument is not supported")
    if p is None or p in (2, -2):
        s = svdvals(A)
        hi, lo = s[..., 0], s[..., -1]
        return div(hi, lo) if p in (None, 2) else div(lo, hi)
    check_square(f"linalg.cond(ord={p})", A)
    return mul(matrix_norm(A, p), matrix_norm(inv_ex(A).inverse, p))
