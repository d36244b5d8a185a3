"""Recurrent layers: RNN (tanh/relu), LSTM (with optional projections), GRU and their cells.

Names, constructor signatures, parameter names (weight_ih_l0, bias_hh_l1_reverse, weight_hr_l0),
default initialisation U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)), shapes and gate order are
PyTorch's:

- RNN:  h' = act(W_ih x + b_ih + W_hh h + b_hh)
- LSTM: gates (i, f, g, o) = W_ih x + b_ih + W_hh h + b_hh;  c' = sig(f) c + sig(i) tanh(g);
        h' = sig(o) tanh(c')  (then h' = W_hr h' when proj_size > 0)
- GRU:  gates (r, z, n); r = sig(.), z = sig(.), n = tanh(W_in x + b_in + r (W_hn h + b_hn));
        h' = (1 - z) n + z h

The sequence is unrolled in Python from differentiable ops, so gradients of any order work.
The input projections W_ih x of a whole layer are computed in one matrix product before the
time loop; only W_hh h is per step. PackedSequence inputs are not supported.

    >>> import chainrule as torch
    >>> from chainrule import nn
    >>> lstm = nn.LSTM(3, 4, num_layers=2, batch_first=True)
    >>> out, (h, c) = lstm(torch.zeros(2, 5, 3))
    >>> out.shape, h.shape, c.shape
    (torch.Size([2, 5, 4]), torch.Size([2, 2, 4]), torch.Size([2, 2, 4]))
"""

import math
import numbers
import warnings

from ... import _factories
from ...ops import elementwise as ew
from ...ops import shape as sh
from .. import _ops, init
from .. import functional as F
from ..parameter import Parameter
from .module import Module

__all__ = ["GRU", "LSTM", "RNN", "GRUCell", "LSTMCell", "RNNBase", "RNNCell", "RNNCellBase"]

_GATES = {"LSTM": 4, "GRU": 3, "RNN_TANH": 1, "RNN_RELU": 1}


# --- one time step of each cell ------------------------------------------------------------
# legend: gi = W_ih x + b_ih (precomputed, shape (B, gates * H)); h, c the previous state;
# w_hh, b_hh (b_hh may be None); returns the new state (h,) or (h, c).


def _chunks(t, n):
    size = t.shape[-1] // n
    return [sh.getitem(t, (Ellipsis, slice(k * size, (k + 1) * size))) for k in range(n)]


def _linear(x, w, b=None):
    return _ops.linear(x, w, b)  # shapes and dtypes are checked once, before the time loop


def _rnn_tanh_step(gi, state, w_hh, b_hh, w_hr=None):
    return (ew.tanh(ew.add(gi, _linear(state[0], w_hh, b_hh))),)


def _rnn_relu_step(gi, state, w_hh, b_hh, w_hr=None):
    return (ew.relu(ew.add(gi, _linear(state[0], w_hh, b_hh))),)


def _lstm_step(gi, state, w_hh, b_hh, w_hr=None):
    h, c = state
    i, f, g, o = _chunks(ew.add(gi, _linear(h, w_hh, b_hh)), 4)
    c = ew.add(ew.mul(ew.sigmoid(f), c), ew.mul(ew.sigmoid(i), ew.tanh(g)))
    h = ew.mul(ew.sigmoid(o), ew.tanh(c))
    if w_hr is not None:
        h = _linear(h, w_hr)
    return h, c


def _gru_step(gi, state, w_hh, b_hh, w_hr=None):
    h = state[0]
    i_r, i_z, i_n = _chunks(gi, 3)
    h_r, h_z, h_n = _chunks(_linear(h, w_hh, b_hh), 3)
    r = ew.sigmoid(ew.add(i_r, h_r))
    z = ew.sigmoid(ew.add(i_z, h_z))
    n = ew.tanh(ew.add(i_n, ew.mul(r, h_n)))
    return (ew.add(ew.mul(ew.sub(h, n), z), n),)  # (1 - z) n + z h, as ATen evaluates it


_STEPS = {"RNN_TANH": _rnn_tanh_step, "RNN_RELU": _rnn_relu_step, "LSTM": _lstm_step,
          "GRU": _gru_step}


def _run_direction(step, x, state, weights, reverse):
    """Run one layer in one direction over the time-major sequence x (T, B, in)."""
    w_ih, w_hh, b_ih, b_hh, w_hr = weights
    gi_all = _linear(x, w_ih, b_ih)  # (T, B, gates * H) in one product
    steps = range(x.shape[0] - 1, -1, -1) if reverse else range(x.shape[0])
    outputs = [None] * x.shape[0]
    for t in steps:
        state = step(sh.getitem(gi_all, t), state, w_hh, b_hh, w_hr)
        outputs[t] = state[0]
    return sh.stack(outputs, 0), state


