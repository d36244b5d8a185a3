"""Gradients of every op in the op table: gradcheck and gradgradcheck in float64 for every sample,
gradient shapes and dtypes (float32 too), coverage of the public API, and the documented
conventions at singular points (expected values pasted from PyTorch 2.13)."""

import inspect

import numpy as np
import pytest
from op_table import GRAD_TOL, NOT_DIFFERENTIABLE, OPS, tensor_args

import chainrule as cr
from chainrule.autograd import gradcheck, gradgradcheck

CASES = [pytest.param(op, s, id=f"{op.name}-{s.desc}") for op in OPS for s in op.samples()]
GRADGRAD_CASES = [c for c in CASES if c.values[0].gradgrad]


def _func(op, sample):
    return lambda *args: op.call(sample, args)


def _differentiable(args):
    return [a for a in args if isinstance(a, cr.Tensor) and a.requires_grad]


def _float_outputs(out):
    outs = out if isinstance(out, tuple) else (out,)
    return [o for o in outs if isinstance(o, cr.Tensor) and o.dtype.is_floating_point]


@pytest.mark.parametrize("op, sample", CASES)
def test_gradcheck(op, sample):
    args = tensor_args(sample)
    assert _differentiable(args), "a table sample must have a differentiable input"
    assert gradcheck(_func(op, sample), args, **GRAD_TOL)


@pytest.mark.parametrize("op, sample", GRADGRAD_CASES)
def test_gradgradcheck(op, sample):
    args = tensor_args(sample)
    assert _differentiable(args), "a table sample must have a differentiable input"
    assert gradgradcheck(_func(op, sample), args, **GRAD_TOL)


# ops that convert dtypes (to(float64)) are checked in float64 only
DTYPE_CASES = [
    pytest.param(*c.values, dtype, id=f"{c.id}-{np.dtype(dtype).name}")
    for dtype in (np.float64, np.float32) for c in CASES
    if dtype == np.float64 or c.values[0].float32
]


@pytest.mark.parametrize("op, sample, dtype", DTYPE_CASES)
def test_gradient_shapes_and_dtypes(op, sample, dtype):
    """Every input gets a gradient of its own shape and dtype, and outputs keep the dtype."""
    args = tensor_args(sample, dtype)
    leaves = _differentiable(args)
    assert leaves, "a table sample must have a differentiable input"
    outs = [o for o in _float_outputs(_func(op, sample)(*args)) if o.requires_grad]
    assert outs, "the op's result does not require grad"
    for o in outs:
        assert o._data.dtype == dtype, f"output dtype {o.dtype} for {np.dtype(dtype)} inputs"
    rng = np.random.default_rng(1)
    loss = sum((o * cr.from_numpy(rng.normal(size=o.shape).astype(dtype))).sum() for o in outs)
    loss.backward()
    for leaf in leaves:
        assert leaf.grad is not None
        assert leaf.grad.shape == leaf.shape
        assert leaf.grad._data.dtype == dtype
        assert np.all(np.isfinite(leaf.grad._data))


# --- coverage -----------------------------------------------------------------------------------


def _public_ops():
    """(name, callable) for every public function of chainrule that comes from chainrule.ops."""
    out = []
    for name in cr.__all__:
        obj = getattr(cr, name)
        if callable(obj) and not inspect.isclass(obj) and \
                getattr(obj, "__module__", "").startswith("chainrule.ops"):
            out.append((name, obj))
    return out


def test_every_public_differentiable_op_has_an_entry():
    covered = {id(fn) for op in OPS for fn in op.covers}
    public = _public_ops()
    assert len(public) > 60  # the scan itself works
    missing = [name for name, fn in public if id(fn) not in covered and
               name not in NOT_DIFFERENTIABLE]
    assert not missing, f"public ops without an entry in tests/op_table.py: {missing}"


def test_not_differentiable_list_is_accurate():
    """Ops declared non-differentiable give results that do not require grad."""
    x = cr.tensor([1.0, -2.0, 3.0], dtype=cr.float64, requires_grad=True)
    names = {name for name, _ in _public_ops()}
    assert NOT_DIFFERENTIABLE <= names
    for name in ("eq", "lt", "ge", "isnan", "isfinite", "argmax", "argmin", "nonzero"):
        fn = getattr(cr, name)
        try:
            out = fn(x, x) if name in ("eq", "lt", "ge") else fn(x)
        except TypeError:
            continue
        outs = out if isinstance(out, tuple) else (out,)
        assert not any(o.requires_grad for o in outs), name


