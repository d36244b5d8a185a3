"""Python indexing: `x[key]` (basic slicing and ints, integer tensors or lists, bool masks, `...`
and None, with PyTorch's placement of the indexed dims) and `x[key] = v` (index_put, CopySlices).

A key is normalized once (`_index_key`: tensors become arrays) and travels as the op's param, so
the VJP of reading is a scatter-add at the key (repeated positions add up) and the VJP of
writing reads the gradient at the key. Index tensors that vmap batches cannot become params
(their values differ per batch element): those go through ops that take them as inputs (the
last section).

Repeated positions written by `x[key] = v` keep the last write (NumPy's and PyTorch's CPU
order); the value gradient reads the output gradient at every written position, so every
duplicate receives it, as in PyTorch (and as index_put_(accumulate=True) would) although only
the last write changed the result.
"""

import re

import numpy as np

from ._core import Op, apply, linear_jvp
from .shape import batch_size, batched_front, front, movedim, reshape, sum_to

# --- indexing ----------------------------------------------------------------------------------

_INDEX_DTYPE_ERROR = "tensors used as indices must be long, int, byte or bool tensors"


def _index_key(idx):
    """Tensors inside an index become arrays; the result says whether the index is basic."""
    if not isinstance(idx, tuple):
        idx = (idx,)
    out = []
    basic = True
    for i in idx:
        if hasattr(i, "_data"):
            i = i._data
            if not isinstance(i, np.ndarray):  # a tensor batched by vmap: values unknown here
                raise _BatchedIndex
        if isinstance(i, list):
            i = np.asarray(i) if i else np.zeros(0, dtype=np.int64)  # [] selects nothing
        if isinstance(i, np.ndarray):
            if i.dtype.kind not in "iub":
                raise IndexError(_INDEX_DTYPE_ERROR)
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

    @classmethod
    def of(cls, first, then):
        self = object.__new__(cls)
        self.first, self.then = first, then
        return self

    def __repr__(self):
        return f"{self.first} then {self.then}"


def take(x, key):
    """x[key] for an array x and a key from _index_key."""
    try:
        if key.__class__ is _Split:
            return x[key.first][key.then]
        return x[key]
    except IndexError as e:
        raise _index_error(e, x.shape, key) from None


def put(x, key, value):
    """x[key] = value (in place) for an array x and a key from _index_key."""
    try:
        if key.__class__ is _Split:
            x[key.first][key.then] = value
        else:
            x[key] = value
    except IndexError as e:
        raise _index_error(e, x.shape, key) from None


def _add_at(out, key, g):
    """out[key] += g, repeated positions adding up (plain assignment for a basic key)."""
    try:
        if key.__class__ is _Split:
            np.add.at(out[key.first], key.then, g)
        elif any(isinstance(i, (np.ndarray, bool)) for i in key):
            np.add.at(out, key, g)
        else:  # a basic key never repeats a position
            out[key] += g
    except IndexError as e:
        raise _index_error(e, out.shape, key) from None


_NUMPY_INDEX_ERRORS = (
    (re.compile(r"index (-?\d+) is out of bounds for axis (\d+) with size (\d+)"),
     "index {0} is out of bounds for dimension {1} with size {2}"),
    (re.compile(r"boolean index did not match indexed array along (?:axis|dimension) (\d+); "
                r"size of (?:axis|dimension) is (\d+) but size of corresponding boolean "
                r"(?:axis|dimension) is (\d+)"),
     ("The shape of the mask {mask} at index {0} does not match the shape of the indexed tensor "
     "{shape} at index {0}")),
)


def _index_error(e, shape, key):
    """NumPy's IndexError for `key` rephrased as PyTorch's."""
    msg = str(e)
    if msg.startswith("too many indices"):
        return IndexError(f"too many indices for tensor of dimension {len(shape)}")
    for pattern, template in _NUMPY_INDEX_ERRORS:
        m = pattern.search(msg)
        if m:
            items = key.then if key.__class__ is _Split else key
            masks = [list(i.shape) for i in items
                     if isinstance(i, np.ndarray) and i.dtype == np.bool_]
            return IndexError(template.format(*m.groups(), shape=list(shape),
                                              mask=masks[0] if masks else "?"))
    return IndexError(f"{msg} (indexing a tensor of shape {list(shape)})")


def _index_backward_forward(g, shape, key):
    out = np.zeros(shape, dtype=g.dtype)
    _add_at(out, key, g)
    return out


