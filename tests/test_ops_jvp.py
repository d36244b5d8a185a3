"""Forward mode over the whole op table (every area), in float64, on every sample:

(a) the JVP through chainrule.autograd.forward_ad equals central differences along a random
    direction v (one per differentiable input);
(b) forward and reverse mode agree: <u, J v> = <J^T u, v> to rtol 1e-12 for random u, v;
(c) for entries with gradgrad=True, the forward-over-reverse Hessian-vector product (a tangent
    pushed through a create_graph backward) equals the reverse-over-reverse one.

Every entry must pass: an op without a JVP rule raises NotImplementedError, which fails here.
"""

import numpy as np
import pytest
from op_table import GRAD_TOL, OPS, Expanded, _seed, tensor_args

import chainrule as cr
import chainrule.autograd.forward_ad as fwAD

EPS = 1e-6
CASES = [pytest.param(op, s, id=f"{op.name}-{s.desc}") for op in OPS for s in op.samples()]
GRADGRAD_CASES = [c for c in CASES if c.values[0].gradgrad]


def _float_outputs(out):
    outs = out if isinstance(out, tuple) else (out,)
    return [o for o in outs if isinstance(o, cr.Tensor) and o.dtype.is_floating_point]


class Problem:
    """One sample with its differentiable inputs, a direction v and a cotangent u."""

    def __init__(self, op, sample):
        self.op, self.sample = op, sample
        self.args = tensor_args(sample)
        self.diff = [i for i, a in enumerate(self.args)
                     if isinstance(a, cr.Tensor) and a.requires_grad]
        rng = np.random.default_rng(_seed(op.name + sample.desc))
        self.v = [np.asarray(rng.standard_normal(self.args[i].shape)) for i in self.diff]
        outs = self.primal()
        self.u = [np.asarray(rng.standard_normal(o.shape)) for o in outs]

    def call(self, args):
        cr.manual_seed(0)  # (random ops see the same draws in every evaluation)
        return _float_outputs(self.op.call(self.sample, args))

    def primal(self):
        return [o.detach() for o in self.call(self.args)]

    def shifted(self, step):
        """The inputs moved by step * v (new leaves, no grad)."""
        args = list(self.args)
        for i, v in zip(self.diff, self.v):
            args[i] = cr.from_numpy(np.asarray(self.args[i].detach().numpy() + step * v))
        return args

    def jvp(self):
        """(primal outputs, output tangents) through forward AD."""
        with fwAD.dual_level():
            args = list(self.args)
            for i, v in zip(self.diff, self.v):
                args[i] = fwAD.make_dual(self.args[i].detach(), cr.from_numpy(v))
            outs = self.call(args)
            primals, tangents = [], []
            for o in outs:
                p, t = fwAD.unpack_dual(o)
                primals.append(p.detach().numpy())
                tangents.append(np.zeros(o.shape) if t is None else t.detach().numpy())
        return primals, tangents

    def vjp(self):
        """J^T u per differentiable input (zeros where an input is unused)."""
        outs = self.call(self.args)
        pairs = [(o, u) for o, u in zip(outs, self.u) if o.requires_grad]
        inputs = [self.args[i] for i in self.diff]
        if not pairs:
            return [np.zeros(a.shape) for a in inputs]
        grads = cr.autograd.grad([o for o, _ in pairs], inputs,
                                 [cr.from_numpy(u) for _, u in pairs], allow_unused=True)
        return [np.zeros(a.shape) if g is None else g.numpy() for g, a in zip(grads, inputs)]


def _run(op, sample, check):
    problem = Problem(op, sample)
    assert problem.diff, "a table sample must have a differentiable input"
    check(problem)


@pytest.mark.parametrize("op, sample", CASES)
def test_jvp_matches_central_differences_and_reverse_mode(op, sample):
    def check(p):
        primals, tangents = p.jvp()
        # (a) central differences
        plus, minus = p.call(p.shifted(EPS)), p.call(p.shifted(-EPS))
        for got, want in zip(primals, p.primal()):
            np.testing.assert_allclose(got, want.numpy(), rtol=1e-14, atol=0, equal_nan=True)
        for t, a, b, y in zip(tangents, plus, minus, primals):
            with np.errstate(invalid="ignore"):
                numeric = (a.numpy() - b.numpy()) / (2 * EPS)
            # where the output is not finite (mean of nothing, ...) the derivative is undefined;
            # where it is finite but was inf - inf (nan_to_num at inf inputs), it is 0
            defined = np.isfinite(y)
            numeric = np.where(np.isfinite(numeric), numeric, 0.0)
            np.testing.assert_allclose(np.where(defined, t, 0.0), np.where(defined, numeric, 0.0),
                                       **GRAD_TOL)
        # (b) <u, J v> = <J^T u, v>, with u = 0 where the output is not finite
        p.u = [np.where(np.isfinite(y), u, 0.0) for y, u in zip(primals, p.u)]
        tangents = [np.where(u == 0, 0.0, t) for u, t in zip(p.u, tangents)]
        grads = p.vjp()
        u_jv = sum(float(np.sum(u * t)) for u, t in zip(p.u, tangents))
        jtu_v = sum(float(np.sum(g * v)) for g, v in zip(grads, p.v))
        scale = sum(float(np.sum(np.abs(u * t))) for u, t in zip(p.u, tangents)) + \
            sum(float(np.sum(np.abs(g * v))) for g, v in zip(grads, p.v))
        # (plus rounding noise where both sides vanish: |u| |v| times a Jacobian of order 1)
        noise = 1e-14 * _norm(p.u) * _norm(p.v)
        assert abs(u_jv - jtu_v) <= 1e-12 * scale + noise, (u_jv, jtu_v)

    _run(op, sample, check)


