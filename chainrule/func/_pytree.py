"""Nested tuples, lists and dicts of tensors (pytrees), flattened and rebuilt as JAX does."""


def flatten(tree):
    """(leaves, spec): the leaves in order, and what `unflatten` needs to rebuild the tree."""
    leaves = []
    return leaves, _flatten(tree, leaves)


def _flatten(tree, leaves):
    if isinstance(tree, (tuple, list)) and not _is_namedtuple(tree):
        return (type(tree), [_flatten(x, leaves) for x in tree])
    if _is_namedtuple(tree):
        return (type(tree), [_flatten(x, leaves) for x in tree])
    if isinstance(tree, dict):
        keys = list(tree)
        return (dict, keys, [_flatten(tree[k], leaves) for k in keys])
    leaves.append(tree)
    return None


def _is_namedtuple(x):
    return isinstance(x, tuple) and hasattr(x, "_fields")


def unflatten(leaves, spec):
    it = iter(leaves)
    return _build(spec, it)


def _build(spec, it):
    if spec is None:
        return next(it)
    if spec[0] is dict:
        return {k: _build(s, it) for k, s in zip(spec[1], spec[2])}
    kind, children = spec
    items = [_build(s, it) for s in children]
    if kind is tuple or kind is list:
        return kind(items)
    return kind(*items)  # a named tuple


def tree_map(fn, tree):
    leaves, spec = flatten(tree)
    return unflatten([fn(x) for x in leaves], spec)


def broadcast_prefix(prefix, tree, what):
    """`prefix` (e.g. in_dims) expanded to one value per leaf of `tree`: a leaf of the prefix
    applies to the whole subtree under it. A ValueError names `what` if the structures differ."""
    out = []
    _broadcast(prefix, tree, out, what, prefix, tree)
    return out


def _broadcast(p, t, out, what, p0, t0):
    if p is None or isinstance(p, int):
        leaves, _ = flatten(t)
        out.extend([p] * len(leaves))
        return
    if isinstance(p, (tuple, list)) and isinstance(t, (tuple, list)) and len(p) == len(t):
        for a, b in zip(p, t):
            _broadcast(a, b, out, what, p0, t0)
        return
    if isinstance(p, dict) and isinstance(t, dict) and set(p) == set(t):
        for k in t:
            _broadcast(p[k], t[k], out, what, p0, t0)
        return
    raise ValueError(
        f"{what} is not compatible with the structure of the inputs: {what}={p0!r} but the inputs "
        f"have the structure {_describe(t0)}; {what} must be an int or None, or a nested "
        "tuple/list/dict matching the inputs"
    )


def _describe(tree):
    from .._tensor import Tensor

    if isinstance(tree, (tuple, list)):
        inner = ", ".join(_describe(x) for x in tree)
        return f"({inner},)" if isinstance(tree, tuple) and len(tree) == 1 else (
            f"({inner})" if isinstance(tree, tuple) else f"[{inner}]")
    if isinstance(tree, dict):
        return "{" + ", ".join(f"{k!r}: {_describe(v)}" for k, v in tree.items()) + "}"
    if isinstance(tree, Tensor):
        return f"Tensor{list(tree.shape)}"
    return type(tree).__name__
