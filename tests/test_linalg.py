"""chainrule.linalg and the matrix products beyond the op table: error types and messages (PyTorch's
wording), behaviour at singular and degenerate inputs (docs/linalg.md), einsum parsing, named
tuples, Tensor methods, and values / gradients pasted from PyTorch 2.13 for pinned inputs.

The gradients and JVPs of every op on well-conditioned inputs are checked by the op table
(tests/op_table_linalg.py)."""

import warnings

import numpy as np
import pytest

import chainrule as cr
import chainrule.autograd.forward_ad as fwAD
from chainrule.func import vmap

L = cr.linalg
D = cr.float64
INF = float("inf")


def t(v, requires_grad=False):
    return cr.tensor(v, dtype=D, requires_grad=requires_grad)


def grad(fn, value, create_graph=False):
    x = t(value, True)
    (g,) = cr.autograd.grad(fn(x), x, create_graph=create_graph)
    return g


def close(a, b, tol=1e-12):
    np.testing.assert_allclose(np.asarray(a._data if isinstance(a, cr.Tensor) else a),
                               np.asarray(b, dtype=float), rtol=tol, atol=tol)


SINGULAR = [[1.0, 2.0], [2.0, 4.0]]


# --- errors ------------------------------------------------------------------------------------------


def test_linalg_error_is_a_runtime_error_and_names_the_pivot():
    assert issubclass(L.LinAlgError, RuntimeError)
    a = t(SINGULAR, True)
    with pytest.raises(L.LinAlgError, match=r"^linalg.inv: The diagonal element 2 is zero, the "
                       r"inversion could not be completed because the input matrix is singular"):
        L.inv(a)
    batch = cr.stack([cr.eye(2, dtype=D), t(SINGULAR)])
    with pytest.raises(L.LinAlgError, match=r"linalg.inv: \(Batch element 1\): The diagonal "
                       "element 2 is zero"):
        L.inv(batch)
    with pytest.raises(L.LinAlgError, match=r"linalg.inv: The diagonal element 1 is zero"):
        cr.inverse(t([[0.0, 0.0], [0.0, 0.0]]))
    assert a.grad is None and a._version == 0


def test_solve_and_cholesky_failures_raise_linalg_error():
    with pytest.raises(L.LinAlgError, match=r"^torch.linalg.solve: The solver failed because "
                       "the input matrix is singular."):
        L.solve(t(SINGULAR), t([1.0, 1.0]))
    batch = cr.stack([cr.eye(2, dtype=D), t(SINGULAR)])
    with pytest.raises(L.LinAlgError, match=r"\(Batch element 1\): The solver failed"):
        L.solve(batch, cr.ones(2, 2, dtype=D))
    not_pd = t([[1.0, 2.0], [2.0, 1.0]])
    with pytest.raises(L.LinAlgError, match=r"linalg.cholesky: The factorization could not be "
                       r"completed because the input is not positive-definite \(the leading "
                       r"minor of order 2 is not positive-definite\)."):
        L.cholesky(not_pd)
    with pytest.raises(L.LinAlgError, match=r"\(Batch element 2\).*minor of order 1"):
        L.cholesky(cr.stack([cr.eye(2, dtype=D), cr.eye(2, dtype=D), -cr.eye(2, dtype=D)]))
    with pytest.raises(L.LinAlgError, match="linalg.cholesky_ex"):
        L.cholesky_ex(not_pd, check_errors=True)
    with pytest.raises(L.LinAlgError, match="linalg.matrix_power|linalg.inv"):
        L.matrix_power(t(SINGULAR), -1)


@pytest.mark.parametrize("fn, name", [
    (L.inv, "linalg.inv"), (L.det, "linalg.det"), (L.eigh, "linalg.eigh"),
    (L.cholesky, "linalg.cholesky"), (L.slogdet, "linalg.slogdet"),
    (L.matrix_exp, "linalg.matrix_exp"), (lambda a: L.matrix_power(a, 2), "linalg.matrix_power"),
    (L.eigvalsh, "linalg.eigvalsh"), (lambda a: L.solve(a, cr.ones(2, dtype=D)), "linalg.solve"),
])
def test_square_input_checks(fn, name):
    with pytest.raises(RuntimeError, match=rf"^{name}: A must be batches of square matrices, but "
                       "they are 2 by 3 matrices"):
        fn(cr.ones(2, 3, dtype=D))
    with pytest.raises(RuntimeError, match=rf"^{name}: The input tensor A must have at least 2 "
                       "dimensions."):
        fn(cr.ones(3, dtype=D))


@pytest.mark.parametrize("fn, name", [
    (L.inv, "linalg.inv"), (L.det, "linalg.det"), (L.cholesky, "linalg.cholesky"),
    (lambda a: L.solve(a, a), "linalg.solve"), (L.vector_norm, "linalg.vector_norm"),
    (L.svd, "linalg.svd"), (L.qr, "linalg.qr"), (L.matrix_exp, "linalg.matrix_exp"),
])
def test_integer_inputs_are_rejected(fn, name):
    with pytest.raises(RuntimeError, match=rf"{name}: Expected a floating point or complex "
                       "tensor as .*Got Long"):
        fn(cr.ones(2, 2, dtype=cr.int64))


