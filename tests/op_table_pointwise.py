"""Op-table entries for the elementwise ops of chainrule/ops/pointwise.py and special_ops.py
(loaded into tests/op_table.py's OPS, so gradcheck, gradgradcheck, dtypes, values, vmap and
the JVP tests all run on them).

References are NumPy where NumPy has the function, and otherwise independent scalar
implementations on Python's `math` module (math.erf, math.lgamma, series and Newton iterations
written out below), vectorized with np.vectorize: no SciPy, no torch.
"""

import math

import numpy as np
from op_table import (
    Const,
    Expanded,
    NonContig,
    OpInfo,
    Sample,
    _where_samples,
    binary_samples,
    unary_samples,
    uniform,
)

import chainrule as cr

# --- scalar references on `math` -----------------------------------------------------------------


def _vec(fn):
    return np.vectorize(fn, otypes=[np.float64])


def _erfinv_scalar(y):
    x = 0.0  # Newton from 0 converges monotonically (erf is concave on x > 0)
    for _ in range(100):
        x -= (math.erf(x) - y) / (2.0 / math.sqrt(math.pi) * math.exp(-x * x))
    return x


# B_2k / (2k) and B_2k for k = 1..6
_BERN = [1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730]


def _digamma_scalar(x):
    if x < 0:
        return _digamma_scalar(1.0 - x) - math.pi / math.tan(math.pi * x)
    acc = 0.0
    while x < 20.0:
        acc -= 1.0 / x
        x += 1.0
    s = sum(b / (2 * k) / x ** (2 * k) for k, b in enumerate(_BERN, start=1))
    return acc + math.log(x) - 0.5 / x - s


def _hurwitz_scalar(s, q, n_direct=40):
    """zeta(s, q) by a direct sum and Euler-Maclaurin (written independently of the kernel)."""
    total = math.fsum((q + k) ** -s for k in range(n_direct))
    a = q + n_direct
    total += a ** (1 - s) / (s - 1) + 0.5 * a ** -s
    rising, fact = s, 2.0
    for k, b in enumerate(_BERN, start=1):
        total += b / fact * rising * a ** (-s - 2 * k + 1)
        rising *= (s + 2 * k - 1) * (s + 2 * k)
        fact *= (2 * k + 1) * (2 * k + 2)
    return total


def _polygamma_ref(n, x):
    return _vec(lambda v: (-1) ** (n + 1) * math.factorial(n) * _hurwitz_scalar(n + 1, v))(x)


def _bessel_scalar(x, order):
    q = x * x / 4
    terms = [(x / 2) ** order]
    for k in range(1, 60):
        terms.append(terms[-1] * q / (k * (k + order)))
    return math.fsum(terms)


def _ndtri_scalar(p):
    x = 0.0
    for _ in range(100):
        x -= (0.5 * math.erfc(-x / math.sqrt(2)) - p) / math.exp(-x * x / 2) * math.sqrt(
            2 * math.pi)
    return x


REF = {
    "erf": _vec(math.erf), "erfc": _vec(math.erfc), "erfinv": _vec(_erfinv_scalar),
    "lgamma": _vec(math.lgamma), "digamma": _vec(_digamma_scalar),
    "i0": np.i0, "i1": _vec(lambda v: _bessel_scalar(v, 1)),
    "i0e": _vec(lambda v: _bessel_scalar(v, 0) * math.exp(-abs(v))),
    "i1e": _vec(lambda v: _bessel_scalar(v, 1) * math.exp(-abs(v))),
    "erfcx": _vec(lambda v: math.exp(v * v) * math.erfc(v)),
    "ndtr": _vec(lambda v: 0.5 * math.erfc(-v / math.sqrt(2))),
    "log_ndtr": _vec(lambda v: math.log(0.5 * math.erfc(-v / math.sqrt(2)))),
    "ndtri": _vec(_ndtri_scalar), "entr": _vec(lambda v: -v * math.log(v)),
}


def _mvlgamma_ref(x, p):
    return sum(REF["lgamma"](x - j / 2) for j in range(p)) + p * (p - 1) / 4 * math.log(math.pi)


