"""Indexing and writing at indices: `x[idx]`, `x[idx] = v`, index_put and the index ops' in-place
forms, on tensors in the graph and on views; the documented conventions at repeated positions;
vmap with batched index tensors; and errors (PyTorch's types and messages, no state changed).

Expected values were generated with PyTorch 2.13 (pasted as literals), except where chainrule
documents a different convention (the gradient at repeated written positions).
"""

import warnings

import numpy as np
import pytest

import chainrule as cr
import chainrule.nn.functional as F
from chainrule.autograd import gradcheck, gradgradcheck
from chainrule.func import grad, vmap

TOL = {"atol": 1e-7, "rtol": 1e-5}


def leaf(*shape, scale=1.0):
    data = np.arange(1, 1 + int(np.prod(shape)), dtype=np.float64).reshape(shape) * scale / 7
    return cr.tensor(data, requires_grad=True)


def rand(*shape, seed=0):
    return cr.from_numpy(np.random.default_rng(seed).normal(size=shape)).requires_grad_()


# --- x[idx] = v and index_put: values --------------------------------------------------------


def test_repeated_positions_last_write_lands():
    x = cr.zeros(5)
    x[cr.tensor([0, 0, 1, 0])] = cr.tensor([1.0, 2, 3, 4])
    assert x.tolist() == [4.0, 3.0, 0.0, 0.0, 0.0]
    y = cr.zeros(5).index_put((cr.tensor([0, 0, 1, 0]),), cr.tensor([1.0, 2, 3, 4]))
    assert y.tolist() == [4.0, 3.0, 0.0, 0.0, 0.0]
    scattered = cr.zeros(3, 4).scatter(1, cr.tensor([[0, 0, 0]]), cr.tensor([[1.0, 2, 3]]))
    assert scattered.tolist()[0] == [3.0, 0.0, 0.0, 0.0]
    copied = cr.zeros(3, 2).index_copy(0, cr.tensor([2, 2]), cr.tensor([[1.0, 2], [3, 4]]))
    assert copied.tolist() == [[0.0, 0.0], [0.0, 0.0], [3.0, 4.0]]
    assert cr.zeros(4).put(cr.tensor([1, 1, 3]), cr.tensor([1.0, 2, 3])).tolist() == [
        0.0, 2.0, 0.0, 3.0]


def test_index_put_accumulate_adds_repeats():
    y = cr.zeros(5).index_put((cr.tensor([0, 0, 1, 0]),), cr.tensor([1.0, 2, 3, 4]),
                              accumulate=True)
    assert y.tolist() == [7.0, 3.0, 0.0, 0.0, 0.0]
    z = cr.zeros(2, 3).index_put((cr.tensor([0, 0]), cr.tensor([1, 1])), cr.tensor(2.0),
                                 accumulate=True)
    assert z.tolist() == [[0.0, 4.0, 0.0], [0.0, 0.0, 0.0]]
    x = cr.arange(6.0, dtype=cr.float64).reshape(2, 3).requires_grad_()
    v = cr.tensor([10.0, 20.0], dtype=cr.float64, requires_grad=True)
    out = x.index_put((cr.tensor([1, 1]), cr.tensor([0, 0])), v, accumulate=True)
    (out * cr.arange(6.0).reshape(2, 3)).sum().backward()
    assert out.tolist() == [[0.0, 1.0, 2.0], [33.0, 4.0, 5.0]]
    assert x.grad.tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]
    assert v.grad.tolist() == [3.0, 3.0]


def test_in_place_index_put_and_accumulate():
    x = cr.zeros(4)
    assert x.index_put_((cr.tensor([1, 1]),), cr.tensor(1.5), accumulate=True) is x
    assert x.tolist() == [0.0, 3.0, 0.0, 0.0]
    assert x._version == 1


# --- x[idx] = v: gradients -------------------------------------------------------------------


