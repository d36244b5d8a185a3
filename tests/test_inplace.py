"""In-place ops: version counters, the optimizer path under no_grad, saved-value checks, history
rebasing on non-leaves and on views. Expected gradients were printed by PyTorch 2.13."""

import numpy as np
import pytest

import chainrule as torch

D = torch.float64


def leaf(values):
    return torch.tensor(values, dtype=D, requires_grad=True)


def close(t, expected):
    np.testing.assert_allclose(np.asarray(t.detach()._data, dtype=np.float64).ravel(),
                               np.ravel(expected), rtol=1e-10, atol=1e-12)


# --- the optimizer path ----------------------------------------------------------------------


def test_in_place_ops_under_no_grad_update_a_parameter():
    w = leaf([1.0, 2.0, 3.0])
    with torch.no_grad():
        w.add_(1)
        w.sub_(0.5)
        w.mul_(2)
        w.div_(4)
        w += 1
        w -= 0.25
        w *= 3
        w /= 2
        close(w, [2.25, 3.0, 3.75])
        assert w._version == 8
        w.clamp_(0, 2.5)
        close(w, [2.25, 2.5, 2.5])
        w.copy_(torch.tensor([5.0, 6.0, 7.0]))
        close(w, [5.0, 6.0, 7.0])
        w.fill_(0.5)
        close(w, [0.5, 0.5, 0.5])
        w.zero_()
        close(w, [0.0, 0.0, 0.0])
        w[1] = 3.0
        close(w, [0.0, 3.0, 0.0])
        w.add_(torch.ones(3, dtype=D), alpha=2)
        close(w, [2.0, 5.0, 2.0])
        assert w._version == 14
    assert w.is_leaf and w.requires_grad and w.grad_fn is None


def test_in_place_ops_return_self():
    t = torch.zeros(2)
    for call in (lambda: t.add_(1), lambda: t.mul_(2), lambda: t.zero_(), lambda: t.fill_(1.0),
                 lambda: t.clamp_(0, 1), lambda: t.copy_(torch.ones(2)), lambda: t.sub_(1),
                 lambda: t.div_(2)):
        assert call() is t


def test_sgd_step_keeps_the_parameter_a_leaf():
    w = leaf([1.0, -1.0])
    for _ in range(3):
        loss = ((w - 2.0) ** 2).sum()
        loss.backward()
        with torch.no_grad():
            w -= 0.25 * w.grad
        w.grad.zero_()
    close(w, [2.0 - 0.125, 2.0 - 3 * 0.125])
    assert w.is_leaf and w.grad_fn is None


# --- version counters and views ------------------------------------------------------------


def test_every_in_place_op_bumps_the_version_once():
    t = torch.zeros(3)
    ops = [lambda: t.add_(1), lambda: t.sub_(1), lambda: t.mul_(2), lambda: t.div_(2),
           lambda: t.zero_(), lambda: t.fill_(3.0), lambda: t.copy_(torch.ones(3)),
           lambda: t.clamp_(0, 1), lambda: t.__iadd__(1), lambda: t.__isub__(1),
           lambda: t.__imul__(2), lambda: t.__itruediv__(2), lambda: t.__setitem__(0, 1.0)]
    for expected, op in enumerate(ops, start=1):
        op()
        assert t._version == expected


def test_out_of_place_ops_do_not_bump_the_version():
    t = torch.zeros(3)
    _ = t + 1, t * 2, t.exp(), t[0], t.view(3), t.clone()
    assert t._version == 0


def test_views_share_the_version_counter():
    x = torch.zeros(2, 3)
    v, t, row, col = x.view(6), x.t(), x[0], x[:, 1]
    v.add_(1)
    assert x._version == v._version == t._version == row._version == col._version == 1
    t.mul_(2)
    assert x._version == 2
    row.fill_(7)
    assert x._version == 3
    col.zero_()
    assert x._version == 4
    assert x.tolist() == [[7.0, 0.0, 7.0], [2.0, 0.0, 2.0]]
    x[0, 0] = 5
    assert v._version == 5
    d = x.detach()
    d.add_(1)
    assert x._version == 6