def _zeta_ref(s, q):
    return _vec(_hurwitz_scalar)(s, q)


def _xlogy_ref(log_fn):
    def ref(x, y):
        with np.errstate(all="ignore"):
            out = x * log_fn(y)
        return np.where(np.isnan(y), np.nan, np.where(np.asarray(x) == 0, 0.0, out))

    return ref


# --- sample makers -------------------------------------------------------------------------------


def _with(make, *extra):
    """A sample maker plus fixed extra samples (extra: functions rng -> Sample)."""

    def out(rng):
        return make(rng) + [e(rng) for e in extra]

    return out


def _polygamma_samples(rng):
    out = [Sample(n, v.args[0]) for n in (1, 2, 3) for v in unary_samples(0.3, 4.0)(rng)[:4]]
    out.append(Sample(1, uniform(rng, (2, 3), -2.9, -2.1, avoid=(-2.5,)), desc="negative_x"))
    out.append(Sample(2, NonContig(uniform(rng, (2, 3), 0.3, 4.0))))
    out.append(Sample(1, Expanded(uniform(rng, (3, 1), 0.3, 4.0), (3, 4))))
    out.append(Sample(1, np.zeros((2, 0))))
    return out


def _mvlgamma_samples(rng):
    shapes = (((2, 3), 3), ((), 1), ((3,), 2), ((2, 2, 3), 4), ((2, 0), 2), ((0,), 1))
    return [Sample(uniform(rng, s, 1.6, 4.0), p) for s, p in shapes] + [
        Sample(NonContig(uniform(rng, (2, 3), 1.6, 4.0)), 3),
        Sample(Expanded(uniform(rng, (3, 1), 1.6, 4.0), (3, 4)), 2)]


def _zeta_samples(rng):
    s = rng.uniform(1.5, 4.0, (2, 3))
    return [
        Sample(Const(s), rng.uniform(0.5, 3.0, (2, 3))),
        Sample(Const(s[:, :1]), rng.uniform(0.5, 3.0, (1, 3))),
        Sample(2.5, rng.uniform(0.5, 3.0, (3,))),
        Sample(Const(np.array(3.0)), rng.uniform(0.5, 3.0, ())),
        Sample(Const(s), NonContig(rng.uniform(0.5, 3.0, (2, 3)))),
        Sample(Const(np.zeros((2, 0)) + 2), rng.uniform(0.5, 3.0, (2, 0))),
        Sample(Const(s[:1]), rng.uniform(0.5, 3.0, (2, 1)), desc="broadcast_both"),
        Sample(Const(s), Expanded(rng.uniform(0.5, 3.0, (1, 3)), (2, 3))),
    ]


def _logit_eps_samples(rng):
    # (uniform's `avoid` moves points up to 0.15 away: they stay inside (0, 1))
    def x(shape):
        return uniform(rng, shape, 0.05, 0.95, avoid=(0.25, 0.75))

    return [Sample(x(s), eps=0.25) for s in ((2, 3), (), (3,), (2, 2, 3), (0,), (2, 0))] + [
        Sample(NonContig(x((2, 3))), eps=0.25), Sample(Expanded(x((3, 1)), (3, 4)), eps=0.25)]


def _round_decimals_samples(rng):
    def away(shape, step):
        x = rng.uniform(-2, 2, shape)
        frac = np.mod(x / step, 1.0)  # keep away from the jumps (at odd multiples of step/2)
        return np.where(np.abs(frac - 0.5) < 0.1, x + 0.2 * step, x)

    return [Sample(away((2, 3), 0.1), decimals=1), Sample(away((3,), 0.01), decimals=2),
            Sample(away((2, 3), 10.0) * 50, decimals=-1), Sample(away((), 1.0), decimals=0),
            Sample(NonContig(away((2, 3), 0.1)), decimals=1),
            Sample(away((2, 2, 3), 0.001), decimals=3), Sample(np.zeros((2, 0)), decimals=1),
            Sample(Expanded(away((3, 1), 0.1), (3, 4)), decimals=1)]


