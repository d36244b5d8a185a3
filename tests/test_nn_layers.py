"""Every layer gradchecks (float64) w.r.t. its input and its parameters; layer-specific behaviour
(initialisation, running statistics, padding rows, train/eval) against values from PyTorch 2.13;
bad input raises clear errors."""

import math

import numpy as np
import pytest

import chainrule as torch
from chainrule import nn
from chainrule.autograd import gradcheck, gradgradcheck


def _x(*shape, offset=0.0):
    n = int(np.prod(shape))
    data = np.sin(0.77 * np.arange(n) + 0.3 + offset).reshape(shape) * 1.5
    return torch.tensor(data, dtype=torch.float64, requires_grad=True)


def _check(layer, *inputs, second_order=False):
    """gradcheck of layer(*inputs) w.r.t. the floating inputs and every parameter."""
    params = [p for p in layer.parameters() if p.requires_grad]
    n = len(inputs)

    def fn(*args):
        return layer(*args[:n])

    args = tuple(inputs) + tuple(params)
    assert gradcheck(fn, args)
    if second_order:
        assert gradgradcheck(fn, args)


LAYERS = {
    "linear": lambda: (nn.Linear(4, 3, dtype=torch.float64), [_x(5, 4)]),
    "linear_nobias_3d": lambda: (nn.Linear(4, 2, bias=False).double(), [_x(2, 3, 4)]),
    "linear_1d": lambda: (nn.Linear(4, 2).double(), [_x(4)]),
    "bilinear": lambda: (nn.Bilinear(3, 2, 4).double(), [_x(5, 3), _x(5, 2, offset=1.0)]),
    "identity": lambda: (nn.Identity(), [_x(2, 3)]),
    "flatten": lambda: (nn.Flatten(), [_x(2, 3, 2)]),
    "unflatten": lambda: (nn.Unflatten(1, (2, 3)), [_x(2, 6)]),
    "layer_norm": lambda: (nn.LayerNorm(5).double(), [_x(3, 5)]),
    "layer_norm_2d_nobias": lambda: (nn.LayerNorm((2, 3), bias=False).double(), [_x(2, 2, 3)]),
    "batch_norm1d_train": lambda: (nn.BatchNorm1d(3).double(), [_x(4, 3)]),
    "batch_norm1d_train_3d": lambda: (nn.BatchNorm1d(2).double(), [_x(3, 2, 4)]),
    "batch_norm1d_eval": lambda: (nn.BatchNorm1d(3).double().eval(), [_x(4, 3)]),
    "batch_norm1d_no_stats": lambda: (nn.BatchNorm1d(3, track_running_stats=False).double(),
                                      [_x(4, 3)]),
    "batch_norm2d": lambda: (nn.BatchNorm2d(2).double(), [_x(2, 2, 2, 3)]),
    "mlp": lambda: (nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2), nn.GELU())
                    .double(), [_x(5, 3)]),
}

ACTIVATIONS = [nn.ReLU(), nn.LeakyReLU(0.1), nn.ELU(0.8), nn.SELU(), nn.CELU(1.3), nn.GELU(),
               nn.GELU("tanh"), nn.SiLU(), nn.Mish(), nn.Sigmoid(), nn.Tanh(), nn.Softmax(1),
               nn.Softmin(0), nn.LogSoftmax(-1), nn.Softplus(1.5, 10), nn.Hardtanh(-0.5, 0.7),
               nn.ReLU6(), nn.Hardsigmoid(), nn.Hardswish(), nn.LogSigmoid(), nn.Softsign(),
               nn.Tanhshrink(), nn.Threshold(0.1, 2.0), nn.GLU(0)]


@pytest.mark.parametrize("name", list(LAYERS))
def test_layer_gradcheck(name):
    layer, inputs = LAYERS[name]()
    _check(layer, *inputs)


@pytest.mark.parametrize("name", ["linear", "bilinear", "layer_norm", "batch_norm1d_train",
                                  "mlp"])
def test_layer_gradgradcheck(name):
    layer, inputs = LAYERS[name]()
    _check(layer, *inputs, second_order=True)


@pytest.mark.parametrize("act", ACTIVATIONS, ids=[type(a).__name__ + str(i)
                                                  for i, a in enumerate(ACTIVATIONS)])
def test_activation_module_gradcheck(act):
    # kinks (0, 6, +-3, thresholds) are avoided by the offset
    _check(act, _x(4, 3, offset=0.05) * 2.3 + 0.011)


