"""Matrix decompositions with several outputs: qr, eigh, svd (and eigvalsh, svdvals).

chainrule's op core has one output per op, so a decomposition is one op whose output packs all
its factors side by side in the last dimension ((..., |Q| + |R|) for qr), followed by one cheap
`unpack` op per factor (a copy, not a view, so that the factors are independent tensors). The
decomposition's VJP receives the packed gradient (zeros for factors that were not used) and its
JVP returns the packed tangent; both are written with chainrule ops, so higher derivatives work.

Legend (A = Q R = V diag(w) V^T = U diag(S) Vh; E_ij = w_j - w_i, resp. S_j^2 - S_i^2 off the
diagonal; skew(X) = X - X^T):

    qr    VJP  gA = [gQ + Q copyltu(R gR^T - gQ^T Q)] R^-T  (m >= n; m < n splits A = [X | Y])
          JVP  C = Q^T dA R^-1; dR = (triu(C) + tril(C, -1)^T) R; dQ = dA R^-1 - Q dR R^-1
    eigh  VJP  gA = V (diag(gw) + skew(V^T gV) / 2E) V^T
          JVP  dw = diag(V^T dA V); dV = V ((V^T dA V) / E, zero diagonal)
    svd   VJP  gA = U [(skew(U^T gU) S + S skew(Vh gVh^T)) / E + diag(gS)] Vh (+ the terms of
               the rectangular case, PyTorch's svd_backward)
          JVP  dP = U^T dA V; dS = diag(dP); dU = U (sym(dP S) / E) (+ (I - UU^T) dA V S^-1);
               dVh = -(sym(S dP) / E) Vh (+ S^-1 U^T dA (I - VV^T))

Degenerate spectra (repeated eigenvalues / singular values): the gradient through eigenvalues or
singular values alone stays finite (the factor that was not used contributes nothing, exactly as
PyTorch skips an undefined gradient). Through eigenvectors or singular vectors, E has zeros and
the result is inf/nan, as in PyTorch: the vectors are not unique there, so no gradient exists.
The extra columns of full U / Vh (full_matrices=True, m != n) are treated as constants: their
gradient is dropped and their tangent is 0 (PyTorch's convention).
"""

import functools
import warnings

import numpy as np

from ._batching import elementwise as _batch_matrices
from ._core import Op, apply, linear_jvp
from .elementwise import add, div, mul, neg, sub
from .linalg import matmul
from .linalg_common import (
    check_float,
    check_matrix,
    check_square,
    data,
    diag_embed,
    diagonal,
    dtype_of,
    eye_like,
    is_zero,
    mT,
    shape_of,
    tri_mask,
)
from .linalg_solve import return_type, solve_triangular_right
from .shape import cat, reshape, unsqueeze

__all__ = []  # public names: linalg_toplevel.py and chainrule.linalg


# --- packing ---------------------------------------------------------------------------------------


def _offsets(layout, index):
    sizes = [int(np.prod(s, dtype=np.int64)) for s in layout]
    start = sum(sizes[:index])
    return start, start + sizes[index], sum(sizes)


def _size(core):
    return int(np.prod(core, dtype=np.int64))


def _pack(parts, layout):
    batch = parts[0].shape[:parts[0].ndim - len(layout[0])]
    flat = [np.reshape(p, batch + (_size(core),)) for p, core in zip(parts, layout)]
    return np.concatenate(flat, -1)


def _unpack_forward(x, layout, index):
    start, stop, _ = _offsets(layout, index)
    return np.array(x[..., start:stop].reshape(x.shape[:-1] + layout[index]), copy=True)


def _pad_forward(g, layout, index):
    start, stop, total = _offsets(layout, index)
    core = layout[index]
    batch = g.shape[:g.ndim - len(core)]
    out = np.zeros(batch + (total,), dtype=g.dtype)
    out[..., start:stop] = np.reshape(g, batch + (stop - start,))
    return out


PAD = Op("linalg_pad", _pad_forward, (lambda g, ans, x, layout, index: unpack(g, layout, index),),
         jvp=linear_jvp, batch=_batch_matrices)


