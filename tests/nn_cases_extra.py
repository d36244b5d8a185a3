"""More chainrule.nn.functional cases checked against PyTorch: convolution, pooling,
resampling, normalization, distances, the margin / embedding losses and the options that are
easy to get subtly wrong (ceil_mode, count_include_pad, padding='same' with even kernels,
output_padding, align_corners, scale_factor rounding, eps clamps, padding_idx).

Pure data, like tests/nn_cases.py (same format; the same generator writes
tests/fixtures/nn_functional_extra_torch.json, see tests/fixtures/README.md).
"""

import numpy as np


def _inputs():
    rng = np.random.default_rng(2024)

    def r(*s):
        return rng.standard_normal(s)

    def distinct(*s):  # no ties for max pooling
        n = int(np.prod(s))
        return (rng.permutation(n) * 0.37 - n * 0.18).reshape(s) / 5

    return {
        "x1": r(2, 3, 9), "x2": r(2, 4, 7, 6), "x3": r(1, 2, 4, 5, 4), "xu": r(4, 6, 5),
        "w1": r(4, 3, 3), "w1e": r(4, 3, 4), "w2": r(6, 2, 3, 2), "w2g": r(4, 4, 3, 3),
        "w3": r(2, 2, 2, 3, 2), "b6": r(6), "b4": r(4), "b2": r(2),
        "wt2": r(4, 3, 3, 2), "wt1": r(3, 2, 3), "bt6": r(6),
        "m1": distinct(2, 3, 9), "m2": distinct(2, 3, 7, 6), "m3": distinct(1, 2, 4, 5, 4),
        "img": r(1, 2, 5, 7), "cols": r(2, 12, 12),
        "g": r(3, 6, 4), "g6": r(6), "c6": r(6), "n4": r(4, 5), "w5": r(5), "v4": r(4, 5),
        "tiny": r(3, 4) * 1e-5, "a4": r(4, 3), "p4": r(4, 3), "q4": r(4, 3),
        "s4": np.array([1.0, -1.0, -1.0, 1.0]), "sgn": np.where(r(4, 5) > 0, 1.0, -1.0),
        "cnt": np.abs(r(4, 5)) * 2, "var": np.abs(r(4, 5)) + 0.1, "var1": np.abs(r(4, 1)),
        "lab": (r(4, 5) > 0).astype(np.float64), "cls": np.array([2, 0, 4, 1]),
        "emb": r(6, 3), "ids": np.array([[1, 2, 1], [5, 1, 0]]),
        "lp": np.log(np.abs(r(3, 4)) + 0.1), "tz": np.where(r(3, 4) > 0, 0.5, 0.0),
        "logits4": r(2, 4, 3, 2), "tgt4": rng.integers(0, 4, (2, 3, 2)),
        "probs4": np.exp(r(2, 4, 3)) / np.exp(r(2, 4, 3)).sum(1, keepdims=True),
        "x4c": r(2, 4, 3), "prw": np.array([0.25, 0.1, 0.4]),
    }


INPUTS = _inputs()
CONSTANT = {"s4", "sgn", "lab", "cls", "tz"}

