"""chainrule.special: the functions of `torch.special`.

    >>> import chainrule as torch
    >>> x = torch.tensor([0.5, 2.0], dtype=torch.float64, requires_grad=True)
    >>> torch.special.gammaln(x)
    tensor([0.5724, 0.0000], dtype=torch.float64, grad_fn=<LgammaBackward0>)
    >>> torch.special.gammaln(x).sum().backward()
    >>> x.grad  # digamma
    tensor([-1.9635,  0.4228], dtype=torch.float64)

Every function is differentiable to any order (zeta in its second argument only, as in
PyTorch); the kernels are chainrule's own (chainrule/ops/special_kernels.py: no SciPy).
"""

from .ops.elementwise import sigmoid as expit
from .ops.pointwise import exp2, expm1, log1p, logit, round, sinc
from .ops.pointwise_binary import xlogy
from .ops.special_ops import (
    digamma,
    entr,
    erf,
    erfc,
    erfcx,
    erfinv,
    i0,
    i0e,
    i1,
    i1e,
    log_ndtr,
    ndtr,
    ndtri,
    polygamma,
    xlog1py,
    zeta,
)
from .ops.special_ops import digamma as psi
from .ops.special_ops import lgamma as gammaln
from .ops.special_ops import mvlgamma as multigammaln

__all__ = [
    "digamma", "entr", "erf", "erfc", "erfcx", "erfinv", "exp2", "expit", "expm1", "gammaln",
    "i0", "i0e", "i1", "i1e", "log1p", "log_ndtr", "log_softmax", "logit", "logsumexp",
    "multigammaln", "ndtr", "ndtri", "polygamma", "psi", "round", "sinc", "softmax", "xlog1py",
    "xlogy", "zeta",
]


def softmax(input, dim, *, dtype=None):
    """softmax along `dim` (torch.special.softmax)."""
    from .ops.reduction import softmax as _softmax

    return _softmax(input, dim, dtype=dtype)


def log_softmax(input, dim, *, dtype=None):
    """log_softmax along `dim` (torch.special.log_softmax)."""
    from .ops.reduction import log_softmax as _log_softmax

    return _log_softmax(input, dim, dtype=dtype)


def logsumexp(input, dim, keepdim=False):
    """log(sum(exp(input))) along `dim`, computed stably (torch.special.logsumexp)."""
    from .ops.reduction import logsumexp as _logsumexp

    return _logsumexp(input, dim, keepdim)
