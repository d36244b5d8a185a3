"""nn.functional.pad: constant, reflect, replicate and circular padding (negative pads crop).

    >>> import chainrule as torch
    >>> import chainrule.nn.functional as F
    >>> F.pad(torch.tensor([[1.0, 2.0, 3.0]]), (2, 1), mode="reflect")
    tensor([[3., 2., 1., 2., 3., 2.]])

`pad` lists (left, right) amounts starting from the LAST dim, as in PyTorch. Constant padding is
one op whose VJP is the same op with the pads negated (cropping what was added, zero-filling what
was cropped). The other modes gather: every output position along a padded dim reads one input
position (an index array per dim, from the mode's rule), so the VJP adds the gradient back at
those positions (repeated positions add up). Both act on trailing dims only, which is their
batching rule.
"""

import numbers

import numpy as np

from ._core import Op, apply, linear_jvp
from .shape import trailing

__all__ = ["pad"]


# --- constant ----------------------------------------------------------------------------------
# legend: rule(g, ans, x, **params) -> gradient of x; `pad` holds (left, right) per trailing dim,
# last dim first


def _out_shape(shape, pad):
    shape = list(shape)
    for k in range(len(pad) // 2):
        shape[-1 - k] += pad[2 * k] + pad[2 * k + 1]
    return tuple(shape)


def _constant_forward(x, pad, value):
    out = np.full(_out_shape(x.shape, pad), value, dtype=x.dtype)
    src = [slice(None)] * x.ndim
    dst = [slice(None)] * x.ndim
    for k in range(len(pad) // 2):
        left, right = pad[2 * k], pad[2 * k + 1]
        n = x.shape[-1 - k]
        lo, hi = max(-left, 0), n - max(-right, 0)  # the part of x that is kept
        if hi <= lo:
            return out  # nothing of x survives the cropping
        src[-1 - k] = slice(lo, hi)
        dst[-1 - k] = slice(max(left, 0), max(left, 0) + hi - lo)
    out[tuple(dst)] = x[tuple(src)]
    return out


def _constant_vjp(g, ans, x, pad, value):
    return apply(CONSTANT_PAD, (g,), {"pad": tuple(-p for p in pad), "value": 0})


def _constant_jvp(tangents, ans, x, pad, value):
    return apply(CONSTANT_PAD, (tangents[0],), {"pad": pad, "value": 0})


CONSTANT_PAD = Op("constant_pad_nd", _constant_forward, (_constant_vjp,),
                  backward_name="ConstantPadNdBackward0", jvp=_constant_jvp, batch=trailing)


# --- reflect / replicate / circular: gathers along each padded dim -----------------------------
# `index` holds (axis, positions) per padded dim, axis counted from the end (negative), so that
# the ops act on trailing dims whatever leading dims a batch adds


def _gather_forward(x, index):
    for axis, pos in index:
        x = np.take(x, pos, axis=axis)
    return x


def _scatter_forward(g, index, sizes):
    """The adjoint of _gather_forward: undo the gathers in reverse, adding repeated positions."""
    for (axis, pos), n in zip(reversed(index), reversed(sizes)):
        moved = np.moveaxis(g, axis, 0)
        out = np.zeros((n, *moved.shape[1:]), dtype=g.dtype)
        np.add.at(out, pos, moved)
        g = np.moveaxis(out, 0, axis)
    return g


def _gather_vjp(g, ans, x, index):
    sizes = tuple(x.shape[axis] for axis, _ in index)
    return apply(PAD_SCATTER, (g,), {"index": index, "sizes": sizes})


PAD_SCATTER = Op("pad_backward", _scatter_forward,
                 (lambda g, ans, x, index, sizes: apply(PAD_GATHER, (g,), {"index": index}),),
                 jvp=linear_jvp, batch=trailing)
_BACKWARD_NAMES = {"reflect": "ReflectionPad{}DBackward0", "replicate": "ReplicationPad{}DBackward0",
                   "circular": "CircularPad{}DBackward0"}
PAD_GATHER = Op("pad", _gather_forward, (_gather_vjp,), jvp=linear_jvp, batch=trailing)
_GATHER_OPS = {}


def _gather_op(mode, dims):
    key = (mode, dims)
    if key not in _GATHER_OPS:
        _GATHER_OPS[key] = Op("pad", _gather_forward, (_gather_vjp,), jvp=linear_jvp,
                              batch=trailing,
                              backward_name=_BACKWARD_NAMES[mode].format(dims))
    return _GATHER_OPS[key]


def _positions(mode, n, left, right):
    """For each output position along a dim of size n padded by (left, right): the input
    position it reads."""
    i = np.arange(-left, n + right, dtype=np.int64)
    if mode == "reflect":
        i = np.abs(i)
        return np.where(i > n - 1, 2 * (n - 1) - i, i)
    if mode == "replicate":
        return np.clip(i, 0, n - 1)
    return i % n  # circular


# --- checks and the public function ------------------------------------------------------------


def _check_pad(input, pad):
    pad = tuple(pad)
    for k, p in enumerate(pad):
        if isinstance(p, bool) or not isinstance(p, (int, np.integer)):
            raise TypeError(f"pad(): argument 'pad' (position 2) must be tuple of ints, but "
                            f"found element of type {type(p).__name__} at pos {k}")
    pad = tuple(int(p) for p in pad)
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    if len(pad) // 2 > input.ndim:
        raise RuntimeError(
            f"Padding length should be less than or equal to two times the input dimension but "
            f"got padding length {len(pad)} and input of dimension {input.ndim}"
        )
    return pad


def _check_gather_mode(input, pad, mode):
    dims = len(pad) // 2
    shape = tuple(input.shape)
    if not 1 <= dims <= 3 or input.ndim not in (dims + 1, dims + 2):
        raise NotImplementedError(
            f"Padding size {len(pad)} is not supported for {input.ndim}D input tensor.")
    if mode != "circular" and 0 in shape[-dims - 1:]:  # a batch of 0 is fine, nothing else
        raise RuntimeError(
            f"Expected {dims + 1}D or {dims + 2}D (batch mode) tensor with possibly 0 batch size "
            f"and other non-zero dimensions for input, but got: {list(shape)}"
        )
    for k in range(dims):
        left, right = pad[2 * k], pad[2 * k + 1]
        n = shape[-1 - k]
        out = n + left + right
        if mode == "reflect" and (left >= n or right >= n):
            raise RuntimeError(
                f"Argument #4: Padding size should be less than the corresponding input "
                f"dimension, but got: padding ({left}, {right}) at dimension {input.ndim - 1 - k} "
                f"of input {list(shape)}"
            )
        if mode == "circular":
            if left > n or right > n:
                raise RuntimeError("Padding value causes wrapping around more than once.")
            if out < 0:
                raise RuntimeError("Negative padding value is resulting in an empty dimension")
        elif out < 1:
            axis = "WHD"[k]
            raise RuntimeError(f"input ({axis}: {n}) is too small. Calculated output {axis}: "
                               f"{out}")


def pad(input, pad, mode="constant", value=None):
    """Pad (or, with negative amounts, crop) the trailing dims of `input`; `pad` is
    (left, right) for the last dim, then for the one before, and so on.

    Modes: 'constant' (fill with `value`, default 0), 'reflect' (mirror, not repeating the
    edge), 'replicate' (repeat the edge), 'circular' (wrap around). The non-constant modes pad
    the last 1-3 dims of a tensor with one or two leading (batch, channel) dims, as in PyTorch.

        >>> import chainrule as torch
        >>> import chainrule.nn.functional as F
        >>> F.pad(torch.tensor([1, 2, 3]), (1, 2), value=9)
        tensor([9, 1, 2, 3, 9, 9])
    """
    pad = _check_pad(input, pad)
    if mode == "constant":
        if value is None:
            value = 0
        if not isinstance(value, numbers.Number):
            value = float(getattr(value, "item", lambda: value)())
        for k in range(len(pad) // 2):
            if input.shape[-1 - k] + pad[2 * k] + pad[2 * k + 1] < 0:
                raise RuntimeError("narrow(): length must be non-negative.")
        return apply(CONSTANT_PAD, (input,), {"pad": pad, "value": value})
    if mode not in _BACKWARD_NAMES:
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    if value is not None and value != 0:
        raise RuntimeError(f'Padding mode "{mode}" doesn\'t take in value argument')
    _check_gather_mode(input, pad, mode)
    index = tuple((-1 - k, _positions(mode, input.shape[-1 - k], pad[2 * k], pad[2 * k + 1]))
                  for k in range(len(pad) // 2))
    return apply(_gather_op(mode, len(pad) // 2), (input,), {"index": index})
