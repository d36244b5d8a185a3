"""Every example in examples/ runs (loaded with runpy, its main() called) and computes what it
claims. Each takes a few seconds at most."""

import math
import runpy
from pathlib import Path

import pytest

import chainrule as torch

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _run(name, capsys, **kwargs):
    namespace = runpy.run_path(str(EXAMPLES / name))
    result = namespace["main"](**kwargs)
    return result, capsys.readouterr().out


def test_every_example_is_tested():
    tested = {"seed.py", "polynomial_fit.py", "custom_function.py", "higher_order.py",
              "forward_mode.py", "per_sample_grads.py"}
    assert {p.name for p in EXAMPLES.glob("*.py")} == tested


def test_seed(capsys):
    result, out = _run("seed.py", capsys)
    assert result["seed"] == {7: (0.0, 0.0, 0.0), 8: (1.0, -4.0, -2.0)}
    assert "target 8: loss 1.0  W.grad tensor([-4.])  b.grad tensor([-2.])" in out
    assert result["least_squares_error"] < 0.01 and "converged" in out


def test_polynomial_fit(capsys):
    result, out = _run("polynomial_fit.py", capsys)
    assert result["gap"] < 1e-4  # the learned cubic is the least-squares one
    assert abs(result["exact"][1] - 2.6915) < 1e-3 and abs(result["exact"][3] + 2.8938) < 1e-3
    assert "learned: y = " in out


def test_custom_function(capsys):
    result, out = _run("custom_function.py", capsys)
    assert result["gradcheck"] is True and result["gradgradcheck"] is True
    assert result["dp3"].tolist() == [6.0, 0.375, -1.5, 0.375, 6.0]
    assert result["p3"].tolist() == [-1.0, 0.4375, 0.0, -0.4375, 1.0]
    assert result["ste_grad"].tolist() == [1.0, 0.0, 3.0]
    assert "LegendreP3Backward" in out


def test_higher_order(capsys):
    result, out = _run("higher_order.py", capsys)
    assert result["hessian_error"] == 0.0
    assert result["newton"] == pytest.approx([1.0, 1.0], abs=1e-12)
    assert abs(result["u1"] - math.exp(-1)) < 5e-3 and result["pinn_error"] < 1e-2
    assert "tensor([[1330.,  480.]," in out


def test_forward_mode(capsys):
    result, out = _run("forward_mode.py", capsys)
    assert result["error"] < 1e-12
    assert torch.allclose(result["directional"], result["formula"].sum(1))
    assert "Jacobian by forward mode" in out


def test_per_sample_grads(capsys):
    result, out = _run("per_sample_grads.py", capsys)
    assert result["max_diff"] < 1e-5
    shapes = {k: tuple(v.shape) for k, v in result["per_sample"].items()}
    assert shapes == {"0.weight": (16, 8, 5), "0.bias": (16, 8), "2.weight": (16, 3, 8),
                      "2.bias": (16, 3)}
    assert "max difference from a loop of backward passes" in out
