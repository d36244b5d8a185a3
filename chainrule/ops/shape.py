"""Shape ops: reshape, view, transpose, permute, squeeze, unsqueeze, expand, sum_to, cat,
stack, flatten (Python indexing, `x[key]` and `x[key] = v`, is in subscript.py).

All of these are linear: each VJP reapplies the inverse movement to the gradient, and the JVP is
the op itself applied to the tangent (`jvp=linear_jvp`). Each op also has a vmap batching rule
(`batch=`), built with the helpers of ops/_batching.py.
"""

import functools
import math

import numpy as np

from .._dtype import promote_types

# the batching-rule helpers live in _batching.py; imported here for the shape and index modules
from ._batching import batch_size, batched_front, shifted, trailing  # noqa: F401
from ._batching import move_to_front as front
from ._core import Op, apply, linear_jvp, normalize_dim


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


def _batch_reshape(op, args, bdims, params):
    x = front(args[0], bdims[0])
    return reshape(x, (next(iter(x.shape)), *params["shape"])), 0


_RESHAPE = {"jvp": linear_jvp, "batch": _batch_reshape}
RESHAPE = Op("reshape", _reshape_forward, (_reshape_vjp,), view=True,
             backward_name="ViewBackward0", **_RESHAPE)
VIEW = Op("view", _view_forward, (_reshape_vjp,), view=True, **_RESHAPE)
# reshape of a non-contiguous tensor: a view when the strides allow one (PyTorch's
# ReshapeAliasBackward0), else a copy (a new tensor, not a view: UnsafeViewBackward0)
RESHAPE_ALIAS = Op("reshape", _reshape_forward, (_reshape_vjp,), view=True,
                   backward_name="ReshapeAliasBackward0", **_RESHAPE)
RESHAPE_COPY = Op("reshape", _reshape_forward, (_reshape_vjp,),
                  backward_name="UnsafeViewBackward0", **_RESHAPE)


def reshape(input, *shape):
    src = tuple(input.shape)
    shape = _infer_shape("reshape", _shape_arg(shape), math.prod(src), src)
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
    shape = _infer_shape("view", _shape_arg(shape), math.prod(src), src)
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

def _batch_permute(op, args, bdims, params):
    dims = (0, *(d + 1 for d in params["dims"]))
    return apply(op, (front(args[0], bdims[0]),), {"dims": dims}), 0


TRANSPOSE = Op("transpose", lambda x, d0, d1: np.swapaxes(x, d0, d1),
               (lambda g, ans, x, d0, d1: transpose(g, d0, d1),), view=True,
               jvp=linear_jvp, batch=shifted("d0", "d1"))
PERMUTE = Op("permute", lambda x, dims: np.transpose(x, dims),
             (lambda g, ans, x, dims: permute(g, tuple(np.argsort(dims))),), view=True,
             jvp=linear_jvp, batch=_batch_permute)


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


def _batch_t(op, args, bdims, params):
    x = front(args[0], bdims[0])
    if len(x.shape) < 3:  # t() of a 0-d or 1-d tensor is the tensor itself
        return apply(PERMUTE, (x,), {"dims": tuple(range(len(x.shape)))}), 0
    return apply(TRANSPOSE, (x,), {"d0": 1, "d1": 2}), 0


T = Op("t", lambda x: x.T, (lambda g, ans, x: t(g),), view=True, jvp=linear_jvp, batch=_batch_t)


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


moveaxis = movedim


def ravel(input):
    """The tensor flattened to 1-d (a view when its memory allows one, else a copy)."""
    return reshape(input, (-1,))


# --- squeeze / unsqueeze / expand ---------------------------------------------------------------

UNSQUEEZE = Op("unsqueeze", lambda x, dim: np.expand_dims(x, dim),
               (lambda g, ans, x, dim: reshape(g, x.shape),), view=True, jvp=linear_jvp,
               batch=shifted("dim"))
