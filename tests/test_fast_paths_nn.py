"""The fast paths of the mlp_small training step (issue 6) must not change a single bit.

- cross_entropy of (N, C) logits and (N,) int64 targets: checked once, log_softmax then the
  fused nll_loss (nn/_fused.py), against the general path, to second order and in forward mode.
- Rules that run their ops' NumPy operations inlined on the bare arrays of a first-order
  backward (nll_loss, log_softmax, softmax, linear with its bias reduction): equal, bit for bit,
  to the same rules run as ops on Tensors (create_graph=True).
- SGD without momentum, weight decay or maximize; optimizer state kept only when filled.
"""

import numpy as np
import pytest

import chainrule as torch
import chainrule.autograd.forward_ad as fwAD
import chainrule.nn.functional as F
from chainrule.nn import _fused

RNG = np.random.default_rng(6)
X = RNG.standard_normal((6, 5)) * 3
X_ODD = X.copy()
X_ODD[0, 1] = -np.inf  # a class that cannot be the target's
X_ODD[2, :] = -np.inf  # a row of nan (its target is ignored below)
X_ODD[4, 0] = np.inf
TARGETS = [[0, 4, 3, 2, 2, 1], [0, 4, -100, 2, 2, 1], [-100] * 6]


def _bits(t):
    a = t.detach().numpy() if isinstance(t, torch.Tensor) else np.asarray(t)
    return a.dtype.str, a.shape, a.tobytes()  # tobytes: signed zeros and nan bits too


def _ce_everything(x_np, target, reduction, dtype, seed):
    """loss, first-order gradient, create_graph gradient, a second-order gradient, a tangent."""
    t = torch.tensor(np.array(target))
    x = torch.tensor(x_np.astype(dtype), requires_grad=True)
    loss = F.cross_entropy(x, t, reduction=reduction)
    seed = np.full(loss.shape, seed, dtype=dtype)
    if reduction == "none":
        seed[::2] = 1.5  # some rows 1.5, the others `seed`
    loss.backward(torch.tensor(seed))
    first = x.grad
    x2 = torch.tensor(x_np.astype(dtype), requires_grad=True)
    out = F.cross_entropy(x2, t, reduction=reduction)
    g, = torch.autograd.grad(out, x2, torch.tensor(seed), create_graph=True)
    gg, = torch.autograd.grad((g * g).sum(), x2)
    v = torch.tensor(np.linspace(-1, 1, x_np.size).reshape(x_np.shape).astype(dtype))
    with fwAD.dual_level():
        tangent = fwAD.unpack_dual(
            F.cross_entropy(fwAD.make_dual(torch.tensor(x_np.astype(dtype)), v), t,
                            reduction=reduction)).tangent
    return [_bits(a) for a in (loss, first, g, gg, tangent)], loss.grad_fn


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("x_np", [X, X_ODD], ids=["finite", "infinite"])
@pytest.mark.parametrize("seed", [1.0, 0.0, -2.5])  # 0.0: signed zeros in the gradient
def test_cross_entropy_fast_path_equals_the_general_path(monkeypatch, dtype, reduction, target,
                                                         x_np, seed):
    with np.errstate(all="ignore"):
        fast, node = _ce_everything(x_np, target, reduction, dtype, seed)
        # the general path: log_softmax and nll_loss each with all their checks, and nll_loss
        # with explicit row indices (the valid rows found with a mask)
        monkeypatch.setattr(_fused, "cross_entropy_2d", lambda *a: None)
        monkeypatch.setattr(_fused, "_all_valid_key", lambda *a: None)
        slow, slow_node = _ce_everything(x_np, target, reduction, dtype, seed)
    assert fast == slow
    assert fast[1] == fast[2]  # the inlined NumPy rules == the same rules run as ops
    assert node.name() == slow_node.name() == "NllLossBackward0"
    assert node.next_functions[0][0].name() == "LogSoftmaxBackward0"  # as PyTorch's graph