# --- conventions at singular points --------------------------------------------------------------


def _grad(fn, *values, dtype=cr.float64):
    xs = [cr.tensor(v, dtype=dtype, requires_grad=True) for v in values]
    out = fn(*xs)
    out.backward(cr.ones_like(out))
    return [x.grad.tolist() for x in xs]


def test_abs_and_relu_derivative_at_zero_is_zero():
    assert _grad(cr.abs, [-1.0, 0.0, 2.0]) == [[-1.0, 0.0, 1.0]]
    assert _grad(cr.relu, [-1.0, 0.0, 2.0]) == [[0.0, 0.0, 1.0]]
    assert _grad(lambda x: x.abs(), [0.0, -0.0]) == [[0.0, 0.0]]


def test_relu_selects_the_gradient_as_pytorch_does():
    # PyTorch's threshold_backward is `ans <= 0 ? 0 : g`: g passes where the input is NaN, an
    # inf or NaN g becomes 0 where the input was clipped; the JVP selects the tangent alike
    # (values from torch 2.13)
    from chainrule.autograd import forward_ad as fwAD

    nan, inf = float("nan"), float("inf")
    x = cr.tensor([nan, -1.0, 0.0, 2.0], requires_grad=True)
    cr.relu(x).backward(cr.tensor([1.0, inf, nan, -3.0]))
    assert x.grad.tolist() == [1.0, 0.0, 0.0, -3.0]
    with fwAD.dual_level():
        dual = fwAD.make_dual(x.detach(), cr.tensor([1.0, inf, nan, -3.0]))
        assert fwAD.unpack_dual(cr.relu(dual)).tangent.tolist() == [1.0, 0.0, 0.0, -3.0]


def test_x_pow_0_has_zero_gradient_at_zero():
    # PyTorch: (x ** 0) at x = 0 -> grad 0; tensor exponent 0 -> grad 0 for the base, and
    # d/dy 0**y = 0 for y >= 0 (the exponent's gradient is 0 where the base is 0)
    assert _grad(lambda x: x ** 0, [0.0, 2.0]) == [[0.0, 0.0]]
    assert _grad(lambda x: x ** 0.0, [0.0, -2.0]) == [[0.0, 0.0]]
    assert _grad(lambda x, y: x ** y, [0.0, 0.0, 2.0], [0.0, 2.0, 0.0]) == [
        [0.0, 0.0, 0.0], [0.0, 0.0, 0.6931471805599453]]
    assert _grad(lambda x: x ** 1, [0.0]) == [[1.0]]
    assert _grad(lambda x: x ** 2, [0.0]) == [[0.0]]


def test_x_pow_0_second_derivative_is_zero():
    # (with a tensor exponent PyTorch's second derivative at 0 ** 0 is nan; chainrule's too)
    x = cr.tensor([0.0, 1.5], dtype=cr.float64, requires_grad=True)
    (g,) = cr.autograd.grad((x ** 0).sum(), x, create_graph=True)
    assert g.tolist() == [0.0, 0.0]
    if g.requires_grad:  # not in PyTorch
        (gg,) = cr.autograd.grad(g.sum(), x, allow_unused=True)
        assert gg is None or gg.tolist() == [0.0, 0.0]


def test_clamp_passes_gradient_at_the_bounds():
    x = [-1.0, -0.5, 0.0, 0.5, 1.0]
    assert _grad(lambda t: cr.clamp(t, -0.5, 0.5), x) == [[0.0, 1.0, 1.0, 1.0, 0.0]]
    assert _grad(lambda t: cr.clamp(t, min=-0.5), x) == [[0.0, 1.0, 1.0, 1.0, 1.0]]
    assert _grad(lambda t: cr.clamp(t, max=0.5), x) == [[1.0, 1.0, 1.0, 1.0, 0.0]]
    # tensor bounds: PyTorch gives x the gradient where lo <= x <= hi, a bound only where it
    # clamped strictly
    lo, hi = [-0.5] * 5, [0.5] * 5
    assert _grad(lambda t, a, b: cr.clamp(t, a, b), x, lo, hi) == [
        [0.0, 1.0, 1.0, 1.0, 0.0], [1.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 1.0]]
    # min > max: the result is max, and max gets the whole gradient
    assert _grad(lambda t, a, b: cr.clamp(t, a, b), [-1.0, 0.5, 2.0], 1.0, 0.0) == [
        [0.0, 0.0, 0.0], 0.0, 3.0]


