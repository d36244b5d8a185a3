"""torch.autograd.functional: Jacobians, Hessians and vector products of a function.

`inputs` is a Tensor or a tuple of Tensors, and results follow PyTorch's conventions: a single
Tensor where the function takes one input and returns one output, tuples otherwise (for Jacobians
and Hessians, a tuple over outputs of tuples over inputs).

    >>> import chainrule as torch
    >>> from chainrule.autograd.functional import jacobian, hessian
    >>> jacobian(lambda x: x ** 2, torch.tensor([1.0, 2.0]))
    tensor([[2., 0.],
            [0., 4.]])
    >>> A = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    >>> hessian(lambda x: x @ A @ x, torch.tensor([1.0, 1.0]))  # A + A^T
    tensor([[2., 5.],
            [5., 8.]])
"""

import numpy as np

from .._tensor import Tensor
from . import grad_mode
from .backward_api import grad as _grad


def _as_tuple(x, arg_name, fn_name):
    is_tuple = isinstance(x, tuple)
    xs = x if is_tuple else (x,)
    for i, t in enumerate(xs):
        if not isinstance(t, Tensor):
            where = f"The {arg_name} given to {fn_name}" + (f" (element {i})" if is_tuple else "")
            raise TypeError(f"{where} must be either a Tensor or a tuple of Tensors but the "
                            f"value at index {i} has type {type(t).__name__}.")
    return is_tuple, xs


def _prepare(inputs, create_graph):
    """Differentiable handles of the inputs: connected to their graph only when create_graph."""
    out = []
    for t in inputs:
        if create_graph and t.requires_grad:
            out.append(t.view_as(t))
        else:
            out.append(t.detach().requires_grad_(True))
    return tuple(out)


def _finish(xs, create_graph):
    return tuple(None if x is None else (x if create_graph else x.detach()) for x in xs)


def _check_outputs(outputs, fn_name, is_tuple_out):
    for i, o in enumerate(outputs):
        if not isinstance(o, Tensor):
            raise TypeError(f"The outputs of the user-provided function given to {fn_name} must "
                            f"be either a Tensor or a tuple of Tensors but the value at index "
                            f"{i} has type {type(o).__name__}.")


def _grads(outputs, inputs, grad_outputs, create_graph, strict, fn_name, stage="output"):
    pairs = [(o, g) for o, g in zip(outputs, grad_outputs) if o.requires_grad]
    if pairs:
        res = _grad([o for o, _ in pairs], inputs, [g for _, g in pairs], retain_graph=True,
                    create_graph=create_graph, allow_unused=True)
    else:
        res = (None,) * len(inputs)
    out = []
    for i, (g, x) in enumerate(zip(res, inputs)):
        if g is None:
            if strict:
                raise RuntimeError(
                    f"The {stage} of the user-provided function is independent of input {i}. "
                    f"This is not allowed in strict mode ({fn_name}).")
            g = Tensor._make(np.zeros_like(x._data))
        out.append(g)
    return tuple(out)


def _validate_v(v, outputs, fn_name, what="v"):
    if v is None:
        if len(outputs) != 1 or outputs[0].numel() != 1:
            raise RuntimeError(f"The vector {what} can only be None if the user-provided "
                               f"function returns a single Tensor with a single element "
                               f"({fn_name}).")
        return (Tensor._make(np.ones_like(outputs[0]._data)),)
    _, vs = _as_tuple(v, what, fn_name)
    if len(vs) != len(outputs):
        raise RuntimeError(f"{fn_name}: {what} has {len(vs)} elements but it must match the "
                           f"{len(outputs)} outputs/inputs it pairs with")
    for i, (a, b) in enumerate(zip(vs, outputs)):
        if tuple(a.shape) != tuple(b.shape):
            raise RuntimeError(f"{fn_name}: entry {i} of {what} has size {list(a.shape)} but "
                               f"the corresponding tensor has size {list(b.shape)}")
    return vs


def vjp(func, inputs, v=None, create_graph=False, strict=False):
    """`(func_output, vjp)`: v^T J at `inputs`."""
    with grad_mode.enable_grad():
        is_tuple, xs = _as_tuple(inputs, "inputs", "vjp")
        xs = _prepare(xs, create_graph)
        out = func(*xs)
        out_tuple, outs = _as_tuple(out, "outputs of the user-provided function", "vjp")
        _check_outputs(outs, "vjp", out_tuple)
        vs = _validate_v(v, outs, "vjp")
        g = _grads(outs, xs, vs, create_graph, strict, "vjp")
    outs, g = _finish(outs, create_graph), _finish(g, create_graph)
    return (outs if out_tuple else outs[0]), (g if is_tuple else g[0])


