"""Reductions, scans and order statistics at their singular points, against values pasted from
PyTorch 2.13 (float64): prod and cumprod with zeros (gradients, Hessians, JVPs), norm'(0) = 0,
the tie rules of max/min/amax/aminmax/median/kthvalue/mode/cummax/sort, std at a constant input,
logsumexp/logcumsumexp/softmax at |x| = 1e4, and result types, names and errors."""

import numpy as np
import pytest

import chainrule as cr
import chainrule.autograd.forward_ad as fwAD

F64 = cr.float64
NAN = float("nan")


def t(values, dtype=F64, requires_grad=False):
    return cr.tensor(values, dtype=dtype, requires_grad=requires_grad)


def grad(fn, x):
    """d sum(fn(x)) / dx as a nested list."""
    x = t(x, requires_grad=True)
    (g,) = cr.autograd.grad(fn(x).sum(), x)
    return g.tolist()


def hessian(fn, x):
    """The Hessian of sum(fn(x)) by reverse over reverse, one row per element of x."""
    x = t(x, requires_grad=True)
    (g,) = cr.autograd.grad(fn(x).sum(), x, create_graph=True)
    rows = []
    for i in range(g.numel()):
        (h,) = cr.autograd.grad(g.reshape(-1)[i], x, retain_graph=True, allow_unused=True)
        rows.append([0.0] * x.numel() if h is None else h.reshape(-1).tolist())
    return rows


def jvp(fn, x, tangent):
    with fwAD.dual_level():
        out = fn(fwAD.make_dual(t(x), t(tangent)))
        return fwAD.unpack_dual(out).tangent.tolist()


def close(a, b, rtol=1e-12, atol=1e-12):
    np.testing.assert_allclose(np.asarray(a, dtype=float), np.asarray(b, dtype=float),
                               rtol=rtol, atol=atol)


# --- prod and cumprod with zeros -------------------------------------------------------------

def test_prod_gradient_with_zeros():
    assert grad(cr.prod, [2.0, 0.0, 3.0, -1.5]) == [0.0, -9.0, 0.0, 0.0]
    assert grad(cr.prod, [2.0, 0.0, 3.0, 0.0]) == [0.0, 0.0, 0.0, 0.0]
    assert grad(lambda x: cr.prod(x, 1), [[2.0, 0.0, 3.0], [0.0, 0.0, 4.0], [1.0, 2.0, 3.0]]) \
        == [[0.0, 6.0, 0.0], [0.0, 0.0, 0.0], [6.0, 3.0, 2.0]]


def test_prod_second_order_with_zeros():
    assert hessian(cr.prod, [2.0, 0.0, 3.0, -1.5]) == [
        [0.0, -4.5, 0.0, 0.0], [-4.5, 0.0, -3.0, 6.0], [0.0, -3.0, 0.0, 0.0],
        [0.0, 6.0, 0.0, 0.0]]
    assert hessian(cr.prod, [2.0, 0.0, 3.0, 0.0]) == [
        [0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 6.0], [0.0, 0.0, 0.0, 0.0],
        [0.0, 6.0, 0.0, 0.0]]
    assert hessian(cr.prod, [0.0, 0.0, 3.0, 0.0]) == [[0.0] * 4] * 4
    # over a dim, and over several dims at once
    h = hessian(lambda x: cr.prod(x, 0), [[2.0, 0.0], [0.0, 5.0]])
    assert h == [[0.0, 0.0, 1.0, 0.0], [0.0, 0.0, 0.0, 1.0], [1.0, 0.0, 0.0, 0.0],
                 [0.0, 1.0, 0.0, 0.0]]


def test_prod_third_order_with_a_zero():
    # d^3 (a b c d) / da db dc = d: take the gradient of a Hessian entry
    x = t([2.0, 0.0, 3.0, -1.5], requires_grad=True)
    (g,) = cr.autograd.grad(cr.prod(x), x, create_graph=True)
    (h,) = cr.autograd.grad(g[1], x, create_graph=True)
    (third,) = cr.autograd.grad(h[2], x)
    assert third.tolist() == [-1.5, 0.0, 0.0, 2.0]


