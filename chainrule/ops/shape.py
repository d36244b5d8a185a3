"""Shape ops: reshape, view, transpose, permute, squeeze, unsqueeze, expand, sum_to, indexing,
cat, stack, flatten.

All of these are linear: each VJP reapplies the inverse movement to the gradient, and the JVP of
a linear op is the op itself applied to the tangent (`linear=True` below is that note).
"""

import functools

import numpy as np

from .._dtype import promote_types
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
# reshape of a non-contiguous tensor: a view when the strides allow one (PyTorch's
# ReshapeAliasBackward0), else a copy (a new tensor, not a view: UnsafeViewBackward0)
RESHAPE_ALIAS = Op("reshape", _reshape_forward, (_reshape_vjp,), view=True,
                   backward_name="ReshapeAliasBackward0")
RESHAPE_COPY = Op("reshape", _reshape_forward, (_reshape_vjp,),
                  backward_name="UnsafeViewBackward0")


def reshape(input, *shape):
    src = tuple(input.shape)
    shape = _infer_shape("reshape", _shape_arg(shape), int(np.prod(src)), src)
    data = getattr(input, "_data", input)
    op = RESHAPE
    if not data.flags.c_contiguous:
        try:
            np.reshape(data, shape, copy=False)
            op = RESHAPE_ALIAS
        except ValueError:
            op = RESHAPE_COPY
    return apply(op, (input,), {"shape": shape})


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
    if s == e:  # nothing to merge: PyTorch returns the input itself
        return input
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


T = Op("t", lambda x: x.T, (lambda g, ans, x: t(g),), view=True)


def t(input):
    """The transpose of a matrix; 0-d and 1-d tensors come back as they are (as views)."""
    if input.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {input.ndim}D")
    return apply(T, (input,), {})


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
SQUEEZE_DIM = Op("squeeze", SQUEEZE.forward, SQUEEZE.vjps, view=True,
                 backward_name="SqueezeBackward1")
SQUEEZE_DIMS = Op("squeeze", SQUEEZE.forward, SQUEEZE.vjps, view=True,
                  backward_name="SqueezeBackward2")


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
    op = SQUEEZE if dim is None else SQUEEZE_DIMS if isinstance(dim, (tuple, list)) else \
        SQUEEZE_DIM
    return apply(op, (input,), {"dims": dims})


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
            i = np.asarray(i) if i else np.zeros(0, dtype=np.int64)  # [] selects nothing
        if isinstance(i, np.ndarray):
            if i.ndim == 0 and i.dtype.kind in "iu":
                i = int(i)
            else:
                basic = False
                if i.dtype == np.uint8:  # PyTorch reads a uint8 index as a mask
                    i = i.astype(bool)
        elif isinstance(i, slice) and i.step is not None and i.step <= 0:
            raise ValueError("step must be greater than zero")
        elif isinstance(i, str):
            raise TypeError(f"new(): invalid data type '{type(i).__name__}'")
        elif isinstance(i, float):
            raise IndexError(
                "only integers, slices (`:`), ellipsis (`...`), None and long or byte "
                f"Variables are valid indices (got {type(i).__name__})"
            )
        out.append(i)
    if not basic and any(i is None or isinstance(i, (int, np.integer)) for i in out):
        return _Split(out), basic
    return tuple(out), basic


class _Split:
    """An advanced index with ints (or None) in it, applied in PyTorch's two steps: the ints and
    Nones first (a view), then the arrays. NumPy would treat the ints as advanced indices, and
    `x[0, :, [1, 2]]` would put the indexed dimension first (PyTorch keeps it in place)."""

    __slots__ = ("first", "then")

    def __init__(self, items):
        first, then = [], []
        for i in items:
            if i is None:
                first.append(None)
                then.append(slice(None))
            elif isinstance(i, (int, np.integer)) and not isinstance(i, bool):
                first.append(i)
            elif isinstance(i, np.ndarray):
                first.extend([slice(None)] * (i.ndim if i.dtype == np.bool_ else 1))
                then.append(i)
            else:  # a slice, Ellipsis or a bool scalar
                first.append(i)
                then.append(slice(None) if isinstance(i, slice) else i)
        self.first, self.then = tuple(first), tuple(then)

    def __repr__(self):
        return f"{self.first} then {self.then}"


def take(x, key):
    """x[key] for an array x and a key from _index_key."""
    if key.__class__ is _Split:
        return x[key.first][key.then]
    return x[key]


def put(x, key, value):
    """x[key] = value (in place) for an array x and a key from _index_key."""
    if key.__class__ is _Split:
        x[key.first][key.then] = value
    else:
        x[key] = value


