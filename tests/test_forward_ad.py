"""Forward-mode AD (chainrule.autograd.forward_ad): the API, nesting, the interplay with reverse
mode, and the errors. The per-op JVP rules are checked over the whole op table in
tests/test_ops_jvp.py."""

import numpy as np
import pytest

import chainrule as cr
import chainrule.autograd.forward_ad as fwAD
from chainrule.autograd import check_jvp, gradcheck


def t64(*values):
    return cr.tensor(np.array(values, dtype=np.float64))


def test_tangent_of_a_composite_matches_the_derivative():
    x, v = t64(0.3, -1.2, 2.0), t64(1.0, 2.0, -0.5)
    with fwAD.dual_level():
        y = cr.sin(fwAD.make_dual(x, v)) * 3 + fwAD.make_dual(x, v) ** 2
        primal, tangent = fwAD.unpack_dual(y)
    xn, vn = x.numpy(), v.numpy()
    np.testing.assert_allclose(primal.numpy(), 3 * np.sin(xn) + xn ** 2, rtol=1e-15)
    np.testing.assert_allclose(tangent.numpy(), (3 * np.cos(xn) + 2 * xn) * vn, rtol=1e-14)


def test_unpack_dual_is_a_named_tuple_and_plain_tensors_have_no_tangent():
    x = t64(1.0)
    with fwAD.dual_level():
        res = fwAD.unpack_dual(x)
        assert res.primal is x and res.tangent is None
        d = fwAD.make_dual(x, t64(2.0))
        assert fwAD.unpack_dual(d).tangent.tolist() == [2.0]
        assert fwAD.unpack_dual(d)._fields == ("primal", "tangent")


def test_tangents_disappear_when_the_level_exits():
    x = t64(1.0, 2.0)
    with fwAD.dual_level():
        d = fwAD.make_dual(x, t64(1.0, 1.0))
    with fwAD.dual_level():
        assert fwAD.unpack_dual(d * 2).tangent is None


def test_nested_levels_give_second_derivatives():
    x = t64(0.5, 1.5)
    one = t64(1.0, 1.0)
    with fwAD.dual_level():
        a = fwAD.make_dual(x, one)
        with fwAD.dual_level():
            b = fwAD.make_dual(a, one)
            inner = fwAD.unpack_dual(cr.sin(b)).tangent  # cos(x), dual at level 0
        second = fwAD.unpack_dual(inner, level=0).tangent
    np.testing.assert_allclose(inner.detach().numpy(), np.cos(x.numpy()), rtol=1e-15)
    np.testing.assert_allclose(second.numpy(), -np.sin(x.numpy()), rtol=1e-15)


def test_reverse_over_forward():
    x = t64(0.1, 0.7).requires_grad_()
    with fwAD.dual_level():
        t = fwAD.unpack_dual(cr.exp(fwAD.make_dual(x, t64(1.0, 1.0)) * 2)).tangent
    t.sum().backward()  # d/dx (2 exp(2x)) = 4 exp(2x)
    np.testing.assert_allclose(x.grad.numpy(), 4 * np.exp(2 * x.detach().numpy()), rtol=1e-14)


def test_forward_over_reverse_hvp_equals_reverse_over_reverse():
    x = t64(1.0, 2.0, 0.5).requires_grad_()
    v = t64(1.0, -1.0, 2.0)
    ones = t64(1.0, 1.0, 1.0)

    def f(x):
        return cr.sin(x) * x * x

    g, = cr.autograd.grad(f(x), x, ones, create_graph=True)
    hv_rr, = cr.autograd.grad(g, x, v)
    with fwAD.dual_level():
        xd = fwAD.make_dual(x, v)
        g2, = cr.autograd.grad(f(xd), xd, ones)
        hv_fr = fwAD.unpack_dual(g2).tangent
    np.testing.assert_allclose(hv_fr.numpy(), hv_rr.numpy(), rtol=1e-13)


def test_in_place_ops_carry_the_tangent():
    x = t64(1.0, 2.0)
    with fwAD.dual_level():
        d = fwAD.make_dual(x.clone(), t64(1.0, 0.5))
        d.mul_(3)
        d.exp_()
        t = fwAD.unpack_dual(d).tangent
    np.testing.assert_allclose(t.numpy(), 3 * np.exp(3 * x.numpy()) * [1.0, 0.5], rtol=1e-14)


def test_make_dual_outside_a_level_raises():
    with pytest.raises(RuntimeError, match="no forward AD level is active"):
        fwAD.make_dual(t64(1.0), t64(1.0))


@pytest.mark.parametrize("tangent, match", [
    (cr.zeros(3, dtype=cr.float64), r"size \[2\].*size \[3\]"),
    (cr.zeros(2, dtype=cr.float32), "dtype"),
])
def test_make_dual_checks_shape_and_dtype(tangent, match):
    x = t64(1.0, 2.0)
    with fwAD.dual_level():
        with pytest.raises(RuntimeError, match=match):
            fwAD.make_dual(x, tangent)


def test_levels_exited_out_of_order_raise():
    outer = fwAD.enter_dual_level()
    fwAD.enter_dual_level()
    try:
        with pytest.raises(RuntimeError, match="reverse order"):
            fwAD.exit_dual_level(level=outer)
    finally:
        fwAD.exit_dual_level()
        fwAD.exit_dual_level()
    with pytest.raises(RuntimeError, match="no forward AD level"):
        fwAD.exit_dual_level()


def test_integer_primal_is_rejected():
    with fwAD.dual_level():
        with pytest.raises(ValueError, match="floating point"):
            fwAD.make_dual(cr.tensor([1, 2]), cr.tensor([1, 2]))


def test_op_without_a_jvp_rule_raises_naming_it():
    from chainrule.ops._core import Op, apply

    op = Op("mystery", lambda x: x * 2, (lambda g, ans, x: g * 2,))
    with fwAD.dual_level():
        d = fwAD.make_dual(t64(1.0), t64(1.0))
        with pytest.raises(NotImplementedError, match="mystery"):
            apply(op, (d,), {})


def test_gradcheck_check_forward_ad_catches_a_wrong_jvp():
    from chainrule.ops._core import Op, apply

    good = Op("twice", lambda x: x * 2, (lambda g, ans, x: g * 2,),
              jvp=lambda t, ans, x: t[0] * 2)
    bad = Op("twice", lambda x: x * 2, (lambda g, ans, x: g * 2,),
             jvp=lambda t, ans, x: t[0] * 2.01)
    x = t64(1.0, 2.0).requires_grad_()
    assert gradcheck(lambda a: apply(good, (a,), {}), (x,), check_forward_ad=True)
    with pytest.raises(cr.autograd.GradcheckError, match="forward-mode"):
        gradcheck(lambda a: apply(bad, (a,), {}), (x,), check_forward_ad=True)
    assert check_jvp(lambda a: apply(good, (a,), {}), (x.detach(),))
    with pytest.raises(cr.autograd.GradcheckError):
        check_jvp(lambda a: apply(bad, (a,), {}), (x.detach(),))


def test_check_jvp_catches_a_jvp_that_disagrees_with_the_vjp_only_slightly():
    from chainrule.ops._core import Op, apply

    # JVP right, VJP off by 1e-9 relative: central differences cannot see it, the identity can
    op = Op("f", lambda x: x * 3, (lambda g, ans, x: g * (3 * (1 + 1e-9)),),
            jvp=lambda t, ans, x: t[0] * 3)
    with pytest.raises(cr.autograd.GradcheckError, match="reverse mode"):
        check_jvp(lambda a: apply(op, (a,), {}), (t64(1.0, 2.0, 3.0),))
