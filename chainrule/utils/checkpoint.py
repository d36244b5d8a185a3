"""Activation checkpointing: trade compute for memory by recomputing a function in backward.

    >>> import chainrule as torch
    >>> from chainrule.utils.checkpoint import checkpoint
    >>> lin = torch.nn.Linear(3, 3)
    >>> x = torch.ones(2, 3, requires_grad=True)
    >>> y = checkpoint(lambda h: lin(h).tanh(), x, use_reentrant=False)
    >>> y.grad_fn.name()
    'CheckpointBackward'
    >>> y.sum().backward()
    >>> x.grad.shape, lin.weight.grad.shape
    (torch.Size([2, 3]), torch.Size([3, 3]))

How it works. The forward runs the function on *aliases* of the tensor arguments (fresh graph
nodes that pass gradients straight through to the real arguments), records its graph, walks it
once to find every tensor the function reached that needs a gradient (the arguments' aliases and
the leaves it used, such as a module's parameters captured in a closure), and then drops that
graph: only the arguments stay saved. The output gets one `CheckpointBackward` node with edges
to the arguments and to those leaves. Its backward restores the random-number state of the
forward (so dropout draws the same masks), reruns the function with grad enabled, and
backpropagates through the recomputed graph to exactly those edges.

Why the forward records a graph instead of running under no_grad: the leaves a closure uses are
found only by recording (PyTorch's non-reentrant checkpoint records the graph too and drops the
saved values through saved-tensor hooks). The recorded graph lives only while the function
runs, so the saved bytes held for backward are those of the arguments, and the peak is one
segment's graph (see tests/test_checkpoint.py for the measurement on a 20-layer MLP).

Both `use_reentrant` variants use this mechanism, so both work with `autograd.grad` and
`backward(inputs=...)`; `use_reentrant=True` keeps the reentrant variant's documented
differences: keyword arguments are refused, and when no tensor argument requires grad it warns
and returns an output that does not require grad. Double backward (`create_graph=True`) through
a checkpoint is supported: the recomputed graph is connected to the real arguments.
"""

import warnings
import weakref

import numpy as np

from .. import _factories
from .._tensor import Tensor
from ..autograd import engine, grad_mode
from ..autograd.graph import FREED_MESSAGE, AccumulateGrad, Node, version_error

__all__ = ["checkpoint", "checkpoint_sequential", "noop_context_fn"]

_REENTRANT_WARNING = (
    "torch.utils.checkpoint: the use_reentrant parameter should be passed explicitly. Starting "
    "in PyTorch 2.9, calling checkpoint without use_reentrant will raise an exception. "
    "use_reentrant=False is recommended, but if you need to preserve the current default "
    "behavior, you can pass use_reentrant=True. Refer to docs for more details on the "
    "differences between the two variants."
)


def noop_context_fn():
    import contextlib

    return contextlib.nullcontext(), contextlib.nullcontext()


def checkpoint(function, *args, use_reentrant=None, context_fn=noop_context_fn,
               determinism_check="default", debug=False, preserve_rng_state=True,
               early_stop=True, **kwargs):
    """Run `function(*args, **kwargs)` without keeping its intermediate values for backward;
    backward recomputes them. Gradients (with respect to the arguments and to every tensor the
    function uses, such as parameters) are the same as without checkpointing.

    `preserve_rng_state=True` replays the forward's random draws (dropout) in the recomputation.
    `context_fn()` returns two context managers, entered around the forward and around the
    recomputation (use_reentrant=False only).
    """
    if use_reentrant is None:
        warnings.warn(_REENTRANT_WARNING, stacklevel=2)
        use_reentrant = True
    if kwargs and use_reentrant:
        raise ValueError("Unexpected keyword arguments: " + ",".join(kwargs))
    if use_reentrant and (context_fn is not noop_context_fn or debug is not False):
        raise ValueError("Passing `context_fn` or `debug` is only supported when "
                         "use_reentrant=False.")
    if determinism_check not in ("default", "none"):
        raise ValueError(f"determinism_check should be one of ['default', 'none'], but got "
                         f"{determinism_check}")
    if use_reentrant and not any(isinstance(a, Tensor) and a._rg for a in args):
        warnings.warn("None of the inputs have requires_grad=True. Gradients will be None",
                      stacklevel=2)
        with grad_mode.no_grad():
            return function(*args)
    if not grad_mode.state.enabled:
        return function(*args, **kwargs)
    return _checkpointed(function, args, kwargs, preserve_rng_state, context_fn,
                         "CheckpointFunctionBackward" if use_reentrant else "CheckpointBackward")


