"""Belarusian escort units: they lead groups from the camps to a fence segment, cut the fence, stage incidents,
cross the line themselves, and block the return of pushed-back people.

Units are few (tens), so each is an ordinary Mesa agent acting in Python; everything they do to people is a
batch operation on the group's uids. Their randomness comes from the `escorts` stream only.

A unit acts on the components directly (`EscortGround`: the camps, people, fence, books, patrols), never
through the model class: this module sits below `sim.core.model`, which builds the units and runs them each hour.
"""

from __future__ import annotations

from typing import Protocol

import mesa
import numpy as np

from sim.config.enums import EscortStrategy
from sim.config.escort import EscortConfig
from sim.config.root import Config
from sim.core.arrivals import Camps
from sim.core.border import NO_BARRIER, Border
from sim.core.guards.force import GuardForce
from sim.core.ledger import Ledger
from sim.core.migrants import Migrants
from sim.core.population import Population
from sim.core.states import EscortPhase, MigrantState, PatrolState


class EscortGround(Protocol):
    """What escort units read and act on: a `mesa.Model` (they are its agents) with these components.

    `hour` is the hour being simulated, `day` its day; `rng_escorts` is the escorts' random stream."""

    cfg: Config
    hour: int
    rng_escorts: np.random.Generator
    camps: Camps
    choice: SegmentChoice
    border: Border
    people: Population
    migrants: Migrants
    ledger: Ledger
    guards: GuardForce

    @property
    def day(self) -> int: ...


#: By state: is a person in the EU, as Minsk sees it (inside the zone, crossed, or claiming asylum)?
IN_EU_AS_MINSK_SEES = np.isin(
    np.arange(len(MigrantState)), [MigrantState.IN_EU, MigrantState.CROSSED, MigrantState.ASYLUM]
)


class SegmentChoice:
    """Where units lead their groups: `random`, `weakest` (as the unit sees fence and patrols), or `adaptive`
    (Thompson sampling on each segment's record of groups getting through)."""

    def __init__(self, cfg: EscortConfig, n_segments: int, n_units: int, rng: np.random.Generator) -> None:
        self.cfg = cfg
        self.rng = rng
        tables = 1 if cfg.share_knowledge else max(n_units, 1)
        self.successes = np.ones((tables, n_segments))
        self.failures = np.ones((tables, n_segments))

    def table(self, unit: int) -> int:
        return 0 if self.cfg.share_knowledge else unit

    def pick(self, unit: int, border: Border, guards: GuardForce) -> int:
        """The segment unit `unit` leads its next group to (one draw or none from the escorts' stream)."""
        strategy = self.cfg.strategy
        if strategy is EscortStrategy.random:
            return int(self.rng.integers(border.n))
        if strategy is EscortStrategy.weakest:
            guards_per_km = guards.counts_per_segment() / border.length_km
            score = np.log(border.p_breach + 1e-9) + np.log(1 - border.p_detect + 1e-9) - guards_per_km
            if self.cfg.weakest_noise > 0:
                score = score + self.rng.gumbel(0.0, self.cfg.weakest_noise, border.n)
            return int(np.argmax(score))
        t = self.table(unit)
        return int(np.argmax(self.rng.beta(self.successes[t], self.failures[t])))

    def learn(self, unit: int, segment: int, got_through: float, stopped: float) -> None:
        """Credit a segment with the share of a group that got through (only `adaptive` reads the record)."""
        total = got_through + stopped
        if total > 0:
            t = self.table(unit)
            self.successes[t, segment] += got_through / total
            self.failures[t, segment] += stopped / total