def test_solve_shape_and_dtype_messages():
    a = cr.eye(2, dtype=D)
    with pytest.raises(RuntimeError, match=r"Incompatible shapes of A and B for the equation "
                       r"AX = B \(2x2 and 3x1\)"):
        L.solve(a, cr.ones(3, dtype=D))
    with pytest.raises(RuntimeError, match=r"equation XA = B \(2x2 and 2x1\)"):
        L.solve(a.expand(3, 2, 2), cr.ones(2, dtype=D), left=False)
    with pytest.raises(RuntimeError, match=r"The size of tensor a \(4\) must match the size of "
                       r"tensor b \(3\) at non-singleton dimension 0"):
        L.solve(a.expand(3, 2, 2), cr.ones(4, 2, 1, dtype=D))
    with pytest.raises(RuntimeError, match="Expected A and B to have the same dtype, but found A "
                       "of type Double and B of type Float instead"):
        L.solve(a, cr.ones(2))
    with pytest.raises(RuntimeError, match="solve_triangular: The input tensor B must have at "
                       "least 2 dimensions"):
        L.solve_triangular(a, cr.ones(2, dtype=D), upper=True)


def test_solve_vector_rule_follows_pytorch():
    a = cr.eye(2, dtype=D).expand(3, 2, 2)
    assert L.solve(a, cr.ones(3, 2, dtype=D)).shape == (3, 2)  # B = A.shape[:-1]: vectors
    assert L.solve(a, cr.ones(2, 3, dtype=D)).shape == (3, 2, 3)  # a matrix, broadcast
    assert L.solve(a, cr.ones(2, dtype=D)).shape == (3, 2)
    assert L.solve(cr.eye(2, dtype=D), cr.ones(4, 3, 2, dtype=D), left=False).shape == (4, 3, 2)


@pytest.mark.parametrize("expr, pattern", [
    ("cr.mm(cr.ones(2, 3), cr.ones(2, 2))", (r"mat1 and mat2 shapes cannot be multiplied \(2x3 "
     r"and 2x2\)")),
    ("cr.mm(cr.ones(2, 2), cr.ones(2, 2, dtype=cr.float64))", ("expected m1 and m2 to have the "
     "same dtype, but got: float != double")),
    ("cr.mm(cr.ones(2), cr.ones(2, 2))", "self must be a matrix"),
    ("cr.mv(cr.ones(2, 3), cr.ones(2))", (r"size mismatch, got input \(2\), mat \(2x3\), vec "
     r"\(2\)")),
    ("cr.dot(cr.ones(2), cr.ones(2, dtype=cr.float64))", ("dot : expected both vectors to have "
     "same dtype, but found Float and Double")),
    ("cr.dot(cr.ones(2, 2), cr.ones(2))", "1D tensors expected, but got 2D and 1D tensors"),
    ("cr.vdot(cr.ones(2), cr.ones(3))", (r"inconsistent tensor size, expected tensor \[2\] and "
     r"src \[3\]")),
    ("cr.bmm(cr.ones(2, 2, 3), cr.ones(2, 2, 3))", (r"Expected size for first two dimensions of "
     r"batch2 tensor to be: \[2, 3\] but got: \[2, 2\].")),
    ("cr.inner(cr.ones(2, 3), cr.ones(4))", (r"inner\(\) the last dimension must match on both "
     r"input tensors but got shapes \[2, 3\] and \[4\]")),
    ("cr.tensordot(cr.ones(2, 3), cr.ones(4, 2), dims=1)", ("contracted dimensions need to match, "
     "but first has size 3 in dim -1 and second has size 4 in dim 0")),
    ("cr.tensordot(cr.ones(2, 3), cr.ones(3, 2), dims=-1)", "tensordot expects dims >= 0"),
    ("cr.tensordot(cr.ones(2, 3), cr.ones(3, 2, dtype=cr.float64), dims=1)",
     "both inputs should have same dtype"),
    ("cr.tensordot(cr.ones(2, 3, 4), cr.ones(4, 3), dims=([1, 2], [1]))",
     "both dimension lists should have same length"),
    ("L.cross(cr.ones(3, 2), cr.ones(3, 2))", ("linalg.cross: inputs dimension -1 must have "
     "length 3. Got 2 and 2")),
    ("L.cross(cr.ones(2, 3), cr.ones(4, 1, 3))", "inputs must have the same number of dimensions"),
    ("cr.cdist(cr.ones(2, 3), cr.ones(4, 2))", ("X1 and X2 must have the same number of columns. "
     "X1: 3 X2: 2")),
    ("cr.cdist(cr.ones(3), cr.ones(4, 3))", "cdist only supports at least 2D tensors, X1 got: 1D"),
    ("L.multi_dot([cr.ones(3, 2)])", r"multi_dot\(\): expected at least 2 tensors but got 1"),
    ("L.multi_dot([cr.ones(3, 2), cr.ones(3, 2)])", (r"multi_dot\(\): tensors 0 and 1 with shapes "
     r"\[3, 2\] and \[3, 2\] cannot be multiplied")),
    ("L.multi_dot([cr.ones(3, 2), cr.ones(2), cr.ones(2, 2)])", "tensor 1 must be 2D but got 1D"),
    ("cr.addmm(cr.ones(3, dtype=cr.float64), cr.ones(2, 2), cr.ones(2, 3))", "same dtype"),
    ("L.eigh(cr.eye(2), UPLO='X')", "Expected UPLO argument to be 'L' or 'U', but got X"),
    ("L.qr(cr.ones(2, 2), mode='x')", ("qr received unrecognized mode 'x' but expected one of "
     "'reduced' \\(default\\), 'r', or 'complete'")),
    ("L.matrix_norm(cr.ones(2, 2), 3)", "linalg.matrix_norm: Order 3 not supported."),
    ("L.matrix_norm(cr.ones(2, 3, 4), dim=(0, 0))", r"dims must be different. Got \(0, 0\)"),
    ("L.norm(cr.ones(2, 3, 4), 2)", ("If dim is not specified but ord is, the input must be 1D or "
     "2D. Got 3D.")),
    ("L.norm(cr.ones(2, 3, 4), dim=(0, 1, 2))", r"must be of length 1 or 2. Got \[0, 1, 2\]"),
    ("L.vector_norm(cr.ones(0), INF)", "cannot compute the inf norm on an empty tensor"),
    ("L.vector_norm(cr.ones(2, dtype=cr.float64), dtype=cr.float32)", ("should be convertible "
     r"without narrowing to the specified dtype \(Float\)")),
    ("L.lstsq(cr.ones(3, 2), cr.ones(3), driver='foo')", "parameter `driver` should be one of"),
    ("L.lstsq(cr.ones(3, 2), cr.ones(4, 1))", r"input.size\(-2\) should match other.size\(-2\)"),
    ("L.pinv(cr.ones(2, 3, dtype=cr.int64))", (r"linalg.pinv\(Long\{\[2, 3\]\}\): expected a "
     "tensor with 2 or more dimensions of float")),
])
def test_error_messages(expr, pattern):
    with pytest.raises(RuntimeError, match=pattern):
        eval(expr)


