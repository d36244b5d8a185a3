"""Elementwise ops: arithmetic, unary math, clamp, maximum/minimum, where, comparisons.

Each op is one `Op` declaration. A unary op gives only its local derivative `d(x, ans)`; its VJP
(`g * d`) and, later, its JVP (`tangent * d`) both come from that one function. Broadcasting is
undone by the engine, so binary rules return gradients shaped like the output.
"""

import numpy as np

from .._dtype import default_float_np, result_type
from . import _batching
from ._core import Op, apply, check_broadcast, elementwise_jvp, linear_jvp

_EW = _batching.elementwise  # the batching rule of every broadcasting op below

_ndarray = np.ndarray
_BOOL = np.dtype(bool)


_INT64 = np.dtype(np.int64)


def _cast(x, dt):
    if isinstance(x, (_ndarray, np.generic)):
        return x.astype(dt, copy=False)
    if x.__class__ is int and dt.kind in "iu":
        return _wrap_int(x, dt)
    return x


def _wrap_int(v, dt):
    """A Python int as a NumPy scalar of integer dtype `dt`, wrapping around when out of range
    (PyTorch converts it that way: int32 tensor + 2**32 + 1 adds 1; NumPy would raise)."""
    lo = int(np.iinfo(dt).min)
    return dt.type((v - lo) % (1 << (8 * dt.itemsize)) + lo)


def _promote(x, y):
    """Cast two operands to PyTorch's result dtype; the common cases return at once."""
    cx, cy = x.__class__, y.__class__
    if cx is _ndarray:
        if cy is _ndarray:
            if x.dtype == y.dtype:
                return x, y
        elif cy is float and x.dtype.kind == "f" or cy is int and (x.dtype.kind == "f" or x.dtype is _INT64):
            return x, y
    elif cy is _ndarray:
        if cx is float and y.dtype.kind == "f":
            return x, y
        if cx is int and (y.dtype.kind == "f" or y.dtype is _INT64):
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

def _is_bool(v):
    """True for bool arrays, NumPy bools and Python bools."""
    if v.__class__ is _ndarray or isinstance(v, np.generic):
        return v.dtype.kind == "b"
    return v.__class__ is bool


def _sub_forward(x, y):
    # inlined bool checks, since sub is hot (NumPy's bool dtype is a singleton)
    if (x.dtype is _BOOL if x.__class__ is _ndarray else _is_bool(x)) or \
            (y.dtype is _BOOL if y.__class__ is _ndarray else
             y.__class__ is not float and _is_bool(y)):
        raise RuntimeError(
            "Subtraction, the `-` operator, with a bool tensor is not supported. If you are "
            "trying to invert a mask, use the `~` or `logical_not()` operator instead."
        )
    x, y = _promote(x, y)
    try:
        return np.subtract(x, y)
    except ValueError:
        check_broadcast("sub", x, y)
        raise


def _sum_tangents(a, b):
    """a + b where either may be None (a zero tangent)."""
    if a is None:
        return b
    return a if b is None else add(a, b)


# The hot rules below are written with Python operators: on the bare arrays of a first-order
# backward they are NumPy's own (no dispatch), on Tensors (create_graph, forward mode) they are
# chainrule's ops, so they record like any other rule. NumPy promotes the same way as chainrule
# for every pair a gradient meets (a float array with a float array or a Python number).
ADD = Op("add", _binary_forward("add", np.add), (lambda g, ans, x, y: g, lambda g, ans, x, y: g),
         jvp=linear_jvp, batch=_EW, metas=False)
SUB = Op("sub", _sub_forward, (lambda g, ans, x, y: g, lambda g, ans, x, y: -g),
         jvp=linear_jvp, batch=_EW, metas=False)


def _mul_jvp(tangents, ans, x, y):
    tx, ty = tangents
    return _sum_tangents(None if tx is None else mul(tx, y), None if ty is None else mul(x, ty))


