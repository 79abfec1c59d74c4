"""Sweeps end to end: `python -m sim.run -m ...` with each launcher, failures, resume, aggregation, the report and
the experiment configs (the statistics behind the report: tests/analysis/test_stats.py).

The sweeps are tiny (2 simulated days, about a second per job) but each one still pays Hydra's start-up and the
validation of every job, so the module starts all the independent sweeps at once in the background (`launched`)
and each test waits only for the one it reads. Results do not depend on that: a run depends only on its config.
"""

from __future__ import annotations

import itertools
import json
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from commands import Launch, finished, printed, run_module, stop_all
from hydra.types import RunMode
from omegaconf import DictConfig, OmegaConf

from sim.analysis.stats import COUNT, mean_ci
from sim.cli.aggregate import collect, expected_jobs
from sim.cli.run import run_job
from sim.config import CONFIG_DIR, Config, load_config, register_configs, to_config

#: The small sweep of the issue: 2 fences × 2 troop levels × 2 seeds, 2 days each.
SWEEP = ("fence=none,steel_wall", "troops.poland=2000,15000", "seed=0,1", "days=2")
KEYS = ["fence", "troops.poland", "seed", "days"]
#: Hydra numbers the jobs with the last swept key varying fastest: job 1 is fence=none troops.poland=2000 seed=1.
JOB_OVERRIDES = {
    i: f"fence={fence} troops.poland={troops} seed={seed} days=2"
    for i, (fence, troops, seed) in enumerate(itertools.product(("none", "steel_wall"), (2000, 15000), (0, 1)))
}
OUTPUTS = ("daily.csv", "segments.csv", "summary.json", "config.yaml")
TOTAL_STATS = ("crossings", "attempts", "apprehensions", "pushbacks", "asylum_claims", "interception_rate", "cost_eur")
#: Counters whose total is the sum over the two EU countries (the camps in Belarus see no crossings).
ADDITIVE = ("crossings", "attempts", "apprehensions", "pushbacks", "asylum_claims")
RAN = re.compile(r"job (\d+) \[[^\]]*\]: crossings \d+, attempts \d+")
SKIPPED = re.compile(r"job (\d+) \[[^\]]*\]: already complete, skipped")
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
#: Sweeps with a bad value, each stopped before any run: (arguments, exit status or None for any non-zero one,
#: patterns of its message).
BAD_SWEEPS = {
    # the validating sweeper's range check: exit 2, naming the job, the key and the allowed range
    "troops_out_of_range": (
        ("troops.poland=2000,-5", "days=2"),
        2,
        [
            r"job \[troops\.poland=-5 days=2\]",
            r"troops\.poland=-5 is out of range: allowed \[0, 10000000\]",
            r"no job",
        ],
    ),
    # Hydra's own composition errors (Hydra alone exits 1; `sim.run.cli` makes them 2): they name what is available
    "unknown_experiment": (
        ("+experiment=bogus", "days=2"),
        2,
        [r"experiment/bogus", r"fence_vs_troops", r"poland_wall_vs_troops", r"pushback_policy", r"quick_compare"],
    ),
    "unknown_strategy": (
        ("escort.strategy=random,smart", "days=2"),
        2,
        [r"escort\.strategy", r"random, weakest, adaptive"],
    ),
}


# --- running the command lines ----------------------------------------------------------------------------------


def _sweep(sweep_dir: Path, *args: str) -> Launch:
    return Launch("sim.run", "-m", *args, f"hydra.sweep.dir={sweep_dir}")


@pytest.fixture(scope="module")
def launched(tmp_path_factory):
    """Every independent sweep of this module, started at once: {name: (sweep dir, launch)}."""
    root = tmp_path_factory.mktemp("sweeps")
    # job 1 of `failing` cannot write daily.csv: a directory is in the way of its atomic rename
    (root / "failing" / "1" / "daily.csv").mkdir(parents=True)
    specs = {
        "basic": SWEEP,
        "joblib": (*SWEEP, "hydra/launcher=joblib"),
        "submitit": (
            "fence=none,steel_wall",
            "troops.poland=15000",
            "seed=1",
            "days=2",
            "hydra/launcher=submitit_local",
        ),
        "failing": SWEEP,
        **{f"bad_{case}": args for case, (args, _, _) in BAD_SWEEPS.items()},
    }
    launches = {name: (root / name, _sweep(root / name, *args)) for name, args in specs.items()}
    yield launches
    stop_all(launches)


