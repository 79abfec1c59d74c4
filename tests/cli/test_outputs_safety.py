"""Nothing lost, nothing silent: runs and sweeps never write over each other, aggregation trusts only what it can
read and says what it could not, and a directory that cannot be written stops a command with one line.

The command-line checks start their independent commands at once in the background (`launched`) and each test
waits only for the one it reads; they are tiny (1 simulated day) but each pays Hydra's start-up.
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml
from commands import Launch, finished, printed, run_module, stop_all
from omegaconf import OmegaConf

from sim.analysis import report as report_module
from sim.analysis.report import ReportError, parse_baseline
from sim.cli import aggregate as aggregate_module
from sim.cli.aggregate import AggregateOnEnd, Sweep, collect, uniform, write
from sim.cli.output_guard import LOCK_NAME, LockHolder, OutputDirError, SweepLock, claim_run_dir, conflicts
from sim.cli.outputs import output_problem
from sim.cli.run import run_job
from sim.config import CONFIG_DIR, load_config
from sim.config.overrides import split_top_level

OUTPUTS = ("daily.csv", "segments.csv", "summary.json", "config.yaml")
SMALL = ("seed=0,1", "days=1")
#: A sweep over a list-valued key; its second value holds commas inside brackets and braces.
RAMP = '[{date:"2021-08-01",value:0.2}]'
AS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


# --- running the command lines ------------------------------------------------------------------------------------


def _one_line_error(result: subprocess.CompletedProcess[str], *names: str) -> None:
    """A user-facing failure: non-zero, no traceback, one `error:` line naming each of `names`."""
    assert result.returncode != 0, printed(result)
    assert "Traceback" not in result.stdout + result.stderr, printed(result)
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, printed(result)
    for name in names:
        assert name in errors[0], f"{name!r} not named in: {errors[0]}"


def _files(directory: Path) -> dict[str, bytes]:
    """Every file under `directory` with its bytes: to show that nothing there changed."""
    return {str(p.relative_to(directory)): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


def _copy(src: Path, dest: Path) -> Path:
    shutil.copytree(src, dest)
    return dest


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def _write_lock(sweep_dir: Path, pid: int) -> Path:
    """A sweep's lock file as a sweep running as process `pid` on this machine leaves it."""
    sweep_dir.mkdir(parents=True, exist_ok=True)
    path = sweep_dir / ".sweep.lock"
    holder = {"pid": pid, "host": socket.gethostname(), "started": "2026-01-01T00:00:00", "command": "sim.run -m"}
    path.write_text(json.dumps({**holder, "process_start": None}))
    return path


@pytest.fixture(scope="module")
def launched(tmp_path_factory):
    """The independent commands of this module, started at once: {name: (directory, launch)}."""
    root = tmp_path_factory.mktemp("safety")
    in_the_way = root / "a_file"
    in_the_way.write_text("not a directory\n")
    # a sweep directory locked by a live sweep (this test process) and one locked by a dead one
    _write_lock(root / "locked", os.getpid())
    _write_lock(root / "stale_lock", _dead_pid())
    # a sweep whose summary.parquet cannot be written: a directory is in the way of its atomic rename
    (root / "no_parquet" / "summary.parquet").mkdir(parents=True)
    sweeps = {
        "small": SMALL,
        "other": ("seed=0", "fence=steel_wall", "days=1"),
        "locked": SMALL,
        "stale_lock": SMALL,
        "no_parquet": SMALL,
        "ramp": (f"troops.ramp.poland=[],{RAMP}", "seed=0", "days=1"),
    }
    launches = {
        name: (root / name, Launch("sim.run", "-m", *args, f"hydra.sweep.dir={root / name}"))
        for name, args in sweeps.items()
    }
    launches["unwritable_run"] = (in_the_way, Launch("sim.run", "days=1", f"hydra.run.dir={in_the_way / 'run'}"))
    launches["unwritable_sweep"] = (in_the_way, Launch("sim.run", "-m", *SMALL, f"hydra.sweep.dir={in_the_way / 's'}"))
    yield launches
    stop_all(launches)


@pytest.fixture(scope="module")
def small(launched) -> Path:
    """A finished sweep `seed=0,1 days=1` (two jobs); tests change copies of it."""
    sweep_dir, result = finished(launched, "small")
    assert result.returncode == 0, printed(result)
    return sweep_dir


# --- 1. a sweep never writes over another sweep's runs ------------------------------------------------------------


