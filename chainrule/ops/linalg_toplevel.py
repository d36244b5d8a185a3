"""The linear-algebra functions PyTorch also exposes at the top level (torch.det, torch.inverse,
torch.svd...), some with their legacy signatures (torch.svd returns V, torch.qr takes `some`)."""

from .linalg_decomp import qr, svd
from .linalg_misc import matrix_exp, matrix_power, pinverse
from .linalg_solve import (
    cholesky_inverse,
    cholesky_solve,
    det,
    inverse,
    logdet,
)
from .linalg_solve import torch_cholesky as cholesky
from .linalg_solve import torch_slogdet as slogdet

__all__ = [
    "cholesky", "cholesky_inverse", "cholesky_solve", "det", "inverse", "logdet", "matrix_exp",
    "matrix_power", "pinverse", "qr", "slogdet", "svd",
]


def _install():
    from .._tensor_methods import install_methods
    from . import linalg as products

    methods = {
        "addbmm": products.addbmm, "addmm": products.addmm, "addmv": products.addmv,
        "addr": products.addr, "baddbmm": products.baddbmm, "cross": products.cross,
        "inner": products.inner, "kron": products.kron, "vdot": products.vdot,
        "ger": products.ger, "cholesky": cholesky, "cholesky_inverse": cholesky_inverse,
        "cholesky_solve": cholesky_solve, "det": det, "inverse": inverse, "logdet": logdet,
        "matrix_exp": matrix_exp, "matrix_power": matrix_power, "pinverse": pinverse, "qr": qr,
        "slogdet": slogdet, "svd": svd,
    }
    inplace = {name + "_": methods[name] for name in ("addbmm", "addmm", "addmv", "addr",
                                                      "baddbmm")}
    install_methods(methods, inplace)


_install()
