"""Sending the nearest free patrols to alarms, compiled with numba (like the other hourly loops over patrols).

Why compiled: a full season sends patrols to ~33,000 alarms, about nine an hour, each a search among up to 1,500
free patrols of a country. As numpy calls (a sort per alarm) or as a Python search of a sorted index this was a
quarter of a full-scale run, and an hour has too few alarms for one vectorised call to serve them all. Compiled
with numba, a plain scan of the country's patrols per alarm costs microseconds and needs no index.

What it does is the rule in docs/ODD.md (alarm and response): alarms are served in order, each with the k free
(`PATROLLING`) patrols of its country nearest to the segment's centre, as a stable sort by distance gives them
(nearest first, ties to the lower row); a patrol sent to one alarm is no longer free for the next. The patrols
set off at once. `tests/core/test_optimisations.py` checks both functions against that straightforward numpy code.
"""

from __future__ import annotations

import math

import numpy as np

from sim.core.jit import compiled


@compiled
def shortfall(
    alarm_segments: np.ndarray, state: np.ndarray, target: np.ndarray, responding: int, need: int, n_segments: int
) -> tuple[np.ndarray, np.ndarray]:
    """The alarm segments (ascending, each once) with fewer than `need` responders, and how many each lacks
    (`shortfall_into` into new arrays).

    Responders are patrols `responding` to the segment, en route or arrived.
    """
    out = np.empty((2, n_segments), dtype=np.int64)
    n = shortfall_into(alarm_segments, state, target, responding, need, np.empty(n_segments, dtype=np.int64), out)
    return out[0, :n], out[1, :n]


@compiled
def shortfall_into(
    alarm_segments: np.ndarray,
    state: np.ndarray,
    target: np.ndarray,
    responding: int,
    need: int,
    have: np.ndarray,
    out: np.ndarray,
) -> int:
    """The alarm segments (ascending, each once) with fewer than `need` responders into row 0 of `out` (int64,
    shape (2, >= n_segments)), how many each lacks into row 1; returns how many segments. `have` (int64, one item
    per segment) is work space.

    Responders are patrols `responding` to the segment, en route or arrived.
    """
    have[:] = 0
    for row in range(state.size):
        if state[row] == responding:
            have[target[row]] += 1
    for s in alarm_segments:  # flag an alarmed segment by a negative count
        if have[s] >= 0:
            have[s] = -1 - have[s]
    n = 0
    for s in range(have.size):
        k = -1 - have[s]  # the responders of an alarmed segment
        if have[s] < 0 and k < need:
            out[0, n] = s
            out[1, n] = need - k
            n += 1
    return n


@compiled
def send_nearest(
    segments: np.ndarray,
    wanted: np.ndarray,
    segment_center_km: np.ndarray,
    segment_rows: np.ndarray,
    state: np.ndarray,
    x_km: np.ndarray,
    target: np.ndarray,
    t_arrive: np.ndarray,
    t_busy_until: np.ndarray,
    free: int,
    sent: int,
    hour: int,
    respond_kmh: float,
    busy_hours: int,
) -> int:
    """Send each segment's `wanted` nearest free patrols, segment by segment; returns how many went.

    Args:
        segments, wanted: the segments to serve, in order, and how many patrols each wants.
        segment_center_km: every segment's centre on the line.
        segment_rows: per segment, the first and one-past-last patrol row of its country (a country's patrols are
            one block of rows).
        state, x_km, target, t_arrive, t_busy_until: the patrols' columns (`GuardForce`), updated in place.
        free, sent: the state of a free patrol, and the state the sent ones take (responding or diverted).
        hour, respond_kmh, busy_hours: the clock; travel takes ⌈distance / respond_kmh⌉ hours, and the task keeps
            a patrol busy `busy_hours` after it arrives.

    An alarm gets fewer patrols than it wants when its country runs out of free ones.
    """
    k_most = max(1, wanted.max()) if wanted.size else 1
    best_d = np.empty(k_most)
    best_row = np.empty(k_most, dtype=np.int64)
    went = 0
    for a in range(segments.size):
        s, k = segments[a], wanted[a]
        if k <= 0:
            continue
        at = segment_center_km[s]
        found = 0
        for row in range(segment_rows[s, 0], segment_rows[s, 1]):  # ascending: an equal distance keeps the lower row
            if state[row] != free:
                continue
            d = abs(x_km[row] - at)
            if found == k and d >= best_d[k - 1]:
                continue
            p = min(found, k - 1)
            while p > 0 and best_d[p - 1] > d:
                best_d[p], best_row[p] = best_d[p - 1], best_row[p - 1]
                p -= 1
            best_d[p], best_row[p] = d, row
            found = min(found + 1, k)
        for i in range(found):
            row = best_row[i]
            travel = math.ceil(best_d[i] / respond_kmh)
            state[row] = sent  # no longer free for the next alarm
            target[row] = s
            t_arrive[row] = hour + travel
            t_busy_until[row] = hour + travel + busy_hours
            if travel == 0:
                x_km[row] = at
        went += found
    return went
