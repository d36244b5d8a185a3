"""Ops that copy their input's elements into a new order: flip, fliplr, flipud, roll, rot90,
repeat, tile. (None of them is a view: each returns fresh memory, as in PyTorch.)

All are linear: each VJP moves the gradient back (the inverse permutation, or for repeat the sum
over the copies) and each JVP is the op applied to the tangent (`jvp=linear_jvp`).
"""

import numpy as np

from ._core import Op, apply, linear_jvp, normalize_dim
from .shape import front, reshape, shifted

__all__ = ["flip", "fliplr", "flipud", "roll", "rot90", "tile"]  # (repeat: a method)


def _dim_list(dims):
    return (dims,) if isinstance(dims, (int, np.integer)) else tuple(dims)


def _unique_dims(name, dims, ndim):
    """Non-negative dims in the given order; a repeated dim is an error (as in PyTorch)."""
    out = []
    for d in dims:
        norm = normalize_dim(name, d, ndim)  # () for a 0-d input (dims 0 and -1 are valid)
        out.append(norm[0] if norm else 0)
    out = tuple(out)
    for i, d in enumerate(out):
        if d in out[:i]:
            raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
    return out


# --- flip ------------------------------------------------------------------------------------
# legend: rule(g, ans, x, **params) -> gradient of x


def _flip_forward(x, dims):
    return np.flip(x, dims).copy() if dims and x.ndim else x.copy()


FLIP = Op("flip", _flip_forward, (lambda g, ans, x, dims: apply(FLIP, (g,), {"dims": dims}),),
          jvp=linear_jvp, batch=shifted("dims"))


def flip(input, dims):
    """Reverse the order of elements along `dims` (a copy).

    >>> import chainrule as torch
    >>> torch.flip(torch.tensor([[1, 2], [3, 4]]), [0, 1])
    tensor([[4, 3],
            [2, 1]])
    """
    dims = _unique_dims("flip", _dim_list(dims), input.ndim)
    return apply(FLIP, (input,), {"dims": dims if input.ndim else ()})


def fliplr(input):
    """Flip the columns (dim 1) of a tensor with at least 2 dims."""
    if input.ndim < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return flip(input, (1,))


def flipud(input):
    """Flip the rows (dim 0) of a tensor with at least 1 dim."""
    if input.ndim < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return flip(input, (0,))


# --- roll ------------------------------------------------------------------------------------


def _roll_forward(x, shifts, dims):
    if dims is None:  # the flattened tensor is rolled, then given its shape back
        return np.roll(x.reshape(-1), shifts[0]).reshape(x.shape)
    return np.roll(x, shifts, dims)


def _roll_vjp(g, ans, x, shifts, dims):
    return apply(ROLL, (g,), {"shifts": tuple(-s for s in shifts), "dims": dims})


def _batch_roll(op, args, bdims, params):
    if params["dims"] is not None:
        return shifted("dims")(op, args, bdims, params)
    x = front(args[0], bdims[0])
    shape = tuple(x.shape)
    flat = reshape(x, (shape[0], -1))
    out = apply(op, (flat,), {"shifts": params["shifts"], "dims": (1,)})
    return reshape(out, shape), 0


ROLL = Op("roll", _roll_forward, (_roll_vjp,), jvp=linear_jvp, batch=_batch_roll)


def roll(input, shifts, dims=None):
    """Shift elements cyclically along `dims` (over the flattened tensor when dims is None).

    >>> import chainrule as torch
    >>> torch.roll(torch.tensor([1, 2, 3, 4]), 1)
    tensor([4, 1, 2, 3])
    """
    shifts = tuple(int(s) for s in _dim_list(shifts))
    if dims is None:
        if len(shifts) != 1:
            raise RuntimeError(f"roll: shifts must have one element when dims is None, got "
                               f"{list(shifts)}")
        return apply(ROLL, (input,), {"shifts": shifts, "dims": None})
    dims = _dim_list(dims)
    if len(shifts) != len(dims):
        raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, "
                           f"dims:{len(dims)}")
    nd = input.ndim
    dims = tuple(normalize_dim("roll", d, nd)[0] if nd else 0 for d in dims)
    if not nd:
        return apply(ROLL, (input,), {"shifts": (0,), "dims": None})
    return apply(ROLL, (input,), {"shifts": shifts, "dims": dims})


