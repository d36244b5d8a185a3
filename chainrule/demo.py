"""The end-to-end demo: train a small CNN on scikit-learn's handwritten digits.

Run it with `make demo`, `python -m chainrule demo` or the `chainrule demo` console script.
It uses only chainrule's PyTorch-style API (nn.Conv2d, nn.MaxPool2d, F.cross_entropy,
optim.Adam, utils.data), trains for a few epochs with a tqdm progress bar per epoch, prints the
held-out test accuracy, and writes into its output folder:

    demo_curves.png          loss and accuracy per epoch (matplotlib)
    training_step.mmd        the Mermaid graph of one training step (chainrule.viz.to_mermaid)
    training_step_memory.txt bytes that step saves for backward, per op (viz.memory_report)
    digits_cnn.pt            the trained weights (chainrule.save; reloaded and re-checked)
    metrics.json             the numbers above, per epoch

The data set ships inside scikit-learn (1,797 8x8 images), so nothing is downloaded. The demo's
extra dependencies (scikit-learn, tqdm, matplotlib) are imported only here: `pip install
chainrule[demo]`, or `make demo`, which installs them.
"""

import json
import sys
import time
from pathlib import Path

import chainrule as torch
from chainrule import nn, optim, viz
from chainrule.nn import functional as F
from chainrule.utils.data import DataLoader, TensorDataset, random_split

__all__ = ["DEFAULTS", "build_model", "load_data", "run"]

DEFAULTS = {"epochs": 20, "batch_size": 32, "lr": 5e-3, "seed": 0, "out_dir": "demo_output"}
_MISSING = ("the demo needs {name} (and scikit-learn, tqdm, matplotlib): install them with "
            "`pip install 'chainrule[demo]'`, or run `make demo`, which does it for you")


def _require(module, name):
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as e:
        raise ImportError(_MISSING.format(name=name)) from e


def load_data(seed=0, test_fraction=0.2):
    """The digits as (train, test) datasets of (1x8x8 float32 image in [0, 1], int64 label),
    split at random with a fixed seed."""
    datasets = _require("sklearn.datasets", "scikit-learn")
    digits = datasets.load_digits()
    images = torch.tensor(digits.images / 16.0, dtype=torch.float32).unsqueeze(1)
    labels = torch.tensor(digits.target, dtype=torch.int64)
    full = TensorDataset(images, labels)
    split = torch.Generator().manual_seed(seed)
    return random_split(full, [1 - test_fraction, test_fraction], generator=split)


def build_model():
    """Two 3x3 conv blocks (8x8 -> 4x4 -> 2x2) and a two-layer classifier: 13,706 weights."""
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(32 * 2 * 2, 64), nn.ReLU(), nn.Linear(64, 10),
    )


def evaluate(model, loader):
    """Accuracy of `model` on `loader`, in eval mode and without recording a graph."""
    model.eval()
    correct = total = 0
    with torch.no_grad():
        for images, labels in loader:
            correct += (model(images).argmax(1) == labels).sum().item()
            total += labels.numel()
    return correct / total


def _train_epoch(model, loader, opt, bar, step_graph):
    """One pass over `loader`, advancing the progress `bar`; returns (mean loss, accuracy). On
    the very first step it fills `step_graph` with the graph picture and memory report (taken
    before backward frees the graph)."""
    model.train()
    seen = correct = 0
    loss_sum = 0.0
    for images, labels in loader:
        logits = model(images)
        loss = F.cross_entropy(logits, labels)
        if not step_graph:
            params = dict(model.named_parameters())
            step_graph["mermaid"] = viz.to_mermaid(loss, params=params)
            step_graph["memory"] = viz.memory_report(loss)
            step_graph["saved_bytes"] = viz.saved_bytes(loss)
        opt.zero_grad()
        loss.backward()
        opt.step()
        n = labels.numel()
        seen += n
        loss_sum += loss.item() * n
        correct += (logits.detach().argmax(1) == labels).sum().item()
        # refresh=False: the bar redraws at its own pace (a log file gets few lines)
        bar.set_postfix(loss=f"{loss_sum / seen:.4f}", acc=f"{correct / seen:.3f}",
                        refresh=False)
        bar.update(1)
    return loss_sum / seen, correct / seen


