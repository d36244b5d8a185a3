"""grad, vjp, jvp, jacrev, jacfwd, hessian, linearize: function transforms as in torch.func.

Each transform works on the physical tensors below any open vmap levels (see _batched.py): its
inputs are first made batched at every open level (a per-sample derivative must be per-sample,
even for an input that is shared across the batch) and laid out canonically (the batch
dimensions first, outermost level first), then differentiated with the ordinary engine or forward
mode, and the results wrapped back. Nesting works (grad of grad, jacfwd of jacrev, vmap of grad):
a transform records a graph whenever an enclosing transform may differentiate its result.
"""

import functools

import numpy as np

from .._tensor import Tensor
from .._vmap_state import state as _vm
from ..autograd import forward_ad, grad_mode
from ..autograd.backward_api import grad as _autograd_grad
from ..ops._core import ALIAS, apply
from . import _pytree
from ._batched import BatchedTensor, batch_everywhere, rewrap, unwrap_levels


class _Depth:
    value = 0  # transforms currently running a function: their results may be differentiated


_depth = _Depth()


def _canonical(t):
    """(physical Tensor, chain): `t` batched at every open vmap level, batch dims first."""
    levels = list(range(1, _vm.depth + 1))
    phys, chain = batch_everywhere(t, levels) if levels else unwrap_levels(t)
    if not chain:
        return phys, chain
    remaining = list(range(phys.dim()))
    order = []
    for _level, bdim in reversed(chain):  # innermost wrapper (lowest level) first
        order.append(remaining.pop(bdim))
    order += remaining
    if order != list(range(phys.dim())):
        phys = phys.permute(*order)
    return phys, [(level, 0) for level, _ in chain]


def _differentiable(t, fn, what):
    """(the value to call the function with, the physical leaf to differentiate against)."""
    if not isinstance(t, Tensor):
        raise TypeError(f"{fn}: expected {what} to be a Tensor (or a nested tuple/list/dict of "
                        f"Tensors), got {type(t).__name__}")
    if not t.dtype.is_floating_point:
        raise RuntimeError(
            f"{fn}: only Tensors of floating point dtype can be differentiated, but {what} has "
            f"dtype {t.dtype}"
        )
    phys, chain = _canonical(t)
    if phys.requires_grad:
        leaf = apply(ALIAS, (phys,), {})  # stays connected to the caller's graph
    else:
        leaf = phys.detach().requires_grad_()
        if phys._fw:
            leaf._fw = dict(phys._fw)  # an enclosing jvp's tangent stays on it
    return rewrap(leaf, chain), leaf


def _records(tree=()):
    """Whether results must carry a graph: an enclosing transform or the caller may use it (the
    caller does when a tensor in `tree` requires grad)."""
    if grad_mode.is_grad_enabled() and (_depth.value > 0 or forward_ad.state.depth > 0):
        return True
    return any(isinstance(x, Tensor) and unwrap_levels(x)[0].requires_grad
               for x in _pytree.flatten(tree)[0])


def _argnums_tuple(argnums, nargs, fn):
    single = isinstance(argnums, int)
    nums = (argnums,) if single else tuple(argnums)
    if not nums:
        raise RuntimeError(f"{fn}: argnums must be non-empty")
    for a in nums:
        if not isinstance(a, int):
            raise RuntimeError(f"{fn}: argnums must be int or Tuple[int, ...], got {argnums!r}")
        if not -nargs <= a < nargs:
            raise RuntimeError(f"{fn}: Got argnums={argnums} but only {nargs} positional inputs")
    return single, tuple(a % nargs for a in nums)


def _prepare(args, argnums, fn):
    """Replace the differentiated arguments by differentiable handles; returns the new args,
    the physical leaves and the pytree specs needed to rebuild the gradients."""
    single, nums = _argnums_tuple(argnums, len(args), fn)
    args = list(args)
    groups = []
    for n in nums:
        leaves, spec = _pytree.flatten(args[n])
        handles, phys = [], []
        for k, x in enumerate(leaves):
            h, leaf = _differentiable(x, fn, f"argument {n}" + (f" (leaf {k})" if spec else ""))
            handles.append(h)
            phys.append(leaf)
        args[n] = _pytree.unflatten(handles, spec)
        groups.append((phys, spec, handles))
    return single, args, groups


def _rebuild(grads, groups, single, keep_graph):
    out, i = [], 0
    for phys, spec, handles in groups:
        gs = []
        for leaf, h in zip(phys, handles):
            g = grads[i]
            i += 1
            if g is None:
                g = leaf.new_zeros(leaf.shape) if hasattr(leaf, "new_zeros") else \
                    Tensor._make(np.zeros_like(leaf._data))
            if not keep_graph:
                g = g.detach()
            _, chain = unwrap_levels(h)
            gs.append(rewrap(g, chain))
        out.append(_pytree.unflatten(gs, spec))
    return out[0] if single else tuple(out)


