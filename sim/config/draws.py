"""A run's parameters from one posterior draw of its calibration: `posterior_draw=k` takes row `draw == k` of the
calibration's `draws.parquet` (column `draw`, 0..K-1, then one numeric column per dotted config key such as
`guards.p_see`) and sets those keys, an int-typed key to the value rounded.

`to_config` applies it (`apply_posterior_draw`) before validating, so every way a config becomes a `Config`
(`python -m sim.run`, each job of a sweep, `sim.validate`, `BorderModel(load_config([...]))`) runs with the draw's
values, and the resolved `config.yaml` a run writes holds them. Every mistake is a one-line `ConfigError` naming
the key: a draw out of range, a draw asked of a calibration without draws, a draws file missing or unreadable, a
column that names no numeric config key. The file is read once per process (pandas, only here: the model never
reads files).
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import math
import types
import typing
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.config.fields import ConfigError
from sim.config.root import Config

#: A relative `calibration.posterior` is read from the repository root, wherever the command runs.
REPO_ROOT = Path(__file__).resolve().parents[2]
DRAW_COLUMN = "draw"
FORMAT = f"a column `{DRAW_COLUMN}` numbered 0..K-1 and one numeric column per dotted config key"


@dataclass(frozen=True)
class Draws:
    """Equally weighted posterior draws: `values[k]` is draw k, one value per key of `keys`."""

    keys: tuple[str, ...]
    values: tuple[tuple[float, ...], ...]


def posterior_path(text: str) -> Path:
    path = Path(text).expanduser()
    return path if path.is_absolute() else REPO_ROOT / path


def _first_line(err: BaseException) -> str:
    text = str(err).strip().splitlines()
    return f"{type(err).__name__}: {text[0]}" if text else type(err).__name__


@functools.lru_cache(maxsize=16)
def _read(path: str, mtime_ns: int, size: int) -> Draws:
    """The draws in `path` (cached by path, modification time and size: many runs of a process read one file)."""
    import pandas as pd

    where = f"calibration.posterior: {path}"
    try:
        table = pd.read_parquet(path)
    except Exception as err:  # pyarrow's errors have no common base worth naming; any of them means unreadable
        raise ConfigError(f"{where} is not a readable parquet file ({_first_line(err)}); it needs {FORMAT}") from None
    if DRAW_COLUMN not in table.columns:
        raise ConfigError(f"{where} has no `{DRAW_COLUMN}` column; it needs {FORMAT}")
    draw = table[DRAW_COLUMN]
    k = len(table)
    if k == 0 or not pd.api.types.is_integer_dtype(draw) or sorted(draw.tolist()) != list(range(k)):
        raise ConfigError(f"{where}: column `{DRAW_COLUMN}` must number the draws 0..K-1, each once")
    keys = [str(c) for c in table.columns if c != DRAW_COLUMN]
    text = [key for key in keys if not pd.api.types.is_numeric_dtype(table[key]) or table[key].dtype == bool]
    if text:
        raise ConfigError(f"{where}: column(s) {', '.join(text)} are not numeric; it needs {FORMAT}")
    table = table.sort_values(DRAW_COLUMN)
    values = tuple(tuple(float(v) for v in row) for row in table[keys].itertuples(index=False, name=None))
    return Draws(tuple(keys), values)


def read_draws(text: str) -> Draws:
    """The draws `calibration.posterior` names; `ConfigError` naming the key when it is missing or unreadable."""
    path = posterior_path(text)
    try:
        stat = path.stat()
    except OSError as err:
        raise ConfigError(
            f"calibration.posterior: {text} cannot be read ({err.strerror or type(err).__name__}: {path}); "
            f"allowed: a parquet file of posterior draws, relative to {REPO_ROOT} unless absolute"
        ) from None
    if not path.is_file():
        raise ConfigError(f"calibration.posterior: {path} is not a file; allowed: a parquet file of posterior draws")
    return _read(str(path), stat.st_mtime_ns, stat.st_size)


def _number_type(hint: Any) -> type | None:
    """int or float for a field that holds a number (`float | None` too); None for anything else."""
    options = (
        typing.get_args(hint)
        if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union
        else (hint,)
    )
    options = tuple(o for o in options if o is not type(None))
    if float in options:
        return float
    if int in options:
        return int
    return None


def locate(config: Config, key: str) -> tuple[Any, str, type]:
    """The object holding dotted `key`, its field name and its number type; `ConfigError` naming the key and what
    is allowed when `key` is no field of the config or not a number."""
    node: Any = config
    parts = key.split(".")
    for i, part in enumerate(parts):
        fields = {f.name for f in dataclasses.fields(node)} if dataclasses.is_dataclass(node) else set()
        if part not in fields:
            where = ".".join(parts[:i]) or "the top level"
            allowed = ", ".join(sorted(fields)) if fields else "none (it is no block of keys)"
            raise ConfigError(
                f"calibration.posterior: column `{key}` names no config key; allowed keys under {where} are {allowed}"
            )
        if i == len(parts) - 1:
            kind = _number_type(typing.get_type_hints(type(node))[part])
            if kind is None:
                raise ConfigError(
                    f"calibration.posterior: column `{key}` names a config key that is not a number; "
                    "allowed: int or float keys"
                )
            return node, part, kind
        node = getattr(node, part)
    raise AssertionError("unreachable")


def apply_posterior_draw(config: Config) -> Config:
    """`config` with the keys of its posterior draw set (a copy), or `config` itself when `posterior_draw` is null.

    Applying it twice gives the same config (a run's resolved `config.yaml` runs again as it ran).
    """
    k = config.posterior_draw
    if k is None:
        return config
    name = config.calibration.name
    if config.calibration.posterior is None:
        raise ConfigError(
            f"posterior_draw: {k} is set but calibration `{name}` has no posterior draws (calibration.posterior is "
            "null); allowed: a calibration with draws (calibration=<name>), or posterior_draw=null"
        )
    draws = read_draws(config.calibration.posterior)
    out = copy.deepcopy(config)
    targets = [locate(out, key) for key in draws.keys]
    if not 0 <= k < len(draws.values):
        raise ConfigError(
            f"posterior_draw: {k} is out of range; calibration `{name}` has draws 0..{len(draws.values) - 1}"
        )
    for key, (node, field, kind), value in zip(draws.keys, targets, draws.values[k], strict=True):
        if not math.isfinite(value):
            raise ConfigError(
                f"posterior_draw: {k}: draw {k} of calibration `{name}` has {key}={value}; allowed: finite numbers"
            )
        setattr(node, field, round(value) if kind is int else value)
    return out


def override_conflicts(config: Config, overrides: Sequence[str]) -> None:
    """`ConfigError` when the command line sets a key that `config`'s posterior draw sets too: the draw would
    replace the value silently (and a sweep over that key would run one value only), so one of the two must go.
    `to_config` cannot tell the command line from the config files; the commands that know it call this."""
    if config.posterior_draw is None or config.calibration.posterior is None:
        return
    drawn = set(read_draws(config.calibration.posterior).keys)
    for override in overrides:
        key = str(override).split("=", 1)[0].lstrip("+~")
        if key in drawn:
            raise ConfigError(
                f"{key}: set on the command line ({override}) and by posterior_draw={config.posterior_draw} of "
                f"calibration `{config.calibration.name}`; allowed: one of the two (the draw sets {key})"
            )
