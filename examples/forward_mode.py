"""Forward-mode AD: Jacobian-vector products with dual tensors (torch.autograd.forward_ad).

A dual tensor carries a tangent v next to its value; every op pushes the tangent forward, so
one forward pass gives f(x) and J(x) v together: a directional derivative costs one pass, and a
full Jacobian n passes (one per input), which beats reverse mode when outputs outnumber inputs.

Run: python examples/forward_mode.py
"""

import chainrule as torch
import chainrule.autograd.forward_ad as fwAD


def f(x):
    """R^2 -> R^3: a curve with a non-trivial Jacobian."""
    return torch.stack([x[0] * x[1], torch.sin(x[0]), torch.exp(x[1]) * x[0] ** 2])


def jacobian_formula(x):
    a, b = x.tolist()
    import math

    return torch.tensor([[b, a], [math.cos(a), 0.0],
                         [2 * a * math.exp(b), a ** 2 * math.exp(b)]], dtype=torch.float64)


def jvp(fn, x, v):
    """(fn(x), J(x) v) in one forward pass."""
    with fwAD.dual_level():
        out = fn(fwAD.make_dual(x, v))
        primal, tangent = fwAD.unpack_dual(out)
    return primal, tangent


def main():
    x = torch.tensor([0.5, -1.0], dtype=torch.float64)
    value, dir_deriv = jvp(f, x, torch.tensor([1.0, 1.0], dtype=torch.float64))
    print(f"f(x) = {value}")
    print(f"J(x) @ [1, 1] = {dir_deriv}")
    # the Jacobian, one column per forward pass
    columns = [jvp(f, x, torch.eye(2, dtype=torch.float64)[i])[1] for i in range(2)]
    forward = torch.stack(columns, dim=1)
    # the same Jacobian by reverse mode, one row per backward pass
    xr = x.clone().requires_grad_()
    y = f(xr)
    reverse = torch.stack([torch.autograd.grad(y[i], xr, retain_graph=True)[0]
                           for i in range(3)])
    print(f"Jacobian by forward mode:\n{forward}")
    print(f"Jacobian by reverse mode:\n{reverse}")
    formula = jacobian_formula(x)
    err = max((forward - formula).abs().max().item(), (reverse - formula).abs().max().item())
    print(f"max difference from the formula: {err:.1e}")
    return {"forward": forward, "reverse": reverse, "formula": formula, "error": err,
            "directional": dir_deriv}


if __name__ == "__main__":
    main()