@functools.cache
def _unpack_op(backward_name):
    return Op("linalg_unpack", _unpack_forward,
              (lambda g, ans, x, layout, index: apply(PAD, (g,), {"layout": layout,
                                                                "index": index}),),
              jvp=linear_jvp, batch=_batch_matrices, backward_name=backward_name)


def unpack(x, layout, index, backward_name="LinalgUnpackBackward0"):
    return apply(_unpack_op(backward_name), (x,), {"layout": layout, "index": index})


def _parts(packed, layout, backward_name="LinalgUnpackBackward0"):
    return tuple(unpack(packed, layout, i, backward_name) for i in range(len(layout)))


def _mm(*xs):
    out = xs[0]
    for x in xs[1:]:
        out = matmul(out, x)
    return out


def _plus(a, b):
    """a + b where either may be None (a zero)."""
    if a is None:
        return b
    return a if b is None else add(a, b)


def _dtype(x):
    return dtype_of(x)


def _mask(x, lower, k):
    s = shape_of(x)
    return mul(x, tri_mask(s[-2], s[-1], lower, k, _dtype(x)))


# --- QR -------------------------------------------------------------------------------------------


def _qr_layout(m, n, mode):
    k = min(m, n)
    if mode == "complete":
        return ((m, m), (m, n))
    return ((m, k), (k, n))


def _qr_forward(a, mode):
    m, n = a.shape[-2:]
    q, r = np.linalg.qr(a, mode=mode)
    return _pack([q, r], _qr_layout(m, n, mode))


def _qr_check_differentiable(m, n, mode):
    if mode == "complete" and m > n:
        raise RuntimeError("The QR decomposition is not differentiable when mode='complete' and "
                           "nrows > ncols.")


def _copyltu(m):
    return add(_mask(m, True, 0), mT(_mask(m, True, -1)))


def _qr_vjp_deep(q, r, gq, gr):
    """m >= n: gA = [gQ + Q copyltu(M)] R^-T, M = R gR^T - gQ^T Q."""
    if gq is None and gr is None:
        return mul(matmul(q, r), 0)
    m_ = None
    if gr is not None:
        m_ = matmul(r, mT(gr))
    if gq is not None:
        m_ = _plus(m_, neg(matmul(mT(gq), q)))
    b = _plus(gq, matmul(q, _copyltu(m_)))
    return solve_triangular_right(mT(r), b, upper=False)


def _qr_vjp(g, ans, a, mode):
    m, n = a.shape[-2:]
    _qr_check_differentiable(m, n, mode)
    layout = _qr_layout(m, n, mode)
    q, r = _parts(ans, layout)
    gq, gr = _parts(g, layout)
    gq = None if is_zero(gq) else gq
    gr = None if is_zero(gr) else gr
    if m >= n:
        return _qr_vjp_deep(q, r, gq, gr)
    # A = [X | Y], R = [U | V]: X = Q U is a square QR and Y = Q V
    u, v = r[..., :, :m], r[..., :, m:]
    gu = None if gr is None else gr[..., :, :m]
    gv = None if gr is None else gr[..., :, m:]
    gq_x = gq
    if gv is not None:
        gq_x = _plus(gq, _mm(q, v, mT(gv)))
    gx = _qr_vjp_deep(q, u, gq_x, gu)
    gy = matmul(q, gv) if gv is not None else mul(_mm(q, v), 0)
    return cat([gx, gy], -1)


def _qr_jvp_deep(q, r, da):
    da_rinv = solve_triangular_right(r, da, upper=True)
    c = matmul(mT(q), da_rinv)
    low = _mask(c, True, -1)
    x = add(_mask(c, False, 0), mT(low))  # upper triangular: dR R^-1
    dr = matmul(x, r)
    dq = sub(da_rinv, matmul(q, x))
    return dq, dr


def _qr_jvp(tangents, ans, a, mode):
    m, n = shape_of(a)[-2:]
    _qr_check_differentiable(m, n, mode)
    layout = _qr_layout(m, n, mode)
    q, r = _parts(ans, layout)
    da = tangents[0]
    if m >= n:
        dq, dr = _qr_jvp_deep(q, r, da)
    else:
        u, v = r[..., :, :m], r[..., :, m:]
        dq, du = _qr_jvp_deep(q, u, da[..., :, :m])
        dv = matmul(mT(q), sub(da[..., :, m:], matmul(dq, v)))
        dr = cat([du, dv], -1)
    return _pack_tangents([dq, dr], layout)


