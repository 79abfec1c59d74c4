"""Keep runs and sweeps from writing over each other's outputs.

- A single run's config is validated first (a refused config leaves no directory behind). The run then claims
  its directory before Hydra writes anything into it, by creating Hydra's `.hydra/`
  there (atomic: of two runs, exactly one succeeds). A directory that already holds a run (its `.hydra/`, an
  output or `error.json`) is never written into: with the default timestamped `hydra.run.dir` (two runs started
  in the same second) the run takes the next free name, `<time>_2`, `<time>_3`, ...; with a `hydra.run.dir`
  given on the command line it stops with exit 2 naming the directory.
- A sweep locks its directory for as long as it runs: `.sweep.lock` holds the process id, host, start time and
  command line, is written atomically and removed when the sweep ends (also on an error or Ctrl-C). A second
  sweep into a locked directory stops with exit 2 naming the directory and the holder. A lock whose process is
  dead (same host, no such process or one started at another time) is stale: it is removed, and said so.
- A sweep into a directory whose job directories hold runs that are not the same jobs of this sweep (another
  sweep, or the same keys in another order) stops with exit 2 before any job runs: it would mix two sweeps in
  one summary and overwrite the other's runs. Re-running the same sweep (or one that only appends jobs) resumes.

`OutputGuard` is the Hydra callback that does all this (configured in `configs/config.yaml`).
"""

from __future__ import annotations

import atexit
import datetime as dt
import json
import logging
import os
import socket
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from hydra.experimental.callback import Callback
from omegaconf import DictConfig, open_dict, read_write

from sim.cli.io import cannot_write, naming
from sim.cli.outputs import holds_run, job_dirs, same_job, sweep_jobs
from sim.config.compose import to_config
from sim.config.draws import override_conflicts
from sim.config.fields import ConfigError

log = logging.getLogger("sim.guard")

LOCK_NAME = ".sweep.lock"
#: How many `<dir>_N` names a default run directory tries before giving up.
MAX_SUFFIX = 1000


class OutputDirError(Exception):
    """A run or sweep directory that must not (or cannot) be written: a user mistake, reported in one line."""


# --- single runs ---------------------------------------------------------------------------------------------------


def claim(run_dir: Path, marker: str | None) -> bool:
    """Take `run_dir` for one run: False if it already holds a run. `marker` (Hydra's `.hydra`) is created
    atomically, so two runs claiming the same directory at once cannot both succeed. Raises OSError when the
    directory cannot be created."""
    if holds_run(run_dir):
        return False
    run_dir.mkdir(parents=True, exist_ok=True)
    if marker is None:
        return True
    try:
        (run_dir / marker).mkdir()
    except FileExistsError:
        return False
    return True


def held_message(run_dir: Path, held: list[str]) -> str:
    """Why a run will not write into `run_dir`: the files of another run there."""
    return (
        f"run directory {run_dir} already holds another run ({', '.join(held) or 'files'}); nothing was written. "
        "Choose another hydra.run.dir, or remove that run first"
    )


def claim_run_dir(run_dir: Path, marker: str | None, explicit: bool) -> Path:
    """The directory this run will write into: `run_dir`, or with a default (timestamped) directory already
    taken, the first free `<run_dir>_N`. Raises `OutputDirError` for an explicit directory holding a run, or
    one that cannot be created."""
    candidates = [run_dir] if explicit else [run_dir, *(Path(f"{run_dir}_{n}") for n in range(2, MAX_SUFFIX))]
    for candidate in candidates:
        try:
            if claim(candidate, marker):
                return candidate
        except OSError as err:
            raise OutputDirError(cannot_write(err, candidate)) from None
    if explicit:
        raise OutputDirError(held_message(run_dir, holds_run(run_dir)))
    raise OutputDirError(f"run directory {run_dir} and {MAX_SUFFIX - 2} numbered siblings are all taken")


# --- sweeps --------------------------------------------------------------------------------------------------------


def _process_start(pid: int) -> str | None:
    """When process `pid` started (clock ticks since boot, from /proc); None where /proc cannot tell."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]


@dataclass(frozen=True)
class LockHolder:
    """Who holds a sweep directory."""

    pid: int
    host: str
    started: str
    process_start: str | None = None
    command: str = ""

    @classmethod
    def me(cls) -> LockHolder:
        return cls(
            pid=os.getpid(),
            host=socket.gethostname(),
            started=dt.datetime.now().isoformat(timespec="seconds"),
            process_start=_process_start(os.getpid()),
            command=" ".join(sys.argv),
        )

    def alive(self) -> bool:
        """False only when this holder is known to be gone: same host and no such process (or a process
        started at another time, its pid reused). A holder on another host counts as alive."""
        if self.host != socket.gethostname():
            return True
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            pass  # a process of another user: it exists
        now = _process_start(self.pid)
        return self.process_start is None or now is None or now == self.process_start

    def is_me(self) -> bool:
        return self.pid == os.getpid() and self.host == socket.gethostname()

    def describe(self) -> str:
        return f"pid {self.pid} on {self.host}, since {self.started}" + (f": {self.command}" if self.command else "")


def read_lock(path: Path) -> LockHolder | None:
    """The holder recorded in a lock file; None if the file is gone. An unreadable file counts as a holder
    that cannot be checked (pid 0 on no host), never as free."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return LockHolder(**{k: data[k] for k in ("pid", "host", "started", "process_start", "command")})
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError):
        return LockHolder(pid=0, host="?", started="?", command="unreadable lock file")


