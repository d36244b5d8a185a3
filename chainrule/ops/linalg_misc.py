"""pinv, lstsq, matrix_rank, matrix_power, matrix_exp, multi_dot and small composites
(linalg.cross, vecdot, diagonal, tensorinv, tensorsolve).

pinv is one op with PyTorch's explicit rule (valid while the rank does not change):
    d(A+) = -A+ dA A+ + A+ A+^T dA^T (I - A A+) + (I - A+ A) dA^T A+^T A+
its VJP is the transpose of that map. lstsq's solution is pinv(A) @ B (the minimum-norm least
squares solution), so its gradient is pinv's.

matrix_exp is one op whose VJP and JVP are matrix exponentials of block matrices:
    exp([[A, E], [0, A]]) = [[exp(A), L(A, E)], [0, exp(A)]]
where L(A, E) is the Frechet derivative of exp at A in the direction E; the JVP is L(A, dA) and
the VJP is L(A^T, g). Both call the op itself, so every order works.
"""

import math

import numpy as np

from ._batching import elementwise as _batch_matrices
from ._core import Op, apply
from .elementwise import add, mul, neg, sub
from .linalg import _cross, matmul
from .linalg_common import (
    check_float,
    check_matrix,
    check_square,
    data,
    dtype_of,
    mT,
    shape_of,
    type_name,
)
from .linalg_solve import return_type
from .reduction import sum as _sum
from .shape import cat, movedim, reshape, squeeze, unsqueeze

__all__ = []  # public names: linalg_toplevel.py and chainrule.linalg


# --- pinv -----------------------------------------------------------------------------------------


def _tolerances(a, s_max, atol, rtol):
    """max(atol, rtol * s_max) with PyTorch's defaults."""
    m, n = a.shape[-2:]
    atol_v = 0.0 if atol is None else np.asarray(data(atol), dtype=a.dtype)
    if rtol is None:
        no_atol = atol is None or np.all(np.asarray(data(atol)) <= 0)
        rtol_v = np.finfo(a.dtype).eps * max(m, n) if no_atol else 0.0
    else:
        rtol_v = np.asarray(data(rtol), dtype=a.dtype)
    return np.maximum(atol_v, rtol_v * s_max)


def _pinv_forward(a, atol, rtol, hermitian):
    m, n = a.shape[-2:]
    if a.size == 0:
        return np.zeros(a.shape[:-2] + (n, m), dtype=a.dtype)
    with np.errstate(all="ignore"):
        if hermitian:
            w, v = np.linalg.eigh(a)
            aw = np.abs(w)
            cut = _tolerances(a, np.max(aw, -1, keepdims=True), atol, rtol)
            w_inv = np.where(aw > cut, 1 / w, 0)
            return (v * w_inv[..., None, :]) @ np.swapaxes(v, -1, -2)
        u, s, vh = np.linalg.svd(a, full_matrices=False)
        cut = _tolerances(a, s[..., :1], atol, rtol)
        s_inv = np.where(s > cut, 1 / s, 0).astype(a.dtype)
        return (np.swapaxes(vh, -1, -2) * s_inv[..., None, :]) @ np.swapaxes(u, -1, -2)


def _pinv_vjp(g, ans, a, atol, rtol, hermitian):
    """PyTorch's pinv_backward (real case)."""
    m, n = shape_of(a)[-2:]
    p, ph, gh = ans, mT(ans), mT(g)
    if m <= n:
        k = matmul(gh, p)
        kph = matmul(k, ph)
        out = add(neg(mT(matmul(p, k))), kph)
        out = sub(out, matmul(matmul(a, p), kph))
        return add(out, matmul(matmul(ph, p), sub(gh, matmul(k, a))))
    k = matmul(p, gh)
    phk = matmul(ph, k)
    out = add(neg(mT(matmul(k, p))), matmul(matmul(sub(gh, matmul(a, k)), p), ph))
    return add(out, sub(phk, matmul(matmul(phk, p), a)))


def _pinv_jvp(tangents, ans, a, atol, rtol, hermitian):
    da = tangents[0]
    p = ans
    dat = mT(da)
    out = neg(matmul(matmul(p, da), p))
    ap = matmul(a, p)
    out = add(out, matmul(matmul(p, mT(p)), sub(dat, matmul(dat, ap))))
    pa = matmul(p, a)
    return add(out, matmul(sub(dat, matmul(pa, dat)), matmul(mT(p), p)))


