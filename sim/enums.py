"""Named choices of the model.

They are `Enum`s so that Hydra and OmegaConf reject a misspelt name with the list of allowed values, and so that
arrays can hold them as small integers (`int(Barrier.STEEL_WALL)`).
"""

from __future__ import annotations

from enum import Enum, IntEnum


class Country(IntEnum):
    """Where a person is bound. BELARUS means "still in a Belarusian camp, no border chosen yet"."""

    BELARUS = 0
    POLAND = 1
    LITHUANIA = 2

    @property
    def label(self) -> str:
        return self.name.lower()


#: The two EU countries that guard a line; BELARUS only holds camps.
EU_COUNTRIES: tuple[Country, ...] = (Country.POLAND, Country.LITHUANIA)


class CountryName(Enum):
    """Country names as written in configs (`country: poland`)."""

    poland = "poland"
    lithuania = "lithuania"

    @property
    def code(self) -> Country:
        return Country[self.name.upper()]


class Terrain(Enum):
    forest = "forest"
    field = "field"
    river = "river"
    swamp = "swamp"


TERRAINS: tuple[str, ...] = tuple(t.value for t in Terrain)


class Barrier(Enum):
    """Barrier types of a fence segment, in order of strength."""

    none = "none"
    razor_wire = "razor_wire"
    steel_wall = "steel_wall"


BARRIERS: tuple[str, ...] = tuple(b.value for b in Barrier)


class EscortStrategy(Enum):
    """How a Belarusian escort unit picks the fence segment it leads a group to."""

    random = "random"
    weakest = "weakest"
    adaptive = "adaptive"


class Deployment(Enum):
    """How a country spreads its patrols over its own fence segments."""

    uniform = "uniform"
    by_risk = "by_risk"
    reinforce = "reinforce"


class MigrantState(IntEnum):
    """The life of one person in the model (see docs/ODD.md, "Migrant")."""

    IN_CAMP = 0
    APPROACHING = 1
    AT_FENCE = 2
    IN_EU = 3
    PUSHED_BACK = 4
    CROSSED = 5
    ASYLUM = 6
    GAVE_UP = 7
    DIED = 8


#: States of people who are out in the border zone (exposed to cold, counted as "in zone").
ZONE_STATES: tuple[MigrantState, ...] = (
    MigrantState.APPROACHING,
    MigrantState.AT_FENCE,
    MigrantState.IN_EU,
    MigrantState.PUSHED_BACK,
)


class PatrolState(IntEnum):
    """What a guard patrol is doing this hour."""

    OFF_DUTY = 0
    PATROLLING = 1
    RESPONDING = 2
    HANDLING = 3
    DIVERTED = 4


class EscortPhase(IntEnum):
    IDLE = 0
    LEADING = 1
    BLOCKING = 2
    RETURNING = 3
