"""Creating tensors: tensor, as_tensor, from_numpy, zeros, ones, full, empty, arange, linspace,
eye, rand, randn, randint, the *_like variants, and the random generator (manual_seed).

Everything follows PyTorch as checked against it by differential testing: tensor()'s dtype
inference and its exceptions for ragged or non-numeric data, the factories' argument forms and
errors, and arange/linspace values to the last bit (PyTorch's CPU formulas are emulated, with
fused multiply-adds). Random values come from NumPy: same shapes, dtypes and ranges as PyTorch,
reproducible under manual_seed, but not PyTorch's numbers.
"""

import builtins
import operator
import pickle
import warnings
from collections.abc import Sequence

import numpy as np

from . import _dtype
from ._device import CPU, check_device
from ._tensor import Tensor

_DEFAULT_SEED = 67280421310721  # PyTorch's default_generator.initial_seed()


class Generator:
    """A random number generator (a NumPy Generator inside). Values differ from PyTorch's, but a
    seed makes them reproducible. `chainrule.manual_seed` seeds `default_generator`."""

    def __init__(self, device="cpu"):
        check_device(device)
        self._seed = _DEFAULT_SEED
        self._own = np.random.default_rng(_DEFAULT_SEED)

    @property
    def _rng(self):
        return self._own

    @property
    def device(self):
        return CPU

    def manual_seed(self, seed):
        self._seed = _check_seed(seed)
        self._set(np.random.default_rng(self._seed))
        return self

    def seed(self):
        """Reseed from system entropy; returns the new seed."""
        self.manual_seed(int(np.random.SeedSequence().entropy) % 2**63)
        return self._seed

    def initial_seed(self):
        return self._seed

    def get_state(self):
        """The state as a uint8 tensor (chainrule's own encoding, not PyTorch's)."""
        raw = pickle.dumps((self._seed, self._rng.bit_generator.state))
        return Tensor._make(np.frombuffer(raw, dtype=np.uint8).copy())

    def set_state(self, new_state):
        seed, state = pickle.loads(np.asarray(new_state._data, dtype=np.uint8).tobytes())
        rng = np.random.default_rng()
        rng.bit_generator.state = state
        self._seed = seed
        self._set(rng)
        return self

    def _set(self, rng):
        self._own = rng

    def __repr__(self):
        return f"<chainrule.Generator object at {hex(id(self))}>"


class _DefaultGenerator(Generator):
    """The global generator; its NumPy Generator lives in `_rng[0]` (read by chainrule.nn)."""

    @property
    def _rng(self):
        return _rng[0]

    def _set(self, rng):
        _rng[0] = rng


_rng = [np.random.default_rng(_DEFAULT_SEED)]
default_generator = _DefaultGenerator()


def _check_seed(seed):
    seed = operator.index(seed) if not isinstance(seed, builtins.float) else None
    if seed is None:
        raise TypeError("manual_seed expected an int seed")
    if not -2**63 <= seed < 2**64:
        raise RuntimeError(f"Overflow when unpacking long long (seed {seed})")
    return seed % 2**64


def manual_seed(seed):
    """Seed the generator behind rand, randn, randint, nn.init and dropout; returns it.

    Values differ from PyTorch's for the same seed, but a seed makes a run reproducible."""
    return default_generator.manual_seed(seed)


def seed():
    """Seed the default generator from system entropy; returns the seed."""
    return default_generator.seed()


def initial_seed():
    return default_generator.initial_seed()


def get_rng_state():
    return default_generator.get_state()


def set_rng_state(new_state):
    default_generator.set_state(new_state)


def _gen(generator):
    return _rng[0] if generator is None else generator._rng


def _check_requires_grad(data, requires_grad):
    if requires_grad and data.dtype.kind not in "fc":
        raise RuntimeError(
            "Only Tensors of floating point and complex dtype can require gradients "
            f"(got dtype {_dtype.from_numpy_dtype(data.dtype)})"
        )


def _finish(data, requires_grad):
    _check_requires_grad(data, requires_grad)
    return Tensor._make(data, bool(requires_grad))


# --- tensor(): PyTorch's inference of dtype and shape from nested Python data --------------------
# Fast path: nested lists/tuples whose leaves are all Python numbers go straight to NumPy with
# the dtype PyTorch infers (float -> default dtype, int -> int64, bool -> bool). Anything else
# (NumPy scalars, tensors, arrays inside lists, ragged or malformed data) takes the slow path,
# which follows PyTorch's algorithm step by step so that it raises PyTorch's exceptions.

