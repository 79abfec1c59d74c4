"""People's hourly transitions at the line and inside the EU zone, compiled: who goes back to the fence, who is due
at a fence (giving up, moving on or trying), what a try does, who walks inland and crosses, who is seen.

Why compiled: these run every hour over the few hundred people out in the zone. As numpy each was a dozen calls or
more on small arrays (a selection, then a fancy index and an assignment per column), each paying numpy's fixed
cost, and together about a third of a full season. One pass over the people in numba does the same arithmetic in
the same order, so the results are the same to the bit; `tests/core/test_transitions.py` checks each function
against the numpy code it replaced.

Random draws stay outside: `Migrants.try_fences` and `Interception.detect` draw from their streams, as before, and
pass the draws in (one per person, in ascending uid order, as the numpy code drew them).

The passes that end an hour's step (`count_tries`, `see_and_spot`, `resolve_catch`) also count what happened
straight into the ledger's tables (`Ledger.flow_table`, `segment_table`): whole numbers, so the totals are those of
filing the counts (`Ledger.count`), without a dozen small numpy calls an hour to select and file them.
"""

from __future__ import annotations

import numpy as np

from sim.core.jit import compiled


@compiled
def return_to_fence(
    active: np.ndarray,
    state: np.ndarray,
    t_next: np.ndarray,
    y_km: np.ndarray,
    t_segment: np.ndarray,
    hour: int,
    pushed_back: int,
    at_fence: int,
) -> None:
    """The active people `pushed_back` whose timer has come are `at_fence` again, on the line, from this hour."""
    for uid in active:
        if state[uid] == pushed_back and t_next[uid] <= hour:
            state[uid] = at_fence
            y_km[uid] = 0.0
            t_segment[uid] = hour
            t_next[uid] = hour


