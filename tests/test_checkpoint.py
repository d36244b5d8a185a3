"""chainrule.utils.checkpoint: same gradients as without checkpointing, less memory held for
backward (measured with chainrule.viz.saved_bytes), dropout replayed, misuse caught."""

import warnings

import pytest

import chainrule as torch
from chainrule import nn, viz
from chainrule.utils.checkpoint import checkpoint, checkpoint_sequential


def _mlp(layers=20, width=32):
    torch.manual_seed(0)
    mods = []
    for _ in range(layers):
        mods += [nn.Linear(width, width), nn.Tanh()]
    return nn.Sequential(*mods).double()


def _grads(model, x):
    return [p.grad.clone() for p in model.parameters()] + [x.grad.clone()]


def _reset(model, x):
    model.zero_grad()
    x.grad = None


@pytest.mark.parametrize("use_reentrant", [False, True])
def test_checkpoint_sequential_gives_identical_gradients_on_a_20_layer_mlp(use_reentrant):
    model = _mlp()
    x = torch.randn(8, 32, dtype=torch.float64, requires_grad=True)
    model(x).pow(2).sum().backward()
    expected = _grads(model, x)
    _reset(model, x)
    out = checkpoint_sequential(model, 4, x, use_reentrant=use_reentrant)
    out.pow(2).sum().backward()
    got = _grads(model, x)
    assert len(got) == 41
    for g, e in zip(got, expected):
        assert torch.equal(g, e)  # the same computation: bit for bit


def test_checkpoint_lowers_the_peak_of_saved_bytes():
    """Without checkpointing, the whole forward graph is held until backward. With four
    checkpointed segments, only the segment inputs are held after the forward; the peak adds
    one recomputed segment's graph during backward. Measured, not assumed."""
    model = _mlp(layers=20, width=64)
    children = list(model.children())
    x = torch.randn(32, 64, dtype=torch.float64, requires_grad=True)
    plain = viz.saved_bytes(model(x))

    recomputed = []

    def segment(mods):
        def run(h):
            for m in mods:
                h = m(h)
            if torch.is_grad_enabled():
                recomputed.append(viz.saved_bytes(h))
            return h
        return run

    h = x
    for k in range(0, 40, 10):
        h = checkpoint(segment(children[k:k + 10]), h, use_reentrant=False)
    held = viz.saved_bytes(h)
    forward_runs = len(recomputed)
    recomputed.clear()
    h.pow(2).sum().backward()
    assert forward_runs == 4 and len(recomputed) == 4  # each segment ran again in backward
    peak = held + max(recomputed)
    # the held inputs: four [32, 64] float64 arrays
    assert held == 4 * 32 * 64 * 8
    assert peak < plain / 2, (plain, held, peak)  # measured: 999,424 vs 376,832 bytes
    print(f"saved bytes: plain {plain}, checkpointed held {held}, peak {peak}")


def test_parameters_used_inside_the_function_get_gradients_with_autograd_grad():
    model = _mlp(layers=3)
    x = torch.randn(4, 32, dtype=torch.float64, requires_grad=True)
    params = list(model.parameters())
    expected = torch.autograd.grad(model(x).sum(), params + [x])
    got = torch.autograd.grad(checkpoint(model, x, use_reentrant=False).sum(), params + [x])
    for g, e in zip(got, expected):
        assert torch.equal(g, e)


def test_dropout_masks_are_replayed_in_the_recomputation():
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(16, 16), nn.Dropout(0.5), nn.Linear(16, 4)).double()
    x = torch.randn(8, 16, dtype=torch.float64, requires_grad=True)
    torch.manual_seed(7)
    expected = torch.autograd.grad(net(x).sum(), [x] + list(net.parameters()))
    torch.manual_seed(7)
    out = checkpoint(net, x, use_reentrant=False)
    after_forward = torch.rand(3)
    got = torch.autograd.grad(out.sum(), [x] + list(net.parameters()))
    for g, e in zip(got, expected):
        assert torch.equal(g, e)
    # backward put the generator back where the forward left it
    torch.manual_seed(7)
    net(x)
    assert torch.equal(torch.rand(3), after_forward)


def test_without_preserved_rng_state_dropout_recomputes_differently():
    torch.manual_seed(0)
    drop = nn.Dropout(0.5)
    x = torch.ones(200, dtype=torch.float64, requires_grad=True)
    out = checkpoint(drop, x, use_reentrant=False, preserve_rng_state=False)
    (g,) = torch.autograd.grad(out.sum(), x)
    assert not torch.equal(g, (out != 0).double() * 2)


def test_multiple_outputs_kwargs_and_non_tensor_arguments():
    w = torch.randn(3, dtype=torch.float64, requires_grad=True)
    x = torch.randn(3, dtype=torch.float64, requires_grad=True)

    def f(a, scale, *, shift):
        return {"sum": (a * w).sum() * scale + shift, "parts": (a.sin(), 7, a.detach())}

    out = checkpoint(f, x, 2.0, shift=1.0, use_reentrant=False)
    assert out["parts"][1] == 7 and not out["parts"][2].requires_grad
    (out["sum"] + out["parts"][0].sum()).backward()
    gx, gw = x.grad, w.grad
    x.grad = w.grad = None
    ref = f(x, 2.0, shift=1.0)
    (ref["sum"] + ref["parts"][0].sum()).backward()
    assert torch.allclose(gx, x.grad) and torch.allclose(gw, w.grad)


