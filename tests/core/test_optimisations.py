"""The speed-ups are exact: each fast path is checked against the straightforward code it replaced.

Counts, states, rows and timers must match exactly; floats (positions, probabilities) computed by the fast path
and by the code it replaced are two code paths, compared to a relative 1e-12 (`tests/tolerance.py`): numpy's SIMD
kernels differ by CPU in the last bit (e.g. `array ** array` on AVX-512), which is not a change of the model.

The model's outputs are pinned by `tests/baseline.json`, regenerated at the recalibration that preceded the speed
work and unchanged by it (`test_baseline.py`). These tests check the pieces on their own, on inputs built to hit
the awkward cases (ties in distance, few free patrols, alarms next to each other), so a later change to a fast path
that breaks exactness fails here with a readable difference rather than as a changed hash.
"""

from __future__ import annotations

import numpy as np
import pytest
from tolerance import assert_same_values

from sim.config.enums import EU_COUNTRIES
from sim.core.guards import catch
from sim.core.guards.force import DIVERTED, HANDLING, OFF_DUTY, PATROLLING, RESPONDING, GuardForce
from sim.core.states import MigrantState


def naive_nearest(force: GuardForce, taken: set[int], country: int, at_km: float, k: int) -> list[int]:
    """What `send` did before: every free patrol of the country, stably sorted by distance, the first k."""
    free = np.flatnonzero((force.state == PATROLLING) & (force.country == country))
    free = np.array([r for r in free if r not in taken], dtype=np.int64)
    if not free.size:
        return []
    order = np.argsort(np.abs(force.x_km[free] - at_km), kind="stable")
    return free[order[:k]].tolist()


def naive_dispatch(force: GuardForce, alarm_segments: np.ndarray, hour: int) -> None:
    """The dispatch loop as it was: one full search of the force per alarm segment."""
    b, cfg = force.border, force.cfg
    for s in np.unique(alarm_segments):
        k = cfg.responders_per_alarm - int(np.count_nonzero((force.target == s) & (force.state == RESPONDING)))
        if k <= 0:
            continue
        free = np.flatnonzero((force.state == PATROLLING) & (force.country == b.country[s]))
        if not free.size:
            continue
        pick = free[np.argsort(np.abs(force.x_km[free] - b.center_x[s]), kind="stable")[:k]]
        travel = np.ceil(np.abs(force.x_km[pick] - b.center_x[s]) / cfg.respond_kmh).astype(np.int64)
        force.state[pick] = RESPONDING
        force.target[pick] = s
        force.t_arrive[pick] = hour + travel
        force.t_busy_until[pick] = hour + travel + cfg.pursuit_hours
        force.x_km[pick[travel == 0]] = b.center_x[s]


def _snapshot(force: GuardForce) -> dict[str, np.ndarray]:
    return {name: getattr(force, name).copy() for name in ("state", "target", "t_arrive", "t_busy_until", "x_km")}


def _restore(force: GuardForce, snap: dict[str, np.ndarray]) -> None:
    for name, values in snap.items():
        getattr(force, name)[:] = values


@pytest.fixture(scope="module")
def busy_model(run_model):
    """A model in the thick of autumn 2021 (the Polish force at 15,000 troops, hunts under way)."""
    return run_model("start_date=2021-11-01", "days=3", "troops.ramp.poland=[]")


def _sent(force: GuardForce, segment: int, k: int, hour: int) -> list[int]:
    """The rows `send` diverts to a segment, ascending."""
    before = force.state.copy()
    went = force.send(segment, k, hour, DIVERTED, 2)
    rows = np.flatnonzero(force.state != before)
    assert went == rows.size and (force.state[rows] == DIVERTED).all() and (force.target[rows] == segment).all()
    return rows.tolist()


