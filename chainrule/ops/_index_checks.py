"""Argument checks of the index ops (indexing.py), with PyTorch's error types and messages.

They run before an op does anything, so a bad call changes no state. Each PyTorch op words its
errors its own way (gather and scatter take int32 indices, index_copy and take want int64, and
so on); the tables below follow PyTorch 2.13.
"""

import numpy as np

from .._tensor import Tensor
from ._core import normalize_dim

TORCH_NAMES = {"int64": "Long", "int32": "Int", "float32": "Float", "float64": "Double",
               "bool": "Bool", "uint8": "Byte", "int16": "Short", "int8": "Char",
               "float16": "Half"}

# op -> (int64 only?, error type, message); {got} is the index dtype's PyTorch name
_INDEX_DTYPE = {
    "gather": (False, RuntimeError, "gather(): Expected dtype int32/int64 for index"),
    "scatter": (False, RuntimeError, "scatter(): Expected dtype int32/int64 for index"),
    "index_select": (False, RuntimeError,
                     "index_select(): Expected dtype int32 or int64 for index"),
    "index_add": (False, RuntimeError,
                  "index_add_(): Expected dtype int32/int64 for index but got: {got}"),
    "index_copy": (True, RuntimeError,
                   "index_copy_(): Expected a long tensor for index, but got {got}"),
    "index_fill": (True, IndexError, "index_fill_(): Expected dtype int64 for index."),
    "take": (True, RuntimeError, "take(): Expected a long tensor for index, but got {got}"),
    "put": (True, RuntimeError, "put_(): Expected a long tensor for index, but got {got}"),
    "take_along_dim": (True, RuntimeError,
                       "torch.take_along_dim(): dtype of indices should be Long but got {got}"),
}

# op -> (negative indices allowed?, error type, message) for an index out of range
_OUT_OF_RANGE = {
    "scatter": (False, RuntimeError, "index {v} is out of bounds for dimension {d} with size {n}"),
    "index_select": (False, IndexError, "index out of range in self"),
    "index_add": (False, RuntimeError,
                  "index {v} is out of bounds for dimension {d} with size {n}"),
    "index_copy": (False, IndexError,
                   "index_copy_(): index {v} is out of bounds for dimension {d} with size {n}"),
    "index_fill": (True, IndexError, "index {v} is out of bounds for dimension {d} with size {n}"),
    "take": (True, IndexError, ("out of range: tried to access index {v} on a tensor of {n} "
                               "elements.")),
}


def raw(a):
    return a._data if isinstance(a, Tensor) else np.asarray(a)


def is_tensor(a):
    """A tensor or an array (the in-place methods pass arrays when nothing records)."""
    return isinstance(a, (Tensor, np.ndarray))


def values(a):
    """The values of an index or mask, or None inside vmap when it is batched (its values are
    not readable there: the value checks are skipped, the op's own kernel still checks)."""
    data = a._data if isinstance(a, Tensor) else np.asarray(a)
    return data if isinstance(data, np.ndarray) else None


def dtype_of(a):
    return a._data.dtype if isinstance(a, Tensor) else np.asarray(a).dtype


def torch_name(dtype):
    return TORCH_NAMES.get(np.dtype(dtype).name, str(dtype))


def index_dtype(op, index):
    int64_only, error, message = _INDEX_DTYPE[op]
    dt = dtype_of(index)
    if dt.kind not in "iu" or dt not in (np.int64, np.int32) or int64_only and dt != np.int64:
        raise error(message.format(got=torch_name(dt)))


def in_range(op, index, size, dim=0):
    """The first index (C order) outside [0, size) (or [-size, size) where the op allows
    negative indices) raises the op's error."""
    negative_ok, error, message = _OUT_OF_RANGE[op]
    idx = values(index)
    if idx is None or not idx.size:
        return
    bad = (idx < -size if negative_ok else idx < 0) | (idx >= size)
    if bad.any():
        v = idx.reshape(-1)[np.flatnonzero(bad.reshape(-1))[0]]
        raise error(message.format(v=int(v), d=dim, n=size))


def dim(op, d, ndim):
    """A dim made non-negative (a 0-d tensor has dims 0 and -1, as in PyTorch)."""
    norm = normalize_dim(op, d, ndim)
    return norm[0] if norm else 0


def gather_like(op, input, index, d, src=None):
    """gather / scatter / scatter_add / scatter_reduce: index dtype, ndim, sizes, range."""
    kind = "gather" if op == "gather" else "scatter"
    index_dtype(kind, index)
    nd = input.ndim
    d = dim(op, d, nd)
    if is_tensor(src):
        dim(op, d, src.ndim)  # PyTorch checks the dim against src too
    size = numel(index)
    if index.ndim != nd and size and not (nd == 0 and index.ndim <= 1):
        raise RuntimeError(f"Index tensor must have the same number of dimensions as "
                           f"{'input' if op == 'gather' else 'self'} tensor")
    ishape, xshape = tuple(index.shape), tuple(input.shape)
    if size and index.ndim == nd:
        over_self = next((k for k in range(nd) if k != d and ishape[k] > xshape[k]), None)
        if over_self is not None and op == "gather":
            raise RuntimeError(
                f"Size does not match at dimension {over_self} expected index {list(ishape)} to "
                f"be no larger than self {list(xshape)} apart from dimension {d}")
        over_src = is_tensor(src) and any(
            k < src.ndim and ishape[k] > src.shape[k] for k in range(nd))
        if over_self is not None or over_src:
            raise RuntimeError(
                f"Expected index {list(ishape)} to be no larger than self {list(xshape)} apart "
                f"from dimension {d}" + (f" and to be no larger size than src {list(src.shape)}"
                                         if is_tensor(src) else ""))
    in_range("scatter", index, xshape[d] if nd else 1, d)
    if is_tensor(src) and op != "gather" and dtype_of(src) != dtype_of(input):
        raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
    return d


