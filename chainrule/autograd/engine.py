"""The backward engine: an iterative walk of the graph in dependency order.

It knows no op. It counts, for every node reachable from the roots, how many edges lead into it;
a node runs once all of them have delivered their gradient (PyTorch's engine, HIPS autograd's
toposort). Nothing here recurses on graph depth.

Gradients travel as bare ndarrays when `create_graph` is off, so a first-order backward never
wraps an intermediate; with `create_graph=True` they are Tensors and the same rules record a graph.

Speed and memory (measured in benchmarks/, see docs/benchmarks.md): the cyclic garbage collector
is paused during the walk (it would rescan the whole graph, and the walk frees all it makes by
reference counting); a leaf's first gradient becomes its `.grad` without a copy when nothing
else references the array (`_owned`, PyTorch's AccumulateGrad does the same), else it is copied.
The walk's cost per node is a few dozen bytecodes: a built-in op's node with no hooks takes one
path (`OpNode.run` computes its rules and releases what it saved in one call), a node with one
input edge (most nodes) is handed its gradient directly instead of through a buffer, and the
dependency count marks nodes instead of filling a set, so it costs the same per node at 10^4
nodes as at 10^6.
"""

import gc
import threading
from sys import getrefcount as _getrefcount

import numpy as np

from . import anomaly_mode, forward_ad, grad_mode
from . import graph as _graph
from .graph import AccumulateGrad, OpNode

_ndarray = np.ndarray


_sum_to_op = None  # ops.shape.sum_to, imported on first use (the ops import this module)


def _sum_to(g, shape):
    global _sum_to_op
    if _sum_to_op is None:
        from ..ops.shape import sum_to as _sum_to_op
    return _sum_to_op(g, shape)


def _fit(g, edge):
    """Sum a broadcast gradient down to the input's shape, and cast it to the input's dtype."""
    shape = edge[2]
    if g.shape != shape:
        g = _sum_to(g, shape)
    data = g if isinstance(g, (np.ndarray, np.generic)) else g._data
    if data.dtype != edge[3]:
        from ..ops.elementwise import cast

        g = cast(g, edge[3])
    return g


def _wrap(g):
    Tensor = _graph.Tensor

    return g if isinstance(g, Tensor) else Tensor._make(np.asarray(g))


def _unwrap(g, create_graph):
    return g if create_graph else g._data


def _run_hooks(hooks, g, create_graph):
    """Tensor hooks in registration order; each may return a replacement gradient."""
    for hook in tuple(hooks):
        res = hook(_wrap(g))
        if res is not None:
            _check_hook_result(hook, g, res)
            g = _unwrap(res, create_graph)
    return g


def _check_hook_result(hook, g, res):
    Tensor = _graph.Tensor

    name = getattr(hook, "__name__", type(hook).__name__)
    if not isinstance(res, Tensor):
        raise TypeError(f"expected Variable, but hook returned '{type(res).__name__}'")
    data = g if isinstance(g, (np.ndarray, np.generic)) else g._data
    if res._data.shape != data.shape:
        raise RuntimeError(
            f"hook '{name}' has changed the size of value (was {list(data.shape)}, got "
            f"{list(res._data.shape)})"
        )
    if res._data.dtype != data.dtype:
        raise RuntimeError(
            f"hook '{name}' has changed the type of value (was {data.dtype}, got "
            f"{res._data.dtype})"
        )


def _pre_hooks(node, grads, create_graph, retained):
    """Tensor hooks on a node's outputs (register_hook on non-leaves), then retain_grad.

    The retained gradients are queued in `retained`; they reach `.grad` after the walk.
    """
    pre_hooks = node.pre_hooks
    if pre_hooks:
        for nr, hooks in pre_hooks.items():
            if nr is not None and grads[nr] is not None and hooks:
                grads[nr] = _run_hooks(hooks, grads[nr], create_graph)
    if node.retains:
        for nr, ref in node.retains.items():
            t = ref()
            if t is not None and grads[nr] is not None:
                retained.append((t, grads[nr]))
    if pre_hooks and pre_hooks.get(None):
        # Node.register_prehook: hook(grad_outputs) may return replacement grad_outputs
        for hook in tuple(pre_hooks[None]):
            res = hook(tuple(map(_maybe_wrap, grads)))
            if res is not None:
                if not isinstance(res, (tuple, list)) or len(res) != len(grads):
                    raise RuntimeError(
                        f"a pre-hook of {node.name()} must return None or a tuple of "
                        f"{len(grads)} gradients, got {res!r}"
                    )
                grads[:] = [None if r is None else _unwrap(_wrap(r), create_graph) for r in res]


