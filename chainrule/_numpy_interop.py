"""NumPy calls on tensors dispatch to chainrule, so existing NumPy code stays differentiable.

`np.exp(t)`, `np.sum(t, axis=0)`, `np.concatenate([t, u])`, `a @ t`... on a Tensor run the
chainrule op of the same meaning (NumPy's ufunc protocol `__array_ufunc__` and its function
protocol `__array_function__`), as HIPS autograd and MyGrad do. NumPy's argument names are
translated (`axis` -> `dim`, `keepdims` -> `keepdim`, `ddof` -> `correction`). A NumPy function
chainrule has no counterpart for receives the tensors as arrays (as it would without this
protocol), which for a tensor that requires grad is an error, never a silent cut in the graph.

    >>> import numpy as np
    >>> import chainrule as torch
    >>> x = torch.tensor([0.0, 1.0], requires_grad=True)
    >>> y = np.sum(np.exp(x) * 2, axis=0)
    >>> y.backward()
    >>> x.grad
    tensor([2.0000, 5.4366])
"""

import numpy as np

from ._tensor import Tensor

# ufunc name -> chainrule function name (None: same name)
_UFUNCS = {
    "add": None, "subtract": "sub", "multiply": "mul", "divide": "div", "true_divide": "div",
    "floor_divide": None, "remainder": None, "mod": "remainder", "fmod": None, "power": "pow",
    "float_power": None, "negative": "neg", "positive": "positive", "absolute": "abs",
    "fabs": "abs", "sign": None, "exp": None, "exp2": None, "expm1": None, "log": None,
    "log2": None, "log10": None, "log1p": None, "sqrt": None, "square": None,
    "reciprocal": None, "sin": None, "cos": None, "tan": None, "arcsin": "asin",
    "arccos": "acos", "arctan": "atan", "arctan2": "atan2", "sinh": None, "cosh": None,
    "tanh": None, "arcsinh": "asinh", "arccosh": "acosh", "arctanh": "atanh", "maximum": None,
    "minimum": None, "fmax": None, "fmin": None, "floor": None, "ceil": None, "trunc": None,
    "rint": "round", "hypot": None, "logaddexp": None, "logaddexp2": None, "copysign": None,
    "deg2rad": None, "rad2deg": None, "equal": "eq", "not_equal": "ne", "less": "lt",
    "less_equal": "le", "greater": "gt", "greater_equal": "ge", "logical_and": None,
    "logical_or": None, "logical_xor": None, "logical_not": None, "isnan": None, "isinf": None,
    "isfinite": None, "signbit": None, "matmul": None, "heaviside": None,
    "bitwise_and": None, "bitwise_or": None, "bitwise_xor": None, "invert": "bitwise_not",
}
_REDUCE = {"add": "sum", "multiply": "prod", "maximum": "amax", "minimum": "amin",
           "logical_and": "all", "logical_or": "any"}
_ACCUMULATE = {"add": "cumsum", "multiply": "cumprod"}


def _cr():
    import chainrule

    return chainrule


def array_ufunc(self, ufunc, method, *inputs, **kwargs):
    if kwargs.get("out") is not None:
        return NotImplemented  # chainrule never writes into a NumPy array
    kwargs.pop("out", None)
    cr = _cr()
    name = ufunc.__name__
    if method == "__call__" and name in _UFUNCS and not kwargs:
        fn = getattr(cr, _UFUNCS[name] or name, None)
        if fn is not None:
            return fn(*inputs)
    if method == "reduce" and name in _REDUCE:
        (x,) = inputs
        axis = kwargs.get("axis", 0)
        keep = kwargs.get("keepdims", False)
        fn = getattr(cr, _REDUCE[name])
        if axis is None:
            return fn(x.reshape(-1), 0, keep) if not keep else fn(x, tuple(range(x.dim())), True)
        return fn(x, axis, keep)
    if method == "accumulate" and name in _ACCUMULATE:
        (x,) = inputs
        return getattr(cr, _ACCUMULATE[name])(x, kwargs.get("axis", 0))
    return NotImplemented


