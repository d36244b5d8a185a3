"""Views of pieces of a tensor: narrow, select, split, tensor_split, chunk, unbind, hsplit,
vsplit, dsplit.

Every piece is a view (it shares memory and the version counter with its input, as in PyTorch),
made by one of two linear ops: a slice along a dim (narrow, split, chunk, tensor_split) or a
single index along a dim (select, unbind). Their VJPs write the gradient into zeros of the
input's shape; their JVPs apply the op to the tangent.
"""

import itertools

import numpy as np

from ._core import Op, apply, linear_jvp, normalize_dim
from .shape import front, shifted

__all__ = ["chunk", "dsplit", "hsplit", "narrow", "narrow_copy", "select", "select_scatter",
           "slice_scatter", "split", "tensor_split", "unbind", "vsplit"]


def _dim(name, dim, ndim):
    if ndim == 0:
        raise IndexError(f"{name}: Dimension specified as {dim} but tensor has no dimensions")
    return normalize_dim(name, dim, ndim)[0]


# --- the two ops and their backward ops -------------------------------------------------------
# legend: rule(g, ans, x, **params) -> gradient of x


def _slice_key(dim, start, stop):
    return (slice(None),) * dim + (slice(start, stop), Ellipsis)


def _slice_forward(x, dim, start, stop):
    return x[_slice_key(dim, start, stop)]


def _slice_backward_forward(g, shape, dim, start, stop):
    out = np.zeros(shape, dtype=g.dtype)
    out[_slice_key(dim, start, stop)] = g
    return out


def _slice_vjp(g, ans, x, dim, start, stop):
    return apply(SLICE_BACKWARD, (g,), {"shape": tuple(x.shape), "dim": dim, "start": start,
                                        "stop": stop})


def _batch_backward(op, args, bdims, params):
    """The backward ops: the gradient batched first, the shape and dim shifted by one."""
    g = front(args[0], bdims[0])
    new = dict(params, shape=(next(iter(g.shape)), *params["shape"]), dim=params["dim"] + 1)
    return apply(op, (g,), new), 0


SLICE_BACKWARD = Op(
    "slice_backward", _slice_backward_forward,
    (lambda g, ans, x, shape, dim, start, stop: apply(SLICE, (g,), {
        "dim": dim, "start": start, "stop": stop}),),
    backward_name="SliceBackwardBackward0", jvp=linear_jvp, batch=_batch_backward)


def _slice_op(name, backward_name):
    return Op(name, _slice_forward, (_slice_vjp,), view=True, backward_name=backward_name,
              jvp=linear_jvp, batch=shifted("dim"))


SLICE = _slice_op("narrow", "SliceBackward0")
SPLIT = _slice_op("split", "SplitBackward0")
SPLIT_WITH_SIZES = _slice_op("split_with_sizes", "SplitWithSizesBackward0")


def _select_forward(x, dim, index):
    return x[(slice(None),) * dim + (index, Ellipsis)]


def _select_backward_forward(g, shape, dim, index):
    out = np.zeros(shape, dtype=g.dtype)
    out[(slice(None),) * dim + (index, Ellipsis)] = g
    return out


def _select_vjp(g, ans, x, dim, index):
    return apply(SELECT_BACKWARD, (g,), {"shape": tuple(x.shape), "dim": dim, "index": index})


SELECT_BACKWARD = Op(
    "select_backward", _select_backward_forward,
    (lambda g, ans, x, shape, dim, index: apply(SELECT, (g,), {"dim": dim, "index": index}),),
    backward_name="SelectBackwardBackward0", jvp=linear_jvp, batch=_batch_backward)
SELECT = Op("select", _select_forward, (_select_vjp,), view=True, jvp=linear_jvp,
            batch=shifted("dim"))
UNBIND = Op("unbind", _select_forward, (_select_vjp,), view=True, jvp=linear_jvp,
            batch=shifted("dim"))


# --- writing into a slice: slice_scatter / select_scatter ---------------------------------------
# legend: rule(g, ans, x, src, **params); `key` is the slice or index along `dim`