def _check_dtype(input, weight):
    if input.dtype != weight.dtype:
        raise ValueError(
            f"RNN input dtype ({input.dtype}) does not match weight dtype ({weight.dtype}). "
            f"Convert input: input.to({weight.dtype}), or convert model: model.to({input.dtype})"
        )


class RNNBase(Module):
    """The base of RNN, LSTM and GRU: parameters, checks and the layer/direction loop."""

    def __init__(self, mode, input_size, hidden_size, num_layers=1, bias=True,
                 batch_first=False, dropout=0.0, bidirectional=False, proj_size=0,
                 device=None, dtype=None):
        super().__init__()
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = proj_size
        _check_config(mode, input_size, hidden_size, num_layers, bias, batch_first, dropout,
                      proj_size)
        gate_size = _GATES[mode] * hidden_size
        num_directions = 2 if bidirectional else 1
        real_hidden = proj_size if proj_size > 0 else hidden_size
        self._flat_weights_names = []
        self._all_weights = []
        for layer in range(num_layers):
            layer_input = input_size if layer == 0 else real_hidden * num_directions
            for direction in range(num_directions):
                shapes = [("weight_ih_l{}{}", (gate_size, layer_input)),
                          ("weight_hh_l{}{}", (gate_size, real_hidden))]
                if bias:
                    shapes += [("bias_ih_l{}{}", (gate_size,)), ("bias_hh_l{}{}", (gate_size,))]
                if proj_size > 0:
                    shapes += [("weight_hr_l{}{}", (proj_size, hidden_size))]
                suffix = "_reverse" if direction == 1 else ""
                names = []
                for fmt, shape in shapes:
                    name = fmt.format(layer, suffix)
                    setattr(self, name, Parameter(_factories.empty(*shape, dtype=dtype)))
                    names.append(name)
                self._flat_weights_names.extend(names)
                self._all_weights.append(names)
        self.reset_parameters()

    @property
    def _flat_weights(self):
        return [getattr(self, name, None) for name in self._flat_weights_names]

    @property
    def all_weights(self):
        return [[getattr(self, name) for name in names] for names in self._all_weights]

    def flatten_parameters(self):
        """A no-op (PyTorch compacts cuDNN weights here)."""

    def reset_parameters(self):
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def extra_repr(self):
        s = "{input_size}, {hidden_size}"
        if self.proj_size != 0:
            s += ", proj_size={proj_size}"
        if self.num_layers != 1:
            s += ", num_layers={num_layers}"
        if self.bias is not True:
            s += ", bias={bias}"
        if self.batch_first is not False:
            s += ", batch_first={batch_first}"
        if self.dropout != 0:
            s += ", dropout={dropout}"
        if self.bidirectional is not False:
            s += ", bidirectional={bidirectional}"
        return s.format(**self.__dict__)

    # --- checks (PyTorch's messages) ---------------------------------------------------------

    def check_input(self, input, batch_sizes=None):
        _check_dtype(input, self._flat_weights[0])
        expected_input_dim = 2 if batch_sizes is not None else 3
        if input.dim() != expected_input_dim:
            raise RuntimeError(f"input must have {expected_input_dim} dimensions, got "
                               f"{input.dim()}")
        if self.input_size != input.size(-1):
            raise RuntimeError(f"input.size(-1) must be equal to input_size. Expected "
                               f"{self.input_size}, got {input.size(-1)}")

    def get_expected_hidden_size(self, input, batch_sizes=None):
        mini_batch = input.size(0) if self.batch_first else input.size(1)
        num_directions = 2 if self.bidirectional else 1
        size = self.proj_size if self.proj_size > 0 else self.hidden_size
        return (self.num_layers * num_directions, mini_batch, size)

    def check_hidden_size(self, hx, expected_hidden_size, msg="Expected hidden size {}, got {}"):
        if tuple(hx.size()) != tuple(expected_hidden_size):
            raise RuntimeError(msg.format(tuple(expected_hidden_size), list(hx.size())))

    def check_forward_args(self, input, hidden, batch_sizes=None):
        self.check_input(input, batch_sizes)
        self.check_hidden_size(hidden, self.get_expected_hidden_size(input, batch_sizes))

    def permute_hidden(self, hx, permutation):
        return hx

    # --- the computation -----------------------------------------------------------------------

    def _layer_weights(self, layer, direction):
        suffix = "_reverse" if direction == 1 else ""

        def get(fmt):
            return getattr(self, fmt.format(layer, suffix), None)

        return (get("weight_ih_l{}{}"), get("weight_hh_l{}{}"),
                get("bias_ih_l{}{}") if self.bias else None,
                get("bias_hh_l{}{}") if self.bias else None,
                get("weight_hr_l{}{}") if self.proj_size > 0 else None)

    def _run(self, input, states):
        """input (B, T, in) or (T, B, in), states: tuple of (L * D, B, H) tensors.

        Returns output (as input's layout, D * H features) and the final states, stacked like
        the initial ones.
        """
        if input.shape[0 if self.batch_first else 1] > 0 and \
                input.shape[1 if self.batch_first else 0] == 0:
            raise RuntimeError("Expected sequence length to be larger than 0 in RNN")
        x = sh.transpose(input, 0, 1) if self.batch_first else input
        step = _STEPS[self.mode]
        num_directions = 2 if self.bidirectional else 1
        finals = [[] for _ in states]
        for layer in range(self.num_layers):
            outs = []
            for direction in range(num_directions):
                k = layer * num_directions + direction
                state = tuple(sh.getitem(s, k) for s in states)
                out, state = _run_direction(step, x, state, self._layer_weights(layer, direction),
                                            reverse=direction == 1)
                outs.append(out)
                for acc, s in zip(finals, state):
                    acc.append(s)
            x = outs[0] if num_directions == 1 else sh.cat(outs, 2)
            if self.dropout > 0 and self.training and layer < self.num_layers - 1:
                x = F.dropout(x, self.dropout, True)
        output = sh.transpose(x, 0, 1) if self.batch_first else x
        return output, tuple(sh.stack(acc, 0) for acc in finals)

    def _zeros(self, input, size):
        batch = input.size(0) if self.batch_first else input.size(1)
        num_directions = 2 if self.bidirectional else 1
        return _factories.zeros(self.num_layers * num_directions, batch, size, dtype=input.dtype)

    def _prepare_input(self, input):
        if not hasattr(input, "dim"):
            raise TypeError(f"{type(self).__name__}: PackedSequence and non-tensor inputs are "
                            f"not supported, got {type(input).__name__}")
        name = "RNN" if self.mode.startswith("RNN") else self.mode
        if input.dim() not in (2, 3):
            tail = " tensor instead" if name == "RNN" else " instead"
            raise ValueError(f"{name}: Expected input to be 2D or 3D, got {input.dim()}D{tail}")
        is_batched = input.dim() == 3
        batch_dim = 0 if self.batch_first else 1
        if not is_batched:
            input = sh.unsqueeze(input, batch_dim)
        return input, is_batched, batch_dim