def test_sent_patrols_are_the_nearest_free_ones_of_a_full_stable_sort_even_with_ties(busy_model):
    force, b = busy_model.guards, busy_model.border
    snap = _snapshot(force)
    rng = np.random.default_rng(11)
    try:
        for trial in range(40):
            _restore(force, snap)
            # positions on a coarse grid, so that equal distances (same spot, or mirror images) are common
            active = np.flatnonzero(force.state != OFF_DUTY)
            force.state[active] = np.where(rng.random(active.size) < 0.8, PATROLLING, RESPONDING)
            for c in EU_COUNTRIES:
                rows = active[force.country[active] == int(c)]
                lo, hi = force.line_lo[rows[0]], force.line_hi[rows[0]]
                force.x_km[rows] = np.clip(lo + np.round(rng.uniform(0, hi - lo, rows.size) / 2.5) * 2.5, lo, hi)
            for _ in range(25):
                segment = int(rng.integers(b.n))
                rows = active[force.country[active] == b.country[segment]]
                mirrored = rng.choice(rows, 4, replace=False)  # some patrols at and either side of the centre
                offsets = rng.choice([-2.5, -1.25, 0.0, 1.25, 2.5], 4)
                force.x_km[mirrored] = np.clip(
                    b.center_x[segment] + offsets, force.line_lo[rows[0]], force.line_hi[rows[0]]
                )
                k = int(rng.integers(1, 7))
                expected = naive_nearest(force, set(), int(b.country[segment]), float(b.center_x[segment]), k)
                assert _sent(force, segment, k, 100) == sorted(expected), (trial, segment, k)
    finally:
        _restore(force, snap)


def test_responders_sent_to_a_segment_count_those_already_hunting_there(busy_model):
    force, b = busy_model.guards, busy_model.border
    snap = _snapshot(force)
    try:
        segment = int(np.flatnonzero(b.country == int(EU_COUNTRIES[0]))[20])
        rows = np.flatnonzero((force.country == b.country[segment]) & (force.state != OFF_DUTY))
        force.state[rows] = PATROLLING
        force.state[rows[:2]], force.target[rows[:2]] = RESPONDING, segment
        expected = naive_nearest(force, set(), int(b.country[segment]), float(b.center_x[segment]), 3)
        before = force.state.copy()
        assert force.send(segment, 5, 100, RESPONDING, None) == 3  # 5 wanted, 2 already there
        assert np.flatnonzero(force.state != before).tolist() == sorted(expected)
        assert force.send(segment, 5, 100, RESPONDING, None) == 0  # now 5 hunt there
    finally:
        _restore(force, snap)


def test_sends_run_out_gracefully_when_few_patrols_are_free(busy_model):
    force, b = busy_model.guards, busy_model.border
    snap = _snapshot(force)
    try:
        segment = int(np.flatnonzero(b.country == int(EU_COUNTRIES[0]))[10])
        rows = np.flatnonzero((force.country == b.country[segment]) & (force.state != OFF_DUTY))
        force.state[rows] = RESPONDING
        force.state[rows[:3]] = PATROLLING
        expected = naive_nearest(force, set(), int(b.country[segment]), float(b.center_x[segment]), 2)
        first = _sent(force, segment, 2, 100)
        assert first == sorted(expected)
        assert sorted(first + _sent(force, segment, 5, 100)) == rows[:3].tolist()
        assert _sent(force, segment, 5, 100) == []
    finally:
        _restore(force, snap)


def test_dispatch_sends_the_same_patrols_as_the_one_search_per_alarm_it_replaced(busy_model):
    force, people = busy_model.guards, busy_model.people
    snap = _snapshot(force)
    rng = np.random.default_rng(5)
    hour = busy_model.hour
    try:
        for _ in range(20):
            # alarms on random segments, clustered as escorted groups make them: neighbours compete for patrols
            centre = rng.integers(busy_model.border.n, size=3)
            alarms = np.clip(np.concatenate([centre + d for d in (-1, 0, 1, 2)]), 0, busy_model.border.n - 1)
            _restore(force, snap)
            naive_dispatch(force, alarms, hour)
            expected = _snapshot(force)
            _restore(force, snap)
            force.dispatch(alarms, hour)
            for name, values in _snapshot(force).items():
                assert_same_values(values, expected[name], err_msg=name)
        assert people.n > 0
    finally:
        _restore(force, snap)


def naive_advance(force: GuardForce, hour: int) -> None:
    """`advance` as numpy calls, before it was compiled (sim/core/guards/beats.py)."""
    sent = (force.state == RESPONDING) | (force.state == DIVERTED)
    arriving = np.flatnonzero(sent & (force.t_arrive == hour))
    force.x_km[arriving] = force.border.center_x[force.target[arriving]]
    done = np.flatnonzero((sent | (force.state == HANDLING)) & (force.t_busy_until <= hour))
    force.state[done] = PATROLLING
    force.target[done] = -1


