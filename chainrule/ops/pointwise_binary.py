"""Binary (and ternary) elementwise ops beyond arithmetic: atan2, hypot, logaddexp(2), xlogy,
copysign, heaviside, fmax/fmin, fmod, nextafter, lerp, float_power, ldexp, addcmul/addcdiv and
clamp_min/clamp_max. Unary ones are in pointwise.py, the special functions in special_ops.py.

Each op is one declaration with its VJP rules (PyTorch's formulas, written with chainrule ops so
that every order of derivative works), its JVP rule (`elementwise_jvp`: derived from the VJP
rules) and its vmap batching rule. Conventions at singular points are in docs/ops.md.
"""

import numpy as np

from .._dtype import result_type
from ._core import Op, apply, elementwise_jvp
from .elementwise import (
    _EW,
    _clamp_forward,
    _division_forward,
    _no_derivative,
    _promote,
    _zeros_like,
    add,
    cast,
    div,
    eq,
    exp,
    ge,
    gt,
    isnan,
    le,
    logical_and,
    logical_or,
    lt,
    mul,
    neg,
    pow,
    reciprocal,
    sub,
    where,
)
from .pointwise import (
    _binary_op,
    _check_broadcast_call,
    _dtype_name,
    _float_binary,
    _is_tensor,
    _kind,
    _require_tensors,
    _type_name,
    exp2,
)

__all__ = [
    "addcdiv", "addcmul", "arctan2", "atan2", "clamp_max", "clamp_min", "copysign",
    "float_power", "fmax", "fmin", "fmod", "heaviside", "hypot", "ldexp", "lerp", "logaddexp",
    "logaddexp2", "nextafter", "xlogy",
]

_ndarray = np.ndarray


# --- binary ops ------------------------------------------------------------------------------
# legend: rule(g, ans, x, y) -> the gradient for x, for y (shaped like the output)

def _atan2_recip(x, y):
    # 1 / (x^2 + y^2), taken as 0 at the origin (PyTorch's gradient there is 0)
    den = add(mul(x, x), mul(y, y))
    origin = eq(den, 0.0)
    return where(origin, 0.0, reciprocal(where(origin, 1.0, den)))


ATAN2 = _binary_op("atan2", _float_binary("atan2", np.arctan2), (
    lambda g, ans, x, y: mul(mul(g, y), _atan2_recip(x, y)),
    lambda g, ans, x, y: mul(mul(g, neg(x)), _atan2_recip(x, y))), saves=(0, 1))


def atan2(input, other):
    """The angle of the point (other, input), in (-pi, pi]."""
    _require_tensors("atan2", input=input, other=other)
    return apply(ATAN2, (input, other), {})


arctan2 = atan2

HYPOT = _binary_op("hypot", _float_binary("hypot", np.hypot, "hypot_cpu"), (
    lambda g, ans, x, y: div(mul(g, x), ans), lambda g, ans, x, y: div(mul(g, y), ans)),
    saves=(0, 1), saves_ans=True)


def hypot(input, other):
    """sqrt(input^2 + other^2) without overflow."""
    _require_tensors("hypot", input=input, other=other)
    return apply(HYPOT, (input, other), {})


LOGADDEXP = _binary_op("logaddexp", _float_binary("logaddexp", np.logaddexp, "logaddexp_cpu"), (
    lambda g, ans, x, y: div(g, add(exp(sub(y, x)), 1.0)),
    lambda g, ans, x, y: div(g, add(exp(sub(x, y)), 1.0))), saves=(0, 1))
LOGADDEXP2 = _binary_op(
    "logaddexp2", _float_binary("logaddexp2", np.logaddexp2, "logaddexp2_cpu"), (
        lambda g, ans, x, y: div(g, add(exp2(sub(y, x)), 1.0)),
        lambda g, ans, x, y: div(g, add(exp2(sub(x, y)), 1.0))), saves=(0, 1))


def logaddexp(input, other):
    """log(exp(input) + exp(other)), computed stably."""
    _require_tensors("logaddexp", input=input, other=other)
    return apply(LOGADDEXP, (input, other), {})


def logaddexp2(input, other):
    """log2(2**input + 2**other), computed stably."""
    _require_tensors("logaddexp2", input=input, other=other)
    return apply(LOGADDEXP2, (input, other), {})