def _as_dims(axis):
    return tuple(axis) if isinstance(axis, (list, tuple)) else axis


def _reduction(name):
    def fn(a, axis=None, dtype=None, out=None, keepdims=False, **kw):
        cr = _cr()
        x = a if dtype is None else cr.as_tensor(a).to(_dtype(dtype))
        f = getattr(cr, name)
        if axis is None and not keepdims:
            return f(x)
        return f(x, dim=_as_dims(axis) if axis is not None else tuple(range(x.dim())),
                 keepdim=keepdims)

    return fn


def _moments(name):
    def fn(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, **kw):
        return getattr(_cr(), name)(a, dim=_as_dims(axis), correction=ddof, keepdim=keepdims)

    return fn


def _dtype(dtype):
    from ._dtype import from_numpy_dtype

    return from_numpy_dtype(np.dtype(dtype))


def _extreme(name, fallback):
    def fn(a, axis=None, out=None, keepdims=False, **kw):
        cr = _cr()
        if axis is None and not keepdims:
            return getattr(cr, fallback)(a)
        return getattr(cr, name)(a, dim=_as_dims(axis) if axis is not None else
                                 tuple(range(a.dim())), keepdim=keepdims)

    return fn


def _concatenate(arrays, axis=0, out=None, **kw):
    cr = _cr()
    arrays = [cr.as_tensor(a) for a in arrays]
    if axis is None:
        return cr.cat([a.reshape(-1) for a in arrays])
    return cr.cat(arrays, dim=axis)


def _transpose(a, axes=None):
    cr = _cr()
    a = cr.as_tensor(a)
    return a.permute(*(axes if axes is not None else range(a.dim() - 1, -1, -1)))


def _reshape(a, *args, **kw):
    shape = args[0] if args else kw.get("shape", kw.get("newshape"))
    return _cr().reshape(a, (shape,) if isinstance(shape, int) else tuple(shape))


def _where(condition, *xy):
    if not xy:
        return NotImplemented
    return _cr().where(_cr().as_tensor(condition), *xy)


def _cumulative(name):
    def fn(a, axis=None, dtype=None, out=None):
        a = _cr().as_tensor(a)
        if axis is None:
            a, axis = a.reshape(-1), 0
        return getattr(_cr(), name)(a, axis)

    return fn


