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

from sim.config.enums import Country, EscortStrategy
from sim.config.escort import EscortConfig, MassingByLine
from sim.config.root import Config
from sim.config.timeline import Calendar, profile
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
    effort: EscortEffort
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
#: States of held people still on the Belarusian side (released when the massing ends).
HELD_IN_BELARUS = (MigrantState.APPROACHING, MigrantState.AT_FENCE, MigrantState.PUSHED_BACK)


class SegmentChoice:
    """Where units lead their groups: `random`, `weakest` (as the unit sees fence and patrols), or `adaptive`
    (Thompson sampling on each segment's record of groups getting through). A unit serving one country's line
    picks only among that line's segments; every strategy weighs segments by their `access` from Belarus
    (random: chance proportional to access; weakest: + log(access); adaptive: the Thompson draw times access), so
    with equal access each is the plain strategy on the line."""

    def __init__(self, cfg: EscortConfig, border: Border, n_units: int, rng: np.random.Generator) -> None:
        self.cfg = cfg
        self.rng = rng
        tables = 1 if cfg.share_knowledge else max(n_units, 1)
        self.successes = np.ones((tables, border.n))
        self.failures = np.ones((tables, border.n))
        # candidate segments per line (None: both lines), their access and whether it is the same everywhere
        self.lines: dict[int | None, np.ndarray] = {None: border.ids}
        for c in np.unique(border.country):
            self.lines[int(c)] = np.flatnonzero(border.country == c)
        self.access = {line: border.access[ids] for line, ids in self.lines.items()}
        self.even = {line: bool(np.all(a == a[0])) for line, a in self.access.items()}
        with np.errstate(divide="ignore"):
            self.log_access = {line: np.log(a) for line, a in self.access.items()}

    def table(self, unit: int) -> int:
        return 0 if self.cfg.share_knowledge else unit

    def pick(self, unit: int, border: Border, guards: GuardForce, line: int | None = None) -> int:
        """The segment unit `unit` leads its next group to, on `line` (a country code; None: either line)
        (one draw or none from the escorts' stream)."""
        strategy = self.cfg.strategy
        ids = self.lines[line]
        if strategy is EscortStrategy.random:
            if self.even[line]:
                return int(ids[self.rng.integers(ids.size)])
            a = self.access[line]
            return int(ids[self.rng.choice(ids.size, p=a / a.sum())])
        if strategy is EscortStrategy.weakest:
            guards_per_km = guards.counts_per_segment()[ids] / border.length_km[ids]
            score = np.log(border.p_breach[ids] + 1e-9) + np.log(1 - border.p_detect[ids] + 1e-9) - guards_per_km
            score = score + self.log_access[line]
            if self.cfg.weakest_noise > 0:
                score = score + self.rng.gumbel(0.0, self.cfg.weakest_noise, ids.size)
            return int(ids[np.argmax(score)])
        t = self.table(unit)
        draw = self.rng.beta(self.successes[t, ids], self.failures[t, ids])
        return int(ids[np.argmax(draw * self.access[line])])

    def learn(self, unit: int, segment: int, got_through: float, stopped: float) -> None:
        """Credit a segment with the share of a group that got through (only `adaptive` reads the record)."""
        total = got_through + stopped
        if total > 0:
            t = self.table(unit)
            self.successes[t, segment] += got_through / total
            self.failures[t, segment] += stopped / total


