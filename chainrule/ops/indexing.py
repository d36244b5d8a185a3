"""Index ops: index_select, gather, scatter (a tensor or a value), scatter_add, scatter_reduce
(sum, prod, mean, amax, amin; include_self), index_add, index_copy, index_fill, masked_select,
masked_scatter, take, take_along_dim, put, index_put. (Python indexing `x[idx]` and `x[idx] = v`
are in shape.py.)

Indices are op inputs without a gradient (so that vmap can batch them); a rule that reads one
saves it, and modifying it in place before backward is an error, as in PyTorch.

Conventions:
- Repeated positions written by scatter, index_copy and put (accumulate=False) keep the LAST
  write (C order of the index), as NumPy and PyTorch's CPU kernels do; the gradient, as
  PyTorch's, reads the output gradient at every written position, so every duplicate receives
  it (only the value that landed changed the result, so gradcheck does not hold at repeated
  written positions; PyTorch documents the forward result there as undefined).
- scatter_reduce 'amax'/'amin' split the gradient evenly among the elements equal to the
  result (as PyTorch); 'prod' handles zeros exactly (the product of the other factors).
- The JVP of an op linear in its inputs is the op on the tangents; for scatter_reduce's prod,
  amax and amin it is built from the VJP's per-element factors (each output position depends
  only on its own group of inputs, so the Jacobian is those factors).
"""

import numpy as np

from .._tensor import Tensor
from . import _index_checks as check
from ._core import Op, apply, linear_jvp
from .shape import batch_size, batched_front, front, getitem, reshape
from .shape import index_put as _put_key

__all__ = ["gather", "index_add", "index_copy", "index_fill", "index_put", "index_select",
           "masked_scatter", "masked_select", "put", "scatter", "scatter_add", "scatter_reduce",
           "take", "take_along_dim"]

_raw = check.raw
_np_dtype = check.dtype_of


def _zeros(shape, like):
    return np.zeros(tuple(shape), dtype=_np_dtype(like))


def _prefix(shape):
    """The key selecting the first shape[i] entries along every dim."""
    return tuple(slice(0, n) for n in shape)


def _coords(index, dim):
    """Full index arrays for an index tensor used along `dim` (scatter/gather positions); an
    empty index (whatever its ndim, as PyTorch allows) selects nothing."""
    if index.size == 0:
        return (np.zeros(0, dtype=np.intp),) * index.ndim
    coords = list(np.ogrid[tuple(slice(0, n) for n in index.shape)])
    coords[dim] = index
    return tuple(coords)


def _as_1d(fn, input, index, *rest, shape):
    """Run a gather/scatter-like op on a 0-d input viewed as 1-d; the result gets `shape`."""
    flat = [reshape(t, (-1,)) if check.is_tensor(t) else t for t in (input, index, *rest)]
    return reshape(fn(*flat), shape)


# --- gather / scatter ---------------------------------------------------------------------------
# legend: rule(g, ans, x, index, src, **params) -> gradient of that input; index rules are None


def _gather_forward(x, index, dim):
    if index.size == 0:
        return np.zeros(index.shape, dtype=x.dtype)
    key = list(_prefix(index.shape))
    key[dim] = slice(None)
    return np.take_along_axis(x[tuple(key)], index, axis=dim)


def _scatter_add_forward(x, index, src, dim):
    out = x.copy()
    if index.size == 0:
        return out
    np.add.at(out, _coords(index, dim), src[_prefix(index.shape)])
    return out


def _scatter_forward(x, index, src, dim):
    out = x.copy()
    if index.size == 0:
        return out
    out[_coords(index, dim)] = src[_prefix(index.shape)]
    return out


def _scatter_value_forward(x, index, dim, value):
    out = x.copy()
    if index.size == 0:
        return out
    out[_coords(index, dim)] = value
    return out


def _pad_to(g, shape):
    """g (index-shaped) placed in the leading corner of zeros of `shape` (src may be larger)."""
    if tuple(g.shape) == tuple(shape):
        return g
    from .padding import CONSTANT_PAD

    pad = []
    for have, want in zip(reversed(tuple(g.shape)), reversed(tuple(shape))):
        pad += [0, want - have]
    return apply(CONSTANT_PAD, (g,), {"pad": tuple(pad), "value": 0})


def _gather_vjp(g, ans, x, index, dim):
    return apply(SCATTER_ADD, (_zeros(x.shape, g), index, g), {"dim": dim})


