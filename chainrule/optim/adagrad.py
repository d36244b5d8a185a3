"""Adagrad (lr_decay, weight decay, initial_accumulator_value, eps, maximize), as in PyTorch."""

import numpy as np

from .._tensor import Tensor
from .optimizer import Optimizer, _to_scalar, bump_step, check_hyper, step_state


class Adagrad(Optimizer):
    """s += g * g; p -= clr * g / (sqrt(s) + eps), clr = lr / (1 + (t - 1) * lr_decay).

    The state (step and sum) is created for every parameter at construction, as in PyTorch.
    """

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0,
                 eps=1e-10, foreach=None, *, maximize=False, differentiable=False, fused=None):
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        check_hyper("learning rate", lr)
        check_hyper("lr_decay value", lr_decay)
        check_hyper("weight_decay value", weight_decay)
        check_hyper("initial_accumulator_value value", initial_accumulator_value)
        check_hyper("epsilon value", eps)
        defaults = dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                        initial_accumulator_value=initial_accumulator_value, foreach=foreach,
                        maximize=maximize, differentiable=differentiable, fused=fused)
        super().__init__(params, defaults)
        for group in self.param_groups:
            for p in group["params"]:
                state = self.state[p]
                state["step"] = step_state()
                state["sum"] = Tensor._make(np.full_like(p._data,
                                                         group["initial_accumulator_value"]))

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("foreach", None)
            group.setdefault("maximize", False)
            group.setdefault("differentiable", False)
            group.setdefault("fused", None)

    def _update(self, group, params, grads, states):
        lr = _to_scalar(group["lr"])
        wd, lr_decay, eps = group["weight_decay"], group["lr_decay"], group["eps"]
        for p, g, state in zip(params, grads, states):
            if len(state) == 0:  # a group added after construction
                state["step"] = step_state()
                state["sum"] = Tensor._make(np.full_like(p._data,
                                                         group["initial_accumulator_value"]))
            x = p._data
            step = bump_step(state)
            g = -g if group["maximize"] else g
            if wd != 0:
                g = g + wd * x
            clr = lr / (1 + (step - 1) * lr_decay)
            s = state["sum"]
            s._data[...] = s._data + 1 * g * g
            s._vc[0] += 1
            std = np.sqrt(s._data) + eps
            x[...] = x + (-clr) * g / std