@pytest.fixture(scope="module")
def basic(launched) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """The small sweep with Hydra's basic (sequential) launcher: (sweep dir, completed process)."""
    sweep_dir, result = finished(launched, "basic")
    assert result.returncode == 0, printed(result)
    return sweep_dir, result


def _summary(sweep_dir: Path) -> pd.DataFrame:
    return pd.read_csv(sweep_dir / "summary.csv")


def _by_keys(table: pd.DataFrame) -> pd.DataFrame:
    return table.sort_values(["fence", "troops.poland", "seed"]).reset_index(drop=True)


def _copy(src: Path, dest: Path) -> Path:
    """A copy of a sweep directory (file times kept) that a test may change."""
    shutil.copytree(src, dest)
    return dest


def _other_p_see(config_text: str) -> str:
    """The same resolved config with another `guards.p_see`: outputs of an older config."""
    changed = re.sub(r"(\n  p_see: )[0-9.]+", r"\g<1>0.123", config_text)
    assert changed != config_text
    return changed


def _same(table_value: float, summary_value: float | None) -> bool:
    """A summary.json value (null where undefined, e.g. a rate with no attempts) equals its table cell (NaN)."""
    if summary_value is None:
        return bool(np.isnan(table_value))
    return table_value == pytest.approx(summary_value)


# --- 1. the small sweep -----------------------------------------------------------------------------------------


def test_small_sweep_writes_one_row_per_run_with_the_swept_keys_first(basic):
    sweep_dir, result = basic
    assert "Launching 8 jobs locally" in result.stdout
    assert f"aggregated 8 finished run(s) into {sweep_dir / 'summary.csv'}" in result.stdout
    assert "Traceback" not in result.stderr
    table = _summary(sweep_dir)
    assert len(table) == 8
    assert list(table.columns[:5]) == [*KEYS, "job"]
    wanted = {*TOTAL_STATS, *(f"{c}.{s}" for c in ("poland", "lithuania") for s in TOTAL_STATS)}
    assert wanted <= set(table.columns), sorted(wanted - set(table.columns))
    assert table["job"].tolist() == list(range(8))
    # each row is its job's overrides, exactly as the sweep asked for them
    for row in table.itertuples(index=False):
        overrides = " ".join(f"{k}={v}" for k, v in zip(KEYS, row[:4], strict=True))
        assert overrides == JOB_OVERRIDES[row.job]
    assert table["days"].eq(2).all()


def test_small_sweep_rows_are_the_jobs_summaries(basic):
    sweep_dir, _ = basic
    table = _summary(sweep_dir).set_index("job")
    for job in range(8):
        summary = json.loads((sweep_dir / str(job) / "summary.json").read_text())
        for stat in TOTAL_STATS:
            assert _same(table.loc[job, stat], summary["total"][stat]), (job, stat)
            assert _same(table.loc[job, f"poland.{stat}"], summary["poland"][stat]), (job, stat)
        for stat in ADDITIVE:
            assert table.loc[job, stat] == table.loc[job, f"poland.{stat}"] + table.loc[job, f"lithuania.{stat}"]
    # the swept values reach the runs: more troops and a wall each cost more, and the seeds' arrivals differ
    cost = table.set_index(["fence", "troops.poland", "seed"])["cost_eur"]
    for fence, seed in itertools.product(("none", "steel_wall"), (0, 1)):
        assert cost[(fence, 15000, seed)] > cost[(fence, 2000, seed)]
    for troops, seed in itertools.product((2000, 15000), (0, 1)):
        assert cost[("steel_wall", troops, seed)] > cost[("none", troops, seed)]
    assert table["crossings"].sum() > 0
    assert table.groupby("seed")["attempts"].sum().nunique() == 2