CASES = [
    # convolution
    ("conv1d_same_even", "lambda F, x, w: F.conv1d(x, w, padding='same', dilation=1)",
     ["x1", "w1e"]),
    ("conv1d_stride_dil", ("lambda F, x, w, b: F.conv1d(x, w, b[:4], stride=2, dilation=2, "
     "padding=2)"), ["x1", "w1", "b6"]),
    ("conv2d_groups", ("lambda F, x, w, b: F.conv2d(x, w, b, stride=(2, 1), padding=(1, 2), "
     "dilation=(2, 1), groups=2)"), ["x2", "w2", "b6"]),
    ("conv2d_same_dil", "lambda F, x, w: F.conv2d(x, w, padding='same', dilation=(2, 3))",
     ["x2", "w2g"]),
    ("conv2d_valid_unbatched", ("lambda F, x, w: F.conv2d(x, w[:, :1], groups=4, "
     "padding='valid')"), ["xu", "w2g"]),
    ("conv3d", "lambda F, x, w, b: F.conv3d(x, w, b, stride=(1, 2, 1), padding=1)",
     ["x3", "w3", "b2"]),
    ("conv_transpose2d", ("lambda F, x, w, b: F.conv_transpose2d(x, w, b, stride=(2, 3), "
     "padding=(1, 0), output_padding=(1, 2), groups=2, dilation=(1, 2))"), ["x2", "wt2", "bt6"]),
    ("conv_transpose1d", ("lambda F, x, w: F.conv_transpose1d(x, w, stride=3, padding=2, "
     "output_padding=1)"), ["x1", "wt1"]),
    # pooling
    ("max_pool2d_ceil", "lambda F, x: F.max_pool2d(x, 3, 2, 1, ceil_mode=True)", ["m2"]),
    ("max_pool2d_dil", "lambda F, x: F.max_pool2d(x, (2, 3), (1, 2), (1, 1), dilation=(2, 1))",
     ["m2"]),
    ("max_pool1d_ceil", "lambda F, x: F.max_pool1d(x, 4, 3, 2, ceil_mode=True)", ["m1"]),
    ("max_pool3d", "lambda F, x: F.max_pool3d(x, 2, (1, 2, 1), ceil_mode=True)", ["m3"]),
    ("avg_pool2d_ceil_nopad", ("lambda F, x: F.avg_pool2d(x, 3, 2, 1, ceil_mode=True, "
     "count_include_pad=False)"), ["x2"]),
    ("avg_pool2d_ceil_pad", "lambda F, x: F.avg_pool2d(x, 3, 2, 1, ceil_mode=True)", ["x2"]),
    ("avg_pool2d_divisor", ("lambda F, x: F.avg_pool2d(x, (2, 3), (2, 1), (1, 1), "
     "divisor_override=4)"), ["x2"]),
    ("avg_pool1d", ("lambda F, x: F.avg_pool1d(x, 4, 3, 2, ceil_mode=True, "
     "count_include_pad=False)"), ["x1"]),
    ("adaptive_avg_pool2d", "lambda F, x: F.adaptive_avg_pool2d(x, (3, 4))", ["x2"]),
    ("adaptive_avg_pool1d", "lambda F, x: F.adaptive_avg_pool1d(x, 4)", ["x1"]),
    ("adaptive_max_pool2d", "lambda F, x: F.adaptive_max_pool2d(x, (4, 5))", ["m2"]),
    ("adaptive_max_pool3d", "lambda F, x: F.adaptive_max_pool3d(x, (3, 2, 3))", ["m3"]),
    ("lp_pool2d", "lambda F, x: F.lp_pool2d(x.abs() + 0.1, 2.5, (2, 3), stride=1)", ["x2"]),
    ("max_unpool2d", ("lambda F, x: F.max_unpool2d(*F.max_pool2d(x, 2, return_indices=True), 2, "
     "output_size=(7, 6))"), ["m2"]),
    # unfold, fold, resampling
    ("unfold", "lambda F, x: F.unfold(x, (2, 3), dilation=(1, 2), padding=1, stride=(2, 1))",
     ["x2"]),
    ("fold", ("lambda F, c: F.fold(c, (5, 6), (2, 3), dilation=(1, 2), padding=1, "
     "stride=(2, 1))"), ["cols"]),
    ("nearest_1_7", "lambda F, x: F.interpolate(x, scale_factor=1.7)", ["img"]),
    ("nearest_size", "lambda F, x: F.interpolate(x, size=(3, 11))", ["img"]),
    ("nearest_exact", ("lambda F, x: F.interpolate(x, scale_factor=(2.3, 0.6), "
     "mode='nearest-exact')"), ["img"]),
    ("nearest_1d", "lambda F, x: F.interpolate(x, size=13)", ["x1"]),
    ("bilinear", "lambda F, x: F.interpolate(x, scale_factor=1.5, mode='bilinear')", ["img"]),
    ("bilinear_align", ("lambda F, x: F.interpolate(x, size=(4, 9), mode='bilinear', "
     "align_corners=True)"), ["img"]),
    ("bilinear_down", "lambda F, x: F.interpolate(x, scale_factor=0.45, mode='bilinear')",
     ["img"]),
    ("bilinear_recompute", ("lambda F, x: F.interpolate(x, scale_factor=1.3, mode='bilinear', "
     "recompute_scale_factor=True)"), ["img"]),
    ("bicubic", "lambda F, x: F.interpolate(x, size=(8, 5), mode='bicubic')", ["img"]),
    ("bicubic_align", ("lambda F, x: F.interpolate(x, scale_factor=2, mode='bicubic', "
     "align_corners=True)"), ["img"]),
    ("linear_1d", "lambda F, x: F.interpolate(x, scale_factor=2.5, mode='linear')", ["x1"]),
    ("trilinear", "lambda F, x: F.interpolate(x, size=(5, 3, 6), mode='trilinear')", ["x3"]),
    ("area", "lambda F, x: F.interpolate(x, size=(3, 4), mode='area')", ["img"]),
    ("pixel_shuffle", "lambda F, x: F.pixel_shuffle(x[:, :4], 2)", ["x2"]),
    ("pixel_unshuffle", "lambda F, x: F.pixel_unshuffle(x[:, :, :6], 3)", ["x2"]),
    # activations new in this session
    ("softshrink", "lambda F, x: F.softshrink(x, 0.6)", ["n4"]),
    ("hardshrink", "lambda F, x: F.hardshrink(x, 0.6)", ["n4"]),
    ("prelu", "lambda F, x, w: F.prelu(x, w[:4].abs())", ["x2", "b6"]),
    ("rrelu_eval", "lambda F, x: F.rrelu(x, 0.1, 0.3)", ["n4"]),
    ("channel_shuffle", "lambda F, x: F.channel_shuffle(x, 2)", ["x2"]),
    # normalization and distances
    ("group_norm", "lambda F, x, w, b: F.group_norm(x, 3, w, b, eps=1e-3)", ["g", "g6", "c6"]),
    ("instance_norm", "lambda F, x, w, b: F.instance_norm(x, weight=w, bias=b)",
     ["g", "g6", "c6"]),
    ("rms_norm", "lambda F, x, w: F.rms_norm(x, (4,), w[:4])", ["g", "g6"]),
    ("rms_norm_default_eps", "lambda F, x: F.rms_norm(x, (6, 4))", ["g"]),
    ("local_response_norm", "lambda F, x: F.local_response_norm(x, 4, alpha=0.3, k=1.5)",
     ["x2"]),
    ("normalize_p3", "lambda F, x: F.normalize(x, p=3, dim=0)", ["n4"]),
    ("normalize_eps", "lambda F, x: F.normalize(x, eps=1e-4)", ["tiny"]),
    ("cosine_similarity", "lambda F, a, b: F.cosine_similarity(a, b, dim=0)", ["n4", "v4"]),
    ("cosine_similarity_eps", "lambda F, a, b: F.cosine_similarity(a, b[:3, :4], eps=1e-4)",
     ["tiny", "v4"]),
    ("pairwise_distance", "lambda F, a, b: F.pairwise_distance(a, b, p=1.5, keepdim=True)",
     ["n4", "v4"]),
    ("pdist", "lambda F, x: F.pdist(x, 3)", ["n4"]),
    # losses new in this session
    ("margin_ranking", "lambda F, a, b, y: F.margin_ranking_loss(a[:, 0], b[:, 0], y, 0.2)",
     ["a4", "p4", "s4"]),
    ("hinge_embedding", ("lambda F, x, y: F.hinge_embedding_loss(x, y, margin=0.7, "
     "reduction='sum')"), ["n4", "sgn"]),
    ("soft_margin", "lambda F, x, y: F.soft_margin_loss(x, y)", ["n4", "sgn"]),
    ("cosine_embedding", ("lambda F, a, b, y: F.cosine_embedding_loss(a, b, y, margin=0.1, "
     "reduction='none')"), ["a4", "p4", "s4"]),
    ("triplet", ("lambda F, a, p, n: F.triplet_margin_loss(a, p, n, margin=0.5, p=1, "
     "swap=True)"), ["a4", "p4", "q4"]),
    ("poisson_nll", "lambda F, x, t: F.poisson_nll_loss(x, t)", ["n4", "cnt"]),
    ("poisson_nll_full", ("lambda F, x, t: F.poisson_nll_loss(x.abs() + 0.1, t, "
     "log_input=False, full=True, reduction='sum')"), ["n4", "cnt"]),
    ("gaussian_nll", "lambda F, x, t, v: F.gaussian_nll_loss(x, t, v, full=True)",
     ["n4", "v4", "var"]),
    ("gaussian_nll_eps", ("lambda F, x, t, v: F.gaussian_nll_loss(x, t, v, eps=0.3, "
     "reduction='none')"), ["n4", "v4", "var1"]),
    ("multilabel_soft_margin", ("lambda F, x, y, w: F.multilabel_soft_margin_loss(x, y, "
     "weight=w)"), ["n4", "lab", "w5"]),
    ("multi_margin", "lambda F, x, y: F.multi_margin_loss(x, y, p=2, margin=0.8)",
     ["n4", "cls"]),
    ("ce_kdim_smooth", "lambda F, x, t: F.cross_entropy(x, t, label_smoothing=0.15)",
     ["logits4", "tgt4"]),
    ("ce_kdim_probs", ("lambda F, x, t: F.cross_entropy(x, t, label_smoothing=0.1, "
     "reduction='sum')"), ["x4c", "probs4"]),
    ("kl_zero_targets", "lambda F, x, t: F.kl_div(x, t, reduction='sum')", ["lp", "tz"]),
    ("embedding_padding_idx", "lambda F, i, w: F.embedding(i, w, padding_idx=1)",
     ["ids", "emb"]),
    ("embedding_freq", "lambda F, i, w: F.embedding(i, w, scale_grad_by_freq=True)",
     ["ids", "emb"]),
    ("sdpa_causal", ("lambda F, q, k, v: F.scaled_dot_product_attention(q, k, v, "
     "is_causal=True, scale=0.7)"), ["a4", "p4", "q4"]),
]


def seed_gradient(shape):
    """The output gradient every case is backpropagated with (float64), as in nn_cases."""
    n = int(np.prod(shape)) if len(shape) else 1
    return np.cos(np.arange(max(n, 1), dtype=np.float64)).reshape(shape)