class SweepLock:
    """`.sweep.lock` in a sweep directory: one live sweep at a time. `acquire` raises `OutputDirError`."""

    def __init__(self, sweep_dir: Path) -> None:
        self.path = Path(sweep_dir) / LOCK_NAME
        self.holder: LockHolder | None = None

    def acquire(self) -> None:
        me = LockHolder.me()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            for _ in range(3):
                if self._link(me):
                    self.holder = me
                    atexit.register(self.release)
                    return
                other = read_lock(self.path)
                if other is None:
                    continue  # released meanwhile: try again
                if other.alive() or other.host == "?":
                    where = "" if other.host != "?" else f" (remove {self.path} if no sweep is running)"
                    raise OutputDirError(
                        f"sweep directory {self.path.parent} is in use by another sweep ({other.describe()})"
                        f"{where}; choose another hydra.sweep.dir, or wait for it to end"
                    )
                if read_lock(self.path) == other:  # still the same dead holder: take its place
                    self.path.unlink(missing_ok=True)
                    print(f"removed the stale lock of a sweep that is no longer running ({other.describe()})")
        except OSError as err:
            raise OutputDirError(cannot_write(err, self.path.parent)) from None
        raise OutputDirError(f"could not lock sweep directory {self.path.parent}: its lock keeps changing")

    def _link(self, me: LockHolder) -> bool:
        """Write the lock beside its place, then hard-link it there: atomic, never half-written."""
        tmp = None
        try:
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=f"{LOCK_NAME}.", suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(asdict(me), fh)
            os.link(tmp, self.path)
            return True
        except FileExistsError:
            return False
        except OSError as err:
            raise naming(err, self.path) from err
        finally:
            if tmp is not None:
                Path(tmp).unlink(missing_ok=True)

    def release(self) -> None:
        """Remove the lock if this process holds it (idempotent)."""
        if self.holder is not None and read_lock(self.path) == self.holder:
            self.path.unlink(missing_ok=True)
        self.holder = None


def conflicts(sweep_dir: Path, jobs: list[list[str]]) -> list[str]:
    """Job directories in `sweep_dir` holding a run that is not the same-numbered job of `jobs`, described."""
    found = []
    for job in job_dirs(sweep_dir) if Path(sweep_dir).is_dir() else []:
        if job.overrides is None:  # Hydra had not recorded them yet: only outputs would be lost
            if [name for name in holds_run(job.path) if name != ".hydra"]:
                found.append(f"job {job.num} (outputs without a record of their overrides)")
            continue
        if job.num >= len(jobs):
            found.append(f"job {job.num} [{' '.join(job.overrides)}] is not a job of this sweep")
        elif not same_job(job.overrides, jobs[job.num]):
            found.append(
                f"job {job.num} [{' '.join(job.overrides)}] is not job {job.num} of this sweep "
                f"[{' '.join(jobs[job.num])}]"
            )
    return found


# --- the Hydra callback --------------------------------------------------------------------------------------------


def _explicit(config: DictConfig, key: str) -> bool:
    """Whether `key` (e.g. `hydra.run.dir`) was given on the command line."""
    return any(str(o).split("=", 1)[0].lstrip("+~") == key for o in config.hydra.overrides.hydra)


def _stop(message: str) -> None:
    print(f"error: {message}", file=sys.stderr)
    sys.exit(2)


class OutputGuard(Callback):
    """Hydra callback: claim a single run's directory; lock a sweep's directory and refuse one holding another
    sweep. Exits 2 with one line when a directory must not or cannot be written."""

    def __init__(self) -> None:
        self.lock: SweepLock | None = None

    def on_run_start(self, config: DictConfig, **kwargs: Any) -> None:
        try:  # a refused config claims nothing: no stub directory that would block the corrected command
            override_conflicts(to_config(config), list(config.hydra.overrides.task))
        except ConfigError as err:
            _stop(str(err))
        run_dir = Path(str(config.hydra.run.dir))
        try:
            claimed = claim_run_dir(run_dir, config.hydra.output_subdir, _explicit(config, "hydra.run.dir"))
        except OutputDirError as err:
            _stop(str(err))
        if claimed != run_dir:
            with read_write(config.hydra), open_dict(config.hydra):
                config.hydra.run.dir = str(claimed)

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        sweep_dir = Path(str(config.hydra.sweep.dir)).absolute()
        self.lock = SweepLock(sweep_dir)
        try:
            self.lock.acquire()
        except OutputDirError as err:
            _stop(str(err))
        try:
            jobs = sweep_jobs(config)
        except Exception as err:  # a sweep syntax this check does not know: Hydra's sweeper will judge it
            log.warning("could not list the jobs of this sweep to compare with %s: %s", sweep_dir, err)
            return
        found = conflicts(sweep_dir, jobs)
        if found:
            self.lock.release()
            shown = "; ".join(found[:3]) + (f"; and {len(found) - 3} more" if len(found) > 3 else "")
            _stop(
                f"sweep directory {sweep_dir} holds runs of another sweep ({shown}); nothing was run. "
                "Re-run that same sweep there to resume it, or choose another hydra.sweep.dir"
            )

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        if self.lock is not None:
            self.lock.release()

    def __getstate__(self) -> dict:
        # launchers may pickle the callbacks into job processes; the lock belongs to the sweep's own process
        return {"lock": None}
