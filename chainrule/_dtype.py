"""dtypes: PyTorch's names over NumPy dtypes, the default dtype, and PyTorch's type promotion.

A `dtype` prints as PyTorch's does (`torch.float32`) so that a script run with
`import chainrule as torch` prints what it prints under PyTorch.
"""

import numpy as np


class dtype:
    __slots__ = ("name", "np", "is_floating_point", "is_signed", "itemsize")

    def __init__(self, name, np_dtype):
        self.name = name
        self.np = np.dtype(np_dtype)
        self.is_floating_point = self.np.kind == "f"
        self.is_signed = self.np.kind in "if"
        self.itemsize = self.np.itemsize

    def __repr__(self):
        return "torch." + self.name

    def __reduce__(self):
        return (_by_name, (self.name,))


float16 = half = dtype("float16", np.float16)
float32 = float = dtype("float32", np.float32)
float64 = double = dtype("float64", np.float64)
uint8 = dtype("uint8", np.uint8)
int8 = dtype("int8", np.int8)
int16 = short = dtype("int16", np.int16)
int32 = int = dtype("int32", np.int32)
int64 = long = dtype("int64", np.int64)
bool = dtype("bool", np.bool_)  # noqa: A001 - PyTorch's name

ALL = (float16, float32, float64, uint8, int8, int16, int32, int64, bool)
_FROM_NP = {d.np: d for d in ALL}


def _by_name(name):
    return next(d for d in ALL if d.name == name)


def from_numpy_dtype(np_dtype):
    """The chainrule dtype of a NumPy dtype; TypeError for one chainrule does not support."""
    try:
        return _FROM_NP[np_dtype]
    except KeyError:
        raise TypeError(f"chainrule does not support NumPy dtype {np_dtype}") from None


def to_numpy_dtype(d):
    """Accepts a chainrule dtype, a NumPy dtype or a Python type (float, int, bool)."""
    if d.__class__ is dtype:
        return d.np
    if d is builtins_float:
        return _default[0].np
    if d is builtins_int:
        return int64.np
    if d is builtins_bool:
        return bool.np
    return from_numpy_dtype(np.dtype(d)).np


builtins_float, builtins_int, builtins_bool = 1.0.__class__, (1).__class__, True.__class__

_default = [float32]


def get_default_dtype():
    return _default[0]


def set_default_dtype(d):
    if d not in (float32, float64, float16):
        raise TypeError(f"set_default_dtype: only floating point dtypes are supported, got {d}")
    _default[0] = d


def default_float_np():
    return _default[0].np


# --- type promotion, as PyTorch does it ------------------------------------------------------
# Operands fall in three tiers: tensors with dimensions, 0-d tensors, Python scalars. The result
# is the promotion of the first tier, raised to a higher tier's dtype only when that tier holds
# a higher category (bool < integer < floating). Within a category the wider dtype wins.

_CATEGORY = {"b": 0, "u": 1, "i": 1, "f": 2}


def promote_types(a, b):
    """PyTorch's promote_types on NumPy dtypes: a higher category wins outright."""
    if a == b:
        return a
    ca, cb = _CATEGORY[a.kind], _CATEGORY[b.kind]
    if ca != cb:
        return a if ca > cb else b
    return np.promote_types(a, b)


def _scalar_np(x):
    if x.__class__ is builtins_bool:
        return bool.np
    if x.__class__ is builtins_int:
        return int64.np
    return _default[0].np


def result_type(*xs):
    """The NumPy dtype PyTorch gives an elementwise op on arrays and Python scalars `xs`."""
    tiers = [None, None, None]
    for x in xs:
        if isinstance(x, np.ndarray) or isinstance(x, np.generic):
            t, d = (0 if x.ndim else 1), x.dtype
        else:
            t, d = 2, _scalar_np(x)
        tiers[t] = d if tiers[t] is None else promote_types(tiers[t], d)
    out = None
    for d in tiers:
        if d is None:
            continue
        if out is None or _CATEGORY[d.kind] > _CATEGORY[out.kind]:
            out = d
    return out