LOSSES = [
    (nn.MSELoss(), lambda: _x(3, 4, offset=2.0)),
    (nn.L1Loss(reduction="sum"), lambda: _x(3, 4, offset=2.0)),
    (nn.SmoothL1Loss(beta=0.5), lambda: _x(3, 4, offset=2.0)),
    (nn.HuberLoss(delta=0.3), lambda: _x(3, 4, offset=2.0)),
    (nn.CrossEntropyLoss(), lambda: torch.tensor([0, 3, 1])),
    (nn.CrossEntropyLoss(weight=torch.tensor([1.0, 2.0, 0.5, 1.5], dtype=torch.float64),
                         ignore_index=1, label_smoothing=0.1), lambda: torch.tensor([0, 3, 1])),
    (nn.CrossEntropyLoss(reduction="none"),
     lambda: torch.softmax(_x(3, 4, offset=1.0).detach(), 1)),
    (nn.NLLLoss(reduction="sum"), lambda: torch.tensor([2, 2, 0])),
    (nn.BCEWithLogitsLoss(pos_weight=torch.tensor([1.0, 2.0, 3.0, 0.5], dtype=torch.float64)),
     lambda: torch.sigmoid(_x(3, 4, offset=1.0).detach())),
    (nn.KLDivLoss(reduction="batchmean"),
     lambda: torch.softmax(_x(3, 4, offset=1.0).detach(), 1)),
]


@pytest.mark.parametrize("loss,target", LOSSES, ids=[type(x[0]).__name__ + str(i)
                                                     for i, x in enumerate(LOSSES)])
def test_loss_module_gradcheck(loss, target):
    t = target()
    assert gradcheck(lambda x: loss(x, t), (_x(3, 4),))


def test_bce_loss_module_gradcheck():
    loss = nn.BCELoss(weight=torch.tensor([1.0, 0.5, 2.0, 1.0], dtype=torch.float64))
    p = torch.sigmoid(_x(3, 4)).detach().requires_grad_()
    t = torch.sigmoid(_x(3, 4, offset=1.0)).detach().requires_grad_()
    assert gradcheck(loss, (p, t))


def test_embedding_gradcheck():
    # (padding_idx rows get no gradient by definition, so they are checked separately below)
    emb = nn.Embedding(6, 3, scale_grad_by_freq=False).double()
    idx = torch.tensor([[0, 2, 5], [5, 5, 1]])
    assert gradcheck(lambda w: emb(idx), (emb.weight,))
    assert gradgradcheck(lambda w: emb(idx) ** 2, (emb.weight,))


def test_dropout_gradcheck_with_fixed_mask():
    drop = nn.Dropout(0.4)

    def fn(x):
        torch.manual_seed(3)
        return drop(x)

    assert gradcheck(fn, (_x(4, 5),))


def test_modules_accept_parameters_as_leaves_only_once():
    net = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1)).double()
    net(_x(2, 3)).sum().backward()
    grads = [p.grad for p in net.parameters()]
    assert all(g is not None and g.shape == p.shape for g, p in zip(grads, net.parameters()))


# --- initialisation -----------------------------------------------------------------------------


def test_linear_default_init_is_pytorchs_kaiming_uniform():
    torch.manual_seed(0)
    lin = nn.Linear(400, 300)
    bound = 1 / math.sqrt(400)
    w, b = lin.weight.detach().numpy(), lin.bias.detach().numpy()
    assert w.dtype == np.float32 and w.shape == (300, 400) and b.shape == (300,)
    assert np.abs(w).max() <= bound and np.abs(b).max() <= bound
    assert abs(w.std() - bound / math.sqrt(3)) < 0.01 * bound  # U(-a, a) has std a/sqrt(3)
    assert abs(w.mean()) < 0.01 * bound
    torch.manual_seed(0)
    again = nn.Linear(400, 300)
    assert np.array_equal(again.weight.detach().numpy(), w)  # manual_seed makes it reproducible


def test_other_default_inits():
    bil = nn.Bilinear(4, 9, 2)
    assert np.abs(bil.weight.detach().numpy()).max() <= 0.5  # 1/sqrt(in1_features)
    ln = nn.LayerNorm(3)
    assert ln.weight.tolist() == [1.0] * 3 and ln.bias.tolist() == [0.0] * 3
    bn = nn.BatchNorm1d(2)
    assert bn.running_var.tolist() == [1.0, 1.0] and int(bn.num_batches_tracked) == 0
    emb = nn.Embedding(1000, 8, padding_idx=3)
    w = emb.weight.detach().numpy()
    assert abs(w.std() - 1) < 0.05 and not np.any(w[3])


# --- layer behaviour against PyTorch ----------------------------------------------------------

X_STEPS = [np.sin(np.arange(12.0) * (k + 1) * 0.7).reshape(4, 3) * (k + 1) for k in range(3)]