def test_small_sweep_parquet_holds_the_same_table_as_the_csv(basic):
    sweep_dir, _ = basic
    parquet = pd.read_parquet(sweep_dir / "summary.parquet")
    assert list(parquet.columns) == list(_summary(sweep_dir).columns)
    assert len(parquet) == 8
    assert parquet.to_csv(index=False, lineterminator="\n") == (sweep_dir / "summary.csv").read_text()
    for key in ("troops.poland", "seed", "days", "job", "crossings"):
        assert pd.api.types.is_integer_dtype(parquet[key]), key
    assert parquet["fence"].tolist() == ["none"] * 4 + ["steel_wall"] * 4


def test_small_sweep_job_dirs_hold_the_four_outputs_and_status_is_clean(basic):
    sweep_dir, _ = basic
    for job in range(8):
        for name in OUTPUTS:
            path = sweep_dir / str(job) / name
            assert path.is_file() and path.stat().st_size > 0, path
        assert not (sweep_dir / str(job) / "error.json").exists()
        config = OmegaConf.load(sweep_dir / str(job) / "config.yaml")
        fence, troops, seed, _ = (o.split("=")[1] for o in JOB_OVERRIDES[job].split())
        assert (config.fence.name, config.troops.poland, config.seed, config.days) == (fence, int(troops), int(seed), 2)
    status = json.loads((sweep_dir / "status.json").read_text())
    assert status == {
        "complete": True,
        "finished": 8,
        "failed": [],
        "missing": [],
        "stale": [],
        "errors": [],
        "keys": KEYS,
    }
    assert not (sweep_dir / ".sweep.lock").exists(), "the sweep's lock outlived it"


# --- 2, 3. other launchers give the same numbers ----------------------------------------------------------------


def test_joblib_launcher_gives_identical_numbers(launched, basic):
    sweep_dir, result = finished(launched, "joblib")
    assert result.returncode == 0, printed(result)
    assert "Joblib.Parallel" in result.stdout
    pd.testing.assert_frame_equal(_by_keys(_summary(sweep_dir)), _by_keys(_summary(basic[0])))
    for job in range(8):
        assert (sweep_dir / str(job) / ".hydra" / "overrides.yaml").read_text() == (
            basic[0] / str(job) / ".hydra" / "overrides.yaml"
        ).read_text()
        for name in OUTPUTS:
            assert (sweep_dir / str(job) / name).read_bytes() == (basic[0] / str(job) / name).read_bytes(), (job, name)


def test_submitit_local_launcher_gives_the_same_numbers(launched, basic):
    sweep_dir, result = finished(launched, "submitit")
    assert result.returncode == 0, printed(result)
    assert "Submitit 'local'" in result.stdout
    table = _summary(sweep_dir)
    assert len(table) == 2
    assert list(table.columns[:5]) == [*KEYS, "job"]
    reference = _summary(basic[0])
    reference = reference[(reference["troops.poland"] == 15000) & (reference["seed"] == 1)]
    pd.testing.assert_frame_equal(_by_keys(table.drop(columns="job")), _by_keys(reference.drop(columns="job")))
    # same job, same files: submitit's jobs 0, 1 are the basic sweep's jobs 3, 7
    for job, basic_job in ((0, 3), (1, 7)):
        for name in OUTPUTS:
            assert (sweep_dir / str(job) / name).read_bytes() == (basic[0] / str(basic_job) / name).read_bytes()


# --- 4. a failing run -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def failing(launched) -> tuple[Path, subprocess.CompletedProcess[str]]:
    return finished(launched, "failing")


def test_failing_run_does_not_stop_the_others_and_the_sweep_exits_1(failing, basic):
    sweep_dir, result = failing
    assert result.returncode == 1, printed(result)
    # the crash is logged as one line naming the job (its traceback goes to error.json), not raised
    assert re.search(r"job 1 \[[^\]]*\]: FAILED IsADirectoryError", result.stdout), printed(result)
    assert "Traceback" not in result.stdout + result.stderr
    assert "aggregated 7 finished run(s)" in result.stdout
    assert f"FAILED job 1 [{JOB_OVERRIDES[1]}]: IsADirectoryError" in result.stdout
    assert {int(n) for n in RAN.findall(result.stdout)} == {0, 2, 3, 4, 5, 6, 7}
    table = _summary(sweep_dir)
    assert table["job"].tolist() == [0, 2, 3, 4, 5, 6, 7]
    expected = _summary(basic[0])
    pd.testing.assert_frame_equal(table, expected[expected["job"] != 1].reset_index(drop=True))
    assert len(pd.read_parquet(sweep_dir / "summary.parquet")) == 7


