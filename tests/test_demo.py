"""The demo (chainrule/demo.py, `python -m chainrule demo`): a short run learns and writes every
output; the command line parses its options and explains a missing dependency. The full run
(20 epochs, >= 98% test accuracy) is `make demo`; its numbers are in the README."""

import importlib
import json

import pytest

from chainrule import __main__ as cli
from chainrule import demo


def test_a_short_run_learns_and_writes_all_outputs(tmp_path, capsys):
    out = tmp_path / "out"
    result = demo.run(epochs=3, out_dir=out, progress=False)
    printed = capsys.readouterr().out
    assert result["n_train"] == 1438 and result["n_test"] == 359
    assert result["n_params"] == 13706
    history = result["history"]
    assert len(history["test_acc"]) == 3
    assert history["train_loss"][-1] < history["train_loss"][0] / 2  # it learns
    assert result["test_accuracy"] > 0.85  # chance is 0.10
    assert f"held-out test accuracy: {result['test_accuracy']:.2%}" in printed
    assert str(out.resolve()) in printed

    names = {p.name for p in out.iterdir()}
    assert names == {"demo_curves.png", "training_step.mmd", "training_step_memory.txt",
                     "digits_cnn.pt", "metrics.json"}
    assert (out / "demo_curves.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    graph = (out / "training_step.mmd").read_text()
    assert graph.startswith("flowchart TB")
    for name in ("NllLossBackward0", "ConvolutionBackward0", "MaxPool2DWithIndicesBackward0",
                 "0.weight<br/>[16, 1, 3, 3] float32"):
        assert name in graph
    memory = (out / "training_step_memory.txt").read_text()
    assert memory.splitlines()[-1].startswith("total")
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["test_accuracy"] == result["test_accuracy"]
    assert metrics["step_saved_bytes"] > 0


def test_the_split_and_the_model_are_fixed_by_the_seed():
    train_a, test_a = demo.load_data(seed=0)
    _, test_b = demo.load_data(seed=0)
    assert list(test_a.indices) == list(test_b.indices)
    assert list(demo.load_data(seed=1)[1].indices) != list(test_a.indices)
    image, label = train_a[0]
    assert tuple(image.shape) == (1, 8, 8) and 0.0 <= image.min().item() <= 1.0
    assert repr(label.dtype) == "torch.int64"


def test_command_line(tmp_path, capsys):
    assert cli.main(["demo", "--epochs", "1", "--out", str(tmp_path / "o"),
                     "--no-progress", "--batch-size", "64", "--lr", "0.01"]) == 0
    printed = capsys.readouterr().out
    assert "1 epochs of Adam (lr 0.01" in printed and (tmp_path / "o" / "metrics.json").exists()
    assert json.loads((tmp_path / "o" / "metrics.json").read_text())["batch_size"] == 64
    assert cli.main(["version"]) == 0
    assert capsys.readouterr().out.strip() == "0.1.0"
    assert cli.main([]) == 2
    assert "demo" in capsys.readouterr().out


def test_a_missing_dependency_is_explained(tmp_path, capsys, monkeypatch):
    real_import = importlib.import_module

    def no_tqdm(name, *args):
        if name == "tqdm":
            raise ImportError("No module named 'tqdm'")
        return real_import(name, *args)

    monkeypatch.setattr(importlib, "import_module", no_tqdm)
    with pytest.raises(ImportError, match=r"the demo needs tqdm .*pip install 'chainrule\[demo\]'"
                                          r".*make demo"):
        demo.run(epochs=1, out_dir=tmp_path / "x", progress=False)
    assert cli.main(["demo", "--epochs", "1", "--out", str(tmp_path / "y")]) == 2
    assert "the demo needs tqdm" in capsys.readouterr().err