def test_setitem_gradients_flow_to_both_sides():
    # pasted from PyTorch: y = 2x; y[1:, ::2] = v; sum(y ** 2)
    x = cr.arange(12.0, dtype=cr.float64).reshape(3, 4).requires_grad_()
    v = cr.tensor([1.0, 2.0], dtype=cr.float64, requires_grad=True)
    y = x * 2
    y[1:, ::2] = v
    (y * y).sum().backward()
    assert x.grad.tolist() == [[0.0, 8.0, 16.0, 24.0], [0.0, 40.0, 0.0, 56.0],
                               [0.0, 72.0, 0.0, 88.0]]
    assert v.grad.tolist() == [4.0, 8.0]


def test_setitem_with_a_mask_and_a_scalar_tensor():
    x = cr.arange(12.0, dtype=cr.float64).reshape(3, 4).requires_grad_()
    v = cr.tensor(5.0, dtype=cr.float64, requires_grad=True)
    y = x * 1
    y[y > 6] = v
    (y * y).sum().backward()
    assert y.tolist() == [[0.0, 1.0, 2.0, 3.0], [4.0, 5.0, 6.0, 5.0], [5.0, 5.0, 5.0, 5.0]]
    assert x.grad.tolist() == [[0.0, 2.0, 4.0, 6.0], [8.0, 10.0, 12.0, 0.0], [0.0] * 4]
    assert v.grad.item() == 50.0


def test_setitem_with_ellipsis_and_none():
    x = cr.arange(12.0, dtype=cr.float64).reshape(3, 4).requires_grad_()
    y = x * 1
    y[..., None, 1] = 0
    y[None, 0] = -1
    y.sum().backward()
    assert y.tolist() == [[-1.0] * 4, [4.0, 0.0, 6.0, 7.0], [8.0, 0.0, 10.0, 11.0]]
    assert x.grad.tolist() == [[0.0] * 4, [1.0, 0.0, 1.0, 1.0], [1.0, 0.0, 1.0, 1.0]]


def test_repeated_positions_gradient_reaches_every_duplicate_as_in_pytorch():
    """The last write lands, but (as PyTorch, values pasted from torch 2.13) the gradient of
    every written value reads the output gradient at its position, duplicates included."""
    x = cr.zeros(4, dtype=cr.float64, requires_grad=True)
    v = cr.tensor([1.0, 2.0, 3.0], dtype=cr.float64, requires_grad=True)
    y = x * 1
    y[cr.tensor([0, 0, 1])] = v
    assert y.tolist() == [2.0, 3.0, 0.0, 0.0]
    y.backward(cr.tensor([10.0, 20.0, 30.0, 40.0], dtype=cr.float64))
    assert x.grad.tolist() == [0.0, 0.0, 30.0, 40.0]
    assert v.grad.tolist() == [10.0, 10.0, 20.0]
    # the same for scatter, index_copy and put
    s = cr.tensor([[1.0, 2.0, 3.0]], dtype=cr.float64, requires_grad=True)
    out = cr.zeros(2, 3, dtype=cr.float64).scatter(1, cr.tensor([[2, 0, 2]]), s)
    out.backward(cr.arange(6.0, dtype=cr.float64).reshape(2, 3))
    assert s.grad.tolist() == [[2.0, 0.0, 2.0]]
    src = cr.tensor([[1.0], [2.0]], dtype=cr.float64, requires_grad=True)
    cr.zeros(3, 1, dtype=cr.float64).index_copy(0, cr.tensor([1, 1]), src).sum().backward()
    assert src.grad.tolist() == [[1.0], [1.0]]
    p = cr.tensor([1.0, 2.0, 3.0], dtype=cr.float64, requires_grad=True)
    cr.zeros(4, dtype=cr.float64).put(cr.tensor([3, -1, 0]), p).sum().backward()
    assert p.grad.tolist() == [1.0, 1.0, 1.0]


DUPLICATE_KEYS = [
    (np.array([0, 0, 2, 0]),), (slice(None), np.array([1, 1, 3])),
    (slice(1, None), np.array([[0, 0], [2, 0]]), slice(None)),
    (np.array([1, 1]), slice(None), np.array([2, 2])),  # not adjacent: index dims first
    (Ellipsis, np.array([4, 0, 4])), (1, np.array([0, 0]), slice(0, 3)),
    (np.array([[1], [1]]), np.array([3, 3, 0])), (np.array([False, True, False]), np.array([2, 2])),
]


