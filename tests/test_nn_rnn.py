"""nn.RNN, nn.LSTM, nn.GRU and their cells against PyTorch 2.13.

Forward values, buffers and gradients are compared with tests/fixtures/nn_modules_torch.npz
(cases in tests/nn_module_cases.py, generator in tests/fixtures/README.md); every case also
passes gradcheck w.r.t. its inputs and parameters. Error messages are PyTorch's.
"""

import math
import warnings

import numpy as np
import pytest
from nn_module_cases import RNN_CASES
from nn_module_replay import check_gradients, check_structure, check_values

import chainrule as torch
from chainrule import nn
from chainrule.autograd import gradgradcheck

IDS = [c[1] for c in RNN_CASES]
SLOW_FORWARD = {"lstm_2l_bi_h0c0", "gru_2l_bi_bf_h0", "lstm_unbatched_h0c0", "rnn_relu_2l_bi_bf_h0",
                "transformer"}


@pytest.mark.parametrize("group,name,ctor,call,shapes", RNN_CASES, ids=IDS)
def test_state_dict_keys_and_repr_match_pytorch(group, name, ctor, call, shapes):
    check_structure(name, ctor)


@pytest.mark.parametrize("group,name,ctor,call,shapes", RNN_CASES, ids=IDS)
def test_values_and_gradients_match_pytorch(group, name, ctor, call, shapes):
    check_values(name, ctor, call, shapes)


@pytest.mark.parametrize("group,name,ctor,call,shapes", RNN_CASES, ids=IDS)
def test_gradcheck(group, name, ctor, call, shapes):
    check_gradients(name, ctor, call, shapes)


# forward mode (JVP) w.r.t. the inputs; the largest cases are left to the reverse-mode check
FORWARD_CASES = [c for c in RNN_CASES if c[1] not in SLOW_FORWARD]


@pytest.mark.parametrize("group,name,ctor,call,shapes", FORWARD_CASES,
                         ids=[c[1] for c in FORWARD_CASES])
def test_forward_mode_gradcheck(group, name, ctor, call, shapes):
    check_gradients(name, ctor, call, shapes, forward_mode=True)


def test_gradgradcheck_lstm_cell_and_gru():
    cell = nn.LSTMCell(2, 3).double()
    x = torch.tensor(np.linspace(-1, 1, 4).reshape(2, 2), requires_grad=True)
    assert gradgradcheck(lambda x, *p: cell(x)[1], (x,) + tuple(cell.parameters()))
    gru = nn.GRU(2, 2).double()
    xs = torch.tensor(np.sin(np.arange(6.0)).reshape(3, 1, 2), requires_grad=True)
    assert gradgradcheck(lambda x, *p: gru(x)[0], (xs,) + tuple(gru.parameters()))


# --- shapes, defaults, initialisation ------------------------------------------------------


@pytest.mark.parametrize("cls,gates", [(nn.RNN, 1), (nn.LSTM, 4), (nn.GRU, 3)])
def test_parameter_shapes_and_default_init(cls, gates):
    torch.manual_seed(0)
    m = cls(10, 20, num_layers=2, bidirectional=True)
    bound = 1 / math.sqrt(20)
    assert m.weight_ih_l0.shape == (gates * 20, 10)
    assert m.weight_ih_l1_reverse.shape == (gates * 20, 40)
    assert m.weight_hh_l1.shape == (gates * 20, 20)
    assert m.bias_hh_l0_reverse.shape == (gates * 20,)
    for name, p in m.named_parameters():
        a = p.detach().numpy()
        assert p.dtype == torch.float32, name
        assert np.abs(a).max() <= bound, name
        assert np.abs(a).max() > 0.9 * bound and abs(a.mean()) < 0.2 * bound, name
    assert [len(w) for w in m.all_weights] == [4, 4, 4, 4]
    assert m._flat_weights_names[:4] == ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0",
                                         "bias_hh_l0"]


def test_cell_default_init_and_dtype():
    cell = nn.GRUCell(5, 16, dtype=torch.float64)
    assert cell.weight_ih.shape == (48, 5) and cell.weight_hh.shape == (48, 16)
    assert cell.weight_ih.dtype == torch.float64
    assert np.abs(cell.weight_hh.detach().numpy()).max() <= 0.25


def test_lstm_proj_size_shapes():
    m = nn.LSTM(3, 5, proj_size=2, num_layers=2)
    assert m.weight_hr_l0.shape == (2, 5)
    assert m.weight_hh_l0.shape == (20, 2)
    assert m.weight_ih_l1.shape == (20, 2)
    out, (h, c) = m(torch.zeros(4, 3, 3))
    assert out.shape == (4, 3, 2) and h.shape == (2, 3, 2) and c.shape == (2, 3, 5)


def test_empty_batch_and_empty_sequence():
    out, h = nn.RNN(3, 4, 2)(torch.zeros(3, 0, 3))
    assert out.shape == (3, 0, 4) and h.shape == (2, 0, 4)
    with pytest.raises(RuntimeError, match="Expected sequence length to be larger than 0"):
        nn.RNN(3, 4)(torch.zeros(0, 2, 3))


def test_dropout_between_layers_only_in_training():
    torch.manual_seed(1)
    m = nn.LSTM(3, 8, num_layers=2, dropout=0.5).double()
    x = torch.tensor(np.sin(np.arange(24.0)).reshape(4, 2, 3))
    a, b = m(x)[0], m(x)[0]
    assert not np.allclose(a.detach().numpy(), b.detach().numpy())
    m.eval()
    c, d = m(x)[0], m(x)[0]
    np.testing.assert_array_equal(c.detach().numpy(), d.detach().numpy())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        nn.GRU(3, 4, dropout=0.2)
    assert "non-zero dropout expects num_layers greater than 1" in str(caught[0].message)


