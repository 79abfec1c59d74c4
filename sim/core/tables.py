"""Result tables as pandas DataFrames: `daily` (day × country), `segments` (one row per fence segment) and `posts`
(one row per Border Guard post: its segments' counts added up).

The tables read a run through `RunBooks`, the few components they need (a `BorderModel` is one), never the
model class itself: this module sits below `sim.core.model`.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np
import pandas as pd

from sim.config.enums import BARRIERS, TERRAINS, Country
from sim.config.timeline import Calendar
from sim.core.border import Border
from sim.core.ledger import FLOWS, SEGMENT_COUNTERS, STOCKS, Ledger
from sim.core.observation import REPORTED, reported, reported_segments


class RunBooks(Protocol):
    """What the result tables read of a run (read-only): its books, its calendar and its fence segments."""

    @property
    def ledger(self) -> Ledger: ...

    @property
    def calendar(self) -> Calendar: ...

    @property
    def border(self) -> Border: ...


#: Columns that hold amounts, not counts of events or people.
FLOAT_COLUMNS = frozenset({"cost_eur", "fence_km", "pushback_share"})


def daily_table(model: RunBooks) -> pd.DataFrame:
    """Rows: each day of the run × (belarus, poland, lithuania); `belarus` rows hold the camps."""
    led = model.ledger
    days = model.calendar.days
    countries = [c.label for c in Country]
    columns = {
        "day": np.repeat(np.arange(days), len(Country)),
        "date": np.repeat([d.isoformat() for d in model.calendar.dates()], len(Country)),
        "country": np.tile(countries, days),
    }
    series = {**led.flows, **reported(led.flows), **led.stocks}
    for name in (*FLOWS, *REPORTED, *STOCKS):
        values = series[name].reshape(-1)
        columns[name] = values if name in FLOAT_COLUMNS else np.rint(values).astype(np.int64)
    return pd.DataFrame(columns)


def segments_table(model: RunBooks) -> pd.DataFrame:
    b = model.border
    offset = np.array([b.line_offset_km.get(Country(c), 0.0) for c in b.country])
    df = pd.DataFrame(
        {
            "segment": b.ids,
            "country": [Country(c).label for c in b.country],
            "terrain": [TERRAINS[t] for t in b.terrain],
            "start_km": np.round(b.start_x - offset, 6),
            "length_km": np.round(b.length_km, 6),
            "barrier": [BARRIERS[k] for k in b.barrier],
            "sensors": b.sensors,
            "p_breach": b.p_breach,
            "p_detect": b.p_detect,
            "damage": b.damage,
        }
    )
    for name in SEGMENT_COUNTERS:
        df[name] = model.ledger.segments[name]
    return df


#: Counts per post in `posts.csv`, each the sum over the post's segments.
POST_COUNTS: tuple[str, ...] = ("attempts", "reported_attempts", "apprehensions", "crossings", "pushbacks")


def posts_table(model: RunBooks) -> pd.DataFrame:
    """One row per Border Guard post (`Border` posts, line order then north to south): where it lies on its line
    (km from the line's north end) and what happened on its segments (a segment belongs to the post holding its
    centre)."""
    b = model.border
    counters = {**model.ledger.segments, **reported_segments(model.ledger.segments)}
    df = pd.DataFrame(
        {
            "country": [Country(c).label for c in b.post_country],
            "post": b.post_name,
            "unit": b.post_unit,
            "start_km": np.round(b.post_start_km, 6),
            "end_km": np.round(b.post_end_km, 6),
        }
    )
    for name in POST_COUNTS:
        df[name] = np.bincount(b.post, weights=counters[name], minlength=b.n_posts).round().astype(np.int64)
    return df
