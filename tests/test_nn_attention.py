"""nn.MultiheadAttention, F.scaled_dot_product_attention and the Transformer layers against
PyTorch 2.13.

Forward values and gradients are compared with tests/fixtures/nn_modules_torch.npz (cases in
tests/nn_module_cases.py, generator in tests/fixtures/README.md); every case also passes
gradcheck w.r.t. its inputs and parameters. Error messages are PyTorch's.
"""

import math
import warnings

import numpy as np
import pytest
from nn_module_cases import ATTENTION_CASES
from nn_module_replay import check_gradients, check_structure, check_values

import chainrule as torch
from chainrule import nn
from chainrule.autograd import gradgradcheck
from chainrule.nn._attention import scaled_dot_product_attention

IDS = [c[1] for c in ATTENTION_CASES]
SLOW_FORWARD = {"lstm_2l_bi_h0c0", "gru_2l_bi_bf_h0", "lstm_unbatched_h0c0", "rnn_relu_2l_bi_bf_h0",
                "transformer"}


@pytest.mark.parametrize("group,name,ctor,call,shapes", ATTENTION_CASES, ids=IDS)
def test_state_dict_keys_and_repr_match_pytorch(group, name, ctor, call, shapes):
    check_structure(name, ctor)


@pytest.mark.parametrize("group,name,ctor,call,shapes", ATTENTION_CASES, ids=IDS)
def test_values_and_gradients_match_pytorch(group, name, ctor, call, shapes):
    check_values(name, ctor, call, shapes)


@pytest.mark.parametrize("group,name,ctor,call,shapes", ATTENTION_CASES, ids=IDS)
def test_gradcheck(group, name, ctor, call, shapes):
    check_gradients(name, ctor, call, shapes)


# forward mode (JVP) w.r.t. the inputs; the largest cases are left to the reverse-mode check
FORWARD_CASES = [c for c in ATTENTION_CASES if c[1] not in SLOW_FORWARD]


@pytest.mark.parametrize("group,name,ctor,call,shapes", FORWARD_CASES,
                         ids=[c[1] for c in FORWARD_CASES])
def test_forward_mode_gradcheck(group, name, ctor, call, shapes):
    check_gradients(name, ctor, call, shapes, forward_mode=True)


def _x(*shape, k=0):
    n = int(np.prod(shape))
    return torch.tensor(np.sin(0.7 * np.arange(n) + k).reshape(shape), requires_grad=True)


def test_gradgradcheck_sdpa_and_mha():
    q, k, v = _x(2, 3, 2), _x(2, 4, 2, k=1), _x(2, 4, 3, k=2)
    assert gradgradcheck(lambda q, k, v: scaled_dot_product_attention(q, k, v), (q, k, v))
    mha = nn.MultiheadAttention(2, 1).double()
    x = _x(3, 1, 2)
    assert gradgradcheck(lambda x, *p: mha(x, x, x)[0], (x,) + tuple(mha.parameters()))


def test_mha_default_init_and_shapes():
    torch.manual_seed(0)
    mha = nn.MultiheadAttention(16, 4)
    bound = math.sqrt(6.0 / (16 + 48))  # xavier_uniform_ of the (3E, E) packed weight
    w = mha.in_proj_weight.detach().numpy()
    assert w.shape == (48, 16) and np.abs(w).max() <= bound and np.abs(w).max() > 0.9 * bound
    assert not np.any(mha.in_proj_bias.detach().numpy())
    assert not np.any(mha.out_proj.bias.detach().numpy())
    assert mha.out_proj.weight.shape == (16, 16)
    assert mha.bias_k is None and mha.bias_v is None and mha.head_dim == 4
    assert type(mha.out_proj).__name__ == "NonDynamicallyQuantizableLinear"
    sep = nn.MultiheadAttention(4, 2, kdim=3, vdim=5, add_bias_kv=True)
    assert sep.in_proj_weight is None and sep.k_proj_weight.shape == (4, 3)
    assert sep.v_proj_weight.shape == (4, 5) and sep.bias_k.shape == (1, 1, 4)