def _check_config(mode, input_size, hidden_size, num_layers, bias, batch_first, dropout,
                  proj_size):
    if not isinstance(dropout, numbers.Number) or not 0 <= dropout <= 1 or \
            isinstance(dropout, bool):
        raise ValueError("dropout should be a number in range [0, 1] representing the "
                         "probability of an element being zeroed")
    if dropout > 0 and num_layers == 1:
        warnings.warn("dropout option adds dropout after all but last recurrent layer, so "
                      "non-zero dropout expects num_layers greater than 1, but got "
                      f"dropout={dropout} and num_layers={num_layers}", stacklevel=4)
    for name, value in (("bias", bias), ("batch_first", batch_first)):
        if not isinstance(value, bool):
            raise TypeError(f"{name} should be of type bool, got: {type(value).__name__}")
    for name, value in (("input_size", input_size), ("hidden_size", hidden_size)):
        if not isinstance(value, int):
            raise TypeError(f"{name} should be of type int, got: {type(value).__name__}")
        if value <= 0:
            raise ValueError(f"{name} must be greater than zero")
    if num_layers <= 0:
        raise ValueError("num_layers must be greater than zero")
    if proj_size < 0:
        raise ValueError("proj_size should be a positive integer or zero to disable projections")
    if proj_size >= hidden_size:
        raise ValueError("proj_size has to be smaller than hidden_size")
    if mode not in _GATES:
        raise ValueError("Unrecognized RNN mode: " + mode)


