"""Custom ops: subclass `Function`, write static `forward(ctx, ...)` and `backward(ctx, ...)`.

    >>> import chainrule as torch
    >>> class Cube(torch.autograd.Function):
    ...     @staticmethod
    ...     def forward(ctx, x):
    ...         ctx.save_for_backward(x)
    ...         return x ** 3
    ...     @staticmethod
    ...     def backward(ctx, g):
    ...         (x,) = ctx.saved_tensors
    ...         return g * 3 * x ** 2
    >>> x = torch.tensor([2.0], requires_grad=True)
    >>> Cube.apply(x).backward()
    >>> x.grad
    tensor([12.])
"""

import functools
import weakref

import numpy as np

from . import grad_mode
from .graph import FREED_MESSAGE, Node, move_retained_grad, version_error


class FunctionCtx:
    """The `ctx` a custom Function's forward and backward share."""

    def __init__(self):
        self._saved = None
        self._versions = ()
        self._freed = False
        self.needs_input_grad = ()
        self._non_differentiable = set()
        self._dirty = set()
        self.materialize_grads = True
        self._node_ref = None  # weakref to the FunctionNode: the node holds ctx strongly

    @property
    def _node(self):
        return None if self._node_ref is None else self._node_ref()

    def save_for_backward(self, *tensors):
        self._saved = tensors

    def save_for_forward(self, *tensors):
        self._saved_forward = tensors

    def mark_non_differentiable(self, *tensors):
        self._non_differentiable.update(id(t) for t in tensors)

    def mark_dirty(self, *tensors):
        self._dirty.update(id(t) for t in tensors)

    def set_materialize_grads(self, value):
        self.materialize_grads = bool(value)

    @property
    def saved_tensors(self):
        if self._freed:
            raise RuntimeError(FREED_MESSAGE)
        if self._saved is None:
            return ()
        out = []
        node = self._node
        for i, (t, version) in enumerate(zip(self._saved, self._versions)):
            if t is not None and version is not None and t._vc[0] != version:
                what = f"saved_tensors[{i}] of {node.name() if node else 'a Function'}"
                data = t.data if isinstance(t, _SavedOutput) else t._data
                raise RuntimeError(version_error(data, what, t._vc[0], version))
            out.append(_unpack(t, node))
        return tuple(out)


class _SavedOutput:
    """A saved output of the Function itself, kept without a reference cycle."""

    __slots__ = ("_rg", "_vc", "data", "nr")

    def __init__(self, t, nr):
        self.data, self._vc, self.nr, self._rg = t._data, t._vc, nr, t._rg

    @property
    def shape(self):
        return self.data.shape


def _unpack(t, node):
    from .._tensor import Tensor

    if isinstance(t, _SavedOutput):
        out = Tensor._make(t.data, t._rg, node if t._rg else None, t._vc)
        out._output_nr = t.nr
        return out
    return t


class FunctionNode(Node):
    """The grad_fn of a custom Function's outputs."""

    __slots__ = ("cls", "ctx", "in_meta", "num_outputs", "out_meta")

    def name(self):
        return self.cls.__name__ + "Backward"

    def __getattr__(self, name):
        # In PyTorch a custom Function's grad_fn is its ctx: `y.grad_fn.saved_tensors` works.
        if name == "ctx":
            raise AttributeError(name)
        return getattr(self.ctx, name)

    def apply(self, grads, create_graph):
        from .._tensor import Tensor

        ctx = self.ctx
        if ctx._freed:
            raise RuntimeError(FREED_MESSAGE)
        wrapped = []
        for g, (shape, dtype) in zip(grads, self.out_meta):
            if g is None:
                wrapped.append(Tensor._make(np.zeros(shape, dtype)) if ctx.materialize_grads
                               else None)
            else:
                wrapped.append(g if isinstance(g, Tensor) else Tensor._make(g))
        backward = self.cls.backward
        enabled = create_graph and not getattr(backward, "_once_differentiable", False)
        with grad_mode.set_grad_enabled(enabled):
            result = backward(ctx, *wrapped)
        if not isinstance(result, tuple):
            result = (result,)
        n = len(self.in_meta)
        if len(result) != n:
            if len(result) > n and all(r is None for r in result[n:]):
                result = result[:n]
            else:
                raise RuntimeError(
                    f"function {self.name()} returned an incorrect number of gradients "
                    f"(expected {n}, got {len(result)})"
                )
        out = []
        for i, (g, meta, edge) in enumerate(zip(result, self.in_meta, self.next_edges)):
            if g is None or edge is None:
                out.append(None)
                continue
            if not isinstance(g, Tensor):
                raise TypeError(
                    f"function {self.name()} returned a {type(g).__name__} as gradient {i}; "
                    "expected a Tensor or None"
                )
            shape = meta[0]
            if g._data.shape != shape:
                try:
                    ok = np.broadcast_shapes(g._data.shape, shape) == g._data.shape and \
                        g._data.ndim >= len(shape)
                except ValueError:
                    ok = False
                if not ok:
                    raise RuntimeError(
                        f"Function {self.name()} returned an invalid gradient at index {i} - got "
                        f"{list(g._data.shape)} but expected shape compatible with {list(shape)}"
                    )
            out.append(g if create_graph else g._data)
        return out

    def release(self):
        self.ctx._freed = self.ctx._saved is not None and len(self.ctx._saved) > 0
        if self.ctx._freed:
            self.ctx._saved = None


