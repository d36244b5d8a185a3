"""Custom autograd Functions, and gradcheck / gradgradcheck used on them."""

import gc
import weakref

import numpy as np
import pytest

import chainrule as torch
from chainrule.autograd import Function, gradcheck, gradgradcheck, once_differentiable

D = torch.float64


def leaf(values):
    return torch.tensor(values, dtype=D, requires_grad=True)


class MulScale(Function):
    """x * y * k with a Python scalar k and an optional flag (non-tensor arguments)."""

    @staticmethod
    def forward(ctx, x, y, k, shift=False):
        ctx.save_for_backward(x, y)
        ctx.k = k
        ctx.seen_needs = ctx.needs_input_grad
        return x * y * k + (1.0 if shift else 0.0)

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        gx = g * y * ctx.k if ctx.needs_input_grad[0] else None
        gy = g * x * ctx.k if ctx.needs_input_grad[1] else None
        return gx, gy, None, None


class Exp(Function):
    """Saves its own output."""

    @staticmethod
    def forward(ctx, x):
        r = x.exp()
        ctx.save_for_backward(r)
        return r

    @staticmethod
    def backward(ctx, g):
        (r,) = ctx.saved_tensors
        return g * r


class ExpOnce(Function):
    @staticmethod
    def forward(ctx, x):
        r = x.exp()
        ctx.save_for_backward(r)
        return r

    @staticmethod
    @once_differentiable
    def backward(ctx, g):
        (r,) = ctx.saved_tensors
        return g * r


class Cube(Function):
    """setup_context style: forward without ctx."""

    @staticmethod
    def forward(x, k):
        return x ** 3 * k

    @staticmethod
    def setup_context(ctx, inputs, output):
        x, k = inputs
        ctx.save_for_backward(x)
        ctx.k = k

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * 3 * x ** 2 * ctx.k, None


class ArgmaxAndTwo(Function):
    """Three outputs, one of them non-differentiable."""

    @staticmethod
    def forward(ctx, x):
        idx = torch.argmax(x)
        ctx.mark_non_differentiable(idx)
        ctx.save_for_backward(x)
        return x * 2, x.exp(), idx

    @staticmethod
    def backward(ctx, g_double, g_exp, g_idx):
        (x,) = ctx.saved_tensors
        return g_double * 2 + g_exp * x.exp()


def test_forward_backward_with_non_tensor_arguments():
    x, y = leaf([1.0, 2.0]), torch.tensor([3.0, 4.0], dtype=D)
    out = MulScale.apply(x, y, 2.0, True)
    assert out.tolist() == [7.0, 17.0]
    assert out.grad_fn.name() == "MulScaleBackward"
    assert out.grad_fn.seen_needs == (True, False, False, False)  # the ctx, through grad_fn
    out.sum().backward()
    assert x.grad.tolist() == [6.0, 8.0]


def test_needs_input_grad():
    x, y = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    out = MulScale.apply(x, y, 0.5)
    out.sum().backward()
    assert out.grad_fn.needs_input_grad == (True, True, False)
    assert x.grad.tolist() == [1.5, 2.0] and y.grad.tolist() == [0.5, 1.0]


def test_grad_fn_structure():
    x = leaf([1.0, 2.0])
    out = Exp.apply(x)
    ((acc, nr),) = out.grad_fn.next_functions
    assert acc.variable is x and nr == 0
    assert not out.is_leaf and out.requires_grad


def test_saving_the_output():
    x = leaf([0.5, 1.0])
    Exp.apply(x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.exp([0.5, 1.0]), rtol=1e-15)


def test_double_backward_through_a_function():
    x = leaf([0.5, 1.0])
    (g,) = torch.autograd.grad(Exp.apply(x).sum(), x, create_graph=True)
    assert g.requires_grad
    (gg,) = torch.autograd.grad(g.sum(), x)
    np.testing.assert_allclose(gg.numpy(), np.exp([0.5, 1.0]), rtol=1e-15)


def test_once_differentiable():
    x = leaf([0.5, 1.0])
    (g,) = torch.autograd.grad(ExpOnce.apply(x).sum(), x, create_graph=True)
    assert not g.requires_grad and g.grad_fn is None
    np.testing.assert_allclose(g.numpy(), np.exp([0.5, 1.0]), rtol=1e-15)


def test_setup_context_style():
    x = leaf([1.0, 2.0])
    out = Cube.apply(x, 2.0)
    assert out.tolist() == [2.0, 16.0]
    out.sum().backward()
    assert x.grad.tolist() == [6.0, 24.0]


def test_multiple_outputs_and_mark_non_differentiable():
    x = leaf([1.0, 3.0, 2.0])
    double, e, idx = ArgmaxAndTwo.apply(x)
    assert double.requires_grad and e.requires_grad and not idx.requires_grad
    assert double.grad_fn is e.grad_fn and idx.grad_fn is None
    assert idx.item() == 1
    (double.sum() + e.sum()).backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 + np.exp([1.0, 3.0, 2.0]), rtol=1e-15)


def test_unused_output_gets_a_zero_gradient():
    x = leaf([1.0, 3.0])
    double, _, _ = ArgmaxAndTwo.apply(x)
    double.sum().backward()  # backward receives zeros for e (materialized)
    assert x.grad.tolist() == [2.0, 2.0]


