"""chainrule.save / chainrule.load: state dicts in a safe file format (never pickle).

    >>> import io
    >>> import chainrule as torch
    >>> buf = io.BytesIO()
    >>> torch.save({"w": torch.tensor([1.0, 2.0]), "step": 3, "betas": (0.9, 0.999)}, buf)
    >>> _ = buf.seek(0)
    >>> torch.load(buf)
    {'w': tensor([1., 2.]), 'step': 3, 'betas': (0.9, 0.999)}

The file is a zip archive that NumPy can read too (`numpy.load(path)` opens it as an .npz):
every tensor is one `tensor_<i>.npy` member (raw array data and its dtype, read back with
`allow_pickle=False`), and `structure.json` holds everything else: the nesting of dicts
(ordered or not, keys of any supported type), lists and tuples, numbers (ints of any size,
floats including inf/nan, complex), strings, bytes, None, dtypes, devices and torch.Size,
with tensors as references to their members. A tensor object that appears several times is
stored once and loads as one object; `requires_grad` and the Parameter class are kept; distinct
tensors that view the same memory are stored (and load) as separate copies.

Loading a file runs no code from it, so `weights_only` is accepted but changes nothing. Objects
of any other type (functions, modules, arbitrary classes) are refused by `save` with a
TypeError naming where they are, before anything is written. `load` also reads a plain .npz
written by `numpy.savez` (as a dict of tensors); files written by PyTorch's `torch.save` are
pickles and are refused with an explanation.
"""

import base64
import io
import json
import math
import os
import zipfile
from collections import OrderedDict

import numpy as np

from . import _dtype
from ._device import device as _device_cls
from ._tensor import Size, Tensor

__all__ = ["load", "save"]

_FORMAT = "chainrule"
_VERSION = 1
_STRUCTURE = "structure.json"


def save(obj, f, pickle_module=None, pickle_protocol=None, _use_new_zipfile_serialization=True,
         _disable_byteorder_record=False):
    """Write `obj` (a state dict: nested dicts/lists/tuples of tensors, numbers, strings and
    None) to `f`, a path or a binary file object. The pickle arguments are accepted for
    PyTorch compatibility and ignored: chainrule never pickles."""
    arrays = []
    encoder = _Encoder(arrays)
    structure = {"format": _FORMAT, "version": _VERSION, "root": encoder.encode(obj, "obj")}
    text = json.dumps(structure, allow_nan=False, separators=(",", ":"))
    if isinstance(f, (str, os.PathLike)):
        with open(f, "wb") as fh:
            _write_zip(fh, text, arrays)
    else:
        _check_writable(f)
        _write_zip(f, text, arrays)


def load(f, map_location=None, pickle_module=None, *, weights_only=None, mmap=None,
         **pickle_load_args):
    """Read what `save` wrote to `f` (a path or a binary file object). Tensors are loaded on
    the CPU (`map_location` is accepted and otherwise ignored); nothing in the file is run as
    code whatever `weights_only` says."""
    if isinstance(f, (str, os.PathLike)):
        with open(f, "rb") as fh:
            return _read(fh, str(f))
    if not hasattr(f, "read"):
        raise TypeError(f"chainrule.load: expected a path or a binary file object, got "
                        f"{type(f).__name__}")
    if not (hasattr(f, "seekable") and f.seekable()):
        f = io.BytesIO(f.read())
    return _read(f, getattr(f, "name", "the file object"))


# --- writing ------------------------------------------------------------------------------------


def _check_writable(f):
    if not hasattr(f, "write"):
        raise TypeError(f"chainrule.save: expected a path or a binary file object, got "
                        f"{type(f).__name__}")


def _write_zip(fh, text, arrays):
    with zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
        zf.writestr(_STRUCTURE, text)
        for i, arr in enumerate(arrays):
            with zf.open(f"tensor_{i}.npy", "w", force_zip64=arr.nbytes > 2**30) as member:
                np.lib.format.write_array(member, np.asanyarray(arr), allow_pickle=False)