# --- rot90 -----------------------------------------------------------------------------------


def _rot90_forward(x, k, dims):
    d0, d1 = dims
    if k == 1:
        return np.swapaxes(np.flip(x, d1).copy(), d0, d1)
    if k == 2:
        return np.flip(x, (d0, d1)).copy()
    if k == 3:
        return np.swapaxes(np.flip(x, d0).copy(), d0, d1)
    return x.copy()


ROT90 = Op("rot90", _rot90_forward,
           (lambda g, ans, x, k, dims: apply(ROT90, (g,), {"k": -k % 4, "dims": dims}),),
           jvp=linear_jvp, batch=shifted("dims"))


def rot90(input, k=1, dims=(0, 1)):
    """Rotate by 90 degrees k times in the plane of `dims`, from the first dim towards the
    second (a copy whose strides are transposed for odd k, as in PyTorch).

    >>> import chainrule as torch
    >>> torch.rot90(torch.tensor([[1, 2], [3, 4]]))
    tensor([[2, 4],
            [1, 3]])
    """
    dims = tuple(dims)
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    nd = input.ndim
    if nd < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {nd}")
    d0, d1 = (normalize_dim("rot90", d, nd)[0] for d in dims)
    if d0 == d1:
        raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {d0} and "
                           f"dim1 = {d1}")
    return apply(ROT90, (input,), {"k": int(k) % 4, "dims": (d0, d1)})


# --- repeat / tile ---------------------------------------------------------------------------


def _repeat_forward(x, sizes):
    lead = len(sizes) - x.ndim
    return np.tile(x.reshape((1,) * lead + x.shape), sizes)


def _repeat_vjp(g, ans, x, sizes):
    """Each element of x appears once in each tile: sum the gradient over the tiles."""
    from .reduction import sum as sum_

    shape = (1,) * (len(sizes) - x.ndim) + tuple(x.shape)
    split = tuple(n for pair in zip(sizes, shape) for n in pair)  # (r0, n0, r1, n1, ...)
    total = sum_(reshape(g, split), tuple(range(0, 2 * len(sizes), 2)))
    return reshape(total, x.shape)


def _batch_repeat(op, args, bdims, params):
    x = front(args[0], bdims[0])
    shape = tuple(x.shape)
    sizes = params["sizes"]
    lead = len(sizes) - (len(shape) - 1)
    if lead:  # the new leading dims go after the batch dim
        x = reshape(x, (shape[0],) + (1,) * lead + shape[1:])
    return apply(op, (x,), {"sizes": (1, *sizes)}), 0


REPEAT = Op("repeat", _repeat_forward, (_repeat_vjp,), jvp=linear_jvp, batch=_batch_repeat)


def repeat(input, *sizes):
    """Tile `input` sizes[i] times along dim i (new leading dims when there are more sizes
    than dims): Tensor.repeat, NumPy's tile.

    >>> import chainrule as torch
    >>> torch.tensor([1, 2]).repeat(2, 2)
    tensor([[1, 2, 1, 2],
            [1, 2, 1, 2]])
    """
    if len(sizes) == 1 and not isinstance(sizes[0], (int, np.integer)):
        sizes = tuple(sizes[0])
    sizes = tuple(int(s) for s in sizes)
    if len(sizes) < input.ndim:
        raise RuntimeError("Number of dimensions of repeat dims can not be smaller than number "
                           "of dimensions of tensor")
    shape = (1,) * (len(sizes) - input.ndim) + tuple(input.shape)
    if any(s < 0 for s in sizes):
        out = [n * s for n, s in zip(shape, sizes)]
        bad = next(n for n in out if n < 0)
        raise RuntimeError(f"Trying to create tensor with negative dimension {bad}: {out}")
    return apply(REPEAT, (input,), {"sizes": sizes})


def tile(input, dims):
    """Like repeat, except that fewer sizes than dims are padded with leading 1s."""
    dims = _dim_list(dims)
    dims = (1,) * (input.ndim - len(dims)) + tuple(int(d) for d in dims)
    return repeat(input, dims)


from .._tensor_methods import install_methods

install_methods({"flip": flip, "fliplr": fliplr, "flipud": flipud, "roll": roll, "rot90": rot90,
                 "repeat": repeat, "tile": tile})
