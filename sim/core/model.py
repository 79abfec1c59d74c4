"""BorderModel: the Mesa model of the 2021 Belarus-EU border crisis.

One step is one hour. `step()` reads like the schedule in docs/ODD.md: scheduled events at midnight, arrivals,
escorts, migrants, guards, repair, and the day's books closed at midnight. People and patrols live in arrays
(`sim.core.population`, `sim.core.guards`) with Mesa agents as views, so the model is both fast and inspectable.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Mapping
from typing import Any

import mesa
import numpy as np
import pandas as pd
from mesa.discrete_space import OrthogonalMooreGrid
from tqdm import tqdm

from sim.config.compose import load_config, to_config
from sim.config.enums import EU_COUNTRIES, Country
from sim.config.root import Config
from sim.config.timeline import HOURS_PER_DAY, Calendar
from sim.config.validation import run_window_warnings
from sim.core.agents import Migrant
from sim.core.arrivals import Arrivals, Camps
from sim.core.border import Border
from sim.core.escorts import BelarusianEscort, EscortEffort, Massing, SegmentChoice
from sim.core.exposure import Exposure
from sim.core.guards.force import GuardForce, patrols_for
from sim.core.guards.interception import Interception
from sim.core.ledger import Ledger
from sim.core.mesa_compat import release_models
from sim.core.migrants import Migrants, Tries
from sim.core.policy import Policy
from sim.core.population import Population
from sim.core.rng import named_streams
from sim.core.states import EscortPhase, MigrantState, PatrolState
from sim.core.summary import summarise
from sim.core.tables import daily_table, posts_table, segments_table

logging.getLogger("MESA").setLevel(logging.WARNING)
log = logging.getLogger("sim.model")

#: By state: is a person at the line on the Belarusian side (at the fence, or pushed back)?
AT_LINE = np.isin(np.arange(len(MigrantState)), [MigrantState.AT_FENCE, MigrantState.PUSHED_BACK])


class RunEndedError(RuntimeError):
    """A model was asked to simulate an hour after the last hour of its configured days.

    The message names the hour and date the run ended at and how to go further (a model with more `days`).
    """


class BorderModel(mesa.Model):
    """Migrants, Belarusian escorts and Polish and Lithuanian guards on a fenced border.

    Args:
        cfg: a composed config (`sim.load_config([...])`), a `sim.config.Config`, or None for the defaults
            (the `autumn2021` scenario).
    """

    def __init__(self, cfg: Config | Mapping[str, Any] | None = None) -> None:
        self.cfg: Config = to_config(load_config() if cfg is None else cfg)
        unreached = run_window_warnings(self.cfg)
        if unreached:  # dated inputs the run never reaches: say so, once, in one line
            window = f"{self.cfg.start_date} + {self.cfg.days} days"
            log.warning("dated inputs outside this run (%s): %s", window, "; ".join(unreached))
        release_models()  # Mesa 3.3/3.4 would keep every model alive for good (sim/core/mesa_compat.py)
        super().__init__(rng=self.cfg.seed)
        streams = named_streams(self.rng)
        self.rng_arrivals, self.rng_camps = streams["arrivals"], streams["camps"]
        self.rng_escorts, self.rng_barriers = streams["escorts"], streams["barriers"]
        self.rng_migrants, self.rng_guards = streams["migrants"], streams["guards"]
        self.rng_exposure = streams["exposure"]
        self.calendar = Calendar(self.cfg.start_date, self.cfg.days)
        self.hour = 0
        self.border = Border(self.cfg, self.calendar, self.random)
        self.policy = Policy(self.cfg, self.calendar)
        self.arrivals = Arrivals(self.cfg.arrivals, self.calendar, self.rng_arrivals)
        self.camps = Camps(self.cfg.camps, self.calendar, self.rng_camps)
        expected = int(self.arrivals.per_hour.sum())
        self.people = Population(capacity=expected + 16, memory=self.cfg.migrant.memory)
        self.ledger = Ledger(self.calendar.days, self.border.n)
        self.migrants = Migrants(self.cfg.migrant, self.people, self.border, self.ledger)
        self.exposure = Exposure(self.cfg.exposure, self.calendar, self.border)
        self.guards = GuardForce(self.cfg.guards, self.border, self._max_patrols(), self)
        self.interception = Interception(
            self.people, self.border, self.guards, self.migrants, self.policy, self.ledger, self.rng_guards
        )
        lines = [int(c) for c in self.border.line_offset_km]
        self.effort = EscortEffort(self.cfg.escort, self.calendar, lines)
        roster = self.effort.roster()
        self.choice = SegmentChoice(self.cfg.escort, self.border, len(roster), self.rng_escorts)
        ranks = [roster[:i].count(line) for i, line in enumerate(roster)]
        self.escorts = [
            BelarusianEscort(self, unit, line, rank)
            for unit, (line, rank) in enumerate(zip(roster, ranks, strict=True))
        ]
        self.massing = Massing(self.cfg.escort.massing, self.calendar, lines)
        self.massing.set_pace(self.migrants)
        self._people_with_agents = 0  # people 0.. this-1 have their Migrant agent (`create_migrant_agents`)
        self.datacollector = mesa.DataCollector(
            model_reporters={
                "in_camps": lambda m: len(m.camps),
                "in_zone": lambda m: m.people.in_zone().size,
                "crossed": lambda m: int(np.count_nonzero(m.people.state[: m.people.n] == MigrantState.CROSSED)),
            }
        )

    def _max_patrols(self) -> dict[Country, int]:
        """Patrol rows to allocate per country: its largest troop level; none for a country without a line."""
        return {
            c: patrols_for(float(self.policy.troops[c].max()), self.cfg.guards)
            if c in self.border.line_offset_km
            else 0
            for c in EU_COUNTRIES
        }

    @property
    def grid(self) -> OrthogonalMooreGrid:
        """The Mesa grid of the border, made on first use (`Border.grid`)."""
        return self.border.grid

    # --- Mesa agents: people get their Migrant agent when a user asks for them ------------------------------------

    def create_migrant_agents(self) -> mesa.agent.AgentSet:
        """Give everyone who has arrived and has no `Migrant` agent yet theirs; returns every person's agent.

        The model moves people as arrays and never needs their agents, while registering one Mesa agent per
        arrival cost ~10% of a full-scale run; so nobody gets one on arrival, and a user who wants to list or
        inspect people (a notebook, a map) calls this first. It makes the missing agents in one batch
        (`Migrant.create_agents`), in arrival order, so they are the agents, with the ids, they would be if each
        had been made on arrival after the agents made before this call. Calling it again makes only the agents
        of people who arrived since; with nobody new it makes none. `model.agents`, `model.agents_by_type` and
        `model.agent_types` are Mesa's own and make nothing.

        Returns:
            The `Migrant` agents of all `model.people.n` people, in arrival order (agent `i` has `uid == i`),
            the same set as `model.agents_by_type[Migrant]` (empty while nobody has arrived).
        """
        new = np.arange(self._people_with_agents, self.people.n)
        if new.size:
            Migrant.create_agents(self, new.size, new)
        self._people_with_agents = self.people.n
        return self.agents_by_type.get(Migrant, mesa.agent.AgentSet([], random=self.random))

    # --- the schedule -------------------------------------------------------------------------------------------

    @property
    def day(self) -> int:
        return self.hour // HOURS_PER_DAY

    @property
    def ended(self) -> bool:
        """Whether every hour of the configured days has been simulated (then `step()` raises RunEndedError)."""
        return self.hour >= self.calendar.hours

    def check_not_ended(self) -> None:
        """Raise RunEndedError if the run has simulated its last hour: there is no further hour to simulate."""
        if self.ended:
            cal = self.calendar
            raise RunEndedError(
                f"the run ended at hour {self.hour}, the end of {cal.date(cal.days - 1).isoformat()}: it simulates "
                f"days={cal.days} from {cal.start.isoformat()}; build a model with more days to go further"
            )

    def step(self) -> None:
        """One hour, in the order of the design's schedule.

        Raises:
            RunEndedError: the run had already simulated the last hour of its configured days (`ended`).
        """
        self.check_not_ended()
        if self.hour % HOURS_PER_DAY == 0:
            self.start_day()  # 1. policy switches, troop changes, fence construction, repatriations
        self.admit_arrivals()  # 2. arrivals into Belarusian camps
        self.move_escorts()  # 3. escorts lead groups, cut fences, stage incidents
        tries = self.move_migrants()  # 4. people try fences, walk inland, die of exposure
        self.guard_border(tries)  # 5. detection, alarms, response, apprehension, pushback or asylum
        self.repair_fences()  # 6. fence repair
        self.hour += 1
        if self.hour % HOURS_PER_DAY == 0:
            self.close_day()  # daily statistics close at midnight
        if self.ended:
            self.running = False

    def run(self, progress: bool | None = None) -> BorderModel:
        """Run the hours left to the end of the configured days and return the model; a progress bar shows in an
        interactive terminal. A model that has ended already is returned as it is (there is nothing left to run),
        and one stepped part of the way is run from where it stands."""
        show = self.cfg.progress if progress is None else progress
        done = self.hour // HOURS_PER_DAY
        with tqdm(
            total=self.calendar.days, initial=done, unit="day", disable=not (show and sys.stderr.isatty())
        ) as bar:
            while not self.ended:
                self.step()
                if self.hour % HOURS_PER_DAY == 0:
                    bar.update(1)
        return self

    # --- phases -------------------------------------------------------------------------------------------------

    def start_day(self) -> None:
        day = self.day
        self.migrants.day = day
        self.border.build_to(day)
        for c in EU_COUNTRIES:
            self.guards.set_level(c, float(self.policy.troops[c][day]))
        self.effort.start_day(day)  # Belarus's units on each line today
        self.massing.start_day(self)  # crowds brought to the line and held there, or released
        p = self.people
        zone = p.in_zone()
        waiting = zone[AT_LINE[p.state[zone]]]
        home = self.camps.send_home(day, waiting)
        self.ledger.count("repatriated", day, p.country[home])
        self.migrants.give_up(home, self.hour)

    def admit_arrivals(self) -> None:
        k = self.arrivals.at(self.hour)
        if not k:
            return
        uids = self.people.add(k, self.hour)
        self.camps.admit(uids)
        self.ledger.add("camp_arrivals", self.day, int(Country.BELARUS), k)

    def move_escorts(self) -> None:
        """The units step in a random order; only those with something to do are called.

        A unit has nothing to do, and draws nothing, when it is busy until a later hour, or idle while it may not
        lead a group (off duty today, or too few people in the camps: the camps only shrink during this loop, so
        once too few, too few for every later unit). Most units, most hours: skipping their `step` calls keeps
        the draws and their order and saves a tenth of a season.
        """
        self.massing.arrive(self)
        escorts = self.escorts
        order = list(range(len(escorts)))
        self.rng_escorts.shuffle(order)  # the draws and the order of `permutation(len(escorts))`, 4x faster
        hour, on_line = self.hour, self.effort.on_line
        may_lead = len(self.camps) >= self.cfg.escort.min_group
        for i in order:
            unit = escorts[i]
            if unit.phase is EscortPhase.IDLE:
                if not may_lead or unit.rank >= on_line[unit.line]:
                    continue
            elif hour < unit.t_phase_end:
                continue
            unit.step()

    def move_migrants(self) -> Tries:
        self.people.prune()
        if not self.people.active.size:  # nobody out in the zone (a quarter of a season's hours): nothing to do
            return Tries.none()
        self.migrants.return_to_fence(self.hour)
        tries = self.migrants.try_fences(self.hour, self.rng_barriers, self.rng_migrants)
        self.migrants.walk_inside(self.hour)
        self.migrants.die(self.exposure.deaths(self.people, self.day, self.rng_exposure), self.hour)
        return tries

    def guard_border(self, tries: Tries) -> None:
        g = self.guards
        g.advance(self.hour)
        g.patrol(self.rng_guards)
        if not self.people.active.size:  # nobody out in the zone: nobody to see, lose or take, and nothing drawn
            self.interception.nobody_found()
            return
        tracked = self.interception.detect(tries, None, self.day)  # patrols' sight worked out if needed
        # people deep inland are out of reach; some pursuits lose their person this hour
        hunted = self.interception.lose_contact(self.interception.in_reach(tracked), self.hour, self.day)
        # every segment with hunted people keeps its responders
        g.dispatch(self.people.segment[hunted], self.hour)
        self.interception.apprehend(hunted, self.hour, self.day)

    def repair_fences(self) -> None:
        self.border.repair(self.hour)

    def close_day(self) -> None:
        day, p, led = self.day - 1, self.people, self.ledger
        zone = p.in_zone()
        in_zone = np.bincount(p.country[zone], minlength=len(Country))
        in_camps = np.zeros(len(Country))
        in_camps[Country.BELARUS] = len(self.camps)
        led.record("in_camps", day, in_camps)
        led.record("in_zone", day, in_zone)
        at_line = zone[AT_LINE[p.state[zone]]]
        led.record("massed", day, np.bincount(p.country[at_line], minlength=len(Country)))
        led.record("guards_on_duty", day, self.guards.on_duty())
        troops, fence_km, cost = (np.zeros(len(Country)) for _ in range(3))
        for c in EU_COUNTRIES:
            troops[c] = self.guards.personnel[c]
            fence_km[c] = self.border.fenced_km(c)
            cost[c] = troops[c] * self.cfg.cost.troop_eur_per_day + self.border.daily_capex_eur(c)
        led.record("troops", day, troops)
        led.record("fence_km", day, fence_km)
        led.record("pushback_share", day, self.policy.share_table(day))
        flows, prices = led.flows, self.cfg.cost  # the day's asylum claims and pushbacks are priced per event (7.8)
        cost += flows["asylum_claims"][day] * prices.asylum_claim_eur + flows["pushbacks"][day] * prices.pushback_eur
        flows["cost_eur"][day] += cost
        self.guards.end_of_day()
        self.datacollector.collect(self)
        if log.isEnabledFor(logging.DEBUG):  # `debug=default` (configs/debug/): one line per simulated day
            log.debug("%s", self.day_line(day))

    def day_line(self, day: int) -> str:
        """One line on a closed day (0-based `day`): its date, each country's attempts, crossings and apprehensions,
        and who waits in the camps and is out in the zone at midnight. For DEBUG logging; changes nothing."""
        flows, stocks = self.ledger.flows, self.ledger.stocks
        parts = [
            f"{c.label} attempts {int(flows['attempts'][day, c])} crossings {int(flows['crossings'][day, c])} "
            f"apprehended {int(flows['apprehensions'][day, c])} in zone {int(stocks['in_zone'][day, c])}"
            for c in EU_COUNTRIES
        ]
        in_camps = int(stocks["in_camps"][day, Country.BELARUS])
        return f"{self.calendar.date(day)}: in camps {in_camps}; " + "; ".join(parts)

    def refresh_layers(self) -> None:
        """Paint the on-duty patrols into the grid's `guards` layer for the current hour (`Border.paint_patrols`).

        The model's processes never read the grid, so nothing paints it during a run: a reader (the map,
        `sim.viz.border_map.patrols_per_km`) calls this first. Changes no model state and draws no random numbers."""
        g = self.guards
        self.border.paint_patrols(g.x_km[g.state != PatrolState.OFF_DUTY])

    # --- results ------------------------------------------------------------------------------------------------

    @property
    def daily(self) -> pd.DataFrame:
        """One row per day and country (belarus = the camps), every counter of the design."""
        return daily_table(self)

    @property
    def segments(self) -> pd.DataFrame:
        """One row per fence segment: its fence and what happened there."""
        return segments_table(self)

    @property
    def posts(self) -> pd.DataFrame:
        """One row per Border Guard post: its km range and what happened on its segments."""
        return posts_table(self)

    @property
    def summary(self) -> dict:
        """Totals and rates per country and overall."""
        return summarise(self)
