"""Op declarations and the one dispatch path every op goes through.

An `Op` is one declaration: its NumPy forward, one VJP rule per input (None where the input is
not differentiable) and room for its JVP rule. Rules are written with chainrule's own ops, so
they work on bare ndarrays (first-order backward, nothing recorded) and on Tensors
(`create_graph=True`, recorded like any other computation): any order of derivative works.

Rule signature: `rule(g, ans, *inputs, **params)`. `g` is the gradient of the output, `ans` the
output (None unless the op saves it), `inputs` the op's inputs (those the op does not save arrive
as a `Meta` with only `shape`, `ndim` and `dtype`), `params` the op's keyword parameters.
"""

import numpy as np

from .._tensor import Tensor
from ..autograd import grad_mode
from ..autograd.graph import Meta, OpNode

_grad_state = grad_mode.state
_ndarray = np.ndarray
_asarray = np.asarray


class Op:
    """One op: its forward, one VJP rule per input, and what the rules read.

    `saves` are the input indices the rules read. `rule_reads` (optional, one tuple per input)
    says which inputs each input's rule reads: a saved input modified in place before backward
    is then an error only when a rule that runs reads it (PyTorch does not even save `x` of
    `x * w` unless `w` requires grad, so `b[1] = b[0] * 3` must work). The check costs nothing
    unless a version changed. `saves_ans` is True when the rules read the output, or a tuple of
    input indices whose rules alone read it (as PyTorch's `x.pow_(2)` does not need its output).
    """

    __slots__ = (
        "backward_name",
        "forward",
        "jvp",
        "name",
        "saves",
        "saves_ans",
        "saves_by_mask",
        "view",
        "vjps",
    )

    def __init__(self, name, forward, vjps=None, *, saves=(), saves_ans=False, view=False,
                 jvp=None, backward_name=None, rule_reads=None):
        self.name = name
        self.backward_name = backward_name or (name[0].upper() + name[1:] + "Backward0")
        self.forward = forward
        self.vjps = vjps  # None: not differentiable (results never require grad)
        self.jvp = jvp  # forward-mode rule, added by the forward-mode issue
        self.saves = frozenset(saves)
        self.saves_ans = saves_ans
        self.view = view
        # saves_by_mask[m]: the inputs to save when bit i of m is set iff input i gets an edge
        self.saves_by_mask = None if rule_reads is None else tuple(
            frozenset(i for j, reads in enumerate(rule_reads) if m >> j & 1 for i in reads)
            for m in range(1 << len(rule_reads))
        )
        if rule_reads is not None:
            self.saves = frozenset(i for reads in rule_reads for i in reads)

    def __repr__(self):
        return f"<op {self.name}>"


def apply(op, args, params):
    """Run `op` on `args`. Bare arrays in, bare array out; any Tensor in, a Tensor out."""
    datas = []
    has_tensor = needs_grad = False
    for a in args:
        if isinstance(a, Tensor):
            has_tensor = True
            if a._rg:
                needs_grad = True
            datas.append(a._data)
        else:
            datas.append(a)
    ans = op.forward(*datas, **params)
    if not has_tensor:
        return ans
    if ans.__class__ is not _ndarray:
        ans = _asarray(ans)
    if needs_grad and _grad_state.enabled and op.vjps is not None:
        return _record(op, args, params, ans)
    if op.view:
        src = args[0]
        return Tensor._make(ans, False, None, src._vc, src if src._base is None else src._base)
    return Tensor._make(ans)


def _record(op, args, params, ans):
    node = OpNode.__new__(OpNode)
    edges = []
    saved = []
    versions = []
    saves = op.saves
    for i, (a, rule) in enumerate(zip(args, op.vjps)):
        if isinstance(a, Tensor):
            edges.append(a._edge() if (a._rg and rule is not None) else None)
            if i in saves:
                saved.append(a)
                versions.append((i, a._vc, a._vc[0]))
            else:
                saved.append(Meta(a._data.shape, a._data.dtype))
        else:
            edges.append(None)
            saved.append(a)
    node.next_edges = tuple(edges)
    node.pre_hooks = node.retains = node.hooks = None
    node.trace = None
    node.op = op
    node.saved = saved
    node.params = params
    node.freed = False
    if op.view:
        src = args[0]
        base = src if src._base is None else src._base
        out = Tensor._make(ans, True, node, src._vc, base)
        out._view_of = base.grad_fn  # the base history this view's grad_fn derives from
    else:
        out = Tensor._make(ans, True, node)
    saves_ans = op.saves_ans
    if saves_ans and (saves_ans is True or any(edges[i] is not None for i in saves_ans)):
        node.ans = ans
        node.ans_vc = out._vc
        versions.append((-1, out._vc, out._vc[0]))
    else:
        node.ans = None
        node.ans_vc = None
    node.versions = versions
    if _anomaly.enabled:
        node.trace = forward_trace()
    return out


from ..autograd.anomaly_mode import forward_trace
from ..autograd.anomaly_mode import state as _anomaly

# --- helpers the forwards share --------------------------------------------------------------

def check_broadcast(name, *arrays):
    """The broadcast shape of `arrays`; a RuntimeError naming the op and the shapes if none."""
    shapes = [np.shape(a) for a in arrays]
    try:
        return np.broadcast_shapes(*shapes)
    except ValueError:
        shown = " and ".join(str(list(s)) for s in shapes)
        raise RuntimeError(
            f"{name}: the shapes {shown} cannot be broadcast together (sizes must match or be 1 "
            "in each dimension, counted from the right)"
        ) from None


def normalize_dim(name, dim, ndim):
    """A dim or tuple of dims made non-negative and checked, as a sorted tuple; None is all."""
    if dim is None:
        return tuple(range(ndim))
    dims = (dim,) if isinstance(dim, (int, np.integer)) else tuple(dim)
    if len(dims) == 0:
        return tuple(range(ndim))
    out = []
    n = max(ndim, 1)
    for d in dims:
        d = int(d)
        if not -n <= d < n:
            raise IndexError(
                f"{name}: Dimension out of range (expected to be in range of [{-n}, {n - 1}], "
                f"but got {d})"
            )
        out.append(d % n)
    if len(set(out)) != len(out):
        raise RuntimeError(f"{name}: dim {dims} appears multiple times in the list of dims")
    return tuple(sorted(out)) if ndim else ()
