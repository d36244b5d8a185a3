"""Misuse of the autograd API: each raises PyTorch's exception type with a message naming the op,
the shapes or the dtypes, and changes no state (grads, versions, data and graphs stay as they were).
"""

import numpy as np
import pytest

import chainrule as torch

D = torch.float64


def leaf(values):
    return torch.tensor(values, dtype=D, requires_grad=True)


def snapshot(*tensors):
    """Everything about the tensors that a failed call must leave alone."""
    return [
        (t._data.copy(), t._version, None if t.grad is None else t.grad._data.copy(),
         t.grad_fn, t.requires_grad)
        for t in tensors
    ]


def assert_unchanged(before, *tensors):
    for (data, version, grad, grad_fn, rg), t in zip(before, tensors):
        np.testing.assert_array_equal(t._data, data)
        assert t._version == version
        if grad is None:
            assert t.grad is None
        else:
            np.testing.assert_array_equal(t.grad._data, grad)
        assert t.grad_fn is grad_fn and t.requires_grad == rg


def with_grad(values, grad):
    t = leaf(values)
    t.grad = torch.tensor(grad, dtype=D)
    return t


# --- backward / grad -------------------------------------------------------------------------------


def test_backward_on_non_scalar_without_gradient():
    x = with_grad([1.0, 2.0], [5.0, 5.0])
    y = x * 2
    before = snapshot(x)
    with pytest.raises(RuntimeError, match=r"implicitly created only for scalar outputs.*\[2\]"):
        y.backward()
    assert_unchanged(before, x)
    y.sum().backward()  # the graph was not freed
    assert x.grad.tolist() == [7.0, 7.0]


@pytest.mark.parametrize("shape", [(3,), (1, 2), ()])
def test_gradient_of_the_wrong_shape(shape):
    x = with_grad([1.0, 2.0], [5.0, 5.0])
    y = x * x
    before = snapshot(x)
    with pytest.raises(RuntimeError, match=r"Mismatch in shape.*torch\.Size\(\[2\]\)"):
        y.backward(torch.ones(shape, dtype=D))
    assert_unchanged(before, x)
    y.backward(torch.ones(2, dtype=D))
    assert x.grad.tolist() == [7.0, 9.0]


def test_gradient_of_the_wrong_shape_in_autograd_grad():
    x = leaf([1.0, 2.0])
    with pytest.raises(RuntimeError, match=r"grad_output\[0\] has a shape of torch\.Size\(\[3\]\)"):
        torch.autograd.grad(x * 2, x, grad_outputs=torch.ones(3, dtype=D))


def test_gradient_that_is_not_a_tensor():
    x = leaf([1.0, 2.0])
    with pytest.raises(TypeError, match="gradients can be either Tensors or None, but got float"):
        (x * 2).sum().backward(1.0)
    with pytest.raises(TypeError, match="but got float"):
        (x * 2).backward([1.0, 1.0])
    assert x.grad is None


def test_backward_on_a_tensor_that_does_not_require_grad():
    t = torch.ones(2)
    with pytest.raises(RuntimeError, match="does not require grad and does not have a grad_fn"):
        t.sum().backward()
    assert t.grad is None
    x = leaf([1.0])
    with pytest.raises(RuntimeError, match="element 1 of tensors does not require grad"):
        torch.autograd.grad([(x * 2).sum(), t.sum()], [x])


def test_second_backward_through_a_freed_graph():
    x = leaf([1.0, 2.0])
    b = leaf([3.0, 4.0])
    z = (x * x).sum() + (b + 1).sum()
    z.backward()
    before = snapshot(x, b)
    with pytest.raises(RuntimeError, match="retain_graph=True") as info:
        z.backward()
    assert "second time" in str(info.value)
    assert_unchanged(before, x, b)  # b's branch ran, but nothing reached .grad


def test_second_grad_through_a_freed_graph():
    x = leaf([1.0, 2.0])
    z = (x.exp()).sum()
    torch.autograd.grad(z, x)
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        torch.autograd.grad(z, x)


def test_grad_of_an_input_not_in_the_graph():
    x, unused = leaf([1.0, 2.0]), leaf([3.0])
    before = snapshot(x, unused)
    with pytest.raises(RuntimeError, match=r"input 1.*not have been used in the graph.*"
                                           r"allow_unused=True"):
        torch.autograd.grad((x * 2).sum(), [x, unused])
    assert_unchanged(before, x, unused)


def test_grad_of_an_input_that_does_not_require_grad():
    x = leaf([1.0, 2.0])
    with pytest.raises(RuntimeError, match=r"does not require grad"):
        torch.autograd.grad((x * 2).sum(), torch.ones(2))


def test_backward_with_empty_inputs():
    x = leaf([1.0])
    with pytest.raises(RuntimeError, match="cannot be empty"):
        (x * 2).sum().backward(inputs=[])
    assert x.grad is None


