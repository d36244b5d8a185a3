"""Loss functions of chainrule.nn.functional, written from differentiable ops (PyTorch's formulas).

The class-index losses (nll_loss, cross_entropy) pick the target entries with one advanced
index (a gather whose VJP scatters back), so -inf logits of classes that are not the target
never meet a zero weight (no 0 * inf = nan).
"""

import warnings

import numpy as np

from .._tensor import Tensor
from ..ops import elementwise as ew
from ..ops import reduction as red
from ..ops import shape as sh
from . import _ops
from ._helpers import as_tensor, legacy_reduction, reduce, scalar_name


def _warn_size(input, target, stacklevel=3):
    if tuple(target.shape) != tuple(input.shape):
        warnings.warn(
            f"Using a target size ({target.shape}) that is different to the input size "
            f"({input.shape}). This will likely lead to incorrect results due to broadcasting. "
            "Please ensure they have the same size.", stacklevel=stacklevel)


def _weighted(loss, weight, input, reduction, mean_by_weight_sum=True):
    """The weighted regression losses: weight must match the input's shape."""
    if tuple(weight.shape) != tuple(input.shape):
        raise ValueError("Weights and input must have the same size.")
    loss = ew.mul(loss, weight)
    if reduction == "mean":
        return ew.div(red.sum(loss), red.sum(weight)) if mean_by_weight_sum else red.mean(loss)
    return reduce(loss, reduction)


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """Mean squared error: mean((input - target) ** 2)."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    _warn_size(input, target)
    diff = ew.sub(input, target)
    loss = ew.mul(diff, diff)
    if weight is not None:
        return _weighted(loss, weight, input, reduction)
    return _ops.named(_reduce(loss, reduction), "MseLossBackward0")


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """Mean absolute error: mean(|input - target|)."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    _warn_size(input, target)
    loss = ew.abs(ew.sub(input, target))
    if weight is not None:
        return _weighted(loss, weight, input, reduction)
    return _reduce(loss, reduction)


def _reduce(loss, reduction):
    return reduce(loss, reduction)


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    """0.5 * d**2 / beta where |d| < beta, |d| - 0.5 * beta elsewhere (d = input - target)."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    _warn_size(input, target)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    if beta == 0.0:
        return l1_loss(input, target, reduction=reduction)
    d = ew.sub(input, target)
    ad = ew.abs(d)
    loss = ew.where(ew.lt(ad, beta), ew.div(ew.mul(ew.mul(d, d), 0.5), beta),
                    ew.sub(ad, 0.5 * beta))
    return _ops.named(_reduce(loss, reduction), "SmoothL1LossBackward0")


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    """0.5 * d**2 where |d| < delta, delta * (|d| - 0.5 * delta) elsewhere."""
    reduction = legacy_reduction(None, None, reduction)
    _warn_size(input, target)
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    d = ew.sub(input, target)
    ad = ew.abs(d)
    loss = ew.where(ew.lt(ad, delta), ew.mul(ew.mul(d, d), 0.5),
                    ew.mul(ew.sub(ad, 0.5 * delta), delta))
    if weight is not None:
        return _weighted(loss, weight, input, reduction, mean_by_weight_sum=False)
    return _ops.named(_reduce(loss, reduction), "HuberLossBackward0")


# --- binary cross-entropy ----------------------------------------------------------------------


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None,
                         reduction="mean"):
    """-(t * log(x) + (1 - t) * log(1 - x)), logs clamped at -100 (as PyTorch)."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(
            f"Using a target size ({target.shape}) that is different to the input size "
            f"({input.shape}) is deprecated. Please ensure they have the same size."
        )
    x = input._data
    if not np.all((x >= 0) & (x <= 1)):
        raise RuntimeError("all elements of input should be between 0 and 1")
    t = target._data
    if not np.all((t >= 0) & (t <= 1)):
        raise RuntimeError("all elements of target should be between 0 and 1")
    loss = _ops.binary_cross_entropy_elementwise(input, target)
    if weight is not None:
        loss = ew.mul(loss, sh.expand(weight, tuple(input.shape)))
    return _ops.named(_reduce(loss, reduction), "BinaryCrossEntropyBackward0")


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None,
                                     reduction="mean", pos_weight=None):
    """binary_cross_entropy(sigmoid(input), target), computed stably from the logits.

    loss = (1 - t) * x - w_pos * logsigmoid(x), with w_pos = (pos_weight - 1) * t + 1.
    """
    reduction = legacy_reduction(size_average, reduce, reduction)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(f"Target size ({target.shape}) must be the same as input size "
                         f"({input.shape})")
    from .functional import logsigmoid

    log_sig = logsigmoid(input)
    if pos_weight is not None:
        log_weight = ew.add(ew.mul(ew.sub(pos_weight, 1.0), target), 1.0)
        log_sig = ew.mul(log_sig, log_weight)
    loss = ew.sub(ew.mul(ew.sub(1.0, target), input), log_sig)
    if weight is not None:
        loss = ew.mul(loss, weight)
    return _ops.named(_reduce(loss, reduction), "BinaryCrossEntropyWithLogitsBackward0")


