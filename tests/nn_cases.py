"""The chainrule.nn.functional cases checked against values recorded from PyTorch.

Pure data (no chainrule, no torch import): tests/test_nn_functional.py runs each case with
chainrule, and the generator in tests/fixtures/README.md runs the same source strings with
PyTorch 2.13 to write tests/fixtures/nn_functional_torch.json. Each case is
(name, source of `lambda F, *tensors: ...`, input names); inputs named in CONSTANT are passed
as tensors that do not require grad (class weights, running statistics), integer inputs are
class indices.
"""

import numpy as np


def _inputs():
    x = 2.0 * np.sin(1.3 * np.arange(20) + 0.4).reshape(4, 5)
    # points where conventions matter: kinks of relu/hardtanh/relu6 and large |x|
    for (i, j), v in {(0, 0): 0.0, (1, 1): 1.0, (1, 2): -1.0, (2, 0): 3.0, (2, 1): -3.0,
                      (3, 3): 25.0, (3, 4): -30.0}.items():
        x[i, j] = v
    t = np.cos(0.7 * np.arange(20) + 0.1).reshape(4, 5)
    p = 1.0 / (1.0 + np.exp(-x))
    p[0, 1], p[0, 2] = 0.0, 1.0  # BCE at the ends of [0, 1], where the logs are clamped
    tp = (np.sin(np.arange(20)) ** 2).reshape(4, 5)
    probs = np.exp(x) / np.exp(x).sum(1, keepdims=True)
    x3 = np.sin(0.9 * np.arange(24) - 1.0).reshape(2, 3, 4)
    return {
        "x": x, "t": t, "p": p, "tp": tp, "probs": probs, "x3": x3,
        "w5": np.linspace(0.5, 1.5, 5), "b5": np.linspace(-0.4, 0.4, 5),
        "w35": np.cos(np.arange(15.0)).reshape(3, 5), "b3": np.array([0.1, -0.2, 0.3]),
        "w24": np.sin(np.arange(8.0) + 2).reshape(2, 4),
        "wbil": np.cos(np.arange(40.0) * 0.37).reshape(2, 5, 4), "b2": np.array([0.5, -0.5]),
        "idx": np.array([1, 0, 4, 2]), "idx_ign": np.array([1, -100, 4, 2]),
        "idx3": np.array([[0, 2, 1, 1], [2, 0, 0, 1]]), "idx0": np.array(3),
        "rm5": np.linspace(-0.5, 0.5, 5), "rv5": np.linspace(0.5, 2.0, 5),
    }


INPUTS = _inputs()
CONSTANT = {"w5c", "rm5", "rv5"}
INPUTS["w5c"] = INPUTS["w5"]

_ACTIVATIONS = ["relu", "leaky_relu", "elu", "selu", "celu", "gelu", "silu", "mish", "sigmoid",
                "tanh", "softplus", "logsigmoid", "softsign", "tanhshrink", "hardtanh", "relu6",
                "hardsigmoid", "hardswish"]

