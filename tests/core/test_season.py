"""Full-season runs (slow): the books balance and the scenario's dated events happen over five months."""

from __future__ import annotations

import datetime as dt

import pytest

from sim.core.summary import TOTALS

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def season(run_model):
    """`season("autumn2021")`: the scenario run over its full season, once per module."""
    runs = {}

    def get(scenario: str):
        if scenario not in runs:
            runs[scenario] = run_model(f"scenario={scenario}")
        return runs[scenario]

    return get


@pytest.mark.parametrize("scenario", ["autumn2021", "surge"])
def test_full_season_conserves_people_and_totals(season, conservation_gap, count_states, scenario):
    model = season(scenario)
    assert model.hour == model.cfg.days * 24 == 214 * 24
    gap = conservation_gap(model.daily)
    assert (gap == 0).all(), gap[gap != 0]
    summary = model.summary
    assert count_states(model).sum() == model.people.n == summary["total"]["camp_arrivals"]
    for key in TOTALS:
        assert summary["total"][key] == sum(summary[c][key] for c in ("belarus", "poland", "lithuania")), key


def test_autumn2021_season_follows_its_dated_inputs(season):
    model = season("autumn2021")
    cfg = model.cfg
    daily = model.daily.set_index(["date", "country"])
    # troops: the level times the ramp, from the first ramp value to the full level at the last point
    ramp = cfg.troops.ramp.poland
    assert daily.loc[(cfg.start_date, "poland"), "troops"] == pytest.approx(cfg.troops.poland * ramp[0].value)
    assert daily.loc[(ramp[-1].date, "poland"), "troops"] == pytest.approx(cfg.troops.poland * ramp[-1].value)
    # pushbacks in force from their dates, not the day before
    for country in ("poland", "lithuania"):
        policy = getattr(cfg.policy, country)
        start = dt.date.fromisoformat(policy.pushback_from)
        before = (start - dt.timedelta(days=1)).isoformat()
        if before >= cfg.start_date:
            assert daily.loc[(before, country), "pushback_share"] == 0, country
        assert daily.loc[(start.isoformat(), country), "pushback_share"] == policy.pushback_share, country
    # the Polish fence is complete by the end, and the camps are cleared on the first repatriation date
    assert daily.loc[("2021-12-31", "poland"), "fence_km"] == pytest.approx(186)  # a sum of segment lengths
    first_repatriation = cfg.camps.repatriations[0].date
    assert daily.xs(first_repatriation, level="date")["repatriated"].sum() > 0
    assert model.summary["total"]["repatriated"] > 0
    assert model.summary["total"]["deaths"] > 0