def _add_at(out, key, g):
    if key.__class__ is _Split:
        np.add.at(out[key.first], key.then, g)
    else:
        np.add.at(out, key, g)


def _getitem_forward(x, key):
    try:
        return take(x, key)
    except IndexError as e:
        raise IndexError(f"index {key} is out of bounds for a tensor of shape {list(x.shape)} "
                         f"({e})") from None


def _index_backward_forward(g, shape, key):
    out = np.zeros(shape, dtype=g.dtype)
    _add_at(out, key, g)
    return out


# basic indexing is one view op; PyTorch names its node after the last step it takes
_GETITEM_RULES = (lambda g, ans, x, key: index_backward(g, x.shape, key),)
GETITEM = Op("getitem", _getitem_forward, _GETITEM_RULES, view=True,
             backward_name="SliceBackward0")
SELECT = Op("select", _getitem_forward, _GETITEM_RULES, view=True)
UNSQUEEZE_INDEX = Op("unsqueeze", _getitem_forward, _GETITEM_RULES, view=True)
ALIAS = Op("alias", _getitem_forward, _GETITEM_RULES, view=True)
GATHER_INDEX = Op("index", _getitem_forward,
                  (lambda g, ans, x, key: index_backward(g, x.shape, key),),
                  backward_name="IndexBackward0")
INDEX_BACKWARD = Op("index_backward", _index_backward_forward,
                    (lambda g, ans, x, shape, key: getitem(g, key), None, None),
                    backward_name="IndexPutBackward0")


def getitem(input, idx):
    if idx.__class__ is _Split:
        return apply(GATHER_INDEX, (input,), {"key": idx})
    key, basic = _index_key(idx)
    if basic:
        op = _basic_index_op(key, isinstance(idx, tuple), input.shape)
        if Ellipsis not in key:
            key = key + (Ellipsis,)  # so that x[0] is a 0-d view, not a NumPy scalar copy
        return apply(op, (input,), {"key": key})
    return apply(GATHER_INDEX, (input,), {"key": key})


def _basic_index_op(key, is_tuple, shape):
    """The op (for its node's name) of basic indexing: PyTorch applies select for an int,
    unsqueeze for None and slice for a slice (skipping full slices inside a tuple), in order;
    the last one names the node, and AliasBackward0 when none applies."""
    if not is_tuple:
        item = key[0]
        if item is None:
            return UNSQUEEZE_INDEX
        if isinstance(item, bool):
            return GATHER_INDEX
        if isinstance(item, (int, np.integer)):
            return SELECT
        return ALIAS if item is Ellipsis else GETITEM  # a lone slice, even `:`, is a slice
    op = ALIAS
    consumed = sum(1 for i in key if i is not None and i is not Ellipsis)
    dim = 0
    for i in key:
        if i is None:
            op = UNSQUEEZE_INDEX
        elif i is Ellipsis:
            dim += len(shape) - consumed
        elif isinstance(i, slice):
            if dim < len(shape) and i.indices(shape[dim]) != (0, shape[dim], 1):
                op = GETITEM
            dim += 1
        elif isinstance(i, bool):
            op = GATHER_INDEX
        else:
            op = SELECT
    return op


def index_backward(g, shape, key):
    """A zero array of `shape` with `g` added at `key` (repeated indices add up)."""
    return apply(INDEX_BACKWARD, (g, tuple(shape), key), {})


def _index_put_forward(x, v, key):
    out = x.copy()
    target = take(out, key)
    vshape = _drop_leading_ones(np.shape(v), target.ndim)
    # the value must broadcast to the indexed shape (after dropping leading 1s, as PyTorch does)
    if len(vshape) > target.ndim or np.broadcast_shapes(vshape, target.shape) != target.shape:
        raise RuntimeError(
            f"index_put: shape mismatch: value tensor of shape {list(np.shape(v))} cannot be "
            f"broadcast to indexing result of shape {list(target.shape)}"
        )
    put(out, key, v)
    return out


def _drop_leading_ones(shape, ndim):
    while len(shape) > ndim and shape[0] == 1:
        shape = shape[1:]
    return shape


def _index_put_vjp_value(g, ans, x, v, key):
    picked = getitem(g, key)
    shape = _drop_leading_ones(v.shape, picked.ndim)
    grad = sum_to(picked, shape)
    return grad if shape == v.shape else reshape(grad, v.shape)


def _index_put_check(x, v, key):
    try:
        return _index_put_forward(x, v, key)
    except ValueError:  # np.broadcast_shapes
        raise RuntimeError(
            f"index_put: shape mismatch: value tensor of shape {list(np.shape(v))} cannot be "
            f"broadcast to indexing result of shape {list(take(x, key).shape)}"
        ) from None


