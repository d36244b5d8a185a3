"""The fast paths of issue 6 must not change a single gradient.

- nn/_fused.py: nll_loss of (N, C) inputs as one node, against the composite it replaces and
  against PyTorch's values (pasted as literals), to second order and in forward mode.
- engine: a leaf's `.grad` takes the incoming array without a copy only when nothing else can
  see it; the cyclic GC is switched back on after backward, also when backward fails.
"""

import gc

import numpy as np
import pytest

import chainrule as torch
import chainrule.autograd.forward_ad as fwAD
import chainrule.nn.functional as F
from chainrule.nn import _fused

RNG = np.random.default_rng(0)
X = RNG.standard_normal((6, 5))
T = np.array([0, 4, -100, 2, 2, 1])
W = RNG.uniform(0.5, 2.0, 5)


def _composite(monkeypatch):
    monkeypatch.setattr(_fused, "usable", lambda *a: False)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("ignore_index", [-100, 2])
def test_fused_nll_equals_the_composite(monkeypatch, reduction, weighted, ignore_index):
    target = torch.tensor(T if ignore_index == -100 else np.where(T == -100, 3, T))
    weight = torch.tensor(W) if weighted else None

    def run():
        x = torch.tensor(X, requires_grad=True)
        out = F.nll_loss(F.log_softmax(x, 1), target, weight=weight, ignore_index=ignore_index,
                         reduction=reduction)
        (out.sum() if reduction == "none" else out).backward()
        return out.detach().numpy(), x.grad.numpy(), out.grad_fn.name()

    fused = run()
    _composite(monkeypatch)
    ref = run()
    assert fused[2] == ref[2] == "NllLossBackward0"
    np.testing.assert_array_equal(fused[0], ref[0])
    np.testing.assert_array_equal(fused[1], ref[1])


def test_fused_nll_is_one_node_and_the_composite_is_not(monkeypatch):
    x = torch.tensor(X, requires_grad=True)
    loss = F.cross_entropy(x, torch.tensor(T))
    assert loss.grad_fn.name() == "NllLossBackward0"
    assert loss.grad_fn.next_functions[0][0].name() == "LogSoftmaxBackward0"  # as PyTorch
    _composite(monkeypatch)
    loss = F.cross_entropy(x, torch.tensor(T))
    assert loss.grad_fn.next_functions[0][0].name() != "LogSoftmaxBackward0"


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_fused_nll_gradgradcheck(reduction):
    x = torch.tensor(X, requires_grad=True)
    w = torch.tensor(W)
    t = torch.tensor(T)
    assert torch.autograd.gradcheck(lambda a: F.nll_loss(a, t, reduction=reduction), (x,))
    assert torch.autograd.gradgradcheck(
        lambda a: F.cross_entropy(a, t, weight=w, reduction=reduction), (x,))


def test_fused_nll_forward_mode_is_linear():
    x = torch.tensor(X)
    v = torch.tensor(RNG.standard_normal(X.shape))
    t = torch.tensor(T)
    with fwAD.dual_level():
        out = F.nll_loss(fwAD.make_dual(x, v), t, reduction="none")
        tangent = fwAD.unpack_dual(out).tangent
    np.testing.assert_array_equal(tangent.numpy(), F.nll_loss(v, t, reduction="none").numpy())