def _pack_tangents(parts, layout):
    """The packed tangent of the factors, with chainrule ops (cat of flattened parts)."""
    flat = []
    for p, core in zip(parts, layout):
        s = shape_of(p)
        batch = s[:len(s) - len(core)]
        flat.append(reshape(p, batch + (_size(core),)))
    return cat(flat, -1)


QR = Op("linalg_qr", _qr_forward, (_qr_vjp,), saves_ans=True, jvp=_qr_jvp,
        batch=_batch_matrices, backward_name="LinalgQrBackward0")


def _qr_r_forward(a):
    return np.asarray(np.linalg.qr(a, mode="r"))


def _qr_r_error(*args, **kwargs):
    raise RuntimeError("The derivative of linalg.qr depends on Q, which is not computed when "
                       "mode='r'. Please use linalg.qr(A, mode='reduced') if you are going to "
                       "differentiate through linalg.qr.")


QR_R = Op("linalg_qr", _qr_r_forward, (_qr_r_error,), jvp=_qr_r_error, batch=_batch_matrices,
          backward_name="LinalgQrBackward0")


def qr_parts(a, mode="reduced"):
    m, n = shape_of(a)[-2:]
    packed = apply(QR, (a,), {"mode": mode})
    return _parts(packed, _qr_layout(m, n, mode), "LinalgQrBackward0")


def linalg_qr(A, mode="reduced", *, out=None):
    """The QR decomposition A = Q R: Q with orthonormal columns, R upper triangular.
    mode: 'reduced' (Q (m, k), R (k, n), k = min(m, n)), 'complete' (Q (m, m), R (m, n)) or
    'r' (R only; Q is an empty tensor, and no gradient). Not differentiable for 'complete' with
    m > n (as in PyTorch).

    >>> import chainrule as torch
    >>> Q, R = torch.linalg.qr(torch.tensor([[3., 1.], [4., 2.]]))
    >>> R
    tensor([[-5.0000, -2.2000],
            [ 0.0000,  0.4000]])
    """
    from .._tensor import Tensor

    if out is not None:
        raise TypeError("chainrule.linalg.qr: the out= argument is not supported")
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of "
                           "'reduced' (default), 'r', or 'complete'")
    check_matrix("linalg.qr", A)
    check_float("linalg.qr", A)
    result = return_type("linalg_qr", ["Q", "R"])
    if mode == "r":
        empty = Tensor._make(np.zeros((0,), dtype=_dtype(A)))
        return result(empty, apply(QR_R, (A,), {}))
    return result(*qr_parts(A, mode))


def qr(input, some=True, *, out=None):
    """torch.qr (deprecated in PyTorch): linalg.qr with mode 'reduced' if some else 'complete'."""
    warnings.warn("torch.qr is deprecated in favor of torch.linalg.qr and will be removed in a "
                  "future PyTorch release.\nThe boolean parameter 'some' has been replaced with "
                  "a string parameter 'mode'.\nQ, R = torch.qr(A, some)\nshould be replaced "
                  "with\nQ, R = torch.linalg.qr(A, 'reduced' if some else 'complete')",
                  UserWarning, stacklevel=2)
    q, r = linalg_qr(input, "reduced" if some else "complete", out=out)
    return return_type("qr", ["Q", "R"])(q, r)


# --- eigh ------------------------------------------------------------------------------------------


def _eigh_layout(n):
    return ((n,), (n, n))


def _eigh_forward(a, uplo):
    w, v = np.linalg.eigh(a, UPLO=uplo)
    return _pack([w, v], _eigh_layout(a.shape[-1]))


def _gaps(w):
    """E_ij = w_j - w_i with ones on the diagonal (so that it can divide)."""
    e = sub(unsqueeze(w, -2), unsqueeze(w, -1))
    return add(e, eye_like(data(w), shape_of(w)[-1]))