def test_failing_run_is_recorded_in_error_json_and_status_json(failing):
    sweep_dir, _ = failing
    job_dir = sweep_dir / "1"
    error = json.loads((job_dir / "error.json").read_text())
    assert error["error"].startswith("IsADirectoryError")
    assert "daily.csv" in error["error"]
    assert "Traceback (most recent call last)" in error["traceback"]
    assert not (job_dir / "summary.json").exists()
    assert not (job_dir / "config.yaml").exists()
    assert not list(job_dir.glob(".*.tmp")), "the failed atomic write left its temporary file behind"
    status = json.loads((sweep_dir / "status.json").read_text())
    assert status["finished"] == 7
    assert status["missing"] == []
    assert [(f["job"], f["overrides"], f["error"]) for f in status["failed"]] == [(1, JOB_OVERRIDES[1], error["error"])]


def test_aggregate_command_names_the_failed_run_and_exits_1(failing, tmp_path):
    sweep_dir = _copy(failing[0], tmp_path / "sweep")
    result = run_module("sim.aggregate", str(sweep_dir))
    assert result.returncode == 1, printed(result)
    assert f"aggregated 7 finished run(s) into {sweep_dir / 'summary.csv'}" in result.stdout
    assert re.search(rf"^FAILED job 1 \[{re.escape(JOB_OVERRIDES[1])}\]: IsADirectoryError", result.stdout, re.M)
    assert "MISSING" not in result.stdout
    assert "Traceback" not in result.stderr
    assert len(_summary(sweep_dir)) == 7


def test_rerun_that_crashes_is_reported_failed_not_as_its_stale_outputs(basic, tmp_path):
    sweep_dir = tmp_path / "sweep"
    job_dir = _copy(basic[0] / "3", sweep_dir / "3")
    # outputs of an older config (as after editing a default in configs/ and re-running the sweep) ...
    config = job_dir / "config.yaml"
    config.write_text(_other_p_see(config.read_text()))
    # ... and this time the run crashes: a directory is in the way of segments.csv
    (job_dir / "segments.csv").unlink()
    (job_dir / "segments.csv").mkdir()
    overrides = yaml.safe_load((job_dir / ".hydra" / "overrides.yaml").read_text())
    assert run_job(load_config(overrides), job_dir, "job 3") is None
    assert json.loads((job_dir / "error.json").read_text())["error"].startswith("IsADirectoryError")
    sweep = collect(sweep_dir)
    assert [f["job"] for f in sweep.failed] == [3]
    assert sweep.table.empty


# --- 5. resume ----------------------------------------------------------------------------------------------------


def test_resume_runs_only_the_jobs_without_complete_outputs_for_their_config(failing, basic, tmp_path):
    """Re-running the sweep into its directory runs the failed job (its cause removed), a job killed before it
    finished, a job that never started and a job whose outputs are from another config; it skips the rest."""
    sweep_dir = _copy(failing[0], tmp_path / "sweep")
    (sweep_dir / "1" / "daily.csv").rmdir()  # what made job 1 fail, removed
    (sweep_dir / "3" / "summary.json").unlink()  # killed before it finished
    shutil.rmtree(sweep_dir / "5")  # never started
    config_6 = sweep_dir / "6" / "config.yaml"  # outputs of another config
    stale = _other_p_see(config_6.read_text())
    config_6.write_text(stale)
    untouched = [0, 2, 4, 7]
    mtimes = {job: (sweep_dir / str(job) / "daily.csv").stat().st_mtime_ns for job in untouched}

    result = run_module("sim.run", "-m", *SWEEP, f"hydra.sweep.dir={sweep_dir}")
    assert result.returncode == 0, printed(result)
    assert {int(n) for n in RAN.findall(result.stdout)} == {1, 3, 5, 6}
    assert {int(n) for n in SKIPPED.findall(result.stdout)} == set(untouched)
    assert "aggregated 8 finished run(s)" in result.stdout
    assert "FAILED" not in result.stdout
    for job in untouched:
        assert (sweep_dir / str(job) / "daily.csv").stat().st_mtime_ns == mtimes[job], job
    for job in (1, 3, 5, 6):  # the re-run jobs wrote exactly what the uninterrupted sweep wrote
        for name in OUTPUTS:
            assert (sweep_dir / str(job) / name).read_bytes() == (basic[0] / str(job) / name).read_bytes(), (job, name)
    assert not (sweep_dir / "1" / "error.json").exists()
    assert (sweep_dir / "summary.csv").read_bytes() == (basic[0] / "summary.csv").read_bytes()
    assert json.loads((sweep_dir / "status.json").read_text()) == json.loads((basic[0] / "status.json").read_text())