def test_type_errors():
    with pytest.raises(TypeError, match=r"argument 'n' \(position 2\) must be int, not float"):
        L.matrix_power(cr.eye(2), 2.0)
    with pytest.raises(TypeError, match="argument 'ord' .* must be Number, not str"):
        L.vector_norm(cr.ones(2), "fro")


def test_non_differentiable_modes_raise_in_backward():
    a = t(np.random.default_rng(0).normal(size=(3, 2)), True)
    r = L.qr(a, mode="r")
    assert r.Q.shape == (0,) and r.R.shape == (2, 2)
    with pytest.raises(RuntimeError, match="depends on Q, which is not computed when mode='r'"):
        r.R.sum().backward()
    with pytest.raises(RuntimeError, match="not differentiable when mode='complete' and nrows > "
                       "ncols"):
        L.qr(a, mode="complete").R.sum().backward()
    assert a.grad is None


# --- einsum parsing ---------------------------------------------------------------------------------


def test_einsum_forms_agree():
    rng = np.random.default_rng(1)
    x, y = t(rng.normal(size=(2, 3))), t(rng.normal(size=(3, 4)))
    want = x._data @ y._data
    for out in (cr.einsum("ij,jk->ik", x, y), cr.einsum("ij,jk", x, y),
                cr.einsum(" i j , j k -> i k ", x, y), cr.einsum("ij,jk", [x, y]),
                cr.einsum(x, [0, 1], y, [1, 2], [0, 2]), cr.einsum(x, [0, 1], y, [1, 2])):
        close(out, want)


def test_einsum_implicit_output_and_ellipsis():
    # implicit output: labels used once, sorted with upper case first (PyTorch and NumPy)
    assert cr.einsum("ba", cr.ones(2, 3)).shape == (3, 2)
    assert cr.einsum("aB", cr.ones(2, 3)).shape == (3, 2)
    assert cr.einsum("Ba,a", cr.ones(2, 3), cr.ones(3)).shape == (2,)
    assert cr.einsum("bi,i...", cr.ones(2, 3), cr.ones(3, 5)).shape == (5, 2)
    assert cr.einsum(cr.ones(2, 3), [30, 0]).shape == (3, 2)  # sublists sort by label number
    assert cr.einsum(cr.ones(2, 3), [0, 30]).shape == (2, 3)
    # ellipsis dims broadcast, go first in implicit mode, are summed when the output omits them
    assert cr.einsum("...ij,...jk", cr.ones(5, 1, 2, 3), cr.ones(4, 3, 4)).shape == (5, 4, 2, 4)
    assert cr.einsum("i...->...", cr.ones(2, 3)).shape == (3,)
    close(cr.einsum("...i->", t([[1.0, 2.0], [3.0, 4.0]])), 10.0)
    close(cr.einsum("i->", cr.ones(2, dtype=D)), 2.0)
    close(cr.einsum(",->", t(2.0), t(3.0)), 6.0)
    # a labelled size-1 dim broadcasts, and its gradient is summed back
    x = t([[1.0], [2.0]], True)
    cr.einsum("ij,jk", x, cr.ones(3, 4, dtype=D)).sum().backward()
    close(x.grad, [[12.0], [12.0]])


def test_einsum_integer_and_values_from_pytorch():
    out = cr.einsum("bn,anm,bm->ba", cr.arange(6.0).reshape(2, 3),
                    cr.arange(24.0).reshape(4, 3, 2), cr.arange(4.0).reshape(2, 2))
    assert out.tolist() == [[13.0, 31.0, 49.0, 67.0], [176.0, 536.0, 896.0, 1256.0]]
    ints = cr.einsum("ij,jk", cr.ones(2, 3, dtype=cr.int64), cr.ones(3, 4, dtype=cr.int64))
    assert ints.dtype == cr.int64 and ints.tolist() == [[3] * 4] * 2
    assert grad(lambda x: cr.einsum("ii->", x), [[1.0, 2.0], [3.0, 4.0]]).tolist() == [
        [1.0, 0.0], [0.0, 1.0]]