def test_initial_state_gradient_and_final_state_are_last_output():
    m = nn.GRU(2, 3, batch_first=True).double()
    x = torch.tensor(np.cos(np.arange(12.0)).reshape(2, 3, 2))
    h0 = torch.zeros(1, 2, 3, dtype=torch.float64, requires_grad=True)
    out, h = m(x, h0)
    np.testing.assert_array_equal(out[:, -1].detach().numpy(), h[0].detach().numpy())
    h.sum().backward()
    assert h0.grad is not None and np.abs(h0.grad.numpy()).sum() > 0


# --- errors (PyTorch's messages) -----------------------------------------------------------


@pytest.mark.parametrize("fn,exc,msg", [
    (lambda: nn.LSTM(3, 4)(torch.zeros(2, 2, 5)), RuntimeError,
     r"input.size\(-1\) must be equal to input_size. Expected 3, got 5"),
    (lambda: nn.GRU(3, 4)(torch.zeros(2, 2, 3), torch.zeros(1, 3, 4)), RuntimeError,
     r"Expected hidden size \(1, 2, 4\), got \[1, 3, 4\]"),
    (lambda: nn.LSTM(3, 4)(torch.zeros(2, 2, 3), (torch.zeros(1, 2, 4), torch.zeros(1, 2, 5))),
     RuntimeError, r"Expected hidden\[1\] size \(1, 2, 4\), got \[1, 2, 5\]"),
    (lambda: nn.RNN(3, 4)(torch.zeros(5, 3), torch.zeros(1, 2, 4)), RuntimeError,
     "For unbatched 2-D input, hx should also be 2-D but got 3-D tensor"),
    (lambda: nn.RNN(3, 4)(torch.zeros(5, 2, 3), torch.zeros(2, 4)), RuntimeError,
     "For batched 3-D input, hx should also be 3-D but got 2-D tensor"),
    (lambda: nn.LSTM(3, 4)(torch.zeros(5, 2, 3), (torch.zeros(2, 4), torch.zeros(2, 4))),
     RuntimeError, r"For batched 3-D input, hx and cx should also be 3-D but got \(2-D, 2-D\)"),
    (lambda: nn.RNN(3, 4)(torch.zeros(5)), ValueError,
     "RNN: Expected input to be 2D or 3D, got 1D tensor instead"),
    (lambda: nn.GRU(3, 4)(torch.zeros(2, 2, 2, 3)), ValueError,
     "GRU: Expected input to be 2D or 3D, got 4D instead"),
    (lambda: nn.GRU(3, 4)(torch.zeros(2, 2, 3, dtype=torch.float64)), ValueError,
     r"RNN input dtype \(torch.float64\) does not match weight dtype \(torch.float32\)"),
    (lambda: nn.RNNCell(3, 4)(torch.zeros(2, 5)), RuntimeError,
     "input has inconsistent input_size: got 5 expected 3"),
    (lambda: nn.GRUCell(3, 4)(torch.zeros(2, 3), torch.zeros(3, 4)), RuntimeError,
     "Input batch size 2 doesn't match hidden0 batch size 3"),
    (lambda: nn.LSTMCell(3, 4)(torch.zeros(2, 3), (torch.zeros(2, 4), torch.zeros(2, 5))),
     RuntimeError, "hidden1 has inconsistent hidden_size: got 5, expected 4"),
    (lambda: nn.LSTMCell(3, 4)(torch.zeros(2, 3, 1)), ValueError,
     "LSTMCell: Expected input to be 1D or 2D, got 3D instead"),
    (lambda: nn.GRUCell(3, 4)(torch.zeros(2, 3), torch.zeros(1, 2, 4)), ValueError,
     "GRUCell: Expected hidden to be 1D or 2D, got 3D instead"),
    (lambda: nn.RNNCell(3, 4)(torch.zeros(2, 3, dtype=torch.float64)), RuntimeError,
     "float64"),
    (lambda: nn.RNN(3, 4, proj_size=2), ValueError,
     "proj_size argument is only supported for LSTM, not RNN or GRU"),
    (lambda: nn.LSTM(3, 4, proj_size=4), ValueError, "proj_size has to be smaller than"),
    (lambda: nn.RNN(3, 4, nonlinearity="sigmoid"), ValueError,
     "Unknown nonlinearity 'sigmoid'. Select from 'tanh' or 'relu'."),
    (lambda: nn.LSTM(3, 4, 2, dropout=1.5), ValueError, "dropout should be a number in range"),
    (lambda: nn.GRU(3, 0), ValueError, "hidden_size must be greater than zero"),
    (lambda: nn.GRU(3, 4, batch_first=1), TypeError, "batch_first should be of type bool"),
])
def test_errors(fn, exc, msg):
    with pytest.raises(exc, match=msg):
        fn()


def test_repr_of_every_option():
    assert repr(nn.RNN(3, 4, 2, "relu", bias=False, batch_first=True, dropout=0.1,
                       bidirectional=True)) == ("RNN(3, 4, num_layers=2, bias=False, "
                                                "batch_first=True, dropout=0.1, "
                                                "bidirectional=True)")
    assert repr(nn.LSTM(3, 4, proj_size=2)) == "LSTM(3, 4, proj_size=2)"
    assert repr(nn.RNNCell(3, 4, bias=False, nonlinearity="relu")) == \
        "RNNCell(3, 4, bias=False, nonlinearity=relu)"
    assert repr(nn.GRUCell(3, 4)) == "GRUCell(3, 4)"
