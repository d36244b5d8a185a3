"""Tensor's operators and op methods: each delegates to an op function; in-place variants too.

In-place ops bump the tensor's version counter (shared with its views). When nothing records
(no tensor involved requires grad, or under no_grad) they write straight into the array: the
optimizer path. When recording, the result is computed out of place from a snapshot of the old
value and written back, and the tensor's history is rebased onto the new node, as PyTorch does.
"""

import numpy as np

from . import _dtype
from ._tensor import Tensor
from .autograd import grad_mode
from .ops import elementwise as ew
from .ops import linalg, reduction, shape
from .ops._core import check_broadcast

_state = grad_mode.state


def _reflect(fn):
    return lambda self, other: fn(other, self)


def _eq_op(fn):
    def method(self, other):
        if other is None:
            return fn is ew.ne
        return fn(self, other)

    return method


_BINARY = {
    "__add__": ew.add, "__sub__": ew.sub, "__mul__": ew.mul, "__truediv__": ew.div,
    "__pow__": ew.pow, "__matmul__": linalg.matmul,
    "__and__": ew.bitwise_and, "__or__": ew.bitwise_or, "__xor__": ew.bitwise_xor,
    "__lt__": ew.lt, "__le__": ew.le, "__gt__": ew.gt, "__ge__": ew.ge,
}
for _name, _fn in _BINARY.items():
    setattr(Tensor, _name, _fn)
    if not _name.startswith(("__l", "__g")):
        setattr(Tensor, "__r" + _name[2:], _reflect(_fn))
Tensor.__eq__ = _eq_op(ew.eq)
Tensor.__ne__ = _eq_op(ew.ne)
Tensor.__floordiv__ = lambda self, other: ew.div(self, other, rounding_mode="floor")
Tensor.__rfloordiv__ = lambda self, other: ew.div(other, self, rounding_mode="floor")
Tensor.__neg__ = ew.neg
Tensor.__pos__ = lambda self: self
Tensor.__abs__ = ew.abs
Tensor.__getitem__ = shape.getitem


def _invert(self):
    return ew.logical_not(self) if self._data.dtype == np.bool_ else ew.bitwise_not(self)


Tensor.__invert__ = _invert

# --- methods that are the op function with self first -----------------------------------------

_METHODS = {
    "add": ew.add, "sub": ew.sub, "mul": ew.mul, "div": ew.div, "pow": ew.pow,
    "true_divide": ew.div, "multiply": ew.mul, "subtract": ew.sub, "divide": ew.div,
    "exp": ew.exp, "log": ew.log, "sqrt": ew.sqrt, "abs": ew.abs, "sin": ew.sin, "cos": ew.cos,
    "tanh": ew.tanh, "sigmoid": ew.sigmoid, "relu": ew.relu, "neg": ew.neg, "negative": ew.neg,
    "reciprocal": ew.reciprocal, "sign": ew.sign, "square": ew.square, "rsqrt": ew.rsqrt,
    "clamp": ew.clamp, "clip": ew.clamp, "maximum": ew.maximum, "minimum": ew.minimum,
    "eq": ew.eq, "ne": ew.ne, "lt": ew.lt, "le": ew.le, "gt": ew.gt, "ge": ew.ge,
    "logical_and": ew.logical_and, "logical_or": ew.logical_or, "logical_not": ew.logical_not,
    "isnan": ew.isnan, "isinf": ew.isinf, "isfinite": ew.isfinite, "clone": ew.clone,
    "equal": ew.equal, "allclose": ew.allclose, "isclose": ew.isclose,
    "matmul": linalg.matmul, "mm": linalg.mm, "bmm": linalg.bmm, "dot": linalg.dot,
    "mv": linalg.mv, "outer": linalg.outer,
    "sum": reduction.sum, "mean": reduction.mean, "max": reduction.max, "min": reduction.min,
    "amax": reduction.amax, "amin": reduction.amin, "argmax": reduction.argmax,
    "argmin": reduction.argmin, "logsumexp": reduction.logsumexp,
    "softmax": reduction.softmax, "log_softmax": reduction.log_softmax,
    "reshape": shape.reshape, "view": shape.view, "transpose": shape.transpose,
    "swapaxes": shape.transpose, "permute": shape.permute, "t": shape.t,
    "unsqueeze": shape.unsqueeze, "squeeze": shape.squeeze, "expand": shape.expand,
    "expand_as": shape.expand_as, "flatten": shape.flatten, "unflatten": shape.unflatten,
    "movedim": shape.movedim, "nonzero": shape.nonzero, "broadcast_to": shape.broadcast_to,
}
for _name, _fn in _METHODS.items():
    setattr(Tensor, _name, _fn)


