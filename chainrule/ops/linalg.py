"""Matrix and vector products: matmul (1-d, 2-d, batched, broadcasting), mm, bmm, dot, vdot, mv,
inner, outer, addmm/addmv/addbmm/baddbmm/addr, kron, cross, cdist, chain_matmul.

matmul is the one primitive (einsum and tensordot live in einsum.py). Its VJP rules promote 1-d
operands to matrices, take the two products of matrix calculus and drop the added dimension
again; the engine sums broadcast batch dimensions away. Its JVP is the product rule (bilinear):
matmul(tA, B) + matmul(A, tB). Its vmap rule promotes 1-d operands, lines the batch dims up and
calls the batched matmul (so mm, mv, dot and bmm, which all dispatch to it, batch for free).
Everything else here is composed from matmul and elementwise/shape ops.
"""

import warnings

import numpy as np

from .._dtype import from_numpy_dtype
from ._batching import move_to_front
from ._core import Op, apply
from .elementwise import add, mul, sub, where
from .reduction import sum as _sum
from .shape import expand, reshape, squeeze, stack, transpose, unsqueeze

__all__ = [
    "addbmm", "addmm", "addmv", "addr", "baddbmm", "bmm", "cdist", "chain_matmul", "cross", "dot", "ger",
    "inner", "kron", "matmul", "mm", "mv", "outer", "vdot",
]

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


def _matmul_jvp(tangents, ans, x, y):
    tx, ty = tangents
    out = None if tx is None else matmul(tx, y)
    if ty is not None:
        term = matmul(x, ty)
        out = term if out is None else add(out, term)
    return out


def _ndim(a):
    return np.ndim(getattr(a, "_data", a))


def _matmul_batch(op, args, bdims, params):
    """vmap: promote logical 1-d operands to matrices, move the batch dim first, insert unit
    dims so that the logical batch dims line up from the right, matmul, squeeze the promotions."""
    (x, y), (bx, by) = args, bdims
    lx = _ndim(x) - (bx is not None)
    ly = _ndim(y) - (by is not None)
    if bx is not None:
        x = move_to_front(x, bx)
    if by is not None:
        y = move_to_front(y, by)
    if lx == 1:
        x = unsqueeze(x, -2)
    if ly == 1:
        y = unsqueeze(y, -1)
    mx, my = max(lx, 2), max(ly, 2)  # logical ranks after promotion
    x = _pad_after_batch(x, bx is not None, max(my - mx, 0))
    y = _pad_after_batch(y, by is not None, max(mx - my, 0))
    out = apply(MATMUL, (x, y), {})
    if ly == 1:
        out = squeeze(out, -1)
    if lx == 1:
        out = squeeze(out, -1 if ly == 1 else -2)
    return out, 0


def _pad_after_batch(a, batched, n):
    if not batched or n == 0:
        return a
    shape = np.shape(getattr(a, "_data", a))
    return reshape(a, (shape[0],) + (1,) * n + tuple(shape[1:]))


def _matmul_decl(backward_name):
    return Op("matmul", _matmul_forward, (_matmul_vjp_x, _matmul_vjp_y), saves=(0, 1),
              jvp=_matmul_jvp, batch=_matmul_batch, backward_name=backward_name)


MATMUL = _matmul_decl("MmBackward0")
# One op, named as PyTorch names the last node its matmul records for these operand ranks
_NAMED = {name: _matmul_decl(name)
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
    """Matrix product with NumPy's (and PyTorch's) rules for 1-d and batched operands.

    >>> import chainrule as torch
    >>> torch.matmul(torch.ones(5, 2, 3), torch.ones(3)).shape
    torch.Size([5, 2])
    """
    return apply(_matmul_op(input, other), (input, other), {})


def _check_ndim(name, t, n, which):
    if t.ndim != n:
        raise RuntimeError(f"{name}: {which} must be a {n}D tensor (got shape {list(t.shape)})")


def _torch_type(t):
    return {"float32": "float", "float64": "double", "float16": "half", "int64": "long",
            "int32": "int"}.get(t._data.dtype.name, t._data.dtype.name)


def _type_name(t):
    from .linalg_common import type_name

    return type_name(t._data.dtype)


def mm(input, mat2):
    """The product of two matrices (2-d only; see matmul for broadcasting)."""
    if input.ndim != 2:
        raise RuntimeError(f"mm: self must be a matrix (got shape {list(input.shape)})")
    if mat2.ndim != 2:
        raise RuntimeError(f"mm: mat2 must be a matrix (got shape {list(mat2.shape)})")
    if input._data.dtype != mat2._data.dtype:
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: "
                           f"{_torch_type(input)} != {_torch_type(mat2)}")
    return apply(MATMUL, (input, mat2), {})


def bmm(input, mat2):
    """Batched matrix product of (b, n, m) and (b, m, p) tensors (no broadcasting)."""
    _check_ndim("bmm", input, 3, "batch1")
    _check_ndim("bmm", mat2, 3, "batch2")
    b, _, m = input.shape
    if tuple(mat2.shape[:2]) != (b, m):
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                           f"[{b}, {m}] but got: [{mat2.shape[0]}, {mat2.shape[1]}].")
    return apply(_NAMED["BmmBackward0"], (input, mat2), {})


