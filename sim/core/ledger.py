"""Preallocated result arrays: daily counters per country, and counters per fence segment.

Phases count the people they touched (filed, or added by compiled passes); nothing loops over agents to report.
Flows are events of the day; stocks are read when the day closes at midnight.
"""

from __future__ import annotations

import numpy as np

from sim.config.enums import Country

N_COUNTRIES = len(Country)

#: Daily flows (events per day and country). Order = column order in `daily.csv`.
FLOWS: tuple[str, ...] = (
    "camp_arrivals",  # people arriving in Belarusian camps (country = belarus)
    "arrivals",  # people reaching a country's line with an escorted group
    "attempts",  # tries at a fence (one person, one try)
    "breaches",  # tries that got through the fence
    "detections",  # tries seen at the line plus people spotted inside the EU zone
    "detected_attempts",  # tries seen at the line (sensors, barrier, patrols)
    "turned_back_at_line",  # tries seen that failed (by sensors, barrier or patrols)
    "stopped_at_line",  # failed tries met by patrols in sight: people turned back by guards at the line
    "apprehensions",
    "apprehended_unseen",  # apprehended people whose breach nobody had seen
    "lost_contact",  # tracked people inside whom the pursuit lost (one event per loss)
    "barrier_breaches",  # breaches of a segment with a barrier (razor wire or wall)
    "barrier_apprehensions",  # apprehensions of people who breached a segment with a barrier
    "barrier_escapes_seen",  # crossings of people seen after breaching a segment with a barrier
    "pushbacks",
    "blocked_returns",  # pushed-back people forced straight back to the fence by escorts
    "asylum_claims",
    "crossings",  # people reaching the interior line
    "gave_up",
    "repatriated",  # people flown home, or leaving the camps on their own (counted in gave_up as well)
    "deaths",
    "incidents",
    "incident_severity",  # sum of severities (1 confrontation, 2 violence, 3 armed threat)
    "fence_cuts",
    "incursions",
    "cost_eur",
)

#: Stocks read at midnight.
STOCKS: tuple[str, ...] = (
    "in_camps",
    "in_zone",
    "massed",  # people at the line on the Belarusian side (at the fence or pushed back), held there or not
    "guards_on_duty",
    "troops",
    "fence_km",
    "pushback_share",
)

#: Per-segment counters.
SEGMENT_COUNTERS: tuple[str, ...] = (
    "attempts",
    "breaches",
    "detections",
    "stopped_at_line",
    "apprehensions",
    "fence_cuts",
    "incidents",
    "crossings",
    "pushbacks",  # apprehended people pushed back, at the segment where they were caught
)


#: A flow's (a segment counter's) row in the ledger's tables.
FLOW_INDEX = {name: i for i, name in enumerate(FLOWS)}
SEGMENT_INDEX = {name: i for i, name in enumerate(SEGMENT_COUNTERS)}


def table_rows(flows: tuple[str, ...], segment_counters: tuple[str, ...] = ()) -> np.ndarray:
    """The rows of `flows` in `Ledger.flow_table`, then of `segment_counters` in `Ledger.segment_table` (int64), for
    compiled code that counts straight into the tables."""
    return np.array([FLOW_INDEX[n] for n in flows] + [SEGMENT_INDEX[n] for n in segment_counters], dtype=np.int64)


