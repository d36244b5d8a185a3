"""einsum and tensordot: Einstein summation as one op whose VJP and JVP are einsums too.

The public `einsum` parses PyTorch's equation forms (string with `...`, implicit output, spaces;
or the sublist form `einsum(x, [0, 1], y, [1, 2], [0, 2])`), checks sizes with PyTorch's messages,
and normalizes the equation to explicit letters only: each `...` becomes fresh letters, the
implicit output is written out (ellipsis letters first, then the labels used once, sorted as
A-Z then a-z). The op's forward is `np.einsum` on that normalized equation.

Gradient of operand i: the einsum of the output gradient with the other operands, producing
operand i's subscripts. Two cases need help, both handled with constant operands:
- a label only operand i has (summed out on its own) gets a ones vector, so it reappears;
- a repeated label in operand i (`ii`, a diagonal) becomes a fresh label tied to the first
  occurrence by an identity matrix, so the gradient lands on the diagonal.
A size-1 dimension that broadcast against a larger one gets a full-size gradient, which the
engine sums back down. The JVP is the sum over operands of the einsum with that operand replaced
by its tangent (einsum is multilinear).
"""

import functools
import string

import numpy as np

from ._batching import move_to_front
from ._core import Op, apply

__all__ = ["einsum", "tensordot"]

_LETTERS = string.ascii_letters  # the 52 labels (an implicit output sorts them A-Z, then a-z)


# --- parsing ------------------------------------------------------------------------------------


def _parse_string(equation, n_operands):
    """[(labels of operand k as a list of letters and '...'), ...], output labels or None."""
    eq = equation.replace(" ", "")
    if "->" in eq:
        lhs, rhs = eq.split("->", 1)
    else:
        lhs, rhs = eq, None
    terms = lhs.split(",")
    offset = 0
    parsed = []
    for k, term in enumerate(terms):
        parsed.append(_parse_term(term, k, offset, eq))
        offset += len(term) + 1
    if len(parsed) > n_operands:
        raise RuntimeError("einsum(): fewer operands were provided than specified in the equation")
    if len(parsed) < n_operands:
        raise RuntimeError("einsum(): more operands were provided than specified in the equation")
    out = None if rhs is None else _parse_term(rhs, None, len(lhs) + 2, eq)
    return parsed, out


def _parse_term(term, k, offset, eq):
    labels = []
    i = 0
    seen_ellipsis = False
    what = "the output" if k is None else f"operand {k}"
    while i < len(term):
        c = term[i]
        if c == ".":
            if seen_ellipsis:
                raise RuntimeError(f"einsum(): found '.' for {what} for which an ellipsis was "
                                   "already found")
            if term[i:i + 3] != "...":
                raise RuntimeError(f"einsum(): found '.' for {what} that is not part of any "
                                   "ellipsis")
            labels.append("...")
            seen_ellipsis = True
            i += 3
            continue
        if c not in _LETTERS:
            raise RuntimeError(f"einsum(): invalid subscript given at index {offset + i} in the "
                               "equation string, subscripts must be in [a-zA-Z]")
        labels.append(c)
        i += 1
    return labels


def _parse_sublists(args):
    """The sublist form: operand, sublist, operand, sublist, ..., [output sublist]."""
    operands, terms = [], []
    items = list(args)
    out = None
    if len(items) % 2 == 1:
        out = _sublist(items.pop())
    for x, sub in zip(items[::2], items[1::2]):
        operands.append(x)
        terms.append(_sublist(sub))
    return operands, terms, out


def _sublist(sub):
    labels = []
    for s in sub:
        if s is Ellipsis:
            labels.append("...")
        else:
            s = int(s)
            if not 0 <= s < len(_LETTERS):
                raise ValueError(f"einsum(): subscript in subscript list is not within the valid "
                                 f"range [0, 52), got {s}")
            labels.append(_SUBLIST_LETTERS[s])
    return labels