MUL = Op("mul", _binary_forward("mul", np.multiply),
         (lambda g, ans, x, y: g * y, lambda g, ans, x, y: g * x),
         rule_reads=((1,), (0,)), jvp=_mul_jvp, batch=_EW, metas=False)


def _div_forward(x, y):
    x, y = _promote(x, y)
    if isinstance(x, (_ndarray, np.generic)) and x.dtype.kind != "f":
        # after _promote an array y has x's dtype: integer / integer -> the default float
        x = x.astype(default_float_np())
        y = _cast(y, x.dtype)
    elif not isinstance(x, (_ndarray, np.generic, float)) and \
            isinstance(y, (_ndarray, np.generic)) and y.dtype.kind != "f":
        y = y.astype(default_float_np())
    try:
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.true_divide(x, y)
    except ValueError:
        check_broadcast("div", x, y)
        raise


def _div_jvp(tangents, ans, x, y):
    tx, ty = tangents  # d(x/y) = (tx - ans * ty) / y
    num = _sum_tangents(tx, None if ty is None else neg(mul(ans, ty)))
    return div(num, y)


DIV = Op("div", _div_forward,
         (lambda g, ans, x, y: g / y, lambda g, ans, x, y: -(g * x / (y * y))),
         rule_reads=((1,), (0, 1)), jvp=_div_jvp, batch=_EW, metas=False)


def _pow_forward(x, y):
    x, y = _promote(x, y)
    if _is_bool(x) and _is_bool(y):
        return _bool_pow(x, y)
    with np.errstate(divide="ignore", invalid="ignore"):
        try:
            return np.power(x, y)
        except ValueError as e:
            if "Integers to negative integer powers" in str(e):
                if isinstance(y, _ndarray):
                    return _int_pow_negative(x, y)
                raise RuntimeError("pow: Integers to negative integer powers are not allowed.")
            check_broadcast("pow", x, y)
            raise


def _int_pow_negative(x, y):
    """Integer x ** y with some y < 0, as PyTorch computes it elementwise: 1 ** y = 1,
    (-1) ** y = +-1, any other base gives 0 (the truncated reciprocal)."""
    neg = y < 0
    out = np.power(x, np.where(neg, 0, y))
    odd = (np.abs(y) % 2) == 1
    at_neg = np.where(x == 1, 1, np.where(x == -1, np.where(odd, -1, 1), 0))
    return np.where(neg, at_neg, out).astype(out.dtype, copy=False)


def _bool_pow(x, y):
    if y.__class__ is bool and x.__class__ is _ndarray:
        return x.copy() if y else np.ones_like(x)
    raise NotImplementedError("\"pow\" not implemented for 'Bool'")


def _pow_vjp_base(g, ans, x, y):
    # d/dx x**y = y * x**(y-1); defined as 0 where y == 0 (so x**0 has gradient 0 at x = 0)
    if isinstance(y, (int, float)):
        return _zeros_like(g) if y == 0 else mul(g, mul(y, pow(x, y - 1)))
    return where(eq(y, 0), 0.0, mul(g, mul(y, pow(x, sub(y, 1)))))


def _pow_vjp_exponent(g, ans, x, y):
    # d/dy x**y = x**y * log(x); defined as 0 where x == 0 and y >= 0
    zero = logical_and(eq(x, 0), ge(y, 0))
    return where(zero, 0.0, mul(g, mul(ans, log(where(zero, 1.0, x)))))


POW = Op("pow", _pow_forward, (_pow_vjp_base, _pow_vjp_exponent), saves=(0, 1), saves_ans=(1,),
         jvp=elementwise_jvp, batch=_EW)
# PyTorch's node names tell its overloads apart: tensor ** scalar is PowBackward0,
# tensor ** tensor PowBackward1, scalar ** tensor PowBackward2
POW_TENSOR = Op("pow", _pow_forward, POW.vjps, saves=(0, 1), saves_ans=(1,),
                backward_name="PowBackward1", jvp=elementwise_jvp, batch=_EW)