@pytest.mark.parametrize("args, pattern", [
    (("i1,i", cr.ones(2), cr.ones(2)), ("invalid subscript given at index 1 in the equation "
     r"string, subscripts must be in \[a-zA-Z\]")),
    (("i..,i", cr.ones(2), cr.ones(2)), ("found '.' for operand 0 that is not part of any "
     "ellipsis")),
    (("...i...", cr.ones(2)), "found '.' for operand 0 for which an ellipsis was already found"),
    (("ij,jk->ik", cr.ones(2, 3), cr.ones(4, 4)), ("subscript j has size 4 for operand 1 which "
     "does not broadcast with previously seen size 3")),
    (("ii", cr.ones(2, 3)), (r"subscript i is repeated for operand 0 but the sizes don't match, "
     "3 != 2")),
    (("i", cr.ones(2, 3)), (r"the number of subscripts in the equation \(1\) does not match the "
     r"number of dimensions \(2\) for operand 0 and no ellipsis was given")),
    (("ijk...", cr.ones(2, 3)), (r"the number of subscripts in the equation \(3\) is more than "
     r"the number of dimensions \(2\)")),
    (("ij,jk->ikk", cr.ones(2, 3), cr.ones(3, 4)), "output subscript k appears more than once"),
    (("ij,jk->iz", cr.ones(2, 3), cr.ones(3, 4)), ("output subscript z does not appear in the "
     "equation for any input operand")),
    (("ij,jk,kl", cr.ones(2, 3), cr.ones(3, 4)), "fewer operands were provided than specified"),
    (("ij", cr.ones(2, 3), cr.ones(3, 4)), "more operands were provided than specified"),
    (("...i,...i", cr.ones(2, 3), cr.ones(4, 3)), "does not broadcast"),
    (("i,i", cr.ones(2, dtype=cr.int64), cr.ones(2)), "expected scalar type Long but found Float"),
])
def test_einsum_errors(args, pattern):
    with pytest.raises(RuntimeError, match=pattern):
        cr.einsum(*args)


def test_einsum_needs_operands():
    with pytest.raises(ValueError, match="must specify the equation string and at least one "
                       "operand"):
        cr.einsum("ij")


# --- singular and degenerate inputs (docs/linalg.md) -------------------------------------------------


def test_det_gradient_is_the_cofactor_matrix_also_at_singular_inputs():
    # PyTorch 2.13: the same values with create_graph=True; its first-order backward returns 0
    # at exactly singular inputs (chainrule always returns the true derivative)
    close(grad(L.det, SINGULAR), [[4.0, -2.0], [-2.0, 1.0]])
    close(grad(L.det, [[1.0, 2, 3], [4, 5, 6], [7, 8, 9]]),
          [[-3.0, 6, -3], [6, -12, 6], [-3, 6, -3]], 1e-12)
    close(grad(L.det, [[2.0, 0, 0], [0, 3, 0], [0, 0, 0]]), np.diag([0.0, 0.0, 6.0]))
    close(grad(L.det, np.zeros((3, 3))), np.zeros((3, 3)))  # rank <= n - 2: the cofactor is 0
    close(grad(L.det, [[2.0, 1.0, 0.0], [1.0, 3.0, 1.0], [0.0, 1.0, 4.0]]),
          [[11.0, -4.0, 1.0], [-4.0, 8.0, -2.0], [1.0, -2.0, 5.0]])
    # a batch mixing singular and regular matrices; and second order through the SVD path
    g = grad(lambda a: L.det(a).sum(), [SINGULAR, [[2.0, 0.0], [0.0, 3.0]]], create_graph=True)
    close(g, [[[4.0, -2.0], [-2.0, 1.0]], [[3.0, 0.0], [0.0, 2.0]]])
    assert cr.autograd.gradgradcheck(L.det, (t([[1.0, 2, 3], [4, 5, 6], [7, 8, 9]], True),))


def test_det_jvp_at_a_singular_matrix_is_the_trace_of_the_adjugate_times_the_tangent():
    with fwAD.dual_level():
        d = L.det(fwAD.make_dual(t(SINGULAR), cr.eye(2, dtype=D)))
        assert fwAD.unpack_dual(d).tangent.item() == pytest.approx(5.0, rel=1e-14)


def test_slogdet_and_logdet_at_singular_and_negative_determinants():
    out = L.slogdet(t(SINGULAR))
    assert out.sign.item() == 0.0 and out.logabsdet.item() == -INF
    g = grad(lambda a: L.slogdet(a).logabsdet, SINGULAR)
    assert np.all(np.isinf(g._data))  # A^-T at a singular A (PyTorch: the same infinities)
    assert cr.logdet(t(SINGULAR)).item() == -INF
    assert np.isnan(cr.logdet(-cr.eye(3, dtype=D)).item())
    assert repr(L.slogdet(t([[0.0, 1.0], [1.0, 0.0]]))) == (
        "torch.return_types.linalg_slogdet(\nsign=tensor(-1., dtype=torch.float64),\n"
        "logabsdet=tensor(0., dtype=torch.float64))")
    assert type(cr.slogdet(t([[2.0]]))).__name__ == "slogdet"
    assert not out.sign.requires_grad