# --- KL divergence -----------------------------------------------------------------------------


def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    """KL(target || input) with `input` given as log-probabilities.

    Elementwise: target * (log(target) - input), or exp(t) * (t - input) with log_target.
    reduction='batchmean' divides the sum by the batch size (the mathematical definition).
    """
    if size_average is not None or reduce is not None:
        reduction = legacy_reduction(size_average, reduce, reduction)
    elif reduction == "mean":
        warnings.warn(
            "reduction: 'mean' divides the total loss by both the batch size and the support "
            "size.'batchmean' divides only by the batch size, and aligns with the KL div math "
            "definition.'mean' will be changed to behave the same as 'batchmean' in the next "
            "major release.", stacklevel=2)
    if reduction not in ("batchmean", "mean", "sum", "none"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    if log_target:
        loss = ew.mul(ew.exp(target), ew.sub(target, input))
    else:
        loss = ew.sub(_ops.xlogy(target, target), ew.mul(target, input))
    if reduction == "batchmean":
        total = red.sum(loss)
        return ew.div(total, input.shape[0]) if input.ndim != 0 else total
    return _reduce(loss, reduction)


# --- negative log-likelihood and cross-entropy -------------------------------------------------


def _check_class_target(input, target):
    """Shape and dtype checks of nll_loss, with PyTorch's messages."""
    _check_class_target_shape(input, target)
    if target._data.dtype not in (np.int64, np.uint8):
        raise RuntimeError(
            f"expected target dtype to be Long or Byte, but got {scalar_name(target)} "
            "(class-index targets must be int64; probabilities must have the input's shape)"
        )


def _check_class_target_shape(input, target):
    if input.ndim < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {input.ndim})")
    if input.ndim == 1:
        if target.ndim > 1 or (target.ndim == 1 and target.shape[0] != 1):
            raise ValueError(f"For 1D input, 1D target must have size 1, but got target size: "
                             f"{target.shape[0] if target.ndim == 1 else list(target.shape)}")
        return
    if input.shape[0] != (target.shape[0] if target.ndim else 1):
        raise ValueError(f"Expected input batch_size ({input.shape[0]}) to match target "
                         f"batch_size ({target.shape[0] if target.ndim else 1}).")
    if input.ndim == 2:
        if target.ndim != 1:
            raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
        return
    expected = (input.shape[0],) + tuple(input.shape[2:])
    if tuple(target.shape) != expected:
        raise RuntimeError(f"Expected target size {list(expected)}, got {list(target.shape)}")


def _class_weight(weight, n_classes):
    if weight is None:
        return None
    if weight.ndim != 1 or weight.shape[0] != n_classes:
        raise RuntimeError(
            f"weight tensor should be defined either for all {n_classes} classes or no classes "
            f"but got weight tensor of shape: {list(weight.shape)}"
        )
    return weight._data


