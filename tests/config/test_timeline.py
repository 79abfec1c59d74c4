"""Dated profiles and the run's calendar (sim/config/timeline.py): days and dates, linear and step profiles."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from sim.config.timeline import Calendar, profile


@dataclass
class Point:
    date: str
    value: float


CAL = Calendar("2021-08-01", 20)  # days 0..19 = 1-20 Aug 2021
POINTS = [Point("2021-08-06", 10.0), Point("2021-08-16", 30.0)]  # days 5 and 15


def test_calendar_maps_days_and_dates():
    assert CAL.hours == 480
    assert CAL.day_of("2021-08-06") == 5
    assert CAL.day_of("2021-07-31") == -1
    assert CAL.date(19).isoformat() == "2021-08-20"
    assert set(CAL.months()) == {8}


def test_linear_profile_interpolates_and_holds_the_end_values():
    out = profile(POINTS, CAL, interpolate=True)
    assert out.shape == (20,)
    assert out[5] == 10 and out[15] == 30
    assert out[10] == pytest.approx(20)
    assert out[6] == pytest.approx(12)
    assert (out[:5] == 10).all()
    assert (out[15:] == 30).all()


def test_step_profile_holds_each_value_until_the_next_date():
    out = profile(POINTS, CAL, interpolate=False)
    assert (out[:15] == 10).all()
    assert (out[15:] == 30).all()


@pytest.mark.parametrize("interpolate", [True, False])
def test_profile_before_the_first_point_can_be_set(interpolate):
    out = profile(POINTS, CAL, interpolate=interpolate, before=0.0)
    assert (out[:5] == 0).all()
    assert out[5] == 10
    assert out[19] == 30


def test_single_point_profile_is_constant_and_empty_profile_is_an_error():
    assert (profile([Point("2021-08-01", 7.0)], CAL) == 7).all()
    with pytest.raises(ValueError, match="at least one dated point"):
        profile([], CAL)