_FUNCTIONS = {
    "sum": _reduction("sum"), "mean": _reduction("mean"), "prod": _reduction("prod"),
    "var": _moments("var"), "std": _moments("std"),
    "max": _extreme("amax", "max"), "amax": _extreme("amax", "max"),
    "min": _extreme("amin", "min"), "amin": _extreme("amin", "min"),
    "cumsum": _cumulative("cumsum"), "cumprod": _cumulative("cumprod"),
    "concatenate": _concatenate, "concat": _concatenate,
    "stack": lambda arrays, axis=0, out=None, **kw: _cr().stack(list(arrays), dim=axis),
    "hstack": lambda tup, **kw: _cr().hstack(list(tup)),
    "vstack": lambda tup, **kw: _cr().vstack(list(tup)),
    "reshape": _reshape, "transpose": _transpose,
    "swapaxes": lambda a, axis1, axis2: _cr().swapaxes(a, axis1, axis2),
    "moveaxis": lambda a, source, destination: _cr().movedim(a, source, destination),
    "squeeze": lambda a, axis=None: _cr().squeeze(a) if axis is None else
    _cr().squeeze(a, axis),
    "expand_dims": lambda a, axis: _cr().unsqueeze(a, axis),
    "broadcast_to": lambda array, shape, subok=False: _cr().broadcast_to(array, shape),
    "dot": lambda a, b, out=None: _cr().matmul(a, b) if _cr().as_tensor(a).dim() and
    _cr().as_tensor(b).dim() else _cr().mul(a, b),
    "matmul": lambda a, b, **kw: _cr().matmul(a, b),
    "inner": lambda a, b: _cr().inner(a, b), "outer": lambda a, b, out=None: _cr().outer(
        _cr().as_tensor(a).reshape(-1), _cr().as_tensor(b).reshape(-1)),
    "tensordot": lambda a, b, axes=2: _cr().tensordot(a, b, dims=axes),
    "einsum": lambda subscripts, *operands, **kw: _cr().einsum(subscripts, *operands),
    "where": _where,
    "clip": lambda a, a_min=None, a_max=None, out=None, **kw: _cr().clamp(
        a, kw.get("min", a_min), kw.get("max", a_max)),
    "flip": lambda m, axis=None: _cr().flip(m, tuple(range(m.dim())) if axis is None else
                                            (axis,) if isinstance(axis, int) else tuple(axis)),
    "roll": lambda a, shift, axis=None: _cr().roll(a, shift, axis),
    "tile": lambda a, reps: _cr().tile(a, (reps,) if isinstance(reps, int) else tuple(reps)),
    "diagonal": lambda a, offset=0, axis1=0, axis2=1: _cr().diagonal(a, offset, axis1, axis2),
    "trace": lambda a, offset=0, axis1=0, axis2=1, dtype=None, out=None: _cr().diagonal(
        a, offset, axis1, axis2).sum(-1),
    "tril": lambda m, k=0: _cr().tril(m, k), "triu": lambda m, k=0: _cr().triu(m, k),
    "abs": lambda x, **kw: _cr().abs(x), "round": lambda a, decimals=0, out=None: _cr().round(
        a, decimals=decimals),
    "linalg.norm": None,  # resolved below: chainrule.linalg may not exist at import time
    "sort": lambda a, axis=-1, **kw: _cr().sort(a, dim=axis).values,
    "argsort": lambda a, axis=-1, **kw: _cr().argsort(a, dim=axis),
    "argmax": lambda a, axis=None, out=None, keepdims=False: _cr().argmax(a, axis, keepdims),
    "argmin": lambda a, axis=None, out=None, keepdims=False: _cr().argmin(a, axis, keepdims),
    "zeros_like": lambda a, dtype=None, **kw: _cr().zeros_like(
        a, dtype=None if dtype is None else _dtype(dtype)),
    "ones_like": lambda a, dtype=None, **kw: _cr().ones_like(
        a, dtype=None if dtype is None else _dtype(dtype)),
    "shape": lambda a: tuple(a.shape), "ndim": lambda a: a.dim(), "size": lambda a, axis=None:
    a.numel() if axis is None else a.shape[axis],
}


def _linalg_norm(x, ord=None, axis=None, keepdims=False):
    from . import linalg

    return linalg.norm(x, ord, axis, keepdims)


_FUNCTIONS["linalg.norm"] = _linalg_norm


def _name(func):
    mod = getattr(func, "__module__", "") or ""
    name = func.__name__
    return "linalg." + name if mod.endswith("linalg") else name


def array_function(self, func, types, args, kwargs):
    impl = _FUNCTIONS.get(_name(func))
    if impl is not None:
        try:
            res = impl(*args, **kwargs)
        except AttributeError:  # chainrule lacks the op: treat the tensors as arrays
            res = NotImplemented
        if res is not NotImplemented:
            return res
    # no chainrule counterpart: NumPy's own implementation, tensors converted with __array__
    return func._implementation(*_to_arrays(args), **_to_arrays(kwargs))


def _to_arrays(obj):
    if isinstance(obj, Tensor):
        return np.asarray(obj)
    if isinstance(obj, (list, tuple)):
        return type(obj)(_to_arrays(x) for x in obj)
    if isinstance(obj, dict):
        return {k: _to_arrays(v) for k, v in obj.items()}
    return obj


Tensor.__array_ufunc__ = array_ufunc
Tensor.__array_function__ = array_function