def _call(func, args, kwargs):
    _depth.value += 1
    try:
        with grad_mode.enable_grad():
            return func(*args, **kwargs)
    finally:
        _depth.value -= 1


def _split_aux(out, has_aux, fn):
    if not has_aux:
        return out, None
    if not (isinstance(out, (tuple, list)) and len(out) == 2):
        raise RuntimeError(f"{fn}(f, has_aux=True): f must return a (output, aux) tuple")
    return out[0], out[1]


def _detach_tree(tree):
    return _pytree.tree_map(lambda x: x.detach() if isinstance(x, Tensor) else x, tree)


def _scalar_output(out, fn):
    if not isinstance(out, Tensor):
        raise RuntimeError(f"{fn}: expected f(*args) to return a Tensor, got {type(out).__name__}")
    if out.dim() != 0:
        raise RuntimeError(
            f"{fn}: expected f(*args) to return a scalar Tensor, got a tensor of shape "
            f"{list(out.shape)}. Call .sum() on the output to get the gradient of the sum, or "
            "use vjp / jacrev for a non-scalar output"
        )
    if not out.dtype.is_floating_point:
        raise RuntimeError(f"{fn}: expected f(*args) to return a floating point Tensor, got "
                           f"dtype {out.dtype}")


def _inner_product_grad(outs, cts, leaves, keep_graph):
    """Gradients of sum_k <outs[k], cts[k]> (logically) with respect to the physical leaves."""
    total = None
    for o, c in zip(outs, cts):
        term = (o * c).sum() if c is not None else o.sum()
        total = term if total is None else total + term
    phys, _ = unwrap_levels(total)
    if not phys.requires_grad:
        return [None] * len(leaves)
    return list(_autograd_grad(phys, leaves, phys.new_ones(phys.shape), retain_graph=True,
                               create_graph=keep_graph, allow_unused=True))


# --- grad and vjp ------------------------------------------------------------------------------


