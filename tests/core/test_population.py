"""The people column store (sim/core/population.py): growing, memory, tables, and the active set's queries."""

from __future__ import annotations

import numpy as np

from sim.config.enums import Country
from sim.core.population import NEVER, Population
from sim.core.states import MigrantState


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