PINV = Op("linalg_pinv", _pinv_forward, (_pinv_vjp,), saves=(0,), saves_ans=True,
          jvp=_pinv_jvp, batch=_batch_matrices, backward_name="LinalgPinvBackward0")


def pinv(A, *, atol=None, rtol=None, hermitian=False, out=None):
    """The Moore-Penrose pseudo-inverse, from the SVD (or eigh if hermitian): singular values
    at most max(atol, rtol * s_max) count as zero (rtol defaults to eps * max(m, n)). The
    gradient assumes the rank does not change near A.

    >>> import chainrule as torch
    >>> torch.linalg.pinv(torch.tensor([[1., 0.], [0., 0.]]))
    tensor([[1., 0.],
            [0., 0.]])
    """
    if out is not None:
        raise TypeError("chainrule.linalg.pinv: the out= argument is not supported")
    dt = dtype_of(A)
    if A.ndim < 2 or dt.kind != "f":
        raise RuntimeError(f"linalg.pinv({type_name(dt)}{{{list(A.shape)}}}): expected a tensor "
                           "with 2 or more dimensions of float, double, cfloat or cdouble types")
    if hermitian:
        check_square("linalg.pinv", A)
    return apply(PINV, (A,), {"atol": _param(atol), "rtol": _param(rtol),
                              "hermitian": bool(hermitian)})


def _param(v):
    return None if v is None else np.asarray(data(v))


def pinverse(input, rcond=1e-15):
    """torch.pinverse: linalg.pinv with rtol=rcond."""
    return pinv(input, rtol=rcond)


# --- lstsq and matrix_rank ------------------------------------------------------------------------

_DRIVERS = ("gels", "gelsy", "gelsd", "gelss")


def lstsq(A, B, rcond=None, *, driver=None):
    """The least-squares solution of A X = B, as the named tuple (solution, residuals, rank,
    singular_values) of torch.linalg.lstsq. The solution is pinv(A) B (minimum norm); residuals
    (squared, per column) are computed for drivers other than 'gelsy' when m > n and A has full
    rank; rank for all drivers but 'gels'; singular_values for 'gelsd' and 'gelss'.

    >>> import chainrule as torch
    >>> A = torch.tensor([[1., 0.], [0., 1.], [1., 1.]])
    >>> torch.linalg.lstsq(A, torch.tensor([[1.], [1.], [0.]])).solution
    tensor([[0.3333],
            [0.3333]])
    """
    from .._tensor import Tensor
    from .linalg_decomp import svdvals

    name = "torch.linalg.lstsq"
    driver = "gelsy" if driver is None else driver
    if driver not in _DRIVERS:
        raise RuntimeError(f"{name}: parameter `driver` should be one of (gels, gelsy, gelsd, "
                           "gelss)")
    if A.ndim < 2:
        raise RuntimeError(f"{name}: input must have at least 2 dimensions.")
    check_float(name, A, "input")
    if A._data.dtype != B._data.dtype:
        raise RuntimeError(f"{name}: Expected input and other to have the same dtype, but got "
                           f"input's dtype {type_name(A._data.dtype)} and other's dtype "
                           f"{type_name(B._data.dtype)}")
    vector = B.ndim == A.ndim - 1
    B2 = unsqueeze(B, -1) if vector else B
    if B2.ndim < 2 or B2.shape[-2] != A.shape[-2]:
        raise RuntimeError(f"{name}: input.size(-2) should match other.size(-2)")
    m, n = A.shape[-2:]
    dt = dtype_of(A)
    rtol = np.finfo(dt).eps * max(m, n) if rcond is None or rcond < 0 else float(rcond)
    solution = matmul(pinv(A, rtol=rtol), B2)
    empty = Tensor._make(np.zeros((0,), dtype=dt))
    rank = Tensor._make(np.zeros((0,), dtype=np.int64))
    if driver != "gels":
        rank = matrix_rank(A, rtol=rtol)
    residuals = empty
    # residuals exist only when every matrix has full rank: a decision on the values
    if driver != "gelsy" and m > n and bool(np.all(_rank(np.asarray(data(A)), None, rtol) == n)):
        r = sub(matmul(A, solution), B2)
        residuals = _sum(mul(r, r), -2)
    sv = svdvals(A.detach()) if driver in ("gelsd", "gelss") else empty
    if vector:
        solution = squeeze(solution, -1)
    return return_type("linalg_lstsq", ["solution", "residuals", "rank", "singular_values"])(
        solution, residuals, rank, sv)


