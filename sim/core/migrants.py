"""What people do, as batch transitions over uids: leave camp, reach the line, try the fence, switch segment,
walk inside the EU zone, cross, get pushed back, claim asylum, give up, die.

Each transition sets every field that changes and counts itself in the ledger, so no event is counted twice
and the people are conserved by construction (tests check it every day).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.config.enums import Country
from sim.config.migrant import MigrantConfig
from sim.core import transitions
from sim.core.border import NO_BARRIER, Border
from sim.core.ledger import Ledger, table_rows
from sim.core.population import NEVER, Population
from sim.core.scratch import room
from sim.core.states import MigrantState

# States as plain ints: an enum member lookup costs microseconds, and these sit in the hourly loop.
APPROACHING, AT_FENCE, IN_EU, PUSHED_BACK = (
    int(s) for s in (MigrantState.APPROACHING, MigrantState.AT_FENCE, MigrantState.IN_EU, MigrantState.PUSHED_BACK)
)
CROSSED, ASYLUM, GAVE_UP, DIED = (
    int(s) for s in (MigrantState.CROSSED, MigrantState.ASYLUM, MigrantState.GAVE_UP, MigrantState.DIED)
)


#: The ledger rows `transitions.count_tries` counts into: flows attempts, breaches, barrier_breaches; segment
#: counters attempts, breaches.
TRY_ROWS = table_rows(("attempts", "breaches", "barrier_breaches"), ("attempts", "breaches"))
#: The ledger rows `transitions.cross` counts into: flows crossings, barrier_escapes_seen; segment counter crossings.
CROSS_ROWS = table_rows(("crossings", "barrier_escapes_seen"), ("crossings",))


@dataclass
class Tries:
    """This hour's tries at the fences."""

    uids: np.ndarray
    segments: np.ndarray
    success: np.ndarray

    @classmethod
    def none(cls) -> Tries:
        """No tries this hour."""
        empty = np.empty(0, dtype=np.int64)
        return cls(empty, empty, np.empty(0, dtype=bool))


