"""Elementwise ops: arithmetic, unary math, clamp, maximum/minimum, where, comparisons.

Each op is one `Op` declaration. A unary op gives only its local derivative `d(x, ans)`; its VJP
(`g * d`) and, later, its JVP (`tangent * d`) both come from that one function. Broadcasting is
undone by the engine, so binary rules return gradients shaped like the output.
"""

import numpy as np

from .._dtype import default_float_np, result_type
from ._core import Op, apply, check_broadcast

_ndarray = np.ndarray


def _cast(x, dt):
    if isinstance(x, (_ndarray, np.generic)):
        return x.astype(dt, copy=False)
    return x


def _promote(x, y):
    """Cast two operands to PyTorch's result dtype; the common cases return at once."""
    cx, cy = x.__class__, y.__class__
    if cx is _ndarray:
        if cy is _ndarray:
            if x.dtype == y.dtype:
                return x, y
        elif cy is float and x.dtype.kind == "f":
            return x, y
        elif cy is int and x.dtype.kind in "fi":
            return x, y
    elif cy is _ndarray:
        if cx is float and y.dtype.kind == "f":
            return x, y
        if cx is int and y.dtype.kind in "fi":
            return x, y
    dt = result_type(x, y)
    return _cast(x, dt), _cast(y, dt)


def _to_float(x):
    """Integer and bool inputs of a floating op become the default float dtype (as in PyTorch)."""
    if x.__class__ is _ndarray:
        return x if x.dtype.kind == "f" else x.astype(default_float_np())
    if isinstance(x, np.generic):
        return x if x.dtype.kind == "f" else x.astype(default_float_np())
    return np.asarray(x, dtype=default_float_np()) if not isinstance(x, float) else x


def _binary_forward(name, fn):
    def forward(x, y):
        x, y = _promote(x, y)
        try:
            return fn(x, y)
        except ValueError:
            check_broadcast(name, x, y)
            raise

    return forward


# --- binary arithmetic -------------------------------------------------------------------------
# legend: rule(g, ans, x, y) -> gradient for x, for y (shaped like the output)

ADD = Op("add", _binary_forward("add", np.add), (lambda g, ans, x, y: g, lambda g, ans, x, y: g))
SUB = Op("sub", _binary_forward("sub", np.subtract),
         (lambda g, ans, x, y: g, lambda g, ans, x, y: neg(g)))
MUL = Op("mul", _binary_forward("mul", np.multiply),
         (lambda g, ans, x, y: mul(g, y), lambda g, ans, x, y: mul(g, x)), saves=(0, 1))


def _div_forward(x, y):
    x, y = _promote(x, y)
    if isinstance(x, (_ndarray, np.generic)) and x.dtype.kind != "f":
        x = x.astype(default_float_np())
    elif not isinstance(x, (_ndarray, np.generic)) and not isinstance(x, float):
        if isinstance(y, (_ndarray, np.generic)) and y.dtype.kind != "f":
            y = y.astype(default_float_np())
    try:
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.true_divide(x, y)
    except ValueError:
        check_broadcast("div", x, y)
        raise


DIV = Op("div", _div_forward,
         (lambda g, ans, x, y: div(g, y), lambda g, ans, x, y: neg(div(mul(g, x), mul(y, y)))),
         saves=(0, 1))


def _pow_forward(x, y):
    x, y = _promote(x, y)
    with np.errstate(divide="ignore", invalid="ignore"):
        try:
            return np.power(x, y)
        except ValueError as e:
            if "Integers to negative integer powers" in str(e):
                raise RuntimeError("pow: Integers to negative integer powers are not allowed.")
            check_broadcast("pow", x, y)
            raise


def _pow_vjp_base(g, ans, x, y):
    # d/dx x**y = y * x**(y-1); defined as 0 where y == 0 (so x**0 has gradient 0 at x = 0)
    return where(eq(y, 0), 0.0, mul(g, mul(y, pow(x, sub(y, 1)))))