def _rank(a, atol, rtol, hermitian=False):
    if a.size == 0:
        return np.zeros(a.shape[:-2], dtype=np.int64)
    if hermitian:
        s = np.abs(np.linalg.eigvalsh(a))
        s_max = np.max(s, -1, keepdims=True)
    else:
        s = np.linalg.svd(a, compute_uv=False)
        s_max = s[..., :1]
    cut = _tolerances(a, s_max, atol, rtol)
    return np.sum(s > cut, axis=-1).astype(np.int64)


def _rank_forward(a, atol, rtol, hermitian):
    return _rank(a, atol, rtol, hermitian)


def matrix_rank(A, *, atol=None, rtol=None, hermitian=False, tol=None, out=None):
    """The number of singular values above max(atol, rtol * s_max) (not differentiable).

    >>> import chainrule as torch
    >>> torch.linalg.matrix_rank(torch.tensor([[1., 2.], [2., 4.]]))
    tensor(1)
    """

    if out is not None:
        raise TypeError("chainrule.linalg.matrix_rank: the out= argument is not supported")
    if A.ndim < 2:
        raise RuntimeError("torch.linalg.matrix_rank: The input tensor input must have at least "
                           "2 dimensions.")
    if A._data.dtype.kind != "f":
        raise RuntimeError("This function doesn't handle types other than float and double")
    if tol is not None:
        atol, rtol = tol, 0.0
    return apply(MATRIX_RANK, (A,), {"atol": _param(atol), "rtol": _param(rtol),
                                     "hermitian": bool(hermitian)})


MATRIX_RANK = Op("linalg_matrix_rank", _rank_forward, batch=_batch_matrices)


# --- matrix_power and matrix_exp --------------------------------------------------------------------


def matrix_power(A, n):
    """A multiplied by itself n times (n < 0: the inverse's power; n = 0: the identity).

    >>> import chainrule as torch
    >>> torch.linalg.matrix_power(torch.tensor([[1., 1.], [0., 1.]]), 3)
    tensor([[1., 3.],
            [0., 1.]])
    """
    from .._tensor import Tensor
    from .linalg_solve import inv

    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise TypeError(f"linalg_matrix_power(): argument 'n' (position 2) must be int, not "
                        f"{type(n).__name__}")
    shape = check_matrix("linalg.matrix_power", A)
    if shape[-1] != shape[-2]:
        raise RuntimeError(f"linalg.matrix_power: A must be batches of square matrices, but they "
                           f"are {shape[-2]} by {shape[-1]} matrices")
    n = int(n)
    if n == 0:
        eye = np.broadcast_to(np.eye(shape[-1], dtype=A._data.dtype), shape)
        return Tensor._make(np.array(eye))
    base = inv(A) if n < 0 else A
    n = abs(n)
    result = None
    while True:
        if n & 1:
            result = base if result is None else matmul(result, base)
        n >>= 1
        if not n:
            break
        base = matmul(base, base)
    return result if result is not A else A.clone()


_PADE13 = (64764752532480000.0, 32382376266240000.0, 7771770303897600.0, 1187353796428800.0,
           129060195264000.0, 10559470521600.0, 670442572800.0, 33522128640.0, 1323241920.0,
           40840800.0, 960960.0, 16380.0, 182.0, 1.0)
_THETA13 = 5.371920351148152


