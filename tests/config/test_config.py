"""Every config file composes, validates and runs; every class of bad input fails with a message naming the key,
both from Python (`load_config` + `to_config`) and from the command line (exit status, message, no traceback)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from hydra.errors import ConfigCompositionException

from sim import BorderModel, ConfigError, load_config
from sim.config import Config, to_config
from sim.config.enums import Country

CONFIGS = Path(__file__).resolve().parents[2] / "configs"


def group_options(group: str) -> list[str]:
    return sorted(p.stem for p in (CONFIGS / group).glob("*.yaml"))


# --- every config file composes, validates and runs ------------------------------------------------------------


def test_config_groups_are_not_empty():
    for group in ("scenario", "fence", "arrivals", "border"):
        assert group_options(group), group


@pytest.mark.parametrize(
    ("group", "name"),
    [(group, name) for group in ("scenario", "fence", "arrivals", "border") for name in group_options(group)],
)
def test_every_config_file_composes_and_validates(group, name):
    cfg = to_config(load_config([f"{group}={name}"]))
    assert isinstance(cfg, Config)
    if group == "scenario":
        assert cfg.scenario == name
    elif group in ("fence", "arrivals"):
        assert getattr(cfg, group).name == name
    else:
        assert cfg.border.lines and cfg.border.sections


@pytest.mark.parametrize("name", group_options("scenario"))
def test_every_scenario_runs_two_days(run_model, conservation_gap, name):
    model = run_model(f"scenario={name}", "days=2")
    assert model.hour == 48
    assert model.summary["total"]["camp_arrivals"] > 0
    assert model.summary["total"]["attempts"] > 0
    assert (conservation_gap(model.daily) == 0).all()


@pytest.mark.parametrize("name", group_options("fence"))
def test_every_fence_runs_two_days(run_model, name):
    model = run_model(f"fence={name}", "days=2")
    assert model.cfg.fence.name == name
    assert model.summary["total"]["attempts"] > 0


def test_scenario_choice_sets_its_inputs():
    cfg = to_config(load_config(["scenario=wall_in_2021"]))
    assert cfg.fence.name == "as_built_2022"
    assert cfg.policy.poland.pushback_from is None
    assert to_config(load_config(["scenario=surge"])).arrivals.scale == 5.0


def test_model_without_a_config_uses_the_default_scenario():
    model = BorderModel()
    assert model.cfg.scenario == "autumn2021"
    assert model.calendar.days == 214
    assert model.hour == 0


def test_command_line_values_override_the_scenario():
    cfg = to_config(load_config(["scenario=wall_in_2021", "fence=none", "troops.poland=123", "days=4"]))
    assert (cfg.fence.name, cfg.troops.poland, cfg.days) == ("none", 123, 4)


def test_load_config_accepts_a_list_of_dated_points():
    cfg = to_config(
        load_config(
            [
                "arrivals=constant",
                'arrivals.per_day=[{date:"2021-08-01",value:300},{date:"2021-08-03",value:0}]',
                "arrivals.interpolate=false",
            ]
        )
    )
    assert [(p.date, p.value) for p in cfg.arrivals.per_day] == [("2021-08-01", 300.0), ("2021-08-03", 0.0)]
    assert cfg.arrivals.interpolate is False


def test_border_with_only_one_line_validates():
    cfg = to_config(load_config(ONLY_POLAND))
    assert [line.country.value for line in cfg.border.lines] == ["poland"]


# --- bad input: each class names its key ---------------------------------------------------------------------

LITHUANIA = "{country:lithuania,start_km:0,length_km:679,terrain:forest}"
OVERLAP = (
    "border.sections=[{country:poland,start_km:0,length_km:200,terrain:forest},"
    f"{{country:poland,start_km:100,length_km:318,terrain:river}},{LITHUANIA}]"
)
GAP = (
    "border.sections=[{country:poland,start_km:0,length_km:200,terrain:forest},"
    f"{{country:poland,start_km:250,length_km:168,terrain:river}},{LITHUANIA}]"
)
ONLY_POLAND = [
    "border.lines=[{country:poland,length_km:30}]",
    "border.sections=[{country:poland,start_km:0,length_km:12,terrain:forest},"
    "{country:poland,start_km:12,length_km:18,terrain:river}]",
    "border.posts=[]",  # the default posts tile the default lines
]

#: id -> (override, exception from load_config/to_config, patterns the message must contain)
BAD_INPUTS = {
    "unknown_key": ("troops.belarus=5", ConfigCompositionException, [r"troops\.belarus"]),
    "wrong_type": ("troops.poland=abc", ConfigCompositionException, [r"troops\.poland", r"abc"]),
    "probability_above_one": (
        "guards.p_see=1.5",
        ConfigError,
        [r"guards\.p_see=1\.5 is out of range: allowed \[0, 1\]"],
    ),
    "negative_troops": (
        "troops.poland=-5",
        ConfigError,
        [r"troops\.poland=-5 is out of range: allowed \[0, 10000000\]"],
    ),
    "negative_days": ("days=-1", ConfigError, [r"(?<![\w.])days=-1 is out of range: allowed \[1, 36500\]"]),
    "unknown_fence": ("fence=bogus", ConfigCompositionException, [r"fence/bogus", r"steel_wall"]),
    "unknown_strategy": (
        "escort.strategy=smart",
        ConfigCompositionException,
        [r"escort\.strategy", r"random, weakest, adaptive"],
    ),
    "overlapping_sections": (OVERLAP, ConfigError, [r"border\.sections: sections overlap on the poland line"]),
    "gap_between_sections": (GAP, ConfigError, [r"border\.sections: gap on the poland line between 200\.0 and 250"]),
}


def error_text(err: BaseException) -> str:
    """The message of an exception and of every exception it was raised from."""
    parts = []
    while err is not None:
        parts.append(str(err))
        err = err.__cause__ or err.__context__
    return "\n".join(parts)


@pytest.mark.parametrize("case", BAD_INPUTS)
def test_bad_input_is_rejected_naming_the_key(case):
    override, error, patterns = BAD_INPUTS[case]
    with pytest.raises(error) as excinfo:
        to_config(load_config([override]))
    text = error_text(excinfo.value)
    for pattern in patterns:
        assert re.search(pattern, text), f"{pattern!r} not in:\n{text}"


@pytest.mark.parametrize("case", BAD_INPUTS)
def test_bad_input_on_the_command_line_exits_with_a_message_not_a_traceback(run_cli, tmp_path, case):
    override, _, patterns = BAD_INPUTS[case]
    result = run_cli(override, f"hydra.run.dir={tmp_path}")
    output = result.stdout + result.stderr
    assert result.returncode == 2, output
    for pattern in patterns:
        assert re.search(pattern, output), f"{pattern!r} not in:\n{output}"
    assert "Traceback" not in output
    assert not (tmp_path / "summary.json").exists()


def test_model_rejects_a_bad_config_before_running():
    with pytest.raises(ConfigError, match=r"guards\.p_see=1\.5"):
        BorderModel(load_config(["guards.p_see=1.5"]))


# --- more validation rules, through to_config on plain dicts -------------------------------------------------

MORE_BAD = {
    "not_a_date": ({"start_date": "2021-13-01"}, r"start_date: '2021-13-01' is not a date"),
    "dates_out_of_order": (
        {"arrivals": {"per_day": [{"date": "2021-09-01", "value": 1}, {"date": "2021-08-01", "value": 2}]}},
        r"arrivals\.per_day: dates must be in increasing order",
    ),
    "no_arrival_points": ({"arrivals": {"per_day": []}}, r"arrivals\.per_day: give at least one"),
    "group_min_above_max": (
        {"escort": {"group_size": {"min": 50, "max": 10}}},
        r"escort\.group_size: min=50 must not exceed max=10",
    ),
    "not_a_month": (
        {"exposure": {"cold_months": [1, 13]}},
        r"exposure\.cold_months\[1\]=13 is out of range: allowed \[1, 12\]",
    ),
    "share_above_one_in_a_list": (
        {"camps": {"repatriations": [{"date": "2021-11-18", "value": 1.5}]}},
        r"camps\.repatriations\[0\]\.value=1\.5 is out of range",
    ),
    "section_not_whole_cells": (
        {
            "border": {
                "lines": [{"country": "poland", "length_km": 10}],
                "sections": [
                    {"country": "poland", "start_km": 0, "length_km": 4.5},
                    {"country": "poland", "start_km": 4.5, "length_km": 5.5},
                ],
            }
        },
        r"not a whole number of cells \(border\.cell_km=1\.0\)",
    ),
    "section_without_line": (
        {
            "border": {
                "lines": [{"country": "poland", "length_km": 10}],
                "sections": [
                    {"country": "poland", "start_km": 0, "length_km": 10},
                    {"country": "lithuania", "start_km": 0, "length_km": 10},
                ],
            }
        },
        r"border\.sections: sections for \['lithuania'\] but no such entry in border\.lines",
    ),
    "line_listed_twice": (
        {
            "border": {
                "lines": [{"country": "poland", "length_km": 10}, {"country": "poland", "length_km": 10}],
                "sections": [{"country": "poland", "start_km": 0, "length_km": 10}],
            }
        },
        r"border\.lines: each country may appear once",
    ),
}

#: A valid config as a plain dict: the defaults of `configs/config.yaml`, without Hydra's own section.
GOOD = {
    "arrivals": {"per_day": [{"date": "2021-08-01", "value": 100}]},
    "border": {
        "lines": [{"country": "poland", "length_km": 10}],
        "sections": [{"country": "poland", "start_km": 0, "length_km": 10}],
    },
}


def merged(*dicts: dict) -> dict:
    out: dict = {}
    for d in dicts:
        for key, value in d.items():
            out[key] = merged(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def test_a_minimal_plain_dict_config_is_valid():
    cfg = to_config(GOOD)
    assert cfg.border.lines[0].length_km == 10
    assert to_config(cfg) is cfg


@pytest.mark.parametrize("case", MORE_BAD)
def test_validation_rule_names_the_key(case):
    bad, pattern = MORE_BAD[case]
    with pytest.raises(ConfigError, match=pattern):
        to_config(merged(GOOD, bad))


def test_validation_lists_every_problem_at_once():
    with pytest.raises(ConfigError) as excinfo:
        to_config(load_config(["guards.p_see=1.5", "troops.lithuania=-1", "escort.p_cut=2"]))
    text = str(excinfo.value)
    for key in ("guards.p_see=1.5", "troops.lithuania=-1", "escort.p_cut=2"):
        assert key in text


def test_border_with_only_the_polish_line_runs(run_model):
    model = run_model(*ONLY_POLAND, "days=2", "troops.lithuania=2000", "start_date=2021-10-01")
    assert model.guards.n_active[Country.LITHUANIA] == 0
    assert model.summary["lithuania"]["attempts"] == 0
    assert model.summary["poland"]["attempts"] > 0


def test_a_country_without_a_line_fields_no_troops_and_costs_nothing(run_model):
    model = run_model(*ONLY_POLAND, "days=2")
    lithuania = model.daily[model.daily["country"] == "lithuania"]
    assert (lithuania["guards_on_duty"] == 0).all()
    assert (lithuania["troops"] == 0).all()
    assert model.summary["lithuania"]["cost_eur"] == 0


# --- values the checks used to pass and the code could not run (issue 10) ----------------------------------------

#: id -> (overrides, patterns the message must contain). Each of these once crashed a run, ran with NaN in its
#: outputs or was clipped silently; each must now stop before any output with exit 2, naming the key.
REFUSED = {
    "nan_cost": (["cost.troop_eur_per_day=nan"], [r"cost\.troop_eur_per_day=nan is not a finite number"]),
    "nan_terrain_factor": (["terrain.forest.p_breach_factor=nan"], [r"terrain\.forest\.p_breach_factor=nan"]),
    "inf_cold_factor": (["exposure.cold_factor=inf"], [r"exposure\.cold_factor=inf is not a finite number"]),
    "date_beyond_the_calendar": (["start_date=9999-12-31"], [r"start_date: 9999-12-31 is out of range"]),
    "run_past_the_last_date": (
        ["start_date=2100-12-31", "days=2"],
        [r"start_date=2100-12-31 with days=2 ends on 2101-01-01"],
    ),
    "negative_seed": (["seed=-1"], [r"seed=-1 is out of range: allowed \[0, "]),
    "zero_cell": (["border.cell_km=0"], [r"border\.cell_km=0\.0 is out of range: allowed \[0\.1, 100\]"]),
    "infinite_sight": (["guards.sight_km=inf"], [r"guards\.sight_km=inf is not a finite number"]),
    "astronomic_scale": (["arrivals.scale=1e300"], [r"arrivals\.scale=1e\+300 is out of range"]),
    "breach_chance_above_one": (
        ["terrain.field.p_breach_factor=2.5"],
        [r"barriers\.none\.p_breach=0\.9 x terrain\.field\.p_breach_factor=2\.5 = 2\.25"],
    ),
    "too_many_people_for_memory": (
        ["arrivals.scale=1000000"],
        [r"memory_limit_gb=4: this run would need about [\d,.]+ GB", r"arrivals\.scale"],
    ),
    "too_many_troops_for_the_limit": (
        ["troops.poland=10000000", "troops.ramp.poland=[]", "memory_limit_gb=0.5"],
        [r"memory_limit_gb=0\.5", r"patrols .* set by troops\.poland"],
    ),
}


@pytest.mark.parametrize("case", REFUSED)
def test_values_the_code_cannot_run_are_refused_by_name(case):
    overrides, patterns = REFUSED[case]
    with pytest.raises(ConfigError) as excinfo:
        to_config(load_config(overrides))
    for pattern in patterns:
        assert re.search(pattern, str(excinfo.value)), f"{pattern!r} not in:\n{excinfo.value}"


@pytest.mark.parametrize("case", ["nan_cost", "run_past_the_last_date", "negative_seed", "zero_cell"])
def test_refused_values_exit_2_on_the_command_line_before_any_output(run_cli, tmp_path, case):
    overrides, patterns = REFUSED[case]
    result = run_cli(*overrides, "days=1" if "days=2" not in overrides else "days=2", f"hydra.run.dir={tmp_path}")
    output = result.stdout + result.stderr
    assert result.returncode == 2, output
    assert "Traceback" not in output
    for pattern in patterns:
        assert re.search(pattern, output), f"{pattern!r} not in:\n{output}"
    assert not [p.name for p in tmp_path.iterdir() if p.suffix in (".csv", ".json")]


def test_a_bad_value_in_one_job_stops_a_sweep_before_any_job_runs(run_cli, tmp_path):
    result = run_cli("-m", "days=1", "seed=0,-1", f"hydra.sweep.dir={tmp_path}")
    output = result.stdout + result.stderr
    assert result.returncode == 2, output
    assert re.search(r"job \[.*seed=-1.*\].*seed=-1 is out of range", output, re.S), output
    assert "Traceback" not in output
    assert not list(tmp_path.glob("*/summary.json"))


def test_memory_limit_is_a_setting_not_a_wall():
    with pytest.raises(ConfigError, match="memory_limit_gb"):
        to_config(load_config(["arrivals.scale=200"]))
    assert to_config(load_config(["arrivals.scale=200", "memory_limit_gb=64"])).arrivals.scale == 200


def test_memory_estimate_covers_what_a_run_allocates():
    """The estimate is for refusing runs that cannot fit: it must not under-count what a run really allocates
    (tracemalloc's peak, libraries aside), here with more people and patrols and finer cells than the default.
    It leaves the Mesa grid out because a run never builds it (only the map asks for it)."""
    import tracemalloc

    from sim.config.resources import BYTES_BASE, memory_estimate

    overrides = ["arrivals.scale=5", "days=20", "start_date=2021-10-20", "troops.poland=60000", "border.cell_km=0.5"]
    cfg = to_config(load_config(overrides))
    BorderModel(load_config(["days=1"])).run(progress=False)  # compiled loops loaded before measuring
    tracemalloc.start()
    try:
        model = BorderModel(cfg).run(progress=False)
        model.create_migrant_agents()  # the Migrant views, as a notebook asking for them would make
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert model.border._grid is None  # the run never built the grid (`Border.grid`, made on first use)
    estimate = sum(size for size, _ in memory_estimate(cfg).values()) - BYTES_BASE
    assert peak <= estimate, (peak, memory_estimate(cfg))
    assert estimate < 10 * peak  # and not so loose that it refuses runs that fit
    finer = to_config(load_config([*overrides[:-1], "border.cell_km=0.25"]))  # 4x the cells: the same estimate
    assert memory_estimate(finer) == memory_estimate(cfg)


def test_dated_inputs_outside_the_run_window_are_warned_about(caplog):
    overrides = [
        "policy.poland.pushback_from=2030-01-01",
        'camps.repatriations=[{date:"2019-01-01",value:0.5}]',
        "days=3",
    ]
    with caplog.at_level("WARNING", logger="sim.model"):
        BorderModel(load_config(overrides))
    text = caplog.text
    assert text.count("dated inputs outside this run (2021-06-01 + 3 days)") == 1  # one line for all of them
    assert "policy.poland.pushback_from=2030-01-01 (never applied)" in text
    assert "camps.repatriations on 2019-01-01 (none happens)" in text
    assert "escort.massing.poland.per_day from 2021-11-08 (nobody is brought)" in text
    assert "fence.rules[0].build from 2021-08-26 (nothing is built)" in text
    assert "escort.massing.poland.until" not in text  # nobody is brought, so nobody is left held
    caplog.clear()
    with caplog.at_level("WARNING", logger="sim.model"):
        BorderModel(load_config(["start_date=2021-11-05", "days=5"]))  # people massed, the release after the run
    assert "escort.massing.poland.until=2021-11-18 (after the run: the people held are never released)" in caplog.text
    caplog.clear()
    with caplog.at_level("WARNING", logger="sim.model"):
        BorderModel(load_config(["days=214"]))  # the whole season: every dated input falls inside it
    assert caplog.text == ""


def test_window_warnings_reach_the_console_and_the_run_log(run_cli, tmp_path):
    result = run_cli("days=1", "policy.poland.pushback_from=2030-01-01", f"hydra.run.dir={tmp_path}")
    assert result.returncode == 0, result.stderr
    message = "policy.poland.pushback_from=2030-01-01 (never applied)"
    assert message in result.stdout + result.stderr
    assert message in (tmp_path / "run.log").read_text()


@pytest.mark.parametrize(
    ("text", "pattern"),
    [
        ("troops:\n  poland: [1, 2\n", r"YAML syntax error in .*local/default\.yaml, line 3, column 1: expected ','"),
        ("troops:\n  poland: 1\n   lithuania: 2\n", r"YAML syntax error in .*local/default\.yaml, line 3"),
        ("troops:\n  poland: lots\n", r"troops\.poland"),
    ],
    ids=["unclosed_list", "bad_indent", "wrong_type_in_a_file"],
)
def test_a_broken_config_file_is_named_in_one_message_not_a_traceback(run_cli, repo, tmp_path, text, pattern):
    configs = tmp_path / "configs"
    shutil.copytree(repo / "configs", configs, ignore=shutil.ignore_patterns("local"))
    (configs / "local").mkdir()
    (configs / "local" / "default.yaml").write_text(text)
    result = run_cli("--config-path", str(configs), "days=1", f"hydra.run.dir={tmp_path / 'run'}")
    output = result.stdout + result.stderr
    assert result.returncode == 2, output
    assert re.search(pattern, output), output
    assert "Traceback" not in output
    assert not (tmp_path / "run" / "summary.json").exists()


def test_an_override_that_cannot_be_read_is_named(run_cli, tmp_path):
    result = run_cli("troops.poland=[", f"hydra.run.dir={tmp_path}")
    assert result.returncode == 2
    assert "cannot read the override 'troops.poland=['" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr
