"""The suite's table: rows with targets, as text, as docs/benchmarks.md and as a bar chart."""

import datetime
import os
import platform
import sys

import numpy as np
import threads

DOCS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "docs")


def environment(n_threads, how, torch):
    import chainrule

    cpu = platform.processor() or "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{cpu}, {os.cpu_count()} logical cores, {platform.system()} "
                   f"{platform.release()}",
        "python": sys.version.split()[0],
        "numpy": np.__version__,
        "torch": torch.__version__ if torch is not None else "not installed",
        "chainrule": getattr(chainrule, "__version__", "dev"),
        "threads": f"{n_threads} ({how})",
        "blas": threads.blas_info(),
        # other processes on the machine stretch wall-clock times; the alternation keeps the
        # ratios fair only as long as the load is steady
        "load average at start": " ".join(f"{v:.1f}" for v in os.getloadavg()),
    }


def environment_text(env):
    return "\n".join(f"{k:>10}: {v}" for k, v in env.items())


def _row(name, ours, torch=None, numpy=None, unit="ms", target=None, value=None, note=""):
    """One row. `value` is the figure the target is about; `target` (kind, limit)."""
    vs_torch = ours / torch if torch else None
    vs_numpy = ours / numpy if numpy else None
    met = None
    if target is not None:
        kind, limit = target
        v = {"torch": vs_torch, "numpy": vs_numpy}.get(kind, value)
        met = v is not None and v <= limit
    return {"name": name, "ours": ours, "torch": torch, "numpy": numpy, "unit": unit,
            "vs_torch": vs_torch, "vs_numpy": vs_numpy, "value": value, "target": target,
            "met": met, "note": note}


def _ms(med, label, key="total"):
    r = med.get(label)
    return None if r is None else r[key] * 1e3


def rows(results):
    out = []
    med = results.get("chain")
    if med:
        out.append(_row("chain (1000 x tanh(1.01y+0.1), fwd+bwd)", _ms(med, "chainrule"),
                        _ms(med, "torch"), _ms(med, "numpy"), target=("torch", 1.0)))
    med = results.get("mlp_small")
    if med:
        out.append(_row("mlp_small (64-128-128-10, batch 32, step)", _ms(med, "chainrule"),
                        _ms(med, "torch"), _ms(med, "numpy"), target=("torch", 1.0)))
    med = results.get("mlp_large")
    if med:
        out.append(_row("mlp_large (784-2048-2048-10, batch 256, step)", _ms(med, "chainrule"),
                        _ms(med, "torch"), _ms(med, "numpy"), target=("numpy", 1.10)))
        for part in ("forward", "backward"):
            out.append(_row(f"mlp_large {part}", _ms(med, "chainrule", part),
                            _ms(med, "torch", part), _ms(med, "numpy", part)))
        ratio = med["chainrule"]["backward"] / med["chainrule"]["forward"]
        out.append(_row("mlp_large backward / forward (chainrule)", ratio, unit="x",
                        value=ratio, target=("value", 2.2),
                        note=f"torch {med['torch']['backward'] / med['torch']['forward']:.2f}, "
                             f"NumPy by hand "
                             f"{med['numpy']['backward'] / med['numpy']['forward']:.2f}"
                        if "torch" in med else ""))
    if "cnn" in results:
        med = results["cnn"]
        if med:
            out.append(_row("cnn (conv-pool-conv-pool-linear, batch 64, step)",
                            _ms(med, "chainrule"), _ms(med, "torch"), _ms(med, "numpy")))
        else:
            out.append(_row("cnn", None, note="skipped: no conv2d/max_pool2d in chainrule yet"))
    med = results.get("hvp")
    if med:
        out.append(_row("hvp (64-128-128-10 tanh MLP, double backward)", _ms(med, "chainrule"),
                        _ms(med, "torch")))
    deep = results.get("deep")
    if deep:
        for n, med in deep.items():
            out.append(_row(f"deep backward, {n:.0e} ops".replace("+0", ""),
                            _ms(med, "chainrule"), _ms(med, "torch")))
        if 10**6 in deep and 10**5 in deep:
            ratio = deep[10**6]["chainrule"]["total"] / deep[10**5]["chainrule"]["total"]
            out.append(_row("deep time(1e6) / time(1e5)", ratio, unit="x", value=ratio,
                            target=("value", 11.0), note="linear scaling is 10"))
    mem = results.get("memory")
    if mem:
        t = mem.get("torch", {}).get("peak_mib")
        out.append(_row("memory: peak RSS of an mlp_large step", mem["chainrule"]["peak_mib"],
                        t, mem["numpy"]["peak_mib"], unit="MiB", target=("numpy", 1.25),
                        note="" if mem["chainrule"]["reset"] else "peak not resettable"))
        out.append(_row("memory: bytes the mlp_large step allocates at its peak (tracemalloc)",
                        mem["chainrule"]["traced_mib"], None, mem["numpy"]["traced_mib"],
                        unit="MiB", note="NumPy buffers and Python objects; weights excluded"))
    if "saved_bytes" in results:
        before, after = results["saved_bytes"]
        out.append(_row("saved bytes after backward (mlp_large)", after, unit="B", value=after,
                        target=("value", 0), note=f"{before / 2**20:.1f} MiB before backward"))
    return out