def naive_patrol(force: GuardForce, wander: np.ndarray) -> None:
    """`patrol` as numpy calls, before it was compiled, given the same uniform steps."""
    free = np.flatnonzero(force.state == PATROLLING)
    step, beat = force.cfg.patrol_kmh, force.cfg.beat_km
    x, home = force.x_km[free], force.home_x_km[free]
    gap = home - x
    toward = x + np.clip(gap, -step, step)
    moved = np.where(np.abs(gap) > beat, toward, np.clip(x + wander, home - beat, home + beat))
    force.x_km[free] = np.clip(moved, force.line_lo[free], force.line_hi[free])


def test_patrols_end_tasks_and_walk_their_beats_as_the_numpy_code_did(busy_model):
    force = busy_model.guards
    snap = _snapshot(force)
    rng = np.random.default_rng(3)
    try:
        for hour in range(busy_model.hour, busy_model.hour + 30):
            # every state, timers due now, soon and later, and patrols far from home or at the end of the line
            active = np.flatnonzero(force.state != OFF_DUTY)
            force.state[active] = rng.choice([PATROLLING, RESPONDING, HANDLING, DIVERTED], active.size)
            force.t_arrive[active] = hour + rng.integers(-1, 3, active.size)
            force.t_busy_until[active] = force.t_arrive[active] + rng.integers(0, 3, active.size)
            force.target[active] = rng.integers(force.border.n, size=active.size)
            force.x_km[active] = force.home_x_km[active] + rng.choice([0.0, 2.9, -3.0, 3.1, -9.0, 500.0], active.size)
            before = _snapshot(force)
            naive_advance(force, hour)
            wander = rng.uniform(-4.0, 4.0, np.count_nonzero(force.state == PATROLLING))
            naive_patrol(force, wander)
            expected = _snapshot(force)
            _restore(force, before)
            force.advance(hour)
            force.patrol(_Replay(wander))
            for name, values in _snapshot(force).items():
                assert_same_values(values, expected[name], err_msg=f"{name}, hour {hour}")
    finally:
        _restore(force, snap)


