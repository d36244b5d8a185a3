"""chainrule.save / chainrule.load: round trips of state dicts, dtypes and structure, the file
format (a zip NumPy can read, JSON structure, no pickle), paths and file objects, and refusals."""

import io
import json
import math
import pickle
import zipfile
from collections import OrderedDict

import numpy as np
import pytest

import chainrule as torch
from chainrule import nn, optim


def _round_trip(obj):
    buf = io.BytesIO()
    torch.save(obj, buf)
    buf.seek(0)
    return torch.load(buf)


@pytest.mark.parametrize("dtype", [torch.float16, torch.float32, torch.float64, torch.int8,
                                   torch.int16, torch.int32, torch.int64, torch.uint8,
                                   torch.bool])
def test_tensor_dtypes_shapes_and_values_survive(dtype):
    src = (torch.arange(24).reshape(2, 3, 4) % 3).to(dtype)
    back = _round_trip({"t": src, "scalar": src[0, 0, 0], "empty": src[:0]})
    for key in ("t", "scalar", "empty"):
        a = back[key]
        b = {"t": src, "scalar": src[0, 0, 0], "empty": src[:0]}[key]
        assert a.dtype == dtype and a.shape == b.shape
        assert np.array_equal(a.numpy(), b.numpy())


def test_non_contiguous_and_view_tensors_save_their_values():
    base = torch.arange(12.).reshape(3, 4)
    back = _round_trip([base.t(), base[:, 1], base[::2]])
    assert back[0].tolist() == base.t().tolist()
    assert back[1].tolist() == [1.0, 5.0, 9.0]
    assert back[2].tolist() == base[::2].tolist()


def test_python_values_and_nesting_round_trip_exactly():
    obj = {
        "int": 3, "big": 2**80, "neg": -7, "float": 0.1, "inf": math.inf, "ninf": -math.inf,
        "str": "héllo", "none": None, "true": True, "false": False, "complex": 1 + 2j,
        "bytes": b"\x00\xff", "tuple": (1, (2.5, "x")), "list": [1, [2, [3]]], "empty": {},
        "dtype": torch.float64, "size": torch.Size([2, 3]), "device": torch.device("cpu"),
        5: "int key", (1, 2): "tuple key", None: "none key", 2.5: "float key",
        "ordered": OrderedDict([("b", 1), ("a", 2)]),
    }
    back = _round_trip(obj)
    assert back == obj
    assert type(back["tuple"]) is tuple and type(back["tuple"][1]) is tuple
    assert type(back["ordered"]) is OrderedDict and list(back["ordered"]) == ["b", "a"]
    assert type(back["empty"]) is dict
    assert type(back["big"]) is int and type(back["float"]) is float
    assert back["dtype"] is torch.float64 and isinstance(back["size"], torch.Size)
    assert math.isnan(_round_trip({"nan": math.nan})["nan"])
    assert list(back) == list(obj)  # key order kept


def test_numpy_arrays_and_scalars_round_trip():
    back = _round_trip({"a": np.arange(3, dtype=np.int16), "s": np.float32(1.5),
                        "u": np.array(["ab", "c"])})
    assert back["a"].dtype == np.int16 and back["a"].tolist() == [0, 1, 2]
    assert type(back["s"]) is np.float32 and back["s"] == 1.5
    assert back["u"].tolist() == ["ab", "c"]


def test_module_state_dict_save_load_load_state_dict(tmp_path):
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 2))
    model.train()
    model(torch.randn(16, 4))  # moves the BatchNorm running statistics
    path = tmp_path / "model.pt"
    torch.save(model.state_dict(), path)
    loaded = torch.load(path)
    assert type(loaded) is OrderedDict
    assert list(loaded) == list(model.state_dict())
    assert loaded["1.num_batches_tracked"].dtype == torch.int64
    assert loaded["1.num_batches_tracked"].item() == 1
    assert getattr(loaded, "_metadata", None) == model.state_dict()._metadata

    torch.manual_seed(1)
    fresh = nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 2))
    result = fresh.load_state_dict(loaded)
    assert not result.missing_keys and not result.unexpected_keys
    x = torch.randn(5, 4)
    model.eval()
    fresh.eval()
    assert torch.equal(model(x), fresh(x))
    for (name, a), (_, b) in zip(model.state_dict().items(), fresh.state_dict().items()):
        assert torch.equal(a, b), name


