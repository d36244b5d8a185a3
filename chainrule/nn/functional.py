"""chainrule.nn.functional: the stateless functions behind the nn layers (PyTorch's names).

Every function is a composition of differentiable chainrule ops (or one of the few primitives
in `nn/_ops.py`), so gradients of any order come for free. Conventions at kinks follow
PyTorch's: relu'(0) = 0, leaky_relu'(0) = negative_slope, hardtanh/relu6 pass the gradient
only strictly inside (min_val, max_val).

    >>> import chainrule as torch
    >>> import chainrule.nn.functional as F
    >>> F.relu(torch.tensor([-1.0, 0.0, 2.0]))
    tensor([0., 0., 2.])
    >>> F.softmax(torch.tensor([1.0, 2.0, 3.0]), dim=0)
    tensor([0.0900, 0.2447, 0.6652])
"""

import math
import warnings

import numpy as np

from .._tensor import Tensor
from .._tensor_methods import inplace
from ..ops import elementwise as ew
from ..ops import reduction as red
from ..ops import shape as sh
from ..ops.linalg import matmul
from ..ops.padding import pad
from . import _ops
from ._attention import (
    multi_head_attention_forward,
    scaled_dot_product_attention,
)
from ._conv import (
    conv1d,
    conv2d,
    conv3d,
    conv_transpose1d,
    conv_transpose2d,
    conv_transpose3d,
    fold,
    unfold,
)
from ._helpers import rng, scalar_name, write_
from ._losses import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cosine_embedding_loss,
    cross_entropy,
    gaussian_nll_loss,
    hinge_embedding_loss,
    huber_loss,
    kl_div,
    l1_loss,
    margin_ranking_loss,
    mse_loss,
    multi_margin_loss,
    multilabel_soft_margin_loss,
    nll_loss,
    poisson_nll_loss,
    smooth_l1_loss,
    soft_margin_loss,
    triplet_margin_loss,
    triplet_margin_with_distance_loss,
)
from ._norm import (
    cosine_similarity,
    group_norm,
    instance_norm,
    local_response_norm,
    normalize,
    pairwise_distance,
    pdist,
    rms_norm,
)
from ._pool import (
    adaptive_avg_pool1d,
    adaptive_avg_pool2d,
    adaptive_avg_pool3d,
    adaptive_max_pool1d,
    adaptive_max_pool1d_with_indices,
    adaptive_max_pool2d,
    adaptive_max_pool2d_with_indices,
    adaptive_max_pool3d,
    adaptive_max_pool3d_with_indices,
    avg_pool1d,
    avg_pool2d,
    avg_pool3d,
    lp_pool1d,
    lp_pool2d,
    lp_pool3d,
    max_pool1d,
    max_pool1d_with_indices,
    max_pool2d,
    max_pool2d_with_indices,
    max_pool3d,
    max_pool3d_with_indices,
    max_unpool1d,
    max_unpool2d,
    max_unpool3d,
)
from ._sample import (
    interpolate,
    pixel_shuffle,
    pixel_unshuffle,
    upsample,
    upsample_bilinear,
    upsample_nearest,
)

# --- activations -------------------------------------------------------------------------------


def _maybe_inplace(name, fn, input, inplace_flag):
    if inplace_flag:
        return inplace(input, name, fn)
    return fn(input)


def relu(input, inplace=False):
    """max(x, 0); relu'(0) = 0."""
    if not inplace:  # the common case without the detour
        return ew.relu(input)
    return _maybe_inplace("relu_", ew.relu, input, inplace)


def relu_(input):
    return relu(input, inplace=True)


def leaky_relu(input, negative_slope=0.01, inplace=False):
    """x for x > 0, negative_slope * x otherwise."""
    def fn(x):
        return _ops.named(ew.where(ew.gt(x, 0), x, ew.mul(x, negative_slope)),
                          "LeakyReluBackward0")

    return _maybe_inplace("leaky_relu_", fn, input, inplace)


def leaky_relu_(input, negative_slope=0.01):
    return leaky_relu(input, negative_slope, inplace=True)


def _elu_negative(x, alpha, scale=1.0, input_scale=1.0):
    # the exponential branch sees min(x, 0) only, so no overflow (and no 0 * inf) for large x
    neg = _ops.expm1(ew.mul(ew.clamp(x, max=0.0), input_scale))
    return ew.mul(neg, alpha * scale)