# --- 6. a killed sweep ------------------------------------------------------------------------------------------


def test_aggregating_a_killed_sweep_lists_the_runs_that_did_not_finish(basic, tmp_path):
    sweep_dir = _copy(basic[0], tmp_path / "sweep")
    shutil.rmtree(sweep_dir / "6")  # never started
    (sweep_dir / "2" / "config.yaml").unlink()  # killed while writing its outputs
    result = run_module("sim.aggregate", str(sweep_dir))
    assert result.returncode == 1, printed(result)
    assert "aggregated 6 finished run(s)" in result.stdout
    assert f"MISSING job 2 [{JOB_OVERRIDES[2]}]: started but did not finish" in result.stdout
    assert f"MISSING job 6 [{JOB_OVERRIDES[6]}]: never started" in result.stdout
    assert "FAILED" not in result.stdout
    table = _summary(sweep_dir)
    expected = _summary(basic[0])
    pd.testing.assert_frame_equal(table, expected[~expected["job"].isin([2, 6])].reset_index(drop=True))
    status = json.loads((sweep_dir / "status.json").read_text())
    assert status["finished"] == 6
    assert status["failed"] == []
    missing = {m["job"]: (m["overrides"], m["reason"].split(" (")[0]) for m in status["missing"]}
    assert missing == {
        2: (JOB_OVERRIDES[2], "started but did not finish"),
        6: (JOB_OVERRIDES[6], "never started"),
    }


# --- 7. bad input stops the sweep before any run ------------------------------------------------------------------


@pytest.mark.parametrize("case", BAD_SWEEPS)
def test_bad_value_in_a_sweep_stops_it_before_any_run_naming_the_key(launched, case):
    _, code, patterns = BAD_SWEEPS[case]
    sweep_dir, result = finished(launched, f"bad_{case}")
    assert result.returncode != 0 if code is None else result.returncode == code, printed(result)
    for pattern in patterns:
        assert re.search(pattern, result.stderr), f"{pattern!r} not in:\n{printed(result)}"
    assert "Traceback" not in result.stdout + result.stderr
    assert "Launching" not in result.stdout
    if sweep_dir.exists():
        assert not [p for p in sweep_dir.iterdir() if p.is_dir()], "a job directory was created"
        assert not list(sweep_dir.rglob("summary.json"))


# --- 8. the report ----------------------------------------------------------------------------------------------

BASELINE = "fence=none, troops.poland=2000"
SCENARIOS = [f"fence={f}, troops.poland={t}" for f in ("none", "steel_wall") for t in (2000, 15000)]
#: Figures every report of this sweep links (a sweep recording more measures gets more, e.g. share_crossed.png)
FIGURES = {
    "crossings_vs_troops.poland.png",
    "daily_attempts.png",
    "daily_massed.png",
    "crossings.png",
    "interception_rate.png",
    "asylum_claims.png",
    "gave_up.png",
    "deaths.png",
    "cost_eur.png",
}


