"""`posterior_draw` on the command line: a run writes the draw's values into its resolved `config.yaml`; a bad
request exits 2 in one line naming the key, before anything runs; a sweep over posterior draws and seeds is
aggregated with a `posterior_draw` column, and its report says its intervals are prediction intervals over the
posterior draws.

All commands start at once in the background (`launched`); each test waits only for the one it reads.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pandas as pd
import pytest
import yaml
from commands import Launch, finished, printed, stop_all
from posterior import DRAWS, bad_cases, with_draws, write_draws

from sim.analysis.report import report

#: The request mistakes tried on the command line (tests/config/test_posterior_draws.py tries them all in process).
CLI_CASES = ("too_high", "no_posterior", "missing_file", "unknown_key")  # one of each kind
WINDOW = ("start_date=2021-11-10", "days=2", "progress=false")


@pytest.fixture(scope="module")
def launched(tmp_path_factory):
    root = tmp_path_factory.mktemp("draws")
    draws = write_draws(root / "draws.parquet", DRAWS)
    cases = bad_cases(root, draws)
    specs: dict[str, tuple[Path, tuple[str, ...]]] = {
        "single": (root / "single", (*with_draws(draws, "posterior_draw=1"), *WINDOW)),
        "sweep": (
            root / "sweep",
            ("-m", *with_draws(draws, "posterior_draw=range(0,2)"), "seed=0,1", *WINDOW, "hydra/launcher=joblib"),
        ),
        "bad_sweep": (root / "bad_sweep", ("-m", *with_draws(draws, "posterior_draw=0,12"), *WINDOW)),
        "conflict": (root / "conflict", (*with_draws(draws, "posterior_draw=0", "guards.p_see=0.5"), *WINDOW)),
        "conflict_sweep": (
            root / "conflict_sweep",
            ("-m", *with_draws(draws, "posterior_draw=0", "guards.p_see=0.1,0.5"), *WINDOW),
        ),
        **{case: (root / case, (*cases[case][0], *WINDOW)) for case in CLI_CASES},
    }
    launches = {}
    for name, (directory, args) in specs.items():
        where = "hydra.sweep.dir" if args[0] == "-m" else "hydra.run.dir"
        launches[name] = (directory, Launch("sim.run", *args, f"{where}={directory}"))
    yield {"draws": draws, "cases": cases, "launches": launches}
    stop_all(launches)


def test_a_run_with_a_draw_writes_the_draw_s_values_in_its_resolved_config(launched):
    run_dir, result = finished(launched["launches"], "single")
    assert result.returncode == 0, printed(result)
    config = yaml.safe_load((run_dir / "config.yaml").read_text())
    assert config["posterior_draw"] == 1
    assert config["calibration"]["name"] == "example"
    assert config["guards"]["p_see"] == DRAWS["guards.p_see"][1]
    assert config["migrant"]["memory"] == 4  # 3.6, rounded: an int-typed key


@pytest.mark.parametrize("case", CLI_CASES)
def test_a_bad_draw_request_exits_2_in_one_line_naming_the_key_before_running(launched, case):
    run_dir, result = finished(launched["launches"], case)
    assert result.returncode == 2, printed(result)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), printed(result)
    for part in launched["cases"][case][1]:
        assert part in lines[0], printed(result)
    assert not run_dir.exists() or not list(run_dir.iterdir()), "a refused run left files"


def test_a_bad_draw_in_a_sweep_stops_it_before_any_job(launched):
    sweep_dir, result = finished(launched["launches"], "bad_sweep")
    assert result.returncode == 2, printed(result)
    assert "posterior_draw: 12 is out of range; calibration `example` has draws 0..2" in result.stderr
    assert "no job of the sweep was started" in result.stderr and "Traceback" not in result.stderr
    assert not sweep_dir.exists() or not [p for p in sweep_dir.iterdir() if p.is_dir()]


@pytest.mark.parametrize("name", ["conflict", "conflict_sweep"])
def test_a_key_set_both_by_the_draw_and_on_the_command_line_is_refused(launched, name):
    # the draw would replace the command line's value silently, and a sweep over that key run one value only
    directory, result = finished(launched["launches"], name)
    assert result.returncode == 2, printed(result)
    assert "guards.p_see: set on the command line (guards.p_see=" in result.stderr
    assert "and by posterior_draw=0 of calibration `example`" in result.stderr and "Traceback" not in result.stderr
    assert not directory.exists() or not [p for p in directory.iterdir() if p.name != "multirun.yaml"]


def test_a_sweep_over_draws_and_seeds_aggregates_with_a_posterior_draw_column(launched):
    sweep_dir, result = finished(launched["launches"], "sweep")
    assert result.returncode == 0, printed(result)
    summary = pd.read_csv(sweep_dir / "summary.csv")
    assert {"posterior_draw", "seed"} <= set(summary.columns)
    assert sorted(zip(summary["posterior_draw"], summary["seed"], strict=True)) == list(
        itertools.product((0, 1), (0, 1))
    )
    for _, row in summary.iterrows():  # each run ran its own draw
        config = yaml.safe_load((sweep_dir / str(row["job"]) / "config.yaml").read_text())
        assert config["guards"]["p_see"] == DRAWS["guards.p_see"][row["posterior_draw"]]


def test_the_report_of_a_sweep_over_draws_covers_seeds_and_posterior_draws(launched, tmp_path):
    sweep_dir, result = finished(launched["launches"], "sweep")
    assert result.returncode == 0, printed(result)
    text = report(sweep_dir, out=tmp_path).read_text()
    assert (
        "Intervals cover parameter uncertainty: each is a 95% prediction interval over 2 posterior draws of "
        "calibration `example` (each draw averaged over its 2 seeds); it does not narrow as more draws are run"
    ) in text
    assert "posterior draws [0, 1]" in text
    assert "| all runs | 4 |" in text  # one scenario: its runs are every (seed, draw) pair
