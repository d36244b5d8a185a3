"""Convolution, pooling, padding, upsampling and the further normalisation layers (GroupNorm,
InstanceNorm, RMSNorm, LocalResponseNorm, BatchNorm3d) against PyTorch 2.13.

Forward values, buffers and gradients are compared with tests/fixtures/nn_modules_torch.npz
(cases in tests/nn_module_cases.py, generator in tests/fixtures/README.md); every case also
passes gradcheck w.r.t. its inputs and parameters. Error messages are PyTorch's.
"""

import math
import warnings

import numpy as np
import pytest
from nn_module_cases import CONV_CASES
from nn_module_replay import check_gradients, check_structure, check_values

import chainrule as torch
from chainrule import nn

IDS = [c[1] for c in CONV_CASES]
SLOW_FORWARD = {"lstm_2l_bi_h0c0", "gru_2l_bi_bf_h0", "lstm_unbatched_h0c0", "rnn_relu_2l_bi_bf_h0",
                "transformer"}


@pytest.mark.parametrize("group,name,ctor,call,shapes", CONV_CASES, ids=IDS)
def test_state_dict_keys_and_repr_match_pytorch(group, name, ctor, call, shapes):
    check_structure(name, ctor)


@pytest.mark.parametrize("group,name,ctor,call,shapes", CONV_CASES, ids=IDS)
def test_values_and_gradients_match_pytorch(group, name, ctor, call, shapes):
    check_values(name, ctor, call, shapes)


@pytest.mark.parametrize("group,name,ctor,call,shapes", CONV_CASES, ids=IDS)
def test_gradcheck(group, name, ctor, call, shapes):
    check_gradients(name, ctor, call, shapes)


# forward mode (JVP) w.r.t. the inputs; the largest cases are left to the reverse-mode check
FORWARD_CASES = [c for c in CONV_CASES if c[1] not in SLOW_FORWARD]


@pytest.mark.parametrize("group,name,ctor,call,shapes", FORWARD_CASES,
                         ids=[c[1] for c in FORWARD_CASES])
def test_forward_mode_gradcheck(group, name, ctor, call, shapes):
    check_gradients(name, ctor, call, shapes, forward_mode=True)


# --- parameters and initialisation --------------------------------------------------------


@pytest.mark.parametrize("layer,shape,fan_in", [
    (lambda: nn.Conv1d(4, 6, 5, groups=2), (6, 2, 5), 10),
    (lambda: nn.Conv2d(3, 8, (3, 5)), (8, 3, 3, 5), 45),
    (lambda: nn.Conv3d(2, 4, 3), (4, 2, 3, 3, 3), 54),
    (lambda: nn.ConvTranspose2d(4, 6, 3, groups=2), (4, 3, 3, 3), 27),
    (lambda: nn.ConvTranspose1d(3, 5, 4), (3, 5, 4), 20),
])
def test_conv_parameter_shapes_and_default_init(layer, shape, fan_in):
    torch.manual_seed(0)
    m = layer()
    bound = 1 / math.sqrt(fan_in)  # kaiming_uniform_(a=sqrt(5)) and the bias rule agree
    assert tuple(m.weight.shape) == shape and m.weight.dtype == torch.float32
    for p in (m.weight, m.bias):
        a = np.abs(p.detach().numpy())
        assert a.max() <= bound and a.max() > 0.5 * bound
    assert m.bias.shape == (m.out_channels,)


def test_conv_same_padding_amounts_and_no_bias():
    m = nn.Conv2d(2, 3, (4, 3), padding="same", dilation=(1, 2), bias=False)
    assert m.bias is None and list(m.state_dict()) == ["weight"]
    assert list(m._reversed_padding_repeated_twice) == [2, 2, 1, 2]
    assert m(torch.zeros(1, 2, 5, 6)).shape == (1, 3, 5, 6)


def test_norm_defaults():
    gn = nn.GroupNorm(2, 4)
    np.testing.assert_array_equal(gn.weight.detach().numpy(), np.ones(4))
    np.testing.assert_array_equal(gn.bias.detach().numpy(), np.zeros(4))
    inorm = nn.InstanceNorm2d(3)
    assert inorm.weight is None and inorm.running_mean is None and list(inorm.state_dict()) == []
    tracked = nn.InstanceNorm1d(3, track_running_stats=True)
    assert list(tracked.state_dict()) == ["running_mean", "running_var", "num_batches_tracked"]
    assert nn.RMSNorm(4).weight.shape == (4,)
    np.testing.assert_array_equal(nn.PReLU(2).weight.detach().numpy(), [0.25, 0.25])


