"""Per-op cost of forward + backward on small tensors: chainrule next to PyTorch (CPU) and NumPy.

Each workload is a chain of N ops on a small tensor followed by backward(); the printed figure is
the time per op (forward and backward together), the median of several runs. chainrule and its
anchors alternate run by run (A B A B) so that drift on the machine hits both alike. Both
libraries run on one thread (OMP/MKL/OpenBLAS set to 1 before NumPy and PyTorch load).

    make bench              # installs torch==2.13.0 into .venv and runs this
    python benchmarks/per_op.py [--n 1000] [--repeats 7]
"""

import argparse
import os
import statistics
import sys
import time

for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import numpy as np  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import chainrule  # noqa: E402

try:
    import torch

    torch.set_num_threads(1)
except ImportError:  # the benchmark still runs, without the PyTorch column
    torch = None

# name -> the op applied to the running value (same code for both libraries)
WORKLOADS = {
    "add scalar": lambda lib, y, w: y + 1.0,
    "mul tensor": lambda lib, y, w: y * w,
    "exp": lambda lib, y, w: lib.exp(y * 0.001),
    "tanh": lambda lib, y, w: lib.tanh(y),
    "relu+mul": lambda lib, y, w: lib.relu(y) * w,
    "matmul 16x16": lambda lib, y, w: lib.matmul(y, w),
    "sum(dim)+expand": lambda lib, y, w: y.sum(0, keepdim=True).expand(y.shape) * 0.0625,
    "softmax": lambda lib, y, w: lib.softmax(y, dim=-1),
}


def run(lib, name, n, shape):
    x = lib.ones(*shape, requires_grad=True) if lib is torch else \
        chainrule.ones(*shape, requires_grad=True)
    w = (lib.ones(*shape) * 0.5) if name != "matmul 16x16" else lib.eye(shape[-1]) * 0.9
    op = WORKLOADS[name]
    t0 = time.perf_counter()
    y = x
    for _ in range(n):
        y = op(lib, y, w)
    y.sum().backward()
    return (time.perf_counter() - t0) / n


def numpy_chain_mul(n, shape):
    """The 'mul tensor' chain written by hand in NumPy: forward saves, backward multiplies."""
    x = np.ones(shape, dtype=np.float32)
    w = np.ones(shape, dtype=np.float32) * 0.5
    t0 = time.perf_counter()
    saved = []
    y = x
    for _ in range(n):
        saved.append(y)
        y = y * w
    g = np.ones_like(y)
    for _ in reversed(saved):
        g = g * w
    return (time.perf_counter() - t0) / n


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="ops per chain")
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    shape = (16, 16)
    print(f"per-op forward+backward, chains of {args.n} ops on float32 {shape}, 1 thread, "
          f"median of {args.repeats}")
    print(f"numpy {np.__version__}, torch {torch.__version__ if torch else 'not installed'}")
    header = f"{'workload':<18}{'chainrule us':>14}{'torch us':>10}{'ratio':>8}"
    print(header)
    print("-" * len(header))
    for name in WORKLOADS:
        ours, theirs = [], []
        for _ in range(args.repeats):
            ours.append(run(chainrule, name, args.n, shape))
            if torch is not None:
                theirs.append(run(torch, name, args.n, shape))
        a = statistics.median(ours) * 1e6
        if theirs:
            b = statistics.median(theirs) * 1e6
            print(f"{name:<18}{a:>14.2f}{b:>10.2f}{a / b:>8.2f}")
        else:
            print(f"{name:<18}{a:>14.2f}{'-':>10}{'-':>8}")
    hand = statistics.median(numpy_chain_mul(args.n, shape) for _ in range(args.repeats)) * 1e6
    print(f"\nNumPy by hand, 'mul tensor' chain: {hand:.2f} us per op "
          "(the floor for any NumPy-based library)")
    print("ratio = chainrule / torch: below 1.00 means chainrule is faster per op")


if __name__ == "__main__":
    main()
