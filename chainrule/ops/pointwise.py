"""More unary elementwise ops: exponentials and logarithms, trigonometric and hyperbolic
functions, rounding, sign, predicates, nan_to_num and logit (and the helpers the other new op
modules share). Binary ones are in pointwise_binary.py, the error function and gamma families in
special_ops.py.

Each op is one declaration with its VJP rules, its JVP rule (`elementwise_jvp`: derived from the
VJP rules, since the Jacobian of an elementwise op is diagonal) and its vmap batching rule.
Rules use PyTorch's formulas (tools/autograd/derivatives.yaml), written with chainrule ops only,
so that every order of derivative works.

Conventions at singular points (docs/ops.md has the full table, tests/test_special_points.py
checks it against PyTorch): floor, ceil, round, trunc, sign and sgn have derivative 0; frac 1;
atan2 has gradient 0 at the origin; hypot gives NaN there (0 / 0, as PyTorch); copysign's
gradient is 0 at x = 0; xlogy's gradient in x is 0 where x = 0 and y <= 0; fmax/fmin send the
gradient of a tie to the first input; logit(eps) has gradient 0 outside [eps, 1 - eps].
"""

import math

import numpy as np

from .._dtype import default_float_np
from ._core import Op, apply, elementwise_jvp
from .elementwise import (
    _EW,
    _TORCH_TYPE_NAMES,
    _errstate,
    _promote,
    _to_float,
    _zeros_like,
    add,
    cos,
    div,
    isfinite,
    logical_or,
    lt,
    mul,
    neg,
    reciprocal,
    rsqrt,
    sin,
    sub,
    unary,
    where,
)

__all__ = [
    "acos",
    "acosh",
    "arccos",
    "arccosh",
    "arcsin",
    "arcsinh",
    "arctan",
    "arctanh",
    "asin",
    "asinh",
    "atan",
    "atanh",
    "ceil",
    "cosh",
    "deg2rad",
    "exp2",
    "expm1",
    "fix",
    "floor",
    "frac",
    "isneginf",
    "isposinf",
    "isreal",
    "log1p",
    "log2",
    "log10",
    "logit",
    "nan_to_num",
    "positive",
    "rad2deg",
    "round",
    "sgn",
    "signbit",
    "sinc",
    "sinh",
    "tan",
    "trunc",
]

_ndarray = np.ndarray
_LN2 = math.log(2.0)
_LN10 = math.log(10.0)
_TYPE_NAMES = dict(_TORCH_TYPE_NAMES, int64="Long", int32="Int", int16="Short", int8="Char",
                   uint8="Byte", bool="Bool")


def _kind(x):
    """The dtype kind of an operand ('f', 'i', 'u', 'b'), Python scalars included."""
    if isinstance(x, (_ndarray, np.generic)):
        return x.dtype.kind
    return "b" if x.__class__ is bool else "i" if x.__class__ is int else "f"


def _type_name(x):
    if isinstance(x, (_ndarray, np.generic)):
        return _TYPE_NAMES.get(x.dtype.name, x.dtype.name)
    return "Long" if x.__class__ is int else "Bool" if x.__class__ is bool else "Double"


# the C++ names PyTorch's messages use for scalar types
_CPP_NAMES = {"float32": "float", "float64": "double", "float16": "c10::Half", "int64": "long int",
              "int32": "int", "int16": "short int", "int8": "signed char", "uint8": "unsigned char",
              "bool": "bool"}


def _dtype_name(v):
    return _CPP_NAMES.get(v.dtype.name, v.dtype.name)


def _is_tensor(v):
    """A Tensor, or the bare array an op sees in place of one (backward rules, in-place)."""
    return hasattr(v, "_data") or isinstance(v, _ndarray)


def _require_tensors(name, **args):
    """PyTorch's binding refuses Python numbers for these parameters (TypeError)."""
    for pos, (arg, v) in enumerate(args.items(), start=1):
        if v.__class__ in (int, float, bool):
            raise TypeError(
                f"{name}(): argument '{arg}' (position {pos}) must be Tensor, not "
                f"{type(v).__name__}"
            )


