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
from .._vmap_state import state as _vm
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
    `metas=False` declares that no rule reads the shape or dtype of an input it does not save
    (elementwise ops: the engine undoes broadcasting), so none is kept for them.
    """

    __slots__ = (
        "backward_name",
        "batch",
        "forward",
        "jvp",
        "metas",
        "name",
        "saves",
        "saves_ans",
        "saves_by_mask",
        "view",
        "vjps",
    )

    def __init__(self, name, forward, vjps=None, *, saves=(), saves_ans=False, view=False,
                 jvp=None, batch=None, backward_name=None, rule_reads=None, metas=True):
        self.name = name
        self.backward_name = backward_name or (name[0].upper() + name[1:] + "Backward0")
        self.forward = forward
        self.vjps = vjps  # None: not differentiable (results never require grad)
        # jvp(tangents, ans, *inputs, **params) -> the output's tangent (see forward_tangents)
        self.jvp = (_linear_jvp(self) if jvp is linear_jvp else
                    _elementwise_jvp(self) if jvp is elementwise_jvp else jvp)
        self.batch = batch  # vmap's batching rule (ops/_batching.py); None: a loop
        self.saves = frozenset(saves)
        self.saves_ans = saves_ans
        self.view = view
        self.metas = metas
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
    if _vm.depth:
        cls = _vm.batched_class
        for a in args:
            if isinstance(a, cls):
                return _vm.dispatch(op, args, params)
    if _fw.depth:
        return _apply_forward_ad(op, args, params)
    if len(args) == 1:  # unary ops, the most common, without the loop
        a = args[0]
        if not isinstance(a, Tensor):  # a first-order backward's rules: NumPy in, NumPy out
            return op.forward(a, **params)
        needs_grad = a._rg
        ans = op.forward(a._data, **params)
    elif len(args) == 2:  # binary ops, next most common, likewise
        a, b = args
        if isinstance(a, Tensor):
            needs_grad = a._rg
            if isinstance(b, Tensor):
                needs_grad = needs_grad or b._rg
                ans = op.forward(a._data, b._data, **params)
            else:
                ans = op.forward(a._data, b, **params)
        elif isinstance(b, Tensor):
            needs_grad = b._rg
            ans = op.forward(a, b._data, **params)
        else:
            return op.forward(a, b, **params)
    else:
        datas = []
        needs_grad = tensor = False
        for a in args:
            if isinstance(a, Tensor):
                tensor = True
                if a._rg:
                    needs_grad = True
                datas.append(a._data)
            else:
                datas.append(a)
        if not tensor:  # no Tensor: NumPy in, NumPy out, nothing recorded
            return op.forward(*args, **params)
        ans = op.forward(*datas, **params)
    if ans.__class__ is not _ndarray:
        ans = _asarray(ans)
    if needs_grad and _grad_state.enabled and op.vjps is not None:
        return _record(op, args, params, ans)
    if op.view:
        src = args[0]
        return Tensor._make(ans, False, None, src._vc, src if src._base is None else src._base)
    return Tensor._make(ans)


def _record(op, args, params, ans):
    """The node of `op` applied to `args` (some require grad), and its output Tensor."""
    node = _new_node(OpNode)
    if len(args) == 1:  # a unary op on a tensor that requires grad (apply checked): no loops
        a = args[0]
        data = a._data
        fn = a.grad_fn
        if op.vjps[0] is None:
            edges = (None,)
        elif fn is not None and a._base is None:  # Tensor._edge's common case, inline
            shape = _shapes.get(data.shape)
            if shape is None:
                shape = _intern(data.shape)
            edges = ((fn, a._output_nr, shape, data.dtype),)
        else:
            edges = (a._edge(),)
        if op.saves:
            vc = a._vc
            saved = (data,)
            tensors = ((0, a),)
            versions = ((0, vc, vc[0]),)
        else:
            saved = (Meta(data.shape, data.dtype),) if op.metas else _NOTHING_SAVED
            tensors = versions = ()
    else:
        edges, saved, tensors, versions = _inputs(op, args)
    node.next_edges = edges
    node.extra = node._mark = None
    node.op = op
    node.saved = saved
    node.tensors = tensors
    node.versions = versions
    node.params = params
    if op.view:
        src = args[0]
        base = src if src._base is None else src._base
        out = _make(ans, True, node, src._vc, base)
        out._view_of = base.grad_fn  # the base history this view's grad_fn derives from
    else:
        out = _make(ans, True, node)
    saves_ans = op.saves_ans
    if saves_ans and (saves_ans is True or any(edges[i] is not None for i in saves_ans)):
        node.ans = ans
        node.ans_vc = vc = out._vc
        node.ans_version = vc[0]
    else:
        node.ans = None
    if _anomaly.enabled:
        node.trace = forward_trace()
    return out


def _inputs(op, args):
    """_record for several inputs: the edges, what the rules get in a first-order backward
    (OpNode.saved), the saved tensors and their versions."""
    edges = []
    mask = 0  # bit i: input i gets an edge (its rule will run)
    bit = 1
    for a, rule in zip(args, op.vjps):
        if rule is not None and isinstance(a, Tensor) and a._rg:
            fn = a.grad_fn
            if fn is not None and a._base is None:  # Tensor._edge's common case, inline
                data = a._data
                shape = _shapes.get(data.shape)
                if shape is None:
                    shape = _intern(data.shape)
                edges.append((fn, a._output_nr, shape, data.dtype))
            else:
                edges.append(a._edge())
            mask |= bit
        else:
            edges.append(None)
        bit <<= 1
    by_mask = op.saves_by_mask
    saves = op.saves if by_mask is None else by_mask[mask]  # what the rules that run read
    saved = list(args)  # the constants stay as they are; tensors become arrays or Metas
    tensors = versions = ()  # (shared while empty: fewer objects for the cyclic GC to track)
    metas = op.metas
    i = 0
    for a in args:
        if isinstance(a, Tensor):
            data = a._data
            if i in saves:
                saved[i] = data
                vc = a._vc
                if tensors:
                    tensors.append((i, a))
                    versions.append((i, vc, vc[0]))
                else:
                    tensors = [(i, a)]
                    versions = [(i, vc, vc[0])]
            else:
                saved[i] = Meta(data.shape, data.dtype) if metas else None
        i += 1
    return tuple(edges), tuple(saved), tensors, versions


_new_node = OpNode.__new__
_NOTHING_SAVED = (None,)  # shared by unary ops that keep nothing of their input

# Edges share one tuple per shape: a graph of 10^6 nodes is then 13% smaller, and its walk
# touches one object fewer per node (the backward of a deep graph is bound by memory).
_shapes = {}


def _intern(shape):
    if len(_shapes) >= 4096:  # a program of ever new shapes must not grow this without end
        _shapes.clear()
    _shapes[shape] = shape
    return shape
_make = Tensor._make


from ..autograd.anomaly_mode import forward_trace
from ..autograd.anomaly_mode import state as _anomaly
from ..autograd.forward_ad import state as _fw
from ..autograd.forward_ad import visible_tangents

# --- forward mode -------------------------------------------------------------------------------

linear_jvp = "linear"  # Op(..., jvp=linear_jvp): the op is linear in its differentiable inputs


def _linear_jvp(op):
    """The JVP of an op linear in its differentiable inputs (jointly): the op on the tangents."""

    def rule(tangents, ans, *inputs, **params):
        args = list(inputs)
        for i, rule_i in enumerate(op.vjps):
            if rule_i is not None:
                t = tangents[i]
                args[i] = t if t is not None else _zero_tangent(inputs[i])
        return apply(op, args, params)

    return rule


elementwise_jvp = "elementwise"  # Op(..., jvp=elementwise_jvp): see _elementwise_jvp


def _elementwise_jvp(op):
    """The JVP of an elementwise op from its VJP rules: its Jacobian is diagonal (after
    broadcasting), so the VJP rule of input i applied to input i's tangent is that input's term.
    The tangent passed as `g` has the input's shape, not the output's: the rules broadcast."""

    def rule(tangents, ans, *inputs, **params):
        total = None
        for t, vjp in zip(tangents, op.vjps):
            if t is not None and vjp is not None:
                term = vjp(t, ans, *inputs, **params)
                total = term if total is None else total + term
        return total

    return rule


def _zero_tangent(x):
    if isinstance(x, Tensor):
        return Tensor._make(np.zeros_like(x._data))
    if isinstance(x, (_ndarray, np.generic)):
        return np.zeros_like(x)
    return 0 * x  # a Python number


def _apply_forward_ad(op, args, params):
    """apply() while a forward-AD level is open: the primal as usual, then one tangent per
    visible level, lowest level first (so the rule of level L sees the tangents of levels < L on
    the inputs and on `ans`, and nothing of levels >= L)."""
    per_input = [visible_tangents(a) if isinstance(a, Tensor) else None for a in args]
    levels = sorted({lv for d in per_input if d for lv in d})
    saved_depth = _fw.depth
    _fw.depth = 0  # the primal computation itself carries no tangents
    try:
        out = apply(op, args, params)
    finally:
        _fw.depth = saved_depth
    if not levels or op.vjps is None or not isinstance(out, Tensor) or \
            out._data.dtype.kind not in "fc":
        return out
    if op.jvp is None:
        raise NotImplementedError(
            f"{op.name}: this op has no forward-mode (JVP) rule yet, so it cannot run on dual "
            "tensors (forward AD / jvp / jacfwd)"
        )
    fw = {}
    saved_cap = _fw.cap
    try:
        for lv in levels:
            _fw.cap = lv
            tangents = tuple(d.get(lv) if d else None for d in per_input)
            t = op.jvp(tangents, out, *args, **params)
            if t is not None:
                fw[_fw.ids[lv]] = _fit_tangent(op, t, out)
            out._fw = fw  # the next level's rule sees this level's tangent on `ans`
    finally:
        _fw.cap = saved_cap
    out._fw = fw or None
    node = out.grad_fn
    if fw and node is not None and getattr(node, "ans_vc", None) is out._vc:
        node.ans_fw = fw  # a create_graph backward rebuilds `ans` with these tangents
    return out


def _fit_tangent(op, t, out):
    """The rule's tangent as a Tensor of the output's shape and dtype."""
    from .elementwise import cast
    from .shape import expand

    if not isinstance(t, Tensor):
        t = Tensor._make(np.asarray(t))
    if t._data.shape != out._data.shape:
        try:
            t = expand(t, out._data.shape)
        except RuntimeError:
            raise RuntimeError(
                f"{op.name}: its JVP rule returned a tangent of shape {list(t._data.shape)} for "
                f"an output of shape {list(out._data.shape)}"
            ) from None
    if t._data.dtype != out._data.dtype:
        t = cast(t, out._data.dtype)
    return t


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


# a differentiable view with no change: make_dual/unpack_dual and the function transforms use it
ALIAS = Op("alias", lambda x: x.view(), (lambda g, ans, x: g,), view=True,
           backward_name="AliasBackward0", jvp=linear_jvp)