def _scatter_add_vjp_src(g, ans, x, index, src, dim):
    return _pad_to(apply(GATHER, (g, index), {"dim": dim}), src.shape)


def _scatter_vjp_src(g, ans, x, index, src, dim):
    picked = apply(GATHER, (g, index), {"dim": dim})  # every duplicate gets it, as PyTorch
    return _pad_to(picked, src.shape)


def _batch_scatter_like(op, args, bdims, params):
    """gather and the scatters: every input batched first (an unbatched one expanded), dim + 1."""
    size = batch_size(args, bdims)
    moved = [batched_front(a, b, size) if check.is_tensor(a) else a
             for a, b in zip(args, bdims)]
    return apply(op, moved, dict(params, dim=params["dim"] + 1)), 0


_SCATTERS = {"jvp": linear_jvp, "batch": _batch_scatter_like}
GATHER = Op("gather", _gather_forward, (_gather_vjp, None), saves=(1,), **_SCATTERS)
SCATTER_ADD = Op("scatter_add", _scatter_add_forward,
                 (lambda g, ans, x, index, src, dim: g, None, _scatter_add_vjp_src), saves=(1,),
                 backward_name="ScatterAddBackward0", **_SCATTERS)
SCATTER = Op("scatter", _scatter_forward,
             (lambda g, ans, x, index, src, dim: _scatter_zero(g, index, dim), None,
              _scatter_vjp_src), saves=(1,), **_SCATTERS)


def _scatter_value_jvp(tangents, ans, x, index, dim, value):
    return _scatter_zero(tangents[0], index, dim)


SCATTER_VALUE = Op("scatter", _scatter_value_forward,
                   (lambda g, ans, x, index, dim, value: _scatter_zero(g, index, dim), None),
                   saves=(1,), backward_name="ScatterBackward1", jvp=_scatter_value_jvp,
                   batch=_batch_scatter_like)


def _scatter_zero(g, index, dim):
    return apply(SCATTER_VALUE, (g, index), {"dim": dim, "value": 0})


def gather(input, dim, index, *, sparse_grad=False):
    """out[i][j][k] = input[i][index[i][j][k]][k] for dim = 1 (and likewise for other dims).

    >>> import chainrule as torch
    >>> torch.gather(torch.tensor([[1, 2], [3, 4]]), 1, torch.tensor([[0, 0], [1, 0]]))
    tensor([[1, 1],
            [4, 3]])
    """
    d = check.gather_like("gather", input, index, dim)
    if input.ndim == 0:
        return _as_1d(lambda x, i: apply(GATHER, (x, i), {"dim": 0}), input, index,
                      shape=tuple(index.shape))
    return apply(GATHER, (input, index), {"dim": d})


def scatter(input, dim, index, src=None, *, value=None, reduce=None):
    """A copy of input with src (a tensor, or a number) written at the positions index gives
    along dim: out[i][index[i][j]] = src[i][j] for dim = 1. Repeated positions: the last
    write lands (see the module docstring).

    >>> import chainrule as torch
    >>> torch.zeros(2, 3).scatter(1, torch.tensor([[2], [0]]), 1.0)
    tensor([[0., 0., 1.],
            [1., 0., 0.]])
    """
    if src is None:
        src = value
    if reduce is not None:
        return _scatter_legacy_reduce(input, dim, index, src, reduce)
    d = check.gather_like("scatter", input, index, dim, src)
    if not check.is_tensor(src):
        if input.ndim == 0:
            return _as_1d(lambda x, i: apply(SCATTER_VALUE, (x, i), {"dim": 0, "value": src}),
                          input, index, shape=())
        return apply(SCATTER_VALUE, (input, index), {"dim": d, "value": src})
    if input.ndim == 0:
        return _as_1d(lambda x, i, v: apply(SCATTER, (x, i, v), {"dim": 0}), input, index, src,
                      shape=())
    return apply(SCATTER, (input, index, src), {"dim": d})


def _scatter_legacy_reduce(input, dim, index, src, reduce):
    """scatter(..., reduce='add' | 'multiply'): the older API, as scatter_reduce."""
    modes = {"add": "sum", "multiply": "prod"}
    if reduce not in modes:
        raise RuntimeError("reduce argument must be either add or multiply.")
    if not check.is_tensor(src):
        src = Tensor._make(np.full(tuple(index.shape), src, dtype=_np_dtype(input)))
    return scatter_reduce(input, dim, index, src, modes[reduce])


