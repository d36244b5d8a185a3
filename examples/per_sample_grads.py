"""Per-sample gradients with torch.func: grad of a one-sample loss, vmapped over the batch.

Differential privacy and gradient-noise studies need the gradient of every example separately.
A loop of backward passes gives them, slowly; `vmap(grad(loss))` gives all of them in one
batched computation. `functional_call` runs the model with parameters passed in as a dict.
(This is the torch.func tutorial, run with chainrule.)

Run: python examples/per_sample_grads.py
"""

import chainrule as torch
import chainrule.nn.functional as F
from chainrule.func import functional_call, grad, vmap


def make_model():
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Linear(5, 8), torch.nn.Tanh(), torch.nn.Linear(8, 3))


def main(batch=16):
    model = make_model()
    data = torch.randn(batch, 5)
    targets = torch.randint(0, 3, (batch,))
    params = {k: v.detach() for k, v in model.named_parameters()}

    def compute_loss(params, sample, target):
        predictions = functional_call(model, params, (sample.unsqueeze(0),))
        return F.cross_entropy(predictions, target.unsqueeze(0))

    per_sample = vmap(grad(compute_loss), in_dims=(None, 0, 0))(params, data, targets)
    for name, g in per_sample.items():
        print(f"{name:10s} per-sample gradients: {tuple(g.shape)}")

    # the slow way, one backward per sample
    worst = 0.0
    for i in range(batch):
        model.zero_grad()
        F.cross_entropy(model(data[i:i + 1]), targets[i:i + 1]).backward()
        for name, p in model.named_parameters():
            worst = max(worst, (per_sample[name][i] - p.grad).abs().max().item())
    print(f"max difference from a loop of backward passes: {worst:.1e}")
    return {"per_sample": per_sample, "max_diff": worst, "batch": batch}


if __name__ == "__main__":
    main()