def test_cross_entropy_fast_path_is_taken_only_for_its_case():
    x = torch.tensor(X, requires_grad=True)
    t = torch.tensor([0, 4, 3, 2, 2, 1])
    assert _fused.cross_entropy_2d(x, t, -100, "mean") is not None
    assert _fused.cross_entropy_2d(x, t.to(torch.int32), -100, "mean") is None
    assert _fused.cross_entropy_2d(x[0], t[0], -100, "mean") is None
    assert _fused.cross_entropy_2d(x, t[:3], -100, "mean") is None
    assert _fused.cross_entropy_2d(x, t, -100, "elementwise_mean") is None
    assert _fused.cross_entropy_2d(torch.tensor([[1, 2]]), torch.tensor([0]), -100, "sum") is None


def test_pytorch_values_float32():
    # PyTorch 2.13: F.cross_entropy(x, t) and x.grad for x = arange(8.).reshape(2, 4) / 3 - 1
    # (NumPy's exp and log may differ from PyTorch's in the last bits: compared to 1e-6)
    x = torch.tensor((np.arange(8.0).reshape(2, 4) / 3 - 1).astype(np.float32),
                     requires_grad=True)
    loss = F.cross_entropy(x, torch.tensor([3, 0]))
    loss.backward()
    assert loss.dtype == x.grad.dtype == torch.float32
    np.testing.assert_allclose(loss.item(), 1.4546756744384766, rtol=1e-6)
    expected = [[0.07080519944429398, 0.09881660342216492, 0.1379096955060959,
                 -0.30753153562545776],
                [-0.4291948080062866, 0.09881660342216492, 0.1379096955060959,
                 0.19246847927570343]]
    np.testing.assert_allclose(x.grad.numpy(), expected, rtol=1e-6)


def test_targets_changed_after_forward_do_not_change_the_gradient():
    x = torch.tensor(X, requires_grad=True)
    t = torch.tensor([0, 4, 3, 2, 2, 1])
    F.cross_entropy(x, t).backward()
    expected = x.grad.numpy().copy()
    x.grad = None
    loss = F.cross_entropy(x, t)
    t[0] = 3  # the loss keeps the class indices it was computed with
    loss.backward()
    np.testing.assert_array_equal(x.grad.numpy(), expected)


@pytest.mark.parametrize("bad", [5, -1, -101])
def test_out_of_range_targets_raise_in_the_fast_path(bad):
    x = torch.tensor(X, requires_grad=True)
    with pytest.raises(IndexError, match=f"Target {bad} is out of bounds"):
        F.cross_entropy(x, torch.tensor([0, 1, bad, 2, 2, 1]))
    with pytest.raises(IndexError, match=f"Target {bad} is out of bounds"):
        F.cross_entropy(x, torch.tensor([0, 1, bad, 2, 2, 1]), ignore_index=1)


def test_an_in_range_ignore_index_is_honoured():
    x = torch.tensor(X, requires_grad=True)
    loss = F.cross_entropy(x, torch.tensor([0, 4, 3, 2, 2, 1]), ignore_index=2)
    loss.backward()
    assert x.grad[3].abs().sum().item() == 0 and x.grad[4].abs().sum().item() == 0
    assert x.grad[0].abs().sum().item() > 0


# --- rules with an inlined NumPy path: first order == create_graph, bit for bit -------------


def _first_and_recorded(f, *arrays):
    """The gradients of f's sum from a first-order backward and from create_graph=True."""
    out = []
    for create in (False, True):
        xs = [torch.tensor(a, requires_grad=True) for a in arrays]
        y = f(*xs)
        grads = torch.autograd.grad(y, xs, torch.ones_like(y) * 0.75, create_graph=create)
        out.append([_bits(g) for g in grads])
    return out


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("dim", [0, 1])
@pytest.mark.parametrize("fn", [torch.softmax, torch.log_softmax])
def test_softmax_rules_inlined_equal_recorded(fn, dim, dtype):
    w = torch.tensor(RNG.standard_normal((4, 3)).astype(dtype))
    first, recorded = _first_and_recorded(lambda a: fn(a, dim) * w,
                                          RNG.standard_normal((4, 3)).astype(dtype))
    assert first == recorded


