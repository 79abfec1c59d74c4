"""Gather a sweep's runs into one table: `python -m sim.aggregate SWEEP_DIR`.

Each job of a sweep writes its own outputs (`summary.json`, or `error.json` when it crashed) into its own
directory; this module globs them, so it works whatever launcher ran the jobs (local, joblib, submitit, Ray) and
also on a sweep that was killed or where some runs failed: it aggregates what finished and lists what did not.
Hydra calls it at the end of every multirun (`AggregateOnEnd`); the command does the same by hand.

`summary.csv` / `summary.parquet`: one row per finished run of the sweep; first every overridden key named as on
the command line (`fence`, `fence.poland`, `troops.poland`, `seed`) with its value read from the run's own
`config.yaml` (a config group by its `name`, `+experiment` by the experiment block's name, a country's fence by
the option its line got; a key the config does not hold, or a group without a name, from the override), then
`job`, then the total statistics under their own names and the per-country ones as `poland.crossings`,
`lithuania.crossings`, ... Every column has one type: numbers stay numbers, a column mixing numbers and text
becomes text.

`status.json` lists what is not in the table: `failed` runs (with their error), `missing` ones (never started,
killed, outputs damaged or of another config than the job asked for), `stale` job directories that are not jobs
of this sweep (left by another sweep: never aggregated) and `errors` (a table that could not be written).
The summary is `complete` when nothing failed, is missing or could not be written; otherwise both the Hydra
callback and the command exit 1.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from hydra.experimental.callback import Callback
from omegaconf import DictConfig

from sim.cli.io import cannot_write, write_csv, write_json, write_parquet
from sim.cli.output_guard import LOCK_NAME, read_lock
from sim.cli.outputs import (
    ABSENT,
    ERROR_FILE,
    OverrideError,
    asked_value,
    canonical,
    config_value,
    expected_jobs,
    job_dirs,
    output_problem,
    parse_override,
    read_config,
    read_summary,
    same_job,
    same_value,
)

log = logging.getLogger("sim.aggregate")

COUNTRIES = ("poland", "lithuania", "belarus")
#: Keys of the whole run at the top level of summary.json (runs written before they were added lack them).
RUN_KEYS = ("start_date", "days")
#: The summary tables a sweep directory gets, both with the same rows and columns.
TABLES = ("summary.csv", "summary.parquet")
__all__ = ["AggregateOnEnd", "Sweep", "aggregate", "collect", "describe", "expected_jobs", "flatten", "write"]


@dataclass
class Sweep:
    """What a sweep directory holds: the table of finished runs and everything that is not in it."""

    table: pd.DataFrame
    keys: list[str]
    failed: list[dict] = field(default_factory=list)
    missing: list[dict] = field(default_factory=list)
    stale: list[dict] = field(default_factory=list)  # job directories of another sweep, not aggregated
    errors: list[str] = field(default_factory=list)  # tables or files that could not be read or written
    running: str | None = None  # the live sweep still writing into the directory, if any

    @property
    def complete(self) -> bool:
        """Every run of the sweep is in the table and every table was written."""
        return not (self.failed or self.missing or self.errors)


def flatten(summary: dict) -> dict:
    """One row of numbers per run: the run's period (`start_date`, `days`, where its summary.json has them), the
    total's and each country's values; lists (a country's `busiest_posts`) are left out, as they are no column of
    numbers (a run's posts.csv has them)."""
    row = {k: v for k, v in summary.items() if k in RUN_KEYS}
    row.update({k: v for k, v in summary["total"].items() if not isinstance(v, list)})
    for country in COUNTRIES:
        for k, v in summary.get(country, {}).items():
            if not isinstance(v, list):
                row[f"{country}.{k}"] = v
    return row


def _key_of(override: str) -> tuple[str, Any]:
    try:
        return parse_override(override)
    except OverrideError:
        key, _, value = override.partition("=")
        return key.lstrip("+~"), value


def swept_values(overrides: list[str], config: dict) -> tuple[dict[str, Any], list[str]]:
    """The swept keys' values as the run's `config.yaml` holds them, and each key whose value there is not
    what the job's override asked for (outputs of another config)."""
    values, mismatched = {}, []
    keys = {_key_of(override)[0] for override in overrides}
    for override in overrides:
        key, asked = _key_of(override)
        held = config_value(config, key)
        if held is ABSENT:
            values[key] = asked
            continue
        renamed = f"{key}.name" in keys  # `group=none group.name=mine`: the name the job set is the one held
        if not same_value(held, asked_value(config, key, asked)) and not renamed:
            mismatched.append(f"{key}={canonical(held)} in config.yaml, the job asked for {override}")
        values[key] = held if not isinstance(held, dict | list) else canonical(held)
    return values, mismatched


def _missing_value(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def uniform(column: pd.Series) -> pd.Series:
    """One type per column: booleans, integers, floats (integers with gaps become nullable `Int64`), or text;
    a column mixing numbers and text (`30` and `inf` read as text, `1` and `abc`) becomes text throughout."""
    if column.dtype != object:
        return column
    present = [v for v in column if not _missing_value(v)]
    gaps = len(present) < len(column)
    if not present:
        return column
    if all(isinstance(v, bool) for v in present):
        return column.astype("boolean" if gaps else bool)
    if all(isinstance(v, int | float) and not isinstance(v, bool) for v in present):
        if all(isinstance(v, int) for v in present):
            return column.astype("Int64" if gaps else "int64")
        return column.astype(float)
    return column.map(lambda v: None if _missing_value(v) else v if isinstance(v, str) else canonical(v))


def collect(sweep_dir: Path) -> Sweep:
    """Read a sweep directory (writes nothing). Job directories are matched to the sweep in `multirun.yaml` by
    number and overrides; without a `multirun.yaml` every numbered directory counts as a job of the sweep."""
    sweep_dir = Path(sweep_dir)
    errors: list[str] = []
    try:
        expected = expected_jobs(sweep_dir)
    except Exception as err:  # a damaged multirun.yaml: say so, aggregate what the job directories hold
        errors.append(f"multirun.yaml is unreadable ({type(err).__name__}: {err}); could not tell which jobs exist")
        expected = None
    keys: list[str] = []
    for overrides in expected or []:
        for key in (_key_of(o)[0] for o in overrides):
            if key not in keys:
                keys.append(key)
    rows, failed, missing, stale, seen = [], [], [], [], set()
    for job in job_dirs(sweep_dir):
        overrides = job.overrides
        shown = " ".join(overrides or [])
        if expected is not None:
            if job.num >= len(expected):
                stale.append(
                    {"job": job.num, "dir": str(job.path), "overrides": shown, "reason": "not a job of this sweep"}
                )
                continue
            if overrides is not None and not same_job(overrides, expected[job.num]):
                stale.append(
                    {
                        "job": job.num,
                        "dir": str(job.path),
                        "overrides": shown,
                        "reason": f"not job {job.num} of this sweep [{' '.join(expected[job.num])}]",
                    }
                )
                continue
            overrides = overrides if overrides is not None else expected[job.num]
        overrides = overrides or []
        for key in (_key_of(o)[0] for o in overrides):
            if key not in keys:
                keys.append(key)
        seen.add(job.num)
        entry = {"job": job.num, "dir": str(job.path), "overrides": " ".join(overrides)}
        if (job.path / ERROR_FILE).exists():
            try:
                error = json.loads((job.path / ERROR_FILE).read_text(encoding="utf-8"))
            except (OSError, ValueError) as err:
                error = {"error": f"{ERROR_FILE} is unreadable ({type(err).__name__})"}
            failed.append({**entry, **(error if isinstance(error, dict) else {"error": str(error)})})
            continue
        problem = output_problem(job.path)
        if problem is not None:
            started = not (job.path / "config.yaml").exists()
            reason = "started but did not finish (killed, or still running)" if started else f"damaged: {problem}"
            missing.append({**entry, "reason": reason})
            continue
        config, summary = read_config(job.path), read_summary(job.path)
        values, mismatched = swept_values(overrides, config)
        if mismatched:
            missing.append({**entry, "reason": f"its outputs are of another config ({'; '.join(mismatched)})"})
            continue
        rows.append({**values, "job": job.num, **flatten(summary)})
    stale_nums = {s["job"] for s in stale}
    for num, overrides in enumerate(expected or []):
        if num not in seen:
            reason = "never started" + (" (its directory holds a run of another sweep)" if num in stale_nums else "")
            missing.append({"job": num, "dir": None, "overrides": " ".join(overrides), "reason": reason})
    missing.sort(key=lambda m: m["job"])
    table = pd.DataFrame(rows)
    if not table.empty:
        table = table.apply(uniform)
        ordered = [k for k in keys if k in table.columns] + ["job"]
        table = table[ordered + [c for c in table.columns if c not in ordered]]
    holder = read_lock(sweep_dir / LOCK_NAME)
    running = holder.describe() if holder is not None and holder.alive() and not holder.is_me() else None
    return Sweep(table, keys, failed, missing, stale, errors, running)


def write(sweep: Sweep, sweep_dir: Path) -> None:
    """`summary.csv`, `summary.parquet` and `status.json`, each written atomically. A table that cannot be
    written (a parquet engine error, a directory in the way) is recorded in `sweep.errors` and `status.json`,
    and its older version removed (it would disagree with the other); an OSError writing `status.json` is
    raised."""
    sweep_dir = Path(sweep_dir)
    savers = {"summary.csv": write_csv, "summary.parquet": write_parquet}
    for name in TABLES:
        save = savers[name]
        try:
            save(sweep_dir / name, sweep.table)
        except Exception as err:  # recorded, never silent
            reason = err.strerror if isinstance(err, OSError) and err.strerror else f"{type(err).__name__}: {err}"
            sweep.errors.append(f"{name} was not written: {reason}")
            try:
                if (sweep_dir / name).is_file():
                    (sweep_dir / name).unlink()
            except OSError:
                pass
    write_json(
        sweep_dir / "status.json",
        {
            "complete": sweep.complete,
            "finished": len(sweep.table),
            "failed": sweep.failed,
            "missing": sweep.missing,
            "stale": sweep.stale,
            "errors": sweep.errors,
            "keys": sweep.keys,
        },
    )


def describe(sweep: Sweep, sweep_dir: Path) -> str:
    n, sweep_dir = len(sweep.table), Path(sweep_dir)
    written = [name for name in TABLES if not any(e.startswith(f"{name} ") for e in sweep.errors)]
    if written == list(TABLES):
        lines = [f"aggregated {n} finished run(s) into {sweep_dir / 'summary.csv'} (and .parquet)"]
    elif written:
        lines = [f"aggregated {n} finished run(s) into {sweep_dir / written[0]} only"]
    else:
        lines = [f"found {n} finished run(s) in {sweep_dir}; no summary table was written"]
    if sweep.running:
        lines.append(f"NOTE the sweep is still running ({sweep.running}): its unfinished runs are listed as missing")
    for f in sweep.failed:
        lines.append(f"FAILED job {f['job']} [{f['overrides']}]: {f.get('error', '?')}")
    for m in sweep.missing:
        lines.append(f"MISSING job {m['job']} [{m['overrides']}]: {m['reason']}")
    for s in sweep.stale:
        lines.append(
            f"STALE directory {s['dir']} [{s['overrides']}]: {s['reason']}, left by another sweep; not aggregated"
        )
    for e in sweep.errors:
        lines.append(f"ERROR {e}")  # e.g. "summary.parquet was not written: ..."
    if not sweep.complete:
        lines.append(f"summary incomplete: see {Path(sweep_dir) / 'status.json'}")
    return "\n".join(lines)


def aggregate(sweep_dir: Path) -> Sweep:
    sweep = collect(sweep_dir)
    write(sweep, sweep_dir)
    return sweep


def aggregate_and_tell(sweep_dir: Path) -> int:
    """Aggregate, print what happened (errors on stderr, one line) and return the exit status: 0 when the
    summary is complete, 1 otherwise (failed or missing runs, a table or file that could not be written)."""
    try:
        sweep = aggregate(sweep_dir)
    except OSError as err:
        print(f"error: {cannot_write(err, sweep_dir)}; the summary of {sweep_dir} is not up to date", file=sys.stderr)
        return 1
    except Exception as err:  # never a silent end: name what broke
        print(f"error: aggregating {sweep_dir} failed: {type(err).__name__}: {err}", file=sys.stderr)
        return 1
    print(describe(sweep, sweep_dir))
    return 0 if sweep.complete else 1


class AggregateOnEnd(Callback):
    """Hydra callback: aggregate the sweep when the multirun ends; exit 1 unless its summary is complete."""

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        status = aggregate_and_tell(Path(str(config.hydra.sweep.dir)).absolute())
        if status:
            sys.exit(status)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sim.aggregate", description=__doc__.split("\n\n")[0])
    parser.add_argument("sweep_dir", type=Path, help="a Hydra sweep directory (results/sweeps/...)")
    args = parser.parse_args(argv)
    if not args.sweep_dir.is_dir():
        print(f"error: {args.sweep_dir} is not a directory", file=sys.stderr)
        return 2
    if not (args.sweep_dir / "multirun.yaml").exists() and not job_dirs(args.sweep_dir):
        print(
            f"error: {args.sweep_dir} is not a sweep directory (no multirun.yaml and no numbered job directories); "
            "give the directory a sweep wrote (results/sweeps/<...>/<time>)",
            file=sys.stderr,
        )
        return 2
    return aggregate_and_tell(args.sweep_dir)


if __name__ == "__main__":
    sys.exit(main())
