# Two commands a new user needs: `make run` (a small built-in comparison and its report) and `make test`.
# Each bootstraps .venv by itself; re-installs only when pyproject.toml changes.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SWEEP  := results/sweeps/quick_compare/$(shell date +%Y-%m-%d_%H-%M-%S)

.PHONY: setup run scenario test lint bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(VENV)/.installed $@

setup: $(VENV)/.installed-dev

run: $(VENV)/.installed
	$(BIN)/python -m sim.run +experiment=quick_compare hydra/launcher=joblib hydra.sweep.dir=$(SWEEP)
	$(BIN)/python -m sim.report $(SWEEP) --baseline fence=none,troops.poland=2000
	@echo "report: $(SWEEP)/report.md"

scenario: $(VENV)/.installed
	$(BIN)/python -m sim.run

test: $(VENV)/.installed-dev
	$(BIN)/python -m pytest

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check sim tests benchmarks hydra_plugins
	$(BIN)/ruff format --check sim tests benchmarks hydra_plugins

bench: $(VENV)/.installed
	$(BIN)/python benchmarks/bench_model.py

clean:
	rm -rf $(VENV) results