def _xlogy_np(log_fn):
    def fn(x, y):
        # (a Python number takes the other operand's dtype: log of it must not be a float64)
        dt = next(v.dtype for v in (x, y) if isinstance(v, (_ndarray, np.generic)))
        x, y = np.asarray(x, dt), np.asarray(y, dt)
        out = x * log_fn(y)
        # x = 0 gives 0 (even where log(y) is -inf), unless y is NaN
        return np.where(np.isnan(y), np.nan, np.where(x == 0, 0.0, out)).astype(out.dtype)

    return fn


XLOGY = _binary_op("xlogy", _float_binary("xlogy", _xlogy_np(np.log)), (
    lambda g, ans, x, y: where(logical_and(eq(x, 0.0), le(y, 0.0)), 0.0, xlogy(g, y)),
    lambda g, ans, x, y: div(mul(g, x), y)), saves=(0, 1))


def xlogy(input, other):
    """input * log(other), and 0 where input == 0 (unless other is NaN)."""
    return apply(XLOGY, (input, other), {})


def _copysign_vjp(g, ans, x, y):
    zero = eq(x, 0.0)  # PyTorch: the gradient is 0 at x = 0
    return where(zero, 0.0, mul(g, div(ans, where(zero, 1.0, x))))


COPYSIGN = _binary_op("copysign", _float_binary("copysign", np.copysign),
                      (_copysign_vjp, lambda g, ans, x, y: _zeros_like(g)), saves=(0,),
                      saves_ans=True)


def copysign(input, other):
    """|input| with the sign of other (a floating result, -0.0 counts as negative)."""
    _require_tensors("copysign", input=input)
    return apply(COPYSIGN, (input, other), {})


def _heaviside_forward(x, values):
    if np.asarray(x).dtype != np.asarray(values).dtype:
        raise RuntimeError("heaviside is not yet implemented for tensors with different dtypes.")

    def step(x, v):
        return np.where(x == 0, v, x > 0).astype(np.asarray(x).dtype)

    return _check_broadcast_call("heaviside", step, x, values)


HEAVISIDE = Op("heaviside", _heaviside_forward, (_no_derivative("heaviside"),) * 2,
               backward_name="torch::autograd::NotImplemented", batch=_EW)


def heaviside(input, values):
    """0 where input < 0, 1 where input > 0, `values` where input == 0 (no derivative, as
    PyTorch: backward through it raises)."""
    _require_tensors("heaviside", input=input, values=values)
    return apply(HEAVISIDE, (input, values), {})


def _fminmax(name, np_fn, wins):
    # PyTorch: x gets the gradient where it wins or ties, or where y is NaN; y elsewhere
    def x_rule(g, ans, x, y):
        return where(logical_or(wins(x, y), isnan(y)), g, 0.0)

    def y_rule(g, ans, x, y):
        return where(logical_or(wins(x, y), isnan(y)), 0.0, g)

    def forward(x, y):
        x, y = _promote(x, y)
        return _check_broadcast_call(name, np_fn, x, y)

    return _binary_op(name, forward, (x_rule, y_rule), saves=(0, 1))


FMAX = _fminmax("fmax", np.fmax, ge)
FMIN = _fminmax("fmin", np.fmin, le)


def fmax(input, other):
    """Elementwise maximum that ignores NaN (NaN only where both are NaN)."""
    _require_tensors("fmax", input=input, other=other)
    return apply(FMAX, (input, other), {})


def fmin(input, other):
    """Elementwise minimum that ignores NaN (NaN only where both are NaN)."""
    _require_tensors("fmin", input=input, other=other)
    return apply(FMIN, (input, other), {})


_FMOD_RULES = (lambda g, ans, x, y: g,
               lambda g, ans, x, y: mul(neg(g), div(x, y, rounding_mode="trunc")))
FMOD = _binary_op("fmod", _division_forward("fmod", np.fmod, "fmod_cpu"), _FMOD_RULES,
                  rule_reads=((), (0, 1)))
FMOD_TENSOR = _binary_op("fmod", FMOD.forward, _FMOD_RULES, rule_reads=((), (0, 1)),
                         backward_name="FmodBackward1")


def fmod(input, other):
    """The C remainder: input - trunc(input / other) * other (the sign of input)."""
    _require_tensors("fmod", input=input)
    return apply(FMOD_TENSOR if _is_tensor(other) else FMOD, (input, other), {})


_NEXTAFTER = Op("nextafter", _float_binary("nextafter", np.nextafter, "nextafter_cpu"),
                batch=_EW)


def nextafter(input, other):
    """The next floating-point value after input towards other (no gradient)."""
    _require_tensors("nextafter", input=input, other=other)
    return apply(_NEXTAFTER, (input, other), {})


