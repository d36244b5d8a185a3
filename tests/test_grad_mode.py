"""Grad modes: no_grad, enable_grad, set_grad_enabled, inference_mode; decorators; threads."""

import threading

import pytest

import chainrule as torch

x = torch.ones(2, requires_grad=True)


def records():
    return (x * 2).requires_grad


@pytest.fixture(autouse=True)
def grad_mode_is_restored():
    assert torch.is_grad_enabled()
    yield
    assert torch.is_grad_enabled(), "a test left grad mode disabled"
    torch.set_grad_enabled(True)


def test_no_grad_context():
    with torch.no_grad():
        assert not torch.is_grad_enabled()
        y = x * 2
    assert not y.requires_grad and y.grad_fn is None
    assert records()


def test_no_grad_restores_on_exception():
    with pytest.raises(ValueError), torch.no_grad():
        raise ValueError
    assert torch.is_grad_enabled()


def test_enable_grad_inside_no_grad():
    with torch.no_grad():
        with torch.enable_grad():
            assert records()
        assert not records()


def test_nested_set_grad_enabled():
    with torch.no_grad():
        with torch.set_grad_enabled(True):
            assert torch.is_grad_enabled()
        assert not torch.is_grad_enabled()
    with torch.set_grad_enabled(False):
        assert not records()
    assert records()


def test_set_grad_enabled_as_a_plain_call():
    torch.set_grad_enabled(False)
    try:
        assert not torch.is_grad_enabled() and not records()
    finally:
        torch.set_grad_enabled(True)
    assert records()


def test_context_managers_return_none_like_pytorch():
    with torch.no_grad() as a, torch.enable_grad() as b, torch.set_grad_enabled(True) as c:
        assert a is None and b is None and c is None


# each entry builds the decorator when called (set_grad_enabled acts as soon as it is built)
@pytest.mark.parametrize("make", [
    lambda: torch.no_grad(), lambda: torch.no_grad, lambda: torch.set_grad_enabled(False),
    lambda: torch.inference_mode(), lambda: torch.inference_mode,
    lambda: torch.autograd.no_grad(),
], ids=["no_grad()", "no_grad", "set_grad_enabled(False)", "inference_mode()",
        "inference_mode", "autograd.no_grad()"])
def test_disabling_decorators(make):
    decorator = make()

    @decorator
    def f(a, *, b=1):
        """doc"""
        return records(), torch.is_grad_enabled(), a + b

    assert torch.is_grad_enabled()  # decorating with set_grad_enabled(False) undid its effect
    assert f(1, b=2) == (False, False, 3)
    assert f.__name__ == "f" and f.__doc__ == "doc"
    assert torch.is_grad_enabled()


@pytest.mark.parametrize("make", [lambda: torch.enable_grad(), lambda: torch.enable_grad,
                                  lambda: torch.set_grad_enabled(True)],
                         ids=["enable_grad()", "enable_grad", "set_grad_enabled(True)"])
def test_enabling_decorators(make):
    with torch.no_grad():
        @make()
        def f():
            return records()

        assert not torch.is_grad_enabled()
        assert f() is True
        assert not torch.is_grad_enabled()


def test_decorated_function_called_many_times_and_recursively():
    @torch.no_grad()
    def depth(n):
        return torch.is_grad_enabled() if n == 0 else depth(n - 1)

    assert depth(5) is False and depth(0) is False
    assert torch.is_grad_enabled()


def test_decorated_generator_runs_each_step_under_the_mode():
    @torch.no_grad()
    def gen():
        yield torch.is_grad_enabled()
        yield records()

    g = gen()
    assert next(g) is False
    assert torch.is_grad_enabled()  # between steps the caller's mode applies
    assert next(g) is False
    with pytest.raises(StopIteration):
        next(g)


def test_inference_mode():
    with torch.inference_mode():
        assert torch.is_inference_mode_enabled() and not torch.is_grad_enabled()
        y = x * 2
    assert not y.requires_grad
    assert not torch.is_inference_mode_enabled()
    with torch.inference_mode(False):
        assert torch.is_grad_enabled() and not torch.is_inference_mode_enabled()


def test_no_grad_updates_a_parameter_in_place():
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    (w * w).sum().backward()
    with torch.no_grad():
        w -= 0.5 * w.grad
    assert w.tolist() == [0.0, 0.0] and w.is_leaf and w.requires_grad and w.grad_fn is None


def test_grad_mode_is_thread_local():
    seen = {}
    disabled = threading.Event()
    checked = threading.Event()

    def child_sees_default():
        seen["child_at_start"] = torch.is_grad_enabled()
        seen["child_records"] = records()

    def child_disables():
        torch.set_grad_enabled(False)
        disabled.set()
        checked.wait(5)
        seen["child_after"] = torch.is_grad_enabled()

    with torch.no_grad():
        t = threading.Thread(target=child_sees_default)
        t.start()
        t.join()
    assert seen == {"child_at_start": True, "child_records": True}

    t = threading.Thread(target=child_disables)
    t.start()
    disabled.wait(5)
    main_enabled = torch.is_grad_enabled()
    main_records = records()
    checked.set()
    t.join()
    assert main_enabled and main_records
    assert seen["child_after"] is False
