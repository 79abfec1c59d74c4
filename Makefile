# Two commands a new user needs: `make run` (a small built-in comparison and its report) and `make test`.
# Each bootstraps .venv by itself; re-installs only when pyproject.toml changes.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# The Ray launcher's venv: its [ray] extra holds cloudpickle<3 and joblib<1.6, so it lives apart from .venv
RAY_VENV := .venv-ray
# `make run`: the headline experiment (configs/experiment/poland_wall_vs_troops.yaml) and its report
EXPERIMENT := poland_wall_vs_troops
SWEEP  := results/sweeps/$(EXPERIMENT)/$(shell date +%Y-%m-%d_%H-%M-%S)
VIZ_PORT ?= 8765
LAB_PORT ?= 8888

.PHONY: setup run scenario test test-ray lint bench validate calibrate sensitivity viz notebooks clean

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
	touch $(VENV)/.installed $(VENV)/.installed-viz $(VENV)/.installed-inference $@

$(VENV)/.installed-viz: pyproject.toml
	$(call venv_with,[viz])
	touch $(VENV)/.installed $@

$(VENV)/.installed-inference: pyproject.toml
	$(call venv_with,[inference])
	touch $(VENV)/.installed $@

$(VENV)/.installed-notebooks: pyproject.toml
	$(call venv_with,[notebooks])
	touch $(VENV)/.installed $@

$(RAY_VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(RAY_VENV)
	$(RAY_VENV)/bin/python -m pip install -q --upgrade pip
	$(RAY_VENV)/bin/python -m pip install -q -e '.[ray]' 'pytest>=8,<10'
	touch $@

setup: $(VENV)/.installed-dev

# the report's baseline is the experiment's own (experiment.baseline in its config)
run: $(VENV)/.installed
	$(BIN)/python -m sim.run +experiment=$(EXPERIMENT) hydra/launcher=joblib hydra.sweep.dir=$(SWEEP)
	$(BIN)/python -m sim.report $(SWEEP)
	@echo "report: $(SWEEP)/report.md"

scenario: $(VENV)/.installed
	$(BIN)/python -m sim.run

test: $(VENV)/.installed-dev
	$(BIN)/python -m pytest

# The README's Ray commands against a Ray cluster on this machine's loopback interface (tests/cli/test_ray_cluster.py,
# about a minute; needs unshare and ip, and root or user namespaces), in .venv-ray
test-ray: $(RAY_VENV)/.installed
	BORDERFLOW_REQUIRE_RAY=1 $(RAY_VENV)/bin/python -m pytest tests/cli/test_ray_cluster.py

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check sim tests benchmarks hydra_plugins
	$(BIN)/ruff format --check sim tests benchmarks hydra_plugins

bench: $(VENV)/.installed
	$(BIN)/python benchmarks/bench_model.py

# The historical scenarios against every comparable figure of data/ (5 seeds each): writes docs/validation.md
validate: $(VENV)/.installed
	$(BIN)/python -m sim.validate

# ABC-SMC fit of the assumption parameters to autumn 2021's record with the shipped calibration's settings
# (docs/calibration.md; FIT=2023 for the 2023 fit; ARGS for more options, e.g. ARGS="--population 200"). It
# reproduces calibration/calibrated/ into a new folder, CAL_OUT (results, config option, history), never over the
# shipped one: compare CAL_OUT/summary.json with calibration/calibrated/summary.json. A killed run continues with
# `make calibrate CAL_OUT=<its folder> ARGS=--resume`. To replace the shipped calibration: python -m sim.calibrate
# --fit 2021 --force.
FIT ?= 2021
CAL_OUT ?= results/calibration/fit$(FIT)-$(shell date +%Y-%m-%d_%H-%M-%S)
calibrate: $(VENV)/.installed-inference
	$(BIN)/python -m sim.calibrate --fit $(FIT) --name $(notdir $(CAL_OUT)) --out $(CAL_OUT) \
		--config-out $(CAL_OUT)/calibration.yaml --db $(CAL_OUT)/history.db $(ARGS)

# Which assumption parameters move the outputs: Morris screening of all, Sobol indices of the top 8, on the whole
# 2021 season (writes docs/sensitivity/ and docs/sensitivity.md; 63 minutes on this project's 2 shared cores). QUICK=1: a
# tiny budget (about a minute) into results/sensitivity/quick/
sensitivity: $(VENV)/.installed-inference
	$(BIN)/python -m sim.sensitivity $(if $(QUICK),--quick)

# The interactive border map on this machine only (127.0.0.1); open http://localhost:$(VIZ_PORT)
viz: $(VENV)/.installed-viz
	@echo "open http://localhost:$(VIZ_PORT) (Ctrl-C stops the app)"
	SOLARA_TELEMETRY_MIXPANEL_ENABLE=false $(BIN)/solara run sim/viz/app.py --host 127.0.0.1 --port $(VIZ_PORT) \
		--no-open --no-check-version --production

# The tutorial notebooks in JupyterLab, on this machine only (--allow-root: as root, e.g. in a container)
notebooks: $(VENV)/.installed-notebooks
	$(BIN)/python -m jupyter lab --ip 127.0.0.1 --port $(LAB_PORT) $(if $(filter 0,$(shell id -u)),--allow-root) \
		experiments/

clean:
	rm -rf $(VENV) $(RAY_VENV) results