def _pick_targets(logp, target, ignore_index):
    """(logp at each target class, valid mask, targets with ignored entries set to 0)."""
    t = target._data.astype(np.int64)
    valid = t != ignore_index
    n_classes = logp.shape[1] if logp.ndim > 1 else logp.shape[0]
    bad = valid & ((t < 0) | (t >= n_classes))
    if np.any(bad):
        raise IndexError(f"Target {int(t[bad].flat[0])} is out of bounds.")
    safe = np.where(valid, t, 0)
    if logp.ndim == 1:
        return sh.getitem(logp, (safe.reshape(()),)), valid, safe
    moved = sh.movedim(logp, 1, -1) if logp.ndim > 2 else logp
    key = tuple(np.indices(safe.shape, sparse=True)) + (safe,)
    return sh.getitem(moved, key), valid, safe


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
             reduction="mean"):
    """-input[n, target[n]] * weight[target[n]]; 'mean' divides by the sum of those weights.

    input: (C), (N, C) or (N, C, d1, ...) log-probabilities; target: (), (N) or (N, d1, ...)
    int64 class indices (entries equal to ignore_index contribute nothing).
    """
    reduction = legacy_reduction(size_average, reduce, reduction)
    _check_class_target(input, target)
    n_classes = input.shape[1] if input.ndim > 1 else input.shape[0]
    w = _class_weight(weight, n_classes)
    picked, valid, safe = _pick_targets(input, target, ignore_index)
    dtype = input._data.dtype
    w_t = (w[safe] if w is not None else np.ones(safe.shape)).astype(dtype) * valid
    if input.ndim == 1:
        w_t = w_t.reshape(())
    loss = ew.mul(picked, -w_t)
    if reduction == "sum":
        loss = red.sum(loss)
    elif reduction == "mean":
        loss = ew.div(red.sum(loss), np.asarray(w_t.sum(), dtype=dtype))
    return _ops.named(loss, "NllLossBackward0")


def _smoothing_term(logp, target, weight, valid, reduction, class_dim):
    """The label-smoothing part of cross_entropy: -sum_c w_c * logp_c per sample."""
    n_classes = logp.shape[class_dim]
    if weight is not None:
        wshape = [1] * logp.ndim
        wshape[class_dim] = n_classes
        smooth = ew.neg(red.sum(ew.mul(logp, sh.reshape(weight, tuple(wshape))), class_dim))
    else:
        smooth = ew.neg(red.sum(logp, class_dim))
    smooth = ew.where(Tensor._make(valid.reshape(smooth.shape)), smooth, 0.0)
    if reduction == "none":
        return smooth
    if reduction == "sum":
        return red.sum(smooth)
    if weight is not None:
        t = target._data.astype(np.int64)
        denom = weight._data[t[valid]].sum()
    else:
        denom = valid.sum()
    return ew.div(red.sum(smooth), np.asarray(denom, dtype=logp._data.dtype))


def _cross_entropy_probs(logp, target, weight, reduction, label_smoothing, class_dim):
    n_classes = logp.shape[class_dim]
    if weight is not None and (weight.ndim != 1 or weight.numel() != n_classes):
        raise RuntimeError(f"cross_entropy: weight tensor should be defined for all {n_classes} "
                           f"classes but got weight tensor of shape: {list(weight.shape)}")
    if label_smoothing > 0.0:
        target = ew.add(ew.mul(target, 1 - label_smoothing), label_smoothing / n_classes)
    prod = ew.mul(logp, target)
    if weight is not None:
        wshape = [1] * logp.ndim
        wshape[class_dim] = n_classes
        prod = ew.mul(prod, sh.reshape(weight, tuple(wshape)))
    if reduction == "none":
        return ew.neg(red.sum(prod, class_dim))
    total = ew.neg(red.sum(prod))
    if reduction == "sum":
        return total
    count = logp.numel() // n_classes
    if logp.numel() == 0:
        return ew.mul(total, float("nan"))
    return ew.div(total, count)


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
                  reduction="mean", label_smoothing=0.0):
    """nll_loss(log_softmax(input, class dim), target), or with class-probability targets
    -sum(target * log_softmax(input)); optional label smoothing as in PyTorch.

    input (C), (N, C) or (N, C, d1, ...) logits; target int64 class indices of shape (), (N),
    (N, d1, ...), or floating probabilities of the input's shape.
    """
    reduction = legacy_reduction(size_average, reduce, reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    if input.ndim == 0:
        raise ValueError("Expected 1 or more dimensions (got 0)")
    target = as_tensor(target)
    class_dim = 0 if input.ndim == 1 else 1
    logp = red.log_softmax(input, class_dim)
    if target._data.dtype.kind == "f" and tuple(target.shape) == tuple(input.shape):
        return _cross_entropy_probs(logp, target, weight, reduction, label_smoothing, class_dim)
    nll = nll_loss(logp, target, weight, ignore_index=ignore_index, reduction=reduction)
    if label_smoothing == 0.0:
        return nll
    valid = target._data != ignore_index
    smooth = _smoothing_term(logp, target, weight, valid, reduction, class_dim)
    n_classes = input.shape[class_dim]
    return ew.add(ew.mul(nll, 1 - label_smoothing), ew.mul(smooth, label_smoothing / n_classes))
