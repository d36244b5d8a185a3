"""Op-table entries for linear algebra: products, einsum/tensordot and chainrule.linalg.

Loaded by op_table.py, so the gradcheck / gradgradcheck / dtype / value / vmap / JVP tests run on
every entry. Samples are well-conditioned: square inputs are random + 3 I (nonsingular), inputs
of cholesky are symmetrized positive-definite, and inputs of eigh / svd have well-separated
eigenvalues / singular values (>= 0.3 apart), so every function sampled is smooth there.
Eigenvectors and singular vectors are unique only up to sign: samples use gauge-invariant
functions of them (U * U, V * V). The behaviour at singular and degenerate inputs is tested in
test_linalg.py.
"""

import numpy as np
from op_table import Expanded, NonContig, OpInfo, Sample

import chainrule as cr

L = cr.linalg
INF = float("inf")


def _c(x):
    """A second plain input (Const tensors stay float64 in the float32 checks, and matrix
    products do not promote, so there are no Const float inputs here)."""
    return x


# --- drawing inputs ---------------------------------------------------------------------------------


def square(rng, *shape):
    """Random square matrices plus 3 I: condition numbers of a few units."""
    return rng.normal(size=shape) + 3 * np.eye(shape[-1])


def _orthogonal(rng, batch, n):
    q, r = np.linalg.qr(rng.normal(size=batch + (n, n)))
    return q * np.sign(np.diagonal(r, axis1=-2, axis2=-1))[..., None, :]


def spectrum(rng, batch, n, lo=0.5, gap=0.4):
    """Values >= lo, at least `gap` apart, shuffled."""
    base = lo + gap * np.arange(n) + rng.uniform(0, 0.1, n)
    return np.broadcast_to(rng.permutation(base), batch + (n,)).copy()


def sym_distinct(rng, *shape):
    """Symmetric matrices with eigenvalues >= 0.3 apart (both signs)."""
    batch, n = shape[:-2], shape[-1]
    q = _orthogonal(rng, batch, n)
    w = spectrum(rng, batch, n, lo=-0.4 * n) if n else np.zeros(batch + (0,))
    return (q * w[..., None, :]) @ np.swapaxes(q, -1, -2)


def spd(rng, *shape):
    batch, n = shape[:-2], shape[-1]
    q = _orthogonal(rng, batch, n)
    return (q * spectrum(rng, batch, n)[..., None, :]) @ np.swapaxes(q, -1, -2)


def distinct_sv(rng, *shape):
    """m x n matrices with singular values >= 0.4 apart and >= 0.5."""
    batch, (m, n) = shape[:-2], shape[-2:]
    k = min(m, n)
    u = _orthogonal(rng, batch, m)[..., :, :k]
    v = _orthogonal(rng, batch, n)[..., :, :k]
    return (u * spectrum(rng, batch, k)[..., None, :]) @ np.swapaxes(v, -1, -2)


def _sym(a):
    return (a + a.mT) / 2


def _np_sym(a):
    return (a + np.swapaxes(a, -1, -2)) / 2


def _mT(a):
    return np.swapaxes(a, -1, -2)


# --- products --------------------------------------------------------------------------------------


def _normal_pairs(shapes):
    def make(rng):
        return [Sample(rng.normal(size=a), rng.normal(size=b)) for a, b in shapes]

    return make


def _mm_samples(rng):
    n = rng.normal
    return [
        Sample(n(size=(2, 3)), n(size=(3, 4))), Sample(n(size=(1, 1)), n(size=(1, 3))),
        Sample(n(size=(0, 3)), n(size=(3, 2))), Sample(n(size=(2, 0)), n(size=(0, 3))),
        Sample(NonContig(n(size=(3, 2))), n(size=(2, 2))),
        Sample(n(size=(2, 3)), NonContig(n(size=(3, 3)))),
        Sample(Expanded(n(size=(1, 3)), (2, 3)), n(size=(3, 2))),
        Sample(n(size=(4, 1)), Expanded(n(size=(1, 1)), (1, 5))),
    ]


def _bmm_samples(rng):
    n = rng.normal
    return [
        Sample(n(size=(2, 2, 3)), n(size=(2, 3, 2))), Sample(n(size=(1, 2, 3)), n(size=(1, 3, 1))),
        Sample(n(size=(0, 2, 3)), n(size=(0, 3, 2))), Sample(n(size=(3, 2, 0)), n(size=(3, 0, 2))),
        Sample(NonContig(n(size=(2, 3, 2))), n(size=(2, 2, 2))),
        Sample(Expanded(n(size=(1, 2, 3)), (2, 2, 3)), n(size=(2, 3, 1))),
        Sample(n(size=(2, 2, 3)), _c(n(size=(2, 3, 2)))),
        Sample(n(size=(4, 1, 1)), n(size=(4, 1, 1))),
    ]


def _vector_pairs(rng):
    n = rng.normal
    return [
        Sample(n(size=(3,)), n(size=(3,))), Sample(n(size=(1,)), n(size=(1,))),
        Sample(np.zeros(0), np.zeros(0)), Sample(n(size=(5,)), _c(n(size=(5,)))),
        Sample(Expanded(n(size=(1,)), (4,)), n(size=(4,))),
        Sample(n(size=(4,)), Expanded(n(size=(1,)), (4,))),
        Sample(n(size=(7,)), n(size=(7,))), Sample(_c(n(size=(2,))), n(size=(2,))),
    ]


def _mv_samples(rng):
    n = rng.normal
    return [
        Sample(n(size=(2, 3)), n(size=(3,))), Sample(n(size=(1, 1)), n(size=(1,))),
        Sample(n(size=(0, 3)), n(size=(3,))), Sample(n(size=(2, 0)), np.zeros(0)),
        Sample(NonContig(n(size=(3, 2))), n(size=(2,))),
        Sample(Expanded(n(size=(1, 3)), (4, 3)), n(size=(3,))),
        Sample(n(size=(2, 3)), Expanded(n(size=(1,)), (3,))),
        Sample(_c(n(size=(2, 3))), n(size=(3,))),
    ]


def _outer_samples(rng):
    n = rng.normal
    return [
        Sample(n(size=(3,)), n(size=(4,))), Sample(n(size=(1,)), n(size=(1,))),
        Sample(np.zeros(0), n(size=(2,))), Sample(n(size=(2,)), np.zeros(0)),
        Sample(Expanded(n(size=(1,)), (3,)), n(size=(2,))), Sample(n(size=(3,)), 2.5 + n(size=(3,))),
        Sample(_c(n(size=(2,))), n(size=(3,))), Sample(n(size=(5,)), n(size=(1,))),
    ]


def _inner_samples(rng):
    n = rng.normal
    return [
        Sample(n(size=(3,)), n(size=(3,))), Sample(n(size=(2, 3)), n(size=(4, 3))),
        Sample(n(size=(2, 2, 3)), n(size=(3,))), Sample(n(size=(3,)), n(size=(2, 1, 3))),
        Sample(n(size=()), n(size=(2, 3))), Sample(n(size=(2, 3)), n(size=())),
        Sample(n(size=(0, 3)), n(size=(2, 3))), Sample(n(size=(2, 0)), n(size=(3, 0))),
        Sample(NonContig(n(size=(2, 3))), n(size=(3,))),
    ]


