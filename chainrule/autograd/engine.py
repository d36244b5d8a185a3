"""The backward engine: an iterative walk of the graph in dependency order.

It knows no op. It counts, for every node reachable from the roots, how many edges lead into it;
a node runs once all of them have delivered their gradient (PyTorch's engine, HIPS autograd's
toposort). Nothing here recurses on graph depth.

Gradients travel as bare ndarrays when `create_graph` is off, so a first-order backward never
wraps an intermediate; with `create_graph=True` they are Tensors and the same rules record a graph.
"""

import numpy as np

from . import anomaly_mode, grad_mode
from .graph import AccumulateGrad


def _sum_to(g, shape):
    from ..ops.shape import sum_to

    return sum_to(g, shape)


def _fit(g, edge):
    """Sum a broadcast gradient down to the input's shape, and cast it to the input's dtype."""
    shape = edge[2]
    if g.shape != shape:
        g = _sum_to(g, shape)
    if g.dtype != edge[3]:
        g = g.astype(edge[3]) if isinstance(g, np.ndarray) else g.to(edge[3])
    return g


def _wrap(g):
    from .._tensor import Tensor

    return g if isinstance(g, Tensor) else Tensor._make(np.asarray(g))


def _unwrap(g, create_graph):
    return g if create_graph else g._data


def _run_hooks(hooks, g, create_graph):
    for hook in tuple(hooks):
        res = hook(_wrap(g))
        if res is not None:
            g = _unwrap(res, create_graph)
    return g


def _pre_hooks(node, grads, create_graph):
    """Tensor hooks on a node's outputs (register_hook on non-leaves), then retain_grad."""
    if node.pre_hooks:
        for nr, hooks in node.pre_hooks.items():
            if grads[nr] is not None and hooks:
                grads[nr] = _run_hooks(hooks, grads[nr], create_graph)
    if node.retains:
        for nr, ref in node.retains.items():
            t = ref()
            if t is not None and grads[nr] is not None:
                _accumulate_into(t, grads[nr], create_graph)


def _accumulate_into(t, g, create_graph):
    """t.grad += g, in place when nothing records (as PyTorch does), else out of place."""
    from .._tensor import Tensor

    if create_graph:
        t.grad = g if t.grad is None else t.grad + g
    elif t.grad is None:
        t.grad = Tensor._make(np.array(g, copy=True))
    elif t.grad.requires_grad or t.grad.shape != g.shape:
        t.grad = Tensor._make(t.grad._data + g)
    else:
        np.add(t.grad._data, g, out=t.grad._data, casting="unsafe")


def _accumulate_leaf(node, g, create_graph):
    t = node._variable()
    if t is None:
        return
    if t._hooks:
        g = _run_hooks(t._hooks, g, create_graph)
    _accumulate_into(t, g, create_graph)
    if t._post_hooks:
        for hook in tuple(t._post_hooks):
            hook(t)


def _discover(roots):
    """Every node reachable from the roots, and for each its parents (nodes with an edge to it)."""
    parents = {}
    stack = [n for n in roots]
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


def execute(roots, seeds, retain_graph, create_graph, targets=None, capture=False):
    """Run backward from `roots` (a list of (node, output_nr)) seeded with `seeds`.

    Without `targets`, every leaf reached gets its gradient accumulated. With `targets` (a list of
    (node, output_nr)), only what leads to them runs. Leaf targets are accumulated, or with
    `capture=True` returned instead (autograd.grad); non-leaf targets are always returned, in a
    dict keyed by (node, output_nr).
    """
    root_nodes = [n for n, _ in roots]
    nodes, parents = _discover(root_nodes)
    if targets is None:
        needed = runs = nodes
        deps = {child: len(plist) for child, plist in parents.items()}
    else:
        # Only what leads to a target runs; a target's own node runs only if it leads on to
        # another target. Leaves (AccumulateGrad) are reached only when they are targets.
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

    buffers = {}
    for (node, nr), seed in zip(roots, seeds):
        buf = buffers.get(node)
        if buf is None:
            buf = buffers[node] = [None] * node.num_outputs
        buf[nr] = seed if buf[nr] is None else buf[nr] + seed
    ready = [n for n in dict.fromkeys(root_nodes) if n not in deps]
    captured = {}

    prev_mode = grad_mode.state.enabled
    grad_mode.state.enabled = create_graph
    try:
        while ready:
            node = ready.pop()
            grads = buffers.pop(node, None)
            if grads is None:
                grads = [None] * node.num_outputs
            if type(node) is AccumulateGrad:
                g = grads[0]
                if g is None:
                    continue
                if capture:
                    t = node._variable()
                    if t is not None and t._hooks:
                        g = _run_hooks(t._hooks, g, create_graph)
                    captured[(node, 0)] = g
                else:
                    _accumulate_leaf(node, g, create_graph)
                continue
            if node.pre_hooks or node.retains:
                _pre_hooks(node, grads, create_graph)
            if targets is not None and node in target_nodes:
                for nr, g in enumerate(grads):
                    captured[(node, nr)] = g
            if node not in runs:
                continue
            in_grads = node.apply(grads, create_graph)
            if node.hooks:
                for hook in tuple(node.hooks):
                    hook(tuple(_maybe_wrap(g) for g in in_grads), tuple(map(_maybe_wrap, grads)))
            if node.trace is not None:
                _check_nan(node, in_grads)
            if not retain_graph:
                node.release()
            for e, g in zip(node.next_edges, in_grads):
                if e is None:
                    continue
                nxt = e[0]
                if nxt not in needed:
                    continue
                if g is not None:
                    g = _fit(g, e)
                    buf = buffers.get(nxt)
                    if buf is None:
                        buf = buffers[nxt] = [None] * nxt.num_outputs
                    nr = e[1]
                    buf[nr] = g if buf[nr] is None else buf[nr] + g
                left = deps[nxt] - 1
                deps[nxt] = left
                if left == 0:
                    ready.append(nxt)
    finally:
        grad_mode.state.enabled = prev_mode
    return captured


def _maybe_wrap(g):
    return None if g is None else _wrap(g)


def _check_nan(node, in_grads):
    for i, g in enumerate(in_grads):
        if g is None:
            continue
        data = g if isinstance(g, np.ndarray) else getattr(g, "_data", np.asarray(g))
        if data.dtype.kind == "f" and np.isnan(data).any():
            raise RuntimeError(
                f"Function '{node.name()}' returned nan values in its {i}th output.\n"
                f"Traceback of forward call that caused the error:\n{node.trace}"
            )


assert anomaly_mode  # imported for its state, used by graph nodes