@pytest.mark.parametrize("momentum,rm,rv,eval_out", [
    (0.1, [0.00848461266180732, 0.31227804659200276, -0.2307564991022282],
     [0.9489852013235519, 1.0476963001448574, 0.9774710190917686],
     [[-0.00870963615166382, 0.3242943197588997, 1.230135797812611],
      [0.8773932192046572, 0.022187038500686353, -0.12140143011771981],
      [-0.9034007857545625, -1.2649100830042945, -0.4050972995396908],
      [0.008550191885998896, 0.33676913432087685, 1.2328854375281437]]),
    (None, [0.028693230587349135, 1.0675828911545546, -0.7482232458431368],
     [0.831325723014596, 1.200504624987197, 0.9449323036758908],
     [[-0.03146960031089316, -0.3863949424227275, 1.7834647643345238],
      [0.9152642876827541, -0.6686210868263819, 0.408854656094105],
      [-0.9873794312034337, -1.8710166615458077, 0.12031564901793612],
      [-0.013028779354924865, -0.37474107297173537, 1.7862613447533842]]),
])
def test_batchnorm_running_stats_match_pytorch(momentum, rm, rv, eval_out):
    bn = nn.BatchNorm1d(3, momentum=momentum).double()
    for xs in X_STEPS:
        y = bn(torch.tensor(xs))
        # training mode normalises with the batch statistics (biased variance)
        np.testing.assert_allclose(y.detach().numpy(),
                                   (xs - xs.mean(0)) / np.sqrt(xs.var(0) + 1e-5), rtol=1e-12)
    np.testing.assert_allclose(bn.running_mean.numpy(), rm, rtol=1e-12)
    np.testing.assert_allclose(bn.running_var.numpy(), rv, rtol=1e-12)  # unbiased updates
    assert int(bn.num_batches_tracked) == 3
    bn.eval()
    np.testing.assert_allclose(bn(torch.tensor(X_STEPS[0])).detach().numpy(), eval_out,
                               rtol=1e-12)
    assert not bn.running_mean.requires_grad


def test_batchnorm_eval_does_not_update_and_no_stats_uses_batch():
    bn = nn.BatchNorm1d(3).eval()
    bn(torch.randn(4, 3))
    assert bn.running_mean.tolist() == [0.0] * 3 and int(bn.num_batches_tracked) == 0
    free = nn.BatchNorm1d(3, track_running_stats=False).eval()
    x = torch.randn(5, 3, dtype=torch.float64)
    free.double()
    out = free(x).detach().numpy()
    np.testing.assert_allclose(out.mean(0), 0, atol=1e-12)
    assert free.running_mean is None


W6 = np.cos(np.arange(18.0)).reshape(6, 3)
IDX = [[1, 2, 2], [5, 1, 0]]
SEED = np.sin(np.arange(18.0)).reshape(2, 3, 3)


def test_embedding_padding_idx_gets_no_gradient():
    emb = nn.Embedding.from_pretrained(torch.tensor(W6), freeze=False, padding_idx=1)
    (emb(torch.tensor(IDX)) * torch.tensor(SEED)).sum().backward()
    np.testing.assert_allclose(emb.weight.grad.numpy(), [
        [0.6502878401571168, -0.2879033166650653, -0.9613974918795568], [0.0, 0.0, 0.0],
        [-0.13829549013905865, -0.09981589658913914, 0.030433971960243333], [0.0, 0.0, 0.0],
        [0.0, 0.0, 0.0], [0.4121184852417566, -0.5440211108893698, -0.9999902065507035]],
        rtol=1e-12)


def test_embedding_scale_grad_by_freq():
    emb = nn.Embedding.from_pretrained(torch.tensor(W6), freeze=False, scale_grad_by_freq=True)
    (emb(torch.tensor(IDX)) * torch.tensor(SEED)).sum().backward()
    np.testing.assert_allclose(emb.weight.grad.numpy(), [
        [0.6502878401571168, -0.2879033166650653, -0.9613974918795568],
        [-0.26828645900021747, 0.6308190108172687, 0.9499523912602761],
        [-0.06914774506952932, -0.04990794829456957, 0.015216985980121667], [0.0, 0.0, 0.0],
        [0.0, 0.0, 0.0], [0.4121184852417566, -0.5440211108893698, -0.9999902065507035]],
        rtol=1e-12)


def test_embedding_max_norm_renormalises_rows_in_place():
    emb = nn.Embedding.from_pretrained(torch.tensor(W6 * 3), freeze=False, max_norm=1.5)
    emb(torch.tensor(IDX))
    np.testing.assert_allclose(emb.weight.detach().numpy(), [
        [1.2392442307766252, 0.6695665154223996, -0.5157075663469894],
        [-1.217449529333344, -0.8038223737096849, 0.3488353652858556],
        [1.1714947323618885, 0.9198290469496038, -0.17752322221915998],
        [-2.7333907856540307, -2.517214587229357, 0.013277093964152355],
        [2.5315618761974763, 2.7223403443505885, 0.41021165462350084],
        [-0.909459240218193, -1.1464606039144798, -0.3294113755457539]], rtol=1e-12)