def _key(dim, at):
    return (slice(None),) * dim + (at, Ellipsis)


def _scatter_forward(x, src, dim, at):
    out = x.copy()
    out[_key(dim, at)] = src
    return out


def _batch_scatter(op, args, bdims, params):
    size = next(tuple(a.shape)[b] for a, b in zip(args, bdims) if b is not None)
    from .shape import batched_front

    moved = [batched_front(a, b, size) for a, b in zip(args, bdims)]
    return apply(op, moved, dict(params, dim=params["dim"] + 1)), 0


def _take_at(g, dim, at):
    from .shape import getitem

    return getitem(g, _key(dim, at))


def _scatter_vjp_input(g, ans, x, src, dim, at, op_name):
    zeros = np.zeros(tuple(src.shape), dtype=getattr(g, "_data", g).dtype)
    op = SLICE_SCATTER if op_name == "slice" else SELECT_SCATTER
    return apply(op, (g, zeros), {"dim": dim, "at": at})


SLICE_SCATTER = Op(
    "slice_scatter", _scatter_forward,
    (lambda g, ans, x, src, dim, at: _scatter_vjp_input(g, ans, x, src, dim, at, "slice"),
     lambda g, ans, x, src, dim, at: _take_at(g, dim, at)),
    backward_name="SliceScatterBackward0", jvp=linear_jvp, batch=_batch_scatter)
SELECT_SCATTER = Op(
    "select_scatter", _scatter_forward,
    (lambda g, ans, x, src, dim, at: _scatter_vjp_input(g, ans, x, src, dim, at, "select"),
     lambda g, ans, x, src, dim, at: _take_at(g, dim, at)),
    backward_name="SelectScatterBackward0", jvp=linear_jvp, batch=_batch_scatter)


def slice_scatter(input, src, dim=0, start=None, end=None, step=1):
    """A copy of input with src written into input[..., start:end:step, ...] along dim.

    >>> import chainrule as torch
    >>> torch.slice_scatter(torch.zeros(4), torch.ones(2), 0, 1, 3)
    tensor([0., 1., 1., 0.])
    """
    d = _dim("slice_scatter", dim, input.ndim)
    at = slice(start, end, step)
    want = np.empty(tuple(input.shape), dtype=np.int8)[_key(d, at)].shape
    if tuple(src.shape) != want:
        raise RuntimeError(f"expected src to have a size equal to the slice of self. src size = "
                           f"{list(src.shape)}, slice size = {list(want)}")
    return apply(SLICE_SCATTER, (input, src), {"dim": d, "at": at})


def select_scatter(input, src, dim, index):
    """A copy of input with src written into input.select(dim, index)."""
    d = _dim("select_scatter", dim, input.ndim)
    size = input.shape[d]
    index = _int("select_scatter", index)
    if not -size <= index < size:
        raise IndexError(f"select(): index {index} out of range for tensor of size "
                         f"{list(input.shape)} at dimension {d}")
    want = tuple(n for k, n in enumerate(input.shape) if k != d)
    if tuple(src.shape) != want:
        raise RuntimeError(f"expected src to have a size equal to the slice of self. src size = "
                           f"{list(src.shape)}, slice size = {list(want)}")
    return apply(SELECT_SCATTER, (input, src), {"dim": d, "at": index % size})


# --- public functions ----------------------------------------------------------------------


def _int(name, value):
    """An int from an int or a one-element integer tensor."""
    data = getattr(value, "_data", value)
    if isinstance(data, np.ndarray):
        if data.size != 1 or data.dtype.kind not in "iu":
            raise RuntimeError(f"{name}: expected an integer scalar tensor, got one of shape "
                               f"{list(data.shape)} and dtype {data.dtype}")
        return int(data.reshape(()))
    return int(value)


