"""Optimizer: the base class holding parameter groups and per-parameter state (torch.optim's).

Subclasses implement `_update(group, params, grads, states)`; `step()` calls it with NumPy
arrays, so an update never records a graph and writes each parameter in place (bumping its
version counter, as an in-place op under `no_grad` would). State tensors (momentum buffers,
moments, step counts) are chainrule Tensors, so `state_dict()` looks like PyTorch's.
"""

import copy
import itertools
import warnings
from collections import OrderedDict, defaultdict

import numpy as np

from .. import _dtype
from .._tensor import Tensor
from ..autograd.grad_mode import enable_grad
from ..nn.modules.module import RemovableHandle, typename

__all__ = ["Optimizer", "required"]


class _RequiredParameter:
    """Marks a hyper-parameter that each param group must specify."""

    def __repr__(self):
        return "<required parameter>"


required = _RequiredParameter()


def _to_scalar(x):
    return x.item() if isinstance(x, Tensor) else x


def scalar_dtype():
    """The dtype of the 'step' state: float64 when that is the default dtype, else float32."""
    return np.float64 if _dtype.get_default_dtype() is _dtype.float64 else np.float32


def check_hyper(name, value, *, low=0.0, message=None):
    """Raise PyTorch's ValueError for a hyper-parameter below `low`."""
    value = _to_scalar(value)
    if not low <= value:
        raise ValueError(message or f"Invalid {name}: {value}")


