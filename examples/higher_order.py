"""Higher-order derivatives by differentiating the backward pass (create_graph=True).

1. The Hessian of the Rosenbrock function, row by row, checked against the formula, and
   Newton's method with it: from (-1.2, 1) to the minimum (1, 1) in a handful of steps.
2. A physics-informed loss: a small network u(t) learns the solution of u' = -u, u(0) = 1 on
   [0, 2] from the equation alone (no samples of the solution). Training differentiates a loss
   that contains du/dt, itself a derivative: the second-order path through every layer.

Run: python examples/higher_order.py
"""

import math

import chainrule as torch


def rosenbrock(p):
    x, y = p[0], p[1]
    return (1 - x) ** 2 + 100 * (y - x ** 2) ** 2


def hessian(f, p):
    """d^2 f / dp^2 by differentiating each entry of the gradient once more."""
    p = p.detach().requires_grad_()
    (g,) = torch.autograd.grad(f(p), p, create_graph=True)
    rows = [torch.autograd.grad(g[i], p, retain_graph=True)[0] for i in range(p.numel())]
    return g.detach(), torch.stack(rows)


def rosenbrock_hessian_formula(x, y):
    return torch.tensor([[2 - 400 * (y - x ** 2) + 800 * x ** 2, -400 * x],
                         [-400 * x, 200.0]], dtype=torch.float64)


def newton(p, steps=8):
    for step in range(steps):
        g, H = hessian(rosenbrock, p)
        p = p - _solve2(H, g)
        print(f"newton step {step + 1}: p = {p.tolist()}, f = {rosenbrock(p).item():.3e}")
    return p


def _solve2(H, g):
    """H^-1 g for a 2x2 H (Cramer's rule)."""
    a, b, c, d = H[0, 0], H[0, 1], H[1, 0], H[1, 1]
    det = a * d - b * c
    return torch.stack([(d * g[0] - b * g[1]) / det, (a * g[1] - c * g[0]) / det])


def physics_informed(steps=600, lr=0.02):
    """Fit u(t) with u' + u = 0 on collocation points and u(0) = 1; compare with exp(-t)."""
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(1, 16), torch.nn.Tanh(), torch.nn.Linear(16, 1))
    net = net.double()
    optimizer = torch.optim.Adam(net.parameters(), lr=lr)
    t = torch.linspace(0, 2, 41, dtype=torch.float64).reshape(-1, 1).requires_grad_()
    t0 = torch.zeros(1, 1, dtype=torch.float64)
    for step in range(steps):
        u = net(t)
        (du_dt,) = torch.autograd.grad(u.sum(), t, create_graph=True)
        residual = du_dt + u
        loss = (residual ** 2).mean() + ((net(t0) - 1) ** 2).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if step % 150 == 149:
            print(f"pinn step {step + 1:4d}  loss {loss.item():.2e}")
    with torch.no_grad():
        grid = torch.linspace(0, 2, 9, dtype=torch.float64).reshape(-1, 1)
        err = (net(grid) - torch.exp(-grid)).abs().max().item()
        u1 = net(torch.ones(1, 1, dtype=torch.float64)).item()
    print(f"u(1) = {u1:.4f}  (exact e^-1 = {math.exp(-1):.4f}), max error on [0, 2]: {err:.4f}")
    return u1, err


def main():
    p = torch.tensor([-1.2, 1.0], dtype=torch.float64)
    _, H = hessian(rosenbrock, p)
    formula = rosenbrock_hessian_formula(-1.2, 1.0)
    print(f"Hessian at (-1.2, 1) by double backward:\n{H}")
    print(f"by the formula:\n{formula}")
    hessian_error = (H - formula).abs().max().item()
    p_min = newton(p)
    u1, pinn_error = physics_informed()
    return {"hessian_error": hessian_error, "newton": p_min.tolist(), "u1": u1,
            "pinn_error": pinn_error}


if __name__ == "__main__":
    main()