POW_SCALAR_BASE = Op("pow", _pow_forward, POW.vjps, saves=(0, 1), saves_ans=(1,),
                     backward_name="PowBackward2", jvp=elementwise_jvp, batch=_EW)


def _maxmin_rule(loses):
    # the larger (smaller) input gets the gradient; ties share it evenly, as in PyTorch. An input
    # loses only where it compares strictly worse: both get the whole gradient where one is NaN
    # (PyTorch's `where(x == y, g / 2, g).masked_fill_(x < y, 0)` for maximum's x)
    def rule(g, ans, x, y):
        return where(eq(x, y), div(g, 2), where(loses(x, y), 0.0, g))

    return rule


MAXIMUM = Op("maximum", _binary_forward("maximum", np.maximum),
             (_maxmin_rule(lambda x, y: lt(x, y)), _maxmin_rule(lambda x, y: lt(y, x))),
             saves=(0, 1), jvp=elementwise_jvp, batch=_EW)
MINIMUM = Op("minimum", _binary_forward("minimum", np.minimum),
             (_maxmin_rule(lambda x, y: gt(x, y)), _maxmin_rule(lambda x, y: gt(y, x))),
             saves=(0, 1), jvp=elementwise_jvp, batch=_EW)


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
        raise RuntimeError(
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


def _zero_grad(g, ans, x, y):
    # rounding is piecewise constant: PyTorch records it with a zero gradient for both inputs
    return _zeros_like(g)


ROUNDED_DIV = {
    "floor": Op("floor_divide", _rounded_div(np.floor_divide), (_zero_grad, _zero_grad),
                backward_name="DivBackward2", jvp=elementwise_jvp, batch=_EW),
    "trunc": Op("trunc_divide", _rounded_div(
        lambda x, y: np.trunc(np.true_divide(x, y)).astype(np.result_type(x, y))),
        (_zero_grad, _zero_grad), backward_name="DivBackward2", jvp=elementwise_jvp, batch=_EW),
}


def pow(input, exponent):
    """input ** exponent; either may be a Python scalar."""
    if hasattr(exponent, "_data"):
        return apply(POW_TENSOR if hasattr(input, "_data") else POW_SCALAR_BASE,
                     (input, exponent), {})
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
    """Declare an elementwise op from its forward and its local derivative (VJP = g * d,
    JVP = tangent * d). `needs`: what d reads ("x", "ans" or both); `floating`: integer and bool
    inputs are computed in the default float dtype."""

    if floating:
        def forward(x):
            return np_fn(_to_float(x))
    else:
        forward = np_fn

    def vjp(g, ans, x):
        return g * deriv(x, ans)

    def jvp(tangents, ans, x):
        return tangents[0] * deriv(x, ans)

    op = Op(name, forward, (vjp,), saves=(0,) if "x" in needs else (),
            saves_ans="ans" in needs, jvp=jvp, batch=_EW, metas=False)

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


def _neg_np(x):
    try:
        return np.negative(x)
    except TypeError:  # bool
        raise RuntimeError(
            "Negation, the `-` operator, on a bool tensor is not supported. If you are trying "
            "to invert a mask, use the `~` or `logical_not()` operator instead."
        ) from None


def _abs_np(x):
    if x.dtype is _BOOL:
        raise NotImplementedError("\"abs_cpu\" not implemented for 'Bool'")
    return np.abs(x)


def _relu_np(x):
    out = np.maximum(x, 0)
    if out.dtype != x.dtype:
        if x.dtype.kind == "b":
            raise RuntimeError("Boolean inputs not supported for relu")
        out = out.astype(x.dtype)
    return out


def _sign_np(x):
    return x.copy() if x.dtype is _BOOL else np.sign(x)


NEG, neg = unary("neg", _neg_np, lambda x, ans: -1.0, needs="", floating=False)
EXP, exp = unary("exp", _errstate(np.exp), lambda x, ans: ans, needs="ans")
LOG, log = unary("log", _errstate(np.log), lambda x, ans: reciprocal(x))
SQRT, sqrt = unary("sqrt", _errstate(np.sqrt), lambda x, ans: div(0.5, ans), needs="ans")
SIN, sin = unary("sin", np.sin, lambda x, ans: cos(x))
COS, cos = unary("cos", np.cos, lambda x, ans: neg(sin(x)))
TANH, tanh = unary("tanh", np.tanh, lambda x, ans: 1.0 - ans * ans, needs="ans")
SIGMOID, sigmoid = unary("sigmoid", _sigmoid_np, lambda x, ans: mul(ans, sub(1.0, ans)),
                         needs="ans")
# abs'(0) = 0 and relu'(0) = 0: the subgradient PyTorch uses
ABS, abs = unary("abs", _abs_np, lambda x, ans: sign(x), floating=False)
RELU, relu = unary("relu", _relu_np, lambda x, ans: gt(ans, 0), needs="ans", floating=False)
# PyTorch selects rather than multiplies (threshold_backward: `ans <= 0 ? 0 : g`): +0 where
# g < 0, 0, not nan, where an infinite g meets a clipped input, and g itself where ans is NaN;
# its JVP selects the tangent the same way
_SAME_SIZE_INT = {2: np.int16, 4: np.int32, 8: np.int64}


def _relu_vjp(g, ans, x):
    clipped = ans <= 0
    if g.__class__ is _ndarray and clipped.__class__ is _ndarray and g.dtype.kind == "f" and \
            g.shape == clipped.shape:
        return _zero_where(clipped, g)
    return where(clipped, 0.0, g)


def _zero_where(mask, g):
    """np.where(mask, 0, g) for a float array g, bit for bit (+0 where mask, g's own bits
    elsewhere: -0, inf and NaN included), as an AND of g's bits with a mask of all ones where
    g is kept: NumPy's where is 5x slower on large arrays."""
    ints = _SAME_SIZE_INT[g.itemsize]
    keep_bits = np.subtract(mask, 1, dtype=ints)  # mask True -> 0, False -> -1 (all ones)
    return np.bitwise_and(g.view(ints), keep_bits, out=keep_bits).view(g.dtype)


RELU.vjps = (_relu_vjp,)
RELU.jvp = lambda tangents, ans, x: where(ans <= 0, 0.0, tangents[0])
RECIPROCAL, reciprocal = unary("reciprocal", _errstate(np.reciprocal),
                               lambda x, ans: -(ans * ans), needs="ans")
# sign is piecewise constant: its derivative is 0 everywhere (PyTorch's convention)
SIGN, sign = unary("sign", _sign_np, lambda x, ans: mul(ans, 0), needs="ans", floating=False)
SIGN.vjps = (lambda g, ans, x: _zeros_like(g),)  # +0, not g * 0 (which is -0 where g < 0)
negative = neg
absolute = abs


def square(input):
    """input ** 2 (PyTorch computes it as pow(x, 2): a bool input gives int64)."""
    return pow(input, 2)


# d/dx x**-1/2 = -1/2 * ans**3 (PyTorch's formula, so gradients match it to the last bit)
RSQRT, rsqrt = unary("rsqrt", _errstate(lambda x: 1 / np.sqrt(x)),
                     lambda x, ans: mul(mul(mul(ans, ans), ans), -0.5), needs="ans")


# --- clamp -------------------------------------------------------------------------------------
# The input's gradient passes where min <= x <= max (inclusive, as PyTorch); a tensor bound gets
# the gradient where it is the one that clamped (max, wherever max < min).


def _clamp_forward(x, lo, hi):
    try:
        return _clamp_np(x, lo, hi)
    except ValueError:
        check_broadcast("clamp", *(v for v in (x, lo, hi) if v is not None))
        raise


def _clamp_np(x, lo, hi):
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


def _clamp_vjp_lo(g, ans, x, lo, hi):
    took_lo = lt(x, lo)
    if hi is not None:  # where hi < lo the result is hi everywhere
        took_lo = logical_and(took_lo, ge(hi, lo))
    return where(took_lo, g, 0.0)


def _clamp_vjp_hi(g, ans, x, lo, hi):
    took_hi = gt(x, hi)
    if lo is not None:
        took_hi = logical_or(took_hi, lt(hi, lo))
    return where(took_hi, g, 0.0)


CLAMP = Op("clamp", _clamp_forward, (_clamp_vjp_x, _clamp_vjp_lo, _clamp_vjp_hi),
           saves=(0, 1, 2), backward_name="ClampBackward1", jvp=elementwise_jvp, batch=_EW)
CLAMP_TENSOR = Op("clamp", _clamp_forward, CLAMP.vjps, saves=(0, 1, 2), jvp=elementwise_jvp,
                  batch=_EW)  # all bounds tensors


def clamp(input, min=None, max=None):
    """Clamp every element into [min, max]; bounds may be numbers or tensors."""
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    tensors = (min is None or hasattr(min, "_data")) and (max is None or hasattr(max, "_data"))
    return apply(CLAMP_TENSOR if tensors else CLAMP, (input, min, max), {})


clip = clamp


# --- where -------------------------------------------------------------------------------------

def _where_forward(cond, x, y):
    x, y = _promote(x, y)
    if x.__class__ is not _ndarray and y.__class__ is not _ndarray:
        x = np.asarray(x, dtype=result_type(x, y))
    if np.asarray(cond).dtype != np.bool_:
        cond = np.asarray(cond).astype(bool)
    try:
        return np.where(cond, x, y)
    except ValueError:
        check_broadcast("where", cond, x, y)
        raise


WHERE = Op("where", _where_forward,
           (None, lambda g, ans, c, x, y: where(c, g, 0.0),
            lambda g, ans, c, x, y: where(c, 0.0, g)),
           saves=(0,), jvp=linear_jvp, batch=_EW)


def where(condition, input=None, other=None, *, safe=False):
    """Elementwise `input if condition else other`; gradients flow to the branch taken.

    As in PyTorch, the branch not taken still gets a zero gradient, and an op inside it whose
    derivative is infinite or NaN there turns that zero into NaN (0 * inf):
    `where(x > 0, sqrt(x), 0.)` has a NaN gradient at x <= 0. With `safe=True` (chainrule
    only), the elementwise ops that computed `input` and `other` treat a zero incoming gradient
    as a strong zero (0 * inf = 0), so the branch not taken contributes exactly 0:

        >>> import chainrule as torch
        >>> x = torch.tensor([-1.0, 0.0, 4.0], requires_grad=True)
        >>> torch.where(x > 0, torch.sqrt(x), 0.0, safe=True).sum().backward()
        >>> x.grad
        tensor([0.0000, 0.0000, 0.2500])

    The strong zeros apply to the nodes of those elementwise ops (walking back through
    elementwise ops only, up to the first other op or leaf), for every backward through them,
    and to the graphs their rules record with `create_graph=True` (higher orders stay safe).
    """
    if input is None and other is None:
        from .shape import nonzero

        return nonzero(condition, as_tuple=True)
    out = apply(WHERE, (condition, input, other), {})
    if safe:
        _strong_zero_history(input)
        _strong_zero_history(other)
    return out


# --- where(safe=True): strong zeros in the elementwise history of a branch ------------------

_STRONG_TWINS = {}  # op -> the same op whose VJP rules give 0 wherever g == 0
_STRONG = set()  # the twins themselves


def _strong_rule(rule):
    def strong(g, ans, *args, **params):
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):  # (0 * inf is masked)
            r = rule(g, ans, *args, **params)
        if getattr(r, "grad_fn", None) is not None:  # create_graph: higher orders stay safe
            _strong_zero_history(r)
        return where(eq(g, 0), 0.0, r)

    return strong


