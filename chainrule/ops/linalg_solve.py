"""Inverse, determinants, linear solves and the Cholesky factorization (torch.linalg names).

Legend of the rules below (A is (..., n, n); X^T is the transpose of the last two dims):

    op                 VJP (g: gradient of the output)          JVP (dA, dB: tangents)
    inv  Y = A^-1      -Y^T g Y^T                               -Y dA Y
    det  d             g * cof(A)       (cof = adj(A)^T)        sum(cof(A) * dA)
    logabsdet          g * A^-T                                 sum(A^-T * dA)
    solve X = A^-1 B   gB = A^-T g, gA = -gB X^T                A^-1 (dB - dA X)
    solve_triangular   as solve, gA projected on the triangle   as solve, dA on the triangle
    cholesky L         sym(L^-T Phi(L^T g) L^-1)                L Phi(L^-1 dA L^-T)

Phi takes the lower triangle and halves the diagonal; sym(M) = (M + M^T) / 2 (the gradient of a
function of a symmetric matrix, as PyTorch's). cof(A) = det(A) A^-T where det(A) != 0 and
det(U Vh) U diag(prod_{j != i} s_j) Vh (from the SVD) where A is exactly singular: the true
derivative of det everywhere (PyTorch's first-order gradient is 0 at exactly singular inputs; its
double-backward path uses the same SVD formula as here).
"""

import warnings
from collections import namedtuple

import numpy as np

from ._batching import elementwise as _batch_matrices
from ._core import Op, apply
from .elementwise import add, mul, neg, where
from .linalg import matmul
from .linalg_common import (
    LinAlgError,
    batch_prefix,
    check_float,
    check_matrix,
    check_same_dtype,
    check_square,
    data,
    dtype_of,
    eye_like,
    flat_batch,
    mT,
    not_pd_error,
    pd_orders,
    shape_of,
    singular_error,
    tri_mask,
    zero_pivot,
)
from .reduction import sum as _sum
from .shape import squeeze, stack, unsqueeze

__all__ = []  # public names: linalg_toplevel.py and chainrule.linalg

_return_types = {}


def return_type(name, fields):
    """A named tuple printed as PyTorch prints torch.return_types.<name>."""
    cls = _return_types.get(name)
    if cls is None:
        cls = _return_types[name] = namedtuple(name, fields)

        def __repr__(self):
            body = ",\n".join(f"{f}={v!r}" for f, v in zip(self._fields, self))
            return f"torch.return_types.{name}(\n{body})"

        cls.__repr__ = __repr__
    return cls


def _unsqueeze2(x):
    return unsqueeze(unsqueeze(x, -1), -1)


# --- inverse --------------------------------------------------------------------------------------


def _inv_forward(a):
    try:
        return np.linalg.inv(a)
    except np.linalg.LinAlgError:
        raise singular_error("linalg.inv", a) from None


def _inv_noraise(a):
    """The inverse; where a matrix is singular, cof / det (inf and nan, as LAPACK gives)."""
    try:
        return np.linalg.inv(a)
    except np.linalg.LinAlgError:
        pass
    flat = flat_batch(a)
    out = np.empty_like(flat)
    for i, m in enumerate(flat):
        try:
            out[i] = np.linalg.inv(m)
        except np.linalg.LinAlgError:
            with np.errstate(all="ignore"):
                out[i] = _np_cofactor(m) / np.linalg.det(m)
    return out.reshape(a.shape)


def _np_cofactor(m):
    u, s, vh = np.linalg.svd(m)
    return np.linalg.det(u) * np.linalg.det(vh) * (u * _prod_except_np(s)[..., None, :]) @ vh


def _prod_except_np(s):
    n = s.shape[-1]
    out = np.ones_like(s)
    for i in range(n):
        out[..., i] = np.prod(np.delete(s, i, axis=-1), axis=-1)
    return out


def _inv_vjp(g, ans, a):
    return neg(matmul(matmul(mT(ans), g), mT(ans)))


def _inv_jvp(tangents, ans, a):
    return neg(matmul(matmul(ans, tangents[0]), ans))


INV = Op("linalg_inv", _inv_forward, (_inv_vjp,), saves_ans=True, jvp=_inv_jvp,
         batch=_batch_matrices, backward_name="LinalgInvExBackward0")
INV_NORAISE = Op("linalg_inv_ex", _inv_noraise, (_inv_vjp,), saves_ans=True, jvp=_inv_jvp,
                 batch=_batch_matrices, backward_name="LinalgInvExBackward0")


