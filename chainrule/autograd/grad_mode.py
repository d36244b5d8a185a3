"""Grad modes: whether ops record a graph. Thread-local, as in PyTorch.

Each mode works as a context manager and as a decorator (`@no_grad()`, and `@no_grad` without
parentheses as PyTorch allows); a decorated generator runs each of its steps under the mode.
`set_grad_enabled(False)` also acts at once as a plain call.

Invariant: `state.enabled` is read by every op (ops/_core.apply), so it is a plain attribute of
a `threading.local`: a thread never sees another thread's mode, and a new thread starts enabled.
"""

import functools
import inspect
import sys
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


def _wrap_generator(make_mode, gen_fn):
    """Run every step of the generator `gen_fn` returns under a fresh mode (as PyTorch does)."""

    @functools.wraps(gen_fn)
    def wrapper(*args, **kwargs):
        gen = gen_fn(*args, **kwargs)
        try:
            with make_mode():
                response = gen.send(None)
            while True:
                try:
                    request = yield response
                except GeneratorExit:
                    with make_mode():
                        gen.close()
                    raise
                except BaseException:  # noqa: BLE001 - forwarded into the generator
                    with make_mode():
                        response = gen.throw(*sys.exc_info())
                else:
                    with make_mode():
                        response = gen.send(request)
        except StopIteration as e:
            return e.value

    return wrapper


class _Mode:
    """Base of the grad modes: a context manager that is also a decorator.

    Subclasses set `_enter_value` (the grad mode inside) or override `__enter__`/`__exit__`.
    """

    _enter_value = True

    def __enter__(self):
        self._prev = state.enabled
        state.enabled = self._enter_value

    def __exit__(self, *exc):
        state.enabled = self._prev
        return False

    def __call__(self, fn):
        make_mode = self.clone
        if inspect.isgeneratorfunction(fn):
            return _wrap_generator(make_mode, fn)

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with make_mode():
                return fn(*args, **kwargs)

        return wrapper

    def clone(self):
        return self.__class__()


class _NoParamMode(_Mode):
    """A mode that may decorate without parentheses: `@no_grad` is `@no_grad()`."""

    def __new__(cls, orig_func=None):
        if orig_func is None:
            return super().__new__(cls)
        return cls()(orig_func)


class no_grad(_NoParamMode):
    """Disable recording: results of ops do not require grad.

    >>> import chainrule as torch
    >>> x = torch.ones(2, requires_grad=True)
    >>> with torch.no_grad():
    ...     y = x * 2
    >>> y.requires_grad
    False
    """

    _enter_value = False


class enable_grad(_NoParamMode):
    """Enable recording inside a `no_grad` block."""

    _enter_value = True


class set_grad_enabled(_Mode):
    """Set recording on or off: acts at once as a plain call, and as a context manager.

    >>> import chainrule as torch
    >>> x = torch.ones(1, requires_grad=True)
    >>> with torch.set_grad_enabled(False):
    ...     (x * 2).requires_grad
    False
    """

    def __init__(self, mode):
        self._prev = state.enabled
        self.mode = bool(mode)
        state.enabled = self.mode

    def __enter__(self):
        state.enabled = self.mode

    def __call__(self, fn):
        # used as a decorator, the mode applies to calls only: undo the immediate effect
        state.enabled = self._prev
        return super().__call__(fn)

    def clone(self):
        return self.__class__(self.mode)

    def __repr__(self):
        return f"torch.autograd.grad_mode.set_grad_enabled(mode={self.mode})"


class inference_mode(_Mode):
    """Like `no_grad`, for code that will never need gradients (`inference_mode(False)` is a no-op).

    Unlike PyTorch, tensors made in inference mode are ordinary tensors (no "inference tensor"
    restrictions).
    """

    def __new__(cls, mode=True):
        if isinstance(mode, bool):
            return super().__new__(cls)
        return cls()(mode)

    def __init__(self, mode=True):
        self.mode = mode

    def __enter__(self):
        self._prev = state.enabled
        self._prev_inf = state.inference
        if self.mode:
            state.enabled = False
            state.inference = True

    def __exit__(self, *exc):
        state.enabled = self._prev
        state.inference = self._prev_inf
        return False

    def clone(self):
        return self.__class__(self.mode)
