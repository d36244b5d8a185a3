"""Memory figures: peak resident memory of one mlp_large training step, and saved bytes left on
the graph after backward.

Peak RSS is measured in a fresh child process per library (`python benchmarks/memory.py LIB`),
because a process's high-water mark and the C allocator's free lists remember everything that
ran before: the child imports its library, records its resident set, builds the model and the
batch, resets the high-water mark (`VmHWM`, through /proc/self/clear_refs where the kernel
allows), runs two steps (the second one is the steady state: gradients are set to None by
zero_grad, as PyTorch's default), and prints the rise of the high-water mark over the resident
set before the model existed. The figure therefore counts parameters, batch, activations, saved
values, gradients and temporaries: all that a training step holds at its peak. A third step
runs under tracemalloc, whose peak (`traced_mib`: the NumPy buffers and Python objects the step
itself allocated and held at once, without allocator slack; the weights, allocated before, are
not in it) is the second figure; PyTorch's own allocations are invisible to it.
"""

import gc
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def _status_kib(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/self/status")


def _reset_peak():
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")  # reset VmHWM to the current RSS (Linux >= 4.0)
        return True
    except OSError:
        return False


def child(lib_name, threads):
    """Run in the child: print {"peak_mib": ..., "reset": bool} as JSON."""
    sys.path.insert(0, HERE)
    sys.path.insert(0, os.path.join(HERE, ".."))
    import threads as threads_mod

    threads_mod.before_imports(threads)
    import numpy as np
    import workloads

    if lib_name == "chainrule":
        import chainrule as lib
    elif lib_name == "torch":
        import torch as lib
    else:
        import by_hand as lib
    threads_mod.after_imports(threads, lib if lib_name == "torch" else None)
    sizes, n = workloads.MLP_LARGE
    gc.collect()
    base = _status_kib("VmRSS")
    params = workloads.init_mlp(sizes)
    x, target = workloads.batch(n, sizes[0], sizes[-1])
    if lib_name == "numpy":
        step = workloads.make_mlp_by_hand(lib, params, x, target)
    else:
        step = workloads.make_mlp(lib, params, x, target)
    del params
    gc.collect()
    reset = _reset_peak()  # the peak of building the model is not the step's
    for _ in range(2):
        step()
    peak = _status_kib("VmHWM")
    # the same step again under tracemalloc: the most bytes the step's own NumPy and Python
    # allocations held at once, independent of how the C allocator returns memory to the system
    import tracemalloc

    tracemalloc.start()
    step()
    traced = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(json.dumps({"peak_mib": (peak - base) / 1024.0, "reset": reset,
                      "traced_mib": traced / 2**20, "numpy": np.__version__}))


def peak_rss_mib(lib_name, threads):
    """The child's figure for `lib_name` ("chainrule", "torch" or "numpy"), in MiB."""
    out = subprocess.run([sys.executable, os.path.join(HERE, "memory.py"), lib_name,
                          str(threads)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


# --- saved bytes ------------------------------------------------------------------------------


def _nbytes(value):
    import numpy as np

    if value is None:
        return 0
    if isinstance(value, np.ndarray):
        return value.nbytes
    data = getattr(value, "_data", None)
    if isinstance(data, np.ndarray):
        return data.nbytes
    data = getattr(value, "data", None)  # a custom Function's saved output
    if isinstance(data, np.ndarray):
        return data.nbytes
    if isinstance(value, (list, tuple)):
        return sum(_nbytes(v) for v in value)
    return 0


def saved_bytes(root):
    """Bytes of arrays that the nodes reachable from `root` (a chainrule grad_fn) still hold:
    saved inputs and outputs of built-in ops, saved tensors of custom Functions."""
    total = 0
    seen = {id(root)}
    stack = [root]
    while stack:
        node = stack.pop()
        total += _nbytes(getattr(node, "saved", None)) + _nbytes(getattr(node, "ans", None))
        ctx = getattr(node, "ctx", None)
        if ctx is not None:
            total += _nbytes(getattr(ctx, "_saved", None))
        for e in node.next_edges:
            if e is not None and id(e[0]) not in seen:
                seen.add(id(e[0]))
                stack.append(e[0])
    return total


if __name__ == "__main__":
    child(sys.argv[1], int(sys.argv[2]))