def test_a_view_of_a_view_shares_the_counter():
    x = torch.zeros(4, 4)
    v = x[1:3].t()[0]  # x[1, 0] and x[2, 0]
    v.add_(1)
    assert x._version == 1 and x[1, 0].item() == 1.0 and x[2, 0].item() == 1.0
    assert x.sum().item() == 2.0


# --- saved values ------------------------------------------------------------------------------


def test_saved_input_modified_in_place_raises_naming_op_shape_and_versions():
    a = leaf([1.0, 2.0, 3.0])
    b = a * 1
    c = b * b
    b.add_(1)
    with pytest.raises(RuntimeError, match=r"\[torch\.DoubleTensor \[3\]\], which is input 0 of "
                                           r"MulBackward0, is at version 1; expected version 0"):
        c.sum().backward()


def test_saved_input_modified_by_setitem_raises():
    a = leaf([1.0, 2.0, 3.0])
    b = a * 1
    c = b * b
    b[0] = 2.0
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        c.sum().backward()


def test_saved_output_modified_in_place_raises():
    a = leaf([1.0, 2.0, 3.0])
    b = a * 1
    c = b.exp()
    c.add_(1)
    with pytest.raises(RuntimeError, match=r"the output of ExpBackward0, is at version 1; "
                                           r"expected version 0"):
        c.sum().backward()


def test_in_place_on_a_value_nobody_saved_is_fine():
    a = leaf([1.0, 2.0, 3.0])
    b = a * 2
    c = b + 1  # add saves nothing
    b.mul_(3)
    c.sum().backward()
    close(a.grad, [2.0, 2.0, 2.0])