def _fmt(v, unit="ms"):
    if v is None:
        return "-"
    if unit == "B":
        return f"{v:.0f}"
    return f"{v:.3g}" if abs(v) < 100 else f"{v:.0f}"


def _target(r):
    if r["target"] is None:
        return ""
    kind, limit = r["target"]
    what = {"torch": "x torch", "numpy": "x NumPy"}.get(kind, "")
    return f"<= {limit}{what}"


def _met(r):
    return "" if r["met"] is None else ("met" if r["met"] else "MISSED")


def table_text(rows):
    head = (f"{'workload':<48}{'chainrule':>11}{'torch':>9}{'numpy':>9}{'unit':>5}"
            f"{'/torch':>8}{'/numpy':>8}  target")
    lines = [head, "-" * len(head)]
    for r in rows:
        u = r["unit"]
        lines.append(
            f"{r['name']:<48}{_fmt(r['ours'], u):>11}{_fmt(r['torch'], u):>9}"
            f"{_fmt(r['numpy'], u):>9}{u:>5}{_fmt(r['vs_torch'], 'x'):>8}"
            f"{_fmt(r['vs_numpy'], 'x'):>8}  {_target(r)} {_met(r)} {r['note']}".rstrip()
        )
    return "\n".join(lines)


def table_markdown(rows):
    lines = ["| workload | chainrule | PyTorch | NumPy by hand | unit | chainrule / PyTorch | "
             "chainrule / NumPy | target | |",
             "| --- | ---: | ---: | ---: | --- | ---: | ---: | --- | --- |"]
    for r in rows:
        u = r["unit"]
        note = f" ({r['note']})" if r["note"] else ""
        lines.append(f"| {r['name']} | {_fmt(r['ours'], u)} | {_fmt(r['torch'], u)} | "
                     f"{_fmt(r['numpy'], u)} | {u} | {_fmt(r['vs_torch'], 'x')} | "
                     f"{_fmt(r['vs_numpy'], 'x')} | {_target(r)} | {_met(r)}{note} |")
    return "\n".join(lines)


def chart(rows, path):
    """A horizontal bar chart of chainrule's time relative to its anchors (1.0 = as fast)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    picked = [r for r in rows if r["unit"] in ("ms", "MiB") and (r["vs_torch"] or r["vs_numpy"])]
    names = [r["name"].split(" (")[0] for r in picked]
    y = np.arange(len(picked))
    fig, ax = plt.subplots(figsize=(10, 0.45 * len(picked) + 1.5))
    h = 0.38
    ax.barh(y - h / 2, [r["vs_torch"] or 0 for r in picked], h, label="chainrule / PyTorch")
    ax.barh(y + h / 2, [r["vs_numpy"] or 0 for r in picked], h, label="chainrule / NumPy by hand")
    ax.axvline(1.0, color="black", linewidth=0.8)
    ax.set_yticks(y, names)
    ax.invert_yaxis()
    ax.set_xlabel("ratio (below 1: chainrule is faster / smaller)")
    ax.legend(loc="lower right")
    ax.set_title("chainrule relative to its anchors (time, or memory)")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return True


def write(env, rows, args):
    md_path = os.path.join(DOCS, "benchmarks.md")
    png_path = os.path.join(DOCS, "benchmarks.png")
    has_chart = chart(rows, png_path)
    command = f"make bench   # = python benchmarks/suite.py --threads {args.threads} " \
              f"--repeats {args.repeats}"
    env_lines = "\n".join(f"- {k}: {v}" for k, v in env.items())
    text = f"""# Benchmarks

