"""The observation layer: what each authority would have counted, computed from the true events.

Authorities count different things (docs/ODD.md 7.7, data/README.md). The Polish Border Guard publishes
*attempted illegal crossings* ("usiłowanie"): people its officers stop at the line plus people detained after
crossing, as events (one person stopped three times counts three); a failed try nobody meets is not counted.
Lithuania publishes *apprehended* ("sulaikyti": people detained inside the country and kept there; here, those who
claim asylum) and *prevented entries* ("neįleisti": people turned back at the line, and here pushed back); the two
are disjoint. For the wall era, an internal Polish Border Guard document of 2023 counts barrier crossings that
ended in detention ("zapobieżenia") and barrier crossings observed but not caught ("zaobserwowane
przekroczenia"). The model fills every column for every day and both countries, each by its own definition, so
that it can be compared with either country's series. This module only reads counts.
"""

from __future__ import annotations

import numpy as np

REPORTED: tuple[str, ...] = (
    "reported_attempts",
    "reported_apprehended",
    "reported_prevented",
    "reported_barrier_detained",
    "reported_barrier_not_caught",
)


def reported(flows: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Reported series from true daily flows (arrays of days × countries)."""
    return {
        "reported_attempts": flows["stopped_at_line"] + flows["apprehensions"],
        "reported_apprehended": flows["apprehensions"] - flows["pushbacks"],
        "reported_prevented": flows["stopped_at_line"] + flows["pushbacks"],
        "reported_barrier_detained": flows["barrier_apprehensions"].copy(),
        "reported_barrier_not_caught": flows["barrier_escapes_seen"].copy(),
    }


def reported_segments(segments: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Reported counts per fence segment from the per-segment counters (arrays of n_segments).

    `reported_attempts`: the Polish Border Guard's attempted crossings where they happened (people stopped at the
    line plus people apprehended after crossing there); posts add these up (`sim.core.tables.posts_table`)."""
    return {"reported_attempts": segments["stopped_at_line"] + segments["apprehensions"]}
