"""What a run directory and a sweep directory hold, and how far to trust what is in them.

A run writes `daily.csv`, `segments.csv`, `posts.csv`, `summary.json` and its resolved `config.yaml` (last,
atomically: its presence marks the run complete). A sweep directory holds `multirun.yaml` (the sweep Hydra was
asked for) and one numbered directory per job, each with Hydra's `.hydra/overrides.yaml` (the job's overrides)
beside the run's outputs. This module reads those files and says, in one sentence naming the file, what is wrong
with them; it writes nothing.

Swept values are read from the run's own `config.yaml` (what produced its outputs), not from the overrides.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from omegaconf import DictConfig, OmegaConf

#: A run's outputs, in the order they are written (`config.yaml` last).
RUN_OUTPUTS = ("daily.csv", "segments.csv", "posts.csv", "summary.json", "config.yaml")
#: Written instead of the summary when a job of a sweep crashed.
ERROR_FILE = "error.json"
#: Countries per day in `daily.csv` (the camps in Belarus, Poland, Lithuania).
DAILY_ROWS_PER_DAY = 3
#: Returned by `config_value` when a key is not in a run's config (a config group without a `name`, `+experiment`).
ABSENT = object()


class OverrideError(ValueError):
    """An override that is not `key=value` with one value (a user mistake): the message names it."""


# --- values --------------------------------------------------------------------------------------------------------


def plain(value: Any) -> Any:
    """`value` with integral floats as ints, recursively: `0.0` and `0` are the same swept value."""
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def canonical(value: Any) -> str:
    """One text per value: a list or mapping (`troops.ramp.poland=[]`) as compact JSON, a scalar as typed."""
    value = plain(value)
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, separators=(",", ":"))
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else ("nan" if math.isnan(value) else str(value))
    if isinstance(value, bool):
        return "true" if value else "false"
    return "null" if value is None else str(value)


def same_value(a: Any, b: Any) -> bool:
    """Two swept values are equal: numbers within a relative 1e-12 (`0` and `0.0`), anything else as text."""
    numbers = (int, float)
    if isinstance(a, numbers) and isinstance(b, numbers) and not isinstance(a, bool) and not isinstance(b, bool):
        return a == b or math.isclose(float(a), float(b), rel_tol=1e-12, abs_tol=0.0)
    return canonical(a) == canonical(b)


def parse_override(text: str) -> tuple[str, Any]:
    """`key=value` as Hydra reads it (`inf` → float, `[{date: ...}]` → list): (key without `+`/`++`/`~`, value).

    Raises `OverrideError` for text Hydra cannot parse or for a sweep (`a=1,2`).
    """
    from hydra.core.override_parser.overrides_parser import OverridesParser
    from hydra.errors import HydraException

    try:
        override = OverridesParser.create().parse_override(text)
    except HydraException as err:
        raise OverrideError(f"'{text}' is not a Hydra override: {str(err).splitlines()[0]}") from None
    if override.is_sweep_override():
        raise OverrideError(f"'{text}' sweeps several values; give one")
    return override.key_or_group, override.value()


def config_value(config: dict, key: str) -> Any:
    """The value of a swept `key` in a run's resolved config: `troops.poland` → 2000, a config group such as
    `fence` → its `name`, a country's fence (`fence.poland`) → the option its line got; `ABSENT` when the config
    has no such key (or the group no `name`, or an empty one: `+experiment=mine` whose block names none)."""
    node: Any = config
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            return ABSENT
        node = node[part]
    if isinstance(node, dict):
        name = node.get("name")
        return name if isinstance(name, str) and name else ABSENT
    return node


#: Keys that choose one country's fence (`fence.poland=steel_wall`); null asks for the fence group's option, and a
#: run's config.yaml then holds that option's name, or null when its rules were edited (`sim.config.fence_choice`).
COUNTRY_FENCE_KEYS = ("fence.poland", "fence.lithuania")


def asked_value(config: dict, key: str, asked: Any) -> Any:
    """What a run's config holds when its job asked for `key=asked`: `asked`, except `fence.poland=null` (the
    group's option), held as `fence.name` (or as null when the run's rules are no option's)."""
    if key in COUNTRY_FENCE_KEYS and asked is None:
        held, name = config_value(config, key), config_value(config, "fence")
        return held if held is None or held == name else name
    return asked


# --- a run directory ---------------------------------------------------------------------------------------------


def holds_run(directory: Path) -> list[str]:
    """The names of another run's files in `directory` (its outputs, `error.json`, Hydra's `.hydra/`)."""
    files = [name for name in (*RUN_OUTPUTS, ERROR_FILE) if (Path(directory) / name).is_file()]
    return files + ([".hydra"] if (Path(directory) / ".hydra").exists() else [])


