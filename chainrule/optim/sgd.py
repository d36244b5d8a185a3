"""SGD with momentum, dampening, Nesterov momentum, weight decay and maximize (PyTorch's)."""

import numpy as np

from .._tensor import Tensor
from .optimizer import Optimizer, _to_scalar, check_hyper


class SGD(Optimizer):
    """Stochastic gradient descent.

    g = grad (+ weight_decay * p); with momentum: buf = momentum * buf + (1 - dampening) * g
    (buf = g on the first step) and g = g + momentum * buf (nesterov) or g = buf;
    then p = p - lr * g.

    >>> import chainrule as torch
    >>> from chainrule import optim
    >>> w = torch.tensor([1.0, -2.0], requires_grad=True)
    >>> opt = optim.SGD([w], lr=0.1)
    >>> (w * w).sum().backward()
    >>> opt.step()
    >>> w
    tensor([ 0.8000, -1.6000], requires_grad=True)
    """

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False,
                 *, maximize=False, foreach=None, differentiable=False, fused=None):
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        check_hyper("learning rate", lr)
        check_hyper("momentum value", momentum)
        check_hyper("weight_decay value", weight_decay)
        defaults = {"lr": lr, "momentum": momentum, "dampening": dampening,
                    "weight_decay": weight_decay, "nesterov": nesterov, "maximize": maximize,
                    "foreach": foreach, "differentiable": differentiable, "fused": fused}
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("nesterov", False)
            group.setdefault("maximize", False)
            group.setdefault("foreach", None)
            group.setdefault("differentiable", False)
            group.setdefault("fused", False)

    def _update(self, group, params, grads, states):
        lr = _to_scalar(group["lr"])
        wd = _to_scalar(group["weight_decay"])
        momentum, dampening = group["momentum"], group["dampening"]
        maximize = group["maximize"]
        if wd == 0 and momentum == 0 and not maximize:  # plain SGD: the loop below, minus its tests
            neg_lr = -lr
            for p, g in zip(params, grads):
                x = p._data
                np.add(x, neg_lr * g, out=x)
            return
        for p, g, state in zip(params, grads, states):
            x = p._data
            g = -g if maximize else g
            if wd != 0:
                g = g + wd * x
            if momentum != 0:
                buf = state.get("momentum_buffer")
                if buf is None:
                    buf = state["momentum_buffer"] = Tensor._make(np.array(g, copy=True))
                else:
                    buf._data[...] = buf._data * momentum + (1 - dampening) * g
                    buf._vc[0] += 1
                g = g + momentum * buf._data if group["nesterov"] else buf._data
            np.add(x, (-lr) * g, out=x)  # in place: one temporary fewer (H8, issue 6)