def narrow(input, dim, start, length):
    """The view input[..., start:start + length, ...] along `dim` (start may be negative).

    >>> import chainrule as torch
    >>> torch.arange(6).reshape(2, 3).narrow(1, 1, 2)
    tensor([[1, 2],
            [4, 5]])
    """
    return apply(SLICE, (input,), _narrow_params(input, dim, start, length))


def _narrow_params(input, dim, start, length):
    d = _dim("narrow", dim, input.ndim)
    size = input.shape[d]
    start, length = _int("narrow", start), _int("narrow", length)
    if not -size <= start <= size:
        raise IndexError(f"start out of range (expected to be in range of [{-size}, {size}], "
                         f"but got {start})")
    if start < 0:
        start += size
    if length < 0:
        raise RuntimeError("narrow(): length must be non-negative.")
    if start + length > size:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({size}).")
    return {"dim": d, "start": start, "stop": start + length}


NARROW_COPY = Op("narrow_copy", lambda x, dim, start, stop: _slice_forward(x, dim, start, stop)
                 .copy(), (_slice_vjp,), backward_name="NarrowCopyBackward0", jvp=linear_jvp,
                 batch=shifted("dim"))


def narrow_copy(input, dim, start, length):
    """narrow, as a new tensor (a copy) rather than a view."""
    return apply(NARROW_COPY, (input,), _narrow_params(input, dim, start, length))


def select(input, dim, index):
    """The view input[..., index, ...] along `dim` (that dim removed).

    >>> import chainrule as torch
    >>> torch.arange(6).reshape(2, 3).select(1, -1)
    tensor([2, 5])
    """
    nd = input.ndim
    if nd == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    d = normalize_dim("select", dim, nd)[0]
    size = input.shape[d]
    index = _int("select", index)
    if not -size <= index < size:
        raise IndexError(f"select(): index {index} out of range for tensor of size "
                         f"{list(input.shape)} at dimension {d}")
    return apply(SELECT, (input,), {"dim": d, "index": index % size})


def _pieces(op, input, d, bounds):
    return tuple(apply(op, (input,), {"dim": d, "start": a, "stop": b}) for a, b in bounds)


def split(tensor, split_size_or_sections, dim=0):
    """Views of consecutive pieces along `dim`: of split_size each (the last may be smaller),
    or of the sizes in a list.

    >>> import chainrule as torch
    >>> [t.tolist() for t in torch.arange(5).split(2)]
    [[0, 1], [2, 3], [4]]
    """
    d = _dim("split", dim, tensor.ndim)
    size = tensor.shape[d]
    sections = split_size_or_sections
    if isinstance(sections, (list, tuple)):
        sizes = [_int("split", s) for s in sections]
        if sum(sizes) != size or any(s < 0 for s in sizes):
            raise RuntimeError(
                f"split_with_sizes expects split_sizes to sum exactly to {size} (input tensor's "
                f"size at dimension {d}), but got split_sizes={sizes}"
            )
        starts = np.cumsum([0, *sizes])
        return _pieces(SPLIT_WITH_SIZES, tensor, d, zip(starts[:-1].tolist(),
                                                        starts[1:].tolist()))
    step = _int("split", sections)
    if step < 0:
        raise RuntimeError(f"split expects split_size be non-negative, but got split_size={step}")
    if step == 0:
        if size != 0:
            raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got "
                               f"dimension size of {size}")
        return _pieces(SPLIT, tensor, d, [(0, 0)])
    starts = range(0, max(size, 1), step)
    return _pieces(SPLIT, tensor, d, [(a, min(a + step, size)) for a in starts])