class Optimizer:
    """Base class: `params` is an iterable of tensors, of (name, tensor) pairs, or of dicts
    (parameter groups with their own options overriding `defaults`)."""

    def __init__(self, params, defaults):
        self.defaults = defaults
        self._optimizer_step_pre_hooks = OrderedDict()
        self._optimizer_step_post_hooks = OrderedDict()
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of "
                            "Tensors or dicts, but got " + typename(params))
        self.state = defaultdict(dict)
        self.param_groups = []
        param_groups = list(params)
        if len(param_groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for group in param_groups:
            self.add_param_group(group)

    def __getstate__(self):
        return {"defaults": self.defaults, "state": self.state,
                "param_groups": self.param_groups}

    def __setstate__(self, state):
        self.__dict__.update(state)
        self.__dict__.setdefault("_optimizer_step_pre_hooks", OrderedDict())
        self.__dict__.setdefault("_optimizer_step_post_hooks", OrderedDict())
        self.defaults.setdefault("differentiable", False)

    def __repr__(self):
        out = self.__class__.__name__ + " ("
        for i, group in enumerate(self.param_groups):
            out += f"\nParameter Group {i}\n"
            for key in sorted(group.keys()):
                if key != "params":
                    out += f"    {key}: {group[key]}\n"
        return out + ")"

    # --- parameter groups ---------------------------------------------------------------------

    def add_param_group(self, param_group):
        """Add a group of parameters (a dict with 'params' and optional option overrides)."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group)}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            param_group["params"] = [params]
        elif isinstance(params, set):
            raise TypeError("optimizer parameters need to be organized in ordered collections, "
                            "but the ordering of tensors in sets will change between runs. "
                            "Please use a list instead.")
        else:
            param_group["params"] = list(params)
        tensors, names = [], []
        for p in param_group["params"]:
            if isinstance(p, tuple):
                names.append(p[0])
                tensors.append(p[1])
            else:
                tensors.append(p)
        param_group["params"] = tensors
        if names:
            if len(names) != len(tensors):
                raise ValueError("all optimizer params should be with/without names. Some param "
                                 "names are missing")
            param_group["param_names"] = names
        for p in tensors:
            if not isinstance(p, Tensor):
                raise TypeError("optimizer can only optimize Tensors, but one of the params is "
                                + typename(p))
            if not self.defaults.get("differentiable", None) and not (p.is_leaf
                                                                       or p.retains_grad):
                raise ValueError(f"can't optimize a non-leaf Tensor (got a tensor of shape "
                                 f"{list(p.shape)} with grad_fn={p.grad_fn.name()}; pass the "
                                 "leaf parameters, e.g. model.parameters())")
        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError("parameter group didn't specify a value of required "
                                 f"optimization parameter {name}")
            param_group.setdefault(name, default)
        if len(tensors) != len({id(p) for p in tensors}):
            warnings.warn("optimizer contains a parameter group with duplicate parameters; in "
                          "future, this will cause an error; see "
                          "github.com/pytorch/pytorch/issues/40967 for more information",
                          stacklevel=3)
        seen = set()
        for group in self.param_groups:
            seen.update(id(p) for p in group["params"])
            if ("param_names" in param_group) != ("param_names" in group):
                which = "with names" if "param_names" in param_group else "without names"
                raise ValueError("all optimizer param groups should be with/without names. "
                                 f"cannot add param group {which} to the optimizer")
        if any(id(p) in seen for p in tensors):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)

    # --- gradients and steps ------------------------------------------------------------------

    def zero_grad(self, set_to_none=True):
        """Reset the gradients: to None (default) or to zeros in place."""
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                if set_to_none:
                    p.grad = None
                else:
                    if p.grad.grad_fn is not None:
                        p.grad.detach_()
                    else:
                        p.grad.requires_grad_(False)
                    p.grad.zero_()

    def register_step_pre_hook(self, hook):
        """`hook(optimizer, args, kwargs)` runs before each step."""
        handle = RemovableHandle(self._optimizer_step_pre_hooks)
        self._optimizer_step_pre_hooks[handle.id] = hook
        return handle

    def register_step_post_hook(self, hook):
        """`hook(optimizer, args, kwargs)` runs after each step."""
        handle = RemovableHandle(self._optimizer_step_post_hooks)
        self._optimizer_step_post_hooks[handle.id] = hook
        return handle

    def step(self, closure=None):
        """Update every parameter that has a gradient; `closure` (re-evaluating the loss) is
        called first, with grad enabled, and its result returned."""
        for hook in list(self._optimizer_step_pre_hooks.values()):
            hook(self, (), {})
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        state_of = self.state
        for group in self.param_groups:
            params = [p for p in group["params"] if p.grad is not None]
            if not params:
                continue
            if group.get("differentiable"):
                raise NotImplementedError(
                    f"{type(self).__name__}: differentiable=True (gradients through the update) "
                    "is not supported by chainrule")
            grads = [_grad_array(p) for p in params]
            # a parameter without state gets a fresh dict, kept only if the update fills it
            # (e.g. SGD without momentum keeps no state, as in PyTorch)
            states = [state_of.get(p) or {} for p in params]
            self._update(group, params, grads, states)
            for p, state in zip(params, states):
                p._vc[0] += 1
                if state:
                    if state_of.get(p) is not state:
                        state_of[p] = state
                elif p in state_of:
                    del state_of[p]
        self._opt_called = True
        for hook in list(self._optimizer_step_post_hooks.values()):
            hook(self, (), {})
        return loss

    def _update(self, group, params, grads, states):
        raise NotImplementedError

    # --- state dict ---------------------------------------------------------------------------

    def state_dict(self):
        """{'state': {index: per-parameter state}, 'param_groups': [group options with
        'params' as indices]}; the tensors are the live state (not copies), as in PyTorch."""
        mapping = {}
        start = 0

        def pack_group(group):
            nonlocal start
            packed = {k: v for k, v in group.items() if k != "params"}
            mapping.update({id(p): i for i, p in enumerate(group["params"], start)
                            if id(p) not in mapping})
            packed["params"] = [mapping[id(p)] for p in group["params"]]
            start += len(packed["params"])
            return packed

        param_groups = [pack_group(g) for g in self.param_groups]
        packed_state = {(mapping[id(k)] if isinstance(k, Tensor) else k): v
                        for k, v in self.state.items()}
        return {"state": packed_state, "param_groups": param_groups}

    def load_state_dict(self, state_dict):
        """Load options and state saved by `state_dict()` from an optimizer over parameters of
        the same shapes, in the same order. State tensors are copied (cast to the parameter's
        dtype), so the loaded dict and this optimizer do not share storage."""
        state_dict = dict(state_dict)
        groups = self.param_groups
        saved_groups = copy.deepcopy(state_dict["param_groups"])
        if len(groups) != len(saved_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(g["params"]) != len(s["params"]) for g, s in zip(groups, saved_groups)):
            raise ValueError("loaded state dict contains a parameter group that doesn't match "
                             "the size of optimizer's group")
        id_map = dict(zip(itertools.chain.from_iterable(g["params"] for g in saved_groups),
                          itertools.chain.from_iterable(g["params"] for g in groups)))
        state = defaultdict(dict)
        for k, v in state_dict["state"].items():
            if k in id_map:
                param = id_map[k]
                state[param] = _cast_state(param, v)
            else:
                state[k] = v
        new_groups = []
        for group, saved in zip(groups, saved_groups):
            saved["params"] = group["params"]
            if "param_names" in group and "param_names" not in saved:
                saved["param_names"] = group["param_names"]
            new_groups.append(saved)
        self.__setstate__({"state": state, "param_groups": new_groups})


def _cast_state(param, value, key=None):
    if isinstance(value, Tensor):
        data = value._data
        if key != "step" and param._data.dtype.kind == "f" and data.dtype.kind == "f":
            data = data.astype(param._data.dtype)
        return Tensor._make(np.array(data, copy=True))
    if isinstance(value, dict):
        return {k: _cast_state(param, v, k) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_cast_state(param, v) for v in value)
    return value


def _grad_array(p):
    g = p.grad
    if g._data.shape != p._data.shape:
        raise RuntimeError(f"optimizer step: the gradient of a parameter of shape "
                           f"{list(p.shape)} has shape {list(g.shape)}")
    return g._data


# --- helpers for the update rules ----------------------------------------------------------


def zeros_state(p):
    return Tensor._make(np.zeros_like(p._data))


def step_state(value=0.0):
    return Tensor._make(np.asarray(value, dtype=scalar_dtype()))


def bump_step(state):
    """state['step'] += 1 in place; returns the new step as a Python float."""
    s = state["step"]
    s._data[...] = s._data + 1
    s._vc[0] += 1
    return float(s._data)


def write(t, value):
    """Write `value` into the tensor `t`'s array in place (state and parameters)."""
    t._data[...] = value


def lerp(start, end, weight):
    """PyTorch's lerp (start + weight * (end - start), evaluated from the nearer end)."""
    if abs(weight) < 0.5:
        return start + weight * (end - start)
    return end - (end - start) * (1 - weight)


def lerp_(start, end, weight):
    """lerp written into `start` (same roundings as `lerp`)."""
    diff = end - start
    if abs(weight) < 0.5:
        diff *= weight
        start += diff
    else:
        diff *= 1 - weight
        np.subtract(end, diff, out=start)