def test_prod_jvp_with_zeros():
    assert jvp(cr.prod, [2.0, 0.0, 3.0, -1.5], [0.5, -1.0, 2.0, 1.0]) == 9.0
    assert jvp(lambda x: cr.prod(x, 0), [[2.0, 0.0], [0.0, 0.0], [3.0, 4.0]],
               [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]) == [18.0, 0.0]


CUMPROD_W = [1.0, -2.0, 0.5, 3.0]


def _weighted_cumprod(x):
    return cr.cumprod(x, 0) * t(CUMPROD_W)


def test_cumprod_with_zeros():
    x = [2.0, 0.0, 3.0, 0.0]
    assert grad(_weighted_cumprod, x) == [1.0, -1.0, 0.0, 0.0]
    assert hessian(_weighted_cumprod, x) == [
        [0.0, -0.5, 0.0, 0.0], [-0.5, 0.0, 1.0, 18.0], [0.0, 1.0, 0.0, 0.0],
        [0.0, 18.0, 0.0, 0.0]]
    assert jvp(lambda v: cr.cumprod(v, 0), x, [1.0, 2.0, 3.0, 4.0]) == [1.0, 4.0, 12.0, 0.0]


def test_cumprod_hessian_by_forward_over_reverse():
    x = t([2.0, 0.0, 3.0, 0.0], requires_grad=True)
    v = t([0.3, -1.0, 2.0, 0.5])
    with fwAD.dual_level():
        xd = fwAD.make_dual(x, v)
        (g,) = cr.autograd.grad(_weighted_cumprod(xd).sum(), xd, create_graph=True)
        hv = fwAD.unpack_dual(g).tangent
    h = np.array([[0.0, -0.5, 0.0, 0.0], [-0.5, 0.0, 1.0, 18.0], [0.0, 1.0, 0.0, 0.0],
                  [0.0, 18.0, 0.0, 0.0]])
    close(hv.tolist(), h @ v.numpy())


# --- norms ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("p", [2, "fro", 1, 3, 1.5, 0.5, float("inf")])
def test_norm_derivative_at_zero_is_zero(p):
    assert grad(lambda x: cr.norm(x, p), [0.0, 0.0, 0.0]) == [0.0, 0.0, 0.0]
    assert jvp(lambda x: cr.norm(x, p), [0.0, 0.0, 0.0], [1.0, 2.0, -3.0]) == 0.0


def test_norm_zero_row_and_p0():
    assert grad(lambda x: cr.norm(x, dim=1), [[0.0, 0.0], [3.0, 4.0]]) == [[0.0, 0.0],
                                                                          [0.6, 0.8]]
    x = t([0.0, 2.0, 0.0, -1.0], requires_grad=True)
    y = cr.norm(x, 0)
    assert y.item() == 2.0
    y.backward()
    assert x.grad is None  # p = 0 has no gradient at all (as PyTorch)


def test_norm_second_derivative_at_zero_is_finite():
    # PyTorch's Hessian here is nan; chainrule keeps the subgradient 0 (documented difference)
    assert hessian(cr.norm, [0.0, 0.0]) == [[0.0, 0.0], [0.0, 0.0]]


def test_norm_values():
    x = t([0.0, 2.0, -2.0])
    for p, want in [(2, 2.8284271247461903), (1, 4.0), (3, 2.5198420997897464),
                    (1.5, 3.1748021039363987), (0.5, 8.000000000000002),
                    (float("inf"), 2.0), (-float("inf"), 0.0), (0, 2.0), (-1, 0.0)]:
        assert cr.norm(x, p).item() == pytest.approx(want, rel=1e-14), p
    assert grad(lambda v: cr.norm(v, float("inf")), [0.0, 2.0, -2.0]) == [0.0, 0.5, -0.5]


