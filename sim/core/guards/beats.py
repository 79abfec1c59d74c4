"""The patrols' hour on their beats, compiled: tasks ending, free patrols walking, and who is near each segment.

Why compiled: these run every hour over all ~2,000 patrols, whatever else happens. As numpy they were ~40 calls
an hour on small arrays, each paying numpy's fixed cost, and together a fifth of a full-scale run (and nearly all
of a quiet one). One pass per row in numba does the same arithmetic in the same order, so the results are the
same to the bit; `tests/core/test_optimisations.py` checks each function against the numpy code it replaced.

Random draws stay outside: `GuardForce.patrol` draws the free patrols' steps from the guards' stream, as before,
and passes them in.
"""

from __future__ import annotations

import numpy as np

from sim.core.jit import compiled


@compiled
def end_tasks(
    state: np.ndarray,
    x_km: np.ndarray,
    target: np.ndarray,
    t_arrive: np.ndarray,
    t_busy_until: np.ndarray,
    segment_center_km: np.ndarray,
    hour: int,
    free: int,
    responding: int,
    diverted: int,
    handling: int,
) -> int:
    """Sent patrols whose arrival hour has come reach their segment's centre; patrols whose task is over are free
    again where they are. Returns how many patrols are free afterwards (the hour's beat steps to draw)."""
    n_free = 0
    for row in range(state.size):
        s = state[row]
        sent = s in (responding, diverted)
        if sent and t_arrive[row] == hour:
            x_km[row] = segment_center_km[target[row]]
        if (sent or s == handling) and t_busy_until[row] <= hour:
            state[row] = free
            target[row] = -1
        if state[row] == free:
            n_free += 1
    return n_free


@compiled
def walk_beats(
    state: np.ndarray,
    x_km: np.ndarray,
    home_x_km: np.ndarray,
    line_lo: np.ndarray,
    line_hi: np.ndarray,
    wander: np.ndarray,
    free: int,
    step: float,
    beat: float,
) -> None:
    """Free patrols within `beat` of home wander by their draw (kept within the beat); those farther walk `step`
    toward home. Nobody leaves their own country's line. The i-th free row (ascending) takes the i-th draw, so
    `wander` has one draw per free patrol (compiled code does not check the bounds)."""
    i = 0
    for row in range(state.size):
        if state[row] != free:
            continue
        x, home = x_km[row], home_x_km[row]
        gap = home - x
        wandered = min(max(x + wander[i], home - beat), home + beat)
        moved = x + min(max(gap, -step), step) if abs(gap) > beat else wandered
        x_km[row] = min(max(moved, line_lo[row]), line_hi[row])
        i += 1


@compiled
def watching(state: np.ndarray, t_arrive: np.ndarray, hour: int, free: int, responding: int) -> np.ndarray:
    """Patrols keeping watch: free ones, and responders that have arrived (not en route, handling or diverted)."""
    out = np.empty(state.size, dtype=np.bool_)
    for row in range(state.size):
        out[row] = state[row] == free or (state[row] == responding and t_arrive[row] <= hour)
    return out


class SightIndex:
    """Which segments a patrol at a given km might see, by 1 km bin of the line: the segments whose sight stretch
    [lo_km, hi_km] overlaps the bin (a compressed list per bin). Built once: the stretches are fixed.

    Why: counting the patrols in each segment's stretch by sorting their positions every hour cost more than the
    count itself; with the bins, each watching patrol checks the few segments listed for its bin.
    """

    def __init__(self, lo_km: np.ndarray, hi_km: np.ndarray) -> None:
        self.lo_km, self.hi_km = lo_km, hi_km
        self.first_km = float(np.floor(lo_km.min()))
        first_bin = np.floor(lo_km - self.first_km).astype(np.int64)
        last_bin = np.floor(hi_km - self.first_km).astype(np.int64)
        n_bins = int(last_bin.max()) + 1
        per_bin: list[list[int]] = [[] for _ in range(n_bins)]
        for segment, (a, b) in enumerate(zip(first_bin.tolist(), last_bin.tolist(), strict=True)):
            for k in range(a, b + 1):
                per_bin[k].append(segment)
        self.bin_ptr = np.cumsum([0] + [len(segs) for segs in per_bin]).astype(np.int64)
        self.bin_segments = np.array([s for segs in per_bin for s in segs], dtype=np.int64)


@compiled
def sight_chances(
    state: np.ndarray,
    t_arrive: np.ndarray,
    hour: int,
    free: int,
    responding: int,
    x_km: np.ndarray,
    country: np.ndarray,
    segment_country: np.ndarray,
    lo_km: np.ndarray,
    hi_km: np.ndarray,
    first_km: float,
    bin_ptr: np.ndarray,
    bin_segments: np.ndarray,
    miss_powers: np.ndarray,
    n_near: np.ndarray,
    p_sight: np.ndarray,
) -> int:
    """Who keeps watch (as `watching`) and how many of them are in reach of each segment (the watching patrols of
    its own country with lo_km <= x <= hi_km, through `SightIndex`'s bins), in one pass; then each segment's chance
    that its patrols in reach see a person: p_sight[s] = 1 - miss_powers[n_near[s], s], where `miss_powers`
    (shape (k_max, n_segments)) holds numpy's powers p_miss ** k (`GuardForce`), so the chances are numpy's
    `1 - p_miss ** n_near` to the bit.

    Fills `n_near` (int64) and `p_sight` (float64), both shape (n_segments,); a segment with k_max or more
    patrols in reach gets NaN in `p_sight`. Returns how many such segments there are (the caller works them out).
    """
    n_near[:] = 0
    n_bins = bin_ptr.size - 1
    for row in range(x_km.size):
        s_row = state[row]
        if not (s_row == free or (s_row == responding and t_arrive[row] <= hour)):
            continue
        x = x_km[row]
        b = int(np.floor(x - first_km))
        if b < 0 or b >= n_bins:
            continue
        for i in range(bin_ptr[b], bin_ptr[b + 1]):
            s = bin_segments[i]
            if segment_country[s] == country[row] and lo_km[s] <= x <= hi_km[s]:
                n_near[s] += 1
    k_max = miss_powers.shape[0]
    beyond = 0
    for s in range(n_near.size):
        k = n_near[s]
        if k < k_max:
            p_sight[s] = 1.0 - miss_powers[k, s]
        else:
            p_sight[s] = np.nan
            beyond += 1
    return beyond