@pytest.mark.parametrize("key", DUPLICATE_KEYS, ids=[f"key{i}" for i in range(len(DUPLICATE_KEYS))])
def test_the_write_that_lands_is_found_for_any_key_layout(key):
    """The mask of landing writes (computed over the index positions only) equals the one found
    by brute force over the positions written, and NumPy's (PyTorch's) assignment agrees."""
    from chainrule.ops import subscript as sh

    shape = (3, 4, 5)
    norm, _ = sh._index_key(key)
    lands = sh.last_writes(shape, norm)
    positions = sh.take(np.arange(60).reshape(shape), norm)
    brute = sh._last_of_each(positions)
    assert lands is not None and np.array_equal(lands, brute)
    values = np.arange(1, 1 + positions.size).reshape(positions.shape)
    out = np.zeros(shape, dtype=np.int64)
    sh.put(out, norm, values)
    assert np.array_equal(out.reshape(-1)[positions[lands]], values[lands])


@pytest.mark.parametrize("key", [
    (slice(1, None), slice(None, None, 2)), (cr.tensor([2, 0]),),
    (Ellipsis, 1), (cr.tensor([True, False, True]),), (slice(None), cr.tensor([3, 0])),
    (1, cr.tensor([0, 2])), (cr.tensor([[0], [2]]), cr.tensor([1, 3])),
], ids=["slices", "ints", "ellipsis", "mask", "sliced_adv", "int_adv", "bcast"])
def test_setitem_gradcheck(key):
    x = rand(3, 4)
    shape = tuple(x.detach()[key].shape)
    v = rand(*shape[1:], seed=1)  # broadcast along the first indexed dim

    def f(a, b):
        y = a * 1.5
        y[key] = b
        return y * y

    assert gradcheck(f, (x, v), **TOL)
    assert gradgradcheck(f, (x, v), **TOL)


# --- views written in place keep gradients right ---------------------------------------------


def _through_view(make_view, write):
    def f(a, b):
        y = a * 1.0
        write(make_view(y), b)
        return (y * y).sum(0)

    return f


VIEW_WRITES = {
    "diagonal_mul": (lambda y: y.diagonal(), lambda view, b: view.mul_(b[:3])),
    "diagonal_offset_copy": (lambda y: y.diagonal(1), lambda view, b: view.copy_(b[:3])),
    "narrow_add": (lambda y: y.narrow(1, 1, 2), lambda view, b: view.add_(b[:2])),
    "transposed_row_fill": (lambda y: y.t()[1], lambda view, b: view.mul_(b[0])),
    "select_copy": (lambda y: y.select(0, 2), lambda view, b: view.copy_(b)),
    "unbind_piece": (lambda y: y.unbind(1)[3], lambda view, b: view.sub_(b[:3])),
    "split_piece": (lambda y: y.split(2)[1], lambda view, b: view.mul_(b)),
    "chunk_piece": (lambda y: y.chunk(2, 1)[0], lambda view, b: view.div_(b[:2] + 3)),
    "setitem_on_view": (lambda y: y[1:], lambda view, b: view.__setitem__((0, 1), b[2])),
    "scatter_on_view": (lambda y: y[:, 1:], lambda view, b: view.scatter_(
        1, cr.tensor([[0], [2], [1]]), b[:3].reshape(3, 1))),
    "index_add_on_view": (lambda y: y.t(), lambda view, b: view.index_add_(
        0, cr.tensor([1, 1]), b[:3].expand(2, 3))),
    "masked_fill_on_view": (lambda y: y[::2], lambda view, b: view.masked_fill_(
        cr.tensor([[True, False, False, True]] * 2), 0.5)),
    "tril_on_view": (lambda y: y[:, :3], lambda view, b: view.tril_()),
}


@pytest.mark.parametrize("name", sorted(VIEW_WRITES))
def test_in_place_on_a_view_gradcheck(name):
    make_view, write = VIEW_WRITES[name]
    f = _through_view(make_view, write)
    x, b = rand(3, 4), rand(4, seed=1)
    assert gradcheck(f, (x, b), **TOL)
    assert gradgradcheck(f, (x, b), **TOL)


