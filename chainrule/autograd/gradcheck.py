"""gradcheck and gradgradcheck: compare analytical gradients with central differences.

Use them on your own ops, in float64:

    >>> import chainrule as torch
    >>> x = torch.randn(3, dtype=torch.float64, requires_grad=True)
    >>> torch.autograd.gradcheck(lambda t: (t.sin() * t).sum(), (x,))
    True
"""

import warnings

import numpy as np

from . import grad_mode
from .backward_api import grad


class GradcheckError(RuntimeError):
    """Raised by gradcheck / gradgradcheck when a check fails (and raise_exception=True)."""


def _as_tuple(x):
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


def _outputs(func, inputs):
    from .._tensor import Tensor

    out = _as_tuple(func(*inputs))
    return tuple(o for o in out if isinstance(o, Tensor) and o._data.dtype.kind == "f")


def _numerical_jacobians(func, inputs, diff_idx, eps):
    """J[o][i] of shape (out.numel, in.numel), by central differences in place on the inputs."""
    base = _outputs(func, inputs)
    jac = [[np.zeros((o._data.size, inputs[i]._data.size)) for i in diff_idx] for o in base]
    for col, i in enumerate(diff_idx):
        data = inputs[i]._data
        for j in range(data.size):
            idx = np.unravel_index(j, data.shape)
            orig = data[idx]
            data[idx] = orig + eps
            plus = [o._data.astype(np.float64).ravel() for o in _outputs(func, inputs)]
            data[idx] = orig - eps
            minus = [o._data.astype(np.float64).ravel() for o in _outputs(func, inputs)]
            data[idx] = orig
            for k in range(len(base)):
                jac[k][col][:, j] = (plus[k] - minus[k]) / (2 * eps)
    return jac


def _analytical_jacobians(func, inputs, diff_idx):
    from .._tensor import Tensor

    with grad_mode.enable_grad():
        outs = _outputs(func, inputs)
        diff_inputs = [inputs[i] for i in diff_idx]
        jac = [[np.zeros((o._data.size, inputs[i]._data.size)) for i in diff_idx] for o in outs]
        for k, o in enumerate(outs):
            if not o._rg:
                continue
            for r in range(o._data.size):
                seed = np.zeros(o._data.size, dtype=o._data.dtype)
                seed[r] = 1
                gs = grad(o, diff_inputs, Tensor._make(seed.reshape(o._data.shape)),
                          retain_graph=True, allow_unused=True)
                for col, g in enumerate(gs):
                    if g is not None:
                        if tuple(g.shape) != tuple(diff_inputs[col].shape):
                            raise GradcheckError(
                                f"Gradient for input {diff_idx[col]} has shape {list(g.shape)} "
                                f"but the input has shape {list(diff_inputs[col].shape)}"
                            )
                        jac[k][col][r, :] = g._data.ravel()
    return jac


def _forward_jacobians(func, inputs, diff_idx):
    """J[o][i] column by column: one forward-mode pass per input element (a unit tangent)."""
    from .._tensor import Tensor
    from . import forward_ad

    with grad_mode.no_grad():
        outs = _outputs(func, inputs)
    jac = [[np.zeros((o._data.size, inputs[i]._data.size)) for i in diff_idx] for o in outs]
    for col, i in enumerate(diff_idx):
        data = inputs[i]._data
        for j in range(data.size):
            unit = np.zeros(data.size, dtype=data.dtype)
            unit[j] = 1
            with forward_ad.dual_level():
                args = list(inputs)
                args[i] = forward_ad.make_dual(inputs[i], Tensor._make(unit.reshape(data.shape)))
                res = _outputs(func, args)
                if len(res) != len(outs):
                    raise GradcheckError("func returned a different number of floating outputs "
                                         "on dual inputs")
                for k, o in enumerate(res):
                    t = forward_ad.unpack_dual(o).tangent
                    if t is not None:
                        jac[k][col][:, j] = t._data.ravel()
    return jac