# sublist labels as letters whose ASCII order is the labels' order (the implicit output sorts)
_SUBLIST_LETTERS = string.ascii_uppercase + string.ascii_lowercase


# --- normalization --------------------------------------------------------------------------------


def _normalize(terms, out, shapes):
    """The explicit letters-only equation and the size of every letter (sizes broadcast)."""
    named = {c for t in terms for c in t if c != "..."}
    if out is not None:
        named_out = [c for c in out if c != "..."]
        for c in named_out:
            if c not in named:
                raise RuntimeError(f"einsum(): output subscript {c} does not appear in the "
                                   "equation for any input operand")
            if named_out.count(c) > 1:
                raise RuntimeError(f"einsum(): output subscript {c} appears more than once in "
                                   "the output")
    ell_dims = []
    for k, (t, shape) in enumerate(zip(terms, shapes)):
        n_named = sum(c != "..." for c in t)
        if "..." in t:
            if n_named > len(shape):
                raise RuntimeError(f"einsum(): the number of subscripts in the equation "
                                   f"({n_named}) is more than the number of dimensions "
                                   f"({len(shape)}) for operand {k}")
            ell_dims.append(len(shape) - n_named)
        else:
            if n_named != len(shape):
                raise RuntimeError(f"einsum(): the number of subscripts in the equation "
                                   f"({n_named}) does not match the number of dimensions "
                                   f"({len(shape)}) for operand {k} and no ellipsis was given")
            ell_dims.append(0)
    n_ell = max(ell_dims, default=0)
    free = [c for c in _LETTERS if c not in named]
    if n_ell > len(free):
        raise RuntimeError("einsum(): too many subscripts (at most 52 distinct labels)")
    ell = free[:n_ell]
    subs = []
    for t, e in zip(terms, ell_dims):
        s = []
        for c in t:
            s.extend(ell[n_ell - e:] if c == "..." else [c])
        subs.append("".join(s))
    sizes = _sizes(subs, shapes, set(ell))
    if out is None:
        counts = {}
        for t in terms:
            for c in t:
                if c != "...":
                    counts[c] = counts.get(c, 0) + 1
        out_sub = "".join(ell) + "".join(sorted(c for c, n in counts.items() if n == 1))
    else:
        out_sub = "".join("".join(ell) if c == "..." else c for c in out)
    return ",".join(subs) + "->" + out_sub, sizes


def _sizes(subs, shapes, ell_letters):
    sizes = {}
    for k, (sub, shape) in enumerate(zip(subs, shapes)):
        own = {}
        for c, n in zip(sub, shape):
            if c in own and own[c] != n:
                raise RuntimeError(f"einsum(): subscript {c} is repeated for operand {k} but the "
                                   f"sizes don't match, {n} != {own[c]}")
            own[c] = n
        for c, n in own.items():
            prev = sizes.get(c)
            if prev is None or prev == 1:
                sizes[c] = n
            elif n != prev and n != 1:
                if c in ell_letters:
                    raise RuntimeError(f"einsum(): operands do not broadcast: a dimension covered "
                                       f"by ellipsis in operand {k} has size {n} which does not "
                                       f"broadcast with previously seen size {prev}")
                raise RuntimeError(f"einsum(): subscript {c} has size {n} for operand {k} which "
                                   f"does not broadcast with previously seen size {prev}")
    return sizes


# --- the op ---------------------------------------------------------------------------------------


def _split(eq):
    lhs, out = eq.split("->")
    return lhs.split(","), out


def _einsum_forward(*xs, eq):
    ins, _out = _split(eq)
    sizes = {}
    for sub, x in zip(ins, xs):
        for c, n in zip(sub, np.shape(x)):
            if n != 1 or c not in sizes:
                sizes[c] = n
    arrays = []
    for sub, x in zip(ins, xs):
        full = tuple(sizes[c] for c in sub)
        x = np.asarray(x)
        arrays.append(x if x.shape == full else np.broadcast_to(x, full))
    big = sum(a.size for a in arrays) > 256 and len(arrays) > 1
    ans = np.einsum(eq, *arrays, optimize="greedy" if big else False)
    ans = np.asarray(ans)
    if any(np.may_share_memory(ans, a) for a in arrays):
        ans = ans.copy()  # einsum returns views for pure transposes and diagonals
    return ans


