"""RMSprop (alpha, eps, weight decay, momentum, centered, maximize), as in PyTorch."""

import numpy as np

from .._tensor import Tensor
from .optimizer import Optimizer, _to_scalar, bump_step, check_hyper, lerp, step_state, zeros_state


class RMSprop(Optimizer):
    """v = alpha * v + (1 - alpha) * g * g; avg = sqrt(v - mean_g**2 if centered else v) + eps;
    p -= lr * g / avg (or through a momentum buffer b = momentum * b + g / avg)."""

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0,
                 centered=False, capturable=False, foreach=None, maximize=False,
                 differentiable=False):
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        check_hyper("learning rate", lr)
        check_hyper("epsilon value", eps)
        check_hyper("momentum value", momentum)
        check_hyper("weight_decay value", weight_decay)
        check_hyper("alpha value", alpha)
        defaults = dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps, centered=centered,
                        weight_decay=weight_decay, capturable=capturable, foreach=foreach,
                        maximize=maximize, differentiable=differentiable)
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("momentum", 0)
            group.setdefault("centered", False)
            group.setdefault("foreach", None)
            group.setdefault("maximize", False)
            group.setdefault("differentiable", False)
            group.setdefault("capturable", False)

    def _update(self, group, params, grads, states):
        lr = _to_scalar(group["lr"])
        alpha, eps, wd = group["alpha"], group["eps"], group["weight_decay"]
        momentum = group["momentum"]
        for p, g, state in zip(params, grads, states):
            if len(state) == 0:
                state["step"] = step_state()
                state["square_avg"] = zeros_state(p)
                if momentum > 0:
                    state["momentum_buffer"] = zeros_state(p)
                if group["centered"]:
                    state["grad_avg"] = zeros_state(p)
            x = p._data
            g = -g if group["maximize"] else g
            bump_step(state)
            if wd != 0:
                g = g + wd * x
            sq = state["square_avg"]
            sq._data[...] = sq._data * alpha + (1 - alpha) * g * g
            sq._vc[0] += 1
            if group["centered"]:
                ga = state["grad_avg"]
                ga._data[...] = lerp(ga._data, g, 1 - alpha)
                ga._vc[0] += 1
                avg = np.sqrt(sq._data + (-1) * ga._data * ga._data)
            else:
                avg = np.sqrt(sq._data)
            avg = avg + eps
            if momentum > 0:
                buf = state["momentum_buffer"]
                buf._data[...] = buf._data * momentum + g / avg
                buf._vc[0] += 1
                x[...] = x + (-lr) * buf._data
            else:
                x[...] = x + (-lr) * g / avg
