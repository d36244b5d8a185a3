"""nn.Module and nn.Parameter: registration, traversal, state dicts, modes, conversion, hooks and
the printed tree (reprs are literals printed by PyTorch 2.13)."""

import copy
import pickle
from collections import OrderedDict

import numpy as np
import pytest

import chainrule as torch
from chainrule import nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(2, 3)
        self.bn = nn.BatchNorm1d(3)
        self.head = nn.Sequential(nn.ReLU(), nn.Linear(3, 1))
        self.scale = nn.Parameter(torch.ones(1))
        self.register_buffer("steps", torch.zeros(()))
        self.register_buffer("cache", torch.zeros(2), persistent=False)

    def forward(self, x):
        return self.head(self.bn(self.fc(x))) * self.scale


# --- Parameter --------------------------------------------------------------------------------


def test_parameter_is_a_leaf_tensor_that_requires_grad():
    p = nn.Parameter(torch.tensor([1.0, 2.0]))
    assert isinstance(p, torch.Tensor) and isinstance(p, nn.Parameter)
    assert p.requires_grad and p.is_leaf and p.grad_fn is None
    assert not nn.Parameter(torch.zeros(2), requires_grad=False).requires_grad
    assert repr(p) == "Parameter containing:\ntensor([1., 2.], requires_grad=True)"
    assert str(nn.Parameter(torch.tensor([[1.0], [2.0]], dtype=torch.float64),
                            requires_grad=False)) == (
        "Parameter containing:\ntensor([[1.],\n        [2.]], dtype=torch.float64)")


def test_parameter_shares_storage_but_not_history():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    p = nn.Parameter(x * 2)  # like PyTorch: a non-leaf's data, detached
    assert p.is_leaf and p.tolist() == [2.0, 4.0]
    base = torch.zeros(2)
    q = nn.Parameter(base)
    with torch.no_grad():
        q.add_(1.0)
    assert base.tolist() == [1.0, 1.0]
    assert (p * 3).__class__ is torch.Tensor  # ops on parameters give plain tensors


def test_parameter_errors():
    with pytest.raises(RuntimeError, match="floating point"):
        nn.Parameter(torch.tensor([1, 2]))
    with pytest.raises(TypeError, match="expected a Tensor"):
        nn.Parameter([1.0, 2.0])


def test_parameter_deepcopy_and_pickle():
    p = nn.Parameter(torch.tensor([1.0, 2.0]))
    q = copy.deepcopy(p)
    assert isinstance(q, nn.Parameter) and q.tolist() == [1.0, 2.0]
    with torch.no_grad():
        q.mul_(2)
    assert p.tolist() == [1.0, 2.0]
    r = pickle.loads(pickle.dumps(p))
    assert isinstance(r, nn.Parameter) and r.requires_grad and r.tolist() == [1.0, 2.0]


def test_non_leaf_tensor_as_parameter_is_rejected():
    m = nn.Linear(2, 2)
    w = torch.ones(2, 2, requires_grad=True) * 2
    with pytest.raises(TypeError, match=r"cannot assign 'torch.FloatTensor' as parameter "
                                        r"'weight' \(torch.nn.Parameter or None expected\)"
                                        r".*non-leaf"):
        m.weight = w
    with pytest.raises(TypeError, match=r"object to parameter 'w2'.*non-leaf"):
        m.register_parameter("w2", w)
    assert isinstance(m.weight, nn.Parameter)  # unchanged
    p = nn.Parameter(torch.zeros(2))
    with torch.enable_grad():
        p.grad_fn = object()  # a Parameter that somehow acquired history
    with pytest.raises(ValueError, match="Cannot assign non-leaf Tensor to parameter 'w3'"):
        m.register_parameter("w3", p)


# --- registration and traversal ------------------------------------------------------------------


