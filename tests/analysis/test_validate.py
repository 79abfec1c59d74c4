"""The sourced record read and matched to model outputs over the right days (`sim.analysis.validate`); the command
`python -m sim.validate` is tested in tests/inference/test_predictive.py."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from sim.analysis import validate as v

D = dt.date


def _figure(metric: str, start: D, end: D | None, value: str = "100", country: str = "PL", note: str = "") -> v.Figure:
    low, high = v._value(value)
    return v.Figure(1, country, metric, start, end, low, high, "attempts", "a source", note)


def _daily(start: D, days: int, **columns: list[float]) -> pd.DataFrame:
    """A daily table like daily.csv: rows day x country (poland, lithuania), each column's values per day for
    poland, and ten times them for lithuania."""
    rows = []
    for i in range(days):
        for country, factor in (("poland", 1), ("lithuania", 10)):
            rows.append(
                {"date": str(start + dt.timedelta(days=i)), "country": country}
                | {k: vals[i] * factor for k, vals in columns.items()}
            )
    return pd.DataFrame(rows)


def test_the_record_is_read_with_ranges_dates_and_rows():
    figures = v.read_figures()
    assert len(figures) > 100
    oct_2021 = [f for f in figures if f.metric == "attempted_illegal_crossings_from_BY" and f.low == 17447]
    assert oct_2021 and oct_2021[0].start == D(2021, 10, 1) and oct_2021[0].end == D(2021, 10, 31)
    ranged = next(f for f in figures if f.metric == "migrants_near_border_in_BY")
    assert (ranged.low, ranged.high) == (2000, 4000) and ranged.value_text == "2,000-4,000"
    assert v._value("") == (None, None) and v._value("-64") == (-64, -64)


def test_inputs_other_countries_and_unusable_rows_are_set_apart_with_a_reason():
    assert "input" in v.why_not_compared(_figure("fence_length", D(2022, 1, 1), D(2022, 6, 30)))
    assert "input" in v.why_not_compared(_figure("soldiers_at_BY_border", D(2021, 11, 16), D(2021, 12, 1)))
    by_own = _figure("deaths_registered_by_BY_border_service", D(2023, 1, 1), D(2023, 12, 31), country="BY")
    assert "BY is not in the model" in v.why_not_compared(by_own)  # Belarus's side is not told apart
    assert "LV" in v.why_not_compared(_figure("prevented_entries", D(2022, 1, 1), D(2022, 12, 31), country="LV"))
    assert "DO NOT USE" in v.why_not_compared(
        _figure("prevented_entries", D(2022, 1, 1), D(2022, 1, 2), note="DO NOT USE")
    )
    assert "no model output" in v.why_not_compared(
        _figure("barrier_stop_rate_upper_bound", D(2023, 1, 1), D(2023, 9, 17))
    )
    assert v.why_not_compared(_figure("attempted_illegal_crossings_from_BY", D(2021, 8, 1), D(2021, 8, 31))) is None
    since = _figure("deaths_per_activists_both_sides", D(2021, 6, 1), None)  # a count "since June 2021"
    assert "no end" in v.why_not_compared(since)
    assert "no end" in v.why_not_compared(next(f for f in v.read_figures() if f.metric == since.metric))


def test_a_figure_is_compared_only_inside_the_run_window():
    window = v.Window("s", D(2021, 8, 1), D(2021, 12, 31))
    assert window.covers(_figure("prevented_entries", D(2021, 8, 3), D(2021, 8, 6))) == "full"
    assert window.covers(_figure("prevented_entries", D(2021, 7, 1), D(2021, 7, 31))) is None
    assert window.covers(_figure("prevented_entries", D(2021, 12, 1), D(2022, 1, 31))) is None
    cumulative = _figure("attempted_illegal_crossings_from_BY_cumulative", D(2021, 1, 1), D(2021, 10, 12))
    assert window.covers(cumulative) is None  # only 73 of its 285 days are in the run
    assert window.covers(_figure("prevented_entries", D(2021, 7, 1), D(2021, 8, 31))) == "partial"  # half inside
    assert window.covers(_figure("prevented_entries", D(2021, 1, 1), D(2021, 8, 10))) is None  # mostly before
    a_year = _figure("irregular_migrants_entered_from_BY", D(2021, 1, 1), D(2021, 12, 31), country="LT")
    june_on = v.Window("s", D(2021, 6, 1), D(2021, 12, 31))
    assert june_on.covers(a_year) == "partial"  # any summed count since a date before the run, not only *_cumulative
    assert window.covers(a_year) is None  # from August the run has only 153 of its 365 days
    assert window.covers(_figure("migrants_massed_at_Kuznica", D(2021, 7, 30), D(2021, 8, 2))) is None  # a peak


def test_measures_sum_a_period_take_a_day_or_a_peak_for_the_figure_s_country():
    window = v.Window("s", D(2021, 8, 1), D(2021, 8, 10))
    daily = _daily(
        D(2021, 8, 1),
        10,
        reported_attempts=list(range(1, 11)),
        reported_prevented=[1.0] * 10,
        massed=[0, 5, 9, 3, 0, 0, 0, 0, 0, 0],
        in_camps=[7.0] * 10,
    )
    month = _figure("attempted_illegal_crossings_from_BY", D(2021, 8, 2), D(2021, 8, 4))
    assert v.measure(daily, month, window) == 2 + 3 + 4
    day = _figure("attempted_illegal_crossings_from_BY_daily", D(2021, 8, 5), D(2021, 8, 5))
    assert v.measure(daily, day, window) == 5
    lithuania = _figure("prevented_entries", D(2021, 8, 1), D(2021, 8, 10), country="LT")
    assert v.measure(daily, lithuania, window) == 100  # ten days of 10 in Lithuania, none of Poland's
    peak = _figure("migrants_massed_at_Kuznica", D(2021, 8, 1), D(2021, 8, 4))
    assert v.measure(daily, peak, window) == 9
    both_lines = _figure("migrants_remaining_in_BY", D(2021, 8, 3), D(2021, 8, 3))
    assert v.measure(daily, both_lines, window) == 7 * 11 + 9 * 11  # in camps + massed, both countries
    cumulative = _figure("attempted_illegal_crossings_from_BY_cumulative", D(2021, 1, 1), D(2021, 8, 3))
    assert v.measure(daily, cumulative, window) == 1 + 2 + 3  # only the days the run has


def test_figures_compared_with_no_scenario_are_set_apart_with_the_reason():
    window = v.Window("s", D(2021, 8, 1), D(2021, 8, 31))
    inside = _figure("attempted_illegal_crossings_from_BY", D(2021, 8, 1), D(2021, 8, 31), value="3100")
    later = _figure("attempted_illegal_crossings_from_BY", D(2021, 9, 1), D(2021, 9, 30), value="7700")
    fence = _figure("fence_length", D(2021, 8, 1), D(2021, 8, 31))
    apart = v.set_apart([inside, later, fence], {"s": window})
    assert list(apart["period"]) == ["2021-09-01 to 2021-09-30", "2021-08-01 to 2021-08-31"]
    assert list(apart["observed"]) == ["7,700", "100"]
    assert apart["why"].iloc[0] == "outside the scenarios' run windows" and "input" in apart["why"].iloc[1]
    wider = v.Window("t", D(2021, 8, 1), D(2021, 9, 30))
    assert list(v.set_apart([inside, later], {"s": window, "t": wider})["why"]) == []  # some window holds each
