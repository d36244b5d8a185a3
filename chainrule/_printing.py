"""Tensor repr matching PyTorch's ``torch/_tensor_str.py`` with default print options.

Only plain, dense CPU tensors of real (float / int / bool) dtypes are handled.
"""

import numpy as np

PRECISION = 4
THRESHOLD = 1000  # more elements than this -> summarize with "..."
EDGEITEMS = 3  # items kept at each end of a summarized dimension
LINEWIDTH = 80
PREFIX = "tensor("


def dtype_suffix_needed(np_dtype, default_float_np_dtype, empty=False) -> bool:
    """Whether repr must show ``dtype=...``.

    Non-empty tensors omit it for the default float dtype, int64 and bool. An empty
    tensor has no elements to hint at its dtype, so only the default float is omitted.
    """
    dt = np.dtype(np_dtype)
    if empty:
        return dt != np.dtype(default_float_np_dtype)
    return dt not in (np.dtype(default_float_np_dtype), np.dtype(np.int64), np.dtype(np.bool_))


class _Formatter:
    """Chooses one element width and float style for the whole tensor (torch's _Formatter)."""

    def __init__(self, data: np.ndarray):
        self.floating = data.dtype.kind == "f"
        self.int_mode = True  # every finite value is integral -> print as "3."
        self.sci_mode = False
        self.max_width = 1
        if not self.floating:
            self.max_width = max([1] + [len(str(v)) for v in data.ravel().tolist()])
            return
        # Style and width are decided by the nonzero finite values only; nan, inf and
        # zeros are then printed in that style and may even be wider than max_width.
        vals = data.ravel()
        vals = vals[np.isfinite(vals) & (vals != 0)]
        if vals.size == 0:
            return
        absvals = np.abs(vals).astype(np.float64)
        lo, hi = float(absvals.min()), float(absvals.max())
        self.int_mode = bool(np.all(vals == np.ceil(vals)))
        self.sci_mode = hi / lo > 1000.0 or hi > 1.0e8 or lo < 1.0e-4
        # float32 / float16 elements are formatted as Python floats (like .item()).
        pyvals = vals.tolist()
        if self.sci_mode:  # checked first: int_mode values may still print as 1.0000e+10
            self.max_width = max(len(f"{v:.{PRECISION}e}") for v in pyvals)
        elif self.int_mode:  # +1 for the trailing "."
            self.max_width = max(len(f"{v:.0f}") + 1 for v in pyvals)
        else:
            self.max_width = max(len(f"{v:.{PRECISION}f}") for v in pyvals)

    def format(self, value) -> str:
        if not self.floating:
            text = str(value)
        elif self.sci_mode:
            text = f"{value:{self.max_width}.{PRECISION}e}"
        elif self.int_mode:
            text = f"{value:.0f}"
            if np.isfinite(value):  # no "." after nan / inf
                text += "."
        else:
            text = f"{value:.{PRECISION}f}"
        return text.rjust(self.max_width)


def _summarized(data: np.ndarray) -> np.ndarray:
    """Only the elements that will actually be shown (torch's get_summarized_data)."""
    index = []
    for n in data.shape:
        if n > 2 * EDGEITEMS:
            index.append(list(range(EDGEITEMS)) + list(range(n - EDGEITEMS, n)))
        else:
            index.append(list(range(n)))
    return data[np.ix_(*index)]


def _vector_str(data, indent, summarize, fmt) -> str:
    # Each element occupies max_width plus ", "; wrapped lines align after the "[".
    per_line = max(1, (LINEWIDTH - indent) // (fmt.max_width + 2))
    if summarize and len(data) > 2 * EDGEITEMS:
        items = [fmt.format(v) for v in data[:EDGEITEMS].tolist()]
        items += [" ..."]  # counts as an element when wrapping lines
        items += [fmt.format(v) for v in data[-EDGEITEMS:].tolist()]
    else:
        items = [fmt.format(v) for v in data.tolist()]
    lines = [", ".join(items[i : i + per_line]) for i in range(0, len(items), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _tensor_str(data, indent, summarize, fmt) -> str:
    if data.ndim == 0:
        return fmt.format(data.item())
    if data.ndim == 1:
        return _vector_str(data, indent, summarize, fmt)
    n = data.shape[0]
    if summarize and n > 2 * EDGEITEMS:
        rows = list(range(EDGEITEMS)) + [None] + list(range(n - EDGEITEMS, n))
    else:
        rows = list(range(n))
    slices = [
        "..." if i is None else _tensor_str(data[i], indent + 1, summarize, fmt) for i in rows
    ]
    # Sub-tensors of a d-dim tensor are separated by d-1 newlines (blank lines for d >= 3).
    return "[" + ("," + "\n" * (data.ndim - 1) + " " * (indent + 1)).join(slices) + "]"


def _add_suffixes(text: str, suffixes) -> str:
    # torch's estimate of the last line's length is 2 more than the truth, so a suffix
    # whose line (with ")") would be exactly 80 chars still wraps. Replicated as is.
    last_line_len = len(text) - text.rfind("\n") + 1
    parts = [text]
    for suffix in suffixes:
        if last_line_len + len(suffix) + 2 > LINEWIDTH:
            parts.append(",\n" + " " * len(PREFIX) + suffix)
            last_line_len = len(PREFIX) + len(suffix)
        else:
            parts.append(", " + suffix)
            last_line_len += len(suffix) + 2
    return "".join(parts) + ")"


def format_tensor(data: np.ndarray, suffixes: list[str]) -> str:
    """Return what ``repr(t)`` prints for a CPU tensor ``t`` holding ``data``.

    ``suffixes`` are preformatted trailing pieces such as ``"dtype=torch.int32"`` or
    ``"grad_fn=<MulBackward0>"``; an empty non-1-d tensor gets ``size=...`` before them.
    """
    data = np.asarray(data)
    if data.size == 0:
        body = "[]"
        if data.ndim != 1:
            suffixes = ["size=" + str(tuple(data.shape))] + list(suffixes)
    else:
        summarize = data.size > THRESHOLD
        fmt = _Formatter(_summarized(data) if summarize else data)
        body = _tensor_str(data, len(PREFIX), summarize, fmt)
    return _add_suffixes(PREFIX + body, suffixes)