_SEQUENCES = (list, tuple, range)
_PY_NUMBERS = frozenset((builtins.float, builtins.int, builtins.bool))


def _py_number_np(types, np_dtype):
    if np_dtype is not None:
        return np_dtype
    if builtins.float in types or not types:
        return _dtype.default_float_np()
    return np.dtype(np.int64) if builtins.int in types else np.dtype(np.bool_)


def _leaf_types(seq, out):
    """Add to `out` the types of the non-sequence leaves of nested lists/tuples/ranges."""
    types = set(map(type, seq))
    if types.isdisjoint(_SEQUENCES):
        out |= types
        return
    for item in seq:
        if type(item) in _SEQUENCES:
            _leaf_types(item, out)
        else:
            out.add(type(item))


def _infer_np(data, np_dtype=None):
    """A new NumPy array from `data` (a number, nested sequences, an array), with PyTorch's dtype
    inference when `np_dtype` is None and PyTorch's exceptions for data it rejects."""
    cls = data.__class__
    if cls in _PY_NUMBERS:
        return _convert(data, _py_number_np((cls,), np_dtype), np_dtype is not None)
    if isinstance(data, _SEQUENCES):
        types = set()
        _leaf_types(data, types)
        if types <= _PY_NUMBERS:
            try:
                with np.errstate(over="ignore"):
                    arr = np.array(data, dtype=_py_number_np(types, np_dtype))
                if arr.dtype != object:
                    return arr
            except (ValueError, TypeError, OverflowError):
                pass  # ragged, malformed or out of range: the slow path says which
        return _from_sequence(data, np_dtype)
    if isinstance(data, (np.ndarray, np.generic)):
        _dtype.from_numpy_dtype(data.dtype)  # TypeError for dtypes chainrule lacks
        return np.array(data, dtype=np_dtype)
    if _is_sequence(data):
        return _from_sequence(data, np_dtype)
    raise _leaf_error(data)


def _is_sequence(x):
    if isinstance(x, (_SEQUENCES, np.ndarray)):
        return True
    return isinstance(x, Sequence) and not isinstance(x, (str, bytes, bytearray, Tensor))


def _leaf_error(x):
    """PyTorch's exception for a leaf that is not a number."""
    name = type(x).__name__
    if isinstance(x, (str, bytes, bytearray)):
        return TypeError(f"new(): invalid data type '{name}'")
    if isinstance(x, complex):
        return TypeError("tensor(): complex numbers are not supported by chainrule")
    return RuntimeError(f"Could not infer dtype of {name}")


def _convert(values, np_dtype, explicit):
    """np.array(values, np_dtype) with PyTorch's overflow errors (and float overflow -> inf)."""
    try:
        with np.errstate(over="ignore", invalid="ignore"):
            return np.array(values, dtype=np_dtype)
    except (OverflowError, ValueError):
        if explicit:
            name = _dtype.from_numpy_dtype(np_dtype).name
            raise RuntimeError(f"value cannot be converted to type {name} without overflow") \
                from None
        raise ValueError("Overflow when unpacking long long") from None


def _from_sequence(data, np_dtype):
    """PyTorch's algorithm: sizes from the first elements, then the dtype, then the values."""
    sizes = _sizes(data)
    explicit = np_dtype is not None
    if explicit:
        _infer_leaf_dtype(data)  # still rejects None, strings and other non-numbers
    else:
        np_dtype = _infer_leaf_dtype(data)
    n = 1
    for size in sizes:
        n *= size
    if n == 0:  # PyTorch checks nothing more when there is nothing to copy
        return np.empty(sizes, dtype=np_dtype)
    flat = []
    _fill(data, sizes, 0, flat)
    return _convert(flat, np_dtype, explicit).reshape(sizes)


def _sizes(data):
    sizes = []
    seq = data
    while _is_sequence(seq):
        if isinstance(seq, np.ndarray):
            return tuple(sizes) + seq.shape
        n = len(seq)
        sizes.append(n)
        if n == 0:
            break
        seq = seq[0]
        if isinstance(seq, str):
            raise ValueError("too many dimensions 'str'")  # noqa: TRY004 - PyTorch's type
    return tuple(sizes)