def check_jvp(func, inputs, tangents=None, *, eps=1e-6, atol=1e-7, rtol=1e-5, seed=0,
              raise_exception=True):
    """Check forward mode on `func` at `inputs` (float64): the JVP along `tangents` (random by
    default) against central differences, and against reverse mode through the identity
    <u, J v> = <J^T u, v> for a random u. Returns True or raises GradcheckError.

        >>> import chainrule as torch
        >>> x = torch.randn(4, dtype=torch.float64)
        >>> torch.autograd.check_jvp(lambda t: t.sin() * t, (x,))
        True
    """
    from .._tensor import Tensor
    from . import forward_ad

    inputs = _as_tuple(inputs)
    idx = [i for i, t in enumerate(inputs) if isinstance(t, Tensor) and t.dtype.is_floating_point]
    rng = np.random.default_rng(seed)
    if tangents is None:
        tangents = [Tensor._make(rng.standard_normal(inputs[i]._data.shape)) for i in idx]
    tangents = _as_tuple(tangents)
    if len(tangents) != len(idx):
        raise ValueError(f"check_jvp: {len(tangents)} tangents for {len(idx)} floating inputs")
    with grad_mode.no_grad():
        plus, minus = list(inputs), list(inputs)
        for i, t in zip(idx, tangents):
            plus[i] = Tensor._make(inputs[i]._data + eps * t._data)
            minus[i] = Tensor._make(inputs[i]._data - eps * t._data)
        numeric = [(p._data - m._data) / (2 * eps)
                   for p, m in zip(_outputs(func, plus), _outputs(func, minus))]
    with forward_ad.dual_level():
        args = list(inputs)
        for i, t in zip(idx, tangents):
            args[i] = forward_ad.make_dual(inputs[i], t)
        outs = _outputs(func, args)
        jv = []
        for o in outs:
            t = forward_ad.unpack_dual(o).tangent
            jv.append(np.zeros_like(o._data) if t is None else t._data)
    for k, (a, n) in enumerate(zip(jv, numeric)):
        if not np.allclose(a, n, rtol=rtol, atol=atol):
            return _fail(f"check_jvp: JVP of output {k} differs from central differences,\n"
                         f"numerical:{Tensor._make(n)!r}\nforward mode:{Tensor._make(a)!r}",
                         raise_exception)
    with grad_mode.enable_grad():
        leaves = [Tensor._make(inputs[i]._data, True) for i in idx]
        args = list(inputs)
        for i, leaf in zip(idx, leaves):
            args[i] = leaf
        outs = [o for o in _outputs(func, args)]
        us = [rng.standard_normal(o._data.shape) for o in outs]
        pairs = [(o, u) for o, u in zip(outs, us) if o._rg]
        lhs = sum(float(np.sum(u * a)) for u, a in zip(us, jv))
        scale = 1.0 + sum(float(np.sum(np.abs(u * a))) for u, a in zip(us, jv))
        rhs = 0.0
        if pairs:
            gs = grad([o for o, _ in pairs], leaves, [Tensor._make(u) for _, u in pairs],
                      allow_unused=True)
            rhs = sum(float(np.sum(g._data * t._data)) for g, t in zip(gs, tangents)
                      if g is not None)
    if not abs(lhs - rhs) <= 1e-12 * scale:  # the sums' own rounding is far below 1e-12
        return _fail(f"check_jvp: <u, J v> = {lhs!r} (forward mode) but <J^T u, v> = {rhs!r} "
                     "(reverse mode)", raise_exception)
    return True


def _zeros_like(t):
    from .._tensor import Tensor

    return Tensor._make(np.zeros_like(t._data))


def _fail(msg, raise_exception):
    if raise_exception:
        raise GradcheckError(msg)
    return False