@pytest.mark.slow
def test_a_different_sweep_into_a_used_directory_is_refused_and_changes_nothing(small, tmp_path):
    sweep_dir = _copy(small, tmp_path / "sweep")
    before = _files(sweep_dir)
    result = run_module("sim.run", "-m", "seed=0", "fence=steel_wall", "days=1", f"hydra.sweep.dir={sweep_dir}")
    _one_line_error(result, str(sweep_dir), "job 0 [seed=0 days=1]", "another sweep")
    assert result.returncode == 2
    assert "Launching" not in result.stdout
    assert _files(sweep_dir) == before
    assert not (sweep_dir / ".sweep.lock").exists()


@pytest.mark.slow
def test_the_same_sweep_with_more_seeds_resumes_and_runs_only_the_new_job(small, tmp_path):
    sweep_dir = _copy(small, tmp_path / "sweep")
    kept = {job: (sweep_dir / str(job) / "daily.csv").read_bytes() for job in (0, 1)}
    result = run_module("sim.run", "-m", "seed=0,1,2", "days=1", f"hydra.sweep.dir={sweep_dir}")
    assert result.returncode == 0, printed(result)
    assert len(re.findall(r"already complete, skipped", result.stdout)) == 2
    assert "aggregated 3 finished run(s)" in result.stdout
    assert pd.read_csv(sweep_dir / "summary.csv")["seed"].tolist() == [0, 1, 2]
    assert {job: (sweep_dir / str(job) / "daily.csv").read_bytes() for job in (0, 1)} == kept


@pytest.mark.slow
def test_a_sweep_directory_locked_by_a_live_sweep_is_refused(launched):
    sweep_dir, result = finished(launched, "locked")
    _one_line_error(result, str(sweep_dir), "in use by another sweep", f"pid {os.getpid()}")
    assert result.returncode == 2
    assert not [p for p in sweep_dir.iterdir() if p.is_dir()], "a job ran in a locked directory"
    assert json.loads((sweep_dir / ".sweep.lock").read_text())["pid"] == os.getpid(), "the live lock was taken"


@pytest.mark.slow
def test_a_stale_lock_of_a_dead_sweep_is_named_and_replaced_and_the_lock_is_released_at_the_end(launched):
    sweep_dir, result = finished(launched, "stale_lock")
    assert result.returncode == 0, printed(result)
    assert "removed the stale lock" in result.stdout
    assert "aggregated 2 finished run(s)" in result.stdout
    assert not (sweep_dir / ".sweep.lock").exists()


def test_sweep_lock_is_exclusive_released_and_recognises_dead_or_reused_pids(tmp_path):
    lock = SweepLock(tmp_path)
    lock.acquire()
    holder = json.loads((tmp_path / LOCK_NAME).read_text())
    assert (holder["pid"], holder["host"]) == (os.getpid(), LockHolder.me().host)
    with pytest.raises(OutputDirError, match=f"in use by another sweep \\(pid {os.getpid()} on "):
        SweepLock(tmp_path).acquire()
    lock.release()
    assert not (tmp_path / LOCK_NAME).exists()
    me = LockHolder.me()
    assert me.alive()
    assert not LockHolder(pid=_dead_pid(), host=me.host, started="x").alive()
    if me.process_start is not None:  # the same pid started at another time is another process
        assert not LockHolder(pid=me.pid, host=me.host, started="x", process_start="1").alive()
    assert LockHolder(pid=_dead_pid(), host="another-host", started="x").alive(), "cannot tell: must count as alive"


def test_a_sweep_conflicts_with_job_directories_of_other_jobs_only(small):
    same = [["seed=0", "days=1"], ["seed=1", "days=1"]]
    assert conflicts(small, same) == []
    assert conflicts(small, [*same, ["seed=2", "days=1"]]) == []  # appending jobs is resuming
    assert conflicts(small, [["days=1", "seed=1"], ["days=1", "seed=0"]]) != []  # same keys, other numbering
    assert len(conflicts(small, same[:1])) == 1  # job 1 would be left over, mixed into the summary


# --- 2. a single run never writes over another run -----------------------------------------------------------------


@pytest.mark.slow
def test_a_run_into_an_explicit_directory_holding_a_run_is_refused_and_changes_nothing(run_cli, tmp_path):
    first = run_cli("days=1", f"hydra.run.dir={tmp_path}")
    assert first.returncode == 0, printed(first)
    before = _files(tmp_path)
    second = run_cli("days=1", "seed=3", f"hydra.run.dir={tmp_path}")
    _one_line_error(second, str(tmp_path), "already holds another run")
    assert second.returncode == 2
    assert _files(tmp_path) == before  # outputs, config.yaml and .hydra/overrides.yaml are the first run's