def _leaf_np_dtype(x):
    cls = x.__class__
    if cls is builtins.float:
        return _dtype.default_float_np()
    if cls is builtins.int:
        return np.dtype(np.int64)
    if cls is builtins.bool:
        return np.dtype(np.bool_)
    if isinstance(x, Tensor):
        return x._data.dtype
    if isinstance(x, (np.generic, np.ndarray)):
        return _dtype.from_numpy_dtype(x.dtype).np
    raise _leaf_error(x)


def _infer_leaf_dtype(data):
    out = None
    stack = [data]
    while stack:
        x = stack.pop()
        if _is_sequence(x) and not isinstance(x, np.ndarray):
            stack.extend(reversed(x) if isinstance(x, (list, tuple)) else list(x)[::-1])
            continue
        d = _leaf_np_dtype(x)
        out = d if out is None else _dtype.promote_types_np(out, d)
    return _dtype.default_float_np() if out is None else out


def _fill(seq, sizes, dim, flat):
    """Append the leaves of `seq` (expected to span sizes[dim:]) to `flat`, checking its shape."""
    if dim == len(sizes):
        flat.append(_scalar_value(seq))
        return
    if isinstance(seq, np.ndarray):
        if seq.shape != sizes[dim:]:
            raise ValueError(f"expected sequence of length {sizes[dim]} at dim {dim} "
                             f"(got {len(seq) if seq.ndim else 0})")
        flat.extend(seq.ravel().tolist())
        return
    if not _is_sequence(seq):
        raise TypeError("not a sequence")
    if len(seq) != sizes[dim]:
        raise ValueError(f"expected sequence of length {sizes[dim]} at dim {dim} (got {len(seq)})")
    for item in seq:
        _fill(item, sizes, dim + 1, flat)


def _scalar_value(x):
    if isinstance(x, Tensor):
        if x._data.size != 1:
            if x._data.dtype.kind == "f":
                raise ValueError("only one element tensors can be converted to Python scalars")
            raise TypeError("only integer tensors of a single element can be converted to an "
                            "index")
        return x._data.reshape(()).item()
    if _is_sequence(x):
        raise TypeError(f"'{type(x).__name__}' object cannot be interpreted as a number (a "
                        "nested sequence is deeper here than at its first element)")
    return x.item() if isinstance(x, np.generic) else x


def tensor(data, dtype=None, device=None, requires_grad=False, pin_memory=False):
    """A new tensor holding a copy of `data` (a number, nested lists, an array or a tensor).

    The dtype is inferred as in PyTorch: Python floats give the default dtype, ints int64,
    bools bool; NumPy arrays and scalars keep theirs.

    >>> import chainrule as torch
    >>> torch.tensor([[1, 2], [3, 4]])
    tensor([[1, 2],
            [3, 4]])
    >>> torch.tensor([0.5], requires_grad=True)
    tensor([0.5000], requires_grad=True)
    """
    np_dtype = None if dtype is None else _dtype.check_dtype_arg("tensor", dtype)
    check_device(device)
    if isinstance(data, Tensor):
        warnings.warn(
            "To copy construct from a tensor, it is recommended to use sourceTensor.detach()."
            "clone() or sourceTensor.detach().clone().requires_grad_(True), rather than "
            "torch.tensor(sourceTensor).", UserWarning, stacklevel=2)
        arr = data._data.astype(data._data.dtype if np_dtype is None else np_dtype)
    else:
        arr = _infer_np(data, np_dtype)
    if not arr.flags.c_contiguous:
        arr = arr.copy(order="C")
    return _finish(arr, requires_grad)


def as_tensor(data, dtype=None, device=None):
    """Like tensor(), but shares memory with a NumPy array or tensor when no conversion is needed
    (a tensor of the requested dtype is returned as is)."""
    np_dtype = None if dtype is None else _dtype.check_dtype_arg("as_tensor", dtype)
    check_device(device)
    if isinstance(data, Tensor):
        if np_dtype is None or data._data.dtype == np_dtype:
            return data
        return data.to(dtype)
    if isinstance(data, np.ndarray):
        _dtype.from_numpy_dtype(data.dtype)
        arr = data if np_dtype is None else data.astype(np_dtype, copy=False)
        return Tensor._make(arr)
    return _finish(_infer_np(data, np_dtype), False)