@pytest.mark.parametrize("x_shape", [(5,), (3, 5), (2, 3, 5), (2, 1, 3, 5)])
@pytest.mark.parametrize("b_shape", [None, (4,), (1,), ()])
def test_linear_rules_inlined_equal_recorded(x_shape, b_shape):
    arrays = [RNG.standard_normal(x_shape).astype(np.float32),
              RNG.standard_normal((4, 5)).astype(np.float32)]
    if b_shape is not None:
        arrays.append(RNG.standard_normal(b_shape).astype(np.float32))
    first, recorded = _first_and_recorded(lambda *a: F.linear(*a) * 1.5, *arrays)
    assert first == recorded
    assert first[-1][1] == (b_shape if b_shape is not None else (4, 5))


def test_linear_bias_gradient_is_numpy_sum_over_rows():
    x = torch.tensor(RNG.standard_normal((33, 7)).astype(np.float32))
    w = torch.tensor(RNG.standard_normal((9, 7)).astype(np.float32), requires_grad=True)
    b = torch.tensor(RNG.standard_normal(9).astype(np.float32), requires_grad=True)
    g = RNG.standard_normal((33, 9)).astype(np.float32)
    F.linear(x, w, b).backward(torch.tensor(g))
    assert b.grad.numpy().tobytes() == g.sum(axis=0).tobytes()
    assert w.grad.numpy().tobytes() == (g.T @ x.numpy()).tobytes()


def test_linear_gradgradcheck():
    x = torch.tensor(RNG.standard_normal((2, 3, 5)), requires_grad=True)
    w = torch.tensor(RNG.standard_normal((4, 5)), requires_grad=True)
    b = torch.tensor(RNG.standard_normal(4), requires_grad=True)
    assert torch.autograd.gradcheck(F.linear, (x, w, b))
    assert torch.autograd.gradgradcheck(F.linear, (x, w, b))
    assert torch.autograd.gradgradcheck(F.linear, (x[0, 0], w, b))


def test_linear_fast_path_keeps_the_checks():
    with pytest.raises(RuntimeError, match="cannot be multiplied"):
        F.linear(torch.ones(3, 4), torch.ones(5, 3))
    with pytest.raises(RuntimeError, match="same dtype"):
        F.linear(torch.ones(3, 4), torch.ones(5, 4, dtype=torch.float64))
    with pytest.raises(RuntimeError, match="does not match"):
        F.linear(torch.ones(3, 4), torch.ones(5, 4), torch.ones(3))
    out = F.linear(torch.ones(3, 4), torch.ones(5, 4), torch.ones(3, 5))  # broadcast bias
    assert out.shape == (3, 5) and out[0, 0].item() == 5.0


# --- SGD and optimizer state -------------------------------------------------------------------


def _sgd_run(**kw):
    w = torch.tensor(RNG.standard_normal((3, 4)).astype(np.float32), requires_grad=True)
    start = w.detach().numpy().copy()
    opt = torch.optim.SGD([w], lr=0.01, **kw)
    grads = []
    for _ in range(3):
        opt.zero_grad()
        (w * w * w).sum().backward()
        grads.append(w.grad.numpy().copy())
        opt.step()
    return start, grads, w, opt


def test_plain_sgd_is_p_plus_minus_lr_times_g():
    start, grads, w, opt = _sgd_run()
    p = start
    for g in grads:
        p = p + np.float32(-0.01) * g
    assert w.detach().numpy().tobytes() == p.tobytes()
    assert len(opt.state) == 0  # SGD without momentum keeps no state, as in PyTorch
    assert w._version == 3


def test_sgd_with_options_still_updates_and_keeps_state():
    _, _, w, opt = _sgd_run(momentum=0.9)
    assert set(opt.state[w]) == {"momentum_buffer"}
    start, _, w, _ = _sgd_run(maximize=True)
    assert (w.detach().numpy() > start).all()  # the gradient 3 w**2 is positive: ascent
    _, _, w, _ = _sgd_run(weight_decay=0.1)
    assert np.isfinite(w.detach().numpy()).all()


def test_an_empty_state_entry_is_dropped_and_a_filled_one_kept():
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    opt = torch.optim.SGD([w], lr=0.1)
    opt.state[w]  # a defaultdict access creates an empty entry
    (w * w).sum().backward()
    opt.step()
    assert w not in opt.state
    adam = torch.optim.Adam([w], lr=0.1)
    adam.step()
    assert set(adam.state[w]) >= {"step", "exp_avg", "exp_avg_sq"}
    first = adam.state[w]
    adam.step()
    assert adam.state[w] is first