def _ref_inner(a, b):
    return np.inner(a, b)


def _einsum(*xs, eq):
    return cr.einsum(eq, *xs)


def _ref_einsum(*xs, eq):
    return np.einsum(eq.replace(" ", ""), *xs)


EINSUM_CASES = [
    ("ij,jk->ik", (2, 3), (3, 4)), ("ij,jk", (2, 3), (3, 4)), ("bij,bjk->bik", (2, 2, 3), (2, 3, 2)),
    ("...ij,...jk", (2, 1, 2, 3), (3, 3, 2)), ("ii->i", (3, 3)), ("ii", (3, 3)),
    ("i,j->ij", (3,), (2,)), ("ij->ji", (2, 3)), ("ijk->", (2, 3, 2)), ("i,i,i->", (3,), (3,), (3,)),
    ("ij,ij->ij", (2, 3), (2, 3)), ("ij,jk", (2, 1), (3, 4)), ("ij,jk->ik", (0, 3), (3, 2)),
    (" b i i -> b ", (2, 3, 3)), ("...i,i->...", (2, 2, 3), (3,)), ("iij->j", (2, 2, 3)),
    ("ij,kl->ijkl", (2, 1), (1, 3)), ("bn,anm,bm->ba", (2, 3), (4, 3, 2), (2, 2)), ("i->", (0,)),
    ("ba", (2, 3)), ("Ab,bA->", (2, 3), (3, 2)),
]


def _einsum_samples(rng):
    out = [Sample(*[rng.normal(size=s) for s in shapes], eq=eq, desc=f"'{eq.strip()}'")
           for eq, *shapes in EINSUM_CASES]
    out.append(Sample(NonContig(rng.normal(size=(3, 2))), rng.normal(size=(2, 2)),
                      eq="ij,jk->ki", desc="noncontig"))
    out.append(Sample(Expanded(rng.normal(size=(1, 3)), (2, 3)), rng.normal(size=(3,)),
                      eq="ij,j->i", desc="expanded"))
    out.append(Sample(rng.normal(size=(2, 3)), _c(rng.normal(size=(3, 3))), eq="ij,jk->ik",
                      desc="const"))
    return out


def _einsum_sublist(x, y):
    return cr.einsum(x, [0, 1], y, [1, 2], [0, 2])


def _einsum_sublist_ellipsis(x, y):
    return cr.einsum(x, [Ellipsis, 0, 1], y, [1, 2])


def _tensordot(a, b, dims):
    return cr.tensordot(a, b, dims)


def _ref_tensordot(a, b, dims):
    return np.tensordot(a, b, dims)


def _tensordot_samples(rng):
    n = rng.normal
    return [
        Sample(n(size=(2, 3)), n(size=(3, 4)), dims=1), Sample(n(size=(2, 3, 4)), n(size=(3, 4, 2)),
                                                               dims=2),
        Sample(n(size=(2, 3)), n(size=(4,)), dims=0),
        Sample(n(size=(2, 3, 4)), n(size=(4, 3)), dims=([1, 2], [1, 0])),
        Sample(n(size=(2, 3, 4)), n(size=(3, 5)), dims=([-2], [0])),
        Sample(n(size=(0, 3)), n(size=(3, 2)), dims=1),
        Sample(NonContig(n(size=(3, 2))), n(size=(2, 2)), dims=([1], [0])),
        Sample(n(size=(2, 2)), n(size=(2, 2)), dims=2),
        Sample(n(size=(2, 3)), _c(n(size=(3, 2))), dims=1),
    ]


def _ref_kron(a, b):
    return np.kron(a, b)


def _kron_samples(rng):
    n = rng.normal
    return [
        Sample(n(size=(2, 3)), n(size=(2, 2))), Sample(n(size=(3,)), n(size=(2,))),
        Sample(n(size=(2, 1, 3)), n(size=(4, 2))), Sample(n(size=(2,)), n(size=(2, 3))),
        Sample(n(size=(0, 2)), n(size=(2, 2))), Sample(NonContig(n(size=(2, 3))), n(size=(1, 2))),
        Sample(n(size=(1, 1)), n(size=(3, 2))), Sample(n(size=(2, 2)), _c(n(size=(2, 1)))),
    ]


def _addmm(i, a, b, beta=1, alpha=1):
    return cr.addmm(i, a, b, beta=beta, alpha=alpha)


def _ref_addmm(i, a, b, beta=1, alpha=1):
    return (beta * i if beta != 0 else 0) + alpha * (a @ b)


def _addmm_samples(rng):
    n = rng.normal
    return [
        Sample(n(size=(2, 3)), n(size=(2, 4)), n(size=(4, 3))),
        Sample(n(size=(3,)), n(size=(2, 2)), n(size=(2, 3)), beta=0.5, alpha=2.0),
        Sample(n(size=(2, 1)), n(size=(2, 2)), n(size=(2, 3)), beta=-1.5),
        Sample(n(size=()), n(size=(2, 2)), n(size=(2, 3)), alpha=-0.5),
        Sample(n(size=(2, 3)), n(size=(2, 2)), n(size=(2, 3)), beta=0),
        Sample(n(size=(0, 3)), n(size=(0, 2)), n(size=(2, 3))),
        Sample(n(size=(2, 3)), NonContig(n(size=(2, 2))), n(size=(2, 3))),
        Sample(_c(n(size=(2, 3))), n(size=(2, 2)), n(size=(2, 3))),
    ]


def _addmv(i, a, v, beta=1, alpha=1):
    return cr.addmv(i, a, v, beta=beta, alpha=alpha)


def _addmv_samples(rng):
    n = rng.normal
    return [
        Sample(n(size=(2,)), n(size=(2, 3)), n(size=(3,))),
        Sample(n(size=()), n(size=(2, 3)), n(size=(3,)), beta=0.5, alpha=2.0),
        Sample(n(size=(1,)), n(size=(4, 3)), n(size=(3,)), beta=0),
        Sample(n(size=(0,)), n(size=(0, 3)), n(size=(3,))),
        Sample(n(size=(2,)), NonContig(n(size=(2, 2))), n(size=(2,)), alpha=-1.0),
        Sample(n(size=(3,)), n(size=(3, 2)), _c(n(size=(2,)))),
        Sample(n(size=(3,)), n(size=(3, 1)), n(size=(1,))),
        Sample(n(size=(2,)), n(size=(2, 0)), np.zeros(0)),
    ]


def _addbmm(i, a, b, beta=1, alpha=1):
    return cr.addbmm(i, a, b, beta=beta, alpha=alpha)


def _ref_addbmm(i, a, b, beta=1, alpha=1):
    return (beta * i if beta != 0 else 0) + alpha * (a @ b).sum(0)