def scatter_add(input, dim, index, src):
    """A copy of input with src added at the positions index gives along dim (repeated
    positions add up)."""
    d = check.gather_like("scatter_add", input, index, dim, src)
    if input.ndim == 0:
        return _as_1d(lambda x, i, v: apply(SCATTER_ADD, (x, i, v), {"dim": 0}), input, index,
                      src, shape=())
    return apply(SCATTER_ADD, (input, index, src), {"dim": d})


# --- scatter_reduce ------------------------------------------------------------------------------


_IDENTITY = {"sum": 0, "mean": 0, "prod": 1}


def _hit(shape, index, dim):
    """A bool mask of the positions of an array of `shape` that `index` writes to."""
    hit = np.zeros(shape, dtype=bool)
    idx = _raw(index)
    if idx.size:
        hit[_coords(idx, dim)] = True
    return hit


def _counts(shape, index, dim, include_self):
    """How many values each position of the result reduces (mean's divisor)."""
    count = np.zeros(shape, dtype=np.int64)
    idx = _raw(index)
    if idx.size:
        np.add.at(count, _coords(idx, dim), 1)
    return count + bool(include_self)


def _scatter_reduce_forward(x, index, src, dim, reduce, include_self):
    out = x.copy()
    if index.size == 0:
        return out
    coords = _coords(index, dim)
    s = src[_prefix(index.shape)]
    if not include_self:  # the positions hit start from the reduction's identity
        out[coords] = _identity(reduce, x.dtype)
    if reduce in ("sum", "mean"):
        np.add.at(out, coords, s)
    elif reduce == "prod":
        np.multiply.at(out, coords, s)
    elif reduce == "amax":
        np.maximum.at(out, coords, s)
    else:
        np.minimum.at(out, coords, s)
    if reduce == "mean":
        count = _counts(x.shape, index, dim, include_self)
        safe = np.maximum(count, 1)
        out = out // safe if out.dtype.kind in "iu" else (out / safe).astype(out.dtype)
    return out


def _identity(reduce, dtype):
    if reduce in _IDENTITY:
        return _IDENTITY[reduce]
    if dtype.kind == "f":
        return -np.inf if reduce == "amax" else np.inf
    info = np.iinfo(dtype) if dtype.kind in "iu" else None
    if info is None:  # bool
        return reduce == "amin"
    return info.min if reduce == "amax" else info.max


def _src_part(src, index):
    return getitem(src, _prefix(index.shape)) if tuple(src.shape) != tuple(index.shape) else src


def _sr_vjp_self(g, ans, x, index, src, dim, reduce, include_self):
    from .elementwise import div, eq, where

    if reduce in ("sum", "mean"):
        if not include_self:
            return where(_hit(x.shape, index, dim), 0.0, g)
        if reduce == "sum":
            return g
        return div(g, _counts(x.shape, index, dim, True).astype(_np_dtype(g)))
    if reduce == "prod":
        if not include_self:
            return where(_hit(x.shape, index, dim), 0.0, g)
        # the product of the other factors; where x is 0, recomputed with x replaced by 1
        masked = where(eq(x, 0), 1.0, x)
        others = div(apply(SCATTER_REDUCE, (masked, index, src), {
            "dim": dim, "reduce": "prod", "include_self": True}), masked)
        return g * others
    self_is, _, n = _extreme_parts(ans, x, index, src, dim, include_self)
    return where(self_is, div(g, n), 0.0)


def _extreme_parts(ans, x, index, src, dim, include_self):
    """amax/amin: which elements of x and of src equal the result at their position, and how
    many per position share the gradient."""
    from .elementwise import eq

    s = _src_part(src, index)
    self_is = _raw(eq(x, ans))
    if not include_self:
        self_is = self_is & ~_hit(x.shape, index, dim)
    value = apply(GATHER, (ans, index), {"dim": dim})
    src_is = _raw(eq(s, value))
    dtype = _np_dtype(ans)
    n = _scatter_add_forward(self_is.astype(dtype), _raw(index), src_is.astype(dtype), dim)
    return self_is, src_is, np.maximum(n, 1)


