"""NumPy's ufuncs and array functions on tensors run chainrule's ops and stay differentiable."""

import numpy as np
import pytest

import chainrule as cr
from chainrule.autograd import gradcheck


def t64(a, rg=True):
    return cr.tensor(np.asarray(a, dtype=np.float64), requires_grad=rg)


def test_ufuncs_dispatch_and_record():
    x = t64([0.5, 1.5])
    y = np.exp(x) * np.sin(x) + np.sqrt(x) / np.float64(2.0)
    assert isinstance(y, cr.Tensor) and y.grad_fn is not None
    y.sum().backward()
    xn = x.detach().numpy()
    expected = np.exp(xn) * (np.sin(xn) + np.cos(xn)) + 0.25 / np.sqrt(xn)
    np.testing.assert_allclose(x.grad.numpy(), expected, rtol=1e-14)


def test_array_functions_dispatch():
    x, u = t64([[1.0, 2.0], [3.0, 4.0]]), t64([[5.0, 6.0]])
    s = np.sum(x, axis=0)
    assert isinstance(s, cr.Tensor) and s.tolist() == [4.0, 6.0]
    c = np.concatenate([x, u])
    assert c.shape == (3, 2) and c.grad_fn is not None
    assert np.mean(x).item() == 2.5
    assert np.transpose(x).tolist() == [[1.0, 3.0], [2.0, 4.0]]
    assert np.reshape(x, (4,)).shape == (4,)
    assert np.dot(np.ones(2), x).tolist() == [4.0, 6.0]
    np.testing.assert_allclose(np.var(x, axis=1, ddof=1).detach().numpy(), [0.5, 0.5])


@pytest.mark.parametrize("fn", [
    lambda a: np.sum(np.tanh(a) ** 2, axis=1),
    lambda a: np.max(np.abs(a), axis=0),
    lambda a: np.concatenate([a, a * 2], axis=1).prod(),
    lambda a: np.matmul(a, np.transpose(a)),
    lambda a: np.where(a > 0, a, np.exp(a)),
])
def test_numpy_code_passes_gradcheck(fn):
    a = t64(np.random.default_rng(0).uniform(-2, 2, (2, 3)))
    assert gradcheck(fn, (a,))


def test_an_unsupported_function_sees_arrays_and_refuses_tensors_that_require_grad():
    assert np.allclose(t64([1.0], rg=False), [1.0])  # no chainrule counterpart: plain arrays
    with pytest.raises(RuntimeError, match="requires grad"):
        np.allclose(t64([1.0]), [1.0])


def test_out_argument_is_refused():
    with pytest.raises(TypeError):
        np.exp(t64([1.0], rg=False), out=np.empty(1))
