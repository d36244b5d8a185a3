"""Primitives that nn needs and the core op library lacks: erf, log1p, expm1, xlogy,
scale_grad, binary_cross_entropy and a fused linear; and `named`, which gives a composite's
grad_fn PyTorch's name.

Every rule is written with chainrule ops, so any order of derivative works. The unary ones are
declared with `elementwise.unary` (forward + local derivative). erf maps the C library's
`math.erf` over the array (correctly rounded in float64; measured faster than a vectorised
rational approximation, which has to evaluate every branch for every element).
"""

import math

import numpy as np

from .._tensor import Tensor
from ..ops import _batching
from ..ops._core import Op, apply, elementwise_jvp, linear_jvp
from ..ops.elementwise import add, clamp, div, eq, exp, log, mul, neg, reciprocal, sub, unary, where
from ..ops.linalg import matmul
from ..ops.shape import expand, reshape, transpose, unsqueeze

_erf_ufunc = np.frompyfunc(math.erf, 1, 1)
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


def _erf_np(x):
    x = np.asarray(x)
    return np.asarray(_erf_ufunc(x.astype(np.float64)), dtype=np.float64).astype(x.dtype)


def _quiet(np_fn):
    def forward(x):
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            return np_fn(x)

    return forward


# legend: unary(name, numpy forward, local derivative d(x, ans), what d needs)
ERF, erf = unary("erf", _erf_np,
                 lambda x, ans: mul(exp(mul(mul(x, x), -1.0)), _TWO_OVER_SQRT_PI))
LOG1P, log1p = unary("log1p", _quiet(np.log1p), lambda x, ans: reciprocal(add(x, 1.0)))
EXPM1, expm1 = unary("expm1", _quiet(np.expm1), lambda x, ans: add(ans, 1.0), needs="ans")


# --- scale_grad: identity forward, gradient multiplied by a constant -------------------------
# Embedding uses it to zero the gradient of padding_idx rows and for scale_grad_by_freq.

SCALE_GRAD = Op("scale_grad", lambda x, scale: x.copy(),
                (lambda g, ans, x, scale: mul(g, scale), None), backward_name="ScaleGradBackward0",
                jvp=linear_jvp, batch=_batching.elementwise)


def scale_grad(input, scale):
    """`input` unchanged, but its gradient is multiplied by the constant array `scale`."""
    return apply(SCALE_GRAD, (input, scale), {})


# --- binary_cross_entropy (elementwise, unreduced) ---------------------------------------------
# PyTorch's formulas: loss = (t - 1) * max(log1p(-x), -100) - t * max(log(x), -100);
# d/dx = (x - t) / max(x * (1 - x), eps) (finite at x = 0 and 1, where log is clamped);
# d/dt = -logit(x) = -log(x / (1 - x)).
_BCE_EPS = float(np.float32(1e-12))  # PyTorch's EPSILON is a float32 constant


def _bce_forward(x, t):
    # the range checks live here, on the raw arrays (under vmap the caller sees no values)
    if not np.all((x >= 0) & (x <= 1)):
        raise RuntimeError("all elements of input should be between 0 and 1")
    if not np.all((t >= 0) & (t <= 1)):
        raise RuntimeError("all elements of target should be between 0 and 1")
    with np.errstate(divide="ignore", invalid="ignore"):
        return ((t - 1) * np.maximum(np.log1p(-x), -100) - t * np.maximum(np.log(x), -100)
                ).astype(x.dtype, copy=False)


def _bce_vjp_x(g, ans, x, t):
    return div(mul(g, sub(x, t)), clamp(mul(sub(1.0, x), x), min=_BCE_EPS))


def _bce_vjp_t(g, ans, x, t):
    return mul(neg(log(div(x, sub(1.0, x)))), g)  # -logit(x) * g, as PyTorch evaluates it


BINARY_CROSS_ENTROPY = Op("binary_cross_entropy", _bce_forward, (_bce_vjp_x, _bce_vjp_t),
                          saves=(0, 1), backward_name="BinaryCrossEntropyBackward0",
                          jvp=elementwise_jvp, batch=_batching.elementwise)


def binary_cross_entropy_elementwise(input, target):
    return apply(BINARY_CROSS_ENTROPY, (input, target), {})


# --- xlogy: x * log(y), 0 where x == 0 (NaN y stays NaN) --------------------------------------
# PyTorch's derivatives: d/dx = xlogy(x != 0, y) = log(y) where x != 0 else 0; d/dy = x / y.


def _xlogy_forward(x, y):
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(x == 0, 0.0, x * np.log(y))
    out = np.where(np.isnan(y), np.nan, out)
    return out.astype(np.result_type(x, y), copy=False)


XLOGY = Op("xlogy", _xlogy_forward,
           (lambda g, ans, x, y: mul(g, where(eq(x, 0), 0.0, log(y))),
            lambda g, ans, x, y: mul(g, div(x, y))),
           saves=(0, 1), backward_name="XlogyBackward0", jvp=elementwise_jvp,
           batch=_batching.elementwise)


def xlogy(input, other):
    return apply(XLOGY, (input, other), {})


