"""Guard patrols of Poland and Lithuania: deployment, patrol, detection, response and apprehension.

Patrols are rows of arrays (`GuardForce`), each with a Mesa view (`PolishGuard`, `LithuanianGuard`). One agent
is a patrol of `personnel_per_agent` people; a country fields `troops × on_duty_share / personnel_per_agent`
patrols. Detection and apprehension follow "request, then resolve": tries and sightings are collected for the
hour, alarms dispatch the nearest free patrols, and each segment's arrived patrols take at most their capacity.
"""

from __future__ import annotations

from dataclasses import dataclass

import mesa
import numpy as np

from sim.config.enums import EU_COUNTRIES, Country, Deployment
from sim.config.guards import GuardsConfig
from sim.core.agents import GUARD_CLASSES, Guard
from sim.core.border import Border
from sim.core.guards import beats, catch
from sim.core.guards.response import send_nearest, shortfall, shortfall_into
from sim.core.scratch import room
from sim.core.states import PatrolState

# Patrol states as plain ints: an enum member lookup costs microseconds, and these sit in the hourly loop.
OFF_DUTY, PATROLLING, RESPONDING, HANDLING, DIVERTED = (int(state) for state in PatrolState)

#: Keeps a few patrols on even the strongest wall under `by_risk` (assumption: walls are still watched).
VULNERABILITY_FLOOR = 0.02


#: Powers of a segment's chance to miss a person kept in a table (`miss_powers`): 0 to this - 1 patrols in reach
#: (a full season's busiest segment has ~90; more fall back to numpy's power).
SIGHT_POWERS = 128


def miss_powers(p_miss: np.ndarray, k_max: int) -> np.ndarray:
    """numpy's `p_miss ** k` for k = 0 .. k_max - 1, row k; shape (k_max, n_segments).

    Each row is computed as the hour's `p_miss ** n_near` is (a float64 array to the power of an int64 array of
    the same shape), so a value looked up here is the one numpy's power gives there: numpy picks its power kernel
    by CPU (SIMD on AVX-512) and the table is made by the same kernel (`tests/core/test_optimisations.py`)."""
    table = np.empty((k_max, p_miss.size))
    for k in range(k_max):
        table[k] = p_miss ** np.full(p_miss.size, k, dtype=np.int64)
    return table


def patrols_for(personnel: float, cfg: GuardsConfig) -> int:
    """Patrol agents a troop level fields: troops × on-duty share / personnel per agent."""
    return round(personnel * cfg.on_duty_share / cfg.personnel_per_agent)


@dataclass
class Catch:
    """People apprehended this hour, by segment."""

    uids: np.ndarray
    segments: np.ndarray

    @classmethod
    def none(cls) -> Catch:
        """Nobody apprehended."""
        return cls(np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64))