@compiled
def due_at_fence(
    active: np.ndarray,
    state: np.ndarray,
    t_next: np.ndarray,
    n_attempts: np.ndarray,
    t_zone: np.ndarray,
    t_segment: np.ndarray,
    held: np.ndarray,
    hour: int,
    at_fence: int,
    max_attempts: int,
    max_zone_hours: float,
    patience_hours: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The active people `at_fence` whose turn has come, in three groups (each ascending by uid):

    - tired: `max_attempts` tries made, or `max_zone_hours` since leaving the camps, and not held by Belarus;
    - impatient: the others who reached their segment `patience_hours` ago or more (they move on);
    - trying: everyone else due (they try the fence this hour).

    (`due_at_fence_into` into new arrays.)
    """
    out = np.empty((3, active.size), dtype=np.int64)
    n_tired, n_impatient, n_trying = due_at_fence_into(
        active,
        state,
        t_next,
        n_attempts,
        t_zone,
        t_segment,
        held,
        hour,
        at_fence,
        max_attempts,
        max_zone_hours,
        patience_hours,
        out,
    )
    return out[0, :n_tired], out[1, :n_impatient], out[2, :n_trying]


@compiled
def due_at_fence_into(
    active: np.ndarray,
    state: np.ndarray,
    t_next: np.ndarray,
    n_attempts: np.ndarray,
    t_zone: np.ndarray,
    t_segment: np.ndarray,
    held: np.ndarray,
    hour: int,
    at_fence: int,
    max_attempts: int,
    max_zone_hours: float,
    patience_hours: int,
    out: np.ndarray,
) -> tuple[int, int, int]:
    """`due_at_fence`'s three groups written into the rows of `out` (int64, shape (3, >= active.size)): the tired
    into row 0, the impatient into row 1, the trying into row 2; returns how many each."""
    n_tired = n_impatient = n_trying = 0
    for uid in active:
        if state[uid] != at_fence or t_next[uid] > hour:
            continue
        if (n_attempts[uid] >= max_attempts or hour - t_zone[uid] >= max_zone_hours) and not held[uid]:
            out[0, n_tired] = uid
            n_tired += 1
        elif hour - t_segment[uid] >= patience_hours:
            out[1, n_impatient] = uid
            n_impatient += 1
        else:
            out[2, n_trying] = uid
            n_trying += 1
    return n_tired, n_impatient, n_trying


@compiled
def try_once(
    uids: np.ndarray,
    draws: np.ndarray,
    segment: np.ndarray,
    p_breach: np.ndarray,
    barrier: np.ndarray,
    delay_hours: np.ndarray,
    walk_factor: np.ndarray,
    walk_kmh_eu: float,
    country: np.ndarray,
    held: np.ndarray,
    held_retry_hours: np.ndarray,
    retry_hours: int,
    hour: int,
    in_eu: int,
    state: np.ndarray,
    y_km: np.ndarray,
    tracked: np.ndarray,
    breach_seen: np.ndarray,
    observed: np.ndarray,
    n_attempts: np.ndarray,
    t_next: np.ndarray,
) -> np.ndarray:
    """Each person of `uids` tries their segment's fence once (`try_once_into`); returns whether each got through."""
    success = np.empty(uids.size, dtype=np.bool_)
    try_once_into(
        uids,
        draws,
        segment,
        p_breach,
        barrier,
        delay_hours,
        walk_factor,
        walk_kmh_eu,
        country,
        held,
        held_retry_hours,
        retry_hours,
        hour,
        in_eu,
        state,
        y_km,
        tracked,
        breach_seen,
        observed,
        n_attempts,
        t_next,
        success,
    )
    return success


@compiled
def try_once_into(
    uids: np.ndarray,
    draws: np.ndarray,
    segment: np.ndarray,
    p_breach: np.ndarray,
    barrier: np.ndarray,
    delay_hours: np.ndarray,
    walk_factor: np.ndarray,
    walk_kmh_eu: float,
    country: np.ndarray,
    held: np.ndarray,
    held_retry_hours: np.ndarray,
    retry_hours: int,
    hour: int,
    in_eu: int,
    state: np.ndarray,
    y_km: np.ndarray,
    tracked: np.ndarray,
    breach_seen: np.ndarray,
    observed: np.ndarray,
    n_attempts: np.ndarray,
    t_next: np.ndarray,
    success: np.ndarray,
) -> None:
    """Each person of `uids` tries their segment's fence once: through when their draw is below the segment's
    `p_breach`. Writes whether each got through into `success` (bool, the first `uids.size` items).

    Through: `in_eu`, held at the line for the barrier's whole hours of delay, the fraction walked off the first
    hour's progress (a negative `y_km`), untracked and unseen so far. Not through: next try after the retry
    interval (their line's massing interval for people held by Belarus).
    """
    for i in range(uids.size):
        uid = uids[i]
        s = segment[uid]
        n_attempts[uid] += 1
        success[i] = draws[i] < p_breach[s]
        if success[i]:
            delay = delay_hours[barrier[s]]
            whole = np.floor(delay)
            state[uid] = in_eu
            y_km[uid] = -(delay - whole) * walk_kmh_eu * walk_factor[s]
            tracked[uid] = False
            breach_seen[uid] = False
            observed[uid] = False
            t_next[uid] = hour + 1 + np.int64(whole)
        else:
            t_next[uid] = hour + (held_retry_hours[country[uid]] if held[uid] else retry_hours)


@compiled
def count_tries(
    uids: np.ndarray,
    success: np.ndarray,
    segment: np.ndarray,
    country: np.ndarray,
    barrier: np.ndarray,
    no_barrier: int,
    flows: np.ndarray,
    segment_counts: np.ndarray,
    day: int,
    rows: np.ndarray,
) -> np.ndarray:
    """Count the hour's tries (`count_tries_into`); returns the tries' segments (int64, in the order of `uids`)."""
    segs = np.empty(uids.size, dtype=np.int64)
    count_tries_into(uids, success, segment, country, barrier, no_barrier, flows, segment_counts, day, rows, segs)
    return segs


@compiled
def count_tries_into(
    uids: np.ndarray,
    success: np.ndarray,
    segment: np.ndarray,
    country: np.ndarray,
    barrier: np.ndarray,
    no_barrier: int,
    flows: np.ndarray,
    segment_counts: np.ndarray,
    day: int,
    rows: np.ndarray,
    segs: np.ndarray,
) -> None:
    """Count the hour's tries (`uids`, `success`: through the fence) straight into the ledger's tables
    (`Ledger.flow_table` for `day`, `Ledger.segment_table`), at the rows `rows` gives (`TRY_ROWS`): attempts,
    breaches, breaches of a segment with a barrier (flows, by country); attempts, breaches (by segment).

    Writes the tries' segments into `segs` (int64, the first `uids.size` items, in the order of `uids`)."""
    for i in range(uids.size):
        uid = uids[i]
        s = segment[uid]
        c = country[uid]
        segs[i] = s
        flows[rows[0], day, c] += 1.0
        segment_counts[rows[3], s] += 1
        if success[i]:
            flows[rows[1], day, c] += 1.0
            segment_counts[rows[4], s] += 1
            if barrier[s] != no_barrier:
                flows[rows[2], day, c] += 1.0


@compiled
def try_and_count(
    uids: np.ndarray,
    draws: np.ndarray,
    segment: np.ndarray,
    p_breach: np.ndarray,
    barrier: np.ndarray,
    no_barrier: int,
    delay_hours: np.ndarray,
    walk_factor: np.ndarray,
    walk_kmh_eu: float,
    country: np.ndarray,
    held: np.ndarray,
    held_retry_hours: np.ndarray,
    retry_hours: int,
    hour: int,
    in_eu: int,
    state: np.ndarray,
    y_km: np.ndarray,
    tracked: np.ndarray,
    breach_seen: np.ndarray,
    observed: np.ndarray,
    n_attempts: np.ndarray,
    t_next: np.ndarray,
    flows: np.ndarray,
    segment_counts: np.ndarray,
    day: int,
    rows: np.ndarray,
    success: np.ndarray,
    segs: np.ndarray,
) -> None:
    """`try_once_into` then `count_tries_into` in one call: the tries made (whether each got through into
    `success`), then counted (their segments into `segs`)."""
    try_once_into(
        uids,
        draws,
        segment,
        p_breach,
        barrier,
        delay_hours,
        walk_factor,
        walk_kmh_eu,
        country,
        held,
        held_retry_hours,
        retry_hours,
        hour,
        in_eu,
        state,
        y_km,
        tracked,
        breach_seen,
        observed,
        n_attempts,
        t_next,
        success,
    )
    count_tries_into(uids, success, segment, country, barrier, no_barrier, flows, segment_counts, day, rows, segs)


@compiled
def walk_inland(
    active: np.ndarray,
    state: np.ndarray,
    t_next: np.ndarray,
    segment: np.ndarray,
    y_km: np.ndarray,
    walk_factor: np.ndarray,
    walk_kmh_eu: float,
    eu_depth_km: float,
    hour: int,
    in_eu: int,
) -> np.ndarray:
    """The active people `in_eu` whose timer has come walk one hour inland (`walk_inland_into`); returns those
    who reach the interior line, ascending."""
    crossed = np.empty(active.size, dtype=np.int64)
    n = walk_inland_into(
        active, state, t_next, segment, y_km, walk_factor, walk_kmh_eu, eu_depth_km, hour, in_eu, crossed
    )
    return crossed[:n]


@compiled
def walk_inland_into(
    active: np.ndarray,
    state: np.ndarray,
    t_next: np.ndarray,
    segment: np.ndarray,
    y_km: np.ndarray,
    walk_factor: np.ndarray,
    walk_kmh_eu: float,
    eu_depth_km: float,
    hour: int,
    in_eu: int,
    crossed: np.ndarray,
) -> int:
    """The active people `in_eu` whose timer has come walk one hour inland (`walk_kmh_eu` × their segment's
    terrain factor); writes those who reach the interior line (`eu_depth_km`, to within 1e-9 km), ascending, into
    `crossed` and returns how many."""
    n = 0
    for uid in active:
        if state[uid] == in_eu and t_next[uid] <= hour:
            y_km[uid] += walk_kmh_eu * walk_factor[segment[uid]]
            if y_km[uid] >= eu_depth_km - 1e-9:
                crossed[n] = uid
                n += 1
    return n


@compiled
def walk_and_cross(
    active: np.ndarray,
    state: np.ndarray,
    t_next: np.ndarray,
    segment: np.ndarray,
    y_km: np.ndarray,
    walk_factor: np.ndarray,
    walk_kmh_eu: float,
    eu_depth_km: float,
    hour: int,
    in_eu: int,
    crossed_state: int,
    never: int,
    t_done: np.ndarray,
    tracked: np.ndarray,
    observed: np.ndarray,
    barrier: np.ndarray,
    no_barrier: int,
    country: np.ndarray,
    flows: np.ndarray,
    segment_counts: np.ndarray,
    day: int,
    rows: np.ndarray,
    crossed: np.ndarray,
) -> int:
    """`walk_inland_into` then `cross` in one call: those who reach the interior line (into `crossed`, ascending;
    returns how many) leave the system and are counted."""
    n = walk_inland_into(
        active, state, t_next, segment, y_km, walk_factor, walk_kmh_eu, eu_depth_km, hour, in_eu, crossed
    )
    if n:
        cross(
            crossed[:n],
            hour,
            crossed_state,
            never,
            state,
            t_done,
            t_next,
            tracked,
            observed,
            segment,
            barrier,
            no_barrier,
            country,
            flows,
            segment_counts,
            day,
            rows,
        )
    return n


@compiled
def cross(
    crossed: np.ndarray,
    hour: int,
    crossed_state: int,
    never: int,
    state: np.ndarray,
    t_done: np.ndarray,
    t_next: np.ndarray,
    tracked: np.ndarray,
    observed: np.ndarray,
    segment: np.ndarray,
    barrier: np.ndarray,
    no_barrier: int,
    country: np.ndarray,
    flows: np.ndarray,
    segment_counts: np.ndarray,
    day: int,
    rows: np.ndarray,
) -> None:
    """The people who reached the interior line (`crossed`, uids) leave the system (`crossed_state`, done at `hour`,
    no timer, untracked), counted straight into the ledger's tables (`Ledger.flow_table` for `day`,
    `Ledger.segment_table`) at the rows `rows` gives (`CROSS_ROWS`): flows crossings, barrier_escapes_seen (seen
    after breaching a segment with a barrier and not caught: observed), by country; crossings by segment."""
    for uid in crossed:
        s, c = segment[uid], country[uid]
        if observed[uid] and barrier[s] != no_barrier:
            flows[rows[1], day, c] += 1.0
        state[uid] = crossed_state
        t_done[uid] = hour
        t_next[uid] = never
        tracked[uid] = False
        flows[rows[0], day, c] += 1.0
        segment_counts[rows[2], s] += 1


@compiled
def see_tries(
    uids: np.ndarray,
    segments: np.ndarray,
    success: np.ndarray,
    draws: np.ndarray,
    p_detect: np.ndarray,
    p_sight: np.ndarray,
    tracked: np.ndarray,
    breach_seen: np.ndarray,
    observed: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Which tries at the line (`uids` at `segments`, `success`: through the fence) are seen, from one draw each.

    A try at segment s is seen with 1 - (1 - p_detect[s]) (1 - p_sight[s]) (the barrier, its sensors or patrols);
    a draw below p_sight[s] (<= the former) is one the patrols in sight saw themselves: a failed try they see is a
    person they meet and turn back at the line ("stopped"). Those seen getting through are tracked, their breach
    seen and they observed.

    Returns (each in the order of `uids`): the tries seen (uids), the failed tries seen (uids), the failed tries
    met by patrols (uids), and those seen getting through (uids).
    """
    seen = np.empty(uids.size, dtype=np.int64)
    turned_back = np.empty(uids.size, dtype=np.int64)
    stopped = np.empty(uids.size, dtype=np.int64)
    breached = np.empty(uids.size, dtype=np.int64)
    n_seen = n_turned_back = n_stopped = n_breached = 0
    for i in range(uids.size):
        s, uid = segments[i], uids[i]
        p_patrol = p_sight[s]
        if not draws[i] < 1 - (1 - p_detect[s]) * (1 - p_patrol):
            continue
        seen[n_seen] = uid
        n_seen += 1
        if success[i]:
            tracked[uid] = True
            breach_seen[uid] = True
            observed[uid] = True
            breached[n_breached] = uid
            n_breached += 1
        else:
            turned_back[n_turned_back] = uid
            n_turned_back += 1
            if draws[i] < p_patrol:
                stopped[n_stopped] = uid
                n_stopped += 1
    return seen[:n_seen], turned_back[:n_turned_back], stopped[:n_stopped], breached[:n_breached]


@compiled
def see_and_spot(
    tried: np.ndarray,
    tried_segments: np.ndarray,
    success: np.ndarray,
    try_draws: np.ndarray,
    untracked: np.ndarray,
    spot_draws: np.ndarray,
    inside: np.ndarray,
    p_detect: np.ndarray,
    p_sight: np.ndarray,
    segment: np.ndarray,
    country: np.ndarray,
    tracked: np.ndarray,
    breach_seen: np.ndarray,
    observed: np.ndarray,
    recent_breaches: np.ndarray,
    flows: np.ndarray,
    segment_counts: np.ndarray,
    day: int,
    rows: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """The hour's detection (`see_and_spot_into`) into new arrays: returns the people found this hour whom the
    pursuit cannot lose yet, and the people `inside` now tracked."""
    out = np.empty((2, max(tried.size + untracked.size, inside.size)), dtype=np.int64)
    n_found, n_tracked = see_and_spot_into(
        tried,
        tried_segments,
        success,
        try_draws,
        untracked,
        spot_draws,
        inside,
        p_detect,
        p_sight,
        segment,
        country,
        tracked,
        breach_seen,
        observed,
        recent_breaches,
        flows,
        segment_counts,
        day,
        rows,
        out,
    )
    return out[0, :n_found], out[1, :n_tracked]


@compiled
def see_and_spot_into(
    tried: np.ndarray,
    tried_segments: np.ndarray,
    success: np.ndarray,
    try_draws: np.ndarray,
    untracked: np.ndarray,
    spot_draws: np.ndarray,
    inside: np.ndarray,
    p_detect: np.ndarray,
    p_sight: np.ndarray,
    segment: np.ndarray,
    country: np.ndarray,
    tracked: np.ndarray,
    breach_seen: np.ndarray,
    observed: np.ndarray,
    recent_breaches: np.ndarray,
    flows: np.ndarray,
    segment_counts: np.ndarray,
    day: int,
    rows: np.ndarray,
    out: np.ndarray,
) -> tuple[int, int]:
    """The hour's detection: tries at the line seen or not (`see_tries`, draws `try_draws`, one per try), people
    inside nobody tracks spotted by patrols in sight (`untracked`, a draw each in `spot_draws`, spotted when below
    `p_sight` of their segment: tracked and observed from now), and what it counts.

    Counts are added straight into the ledger's tables (`Ledger.flow_table` for `day`, shape (n_flows, days,
    n_countries); `Ledger.segment_table`, shape (n_counters, n_segments)), one per person, at the rows `rows`
    gives (`DETECT_ROWS`): the tries seen, failed and seen, met by patrols, and everyone found (seen at the line or
    spotted) by country; those met by patrols and everyone found by segment. Breaches seen are added to the
    patrols' `recent_breaches` per segment once (a whole count per segment, as `bincount` then `+=` added them).

    Writes into `out` (int64, shape (2, >= max(tried.size + untracked.size, inside.size))): row 0 the people found
    this hour whom the pursuit cannot lose yet (the breaches seen, then the spotted; uids), row 1 the people
    `inside` (the EU zone, ascending) now tracked. Returns how many of each.
    """
    seen, turned_back, stopped, breached = see_tries(
        tried, tried_segments, success, try_draws, p_detect, p_sight, tracked, breach_seen, observed
    )
    found = out[0]
    found[: breached.size] = breached
    n_found = breached.size
    for i in range(untracked.size):
        uid = untracked[i]
        if spot_draws[i] < p_sight[segment[uid]]:
            tracked[uid] = True
            observed[uid] = True
            found[n_found] = uid
            n_found += 1
    spotted = found[breached.size : n_found]
    for uid in seen:
        flows[rows[0], day, country[uid]] += 1.0
    for uid in turned_back:
        flows[rows[1], day, country[uid]] += 1.0
    for uid in stopped:
        flows[rows[2], day, country[uid]] += 1.0
        segment_counts[rows[4], segment[uid]] += 1
    for group in (seen, spotted):
        for uid in group:
            flows[rows[3], day, country[uid]] += 1.0
            segment_counts[rows[5], segment[uid]] += 1
    if breached.size:
        per_segment = np.zeros(recent_breaches.size, dtype=np.int64)
        for uid in breached:
            per_segment[segment[uid]] += 1
        for uid in breached:
            s = segment[uid]
            if per_segment[s]:
                recent_breaches[s] += per_segment[s]
                per_segment[s] = 0
    now_tracked = out[1]
    n = 0
    for uid in inside:
        if tracked[uid]:
            now_tracked[n] = uid
            n += 1
    return n_found, n


@compiled
def inside_unseen(
    active: np.ndarray, state: np.ndarray, tracked: np.ndarray, tried: np.ndarray, in_eu: int
) -> tuple[np.ndarray, np.ndarray]:
    """The active people `in_eu` (ascending), and those of them nobody tracks who did not try the fence this hour
    (`tried`: this hour's tries, uids): the people patrols may spot inside (`inside_unseen_into`)."""
    out = np.empty((2, active.size), dtype=np.int64)
    n_inside, n_untracked = inside_unseen_into(
        active, state, tracked, tried, in_eu, np.zeros(state.size, dtype=np.bool_), out
    )
    return out[0, :n_inside], out[1, :n_untracked]


@compiled
def inside_unseen_into(
    active: np.ndarray,
    state: np.ndarray,
    tracked: np.ndarray,
    tried: np.ndarray,
    in_eu: int,
    just_tried: np.ndarray,
    out: np.ndarray,
) -> tuple[int, int]:
    """The active people `in_eu` (ascending) into row 0 of `out` (int64, shape (2, >= active.size)), and those of
    them nobody tracks who did not try the fence this hour (`tried`: this hour's tries, uids) into row 1: the
    people patrols may spot inside. Returns how many of each. `just_tried` (bool, one per person) is work space,
    all False on entry and left so."""
    for uid in tried:
        just_tried[uid] = True
    n_inside = n_untracked = 0
    for uid in active:
        if state[uid] != in_eu:
            continue
        out[0, n_inside] = uid
        n_inside += 1
        if not tracked[uid] and not just_tried[uid]:
            out[1, n_untracked] = uid
            n_untracked += 1
    for uid in tried:
        just_tried[uid] = False
    return n_inside, n_untracked


@compiled
def push_back(
    uids: np.ndarray,
    blocked: np.ndarray,
    hour: int,
    rest_hours: int,
    max_pushbacks: int,
    pushed_back: int,
    state: np.ndarray,
    n_pushbacks: np.ndarray,
    tracked: np.ndarray,
    y_km: np.ndarray,
    t_next: np.ndarray,
    held: np.ndarray,
) -> np.ndarray:
    """People set down on the Belarusian side (`pushed_back`, untracked, 0.5 km from the line), back at the fence
    next hour where escorts block the way (`blocked`), else after `rest_hours`. Returns those pushed back
    `max_pushbacks` times or more and not held by Belarus (they give up), in the order of `uids`."""
    worn_out = np.empty(uids.size, dtype=np.int64)
    n = 0
    for i in range(uids.size):
        uid = uids[i]
        state[uid] = pushed_back
        n_pushbacks[uid] += 1
        tracked[uid] = False
        y_km[uid] = -0.5
        t_next[uid] = hour + 1 if blocked[i] else hour + 1 + rest_hours
        if n_pushbacks[uid] >= max_pushbacks and not held[uid]:
            worn_out[n] = uid
            n += 1
    return worn_out[:n]


@compiled
def resolve_catch(
    uids: np.ndarray,
    segments: np.ndarray,
    draws: np.ndarray,
    share: np.ndarray,
    blocked_until: np.ndarray,
    barrier: np.ndarray,
    no_barrier: int,
    hour: int,
    rest_hours: int,
    max_pushbacks: int,
    never: int,
    pushed_back: int,
    asylum: int,
    gave_up: int,
    state: np.ndarray,
    country: np.ndarray,
    n_pushbacks: np.ndarray,
    tracked: np.ndarray,
    breach_seen: np.ndarray,
    y_km: np.ndarray,
    t_next: np.ndarray,
    t_done: np.ndarray,
    held: np.ndarray,
    flows: np.ndarray,
    segment_counts: np.ndarray,
    day: int,
    rows: np.ndarray,
) -> None:
    """What becomes of the people apprehended this hour (`uids`, taken at `segments`, one uniform `draws` each):
    pushed back when the draw is below their country's pushback `share` today, else they claim asylum (they leave
    the system: `asylum`, done at `hour`, no timer, untracked).

    The pushed back are set down on the Belarusian side (`push_back`: straight back to the fence next hour where
    escorts block the segment, `blocked_until` > hour); those pushed back `max_pushbacks` times and not held by
    Belarus give up (they leave the system as `gave_up`).

    Counts go straight into the ledger's tables (`Ledger.flow_table` for `day`, `Ledger.segment_table`) at the
    rows `rows` gives (`CATCH_ROWS`): flows apprehensions, apprehended_unseen (breach not seen),
    barrier_apprehensions (caught at a segment with a barrier), pushbacks, blocked_returns, gave_up,
    asylum_claims (by country); segment counters apprehensions, pushbacks.
    """
    pushed = np.empty(uids.size, dtype=np.int64)
    blocked = np.empty(uids.size, dtype=np.bool_)
    n_pushed = 0
    for i in range(uids.size):
        uid, s = uids[i], segments[i]
        c = country[uid]
        flows[rows[0], day, c] += 1.0
        if not breach_seen[uid]:
            flows[rows[1], day, c] += 1.0
        if barrier[s] != no_barrier:
            flows[rows[2], day, c] += 1.0
        segment_counts[rows[7], s] += 1
        if draws[i] < share[c]:
            pushed[n_pushed] = uid
            blocked[n_pushed] = blocked_until[s] > hour
            n_pushed += 1
            segment_counts[rows[8], s] += 1
        else:
            state[uid] = asylum
            t_done[uid] = hour
            t_next[uid] = never
            tracked[uid] = False
            flows[rows[6], day, c] += 1.0
    worn_out = push_back(
        pushed[:n_pushed],
        blocked[:n_pushed],
        hour,
        rest_hours,
        max_pushbacks,
        pushed_back,
        state,
        n_pushbacks,
        tracked,
        y_km,
        t_next,
        held,
    )
    for i in range(n_pushed):
        c = country[pushed[i]]
        flows[rows[3], day, c] += 1.0
        if blocked[i]:
            flows[rows[4], day, c] += 1.0
    for uid in worn_out:
        state[uid] = gave_up
        t_done[uid] = hour
        t_next[uid] = never
        tracked[uid] = False
        flows[rows[5], day, country[uid]] += 1.0