def test_embedding_shapes_and_frozen():
    emb = nn.Embedding.from_pretrained(torch.tensor(W6))
    assert not emb.weight.requires_grad
    assert emb(torch.tensor(4)).tolist() == W6[4].tolist()
    assert emb(torch.tensor([[0, 1], [2, 3]], dtype=torch.int32)).shape == (2, 2, 3)


def test_dropout_module_train_and_eval():
    torch.manual_seed(1)
    drop = nn.Dropout(0.5)
    x = torch.ones(4000)
    y = drop(x)
    assert set(np.unique(y.numpy()).tolist()) == {0.0, 2.0}
    drop.eval()
    assert drop(x) is x


def test_flatten_unflatten_shapes():
    assert nn.Flatten()(torch.zeros(2, 3, 4)).shape == (2, 12)
    assert nn.Flatten(0, 1)(torch.zeros(2, 3, 4)).shape == (6, 4)
    assert nn.Unflatten(1, (2, -1))(torch.zeros(2, 6)).shape == (2, 2, 3)


def test_layer_norm_matches_formula():
    x = np.sin(np.arange(12.0)).reshape(3, 4)
    ln = nn.LayerNorm(4).double()
    expected = (x - x.mean(1, keepdims=True)) / np.sqrt(x.var(1, keepdims=True) + 1e-5)
    np.testing.assert_allclose(ln(torch.tensor(x)).detach().numpy(), expected, rtol=1e-12)


# --- bad input -----------------------------------------------------------------------------------

BAD = [
    (lambda: nn.Linear(3, 2)(torch.zeros(4, 5)), RuntimeError,
     r"mat1 and mat2 shapes cannot be multiplied \(4x5 and 3x2\): linear expected the input's "
     r"last dimension to be in_features=3, but got input of shape \[4, 5\]"),
    (lambda: nn.Linear(3, 2)(torch.zeros(5)), RuntimeError, r"\(1x5 and 3x2\)"),
    (lambda: nn.Linear(3, 2)(torch.zeros(4, 3, dtype=torch.float64)), RuntimeError,
     "same dtype"),
    (lambda: nn.Bilinear(3, 2, 4)(torch.zeros(5, 3), torch.zeros(5, 3)), RuntimeError,
     "input2 size does not match weight size: got 3 but expected 2"),
    (lambda: nn.LayerNorm(3)(torch.zeros(4, 5)), RuntimeError,
     r"Given normalized_shape=\[3\], expected input with shape \[\*, 3\]"),
    (lambda: nn.BatchNorm1d(3)(torch.zeros(4, 5)), RuntimeError,
     "running_mean should contain 5 elements not 3"),
    (lambda: nn.BatchNorm1d(3)(torch.zeros(3)), ValueError,
     r"expected 2D or 3D input \(got 1D input\)"),
    (lambda: nn.BatchNorm1d(3)(torch.zeros(1, 3)), ValueError,
     "Expected more than 1 value per channel when training"),
    (lambda: nn.BatchNorm2d(3)(torch.zeros(2, 3, 4)), ValueError, "expected 4D input"),
    (lambda: nn.Embedding(3, 2)(torch.tensor([3])), IndexError, "index out of range in self"),
    (lambda: nn.Embedding(3, 2)(torch.tensor([1.0])), RuntimeError, "Long, Int"),
    (lambda: nn.Embedding(3, 2, padding_idx=3), AssertionError,
     "Padding_idx must be within num_embeddings"),
    (lambda: nn.Dropout(1.5), ValueError, "dropout probability has to be between 0 and 1"),
    (lambda: nn.Unflatten(1, (2, 2))(torch.zeros(3, 5)), RuntimeError,
     r"Provided sizes \[2, 2\] don't multiply up to the size of dim 1 \(5\)"),
    (lambda: nn.Unflatten(1, 4), TypeError, "unflattened_size must be a tuple of ints"),
    (lambda: nn.Hardtanh(1, 1), AssertionError, "must be greater than min_val"),
]


@pytest.mark.parametrize("call,exc,match", BAD, ids=[b[2][:30] for b in BAD])
def test_bad_input_raises(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_failed_forward_changes_no_state():
    bn = nn.BatchNorm1d(3)
    with pytest.raises(ValueError):
        bn(torch.zeros(1, 3))
    assert int(bn.num_batches_tracked) == 0 and bn.running_mean.tolist() == [0.0] * 3
