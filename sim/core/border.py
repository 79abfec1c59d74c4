"""The border: lines unrolled along x, fence segments with their barrier rates, damage, repair and construction.

Segments are a column store (one numpy array per attribute, row = segment id) because every hour the model
reads breach and detection rates for thousands of tries at once. The Mesa grid carries the same facts as
property layers (barrier type and damage on the border row, people per cell) for the visualisation and for
notebooks; it is written from the arrays, never read in the hot loop.

The grid is made on first use (`Border.grid`): its ~15,000 Mesa cells took ~0.2 s to make, most of the time of
building a model, and a run never reads them (a calibration builds thousands of models and draws no maps).
"""

from __future__ import annotations

import numpy as np
from mesa.discrete_space import OrthogonalMooreGrid

from sim.config.enums import BARRIERS, TERRAINS, Barrier, Country
from sim.config.fence import FenceRule
from sim.config.root import Config
from sim.config.timeline import Calendar, profile
from sim.core.mesa_compat import release_grid

NO_BARRIER = BARRIERS.index(Barrier.none.value)
#: `Border.repair`'s next hour to look when no segment is damaged: never.
NO_REPAIR_DUE = np.iinfo(np.int64).max
#: `Border.repair`'s answer in an hour it skips: no segment repaired (read-only, shared).
NONE_REPAIRED = np.empty(0, dtype=np.int64)
NONE_REPAIRED.flags.writeable = False
DAYS_PER_YEAR = 365.0