def _pow_vjp_exponent(g, ans, x, y):
    # d/dy x**y = x**y * log(x); defined as 0 where x == 0 and y >= 0
    zero = logical_and(eq(x, 0), ge(y, 0))
    return where(zero, 0.0, mul(g, mul(ans, log(where(zero, 1.0, x)))))


POW = Op("pow", _pow_forward, (_pow_vjp_base, _pow_vjp_exponent), saves=(0, 1), saves_ans=True)


def _maxmin_rule(pick):
    # the larger (smaller) input gets the gradient; ties share it evenly, as in PyTorch
    def rule(g, ans, x, y):
        return where(eq(x, y), div(g, 2), where(pick(x, y), g, 0.0))

    return rule


MAXIMUM = Op("maximum", _binary_forward("maximum", np.maximum),
             (_maxmin_rule(lambda x, y: gt(x, y)), _maxmin_rule(lambda x, y: gt(y, x))),
             saves=(0, 1))
MINIMUM = Op("minimum", _binary_forward("minimum", np.minimum),
             (_maxmin_rule(lambda x, y: lt(x, y)), _maxmin_rule(lambda x, y: lt(y, x))),
             saves=(0, 1))


def add(input, other, *, alpha=1):
    """input + alpha * other, broadcasting."""
    if alpha != 1:
        other = mul(other, alpha)
    return apply(ADD, (input, other), {})


def sub(input, other, *, alpha=1):
    """input - alpha * other, broadcasting."""
    if alpha != 1:
        other = mul(other, alpha)
    return apply(SUB, (input, other), {})


def mul(input, other):
    return apply(MUL, (input, other), {})


def div(input, other, *, rounding_mode=None):
    """True division (integers give the default float dtype), or floor/trunc rounding."""
    if rounding_mode is None:
        return apply(DIV, (input, other), {})
    if rounding_mode not in ("floor", "trunc"):
        raise ValueError(
            f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found "
            f"'{rounding_mode}'"
        )
    return apply(ROUNDED_DIV[rounding_mode], (input, other), {})


def _rounded_div(fn):
    def forward(x, y):
        x, y = _promote(x, y)
        with np.errstate(divide="ignore", invalid="ignore"):
            out = fn(x, y)
        return out

    return forward


ROUNDED_DIV = {
    "floor": Op("floor_divide", _rounded_div(np.floor_divide)),
    "trunc": Op("trunc_divide", _rounded_div(
        lambda x, y: np.trunc(np.true_divide(x, y)).astype(np.result_type(x, y)))),
}


def pow(input, exponent):
    """input ** exponent; either may be a Python scalar."""
    return apply(POW, (input, exponent), {})


def maximum(input, other):
    return apply(MAXIMUM, (input, other), {})


def minimum(input, other):
    return apply(MINIMUM, (input, other), {})


true_divide = div
multiply = mul
subtract = sub
divide = div


# --- unary math --------------------------------------------------------------------------------
# legend: unary(name, numpy forward, local derivative d(x, ans), what d needs)


def unary(name, np_fn, deriv, needs="x", floating=True):
    """Declare an elementwise op from its forward and its local derivative (VJP = g * d)."""

    if floating:
        def forward(x):
            return np_fn(_to_float(x))
    else:
        forward = np_fn

    def vjp(g, ans, x):
        return mul(g, deriv(x, ans))

    op = Op(name, forward, (vjp,), saves=(0,) if "x" in needs else (),
            saves_ans="ans" in needs)
    op.jvp = deriv  # the forward-mode issue turns this local derivative into tangent * d

    def fn(input):
        return apply(op, (input,), {})

    fn.__name__ = name
    fn.__doc__ = f"Elementwise {name}."
    return op, fn


def _errstate(np_fn):
    def forward(x):
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            return np_fn(x)

    return forward


def _sigmoid_np(x):
    # stable for large |x|: exp of a non-positive number only
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype, copy=False)


