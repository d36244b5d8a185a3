"""Pictures and memory accounting of a recorded graph.

    >>> import chainrule as torch
    >>> from chainrule import viz
    >>> w = torch.ones(3, requires_grad=True)
    >>> loss = w.exp().sum()
    >>> print(viz.to_mermaid(loss, params={"w": w}))
    flowchart TB
      n0["SumBackward0"]
      n1["ExpBackward0<br/>saved 12 B"]
      n2(["w<br/>[3] float32"])
      out[/"output<br/>[] float32"/]
      n0 --> out
      n1 --> n0
      n2 --> n1
    >>> viz.saved_bytes(loss)
    12
    >>> print(viz.memory_report(loss))
    op            count  saved bytes
    ExpBackward0      1         12 B
    SumBackward0      1          0 B
    total             2         12 B

Nodes are named as PyTorch names its grad_fns; leaves show a name (from `params`, a dict of
name -> tensor such as `dict(model.named_parameters())`), their shape and dtype. "Saved" is what
a node keeps for its backward: the inputs and output its rules read (a `Meta` placeholder, which
keeps only a shape, costs nothing), a custom Function's `save_for_backward` tensors, and a
checkpoint's arguments. In the totals an array saved by several nodes counts once.
"""

import shutil
import subprocess
from pathlib import Path

import numpy as np

from ._tensor import Tensor
from .autograd.function import FunctionNode, _SavedOutput
from .autograd.graph import AccumulateGrad, OpNode

__all__ = ["memory_report", "render", "saved_arrays", "saved_bytes", "to_dot", "to_mermaid"]


def saved_arrays(node):
    """The arrays `node` keeps alive for its backward (empty once they were freed)."""
    if isinstance(node, OpNode):
        if node.saved is None:
            return []
        arrays = [t._data for _, t in node.tensors]
        if node.ans is not None:
            arrays.append(node.ans)
        return arrays
    if isinstance(node, FunctionNode):
        ctx = node.ctx
        if ctx._freed or not ctx._saved:
            return []
        return [t.data if isinstance(t, _SavedOutput) else t._data
                for t in ctx._saved if isinstance(t, (Tensor, _SavedOutput))]
    own = getattr(node, "_saved_arrays", None)
    return list(own()) if own is not None else []


def _key(arr):
    """Arrays viewing the same memory the same way share a key (counted once in totals)."""
    return (arr.__array_interface__["data"][0], arr.nbytes, arr.shape, arr.strides)


def _roots(tensors):
    if isinstance(tensors, Tensor):
        tensors = [tensors]
    out = []
    for t in tensors:
        if not isinstance(t, Tensor):
            raise TypeError(f"expected a Tensor or a sequence of Tensors, got {type(t).__name__}")
        if t.grad_fn is not None:
            out.append(t.grad_fn)
        elif t.requires_grad:
            out.append(t._accumulator())
    return out


def _nodes(tensors):
    """Every node reachable from the tensors, each once, parents before their inputs
    (iterative: no recursion on graph depth)."""
    roots = _roots(tensors)
    order, seen, stack = [], set(roots), list(reversed(roots))
    while stack:
        node = stack.pop()
        order.append(node)
        for e in reversed(node.next_edges):
            if e is not None and e[0] not in seen:
                seen.add(e[0])
                stack.append(e[0])
    return order


def saved_bytes(tensors):
    """The bytes held for backward by the graph of `tensors` (one or a sequence), each array
    counted once."""
    unique = {}
    for node in _nodes(tensors):
        for arr in saved_arrays(node):
            unique[_key(arr)] = arr.nbytes
    return sum(unique.values())


def _name(node):
    return node.name().rpartition("::")[2]


def _fmt_bytes(n):
    if n < 1024:
        return f"{n} B"
    for unit in ("KiB", "MiB", "GiB"):
        n /= 1024
        if n < 1024 or unit == "GiB":
            return f"{n:.1f} {unit}"


def memory_report(tensors):
    """A text table: for each kind of op in the graph, how many nodes and the bytes they save
    for backward, largest first, then the total (arrays saved twice count once there)."""
    rows = {}
    for node in _nodes(tensors):
        if type(node) is AccumulateGrad:
            continue
        count, nbytes = rows.get(_name(node), (0, 0))
        rows[_name(node)] = (count + 1, nbytes + sum(a.nbytes for a in saved_arrays(node)))
    ordered = sorted(rows.items(), key=lambda kv: (-kv[1][1], kv[0]))
    total_count = sum(c for c, _ in rows.values())
    table = [(name, str(c), _fmt_bytes(b)) for name, (c, b) in ordered]
    table.append(("total", str(total_count), _fmt_bytes(saved_bytes(tensors))))
    width = max(len("op"), *(len(r[0]) for r in table))
    lines = [f"{'op':<{width}}  count  saved bytes"]
    lines += [f"{name:<{width}}  {c:>5}  {b:>11}" for name, c, b in table]
    return "\n".join(lines)


def _shape_dtype(arr_like):
    return f"{list(arr_like.shape)} {np.dtype(arr_like.dtype).name}"


