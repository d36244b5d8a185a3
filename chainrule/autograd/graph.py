"""Graph nodes: what `grad_fn` is.

A node holds edges to the nodes of its inputs and what its VJP rules need, never its own output
(that would be a reference cycle): an output it needs is kept as a bare array plus the output's
version counter, and rebuilt as a tensor pointing at this node when `create_graph=True`.

An edge is a tuple `(node, output_nr, shape, np_dtype)`: the input's node (its `grad_fn`, or the
`AccumulateGrad` of a leaf), which of that node's outputs the input is, and the input's shape and
dtype, which the engine uses to sum a broadcast gradient down and cast it back.
"""

import weakref

from . import anomaly_mode

FREED_MESSAGE = (
    "Trying to backward through the graph a second time (or directly access saved tensors after "
    "they have already been freed). Saved intermediate values of the graph are freed when you "
    "call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward "
    "through the graph a second time or if you need to access saved tensors after calling backward."
)


def version_error(arr, what, version, expected):
    """The message for a saved value modified in place: names the op, shape, dtype, versions."""
    type_name = _TYPE_NAMES.get(arr.dtype.name, "Tensor")
    return (
        "one of the variables needed for gradient computation has been modified by an inplace "
        f"operation: [torch.{type_name} {list(arr.shape)}], which is {what}, is at version "
        f"{version}; expected version {expected} instead. Hint: an in-place op changed it after "
        "it was saved in the forward pass; use its out-of-place form (or .clone() first)."
    )


_TYPE_NAMES = {"float32": "FloatTensor", "float64": "DoubleTensor", "float16": "HalfTensor",
               "int64": "LongTensor", "int32": "IntTensor", "bool": "BoolTensor"}


class Meta:
    """Stands in for an input a rule does not need the values of: only shape and dtype."""

    __slots__ = ("dtype", "shape")

    def __init__(self, shape, dtype):
        self.shape = shape
        self.dtype = dtype

    @property
    def ndim(self):
        return len(self.shape)


class RemovableHandle:
    __slots__ = ("_hook", "_list")

    def __init__(self, hooks, hook):
        self._list = hooks
        self._hook = hook

    def remove(self):
        if self._hook in self._list:
            self._list.remove(self._hook)


class _Extra:
    """What few nodes have: hooks, retained outputs, an anomaly-mode trace (Node.extra)."""

    __slots__ = ("hooks", "pre_hooks", "retains", "trace")

    def __init__(self, trace=None):
        self.hooks = self.pre_hooks = self.retains = None
        self.trace = trace


def _extra_field(name, doc):
    def get(self):
        extra = self.extra
        return None if extra is None else getattr(extra, name)

    def set(self, value):
        extra = self.extra
        if extra is None:
            extra = self.extra = _Extra()
        setattr(extra, name, value)

    return property(get, set, doc=doc)


class Node:
    """Base of every `grad_fn`. Subclasses implement `apply(grads, create_graph)` and `name()`.

    `extra` is None for a node with no hooks, retained outputs or trace (nearly every node, and
    the engine's fast path), else an `_Extra` holding them.
    """

    __slots__ = ("__weakref__", "_mark", "extra", "next_edges")
    num_outputs = 1

    def __init__(self, next_edges=()):
        self.next_edges = next_edges
        self._mark = None  # the engine's scratch mark (engine._count_dependencies)
        self.extra = _Extra(anomaly_mode.forward_trace()) if anomaly_mode.state.enabled else None

    hooks = _extra_field("hooks", "[hook] from register_hook, run after the node")
    pre_hooks = _extra_field("pre_hooks", "{output_nr: [hook]} from Tensor.register_hook on "
                             "outputs; key None: register_prehook")
    retains = _extra_field("retains", "{output_nr: weakref to the tensor} from retain_grad()")
    trace = _extra_field("trace", "the forward's stack under anomaly mode")

    def name(self):
        return type(self).__name__

    @property
    def next_functions(self):
        return tuple((None, 0) if e is None else (e[0], e[1]) for e in self.next_edges)

    def register_hook(self, hook):
        """`hook(grad_inputs, grad_outputs)` runs after this node computed its input gradients."""
        if self.hooks is None:
            self.hooks = []
        self.hooks.append(hook)
        return RemovableHandle(self.hooks, hook)

    def register_prehook(self, hook):
        """`hook(grad_outputs)` runs before this node; it may return replacement grad_outputs."""
        return self.add_pre_hook(None, hook)

    def add_pre_hook(self, output_nr, hook):
        if self.pre_hooks is None:
            self.pre_hooks = {}
        hooks = self.pre_hooks.setdefault(output_nr, [])
        hooks.append(hook)
        return RemovableHandle(hooks, hook)

    def release(self):
        pass

    def __repr__(self):
        # PyTorch shows the node's class name (CopySlices), not its C++ path
        return f"<{self.name().rpartition('::')[2]} object at {hex(id(self))}>"


