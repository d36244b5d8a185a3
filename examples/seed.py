"""The seed example (the gradients of one linear neuron's squared error, by hand and by
backward), then a least-squares fit trained by plain gradient descent.

Run: python examples/seed.py
"""

import chainrule as torch


def seed_example():
    print("== the seed example: y_hat = W * x + b, loss = (y_hat - target) ** 2")
    grads = {}
    for target in (7, 8):
        x = torch.tensor([2.0], requires_grad=True)
        W = torch.tensor([3.0], requires_grad=True)
        b = torch.tensor([1.0], requires_grad=True)
        y_hat = W * x + b
        loss = (y_hat - target) ** 2
        loss.backward()
        print(f"target {target}: loss {loss.item():.1f}  W.grad {W.grad}  b.grad {b.grad}")
        grads[target] = (loss.item(), W.grad.item(), b.grad.item())
    return grads


def least_squares(steps=300, lr=0.1):
    print("\n== least squares: recover w_true from noisy y = X @ w_true + 0.5")
    torch.manual_seed(0)
    X = torch.randn(200, 3)
    w_true = torch.tensor([1.5, -2.0, 0.7])
    y = X @ w_true + 0.5 + 0.01 * torch.randn(200)
    w = torch.zeros(3, requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    for step in range(steps + 1):
        loss = ((X @ w + b - y) ** 2).mean()
        loss.backward()
        with torch.no_grad():
            w -= lr * w.grad
            b -= lr * b.grad
        w.grad = None
        b.grad = None
        if step % 50 == 0:
            print(f"step {step:4d}  loss {loss.item():.6f}")
    print(f"learned w {w.detach()}  b {b.detach()}")
    print(f"true    w {w_true}  b 0.5")
    err = (w.detach() - w_true).abs().max().item()
    assert err < 0.01, f"did not converge (max error {err})"
    print(f"converged: max |w - w_true| = {err:.4f}")
    return err


def main():
    return {"seed": seed_example(), "least_squares_error": least_squares()}


if __name__ == "__main__":
    main()
