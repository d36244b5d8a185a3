"""Helpers shared by the linear-algebra ops: input checks with PyTorch's messages, LinAlgError,
and small differentiable building blocks (matrix transpose, diagonal, triangular parts) written
with chainrule ops so that rules using them stay differentiable to any order.

Every helper accepts bare ndarrays (first-order backward) as well as Tensors.
"""

import numpy as np

from .._tensor import Tensor
from .elementwise import mul
from .shape import transpose, unsqueeze


class LinAlgError(RuntimeError):
    """A linear-algebra routine failed on its input (a singular matrix, a matrix that is not
    positive-definite). A RuntimeError, as PyTorch's torch.linalg.LinAlgError is."""


LinAlgError.__module__ = "chainrule.linalg"

_TORCH_NAMES = {"float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long",
                "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool"}


def type_name(np_dtype):
    """PyTorch's scalar type name of a dtype (Float, Double, Long...), as its messages print."""
    return _TORCH_NAMES.get(np.dtype(np_dtype).name, str(np_dtype))


def data(x):
    """The ndarray behind a Tensor (or the value itself; inside vmap, the logical stand-in)."""
    return x._data if isinstance(x, Tensor) else x


def dtype_of(x):
    """The NumPy dtype of a Tensor (also a batched one inside vmap) or an array."""
    d = data(x)
    return d.dtype if hasattr(d, "dtype") else np.asarray(d).dtype


def shape_of(x):
    return tuple(np.shape(data(x)))


def check_float(name, x, arg="input"):
    """PyTorch's linalg functions take floating tensors only (no implicit promotion)."""
    dt = dtype_of(x)
    if dt.kind != "f":
        raise RuntimeError(f"{name}: Expected a floating point or complex tensor as {arg}. Got "
                           f"{type_name(dt)}")
    if dt == np.float16:
        raise NotImplementedError(f"\"{name}\" not implemented for 'Half'")


def check_matrix(name, x, arg="A"):
    shape = shape_of(x)
    if len(shape) < 2:
        raise RuntimeError(f"{name}: The input tensor {arg} must have at least 2 dimensions.")
    return shape


def check_square(name, x, arg="A"):
    """A batch of square matrices (..., n, n) of a floating dtype."""
    shape = check_matrix(name, x, arg)
    if shape[-1] != shape[-2]:
        raise RuntimeError(f"{name}: {arg} must be batches of square matrices, but they are "
                           f"{shape[-2]} by {shape[-1]} matrices")
    check_float(name, x, arg)
    return shape


def check_same_dtype(name, a, b, a_name="A", b_name="B"):
    da, db = dtype_of(a), dtype_of(b)
    if da != db:
        raise RuntimeError(f"{name}: Expected {a_name} and {b_name} to have the same dtype, but "
                           f"found {a_name} of type {type_name(da)} and {b_name} of type "
                           f"{type_name(db)} instead")


def batch_prefix(shape, flat_index):
    """'(Batch element i): ' for batched inputs, '' for a single matrix (PyTorch's wording)."""
    return f"(Batch element {flat_index}): " if len(shape) > 2 else ""


# --- differentiable building blocks ---------------------------------------------------------------


def mT(x):
    """The matrix transpose of a batch of matrices (..., m, n) -> (..., n, m)."""
    return transpose(x, -1, -2)


def diagonal(x):
    """The main diagonals of a batch of matrices (..., n, n) -> (..., n)."""
    from .einsum import einsum_normalized

    return einsum_normalized("...ii->...i", x)


def diag_embed(v):
    """Diagonal matrices with the vectors v (..., n) on their diagonals -> (..., n, n)."""
    n = shape_of(v)[-1]
    return mul(unsqueeze(v, -1), np.eye(n, dtype=dtype_of(v)))


def tri_mask(n, m, lower, k=0, dtype=np.float64):
    """The 0/1 mask of the lower (tril(k)) or upper (triu(k)) part of an n x m matrix."""
    ones = np.ones((n, m), dtype=dtype)
    return np.tril(ones, k) if lower else np.triu(ones, k)


def eye_like(x, n=None):
    """An identity matrix of x's dtype (a constant)."""
    n = shape_of(x)[-1] if n is None else n
    return np.eye(n, dtype=dtype_of(x))


def is_zero(g):
    """True when a gradient or tangent is None or all zeros (an output that was not used)."""
    return g is None or not np.any(data(g))


# --- error paths ---------------------------------------------------------------------------------


def zero_pivot(a):
    """The 1-based index of the first exactly zero pivot of LU with partial pivoting (as LAPACK's
    getrf reports it), or 0 when there is none. Only called once a solver has failed."""
    u = np.array(a, dtype=np.float64)
    n = u.shape[0]
    first = 0
    for j in range(n):
        p = j + int(np.argmax(np.abs(u[j:, j])))
        if u[p, j] == 0:
            first = first or j + 1
            continue
        u[[j, p]] = u[[p, j]]
        u[j + 1:, j:] -= np.outer(u[j + 1:, j] / u[j, j], u[j, j:])
    return first


def flat_batch(a):
    """The matrices of a batch (..., m, n) as one (b, m, n) array (b may be 0)."""
    return np.reshape(a, (int(np.prod(a.shape[:-2], dtype=np.int64)),) + a.shape[-2:])


def first_failure(a, failed):
    """(flat batch index, matrix) of the first matrix in the batch `a` for which failed(m)."""
    flat = flat_batch(a)
    for i, m in enumerate(flat):
        if failed(m):
            return i, m
    return None, None


def singular_error(name, a):
    """LinAlgError for a batch `a` in which some matrix is singular (the inverse failed)."""

    def failed(m):
        try:
            np.linalg.inv(m)
            return False
        except np.linalg.LinAlgError:
            return True

    i, m = first_failure(a, failed)
    if m is None:
        i, m = 0, flat_batch(a)[0]
    k = zero_pivot(m) or m.shape[-1]
    return LinAlgError(f"{name}: {batch_prefix(a.shape, i)}The diagonal element {k} is zero, the "
                       "inversion could not be completed because the input matrix is singular.")


def not_pd_order(m):
    """The order of the first leading minor of m that is not positive-definite (0 if none)."""
    for k in range(1, m.shape[-1] + 1):
        try:
            np.linalg.cholesky(m[:k, :k])
        except np.linalg.LinAlgError:
            return k
    return 0


def pd_orders(a):
    """The failing leading-minor order of every matrix in the batch `a` (0 where none fails)."""
    flat = flat_batch(a)
    return np.array([not_pd_order(m) for m in flat], dtype=np.int32).reshape(a.shape[:-2])


def not_pd_error(name, a):
    orders = pd_orders(a).reshape(-1)
    i = int(np.argmax(orders > 0))
    return LinAlgError(
        f"{name}: {batch_prefix(a.shape, i)}The factorization could not be completed because the "
        f"input is not positive-definite (the leading minor of order {orders[i]} is not "
        "positive-definite).")
