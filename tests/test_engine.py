"""The backward engine: backward/grad entry points, graph structure, accumulation, higher order,
deep graphs. Expected numbers are closed forms or were printed by PyTorch 2.13."""

import gc
import sys
import weakref

import numpy as np
import pytest

import chainrule as torch
from chainrule.autograd.graph import AccumulateGrad

D = torch.float64


def leaf(values):
    return torch.tensor(values, dtype=D, requires_grad=True)


# --- graph structure -----------------------------------------------------------------------------


def test_leaves_and_grad_fn():
    x = leaf([1.0, 2.0])
    c = torch.tensor([1.0, 2.0], dtype=D)
    y = x * 2
    z = y.sum()
    assert x.is_leaf and x.grad_fn is None and x.requires_grad
    assert c.is_leaf and not c.requires_grad
    assert not y.is_leaf and y.requires_grad
    assert z.grad_fn.name() == "SumBackward0"
    assert y.grad_fn.name() == "MulBackward0"
    ((mul_node, nr),) = z.grad_fn.next_functions
    assert mul_node is y.grad_fn and nr == 0
    acc, const = y.grad_fn.next_functions
    assert isinstance(acc[0], AccumulateGrad) and acc[0].name() == "AccumulateGrad"
    assert acc[0].variable is x
    assert const == (None, 0)  # the Python scalar 2 has no node
    # the same leaf always has the same AccumulateGrad
    assert (x + 1).grad_fn.next_functions[0][0] is acc[0]


def test_ops_on_tensors_without_grad_record_nothing():
    c = torch.tensor([1.0, 2.0], dtype=D)
    y = c * 3 + c
    assert y.grad_fn is None and not y.requires_grad and y.is_leaf


def test_requires_grad_and_requires_grad_():
    t = torch.ones(2)
    assert t.requires_grad_() is t and t.requires_grad
    t.requires_grad_(False)
    assert not t.requires_grad
    t.requires_grad = True
    assert t.requires_grad
    y = t * 2
    with pytest.raises(RuntimeError, match="only change requires_grad flags of leaf"):
        y.requires_grad_(False)
    assert y.requires_grad  # unchanged
    y.requires_grad_(True)  # allowed (a no-op), as in PyTorch


# --- backward and .grad accumulation ----------------------------------------------------------


def test_backward_accumulates_into_leaves():
    x = leaf([1.0, 2.0, 3.0])
    (x * x).sum().backward()
    assert x.grad.tolist() == [2.0, 4.0, 6.0]
    (x * 3).sum().backward()
    assert x.grad.tolist() == [5.0, 7.0, 9.0]
    x.grad = None
    (x * 3).sum().backward()
    assert x.grad.tolist() == [3.0, 3.0, 3.0]


def test_grad_is_accumulated_in_place_in_the_same_tensor():
    x = leaf([1.0, 2.0])
    (x * 2).sum().backward()
    g = x.grad
    (x * 2).sum().backward()
    assert x.grad is g and g.tolist() == [4.0, 4.0]
    g.zero_()
    (x * 2).sum().backward()
    assert x.grad is g and g.tolist() == [2.0, 2.0]


def test_grad_never_aliases_the_given_gradient():
    x = leaf([1.0, 2.0])
    seed = torch.tensor([1.0, 1.0], dtype=D)
    (x + 0).backward(seed)
    (x + 0).backward(seed)
    assert seed.tolist() == [1.0, 1.0] and x.grad.tolist() == [2.0, 2.0]


def test_backward_with_gradient_argument():
    x = leaf([1.0, 2.0])
    (x * x).backward(torch.tensor([10.0, 100.0], dtype=D))
    assert x.grad.tolist() == [20.0, 400.0]


def test_backward_on_a_leaf():
    x = leaf([1.0, 2.0])
    x.backward(torch.tensor([3.0, 4.0], dtype=D))
    assert x.grad.tolist() == [3.0, 4.0]


def test_autograd_backward_function_with_several_tensors():
    a, b = leaf(2.0), leaf(3.0)
    torch.autograd.backward([a * b, a + b], [torch.tensor(1.0, dtype=D),
                                              torch.tensor(10.0, dtype=D)])
    assert (a.grad.item(), b.grad.item()) == (13.0, 12.0)


def test_gradient_is_summed_down_to_a_broadcast_input():
    x = leaf([[1.0], [2.0]])  # (2, 1)
    b = leaf([1.0, 2.0, 3.0])  # (3,)
    (x * b).sum().backward()
    assert x.grad.tolist() == [[6.0], [6.0]]
    assert b.grad.tolist() == [3.0, 3.0, 3.0]


