"""Tensor's operators and op methods: each delegates to an op function; in-place variants too.

In-place ops bump the tensor's version counter (shared with its views). When nothing records
(no tensor involved requires grad, or under no_grad) they write straight into the array: the
optimizer path. When recording, the result is computed out of place from a snapshot of the old
value and written back, and the tensor's history is rebased onto the new node, as PyTorch does.
"""

import numbers

import numpy as np

from . import _device, _dtype
from ._tensor import Tensor
from .autograd import grad_mode
from .autograd.graph import move_retained_grad
from ._vmap_state import state as _vm
from .autograd.forward_ad import state as _fw
from .autograd.views import inplace_on_view, keep_output_in_place, rebase_tangents
from .ops import elementwise as ew
from .ops import linalg, reduction, shape
from .ops._core import apply, check_broadcast

_state = grad_mode.state


# --- Python operators ----------------------------------------------------------------------------
# The other operand may be a tensor, a Python or NumPy number, or (left operand only) a NumPy
# array. Anything else (a list, a string, None) gives NotImplemented, so Python raises TypeError
# or falls back as it does for PyTorch: `t == None` is False, `(1, 2) * t` repeats the tuple.

_NUMBERS = (Tensor, numbers.Number, np.generic)
_OPERANDS = (*_NUMBERS, np.ndarray)  # a left operand's partner may also be an array
_ASSIGNABLE = (Tensor, int, float, bool, complex, np.integer)
_FAST = frozenset((Tensor, float, int, bool))


def _binary(fn):
    def method(self, other):
        if other.__class__ in _FAST or isinstance(other, _OPERANDS):
            return fn(self, other)
        return NotImplemented

    method.__name__ = fn.__name__
    return method


def _reflected(fn):
    def method(self, other):
        if other.__class__ in _FAST or isinstance(other, _NUMBERS):
            return fn(other, self)
        return NotImplemented

    method.__name__ = fn.__name__
    return method


def _binary_op(op):
    def method(self, other):
        if other.__class__ in _FAST or isinstance(other, _OPERANDS):
            return apply(op, (self, other), _NO_PARAMS)
        return NotImplemented

    method.__name__ = op.name
    return method


def _reflected_op(op):
    def method(self, other):
        if other.__class__ in _FAST or isinstance(other, _NUMBERS):
            return apply(op, (other, self), _NO_PARAMS)
        return NotImplemented

    method.__name__ = op.name
    return method


_NO_PARAMS = {}  # shared: no one writes into an op's params


def _rtruediv(other, self):
    # PyTorch computes `2 / t` as reciprocal(t) * 2 (so it records MulBackward0)
    return ew.mul(ew.reciprocal(self), other)


def _rsub(other, self):
    return ew.rsub(self, other)


def _pos(self):
    if self._data.dtype == np.bool_:
        raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
    return self


def _invert(self):
    return ew.logical_not(self) if self._data.dtype == np.bool_ else ew.bitwise_not(self)


_BINARY = {
    "add": ew.add, "sub": ew.sub, "mul": ew.mul, "truediv": ew.div, "floordiv": ew.floor_divide,
    "mod": ew.remainder, "pow": ew.pow, "matmul": linalg.matmul, "and": ew.bitwise_and,
    "or": ew.bitwise_or, "xor": ew.bitwise_xor, "lshift": ew.bitwise_left_shift,
    "rshift": ew.bitwise_right_shift,
}
_REFLECTED = dict(_BINARY, sub=_rsub, truediv=_rtruediv)
for _name, _fn in _BINARY.items():
    setattr(Tensor, f"__{_name}__", _binary(_fn))
    setattr(Tensor, f"__r{_name}__", _reflected(_REFLECTED[_name]))
# The hottest operators call their op directly (what ew.add/sub/mul/div do, one call fewer)
for _name, _op in {"add": ew.ADD, "sub": ew.SUB, "mul": ew.MUL, "truediv": ew.DIV}.items():
    setattr(Tensor, f"__{_name}__", _binary_op(_op))
for _name, _op in {"add": ew.ADD, "mul": ew.MUL}.items():
    setattr(Tensor, f"__r{_name}__", _reflected_op(_op))
for _name, _fn in {"lt": ew.lt, "le": ew.le, "gt": ew.gt, "ge": ew.ge, "eq": ew.eq,
                   "ne": ew.ne}.items():
    setattr(Tensor, f"__{_name}__", _binary(_fn))