def test_setattr_registers_parameters_modules_buffers():
    net = Net()
    assert [n for n, _ in net.named_parameters()] == [
        "scale", "fc.weight", "fc.bias", "bn.weight", "bn.bias", "head.1.weight", "head.1.bias"]
    assert [n for n, _ in net.named_buffers()] == [
        "steps", "cache", "bn.running_mean", "bn.running_var", "bn.num_batches_tracked"]
    assert [n for n, _ in net.named_children()] == ["fc", "bn", "head"]
    assert [n for n, _ in net.named_modules()] == ["", "fc", "bn", "head", "head.0", "head.1"]
    assert len(list(net.parameters(recurse=False))) == 1
    assert len(list(net.modules())) == 6
    net.plain = 3
    assert net.plain == 3 and "plain" not in net._parameters
    del net.scale
    assert "scale" not in dict(net.named_parameters())
    with pytest.raises(AttributeError, match="'Net' object has no attribute 'scale'"):
        _ = net.scale


def test_shared_submodule_and_parameter_listed_once():
    lin = nn.Linear(2, 2)
    seq = nn.Sequential(lin, nn.ReLU(), lin)
    assert len(list(seq.parameters())) == 2
    assert len(list(seq.modules())) == 3
    assert len(list(seq.named_modules(remove_duplicate=False))) == 4


def test_registration_errors():
    m = nn.Module()
    with pytest.raises(KeyError, match='contain "."'):
        m.register_parameter("a.b", None)
    with pytest.raises(TypeError, match="torch.nn.Parameter or None required"):
        m.register_parameter("w", torch.zeros(2))
    with pytest.raises(TypeError, match="cannot assign 'int' object to buffer 'b'"):
        m.register_buffer("b", 3)
    with pytest.raises(TypeError, match="int is not a Module subclass"):
        m.add_module("x", 3)
    m.x = 1
    with pytest.raises(KeyError, match="attribute 'x' already exists"):
        m.register_buffer("x", torch.zeros(1))
    with pytest.raises(AttributeError, match="before Module.__init__"):
        class Early(nn.Module):
            def __init__(self):
                self.w = nn.Parameter(torch.zeros(1))

        Early()


def test_get_submodule_parameter_buffer():
    net = Net()
    assert net.get_submodule("head.1") is net.head[1]
    assert net.get_parameter("head.1.bias") is net.head[1].bias
    assert net.get_buffer("bn.running_mean") is net.bn.running_mean
    with pytest.raises(AttributeError, match="has no attribute `nope`"):
        net.get_submodule("head.nope")


# --- modes, gradients, conversion --------------------------------------------------------------


def test_train_eval_propagate():
    net = Net()
    assert net.training and net.head[0].training
    assert net.eval() is net
    assert not net.training and not net.head[1].training
    net.train()
    assert net.bn.training
    with pytest.raises(ValueError, match="training mode is expected to be boolean"):
        net.train("yes")


def test_zero_grad_and_requires_grad():
    lin = nn.Linear(2, 2)
    lin(torch.ones(1, 2)).sum().backward()
    lin.zero_grad(set_to_none=False)
    assert lin.weight.grad.tolist() == [[0.0, 0.0], [0.0, 0.0]]
    lin.zero_grad()
    assert lin.weight.grad is None
    lin.requires_grad_(False)
    assert [p.requires_grad for p in lin.parameters()] == [False, False]


def test_to_double_keeps_parameter_objects():
    net = Net()
    w = net.fc.weight
    net(torch.ones(4, 2)).sum().backward()
    assert net.double() is net
    assert net.fc.weight is w and isinstance(w, nn.Parameter)
    assert w.dtype == torch.float64 and w.grad.dtype == torch.float64
    assert net.bn.running_mean.dtype == torch.float64
    assert net.bn.num_batches_tracked.dtype == torch.int64  # integers untouched
    net.to(torch.float32)
    assert w.dtype == torch.float32
    net.to("cpu")
    assert net(torch.ones(4, 2)).dtype == torch.float32
    with pytest.raises(TypeError, match="only accepts floating point"):
        net.to(torch.int64)
    with pytest.raises(AssertionError, match="not compiled with CUDA"):
        net.to("cuda")
    with pytest.raises(AssertionError, match="not compiled with CUDA"):
        net.cuda()
    assert net.to(torch.device("cpu")) is net


def test_apply_visits_children_then_self():
    seen = []
    net = nn.Sequential(nn.Linear(1, 1), nn.Sequential(nn.ReLU()))
    net.apply(lambda m: seen.append(type(m).__name__))
    assert seen == ["Linear", "ReLU", "Sequential", "Sequential"]


