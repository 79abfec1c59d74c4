# Two commands a new user needs: `make run` (a small built-in comparison and its report) and `make test`.
# Each bootstraps .venv by itself; re-installs only when pyproject.toml changes.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SWEEP  := results/sweeps/quick_compare/$(shell date +%Y-%m-%d_%H-%M-%S)
VIZ_PORT ?= 8765
LAB_PORT ?= 8888

.PHONY: setup run scenario test lint bench viz notebooks clean

# $(call venv_with,EXTRAS): create .venv if needed and install the project with EXTRAS (e.g. [dev]) into it
define venv_with
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.$(1)'
endef

$(VENV)/.installed: pyproject.toml
	$(call venv_with,)
	touch $@

$(VENV)/.installed-dev: pyproject.toml
	$(call venv_with,[dev])
	touch $(VENV)/.installed $(VENV)/.installed-viz $@

$(VENV)/.installed-viz: pyproject.toml
	$(call venv_with,[viz])
	touch $(VENV)/.installed $@

$(VENV)/.installed-notebooks: pyproject.toml
	$(call venv_with,[notebooks])
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

# The interactive border map on this machine only (127.0.0.1); open http://localhost:$(VIZ_PORT)
viz: $(VENV)/.installed-viz
	@echo "open http://localhost:$(VIZ_PORT) (Ctrl-C stops the app)"
	SOLARA_TELEMETRY_MIXPANEL_ENABLE=false $(BIN)/solara run sim/app.py --host 127.0.0.1 --port $(VIZ_PORT) \
		--no-open --no-check-version --production

# The tutorial notebooks in JupyterLab, on this machine only (--allow-root: as root, e.g. in a container)
notebooks: $(VENV)/.installed-notebooks
	$(BIN)/python -m jupyter lab --ip 127.0.0.1 --port $(LAB_PORT) $(if $(filter 0,$(shell id -u)),--allow-root) \
		experiments/

clean:
	rm -rf $(VENV) results