def asarray(obj, *, dtype=None, device=None, copy=None, requires_grad=False):
    """`obj` as a tensor, sharing memory with a tensor or array unless `copy=True` or a dtype
    conversion is needed (`copy=False` then raises)."""
    np_dtype = None if dtype is None else _dtype.check_dtype_arg("asarray", dtype)
    check_device(device)
    if isinstance(obj, (Tensor, np.ndarray)):
        arr = obj._data if isinstance(obj, Tensor) else obj
        _dtype.from_numpy_dtype(arr.dtype)
        converts = np_dtype is not None and arr.dtype != np_dtype
        if converts and copy is False:
            raise ValueError("asarray(): can't satisfy copy=False: the dtype must change")
        if isinstance(obj, Tensor) and not converts and not copy:
            return obj.requires_grad_() if requires_grad else obj
        arr = arr.astype(arr.dtype if np_dtype is None else np_dtype, copy=bool(copy) or converts)
    else:
        arr = _infer_np(obj, np_dtype)
    return _finish(arr, requires_grad)


def from_numpy(ndarray):
    """A tensor sharing memory with `ndarray` (changes to one show in the other).

    >>> import numpy as np, chainrule as torch
    >>> a = np.zeros(2)
    >>> t = torch.from_numpy(a)
    >>> a[0] = 5
    >>> t
    tensor([5., 0.], dtype=torch.float64)
    """
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    _dtype.from_numpy_dtype(ndarray.dtype)
    if any(st < 0 for st in ndarray.strides):
        raise ValueError(
            "At least one stride in the given numpy array is negative, and tensors with negative "
            "strides are not currently supported. (You can probably work around this by making a "
            "copy of your array  with array.copy().) "
        )
    return Tensor._make(ndarray)


# --- shapes and dtypes of the factory functions --------------------------------------------------

def _shape(name, args, size=None):
    """The shape from `f(2, 3)`, `f((2, 3))`, `f([2, 3])`, `f(torch.Size(...))` or `size=`."""
    if size is not None:
        if args:
            raise TypeError(f"{name}() got multiple values for argument 'size'")
        args = (size,)
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        args = tuple(args[0])
    shape = []
    for s in args:
        if isinstance(s, (builtins.bool, builtins.float, str)) or not hasattr(s, "__index__"):
            raise TypeError(
                f"{name}(): argument 'size' (position 1) must be tuple of ints, not "
                f"{type(s).__name__}"
            )
        shape.append(operator.index(s))
    for s in shape:
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {shape}")
    return tuple(shape)


def _np_dtype(name, dtype, default=None):
    if dtype is None:
        return default if default is not None else _dtype.default_float_np()
    return _dtype.check_dtype_arg(name, dtype)


def _out(arr, requires_grad, out):
    """A new tensor, or `arr` written into `out=` (which takes its shape, as in PyTorch)."""
    if out is None:
        return _finish(arr, requires_grad)
    _check_requires_grad(arr, requires_grad)
    out._data = arr.astype(out._data.dtype, copy=False)
    out._vc[0] += 1
    return out


def _filled(name, np_fn, args, size, out, dtype, device, requires_grad):
    check_device(device)
    default = None if out is None else out._data.dtype
    return _out(np_fn(_shape(name, args, size), dtype=_np_dtype(name, dtype, default)),
                requires_grad, out)


def zeros(*size_args, size=None, out=None, dtype=None, layout=None, device=None,
          requires_grad=False, pin_memory=False):
    """A tensor of zeros: `zeros(2, 3)` or `zeros((2, 3))`.

    >>> import chainrule as torch
    >>> torch.zeros(2, 3, dtype=torch.int64)
    tensor([[0, 0, 0],
            [0, 0, 0]])
    """
    return _filled("zeros", np.zeros, size_args, size, out, dtype, device, requires_grad)


def ones(*size_args, size=None, out=None, dtype=None, layout=None, device=None,
         requires_grad=False, pin_memory=False):
    """A tensor of ones: `ones(2, 3)` or `ones((2, 3))`."""
    return _filled("ones", np.ones, size_args, size, out, dtype, device, requires_grad)


def empty(*size_args, size=None, out=None, dtype=None, layout=None, device=None,
          requires_grad=False, pin_memory=False, memory_format=None):
    """An uninitialised tensor (chainrule fills it with zeros: NumPy's empty is not safe to
    print)."""
    return _filled("empty", np.zeros, size_args, size, out, dtype, device, requires_grad)


