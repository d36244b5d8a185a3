"""The workloads, written once for any library with PyTorch's API (`lib` is chainrule or torch).

Each `make_*` builds its inputs from NumPy arrays (so chainrule, PyTorch and the NumPy-by-hand
anchor start from identical numbers) and returns a step function. A step returns a dict with at
least "total" (seconds); some add "forward" and "backward", and "loss" for the sanity check.
"""

from time import perf_counter

import numpy as np

MLP_SMALL = (64, 128, 128, 10), 32
MLP_LARGE = (784, 2048, 2048, 10), 256
LR = 0.01


def init_mlp(sizes, seed=0, dtype=np.float32):
    """Weights and biases as NumPy arrays, PyTorch's default uniform(-1/sqrt(in), 1/sqrt(in))."""
    rng = np.random.default_rng(seed)
    params = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        bound = 1.0 / np.sqrt(fan_in)
        params.append((rng.uniform(-bound, bound, (fan_out, fan_in)).astype(dtype),
                       rng.uniform(-bound, bound, fan_out).astype(dtype)))
    return params


def batch(n, features, classes, seed=1, dtype=np.float32):
    rng = np.random.default_rng(seed)
    if isinstance(features, int):
        features = (features,)
    return (rng.standard_normal((n, *features)).astype(dtype),
            rng.integers(0, classes, n).astype(np.int64))


def _copy_params(params):
    return [(w.copy(), b.copy()) for w, b in params]


def _leaves(lib, params):
    return [lib.tensor(a, requires_grad=True) for pair in params for a in pair]


def _sequential(lib, params, act):
    layers = []
    for i, (w, b) in enumerate(params):
        lin = lib.nn.Linear(w.shape[1], w.shape[0])
        with lib.no_grad():
            lin.weight.copy_(lib.tensor(w))
            lin.bias.copy_(lib.tensor(b))
        layers.append(lin)
        if i < len(params) - 1:
            layers.append(act())
    return lib.nn.Sequential(*layers)


# --- chain: per-op overhead ---------------------------------------------------------------------


def make_chain(lib, x0, n=1000):
    def step():
        x = lib.tensor(x0, requires_grad=True)
        t0 = perf_counter()
        y = x
        for _ in range(n):
            y = lib.tanh(1.01 * y + 0.1)
        y.sum().backward()
        return {"total": perf_counter() - t0, "grad": x.grad}

    return step


# --- MLP training step: forward, cross-entropy, backward, SGD -------------------------------------


def make_mlp(lib, params, x, target):
    model = _sequential(lib, params, lib.nn.ReLU)
    opt = lib.optim.SGD(model.parameters(), lr=LR)
    xt, tt = lib.tensor(x), lib.tensor(target)
    F = lib.nn.functional

    def step():
        t0 = perf_counter()
        opt.zero_grad()
        loss = F.cross_entropy(model(xt), tt)
        t1 = perf_counter()
        loss.backward()
        t2 = perf_counter()
        opt.step()
        t3 = perf_counter()
        return {"total": t3 - t0, "forward": t1 - t0, "backward": t2 - t1,
                "loss": float(loss.item())}

    return step


def make_mlp_by_hand(by_hand, params, x, target):
    params = _copy_params(params)

    def step():
        times = {}
        t0 = perf_counter()
        loss = by_hand.mlp_step(params, x, target, LR, times)
        times["total"] = perf_counter() - t0
        times["loss"] = float(loss)
        return times

    return step


# --- hvp: Hessian-vector products of an MLP loss (double backward) -------------------------------


def make_hvp(lib, params, x, target):
    """H v for the loss of a 64-128-128-10 tanh MLP (relu's second derivative would be 0)."""
    leaves = _leaves(lib, params)
    rng = np.random.default_rng(2)
    vs = [lib.tensor(rng.standard_normal(p.shape).astype(np.float32)) for p in leaves]
    xt, tt = lib.tensor(x), lib.tensor(target)
    F = lib.nn.functional

    def step():
        t0 = perf_counter()
        h = xt
        for i in range(0, len(leaves), 2):
            h = F.linear(h, leaves[i], leaves[i + 1])
            if i + 2 < len(leaves):
                h = lib.tanh(h)
        loss = F.cross_entropy(h, tt)
        grads = lib.autograd.grad(loss, leaves, create_graph=True)
        dot = sum((g * v).sum() for g, v in zip(grads, vs))
        hv = lib.autograd.grad(dot, leaves)
        return {"total": perf_counter() - t0, "loss": float(hv[0].sum().item())}

    return step


# --- cnn: a small convolutional net on 28x28 images -----------------------------------------------

CNN_BATCH = 64


def init_cnn(seed=3):
    rng = np.random.default_rng(seed)

    def uniform(shape, fan_in):
        bound = 1.0 / np.sqrt(fan_in)
        return rng.uniform(-bound, bound, shape).astype(np.float32)

    return [(uniform((8, 1, 3, 3), 9), uniform(8, 9)),
            (uniform((16, 8, 3, 3), 72), uniform(16, 72)),
            (uniform((10, 400), 400), uniform(10, 400))]


def make_cnn(lib, params, x, target):
    leaves = _leaves(lib, params)
    w1, b1, w2, b2, w3, b3 = leaves
    opt = lib.optim.SGD(leaves, lr=LR)
    xt, tt = lib.tensor(x), lib.tensor(target)
    F = lib.nn.functional

    def step():
        t0 = perf_counter()
        opt.zero_grad()
        h = F.max_pool2d(F.relu(F.conv2d(xt, w1, b1)), 2)
        h = F.max_pool2d(F.relu(F.conv2d(h, w2, b2)), 2)
        loss = F.cross_entropy(F.linear(h.reshape(h.shape[0], -1), w3, b3), tt)
        t1 = perf_counter()
        loss.backward()
        t2 = perf_counter()
        opt.step()
        return {"total": perf_counter() - t0, "forward": t1 - t0, "backward": t2 - t1,
                "loss": float(loss.item())}

    return step


def make_cnn_by_hand(by_hand, params, x, target):
    params = _copy_params(params)

    def step():
        t0 = perf_counter()
        loss = by_hand.cnn_step(params, x, target, LR)
        return {"total": perf_counter() - t0, "loss": float(loss)}

    return step


# --- deep: backward through a chain of n ops ------------------------------------------------------


def make_deep(lib, n):
    def step():
        x = lib.ones(4, requires_grad=True)
        y = x
        for _ in range(n):
            y = y * 0.9999
        t0 = perf_counter()
        y.sum().backward()
        elapsed = perf_counter() - t0
        del y  # freeing a deep graph must not overflow the stack either
        return {"total": elapsed}

    return step