def elu(input, alpha=1.0, inplace=False):
    """x for x > 0, alpha * (exp(x) - 1) otherwise."""
    def fn(x):
        return _ops.named(ew.where(ew.gt(x, 0), x, _elu_negative(x, alpha)), "EluBackward0")

    return _maybe_inplace("elu_", fn, input, inplace)


def elu_(input, alpha=1.0):
    return elu(input, alpha, inplace=True)


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def selu(input, inplace=False):
    """scale * elu(x, alpha) with the self-normalising constants."""
    def fn(x):
        return _ops.named(ew.where(ew.gt(x, 0), ew.mul(x, _SELU_SCALE),
                                   _elu_negative(x, _SELU_ALPHA, _SELU_SCALE)), "EluBackward0")

    return _maybe_inplace("selu_", fn, input, inplace)


def celu(input, alpha=1.0, inplace=False):
    """x for x > 0, alpha * (exp(x / alpha) - 1) otherwise."""
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError: celu: alpha must not be 0")

    def fn(x):
        return _ops.named(ew.where(ew.gt(x, 0), x, _elu_negative(x, alpha, 1.0, 1.0 / alpha)),
                          "CeluBackward0")

    return _maybe_inplace("celu_", fn, input, inplace)


_SQRT1_2 = 1.0 / math.sqrt(2.0)
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)


def gelu(input, approximate="none"):
    """x * Phi(x) ('none', with erf) or its tanh approximation ('tanh')."""
    if approximate == "none":
        cdf = ew.add(ew.mul(_ops.erf(ew.mul(input, _SQRT1_2)), 0.5), 0.5)
        return _ops.named(ew.mul(input, cdf), "GeluBackward0")
    if approximate == "tanh":
        inner = ew.mul(ew.add(input, ew.mul(ew.mul(ew.mul(input, input), input), 0.044715)),
                       _SQRT_2_OVER_PI)
        return _ops.named(ew.mul(ew.mul(input, 0.5), ew.add(ew.tanh(inner), 1.0)),
                          "GeluBackward0")
    raise RuntimeError("approximate argument must be either none or tanh.")


def silu(input, inplace=False):
    """x * sigmoid(x) (also called swish)."""
    return _maybe_inplace("silu_", lambda x: _ops.named(ew.mul(x, ew.sigmoid(x)), "SiluBackward0"),
                          input, inplace)


def mish(input, inplace=False):
    """x * tanh(softplus(x))."""
    return _maybe_inplace("mish_", lambda x: _ops.named(ew.mul(x, ew.tanh(softplus(x))),
                                                        "MishBackward0"), input, inplace)


def sigmoid(input):
    return ew.sigmoid(input)


def tanh(input):
    return ew.tanh(input)


def softplus(input, beta=1.0, threshold=20.0):
    """log(1 + exp(beta * x)) / beta, and x itself where beta * x > threshold."""
    bx = ew.mul(input, beta) if beta != 1 else input
    # exp sees at most `threshold`, so the branch not taken cannot overflow into 0 * inf
    soft = _ops.log1p(ew.exp(ew.clamp(bx, max=float(threshold))))
    if beta != 1:
        soft = ew.div(soft, beta)
    return _ops.named(ew.where(ew.gt(bx, threshold), input, soft), "SoftplusBackward0")


def logsigmoid(input):
    """log(sigmoid(x)), computed stably: min(x, 0) - log1p(exp(-|x|))."""
    return _ops.named(ew.sub(ew.minimum(input, 0.0), _ops.log1p(ew.exp(ew.neg(ew.abs(input))))),
                      "LogSigmoidBackward0")


def softsign(input):
    return ew.div(input, ew.add(ew.abs(input), 1.0))


def tanhshrink(input):
    return ew.sub(input, ew.tanh(input))


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    """Clamp to [min_val, max_val]; the gradient passes only strictly inside (as PyTorch)."""
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")

    def fn(x):
        inside = ew.logical_and(ew.gt(x, min_val), ew.lt(x, max_val))
        bound = ew.where(ew.le(x, min_val), min_val, max_val)  # a constant: no gradient
        dtype = getattr(x, "_data", x).dtype  # the in-place path passes the bare array
        out = ew.where(inside, x, ew.where(ew.isnan(x), x, ew.cast(bound, dtype)))
        return _ops.named(out, "HardtanhBackward0")

    return _maybe_inplace("hardtanh_", fn, input, inplace)