# --- linear: x @ w.T + b in one node ----------------------------------------------------------
# legend: x (*, in), w (out, in), b (out,) or None; g has the output's shape (*, out).
# The 2-d rules use Python operators: NumPy's own on the bare arrays of a first-order backward
# (no dispatch), chainrule's ops on Tensors (create_graph, forward mode, vmap). The bias rule
# returns g itself: the engine sums it down to b's shape.


def _linear_forward(x, w, b):
    out = np.matmul(x, w.T)
    if b is None:
        return out
    if b.ndim <= 1 and b.dtype == out.dtype:  # b broadcasts into the fresh product: add in place
        return np.add(out, b, out=out)
    return out + b


def _linear_vjp_x(g, ans, x, w, b):
    return g @ w


def _linear_vjp_w(g, ans, x, w, b):
    if x.ndim == 2:  # the common case needs no reshape
        return g.T @ x
    if x.ndim == 1:
        return mul(unsqueeze(g, 1), unsqueeze(x, 0))
    g2 = reshape(g, (-1, w.shape[0]))
    x2 = reshape(x, (-1, w.shape[1]))
    return matmul(transpose(g2, 0, 1), x2)


def _linear_jvp(tangents, ans, x, w, b):
    # bilinear in (x, w), linear in b: tx @ w.T + x @ tw.T + tb
    tx, tw, tb = tangents
    out = None if tx is None else matmul(tx, transpose(w, 0, 1))
    if tw is not None:
        term = matmul(x, transpose(tw, 0, 1))
        out = term if out is None else add(out, term)
    if tb is not None:
        out = tb if out is None else add(out, tb)
    return out


def _linear_batch(op, args, bdims, params):
    """vmap: a batched input alone keeps the op (its leading dims are free); batched weights
    become a batched matmul: x (B, *, in) @ w (B, 1.., in, out) + b (B, 1.., out)."""
    from .._tensor import Tensor

    x, w, b = args
    bx, bw, bb = bdims
    if bw is None and bb is None:
        return apply(op, (_batching.move_to_front(x, bx), w, b), params), 0
    bsz = _batching.batch_size(args, bdims)
    if bx is None:
        x = Tensor._make(np.asarray(x)) if not isinstance(x, Tensor) else x
        x = expand(unsqueeze(x, 0), (bsz,) + tuple(x.shape))
    x = _batching.move_to_front(x, bx)
    if bw is None:
        w = expand(unsqueeze(w, 0), (bsz,) + tuple(w.shape))
    w = _batching.move_to_front(w, bw)
    # x (B, *lead, in): matmul's batch dims are (B, *lead[:-1]), so w gets len(lead) - 1 ones
    wt = reshape(transpose(w, 1, 2), (bsz,) + (1,) * max(x.ndim - 3, 0) +
                 (w.shape[2], w.shape[1]))
    out = matmul(x, wt) if x.ndim > 2 else reshape(matmul(unsqueeze(x, 1), wt), (bsz, -1))
    if b is not None:
        if bb is not None:
            b = reshape(_batching.move_to_front(b, bb), (bsz,) + (1,) * (x.ndim - 2) + (-1,))
        out = add(out, b)
    return out, 0


def _linear_op(name):
    return Op("linear", _linear_forward,
              (_linear_vjp_x, _linear_vjp_w, lambda g, ans, x, w, b: g),
              saves=(0, 1), backward_name=name, rule_reads=((1,), (0,), ()), jvp=_linear_jvp,
              batch=_linear_batch)


# PyTorch's grad_fn names: addmm/mm for 2-d inputs, a view of them otherwise
_LINEAR_OPS = {
    (2, True): _linear_op("AddmmBackward0"), (2, False): _linear_op("MmBackward0"),
    (1, True): _linear_op("ViewBackward0"), (1, False): _linear_op("SqueezeBackward4"),
    (3, True): _linear_op("ViewBackward0"), (3, False): _linear_op("UnsafeViewBackward0"),
}


def linear(input, weight, bias):
    """input @ weight.T + bias (bias may be None); shapes and dtypes checked by the caller."""
    key = (min(input.ndim, 3), bias is not None)
    return apply(_LINEAR_OPS[key], (input, weight, bias), {})


# --- PyTorch's grad_fn names for composite functions ---------------------------------------


_RENAMED = {}


def named(t, backward_name):
    """`t` with its grad_fn shown as `backward_name` (e.g. NllLossBackward0), as PyTorch names
    the fused kernel that chainrule composes from several ops.

    Only the name changes: the node keeps its rules, so gradients are untouched. The node is
    the one that produced `t` (fresh, owned by `t` alone), and its op is swapped for a copy
    that differs only in `backward_name` (cached), so this costs a dict lookup.
    """
    node = t.grad_fn if isinstance(t, Tensor) else None
    op = getattr(node, "op", None)
    if op is None or op.backward_name == backward_name:
        return t
    key = (op, backward_name)
    clone = _RENAMED.get(key)
    if clone is None:
        clone = Op.__new__(Op)
        for slot in Op.__slots__:
            if hasattr(op, slot):
                setattr(clone, slot, getattr(op, slot))
        clone.backward_name = backward_name
        _RENAMED[key] = clone
    node.op = clone
    return t
