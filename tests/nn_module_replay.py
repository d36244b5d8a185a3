"""Replay the cases of tests/nn_module_cases.py with chainrule and compare them with the values
PyTorch 2.13 recorded in tests/fixtures/nn_modules_torch.npz; gradcheck them. Shared by
tests/test_nn_rnn.py, tests/test_nn_attention.py and tests/test_nn_conv_modules.py."""

import pathlib
import warnings

import numpy as np
from nn_module_cases import make_input, param_value, seed_gradient

import chainrule as torch
import chainrule.nn.functional as F
from chainrule import nn  # noqa: F401  (the case constructors are evaluated here)
from chainrule.autograd import gradcheck

FIXTURE = np.load(pathlib.Path(__file__).parent / "fixtures" / "nn_modules_torch.npz")


def T(array):
    return torch.tensor(array)


def _flat(out):
    if isinstance(out, (tuple, list)):
        return [a for o in out for a in _flat(o)]
    return [out]


def build(name, ctor):
    """The chainrule module of a case, float64, parameters set through load_state_dict."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = eval(ctor).double()
    values = {k: torch.tensor(param_value(tuple(p.shape), i))
              for i, (k, p) in enumerate(m.named_parameters())}
    state = dict(m.state_dict())
    state.update(values)
    result = m.load_state_dict(state)
    assert not result.missing_keys and not result.unexpected_keys
    return m


def inputs(shapes, requires_grad=True):
    return [torch.tensor(make_input(s, i), requires_grad=requires_grad)
            for i, s in enumerate(shapes)]


def check_structure(name, ctor):
    """state_dict keys (in order) and repr identical to PyTorch's."""
    m = build(name, ctor)
    assert "\n".join(m.state_dict()) == str(FIXTURE[f"{name}|keys"]), name
    assert repr(m) == str(FIXTURE[f"{name}|repr"]), f"{name}:\n{m!r}\n!=\n{FIXTURE[name + '|repr']}"


def check_values(name, ctor, call, shapes, rtol=1e-10, atol=1e-12):
    """Outputs, buffers after the call and gradients equal PyTorch's."""
    m = build(name, ctor)
    xs = inputs(shapes)
    outs = _flat(eval(call)(m, T, F, *xs))
    assert len(outs) == int(FIXTURE[f"{name}|nout"]), name
    loss = 0
    for i, o in enumerate(outs):
        if f"{name}|none|{i}" in FIXTURE:
            assert o is None, f"{name}: output {i} should be None"
            continue
        expected = FIXTURE[f"{name}|out|{i}"]
        assert tuple(o.shape) == expected.shape, f"{name}: output {i} shape"
        assert o.dtype == torch.tensor(expected).dtype, f"{name}: output {i} dtype"
        np.testing.assert_allclose(o.detach().numpy(), expected, rtol=rtol, atol=atol,
                                   equal_nan=True, err_msg=f"{name}: output {i}")
        if o.is_floating_point():
            term = o * torch.tensor(seed_gradient(tuple(o.shape), i))
            loss = loss + torch.where(torch.isnan(term), 0.0, term).sum()
    for k, b in m.named_buffers():
        np.testing.assert_allclose(b.numpy(), FIXTURE[f"{name}|buffer|{k}"], rtol=rtol,
                                   atol=atol, err_msg=f"{name}: buffer {k}")
    params = list(m.named_parameters())
    diff = xs + [p for _, p in params]
    grads = torch.autograd.grad(loss, diff, allow_unused=True)
    keys = [f"{name}|gin|{i}" for i in range(len(xs))] + [f"{name}|gp|{k}" for k, _ in params]
    for key, g in zip(keys, grads):
        if key in FIXTURE:
            assert g is not None, f"{key} is None"
            np.testing.assert_allclose(g.numpy(), FIXTURE[key], rtol=rtol, atol=atol,
                                       err_msg=key)
        else:
            assert g is None or not np.any(g.numpy()), f"{key} should be zero"


def check_gradients(name, ctor, call, shapes, forward_mode=False):
    """gradcheck (float64, central differences) w.r.t. the inputs and every parameter; with
    forward_mode, the forward-mode (JVP) Jacobians w.r.t. the inputs instead (the parameters
    are read from the module, not passed, so they cannot carry tangents)."""
    m = build(name, ctor)
    xs = inputs(shapes)
    params = [] if forward_mode else [p for p in m.parameters() if p.requires_grad]
    fn = eval(call)

    def outputs(*args):
        out = [o for o in _flat(fn(m, T, F, *args[:len(xs)]))
               if o is not None and o.is_floating_point()]
        return tuple(torch.where(torch.isnan(o), 0.0, o) for o in out)

    assert gradcheck(outputs, tuple(xs) + tuple(params), check_forward_ad=forward_mode,
                     check_backward_ad=not forward_mode)