def test_views_share_memory_and_version_with_their_base():
    t = cr.arange(6.0).reshape(2, 3)
    d = t.diagonal()
    d += 10
    assert t.tolist() == [[10.0, 1.0, 2.0], [3.0, 14.0, 5.0]]
    assert t._version == d._version == 1
    n = t.narrow(1, 1, 2)
    n.zero_()
    assert t.tolist() == [[10.0, 0.0, 0.0], [3.0, 0.0, 0.0]]
    for piece in (*t.split(1, 1), *t.unbind(0), *t.chunk(3, 1), t.select(0, 1),
                  *t.tensor_split(2, 1), t.movedim(0, 1), t.T, t.mT, t.ravel(), t.view_as(t)):
        assert piece._base is not None and np.shares_memory(piece._data, t._data)
        assert piece._vc is t._vc
    for copy in (t.flip(0), t.roll(1), t.rot90(), t.repeat(1, 1), t.tile(1), t.diag(),
                 cr.tril(t), t.narrow_copy(1, 0, 2), t.index_select(0, cr.tensor([0])),
                 F.pad(t, (1, 1)), cr.hstack([t, t]), t.take(cr.tensor([0]))):
        assert copy._base is None and not np.shares_memory(copy._data, t._data)


def test_saved_view_modified_in_place_is_an_error():
    x = leaf(3, 4)
    y = x * 1
    d = y.diagonal()
    z = (d * d).sum()  # saves the diagonal
    y.narrow(1, 0, 1).mul_(2)  # the same memory, written
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        z.backward()


def test_index_modified_before_backward_is_an_error():
    x = leaf(3, 4)
    index = cr.tensor([[0, 1], [2, 3], [1, 1]])
    y = x.gather(1, index)
    index.add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()


@pytest.mark.parametrize("method, args", [
    ("scatter_", (1, cr.tensor([[1, 0]]), 2.5)),
    ("scatter_add_", (0, cr.tensor([[2, 0, 1, 1]]), cr.ones(1, 4))),
    ("scatter_reduce_", (1, cr.tensor([[0, 0]]), cr.full((1, 2), 3.0), "prod")),
    ("index_add_", (1, cr.tensor([3, 3]), cr.ones(3, 2))),
    ("index_copy_", (0, cr.tensor([1]), cr.zeros(1, 4))),
    ("index_fill_", (1, cr.tensor([0, -1]), -1.0)),
    ("masked_scatter_", (cr.tensor([True, False, True, False]), cr.arange(10.0))),
    ("put_", (cr.tensor([0, 11]), cr.tensor([7.0, 8.0]))),
    ("index_put_", ((cr.tensor([2]), cr.tensor([1])), cr.tensor(9.0))),
    ("tril_", (1,)), ("triu_", (-1,)),
])
def test_in_place_methods_match_the_out_of_place_ops(method, args):
    x = cr.arange(12.0).reshape(3, 4)
    expected = getattr(x, method[:-1])(*args)
    assert getattr(x, method)(*args) is x
    assert x.tolist() == expected.tolist()
    assert x._version == 1


# --- vmap with batched index tensors ------------------------------------------------------------


def test_vmap_getitem_with_a_batched_index():
    xs = cr.arange(24.0).reshape(2, 3, 4)
    idx = cr.tensor([[2, 0], [-1, 1]])
    got = vmap(lambda x, i: x[i])(xs, idx)
    assert got.tolist() == [xs[0][[2, 0]].tolist(), xs[1][[2, 1]].tolist()]
    with warnings.catch_warnings():  # slices next to the index: vmap loops (and warns)
        warnings.simplefilter("ignore")
        got = vmap(lambda i: xs[0][i, 1:3])(idx)
    assert got.tolist() == [xs[0][[2, 0], 1:3].tolist(), xs[0][[2, 1], 1:3].tolist()]
    labels = cr.tensor([1, 0, 3])
    logits = rand(3, 4)
    picked = vmap(lambda row, k: row[k])(logits, labels)
    assert picked.tolist() == [logits[i, labels[i]].item() for i in range(3)]


