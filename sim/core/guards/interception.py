"""What the guards do with people each hour: detect tries and spot people inside, lose some of the people they
track, then apprehend the tracked ones within reach, each apprehended person pushed back or claiming asylum by
the country's policy of the day.

The patrols themselves (duty, beats, sight, dispatch, who takes whom) are `GuardForce` (`force.py`); this module
joins them to the people, the books and the policy. All draws come from the guards' stream (`rng`), in the
order the design states (docs/ODD.md 7.5): the sighting of tries, the spotting inside, the loss of contact,
then apprehension's eligibility and order (in `GuardForce.apprehend`) and the pushback draw.
"""

from __future__ import annotations

import numpy as np

from sim.core import transitions
from sim.core.border import NO_BARRIER, Border
from sim.core.guards import catch as guards_catch
from sim.core.guards.force import RESPONDING, GuardForce
from sim.core.ledger import Ledger, table_rows
from sim.core.migrants import ASYLUM, GAVE_UP, IN_EU, PUSHED_BACK, Migrants, Tries
from sim.core.policy import Policy
from sim.core.population import NEVER, Population
from sim.core.scratch import room

#: The ledger rows `transitions.see_and_spot` counts into: flows detected_attempts, turned_back_at_line,
#: stopped_at_line, detections; segment counters stopped_at_line, detections.
DETECT_ROWS = table_rows(
    ("detected_attempts", "turned_back_at_line", "stopped_at_line", "detections"), ("stopped_at_line", "detections")
)
#: The ledger rows `catch.count_catch` counts into: flows apprehensions, apprehended_unseen, barrier_apprehensions;
#: segment counter apprehensions.
CATCH_ROWS = table_rows(
    (
        "apprehensions",
        "apprehended_unseen",
        "barrier_apprehensions",
        "pushbacks",
        "blocked_returns",
        "gave_up",
        "asylum_claims",
    ),
    ("apprehensions", "pushbacks"),
)
#: The ledger row `catch.lose_contact` counts into: flow lost_contact.
LOST_ROW = int(table_rows(("lost_contact",))[0])
NO_DRAWS = np.empty(0)