# --- lerp: input + weight * (end - input), weight a number or a tensor -------------------------

def _lerp_forward(x, end, w):
    for name, v in (("end", end), ("weight", w)):
        if isinstance(v, (_ndarray, np.generic)) and v.dtype != x.dtype:
            raise RuntimeError(
                f"expected dtype {_dtype_name(x)} for `{name}` but got dtype {_dtype_name(v)}")
    if x.dtype.kind != "f":
        kernel = "lerp_kernel_scalar" if not isinstance(w, _ndarray) else "lerp_kernel_tensor"
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{_type_name(x)}'")
    # PyTorch's formula (exact at both ends): small weights from input, large ones from end
    wa = np.asarray(w, x.dtype)
    try:
        with np.errstate(over="ignore", invalid="ignore"):
            d = end - x
            out = np.where(np.abs(wa) < 0.5, x + wa * d, end - d * (1 - wa))
    except ValueError:
        from ._core import check_broadcast

        check_broadcast("lerp", x, end, w)
        raise
    return out.astype(x.dtype, copy=False)


_LERP_RULES = (lambda g, ans, x, e, w: mul(g, sub(1.0, w)), lambda g, ans, x, e, w: mul(g, w),
               lambda g, ans, x, e, w: mul(g, sub(e, x)))
LERP = _binary_op("lerp", _lerp_forward, _LERP_RULES, rule_reads=((2,), (2,), (0, 1)))
LERP_TENSOR = _binary_op("lerp", _lerp_forward, _LERP_RULES, rule_reads=((2,), (2,), (0, 1)),
                         backward_name="LerpBackward1")


def lerp(input, end, weight):
    """input + weight * (end - input); `weight` a number or a tensor."""
    _require_tensors("lerp", input=input, end=end)
    op = LERP_TENSOR if _is_tensor(weight) else LERP
    return apply(op, (input, end, weight), {})


# --- composites (their gradients come from the ops they are made of) ---------------------------

def float_power(input, exponent):
    """input ** exponent computed in float64 (the result is float64 whatever the inputs)."""
    f64 = np.dtype(np.float64)
    if not _is_tensor(input) and not _is_tensor(exponent):
        raise TypeError("float_power(): expected a Tensor for 'input' or 'exponent'")
    base = cast(input, f64) if _is_tensor(input) else float(input)
    exp_ = cast(exponent, f64) if _is_tensor(exponent) else float(exponent)
    return pow(base, exp_)


def ldexp(input, other):
    """input * 2 ** other (a floating result)."""
    _require_tensors("ldexp", input=input, other=other)
    return mul(input, pow(2.0, other))


def _addc_forward(name, np_fn):
    def forward(x, t1, t2, *, value):
        dt = result_type(x, t1, t2)
        x, t1, t2 = (np.asarray(v, dt) for v in (x, t1, t2))
        try:
            with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
                return x + np_fn(value * t1, t2)  # (PyTorch's order of rounding)
        except ValueError:
            from ._core import check_broadcast

            check_broadcast(name, x, t1, t2)
            raise

    return forward


# legend: rule(g, ans, input, tensor1, tensor2, value=) -> the gradient of each input
ADDCMUL = Op("addcmul", _addc_forward("addcmul", np.multiply), (
    lambda g, ans, x, a, b, *, value: g,
    lambda g, ans, x, a, b, *, value: mul(g, mul(b, value)),
    lambda g, ans, x, a, b, *, value: mul(g, mul(a, value))),
    rule_reads=((), (2,), (1,)), jvp=elementwise_jvp, batch=_EW)
ADDCDIV = Op("addcdiv", _addc_forward("addcdiv", np.true_divide), (
    lambda g, ans, x, a, b, *, value: g,
    lambda g, ans, x, a, b, *, value: mul(g, div(value, b)),
    lambda g, ans, x, a, b, *, value: div(mul(mul(neg(g), value), a), mul(b, b))),
    rule_reads=((), (2,), (1, 2)), jvp=elementwise_jvp, batch=_EW)


def addcmul(input, tensor1, tensor2, *, value=1):
    """input + value * tensor1 * tensor2."""
    return apply(ADDCMUL, (input, tensor1, tensor2), {"value": value})