def test_fused_nll_matches_pytorch_at_ignored_rows_and_infinite_logits():
    # PyTorch 2.13: ignored rows contribute 0 (never nan) to the loss and get a 0 gradient;
    # all rows ignored with 'mean' gives a nan loss and a zero gradient
    x = torch.tensor([[0.5, -np.inf, 1.0], [-np.inf, 0.0, 2.0]], requires_grad=True)
    for reduction, loss, grad in [
        ("mean", -0.5, [[-1.0, 0.0, 0.0], [0.0, 0.0, 0.0]]),
        ("sum", -0.5, [[-1.0, 0.0, 0.0], [0.0, 0.0, 0.0]]),
        ("none", [-0.5, 0.0], [[-1.0, 0.0, 0.0], [0.0, 0.0, 0.0]]),
    ]:
        x.grad = None
        out = F.nll_loss(x, torch.tensor([0, -100]), reduction=reduction)
        (out.sum() if reduction == "none" else out).backward()
        assert out.detach().numpy().tolist() == loss
        assert x.grad.numpy().tolist() == grad
    x.grad = None
    out = F.nll_loss(x, torch.tensor([-100, -100]))
    out.backward()
    assert np.isnan(out.item())
    assert x.grad.numpy().tolist() == [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]


def test_fused_nll_float32_stays_float32_and_checks_targets():
    x = torch.tensor(X.astype(np.float32), requires_grad=True)
    loss = F.cross_entropy(x, torch.tensor(T))
    loss.backward()
    assert loss.dtype == torch.float32 and x.grad.dtype == torch.float32
    with pytest.raises(IndexError, match="Target 7 is out of bounds"):
        F.nll_loss(x, torch.tensor([0, 7, 1, 1, 1, 1]))


# --- engine: leaf gradients without a copy, and only when unshared ------------------------


def test_a_gradient_reaching_two_leaves_is_not_shared_between_them():
    a = torch.randn(3, requires_grad=True)
    b = torch.randn(3, requires_grad=True)
    ((a + b) * torch.tensor([1.0, 2.0, 3.0])).sum().backward()
    assert not np.shares_memory(a.grad.numpy(), b.grad.numpy())
    a.grad.add_(10.0)
    assert b.grad.tolist() == [1.0, 2.0, 3.0]


def test_a_gradient_seen_by_a_hook_or_retained_is_copied():
    kept = []
    h = torch.randn(3, requires_grad=True)
    h.register_hook(lambda g: kept.append(g))
    (h * 3.0).sum().backward()
    assert not np.shares_memory(h.grad.numpy(), kept[0].numpy())
    f = torch.randn(3, requires_grad=True)
    y = f + 0.0
    y.retain_grad()
    (y * 2.0).sum().backward()
    assert not np.shares_memory(f.grad.numpy(), y.grad.numpy())
    g = torch.ones(3)
    e = torch.randn(3, requires_grad=True)
    (e * 1.0).backward(g)
    assert not np.shares_memory(e.grad.numpy(), g.numpy())


def test_stolen_gradients_accumulate_correctly():
    w = torch.randn(4, 3, requires_grad=True)
    x = torch.randn(5, 4)
    for _ in range(3):
        (x @ w).sum().backward()
    expected = 3 * x.numpy().sum(0)[:, None] * np.ones((1, 3))
    np.testing.assert_allclose(w.grad.numpy(), expected, rtol=1e-5)


def test_gc_is_enabled_again_after_backward_even_when_it_fails():
    x = torch.randn(3, requires_grad=True)
    y = (x * x).sum()
    y.backward()
    assert gc.isenabled()
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        y.backward()
    assert gc.isenabled()
    gc.disable()
    try:
        (x * x).sum().backward()
        assert not gc.isenabled()  # a caller's choice is kept
    finally:
        gc.enable()


def test_a_deep_chain_backpropagates_and_frees_without_recursion():
    x = torch.ones(2, requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y * 1.0
    y.sum().backward()
    del y
    assert x.grad.tolist() == [1.0, 1.0]


def test_backward_from_roots_that_lie_on_each_other():
    # PyTorch 2.13: x.grad == [9., 9.] in both orders (3 from y, 6 from z = 2 * y)
    for order in (0, 1):
        x = torch.tensor([1.0, 2.0], requires_grad=True)
        y = x * 3.0
        z = y * 2.0
        roots = [y, z] if order == 0 else [z, y]
        torch.autograd.backward(roots, [torch.ones(2), torch.ones(2)])
        assert x.grad.tolist() == [9.0, 9.0]
