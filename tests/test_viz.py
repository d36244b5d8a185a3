"""chainrule.viz: graph pictures (Mermaid, DOT, render via Graphviz) and saved-bytes accounting."""

import os
import stat
import sys

import pytest

import chainrule as torch
from chainrule import nn, viz


def _mlp_loss():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))
    loss = model(torch.ones(2, 3)).pow(2).mean()
    return model, loss


def test_saved_bytes_counts_what_the_nodes_keep():
    x = torch.ones(10, requires_grad=True)  # float32: 40 bytes
    assert viz.saved_bytes(x.exp().sum()) == 40  # exp keeps its output; sum keeps nothing
    assert viz.saved_bytes((x + 1).sum()) == 0
    y = x.tanh()
    # the same output array saved by two nodes counts once
    assert viz.saved_bytes([y, y * 2]) == viz.saved_bytes(y)
    assert viz.saved_bytes(torch.ones(3)) == 0  # no graph


def test_saved_bytes_drop_to_zero_after_backward():
    _, loss = _mlp_loss()
    before = viz.saved_bytes(loss)
    assert before > 0
    loss.backward()
    assert viz.saved_bytes(loss) == 0


def test_saved_bytes_of_a_custom_function():
    class Square(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return 2 * x * g

    x = torch.ones(5, dtype=torch.float64, requires_grad=True)
    y = Square.apply(x)
    assert viz.saved_bytes(y) == 40
    assert "SquareBackward" in viz.memory_report(y)


def test_memory_report_table():
    x = torch.ones(4, 4, requires_grad=True)
    loss = (x.exp() @ x).sum()
    report = viz.memory_report(loss)
    lines = report.splitlines()
    assert lines[0].split() == ["op", "count", "saved", "bytes"]
    rows = {line.split()[0]: line.split()[1:] for line in lines[1:]}
    assert rows["ExpBackward0"] == ["1", "64", "B"]
    assert rows["SumBackward0"] == ["1", "0", "B"]
    assert rows["total"][0] == "3"
    total = viz.saved_bytes(loss)
    assert rows["total"][1:] == [str(total), "B"]
    big = torch.ones(1024, 1024, requires_grad=True).exp()
    assert viz.memory_report(big).splitlines()[-1].split()[-2:] == ["4.0", "MiB"]


def test_to_mermaid_shows_ops_leaves_and_output():
    model, loss = _mlp_loss()
    text = viz.to_mermaid(loss, params=dict(model.named_parameters()))
    lines = text.splitlines()
    assert lines[0] == "flowchart TB"
    for name in ("MeanBackward0", "PowBackward0", "AddmmBackward0", "ReluBackward0"):
        assert f'["{name}' in text
    assert '(["0.weight<br/>[4, 3] float32"])' in text
    assert '(["2.bias<br/>[1] float32"])' in text
    assert '[/"output<br/>[] float32"/]' in text
    # every edge names declared nodes, and each op's saved bytes are shown
    declared = {line.split("[")[0].split("(")[0].strip() for line in lines[1:]
                if "-->" not in line}
    for line in lines:
        if "-->" in line:
            src, dst = (s.strip() for s in line.split("-->"))
            assert src in declared and dst in declared
    assert "saved" in text
    assert sum("-->" in line for line in lines) == 9  # 8 graph edges + the output


def test_unnamed_leaves_and_quotes_are_escaped():
    x = torch.ones(2, requires_grad=True)
    text = viz.to_mermaid(x * 2, params={'a "quoted" name': x})
    assert "a #quot;quoted#quot; name" in text
    assert '(["leaf<br/>[2] float32"])' in viz.to_mermaid(x * 2)


def test_to_dot_is_graphviz_source():
    model, loss = _mlp_loss()
    dot = viz.to_dot(loss, params=dict(model.named_parameters()))
    assert dot.startswith("digraph chainrule {") and dot.rstrip().endswith("}")
    assert 'label="AddmmBackward0\\nsaved' in dot
    assert 'label="0.weight\\n[4, 3] float32", shape=ellipse' in dot
    assert dot.count("->") == 9


def test_a_leaf_that_requires_grad_is_its_own_graph():
    x = torch.ones(3, requires_grad=True)
    text = viz.to_mermaid(x, params={"x": x})
    assert '(["x<br/>[3] float32"])' in text and "n0 --> out" in text


def test_render_writes_text_formats_without_graphviz(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    _, loss = _mlp_loss()
    assert viz.render(loss, tmp_path / "g.mmd").read_text().startswith("flowchart TB")
    assert viz.render(loss, tmp_path / "g.dot").read_text().startswith("digraph")
    with pytest.raises(RuntimeError, match="needs Graphviz's `dot` program.*apt-get install "
                                           "graphviz"):
        viz.render(loss, tmp_path / "g.svg")
    assert not (tmp_path / "g.svg").exists()


def _fake_dot(folder, body):
    folder.mkdir()
    script = folder / "dot"
    script.write_text(f"#!{sys.executable}\n{body}")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return folder


def test_render_calls_dot_with_the_format_and_the_source(tmp_path, monkeypatch):
    bindir = _fake_dot(tmp_path / "bin", (
        "import sys\n"
        "args = sys.argv[1:]\n"
        "src = sys.stdin.read()\n"
        "open(args[args.index('-o') + 1], 'w').write(args[0] + '\\n' + src)\n"
    ))
    monkeypatch.setenv("PATH", str(bindir) + os.pathsep + os.environ.get("PATH", ""))
    _, loss = _mlp_loss()
    out = viz.render(loss, tmp_path / "graph.svg")
    written = out.read_text()
    assert written.startswith("-Tsvg\ndigraph chainrule {")
    viz.render(loss, tmp_path / "graph.bin", format="png")
    assert (tmp_path / "graph.bin").read_text().startswith("-Tpng\n")


def test_render_reports_a_failing_dot(tmp_path, monkeypatch):
    bindir = _fake_dot(tmp_path / "bin", "import sys\nsys.stderr.write('bad format')\n"
                                         "sys.exit(1)\n")
    monkeypatch.setenv("PATH", str(bindir))
    x = torch.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="Graphviz's dot failed .*bad format"):
        viz.render(x * 2, tmp_path / "g.xyz")


def test_bad_argument():
    with pytest.raises(TypeError, match="expected a Tensor"):
        viz.saved_bytes([1.0])