# --- indexing: batching rules ---


def _batched_key(key):
    """`key` for an input whose batch dimension was put first."""
    if key.__class__ is _Split:
        return _Split.of((slice(None), *key.first), (slice(None), *key.then))
    return (slice(None), *key)


def _key_bdim(key):
    """Where the batch dimension lands in x[_batched_key(key)] for x batched first: 0 when the
    key is basic or its advanced indices are adjacent; when they are not, NumPy puts the
    broadcast index dims first, before the batch dim. None when unsure (a bool scalar, or None
    or `...` between the index arrays): the caller then loops."""
    items = key.then if key.__class__ is _Split else key
    if any(isinstance(i, bool) for i in items):
        return None
    pos = [n for n, i in enumerate(items) if isinstance(i, np.ndarray)]
    if not pos or pos[-1] - pos[0] + 1 == len(pos):
        return 0
    between = items[pos[0]:pos[-1]]
    if any(i is None or i is Ellipsis for i in between):
        return None
    shapes = [(int(np.count_nonzero(items[n])),) if items[n].dtype == np.bool_ else
              items[n].shape for n in pos]
    return len(np.broadcast_shapes(*shapes))


def _batch_getitem(op, args, bdims, params):
    key = params["key"]
    out_bdim = _key_bdim(key)
    if out_bdim is None:
        return None
    return apply(op, (front(args[0], bdims[0]),), {"key": _batched_key(key)}), out_bdim


def _batch_index_backward(op, args, bdims, params):
    g, shape, key = args
    at = _key_bdim(key)
    if at is None or any(b is not None for b in bdims[1:]):
        return None
    g = movedim(g, bdims[0], at) if bdims[0] != at else g
    size = tuple(g.shape)[at]
    return apply(op, (g, (size, *shape), _batched_key(key)), params), 0


# basic indexing is one view op; PyTorch names its node after the last step it takes
_GETITEM_RULES = (lambda g, ans, x, key: index_backward(g, x.shape, key),)
_GETITEM = {"jvp": linear_jvp, "batch": _batch_getitem}
GETITEM = Op("getitem", take, _GETITEM_RULES, view=True, backward_name="SliceBackward0",
             **_GETITEM)
SELECT = Op("select", take, _GETITEM_RULES, view=True, **_GETITEM)
UNSQUEEZE_INDEX = Op("unsqueeze", take, _GETITEM_RULES, view=True, **_GETITEM)
ALIAS = Op("alias", take, _GETITEM_RULES, view=True, **_GETITEM)
GATHER_INDEX = Op("index", take, _GETITEM_RULES, backward_name="IndexBackward0", **_GETITEM)
INDEX_BACKWARD = Op("index_backward", _index_backward_forward,
                    (lambda g, ans, x, shape, key: getitem(g, key), None, None),
                    backward_name="IndexPutBackward0", jvp=linear_jvp,
                    batch=_batch_index_backward)


_BASIC_ITEMS = frozenset((int, slice, type(None), type(Ellipsis)))


def getitem(input, idx):
    cls = idx.__class__
    if cls is int:  # the common cases first: x[3], x[1:], x[:, 0]
        return apply(SELECT, (input,), {"key": (idx, Ellipsis)})
    if cls is slice and idx.step is None:
        return apply(GETITEM, (input,), {"key": (idx, Ellipsis)})
    if cls is tuple and all(i.__class__ in _BASIC_ITEMS for i in idx) and \
            not any(i.__class__ is slice and i.step is not None and i.step <= 0 for i in idx):
        op = _basic_index_op(idx, True, input.shape)
        return apply(op, (input,), {"key": idx if Ellipsis in idx else idx + (Ellipsis,)})
    if cls is _Split:
        return apply(GATHER_INDEX, (input,), {"key": idx})
    try:
        key, basic = _index_key(idx)
    except _BatchedIndex:
        return _getitem_batched_index(input, idx)
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


# --- writing at an index: x[key] = v, index_put ---


def _index_put_forward(x, v, key, accumulate, winners):
    out = x.copy()
    target = take(out, key)
    vshape = _drop_leading_ones(np.shape(v), target.ndim)
    # the value must broadcast to the indexed shape (after dropping leading 1s, as PyTorch does)
    try:
        ok = len(vshape) <= target.ndim and \
            np.broadcast_shapes(vshape, target.shape) == target.shape
    except ValueError:
        ok = False
    if not ok:
        raise RuntimeError(
            f"shape mismatch: value tensor of shape {list(np.shape(v))} cannot be broadcast to "
            f"indexing result of shape {list(target.shape)}"
        )
    if vshape != np.shape(v):
        v = np.reshape(v, vshape)
    if accumulate:
        _add_at(out, key, np.broadcast_to(v, target.shape))
    else:
        put(out, key, v)
    return out