def hardtanh_(input, min_val=-1.0, max_val=1.0):
    return hardtanh(input, min_val, max_val, inplace=True)


def relu6(input, inplace=False):
    """min(max(x, 0), 6), as hardtanh(x, 0, 6)."""
    return hardtanh(input, 0.0, 6.0, inplace)


def hardsigmoid(input, inplace=False):
    """relu6(x + 3) / 6."""
    return _maybe_inplace("hardsigmoid_", lambda x: _ops.named(ew.div(relu6(ew.add(x, 3.0)), 6.0),
                                                               "HardsigmoidBackward0"),
                          input, inplace)


def hardswish(input, inplace=False):
    """x * relu6(x + 3) / 6."""
    return _maybe_inplace("hardswish_", lambda x: _ops.named(ew.mul(x, hardsigmoid(x)),
                                                             "HardswishBackward0"), input, inplace)


def threshold(input, threshold, value, inplace=False):
    """x where x > threshold, else value."""
    def fn(x):
        return _ops.named(ew.where(ew.gt(x, threshold), x, value), "ThresholdBackward0")

    return _maybe_inplace("threshold_", fn, input, inplace)


def glu(input, dim=-1):
    """a * sigmoid(b), where a and b are the two halves of `input` along `dim`."""
    if input.ndim == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    d = dim % input.ndim
    n = input.shape[d]
    if n % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {d} is size {n}")
    first = (slice(None),) * d + (slice(0, n // 2),)
    second = (slice(None),) * d + (slice(n // 2, n),)
    return _ops.named(ew.mul(sh.getitem(input, first), ew.sigmoid(sh.getitem(input, second))),
                      "GluBackward0")


def _implicit_dim_warning(name):
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call to "
                  "include dim=X as an argument.", stacklevel=3)


def softmax(input, dim=None, _stacklevel=3, dtype=None):
    """exp(x) / sum(exp(x)) along `dim`, computed stably."""
    if dim is None:
        _implicit_dim_warning("softmax")
    return red.softmax(input, dim, dtype=dtype)


def softmin(input, dim=None, _stacklevel=3, dtype=None):
    if dim is None:
        _implicit_dim_warning("softmin")
    if dtype is not None:
        input = input.to(dtype)
    return red.softmax(ew.neg(input), dim)


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    """x - logsumexp(x) along `dim`, computed stably."""
    if dim is None:
        _implicit_dim_warning("log_softmax")
    return red.log_softmax(input, dim, dtype=dtype)


def selu_(input):
    return selu(input, inplace=True)


def celu_(input, alpha=1.0):
    return celu(input, alpha, inplace=True)


def threshold_(input, threshold, value):
    return globals()["threshold"](input, threshold, value, inplace=True)


def softshrink(input, lambd=0.5):
    """x - lambd above lambd, x + lambd below -lambd, 0 in between."""
    if lambd < 0:
        raise RuntimeError(f"lambda must be greater or equal to 0, but found to be {lambd}.")
    out = ew.where(ew.gt(input, lambd), ew.sub(input, lambd),
                   ew.where(ew.lt(input, -lambd), ew.add(input, lambd), 0.0))
    return _ops.named(out, "SoftshrinkBackward0")


def hardshrink(input, lambd=0.5):
    """x where |x| > lambd, 0 elsewhere."""
    out = ew.where(ew.logical_or(ew.gt(input, lambd), ew.lt(input, -lambd)), input, 0.0)
    return _ops.named(out, "HardshrinkBackward0")


def prelu(input, weight):
    """max(0, x) + weight * min(0, x), weight per channel (dim 1) or a single value."""
    c = input.shape[1] if input.ndim >= 2 else 1
    if weight.numel() != 1 and weight.numel() != c:
        raise RuntimeError(f"Mismatch of parameter numbers and input channel size. Found "
                           f"parameter numbers = {weight.numel()} and channel size = {c}.")
    if weight.numel() != 1 and input.ndim >= 2:
        w = sh.reshape(weight, (c,) + (1,) * (input.ndim - 2))
    else:
        w = sh.reshape(weight, ()) if weight.ndim else weight
    return _ops.named(ew.where(ew.gt(input, 0), input, ew.mul(w, input)),
                      "PreluKernelBackward0")


def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, inplace=False):
    """Randomized leaky ReLU: negative slope ~ U(lower, upper) per element in training,
    (lower + upper) / 2 in evaluation."""
    if not training:
        return leaky_relu(input, (lower + upper) / 2, inplace)
    dtype = input._data.dtype
    slope = rng().uniform(lower, upper, tuple(input.shape)).astype(dtype)

    def fn(x):
        return _ops.named(ew.where(ew.ge(x, 0), x, ew.mul(x, slope)), "RreluWithNoiseBackward0")

    return _maybe_inplace("rrelu_", fn, input, inplace)


def rrelu_(input, lower=1.0 / 8, upper=1.0 / 3, training=False):
    return rrelu(input, lower, upper, training, inplace=True)


def gumbel_softmax(logits, tau=1.0, hard=False, eps=1e-10, dim=-1):
    """softmax((logits + Gumbel noise) / tau); hard=True returns one-hot samples whose gradient
    is the soft sample's (straight-through)."""
    e = rng().exponential(1.0, tuple(logits.shape)).astype(logits._data.dtype)
    gumbels = ew.div(ew.add(logits, -np.log(e)), tau)
    y_soft = red.softmax(gumbels, dim)
    if not hard:
        return y_soft
    d = dim % max(logits.ndim, 1)
    index = np.argmax(y_soft._data, axis=d)
    hard_np = np.zeros(y_soft._data.shape, dtype=y_soft._data.dtype)
    np.put_along_axis(hard_np, np.expand_dims(index, d), 1.0, axis=d)
    return ew.add(ew.sub(Tensor._make(hard_np), y_soft.detach()), y_soft)


def channel_shuffle(input, groups):
    """(N, C, *) with its channels regrouped: (g, C / g) -> (C / g, g)."""
    n, c = input.shape[:2]
    if groups <= 0 or c % groups:
        raise RuntimeError(f"Number of channels must be divisible by groups. Got {c} channels "
                           f"and {groups} groups.")
    rest = tuple(input.shape[2:])
    x = sh.reshape(input, (n, groups, c // groups) + rest)
    return sh.reshape(sh.transpose(x, 1, 2), (n, c) + rest)


native_channel_shuffle = channel_shuffle


# --- linear layers -----------------------------------------------------------------------------


def _check_same_dtype(name, a, b):
    if a._data.dtype != b._data.dtype:
        raise RuntimeError(
            f"{name}: expected m1 and m2 to have the same dtype, but got: "
            f"{a.dtype} != {b.dtype} (input {scalar_name(a)}, weight {scalar_name(b)}); "
            "convert the input with .to(weight.dtype) or the module with .to(input.dtype)"
        )


def linear(input, weight, bias=None):
    """input @ weight.T + bias; input (*, in_features), weight (out_features, in_features)."""
    if isinstance(input, Tensor) and isinstance(weight, Tensor):
        # the common case (a 2-d weight, matching sizes and dtypes, a bias of shape (out,) or
        # none) checked at once; everything else takes the checks below
        x, w = input._data, weight._data
        if w.ndim == 2 and x.ndim and x.shape[-1] == w.shape[1] and x.dtype == w.dtype and \
                (bias is None or isinstance(bias, Tensor) and bias._data.shape == w.shape[:1]):
            return _ops.linear(input, weight, bias)
    if input.ndim == 0 or weight.ndim == 0:
        raise RuntimeError(
            f"both arguments to linear need to be at least 1D, but they are {input.ndim}D and "
            f"{weight.ndim}D"
        )
    in_features = weight.shape[-1]
    if input.shape[-1] != in_features:
        rows = int(np.prod(input.shape[:-1]))
        out_features = weight.shape[0] if weight.ndim == 2 else 1
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({rows}x{input.shape[-1]} and "
            f"{in_features}x{out_features}): linear expected the input's last dimension to be "
            f"in_features={in_features}, but got input of shape {list(input.shape)}"
        )
    _check_same_dtype("linear", input, weight)
    if weight.ndim != 2:
        out = matmul(input, weight)
        return out if bias is None else ew.add(out, bias)
    if bias is not None and bias.shape[-1:] not in ((weight.shape[0],), (1,)) and bias.ndim:
        raise RuntimeError(f"linear: bias of shape {list(bias.shape)} does not match "
                           f"out_features={weight.shape[0]}")
    return _ops.linear(input, weight, bias)


def bilinear(input1, input2, weight, bias=None):
    """y_k = x1^T A_k x2 + b_k; inputs (*, in1) and (*, in2), weight (out, in1, in2)."""
    if weight.ndim != 3:
        raise RuntimeError(f"bilinear(): weight must be 3-dimensional (out, in1, in2), got shape "
                           f"{list(weight.shape)}")
    out_f, in1, in2 = weight.shape
    if input1.shape[-1] != in1:
        raise RuntimeError(f"bilinear(): input1 size does not match weight size: got "
                           f"{input1.shape[-1]} but expected {in1}")
    if input2.shape[-1] != in2:
        raise RuntimeError(f"bilinear(): input2 size does not match weight size: got "
                           f"{input2.shape[-1]} but expected {in2}")
    if input1.ndim != input2.ndim:
        raise RuntimeError(f"bilinear(): input dimensions do not match: got {input1.ndim} and "
                           f"{input2.ndim}")
    lead = tuple(input1.shape[:-1])
    for d, (a, b) in enumerate(zip(lead, input2.shape[:-1])):
        if a != b:
            raise RuntimeError(f"bilinear(): input batch dimensions do not match at dim {d}: "
                               f"got {a} and {b}")
    _check_same_dtype("bilinear", input1, weight)
    n = int(np.prod(lead))
    x1 = sh.reshape(input1, (n, in1))
    x2 = sh.reshape(input2, (n, in2))
    w = sh.reshape(sh.permute(weight, (1, 0, 2)), (in1, out_f * in2))
    t = sh.reshape(matmul(x1, w), (n, out_f, in2))
    out = red.sum(ew.mul(t, sh.unsqueeze(x2, 1)), -1)
    if bias is not None:
        out = ew.add(out, bias)
    return sh.reshape(out, lead + (out_f,))


# --- dropout -----------------------------------------------------------------------------------


def dropout(input, p=0.5, training=True, inplace=False):
    """Zero each element with probability p and scale the rest by 1 / (1 - p) (training only)."""
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0.0:
        return input
    dtype = input._data.dtype
    if p == 1.0:
        noise = np.zeros((), dtype=dtype)
    else:
        keep = rng().random(input._data.shape) < (1.0 - p)
        noise = keep.astype(dtype) / dtype.type(1.0 - p)
    return _maybe_inplace("dropout_", lambda x: ew.mul(x, noise), input, inplace)


def _feature_noise(input, p, alpha):
    """Bernoulli(1 - p) noise, scaled as PyTorch's _dropout_impl (one value per feature map
    when the input is (N, C, *)), and the additive part b of alpha dropout (or None)."""
    dtype = input._data.dtype
    shape = tuple(input.shape[:2]) + (1,) * (input.ndim - 2)
    keep = (rng().random(shape) < (1.0 - p)).astype(np.float64)
    return _scaled_noise(keep, p, alpha, dtype)


def _scaled_noise(keep, p, alpha, dtype):
    if alpha:
        a_const = 1.7580993408473766
        a = 1.0 / math.sqrt((a_const * a_const * p + 1) * (1 - p))
        b = (keep - 1) * (a_const * a) + a_const * a * p
        return (keep * a).astype(dtype), b.astype(dtype)
    return (keep / (1.0 - p)).astype(dtype), None


def _check_p(p):
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def _noise_dropout(input, p, training, inplace, feature, alpha, name):
    _check_p(p)
    if not training or p == 0.0:
        return input
    if p == 1.0:
        return _maybe_inplace(name, lambda x: ew.mul(x, np.zeros((), x._data.dtype)), input,
                              inplace)
    if feature:
        noise, b = _feature_noise(input, p, alpha)
    else:
        keep = (rng().random(tuple(input.shape)) < (1.0 - p)).astype(np.float64)
        noise, b = _scaled_noise(keep, p, alpha, input._data.dtype)

    def fn(x):
        out = ew.mul(x, noise)
        return out if b is None else ew.add(out, b)

    return _maybe_inplace(name, fn, input, inplace)


def alpha_dropout(input, p=0.5, training=False, inplace=False):
    """Dropout that keeps SELU's self-normalising mean and variance (PyTorch's constants)."""
    return _noise_dropout(input, p, training, inplace, False, True, "alpha_dropout_")


def feature_alpha_dropout(input, p=0.5, training=False, inplace=False):
    """alpha_dropout of whole channels of an (N, C, *) input."""
    return _noise_dropout(input, p, training, inplace, True, True, "feature_alpha_dropout_")


def _channel_dropout(name, input, p, training, inplace, nd):
    _check_p(p)
    if input.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(f"{name}: Expected {nd + 1}D or {nd + 2}D input, but received a "
                           f"{input.ndim}D input. Note that {name} exists to provide channel-wise "
                           "dropout on inputs with {nd} spatial dimensions, a channel dimension, "
                           "and an optional batch dimension".replace("{nd}", str(nd)))
    unbatched = input.ndim == nd + 1
    if unbatched:
        if inplace:
            raise RuntimeError(f"{name}: inplace is not supported for unbatched inputs")
        out = _noise_dropout(sh.unsqueeze(input, 0), p, training, False, True, False,
                             name + "_")
        return sh.squeeze(out, 0) if out is not input else out
    return _noise_dropout(input, p, training, inplace, True, False, name + "_")


def dropout1d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels of (N, C, L) or (C, L) with probability p."""
    return _channel_dropout("dropout1d", input, p, training, inplace, 1)


def dropout2d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels of (N, C, H, W) or (C, H, W) with probability p."""
    _check_p(p)
    if input.ndim == 3:
        warnings.warn(
            "dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D "
            "dropout behavior is desired - input is interpreted as shape (N, C, L), where C is "
            "the channel dim. This behavior will change in a future release to interpret the "
            "input as one without a batch dimension, i.e. shape (C, H, W). To maintain the 1D "
            "channel-wise dropout behavior, please switch to using dropout1d instead.",
            stacklevel=2)
        return _noise_dropout(input, p, training, inplace, True, False, "dropout2d_")
    if input.ndim != 4:
        warnings.warn(f"dropout2d: Received a {input.ndim}-D input to dropout2d, which is "
                      "deprecated and will result in an error in a future release. To retain "
                      "the behavior and silence this warning, please use dropout instead. Note "
                      "that dropout2d exists to provide channel-wise dropout on inputs with 2 "
                      "spatial dimensions, a channel dimension, and an optional batch dimension "
                      "(i.e. 3D or 4D inputs).", stacklevel=2)
    return _noise_dropout(input, p, training, inplace, True, False, "dropout2d_")


def dropout3d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels of (N, C, D, H, W) or (C, D, H, W) with probability p."""
    return _channel_dropout("dropout3d", input, p, training, inplace, 3)


# --- embedding ---------------------------------------------------------------------------------


def _embedding_renorm_(weight, idx, max_norm, norm_type):
    rows = np.unique(idx)
    w = weight._data
    norms = np.sum(np.abs(w[rows]) ** norm_type, axis=1) ** (1.0 / norm_type)
    over = norms > max_norm
    if np.any(over):
        scale = max_norm / (norms[over] + 1e-7)
        new = w.copy()
        new[rows[over]] = w[rows[over]] * scale[:, None].astype(w.dtype)
        write_(weight, new)


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0,
              scale_grad_by_freq=False, sparse=False):
    """Rows of `weight` picked by the integer tensor `input`: output shape input.shape + (dim,)."""
    idx = input._data if isinstance(input, Tensor) else np.asarray(input)
    if idx.dtype not in (np.int64, np.int32):
        name = input.type() if isinstance(input, Tensor) else str(idx.dtype)
        raise RuntimeError(
            "Expected tensor for argument #1 'indices' to have one of the following scalar "
            f"types: Long, Int; but got {name} instead (while checking arguments for embedding)"
        )
    num = weight.shape[0]
    if idx.size and (idx.min() < 0 or idx.max() >= num):
        bad = idx.min() if idx.min() < 0 else idx.max()
        raise IndexError(f"index out of range in self (embedding: index {int(bad)} with "
                         f"num_embeddings={num})")
    if padding_idx is not None:
        if not -num <= padding_idx < num:
            raise AssertionError("Padding_idx must be within num_embeddings")
        padding_idx %= num
    if max_norm is not None:
        _embedding_renorm_(weight, idx, max_norm, norm_type)
    # always an advanced (copying) index, so the result is a new tensor and never a view
    out = sh.getitem(weight, Tensor._make(idx.reshape(1) if idx.ndim == 0 else idx))
    if idx.ndim == 0:
        out = sh.reshape(out, (weight.shape[1],))
    if weight.requires_grad and (padding_idx is not None or scale_grad_by_freq):
        scale = np.ones(idx.shape, dtype=weight._data.dtype)
        if scale_grad_by_freq:
            _, inverse, counts = np.unique(idx, return_inverse=True, return_counts=True)
            scale = scale / counts[inverse.reshape(idx.shape)]
        if padding_idx is not None:
            scale = np.where(idx == padding_idx, 0.0, scale).astype(scale.dtype)
        out = _ops.scale_grad(out, scale[..., None])
    return _ops.named(out, "EmbeddingBackward0")


def one_hot(tensor, num_classes=-1):
    """int64 one-hot encoding: shape tensor.shape + (num_classes,)."""
    idx = tensor._data
    if idx.dtype != np.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    if idx.size and idx.min() < 0:
        raise RuntimeError("Class values must be non-negative.")
    if num_classes == -1:
        if idx.size == 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        num_classes = int(idx.max()) + 1
    elif idx.size and idx.max() >= num_classes:
        raise RuntimeError("Class values must be smaller than num_classes.")
    out = (idx[..., None] == np.arange(num_classes)).astype(np.int64)
    return Tensor._make(out)


# --- normalization -----------------------------------------------------------------------------


def _var_mean(x, dims):
    mu = red.mean(x, dims, keepdim=True)
    xc = ew.sub(x, mu)
    return red.mean(ew.mul(xc, xc), dims, keepdim=True), xc


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-05):
    """Normalise over the trailing `normalized_shape` dims, then scale and shift."""
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    k = len(shape)
    if k == 0 or tuple(input.shape[input.ndim - k:]) != shape or input.ndim < k:
        dims = ", ".join(str(s) for s in shape)
        raise RuntimeError(
            f"Given normalized_shape={list(shape)}, expected input with shape [*, {dims}], but "
            f"got input of size{list(input.shape)}"
        )
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and tuple(t.shape) != shape:
            raise RuntimeError(
                f"Expected {name} to be of same shape as normalized_shape, but got {name} of "
                f"shape {list(t.shape)} and normalized_shape = {list(shape)}"
            )
    dims = tuple(range(input.ndim - k, input.ndim))
    var, xc = _var_mean(input, dims)
    out = ew.mul(xc, ew.rsqrt(ew.add(var, eps)))
    if weight is not None:
        out = ew.mul(out, weight)
    if bias is not None:
        out = ew.add(out, bias)
    return _ops.named(out, "NativeLayerNormBackward0")


def _channel_shape(input):
    return (1, input.shape[1]) + (1,) * (input.ndim - 2)


def _update_running_stats(input, dims, running_mean, running_var, momentum):
    """running = (1 - momentum) * running + momentum * batch statistic (unbiased variance),
    accumulated in float64 as PyTorch does on the CPU, without recording."""
    x = input._data.astype(np.float64)
    n = x.size // x.shape[1]
    mean = x.mean(axis=dims)
    var = ((x - mean.reshape((1, -1) + (1,) * (x.ndim - 2))) ** 2).sum(axis=dims) / max(n - 1, 1)
    if n == 1:
        var = np.full_like(var, np.nan)
    if running_mean is not None:
        rm = running_mean._data
        write_(running_mean, (momentum * mean + (1 - momentum) * rm).astype(rm.dtype))
    if running_var is not None:
        rv = running_var._data
        write_(running_var, (momentum * var + (1 - momentum) * rv).astype(rv.dtype))


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False,
               momentum=0.1, eps=1e-05):
    """Normalise each channel (dim 1) over the batch and spatial dims, then scale and shift.

    training=True uses the batch statistics and updates the running ones in place (unbiased
    variance); training=False uses the running statistics.
    """
    if not isinstance(momentum, (int, float)):
        raise TypeError(f"batch_norm(): argument 'momentum' (position 7) must be float, not "
                        f"{type(momentum).__name__} (the modules' momentum=None, a cumulative "
                        "average, is computed by nn.BatchNorm*d itself)")
    if input.ndim < 2:
        raise ValueError(f"batch_norm: expected an input of at least 2 dimensions (N, C, ...), "
                         f"got shape {list(input.shape)}")
    c = input.shape[1]
    for name, t in (("running_mean", running_mean), ("running_var", running_var),
                    ("weight", weight), ("bias", bias)):
        if t is not None and t.numel() != c:
            raise RuntimeError(f"{name} should contain {c} elements not {t.numel()} (batch_norm "
                               f"got input of shape {list(input.shape)}, with {c} features in "
                               f"dim 1, but {name} is for {t.numel()})")
    dims = (0,) + tuple(range(2, input.ndim))
    cshape = _channel_shape(input)
    if training:
        n = input.numel() // max(c, 1)
        if n == 1:
            raise ValueError(f"Expected more than 1 value per channel when training, got input "
                             f"size {input.shape}")
        var, xc = _var_mean(input, dims)
        out = ew.mul(xc, ew.rsqrt(ew.add(var, eps)))
        if running_mean is not None or running_var is not None:
            _update_running_stats(input, dims, running_mean, running_var, momentum)
    else:
        if running_mean is None or running_var is None:
            raise RuntimeError("batch_norm: running_mean and running_var must be given when "
                               "training=False")
        rm = sh.reshape(running_mean, cshape)
        rv = sh.reshape(running_var, cshape)
        out = ew.mul(ew.sub(input, rm), ew.rsqrt(ew.add(rv, eps)))
    if weight is not None:
        out = ew.mul(out, sh.reshape(weight, cshape))
    if bias is not None:
        out = ew.add(out, sh.reshape(bias, cshape))
    return _ops.named(out, "NativeBatchNormBackward0")


__all__ = [
    "adaptive_avg_pool1d", "adaptive_avg_pool2d", "adaptive_avg_pool3d", "adaptive_max_pool1d",
    "adaptive_max_pool1d_with_indices", "adaptive_max_pool2d",
    "adaptive_max_pool2d_with_indices", "adaptive_max_pool3d",
    "adaptive_max_pool3d_with_indices", "alpha_dropout", "avg_pool1d", "avg_pool2d",
    "avg_pool3d", "batch_norm", "bilinear", "binary_cross_entropy",
    "binary_cross_entropy_with_logits", "celu", "celu_", "channel_shuffle", "conv1d", "conv2d",
    "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d",
    "cosine_embedding_loss", "cosine_similarity", "cross_entropy", "dropout", "dropout1d",
    "dropout2d", "dropout3d", "elu", "elu_", "embedding", "feature_alpha_dropout", "fold",
    "gaussian_nll_loss", "gelu", "glu", "group_norm", "gumbel_softmax", "hardshrink",
    "hardsigmoid", "hardswish", "hardtanh", "hardtanh_", "hinge_embedding_loss", "huber_loss",
    "instance_norm", "interpolate", "kl_div", "l1_loss", "layer_norm", "leaky_relu",
    "leaky_relu_", "linear", "local_response_norm", "log_softmax", "logsigmoid", "lp_pool1d",
    "lp_pool2d", "lp_pool3d", "margin_ranking_loss", "max_pool1d", "max_pool1d_with_indices",
    "max_pool2d", "max_pool2d_with_indices", "max_pool3d", "max_pool3d_with_indices",
    "max_unpool1d", "max_unpool2d", "max_unpool3d", "mish", "mse_loss",
    "multi_head_attention_forward", "multi_margin_loss", "multilabel_soft_margin_loss",
    "native_channel_shuffle", "nll_loss", "normalize", "one_hot", "pad", "pairwise_distance",
    "pdist", "pixel_shuffle", "pixel_unshuffle", "poisson_nll_loss", "prelu", "relu", "relu6",
    "relu_", "rms_norm", "rrelu", "rrelu_", "scaled_dot_product_attention", "selu", "selu_",
    "sigmoid", "silu", "smooth_l1_loss", "soft_margin_loss", "softmax", "softmin", "softplus",
    "softshrink", "softsign", "tanh", "tanhshrink", "threshold", "threshold_",
    "triplet_margin_loss", "triplet_margin_with_distance_loss", "unfold", "upsample",
    "upsample_bilinear", "upsample_nearest",
]
