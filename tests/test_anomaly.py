"""detect_anomaly: the first NaN in backward names the forward op and the user's source line."""

import warnings

import pytest

import chainrule as torch

D = torch.float64
pytestmark = pytest.mark.filterwarnings("ignore:Anomaly Detection has been enabled")


def leaf(values):
    return torch.tensor(values, dtype=D, requires_grad=True)


def test_names_the_forward_op_and_the_source_line():
    x = leaf([0.0, 1.0])
    with torch.autograd.detect_anomaly():
        y = x.sqrt()  # MARK-SQRT
        z = (y * 0).sum()
        with pytest.raises(RuntimeError) as info:
            z.backward()
    message = str(info.value)
    assert message.startswith("Function 'SqrtBackward0' returned nan values in its 0th output.")
    assert "test_anomaly.py" in message and "MARK-SQRT" in message
    assert "chainrule/ops" not in message and "chainrule/autograd" not in message  # user frames
    assert x.grad is None


def test_the_node_that_first_returns_nan_is_named_not_an_earlier_op():
    x = leaf([0.0, 1.0])
    with torch.autograd.detect_anomaly():
        a = x.sqrt()  # MARK-OUTER: would give nan too, but backward reaches it later
        b = a.sqrt()  # MARK-INNER
        z = (b * 0).sum()
        with pytest.raises(RuntimeError, match="SqrtBackward0") as info:
            z.backward()
    assert "MARK-INNER" in str(info.value) and "MARK-OUTER" not in str(info.value)


def test_nan_produced_by_a_multiplication():
    x = leaf([1.0])
    with torch.autograd.set_detect_anomaly(True):
        a = x * float("nan")
        with pytest.raises(RuntimeError, match="MulBackward0"):
            a.sum().backward()


def test_nan_in_a_custom_function_backward():
    class Bad(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g * float("nan")

    x = leaf([1.0])
    with torch.autograd.detect_anomaly():
        y = Bad.apply(x)  # MARK-BAD
        with pytest.raises(RuntimeError, match="BadBackward") as info:
            y.sum().backward()
    assert "MARK-BAD" in str(info.value)


def test_without_anomaly_mode_nan_propagates_silently_and_without_warnings():
    x = leaf([0.0, 1.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no NumPy RuntimeWarning from the backward either
        (x.sqrt() * 0).sum().backward()
    assert x.grad.isnan().tolist() == [True, False]


def test_anomaly_mode_is_scoped_and_usable_as_decorator():
    assert not torch.autograd.is_anomaly_enabled()

    @torch.autograd.detect_anomaly()
    def f():
        return torch.autograd.is_anomaly_enabled()

    assert f() is True
    with torch.autograd.detect_anomaly():
        assert torch.autograd.is_anomaly_enabled()
        with torch.autograd.set_detect_anomaly(False):
            assert not torch.autograd.is_anomaly_enabled()
    assert not torch.autograd.is_anomaly_enabled()


def test_nodes_recorded_outside_anomaly_mode_are_checked_without_a_trace():
    # as in PyTorch: the check runs when anomaly mode is on during backward
    x = leaf([0.0])
    y = x.sqrt()
    with torch.autograd.detect_anomaly():
        z = (y * 0).sum()
        with pytest.raises(RuntimeError, match="No forward pass information available"):
            z.backward()


def test_enabling_warns_like_pytorch():
    with pytest.warns(UserWarning, match="Anomaly Detection has been enabled"):
        torch.autograd.detect_anomaly()