@pytest.mark.slow
def test_two_runs_started_at_once_into_one_directory_one_runs_one_is_refused(tmp_path):
    runs = [Launch("sim.run", "days=1", f"seed={seed}", f"hydra.run.dir={tmp_path}") for seed in (0, 1)]
    results = [run.result() for run in runs]
    assert sorted(r.returncode for r in results) == [0, 2], [printed(r) for r in results]
    winner = next(seed for seed, r in zip((0, 1), results, strict=True) if r.returncode == 0)
    assert OmegaConf.load(tmp_path / "config.yaml").seed == winner
    assert yaml.safe_load((tmp_path / ".hydra" / "overrides.yaml").read_text()) == ["days=1", f"seed={winner}"]


@pytest.mark.slow
def test_a_default_run_directory_already_taken_gets_the_next_free_name(tmp_path):
    """Two runs started in the same second share a timestamp: the later one writes into `<time>_2`."""
    pattern = re.search(r"\$\{now:([^}]+)\}", (CONFIG_DIR / "config.yaml").read_text()).group(1)
    runs = tmp_path / "results" / "runs" / "autumn2021"
    start = dt.datetime.now()
    for second in range(-1, 90):  # every timestamp the run below can get is taken by an earlier run
        taken = runs / (start + dt.timedelta(seconds=second)).strftime(pattern)
        (taken / ".hydra").mkdir(parents=True)
        (taken / "config.yaml").write_text("earlier run\n")
    result = run_module("sim.run", "days=1", cwd=tmp_path)
    assert result.returncode == 0, printed(result)
    written = re.search(r"to (results/runs/autumn2021/\S+)", result.stdout).group(1)
    assert written.endswith("_2"), written
    out = tmp_path / written
    assert all((out / name).is_file() for name in OUTPUTS)
    assert (Path(written[: -len("_2")]).name) in {p.name for p in runs.iterdir()}
    assert all((p / "config.yaml").read_text() == "earlier run\n" for p in runs.iterdir() if not p.name.endswith("_2"))


def test_claiming_a_run_directory(tmp_path):
    assert claim_run_dir(tmp_path / "a", ".hydra", explicit=True) == tmp_path / "a"
    with pytest.raises(OutputDirError, match=f"{tmp_path / 'a'} already holds another run"):
        claim_run_dir(tmp_path / "a", ".hydra", explicit=True)
    assert claim_run_dir(tmp_path / "a", ".hydra", explicit=False) == tmp_path / "a_2"
    assert claim_run_dir(tmp_path / "a", ".hydra", explicit=False) == tmp_path / "a_3"
    (tmp_path / "b").mkdir()  # an empty directory (made by hand, or by pytest) is free
    assert claim_run_dir(tmp_path / "b", ".hydra", explicit=True) == tmp_path / "b"


# --- 3. aggregation: typed columns, only the current sweep, damaged outputs named, non-zero when incomplete ---------


def test_a_column_mixing_numbers_and_text_is_written_as_text_in_both_tables(tmp_path):
    table = pd.DataFrame({"tag": [1, "abc", 2.5], "job": [0, 1, 2], "crossings": [3, 4, 5], "rate": [0.5, None, 1]})
    sweep = Sweep(table=table.apply(uniform), keys=["tag"])
    write(sweep, tmp_path)
    assert sweep.errors == []
    parquet = pd.read_parquet(tmp_path / "summary.parquet")
    assert parquet["tag"].tolist() == ["1", "abc", "2.5"]
    assert pd.api.types.is_integer_dtype(parquet["crossings"])
    assert pd.api.types.is_float_dtype(parquet["rate"])
    assert parquet.to_csv(index=False, lineterminator="\n") == (tmp_path / "summary.csv").read_text()
    assert json.loads((tmp_path / "status.json").read_text())["complete"] is True


def test_one_type_per_column():
    assert uniform(pd.Series([30.0, float("inf")], dtype=object)).dtype == float
    assert uniform(pd.Series([2000, 15000], dtype=object)).dtype == "int64"
    assert uniform(pd.Series([2000, None], dtype=object)).dtype == "Int64"
    assert uniform(pd.Series([True, False], dtype=object)).dtype == bool
    assert uniform(pd.Series([30, "inf", None], dtype=object)).tolist() == ["30", "inf", None]
    assert uniform(pd.Series([[], [{"date": "2021-08-01", "value": 0.2}]], dtype=object)).tolist() == [
        "[]",
        '[{"date":"2021-08-01","value":0.2}]',
    ]