class BelarusianEscort(mesa.Agent):
    """A Belarusian escort unit. Its step is a short list of verbs run on timers: lead a group, arrive at the
    line (maybe cut, maybe stage an incident, maybe cross), block returns, go back to the camps."""

    def __init__(self, model: EscortGround, unit: int) -> None:
        super().__init__(model)
        self.unit = unit
        self.phase = EscortPhase.IDLE
        self.t_phase_end = 0
        self.segment = -1
        self.group = -1
        self.members = np.empty(0, dtype=np.int64)
        self.travel_hours = 0

    @property
    def cfg(self) -> EscortConfig:
        return self.model.cfg.escort

    def step(self) -> None:
        hour = self.model.hour
        if self.phase is not EscortPhase.IDLE and hour >= self.t_phase_end:
            if self.phase is EscortPhase.LEADING:
                self.arrive_at_line()
            elif self.phase is EscortPhase.BLOCKING:
                self.leave_line()
            else:
                self.phase = EscortPhase.IDLE
        if self.phase is EscortPhase.IDLE:
            self.maybe_lead_group()

    # --- verbs --------------------------------------------------------------------------------------------------

    def maybe_lead_group(self) -> None:
        """Take the longest-waiting people from the camps once enough are waiting."""
        model, cfg = self.model, self.cfg
        if len(model.camps) < cfg.min_group:
            return
        gs = cfg.group_size
        size = int(np.clip(round(gs.median * np.exp(model.rng_escorts.normal(0.0, gs.sigma))), gs.min, gs.max))
        self.members = model.camps.take(size)
        border = model.border
        self.segment = model.choice.pick(self.unit, border, model.guards)
        self.group = model.migrants.new_group()
        speed = model.cfg.migrant.walk_kmh * border.walk_factor[self.segment]
        self.travel_hours = max(1, int(np.ceil(border.belarus_depth_km / speed)))
        model.migrants.depart(self.members, self.segment, self.group, model.hour, model.hour + self.travel_hours)
        self.phase, self.t_phase_end = EscortPhase.LEADING, model.hour + self.travel_hours

    def arrive_at_line(self) -> None:
        self.model.migrants.reach_line(self.members, self.model.hour)
        if self.maybe_cut():
            self.maybe_cross_line()
        self.maybe_stage_incident()
        self.block_returns()

    def maybe_cut(self) -> bool:
        """Cut the fence where there is one: damage raises the segment's breach chance until repaired."""
        model, s = self.model, self.segment
        border = model.border
        if border.barrier[s] == NO_BARRIER or model.rng_escorts.random() >= self.cfg.p_cut:
            return False
        border.cut(s, self.cfg.cut_damage, model.hour)
        model.ledger.add("fence_cuts", model.day, int(border.country[s]))
        model.ledger.segments["fence_cuts"][s] += 1
        return True

    def maybe_cross_line(self) -> None:
        """Escorts cross the line themselves after a cut (incursions, reported from October 2021)."""
        model = self.model
        if model.rng_escorts.random() < self.cfg.p_incursion:
            model.ledger.add("incursions", model.day, int(model.border.country[self.segment]))

    def maybe_stage_incident(self) -> None:
        """A confrontation staged some way off draws patrols away from the crossing point."""
        model, cfg = self.model, self.cfg
        if model.rng_escorts.random() >= cfg.p_incident:
            return
        w = np.asarray(cfg.severity_weights, dtype=float)
        severity = int(model.rng_escorts.choice(len(w), p=w / w.sum())) + 1
        offset = round(cfg.diversion_km / model.cfg.border.segment_km)
        sign = 1 if model.rng_escorts.random() < 0.5 else -1
        where = int(model.border.neighbour(np.array([self.segment]), np.array([sign * offset]))[0])
        country = int(model.border.country[where])
        model.ledger.add("incidents", model.day, country)
        model.ledger.add("incident_severity", model.day, country, severity)
        model.ledger.segments["incidents"][where] += 1
        responders = cfg.responders_per_severity * severity
        model.guards.send(where, responders, model.hour, PatrolState.DIVERTED, cfg.incident_hours)

    def block_returns(self) -> None:
        """Stay at the line: people pushed back here meanwhile are forced straight back to the fence."""
        model = self.model
        end = model.hour + self.cfg.stay_hours
        model.border.blocked_until[self.segment] = max(model.border.blocked_until[self.segment], end)
        self.phase, self.t_phase_end = EscortPhase.BLOCKING, end

    def leave_line(self) -> None:
        """Go back to the camps, reporting how the group fared (adaptive units learn from it)."""
        model = self.model
        states = model.people.state[self.members]
        through = np.count_nonzero(IN_EU_AS_MINSK_SEES[states])
        stopped = np.count_nonzero(states != MigrantState.DIED) - through
        model.choice.learn(self.unit, self.segment, through, stopped)
        self.members = np.empty(0, dtype=np.int64)
        self.phase, self.t_phase_end = EscortPhase.RETURNING, model.hour + self.travel_hours
