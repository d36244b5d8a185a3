"""The nn layer cases checked against values recorded from PyTorch 2.13.

Pure data (no chainrule, no torch import). Each case is (group, name, constructor, call,
input shapes):

- constructor: source evaluated with `nn` bound to torch.nn or chainrule.nn; the module is then
  converted with .double() and its k-th parameter set to `param_value(shape, k)` (in chainrule
  through load_state_dict, so the state_dict keys must match PyTorch's);
- call: source of `lambda m, T, F, *x: ...` where x are the float64 inputs (made by `make_input`,
  requiring grad), T turns a NumPy array into a constant tensor (masks) and F is the functional
  namespace (torch.nn.functional, or chainrule's functions of the same names);
- input shapes: one tuple per float input.

tests/fixtures/README.md (gen_nn_modules.py) records, for each case: the state_dict keys, the
repr, every output, the buffers after the call, and the gradients of
sum(output_i * seed_i) w.r.t. the inputs and the parameters. tests/test_nn_rnn.py,
tests/test_nn_attention.py and tests/test_nn_conv_modules.py replay them.
"""

import numpy as np


def make_input(shape, k=0):
    """Deterministic float64 values in about [-1.3, 1.3], distinct (no ties for max pooling)."""
    n = int(np.prod(shape))
    return (np.sin(0.61 * np.arange(n) + 0.37 * k + 0.2) * 1.3 + 0.001 * np.arange(n) / max(n, 1)
            ).reshape(shape)


def param_value(shape, k=0):
    """The value given to the k-th parameter (in named_parameters order) in both libraries."""
    n = int(np.prod(shape))
    return (0.6 * np.cos(0.53 * np.arange(n) + 0.71 * k + 0.3)).reshape(shape)


def seed_gradient(shape, k=0):
    n = int(np.prod(shape))
    return np.cos(0.43 * np.arange(n) + 0.5 * k + 0.1).reshape(shape)


_CALL = "lambda m, T, F, *x: m(*x)"
_KPM = "np.array([[False, False, True, False, True], [False, False, False, False, False]])"
_CAUSAL35 = "np.triu(np.ones((3, 5), dtype=bool), 1)"
_CAUSAL3 = "np.triu(np.full((3, 3), -np.inf), 1)"
_CAUSAL4 = "np.triu(np.full((4, 4), -np.inf), 1)"

RNN_CASES = [
    ("rnn", "rnn_tanh", "nn.RNN(3, 4)", _CALL, [(5, 2, 3)]),
    ("rnn", "rnn_relu_2l_bi_bf_h0", ("nn.RNN(3, 4, 2, 'relu', batch_first=True, "
     "bidirectional=True)"), _CALL, [(2, 5, 3), (4, 2, 4)]),
    ("rnn", "rnn_nobias_unbatched_h0", "nn.RNN(3, 4, bias=False)", _CALL, [(5, 3), (1, 4)]),
    ("rnn", "lstm", "nn.LSTM(3, 4)", _CALL, [(5, 2, 3)]),
    ("rnn", "lstm_2l_bi_h0c0", "nn.LSTM(3, 4, num_layers=2, bidirectional=True)",
     "lambda m, T, F, x, h, c: m(x, (h, c))", [(4, 2, 3), (4, 2, 4), (4, 2, 4)]),
    ("rnn", "lstm_proj_bf", "nn.LSTM(3, 4, proj_size=2, batch_first=True)", _CALL, [(2, 5, 3)]),
    ("rnn", "lstm_proj_bi_2l", "nn.LSTM(3, 4, 2, proj_size=3, bidirectional=True)", _CALL,
     [(3, 2, 3)]),
    ("rnn", "lstm_unbatched_h0c0", "nn.LSTM(3, 4, 2)", "lambda m, T, F, x, h, c: m(x, (h, c))",
     [(5, 3), (2, 4), (2, 4)]),
    ("rnn", "lstm_dropout_eval", "nn.LSTM(3, 4, 2, dropout=0.5).eval()", _CALL, [(4, 2, 3)]),
    ("rnn", "gru", "nn.GRU(3, 4)", _CALL, [(5, 2, 3)]),
    ("rnn", "gru_2l_bi_bf_h0", "nn.GRU(3, 4, 2, batch_first=True, bidirectional=True)", _CALL,
     [(2, 5, 3), (4, 2, 4)]),
    ("rnn", "gru_nobias_unbatched", "nn.GRU(3, 4, bias=False)", _CALL, [(5, 3)]),
    ("rnn", "rnncell_tanh", "nn.RNNCell(3, 4)", _CALL, [(2, 3), (2, 4)]),
    ("rnn", "rnncell_relu_nobias_nohx", "nn.RNNCell(3, 4, bias=False, nonlinearity='relu')",
     _CALL, [(2, 3)]),
    ("rnn", "lstmcell", "nn.LSTMCell(3, 4)", "lambda m, T, F, x, h, c: m(x, (h, c))",
     [(2, 3), (2, 4), (2, 4)]),
    ("rnn", "lstmcell_unbatched_nohx", "nn.LSTMCell(3, 4)", _CALL, [(3,)]),
    ("rnn", "grucell", "nn.GRUCell(3, 4)", _CALL, [(2, 3), (2, 4)]),
    ("rnn", "grucell_unbatched_nobias", "nn.GRUCell(3, 4, bias=False)", _CALL, [(3,), (4,)]),
]