def gradcheck(func, inputs, *, eps=1e-06, atol=1e-05, rtol=0.001, raise_exception=True,
              nondet_tol=0.0, check_undefined_grad=True, check_grad_dtypes=False,
              check_batched_grad=False, check_batched_forward_grad=False,
              check_forward_ad=False, check_backward_ad=True, fast_mode=False, masked=None):
    """Check the gradients of `func` at `inputs` against central finite differences.

    Every floating tensor in `inputs` that requires grad is checked (use float64). With
    `fast_mode=True` random projections u^T J v are compared instead of full Jacobians.
    Returns True, or raises GradcheckError (returns False if `raise_exception=False`).
    """
    from .._tensor import Tensor

    inputs = _as_tuple(inputs)
    diff_idx = [i for i, t in enumerate(inputs) if isinstance(t, Tensor) and t._rg]
    if not diff_idx:
        raise ValueError("gradcheck expects at least one input tensor to require gradient, "
                         "but none of the them have requires_grad=True.")
    for i in diff_idx:
        if inputs[i]._data.dtype != np.float64:
            warnings.warn(
                f"Input #{i} requires gradient and is not a double precision floating point. "
                "This check will likely fail if all the inputs are not of double precision "
                "floating point. ", stacklevel=2)
    with grad_mode.no_grad():
        numerical = _numerical_jacobians(func, inputs, diff_idx, eps)
    if check_forward_ad:
        ok = _compare(numerical, _forward_jacobians(func, inputs, diff_idx), diff_idx,
                      fast_mode, atol, rtol, raise_exception, "forward-mode ")
        if not ok:
            return False
    if not check_backward_ad:
        return True
    analytical = _analytical_jacobians(func, inputs, diff_idx)
    return _compare(numerical, analytical, diff_idx, fast_mode, atol, rtol, raise_exception, "")


def _compare(numerical, analytical, diff_idx, fast_mode, atol, rtol, raise_exception, what):
    from .._tensor import Tensor
    if len(numerical) != len(analytical):
        return _fail(f"func returned {len(analytical)} floating outputs with grad enabled but "
                     f"{len(numerical)} without", raise_exception)
    for k, (n_row, a_row) in enumerate(zip(numerical, analytical)):
        for col, (n, a) in enumerate(zip(n_row, a_row)):
            if fast_mode and n.size:
                rng = np.random.default_rng(0)
                u = rng.standard_normal(n.shape[0])
                v = rng.standard_normal(n.shape[1])
                n_val, a_val = u @ n @ v, u @ a @ v
                ok = abs(a_val - n_val) <= atol + rtol * abs(n_val)
            else:
                ok = np.allclose(a, n, rtol=rtol, atol=atol)
            if not ok:
                return _fail(
                    f"{what}Jacobian mismatch for output {k} with respect to input "
                    f"{diff_idx[col]},\n"
                    f"numerical:{Tensor._make(n)!r}\nanalytical:{Tensor._make(a)!r}\n",
                    raise_exception)
    return True


def gradgradcheck(func, inputs, grad_outputs=None, *, eps=1e-06, atol=1e-05, rtol=0.001,
                  gen_non_contig_grad_outputs=False, raise_exception=True, nondet_tol=0.0,
                  check_undefined_grad=True, check_grad_dtypes=False, check_batched_grad=False,
                  check_fwd_over_rev=False, check_rev_over_rev=True, fast_mode=False,
                  masked=False):
    """Check second derivatives: gradcheck of the function `inputs -> grad(func(inputs))`.

    `grad_outputs` default to random float64 tensors that require grad, so the check covers
    the gradient with respect to them as well.
    """
    from .._tensor import Tensor

    inputs = _as_tuple(inputs)
    diff_idx = [i for i, t in enumerate(inputs) if isinstance(t, Tensor) and t._rg]
    with grad_mode.enable_grad():
        outs = _outputs(func, inputs)
    if grad_outputs is None:
        rng = np.random.default_rng(0)
        grad_outputs = tuple(
            Tensor._make(rng.standard_normal(o._data.shape).astype(o._data.dtype), True)
            for o in outs
        )
    grad_outputs = _as_tuple(grad_outputs)
    n_in = len(inputs)

    def first_derivatives(*args):
        # gradcheck evaluates this under no_grad for its finite differences: the first
        # derivatives must still be computed (with a graph), or the check compares nothing
        with grad_mode.enable_grad():
            ins, gos = args[:n_in], args[n_in:]
            outs = _outputs(func, ins)
            pairs = [(o, g) for o, g in zip(outs, gos) if o._rg]
            diff = [ins[i] for i in diff_idx]
            if not pairs:
                return ()
            gs = grad([o for o, _ in pairs], diff, [g for _, g in pairs], create_graph=True,
                      allow_unused=True)
            # an unused input's gradient is zero: keep its place so outputs stay aligned
            return tuple(_zeros_like(d) if g is None else g for g, d in zip(gs, diff))

    return gradcheck(first_derivatives, inputs + grad_outputs, eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception, fast_mode=fast_mode)
