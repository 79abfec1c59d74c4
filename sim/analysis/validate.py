"""The sourced record and how a run is compared with it: every figure of `data/border-facts.csv` read
(`read_figures`), matched to a model output (`MEASURES`), placed in a scenario's run window (`Window.covers`) and
measured in a run's daily table (`measure`). The command `python -m sim.validate` (`sim.inference.validate`)
builds its tables on these.

Each figure (one row of the CSV) is matched to a model output by its metric: the Polish Border Guard's attempted
crossings to `reported_attempts` of Poland, Lithuania's apprehended and prevented entries to
`reported_apprehended` and `reported_prevented`, the 2023 barrier figures to `reported_barrier_detained` and
`reported_barrier_not_caught`, people massed at the line to the `massed` stock, deaths to `deaths` (minimum
counts), and so on. A figure is compared with a scenario when its period lies inside the scenario's run window
(a cumulative figure that starts before the window is compared over the part inside it, and says so). Figures
that are model inputs (lengths, fence and troop figures, dates), about countries the model does not have
(Latvia), outside every window, or in units the model does not produce are set apart, each with the reason
(`set_apart`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[2]
FACTS = REPO / "data" / "border-facts.csv"
#: The historical scenarios: the default 2021 season and the wall era.
SCENARIOS = ("autumn2021", "year2023")
#: A summed figure that starts before a run is compared over the run's part only when that is at least this share
#: of its period (a year's total from a June start: yes; a count since 1 Jan to 22 Jun: no).
MIN_PARTIAL = 0.5

#: data/border-facts.csv country codes -> the model's country (`total` for figures over both lines or all sides).
#: Belarus's own counts (BY) are not compared: the model does not tell deaths on the Belarusian side apart.
COUNTRY = {"PL": "poland", "LT": "lithuania", "PL_BY": "poland", "PL_LT_BY": "total"}


@dataclass(frozen=True)
class Measure:
    """How a metric is read from a run's daily table.

    `columns`: daily.csv columns summed together; `country`: a fixed country, or None for the figure's own;
    `how`: `sum` over the figure's period, `day` (the value of its one day), `peak` (the largest daily value in
    the period, for stocks and record days); `note`: what to keep in mind when reading the comparison.
    """

    columns: tuple[str, ...]
    how: str = "sum"
    country: str | None = None
    note: str = ""


_ATTEMPTS = Measure(("reported_attempts",), note="Border Guard definition: events, repeats included")
_LT_APPREHENDED = Measure(("reported_apprehended",), note="people detained inside Lithuania and kept")
_DEATHS = Measure(("deaths",), note="observed figures are minimum counts from monitors")

#: Metric of data/border-facts.csv -> the model output it is compared with.
MEASURES: dict[str, Measure] = {
    "attempted_illegal_crossings_from_BY": _ATTEMPTS,
    "attempted_illegal_crossings_from_BY_cumulative": _ATTEMPTS,
    "attempted_illegal_crossings_from_BY_daily": Measure(("reported_attempts",), how="day"),
    "barrier_crossings_total": Measure(("reported_barrier_detained", "reported_barrier_not_caught")),
    "barrier_crossed_and_detained_prevented": Measure(("reported_barrier_detained",)),
    "barrier_crossed_not_caught_observed": Measure(("reported_barrier_not_caught",)),
    "barrier_crossings_record_day": Measure(
        ("reported_barrier_detained", "reported_barrier_not_caught"), how="peak", note="largest day of the month"
    ),
    "barrier_crossings_record_day_not_caught": Measure(
        ("reported_barrier_not_caught",), how="peak", note="largest day of the month"
    ),
    "migrants_massed_at_Kuznica": Measure(("massed",), how="peak", note="all people massed at the Polish line"),
    "migrants_near_border_in_BY": Measure(("massed",), how="peak", note="all people massed at the Polish line"),
    "migrants_remaining_in_BY": Measure(
        ("in_camps", "massed"), how="day", country="total", note="in camps and massed at both lines"
    ),
    "deaths_reported_by_PL_Border_Guard": _DEATHS,
    "deaths_all_sides": _DEATHS,
    "deaths_reported": _DEATHS,
    "deaths_per_activists": _DEATHS,
    "deaths_per_Grupa_Granica_and_WAM": _DEATHS,
    "deaths_per_activists_both_sides": _DEATHS,
    "deaths_registered_by_BY_border_service": Measure(("deaths",), note="Belarus's count; the model has both sides"),
    "irregular_migrants_apprehended_from_BY": _LT_APPREHENDED,
    "irregular_migrants_apprehended_from_BY_cumulative": _LT_APPREHENDED,
    "irregular_migrants_apprehended_from_BY_daily": Measure(("reported_apprehended",), how="day"),
    "irregular_migrants_entered_from_BY": Measure(("reported_apprehended",), note="people who entered and stayed"),
    "prevented_entries": Measure(("reported_prevented",), note="turned back at the line plus pushbacks"),
    "prevented_entries_daily": Measure(("reported_prevented",), how="day"),
    "prevented_entries_cumulative": Measure(("reported_prevented",)),
}

#: Words in a metric that mark a model input (a figure the scenarios are built from), not an output.
INPUT_WORDS = (
    "length",
    "fence",
    "concertina",
    "height",
    "cost",
    "steel",
    "cameras",
    "electronic_barrier",
    "soldiers",
    "troops",
)
INPUT_METRICS = {"pushback_policy_start"}


@dataclass
class Figure:
    """One row of data/border-facts.csv, read."""

    row: int
    country: str
    metric: str
    start: dt.date | None
    end: dt.date | None
    low: float | None
    high: float | None
    unit: str
    source: str
    note: str
    #: `fit` (a calibration target of the scenario whose window holds it), `check` (held out: compared, never
    #: fitted) or `duplicate` (another row gives the same figure more exactly; not compared). data/README.md.
    use: str = "check"

    @property
    def value_text(self) -> str:
        if self.low is None:
            return ""
        if self.high is not None and self.high != self.low:
            return f"{self.low:,.0f}-{self.high:,.0f}"
        return f"{self.low:,.0f}" if self.low == int(self.low) else f"{self.low:,}"

    @property
    def period(self) -> str:
        if self.start is None:
            return ""
        return str(self.start) if self.end in (None, self.start) else f"{self.start} to {self.end}"


def _date(text: object) -> dt.date | None:
    return dt.date.fromisoformat(str(text)) if isinstance(text, str) and text.strip() else None


def _value(text: object) -> tuple[float | None, float | None]:
    """`"17447"` -> (17447, 17447); `"2000-4000"` -> (2000, 4000); empty -> (None, None)."""
    if not isinstance(text, str) or not text.strip():
        return None, None
    parts = text.strip().split("-") if "-" in text.strip()[1:] else [text.strip()]
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        return None, None
    return numbers[0], numbers[-1]


def read_figures(path: Path = FACTS) -> list[Figure]:
    """Every row of the sourced record (data/border-facts.csv), with its value range and dates parsed."""
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    figures = []
    for i, row in table.iterrows():
        low, high = _value(row["value"])
        figures.append(
            Figure(
                row=int(i) + 2,  # the line in the file (1 is the header)
                country=row["country"],
                metric=row["metric"],
                start=_date(row["period_start"]),
                end=_date(row["period_end"]),
                low=low,
                high=high,
                unit=row["unit"],
                source=row["source"],
                note=row["note"],
                use=row.get("use", "check") or "check",
            )
        )
    return figures


def why_not_compared(figure: Figure) -> str | None:
    """Why a figure cannot be compared with any model output (None when it can be, given a run window)."""
    if "DO NOT USE" in figure.note or "CONFLICT" in figure.note:
        return "marked DO NOT USE or CONFLICT in data/"
    if figure.use == "duplicate":
        return "a duplicate of another row, which gives the figure more exactly"
    if figure.metric in INPUT_METRICS or any(word in figure.metric for word in INPUT_WORDS):
        return "a model input (the scenarios are built from it)"
    if figure.country not in COUNTRY:
        return f"country {figure.country} is not in the model"
    if figure.metric not in MEASURES:
        return "no model output measures this"
    if figure.low is None or figure.start is None:
        return "no value or no period"
    if figure.end is None:
        return "no end to its period (a count since a date, to an unknown day)"
    return None


@dataclass
class Window:
    """A scenario's run: its name, first and last simulated day."""

    scenario: str
    start: dt.date
    end: dt.date

    def covers(self, figure: Figure) -> str | None:
        """`full` when the figure's period lies inside the run, `partial` when a summed figure (a cumulative count,
        a year's total) starts before the run and ends inside it with at least half of its period inside the run
        (`MIN_PARTIAL`), None otherwise."""
        assert figure.start is not None and figure.end is not None
        if self.start <= figure.start and figure.end <= self.end:
            return "full"
        summed = MEASURES[figure.metric].how == "sum"
        if summed and figure.start < self.start <= figure.end <= self.end:
            inside = (figure.end - self.start).days + 1
            if inside >= MIN_PARTIAL * ((figure.end - figure.start).days + 1):
                return "partial"  # a count since a date before the run (cumulative, a year): the run's part of it
        return None


