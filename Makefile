# One place for set-up: `make demo` (the main job) and `make test` (the whole suite) both start from a
# fresh clone with only Python and the package registries.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/totalplace demo run demo-place
	$(BIN)/totalplace serve -w demo-place

test: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/ingest.py
	$(BIN)/python benchmarks/match.py
	$(BIN)/python benchmarks/classify.py
	$(BIN)/python benchmarks/count.py
	$(BIN)/python benchmarks/serve.py
	$(BIN)/python benchmarks/colocate.py

clean:
	rm -rf $(VENV) demo-place benchmarks/work