ATTENTION_CASES = [
    ("attention", "mha", "nn.MultiheadAttention(4, 2)", _CALL, [(3, 2, 4), (5, 2, 4), (5, 2, 4)]),
    ("attention", "mha_self", "nn.MultiheadAttention(4, 2)", "lambda m, T, F, x: m(x, x, x)",
     [(3, 2, 4)]),
    ("attention", "mha_kv_same", "nn.MultiheadAttention(4, 2)",
     "lambda m, T, F, q, k: m(q, k, k)", [(3, 2, 4), (5, 2, 4)]),
    ("attention", "mha_bool_masks_per_head",
     "nn.MultiheadAttention(4, 2)",
     (f"lambda m, T, F, q, k, v: m(q, k, v, key_padding_mask=T({_KPM}), "
     f"attn_mask=T({_CAUSAL35}), average_attn_weights=False)"),
     [(3, 2, 4), (5, 2, 4), (5, 2, 4)]),
    ("attention", "mha_float_mask_3d", "nn.MultiheadAttention(4, 2)",
     "lambda m, T, F, q, k, v: m(q, k, v, attn_mask=T(np.cos(np.arange(60.0)).reshape(4, 3, 5)))",
     [(3, 2, 4), (5, 2, 4), (5, 2, 4)]),
    ("attention", "mha_no_weights_masks", "nn.MultiheadAttention(4, 2)",
     (f"lambda m, T, F, q, k, v: m(q, k, v, key_padding_mask=T({_KPM}), "
     f"attn_mask=T({_CAUSAL35}), need_weights=False)"),
     [(3, 2, 4), (5, 2, 4), (5, 2, 4)]),
    ("attention", "mha_kdim_vdim_bias_kv_zero_attn",
     "nn.MultiheadAttention(4, 2, add_bias_kv=True, add_zero_attn=True, kdim=3, vdim=5)",
     f"lambda m, T, F, q, k, v: m(q, k, v, key_padding_mask=T({_KPM}))",
     [(3, 2, 4), (5, 2, 3), (5, 2, 5)]),
    ("attention", "mha_batch_first_nobias_self", ("nn.MultiheadAttention(4, 1, bias=False, "
     "batch_first=True)"), "lambda m, T, F, x: m(x, x, x)", [(2, 3, 4)]),
    ("attention", "mha_batch_first_cross", "nn.MultiheadAttention(6, 3, batch_first=True)",
     _CALL, [(2, 3, 6), (2, 4, 6), (2, 4, 6)]),
    ("attention", "mha_unbatched", "nn.MultiheadAttention(4, 2)",
     ("lambda m, T, F, q, k, v: m(q, k, v, key_padding_mask=T(np.array([False, True, False, "
     "False, False])))"), [(3, 4), (5, 4), (5, 4)]),
    ("attention", "mha_dropout_eval", "nn.MultiheadAttention(4, 2, dropout=0.5).eval()", _CALL,
     [(3, 2, 4), (5, 2, 4), (5, 2, 4)]),
    ("attention", "sdpa", "nn.Identity()",
     "lambda m, T, F, q, k, v: F.scaled_dot_product_attention(q, k, v)",
     [(2, 3, 4), (2, 5, 4), (2, 5, 3)]),
    ("attention", "sdpa_bool_mask_dead_row", "nn.Identity()",
     ("lambda m, T, F, q, k, v: F.scaled_dot_product_attention(q, k, v, attn_mask=T(np.array("
     "[[True, False, True, True, False], [False] * 5, [True] * 5])))"),
     [(2, 2, 3, 4), (2, 2, 5, 4), (2, 2, 5, 3)]),
    ("attention", "sdpa_float_mask_scale", "nn.Identity()",
     ("lambda m, T, F, q, k, v: F.scaled_dot_product_attention(q, k, v, attn_mask=T(np.sin("
     "np.arange(15.0)).reshape(3, 5)), scale=0.7)"),
     [(2, 3, 4), (2, 5, 4), (2, 5, 3)]),
    ("attention", "sdpa_causal_gqa", "nn.Identity()",
     ("lambda m, T, F, q, k, v: F.scaled_dot_product_attention(q, k, v, is_causal=True, "
     "enable_gqa=True)"), [(1, 4, 5, 2), (1, 2, 5, 2), (1, 2, 5, 3)]),
    ("attention", "encoder_layer", "nn.TransformerEncoderLayer(4, 2, 6, dropout=0.0)",
     ("lambda m, T, F, x: m(x, src_key_padding_mask=T(np.array([[False] * 3 + [True], "
     "[False] * 4])))"), [(4, 2, 4)]),
    ("attention", "encoder_layer_norm_first_gelu_bf",
     ("nn.TransformerEncoderLayer(4, 2, 6, dropout=0.0, activation='gelu', batch_first=True, "
     "norm_first=True)"), f"lambda m, T, F, x: m(x, src_mask=T({_CAUSAL4}))", [(2, 4, 4)]),
    ("attention", "decoder_layer", "nn.TransformerDecoderLayer(4, 2, 6, dropout=0.0)",
     f"lambda m, T, F, t, s: m(t, s, tgt_mask=T({_CAUSAL3}), memory_key_padding_mask=T({_KPM}))",
     [(3, 2, 4), (5, 2, 4)]),
    ("attention", "encoder_2l", ("nn.TransformerEncoder(nn.TransformerEncoderLayer(4, 2, 6, "
     "dropout=0.0), 2, norm=nn.LayerNorm(4), enable_nested_tensor=False)"),
     f"lambda m, T, F, x: m(x, mask=T({_CAUSAL3}))", [(3, 2, 4)]),
    ("attention", "transformer", ("nn.Transformer(d_model=4, nhead=2, num_encoder_layers=1, "
     "num_decoder_layers=1, dim_feedforward=6, dropout=0.0, batch_first=True)"),
     f"lambda m, T, F, s, t: m(s, t, tgt_mask=T({_CAUSAL3}))", [(2, 4, 4), (2, 3, 4)]),
]