def index_select(input, d, index):
    index_dtype("index_select", index)
    d = dim("index_select", d, input.ndim)
    if index.ndim > 1:
        raise IndexError("index_select(): Index is supposed to be a vector")
    in_range("index_select", index, input.shape[d] if input.ndim else 1, d)
    return d


def index_add(input, d, index, source):
    index_dtype("index_add", index)
    d = dim("index_add", d, input.ndim)
    n = numel(index)
    if index.ndim > 1:
        raise IndexError(
            f"index_add_(): Index is supposed to be a vector, but got dim: {index.ndim} with "
            f"type: {torch_name(dtype_of(index))} and size: {list(index.shape)}")
    src_len = source.shape[d] if source.ndim > d else 1
    if n != src_len:
        raise RuntimeError(
            f"index_add_(): Number of indices ({n}) should be equal to source.size(dim): "
            f"({src_len}), for dim: {d}")
    _same_slices(input, d, source, lambda: RuntimeError(
        f"source tensor shape must match self tensor shape, excluding the specified dimension. "
        f"Got self.shape = {list(input.shape)} source.shape = {list(source.shape)}"))
    if dtype_of(source) != dtype_of(input):
        raise RuntimeError(f"index_add_(): self ({torch_name(dtype_of(input))}) and source "
                           f"({torch_name(dtype_of(source))}) must have the same scalar type")
    in_range("index_add", index, input.shape[d] if input.ndim else 1, d)
    return d


def index_copy(input, d, index, source):
    index_dtype("index_copy", index)
    d = dim("index_copy", d, input.ndim)
    n = numel(index)
    if index.ndim > 1:
        raise IndexError(f"index_copy_(): Index should have dimension 1 or 0 (got {index.ndim})")
    if source.ndim != input.ndim and source.ndim and input.ndim:
        raise IndexError(
            f"index_copy_(): When source and destination are not scalars, their dimensionality "
            f"must match. Source dimensionality ({source.ndim}), destination dimensionality "
            f"({input.ndim})")
    src_len = source.shape[d] if source.ndim else 1
    if n != src_len:
        raise IndexError(f"index_copy_(): Number of indices ({n}) should be equal to "
                         f"source.size(dim) ({src_len})")

    def slice_error():
        rest_x = " ".join(str(n) for k, n in enumerate(input.shape) if k != d)
        rest_s = " ".join(str(n) for k, n in enumerate(source.shape) if k != d)
        return RuntimeError(
            f"index_copy_(): Source/destination tensor must have same slice shapes. Destination "
            f"slice shape: {rest_x} at dimension {d} and source slice shape: {rest_s} at "
            f"dimension {d}.")

    _same_slices(input, d, source, slice_error)
    if dtype_of(source) != dtype_of(input):
        raise RuntimeError(
            f"index_copy_(): self and source expected to have the same dtype, but got (self) "
            f"{torch_name(dtype_of(input))} and (source) {torch_name(dtype_of(source))}")
    in_range("index_copy", index, input.shape[d] if input.ndim else 1, d)
    return d


def index_fill(input, d, index):
    index_dtype("index_fill", index)
    d = dim("index_fill", d, input.ndim)
    if index.ndim > 1:
        raise RuntimeError("Index has to be a vector/scalar")
    in_range("index_fill", index, input.shape[d] if input.ndim else 1, d)
    return d


def _same_slices(input, d, source, error):
    xs = [n for k, n in enumerate(input.shape) if k != d]
    ss = [n for k, n in enumerate(source.shape) if k != d]
    if input.ndim and source.ndim and xs != ss:
        raise error()


def broadcast_pair(a, b):
    """PyTorch's message for two shapes that do not broadcast (a RuntimeError)."""
    for i in range(1, min(len(a), len(b)) + 1):
        if a[-i] != b[-i] and a[-i] != 1 and b[-i] != 1:
            raise RuntimeError(
                f"The size of tensor a ({a[-i]}) must match the size of tensor b ({b[-i]}) at "
                f"non-singleton dimension {max(len(a), len(b)) - i}"
            )


def mask(op, input, m):
    """masked_select / masked_scatter: a bool mask broadcastable with input; the shape."""
    if dtype_of(m) != np.bool_:
        if op == "masked_select":
            raise RuntimeError("masked_select: expected BoolTensor for mask")
        raise RuntimeError(f"masked_scatter_ only supports boolean masks, but got mask with "
                           f"dtype {torch_name(dtype_of(m))}")
    broadcast_pair(tuple(m.shape), tuple(input.shape))
    return np.broadcast_shapes(tuple(input.shape), tuple(m.shape))


def numel(t):
    return int(np.prod(tuple(t.shape), dtype=np.int64))


def put(input, index, source):
    index_dtype("put", index)
    if numel(index) != numel(source):
        raise IndexError(
            f"put_(): Expected source and index to have the same number of elements, but got "
            f"source.numel() = {numel(source)}, index.numel() = {numel(index)}")
    if dtype_of(source) != dtype_of(input):
        raise RuntimeError(
            f"put_(): self and source expected to have the same dtype, but got self.dtype = "
            f"{torch_name(dtype_of(input))} and source.dtype = {torch_name(dtype_of(source))}")
    in_range("take", index, numel(input))