def test_a_table_that_cannot_be_written_as_parquet_is_reported_and_its_old_version_removed(
    small, tmp_path, monkeypatch
):
    sweep_dir = _copy(small, tmp_path / "sweep")
    assert (sweep_dir / "summary.parquet").is_file()

    def refuse(*args, **kwargs):
        raise TypeError("Expected bytes, got a 'int' object")

    monkeypatch.setattr(pd.DataFrame, "to_parquet", refuse)
    assert aggregate_module.main([str(sweep_dir)]) == 1
    assert not (sweep_dir / "summary.parquet").exists(), "an older summary.parquet would disagree with summary.csv"
    status = json.loads((sweep_dir / "status.json").read_text())
    assert status["complete"] is False
    assert status["errors"] == ["summary.parquet was not written: TypeError: Expected bytes, got a 'int' object"]


@pytest.mark.slow
def test_a_sweep_whose_summary_cannot_be_written_exits_1_naming_it(launched):
    sweep_dir, result = finished(launched, "no_parquet")
    assert result.returncode == 1, printed(result)
    assert "ERROR summary.parquet was not written" in result.stdout
    assert f"summary incomplete: see {sweep_dir / 'status.json'}" in result.stdout
    assert "Traceback" not in result.stderr
    assert json.loads((sweep_dir / "status.json").read_text())["complete"] is False
    assert len(pd.read_csv(sweep_dir / "summary.csv")) == 2


def test_the_end_of_sweep_callback_exits_1_when_a_run_is_missing(small, tmp_path, capsys):
    sweep_dir = _copy(small, tmp_path / "sweep")
    shutil.rmtree(sweep_dir / "1")
    with pytest.raises(SystemExit) as stop:
        AggregateOnEnd().on_multirun_end(OmegaConf.create({"hydra": {"sweep": {"dir": str(sweep_dir)}}}))
    assert stop.value.code == 1
    assert "MISSING job 1 [seed=1 days=1]: never started" in capsys.readouterr().out


@pytest.mark.slow
def test_job_directories_of_an_earlier_sweep_are_named_stale_and_never_aggregated(launched, small, tmp_path):
    """What a second, different sweep into the same directory left before sweeps were guarded: its job 0 over
    the first sweep's job 0, the first sweep's job 1 beside it, and its own multirun.yaml."""
    other_dir, other = finished(launched, "other")
    assert other.returncode == 0, printed(other)
    sweep_dir = _copy(small, tmp_path / "sweep")
    shutil.rmtree(sweep_dir / "0")
    _copy(other_dir / "0", sweep_dir / "0")
    shutil.copy(other_dir / "multirun.yaml", sweep_dir / "multirun.yaml")

    result = run_module("sim.aggregate", str(sweep_dir))
    assert result.returncode == 0, printed(result)  # the current sweep (one job) is complete
    assert f"STALE directory {sweep_dir / '1'} [seed=1 days=1]: not a job of this sweep" in result.stdout
    table = pd.read_csv(sweep_dir / "summary.csv")
    assert table[["seed", "fence", "days"]].values.tolist() == [[0, "steel_wall", 1]]
    status = json.loads((sweep_dir / "status.json").read_text())
    assert [s["job"] for s in status["stale"]] == [1]
    report = run_module("sim.report", str(sweep_dir))
    assert report.returncode == 0, printed(report)
    text = (sweep_dir / "report.md").read_text()
    assert "nan" not in text
    assert "STALE" in text


def test_a_run_whose_outputs_are_of_another_config_than_its_overrides_is_not_aggregated(small, tmp_path):
    sweep_dir = _copy(small, tmp_path / "sweep")
    (sweep_dir / "multirun.yaml").unlink()  # no record of the sweep: each job's own overrides are all there is
    overrides = sweep_dir / "1" / ".hydra" / "overrides.yaml"
    overrides.write_text(yaml.safe_dump(["seed=7", "days=1"]))  # as if Hydra had started another job here
    sweep = collect(sweep_dir)
    assert sweep.table["seed"].tolist() == [0]
    assert [(m["job"], m["reason"]) for m in sweep.missing] == [
        (1, "its outputs are of another config (seed=1 in config.yaml, the job asked for seed=7)")
    ]
    assert not sweep.complete


