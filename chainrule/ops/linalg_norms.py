"""Norms: linalg.matrix_norm and linalg.norm (composed from vector_norm, svdvals and
abs/sum/amax) and linalg.cond. linalg.vector_norm is reduction.vector_norm: the one vector-norm
op (VECTOR_NORM, with its rules and their conventions at zero) lives in reduction.py.
"""

import math

import numpy as np

from ._core import normalize_dim
from .elementwise import abs as _abs
from .elementwise import cast, div, mul
from .linalg_common import check_float, type_name
from .reduction import amax, amin, vector_norm
from .reduction import sum as _sum
from .shape import movedim, unsqueeze

__all__ = []

_INF = math.inf


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