def test_maximum_minimum_ties_split_evenly():
    x, y = [1.0, 2.0, 3.0], [1.0, 5.0, 3.0]
    assert _grad(cr.maximum, x, y) == [[0.5, 0.0, 0.5], [0.5, 1.0, 0.5]]
    assert _grad(cr.minimum, x, y) == [[0.5, 1.0, 0.5], [0.5, 0.0, 0.5]]
    # broadcast tie: the scalar side collects half of every tie
    assert _grad(cr.maximum, [2.0, 2.0, 1.0], 2.0) == [[0.5, 0.5, 0.0], 2.0]


def test_full_max_min_ties_share_evenly():
    assert _grad(cr.max, [1.0, 3.0, 3.0, 3.0]) == [[0.0, 1 / 3, 1 / 3, 1 / 3]]
    assert _grad(cr.min, [[1.0, 3.0], [1.0, 2.0]]) == [[[0.5, 0.0], [0.5, 0.0]]]
    assert _grad(cr.amax, [1.0, 3.0, 3.0]) == [[0.0, 0.5, 0.5]]
    assert _grad(lambda t: cr.amax(t, 1), [[3.0, 3.0], [1.0, 2.0]]) == [[[0.5, 0.5], [0.0, 1.0]]]
    assert _grad(lambda t: cr.amin(t, (0, 1)), [[1.0, 3.0], [1.0, 1.0]]) == [
        [[1 / 3, 0.0], [1 / 3, 1 / 3]]]


def test_max_dim_ties_go_to_the_returned_first_index():
    x = cr.tensor([[3.0, 1.0, 3.0], [2.0, 2.0, 0.0]], dtype=cr.float64, requires_grad=True)
    values, indices = cr.max(x, dim=1)
    assert indices.tolist() == [0, 0]
    values.sum().backward()
    assert x.grad.tolist() == [[1.0, 0.0, 0.0], [1.0, 0.0, 0.0]]
    y = cr.tensor([[0.0, 0.0], [0.0, 1.0]], dtype=cr.float64, requires_grad=True)
    values, indices = y.min(0, keepdim=True)
    assert indices.tolist() == [[0, 0]]
    values.sum().backward()
    assert y.grad.tolist() == [[1.0, 1.0], [0.0, 0.0]]


BIG = [1e4, -1e4, 0.0, 9999.5]


def test_logsumexp_stable_at_1e4():
    x = cr.tensor(BIG, dtype=cr.float64, requires_grad=True)
    out = cr.logsumexp(x, 0)
    assert out.item() == pytest.approx(1e4 + np.log1p(np.exp(-0.5)), rel=1e-15)
    out.backward()
    expected = [1 / (1 + np.exp(-0.5)), 0.0, 0.0, np.exp(-0.5) / (1 + np.exp(-0.5))]
    np.testing.assert_allclose(x.grad._data, expected, rtol=1e-12, atol=1e-300)
    neg = cr.logsumexp(cr.tensor([-1e4, -1e4], dtype=cr.float64), 0)
    assert neg.item() == pytest.approx(-1e4 + np.log(2), rel=1e-15)


@pytest.mark.parametrize("dtype", [cr.float32, cr.float64])
def test_softmax_and_log_softmax_stable_at_1e4(dtype):
    x = cr.tensor([BIG, [-1e4, -1e4, 1e4, 1e4]], dtype=dtype, requires_grad=True)
    p = cr.softmax(x, 1)
    a = 1 / (1 + np.exp(-0.5))
    np.testing.assert_allclose(p._data, [[a, 0, 0, 1 - a], [0, 0, 0.5, 0.5]], rtol=1e-6)
    lp = cr.log_softmax(x, 1)
    assert np.all(np.isfinite(lp._data))
    np.testing.assert_allclose(lp._data[0], [np.log(a), -2e4 + np.log(a), -1e4 + np.log(a),
                                             np.log(1 - a)], rtol=1e-6)
    w = cr.tensor([[1.0, 2.0, 3.0, 4.0], [4.0, 3.0, 2.0, 1.0]], dtype=dtype)
    (p * w).sum().backward()
    g1 = x.grad._data.copy()
    x.grad = None
    (lp * w).sum().backward()
    for g in (g1, x.grad._data):
        assert np.all(np.isfinite(g))
    # d/dx sum(w * log_softmax(x)) = w - p * sum(w)
    np.testing.assert_allclose(x.grad._data, w._data - p._data * w._data.sum(1, keepdims=True),
                               rtol=1e-5, atol=1e-6)
    # d/dx sum(w * softmax(x)) = p * (w - sum(p * w))
    pw = p._data * w._data
    np.testing.assert_allclose(g1, pw - p._data * pw.sum(1, keepdims=True), rtol=1e-5,
                               atol=1e-6)