class FunctionMeta(type):
    pass


class Function(metaclass=FunctionMeta):
    """Base class of custom differentiable operations; call them with `YourFunction.apply`."""

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError("You must implement the forward function for custom Function.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError(
            "You must implement either the backward or vjp method for your custom "
            "autograd.Function to use it with backward mode AD."
        )

    vjp = backward

    @staticmethod
    def setup_context(ctx, inputs, output):
        raise NotImplementedError

    def __call__(self, *args, **kwargs):
        raise RuntimeError(
            f"{type(self).__name__}: legacy autograd functions with a non-static forward are not "
            f"supported; call the class's static apply: {type(self).__name__}.apply(...)"
        )

    @classmethod
    def apply(cls, *args, **kwargs):
        from .._tensor import Tensor

        ctx = FunctionCtx()
        is_tensor = [isinstance(a, Tensor) for a in args]
        ctx.needs_input_grad = tuple(t and a._rg for t, a in zip(is_tensor, args))
        record = grad_mode.state.enabled and any(ctx.needs_input_grad)
        separate_setup = cls.setup_context is not Function.setup_context
        with grad_mode.no_grad():
            if separate_setup:
                outputs = cls.forward(*args, **kwargs)
                cls.setup_context(ctx, args, outputs)
            else:
                outputs = cls.forward(ctx, *args, **kwargs)
        single = not isinstance(outputs, tuple)
        outs = (outputs,) if single else outputs
        saved = ctx._saved or ()
        ctx._versions = tuple(t._vc[0] if isinstance(t, Tensor) else None for t in saved)
        dirty = ctx._dirty
        if not record:
            fresh = tuple(_fresh_output(o, args, None, i, False, dirty)
                          for i, o in enumerate(outs))
            return fresh[0] if single else fresh
        node = FunctionNode.__new__(FunctionNode)
        Node.__init__(node, tuple(a._edge() if t and a._rg else None
                                  for t, a in zip(is_tensor, args)))
        node.cls, node.ctx = cls, ctx
        ctx._node_ref = weakref.ref(node)
        node.in_meta = tuple((a._data.shape, a._data.dtype) if t else ((), None)
                             for t, a in zip(is_tensor, args))
        node.num_outputs = len(outs)
        node.out_meta = tuple((o._data.shape, o._data.dtype) if isinstance(o, Tensor) else
                              ((), np.float64) for o in outs)
        results = []
        for i, o in enumerate(outs):
            diff = isinstance(o, Tensor) and id(o) not in ctx._non_differentiable and \
                o._data.dtype.kind == "f"
            results.append(_fresh_output(o, args, node if diff else None, i, diff, dirty))
        if saved:
            by_id = {id(o): i for i, o in enumerate(outs) if isinstance(o, Tensor)}
            ctx._saved = tuple(
                _SavedOutput(results[by_id[id(t)]], by_id[id(t)]) if id(t) in by_id else t
                for t in saved
            )
            ctx._versions = tuple(None if t is None else t._vc[0] for t in ctx._saved)
        return results[0] if single else tuple(results)


def _fresh_output(o, args, node, nr, diff, dirty):
    """The tensor the user gets for output `nr`: a new object when forward returned an input,
    except an input marked dirty, whose history is rebased onto the node (as PyTorch does)."""
    from .._tensor import Tensor

    if not isinstance(o, Tensor):
        return o
    if id(o) in dirty:
        if node is not None and o.grad_fn is None and o._rg:
            raise RuntimeError(
                "a leaf Variable that requires grad has been used in an in-place operation "
                f"(marked dirty by {node.name()}, shape {list(o._data.shape)})."
            )
        o._vc[0] += 1
    elif any(o is a for a in args) or o.grad_fn is not None or o._rg:
        o = Tensor._make(o._data, False, None, o._vc, o._base)
    if diff:
        old_node, old_nr = o.grad_fn, o._output_nr
        o.grad_fn = node
        o._rg = True
        o._output_nr = nr
        move_retained_grad(o, old_node, old_nr)
    return o


def once_differentiable(fn):
    """Mark a custom backward as not itself differentiable (it runs under no_grad)."""

    @functools.wraps(fn)
    def wrapper(ctx, *args):
        with grad_mode.no_grad():
            return fn(ctx, *args)

    wrapper._once_differentiable = True
    return wrapper