def _sr_vjp_src(g, ans, x, index, src, dim, reduce, include_self):
    from .elementwise import div, where

    s = _src_part(src, index)
    if reduce == "sum":
        picked = apply(GATHER, (g, index), {"dim": dim})
    elif reduce == "mean":
        count = np.maximum(_counts(x.shape, index, dim, include_self), 1).astype(_np_dtype(g))
        picked = apply(GATHER, (div(g, count), index), {"dim": dim})
    elif reduce == "prod":
        s_raw = _raw(s)
        zero = s_raw == 0
        zeros_per_target = _scatter_add_forward(np.zeros(x.shape), _raw(index),
                                                zero.astype(float), dim)
        single = zero & (_gather_forward(zeros_per_target, _raw(index), dim) == 1)
        masked_src = where(single, 1.0, s)
        masked_result = apply(SCATTER_REDUCE, (x, index, masked_src), {
            "dim": dim, "reduce": "prod", "include_self": include_self})
        when_single = apply(GATHER, (g * masked_result, index), {"dim": dim})
        otherwise = div(apply(GATHER, (g * ans, index), {"dim": dim}), where(zero, 1.0, s))
        picked = where(single, when_single, otherwise)
    else:
        _, src_is, n = _extreme_parts(ans, x, index, src, dim, include_self)
        picked = where(src_is, apply(GATHER, (div(g, n), index), {"dim": dim}), 0.0)
    return _pad_to(picked, src.shape)


def _sr_jvp(tangents, ans, x, index, src, dim, reduce, include_self):
    """sum and mean are linear; prod, amax and amin: each result position depends on its own
    group only, so the JVP is the VJP's per-element factors (the VJP of ones) times the
    tangents, gathered back with scatter_add."""
    tx, _, ts = tangents
    params = {"dim": dim, "reduce": reduce, "include_self": include_self}
    if reduce in ("sum", "mean"):
        zx = tx if tx is not None else _zeros(x.shape, ans)
        zs = ts if ts is not None else _zeros(src.shape, ans)
        return apply(SCATTER_REDUCE, (zx, index, zs), params)
    from .elementwise import mul

    ones = Tensor._make(np.ones(tuple(ans.shape), dtype=_np_dtype(ans)))
    base = _zeros(x.shape, ans) if tx is None else \
        mul(_sr_vjp_self(ones, ans, x, index, src, **params), tx)
    if ts is None:
        return base
    factor = _src_part(_sr_vjp_src(ones, ans, x, index, src, **params), index)
    return apply(SCATTER_ADD, (base, index, mul(factor, _src_part(ts, index))), {"dim": dim})


def _batch_scatter_reduce(op, args, bdims, params):
    return _batch_scatter_like(op, args, bdims, params)


SCATTER_REDUCE = Op("scatter_reduce", _scatter_reduce_forward,
                    (_sr_vjp_self, None, _sr_vjp_src), saves=(0, 1, 2), saves_ans=True,
                    backward_name="ScatterReduceBackward0", jvp=_sr_jvp,
                    batch=_batch_scatter_reduce)
_REDUCES = ("sum", "prod", "mean", "amax", "amin")


def scatter_reduce(input, dim, index, src, reduce, *, include_self=True):
    """A copy of input where each position that index points at (along dim) is reduced with
    the src values sent there: reduce is 'sum', 'prod', 'mean', 'amax' or 'amin'; with
    include_self=False the input's own value there is left out of the reduction.

    >>> import chainrule as torch
    >>> x = torch.tensor([1.0, 2.0, 3.0])
    >>> x.scatter_reduce(0, torch.tensor([0, 0, 2]), torch.tensor([5.0, 7.0, 1.0]), "amax")
    tensor([7., 2., 3.])
    """
    reduce = {"max": "amax", "min": "amin"}.get(reduce, reduce)
    if reduce not in _REDUCES:
        raise RuntimeError(f"reduce argument must be either sum, prod, mean, amax or amin, got "
                           f"{reduce}")
    d = check.gather_like("scatter_reduce", input, index, dim, src)
    params = {"dim": d, "reduce": reduce, "include_self": bool(include_self)}
    if input.ndim == 0:
        return _as_1d(lambda x, i, v: apply(SCATTER_REDUCE, (x, i, v), dict(params, dim=0)),
                      input, index, src, shape=())
    return apply(SCATTER_REDUCE, (input, index, src), params)


# --- index_select / index_add / index_copy / index_fill -----------------------------------------


def _along(dim, index):
    return (slice(None),) * dim + (index,)


def _index_select_forward(x, index, dim):
    return np.take(x, index.reshape(-1), axis=dim)


