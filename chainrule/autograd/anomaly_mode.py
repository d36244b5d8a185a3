"""detect_anomaly: record where each op ran, and fail on the first NaN a backward rule returns."""

import functools
import os
import threading
import traceback
import warnings


class _State(threading.local):
    def __init__(self):
        self.enabled = False


state = _State()


_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


def forward_trace():
    """The user's stack at the op being recorded, without chainrule's own frames."""
    frames = [f for f in traceback.extract_stack()[:-1]
              if not os.path.abspath(f.filename).startswith(_PACKAGE_DIR)]
    return "".join(traceback.format_list(frames))


def is_anomaly_enabled():
    return state.enabled


class detect_anomaly:
    """Context manager (and decorator): name the forward op whose backward produced a NaN.

    >>> import chainrule as torch
    >>> x = torch.tensor([0.0], requires_grad=True)
    >>> with torch.autograd.set_detect_anomaly(True):  # detect_anomaly() also warns it is on
    ...     y = torch.sqrt(x) * 0
    ...     try:
    ...         y.sum().backward()
    ...     except RuntimeError as e:
    ...         print(str(e).splitlines()[0])
    Function 'SqrtBackward0' returned nan values in its 0th output.
    """

    def __init__(self, check_nan=True):
        self.check_nan = check_nan
        if type(self) is detect_anomaly:
            warnings.warn("Anomaly Detection has been enabled. This mode will increase the "
                          "runtime and should only be enabled for debugging.", stacklevel=2)

    def __enter__(self):
        self._prev = state.enabled
        state.enabled = self.check_nan
        return self

    def __exit__(self, *exc):
        state.enabled = self._prev
        return False

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with set_detect_anomaly(True, self.check_nan):
                return fn(*args, **kwargs)

        return wrapper


class set_detect_anomaly(detect_anomaly):
    """`set_detect_anomaly(mode)`: as detect_anomaly, with the mode given."""

    def __init__(self, mode, check_nan=True):
        super().__init__(bool(mode) and check_nan)