@pytest.fixture(scope="module")
def reported(basic, tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    sweep_dir = _copy(basic[0], tmp_path_factory.mktemp("report") / "sweep")
    return sweep_dir, run_module("sim.report", str(sweep_dir), "--baseline", "fence=none,troops.poland=2000")


def _section(text: str, heading: str) -> str:
    """The body of a `## heading` section of a markdown text."""
    match = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert match, f"no section '## {heading}' in:\n{text}"
    return match.group(1)


def _subsection(text: str, heading: str, level: int = 3) -> str:
    """The body of a `### heading` subsection (up to the next heading of its level or a higher one)."""
    match = re.search(rf"^{'#' * level} {re.escape(heading)}\n(.*?)(?=^#{{1,{level}}} |\Z)", text, re.M | re.S)
    assert match, f"no section '{'#' * level} {heading}' in:\n{text}"
    return match.group(1)


def test_report_has_the_scenario_table_with_means_and_intervals(reported):
    sweep_dir, result = reported
    assert result.returncode == 0, printed(result)
    assert f"wrote {sweep_dir / 'report.md'}" in result.stdout
    text = (sweep_dir / "report.md").read_text()
    assert "8 runs finished, 0 failed, 0 missing" in text
    assert "Intervals cover seeds only (2 seeds); parameter uncertainty not included." in text
    assert [
        r.split(" | ")[0].removeprefix("| ")
        for r in _section(text, "Scenarios").splitlines()
        if r.startswith("| fence=")
    ] == SCENARIOS
    table = _subsection(_section(text, "Crossings and interceptions"), "Total")
    rows = [line for line in table.splitlines() if line.startswith("| fence=")]
    assert [row.split(" | ")[0].removeprefix("| ") for row in rows] == SCENARIOS
    interval = r"-?[\d,.]+ \[-?[\d,.]+, -?[\d,.]+\]"
    for row in rows:
        cells = row.strip("|").split(" | ")
        assert cells[1].strip() == "2"  # runs: one per seed
        assert all(re.fullmatch(interval, cell.strip()) for cell in cells[2:]), row
    # the numbers are the seeds' mean and t-interval of the sweep's own runs
    summary = _summary(sweep_dir)
    base = summary[(summary["fence"] == "none") & (summary["troops.poland"] == 2000)]
    assert rows[0].startswith(f"| {BASELINE} | 2 | {mean_ci(base['crossings'], COUNT).fmt(0)} | ")


def test_report_compares_against_the_baseline_and_prices_prevented_crossings(reported):
    sweep_dir, _ = reported
    text = (sweep_dir / "report.md").read_text()
    assert f"baseline **{BASELINE}**" in text
    for country in ("Poland", "Lithuania", "Total"):
        effects = _subsection(_section(text, f"Effects against the baseline ({BASELINE})"), country)
        rows = [line for line in effects.splitlines() if line.startswith("| fence=")]
        assert [row.split(" | ")[0].removeprefix("| ") for row in rows] == SCENARIOS[1:]
        assert all(row.endswith("| paired by seed |") for row in rows)
        cost = _subsection(_subsection(_section(text, "Costs"), "Cost per prevented crossing"), country, 4)
        rows = [line for line in cost.splitlines() if line.startswith("| fence=")]
        assert [row.split(" | ")[0].removeprefix("| ") for row in rows] == SCENARIOS[1:]
        assert "EUR per prevented crossing, fence amortised" in cost
        assert "EUR per prevented crossing, full fence capital" in cost


def test_report_figures_it_links_are_non_empty_pngs(reported):
    sweep_dir, _ = reported
    text = (sweep_dir / "report.md").read_text()
    linked = set(re.findall(r"!\[[^\]]+\]\(([^)]+)\)", text))
    assert linked >= FIGURES
    for name in linked:
        data = (sweep_dir / name).read_bytes()
        assert data.startswith(PNG_MAGIC) and len(data) > 10_000, name


def test_report_with_an_unknown_baseline_exits_2_listing_the_scenarios(basic, tmp_path):
    sweep_dir = _copy(basic[0], tmp_path / "sweep")
    result = run_module("sim.report", str(sweep_dir), "--baseline", "fence=bogus")
    assert result.returncode == 2, printed(result)
    assert "--baseline fence=bogus matches 0 scenarios" in result.stderr
    for label in SCENARIOS:
        assert label in result.stderr
    assert "Traceback" not in result.stderr
    assert not (sweep_dir / "report.md").exists()


def test_report_baseline_on_a_share_swept_as_0_and_0_5(basic, tmp_path):
    # The directory of `-m policy.poland.pushback_share=0,0.5 policy.lithuania.pushback_share=0 seed=0,1 days=2`:
    # each job's .hydra/overrides.yaml as Hydra writes it and its config.yaml, the other outputs borrowed from the
    # small sweep (the report only reads them).
    sweep_dir = tmp_path / "sweep"
    for job, (share, seed) in enumerate(itertools.product(("0", "0.5"), (0, 1))):
        job_dir = _copy(basic[0] / str(job), sweep_dir / str(job))
        overrides = [f"policy.poland.pushback_share={share}", "policy.lithuania.pushback_share=0", f"seed={seed}"]
        (job_dir / ".hydra" / "overrides.yaml").write_text(yaml.safe_dump([*overrides, "days=2"]))
        config = OmegaConf.load(job_dir / "config.yaml")  # and the config such a run has
        config.policy.poland.pushback_share, config.policy.lithuania.pushback_share = float(share), 0.0
        (job_dir / "config.yaml").write_text(OmegaConf.to_yaml(config))
    baseline = "policy.poland.pushback_share=0,policy.lithuania.pushback_share=0"  # as in the experiment's comment
    assert f"--baseline {baseline}" in (CONFIG_DIR / "experiment" / "pushback_policy.yaml").read_text()
    report = run_module("sim.report", str(sweep_dir), "--baseline", baseline)
    assert report.returncode == 0, printed(report)
    assert (sweep_dir / "report.md").is_file()


# --- 9. experiment and launcher configs ---------------------------------------------------------------------------

EXPERIMENT_JOBS = {
    "fence_vs_troops": 3 * 4 * 10,
    "poland_wall_vs_troops": 2 * 3 * 10,
    "pushback_policy": 3 * 3 * 10,
    "quick_compare": 2 * 2 * 5,
}
EXPERIMENTS = sorted(p.stem for p in (CONFIG_DIR / "experiment").glob("*.yaml"))


def _compose_with_hydra(overrides: list[str]) -> DictConfig:
    """The composed config including its `hydra` node (sweeper params, mode, launcher)."""
    from hydra import compose, initialize_config_dir
    from hydra.core.global_hydra import GlobalHydra

    register_configs()
    GlobalHydra.instance().clear()
    with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3"):
        return compose(config_name="config", overrides=overrides, return_hydra_config=True)


def test_every_experiment_has_a_documented_job_count():
    assert sorted(EXPERIMENT_JOBS) == EXPERIMENTS


@pytest.mark.parametrize("name", EXPERIMENTS)
def test_experiment_composes_and_validates(name):
    config = to_config(load_config([f"+experiment={name}"]))
    assert isinstance(config, Config)


@pytest.mark.parametrize("name", EXPERIMENTS)
def test_experiment_sweeps_the_documented_number_of_jobs(name, tmp_path):
    cfg = _compose_with_hydra([f"+experiment={name}"])
    assert cfg.hydra.mode == RunMode.MULTIRUN
    assert cfg.hydra.sweep.dir.startswith(f"results/sweeps/{name}/")
    # what the aggregation expects of a sweep of this experiment, from the multirun.yaml Hydra would write
    OmegaConf.save(cfg, tmp_path / "multirun.yaml")
    jobs = expected_jobs(tmp_path)
    assert len(jobs) == EXPERIMENT_JOBS[name]
    assert len({tuple(sorted(job)) for job in jobs}) == len(jobs)
    assert all(f"+experiment={name}" in job for job in jobs)
    header = (CONFIG_DIR / "experiment" / f"{name}.yaml").read_text()
    assert re.search(rf"\b{EXPERIMENT_JOBS[name]} (short )?runs\b", header), "the comment states another count"
    for job in (jobs[0], jobs[-1]):
        to_config(load_config(job))


def test_slurm_launcher_config_composes():
    pytest.importorskip("hydra_plugins.hydra_submitit_launcher")
    launcher = _compose_with_hydra(["hydra/launcher=slurm"]).hydra.launcher
    assert launcher._target_.endswith("SlurmLauncher")
    assert (launcher.timeout_min, launcher.cpus_per_task, launcher.array_parallelism) == (30, 1, 128)