def test_optimizer_state_dict_round_trip_continues_identically(tmp_path):
    def make():
        torch.manual_seed(0)
        model = nn.Linear(3, 2).double()
        return model, optim.Adam(model.parameters(), lr=0.01, betas=(0.8, 0.9))

    def step(model, opt, seed):
        torch.manual_seed(seed)
        opt.zero_grad()
        model(torch.randn(4, 3, dtype=torch.float64)).pow(2).sum().backward()
        opt.step()

    model, opt = make()
    for s in range(3):
        step(model, opt, s)
    path = tmp_path / "ckpt.pt"
    torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "epoch": 3}, path)
    step(model, opt, 3)

    model2, opt2 = make()
    ckpt = torch.load(path)
    assert ckpt["epoch"] == 3
    assert ckpt["opt"]["param_groups"][0]["betas"] == (0.8, 0.9)
    assert sorted(ckpt["opt"]["state"]) == [0, 1]  # int keys stay ints
    model2.load_state_dict(ckpt["model"])
    opt2.load_state_dict(ckpt["opt"])
    step(model2, opt2, 3)
    for a, b in zip(model.parameters(), model2.parameters()):
        assert torch.equal(a, b)


def test_tensor_identity_requires_grad_and_parameters_are_kept():
    t = torch.ones(2)
    p = nn.Parameter(torch.zeros(3))
    r = torch.ones(1, requires_grad=True)
    back = _round_trip({"a": t, "b": t, "p": p, "r": r})
    assert back["a"] is back["b"]
    assert isinstance(back["p"], nn.Parameter) and back["p"].requires_grad
    assert back["r"].requires_grad and back["r"].is_leaf
    assert not back["a"].requires_grad


def test_the_file_is_a_zip_with_json_and_npy_members_and_no_pickle(tmp_path):
    path = tmp_path / "f.pt"
    torch.save({"w": torch.arange(3.), "k": [1, "x"]}, path)
    with zipfile.ZipFile(path) as zf:
        names = sorted(zf.namelist())
        structure = json.loads(zf.read("structure.json"))
    assert names == ["structure.json", "tensor_0.npy"]
    assert structure["format"] == "chainrule" and structure["version"] == 1
    with np.load(path, allow_pickle=False) as npz:  # NumPy reads it as an .npz
        assert npz["tensor_0"].tolist() == [0.0, 1.0, 2.0]
    raw = path.read_bytes()
    assert pickle.PROTO not in raw[:2]  # not a pickle stream


def test_paths_strings_and_file_objects(tmp_path):
    obj = {"x": torch.tensor([1, 2])}
    torch.save(obj, str(tmp_path / "a.pt"))
    assert torch.load(str(tmp_path / "a.pt"))["x"].tolist() == [1, 2]
    with open(tmp_path / "b.pt", "wb") as f:
        torch.save(obj, f)
    with open(tmp_path / "b.pt", "rb") as f:
        assert torch.load(f, weights_only=True, map_location="cpu")["x"].tolist() == [1, 2]

    class Unseekable(io.RawIOBase):
        def __init__(self, data):
            self.inner = io.BytesIO(data)

        def readable(self):
            return True

        def read(self, n=-1):
            return self.inner.read(n)

        def seekable(self):
            return False

    data = (tmp_path / "b.pt").read_bytes()
    assert torch.load(Unseekable(data))["x"].tolist() == [1, 2]


def test_unsupported_objects_are_refused_before_writing(tmp_path):
    path = tmp_path / "no.pt"
    with pytest.raises(TypeError, match=r"cannot save an object of type 'builtins.function' "
                                        r"at obj\['opt'\]\['fn'\]"):
        torch.save({"opt": {"fn": lambda: 0}}, path)
    assert not path.exists()
    with pytest.raises(TypeError, match="nn.modules"):
        torch.save(nn.Linear(2, 2), tmp_path / "m.pt")
    with pytest.raises(TypeError, match="object arrays would need pickle"):
        torch.save(np.array([object()]), tmp_path / "o.pt")
    with pytest.raises(TypeError, match="cannot save an object of type 'builtins.set'"):
        torch.save({1, 2}, tmp_path / "s.pt")


def test_loading_foreign_files_fails_clearly(tmp_path):
    legacy = tmp_path / "legacy.pt"
    legacy.write_bytes(pickle.dumps({"a": 1}))
    with pytest.raises(RuntimeError, match="not a file written by chainrule.save"):
        torch.load(legacy)
    fake_torch = tmp_path / "torch.pt"
    with zipfile.ZipFile(fake_torch, "w") as zf:
        zf.writestr("archive/data.pkl", pickle.dumps({"a": 1}))
    with pytest.raises(RuntimeError, match="written by PyTorch's torch.save"):
        torch.load(fake_torch)
    plain = tmp_path / "plain.npz"
    np.savez(plain, w=np.ones(2, dtype=np.float32), n=np.arange(2))
    loaded = torch.load(plain)
    assert loaded["w"].dtype == torch.float32 and loaded["n"].tolist() == [0, 1]
    with pytest.raises(TypeError, match="expected a path or a binary file object"):
        torch.load(3)