class Interception:
    """Detection and apprehension over the people, counted in the ledger; `rng` is the guards' stream."""

    def __init__(
        self,
        people: Population,
        border: Border,
        guards: GuardForce,
        migrants: Migrants,
        policy: Policy,
        ledger: Ledger,
        rng: np.random.Generator,
    ) -> None:
        self.people, self.border, self.guards = people, border, guards
        self.migrants, self.policy, self.ledger = migrants, policy, ledger
        self.rng = rng
        # people seen at the line or spotted inside this hour (uids, and flagged in a mask by uid)
        self._found = np.empty(0, dtype=np.int64)
        self._found_mask = np.zeros(people.capacity, dtype=bool)
        # work arrays of the hourly passes (`sim.core.scratch`): the people inside and those nobody tracks, the
        # people found and tracked, and a flag per person for this hour's tries (all False between calls)
        self._zone = np.empty((2, 0), dtype=np.int64)
        self._seen = np.empty((2, 0), dtype=np.int64)
        self._just_tried = np.zeros(people.capacity, dtype=bool)
        # the hunted within reach; the hunted still tracked (first half) and those not found this hour (second half)
        self._hunted = np.empty(0, dtype=np.int64)
        self._still = np.empty(0, dtype=np.int64)
        # numpy's `lose_hold ** k` for as many responders as a segment can have (every patrol): `lose_contact`
        # looks its powers up instead of raising to them each hour (the same kernel made them: the same bits)
        self._hold_powers = guards.cfg.lose_hold ** np.arange(guards.n + 1)

    def detect(self, tries: Tries, p_sight: np.ndarray | None, day: int) -> np.ndarray:
        """Tries at the line are seen by the barrier, its sensors or patrols in sight; people inside the EU zone
        nobody tracks yet may be spotted by patrols (`p_sight`: chance per segment, shape (n_segments,); None:
        the guards' `sight_probability()`, worked out only in an hour when someone can be seen).

        Returns the uids of everyone tracked inside the zone (int64), this hour's breachers seen among them (a view of
        this component's work array, good until its next call).
        """
        p, b, rng, led = self.people, self.border, self.rng, self.ledger
        n_active = p.active.size
        if self._just_tried.size < p.capacity:
            self._just_tried = np.zeros(p.capacity, dtype=bool)
        zone = self._zone = room(self._zone, n_active)
        # those who tried this hour had their draw at the line (and those who got through are not tracked yet)
        n_inside, n_untracked = transitions.inside_unseen_into(
            p.active, p.state, p.tracked, tries.uids, IN_EU, self._just_tried, zone
        )
        inside, untracked = zone[0, :n_inside], zone[1, :n_untracked]
        if not (tries.uids.size or n_untracked):  # nobody to see: nothing drawn, nobody found
            self._found = untracked
            return inside[p.tracked[inside]]
        if p_sight is None:
            p_sight = self.guards.sight_probability()
        # one draw per try, then one per untracked person inside: the stream's order
        try_draws = rng.random(tries.uids.size) if tries.uids.size else NO_DRAWS
        spot_draws = rng.random(n_untracked) if n_untracked else NO_DRAWS
        seen = self._seen = room(self._seen, max(tries.uids.size + n_untracked, n_inside))
        n_found, n_tracked = transitions.see_and_spot_into(
            tries.uids,
            tries.segments,
            tries.success,
            try_draws,
            untracked,
            spot_draws,
            inside,
            b.p_detect,
            p_sight,
            p.segment,
            p.country,
            p.tracked,
            p.breach_seen,
            p.observed,
            self.guards.recent_breaches,
            led.flow_table,
            led.segment_table,
            day,
            DETECT_ROWS,
            seen,
        )
        self._found = seen[0, :n_found]
        return seen[1, :n_tracked]

    def nobody_found(self) -> None:
        """An hour with nobody out in the zone: what `detect` would have found (nobody), without its work."""
        self._found = self._found[:0]

    def in_reach(self, tracked: np.ndarray) -> np.ndarray:
        """The tracked people (uids) the guards still hunt: those less than `reach_share` × `eu_depth_km` inland.

        People deeper inland are out of reach: no responders are sent for them and nobody apprehends them; they
        walk on and cross (they stay `tracked`, so patrols do not spot them again)."""
        if not tracked.size:
            return tracked
        reach = self.guards.cfg.reach_share * self.border.eu_depth_km
        hunted = self._hunted = room(self._hunted, tracked.size)
        return hunted[: guards_catch.within_reach_into(tracked, self.people.y_km, reach, hunted)]

    def lose_contact(self, hunted: np.ndarray, hour: int, day: int) -> np.ndarray:
        """Pursuits that fail: each hunted person tracked before this hour is lost with

        p_lose = min(1, lose_per_hour × lose_factor(terrain) × lose_hold ^ (responders arrived at the segment))

        (one draw each from the guards' stream, in uid order; none when `lose_per_hour` is 0). A lost person is no
        longer tracked, so no responders are sent for them and nobody apprehends them until patrols spot them
        again. Returns the hunted people still tracked (uids; `hunted` itself, or a view of this component's work
        array, good until its next call)."""
        cfg, p, b = self.guards.cfg, self.people, self.border
        if cfg.lose_per_hour <= 0 or not hunted.size:
            return hunted
        still = self._still = room(self._still, 2 * hunted.size)
        # people found this hour are not lost in the hour they are found
        if self._found.size:
            if self._found_mask.size < p.capacity:
                self._found_mask = np.zeros(p.capacity, dtype=bool)
            held = still[hunted.size :]
            held = held[: guards_catch.not_found_into(hunted, self._found, self._found_mask, held)]
        else:
            held = hunted
        if not held.size:
            return hunted
        g = self.guards
        n = guards_catch.lose_contact_into(
            hunted,
            held,
            self.rng.random(held.size),
            p.segment,
            b.lose_factor,
            cfg.lose_per_hour,
            self._hold_powers,
            g.state,
            g.t_arrive,
            g.target,
            hour,
            RESPONDING,
            p.tracked,
            p.country,
            self.ledger.flow_table,
            day,
            LOST_ROW,
            still,
        )
        return still[:n]

    def apprehend(self, hunted: np.ndarray, hour: int, day: int) -> None:
        """Arrived responders take tracked people (`hunted`, uids); the country's policy decides pushback or
        asylum (a pushback where escorts block the segment sends the person straight back to the fence)."""
        p, rng, led = self.people, self.rng, self.ledger
        catch = self.guards.apprehend(p, hunted, hour, rng)
        if not catch.uids.size:  # nobody taken: nothing to count, and no pushback draws
            return
        cfg = self.migrants.cfg
        transitions.resolve_catch(
            catch.uids,
            catch.segments,
            rng.random(catch.uids.size),
            self.policy.share_table(day),
            self.border.blocked_until,
            self.border.barrier,
            NO_BARRIER,
            hour,
            cfg.rest_hours,
            cfg.max_pushbacks,
            NEVER,
            PUSHED_BACK,
            ASYLUM,
            GAVE_UP,
            p.state,
            p.country,
            p.n_pushbacks,
            p.tracked,
            p.breach_seen,
            p.y_km,
            p.t_next,
            p.t_done,
            p.held,
            led.flow_table,
            led.segment_table,
            day,
            CATCH_ROWS,
        )
