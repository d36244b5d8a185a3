"""Per-sample gradients of an MLP: chainrule vmap(grad) vs a Python loop vs torch.func.vmap.

Run: `.venv/bin/python benchmarks/vmap_per_sample.py` (after `make bench` installed torch).
Prints the median time of each (runs alternate A B C A B C ...) and the ratios. Issue 3's goal:
vmap at least 10x faster than the loop at batch 64, and no slower than torch.func.
"""

import statistics
import time

import numpy as np

import chainrule as cr
from chainrule.func import grad, vmap

BATCH, D_IN, HIDDEN, D_OUT = 64, 32, 64, 10
RUNS = 7


def loss_cr(params, x, y):
    h = cr.tanh(x @ params["w1"] + params["b1"])
    out = h @ params["w2"] + params["b2"]
    return ((out - y) ** 2).mean()


def setup():
    rng = np.random.default_rng(0)
    params = {"w1": rng.standard_normal((D_IN, HIDDEN)) * 0.1, "b1": np.zeros(HIDDEN),
              "w2": rng.standard_normal((HIDDEN, D_OUT)) * 0.1, "b2": np.zeros(D_OUT)}
    xs = rng.standard_normal((BATCH, D_IN))
    ys = rng.standard_normal((BATCH, D_OUT))
    return {k: v.astype(np.float32) for k, v in params.items()}, xs.astype(np.float32), \
        ys.astype(np.float32)


def main():
    params_np, xs_np, ys_np = setup()
    params = {k: cr.from_numpy(v) for k, v in params_np.items()}
    xs, ys = cr.from_numpy(xs_np), cr.from_numpy(ys_np)
    per_sample = vmap(grad(loss_cr), in_dims=(None, 0, 0))
    g_loss = grad(loss_cr)

    def run_vmap():
        return per_sample(params, xs, ys)

    def run_loop():
        return [g_loss(params, xs[i], ys[i]) for i in range(BATCH)]

    runners = {"chainrule vmap": run_vmap, "chainrule loop": run_loop}
    try:
        import torch
        from torch.func import grad as tgrad
        from torch.func import vmap as tvmap

        torch.set_num_threads(1)
        tparams = {k: torch.from_numpy(v) for k, v in params_np.items()}
        txs, tys = torch.from_numpy(xs_np), torch.from_numpy(ys_np)

        def loss_t(p, x, y):
            h = torch.tanh(x @ p["w1"] + p["b1"])
            return ((h @ p["w2"] + p["b2"] - y) ** 2).mean()

        t_per_sample = tvmap(tgrad(loss_t), in_dims=(None, 0, 0))
        runners["torch.func vmap"] = lambda: t_per_sample(tparams, txs, tys)
        check = t_per_sample(tparams, txs, tys)
        ours = run_vmap()
        for k in check:
            np.testing.assert_allclose(ours[k].numpy(), check[k].numpy(), rtol=1e-4, atol=1e-6)
    except ImportError:
        print("(torch is not installed: torch.func is left out)")
    times = {k: [] for k in runners}
    for fn in runners.values():
        fn()  # warm up
    for _ in range(RUNS):
        for name, fn in runners.items():
            t0 = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t0)
    med = {k: statistics.median(v) for k, v in times.items()}
    print(f"per-sample gradients, MLP {D_IN}-{HIDDEN}-{D_OUT}, batch {BATCH}, float32, "
          f"median of {RUNS}")
    for k, v in med.items():
        print(f"  {k:18s} {v * 1e3:8.2f} ms")
    print(f"  loop / vmap         {med['chainrule loop'] / med['chainrule vmap']:8.1f}x")
    if "torch.func vmap" in med:
        print(f"  vmap / torch.func   {med['chainrule vmap'] / med['torch.func vmap']:8.2f}x")


if __name__ == "__main__":
    main()