Tensor.__neg__ = ew.neg
Tensor.__pos__ = _pos
Tensor.__abs__ = ew.abs
Tensor.__invert__ = _invert
Tensor.__getitem__ = shape.getitem

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
    "floor_divide": ew.floor_divide, "remainder": ew.remainder, "rsub": ew.rsub,
    "bitwise_and": ew.bitwise_and, "bitwise_or": ew.bitwise_or, "bitwise_xor": ew.bitwise_xor,
    "bitwise_not": ew.bitwise_not, "bitwise_left_shift": ew.bitwise_left_shift,
    "bitwise_right_shift": ew.bitwise_right_shift, "logical_xor": ew.logical_xor,
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
    if self._data.ndim < 2:
        raise RuntimeError(
            f"tensor.mT is only supported on matrices or batches of matrices. Got "
            f"{self._data.ndim}-D tensor."
        )
    return shape.transpose(self, -2, -1)


def _H(self):
    if self._data.ndim not in (0, 2):
        raise RuntimeError(
            f"tensor.H is only supported on matrices (2-D tensors). Got {self._data.ndim}-D "
            "tensor."
        )
    return _T(self)  # real dtypes only: the conjugate transpose is the transpose


def _contiguous(self, memory_format=None):
    if self._data.flags.c_contiguous:
        return self
    return ew.clone(self)


Tensor.where = _where
Tensor.view_as = _view_as
Tensor.reshape_as = _reshape_as
Tensor.T = property(_T)
Tensor.mT = Tensor.mH = property(_mT)
Tensor.H = property(_H)
Tensor.contiguous = _contiguous


def _logical_reduction(np_fn):
    def method(self, dim=None, keepdim=False):
        data = self._data
        out = np.asarray(np_fn(data, axis=dim, keepdims=keepdim))
        # bool results, except that uint8 inputs give uint8 (as PyTorch)
        return Tensor._make(out.astype(np.uint8) if data.dtype == np.uint8 else out)

    return method


_all = _logical_reduction(np.all)
_any = _logical_reduction(np.any)
Tensor.all = _all
Tensor.any = _any

# --- conversion ---------------------------------------------------------------------------------


def _is_dtype(a):
    return a.__class__ is _dtype.dtype or a is float or a is int or a is bool


def _to(self, *args, dtype=None, device=None, non_blocking=False, copy=False,
        memory_format=None):
    """to(dtype), to(device), to(device, dtype), to(other): a tensor of that dtype (self when it
    already is one, unless copy=True). Devices other than the CPU raise."""
    args = list(args)
    if args:
        first = args.pop(0)
        if isinstance(first, Tensor):
            dtype = first.dtype
        elif _is_dtype(first):
            dtype = first
        elif isinstance(first, (str, _device.device)) or (
                isinstance(first, int) and not isinstance(first, bool)):
            device = first
            if args and _is_dtype(args[0]):
                dtype = args.pop(0)
        elif first is not None:
            raise TypeError(
                f"to() received an invalid combination of arguments - got "
                f"({type(first).__name__}), but expected one of: (torch.device device, "
                "torch.dtype dtype), (torch.dtype dtype), (Tensor tensor)"
            )
        if args:
            args.pop(0)  # non_blocking: nothing to overlap on the CPU
        if args:
            copy = args.pop(0)
    if isinstance(device, str):
        try:
            device = _device.device(device)
        except RuntimeError:
            raise RuntimeError(f"Invalid device string: '{device}'") from None
    _device.check_device(device)
    np_dtype = None if dtype is None else _dtype.check_dtype_arg("to", dtype)
    if np_dtype is None:
        np_dtype = self._data.dtype
    if np_dtype == self._data.dtype and not copy:
        return self
    return ew.cast(self, np_dtype)


def _type(self, dtype=None, non_blocking=False):
    """type() -> 'torch.FloatTensor'; type(dtype) or type('torch.DoubleTensor') converts."""
    if dtype is None:
        return f"torch.{_NP_TYPE_NAMES.get(self._data.dtype.name, self._data.dtype.name)}"
    if isinstance(dtype, str):
        name = dtype[len("torch."):] if dtype.startswith("torch.") else None
        np_name = _TYPE_NAMES_NP.get(name)
        if np_name is None:
            raise ValueError(f"invalid type: '{dtype}'")
        dtype = _dtype.from_numpy_dtype(np.dtype(np_name))
    return _to(self, dtype)


def _cuda(self, device=None, non_blocking=False, memory_format=None):
    _device.check_device("cuda" if device is None else device)


_NP_TYPE_NAMES = {"float32": "FloatTensor", "float64": "DoubleTensor", "int64": "LongTensor",
                  "int32": "IntTensor", "bool": "BoolTensor", "float16": "HalfTensor",
                  "uint8": "ByteTensor", "int8": "CharTensor", "int16": "ShortTensor"}
_TYPE_NAMES_NP = {v: k for k, v in _NP_TYPE_NAMES.items()}

