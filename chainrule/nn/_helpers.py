"""Small helpers shared by chainrule.nn: PyTorch's short dtype names, reductions, the RNG."""

import warnings

import numpy as np

from .. import _factories
from .._tensor import Tensor
from ..ops.reduction import mean, sum

_SCALAR_NAMES = {
    "float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long", "int32": "Int",
    "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool",
}


def scalar_name(t):
    """PyTorch's name for a tensor's scalar type, as in its error messages ('Float', 'Long')."""
    return _SCALAR_NAMES.get(t._data.dtype.name, t._data.dtype.name)


def rng():
    """The generator behind chainrule.rand/randn, so that manual_seed also seeds nn."""
    return _factories._rng[0]


def check_reduction(reduction):
    if reduction not in ("none", "mean", "sum"):
        if reduction == "elementwise_mean":
            warnings.warn("reduction='elementwise_mean' is deprecated. Please use "
                          "reduction='mean' instead.", stacklevel=3)
            return "mean"
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return reduction


def legacy_reduction(size_average, reduce, reduction):
    """PyTorch's deprecated size_average/reduce flags folded into `reduction`."""
    if size_average is None and reduce is None:
        return check_reduction(reduction)
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    ret = "mean" if (size_average and reduce) else ("sum" if reduce else "none")
    warnings.warn(f"size_average and reduce args will be deprecated, please use "
                  f"reduction='{ret}' instead.", stacklevel=3)
    return ret


def reduce(loss, reduction):
    if reduction == "none":
        return loss
    if reduction == "sum":
        return sum(loss)
    return mean(loss)


def as_tensor(x):
    return x if isinstance(x, Tensor) else Tensor._make(np.asarray(x))


def write_(t, array):
    """Write `array` into `t` in place without recording (init, running stats, renorm)."""
    t._data[...] = array
    t._vc[0] += 1
    return t
