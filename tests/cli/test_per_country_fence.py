"""Per-country fences and the headline experiment from the command line: `fence.poland=<option>` in runs and
sweeps (summary columns holding the option names, compared with each run's config.yaml), mistakes exiting 2
naming the key, and `+experiment=poland_wall_vs_troops` with its metadata and its report's default baseline.

The sweeps are tiny (1 simulated day) and start at once in the background, as in test_sweeps.py.
"""

from __future__ import annotations

import itertools
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml
from commands import REPO, Launch, finished, printed, run_module, stop_all
from omegaconf import OmegaConf

from sim.cli.aggregate import collect, swept_values
from sim.config import CONFIG_DIR, load_config, run_window_warnings, to_config
from sim.config.fence_choice import option_rules

OPTIONS = sorted(p.stem for p in (CONFIG_DIR / "fence").glob("*.yaml"))
#: Group and Polish choices crossed, Lithuania's line bare: fence.poland=null is the group's option.
MIXED = ("fence=none,steel_wall", "fence.poland=null,razor_wire", "fence.lithuania=none", "days=1")
#: The headline experiment cut to its two fences: one troop level, one seed, one day.
HEADLINE = ("+experiment=poland_wall_vs_troops", "troops.poland=2000", "seed=0", "days=1")
LAND = {"forest", "field", "swamp"}


@pytest.fixture(scope="module")
def launched(tmp_path_factory):
    root = tmp_path_factory.mktemp("fences")
    specs = {
        "mixed": ("-m", *MIXED),
        "headline": ("-m", *HEADLINE),
        "bad_sweep": ("-m", "fence.poland=none,stel_wall", "days=1"),
        "bad_name": ("-m", *HEADLINE, "experiment.name=quick_compare"),
    }
    launches = {
        name: (root / name, Launch("sim.run", *args, f"hydra.sweep.dir={root / name}")) for name, args in specs.items()
    }
    yield launches
    stop_all(launches)


def _done(launched, name: str) -> Path:
    sweep_dir, result = finished(launched, name)
    assert result.returncode == 0, printed(result)
    return sweep_dir


def _job_config(job_dir: Path) -> dict:
    return yaml.safe_load((job_dir / "config.yaml").read_text())


# --- a sweep over a country's fence ----------------------------------------------------------------------------


def test_a_sweep_over_a_countrys_fence_has_a_column_of_option_names(launched):
    table = pd.read_csv(_done(launched, "mixed") / "summary.csv")
    assert list(table.columns[:4]) == ["fence", "fence.poland", "fence.lithuania", "days"]
    got = sorted(zip(table["fence"], table["fence.poland"], table["fence.lithuania"], strict=True))
    # fence.poland=null is the group's option, and the column says which
    assert got == [
        ("none", "none", "none"),
        ("none", "razor_wire", "none"),
        ("steel_wall", "razor_wire", "none"),
        ("steel_wall", "steel_wall", "none"),
    ]


def test_each_run_of_the_sweep_has_barriers_only_where_its_choices_put_them(launched):
    sweep_dir = _done(launched, "mixed")
    for job_dir in sorted(d for d in sweep_dir.iterdir() if d.name.isdigit()):
        fence = _job_config(job_dir)["fence"]
        segments = pd.read_csv(job_dir / "segments.csv")
        for country in ("poland", "lithuania"):
            mine = segments[segments["country"] == country]
            wanted = {r.barrier.value for r in option_rules(fence[country], "test") if r.barrier.value != "none"}
            on_land = set(mine.loc[mine["terrain"].isin(LAND), "barrier"])
            assert on_land == (wanted or {"none"}), (job_dir.name, country, fence)


def test_a_run_whose_config_holds_another_countrys_fence_is_not_aggregated(launched, tmp_path):
    sweep_dir = shutil.copytree(_done(launched, "mixed"), tmp_path / "sweep")
    job = sweep_dir / "1"
    config = OmegaConf.load(job / "config.yaml")
    asked = config.fence.poland
    config.fence.poland = "year2023"  # outputs of another config than the job asked for
    (job / "config.yaml").write_text(OmegaConf.to_yaml(config))
    sweep = collect(sweep_dir)
    assert [m["job"] for m in sweep.missing] == [1]
    assert f"fence.poland=year2023 in config.yaml, the job asked for fence.poland={asked}" in sweep.missing[0]["reason"]
    assert len(sweep.table) == 3


