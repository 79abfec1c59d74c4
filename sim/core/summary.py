"""The run's summary: totals and rates per country and overall, and the busiest Border Guard posts.

Rates are recomputed from totals (never averaged over countries). A rate with nothing to divide by is None
(JSON null), not 0, so that "no crossings" and "nobody tried" stay different. Counts of events (attempts,
apprehensions, ...) are the ledger's flows; counts of people (`people_*`) are read off the people table, each person
once; troops, costs by kind and people massed come from the ledger's daily stocks and the border's construction
plan, over the days closed so far (docs/ODD.md 8.4). The summary reads a run through
`PeopleAndBooks` (a `BorderModel` is one), never the model class itself: this module sits below `sim.core.model`.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from sim.config.enums import EU_COUNTRIES, Country
from sim.config.root import Config
from sim.config.timeline import HOURS_PER_DAY
from sim.core.ledger import FLOWS
from sim.core.observation import REPORTED, reported
from sim.core.population import Population
from sim.core.states import MigrantState
from sim.core.tables import RunBooks, posts_table


class PeopleAndBooks(RunBooks, Protocol):
    """What the summary reads of a run (read-only): what the tables read (books, calendar, border), everyone who
    arrived, the config (troop levels asked for, prices) and the hours simulated so far."""

    @property
    def people(self) -> Population: ...

    @property
    def cfg(self) -> Config: ...

    @property
    def hour(self) -> int: ...


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


def _block(model: PeopleAndBooks, mask: np.ndarray, flows: dict[str, float], books: dict[str, float | None]) -> dict:
    """Statistics of the people selected by `mask`, the flows already summed for them, and what the books say of
    their country or countries (`books`: troops, costs, people massed; see `_books`)."""
    p = model.people
    n = p.n
    state = p.state[:n]
    attempted = mask & (p.n_attempts[:n] > 0)
    reached = mask & (p.t_zone[:n] >= 0) & (state != MigrantState.IN_CAMP)
    crossed = mask & (state == MigrantState.CROSSED)
    # apprehended at least once: every apprehension ends in a pushback (counted per person) or an asylum claim
    apprehended = mask & ((p.n_pushbacks[:n] > 0) | (state == MigrantState.ASYLUM))
    hours = (p.t_done[:n] - p.t_arrived[:n])[crossed]
    # time in the zone: from leaving the camps to leaving the system, or to now for those still out there
    zone_hours = (np.where(p.t_done[:n] >= 0, p.t_done[:n], model.hour) - p.t_zone[:n])[reached]
    n_attempted, n_crossed = np.count_nonzero(attempted), np.count_nonzero(crossed)
    out = {name: round(flows[name]) for name in TOTALS}
    out.update(
        people=int(np.count_nonzero(reached)),
        interception_rate=_ratio(flows["apprehensions"], flows["apprehensions"] + flows["crossings"]),
        apprehensions_per_attempt=_ratio(flows["apprehensions"], flows["attempts"]),
        attempts_per_person=_ratio(flows["attempts"], n_attempted),
        pushbacks_per_person=_ratio(flows["pushbacks"], np.count_nonzero(reached)),
        median_hours_to_cross=float(np.median(hours)) if hours.size else None,
        people_reached_line=int(n_attempted),
        people_crossed=int(n_crossed),
        people_apprehended=int(np.count_nonzero(apprehended)),
        share_crossed=_ratio(n_crossed, n_attempted),
        days_in_zone_mean=float(zone_hours.mean() / HOURS_PER_DAY) if zone_hours.size else None,
        cost_eur=float(flows["cost_eur"]),
        **books,
    )
    return out


def _books(model: PeopleAndBooks) -> dict[str, np.ndarray]:
    """Per country (arrays indexed by `Country`) over the days closed so far: troops asked for and deployed,
    the costs by kind, the fence capital standing now, and the people massed at the line.

    Every cost is priced as `BorderModel.close_day` prices it into the daily `cost_eur` (docs/ODD.md 7.8), so the
    four kinds add up to `cost_eur`; the fence's comes from the border's construction plan of each day."""
    cfg, led, border = model.cfg, model.ledger, model.border
    closed = min(model.hour // HOURS_PER_DAY, model.calendar.days)  # days whose books are closed
    flows, stocks = led.flows, led.stocks
    troops = stocks["troops"][:closed]
    asked = np.zeros(len(Country))
    for c in EU_COUNTRIES:
        asked[c] = getattr(cfg.troops, c.label)
    _, sensors, capex = (table[:closed] for table in border.plan)  # days × segments
    per_day = border.length_km * (capex + sensors * border.sensor_capex_eur_per_km)
    by_country = np.bincount(border.country, weights=per_day.sum(axis=0), minlength=len(Country))
    standing = border.length_km * (border.capex_eur_per_km + border.sensors * border.sensor_capex_eur_per_km)
    massed = stocks["massed"][:closed]
    return {
        "troops_asked": asked,
        "troops_deployed": troops.mean(axis=0) if closed else np.full(len(Country), np.nan),
        "cost_troops_eur": (troops * cfg.cost.troop_eur_per_day).sum(axis=0),
        "cost_fence_eur": by_country / border.lifetime_days,
        "cost_asylum_eur": flows["asylum_claims"][:closed].sum(axis=0) * cfg.cost.asylum_claim_eur,
        "cost_pushback_eur": flows["pushbacks"][:closed].sum(axis=0) * cfg.cost.pushback_eur,
        "fence_capital_eur": np.bincount(border.country, weights=standing, minlength=len(Country)),
        "massed_mean": massed.mean(axis=0) if closed else np.full(len(Country), np.nan),
        "massed_peak": massed.max(axis=0) if closed else np.full(len(Country), np.nan),
        # the total's peak is the busiest day over both lines, not the sum of each line's busiest day
        "massed_peak_total": np.array([massed.sum(axis=1).max() if closed else np.nan]),
    }


def _value(x: float, whole: bool = False) -> float | int | None:
    """A number for JSON: None for a quantity with no day to average over, whole numbers as int."""
    if np.isnan(x):
        return None
    return round(x) if whole else float(x)


def _books_of(books: dict[str, np.ndarray], pick: int | None) -> dict[str, float | int | None]:
    """The books of one country (`pick`, a `Country` code) or of all (None: sums, and the busiest day of all)."""
    whole = {"troops_asked", "massed_peak"}
    out = {}
    for name, values in books.items():
        if name == "massed_peak_total":
            continue
        if pick is not None:
            x = values[pick]
        elif name == "massed_peak":
            x = books["massed_peak_total"][0]
        else:
            x = values.sum()
        out[name] = _value(float(x), whole=name in whole)
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
    books = _books(model)
    result: dict = {}
    for c in Country:
        flows = {name: float(v[int(c)]) for name, v in per_country.items()}
        result[c.label] = _block(model, country == int(c), flows, _books_of(books, int(c)))
    flows = {name: float(v.sum()) for name, v in per_country.items()}
    result["total"] = _block(model, np.ones_like(country, dtype=bool), flows, _books_of(books, None))
    for label, posts in busiest_posts(model).items():
        result[label]["busiest_posts"] = posts
    return result