def eigh_vjp_from(w, v, gw, gv):
    """The gradient of A from those of its eigenvalues w and eigenvectors V (None: unused)."""
    if gv is None:
        inner = diag_embed(gw) if gw is not None else None
        if inner is None:
            return mul(matmul(v, mT(v)), 0)
        return matmul(mul(v, unsqueeze(gw, -2)), mT(v))
    vgv = matmul(mT(v), gv)
    inner = div(mul(sub(vgv, mT(vgv)), 0.5), _gaps(w))
    if gw is not None:
        inner = add(inner, diag_embed(gw))
    return _mm(v, inner, mT(v))


def _eigh_vjp(g, ans, a, uplo):
    layout = _eigh_layout(a.shape[-1])
    w, v = _parts(ans, layout)
    gw, gv = _parts(g, layout)
    return eigh_vjp_from(w, v, None if is_zero(gw) else gw, None if is_zero(gv) else gv)


def _eigh_jvp(tangents, ans, a, uplo):
    n = shape_of(a)[-1]
    layout = _eigh_layout(n)
    w, v = _parts(ans, layout)
    p = _mm(mT(v), tangents[0], v)
    dw = diagonal(p)
    off = mul(div(p, _gaps(w)), 1 - np.eye(n, dtype=_dtype(w)))
    dv = matmul(v, off)
    return _pack_tangents([dw, dv], layout)


EIGH = Op("linalg_eigh", _eigh_forward, (_eigh_vjp,), saves_ans=True, jvp=_eigh_jvp,
          batch=_batch_matrices, backward_name="LinalgEighBackward0")


def _check_uplo(uplo):
    if uplo not in ("L", "U"):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {uplo}")


def eigh_parts(a, uplo="L"):
    n = shape_of(a)[-1]
    packed = apply(EIGH, (a,), {"uplo": uplo})
    return _parts(packed, _eigh_layout(n), "LinalgEighBackward0")


def eigh(A, UPLO="L", *, out=None):
    """Eigenvalues (ascending) and orthonormal eigenvectors of a symmetric matrix, reading its
    lower (UPLO='L') or upper triangle. Eigenvectors are unique only up to sign (and not at all
    for repeated eigenvalues, where their gradient is inf/nan, as in PyTorch).

    >>> import chainrule as torch
    >>> torch.linalg.eigh(torch.tensor([[2., 1.], [1., 2.]])).eigenvalues
    tensor([1., 3.])
    """
    if out is not None:
        raise TypeError("chainrule.linalg.eigh: the out= argument is not supported")
    _check_uplo(UPLO)
    check_square("linalg.eigh", A)
    return return_type("linalg_eigh", ["eigenvalues", "eigenvectors"])(*eigh_parts(A, UPLO))


def _eigvalsh_forward(a, uplo):
    return np.linalg.eigvalsh(a, UPLO=uplo)


def _eigvalsh_vjp(g, ans, a, uplo):
    w, v = eigh_parts(a, uplo)
    return eigh_vjp_from(w, v, g, None)


def _eigvalsh_jvp(tangents, ans, a, uplo):
    _w, v = eigh_parts(a, uplo)
    return diagonal(_mm(mT(v), tangents[0], v))


EIGVALSH = Op("linalg_eigvalsh", _eigvalsh_forward, (_eigvalsh_vjp,), saves=(0,),
              jvp=_eigvalsh_jvp, batch=_batch_matrices, backward_name="LinalgEighBackward0")


def eigvalsh(A, UPLO="L", *, out=None):
    """The eigenvalues (ascending) of a symmetric matrix; the gradient is V diag(g) V^T, finite
    also for repeated eigenvalues."""
    if out is not None:
        raise TypeError("chainrule.linalg.eigvalsh: the out= argument is not supported")
    _check_uplo(UPLO)
    check_square("linalg.eigvalsh", A)
    return apply(EIGVALSH, (A,), {"uplo": UPLO})


# --- SVD -------------------------------------------------------------------------------------------


def _svd_layout(m, n, full):
    k = min(m, n)
    if full:
        return ((m, m), (k,), (n, n))
    return ((m, k), (k,), (k, n))


