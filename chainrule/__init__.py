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

# ruff: noqa: F401 - this module re-exports the public API (`__all__` is built from it below)
from . import (
    _numpy_interop,  # np.exp(t), np.sum(t, axis=0)... dispatch to chainrule
    _tensor_methods,  # attaches operators and methods to Tensor
    autograd,
    cuda,
)
from ._device import device, layout, strided
from ._dtype import (
    bool,
    can_cast,
    double,
    dtype,
    finfo,
    float,
    float16,
    float32,
    float64,
    get_default_dtype,
    half,
    iinfo,
    int,
    int8,
    int16,
    int32,
    int64,
    long,
    promote_types,
    set_default_dtype,
    short,
    uint8,
)
from ._dtype import public_result_type as result_type
from ._factories import (
    Generator,
    arange,
    as_tensor,
    asarray,
    default_generator,
    empty,
    empty_like,
    eye,
    from_numpy,
    full,
    full_like,
    get_rng_state,
    initial_seed,
    linspace,
    logspace,
    manual_seed,
    normal,
    ones,
    ones_like,
    rand,
    rand_like,
    randint,
    randint_like,
    randn,
    randn_like,
    randperm,
    seed,
    set_rng_state,
    tensor,
    zeros,
    zeros_like,
)
from ._tensor import Size, Tensor
from .autograd.grad_mode import (
    enable_grad,
    inference_mode,
    is_grad_enabled,
    is_inference_mode_enabled,
    no_grad,
    set_grad_enabled,
)
from .ops.elementwise import (
    abs,
    absolute,
    add,
    allclose,
    bitwise_and,
    bitwise_left_shift,
    bitwise_not,
    bitwise_or,
    bitwise_right_shift,
    bitwise_xor,
    clamp,
    clip,
    clone,
    cos,
    div,
    divide,
    eq,
    equal,
    exp,
    floor_divide,
    ge,
    greater,
    greater_equal,
    gt,
    isclose,
    isfinite,
    isinf,
    isnan,
    le,
    less,
    less_equal,
    log,
    logical_and,
    logical_not,
    logical_or,
    logical_xor,
    lt,
    masked_fill,
    maximum,
    minimum,
    mul,
    multiply,
    ne,
    neg,
    negative,
    not_equal,
    pow,
    reciprocal,
    relu,
    remainder,
    rsqrt,
    rsub,
    sigmoid,
    sign,
    sin,
    sqrt,
    square,
    sub,
    subtract,
    tanh,
    true_divide,
    where,
)
from .ops.linalg import bmm, dot, ger, inner, matmul, mm, mv, outer
from .ops.reduction import (
    amax,
    amin,
    argmax,
    argmin,
    log_softmax,
    logsumexp,
    max,
    mean,
    min,
    softmax,
    sum,
)
from .ops.shape import (
    broadcast_to,
    cat,
    concat,
    concatenate,
    expand,
    flatten,
    movedim,
    nonzero,
    permute,
    reshape,
    squeeze,
    stack,
    swapaxes,
    swapdims,
    t,
    transpose,
    unflatten,
    unsqueeze,
    view,
)

# --- further op modules: one star-import line each (each module defines __all__) ---
from .ops.diagonal import *  # noqa: F403
from .ops.indexing import *  # noqa: F403
from .ops.pieces import *  # noqa: F403
from .ops.reorder import *  # noqa: F403
from .ops.stacking import *  # noqa: F403
from .ops.linalg import *  # noqa: F403
from .ops.einsum import *  # noqa: F403
from .ops.linalg_toplevel import *  # noqa: F403
from .ops.reduction import *  # noqa: F403
from .ops.scan import *  # noqa: F403
from .ops.sorting import *  # noqa: F403
from .ops.pointwise import *  # noqa: F403
from .ops.pointwise_binary import *  # noqa: F403
from .ops.special_ops import *  # noqa: F403
# (end of op modules)

from .ops.shape import moveaxis, ravel  # noqa: E402

__version__ = "0.1.0"


def is_tensor(obj):
    return isinstance(obj, Tensor)


def is_floating_point(input):
    return input.is_floating_point()


def is_nonzero(input):
    """The truth value of a one-element tensor (RuntimeError for any other)."""
    if input.numel() != 1:
        raise RuntimeError(
            "Boolean value of Tensor with "
            f"{'no values' if input.numel() == 0 else 'more than one value'} is ambiguous"
        )
    return bool(input)


def get_default_device():
    return device("cpu")


def numel(input):
    return input.numel()


def detach(input):
    return input.detach()


from . import func, nn, optim  # noqa: E402
from .autograd import functional as _autograd_functional  # noqa: E402
from .func import vmap  # noqa: E402
from . import utils, viz  # noqa: E402
from . import linalg  # noqa: E402
from . import special  # noqa: E402
from .serialization import load, save  # noqa: E402
from ._torch_functional import *  # noqa: E402,F403

__all__ = [name for name in dir() if not name.startswith("_")]