class EscortEffort:
    """How many units Belarus runs on each line each day (`escort.units`, dated, times `escort.scale`), and,
    with `split_weight` > 0, how it moves them toward the line where groups get through more.

    Units are made once, enough for the busiest day of each line; each day the first `on_line[line]` of a line's
    units are on duty. A unit off duty finishes what it is doing and then stays idle. Free units (line None: the
    `n_units` fallback when no dates are given) serve either line and are always on duty."""

    def __init__(self, cfg: EscortConfig, calendar: Calendar, lines: list[int]) -> None:
        self.cfg = cfg
        dated = {int(Country.POLAND): cfg.units.poland, int(Country.LITHUANIA): cfg.units.lithuania}
        self.per_day: dict[int, np.ndarray] = {}
        if any(dated.values()):
            for c in lines:
                if dated[c]:
                    raw = profile(dated[c], calendar, interpolate=cfg.units.interpolate) * cfg.scale
                else:
                    raw = np.zeros(calendar.days)
                self.per_day[c] = raw
            self.free = 0
        else:
            self.free = int(np.floor(cfg.n_units * cfg.scale + 0.5))
        units = {c: np.floor(v + 0.5).astype(np.int64) for c, v in self.per_day.items()}
        if cfg.split_weight > 0 and units:  # learning may put every unit of the day on one line
            total = sum(units.values())
            self.made = {c: int(total.max(initial=0)) for c in units}
        else:
            self.made = {c: int(v.max(initial=0)) for c, v in units.items()}
        self.on_line: dict[int | None, int] = {None: self.free, **dict.fromkeys(self.per_day, 0)}
        # what the split learns: groups' people through and stopped per line, fading with split_memory_days
        self.through = dict.fromkeys(self.per_day, 0.0)
        self.stopped = dict.fromkeys(self.per_day, 0.0)

    def roster(self) -> list[int | None]:
        """The line of each unit to make, in unit order (free units first)."""
        return [None] * self.free + [c for c, k in self.made.items() for _ in range(k)]

    def learned_share(self, line: int) -> float:
        """The learned share of the effort for `line`: its groups' rate of getting through (Beta(1, 1) prior)
        over the sum of every line's rates."""
        rate = {c: (self.through[c] + 1.0) / (self.through[c] + self.stopped[c] + 2.0) for c in self.per_day}
        return rate[line] / sum(rate.values())

    def start_day(self, day: int) -> None:
        """Set each line's units on duty today."""
        if not self.per_day:
            return
        fade = np.exp(-1.0 / self.cfg.split_memory_days)
        for c in self.per_day:
            self.through[c] *= fade
            self.stopped[c] *= fade
        today = {c: v[day] for c, v in self.per_day.items()}
        w = self.cfg.split_weight
        if w > 0 and len(today) > 1:
            total = sum(today.values())
            dated = {c: v / total if total > 0 else 0.0 for c, v in today.items()}
            today = {c: total * ((1 - w) * dated[c] + w * self.learned_share(c)) for c in today}
        for c, v in today.items():
            self.on_line[c] = min(int(np.floor(v + 0.5)), self.made[c])

    def learn(self, line: int, got_through: float, stopped: float) -> None:
        if line in self.through:
            self.through[line] += got_through
            self.stopped[line] += stopped