def jvp(func, inputs, v=None, create_graph=False, strict=False):
    """`(func_output, jvp)`: J v at `inputs` (forward mode)."""
    from . import forward_ad

    _, xs = _as_tuple(inputs, "inputs", "jvp")
    if v is None:
        if len(xs) != 1 or xs[0].numel() != 1:
            raise RuntimeError("The vector v can only be None if the input to the user-provided "
                               "function is a single Tensor with a single element (jvp).")
        vs = (Tensor._make(np.ones_like(xs[0]._data)),)
    else:
        vs = _validate_v(v, xs, "jvp")
    with grad_mode.set_grad_enabled(create_graph or grad_mode.is_grad_enabled()):
        xs = _prepare(xs, create_graph) if create_graph else tuple(x.detach() for x in xs)
        with forward_ad.dual_level():
            duals = tuple(forward_ad.make_dual(x, t.to(x.dtype)) for x, t in zip(xs, vs))
            out = func(*duals)
            out_tuple, outs = _as_tuple(out, "outputs of the user-provided function", "jvp")
            prim, tans = [], []
            for i, o in enumerate(outs):
                p, t = forward_ad.unpack_dual(o)
                if t is None:
                    if strict:
                        raise RuntimeError(f"The output {i} of the user-provided function is "
                                           "independent of the inputs. This is not allowed in "
                                           "strict mode (jvp).")
                    t = Tensor._make(np.zeros_like(o._data))
                prim.append(p)
                tans.append(t)
    prim, tans = _finish(prim, create_graph), _finish(tans, create_graph)
    return (prim if out_tuple else prim[0]), (tans if out_tuple else tans[0])


def jacobian(func, inputs, create_graph=False, strict=False, vectorize=False,
             strategy="reverse-mode"):
    """The Jacobian of `func` at `inputs`: entry [i][j] has shape outputs[i].shape +
    inputs[j].shape. `strategy="forward-mode"` (which, as in PyTorch, needs vectorize=True) uses
    one JVP per input element instead of one VJP per output element."""
    if strategy not in ("forward-mode", "reverse-mode"):
        raise ValueError('Expected strategy to be either "forward-mode" or "reverse-mode". Hint: '
                         'If your function has more outputs than inputs, "forward-mode" tends '
                         'to be more performant. Otherwise, prefer to use "reverse-mode".')
    if strategy == "forward-mode":
        if create_graph:
            raise NotImplementedError("torch.autograd.functional.jacobian: `create_graph=True` "
                                      "and `strategy=\"forward-mode\"` are not supported together "
                                      "(yet). Please either set `create_graph=False` or "
                                      "`strategy=\"reverse-mode\"`.")
        if not vectorize:
            raise NotImplementedError("torch.autograd.functional.jacobian: `strategy=\"forward-"
                                      "mode\"` requires `vectorize=True`.")
        return _jacobian_forward(func, inputs, strict)
    with grad_mode.enable_grad():
        is_tuple, xs = _as_tuple(inputs, "inputs", "jacobian")
        xs = _prepare(xs, create_graph)
        out = func(*xs)
        out_tuple, outs = _as_tuple(out, "outputs of the user-provided function", "jacobian")
        _check_outputs(outs, "jacobian", out_tuple)
        jac = []
        for i, o in enumerate(outs):
            flat = o.reshape(-1)
            rows = [[] for _ in xs]
            for k in range(flat.numel()):
                if flat.requires_grad:
                    gs = _grad(flat[k], xs, retain_graph=True, create_graph=create_graph,
                               allow_unused=True)
                else:
                    gs = (None,) * len(xs)
                for j, (g, x) in enumerate(zip(gs, xs)):
                    if g is None:
                        if strict:
                            raise RuntimeError(
                                f"Output {i} of the user-provided function is independent of "
                                f"input {j}. This is not allowed in strict mode.")
                        g = Tensor._make(np.zeros_like(x._data))
                    rows[j].append(g)
            per_in = [jacobian_block(rows[j], o, x, 0) for j, x in enumerate(xs)]
            jac.append(_finish(per_in, create_graph))
    return _pack(jac, is_tuple, out_tuple)


def jacobian_block(pieces, out, x, axis):
    from ..func._transforms import jacobian_block  # (chainrule.func imports this package)

    return jacobian_block(pieces, out, x, axis)


