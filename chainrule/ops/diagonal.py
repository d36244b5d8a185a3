"""Diagonals and triangles: diagonal (a view), diag, diag_embed, diagflat, tril, triu, trace.

All are linear. diagonal and diag_embed are each other's VJP (diagonal's VJP writes the gradient
on the diagonal of zeros); tril and triu are their own VJPs (a fixed mask); trace's VJP puts the
gradient on the diagonal. JVPs are the ops applied to the tangents.
"""

import numpy as np

from ._core import Op, apply, linear_jvp, normalize_dim
from .shape import expand, front, reshape, shifted, trailing

__all__ = ["diag", "diag_embed", "diagflat", "diagonal", "diagonal_scatter", "trace", "tril",
           "triu"]


def _diagonal_view(x, offset, dim1, dim2):
    """The writable view of x's diagonal (NumPy's np.diagonal is read-only): the other dims in
    order, then the diagonal."""
    n1, n2 = x.shape[dim1], x.shape[dim2]
    length = max(0, min(n1 + min(offset, 0), n2 - max(offset, 0)))
    key = [slice(None)] * x.ndim
    if length:  # start at the diagonal's first element
        key[dim1] = slice(max(-offset, 0), None)
        key[dim2] = slice(max(offset, 0), None)
    start = x[tuple(key)]
    rest = [d for d in range(x.ndim) if d not in (dim1, dim2)]
    shape = tuple(x.shape[d] for d in rest) + (length,)
    strides = tuple(start.strides[d] for d in rest) + (start.strides[dim1] + start.strides[dim2],)
    return np.lib.stride_tricks.as_strided(start, shape, strides)


# --- diagonal / diag_embed ---------------------------------------------------------------------
# legend: rule(g, ans, x, **params) -> gradient of x


def _diag_embed_forward(x, offset, dim1, dim2):
    """Zeros of the output's shape with x's last dim written on the (dim1, dim2) diagonal."""
    n = x.shape[-1] + abs(offset)
    shape = list(x.shape[:-1])
    for d in sorted((dim1, dim2)):
        shape.insert(d, n)
    out = np.zeros(shape, dtype=x.dtype)
    _diagonal_view(out, offset, dim1, dim2)[...] = x
    return out


_DIAG_PARAMS = ("dim1", "dim2")
DIAGONAL = Op("diagonal", lambda x, offset, dim1, dim2: _diagonal_view(x, offset, dim1, dim2),
              (lambda g, ans, x, offset, dim1, dim2: _diagonal_backward(g, x.shape, offset, dim1,
                                                                        dim2),),
              view=True, jvp=linear_jvp, batch=shifted(*_DIAG_PARAMS))


def _diagonal_backward_forward(g, shape, offset, dim1, dim2):
    out = np.zeros(shape, dtype=g.dtype)
    _diagonal_view(out, offset, dim1, dim2)[...] = g
    return out


def _batch_diagonal_backward(op, args, bdims, params):
    g = front(args[0], bdims[0])
    new = dict(params, shape=(next(iter(g.shape)), *params["shape"]), dim1=params["dim1"] + 1,
               dim2=params["dim2"] + 1)
    return apply(op, (g,), new), 0


DIAGONAL_BACKWARD = Op(
    "diagonal_backward", _diagonal_backward_forward,
    (lambda g, ans, x, shape, offset, dim1, dim2: apply(DIAGONAL, (g,), {
        "offset": offset, "dim1": dim1, "dim2": dim2}),),
    backward_name="DiagonalBackwardBackward0", jvp=linear_jvp, batch=_batch_diagonal_backward)


def _diagonal_backward(g, shape, offset, dim1, dim2):
    return apply(DIAGONAL_BACKWARD, (g,), {"shape": tuple(shape), "offset": offset,
                                           "dim1": dim1, "dim2": dim2})


