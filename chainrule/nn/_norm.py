"""Normalization and distance functions of torch.nn.functional: group_norm, instance_norm, rms_norm,
local_response_norm, normalize, cosine_similarity, pairwise_distance, pdist.

All are compositions of differentiable chainrule ops (mean, rsqrt, vector_norm, ...), so every
derivative, JVP and vmap rule comes from theirs. Where PyTorch clamps a norm in place under
no_grad (normalize's eps, cosine_similarity's eps), the value is clamped but the gradient flows
as if it were not (`_clamp_value_only`), which is what PyTorch's backward computes.
"""

import numpy as np

from .._tensor import Tensor
from ..ops import elementwise as ew
from ..ops import reduction as red
from ..ops import shape as sh
from . import _ops
from ._helpers import write_


def _clamp_value_only(t, min_value):
    """`t` with values clamped below at `min_value`, and the gradient of `t` itself (PyTorch's
    in-place `clamp_min_` under no_grad on a saved norm)."""
    d = t.detach()
    return ew.add(t, ew.sub(ew.clamp(d, min=min_value), d))


def _stats(x, dims):
    mu = red.mean(x, dims, keepdim=True)
    xc = ew.sub(x, mu)
    return red.mean(ew.mul(xc, xc), dims, keepdim=True), xc


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-05):
    """Normalise over groups of channels (N, C, *) -> the same shape; weight/bias per channel."""
    if input.ndim < 2:
        raise RuntimeError(f"Expected at least 2 dimensions for input tensor but received "
                           f"{input.ndim}")
    n, c = input.shape[:2]
    if num_groups <= 0 or c % num_groups:
        raise RuntimeError(f"Expected number of channels in input to be divisible by "
                           f"num_groups, but got input of shape {list(input.shape)} and "
                           f"num_groups={num_groups}")
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and (t.ndim != 1 or t.shape[0] != c):
            raise RuntimeError(f"Expected {name} to be a vector of size equal to the number of "
                               f"channels in input, but got {name} of shape {list(t.shape)} and "
                               f"input of shape {list(input.shape)}")
    spatial = tuple(input.shape[2:])
    x = sh.reshape(input, (n, num_groups, (c // num_groups) * int(np.prod(spatial))))
    var, xc = _stats(x, (2,))
    out = sh.reshape(ew.mul(xc, ew.rsqrt(ew.add(var, eps))), (n, c) + spatial)
    cshape = (1, c) + (1,) * len(spatial)
    if weight is not None:
        out = ew.mul(out, sh.reshape(weight, cshape))
    if bias is not None:
        out = ew.add(out, sh.reshape(bias, cshape))
    return _ops.named(out, "NativeGroupNormBackward0")


def instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None,
                  use_input_stats=True, momentum=0.1, eps=1e-05):
    """Normalise each (sample, channel) over its spatial dims: input (N, C, *spatial).

    With use_input_stats and running statistics, those are updated with the batch average of
    the per-instance statistics (unbiased variance), as PyTorch's instance_norm does.
    """
    if input.ndim < 3:
        raise ValueError(f"instance_norm: expected an input of at least 3 dimensions (N, C, "
                         f"*spatial), got shape {list(input.shape)}")
    c = input.shape[1]
    spatial = tuple(range(2, input.ndim))
    cshape = (1, c) + (1,) * (input.ndim - 2)
    if use_input_stats:
        if int(np.prod(input.shape[2:])) == 1:
            raise ValueError(f"Expected more than 1 spatial element when training, got input "
                             f"size {list(input.shape)}")
        var, xc = _stats(input, spatial)
        out = ew.mul(xc, ew.rsqrt(ew.add(var, eps)))
        if running_mean is not None or running_var is not None:
            _update_instance_stats(input, running_mean, running_var, momentum)
    else:
        if running_mean is None or running_var is None:
            raise RuntimeError("Expected running_mean and running_var to be defined when "
                               "use_input_stats is false")
        out = ew.mul(ew.sub(input, sh.reshape(running_mean, cshape)),
                     ew.rsqrt(ew.add(sh.reshape(running_var, cshape), eps)))
    if weight is not None:
        out = ew.mul(out, sh.reshape(weight, cshape))
    if bias is not None:
        out = ew.add(out, sh.reshape(bias, cshape))
    return out


def _update_instance_stats(input, running_mean, running_var, momentum):
    x = input._data.astype(np.float64)
    axes = tuple(range(2, x.ndim))
    m = x[0, 0].size
    mean = x.mean(axis=axes)  # (N, C)
    var = x.var(axis=axes) * m / max(m - 1, 1)
    if running_mean is not None:
        rm = running_mean._data
        write_(running_mean, ((1 - momentum) * rm + momentum * mean.mean(0)).astype(rm.dtype))
    if running_var is not None:
        rv = running_var._data
        write_(running_var, ((1 - momentum) * rv + momentum * var.mean(0)).astype(rv.dtype))


def rms_norm(input, normalized_shape, weight=None, eps=None):
    """x / sqrt(mean(x^2 over the trailing normalized_shape dims) + eps) * weight.

    eps=None uses the machine epsilon of the input's dtype, as PyTorch.
    """
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    k = len(shape)
    if k == 0 or input.ndim < k or tuple(input.shape[input.ndim - k:]) != shape:
        dims = ", ".join(str(s) for s in shape)
        raise RuntimeError(f"Given normalized_shape={list(shape)}, expected input with shape "
                           f"[*, {dims}], but got input of size{list(input.shape)}")
    if weight is not None and tuple(weight.shape) != shape:
        raise RuntimeError(f"Expected weight to be of same shape as normalized_shape, but got "
                           f"weight of shape {list(weight.shape)} and normalized_shape = "
                           f"{list(shape)}")
    if eps is None:
        eps = float(np.finfo(input._data.dtype).eps)
    dims = tuple(range(input.ndim - k, input.ndim))
    ms = red.mean(ew.mul(input, input), dims, keepdim=True)
    out = ew.mul(input, ew.rsqrt(ew.add(ms, eps)))
    if weight is not None:
        out = ew.mul(out, weight)
    return out


def local_response_norm(input, size, alpha=1e-4, beta=0.75, k=1.0):
    """x / (k + alpha * mean of x^2 over `size` neighbouring channels) ** beta (PyTorch's)."""
    from ._pool import avg_pool2d

    if input.ndim < 3:
        raise ValueError(f"Expected 3D or higher dimensionality input (got {input.ndim} "
                         "dimensions)")
    if input.numel() == 0:
        return input
    n, c = input.shape[:2]
    sq = sh.reshape(ew.mul(input, input), (n, 1, c, -1))
    lo, hi = size // 2, (size - 1) // 2
    rest = sq.shape[3]
    parts = [sq]
    if lo:
        parts.insert(0, Tensor._make(np.zeros((n, 1, lo, rest), dtype=input._data.dtype)))
    if hi:
        parts.append(Tensor._make(np.zeros((n, 1, hi, rest), dtype=input._data.dtype)))
    padded = sh.cat(parts, 2) if len(parts) > 1 else sq
    div = avg_pool2d(padded, (size, 1), stride=1)
    div = sh.reshape(div, tuple(input.shape))
    div = ew.pow(ew.add(ew.mul(div, alpha), k), beta)
    return ew.div(input, div)


def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    """input / max(||input||_p along dim, eps).

        >>> import chainrule as torch
        >>> import chainrule.nn.functional as F
        >>> F.normalize(torch.tensor([[3.0, 4.0]]))
        tensor([[0.6000, 0.8000]])
    """
    if out is not None:
        raise TypeError("normalize(): the out= argument is not supported by chainrule")
    norm = red.vector_norm(input, p, dim, keepdim=True)
    denom = ew.clamp(norm, min=eps)
    return ew.div(input, sh.expand_as(denom, input))


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """sum(x1 * x2) / (max(||x1||, eps) * max(||x2||, eps)) along `dim` (x1, x2 broadcast)."""
    shape = _broadcast_shape("cosine_similarity", x1, x2)
    x1 = sh.expand(x1, shape) if tuple(x1.shape) != shape else x1
    x2 = sh.expand(x2, shape) if tuple(x2.shape) != shape else x2
    n1 = _clamp_value_only(red.vector_norm(x1, 2, dim, keepdim=True), eps)
    n2 = _clamp_value_only(red.vector_norm(x2, 2, dim, keepdim=True), eps)
    return red.sum(ew.mul(ew.div(x1, n1), ew.div(x2, n2)), dim)


def _broadcast_shape(name, a, b):
    try:
        return tuple(np.broadcast_shapes(tuple(a.shape), tuple(b.shape)))
    except ValueError:
        raise RuntimeError(f"{name}: the size of tensor a ({list(a.shape)}) must match the size "
                           f"of tensor b ({list(b.shape)}) (they must broadcast)") from None


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """||x1 - x2 + eps||_p along the last dim."""
    nd = max(x1.ndim, x2.ndim)
    diff = ew.add(ew.sub(x1, x2), eps)
    if nd == 0:
        diff = sh.reshape(diff, (1,))
        return red.vector_norm(diff, p, -1, keepdim=False)
    return red.vector_norm(diff, p, -1, keepdim=keepdim)


def pdist(input, p=2):
    """The p-norm distances between the rows of a 2-d input: the upper triangle, row by row."""
    if input.ndim != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {input.ndim}D")
    n = input.shape[0]
    i, j = np.triu_indices(n, 1)
    a = sh.getitem(input, Tensor._make(i))
    b = sh.getitem(input, Tensor._make(j))
    return red.cdist_norm(ew.sub(a, b), p)  # (as PyTorch: p = 0 gives zero gradients)
