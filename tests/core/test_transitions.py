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
from sim.core.guards import catch
from sim.core.migrants import APPROACHING, AT_FENCE, CROSSED, IN_EU, PUSHED_BACK

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