def _drop_leading_ones(shape, ndim):
    while len(shape) > ndim and shape[0] == 1:
        shape = shape[1:]
    return shape


def _index_put_vjp_input(g, ans, x, v, key, accumulate, winners):
    return g if accumulate else index_put(g, 0.0, key)


def _index_put_vjp_value(g, ans, x, v, key, accumulate, winners):
    picked = getitem(g, key)
    shape = _drop_leading_ones(v.shape, picked.ndim)
    grad = sum_to(picked, shape)
    return grad if shape == v.shape else reshape(grad, v.shape)


def _batch_index_put(op, args, bdims, params):
    """x batched (or expanded to the batch), the value batched or broadcast, the key shifted.
    Only keys whose indexed result keeps the batch dim first are handled."""
    key = params["key"]
    if _key_bdim(key) != 0:
        return None
    x, v = args
    size = batch_size(args, bdims)
    x = batched_front(x, bdims[0], size)
    nd = len(take(np.broadcast_to(np.empty((), np.int8), tuple(x.shape)[1:]), key).shape)
    if bdims[1] is not None:
        v = front(v, bdims[1])
        vs = _drop_leading_ones(tuple(v.shape)[1:], nd)
        v = reshape(v, (size,) + (1,) * (nd - len(vs)) + vs)
    new = dict(params, key=_batched_key(key))
    if params["winners"] is not None:
        new["winners"] = np.broadcast_to(params["winners"], (size, *params["winners"].shape))
    return apply(op, (x, v), new), 0


_INDEX_PUT_RULES = (_index_put_vjp_input, _index_put_vjp_value)
INDEX_PUT = Op("index_put", _index_put_forward, _INDEX_PUT_RULES,
               backward_name="IndexPutBackward0", jvp=linear_jvp, batch=_batch_index_put)
# PyTorch records a write through basic indexing (t[0] = v, t[1:] = v) as CopySlices
COPY_SLICES = Op("index_put", _index_put_forward, _INDEX_PUT_RULES,
                 backward_name="torch::autograd::CopySlices", jvp=linear_jvp,
                 batch=_batch_index_put)
# writing into an integer or bool tensor: the result cannot carry a gradient
INDEX_PUT_NONDIFF = Op("index_put", _index_put_forward, batch=_batch_index_put)


def index_put(input, value, key, accumulate=False):
    """A copy of `input` with `value` written (or, accumulate=True, added) at `key`; used by
    `tensor[key] = value` and torch.index_put."""
    if key.__class__ is not _Split and (not isinstance(key, tuple) or not _is_normalized(key)):
        try:
            key, _ = _index_key(key)
        except _BatchedIndex:
            return _index_put_batched_index(input, value, key, accumulate)
    shape = tuple(input.shape)
    if getattr(input, "_data", input).dtype.kind != "f":
        op = INDEX_PUT_NONDIFF
    elif accumulate or key.__class__ is not _Split and \
            any(isinstance(i, np.ndarray) for i in key) and not _slices_first(key, shape):
        op = INDEX_PUT
    else:
        op = COPY_SLICES
    winners = None if accumulate else last_writes(shape, key)
    return apply(op, (input, value), {"key": key, "accumulate": bool(accumulate),
                                      "winners": winners})


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


def last_writes(shape, key):
    """For `x[key] = v` on an x of `shape`: None when `key` writes each position at most once,
    else a bool mask over the indexed result, True where the write lands (the last one to a
    position, in C order, as NumPy and PyTorch's CPU kernels do)."""
    arrays, sizes = _advanced_positions(shape, key)
    if not arrays:
        return None
    try:
        coords = np.broadcast_arrays(*arrays)
        if coords[0].size < 2 or 0 in sizes:
            return None
        coords = tuple(np.where(c < 0, c + n, c) for c, n in zip(coords, sizes))
        flat = np.ravel_multi_index(coords, sizes).ravel()
    except ValueError:  # out of range or mismatched: the forward raises PyTorch's error
        return None
    if np.unique(flat).size == flat.size:
        return None
    lands = _last_of_each(flat.reshape(coords[0].shape))  # over the index positions
    target = take(np.broadcast_to(np.empty((), np.int8), shape), key).shape
    at = _index_dims_at(shape, key)
    if at is not None and target[at:at + lands.ndim] == lands.shape:
        # the same index position lands for every element of the sliced dims around it
        return np.broadcast_to(
            lands.reshape((1,) * at + lands.shape + (1,) * (len(target) - at - lands.ndim)),
            target)
    ids = take(np.arange(int(np.prod(shape)), dtype=np.int64).reshape(shape), key)
    return _last_of_each(ids)  # (any layout: by the positions themselves, O(x.numel()))