def test_eigh_at_repeated_eigenvalues():
    eye = np.eye(3)
    # eigenvalues alone: finite (V diag(g) V^T)
    assert grad(lambda a: L.eigh(a).eigenvalues.sum(), eye).tolist() == eye.tolist()
    assert grad(lambda a: (L.eigvalsh(a) ** 2).sum(), eye).tolist() == (2 * eye).tolist()
    # eigenvectors: not unique, the gradient is nan (as PyTorch's)
    g = grad(lambda a: L.eigh(a).eigenvectors.abs().sum(), eye)
    assert np.all(np.isnan(g._data))
    g = grad(lambda a: L.eigh(a).eigenvectors[:, 2].abs().sum(), np.diag([1.0, 1.0, 2.0]))
    assert np.all(np.isnan(g._data))


def test_svd_at_repeated_singular_values():
    eye = np.eye(3)
    assert grad(lambda a: L.svd(a).S.sum(), eye).tolist() == eye.tolist()
    assert grad(lambda a: L.svdvals(a).sum(), eye).tolist() == eye.tolist()
    assert grad(lambda a: L.matrix_norm(a, "nuc"), eye).tolist() == eye.tolist()
    close(grad(lambda a: L.matrix_norm(a, 2), eye), eye / 3)  # ties share, as amax
    for factor in ("U", "Vh"):
        g = grad(lambda a, f=factor: getattr(L.svd(a), f).abs().sum(), eye)
        assert np.all(np.isnan(g._data)), factor
    g = grad(lambda a: L.svd(a).U.abs().sum(), np.zeros((3, 3)))
    assert np.all(np.isnan(g._data))


def test_svd_full_matrices_drops_the_gradient_of_the_extra_columns():
    a = [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]
    # PyTorch 2.13, for U.sum() and Vh.sum() of svd(a, full_matrices=True)
    close(grad(lambda x: L.svd(x).U.sum(), a), [
        [-0.13001201715287034, -0.16953108844603204], [-0.030698872772661215, -0.04994294227193833],
        [0.06861427160754868, 0.06964520390215456]], 1e-12)
    close(grad(lambda x: L.svd(x).Vh.sum(), a), [
        [0.019682793621946044, -0.02346794624155105], [0.05268932446490173, -0.0437563642826339],
        [0.08569585530785741, -0.06404478232371674]], 1e-12)
    with fwAD.dual_level():
        u = L.svd(fwAD.make_dual(t(a), cr.ones(3, 2, dtype=D))).U
        assert np.all(fwAD.unpack_dual(u).tangent._data[:, 2] == 0)


def test_vector_norm_conventions_at_zero_and_ties():
    for ord in (2, 1, 3, 0.5, INF, -INF, -1):
        g = grad(lambda v, o=ord: L.vector_norm(v, o), [0.0, 0.0, 0.0])
        assert g.tolist() == [0.0] * 3, ord
    # ord 0 (a count) has no gradient at all: x.grad stays None, as PyTorch's
    x = t([[0.0, 1.0], [2.0, 0.0]], requires_grad=True)
    y = L.vector_norm(x, 0, dim=0, keepdim=True)
    assert y.tolist() == [[1.0, 1.0]] and y.grad_fn.name() == "LinalgVectorNormBackward0"
    y.sum().backward()
    assert x.grad is None
    with pytest.raises(RuntimeError, match="appears to not have been used in the graph"):
        cr.autograd.grad(L.vector_norm(x, 0), x)
    (g,) = cr.autograd.grad(L.vector_norm(x, 0), x, allow_unused=True)
    assert g is None
    (g,) = cr.autograd.grad(L.vector_norm(x, 0), x, allow_unused=True, materialize_grads=True)
    assert g.tolist() == [[0.0, 0.0], [0.0, 0.0]]
    assert grad(lambda v: L.vector_norm(v, INF), [3.0, -3.0, 1.0]).tolist() == [0.5, -0.5, 0.0]
    assert grad(lambda v: L.vector_norm(v, -INF), [1.0, -1.0, 3.0]).tolist() == [0.5, -0.5, 0.0]
    close(grad(lambda v: L.vector_norm(v, 0.5), [0.0, 1.0, 2.0]),
          [0.0, 2.414213562373095, 1.7071067811865475])
    assert grad(lambda v: L.vector_norm(v, -1), [0.0, 1.0, 2.0]).tolist() == [0.0] * 3
    assert grad(lambda a: L.matrix_norm(a), np.zeros((2, 2))).tolist() == [[0.0, 0.0]] * 2
    assert grad(lambda a: L.matrix_norm(a, 1), [[1.0, 1.0], [-1.0, 1.0]]).tolist() == [
        [0.5, 0.5], [-0.5, 0.5]]
    x = t([[0.0, 0.0], [1.0, 1.0]], True)  # cdist at a zero distance: gradient 0 there
    cr.cdist(x, t([[0.0, 0.0], [1.0, 0.0]])).sum().backward()
    close(x.grad, [[-1.0, 0.0], [0.7071067811865475, 1.7071067811865475]])