def test_instance_norm_running_stats_update_and_eval_use():
    m = nn.InstanceNorm1d(2, track_running_stats=True, momentum=0.5).double()
    x = torch.tensor(np.arange(12.0).reshape(2, 2, 3) ** 1.5)
    m(x)
    inst = x.numpy()
    np.testing.assert_allclose(m.running_mean.numpy(), 0.5 * inst.mean(2).mean(0))
    np.testing.assert_allclose(m.running_var.numpy(),
                               0.5 + 0.5 * inst.var(2, ddof=1).mean(0))
    assert int(m.num_batches_tracked) == 0  # as PyTorch: instance_norm does not count batches
    m.eval()
    expected = (inst - m.running_mean.numpy()[:, None]) / np.sqrt(
        m.running_var.numpy()[:, None] + 1e-5)
    np.testing.assert_allclose(m(x).numpy(), expected)


# --- errors (PyTorch's messages) -----------------------------------------------------------


@pytest.mark.parametrize("fn,exc,msg", [
    (lambda: nn.Conv2d(3, 4, 3)(torch.zeros(2, 5, 6, 6)), RuntimeError,
     (r"Given groups=1, weight of size \[4, 3, 3, 3\], expected input\[2, 5, 6, 6\] to have 3 "
     "channels, but got 5 channels instead")),
    (lambda: nn.Conv2d(3, 4, 3)(torch.zeros(2, 6, 6)), RuntimeError,
     r"expected input\[1, 2, 6, 6\] to have 3 channels, but got 2 channels instead"),
    (lambda: nn.Conv2d(3, 4, 3)(torch.zeros(6, 6)), RuntimeError,
     (r"Expected 3D \(unbatched\) or 4D \(batched\) input to conv2d, but got input of size: "
     r"\[6, 6\]")),
    (lambda: nn.Conv1d(3, 4, 3)(torch.zeros(2, 3, 4, 5)), RuntimeError,
     r"Expected 2D \(unbatched\) or 3D \(batched\) input to conv1d"),
    (lambda: nn.ConvTranspose1d(3, 4, 3)(torch.zeros(2, 4, 5)), RuntimeError,
     (r"Given transposed=1, weight of size \[3, 4, 3\], expected input\[2, 4, 5\] to have 3 "
     "channels, but got 4 channels instead")),
    (lambda: nn.ConvTranspose2d(2, 2, 3, stride=2)(torch.zeros(1, 2, 3, 4), output_size=[9, 12]),
     ValueError, (r"requested an output size of \[9, 12\], but valid sizes range from \[7, 9\] "
     r"to \[8, 10\]")),
    (lambda: nn.ConvTranspose2d(2, 2, 3)(torch.zeros(1, 2, 3, 4), output_size=[1, 2, 8]),
     ValueError, "ConvTranspose2D: for 4D input, output_size must have 2 or 4 elements"),
    (lambda: nn.ConvTranspose2d(2, 2, 3, padding_mode="reflect"), ValueError,
     'Only "zeros" padding mode is supported for ConvTranspose2d'),
    (lambda: nn.Conv2d(2, 2, 3, padding="full"), ValueError,
     "Invalid padding string 'full', should be one of"),
    (lambda: nn.Conv2d(2, 2, 3, padding="same", stride=2), ValueError,
     "padding='same' is not supported for strided convolutions"),
    (lambda: nn.Conv2d(2, 2, 3, padding_mode="wrap"), ValueError,
     "padding_mode must be one of .*, but got padding_mode='wrap'"),
    (lambda: nn.Conv2d(2, 2, 3, groups=0), ValueError, "groups must be a positive integer"),
    (lambda: nn.Conv2d(3, 4, 3, groups=2), ValueError, "in_channels must be divisible by groups"),
    (lambda: nn.Conv2d(2, 3, 3, groups=2), ValueError, "out_channels must be divisible by groups"),
    (lambda: nn.GroupNorm(3, 4), ValueError, (r"num_channels \(4\) must be divisible by "
     r"num_groups \(3\)")),
    (lambda: nn.GroupNorm(2, 4)(torch.zeros(2, 5, 3)), RuntimeError,
     "Expected number of channels in input to be divisible by num_groups"),
    (lambda: nn.GroupNorm(2, 4)(torch.zeros(2, 6, 3)), RuntimeError,
     (r"Expected weight to be a vector of size equal to the number of channels in input, but got "
     r"weight of shape \[4\] and input of shape \[2, 6, 3\]")),
    (lambda: nn.InstanceNorm1d(3, affine=True)(torch.zeros(2, 4, 5)), ValueError,
     r"expected input's size at dim=1 to match num_features \(3\), but got: 4."),
    (lambda: nn.InstanceNorm1d(3)(torch.zeros(2, 3, 4, 5)), ValueError,
     r"expected 2D or 3D input \(got 4D input\)"),
    (lambda: nn.InstanceNorm2d(3)(torch.zeros(2, 3, 1, 1)), ValueError,
     "Expected more than 1 spatial element when training"),
    (lambda: nn.RMSNorm(3)(torch.zeros(2, 4)), RuntimeError,
     (r"Given normalized_shape=\[3\], expected input with shape \[\*,? ?3\], but got input of "
     r"size\[2, 4\]")),
    (lambda: nn.BatchNorm3d(2)(torch.zeros(2, 2, 3)), ValueError,
     r"expected 5D input \(got 3D input\)"),
    (lambda: nn.PixelShuffle(2)(torch.zeros(2, 5, 3, 3)), RuntimeError,
     r"input.size\(-3\)=5 is not divisible by 4"),
    (lambda: nn.PixelUnshuffle(2)(torch.zeros(2, 5, 4, 3)), RuntimeError,
     "pixel_unshuffle expects .*width.* divisible by downscale_factor"),
    (lambda: nn.CircularPad2d(1)(torch.zeros(2, 3)), ValueError,
     r"expected 3D or 4D input \(got 2D input\)"),
    (lambda: nn.PReLU(3)(torch.zeros(2, 4)), RuntimeError,
     ("Mismatch of parameter numbers and input channel size. Found parameter numbers = 3 and "
     "channel size = 4.")),
    (lambda: nn.ChannelShuffle(2)(torch.zeros(1, 5, 2, 2)), RuntimeError,
     "Number of channels must be divisible by groups. Got 5 channels and 2 groups."),
    (lambda: nn.Softmax2d()(torch.zeros(2, 3)), ValueError,
     "Softmax2d: expected input to be 3D or 4D, got 2D instead"),
])
def test_errors(fn, exc, msg):
    with pytest.raises(exc, match=msg):
        fn()


