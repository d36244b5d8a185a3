"""Forward-mode AD: dual tensors carry a tangent that every op pushes forward as it runs.

The API of `torch.autograd.forward_ad`:

    >>> import chainrule as torch
    >>> import chainrule.autograd.forward_ad as fwAD
    >>> x = torch.tensor([1.0, 2.0])
    >>> with fwAD.dual_level():
    ...     y = fwAD.make_dual(x, torch.tensor([1.0, 0.0])) ** 3
    ...     fwAD.unpack_dual(y).tangent
    tensor([3., 0.])

Levels nest (as JAX's `jvp` of `jvp`): each `dual_level()` opens a new level, and a tensor holds one
tangent per level it is dual at. The tangent of level L is computed by the op's JVP rule with the
levels >= L hidden, so the rule's own arithmetic carries the tangents of the outer levels (this is
what makes jvp-of-jvp give second derivatives without perturbation confusion). Tangents are
Tensors, computed with chainrule ops: when they require grad, reverse mode sees through them.
"""

import itertools
from collections import namedtuple


class _State:
    __slots__ = ("cap", "depth", "ids")

    def __init__(self):
        self.ids = []  # unique id of each open level, outermost first
        self.depth = 0  # len(ids): the one number apply() reads on its hot path
        self.cap = None  # only levels with index < cap are visible (None: all)


state = _State()
_ids = itertools.count()

UnpackedDualTensor = namedtuple("UnpackedDualTensor", ["primal", "tangent"])


def enter_dual_level():
    """Open a new forward-AD level and return its index (0 for the outermost)."""
    state.ids.append(next(_ids))
    state.depth = len(state.ids)
    return state.depth - 1


def exit_dual_level(*, level=None):
    """Close the innermost level; its tangents disappear from every tensor."""
    if not state.ids:
        raise RuntimeError("exit_dual_level: no forward AD level is active")
    last = len(state.ids) - 1
    if level is not None and level != last:
        raise RuntimeError(
            f"exit_dual_level: trying to exit level {level}, but the innermost active level is "
            f"{last}; levels must be exited in the reverse order they were entered"
        )
    state.ids.pop()
    state.depth = len(state.ids)


class dual_level:
    """Context manager for one forward-AD level: `with dual_level(): ...`."""

    def __enter__(self):
        self.level = enter_dual_level()
        return self.level

    def __exit__(self, *exc):
        exit_dual_level(level=self.level)


def _level_id(level, fn):
    if not state.ids:
        raise RuntimeError(
            f"{fn}: no forward AD level is active; wrap the code in "
            "`with chainrule.autograd.forward_ad.dual_level():`"
        )
    if level is None:
        level = len(state.ids) - 1
    if not 0 <= level < len(state.ids):
        raise RuntimeError(f"{fn}: level {level} is not an active forward AD level")
    return state.ids[level]


def visible_tangents(t):
    """{level index: tangent} of the levels of `t` that are open and visible now."""
    fw = t._fw
    if not fw:
        return None
    ids = state.ids
    cap = len(ids) if state.cap is None else state.cap
    out = None
    for i in range(cap):
        tan = fw.get(ids[i])
        if tan is not None:
            if out is None:
                out = {}
            out[i] = tan
    return out


def _alias(t):
    """A view of `t` (differentiable in reverse mode) with no tangents: the caller sets them."""
    from ..ops._core import ALIAS, apply  # (imported here: ops._core imports this module)

    saved, state.cap = state.cap, 0
    try:
        return apply(ALIAS, (t,), {})
    finally:
        state.cap = saved


def make_dual(tensor, tangent, *, level=None):
    """A view of `tensor` that carries `tangent` at `level` (the innermost by default)."""
    from .._tensor import Tensor

    lid = _level_id(level, "make_dual")
    if not isinstance(tensor, Tensor) or not isinstance(tangent, Tensor):
        raise TypeError("make_dual: expected tensor and tangent to be Tensors, got "
                        f"{type(tensor).__name__} and {type(tangent).__name__}")
    if not tensor.dtype.is_floating_point:
        raise ValueError(f"make_dual: expected primal to be floating point, got {tensor.dtype}")
    if tangent.shape != tensor.shape:
        raise RuntimeError(
            "make_dual: trying to set a forward gradient that has a different size than that of "
            f"the original Tensor: the primal is of size {list(tensor.shape)} while the tangent "
            f"is of size {list(tangent.shape)}"
        )
    if tangent.dtype != tensor.dtype:
        raise RuntimeError(
            f"make_dual: expected the tangent to have the primal's dtype {tensor.dtype}, got "
            f"{tangent.dtype}"
        )
    out = _alias(tensor)
    fw = dict(tensor._fw) if tensor._fw else {}
    fw[lid] = tangent
    out._fw = fw
    return out


def unpack_dual(tensor, *, level=None):
    """(primal, tangent) of `tensor` at `level`; the tangent is None where it has none."""
    from .._tensor import Tensor

    lid = _level_id(level, "unpack_dual")
    fw = tensor._fw if isinstance(tensor, Tensor) else None
    if not fw or lid not in fw:
        return UnpackedDualTensor(tensor, None)
    primal = _alias(tensor)
    rest = {k: v for k, v in fw.items() if k != lid}
    primal._fw = rest or None
    return UnpackedDualTensor(primal, fw[lid])

