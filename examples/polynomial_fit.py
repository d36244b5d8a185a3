"""Fit sin(x) on [-pi, pi] with a cubic polynomial, as an nn.Module trained by an optimizer
(PyTorch's "learning PyTorch with examples" tutorial, run with chainrule), then compare the
learned coefficients with the exact least-squares solution.

Run: python examples/polynomial_fit.py
"""

import math

import numpy as np

import chainrule as torch


class Polynomial3(torch.nn.Module):
    """y = a + b t + c t^2 + d t^3 with t = x / pi (scaling keeps the problem well conditioned)."""

    def __init__(self):
        super().__init__()
        self.a = torch.nn.Parameter(torch.randn(()))
        self.b = torch.nn.Parameter(torch.randn(()))
        self.c = torch.nn.Parameter(torch.randn(()))
        self.d = torch.nn.Parameter(torch.randn(()))

    def forward(self, x):
        t = x / math.pi
        return self.a + self.b * t + self.c * t ** 2 + self.d * t ** 3

    def string(self):
        return (f"y = {self.a.item():.4f} + {self.b.item():.4f} t + {self.c.item():.4f} t^2 "
                f"+ {self.d.item():.4f} t^3   (t = x / pi)")


def main(steps=1500, lr=0.05):
    torch.manual_seed(0)
    x = torch.linspace(-math.pi, math.pi, 2000, dtype=torch.float64)
    y = torch.sin(x)
    model = Polynomial3().double()
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = torch.nn.MSELoss()
    for step in range(steps):
        loss = loss_fn(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if step % 300 == 299:
            print(f"step {step + 1:5d}  mse {loss.item():.6f}")
    print("learned: " + model.string())

    t = x.numpy() / math.pi
    design = np.stack([t ** 0, t, t ** 2, t ** 3], axis=1)
    exact, *_ = np.linalg.lstsq(design, y.numpy(), rcond=None)
    learned = np.array([p.item() for p in (model.a, model.b, model.c, model.d)])
    print("exact:   y = " + " + ".join(f"{c:.4f} t^{i}" for i, c in enumerate(exact)))
    gap = float(np.abs(learned - exact).max())
    print(f"max |learned - exact| coefficient: {gap:.2e}")
    return {"learned": learned, "exact": exact, "gap": gap, "mse": loss.item()}


if __name__ == "__main__":
    main()
