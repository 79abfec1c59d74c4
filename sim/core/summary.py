"""The run's summary: totals and rates per country and overall, and the busiest Border Guard posts.

Rates are recomputed from totals (never averaged over countries). A rate with nothing to divide by is None
(JSON null), not 0, so that "no crossings" and "nobody tried" stay different. The summary reads a run through
`PeopleAndBooks` (a `BorderModel` is one), never the model class itself: this module sits below `sim.core.model`.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from sim.config.enums import EU_COUNTRIES, Country
from sim.core.ledger import FLOWS
from sim.core.observation import REPORTED, reported
from sim.core.population import Population
from sim.core.states import MigrantState
from sim.core.tables import RunBooks, posts_table


class PeopleAndBooks(RunBooks, Protocol):
    """What the summary reads of a run (read-only): what the tables read (books, calendar, border), and everyone
    who arrived."""

    @property
    def people(self) -> Population: ...


#: Totals summed from the daily flows.
TOTALS: tuple[str, ...] = (
    "camp_arrivals",
    "arrivals",
    "attempts",
    "crossings",
    "apprehensions",
    "pushbacks",
    "blocked_returns",
    "asylum_claims",
    "breaches",
    "detections",
    "fence_cuts",
    "incidents",
    "incursions",
    "deaths",
    "gave_up",
    "repatriated",
    *REPORTED,
)
assert set(TOTALS) - set(REPORTED) <= set(FLOWS)


def _ratio(num: float, den: float) -> float | None:
    return float(num) / float(den) if den > 0 else None


def _block(model: PeopleAndBooks, mask: np.ndarray, flows: dict[str, float]) -> dict:
    """Statistics of the people selected by `mask` and the flows already summed for them."""
    p = model.people
    n = p.n
    attempted = mask & (p.n_attempts[:n] > 0)
    reached = mask & (p.t_zone[:n] >= 0) & (p.state[:n] != MigrantState.IN_CAMP)
    crossed = mask & (p.state[:n] == MigrantState.CROSSED)
    hours = (p.t_done[:n] - p.t_arrived[:n])[crossed]
    out = {name: round(flows[name]) for name in TOTALS}
    out.update(
        people=int(np.count_nonzero(reached)),
        interception_rate=_ratio(flows["apprehensions"], flows["apprehensions"] + flows["crossings"]),
        attempts_per_person=_ratio(flows["attempts"], np.count_nonzero(attempted)),
        pushbacks_per_person=_ratio(flows["pushbacks"], np.count_nonzero(reached)),
        median_hours_to_cross=float(np.median(hours)) if hours.size else None,
        cost_eur=float(flows["cost_eur"]),
    )
    return out


#: How many posts per country `busiest_posts` lists.
BUSIEST = 3


def busiest_posts(model: PeopleAndBooks, n: int = BUSIEST) -> dict[str, list[dict]]:
    """Per EU country with a line, its `n` posts with the most reported attempts (as the Polish Border Guard ranks
    its posts), most first, ties in north-to-south order; each with its counts from `posts.csv`. Posts with no
    reported attempt are not listed (a line where nothing happened lists none)."""
    posts = posts_table(model)
    out = {}
    for c in EU_COUNTRIES:
        mine = posts[posts["country"] == c.label]
        if mine.empty:
            continue
        busy = mine[mine["reported_attempts"] > 0]
        top = busy.sort_values("reported_attempts", ascending=False, kind="stable").head(n)
        out[c.label] = [
            {"post": row.post, "reported_attempts": int(row.reported_attempts), "attempts": int(row.attempts)}
            for row in top.itertuples()
        ]
    return out


def summarise(model: PeopleAndBooks) -> dict:
    led = model.ledger
    series = {**led.flows, **reported(led.flows)}
    per_country = {name: values.sum(axis=0) for name, values in series.items()}
    country = model.people.country[: model.people.n]
    result: dict = {}
    for c in Country:
        flows = {name: float(v[int(c)]) for name, v in per_country.items()}
        result[c.label] = _block(model, country == int(c), flows)
    flows = {name: float(v.sum()) for name, v in per_country.items()}
    result["total"] = _block(model, np.ones_like(country, dtype=bool), flows)
    for label, posts in busiest_posts(model).items():
        result[label]["busiest_posts"] = posts
    return result