def inv(A, *, out=None):
    """The inverse of a (batch of) square matrices; LinAlgError if one is singular.

    >>> import chainrule as torch
    >>> torch.linalg.inv(torch.tensor([[2., 0.], [0., 4.]]))
    tensor([[0.5000, 0.0000],
            [0.0000, 0.2500]])
    """
    _no_out(out)
    check_square("linalg.inv", A)
    return apply(INV, (A,), {})


inverse = inv


def inv_ex(A, *, check_errors=False, out=None):
    """(inverse, info): info is the 1-based index of the first zero pivot of A's LU (0 when A is
    invertible). Inverses of singular matrices are inf/nan (unspecified, as in PyTorch)."""
    _no_out(out)
    check_square("linalg.inv_ex", A)
    info = apply(LU_INFO, (A,), {})
    if check_errors and np.any(data(info)):
        raise singular_error("linalg.inv_ex", data(A))
    inverse = apply(INV_NORAISE, (A,), {})
    return return_type("linalg_inv_ex", ["inverse", "info"])(inverse, info)


def _lu_info(a):
    flat = flat_batch(a)
    info = np.zeros(len(flat), dtype=np.int32)
    try:
        np.linalg.inv(a)
    except np.linalg.LinAlgError:
        for i, m in enumerate(flat):
            info[i] = zero_pivot(m)
    return info.reshape(a.shape[:-2])


LU_INFO = Op("linalg_lu_info", lambda a: _lu_info(a), batch=_batch_matrices)
SIGN_DET = Op("linalg_sign_det", lambda a: np.asarray(np.linalg.slogdet(a)[0]),
              batch=_batch_matrices)


def _no_out(out):
    if out is not None:
        raise TypeError("chainrule.linalg: the out= argument is not supported")


# --- determinants ---------------------------------------------------------------------------------


def _det_forward(a):
    return np.asarray(np.linalg.det(a))


def cofactor(a, d=None):
    """adj(A)^T, differentiably (see the module docstring); a is (..., n, n), d its determinant
    (the det op's output, so that the backward does not compute it again) or None."""
    arr = data(a)
    if d is None:
        d = det_raw(a)
    singular = data(d) == 0
    if not np.any(singular):
        return mul(_unsqueeze2(d), mT(apply(INV_NORAISE, (a,), {})))
    mask = singular[..., None, None]
    n = arr.shape[-1]
    eye = eye_like(arr)
    regular = mul(_unsqueeze2(where(singular, 1.0, d)),
                  mT(apply(INV_NORAISE, (where(mask, eye, a),), {})))
    # singular members by the SVD; the others see a placeholder with distinct singular values
    placeholder = np.diag(np.arange(n, 0, -1)).astype(arr.dtype)
    from .linalg_decomp import svd_parts

    u, s, vh = svd_parts(where(mask, a, placeholder), False)
    sign = np.linalg.det(data(u)) * np.linalg.det(data(vh))
    by_svd = mul(_unsqueeze2(sign), matmul(mul(u, unsqueeze(_prod_except(s), -2)), vh))
    return where(mask, by_svd, regular)


def _prod_except(s):
    """p[..., i] = prod_{j != i} s[..., j], without division (s may hold zeros)."""
    n = shape_of(s)[-1]
    if n == 0:
        return s
    cols = [s[..., j] for j in range(n)]
    left = [None] * n
    right = [None] * n
    for i in range(1, n):
        left[i] = cols[i - 1] if left[i - 1] is None else mul(left[i - 1], cols[i - 1])
    for i in range(n - 2, -1, -1):
        right[i] = cols[i + 1] if right[i + 1] is None else mul(right[i + 1], cols[i + 1])
    one = np.ones(shape_of(s)[:-1], dtype=dtype_of(s))
    parts = []
    for lo, hi in zip(left, right):
        if lo is None and hi is None:
            parts.append(one)
        elif lo is None or hi is None:
            parts.append(lo if hi is None else hi)
        else:
            parts.append(mul(lo, hi))
    return stack(parts, -1)


def _det_vjp(g, ans, a):
    return mul(_unsqueeze2(g), cofactor(a, ans))


def _det_jvp(tangents, ans, a):
    return _sum(mul(cofactor(a, ans), tangents[0]), (-2, -1))


