"""Nothing lost, nothing silent: runs and sweeps never write over each other, damaged outputs are named, and a
directory that cannot be written stops a command with one line.

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
from omegaconf import OmegaConf

from sim.config import CONFIG_DIR, load_config
from sim.guard import LOCK_NAME, LockHolder, OutputDirError, SweepLock, claim_run_dir, conflicts
from sim.outputs import output_problem
from sim.run import run_job

REPO = Path(__file__).resolve().parents[1]
TIMEOUT = 300
OUTPUTS = ("daily.csv", "segments.csv", "summary.json", "config.yaml")
SMALL = ("seed=0,1", "days=1")
AS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


# --- running the command lines ------------------------------------------------------------------------------------


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "HYDRA_FULL_ERROR"}


class _Launch:
    """`python -m MODULE ARGS` started in the background (from `cwd`); `result()` waits for it (once)."""

    def __init__(self, module: str, *args: str, cwd: Path = REPO) -> None:
        self.args = [sys.executable, "-m", module, *args]
        self.proc = subprocess.Popen(
            self.args, cwd=cwd, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        self._result: subprocess.CompletedProcess[str] | None = None

    def result(self) -> subprocess.CompletedProcess[str]:
        if self._result is None:
            stdout, stderr = self.proc.communicate(timeout=TIMEOUT)
            self._result = subprocess.CompletedProcess(self.args, self.proc.returncode, stdout, stderr)
        return self._result

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.communicate()


def _cli(module: str, *args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return _Launch(module, *args, cwd=cwd).result()


def _output(result: subprocess.CompletedProcess[str]) -> str:
    return f"exit {result.returncode}\n--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"


def _one_line_error(result: subprocess.CompletedProcess[str], *names: str) -> None:
    """A user-facing failure: non-zero, no traceback, one `error:` line naming each of `names`."""
    assert result.returncode != 0, _output(result)
    assert "Traceback" not in result.stdout + result.stderr, _output(result)
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, _output(result)
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
    sweeps = {
        "small": SMALL,
        "locked": SMALL,
        "stale_lock": SMALL,
    }
    launches = {
        name: (root / name, _Launch("sim.run", "-m", *args, f"hydra.sweep.dir={root / name}"))
        for name, args in sweeps.items()
    }
    launches["unwritable_run"] = (in_the_way, _Launch("sim.run", "days=1", f"hydra.run.dir={in_the_way / 'run'}"))
    launches["unwritable_sweep"] = (in_the_way, _Launch("sim.run", "-m", *SMALL, f"hydra.sweep.dir={in_the_way / 's'}"))
    yield launches
    for _, launch in launches.values():
        launch.stop()


def _finished(launched, name: str) -> tuple[Path, subprocess.CompletedProcess[str]]:
    directory, launch = launched[name]
    return directory, launch.result()


@pytest.fixture(scope="module")
def small(launched) -> Path:
    """A finished sweep `seed=0,1 days=1` (two jobs); tests change copies of it."""
    sweep_dir, result = _finished(launched, "small")
    assert result.returncode == 0, _output(result)
    return sweep_dir


# --- 1. a sweep never writes over another sweep's runs ------------------------------------------------------------


@pytest.mark.slow
def test_a_different_sweep_into_a_used_directory_is_refused_and_changes_nothing(small, tmp_path):
    sweep_dir = _copy(small, tmp_path / "sweep")
    before = _files(sweep_dir)
    result = _cli("sim.run", "-m", "seed=0", "fence=steel_wall", "days=1", f"hydra.sweep.dir={sweep_dir}")
    _one_line_error(result, str(sweep_dir), "job 0 [seed=0 days=1]", "another sweep")
    assert result.returncode == 2
    assert "Launching" not in result.stdout
    assert _files(sweep_dir) == before
    assert not (sweep_dir / ".sweep.lock").exists()


@pytest.mark.slow
def test_the_same_sweep_with_more_seeds_resumes_and_runs_only_the_new_job(small, tmp_path):
    sweep_dir = _copy(small, tmp_path / "sweep")
    kept = {job: (sweep_dir / str(job) / "daily.csv").read_bytes() for job in (0, 1)}
    result = _cli("sim.run", "-m", "seed=0,1,2", "days=1", f"hydra.sweep.dir={sweep_dir}")
    assert result.returncode == 0, _output(result)
    assert len(re.findall(r"already complete, skipped", result.stdout)) == 2
    assert "aggregated 3 finished run(s)" in result.stdout
    assert pd.read_csv(sweep_dir / "summary.csv")["seed"].tolist() == [0, 1, 2]
    assert {job: (sweep_dir / str(job) / "daily.csv").read_bytes() for job in (0, 1)} == kept


@pytest.mark.slow
def test_a_sweep_directory_locked_by_a_live_sweep_is_refused(launched):
    sweep_dir, result = _finished(launched, "locked")
    _one_line_error(result, str(sweep_dir), "in use by another sweep", f"pid {os.getpid()}")
    assert result.returncode == 2
    assert not [p for p in sweep_dir.iterdir() if p.is_dir()], "a job ran in a locked directory"
    assert json.loads((sweep_dir / ".sweep.lock").read_text())["pid"] == os.getpid(), "the live lock was taken"


@pytest.mark.slow
def test_a_stale_lock_of_a_dead_sweep_is_named_and_replaced_and_the_lock_is_released_at_the_end(launched):
    sweep_dir, result = _finished(launched, "stale_lock")
    assert result.returncode == 0, _output(result)
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
    assert first.returncode == 0, _output(first)
    before = _files(tmp_path)
    second = run_cli("days=1", "seed=3", f"hydra.run.dir={tmp_path}")
    _one_line_error(second, str(tmp_path), "already holds another run")
    assert second.returncode == 2
    assert _files(tmp_path) == before  # outputs, config.yaml and .hydra/overrides.yaml are the first run's


@pytest.mark.slow
def test_two_runs_started_at_once_into_one_directory_one_runs_one_is_refused(tmp_path):
    runs = [_Launch("sim.run", "days=1", f"seed={seed}", f"hydra.run.dir={tmp_path}") for seed in (0, 1)]
    results = [run.result() for run in runs]
    assert sorted(r.returncode for r in results) == [0, 2], [_output(r) for r in results]
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
    result = _cli("sim.run", "days=1", cwd=tmp_path)
    assert result.returncode == 0, _output(result)
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


# --- 3. damaged outputs are named ----------------------------------------------------------------------------------


def test_a_truncated_table_is_named(small, tmp_path):
    job_dir = _copy(small / "0", tmp_path / "0")
    daily = job_dir / "daily.csv"
    lines = daily.read_text().splitlines(keepends=True)
    daily.write_text("".join(lines[:-1]))  # cut at a line end: still a table, one row short
    assert output_problem(job_dir) == "daily.csv has 2 rows, its config asks for 3: truncated?"
    daily.write_text("".join(lines)[:-5])  # cut inside a line
    assert output_problem(job_dir) == "daily.csv is truncated (its last line is cut off)"


# --- 4. directories that cannot be written ------------------------------------------------------------------------


@pytest.mark.slow
def test_an_unwritable_run_or_sweep_directory_stops_with_one_line(launched):
    for name in ("unwritable_run", "unwritable_sweep"):
        in_the_way, result = _finished(launched, name)
        _one_line_error(result, str(in_the_way))
        assert result.returncode == 2


def _disk_full(monkeypatch) -> None:
    """Every atomic output write fails as on a full disk."""

    def full(src, dst, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(dst))

    monkeypatch.setattr(os, "replace", full)


def test_a_job_on_a_full_disk_is_reported_failed_without_raising(tmp_path, monkeypatch, caplog):
    _disk_full(monkeypatch)
    assert run_job(load_config(["days=1"]), tmp_path, "job 0") is None
    failed = [r.getMessage() for r in caplog.records if "FAILED" in r.getMessage()]
    assert len(failed) == 1
    assert f"cannot write {tmp_path / 'error.json'}: No space left on device" in failed[0]
