"""Tensor: a NumPy array plus what autograd needs (requires_grad, grad, grad_fn, a version counter).

Operator dunders and op methods are attached by `_tensor_methods.py` and only delegate to ops.
"""

import weakref

import numpy as np

from . import _dtype
from ._device import CPU, strided
from ._printing import dtype_suffix_needed, format_tensor
from .autograd import engine, grad_mode
from .autograd.backward_api import backward as _backward
from .autograd import graph as _graph
from .autograd.graph import AccumulateGrad, RemovableHandle


class Size(tuple):
    """A tensor's shape: a tuple that prints as PyTorch's `torch.Size([2, 3])`; slicing,
    concatenating and repeating it give a Size again."""

    def __new__(cls, sizes=()):
        if sizes.__class__ is not tuple:  # NumPy shapes (plain int tuples) skip the check
            sizes = tuple(_size_item(i, s) for i, s in enumerate(sizes))
        return tuple.__new__(cls, sizes)

    def __repr__(self):
        return f"torch.Size({list(self)})"

    def __getitem__(self, key):
        out = tuple.__getitem__(self, key)
        return Size(out) if isinstance(key, slice) else out

    def __add__(self, other):
        if not isinstance(other, tuple):
            raise TypeError(f"can only concatenate tuple (not {type(other).__name__}) to "
                            "torch.Size")
        return Size(tuple.__add__(self, other))

    def __radd__(self, other):
        if not isinstance(other, tuple):
            return NotImplemented
        return Size(tuple.__add__(other, self))

    def __mul__(self, n):
        return Size(tuple.__mul__(self, n))

    __rmul__ = __mul__

    def numel(self):
        n = 1
        for s in self:
            n *= s
        return n


_new_size = tuple.__new__  # _new_size(Size, numpy_shape): a Size without re-checking the ints


def _size_item(i, s):
    if isinstance(s, float) or not hasattr(s, "__index__"):
        raise TypeError(f"torch.Size() takes an iterable of 'int' (item {i} is "
                        f"'{type(s).__name__}')")
    return s.__index__()