DET = Op("linalg_det", _det_forward, (_det_vjp,), saves=(0,), saves_ans=True, jvp=_det_jvp,
         batch=_batch_matrices, backward_name="LinalgDetBackward0")


def det_raw(a):
    return apply(DET, (a,), {})


def det(A, *, out=None):
    """The determinant of a (batch of) square matrices. Its gradient is the cofactor matrix,
    also at singular matrices.

    >>> import chainrule as torch
    >>> torch.linalg.det(torch.tensor([[1., 2.], [3., 4.]]))
    tensor(-2.)
    """
    _no_out(out)
    check_square("linalg.det", A)
    return apply(DET, (A,), {})


def _logabsdet_forward(a):
    return np.asarray(np.linalg.slogdet(a)[1])


def _logabsdet_vjp(g, ans, a):
    return mul(_unsqueeze2(g), mT(apply(INV_NORAISE, (a,), {})))


def _logabsdet_jvp(tangents, ans, a):
    return _sum(mul(mT(apply(INV_NORAISE, (a,), {})), tangents[0]), (-2, -1))


LOGABSDET = Op("linalg_slogdet", _logabsdet_forward, (_logabsdet_vjp,), saves=(0,),
               jvp=_logabsdet_jvp, batch=_batch_matrices,
               backward_name="LinalgSlogdetBackward0")


def slogdet(A, *, out=None):
    """(sign, logabsdet) of the determinant: det = sign * exp(logabsdet). `sign` has no
    gradient; logabsdet's gradient is A^-T (inf/nan at singular A, as in PyTorch).

    >>> import chainrule as torch
    >>> torch.linalg.slogdet(torch.tensor([[1., 2.], [3., 4.]]))
    torch.return_types.linalg_slogdet(
    sign=tensor(-1.),
    logabsdet=tensor(0.6931))
    """
    return _slogdet("linalg_slogdet", "linalg.slogdet", A, out)


def _slogdet(type_name_, name, A, out=None):
    _no_out(out)
    check_square(name, A)
    return return_type(type_name_, ["sign", "logabsdet"])(
        apply(SIGN_DET, (A,), {}), apply(LOGABSDET, (A,), {}))


def torch_slogdet(input):
    return _slogdet("slogdet", "linalg.slogdet", input)


def logdet(input):
    """log(det(input)): nan where the determinant is negative, -inf where it is 0."""
    check_square("logdet", input, "input")
    sign = apply(SIGN_DET, (input,), {})
    return add(apply(LOGABSDET, (input,), {}), apply(_LOG_SIGN, (sign,), {}))


def _log_sign(sign):
    with np.errstate(all="ignore"):
        return np.log(sign)


_LOG_SIGN = Op("linalg_log_sign", _log_sign, batch=_batch_matrices)


# --- solve ---------------------------------------------------------------------------------------


def _solve_forward(a, b):
    try:
        return np.linalg.solve(a, b)
    except np.linalg.LinAlgError:
        shape = np.broadcast_shapes(a.shape[:-2], b.shape[:-2]) + a.shape[-2:]
        full = np.broadcast_to(a, shape)
        i = next((k for k, m in enumerate(flat_batch(full))
                  if _is_singular(m)), 0)
        raise LinAlgError(f"torch.linalg.solve: {batch_prefix(shape, i)}The solver failed "
                          "because the input matrix is singular.") from None


def _is_singular(m):
    try:
        np.linalg.inv(m)
        return False
    except np.linalg.LinAlgError:
        return True


def _solve_rules(op_name):
    """The VJP and JVP rules of a solve op; they solve with the same op (so that solve_ex's
    backward at a singular matrix gives inf/nan instead of raising)."""

    def again(a, b):
        return apply(_SOLVE_OPS[op_name], (a, b), {})

    def vjp_b(g, ans, a, b):
        return again(mT(a), g)

    def vjp_a(g, ans, a, b):
        return neg(matmul(again(mT(a), g), mT(ans)))

    def jvp(tangents, ans, a, b):
        ta, tb = tangents
        rhs = tb
        if ta is not None:
            term = neg(matmul(ta, ans))
            rhs = term if rhs is None else add(rhs, term)
        return again(a, rhs)

    return (vjp_a, vjp_b), jvp


def _solve_noraise(a, b):
    try:
        return np.linalg.solve(a, b)
    except np.linalg.LinAlgError:
        with np.errstate(all="ignore"):
            return np.matmul(_inv_noraise(a), b)


