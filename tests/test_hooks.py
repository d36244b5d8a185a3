"""Hooks: Tensor.register_hook on leaves and non-leaves, handles, Node pre/post hooks,
post-accumulate hooks, and their order relative to retain_grad (as printed by PyTorch 2.13)."""

import pytest

import chainrule as torch

D = torch.float64


def leaf(values):
    return torch.tensor(values, dtype=D, requires_grad=True)


def test_hook_on_a_leaf_sees_and_replaces_the_gradient():
    x = leaf([1.0, 2.0])
    seen = []
    x.register_hook(lambda g: seen.append(g.tolist()))
    x.register_hook(lambda g: g * 10)
    (x * x).sum().backward()
    assert seen == [[2.0, 4.0]]
    assert x.grad.tolist() == [20.0, 40.0]


def test_hooks_run_in_registration_order_and_chain():
    x = leaf([1.0, 2.0])
    h1 = x.register_hook(lambda g: g * 2)
    h2 = x.register_hook(lambda g: g + 100)
    (x * 1).sum().backward()
    assert x.grad.tolist() == [102.0, 102.0]
    h1.remove()
    x.grad = None
    (x * 1).sum().backward()
    assert x.grad.tolist() == [101.0, 101.0]
    h2.remove()
    h2.remove()  # removing twice is harmless
    x.grad = None
    (x * 1).sum().backward()
    assert x.grad.tolist() == [1.0, 1.0]


def test_hook_on_a_non_leaf_changes_what_flows_on():
    x = leaf([1.0, 2.0])
    y = x * 3
    handle = y.register_hook(lambda g: g + 1)
    (y * y).sum().backward()
    assert x.grad.tolist() == [21.0, 39.0]  # (2y + 1) * 3
    handle.remove()
    x.grad = None
    y = x * 3
    (y * y).sum().backward()
    assert x.grad.tolist() == [18.0, 36.0]


def test_hook_order_with_retain_grad_and_node_hooks():
    x = leaf([1.0, 2.0])
    order = []
    y = x * 3
    y.retain_grad()  # registered first, but runs after the tensor hooks (as in PyTorch)
    y.register_hook(lambda g: order.append("t1") or g + 1)
    y.register_hook(lambda g: order.append("t2") or g * 2)
    y.grad_fn.register_prehook(lambda go: order.append("pre") or (go[0] * 3,))
    y.grad_fn.register_hook(lambda gi, go: order.append("post") or None)
    y.sum().backward()
    assert order == ["t1", "t2", "pre", "post"]
    assert y.grad.tolist() == [4.0, 4.0]
    assert x.grad.tolist() == [36.0, 36.0]


def test_node_post_hook_can_replace_grad_inputs():
    x = leaf([1.0, 2.0])
    y = x * 3
    seen = []
    y.grad_fn.register_hook(lambda gi, go: seen.append((gi[0].tolist(), go[0].tolist())))
    y.grad_fn.register_hook(lambda gi, go: (gi[0] * 10, None))
    (y * y).sum().backward()
    assert seen == [([18.0, 36.0], [6.0, 12.0])]
    assert x.grad.tolist() == [180.0, 360.0]


def test_hooks_apply_in_autograd_grad():
    x = leaf([1.0, 2.0])
    h = x.register_hook(lambda g: g * 100)
    assert torch.autograd.grad((x * 2).sum(), x)[0].tolist() == [200.0, 200.0]
    h.remove()
    y = x * 2
    y.register_hook(lambda g: g * 100)
    assert torch.autograd.grad((y * 3).sum(), y)[0].tolist() == [300.0, 300.0]
    assert torch.autograd.grad((y * 3).sum(), x)[0].tolist() == [600.0, 600.0]


def test_post_accumulate_grad_hook():
    x = leaf([1.0, 2.0])
    calls = []
    x.register_post_accumulate_grad_hook(lambda p: calls.append(p.grad.tolist()))
    (x * 2).sum().backward()
    (x * 3).sum().backward()
    assert calls == [[2.0, 2.0], [5.0, 5.0]]
    with pytest.raises(RuntimeError, match="non-leaf"):
        (x * 2).register_post_accumulate_grad_hook(lambda p: None)


def test_hook_under_create_graph_is_differentiated_through():
    z = leaf([2.0])
    w = z * z
    w.register_hook(lambda g: g * z)
    (g,) = torch.autograd.grad(w.sum(), z, create_graph=True)
    assert g.tolist() == [8.0] and g.requires_grad
    (gg,) = torch.autograd.grad(g.sum(), z)
    assert gg.tolist() == [8.0]


def test_hook_that_changes_shape_dtype_or_returns_a_non_tensor():
    x = leaf([1.0, 1.0, 1.0])
    h = x.register_hook(lambda g: g.sum().reshape(1))
    with pytest.raises(RuntimeError, match=r"changed the size of value \(was \[3\], got \[1\]\)"):
        (x * 2).sum().backward()
    assert x.grad is None
    h.remove()
    y = x * 2
    y.register_hook(lambda g: g.float())
    with pytest.raises(RuntimeError, match="changed the type of value"):
        y.sum().backward()
    y = x * 2
    y.register_hook(lambda g: 5.0)
    with pytest.raises(TypeError, match="hook returned 'float'"):
        y.sum().backward()
    assert x.grad is None


def test_hook_on_a_tensor_without_grad_raises():
    with pytest.raises(RuntimeError, match="doesn't require gradient"):
        torch.ones(2).register_hook(lambda g: g)


def test_in_place_op_moves_retain_grad_but_not_hooks():
    # PyTorch: .grad is the gradient of the new value, a hook registered before sees the old one
    x = leaf([1.0, 2.0])
    y = x * 2
    y.retain_grad()
    seen = []
    y.register_hook(lambda g: seen.append(g.tolist()))
    y.mul_(3)
    (y * y).sum().backward()
    assert y.grad.tolist() == [12.0, 24.0]
    assert seen == [[36.0, 72.0]]
    assert x.grad.tolist() == [72.0, 144.0]


def test_retain_grad_on_a_view_written_in_place_follows_the_view():
    x = leaf([1.0, 2.0])
    b = x * 1
    v = b[0:1]
    v.retain_grad()
    v.mul_(5)
    (b * b).sum().backward()
    assert v.grad is None  # as PyTorch: the new v is not on the path to the loss
    assert x.grad.tolist() == [50.0, 4.0]