def measure(daily: pd.DataFrame, figure: Figure, window: Window) -> float:
    """The model's value of `figure` in one run's daily table (daily.csv: one row per day x country)."""
    how = MEASURES[figure.metric]
    country = how.country or COUNTRY[figure.country]
    assert figure.start is not None and figure.end is not None
    first = max(figure.start, window.start)
    dates = pd.to_datetime(daily["date"]).dt.date
    rows = daily[(dates >= first) & (dates <= figure.end)]
    if country != "total":
        rows = rows[rows["country"] == country]
    per_day = rows.groupby("date")[list(how.columns)].sum().sum(axis=1)
    if how.how == "sum":
        return float(per_day.sum())
    if how.how == "peak":
        return float(per_day.max()) if len(per_day) else float("nan")
    return float(per_day.iloc[-1]) if len(per_day) else float("nan")  # "day": the period's (last) day


def set_apart(figures: list[Figure], windows: dict[str, Window]) -> pd.DataFrame:
    """One row per figure compared with no scenario of `windows`, with the reason (`why_not_compared`, or outside
    every run window)."""
    apart = []
    for figure in figures:
        reason = why_not_compared(figure)
        if reason is None and not any(window.covers(figure) for window in windows.values()):
            reason = "outside the scenarios' run windows"
        if reason is not None:
            apart.append(
                {
                    "country": figure.country,
                    "metric": figure.metric,
                    "period": figure.period,
                    "observed": figure.value_text,
                    "unit": figure.unit,
                    "data_row": figure.row,
                    "why": reason,
                }
            )
    return pd.DataFrame(apart, columns=["country", "metric", "period", "observed", "unit", "data_row", "why"])