def _baddbmm(i, a, b, beta=1, alpha=1):
    return cr.baddbmm(i, a, b, beta=beta, alpha=alpha)


def _bmm_add_samples(rng):
    n = rng.normal
    return [
        Sample(n(size=(2, 3)), n(size=(4, 2, 5)), n(size=(4, 5, 3))),
        Sample(n(size=(3,)), n(size=(2, 2, 2)), n(size=(2, 2, 3)), beta=0.5, alpha=2.0),
        Sample(n(size=()), n(size=(2, 2, 2)), n(size=(2, 2, 3)), beta=0),
        Sample(n(size=(2, 1)), n(size=(0, 2, 2)), n(size=(0, 2, 1)), alpha=-1.0),
        Sample(n(size=(2, 3)), NonContig(n(size=(2, 2, 3))), n(size=(2, 3, 3))),
        Sample(_c(n(size=(1, 3))), n(size=(2, 2, 2)), n(size=(2, 2, 3))),
        Sample(n(size=(1, 1)), n(size=(3, 1, 1)), n(size=(3, 1, 1))),
        Sample(n(size=(2, 2)), n(size=(2, 2, 4)), _c(n(size=(2, 4, 2)))),
    ]


def _baddbmm_samples(rng):
    out = _bmm_add_samples(rng)
    out[0] = Sample(rng.normal(size=(4, 2, 3)), rng.normal(size=(4, 2, 5)),
                    rng.normal(size=(4, 5, 3)))
    out[3] = Sample(rng.normal(size=(0, 2, 1)), rng.normal(size=(0, 2, 2)),
                    rng.normal(size=(0, 2, 1)), alpha=-1.0)
    return out


def _addr(i, a, b, beta=1, alpha=1):
    return cr.addr(i, a, b, beta=beta, alpha=alpha)


def _ref_addr(i, a, b, beta=1, alpha=1):
    return (beta * i if beta != 0 else 0) + alpha * np.outer(a, b)


def _addr_samples(rng):
    n = rng.normal
    return [
        Sample(n(size=(2, 3)), n(size=(2,)), n(size=(3,))),
        Sample(n(size=(3,)), n(size=(2,)), n(size=(3,)), beta=2.0, alpha=0.5),
        Sample(n(size=()), n(size=(2,)), n(size=(3,)), beta=0),
        Sample(n(size=(0, 3)), np.zeros(0), n(size=(3,))),
        Sample(NonContig(n(size=(3, 2))), n(size=(3,)), n(size=(2,))),
        Sample(n(size=(2, 1)), _c(n(size=(2,))), n(size=(4,))),
        Sample(n(size=(1, 1)), n(size=(1,)), n(size=(1,)), alpha=-2.0),
        Sample(n(size=(2, 2)), n(size=(2,)), Expanded(n(size=(1,)), (2,))),
    ]


def _cross(a, b, dim=None):
    return cr.cross(a, b, dim=dim)


def _linalg_cross(a, b, dim=-1):
    return L.cross(a, b, dim=dim)


def _ref_cross(a, b, dim=-1):
    a, b = np.broadcast_arrays(a, b)
    return np.moveaxis(np.cross(np.moveaxis(a, dim, -1), np.moveaxis(b, dim, -1)), -1, dim)


def _cross_samples(rng):
    n = rng.normal
    return [
        Sample(n(size=(3,)), n(size=(3,)), dim=0), Sample(n(size=(2, 3)), n(size=(2, 3)), dim=1),
        Sample(n(size=(2, 3)), n(size=(1, 3)), dim=-1), Sample(n(size=(3, 2)), n(size=(3, 2)), dim=0),
        Sample(n(size=(2, 3, 2)), n(size=(2, 3, 1)), dim=1), Sample(n(size=(0, 3)), n(size=(0, 3)),
                                                                      dim=1),
        Sample(NonContig(n(size=(3, 2))), n(size=(3, 2)), dim=0),
        Sample(n(size=(4, 3)), _c(n(size=(4, 3))), dim=-1),
    ]


def _cdist(a, b, p=2.0):
    return cr.cdist(a, b, p)


def _ref_cdist(a, b, p=2.0):
    d = np.abs(a[..., :, None, :] - b[..., None, :, :])
    if p == INF:
        return d.max(-1)
    if p == 0:
        return (d != 0).sum(-1).astype(a.dtype)
    return (d ** p).sum(-1) ** (1 / p)


def _cdist_samples(rng):
    n = rng.normal
    return [
        Sample(n(size=(3, 2)), n(size=(4, 2))), Sample(n(size=(2, 3, 2)), n(size=(2, 4, 2))),
        Sample(n(size=(2, 3, 2)), n(size=(4, 2))), Sample(n(size=(3, 2)), n(size=(4, 2)), p=1.0),
        Sample(n(size=(3, 2)), n(size=(4, 2)), p=3.0), Sample(n(size=(3, 2)), n(size=(2, 2)), p=INF),
        Sample(n(size=(0, 2)), n(size=(3, 2))), Sample(NonContig(n(size=(2, 3))), n(size=(2, 3))),
        Sample(n(size=(3, 1)), _c(n(size=(2, 1))), p=1.5),
    ]


def _chain_matmul(*ms):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return cr.chain_matmul(*ms)


def _ref_chain(*ms):
    out = ms[0]
    for m in ms[1:]:
        out = out @ m
    return out


def _multi_dot(*ms):
    return L.multi_dot(ms)


def _ref_multi_dot(*ms):
    return np.linalg.multi_dot(ms)


def _chain_samples(vectors):
    def make(rng):
        n = rng.normal
        out = [
            Sample(n(size=(2, 3)), n(size=(3, 4))), Sample(n(size=(2, 3)), n(size=(3, 4)),
                                                           n(size=(4, 1))),
            Sample(n(size=(5, 1)), n(size=(1, 5)), n(size=(5, 2)), n(size=(2, 3))),
            Sample(n(size=(0, 3)), n(size=(3, 2)), n(size=(2, 2))),
            Sample(NonContig(n(size=(3, 2))), n(size=(2, 2)), n(size=(2, 3))),
            Sample(n(size=(2, 2)), _c(n(size=(2, 2))), n(size=(2, 2))),
            Sample(n(size=(1, 1)), n(size=(1, 1))),
            Sample(n(size=(3, 2)), n(size=(2, 0)), n(size=(0, 2))),
        ]
        if vectors:
            out += [Sample(n(size=(3,)), n(size=(3, 2)), n(size=(2,))),
                    Sample(n(size=(3,)), n(size=(3, 2))), Sample(n(size=(3, 2)), n(size=(2,)))]
        return out

    return make


# --- chainrule.linalg: inverse, determinants, solves ---------------------------------------------


def _square_samples(rng):
    return [
        Sample(square(rng, 3, 3)), Sample(square(rng, 2, 3, 3)), Sample(square(rng, 0, 3, 3)),
        Sample(square(rng, 1, 1)), Sample(square(rng, 2, 1, 2, 2)), Sample(square(rng, 4, 4)),
        Sample(NonContig(square(rng, 3, 3))), Sample(Expanded(square(rng, 1, 2, 2), (3, 2, 2))),
        Sample(np.zeros((0, 0))),
    ]


