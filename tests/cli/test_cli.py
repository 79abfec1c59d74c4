"""End to end: `python -m sim.run` writes its four outputs, honours overrides, and is reproducible."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest
from commands import printed, run_module
from omegaconf import OmegaConf

OUTPUTS = ("daily.csv", "segments.csv", "posts.csv", "summary.json", "config.yaml")

DAILY_COLUMNS = (
    *("day", "date", "country", "arrivals", "attempts", "breaches", "detections", "apprehensions", "pushbacks"),
    *("asylum_claims", "crossings", "gave_up", "deaths", "incidents", "fence_cuts", "in_zone", "guards_on_duty"),
    *("reported_attempts", "reported_apprehended", "reported_prevented"),
)

SUMMARY_KEYS = (
    *("attempts", "crossings", "apprehensions", "pushbacks", "asylum_claims", "breaches", "detections"),
    *("fence_cuts", "incidents", "deaths", "gave_up", "interception_rate", "attempts_per_person"),
    *("median_hours_to_cross", "pushbacks_per_person", "cost_eur"),
    # issue 14: what was deployed, costs by kind, person-based counts, humanitarian outcomes
    *("troops_asked", "troops_deployed", "cost_troops_eur", "cost_fence_eur", "cost_asylum_eur"),
    *("cost_pushback_eur", "fence_capital_eur", "people_reached_line", "people_crossed", "share_crossed"),
    *("people_apprehended", "apprehensions_per_attempt", "days_in_zone_mean", "massed_peak", "massed_mean"),
)

ISSUE_OVERRIDES = (
    "fence=steel_wall",
    "troops.poland=15000",
    "troops.lithuania=3000",
    "policy.poland.pushback_share=0.5",
    "escort.strategy=weakest",
    "seed=7",
    "days=3",
)


def _cli_run(run_cli, out_dir, *overrides):
    result = run_cli(*overrides, f"hydra.run.dir={out_dir}")
    assert result.returncode == 0, result.stdout + result.stderr
    return result


@pytest.fixture(scope="module")
def three_days(run_cli, tmp_path_factory):
    """`python -m sim.run days=3` into a fresh folder: (folder, completed process)."""
    out = tmp_path_factory.mktemp("three_days")
    return out, _cli_run(run_cli, out, "days=3", "start_date=2021-08-01")


def test_run_writes_the_four_outputs(three_days):
    out, result = three_days
    for name in OUTPUTS:
        assert (out / name).is_file(), name
        assert (out / name).stat().st_size > 0, name
    assert "wrote daily.csv, segments.csv, posts.csv, summary.json, config.yaml" in result.stdout
    assert "interception rate" in result.stdout
    assert "Traceback" not in result.stderr
    assert "Warning" not in result.stderr


def test_daily_csv_has_one_row_per_day_and_country_with_every_counter(three_days):
    daily = pd.read_csv(three_days[0] / "daily.csv")
    missing = set(DAILY_COLUMNS) - set(daily.columns)
    assert not missing
    assert len(daily) == 3 * 3
    assert sorted(daily["country"].unique()) == ["belarus", "lithuania", "poland"]
    assert list(daily["day"].unique()) == [0, 1, 2]
    assert list(daily["date"].unique()) == ["2021-08-01", "2021-08-02", "2021-08-03"]
    assert daily["attempts"].sum() > 0


def test_segments_csv_has_one_row_per_fence_segment(three_days):
    segments = pd.read_csv(three_days[0] / "segments.csv")
    assert {"segment", "country", "terrain", "barrier", "p_breach", "attempts", "fence_cuts"} <= set(segments.columns)
    assert list(segments["segment"]) == list(range(len(segments)))
    assert segments.groupby("country")["length_km"].sum().to_dict() == pytest.approx({"poland": 418, "lithuania": 679})


def test_summary_json_has_every_country_and_the_total(three_days):
    summary = json.loads((three_days[0] / "summary.json").read_text())
    assert set(summary) == {"belarus", "poland", "lithuania", "total", "start_date", "days"}
    assert (summary["start_date"], summary["days"]) == ("2021-08-01", 3)  # the period the run simulated
    for block in ("belarus", "poland", "lithuania", "total"):
        missing = set(SUMMARY_KEYS) - set(summary[block])
        assert not missing, (block, missing)
    assert summary["total"]["attempts"] == pd.read_csv(three_days[0] / "daily.csv")["attempts"].sum()


def test_config_yaml_is_the_resolved_config(three_days):
    cfg = OmegaConf.load(three_days[0] / "config.yaml")
    assert cfg.days == 3
    assert cfg.seed == 0
    assert cfg.scenario == "autumn2021"
    assert "hydra" not in cfg


def test_overrides_from_the_issue_reach_the_run(run_cli, tmp_path):
    _cli_run(run_cli, tmp_path, *ISSUE_OVERRIDES)
    cfg = OmegaConf.load(tmp_path / "config.yaml")
    assert cfg.fence.name == "steel_wall"
    assert (cfg.troops.poland, cfg.troops.lithuania) == (15000, 3000)
    assert cfg.policy.poland.pushback_share == 0.5
    assert cfg.escort.strategy == "weakest"
    assert (cfg.seed, cfg.days) == (7, 3)
    # and the run used them, not only the config file
    segments = pd.read_csv(tmp_path / "segments.csv")
    land = segments["terrain"] != "river"
    assert (segments.loc[land, "barrier"] == "steel_wall").all()
    assert segments.loc[land, "sensors"].all()
    daily = pd.read_csv(tmp_path / "daily.csv")
    assert len(daily) == 9
    assert daily.loc[daily["country"] == "poland", "fence_km"].tolist() == pytest.approx([186.0] * 3)  # a sum


def test_same_seed_gives_byte_identical_outputs(run_cli, three_days, tmp_path):
    first = three_days[0]
    _cli_run(run_cli, tmp_path, "days=3", "start_date=2021-08-01")
    for name in OUTPUTS:
        assert (tmp_path / name).read_bytes() == (first / name).read_bytes(), name


def test_different_seed_gives_a_different_daily_table(run_cli, three_days, tmp_path):
    _cli_run(run_cli, tmp_path, "days=3", "start_date=2021-08-01", "seed=1")
    assert (tmp_path / "daily.csv").read_bytes() != (three_days[0] / "daily.csv").read_bytes()


def test_saved_config_yaml_reruns_the_run_exactly(run_cli, three_days, tmp_path):
    first = three_days[0]
    _cli_run(run_cli, tmp_path, "--config-path", str(first), "--config-name", "config")
    for name in OUTPUTS:
        assert (tmp_path / name).read_bytes() == (first / name).read_bytes(), name


# --- a saved run's config rerun: the project's safety and places apply to it too ----------------------------------


def test_a_saved_config_rerun_never_writes_over_another_run(three_days, tmp_path):
    first = three_days[0]
    held = tmp_path / "held"
    shutil.copytree(first, held)
    before = {p.name: p.read_bytes() for p in (held / ".hydra").iterdir()}
    result = run_module("sim.run", "--config-path", str(first), "--config-name", "config", f"hydra.run.dir={held}")
    assert result.returncode == 2, printed(result)
    assert "already holds another run" in result.stderr
    assert {p.name: p.read_bytes() for p in (held / ".hydra").iterdir()} == before  # its record is untouched


def test_a_saved_config_rerun_goes_where_runs_go(three_days, tmp_path):
    first = three_days[0]
    result = run_module("sim.run", "--config-path", str(first), "--config-name", "config", cwd=tmp_path)
    assert result.returncode == 0, printed(result)
    [rerun] = (tmp_path / "results" / "runs" / "autumn2021").iterdir()
    assert (rerun / "daily.csv").read_bytes() == (first / "daily.csv").read_bytes()
    assert not (tmp_path / "outputs").exists()


def test_a_saved_config_sweep_is_checked_first_and_aggregated(three_days, tmp_path):
    first = three_days[0]
    saved = ("--config-path", str(first), "--config-name", "config", "-m")
    refused = run_module("sim.run", *saved, "seed=0,-1", f"hydra.sweep.dir={tmp_path / 'bad'}")
    assert refused.returncode == 2 and "seed=-1" in refused.stderr, printed(refused)
    assert not (tmp_path / "bad" / "0").exists()
    swept = run_module("sim.run", *saved, "seed=0,1", f"hydra.sweep.dir={tmp_path / 'good'}")
    assert swept.returncode == 0, printed(swept)
    assert len(pd.read_csv(tmp_path / "good" / "summary.csv")) == 2