def _norm(arrays):
    return float(np.sqrt(sum(np.sum(a * a) for a in arrays)))


def _loss(outs, us):
    total = None
    for o, u in zip(outs, us):
        term = (o * cr.from_numpy(u)).sum()
        total = term if total is None else total + term
    return total


@pytest.mark.parametrize("op, sample", GRADGRAD_CASES)
def test_forward_over_reverse_hvp_matches_reverse_over_reverse(op, sample):
    def check(p):
        inputs = [p.args[i] for i in p.diff]
        loss = _loss(p.call(p.args), p.u)
        if loss is None or not loss.requires_grad:
            return
        grads = cr.autograd.grad(loss, inputs, create_graph=True, allow_unused=True)
        gv = _loss([g for g in grads if g is not None],
                   [v for g, v in zip(grads, p.v) if g is not None])
        expected = [np.zeros(a.shape) for a in inputs]
        if gv is not None and gv.requires_grad:
            hv = cr.autograd.grad(gv, inputs, allow_unused=True)
            expected = [np.zeros(a.shape) if h is None else h.numpy() for h, a in zip(hv, inputs)]
        with fwAD.dual_level():
            args = list(p.args)
            for i, v in zip(p.diff, p.v):
                args[i] = fwAD.make_dual(p.args[i], cr.from_numpy(v))
            loss = _loss(p.call(args), p.u)
            grads = cr.autograd.grad(loss, inputs, create_graph=True, allow_unused=True)
            got = [np.zeros(a.shape) if g is None or fwAD.unpack_dual(g).tangent is None
                   else fwAD.unpack_dual(g).tangent.detach().numpy()
                   for g, a in zip(grads, inputs)]
        for g, e in zip(got, expected):
            np.testing.assert_allclose(g, e, rtol=1e-10, atol=1e-12)

    _run(op, sample, check)


def test_expanded_inputs_get_leaf_shaped_tangents():
    """(The harness itself: a stride-0 input's direction has the leaf's shape, not the view's.)"""
    op = next(o for o in OPS if o.name == "exp")
    sample = next(s for s in op.samples() if isinstance(s.args[0], Expanded))
    p = Problem(op, sample)
    assert p.v[0].shape == sample.args[0].value.shape
    _, tangents = p.jvp()
    assert tangents[0].shape == sample.args[0].shape


# --- in-place ops under forward AD ----------------------------------------------------------------


def _t(*values):
    return cr.tensor(np.array(values, dtype=np.float64))


def test_in_place_ops_carry_tangents():
    x, tx = _t([0.0, 1.0, 2.0], [3.0, 4.0, 5.0]), _t([1.0, 1.0, 1.0], [1.0, 1.0, 1.0])
    v, tv = _t(10.0, 20.0, 30.0), _t(5.0, 6.0, 7.0)
    with fwAD.dual_level():
        xd, vd = fwAD.make_dual(x, tx), fwAD.make_dual(v, tv)
        y = xd * 1.0
        y.mul_(vd)  # (x v)' = tx v + x tv
        assert fwAD.unpack_dual(y).tangent.tolist() == [[10.0, 26.0, 44.0], [25.0, 44.0, 65.0]]
        y = xd * 1.0
        y[1] = vd  # setitem: the written row takes the value's tangent
        assert fwAD.unpack_dual(y).tangent.tolist() == [[1.0, 1.0, 1.0], [5.0, 6.0, 7.0]]
        y = xd * 1.0
        y[0].mul_(2.0)  # in place on a view: the base's tangent changes at the view's places
        assert fwAD.unpack_dual(y).tangent.tolist() == [[2.0, 2.0, 2.0], [1.0, 1.0, 1.0]]
        assert not y.requires_grad  # (forward mode alone records nothing for reverse mode)
        y = cr.zeros(2, 3, dtype=cr.float64)
        y[:, 1].copy_(fwAD.make_dual(_t(1.0, 2.0), _t(8.0, 9.0)))  # a base with no tangent
        assert fwAD.unpack_dual(y).tangent.tolist() == [[0.0, 8.0, 0.0], [0.0, 9.0, 0.0]]


def test_in_place_on_a_view_while_recording_both_modes():
    x, tx = _t([0.0, 1.0, 2.0], [3.0, 4.0, 5.0]), _t([1.0, 1.0, 1.0], [1.0, 1.0, 1.0])
    v, tv = _t(10.0, 20.0, 30.0), _t(5.0, 6.0, 7.0)
    x.requires_grad_()
    with fwAD.dual_level():
        y = fwAD.make_dual(x, tx) * 1.0
        y[0].mul_(fwAD.make_dual(v, tv))
        assert fwAD.unpack_dual(y).tangent.tolist() == [[10.0, 26.0, 44.0], [1.0, 1.0, 1.0]]
        y.sum().backward()
    assert x.grad.tolist() == [[10.0, 20.0, 30.0], [1.0, 1.0, 1.0]]