def test_float32_leaf_gets_float32_gradient_through_float64_ops():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    (x * torch.tensor([1.0, 3.0], dtype=D)).sum().backward()
    assert x.grad.dtype == torch.float32 and x.grad.tolist() == [1.0, 3.0]


def test_backward_through_an_integer_tensor_operand():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    (x * torch.tensor([2, 3])).sum().backward()
    assert x.grad.tolist() == [2.0, 3.0]


# --- diamonds ------------------------------------------------------------------------------------


def test_same_tensor_twice_in_one_op():
    x = leaf([1.0, -2.0, 3.0])
    (x * x).sum().backward()
    assert x.grad.tolist() == [2.0, -4.0, 6.0]
    x.grad = None
    (x + x + x).sum().backward()
    assert x.grad.tolist() == [3.0, 3.0, 3.0]


def test_diamond_graph_sums_every_path():
    x = leaf([0.5, 1.0, 2.0])
    y = x.exp()
    z = (y * 2 + y.sin() + y * y).sum()
    z.backward()
    e = np.exp(np.array([0.5, 1.0, 2.0]))
    np.testing.assert_allclose(x.grad.numpy(), e * (2 + np.cos(e) + 2 * e), rtol=1e-12)


def test_diamond_with_an_intermediate_used_at_several_depths():
    # PyTorch: tensor([ 6.4743, 11.0330]) for d/dx sum(exp(x) * sin(x) + exp(x))
    x = leaf([1.0, 2.0])
    (g,) = torch.autograd.grad((x.exp() * x.sin() + x.exp()).sum(), x)
    xs = np.array([1.0, 2.0])
    expected = np.exp(xs) * (np.sin(xs) + np.cos(xs) + 1)
    np.testing.assert_allclose(g.numpy(), expected, rtol=1e-12)
    np.testing.assert_allclose(g.numpy(), [6.4743, 11.0330], atol=1e-4)


# --- retain_graph ----------------------------------------------------------------------------------


def test_retain_graph_allows_exactly_a_second_accumulation():
    x = leaf([1.0, 2.0, 3.0])
    z = (x ** 3).sum()
    z.backward(retain_graph=True)
    assert x.grad.tolist() == [3.0, 12.0, 27.0]
    z.backward()
    assert x.grad.tolist() == [6.0, 24.0, 54.0]
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        z.backward()
    assert x.grad.tolist() == [6.0, 24.0, 54.0]


def test_graph_without_saved_values_can_be_run_twice():
    # as in PyTorch: nothing was freed, so nothing is missing
    x = leaf([1.0, 2.0])
    z = (x + 1).sum()
    z.backward()
    z.backward()
    assert x.grad.tolist() == [2.0, 2.0]


# --- autograd.grad -----------------------------------------------------------------------------------


def test_grad_returns_a_tuple_and_sets_no_grad():
    x = leaf([1.0, 2.0])
    result = torch.autograd.grad((x * x).sum(), x)
    assert isinstance(result, tuple) and len(result) == 1
    assert result[0].tolist() == [2.0, 4.0]
    assert x.grad is None
    assert not result[0].requires_grad


def test_grad_with_tuples_of_outputs_and_inputs():
    a, b = leaf(1.0), leaf(2.0)
    ga, gb = torch.autograd.grad((a * b, a + b), (a, b))
    assert (ga.item(), gb.item()) == (3.0, 2.0)
    ga, gb = torch.autograd.grad([a * b, a + b], [a, b],
                                 grad_outputs=[torch.tensor(2.0), torch.tensor(3.0)])
    assert (ga.item(), gb.item()) == (7.0, 5.0)
    ga, ga2 = torch.autograd.grad((a * 3), [a, a])
    assert (ga.item(), ga2.item()) == (3.0, 3.0)


def test_grad_with_respect_to_non_leaf_inputs():
    a = leaf(2.0)
    b = a * a
    c = b * b
    gb, ga = torch.autograd.grad(c, [b, a])
    assert (gb.item(), ga.item()) == (8.0, 32.0)
    # the non-leaf itself as output: d y / d y = 1
    y = a * 2
    assert torch.autograd.grad(y, y)[0].item() == 1.0