def _owned(g):
    """Whether the array `g` is referenced by the caller's one local variable alone (and owns its
    memory): then no one else can see it, and it may become a leaf's `.grad` as it is, as
    PyTorch's AccumulateGrad steals an unshared gradient. The count is exact (every reference,
    views' `.base` included, counts), so a miscount can only make us copy when we need not."""
    return g.__class__ is _ndarray and g.base is None and g.flags.c_contiguous and \
        g.flags.writeable and _getrefcount(g) == 3  # the caller's local, our argument, the call's


def _accumulate_into(t, g, create_graph, owned=False):
    """t.grad += g, in place when nothing records (as PyTorch does), else out of place.
    `owned`: g is referenced nowhere else and may be stored without a copy."""
    Tensor = _graph.Tensor

    old = t._grad
    if create_graph:
        # never alias the incoming gradient (it may be the user's grad_outputs): copy it first,
        # recorded as PyTorch does (grad_fn CopyBackwards)
        t._grad = _copy_recorded(g) if old is None else old + g
    elif old is None:
        t._grad = Tensor._make(g if owned else np.array(g, copy=True))
    elif old._data.shape != g.shape or not old._data.flags.writeable:
        t._grad = Tensor._make(old._data + g)
    else:
        np.add(old._data, g, out=old._data, casting="unsafe")
        old._vc[0] += 1  # an in-place update, as `grad += g` is in PyTorch


def _copy_recorded(g):
    from ..ops.elementwise import copy

    Tensor = _graph.Tensor

    return copy(Tensor._make(np.empty_like(g._data)), g)


def _accumulate_leaf(t, g, create_graph, owned=False):
    _accumulate_into(t, g, create_graph, owned)
    if t._post_hooks:
        for hook in tuple(t._post_hooks):
            hook(t)


_counting = threading.Lock()  # marks are per walk: two threads never count at once


def _count_dependencies(roots):
    """For every node reachable from the roots that more than one edge leads into, how many
    do; a node missing from the result has one (or, for a root, none).

    A node is marked as seen with this walk's own token (`Node._mark`) rather than entered in a
    set: the count then touches only the node itself, so its cost per node does not grow with
    the graph, and only the few nodes with several inputs take a dict entry.
    """
    seen = object()
    root = object()  # a root's mark: seen, but with no edge into it counted yet
    stack = list(dict.fromkeys(roots))
    deps = {}
    with _counting:
        for node in stack:
            node._mark = root
        while stack:
            for e in stack.pop().next_edges:
                if e is None:
                    continue
                nxt = e[0]
                mark = nxt._mark
                if mark is seen:
                    deps[nxt] = deps.get(nxt, 1) + 1
                elif mark is root:
                    deps[nxt] = deps.get(nxt, 0) + 1
                else:
                    nxt._mark = seen
                    stack.append(nxt)
    return deps


def _discover(roots):
    """Every node reachable from the roots, and for each its parents (nodes with an edge to it)."""
    parents = {}
    stack = list(roots)
    seen = set(stack)
    while stack:
        node = stack.pop()
        for e in node.next_edges:
            if e is None:
                continue
            nxt = e[0]
            plist = parents.get(nxt)
            if plist is None:
                parents[nxt] = [node]
            else:
                plist.append(node)
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return seen, parents


def _ancestors(targets, parents):
    """The nodes from which some target can be reached (the targets included)."""
    found = set(targets)
    stack = list(found)
    while stack:
        for p in parents.get(stack.pop(), ()):
            if p not in found:
                found.add(p)
                stack.append(p)
    return found