def _index_dims_at(shape, key):
    """Where the broadcast dims of the index arrays of `key` are in the indexed result: in
    place when the arrays are adjacent in the key, else first (NumPy's rule); None if unsure."""
    if key.__class__ is _Split:
        shape = take(np.broadcast_to(np.empty((), np.int8), shape), key.first).shape
        key = key.then
    if any(isinstance(i, bool) for i in key):
        return None
    pos = [n for n, i in enumerate(key) if isinstance(i, np.ndarray)]
    if pos[-1] - pos[0] + 1 != len(pos):
        return 0
    used = sum(i.ndim if isinstance(i, np.ndarray) and i.dtype == np.bool_ else 1
               for i in key if i is not None and i is not Ellipsis)
    at = 0
    for i in key[:pos[0]]:
        at += len(shape) - used if i is Ellipsis else 0 if isinstance(i, (int, np.integer)) else 1
    return at


def _last_of_each(ids):
    """A bool mask shaped like `ids`: True at the last occurrence (C order) of each value."""
    flat = ids.ravel()
    _, first_from_end = np.unique(flat[::-1], return_index=True)
    mask = np.zeros(flat.size, dtype=bool)
    mask[flat.size - 1 - first_from_end] = True
    return mask.reshape(ids.shape)


def _advanced_positions(shape, key):
    """The integer index arrays of the advanced part of `key` (a mask as its nonzero() arrays)
    and the sizes of the dims they index."""
    if key.__class__ is _Split:
        shape = take(np.broadcast_to(np.empty((), np.int8), shape), key.first).shape
        key = key.then
    used = sum(i.ndim if isinstance(i, np.ndarray) and i.dtype == np.bool_ else 1
               for i in key if i is not None and i is not Ellipsis and not isinstance(i, bool))
    arrays, sizes, dim = [], [], 0
    for i in key:
        if i is Ellipsis:
            dim += len(shape) - used
        elif i is None or isinstance(i, bool):
            continue
        elif isinstance(i, np.ndarray) and i.dtype == np.bool_:
            arrays.extend(np.nonzero(i))
            sizes.extend(shape[dim:dim + i.ndim])
            dim += i.ndim
        elif isinstance(i, np.ndarray):
            arrays.append(i)
            sizes.append(shape[dim] if dim < len(shape) else 0)
            dim += 1
        else:
            dim += 1
    return arrays, tuple(sizes)


# --- indexing with index tensors batched by vmap --------------------------------------------------
# Their values are not known when the op is called (only per batch element), so they cannot go
# into the op's params as keys do: these ops take the index tensors as inputs, and the key is
# built in the forward from a template with a slot for each.


class _BatchedIndex(Exception):
    """Raised by _index_key for an index tensor whose values vmap hides."""


_SLOT = object()


def _template(idx):
    items = idx if isinstance(idx, tuple) else (idx,)
    slots = [i for i in items if hasattr(i, "_data") and not isinstance(i._data, np.ndarray)]
    template = tuple(_SLOT if any(i is t for t in slots) else i for i in items)
    return template, slots


def _fill(template, arrays):
    arrays = iter(arrays)
    return _index_key(tuple(next(arrays) if i is _SLOT else i for i in template))


def _index_t_forward(x, *arrays, template):
    key, basic = _fill(template, arrays)
    if basic:  # (a 0-d index tensor): a copy, as this op is not a view
        return np.array(take(x, key if Ellipsis in key else key + (Ellipsis,)))
    return take(x, key)


def _index_t_vjp(g, ans, x, *arrays, template):
    key, basic = _fill(template, [getattr(a, "_data", a) for a in arrays])
    return index_backward(g, x.shape, key + (Ellipsis,) if basic and Ellipsis not in key else key)


