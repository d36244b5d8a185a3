"""The benchmark suite: chainrule against PyTorch (CPU, eager) and NumPy written by hand.

Every workload runs in this one process, the contenders alternating run by run (A B C A B C ...)
so that drift on the machine (other processes, frequency scaling) hits all of them alike; each
figure is the median of several runs, after one warm-up run each. All libraries use the same
number of threads (`--threads`, see threads.py). Peak memory is measured in a fresh child
process per library (memory.py).

    make bench                       # installs torch==2.13.0 (+ matplotlib) and runs this
    python benchmarks/suite.py [--threads 1] [--repeats 7] [--only chain mlp_small] [--no-write]

It prints the table and writes docs/benchmarks.md and docs/benchmarks.png.
"""

import argparse
import os
import statistics
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, ".."))

import threads  # noqa: E402  (sets the thread variables before NumPy loads)


def _parse():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--threads", type=int, default=1,
                   help="threads for NumPy's BLAS and PyTorch (default 1)")
    p.add_argument("--repeats", type=int, default=7, help="timed runs per contender")
    p.add_argument("--only", nargs="*", help="run only these workloads")
    p.add_argument("--no-write", action="store_true", help="do not write docs/benchmarks.*")
    return p.parse_args()


ARGS = _parse() if __name__ == "__main__" else None
threads.before_imports(ARGS.threads if ARGS else 1)

import by_hand  # noqa: E402
import memory  # noqa: E402
import numpy as np  # noqa: E402
import report  # noqa: E402
import workloads as W  # noqa: E402

import chainrule  # noqa: E402
import chainrule.nn.functional as CF  # noqa: E402

try:
    import torch
except ImportError:  # the suite still runs, without the PyTorch column
    torch = None


def compare(contenders, repeats, inner=1):
    """Median of each key over `repeats` samples per contender, run alternately.

    A sample is `inner` consecutive steps (their times summed), which steadies fast steps.
    Returns ({label: {key: median seconds per step}}, {label: first step's result}).
    """
    first = {label: step() for label, step in contenders.items()}  # warm-up
    samples = {label: [] for label in contenders}
    for _ in range(repeats):
        for label, step in contenders.items():
            acc = {}
            for _ in range(inner):
                for k, v in step().items():
                    if isinstance(v, float) and k != "loss":
                        acc[k] = acc.get(k, 0.0) + v
            samples[label].append({k: v / inner for k, v in acc.items()})
    medians = {label: {k: statistics.median(s[k] for s in runs) for k in runs[0]}
               for label, runs in samples.items()}
    return medians, first


def _check_same(name, first, key="loss", rtol=1e-3):
    values = {label: r[key] for label, r in first.items() if key in r}
    ref = next(iter(values.values()), None)
    for label, v in values.items():
        if not np.allclose(v, ref, rtol=rtol, atol=1e-6):
            print(f"  WARNING {name}: {label} computed {key}={v!r}, expected {ref!r}")


def _libs(include_numpy=None):
    libs = {"chainrule": chainrule}
    if torch is not None:
        libs["torch"] = torch
    return libs


# --- workloads -------------------------------------------------------------------------------


def run_chain(repeats):
    x0 = np.linspace(-1.0, 1.0, 16)
    steps = {label: W.make_chain(lib, x0) for label, lib in _libs().items()}

    def hand():
        from time import perf_counter

        t0 = perf_counter()
        g = by_hand.chain(x0, 1000)
        return {"total": perf_counter() - t0, "grad": g}

    steps["numpy"] = hand
    med, first = compare(steps, repeats * 2)
    grads = {k: np.asarray(v["grad"].detach() if k != "numpy" else v["grad"])
             for k, v in first.items()}
    for k, g in grads.items():
        if not np.allclose(g, grads["numpy"], rtol=1e-10):
            print(f"  WARNING chain: {k}'s gradient differs from NumPy by hand")
    return med


def run_mlp(sizes, n, repeats, inner):
    params = W.init_mlp(sizes)
    x, target = W.batch(n, sizes[0], sizes[-1])
    steps = {label: W.make_mlp(lib, params, x, target) for label, lib in _libs().items()}
    steps["numpy"] = W.make_mlp_by_hand(by_hand, params, x, target)
    med, first = compare(steps, repeats, inner)
    _check_same("mlp", first)
    return med