def _plot(history, path):
    matplotlib = _require("matplotlib", "matplotlib")
    matplotlib.use("Agg")
    plt = _require("matplotlib.pyplot", "matplotlib")
    ticker = _require("matplotlib.ticker", "matplotlib")
    epochs = range(1, len(history["train_loss"]) + 1)
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(10, 4))
    ax_loss.plot(epochs, history["train_loss"], "o-", label="train loss")
    ax_loss.set_xlabel("epoch")
    ax_loss.set_ylabel("cross-entropy")
    ax_loss.set_yscale("log")
    ax_loss.set_title("training loss")
    ax_loss.legend()
    ax_acc.plot(epochs, history["train_acc"], "o-", label="train accuracy")
    ax_acc.plot(epochs, history["test_acc"], "s-", label="test accuracy")
    ax_acc.axhline(0.98, color="gray", linestyle="--", linewidth=1, label="goal 98%")
    ax_acc.set_xlabel("epoch")
    ax_acc.set_ylabel("accuracy")
    ax_acc.set_ylim(min(0.8, min(history["test_acc"] + history["train_acc"]) - 0.02), 1.005)
    ax_acc.set_title("accuracy")
    for ax in (ax_loss, ax_acc):
        ax.xaxis.set_major_locator(ticker.MaxNLocator(integer=True))
    ax_acc.legend(loc="lower right")
    fig.suptitle("chainrule: a small CNN on scikit-learn's digits (8x8)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def run(epochs=None, batch_size=None, lr=None, seed=None, out_dir=None, progress=True,
        log=print):
    """Train, evaluate and write the outputs; returns a dict of the results (see metrics.json).
    Arguments default to DEFAULTS; `progress=False` hides the progress bars."""
    cfg = dict(DEFAULTS)
    given = {"epochs": epochs, "batch_size": batch_size, "lr": lr, "seed": seed,
             "out_dir": out_dir}
    cfg.update({k: v for k, v in given.items() if v is not None})
    tqdm = _require("tqdm", "tqdm").tqdm
    _require("matplotlib", "matplotlib")
    out = Path(cfg["out_dir"]).resolve()
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()

    train_set, test_set = load_data(cfg["seed"])
    torch.manual_seed(cfg["seed"])
    model = build_model()
    opt = optim.Adam(model.parameters(), lr=cfg["lr"])
    schedule = optim.lr_scheduler.CosineAnnealingLR(opt, T_max=cfg["epochs"])
    shuffle = torch.Generator().manual_seed(cfg["seed"])
    train_loader = DataLoader(train_set, batch_size=cfg["batch_size"], shuffle=True,
                              generator=shuffle)
    test_loader = DataLoader(test_set, batch_size=256)
    n_params = sum(p.numel() for p in model.parameters())
    log(f"chainrule demo: {len(train_set)} training and {len(test_set)} test images (8x8), "
        f"a CNN with {n_params:,} weights, {cfg['epochs']} epochs of Adam (lr {cfg['lr']}, "
        "cosine schedule)")

    history = {"train_loss": [], "train_acc": [], "test_acc": []}
    step_graph = {}
    for epoch in range(1, cfg["epochs"] + 1):
        desc = f"epoch {epoch:2d}/{cfg['epochs']}"
        bar = tqdm(total=len(train_loader), desc=desc, unit="batch", leave=True,
                   disable=not progress, file=sys.stderr, dynamic_ncols=True)
        loss, acc = _train_epoch(model, train_loader, opt, bar, step_graph)
        test_acc = evaluate(model, test_loader)
        bar.set_postfix(loss=f"{loss:.4f}", acc=f"{acc:.3f}", test_acc=f"{test_acc:.3f}")
        bar.close()
        schedule.step()
        history["train_loss"].append(loss)
        history["train_acc"].append(acc)
        history["test_acc"].append(test_acc)
    train_seconds = time.perf_counter() - start

    test_acc = history["test_acc"][-1]
    correct = round(test_acc * len(test_set))
    log(f"held-out test accuracy: {test_acc:.2%} ({correct}/{len(test_set)} images), "
        f"trained in {train_seconds:.1f} s")

    weights = out / "digits_cnn.pt"
    torch.save(model.state_dict(), weights)
    reloaded = build_model()
    reloaded.load_state_dict(torch.load(weights))
    reloaded_acc = evaluate(reloaded, test_loader)
    if reloaded_acc != test_acc:
        raise RuntimeError(f"reloaded weights give {reloaded_acc}, expected {test_acc}")

    curves = out / "demo_curves.png"
    _plot(history, curves)
    graph = out / "training_step.mmd"
    graph.write_text(step_graph["mermaid"] + "\n")
    memory = out / "training_step_memory.txt"
    memory.write_text(step_graph["memory"] + "\n")
    results = {**cfg, "out_dir": str(out), "n_train": len(train_set), "n_test": len(test_set),
               "n_params": n_params, "test_accuracy": test_acc, "history": history,
               "train_seconds": round(train_seconds, 2),
               "step_saved_bytes": step_graph["saved_bytes"]}
    (out / "metrics.json").write_text(json.dumps(results, indent=2) + "\n")
    log(f"wrote {curves.name}, {graph.name}, {memory.name}, {weights.name} and metrics.json "
        f"to {out}")
    return results