def _expm(a):
    """exp(A) by scaling and squaring with the [13/13] Pade approximant (Higham 2005), in
    float64, each matrix of the batch scaled by its own power of two."""
    dt = a.dtype
    a = a.astype(np.float64)
    n = a.shape[-1]
    if a.size == 0:
        return a.astype(dt)
    norm1 = np.max(np.sum(np.abs(a), axis=-2), axis=-1)
    with np.errstate(divide="ignore"):
        s = np.maximum(0, np.ceil(np.log2(np.maximum(norm1, 1e-300) / _THETA13))).astype(int)
    s = np.where(np.isfinite(norm1), s, 0)
    a = a / (2.0 ** s)[..., None, None]
    b = _PADE13
    eye = np.eye(n)
    a2 = a @ a
    a4 = a2 @ a2
    a6 = a4 @ a2
    u = a @ (a6 @ (b[13] * a6 + b[11] * a4 + b[9] * a2) + b[7] * a6 + b[5] * a4 + b[3] * a2 +
             b[1] * eye)
    v = a6 @ (b[12] * a6 + b[10] * a4 + b[8] * a2) + b[6] * a6 + b[4] * a4 + b[2] * a2 + \
        b[0] * eye
    r = np.linalg.solve(v - u, v + u)
    for i in range(int(np.max(s, initial=0))):
        r = np.where((i < s)[..., None, None], r @ r, r)
    return r.astype(dt)


def _block(a, e):
    """[[a, e], [0, a]] for batches of n x n matrices."""
    zero = mul(a, 0)
    return cat([cat([a, e], -1), cat([zero, a], -1)], -2)


def _expm_frechet(a, e):
    """L(a, e): the upper-right block of exp([[a, e], [0, a]])."""
    n = shape_of(a)[-1]
    return apply(MATRIX_EXP, (_block(a, e),), {})[..., :n, n:]


def _expm_vjp(g, ans, a):
    return _expm_frechet(mT(a), g)


def _expm_jvp(tangents, ans, a):
    return _expm_frechet(a, tangents[0])


MATRIX_EXP = Op("linalg_matrix_exp", _expm, (_expm_vjp,), saves=(0,), jvp=_expm_jvp,
                batch=_batch_matrices, backward_name="LinalgMatrixExpBackward0")


def matrix_exp(A):
    """The matrix exponential exp(A) = sum_k A^k / k!.

    >>> import chainrule as torch
    >>> torch.linalg.matrix_exp(torch.zeros(2, 2))
    tensor([[1., 0.],
            [0., 1.]])
    """
    check_square("linalg.matrix_exp", A)
    return apply(MATRIX_EXP, (A,), {})


# --- multi_dot --------------------------------------------------------------------------------------


def _chain_order(dims):
    """The optimal parenthesization of a matrix chain (dims[i] x dims[i+1] matrices)."""
    k = len(dims) - 1
    cost = [[0] * k for _ in range(k)]
    split = [[0] * k for _ in range(k)]
    for length in range(1, k):
        for i in range(k - length):
            j = i + length
            cost[i][j] = math.inf
            for s in range(i, j):
                c = cost[i][s] + cost[s + 1][j] + dims[i] * dims[s + 1] * dims[j + 1]
                if c < cost[i][j]:
                    cost[i][j], split[i][j] = c, s
    return split


def _chain(mats, split, i, j):
    if i == j:
        return mats[i]
    s = split[i][j]
    return matmul(_chain(mats, split, i, s), _chain(mats, split, s + 1, j))


