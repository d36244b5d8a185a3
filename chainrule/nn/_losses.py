"""Loss functions of chainrule.nn.functional, written from differentiable ops (PyTorch's formulas).

The class-index losses (nll_loss, cross_entropy) pick the target entries with one advanced
index (a gather whose VJP scatters back), so -inf logits of classes that are not the target
never meet a zero weight (no 0 * inf = nan).
"""

import warnings

import numpy as np

from .._tensor import Tensor
from .._vmap_state import loops_under_vmap
from ..ops import elementwise as ew
from ..ops import reduction as red
from ..ops import shape as sh
from . import _fused, _ops
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


@loops_under_vmap  # it reads the targets' values (class indices) to pick log-probabilities
def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
             reduction="mean"):
    """-input[n, target[n]] * weight[target[n]]; 'mean' divides by the sum of those weights.

    input: (C), (N, C) or (N, C, d1, ...) log-probabilities; target: (), (N) or (N, d1, ...)
    int64 class indices (entries equal to ignore_index contribute nothing).
    """
    reduction = legacy_reduction(size_average, reduce, reduction)
    _check_class_target(input, target)
    _check_weight_constant("nll_loss_forward", weight)
    n_classes = input.shape[1] if input.ndim > 1 else input.shape[0]
    w = _class_weight(weight, n_classes)
    if _fused.usable(input, w):  # (N, C) input: one node, as PyTorch's kernel (H8, issue 6)
        return _fused.nll_loss_2d(input, target, w, ignore_index, reduction)
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


def _check_weight_constant(name, weight):
    """Class weights of the index losses are constants (PyTorch's kernels take no gradient for
    them): one that requires grad is an error, never a silently missing gradient."""
    from ..autograd import grad_mode

    if weight is not None and weight.requires_grad and grad_mode.is_grad_enabled():
        raise RuntimeError(f"The function '{name}' is not differentiable with respect to "
                           "argument 'weight'. This input cannot have requires_grad True.")


def _smoothing_term(logp, target, weight, valid, reduction, class_dim):
    """The label-smoothing part of cross_entropy: -sum_c w_c * logp_c per sample."""
    n_classes = logp.shape[class_dim]
    if weight is not None:
        wshape = [1] * logp.ndim
        wshape[class_dim] = n_classes
        w = weight._data.astype(logp._data.dtype).reshape(wshape)  # a constant, as in nll_loss
        smooth = ew.neg(red.sum(ew.mul(logp, w), class_dim))
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
    if weight is None and label_smoothing == 0.0 and size_average is None and reduce is None:
        # the common case, (N, C) logits and (N,) class indices, checked once (issue 6)
        out = _fused.cross_entropy_2d(input, target, ignore_index, reduction)
        if out is not None:
            return out
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


# --- margin and embedding losses (PyTorch's composite formulas) -------------------------------


def _check_target_shape(name, input, target):
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(f"{name}: Using a target size ({target.shape}) that is different to the "
                         f"input size ({input.shape}) is not supported. Please ensure they have "
                         "the same size.")


def margin_ranking_loss(input1, input2, target, margin=0.0, size_average=None, reduce=None,
                        reduction="mean"):
    """max(0, -target * (input1 - input2) + margin)."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    if input1.ndim != input2.ndim or input1.ndim != target.ndim:
        raise RuntimeError(
            f"margin_ranking_loss : All input tensors should have same dimension but got sizes: "
            f"input1: {input1.shape}, input2: {input2.shape}, target: {target.shape} ")
    loss = ew.clamp(ew.add(ew.mul(ew.neg(target), ew.sub(input1, input2)), margin), min=0.0)
    return _reduce(loss, reduction)


def hinge_embedding_loss(input, target, margin=1.0, size_average=None, reduce=None,
                         reduction="mean"):
    """x where target == 1, max(0, margin - x) where target == -1 (summed where neither)."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    zeros = 0.0
    margin_clamp = ew.clamp(ew.sub(margin, input), min=0.0)
    out_margin = ew.where(ew.ne(target, 1), margin_clamp, zeros)
    out_self = ew.where(ew.ne(target, -1), input, zeros)
    return _reduce(ew.add(out_margin, out_self), reduction)