class Massing:
    """Belarus brings people from the camps to a line and holds them there (`escort.massing`; Kuznica, Nov 2021).

    Each day before a line's `until`, `per_day` people are taken from the camps as one crowd to a segment of that
    line (picked as an escort unit on that line would pick it) and reach it after the walk; they are `held`: they
    try the fence as anyone at the line does, but do not give up. On `until` those still on the Belarusian side
    are released: `release_home_share` of them flown home, the rest back to the camps."""

    def __init__(self, cfg: MassingByLine, calendar: Calendar, lines: list[int]) -> None:
        plans = {int(Country.POLAND): cfg.poland, int(Country.LITHUANIA): cfg.lithuania}
        self.plans = {c: plans[c] for c in lines if plans[c].per_day}
        self.per_day = {
            c: np.floor(profile(m.per_day, calendar, interpolate=False, before=0.0) + 0.5).astype(np.int64)
            for c, m in self.plans.items()
        }
        self.until = {c: calendar.days if m.until is None else calendar.day_of(m.until) for c, m in self.plans.items()}
        self.on_the_way: list[tuple[int, np.ndarray]] = []  # (hour of arrival at the line, uids)
        self.retry_hours = {c: m.retry_hours for c, m in self.plans.items()}

    def set_pace(self, migrants: Migrants) -> None:
        """Tell the people's transitions how often the held try on each line."""
        for c, h in self.retry_hours.items():
            migrants.held_retry_hours[c] = h

    def start_day(self, ground: EscortGround) -> None:
        """Release the held of lines whose `until` is today, then bring today's crowds."""
        day = ground.day
        for c, m in self.plans.items():
            if day == self.until[c]:
                self.release(ground, c, m.release_home_share)
            if 0 <= day < self.until[c] and self.per_day[c][day] > 0:
                self.bring(ground, c, int(self.per_day[c][day]))

    def bring(self, ground: EscortGround, line: int, k: int) -> None:
        uids = ground.camps.take(k)
        if not uids.size:
            return
        border = ground.border
        segment = ground.choice.pick(0, border, ground.guards, line)
        speed = ground.cfg.migrant.walk_kmh * border.walk_factor[segment]
        arrive = ground.hour + max(1, int(np.ceil(border.belarus_depth_km / speed)))
        ground.migrants.depart(uids, segment, ground.migrants.new_group(), ground.hour, arrive)
        ground.people.held[uids] = True
        self.on_the_way.append((arrive, uids))

    def arrive(self, ground: EscortGround) -> None:
        """Crowds whose walk ends this hour reach the line."""
        if not self.on_the_way:
            return
        hour = ground.hour
        due = [uids for t, uids in self.on_the_way if t <= hour]
        if due:
            self.on_the_way = [(t, uids) for t, uids in self.on_the_way if t > hour]
            p = ground.people
            for uids in due:
                ground.migrants.reach_line(uids, hour)
                here = uids[p.state[uids] == MigrantState.AT_FENCE]
                if here.size:  # first tries spread evenly over the retry interval
                    retry = self.retry_hours[int(p.country[here[0]])]
                    p.t_next[here] = hour + np.arange(here.size) % retry

    def release(self, ground: EscortGround, line: int, home_share: float) -> None:
        p = ground.people
        zone = p.in_zone()
        mine = zone[p.held[zone] & (p.country[zone] == line)]
        p.held[mine] = False  # those already inside the EU go on as anyone there
        waiting = mine[np.isin(p.state[mine], HELD_IN_BELARUS)]
        home = waiting[ground.rng_escorts.random(waiting.size) < home_share] if home_share > 0 else waiting[:0]
        ground.ledger.count("repatriated", ground.day, p.country[home])
        ground.migrants.give_up(home, ground.hour)
        back = np.setdiff1d(waiting, home)
        ground.migrants.back_to_camp(back)
        ground.camps.admit(back)
        p.prune()


class BelarusianEscort(mesa.Agent):
    """A Belarusian escort unit. Its step is a short list of verbs run on timers: lead a group, arrive at the
    line (maybe cut, maybe stage an incident, maybe cross), block returns, go back to the camps."""

    def __init__(self, model: EscortGround, unit: int, line: int | None = None, rank: int = 0) -> None:
        super().__init__(model)
        self.unit = unit
        self.line = line  # country code of the line it serves (None: either line)
        self.rank = rank  # its place among its line's units: on duty while rank < the day's units on the line
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
        if self.phase is not EscortPhase.IDLE:
            if self.model.hour < self.t_phase_end:
                return  # busy: most units, most hours
            if self.phase is EscortPhase.LEADING:
                self.arrive_at_line()
            elif self.phase is EscortPhase.BLOCKING:
                self.leave_line()
            else:
                self.phase = EscortPhase.IDLE
            if self.phase is not EscortPhase.IDLE:
                return
        self.maybe_lead_group()

    # --- verbs --------------------------------------------------------------------------------------------------

    def maybe_lead_group(self) -> None:
        """Take the longest-waiting people from the camps once enough are waiting."""
        model = self.model
        cfg = model.cfg.escort
        if len(model.camps) < cfg.min_group or self.rank >= model.effort.on_line[self.line]:
            return
        gs = cfg.group_size
        size = int(np.clip(round(gs.median * np.exp(model.rng_escorts.normal(0.0, gs.sigma))), gs.min, gs.max))
        self.members = model.camps.take(size)
        border = model.border
        self.segment = model.choice.pick(self.unit, border, model.guards, self.line)
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
        model.effort.learn(int(model.border.country[self.segment]), through, stopped)
        self.members = np.empty(0, dtype=np.int64)
        self.phase, self.t_phase_end = EscortPhase.RETURNING, model.hour + self.travel_hours