def chunk(input, chunks, dim=0):
    """Split into `chunks` views of equal size ceil(n / chunks) along `dim` (the last smaller;
    fewer pieces when the size does not allow `chunks` of them)."""
    chunks = _int("chunk", chunks)
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    d = _dim("chunk", dim, input.ndim)
    size = input.shape[d]
    step = -(-size // chunks)
    if step == 0:  # an empty dim: `chunks` empty pieces
        return _pieces(SPLIT, input, d, [(0, 0)] * chunks)
    return split(input, step, d)


def tensor_split(input, indices_or_sections, dim=0):
    """Split along `dim` into `sections` pieces as equal as possible (the first n % sections one
    longer), or at the given indices (pieces may be empty).

    >>> import chainrule as torch
    >>> [t.tolist() for t in torch.arange(7).tensor_split(3)]
    [[0, 1, 2], [3, 4], [5, 6]]
    """
    d = _dim("tensor_split", dim, input.ndim)
    size = input.shape[d]
    spec = getattr(indices_or_sections, "_data", indices_or_sections)
    if isinstance(spec, np.ndarray):
        if spec.dtype.kind not in "iu" or spec.ndim > 1:
            raise RuntimeError(
                "tensor_split expected tensor_indices_or_sections to be a zero-dimensional or "
                f"one-dimensional tensor, but got a tensor with {spec.ndim} dims"
                if spec.ndim > 1 else
                "tensor_split expected tensor_indices_or_sections to have integer dtype, but got "
                f"{spec.dtype}")
        spec = int(spec) if spec.ndim == 0 else spec.tolist()
    if isinstance(spec, (list, tuple)):
        cuts = [0]
        for i in spec:  # each index clamped to [0, size], negative ones counted from the end
            i = _int("tensor_split", i)
            cuts.append(min(max(i + size if i < 0 else i, 0), size))
        cuts.append(size)
        bounds = [(a, max(a, b)) for a, b in itertools.pairwise(cuts)]
    else:
        sections = int(spec)
        if sections <= 0:
            raise RuntimeError(f"number of sections must be larger than 0, got {sections}")
        small, extra = divmod(size, sections)
        sizes = [small + 1] * extra + [small] * (sections - extra)
        starts = np.cumsum([0, *sizes]).tolist()
        bounds = list(itertools.pairwise(starts))
    return _pieces(SLICE, input, d, bounds)


def unbind(input, dim=0):
    """The views input.select(dim, i) for every i.

    >>> import chainrule as torch
    >>> torch.unbind(torch.tensor([[1, 2], [3, 4]]), 1)
    (tensor([1, 3]), tensor([2, 4]))
    """
    d = _dim("unbind", dim, input.ndim)
    return tuple(apply(UNBIND, (input,), {"dim": d, "index": i}) for i in range(input.shape[d]))


def _split_along(name, input, indices_or_sections, dim, min_ndim):
    if input.ndim < min_ndim:
        raise RuntimeError(
            f"torch.{name} requires a tensor with at least {min_ndim} dimension, but got a "
            f"tensor with {input.ndim} dimensions!"
        )
    spec = indices_or_sections
    if isinstance(spec, (int, np.integer)) and spec and input.shape[dim] % spec:
        raise RuntimeError(
            f"torch.{name} attempted to split along dimension {dim}, but the size of the "
            f"dimension {input.shape[dim]} is not divisible by the split_size {spec}!"
        )
    return tensor_split(input, spec, dim)


def hsplit(input, indices_or_sections):
    """tensor_split along dim 1 (dim 0 for a 1-d tensor); sections must divide the size."""
    return _split_along("hsplit", input, indices_or_sections, 0 if input.ndim == 1 else 1, 1)


def vsplit(input, indices_or_sections):
    """tensor_split along dim 0 of a tensor with at least 2 dims."""
    return _split_along("vsplit", input, indices_or_sections, 0, 2)


def dsplit(input, indices_or_sections):
    """tensor_split along dim 2 of a tensor with at least 3 dims."""
    return _split_along("dsplit", input, indices_or_sections, 2, 3)


from .._tensor_methods import install_methods

install_methods({"narrow": narrow, "narrow_copy": narrow_copy, "select": select,
                 "split": split, "chunk": chunk, "tensor_split": tensor_split, "unbind": unbind,
                 "hsplit": hsplit, "vsplit": vsplit, "dsplit": dsplit,
                 "slice_scatter": slice_scatter, "select_scatter": select_scatter})