def _single_state_forward(self, input, hx):
    """forward of RNN and GRU: (output, h_n)."""
    input, is_batched, batch_dim = self._prepare_input(input)
    if hx is not None:
        if not is_batched:
            if hx.dim() != 2:
                raise RuntimeError(f"For unbatched 2-D input, hx should also be 2-D but got "
                                   f"{hx.dim()}-D tensor")
            hx = sh.unsqueeze(hx, 1)
        elif hx.dim() != 3:
            raise RuntimeError(f"For batched 3-D input, hx should also be 3-D but got "
                               f"{hx.dim()}-D tensor")
    else:
        hx = self._zeros(input, self.hidden_size)
    self.check_forward_args(input, hx)
    output, (hidden,) = self._run(input, (hx,))
    if not is_batched:
        output = sh.squeeze(output, batch_dim)
        hidden = sh.squeeze(hidden, 1)
    return output, hidden


class RNN(RNNBase):
    """Elman RNN: h_t = tanh(x_t W_ih^T + b_ih + h_(t-1) W_hh^T + b_hh) (or relu).

    RNN(input_size, hidden_size, num_layers=1, nonlinearity='tanh', bias=True,
    batch_first=False, dropout=0.0, bidirectional=False). forward(input, hx=None) returns
    (output, h_n) with output (L, N, D * H) (or (N, L, D * H) if batch_first) and
    h_n (num_layers * D, N, H).
    """

    def __init__(self, *args, **kwargs):
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        if len(args) > 3:
            self.__dict__["nonlinearity"] = args[3]
            args = args[:3] + args[4:]
        else:
            self.__dict__["nonlinearity"] = kwargs.pop("nonlinearity", "tanh")
        if self.nonlinearity == "tanh":
            mode = "RNN_TANH"
        elif self.nonlinearity == "relu":
            mode = "RNN_RELU"
        else:
            raise ValueError(f"Unknown nonlinearity '{self.nonlinearity}'. Select from 'tanh' "
                             "or 'relu'.")
        super().__init__(mode, *args, **kwargs)

    def forward(self, input, hx=None):
        return _single_state_forward(self, input, hx)


class GRU(RNNBase):
    """Gated recurrent unit; gates (r, z, n) stacked in weight_ih_l0 as PyTorch does.

    GRU(input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
    bidirectional=False). forward(input, hx=None) returns (output, h_n).
    """

    def __init__(self, *args, **kwargs):
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        super().__init__("GRU", *args, **kwargs)

    def forward(self, input, hx=None):
        return _single_state_forward(self, input, hx)


class LSTM(RNNBase):
    """Long short-term memory; gates (i, f, g, o) stacked in weight_ih_l0 as PyTorch does.

    LSTM(input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
    bidirectional=False, proj_size=0). forward(input, (h_0, c_0)=None) returns
    (output, (h_n, c_n)).
    """

    def __init__(self, *args, **kwargs):
        super().__init__("LSTM", *args, **kwargs)

    def get_expected_cell_size(self, input, batch_sizes=None):
        mini_batch = input.size(0) if self.batch_first else input.size(1)
        num_directions = 2 if self.bidirectional else 1
        return (self.num_layers * num_directions, mini_batch, self.hidden_size)

    def check_forward_args(self, input, hidden, batch_sizes=None):
        self.check_input(input, batch_sizes)
        self.check_hidden_size(hidden[0], self.get_expected_hidden_size(input, batch_sizes),
                               "Expected hidden[0] size {}, got {}")
        self.check_hidden_size(hidden[1], self.get_expected_cell_size(input, batch_sizes),
                               "Expected hidden[1] size {}, got {}")

    def forward(self, input, hx=None):
        input, is_batched, batch_dim = self._prepare_input(input)
        if hx is None:
            real_hidden = self.proj_size if self.proj_size > 0 else self.hidden_size
            hx = (self._zeros(input, real_hidden), self._zeros(input, self.hidden_size))
        else:
            want = 3 if is_batched else 2
            if hx[0].dim() != want or hx[1].dim() != want:
                kind = "batched 3-D" if is_batched else "unbatched 2-D"
                raise RuntimeError(f"For {kind} input, hx and cx should also be {want}-D but got "
                                   f"({hx[0].dim()}-D, {hx[1].dim()}-D) tensors")
            if not is_batched:
                hx = (sh.unsqueeze(hx[0], 1), sh.unsqueeze(hx[1], 1))
        self.check_forward_args(input, hx)
        output, (h, c) = self._run(input, tuple(hx))
        if not is_batched:
            output = sh.squeeze(output, batch_dim)
            h, c = sh.squeeze(h, 1), sh.squeeze(c, 1)
        return output, (h, c)


# --- cells -------------------------------------------------------------------------------


