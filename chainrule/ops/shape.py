"""Shape ops: reshape, view, transpose, permute, squeeze, unsqueeze, expand, sum_to, indexing,
cat, stack, flatten.

All of these are linear: each VJP reapplies the inverse movement to the gradient, and the JVP of
a linear op is the op itself applied to the tangent (`linear=True` below is that note).
"""

import numpy as np

from ._core import Op, apply, normalize_dim


def _shape_arg(shape):
    if len(shape) == 1 and not isinstance(shape[0], (int, np.integer)):
        shape = tuple(shape[0])
    return tuple(int(s) for s in shape)


def _infer_shape(name, shape, numel, src_shape):
    if shape.count(-1) > 1:
        raise RuntimeError(f"{name}: only one dimension can be inferred")
    known = 1
    for s in shape:
        if s != -1:
            if s < 0:
                raise RuntimeError(f"{name}: invalid shape dimension {s}")
            known *= s
    if -1 in shape:
        if known == 0 or numel % known:
            raise RuntimeError(
                f"{name}: shape '{list(shape)}' is invalid for input of size {numel}"
            )
        shape = tuple(numel // known if s == -1 else s for s in shape)
    elif known != numel:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel} "
                           f"(input shape {list(src_shape)})")
    return shape


def _reshape_forward(x, shape):
    return np.reshape(x, shape)


def _view_forward(x, shape):
    try:
        return np.reshape(x, shape, copy=False)
    except ValueError:
        raise RuntimeError(
            f"view size is not compatible with input tensor's size and stride (input shape "
            f"{list(x.shape)}, view shape {list(shape)}): at least one dimension spans across "
            "two contiguous subspaces. Use .reshape(...) instead."
        ) from None


def _reshape_vjp(g, ans, x, shape):
    return reshape(g, x.shape)


RESHAPE = Op("reshape", _reshape_forward, (_reshape_vjp,), view=True,
             backward_name="ViewBackward0")
VIEW = Op("view", _view_forward, (_reshape_vjp,), view=True)


def reshape(input, *shape):
    src = tuple(input.shape)
    shape = _infer_shape("reshape", _shape_arg(shape), int(np.prod(src)), src)
    return apply(RESHAPE, (input,), {"shape": shape})


def view(input, *shape):
    src = tuple(input.shape)
    shape = _infer_shape("view", _shape_arg(shape), int(np.prod(src)), src)
    return apply(VIEW, (input,), {"shape": shape})


def flatten(input, start_dim=0, end_dim=-1):
    shape = tuple(input.shape)
    if len(shape) == 0:
        return reshape(input, (1,))
    s, e = normalize_dim("flatten", start_dim, len(shape))[0], \
        normalize_dim("flatten", end_dim, len(shape))[0]
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    return reshape(input, shape[:s] + (int(np.prod(shape[s:e + 1])),) + shape[e + 1:])


def unflatten(input, dim, sizes):
    shape = tuple(input.shape)
    d = normalize_dim("unflatten", dim, len(shape))[0]
    return reshape(input, shape[:d] + tuple(sizes) + shape[d + 1:])


# --- transposes --------------------------------------------------------------------------------

TRANSPOSE = Op("transpose", lambda x, d0, d1: np.swapaxes(x, d0, d1),
               (lambda g, ans, x, d0, d1: transpose(g, d0, d1),), view=True)
PERMUTE = Op("permute", lambda x, dims: np.transpose(x, dims),
             (lambda g, ans, x, dims: permute(g, tuple(np.argsort(dims))),), view=True)


def transpose(input, dim0, dim1):
    nd = input.ndim
    d0 = normalize_dim("transpose", dim0, nd)
    d1 = normalize_dim("transpose", dim1, nd)
    if nd == 0:
        return permute(input, ())
    return apply(TRANSPOSE, (input,), {"d0": d0[0], "d1": d1[0]})


swapaxes = swapdims = transpose


def permute(input, *dims):
    dims = _shape_arg(dims) if dims else ()
    nd = input.ndim
    if len(dims) != nd:
        raise RuntimeError(
            f"permute(sparse_coo): number of dimensions in the tensor input does not match the "
            f"length of the desired ordering of dimensions i.e. input.dim() = {nd} is not equal "
            f"to len(dims) = {len(dims)}"
        )
    norm = tuple(normalize_dim("permute", d, nd)[0] for d in dims)
    if len(set(norm)) != len(norm):
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return apply(PERMUTE, (input,), {"dims": norm})


def t(input):
    if input.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {input.ndim}D")
    if input.ndim < 2:
        return permute(input, tuple(range(input.ndim)))
    return transpose(input, 0, 1)