def _det_samples(rng):
    out = _square_samples(rng)
    u, v = _orthogonal(rng, (), 3), _orthogonal(rng, (), 3)
    singular = (u * np.array([2.0, 1.0, 0.0])) @ v.T  # rank 2: the cofactor path by the SVD
    out.append(Sample(singular, desc="singular_rank2"))
    out.append(Sample(np.stack([singular, square(rng, 3, 3)]), desc="batch_singular_and_not"))
    out.append(Sample(np.array([[1.0, 2.0], [2.0, 4.0]]), desc="singular_2x2"))
    return out


def _slogdet(a):
    return tuple(L.slogdet(a))


def _ref_slogdet(a):
    return np.linalg.slogdet(a)


def _logdet_samples(rng):
    return [Sample(spd(rng, 3, 3)), Sample(spd(rng, 2, 3, 3)), Sample(spd(rng, 0, 2, 2)),
            Sample(spd(rng, 1, 1)), Sample(NonContig(spd(rng, 3, 3))), Sample(spd(rng, 4, 4)),
            Sample(Expanded(spd(rng, 1, 2, 2), (2, 2, 2))), Sample(spd(rng, 2, 1, 2, 2))]


def _ref_logdet(a):
    sign, logabs = np.linalg.slogdet(a)
    with np.errstate(all="ignore"):
        return logabs + np.log(sign)


def _solve(a, b, left=True):
    return L.solve(a, b, left=left)


def _ref_solve(a, b, left=True):
    vector = b.ndim == 1 or (b.ndim == a.ndim - 1 and b.shape == a.shape[:-1])
    if vector:
        return np.linalg.solve(a, b[..., None])[..., 0]
    if left:
        return np.linalg.solve(a, b)
    return _mT(np.linalg.solve(_mT(a), _mT(b)))


def _solve_samples(rng):
    n = rng.normal
    return [
        Sample(square(rng, 3, 3), n(size=(3,))), Sample(square(rng, 3, 3), n(size=(3, 2))),
        Sample(square(rng, 2, 3, 3), n(size=(2, 3))), Sample(square(rng, 2, 3, 3), n(size=(3, 2))),
        Sample(square(rng, 3, 3), n(size=(2, 3, 2))), Sample(square(rng, 3, 3), n(size=(2, 3)),
                                                             left=False),
        Sample(square(rng, 0, 3, 3), n(size=(0, 3, 1))), Sample(square(rng, 2, 1, 2, 2),
                                                                n(size=(3, 2, 1))),
        Sample(NonContig(square(rng, 3, 3)), n(size=(3, 1))),
        Sample(square(rng, 3, 3), Expanded(n(size=(3, 1)), (3, 2))),
        Sample(_c(square(rng, 3, 3)), n(size=(3,))), Sample(square(rng, 3, 3), _c(n(size=(3,)))),
        Sample(square(rng, 2, 2), n(size=(2, 0))),
    ]


def _solve_ex(a, b, left=True):
    return L.solve_ex(a, b, left=left).result


def _solve_triangular(a, b, upper, left=True, unitriangular=False):
    return L.solve_triangular(a, b, upper=upper, left=left, unitriangular=unitriangular)


def _ref_solve_triangular(a, b, upper, left=True, unitriangular=False):
    t = np.triu(a) if upper else np.tril(a)
    if unitriangular:
        t = t - np.diagonal(t, axis1=-2, axis2=-1)[..., None] * np.eye(t.shape[-1]) + \
            np.eye(t.shape[-1])
    if left:
        return np.linalg.solve(t, b)
    return _mT(np.linalg.solve(_mT(t), _mT(b)))


def _tri_samples(rng):
    n = rng.normal
    return [
        Sample(square(rng, 3, 3), n(size=(3, 2)), upper=True),
        Sample(square(rng, 3, 3), n(size=(3, 2)), upper=False),
        Sample(square(rng, 3, 3), n(size=(2, 3)), upper=True, left=False),
        Sample(square(rng, 3, 3), n(size=(2, 3)), upper=False, left=False, unitriangular=True),
        Sample(square(rng, 2, 3, 3), n(size=(3, 1)), upper=False, unitriangular=True),
        Sample(square(rng, 3, 3), n(size=(2, 3, 2)), upper=True),
        Sample(square(rng, 0, 2, 2), n(size=(0, 2, 2)), upper=True),
        Sample(NonContig(square(rng, 3, 3)), n(size=(3, 2)), upper=False),
        Sample(square(rng, 3, 3), _c(n(size=(3, 2))), upper=True),
    ]


# --- Cholesky ------------------------------------------------------------------------------------------


def _cholesky(a, upper=False):
    return L.cholesky(_sym(a), upper=upper)


def _ref_cholesky(a, upper=False):
    low = np.linalg.cholesky(_np_sym(a))
    return _mT(low) if upper else low


def _spd_samples(extra=()):
    def make(rng):
        out = [Sample(spd(rng, 3, 3)), Sample(spd(rng, 2, 3, 3)), Sample(spd(rng, 0, 3, 3)),
               Sample(spd(rng, 1, 1)), Sample(spd(rng, 2, 1, 2, 2)), Sample(spd(rng, 4, 4)),
               Sample(NonContig(spd(rng, 3, 3))), Sample(Expanded(spd(rng, 1, 2, 2), (2, 2, 2)))]
        for kw in extra:
            out += [Sample(spd(rng, 3, 3), **kw), Sample(spd(rng, 2, 2, 2), **kw)]
        return out

    return make


def _cholesky_ex(a, upper=False):
    return L.cholesky_ex(_sym(a), upper=upper).L


def _torch_cholesky(a, upper=False):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return cr.cholesky(_sym(a), upper)


def _cholesky_solve(b, a, upper=False):
    return cr.cholesky_solve(b, L.cholesky(_sym(a), upper=upper), upper)


def _ref_cholesky_solve(b, a, upper=False):
    return np.linalg.solve(_np_sym(a), b)


def _cholesky_solve_samples(rng):
    n = rng.normal
    return [
        Sample(n(size=(3, 2)), spd(rng, 3, 3)), Sample(n(size=(3, 1)), spd(rng, 3, 3), upper=True),
        Sample(n(size=(2, 3, 2)), spd(rng, 2, 3, 3)), Sample(n(size=(2, 3, 2)), spd(rng, 3, 3)),
        Sample(n(size=(3, 2)), spd(rng, 2, 3, 3), upper=True), Sample(n(size=(0, 2, 1)),
                                                                      spd(rng, 0, 2, 2)),
        Sample(NonContig(n(size=(3, 3))), spd(rng, 3, 3)), Sample(_c(n(size=(2, 2))),
                                                                  spd(rng, 2, 2)),
    ]


