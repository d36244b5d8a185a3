"""The NumPy-by-hand anchors: each workload's forward and backward derived on paper.

These are the limit for any NumPy-based autograd library: no graph, no dispatch, no wrapper
objects, only the NumPy calls the maths needs (one matmul per weight gradient, one per input
gradient, masks instead of relu's derivative op, the fused softmax - onehot of cross-entropy).
Every function takes NumPy arrays and returns what the timed step returns in the libraries, so
the suite can check that the anchors compute the same loss.
"""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

# --- chain: 1000 x tanh(1.01 * y + 0.1), then sum; returns d(sum)/dx -----------------------


def chain(x, n):
    saved = []
    y = x
    for _ in range(n):
        y = np.tanh(1.01 * y + 0.1)
        saved.append(y)
    g = np.ones_like(y)
    for y in reversed(saved):
        g = g * (1.0 - y * y) * 1.01
    return g


# --- MLP: linear -> relu -> ... -> linear, mean cross-entropy, SGD ---------------------------


def _cross_entropy(logits, target):
    """Mean cross-entropy and its gradient with respect to the logits: (softmax - onehot) / N."""
    n = logits.shape[0]
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    sums = exp.sum(axis=1, keepdims=True)
    rows = np.arange(n)
    loss = (np.log(sums[:, 0]) - shifted[rows, target]).mean(dtype=logits.dtype)
    grad = exp / sums
    grad[rows, target] -= 1.0
    grad *= logits.dtype.type(1.0 / n)
    return loss, grad


def mlp_forward(params, x, target):
    """The forward half of `mlp_step`: activations kept for the backward half."""
    acts = [x]
    h = x
    last = len(params) - 1
    for i, (w, b) in enumerate(params):
        h = h @ w.T
        h += b
        if i < last:
            np.maximum(h, 0, out=h)  # relu in place: the mask is h > 0 afterwards
        acts.append(h)
    loss, g = _cross_entropy(h, target)
    return loss, g, acts


def mlp_backward(params, acts, g):
    """Weight and bias gradients, last layer first (relu'(0) = 0: the mask is act > 0)."""
    grads = []
    for i in range(len(params) - 1, -1, -1):
        w, _ = params[i]
        a = acts[i]
        grads.append((g.T @ a, g.sum(axis=0)))
        if i > 0:
            g = g @ w
            g *= a > 0
    grads.reverse()
    return grads


def sgd(params, grads, lr):
    for (w, b), (gw, gb) in zip(params, grads):
        w -= lr * gw
        b -= lr * gb


def mlp_step(params, x, target, lr, times=None):
    """One training step; `times` (a dict) receives forward/backward seconds when given."""
    from time import perf_counter

    t0 = perf_counter()
    loss, g, acts = mlp_forward(params, x, target)
    t1 = perf_counter()
    grads = mlp_backward(params, acts, g)
    t2 = perf_counter()
    sgd(params, grads, lr)
    if times is not None:
        times["forward"], times["backward"] = t1 - t0, t2 - t1
    return loss


# --- CNN: conv(1->8, 3x3) relu maxpool2 conv(8->16, 3x3) relu maxpool2 linear(400->10) ------


def _im2col(x, k):
    """(N, C, H, W) -> (N, C*k*k, OH*OW) patches (a copy), for a stride-1, unpadded conv."""
    n, c, h, w = x.shape
    win = sliding_window_view(x, (k, k), axis=(2, 3))  # (N, C, OH, OW, k, k)
    oh, ow = h - k + 1, w - k + 1
    return win.transpose(0, 1, 4, 5, 2, 3).reshape(n, c * k * k, oh * ow)


def _conv_forward(x, w, b):
    n, _, h, wd = x.shape
    o, _, k, _ = w.shape
    cols = _im2col(x, k)
    out = np.matmul(w.reshape(o, -1), cols)  # (N, O, OH*OW)
    out += b[:, None]
    return out.reshape(n, o, h - k + 1, wd - k + 1), cols


def _conv_backward(g, x_shape, w, cols, need_gx=True):
    n, c, h, wd = x_shape
    o, _, k, _ = w.shape
    g2 = g.reshape(n, o, -1)
    gw = np.einsum("nop,nqp->oq", g2, cols, optimize=True).reshape(w.shape)
    gb = g2.sum(axis=(0, 2))
    if not need_gx:  # the input images need no gradient
        return None, gw, gb
    dcols = np.matmul(w.reshape(o, -1).T, g2).reshape(n, c, k, k, h - k + 1, wd - k + 1)
    gx = np.zeros(x_shape, dtype=g.dtype)
    oh, ow = h - k + 1, wd - k + 1
    for i in range(k):
        for j in range(k):
            gx[:, :, i:i + oh, j:j + ow] += dcols[:, :, i, j]
    return gx, gw, gb


def _pool_forward(x):
    """2x2 max pooling, stride 2 (odd trailing rows/columns dropped, as PyTorch)."""
    n, c, h, w = x.shape
    xc = x[:, :, :h // 2 * 2, :w // 2 * 2]
    win = xc.reshape(n, c, h // 2, 2, w // 2, 2)
    out = win.max(axis=(3, 5))
    return out, win


def _pool_backward(g, x_shape, win, out):
    # the gradient goes to the window's maximum (random floats: no ties)
    mask = win == out[:, :, :, None, :, None]
    gx = np.zeros(x_shape, dtype=g.dtype)
    h2, w2 = win.shape[2] * 2, win.shape[4] * 2
    gx[:, :, :h2, :w2] = (mask * g[:, :, :, None, :, None]).reshape(gx[:, :, :h2, :w2].shape)
    return gx


def cnn_step(params, x, target, lr):
    (w1, b1), (w2, b2), (w3, b3) = params
    h1, cols1 = _conv_forward(x, w1, b1)
    np.maximum(h1, 0, out=h1)
    p1, win1 = _pool_forward(h1)
    h2, cols2 = _conv_forward(p1, w2, b2)
    np.maximum(h2, 0, out=h2)
    p2, win2 = _pool_forward(h2)
    flat = p2.reshape(p2.shape[0], -1)
    logits = flat @ w3.T + b3
    loss, g = _cross_entropy(logits, target)

    gw3, gb3 = g.T @ flat, g.sum(axis=0)
    g = (g @ w3).reshape(p2.shape)
    g = _pool_backward(g, h2.shape, win2, p2)
    g *= h2 > 0
    g, gw2, gb2 = _conv_backward(g, p1.shape, w2, cols2)
    g = _pool_backward(g, h1.shape, win1, p1)
    g *= h1 > 0
    _, gw1, gb1 = _conv_backward(g, x.shape, w1, cols1, need_gx=False)
    sgd(params, [(gw1, gb1), (gw2, gb2), (gw3, gb3)], lr)
    return loss