chainrule against PyTorch (eager, CPU) and against NumPy written by hand (forward and backward
derived on paper: the limit for any NumPy-based library). Times are medians of
{args.repeats} or more runs per contender, the contenders alternating run by run in one
process; ratios below 1 mean chainrule is faster (or smaller). Peak memory is measured in a
fresh process per library (see `benchmarks/memory.py`). The targets are those of issue 6.

Reproduce with:

```
{command}
```

(`make bench` installs torch==2.13.0, matplotlib and threadpoolctl into `.venv` first.
`python benchmarks/per_op.py` prints the per-op overhead of single ops in chains.)

## Machine

{env_lines}

Threads: every library runs with the same count. The suite sets `OMP_NUM_THREADS`,
`OPENBLAS_NUM_THREADS`, `MKL_NUM_THREADS` (and the BLIS/vecLib/numexpr ones) before NumPy and
PyTorch are imported, limits the loaded BLAS/OpenMP pools again with threadpoolctl, and calls
`torch.set_num_threads`. Pass `--threads 2` to use both cores.

## Results

{table_markdown(rows)}

Wall-clock times on a shared 2-core machine move with the load of other processes (see "load
average" above); the A B A B alternation keeps each ratio fair while the load is steady, but
ratios near a target (the deep scaling, backward / forward) can land on either side of it from
one run to the next. Rerun `make bench` on an idle machine for the figures that matter.

{"![chainrule relative to its anchors](benchmarks.png)" if has_chart else ""}

## Where the time goes

A small op costs chainrule about as much Python as it costs PyTorch C++ dispatch, so the
per-op path is written to do as little as possible (measured with opcode counts and callgrind
instruction counts, the numbers of 2026-11-27):

- `apply` (ops/_core.py) unpacks one and two arguments without a loop; Python operators call
  their op directly. `_record` keeps only what the rules that will run read (`rule_reads`:
  `y * 0.5` saves nothing), stores the saved arrays themselves for a first-order backward, and
  allocates as few objects as it can: the cyclic garbage collector scans every surviving
  container a program allocates, and a growing graph is all survivors (it was 30% of the
  chain's forward instructions; now 15-20%). Rarely set attributes of Tensor and Node are class
  defaults or live in `Node.extra`.
- Hot VJP rules are written with Python operators (`g * (1.0 - ans * ans)`): on the bare
  arrays of a first-order backward they are NumPy's own, on Tensors (create_graph, forward
  mode) chainrule's recorded ops.
- The engine hands a node with one input edge its gradient directly (no buffer), runs a
  built-in op's node in one call (`OpNode.run`: rules and release), and counts dependencies
  with a per-walk mark on each node instead of a set, so counting costs the same per node at
  10^6 nodes as at 10^4.
- Hot composites are one node or skip checks: linear (bias added in place, bias gradient summed
  in its rule), cross-entropy on (N, C) logits with class indices, plain SGD.

## Workloads

- chain: 1,000 x `tanh(1.01 * y + 0.1)` on a 16-element float64 vector, forward and backward
  (per-op overhead: 3,000 recorded ops).
- mlp_small / mlp_large: `nn.Sequential` of Linear and ReLU, float32, `F.cross_entropy`,
  `loss.backward()`, `optim.SGD(lr=0.01).step()` (with `zero_grad()`), same initial weights in
  all three; the anchors' first losses are checked to agree.
- cnn: conv(1->8, 3x3), relu, max_pool 2, conv(8->16, 3x3), relu, max_pool 2, linear(400->10) on
  64 x 1 x 28 x 28 float32 images, a full SGD step (the NumPy anchor uses an im2col).
- hvp: `autograd.grad(loss, params, create_graph=True)`, then `autograd.grad(<grads, v>,
  params)` for a 64-128-128-10 tanh MLP, batch 32.
- deep: the time of `backward()` alone through a chain of n `y * 0.9999` ops on 4 elements.
- memory: the rise of the peak resident set of a fresh process over its size before the model
  existed, during two training steps of mlp_large (weights, batch, activations, gradients and
  temporaries; the peak is reset after the model is built); and the most bytes a step's own
  NumPy and Python allocations hold at once (tracemalloc; weights excluded, PyTorch not
  visible). Saved bytes: array bytes still held by the graph's nodes after `backward()`.
"""
    with open(md_path, "w") as f:
        f.write(text)
    return md_path