def test_materialize_grads_with_allow_unused_false():
    x = leaf([1.0])
    with pytest.raises(ValueError, match="allow_unused"):
        torch.autograd.grad(x * 2, x, allow_unused=False, materialize_grads=True)


# --- requires_grad on non-floating tensors -----------------------------------------------------


@pytest.mark.parametrize("make", [
    lambda: torch.tensor([1, 2], requires_grad=True),
    lambda: torch.tensor([True], requires_grad=True),
    lambda: torch.zeros(2, dtype=torch.int64, requires_grad=True),
    lambda: torch.ones(2, dtype=torch.bool, requires_grad=True),
    lambda: torch.arange(3, requires_grad=True),
], ids=["tensor-int", "tensor-bool", "zeros-int64", "ones-bool", "arange"])
def test_factory_with_requires_grad_on_integer_or_bool(make):
    with pytest.raises(RuntimeError, match="floating point"):
        make()


@pytest.mark.parametrize("dtype", [torch.int64, torch.int32, torch.bool])
def test_requires_grad_on_integer_or_bool_tensor(dtype):
    t = torch.zeros(2, dtype=dtype)
    with pytest.raises(RuntimeError, match=f"floating point.*{dtype}"):
        t.requires_grad_()
    assert not t.requires_grad
    with pytest.raises(RuntimeError, match="floating point"):
        t.requires_grad = True
    assert not t.requires_grad
    t.requires_grad_(False)  # fine, as in PyTorch


# --- ops -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("op", [torch.add, torch.sub, torch.mul, torch.div, torch.maximum],
                         ids=["add", "sub", "mul", "div", "maximum"])
def test_shapes_that_do_not_broadcast(op):
    a = with_grad(np.ones((2, 3)).tolist(), np.zeros((2, 3)).tolist())
    b = torch.ones(4, dtype=D)
    before = snapshot(a, b)
    with pytest.raises(RuntimeError, match=r"\[2, 3\].*\[4\]"):
        op(a, b)
    assert_unchanged(before, a, b)


def test_operator_shapes_that_do_not_broadcast_name_the_op():
    with pytest.raises(RuntimeError, match=r"mul.*\[2, 3\] and \[3, 2\]"):
        torch.ones(2, 3, requires_grad=True) * torch.ones(3, 2)


@pytest.mark.parametrize("a, b, pattern", [
    ((2, 3), (4, 5), r"2x3 and 4x5"),
    ((3,), (4,), r"\[3\] and \[4\]"),
    ((2, 2, 3), (3, 3, 4), r"\[2, 2, 3\] and \[3, 3, 4\]"),
    ((2, 3), (2,), r"(\[2, 3\].*\[2\])|(2x3.*2)"),
])
def test_matmul_of_incompatible_shapes(a, b, pattern):
    x = torch.ones(a, dtype=D, requires_grad=True)
    with pytest.raises(RuntimeError, match=pattern):
        x @ torch.ones(b, dtype=D)
    assert x.grad is None and x._version == 0


def test_mm_of_incompatible_shapes():
    with pytest.raises(RuntimeError, match="mat1 and mat2 shapes cannot be multiplied"):
        torch.mm(torch.ones(2, 3), torch.ones(4, 5))


# --- in-place misuse -------------------------------------------------------------------------------


def test_in_place_on_a_leaf_that_requires_grad():
    w = with_grad([1.0, 2.0], [0.5, 0.5])
    before = snapshot(w)
    for call in (lambda: w.add_(1), lambda: w.mul_(torch.ones(2, dtype=D)),
                 lambda: w.zero_(), lambda: w.__iadd__(1), lambda: w.__setitem__(0, 5.0)):
        with pytest.raises(RuntimeError, match=r"leaf Variable that requires grad.*in-place"):
            call()
        assert_unchanged(before, w)


def test_in_place_on_a_view_of_a_leaf_that_requires_grad():
    w = leaf([1.0, 2.0, 3.0])
    before = snapshot(w)
    with pytest.raises(RuntimeError, match=r"view of a leaf Variable.*mul_"):
        w[0:2].mul_(2)
    assert_unchanged(before, w)


def test_saved_tensor_modified_before_backward():
    x = with_grad([1.0, 2.0, 3.0], [1.0, 1.0, 1.0])
    b = x * 1
    c = b * b
    b.add_(1)
    before = snapshot(x)
    with pytest.raises(RuntimeError) as info:
        c.sum().backward()
    message = str(info.value)
    assert "modified by an inplace operation" in message
    assert "MulBackward0" in message  # the op
    assert "[torch.DoubleTensor [3]]" in message  # dtype and shape
    assert "is at version 1; expected version 0" in message  # both versions
    assert_unchanged(before, x)


