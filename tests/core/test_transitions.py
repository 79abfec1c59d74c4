"""The compiled people's transitions (`sim/core/transitions.py`) and apprehension's selection
(`sim/core/guards/catch.py`) do what the numpy code they replaced did.

Each test runs a compiled function and the numpy code it replaced (written out here, as it stood in
`sim/core/migrants.py`, `interception.py` and `force.py`) on the same random people: many states and timers, held
and tracked flags, ties at the thresholds, so every branch is taken. Integers, flags and uids must match exactly;
floats to `tests/tolerance.py`'s tolerance (two code paths). The whole model's exactness is pinned by
`tests/baseline.json` and `benchmarks/fingerprint.py`.
"""

from __future__ import annotations

import numpy as np
import pytest
from tolerance import assert_same_values

from sim.core import transitions
from sim.core.border import NO_BARRIER
from sim.core.exposure import below
from sim.core.guards import catch
from sim.core.guards.force import HANDLING, PATROLLING, RESPONDING, miss_powers
from sim.core.guards.interception import CATCH_ROWS, DETECT_ROWS
from sim.core.guards.response import shortfall, shortfall_into
from sim.core.ledger import Ledger, table_rows
from sim.core.migrants import (
    APPROACHING,
    ASYLUM,
    AT_FENCE,
    CROSS_ROWS,
    CROSSED,
    GAVE_UP,
    IN_EU,
    PUSHED_BACK,
    TRY_ROWS,
)
from sim.core.population import NEVER
from sim.core.scratch import room

N, N_SEGMENTS, HOUR = 600, 40, 500
STATES = np.array([APPROACHING, AT_FENCE, IN_EU, PUSHED_BACK, CROSSED], dtype=np.int8)