class AccumulateGrad(Node):
    """The node of a leaf: adds the incoming gradient into `leaf.grad`.

    It holds the leaf weakly (the leaf holds it strongly), so a graph never keeps a leaf alive.
    """

    __slots__ = ("_variable",)

    def __init__(self, variable):
        super().__init__(())
        self._variable = weakref.ref(variable)

    @property
    def variable(self):
        return self._variable()

    def apply(self, grads, create_graph):
        raise AssertionError("the engine accumulates leaves itself")


class OpNode(Node):
    """The node of a built-in op: its declaration, saved inputs, parameters and saved output.

    `saved` holds what the rules get in a first-order backward, one entry per input: the array
    of a saved tensor, a `Meta` for a tensor not saved (None if the op declares `metas=False`),
    a constant as it was passed. `tensors`
    holds `(i, tensor)` for each saved tensor, which a `create_graph` backward passes instead.
    Invariant (ops/_core._record): every saved tensor has an entry `(i, version counter, version
    when saved)` in `versions`; a saved output `ans` has its counter in `ans_vc` and its version
    in `ans_version`.
    """

    __slots__ = ("ans", "ans_fw", "ans_vc", "ans_version", "op", "params", "saved", "tensors",
                 "versions")

    def name(self):
        return self.op.backward_name

    def apply(self, grads, create_graph):
        return self.run(grads[0], create_graph, True)

    def run(self, g, create_graph, retain_graph):
        """The gradients for the inputs (None where an input has no edge), given the output's
        gradient `g`; the saved values are released afterwards unless `retain_graph`."""
        edges = self.next_edges
        if g is None:
            if not retain_graph:
                self.release()
            return (None,) * len(edges)
        args = self.saved
        if args is None:  # released by an earlier backward
            raise RuntimeError(FREED_MESSAGE)
        versions = self.versions
        if versions:
            for _, vc, version in versions:
                if vc[0] != version:  # rare: check_versions decides whether it is an error
                    self.check_versions()
                    break
        ans = self.ans
        if ans is not None:
            if self.ans_vc[0] != self.ans_version:
                self.check_versions()
            if create_graph:
                ans = _rebuild_output(self)
        if create_graph and self.tensors:
            args = list(args)
            for i, t in self.tensors:
                args[i] = t
        params = self.params
        rules = self.op.vjps
        if len(edges) == 1:  # the common cases without a loop
            out = (None if edges[0] is None else rules[0](g, ans, *args, **params),)
        elif len(edges) == 2:
            e0, e1 = edges
            out = (None if e0 is None else rules[0](g, ans, *args, **params),
                   None if e1 is None else rules[1](g, ans, *args, **params))
        else:
            out = [None if e is None else rule(g, ans, *args, **params)
                   for rule, e in zip(rules, edges)]
        if not retain_graph and (versions or ans is not None):
            self.saved = self.tensors = self.ans = None  # release()
        return out

    def check_versions(self):
        for i, vc, version in self.versions:
            if vc[0] != version and self._reads(i):
                raise RuntimeError(version_error(self.saved[i], f"input {i} of {self.name()}",
                                                 vc[0], version))
        if self.ans is not None and self.ans_vc[0] != self.ans_version:
            raise RuntimeError(version_error(self.ans, f"the output of {self.name()}",
                                             self.ans_vc[0], self.ans_version))

    def read_output_from(self, t):
        """The output this node saved is now `t`'s value (an in-place op wrote it into `t`):
        read it from there and check `t`'s version, so modifying `t` again before backward is
        an error, as in PyTorch."""
        self.ans = t._data
        self.ans_vc = t._vc
        self.ans_version = t._vc[0]

    def _reads(self, i):
        """Whether a rule that will run reads saved input i."""
        by_mask = self.op.saves_by_mask
        if by_mask is None:
            return True
        return i in by_mask[edge_mask(self.next_edges)]

    def release(self):
        # A node that saved no tensor stays runnable (backward through `x + 1` twice works, as
        # in PyTorch); otherwise its saved values go and running it again raises FREED_MESSAGE.
        if self.versions or self.ans is not None:
            self.saved = self.tensors = self.ans = None


def edge_mask(edges):
    """Bit i set iff input i has an edge (its rule runs)."""
    mask = 0
    for j, e in enumerate(edges):
        if e is not None:
            mask |= 1 << j
    return mask


def move_retained_grad(t, old_node, old_nr):
    """After an in-place op rebased `t` onto a new grad_fn, `t.retain_grad()` follows it (as in
    PyTorch: `.grad` is the gradient of the new value; hooks stay with the old one)."""
    if not t._retains or old_node is None or not old_node.retains:
        return
    ref = old_node.retains.pop(old_nr, None)
    new_node = t.grad_fn
    if ref is None or new_node is None:
        return
    if new_node.retains is None:
        new_node.retains = {}
    new_node.retains[t._output_nr] = ref


Tensor = None  # set by _tensor.py (the graph module is imported first)


def _rebuild_output(node):
    out = Tensor._make(node.ans, True, node, node.ans_vc)
    fw = getattr(node, "ans_fw", None)
    if fw:  # forward-over-reverse: the output keeps the tangents it had (ops/_core.py)
        out._fw = fw
    return out
