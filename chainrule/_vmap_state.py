"""The state vmap shares with the op dispatcher (kept here to avoid an import cycle).

`depth` is the number of open vmap levels (apply() reads only this on its hot path); `sizes[i]`
the batch size of level i + 1; `dispatch` and `batched_class` are set by chainrule/func/_batched.py.
"""


class _State:
    __slots__ = ("batched_class", "depth", "dispatch", "loop_call", "sizes")

    def __init__(self):
        self.depth = 0
        self.sizes = []
        self.dispatch = None
        self.batched_class = None
        self.loop_call = None


state = _State()


def loops_under_vmap(fn):
    """For a public function that reads values (data-dependent shapes, targets used as Python
    indices): under vmap it runs once per batch element on unbatched tensors, results stacked.
    Costs one integer check when no vmap is open."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        if state.depth:
            return state.loop_call(fn, args, kwargs)
        return fn(*args, **kwargs)

    return wrapper
