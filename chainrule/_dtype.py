"""dtypes: PyTorch's names over NumPy dtypes, the default dtype, and PyTorch's type promotion.

A `dtype` prints as PyTorch's does (`torch.float32`) so that a script run with
`import chainrule as torch` prints what it prints under PyTorch.
"""

import numpy as np


class dtype:
    """A tensor element type; one instance per type, so `is` and `==` agree (as in PyTorch)."""

    __slots__ = ("is_floating_point", "is_signed", "itemsize", "name", "np")
    is_complex = False

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

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self

    def to_real(self):
        return self


float16 = half = dtype("float16", np.float16)
float32 = float = dtype("float32", np.float32)
float64 = double = dtype("float64", np.float64)
uint8 = dtype("uint8", np.uint8)
int8 = dtype("int8", np.int8)
int16 = short = dtype("int16", np.int16)
int32 = int = dtype("int32", np.int32)
int64 = long = dtype("int64", np.int64)
bool = dtype("bool", np.bool_)

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
    """Accepts a chainrule dtype, a NumPy dtype or a Python type (float, int, bool).

    As in PyTorch, the Python type `float` means float64 (not the default dtype)."""
    if d.__class__ is dtype:
        return d.np
    if d is builtins_float:
        return float64.np
    if d is builtins_int:
        return int64.np
    if d is builtins_bool:
        return bool.np
    return from_numpy_dtype(np.dtype(d)).np


def check_dtype_arg(fn_name, d):
    """The NumPy dtype for a public `dtype=` argument; TypeError for anything PyTorch rejects
    (strings and NumPy types: PyTorch accepts only torch dtypes and the Python types)."""
    if d.__class__ is dtype:
        return d.np
    if d is builtins_float or d is builtins_int or d is builtins_bool:
        return to_numpy_dtype(d)
    raise TypeError(
        f"{fn_name}(): argument 'dtype' must be torch.dtype, not {type(d).__name__}"
    )


builtins_float, builtins_int, builtins_bool = 1.0.__class__, (1).__class__, True.__class__

_default = [float32]


def get_default_dtype():
    return _default[0]


def set_default_dtype(d):
    """Make `d` (float32, float64 or float16) the dtype of new floating point tensors."""
    if d not in (float32, float64, float16):
        raise TypeError(
            f"couldn't find storage object for dtype {d} (set_default_dtype accepts only "
            "torch.float32, torch.float64 and torch.float16)"
        )
    _default[0] = d


def default_float_np():
    return _default[0].np


# --- type promotion, as PyTorch does it ------------------------------------------------------
# Operands fall in three tiers: tensors with dimensions, 0-d tensors, Python scalars. The result
# is the promotion of the first tier, raised to a higher tier's dtype only when that tier holds
# a higher category (bool < integer < floating). Within a category the wider dtype wins.

_CATEGORY = {"b": 0, "u": 1, "i": 1, "f": 2}


def promote_types_np(a, b):
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
        tiers[t] = d if tiers[t] is None else promote_types_np(tiers[t], d)
    out = None
    for d in tiers:
        if d is None:
            continue
        if out is None or _CATEGORY[d.kind] > _CATEGORY[out.kind]:
            out = d
    return out



# --- public dtype queries: promote_types, result_type, can_cast, finfo, iinfo -------------------

def _check_dtype(fn_name, d, arg):
    if d.__class__ is not dtype:
        raise TypeError(f"{fn_name}(): argument '{arg}' must be torch.dtype, not {type(d).__name__}")


def promote_types(type1, type2):
    """The smallest dtype both `type1` and `type2` convert to without losing their category.

    Given two NumPy dtypes (as chainrule's ops pass), it answers with a NumPy dtype."""
    if isinstance(type1, np.dtype) and isinstance(type2, np.dtype):
        return promote_types_np(type1, type2)
    _check_dtype("promote_types", type1, "type1")
    _check_dtype("promote_types", type2, "type2")
    return from_numpy_dtype(promote_types_np(type1.np, type2.np))


def _operand_np(x):
    """What result_type sees of an operand: a tensor's array, or the Python scalar itself."""
    data = getattr(x, "_data", None)
    if data is not None:
        return data
    if isinstance(x, (builtins_bool, builtins_int, builtins_float)):
        return x
    raise TypeError(f"result_type(): expected a Tensor or a number, got {type(x).__name__}")


def public_result_type(tensor, other):
    """torch.result_type: the dtype an elementwise op on `tensor` and `other` produces."""
    return from_numpy_dtype(result_type(_operand_np(tensor), _operand_np(other)))


def can_cast(from_, to):
    """Whether PyTorch's casting rules allow `from_` -> `to`: no float -> integer and no
    non-bool -> bool (narrowing within a category is allowed)."""
    _check_dtype("can_cast", from_, "from_")
    _check_dtype("can_cast", to, "to")
    return _CATEGORY[from_.np.kind] <= _CATEGORY[to.np.kind] or from_ is to


def _g(x):
    return f"{x:.6g}"


class finfo:
    """Machine limits of a floating point dtype (default: the default dtype)."""

    def __init__(self, type=None):
        d = get_default_dtype() if type is None else type
        _check_dtype("finfo", d, "type")
        if not d.is_floating_point:
            raise TypeError(
                "torch.finfo() requires a floating point input type. Use torch.iinfo to handle "
                "'torch.finfo'"
            )
        info = np.finfo(d.np)
        self.bits = info.bits
        self.eps = builtins_float(info.eps)
        self.max = builtins_float(info.max)
        self.min = builtins_float(info.min)
        self.tiny = self.smallest_normal = builtins_float(info.smallest_normal)
        self.resolution = 10.0 ** -info.precision
        self.dtype = d.name

    def __eq__(self, other):
        return isinstance(other, finfo) and other.dtype == self.dtype

    __hash__ = object.__hash__

    def __repr__(self):
        return (f"finfo(resolution={_g(self.resolution)}, min={_g(self.min)}, "
                f"max={_g(self.max)}, eps={_g(self.eps)}, "
                f"smallest_normal={_g(self.smallest_normal)}, tiny={_g(self.tiny)}, "
                f"dtype={self.dtype})")


class iinfo:
    """Limits of an integer dtype."""

    def __init__(self, type):
        _check_dtype("iinfo", type, "type")
        if type is bool:
            raise TypeError("torch.bool is not supported by torch.iinfo")
        if type.is_floating_point:
            raise TypeError(
                "torch.iinfo() requires an integer input type. Use torch.finfo to handle "
                "'torch.iinfo'"
            )
        info = np.iinfo(type.np)
        self.bits = info.bits
        self.max = builtins_int(info.max)
        self.min = builtins_int(info.min)
        self.dtype = type.name

    def __eq__(self, other):
        return isinstance(other, iinfo) and other.dtype == self.dtype

    __hash__ = object.__hash__

    def __repr__(self):
        return f"iinfo(min={_g(self.min)}, max={_g(self.max)}, dtype={self.dtype})"