def _strong_twin(op):
    if op in _STRONG:
        return op
    twin = _STRONG_TWINS.get(op)
    if twin is None:
        twin = Op.__new__(Op)
        for slot in Op.__slots__:
            setattr(twin, slot, getattr(op, slot))
        twin.vjps = tuple(None if r is None else _strong_rule(r) for r in op.vjps)
        _STRONG_TWINS[op] = twin
        _STRONG.add(twin)
    return twin


def _is_elementwise(op):
    return op.vjps is not None and op.batch in (_EW, _batch_unbatched_value)


def _strong_zero_history(t):
    """Swap the ops of the elementwise nodes that produced `t` for their strong-zero twins."""
    from ..autograd.graph import OpNode

    stack = [getattr(t, "grad_fn", None)]
    seen = set()
    while stack:
        node = stack.pop()
        # (a node already converted had its whole elementwise history converted with it)
        if not isinstance(node, OpNode) or id(node) in seen or node.op in _STRONG or \
                not _is_elementwise(node.op):
            continue
        seen.add(id(node))
        node.op = _strong_twin(node.op)
        stack.extend(e[0] for e in node.next_edges if e is not None)


# --- comparisons and logic (no gradient) ------------------------------------------------------

def _compare(name, np_fn, int_kernel=None):
    """A non-differentiable binary op; `int_kernel` names a bitwise op's integer-only kernel."""
    forward = _binary_forward(name, np_fn)
    if int_kernel is not None:
        forward = _integer_only(forward, int_kernel)
    op = Op(name, forward, batch=_EW)

    def fn(input, other):
        return apply(op, (input, other), {})

    fn.__name__ = name
    return fn