def _index_add_forward(x, index, src, dim, alpha):
    out = x.copy()
    src = src * alpha if alpha != 1 else src
    np.add.at(out, _along(dim, index.reshape(-1)), src)
    return out


def _index_copy_forward(x, index, src, dim):
    out = x.copy()
    out[_along(dim, index.reshape(-1))] = src
    return out


def _index_fill_forward(x, index, dim, value):
    out = x.copy()
    out[_along(dim, index.reshape(-1))] = value
    return out


def _index_fill_tensor_forward(x, index, value, dim):
    return _index_fill_forward(x, index, dim, value)


def _index_select_vjp(g, ans, x, index, dim):
    return apply(INDEX_ADD, (_zeros(x.shape, g), index, g), {"dim": dim, "alpha": 1})


def _batch_index_select(op, args, bdims, params):
    """The index unbatched: a shifted dim. Batched: a gather with the index spread over the
    other dims."""
    x, index = args
    if bdims[1] is None:
        return apply(op, (front(x, bdims[0]), index), dict(params, dim=params["dim"] + 1)), 0
    size = batch_size(args, bdims)
    x = batched_front(x, bdims[0], size)
    index = reshape(front(index, bdims[1]), (size, -1))
    d = params["dim"] + 1
    shape = list(x.shape)
    spread = [1] * len(shape)
    spread[0], spread[d] = size, tuple(index.shape)[1]
    shape[d] = spread[d]
    from .shape import expand

    index = expand(reshape(index, tuple(spread)), tuple(shape))
    return apply(GATHER, (x, index), {"dim": d}), 0


def _batch_index_write(op, args, bdims, params):
    """index_add / index_copy / index_fill. An unbatched index: dim + 1. A batched one: the op
    as a scatter along dim + 1, the index spread over the other dims."""
    size = batch_size(args, bdims)
    x = batched_front(args[0], bdims[0], size)
    d = params["dim"] + 1
    if bdims[1] is None and not (op is INDEX_FILL_TENSOR and bdims[2] is not None):
        moved = [x, *args[1:]]
        if len(args) > 2 and op is not INDEX_FILL_TENSOR:  # the source
            moved[2] = batched_front(args[2], bdims[2], size)
        return apply(op, moved, dict(params, dim=d)), 0
    from .elementwise import add, lt, mul, where
    from .shape import expand

    index = reshape(batched_front(args[1], bdims[1], size), (size, -1))
    index = where(lt(index, 0), add(index, tuple(x.shape)[d]), index)
    k = tuple(index.shape)[1]
    if op in (INDEX_ADD, INDEX_COPY):
        src = batched_front(args[2], bdims[2], size)
        target = tuple(src.shape)
    else:
        target = tuple(x.shape[:d]) + (k,) + tuple(x.shape[d + 1:])
    spread = [1] * len(target)
    spread[0], spread[d] = size, k
    index = expand(reshape(index, tuple(spread)), target)
    if op is INDEX_ADD:
        src = src if params["alpha"] == 1 else mul(src, params["alpha"])
        return apply(SCATTER_ADD, (x, index, src), {"dim": d}), 0
    if op is INDEX_COPY:
        return apply(SCATTER, (x, index, src), {"dim": d}), 0
    if op is INDEX_FILL:
        return apply(SCATTER_VALUE, (x, index), {"dim": d, "value": params["value"]}), 0
    value = batched_front(args[2], bdims[2], size)  # index_fill with a 0-d tensor value
    value = expand(reshape(value, (size,) + (1,) * (len(target) - 1)), target)
    return apply(SCATTER, (x, index, value), {"dim": d}), 0


INDEX_SELECT = Op("index_select", _index_select_forward, (_index_select_vjp, None), saves=(1,),
                  backward_name="IndexSelectBackward0",
                  jvp=linear_jvp, batch=_batch_index_select)
INDEX_ADD = Op(
    "index_add", _index_add_forward,
    (lambda g, ans, x, index, src, dim, alpha: g, None,
     lambda g, ans, x, index, src, dim, alpha: _scaled(
         apply(INDEX_SELECT, (g, index), {"dim": dim}), alpha)),
    saves=(1,), backward_name="IndexAddBackward0", jvp=linear_jvp, batch=_batch_index_write)


def _scaled(g, alpha):
    from .elementwise import mul

    return g if alpha == 1 else mul(g, alpha)