class Tensor:
    """An n-dimensional array that can record the operations applied to it.

    >>> import chainrule as torch
    >>> w = torch.tensor([3.0], requires_grad=True)
    >>> loss = (w * 2.0 - 8.0) ** 2
    >>> loss.backward()
    >>> w.grad
    tensor([-8.])
    """

    __slots__ = (
        "__dict__",
        "__weakref__",
        "_base",
        "_data",
        "_output_nr",
        "_rg",
        "_vc",
        "_view_of",
        "grad_fn",
    )
    # Attributes most tensors never set are class-level defaults (an instance that sets one
    # keeps it in its __dict__): every op's output is created with fewer stores.
    _fw = None  # forward AD: {level id: tangent} (autograd/forward_ad.py)
    _grad = None  # .grad
    _accum = None  # a leaf's AccumulateGrad node, made on first use
    _hooks = None  # register_hook: [hook]
    _post_hooks = None  # register_post_accumulate_grad_hook: [hook]
    _retains = False  # retain_grad() was called
    __array_priority__ = 1000
    __array_ufunc__ = None  # NumPy defers to our reflected operators: ndarray * Tensor -> Tensor
    is_cuda = False
    is_sparse = False
    is_quantized = False
    layout = strided
    is_cpu = True

    def __init__(self, *args):
        from ._factories import tensor

        if len(args) == 1 and not isinstance(args[0], int):
            src = tensor(args[0], dtype=_dtype.get_default_dtype())
        elif not args:  # torch.Tensor() is an empty 1-d tensor
            src = tensor([], dtype=_dtype.get_default_dtype())
        else:
            src = tensor(np.empty(tuple(args), dtype=_dtype.default_float_np()))
        Tensor._init_from(self, src._data)

    @staticmethod
    def _init_from(t, data, requires_grad=False, grad_fn=None, vc=None, base=None):
        t._data = data
        t._rg = requires_grad
        t.grad_fn = grad_fn
        t._vc = [0] if vc is None else vc
        t._base = base
        t._output_nr = 0

    @classmethod
    def _make(cls, data, requires_grad=False, grad_fn=None, vc=None, base=None):
        """The fast constructor every op uses: no checks, no copies."""
        self = object.__new__(cls)
        self._data = data
        self._rg = requires_grad
        self.grad_fn = grad_fn
        self._vc = [0] if vc is None else vc
        self._base = base
        self._output_nr = 0
        return self

    # --- attributes ---------------------------------------------------------------------------

    @property
    def shape(self):
        return _new_size(Size, self._data.shape)

    def size(self, dim=None):
        if dim is None:
            return _new_size(Size, self._data.shape)
        return self._data.shape[_wrap_dim(dim, self._data.ndim, "size")]

    @property
    def dtype(self):
        return _dtype.from_numpy_dtype(self._data.dtype)

    @property
    def device(self):
        return CPU

    def get_device(self):
        return -1

    @property
    def ndim(self):
        return self._data.ndim

    def dim(self):
        return self._data.ndim

    ndimension = dim

    def numel(self):
        return self._data.size

    nelement = numel

    def element_size(self):
        return self._data.itemsize

    def is_floating_point(self):
        return self._data.dtype.kind == "f"

    def is_contiguous(self, memory_format=None):
        return self._data.flags.c_contiguous

    def stride(self, dim=None):
        strides = tuple(s // self._data.itemsize for s in self._data.strides)
        return strides if dim is None else strides[_wrap_dim(dim, self._data.ndim, "stride")]

    def data_ptr(self):
        return self._data.__array_interface__["data"][0]

    @property
    def _version(self):
        return self._vc[0]

    @property
    def data(self):
        """The same storage as a tensor that does not require grad (and shares no version)."""
        return Tensor._make(self._data)

    @data.setter
    def data(self, value):
        self._data = value._data if isinstance(value, Tensor) else np.asarray(value)

    # --- autograd attributes -------------------------------------------------------------------

    @property
    def requires_grad(self):
        return self._rg

    @requires_grad.setter
    def requires_grad(self, flag):
        flag = bool(flag)
        if self.grad_fn is not None and not flag:
            raise RuntimeError(
                "you can only change requires_grad flags of leaf variables. If you want to use a "
                "computed variable in a subgraph that doesn't require differentiation use "
                "var_no_grad = var.detach()."
            )
        if flag and self._data.dtype.kind not in "fc":
            raise RuntimeError(
                "only Tensors of floating point and complex dtype can require gradients "
                f"(got dtype {self.dtype})"
            )
        self._rg = flag

    def requires_grad_(self, requires_grad=True):
        self.requires_grad = requires_grad
        return self

    @property
    def grad(self):
        """The accumulated gradient (a leaf's, or a non-leaf's after retain_grad()), or None."""
        return self._grad

    @grad.setter
    def grad(self, value):
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(
                    "assigned grad expected to be a Tensor or None but got grad of type "
                    f"{type(value).__name__}"
                )
            if value._data.shape != self._data.shape:
                raise RuntimeError(
                    f"attempting to assign a gradient of size '{list(value._data.shape)}' to a "
                    f"tensor of size '{list(self._data.shape)}'. Please ensure that the gradient "
                    "and the tensor are the same size"
                )
            if value._data.dtype != self._data.dtype:
                raise RuntimeError(
                    f"attempting to assign a gradient with dtype {value.dtype} to a tensor with "
                    f"dtype {self.dtype}. The gradient must match the tensor's dtype"
                )
        self._grad = value

    @grad.deleter
    def grad(self):
        self._grad = None

    @property
    def is_leaf(self):
        return self.grad_fn is None

    @property
    def output_nr(self):
        return self._output_nr

    def _edge(self):
        """The edge an op's node points along to reach this tensor."""
        fn = self.grad_fn
        if fn is None:
            fn = self._accumulator()
        elif self._base is not None:
            view_of = getattr(self, "_view_of", _NOT_A_VIEW)
            if view_of is not _NOT_A_VIEW and view_of is not self._base.grad_fn:
                # the base's history changed (an in-place op) since this view's grad_fn was made
                from .autograd.views import refresh_view

                refresh_view(self)
                fn = self.grad_fn
        return (fn, self._output_nr, self._data.shape, self._data.dtype)

    def _accumulator(self):
        acc = self._accum
        if acc is None:
            acc = self._accum = AccumulateGrad(self)
        return acc

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        """Accumulate d(self)/d(leaf) into `.grad` of every leaf that requires grad.

        `gradient` is required unless self has one element. The graph is freed afterwards unless
        `retain_graph=True`; `create_graph=True` records the backward pass (higher derivatives).
        """
        _backward(self, gradient, retain_graph, create_graph, inputs=inputs)

    def register_hook(self, hook):
        """`hook(grad)` runs when this tensor's gradient is computed; it may return a new one."""
        if not self._rg:
            raise RuntimeError(
                "cannot register a hook on a tensor that doesn't require gradient"
            )
        if self.grad_fn is not None:
            return self.grad_fn.add_pre_hook(self._output_nr, hook)
        if self._hooks is None:
            self._hooks = []
        self._hooks.append(hook)
        return RemovableHandle(self._hooks, hook)

    def register_post_accumulate_grad_hook(self, hook):
        """`hook(tensor)` runs after a leaf's `.grad` has been updated."""
        if self.grad_fn is not None:
            raise RuntimeError(
                "post accumulate grad hooks cannot be registered on non-leaf tensors"
            )
        if self._post_hooks is None:
            self._post_hooks = []
        self._post_hooks.append(hook)
        return RemovableHandle(self._post_hooks, hook)

    def retain_grad(self):
        """Keep `.grad` on a non-leaf tensor after backward (a no-op on leaves)."""
        if not self._rg:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self.grad_fn is None or self._retains:
            return
        fn = self.grad_fn
        if fn.retains is None:
            fn.retains = {}
        fn.retains[self._output_nr] = weakref.ref(self)
        self._retains = True

    @property
    def retains_grad(self):
        return self._retains

    def detach(self):
        """A tensor sharing this one's storage and version counter, cut off from the graph."""
        return Tensor._make(self._data, False, None, self._vc, self._base)

    def detach_(self):
        if self._base is not None and self._base._rg and self.grad_fn is not None:
            raise RuntimeError("Can't detach views in-place. Use detach() instead.")
        self.grad_fn = None
        self._rg = False
        return self

    # --- conversion ---------------------------------------------------------------------------

    def item(self):
        if self._data.size != 1:
            raise RuntimeError(
                f"a Tensor with {self._data.size} elements cannot be converted to Scalar"
            )
        return self._data.reshape(()).item()

    def tolist(self):
        return self._data.tolist()

    def numpy(self, *, force=False):
        if self._rg and not force:
            raise RuntimeError(
                "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() "
                "instead."
            )
        return self._data

    def __array__(self, dtype=None, copy=None):
        if self._rg:
            raise RuntimeError(
                "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() "
                "instead."
            )
        return self._data if dtype is None else self._data.astype(dtype, copy=False)

    def __len__(self):
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self._data.shape[0]))

    def _scalar(self, kind):
        if self._data.size != 1:
            raise ValueError(
                f"only one element tensors can be converted to Python scalars (got "
                f"{self._data.size} elements)"
            )
        return kind(self._data.reshape(()).item())

    def __bool__(self):
        if self._data.size != 1:
            raise RuntimeError(
                f"Boolean value of Tensor with more than one value is ambiguous "
                f"(shape {list(self._data.shape)})"
            )
        return bool(self._data.reshape(()).item())

    def __float__(self):
        return self._scalar(float)

    def __int__(self):
        return self._scalar(int)

    def __index__(self):
        if self._data.dtype.kind not in "iub" or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self._data.reshape(()).item())

    def __complex__(self):
        return self._scalar(complex)

    __hash__ = object.__hash__

    def __repr__(self):
        suffixes = []
        data = self._data
        if dtype_suffix_needed(data.dtype, _dtype.default_float_np(), empty=data.size == 0):
            suffixes.append(f"dtype={self.dtype}")
        if self.grad_fn is not None:
            # as PyTorch's repr shows the node's class name: CopySlices, not its C++ path
            suffixes.append(f"grad_fn=<{self.grad_fn.name().rpartition('::')[2]}>")
        elif self._rg:
            suffixes.append("requires_grad=True")
        return format_tensor(data, suffixes)

    __str__ = __repr__

    def __format__(self, spec):
        if self._data.ndim == 0:
            return format(self._data.item(), spec)
        return format(repr(self), spec)

    def __reduce_ex__(self, protocol):
        return (_rebuild, (self._data, self._rg))

    def __deepcopy__(self, memo):
        if self.grad_fn is not None:
            raise RuntimeError(
                "Only Tensors created explicitly by the user (graph leaves) support the "
                "deepcopy protocol at the moment."
            )
        out = type(self)._make(self._data.copy(), self._rg)
        if self._grad is not None:
            out._grad = Tensor._make(self._grad._data.copy())
        memo[id(self)] = out
        return out


_NOT_A_VIEW = object()  # `_view_of` of tensors whose grad_fn does not derive from a base's


def _rebuild(data, requires_grad):
    return Tensor._make(data, requires_grad)


def _wrap_dim(dim, ndim, name):
    n = max(ndim, 1)
    if not -n <= dim < n:
        raise IndexError(
            f"{name}: Dimension out of range (expected to be in range of [{-n}, {n - 1}], "
            f"but got {dim})"
        )
    return dim % n


_graph.Tensor = Tensor
assert engine and grad_mode
