"""Gather a sweep's runs into one table: `python -m sim.aggregate SWEEP_DIR`.

Each job of a sweep writes its own outputs (`summary.json`, or `error.json` when it crashed) into its own
directory; this module globs them, so it works whatever launcher ran the jobs (local, joblib, submitit, Ray) and
also on a sweep that was killed or where some runs failed: it aggregates what finished and lists what did not.
Hydra calls it at the end of every multirun (`AggregateOnEnd`); the command does the same by hand.

`summary.csv` / `summary.parquet`: one row per finished run; first every overridden key named as on the command
line (`fence`, `troops.poland`, `seed`), then `job`, then the total statistics under their own names and the
per-country ones as `poland.crossings`, `lithuania.crossings`, ...
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
import yaml
from hydra.experimental.callback import Callback
from omegaconf import DictConfig, OmegaConf

from sim.io import write_csv, write_json

log = logging.getLogger("sim.aggregate")

RUN_OUTPUTS = ("daily.csv", "segments.csv", "summary.json", "config.yaml")
COUNTRIES = ("poland", "lithuania", "belarus")


@dataclass
class Sweep:
    """What a sweep directory holds."""

    table: pd.DataFrame
    keys: list[str]
    failed: list[dict] = field(default_factory=list)
    missing: list[dict] = field(default_factory=list)


def parse_value(text: str) -> Any:
    """An override's value as YAML reads it (`2000` → int, `0.5` → float, `none` stays a string)."""
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError:
        return text
    return value if isinstance(value, int | float | bool | str) or value is None else text


def split_override(override: str) -> tuple[str, str]:
    key, _, value = override.partition("=")
    return key.lstrip("+~"), value


def job_overrides(job_dir: Path) -> list[str]:
    path = job_dir / ".hydra" / "overrides.yaml"
    return list(yaml.safe_load(path.read_text()) or []) if path.exists() else []


def expected_jobs(sweep_dir: Path) -> list[list[str]]:
    """Every job the sweep asked for, from its `multirun.yaml` (empty if that file is missing)."""
    path = sweep_dir / "multirun.yaml"
    if not path.exists():
        return []
    from hydra._internal.core_plugins.basic_sweeper import BasicSweeper
    from hydra.core.override_parser.overrides_parser import OverridesParser

    cfg = OmegaConf.load(path)
    params = OmegaConf.select(cfg, "hydra.sweeper.params") or {}
    arguments = [f"{k}={v}" for k, v in params.items()] + list(OmegaConf.select(cfg, "hydra.overrides.task") or [])
    parsed = OverridesParser.create().parse_overrides(arguments)
    return [list(job) for batch in BasicSweeper.split_arguments(parsed, None) for job in batch]


def run_is_complete(job_dir: Path) -> bool:
    return all((job_dir / name).exists() for name in RUN_OUTPUTS)


def flatten(summary: dict) -> dict:
    row = {k: v for k, v in summary["total"].items()}
    for country in COUNTRIES:
        for k, v in summary.get(country, {}).items():
            row[f"{country}.{k}"] = v
    return row


def collect(sweep_dir: Path) -> Sweep:
    sweep_dir = Path(sweep_dir)
    jobs = sorted((d for d in sweep_dir.iterdir() if d.is_dir() and d.name.isdigit()), key=lambda d: int(d.name))
    rows, failed, missing, keys = [], [], [], []
    seen = set()
    for job_dir in jobs:
        overrides = job_overrides(job_dir)
        values = dict(split_override(o) for o in overrides)
        for key in values:
            if key not in keys:
                keys.append(key)
        seen.add(tuple(sorted(overrides)))
        entry = {"job": int(job_dir.name), "dir": str(job_dir), "overrides": " ".join(overrides)}
        if (job_dir / "error.json").exists():
            failed.append({**entry, **json.loads((job_dir / "error.json").read_text())})
        elif run_is_complete(job_dir):
            summary = json.loads((job_dir / "summary.json").read_text())
            swept = {k: parse_value(v) for k, v in values.items()}
            rows.append({**swept, "job": int(job_dir.name), **flatten(summary)})
        else:
            missing.append({**entry, "reason": "started but did not finish (killed, or still running)"})
    for i, overrides in enumerate(expected_jobs(sweep_dir)):
        if tuple(sorted(overrides)) not in seen:
            missing.append({"job": i, "dir": None, "overrides": " ".join(overrides), "reason": "never started"})
    table = pd.DataFrame(rows)
    if not table.empty:
        ordered = [k for k in keys if k in table.columns] + ["job"]
        table = table[ordered + [c for c in table.columns if c not in ordered]]
    return Sweep(table=table, keys=keys, failed=failed, missing=missing)


def write(sweep: Sweep, sweep_dir: Path) -> None:
    """`summary.csv`, `summary.parquet` and `status.json` (failed and missing runs), each written atomically."""
    sweep_dir = Path(sweep_dir)
    write_csv(sweep_dir / "summary.csv", sweep.table)
    tmp = sweep_dir / ".summary.parquet.tmp"
    sweep.table.to_parquet(tmp, index=False)
    tmp.replace(sweep_dir / "summary.parquet")
    write_json(
        sweep_dir / "status.json",
        {"finished": len(sweep.table), "failed": sweep.failed, "missing": sweep.missing, "keys": sweep.keys},
    )


def describe(sweep: Sweep, sweep_dir: Path) -> str:
    lines = [f"aggregated {len(sweep.table)} finished run(s) into {Path(sweep_dir) / 'summary.csv'} (and .parquet)"]
    for f in sweep.failed:
        lines.append(f"FAILED job {f['job']} [{f['overrides']}]: {f.get('error', '?')}")
    for m in sweep.missing:
        lines.append(f"MISSING job {m['job']} [{m['overrides']}]: {m['reason']}")
    return "\n".join(lines)


def aggregate(sweep_dir: Path) -> Sweep:
    sweep = collect(sweep_dir)
    write(sweep, sweep_dir)
    return sweep


class AggregateOnEnd(Callback):
    """Hydra callback: aggregate the sweep when the multirun ends; exit 1 if any run failed."""

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        sweep_dir = Path(config.hydra.sweep.dir)
        sweep = aggregate(sweep_dir)
        print(describe(sweep, sweep_dir))
        if sweep.failed:
            sys.exit(1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sim.aggregate", description=__doc__.split("\n\n")[0])
    parser.add_argument("sweep_dir", type=Path, help="a Hydra sweep directory (results/sweeps/...)")
    args = parser.parse_args(argv)
    if not args.sweep_dir.is_dir():
        print(f"error: {args.sweep_dir} is not a directory", file=sys.stderr)
        return 2
    sweep = aggregate(args.sweep_dir)
    print(describe(sweep, args.sweep_dir))
    return 1 if sweep.failed or sweep.missing else 0


if __name__ == "__main__":
    sys.exit(main())