def _pack(jac, is_tuple, out_tuple):
    if out_tuple:
        return tuple(row if is_tuple else row[0] for row in jac)
    return jac[0] if is_tuple else jac[0][0]


def _jacobian_forward(func, inputs, strict):
    is_tuple, xs = _as_tuple(inputs, "inputs", "jacobian")
    cols = [[] for _ in xs]
    outs = None
    for j, x in enumerate(xs):
        for k in range(x.numel()):
            vs = [Tensor._make(np.zeros_like(y._data)) for y in xs]
            vs[j]._data.reshape(-1)[k] = 1
            out, t = jvp(func, tuple(xs), tuple(vs), strict=strict)
            outs = out if isinstance(out, tuple) else (out,)
            cols[j].append(t if isinstance(t, tuple) else (t,))
            out_tuple = isinstance(out, tuple)
    if outs is None:
        out = func(*xs)
        out_tuple = isinstance(out, tuple)
        outs = out if out_tuple else (out,)
    jac = []
    for i, o in enumerate(outs):
        jac.append(tuple(jacobian_block([c[i] for c in cols[j]], o, x, -1)
                         for j, x in enumerate(xs)))
    return _pack(jac, is_tuple, out_tuple)


def hessian(func, inputs, create_graph=False, strict=False, vectorize=False,
            outer_jacobian_strategy="reverse-mode"):
    """The Hessian of a scalar function: entry [i][j] has shape inputs[i].shape +
    inputs[j].shape (a single Tensor for a single input)."""
    is_tuple, xs = _as_tuple(inputs, "inputs", "hessian")
    if outer_jacobian_strategy not in ("forward-mode", "reverse-mode"):
        raise ValueError('Expected strategy to be either "forward-mode" or "reverse-mode".')

    def jac_func(*inp):
        with grad_mode.enable_grad():
            out = func(*inp)
            out_tuple, outs = _as_tuple(out, "outputs of the user-provided function", "hessian")
            if out_tuple or outs[0].numel() != 1:
                raise RuntimeError("The function given to hessian should return a single Tensor "
                                   "containing a single element")
            o = outs[0].reshape(())
            if not o.requires_grad:
                if strict:
                    raise RuntimeError("The output of the user-provided function is independent "
                                       "of input 0. This is not allowed in strict mode.")
                return tuple(Tensor._make(np.zeros_like(x._data)) for x in inp)
            return _grads((o,), inp, (Tensor._make(np.ones((), o._data.dtype)),), True, strict,
                          "hessian")

    res = jacobian(jac_func, xs, create_graph=create_graph, strict=strict, vectorize=vectorize,
                   strategy=outer_jacobian_strategy)
    if not is_tuple:
        return res[0][0]
    return res


def vhp(func, inputs, v=None, create_graph=False, strict=False):
    """`(func_output, vhp)`: v^T H of a scalar function at `inputs`."""
    return _hessian_product(func, inputs, v, create_graph, strict, "vhp")


def hvp(func, inputs, v=None, create_graph=False, strict=False):
    """`(func_output, hvp)`: H v of a scalar function at `inputs` (equal to vhp: H is
    symmetric)."""
    return _hessian_product(func, inputs, v, create_graph, strict, "hvp")


def _hessian_product(func, inputs, v, create_graph, strict, fn_name):
    with grad_mode.enable_grad():
        is_tuple, xs = _as_tuple(inputs, "inputs", fn_name)
        xs = _prepare(xs, create_graph)
        if v is None:
            if len(xs) != 1 or xs[0].numel() != 1:
                raise RuntimeError(f"The vector v can only be None if the input to the user-"
                                   f"provided function is a single Tensor with a single element "
                                   f"({fn_name}).")
            vs = (Tensor._make(np.ones_like(xs[0]._data)),)
        else:
            vs = _validate_v(v, xs, fn_name)
        out = func(*xs)
        out_tuple, outs = _as_tuple(out, "outputs of the user-provided function", fn_name)
        if out_tuple or outs[0].numel() != 1:
            raise RuntimeError(f"The function given to {fn_name} should return a single Tensor "
                               "containing a single element")
        o = outs[0]
        ones = (Tensor._make(np.ones_like(o._data)),)
        g = _grads((o,), xs, ones, True, strict, fn_name)
        prod = _grads(tuple(gi for gi in g), xs, vs, create_graph, strict, fn_name,
                      stage="jacobian")
    o = _finish((o,), create_graph)[0]
    prod = _finish(prod, create_graph)
    return o, (prod if is_tuple else prod[0])
