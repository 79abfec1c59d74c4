"""What the guards do with people each hour: detect tries and spot people inside, then apprehend the tracked
ones, each apprehended person pushed back or claiming asylum by the country's policy of the day.

The patrols themselves (duty, beats, sight, dispatch, who takes whom) are `GuardForce` (`force.py`); this module
joins them to the people, the books and the policy. All draws come from the guards' stream (`rng`), in the
order the design states (docs/ODD.md 7.5): the sighting of tries, the spotting inside, then apprehension's
eligibility and order (in `GuardForce.apprehend`) and the pushback draw.
"""

from __future__ import annotations

import numpy as np

from sim.core.border import Border
from sim.core.guards.force import GuardForce
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

    def detect(self, tries: Tries, p_sight: np.ndarray, day: int) -> np.ndarray:
        """Tries at the line are seen by the barrier, its sensors or patrols in sight; people inside the EU zone
        nobody tracks yet may be spotted by patrols (`p_sight`: chance per segment, shape (n_segments,)).

        Returns the uids of everyone tracked inside the zone (int64), this hour's breachers seen among them.
        """
        p, b, rng, led = self.people, self.border, self.rng, self.ledger
        p_seen = 1 - (1 - b.p_detect[tries.segments]) * (1 - p_sight[tries.segments])
        seen = rng.random(tries.uids.size) < p_seen
        led.count("detected_attempts", day, p.country[tries.uids[seen]])
        led.count_segments("detected_attempts", tries.segments[seen])
        led.count("turned_back_at_line", day, p.country[tries.uids[seen & ~tries.success]])
        breached = tries.uids[seen & tries.success]
        p.tracked[breached] = True
        p.breach_seen[breached] = True
        self.guards.remember_breaches(p.segment[breached])
        inside = p.in_state(IN_EU)
        # those who breached this hour already had their draw at the line
        tried = np.zeros(p.n, dtype=bool)
        tried[tries.uids] = True
        untracked = inside[~p.tracked[inside] & ~tried[inside]]
        spotted = untracked[rng.random(untracked.size) < p_sight[p.segment[untracked]]]
        p.tracked[spotted] = True
        found = np.concatenate([tries.uids[seen], spotted])
        led.count("detections", day, p.country[found])
        led.count_segments("detections", p.segment[found])
        return inside[p.tracked[inside]]

    def apprehend(self, hunted: np.ndarray, hour: int, day: int) -> None:
        """Arrived responders take tracked people (`hunted`, uids); the country's policy decides pushback or
        asylum (a pushback where escorts block the segment sends the person straight back to the fence)."""
        p, rng, led = self.people, self.rng, self.ledger
        catch = self.guards.apprehend(p, hunted, hour, rng)
        led.count("apprehensions", day, p.country[catch.uids])
        led.count("apprehended_unseen", day, p.country[catch.uids[~p.breach_seen[catch.uids]]])
        led.count_segments("apprehensions", catch.segments)
        led.count_segments("apprehended_unseen", catch.segments[~p.breach_seen[catch.uids]])
        push = rng.random(catch.uids.size) < self.policy.share_table(day)[p.country[catch.uids]]
        led.count_segments("pushbacks", catch.segments[push])
        blocked = self.border.blocked_until[catch.segments[push]] > hour
        self.migrants.push_back(catch.uids[push], hour, blocked)
        self.migrants.claim_asylum(catch.uids[~push], hour)