def test_double_backward_through_a_checkpoint():
    w = torch.randn(3, dtype=torch.float64, requires_grad=True)
    v = torch.randn(3, dtype=torch.float64, requires_grad=True)

    def f(a):
        return (a * w).sin().sum()

    (g,) = torch.autograd.grad(checkpoint(f, v * 2, use_reentrant=False), v, create_graph=True)
    got = torch.autograd.grad(g.sum(), [v, w])
    (g,) = torch.autograd.grad(f(v * 2), v, create_graph=True)
    expected = torch.autograd.grad(g.sum(), [v, w])
    for a, b in zip(got, expected):
        assert torch.allclose(a, b, rtol=0, atol=1e-14)


def test_a_closure_over_a_non_leaf_tensor():
    w = torch.randn(3, dtype=torch.float64, requires_grad=True)
    x = torch.randn(3, dtype=torch.float64, requires_grad=True)
    h = w.exp()  # a non-leaf captured by the function
    out = checkpoint(lambda a: (a * h).sum(), x, use_reentrant=False) + h.sum()
    out.backward()
    assert torch.allclose(w.grad, (x.detach() + 1) * w.detach().exp())
    assert torch.allclose(x.grad, w.detach().exp())


def test_identity_function_and_returned_leaf():
    x = torch.randn(3, dtype=torch.float64, requires_grad=True)
    out = checkpoint(lambda a: a, x, use_reentrant=False)
    assert out.grad_fn is not None and out is not x
    (out * 3).sum().backward()
    assert x.grad.tolist() == [3.0, 3.0, 3.0]


def test_modifying_an_argument_in_place_before_backward_raises():
    model = nn.Linear(3, 3).double()
    h = torch.randn(2, 3, dtype=torch.float64, requires_grad=True) * 1.0
    out = checkpoint(model, h, use_reentrant=False)
    with torch.no_grad():
        h.add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        out.sum().backward()


def test_backward_twice_needs_retain_graph():
    x = torch.randn(3, dtype=torch.float64, requires_grad=True)
    out = checkpoint(lambda a: a.exp().sum(), x, use_reentrant=False)
    out.backward(retain_graph=True)
    out.backward()
    assert torch.allclose(x.grad, 2 * x.detach().exp())
    out2 = checkpoint(lambda a: a.exp().sum(), x, use_reentrant=False)
    out2.backward()
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        out2.backward()


def test_a_function_that_changes_between_runs_is_caught():
    calls = []

    def unstable(a):
        calls.append(1)
        return a[: len(calls)].sum() * 1.0 if len(calls) > 1 else a * 2

    x = torch.randn(3, dtype=torch.float64, requires_grad=True)
    out = checkpoint(unstable, x, use_reentrant=False)
    with pytest.raises(RuntimeError, match="Recomputed values .* different metadata"):
        out.sum().backward()


def test_reentrant_variant_rules_and_the_default_warning():
    x = torch.randn(3, requires_grad=True)
    with pytest.warns(UserWarning, match="use_reentrant parameter should be passed explicitly"):
        out = checkpoint(lambda a: a * 2, x)
    assert out.grad_fn.name() == "CheckpointFunctionBackward"
    with pytest.raises(ValueError, match="Unexpected keyword arguments: k"):
        checkpoint(lambda a, k: a, x, k=1, use_reentrant=True)
    w = torch.randn(3, requires_grad=True)
    with pytest.warns(UserWarning, match="None of the inputs have requires_grad=True"):
        out = checkpoint(lambda a: a * w, torch.ones(3), use_reentrant=True)
    assert not out.requires_grad
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = checkpoint(lambda a: a * w, torch.ones(3), use_reentrant=False)
    assert out.requires_grad and out.grad_fn.name() == "CheckpointBackward"


def test_under_no_grad_it_just_runs_the_function():
    x = torch.randn(3, requires_grad=True)
    with torch.no_grad():
        out = checkpoint(lambda a: a * 2, x, use_reentrant=False)
    assert out.grad_fn is None and not out.requires_grad
    assert torch.equal(out, x.detach() * 2)


def test_a_function_that_keeps_an_intermediate_still_gets_exact_gradients():
    kept = []
    model = _mlp(layers=3)

    def f(h):
        h = model[0](h)
        kept.append(h)  # e.g. a forward hook storing activations
        for m in list(model.children())[1:]:
            h = m(h)
        return h

    x = torch.randn(4, 32, dtype=torch.float64, requires_grad=True)
    params = list(model.parameters())
    expected = torch.autograd.grad(model(x).sum(), params + [x])
    got = torch.autograd.grad(checkpoint(f, x, use_reentrant=False).sum(), params + [x])
    for g, e in zip(got, expected):
        assert torch.equal(g, e)