def test_vmap_of_grad_with_indices_gives_per_sample_gradients():
    w = rand(4, 3)
    xs, ks = rand(5, 4, seed=2).detach(), cr.tensor([0, 2, 1, 1, 0])

    def loss(w, x, k):
        return (x @ w).gather(0, k.unsqueeze(0)).sum() ** 2

    got = vmap(grad(loss), in_dims=(None, 0, 0))(w, xs, ks)
    for i in range(5):
        (expected,) = cr.autograd.grad(loss(w, xs[i], ks[i]), w)
        np.testing.assert_allclose(got[i].detach().numpy(), expected.numpy(), rtol=1e-12)


def test_vmap_index_put_with_a_batched_index():
    xs = cr.zeros(2, 4)
    idx = cr.tensor([[1, 1], [3, 0]])
    got = vmap(lambda x, i: x.index_put((i,), cr.tensor(1.0), accumulate=True))(xs, idx)
    assert got.tolist() == [[0.0, 2.0, 0.0, 0.0], [1.0, 0.0, 0.0, 1.0]]


# --- errors: PyTorch's types and messages, nothing changed -------------------------------------

X = cr.arange(12.0).reshape(3, 4)

ERRORS = [
    # (expression, error type, message pasted from PyTorch 2.13)
    (lambda: X[5], IndexError, "index 5 is out of bounds for dimension 0 with size 3"),
    (lambda: X[:, 7], IndexError, "index 7 is out of bounds for dimension 1 with size 4"),
    (lambda: X[cr.tensor([3])], IndexError,
     "index 3 is out of bounds for dimension 0 with size 3"),
    (lambda: X[[0, 5]], IndexError, "index 5 is out of bounds for dimension 0 with size 3"),
    (lambda: X[cr.tensor([0.5])], IndexError,
     "tensors used as indices must be long, int, byte or bool tensors"),
    (lambda: X[cr.tensor(1.0)], IndexError,
     "tensors used as indices must be long, int, byte or bool tensors"),
    (lambda: X[cr.tensor([True, False])], IndexError,
     ("The shape of the mask [2] at index 0 does not match the shape of the indexed tensor "
     "[3, 4] at index 0")),
    (lambda: X[0, 0, 0], IndexError, "too many indices for tensor of dimension 2"),
    (lambda: X[1.5], IndexError, ("only integers, slices (`:`), ellipsis (`...`), None and long or "
     "byte Variables are valid indices (got float)")),
    (lambda: X.index_put((cr.tensor([0, 2]),), cr.tensor([3.0, 4, 5])), RuntimeError,
     ("shape mismatch: value tensor of shape [3] cannot be broadcast to indexing result of "
     "shape [2, 4]")),
    (lambda: X.index_put((cr.tensor([0, 2]),), cr.tensor([3, 4, 5, 6])), RuntimeError,
     ("Index put requires the source and destination dtypes match, got Float for the "
     "destination and Long for the source.")),
    (lambda: X.gather(1, cr.tensor([[4]])), RuntimeError,
     "index 4 is out of bounds for dimension 1 with size 4"),
    (lambda: X.gather(1, cr.tensor([[-1]])), RuntimeError,
     "index -1 is out of bounds for dimension 1 with size 4"),
    (lambda: X.gather(1, cr.tensor([4])), RuntimeError,
     "Index tensor must have the same number of dimensions as input tensor"),
    (lambda: X.gather(1, cr.tensor([[0], [1], [2], [0]])), RuntimeError,
     ("Size does not match at dimension 0 expected index [4, 1] to be no larger than self "
     "[3, 4] apart from dimension 1")),
    (lambda: X.gather(1, cr.tensor([[1.0]])), RuntimeError,
     "gather(): Expected dtype int32/int64 for index"),
    (lambda: X.scatter(1, cr.tensor([[0, 0, 0]] * 2), cr.ones(1, 1)), RuntimeError,
     ("Expected index [2, 3] to be no larger than self [3, 4] apart from dimension 1 and to be "
     "no larger size than src [1, 1]")),
    (lambda: X.scatter(1, cr.tensor([[1]]), cr.ones(1, 1, dtype=cr.int64)), RuntimeError,
     "scatter(): Expected self.dtype to be equal to src.dtype"),
    (lambda: X.scatter_reduce(1, cr.tensor([[0]]), cr.ones(1, 1), "foo"), RuntimeError,
     "reduce argument must be either sum, prod, mean, amax or amin, got foo"),
    (lambda: X.index_select(0, cr.tensor([3])), IndexError, "index out of range in self"),
    (lambda: X.index_select(0, cr.tensor([[0]])), IndexError,
     "index_select(): Index is supposed to be a vector"),
    (lambda: X.index_select(0, cr.tensor([0.0])), RuntimeError,
     "index_select(): Expected dtype int32 or int64 for index"),
    (lambda: X.index_add(0, cr.tensor([0, 1]), cr.ones(3, 4)), RuntimeError,
     "index_add_(): Number of indices (2) should be equal to source.size(dim): (3), for dim: 0"),
    (lambda: X.index_add(0, cr.tensor([0, 1]), cr.ones(2, 4, 1)), RuntimeError,
     ("source tensor shape must match self tensor shape, excluding the specified dimension. "
     "Got self.shape = [3, 4] source.shape = [2, 4, 1]")),
    (lambda: X.index_add(0, cr.tensor([0, 5]), cr.ones(2, 4)), RuntimeError,
     "index 5 is out of bounds for dimension 0 with size 3"),
    (lambda: X.index_copy(0, cr.tensor([0, 1]), cr.ones(2, 3)), RuntimeError,
     ("index_copy_(): Source/destination tensor must have same slice shapes. Destination slice "
     "shape: 4 at dimension 0 and source slice shape: 3 at dimension 0.")),
    (lambda: X.index_copy(0, cr.tensor([0, -1]), cr.ones(2, 4)), IndexError,
     "index_copy_(): index -1 is out of bounds for dimension 0 with size 3"),
    (lambda: X.index_copy(0, cr.tensor([0], dtype=cr.int32), cr.ones(1, 4)), RuntimeError,
     "index_copy_(): Expected a long tensor for index, but got Int"),
    (lambda: X.index_fill(0, cr.tensor([-4]), 1.0), IndexError,
     "index -4 is out of bounds for dimension 0 with size 3"),
    (lambda: X.index_fill(1, cr.tensor([0]), cr.tensor([5.0])), RuntimeError,
     ("index_fill_ only supports a 0-dimensional value tensor, but got tensor with 1 "
     "dimension(s).")),
    (lambda: cr.masked_select(X, cr.tensor([1, 0, 1, 0])), RuntimeError,
     "masked_select: expected BoolTensor for mask"),
    (lambda: cr.masked_select(X, cr.tensor([True, False])), RuntimeError,
     ("The size of tensor a (2) must match the size of tensor b (4) at non-singleton "
     "dimension 1")),
    (lambda: X.masked_scatter(X > 4, cr.zeros(3)), RuntimeError,
     "Number of elements of source < number of ones in mask"),
    (lambda: X.take(cr.tensor([12])), IndexError,
     "out of range: tried to access index 12 on a tensor of 12 elements."),
    (lambda: X.put(cr.tensor([0, 1]), cr.tensor([1.0])), IndexError,
     ("put_(): Expected source and index to have the same number of elements, but got "
     "source.numel() = 1, index.numel() = 2")),
    (lambda: cr.take_along_dim(X, cr.tensor([[0], [1]]), 1), RuntimeError,
     ("The size of tensor a (3) must match the size of tensor b (2) at non-singleton "
     "dimension 0")),
    (lambda: X.narrow(1, 3, 2), RuntimeError, "start (3) + length (2) exceeds dimension size (4)."),
    (lambda: X.select(1, 4), IndexError,
     "select(): index 4 out of range for tensor of size [3, 4] at dimension 1"),
    (lambda: cr.split(X, [1, 2, 3]), RuntimeError,
     ("split_with_sizes expects split_sizes to sum exactly to 3 (input tensor's size at "
     "dimension 0), but got split_sizes=[1, 2, 3]")),
    (lambda: cr.chunk(X, 0), RuntimeError, "chunk expects `chunks` to be greater than 0, got: 0"),
    (lambda: X.repeat(2), RuntimeError,
     ("Number of dimensions of repeat dims can not be smaller than number of dimensions of "
     "tensor")),
    (lambda: cr.rot90(X, 1, [0, 0]), RuntimeError,
     "expected rotation dims to be different, but got dim0 = 0 and dim1 = 0"),
    (lambda: cr.flip(X, [0, 0]), RuntimeError, "dim 0 appears multiple times in the list of dims"),
    (lambda: cr.roll(X, (1, 2), 0), RuntimeError, ("shifts and dimensions must align. shifts: 2, "
     "dims:1")),
    (lambda: cr.diagonal(X, 0, 1, 1), RuntimeError, "diagonal dimensions cannot be identical 1, 1"),
    (lambda: cr.trace(cr.zeros(3)), RuntimeError, ("trace: expected a matrix, but got tensor with "
     "dim 1")),
    (lambda: cr.tril(cr.zeros(3)), RuntimeError,
     "tril: input tensor must have at least 2 dimensions"),
    (lambda: cr.broadcast_tensors(X, cr.zeros(2)), RuntimeError,
     "The size of tensor a (4) must match the size of tensor b (2) at non-singleton dimension 1"),
    (lambda: F.pad(X, (1, 2, 3)), RuntimeError, "Padding length must be divisible by 2"),
    (lambda: F.pad(X, (1, 1) * 3), RuntimeError,
     ("Padding length should be less than or equal to two times the input dimension but got "
     "padding length 6 and input of dimension 2")),
    (lambda: F.pad(X[None], (4, 1), mode="reflect"), RuntimeError,
     ("Argument #4: Padding size should be less than the corresponding input dimension, but "
     "got: padding (4, 1) at dimension 2 of input [1, 3, 4]")),
    (lambda: F.pad(X, (1, 1, 1, 1), mode="replicate"), NotImplementedError,
     "Padding size 4 is not supported for 2D input tensor."),
    (lambda: F.pad(X[None], (1, 5), mode="circular"), RuntimeError,
     "Padding value causes wrapping around more than once."),
    (lambda: F.pad(X, (1, 1), mode="foo"), NotImplementedError, "Unrecognised padding mode foo"),
    (lambda: F.pad(X, (1, 1), mode="reflect", value=1.0), RuntimeError,
     'Padding mode "reflect" doesn\'t take in value argument'),
    (lambda: F.pad(X, (-3, -2)), RuntimeError, "narrow(): length must be non-negative."),
]


