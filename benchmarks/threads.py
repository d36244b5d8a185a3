"""One thread count for every library in the benchmark.

`before_imports(n)` must run before NumPy or PyTorch is imported: it sets OMP_NUM_THREADS,
OPENBLAS_NUM_THREADS, MKL_NUM_THREADS, ... (read by the BLAS libraries when they load).
`after_imports(n, torch)` then applies the same limit at run time with threadpoolctl when it is
installed (it covers NumPy's OpenBLAS and any OpenMP runtime already loaded) and calls
`torch.set_num_threads(n)` / `set_num_interop_threads(1)`.
"""

import os

_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS",
         "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS")

_limiter = None  # keeps threadpoolctl's limits in force


def before_imports(n):
    for var in _VARS:
        os.environ[var] = str(n)


def after_imports(n, torch=None):
    """Apply the limit; returns a description of what was set (for the report)."""
    global _limiter
    how = [f"{_VARS[0]}..={n}"]
    try:
        from threadpoolctl import threadpool_limits

        _limiter = threadpool_limits(limits=n)
        how.append("threadpoolctl")
    except ImportError:
        pass
    if torch is not None:
        torch.set_num_threads(n)
        try:
            torch.set_num_interop_threads(1)
        except RuntimeError:  # already set (or parallel work started)
            pass
        how.append(f"torch.set_num_threads({n})")
    return ", ".join(how)


def blas_info():
    """The BLAS NumPy uses and its thread count, as threadpoolctl reports them."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "unknown (threadpoolctl not installed)"
    parts = [f"{p.get('internal_api')} {p.get('version')} ({p.get('num_threads')} threads)"
             for p in threadpool_info() if p.get("user_api") == "blas"]
    return "; ".join(parts) or "unknown"
