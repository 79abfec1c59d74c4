"""Behaviour of the model's mechanics: breaching, detection, pushbacks, cuts, conservation of people, totals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim import LithuanianGuard, Migrant, PolishGuard, RunEndedError
from sim.config.enums import BARRIERS, TERRAINS, Country
from sim.core.states import ZONE_STATES, MigrantState
from sim.core.summary import TOTALS

#: The season from 1 Aug 2021 with the fallback escorts serving both lines: the default scenario's window and
#: escorts before it started on 1 Jun with Belarus's dated effort (issue 12), which these cases were written for.
AUGUST = (
    "start_date=2021-08-01",
    "escort.units.poland=[]",
    "escort.units.lithuania=[]",
    "escort.massing.poland.per_day=[]",
)
#: Arrivals of 300 a day on the first two days of August 2021 and none after (the `constant` arrivals group).
ARRIVALS_FIRST_TWO_DAYS = (
    *AUGUST,
    "arrivals=constant",
    'arrivals.per_day=[{date:"2021-08-01",value:300},{date:"2021-08-03",value:0}]',
    "arrivals.interpolate=false",
)
#: The full troop level from day 0 (the default scenario ramps it up from a small share).
NO_TROOP_RAMP = ("troops.ramp.poland=[]", "troops.ramp.lithuania=[]")
#: Nobody guards, nothing detects, nobody dies or gives up.
NO_RESISTANCE = (
    "troops.poland=0",
    "troops.lithuania=0",
    "barriers.none.p_detect=0",
    "barriers.razor_wire.p_detect=0",
    "barriers.steel_wall.p_detect=0",
    "sensors.p_detect=0",
    "exposure.hazard_per_day=0",
    "migrant.max_attempts=100000",
    "migrant.max_pushbacks=1000",
    "migrant.max_zone_days=1000",
)
NO_BREACH = ("barriers.none.p_breach=0", "barriers.razor_wire.p_breach=0", "barriers.steel_wall.p_breach=0")


def pushback_policy(share: float) -> tuple[str, ...]:
    """The same pushback share in both countries, in force from day 0."""
    return (
        f"policy.poland.pushback_share={share}",
        f"policy.lithuania.pushback_share={share}",
        "policy.poland.pushback_from=null",
        "policy.lithuania.pushback_from=null",
    )


# --- breaching and crossing ------------------------------------------------------------------------------------


@pytest.mark.parametrize("fence", ["none", "razor_wire", "steel_wall"])
def test_without_guards_or_detection_everyone_who_reaches_the_line_crosses(run_model, fence):
    model = run_model("days=14", f"fence={fence}", *ARRIVALS_FIRST_TWO_DAYS, *NO_RESISTANCE)
    total = model.summary["total"]
    assert total["arrivals"] > 0
    assert total["crossings"] == total["arrivals"]
    p = model.people
    left_camp = p.t_zone[: p.n] >= 0
    assert left_camp.sum() == total["arrivals"]
    assert np.all(p.state[: p.n][left_camp] == MigrantState.CROSSED)
    for key in ("detections", "apprehensions", "pushbacks", "asylum_claims", "gave_up", "deaths"):
        assert total[key] == 0, key


def test_open_border_has_the_open_ground_breach_and_detection_rates(build_model):
    model = build_model("days=2", "fence=none")
    b, cfg = model.border, model.cfg
    factor = np.array([getattr(cfg.terrain, t).p_breach_factor for t in TERRAINS])[b.terrain]
    np.testing.assert_allclose(b.p_breach, np.clip(cfg.barriers.none.p_breach * factor, 0, 1))
    np.testing.assert_allclose(b.p_detect, cfg.barriers.none.p_detect)


def test_no_fence_scenario_lets_people_through(run_model):
    total = run_model("scenario=no_fence", "days=3", *AUGUST).summary["total"]
    assert total["attempts"] > 0
    assert total["breaches"] > 0
    assert total["crossings"] > 0


@pytest.mark.parametrize("fence", ["razor_wire", "steel_wall"])
def test_unbreachable_barriers_stop_everyone_even_when_cut(run_model, fence):
    model = run_model("days=6", f"fence={fence}", "escort.p_cut=1", *NO_BREACH)
    total = model.summary["total"]
    assert total["attempts"] > 0
    assert total["fence_cuts"] > 0
    assert total["breaches"] == 0
    assert total["crossings"] == 0
    assert total["apprehensions"] == 0
    assert (model.segments["breaches"] == 0).all()
    assert model.border.p_breach.max() == 0


# --- policy: pushback or asylum --------------------------------------------------------------------------------


def test_without_pushbacks_every_apprehended_person_claims_asylum(run_model):
    summary = run_model("days=8", *AUGUST, *pushback_policy(0)).summary
    for country in ("poland", "lithuania"):
        s = summary[country]
        assert s["apprehensions"] > 0, country
        assert s["pushbacks"] == 0, country
        assert s["asylum_claims"] == s["apprehensions"], country


def test_with_every_apprehended_person_pushed_back_nobody_claims_asylum(run_model):
    summary = run_model("days=8", *AUGUST, *pushback_policy(1)).summary
    for country in ("poland", "lithuania"):
        s = summary[country]
        assert s["pushbacks"] > 0, country
        assert s["asylum_claims"] == 0, country
        assert s["pushbacks"] == s["apprehensions"], country


#: Belarus's six units all on the Lithuanian line (the fallback splits them between the lines by chance, and a seed
#: may then send Lithuania nobody for days).
LITHUANIA_ONLY = (
    'escort.units.poland=[{date:"2021-08-01",value:0}]',
    'escort.units.lithuania=[{date:"2021-08-01",value:6}]',
)


def test_lithuanian_pushbacks_start_on_the_policy_date(run_model):
    model = run_model(
        *AUGUST,
        *LITHUANIA_ONLY,
        "days=12",
        "policy.lithuania.pushback_share=1",
        "policy.lithuania.pushback_from=2021-08-07",
        *NO_TROOP_RAMP,
    )
    lt = model.daily[model.daily["country"] == "lithuania"]
    before, after = lt[lt["date"] < "2021-08-07"], lt[lt["date"] >= "2021-08-07"]
    assert len(before) == 6
    assert (before["pushback_share"] == 0).all()
    assert (after["pushback_share"] == 1).all()
    assert before["pushbacks"].sum() == 0
    assert before["asylum_claims"].sum() > 0
    assert after["pushbacks"].sum() > 0
    assert after["asylum_claims"].sum() == 0


def test_pushed_back_people_try_the_fence_again(build_model):
    model = build_model("days=10", *pushback_policy(1))
    for _ in range(5 * 24):
        model.step()
    p = model.people
    pushed = np.flatnonzero(p.n_pushbacks[: p.n] > 0)
    attempts_then = p.n_attempts[pushed].copy()
    assert pushed.size > 0
    model.run(progress=False)
    assert np.count_nonzero(p.n_attempts[pushed] > attempts_then) > 0
    # crossing after a pushback needs a new try from the Belarusian side
    crossed_after_pushback = (p.n_pushbacks[: p.n] > 0) & (p.state[: p.n] == MigrantState.CROSSED)
    assert crossed_after_pushback.any()
    assert np.all(p.n_attempts[: p.n][crossed_after_pushback] > p.n_pushbacks[: p.n][crossed_after_pushback])


def test_people_give_up_after_max_pushbacks(run_model):
    model = run_model("days=10", "migrant.max_pushbacks=2", *pushback_policy(1))
    p = model.people
    n_pushbacks, state = p.n_pushbacks[: p.n], p.state[: p.n]
    assert n_pushbacks.max() == 2
    assert np.all(state[n_pushbacks == 2] == MigrantState.GAVE_UP)
    assert np.count_nonzero(n_pushbacks == 2) <= model.summary["total"]["gave_up"]


# --- fence damage and repair -----------------------------------------------------------------------------------


def _open_ground_p_breach(model, segment: int) -> float:
    terrain = TERRAINS[model.border.terrain[segment]]
    factor = getattr(model.cfg.terrain, terrain).p_breach_factor
    return min(1.0, model.cfg.barriers.none.p_breach * factor)


def test_a_cut_raises_breach_chance_until_its_repair_is_done(build_model):
    model = build_model("days=2", "fence=steel_wall")
    b = model.border
    s = int(np.flatnonzero(b.barrier == BARRIERS.index("steel_wall"))[0])
    original = b.p_breach.copy()
    repair_hours = int(model.cfg.barriers.steel_wall.repair_hours)
    assert original[s] < _open_ground_p_breach(model, s)

    b.cut(s, 0.5, 10)
    assert b.p_breach[s] == pytest.approx(original[s] + 0.5 * (_open_ground_p_breach(model, s) - original[s]))
    assert np.array_equal(np.delete(b.p_breach, s), np.delete(original, s))
    assert b.t_repair_done[s] == 10 + repair_hours

    assert b.repair(10 + repair_hours - 1).size == 0
    assert b.p_breach[s] > original[s]

    assert list(b.repair(10 + repair_hours)) == [s]
    assert b.damage[s] == 0
    assert b.p_breach[s] == original[s]


def test_cuts_add_damage_up_to_a_gap_and_extend_the_repair_clock(build_model):
    model = build_model("days=2", "fence=steel_wall")
    b = model.border
    s = int(np.flatnonzero(b.barrier == BARRIERS.index("steel_wall"))[0])
    repair_hours = int(model.cfg.barriers.steel_wall.repair_hours)
    for hour in (0, 5, 20):
        b.cut(s, 0.5, hour)
    assert b.damage[s] == 1.0
    assert b.p_breach[s] == pytest.approx(_open_ground_p_breach(model, s))
    assert b.t_repair_done[s] == 20 + repair_hours
    assert b.repair(19 + repair_hours).size == 0


def test_escorts_cut_fences_only_where_there_is_a_barrier(run_model):
    model = run_model("days=5", "fence=steel_wall", "escort.p_cut=1")
    total, seg = model.summary["total"], model.segments
    assert total["fence_cuts"] > 0
    assert seg["fence_cuts"].sum() == total["fence_cuts"]
    assert (seg.loc[seg["fence_cuts"] > 0, "barrier"] != "none").all()


def test_escorts_never_cut_when_p_cut_is_zero(run_model):
    assert run_model("days=5", "fence=steel_wall", "escort.p_cut=0").summary["total"]["fence_cuts"] == 0


def test_repatriation_sends_home_people_in_camps_and_at_the_line(build_model):
    model = build_model("days=5", *AUGUST, 'camps.repatriations=[{date:"2021-08-04",value:1.0}]', *pushback_policy(1))
    for _ in range(3 * 24):
        model.step()
    p = model.people
    waiting = np.flatnonzero(
        np.isin(p.state[: p.n], (MigrantState.IN_CAMP, MigrantState.AT_FENCE, MigrantState.PUSHED_BACK))
    )
    at_line = waiting[p.state[waiting] != MigrantState.IN_CAMP]
    assert at_line.size > 0
    model.step()  # midnight of 4 Aug: the repatriation
    assert (p.state[waiting] == MigrantState.GAVE_UP).all()
    assert (p.t_arrived[model.camps.queue] == 3 * 24).all()  # only this hour's arrivals wait in camp
    model.run(progress=False)
    repatriated = model.daily.set_index(["day", "country"])["repatriated"]
    assert repatriated.sum() == waiting.size
    assert repatriated.loc[(3, "belarus")] == waiting.size - at_line.size
    assert repatriated.loc[(3, "poland")] + repatriated.loc[(3, "lithuania")] == at_line.size


# --- conservation and bookkeeping ------------------------------------------------------------------------------

CONSERVATION_CASES = {
    "default": (("days=10", *AUGUST), ("crossings", "asylum_claims", "pushbacks")),
    "walls_cuts_pushbacks_give_ups": (
        ("days=10", "fence=steel_wall", "escort.p_cut=1", "migrant.max_pushbacks=2", *pushback_policy(1)),
        ("crossings", "pushbacks", "gave_up", "fence_cuts"),
    ),
    "camps_emptying_and_deaths": (
        ("days=10", "camps.p_leave_per_day=0.2", "exposure.hazard_per_day=0.05"),
        ("crossings", "repatriated", "deaths"),
    ),
}


@pytest.mark.parametrize("case", CONSERVATION_CASES)
def test_people_are_conserved_every_day(run_model, conservation_gap, count_states, case):
    overrides, active = CONSERVATION_CASES[case]
    model = run_model(*overrides)
    total = model.summary["total"]
    for key in active:
        assert total[key] > 0, f"{key} never happens in case {case}: the case does not test it"

    gap = conservation_gap(model.daily)
    assert len(gap) == model.cfg.days
    assert (gap == 0).all(), gap[gap != 0]

    counts = count_states(model)
    last = model.daily[model.daily["day"] == model.cfg.days - 1].set_index("country")
    assert counts.sum() == model.people.n == total["camp_arrivals"]
    assert counts[MigrantState.IN_CAMP] == len(model.camps) == last["in_camps"].sum()
    assert counts[list(ZONE_STATES)].sum() == last["in_zone"].sum()
    p = model.people
    in_zone = np.isin(p.state[: p.n], ZONE_STATES)
    by_country = np.bincount(p.country[: p.n][in_zone], minlength=len(Country))
    assert list(by_country) == [last.loc[c.label, "in_zone"] for c in Country]
    assert counts[MigrantState.CROSSED] == total["crossings"]
    assert counts[MigrantState.ASYLUM] == total["asylum_claims"]
    assert counts[MigrantState.GAVE_UP] == total["gave_up"]
    assert counts[MigrantState.DIED] == total["deaths"]


def test_summary_totals_are_the_sum_of_the_countries(default_run):
    summary = default_run.summary
    assert set(summary) == {"belarus", "poland", "lithuania", "total"}
    for key in (*TOTALS, "people"):
        parts = [summary[c][key] for c in ("belarus", "poland", "lithuania")]
        assert summary["total"][key] == sum(parts), key
    assert summary["total"]["cost_eur"] == pytest.approx(sum(summary[c]["cost_eur"] for c in ("poland", "lithuania")))
    assert summary["total"]["crossings"] > 0


def test_summary_totals_match_the_daily_table(default_run):
    daily, summary = default_run.daily, default_run.summary
    for country in ("belarus", "poland", "lithuania"):
        rows = daily[daily["country"] == country]
        for key in TOTALS:
            assert summary[country][key] == rows[key].sum(), (country, key)


def test_summary_rates_are_recomputed_from_totals(default_run):
    for block in default_run.summary.values():
        caught, crossed = block["apprehensions"], block["crossings"]
        if caught + crossed:
            assert block["interception_rate"] == pytest.approx(caught / (caught + crossed))
        else:
            assert block["interception_rate"] is None
    assert default_run.summary["belarus"]["attempts_per_person"] is None


def test_observation_layer_is_derived_from_true_counts(default_run):
    d = default_run.daily
    assert d["reported_attempts"].sum() > 0
    assert d["pushbacks"].sum() > 0
    # Lithuania's "apprehended" are people detained and kept (asylum), disjoint from "prevented" (turned back)
    assert (d["reported_apprehended"] == d["apprehensions"] - d["pushbacks"]).all()
    assert (d["reported_apprehended"] == d["asylum_claims"]).all()
    assert (d["reported_prevented"] == d["stopped_at_line"] + d["pushbacks"]).all()
    assert (d["reported_attempts"] == d["stopped_at_line"] + d["apprehensions"]).all()
    assert (d["detected_attempts"] <= d["attempts"]).all()
    assert (d["turned_back_at_line"] <= d["detected_attempts"]).all()
    assert (d["stopped_at_line"] <= d["turned_back_at_line"]).all()
    assert (d["apprehended_unseen"] <= d["apprehensions"]).all()


# --- escorts and guards ----------------------------------------------------------------------------------------


def _share_of_attempts_at_walls_with_sensors(model) -> float:
    seg = model.segments
    walled = (seg["barrier"] == "steel_wall") & seg["sensors"]
    return seg.loc[walled, "attempts"].sum() / seg["attempts"].sum()


def test_weakest_strategy_avoids_walls_with_sensors_unlike_random(run_model):
    common = ("days=8", "fence=steel_wall", "seed=3")
    weakest = _share_of_attempts_at_walls_with_sensors(run_model(*common, "escort.strategy=weakest"))
    random = _share_of_attempts_at_walls_with_sensors(run_model(*common, "escort.strategy=random"))
    # about half of the line is walled: random units go there about half the time
    assert random > 0.3
    assert weakest < 0.1
    assert weakest < random / 3


def test_more_troops_intercept_a_larger_share(run_model):
    rates = {}
    for troops in (0, 2000, 15000):
        model = run_model("days=10", f"troops.poland={troops}", f"troops.lithuania={troops}", *NO_TROOP_RAMP)
        total = model.summary["total"]
        assert total["crossings"] + total["apprehensions"] > 0
        rates[troops] = total["interception_rate"]
    assert rates[0] == 0
    assert 0 < rates[2000] < rates[15000]


def test_troop_level_sets_the_patrols_on_duty(run_model):
    model = run_model("days=2", "troops.poland=15000", "troops.lithuania=3000", *NO_TROOP_RAMP)
    g = model.cfg.guards
    on_duty = model.daily.groupby("country")["guards_on_duty"].max()
    assert on_duty["poland"] == round(15000 * g.on_duty_share / g.personnel_per_agent)
    assert on_duty["lithuania"] == round(3000 * g.on_duty_share / g.personnel_per_agent)
    assert on_duty["belarus"] == 0


def test_a_falling_troop_level_takes_patrols_off_duty(build_model):
    ramp_down = 'troops.ramp.poland=[{date:"2021-08-01",value:1},{date:"2021-08-03",value:0.1}]'
    model = build_model("days=4", *AUGUST, "troops.poland=15000", ramp_down)
    on_duty = []
    for _ in range(4):
        for _ in range(24):
            model.step()
        on_duty.append(len(model.agents_by_type[PolishGuard]))
    g = model.cfg.guards
    assert on_duty[0] == round(15000 * g.on_duty_share / g.personnel_per_agent)
    assert on_duty[2] == on_duty[3] == round(1500 * g.on_duty_share / g.personnel_per_agent)
    assert on_duty[0] > on_duty[1] > on_duty[2]
    poland = model.daily[model.daily["country"] == "poland"]
    assert poland["guards_on_duty"].tolist() == on_duty
    assert poland["troops"].tolist() == pytest.approx([15000, 8250, 1500, 1500])  # the level times an interpolation


def test_patrols_stay_on_their_own_countrys_line(default_run):
    g, b = default_run.guards, default_run.border
    for country in (Country.POLAND, Country.LITHUANIA):
        rows = g.active(country)
        assert rows.size > 0
        lo = b.line_offset_km[country]
        hi = lo + b.line_length_km[country]
        assert ((g.x_km[rows] >= lo - 1e-9) & (g.x_km[rows] <= hi + 1e-9)).all(), country.label
    segments = default_run.segments
    for country in ("poland", "lithuania"):
        apprehended_at = segments.loc[segments["apprehensions"] > 0, "country"]
        assert country in set(apprehended_at)


def test_mesa_agents_are_views_of_the_arrays(run_model):
    model = run_model("days=2")
    assert model.hour == 48
    migrants = list(model.create_migrant_agents())
    assert len(migrants) == model.people.n > 0
    assert list(model.agents_by_type[Migrant]) == migrants
    some = migrants[len(migrants) // 2]
    assert some.state == MigrantState(model.people.state[some.uid])
    assert some.history()["uid"] == some.uid
    guards = model.guards
    assert len(model.agents_by_type[PolishGuard]) == guards.n_active[Country.POLAND] > 0
    assert len(model.agents_by_type[LithuanianGuard]) == guards.n_active[Country.LITHUANIA] > 0
    collected = model.datacollector.get_model_vars_dataframe()
    assert len(collected) == model.cfg.days
    camps = model.daily.loc[model.daily["country"] == "belarus", "in_camps"]
    assert collected["in_camps"].tolist() == camps.tolist()
    # the grid holds only the layer the map reads, painted when asked for, not during the run
    assert set(model.grid._mesa_property_layers) == {"empty", "guards"}  # `empty`: Mesa's own
    assert model.grid.guards.data.sum() == 0
    model.refresh_layers()
    assert model.grid.guards.data.sum() == guards.on_duty().sum() > 0


# --- the end of a run ------------------------------------------------------------------------------------------


def test_stepping_past_the_last_hour_is_a_clear_error_that_changes_nothing(run_model):
    model = run_model("days=2", "start_date=2021-10-30")
    assert model.ended and not model.running and model.hour == 48
    daily, people = model.daily, model.people.to_df()
    with pytest.raises(RunEndedError, match=r"ended at hour 48, the end of 2021-10-31: it simulates days=2 from "):
        model.step()
    assert isinstance(RunEndedError("x"), RuntimeError)
    assert model.hour == 48 and model.ended
    pd.testing.assert_frame_equal(model.daily, daily)  # same model read twice: exact
    pd.testing.assert_frame_equal(model.people.to_df(), people)
    with pytest.raises(RunEndedError):  # and again: the model stays ended
        model.step()


def test_run_finishes_a_partly_stepped_model_and_returns_an_ended_one_as_it_is(build_model, run_model):
    straight = run_model("days=3", "seed=4")
    model = build_model("days=3", "seed=4")
    for _ in range(30):
        model.step()
    model.running = False  # a stop flag does not cut run() short: it runs what is left of the configured days
    assert model.run(progress=False) is model
    assert model.hour == 72 and model.ended and not model.running
    pd.testing.assert_frame_equal(model.daily, straight.daily)  # the same steps, one code path: exact
    daily = model.daily
    assert model.run(progress=False) is model and model.hour == 72  # nothing left to run
    pd.testing.assert_frame_equal(model.daily, daily)