Tensor.to = _to
Tensor.type = _type
Tensor.type_as = lambda self, other: _to(self, other.dtype)
Tensor.cpu = lambda self, memory_format=None: self
Tensor.cuda = _cuda
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
    if base is not None and base.grad_fn is None and base._rg:
        raise RuntimeError(
            f"a view of a leaf Variable that requires grad is being used in an in-place "
            f"operation ({name} on a view of shape {list(self._data.shape)})."
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


def _inplace_batched(self, name, res):
    """In place under vmap: the batched tensor takes the (out-of-place) result as its value."""
    cls = _vm.batched_class
    if not isinstance(self, cls) or not isinstance(res, cls) or res._level != self._level:
        raise RuntimeError(
            f"vmap: {name}(self, *extra_args) is not possible because self is not batched (or "
            "batched at another vmap level) while the other arguments are: the result would "
            "not fit in self. Use the out-of-place version instead."
        )
    self._value, self._bdim, self._data = res._value, res._bdim, res._data
    return self


def _has_tangent(self, args):
    return _fw.depth and (self._fw or any(isinstance(a, Tensor) and a._fw for a in args))


def _snapshot(self, history):
    """A copy of self's value (with its history when `history`, and its tangents) for computing
    the in-place result out of place."""
    old = Tensor._make(self._data.copy(), self._rg, self.grad_fn) if history else \
        Tensor._make(self._data.copy())
    old._output_nr = self._output_nr
    old._fw = self._fw
    return old


def inplace(self, name, fn, *args):
    """self <- fn(self, *args), in place; see the module docstring."""
    if _vm.depth and (isinstance(self, _vm.batched_class) or
                      any(isinstance(a, _vm.batched_class) for a in args)):
        return _inplace_batched(self, name, fn(self, *args))
    if not _records(self, args):
        if _has_tangent(self, args):  # forward AD only: new value and new tangent
            res = fn(_snapshot(self, history=False), *args)
            _write(self, name, res._data)
            rebase_tangents(self, res)  # (a view's base gets the new tangent too)
            return self
        raw = [a._data if isinstance(a, Tensor) else a for a in args]
        _write(self, name, np.asarray(fn(self._data, *raw)))
        return self
    _check_writable(self, name)
    if self._base is not None:  # the base's history changes too (autograd/views.py)
        return inplace_on_view(self, name, fn, args, _write)
    res = fn(_snapshot(self, history=True), *args)
    _write(self, name, res._data)
    rebase_tangents(self, res)  # forward AD: the new value's tangent
    keep_output_in_place(res, self)
    old_node, old_nr = self.grad_fn, self._output_nr
    self.grad_fn = res.grad_fn
    self._rg = res._rg
    self._output_nr = res._output_nr
    move_retained_grad(self, old_node, old_nr)
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
    return inplace(self, "zero_", ew.zero)


def _fill_diagonal_(self, fill_value, wrap=False):
    with grad_mode.no_grad():
        np.fill_diagonal(self._data, fill_value, wrap=wrap)
    self._vc[0] += 1
    return self


def _setitem(self, key, value):
    """tensor[key] = value: in place, recorded as index_put when a gradient can flow.
    The value is a tensor or a number (a list or an array is a TypeError, as in PyTorch)."""
    if not isinstance(value, _ASSIGNABLE):  # np.float64 is a float; np.float32 is refused
        raise TypeError(f"can't assign a {_type_name(value)} to a {_type(self)}")
    if _vm.depth and isinstance(self, _vm.batched_class):
        norm_key, _ = shape._index_key(key)
        _inplace_batched(self, "setitem", shape.index_put(self, value, norm_key))
        return
    if not _records(self, (value,)) and not _has_tangent(self, (value,)):
        self_key, _ = shape._index_key(key)
        v = value._data if isinstance(value, Tensor) else value
        try:
            shape.put(self._data, self_key, v)
        except ValueError:
            raise RuntimeError(
                f"shape mismatch: value tensor of shape {list(np.shape(v))} cannot be broadcast "
                f"to indexing result of shape {list(shape.take(self._data, self_key).shape)}"
            ) from None
        self._vc[0] += 1
        return
    norm_key, _ = shape._index_key(key)
    inplace(self, "setitem", lambda s, v: shape.index_put(s, v, norm_key), value)


def _type_name(value):
    cls = type(value)
    return cls.__name__ if cls.__module__ == "builtins" else f"{cls.__module__}.{cls.__name__}"


Tensor.zero_ = _zero_
Tensor.fill_diagonal_ = _fill_diagonal_
Tensor.__setitem__ = _setitem


Tensor.masked_fill = ew.masked_fill
Tensor.masked_fill_ = _inplace_method("masked_fill_", ew.masked_fill)


def install_methods(methods=None, inplace=None):
    """Attach op functions from another module as Tensor methods (`methods`: name -> fn, called
    as fn(self, *args, **kwargs)) and as in-place methods (`inplace`: name ending in `_` -> the
    out-of-place fn; version counters, views and graph rebasing are handled by `inplace`)."""
    for name, fn in (methods or {}).items():
        setattr(Tensor, name, fn)
    for name, fn in (inplace or {}).items():
        setattr(Tensor, name, _inplace_method(name, fn))
