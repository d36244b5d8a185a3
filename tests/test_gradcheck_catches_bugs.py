"""The checker itself: gradcheck and gradgradcheck must catch planted bugs (DESIGN.md, Testing).

Each planted bug is a custom autograd.Function whose rule is wrong in one way; the same Function
with the bug fixed passes, so each test shows the check can both fail and pass.
"""

import numpy as np
import pytest
from op_table import GRAD_TOL

import chainrule as cr
from chainrule.autograd import Function, GradcheckError, gradcheck, gradgradcheck


def _x(*shape, seed=0):
    rng = np.random.default_rng(seed)
    return cr.tensor(rng.uniform(0.5, 2.0, shape), dtype=cr.float64, requires_grad=True)


def _cube(scale):
    class Cube(Function):
        """x ** 3 whose backward is scaled by `scale` (1.0 is correct)."""

        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 3

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * 3 * x ** 2 * scale

    return Cube


def test_rule_off_by_a_tenth_of_a_percent_is_caught():
    x = _x(2, 3)
    assert gradcheck(_cube(1.0).apply, (x,), **GRAD_TOL)
    with pytest.raises(GradcheckError, match="Jacobian mismatch"):
        gradcheck(_cube(1.001).apply, (x,), **GRAD_TOL)
    with pytest.raises(GradcheckError):
        gradcheck(_cube(0.999).apply, (x,), **GRAD_TOL)
    # PyTorch's default tolerances (rtol=1e-3) let exactly 0.1% through, as in PyTorch; 1% not
    assert gradcheck(_cube(1.001).apply, (x,))
    with pytest.raises(GradcheckError):
        gradcheck(_cube(1.01).apply, (x,))


def test_rule_off_by_a_tenth_of_a_percent_is_caught_in_fast_mode():
    x = _x(4, 3)
    assert gradcheck(_cube(1.0).apply, (x,), fast_mode=True, **GRAD_TOL)
    with pytest.raises(GradcheckError):
        gradcheck(_cube(1.001).apply, (x,), fast_mode=True, **GRAD_TOL)


def test_return_false_instead_of_raising():
    assert gradcheck(_cube(1.001).apply, (_x(3),), raise_exception=False, **GRAD_TOL) is False


class ColumnTimes(Function):
    """out[i, j] = x[i] * w[i, j]: x (n,) is broadcast along the columns of w (n, m)."""

    @staticmethod
    def forward(ctx, x, w):
        ctx.save_for_backward(x, w)
        return x.unsqueeze(1) * w

    @staticmethod
    def backward(ctx, g):
        x, w = ctx.saved_tensors
        return (g * w).sum(1), g * x.unsqueeze(1)


class ColumnTimesNoReduction(ColumnTimes):
    """The bug: the gradient of x is left with the output's shape (n, m), not reduced to (n,)."""

    @staticmethod
    def backward(ctx, g):
        x, w = ctx.saved_tensors
        return g * w, g * x.unsqueeze(1)


class ColumnTimesWrongReduction(ColumnTimes):
    """The bug: the broadcast dimension is averaged instead of summed (right shape, wrong value)."""

    @staticmethod
    def backward(ctx, g):
        x, w = ctx.saved_tensors
        return (g * w).mean(1), g * x.unsqueeze(1)


class RowPlus(Function):
    """out = x + b with b (1, m) broadcast over rows; the bug returns b's gradient unreduced."""

    @staticmethod
    def forward(ctx, x, b):
        return x + b

    @staticmethod
    def backward(ctx, g):
        return g, g  # b's gradient still (n, m)


def test_missing_broadcast_reduction_is_caught():
    x, w = _x(3), _x(3, 4, seed=1)
    assert gradcheck(ColumnTimes.apply, (x, w), **GRAD_TOL)
    # a gradient of the wrong shape is an error naming the Function and both shapes
    with pytest.raises(RuntimeError, match=r"ColumnTimesNoReductionBackward.*\[3, 4\].*\[3\]"):
        gradcheck(ColumnTimesNoReduction.apply, (x, w), **GRAD_TOL)
    with pytest.raises(GradcheckError, match="with respect to input 0"):
        gradcheck(ColumnTimesWrongReduction.apply, (x, w), **GRAD_TOL)


def test_unreduced_gradient_of_a_broadcast_input_is_summed_as_in_pytorch():
    # A gradient that broadcasts to the input's shape is summed down by the engine (PyTorch's
    # validate_outputs does the same), so leaving b's gradient unreduced gives the right result.
    x, b = _x(3, 4), _x(1, 4, seed=1)
    assert gradcheck(RowPlus.apply, (x, b), **GRAD_TOL)
    RowPlus.apply(x, b).sum().backward()
    assert b.grad.shape == (1, 4) and b.grad.tolist() == [[3.0] * 4]


def _detached_cube_rule(correct_second_order):
    class Cube(Function):
        """x ** 3 whose backward is right, but (when buggy) computed on raw NumPy values, so
        its own derivative (the second derivative of x ** 3) is lost."""

        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 3

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            if correct_second_order:
                return g * 3 * x ** 2
            return g * cr.from_numpy(3 * x.detach().numpy() ** 2)

    return Cube


def test_wrong_second_derivative_is_caught_by_gradgradcheck_only():
    x = _x(2, 3)
    good, bad = _detached_cube_rule(True), _detached_cube_rule(False)
    assert gradcheck(bad.apply, (x,), **GRAD_TOL)  # the first derivative is right
    assert gradgradcheck(good.apply, (x,), **GRAD_TOL)
    with pytest.raises(GradcheckError, match="Jacobian mismatch"):
        gradgradcheck(bad.apply, (x,), **GRAD_TOL)


def _scaled_second_order(scale):
    class Square(Function):
        """x ** 2 whose backward 2 * x * g carries a wrong factor in its x-dependence only."""

        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 2

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            # the value 2 * x * g and its derivative in g are right; the one in x is scaled
            return 2 * x.detach() * g + (2 * x - (2 * x).detach()) * g * scale

    return Square


def test_second_derivative_off_by_a_tenth_of_a_percent_is_caught():
    x = _x(3)
    assert gradgradcheck(_scaled_second_order(1.0).apply, (x,), **GRAD_TOL)
    assert gradcheck(_scaled_second_order(1.001).apply, (x,), **GRAD_TOL)
    with pytest.raises(GradcheckError):
        gradgradcheck(_scaled_second_order(1.001).apply, (x,), **GRAD_TOL)


def test_builtin_op_with_a_planted_bug_is_caught():
    """Patch a built-in rule (sin' = 1.001 cos) and the table's check for sin fails."""
    from chainrule.ops import elementwise as ew

    x = _x(2, 3)
    original = ew.SIN.vjps
    try:
        ew.SIN.vjps = (lambda g, ans, x: ew.mul(g, ew.mul(ew.cos(x), 1.001)),)
        with pytest.raises(GradcheckError):
            gradcheck(cr.sin, (x,), **GRAD_TOL)
        # a rule written with raw NumPy (no graph) passes first order, fails second order
        ew.SIN.vjps = (lambda g, ans, x: ew.mul(g, np.cos(getattr(x, "_data", x))),)
        assert gradcheck(cr.sin, (x,), **GRAD_TOL)
        with pytest.raises(GradcheckError):
            gradgradcheck(cr.sin, (x,), **GRAD_TOL)
    finally:
        ew.SIN.vjps = original
    assert gradgradcheck(cr.sin, (x,), **GRAD_TOL)