class Ledger:
    """The run's counters. Counts are batched: `count` and `count_segments` file the countries or segments of an
    event, and the files are added up, in one `np.add.at` for all daily flows and one for all segment counters,
    when anyone reads `flows` or `segments` (the model reads `flows` every midnight).

    Why batched: a full season makes ~75,000 such calls, most of a handful of people; one `bincount` and array
    update each was a few percent of a run, and a `bincount` per counter and day at midnight still ~3%. Counts are whole
    numbers, so the totals are exactly those of adding them one call at a time. A filed array is kept until then,
    so callers pass arrays they will not change (every caller passes a fresh fancy-indexed array, such as
    `people.country[uids]`).

    The daily flows are one array, shape (len(FLOWS), days, N_COUNTRIES), and the segment counters one, shape
    (len(SEGMENT_COUNTERS), n_segments); `flows[name]` and `segments[name]` are views of their rows, made on each
    read (so a copied or unpickled ledger's views are its own table's).
    """

    def __init__(self, days: int, n_segments: int) -> None:
        self.days = days
        self.n_segments = n_segments
        self._flow_table = np.zeros((len(FLOWS), days, N_COUNTRIES), dtype=np.float64)
        self._segment_table = np.zeros((len(SEGMENT_COUNTERS), n_segments), dtype=np.int64)
        # filed arrays, and for each its row: flow index × days + day (flows), counter index (segments)
        self._filed: list[np.ndarray] = []
        self._filed_rows: list[int] = []
        self._filed_segments: list[np.ndarray] = []
        self._filed_segment_rows: list[int] = []
        self.stocks = {name: np.zeros((days, N_COUNTRIES), dtype=np.float64) for name in STOCKS}

    @property
    def flows(self) -> dict[str, np.ndarray]:
        """Daily flows per (day, country), every event counted so far."""
        self._settle()
        return {name: self._flow_table[i] for i, name in enumerate(FLOWS)}

    @property
    def segments(self) -> dict[str, np.ndarray]:
        """Counters per fence segment, every event counted so far."""
        self._settle()
        return {name: self._segment_table[i] for i, name in enumerate(SEGMENT_COUNTERS)}

    def _settle(self) -> None:
        if self._filed:
            _add_filed(self._flow_table.reshape(-1), self._filed, self._filed_rows, N_COUNTRIES)
            self._filed.clear()
            self._filed_rows.clear()
        if self._filed_segments:
            _add_filed(self._segment_table.reshape(-1), self._filed_segments, self._filed_segment_rows, self.n_segments)
            self._filed_segments.clear()
            self._filed_segment_rows.clear()

    @property
    def flow_table(self) -> np.ndarray:
        """All daily flows, shape (len(FLOWS), days, N_COUNTRIES), row `FLOW_INDEX[name]`: compiled code adds whole
        counts straight into it (in any order: whole numbers, so the totals are exact)."""
        return self._flow_table

    @property
    def segment_table(self) -> np.ndarray:
        """All segment counters, shape (len(SEGMENT_COUNTERS), n_segments), row `SEGMENT_INDEX[name]`; as
        `flow_table`."""
        return self._segment_table

    def count(self, name: str, day: int, countries: np.ndarray) -> None:
        """Add one event per entry of `countries` (a country code per person) to a daily flow."""
        if len(countries):
            self._filed.append(countries)
            self._filed_rows.append(FLOW_INDEX[name] * self.days + day)

    def count_segments(self, name: str, segments: np.ndarray) -> None:
        """Add one event per entry of `segments` to a per-segment counter."""
        if len(segments):
            self._filed_segments.append(segments)
            self._filed_segment_rows.append(SEGMENT_INDEX[name])

    def add(self, name: str, day: int, country: int, amount: float = 1.0) -> None:
        self._flow_table[FLOW_INDEX[name], day, country] += amount

    def record(self, name: str, day: int, values: np.ndarray) -> None:
        self.stocks[name][day] = values


def _add_filed(table: np.ndarray, filed: list[np.ndarray], rows: list[int], width: int) -> None:
    """Add one event per entry of each filed array to `table` (flat, rows of `width`): array i's entries are
    columns of row `rows[i]`. One `np.add.at` over all of them; whole numbers, so exact in any order."""
    sizes = np.fromiter(map(len, filed), dtype=np.int64, count=len(filed))
    cells = np.repeat(np.asarray(rows, dtype=np.int64) * width, sizes) + np.concatenate(filed)
    np.add.at(table, cells, 1)