def test_grad_with_respect_to_a_tensor_reached_through_a_view():
    m = leaf([[1.0, 2.0], [3.0, 4.0]])
    mid = m * 2
    w = torch.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=D)
    (g,) = torch.autograd.grad((mid.t() * w).sum(), mid)
    assert g.tolist() == [[1.0, 3.0], [2.0, 4.0]]


def test_grad_of_a_leaf_with_respect_to_itself():
    x = leaf([1.0, 2.0])
    assert torch.autograd.grad(x, x, torch.ones(2, dtype=D))[0].tolist() == [1.0, 1.0]


def test_grad_allow_unused_and_materialize_grads():
    a, u = leaf(1.0), leaf(5.0)
    with pytest.raises(RuntimeError, match="allow_unused=True"):
        torch.autograd.grad(a * 2, [a, u])
    ga, gu = torch.autograd.grad(a * 2, [a, u], allow_unused=True)
    assert ga.item() == 2.0 and gu is None
    ga, gu = torch.autograd.grad(a * 2, [a, u], materialize_grads=True)
    assert gu.item() == 0.0 and gu.dtype == D
    with pytest.raises(ValueError, match="allow_unused"):
        torch.autograd.grad(a * 2, [a, u], allow_unused=False, materialize_grads=True)


def test_grad_does_not_touch_grad_of_other_leaves():
    a, b = leaf(1.0), leaf(2.0)
    torch.autograd.grad(a * b, a)
    assert a.grad is None and b.grad is None


def test_grad_retain_graph():
    x = leaf([1.0, 2.0])
    z = (x ** 2).sum()
    assert torch.autograd.grad(z, x, retain_graph=True)[0].tolist() == [2.0, 4.0]
    assert torch.autograd.grad(z, x)[0].tolist() == [2.0, 4.0]
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        torch.autograd.grad(z, x)


# --- backward(inputs=...) ----------------------------------------------------------------------------


def test_backward_inputs_accumulates_only_into_those():
    a, b = leaf(1.0), leaf(2.0)
    c = a * b
    (c * c).backward(inputs=[a])
    assert a.grad.item() == 8.0 and b.grad is None


def test_backward_inputs_with_a_non_leaf():
    a = leaf(2.0)
    b = a * a
    (b * b).backward(inputs=[b, a])
    assert (b.grad.item(), a.grad.item()) == (8.0, 32.0)


def test_backward_inputs_not_in_graph_get_nothing():
    x, w = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    (x * 2).sum().backward(inputs=[w])
    assert x.grad is None and w.grad is None


# --- retain_grad and detach --------------------------------------------------------------------


def test_retain_grad_on_non_leaf():
    x = leaf([1.0, 2.0])
    y = x * 3
    y.retain_grad()
    assert y.retains_grad and not x.retains_grad
    s = (y * y).sum()
    s.backward(retain_graph=True)
    assert y.grad.tolist() == [6.0, 12.0] and x.grad.tolist() == [18.0, 36.0]
    s.backward()
    assert y.grad.tolist() == [12.0, 24.0]


def test_non_leaf_keeps_no_grad_without_retain_grad():
    x = leaf([1.0, 2.0])
    y = x * 3
    (y * y).sum().backward()
    assert y.grad is None


def test_retain_grad_on_leaf_is_a_no_op():
    x = leaf([1.0])
    x.retain_grad()
    (x * 2).sum().backward()
    assert x.grad.tolist() == [2.0]


def test_detach_shares_storage_and_version_but_not_history():
    x = leaf([1.0, 2.0])
    y = x * 2
    d = y.detach()
    assert not d.requires_grad and d.is_leaf and d.grad_fn is None
    with torch.no_grad():
        d.add_(1)
    assert y.tolist() == [3.0, 5.0]
    assert y._version == d._version == 1


def test_detach_in_place():
    x = leaf([1.0, 2.0])
    y = x * 2
    assert y.detach_() is y
    assert not y.requires_grad and y.grad_fn is None and y.is_leaf
    z = y * x
    z.sum().backward()
    assert x.grad.tolist() == [2.0, 4.0]  # no path through y


def test_detached_branch_gets_no_gradient():
    x = leaf([1.0, 2.0])
    (x * x.detach()).sum().backward()
    assert x.grad.tolist() == [1.0, 2.0]


# --- higher order ----------------------------------------------------------------------------------


def test_third_derivative_of_x_to_the_4():
    t = leaf(2.0)
    (g1,) = torch.autograd.grad(t ** 4, t, create_graph=True)
    (g2,) = torch.autograd.grad(g1, t, create_graph=True)
    (g3,) = torch.autograd.grad(g2, t)
    assert (g1.item(), g2.item(), g3.item()) == (32.0, 48.0, 48.0)
    assert g1.requires_grad and g2.requires_grad and not g3.requires_grad


