"""chainrule.func: grad, vjp, jvp, jacrev, jacfwd, hessian, linearize, functional_call, and their
compositions with vmap (per-sample gradients); the errors of issue 3."""

import numpy as np
import pytest

import chainrule as cr
from chainrule import nn
from chainrule.func import (
    functional_call,
    grad,
    grad_and_value,
    hessian,
    jacfwd,
    jacrev,
    jvp,
    linearize,
    vjp,
    vmap,
)

RNG = np.random.default_rng(7)


def rand(*shape):
    return cr.from_numpy(RNG.standard_normal(shape))


# --- test functions: broadcasting, reductions, matmul, pytrees ------------------------------------

A = rand(3, 4)
B = rand(4)

FUNCS = {
    "elementwise": lambda x: cr.sin(x) * x + 1 / (1 + x * x),
    "broadcast": lambda x: (x.reshape(4, 1) * B + B.reshape(1, 4)).tanh(),
    "reduction": lambda x: cr.stack([x.sum(), (x * x).mean(), cr.logsumexp(x, 0)]),
    "matmul": lambda x: cr.matmul(A, x.exp()) + x[:3] ** 2,
    "softmax": lambda x: cr.softmax(x * 2, dim=0),
}


@pytest.mark.parametrize("name", FUNCS)
def test_jacfwd_equals_jacrev(name):
    f = FUNCS[name]
    x = rand(4)
    jf, jr = jacfwd(f)(x), jacrev(f)(x)
    assert jf.shape == jr.shape
    np.testing.assert_allclose(jf.numpy(), jr.numpy(), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", FUNCS)
def test_jacrev_equals_central_differences(name):
    f = FUNCS[name]
    x = rand(4)
    j = jacrev(f)(x).numpy().reshape(-1, 4)
    eps = 1e-6
    for k in range(4):
        e = np.zeros(4)
        e[k] = eps
        num = (f(cr.from_numpy(x.numpy() + e)).numpy() - f(cr.from_numpy(x.numpy() - e)).numpy())
        np.testing.assert_allclose(j[:, k], num.ravel() / (2 * eps), rtol=1e-6, atol=1e-8)


def test_hessian_of_a_quadratic_form_is_a_plus_a_transpose_exactly():
    a = rand(5, 5)
    x = rand(5)
    h = hessian(lambda x: x @ a @ x)(x)
    assert np.array_equal(h.numpy(), (a + a.T).numpy())


def test_hessian_matches_jacrev_of_jacrev():
    f = lambda x: (cr.sin(x) * x.sum()).sum()  # noqa: E731
    x = rand(3)
    np.testing.assert_allclose(hessian(f)(x).numpy(), jacrev(jacrev(f))(x).numpy(), rtol=1e-12)


def test_grad_and_nested_grad():
    x = cr.tensor(0.5, dtype=cr.float64)
    assert grad(cr.sin)(x).item() == pytest.approx(np.cos(0.5), rel=1e-15)
    assert grad(grad(cr.sin))(x).item() == pytest.approx(-np.sin(0.5), rel=1e-15)
    assert grad(grad(grad(cr.sin)))(x).item() == pytest.approx(-np.cos(0.5), rel=1e-15)


def test_grad_argnums_pytrees_and_aux():
    def loss(params, x):
        return ((params["w"] * x).sum() + params["b"]) ** 2, "aux"

    params = {"w": rand(3), "b": cr.tensor(0.5, dtype=cr.float64)}
    x = rand(3)
    g, aux = grad(loss, has_aux=True)(params, x)
    assert aux == "aux" and set(g) == {"w", "b"}
    s = (params["w"] * x).sum() + params["b"]
    np.testing.assert_allclose(g["w"].numpy(), (2 * s * x).numpy(), rtol=1e-14)
    gx = grad(lambda p, x: loss(p, x)[0], argnums=1)(params, x)
    np.testing.assert_allclose(gx.numpy(), (2 * s * params["w"]).numpy(), rtol=1e-14)
    gs = grad(lambda p, x: loss(p, x)[0], argnums=(0, 1))(params, x)
    assert isinstance(gs, tuple) and len(gs) == 2
    (g2, value) = grad_and_value(lambda p, x: loss(p, x)[0])(params, x)
    assert value.item() == pytest.approx((s ** 2).item())


def test_grad_does_not_leave_a_graph_or_touch_dot_grad():
    w = rand(3).requires_grad_()
    g = grad(lambda w: (w * w).sum())(w)
    assert w.grad is None
    np.testing.assert_allclose(g.detach().numpy(), 2 * w.detach().numpy())


def test_grad_of_non_scalar_output_names_the_shape_and_suggests_sum():
    with pytest.raises(RuntimeError, match=r"shape \[3\].*\.sum\(\)"):
        grad(lambda x: x * 2)(rand(3))


def test_grad_with_respect_to_an_integer_input_raises():
    with pytest.raises(RuntimeError, match="floating point.*int64"):
        grad(lambda x: x.sum())(cr.tensor([1, 2, 3]))


def test_vjp_and_jvp_agree_through_the_transpose_identity():
    f = FUNCS["matmul"]
    x, v = rand(4), rand(4)
    out, fn = vjp(f, x)
    u = rand(*out.shape)
    (vjp_u,) = fn(u)
    _, jv = jvp(f, (x,), (v,))
    lhs = float((u * jv).sum())
    rhs = float((vjp_u * v).sum())
    assert abs(lhs - rhs) <= 1e-12 * (1 + abs(lhs))


def test_jvp_checks_its_inputs():
    with pytest.raises(RuntimeError, match="shape"):
        jvp(cr.sin, (rand(3),), (rand(4),))
    with pytest.raises(RuntimeError, match="tuples"):
        jvp(cr.sin, rand(3), rand(3))


def test_linearize_gives_the_jvp_at_the_point():
    x, v = rand(3), rand(3)
    out, fn = linearize(cr.sin, x)
    np.testing.assert_allclose(out.numpy(), np.sin(x.numpy()))
    np.testing.assert_allclose(fn(v).numpy(), (np.cos(x.numpy()) * v.numpy()), rtol=1e-15)


def test_functional_call_replaces_and_restores_parameters():
    lin = nn.Linear(2, 1)
    old = lin.weight
    params = {"weight": cr.ones(1, 2), "bias": cr.zeros(1)}
    out = functional_call(lin, params, (cr.tensor([[1.0, 2.0]]),))
    assert out.tolist() == [[3.0]]
    assert lin.weight is old


# --- per-sample gradients ------------------------------------------------------------------------


def _mlp_loss(params, x, y):
    h = cr.tanh(x @ params["w1"] + params["b1"])
    logits = h @ params["w2"] + params["b2"]
    return nn.functional.cross_entropy(logits.unsqueeze(0), y.unsqueeze(0))


def test_per_sample_gradients_of_an_mlp_equal_one_sample_at_a_time():
    params = {"w1": rand(5, 8) * 0.5, "b1": rand(8) * 0.1, "w2": rand(8, 3) * 0.5,
              "b2": rand(3) * 0.1}
    xs = rand(6, 5)
    ys = cr.tensor([0, 2, 1, 1, 0, 2])
    batched = vmap(grad(_mlp_loss), in_dims=(None, 0, 0))(params, xs, ys)
    for i in range(6):
        one = grad(_mlp_loss)(params, xs[i], ys[i])
        for k in params:
            np.testing.assert_allclose(batched[k][i].numpy(), one[k].numpy(), rtol=1e-12,
                                       atol=1e-14)


def test_vmap_of_jacrev_gives_per_sample_jacobians():
    xs = rand(4, 3)
    f = lambda x: cr.sin(x) * x.sum()  # noqa: E731
    batched = vmap(jacrev(f))(xs)
    for i in range(4):
        np.testing.assert_allclose(batched[i].numpy(), jacrev(f)(xs[i]).numpy(), rtol=1e-13)


def test_vmap_of_jvp():
    xs, vs = rand(4, 3), rand(4, 3)
    out, tan = vmap(lambda x, v: jvp(cr.tanh, (x,), (v,)))(xs, vs)
    np.testing.assert_allclose(tan.numpy(), (1 - np.tanh(xs.numpy()) ** 2) * vs.numpy(),
                               rtol=1e-14)
