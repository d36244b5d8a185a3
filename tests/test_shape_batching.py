"""vmap batching rules of the shape, indexing and padding ops, on every sample of their op-table
entries (tests/op_table_shape.py and the shape entries of tests/op_table.py):

- every tensor argument batched, index and mask tensors included (each batch element gets its
  own copy, so a batched index goes through the rule), at the front and at the last dim;
- the result equals a loop over the batch, and no op that has a batching rule falls back to
  the loop (the warning names the op).
"""

import sys
import warnings

import numpy as np
import op_table  # noqa: F401  (first: it loads op_table_shape itself)
import op_table_shape
import pytest
from op_table import OPS_BY_NAME, Const, Expanded, tensor_args

import chainrule as cr
from chainrule.func import vmap

_vmap_impl = sys.modules["chainrule.func._batched"]

BATCH = 3
# ops whose batching is a loop by design: their output size depends on values (masked_select),
# or they write at data-dependent positions of a flat view (put, masked_scatter)
LOOPED = {"masked_select", "masked_scatter", "put"}
# table entries of other files whose ops are in chainrule/ops/shape.py
BASE_ENTRIES = ["reshape", "view", "transpose", "t", "permute", "movedim", "unsqueeze", "squeeze",
                "expand", "broadcast_to", "flatten", "unflatten", "getitem", "cat", "stack"]
ENTRIES = [op.name for op in op_table_shape.OPS] + BASE_ENTRIES


def _cases():
    for name in ENTRIES:
        op = OPS_BY_NAME[name]
        for k, s in enumerate(op.samples()):
            for where in ("front", "last"):
                yield pytest.param(op, s, where, id=f"{name}-{k}-{where}")


def _batched(sample, where, rng):
    """(values, in_dims): every tensor argument stacked BATCH times (floats perturbed per
    element, indices and masks copied), the batch dim first or last."""
    base = tensor_args(sample, requires_grad=False)
    values, dims = [], []
    for a, s in zip(base, sample.args):
        if not isinstance(a, cr.Tensor):
            values.append(a)
            dims.append(None)
            continue
        data = a.numpy()
        if data.dtype.kind == "f" and not isinstance(s, Const):
            stacked = np.stack([data + 0.1 * i * rng.standard_normal(data.shape)
                                for i in range(BATCH)])
        else:
            stacked = np.stack([data] * BATCH)
        d = 0 if where == "front" else data.ndim
        values.append(cr.from_numpy(np.ascontiguousarray(np.moveaxis(stacked, 0, d))))
        dims.append(d)
    return values, dims


def _unbatched(values, dims, i):
    return [v if d is None else cr.from_numpy(np.array(np.take(v.numpy(), i, axis=d)))
            for v, d in zip(values, dims)]


@pytest.mark.parametrize("op, sample, where", list(_cases()))
def test_vmap_matches_a_loop(op, sample, where):
    if any(isinstance(s, Expanded) for s in sample.args):
        sample = _materialized(sample)
    values, dims = _batched(sample, where, np.random.default_rng(0))

    def f(*args):
        return op.call(sample, args)

    _vmap_impl._warned.clear()  # (vmap warns once per op per process)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        got = vmap(f, in_dims=tuple(dims))(*values)
    looped = {str(w.message).split("'")[1] for w in caught if "no batching rule" in str(w.message)}
    mine = looped & _MY_OP_NAMES
    allowed = LOOPED | ({"index_put"} if _has_mask(sample) else set())  # (a batched mask)
    assert mine <= allowed, f"fell back to the loop: {mine - allowed}"
    expected = [f(*_unbatched(values, dims, i)) for i in range(BATCH)]
    got = got if isinstance(got, tuple) else (got,)
    expected = [e if isinstance(e, tuple) else (e,) for e in expected]
    assert len(got) == len(expected[0])
    for k, g in enumerate(got):
        want = np.stack([e[k].numpy() for e in expected])
        assert tuple(g.shape) == want.shape
        np.testing.assert_allclose(g.numpy(), want, rtol=1e-13, atol=1e-13)


def _has_mask(sample):
    return any(isinstance(a, Const) and a.value.dtype == np.bool_ for a in sample.args)


def _materialized(sample):
    """An Expanded argument as the plain array it stands for (vmap batches the leaf itself)."""
    from op_table import Sample

    args = [np.broadcast_to(a.value, a.shape).copy() if isinstance(a, Expanded) else a
            for a in sample.args]
    return Sample(*args, desc=sample.desc, **sample.kwargs)


def _op_names():
    """Names of the ops declared in the shape / indexing / padding modules."""
    from chainrule.ops import (
        diagonal,
        indexing,
        padding,
        pieces,
        reorder,
        shape,
        stacking,
        subscript,
    )
    from chainrule.ops._core import Op

    names = set()
    for mod in (diagonal, indexing, padding, pieces, reorder, shape, stacking, subscript):
        for value in vars(mod).values():
            if isinstance(value, Op):
                names.add(value.name)
            if isinstance(value, dict):
                names.update(v.name for v in value.values() if isinstance(v, Op))
    return names


_MY_OP_NAMES = _op_names()


def test_the_loop_detection_works():
    """(The harness: an op without a rule is reported by name.)"""
    from chainrule.ops.indexing import MASKED_SELECT

    assert "masked_select" in _MY_OP_NAMES and MASKED_SELECT.batch is None
    x = cr.from_numpy(np.arange(6.0).reshape(3, 2))
    m = cr.from_numpy(np.array([[True, False]] * 3))
    _vmap_impl._warned.clear()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        vmap(cr.masked_select)(x, m)
    assert any("'masked_select'" in str(w.message) for w in caught)


def test_nonzero_bdim_rules_without_moving():
    """A rule that returns its result with the batch dim not first (advanced indexing whose
    index arrays are not adjacent puts their dims first)."""
    x = cr.from_numpy(np.arange(2 * 3 * 4 * 5.0).reshape(2, 3, 4, 5))
    i, j = cr.tensor([0, 2]), cr.tensor([1, 3])
    got = vmap(lambda t: t[i, :, j])(x)
    want = np.stack([x.numpy()[b][[0, 2], :, [1, 3]] for b in range(2)])
    np.testing.assert_array_equal(got.numpy(), want)