def test_forward_hooks():
    lin = nn.Linear(2, 2)
    calls = []
    h1 = lin.register_forward_pre_hook(lambda m, args: (args[0] * 0,))
    h2 = lin.register_forward_hook(lambda m, args, out: calls.append(out.shape) or out + 1)
    out = lin(torch.ones(3, 2))
    assert calls == [torch.Size([3, 2])]
    np.testing.assert_allclose(out.detach().numpy(), (lin.bias.detach().numpy() + 1)[None]
                               .repeat(3, 0), rtol=1e-6)
    h1.remove()
    h2.remove()
    assert np.allclose(lin(torch.zeros(1, 2)).detach().numpy(), lin.bias.detach().numpy())


def test_module_without_forward():
    with pytest.raises(NotImplementedError, match='missing the required "forward" function'):
        nn.Module()(1)


# --- state dict --------------------------------------------------------------------------------


def test_state_dict_keys_order_and_sharing():
    net = Net()
    sd = net.state_dict()
    assert isinstance(sd, OrderedDict)
    assert list(sd) == ["scale", "steps", "fc.weight", "fc.bias", "bn.weight", "bn.bias",
                        "bn.running_mean", "bn.running_var", "bn.num_batches_tracked",
                        "head.1.weight", "head.1.bias"]
    assert not sd["fc.weight"].requires_grad
    assert sd["fc.weight"].data_ptr() == net.fc.weight.data_ptr()
    assert net.state_dict(keep_vars=True)["fc.weight"] is net.fc.weight
    assert sd._metadata["bn"] == {"version": 2} and sd._metadata[""] == {"version": 1}
    assert list(nn.Sequential(nn.Linear(2, 3), nn.ReLU()).state_dict()) == ["0.weight", "0.bias"]


def test_load_state_dict_round_trip():
    a, b = Net(), Net()
    result = b.load_state_dict(a.state_dict())
    assert repr(result) == "<All keys matched successfully>"
    assert result.missing_keys == [] and result.unexpected_keys == []
    for (na, pa), (nb, pb) in zip(a.state_dict().items(), b.state_dict().items()):
        assert na == nb and np.array_equal(pa.numpy(), pb.numpy())
    assert b.fc.weight.data_ptr() != a.fc.weight.data_ptr()  # copied, not aliased


def test_load_state_dict_strict_names_missing_and_unexpected_keys():
    lin = nn.Linear(2, 2)
    before = lin.weight.detach().numpy().copy()
    bad = {"weight": torch.zeros(2, 2), "extra": torch.zeros(1)}
    with pytest.raises(RuntimeError) as info:
        lin.load_state_dict(bad)
    assert str(info.value) == (
        'Error(s) in loading state_dict for Linear:\n\tMissing key(s) in state_dict: "bias". '
        '\n\tUnexpected key(s) in state_dict: "extra". ')
    result = lin.load_state_dict(bad, strict=False)
    assert result.missing_keys == ["bias"] and result.unexpected_keys == ["extra"]
    assert lin.weight.tolist() == [[0.0, 0.0], [0.0, 0.0]]
    lin2 = nn.Linear(2, 2)
    with pytest.raises(RuntimeError, match=r"size mismatch for weight: copying a param with "
                                           r"shape torch.Size\(\[3, 2\]\) from checkpoint, the "
                                           r"shape in current model is torch.Size\(\[2, 2\]\)"):
        lin2.load_state_dict({"weight": torch.zeros(3, 2), "bias": torch.zeros(2)})
    assert before.shape == (2, 2)
    with pytest.raises(TypeError, match="Expected state_dict to be dict-like"):
        lin2.load_state_dict([1, 2])


def test_load_state_dict_nested_prefixes_and_assign():
    net = nn.Sequential(nn.Linear(2, 2), nn.Sequential(nn.Linear(2, 1)))
    sd = {k: torch.full(tuple(v.shape), 0.5) for k, v in net.state_dict().items()}
    assert list(sd) == ["0.weight", "0.bias", "1.0.weight", "1.0.bias"]
    net.load_state_dict(sd, assign=True)
    assert isinstance(net[1][0].weight, nn.Parameter) and net[1][0].weight.requires_grad
    assert net[1][0].weight.tolist() == [[0.5, 0.5]]