def test_modifying_an_operand_whose_value_no_rule_reads_is_fine():
    # PyTorch: x * 3 does not save x, so b[1] = b[0] * 3 works (AsStridedBackward0/CopySlices)
    a = leaf([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    w = torch.tensor([[0.5, -1.0, 2.0], [1.5, 0.25, -0.5]], dtype=D)
    b = a * 1
    b[0, 0] = a[1, 1] * 10
    b[1] = b[0] * 3
    close(b, [50.0, 2.0, 3.0, 150.0, 6.0, 9.0])
    (b * w).sum().backward()
    close(a.grad, [0.0, -0.25, 0.5, 0.0, 50.0, 0.0])


# --- rebasing the history of a non-leaf --------------------------------------------------------


def test_in_place_chain_on_a_non_leaf():
    a = leaf([1.0, 2.0, 3.0])
    b = a * 2
    b.mul_(a)
    b.add_(a)
    b.div_(torch.tensor([2.0, 3.0, 4.0], dtype=D))
    assert b.grad_fn.name() == "DivBackward0" and not b.is_leaf
    close(b, [1.5, 10 / 3, 5.25])
    b.sum().backward()
    close(a.grad, [2.5, 3.0, 3.25])


def test_in_place_unary_chain_on_a_non_leaf():
    a = leaf([1.0, 2.0, 3.0])
    b = a * 2
    b.sub_(a, alpha=3)
    b.clamp_(min=-2.5)
    b.pow_(2)
    b.mul_(a)
    b.exp_()
    assert b.grad_fn.name() == "ExpBackward0"
    b.sum().backward()
    close(a.grad, [8.154845485377, 35771.495844500736, 868763473.4657274])


def test_augmented_assignment_on_a_non_leaf():
    a = leaf([1.0, 2.0, 3.0])
    b = a + 0
    b += a * a
    b *= a
    b /= (a + 1)
    b -= a
    close(b, [0.0, 2.0, 6.0])
    assert b.grad_fn.name() == "SubBackward0"
    b.sum().backward()
    close(a.grad, [1.0, 3.0, 5.0])


def test_copy_into_a_tensor_without_grad_gives_it_history():
    a = leaf([1.0, 2.0, 3.0])
    b = torch.zeros(3, dtype=D)
    b.copy_(a * 3)
    assert b.requires_grad and b.grad_fn.name().endswith("CopyBackwards")
    (b * b).sum().backward()
    close(a.grad, [18.0, 36.0, 54.0])


def test_zero_and_fill_cut_the_gradient():
    a = leaf([1.0, 2.0, 3.0])
    b = a * 2
    c = b * 1
    c.zero_()
    (b + c).sum().backward()
    close(a.grad, [2.0, 2.0, 2.0])
    a.grad = None
    b = a * 2
    b.fill_(7.0)
    (b * a).sum().backward()
    close(a.grad, [7.0, 7.0, 7.0])


def test_in_place_with_an_operand_that_requires_grad():
    a = leaf([1.0, 2.0, 3.0])
    w = leaf([1.0, -1.0, 0.5])
    t = torch.ones(3, dtype=D)
    t.mul_(w)
    t.add_(a)
    t.mul_(a)
    assert t.requires_grad and t.grad_fn.name() == "MulBackward0"
    t.sum().backward()
    close(a.grad, [3.0, 3.0, 6.5])
    close(w.grad, [1.0, 2.0, 3.0])


def test_in_place_activations_on_non_leaves():
    x = leaf([-1.0, 0.5, 2.0])
    b = x * 1
    b.relu_()
    c = x * 1
    c.sigmoid_()
    e = x * 1
    e.tanh_()
    (b + c * 2 + e * 3).sum().backward()
    close(x.grad, [1.653146891325, 3.829350623301, 1.421939645367])


def test_masked_fill_and_clamp_in_place():
    x = leaf([-1.0, 0.5, 2.0])
    b = x * 2
    b.masked_fill_(x > 0, 0.0)
    b.sum().backward()
    close(x.grad, [2.0, 0.0, 0.0])
    x.grad = None
    b = x * 3
    b.clamp_(-1.0, 1.0)
    b.sum().backward()
    close(x.grad, [0.0, 0.0, 0.0])


# --- setitem -------------------------------------------------------------------------------------


def test_setitem_is_recorded():
    a = leaf([1.0, 2.0, 3.0])
    b = torch.zeros(3, dtype=D)
    b[1] = a[0] * 5
    b[2:] = a[1:2] ** 2
    close(b, [0.0, 5.0, 4.0])
    assert b.requires_grad
    b.sum().backward()
    close(a.grad, [5.0, 4.0, 0.0])


def test_setitem_overwrites_part_of_a_non_leaf():
    a = leaf([1.0, 2.0, 3.0])
    b = a * 1
    b[0] = 0
    close(b, [0.0, 2.0, 3.0])
    (b * b).sum().backward()
    close(a.grad, [0.0, 4.0, 6.0])


def test_setitem_under_no_grad_is_not_recorded():
    a = leaf([1.0, 2.0, 3.0])
    b = torch.zeros(3, dtype=D)
    with torch.no_grad():
        b[0] = a[0] * 5
    assert not b.requires_grad and b.tolist() == [5.0, 0.0, 0.0] and b._version == 1


# --- in-place through views (PyTorch's CopySlices) ----------------------------------------------

W = [[0.5, -1.0, 2.0], [1.5, 0.25, -0.5]]


def weighted_grad(build):
    a = leaf([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    out = build(a)
    (out * torch.tensor(W, dtype=D)).sum().backward()
    return out, a.grad


def test_augmented_assignment_on_a_slice_of_a_non_leaf():
    def build(a):
        b = a * 1
        b[:, 1] *= 3
        return b

    out, g = weighted_grad(build)
    close(out, [1.0, 6.0, 3.0, 4.0, 15.0, 6.0])
    close(g, [0.5, -3.0, 2.0, 1.5, 0.75, -0.5])


def test_in_place_on_a_view_rebases_the_base():
    a = leaf([1.0, 2.0, 3.0])
    b = a * 1
    v = b[1:]
    v.mul_(3)
    assert b.grad_fn.name() == "torch::autograd::CopySlices"
    assert v.grad_fn.name() == "AsStridedBackward0" and "grad_fn=<CopySlices>" in repr(b)
    assert b.tolist() == [1.0, 6.0, 9.0] and b._version == v._version == 1
    (b * b).sum().backward()
    close(a.grad, [2.0, 36.0, 54.0])


def test_in_place_on_a_row_of_a_transposed_view():
    def build(a):
        b = a * 2
        b.t()[0].mul_(a[1, 0])
        return b

    out, g = weighted_grad(build)
    close(out, [8.0, 4.0, 6.0, 32.0, 10.0, 12.0])
    close(g, [4.0, -2.0, 4.0, 25.0, 0.5, -1.0])


def test_in_place_on_views_of_a_tensor_without_grad():
    def build(a):
        b = torch.zeros(2, 3, dtype=D)
        b[0].copy_(a[1] * a[0])
        b[1].add_(a[0])
        return b

    out, g = weighted_grad(build)
    close(out, [4.0, 10.0, 18.0, 1.0, 2.0, 3.0])
    close(g, [3.5, -4.75, 11.5, 0.5, -2.0, 6.0])


def test_sibling_view_sees_the_write():
    def build(a):
        b = a * 1
        v1, v2 = b[0], b[:, 0]
        v1.mul_(2)
        return (v2.unsqueeze(0) * b.sum()).expand(2, 2).sum() * torch.ones(2, 3, dtype=D) + b

    out, g = weighted_grad(build)
    close(out, [326.0, 328.0, 330.0, 328.0, 329.0, 330.0])
    close(g, [364.0, 64.0, 70.0, 183.0, 33.25, 32.5])


def test_in_place_on_a_view_of_a_non_contiguous_base():
    def build(a):
        b = (a * 1).t()
        b[0] = b[1] * 2
        return b.t()

    out, g = weighted_grad(build)
    close(out, [4.0, 2.0, 3.0, 10.0, 5.0, 6.0])
    close(g, [0.0, 0.0, 2.0, 0.0, 3.25, -0.5])


def test_in_place_activation_on_a_view():
    def build(a):
        c = a.t().contiguous() * 1
        c.t()[1].sigmoid_()
        return c.t()

    out, g = weighted_grad(build)
    close(out, [1.0, 2.0, 3.0, 0.98201379, 0.9933071491, 0.9975273768])
    np.testing.assert_allclose(
        g.numpy().ravel(),
        [0.5, -1.0, 2.0, 0.0264940593, 0.0016620142, -0.0012332546], atol=1e-10)


def test_zero_through_one_view_seen_by_another():
    def build(a):
        b = a * 1
        v, w = b.view(3, 2), b.t()
        v[0].zero_()
        return w.t() * 1

    out, g = weighted_grad(build)
    close(out, [0.0, 0.0, 3.0, 4.0, 5.0, 6.0])
    close(g, [0.0, 0.0, 2.0, 1.5, 0.25, -0.5])


def test_view_taken_before_an_in_place_op_on_its_base_is_regenerated():
    # a silently wrong gradient without it: the view's old history ignores the write
    a = leaf([1.0, 2.0, 3.0])
    b = a * 1
    v = b[0:2]
    b[0] = 5.0
    v.sum().backward()
    close(a.grad, [0.0, 1.0, 0.0])

    a.grad = None
    b = a * 1
    v = b.view(3)
    b.mul_(a)
    (v * 1).sum().backward()
    close(a.grad, [2.0, 4.0, 6.0])

    def build(a):
        b = a * 1
        v = b[0]
        b.mul_(2)
        return v.unsqueeze(0) * torch.ones(2, 1, dtype=D)

    out, g = weighted_grad(build)
    close(out, [2.0, 4.0, 6.0, 2.0, 4.0, 6.0])
    close(g, [4.0, -1.5, 3.0, 0.0, 0.0, 0.0])


def test_stale_view_as_the_root_of_backward():
    a = leaf([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    b = a * 1
    v = b[0]
    b.mul_(3)
    v.sum().backward()
    close(a.grad, [3.0, 3.0, 3.0, 0.0, 0.0, 0.0])


def test_in_place_on_a_view_whose_value_was_saved_raises():
    a = leaf([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    b = a * 1
    v = b[1][1:]
    v.mul_(v)  # mul saved v, then mul_ modified it
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        b.sum().backward()


def test_double_backward_through_copy_slices():
    a = leaf([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    b = a * a
    b[0] *= a[1]
    (g,) = torch.autograd.grad((b * torch.tensor(W, dtype=D)).sum(), a, create_graph=True)
    close(g, [4.0, -20.0, 72.0, 12.5, -1.5, 12.0])
    (gg,) = torch.autograd.grad((g * g).sum(), a)
    close(gg, [57.0, 412.0, 3744.0, 83.0, 158.5, 1704.0])