def _batched_key_items(template, args, bdims, size):
    """The key (arange(size), *index arrays) that indexes each batch element of an x batched
    first with its own index tensors; None (vmap loops) unless every item of the key is an
    integer index (a tensor, an array or an int)."""
    logical, items = [], []
    args = iter(zip(args, bdims))
    for t in template:
        if t is _SLOT:
            a, b = next(args)
            if np.dtype(a._data.dtype).kind not in "iu":
                return None  # a mask: its result's size depends on the values
            a = front(a, b)
            logical.append(tuple(a.shape)[1:] if b is not None else tuple(a.shape))
            items.append((a, b is not None))
        elif isinstance(t, bool) or not isinstance(t, (int, np.integer, np.ndarray, list)) \
                and not hasattr(t, "_data"):
            return None  # slices, None, `...` and bool scalars: vmap loops
        else:
            t = np.asarray(getattr(t, "_data", t))
            if t.dtype.kind not in "iu":
                return None
            logical.append(t.shape)
            items.append((t, False))
    nd = len(np.broadcast_shapes(*logical))
    key = [np.arange(size).reshape((size,) + (1,) * nd)]
    for (a, batched), shape in zip(items, logical):
        if batched and len(shape) < nd:  # its dims line up from the right, after the batch
            a = reshape(a, (size,) + (1,) * (nd - len(shape)) + shape)
        key.append(a)
    return tuple(key)


def _batch_index_t(op, args, bdims, params):
    size = batch_size(args, bdims)
    key = _batched_key_items(params["template"], args[1:], bdims[1:], size)
    if key is None or len(tuple(args[0].shape)) - (bdims[0] is not None) < len(key) - 1:
        return None
    return getitem(batched_front(args[0], bdims[0], size), key), 0


def _batch_index_put_t(op, args, bdims, params):
    size = batch_size(args, bdims)
    key = _batched_key_items(params["template"], args[2:], bdims[2:], size)
    if key is None:
        return None
    x = batched_front(args[0], bdims[0], size)
    v = args[1]
    if bdims[1] is not None:  # the value's dims line up from the right with the indexed result
        v = front(v, bdims[1])
        nd = len(np.broadcast_shapes(*(tuple(k.shape) for k in key))) - 1 + \
            len(tuple(x.shape)) - len(key)
        vs = _drop_leading_ones(tuple(v.shape)[1:], nd)
        v = reshape(v, (size,) + (1,) * (nd - len(vs)) + vs)
    return index_put(x, v, key, params["accumulate"]), 0


_INDEX_T_OPS = {}


def _index_t_op(n):
    if n not in _INDEX_T_OPS:
        _INDEX_T_OPS[n] = Op("index", _index_t_forward, (_index_t_vjp,) + (None,) * n,
                             saves=range(1, n + 1), backward_name="IndexBackward0",
                             jvp=linear_jvp, batch=_batch_index_t)
    return _INDEX_T_OPS[n]


def _getitem_batched_index(input, idx):
    template, tensors = _template(idx)
    return apply(_index_t_op(len(tensors)), (input, *tensors), {"template": template})


def _index_put_t_forward(x, v, *arrays, template, accumulate):
    key, _ = _fill(template, arrays)
    winners = None if accumulate else last_writes(x.shape, key)
    return _index_put_forward(x, v, key, accumulate, winners)


def _index_put_t_rule(which):
    def rule(g, ans, x, v, *arrays, template, accumulate):
        key, _ = _fill(template, [getattr(a, "_data", a) for a in arrays])
        winners = None if accumulate else last_writes(tuple(x.shape), key)
        return which(g, ans, x, v, key, accumulate, winners)

    return rule


_INDEX_PUT_T_OPS = {}


def _index_put_t_op(n):
    if n not in _INDEX_PUT_T_OPS:
        _INDEX_PUT_T_OPS[n] = Op(
            "index_put", _index_put_t_forward,
            (_index_put_t_rule(_index_put_vjp_input), _index_put_t_rule(_index_put_vjp_value))
            + (None,) * n, saves=range(2, n + 2), backward_name="IndexPutBackward0",
            jvp=linear_jvp, batch=_batch_index_put_t)
    return _INDEX_PUT_T_OPS[n]


def _index_put_batched_index(input, value, key, accumulate):
    template, tensors = _template(key)
    return apply(_index_put_t_op(len(tensors)), (input, value, *tensors),
                 {"template": template, "accumulate": bool(accumulate)})
