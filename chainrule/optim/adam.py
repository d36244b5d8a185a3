"""Adam (with amsgrad, weight decay, maximize) and the decoupled-weight-decay variant used by
AdamW, following PyTorch's single-tensor implementation operation by operation."""

import numpy as np

from .._tensor import Tensor
from .optimizer import (
    Optimizer,
    _to_scalar,
    bump_step,
    check_hyper,
    lerp_,
    step_state,
    zeros_state,
)


class Adam(Optimizer):
    """Adam: m = lerp(m, g, 1 - beta1); v = beta2 * v + (1 - beta2) * g * g;
    p -= lr / (1 - beta1**t) * m / (sqrt(v) / sqrt(1 - beta2**t) + eps).

    weight_decay adds weight_decay * p to g (L2), or with decoupled_weight_decay=True (AdamW)
    scales p by 1 - lr * weight_decay first; amsgrad uses the running maximum of v.
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 amsgrad=False, *, foreach=None, maximize=False, capturable=False,
                 differentiable=False, fused=None, decoupled_weight_decay=False):
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        check_hyper("learning rate", lr)
        check_hyper("epsilon value", eps)
        b1, b2 = (_to_scalar(b) for b in betas)
        if not 0.0 <= b1 < 1.0:
            raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
        if not 0.0 <= b2 < 1.0:
            raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")
        check_hyper("weight_decay value", weight_decay)
        if not ((isinstance(betas[0], float) and isinstance(betas[1], float))
                or (isinstance(betas[0], Tensor) and isinstance(betas[1], Tensor))):
            raise ValueError("betas must be either both floats or both Tensors")
        defaults = dict(lr=lr, betas=(b1, b2), eps=eps, weight_decay=weight_decay,
                        amsgrad=amsgrad, maximize=maximize, foreach=foreach,
                        capturable=capturable, differentiable=differentiable, fused=fused,
                        decoupled_weight_decay=decoupled_weight_decay)
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("amsgrad", False)
            group.setdefault("maximize", False)
            group.setdefault("foreach", None)
            group.setdefault("capturable", False)
            group.setdefault("differentiable", False)
            group.setdefault("decoupled_weight_decay", False)
            group.setdefault("fused", None)

    def _update(self, group, params, grads, states):
        lr = _to_scalar(group["lr"])
        beta1, beta2 = (_to_scalar(b) for b in group["betas"])
        wd, eps = group["weight_decay"], group["eps"]
        for p, g, state in zip(params, grads, states):
            if len(state) == 0:
                state["step"] = step_state()
                state["exp_avg"] = zeros_state(p)
                state["exp_avg_sq"] = zeros_state(p)
                if group["amsgrad"]:
                    state["max_exp_avg_sq"] = zeros_state(p)
            x = p._data
            g = -g if group["maximize"] else g
            step = bump_step(state)
            if wd != 0:
                if group["decoupled_weight_decay"]:
                    x[...] = x * (1 - lr * wd)
                else:
                    g = g + wd * x
            m, v = state["exp_avg"], state["exp_avg_sq"]
            # in-place NumPy calls, each rounding exactly as PyTorch's kernel step does:
            # m = lerp(m, g, 1 - beta1); v = v * beta2 + ((1 - beta2) * g) * g
            lerp_(m._data, g, 1 - beta1)
            v._data *= beta2
            tmp = g * (1 - beta2)
            tmp *= g
            v._data += tmp
            m._vc[0] += 1
            v._vc[0] += 1
            bias_correction1 = 1 - beta1 ** step
            bias_correction2 = 1 - beta2 ** step
            step_size = lr / bias_correction1
            bias_correction2_sqrt = bias_correction2 ** 0.5
            second = v._data
            if group["amsgrad"]:
                vmax = state["max_exp_avg_sq"]
                np.maximum(vmax._data, v._data, out=vmax._data)
                vmax._vc[0] += 1
                second = vmax._data
            denom = np.sqrt(second)
            denom /= bias_correction2_sqrt
            denom += eps
            # p = p + ((-step_size) * m) / denom  (addcdiv)
            update = m._data * (-step_size)
            update /= denom
            x += update