_TORCH_TYPE_NAMES = {"float32": "Float", "float64": "Double", "float16": "Half"}


def _integer_only(forward, kernel):
    """Bitwise ops exist for bool and integer dtypes only (NotImplementedError, as PyTorch)."""

    def checked(x, y):
        x, y = _promote(x, y)
        for v in (x, y):
            if isinstance(v, (_ndarray, np.generic)) and v.dtype.kind == "f":
                check_broadcast(kernel[:-4], x, y)  # PyTorch checks the shapes first
                raise NotImplementedError(
                    f"\"{kernel}\" not implemented for '{_TORCH_TYPE_NAMES[v.dtype.name]}'"
                )
        if isinstance(x, float) or isinstance(y, float):
            raise NotImplementedError(f"\"{kernel}\" not implemented for 'Float'")
        return forward(x, y)

    return checked


eq = _compare("eq", np.equal)
ne = _compare("ne", np.not_equal)
lt = _compare("lt", np.less)
le = _compare("le", np.less_equal)
gt = _compare("gt", np.greater)
ge = _compare("ge", np.greater_equal)
logical_and = _compare("logical_and", np.logical_and)
logical_or = _compare("logical_or", np.logical_or)
logical_xor = _compare("logical_xor", np.logical_xor)
bitwise_and = _compare("bitwise_and", np.bitwise_and, "bitwise_and_cpu")
bitwise_or = _compare("bitwise_or", np.bitwise_or, "bitwise_or_cpu")
bitwise_xor = _compare("bitwise_xor", np.bitwise_xor, "bitwise_xor_cpu")
bitwise_left_shift = _compare("bitwise_left_shift", np.left_shift, "lshift_cpu")
bitwise_right_shift = _compare("bitwise_right_shift", np.right_shift, "rshift_cpu")
greater, greater_equal, less, less_equal, not_equal = gt, ge, lt, le, ne