def test_set_materialize_grads_false_passes_none():
    seen = []

    class Two(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.set_materialize_grads(False)
            return x * 2, x * 3

        @staticmethod
        def backward(ctx, g1, g2):
            seen.append((g1, g2))
            return g2 * 3

    x = leaf([1.0])
    _, b = Two.apply(x)
    b.sum().backward()
    assert seen[0][0] is None and x.grad.tolist() == [3.0]


def test_function_under_no_grad_or_without_grad_inputs_records_nothing():
    x = leaf([1.0])
    with torch.no_grad():
        out = Exp.apply(x)
    assert not out.requires_grad and out.grad_fn is None
    out = Exp.apply(torch.ones(1, dtype=D))
    assert not out.requires_grad and out.grad_fn is None


def test_forward_returning_its_input_gives_a_new_tensor():
    class Ident(Function):
        @staticmethod
        def forward(ctx, x):
            return x

        @staticmethod
        def backward(ctx, g):
            return g * 5

    x = leaf([1.0, 2.0])
    out = Ident.apply(x)
    assert out is not x and out.grad_fn is not None and x.is_leaf
    out.sum().backward()
    assert x.grad.tolist() == [5.0, 5.0]


def test_mark_dirty_returns_the_same_tensor_with_new_history():
    class AddOne_(Function):
        @staticmethod
        def forward(ctx, x):
            x.add_(1)
            ctx.mark_dirty(x)
            return x

        @staticmethod
        def backward(ctx, g):
            return g

    x = leaf([1.0, 2.0])
    y = x * 1
    out = AddOne_.apply(y)
    assert out is y and out.grad_fn.name() == "AddOne_Backward"
    assert y._version == 2 and y.tolist() == [2.0, 3.0]  # PyTorch counts mark_dirty too
    (out * x).sum().backward()
    assert x.grad.tolist() == [3.0, 5.0]


def test_saved_tensor_modified_in_place_raises():
    class Keep(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * 2

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * x

    x = leaf([1.0, 2.0])
    y = x * 1
    out = Keep.apply(y)
    with torch.no_grad():
        y.add_(1)
    with pytest.raises(RuntimeError, match=r"\[torch\.DoubleTensor \[2\]\], which is "
                                           r"saved_tensors\[0\] of KeepBackward, is at version 1; "
                                           r"expected version 0"):
        out.sum().backward()
    assert x.grad is None


def test_saved_tensors_after_backward_raise():
    x = leaf([1.0])
    out = Exp.apply(x)
    out.sum().backward()
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        _ = out.grad_fn.saved_tensors
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        out.sum().backward()


def test_retain_graph_through_a_function():
    x = leaf([0.0])
    out = Exp.apply(x).sum()
    out.backward(retain_graph=True)
    out.backward()
    assert x.grad.tolist() == [2.0]


def test_instantiating_and_calling_a_function_raises():
    with pytest.raises(RuntimeError, match="apply"):
        Exp()(leaf([1.0]))


def test_function_graphs_leave_no_cycles():
    gc.collect()
    gc.disable()
    try:
        x = leaf([0.5, 1.0])
        out = Exp.apply(x)
        refs = [weakref.ref(out), weakref.ref(out.grad_fn), weakref.ref(out.grad_fn.ctx)]
        (g,) = torch.autograd.grad(out.sum(), x, create_graph=True)
        refs.append(weakref.ref(g))
        del out, g
        assert [r() for r in refs] == [None] * len(refs)
    finally:
        gc.enable()


# --- gradcheck on user Functions ----------------------------------------------------------


def test_gradcheck_and_gradgradcheck_accept_correct_functions():
    x = leaf([0.3, -0.7, 1.1])
    y = leaf([1.5, 0.2, -0.4])
    assert gradcheck(MulScale.apply, (x, y, 2.0))
    assert gradcheck(Exp.apply, (x,))
    assert gradgradcheck(Exp.apply, (x,))
    assert gradgradcheck(lambda t: Cube.apply(t, 2.0), (x,))
    assert gradcheck(lambda t: ArgmaxAndTwo.apply(t)[:2], (x,))


def test_gradcheck_catches_a_rule_off_by_a_tenth_of_a_percent():
    class WrongExp(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x.exp()

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * x.exp() * 1.001

    # PyTorch's default rtol=1e-3 lets exactly 0.1% through (as it does in PyTorch); float64
    # central differences are good to ~1e-8, so a tighter rtol catches it
    x = leaf([0.3, -0.7, 1.1])
    assert gradcheck(WrongExp.apply, (x,))
    with pytest.raises(torch.autograd.GradcheckError, match="Jacobian mismatch"):
        gradcheck(WrongExp.apply, (x,), rtol=1e-4)
    assert gradcheck(WrongExp.apply, (x,), rtol=1e-4, raise_exception=False) is False
    assert gradcheck(Exp.apply, (x,), rtol=1e-6, atol=1e-9)


def test_gradgradcheck_catches_a_wrong_second_derivative():
    class CubeOnceWrong(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 3

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            # right value, wrong derivative: 3 x^2 computed as 3 * x.detach() * x
            return g * 3 * x.detach() * x

    x = leaf([0.3, -0.7, 1.1])
    assert gradcheck(CubeOnceWrong.apply, (x,))
    with pytest.raises(torch.autograd.GradcheckError):
        gradgradcheck(CubeOnceWrong.apply, (x,))