def test_hessian_vector_product():
    w = leaf([1.0, -2.0, 0.5])
    f = (w ** 3).sum() + w[0] * w[1]
    (gw,) = torch.autograd.grad(f, w, create_graph=True)
    assert gw.tolist() == [1.0, 13.0, 0.75]
    v = torch.tensor([1.0, 1.0, 1.0], dtype=D)
    (hv,) = torch.autograd.grad(gw, w, grad_outputs=v, retain_graph=True)
    assert hv.tolist() == [7.0, -11.0, 3.0]
    (hv2,) = torch.autograd.grad((gw * v).sum(), w)
    assert hv2.tolist() == [7.0, -11.0, 3.0]


def test_backward_create_graph_gives_a_differentiable_grad():
    w = leaf([1.0, -2.0, 0.5])
    with pytest.warns(UserWarning, match="reference cycle"):
        (w ** 3).sum().backward(create_graph=True)
    assert w.grad.requires_grad and w.grad.grad_fn.name().endswith("CopyBackwards")
    np.testing.assert_allclose(w.grad.detach().numpy(), [3.0, 12.0, 0.75])
    g = w.grad
    w.grad = None
    g.sum().backward()
    np.testing.assert_allclose(w.grad.numpy(), [6.0, -12.0, 3.0])


def test_second_backward_accumulates_into_a_recorded_grad_in_place():
    # PyTorch: tensor([9.0000, 0.0000, 3.7500], grad_fn=<CopyBackwards>)
    w = leaf([1.0, -2.0, 0.5])
    with pytest.warns(UserWarning):
        (w ** 3).sum().backward(create_graph=True)
    w.grad.sum().backward()
    np.testing.assert_allclose(w.grad.detach().numpy(), [9.0, 0.0, 3.75])
    assert w.grad.requires_grad


def test_double_backward_through_mixed_ops():
    # d/dx sum(d/dx sum(sin(x) * exp(x))) = sum of 2 cos(x) exp(x)
    x = leaf([0.3, -1.2])
    (g,) = torch.autograd.grad((x.sin() * x.exp()).sum(), x, create_graph=True)
    (gg,) = torch.autograd.grad(g.sum(), x)
    xs = np.array([0.3, -1.2])
    np.testing.assert_allclose(gg.numpy(), 2 * np.cos(xs) * np.exp(xs), rtol=1e-12)


# --- deep graphs ---------------------------------------------------------------------------------


def test_deep_chain_backpropagates_and_is_freed_without_recursion():
    """1,000,000 ops: backward is iterative and the graph dies by reference counting.

    Measured on the dev box: ~5-6 s to build, ~5 s backward, ~0.4 s to free. The cyclic GC is
    off while building (the graph holds no cycles, so reference counting alone must free it,
    and the collector's full passes over a million live nodes would only add time).
    """
    assert sys.getrecursionlimit() <= 10_000
    n = 1_000_000
    gc.disable()
    try:
        x = leaf([1.0])
        y = x
        for _ in range(n):
            y = y * 1.0000001
        first = weakref.ref(y.grad_fn)
        middle = y.grad_fn
        for _ in range(n // 2):
            middle = middle.next_functions[0][0]
        middle = weakref.ref(middle)
        y.backward()
        np.testing.assert_allclose(x.grad.numpy(), [1.0000001 ** n], rtol=1e-9)
        del y
        assert first() is None and middle() is None
    finally:
        gc.enable()


def test_deep_chain_freed_without_backward():
    gc.disable()
    try:
        x = leaf([1.0])
        y = x
        for _ in range(200_000):
            y = y + 0
        first = weakref.ref(y.grad_fn)
        del y
        assert first() is None
    finally:
        gc.enable()


def test_deep_chain_autograd_grad_and_retain_graph():
    x = leaf([2.0])
    y = x
    for _ in range(100_000):
        y = y * 1.0
    assert torch.autograd.grad(y, x, retain_graph=True)[0].item() == 1.0
    assert torch.autograd.grad(y, x)[0].item() == 1.0


def test_wide_graph():
    x = leaf([1.0])
    total = x * 0
    for i in range(10_000):
        total = total + x * float(i % 3)
    total.backward()
    assert x.grad.item() == sum(i % 3 for i in range(10_000))
