"""The error function and gamma families, Bessel functions and other special functions as ops.

The forwards are the vectorized kernels of special_kernels.py (computed in float64, returned in
the input's dtype); the derivatives are PyTorch's formulas, written with chainrule ops so that
every order works: lgamma' = digamma, digamma' = polygamma(1, .), polygamma(n, .)' =
polygamma(n + 1, .), erf' = 2 / sqrt(pi) exp(-x^2), erfinv' = sqrt(pi) / 2 exp(erfinv(x)^2).
Functions that only `torch.special` has (erfcx, ndtr, ...) are public through chainrule.special.
"""

import math

import numpy as np

from . import special_kernels as K
from ._core import Op, apply, elementwise_jvp
from .elementwise import (
    _EW,
    _errstate,
    _to_float,
    abs,
    add,
    div,
    eq,
    exp,
    le,
    log,
    logical_and,
    lt,
    mul,
    neg,
    reciprocal,
    sign,
    sub,
    unary,
    where,
)
from .pointwise import _float_binary
from .pointwise_binary import _xlogy_np

__all__ = ["digamma", "erf", "erfc", "erfinv", "i0", "lgamma", "mvlgamma", "polygamma"]

_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)
_SQRT_2PI = math.sqrt(2.0 * math.pi)


def _special(name, kernel, deriv, needs="x"):
    """A unary op of torch.special (its node is named Special<Name>Backward0, as PyTorch's)."""
    op, fn = unary(name, kernel, deriv, needs=needs)
    # (PyTorch capitalizes after a digit too: SpecialI0EBackward0)
    camel = "".join(p.capitalize() for p in name.split("_"))
    camel = "".join(c.upper() if i and camel[i - 1].isdigit() else c for i, c in enumerate(camel))
    op.backward_name = "Special" + camel + "Backward0"
    return op, fn


# --- error function family -------------------------------------------------------------------
# legend: unary(name, forward kernel, local derivative d(x, ans), what d reads)

ERF, erf = unary("erf", K.erf, lambda x, ans: mul(exp(neg(mul(x, x))), _TWO_OVER_SQRT_PI))
ERFC, erfc = unary("erfc", K.erfc, lambda x, ans: mul(exp(neg(mul(x, x))), -_TWO_OVER_SQRT_PI))
ERFINV, erfinv = unary("erfinv", K.erfinv,
                       lambda x, ans: mul(exp(mul(ans, ans)), math.sqrt(math.pi) / 2.0),
                       needs="ans")
ERFCX, erfcx = _special("erfcx", K.erfcx,
                        lambda x, ans: sub(mul(mul(x, 2.0), ans), _TWO_OVER_SQRT_PI),
                        needs="x,ans")
NDTR, ndtr = _special("ndtr", K.ndtr,
                      lambda x, ans: div(exp(mul(mul(x, x), -0.5)), _SQRT_2PI))
NDTRI, ndtri = _special("ndtri", K.ndtri,
                        lambda x, ans: mul(exp(mul(mul(ans, ans), 0.5)), _SQRT_2PI),
                        needs="ans")
LOG_NDTR, log_ndtr = _special(
    "log_ndtr", K.log_ndtr,
    lambda x, ans: div(exp(neg(add(ans, mul(mul(x, x), 0.5)))), _SQRT_2PI), needs="x,ans")

# --- gamma family ------------------------------------------------------------------------------

LGAMMA, lgamma = unary("lgamma", K.lgamma, lambda x, ans: digamma(x))
DIGAMMA, digamma = unary("digamma", K.digamma, lambda x, ans: polygamma(1, x))


def _polygamma_forward(x, *, n):
    return K.polygamma(n, _to_float(x))


POLYGAMMA = Op("polygamma", _polygamma_forward,
               (lambda g, ans, x, *, n: mul(g, polygamma(n + 1, x)),), saves=(0,),
               jvp=elementwise_jvp, batch=_EW)


def polygamma(n, input):
    """The n-th derivative of digamma (n = 0 is digamma itself)."""
    n = int(n)
    if n < 0:
        raise RuntimeError("polygamma(n, x) does not support negative n.")
    if n == 0:
        return digamma(input)
    return apply(POLYGAMMA, (input,), {"n": n})


