"""Broadcasting in the binary ops, driven by hypothesis (MyGrad's backprop_test_factory is the
model): for shape pairs that broadcast (0 to 3 dims, sizes 0 to 3), in either order, values
match NumPy, every input gets a gradient of its own shape, the gradient from `backward()` equals a
central-difference vector-Jacobian product, and gradcheck passes."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import mutually_broadcastable_shapes
from op_table import GRAD_TOL

import chainrule as cr
from chainrule.autograd import gradcheck

# database=None: no .hypothesis/ directory written into the checkout; derandomize: the same
# examples on every run, so CI's verdict does not depend on the draw
SETTINGS = settings(max_examples=60, deadline=None, database=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])


def _ties_free(rng, shape, offset):
    # values on a grid of step 0.3, shifted by `offset`: operands with offsets 0, 0.1 and 0.2
    # never tie, so maximum/minimum stay away from their kink
    return rng.integers(-6, 7, shape) * 0.3 + offset


def _positive(rng, shape, offset=0):
    return rng.uniform(0.5, 2.0, shape)


def _any(rng, shape, offset=0):
    return rng.uniform(-2.0, 2.0, shape)


def _nonzero(rng, shape, offset=0):
    return rng.uniform(0.5, 2.0, shape) * rng.choice([-1.0, 1.0], shape)


def _where(c, x, y):
    return cr.where(c > 0, x, y)


def _ref_where(c, x, y):
    return np.where(c > 0, x, y)


# name: (chainrule op, NumPy reference, how to draw each operand)
BINARY = {
    "add": (cr.add, np.add, (_any, _any)),
    "sub": (cr.sub, np.subtract, (_any, _any)),
    "mul": (cr.mul, np.multiply, (_any, _any)),
    "div": (cr.div, np.divide, (_any, _nonzero)),
    "pow": (cr.pow, np.power, (_positive, _any)),
    "maximum": (cr.maximum, np.maximum, (_ties_free, _ties_free)),
    "minimum": (cr.minimum, np.minimum, (_ties_free, _ties_free)),
    "clamp": (cr.clamp, lambda x, lo, hi: np.minimum(np.maximum(x, lo), hi),
              (_ties_free, _ties_free, _ties_free)),
    "where": (_where, _ref_where, (_any, _any, _any)),
    "atan2": (cr.atan2, np.arctan2, (_nonzero, _nonzero)),
    "hypot": (cr.hypot, np.hypot, (_nonzero, _nonzero)),
    "logaddexp": (cr.logaddexp, np.logaddexp, (_any, _any)),
    "logaddexp2": (cr.logaddexp2, np.logaddexp2, (_any, _any)),
    "fmax": (cr.fmax, np.fmax, (_ties_free, _ties_free)),
    "fmin": (cr.fmin, np.fmin, (_ties_free, _ties_free)),
    "xlogy": (cr.xlogy, lambda x, y: x * np.log(y), (_any, _positive)),
    "float_power": (cr.float_power, np.float_power, (_positive, _any)),
    "lerp": (cr.lerp, lambda x, y, w: x + w * (y - x), (_any, _any, _any)),
}
NOT_DIFFERENTIABLE = {"where": (0,)}  # the condition


def _numerical_vjp(fn, arrays, i, v, eps=1e-6):
    """d<v, fn(arrays)>/d arrays[i] by central differences."""
    x = arrays[i]
    out = np.zeros_like(x)
    for j in np.ndindex(x.shape):
        hi, lo = [a.copy() for a in arrays], [a.copy() for a in arrays]
        hi[i][j] += eps
        lo[i][j] -= eps
        out[j] = (np.sum(v * fn(*hi)) - np.sum(v * fn(*lo))) / (2 * eps)
    return out


def _check(name, shapes, seed):
    op, ref, draws = BINARY[name]
    rng = np.random.default_rng(seed)
    arrays = [np.asarray(draw(rng, s, 0.1 * k), dtype=np.float64)
              for k, (draw, s) in enumerate(zip(draws, shapes))]
    frozen = NOT_DIFFERENTIABLE.get(name, ())
    tensors = [cr.tensor(a, dtype=cr.float64, requires_grad=i not in frozen)
               for i, a in enumerate(arrays)]
    out = op(*tensors)
    expected = ref(*arrays)
    assert tuple(out.shape) == expected.shape
    np.testing.assert_allclose(out._data, expected, rtol=1e-12, atol=1e-12)

    v = rng.normal(size=expected.shape)
    out.backward(cr.tensor(v, dtype=cr.float64))
    for i, t in enumerate(tensors):
        if i in frozen:
            assert t.grad is None
            continue
        assert t.grad is not None and t.grad.shape == t.shape
        np.testing.assert_allclose(t.grad._data, _numerical_vjp(ref, arrays, i, v),
                                   **GRAD_TOL)
    fresh = [cr.tensor(a, dtype=cr.float64, requires_grad=i not in frozen)
             for i, a in enumerate(arrays)]
    assert gradcheck(op, fresh, **GRAD_TOL)


def _shape_sets(n):
    return mutually_broadcastable_shapes(num_shapes=n, min_dims=0, max_dims=3, min_side=0,
                                         max_side=3).map(lambda b: b.input_shapes)


SEEDS = st.integers(0, 2**32 - 1)


@pytest.mark.parametrize("name", [n for n, (_, _, d) in BINARY.items() if len(d) == 2])
@SETTINGS
@given(shapes=_shape_sets(2), seed=SEEDS)
def test_binary_op_broadcasting(name, shapes, seed):
    _check(name, shapes, seed)
    _check(name, shapes[::-1], seed)


@pytest.mark.parametrize("name", [n for n, (_, _, d) in BINARY.items() if len(d) == 3])
@SETTINGS
@given(shapes=_shape_sets(3), seed=SEEDS)
def test_ternary_op_broadcasting(name, shapes, seed):
    _check(name, shapes, seed)


@SETTINGS
@given(shape=_shape_sets(1).map(lambda s: s[0]), seed=SEEDS,
       scalar=st.sampled_from([2, -1.5, 0.5]),
       name=st.sampled_from(["add", "sub", "mul", "truediv", "pow"]))
def test_python_scalar_on_either_side(shape, seed, scalar, name):
    rng = np.random.default_rng(seed)
    x = rng.uniform(0.5, 2.0, shape)
    if name == "pow":
        scalar = abs(scalar)  # a negative base to a real power is nan
    np_fn = getattr(np, {"truediv": "true_divide", "sub": "subtract", "mul": "multiply",
                         "pow": "power"}.get(name, name))
    for left in (True, False):
        def op(t, left=left):  # tensor OP scalar (left) or scalar OP tensor (the reflected dunder)
            return getattr(t, f"__{'' if left else 'r'}{name}__")(scalar)

        def ref(a, left=left):
            return np_fn(a, scalar) if left else np_fn(scalar, a)

        t = cr.tensor(x, dtype=cr.float64, requires_grad=True)
        out = op(t)
        np.testing.assert_allclose(out._data, ref(x), rtol=1e-12)
        v = rng.normal(size=np.shape(ref(x)))
        out.backward(cr.tensor(v, dtype=cr.float64))
        assert t.grad.shape == t.shape
        np.testing.assert_allclose(t.grad._data, _numerical_vjp(ref, [x], 0, v), **GRAD_TOL)


@st.composite
def _matmul_shapes(draw):
    """Batched matmul operands whose batch dims broadcast; 1-d operands on either side."""
    batch = draw(mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=2,
                                               min_side=0, max_side=3)).input_shapes
    n, k, m = (draw(st.integers(0, 3)) for _ in range(3))
    left = (k,) if draw(st.booleans()) and not batch[0] else batch[0] + (n, k)
    right = (k,) if draw(st.booleans()) and not batch[1] else batch[1] + (k, m)
    return left, right


@SETTINGS
@given(shapes=_matmul_shapes(), seed=SEEDS)
def test_matmul_batch_broadcasting(shapes, seed):
    rng = np.random.default_rng(seed)
    arrays = [rng.normal(size=s) for s in shapes]
    tensors = [cr.tensor(a, dtype=cr.float64, requires_grad=True) for a in arrays]
    out = cr.matmul(*tensors)
    expected = np.matmul(*arrays)
    assert tuple(out.shape) == expected.shape
    np.testing.assert_allclose(out._data, expected, rtol=1e-12, atol=1e-12)
    v = rng.normal(size=expected.shape)
    out.backward(cr.tensor(v, dtype=cr.float64))
    for i, t in enumerate(tensors):
        assert t.grad.shape == t.shape
        np.testing.assert_allclose(t.grad._data, _numerical_vjp(np.matmul, arrays, i, v),
                                   **GRAD_TOL)
    fresh = [cr.tensor(a, dtype=cr.float64, requires_grad=True) for a in arrays]
    assert gradcheck(cr.matmul, fresh, **GRAD_TOL)
