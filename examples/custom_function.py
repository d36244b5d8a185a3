"""Custom autograd Functions: your own forward and backward, checked by gradcheck.

1. LegendreP3 (from PyTorch's tutorial): P3(x) = (5x^3 - 3x) / 2 with its derivative written by
   hand. The backward uses chainrule ops, so it is itself differentiable: gradgradcheck passes.
2. A straight-through estimator: sign() in the forward (binarized weights), the identity in
   the backward, clipped to |x| <= 1 (a deliberately "wrong" gradient that quantization-aware
   training relies on; sign's true derivative is zero almost everywhere).

Run: python examples/custom_function.py
"""

import chainrule as torch
from chainrule.autograd import gradcheck, gradgradcheck


class LegendreP3(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return 0.5 * (5 * x ** 3 - 3 * x)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output * 1.5 * (5 * x ** 2 - 1)


class BinarizeSTE(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return torch.sign(x)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output * (x.abs() <= 1)


def main():
    x = torch.linspace(-1, 1, 5, dtype=torch.float64, requires_grad=True)
    y = LegendreP3.apply(x)
    y.sum().backward()
    print(f"P3(x)        {y.detach()}")
    print(f"P3'(x)       {x.grad}")
    print(f"grad_fn      {y.grad_fn.name()}")
    inputs = (torch.randn(6, dtype=torch.float64, requires_grad=True),)
    first = gradcheck(LegendreP3.apply, inputs)
    second = gradgradcheck(LegendreP3.apply, inputs)
    print(f"gradcheck: {first}   gradgradcheck: {second}")

    w = torch.tensor([0.2, 1.7, -0.6], requires_grad=True)
    q = BinarizeSTE.apply(w)
    (q * torch.tensor([1.0, 2.0, 3.0])).sum().backward()
    print(f"sign(w) = {q.detach()}, straight-through grad = {w.grad}")
    return {"p3": y.detach(), "dp3": x.grad, "gradcheck": first, "gradgradcheck": second,
            "ste_grad": w.grad}


if __name__ == "__main__":
    main()
