"""Unit tests of small pieces: dated profiles, the people column store, border segments, fence construction."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from sim.config.enums import BARRIERS, TERRAINS, Country
from sim.config.timeline import Calendar, profile
from sim.core.border import NO_BARRIER
from sim.core.population import NEVER, Population
from sim.core.states import MigrantState

# --- timeline ------------------------------------------------------------------------------------------------


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


# --- population ----------------------------------------------------------------------------------------------


def test_population_add_grows_and_keeps_existing_data():
    people = Population(capacity=16, memory=3)
    first = people.add(10, hour=2)
    assert list(first) == list(range(10))
    people.state[first] = int(MigrantState.AT_FENCE)
    people.enter_zone(first)  # queries see people who left the camps (the model does this on departure)
    people.n_attempts[first] = np.arange(10)
    people.t_next[first] = 99
    people.remember(first[:2], np.array([7, 8]))

    second = people.add(20, hour=5)
    assert list(second) == list(range(10, 30))
    assert people.n == 30
    assert people.capacity >= 30
    assert len(people.state) == people.capacity
    assert people.memory.shape == (people.capacity, 3)
    # old rows untouched
    assert (people.state[first] == MigrantState.AT_FENCE).all()
    assert list(people.n_attempts[first]) == list(range(10))
    assert (people.t_next[first] == 99).all()
    assert (people.t_arrived[first] == 2).all()
    assert people.remembers(first[:2], np.array([7, 8])).all()
    # new rows start fresh
    assert (people.state[second] == MigrantState.IN_CAMP).all()
    assert (people.t_arrived[second] == 5).all()
    assert (people.t_next[second] == NEVER).all()
    assert (people.memory[second] == -1).all()
    assert len(people.in_state(MigrantState.AT_FENCE)) == 10


def test_population_memory_is_a_ring_buffer():
    people = Population(capacity=16, memory=2)
    uid = people.add(1, hour=0)
    for segment in (3, 4, 5):
        people.remember(uid, np.array([segment]))
    assert not people.remembers(uid, np.array([3]))[0]
    assert people.remembers(uid, np.array([4]))[0] and people.remembers(uid, np.array([5]))[0]


def test_population_to_df_names_states_and_countries():
    people = Population(capacity=16)
    uids = people.add(3, hour=0)
    people.state[uids[0]] = int(MigrantState.CROSSED)
    people.country[uids[0]] = int(Country.POLAND)
    df = people.to_df()
    assert len(df) == 3
    assert df.loc[0, "state"] == "CROSSED" and df.loc[0, "country"] == "poland"
    assert df.loc[1, "t_next"] == -1


# --- border segments -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def border_model(build_model):
    """The default scenario over its full season, not run: its border and construction plan."""
    return build_model()


def test_sections_are_cut_into_segment_km_pieces_with_a_shorter_last_piece(border_model):
    b, bc = border_model.border, border_model.cfg.border
    for section in bc.sections:
        offset = b.line_offset_km[section.country.code]
        start = offset + section.start_km
        inside = (b.start_x >= start - 1e-9) & (b.start_x < start + section.length_km - 1e-9)
        lengths = b.length_km[inside]
        assert lengths.sum() == pytest.approx(section.length_km), section.name
        assert (lengths[:-1] == bc.segment_km).all(), section.name
        assert 0 < lengths[-1] <= bc.segment_km, section.name
        assert (b.terrain[inside] == TERRAINS.index(section.terrain.value)).all(), section.name
    marshes = next(s for s in bc.sections if s.name == "Narew marshes")
    assert marshes.length_km == 21
    start = b.line_offset_km[Country.POLAND] + marshes.start_km
    assert list(b.length_km[(b.start_x >= start) & (b.start_x < start + 21)]) == [5, 5, 5, 5, 1]


def test_segment_lengths_add_up_to_each_line_and_tile_it(border_model):
    b = border_model.border
    for line in border_model.cfg.border.lines:
        mine = np.flatnonzero(b.country == int(line.country.code))
        assert b.length_km[mine].sum() == pytest.approx(line.length_km)
        assert b.start_x[mine[0]] == b.line_offset_km[line.country.code]
        np.testing.assert_allclose(b.start_x[mine[1:]], b.start_x[mine[:-1]] + b.length_km[mine[:-1]])
    assert b.total_km == pytest.approx(418 + 679)
    assert (np.diff(b.country) >= 0).all()  # Poland first, then Lithuania, as listed


def test_neighbour_stays_within_its_line(border_model):
    b = border_model.border
    offsets = np.arange(-60, 61)
    segs = np.repeat(b.ids, offsets.size)
    steps = np.tile(offsets, b.n)
    out = b.neighbour(segs, steps)
    assert (b.country[out] == b.country[segs]).all()
    assert ((out >= b.line_first[segs]) & (out <= b.line_last[segs])).all()
    assert (b.neighbour(b.ids, np.zeros(b.n, dtype=int)) == b.ids).all()
    # reflected at the ends of a line, not wrapped onto the other line
    poland = np.flatnonzero(b.country == int(Country.POLAND))
    first, last = poland[0], poland[-1]
    assert b.neighbour(np.array([first]), np.array([-2]))[0] == first + 2
    assert b.neighbour(np.array([last]), np.array([3]))[0] == last - 3
    assert b.neighbour(np.array([first + 1]), np.array([1]))[0] == first + 2


def test_autumn2021_fence_goes_up_during_the_season(border_model):
    b = border_model.border
    barrier, sensors, _ = b.plan
    razor = BARRIERS.index("razor_wire")
    poland = b.country == int(Country.POLAND)
    lithuania = b.country == int(Country.LITHUANIA)
    river = b.terrain == TERRAINS.index("river")

    def fenced_km(day, country):
        return b.length_km[country & (barrier[day] != NO_BARRIER)].sum()

    assert fenced_km(0, poland) == 0
    assert (barrier[0, poland] == NO_BARRIER).all()
    assert fenced_km(-1, poland) == pytest.approx(186)
    assert (barrier[-1, poland & ~river] == razor).all()
    assert fenced_km(0, lithuania) == 0  # the run starts on 1 Jun 2021; the wire from 10 Jul
    assert fenced_km(61, lithuania) == pytest.approx(20)  # 1 Aug
    assert fenced_km(-1, lithuania) == pytest.approx(150)
    assert (barrier[:, river] == NO_BARRIER).all()
    assert not sensors.any()
    for country in (poland, lithuania):
        per_day = [fenced_km(d, country) for d in range(border_model.cfg.days)]
        assert (np.diff(per_day) >= 0).all()
    # the Polish wire starts on 26 Aug 2021 (day 86 from 1 Jun) from 0 km
    assert fenced_km(86, poland) == 0
    assert fenced_km(101, poland) > 0


def test_build_to_puts_up_the_planned_fence(build_model):
    model = build_model("days=60", "start_date=2021-08-01")
    b = model.border
    assert b.fenced_km(Country.POLAND) == 0
    assert b.build_to(59) is True
    assert b.fenced_km(Country.POLAND) > 0
    walls = b.barrier != NO_BARRIER
    assert (b.p_breach[walls] < model.cfg.barriers.none.p_breach).all()
    assert b.build_to(59) is False
    assert b.daily_capex_eur(Country.POLAND) > 0


def test_as_built_2022_fence_puts_sensors_on_20_km_of_the_bug(build_model):
    b = build_model("fence=as_built_2022", "days=2").border
    poland = b.country == int(Country.POLAND)
    river = b.terrain == TERRAINS.index("river")
    assert b.length_km[poland & river & b.sensors].sum() == pytest.approx(20)
    assert (b.barrier[poland & river] == NO_BARRIER).all()
    assert (b.barrier[poland & ~river] == BARRIERS.index("steel_wall")).all()
    assert b.fenced_km(Country.POLAND) == pytest.approx(186)


def test_active_set_queries_match_a_scan_of_everyone():
    """The active set is an optimisation only: its queries give the same uids, in the same order, as scanning
    the whole population would."""
    rng = np.random.default_rng(0)
    people = Population(capacity=16)
    uids = people.add(200, hour=0)
    left = np.sort(rng.choice(uids, 120, replace=False))
    people.enter_zone(left[:70])
    people.enter_zone(left[70:])
    people.state[left] = rng.choice([int(s) for s in MigrantState if s != MigrantState.IN_CAMP], left.size)
    people.t_next[left] = rng.integers(0, 10, left.size)
    people.prune()
    state, t_next = people.state[: people.n], people.t_next[: people.n]
    for s in (MigrantState.AT_FENCE, MigrantState.IN_EU, MigrantState.PUSHED_BACK, MigrantState.APPROACHING):
        assert list(people.in_state(s)) == list(np.flatnonzero(state == s))
        assert list(people.due(s, 5)) == list(np.flatnonzero((state == s) & (t_next <= 5)))
    zone = np.isin(
        state,
        [
            int(s)
            for s in (MigrantState.APPROACHING, MigrantState.AT_FENCE, MigrantState.IN_EU, MigrantState.PUSHED_BACK)
        ],
    )
    assert list(people.in_zone()) == list(np.flatnonzero(zone))