def _solve_op(name, forward):
    vjps, jvp = _solve_rules(name)
    return Op(name, forward, vjps, saves=(0,), saves_ans=(0,), jvp=jvp, batch=_batch_matrices,
              backward_name="LinalgSolveExBackward0")


_SOLVE_OPS = {}
SOLVE = _SOLVE_OPS["linalg_solve"] = _solve_op("linalg_solve", _solve_forward)
SOLVE_NORAISE = _SOLVE_OPS["linalg_solve_ex"] = _solve_op("linalg_solve_ex", _solve_noraise)


def solve_raw(a, b):
    """A^-1 B for matrices B (..., n, k), batch dims broadcasting."""
    return apply(SOLVE, (a, b), {})


def _is_vector_rhs(A, B):
    return B.ndim == 1 or (B.ndim == A.ndim - 1 and tuple(B.shape) == tuple(A.shape[:-1]))


def _check_batch_broadcast(A, B):
    """PyTorch's broadcast message for the batch dims of B (tensor a) and A (tensor b)."""
    ba, bb = tuple(B.shape[:-2]), tuple(A.shape[:-2])
    for i in range(1, min(len(ba), len(bb)) + 1):
        x, y = ba[-i], bb[-i]
        if x != y and x != 1 and y != 1:
            raise RuntimeError(f"The size of tensor a ({x}) must match the size of tensor b ({y}) "
                               f"at non-singleton dimension {len(ba) - i}")


def solve(A, B, *, left=True, out=None):
    """The solution X of A X = B (left=True) or X A = B (left=False), A square (..., n, n).
    B is a batch of vectors when it is 1-d or has A's shape without the last dim; batch dims
    broadcast. LinAlgError if A is singular.

    >>> import chainrule as torch
    >>> torch.linalg.solve(torch.tensor([[2., 0.], [0., 4.]]), torch.tensor([2., 2.]))
    tensor([1.0000, 0.5000])
    """
    _no_out(out)
    return _solve("linalg.solve", SOLVE, A, B, left)


def _solve(name, op, A, B, left):
    check_square(name, A)
    check_float(name, B, "B")
    check_same_dtype(name, A, B)
    vector = _is_vector_rhs(A, B)
    B2 = unsqueeze(B, -1) if vector else B
    if B2.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor B must have at least 2 dimensions.")
    n = A.shape[-1]
    k_dim = -2 if left else -1
    if B2.shape[k_dim] != n:
        eq = "AX = B" if left else "XA = B"
        raise RuntimeError(f"{name}: Incompatible shapes of A and B for the equation {eq} "
                           f"({n}x{n} and {B2.shape[-2]}x{B2.shape[-1]})")
    _check_batch_broadcast(A, B2)
    X = apply(op, (A, B2), {}) if left else mT(apply(op, (mT(A), mT(B2)), {}))
    return squeeze(X, -1) if vector else X


def solve_ex(A, B, *, left=True, check_errors=False, out=None):
    """(result, info) of solve; info is 0 where A is invertible, else its first zero pivot
    (the result there is inf/nan, unspecified as in PyTorch)."""
    _no_out(out)
    info = apply(LU_INFO, (A,), {})
    if check_errors and np.any(data(info)):
        return solve(A, B, left=left)  # raises with PyTorch's message
    result = _solve("linalg.solve_ex", SOLVE_NORAISE, A, B, left)
    return return_type("linalg_solve_ex", ["result", "info"])(result, info)


# --- triangular solve ------------------------------------------------------------------------------


def _triangle(a, upper, unitriangular):
    t = np.triu(a) if upper else np.tril(a)
    if unitriangular:
        t = t.copy()
        idx = np.arange(a.shape[-1])
        t[..., idx, idx] = 1
    return t


def _solve_tri_forward(a, b, upper, unitriangular):
    t = _triangle(a, upper, unitriangular)
    try:
        return np.linalg.solve(t, b)
    except np.linalg.LinAlgError:
        return _substitute(t, b, upper)


def _substitute(t, b, upper):
    """Forward/back substitution; a zero on the diagonal gives inf/nan (as LAPACK's trsm)."""
    shape = np.broadcast_shapes(t.shape[:-2], b.shape[:-2])
    t = np.broadcast_to(t, shape + t.shape[-2:])
    b = np.broadcast_to(b, shape + b.shape[-2:])
    n = t.shape[-1]
    x = np.zeros(b.shape, dtype=np.result_type(t, b))
    order = range(n - 1, -1, -1) if upper else range(n)
    with np.errstate(all="ignore"):
        for i in order:
            done = slice(i + 1, n) if upper else slice(0, i)
            acc = b[..., i, :] - np.einsum("...j,...jk->...k", t[..., i, done], x[..., done, :])
            x[..., i, :] = acc / t[..., i, i, None]
    return x