def _plan_targets(root_nodes, targets):
    """For autograd.grad / backward(inputs=...): which nodes run, which are needed, and deps.

    Only what leads to a target runs; a target's own node runs only if it leads on to another
    target. Leaves (AccumulateGrad) are reached only when they are targets.
    """
    _, parents = _discover(root_nodes)
    target_nodes = {n for n, _ in targets}
    upstream = set()
    for n in target_nodes:
        upstream.update(parents.get(n, ()))
    runs = _ancestors(upstream, parents)
    needed = runs | target_nodes
    deps = {}
    for child, plist in parents.items():
        if child in needed:
            count = sum(1 for p in plist if p in runs)
            if count:
                deps[child] = count
    return target_nodes, runs, needed, deps


def execute(roots, seeds, retain_graph, create_graph, targets=None, capture=False):
    """Run backward from `roots` (a list of (node, output_nr)) seeded with `seeds`.

    Without `targets`, every leaf reached gets its gradient accumulated. With `targets` (a list of
    (node, output_nr)), only what leads to them runs. Leaf targets are accumulated, or with
    `capture=True` returned instead (autograd.grad); non-leaf targets are always returned, in a
    dict keyed by (node, output_nr).

    Invariant: no `.grad` is written until the whole walk has succeeded, so a backward that
    fails part way (a freed graph, a modified saved tensor, a bad custom Function) leaves every
    `.grad` as it was. Nodes already run have released their saved values, as in PyTorch.
    """
    root_nodes = [n for n, _ in roots]
    if targets is None:
        deps = _count_dependencies(root_nodes)
        target_nodes = runs = needed = None
    else:
        target_nodes, runs, needed, deps = _plan_targets(root_nodes, targets)

    # buffers[node]: the gradient arrived so far for a node of one output (most nodes), or a
    # list with one entry per output for a node of several. A node whose one edge delivers its
    # gradient skips the buffer: it goes to `ready` with it, as a pair (node, gradient).
    buffers = {}
    for (node, nr), seed in zip(roots, seeds):
        _deliver(buffers, node, nr, seed)
    ready = [(n, buffers.pop(n)) for n in dict.fromkeys(root_nodes) if n not in deps]
    captured = {}
    leaves = []  # (leaf tensor, gradient after its hooks), accumulated once the walk succeeded
    retained = []  # (non-leaf tensor, gradient) for retain_grad(), likewise

    check_nan = anomaly_mode.state.enabled  # as PyTorch: decided by the mode during backward
    prev_mode = grad_mode.state.enabled
    grad_mode.state.enabled = create_graph
    # From here `create_graph` means "gradients travel as Tensors". They must also while a
    # forward-AD level is open, so that tangents flow through the rules (forward-over-reverse);
    # whether anything records was fixed on the line above.
    create_graph = create_graph or forward_ad.state.depth > 0
    # The walk allocates many short-lived containers but frees all it makes by reference
    # counting: a cyclic collection during it (which scans every live object, the whole graph
    # included) is pure cost, so it is deferred to the end of the walk.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        with np.errstate(all="ignore"):  # NaN/inf in gradients never warn (as in PyTorch)
            while ready:
                node, got = ready.pop()
                if node.__class__ is OpNode and node.extra is None and target_nodes is None:
                    # the common case: a built-in op's node, no hooks, a full backward
                    in_grads = node.run(got, create_graph, retain_graph)
                else:
                    n_out = node.num_outputs
                    grads = [got] if n_out == 1 else got or [None] * n_out
                    if node.__class__ is AccumulateGrad:
                        _leaf(node, grads, create_graph, capture, captured, leaves, retained)
                        continue
                    if node.pre_hooks or node.retains:
                        _pre_hooks(node, grads, create_graph, retained)
                    if target_nodes is not None:
                        if node in target_nodes:
                            for nr, g in enumerate(grads):
                                captured[(node, nr)] = g
                        if node not in runs:
                            continue
                    if node.__class__ is OpNode:
                        in_grads = node.run(grads[0], create_graph, retain_graph)
                    else:
                        in_grads = node.apply(grads, create_graph)
                        if not retain_graph:
                            node.release()
                    if node.hooks:
                        in_grads = _post_hooks(node, in_grads, grads, create_graph)
                if check_nan:
                    _check_nan(node, in_grads)
                for e, g in zip(node.next_edges, in_grads):
                    if e is None:
                        continue
                    nxt = e[0]
                    if needed is not None and nxt not in needed:
                        continue
                    # the common case (an array of the input's shape and dtype) inline
                    if g is not None and (g.__class__ is not _ndarray or g.dtype is not e[3] or
                                          g.shape != e[2]):
                        g = _fit(g, e)
                    count = deps.get(nxt, 1)
                    if count == 1 and nxt.num_outputs == 1 and nxt not in buffers:
                        ready.append((nxt, g))  # its only edge: no buffer, no count to keep
                        continue
                    if g is not None:
                        _deliver(buffers, nxt, e[1], g)
                    deps[nxt] = count - 1
                    if count == 1:
                        ready.append((nxt, buffers.pop(nxt, None)))
            for t, g in retained:
                _accumulate_into(t, g, create_graph)
            # drop the walk's last references, so that a gradient only `leaves` holds is seen
            # as unshared by _owned() and becomes `.grad` without a copy
            got = grads = in_grads = g = None
            for i in range(len(leaves)):
                t, g = leaves[i]
                leaves[i] = None
                owned = not create_graph and _owned(g)  # (before g is pushed as an argument)
                _accumulate_leaf(t, g, create_graph, owned)
    finally:
        grad_mode.state.enabled = prev_mode
        if gc_was_enabled:
            gc.enable()
    return captured