def people(seed: int) -> dict[str, np.ndarray]:
    """Columns of N people (as `Population` keeps them) and an ascending `active` subset, drawn at random."""
    rng = np.random.default_rng(seed)
    return {
        "active": np.sort(rng.choice(N, N * 2 // 3, replace=False)).astype(np.int64),
        "state": rng.choice(STATES, N),
        "country": rng.integers(1, 3, N).astype(np.int8),
        "segment": rng.integers(0, N_SEGMENTS, N).astype(np.int64),
        "y_km": rng.uniform(-1.0, 5.0, N),
        "t_zone": HOUR - rng.integers(0, 15 * 24, N).astype(np.int64),
        "t_segment": HOUR - rng.integers(-2, 30, N).astype(np.int64),
        "t_next": HOUR + rng.integers(-3, 3, N).astype(np.int64),
        "n_attempts": rng.integers(0, 12, N).astype(np.int32),
        "n_pushbacks": rng.integers(0, 7, N).astype(np.int32),
        "tracked": rng.random(N) < 0.3,
        "breach_seen": rng.random(N) < 0.3,
        "observed": rng.random(N) < 0.3,
        "held": rng.random(N) < 0.2,
        "t_done": np.full(N, -1, dtype=np.int64),
    }


def copy(p: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    return {name: column.copy() for name, column in p.items()}


def same_people(actual: dict[str, np.ndarray], expected: dict[str, np.ndarray]) -> None:
    for name in expected:
        assert_same_values(actual[name], expected[name], err_msg=name)


def due(p: dict[str, np.ndarray], state: int) -> np.ndarray:
    a = p["active"]
    return a[(p["state"][a] == state) & (p["t_next"][a] <= HOUR)]


SEEDS = range(6)


@pytest.mark.parametrize("seed", SEEDS)
def test_return_to_fence_matches_numpy(seed):
    p, q = people(seed), people(seed)
    back = due(q, PUSHED_BACK)
    assert back.size
    q["state"][back] = AT_FENCE
    q["y_km"][back] = 0.0
    q["t_segment"][back] = HOUR
    q["t_next"][back] = HOUR
    transitions.return_to_fence(
        p["active"], p["state"], p["t_next"], p["y_km"], p["t_segment"], HOUR, PUSHED_BACK, AT_FENCE
    )
    same_people(p, q)


@pytest.mark.parametrize("seed", SEEDS)
def test_due_at_fence_sorts_the_tired_the_impatient_and_the_trying_as_numpy_did(seed):
    p = people(seed)
    max_attempts, max_zone_hours, patience = 8, 10 * 24, 12
    at = due(p, AT_FENCE)
    tired = (p["n_attempts"][at] >= max_attempts) | (HOUR - p["t_zone"][at] >= max_zone_hours)
    tired &= ~p["held"][at]
    rest = at[~tired]
    impatient = HOUR - p["t_segment"][rest] >= patience
    got = transitions.due_at_fence(
        p["active"],
        p["state"],
        p["t_next"],
        p["n_attempts"],
        p["t_zone"],
        p["t_segment"],
        p["held"],
        HOUR,
        AT_FENCE,
        max_attempts,
        float(max_zone_hours),
        patience,
    )
    expected = (at[tired], rest[impatient], rest[~impatient])
    assert all(e.size for e in expected)
    for g, e, name in zip(got, expected, ("tired", "impatient", "trying"), strict=True):
        assert_same_values(g, e, err_msg=name)


@pytest.mark.parametrize("seed", SEEDS)
def test_a_try_breaches_or_waits_as_numpy_did(seed):
    rng = np.random.default_rng(100 + seed)
    p, q = people(seed), people(seed)
    uids = due(p, AT_FENCE)
    draws = rng.random(uids.size)
    p_breach = rng.uniform(0.0, 1.0, N_SEGMENTS)
    barrier = rng.integers(0, 3, N_SEGMENTS).astype(np.int8)
    delay_hours = np.array([0.0, 1.5, 3.25])
    walk_factor = rng.uniform(0.5, 1.0, N_SEGMENTS)
    held_retry_hours = np.array([0, 2, 5], dtype=np.int64)
    walk_kmh_eu, retry_hours = 2.5, 6
    # the numpy code it replaced (`Migrants.try_fences` and `Migrants.breach`)
    segs = q["segment"][uids]
    success = draws < p_breach[segs]
    q["n_attempts"][uids] += 1
    through, seg_through = uids[success], segs[success]
    delay = delay_hours[barrier[seg_through]]
    whole = np.floor(delay)
    q["state"][through] = IN_EU
    q["y_km"][through] = -(delay - whole) * walk_kmh_eu * walk_factor[seg_through]
    q["tracked"][through] = False
    q["breach_seen"][through] = False
    q["observed"][through] = False
    q["t_next"][through] = HOUR + 1 + whole.astype(np.int64)
    failed = uids[~success]
    q["t_next"][failed] = HOUR + np.where(q["held"][failed], held_retry_hours[q["country"][failed]], retry_hours)
    got = transitions.try_once(
        uids,
        draws,
        p["segment"],
        p_breach,
        barrier,
        delay_hours,
        walk_factor,
        walk_kmh_eu,
        p["country"],
        p["held"],
        held_retry_hours,
        retry_hours,
        HOUR,
        IN_EU,
        p["state"],
        p["y_km"],
        p["tracked"],
        p["breach_seen"],
        p["observed"],
        p["n_attempts"],
        p["t_next"],
    )
    assert success.any() and not success.all()
    assert_same_values(got, success, err_msg="success")
    same_people(p, q)


@pytest.mark.parametrize("seed", SEEDS)
def test_walking_inland_and_crossing_match_numpy(seed):
    rng = np.random.default_rng(200 + seed)
    p, q = people(seed), people(seed)
    walk_factor = rng.uniform(0.5, 1.0, N_SEGMENTS)
    walk_kmh_eu, depth = 2.0, 4.0
    walking = due(q, IN_EU)
    q["y_km"][walking] += walk_kmh_eu * walk_factor[q["segment"][walking]]
    crossed = walking[q["y_km"][walking] >= depth - 1e-9]
    got = transitions.walk_inland(
        p["active"], p["state"], p["t_next"], p["segment"], p["y_km"], walk_factor, walk_kmh_eu, depth, HOUR, IN_EU
    )
    assert crossed.size and crossed.size < walking.size
    assert_same_values(got, crossed, err_msg="crossed")
    same_people(p, q)


@pytest.mark.parametrize("seed", SEEDS)
def test_tries_seen_match_numpy(seed):
    rng = np.random.default_rng(300 + seed)
    p, q = people(seed), people(seed)
    uids = due(p, AT_FENCE)
    segments = p["segment"][uids]
    success = rng.random(uids.size) < 0.5
    draws = rng.random(uids.size)
    p_detect, p_sight = rng.uniform(0.0, 0.6, N_SEGMENTS), rng.uniform(0.0, 0.6, N_SEGMENTS)
    # the numpy code it replaced (`Interception.detect`)
    p_patrol = p_sight[segments]
    seen = draws < 1 - (1 - p_detect[segments]) * (1 - p_patrol)
    met = draws < p_patrol
    breached = uids[seen & success]
    q["tracked"][breached] = True
    q["breach_seen"][breached] = True
    q["observed"][breached] = True
    expected = (uids[seen], uids[seen & ~success], uids[met & ~success], breached)
    got = transitions.see_tries(
        uids, segments, success, draws, p_detect, p_sight, p["tracked"], p["breach_seen"], p["observed"]
    )
    assert all(e.size for e in expected)
    for g, e, name in zip(got, expected, ("seen", "turned back", "stopped", "breached"), strict=True):
        assert_same_values(g, e, err_msg=name)
    same_people(p, q)


@pytest.mark.parametrize("seed", SEEDS)
def test_people_inside_and_those_nobody_tracks_match_numpy(seed):
    p = people(seed)
    tried = due(p, AT_FENCE)[::2]
    p["state"][tried[::2]] = IN_EU  # some of this hour's tries got through
    a = p["active"]
    inside = a[p["state"][a] == IN_EU]
    just_tried = np.zeros(N, dtype=bool)
    just_tried[tried] = True
    untracked = inside[~p["tracked"][inside] & ~just_tried[inside]]
    got = transitions.inside_unseen(a, p["state"], p["tracked"], tried, IN_EU)
    assert untracked.size < inside.size - np.count_nonzero(p["tracked"][inside])  # the tried ones are left out
    assert_same_values(got[0], inside, err_msg="inside")
    assert_same_values(got[1], untracked, err_msg="untracked")


@pytest.mark.parametrize("seed", SEEDS)
def test_pushbacks_match_numpy(seed):
    rng = np.random.default_rng(400 + seed)
    p, q = people(seed), people(seed)
    uids = rng.permutation(p["active"])[:150]  # apprehension's order, not ascending
    blocked = rng.random(uids.size) < 0.3
    rest_hours, max_pushbacks = 24, 6
    q["state"][uids] = PUSHED_BACK
    q["n_pushbacks"][uids] += 1
    q["tracked"][uids] = False
    q["y_km"][uids] = -0.5
    q["t_next"][uids] = np.where(blocked, HOUR + 1, HOUR + 1 + rest_hours)
    worn_out = uids[(q["n_pushbacks"][uids] >= max_pushbacks) & ~q["held"][uids]]
    got = transitions.push_back(
        uids,
        blocked,
        HOUR,
        rest_hours,
        max_pushbacks,
        PUSHED_BACK,
        p["state"],
        p["n_pushbacks"],
        p["tracked"],
        p["y_km"],
        p["t_next"],
        p["held"],
    )
    assert worn_out.size
    assert_same_values(got, worn_out, err_msg="worn out")
    same_people(p, q)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("tied", [False, True])
def test_apprehension_takes_the_first_in_line_up_to_capacity_as_numpy_did(seed, tied):
    rng = np.random.default_rng(500 + seed)
    p = people(seed)
    candidates = rng.permutation(p["active"][rng.random(p["active"].size) < 0.5])  # in no particular order
    per_segment = rng.integers(0, 4, N_SEGMENTS)
    capacity_per_hour = int(rng.integers(1, 3))
    # the numpy code they replaced (`GuardForce.apprehend`)
    capacity = per_segment * capacity_per_hour
    segs = p["segment"][candidates]
    kept, kept_segs = candidates[capacity[segs] > 0], segs[capacity[segs] > 0]
    got = catch.within_capacity(candidates, p["segment"], per_segment)
    assert 0 < kept.size < candidates.size
    assert_same_values(got[0], kept, err_msg="within capacity")
    assert_same_values(got[1], kept_segs, err_msg="their segments")
    # random keys; with `tied`, few distinct ones, so that lexsort's order among equal keys counts
    keys = rng.integers(0, 3, kept.size) / 3 if tied else rng.random(kept.size)
    order = np.lexsort((keys, kept_segs))
    sorted_uids, sorted_segs = kept[order], kept_segs[order]
    rank = np.arange(sorted_segs.size) - np.searchsorted(sorted_segs, sorted_segs, side="left")
    caught = rank < capacity[sorted_segs]
    taken = catch.first_in_line(kept, kept_segs, keys, per_segment, capacity_per_hour)
    assert 0 < np.count_nonzero(caught) < caught.size
    assert_same_values(taken[0], sorted_uids[caught], err_msg="taken")
    assert_same_values(taken[1], sorted_segs[caught], err_msg="their segments")


# --- compiled passes that count straight into the ledger's tables (`Ledger.flow_table`, `segment_table`) ----------


DAYS, DAY = 3, 1


def ledger_tables() -> tuple[Ledger, Ledger]:
    """Two empty ledgers: one for the compiled pass, one for the numpy code it replaced (`Ledger.count`)."""
    return Ledger(DAYS, N_SEGMENTS), Ledger(DAYS, N_SEGMENTS)


def same_books(actual: Ledger, expected: Ledger) -> None:
    """Every flow and segment counter equal: whole numbers, so exactly."""
    for name, flow in expected.flows.items():
        np.testing.assert_array_equal(actual.flows[name], flow, err_msg=name)
    for name, counts in expected.segments.items():
        np.testing.assert_array_equal(actual.segments[name], counts, err_msg=name)


@pytest.mark.parametrize("seed", SEEDS)
def test_detection_sees_spots_and_counts_as_numpy_did(seed):
    rng = np.random.default_rng(600 + seed)
    p, q = people(seed), people(seed)
    tried = due(p, AT_FENCE)
    success = rng.random(tried.size) < 0.5
    a = p["active"]
    inside = a[p["state"][a] == IN_EU]
    untracked = inside[~p["tracked"][inside]]
    try_draws, spot_draws = rng.random(tried.size), rng.random(untracked.size)
    p_detect, p_sight = rng.uniform(0.0, 0.6, N_SEGMENTS), rng.uniform(0.0, 0.6, N_SEGMENTS)
    recent = rng.uniform(0.0, 3.0, N_SEGMENTS)
    expected_recent = recent.copy()
    books, want = ledger_tables()
    # the numpy code it replaced (`Interception.detect`, with `see_tries` as it is)
    seen, turned_back, stopped, breached = transitions.see_tries(
        tried, q["segment"][tried], success, try_draws, p_detect, p_sight, q["tracked"], q["breach_seen"], q["observed"]
    )
    want.count("detected_attempts", DAY, q["country"][seen])
    want.count("turned_back_at_line", DAY, q["country"][turned_back])
    want.count("stopped_at_line", DAY, q["country"][stopped])
    want.count_segments("stopped_at_line", q["segment"][stopped])
    expected_recent += np.bincount(q["segment"][breached], minlength=N_SEGMENTS)
    spotted = untracked[spot_draws < p_sight[q["segment"][untracked]]]
    q["tracked"][spotted] = True
    q["observed"][spotted] = True
    found = np.concatenate([seen, spotted])
    want.count("detections", DAY, q["country"][found])
    want.count_segments("detections", q["segment"][found])
    got_found, got_tracked = transitions.see_and_spot(
        tried,
        p["segment"][tried],
        success,
        try_draws,
        untracked,
        spot_draws,
        inside,
        p_detect,
        p_sight,
        p["segment"],
        p["country"],
        p["tracked"],
        p["breach_seen"],
        p["observed"],
        recent,
        books.flow_table,
        books.segment_table,
        DAY,
        DETECT_ROWS,
    )
    assert breached.size and spotted.size and stopped.size
    assert_same_values(got_found, np.concatenate([breached, spotted]), err_msg="found")
    assert_same_values(got_tracked, inside[q["tracked"][inside]], err_msg="tracked inside")
    assert_same_values(recent, expected_recent, err_msg="recent breaches")
    same_people(p, q)
    same_books(books, want)


@pytest.mark.parametrize("seed", SEEDS)
def test_tries_are_counted_as_numpy_did(seed):
    rng = np.random.default_rng(700 + seed)
    p = people(seed)
    uids = due(p, AT_FENCE)
    success = rng.random(uids.size) < 0.5
    barrier = rng.integers(0, 3, N_SEGMENTS).astype(np.int8)
    books, want = ledger_tables()
    # the numpy code it replaced (`Migrants.try_fences`)
    segs = p["segment"][uids]
    want.count("attempts", DAY, p["country"][uids])
    want.count_segments("attempts", segs)
    through, through_segs = uids[success], segs[success]
    want.count("breaches", DAY, p["country"][through])
    want.count("barrier_breaches", DAY, p["country"][through[barrier[through_segs] != NO_BARRIER]])
    want.count_segments("breaches", through_segs)
    got = transitions.count_tries(
        uids,
        success,
        p["segment"],
        p["country"],
        barrier,
        NO_BARRIER,
        books.flow_table,
        books.segment_table,
        DAY,
        TRY_ROWS,
    )
    assert_same_values(got, segs, err_msg="segments")
    assert want.flows["barrier_breaches"].sum() > 0
    same_books(books, want)


@pytest.mark.parametrize("seed", SEEDS)
def test_a_catch_is_pushed_back_or_claims_asylum_and_counted_as_numpy_did(seed):
    rng = np.random.default_rng(800 + seed)
    p, q = people(seed), people(seed)
    uids = rng.permutation(p["active"])[:150]  # apprehension's order, not ascending
    segs = p["segment"][uids]
    draws = rng.random(uids.size)
    share = np.array([0.0, 0.7, 0.4])  # by country
    blocked_until = HOUR + rng.integers(-3, 3, N_SEGMENTS)
    barrier = rng.integers(0, 3, N_SEGMENTS).astype(np.int8)
    rest_hours, max_pushbacks = 24, 6
    books, want = ledger_tables()
    # the numpy code it replaced (`Interception.apprehend`, `Migrants.push_back`, `claim_asylum`, `give_up`)
    country = q["country"][uids]
    want.count("apprehensions", DAY, country)
    want.count("apprehended_unseen", DAY, country[~q["breach_seen"][uids]])
    want.count_segments("apprehensions", segs)
    want.count("barrier_apprehensions", DAY, country[barrier[segs] != NO_BARRIER])
    push = draws < share[country]
    want.count_segments("pushbacks", segs[push])
    blocked = blocked_until[segs[push]] > HOUR
    pushed = uids[push]
    q["state"][pushed] = PUSHED_BACK
    q["n_pushbacks"][pushed] += 1
    q["tracked"][pushed] = False
    q["y_km"][pushed] = -0.5
    q["t_next"][pushed] = np.where(blocked, HOUR + 1, HOUR + 1 + rest_hours)
    worn_out = pushed[(q["n_pushbacks"][pushed] >= max_pushbacks) & ~q["held"][pushed]]
    want.count("pushbacks", DAY, q["country"][pushed])
    want.count("blocked_returns", DAY, q["country"][pushed[blocked]])
    for leaving, state, counter in ((worn_out, GAVE_UP, "gave_up"), (uids[~push], ASYLUM, "asylum_claims")):
        q["state"][leaving] = state
        q["t_done"][leaving] = HOUR
        q["t_next"][leaving] = NEVER
        q["tracked"][leaving] = False
        want.count(counter, DAY, q["country"][leaving])
    transitions.resolve_catch(
        uids,
        segs,
        draws,
        share,
        blocked_until,
        barrier,
        NO_BARRIER,
        HOUR,
        rest_hours,
        max_pushbacks,
        NEVER,
        PUSHED_BACK,
        ASYLUM,
        GAVE_UP,
        p["state"],
        p["country"],
        p["n_pushbacks"],
        p["tracked"],
        p["breach_seen"],
        p["y_km"],
        p["t_next"],
        p["t_done"],
        p["held"],
        books.flow_table,
        books.segment_table,
        DAY,
        CATCH_ROWS,
    )
    assert worn_out.size and (~push).any() and blocked.any()
    same_people(p, q)
    same_books(books, want)


@pytest.mark.parametrize("seed", SEEDS)
def test_pursuits_are_lost_as_numpy_did(seed):
    rng = np.random.default_rng(900 + seed)
    p = people(seed)
    n_patrols = 300
    state = rng.choice([PATROLLING, RESPONDING, HANDLING], n_patrols, p=[0.3, 0.6, 0.1]).astype(np.int8)
    t_arrive = HOUR + rng.integers(-2, 2, n_patrols)
    target = rng.integers(0, N_SEGMENTS // 4, n_patrols) * 4  # crowds of responders on a few segments
    hunted = p["active"][p["tracked"][p["active"]]]
    held = hunted[np.arange(hunted.size) % 7 != 0]  # less those found this hour
    draws = rng.random(held.size)
    lose_factor = rng.uniform(0.5, 2.0, N_SEGMENTS)
    lose_per_hour, lose_hold = 0.6, 0.9
    hold_powers = lose_hold ** np.arange(n_patrols + 1)
    # the numpy code it replaced (`Interception.lose_contact`, `GuardForce.responders_at`)
    arrived = (state == RESPONDING) & (t_arrive <= HOUR)
    responders = np.bincount(target[arrived], minlength=N_SEGMENTS)[p["segment"][held]]
    segs = p["segment"][held]
    p_lose = np.minimum(1.0, lose_per_hour * lose_factor[segs] * lose_hold**responders)
    lost = held[draws < p_lose]
    books, want = ledger_tables()
    want.count("lost_contact", DAY, p["country"][lost])
    tracked = p["tracked"].copy()
    tracked[lost] = False
    got = catch.lose_contact(
        hunted,
        held,
        draws,
        p["segment"],
        lose_factor,
        lose_per_hour,
        hold_powers,
        state,
        t_arrive,
        target,
        HOUR,
        RESPONDING,
        p["tracked"],
        p["country"],
        books.flow_table,
        DAY,
        int(table_rows(("lost_contact",))[0]),
    )
    assert 0 < lost.size < held.size and responders.max() > 1
    assert_same_values(got, hunted[tracked[hunted]], err_msg="still hunted")
    assert_same_values(p["tracked"], tracked, err_msg="tracked")
    same_books(books, want)


@pytest.mark.parametrize("length", [1, 7, 8, 9, 40, 1097])
def test_looked_up_powers_are_numpys_powers_to_the_bit(length):
    """The sight and loss chances look up powers made once by numpy's power (`miss_powers`, `lose_hold ** k`) where
    the hour raised to them: the lookup must give numpy's hourly value bit for bit, whatever the array's length
    (numpy's SIMD power works lane by lane, so a value does not depend on its neighbours)."""
    rng = np.random.default_rng(length)
    p_miss = rng.uniform(0.0, 1.0, length)
    table = miss_powers(p_miss, 64)
    for _ in range(5):
        n_near = rng.integers(0, 64, length)
        np.testing.assert_array_equal(table[n_near, np.arange(length)], p_miss**n_near)
        np.testing.assert_array_equal((0.9 ** np.arange(64))[n_near], 0.9**n_near)


@pytest.mark.parametrize("seed", SEEDS)
def test_taking_the_eligible_is_filtering_then_first_in_line_then_take_in(seed):
    rng = np.random.default_rng(1000 + seed)
    p = people(seed)
    n_patrols, handling, busy_until, capacity = 200, 3, HOUR + 5, 2
    target = rng.integers(0, N_SEGMENTS, n_patrols)
    state = np.full(n_patrols, RESPONDING, dtype=np.int8)
    arrived = np.flatnonzero(rng.random(n_patrols) < 0.7)
    per_segment = np.bincount(target[arrived], minlength=N_SEGMENTS)
    candidates, segs = catch.within_capacity(rng.permutation(p["active"]), p["segment"], per_segment)
    eligible = rng.random(candidates.size) < 0.6
    keys = rng.random(np.count_nonzero(eligible))
    # the code it replaced (`GuardForce.apprehend`): numpy's filter, then the two compiled steps
    want_state, want_busy = state.copy(), np.zeros(n_patrols, dtype=np.int64)
    want = catch.first_in_line(candidates[eligible], segs[eligible], keys, per_segment, capacity)
    catch.take_in(arrived, want[1], target, want_state, want_busy, capacity, handling, busy_until, N_SEGMENTS)
    busy = np.zeros(n_patrols, dtype=np.int64)
    got = catch.take(
        candidates, segs, eligible, keys, per_segment, arrived, target, state, busy, capacity, handling, busy_until
    )
    assert 0 < want[0].size < np.count_nonzero(eligible)
    for g, e, name in zip(got, want, ("taken", "their segments"), strict=True):
        assert_same_values(g, e, err_msg=name)
    assert_same_values(state, want_state, err_msg="state")
    assert_same_values(busy, want_busy, err_msg="busy until")


@pytest.mark.parametrize("seed", SEEDS)
def test_crossings_leave_and_are_counted_as_numpy_did(seed):
    rng = np.random.default_rng(1100 + seed)
    p, q = people(seed), people(seed)
    crossed = due(p, IN_EU)
    barrier = rng.integers(0, 3, N_SEGMENTS).astype(np.int8)
    books, want = ledger_tables()
    # the numpy code it replaced (`Migrants.walk_inside`, `_leave`)
    seen = crossed[q["observed"][crossed] & (barrier[q["segment"][crossed]] != NO_BARRIER)]
    want.count("barrier_escapes_seen", DAY, q["country"][seen])
    q["state"][crossed] = CROSSED
    q["t_done"][crossed] = HOUR
    q["t_next"][crossed] = NEVER
    q["tracked"][crossed] = False
    want.count("crossings", DAY, q["country"][crossed])
    want.count_segments("crossings", q["segment"][crossed])
    transitions.cross(
        crossed,
        HOUR,
        CROSSED,
        NEVER,
        p["state"],
        p["t_done"],
        p["t_next"],
        p["tracked"],
        p["observed"],
        p["segment"],
        barrier,
        NO_BARRIER,
        p["country"],
        books.flow_table,
        books.segment_table,
        DAY,
        CROSS_ROWS,
    )
    assert 0 < seen.size < crossed.size
    same_people(p, q)
    same_books(books, want)


# --- passes that fill work arrays the caller keeps (`sim/core/scratch.py`) -----------------------------------------
# The hourly phases call the `*_into` passes with work arrays they reuse hour after hour (longer than needed, and
# holding the last hour's uids); each must give what the code it replaced gave, whatever the arrays held before.


def dirty(shape, dtype=np.int64) -> np.ndarray:
    """A work array as an earlier hour left it: longer than needed and full of stale values."""
    return np.full(shape, 7 if dtype is not np.bool_ else True, dtype=dtype)


@pytest.mark.parametrize("seed", SEEDS)
def test_due_at_fence_into_reused_work_gives_the_three_groups(seed):
    p = people(seed)
    args = (p["active"], p["state"], p["t_next"], p["n_attempts"], p["t_zone"], p["t_segment"], p["held"])
    args = (*args, HOUR, AT_FENCE, 8, 240.0, 12)
    want = transitions.due_at_fence(*args)
    out = dirty((3, p["active"].size + 9))
    counts = transitions.due_at_fence_into(*args, out)
    assert all(w.size for w in want)
    for row, (n, w) in enumerate(zip(counts, want, strict=True)):
        assert_same_values(out[row, :n], w, err_msg=f"group {row}")


@pytest.mark.parametrize("seed", SEEDS)
def test_one_call_to_try_and_count_is_try_once_then_count_tries(seed):
    rng = np.random.default_rng(1200 + seed)
    p, q = people(seed), people(seed)
    uids = due(p, AT_FENCE)
    draws = rng.random(uids.size)
    p_breach = rng.uniform(0.0, 1.0, N_SEGMENTS)
    barrier = rng.integers(0, 3, N_SEGMENTS).astype(np.int8)
    delay_hours, walk_factor = np.array([0.0, 1.5, 3.25]), rng.uniform(0.5, 1.0, N_SEGMENTS)
    held_retry_hours = np.array([0, 2, 5], dtype=np.int64)
    books, want = ledger_tables()
    fixed = (delay_hours, walk_factor, 2.5)
    success = transitions.try_once(
        uids, draws, q["segment"], p_breach, barrier, *fixed, q["country"], q["held"], held_retry_hours, 6, HOUR,
        IN_EU, q["state"], q["y_km"], q["tracked"], q["breach_seen"], q["observed"], q["n_attempts"], q["t_next"],
    )  # fmt: skip
    segs = transitions.count_tries(
        uids, success, q["segment"], q["country"], barrier, NO_BARRIER, want.flow_table, want.segment_table, DAY,
        TRY_ROWS,
    )  # fmt: skip
    got_success, got_segs = dirty(uids.size + 5, np.bool_), dirty(uids.size + 5)
    got_success[: uids.size] = ~success  # stale outcomes, the opposite of this hour's
    transitions.try_and_count(
        uids, draws, p["segment"], p_breach, barrier, NO_BARRIER, *fixed, p["country"], p["held"], held_retry_hours,
        6, HOUR, IN_EU, p["state"], p["y_km"], p["tracked"], p["breach_seen"], p["observed"], p["n_attempts"],
        p["t_next"], books.flow_table, books.segment_table, DAY, TRY_ROWS, got_success, got_segs,
    )  # fmt: skip
    assert success.any() and not success.all()
    assert_same_values(got_success[: uids.size], success, err_msg="success")
    assert_same_values(got_segs[: uids.size], segs, err_msg="segments")
    same_people(p, q)
    same_books(books, want)


@pytest.mark.parametrize("seed", SEEDS)
def test_one_call_to_walk_and_cross_is_walk_inland_then_cross(seed):
    rng = np.random.default_rng(1300 + seed)
    p, q = people(seed), people(seed)
    walk_factor = rng.uniform(0.5, 1.0, N_SEGMENTS)
    barrier = rng.integers(0, 3, N_SEGMENTS).astype(np.int8)
    books, want = ledger_tables()
    walk = (walk_factor, 2.0, 4.0, HOUR, IN_EU)
    crossed = transitions.walk_inland(q["active"], q["state"], q["t_next"], q["segment"], q["y_km"], *walk)
    transitions.cross(
        crossed, HOUR, CROSSED, NEVER, q["state"], q["t_done"], q["t_next"], q["tracked"], q["observed"],
        q["segment"], barrier, NO_BARRIER, q["country"], want.flow_table, want.segment_table, DAY, CROSS_ROWS,
    )  # fmt: skip
    out = dirty(p["active"].size + 3)
    n = transitions.walk_and_cross(
        p["active"], p["state"], p["t_next"], p["segment"], p["y_km"], *walk, CROSSED, NEVER, p["t_done"],
        p["tracked"], p["observed"], barrier, NO_BARRIER, p["country"], books.flow_table, books.segment_table, DAY,
        CROSS_ROWS, out,
    )  # fmt: skip
    assert crossed.size
    assert_same_values(out[:n], crossed, err_msg="crossed")
    same_people(p, q)
    same_books(books, want)


@pytest.mark.parametrize("seed", SEEDS)
def test_inside_unseen_into_reused_work_leaves_its_flags_clear(seed):
    p = people(seed)
    tried = due(p, AT_FENCE)[::2]
    p["state"][tried[::2]] = IN_EU
    want = transitions.inside_unseen(p["active"], p["state"], p["tracked"], tried, IN_EU)
    flags, out = np.zeros(N, dtype=bool), dirty((2, p["active"].size + 4))
    for _ in range(2):  # twice with the same work arrays
        counts = transitions.inside_unseen_into(p["active"], p["state"], p["tracked"], tried, IN_EU, flags, out)
        for row, (k, w) in enumerate(zip(counts, want, strict=True)):
            assert_same_values(out[row, :k], w, err_msg=f"row {row}")
        assert not flags.any()


@pytest.mark.parametrize("seed", SEEDS)
def test_responders_and_candidates_is_arrived_responders_then_within_capacity(seed):
    rng = np.random.default_rng(1400 + seed)
    p = people(seed)
    n_patrols = 200
    state = rng.choice([PATROLLING, RESPONDING, HANDLING], n_patrols, p=[0.3, 0.6, 0.1]).astype(np.int8)
    t_arrive = HOUR + rng.integers(-2, 2, n_patrols)
    target = rng.integers(0, N_SEGMENTS // 2, n_patrols)  # some segments have no responders
    candidates = rng.permutation(p["active"])
    arrived, per_segment = catch.arrived_responders(state, t_arrive, target, HOUR, RESPONDING, N_SEGMENTS)
    uids, segs = catch.within_capacity(candidates, p["segment"], per_segment)
    rows, counts = dirty(n_patrols), dirty(N_SEGMENTS)
    got_uids, got_segs = dirty(candidates.size), dirty(candidates.size)
    n_arrived, n = catch.responders_and_candidates(
        state, t_arrive, target, HOUR, RESPONDING, candidates, p["segment"], rows, counts, got_uids, got_segs
    )
    assert 0 < uids.size < candidates.size
    assert_same_values(rows[:n_arrived], arrived, err_msg="arrived")
    assert_same_values(counts, per_segment, err_msg="per segment")
    assert_same_values(got_uids[:n], uids, err_msg="candidates")
    assert_same_values(got_segs[:n], segs, err_msg="their segments")
    nobody = np.full(n_patrols, PATROLLING, dtype=np.int8)
    assert catch.responders_and_candidates(
        nobody, t_arrive, target, HOUR, RESPONDING, candidates, p["segment"], rows, counts, got_uids, got_segs
    ) == (0, 0)


@pytest.mark.parametrize("seed", SEEDS)
def test_the_alarms_shortfall_matches_numpy(seed):
    rng = np.random.default_rng(1500 + seed)
    n_patrols, need = 300, 3
    state = rng.choice([PATROLLING, RESPONDING, HANDLING], n_patrols, p=[0.3, 0.5, 0.2]).astype(np.int8)
    target = rng.integers(0, N_SEGMENTS, n_patrols)
    alarms = rng.integers(0, N_SEGMENTS, 25)  # repeats and no order
    # the numpy code inside the compiled function it replaced (`response.shortfall` before the work arrays)
    alarmed = np.zeros(N_SEGMENTS, dtype=bool)
    alarmed[alarms] = True
    have = np.bincount(target[state == RESPONDING], minlength=N_SEGMENTS)
    segments = np.flatnonzero(alarmed & (have < need))
    wanted = need - have[segments]
    out, work = dirty((2, N_SEGMENTS + 2)), dirty(N_SEGMENTS)
    n = shortfall_into(alarms, state, target, RESPONDING, need, work, out)
    assert 0 < segments.size < np.unique(alarms).size
    assert_same_values(out[0, :n], segments, err_msg="segments")
    assert_same_values(out[1, :n], wanted, err_msg="wanted")
    for g, e in zip(shortfall(alarms, state, target, RESPONDING, need, N_SEGMENTS), (segments, wanted), strict=True):
        assert_same_values(g, e)


@pytest.mark.parametrize("seed", SEEDS)
def test_the_hunted_within_reach_and_not_found_match_numpy(seed):
    rng = np.random.default_rng(1600 + seed)
    p = people(seed)
    tracked = p["active"][p["tracked"][p["active"]]]
    reach = 2.0
    out = dirty(tracked.size + 3)
    n = catch.within_reach_into(tracked, p["y_km"], reach, out)
    hunted = tracked[p["y_km"][tracked] < reach]  # the numpy code it replaced (`Interception.in_reach`)
    assert 0 < hunted.size < tracked.size
    assert_same_values(out[:n], hunted, err_msg="within reach")
    found = rng.permutation(np.concatenate([hunted[::3], p["active"][::5]]))
    # the numpy code it replaced (`Interception.lose_contact`)
    mask = np.zeros(N, dtype=bool)
    mask[found] = True
    held = hunted[~mask[hunted]]
    flags = np.zeros(N, dtype=bool)
    k = catch.not_found_into(hunted, found, flags, out)
    assert 0 < held.size < hunted.size
    assert_same_values(out[:k], held, err_msg="not found")
    assert not flags.any()


@pytest.mark.parametrize("seed", SEEDS)
def test_exposure_deaths_match_numpy(seed):
    rng = np.random.default_rng(1700 + seed)
    p = people(seed)
    zone = p["active"][np.isin(p["state"][p["active"]], [APPROACHING, AT_FENCE, IN_EU, PUSHED_BACK])]
    draws = rng.random(zone.size)
    p_die = rng.uniform(0.0, 0.5, N_SEGMENTS)
    want = zone[draws < p_die[p["segment"][zone]]]  # the numpy code it replaced (`Exposure.deaths`)
    out = dirty(zone.size + 2)
    n = below(zone, draws, p_die, p["segment"], out)
    assert 0 < want.size < zone.size
    assert_same_values(out[:n], want, err_msg="deaths")


def test_lose_contact_with_nobody_lost_keeps_everyone_hunted():
    p = people(0)
    hunted = p["active"][::2]  # tracked or not: with nobody lost, all of them stay hunted
    books, _ = ledger_tables()
    state = np.full(10, RESPONDING, dtype=np.int8)
    still = dirty(hunted.size)
    n = catch.lose_contact_into(
        hunted, hunted, np.ones(hunted.size), p["segment"], np.ones(N_SEGMENTS), 0.5, np.ones(11), state,
        np.zeros(10, dtype=np.int64), np.zeros(10, dtype=np.int64), HOUR, RESPONDING, p["tracked"], p["country"],
        books.flow_table, DAY, 0, still,
    )  # fmt: skip
    assert_same_values(still[:n], hunted)


def test_work_arrays_grow_geometrically_and_keep_their_shape():
    work = np.empty((3, 0), dtype=np.int64)
    work = room(work, 5)
    assert work.shape == (3, 64) and work.dtype == np.int64
    assert room(work, 64) is work
    assert room(work, 65).shape == (3, 128)
    assert room(work, 1000).shape == (3, 1000)