def soft_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """log(1 + exp(-target * input)), as PyTorch computes it."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    _check_target_shape("soft_margin_loss", input, target)
    loss = _ops.log1p(ew.exp(ew.mul(ew.neg(input), target)))
    return _reduce(loss, reduction)


def cosine_embedding_loss(input1, input2, target, margin=0.0, size_average=None, reduce=None,
                          reduction="mean"):
    """1 - cos(x1, x2) where target == 1, max(0, cos(x1, x2) - margin) where target == -1."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    if input1.ndim not in (1, 2) or tuple(input1.shape) != tuple(input2.shape):
        raise RuntimeError(
            f"cosine_embedding_loss: expected 1-d or 2-d inputs of the same shape, got "
            f"{list(input1.shape)} and {list(input2.shape)}")
    dim = input1.ndim - 1
    if target.ndim != input1.ndim - 1:
        raise RuntimeError(f"{input1.ndim}D target tensor expects {input1.ndim}D input tensors, "
                           f"but found inputs with sizes {list(input1.shape)} and "
                           f"{list(input2.shape)}.")
    eps = 1e-12
    prod = red.sum(ew.mul(input1, input2), dim)
    mag1 = ew.add(red.sum(ew.mul(input1, input1), dim), eps)
    mag2 = ew.add(red.sum(ew.mul(input2, input2), dim), eps)
    cos = ew.div(prod, ew.sqrt(ew.mul(mag1, mag2)))
    pos = ew.where(ew.eq(target, 1), ew.sub(1.0, cos), 0.0)
    neg = ew.where(ew.eq(target, -1), ew.clamp(ew.sub(cos, margin), min=0.0), 0.0)
    return _reduce(ew.add(pos, neg), reduction)


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-06, swap=False,
                        size_average=None, reduce=None, reduction="mean"):
    """max(0, d(a, p) - d(a, n) + margin) with d the pairwise p-norm distance."""
    from ._norm import pairwise_distance

    reduction = legacy_reduction(size_average, reduce, reduction)
    nd = anchor.ndim
    if not (positive.ndim == nd and negative.ndim == nd):
        raise RuntimeError(
            f"The anchor, positive, and negative tensors are expected to have the same number of "
            f"dimensions, but got: anchor {nd}D, positive {positive.ndim}D, and negative "
            f"{negative.ndim}D inputs")
    d_pos = pairwise_distance(anchor, positive, p, eps)
    d_neg = pairwise_distance(anchor, negative, p, eps)
    if swap:
        d_neg = ew.minimum(d_neg, pairwise_distance(positive, negative, p, eps))
    loss = ew.clamp(ew.add(ew.sub(d_pos, d_neg), margin), min=0.0)
    return _reduce(loss, reduction)


def triplet_margin_with_distance_loss(anchor, positive, negative, *, distance_function=None,
                                      margin=1.0, swap=False, reduction="mean"):
    """triplet_margin_loss with any distance function (pairwise_distance by default)."""
    from ._norm import pairwise_distance

    reduction = legacy_reduction(None, None, reduction)
    if margin <= 0:
        raise ValueError(f"triplet_margin_with_distance_loss: expected margin to be greater than "
                         f"0, got {margin} instead")
    dist = distance_function if distance_function is not None else pairwise_distance
    d_pos = dist(anchor, positive)
    d_neg = dist(anchor, negative)
    if swap:
        d_neg = ew.minimum(d_neg, dist(positive, negative))
    loss = ew.clamp(ew.add(ew.sub(d_pos, d_neg), margin), min=0.0)
    return _reduce(loss, reduction)


