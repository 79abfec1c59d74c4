"""Mesa agents: migrants and guard patrols as thin views onto arrays, escorts as ordinary agents.

A `Migrant` holds only its uid; its state lives in `model.people` (see `sim.core.population`), where the model's
phases update everyone at once. This keeps people real Mesa agents that a notebook or the visualisation can
list and inspect (made on request by `model.create_migrant_agents()`), while the model stays fast. Guard patrols
work the same way over `model.guards`. Belarusian escort units are few and act one by one (`sim.core.escorts`).

The agents know their model only as a `mesa.Model` with a `people` and a `guards` component (this module sits
below `sim.core.guards.force` and `sim.core.model`, which build the agents, and names neither).
"""

from __future__ import annotations

from typing import Any

import mesa

from sim.config.enums import Country
from sim.core.states import MigrantState, PatrolState


class _Column:
    """A read-only attribute backed by row `uid` of an array in a model component."""

    def __init__(self, component: str, column: str, kind: Any = None) -> None:
        self.component, self.column, self.kind = component, column, kind

    def __get__(self, agent: Any, owner: type) -> Any:
        if agent is None:
            return self
        value = getattr(getattr(agent.model, self.component), self.column)[agent.uid].item()
        return self.kind(value) if self.kind is not None else value


class Migrant(mesa.Agent):
    """One person (see docs/ODD.md). Attributes read through to `model.people`; the model moves people in
    batches, so a Migrant has no step of its own."""

    state = _Column("people", "state", MigrantState)
    country = _Column("people", "country", Country)
    segment = _Column("people", "segment")
    y_km = _Column("people", "y_km")
    n_attempts = _Column("people", "n_attempts")
    n_pushbacks = _Column("people", "n_pushbacks")
    t_arrived = _Column("people", "t_arrived")

    def __init__(self, model: mesa.Model, uid: int) -> None:
        super().__init__(model)
        self.uid = int(uid)

    def history(self) -> dict:
        """Everything the model knows about this person."""
        return self.model.people.person(self.uid)

    def __repr__(self) -> str:
        return f"Migrant(uid={self.uid}, state={self.state.name}, country={self.country.label})"


class Guard(mesa.Agent):
    """A patrol of `guards.personnel_per_agent` people; attributes read through to `model.guards`."""

    home_country: Country = Country.POLAND
    state = _Column("guards", "state", PatrolState)
    x_km = _Column("guards", "x_km")
    home_x_km = _Column("guards", "home_x_km")
    target_segment = _Column("guards", "target")

    def __init__(self, model: mesa.Model, uid: int) -> None:
        super().__init__(model)
        self.uid = int(uid)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(uid={self.uid}, state={self.state.name}, x_km={self.x_km:.1f})"


class PolishGuard(Guard):
    """Soldiers and Border Guard officers on the Polish line; policy from `policy.poland`."""

    home_country = Country.POLAND


class LithuanianGuard(Guard):
    """Soldiers and State Border Guard officers on the Lithuanian line; policy from `policy.lithuania`."""

    home_country = Country.LITHUANIA


GUARD_CLASSES: dict[Country, type[Guard]] = {Country.POLAND: PolishGuard, Country.LITHUANIA: LithuanianGuard}
