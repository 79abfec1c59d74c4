"""Configs mirror components: one config group per component with its defaults, its schema beside it in
`sim/config/`, a `debug` group, and every documented command-line override working as before."""

from __future__ import annotations

import dataclasses
import typing

import pytest
import yaml
from commands import run_module
from hydra import compose, initialize_config_dir
from hydra.core.global_hydra import GlobalHydra

from sim import load_config
from sim.config import CONFIG_DIR, Config, register_configs, to_config

#: Groups whose default is a named option rather than `default` (several shipped options to choose from).
NAMED_DEFAULTS = {"border": "belarus_eu", "fence": "none", "arrivals": "constant", "calibration": "calibrated"}


#: Config's blocks that describe no component: the experiment block (sim/config/experiment.py) is set by the
#: experiment a run belongs to (`+experiment=<name>`, no default option), and is empty otherwise.
NOT_COMPONENTS = {"experiment"}


def component_fields() -> dict[str, type]:
    """Config's blocks that are components (nested dataclasses): name -> schema class."""
    hints = typing.get_type_hints(Config)
    return {
        f.name: hints[f.name]
        for f in dataclasses.fields(Config)
        if dataclasses.is_dataclass(hints[f.name]) and f.name not in NOT_COMPONENTS
    }


def test_the_blocks_that_are_no_component_are_set_by_every_experiment():
    hints = typing.get_type_hints(Config)
    assert {f.name for f in dataclasses.fields(Config) if dataclasses.is_dataclass(hints[f.name])} >= NOT_COMPONENTS
    for path in sorted((CONFIG_DIR / "experiment").glob("*.yaml")):
        assert set(yaml.safe_load(path.read_text())) >= NOT_COMPONENTS, f"{path.name} does not set {NOT_COMPONENTS}"


def defaults_list() -> list:
    return yaml.safe_load((CONFIG_DIR / "config.yaml").read_text())["defaults"]


def test_every_component_has_a_config_group_with_its_defaults():
    chosen = {k: v for entry in defaults_list() if isinstance(entry, dict) for k, v in entry.items()}
    components = component_fields()
    assert {"guards", "escort", "migrant", "policy", "exposure", "cost", "border", "fence", "arrivals"} <= set(
        components
    )
    for name in components:
        option = NAMED_DEFAULTS.get(name, "default")
        assert (CONFIG_DIR / name / f"{option}.yaml").is_file(), f"configs/{name}/{option}.yaml is missing"
        assert chosen.get(name) == option, f"configs/config.yaml does not choose {name}: {option}"
    # the primary config holds only the run's own keys: every component block comes from its group
    own = yaml.safe_load((CONFIG_DIR / "config.yaml").read_text())
    assert not set(own) & set(components), "a component block is still in configs/config.yaml"


def test_each_group_s_schema_sits_in_its_own_module_of_sim_config():
    for name, schema in component_fields().items():
        module = schema.__module__
        assert module.startswith("sim.config.") and module not in ("sim.config.root", "sim.config.fields"), (
            f"{name}: schema {schema.__name__} is in {module}"
        )
    assert component_fields()["guards"].__module__ == "sim.config.guards"
    assert component_fields()["escort"].__module__ == "sim.config.escort"


def test_scenarios_still_override_the_component_defaults():
    # a scenario is applied after the component groups: autumn2021 dates troop ramps and pushbacks over
    # configs/troops/default.yaml and configs/policy/default.yaml, surge scales the escort units
    base = load_config()
    assert load_config(["scenario=surge"]).escort.scale > base.escort.scale
    assert base.escort.n_units == yaml.safe_load((CONFIG_DIR / "escort" / "default.yaml").read_text())["n_units"]
    assert base.troops.ramp.poland, "the default scenario's troop ramp must win over configs/troops/default.yaml"
    assert base.policy.poland.pushback_share == 0.9


@pytest.mark.parametrize(
    ("override", "key", "value"),
    [
        ("troops.poland=6000", "troops.poland", 6000),
        ("guards.p_see=0.3", "guards.p_see", 0.3),
        ("escort.strategy=weakest", "escort.strategy", "weakest"),
        ("policy.poland.pushback_share=0.5", "policy.poland.pushback_share", 0.5),
        ("barriers.steel_wall.p_breach=0.2", "barriers.steel_wall.p_breach", 0.2),
        ("terrain.forest.risk=2", "terrain.forest.risk", 2.0),
        ("camps.p_leave_per_day=0.01", "camps.p_leave_per_day", 0.01),
        ("migrant.memory=3", "migrant.memory", 3),
        ("exposure.cold_factor=2", "exposure.cold_factor", 2.0),
        ("cost.troop_eur_per_day=100", "cost.troop_eur_per_day", 100.0),
        ("sensors.p_detect=0.5", "sensors.p_detect", 0.5),
        ("troops.ramp.poland=[]", "troops.ramp.poland", []),
    ],
)
def test_documented_overrides_keep_working(override, key, value):
    cfg = to_config(load_config([override]))
    got = cfg
    for part in key.split("."):
        got = getattr(got, part)
    assert getattr(got, "value", got) == value


def test_choosing_a_component_s_default_explicitly_changes_nothing():
    assert load_config(["guards=default", "escort=default", "cost=default"]) == load_config()


def test_an_unknown_group_option_names_the_group(tmp_path):
    result = run_module("sim.run", "guards=nonsense", f"hydra.run.dir={tmp_path / 'run'}")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "error: guards=nonsense: no such option (configs/guards/nonsense.yaml); allowed for guards: default"
    ]
    assert not (tmp_path / "run").exists()


def _with_hydra(overrides: list[str]):
    register_configs()
    GlobalHydra.instance().clear()
    with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3"):
        return compose(config_name="config", overrides=overrides, return_hydra_config=True)


def test_the_debug_group_is_one_process_a_short_run_and_debug_logging():
    cfg = _with_hydra(["debug=default"])
    assert cfg.days == 7 and cfg.progress is False
    assert cfg.hydra.runtime.choices["hydra/launcher"] == "basic"
    assert list(cfg.hydra.verbose) == ["sim"]
    # other overrides still apply on top of it
    assert _with_hydra(["debug=default", "days=3", "troops.poland=100"]).days == 3
    assert _with_hydra([]).hydra.verbose is False


def test_a_debug_run_logs_one_debug_line_per_day(tmp_path):
    result = run_module("sim.run", "debug=default", "days=3", "start_date=2021-08-01", f"hydra.run.dir={tmp_path}")
    assert result.returncode == 0, result.stderr
    lines = [line for line in (tmp_path / "run.log").read_text().splitlines() if "[DEBUG]" in line]
    assert [line.split(" - ")[1].split(":")[0] for line in lines] == ["2021-08-01", "2021-08-02", "2021-08-03"]
    assert all("poland attempts" in line and "lithuania attempts" in line for line in lines)