# --- printing ------------------------------------------------------------------------------------

REPRS = [
    (lambda: nn.Sequential(nn.Linear(2, 3), nn.ReLU()),
     "Sequential(\n  (0): Linear(in_features=2, out_features=3, bias=True)\n  (1): ReLU()\n)"),
    (lambda: nn.ModuleList([nn.Linear(2, 2) for _ in range(3)] + [nn.ReLU()]),
     "ModuleList(\n  (0-2): 3 x Linear(in_features=2, out_features=2, bias=True)\n"
     "  (3): ReLU()\n)"),
    (lambda: nn.ModuleDict({"a": nn.ReLU(), "b": nn.Sequential(nn.Tanh())}),
     "ModuleDict(\n  (a): ReLU()\n  (b): Sequential(\n    (0): Tanh()\n  )\n)"),
    (lambda: nn.Sequential(), "Sequential()"),
    (lambda: nn.ModuleList(), "ModuleList()"),
    (lambda: nn.ParameterList([nn.Parameter(torch.zeros(2, 3))]),
     "ParameterList(  (0): Parameter containing: [torch.float32 of size 2x3])"),
    (lambda: nn.ParameterDict({"a": nn.Parameter(torch.zeros(2)),
                               "b": nn.Parameter(torch.zeros(2, 2, dtype=torch.float64))}),
     "ParameterDict(\n    (a): Parameter containing: [torch.FloatTensor of size 2]\n"
     "    (b): Parameter containing: [torch.DoubleTensor of size 2x2]\n)"),
    (lambda: nn.Identity(), "Identity()"),
    (lambda: nn.Linear(3, 2, bias=False), "Linear(in_features=3, out_features=2, bias=False)"),
    (lambda: nn.Bilinear(2, 3, 4),
     "Bilinear(in1_features=2, in2_features=3, out_features=4, bias=True)"),
    (lambda: nn.Flatten(), "Flatten(start_dim=1, end_dim=-1)"),
    (lambda: nn.Unflatten(1, (2, 2)), "Unflatten(dim=1, unflattened_size=(2, 2))"),
    (lambda: nn.Dropout(0.2, inplace=True), "Dropout(p=0.2, inplace=True)"),
    (lambda: nn.Embedding(10, 3, padding_idx=0, max_norm=1.0),
     "Embedding(10, 3, padding_idx=0, max_norm=1.0)"),
    (lambda: nn.Embedding(10, 3, scale_grad_by_freq=True, sparse=True, norm_type=1.0,
                          max_norm=2),
     "Embedding(10, 3, max_norm=2, norm_type=1.0, scale_grad_by_freq=True, sparse=True)"),
    (lambda: nn.LayerNorm(4), "LayerNorm((4,), eps=1e-05, elementwise_affine=True, bias=True)"),
    (lambda: nn.LayerNorm((2, 3), eps=1e-6, elementwise_affine=False),
     "LayerNorm((2, 3), eps=1e-06, elementwise_affine=False, bias=False)"),
    (lambda: nn.BatchNorm1d(3),
     "BatchNorm1d(3, eps=1e-05, momentum=0.1, affine=True, bias=True, "
     "track_running_stats=True)"),
    (lambda: nn.BatchNorm1d(3, momentum=None, affine=False, track_running_stats=False),
     "BatchNorm1d(3, eps=1e-05, momentum=None, affine=False, bias=False, "
     "track_running_stats=False)"),
    (lambda: nn.ReLU(inplace=True), "ReLU(inplace=True)"),
    (lambda: nn.LeakyReLU(0.2, True), "LeakyReLU(negative_slope=0.2, inplace=True)"),
    (lambda: nn.ELU(), "ELU(alpha=1.0)"),
    (lambda: nn.GELU("tanh"), "GELU(approximate='tanh')"),
    (lambda: nn.SiLU(), "SiLU()"),
    (lambda: nn.Softmax(dim=1), "Softmax(dim=1)"),
    (lambda: nn.LogSoftmax(), "LogSoftmax(dim=None)"),
    (lambda: nn.Softplus(2, 10), "Softplus(beta=2, threshold=10)"),
    (lambda: nn.Hardtanh(), "Hardtanh(min_val=-1.0, max_val=1.0)"),
    (lambda: nn.ReLU6(True), "ReLU6(inplace=True)"),
    (lambda: nn.Threshold(0.1, 20), "Threshold(threshold=0.1, value=20)"),
    (lambda: nn.CrossEntropyLoss(label_smoothing=0.1), "CrossEntropyLoss()"),
    (lambda: nn.BCEWithLogitsLoss(pos_weight=torch.ones(2)), "BCEWithLogitsLoss()"),
    (lambda: nn.Sequential(nn.Linear(2, 3), nn.Sequential(
        nn.ReLU(), nn.ModuleList([nn.Tanh(), nn.Tanh()])), nn.LayerNorm(3)),
     "Sequential(\n  (0): Linear(in_features=2, out_features=3, bias=True)\n"
     "  (1): Sequential(\n    (0): ReLU()\n    (1): ModuleList(\n      (0-1): 2 x Tanh()\n"
     "    )\n  )\n  (2): LayerNorm((3,), eps=1e-05, elementwise_affine=True, bias=True)\n)"),
]


