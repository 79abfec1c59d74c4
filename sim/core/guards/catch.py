"""Responders at their segments, compiled: how many can take people in this hour, who is taken and who leaves
with a catch, and which pursuits are lost.

Why compiled: these run every hour over all ~2,000 patrols; as numpy they were a dozen calls on small arrays
(a stable sort among them), each paying numpy's fixed cost. The random part of apprehension (who is eligible, in
which order) and of losing contact stays in `GuardForce.apprehend` and `Interception.lose_contact`, drawn from the
guards' stream as before and handed in. `tests/core/test_optimisations.py` checks `arrived_responders` and
`take_in` against the numpy code they replaced, `tests/core/test_transitions.py` checks `within_capacity`,
`first_in_line`, `take` and `lose_contact`.
"""

from __future__ import annotations

import numpy as np

from sim.core.jit import compiled


@compiled
def arrived_responders(
    state: np.ndarray, t_arrive: np.ndarray, target: np.ndarray, hour: int, responding: int, n_segments: int
) -> tuple[np.ndarray, np.ndarray]:
    """The responders that have reached their segment (rows ascending), and how many have reached each segment
    (`arrived_responders_into` into new arrays)."""
    per_segment = np.empty(n_segments, dtype=np.int64)
    rows = np.empty(state.size, dtype=np.int64)
    n = arrived_responders_into(state, t_arrive, target, hour, responding, rows, per_segment)
    return rows[:n], per_segment


@compiled
def arrived_responders_into(
    state: np.ndarray,
    t_arrive: np.ndarray,
    target: np.ndarray,
    hour: int,
    responding: int,
    rows: np.ndarray,
    per_segment: np.ndarray,
) -> int:
    """The responders that have reached their segment (rows ascending, into `rows`, at least one item per patrol;
    returns how many), and how many have reached each segment (into `per_segment`, one item per segment)."""
    per_segment[:] = 0
    n = 0
    for row in range(state.size):
        if state[row] == responding and t_arrive[row] <= hour:
            rows[n] = row
            n += 1
            per_segment[target[row]] += 1
    return n


@compiled
def take_in(
    arrived: np.ndarray,
    caught_segments: np.ndarray,
    target: np.ndarray,
    state: np.ndarray,
    t_busy_until: np.ndarray,
    capacity_per_hour: int,
    handling: int,
    busy_until: int,
    n_segments: int,
) -> None:
    """At each segment, as many arrived responders as the catch needs (⌈caught / capacity⌉, the lowest rows)
    leave to handle it until `busy_until`; the others keep hunting."""
    caught = np.zeros(n_segments, dtype=np.int64)
    for s in caught_segments:
        caught[s] += 1
    leaving = np.zeros(n_segments, dtype=np.int64)
    for row in arrived:  # ascending rows: the lowest rows of each segment leave first
        s = target[row]
        if leaving[s] * capacity_per_hour < caught[s]:
            leaving[s] += 1
            state[row] = handling
            t_busy_until[row] = busy_until