def _where(self, condition, other):
    return ew.where(condition, self, other)


def _view_as(self, other):
    return shape.view(self, tuple(other.shape))


def _reshape_as(self, other):
    return shape.reshape(self, tuple(other.shape))


def _T(self):
    return shape.permute(self, tuple(range(self.ndim - 1, -1, -1)))


def _mT(self):
    return shape.transpose(self, -2, -1)


def _contiguous(self, memory_format=None):
    if self._data.flags.c_contiguous:
        return self
    return ew.clone(self)


Tensor.where = _where
Tensor.view_as = _view_as
Tensor.reshape_as = _reshape_as
Tensor.T = property(_T)
Tensor.mT = property(_mT)
Tensor.contiguous = _contiguous


def _all(self, dim=None, keepdim=False):
    return Tensor._make(np.asarray(np.all(self._data, axis=dim, keepdims=keepdim)))


def _any(self, dim=None, keepdim=False):
    return Tensor._make(np.asarray(np.any(self._data, axis=dim, keepdims=keepdim)))


Tensor.all = _all
Tensor.any = _any

# --- conversion ---------------------------------------------------------------------------------


def _to(self, *args, dtype=None, device=None, copy=False, non_blocking=False):
    """to(dtype), to(device), to(device, dtype), to(other): devices other than 'cpu' raise."""
    for a in args:
        if isinstance(a, _dtype.dtype) or a in (float, int, bool):
            dtype = a
        elif isinstance(a, Tensor):
            dtype = a.dtype
        elif a is not None:
            device = a
    if device is not None and str(device) not in ("cpu", "cpu:0"):
        raise RuntimeError(f"chainrule runs on the CPU only (asked for device {device!r})")
    if dtype is None:
        return ew.clone(self) if copy else self
    np_dtype = _dtype.to_numpy_dtype(dtype)
    if np_dtype == self._data.dtype and not copy:
        return self
    return ew.cast(self, np_dtype)


def _type(self, dtype=None, non_blocking=False):
    if dtype is None:
        return f"torch.{_NP_TYPE_NAMES.get(self._data.dtype.name, self._data.dtype.name)}"
    return _to(self, dtype)


_NP_TYPE_NAMES = {"float32": "FloatTensor", "float64": "DoubleTensor", "int64": "LongTensor",
                  "int32": "IntTensor", "bool": "BoolTensor", "float16": "HalfTensor",
                  "uint8": "ByteTensor", "int8": "CharTensor", "int16": "ShortTensor"}

Tensor.to = _to
Tensor.type = _type
Tensor.type_as = lambda self, other: _to(self, other.dtype)
Tensor.cpu = lambda self: self
Tensor.float = lambda self: _to(self, _dtype.float32)
Tensor.double = lambda self: _to(self, _dtype.float64)
Tensor.half = lambda self: _to(self, _dtype.float16)
Tensor.long = lambda self: _to(self, _dtype.int64)
Tensor.int = lambda self: _to(self, _dtype.int32)
Tensor.bool = lambda self: _to(self, _dtype.bool)


def _new(fn):
    def method(self, *args, dtype=None, requires_grad=False, **kwargs):
        return fn(*args, dtype=self.dtype if dtype is None else dtype,
                  requires_grad=requires_grad, **kwargs)

    return method


def _install_new_methods():
    from . import _factories as f

    Tensor.new_zeros = _new(f.zeros)
    Tensor.new_ones = _new(f.ones)
    Tensor.new_empty = _new(f.empty)
    Tensor.new_full = _new(f.full)
    Tensor.new_tensor = _new(f.tensor)


_install_new_methods()

# --- in-place ops ---------------------------------------------------------------------------


def _records(self, args):
    if not _state.enabled:
        return False
    if self._rg:
        return True
    return any(isinstance(a, Tensor) and a._rg for a in args)


def _check_writable(self, name):
    if self.grad_fn is None and self._rg:
        raise RuntimeError(
            f"a leaf Variable that requires grad is being used in an in-place operation "
            f"({name} on a tensor of shape {list(self._data.shape)}). Wrap it in "
            "torch.no_grad() to update a parameter."
        )
    base = self._base
    if base is not None and (base._rg or self._rg):
        if base.grad_fn is None and base._rg:
            raise RuntimeError(
                f"a view of a leaf Variable that requires grad is being used in an in-place "
                f"operation ({name} on a view of shape {list(self._data.shape)})."
            )
        raise NotImplementedError(
            f"{name}: in-place ops on a view of a tensor that requires grad are not supported "
            "yet (chainrule cannot rebase the base tensor's history); use the out-of-place op."
        )


