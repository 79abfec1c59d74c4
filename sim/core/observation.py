"""The observation layer: what each authority would have counted, computed from the true events.

Authorities count different things (see data/README.md). The Polish Border Guard publishes *attempted
crossings*: every detected try, by the same person or not, plus people caught inside whose crossing nobody had
seen. Lithuania publishes *apprehended* (people detained inside the country and kept there: here, those who
claim asylum) and *prevented entries* (people turned back: stopped at the line or pushed back); the two are
disjoint. Lithuania published prevented entries only from 3 Aug 2021, when turning back began; the model fills
every column for every day and both countries, each by its own definition, so that it can be compared with
either country's series. This module only reads counts.
"""

from __future__ import annotations

import numpy as np

REPORTED: tuple[str, ...] = ("reported_attempts", "reported_apprehended", "reported_prevented")


def reported(flows: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Reported series from true daily flows (arrays of days × countries)."""
    return {
        "reported_attempts": flows["detected_attempts"] + flows["apprehended_unseen"],
        "reported_apprehended": flows["apprehensions"] - flows["pushbacks"],
        "reported_prevented": flows["turned_back_at_line"] + flows["pushbacks"],
    }


def reported_segments(segments: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """What the Polish Border Guard would count per fence segment, from the true per-segment counters (arrays of
    shape (n_segments,), `Ledger.segments`): `reported_attempts`, by the definition of `reported` above (detected
    tries plus people apprehended whose breach nobody had seen). Posts add these up (`sim.core.tables.posts_table`).

    A placeholder with today's definition: the agencies' own counts (issue 12) redefine it, beside `reported`.
    """
    return {"reported_attempts": segments["detected_attempts"] + segments["apprehended_unseen"]}