CONV_CASES = [
    ("conv", "conv1d", "nn.Conv1d(2, 3, 3)", _CALL, [(2, 2, 7)]),
    ("conv", "conv1d_stride_pad_dil_nobias", ("nn.Conv1d(2, 4, 3, stride=2, padding=1, "
     "dilation=2, bias=False)"), _CALL, [(2, 2, 9)]),
    ("conv", "conv1d_groups_unbatched", "nn.Conv1d(4, 6, 3, groups=2)", _CALL, [(4, 7)]),
    ("conv", "conv1d_same_circular", ("nn.Conv1d(2, 3, 4, padding='same', "
     "padding_mode='circular')"), _CALL, [(2, 2, 6)]),
    ("conv", "conv2d", "nn.Conv2d(2, 3, 3)", _CALL, [(2, 2, 5, 6)]),
    ("conv", "conv2d_stride_pad_dil", ("nn.Conv2d(2, 4, (3, 2), stride=(2, 1), padding=(1, 2), "
     "dilation=(1, 2))"), _CALL, [(1, 2, 6, 5)]),
    ("conv", "conv2d_same_even_kernel", "nn.Conv2d(2, 3, 4, padding='same')", _CALL,
     [(1, 2, 5, 5)]),
    ("conv", "conv2d_valid_depthwise", "nn.Conv2d(3, 6, 3, padding='valid', groups=3)", _CALL,
     [(2, 3, 4, 5)]),
    ("conv", "conv2d_reflect", "nn.Conv2d(2, 3, 3, padding=1, padding_mode='reflect')", _CALL,
     [(1, 2, 4, 5)]),
    ("conv", "conv2d_replicate_unbatched", ("nn.Conv2d(2, 3, 3, padding=(2, 1), "
     "padding_mode='replicate')"), _CALL, [(2, 4, 4)]),
    ("conv", "conv_transpose1d", ("nn.ConvTranspose1d(2, 3, 3, stride=2, padding=1, "
     "output_padding=1)"), _CALL, [(2, 2, 4)]),
    ("conv", "conv_transpose2d", "nn.ConvTranspose2d(2, 3, 3)", _CALL, [(2, 2, 3, 4)]),
    ("conv", "conv_transpose2d_stride_groups_dil", ("nn.ConvTranspose2d(4, 6, (3, 2), stride=2, "
     "padding=1, output_padding=1, groups=2, dilation=(1, 2))"), _CALL, [(1, 4, 3, 3)]),
    ("conv", "conv_transpose2d_output_size", "nn.ConvTranspose2d(2, 2, 3, stride=2, bias=False)",
     "lambda m, T, F, x: m(x, output_size=[8, 10])", [(1, 2, 3, 4)]),
    ("conv", "maxpool1d", "nn.MaxPool1d(3, 2, 1)", _CALL, [(2, 3, 8)]),
    ("conv", "maxpool2d", "nn.MaxPool2d(2)", _CALL, [(2, 2, 4, 6)]),
    ("conv", "maxpool2d_pad_ceil", "nn.MaxPool2d(3, stride=2, padding=1, ceil_mode=True)", _CALL,
     [(1, 2, 6, 7)]),
    ("conv", "maxpool2d_dilation_unbatched", "nn.MaxPool2d(2, stride=1, dilation=2)", _CALL,
     [(2, 5, 5)]),
    ("conv", "maxpool2d_indices", "nn.MaxPool2d(2, return_indices=True)", _CALL, [(1, 2, 4, 4)]),
    ("conv", "avgpool1d", "nn.AvgPool1d(3, 2, 1)", _CALL, [(2, 2, 7)]),
    ("conv", "avgpool2d", "nn.AvgPool2d(2)", _CALL, [(2, 2, 4, 6)]),
    ("conv", "avgpool2d_pad_exclude_ceil", ("nn.AvgPool2d(3, 2, 1, ceil_mode=True, "
     "count_include_pad=False)"), _CALL, [(1, 2, 6, 5)]),
    ("conv", "avgpool2d_divisor", "nn.AvgPool2d((2, 3), divisor_override=4)", _CALL,
     [(1, 2, 4, 6)]),
    ("conv", "adaptive_avgpool1d", "nn.AdaptiveAvgPool1d(3)", _CALL, [(2, 2, 7)]),
    ("conv", "adaptive_avgpool2d", "nn.AdaptiveAvgPool2d((2, 3))", _CALL, [(2, 2, 5, 7)]),
    ("conv", "adaptive_avgpool2d_none_unbatched", "nn.AdaptiveAvgPool2d((None, 2))", _CALL,
     [(2, 3, 5)]),
    ("conv", "adaptive_maxpool2d", "nn.AdaptiveMaxPool2d(2)", _CALL, [(2, 2, 5, 5)]),
    ("conv", "adaptive_maxpool1d", "nn.AdaptiveMaxPool1d(3)", _CALL, [(2, 2, 7)]),
    ("conv", "upsample_nearest", "nn.Upsample(scale_factor=2)", _CALL, [(1, 2, 3, 3)]),
    ("conv", "upsample_bilinear_size", "nn.Upsample(size=(5, 4), mode='bilinear')", _CALL,
     [(1, 2, 3, 3)]),
    ("conv", "upsampling_bilinear2d", "nn.UpsamplingBilinear2d(scale_factor=2)", _CALL,
     [(1, 2, 3, 3)]),
    ("conv", "upsampling_nearest2d", "nn.UpsamplingNearest2d(size=(4, 5))", _CALL,
     [(1, 1, 2, 3)]),
    ("conv", "pixel_shuffle", "nn.PixelShuffle(2)", _CALL, [(2, 8, 2, 3)]),
    ("conv", "pixel_unshuffle", "nn.PixelUnshuffle(2)", _CALL, [(1, 2, 4, 6)]),
    ("conv", "zero_pad2d", "nn.ZeroPad2d((1, 0, 2, 1))", _CALL, [(1, 2, 3, 3)]),
    ("conv", "constant_pad1d", "nn.ConstantPad1d((2, 1), 3.5)", _CALL, [(2, 3, 4)]),
    ("conv", "reflection_pad2d", "nn.ReflectionPad2d(2)", _CALL, [(1, 2, 3, 4)]),
    ("conv", "replication_pad1d", "nn.ReplicationPad1d((1, 3))", _CALL, [(2, 2, 4)]),
    ("conv", "group_norm", "nn.GroupNorm(2, 4)", _CALL, [(2, 4, 3, 2)]),
    ("conv", "group_norm_no_affine_2d", "nn.GroupNorm(3, 6, affine=False)", _CALL, [(3, 6)]),
    ("conv", "instance_norm1d", "nn.InstanceNorm1d(3)", _CALL, [(2, 3, 5)]),
    ("conv", "instance_norm2d_affine_stats", ("nn.InstanceNorm2d(2, affine=True, "
     "track_running_stats=True)"), _CALL, [(3, 2, 3, 4)]),
    ("conv", "instance_norm1d_stats_eval_unbatched", ("nn.InstanceNorm1d(3, "
     "track_running_stats=True).eval()"), _CALL, [(3, 5)]),
    ("conv", "rms_norm", "nn.RMSNorm(4)", _CALL, [(2, 3, 4)]),
    ("conv", "rms_norm_eps_2d", "nn.RMSNorm((2, 3), eps=1e-3)", _CALL, [(4, 2, 3)]),
    ("conv", "local_response_norm", "nn.LocalResponseNorm(3, alpha=0.5, beta=0.6, k=1.5)", _CALL,
     [(2, 5, 3)]),
    ("conv", "batch_norm3d", "nn.BatchNorm3d(2)", _CALL, [(2, 2, 2, 3, 2)]),
    ("conv", "prelu_channels", "nn.PReLU(3)", _CALL, [(2, 3, 4)]),
    ("conv", "prelu_shared_1d", "nn.PReLU()", _CALL, [(5,)]),
    ("conv", "hardshrink", "nn.Hardshrink(0.4)", _CALL, [(3, 5)]),
    ("conv", "softshrink", "nn.Softshrink()", _CALL, [(3, 5)]),
    ("conv", "softmax2d", "nn.Softmax2d()", _CALL, [(2, 3, 2, 2)]),
    ("conv", "channel_shuffle", "nn.ChannelShuffle(2)", _CALL, [(2, 6, 2)]),
    ("conv", "unfold", "nn.Unfold((2, 3), padding=1, stride=2)", _CALL, [(2, 2, 4, 5)]),
    ("conv", "fold", "nn.Fold((4, 5), 2, stride=(2, 1))", _CALL, [(2, 8, 8)]),
    ("conv", "cnn", ("nn.Sequential(nn.Conv2d(1, 2, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), "
     "nn.Flatten(), nn.Linear(8, 3))"), _CALL, [(2, 1, 4, 4)]),
]

CASES = RNN_CASES + ATTENTION_CASES + CONV_CASES