def checkpoint_sequential(functions, segments, input, use_reentrant=None, **kwargs):
    """Split `functions` (an nn.Sequential or a list of callables) into `segments` chunks and
    checkpoint every chunk but the last, which runs normally (as torch's)."""
    if use_reentrant is None:
        message = _REENTRANT_WARNING.replace("checkpoint:", "checkpoint.checkpoint_sequential:")
        warnings.warn(message, stacklevel=2)
        use_reentrant = True
    preserve = kwargs.pop("preserve_rng_state", True)
    if kwargs:
        raise ValueError("Unexpected keyword arguments: " + ",".join(kwargs))
    from ..nn import Sequential

    if isinstance(functions, Sequential):
        functions = list(functions.children())
    segment_size = len(functions) // segments

    def run(start, end):
        def forward(x):
            for j in range(start, end + 1):
                x = functions[j](x)
            return x

        return forward

    end = -1
    for start in range(0, segment_size * (segments - 1), segment_size):
        end = start + segment_size - 1
        input = checkpoint(run(start, end), input, use_reentrant=use_reentrant,
                           preserve_rng_state=preserve)
    return run(end + 1, len(functions) - 1)(input)


# --- the mechanism ------------------------------------------------------------------------------


class _ArgAlias(Node):
    """Stands for argument i inside the checkpointed function: passes its gradient through.

    While the recomputed graph is backpropagated its edge is cut, so the gradient stops here
    and is handed to the checkpoint node (which routes it to the real argument); afterwards the
    edge is restored, so a graph recorded by create_graph=True reaches the real argument."""

    __slots__ = ()

    def name(self):
        return "CheckpointArgBackward"

    def apply(self, grads, create_graph):
        return [grads[0]]


def _alias(a):
    node = _ArgAlias(((a._edge()),))
    return Tensor._make(a._data, True, node, a._vc)


class CheckpointNode(Node):
    """The grad_fn of a checkpointed function's outputs; saves only the function's arguments."""

    __slots__ = ("arg_grad", "args", "freed", "function", "kwargs", "label", "n_outer",
                 "num_outputs", "out_meta", "out_positions", "param_edges", "recompute_ctx",
                 "rng_state", "versions")

    def name(self):
        return self.label

    def _saved_arrays(self):
        """The arrays this node keeps for backward (read by chainrule.viz)."""
        if self.freed:
            return []
        return [a._data for a in self.args if isinstance(a, Tensor)]

    def apply(self, grads, create_graph):
        if self.freed:
            raise RuntimeError(FREED_MESSAGE)
        self._check_versions()
        args = list(self.args)
        aliases = []
        for i, a in enumerate(args):
            if self.arg_grad[i]:
                args[i] = _alias(a)
                aliases.append(args[i].grad_fn)
        with _rng_replay(self.rng_state), grad_mode.enable_grad(), self.recompute_ctx:
            out = self.function(*args, **self.kwargs)
        outs = self._recomputed_outputs(out)
        roots, seeds = [], []
        for t, g in zip(outs, grads):
            if g is not None:
                roots.append(t._edge()[:2])
                seeds.append(g)
        if not roots:
            return [None] * len(self.next_edges)
        targets = [(a, 0) for a in aliases] + [e[:2] for e in self.param_edges]
        saved_edges = [a.next_edges for a in aliases]
        for a in aliases:
            a.next_edges = ()
        try:
            captured = engine.execute(roots, seeds, True, create_graph, targets, capture=True)
        finally:
            for a, edges in zip(aliases, saved_edges):
                a.next_edges = edges
        return [captured.get(t) for t in targets] + [None] * self.n_outer

    def _check_versions(self):
        for i, vc, version in self.versions:
            if vc[0] != version:
                arr = self.args[i]._data
                raise RuntimeError(version_error(arr, f"argument {i} of {self.label}", vc[0],
                                                 version))

    def _recomputed_outputs(self, out):
        flat = _flatten(out)[0]
        outs = []
        for pos, (shape, dtype) in zip(self.out_positions, self.out_meta):
            t = flat[pos] if pos < len(flat) else None
            if not isinstance(t, Tensor) or t._data.shape != shape or t._data.dtype != dtype \
                    or not t._rg:
                got = (f"shape {list(t._data.shape)}, dtype {t.dtype}" if isinstance(t, Tensor)
                       else type(t).__name__)
                raise RuntimeError(
                    "torch.utils.checkpoint: Recomputed values for the following tensors have "
                    f"different metadata than during the forward pass.\noutput {pos}: saved "
                    f"shape {list(shape)}, dtype {dtype}; recomputed {got}. The function must "
                    "compute the same thing when run again (pass preserve_rng_state=True for "
                    "random ops)."
                )
            outs.append(t)
        return outs

    def release(self):
        self.freed = True
        self.args = None
        self.kwargs = None
        self.function = None