def _graph(tensors, params):
    """(nodes with ids and labels, edges input-id -> consumer-id, the outputs) shared by the
    Mermaid and DOT writers. Labels are lists of lines; kind is 'op' or 'leaf'."""
    names = {}
    for name, p in (params or {}).items():
        if isinstance(p, Tensor):
            names[id(p)] = name
    order = _nodes(tensors)
    ids = {node: f"n{i}" for i, node in enumerate(order)}
    nodes, edges = [], []
    for node in order:
        if type(node) is AccumulateGrad:
            var = node.variable
            label = [names.get(id(var), "leaf")] if var is not None else ["(freed leaf)"]
            if var is not None:
                label.append(_shape_dtype(var._data))
            nodes.append((ids[node], "leaf", label))
        else:
            label = [_name(node)]
            nbytes = sum(a.nbytes for a in saved_arrays(node))
            if nbytes:
                label.append(f"saved {_fmt_bytes(nbytes)}")
            nodes.append((ids[node], "op", label))
        for e in node.next_edges:
            if e is not None:
                edges.append((ids[e[0]], ids[node]))
    outs = [t for t in ([tensors] if isinstance(tensors, Tensor) else tensors)
            if t.grad_fn is not None or t.requires_grad]
    out_edges = []
    for i, t in enumerate(outs):
        node = t.grad_fn if t.grad_fn is not None else t._accumulator()
        out_edges.append((ids[node], "out" if len(outs) == 1 else f"out{i}",
                          ["output" if len(outs) == 1 else f"output {i}", _shape_dtype(t._data)]))
    return nodes, edges, out_edges


def _mermaid_text(lines):
    return "<br/>".join(line.replace('"', "#quot;") for line in lines)


def to_mermaid(tensors, params=None):
    """The graph of `tensors` as a Mermaid flowchart (text to paste into Markdown between
    ```mermaid fences): ops by their grad_fn names with the bytes each saves, leaves with their
    name (from `params`), shape and dtype; arrows follow the forward data flow."""
    nodes, edges, outs = _graph(tensors, params)
    lines = ["flowchart TB"]
    for nid, kind, label in nodes:
        text = _mermaid_text(label)
        lines.append(f'  {nid}(["{text}"])' if kind == "leaf" else f'  {nid}["{text}"]')
    for src, oid, label in outs:
        lines.append(f'  {oid}[/"{_mermaid_text(label)}"/]')
    for src, oid, _ in outs:
        lines.append(f"  {src} --> {oid}")
    for src, dst in edges:
        lines.append(f"  {src} --> {dst}")
    return "\n".join(lines)


def _dot_text(lines):
    return "\\n".join(line.replace("\\", "\\\\").replace('"', '\\"') for line in lines)


def to_dot(tensors, params=None):
    """The graph of `tensors` in Graphviz's DOT language (see `to_mermaid` for what it shows)."""
    nodes, edges, outs = _graph(tensors, params)
    lines = ["digraph chainrule {", '  node [fontname="Helvetica", fontsize=11];']
    for nid, kind, label in nodes:
        style = ('shape=ellipse, style=filled, fillcolor="#cfe8fc"' if kind == "leaf"
                 else 'shape=box, style=filled, fillcolor="#eeeeee"')
        lines.append(f'  {nid} [label="{_dot_text(label)}", {style}];')
    for _, oid, label in outs:
        lines.append(f'  {oid} [label="{_dot_text(label)}", shape=box, style=filled, '
                     'fillcolor="#d4f4c4"];')
    for src, oid, _ in outs:
        lines.append(f"  {src} -> {oid};")
    for src, dst in edges:
        lines.append(f"  {src} -> {dst};")
    lines.append("}")
    return "\n".join(lines)


_NO_DOT = (
    "chainrule.viz.render needs Graphviz's `dot` program to write {fmt!r} files, and `dot` is "
    "not on PATH. Install Graphviz (Debian/Ubuntu: `apt-get install graphviz`, macOS: `brew "
    "install graphviz`, conda: `conda install graphviz`), or save text instead: render(t, "
    "'graph.dot') / render(t, 'graph.mmd') need no Graphviz (or use to_dot / to_mermaid)."
)


def render(tensors, path, params=None, format=None):
    """Write a picture of the graph to `path`; the format comes from `format` or the suffix.

    '.mmd' writes Mermaid text and '.dot'/'.gv' DOT text (no Graphviz needed); any other format
    ('svg', 'png', 'pdf', ...) is drawn by Graphviz's `dot`. Returns the path written.
    """
    path = Path(path)
    fmt = (format or path.suffix.lstrip(".") or "svg").lower()
    if fmt == "mmd":
        path.write_text(to_mermaid(tensors, params) + "\n")
        return path
    source = to_dot(tensors, params)
    if fmt in ("dot", "gv"):
        path.write_text(source + "\n")
        return path
    exe = shutil.which("dot")
    if exe is None:
        raise RuntimeError(_NO_DOT.format(fmt=fmt))
    result = subprocess.run([exe, f"-T{fmt}", "-o", str(path)], input=source, text=True,
                            capture_output=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"Graphviz's dot failed writing {path} (format {fmt!r}): "
                           f"{result.stderr.strip()}")
    return path