def test_vector_norm_matches_pytorch_at_the_edges():
    # expected values and messages from PyTorch 2.13
    with fwAD.dual_level():  # ord 0: a zero tangent in forward mode (not none)
        x = fwAD.make_dual(t([[0.0, 1.0], [2.0, 0.0]]), t([[1.0, 2.0], [3.0, 4.0]]))
        assert fwAD.unpack_dual(L.vector_norm(x, 0, dim=1)).tangent.tolist() == [0.0, 0.0]
        assert fwAD.unpack_dual(cr.norm(x, 0)).tangent.tolist() == 0.0
    h = cr.full((10,), 300.0, dtype=cr.float16, requires_grad=True)
    y = L.vector_norm(h)  # half accumulates in float32: |x|^2 = 90000 does not overflow
    assert y.dtype == cr.float16 and y.item() == 948.5
    y.backward()
    assert h.grad.dtype == cr.float16 and h.grad.tolist() == [0.316406250] * 10
    assert cr.norm(cr.full((4,), 200.0, dtype=cr.float16), 3).item() == 317.5
    assert L.vector_norm(t([3.0, 4.0]), cr.tensor(1.0)).item() == 7.0
    assert L.vector_norm(t([3.0, 4.0]), True).item() == 7.0
    empty = "cannot compute the {} norm on {}because"  # sic: no space after a dim
    for call, error, message in [
        (lambda: L.vector_norm(cr.zeros(2, 0), -1, dim=-1), RuntimeError,
         empty.format(-1, "the dimension -1")),
        (lambda: cr.norm(cr.zeros(0), -0.123456789), RuntimeError,
         empty.format(-0.123457, "an empty tensor ")),
        (lambda: cr.norm(cr.zeros(3, 0), -2.0, dim=(0, 1)), RuntimeError,
         empty.format(-2, "the dimension 1")),
        (lambda: cr.dist(cr.zeros(0), cr.zeros(0), -1), RuntimeError,
         empty.format(-1, "an empty tensor ")),
        (lambda: L.vector_norm(cr.ones(2), dtype=cr.int64), RuntimeError,
         "dtype should be floating point or complex, but got Long"),
        (lambda: L.vector_norm(cr.ones(2), 2, 1.0), TypeError,
         r"argument 'dim' \(position 3\) must be tuple of ints, not float"),
        (lambda: L.vector_norm(cr.ones(2), 2, True), TypeError, "must be tuple of ints, not bool"),
        (lambda: L.vector_norm(cr.ones(2), cr.tensor([2.0])), TypeError,
         r"argument 'ord' \(position 2\) must be Number, not Tensor"),
        (lambda: cr.dist(cr.ones(2, dtype=cr.int64), cr.zeros(2, dtype=cr.int64)), RuntimeError,
         r"norm\(\): input dtype should be either floating point or complex. Got Long instead."),
        (lambda: cr.cdist(cr.ones(2, 3, dtype=cr.int32), cr.ones(2, 3)), RuntimeError,
         "cdist only supports floating-point dtypes, X1 got: Int"),
    ]:
        with pytest.raises(error, match=message):
            call()
    assert L.vector_norm(cr.zeros(3, 0), -2.0, dim=0).shape == (0,)


def test_cdist_p0_gradient_is_zero_and_empty_rows_are_zero():
    x1 = t([[0.0, 1.0], [2.0, 2.0]], True)
    x2 = t([[0.0, 1.0], [1.0, 5.0], [2.0, 2.0]], True)
    y = cr.cdist(x1, x2, 0)  # unlike vector_norm, PyTorch's cdist gives zeros at p = 0
    assert y.tolist() == [[0.0, 2.0, 2.0], [2.0, 2.0, 0.0]] and y.grad_fn.name() == "CdistBackward0"
    y.sum().backward()
    assert x1.grad.tolist() == [[0.0, 0.0]] * 2 and x2.grad.tolist() == [[0.0, 0.0]] * 3
    x1.grad = None
    cr.cdist(x1, x2, INF).sum().backward()
    assert x1.grad.tolist() == [[-1.0, -1.0], [1.0, -1.0]]
    assert cr.cdist(cr.ones(2, 0), cr.ones(3, 0), INF).tolist() == [[0.0] * 3] * 2


def test_ex_variants_report_info_without_raising():
    inv = L.inv_ex(t(SINGULAR))
    assert inv.info.dtype == cr.int32 and inv.info.item() == 2
    assert not np.all(np.isfinite(inv.inverse._data))
    ok = L.inv_ex(t([[2.0, 0.0], [0.0, 4.0]]))
    assert ok.info.item() == 0 and ok.inverse.tolist() == [[0.5, 0.0], [0.0, 0.25]]
    chol = L.cholesky_ex(cr.stack([cr.eye(2, dtype=D), t([[1.0, 2.0], [2.0, 1.0]])]))
    assert chol.info.tolist() == [0, 2] and chol.L[0].tolist() == [[1.0, 0.0], [0.0, 1.0]]
    sol = L.solve_ex(t(SINGULAR), t([1.0, 1.0]))
    assert sol.info.item() == 2
    assert L.solve_ex(cr.eye(2, dtype=D), t([1.0, 2.0])).result.tolist() == [1.0, 2.0]
    tri = L.solve_triangular(t([[1.0, 2.0], [0.0, 0.0]]), t([[1.0], [1.0]]), upper=True)
    assert not np.all(np.isfinite(tri._data))  # no error, as LAPACK's trsm


def test_cond_and_rank_of_singular_matrices():
    assert L.cond(t(SINGULAR), 1).item() == INF
    assert L.cond(t(SINGULAR)).item() > 1e15
    assert L.matrix_rank(t(SINGULAR)).tolist() == 1
    assert L.matrix_rank(cr.eye(3, dtype=D), tol=0.5).item() == 3
    assert L.matrix_rank(t([[1.0, 0.0], [0.0, 1e-3]]), atol=1e-2).item() == 1
    assert L.matrix_rank(t(SINGULAR), hermitian=True).item() == 1
    assert L.matrix_rank(cr.ones(2, 3, 3, dtype=D)).dtype == cr.int64
    assert L.pinv(t([[1.0, 0.0], [0.0, 1e-3]]), atol=1e-2).tolist() == [[1.0, 0.0], [0.0, 0.0]]
    assert L.pinv(t([[1.0, 0.0], [0.0, 1e-3]]), rtol=1e-2).tolist() == [[1.0, 0.0], [0.0, 0.0]]