def _check_broadcast_call(name, fn, x, y):
    from ._core import check_broadcast

    try:
        return fn(x, y)
    except ValueError:
        check_broadcast(name, x, y)
        raise


def _float_binary(name, np_fn, kernel=None):
    """Forward of a binary op with a floating result: integer operands become the default float
    dtype, or, with `kernel`, raise NotImplementedError as PyTorch's float-only kernels do."""

    def forward(x, y):
        x, y = _promote(x, y)
        if _kind(x) != "f" and _kind(y) != "f":
            if kernel is not None:
                raise NotImplementedError(
                    f"\"{kernel}\" not implemented for '{_type_name(x)}'")
            dt = default_float_np()
            x, y = np.asarray(x, dt), np.asarray(y, dt)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            return _check_broadcast_call(name, np_fn, x, y)

    return forward


def _binary_op(name, forward, vjps, **kw):
    """An elementwise binary op: JVP from its VJP rules, broadcasting batching rule."""
    return Op(name, forward, vjps, jvp=elementwise_jvp, batch=_EW, **kw)


# --- unary math ------------------------------------------------------------------------------
# legend: unary(name, numpy forward, local derivative d(x, ans), what d reads)

EXP2, exp2 = unary("exp2", _errstate(np.exp2), lambda x, ans: mul(ans, _LN2), needs="ans")
EXPM1, expm1 = unary("expm1", _errstate(np.expm1), lambda x, ans: add(ans, 1.0), needs="ans")
LOG2, log2 = unary("log2", _errstate(np.log2), lambda x, ans: reciprocal(mul(x, _LN2)))
LOG10, log10 = unary("log10", _errstate(np.log10), lambda x, ans: reciprocal(mul(x, _LN10)))
LOG1P, log1p = unary("log1p", _errstate(np.log1p), lambda x, ans: reciprocal(add(x, 1.0)))
TAN, tan = unary("tan", _errstate(np.tan), lambda x, ans: add(mul(ans, ans), 1.0), needs="ans")
ASIN, asin = unary("asin", _errstate(np.arcsin), lambda x, ans: rsqrt(sub(1.0, mul(x, x))))
ACOS, acos = unary("acos", _errstate(np.arccos),
                   lambda x, ans: neg(rsqrt(sub(1.0, mul(x, x)))))
ATAN, atan = unary("atan", np.arctan, lambda x, ans: reciprocal(add(mul(x, x), 1.0)))
SINH, sinh = unary("sinh", _errstate(np.sinh), lambda x, ans: cosh(x))
COSH, cosh = unary("cosh", _errstate(np.cosh), lambda x, ans: sinh(x))
ASINH, asinh = unary("asinh", np.arcsinh, lambda x, ans: rsqrt(add(mul(x, x), 1.0)))
ACOSH, acosh = unary("acosh", _errstate(np.arccosh), lambda x, ans: rsqrt(sub(mul(x, x), 1.0)))
ATANH, atanh = unary("atanh", _errstate(np.arctanh),
                     lambda x, ans: reciprocal(sub(1.0, mul(x, x))))
DEG2RAD, deg2rad = unary("deg2rad", np.deg2rad, lambda x, ans: math.pi / 180.0, needs="")
RAD2DEG, rad2deg = unary("rad2deg", np.rad2deg, lambda x, ans: 180.0 / math.pi, needs="")
# PyTorch's node names where they are not Name + "Backward0"
LOG1P.backward_name = "Log1PBackward0"
DEG2RAD.backward_name = "Deg2RadBackward0"
RAD2DEG.backward_name = "Rad2DegBackward0"
arcsin, arccos, arctan = asin, acos, atan
arcsinh, arccosh, arctanh = asinh, acosh, atanh


def _sinc_deriv(x, ans):
    # (cos(pi x) pi x - sin(pi x)) / (pi x^2), and its Taylor series near 0 (so that every order
    # of derivative is right at 0, and no 0/0 reaches the branch not taken)
    small = lt(mul(x, x), 1e-6)
    xs = where(small, 1.0, x)
    px = mul(xs, math.pi)
    far = div(sub(mul(cos(px), px), sin(px)), mul(px, xs))
    x2 = mul(x, x)
    p2 = math.pi ** 2
    # -(pi^2 x / 3 - pi^4 x^3 / 30 + pi^6 x^5 / 840), as 0 - (...) so that x = 0 gives +0
    near = sub(0.0, mul(x, add(p2 / 3.0, mul(x2, add(-p2 * p2 / 30.0, mul(x2, p2 ** 3 / 840.0))))))
    return where(small, near, far)