def mvlgamma(input, p):
    """The log of the multivariate gamma function of dimension p:
    p (p - 1) / 4 log(pi) + sum_{j < p} lgamma(input - j / 2)."""
    p = int(p)
    if p < 1:
        raise RuntimeError("p has to be greater than or equal to 1")
    # (PyTorch 2.13 no longer checks input > (p - 1) / 2: lgamma's poles give inf there)
    total = None
    for j in range(p - 1, -1, -1):
        term = lgamma(sub(input, j / 2.0) if j else input)
        total = term if total is None else add(total, term)
    return add(total, p * (p - 1) * math.log(math.pi) / 4.0)


# --- Bessel functions of the first kind, orders 0 and 1 (and scaled by exp(-|x|)) -------------

def _tiny_safe(x, near, far_fn):
    # PyTorch's i1/i1e backward: the limit `near` where |x| <= eps, far_fn(x) elsewhere (with x
    # replaced where tiny, so that no 0 / 0 reaches the branch not taken)
    eps = float(np.finfo(np.asarray(getattr(x, "_data", x)).dtype).eps)
    big = lt(eps, abs(x))
    safe = where(big, x, eps)
    return where(big, far_fn(safe), near)


I0, i0 = unary("i0", K.i0, lambda x, ans: i1(x))
I0E, i0e = _special("i0e", K.i0e, lambda x, ans: sub(i1e(x), mul(sign(x), ans)),
                    needs="x,ans")
I1, i1 = _special("i1", K.i1, lambda x, ans: _tiny_safe(
    x, 0.5, lambda s: sub(i0(s), mul(ans, reciprocal(s)))), needs="x,ans")
I1E, i1e = _special("i1e", K.i1e, lambda x, ans: _tiny_safe(
    x, 0.5, lambda s: sub(i0e(s), mul(ans, add(sign(s), reciprocal(s))))), needs="x,ans")


# --- entropy, xlog1py, zeta ----------------------------------------------------------------------

def _entr_np(x):
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(x > 0, -x * np.log(x), np.where(x == 0, 0.0, -np.inf))
    return np.where(np.isnan(x), np.nan, out).astype(x.dtype, copy=False)


ENTR, entr = _special("entr", _entr_np, lambda x, ans: neg(add(log(x), 1.0)))

XLOG1PY = Op("xlog1py", _float_binary("xlog1py", _xlogy_np(_errstate(np.log1p))), (
    lambda g, ans, x, y: where(logical_and(eq(x, 0.0), le(y, -1.0)), 0.0, xlog1py(g, y)),
    lambda g, ans, x, y: div(mul(g, x), add(y, 1.0))), saves=(0, 1), jvp=elementwise_jvp,
    batch=_EW, backward_name="SpecialXlog1PyBackward0")


def xlog1py(input, other):
    """input * log1p(other), and 0 where input == 0 (unless other is NaN)."""
    return apply(XLOG1PY, (input, other), {})


def _zeta_x_rule(g, ans, x, q):
    raise NotImplementedError("the derivative for 'zeta' is not implemented.")


ZETA = Op("zeta", _float_binary("zeta", K.zeta), (
    _zeta_x_rule, lambda g, ans, x, q: mul(g, mul(neg(x), zeta(add(x, 1.0), q)))),
    saves=(0, 1), jvp=elementwise_jvp, batch=_EW, backward_name="SpecialZetaBackward0")


def zeta(input, other):
    """The Hurwitz zeta function sum_{k >= 0} (other + k) ** -input (differentiable in other
    only, as PyTorch)."""
    return apply(ZETA, (input, other), {})


def _install():
    from .._tensor_methods import install_methods

    def polygamma_method(self, n):
        return polygamma(n, self)

    same = {"erf": erf, "erfc": erfc, "erfinv": erfinv, "lgamma": lgamma, "digamma": digamma,
            "i0": i0, "mvlgamma": mvlgamma}
    methods = dict(same, polygamma=polygamma_method)
    install_methods(methods, {name + "_": fn for name, fn in methods.items()})


_install()