# --- values and gradients pasted from PyTorch 2.13 ---------------------------------------------------


def test_values_and_gradients_match_pytorch():
    c = [[4.0, 1.0], [1.0, 3.0]]
    close(grad(lambda a: L.cholesky(a).sum(), c),
          [[0.20634445903611023, 0.1746221638555591], [0.1746221638555591, 0.30151134457776363]])
    close(grad(lambda a: (L.eigh(a).eigenvalues * t([1.0, 2.0])).sum(), c),
          [[1.7236067977499787, 0.4472135954999578], [0.4472135954999578, 1.2763932022500206]])
    close(grad(lambda a: L.matrix_exp(a).sum(), c),
          [[122.9892282433602, 93.39884678940204], [93.39884678940204, 70.04913509205153]],
          1e-11)
    b = [[1.0, 2.0, 0.0], [3.0, 4.0, 1.0]]
    close(grad(lambda a: sum(x.sum() for x in L.qr(a)), b),
          [[1.3914021704740869, -1.2649110640673518, -1.2649110640673518],
           [-1.5178932768808222, -0.6324555320336758, -0.6324555320336758]])
    d = [[2.0, 1.0], [1.0, 3.0], [0.0, 1.0]]
    close(grad(lambda a: L.pinv(a).sum(), d), [
        [-0.08, -0.13333333333333336], [-0.1066666666666667, -0.06666666666666675],
        [0.1333333333333332, 0.0]])
    r = L.lstsq(t(d), t([[1.0], [2.0], [3.0]]), driver="gelsd")
    close(r.solution, [[-0.2], [1.0]])
    close(r.residuals, [4.8])
    assert r.rank.item() == 2 and not r.singular_values.requires_grad
    close(r.singular_values, [3.7189987758596126, 1.472768856662409])
    def solution_and_residuals(a):
        out = L.lstsq(a, t([[1.0], [2.0], [3.0]]), driver="gelsd")
        return out.solution.sum() + out.residuals.sum()

    close(grad(solution_and_residuals, d), [[0.32, -1.2], [-0.44, 1.4], [1.2, -4.0]])
    default = L.lstsq(t(d), t([[1.0], [2.0], [3.0]]))
    assert default.residuals.shape == (0,) and default.singular_values.shape == (0,)
    assert L.lstsq(t(d), t([1.0, 2.0, 3.0])).solution.shape == (2,)
    assert L.lstsq(t(d), t([[1.0], [2.0], [3.0]]), driver="gels").rank.shape == (0,)
    close([L.cond(t(c), p).item() for p in (None, 2, -2, 1, -1, INF, "fro", "nuc")],
          [1.938748901931751, 1.938748901931751, 0.5157965526137034, 2.272727272727273,
           1.4545454545454546, 2.272727272727273, 2.4545454545454546, 4.454545454545453], 1e-12)
    close([L.matrix_norm(t(d), p).item() for p in ("fro", "nuc", 1, -1, 2, -2, INF, -INF)],
          [4.0, 5.191767632522022, 5.0, 3.0, 3.718998775859613, 1.472768856662409, 4.0, 1.0])
    close(L.matrix_exp(t([[1.0, 2.0], [0.0, 3.0]])),
          [[2.7182818284590446, 17.367255094728613], [0.0, 20.085536923187657]], 1e-13)
    close(L.multi_dot([t([1.0, 2.0]), t([[1.0, 2.0], [3.0, 4.0]]), t([1.0, 1.0])]), 17.0)
    assert cr.kron(cr.tensor([[1, 2], [3, 4]]), cr.tensor([[0, 1], [1, 0]])).tolist() == [
        [0, 1, 0, 2], [1, 0, 2, 0], [0, 3, 0, 4], [3, 0, 4, 0]]
    assert cr.cdist(t([[0.0, 0.0], [1.0, 1.0]]), t([[1.0, 0.0]]), p=1).tolist() == [[1.0], [1.0]]


def test_decompositions_print_like_pytorch():
    _q, r = L.qr(cr.tensor([[3.0, 1.0], [4.0, 2.0]]))
    assert repr(r) == "tensor([[-5.0000, -2.2000],\n        [ 0.0000,  0.4000]])"
    svd = L.svd(cr.tensor([[3.0, 0.0], [0.0, -4.0]]))
    assert repr(svd.S) == "tensor([4., 3.])"
    assert repr(L.svd(cr.ones(0, 3))) == (
        "torch.return_types.linalg_svd(\nU=tensor([], size=(0, 0)),\nS=tensor([]),\n"
        "Vh=tensor([[1., 0., 0.],\n        [0., 1., 0.],\n        [0., 0., 1.]]))")
    legacy = cr.svd(cr.ones(3, 2), compute_uv=False)
    assert legacy.U.tolist() == [[0.0] * 3] * 3 and legacy.V.shape == (2, 2)
    assert type(legacy).__name__ == "svd"
    with pytest.warns(UserWarning, match="torch.qr is deprecated"):
        assert cr.qr(cr.ones(3, 2), some=False).Q.shape == (3, 3)
    assert L.matrix_power(cr.tensor([[1.0, 1.0], [0.0, 1.0]]), 0).tolist() == [[1.0, 0.0],
                                                                              [0.0, 1.0]]
    assert L.matrix_power(cr.ones(2, 2, dtype=cr.int64), 2).tolist() == [[2, 2], [2, 2]]


