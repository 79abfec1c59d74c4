"""Posterior draws for tests: a tiny `draws.parquet` and every wrong way of asking for a draw
(tests/config/test_posterior_draws.py and tests/cli/test_posterior_draws_cli.py)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

#: Three draws of two fitted keys: a float and an int-typed one (`migrant.memory`, rounded when applied).
DRAWS = {"draw": [0, 1, 2], "guards.p_see": [0.05, 0.6, 0.3], "migrant.memory": [2.4, 3.6, 1.0]}


def write_draws(path: Path, columns: dict) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(columns).to_parquet(path, index=False)
    return path


def with_draws(path: Path, *overrides: str) -> list[str]:
    """Overrides choosing a calibration named `example` whose draws are in `path` (from `calibration=none`: the
    assumption values, none of the shipped calibration's fitted ones)."""
    return ["calibration=none", "calibration.name=example", f"calibration.posterior={path}", *overrides]


def bad_cases(tmp_path: Path, draws: Path) -> dict[str, tuple[list[str], list[str]]]:
    """Every way of asking for a draw wrongly: {case: (overrides, what the one-line message must say)}."""
    garbage = tmp_path / "garbage.parquet"
    garbage.write_text("not a parquet file\n")
    unknown = write_draws(tmp_path / "unknown.parquet", {"draw": [0, 1], "guards.p_sea": [0.1, 0.2]})
    text_key = write_draws(tmp_path / "text_key.parquet", {"draw": [0, 1], "escort.strategy": [0.1, 0.2]})
    text_column = write_draws(tmp_path / "text_column.parquet", {"draw": [0, 1], "guards.p_see": ["a", "b"]})
    no_draw = write_draws(tmp_path / "no_draw.parquet", {"guards.p_see": [0.1, 0.2]})
    return {
        "too_high": (with_draws(draws, "posterior_draw=12"), ["posterior_draw: 12 is out of range", "draws 0..2"]),
        "negative": (with_draws(draws, "posterior_draw=-1"), ["posterior_draw: -1 is out of range", "draws 0..2"]),
        "no_posterior": (
            ["calibration=none", "posterior_draw=0"],
            ["posterior_draw: 0", "calibration `none` has no posterior draws"],
        ),
        "missing_file": (
            with_draws(tmp_path / "nowhere.parquet", "posterior_draw=0"),
            ["calibration.posterior", "nowhere.parquet", "allowed"],
        ),
        "unreadable_file": (with_draws(garbage, "posterior_draw=0"), ["calibration.posterior", "not a readable"]),
        "unknown_key": (with_draws(unknown, "posterior_draw=0"), ["`guards.p_sea` names no config key", "p_see"]),
        "not_a_number_key": (with_draws(text_key, "posterior_draw=0"), ["`escort.strategy`", "not a number"]),
        "text_column": (with_draws(text_column, "posterior_draw=0"), ["guards.p_see", "not numeric"]),
        "no_draw_column": (with_draws(no_draw, "posterior_draw=0"), ["calibration.posterior", "no `draw` column"]),
    }
