"""chainrule.optim optimizers: 100-step replays against PyTorch 2.13 (to 1e-10, float64), state
dict round trips, param groups, in-place updates without a graph, and bad input."""

import pathlib
import warnings

import numpy as np
import pytest
from optim_cases import CHECKPOINTS, CONFIGS, gradients, initial_params, make_optimizer, replay

import chainrule as torch
from chainrule import nn, optim

_REF = np.load(pathlib.Path(__file__).parent / "fixtures" / "optim_torch_reference.npz")
REFERENCE = dict(zip(_REF["names"].tolist(), _REF["values"]))


def _flat(params):
    return np.concatenate([p.ravel() for p in params])


@pytest.mark.parametrize("name", list(CONFIGS))
def test_replay_matches_pytorch(name):
    expected = REFERENCE[name]
    worst = []

    def check(step, params):
        got = _flat(params)
        np.testing.assert_allclose(got, expected[CHECKPOINTS.index(step)], rtol=0, atol=1e-10,
                                   err_msg=f"{name} after step {step}")
        worst.append(np.abs(got - expected[CHECKPOINTS.index(step)]).max())

    replay(torch, optim, name, check)
    assert len(worst) == len(CHECKPOINTS)


def test_replay_check_is_sensitive():
    """A 0.1% change of one hyper-parameter must be caught (the fixture is not vacuous)."""
    cls, kwargs = CONFIGS["adam"]
    CONFIGS["adam_perturbed"] = (cls, dict(kwargs, eps=kwargs.get("eps", 1e-8) * 1.001,
                                           lr=kwargs["lr"] * 1.001))
    try:
        final = []
        replay(torch, optim, "adam_perturbed", lambda step, ps: final.append(_flat(ps)))
    finally:
        del CONFIGS["adam_perturbed"]
    assert np.abs(final[-1] - REFERENCE["adam"][-1]).max() > 1e-6


def _run(opt, params, steps, start=1):
    for step in range(start, start + steps):
        for p, g in zip(params, gradients([p.detach().numpy() for p in params], step)):
            p.grad = torch.tensor(g, dtype=torch.float64)
        opt.step()


@pytest.mark.parametrize("name", ["sgd_nesterov", "adam_amsgrad", "adamw", "rmsprop_all",
                                  "adagrad_decay", "adam_two_groups"])
def test_state_dict_round_trip_resumes_exactly(name):
    params = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in initial_params()]
    opt = make_optimizer(optim, params, name)
    _run(opt, params, 50)
    saved = opt.state_dict()
    clones = [torch.tensor(p.detach().numpy(), dtype=torch.float64, requires_grad=True)
              for p in params]
    fresh = make_optimizer(optim, clones, name)
    fresh.load_state_dict(saved)
    assert fresh.state_dict()["param_groups"] == saved["param_groups"]
    _run(opt, params, 50, start=51)
    _run(fresh, clones, 50, start=51)
    for a, b in zip(params, clones):
        assert np.array_equal(a.detach().numpy(), b.detach().numpy())
    np.testing.assert_allclose(_flat([p.detach().numpy() for p in clones]),
                               REFERENCE[name][-1], atol=1e-10, rtol=0)


def test_state_dict_layout_matches_pytorch():
    expected_state = {
        "SGD": ({"lr": 0.1, "momentum": 0.9}, ["momentum_buffer"]),
        "Adam": ({"amsgrad": True}, ["step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"]),
        "AdamW": ({}, ["step", "exp_avg", "exp_avg_sq"]),
        "RMSprop": ({"momentum": 0.5, "centered": True},
                    ["step", "square_avg", "momentum_buffer", "grad_avg"]),
        "Adagrad": ({}, ["step", "sum"]),
    }
    group_keys = {
        "SGD": ["dampening", "differentiable", "foreach", "fused", "lr", "maximize", "momentum",
                "nesterov", "params", "weight_decay"],
        "Adam": ["amsgrad", "betas", "capturable", "decoupled_weight_decay", "differentiable",
                 "eps", "foreach", "fused", "lr", "maximize", "params", "weight_decay"],
        "RMSprop": ["alpha", "capturable", "centered", "differentiable", "eps", "foreach", "lr",
                    "maximize", "momentum", "params", "weight_decay"],
        "Adagrad": ["differentiable", "eps", "foreach", "fused", "initial_accumulator_value",
                    "lr", "lr_decay", "maximize", "params", "weight_decay"],
    }
    group_keys["AdamW"] = group_keys["Adam"]
    for cls, (kwargs, keys) in expected_state.items():
        p = torch.zeros(2, requires_grad=True)
        opt = getattr(optim, cls)([p], **kwargs)
        p.grad = torch.ones(2)
        opt.step()
        sd = opt.state_dict()
        assert list(sd) == ["state", "param_groups"]
        assert list(sd["state"][0]) == keys, cls
        assert sorted(sd["param_groups"][0]) == group_keys[cls], cls
        assert sd["param_groups"][0]["params"] == [0]
        if "step" in keys:
            step = sd["state"][0]["step"]
            assert isinstance(step, torch.Tensor) and step.ndim == 0 and step.item() == 1.0
            assert step.dtype == torch.float32