def _fill_dtype(fill_value):
    if isinstance(fill_value, Tensor):
        if fill_value._data.size != 1:
            raise RuntimeError(
                f"fill_value must be a 0-dimensional tensor or a number, but got a tensor with "
                f"{fill_value._data.ndim} dimension(s)"
            )
        return fill_value._data.dtype
    if isinstance(fill_value, np.generic):  # a NumPy scalar counts as a Python number here
        fill_value = fill_value.item()
    if isinstance(fill_value, (builtins.bool, builtins.int, builtins.float)):
        return _infer_np(fill_value).dtype
    raise TypeError(
        f"full(): argument 'fill_value' (position 2) must be Number, not "
        f"{type(fill_value).__name__}"
    )


def full(size, fill_value, *, out=None, dtype=None, layout=None, device=None,
         requires_grad=False, pin_memory=False):
    """A tensor of `size` filled with `fill_value`; the dtype follows the value (bool, int64 or the
    default float dtype) unless given."""
    check_device(device)
    if not isinstance(size, (tuple, list)):
        raise TypeError(f"full(): argument 'size' (position 1) must be tuple of ints, not "
                        f"{type(size).__name__}")
    dt = _fill_dtype(fill_value) if dtype is None else _dtype.check_dtype_arg("full", dtype)
    value = fill_value._data.reshape(()) if isinstance(fill_value, Tensor) else fill_value
    with np.errstate(over="ignore", invalid="ignore"):
        arr = np.full(_shape("full", (size,)), value, dtype=dt)
    return _out(arr, requires_grad, out)


def _number(name, arg, v):
    if isinstance(v, Tensor):
        if v._data.size != 1:
            raise RuntimeError(f"{name}(): argument '{arg}' must be a number or a one-element "
                               f"tensor (got shape {list(v._data.shape)})")
        return v._data.reshape(()).item()
    if isinstance(v, np.generic):
        return v.item()
    if not isinstance(v, (builtins.int, builtins.float)):
        raise TypeError(f"{name}(): argument '{arg}' must be Number, not {type(v).__name__}")
    return v


def arange(start=None, end=None, step=1, *, out=None, dtype=None, layout=None, device=None,
           requires_grad=False, pin_memory=False):
    """Values from start (default 0) up to but excluding end, spaced by step: int64 for integer
    arguments, the default float dtype when any argument is a float.

    >>> import chainrule as torch
    >>> torch.arange(5), torch.arange(1, 2.5, 0.5)
    (tensor([0, 1, 2, 3, 4]), tensor([1.0000, 1.5000, 2.0000]))
    """
    check_device(device)
    if start is None and end is None:
        raise TypeError("arange() missing required argument 'end' (pos 1)")
    if end is None:
        start, end = 0, start
    elif start is None:
        start = 0
    start, end, step = (_number("arange", a, v) for a, v in
                        (("start", start), ("end", end), ("step", step)))
    is_float = any(isinstance(v, builtins.float) for v in (start, end, step))
    if dtype is None:
        dt = _dtype.default_float_np() if is_float else np.dtype(np.int64)
    else:
        dt = _dtype.check_dtype_arg("arange", dtype)
    if dt.kind in "iub" and is_float:  # PyTorch casts the arguments to an integer dtype first
        if builtins.int(step) == 0 and step != 0:
            raise ValueError("step must be nonzero")
        start, end, step = builtins.int(start), builtins.int(end), builtins.int(step)
        is_float = False
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if not all(np.isfinite(v) for v in (start, end)):
        raise RuntimeError(f"unsupported range: {start} -> {end}")
    if (end - start) * step < 0:
        raise RuntimeError(
            f"upper bound and lower bound inconsistent with step sign (start={start}, end={end}, "
            f"step={step})"
        )
    if dt.kind == "b":
        raise NotImplementedError("\"arange_cpu\" not implemented for 'Bool'")
    n = builtins.max(0, builtins.int(np.ceil((end - start) / step)))
    if dt.kind == "f":
        data = _arange_float(start, step, n, dt)
    elif is_float:
        data = (start + step * np.arange(n, dtype=np.float64)).astype(dt)
    else:
        data = (start + step * np.arange(n, dtype=np.int64)).astype(dt, copy=False)
    return _out(data, requires_grad, out)


def _steps(name, steps):
    if isinstance(steps, (builtins.bool, builtins.float)) or not hasattr(steps, "__index__"):
        raise TypeError(f"{name}(): argument 'steps' (position 3) must be int, not "
                        f"{type(steps).__name__}")
    steps = operator.index(steps)
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    return steps


