"""Each agency's own count (docs/ODD.md 7.7), computed from the true events kept beside them."""

from __future__ import annotations

import numpy as np
import pytest

from sim.config.enums import Country
from sim.core.migrants import Tries
from sim.core.observation import REPORTED, reported, reported_segments
from sim.core.states import MigrantState

PL = int(Country.POLAND)
WALL = ("fence=steel_wall", "start_date=2021-09-10", "days=12", "seed=0")


def _people_at_fence(model, k: int, segment: int) -> np.ndarray:
    """`k` new people standing at `segment` (on Poland's line), as if an escort had brought them."""
    p = model.people
    uids = p.add(k, 0)
    p.state[uids] = MigrantState.AT_FENCE
    p.country[uids] = model.border.country[segment]
    p.segment[uids] = segment
    p.y_km[uids] = 0.0
    return uids


def _failed_tries(model, uids: np.ndarray, p_sight: float, p_detect: float):
    """Failed tries of `uids` seen by sensors with `p_detect` and by patrols in sight with `p_sight` everywhere."""
    b = model.border
    b.p_detect = np.full(b.n, p_detect)
    tries = Tries(uids, model.people.segment[uids], np.zeros(uids.size, dtype=bool))
    model.interception.detect(tries, np.full(b.n, p_sight), day=0)
    return model.ledger.flows, model.ledger.segments


def test_a_failed_climb_only_sensors_see_is_not_a_reported_attempt(build_model):
    model = build_model("days=2")
    segment = int(np.flatnonzero(model.border.country == PL)[3])
    uids = _people_at_fence(model, 3, segment)
    flows, segments = _failed_tries(model, uids, p_sight=0.0, p_detect=1.0)
    assert flows["detected_attempts"][0, PL] == 3
    assert flows["turned_back_at_line"][0, PL] == 3
    assert flows["stopped_at_line"][0, PL] == 0
    assert reported(flows)["reported_attempts"][0, PL] == 0
    assert reported_segments(segments)["reported_attempts"][segment] == 0


def test_a_failed_climb_a_patrol_meets_is_a_reported_attempt_each_time(build_model):
    model = build_model("days=2")
    segment = int(np.flatnonzero(model.border.country == PL)[3])
    uids = _people_at_fence(model, 3, segment)
    _failed_tries(model, uids, p_sight=1.0, p_detect=0.0)
    flows, segments = _failed_tries(model, uids, p_sight=1.0, p_detect=0.0)  # the same people again: repeats count
    assert flows["stopped_at_line"][0, PL] == 6
    assert reported(flows)["reported_attempts"][0, PL] == 6
    assert reported(flows)["reported_prevented"][0, PL] == 6
    assert reported_segments(segments)["reported_attempts"][segment] == 6
    assert reported_segments(segments)["reported_attempts"].sum() == 6


def test_apprehensions_after_crossing_are_reported_attempts(run_model):
    """Patrols see nobody (p_see 0), so nobody is stopped at the line; sensors on the wall still raise alarms,
    and everyone caught after crossing is a reported attempt."""
    model = run_model(*WALL, "guards.p_see=0")
    d = model.daily
    assert d["stopped_at_line"].sum() == 0
    assert d["apprehensions"].sum() > 0
    assert (d["reported_attempts"] == d["apprehensions"]).all()


@pytest.fixture(scope="module")
def wall_run(run_model):
    return run_model(*WALL)


def test_reported_columns_follow_their_definitions(wall_run):
    d = wall_run.daily
    for name in REPORTED:
        assert name in d
    assert (d["reported_attempts"] == d["stopped_at_line"] + d["apprehensions"]).all()
    assert (d["reported_apprehended"] == d["asylum_claims"]).all()
    assert (d["reported_prevented"] == d["stopped_at_line"] + d["pushbacks"]).all()
    # the true events keep their meaning beside them
    assert (d["detected_attempts"] <= d["attempts"]).all()
    assert (d["breaches"] <= d["attempts"]).all()
    assert (d["turned_back_at_line"] <= d["detected_attempts"]).all()
    assert (d["stopped_at_line"] <= d["turned_back_at_line"]).all()
    assert (d["apprehended_unseen"] <= d["apprehensions"]).all()
    assert (d["barrier_breaches"] <= d["breaches"]).all()
    # a wall no longer multiplies reported attempts by the failed climbs sensors alone see
    assert d["reported_attempts"].sum() < d["detected_attempts"].sum()


def test_barrier_columns_add_up(wall_run):
    d = wall_run.daily
    for country, rows in d.groupby("country"):
        detained, not_caught = rows["reported_barrier_detained"].sum(), rows["reported_barrier_not_caught"].sum()
        assert detained + not_caught <= rows["barrier_breaches"].sum(), country
        assert detained <= rows["apprehensions"].sum()
        assert not_caught <= rows["crossings"].sum()
    pl = d[d["country"] == "poland"]
    assert pl["reported_barrier_detained"].sum() > 0
    assert pl["reported_barrier_not_caught"].sum() > 0
    assert (d[d["country"] == "belarus"][["reported_barrier_detained", "reported_barrier_not_caught"]] == 0).all().all()


def test_barrier_columns_are_zero_without_a_barrier(run_model):
    d = run_model(*WALL[1:], "fence=none").daily
    assert d["breaches"].sum() > 0 and d["apprehensions"].sum() > 0
    for name in ("barrier_breaches", "reported_barrier_detained", "reported_barrier_not_caught"):
        assert d[name].sum() == 0, name


def test_per_segment_reported_attempts_add_up_to_the_daily_ones(wall_run):
    per_segment = reported_segments(wall_run.ledger.segments)["reported_attempts"]
    assert per_segment.shape == (wall_run.border.n,)
    assert per_segment.sum() == wall_run.daily["reported_attempts"].sum()