def test_saved_output_modified_before_backward():
    x = leaf([1.0, 2.0])
    y = x.exp()
    with torch.no_grad():
        y.mul_(2)
    with pytest.raises(RuntimeError, match=r"output of ExpBackward0, is at version 1; expected "
                                           r"version 0"):
        y.sum().backward()
    assert x.grad is None


def test_in_place_write_with_a_wrong_shape():
    t = torch.zeros(2, 3)
    with pytest.raises(RuntimeError, match=r"add_?: .*\[2, 3\]"):
        t.add_(torch.ones(4))
    assert t._version == 0 and t.tolist() == [[0.0] * 3] * 2
    with pytest.raises(RuntimeError, match=r"doesn't match the broadcast shape \[3, 2, 3\]"):
        t.add_(torch.ones(3, 2, 3))
    assert t._version == 0


# --- custom Functions --------------------------------------------------------------------------


class TwoGrads(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, g):
        return g, g


class WrongShape(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, g):
        return torch.ones(3, dtype=D)


def test_function_returning_the_wrong_number_of_gradients():
    a, b = with_grad([1.0, 2.0], [1.0, 1.0]), with_grad([1.0, 2.0], [1.0, 1.0])
    z = TwoGrads.apply(a).sum() + (b * 2).sum()
    before = snapshot(a, b)
    with pytest.raises(RuntimeError, match=r"TwoGradsBackward returned an incorrect number of "
                                           r"gradients \(expected 1, got 2\)"):
        z.backward()
    assert_unchanged(before, a, b)  # b's branch ran first, but b.grad is untouched


def test_function_returning_a_wrongly_shaped_gradient():
    a, b = leaf([1.0, 2.0]), leaf([1.0, 2.0])
    z = (b * 2).sum() + WrongShape.apply(a).sum()
    with pytest.raises(RuntimeError, match=r"WrongShapeBackward returned an invalid gradient at "
                                           r"index 0 - got \[3\] but expected shape compatible "
                                           r"with \[2\]"):
        z.backward()
    assert a.grad is None and b.grad is None


def test_function_returning_a_non_tensor_gradient():
    class Bad(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return 1.0

    x = leaf([1.0])
    with pytest.raises(TypeError, match="BadBackward"):
        Bad.apply(x).sum().backward()
    assert x.grad is None


# --- hooks and retain_grad -------------------------------------------------------------------------


def test_register_hook_on_a_tensor_that_does_not_require_grad():
    t = torch.ones(2)
    with pytest.raises(RuntimeError, match="cannot register a hook on a tensor that doesn't "
                                           "require gradient"):
        t.register_hook(lambda g: g)
    assert not t.requires_grad and t._hooks is None


def test_retain_grad_on_a_tensor_that_does_not_require_grad():
    with pytest.raises(RuntimeError, match="can't retain_grad on Tensor that has "
                                           "requires_grad=False"):
        torch.ones(2).retain_grad()


# --- assigning .grad -------------------------------------------------------------------------------


def test_assigning_a_grad_of_the_wrong_shape_dtype_or_type():
    x = with_grad([1.0, 2.0], [3.0, 4.0])
    before = snapshot(x)
    with pytest.raises(RuntimeError, match=r"size '\[3\]' to a tensor of size '\[2\]'"):
        x.grad = torch.ones(3, dtype=D)
    with pytest.raises(RuntimeError, match=r"dtype torch\.float32.*dtype torch\.float64"):
        x.grad = torch.ones(2)
    with pytest.raises(TypeError, match="Tensor or None but got grad of type float"):
        x.grad = 1.0
    assert_unchanged(before, x)


# --- tensor construction -----------------------------------------------------------------------


@pytest.mark.parametrize("data, exc, pattern", [
    ([[1, 2], [3]], ValueError, "ragged|sequence"),
    ([[1.0, 2.0], [3.0, 4.0, 5.0]], ValueError, "ragged|sequence"),
    ("abc", TypeError, "str"),
    (["a", "b"], ValueError, "str"),
    ([1, "a"], TypeError, "str"),
    (None, RuntimeError, "NoneType"),
    ([1.0, None], RuntimeError, "NoneType"),
    ({1: 2}, RuntimeError, "dict"),
], ids=["ragged-int", "ragged-float", "string", "strings", "mixed-string", "None", "list-None",
        "dict"])
def test_tensor_construction_from_bad_data(data, exc, pattern):
    with pytest.raises(exc, match=pattern):
        torch.tensor(data)


def test_tensor_with_float64_dtype_keeps_float64_precision():
    # a Python float must not be rounded through float32 on its way to float64
    assert torch.tensor(0.3, dtype=D).item() == 0.3
    assert torch.tensor([0.1, 0.3], dtype=D).tolist() == [0.1, 0.3]