CASES = [(a, f"lambda F, x: F.{a}(x)", ["x"]) for a in _ACTIVATIONS] + [
    ("leaky_relu_slope", "lambda F, x: F.leaky_relu(x, 0.2)", ["x"]),
    ("elu_alpha", "lambda F, x: F.elu(x, 0.7)", ["x"]),
    ("gelu_tanh", "lambda F, x: F.gelu(x, approximate='tanh')", ["x"]),
    ("softplus_beta", "lambda F, x: F.softplus(x, beta=2.0, threshold=5.0)", ["x"]),
    ("hardtanh_range", "lambda F, x: F.hardtanh(x, -2.0, 2.5)", ["x"]),
    ("threshold", "lambda F, x: F.threshold(x, 0.5, -3.0)", ["x"]),
    ("glu", "lambda F, x: F.glu(x[:, :4], -1)", ["x"]),
    ("softmax", "lambda F, x: F.softmax(x, dim=1)", ["x"]),
    ("softmin", "lambda F, x: F.softmin(x, dim=0)", ["x"]),
    ("log_softmax", "lambda F, x: F.log_softmax(x, dim=1)", ["x"]),
    ("mse", "lambda F, x, t: F.mse_loss(x, t)", ["x", "t"]),
    ("mse_sum", "lambda F, x, t: F.mse_loss(x, t, reduction='sum')", ["x", "t"]),
    ("mse_none", "lambda F, x, t: F.mse_loss(x, t, reduction='none')", ["x", "t"]),
    ("l1", "lambda F, x, t: F.l1_loss(x, t)", ["x", "t"]),
    ("smooth_l1", "lambda F, x, t: F.smooth_l1_loss(x, t)", ["x", "t"]),
    ("smooth_l1_beta", "lambda F, x, t: F.smooth_l1_loss(x, t, beta=0.3, reduction='sum')",
     ["x", "t"]),
    ("huber", "lambda F, x, t: F.huber_loss(x, t, delta=0.5)", ["x", "t"]),
    ("ce", "lambda F, x, i: F.cross_entropy(x, i)", ["x", "idx"]),
    ("ce_sum", "lambda F, x, i: F.cross_entropy(x, i, reduction='sum')", ["x", "idx"]),
    ("ce_none", "lambda F, x, i: F.cross_entropy(x, i, reduction='none')", ["x", "idx"]),
    ("ce_weight", "lambda F, x, i, w: F.cross_entropy(x, i, weight=w)", ["x", "idx", "w5c"]),
    ("ce_ignore", "lambda F, x, i: F.cross_entropy(x, i)", ["x", "idx_ign"]),
    ("ce_ignore_weight", "lambda F, x, i, w: F.cross_entropy(x, i, weight=w, ignore_index=4)",
     ["x", "idx", "w5c"]),
    ("ce_smooth", "lambda F, x, i: F.cross_entropy(x, i, label_smoothing=0.2)", ["x", "idx"]),
    ("ce_smooth_ignore", "lambda F, x, i: F.cross_entropy(x, i, label_smoothing=0.2)",
     ["x", "idx_ign"]),
    ("ce_smooth_ignore_3d",
     "lambda F, x, i: F.cross_entropy(x, i, ignore_index=1, label_smoothing=0.3)",
     ["x3", "idx3"]),
    ("ce_smooth_weight_ignore",
     "lambda F, x, i, w: F.cross_entropy(x, i, weight=w, label_smoothing=0.1)",
     ["x", "idx_ign", "w5c"]),
    ("ce_smooth_sum",
     "lambda F, x, i, w: F.cross_entropy(x, i, weight=w, label_smoothing=0.1, reduction='sum')",
     ["x", "idx_ign", "w5c"]),
    ("ce_smooth_none",
     "lambda F, x, i, w: F.cross_entropy(x, i, weight=w, label_smoothing=0.1, reduction='none')",
     ["x", "idx_ign", "w5c"]),
    ("ce_probs", "lambda F, x, t: F.cross_entropy(x, t)", ["x", "probs"]),
    ("ce_probs_smooth_weight",
     "lambda F, x, t, w: F.cross_entropy(x, t, weight=w, label_smoothing=0.3)",
     ["x", "probs", "w5"]),
    ("ce_probs_none", "lambda F, x, t: F.cross_entropy(x, t, reduction='none')", ["x", "probs"]),
    ("ce_3d", "lambda F, x, i: F.cross_entropy(x, i)", ["x3", "idx3"]),
    ("ce_3d_smooth_none",
     "lambda F, x, i: F.cross_entropy(x, i, label_smoothing=0.25, reduction='none')",
     ["x3", "idx3"]),
    ("ce_1d", "lambda F, x, i: F.cross_entropy(x[0], i)", ["x", "idx0"]),
    ("nll", "lambda F, x, i: F.nll_loss(F.log_softmax(x, 1), i)", ["x", "idx"]),
    ("nll_weight_none", "lambda F, x, i, w: F.nll_loss(x, i, weight=w, reduction='none')",
     ["x", "idx", "w5c"]),
    ("bce", "lambda F, p, t: F.binary_cross_entropy(p, t)", ["p", "tp"]),
    ("bce_weight_sum",
     "lambda F, p, t, w: F.binary_cross_entropy(p, t, weight=w, reduction='sum')",
     ["p", "tp", "w5c"]),
    ("bce_logits", "lambda F, x, t: F.binary_cross_entropy_with_logits(x, t)", ["x", "tp"]),
    ("bce_logits_pos_weight",
     "lambda F, x, t, w: F.binary_cross_entropy_with_logits(x, t, pos_weight=w, "
     "reduction='none')", ["x", "tp", "w5c"]),
    ("bce_logits_weights",
     "lambda F, x, t, w: F.binary_cross_entropy_with_logits(x, t, weight=w * 0.5, "
     "pos_weight=w)", ["x", "tp", "w5c"]),
    ("kl_batchmean", "lambda F, x, t: F.kl_div(F.log_softmax(x, 1), t, reduction='batchmean')",
     ["x", "probs"]),
    ("kl_sum", "lambda F, x, t: F.kl_div(x, t, reduction='sum')", ["x", "tp"]),
    ("kl_log_target", "lambda F, x, t: F.kl_div(x, t, reduction='none', log_target=True)",
     ["x", "t"]),
    ("layer_norm", "lambda F, x, w, b: F.layer_norm(x, (5,), w, b)", ["x", "w5", "b5"]),
    ("layer_norm_2d", "lambda F, x: F.layer_norm(x, (3, 4), eps=1e-3)", ["x3"]),
    ("batch_norm_train",
     "lambda F, x, w, b: F.batch_norm(x, None, None, w, b, training=True)", ["x", "w5", "b5"]),
    ("batch_norm_eval", "lambda F, x, rm, rv: F.batch_norm(x, rm, rv, training=False)",
     ["x", "rm5", "rv5"]),
    ("batch_norm_3d", "lambda F, x: F.batch_norm(x, None, None, training=True, eps=0.1)",
     ["x3"]),
    ("linear", "lambda F, x, w, b: F.linear(x, w, b)", ["x", "w35", "b3"]),
    ("linear_3d", "lambda F, x, w: F.linear(x, w)", ["x3", "w24"]),
    ("bilinear", "lambda F, a, b, w, c: F.bilinear(a[:3], b[0], w, c)",
     ["x", "x3", "wbil", "b2"]),
]


def seed_gradient(shape):
    """The output gradient every case is backpropagated with (float64)."""
    n = int(np.prod(shape)) if len(shape) else 1
    return np.cos(np.arange(max(n, 1), dtype=np.float64)).reshape(shape)