def _svd_forward(a, full):
    m, n = a.shape[-2:]
    layout = _svd_layout(m, n, full)
    if a.size == 0:
        return _empty_svd(a, layout)
    u, s, vh = np.linalg.svd(a, full_matrices=full)
    return _pack([u, s, vh], layout)


def _empty_svd(a, layout):
    """NumPy cannot factor empty matrices; full factors are identities, as PyTorch returns."""
    batch = a.shape[:-2]
    parts = []
    for core in layout:
        eye = np.eye(core[0], dtype=a.dtype) if len(core) == 2 and core[0] == core[1] else \
            np.zeros(core, dtype=a.dtype)
        parts.append(np.broadcast_to(eye, batch + core))
    return _pack(parts, layout)


def svd_vjp_from(u, s, vh, gu, gs, gvh):
    """PyTorch's svd_backward for reduced factors U (m, k), S (k), Vh (k, n); None = unused."""
    m, n = shape_of(u)[-2], shape_of(vh)[-1]
    if gu is None and gvh is None:
        if gs is None:
            return mul(matmul(u, vh), 0)
        return matmul(mul(u, unsqueeze(gs, -2)), vh)
    s2 = mul(s, s)
    e = add(sub(unsqueeze(s2, -2), unsqueeze(s2, -1)), eye_like(data(s), shape_of(s)[-1]))
    num = None
    if gu is not None:
        uhgu = matmul(mT(u), gu)
        num = mul(sub(uhgu, mT(uhgu)), unsqueeze(s, -2))
    if gvh is not None:
        vhgv = matmul(vh, mT(gvh))
        num = _plus(num, mul(unsqueeze(s, -1), sub(vhgv, mT(vhgv))))
    ret = div(num, e)
    if gs is not None:
        ret = add(ret, diag_embed(gs))
    if m > n and gu is not None:
        ga = matmul(u, ret)
        gu_sinv = div(gu, unsqueeze(s, -2))
        ga = sub(add(ga, gu_sinv), matmul(u, matmul(mT(u), gu_sinv)))
        return matmul(ga, vh)
    if m < n and gvh is not None:
        ga = matmul(ret, vh)
        sinv_gvh = div(gvh, unsqueeze(s, -1))
        ga = sub(add(ga, sinv_gvh), matmul(matmul(sinv_gvh, mT(vh)), vh))
        return matmul(u, ga)
    return _mm(u, ret, vh)


def _narrow(u, s, vh, full):
    """The first k columns of U and rows of Vh (the unique part of full factors)."""
    if not full:
        return u, vh
    k = shape_of(s)[-1]
    if shape_of(u)[-1] != k:
        u = u[..., :, :k]
    if shape_of(vh)[-2] != k:
        vh = vh[..., :k, :]
    return u, vh


def _svd_vjp(g, ans, a, full):
    m, n = a.shape[-2:]
    layout = _svd_layout(m, n, full)
    u, s, vh = _parts(ans, layout)
    gu, gs, gvh = _parts(g, layout)
    u, vh = _narrow(u, s, vh, full)
    gu, gvh = _narrow(gu, gs, gvh, full)
    return svd_vjp_from(u, s, vh, None if is_zero(gu) else gu, None if is_zero(gs) else gs,
                        None if is_zero(gvh) else gvh)