SINC, sinc = unary("sinc", _errstate(np.sinc), _sinc_deriv)


# --- rounding and sign: piecewise constant, derivative 0 (+0, as PyTorch's zeros_like) --------

def _zero_rule(g, ans, *args, **params):
    return _zeros_like(g)


def _rounding_forward(np_fn, kernel):
    def forward(x):
        kind = _kind(x)
        if kind == "b":
            raise NotImplementedError(f"\"{kernel}\" not implemented for 'Bool'")
        return np.array(x, copy=True) if kind in "iu" else np_fn(x)

    return forward


def _rounding(name, np_fn, kernel):
    op = Op(name, _rounding_forward(np_fn, kernel), (_zero_rule,), jvp=elementwise_jvp,
            batch=_EW)

    def fn(input):
        return apply(op, (input,), {})

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"Elementwise {name} (integer inputs come back unchanged); derivative 0."
    return op, fn


FLOOR, floor = _rounding("floor", np.floor, "floor_vml_cpu")
CEIL, ceil = _rounding("ceil", np.ceil, "ceil_vml_cpu")
TRUNC, trunc = _rounding("trunc", np.trunc, "trunc_vml_cpu")
fix = trunc


def _round_forward(x, *, decimals):
    kind = _kind(x)
    if kind == "b":
        raise NotImplementedError("\"round_vml_cpu\" not implemented for 'Bool'")
    if kind in "iu":
        if decimals != 0:
            raise NotImplementedError(
                f"\"round_cpu\" not implemented for '{_type_name(x)}'")
        return np.array(x, copy=True)
    if decimals == 0:
        return np.rint(x)
    # PyTorch: nearbyint(x * 10^d) / 10^d, or nearbyint(x / 10^-d) * 10^-d, in x's dtype
    scale = x.dtype.type(10.0 ** abs(decimals))
    with np.errstate(over="ignore", invalid="ignore"):
        return np.rint(x * scale) / scale if decimals > 0 else np.rint(x / scale) * scale


ROUND = Op("round", _round_forward, (_zero_rule,), jvp=elementwise_jvp, batch=_EW)
ROUND_DECIMALS = Op("round", _round_forward, (_zero_rule,), jvp=elementwise_jvp, batch=_EW,
                    backward_name="RoundBackward1")


def round(input, *, decimals=0):
    """Round half to even, to `decimals` decimal places; derivative 0."""
    decimals = int(decimals)
    return apply(ROUND_DECIMALS if decimals else ROUND, (input,), {"decimals": decimals})


def _frac_forward(x):
    if _kind(x) != "f":
        raise NotImplementedError(f"\"frac_cpu\" not implemented for '{_type_name(x)}'")
    return x - np.trunc(x)


FRAC = Op("frac", _frac_forward, (lambda g, ans, x: g,), jvp=elementwise_jvp, batch=_EW)


def frac(input):
    """input - trunc(input) (floating inputs only); derivative 1."""
    return apply(FRAC, (input,), {})


SGN = Op("sgn", lambda x: np.array(x, copy=True) if _kind(x) == "b" else np.sign(x),
         (_zero_rule,), jvp=elementwise_jvp, batch=_EW)


def sgn(input):
    """sign(input) for real tensors (the complex sign in PyTorch); derivative 0."""
    return apply(SGN, (input,), {})


def _positive_forward(x):
    if _kind(x) == "b":
        raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
    return x


def positive(input):
    """input itself (PyTorch returns the same tensor; bool tensors raise)."""
    _positive_forward(getattr(input, "_data", input))
    return input


# --- predicates (no gradient) ------------------------------------------------------------------