def addcdiv(input, tensor1, tensor2, *, value=1):
    """input + value * tensor1 / tensor2 (integer tensor1 and tensor2 are refused)."""
    if _kind(getattr(tensor1, "_data", tensor1)) in "iub" and \
            _kind(getattr(tensor2, "_data", tensor2)) in "iub":
        raise RuntimeError(
            "Integer division with addcdiv is no longer supported, and in a future  release "
            "addcdiv will perform a true division of tensor1 and tensor2. The historic addcdiv "
            "behavior can be implemented as (input + value * torch.trunc(tensor1 / tensor2))."
            "to(input.dtype) for integer inputs and as (input + value * tensor1 / tensor2) for "
            "float inputs. The future addcdiv behavior is just the latter implementation: "
            "(input + value * tensor1 / tensor2), for all dtypes."
        )
    return apply(ADDCDIV, (input, tensor1, tensor2), {"value": value})


# clamp with one bound (the gradient passes at the bound, as clamp's); a tensor bound gets the
# gradient where it clamped
def _clamp_one(name, lower):
    def forward(x, bound):
        return _clamp_forward(x, bound, None) if lower else _clamp_forward(x, None, bound)

    keep, took = (ge, lt) if lower else (le, gt)
    rules = (lambda g, ans, x, b: where(keep(x, b), g, 0.0),
             lambda g, ans, x, b: where(took(x, b), g, 0.0))
    camel = "Clamp" + name[len("clamp_"):].capitalize()
    return (Op(name, forward, rules, saves=(0, 1), jvp=elementwise_jvp, batch=_EW,
               backward_name=camel + "Backward0"),
            Op(name, forward, rules, saves=(0, 1), jvp=elementwise_jvp, batch=_EW,
               backward_name=camel + "Backward1"))


CLAMP_MIN, CLAMP_MIN_TENSOR = _clamp_one("clamp_min", True)
CLAMP_MAX, CLAMP_MAX_TENSOR = _clamp_one("clamp_max", False)


def clamp_min(input, min):
    """clamp(input, min=min): `min` a number or a tensor."""
    return apply(CLAMP_MIN_TENSOR if _is_tensor(min) else CLAMP_MIN, (input, min), {})


def clamp_max(input, max):
    """clamp(input, max=max): `max` a number or a tensor."""
    return apply(CLAMP_MAX_TENSOR if _is_tensor(max) else CLAMP_MAX, (input, max), {})


# --- Tensor methods and in-place variants ------------------------------------------------------

def _float_power_(self, exponent):
    from .._tensor_methods import inplace

    if self._data.dtype != np.float64:
        raise RuntimeError(
            f"the base given to float_power_ has dtype {_type_name(self._data)} but the "
            "operation's result requires dtype Double"
        )
    return inplace(self, "float_power_", float_power, exponent)


def _install():
    from .._tensor_methods import install_methods

    same = {
        "atan2": atan2, "arctan2": atan2, "hypot": hypot,
        "logaddexp": logaddexp, "logaddexp2": logaddexp2, "xlogy": xlogy,
        "copysign": copysign, "heaviside": heaviside, "fmax": fmax, "fmin": fmin, "fmod": fmod,
        "nextafter": nextafter, "lerp": lerp, "ldexp": ldexp, "addcmul": addcmul,
        "addcdiv": addcdiv, "clamp_min": clamp_min, "clamp_max": clamp_max,
    }
    methods = dict(same, float_power=float_power)
    inplace = {name + "_": fn for name, fn in same.items()}
    install_methods(methods, inplace)
    install_methods({"float_power_": _float_power_})
    # methods and in-place variants of the ops of elementwise.py that _tensor_methods.py lacks
    from . import elementwise as ew

    aliases = {"absolute": ew.abs, "greater": ew.gt, "greater_equal": ew.ge, "less": ew.lt,
               "less_equal": ew.le, "not_equal": ew.ne}
    more = dict(aliases, true_divide=ew.div, floor_divide=ew.floor_divide,
                remainder=ew.remainder, rsqrt=ew.rsqrt, square=ew.square, sign=ew.sign,
                negative=ew.neg, multiply=ew.mul, subtract=ew.sub, divide=ew.div, eq=ew.eq,
                ne=ew.ne, lt=ew.lt, le=ew.le, gt=ew.gt, ge=ew.ge, logical_and=ew.logical_and,
                logical_or=ew.logical_or, logical_xor=ew.logical_xor,
                logical_not=ew.logical_not, bitwise_and=ew.bitwise_and,
                bitwise_or=ew.bitwise_or, bitwise_xor=ew.bitwise_xor,
                bitwise_not=ew.bitwise_not, bitwise_left_shift=ew.bitwise_left_shift,
                bitwise_right_shift=ew.bitwise_right_shift)
    install_methods(aliases, {name + "_": fn for name, fn in more.items()})


_install()