_LOGICAL_NOT = Op("logical_not", np.logical_not, batch=_EW)
_BITWISE_NOT = Op("bitwise_not", np.invert, batch=_EW)
_ISNAN = Op("isnan", np.isnan, batch=_EW)
_ISINF = Op("isinf", np.isinf, batch=_EW)
_ISFINITE = Op("isfinite", np.isfinite, batch=_EW)


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


_FILL_RULES = (lambda g, ans, x, v: _zeros_like(g), lambda g, ans, x, v: g)
def _batch_unbatched_value(op, args, bdims, params):
    """fill / masked_fill: broadcasting while the fill value is not batched (a batched 0-d
    value would become 1-d, which these forwards refuse): otherwise the loop."""
    if bdims[-1] is not None:
        return None
    return _EW(op, args, bdims, params)


FILL = Op("fill", _fill_forward, _FILL_RULES, backward_name="FillBackward2", jvp=linear_jvp,
          batch=_batch_unbatched_value)
FILL_TENSOR = Op("fill", _fill_forward, _FILL_RULES, backward_name="FillBackward3",
                 jvp=linear_jvp, batch=_batch_unbatched_value)
ZERO = Op("zero", _fill_forward, _FILL_RULES, jvp=linear_jvp, batch=_batch_unbatched_value)