def poisson_nll_loss(input, target, log_input=True, full=False, size_average=None, eps=1e-08,
                     reduce=None, reduction="mean"):
    """exp(x) - t * x (log_input) or x - t * log(x + eps), plus Stirling's term if full."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    if log_input:
        loss = ew.sub(ew.exp(input), ew.mul(target, input))
    else:
        loss = ew.sub(input, ew.mul(target, ew.log(ew.add(input, eps))))
    if full:
        t = target
        stirling = ew.add(ew.sub(ew.mul(t, ew.log(t)), t),
                          ew.mul(ew.log(ew.mul(t, 2 * np.pi)), 0.5))
        loss = ew.add(loss, ew.where(ew.le(t, 1), 0.0, stirling))
    return _reduce(loss, reduction)


def gaussian_nll_loss(input, target, var, full=False, eps=1e-06, reduction="mean"):
    """0.5 * (log(max(var, eps)) + (input - target)^2 / max(var, eps)) (+ 0.5 log(2 pi)).

    var may have the input's shape, or lack its last dim, or have 1 there (one variance per
    sample); as in PyTorch the clamp at eps changes the value but not the gradient.
    """
    if isinstance(var, (int, float)):
        var = Tensor._make(np.full(tuple(input.shape), var, dtype=input._data.dtype))
    if tuple(var.shape) != tuple(input.shape):
        if tuple(input.shape[:-1]) == tuple(var.shape):
            var = sh.unsqueeze(var, -1)
        elif not (tuple(input.shape[:-1]) == tuple(var.shape[:-1]) and var.shape[-1] == 1):
            raise ValueError("var is of incorrect size")
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction + " is not valid")
    if not _traced(var) and np.any(var._data < 0):
        raise ValueError("var has negative entry/entries")
    d = var.detach()
    var = ew.add(var, ew.sub(ew.clamp(d, min=eps), d))  # clamped value, unclamped gradient
    diff = ew.sub(input, target)
    loss = ew.mul(ew.add(ew.log(var), ew.div(ew.mul(diff, diff), var)), 0.5)
    if full:
        loss = ew.add(loss, 0.5 * float(np.log(2 * np.pi)))
    return _reduce(loss, reduction)


def _traced(t):
    """True when `t`'s values cannot be read (a vmap batched tensor)."""
    return not isinstance(getattr(t, "_data", None), np.ndarray)


def multilabel_soft_margin_loss(input, target, weight=None, size_average=None, reduce=None,
                                reduction="mean"):
    """-mean over classes of t * logsigmoid(x) + (1 - t) * logsigmoid(-x)."""
    from .functional import logsigmoid

    reduction = legacy_reduction(size_average, reduce, reduction)
    loss = ew.neg(ew.add(ew.mul(target, logsigmoid(input)),
                         ew.mul(ew.sub(1.0, target), logsigmoid(ew.neg(input)))))
    if weight is not None:
        loss = ew.mul(loss, weight)
    class_dim = input.ndim - 1
    loss = ew.div(red.sum(loss, class_dim), input.shape[class_dim])
    return _reduce(loss, reduction)


def multi_margin_loss(input, target, p=1, margin=1.0, weight=None, size_average=None,
                      reduce=None, reduction="mean"):
    """sum over j != y of max(0, margin - x[y] + x[j]) ** p / C (times weight[y])."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    if p not in (1, 2):
        raise ValueError("only p == 1 and p == 2 supported")
    if input.ndim not in (1, 2):
        raise RuntimeError(f"Expected non-empty vector or matrix with optional 0-dim batch size, "
                           f"but got: {list(input.shape)}")
    x = input if input.ndim == 2 else sh.unsqueeze(input, 0)
    t = target._data.reshape(-1).astype(np.int64)
    n, c = x.shape
    if t.shape[0] != n:
        raise RuntimeError(f"inconsistent target size: {list(target.shape)} for input of size: "
                           f"{list(input.shape)}")
    if t.size and (t.min() < 0 or t.max() >= c):
        raise IndexError(f"target out of range: targets must lie in [0, {c - 1}]")
    rows = np.arange(n)
    picked = sh.unsqueeze(sh.getitem(x, (Tensor._make(rows), Tensor._make(t))), 1)
    z = ew.clamp(ew.add(ew.sub(x, picked), margin), min=0.0)
    if p == 2:
        z = ew.mul(z, z)
    if weight is not None:
        z = ew.mul(z, sh.unsqueeze(sh.getitem(weight, Tensor._make(t)), 1))
    not_target = np.ones((n, c), dtype=bool)
    not_target[rows, t] = False
    loss = ew.div(red.sum(ew.where(Tensor._make(not_target), z, 0.0), 1), c)
    if input.ndim == 1:
        loss = sh.reshape(loss, ())
    return _reduce(loss, reduction)