def _nan_to_num_samples(rng):
    # (the default posinf/neginf depend on the dtype: tests/test_special_points.py checks them)
    special = np.array([np.nan, np.inf, -np.inf, 1.5, -0.3, 2.0])
    return unary_samples()(rng) + [
        Sample(special.copy(), nan=0.5, posinf=9.0, neginf=-9.0, desc="nonfinite_values"),
        Sample(NonContig(special.reshape(3, 2).copy()), posinf=1e3, neginf=-2.0),
    ]


def _lerp_samples(rng):
    def n(*shape):
        return rng.normal(size=shape)

    return [
        Sample(n(2, 3), n(2, 3), 0.3), Sample(n(2, 3), n(3), 0.75), Sample(n(), n(), -0.4),
        Sample(n(3, 1), n(1, 4), n(3, 4), desc="tensor_weight"),
        Sample(n(2, 3), n(2, 3), n(3), desc="tensor_weight_broadcast"),
        Sample(n(3), n(2, 3), n(2, 1), desc="weight_broadcasts_all"),
        Sample(n(2, 0), n(2, 0), 0.5), Sample(NonContig(n(2, 3)), n(2, 3), n(2, 3)),
        Sample(n(2, 3), Expanded(n(1, 3), (2, 3)), 1.5),
    ]


def _addc_samples(avoid_zero):
    def make(rng):
        def n(*shape):
            return uniform(rng, shape, avoid=(0,) if avoid_zero else ())

        out = [Sample(n(2, 3), n(2, 3), n(2, 3)), Sample(n(3), n(2, 1), n(1, 3)),
               Sample(n(2, 3), n(3), n(2, 3), value=0.5), Sample(n(), n(), n(), value=-2),
               Sample(n(2, 0), n(2, 0), n(0), value=3.0),
               Sample(NonContig(n(2, 3)), n(2, 3), NonContig(n(2, 3)))]
        out.append(Sample(n(2, 3), Expanded(n(1, 3), (2, 3)), n(2, 3)))
        out.append(Sample(n(2, 2, 3), n(3), n(2, 1, 1)))
        return out

    return make


def _clamp_one_samples(rng):
    def away(shape, bound):
        return uniform(rng, shape, avoid=(bound,))

    lo = rng.uniform(-1, 0, (3,))
    x = rng.uniform(-2, 2, (2, 3))
    x = np.where(np.abs(x - lo) < 0.1, x + 0.3, x)
    b0 = np.array(0.3)
    return [Sample(away((2, 3), -0.5), -0.5), Sample(away((), 0.2), 0.2),
            Sample(away((2, 2, 3), 1.0), 1), Sample(np.zeros((0,)), 0.5),
            Sample(x, lo, desc="tensor_bound"), Sample(NonContig(away((2, 3), 0.3)), 0.3),
            Sample(away((2, 3), 0.3), b0, desc="0d_tensor_bound"),
            Sample(Expanded(away((3, 1), -0.2), (3, 4)), -0.2),
            Sample(np.array([-1.0, 0.0, 1.0]), b0.reshape(1, 1), desc="bound_broadcasts_x")]


def _xlog1py_samples(rng):
    return binary_samples((-2.0, 2.0), (-0.8, 2.0), scalars=((2.5, 1.5), (3, 2)))(rng)


def _sinc_samples(rng):
    return unary_samples()(rng) + [Sample(np.array([0.0, 1e-4, -2e-4, 0.5]), desc="near0")]


def _away_from_integer_ratio(x, y):
    frac = np.mod(np.divide(x, y), 1.0)
    return bool(np.all((frac > 0.1) & (frac < 0.9)))


INTS = (-2, -1, 0, 1, 2)
HALVES = (-1.5, -0.5, 0.5, 1.5)
POS = (0.5, 2.0)
BOTH_TENSORS = binary_samples()  # ops that refuse Python numbers
NO_TIES = binary_samples(gap=0.1)