def _svd_jvp(tangents, ans, a, full):
    m, n = shape_of(a)[-2:]
    layout = _svd_layout(m, n, full)
    u_full, s, vh_full = _parts(ans, layout)
    u, vh = _narrow(u_full, s, vh_full, full)
    da = tangents[0]
    v = mT(vh)
    k = shape_of(s)[-1]
    p = _mm(mT(u), da, v)
    ds = diagonal(p)
    p = mul(p, 1 - np.eye(k, dtype=_dtype(s)))
    s2 = mul(s, s)
    e = add(sub(unsqueeze(s2, -2), unsqueeze(s2, -1)), eye_like(data(s), k))
    ps = mul(p, unsqueeze(s, -2))
    du = matmul(u, div(add(ps, mT(ps)), e))
    if m > n:
        da_v_sinv = matmul(da, div(v, unsqueeze(s, -2)))
        du = sub(add(du, da_v_sinv), matmul(u, matmul(mT(u), da_v_sinv)))
    sp = mul(unsqueeze(s, -1), p)
    dvh = neg(matmul(div(add(sp, mT(sp)), e), vh))
    if m < n:
        uh_da_sinv = matmul(div(mT(u), unsqueeze(s, -1)), da)
        dvh = sub(add(dvh, uh_da_sinv), matmul(matmul(uh_da_sinv, v), vh))
    if full and m > n:
        du = cat([du, mul(u_full[..., :, k:], 0)], -1)
    if full and m < n:
        dvh = cat([dvh, mul(vh_full[..., k:, :], 0)], -2)
    return _pack_tangents([du, ds, dvh], layout)


SVD = Op("linalg_svd", _svd_forward, (_svd_vjp,), saves_ans=True, jvp=_svd_jvp,
         batch=_batch_matrices, backward_name="LinalgSvdBackward0")


def svd_parts(a, full_matrices=False):
    m, n = shape_of(a)[-2:]
    packed = apply(SVD, (a,), {"full": bool(full_matrices)})
    return _parts(packed, _svd_layout(m, n, bool(full_matrices)), "LinalgSvdBackward0")


def linalg_svd(A, full_matrices=True, *, driver=None, out=None):
    """The singular value decomposition A = U diag(S) Vh, singular values descending.
    Note PyTorch's default full_matrices=True. Singular vectors are unique only up to sign (and
    not at all for repeated singular values, where their gradient is inf/nan, as in PyTorch).

    >>> import chainrule as torch
    >>> torch.linalg.svd(torch.tensor([[3., 0.], [0., -4.]])).S
    tensor([4., 3.])
    """
    if out is not None:
        raise TypeError("chainrule.linalg.svd: the out= argument is not supported")
    check_matrix("linalg.svd", A)
    check_float("linalg.svd", A)
    return return_type("linalg_svd", ["U", "S", "Vh"])(*svd_parts(A, full_matrices))


def svd(input, some=True, compute_uv=True, *, out=None):
    """torch.svd (deprecated in PyTorch): returns U, S, V (not Vh); reduced if some. With
    compute_uv=False, U and V are zero-filled."""
    from .._tensor import Tensor

    if out is not None:
        raise TypeError("chainrule.svd: the out= argument is not supported")
    check_matrix("svd", input, "input")
    check_float("svd", input, "input")
    result = return_type("svd", ["U", "S", "V"])
    if not compute_uv:
        m, n = input.shape[-2:]
        batch = tuple(input.shape[:-2])
        dt = _dtype(input)
        return result(Tensor._make(np.zeros(batch + (m, m), dt)), svdvals(input),
                      Tensor._make(np.zeros(batch + (n, n), dt)))
    u, s, vh = svd_parts(input, not some)
    return result(u, s, mT(vh))


def _svdvals_forward(a):
    if a.size == 0:
        return np.zeros(a.shape[:-2] + (min(a.shape[-2:]),), dtype=a.dtype)
    return np.linalg.svd(a, compute_uv=False)


def _svdvals_vjp(g, ans, a):
    u, s, vh = svd_parts(a, False)
    return svd_vjp_from(u, s, vh, None, g, None)


def _svdvals_jvp(tangents, ans, a):
    u, _s, vh = svd_parts(a, False)
    return diagonal(_mm(mT(u), tangents[0], mT(vh)))


SVDVALS = Op("linalg_svdvals", _svdvals_forward, (_svdvals_vjp,), saves=(0,),
             jvp=_svdvals_jvp, batch=_batch_matrices, backward_name="LinalgSvdBackward0")


def svdvals(A, *, driver=None, out=None):
    """The singular values, descending; the gradient U diag(g) Vh is finite also for repeated
    singular values."""
    if out is not None:
        raise TypeError("chainrule.linalg.svdvals: the out= argument is not supported")
    check_matrix("linalg.svdvals", A)
    check_float("linalg.svdvals", A)
    return apply(SVDVALS, (A,), {})