def test_load_state_dict_errors_and_casts():
    p = nn.Parameter(torch.zeros(2))
    opt = optim.SGD([p], lr=0.1)
    with pytest.raises(ValueError, match="different number of parameter groups"):
        opt.load_state_dict({"state": {}, "param_groups": []})
    other = optim.SGD([nn.Parameter(torch.zeros(2)), nn.Parameter(torch.zeros(1))], lr=0.1)
    with pytest.raises(ValueError, match="doesn't match the size of optimizer's group"):
        opt.load_state_dict(other.state_dict())
    q = nn.Parameter(torch.zeros(2, dtype=torch.float64))
    adam = optim.Adam([q])
    q.grad = torch.ones(2, dtype=torch.float64)
    adam.step()
    r = nn.Parameter(torch.zeros(2))
    adam32 = optim.Adam([r])
    adam32.load_state_dict(adam.state_dict())
    assert adam32.state[r]["exp_avg"].dtype == torch.float32  # cast to the parameter's dtype
    assert adam32.state[r]["step"].item() == 1.0


# --- update semantics ---------------------------------------------------------------------------


def test_step_updates_in_place_without_recording():
    model = nn.Linear(3, 2)
    weight = model.weight
    opt = optim.Adam(model.parameters(), lr=0.1)
    loss = model(torch.ones(4, 3)).pow(2).sum()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the reference-cycle warning of create_graph=True
        loss.backward(create_graph=True)  # gradients that themselves require grad
    version = weight._version
    opt.step()
    assert model.weight is weight and weight.is_leaf and weight.grad_fn is None
    assert weight.requires_grad and weight._version > version
    for state in opt.state.values():
        assert all(not t.requires_grad for t in state.values() if isinstance(t, torch.Tensor))


def test_parameters_without_grad_are_skipped():
    a, b = nn.Parameter(torch.ones(2)), nn.Parameter(torch.ones(2))
    opt = optim.Adam([a, b], lr=0.1)
    a.grad = torch.ones(2)
    opt.step()
    assert b.tolist() == [1.0, 1.0] and b not in opt.state
    assert a.tolist() != [1.0, 1.0]


def test_sgd_known_values():
    w = torch.tensor([1.0, -2.0], requires_grad=True)
    opt = optim.SGD([w], lr=0.1, momentum=0.9)
    for _ in range(2):
        opt.zero_grad()
        (w * w).sum().backward()
        opt.step()
    # step 1: buf = g = [2, -4], w = [0.8, -1.6]; step 2: g = [1.6, -3.2],
    # buf = 0.9 * buf + g = [3.4, -6.8], w = [0.46, -0.92]
    np.testing.assert_allclose(w.detach().numpy(), [0.46, -0.92], rtol=1e-6)


def test_zero_grad_and_closure():
    w = nn.Parameter(torch.tensor([1.0, 2.0]))
    opt = optim.SGD([w], lr=0.5)

    def closure():
        opt.zero_grad()
        loss = (w * w).sum()
        loss.backward()
        return loss

    with torch.no_grad():
        loss = opt.step(closure)  # the closure runs with grad enabled
    assert loss.item() == 5.0 and w.tolist() == [0.0, 0.0]
    opt.zero_grad(set_to_none=False)
    assert w.grad.tolist() == [0.0, 0.0]
    opt.zero_grad()
    assert w.grad is None


def test_param_groups_and_add_param_group():
    a, b = nn.Parameter(torch.zeros(1)), nn.Parameter(torch.zeros(1))
    opt = optim.SGD([{"params": [a]}, {"params": b, "lr": 0.5}], lr=0.1, momentum=0.9)
    assert [g["lr"] for g in opt.param_groups] == [0.1, 0.5]
    assert opt.param_groups[1]["momentum"] == 0.9 and opt.param_groups[1]["params"] == [b]
    c = nn.Parameter(torch.zeros(1))
    opt.add_param_group({"params": [c], "momentum": 0.0})
    assert opt.param_groups[2]["lr"] == 0.1 and opt.param_groups[2]["momentum"] == 0.0
    with pytest.raises(ValueError, match="some parameters appear in more than one"):
        opt.add_param_group({"params": [a]})
    named = optim.Adam([("w", a), ("v", b)])
    assert named.param_groups[0]["param_names"] == ["w", "v"]
    assert named.state_dict()["param_groups"][0]["param_names"] == ["w", "v"]


def test_stateless_sgd_keeps_no_state():
    p = nn.Parameter(torch.zeros(2))
    opt = optim.SGD([p], lr=0.1)
    p.grad = torch.ones(2)
    opt.step()
    assert opt.state_dict()["state"] == {} and p.tolist() == pytest.approx([-0.1, -0.1])