class Border:
    """Fence segments of all lines, their current barrier state and the grid they sit on."""

    def __init__(self, cfg: Config, calendar: Calendar, random) -> None:
        bc = cfg.border
        self.cell_km = bc.cell_km
        self.belarus_depth_km = bc.belarus_depth_km
        self.eu_depth_km = bc.eu_depth_km
        self.line_offset_km: dict[Country, float] = {}
        self.line_length_km: dict[Country, float] = {}
        offset = 0.0
        for line in bc.lines:
            self.line_offset_km[line.country.code] = offset
            self.line_length_km[line.country.code] = line.length_km
            offset += line.length_km
        self.total_km = offset
        self._build_segments(cfg)
        self._build_posts(cfg)
        self._set_rate_tables(cfg)
        self.plan = self._construction_plan(cfg.fence.rules, calendar)
        self.barrier = np.full(self.n, NO_BARRIER, dtype=np.int8)
        self.sensors = np.zeros(self.n, dtype=bool)
        self.capex_eur_per_km = np.zeros(self.n)
        self.damage = np.zeros(self.n)
        self.t_repair_done = np.zeros(self.n, dtype=np.int64)
        # no repair is due before this hour (<= the earliest repair clock of a damaged segment): `repair` skips
        # the hours before it, nearly all of a season's
        self._next_repair_hour = NO_REPAIR_DUE
        self.blocked_until = np.full(self.n, -1, dtype=np.int64)
        self.p_breach = np.zeros(self.n)
        self.p_detect = np.zeros(self.n)
        self._random = random  # the model's `random`, handed to the grid when it is made
        self._grid: OrthogonalMooreGrid | None = None
        self.n_cells_x = max(1, round(self.total_km / self.cell_km))
        self.border_row = round(self.belarus_depth_km / self.cell_km)
        self.n_cells_y = self.border_row + 1 + max(1, round(self.eu_depth_km / self.cell_km))
        self.build_to(0)
        self.refresh()  # day 0 may have no fence at all: rates must still be set

    # --- set-up -------------------------------------------------------------------------------------------------

    def _build_segments(self, cfg: Config) -> None:
        """Cut each section into pieces of `segment_km` (the last piece of a section may be shorter)."""
        bc = cfg.border
        country, terrain, start, length, access = [], [], [], [], []
        order = {line.country: i for i, line in enumerate(bc.lines)}
        for s in sorted(bc.sections, key=lambda s: (order[s.country], s.start_km)):
            code = s.country.code
            pos, end = s.start_km, s.start_km + s.length_km
            while pos < end - 1e-9:
                piece = min(bc.segment_km, end - pos)
                country.append(int(code))
                terrain.append(TERRAINS.index(s.terrain.value))
                start.append(self.line_offset_km[code] + pos)
                length.append(piece)
                access.append(s.access)
                pos += piece
        self.n = len(country)
        self.country = np.array(country, dtype=np.int8)
        self.terrain = np.array(terrain, dtype=np.int8)
        self.start_x = np.array(start)
        self.length_km = np.array(length)
        self.access = np.array(access, dtype=float)  # ease of reaching the segment from Belarus (its section's)
        self.center_x = self.start_x + self.length_km / 2
        self.access = np.array(access, dtype=np.float64)  # relative ease of reaching the segment from Belarus
        self.ids = np.arange(self.n)
        # neighbours stay within one country's line: first and last segment id of each segment's line
        self.line_first = np.zeros(self.n, dtype=np.int64)
        self.line_last = np.zeros(self.n, dtype=np.int64)
        for c in np.unique(self.country):
            ids = np.flatnonzero(self.country == c)
            self.line_first[ids], self.line_last[ids] = ids[0], ids[-1]

    def _build_posts(self, cfg: Config) -> None:
        """The Border Guard posts, in line order then north to south, and each segment's post: the one holding the
        segment's centre. A line without posts in the config is one post named after its country."""
        bc = cfg.border
        country, name, unit, start, end, offset = [], [], [], [], [], []
        for line in bc.lines:
            mine = sorted((p for p in bc.posts if p.country == line.country), key=lambda p: p.start_km)
            spans = [(p.name, p.unit, p.start_km, p.start_km + p.length_km) for p in mine]
            for post_name, post_unit, a, b in spans or [(line.country.value, "", 0.0, line.length_km)]:
                country.append(int(line.country.code))
                name.append(post_name)
                unit.append(post_unit)
                start.append(a)
                end.append(b)
                offset.append(self.line_offset_km[line.country.code])
        self.post_country = np.array(country, dtype=np.int8)
        self.post_name = name
        self.post_unit = unit
        self.post_start_km = np.array(start, dtype=np.float64)  # along its own line, like the sections
        self.post_end_km = np.array(end, dtype=np.float64)
        self.n_posts = len(name)
        # posts tile each line (sim.config.validation), so every centre lies in exactly one post of its line
        lo, hi = np.array(offset) + self.post_start_km, np.array(offset) + self.post_end_km
        inside = (self.center_x[:, None] >= lo[None, :]) & (self.center_x[:, None] < hi[None, :])
        inside &= self.country[:, None] == self.post_country[None, :]
        self.post = np.argmax(inside, axis=1).astype(np.int64)
        missing = ~inside.any(axis=1)
        if missing.any():
            raise ValueError(
                f"segments {np.flatnonzero(missing).tolist()} lie in no post: the posts must tile each line"
            )

    def _set_rate_tables(self, cfg: Config) -> None:
        bars = [getattr(cfg.barriers, b) for b in BARRIERS]
        self.bar_p_breach = np.array([b.p_breach for b in bars])
        self.bar_p_detect = np.array([b.p_detect for b in bars])
        self.bar_delay_hours = np.array([b.delay_hours for b in bars])
        self.bar_repair_hours = np.array([b.repair_hours for b in bars])
        self.bar_capex_eur_per_km = np.array([b.capex_eur_per_km for b in bars])
        self.sensor_p_detect = cfg.sensors.p_detect
        self.sensor_capex_eur_per_km = cfg.sensors.capex_eur_per_km
        self.lifetime_days = cfg.cost.fence_lifetime_years * DAYS_PER_YEAR
        ter = [getattr(cfg.terrain, t) for t in TERRAINS]
        for name in ("p_breach_factor", "walk_factor", "sight_factor", "exposure_factor", "risk", "lose_factor"):
            setattr(self, name, np.array([getattr(t, name) for t in ter])[self.terrain])

    def _construction_plan(self, rules: list[FenceRule], calendar: Calendar) -> tuple[np.ndarray, ...]:
        """Barrier, sensors and barrier capex per km of every segment on every day (days × segments)."""
        barrier = np.full((calendar.days, self.n), NO_BARRIER, dtype=np.int8)
        sensors = np.zeros((calendar.days, self.n), dtype=bool)
        capex = np.zeros((calendar.days, self.n))
        for rule in rules:
            match = np.ones(self.n, dtype=bool)
            if rule.country is not None:
                match &= self.country == int(rule.country.code)
            if rule.terrains:
                match &= np.isin(self.terrain, [TERRAINS.index(t.value) for t in rule.terrains])
            ids = np.flatnonzero(match)
            cum_end = np.cumsum(self.length_km[ids])
            cap = np.inf if rule.length_km is None else rule.length_km
            if rule.build:
                built = profile(rule.build, calendar, interpolate=True, before=0.0)
            else:
                built = np.full(calendar.days, np.inf)
            covered = cum_end[None, :] <= np.minimum(built, cap)[:, None] + 1e-9  # days × matched
            code = BARRIERS.index(rule.barrier.value)
            for table, value in (
                (barrier, code),
                (sensors, rule.sensors),
                (
                    capex,
                    self.bar_capex_eur_per_km[code] if rule.capex_eur_per_km is None else rule.capex_eur_per_km,
                ),
            ):
                cols = table[:, ids]
                cols[covered] = value
                table[:, ids] = cols
        return barrier, sensors, capex

    @property
    def grid(self) -> OrthogonalMooreGrid:
        """The Mesa grid of the border (`n_cells_x` × `n_cells_y` cells of `cell_km`), made on first use.

        Making it draws no random numbers and changes no model state, so a model whose grid is never asked for
        runs exactly as one whose grid is."""
        if self._grid is None:
            grid = OrthogonalMooreGrid((self.n_cells_x, self.n_cells_y), torus=False, random=self._random)
            release_grid(grid)  # Mesa's copyreg table would keep the grid's layers for good (sim/core/mesa_compat.py)
            # the one layer anything reads: the map's patrols per km (`sim.viz.border_map.patrols_per_km`), painted
            # on request
            grid.create_property_layer("guards", 0, int)
            self._grid = grid
        return self._grid

    @property
    def guards_layer(self):
        """The grid's `guards` property layer: patrols per cell, painted by `paint_patrols`."""
        return self.grid.guards  # Mesa serves a grid's property layers as attributes

    # --- state changes ------------------------------------------------------------------------------------------

    def build_to(self, day: int) -> bool:
        """Put up the fence as planned for `day`; returns whether anything changed."""
        barrier, sensors, capex = (table[day] for table in self.plan)
        changed = not (np.array_equal(barrier, self.barrier) and np.array_equal(sensors, self.sensors))
        if changed:
            self.barrier[:] = barrier
            self.sensors[:] = sensors
            self.capex_eur_per_km[:] = capex
            self.refresh()
        return changed

    def refresh(self) -> None:
        """Recompute per-segment rates after a change of barrier, sensors or damage."""
        # products are probabilities: `sim.config` refuses any barrier x terrain pair above 1 (nothing is clipped)
        base = self.bar_p_breach[self.barrier] * self.p_breach_factor
        open_ground = self.bar_p_breach[NO_BARRIER] * self.p_breach_factor
        # damage d moves a segment from its barrier's breach chance toward open ground's (d = 1: a gap)
        self.p_breach = base + self.damage * np.maximum(open_ground - base, 0.0)
        self.p_detect = 1.0 - (1.0 - self.bar_p_detect[self.barrier]) * (1.0 - self.sensor_p_detect * self.sensors)

    def cut(self, segment: int, damage: float, hour: int) -> None:
        """A cut adds damage (raising p_breach) and starts or extends the repair clock."""
        self.damage[segment] = min(1.0, self.damage[segment] + damage)
        done = hour + int(np.ceil(self.bar_repair_hours[self.barrier[segment]]))
        self.t_repair_done[segment] = max(self.t_repair_done[segment], done)
        self._next_repair_hour = min(self._next_repair_hour, done)
        self.refresh()

    def repair(self, hour: int) -> np.ndarray:
        """Close the cuts whose repair clock has run out; returns the repaired segment ids (int64)."""
        if hour < self._next_repair_hour:  # nothing damaged, or no clock run out yet
            return NONE_REPAIRED
        damaged = self.damage > 0
        done = np.flatnonzero(damaged & (self.t_repair_done <= hour))
        if done.size:
            self.damage[done] = 0.0
            self.refresh()
            damaged[done] = False
        self._next_repair_hour = int(self.t_repair_done[damaged].min()) if damaged.any() else NO_REPAIR_DUE
        return done

    def paint_patrols(self, patrol_x_km: np.ndarray) -> None:
        """Write patrols per cell into the grid's `guards` layer (for maps, not the model), replacing its contents.

        `patrol_x_km`: shape (n_patrols,), km along the concatenated lines; each patrol counts 1 on the cell of its
        x on the first EU row (x clipped to the grid). Layer shape (n_cells_x, n_cells_y), int counts.
        """
        guards = np.zeros(self.guards_layer.data.shape, dtype=np.int64)
        gx = np.clip(np.floor(patrol_x_km / self.cell_km).astype(np.int64), 0, self.n_cells_x - 1)
        np.add.at(guards, (gx, min(self.border_row + 1, self.n_cells_y - 1)), 1)
        self.guards_layer.data[:] = guards

    # --- read-outs ----------------------------------------------------------------------------------------------

    def delay_hours(self, segments: np.ndarray) -> np.ndarray:
        return self.bar_delay_hours[self.barrier[segments]]

    def fenced_km(self, country: Country) -> float:
        mine = self.country == int(country)
        return float(self.length_km[mine & (self.barrier != NO_BARRIER)].sum())

    def daily_capex_eur(self, country: Country) -> float:
        """Capital cost of what stands today on a country's line, amortised over the fence lifetime."""
        mine = self.country == int(country)
        per_km = self.capex_eur_per_km + self.sensors * self.sensor_capex_eur_per_km
        return float((self.length_km * per_km)[mine].sum() / self.lifetime_days)

    def neighbour(self, segments: np.ndarray, offsets: np.ndarray) -> np.ndarray:
        """Segment `offset` places along the same line, reflected at the line's ends."""
        first, last = self.line_first[segments], self.line_last[segments]
        target = segments + offsets
        span = np.maximum(last - first, 1)
        rel = np.abs(target - first) % (2 * span)
        rel = np.where(rel > span, 2 * span - rel, rel)
        return np.where(last > first, first + rel, segments)