def read_config(job_dir: Path) -> dict:
    """A run's `config.yaml` as a mapping; raises `ValueError` naming the file when it is not one."""
    path = Path(job_dir) / "config.yaml"
    try:
        config = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        raise ValueError(f"{path.name} is not valid YAML ({type(err).__name__})") from None
    if not isinstance(config, dict):
        raise ValueError(f"{path.name} does not hold a config")
    return config


def read_summary(job_dir: Path) -> dict:
    """A run's `summary.json`; raises `ValueError` naming the file when it is truncated or not a summary."""
    path = Path(job_dir) / "summary.json"
    try:
        summary = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise ValueError(f"{path.name} is not valid JSON, truncated? ({err})") from None
    if not isinstance(summary, dict) or not isinstance(summary.get("total"), dict):
        raise ValueError(f"{path.name} has no 'total' block")
    return summary


def _check_table(path: Path, rows: int | None) -> None:
    text = path.read_text(encoding="utf-8")
    if not text.endswith("\n"):
        raise ValueError(f"{path.name} is truncated (its last line is cut off)")
    try:
        table = pd.read_csv(path)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as err:
        raise ValueError(f"{path.name} is not a readable table ({type(err).__name__})") from None
    if rows is not None and len(table) != rows:
        raise ValueError(f"{path.name} has {len(table)} rows, its config asks for {rows}: truncated?")


def output_problem(job_dir: Path) -> str | None:
    """None when `job_dir` holds a complete, readable run; else what is missing or broken, naming the file.

    Checks: every output exists; `config.yaml` and `summary.json` parse; the tables end with a full line and
    `daily.csv` has `days` × 3 rows.
    """
    job_dir = Path(job_dir)
    absent = [name for name in RUN_OUTPUTS if not (job_dir / name).is_file()]
    if absent:
        return f"{', '.join(absent)} missing"
    try:
        config = read_config(job_dir)
        read_summary(job_dir)
        days = config.get("days")
        _check_table(job_dir / "daily.csv", days * DAILY_ROWS_PER_DAY if isinstance(days, int) else None)
        _check_table(job_dir / "segments.csv", None)
        _check_table(job_dir / "posts.csv", None)
    except (ValueError, OSError) as err:
        return str(err)
    return None


# --- a sweep directory -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class JobDir:
    """One numbered job directory of a sweep and the overrides Hydra recorded for it (None: no record)."""

    num: int
    path: Path
    overrides: list[str] | None


def job_overrides(job_dir: Path) -> list[str] | None:
    """The job's overrides from `.hydra/overrides.yaml`; None when that file is missing or unreadable."""
    path = Path(job_dir) / ".hydra" / "overrides.yaml"
    try:
        overrides = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError, UnicodeDecodeError):
        return None
    return [str(o) for o in overrides] if isinstance(overrides, list) else None


def job_dirs(sweep_dir: Path) -> list[JobDir]:
    """The numbered job directories of a sweep, in job order."""
    found = [d for d in Path(sweep_dir).iterdir() if d.is_dir() and d.name.isdigit()]
    return [JobDir(int(d.name), d, job_overrides(d)) for d in sorted(found, key=lambda d: int(d.name))]


def sweep_jobs(cfg: DictConfig) -> list[list[str]]:
    """Every job a sweep config asks for, numbered as Hydra's basic sweeper numbers them (its `hydra` node:
    `hydra.sweeper.params` and `hydra.overrides.task`)."""
    from hydra._internal.core_plugins.basic_sweeper import BasicSweeper
    from hydra.core.override_parser.overrides_parser import OverridesParser

    params = OmegaConf.select(cfg, "hydra.sweeper.params") or {}
    arguments = [f"{k}={v}" for k, v in params.items()] + list(OmegaConf.select(cfg, "hydra.overrides.task") or [])
    parsed = OverridesParser.create().parse_overrides(arguments)
    return [list(job) for batch in BasicSweeper.split_arguments(parsed, None) for job in batch]


def expected_jobs(sweep_dir: Path) -> list[list[str]] | None:
    """Every job the sweep in `sweep_dir` asked for, from its `multirun.yaml`; None when there is none."""
    path = Path(sweep_dir) / "multirun.yaml"
    if not path.exists():
        return None
    return sweep_jobs(OmegaConf.load(path))


def same_job(a: list[str], b: list[str]) -> bool:
    return sorted(a) == sorted(b)
