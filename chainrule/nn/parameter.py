"""Parameter and Buffer: tensors that a Module registers when they are assigned as attributes.

    >>> import chainrule as torch
    >>> from chainrule import nn
    >>> nn.Parameter(torch.tensor([1.0, 2.0]))
    Parameter containing:
    tensor([1., 2.], requires_grad=True)
"""

from .._factories import empty
from .._tensor import Tensor


def _check_tensor(kind, data):
    if not isinstance(data, Tensor):
        raise TypeError(f"{kind}: expected a Tensor as data, got {type(data).__name__}")


class Parameter(Tensor):
    """A leaf tensor that a Module treats as one of its parameters (requires grad by default).

    Like PyTorch, `Parameter(t)` shares `t`'s storage and version counter but none of its
    history: the result is always a leaf.
    """

    def __new__(cls, data=None, requires_grad=True):
        if data is None:
            data = empty(0)
        _check_tensor("Parameter", data)
        if requires_grad and data._data.dtype.kind not in "fc":
            raise RuntimeError(
                "Only Tensors of floating point and complex dtype can require gradients "
                f"(Parameter got dtype {data.dtype})"
            )
        return cls._make(data._data, bool(requires_grad), None, data._vc)

    def __init__(self, data=None, requires_grad=True):
        pass  # everything happens in __new__ (Tensor.__init__ would rebuild the data)

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()

    __str__ = __repr__

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        result = type(self)(Tensor._make(self._data.copy()), self._rg)
        memo[id(self)] = result
        return result

    def __reduce_ex__(self, protocol):
        return (_rebuild_parameter, (self._data, self._rg))


def _rebuild_parameter(data, requires_grad):
    return Parameter(Tensor._make(data), requires_grad)


class Buffer(Tensor):
    """A tensor that a Module registers as a buffer when assigned as an attribute.

    `persistent=False` keeps it out of the module's `state_dict`.
    """

    def __new__(cls, data=None, *, persistent=True):
        if data is None:
            data = empty(0)
        _check_tensor("Buffer", data)
        out = cls._make(data._data, data._rg and data.grad_fn is None, None, data._vc)
        out.persistent = persistent
        return out

    def __init__(self, data=None, *, persistent=True):
        pass