# --- PyTorch's CPU formulas for arange/linspace, to the last bit ---------------------------------
# PyTorch computes float ranges in double with fused multiply-adds, in 32-byte vector blocks
# (each block starts from a rounded base) unrolled twice, with a scalar tail. NumPy has no FMA,
# so _fma computes a*b + c exactly rounded from error-free products and sums (Dekker, Knuth).

def _split(x):
    t = 134217729.0 * x  # 2**27 + 1
    hi = t - (t - x)
    return hi, x - hi


def _fma(a, b, c):
    """a * b + c in float64 with a single rounding (arrays or scalars)."""
    a, b, c = np.broadcast_arrays(np.float64(a), np.float64(b), np.float64(c))
    p = a * b
    ah, al = _split(a)
    bh, bl = _split(b)
    p_err = ((ah * bh - p) + ah * bl + al * bh) + al * bl
    total = c + p
    back = total - c
    s_err = (c - (total - back)) + (p - back)
    return total + (p_err + s_err)


def _fma_int(ints, scale, c):
    """ints * scale + c with one rounding, for integer-valued `ints` below 2**26 (then each
    partial product below is exact, so this costs a handful of array operations)."""
    if ints.size and np.abs(ints).max() >= 2.0 ** 26:
        return _fma(ints, scale, c)
    hi, lo = _split(np.float64(scale))
    p = ints * scale
    p_err = (ints * hi - p) + ints * lo
    total = c + p
    back = total - c
    s_err = (c - (total - back)) + (p - back)
    return total + (p_err + s_err)


_EXACT_RANGE_MAX = 1 << 16  # longer float ranges use plain double math (may differ by an ulp)