def _signbit_np(x):
    kind = _kind(x)
    if kind == "f":
        return np.signbit(x)
    return np.zeros(np.shape(x), bool) if kind in "bu" else np.less(x, 0)


def _inf_test(np_fn):
    def forward(x):
        return np_fn(x) if _kind(x) == "f" else np.zeros(np.shape(x), bool)

    return forward


_SIGNBIT = Op("signbit", _signbit_np, batch=_EW)
_ISPOSINF = Op("isposinf", _inf_test(np.isposinf), batch=_EW)
_ISNEGINF = Op("isneginf", _inf_test(np.isneginf), batch=_EW)
_ISREAL = Op("isreal", lambda x: np.ones(np.shape(x), bool), batch=_EW)


def signbit(input):
    """True where the sign bit is set (-0.0 included)."""
    return apply(_SIGNBIT, (input,), {})


def isposinf(input):
    return apply(_ISPOSINF, (input,), {})


def isneginf(input):
    return apply(_ISNEGINF, (input,), {})


def isreal(input):
    """True everywhere: chainrule's dtypes are all real."""
    return apply(_ISREAL, (input,), {})


# --- nan_to_num, logit -----------------------------------------------------------------------

def _nan_to_num_forward(x, *, nan, posinf, neginf):
    if _kind(x) != "f":
        return np.array(x, copy=True)
    return np.nan_to_num(x, copy=True, nan=nan, posinf=posinf, neginf=neginf)


NAN_TO_NUM = Op("nan_to_num", _nan_to_num_forward,
                (lambda g, ans, x, **params: mul(g, isfinite(x)),), saves=(0,),
                jvp=elementwise_jvp, batch=_EW, backward_name="NanToNumBackward0")


def nan_to_num(input, nan=0.0, posinf=None, neginf=None):
    """NaN -> `nan`, +inf -> `posinf`, -inf -> `neginf` (the dtype's extremes by default);
    the gradient is 0 where input was not finite."""
    return apply(NAN_TO_NUM, (input,), {"nan": nan, "posinf": posinf, "neginf": neginf})


def _logit_forward(x, *, eps):
    x = _to_float(x)
    if eps is not None:
        x = np.clip(x, eps, 1.0 - eps).astype(x.dtype, copy=False)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log(x / (1.0 - x))


def _logit_vjp(g, ans, x, *, eps):
    # PyTorch's logit_backward: NaN outside [0, 1] without eps, 0 outside [eps, 1 - eps] with it
    inner = div(g, mul(x, sub(1.0, x)))
    if eps is None:
        return where(logical_or(lt(x, 0.0), lt(1.0, x)), math.nan, inner)
    return where(logical_or(lt(x, eps), lt(1.0 - eps, x)), 0.0, inner)


LOGIT = Op("logit", _logit_forward, (_logit_vjp,), saves=(0,), jvp=elementwise_jvp, batch=_EW)


def logit(input, eps=None):
    """log(p / (1 - p)), with p clamped into [eps, 1 - eps] when eps is given."""
    return apply(LOGIT, (input,), {"eps": None if eps is None else float(eps)})


# --- Tensor methods and in-place variants ------------------------------------------------------

def _install():
    from .._tensor_methods import install_methods

    same = {
        "exp2": exp2, "expm1": expm1, "log2": log2, "log10": log10, "log1p": log1p, "tan": tan,
        "asin": asin, "acos": acos, "atan": atan, "sinh": sinh, "cosh": cosh, "asinh": asinh,
        "acosh": acosh, "atanh": atanh, "arcsin": asin, "arccos": acos, "arctan": atan,
        "arcsinh": asinh, "arccosh": acosh, "arctanh": atanh, "deg2rad": deg2rad,
        "rad2deg": rad2deg, "sinc": sinc, "floor": floor, "ceil": ceil, "trunc": trunc,
        "fix": trunc, "round": round, "frac": frac, "sgn": sgn, "nan_to_num": nan_to_num,
        "logit": logit,
    }
    methods = dict(same, signbit=signbit, isposinf=isposinf, isneginf=isneginf, isreal=isreal,
                   positive=positive)
    install_methods(methods, {name + "_": fn for name, fn in same.items()})


_install()