def _index_copy_vjp_src(g, ans, x, index, src, dim):
    return apply(INDEX_SELECT, (g, index), {"dim": dim})  # every duplicate gets it, as PyTorch


def _fill_zero(g, index, dim):
    return apply(INDEX_FILL, (g, index), {"dim": dim, "value": 0})


INDEX_COPY = Op("index_copy", _index_copy_forward,
                (lambda g, ans, x, index, src, dim: _fill_zero(g, index, dim), None,
                 _index_copy_vjp_src), saves=(1,), backward_name="IndexCopyBackward0",
                jvp=linear_jvp, batch=_batch_index_write)


def _index_fill_jvp(tangents, ans, x, index, dim, value):
    return _fill_zero(tangents[0], index, dim)  # (the filled value is a constant)


INDEX_FILL = Op("index_fill", _index_fill_forward,
                (lambda g, ans, x, index, dim, value: _fill_zero(g, index, dim), None),
                saves=(1,), backward_name="IndexFillBackward0", jvp=_index_fill_jvp,
                batch=_batch_index_write)


def _index_fill_vjp_value(g, ans, x, index, value, dim):
    from .reduction import sum as sum_

    idx = np.unique(_raw(index).reshape(-1) % max(x.shape[dim] if x.ndim else 1, 1))
    return sum_(apply(INDEX_SELECT, (g, idx), {"dim": dim}))


INDEX_FILL_TENSOR = Op("index_fill", _index_fill_tensor_forward,
                       (lambda g, ans, x, index, value, dim: _fill_zero(g, index, dim), None,
                        _index_fill_vjp_value),
                       saves=(1,), backward_name="IndexFillBackward1", jvp=linear_jvp,
                       batch=_batch_index_write)


def index_select(input, dim, index):
    """The entries of input at `index` (a 1-d integer tensor) along dim.

    >>> import chainrule as torch
    >>> torch.tensor([[1, 2], [3, 4]]).index_select(1, torch.tensor([1, 1]))
    tensor([[2, 2],
            [4, 4]])
    """
    d = check.index_select(input, dim, index)
    if input.ndim == 0:
        return _as_1d(lambda x, i: apply(INDEX_SELECT, (x, i), {"dim": 0}), input, index,
                      shape=())
    return apply(INDEX_SELECT, (input, index), {"dim": d})


def _index_write_1d(op, input, index, source, params, shape=()):
    """index_add / index_copy on a 0-d input (and a 0-d or 1-element source)."""
    return _as_1d(lambda x, i, v: apply(op, (x, i, v), params), input, index, source,
                  shape=shape)


def index_add(input, dim, index, source, *, alpha=1):
    """A copy of input with alpha * source added at `index` along dim (repeats add up)."""
    d = check.index_add(input, dim, index, source)
    if input.ndim == 0 or source.ndim == 0:
        return _index_write_1d(INDEX_ADD, input, index, source, {"dim": 0, "alpha": alpha},
                               tuple(input.shape))
    return apply(INDEX_ADD, (input, index, source), {"dim": d, "alpha": alpha})


def index_copy(input, dim, index, source):
    """A copy of input with source's slices written at `index` along dim (repeated indices: the
    last write lands)."""
    d = check.index_copy(input, dim, index, source)
    if input.ndim == 0 or source.ndim == 0:
        return _index_write_1d(INDEX_COPY, input, index, source, {"dim": 0},
                               tuple(input.shape))
    return apply(INDEX_COPY, (input, index, source), {"dim": d})


def index_fill(input, dim, index, value):
    """A copy of input with the slices at `index` along dim set to `value` (a number or a 0-d
    tensor, which then receives a gradient)."""
    d = check.index_fill(input, dim, index)
    if check.is_tensor(value):
        if value.ndim != 0:
            raise RuntimeError(f"index_fill_ only supports a 0-dimensional value tensor, but got "
                               f"tensor with {value.ndim} dimension(s).")
        if input.ndim == 0:
            return _index_write_1d(INDEX_FILL_TENSOR, input, index, value, {"dim": 0})
        return apply(INDEX_FILL_TENSOR, (input, index, value), {"dim": d})
    if input.ndim == 0:
        return _as_1d(lambda x, i: apply(INDEX_FILL, (x, i), {"dim": 0, "value": value}), input,
                      index, shape=())
    return apply(INDEX_FILL, (input, index), {"dim": d, "value": value})