def test_swept_values_come_from_the_runs_config(small, tmp_path):
    sweep_dir = _copy(small, tmp_path / "sweep")
    for job in (0, 1):  # days typed as 30 on the command line are the config's 30.0 in every row
        path = sweep_dir / str(job) / ".hydra" / "overrides.yaml"
        path.write_text(yaml.safe_dump([*yaml.safe_load(path.read_text()), "migrant.max_zone_days=30"]))
    (sweep_dir / "multirun.yaml").unlink()
    table = collect(sweep_dir).table
    assert table["migrant.max_zone_days"].dtype == float
    assert table["migrant.max_zone_days"].tolist() == [30.0, 30.0]


@pytest.mark.slow
def test_a_truncated_summary_is_named_and_its_job_run_again_on_resume(small, tmp_path):
    sweep_dir = _copy(small, tmp_path / "sweep")
    summary = sweep_dir / "1" / "summary.json"
    whole = summary.read_bytes()
    summary.write_bytes(whole[: len(whole) // 2])
    assert output_problem(sweep_dir / "1").startswith("summary.json is not valid JSON")

    aggregated = run_module("sim.aggregate", str(sweep_dir))
    assert aggregated.returncode == 1, printed(aggregated)
    assert "MISSING job 1 [seed=1 days=1]: damaged: summary.json is not valid JSON" in aggregated.stdout
    assert "Traceback" not in aggregated.stderr

    resumed = run_module("sim.run", "-m", *SMALL, f"hydra.sweep.dir={sweep_dir}")
    assert resumed.returncode == 0, printed(resumed)
    assert re.search(r"job 1 \[[^\]]*\]: summary\.json is not valid JSON.*running it again", resumed.stdout)
    assert "job 0 [days=1,seed=0]: already complete, skipped" in resumed.stdout
    assert "Traceback" not in resumed.stdout + resumed.stderr
    assert summary.read_bytes() == whole
    assert (sweep_dir / "summary.csv").read_bytes() == (small / "summary.csv").read_bytes()


def test_a_truncated_table_is_named(small, tmp_path):
    job_dir = _copy(small / "0", tmp_path / "0")
    daily = job_dir / "daily.csv"
    lines = daily.read_text().splitlines(keepends=True)
    daily.write_text("".join(lines[:-1]))  # cut at a line end: still a table, one row short
    assert output_problem(job_dir) == "daily.csv has 2 rows, its config asks for 3: truncated?"
    daily.write_text("".join(lines)[:-5])  # cut inside a line
    assert output_problem(job_dir) == "daily.csv is truncated (its last line is cut off)"


# --- 4. directories that cannot be written, and the report's baseline ----------------------------------------------


@pytest.mark.slow
def test_an_unwritable_run_or_sweep_directory_stops_with_one_line(launched):
    for name in ("unwritable_run", "unwritable_sweep"):
        in_the_way, result = finished(launched, name)
        _one_line_error(result, str(in_the_way))
        assert result.returncode == 2


@pytest.mark.slow
def test_aggregate_and_report_into_an_unwritable_place_stop_with_one_line(small, tmp_path):
    sweep_dir = _copy(small, tmp_path / "sweep")
    (sweep_dir / "status.json").unlink()
    (sweep_dir / "status.json").mkdir()  # in the way of the atomic rename
    aggregated = run_module("sim.aggregate", str(sweep_dir))
    _one_line_error(aggregated, str(sweep_dir / "status.json"))
    assert aggregated.returncode == 1
    (tmp_path / "a_file").write_text("")
    reported = run_module("sim.report", str(small), "--out", str(tmp_path / "a_file" / "report"))
    _one_line_error(reported, str(tmp_path / "a_file"))


@pytest.mark.slow
@pytest.mark.skipif(AS_ROOT, reason="root writes into read-only directories; the file-in-the-way tests cover it")
def test_read_only_directories_stop_every_command_with_one_line(small, tmp_path):
    sweep_dir = _copy(small, tmp_path / "sweep")
    read_only = tmp_path / "read_only"
    read_only.mkdir()
    for directory in (sweep_dir, read_only):
        directory.chmod(0o555)
    try:
        _one_line_error(run_module("sim.run", "days=1", f"hydra.run.dir={read_only / 'run'}"), str(read_only))
        _one_line_error(run_module("sim.run", "-m", *SMALL, f"hydra.sweep.dir={read_only / 's'}"), str(read_only))
        _one_line_error(run_module("sim.aggregate", str(sweep_dir)), str(sweep_dir))
        _one_line_error(run_module("sim.report", str(sweep_dir)), str(sweep_dir))
    finally:
        for directory in (sweep_dir, read_only):
            directory.chmod(0o755)


def _disk_full(monkeypatch) -> None:
    """Every atomic output write fails as on a full disk."""

    def full(src, dst, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(dst))

    monkeypatch.setattr(os, "replace", full)


def test_a_full_disk_stops_aggregate_and_report_with_one_line(small, tmp_path, monkeypatch, capsys):
    sweep_dir = _copy(small, tmp_path / "sweep")
    _disk_full(monkeypatch)
    assert aggregate_module.main([str(sweep_dir)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert f"error: cannot write {sweep_dir / 'status.json'}: No space left on device" in err
    assert report_module.main([str(sweep_dir)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "No space left on device" in err


def test_a_job_on_a_full_disk_is_reported_failed_without_raising(tmp_path, monkeypatch, caplog):
    _disk_full(monkeypatch)
    assert run_job(load_config(["days=1"]), tmp_path, "job 0") is None
    failed = [r.getMessage() for r in caplog.records if "FAILED" in r.getMessage()]
    assert len(failed) == 1
    assert f"cannot write {tmp_path / 'error.json'}: No space left on device" in failed[0]


def test_baseline_is_parsed_as_overrides_not_split_on_every_comma():
    assert split_top_level(f"troops.ramp.poland={RAMP},fence=none") == [f"troops.ramp.poland={RAMP}", "fence=none"]
    assert parse_baseline(f"troops.ramp.poland={RAMP},fence=none") == {
        "troops.ramp.poland": [{"date": "2021-08-01", "value": 0.2}],
        "fence": "none",
    }
    assert parse_baseline("escort.strategy='a,b'") == {"escort.strategy": "a,b"}
    assert parse_baseline("migrant.max_zone_days=inf") == {"migrant.max_zone_days": float("inf")}
    with pytest.raises(ReportError, match="'steel_wall' is not key=value; give one value per key"):
        parse_baseline("fence=none,steel_wall")
    with pytest.raises(
        ReportError, match=re.escape("'nonsense' is not key=value; give one value per key, e.g. --baseline")
    ):
        parse_baseline("nonsense")
    with pytest.raises(ReportError, match=re.escape("troops.ramp.poland=[{date")):
        parse_baseline("troops.ramp.poland=[{date:")


@pytest.mark.slow
def test_report_baseline_with_commas_inside_a_list_value(launched):
    sweep_dir, result = finished(launched, "ramp")
    assert result.returncode == 0, printed(result)
    table = pd.read_csv(sweep_dir / "summary.csv")
    assert table["troops.ramp.poland"].tolist() == ["[]", '[{"date":"2021-08-01","value":0.2}]']
    report = run_module("sim.report", str(sweep_dir), "--baseline", f"troops.ramp.poland={RAMP}")
    assert report.returncode == 0, printed(report)
    text = (sweep_dir / "report.md").read_text()
    assert 'baseline **troops.ramp.poland=[{"date":"2021-08-01","value":0.2}]**' in text
    bad = run_module("sim.report", str(sweep_dir), "--baseline", "troops.ramp.poland=[1,2")
    _one_line_error(bad, "--baseline", "troops.ramp.poland=[1,2")
    assert bad.returncode == 2


def test_a_refused_config_leaves_no_directory_and_the_corrected_run_goes_through(tmp_path):
    run_dir = tmp_path / "run"
    refused = run_module("sim.run", "days=1", "guards.p_see=2", f"hydra.run.dir={run_dir}")
    assert refused.returncode == 2, printed(refused)
    assert "guards.p_see=2" in refused.stderr
    assert not run_dir.exists(), sorted(p.name for p in run_dir.iterdir())
    corrected = run_module("sim.run", "days=1", f"hydra.run.dir={run_dir}")
    assert corrected.returncode == 0, printed(corrected)
    assert (run_dir / "summary.json").is_file()


def test_aggregating_a_directory_that_is_not_a_sweep_is_refused(tmp_path):
    single = tmp_path / "single"
    assert run_module("sim.run", "days=1", f"hydra.run.dir={single}").returncode == 0
    empty = tmp_path / "empty"
    empty.mkdir()
    for directory in (empty, single):
        before = sorted(p.name for p in directory.iterdir())
        result = run_module("sim.aggregate", str(directory))
        _one_line_error(result, str(directory), "not a sweep directory")
        assert result.returncode == 2
        assert sorted(p.name for p in directory.iterdir()) == before  # no summary or status written
