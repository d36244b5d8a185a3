"""Matrix products: matmul (1-d, 2-d, batched, broadcasting), mm, bmm, dot, mv, outer.

The matmul rules promote 1-d operands to matrices, take the two products of matrix calculus,
and drop the added dimension again; the engine sums broadcast batch dimensions away.
"""

import numpy as np

from .._dtype import from_numpy_dtype
from ._core import Op, apply
from .elementwise import mul
from .shape import squeeze, transpose, unsqueeze

_ndarray = np.ndarray


def _matmul_forward(x, y):
    if x.__class__ is not _ndarray or y.__class__ is not _ndarray:
        x, y = _arrays(x, y)
    if x.dtype != y.dtype:
        # PyTorch does not promote in matrix products
        raise RuntimeError(
            f"matmul: expected both operands to have the same dtype, but got "
            f"{from_numpy_dtype(x.dtype)} and {from_numpy_dtype(y.dtype)} (shapes "
            f"{list(x.shape)} and {list(y.shape)})"
        )
    if x.ndim == 0 or y.ndim == 0:
        raise RuntimeError(
            f"both arguments to matmul need to be at least 1D, but they are {x.ndim}D and "
            f"{y.ndim}D"
        )
    kx = x.shape[-1]
    ky = y.shape[-2] if y.ndim > 1 else y.shape[0]
    if kx != ky:
        raise RuntimeError(_shape_message(x.shape, y.shape))
    try:
        return np.matmul(x, y)
    except ValueError:
        raise RuntimeError(_shape_message(x.shape, y.shape) + " (batch dimensions do not "
                           "broadcast)") from None


def _arrays(x, y):
    for v, which in ((x, "input"), (y, "other")):
        if not isinstance(v, (_ndarray, np.generic)):
            raise TypeError(f"matmul(): argument '{which}' must be Tensor, not "
                            f"{type(v).__name__}")
    return np.asarray(x), np.asarray(y)


def _shape_message(a, b):
    if len(a) == 2 and len(b) == 2:
        return (f"mat1 and mat2 shapes cannot be multiplied ({a[0]}x{a[1]} and {b[0]}x{b[1]})")
    return f"matmul: shapes {list(a)} and {list(b)} cannot be multiplied"


def _mT(a):
    return transpose(a, -1, -2)


def _as_matrices(g, x, y):
    """g, x, y with 1-d x or y promoted to matrices (and g given the matching unit dims)."""
    if x.ndim == 1:
        x = unsqueeze(x, 0)
        g = unsqueeze(g, -2)
    if y.ndim == 1:
        y = unsqueeze(y, -1)
        g = unsqueeze(g, -1)
    return g, x, y


def _matmul_vjp_x(g, ans, x, y):
    if x.ndim == 1 and y.ndim == 1:
        return mul(g, y)
    x_ndim = x.ndim
    g, x, y = _as_matrices(g, x, y)
    gx = matmul(g, _mT(y))
    return squeeze(gx, -2) if x_ndim == 1 else gx


def _matmul_vjp_y(g, ans, x, y):
    if x.ndim == 1 and y.ndim == 1:
        return mul(g, x)
    y_ndim = y.ndim
    g, x, y = _as_matrices(g, x, y)
    gy = matmul(_mT(x), g)
    return squeeze(gy, -1) if y_ndim == 1 else gy


MATMUL = Op("matmul", _matmul_forward, (_matmul_vjp_x, _matmul_vjp_y), saves=(0, 1),
            backward_name="MmBackward0")
# One op, named as PyTorch names the last node its matmul records for these operand ranks
_NAMED = {name: Op("matmul", _matmul_forward, MATMUL.vjps, saves=(0, 1), backward_name=name)
          for name in ("DotBackward0", "MvBackward0", "SqueezeBackward4", "BmmBackward0",
                       "UnsafeViewBackward0", "CloneBackward0")}
_NAMED["MmBackward0"] = MATMUL


def _matmul_op(x, y):
    nx, ny = x.ndim, y.ndim
    if nx <= 2 and ny <= 2:
        return _NAMED[_SMALL_NAMES.get((nx, ny), "MmBackward0")]
    if ny >= 3 and (nx == 2 or (nx >= 3 and _batch(x) == 1 and _batch(y) > 1)):
        return _NAMED["CloneBackward0"]  # PyTorch folds the transposed problem, then copies
    return _NAMED["UnsafeViewBackward0"]


_SMALL_NAMES = {(1, 1): "DotBackward0", (2, 1): "MvBackward0", (1, 2): "SqueezeBackward4"}


def _batch(t):
    n = 1
    for s in t.shape[:-2]:
        n *= s
    return n


def matmul(input, other):
    """Matrix product with NumPy's (and PyTorch's) rules for 1-d and batched operands."""
    return apply(_matmul_op(input, other), (input, other), {})


def _check_ndim(name, t, n, which):
    if t.ndim != n:
        raise RuntimeError(f"{name}: {which} must be a {n}D tensor (got shape {list(t.shape)})")


def mm(input, mat2):
    _check_ndim("mm", input, 2, "self")
    _check_ndim("mm", mat2, 2, "mat2")
    return apply(MATMUL, (input, mat2), {})


def bmm(input, mat2):
    _check_ndim("bmm", input, 3, "batch1")
    _check_ndim("bmm", mat2, 3, "batch2")
    if input.shape[0] != mat2.shape[0]:
        raise RuntimeError(f"bmm: batch sizes differ: {list(input.shape)} and {list(mat2.shape)}")
    return apply(_NAMED["BmmBackward0"], (input, mat2), {})


def dot(input, other):
    _check_ndim("dot", input, 1, "1st argument")
    _check_ndim("dot", other, 1, "2nd argument")
    if input.shape[0] != other.shape[0]:
        n, m = input.shape[0], other.shape[0]
        raise RuntimeError(
            f"inconsistent tensor size, expected tensor [{n}] and src [{m}] to have the same "
            f"number of elements, but got {n} and {m} elements respectively"
        )
    return matmul(input, other)


inner = dot


def mv(input, vec):
    _check_ndim("mv", input, 2, "self")
    _check_ndim("mv", vec, 1, "vec")
    return matmul(input, vec)


def outer(input, vec2):
    """input[i] * vec2[j]; promotes dtypes like mul (as PyTorch's outer does)."""
    _check_ndim("outer", input, 1, "input")
    _check_ndim("outer", vec2, 1, "vec2")
    return mul(unsqueeze(input, -1), vec2)


ger = outer
