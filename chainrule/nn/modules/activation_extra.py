"""Further activation-like layers: PReLU, Hardshrink, Softshrink, Softmax2d, ChannelShuffle.

Wrappers over F.prelu, F.hardshrink, F.softshrink, F.softmax and F.channel_shuffle, with
PyTorch's constructor arguments, initialisation (PReLU weight 0.25) and reprs.

    >>> import chainrule as torch
    >>> from chainrule import nn
    >>> nn.PReLU()(torch.tensor([-2.0, 3.0])).detach()
    tensor([-0.5000,  3.0000])
    >>> nn.Softshrink(0.5)(torch.tensor([-1.0, 0.2, 2.0]))
    tensor([-0.5000,  0.0000,  1.5000])
"""

from ... import _factories
from .. import functional as F
from .. import init
from ..parameter import Parameter
from .module import Module

__all__ = ["ChannelShuffle", "Hardshrink", "PReLU", "Softmax2d", "Softshrink"]


class PReLU(Module):
    """max(0, x) + weight * min(0, x) with a learnable weight (1 or num_parameters = channels),
    initialised to `init` (0.25)."""

    def __init__(self, num_parameters=1, init=0.25, device=None, dtype=None):
        self.__dict__["num_parameters"] = num_parameters
        super().__init__()
        self.init = init
        self.weight = Parameter(_factories.empty(num_parameters, dtype=dtype))
        self.reset_parameters()

    def reset_parameters(self):
        init.constant_(self.weight, self.init)

    def forward(self, input):
        return F.prelu(input, self.weight)

    def extra_repr(self):
        return f"num_parameters={self.num_parameters}"


class Hardshrink(Module):
    """x where |x| > lambd, 0 elsewhere."""

    def __init__(self, lambd=0.5):
        super().__init__()
        self.lambd = lambd

    def forward(self, input):
        return F.hardshrink(input, self.lambd)

    def extra_repr(self):
        return f"{self.lambd}"


class Softshrink(Module):
    """x - lambd where x > lambd, x + lambd where x < -lambd, 0 elsewhere."""

    def __init__(self, lambd=0.5):
        super().__init__()
        self.lambd = lambd

    def forward(self, input):
        return F.softshrink(input, self.lambd)

    def extra_repr(self):
        return str(self.lambd)


class Softmax2d(Module):
    """Softmax over the channels (dim -3) of (N, C, H, W) or (C, H, W) inputs."""

    def forward(self, input):
        if input.dim() not in (3, 4):
            raise ValueError(f"Softmax2d: expected input to be 3D or 4D, got {input.dim()}D "
                             "instead")
        return F.softmax(input, -3)


class ChannelShuffle(Module):
    """Interleave the channels of `groups` groups: (N, g * k, *) viewed as (N, g, k, *),
    transposed to (N, k, g, *) and flattened back."""

    def __init__(self, groups):
        super().__init__()
        self.groups = groups

    def forward(self, input):
        return F.channel_shuffle(input, self.groups)

    def extra_repr(self):
        return f"groups={self.groups}"
