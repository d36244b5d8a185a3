"""chainrule.autograd.functional: results and their nesting conventions (tuples over outputs and
inputs) as in PyTorch; the expected values were printed by torch 2.13."""

import numpy as np
import pytest

import chainrule as cr
from chainrule.autograd.functional import hessian, hvp, jacobian, jvp, vhp, vjp

X = cr.tensor([1.0, 2.0], dtype=cr.float64)
Y = cr.tensor([0.5, -1.0, 3.0], dtype=cr.float64)


def f1(x):
    return cr.sin(x) * x


def f2(x, y):
    return x.sum() * y, x * 2


def shapes(r):
    if isinstance(r, tuple):
        return tuple(shapes(a) for a in r)
    return tuple(r.shape)


def test_result_structures_match_pytorch():
    assert shapes(jacobian(f1, X)) == (2, 2)
    assert shapes(jacobian(f1, (X,))) == ((2, 2),)
    assert shapes(jacobian(f2, (X, Y))) == (((3, 2), (3, 3)), ((2, 2), (2, 3)))
    assert shapes(hessian(lambda x: (x ** 3).sum(), X)) == (2, 2)
    assert shapes(hessian(lambda x, y: (x.sum() * y).sum(), (X, Y))) == \
        (((2, 2), (2, 3)), ((3, 2), (3, 3)))
    ones2, ones3 = cr.ones(2, dtype=cr.float64), cr.ones(3, dtype=cr.float64)
    assert shapes(vjp(f1, X, ones2)) == ((2,), (2,))
    assert shapes(jvp(f2, (X, Y), (ones2, ones3))) == (((3,), (2,)), ((3,), (2,)))
    assert shapes(hvp(lambda x: (x ** 3).sum(), X, ones2)) == ((), (2,))


def test_values_match_pytorch():
    j = jacobian(f2, (X, Y))
    np.testing.assert_array_equal(j[0][0].numpy(), [[0.5, 0.5], [-1, -1], [3, 3]])
    np.testing.assert_array_equal(j[0][1].numpy(), 3 * np.eye(3))
    np.testing.assert_array_equal(j[1][0].numpy(), 2 * np.eye(2))
    np.testing.assert_array_equal(j[1][1].numpy(), np.zeros((2, 3)))
    h = hessian(lambda x, y: (x.sum() * y * y).sum(), (X, Y))
    np.testing.assert_array_equal(h[0][0].numpy(), np.zeros((2, 2)))
    np.testing.assert_array_equal(h[0][1].numpy(), [[1, -2, 6], [1, -2, 6]])
    np.testing.assert_array_equal(h[1][0].numpy(), [[1, 1], [-2, -2], [6, 6]])
    np.testing.assert_array_equal(h[1][1].numpy(), 6 * np.eye(3))


def test_vector_products_agree_with_the_full_matrices():
    f = lambda x: (cr.sin(x) * x.sum()).sum()  # noqa: E731
    v = cr.tensor([0.3, -2.0], dtype=cr.float64)
    H = hessian(f, X).numpy()
    np.testing.assert_allclose(hvp(f, X, v)[1].numpy(), H @ v.numpy(), rtol=1e-13)
    np.testing.assert_allclose(vhp(f, X, v)[1].numpy(), v.numpy() @ H, rtol=1e-13)
    J = jacobian(f1, X).numpy()
    np.testing.assert_allclose(jvp(f1, X, v)[1].numpy(), J @ v.numpy(), rtol=1e-14)
    np.testing.assert_allclose(vjp(f1, X, v)[1].numpy(), v.numpy() @ J, rtol=1e-14)
    Jf = jacobian(f1, X, vectorize=True, strategy="forward-mode").numpy()
    np.testing.assert_allclose(Jf, J, rtol=1e-14)


def test_create_graph_allows_differentiating_the_result():
    x = X.clone().requires_grad_()
    j = jacobian(lambda t: t ** 3, x, create_graph=True)
    assert j.requires_grad
    j.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 6 * X.numpy())
    assert not jacobian(lambda t: t ** 3, x).requires_grad


def test_independent_outputs_are_zero_or_an_error_in_strict_mode():
    np.testing.assert_array_equal(jacobian(lambda x: Y * 2, X).numpy(), np.zeros((3, 2)))
    with pytest.raises(RuntimeError, match="independent of input 0.*strict"):
        jacobian(lambda x: Y * 2, X, strict=True)


def test_errors():
    with pytest.raises(RuntimeError, match="v can only be None"):
        vjp(f1, X)
    with pytest.raises(NotImplementedError, match="vectorize=True"):
        jacobian(f1, X, strategy="forward-mode")
    with pytest.raises(TypeError, match="Tensor or a tuple of Tensors"):
        jacobian(f1, [X])
    with pytest.raises(ValueError, match="forward-mode"):
        jacobian(f1, X, strategy="sideways")
    with pytest.raises(RuntimeError, match="single element"):
        hessian(f1, X)