def test_adagrad_state_exists_from_construction():
    p = nn.Parameter(torch.zeros(3))
    opt = optim.Adagrad([p], initial_accumulator_value=0.25)
    assert opt.state[p]["sum"].tolist() == [0.25] * 3 and opt.state[p]["step"].item() == 0.0


def test_optimizer_repr_matches_pytorch():
    assert repr(optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)) == (
        "SGD (\nParameter Group 0\n    dampening: 0\n    differentiable: False\n"
        "    foreach: None\n    fused: None\n    lr: 0.1\n    maximize: False\n"
        "    momentum: 0\n    nesterov: False\n    weight_decay: 0\n)")
    assert repr(optim.Adam([torch.zeros(1, requires_grad=True)])) == (
        "Adam (\nParameter Group 0\n    amsgrad: False\n    betas: (0.9, 0.999)\n"
        "    capturable: False\n    decoupled_weight_decay: False\n"
        "    differentiable: False\n    eps: 1e-08\n    foreach: None\n    fused: None\n"
        "    lr: 0.001\n    maximize: False\n    weight_decay: 0\n)")


def test_training_loop_reduces_loss():
    torch.manual_seed(0)
    x = torch.randn(64, 3)
    y = x @ torch.tensor([[1.0], [-2.0], [0.5]]) + 0.3
    model = nn.Sequential(nn.Linear(3, 8), nn.Tanh(), nn.Linear(8, 1))
    opt = optim.AdamW(model.parameters(), lr=0.05)
    first = None
    for _ in range(150):
        opt.zero_grad()
        loss = nn.functional.mse_loss(model(x), y)
        loss.backward()
        opt.step()
        first = first if first is not None else loss.item()
    assert loss.item() < 0.02 * first


# --- bad input -----------------------------------------------------------------------------------


def _p():
    return nn.Parameter(torch.zeros(2))


BAD = [
    (lambda: optim.SGD([], lr=0.1), ValueError, "optimizer got an empty parameter list"),
    (lambda: optim.Adam(iter([])), ValueError, "optimizer got an empty parameter list"),
    (lambda: optim.SGD([_p()], lr=-0.1), ValueError, "Invalid learning rate: -0.1"),
    (lambda: optim.Adam([_p()], lr=-1), ValueError, "Invalid learning rate: -1"),
    (lambda: optim.AdamW([_p()], lr=-1e-3), ValueError, "Invalid learning rate"),
    (lambda: optim.RMSprop([_p()], lr=-1), ValueError, "Invalid learning rate"),
    (lambda: optim.Adagrad([_p()], lr=-1), ValueError, "Invalid learning rate"),
    (lambda: optim.SGD([_p()], lr=0.1, momentum=-1), ValueError, "Invalid momentum value: -1"),
    (lambda: optim.SGD([_p()], lr=0.1, nesterov=True), ValueError,
     "Nesterov momentum requires a momentum and zero dampening"),
    (lambda: optim.SGD([torch.zeros(2, requires_grad=True) * 2], lr=0.1), ValueError,
     "can't optimize a non-leaf Tensor"),
    (lambda: optim.SGD(torch.zeros(2, requires_grad=True), lr=0.1), TypeError,
     "should be an iterable of Tensors or dicts, but got torch.FloatTensor"),
    (lambda: optim.SGD([1.0], lr=0.1), TypeError,
     "optimizer can only optimize Tensors, but one of the params is float"),
    (lambda: optim.SGD([{"params": {_p()}}], lr=0.1), TypeError, "ordered collections"),
    (lambda: optim.Adam([_p()], betas=(1.0, 0.9)), ValueError,
     "Invalid beta parameter at index 0: 1.0"),
    (lambda: optim.Adam([_p()], betas=(0.9, 1)), ValueError,
     "Invalid beta parameter at index 1: 1"),
    (lambda: optim.Adam([_p()], eps=-1), ValueError, "Invalid epsilon value: -1"),
    (lambda: optim.AdamW([_p()], weight_decay=-1), ValueError, "Invalid weight_decay value"),
    (lambda: optim.RMSprop([_p()], alpha=-1), ValueError, "Invalid alpha value: -1"),
    (lambda: optim.Adagrad([_p()], lr_decay=-1), ValueError, "Invalid lr_decay value: -1"),
    (lambda: (lambda p: optim.SGD([{"params": [p]}, {"params": [p]}], lr=0.1))(_p()),
     ValueError, "some parameters appear in more than one parameter group"),
]


@pytest.mark.parametrize("call,exc,match", BAD, ids=[b[2][:30] + str(i)
                                                     for i, b in enumerate(BAD)])
def test_bad_input_raises(call, exc, match):
    with pytest.raises(exc, match=match):
        call()