def test_nuclear_norm():
    x = t([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    y = cr.norm(x, "nuc")
    assert y.item() == pytest.approx(5.8309518948453, rel=1e-13)
    y.backward()
    close(x.grad.tolist(), [[-0.5144957554275266, 0.8574929257125443],
                            [0.8574929257125443, 0.5144957554275266]])
    with pytest.raises(RuntimeError, match="2-tuple"):
        cr.norm(cr.ones(2, 2, 2), "nuc")


# --- ties -----------------------------------------------------------------------------------------

def test_full_reductions_share_ties_evenly():
    third = 1 / 3
    assert grad(cr.max, [1.0, 3.0, 3.0, 3.0]) == [0.0, third, third, third]
    assert jvp(cr.max, [1.0, 3.0, 3.0, 3.0], [1.0, 2.0, 3.0, 7.0]) == 4.0
    assert grad(cr.min, [[1.0, 3.0], [1.0, 2.0]]) == [[0.5, 0.0], [0.5, 0.0]]
    assert jvp(lambda x: cr.amax(x, 1), [[3.0, 1.0, 3.0], [2.0, 2.0, 0.0]],
               [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]) == [2.0, 4.5]
    assert grad(lambda x: sum(cr.aminmax(x)), [[3.0, 1.0, 3.0], [1.0, 2.0, 0.5]]) == [
        [0.5, 0.0, 0.5], [0.0, 0.0, 1.0]]
    assert grad(cr.median, [1.0, 3.0, 3.0, 3.0, 0.0]) == [0.0, third, third, third, 0.0]
    assert jvp(cr.median, [1.0, 3.0, 3.0, 3.0, 0.0], [1.0, 2.0, 3.0, 4.0, 5.0]) == 3.0


def test_dim_reductions_send_ties_to_the_returned_index():
    x = [[3.0, 1.0, 3.0], [2.0, 2.0, 0.0]]
    assert cr.max(t(x), 1).indices.tolist() == [0, 0]
    assert grad(lambda v: cr.max(v, 1).values, x) == [[1.0, 0.0, 0.0], [1.0, 0.0, 0.0]]
    assert jvp(lambda v: cr.max(v, 1).values, x, [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]) == [1.0,
                                                                                           4.0]
    m = [[1.0, 3.0, 3.0, 2.0, 3.0], [3.0, 1.0, 2.0, 1.0, 0.0]]
    assert cr.median(t(m), 1).indices.tolist() == [1, 3]
    assert grad(lambda v: cr.median(v, 1).values, m) == [[0.0, 1.0, 0.0, 0.0, 0.0],
                                                          [0.0, 0.0, 0.0, 1.0, 0.0]]


def test_median_with_nans():
    x = t([[NAN, 3.0, 1.0, NAN, 2.0], [NAN] * 5])
    values, indices = cr.nanmedian(x, 1)
    assert values.tolist()[0] == 2.0 and np.isnan(values.tolist()[1])
    assert indices.tolist() == [4, 2]
    values, indices = cr.median(t([[NAN, 3.0, 1.0, NAN, 2.0], [1.0, 2.0, 3.0, 4.0, 5.0]]), 1)
    assert np.isnan(values.tolist()[0]) and values.tolist()[1] == 3.0
    assert indices.tolist() == [0, 2]


def test_kthvalue_ties_follow_pytorchs_quickselect():
    cases = [([1.0, 1.0, 1.0, 1.0, 1.0], 3), ([2.0, 1.0, 2.0, 1.0, 2.0, 1.0], 2),
             ([0.0, 3.0, 3.0, 0.0, 3.0, 0.0, 3.0], 5), ([5.0, 5.0, 1.0, 5.0, 1.0, 1.0, 5.0, 5.0], 6)]
    assert [cr.kthvalue(t(r), k).indices.item() for r, k in cases] == [0, 3, 1, 0]
    # batched: the tie rows take the quickselect path, the others the vectorized one
    x = t([[2.0, 1.0, 2.0, 1.0, 2.0, 1.0], [6.0, 5.0, 4.0, 3.0, 2.0, 1.0]])
    assert cr.kthvalue(x, 2, 1).indices.tolist() == [3, 4]


def test_mode_is_the_smallest_most_frequent_value_at_its_last_index():
    got = [tuple(v.item() for v in cr.mode(t(r)))
           for r in [[1.0, 2.0, 2.0, 3.0, 3.0, 1.0, 1.0], [2.0, 3.0, 3.0, 2.0],
                     [4.0, 4.0, 1.0, 1.0, 1.0, 4.0]]]
    assert got == [(1.0, 6), (2.0, 3), (1.0, 4)]
    assert grad(lambda v: cr.mode(v).values, [2.0, 3.0, 3.0, 2.0]) == [0.0, 0.0, 0.0, 1.0]


def test_cummax_ties_and_nans_move_the_index_forward():
    x = t([1.0, 3.0, 3.0, 2.0, 3.0, NAN, 1.0, NAN])
    assert cr.cummax(x, 0).indices.tolist() == [0, 1, 2, 2, 4, 5, 5, 7]
    assert cr.cummin(t([1.0, 0.0, 0.0, 2.0, 0.0]), 0).indices.tolist() == [0, 1, 2, 2, 4]
    w = t([1.0, 2.0, 3.0, 4.0, 5.0])
    assert grad(lambda v: cr.cummax(v, 0).values * w, [1.0, 3.0, 3.0, 2.0, 3.0]) == [
        1.0, 2.0, 7.0, 0.0, 5.0]


def test_sort_is_stable_with_nan_largest():
    x = t([2.0, 1.0, 2.0, NAN, 1.0, float("inf")])
    assert cr.sort(x, descending=True, stable=True).indices.tolist() == [3, 5, 0, 2, 1, 4]
    assert cr.sort(x, stable=True).indices.tolist() == [1, 4, 0, 2, 5, 3]
    assert cr.argsort(x, descending=True).tolist() == [3, 5, 0, 2, 1, 4]
    w = t([1.0, 2.0, 3.0, 4.0])
    assert grad(lambda v: cr.sort(v, stable=True).values * w, [2.0, 1.0, 2.0, 0.0]) == [
        3.0, 2.0, 4.0, 1.0]


# --- var / std ------------------------------------------------------------------------------------

def test_std_gradient_is_zero_at_a_constant_input():
    assert grad(cr.std, [1.0, 1.0, 1.0]) == [0.0, 0.0, 0.0]
    assert jvp(cr.std, [1.0, 1.0, 1.0], [1.0, 2.0, 3.0]) == 0.0
    close(grad(lambda x: cr.std(x, 1), [[2.0, 2.0], [1.0, 3.0]]),
          [[0.0, 0.0], [-0.7071067811865475, 0.7071067811865475]])


def test_var_without_degrees_of_freedom_is_nan():
    with pytest.warns(UserWarning, match="degrees of freedom"):
        assert np.isnan(grad(cr.var, [1.0])[0])
    with pytest.warns(UserWarning, match="degrees of freedom"):
        assert cr.var(t([1.0, 2.0]), correction=2).item() == float("inf")
    assert grad(lambda x: cr.std(x, correction=0), [1.0]) == [0.0]


def test_var_argument_forms():
    x = t([[1.0, 2.0, 4.0], [0.5, 0.5, 3.0]])
    full = cr.var(x).item()
    assert cr.var(x, True).item() == full
    assert cr.var(x, False).item() == pytest.approx(full * 5 / 6, rel=1e-15)
    assert cr.var(x, 1, False, True).shape == (2, 1)
    assert cr.var(x, dim=1, correction=0).tolist() == cr.var(x, 1, unbiased=False).tolist()
    assert cr.var(x, keepdim=True).shape == (1, 1)
    std, mean = cr.std_mean(x, dim=1, keepdim=True)
    assert std.shape == mean.shape == (2, 1)
    assert mean.tolist() == [[7 / 3], [4 / 3]]
    with pytest.raises(TypeError):
        cr.var(x, unbiased=True, correction=1)
    with pytest.raises(RuntimeError, match="floating point"):
        cr.var(cr.tensor([1, 2, 3]))


# --- logsumexp family at |x| = 1e4 -------------------------------------------------------------

BIG = [1e4, -1e4, 0.0, 9999.5]


def test_logcumsumexp_stable_at_1e4():
    x = t(BIG, requires_grad=True)
    y = cr.logcumsumexp(x, 0)
    close(y.tolist(), [10000.0, 10000.0, 10000.0, 10000.474076984181])
    (g,) = cr.autograd.grad((y * t([1.0, -2.0, 3.0, 0.5])).sum(), x, create_graph=True)
    close(g.tolist(), [2.3112296656013047, 0.0, 0.0, 0.18877033439886953])
    (gg,) = cr.autograd.grad((g * t([1.0, 2.0, 3.0, 4.0])).sum(), x)
    close(gg.tolist(), [-0.35250556830119617, 0.0, 0.0, 0.35250556830225543], rtol=1e-9)
    close(jvp(lambda v: cr.logcumsumexp(v, 0), BIG, [1.0, 2.0, 3.0, 4.0]),
          [0.9999999999999001, 0.9999999999999001, 0.9999999999999001, 2.1326220063943038])
    x32 = t(BIG, dtype=cr.float32, requires_grad=True)
    cr.logcumsumexp(x32, 0).sum().backward()
    assert np.all(np.isfinite(x32.grad.numpy()))


def test_logsumexp_softmax_jvps_at_1e4():
    tangent = [1.0, 2.0, 3.0, 4.0]
    close(jvp(lambda v: cr.logsumexp(v, 0), BIG, tangent), 2.132622006394436)
    close(jvp(lambda v: cr.softmax(v, 0), BIG, tangent),
          [-0.7050111366047834, 0.0, 0.0, 0.7050111366047835])
    close(jvp(lambda v: cr.log_softmax(v, 0), BIG, tangent),
          [-1.132622006394436, -0.1326220063944361, 0.8673779936055639, 1.867377993605564])


def test_softmax_dtype_argument():
    x = cr.tensor([1.0, 2.0])
    assert cr.softmax(x, 0, dtype=cr.float64).dtype == F64
    assert cr.log_softmax(x, 0, dtype=cr.float64).dtype == F64
    close(cr.softmax(cr.tensor([1, 2]), 0, cr.float64).tolist(), [0.2689414213699951,
                                                                  0.7310585786300049])


# --- other values from PyTorch -------------------------------------------------------------------

def test_quantile_and_renorm_gradients():
    close(grad(lambda x: cr.quantile(x, t([0.3, 0.75])), [3.0, 1.0, 4.0, 1.5, 9.0, 2.6]),
          [0.25, 0.0, 0.75, 0.5, 0.0, 0.5])
    out = cr.nanquantile(t([[NAN, 1.0, 3.0, 2.0], [NAN] * 4]), 0.4, dim=1).tolist()
    assert out[0] == pytest.approx(1.8, rel=1e-15) and np.isnan(out[1])
    w = t([[1.0, 2.0], [3.0, 4.0]])
    close(grad(lambda x: cr.renorm(x, 2, 0, 1.5) * w, [[1.0, 2.0], [0.3, 0.4]]),
          [[2.999999728727612e-08, 5.999999457455224e-08], [3.0, 4.0]], rtol=1e-6)


def test_result_dtypes():
    ints = cr.tensor([1, 2, 3], dtype=cr.int32)
    assert cr.prod(ints).dtype == cr.int64
    assert cr.prod(cr.tensor([True, False])).dtype == cr.int64
    assert cr.cumsum(ints, 0).dtype == cr.int64
    assert cr.cumprod(cr.tensor([True, True]), 0).dtype == cr.int64
    assert cr.cumsum(cr.tensor([1.0, 2.0]), 0, dtype=F64).dtype == F64
    assert cr.nansum(cr.tensor([True, True])).tolist() == 2
    assert cr.count_nonzero(cr.tensor([[1, 0], [2, 3]]), dim=(0, 1)).tolist() == 3
    assert cr.count_nonzero(cr.tensor([[1, 0], [2, 3]]), 0).tolist() == [2, 1]
    assert cr.all(cr.tensor([[1, 0], [2, 3]]), dim=(0, 1)).tolist() is False
    assert cr.any(cr.tensor([[1, 0], [2, 3]], dtype=cr.uint8), 1).dtype == cr.uint8
    assert cr.all(cr.tensor([[1.0, 2.0]]), keepdim=True).shape == (1, 1)
    assert cr.median(cr.tensor([1, 2, 3, 4])).tolist() == 2
    assert cr.diff(cr.tensor([True, False, False])).tolist() == [True, False]
    assert cr.diff(cr.tensor([1, 2]), append=cr.tensor([1.5])).dtype == cr.float32


def test_named_tuple_results():
    x = cr.tensor([[3.0, 1.0], [0.0, 2.0]])
    for name, res in [("max", cr.max(x, 1)), ("min", x.min(0)), ("sort", x.sort()),
                      ("topk", cr.topk(x, 1)), ("kthvalue", x.kthvalue(1)),
                      ("median", cr.median(x, 0)), ("nanmedian", x.nanmedian(1)),
                      ("mode", cr.mode(x)), ("cummax", x.cummax(0)), ("cummin", cr.cummin(x, 1))]:
        values, indices = res
        assert res.values is values and res.indices is indices
        assert repr(res).startswith(f"torch.return_types.{name}(\nvalues=tensor(")
    mm = cr.aminmax(x, dim=0)
    assert mm.min.tolist() == [0.0, 1.0] and mm.max.tolist() == [3.0, 2.0]
    assert repr(mm).startswith("torch.return_types.aminmax(\nmin=tensor(")


def test_grad_fn_names():
    x = t([1.0, 2.0, 3.0], requires_grad=True)
    names = {
        "SortBackward0": cr.sort(x).values, "TopkBackward0": cr.topk(x, 2).values,
        "KthvalueBackward0": cr.kthvalue(x, 2).values, "MedianBackward0": cr.median(x),
        "MedianBackward1": cr.median(x, 0).values, "NanmedianBackward0": cr.nanmedian(x),
        "ModeBackward0": cr.mode(x).values, "CummaxBackward0": cr.cummax(x, 0).values,
        "CumsumBackward0": cr.cumsum(x, 0), "CumprodBackward0": cr.cumprod(x, 0),
        "LogcumsumexpBackward0": cr.logcumsumexp(x, 0), "ProdBackward0": cr.prod(x),
        "ProdBackward1": cr.prod(x, 0), "VarBackward0": cr.var(x), "StdBackward0": cr.std(x),
        "LinalgVectorNormBackward0": cr.norm(x), "DistBackward0": cr.dist(x, x * 2),
        "NansumBackward0": cr.nansum(x), "AminmaxBackward0": cr.aminmax(x).min,
    }
    for name, out in names.items():
        assert out.grad_fn.name() == name


def test_tensor_methods_and_inplace():
    x = cr.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert x.prod().item() == 24.0
    assert x.cumsum(1).tolist() == [[1.0, 3.0], [3.0, 7.0]]
    y = x.clone()
    assert y.cumsum_(0) is y and y.tolist() == [[1.0, 2.0], [4.0, 6.0]]
    y.cumprod_(1)
    assert y.tolist() == [[1.0, 2.0], [4.0, 24.0]]
    assert x.norm().item() == pytest.approx(30 ** 0.5, rel=1e-7)
    assert x.msort().tolist() == [[1.0, 2.0], [3.0, 4.0]]
    assert x.argsort(0, True).tolist() == [[1, 1], [0, 0]]
    assert x.diff(dim=0).tolist() == [[2.0, 2.0]]
    z = x.clone()
    z.renorm_(1, 0, 3.0)
    close(z.tolist(), [[1.0, 2.0], [3.0 * 3 / (7 + 1e-7), 4.0 * 3 / (7 + 1e-7)]], rtol=1e-6)
    assert x.count_nonzero().item() == 4
    assert x.quantile(0.5).item() == 2.5
    assert x.logcumsumexp(0).shape == (2, 2)


def test_inplace_cumsum_records_the_gradient():
    a = t([1.0, 2.0, 3.0], requires_grad=True)
    b = a * 2
    b.cumsum_(0)
    (b * t([1.0, 0.0, 1.0])).sum().backward()
    assert a.grad.tolist() == [4.0, 2.0, 2.0]


ERRORS = [
    (lambda: cr.topk(cr.ones(2, 3), 4), RuntimeError, "k out of range"),
    (lambda: cr.kthvalue(cr.ones(2, 3), 0), RuntimeError, "k out of range"),
    (lambda: cr.diff(cr.tensor(2.0)), RuntimeError, "at least one-dimensional"),
    (lambda: cr.diff(cr.ones(3), n=-1), RuntimeError, "non-negative"),
    (lambda: cr.diff(cr.ones(2, 3), prepend=cr.tensor(0.0)), RuntimeError, "same dimension"),
    (lambda: cr.norm(cr.tensor([1, 2])), RuntimeError, "floating point"),
    (lambda: cr.norm(cr.zeros(0), float("inf")), RuntimeError, "empty tensor"),
    (lambda: cr.norm(cr.ones(2, 2, 2), "fro", dim=(0, 1, 2)), RuntimeError, "2-tuple"),
    (lambda: cr.norm(cr.ones(2), "xyz"), RuntimeError, "only valid string values"),
    (lambda: cr.quantile(cr.ones(3), 1.2), RuntimeError, "range \\[0, 1\\]"),
    (lambda: cr.quantile(cr.tensor([1, 2]), 0.5), RuntimeError, "float or double"),
    (lambda: cr.quantile(cr.ones(3), cr.tensor([0.5], dtype=F64)), RuntimeError, "same dtype"),
    (lambda: cr.renorm(cr.ones(2, 3), 0, 0, 1.0), RuntimeError, "non-positive-norm"),
    (lambda: cr.renorm(cr.ones(3), 2, 0, 1.0), RuntimeError, "at least 2 dimensions"),
    (lambda: cr.aminmax(cr.zeros(0)), RuntimeError, "empty dimension"),
    (lambda: cr.mode(cr.zeros(2, 0), 1), IndexError, "non-zero size"),
    (lambda: cr.median(cr.zeros(2, 0), 1), IndexError, "non-zero size"),
    (lambda: cr.amax(cr.zeros(2, 0), (0, 1)), IndexError, "non-zero size"),
    (lambda: cr.amax(cr.zeros(2, 0)), RuntimeError, "numel\\(\\) == 0"),
    (lambda: cr.logcumsumexp(cr.tensor([1, 2]), 0), NotImplementedError, "Long"),
    (lambda: cr.nanmean(cr.tensor([1, 2])), RuntimeError, "floating point"),
    (lambda: cr.prod(cr.ones(2, 3), (0, 1)), TypeError, "int"),
    (lambda: cr.sort(cr.ones(2, 3), 2), IndexError, "range"),
]


@pytest.mark.parametrize("fn, error, pattern", ERRORS, ids=[f"error{i}" for i in
                                                            range(len(ERRORS))])
def test_errors(fn, error, pattern):
    with pytest.raises(error, match=pattern):
        fn()