def movedim(input, source, destination):
    nd = input.ndim
    src = (source,) if isinstance(source, int) else tuple(source)
    dst = (destination,) if isinstance(destination, int) else tuple(destination)
    src = [normalize_dim("movedim", s, nd)[0] for s in src]
    dst = [normalize_dim("movedim", d, nd)[0] for d in dst]
    order = [d for d in range(nd) if d not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    return permute(input, tuple(order))


# --- squeeze / unsqueeze / expand ---------------------------------------------------------------

UNSQUEEZE = Op("unsqueeze", lambda x, dim: np.expand_dims(x, dim),
               (lambda g, ans, x, dim: reshape(g, x.shape),), view=True)
SQUEEZE = Op("squeeze", lambda x, dims: np.squeeze(x, dims),
             (lambda g, ans, x, dims: reshape(g, x.shape),), view=True)


def unsqueeze(input, dim):
    nd = input.ndim + 1
    if not -nd <= dim < nd:
        raise IndexError(
            f"unsqueeze: Dimension out of range (expected to be in range of [{-nd}, {nd - 1}], "
            f"but got {dim})"
        )
    return apply(UNSQUEEZE, (input,), {"dim": dim % nd})


def squeeze(input, dim=None):
    shape = input.shape
    dims = normalize_dim("squeeze", dim, len(shape))
    dims = tuple(d for d in dims if shape[d] == 1)
    return apply(SQUEEZE, (input,), {"dims": dims})


def _expand_forward(x, shape):
    return np.broadcast_to(x, shape)


EXPAND = Op("expand", _expand_forward, (lambda g, ans, x, shape: sum_to(g, x.shape),), view=True)


def expand(input, *sizes):
    sizes = _shape_arg(sizes)
    src = tuple(input.shape)
    if len(sizes) < len(src):
        raise RuntimeError(
            f"expand: the number of sizes provided ({len(sizes)}) must be greater or equal to "
            f"the number of dimensions in the tensor ({len(src)})"
        )
    lead = len(sizes) - len(src)
    out = []
    for i, s in enumerate(sizes):
        if i < lead:
            if s < 0:
                raise RuntimeError(f"expand: -1 is not allowed in a leading, non-existing "
                                   f"dimension {i}")
            out.append(s)
            continue
        have = src[i - lead]
        if s == -1:
            s = have
        if have != s and have != 1:
            raise RuntimeError(
                f"The expanded size of the tensor ({s}) must match the existing size ({have}) at "
                f"non-singleton dimension {i}.  Target sizes: {list(sizes)}.  Tensor sizes: "
                f"{list(src)}"
            )
        out.append(s)
    return apply(EXPAND, (input,), {"shape": tuple(out)})


def expand_as(input, other):
    return expand(input, tuple(other.shape))


def broadcast_to(input, shape):
    return expand(input, tuple(shape))


def _sum_to_forward(x, shape):
    """Sum a broadcast array down to `shape`: leading dims, and dims that are 1 in `shape`."""
    lead = x.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(
        i + lead for i, s in enumerate(shape) if s == 1 and x.shape[i + lead] != 1
    )
    out = x.sum(axis=axes, keepdims=True) if axes else x
    return out.reshape(shape)


SUM_TO = Op("sum_to", _sum_to_forward, (lambda g, ans, x, shape: expand(g, x.shape),),
            backward_name="SumToBackward0")


def sum_to(input, shape):
    """Sum `input` down to `shape` (the inverse of broadcasting); used by the engine."""
    return apply(SUM_TO, (input,), {"shape": tuple(shape)})


# --- indexing ----------------------------------------------------------------------------------

def _index_key(idx):
    """Tensors inside an index become arrays; the result says whether the index is basic."""
    if not isinstance(idx, tuple):
        idx = (idx,)
    out = []
    basic = True
    for i in idx:
        if hasattr(i, "_data"):
            i = i._data
        if isinstance(i, list):
            i = np.asarray(i)
        if isinstance(i, np.ndarray):
            if i.ndim == 0 and i.dtype.kind in "iu":
                i = int(i)
            else:
                basic = False
        elif not (i is None or i is Ellipsis or isinstance(i, (int, slice, np.integer))):
            if isinstance(i, (float, str)):
                raise IndexError(
                    "only integers, slices (`:`), ellipsis (`...`), None and long or byte "
                    f"Variables are valid indices (got {type(i).__name__})"
                )
        out.append(i)
    return tuple(out), basic


def _getitem_forward(x, key):
    try:
        return x[key]
    except IndexError as e:
        raise IndexError(f"index {key} is out of bounds for a tensor of shape {list(x.shape)} "
                         f"({e})") from None


def _index_backward_forward(g, shape, key):
    out = np.zeros(shape, dtype=g.dtype)
    np.add.at(out, key, g)
    return out


GETITEM = Op("getitem", _getitem_forward, (lambda g, ans, x, key: index_backward(g, x.shape, key),),
             view=True, backward_name="SliceBackward0")
GATHER_INDEX = Op("index", _getitem_forward,
                  (lambda g, ans, x, key: index_backward(g, x.shape, key),),
                  backward_name="IndexBackward0")
INDEX_BACKWARD = Op("index_backward", _index_backward_forward,
                    (lambda g, ans, x, shape, key: getitem(g, key), None, None),
                    backward_name="IndexPutBackward0")


def getitem(input, idx):
    key, basic = _index_key(idx)
    if basic:
        if Ellipsis not in key:
            key = key + (Ellipsis,)  # so that x[0] is a 0-d view, not a NumPy scalar copy
        return apply(GETITEM, (input,), {"key": key})
    return apply(GATHER_INDEX, (input,), {"key": key})


def index_backward(g, shape, key):
    """A zero array of `shape` with `g` added at `key` (repeated indices add up)."""
    return apply(INDEX_BACKWARD, (g, tuple(shape), key), {})


def _index_put_forward(x, v, key):
    out = x.copy()
    out[key] = v
    return out


INDEX_PUT = Op(
    "index_put", _index_put_forward,
    (lambda g, ans, x, v, key: index_put(g, 0.0, key),
     lambda g, ans, x, v, key: sum_to(getitem(g, key), v.shape)),
    backward_name="IndexPutBackward0",
)


def index_put(input, value, key):
    """A copy of `input` with `value` written at `key`; used by `tensor[key] = value`."""
    if not isinstance(key, tuple) or not _is_normalized(key):
        key, _ = _index_key(key)
    return apply(INDEX_PUT, (input, value), {"key": key})


def _is_normalized(key):
    return not any(hasattr(i, "_data") or isinstance(i, list) for i in key)


# --- joining -----------------------------------------------------------------------------------

def _cat_forward(*xs, dim):
    try:
        return np.concatenate(xs, axis=dim)
    except ValueError:
        shapes = ", ".join(str(list(np.shape(x))) for x in xs)
        raise RuntimeError(
            f"cat: sizes of tensors must match except in dimension {dim} (got shapes {shapes})"
        ) from None


def _cat_rule(i):
    def rule(g, ans, *xs, dim):
        start = sum(x.shape[dim] for x in xs[:i])
        idx = (slice(None),) * dim + (slice(start, start + xs[i].shape[dim]),)
        return getitem(g, idx)

    return rule


_CAT_OPS = {}


def _cat_op(n):
    op = _CAT_OPS.get(n)
    if op is None:
        op = _CAT_OPS[n] = Op("cat", _cat_forward, tuple(_cat_rule(i) for i in range(n)))
    return op


def cat(tensors, dim=0):
    """Concatenate tensors along an existing dimension."""
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError("cat(): expected a non-empty list of Tensors")
    nd = max(t.ndim for t in tensors)
    tensors = [t for t in tensors if not (t.ndim == 1 and t.shape[0] == 0)] or tensors[:1]
    d = normalize_dim("cat", dim, nd)[0] if nd else 0
    return apply(_cat_op(len(tensors)), tuple(tensors), {"dim": d})


concat = concatenate = cat


def stack(tensors, dim=0):
    """Stack tensors of the same shape along a new dimension."""
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    shape = tuple(tensors[0].shape)
    for i, t_ in enumerate(tensors):
        if tuple(t_.shape) != shape:
            raise RuntimeError(
                f"stack expects each tensor to be equal size, but got {list(shape)} at entry 0 "
                f"and {list(t_.shape)} at entry {i}"
            )
    nd = len(shape) + 1
    if not -nd <= dim < nd:
        raise IndexError(f"stack: Dimension out of range (expected to be in range of [{-nd}, "
                         f"{nd - 1}], but got {dim})")
    return cat([unsqueeze(t_, dim % nd) for t_ in tensors], dim % nd)


def _nonzero(x):
    return np.stack(np.nonzero(x), axis=-1).astype(np.int64)


NONZERO = Op("nonzero", _nonzero)


def nonzero(input, *, as_tuple=False):
    out = apply(NONZERO, (input,), {})
    if as_tuple:
        return tuple(out[:, i] for i in range(out.shape[1]))
    return out