@pytest.mark.parametrize("expr, error, message", ERRORS,
                         ids=[f"error{i}" for i in range(len(ERRORS))])
def test_errors_match_pytorch(expr, error, message):
    before = X.tolist()
    with pytest.raises(error) as info:
        expr()
    assert str(info.value) == message
    assert X.tolist() == before and X._version == 0


def test_failed_writes_change_nothing():
    x = leaf(3, 4)
    y = x * 1
    node, version = y.grad_fn, y._version
    for write in (lambda: y.__setitem__(cr.tensor([0, 7]), 1.0),
                  lambda: y.__setitem__(slice(None), cr.ones(2)),
                  lambda: y.scatter_(1, cr.tensor([[9]]), 1.0),
                  lambda: y.index_add_(0, cr.tensor([0]), cr.ones(2, 4)),
                  lambda: y.index_put_((cr.tensor([5]),), cr.tensor(1.0)),
                  lambda: y.masked_scatter_(y > 0, cr.ones(2))):
        with pytest.raises((IndexError, RuntimeError)):
            write()
        assert y._version == version and y.grad_fn is node
    assert np.array_equal(y.detach().numpy(), x.detach().numpy())


def test_shape_mismatch_errors_name_the_shapes():
    for requires_grad in (False, True):  # (the write is recorded or not)
        y = X * cr.ones(1, requires_grad=requires_grad)
        with pytest.raises(RuntimeError, match=r"^shape mismatch: value tensor of shape \[3\] "
                                               r"cannot be broadcast to indexing result of "
                                               r"shape \[2, 4\]$"):
            y[cr.tensor([0, 1])] = cr.ones(3)
    with pytest.raises(RuntimeError, match=r"masked_scatter.*Float and Long"):
        X.masked_scatter(X > 4, cr.arange(10))
    with pytest.raises(RuntimeError, match=r"expected src to have a size equal to the slice"):
        cr.slice_scatter(X, cr.ones(3, 1), 1, step=2)
