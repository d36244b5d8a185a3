# make demo: the end-to-end example; make test: the whole suite. Both build .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q -e '.[test,demo]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python -m chainrule demo

test: $(STAMP)
	$(BIN)/python -m pytest -q -n 2 tests chainrule README.md docs

# make bench: the benchmark suite of issue 6 (chainrule vs PyTorch vs NumPy by hand); it writes
# docs/benchmarks.md and docs/benchmarks.png. Pass BENCH_ARGS='--threads 2' etc. to change it.
bench: $(STAMP)
	$(BIN)/python -m pip install -q 'torch==2.13.0' matplotlib threadpoolctl
	$(BIN)/python benchmarks/suite.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) build *.egg-info