# --- mistakes exit 2 naming the key and the options -----------------------------------------------------------


def test_an_unknown_option_in_a_sweep_stops_it_before_any_run(launched):
    sweep_dir, result = finished(launched, "bad_sweep")
    assert result.returncode == 2, printed(result)
    assert "fence.poland=stel_wall: no such fence option" in result.stderr
    assert "allowed: " + ", ".join(OPTIONS) in result.stderr
    assert "no job of the sweep was started" in result.stderr and "Traceback" not in result.stderr
    assert not sweep_dir.exists() or not any(d.name.isdigit() for d in sweep_dir.iterdir())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("fence.lithuania=bogus",), r"fence\.lithuania=bogus: no such fence option \(configs/fence/bogus\.yaml\)"),
        (("fence.latvia=none",), r"unknown key 'fence\.latvia': allowed keys under fence are lithuania, name, poland"),
    ],
)
def test_a_single_run_with_a_bad_countrys_fence_exits_2(args, message, tmp_path):
    result = run_module("sim.run", *args, "days=1", f"hydra.run.dir={tmp_path / 'run'}")
    assert result.returncode == 2, printed(result)
    assert re.search(message, result.stderr), printed(result)
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "run" / "config.yaml").exists()


# --- the headline experiment -------------------------------------------------------------------------------------


def test_the_headline_experiments_runs_carry_its_metadata(launched):
    sweep_dir = _done(launched, "headline")
    for job in ("0", "1"):
        config = _job_config(sweep_dir / job)
        assert config["experiment"]["name"] == "poland_wall_vs_troops"
        assert config["experiment"]["question"].endswith("?")
        assert config["experiment"]["baseline"] == "fence.poland=none,troops.poland=2000"
        assert config["fence"]["lithuania"] == "autumn2021"
    table = pd.read_csv(sweep_dir / "summary.csv")
    assert sorted(table["fence.poland"]) == ["none", "steel_wall"]
    assert set(table["experiment"]) == {"poland_wall_vs_troops"}


def test_the_report_takes_the_experiments_baseline_by_default(launched, tmp_path):
    sweep_dir = shutil.copytree(_done(launched, "headline"), tmp_path / "sweep")
    result = run_module("sim.report", str(sweep_dir))
    assert result.returncode == 0, printed(result)
    text = (sweep_dir / "report.md").read_text()
    assert "baseline **fence.poland=none**" in text  # troops.poland is not swept here: the label leaves it out
    # an explicit --baseline still wins
    result = run_module("sim.report", str(sweep_dir), "--baseline", "fence.poland=steel_wall")
    assert result.returncode == 0, printed(result)
    assert "baseline **fence.poland=steel_wall**" in (sweep_dir / "report.md").read_text()


def test_an_experiment_block_naming_another_experiment_stops_the_sweep(launched):
    _, result = finished(launched, "bad_name")
    assert result.returncode == 2, printed(result)
    assert "experiment.name='quick_compare' but the experiment chosen is 'poland_wall_vs_troops'" in result.stderr