def _arange_float(start, step, n, dt):
    idx = np.arange(n, dtype=np.float64)
    if n > _EXACT_RANGE_MAX:
        return (start + step * idx).astype(dt)
    width = builtins.max(1, 32 // dt.itemsize)  # elements per vector block
    in_blocks = idx < (n // (2 * width)) * (2 * width)
    lane = idx % width
    base = _fma_int(idx - lane, step, start).astype(dt).astype(np.float64)
    vec = _fma_int(lane, step, base)
    tail = _fma_int(idx, step, start)
    return np.where(in_blocks, vec, tail).astype(dt)


def _linspace_np(start, end, steps, dt):
    """PyTorch's CPU formula: the first half counts up from start, the second half down from end;
    float32 steps are computed in float32, other dtypes step in double."""
    if steps <= 1:
        return np.full(steps, start, dtype=np.float64).astype(dt)
    if dt.kind == "f" and dt.itemsize < 8:
        first, last = dt.type(start), dt.type(end)
        step = np.float64((last - first) / dt.type(steps - 1))
        first, last = np.float64(first), np.float64(last)
    else:
        if dt.kind != "f":  # the endpoints are converted to the integer dtype first
            start, end = builtins.int(start), builtins.int(end)
        first, last = np.float64(start), np.float64(end)
        step = (last - first) / (steps - 1)
    idx = np.arange(steps)
    fma = _fma_int if steps <= _EXACT_RANGE_MAX else (lambda i, a, c: i * a + c)
    with np.errstate(over="ignore", invalid="ignore"):
        out = np.where(idx < steps // 2, fma(idx.astype(np.float64), step, first),
                       fma((steps - 1 - idx).astype(np.float64), -step, last))
        return out.astype(dt)


def linspace(start, end, steps, *, out=None, dtype=None, layout=None, device=None,
             requires_grad=False):
    """`steps` evenly spaced values from start to end, both included."""
    check_device(device)
    start, end = _number("linspace", "start", start), _number("linspace", "end", end)
    steps = _steps("linspace", steps)
    dt = _np_dtype("linspace", dtype)
    return _out(_linspace_np(start, end, steps, dt), requires_grad, out)


def logspace(start, end, steps, base=10.0, *, out=None, dtype=None, layout=None, device=None,
             requires_grad=False):
    """`steps` values base**x for x evenly spaced from start to end."""
    check_device(device)
    start, end = _number("logspace", "start", start), _number("logspace", "end", end)
    steps = _steps("logspace", steps)
    dt = _np_dtype("logspace", dtype)
    exps = _linspace_np(start, end, steps, np.dtype(np.float64))
    with np.errstate(over="ignore"):
        return _out(np.power(np.float64(base), exps).astype(dt), requires_grad, out)


def _eye_size(name, v):
    if isinstance(v, (builtins.bool, builtins.float)) or not hasattr(v, "__index__"):
        raise TypeError(f"eye(): argument '{name}' must be int, not {type(v).__name__}")
    v = operator.index(v)
    if v < 0:
        raise RuntimeError(f"{name} must be greater or equal to 0, got {v}")
    return v


def eye(n, m=None, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """An n x m matrix (m defaults to n) with ones on the diagonal."""
    check_device(device)
    n = _eye_size("n", n)
    m = n if m is None else _eye_size("m", m)
    return _out(np.eye(n, m, dtype=_np_dtype("eye", dtype)), requires_grad, out)


# --- random tensors: NumPy's generator, so values differ from PyTorch's (shapes/dtypes match) ----

def _float_random(name, kernel, dtype):
    dt = _np_dtype(name, dtype)
    if dt.kind != "f":
        raise NotImplementedError(
            f"\"{kernel}\" not implemented for '{_TORCH_TYPE_NAMES.get(dt.name, dt.name)}'"
        )
    return dt


_TORCH_TYPE_NAMES = {"int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char",
                     "uint8": "Byte", "bool": "Bool", "float16": "Half"}


def _uniform(rng, shape, dt):
    if dt == np.float64:
        return rng.random(shape)
    u = rng.random(shape, dtype=np.float32).astype(dt, copy=False)
    if dt != np.float32:  # rounding to a narrower float may reach 1: keep [0, 1)
        u[u >= 1] = np.nextafter(dt.type(1), dt.type(0))
    return u


def _normal(rng, shape, dt):
    if dt == np.float64:
        return rng.standard_normal(shape)
    return rng.standard_normal(shape, dtype=np.float32).astype(dt, copy=False)


def rand(*size_args, size=None, generator=None, out=None, dtype=None, layout=None, device=None,
         requires_grad=False, pin_memory=False):
    """Uniform samples in [0, 1)."""
    check_device(device)
    dt = _float_random("rand", "check_uniform_bounds", dtype)
    return _out(_uniform(_gen(generator), _shape("rand", size_args, size), dt), requires_grad,
                out)


def randn(*size_args, size=None, generator=None, out=None, dtype=None, layout=None, device=None,
          requires_grad=False, pin_memory=False):
    """Standard normal samples."""
    check_device(device)
    dt = _float_random("randn", "normal_kernel_cpu", dtype)
    return _out(_normal(_gen(generator), _shape("randn", size_args, size), dt), requires_grad,
                out)


def _int_arg(name, arg, v):
    if isinstance(v, (builtins.bool, builtins.float)) or not hasattr(v, "__index__"):
        raise TypeError(f"{name}(): argument '{arg}' must be int, not {type(v).__name__}")
    return operator.index(v)


def randint(low=0, high=None, size=None, *, generator=None, out=None, dtype=None, layout=None,
            device=None, requires_grad=False, pin_memory=False):
    """Integers drawn uniformly from [low, high): `randint(high, size)` or
    `randint(low, high, size)`; size must be a tuple."""
    check_device(device)
    if size is None:  # randint(high, size)
        low, high, size = 0, low, high
    elif high is None:  # randint(high, size=...)
        low, high = 0, low
    if high is None or size is None:
        raise TypeError("randint() missing required arguments: expected (high, size) or "
                        "(low, high, size)")
    if not isinstance(size, (tuple, list)):
        raise TypeError(f"randint(): argument 'size' must be tuple of ints, not "
                        f"{type(size).__name__}")
    low, high = _int_arg("randint", "low", low), _int_arg("randint", "high", high)
    if low >= high:
        raise RuntimeError(
            f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}"
        )
    dt = _np_dtype("randint", dtype, np.dtype(np.int64))
    if dt.kind == "b" and (low < 0 or high > 2):
        raise RuntimeError(f"{'from' if low < 0 else 'to - 1'} is out of bounds for bool")
    data = _gen(generator).integers(low, high, size=_shape("randint", (size,)))
    return _out(data.astype(dt), requires_grad, out)


def randperm(n, *, generator=None, out=None, dtype=None, layout=None, device=None,
             requires_grad=False, pin_memory=False):
    """A random permutation of 0 .. n-1 (int64)."""
    check_device(device)
    n = _int_arg("randperm", "n", n)
    if n < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {n}: [{n}]")
    dt = _np_dtype("randperm", dtype, np.dtype(np.int64))
    return _out(_gen(generator).permutation(n).astype(dt), requires_grad, out)


def normal(mean=0.0, std=1.0, size=None, *, generator=None, out=None, dtype=None, layout=None,
           device=None, requires_grad=False):
    """Normal samples: `normal(mean, std, size)` with numbers, or with tensors of means/stds."""
    check_device(device)
    tensors = [v for v in (mean, std) if isinstance(v, Tensor)]
    rng = _gen(generator)
    if tensors:
        m = getattr(mean, "_data", mean)
        s = getattr(std, "_data", std)
        shape = np.broadcast_shapes(np.shape(m), np.shape(s))
        dt = tensors[0]._data.dtype if dtype is None else _np_dtype("normal", dtype)
        return _out((_normal(rng, shape, np.dtype(np.float64)) * s + m).astype(dt),
                    requires_grad, out)
    if size is None:
        raise TypeError("normal() missing required argument 'size'")
    dt = _float_random("normal", "normal_kernel_cpu", dtype)
    data = _normal(rng, _shape("normal", (size,)), np.dtype(np.float64)) * std + mean
    return _out(data.astype(dt), requires_grad, out)


# --- the *_like variants: shape (and by default dtype) of `input` -------------------------------

def _like_dtype(name, input, dtype):
    if not isinstance(input, Tensor):
        raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(input).__name__}")
    return input._data.dtype if dtype is None else _dtype.check_dtype_arg(name, dtype)


def zeros_like(input, *, dtype=None, layout=None, device=None, requires_grad=False,
               memory_format=None):
    check_device(device)
    dt = _like_dtype("zeros_like", input, dtype)
    return _finish(np.zeros(input._data.shape, dtype=dt), requires_grad)


def ones_like(input, *, dtype=None, layout=None, device=None, requires_grad=False,
              memory_format=None):
    check_device(device)
    dt = _like_dtype("ones_like", input, dtype)
    return _finish(np.ones(input._data.shape, dtype=dt), requires_grad)


def empty_like(input, *, dtype=None, layout=None, device=None, requires_grad=False,
               memory_format=None):
    check_device(device)
    dt = _like_dtype("empty_like", input, dtype)
    return _finish(np.zeros(input._data.shape, dtype=dt), requires_grad)


def full_like(input, fill_value, *, dtype=None, layout=None, device=None, requires_grad=False,
              memory_format=None):
    check_device(device)
    dt = _like_dtype("full_like", input, dtype)
    _fill_dtype(fill_value)
    value = fill_value._data.reshape(()) if isinstance(fill_value, Tensor) else fill_value
    with np.errstate(over="ignore", invalid="ignore"):
        return _finish(np.full(input._data.shape, value, dtype=dt), requires_grad)


def rand_like(input, *, generator=None, dtype=None, layout=None, device=None,
              requires_grad=False, memory_format=None):
    check_device(device)
    dt = _like_dtype("rand_like", input, dtype)
    _float_random("rand_like", "check_uniform_bounds", _dtype.from_numpy_dtype(dt))
    return _finish(_uniform(_gen(generator), input._data.shape, dt), requires_grad)


def randn_like(input, *, generator=None, dtype=None, layout=None, device=None,
               requires_grad=False, memory_format=None):
    check_device(device)
    dt = _like_dtype("randn_like", input, dtype)
    _float_random("randn_like", "normal_kernel_cpu", _dtype.from_numpy_dtype(dt))
    return _finish(_normal(_gen(generator), input._data.shape, dt), requires_grad)


def randint_like(input, low=0, high=None, *, generator=None, dtype=None, layout=None, device=None,
                 requires_grad=False, memory_format=None):
    """Integers from [low, high) shaped like `input` (dtype of `input` unless given)."""
    check_device(device)
    if high is None:
        low, high = 0, low
    low, high = _int_arg("randint_like", "low", low), _int_arg("randint_like", "high", high)
    if low >= high:
        raise RuntimeError(
            f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}"
        )
    dt = _like_dtype("randint_like", input, dtype)
    data = _gen(generator).integers(low, high, size=input._data.shape)
    return _finish(data.astype(dt), requires_grad)