class RNNCellBase(Module):
    """The base of RNNCell, LSTMCell and GRUCell: weight_ih, weight_hh, bias_ih, bias_hh."""

    def __init__(self, input_size, hidden_size, bias, num_chunks, device=None, dtype=None):
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        self.weight_ih = Parameter(_factories.empty(num_chunks * hidden_size, input_size,
                                                    dtype=dtype))
        self.weight_hh = Parameter(_factories.empty(num_chunks * hidden_size, hidden_size,
                                                    dtype=dtype))
        if bias:
            self.bias_ih = Parameter(_factories.empty(num_chunks * hidden_size, dtype=dtype))
            self.bias_hh = Parameter(_factories.empty(num_chunks * hidden_size, dtype=dtype))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def extra_repr(self):
        s = "{input_size}, {hidden_size}"
        if "bias" in self.__dict__ and self.bias is not True:
            s += ", bias={bias}"
        if "nonlinearity" in self.__dict__ and self.nonlinearity != "tanh":
            s += ", nonlinearity={nonlinearity}"
        return s.format(**self.__dict__)

    def reset_parameters(self):
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def _cell(self, step, input, states):
        """Check shapes (ATen's messages), handle unbatched input, run one step."""
        name = type(self).__name__
        if input.dim() not in (1, 2):
            raise ValueError(f"{name}: Expected input to be 1D or 2D, got {input.dim()}D "
                             "instead")
        is_batched = input.dim() == 2
        if not is_batched:
            input = sh.unsqueeze(input, 0)
        if states is None:
            zeros = _factories.zeros(input.size(0), self.hidden_size, dtype=input.dtype)
            states = (zeros,) * (2 if step is _lstm_step else 1)
        elif not is_batched:
            states = tuple(sh.unsqueeze(s, 0) for s in states)
        self._check_cell(input, states)
        gi = _linear(input, self.weight_ih, self.bias_ih)
        out = step(gi, states, self.weight_hh, self.bias_hh)
        if not is_batched:
            out = tuple(sh.squeeze(s, 0) for s in out)
        return out

    def _check_cell(self, input, states):
        if input.size(1) != self.input_size:
            raise RuntimeError(f"input has inconsistent input_size: got {input.size(1)} expected "
                               f"{self.input_size}")
        for k, s in enumerate(states):
            if s.size(0) != input.size(0):
                raise RuntimeError(f"Input batch size {input.size(0)} doesn't match hidden{k} "
                                   f"batch size {s.size(0)}")
            if s.size(1) != self.hidden_size:
                raise RuntimeError(f"hidden{k} has inconsistent hidden_size: got {s.size(1)}, "
                                   f"expected {self.hidden_size}")
        for t in (input,) + tuple(states):
            if t.dtype != self.weight_ih.dtype:
                raise RuntimeError(f"{type(self).__name__}: expected input and hidden state of "
                                   f"dtype {self.weight_ih.dtype} (the weights'), got "
                                   f"{t.dtype}; convert with .to({self.weight_ih.dtype})")


def _check_hidden_dim(name, hx, label="hidden"):
    if hx is not None and hx.dim() not in (1, 2):
        raise ValueError(f"{name}: Expected {label} to be 1D or 2D, got {hx.dim()}D instead")


class RNNCell(RNNCellBase):
    """One step of an Elman RNN: h' = tanh(W_ih x + b_ih + W_hh h + b_hh) (or relu)."""

    def __init__(self, input_size, hidden_size, bias=True, nonlinearity="tanh", device=None,
                 dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=1, device=device, dtype=dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input, hx=None):
        _check_hidden_dim("RNNCell", hx)
        if self.nonlinearity == "tanh":
            step = _rnn_tanh_step
        elif self.nonlinearity == "relu":
            step = _rnn_relu_step
        else:
            raise RuntimeError(f"Unknown nonlinearity: {self.nonlinearity}")
        return self._cell(step, input, None if hx is None else (hx,))[0]


class LSTMCell(RNNCellBase):
    """One LSTM step; forward(input, (h, c)=None) returns (h', c')."""

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=4, device=device, dtype=dtype)

    def forward(self, input, hx=None):
        if hx is not None:
            for idx, value in enumerate(hx):
                _check_hidden_dim("LSTMCell", value, f"hx[{idx}]")
        return self._cell(_lstm_step, input, None if hx is None else tuple(hx))


class GRUCell(RNNCellBase):
    """One GRU step; forward(input, hx=None) returns h'."""

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=3, device=device, dtype=dtype)

    def forward(self, input, hx=None):
        _check_hidden_dim("GRUCell", hx)
        return self._cell(_gru_step, input, None if hx is None else (hx,))[0]
