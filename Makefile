# make demo: the end-to-end example; make test: the whole suite. Both build .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python examples/demo.py

test: $(STAMP)
	$(BIN)/python -m pytest -q tests chainrule README.md docs

bench: $(STAMP)
	$(BIN)/python -m pip install -q 'torch==2.13.0'
	$(BIN)/python benchmarks/per_op.py

clean:
	rm -rf $(VENV) build *.egg-info