@pytest.mark.parametrize("make,expected", REPRS, ids=[r[1].split("(")[0] + str(i)
                                                      for i, r in enumerate(REPRS)])
def test_repr_matches_pytorch(make, expected):
    assert repr(make()) == expected


def test_custom_module_repr():
    assert repr(Net()) == (
        "Net(\n  (fc): Linear(in_features=2, out_features=3, bias=True)\n"
        "  (bn): BatchNorm1d(3, eps=1e-05, momentum=0.1, affine=True, bias=True, "
        "track_running_stats=True)\n"
        "  (head): Sequential(\n    (0): ReLU()\n    (1): Linear(in_features=3, out_features=1, "
        "bias=True)\n  )\n)")


# --- containers --------------------------------------------------------------------------------


def test_sequential_indexing_and_editing():
    a, b, c = nn.ReLU(), nn.Tanh(), nn.Sigmoid()
    seq = nn.Sequential(a, b, c)
    assert seq[0] is a and seq[-1] is c and len(seq) == 3
    assert isinstance(seq[1:], nn.Sequential) and list(seq[1:]) == [b, c]
    del seq[0]
    assert list(seq._modules) == ["0", "1"] and seq[0] is b
    seq.append(a).insert(0, c)
    assert list(seq) == [c, b, c, a]
    assert len(seq + nn.Sequential(a)) == 5
    named = nn.Sequential(OrderedDict([("conv", nn.Identity()), ("act", nn.ReLU())]))
    assert list(named.state_dict()) == [] and named.act.__class__ is nn.ReLU
    with pytest.raises(IndexError, match="index 9 is out of range"):
        seq[9]
    x = torch.tensor([-1.0, 0.5])
    assert nn.Sequential(nn.ReLU(), nn.Identity())(x).tolist() == [0.0, 0.5]


def test_modulelist_and_moduledict():
    ml = nn.ModuleList([nn.Linear(1, 1)])
    ml.append(nn.ReLU())
    ml.extend([nn.Tanh()])
    ml += [nn.Sigmoid()]
    assert len(ml) == 4 and isinstance(ml[1:3], nn.ModuleList)
    assert len(list(ml.parameters())) == 2
    with pytest.raises(IndexError, match="index 7 is out of range"):
        ml[7]
    md = nn.ModuleDict({"a": nn.ReLU()})
    md["b"] = nn.Linear(1, 1)
    md.update([("c", nn.Tanh())])
    assert list(md.keys()) == ["a", "b", "c"] and "b" in md
    assert md.pop("a").__class__ is nn.ReLU and len(md) == 2
    assert [n for n, _ in md.named_parameters()] == ["b.weight", "b.bias"]
    with pytest.raises(KeyError):
        md["zzz"]


def test_parameterlist_and_dict_register_parameters():
    pl = nn.ParameterList([torch.zeros(2), nn.Parameter(torch.ones(1))])
    assert all(isinstance(p, nn.Parameter) for p in pl) and len(pl) == 2
    pd = nn.ParameterDict({"w": torch.zeros(2)})
    holder = nn.Module()
    holder.pl, holder.pd = pl, pd
    assert [n for n, _ in holder.named_parameters()] == ["pl.0", "pl.1", "pd.w"]
