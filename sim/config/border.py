"""Schema of the `border` and `terrain` groups (configs/border/, configs/terrain/): the lines, their sections
and what each terrain does.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from sim.config.enums import CountryName, Terrain
from sim.config.fields import (
    MAX_KM,
    between,
)


@dataclass
class BorderLine:
    """One country's line with Belarus; lines are unrolled side by side along x in the order listed."""

    country: CountryName = CountryName.poland
    length_km: float = between(418.0, 0, MAX_KM, open_lo=True)


@dataclass
class BorderSection:
    """A stretch of one line with one terrain; `start_km` is measured along that country's line."""

    country: CountryName = CountryName.poland
    start_km: float = between(0.0, 0, MAX_KM)
    length_km: float = between(1.0, 0, MAX_KM, open_lo=True)
    terrain: Terrain = Terrain.forest
    name: str = ""
    access: float = between(
        1.0, 0.0, 1000.0
    )  # relative ease of reaching this section from Belarus (roads, distance from Grodno/Brest; assumption)


@dataclass
class BorderConfig:
    lines: list[BorderLine] = field(default_factory=list)
    sections: list[BorderSection] = field(default_factory=list)
    cell_km: float = between(1.0, 0.1, 100.0)  # grid cell width (assumption: resolution choice)
    segment_km: float = between(5.0, 0.1, MAX_KM)  # fence segment length (assumption)
    belarus_depth_km: float = between(8.0, 0.1, 1000.0)  # camps to line (assumption)
    eu_depth_km: float = between(5.0, 0.1, 1000.0)  # line to interior line = crossing (assumption)


@dataclass
class TerrainParams:
    # multiplies every barrier's p_breach (a river is an obstacle); each product must stay a probability
    p_breach_factor: float = between(1.0, 0.0, 1000.0)
    walk_factor: float = between(1.0, 0.01, 100.0)  # multiplies walking speeds
    sight_factor: float = between(1.0, 0.0, 100.0)  # multiplies patrol sight
    exposure_factor: float = between(1.0, 0.0, 1000.0)  # multiplies the exposure hazard
    risk: float = between(1.0, 0.0, 1000.0)  # weight of the terrain in `by_risk` deployment


@dataclass
class TerrainConfig:
    forest: TerrainParams = field(default_factory=TerrainParams)
    field: TerrainParams = field(default_factory=TerrainParams)
    # `field` is a terrain here, so the two below use the module's function by its full name
    river: TerrainParams = dataclasses.field(default_factory=TerrainParams)
    swamp: TerrainParams = dataclasses.field(default_factory=TerrainParams)
