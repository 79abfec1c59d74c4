"""The outcomes of a run in its summary (issue 14): troops asked for and deployed, costs by kind, person-based
counts beside the event-based rates, days in the zone and people massed at the line (docs/ODD.md 8.4).

Each field is checked against a computation by hand from the people table, the daily table or the config.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from tolerance import FLOAT_RTOL

from sim import BorderModel, load_config
from sim.config.enums import Country
from sim.core.border import DAYS_PER_YEAR

#: A month at the peak of the crisis (Polish troops ramping from half to two thirds of 15,000).
OCTOBER = ("days=30", "start_date=2021-10-01")
BLOCKS = ("belarus", "poland", "lithuania")
EU = ("poland", "lithuania")
#: Fields whose total is the sum of the countries' values.
ADDITIVE = (
    *("troops_asked", "troops_deployed", "cost_troops_eur", "cost_fence_eur", "cost_asylum_eur"),
    *("cost_pushback_eur", "cost_eur", "fence_capital_eur", "people_reached_line", "people_crossed"),
    *("people_apprehended", "massed_mean"),
)


@pytest.fixture(scope="module")
def october() -> BorderModel:
    return BorderModel(load_config([*OCTOBER, "progress=false"])).run(progress=False)


def _people(model: BorderModel):
    """Everyone, one row per person, with the country as its label."""
    return model.people.to_df()


def test_person_counts_are_distinct_people(october):
    people, summary = _people(october), october.summary
    for block in (*BLOCKS, "total"):
        mine = people if block == "total" else people[people["country"] == block]
        s = summary[block]
        assert s["people_reached_line"] == int((mine["n_attempts"] > 0).sum()), block
        assert s["people_crossed"] == int((mine["state"] == "CROSSED").sum()), block
        caught = (mine["n_pushbacks"] > 0) | (mine["state"] == "ASYLUM")
        assert s["people_apprehended"] == int(caught.sum()), block
    total = summary["total"]
    assert total["people_crossed"] > 0 and total["people_apprehended"] > 0
    # person-based against event-based: people apprehended again are counted once among the people, every time
    # among the events
    assert (people["n_pushbacks"] >= 2).any()
    assert total["people_apprehended"] < total["apprehensions"]


def test_share_crossed_is_people_crossed_over_people_who_reached_the_line(october):
    for block in (*EU, "total"):
        s = october.summary[block]
        assert 0.0 <= s["share_crossed"] <= 1.0
        assert s["share_crossed"] == pytest.approx(s["people_crossed"] / s["people_reached_line"], rel=FLOAT_RTOL)
    assert october.summary["belarus"]["share_crossed"] is None  # nobody reached a line from the camps


def test_event_rates_divide_events(october):
    for block in (*EU, "total"):
        s = october.summary[block]
        assert s["apprehensions_per_attempt"] == pytest.approx(s["apprehensions"] / s["attempts"], rel=FLOAT_RTOL)
        assert 0.0 < s["apprehensions_per_attempt"] <= 1.0


def test_totals_are_the_sums_of_the_countries(october):
    summary = october.summary
    for key in ADDITIVE:
        parts = sum(summary[c][key] for c in BLOCKS)
        assert summary["total"][key] == pytest.approx(parts, rel=FLOAT_RTOL), key
    # the total's peak is the busiest day over both lines: between the busier line's peak and the sum of the peaks
    peaks = [summary[c]["massed_peak"] for c in EU]
    assert max(peaks) <= summary["total"]["massed_peak"] <= sum(peaks)


def test_troops_asked_and_deployed(october, run_model):
    summary, daily = october.summary, october.daily
    for country in EU:
        s = summary[country]
        assert s["troops_asked"] == getattr(october.cfg.troops, country)
        on_line = october.ledger.stocks["troops"][:, Country[country.upper()]]  # daily.csv rounds to whole people
        assert s["troops_deployed"] == pytest.approx(on_line.mean(), rel=FLOAT_RTOL)
        assert s["troops_deployed"] == pytest.approx(daily.loc[daily["country"] == country, "troops"].mean(), abs=0.5)
    # October 2021: Poland's ramp has half to two thirds of the level in force
    assert 0.5 * 15000 <= summary["poland"]["troops_deployed"] < summary["poland"]["troops_asked"] == 15000
    held = run_model("days=3", "start_date=2021-10-01", "troops.poland=3000", "troops.ramp.poland=[]").summary
    assert held["poland"]["troops_deployed"] == held["poland"]["troops_asked"] == 3000


def test_costs_by_kind_from_the_daily_table_and_the_prices(october):
    summary, daily, prices = october.summary, october.daily, october.cfg.cost
    for country in EU:
        rows = daily[daily["country"] == country]
        s = summary[country]
        troops = october.ledger.stocks["troops"][:, Country[country.upper()]]  # daily.csv rounds to whole people
        assert s["cost_troops_eur"] == pytest.approx((troops * prices.troop_eur_per_day).sum(), rel=FLOAT_RTOL)
        assert s["cost_asylum_eur"] == rows["asylum_claims"].sum() * prices.asylum_claim_eur
        assert s["cost_pushback_eur"] == rows["pushbacks"].sum() * prices.pushback_eur
        assert s["cost_asylum_eur"] > 0 and s["cost_pushback_eur"] > 0
        kinds = s["cost_troops_eur"] + s["cost_fence_eur"] + s["cost_asylum_eur"] + s["cost_pushback_eur"]
        assert s["cost_eur"] == pytest.approx(kinds, rel=FLOAT_RTOL)
        assert s["cost_eur"] == pytest.approx(rows["cost_eur"].sum(), rel=FLOAT_RTOL)  # daily.csv prices the same


def test_fence_cost_is_its_capital_amortised_over_the_days_it_stood(run_model):
    days = 4
    model = run_model(f"days={days}", "start_date=2021-10-01", "fence=steel_wall")
    summary, seg, cfg = model.summary, model.segments, model.cfg
    per_km = np.where(seg["barrier"] == "steel_wall", cfg.barriers.steel_wall.capex_eur_per_km, 0.0)
    per_km = per_km + seg["sensors"] * cfg.sensors.capex_eur_per_km
    for country in EU:
        mine = (seg["country"] == country).to_numpy()
        capital = float((seg["length_km"] * per_km)[mine].sum())
        s = summary[country]
        assert capital > 0
        assert s["fence_capital_eur"] == pytest.approx(capital, rel=FLOAT_RTOL)
        lifetime = DAYS_PER_YEAR * cfg.cost.fence_lifetime_years
        assert s["cost_fence_eur"] == pytest.approx(capital * days / lifetime, rel=FLOAT_RTOL)
    # no fence: nothing standing, nothing amortised
    bare = run_model("days=2", "start_date=2021-06-01").summary  # autumn2021 builds its razor wire from 10 Jul
    assert bare["total"]["fence_capital_eur"] == bare["total"]["cost_fence_eur"] == 0


def test_asylum_claims_and_pushbacks_are_priced_into_cost_eur(run_model):
    """The two prices add their events to the cost and change nothing else of the run."""
    setup = ("days=5", "start_date=2021-10-01", "policy.poland.pushback_share=0.5")
    free = run_model(*setup, "cost.asylum_claim_eur=0", "cost.pushback_eur=0").summary
    priced = run_model(*setup, "cost.asylum_claim_eur=7000", "cost.pushback_eur=300").summary
    for block in (*EU, "total"):
        f, p = free[block], priced[block]
        assert f["cost_asylum_eur"] == f["cost_pushback_eur"] == 0
        assert f["cost_eur"] == pytest.approx(f["cost_troops_eur"] + f["cost_fence_eur"], rel=FLOAT_RTOL)
        assert p["asylum_claims"] > 0 and p["pushbacks"] > 0
        extra = p["asylum_claims"] * 7000 + p["pushbacks"] * 300
        assert p["cost_eur"] - f["cost_eur"] == pytest.approx(extra, rel=1e-9)
        unpriced = {k: v for k, v in p.items() if not k.startswith("cost_")}
        assert unpriced == {k: v for k, v in f.items() if not k.startswith("cost_")}


def test_days_in_zone_from_leaving_the_camps_to_leaving_the_system(october):
    people, summary, now = _people(october), october.summary, october.hour
    for block in (*EU, "total"):
        mine = people if block == "total" else people[people["country"] == block]
        entered = mine[(mine["t_zone"] >= 0) & (mine["state"] != "IN_CAMP")]
        end = np.where(entered["t_done"] >= 0, entered["t_done"], now)
        hand = float((end - entered["t_zone"]).mean() / 24)
        got = summary[block]["days_in_zone_mean"]
        assert got == pytest.approx(hand, rel=FLOAT_RTOL), block
        assert 0 < got <= october.cfg.days
    assert summary["belarus"]["days_in_zone_mean"] is None


def test_massed_peak_and_mean_from_the_daily_stock(october):
    summary, daily = october.summary, october.daily
    for country in EU:
        massed = daily.loc[daily["country"] == country, "massed"]
        assert summary[country]["massed_peak"] == massed.max()
        assert summary[country]["massed_mean"] == pytest.approx(massed.mean(), rel=FLOAT_RTOL)
    by_day = daily.groupby("day")["massed"].sum()
    assert summary["total"]["massed_peak"] == by_day.max() > 0
    assert summary["total"]["massed_mean"] == pytest.approx(by_day.mean(), rel=FLOAT_RTOL)


def test_summary_mid_run_counts_the_closed_days_only(build_model):
    model = build_model("days=3", "start_date=2021-10-01", "progress=false")
    start = model.summary["total"]  # nothing closed yet: no day to average over
    assert start["troops_deployed"] is None and start["massed_peak"] is None and start["massed_mean"] is None
    assert start["cost_eur"] == start["cost_troops_eur"] == 0
    for _ in range(36):  # a day and a half
        model.step()
    s = model.summary
    json.dumps(s, allow_nan=False)
    for block in (*EU, "total"):
        b = s[block]
        kinds = b["cost_troops_eur"] + b["cost_fence_eur"] + b["cost_asylum_eur"] + b["cost_pushback_eur"]
        assert b["cost_eur"] == pytest.approx(kinds, rel=FLOAT_RTOL)
    troops = model.ledger.stocks["troops"][0]
    assert s["poland"]["troops_deployed"] == troops[Country.POLAND] > 0  # the first day's, not a mean with open days