def _checkpointed(function, args, kwargs, preserve_rng_state, context_fn, label):
    rng_state = _rng_state() if preserve_rng_state else None
    # every tensor argument is saved: an in-place change before backward must raise, not
    # silently recompute something else
    versions = [(i, a._vc, a._vc[0]) for i, a in enumerate(args) if isinstance(a, Tensor)]
    arg_grad = tuple(isinstance(a, Tensor) and a._rg for a in args)
    aliased = [_alias(a) if g else a for a, g in zip(args, arg_grad)]
    aliases = {a.grad_fn for a, g in zip(aliased, arg_grad) if g}
    forward_ctx, recompute_ctx = context_fn()
    with grad_mode.enable_grad(), forward_ctx:
        out = function(*aliased, **kwargs)
    flat, spec = _flatten(out)
    positions = [k for k, t in enumerate(flat) if isinstance(t, Tensor) and t._rg]
    if not positions:
        return out
    leaf_edges, others = _reached([flat[k] for k in positions], aliases)
    datas = [flat[k]._data for k in positions]
    # drop the recorded graph: from here on only the outputs' data and the edges found remain
    flat = [t.detach() if isinstance(t, Tensor) else t for t in flat]
    out = aliased = aliases = None
    param_edges = [e for e in leaf_edges if e[0].variable is not None]
    # Nodes still alive belong to the outer graph (a closure over a non-leaf tensor): the
    # recomputation backpropagates through them, so the node gets an edge to each (gradient
    # None) and the engine runs them, and frees their saved values, only after this node.
    outer = [(node,) + rest for node, rest in ((ref(), rest) for ref, rest in others)
             if node is not None]
    node = CheckpointNode(tuple(a._edge() for a, g in zip(args, arg_grad) if g) +
                          tuple(param_edges) + tuple(outer))
    node.n_outer = len(outer)
    node.arg_grad = arg_grad
    node.args = tuple(args)
    node.kwargs = kwargs
    node.function = function
    node.rng_state = rng_state
    node.recompute_ctx = recompute_ctx
    node.versions = versions
    node.param_edges = param_edges
    node.out_positions = positions
    node.out_meta = tuple((d.shape, d.dtype) for d in datas)
    node.num_outputs = len(positions)
    node.label = label
    node.freed = False
    for nr, (k, data) in enumerate(zip(positions, datas)):
        t = Tensor._make(data, True, node, _shared_vc(data, args))
        t._output_nr = nr
        flat[k] = t
    return _unflatten(flat, spec)


def _reached(roots, aliases):
    """What the outputs' graph reaches, not looking past the argument aliases: the edges to
    leaves (AccumulateGrad), and weak references (with output number) to every other node.

    A closure over a non-leaf tensor leads the walk into the outer graph, down to its leaves:
    the recomputation backpropagates that path too. Those outer nodes outlive the recorded
    graph, which is how the caller tells them apart from the function's own nodes."""
    leaves = {}
    others = []
    stack = []
    seen = set()

    def visit(e):
        nxt = e[0]
        if type(nxt) is AccumulateGrad:
            leaves.setdefault(nxt, e)
        elif nxt not in seen and nxt not in aliases:
            seen.add(nxt)
            others.append((weakref.ref(nxt), e[1:]))
            stack.append(nxt)

    for t in roots:
        visit(t._edge())
    while stack:
        for e in stack.pop().next_edges:
            if e is not None:
                visit(e)
    return list(leaves.values()), others


def _shared_vc(data, args):
    """An output that shares memory with an argument shares its version counter, so an in-place
    change of the output is caught as a change of the saved argument."""
    for a in args:
        if isinstance(a, Tensor) and np.may_share_memory(data, a._data):
            return a._vc
    return None


def _rng_state():
    return _factories._rng[0].bit_generator.state


class _rng_replay:
    """Run with the global generator in `state`, then put back the state it had."""

    def __init__(self, state):
        self.state = state

    def __enter__(self):
        if self.state is not None:
            bg = _factories._rng[0].bit_generator
            self.outer = bg.state
            bg.state = self.state

    def __exit__(self, *exc):
        if self.state is not None:
            _factories._rng[0].bit_generator.state = self.outer
        return False


def _flatten(obj):
    """The leaves of nested tuples/lists/dicts, and a spec to rebuild the structure.

    Module-level recursion on purpose: a recursive closure is a reference cycle, which would
    keep the recorded graph alive until the garbage collector runs."""
    leaves = []
    return leaves, _flatten_into(obj, leaves)


def _flatten_into(o, leaves):
    if isinstance(o, (tuple, list)):
        return (type(o), [_flatten_into(x, leaves) for x in o])
    if isinstance(o, dict):
        return (type(o), [(k, _flatten_into(v, leaves)) for k, v in o.items()])
    leaves.append(o)
    return None


def _unflatten(leaves, spec):
    return _build(iter(leaves), spec)


def _build(it, spec):
    if spec is None:
        return next(it)
    kind, items = spec
    if issubclass(kind, dict):
        return kind((k, _build(it, v)) for k, v in items)
    values = [_build(it, x) for x in items]
    if hasattr(kind, "_fields"):  # namedtuple
        return kind(*values)
    return kind(values)