def test_mha_weights_are_probabilities_and_masked_keys_get_none():
    mha = nn.MultiheadAttention(4, 2).double()
    q, k = _x(3, 2, 4), _x(5, 2, 4, k=1)
    pad = torch.tensor([[False, False, True, False, True], [False] * 5])
    _, w = mha(q, k, k, key_padding_mask=pad)
    w = w.detach().numpy()
    np.testing.assert_allclose(w.sum(-1), np.ones((2, 3)), rtol=1e-12)
    assert not np.any(w[0, :, [2, 4]])
    _, per_head = mha(q, k, k, key_padding_mask=pad, average_attn_weights=False)
    assert per_head.shape == (2, 2, 3, 5)
    out, none = mha(q, k, k, need_weights=False)
    assert none is None and out.shape == (3, 2, 4)


def test_fully_masked_row_nan_with_weights_zero_without():
    # PyTorch: the need_weights=True path is a plain softmax (NaN for a row of -inf), the
    # need_weights=False path goes through scaled_dot_product_attention (zeros)
    mha = nn.MultiheadAttention(4, 2).double()
    q, k = _x(3, 1, 4), _x(5, 1, 4, k=1)
    mask = torch.tensor(np.arange(3)[:, None] == np.array([1] * 5)[None, :])
    out, _ = mha(q, k, k, attn_mask=mask)
    assert np.isnan(out.detach().numpy()[1]).all() and not np.isnan(out.detach().numpy()[0]).any()
    out2, _ = mha(q, k, k, attn_mask=mask, need_weights=False)
    b = mha.out_proj.bias.detach().numpy()
    np.testing.assert_allclose(out2.detach().numpy()[1, 0], b)


def test_sdpa_dead_row_has_zero_output_and_gradient():
    q, k, v = _x(3, 2), _x(4, 2, k=1), _x(4, 3, k=2)
    mask = torch.tensor(np.array([[True] * 4, [False] * 4, [True, False, True, False]]))
    out = scaled_dot_product_attention(q, k, v, attn_mask=mask)
    assert not np.any(out.detach().numpy()[1])
    out.sum().backward()
    assert not np.any(q.grad.numpy()[1]) and np.any(q.grad.numpy()[0])
    assert np.isfinite(k.grad.numpy()).all()


def test_generate_square_subsequent_mask():
    m = nn.Transformer.generate_square_subsequent_mask(3)
    assert m.dtype == torch.float32
    np.testing.assert_array_equal(m.numpy(), [[0, -np.inf, -np.inf], [0, 0, -np.inf],
                                              [0, 0, 0]])


def test_transformer_encoder_clones_layers_and_warns_like_pytorch():
    layer = nn.TransformerEncoderLayer(4, 2, 6)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        enc = nn.TransformerEncoder(layer, 2)
    assert "enable_nested_tensor is True, but self.use_nested_tensor is False because " \
           "encoder_layer.self_attn.batch_first was not True" in str(caught[0].message)
    assert enc.layers[0] is not layer and enc.layers[0] is not enc.layers[1]
    assert enc.layers[0].linear1.weight is not enc.layers[1].linear1.weight
    np.testing.assert_array_equal(enc.layers[0].linear1.weight.detach().numpy(),
                                  layer.linear1.weight.detach().numpy())


def test_transformer_default_hyperparameters():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PyTorch's nested-tensor warning (batch_first=False)
        t = nn.Transformer(d_model=8, nhead=2, num_encoder_layers=1, num_decoder_layers=1)
    assert t.encoder.layers[0].linear1.out_features == 2048
    assert t.encoder.layers[0].dropout.p == 0.1
    assert t.d_model == 8 and t.nhead == 2 and t.batch_first is False


