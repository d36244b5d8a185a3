"""Graphs die by reference counting alone (no reference cycles), and training does not leak.

With the cyclic garbage collector disabled, every tensor and node of a dropped graph must be
freed at once; a cycle anywhere (a node holding its output, a ctx holding its node, a hook
holding its tensor...) would keep them alive.
"""

import gc
import tracemalloc
import weakref

import pytest

import chainrule as torch

D = torch.float64


class NoGC:
    def __enter__(self):
        gc.collect()
        gc.disable()

    def __exit__(self, *exc):
        gc.enable()


class ExpSavingOutput(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        r = x.exp()
        ctx.save_for_backward(r, x)
        return r

    @staticmethod
    def backward(ctx, g):
        r, _ = ctx.saved_tensors
        return g * r


def _refs(*objs):
    return [weakref.ref(o) for o in objs if o is not None]


def plain():
    x = torch.randn(3, dtype=D, requires_grad=True)
    y = (x * 2).exp()
    z = y.sum()
    refs = _refs(x, y, z, y.grad_fn, z.grad_fn, y.grad_fn.next_functions[0][0])
    z.backward()
    return refs + _refs(x.grad)


def not_run():
    x = torch.randn(3, dtype=D, requires_grad=True)
    y = (x * 2).exp().sum()
    return _refs(x, y, y.grad_fn)


def hooks_and_retain_grad():
    x = torch.randn(3, dtype=D, requires_grad=True)
    y = x * 2
    y.register_hook(lambda g: g * 2)
    y.grad_fn.register_hook(lambda gi, go: None)
    y.grad_fn.register_prehook(lambda go: None)
    x.register_hook(lambda g: g + 1)
    x.register_post_accumulate_grad_hook(lambda p: None)
    y.retain_grad()
    z = (y * y).sum()
    z.backward()
    return _refs(x, y, z, y.grad, x.grad, y.grad_fn)


def custom_function_saving_its_output():
    x = torch.randn(3, dtype=D, requires_grad=True)
    y = ExpSavingOutput.apply(x)
    refs = _refs(x, y, y.grad_fn, y.grad_fn.ctx)
    y.sum().backward()
    return refs


def custom_function_double_backward():
    x = torch.randn(3, dtype=D, requires_grad=True)
    y = ExpSavingOutput.apply(x)
    (g,) = torch.autograd.grad(y.sum(), x, create_graph=True)
    (gg,) = torch.autograd.grad(g.sum(), x)
    return _refs(x, y, g, gg, y.grad_fn, g.grad_fn)


def create_graph_double_backward():
    x = torch.randn(3, dtype=D, requires_grad=True)
    y = (x ** 3).sum() + (x.sin() * x).sum()
    (g,) = torch.autograd.grad(y, x, create_graph=True)
    h = (g * g).sum()
    h.backward()
    return _refs(x, y, g, h, g.grad_fn, h.grad_fn)


def retained_graph_never_run_again():
    x = torch.randn(3, dtype=D, requires_grad=True)
    y = (x.exp() * x).sum()
    y.backward(retain_graph=True)
    return _refs(x, y, y.grad_fn)


def in_place_and_views():
    x = torch.randn(2, 3, dtype=D, requires_grad=True)
    y = x * 2
    v = y[0]
    y.mul_(x)
    y[1] = x[0] * 3
    v.add_(1)
    w = y.t()
    y.exp_()
    z = (w * 1).sum() + v.sum()
    z.backward()
    return _refs(x, y, v, w, z, y.grad_fn)


def anomaly_mode():
    with torch.autograd.set_detect_anomaly(True):
        x = torch.randn(3, dtype=D, requires_grad=True)
        y = (x * 2).sum()
        y.backward()
    return _refs(x, y, y.grad_fn)


def grad_with_allow_unused():
    x = torch.randn(3, dtype=D, requires_grad=True)
    u = torch.randn(3, dtype=D, requires_grad=True)
    y = (x * x).sum()
    gx, gu = torch.autograd.grad(y, [x, u], allow_unused=True)
    assert gu is None
    return _refs(x, u, y, gx, y.grad_fn)


BUILDERS = [plain, not_run, hooks_and_retain_grad, custom_function_saving_its_output,
            custom_function_double_backward, create_graph_double_backward,
            retained_graph_never_run_again, in_place_and_views, anomaly_mode,
            grad_with_allow_unused]


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("build", BUILDERS, ids=[b.__name__ for b in BUILDERS])
def test_graphs_die_without_the_garbage_collector(build):
    with NoGC():
        alive = []
        for _ in range(1000):
            refs = build()
            assert len(refs) >= 3
            alive.extend(type(r()).__name__ for r in refs if r() is not None)
        assert alive == []


@pytest.mark.filterwarnings("ignore")
def test_backward_create_graph_cycle_is_broken_by_resetting_grad():
    # PyTorch warns that backward(create_graph=True) ties a parameter and its grad in a cycle;
    # setting .grad to None (as PyTorch recommends) breaks it
    with NoGC():
        x = torch.randn(3, dtype=D, requires_grad=True)
        (x * x).sum().backward(create_graph=True)
        refs = _refs(x, x.grad, x.grad.grad_fn)
        x.grad = None
        del x
        assert [r() for r in refs] == [None, None, None]


def test_a_user_hook_that_captures_its_tensor_is_collected_by_gc():
    # a cycle the user made (tensor -> node -> hook -> tensor): not freed by reference
    # counting, but the garbage collector can free it (everything in it is a Python object)
    with NoGC():
        x = torch.randn(3, dtype=D, requires_grad=True)

        def make_cycle():
            y = x * 2
            y.register_hook(lambda g: g * y.detach())
            return weakref.ref(y)

        ref = make_cycle()
        assert ref() is not None
    gc.collect()
    assert ref() is None


def test_training_loop_does_not_leak():
    """10,000 SGD steps of y = x @ w + b with an MSE loss: memory flat after warm-up."""
    torch.manual_seed(0)
    x = torch.randn(16, 4)
    target = x @ torch.tensor([[1.0], [-2.0], [0.5], [3.0]]) + 0.25
    w = torch.zeros(4, 1, requires_grad=True)
    b = torch.zeros(1, requires_grad=True)

    def step():
        nonlocal w, b
        loss = ((x @ w + b - target) ** 2).mean()
        loss.backward()
        with torch.no_grad():
            w -= 0.05 * w.grad
            b -= 0.05 * b.grad
        w.grad.zero_()
        b.grad.zero_()
        return loss

    for _ in range(200):
        step()
    tracemalloc.start()
    try:
        start, _ = tracemalloc.get_traced_memory()
        for _ in range(10_000):
            loss = step()
        end, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert end - start < 1_000_000, f"grew by {end - start} bytes"
    assert loss.item() < 1e-6  # it did train
    assert w.is_leaf and w._version > 10_000
