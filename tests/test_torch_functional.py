"""torch.<name> aliases of nn.functional ops, with the top-level signatures (values from
torch 2.13)."""

import numpy as np

import chainrule as torch
import chainrule.nn.functional as F


def _x():
    return torch.tensor([[1.0, 2.0], [0.5, -1.0], [3.0, 0.0]], requires_grad=True)


def test_same_signature_aliases_are_the_functional_ops():
    for name in ("conv1d", "conv2d", "max_pool2d", "cosine_similarity", "pdist", "threshold",
                 "pixel_shuffle", "selu", "prelu", "rms_norm"):
        assert getattr(torch, name) is getattr(F, name)


def test_top_level_signatures_match_pytorch():
    x = _x()
    w = torch.arange(12.0).reshape(4, 3)
    assert torch.embedding(w, torch.tensor([1, 3])).tolist() == [[3, 4, 5], [9, 10, 11]]
    assert torch.embedding(w, torch.tensor([1, 3]), 1).tolist() == [[3, 4, 5], [9, 10, 11]]
    assert torch.dropout(x, 0.5, False).tolist() == x.tolist()
    assert torch.dropout(x, 1.0, True).tolist() == [[0, 0], [0, 0], [0, 0]]
    np.testing.assert_allclose(torch.layer_norm(x, (2,)).detach().numpy(),
                               [[-1.0, 1.0], [1.0, -1.0], [1.0, -1.0]], atol=1e-4)
    out = torch.batch_norm(x, None, None, torch.zeros(2), torch.ones(2), False, 0.1, 1e-5, True)
    np.testing.assert_allclose(out.detach().numpy(), x.detach().numpy(), rtol=1e-5)
    out = torch.batch_norm(x, torch.tensor([2.0, 1.0]), torch.tensor([0.0, 1.0]),
                           torch.zeros(2), torch.ones(2), False, 0.1, 0.0, True)
    assert out.tolist() == [[2.0, 3.0], [1.0, 0.0], [6.0, 1.0]]
    assert torch.conv1d(torch.ones(1, 1, 5), torch.ones(1, 1, 3)).tolist() == [[[3, 3, 3]]]


def test_pdist_at_p0_has_zero_gradients():
    x = _x()
    y = torch.pdist(x, 0)
    assert y.tolist() == [2.0, 2.0, 2.0]
    y.sum().backward()
    assert x.grad.tolist() == [[0.0, 0.0]] * 3
    np.testing.assert_allclose(torch.pdist(_x(), 2).detach().numpy(),
                               [3.0414, 2.8284, 2.6926], atol=1e-4)