def _tri_project(m, upper, unitriangular):
    s = shape_of(m)
    k = (1 if upper else -1) if unitriangular else 0
    return mul(m, tri_mask(s[-2], s[-1], not upper, k, dtype_of(m)))


def _solve_tri_vjp_b(g, ans, a, b, upper, unitriangular):
    return solve_triangular_raw(mT(a), g, not upper, unitriangular)


def _solve_tri_vjp_a(g, ans, a, b, upper, unitriangular):
    gb = solve_triangular_raw(mT(a), g, not upper, unitriangular)
    return _tri_project(neg(matmul(gb, mT(ans))), upper, unitriangular)


def _solve_tri_jvp(tangents, ans, a, b, upper, unitriangular):
    ta, tb = tangents
    rhs = tb
    if ta is not None:
        term = neg(matmul(_tri_project(ta, upper, unitriangular), ans))
        rhs = term if rhs is None else add(rhs, term)
    return solve_triangular_raw(a, rhs, upper, unitriangular)


SOLVE_TRI = Op("linalg_solve_triangular", _solve_tri_forward,
               (_solve_tri_vjp_a, _solve_tri_vjp_b), saves=(0,), saves_ans=(0,),
               jvp=_solve_tri_jvp, batch=_batch_matrices,
               backward_name="LinalgSolveTriangularBackward0")


def solve_triangular_raw(a, b, upper, unitriangular=False):
    """T^-1 B with T the upper or lower triangle of a (unit diagonal if unitriangular)."""
    return apply(SOLVE_TRI, (a, b), {"upper": bool(upper), "unitriangular": bool(unitriangular)})


def solve_triangular_right(a, b, upper, unitriangular=False):
    """B T^-1 (the solution X of X T = B)."""
    return mT(solve_triangular_raw(mT(a), mT(b), not upper, unitriangular))


def solve_triangular(A, B, *, upper, left=True, unitriangular=False, out=None):
    """The solution of T X = B (left=True) or X T = B, where T is the upper or lower triangle
    of A (its diagonal taken as ones if unitriangular). A zero on T's diagonal gives inf/nan.

    >>> import chainrule as torch
    >>> A = torch.tensor([[2., 1.], [0., 4.]])
    >>> torch.linalg.solve_triangular(A, torch.tensor([[3.], [4.]]), upper=True)
    tensor([[1.],
            [1.]])
    """
    _no_out(out)
    check_square("linalg.solve_triangular", A)
    check_matrix("linalg.solve_triangular", B, "B")
    check_same_dtype("linalg.solve_triangular", A, B)
    n = A.shape[-1]
    if (B.shape[-2] if left else B.shape[-1]) != n:
        eq = "AX = B" if left else "XA = B"
        raise RuntimeError(f"linalg.solve_triangular: Incompatible shapes of A and B for the "
                           f"equation {eq} ({n}x{n} and {B.shape[-2]}x{B.shape[-1]})")
    _check_batch_broadcast(A, B)
    if left:
        return solve_triangular_raw(A, B, upper, unitriangular)
    return solve_triangular_right(A, B, upper, unitriangular)


# --- Cholesky ----------------------------------------------------------------------------------------


def _cholesky_forward(a):
    try:
        return np.linalg.cholesky(a)
    except np.linalg.LinAlgError:
        raise not_pd_error("linalg.cholesky", a) from None


def _cholesky_noraise(a):
    """L where the factorization succeeds; nan in the matrices where it does not."""
    try:
        return np.linalg.cholesky(a)
    except np.linalg.LinAlgError:
        pass
    flat = flat_batch(a)
    out = np.full_like(flat, np.nan)
    for i, m in enumerate(flat):
        try:
            out[i] = np.linalg.cholesky(m)
        except np.linalg.LinAlgError:
            pass
    return out.reshape(a.shape)


def _phi_mask(n, dtype):
    """Lower triangle with the diagonal halved."""
    return np.tril(np.ones((n, n), dtype=dtype)) - 0.5 * np.eye(n, dtype=dtype)