DIAG_EMBED = Op("diag_embed", _diag_embed_forward,
                (lambda g, ans, x, offset, dim1, dim2: apply(DIAGONAL, (g,), {
                    "offset": offset, "dim1": dim1, "dim2": dim2}),),
                backward_name="DiagEmbedBackward0", jvp=linear_jvp, batch=shifted(*_DIAG_PARAMS))
# diag of a 1-d tensor is diag_embed; of a 2-d one, a copy of the diagonal
DIAG_COPY = Op("diag", lambda x, offset, dim1, dim2: _diagonal_view(x, offset, dim1, dim2).copy(),
               DIAGONAL.vjps, backward_name="DiagonalBackward0_copy", jvp=linear_jvp,
               batch=shifted(*_DIAG_PARAMS))


def _two_dims(name, dim1, dim2, ndim):
    if ndim == 0:  # PyTorch checks dims of a 0-d tensor as if it had one dim
        normalize_dim(name, (dim1, dim2)[abs(dim2) > abs(dim1)], 0)
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    d1 = normalize_dim(name, dim1, ndim)[0]
    d2 = normalize_dim(name, dim2, ndim)[0]
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return d1, d2


def diagonal(input, offset=0, dim1=0, dim2=1):
    """The view of the diagonal of the (dim1, dim2) planes, as the last dim (offset > 0: above
    the main diagonal).

    >>> import chainrule as torch
    >>> torch.arange(9).reshape(3, 3).diagonal(1)
    tensor([1, 5])
    """
    d1, d2 = _two_dims("diagonal", dim1, dim2, input.ndim)
    return apply(DIAGONAL, (input,), {"offset": int(offset), "dim1": d1, "dim2": d2})


def diag_embed(input, offset=0, dim1=-2, dim2=-1):
    """A tensor whose (dim1, dim2) diagonals hold input's last dim, zeros elsewhere.

    >>> import chainrule as torch
    >>> torch.diag_embed(torch.tensor([1, 2]))
    tensor([[1, 0],
            [0, 2]])
    """
    d1, d2 = _two_dims("diag_embed", dim1, dim2, input.ndim + 1)
    return apply(DIAG_EMBED, (input,), {"offset": int(offset), "dim1": d1, "dim2": d2})


def diag(input, diagonal=0):
    """A 1-d input gives the square matrix with it on diagonal `diagonal`; a 2-d input gives (a
    copy of) that diagonal."""
    nd = input.ndim
    if nd == 1:
        return apply(DIAG_EMBED, (input,), {"offset": int(diagonal), "dim1": 0, "dim2": 1})
    if nd == 2:
        return apply(DIAG_COPY, (input,), {"offset": int(diagonal), "dim1": 0, "dim2": 1})
    raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {nd}D")


def diagflat(input, offset=0):
    """The flattened input on diagonal `offset` of a square matrix."""
    flat = reshape(input, (-1,))
    return apply(DIAG_EMBED, (flat,), {"offset": int(offset), "dim1": 0, "dim2": 1})


def _diagonal_scatter_forward(x, src, offset, dim1, dim2):
    out = x.copy()
    _diagonal_view(out, offset, dim1, dim2)[...] = src
    return out


def _diagonal_scatter_vjp_x(g, ans, x, src, offset, dim1, dim2):
    zeros = np.zeros(tuple(src.shape), dtype=getattr(g, "_data", g).dtype)
    return apply(DIAGONAL_SCATTER, (g, zeros), {"offset": offset, "dim1": dim1, "dim2": dim2})


def _batch_diagonal_scatter(op, args, bdims, params):
    from .shape import batch_size, batched_front

    size = batch_size(args, bdims)
    moved = [batched_front(a, b, size) for a, b in zip(args, bdims)]
    return apply(op, moved, dict(params, dim1=params["dim1"] + 1, dim2=params["dim2"] + 1)), 0