def test_softmax_second_order_stable_at_1e4():
    x = cr.tensor(BIG, dtype=cr.float64, requires_grad=True)
    w = cr.tensor([1.0, 2.0, 3.0, 4.0], dtype=cr.float64)
    (g,) = cr.autograd.grad((cr.softmax(x, 0) * w).sum(), x, create_graph=True)
    (gg,) = cr.autograd.grad((g * w).sum(), x)
    assert np.all(np.isfinite(gg._data))
    (g,) = cr.autograd.grad(cr.logsumexp(x, 0), x, create_graph=True)
    (gg,) = cr.autograd.grad((g * w).sum(), x)
    assert np.all(np.isfinite(gg._data))


def test_to_float64_gradient_comes_back_as_float32():
    x = cr.tensor([1.0, 2.0], requires_grad=True)
    y = x.to(cr.float64)
    assert y.dtype == cr.float64 and y.requires_grad
    (y * cr.tensor([3.0, 4.0], dtype=cr.float64)).sum().backward()
    assert x.grad.dtype == cr.float32
    assert x.grad.tolist() == [3.0, 4.0]


def test_getitem_repeated_indices_accumulate():
    x = cr.tensor([1.0, 2.0, 3.0], dtype=cr.float64, requires_grad=True)
    x[[0, 0, 2, 0]].sum().backward()
    assert x.grad.tolist() == [3.0, 0.0, 1.0]


def test_setitem_gradient_masks_overwritten_elements():
    x = cr.tensor([1.0, 2.0, 3.0], dtype=cr.float64, requires_grad=True)
    v = cr.tensor(5.0, dtype=cr.float64, requires_grad=True)
    y = x * 1.0
    y[1:] = v
    (y * cr.tensor([1.0, 2.0, 3.0], dtype=cr.float64)).sum().backward()
    assert x.grad.tolist() == [1.0, 0.0, 0.0]
    assert v.grad.item() == 5.0


def test_floor_divide_has_no_derivative_but_rounded_div_has_zero():
    # PyTorch: `//` records a node whose backward raises; div(rounding_mode=...) has gradient 0
    x = cr.tensor([5.0, -3.0], dtype=cr.float64, requires_grad=True)
    y = x // 2
    assert y.requires_grad
    with pytest.raises(RuntimeError, match="floor_divide.*not implemented"):
        y.sum().backward()
    for mode in ("floor", "trunc"):
        x.grad = None
        cr.div(x, 2.0, rounding_mode=mode).sum().backward()
        assert x.grad.tolist() == [0.0, 0.0]


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_relu_backward_kernel_is_bit_identical_to_where(dtype):
    # the first-order relu rule selects with a bit mask (ops/elementwise._zero_where); it must
    # agree bit for bit with np.where(ans <= 0, 0, g), the select the rule stands for
    from chainrule.ops.elementwise import _relu_vjp

    rng = np.random.default_rng(0)
    ans = np.maximum(rng.standard_normal((7, 9)), 0).astype(dtype)
    ans[0, :3] = [np.nan, 0.0, -0.0]
    g = rng.standard_normal((7, 9)).astype(dtype)
    g[1, :5] = [np.inf, -np.inf, np.nan, -0.0, 0.0]
    g[0, :3] = [-2.0, -0.0, np.inf]
    out = _relu_vjp(g, ans, None)
    expected = np.where(ans <= 0, dtype(0), g)
    assert out.dtype == expected.dtype and out.shape == expected.shape
    ints = {2: np.uint16, 4: np.uint32, 8: np.uint64}[np.dtype(dtype).itemsize]
    assert np.array_equal(out.view(ints), expected.view(ints))
    # a non-contiguous gradient too
    g_t = np.asfortranarray(g)
    assert np.array_equal(_relu_vjp(g_t, ans, None).view(ints), expected.view(ints))
