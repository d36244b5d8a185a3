"""parameters_to_vector and vector_to_parameters: flatten parameters into one vector and back."""

from ..._tensor import Tensor
from ...ops import shape as sh
from ..modules.module import typename


def parameters_to_vector(parameters):
    """One 1-d tensor holding every parameter, flattened and concatenated (differentiable)."""
    return sh.cat([sh.reshape(p, (-1,)) for p in parameters])


def vector_to_parameters(vec, parameters):
    """Copy consecutive slices of the 1-d `vec` into the parameters' data (shapes preserved)."""
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected torch.Tensor, but got: {typename(vec)}")
    parameters = list(parameters)
    total = sum(p.numel() for p in parameters)
    if vec.ndim != 1 or vec.numel() != total:
        raise RuntimeError(f"vector_to_parameters: expected a 1-d vector of {total} elements "
                           f"(the parameters' total), got shape {list(vec.shape)}")
    pointer = 0
    for param in parameters:
        n = param.numel()
        param.data = Tensor._make(vec._data[pointer:pointer + n].reshape(param._data.shape))
        pointer += n