class Migrants:
    def __init__(self, cfg: MigrantConfig, people: Population, border: Border, ledger: Ledger) -> None:
        self.cfg = cfg
        self.people = people
        self.border = border
        self.ledger = ledger
        self.day = 0
        self.groups = 0  # groups that have left the camps (numbered 1, 2, ... by `new_group`)
        self.held_retry_hours = np.full(len(Country), cfg.retry_hours, dtype=np.int64)  # per line (massing)
        # work arrays of the hourly passes (`sim.core.scratch`): who is due at a fence (tired, impatient, trying),
        # the tries' outcomes and segments, who crossed
        self._due = np.empty((3, 0), dtype=np.int64)
        self._success = np.empty(0, dtype=bool)
        self._segs = np.empty(0, dtype=np.int64)
        self._crossed = np.empty(0, dtype=np.int64)

    def _count(self, name: str, uids: np.ndarray) -> None:
        if uids.size:
            self.ledger.count(name, self.day, self.people.country[uids])

    def _leave(self, uids: np.ndarray, state: int, hour: int, counter: str) -> None:
        """People leave the system for good."""
        if not uids.size:
            return
        p = self.people
        p.state[uids] = state
        p.t_done[uids] = hour
        p.t_next[uids] = NEVER
        p.tracked[uids] = False
        self._count(counter, uids)

    # --- transitions --------------------------------------------------------------------------------------------

    def new_group(self) -> int:
        """The number of the next group to leave the camps (1 for the first)."""
        self.groups += 1
        return self.groups

    def depart(self, uids: np.ndarray, segment: int, group: int, hour: int, arrive_hour: int) -> None:
        """An escorted group leaves the camps for a segment."""
        p = self.people
        p.state[uids] = APPROACHING
        p.country[uids] = self.border.country[segment]
        p.segment[uids] = segment
        p.group[uids] = group
        p.t_zone[uids] = hour
        p.t_next[uids] = arrive_hour
        p.y_km[uids] = -self.border.belarus_depth_km
        p.enter_zone(uids)

    def reach_line(self, uids: np.ndarray, hour: int) -> None:
        """A group reaches its fence segment (those of it still on the way: some may have died)."""
        p = self.people
        uids = uids[p.state[uids] == APPROACHING]
        p.state[uids] = AT_FENCE
        p.t_segment[uids] = hour
        p.t_next[uids] = hour
        p.y_km[uids] = 0.0
        self._count("arrivals", uids)

    def try_fences(self, hour: int, rng: np.random.Generator, rng_move: np.random.Generator) -> Tries:
        """People at a fence whose turn has come give up, move on to another segment, or try once.

        Breach draws come from `rng` (the barriers stream), moves from `rng_move` (the migrants stream). The tries
        returned are views of this component's work arrays (`sim.core.scratch`), good until its next call."""
        p, cfg, b = self.people, self.cfg, self.border
        due = self._due = room(self._due, p.active.size)
        n_tired, n_impatient, n_trying = transitions.due_at_fence_into(
            p.active,
            p.state,
            p.t_next,
            p.n_attempts,
            p.t_zone,
            p.t_segment,
            p.held,  # people held at the line by Belarus may not go back
            hour,
            AT_FENCE,
            cfg.max_attempts,
            cfg.max_zone_days * 24,
            cfg.patience_hours,
            due,
        )
        if n_tired:
            self.give_up(due[0, :n_tired], hour)
        if n_impatient:
            self.switch_segment(due[1, :n_impatient], hour, rng_move)
        if not n_trying:
            return Tries.none()
        uids = due[2, :n_trying]
        success, segs = self._success[:n_trying], self._segs[:n_trying]
        if success.size < n_trying:
            self._success = np.empty(due.shape[1], dtype=bool)
            self._segs = np.empty(due.shape[1], dtype=np.int64)
            success, segs = self._success[:n_trying], self._segs[:n_trying]
        led = self.ledger
        transitions.try_and_count(
            uids,
            rng.random(n_trying),
            p.segment,
            b.p_breach,
            b.barrier,
            NO_BARRIER,
            b.bar_delay_hours,
            b.walk_factor,
            cfg.walk_kmh_eu,
            p.country,
            p.held,
            self.held_retry_hours,
            cfg.retry_hours,
            hour,
            IN_EU,
            p.state,
            p.y_km,
            p.tracked,
            p.breach_seen,
            p.observed,
            p.n_attempts,
            p.t_next,
            led.flow_table,
            led.segment_table,
            self.day,
            TRY_ROWS,
            success,
            segs,
        )
        return Tries(uids, segs, success)

    def switch_segment(self, uids: np.ndarray, hour: int, rng: np.random.Generator) -> None:
        """Walk to another segment of the same line, avoiding the ones remembered as failed when possible."""
        if not uids.size:
            return
        p, cfg, b = self.people, self.cfg, self.border
        old = p.segment[uids]
        p.remember(uids, old)
        k = cfg.switch_max_segments

        def draw() -> np.ndarray:
            offsets = rng.integers(1, k + 1, uids.size) * np.where(rng.random(uids.size) < 0.5, -1, 1)
            return b.neighbour(old, offsets)

        new = draw()
        again = p.remembers(uids, new)
        if again.any():
            new[again] = draw()[again]
        dist = np.abs(b.center_x[new] - b.center_x[old])
        speed = cfg.walk_kmh * b.walk_factor[old]
        travel = np.maximum(1, np.ceil(dist / speed)).astype(np.int64)
        p.segment[uids] = new
        p.t_segment[uids] = hour + travel
        p.t_next[uids] = hour + travel

    def walk_inside(self, hour: int) -> np.ndarray:
        """People inside the EU zone walk inland; reaching the interior line is a crossing. Returns those who
        crossed (a view of this component's work array, good until its next call)."""
        p, b, led = self.people, self.border, self.ledger
        crossed = self._crossed = room(self._crossed, p.active.size)
        # counted as crossings, and those seen after a barrier breach and not caught as barrier_escapes_seen: the
        # 2023 "zaobserwowane przekroczenia" (docs/ODD.md 7.7)
        n = transitions.walk_and_cross(
            p.active,
            p.state,
            p.t_next,
            p.segment,
            p.y_km,
            b.walk_factor,
            self.cfg.walk_kmh_eu,
            b.eu_depth_km,
            hour,
            IN_EU,
            CROSSED,
            NEVER,
            p.t_done,
            p.tracked,
            p.observed,
            b.barrier,
            NO_BARRIER,
            p.country,
            led.flow_table,
            led.segment_table,
            self.day,
            CROSS_ROWS,
            crossed,
        )
        return crossed[:n]

    def return_to_fence(self, hour: int) -> None:
        """Rested (or forced) pushed-back people go back to the fence at the segment they were returned to."""
        p = self.people
        transitions.return_to_fence(p.active, p.state, p.t_next, p.y_km, p.t_segment, hour, PUSHED_BACK, AT_FENCE)

    def back_to_camp(self, uids: np.ndarray) -> None:
        """Back from the line to the camps in Belarus (the caller queues them there); they leave the zone."""
        if not uids.size:
            return
        p = self.people
        p.state[uids] = int(MigrantState.IN_CAMP)
        p.country[uids] = int(Country.BELARUS)
        p.segment[uids] = -1
        p.t_next[uids] = NEVER
        p.tracked[uids] = False
        p.y_km[uids] = 0.0

    def claim_asylum(self, uids: np.ndarray, hour: int) -> None:
        self._leave(uids, ASYLUM, hour, "asylum_claims")

    def give_up(self, uids: np.ndarray, hour: int) -> None:
        self._leave(uids, GAVE_UP, hour, "gave_up")

    def die(self, uids: np.ndarray, hour: int) -> None:
        self._leave(uids, DIED, hour, "deaths")
