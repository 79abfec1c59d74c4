"""How much memory a run of a config will need, estimated before it starts (`memory_limit_gb`)."""

from __future__ import annotations

import math

from sim.config.fields import parse_date
from sim.config.root import Config
from sim.config.timeline import Calendar, profile

#
# Bytes per unit, measured with tracemalloc on full runs (2026-11-29; see docs/ODD.md 8.6) and rounded
# up: a person's arrays and, once anyone asks for the agents, their Migrant view; a patrol's arrays and Mesa agent;
# a day x segment of the fence construction plan.
#
# The Mesa grid (about 1,500 bytes a cell) is not counted: a run never builds it. `Border.grid` is made on first
# use, and only the map asks for it (`sim.viz.border_map`: the app and `draw_border_map`), at the 1 km cells of the
# scenarios the app offers about 26 MB for both lines.
BYTES_BASE = 600e6  # Python, numpy, pandas, numba, Hydra and Mesa loaded


BYTES_RUN = 5e6  # the model's own tables whatever its size (segments, ledger, data collector): 1-2 MB measured


BYTES_PER_PERSON = 700.0


BYTES_PER_REMEMBERED_SEGMENT = 8.0  # per person and `migrant.memory` slot


BYTES_PER_PATROL = 800.0


BYTES_PER_PLAN_ENTRY = 10.0  # barrier (1), sensors (1), capex (8)


BYTES_PER_ESCORT = 2000.0


def memory_estimate(cfg: Config) -> dict[str, tuple[float, str]]:
    """Bytes a run of `cfg` needs, by what drives them: {part: (bytes, the keys that set its size)}.

    An estimate for refusing runs that cannot fit (`memory_limit_gb`), not an accounting: the parts grow linearly
    with people, patrols, fence segments x days and escort units, at the measured rates above, plus a fixed part
    for the model's own tables. The Mesa grid is left out: a run never builds it (see above).
    """
    calendar = Calendar(parse_date(cfg.start_date, "start_date"), cfg.days)
    per_day = profile(cfg.arrivals.per_day, calendar, interpolate=cfg.arrivals.interpolate) * cfg.arrivals.scale
    people = float(per_day.sum())
    patrols = 0.0
    for line in cfg.border.lines:
        level = getattr(cfg.troops, line.country.value)
        ramp = getattr(cfg.troops.ramp, line.country.value)
        peak = max((p.value for p in ramp), default=1.0)
        patrols += level * peak * cfg.guards.on_duty_share / cfg.guards.personnel_per_agent
    bc = cfg.border
    segments = sum(math.ceil(s.length_km / bc.segment_km) for s in bc.sections)
    person = BYTES_PER_PERSON + BYTES_PER_REMEMBERED_SEGMENT * cfg.migrant.memory
    dated = [p.value for line in (cfg.escort.units.poland, cfg.escort.units.lithuania) for p in line]
    units = (sum(dated) if dated else cfg.escort.n_units) * cfg.escort.scale
    return {
        f"~{people:,.0f} people": (people * person, "arrivals.per_day x arrivals.scale, over days"),
        f"~{patrols:,.0f} patrols": (patrols * BYTES_PER_PATROL, "troops.poland, troops.lithuania"),
        f"{segments} fence segments x {cfg.days} days": (
            segments * cfg.days * BYTES_PER_PLAN_ENTRY,
            "border.segment_km, days",
        ),
        f"~{units:,.0f} escort units": (units * BYTES_PER_ESCORT, "escort.n_units, escort.units, escort.scale"),
        "the model's tables": (BYTES_RUN, ""),
        "libraries": (BYTES_BASE, ""),
    }