def _unary(name, fn, ref, lo=-2.0, hi=2.0, avoid=(), **kw):
    return OpInfo(name, fn, ref, unary_samples(lo, hi, avoid), covers=(fn,), **kw)


OPS = [
    # exponentials and logarithms
    _unary("exp2", cr.exp2, np.exp2),
    _unary("expm1", cr.expm1, np.expm1),
    _unary("log2", cr.log2, np.log2, 0.2, 3.0),
    _unary("log10", cr.log10, np.log10, 0.2, 3.0),
    _unary("log1p", cr.log1p, np.log1p, -0.8, 3.0),
    # trigonometric and hyperbolic
    _unary("tan", cr.tan, np.tan, -1.2, 1.2),
    _unary("asin", cr.asin, np.arcsin, -0.9, 0.9),
    _unary("acos", cr.acos, np.arccos, -0.9, 0.9),
    _unary("atan", cr.atan, np.arctan),
    _unary("sinh", cr.sinh, np.sinh),
    _unary("cosh", cr.cosh, np.cosh),
    _unary("asinh", cr.asinh, np.arcsinh),
    _unary("acosh", cr.acosh, np.arccosh, 1.2, 3.0),
    _unary("atanh", cr.atanh, np.arctanh, -0.9, 0.9),
    _unary("deg2rad", cr.deg2rad, np.deg2rad),
    _unary("rad2deg", cr.rad2deg, np.rad2deg),
    OpInfo("sinc", cr.sinc, np.sinc, _sinc_samples, covers=(cr.sinc,)),
    # rounding and sign (derivative 0; frac 1)
    _unary("floor", cr.floor, np.floor, avoid=INTS),
    _unary("ceil", cr.ceil, np.ceil, avoid=INTS),
    _unary("trunc", cr.trunc, np.trunc, avoid=INTS),
    _unary("round", cr.round, np.round, avoid=HALVES),
    OpInfo("round_decimals", cr.round, lambda x, decimals: np.round(x, decimals),
           _round_decimals_samples),
    _unary("frac", cr.frac, lambda x: x - np.trunc(x), avoid=INTS),
    _unary("sgn", cr.sgn, np.sign, avoid=(0,)),
    _unary("positive", cr.positive, np.positive),
    OpInfo("nan_to_num", cr.nan_to_num, np.nan_to_num, _nan_to_num_samples,
           covers=(cr.nan_to_num,)),
    _unary("logit", cr.logit, lambda x: np.log(x / (1 - x)), 0.05, 0.95),
    OpInfo("logit_eps", cr.logit, lambda x, eps: np.log(np.clip(x, eps, 1 - eps) / (
        1 - np.clip(x, eps, 1 - eps))), _logit_eps_samples),
    # the error function and gamma families, Bessel functions
    _unary("erf", cr.erf, REF["erf"]),
    _unary("erfc", cr.erfc, REF["erfc"]),
    _unary("erfinv", cr.erfinv, REF["erfinv"], -0.9, 0.9),
    _unary("lgamma", cr.lgamma, REF["lgamma"], 0.2, 4.0),
    _unary("lgamma_negative", cr.lgamma, REF["lgamma"], -2.9, -2.1, avoid=(-2.5,)),
    _unary("digamma", cr.digamma, REF["digamma"], 0.2, 4.0),
    _unary("digamma_negative", cr.digamma, REF["digamma"], -1.9, -1.1),
    OpInfo("polygamma", cr.polygamma, _polygamma_ref, _polygamma_samples,
           covers=(cr.polygamma,), rtol=1e-9),
    OpInfo("mvlgamma", cr.mvlgamma, _mvlgamma_ref, _mvlgamma_samples, covers=(cr.mvlgamma,)),
    _unary("i0", cr.i0, REF["i0"], -3.0, 3.0),
    OpInfo("special_i0e", cr.special.i0e, REF["i0e"], unary_samples(-3.0, 3.0)),
    OpInfo("special_i1", cr.special.i1, REF["i1"], unary_samples(-3.0, 3.0)),
    OpInfo("special_i1e", cr.special.i1e, REF["i1e"], unary_samples(-3.0, 3.0)),
    OpInfo("special_erfcx", cr.special.erfcx, REF["erfcx"], unary_samples(-2.0, 3.0)),
    OpInfo("special_ndtr", cr.special.ndtr, REF["ndtr"], unary_samples(-3.0, 3.0)),
    OpInfo("special_log_ndtr", cr.special.log_ndtr, REF["log_ndtr"], unary_samples(-3.0, 3.0),
           rtol=1e-9),
    OpInfo("special_ndtri", cr.special.ndtri, REF["ndtri"], unary_samples(0.05, 0.95)),
    OpInfo("special_entr", cr.special.entr, REF["entr"], unary_samples(0.1, 2.0)),
    OpInfo("special_xlog1py", cr.special.xlog1py, _xlogy_ref(np.log1p), _xlog1py_samples),
    # (Const arguments stay float64, so float32 q gives float64 results: checked in float64)
    OpInfo("special_zeta", cr.special.zeta, _zeta_ref, _zeta_samples, rtol=1e-9, float32=False),
    # binary
    OpInfo("atan2", cr.atan2, np.arctan2, binary_samples(x_avoid=(0,)), covers=(cr.atan2,)),
    OpInfo("hypot", cr.hypot, np.hypot, binary_samples(x_avoid=(0,)), covers=(cr.hypot,)),
    OpInfo("logaddexp", cr.logaddexp, np.logaddexp, BOTH_TENSORS, covers=(cr.logaddexp,)),
    OpInfo("logaddexp2", cr.logaddexp2, np.logaddexp2, BOTH_TENSORS, covers=(cr.logaddexp2,)),
    OpInfo("xlogy", cr.xlogy, _xlogy_ref(np.log),
           binary_samples((-2.0, 2.0), (0.2, 3.0), scalars=((2.5, 1.5), (3, 2))),
           covers=(cr.xlogy,)),
    OpInfo("copysign", cr.copysign, np.copysign,
           binary_samples(x_avoid=(0,), y_avoid=(0,), scalars=((None, 2.5), (None, -1.5))),
           covers=(cr.copysign,)),
    OpInfo("fmax", cr.fmax, np.fmax, NO_TIES, covers=(cr.fmax,)),
    OpInfo("fmin", cr.fmin, np.fmin, NO_TIES, covers=(cr.fmin,)),
    OpInfo("fmod", cr.fmod, np.fmod,
           binary_samples(y_avoid=(0,), scalars=((None, 1.5), (None, -0.7)),
                          accept=_away_from_integer_ratio), covers=(cr.fmod,)),
    OpInfo("float_power", cr.float_power, np.power,
           binary_samples(POS, scalars=((2.0, 2.0), (0.5, -1.5), (3, 2))),
           covers=(cr.float_power,), float32=False),
    OpInfo("ldexp", cr.ldexp, lambda x, y: x * 2.0 ** y, BOTH_TENSORS, covers=(cr.ldexp,)),
    OpInfo("lerp", cr.lerp, lambda x, e, w: x + w * (e - x), _lerp_samples, covers=(cr.lerp,)),
    OpInfo("addcmul", cr.addcmul, lambda x, a, b, value=1: x + value * a * b,
           _addc_samples(False), covers=(cr.addcmul,)),
    OpInfo("addcdiv", cr.addcdiv, lambda x, a, b, value=1: x + value * a / b,
           _addc_samples(True), covers=(cr.addcdiv,)),
    OpInfo("clamp_min", cr.clamp_min, np.maximum, _clamp_one_samples, covers=(cr.clamp_min,)),
    OpInfo("clamp_max", cr.clamp_max, np.minimum, _clamp_one_samples, covers=(cr.clamp_max,)),
    OpInfo("where_safe", lambda c, x, y: cr.where(c, x, y, safe=True),
           lambda c, x, y: np.where(c, x, y), _where_samples),
]

NOT_DIFFERENTIABLE = {"signbit", "isposinf", "isneginf", "isreal", "nextafter", "heaviside"}