def _check_vectors(name, input, other):
    if input.ndim != 1 or other.ndim != 1:
        raise RuntimeError(f"{name}: 1D tensors expected, but got {input.ndim}D and "
                           f"{other.ndim}D tensors")
    if input._data.dtype != other._data.dtype:
        raise RuntimeError(f"{name} : expected both vectors to have same dtype, but found "
                           f"{_type_name(input)} and {_type_name(other)}")
    if input.shape[0] != other.shape[0]:
        n, m = input.shape[0], other.shape[0]
        raise RuntimeError(
            f"inconsistent tensor size, expected tensor [{n}] and src [{m}] to have the same "
            f"number of elements, but got {n} and {m} elements respectively"
        )


def dot(input, other):
    """The inner product of two 1-d tensors of the same size and dtype."""
    _check_vectors("dot", input, other)
    return matmul(input, other)


def vdot(input, other):
    """dot(conj(input), other); for the real tensors chainrule supports, the same as dot."""
    _check_vectors("vdot", input, other)
    return matmul(input, other)


def inner(input, other):
    """Sum of products over the last dimension of both inputs (a plain product if either is 0-d).

    >>> import chainrule as torch
    >>> torch.inner(torch.ones(2, 3), torch.ones(4, 3)).shape
    torch.Size([2, 4])
    """
    if input.ndim == 0 or other.ndim == 0:
        return mul(input, other)
    if input.shape[-1] != other.shape[-1]:
        raise RuntimeError(f"inner() the last dimension must match on both input tensors but got "
                           f"shapes {list(input.shape)} and {list(other.shape)}")
    from .einsum import tensordot

    return tensordot(input, other, ([-1], [-1]))


def mv(input, vec):
    """The product of a matrix (n, m) and a vector (m,)."""
    _check_ndim("mv", input, 2, "self")
    _check_ndim("mv", vec, 1, "vec")
    if input.shape[1] != vec.shape[0]:
        raise RuntimeError(f"size mismatch, got input ({input.shape[0]}), mat "
                           f"({input.shape[0]}x{input.shape[1]}), vec ({vec.shape[0]})")
    return matmul(input, vec)


def outer(input, vec2):
    """input[i] * vec2[j]; promotes dtypes like mul (as PyTorch's outer does)."""
    _check_ndim("outer", input, 1, "input")
    _check_ndim("outer", vec2, 1, "vec2")
    return mul(unsqueeze(input, -1), vec2)


ger = outer


# --- fused multiply-adds: beta * input + alpha * product ---------------------------------------


def _axpby(name, input, product, beta, alpha):
    """beta * input + alpha * product; input is ignored when beta == 0 (so nan and inf in it do
    not propagate, as in PyTorch)."""
    if input._data.dtype != product._data.dtype:
        raise RuntimeError(f"{name}: self and mat2 must have the same dtype, but got "
                           f"{_type_name(input)} and {_type_name(product)}")
    try:
        if np.broadcast_shapes(tuple(input.shape), tuple(product.shape)) != product.shape:
            raise ValueError
    except ValueError:
        raise RuntimeError(f"{name}: the input of shape {list(input.shape)} cannot be broadcast "
                           f"to the product's shape {list(product.shape)}") from None
    if product._data.dtype.kind != "f" and (not float(beta).is_integer() or
                                             not float(alpha).is_integer()):
        raise RuntimeError(f"{name}: For integral input tensors, argument beta and alpha must "
                           "not be a floating point number.")
    if alpha != 1:
        product = mul(product, alpha)
    if beta == 0:
        # the product alone (nan and inf in input do not propagate), but input stays in the
        # graph with a zero gradient, as in PyTorch
        return where(np.zeros((), dtype=bool), input, product)
    term = input if beta == 1 else mul(input, beta)
    return add(term, product)


def addmm(input, mat1, mat2, *, beta=1, alpha=1):
    """beta * input + alpha * (mat1 @ mat2); input broadcasts to the product's shape."""
    return _axpby("addmm", input, mm(mat1, mat2), beta, alpha)


def addmv(input, mat, vec, *, beta=1, alpha=1):
    """beta * input + alpha * (mat @ vec)."""
    return _axpby("addmv", input, mv(mat, vec), beta, alpha)


def addbmm(input, batch1, batch2, *, beta=1, alpha=1):
    """beta * input + alpha * sum_b(batch1[b] @ batch2[b])."""
    return _axpby("addbmm", input, _sum(bmm(batch1, batch2), 0), beta, alpha)


def baddbmm(input, batch1, batch2, *, beta=1, alpha=1):
    """beta * input + alpha * bmm(batch1, batch2)."""
    return _axpby("baddbmm", input, bmm(batch1, batch2), beta, alpha)


