"""The sourced figures a calibration fits and a validation checks, and how one run measures them.

A `Target` is one row of data/border-facts.csv that a scenario's run window holds and a model output measures
(`sim.analysis.validate.MEASURES`), with its `use`: `fit` rows are a calibration's targets, `check` rows are held
out and only compared (data/README.md says which is which; decided before the model was run against them).

Errors are on a log scale, so that a monthly count of 200 and one of 17,447 weigh alike: the error of a simulated
value s against an observed value o is log((1 + s) / (1 + o)); against an observed range [lo, hi] it is 0 inside
and the log error to the nearer end outside. Deaths are minimum counts from monitors (data/README.md): any value
from the count up to `UNDERCOUNT` times it has error 0 (assumption: the monitors found at least a fifth of the
deaths; Grupa Granica lists 285 missing against 37 deaths). The distance of a run to the record is the weighted
root mean square of its errors, each figure weighted 1 / (number of fitted figures of the same country and
metric), so that a monthly series counts as much as a single figure (weights stated in docs/calibration.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sim.analysis.validate import COUNTRY, FACTS, MEASURES, Figure, Window, read_figures, why_not_compared

#: Deaths are minimum counts: a simulated count up to this many times the observed one is not an error.
UNDERCOUNT = 5.0
#: Metrics read as minimum counts.
MINIMUM_PREFIX = "deaths"


@dataclass(frozen=True)
class Target:
    """One sourced figure inside one scenario's run window.

    `coverage`: `full` (its period lies inside the run) or `partial` (a sum that starts before the run, compared
    over the run's part). `use`: `fit` or `check`.
    """

    figure: Figure
    scenario: str
    window: Window
    coverage: str

    @property
    def use(self) -> str:
        return self.figure.use

    @property
    def name(self) -> str:
        """`PL attempted_illegal_crossings_from_BY 2021-10-01 to 2021-10-31`."""
        return f"{self.figure.country} {self.figure.metric} {self.figure.period}"

    @property
    def group(self) -> tuple[str, str]:
        """Figures of one series (same country and metric) share one unit of weight."""
        return self.figure.country, self.figure.metric

    @property
    def minimum(self) -> bool:
        return self.figure.metric.startswith(MINIMUM_PREFIX)

    @property
    def bounds(self) -> tuple[float, float]:
        """The observed value as a range [lo, hi] (lo == hi for a single figure; a minimum count up to
        `UNDERCOUNT` times itself)."""
        low = float(self.figure.low)  # type: ignore[arg-type]
        high = float(self.figure.high if self.figure.high is not None else low)
        return (low, high * UNDERCOUNT) if self.minimum else (low, high)

    @property
    def observed(self) -> float:
        """A single observed value: the middle of a range, the count itself for a minimum count."""
        low, high = self.figure.low, self.figure.high
        assert low is not None
        return float(low) if self.minimum or high is None else (float(low) + float(high)) / 2


def targets(windows: dict[str, Window], uses: Iterable[str] = ("fit",), facts: Path = FACTS) -> list[Target]:
    """Every figure of `facts` with one of `uses` that a model output measures and a window of `windows` holds,
    in file order, one `Target` per figure and scenario."""
    wanted = set(uses)
    chosen = []
    for figure in read_figures(facts):
        if figure.use not in wanted or why_not_compared(figure) is not None:
            continue
        for scenario, window in windows.items():
            coverage = window.covers(figure)
            if coverage is not None:
                chosen.append(Target(figure, scenario, window, coverage))
    return chosen


class DailyRecord:
    """One run's daily table as arrays: `series(country, columns)` gives one value per simulated day.

    `daily`: the model's daily table (one row per day and country, `day` counting from 0); `country` is a model
    country label (`poland`, `lithuania`, `belarus`) or `total` (all rows summed).
    """

    def __init__(self, daily: pd.DataFrame) -> None:
        self.days = int(daily["day"].max()) + 1 if len(daily) else 0
        self._day = daily["day"].to_numpy()
        self._country = daily["country"].to_numpy()
        self._daily = daily

    def series(self, country: str, columns: Sequence[str]) -> np.ndarray:
        out = np.zeros(self.days)
        rows = np.ones(len(self._day), dtype=bool) if country == "total" else self._country == country
        values = self._daily.loc[rows, list(columns)].to_numpy(dtype=float).sum(axis=1)
        np.add.at(out, self._day[rows], values)
        return out


def measure(record: DailyRecord, target: Target) -> float:
    """The model's value of `target` in one run (as `sim.analysis.validate.measure` reads it from daily.csv)."""
    how = MEASURES[target.figure.metric]
    country = how.country or COUNTRY[target.figure.country]
    start, end = target.figure.start, target.figure.end
    assert start is not None and end is not None
    first = (max(start, target.window.start) - target.window.start).days
    last = min((end - target.window.start).days, record.days - 1)
    if last < first:
        return float("nan")
    per_day = record.series(country, how.columns)[first : last + 1]
    if how.how == "sum":
        return float(per_day.sum())
    if how.how == "peak":
        return float(per_day.max())
    return float(per_day[-1])


def measure_all(daily: pd.DataFrame, chosen: Sequence[Target]) -> np.ndarray:
    """Shape (len(chosen),): each target's value in one run's daily table."""
    record = DailyRecord(daily)
    return np.array([measure(record, t) for t in chosen], dtype=float)


def log_errors(simulated: np.ndarray, chosen: Sequence[Target]) -> np.ndarray:
    """Shape like `simulated` (..., len(chosen)): the log error of each value against its target's range (0
    inside it). NaN where the simulated value is NaN."""
    bounds = np.array([t.bounds for t in chosen], dtype=float)
    low, high = bounds[:, 0], bounds[:, 1]
    s = np.log1p(np.maximum(np.asarray(simulated, dtype=float), 0.0))
    below = np.minimum(s - np.log1p(low), 0.0)
    above = np.maximum(s - np.log1p(high), 0.0)
    return below + above


def weights(chosen: Sequence[Target]) -> np.ndarray:
    """Shape (len(chosen),): 1 / (number of chosen targets of the same country and metric)."""
    groups = [t.group for t in chosen]
    return np.array([1.0 / groups.count(g) for g in groups])


def distance(simulated: np.ndarray, chosen: Sequence[Target]) -> float | np.ndarray:
    """The weighted root mean square log error of `simulated` (shape (..., len(chosen))) against the record.

    A NaN value (a figure the run did not reach) counts as an error of log(10), a large miss."""
    errors = np.nan_to_num(log_errors(simulated, chosen), nan=np.log(10.0))
    w = weights(chosen)
    return np.sqrt((errors**2 * w).sum(axis=-1) / w.sum())


def window_for(start_date: str, days: int, scenario: str) -> Window:
    """The run window of a scenario starting on `start_date` (ISO) for `days` days."""
    start = dt.date.fromisoformat(start_date)
    return Window(scenario, start, start + dt.timedelta(days=days - 1))