NEG, neg = unary("neg", np.negative, lambda x, ans: -1.0, needs="", floating=False)
EXP, exp = unary("exp", _errstate(np.exp), lambda x, ans: ans, needs="ans")
LOG, log = unary("log", _errstate(np.log), lambda x, ans: reciprocal(x))
SQRT, sqrt = unary("sqrt", _errstate(np.sqrt), lambda x, ans: div(0.5, ans), needs="ans")
SIN, sin = unary("sin", np.sin, lambda x, ans: cos(x))
COS, cos = unary("cos", np.cos, lambda x, ans: neg(sin(x)))
TANH, tanh = unary("tanh", np.tanh, lambda x, ans: sub(1.0, mul(ans, ans)), needs="ans")
SIGMOID, sigmoid = unary("sigmoid", _sigmoid_np, lambda x, ans: mul(ans, sub(1.0, ans)),
                         needs="ans")
# abs'(0) = 0 and relu'(0) = 0: the subgradient PyTorch uses
ABS, abs = unary("abs", np.abs, lambda x, ans: sign(x), floating=False)
RELU, relu = unary("relu", lambda x: np.maximum(x, 0).astype(x.dtype, copy=False),
                   lambda x, ans: gt(ans, 0), needs="ans", floating=False)
RECIPROCAL, reciprocal = unary("reciprocal", _errstate(np.reciprocal),
                               lambda x, ans: neg(mul(ans, ans)), needs="ans")
# sign is piecewise constant: its derivative is 0 everywhere (PyTorch's convention)
SIGN, sign = unary("sign", np.sign, lambda x, ans: mul(ans, 0), needs="ans", floating=False)
negative = neg
absolute = abs


def square(input):
    return mul(input, input)


def rsqrt(input):
    return reciprocal(sqrt(input))


# --- clamp -------------------------------------------------------------------------------------
# The input's gradient passes where min <= x <= max (inclusive, as PyTorch); a tensor bound gets
# the gradient where it is the one that clamped.


def _clamp_forward(x, lo, hi):
    if lo is not None:
        x, lo = _promote(x, lo)
        x = np.maximum(x, lo)
    if hi is not None:
        x, hi = _promote(x, hi)
        x = np.minimum(x, hi)
    return x


def _clamp_vjp_x(g, ans, x, lo, hi):
    keep = True
    if lo is not None:
        keep = ge(x, lo)
    if hi is not None:
        keep = logical_and(keep, le(x, hi)) if lo is not None else le(x, hi)
    return where(keep, g, 0.0)


CLAMP = Op("clamp", _clamp_forward,
           (_clamp_vjp_x,
            lambda g, ans, x, lo, hi: where(lt(x, lo), g, 0.0),
            lambda g, ans, x, lo, hi: where(gt(x, hi), g, 0.0)),
           saves=(0, 1, 2))


def clamp(input, min=None, max=None):
    """Clamp every element into [min, max]; bounds may be numbers or tensors."""
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    return apply(CLAMP, (input, min, max), {})


clip = clamp


# --- where -------------------------------------------------------------------------------------

def _where_forward(cond, x, y):
    x, y = _promote(x, y)
    if np.asarray(cond).dtype != np.bool_:
        cond = np.asarray(cond).astype(bool)
    try:
        return np.where(cond, x, y)
    except ValueError:
        check_broadcast("where", cond, x, y)
        raise


WHERE = Op("where", _where_forward,
           (None, lambda g, ans, c, x, y: where(c, g, 0.0), lambda g, ans, c, x, y: where(c, 0.0, g)),
           saves=(0,))


def where(condition, input=None, other=None):
    """Elementwise `input if condition else other`; gradients flow to the branch taken."""
    if input is None and other is None:
        from .shape import nonzero

        return nonzero(condition, as_tuple=True)
    return apply(WHERE, (condition, input, other), {})