def test_instance_norm_warns_on_feature_mismatch_without_affine():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = nn.InstanceNorm1d(3)(torch.ones(2, 4, 5) * torch.arange(5.0))
    assert "input's size at dim=1 does not match num_features" in str(caught[0].message)
    assert out.shape == (2, 4, 5)


@pytest.mark.parametrize("layer,text", [
    (nn.Conv2d(3, 4, 3, padding="same"),
     "Conv2d(3, 4, kernel_size=(3, 3), stride=(1, 1), padding=same)"),
    (nn.Conv1d(3, 4, 3, stride=2, padding=1, dilation=2, bias=False, padding_mode="circular"),
     ("Conv1d(3, 4, kernel_size=(3,), stride=(2,), padding=(1,), dilation=(2,), bias=False, "
     "padding_mode=circular)")),
    (nn.ConvTranspose2d(4, 6, 3, stride=2, output_padding=1, groups=2),
     ("ConvTranspose2d(4, 6, kernel_size=(3, 3), stride=(2, 2), output_padding=(1, 1), "
     "groups=2)")),
    (nn.MaxPool1d(3, 1, 1), ("MaxPool1d(kernel_size=3, stride=1, padding=1, dilation=1, "
     "ceil_mode=False)")),
    (nn.AvgPool1d(3), "AvgPool1d(kernel_size=(3,), stride=(3,), padding=(0,))"),
    (nn.AdaptiveAvgPool2d((None, 3)), "AdaptiveAvgPool2d(output_size=(None, 3))"),
    (nn.LPPool2d(2, 3), "LPPool2d(norm_type=2, kernel_size=3, stride=None, ceil_mode=False)"),
    (nn.Upsample(scale_factor=(2, 3)), "Upsample(scale_factor=(2.0, 3.0), mode='nearest')"),
    (nn.Upsample(size=(3, 4), mode="bilinear"), "Upsample(size=(3, 4), mode='bilinear')"),
    (nn.ZeroPad1d(2), "ZeroPad1d((2, 2))"),
    (nn.ConstantPad3d(1, 0.5), "ConstantPad3d(padding=(1, 1, 1, 1, 1, 1), value=0.5)"),
    (nn.InstanceNorm1d(3), ("InstanceNorm1d(3, eps=1e-05, momentum=0.1, affine=False, "
     "bias=False, track_running_stats=False)")),
    (nn.RMSNorm(4), "RMSNorm((4,), eps=None, elementwise_affine=True)"),
    (nn.LocalResponseNorm(2), "LocalResponseNorm(2, alpha=0.0001, beta=0.75, k=1.0)"),
    (nn.PReLU(3), "PReLU(num_parameters=3)"),
    (nn.Softshrink(0.3), "Softshrink(0.3)"),
    (nn.Fold((4, 5), 2), ("Fold(output_size=(4, 5), kernel_size=2, dilation=1, padding=0, "
     "stride=1)")),
    (nn.Unfold((2, 3), stride=2), "Unfold(kernel_size=(2, 3), dilation=1, padding=0, stride=2)"),
])
def test_repr(layer, text):
    assert repr(layer) == text
