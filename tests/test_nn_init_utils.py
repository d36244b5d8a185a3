"""chainrule.nn.init (bounds, moments, gains, determinism) and chainrule.nn.utils (gradient
clipping and parameter vectors, values from PyTorch 2.13)."""

import math
import warnings

import numpy as np
import pytest

import chainrule as torch
from chainrule import nn
from chainrule.nn import init


def test_calculate_gain_table():
    assert [init.calculate_gain(n) for n in ["linear", "conv2d", "sigmoid", "tanh", "relu",
                                             "leaky_relu", "selu"]] == [
        1, 1, 1, 5.0 / 3, math.sqrt(2.0), math.sqrt(2.0 / (1 + 0.01 ** 2)), 0.75]
    assert init.calculate_gain("leaky_relu", 0.2) == math.sqrt(2.0 / 1.04)
    with pytest.raises(ValueError, match="Unsupported nonlinearity foo"):
        init.calculate_gain("foo")
    with pytest.raises(ValueError, match="negative_slope a not a valid number"):
        init.calculate_gain("leaky_relu", "a")


def test_fans():
    assert init._calculate_fan_in_and_fan_out(torch.zeros(4, 3, 2, 5)) == (30, 40)
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        init.xavier_uniform_(torch.zeros(3))


def _stats(fill, shape=(300, 200)):
    torch.manual_seed(0)
    t = torch.empty(*shape)
    out = fill(t)
    assert out is t  # in place, returns the tensor
    return t.numpy().astype(np.float64)


def test_uniform_and_normal_moments():
    u = _stats(lambda t: init.uniform_(t, -2.0, 3.0))
    assert u.min() >= -2 and u.max() < 3 and abs(u.mean() - 0.5) < 0.03
    n = _stats(lambda t: init.normal_(t, 1.0, 2.0))
    assert abs(n.mean() - 1) < 0.03 and abs(n.std() - 2) < 0.03


def test_xavier_and_kaiming_scales():
    fan_in, fan_out = 200, 300
    a = math.sqrt(6 / (fan_in + fan_out))
    xu = _stats(lambda t: init.xavier_uniform_(t))
    assert np.abs(xu).max() <= a and abs(xu.std() - a / math.sqrt(3)) < 0.01 * a
    xn = _stats(lambda t: init.xavier_normal_(t, gain=2.0))
    assert abs(xn.std() - 2 * math.sqrt(2 / (fan_in + fan_out))) < 0.003
    ku = _stats(lambda t: init.kaiming_uniform_(t, nonlinearity="relu"))
    bound = math.sqrt(2) * math.sqrt(3 / fan_in)
    assert np.abs(ku).max() <= bound and abs(ku.std() - bound / math.sqrt(3)) < 0.01 * bound
    kn = _stats(lambda t: init.kaiming_normal_(t, mode="fan_out", nonlinearity="relu"))
    assert abs(kn.std() - math.sqrt(2 / fan_out)) < 0.002
    with pytest.raises(ValueError, match="Mode fan_avg not supported"):
        init.kaiming_uniform_(torch.zeros(3, 2), mode="fan_avg")
    with pytest.warns(UserWarning, match="zero-element"):
        init.kaiming_uniform_(torch.zeros(0, 3))


def test_trunc_normal_bounds():
    t = _stats(lambda t: init.trunc_normal_(t, mean=0.5, std=1.0, a=-0.5, b=1.0))
    assert t.min() >= -0.5 and t.max() <= 1.0 and t.std() < 0.45
    narrow = _stats(lambda t: init.trunc_normal_(t, std=0.02), shape=(50, 50))
    assert np.abs(narrow).max() <= 2.0 and abs(narrow.std() - 0.02) < 0.002


def test_constant_zeros_ones_eye_dirac():
    t = torch.empty(2, 3)
    assert init.constant_(t, 0.25).tolist() == [[0.25] * 3] * 2
    assert init.zeros_(t).tolist() == [[0.0] * 3] * 2
    assert init.ones_(t).tolist() == [[1.0] * 3] * 2
    assert init.eye_(t).tolist() == [[1, 0, 0], [0, 1, 0]]
    d = init.dirac_(torch.empty(2, 2, 3))
    assert d.numpy()[:, :, 1].tolist() == [[1, 0], [0, 1]] and d.sum().item() == 2
    with pytest.raises(ValueError, match="Only tensors with 2 dimensions"):
        init.eye_(torch.zeros(3, 2, 1))