INDEX_PUT = Op(
    "index_put", _index_put_check,
    (lambda g, ans, x, v, key: index_put(g, 0.0, key), _index_put_vjp_value),
    backward_name="IndexPutBackward0",
)
# PyTorch records a write through basic indexing (t[0] = v, t[1:] = v) as CopySlices
COPY_SLICES = Op("index_put", _index_put_check, INDEX_PUT.vjps,
                 backward_name="torch::autograd::CopySlices")
# writing into an integer or bool tensor: the result cannot carry a gradient
INDEX_PUT_NONDIFF = Op("index_put", _index_put_check)


def index_put(input, value, key):
    """A copy of `input` with `value` written at `key`; used by `tensor[key] = value`."""
    if key.__class__ is not _Split and (not isinstance(key, tuple) or not _is_normalized(key)):
        key, _ = _index_key(key)
    if getattr(input, "_data", input).dtype.kind != "f":
        op = INDEX_PUT_NONDIFF
    elif key.__class__ is not _Split and any(isinstance(i, np.ndarray) for i in key) and \
            not _slices_first(key, getattr(input, "shape", ())):
        op = INDEX_PUT
    else:
        op = COPY_SLICES
    return apply(op, (input, value), {"key": key})


def _slices_first(key, shape):
    """Whether an advanced index also slices (PyTorch then writes into a view: CopySlices)."""
    used = sum(i.ndim if isinstance(i, np.ndarray) and i.dtype == np.bool_ else 1
               for i in key if i is not None and i is not Ellipsis)
    dim = 0
    for i in key:
        if i is Ellipsis:
            dim += len(shape) - used
        elif isinstance(i, slice):
            if dim < len(shape) and i.indices(shape[dim]) != (0, shape[dim], 1):
                return True
            dim += 1
        else:
            dim += i.ndim if isinstance(i, np.ndarray) and i.dtype == np.bool_ else 1
    return False


def _is_normalized(key):
    return not any(hasattr(i, "_data") or isinstance(i, list) for i in key)


# --- joining -----------------------------------------------------------------------------------

def _is_legacy_empty(x):
    """A 1-d tensor of size 0: PyTorch's cat skips it whatever the other shapes are."""
    return x.ndim == 1 and x.shape[0] == 0


def _cat_forward(*xs, dim):
    dtype = functools.reduce(promote_types, [x.dtype for x in xs])
    kept = [x for x in xs if not _is_legacy_empty(x)] or xs[:1]
    try:
        return np.concatenate(kept, axis=dim, dtype=dtype)
    except ValueError:
        shapes = ", ".join(str(list(np.shape(x))) for x in xs)
        raise RuntimeError(
            f"cat: sizes of tensors must match except in dimension {dim} (got shapes {shapes})"
        ) from None


def _cat_rule(i):
    def rule(g, ans, *xs, dim):
        if _is_legacy_empty(xs[i]) and g.ndim != 1:
            return getitem(reshape(g, (-1,)), slice(0, 0))  # a skipped input: an empty gradient
        start = sum(x.shape[dim] for x in xs[:i] if not _is_legacy_empty(x))
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
        raise ValueError("cat(): expected a non-empty list of Tensors")
    for i, t_ in enumerate(tensors):
        if t_.ndim == 0:
            raise RuntimeError(f"cat: zero-dimensional tensor (at position {i}) cannot be "
                               "concatenated")
    nd = max(t.ndim for t in tensors)
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
    return apply(_stack_op(len(tensors)), tuple(tensors), {"dim": dim % nd})


def _stack_forward(*xs, dim):
    dtype = functools.reduce(promote_types, [x.dtype for x in xs])
    return np.stack(xs, axis=dim, dtype=dtype)


def _stack_rule(i):
    def rule(g, ans, *xs, dim):
        return getitem(g, (slice(None),) * dim + (i,))

    return rule


_STACK_OPS = {}


def _stack_op(n):
    op = _STACK_OPS.get(n)
    if op is None:
        op = _STACK_OPS[n] = Op("stack", _stack_forward, tuple(_stack_rule(i) for i in range(n)))
    return op


def _nonzero(x):
    return np.stack(np.nonzero(x), axis=-1).astype(np.int64)


NONZERO = Op("nonzero", _nonzero)


def nonzero(input, *, as_tuple=False):
    out = apply(NONZERO, (input,), {})
    if as_tuple:
        return tuple(out[:, i] for i in range(out.shape[1]))
    return out