class _Encoder:
    """Turns an object into JSON-able data; tensors go to `arrays`. Every JSON object it makes
    has exactly one tag key starting with '$', so data and tags never clash."""

    def __init__(self, arrays):
        self.arrays = arrays
        self.tensor_ids = {}  # id(tensor) -> index, so a tensor saved twice loads as one object
        self.keep = []  # keeps those tensors alive while encoding (ids stay unique)

    def encode(self, obj, where):
        if obj is None or isinstance(obj, (bool, str)):
            return obj
        if type(obj) is int:
            return obj
        if type(obj) is float:
            return obj if math.isfinite(obj) else {"$float": repr(obj)}
        if type(obj) is complex:
            return {"$complex": [self.encode(obj.real, where), self.encode(obj.imag, where)]}
        if isinstance(obj, Tensor):
            return self._tensor(obj)
        if isinstance(obj, Size):
            return {"$size": list(obj)}
        if isinstance(obj, _dtype.dtype):
            return {"$dtype": obj.name}
        if isinstance(obj, _device_cls):
            return {"$device": str(obj)}
        if isinstance(obj, np.ndarray):
            self._check_array(obj, where)
            self.arrays.append(obj)
            return {"$ndarray": len(self.arrays) - 1}
        if isinstance(obj, np.generic):
            self._check_array(np.asarray(obj), where)
            self.arrays.append(np.asarray(obj))
            return {"$npscalar": len(self.arrays) - 1}
        if isinstance(obj, bytes):
            return {"$bytes": base64.b64encode(obj).decode("ascii")}
        if type(obj) in (dict, OrderedDict):
            return self._dict(obj, where)
        if type(obj) is list:
            return [self.encode(v, f"{where}[{i}]") for i, v in enumerate(obj)]
        if type(obj) is tuple:
            return {"$tuple": [self.encode(v, f"{where}[{i}]") for i, v in enumerate(obj)]}
        raise TypeError(
            f"chainrule.save: cannot save an object of type '{type(obj).__module__}."
            f"{type(obj).__qualname__}' at {where}: only tensors, NumPy arrays, numbers, "
            "strings, bytes, None, dtypes, devices, and dicts/lists/tuples of them can be saved "
            "(chainrule never pickles; save a state_dict() rather than a whole object)"
        )

    def _dict(self, obj, where):
        items = [[self.encode(k, f"{where} (a key)"), self.encode(v, f"{where}[{k!r}]")]
                 for k, v in obj.items()]
        out = {"$dict": items, "ordered": type(obj) is OrderedDict}
        metadata = getattr(obj, "_metadata", None)
        if metadata is not None:
            out["metadata"] = self.encode(metadata, f"{where}._metadata")
        return out

    def _tensor(self, t):
        index = self.tensor_ids.get(id(t))
        if index is None:
            index = self.tensor_ids[id(t)] = len(self.arrays)
            self.arrays.append(t._data)
            self.keep.append(t)
        from .nn.parameter import Parameter

        return {"$tensor": index, "requires_grad": bool(t._rg),
                "parameter": isinstance(t, Parameter)}

    @staticmethod
    def _check_array(arr, where):
        if arr.dtype.hasobject or arr.dtype.kind not in "biufcSU":
            raise TypeError(f"chainrule.save: cannot save a NumPy array of dtype {arr.dtype} at "
                            f"{where} (object arrays would need pickle)")


# --- reading ------------------------------------------------------------------------------------


def _read(fh, name):
    if not zipfile.is_zipfile(fh):
        fh.seek(0)
        raise RuntimeError(
            f"chainrule.load: {name} is not a file written by chainrule.save (not a zip "
            "archive). Files from PyTorch's legacy torch.save are pickles, which chainrule does "
            "not read: load them with PyTorch and save the state dict with chainrule.save, or "
            "export the arrays with numpy.savez."
        )
    fh.seek(0)
    with zipfile.ZipFile(fh) as zf:
        names = zf.namelist()
        if _STRUCTURE not in names:
            return _read_plain_npz(zf, names, name)
        structure = json.loads(zf.read(_STRUCTURE))
        if structure.get("format") != _FORMAT or structure.get("version") != _VERSION:
            raise RuntimeError(f"chainrule.load: {name} has an unknown format "
                               f"{structure.get('format')!r} version {structure.get('version')!r}")
        return _Decoder(zf).decode(structure["root"])


def _read_plain_npz(zf, names, name):
    if any(n.endswith("data.pkl") for n in names):
        raise RuntimeError(
            f"chainrule.load: {name} was written by PyTorch's torch.save, whose format is a "
            "pickle; chainrule does not unpickle. Load it with PyTorch and re-save the state "
            "dict with chainrule.save (or export its arrays with numpy.savez)."
        )
    arrays = [n for n in names if n.endswith(".npy")]
    if not arrays:
        raise RuntimeError(f"chainrule.load: {name} is a zip archive but not a file written by "
                           "chainrule.save or numpy.savez")
    return {n[:-4]: _to_tensor(_read_array(zf, n)) for n in arrays}


def _read_array(zf, member):
    with zf.open(member) as fh:
        return np.lib.format.read_array(fh, allow_pickle=False)


def _to_tensor(arr):
    _dtype.from_numpy_dtype(arr.dtype)  # TypeError for a dtype chainrule has no tensor of
    return Tensor._make(np.ascontiguousarray(arr) if arr.ndim else arr)


class _Decoder:
    def __init__(self, zf):
        self.zf = zf
        self.tensors = {}

    def array(self, index):
        return _read_array(self.zf, f"tensor_{index}.npy")

    def decode(self, obj):
        if obj is None or isinstance(obj, (bool, int, float, str)):
            return obj
        if isinstance(obj, list):
            return [self.decode(v) for v in obj]
        tag = next(k for k in obj if k.startswith("$"))
        value = obj[tag]
        if tag == "$tensor":
            return self._tensor(value, obj)
        if tag == "$dict":
            out = (OrderedDict if obj.get("ordered") else dict)(
                (self.decode(k), self.decode(v)) for k, v in value)
            if "metadata" in obj:
                out._metadata = self.decode(obj["metadata"])
            return out
        if tag == "$tuple":
            return tuple(self.decode(v) for v in value)
        if tag == "$float":
            return float(value)
        if tag == "$complex":
            return complex(self.decode(value[0]), self.decode(value[1]))
        if tag == "$size":
            return Size(value)
        if tag == "$dtype":
            return _dtype._by_name(value)
        if tag == "$device":
            return _device_cls(value)
        if tag == "$ndarray":
            return self.array(value)
        if tag == "$npscalar":
            return self.array(value)[()]
        if tag == "$bytes":
            return base64.b64decode(value)
        raise RuntimeError(f"chainrule.load: unknown tag {tag!r} in the file's structure")

    def _tensor(self, index, obj):
        t = self.tensors.get(index)
        if t is None:
            t = _to_tensor(self.array(index))
            if obj.get("parameter"):
                from .nn.parameter import Parameter

                t = Parameter(t, requires_grad=obj.get("requires_grad", True))
            elif obj.get("requires_grad"):
                t._rg = True
            self.tensors[index] = t
        return t
