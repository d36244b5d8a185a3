"""Benchmark (not a test): conv2d and pooling forward + backward, chainrule against PyTorch CPU.

Issue 4's goal: conv2d forward + backward on a batch of 64 28x28 images, 3x3 kernels, 32
channels, within 3x of PyTorch. Cases: 1 -> 32 channels (a first layer: the input needs no
gradient, as in training) and 32 -> 32 (a middle layer, all gradients), padding 1, valid and
stride 2, then max_pool2d(2) and avg_pool2d(2) on 64x32x28x28. Float32, best of 7 runs.

    PYTHONPATH=. /work/torchenv/bin/python benchmarks/conv2d.py            # default threads
    PYTHONPATH=. /work/torchenv/bin/python benchmarks/conv2d.py --single   # one thread each

--single pins both libraries to one thread and measures CPU time (process_time), which stays
meaningful on a busy machine; the default measures wall time with each library's own threads.
"""

import os
import sys

SINGLE = "--single" in sys.argv
if SINGLE:  # must precede the NumPy import: OpenBLAS reads it once
    os.environ["OPENBLAS_NUM_THREADS"] = "1"
    os.environ["OMP_NUM_THREADS"] = "1"

import time

import numpy as np

import chainrule as cr
import chainrule.nn.functional as F

try:
    import torch
except ImportError:  # chainrule's numbers alone
    torch = None
if torch is not None and SINGLE:
    torch.set_num_threads(1)

CLOCK = time.process_time if SINGLE else time.perf_counter

# name, input shape, weight shape, conv kwargs, does the input need a gradient
CONV_CASES = [
    ("conv2d 1->32, 3x3, pad 1", (64, 1, 28, 28), (32, 1, 3, 3), {"padding": 1}, False),
    ("conv2d 32->32, 3x3, pad 1", (64, 32, 28, 28), (32, 32, 3, 3), {"padding": 1}, True),
    ("conv2d 32->32, 3x3, valid", (64, 32, 28, 28), (32, 32, 3, 3), {}, True),
    ("conv2d 32->32, 3x3, stride 2", (64, 32, 28, 28), (32, 32, 3, 3), {"stride": 2}, True),
]
POOL_CASES = [
    ("max_pool2d(2), 64x32x28x28", lambda f, t: f.max_pool2d(t, 2)),
    ("max_pool2d(3, 2, 1), 64x32x28x28", lambda f, t: f.max_pool2d(t, 3, 2, 1)),
    ("avg_pool2d(2), 64x32x28x28", lambda f, t: f.avg_pool2d(t, 2)),
]


def best_of(fn, repeat=7):
    fn()  # warm up
    times = []
    for _ in range(repeat):
        t0 = CLOCK()
        fn()
        times.append(CLOCK() - t0)
    return min(times)


def conv_step(lib, functional, arrays, kw, input_grad):
    x = lib.tensor(arrays[0], requires_grad=input_grad)
    w, b = (lib.tensor(a, requires_grad=True) for a in arrays[1:])

    def step():
        for t in (x, w, b):
            t.grad = None
        y = functional.conv2d(x, w, b, **kw)
        y.backward(lib.ones_like(y))

    return step


def pool_step(lib, functional, array, fn):
    x = lib.tensor(array, requires_grad=True)

    def step():
        x.grad = None
        y = fn(functional, x)
        y.backward(lib.ones_like(y))

    return step


def main():
    rng = np.random.default_rng(0)
    rows = []
    for name, xs, ws, kw, input_grad in CONV_CASES:
        arrays = [rng.normal(size=s).astype(np.float32) for s in (xs, ws, ws[:1])]
        ours = best_of(conv_step(cr, F, arrays, kw, input_grad))
        theirs = best_of(conv_step(torch, torch.nn.functional, arrays, kw, input_grad)) \
            if torch else None
        rows.append((name + " fwd+bwd", ours, theirs))
    x = rng.normal(size=(64, 32, 28, 28)).astype(np.float32)
    for name, fn in POOL_CASES:
        ours = best_of(pool_step(cr, F, x, fn))
        theirs = best_of(pool_step(torch, torch.nn.functional, x, fn)) if torch else None
        rows.append((name + " fwd+bwd", ours, theirs))
    what = "CPU ms, 1 thread" if SINGLE else "wall ms"
    print(f"{'case (' + what + ')':48} {'chainrule':>10} {'torch':>9} {'ratio':>6}")
    for name, ours, theirs in rows:
        t = f"{theirs * 1e3:9.2f} {ours / theirs:6.2f}" if theirs else f"{'-':>9} {'-':>6}"
        print(f"{name:48} {ours * 1e3:10.2f} {t}")


if __name__ == "__main__":
    main()