def test_orthogonal():
    for shape in [(5, 3), (3, 5), (4, 2, 3)]:
        q = _stats(lambda t: init.orthogonal_(t, gain=2.0), shape=shape).reshape(shape[0], -1)
        small = q @ q.T if shape[0] <= q.shape[1] else q.T @ q
        np.testing.assert_allclose(small, 4 * np.eye(small.shape[0]), atol=1e-5)
    with pytest.raises(ValueError, match="2 or more dimensions"):
        init.orthogonal_(torch.zeros(3))


def test_init_keeps_parameter_and_records_nothing():
    lin = nn.Linear(3, 2)
    w = lin.weight
    version = w._version
    init.xavier_uniform_(lin.weight)
    assert lin.weight is w and w.requires_grad and w.is_leaf and w.grad_fn is None
    assert w._version > version
    assert init.normal_(lin.weight).dtype == torch.float32


def test_init_is_reproducible_with_manual_seed_and_generator():
    torch.manual_seed(7)
    a = init.normal_(torch.empty(4)).tolist()
    torch.manual_seed(7)
    assert init.normal_(torch.empty(4)).tolist() == a
    g1, g2 = np.random.default_rng(3), np.random.default_rng(3)
    assert init.uniform_(torch.empty(4), generator=g1).tolist() == \
        init.uniform_(torch.empty(4), generator=g2).tolist()


# --- nn.utils ---------------------------------------------------------------------------------


def _params():
    ps = [nn.Parameter(torch.tensor([[1.0, -2.0], [3.0, 4.0]], dtype=torch.float64)),
          nn.Parameter(torch.tensor([0.5, -7.0], dtype=torch.float64))]
    for p in ps:
        p.grad = p.detach() * 1.0
    return ps


def test_clip_grad_norm_matches_pytorch():
    ps = _params()
    total = nn.utils.clip_grad_norm_(ps, 2.0)
    assert total.item() == pytest.approx(8.902246907382429, rel=1e-14)
    np.testing.assert_allclose(ps[0].grad.numpy(), [[0.22466235728410194, -0.4493247145682039],
                                                    [0.6739870718523058, 0.8986494291364078]],
                               rtol=1e-12)
    total = nn.utils.clip_grad_norm_(ps, 0.5, norm_type=float("inf"))
    assert total.item() == pytest.approx(1.5726365009887135, rel=1e-12)
    total = nn.utils.clip_grad_norm_(ps, 0.5, norm_type=1.0)
    assert total.item() == pytest.approx(1.2499992051569424, rel=1e-12)
    assert nn.utils.clip_grad_norm_(_params(), 100.0).item() == pytest.approx(8.902246907382429)


def test_clip_grad_norm_leaves_small_gradients_and_errors_on_nonfinite():
    ps = _params()
    nn.utils.clip_grad_norm_(ps, 100.0)
    assert ps[1].grad.tolist() == [0.5, -7.0]
    ps[1].grad = torch.tensor([float("nan"), 1.0], dtype=torch.float64)
    with pytest.raises(RuntimeError, match="non-finite"):
        nn.utils.clip_grad_norm_(ps, 1.0, error_if_nonfinite=True)
    assert nn.utils.clip_grad_norm_([nn.Parameter(torch.zeros(2))], 1.0).item() == 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(UserWarning, match="empty generator"):
            nn.utils.clip_grad_norm_((p for p in []), 1.0)


def test_clip_grad_value():
    ps = _params()
    assert nn.utils.clip_grad_value_(ps, 2.5) is None
    assert ps[0].grad.tolist() == [[1.0, -2.0], [2.5, 2.5]]
    assert ps[1].grad.tolist() == [0.5, -2.5]


def test_parameters_to_vector_and_back():
    ps = _params()
    v = nn.utils.parameters_to_vector(ps)
    assert v.tolist() == [1.0, -2.0, 3.0, 4.0, 0.5, -7.0]
    v.sum().backward()  # differentiable, like PyTorch's
    assert ps[1].grad.tolist() == [1.5, -6.0]
    objects = [id(p) for p in ps]
    nn.utils.vector_to_parameters(v.detach() * 2, ps)
    assert [id(p) for p in ps] == objects
    assert ps[0].tolist() == [[2.0, -4.0], [6.0, 8.0]] and ps[1].tolist() == [1.0, -14.0]
    with pytest.raises(TypeError, match="expected torch.Tensor, but got: list"):
        nn.utils.vector_to_parameters([1, 2], ps)
    with pytest.raises(RuntimeError, match="expected a 1-d vector of 6 elements"):
        nn.utils.vector_to_parameters(torch.zeros(5), ps)