def _cholesky_inverse(a, upper=False):
    return cr.cholesky_inverse(L.cholesky(_sym(a), upper=upper), upper)


def _ref_spd_inverse(a, upper=False):
    return np.linalg.inv(_np_sym(a))


# --- decompositions ----------------------------------------------------------------------------------


def _qr(a, mode="reduced"):
    return tuple(L.qr(a, mode))


def _ref_qr(a, mode="reduced"):
    return np.linalg.qr(a, mode)


def _qr_samples(rng):
    n = rng.normal
    return [
        Sample(n(size=(4, 3))), Sample(n(size=(3, 3))), Sample(n(size=(3, 5))),
        Sample(n(size=(2, 4, 2))), Sample(n(size=(2, 2, 3))), Sample(n(size=(0, 3, 2))),
        Sample(n(size=(2, 3)), mode="complete"), Sample(n(size=(3, 3)), mode="complete"),
        Sample(NonContig(n(size=(3, 2)))), Sample(n(size=(1, 1))),
        Sample(Expanded(n(size=(1, 3, 2)), (2, 3, 2))),
    ]


def _torch_qr(a, some=True):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return tuple(cr.qr(a, some))


def _ref_torch_qr(a, some=True):
    return np.linalg.qr(a, "reduced" if some else "complete")


def _eigh(a, UPLO="L"):
    w, v = L.eigh(_sym(a), UPLO)
    return w, v * v  # sign-invariant


def _ref_eigh(a, UPLO="L"):
    w, v = np.linalg.eigh(_np_sym(a), UPLO)
    return w, v * v


def _eigh_samples(rng):
    return [
        Sample(sym_distinct(rng, 3, 3)), Sample(sym_distinct(rng, 2, 3, 3)),
        Sample(sym_distinct(rng, 0, 3, 3)), Sample(sym_distinct(rng, 1, 1)),
        Sample(sym_distinct(rng, 4, 4), UPLO="U"), Sample(sym_distinct(rng, 2, 1, 2, 2)),
        Sample(NonContig(sym_distinct(rng, 3, 3))),
        Sample(Expanded(sym_distinct(rng, 1, 2, 2), (2, 2, 2))),
        Sample(sym_distinct(rng, 2, 2), UPLO="U"),
    ]


def _eigh_projector(a):
    """V diag(w) V^T rebuilds the input: a check on both factors at once."""
    w, v = L.eigh(_sym(a))
    return (v * w.unsqueeze(-2)) @ v.mT


def _eigvalsh(a, UPLO="L"):
    return L.eigvalsh(_sym(a), UPLO)


def _ref_eigvalsh(a, UPLO="L"):
    return np.linalg.eigvalsh(_np_sym(a), UPLO)


def _svd(a, full_matrices=True):
    u, s, vh = L.svd(a, full_matrices=full_matrices)
    k = s.shape[-1]
    u, vh = u[..., :, :k], vh[..., :k, :]  # full factors' extra columns are not unique
    return u * u, s, vh * vh


def _ref_svd(a, full_matrices=True):
    u, s, vh = np.linalg.svd(a, full_matrices=False)
    return u * u, s, vh * vh


def _svd_samples(rng):
    return [
        Sample(distinct_sv(rng, 4, 3)), Sample(distinct_sv(rng, 3, 3)), Sample(distinct_sv(rng, 2, 4)),
        Sample(distinct_sv(rng, 2, 4, 2), full_matrices=False),
        Sample(distinct_sv(rng, 2, 3, 3), full_matrices=False),
        Sample(distinct_sv(rng, 0, 3, 2)), Sample(distinct_sv(rng, 1, 1)),
        Sample(NonContig(distinct_sv(rng, 3, 2)), full_matrices=False),
        Sample(Expanded(distinct_sv(rng, 1, 2, 3), (2, 2, 3))),
        Sample(distinct_sv(rng, 3, 2), full_matrices=False),
    ]


def _torch_svd(a, some=True):
    u, s, v = cr.svd(a, some)
    k = s.shape[-1]
    u, v = u[..., :, :k], v[..., :, :k]
    return u * u, s, v * v


def _ref_torch_svd(a, some=True):
    u, s, vh = np.linalg.svd(a, full_matrices=False)
    return u * u, s, _mT(vh) ** 2


def _svd_rebuild(a):
    u, s, vh = L.svd(a, full_matrices=False)
    return (u * s.unsqueeze(-2)) @ vh


def _svdvals_samples(rng):
    return [Sample(distinct_sv(rng, 4, 3)), Sample(distinct_sv(rng, 3, 3)),
            Sample(distinct_sv(rng, 2, 4)), Sample(distinct_sv(rng, 2, 4, 2)),
            Sample(distinct_sv(rng, 0, 3, 2)), Sample(distinct_sv(rng, 1, 1)),
            Sample(NonContig(distinct_sv(rng, 3, 2))),
            Sample(Expanded(distinct_sv(rng, 1, 2, 3), (2, 2, 3))), Sample(np.zeros((2, 0)))]


# --- norms -------------------------------------------------------------------------------------------


def _vector_norm(x, ord=2, dim=None, keepdim=False, dtype=None):
    return L.vector_norm(x, ord, dim, keepdim, dtype=dtype)


def _ref_vector_norm(x, ord=2, dim=None, keepdim=False, dtype=None):
    axis = tuple(range(x.ndim)) if dim is None else dim
    a = np.abs(x)
    if ord == INF:
        return a.max(axis=axis, keepdims=keepdim)
    if ord == -INF:
        return a.min(axis=axis, keepdims=keepdim)
    if ord == 0:
        return (x != 0).sum(axis=axis, keepdims=keepdim).astype(x.dtype)
    return (a ** ord).sum(axis=axis, keepdims=keepdim) ** (1 / ord)


def _away_from_zero(rng, shape):
    x = rng.uniform(0.3, 2.0, shape)
    return np.asarray(x * rng.choice([-1.0, 1.0], size=shape))


def _vector_norm_samples(rng):
    def d(*s):
        return _away_from_zero(rng, s)

    def distinct(*s):  # |x| pairwise distinct: no ties for the inf norms
        n = int(np.prod(s))
        return ((0.3 + 0.2 * rng.permutation(n)) * rng.choice([-1.0, 1.0], n)).reshape(s)

    return [
        Sample(d(2, 3)), Sample(d(2, 3), dim=1), Sample(d(2, 3), 1, dim=0, keepdim=True),
        Sample(distinct(2, 3), INF, dim=-1), Sample(distinct(2, 3), -INF, dim=(0, 1)),
        Sample(d(2, 2, 3), 3, dim=(0, 2)), Sample(d(4), 0.5),  # ord 0: no gradient (test_linalg)
        Sample(d(2, 3), -1.5, dim=1, keepdim=True), Sample(d()), Sample(d(), 3, dim=0),
        Sample(np.zeros((0,))), Sample(np.zeros((2, 0)), 2, dim=1), Sample(NonContig(d(2, 3))),
        Sample(Expanded(d(1, 3), (2, 3)), 2, dim=0), Sample(d(2, 3), -2),
    ]


