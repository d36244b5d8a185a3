"""chainrule.linalg: the functions of torch.linalg, each differentiable (VJP and JVP) and
batched over leading dimensions (..., m, n).

    >>> import chainrule as torch
    >>> A = torch.tensor([[4., 1.], [1., 3.]], requires_grad=True)
    >>> torch.linalg.det(A).backward()
    >>> A.grad  # the cofactor matrix
    tensor([[ 3., -1.],
            [-1.,  4.]])

Behaviour at singular and degenerate inputs is listed in docs/linalg.md.
"""

from ..ops.linalg import matmul
from ..ops.linalg_common import LinAlgError
from ..ops.linalg_decomp import eigh, eigvalsh, svdvals
from ..ops.linalg_decomp import linalg_qr as qr
from ..ops.linalg_decomp import linalg_svd as svd
from ..ops.linalg_misc import (
    cross,
    diagonal,
    lstsq,
    matrix_exp,
    matrix_power,
    matrix_rank,
    multi_dot,
    pinv,
    tensorinv,
    tensorsolve,
    vecdot,
)
from ..ops.linalg_norms import cond, matrix_norm, norm, vector_norm
from ..ops.linalg_solve import (
    cholesky,
    cholesky_ex,
    det,
    inv,
    inv_ex,
    slogdet,
    solve,
    solve_ex,
    solve_triangular,
)

__all__ = [
    "LinAlgError", "cholesky", "cholesky_ex", "cond", "cross", "det", "diagonal", "eigh",
    "eigvalsh", "inv", "inv_ex", "lstsq", "matmul", "matrix_exp", "matrix_norm", "matrix_power",
    "matrix_rank", "multi_dot", "norm", "pinv", "qr", "slogdet", "solve", "solve_ex",
    "solve_triangular", "svd", "svdvals", "tensorinv", "tensorsolve", "vecdot", "vector_norm",
]