DIAGONAL_SCATTER = Op(
    "diagonal_scatter", _diagonal_scatter_forward,
    (_diagonal_scatter_vjp_x,
     lambda g, ans, x, src, offset, dim1, dim2: apply(DIAGONAL, (g,), {
         "offset": offset, "dim1": dim1, "dim2": dim2})),
    backward_name="DiagonalScatterBackward0", jvp=linear_jvp, batch=_batch_diagonal_scatter)


def diagonal_scatter(input, src, offset=0, dim1=0, dim2=1):
    """A copy of input with src written on its diagonal (input.diagonal(offset, dim1, dim2)).

    >>> import chainrule as torch
    >>> torch.diagonal_scatter(torch.zeros(2, 2), torch.ones(2))
    tensor([[1., 0.],
            [0., 1.]])
    """
    d1, d2 = _two_dims("diagonal_scatter", dim1, dim2, input.ndim)
    want = _diagonal_view(np.empty(tuple(input.shape), dtype=np.int8), int(offset), d1, d2).shape
    if tuple(src.shape) != want:
        raise RuntimeError(f"expected src to have a size equal to the slice of self. src size = "
                           f"{list(src.shape)}, slice size = {list(want)}")
    return apply(DIAGONAL_SCATTER, (input, src), {"offset": int(offset), "dim1": d1, "dim2": d2})


# --- tril / triu / trace -----------------------------------------------------------------------

TRIL = Op("tril", lambda x, diagonal: np.tril(x, diagonal),
          (lambda g, ans, x, diagonal: apply(TRIL, (g,), {"diagonal": diagonal}),),
          jvp=linear_jvp, batch=trailing)
TRIU = Op("triu", lambda x, diagonal: np.triu(x, diagonal),
          (lambda g, ans, x, diagonal: apply(TRIU, (g,), {"diagonal": diagonal}),),
          jvp=linear_jvp, batch=trailing)


def tril(input, diagonal=0):
    """The lower triangle (on and below diagonal `diagonal`) of the last two dims; zeros above.

    >>> import chainrule as torch
    >>> torch.tril(torch.ones(2, 2))
    tensor([[1., 0.],
            [1., 1.]])
    """
    if input.ndim < 2:
        raise RuntimeError("tril: input tensor must have at least 2 dimensions")
    return apply(TRIL, (input,), {"diagonal": int(diagonal)})


def triu(input, diagonal=0):
    """The upper triangle (on and above diagonal `diagonal`) of the last two dims."""
    if input.ndim < 2:
        raise RuntimeError("triu: input tensor must have at least 2 dimensions")
    return apply(TRIU, (input,), {"diagonal": int(diagonal)})


def _trace_forward(x):
    out = np.trace(x)
    if x.dtype.kind in "biu":
        return np.asarray(out, dtype=np.int64)
    return np.asarray(out, dtype=x.dtype)


def _trace_vjp(g, ans, x):
    n = min(x.shape)
    return _diagonal_backward(expand(g, (n,)), x.shape, 0, 0, 1)


def _batch_trace(op, args, bdims, params):
    from .reduction import sum as sum_

    x = front(args[0], bdims[0])
    return sum_(apply(DIAGONAL, (x,), {"offset": 0, "dim1": 1, "dim2": 2}), -1), 0


TRACE = Op("trace", _trace_forward, (_trace_vjp,), jvp=linear_jvp, batch=_batch_trace)


def trace(input):
    """The sum of the main diagonal of a matrix (integer inputs give int64)."""
    if input.ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {input.ndim}")
    if getattr(input, "_data", input).dtype == np.bool_:
        raise NotImplementedError("\"trace\" not implemented for 'Bool'")
    return apply(TRACE, (input,), {})


from .._tensor_methods import install_methods

install_methods(
    {"diag": diag, "diagonal": diagonal, "diag_embed": diag_embed, "diagflat": diagflat,
     "diagonal_scatter": diagonal_scatter, "tril": tril, "triu": triu, "trace": trace},
    {"tril_": tril, "triu_": triu},
)