def _copy_forward(x, src):
    try:
        return np.broadcast_to(src, x.shape).astype(x.dtype, copy=True)
    except ValueError:
        raise RuntimeError(
            f"copy_: the size of src {list(np.shape(src))} must be broadcastable to the size of "
            f"self {list(x.shape)}"
        ) from None


# (copy broadcasts src to x's shape, not both ways: no elementwise batching rule)
COPY = Op("copy", _copy_forward, (lambda g, ans, x, s: _zeros_like(g), lambda g, ans, x, s: g),
          backward_name="torch::autograd::CopyBackwards", jvp=linear_jvp)
CAST = Op("to", lambda x, dtype: x.astype(dtype), (lambda g, ans, x, dtype: g,),
          backward_name="ToCopyBackward0", jvp=linear_jvp, batch=_EW)
CAST_NONDIFF = Op("to", lambda x, dtype: x.astype(dtype), batch=_EW)
CLONE = Op("clone", lambda x: x.copy(), (lambda g, ans, x: g,), jvp=linear_jvp, batch=_EW)


def fill(input, value):
    return apply(FILL_TENSOR if hasattr(value, "_data") else FILL, (input, value), {})


def zero(input):
    """Zeros shaped like input (the result of zero_)."""
    return apply(ZERO, (input, 0), {})


def _zeros_like(g):
    """Zeros shaped like g, differentiably: PyTorch's zero gradients are +0 (g * 0 gives -0)."""
    return where(True, 0.0, g)


def copy(input, src):
    return apply(COPY, (input, src), {})


def cast(input, np_dtype):
    """`input` converted to `np_dtype`; differentiable when the result is floating."""
    return apply(CAST if np_dtype.kind == "f" else CAST_NONDIFF, (input,), {"dtype": np_dtype})


def clone(input, *, memory_format=None):
    return apply(CLONE, (input,), {})


# --- Python-operator extras: rsub (`2 - t`), floor_divide (`//`), remainder (`%`), masked_fill ---

def _rsub_forward(x, y):
    return _sub_forward(y, x)


_RSUB_RULES = (lambda g, ans, x, y: neg(g), lambda g, ans, x, y: g)
RSUB = Op("rsub", _rsub_forward, _RSUB_RULES, jvp=linear_jvp, batch=_EW)
RSUB_SCALAR = Op("rsub", _rsub_forward, _RSUB_RULES, backward_name="RsubBackward1",
                 jvp=linear_jvp, batch=_EW)


def rsub(input, other, *, alpha=1):
    """other - alpha * input (what `2 - t` computes)."""
    if alpha != 1:
        input = mul(input, alpha)
    return apply(RSUB if hasattr(other, "_data") else RSUB_SCALAR, (input, other), {})


def _result_kind(x, y):
    for v in (x, y):
        if isinstance(v, (_ndarray, np.generic)):
            return v.dtype.kind
    return "f" if isinstance(x, float) or isinstance(y, float) else "i"


def _division_forward(name, np_fn, kernel):
    """Forward of an integer-capable division: integer division by zero raises (as PyTorch;
    floats give inf or nan), bool inputs are not implemented."""

    def forward(x, y):
        x, y = _promote(x, y)
        kind = _result_kind(x, y)
        if kind == "b":
            raise NotImplementedError(f"\"{kernel}\" not implemented for 'Bool'")
        if kind in "iu" and np.any(np.equal(y, 0)):
            raise RuntimeError("ZeroDivisionError")
        try:
            with np.errstate(divide="ignore", invalid="ignore"):
                return np_fn(x, y)
        except ValueError:
            check_broadcast(name, x, y)
            raise

    return forward