# --- comparisons and logic (no gradient) ------------------------------------------------------

def _compare(name, np_fn):
    op = Op(name, _binary_forward(name, np_fn))

    def fn(input, other):
        return apply(op, (input, other), {})

    fn.__name__ = name
    return fn


eq = _compare("eq", np.equal)
ne = _compare("ne", np.not_equal)
lt = _compare("lt", np.less)
le = _compare("le", np.less_equal)
gt = _compare("gt", np.greater)
ge = _compare("ge", np.greater_equal)
logical_and = _compare("logical_and", np.logical_and)
logical_or = _compare("logical_or", np.logical_or)
logical_xor = _compare("logical_xor", np.logical_xor)
bitwise_and = _compare("bitwise_and", np.bitwise_and)
bitwise_or = _compare("bitwise_or", np.bitwise_or)
bitwise_xor = _compare("bitwise_xor", np.bitwise_xor)
greater, greater_equal, less, less_equal, not_equal = gt, ge, lt, le, ne

_LOGICAL_NOT = Op("logical_not", np.logical_not)
_BITWISE_NOT = Op("bitwise_not", np.invert)
_ISNAN = Op("isnan", np.isnan)
_ISINF = Op("isinf", np.isinf)
_ISFINITE = Op("isfinite", np.isfinite)


def logical_not(input):
    return apply(_LOGICAL_NOT, (input,), {})


def bitwise_not(input):
    if np.asarray(getattr(input, "_data", input)).dtype.kind == "f":
        raise TypeError("bitwise_not: not implemented for floating point tensors")
    return apply(_BITWISE_NOT, (input,), {})


def isnan(input):
    return apply(_ISNAN, (input,), {})


def isinf(input):
    return apply(_ISINF, (input,), {})


def isfinite(input):
    return apply(_ISFINITE, (input,), {})


def equal(input, other):
    """True if both tensors have the same shape and elements."""
    a, b = np.asarray(input._data), np.asarray(other._data)
    return a.shape == b.shape and bool(np.all(a == b))


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    return bool(np.allclose(input._data, other._data, rtol=rtol, atol=atol, equal_nan=equal_nan))


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    from .._tensor import Tensor

    return Tensor._make(np.isclose(input._data, getattr(other, "_data", other), rtol=rtol,
                                   atol=atol, equal_nan=equal_nan))


# --- fill, copy, cast, clone: the results of fill_/copy_ and of dtype conversion -------------

def _fill_forward(x, value):
    return np.full_like(x, value)


FILL = Op("fill", _fill_forward,
          (lambda g, ans, x, v: mul(g, 0.0), lambda g, ans, x, v: g), backward_name="FillBackward0")


def _copy_forward(x, src):
    try:
        return np.broadcast_to(src, x.shape).astype(x.dtype, copy=True)
    except ValueError:
        raise RuntimeError(
            f"copy_: the size of src {list(np.shape(src))} must be broadcastable to the size of "
            f"self {list(x.shape)}"
        ) from None


COPY = Op("copy", _copy_forward, (lambda g, ans, x, s: mul(g, 0.0), lambda g, ans, x, s: g),
          backward_name="CopyBackwards")
CAST = Op("to", lambda x, dtype: x.astype(dtype), (lambda g, ans, x, dtype: g,),
          backward_name="ToCopyBackward0")
CAST_NONDIFF = Op("to", lambda x, dtype: x.astype(dtype))
CLONE = Op("clone", lambda x: x.copy(), (lambda g, ans, x: g,))


def fill(input, value):
    return apply(FILL, (input, value), {})


def copy(input, src):
    return apply(COPY, (input, src), {})


def cast(input, np_dtype):
    """`input` converted to `np_dtype`; differentiable when the result is floating."""
    return apply(CAST if np_dtype.kind == "f" else CAST_NONDIFF, (input,), {"dtype": np_dtype})


def clone(input, *, memory_format=None):
    return apply(CLONE, (input,), {})