def _deliver(buffers, node, nr, g):
    """Add `g` into the buffer of output `nr` of `node`."""
    if node.num_outputs == 1:
        old = buffers.get(node)
        buffers[node] = g if old is None else old + g
        return
    buf = buffers.get(node)
    if buf is None:
        buf = buffers[node] = [None] * node.num_outputs
    buf[nr] = g if buf[nr] is None else buf[nr] + g


def _leaf(node, grads, create_graph, capture, captured, leaves, retained):
    """A leaf's AccumulateGrad: its hooks run now, its `.grad` is written after the walk."""
    if node.pre_hooks:
        _pre_hooks(node, grads, create_graph, retained)
    g = grads[0]
    if g is None:
        return
    t = node._variable()
    if t is not None and t._hooks:
        g = _run_hooks(t._hooks, g, create_graph)
    if capture:
        captured[(node, 0)] = g
    elif t is not None:
        leaves.append((t, g))


def _post_hooks(node, in_grads, grads, create_graph):
    """Node.register_hook: hook(grad_inputs, grad_outputs) may return new grad_inputs."""
    for hook in tuple(node.hooks):
        res = hook(tuple(map(_maybe_wrap, in_grads)), tuple(map(_maybe_wrap, grads)))
        if res is not None:
            if not isinstance(res, (tuple, list)) or len(res) != len(in_grads):
                raise RuntimeError(
                    f"a hook of {node.name()} must return None or a tuple of {len(in_grads)} "
                    f"gradients, got {res!r}"
                )
            in_grads = [None if r is None else _unwrap(_wrap(r), create_graph) for r in res]
    return in_grads


def _maybe_wrap(g):
    return None if g is None else _wrap(g)


def _check_nan(node, in_grads):
    for i, g in enumerate(in_grads):
        if g is None:
            continue
        data = g if isinstance(g, np.ndarray) else getattr(g, "_data", np.asarray(g))
        if data.dtype.kind == "f" and np.isnan(data).any():
            where = (f"Traceback of forward call that caused the error:\n{node.trace}"
                     if node.trace is not None else
                     "No forward pass information available. Enable detect anomaly during "
                     "forward pass for more information.")
            raise RuntimeError(
                f"Function '{node.name()}' returned nan values in its {i}th output.\n{where}"
            )
