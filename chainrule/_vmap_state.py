"""The state vmap shares with the op dispatcher (kept here to avoid an import cycle).

`depth` is the number of open vmap levels (apply() reads only this on its hot path); `sizes[i]`
the batch size of level i + 1; `dispatch` and `batched_class` are set by chainrule/func/_batched.py.
"""


class _State:
    __slots__ = ("batched_class", "depth", "dispatch", "sizes")

    def __init__(self):
        self.depth = 0
        self.sizes = []
        self.dispatch = None
        self.batched_class = None


state = _State()
