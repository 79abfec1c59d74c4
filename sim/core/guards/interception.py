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
from sim.core.guards import catch
from sim.core.guards.force import RESPONDING, GuardForce
from sim.core.ledger import Ledger
from sim.core.migrants import IN_EU, Migrants, Tries
from sim.core.policy import Policy
from sim.core.population import Population


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
        # numpy's `lose_hold ** k` for as many responders as a segment can have (every patrol): `lose_contact`
        # looks its powers up instead of raising to them each hour (the same kernel made them: the same bits)
        self._hold_powers = guards.cfg.lose_hold ** np.arange(guards.n + 1)

    def detect(self, tries: Tries, p_sight: np.ndarray | None, day: int) -> np.ndarray:
        """Tries at the line are seen by the barrier, its sensors or patrols in sight; people inside the EU zone
        nobody tracks yet may be spotted by patrols (`p_sight`: chance per segment, shape (n_segments,); None:
        the guards' `sight_probability()`, worked out only in an hour when someone can be seen).

        Returns the uids of everyone tracked inside the zone (int64), this hour's breachers seen among them.
        """
        p, b, rng, led = self.people, self.border, self.rng, self.ledger
        # those who tried this hour had their draw at the line (and those who got through are not tracked yet)
        inside, untracked = transitions.inside_unseen(p.active, p.state, p.tracked, tries.uids, IN_EU)
        if p_sight is None and (tries.uids.size or untracked.size):
            p_sight = self.guards.sight_probability()
        breached = tries.uids[:0]
        if tries.uids.size:
            seen, turned_back, stopped, breached = transitions.see_tries(
                tries.uids,
                tries.segments,
                tries.success,
                rng.random(tries.uids.size),
                b.p_detect,
                p_sight,
                p.tracked,
                p.breach_seen,
                p.observed,
            )
            led.count("detected_attempts", day, p.country[seen])
            led.count("turned_back_at_line", day, p.country[turned_back])
            led.count("stopped_at_line", day, p.country[stopped])
            led.count_segments("stopped_at_line", p.segment[stopped])
            self.guards.remember_breaches(p.segment[breached])
        spotted = untracked
        if untracked.size:
            spotted = untracked[rng.random(untracked.size) < p_sight[p.segment[untracked]]]
            p.tracked[spotted] = True
            p.observed[spotted] = True
        if tries.uids.size:
            found = np.concatenate([seen, spotted])
            self._found = np.concatenate([breached, spotted])
        else:
            found = self._found = spotted
        led.count("detections", day, p.country[found])
        led.count_segments("detections", p.segment[found])
        return inside[p.tracked[inside]]

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
        return tracked[self.people.y_km[tracked] < reach]

    def lose_contact(self, hunted: np.ndarray, hour: int, day: int) -> np.ndarray:
        """Pursuits that fail: each hunted person tracked before this hour is lost with

        p_lose = min(1, lose_per_hour × lose_factor(terrain) × lose_hold ^ (responders arrived at the segment))

        (one draw each from the guards' stream, in uid order; none when `lose_per_hour` is 0). A lost person is no
        longer tracked, so no responders are sent for them and nobody apprehends them until patrols spot them
        again. Returns the hunted people still tracked (uids)."""
        cfg, p, b = self.guards.cfg, self.people, self.border
        if cfg.lose_per_hour <= 0 or not hunted.size:
            return hunted
        # people found this hour are not lost in the hour they are found
        if self._found.size:
            if self._found_mask.size < p.n:
                self._found_mask = np.zeros(p.capacity, dtype=bool)
            self._found_mask[self._found] = True
            held = hunted[~self._found_mask[hunted]]
            self._found_mask[self._found] = False
        else:
            held = hunted
        if not held.size:
            return hunted
        g = self.guards
        lost = catch.lose_contact(
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
            b.n,
        )
        if not lost.size:
            return hunted
        p.tracked[lost] = False
        self.ledger.count("lost_contact", day, p.country[lost])
        return hunted[p.tracked[hunted]]

    def apprehend(self, hunted: np.ndarray, hour: int, day: int) -> None:
        """Arrived responders take tracked people (`hunted`, uids); the country's policy decides pushback or
        asylum (a pushback where escorts block the segment sends the person straight back to the fence)."""
        p, rng, led = self.people, self.rng, self.ledger
        catch = self.guards.apprehend(p, hunted, hour, rng)
        if not catch.uids.size:  # nobody taken: nothing to count, and no pushback draws
            return
        country = p.country[catch.uids]
        led.count("apprehensions", day, country)
        led.count("apprehended_unseen", day, country[~p.breach_seen[catch.uids]])
        led.count_segments("apprehensions", catch.segments)
        led.count("barrier_apprehensions", day, country[self.border.barrier[catch.segments] != NO_BARRIER])
        push = rng.random(catch.uids.size) < self.policy.share_table(day)[country]
        if push.all():  # everyone pushed back (the usual hour once a country turns people back): no asylum claims
            led.count_segments("pushbacks", catch.segments)
            self.migrants.push_back(catch.uids, hour, self.border.blocked_until[catch.segments] > hour)
            return
        led.count_segments("pushbacks", catch.segments[push])
        blocked = self.border.blocked_until[catch.segments[push]] > hour
        self.migrants.push_back(catch.uids[push], hour, blocked)
        self.migrants.claim_asylum(catch.uids[~push], hour)