def run_hvp(repeats):
    sizes, n = W.MLP_SMALL
    params = W.init_mlp(sizes)
    x, target = W.batch(n, sizes[0], sizes[-1])
    steps = {label: W.make_hvp(lib, params, x, target) for label, lib in _libs().items()}
    med, first = compare(steps, repeats, inner=3)
    _check_same("hvp", first, rtol=1e-3)
    return med


def run_cnn(repeats):
    if not hasattr(CF, "conv2d") or not hasattr(CF, "max_pool2d"):
        print("  cnn: skipped (chainrule.nn.functional has no conv2d/max_pool2d yet)")
        return None
    params = W.init_cnn()
    x, target = W.batch(W.CNN_BATCH, (1, 28, 28), 10)
    steps = {label: W.make_cnn(lib, params, x, target) for label, lib in _libs().items()}
    steps["numpy"] = W.make_cnn_by_hand(by_hand, params, x, target)
    med, first = compare(steps, repeats)
    _check_same("cnn", first)
    return med


def run_deep(repeats):
    """Backward through 1e4, 1e5 and 1e6 ops. The 1e5 and 1e6 runs alternate with each other
    too (not only chainrule with PyTorch), so that their ratio sees the same machine state;
    five runs each (a 10^6 run of PyTorch takes about 10 s), since their ratio is a target."""
    out = {}
    med, _ = compare({label: W.make_deep(lib, 10**4) for label, lib in _libs().items()}, repeats)
    out[10**4] = med
    steps = {(label, n): W.make_deep(lib, n) for n in (10**5, 10**6)
             for label, lib in _libs().items()}
    med, _ = compare(steps, 5)
    for n in (10**5, 10**6):
        out[n] = {label: r for (label, m), r in med.items() if m == n}
    for n, med in out.items():
        print(f"  deep {n:>8}: " + ", ".join(f"{k} {v['total'] * 1e3:.1f} ms"
                                              for k, v in med.items()))
    return out


def run_saved_bytes():
    """Bytes still held by graph nodes after backward (must be 0), for the mlp_large step."""
    sizes, n = W.MLP_LARGE
    params = W.init_mlp(sizes)
    x, target = W.batch(n, sizes[0], sizes[-1])
    model = W._sequential(chainrule, params, chainrule.nn.ReLU)
    loss = CF.cross_entropy(model(chainrule.tensor(x)), chainrule.tensor(target))
    before = memory.saved_bytes(loss.grad_fn)
    loss.backward()
    return before, memory.saved_bytes(loss.grad_fn)


def main():
    args = ARGS
    how = threads.after_imports(args.threads, torch)
    env = report.environment(args.threads, how, torch)
    print(report.environment_text(env))
    only = set(args.only) if args.only else None
    results = {}

    def want(name):
        return only is None or name in only

    if want("chain"):
        print("chain ...")
        results["chain"] = run_chain(args.repeats)
    if want("mlp_small"):
        print("mlp_small ...")
        results["mlp_small"] = run_mlp(*W.MLP_SMALL, args.repeats, inner=20)
    if want("mlp_large"):
        print("mlp_large ...")
        results["mlp_large"] = run_mlp(*W.MLP_LARGE, args.repeats, inner=1)
    if want("cnn"):
        print("cnn ...")
        results["cnn"] = run_cnn(args.repeats)
    if want("hvp"):
        print("hvp ...")
        results["hvp"] = run_hvp(args.repeats)
    if want("deep"):
        print("deep ...")
        results["deep"] = run_deep(args.repeats)
    if want("memory"):
        print("memory ...")
        results["memory"] = {lib: memory.peak_rss_mib(lib, args.threads)
                             for lib in (["chainrule", "numpy"] + (["torch"] if torch else []))}
        results["saved_bytes"] = run_saved_bytes()
    rows = report.rows(results)
    print()
    print(report.table_text(rows))
    if not args.no_write and only is None:
        path = report.write(env, rows, args)
        print(f"\nwrote {path}")


if __name__ == "__main__":
    main()
