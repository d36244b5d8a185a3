"""chainrule: automatic differentiation on NumPy, with PyTorch's names.

    >>> import chainrule as torch
    >>> x = torch.tensor([2.0], requires_grad=True)
    >>> W = torch.tensor([3.0], requires_grad=True)
    >>> b = torch.tensor([1.0], requires_grad=True)
    >>> loss = (W * x + b - 8) ** 2
    >>> loss.backward()
    >>> W.grad, b.grad
    (tensor([-4.]), tensor([-2.]))
"""

from . import _tensor_methods  # noqa: F401  (attaches operators and methods to Tensor)
from . import autograd
from ._dtype import (
    bool, double, dtype, float, float16, float32, float64, get_default_dtype, half, int, int8,
    int16, int32, int64, long, set_default_dtype, short, uint8,
)
from ._factories import (
    arange, as_tensor, asarray, empty, empty_like, eye, from_numpy, full, full_like, linspace,
    logspace, manual_seed, normal, ones, ones_like, rand, rand_like, randint, randint_like, randn,
    randn_like, randperm, seed, tensor, zeros, zeros_like,
)
from ._tensor import Size, Tensor
from .autograd.grad_mode import (
    enable_grad, inference_mode, is_grad_enabled, is_inference_mode_enabled, no_grad,
    set_grad_enabled,
)
from .ops.elementwise import (
    abs, absolute, add, allclose, bitwise_and, bitwise_not, bitwise_or, bitwise_xor, clamp, clip,
    clone, cos, div, divide, eq, equal, exp, ge, greater, greater_equal, gt, isclose, isfinite,
    isinf, isnan, le, less, less_equal, log, logical_and, logical_not, logical_or, logical_xor,
    lt, maximum, minimum, mul, multiply, ne, neg, negative, not_equal, pow, reciprocal, relu,
    rsqrt, sigmoid, sign, sin, sqrt, square, sub, subtract, tanh, true_divide, where,
)
from .ops.linalg import bmm, dot, ger, inner, matmul, mm, mv, outer
from .ops.reduction import (
    amax, amin, argmax, argmin, log_softmax, logsumexp, max, mean, min, softmax, sum,
)
from .ops.shape import (
    broadcast_to, cat, concat, concatenate, expand, flatten, movedim, nonzero, permute, reshape,
    squeeze, stack, swapaxes, swapdims, t, transpose, unflatten, unsqueeze, view,
)

__version__ = "0.1.0"


def is_tensor(obj):
    return isinstance(obj, Tensor)


def numel(input):
    return input.numel()


def detach(input):
    return input.detach()


__all__ = [name for name in dir() if not name.startswith("_")]