@compiled
def within_capacity(
    candidates: np.ndarray, segment: np.ndarray, per_segment: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The candidates (uids, in their order) whose segment has arrived responders (`per_segment[segment] > 0`),
    and their segments (`within_capacity_into` into new arrays)."""
    uids = np.empty(candidates.size, dtype=np.int64)
    segs = np.empty(candidates.size, dtype=np.int64)
    n = within_capacity_into(candidates, segment, per_segment, uids, segs)
    return uids[:n], segs[:n]


@compiled
def within_capacity_into(
    candidates: np.ndarray, segment: np.ndarray, per_segment: np.ndarray, uids: np.ndarray, segs: np.ndarray
) -> int:
    """The candidates (uids, in their order) whose segment has arrived responders (`per_segment[segment] > 0`)
    into `uids`, and their segments into `segs` (each at least `candidates.size` long); returns how many."""
    n = 0
    for uid in candidates:
        s = segment[uid]
        if per_segment[s] > 0:
            uids[n] = uid
            segs[n] = s
            n += 1
    return n


@compiled
def responders_and_candidates(
    state: np.ndarray,
    t_arrive: np.ndarray,
    target: np.ndarray,
    hour: int,
    responding: int,
    candidates: np.ndarray,
    segment: np.ndarray,
    rows: np.ndarray,
    per_segment: np.ndarray,
    uids: np.ndarray,
    segs: np.ndarray,
) -> tuple[int, int]:
    """`arrived_responders_into` then, when any responder has arrived, `within_capacity_into`, in one call.
    Returns how many responders arrived and how many candidates are within their reach (0 when none arrived)."""
    n_arrived = arrived_responders_into(state, t_arrive, target, hour, responding, rows, per_segment)
    if not n_arrived:
        return 0, 0
    return n_arrived, within_capacity_into(candidates, segment, per_segment, uids, segs)


@compiled
def first_in_line(
    uids: np.ndarray, segs: np.ndarray, keys: np.ndarray, per_segment: np.ndarray, capacity_per_hour: int
) -> tuple[np.ndarray, np.ndarray]:
    """The people taken: the candidates (`uids` at `segs`) sorted by segment, and at each segment by their random
    `keys` (as `np.lexsort((keys, segs))`, ties in the order given), and at each segment the first
    `per_segment[segment] × capacity_per_hour` of them. Returns their uids and segments, in that order."""
    by_key = np.argsort(keys, kind="mergesort")  # two stable sorts: by segment, then key, then the order given
    order = by_key[np.argsort(segs[by_key], kind="mergesort")]
    taken = np.empty(order.size, dtype=np.int64)
    taken_segs = np.empty(order.size, dtype=np.int64)
    n = 0
    rank = 0
    for i in range(order.size):
        s = segs[order[i]]
        rank = rank + 1 if i > 0 and s == segs[order[i - 1]] else 0
        if rank < per_segment[s] * capacity_per_hour:
            taken[n] = uids[order[i]]
            taken_segs[n] = s
            n += 1
    return taken[:n], taken_segs[:n]


@compiled
def take(
    candidates: np.ndarray,
    segs: np.ndarray,
    eligible: np.ndarray,
    keys: np.ndarray,
    per_segment: np.ndarray,
    arrived: np.ndarray,
    target: np.ndarray,
    state: np.ndarray,
    t_busy_until: np.ndarray,
    capacity_per_hour: int,
    handling: int,
    busy_until: int,
) -> tuple[np.ndarray, np.ndarray]:
    """`take_into` into new arrays: returns the people taken and their segments."""
    taken = np.empty(keys.size, dtype=np.int64)
    taken_segs = np.empty(keys.size, dtype=np.int64)
    n = take_into(
        candidates,
        segs,
        eligible,
        keys,
        per_segment,
        arrived,
        target,
        state,
        t_busy_until,
        capacity_per_hour,
        handling,
        busy_until,
        taken,
        taken_segs,
    )
    return taken[:n], taken_segs[:n]


@compiled
def take_into(
    candidates: np.ndarray,
    segs: np.ndarray,
    eligible: np.ndarray,
    keys: np.ndarray,
    per_segment: np.ndarray,
    arrived: np.ndarray,
    target: np.ndarray,
    state: np.ndarray,
    t_busy_until: np.ndarray,
    capacity_per_hour: int,
    handling: int,
    busy_until: int,
    taken: np.ndarray,
    taken_segs: np.ndarray,
) -> int:
    """The `eligible` candidates (`candidates` at `segs`, a flag each), in their order, with one random `keys` each
    are taken at each segment up to its responders' capacity (`first_in_line`); then as many arrived responders as
    the catch needs leave to handle it (`take_in`). Writes the people taken and their segments into `taken` and
    `taken_segs` (each at least `keys.size` long); returns how many."""
    kept = np.empty(keys.size, dtype=np.int64)
    kept_segs = np.empty(keys.size, dtype=np.int64)
    n = 0
    for i in range(candidates.size):
        if eligible[i]:
            kept[n] = candidates[i]
            kept_segs[n] = segs[i]
            n += 1
    chosen, chosen_segs = first_in_line(kept, kept_segs, keys, per_segment, capacity_per_hour)
    take_in(
        arrived, chosen_segs, target, state, t_busy_until, capacity_per_hour, handling, busy_until, per_segment.size
    )
    taken[: chosen.size] = chosen
    taken_segs[: chosen.size] = chosen_segs
    return chosen.size


@compiled
def lose_contact(
    hunted: np.ndarray,
    held: np.ndarray,
    draws: np.ndarray,
    segment: np.ndarray,
    lose_factor: np.ndarray,
    lose_per_hour: float,
    hold_powers: np.ndarray,
    state: np.ndarray,
    t_arrive: np.ndarray,
    target: np.ndarray,
    hour: int,
    responding: int,
    tracked: np.ndarray,
    country: np.ndarray,
    flows: np.ndarray,
    day: int,
    row: int,
) -> np.ndarray:
    """Which of the `held` people the pursuit loses this hour (`lose_contact_into`); returns the `hunted` still
    tracked (uids, in `hunted`'s order), a new array."""
    still = np.empty(hunted.size, dtype=np.int64)
    n = lose_contact_into(
        hunted,
        held,
        draws,
        segment,
        lose_factor,
        lose_per_hour,
        hold_powers,
        state,
        t_arrive,
        target,
        hour,
        responding,
        tracked,
        country,
        flows,
        day,
        row,
        still,
    )
    return still[:n]


@compiled
def lose_contact_into(
    hunted: np.ndarray,
    held: np.ndarray,
    draws: np.ndarray,
    segment: np.ndarray,
    lose_factor: np.ndarray,
    lose_per_hour: float,
    hold_powers: np.ndarray,
    state: np.ndarray,
    t_arrive: np.ndarray,
    target: np.ndarray,
    hour: int,
    responding: int,
    tracked: np.ndarray,
    country: np.ndarray,
    flows: np.ndarray,
    day: int,
    row: int,
    still: np.ndarray,
) -> int:
    """Which of the `held` people (uids, one uniform `draws` each, in that order; a subset of `hunted`) the pursuit
    loses this hour:

        p_lose = min(1, lose_per_hour × lose_factor[segment] × lose_hold ^ (responders arrived at the segment))

    with the responders counted as `arrived_responders` counts them and `hold_powers[k]` numpy's `lose_hold ** k`
    for every k up to the number of patrols (`Interception`), so p_lose is the numpy code's to the bit. The lost
    are no longer `tracked`, and counted by country in the ledger's `flows` (`Ledger.flow_table`) at `row`, `day`.

    Writes the `hunted` still tracked (uids, in `hunted`'s order) into `still` (at least `hunted.size` long) and
    returns how many.
    """
    per_segment = np.zeros(lose_factor.size, dtype=np.int64)
    for r in range(state.size):
        if state[r] == responding and t_arrive[r] <= hour:
            per_segment[target[r]] += 1
    n_lost = 0
    for i in range(held.size):
        uid = held[i]
        s = segment[uid]
        if draws[i] < min(1.0, lose_per_hour * lose_factor[s] * hold_powers[per_segment[s]]):
            tracked[uid] = False
            flows[row, day, country[uid]] += 1.0
            n_lost += 1
    n = 0
    for uid in hunted:
        if not n_lost or tracked[uid]:  # nobody lost: all of `hunted`
            still[n] = uid
            n += 1
    return n


@compiled
def not_found_into(hunted: np.ndarray, found: np.ndarray, flag: np.ndarray, out: np.ndarray) -> int:
    """The `hunted` (uids, in their order) not among the `found` into `out` (at least `hunted.size` long); returns
    how many. `flag` (bool, one per person) is work space, all False on entry and left so."""
    for uid in found:
        flag[uid] = True
    n = 0
    for uid in hunted:
        if not flag[uid]:
            out[n] = uid
            n += 1
    for uid in found:
        flag[uid] = False
    return n


@compiled
def within_reach_into(tracked: np.ndarray, y_km: np.ndarray, reach: float, out: np.ndarray) -> int:
    """The `tracked` (uids, in their order) less than `reach` km inland (`y_km` < reach) into `out` (at least
    `tracked.size` long); returns how many."""
    n = 0
    for uid in tracked:
        if y_km[uid] < reach:
            out[n] = uid
            n += 1
    return n