def _matrix_norm(a, ord="fro", dim=(-2, -1), keepdim=False):
    return L.matrix_norm(a, ord, dim, keepdim)


def _ref_matrix_norm(a, ord="fro", dim=(-2, -1), keepdim=False):
    a = np.moveaxis(a, dim, (-2, -1))
    if ord == "fro":
        out = np.sqrt((a * a).sum((-2, -1)))
    elif ord in ("nuc", 2, -2):
        s = np.linalg.svd(a, compute_uv=False)
        out = s.sum(-1) if ord == "nuc" else (s.max(-1) if ord == 2 else s.min(-1))
    elif ord in (1, -1):
        c = np.abs(a).sum(-2)
        out = c.max(-1) if ord == 1 else c.min(-1)
    else:
        r = np.abs(a).sum(-1)
        out = r.max(-1) if ord == INF else r.min(-1)
    if keepdim:
        for d in sorted(x % (a.ndim) for x in dim):
            out = np.expand_dims(out, d)
    return out


def _matrix_norm_samples(rng):
    def d(*s):
        return _away_from_zero(rng, s)

    def no_ties(*s):
        """|entries| make every row and column abs-sum distinct (0.3 + powers of two)."""
        n = int(np.prod(s[-2:]))
        out = []
        for _ in range(int(np.prod(s[:-2]))):
            mags = 0.3 + np.ldexp(1.0, rng.permutation(n) - n // 2)
            out.append(mags * rng.choice([-1.0, 1.0], n))
        return np.array(out).reshape(s)

    return [
        Sample(d(2, 3)), Sample(d(2, 3, 2), keepdim=True), Sample(d(2, 3, 4), dim=(0, 2)),
        Sample(distinct_sv(rng, 3, 2), "nuc"), Sample(distinct_sv(rng, 2, 2, 3), 2),
        Sample(distinct_sv(rng, 3, 3), -2, keepdim=True),
        Sample(no_ties(3, 3), 1), Sample(no_ties(2, 3, 2), -1), Sample(no_ties(3, 2), INF),
        Sample(no_ties(2, 2, 3), -INF, dim=(2, 1)),
        Sample(np.moveaxis(distinct_sv(rng, 2, 3, 2), 0, 2), "nuc", dim=(0, 1), keepdim=True),
        Sample(np.zeros((0, 2, 3))), Sample(NonContig(d(3, 2))),
    ]


def _norm(a, ord=None, dim=None, keepdim=False):
    return L.norm(a, ord, dim, keepdim)


def _ref_norm(a, ord=None, dim=None, keepdim=False):
    if ord is None and dim is None:
        out = np.sqrt((a * a).sum())
        return out.reshape((1,) * a.ndim) if keepdim else out
    if isinstance(dim, int):
        dim = (dim,)
    matrix = (dim is not None and len(dim) == 2) or (dim is None and a.ndim == 2)
    if matrix:
        return _ref_matrix_norm(a, "fro" if ord is None else ord, dim or (-2, -1), keepdim)
    return _ref_vector_norm(a, 2 if ord is None else ord, dim, keepdim)


def _norm_samples(rng):
    def d(*s):
        return _away_from_zero(rng, s)

    return [
        Sample(d(2, 3)), Sample(d(2, 3, 2), keepdim=True), Sample(d(3)), Sample(d(3), 1),
        Sample(distinct_sv(rng, 3, 2), 2), Sample(d(2, 3), "fro"), Sample(d(2, 3, 4), 3, dim=1),
        Sample(distinct_sv(rng, 2, 3, 3), "nuc", dim=(1, 2)), Sample(d(2, 3), None, (0, 1)),
        Sample(d(2, 3), 0.5, 0, True),
    ]


def _cond(a, p=None):
    return L.cond(a, p)


def _ref_cond(a, p=None):
    return np.linalg.cond(a, p)


def _cond_samples(rng):
    return [
        Sample(square(rng, 3, 3)), Sample(distinct_sv(rng, 4, 2)), Sample(square(rng, 2, 3, 3), 2),
        Sample(distinct_sv(rng, 3, 3), -2), Sample(square(rng, 3, 3), "fro"),
        Sample(distinct_sv(rng, 3, 3), "nuc"), Sample(square(rng, 3, 3), 1),
        Sample(square(rng, 2, 3, 3), INF), Sample(square(rng, 3, 3), -1),
        Sample(NonContig(square(rng, 2, 2))),
    ]


# --- pinv, lstsq, powers, exponentials -----------------------------------------------------------


def _pinv(a, hermitian=False):
    if hermitian:
        return L.pinv(_sym(a), hermitian=True)
    return L.pinv(a)


def _ref_pinv(a, hermitian=False):
    if hermitian:
        a = _np_sym(a)
    if a.size == 0:
        return np.zeros(a.shape[:-2] + a.shape[-2:][::-1])
    return np.linalg.pinv(a)


def _pinv_samples(rng):
    return [
        Sample(distinct_sv(rng, 4, 3)), Sample(distinct_sv(rng, 3, 3)), Sample(distinct_sv(rng, 2, 4)),
        Sample(distinct_sv(rng, 2, 4, 2)), Sample(sym_distinct(rng, 3, 3), hermitian=True),
        Sample(distinct_sv(rng, 0, 3, 2)), Sample(NonContig(distinct_sv(rng, 3, 2))),
        Sample(Expanded(distinct_sv(rng, 1, 2, 3), (2, 2, 3))), Sample(np.zeros((0, 3))),
    ]


def _pinverse(a):
    return cr.pinverse(a)


def _lstsq(a, b, driver=None):
    out = L.lstsq(a, b, driver=driver)
    if driver in ("gelsd", "gelss", "gels") and out.residuals.numel():
        return out.solution, out.residuals
    return out.solution


def _ref_lstsq(a, b, driver=None):
    vector = b.ndim == a.ndim - 1
    b2 = b[..., None] if vector else b
    x = np.linalg.pinv(a) @ b2
    res = ((a @ x - b2) ** 2).sum(-2)
    x = x[..., 0] if vector else x
    m, n = a.shape[-2:]
    if driver in ("gelsd", "gelss", "gels") and m > n:
        return x, res
    return x


def _lstsq_samples(rng):
    n = rng.normal
    return [
        Sample(distinct_sv(rng, 4, 3), n(size=(4, 2))), Sample(distinct_sv(rng, 4, 2), n(size=(4,))),
        Sample(distinct_sv(rng, 2, 4, 2), n(size=(2, 4, 1))),
        Sample(distinct_sv(rng, 4, 3), n(size=(4, 2)), driver="gelsd"),
        Sample(distinct_sv(rng, 2, 3, 2), n(size=(2, 3, 2)), driver="gels"),
        Sample(distinct_sv(rng, 2, 3), n(size=(2, 1)), driver="gelss"),
        Sample(distinct_sv(rng, 3, 3), n(size=(3, 2))),
        Sample(NonContig(distinct_sv(rng, 3, 2)), n(size=(3, 1))),
        Sample(distinct_sv(rng, 4, 3), _c(n(size=(4, 1)))),
    ]


def _matrix_power(a, n):
    return L.matrix_power(a, n)


def _ref_matrix_power(a, n):
    return np.linalg.matrix_power(a, n)


def _matrix_power_samples(rng):
    return [
        Sample(square(rng, 3, 3) / 3, 2), Sample(square(rng, 3, 3) / 3, 3),
        Sample(square(rng, 2, 3, 3) / 3, 5), Sample(square(rng, 3, 3), -1),
        Sample(square(rng, 2, 2, 2), -2), Sample(square(rng, 3, 3), 1),
        Sample(square(rng, 0, 2, 2), 3), Sample(NonContig(square(rng, 3, 3) / 3), 4),
        Sample(square(rng, 1, 1) / 3, 6),
    ]


def _torch_matrix_power(a, n):
    return cr.matrix_power(a, n)


def _ref_expm(a):
    """exp(A) through the eigendecomposition (the samples are diagonalizable, well-conditioned)."""
    w, v = np.linalg.eig(a)
    return np.real((v * np.exp(w)[..., None, :]) @ np.linalg.inv(v))


def _matrix_exp_samples(rng):
    n = rng.normal
    return [
        Sample(n(size=(3, 3)) * 0.5), Sample(n(size=(2, 3, 3))), Sample(n(size=(3, 3)) * 3),
        Sample(np.stack([n(size=(2, 2)) * 0.01, n(size=(2, 2)) * 4])), Sample(n(size=(0, 3, 3))),
        Sample(n(size=(1, 1))), Sample(NonContig(n(size=(3, 3)))),
        Sample(Expanded(n(size=(1, 2, 2)), (2, 2, 2))), Sample(sym_distinct(rng, 4, 4)),
    ]


def _torch_matrix_exp(a):
    return cr.matrix_exp(a)


def _diagonal(a, offset=0, dim1=-2, dim2=-1):
    return L.diagonal(a, offset=offset, dim1=dim1, dim2=dim2)


def _ref_diagonal(a, offset=0, dim1=-2, dim2=-1):
    return np.diagonal(a, offset, dim1, dim2)


def _diagonal_samples(rng):
    n = rng.normal
    return [Sample(n(size=(3, 3))), Sample(n(size=(3, 4)), offset=1),
            Sample(n(size=(3, 4)), offset=-2), Sample(n(size=(2, 3, 4)), dim1=0, dim2=2),
            Sample(n(size=(2, 3, 4)), offset=1, dim1=2, dim2=1), Sample(n(size=(0, 2, 2))),
            Sample(n(size=(2, 2)), offset=5), Sample(NonContig(n(size=(3, 2))))]


def _vecdot(x, y, dim=-1):
    return L.vecdot(x, y, dim=dim)


def _ref_vecdot(x, y, dim=-1):
    return (x * y).sum(dim)


def _tensorinv(a, ind=2):
    return L.tensorinv(a, ind=ind)


def _ref_tensorinv(a, ind=2):
    return np.linalg.tensorinv(a, ind)


def _tensorsolve(a, b):
    return L.tensorsolve(a, b)


def _ref_tensorsolve(a, b):
    return np.linalg.tensorsolve(a, b)


def _inv_ex(a):
    return L.inv_ex(a).inverse


OPS = [
    # products
    OpInfo("mm_samples", cr.mm, np.matmul, _mm_samples),
    OpInfo("bmm_samples", cr.bmm, np.matmul, _bmm_samples),
    OpInfo("dot_samples", cr.dot, np.dot, _vector_pairs),
    OpInfo("vdot", cr.vdot, np.vdot, _vector_pairs, covers=(cr.vdot, cr.Tensor.vdot)),
    OpInfo("mv_samples", cr.mv, np.matmul, _mv_samples),
    OpInfo("outer_samples", cr.outer, np.outer, _outer_samples, covers=(cr.ger,)),
    OpInfo("inner", cr.inner, _ref_inner, _inner_samples, covers=(cr.inner, cr.Tensor.inner)),
    OpInfo("einsum", _einsum, _ref_einsum, _einsum_samples, covers=(cr.einsum,)),
    OpInfo("einsum_sublist", _einsum_sublist, lambda x, y: x @ y, _normal_pairs(
        [((2, 3), (3, 4)), ((0, 2), (2, 1)), ((1, 1), (1, 3))])),
    OpInfo("einsum_sublist_ellipsis", _einsum_sublist_ellipsis, np.matmul, _normal_pairs(
        [((2, 2, 3), (3, 4)), ((2, 3), (3, 1))])),
    OpInfo("tensordot", _tensordot, _ref_tensordot, _tensordot_samples, covers=(cr.tensordot,)),
    OpInfo("kron", cr.kron, _ref_kron, _kron_samples, covers=(cr.kron, cr.Tensor.kron)),
    OpInfo("addmm", _addmm, _ref_addmm, _addmm_samples, covers=(cr.addmm, cr.Tensor.addmm)),
    OpInfo("addmv", _addmv, _ref_addmm, _addmv_samples, covers=(cr.addmv, cr.Tensor.addmv)),
    OpInfo("addbmm", _addbmm, _ref_addbmm, _bmm_add_samples,
           covers=(cr.addbmm, cr.Tensor.addbmm)),
    OpInfo("baddbmm", _baddbmm, _ref_addmm, _baddbmm_samples,
           covers=(cr.baddbmm, cr.Tensor.baddbmm)),
    OpInfo("addr", _addr, _ref_addr, _addr_samples, covers=(cr.addr, cr.Tensor.addr)),
    OpInfo("cross", _cross, _ref_cross, _cross_samples, covers=(cr.cross, cr.Tensor.cross)),
    OpInfo("linalg.cross", _linalg_cross, _ref_cross, _cross_samples, covers=(L.cross,)),
    OpInfo("cdist", _cdist, _ref_cdist, _cdist_samples, covers=(cr.cdist,)),
    OpInfo("chain_matmul", _chain_matmul, _ref_chain, _chain_samples(False),
           covers=(cr.chain_matmul,)),
    OpInfo("linalg.multi_dot", _multi_dot, _ref_multi_dot, _chain_samples(True),
           covers=(L.multi_dot,)),
    # inverse, determinants, solves
    OpInfo("linalg.inv", L.inv, np.linalg.inv, _square_samples,
           covers=(L.inv, cr.inverse, cr.Tensor.inverse)),
    OpInfo("linalg.inv_ex", _inv_ex, np.linalg.inv, _square_samples, covers=(L.inv_ex,)),
    OpInfo("linalg.det", L.det, np.linalg.det, _det_samples,
           covers=(L.det, cr.det, cr.Tensor.det)),
    OpInfo("linalg.slogdet", _slogdet, _ref_slogdet, _square_samples,
           covers=(L.slogdet, cr.slogdet, cr.Tensor.slogdet)),
    OpInfo("logdet", cr.logdet, _ref_logdet, _logdet_samples,
           covers=(cr.logdet, cr.Tensor.logdet)),
    OpInfo("linalg.solve", _solve, _ref_solve, _solve_samples, covers=(L.solve,)),
    OpInfo("linalg.solve_ex", _solve_ex, _ref_solve, lambda rng: _solve_samples(rng)[:8],
           covers=(L.solve_ex,)),
    OpInfo("linalg.solve_triangular", _solve_triangular, _ref_solve_triangular, _tri_samples,
           covers=(L.solve_triangular,)),
    OpInfo("linalg.cholesky", _cholesky, _ref_cholesky, _spd_samples([{"upper": True}]),
           covers=(L.cholesky,)),
    OpInfo("linalg.cholesky_ex", _cholesky_ex, _ref_cholesky, _spd_samples([{"upper": True}]),
           covers=(L.cholesky_ex,)),
    OpInfo("cholesky", _torch_cholesky, _ref_cholesky, _spd_samples([{"upper": True}]),
           covers=(cr.cholesky, cr.Tensor.cholesky)),
    OpInfo("cholesky_solve", _cholesky_solve, _ref_cholesky_solve, _cholesky_solve_samples,
           covers=(cr.cholesky_solve, cr.Tensor.cholesky_solve)),
    OpInfo("cholesky_inverse", _cholesky_inverse, _ref_spd_inverse,
           _spd_samples([{"upper": True}]), covers=(cr.cholesky_inverse,
                                                    cr.Tensor.cholesky_inverse)),
    # decompositions
    OpInfo("linalg.qr", _qr, _ref_qr, _qr_samples, covers=(L.qr,), atol=1e-10),
    OpInfo("qr", _torch_qr, _ref_torch_qr, lambda rng: [
        Sample(rng.normal(size=(4, 3))), Sample(rng.normal(size=(3, 3)), False),
        Sample(rng.normal(size=(2, 2, 3)), False), Sample(rng.normal(size=(0, 3, 2)))],
        covers=(cr.qr, cr.Tensor.qr), atol=1e-10),
    OpInfo("linalg.eigh", _eigh, _ref_eigh, _eigh_samples, covers=(L.eigh,), atol=1e-10),
    OpInfo("linalg.eigh_rebuild", _eigh_projector, _np_sym, lambda rng: [
        Sample(sym_distinct(rng, 3, 3)), Sample(sym_distinct(rng, 2, 2, 2))], atol=1e-10),
    OpInfo("linalg.eigvalsh", _eigvalsh, _ref_eigvalsh, _eigh_samples, covers=(L.eigvalsh,),
           atol=1e-10),
    OpInfo("linalg.svd", _svd, _ref_svd, _svd_samples, covers=(L.svd,), atol=1e-10),
    OpInfo("linalg.svd_rebuild", _svd_rebuild, lambda a: a, _svdvals_samples, atol=1e-10),
    OpInfo("svd", _torch_svd, _ref_torch_svd, lambda rng: [
        Sample(distinct_sv(rng, 4, 3)), Sample(distinct_sv(rng, 2, 3), False),
        Sample(distinct_sv(rng, 2, 3, 3)), Sample(distinct_sv(rng, 0, 2, 2))],
        covers=(cr.svd, cr.Tensor.svd), atol=1e-10),
    OpInfo("linalg.svdvals", L.svdvals, lambda a: np.linalg.svd(a, compute_uv=False)
           if a.size else np.zeros(a.shape[:-2] + (min(a.shape[-2:]),)), _svdvals_samples,
           covers=(L.svdvals,), atol=1e-10),
    # norms
    OpInfo("linalg.vector_norm", _vector_norm, _ref_vector_norm, _vector_norm_samples,
           covers=(L.vector_norm,)),
    OpInfo("linalg.vector_norm_dtype", _vector_norm, _ref_vector_norm, lambda rng: [
        Sample(rng.normal(size=(2, 3)), dtype=cr.float64)], float32=False),
    OpInfo("linalg.matrix_norm", _matrix_norm, _ref_matrix_norm, _matrix_norm_samples,
           covers=(L.matrix_norm,), atol=1e-10),
    OpInfo("linalg.norm", _norm, _ref_norm, _norm_samples, covers=(L.norm,), atol=1e-10),
    OpInfo("linalg.cond", _cond, _ref_cond, _cond_samples, covers=(L.cond,), atol=1e-10),
    # pinv, lstsq, powers, exponentials, small composites
    OpInfo("linalg.pinv", _pinv, _ref_pinv, _pinv_samples, covers=(L.pinv,), atol=1e-10),
    OpInfo("pinverse", _pinverse, _ref_pinv, lambda rng: _pinv_samples(rng)[:4],
           covers=(cr.pinverse, cr.Tensor.pinverse), atol=1e-10),
    OpInfo("linalg.lstsq", _lstsq, _ref_lstsq, _lstsq_samples, covers=(L.lstsq,), atol=1e-10),
    OpInfo("linalg.matrix_power", _matrix_power, _ref_matrix_power, _matrix_power_samples,
           covers=(L.matrix_power,)),
    OpInfo("matrix_power", _torch_matrix_power, _ref_matrix_power,
           lambda rng: _matrix_power_samples(rng)[:4],
           covers=(cr.matrix_power, cr.Tensor.matrix_power)),
    OpInfo("linalg.matrix_exp", L.matrix_exp, _ref_expm, _matrix_exp_samples,
           covers=(L.matrix_exp,), atol=1e-10, rtol=1e-9),
    OpInfo("matrix_exp", _torch_matrix_exp, _ref_expm, lambda rng: _matrix_exp_samples(rng)[:3],
           covers=(cr.matrix_exp, cr.Tensor.matrix_exp), atol=1e-10, rtol=1e-9),
    OpInfo("linalg.diagonal", _diagonal, _ref_diagonal, _diagonal_samples,
           covers=(L.diagonal,)),
    OpInfo("linalg.vecdot", _vecdot, _ref_vecdot, lambda rng: [
        Sample(rng.normal(size=(2, 3)), rng.normal(size=(3,))),
        Sample(rng.normal(size=(2, 3)), rng.normal(size=(2, 1)), dim=0),
        Sample(rng.normal(size=(0, 3)), rng.normal(size=(0, 3)))], covers=(L.vecdot,)),
    OpInfo("linalg.tensorinv", _tensorinv, _ref_tensorinv, lambda rng: [
        Sample(square(rng, 4, 4).reshape(4, 2, 2), ind=1),
        Sample(square(rng, 6, 6).reshape(2, 3, 6))], covers=(L.tensorinv,)),
    OpInfo("linalg.tensorsolve", _tensorsolve, _ref_tensorsolve, lambda rng: [
        Sample(square(rng, 6, 6).reshape(2, 3, 6), rng.normal(size=(2, 3)))],
        covers=(L.tensorsolve,)),
]

# non-differentiable chainrule.linalg functions (integer results): tested in test_linalg.py
NOT_DIFFERENTIABLE = set()