def _fresh(used):
    for c in _LETTERS:
        if c not in used:
            used.add(c)
            return c
    raise RuntimeError("einsum(): the gradient needs more than 52 distinct labels")


def _vjp(i):
    def rule(g, ans, *xs, eq):
        ins, out = _split(eq)
        shapes = [x.shape for x in xs]
        sizes = {}
        for sub, shape in zip(ins, shapes):
            for c, n in zip(sub, shape):
                if n != 1 or c not in sizes:
                    sizes[c] = n
        dtype = np.asarray(getattr(g, "_data", g)).dtype
        subs = [out] + [s for j, s in enumerate(ins) if j != i]
        operands = [g] + [x for j, x in enumerate(xs) if j != i]
        used = set(eq.replace(",", "").replace("->", ""))
        target = []
        for c in ins[i]:
            if c in target:  # a repeated label: the gradient goes onto the diagonal
                f = _fresh(used)
                target.append(f)
                subs.append(c + f)
                operands.append(np.eye(sizes[c], dtype=dtype))
            else:
                target.append(c)
        reach = {}  # the size each label gets from the gradient's operands
        for sub, x in zip(subs, operands):
            for c, n in zip(sub, np.shape(getattr(x, "_data", x))):
                reach[c] = max(reach.get(c, 1), n)
        for c in dict.fromkeys(ins[i]):
            if c not in reach or reach[c] < sizes[c]:
                # summed out by operand i alone, or size 1 elsewhere: broadcast the gradient back
                subs.append(c)
                operands.append(np.ones(sizes[c], dtype=dtype))
        return einsum_normalized(",".join(subs) + "->" + "".join(target), *operands)

    return rule


def _einsum_jvp(tangents, ans, *xs, eq):
    total = None
    for i, t in enumerate(tangents):
        if t is None:
            continue
        args = list(xs)
        args[i] = t
        term = einsum_normalized(eq, *args)
        total = term if total is None else total + term
    return total


def _einsum_batch(op, args, bdims, params):
    """vmap: every batched operand gets one fresh label in front, and so does the output."""
    ins, out = _split(params["eq"])
    used = set(params["eq"].replace(",", "").replace("->", ""))
    if len(used) >= len(_LETTERS):
        return None
    b = _fresh(used)
    moved, subs = [], []
    for x, sub, bd in zip(args, ins, bdims):
        if bd is None:
            moved.append(x)
            subs.append(sub)
        else:
            moved.append(move_to_front(x, bd))
            subs.append(b + sub)
    return apply(op, moved, {"eq": ",".join(subs) + "->" + b + out}), 0


@functools.cache
def _einsum_op(n):
    """The einsum op for n operands: rule i reads every operand but i."""
    reads = tuple(tuple(j for j in range(n) if j != i) for i in range(n))
    return Op("einsum", _einsum_forward, tuple(_vjp(i) for i in range(n)),
              rule_reads=reads if n > 1 else ((),), jvp=_einsum_jvp, batch=_einsum_batch,
              backward_name="EinsumBackward0")


def einsum_normalized(eq, *operands):
    """einsum on an explicit, letters-only equation (as `_normalize` makes); '...' allowed only
    as the internal shorthand '...ii->...i' style handled here for the helpers."""
    if "..." in eq:
        terms, out = _parse_string(eq, len(operands))
        eq, _ = _normalize(terms, out, [np.shape(getattr(x, "_data", x)) for x in operands])
    return apply(_einsum_op(len(operands)), operands, {"eq": eq})


# --- public ---------------------------------------------------------------------------------------