def test_grad_fn_names():
    a = t([[2.0, 1.0], [1.0, 3.0]], True)
    names = {
        "LinalgInvExBackward0": L.inv(a), "LinalgDetBackward0": L.det(a),
        "LinalgSolveExBackward0": L.solve(a, a), "LinalgCholeskyExBackward0": L.cholesky(a),
        "LinalgSlogdetBackward0": L.slogdet(a).logabsdet, "LinalgQrBackward0": L.qr(a).Q,
        "LinalgSvdBackward0": L.svd(a).U, "LinalgEighBackward0": L.eigh(a).eigenvectors,
        "LinalgVectorNormBackward0": L.vector_norm(a), "LinalgPinvBackward0": L.pinv(a),
    }
    for name, out in names.items():
        assert out.grad_fn.name() == name


def test_tensor_methods_and_in_place_variants():
    a = t([[2.0, 1.0], [1.0, 3.0]])
    assert a.det().item() == pytest.approx(5.0)
    close(a.inverse() @ a, np.eye(2))
    assert a.logdet().item() == pytest.approx(np.log(5.0))
    with pytest.warns(UserWarning, match="torch.cholesky is deprecated"):
        close(a.cholesky(), np.linalg.cholesky(a._data))
    close(a.matrix_power(2), a._data @ a._data)
    close(a.pinverse(), np.linalg.inv(a._data))
    assert a.kron(cr.ones(1, 2, dtype=D)).shape == (2, 4)
    assert a.inner(a).shape == (2, 2)
    x = t([[1.0, 2.0, 3.0]], True) * 1.0
    x.addmm_(t([[1.0, 2.0]]), t([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]), beta=2.0)
    assert x.tolist() == [[3.0, 6.0, 6.0]]
    assert x.grad_fn is not None
    # beta = 0: nan in input does not propagate, but input still gets a (zero) gradient
    i = t([float("nan"), 1.0, 2.0], True)
    out = cr.addmm(i, cr.ones(2, 2, dtype=D), cr.ones(2, 3, dtype=D), beta=0)
    assert out.tolist() == [[2.0] * 3] * 2
    out.sum().backward()
    assert i.grad.tolist() == [0.0, 0.0, 0.0]


def test_float32_results_and_gradients_stay_float32():
    a = cr.tensor([[2.0, 1.0], [1.0, 3.0]], requires_grad=True)
    outs = [L.inv(a), L.det(a), L.cholesky(a), L.eigh(a).eigenvalues, L.svd(a).S,
            L.matrix_norm(a, "nuc"), L.pinv(a), L.matrix_exp(a), cr.einsum("ij->", a)]
    for o in outs:
        assert o.dtype == cr.float32
    sum(o.sum() for o in outs).backward()
    assert a.grad.dtype == cr.float32


def test_linalg_ops_have_batching_rules():
    """vmap runs them vectorized: no loop-fallback warning, and the loop's values."""
    rng = np.random.default_rng(2)
    a = t(rng.normal(size=(4, 3, 3)) + 3 * np.eye(3))
    b = t(rng.normal(size=(4, 3)))
    fns = [L.inv, L.det, lambda x: L.slogdet(x).logabsdet, lambda x: L.solve(x, b[0]),
           lambda x: L.cholesky(x @ x.mT), lambda x: L.qr(x).R, lambda x: L.eigh(x + x.mT)[0],
           L.svdvals, lambda x: L.svd(x).S, L.pinv, L.matrix_exp, lambda x: L.vector_norm(x, 3),
           lambda x: L.matrix_norm(x, "nuc"), lambda x: cr.einsum("ij,jk", x, x),
           lambda x: x @ x, lambda x: cr.mm(x, x), lambda x: cr.mv(x, b[0]),
           lambda x: cr.dot(x[0], x[1]), lambda x: L.matrix_rank(x)]
    for fn in fns:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            got = vmap(fn)(a)
        want = np.stack([fn(a[i])._data for i in range(4)])
        np.testing.assert_allclose(got._data, want, rtol=1e-12, atol=1e-12)
    got = vmap(lambda x, y: L.solve(x, y), in_dims=(None, 0))(a[0], b)
    close(got, np.linalg.solve(a._data[0], b._data[..., None])[..., 0])


def _random_equation(rng):
    """Operands with labels from 'abcd' (repeats allowed), sizes per label, a random output."""
    sizes = {c: int(rng.integers(1, 4)) for c in "abcd"}
    terms = ["".join(rng.choice(list("abcd"), size=int(rng.integers(0, 4))))
             for _ in range(int(rng.integers(1, 4)))]
    used = sorted(set("".join(terms)))
    out = "".join(rng.permutation([c for c in used if rng.random() < 0.5]))
    shapes = [tuple(sizes[c] for c in term) for term in terms]
    return ",".join(terms) + "->" + out, shapes


def test_einsum_random_equations_match_numpy_and_gradcheck():
    rng = np.random.default_rng(7)
    for _ in range(40):
        eq, shapes = _random_equation(rng)
        xs = [t(rng.normal(size=s), True) for s in shapes]
        close(cr.einsum(eq, *xs), np.einsum(eq, *[x._data for x in xs]))
        assert cr.autograd.gradcheck(lambda *a, eq=eq: cr.einsum(eq, *a), xs, atol=1e-7,
                                     rtol=1e-5), eq
        assert cr.autograd.check_jvp(lambda *a, eq=eq: cr.einsum(eq, *a), xs), eq
