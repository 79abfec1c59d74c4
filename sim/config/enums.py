"""Named choices a config is written in (countries, terrains, barriers, strategies, deployments).

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