def _no_derivative(name):
    def rule(g, ans, *args):
        raise RuntimeError(f"derivative for aten::{name} is not implemented")

    return rule


# `//` is PyTorch's floor_divide, which has no derivative: the result requires grad, and
# backward through it raises (div(rounding_mode='floor') is the differentiable spelling).
FLOOR_DIVIDE = Op("floor_divide", _division_forward("floor_divide", np.floor_divide,
                                                    "div_floor_cpu"),
                  (_no_derivative("floor_divide"),) * 2,
                  backward_name="torch::autograd::NotImplemented", batch=_EW)
def _remainder_np(x, y):
    """PyTorch's remainder: for floats fmod(x, y), moved by y when its sign differs from y's
    (NumPy's remainder gives -0.0 where PyTorch gives 0.0, as in 2 % -2.0)."""
    if _result_kind(x, y) != "f":
        return np.remainder(x, y)
    m = np.fmod(x, y)
    return np.where((m != 0) & ((np.asarray(y) < 0) != (m < 0)), m + y, m).astype(m.dtype)


REMAINDER = Op("remainder", _division_forward("remainder", _remainder_np, "remainder_cpu"),
               (lambda g, ans, x, y: g,
                lambda g, ans, x, y: mul(neg(g), div(x, y, rounding_mode="floor"))),
               rule_reads=((), (0, 1)), jvp=elementwise_jvp, batch=_EW)


def floor_divide(input, other):
    """input // other, rounded toward minus infinity (integers stay integers)."""
    return apply(FLOOR_DIVIDE, (input, other), {})


def remainder(input, other):
    """input % other with the sign of `other` (Python's %). Unlike PyTorch, `scalar % tensor`
    is differentiable here (PyTorch records it but raises in backward)."""
    return apply(REMAINDER, (input, other), {})


def _masked_fill_forward(x, mask, value):
    mask = np.asarray(mask)
    if mask.dtype != np.bool_:
        raise RuntimeError(
            f"masked_fill_ only supports boolean masks, but got mask with dtype "
            f"{_TORCH_DTYPE_NAMES.get(mask.dtype.name, mask.dtype.name)}"
        )
    if np.ndim(value) != 0:
        raise RuntimeError(
            f"masked_fill_ only supports a 0-dimensional value tensor, but got tensor with "
            f"{np.ndim(value)} dimension(s)."
        )
    try:
        return np.where(mask, value, x).astype(x.dtype, copy=False)
    except ValueError:
        check_broadcast("masked_fill", x, mask)
        raise


_TORCH_DTYPE_NAMES = {"int64": "long int", "float32": "float", "float64": "double",
                      "int32": "int", "uint8": "unsigned char"}
_MASKED_FILL_RULES = (lambda g, ans, x, mask, v: where(mask, 0.0, g), None,
                      lambda g, ans, x, mask, v: where(mask, g, 0.0))
MASKED_FILL = Op("masked_fill", _masked_fill_forward, _MASKED_FILL_RULES,
                 rule_reads=((1,), (), (1,)), backward_name="MaskedFillBackward0",
                 jvp=linear_jvp, batch=_batch_unbatched_value)
MASKED_FILL_TENSOR = Op("masked_fill", _masked_fill_forward, _MASKED_FILL_RULES,
                        rule_reads=((1,), (), (1,)), backward_name="MaskedFillBackward1",
                        jvp=linear_jvp, batch=_batch_unbatched_value)


def masked_fill(input, mask, value):
    """A copy of input with `value` where `mask` (a bool tensor broadcast to input) is True."""
    op = MASKED_FILL_TENSOR if hasattr(value, "_data") else MASKED_FILL
    return apply(op, (input, mask, value), {})