def multi_dot(tensors, *, out=None):
    """The product of a chain of matrices in the cheapest order; the first may be a 1-d row
    vector and the last a 1-d column vector.

    >>> import chainrule as torch
    >>> torch.linalg.multi_dot([torch.ones(3), torch.ones(3, 2), torch.ones(2)])
    tensor(6.)
    """
    name = "multi_dot()"
    tensors = list(tensors)
    if len(tensors) < 2:
        raise RuntimeError(f"{name}: expected at least 2 tensors but got {len(tensors)}")
    first, last = tensors[0], tensors[-1]
    if first.ndim not in (1, 2):
        raise RuntimeError(f"{name}: the first tensor must be 1D or 2D but got {first.ndim}D")
    if last.ndim not in (1, 2):
        raise RuntimeError(f"{name}: the last tensor must be 1D or 2D but got {last.ndim}D")
    for i, t in enumerate(tensors[1:-1], 1):
        if t.ndim != 2:
            raise RuntimeError(f"{name}: tensor {i} must be 2D but got {t.ndim}D")
    for i, t in enumerate(tensors[1:], 1):
        if t._data.dtype != first._data.dtype:
            names = {"float32": "float", "float64": "double"}
            raise RuntimeError(f"{name}: all tensors must have be the same dtype but tensor 0 is "
                               f"{names.get(first._data.dtype.name, first._data.dtype.name)} and "
                               f"tensor {i} "
                               f"{names.get(t._data.dtype.name, t._data.dtype.name)}")
    mats = list(tensors)
    if first.ndim == 1:
        mats[0] = unsqueeze(first, 0)
    if last.ndim == 1:
        mats[-1] = unsqueeze(last, -1)
    for i in range(len(mats) - 1):
        if mats[i].shape[-1] != mats[i + 1].shape[0]:
            raise RuntimeError(f"{name}: tensors {i} and {i + 1} with shapes "
                               f"{list(tensors[i].shape)} and {list(tensors[i + 1].shape)} "
                               "cannot be multiplied")
    dims = [mats[0].shape[0]] + [t.shape[1] for t in mats]
    result = _chain(mats, _chain_order(dims), 0, len(mats) - 1)
    if last.ndim == 1:
        result = squeeze(result, -1)
    if first.ndim == 1:
        result = squeeze(result, 0)
    return result


# --- small composites -----------------------------------------------------------------------------


def cross(input, other, *, dim=-1, out=None):
    """The cross product of 3-vectors along `dim` (sizes broadcast; ranks must be equal).

    >>> import chainrule as torch
    >>> torch.linalg.cross(torch.tensor([1., 0., 0.]), torch.tensor([0., 1., 0.]))
    tensor([0., 0., 1.])
    """
    if out is not None:
        raise TypeError("chainrule.linalg.cross: the out= argument is not supported")
    return _cross("linalg.cross", input, other, dim)


def vecdot(x, y, *, dim=-1, out=None):
    """sum(x * y, dim) with broadcasting (the dot product of vectors along `dim`)."""
    if x._data.dtype != y._data.dtype:
        raise RuntimeError(f"linalg.vecdot: Expected x and y to have the same dtype, but found x "
                           f"of type {type_name(x._data.dtype)} and y of type "
                           f"{type_name(y._data.dtype)} instead")
    return _sum(mul(x, y), dim)


def diagonal(A, *, offset=0, dim1=-2, dim2=-1):
    """The diagonal (offset > 0: above, < 0: below) of the matrices in dims dim1, dim2, as the
    last dimension."""
    from .linalg_common import diagonal as _diag

    x = movedim(A, (dim1, dim2), (-2, -1))
    n, m = x.shape[-2:]
    if offset >= 0:
        length = max(min(n, m - offset), 0)
        x = x[..., :length, offset:offset + length]
    else:
        length = max(min(n + offset, m), 0)
        x = x[..., -offset:-offset + length, :length]
    return _diag(x)


def tensorinv(A, ind=2, *, out=None):
    """The inverse of A seen as a matrix prod(A.shape[:ind]) x prod(A.shape[ind:])."""
    from .linalg_solve import inv

    if ind <= 0:
        raise RuntimeError(f"Expected a strictly positive integer for 'ind', but got {ind}")
    lead, rest = tuple(A.shape[:ind]), tuple(A.shape[ind:])
    p, q = int(np.prod(lead)), int(np.prod(rest))
    if p != q:
        raise RuntimeError(f"Expected self to satisfy the requirement prod(self.shape[ind:]) == "
                           f"prod(self.shape[:ind]), but got {q} != {p}")
    return reshape(inv(reshape(A, (p, q))), rest + lead)


def tensorsolve(A, B, dims=None, *, out=None):
    """The X with tensordot(A, X, X.ndim) = B."""
    from .linalg_solve import solve

    if dims is not None:
        dims = [d % A.ndim for d in dims]
        A = movedim(A, tuple(dims), tuple(range(A.ndim - len(dims), A.ndim)))
    rest = tuple(A.shape[B.ndim:])
    p = int(np.prod(B.shape))
    q = int(np.prod(rest))
    x = solve(reshape(A, (p, q)), reshape(B, (p,)))
    return reshape(x, rest)