def naive_take_in(force: GuardForce, arrived: np.ndarray, caught_segments: np.ndarray, hour: int) -> None:
    """`take_in` as numpy calls, before it was compiled (sim/core/guards/catch.py)."""
    cap = force.cfg.capacity_per_hour
    need = -(-np.bincount(caught_segments, minlength=force.border.n) // cap)
    arrived = arrived[np.argsort(force.target[arrived], kind="stable")]
    targets = force.target[arrived]
    rank = np.arange(arrived.size) - np.searchsorted(targets, targets, side="left")
    busy = arrived[rank < need[targets]]
    force.state[busy] = HANDLING
    force.t_busy_until[busy] = hour + force.cfg.handling_hours


def test_responders_arrive_and_take_in_catches_as_the_numpy_code_did(busy_model):
    force, b, cfg = busy_model.guards, busy_model.border, busy_model.cfg.guards
    snap = _snapshot(force)
    rng = np.random.default_rng(4)
    hour = busy_model.hour
    try:
        for _ in range(30):
            active = np.flatnonzero(force.state != OFF_DUTY)
            force.state[active] = rng.choice([PATROLLING, RESPONDING, HANDLING], active.size, p=[0.3, 0.6, 0.1])
            force.t_arrive[active] = hour + rng.integers(-2, 2, active.size)
            force.target[active] = rng.integers(0, 12, active.size) * (b.n // 12)  # crowds of responders
            arrived, per_segment = catch.arrived_responders(
                force.state, force.t_arrive, force.target, hour, RESPONDING, b.n
            )
            expected = np.flatnonzero((force.state == RESPONDING) & (force.t_arrive <= hour))
            np.testing.assert_array_equal(arrived, expected)
            np.testing.assert_array_equal(per_segment, np.bincount(force.target[expected], minlength=b.n))
            # catches of every size, at segments with few and with many responders to carry them
            where = np.unique(force.target[arrived])
            caught = rng.permutation(np.repeat(where, rng.integers(0, 40, where.size)))
            before = _snapshot(force)
            naive_take_in(force, arrived, caught, hour)
            want = _snapshot(force)
            _restore(force, before)
            catch.take_in(
                arrived,
                caught,
                force.target,
                force.state,
                force.t_busy_until,
                cfg.capacity_per_hour,
                HANDLING,
                hour + cfg.handling_hours,
                b.n,
            )
            for name, values in _snapshot(force).items():
                assert_same_values(values, want[name], err_msg=name)
            assert (want["state"] != before["state"]).any()
    finally:
        _restore(force, snap)


class _Replay:
    """A stand-in generator that hands out given uniform steps (and checks that as many are asked for)."""

    def __init__(self, wander: np.ndarray) -> None:
        self.wander = wander

    def uniform(self, low: float, high: float, size: int) -> np.ndarray:
        assert size == self.wander.size
        return self.wander


def test_sight_probability_counts_every_watching_patrol_within_reach(busy_model):
    force, b, cfg = busy_model.guards, busy_model.border, busy_model.cfg.guards
    reach = cfg.sight_km * b.sight_factor
    lo, hi = b.start_x - reach, b.start_x + b.length_km + reach
    snap = _snapshot(force)
    rng = np.random.default_rng(8)
    try:
        for trial in range(4):
            if trial:  # patrols exactly on the edges of segments' sight stretches, and anywhere on their line
                for c in EU_COUNTRIES:
                    rows = np.flatnonzero((force.country == int(c)) & (force.state != OFF_DUTY))
                    segs = np.flatnonzero(b.country == int(c))
                    edges = np.concatenate([lo[segs], hi[segs]])
                    edges = edges[(edges >= force.line_lo[rows[0]]) & (edges <= force.line_hi[rows[0]])]
                    force.x_km[rows] = np.where(
                        rng.random(rows.size) < 0.5,
                        rng.choice(edges, rows.size),
                        rng.uniform(force.line_lo[rows[0]], force.line_hi[rows[0]], rows.size),
                    )
            watching = force.watching()
            expected = np.empty(b.n)
            for s in range(b.n):
                near = watching & (force.country == b.country[s]) & (force.x_km >= lo[s]) & (force.x_km <= hi[s])
                coverage = min(1.0, 2 * reach[s] / b.length_km[s])
                expected[s] = 1.0 - (1.0 - cfg.p_see * coverage) ** np.count_nonzero(near)
            # the model raises an array to integer powers, the loop above a scalar: two paths (see tolerance.py)
            assert_same_values(force.sight_probability(), expected, err_msg=f"trial {trial}")
    finally:
        _restore(force, snap)


def test_people_queries_select_as_the_numpy_masks_did(busy_model):
    """`due`, `in_state`, `in_zone` (compiled scans of the active set) against numpy masks over everyone."""
    from sim.core.states import ZONE_STATES

    p = busy_model.people
    everyone = np.arange(p.n)
    active = p.active
    in_zone = everyone[np.isin(p.state[: p.n], list(ZONE_STATES))]
    np.testing.assert_array_equal(p.in_zone(), in_zone)
    assert np.isin(p.state[active], list(ZONE_STATES)).sum() == in_zone.size and in_zone.size > 100
    hour = busy_model.hour
    for state in ZONE_STATES:
        np.testing.assert_array_equal(p.in_state(int(state)), everyone[p.state[: p.n] == state])
        for h in (hour - 3, hour, hour + 5):
            expected = everyone[(p.state[: p.n] == state) & (p.t_next[: p.n] <= h)]
            np.testing.assert_array_equal(p.due(int(state), h), expected, err_msg=f"{state.name} due by {h}")
    assert any(p.due(int(state), hour).size for state in ZONE_STATES)


def test_every_person_has_a_migrant_agent_with_their_state(build_model):
    """Migrant agents are made when the user asks (`create_migrant_agents`), for everyone, in arrival order."""
    model = build_model("days=6", "progress=false")
    for _ in range(3 * 24):
        model.step()
    migrants = list(model.create_migrant_agents())
    assert [m.uid for m in migrants] == list(range(model.people.n))
    assert [int(m.state) for m in migrants] == model.people.state[: model.people.n].tolist()
    assert any(m.state is not MigrantState.IN_CAMP for m in migrants)
    seen = model.people.n
    model.run(progress=False)
    assert model.people.n > seen
    everyone = list(model.create_migrant_agents())
    assert [m.uid for m in everyone] == list(range(model.people.n))
    assert everyone[:seen] == migrants  # the same agent objects as before, none made twice
    assert len(model.agents) == model.people.n + len(model.escorts) + len(model.guards.views)


def test_reading_the_models_agents_makes_none_and_create_migrant_agents_makes_each_persons_once(build_model):
    """`model.agents`, `agents_by_type` and `agent_types` are Mesa's own, with no side effect; the named method
    makes one Migrant per arrived person, in arrival order, numbered after the agents already there, and no more
    when called again."""
    from sim import Migrant

    model = build_model("days=2", "progress=false")
    for _ in range(30):
        model.step()
    assert model.people.n > 0
    before = len(model.agents)
    for _ in range(3):
        assert len(model.agents) == before
        assert Migrant not in model.agents_by_type
        assert Migrant not in model.agent_types
    last_id = max(agent.unique_id for agent in model.agents)
    migrants = model.create_migrant_agents()
    assert len(model.agents) == before + model.people.n
    assert [m.uid for m in migrants] == list(range(model.people.n))
    assert [m.unique_id for m in migrants] == list(range(last_id + 1, last_id + 1 + model.people.n))
    assert list(model.agents_by_type[Migrant]) == list(migrants)
    again = model.create_migrant_agents()  # nobody new: nothing made
    assert list(again) == list(migrants)
    assert len(model.agents) == before + model.people.n


def test_filed_counts_add_up_to_counting_one_call_at_a_time():
    """The ledger files counts and adds them up when read; the totals equal adding each call at once, whenever read."""
    from sim.core.ledger import N_COUNTRIES, Ledger

    rng = np.random.default_rng(5)
    days, n_segments = 4, 9
    ledger = Ledger(days, n_segments)
    flows = np.zeros((days, N_COUNTRIES))
    segments = np.zeros(n_segments, dtype=np.int64)
    for call in range(300):
        day = call // 75
        countries = rng.integers(0, N_COUNTRIES, rng.integers(0, 6)).astype(np.int8)
        ledger.count("attempts", day, countries)
        flows[day] += np.bincount(countries, minlength=N_COUNTRIES)
        where = rng.integers(0, n_segments, rng.integers(0, 6))
        ledger.count_segments("breaches", where)
        segments += np.bincount(where, minlength=n_segments)
        # counts held as floats are whole numbers, which add up exactly in any order: compared exactly
        if call % 40 == 0:  # reads in between settle what was filed so far
            np.testing.assert_array_equal(ledger.flows["attempts"], flows)
            np.testing.assert_array_equal(ledger.segments["breaches"], segments)
        ledger.add("fence_cuts", day, 1)  # direct additions mix with filed counts
    np.testing.assert_array_equal(ledger.flows["attempts"], flows)
    np.testing.assert_array_equal(ledger.segments["breaches"], segments)
    assert ledger.flows["fence_cuts"][:, 1].sum() == 300
    assert flows.sum() > 0 and segments.sum() > 0


def test_filed_counts_of_many_counters_and_days_add_up_with_counts_added_straight_into_the_tables():
    """Filed counts of many flows, days and segment counters are added up in one `np.add.at` each; compiled code
    adds counts straight into `flow_table` and `segment_table` meanwhile: the totals are those of adding each
    count at once (whole numbers: compared exactly)."""
    from sim.core.ledger import FLOW_INDEX, FLOWS, N_COUNTRIES, SEGMENT_COUNTERS, SEGMENT_INDEX, Ledger

    rng = np.random.default_rng(6)
    days, n_segments = 5, 11
    ledger = Ledger(days, n_segments)
    flows = {name: np.zeros((days, N_COUNTRIES)) for name in FLOWS}
    segments = {name: np.zeros(n_segments, dtype=np.int64) for name in SEGMENT_COUNTERS}
    for call in range(400):
        name, day = str(rng.choice(FLOWS[:-1])), int(rng.integers(days))
        countries = rng.integers(0, N_COUNTRIES, rng.integers(0, 6)).astype(np.int8)
        ledger.count(name, day, countries)
        flows[name][day] += np.bincount(countries, minlength=N_COUNTRIES)
        counter = str(rng.choice(SEGMENT_COUNTERS))
        where = rng.integers(0, n_segments, rng.integers(0, 6))
        ledger.count_segments(counter, where)
        segments[counter] += np.bincount(where, minlength=n_segments)
        ledger.flow_table[FLOW_INDEX["detections"], day, 1] += 1.0  # as the compiled passes count
        flows["detections"][day, 1] += 1.0
        ledger.segment_table[SEGMENT_INDEX["crossings"], call % n_segments] += 1
        segments["crossings"][call % n_segments] += 1
        if call % 50 == 0:  # reads in between settle what was filed so far
            for name in FLOWS:
                np.testing.assert_array_equal(ledger.flows[name], flows[name], err_msg=name)
    for name in FLOWS:
        np.testing.assert_array_equal(ledger.flows[name], flows[name], err_msg=name)
    for name in SEGMENT_COUNTERS:
        np.testing.assert_array_equal(ledger.segments[name], segments[name], err_msg=name)


def test_exposures_daily_chance_per_segment_is_the_hourly_one_per_person(build_model):
    """Deaths look up a chance per segment worked out once a day; it is the numpy formula each hour applied to each
    person's segment, to the bit (elementwise arithmetic)."""
    model = build_model("days=200")
    exposure, b = model.exposure, model.border
    rng = np.random.default_rng(9)
    for day in (0, 60, 120, 199):
        segments = rng.integers(0, b.n, 500)
        hourly = exposure.hazard_per_day[day] * b.exposure_factor[segments] / 24
        np.testing.assert_array_equal(exposure.p_die(day)[segments], -np.expm1(-hourly))
    assert exposure.hazard_per_day[199] != exposure.hazard_per_day[0]  # a cold month in between


def test_repairs_skipped_before_the_next_repair_clock_miss_none(build_model):
    """`Border.repair` skips hours before the earliest repair clock; with cuts on many segments at many hours it
    repairs the same segments at the same hours as looking every hour."""
    from sim.core.border import NO_BARRIER

    model = build_model("days=2", "fence=steel_wall")
    b = model.border
    rng = np.random.default_rng(10)
    fenced = np.flatnonzero(b.barrier != NO_BARRIER)[:30]
    repaired = 0
    for hour in range(400):
        if rng.random() < 0.1:
            b.cut(int(rng.choice(fenced)), 0.4, hour)
        expected = np.flatnonzero((b.damage > 0) & (b.t_repair_done <= hour))
        np.testing.assert_array_equal(b.repair(hour), expected, err_msg=f"hour {hour}")
        assert not ((b.damage > 0) & (b.t_repair_done <= hour)).any()
        repaired += expected.size
    assert repaired > 5


def test_escort_units_with_nothing_to_do_are_skipped_without_changing_anything(build_model):
    """`move_escorts` calls only the units with something to do; calling every unit's `step`, as before, gives
    the same run."""
    from sim.core.model import BorderModel

    def every_unit(model: BorderModel) -> None:
        model.massing.arrive(model)
        order = list(range(len(model.escorts)))
        model.rng_escorts.shuffle(order)
        for i in order:
            model.escorts[i].step()

    fast, every = build_model("days=12"), build_model("days=12")
    every.move_escorts = lambda: every_unit(every)
    fast.run(progress=False)
    every.run(progress=False)
    for name, flow in every.ledger.flows.items():
        np.testing.assert_array_equal(fast.ledger.flows[name], flow, err_msg=name)
    assert every.ledger.flows["arrivals"].sum() > 0 and every.migrants.groups > 5


def test_patrol_homes_kept_while_nothing_changed_are_those_spread_anew(build_model):
    """`redeploy` keeps the homes when the patrols, the fence's rate arrays and the homes are as it last spread
    them; spreading them anew every day, as before, gives the same homes (the fence goes up and is cut meanwhile)."""
    model = build_model("start_date=2021-09-01", "days=40", "escort.p_cut=1")
    force = model.guards
    kept = 0
    for _ in range(40):
        for _ in range(24):
            model.step()
        homes = force.home_x_km.copy()
        kept += all(force._spread.get(c) is not None for c in EU_COUNTRIES)
        force._spread.clear()
        for c in EU_COUNTRIES:
            force.redeploy(c)
        np.testing.assert_array_equal(force.home_x_km, homes)
    fence_km = model.ledger.stocks["fence_km"].sum(axis=1)
    assert kept and model.ledger.flows["fence_cuts"].sum() > 0 and fence_km[-1] > fence_km[0]


def test_an_unpickled_ledger_reads_what_is_counted_into_its_own_tables():
    """`flows` and `segments` are views of the ledger's tables made on each read, so a copy (pickled, unpickled)
    reads the counts added straight into its own tables."""
    import pickle

    from sim.core.ledger import FLOW_INDEX, SEGMENT_INDEX, Ledger

    ledger = Ledger(2, 5)
    ledger.count("attempts", 0, np.array([1, 1, 2], dtype=np.int8))
    copy = pickle.loads(pickle.dumps(ledger))
    copy.flow_table[FLOW_INDEX["attempts"], 0, 2] += 1.0
    copy.segment_table[SEGMENT_INDEX["breaches"], 3] += 1
    copy.add("fence_cuts", 1, 1)
    np.testing.assert_array_equal(copy.flows["attempts"][0], [0.0, 2.0, 2.0])
    assert copy.segments["breaches"][3] == 1 and copy.flows["fence_cuts"][1, 1] == 1.0
    np.testing.assert_array_equal(ledger.flows["attempts"][0], [0.0, 2.0, 1.0])
