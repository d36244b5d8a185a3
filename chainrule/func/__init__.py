"""chainrule.func: composable function transforms, as torch.func (and JAX).

    >>> import chainrule as torch
    >>> from chainrule.func import grad, vmap
    >>> w = torch.tensor([1.0, -1.0])
    >>> xs = torch.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    >>> def loss(w, x):
    ...     return (w * x).sum() ** 2
    >>> vmap(grad(loss), in_dims=(None, 0))(w, xs)  # per-sample gradients
    tensor([[ -2.,  -4.],
            [ -6.,  -8.],
            [-10., -12.]])
"""

from . import _batched  # noqa: F401 - installs the vmap dispatcher
from ._functional_call import functional_call
from ._transforms import grad, grad_and_value, hessian, jacfwd, jacrev, jvp, linearize, vjp
from ._vmap import vmap

__all__ = ["functional_call", "grad", "grad_and_value", "hessian", "jacfwd", "jacrev", "jvp",
           "linearize", "vjp", "vmap"]
