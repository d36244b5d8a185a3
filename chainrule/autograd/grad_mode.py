"""Grad modes: whether ops record a graph. Thread-local, as in PyTorch.

Each class works as a context manager and as a decorator; `set_grad_enabled(False)` also works
as a plain call.
"""

import functools
import threading


class _State(threading.local):
    def __init__(self):
        self.enabled = True
        self.inference = False


state = _State()


def is_grad_enabled():
    """True when operations on tensors that require grad are recorded."""
    return state.enabled


def is_inference_mode_enabled():
    return state.inference


class _Mode:
    """Base of the grad-mode context managers; subclasses set `_enter_value`."""

    _enter_value = True

    def __enter__(self):
        self._prev = state.enabled
        state.enabled = self._enter_value
        return self

    def __exit__(self, *exc):
        state.enabled = self._prev
        return False

    def __call__(self, fn):
        mode = self

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with mode.clone():
                return fn(*args, **kwargs)

        return wrapper

    def clone(self):
        return self.__class__()


class no_grad(_Mode):
    """Disable recording: results of ops do not require grad.

    >>> import chainrule as torch
    >>> x = torch.ones(2, requires_grad=True)
    >>> with torch.no_grad():
    ...     y = x * 2
    >>> y.requires_grad
    False
    """

    _enter_value = False


class enable_grad(_Mode):
    """Enable recording inside a `no_grad` block."""

    _enter_value = True


class set_grad_enabled(_Mode):
    """Set recording on or off: `set_grad_enabled(False)` acts at once and as a context manager."""

    def __init__(self, mode):
        self._prev = state.enabled
        self._enter_value = bool(mode)
        state.enabled = self._enter_value

    def __enter__(self):
        return self

    def clone(self):
        return _SetOnEnter(self._enter_value)


class _SetOnEnter(_Mode):
    def __init__(self, mode):
        self._enter_value = mode


class inference_mode(_Mode):
    """Like `no_grad`, for code that will never need gradients (`inference_mode(False)` is a no-op)."""

    def __init__(self, mode=True):
        self.mode = bool(mode)

    def __enter__(self):
        self._prev = state.enabled
        self._prev_inf = state.inference
        if self.mode:
            state.enabled = False
            state.inference = True
        return self

    def __exit__(self, *exc):
        state.enabled = self._prev
        state.inference = self._prev_inf
        return False

    def clone(self):
        return self.__class__(self.mode)