def addr(input, vec1, vec2, *, beta=1, alpha=1):
    """beta * input + alpha * outer(vec1, vec2)."""
    return _axpby("addr", input, outer(vec1, vec2), beta, alpha)


# --- composites ------------------------------------------------------------------------------


def kron(input, other):
    """The Kronecker product; the shorter shape is padded with leading ones.

    >>> import chainrule as torch
    >>> torch.kron(torch.eye(2), torch.ones(1, 2))
    tensor([[1., 1., 0., 0.],
            [0., 0., 1., 1.]])
    """
    n = max(input.ndim, other.ndim)
    sa = (1,) * (n - input.ndim) + tuple(input.shape)
    sb = (1,) * (n - other.ndim) + tuple(other.shape)
    a = reshape(input, tuple(v for s in sa for v in (s, 1)))
    b = reshape(other, tuple(v for s in sb for v in (1, s)))
    return reshape(mul(a, b), tuple(x * y for x, y in zip(sa, sb)))


def _select(x, dim, i):
    key = (slice(None),) * dim + (i,)
    return x[key]


def _cross(name, input, other, dim):
    if input.ndim != other.ndim:
        raise RuntimeError(f"{name}: inputs must have the same number of dimensions.")
    if input._data.dtype != other._data.dtype:
        raise RuntimeError(f"expected scalar type {_type_name(input)} but found "
                           f"{_type_name(other)}")
    shape = np.broadcast_shapes(tuple(input.shape), tuple(other.shape))
    nd = len(shape)
    if not -nd <= dim < nd:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-nd}, {nd - 1}], "
                         f"but got {dim})")
    d = dim % nd
    if input.shape[d] != 3 or other.shape[d] != 3:
        raise RuntimeError(f"{name}: inputs dimension {dim} must have length 3. Got "
                           f"{input.shape[d]} and {other.shape[d]}")
    a, b = expand(input, shape), expand(other, shape)
    a0, a1, a2 = (_select(a, d, i) for i in range(3))
    b0, b1, b2 = (_select(b, d, i) for i in range(3))
    return stack([sub(mul(a1, b2), mul(a2, b1)), sub(mul(a2, b0), mul(a0, b2)),
                  sub(mul(a0, b1), mul(a1, b0))], d)


def cross(input, other, dim=None):
    """The cross product of 3-vectors along `dim` (default: the first dimension of size 3, with
    PyTorch's deprecation warning; linalg.cross defaults to the last)."""
    if dim is None:
        warnings.warn("Using torch.cross without specifying the dim arg is deprecated.\nPlease "
                      "either pass the dim explicitly or simply use torch.linalg.cross.\nThe "
                      "default value of dim will change to agree with that of linalg.cross in a "
                      "future release.", UserWarning, stacklevel=2)
        shape = np.broadcast_shapes(tuple(input.shape), tuple(other.shape))
        dim = next((i for i, s in enumerate(shape) if s == 3), -1)
    return _cross("linalg.cross", input, other, dim)


def cdist(x1, x2, p=2.0, compute_mode="use_mm_for_euclid_dist_if_necessary"):
    """p-norm distances between the rows of x1 (..., P, M) and of x2 (..., R, M) -> (..., P, R).
    The gradient at a zero distance is 0, and every gradient of p = 0 too (as PyTorch's)."""
    from .linalg_common import type_name
    from .reduction import cdist_norm

    for name, x in (("X1", x1), ("X2", x2)):
        if not x.dtype.is_floating_point:
            raise RuntimeError(f"cdist only supports floating-point dtypes, {name} got: "
                               f"{type_name(x.dtype.np)}")
        if x.dtype.name == "float16":
            raise NotImplementedError("\"cdist\" not implemented for 'Half'")
    if x1.ndim < 2:
        raise RuntimeError(f"cdist only supports at least 2D tensors, X1 got: {x1.ndim}D")
    if x2.ndim < 2:
        raise RuntimeError(f"cdist only supports at least 2D tensors, X2 got: {x2.ndim}D")
    if x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError(f"X1 and X2 must have the same number of columns. X1: "
                           f"{x1.shape[-1]} X2: {x2.shape[-1]}")
    if p < 0:
        raise RuntimeError(f"cdist only supports non-negative p values, got {p}")
    diff = sub(unsqueeze(x1, -2), unsqueeze(x2, -3))
    return cdist_norm(diff, p)


def chain_matmul(*matrices):
    """The product of 2-d matrices (deprecated in PyTorch in favour of linalg.multi_dot)."""
    warnings.warn("torch.chain_matmul is deprecated and will be removed in a future PyTorch "
                  "release. Use torch.linalg.multi_dot instead, which accepts a list of two or "
                  "more tensors rather than multiple parameters.", UserWarning, stacklevel=2)
    if len(matrices) == 1 and isinstance(matrices[0], (list, tuple)):
        matrices = tuple(matrices[0])
    if len(matrices) == 1:
        return matrices[0].clone()
    from .linalg_misc import multi_dot

    return multi_dot(matrices)