def grad_and_value(func, argnums=0, has_aux=False):
    """Like `grad`, returning `(gradient, value)` (with aux: `((gradient), (value, aux))`)."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        keep = _records(args)
        single, new_args, groups = _prepare(args, argnums, "grad")
        out = _call(func, new_args, kwargs)
        out, aux = _split_aux(out, has_aux, "grad")
        _scalar_output(out, "grad")
        leaves = [leaf for phys, _, _ in groups for leaf in phys]
        grads = _inner_product_grad([out], [None], leaves, keep)
        g = _rebuild(grads, groups, single, keep)
        value = out if keep else out.detach()
        if has_aux:
            return g, (value, aux if keep else _detach_tree(aux))
        return g, value

    return wrapper


def grad(func, argnums=0, has_aux=False):
    """The gradient of a scalar function, as `torch.func.grad` / `jax.grad`.

        >>> import chainrule as torch
        >>> from chainrule.func import grad
        >>> grad(lambda x: (x ** 3).sum())(torch.tensor([1.0, 2.0]))
        tensor([ 3., 12.])
        >>> grad(grad(lambda x: x.sin()))(torch.tensor(0.5))  # -sin(0.5)
        tensor(-0.4794)
    """
    gv = grad_and_value(func, argnums, has_aux)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        g, value = gv(*args, **kwargs)
        return (g, value[1]) if has_aux else g

    return wrapper


def vjp(func, *primals, has_aux=False):
    """`(output, vjp_fn)` (and `aux`): vjp_fn(cotangents) gives one gradient per primal."""
    keep = _records(primals)
    _, new_args, groups = _prepare(primals, tuple(range(len(primals))), "vjp")
    created_depth = _vm.depth
    out = _call(func, new_args, {})
    out, aux = _split_aux(out, has_aux, "vjp")
    out_leaves = _pytree.flatten(out)[0]
    for o in out_leaves:
        if not isinstance(o, Tensor):
            raise RuntimeError(f"vjp: f must return Tensors (or nested tuples of them), got "
                               f"{type(o).__name__}")
    leaves = [leaf for phys, _, _ in groups for leaf in phys]

    def vjp_fn(cotangents):
        ct_leaves, ct_spec = _pytree.flatten(cotangents)
        if len(ct_leaves) != len(out_leaves):
            raise RuntimeError(
                f"vjp_fn: expected cotangents with the structure of the output ("
                f"{len(out_leaves)} tensors), got {len(ct_leaves)}")
        for o, c in zip(out_leaves, ct_leaves):
            if not isinstance(c, Tensor) or tuple(c.shape) != tuple(o.shape):
                raise RuntimeError(
                    f"vjp_fn: expected a cotangent of shape {list(o.shape)}, got "
                    f"{list(c.shape) if isinstance(c, Tensor) else type(c).__name__}")
        newer = [c for c in ct_leaves if isinstance(c, BatchedTensor) and c._level > created_depth]
        if newer:
            return _vjp_fn_loop(vjp_fn, ct_leaves, ct_spec, max(c._level for c in newer))
        keep_now = keep or _records()
        with grad_mode.enable_grad():
            grads = _inner_product_grad(out_leaves, ct_leaves, leaves, keep_now)
        return _rebuild(grads, groups, False, keep_now)

    value = out if keep else _detach_tree(out)
    if has_aux:
        return value, vjp_fn, (aux if keep else _detach_tree(aux))
    return value, vjp_fn


def _vjp_fn_loop(vjp_fn, ct_leaves, ct_spec, level):
    """vjp_fn under a vmap opened after the vjp was taken: one call per batch element."""
    from ..ops.shape import stack

    size = _vm.sizes[level - 1]
    results = []
    for i in range(size):
        sub = [c._value.select(c._bdim, i) if isinstance(c, BatchedTensor) and c._level == level
               else c for c in ct_leaves]
        results.append(vjp_fn(_pytree.unflatten(sub, ct_spec)))
    flat = [_pytree.flatten(r) for r in results]
    spec = flat[0][1]
    stacked = [BatchedTensor.wrap(stack([f[0][k] for f in flat], 0), 0, level)
               for k in range(len(flat[0][0]))]
    return _pytree.unflatten(stacked, spec)


# --- forward mode ------------------------------------------------------------------------------


def jvp(func, primals, tangents, *, strict=False, has_aux=False):
    """`(output, jvp_out)`: the output and its directional derivative along `tangents`, computed
    in one forward pass (forward mode), as `torch.func.jvp` / `jax.jvp`.

        >>> import chainrule as torch
        >>> from chainrule.func import jvp
        >>> jvp(torch.sin, (torch.tensor([0.0]),), (torch.tensor([2.0]),))
        (tensor([0.]), tensor([2.]))
    """
    if not isinstance(primals, (tuple, list)) or not isinstance(tangents, (tuple, list)):
        raise RuntimeError("jvp: expected primals and tangents to be tuples, e.g. "
                           "jvp(f, (x,), (v,))")
    p_leaves, p_spec = _pytree.flatten(tuple(primals))
    t_leaves = _pytree.flatten(tuple(tangents))[0]
    if len(p_leaves) != len(t_leaves):
        raise RuntimeError(f"jvp: expected primals and tangents to have the same structure, got "
                           f"{len(p_leaves)} primal and {len(t_leaves)} tangent tensors")
    for p, t in zip(p_leaves, t_leaves):
        if not isinstance(p, Tensor) or not isinstance(t, Tensor):
            raise RuntimeError("jvp: primals and tangents must be Tensors")
        if tuple(p.shape) != tuple(t.shape):
            raise RuntimeError(f"jvp: a tangent of shape {list(t.shape)} was given for a primal "
                               f"of shape {list(p.shape)}; they must match")
        if p.dtype != t.dtype:
            raise RuntimeError(f"jvp: a tangent of dtype {t.dtype} was given for a primal of "
                               f"dtype {p.dtype}; they must match")
        if not p.dtype.is_floating_point:
            raise RuntimeError(f"jvp: primals must be floating point, got dtype {p.dtype}")
    with forward_ad.dual_level() as level:
        duals = []
        for p, t in zip(p_leaves, t_leaves):
            pp, chain = _canonical(p)
            tp, _ = _canonical(t)
            duals.append(rewrap(forward_ad.make_dual(pp, tp.to(pp.dtype), level=level), chain))
        _depth.value += 1
        try:
            out = func(*_pytree.unflatten(duals, p_spec))
        finally:
            _depth.value -= 1
        out, aux = _split_aux(out, has_aux, "jvp")
        o_leaves, o_spec = _pytree.flatten(out)
        primal_out, tangent_out = [], []
        for o in o_leaves:
            if not isinstance(o, Tensor):
                raise RuntimeError(f"jvp: f must return Tensors, got {type(o).__name__}")
            phys, chain = unwrap_levels(o)
            pr, tan = forward_ad.unpack_dual(phys, level=level)
            if tan is None:
                tan = Tensor._make(np.zeros_like(phys._data))
            primal_out.append(rewrap(pr, chain))
            tangent_out.append(rewrap(tan, chain))
    keep = _records((p_leaves, t_leaves))
    if not keep:  # the function recorded (for transforms inside it): nothing may leak out
        primal_out = [o.detach() for o in primal_out]
        tangent_out = [o.detach() for o in tangent_out]
    result = (_pytree.unflatten(primal_out, o_spec), _pytree.unflatten(tangent_out, o_spec))
    if has_aux and not keep:
        aux = _detach_tree(aux)
    return result + (aux,) if has_aux else result


def linearize(func, *primals):
    """`(output, jvp_fn)`: jvp_fn(*tangents) is the JVP at `primals` (recomputed per call)."""
    out = func(*primals)

    def jvp_fn(*tangents):
        return jvp(func, primals, tangents)[1]

    return out, jvp_fn


# --- Jacobians and Hessians --------------------------------------------------------------------


def _unit(like, k):
    from .._factories import zeros

    flat = zeros(like.numel(), dtype=like.dtype)
    flat._data[k] = 1
    return flat.reshape(tuple(like.shape))


def jacobian_block(pieces, out, x, axis):
    """d out / d x, shaped out.shape + x.shape, from the per-element derivatives `pieces` (rows
    of VJPs stacked on axis 0, or columns of JVPs stacked on axis -1); zeros when x or out is
    empty."""
    from ..ops.shape import stack

    shape = tuple(out.shape) + tuple(x.shape)
    if not pieces:
        return out.new_zeros(shape) if axis == -1 else x.new_zeros(shape)
    return stack(pieces, axis).reshape(shape)


def jacrev(func, argnums=0, *, has_aux=False, chunk_size=None):
    """The Jacobian by reverse mode (one VJP per output element): for an output of shape O and an
    input of shape I, a tensor of shape O + I. Pytrees of inputs and outputs nest as in JAX."""

    @functools.wraps(func)
    def wrapper(*args):
        single, nums = _argnums_tuple(argnums, len(args), "jacrev")

        def f_of(*diff):
            full = list(args)
            for n, d in zip(nums, diff):
                full[n] = d
            return func(*full)

        res = vjp(f_of, *[args[n] for n in nums], has_aux=has_aux)
        out, fn = res[0], res[1]
        o_leaves, o_spec = _pytree.flatten(out)
        in_leaves, in_spec = _pytree.flatten(tuple(args[n] for n in nums))
        per_output = []
        for k, o in enumerate(o_leaves):
            rows = []
            for j in range(o.numel()):
                cts = [_unit(x, j) if i == k else x.new_zeros(x.shape)
                       for i, x in enumerate(o_leaves)]
                rows.append(_pytree.flatten(fn(_pytree.unflatten(cts, o_spec)))[0])
            jac = [jacobian_block([r[i] for r in rows], o, x, 0)
                   for i, x in enumerate(in_leaves)]
            tree = _pytree.unflatten(jac, in_spec)
            per_output.append(tree[0] if single else tree)
        result = _pytree.unflatten(per_output, o_spec)
        return (result, res[2]) if has_aux else result

    return wrapper


def jacfwd(func, argnums=0, has_aux=False, *, randomness="error"):
    """The Jacobian by forward mode (one JVP per input element), shaped like jacrev's."""

    @functools.wraps(func)
    def wrapper(*args):
        single, nums = _argnums_tuple(argnums, len(args), "jacfwd")
        diff = tuple(args[n] for n in nums)
        in_leaves, in_spec = _pytree.flatten(diff)

        def f_of(*leaves):
            full = list(args)
            tree = _pytree.unflatten(list(leaves), in_spec)
            for n, d in zip(nums, tree):
                full[n] = d
            return func(*full)

        zeros = [x.new_zeros(x.shape) for x in in_leaves]
        columns = []  # columns[i][j]: output leaves' tangents for input leaf i, element j
        out = aux = None
        for i, x in enumerate(in_leaves):
            cols = []
            for j in range(x.numel()):
                tans = list(zeros)
                tans[i] = _unit(x, j)
                res = jvp(f_of, tuple(in_leaves), tuple(tans), has_aux=has_aux)
                out = res[0]
                if has_aux:
                    aux = res[2]
                cols.append(_pytree.flatten(res[1])[0])
            columns.append(cols)
        if out is None:  # every input is empty
            res = f_of(*in_leaves)
            out, aux = (res[0], res[1]) if has_aux else (res, None)
        o_leaves, o_spec = _pytree.flatten(out)
        per_output = []
        for k, o in enumerate(o_leaves):
            jac = [jacobian_block([c[k] for c in columns[i]], o, x, -1)
                   for i, x in enumerate(in_leaves)]
            tree = _pytree.unflatten(jac, in_spec)
            per_output.append(tree[0] if single else tree)
        result = _pytree.unflatten(per_output, o_spec)
        return (result, aux) if has_aux else result

    return wrapper


def hessian(func, argnums=0):
    """The Hessian, as jacfwd(jacrev(func)) (forward-over-reverse)."""
    return jacfwd(jacrev(func, argnums), argnums)