def _cholesky_vjp(g, ans, a):
    n = shape_of(ans)[-1]
    phi = mul(matmul(mT(ans), g), _phi_mask(n, dtype_of(ans)))
    # L^-T phi L^-1, then symmetrized
    y = solve_triangular_right(ans, phi, upper=False)
    ga = solve_triangular_raw(mT(ans), y, upper=True)
    return mul(add(ga, mT(ga)), 0.5)


def _cholesky_jvp(tangents, ans, a):
    n = shape_of(ans)[-1]
    x = solve_triangular_raw(ans, tangents[0], upper=False)
    x = solve_triangular_right(mT(ans), x, upper=True)
    return matmul(ans, mul(x, _phi_mask(n, dtype_of(ans))))


CHOLESKY = Op("linalg_cholesky", _cholesky_forward, (_cholesky_vjp,), saves_ans=True,
              jvp=_cholesky_jvp, batch=_batch_matrices,
              backward_name="LinalgCholeskyExBackward0")
CHOLESKY_NORAISE = Op("linalg_cholesky_ex", _cholesky_noraise, (_cholesky_vjp,),
                      saves_ans=True, jvp=_cholesky_jvp, batch=_batch_matrices,
                      backward_name="LinalgCholeskyExBackward0")


def cholesky(A, *, upper=False, out=None):
    """The Cholesky factor L (lower, A = L L^T) or U (upper=True, A = U^T U) of a symmetric
    positive-definite matrix. Only the lower (upper) triangle of A is read; the gradient is the
    symmetric one (as PyTorch's). LinAlgError when A is not positive-definite.

    >>> import chainrule as torch
    >>> torch.linalg.cholesky(torch.tensor([[4., 2.], [2., 2.]]))
    tensor([[2., 0.],
            [1., 1.]])
    """
    _no_out(out)
    check_square("linalg.cholesky", A)
    if upper:
        return mT(apply(CHOLESKY, (mT(A),), {}))
    return apply(CHOLESKY, (A,), {})


def torch_cholesky(input, upper=False, *, out=None):
    """torch.cholesky (deprecated in PyTorch in favour of torch.linalg.cholesky)."""
    warnings.warn("torch.cholesky is deprecated in favor of torch.linalg.cholesky and will be "
                  "removed in a future PyTorch release.", UserWarning, stacklevel=2)
    return cholesky(input, upper=upper, out=out)


def cholesky_ex(A, *, upper=False, check_errors=False, out=None):
    """(L, info): info is the order of the first leading minor that is not positive-definite
    (0 on success); L is unspecified (nan here) where the factorization failed."""
    _no_out(out)
    check_square("linalg.cholesky_ex", A)
    src = mT(A) if upper else A
    info = apply(PD_INFO, (src,), {})
    if check_errors and np.any(data(info)):
        raise not_pd_error("linalg.cholesky_ex", data(src))
    L = apply(CHOLESKY_NORAISE, (src,), {})
    if upper:
        L = mT(L)
    return return_type("linalg_cholesky_ex", ["L", "info"])(L, info)


def _pd_info(a):
    try:
        np.linalg.cholesky(a)
        return np.zeros(a.shape[:-2], dtype=np.int32)
    except np.linalg.LinAlgError:
        return pd_orders(a)


PD_INFO = Op("linalg_pd_info", _pd_info, batch=_batch_matrices)


def cholesky_solve(B, L, upper=False, *, out=None):
    """The solution X of A X = B given A's Cholesky factor L (A = L L^T, or U^T U if upper)."""
    _no_out(out)
    check_matrix("cholesky_solve", B, "B")
    check_square("cholesky_solve", L, "L")
    check_same_dtype("cholesky_solve", L, B, "L", "B")
    if upper:
        y = solve_triangular_raw(mT(L), B, upper=False)
        return solve_triangular_raw(L, y, upper=True)
    y = solve_triangular_raw(L, B, upper=False)
    return solve_triangular_raw(mT(L), y, upper=True)


def cholesky_inverse(L, upper=False, *, out=None):
    """The inverse of A = L L^T (or U^T U if upper) from its Cholesky factor."""
    _no_out(out)
    check_square("cholesky_inverse", L, "L")
    eye = eye_like(L)
    if upper:
        inv_u = solve_triangular_raw(L, eye, upper=True)
        return matmul(inv_u, mT(inv_u))
    inv_l = solve_triangular_raw(L, eye, upper=False)
    return matmul(mT(inv_l), inv_l)