_SQUEEZE = {"view": True, "jvp": linear_jvp, "batch": shifted("dims")}
SQUEEZE = Op("squeeze", lambda x, dims: np.squeeze(x, dims),
             (lambda g, ans, x, dims: reshape(g, x.shape),), **_SQUEEZE)
SQUEEZE_DIM = Op("squeeze", SQUEEZE.forward, SQUEEZE.vjps, backward_name="SqueezeBackward1",
                 **_SQUEEZE)
SQUEEZE_DIMS = Op("squeeze", SQUEEZE.forward, SQUEEZE.vjps, backward_name="SqueezeBackward2",
                  **_SQUEEZE)


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


def _batch_expand(op, args, bdims, params):
    x = front(args[0], bdims[0])
    xs = tuple(x.shape)
    shape = params["shape"]
    if len(shape) > len(xs) - 1:  # new leading dims go after the batch dim
        x = reshape(x, (xs[0],) + (1,) * (len(shape) - len(xs) + 1) + xs[1:])
    return apply(op, (x,), {"shape": (xs[0], *shape)}), 0


EXPAND = Op("expand", _expand_forward, (lambda g, ans, x, shape: sum_to(g, x.shape),), view=True,
            jvp=linear_jvp, batch=_batch_expand)


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


def _batch_sum_to(op, args, bdims, params):
    x = front(args[0], bdims[0])
    xs = tuple(x.shape)
    shape = params["shape"]
    lead = len(xs) - 1 - len(shape)  # the logical leading dims summed away: 1s after the batch
    out = apply(op, (x,), {"shape": (xs[0],) + (1,) * lead + shape})
    return (reshape(out, (xs[0], *shape)) if lead else out), 0


SUM_TO = Op("sum_to", _sum_to_forward, (lambda g, ans, x, shape: expand(g, x.shape),),
            backward_name="SumToBackward0", jvp=linear_jvp, batch=_batch_sum_to)


def sum_to(input, shape):
    """Sum `input` down to `shape` (the inverse of broadcasting); used by the engine."""
    return apply(SUM_TO, (input,), {"shape": tuple(shape)})


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


def _batch_joined(op, args, bdims, params):
    """cat and stack: every input batched first (unbatched ones expanded), dim + 1."""
    if op.name == "cat" and any(_logical_shape(a, b) == (0,) for a, b in zip(args, bdims)):
        return None  # a 1-d empty input, which cat skips: vmap loops
    size = batch_size(args, bdims)
    xs = [batched_front(a, b, size) for a, b in zip(args, bdims)]
    return apply(op, xs, {"dim": params["dim"] + 1}), 0


def _logical_shape(a, bdim):
    shape = tuple(a.shape)
    return shape if bdim is None else shape[:bdim] + shape[bdim + 1:]


_CAT_OPS = {}


def _cat_op(n):
    op = _CAT_OPS.get(n)
    if op is None:
        op = _CAT_OPS[n] = Op("cat", _cat_forward, tuple(_cat_rule(i) for i in range(n)),
                              jvp=linear_jvp, batch=_batch_joined)
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
        op = _STACK_OPS[n] = Op("stack", _stack_forward, tuple(_stack_rule(i) for i in range(n)),
                                jvp=linear_jvp, batch=_batch_joined)
    return op


def _nonzero(x):
    return np.stack(np.nonzero(x), axis=-1).astype(np.int64)


NONZERO = Op("nonzero", _nonzero)


def nonzero(input, *, as_tuple=False):
    out = apply(NONZERO, (input,), {})
    if as_tuple:
        return tuple(out[:, i] for i in range(out.shape[1]))
    return out


# Python indexing (x[key] and x[key] = v) is in subscript.py; its names stay importable from here
from .subscript import (  # noqa: F401
    ALIAS,
    COPY_SLICES,
    GATHER_INDEX,
    GETITEM,
    INDEX_BACKWARD,
    INDEX_PUT,
    INDEX_PUT_NONDIFF,
    SELECT,
    UNSQUEEZE_INDEX,
    _index_key,
    _last_of_each,
    _Split,
    getitem,
    index_backward,
    index_put,
    last_writes,
    put,
    take,
)
