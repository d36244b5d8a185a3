"""Stacking and dimension-raising helpers built from cat, reshape and expand: hstack, vstack,
row_stack, dstack, column_stack, atleast_1d/2d/3d, broadcast_tensors, broadcast_shapes.

They are compositions of ops declared in shape.py (so their VJP, JVP and batching rules are
those of cat, reshape, unsqueeze and expand), with PyTorch's names and edge cases.
"""

import numpy as np

from .shape import cat, expand, reshape, unsqueeze

__all__ = ["atleast_1d", "atleast_2d", "atleast_3d", "broadcast_shapes", "broadcast_tensors",
           "column_stack", "dstack", "hstack", "row_stack", "vstack"]


def _tensor_list(name, tensors):
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError(f"{name} expects a non-empty TensorList")
    return tensors


def _atleast(raise_to, tensors):
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        return tuple(raise_to(t) for t in tensors[0])
    if len(tensors) == 1:
        return raise_to(tensors[0])
    return tuple(raise_to(t) for t in tensors)


def _to_1d(t):
    return reshape(t, (1,)) if t.ndim == 0 else t


def _to_2d(t):
    if t.ndim == 0:
        return reshape(t, (1, 1))
    return unsqueeze(t, 0) if t.ndim == 1 else t


def _to_3d(t):
    if t.ndim == 0:
        return reshape(t, (1, 1, 1))
    if t.ndim == 1:
        return unsqueeze(unsqueeze(t, 0), 2)
    return unsqueeze(t, 2) if t.ndim == 2 else t


def atleast_1d(*tensors):
    """Each tensor viewed with at least 1 dim (a tensor already that wide is returned itself).

    >>> import chainrule as torch
    >>> torch.atleast_1d(torch.tensor(1.0))
    tensor([1.])
    """
    return _atleast(_to_1d, tensors)


def atleast_2d(*tensors):
    """Each tensor viewed with at least 2 dims: a 1-d (n,) becomes (1, n)."""
    return _atleast(_to_2d, tensors)


def atleast_3d(*tensors):
    """Each tensor viewed with at least 3 dims: (n,) becomes (1, n, 1), (m, n) becomes
    (m, n, 1)."""
    return _atleast(_to_3d, tensors)


def hstack(tensors):
    """Concatenate along dim 1 (dim 0 when the tensors are 1-d; 0-d ones count as 1-d).

    >>> import chainrule as torch
    >>> torch.hstack([torch.tensor([1, 2]), torch.tensor([3])])
    tensor([1, 2, 3])
    """
    tensors = [_to_1d(t) for t in _tensor_list("hstack", tensors)]
    return cat(tensors, 0 if tensors[0].ndim == 1 else 1)


def vstack(tensors):
    """Concatenate along dim 0 after viewing each tensor as at least 2-d (rows)."""
    return cat([_to_2d(t) for t in _tensor_list("vstack", tensors)], 0)


row_stack = vstack


def dstack(tensors):
    """Concatenate along dim 2 after viewing each tensor as at least 3-d (depth)."""
    return cat([_to_3d(t) for t in _tensor_list("dstack", tensors)], 2)


def column_stack(tensors):
    """Concatenate along dim 1, each 0-d or 1-d tensor taken as one column (n, 1)."""
    tensors = _tensor_list("column_stack", tensors)
    return cat([reshape(t, (t.numel() if hasattr(t, "numel") else np.size(t), 1))
                if t.ndim <= 1 else t for t in tensors], 1)


def broadcast_shapes(*shapes):
    """The shape that tensors of `shapes` broadcast to (a RuntimeError as PyTorch's if none).

    >>> import chainrule as torch
    >>> torch.broadcast_shapes((2, 1), (3,))
    torch.Size([2, 3])
    """
    from .._tensor import Size

    shapes = [(s,) if isinstance(s, (int, np.integer)) else tuple(s) for s in shapes]
    ndim = max((len(s) for s in shapes), default=0)
    out = [1] * ndim
    for k, s in enumerate(shapes):  # PyTorch's order: each shape against the result so far
        for i in range(1, len(s) + 1):
            if s[-i] != 1 and out[-i] != 1 and s[-i] != out[-i]:
                raise RuntimeError(
                    f"Attempting to broadcast a dimension of length {s[-i]} at {-i}! Mismatching "
                    f"argument at index {k} had {s}; but expected shape should be broadcastable "
                    f"to {out}"
                )
            if s[-i] != 1:
                out[-i] = s[-i]
    return Size(out)


def broadcast_tensors(*tensors):
    """The tensors expanded (as views) to their common broadcast shape; a tensor that already
    has it comes back as itself.

    >>> import chainrule as torch
    >>> [t.shape for t in torch.broadcast_tensors(torch.ones(2, 1), torch.ones(3))]
    [torch.Size([2, 3]), torch.Size([2, 3])]
    """
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    shapes = [tuple(t.shape) for t in tensors]
    for i in range(len(shapes)):
        for j in range(i):
            _check_pair(shapes[j], shapes[i])
    shape = tuple(broadcast_shapes(*shapes))
    return tuple(t if tuple(t.shape) == shape else expand(t, shape) for t in tensors)


def _check_pair(a, b):
    for i in range(1, min(len(a), len(b)) + 1):
        if a[-i] != b[-i] and a[-i] != 1 and b[-i] != 1:
            raise RuntimeError(
                f"The size of tensor a ({a[-i]}) must match the size of tensor b ({b[-i]}) at "
                f"non-singleton dimension {max(len(a), len(b)) - i}"
            )


from .._tensor_methods import install_methods
from .shape import movedim, ravel, transpose

install_methods({"ravel": ravel, "moveaxis": movedim, "swapdims": transpose})