# --- masks: masked_select / masked_scatter -------------------------------------------------------


def _masked_select_forward(x, mask):
    shape = np.broadcast_shapes(x.shape, mask.shape)
    return np.broadcast_to(x, shape)[np.broadcast_to(mask, shape)]


def _masked_scatter_forward(x, mask, src):
    shape = np.broadcast_shapes(x.shape, mask.shape)
    out = np.array(np.broadcast_to(x, shape))
    m = np.broadcast_to(mask, shape)
    n = int(np.count_nonzero(m))
    out[m] = src.reshape(-1)[:n]
    return out


def _masked_select_vjp(g, ans, x, mask):
    shape = np.broadcast_shapes(tuple(x.shape), tuple(mask.shape))
    return apply(MASKED_SCATTER, (_zeros(shape, g), mask, g), {})


def _masked_scatter_vjp_src(g, ans, x, mask, src):
    picked = apply(MASKED_SELECT, (g, mask), {})
    n = int(np.prod(tuple(src.shape), dtype=np.int64))
    from .padding import CONSTANT_PAD

    flat = apply(CONSTANT_PAD, (picked,), {"pad": (0, n - next(iter(picked.shape))), "value": 0})
    return reshape(flat, tuple(src.shape))


def _masked_scatter_vjp_x(g, ans, x, mask, src):
    from .elementwise import where

    return where(mask, 0.0, g)


MASKED_SELECT = Op("masked_select", _masked_select_forward, (_masked_select_vjp, None),
                   backward_name="MaskedSelectBackward0",
                   saves=(1,), jvp=linear_jvp)
MASKED_SCATTER = Op("masked_scatter", _masked_scatter_forward,
                    (_masked_scatter_vjp_x, None, _masked_scatter_vjp_src), saves=(1,),
                    backward_name="MaskedScatterBackward0", jvp=linear_jvp)


def masked_select(input, mask):
    """The 1-d tensor of input's entries where mask (broadcast together with input) is True.

    >>> import chainrule as torch
    >>> x = torch.tensor([[1, 2], [3, 4]])
    >>> torch.masked_select(x, x > 1)
    tensor([2, 3, 4])
    """
    check.mask("masked_select", input, mask)
    return apply(MASKED_SELECT, (input, mask), {})


def masked_scatter(input, mask, source):
    """A copy of input whose entries where mask is True are source's first entries, in order
    (source needs at least as many entries as mask has True values)."""
    shape = check.mask("masked_scatter", input, mask)
    if _np_dtype(source) != _np_dtype(input):
        raise RuntimeError(f"masked_scatter: expected self and source to have same dtypes but "
                           f"got{check.torch_name(_np_dtype(input))} and "
                           f"{check.torch_name(_np_dtype(source))}")
    m = check.values(mask)
    n = 0 if m is None else int(np.count_nonzero(np.broadcast_to(m, shape)))
    if n > check.numel(source):
        raise RuntimeError("Number of elements of source < number of ones in mask")
    return apply(MASKED_SCATTER, (input, mask, source), {})


# --- flat positions: take / put ----------------------------------------------------------------


def _take_forward(x, index):
    return x.reshape(-1)[index]


def _put_forward(x, index, src, accumulate):
    out = np.array(x, copy=True, order="C")
    flat = out.reshape(-1)
    if accumulate:
        np.add.at(flat, index.reshape(-1), src.reshape(-1))
    else:
        flat[index.reshape(-1)] = src.reshape(-1)
    return out


def _take_vjp(g, ans, x, index):
    return apply(PUT, (_zeros(x.shape, g), index, g), {"accumulate": True})


def _put_vjp_x(g, ans, x, index, src, accumulate):
    if accumulate:
        return g
    return apply(PUT, (g, index, _zeros(index.shape, g)), {"accumulate": False})


def _put_vjp_src(g, ans, x, index, src, accumulate):
    picked = apply(TAKE, (g, index), {})  # every duplicate gets it, as PyTorch
    return reshape(picked, tuple(src.shape))


def _batch_take(op, args, bdims, params):
    """take on a batch: each batch element flattened on its own, the positions gathered."""
    from .elementwise import remainder

    size = batch_size(args, bdims)
    x = reshape(batched_front(args[0], bdims[0], size), (size, -1))
    index = batched_front(args[1], bdims[1], size)
    logical = tuple(index.shape)[1:]
    flat = remainder(reshape(index, (size, -1)), max(tuple(x.shape)[1], 1))
    return reshape(apply(GATHER, (x, flat), {"dim": 1}), (size, *logical)), 0