@pytest.mark.parametrize("fn,exc,msg", [
    (lambda m, q, k: m(q, k, k, key_padding_mask=torch.zeros(2, 4, dtype=torch.bool)),
     AssertionError, r"Expected key_padded_mask.shape\[1\] to be 5, but got 4"),
    (lambda m, q, k: m(q, k, k, attn_mask=torch.zeros(3, 4, dtype=torch.bool)), RuntimeError,
     r"The shape of the 2D attn_mask is torch.Size\(\[3, 4\]\), but should be \(3, 5\)."),
    (lambda m, q, k: m(q, k, k, attn_mask=torch.zeros(2, 3, 5, dtype=torch.bool)),
     RuntimeError, r"The shape of the 3D attn_mask is .*, but should be \(4, 3, 5\)."),
    (lambda m, q, k: m(q, k, k, attn_mask=torch.zeros(3, 5, dtype=torch.int64)),
     AssertionError, "only bool and floating types of attn_mask are supported"),
    (lambda m, q, k: m(q, k[:, :, :3], k), AssertionError, "key shape .* does not match value"),
    (lambda m, q, k: m(q[0], k, k), AssertionError,
     "For unbatched .2-D. `query`, expected `key` and `value` to be 2-D but found 3-D"),
    (lambda m, q, k: m(torch.zeros(3, 2, 5), k, k), AssertionError,
     "was expecting embedding dimension of 4, but got 5"),
    (lambda m, q, k: m(q, k, k, is_causal=True), RuntimeError,
     "Need attn_mask if specifying the is_causal hint"),
])
def test_mha_errors(fn, exc, msg):
    m = nn.MultiheadAttention(4, 2)
    with pytest.raises(exc, match=msg):
        fn(m, torch.zeros(3, 2, 4), torch.zeros(5, 2, 4))


@pytest.mark.parametrize("fn,exc,msg", [
    (lambda: nn.MultiheadAttention(4, 3), AssertionError,
     "embed_dim must be divisible by num_heads"),
    (lambda: nn.MultiheadAttention(0, 2), ValueError,
     "embed_dim and num_heads must be greater than 0"),
    (lambda: nn.TransformerEncoderLayer(4, 2, activation="tanh"), RuntimeError,
     "activation should be relu/gelu, not tanh"),
    (lambda: nn.Transformer(4, 2, 1, 1, 6)(torch.zeros(3, 2, 4), torch.zeros(3, 3, 4)),
     RuntimeError, "the batch number of src and tgt must be equal"),
    (lambda: nn.Transformer(4, 2, 1, 1, 6)(torch.zeros(3, 2, 4), torch.zeros(3, 2, 5)),
     RuntimeError, "the feature number of src and tgt must be equal to d_model"),
    (lambda: scaled_dot_product_attention(torch.zeros(2, 3), torch.zeros(4, 3),
                                          torch.zeros(4, 2), is_causal=True,
                                          attn_mask=torch.ones(3, 4, dtype=torch.bool)),
     RuntimeError, "Explicit attn_mask should not be set when is_causal=True"),
    (lambda: scaled_dot_product_attention(torch.zeros(2, 3), torch.zeros(4, 3),
                                          torch.zeros(4, 2), attn_mask=torch.ones(2, 4).long()),
     RuntimeError, "Expected attn_mask dtype to be bool or float"),
    (lambda: scaled_dot_product_attention(torch.zeros(2, 3), torch.zeros(4, 3, dtype=torch.float64),
                                          torch.zeros(4, 2, dtype=torch.float64)),
     RuntimeError, ("Expected query, key, and value to have the same dtype, but got query.dtype: "
     "float key.dtype: double")),
    (lambda: scaled_dot_product_attention(torch.zeros(2, 3), torch.zeros(4, 2),
                                          torch.zeros(4, 2)),
     RuntimeError, r"query's last dimension \(3\) must equal key's \(2\)"),
])
def test_construction_and_functional_errors(fn, exc, msg):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(exc, match=msg):
            fn()


def test_mismatched_mask_types_warn_like_pytorch():
    m = nn.MultiheadAttention(4, 2)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        m(torch.zeros(3, 2, 4), torch.zeros(5, 2, 4), torch.zeros(5, 2, 4),
          key_padding_mask=torch.zeros(2, 5, dtype=torch.bool), attn_mask=torch.zeros(3, 5))
    assert [str(w.message) for w in caught] == [
        ("Support for mismatched key_padding_mask and attn_mask is deprecated. Use same type for "
        "both instead.")]
