"""The user-facing entry points of the engine: autograd.backward and autograd.grad."""

import warnings

import numpy as np

from . import engine
from . import graph as _graph


def _as_list(x):
    if x is None:
        return None
    if isinstance(x, (list, tuple)):
        return list(x)
    return [x]


def _seeds(outputs, grad_outputs, create_graph, who):
    """The gradient each output starts with; checks shapes, dtypes and that outputs need grad."""
    Tensor = _graph.Tensor

    if grad_outputs is None:
        grad_outputs = [None] * len(outputs)
    for g in grad_outputs:
        if g is not None and not isinstance(g, Tensor):
            raise TypeError(
                f"{who}: gradients can be either Tensors or None, but got {type(g).__name__}"
            )
    if len(grad_outputs) != len(outputs):
        raise RuntimeError(
            f"{who}: got {len(grad_outputs)} gradients for {len(outputs)} outputs"
        )
    roots, seeds = [], []
    for i, (out, g) in enumerate(zip(outputs, grad_outputs)):
        if not isinstance(out, Tensor):
            raise TypeError(f"{who}: outputs must be tensors, got {type(out).__name__}")
        if not out._rg:
            raise RuntimeError(
                f"element {i} of tensors does not require grad and does not have a grad_fn"
            )
        if g is None:
            if out._data.size != 1:
                raise RuntimeError(
                    "grad can be implicitly created only for scalar outputs (the output has "
                    f"shape {list(out._data.shape)}; pass gradient=, or call .sum() first)"
                )
            g = np.ones_like(out._data)
            g = Tensor._make(g) if create_graph else g
        else:
            if g._data.shape != out._data.shape:
                raise RuntimeError(
                    f"Mismatch in shape: grad_output[{i}] has a shape of "
                    f"torch.Size({list(g._data.shape)}) and output[{i}] has a shape of "
                    f"torch.Size({list(out._data.shape)})."
                )
            if (g._data.dtype.kind == "c") != (out._data.dtype.kind == "c"):
                raise RuntimeError(
                    f"For complex Tensors, both grad_output and output are required to have the "
                    f"same dtype. Mismatch in dtype: grad_output[{i}] has a dtype of {g.dtype} "
                    f"and output[{i}] has a dtype of {out.dtype}."
                )
            if not create_graph:
                # a private copy in the output's dtype: the engine may accumulate into it
                g = np.array(g._data, dtype=out._data.dtype, copy=True)
            elif g._data.dtype != out._data.dtype:
                g = g.to(out.dtype)
        roots.append(out._edge()[:2])
        seeds.append(g)
    return roots, seeds


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, inputs=None):
    """Accumulate the gradients of `tensors` into `.grad` of the leaves (or of `inputs`)."""
    tensors = _as_list(tensors)
    if retain_graph is None:
        retain_graph = create_graph
    if create_graph:
        warnings.warn(
            "Using backward() with create_graph=True will create a reference cycle between the "
            "parameter and its gradient which can cause a memory leak. We recommend using "
            "autograd.grad when creating the graph to avoid this. If you have to use this "
            "function, make sure to reset the .grad fields of your parameters to None after use "
            "to break the cycle and avoid the leak.", UserWarning, stacklevel=3)
    roots, seeds = _seeds(tensors, _as_list(grad_tensors), create_graph, "backward")
    if inputs is None:
        engine.execute(roots, seeds, retain_graph, create_graph)
        return
    inputs = _as_list(inputs)
    if not inputs:
        raise RuntimeError("backward: 'inputs' argument to backward() cannot be empty.")
    targets = []
    for t in inputs:
        if not t._rg:
            raise RuntimeError("backward: one of the differentiated Tensors does not require grad")
        targets.append(t._edge()[:2])
    captured = engine.execute(roots, seeds, retain_graph, create_graph, targets, capture=False)
    for t, key in zip(inputs, targets):
        g = captured.get(key)
        if g is not None and t.grad_fn is not None:
            engine._accumulate_into(t, g, create_graph)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
         only_inputs=True, allow_unused=None, is_grads_batched=False, materialize_grads=False):
    """The gradients of `outputs` with respect to `inputs`, returned as a tuple (no .grad set).

    >>> import chainrule as torch
    >>> x = torch.tensor(3.0, requires_grad=True)
    >>> (dx,) = torch.autograd.grad(x ** 3, x, create_graph=True)
    >>> dx, torch.autograd.grad(dx, x)[0]
    (tensor(27., grad_fn=<MulBackward0>), tensor(18.))
    """
    Tensor = _graph.Tensor

    if is_grads_batched:
        raise NotImplementedError("grad: is_grads_batched=True is not supported yet")
    outputs = _as_list(outputs)
    inputs = _as_list(inputs)
    if materialize_grads and allow_unused is False:
        raise ValueError(
            "Expected allow_unused to be True or not passed when materialize_grads=True, but "
            "got: allow_unused=False."
        )
    if allow_unused is None:
        allow_unused = materialize_grads
    if retain_graph is None:
        retain_graph = create_graph
    for i, t in enumerate(inputs):
        if not isinstance(t, Tensor):
            raise TypeError(f"grad: inputs must be tensors, got {type(t).__name__} at {i}")
        if not t._rg:
            raise RuntimeError(f"One of the differentiated Tensors (input {i}, shape "
                               f"{list(t._data.shape)}) does not require grad")
    roots, seeds = _seeds(outputs, _as_list(grad_outputs), create_graph, "grad")
    targets = [t._edge()[:2] for t in inputs]
    captured = engine.execute(roots, seeds, retain_graph, create_graph, targets, capture=True)
    result = []
    for i, (t, key) in enumerate(zip(inputs, targets)):
        g = captured.get(key)
        if g is None:
            if materialize_grads:
                result.append(Tensor._make(np.zeros_like(t._data)))
                continue
            if not allow_unused:
                raise RuntimeError(
                    f"One of the differentiated Tensors (input {i}, shape {list(t._data.shape)}) "
                    "appears to not have been used in the graph. Set allow_unused=True if this "
                    "is the desired behavior."
                )
            result.append(None)
            continue
        if not isinstance(g, Tensor):
            g = Tensor._make(np.asarray(g))
        result.append(g)
    return tuple(result)