TAKE = Op("take", _take_forward, (_take_vjp, None), saves=(1,), jvp=linear_jvp,
          batch=_batch_take)
PUT = Op("put", _put_forward,
         (_put_vjp_x, None, _put_vjp_src), saves=(1,), jvp=linear_jvp)


def take(input, index):
    """input treated as 1-d (row-major), read at `index`; the result has index's shape.

    >>> import chainrule as torch
    >>> torch.take(torch.tensor([[4, 3], [5, 7]]), torch.tensor([0, 3, -1]))
    tensor([4, 7, 7])
    """
    check.index_dtype("take", index)
    check.in_range("take", index, check.numel(input))
    return apply(TAKE, (input, index), {})


def put(input, index, source, accumulate=False):
    """A copy of input (treated as 1-d) with source written (accumulate=True: added) at the
    flat positions `index`."""
    check.put(input, index, source)
    return apply(PUT, (input, index, source), {"accumulate": bool(accumulate)})


def take_along_dim(input, indices, dim=None):
    """input's values at `indices` along dim, indices broadcast against input in the other
    dims (dim None: over the flattened input).

    >>> import chainrule as torch
    >>> x = torch.tensor([[10, 30, 20], [60, 40, 50]])
    >>> torch.take_along_dim(x, torch.argmax(x, 1, keepdim=True), 1)
    tensor([[30],
            [60]])
    """
    from .shape import expand

    check.index_dtype("take_along_dim", indices)
    if dim is None:
        return gather(reshape(input, (-1,)), 0, reshape(indices, (-1,)))
    nd = input.ndim
    if indices.ndim != nd:
        raise RuntimeError(f"torch.take_along_dim(): input and indices should have the same "
                           f"number of dimensions, but got {nd} dimensions for input, and "
                           f"{indices.ndim} dimensions for indices")
    d = check.dim("take_along_dim", dim, nd)
    xs, ins = list(input.shape), list(indices.shape)
    xs[d] = ins[d] = 1
    check.broadcast_pair(xs, ins)
    common = list(np.broadcast_shapes(tuple(xs), tuple(ins)))
    want_x, want_i = list(common), list(common)
    want_x[d], want_i[d] = input.shape[d], indices.shape[d]
    return gather(expand(input, tuple(want_x)), d, expand(indices, tuple(want_i)))


def index_put(input, indices, values, accumulate=False):
    """A copy of input with values written (accumulate=True: added) at input[indices]
    (indices a tuple of index tensors, as in input[indices] = values).

    >>> import chainrule as torch
    >>> torch.index_put(torch.zeros(3), (torch.tensor([0, 0]),), torch.tensor(1.0),
    ...                 accumulate=True)
    tensor([2., 0., 0.])
    """
    if isinstance(indices, Tensor):
        raise TypeError("index_put(): argument 'indices' must be tuple of Tensors, not Tensor")
    key = tuple(slice(None) if i is None else i for i in indices)
    for i in key:
        if isinstance(i, Tensor) and i._data.dtype.kind not in "iub":
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
    if check.is_tensor(values) and _np_dtype(values) != _np_dtype(input):
        raise RuntimeError(
            f"Index put requires the source and destination dtypes match, got "
            f"{check.torch_name(_np_dtype(input))} for the destination and "
            f"{check.torch_name(_np_dtype(values))} for the source.")
    return _put_key(input, values, key, accumulate)


# --- Tensor methods -------------------------------------------------------------------------------


def _method_index_fill(self, dim, index, value):
    return index_fill(self, dim, index, value)


from .._tensor_methods import install_methods

install_methods(
    {"gather": gather, "scatter": scatter, "scatter_add": scatter_add,
     "scatter_reduce": scatter_reduce, "index_select": index_select, "index_add": index_add,
     "index_copy": index_copy, "index_fill": index_fill, "masked_select": masked_select,
     "masked_scatter": masked_scatter, "take": take, "take_along_dim": take_along_dim,
     "put": put, "index_put": index_put},
    {"scatter_": scatter, "scatter_add_": scatter_add, "scatter_reduce_": scatter_reduce,
     "index_add_": index_add, "index_copy_": index_copy, "index_fill_": index_fill,
     "masked_scatter_": masked_scatter, "put_": put, "index_put_": index_put},
)