def _write(self, name, result):
    """Write `result` (an ndarray) into self's array, checking shape and dtype as PyTorch."""
    if result.shape != self._data.shape:
        if check_broadcast(name, self._data, result) != self._data.shape:
            raise RuntimeError(
                f"{name}: output with shape {list(self._data.shape)} doesn't match the broadcast "
                f"shape {list(np.broadcast_shapes(self._data.shape, result.shape))}"
            )
    if result.dtype != self._data.dtype and not np.can_cast(result.dtype, self._data.dtype,
                                                            "same_kind"):
        raise RuntimeError(
            f"{name}: result type {_dtype.from_numpy_dtype(result.dtype)} can't be cast to the "
            f"desired output type {_dtype.from_numpy_dtype(self._data.dtype)}"
        )
    if not self._data.flags.writeable:
        raise RuntimeError(
            f"{name}: unsupported operation: more than one element of the written-to tensor "
            "refers to a single memory location (an expanded tensor). Please clone() it first."
        )
    self._data[...] = result
    self._vc[0] += 1


def inplace(self, name, fn, *args):
    """self <- fn(self, *args), in place; see the module docstring."""
    if not _records(self, args):
        raw = [a._data if isinstance(a, Tensor) else a for a in args]
        _write(self, name, np.asarray(fn(self._data, *raw)))
        return self
    _check_writable(self, name)
    old = Tensor._make(self._data.copy(), self._rg, self.grad_fn)
    old._output_nr = self._output_nr
    res = fn(old, *args)
    _write(self, name, res._data)
    node = res.grad_fn
    if node is not None and getattr(node, "ans_vc", None) is res._vc:
        node.ans = self._data
        node.ans_vc = self._vc
        node.versions = [v for v in node.versions if v[0] >= 0] + [(-1, self._vc, self._vc[0])]
    self.grad_fn = node
    self._rg = res._rg
    self._output_nr = res._output_nr
    return self


def _inplace_method(name, fn):
    def method(self, *args, **kwargs):
        if kwargs:
            return inplace(self, name, lambda s, *a: fn(s, *a, **kwargs), *args)
        return inplace(self, name, fn, *args)

    method.__name__ = name
    return method


_INPLACE = {
    "add_": ew.add, "sub_": ew.sub, "mul_": ew.mul, "div_": ew.div, "pow_": ew.pow,
    "clamp_": ew.clamp, "clip_": ew.clamp, "fill_": ew.fill, "copy_": ew.copy,
    "exp_": ew.exp, "log_": ew.log, "sqrt_": ew.sqrt, "abs_": ew.abs, "neg_": ew.neg,
    "sin_": ew.sin, "cos_": ew.cos, "tanh_": ew.tanh, "sigmoid_": ew.sigmoid, "relu_": ew.relu,
    "reciprocal_": ew.reciprocal, "maximum_": ew.maximum, "minimum_": ew.minimum,
}
for _name, _fn in _INPLACE.items():
    setattr(Tensor, _name, _inplace_method(_name, _fn))
for _op in ("add", "sub", "mul", "truediv", "pow"):
    setattr(Tensor, f"__i{_op}__", getattr(Tensor, f"{'div' if _op == 'truediv' else _op}_"))


def _zero_(self):
    return inplace(self, "zero_", ew.fill, 0)


def _fill_diagonal_(self, fill_value, wrap=False):
    with grad_mode.no_grad():
        np.fill_diagonal(self._data, fill_value, wrap=wrap)
    self._vc[0] += 1
    return self


def _setitem(self, key, value):
    """tensor[key] = value: in place, recorded as index_put when a gradient can flow."""
    if not _records(self, (value,)):
        self_key, _ = shape._index_key(key)
        v = value._data if isinstance(value, Tensor) else value
        try:
            self._data[self_key] = v
        except ValueError:
            raise RuntimeError(
                f"shape mismatch: value tensor of shape {list(np.shape(v))} cannot be broadcast "
                f"to indexing result of shape {list(self._data[self_key].shape)}"
            ) from None
        self._vc[0] += 1
        return
    norm_key, _ = shape._index_key(key)
    inplace(self, "setitem", lambda s, v: shape.index_put(s, v, norm_key), value)


Tensor.zero_ = _zero_
Tensor.fill_diagonal_ = _fill_diagonal_
Tensor.__setitem__ = _setitem


def _masked_fill(self, mask, value):
    return ew.where(mask, value, self)


Tensor.masked_fill = _masked_fill
Tensor.masked_fill_ = _inplace_method("masked_fill_", lambda s, m, v: ew.where(m, v, s))
