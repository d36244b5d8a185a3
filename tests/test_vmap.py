"""vmap: in_dims/out_dims, pytrees, nesting, errors, and every op in the op table against a loop
that runs the op once per batch element and stacks the results."""

import warnings
import zlib

import numpy as np
import pytest
from op_table import OPS, Const, Expanded, NonContig, tensor_args

import chainrule as cr
from chainrule.func import vmap

RNG = np.random.default_rng(3)


def rand(*shape):
    return cr.from_numpy(RNG.standard_normal(shape))


def test_in_dims_and_out_dims():
    x = rand(3, 5)
    np.testing.assert_array_equal(vmap(cr.sin, in_dims=1)(x).numpy(), np.sin(x.numpy()).T)
    np.testing.assert_array_equal(vmap(cr.sin, in_dims=1, out_dims=1)(x).numpy(),
                                  np.sin(x.numpy()))
    y = rand(5)
    out = vmap(lambda a, b: a * b, in_dims=(0, None))(x, y)
    np.testing.assert_array_equal(out.numpy(), x.numpy() * y.numpy())


def test_pytree_inputs_and_outputs():
    xs = {"a": rand(4, 2), "b": (rand(4), rand(3))}
    out = vmap(lambda d: {"s": d["a"] * d["b"][0].unsqueeze(-1), "t": [d["b"][1] * 2]},
               in_dims=({"a": 0, "b": (0, None)},))(xs)
    np.testing.assert_allclose(out["s"].numpy(), xs["a"].numpy() * xs["b"][0].numpy()[:, None])
    assert out["t"][0].shape == (4, 3)  # an unbatched output is broadcast over the batch


def test_nested_vmap_is_an_outer_product():
    x, y = rand(3), rand(4)
    out = vmap(vmap(lambda a, b: a * b, in_dims=(None, 0)), in_dims=(0, None))(x, y)
    np.testing.assert_array_equal(out.numpy(), np.outer(x.numpy(), y.numpy()))


def test_vmap_records_for_reverse_mode_outside():
    w = rand(3).requires_grad_()
    xs = rand(5, 3)
    vmap(lambda x: (cr.tanh(x * w)))(xs).sum().backward()
    expected = ((1 - np.tanh(xs.numpy() * w.detach().numpy()) ** 2) * xs.numpy()).sum(0)
    np.testing.assert_allclose(w.grad.numpy(), expected, rtol=1e-13)


def test_errors():
    with pytest.raises(ValueError, match=r"same size in the mapped dimension.*\[3, 4\]"):
        vmap(lambda a, b: a + b)(rand(3), rand(4))
    with pytest.raises(ValueError, match="in_dims has 1 entries but .* 2 positional"):
        vmap(lambda a, b: a + b, in_dims=(0,))(rand(3), rand(3))
    with pytest.raises(ValueError, match="out of range"):
        vmap(cr.sin, in_dims=2)(rand(3, 4))
    with pytest.raises(ValueError, match="float"):
        vmap(lambda a, s: a * s, in_dims=(0, 0))(rand(3), 2.0)
    with pytest.raises(ValueError, match="at least one input"):
        vmap(cr.sin, in_dims=None)(rand(3))
    with pytest.raises(RuntimeError, match="inside vmap"):
        vmap(lambda a: a.item())(rand(3))


def test_the_loop_fallback_warns_once_naming_the_op():
    from chainrule.ops._core import Op, apply

    op = Op("no_rule_op", lambda x: x * 2, (lambda g, ans, x: g * 2,))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = vmap(lambda a: apply(op, (a,), {}))(rand(3, 2))
        vmap(lambda a: apply(op, (a,), {}))(rand(3, 2))
    assert out.shape == (3, 2)
    assert sum("no_rule_op" in str(w.message) for w in caught) == 1


# --- every op against a loop --------------------------------------------------------------------

BATCH = 3


def _cases():
    for op in OPS:
        for k, s in enumerate(op.samples()):
            if k < 3:
                yield pytest.param(op, s, id=f"{op.name}-{s.desc}")


def _batched_args(sample):
    """Per argument: (batched value or the plain one, in_dim). The perturbations are drawn from
    a generator seeded by the sample, not from the module's: the values then do not depend on
    which tests ran before in the same worker (a draw that pushed binary_cross_entropy's input
    out of [0, 1] made the test fail in some orders only)."""
    rng = np.random.default_rng(zlib.crc32(sample.desc.encode()))
    base = tensor_args(sample, requires_grad=False)
    out = []
    for a, s in zip(base, sample.args):
        if isinstance(a, cr.Tensor) and isinstance(s, (np.ndarray, NonContig, Expanded)) \
                and not isinstance(s, Const):
            data = a.numpy()
            stacked = np.stack([data + 0.01 * i * rng.standard_normal(data.shape)
                                for i in range(BATCH)])
            out.append((cr.from_numpy(stacked), 0))
        else:
            out.append((a, None))
    return out


@pytest.mark.parametrize("op, sample", list(_cases()))
def test_vmap_matches_a_loop(op, sample):
    args = _batched_args(sample)
    if all(d is None for _, d in args):
        pytest.fail("sample has no tensor argument to map over")
    in_dims = tuple(d for _, d in args)
    values = [v for v, _ in args]

    def f(*a):
        return op.call(sample, a)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = vmap(f, in_dims=in_dims)(*values)
    expected = [f(*[v[i] if d is not None else v for v, d in args]) for i in range(BATCH)]
    got = got if isinstance(got, tuple) else (got,)
    expected = [e if isinstance(e, tuple) else (e,) for e in expected]
    for k, g in enumerate(got):
        want = np.stack([e[k].numpy() for e in expected])
        assert g.shape == want.shape
        np.testing.assert_allclose(g.numpy(), want, rtol=1e-12, atol=1e-12)