def einsum(*args):
    """Einstein summation over the operands' labelled dimensions, as `torch.einsum`.

    >>> import chainrule as torch
    >>> a = torch.tensor([[1., 2.], [3., 4.]])
    >>> torch.einsum('ij,jk->ik', a, a)
    tensor([[ 7., 10.],
            [15., 22.]])
    >>> torch.einsum('ii', a), torch.einsum('...i->...', a)
    (tensor(5.), tensor([3., 7.]))
    """
    if len(args) == 0 or (isinstance(args[0], str) and len(args) == 1):
        raise ValueError("einsum(): must specify the equation string and at least one operand, "
                         "or at least one operand and its subscripts list")
    if isinstance(args[0], str):
        operands = list(args[1:])
        if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
            operands = list(operands[0])
        terms, out = _parse_string(args[0], len(operands))
    else:
        operands, terms, out = _parse_sublists(args)
    for k, x in enumerate(operands):
        if not hasattr(x, "_data"):
            raise TypeError(f"einsum(): operand {k} must be a Tensor, not {type(x).__name__}")
    dtypes = [x._data.dtype for x in operands]
    for d in dtypes[1:]:
        if d != dtypes[0]:
            from .linalg_common import type_name

            raise RuntimeError(f"expected scalar type {type_name(dtypes[0])} but found "
                               f"{type_name(d)}")
    eq, _ = _normalize(terms, out, [x._data.shape for x in operands])
    return apply(_einsum_op(len(operands)), operands, {"eq": eq})


def _dims_pair(dims, na, nb):
    if hasattr(dims, "_data"):
        dims = dims.tolist()
    if isinstance(dims, (int, np.integer)):
        d = int(dims)
        if d < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={d}")
        if d > min(na, nb):
            raise RuntimeError(f"tensordot expects dims < ndim_a or ndim_b, but got dims={d}")
        return list(range(-d, 0)), list(range(d))
    da, db = dims
    da = [int(da)] if isinstance(da, (int, np.integer)) else [int(v) for v in da]
    db = [int(db)] if isinstance(db, (int, np.integer)) else [int(v) for v in db]
    if len(da) != len(db):
        raise RuntimeError("both dimension lists should have same length")
    return da, db


def tensordot(a, b, dims=2, out=None):
    """Sum of products over the dimensions `dims` of a and b (an int: the last `dims` of a with
    the first `dims` of b; or a pair of dimension lists), as `torch.tensordot`.

    >>> import chainrule as torch
    >>> torch.tensordot(torch.ones(2, 3), torch.ones(3, 4), dims=1).shape
    torch.Size([2, 4])
    """
    if out is not None:
        raise TypeError("tensordot(): the out= argument is not supported")
    na, nb = a.ndim, b.ndim
    da, db = _dims_pair(dims, na, nb)
    if a._data.dtype != b._data.dtype:
        raise RuntimeError("both inputs should have same dtype")
    la = list(_LETTERS[:na])
    lb = list(_LETTERS[na:na + nb])
    for i, j in zip(da, db):
        i0, j0 = i, j
        if not -na <= i < na or not -nb <= j < nb:
            raise IndexError(f"tensordot: Dimension out of range (got dims {i0} and {j0} for "
                             f"tensors of {na} and {nb} dimensions)")
        sa, sb = a.shape[i], b.shape[j]
        if sa != sb and 1 not in (sa, sb):
            raise RuntimeError(f"contracted dimensions need to match, but first has size {sa} in "
                               f"dim {i0} and second has size {sb} in dim {j0}")
        lb[j % nb] = la[i % na]
    contracted = {la[i % na] for i in da}
    out_sub = "".join(c for c in la if c not in contracted) + \
        "".join(c for c in lb if c not in contracted)
    eq = "".join(la) + "," + "".join(lb) + "->" + out_sub
    return apply(_einsum_op(2), (a, b), {"eq": eq})