def test_the_headline_experiment_sweeps_poland_alone_with_lithuania_as_in_2021():
    from hydra import compose, initialize_config_dir
    from hydra.core.global_hydra import GlobalHydra

    from sim.cli.outputs import sweep_jobs
    from sim.config import register_configs

    register_configs()
    GlobalHydra.instance().clear()
    with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3"):
        cfg = compose(config_name="config", overrides=["+experiment=poland_wall_vs_troops"], return_hydra_config=True)
    jobs = sweep_jobs(cfg)
    asked = {tuple(sorted(o for o in job if not o.startswith("+experiment"))) for job in jobs}
    wanted = {
        tuple(sorted((f"fence.poland={f}", f"troops.poland={t}", f"seed={s}")))
        for f, t, s in itertools.product(("none", "steel_wall"), (2000, 6000, 15000), range(10))
    }
    assert asked == wanted and len(jobs) == len(wanted)
    season = to_config(load_config([]))  # 2021 as it happened: Lithuania's fence, troops and policy
    lithuanian_2021 = [r for r in season.fence.rules if r.country.value == "lithuania"]
    for job in (jobs[0], jobs[-1]):
        config = to_config(load_config(job))
        assert run_window_warnings(config) == []  # every dated input of the window happens within it
        assert (config.start_date, config.days) == ("2021-10-01", 51)
        assert config.troops.ramp.poland == []  # the level asked for is the level on the line
        assert config.troops.lithuania == season.troops.lithuania
        assert config.troops.ramp.lithuania == season.troops.ramp.lithuania
        assert config.policy.lithuania == season.policy.lithuania
        assert [r for r in config.fence.rules if r.country.value == "lithuania"] == lithuanian_2021
        polish = [r for r in config.fence.rules if r.country.value == "poland"]
        assert [r.barrier.value for r in polish] == (["steel_wall"] if "steel_wall" in " ".join(job) else [])


def test_make_run_runs_the_headline_experiment_and_its_report_with_its_baseline():
    makefile = (REPO / "Makefile").read_text()
    assert re.search(r"^EXPERIMENT := poland_wall_vs_troops$", makefile, re.M)
    recipe = re.search(r"^run: .*\n((?:\t.*\n)+)", makefile, re.M)
    assert recipe, "no run target"
    lines = recipe.group(1).splitlines()
    assert "-m sim.run +experiment=$(EXPERIMENT) hydra/launcher=joblib hydra.sweep.dir=$(SWEEP)" in lines[0]
    assert lines[1].strip().endswith("-m sim.report $(SWEEP)")  # the baseline comes from experiment.baseline


# --- how a country's fence in a job's overrides is compared with its run's config.yaml ----------------------------

HELD = {"name": "steel_wall", "poland": "none", "lithuania": "steel_wall", "rules": []}


@pytest.mark.parametrize(
    ("overrides", "fence", "values", "mismatched"),
    [
        (["fence=steel_wall", "fence.poland=none"], HELD, {"fence": "steel_wall", "fence.poland": "none"}, []),
        # null asks for the group's option: held as its name
        (["fence.lithuania=null"], HELD, {"fence.lithuania": "steel_wall"}, []),
        # ... or as null when that line's rules were edited beyond any option
        (["fence.lithuania=null"], {**HELD, "lithuania": None}, {"fence.lithuania": None}, []),
        (
            ["fence.lithuania=null"],
            {**HELD, "lithuania": "razor_wire"},
            {"fence.lithuania": "razor_wire"},
            ["fence.lithuania"],
        ),
        # `group=x group.name=y` is no mismatch, with a country's choice beside it too
        (
            ["fence=none", "fence.name=steel_wall", "fence.poland=none"],
            HELD,
            {"fence": "steel_wall", "fence.name": "steel_wall", "fence.poland": "none"},
            [],
        ),
        (["fence.poland=steel_wall"], HELD, {"fence.poland": "none"}, ["fence.poland"]),
    ],
)
def test_a_countrys_fence_is_compared_with_what_the_run_holds(overrides, fence, values, mismatched):
    got, problems = swept_values(overrides, {"fence": fence})
    assert got == values
    assert [p.split("=", 1)[0] for p in problems] == mismatched


@pytest.mark.parametrize(
    ("name", "value", "mismatched"),
    [("poland_wall_vs_troops", "poland_wall_vs_troops", False), ("", "mine", False), ("other", "other", True)],
)
def test_an_experiment_is_recorded_by_its_blocks_name(name, value, mismatched):
    asked = "mine" if name != "poland_wall_vs_troops" else name
    got, problems = swept_values([f"+experiment={asked}"], {"experiment": {"name": name, "question": ""}})
    assert got == {"experiment": value}
    assert bool(problems) == mismatched