class GuardForce:
    """All patrols of both countries as arrays; rows of a country form one block, active rows first."""

    def __init__(self, cfg: GuardsConfig, border: Border, max_agents: dict[Country, int], model: mesa.Model) -> None:
        self.cfg = cfg
        self.border = border
        self.model = model
        self.block: dict[Country, np.ndarray] = {}
        start = 0
        for c in EU_COUNTRIES:
            self.block[c] = np.arange(start, start + max_agents.get(c, 0))
            start += max_agents.get(c, 0)
        n = start
        self.n = n
        self.country = np.zeros(n, dtype=np.int8)
        self.line_lo = np.zeros(n)  # patrols stay on their own country's line
        self.line_hi = np.zeros(n)
        for c, rows in self.block.items():
            self.country[rows] = int(c)
            if c in border.line_offset_km:
                self.line_lo[rows] = border.line_offset_km[c]
                self.line_hi[rows] = border.line_offset_km[c] + border.line_length_km[c] - 1e-6
        self.hour = 0
        self.state = np.full(n, OFF_DUTY, dtype=np.int8)
        self.x_km = np.zeros(n)
        self.home_x_km = np.zeros(n)
        self.target = np.full(n, -1, dtype=np.int64)
        self.t_arrive = np.zeros(n, dtype=np.int64)
        self.t_busy_until = np.zeros(n, dtype=np.int64)
        self.n_active = dict.fromkeys(EU_COUNTRIES, 0)
        self._n_free: int | None = None  # free patrols as `advance` left them; None once states change after it
        self._segment_rows = np.zeros((border.n, 2), dtype=np.int64)  # on-duty rows of each segment's country
        self.views: dict[int, Guard] = {}
        # per country, what its homes were last spread from (patrols, breach and detection rate arrays) and to
        self._spread: dict[Country, tuple[int, np.ndarray, np.ndarray, np.ndarray] | None] = {}
        self.recent_breaches = np.zeros(border.n)  # breaches seen per segment, fading (`reinforce`); added by detection
        self.personnel = dict.fromkeys(EU_COUNTRIES, 0.0)
        # sight geometry is fixed: per segment the stretch of its country's line from which a patrol sees it
        reach = cfg.sight_km * border.sight_factor
        self._sight = beats.SightIndex(border.start_x - reach, border.start_x + border.length_km + reach)
        self._p_miss = 1.0 - cfg.p_see * np.minimum(1.0, 2 * reach / border.length_km)
        self._miss_powers = miss_powers(self._p_miss, SIGHT_POWERS)
        self._n_near = np.zeros(border.n, dtype=np.int64)  # `sight_probability`'s work space
        # `apprehend`'s work arrays (`sim.core.scratch`): the arrived responders and their count per segment; the
        # candidates within their reach and their segments (rows 0, 1), the people taken and their segments (2, 3)
        self._arrived = np.empty(n, dtype=np.int64)
        self._per_segment = np.zeros(border.n, dtype=np.int64)
        self._catch_work = np.empty((4, 0), dtype=np.int64)
        # `dispatch`'s work arrays: responders per segment; the segments short of them and how many each lacks
        self._have = np.empty(border.n, dtype=np.int64)
        self._short = np.empty((2, border.n), dtype=np.int64)

    # --- troop levels and deployment ----------------------------------------------------------------------------

    def set_level(self, country: Country, personnel: float) -> None:
        """Bring a country's patrols on or off duty to match its troop level (none for a country without a line:
        its troops are not on this border and cost nothing here)."""
        self._n_free = None
        rows = self.block[country]
        self.personnel[country] = personnel if country in self.border.line_offset_km else 0.0
        target = min(patrols_for(personnel, self.cfg), len(rows))
        current = self.n_active[country]
        if target > current:
            new = rows[current:target]
            self.state[new] = PATROLLING
            self._set_active(country, target)
            self.x_km[new] = self.home_x_km[new]
            cls = GUARD_CLASSES[country]
            for uid in new:
                self.views[int(uid)] = cls(self.model, int(uid))
        elif target < current:
            gone = rows[target:current]
            self.state[gone] = OFF_DUTY
            self.target[gone] = -1
            for uid in gone:
                self.views.pop(int(uid)).remove()
            self._set_active(country, target)

    def _set_active(self, country: Country, n: int) -> None:
        """The country's first `n` rows are on duty: its segments' alarms search them; homes spread anew."""
        self.n_active[country] = n
        rows = self.block[country]
        first = rows[0] if rows.size else 0
        self._segment_rows[self.border.country == int(country)] = (first, first + n)
        self.redeploy(country)

    def active(self, country: Country) -> np.ndarray:
        """A country's patrol rows on duty."""
        return self.block[country][: self.n_active[country]]

    def deployment_weights(self, segments: np.ndarray) -> np.ndarray:
        """How much of the force each segment deserves (see `guards.deployment`)."""
        b = self.border
        length = b.length_km[segments]
        if self.cfg.deployment is Deployment.uniform:
            return length
        if self.cfg.deployment is Deployment.by_risk:
            # a commander guards the gaps: terrain risk times how easily a try gets through unseen
            vulnerability = b.p_breach[segments] * (1 - b.p_detect[segments])
            return length * b.risk[segments] * (vulnerability + VULNERABILITY_FLOOR)
        recent = self.recent_breaches[segments]
        base = length / length.sum()
        return base + (recent / recent.sum() if recent.sum() > 0 else 0.0)

    def redeploy(self, country: Country) -> None:
        """Spread home positions over the line at quantiles of the deployment weights."""
        rows = self.active(country)
        if not rows.size:
            return
        b = self.border
        # the weights of `uniform` and `by_risk` change only with the fence's rates, which `Border.refresh` replaces
        # by new arrays: with the same patrols, the same rate arrays and the homes as last spread, nothing changes
        # (most days: this skips ~20 numpy calls a country a day)
        inputs = None if self.cfg.deployment is Deployment.reinforce else (rows.size, b.p_breach, b.p_detect)
        last = self._spread.get(country)
        if (
            inputs is not None
            and last is not None
            and last[0] == inputs[0]
            and last[1] is inputs[1]
            and last[2] is inputs[2]
            and np.array_equal(self.home_x_km[rows], last[3])
        ):
            return
        segs = np.flatnonzero(b.country == int(country))
        w = self.deployment_weights(segs)
        cum = np.concatenate([[0.0], np.cumsum(w)])
        edges = np.concatenate([b.start_x[segs], [b.start_x[segs[-1]] + b.length_km[segs[-1]]]])
        q = (np.arange(rows.size) + 0.5) / rows.size * cum[-1]
        homes = np.interp(q, cum, edges)
        self.home_x_km[rows] = homes
        self._spread[country] = None if inputs is None else (*inputs, homes)

    def end_of_day(self) -> None:
        """Forget old breaches; patrols redeploy to the day's fence (`by_risk`) or breaches (`reinforce`)."""
        self.recent_breaches *= np.exp(-1.0 / self.cfg.reinforce_days)
        if self.cfg.deployment is not Deployment.uniform:
            for c in EU_COUNTRIES:
                self.redeploy(c)

    # --- hourly behaviour ---------------------------------------------------------------------------------------

    def advance(self, hour: int) -> None:
        """Sent patrols reach their target; patrols whose task is over go back to patrolling."""
        self.hour = hour
        self._n_free = beats.end_tasks(
            self.state,
            self.x_km,
            self.target,
            self.t_arrive,
            self.t_busy_until,
            self.border.center_x,
            hour,
            PATROLLING,
            RESPONDING,
            DIVERTED,
            HANDLING,
        )

    def patrol(self, rng: np.random.Generator) -> None:
        """Free patrols walk their beat around their home position (one uniform step each from `rng`)."""
        n_free = self._n_free  # counted by `advance`, the hour's step before
        if n_free is None:  # no `advance` since the patrols' states last changed
            n_free = int(np.count_nonzero(self.state == PATROLLING))
        self._n_free = None
        if not n_free:
            return
        step = self.cfg.patrol_kmh
        wander = rng.uniform(-step, step, n_free)
        beats.walk_beats(
            self.state,
            self.x_km,
            self.home_x_km,
            self.line_lo,
            self.line_hi,
            wander,
            PATROLLING,
            step,
            self.cfg.beat_km,
        )

    def watching(self) -> np.ndarray:
        """Patrols keeping watch: patrolling, or arrived where they were sent (not en route, handling, diverted)."""
        return beats.watching(self.state, self.t_arrive, self.hour, PATROLLING, RESPONDING)

    def sight_probability(self) -> np.ndarray:
        """Chance per hour that the patrols near a segment see one given person there.

        A patrol within `sight_km` (× terrain) of a segment covers `2 × reach / length` of it and notices a
        person there with `p_see`; patrols act independently and only on their own country's line.
        """
        sight, n_near = self._sight, self._n_near
        p_sight = np.empty(self.border.n)
        beyond = beats.sight_chances(
            self.state,
            self.t_arrive,
            self.hour,
            PATROLLING,
            RESPONDING,
            self.x_km,
            self.country,
            self.border.country,
            sight.lo_km,
            sight.hi_km,
            sight.first_km,
            sight.bin_ptr,
            sight.bin_segments,
            self._miss_powers,
            n_near,
            p_sight,
        )
        if beyond:  # more patrols in reach than the table holds: numpy's power, as the table would have it
            crowded = np.flatnonzero(n_near >= SIGHT_POWERS)
            p_sight[crowded] = 1.0 - self._p_miss[crowded] ** n_near[crowded]
        return p_sight

    def dispatch(self, alarm_segments: np.ndarray, hour: int) -> None:
        """Send the nearest free patrols of the segment's country to each alarm (unless enough are on it)."""
        if not alarm_segments.size:
            return
        # most alarms come from hunts already staffed: only segments short of responders get a search
        short = self._short
        n = shortfall_into(
            alarm_segments, self.state, self.target, RESPONDING, self.cfg.responders_per_alarm, self._have, short
        )
        if n:
            self._send_nearest(short[0, :n], short[1, :n], hour, RESPONDING, self.cfg.pursuit_hours)

    def send(self, segment: int, k: int, hour: int, state: int, busy_hours: int | None) -> int:
        """Send up to `k` free patrols of the segment's country (fewer responders if some already hunt there);
        returns how many went."""
        segments, wanted = np.array([segment]), np.array([k])
        if state == RESPONDING:  # responders already there count, as for an alarm
            segments, wanted = shortfall(segments, self.state, self.target, RESPONDING, k, self.border.n)
        if not segments.size or wanted[0] <= 0:
            return 0
        busy = self.cfg.pursuit_hours if busy_hours is None else busy_hours
        return self._send_nearest(segments, wanted, hour, int(state), busy)

    def _send_nearest(self, segments: np.ndarray, wanted: np.ndarray, hour: int, state: int, busy_hours: int) -> int:
        """Serve the segments in order, each with its `wanted` nearest free patrols, who set off at once
        (`sim.core.guards.response`); returns how many went."""
        self._n_free = None
        return send_nearest(
            segments,
            wanted,
            self.border.center_x,
            self._segment_rows,
            self.state,
            self.x_km,
            self.target,
            self.t_arrive,
            self.t_busy_until,
            PATROLLING,
            state,
            int(hour),
            float(self.cfg.respond_kmh),
            int(busy_hours),
        )

    def apprehend(self, people, candidates: np.ndarray, hour: int, rng: np.random.Generator) -> Catch:
        """Arrived responders take tracked people at their segment, up to their capacity, each with p_apprehend.

        The catch returned is a view of this component's work arrays (`sim.core.scratch`), good until its next
        call."""
        self._n_free = None
        if not candidates.size:
            return Catch.none()
        work = self._catch_work = room(self._catch_work, candidates.size)
        n_arrived, n = catch.responders_and_candidates(
            self.state,
            self.t_arrive,
            self.target,
            hour,
            RESPONDING,
            candidates,
            people.segment,
            self._arrived,
            self._per_segment,
            work[0],
            work[1],
        )
        if not n_arrived:
            return Catch.none()
        eligible = rng.random(n) < self.cfg.p_apprehend
        n_eligible = int(np.count_nonzero(eligible))
        if not n_eligible:
            return Catch.none()
        # in a random order at each segment, as many as its responders can take; as many responders as the catch
        # needs leave to handle it, the others keep hunting
        n_taken = catch.take_into(
            work[0, :n],
            work[1, :n],
            eligible,
            rng.random(n_eligible),
            self._per_segment,
            self._arrived[:n_arrived],
            self.target,
            self.state,
            self.t_busy_until,
            self.cfg.capacity_per_hour,
            HANDLING,
            hour + self.cfg.handling_hours,
            work[2],
            work[3],
        )
        return Catch(work[2, :n_taken], work[3, :n_taken])

    def counts_per_segment(self) -> np.ndarray:
        """Watching patrols per segment, as escorts (and the map) see them."""
        b = self.border
        watching = self.watching()
        segs = np.clip(np.searchsorted(b.start_x, self.x_km[watching], side="right") - 1, 0, b.n - 1)
        return np.bincount(segs, minlength=b.n)

    def on_duty(self) -> np.ndarray:
        """Patrols on duty per country (index = Country)."""
        on = self.state != OFF_DUTY
        return np.bincount(self.country[on], minlength=len(Country))
