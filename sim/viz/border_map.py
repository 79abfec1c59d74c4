"""The border map: fence segments, people by state, guard patrols and escort units at one moment.

Drawn with matplotlib from the model's public read-outs (`model.segments`, `model.people.to_df()`, the grid's
`guards` layer, `model.escorts`), so the app (`sim.viz.app`) and the notebooks show the same picture and neither
copies model logic. People are drawn as *counts* per fence segment and kilometre of depth, one marker per occupied
cell sized by its count, so a map with tens of thousands of people in the zone draws as fast as one with ten.
Drawing never changes the simulation: it only repaints the grid's `guards` layer (`model.refresh_layers()`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from sim.config.enums import EU_COUNTRIES, Country
from sim.core.states import ZONE_STATES, EscortPhase, MigrantState

if TYPE_CHECKING:
    from sim.core.model import BorderModel

#: Fence colour and line width per barrier type: the stronger the barrier, the darker and thicker.
BARRIER_STYLE: dict[str, tuple[str, float]] = {
    "none": ("#b0b0b0", 1.0),
    "razor_wire": ("#e69f00", 3.0),
    "steel_wall": ("#2b2b2b", 4.5),
}
DAMAGE_COLOUR = "#d62728"
SENSOR_COLOUR = "#17becf"
#: People in the zone, by state (final states have left the map).
STATE_COLOURS: dict[MigrantState, str] = {
    MigrantState.APPROACHING: "#7b3294",
    MigrantState.AT_FENCE: "#e66101",
    MigrantState.PUSHED_BACK: "#c51b7d",
    MigrantState.IN_EU: "#1a9850",
}
STATE_LABELS: dict[MigrantState, str] = {
    MigrantState.APPROACHING: "approaching",
    MigrantState.AT_FENCE: "at the fence",
    MigrantState.PUSHED_BACK: "pushed back",
    MigrantState.IN_EU: "inside the EU zone",
}
GUARD_COLOUR = "#2166ac"
ESCORT_COLOUR = "#000000"
BELARUS_SHADE, EU_SHADE = "#f4efe6", "#eaf1f8"


def clock(model: BorderModel) -> str:
    """The model's current time as a reader says it: "1 Oct 2021, 06:00 (hour 6)"."""
    now = dt.datetime.fromisoformat(str(model.cfg.start_date)) + dt.timedelta(hours=model.hour)
    return f"{now.day} {now:%b %Y, %H:%M} (hour {model.hour})"


def marker_area(count: np.ndarray | pd.Series, per_person: float = 10.0) -> np.ndarray:
    """Marker area (points²) growing with the square root of a count: a group of 250 stays readable beside one."""
    return per_person * np.sqrt(np.asarray(count, dtype=float))


def people_cells(
    model: BorderModel, people: pd.DataFrame | None = None, segments: pd.DataFrame | None = None, depth_km: float = 1.0
) -> pd.DataFrame:
    """People in the zone counted per (country, state, segment, `depth_km` row across the line).

    `people` is `model.people.to_df()` and `segments` is `model.segments` (pass them when you have them).
    Columns: country, state (MigrantState), x_km (segment centre, along its country's line), y_km (mean depth of
    the people counted: fixed states such as AT_FENCE keep their exact y), count.
    """
    people = model.people.to_df() if people is None else people
    segments = model.segments if segments is None else segments
    zone = people[people["state"].isin([s.name for s in ZONE_STATES])]
    if zone.empty:
        return pd.DataFrame({"country": [], "state": [], "x_km": [], "y_km": [], "count": []})
    frame = pd.DataFrame(
        {
            "country": zone["country"].astype(str).to_numpy(),
            "state": zone["state"].astype(str).to_numpy(),
            "segment": zone["segment"].to_numpy(),
            "row": np.floor(zone["y_km"].to_numpy() / depth_km),
            "y_km": zone["y_km"].to_numpy(),
        }
    )
    cells = frame.groupby(["country", "state", "segment", "row"], sort=False).agg(
        y_km=("y_km", "mean"), count=("y_km", "size")
    )
    cells = cells.reset_index()
    centre = (segments["start_km"] + segments["length_km"] / 2).to_numpy()
    cells["x_km"] = centre[np.searchsorted(segments["segment"].to_numpy(), cells["segment"].to_numpy())]
    cells["state"] = [MigrantState[name] for name in cells["state"]]
    return cells[["country", "state", "x_km", "y_km", "count"]]


def patrols_per_km(model: BorderModel) -> dict[Country, tuple[np.ndarray, np.ndarray]]:
    """On-duty patrols per grid column, from the grid's `guards` layer: (x_km along each line, count).

    Repaints the layer first (`model.refresh_layers()`; nothing paints it during a run), so the count is for the
    current hour."""
    model.refresh_layers()
    per_column = model.grid.guards.data.sum(axis=1)
    cell_km = model.cfg.border.cell_km
    x = (np.arange(per_column.size) + 0.5) * cell_km
    out = {}
    for country, offset in model.border.line_offset_km.items():
        mine = (x >= offset) & (x < offset + model.border.line_length_km[country]) & (per_column > 0)
        out[country] = (x[mine] - offset, per_column[mine])
    return out


def escort_positions(model: BorderModel, segments: pd.DataFrame | None = None) -> pd.DataFrame:
    """Where escort units are: leading a group (with it, at the camps' edge of the zone), blocking returns just
    behind the line, or walking back. Idle units are in the camps and not drawn."""
    segments = (model.segments if segments is None else segments).set_index("segment")
    depth = model.border.belarus_depth_km
    y_of = {EscortPhase.LEADING: -depth, EscortPhase.BLOCKING: -1.0, EscortPhase.RETURNING: -depth / 2}
    rows = [
        {
            "country": segments.at[unit.segment, "country"],
            "x_km": segments.at[unit.segment, "start_km"] + segments.at[unit.segment, "length_km"] / 2,
            "y_km": y_of[unit.phase],
            "phase": unit.phase.name.lower(),
        }
        for unit in model.escorts
        if unit.phase in y_of and unit.segment >= 0
    ]
    return pd.DataFrame(rows, columns=["country", "x_km", "y_km", "phase"])


def _strokes(rows: pd.DataFrame, y: float) -> list[list[tuple[float, float]]]:
    """One horizontal stroke per segment row, at height y."""
    start, end = rows["start_km"].to_numpy(), (rows["start_km"] + rows["length_km"]).to_numpy()
    return [[(a, y), (b, y)] for a, b in zip(start, end, strict=True)]


def draw_fence(ax: Axes, segments: pd.DataFrame) -> None:
    """The line at y = 0, one stroke per segment in its barrier's style; damage in red (the deeper the cut, the
    stronger the red), sensors as a thin line just inside the EU. Line collections keep a redraw cheap."""
    for barrier, (colour, width) in BARRIER_STYLE.items():
        rows = segments[segments["barrier"] == barrier]
        ax.add_collection(LineCollection(_strokes(rows, 0.0), colors=colour, linewidths=width, capstyle="butt"))
    sensed = segments[segments["sensors"]]
    ax.add_collection(LineCollection(_strokes(sensed, 0.35), colors=SENSOR_COLOUR, linewidths=1.0))
    cut = segments[segments["damage"] > 0]
    red = np.tile(to_rgba(DAMAGE_COLOUR), (len(cut), 1))
    red[:, 3] = 0.35 + 0.65 * cut["damage"].to_numpy()
    ax.add_collection(LineCollection(_strokes(cut, 0.0), colors=red, linewidths=6, capstyle="butt", zorder=4))


def draw_line(ax: Axes, model: BorderModel, country: Country, view: MapView) -> None:
    """One country's line: Belarus below, the EU zone above, fence, people, patrols and escorts."""
    border = model.border
    length = border.line_length_km[country]
    ax.axhspan(-border.belarus_depth_km - 0.5, 0, color=BELARUS_SHADE, zorder=0)
    ax.axhspan(0, border.eu_depth_km, color=EU_SHADE, zorder=0)
    ax.axhline(border.eu_depth_km, color="#555555", lw=0.8, ls="--", zorder=1)
    draw_fence(ax, view.segments[view.segments["country"] == country.label])
    x, count = view.patrols[country]
    ax.scatter(x, np.full(x.size, 0.7), s=marker_area(count, 6.0), marker="^", color=GUARD_COLOUR, zorder=5, lw=0)
    mine = view.cells[view.cells["country"] == country.label]
    for state, colour in STATE_COLOURS.items():
        rows = mine[mine["state"] == state]
        ax.scatter(rows["x_km"], rows["y_km"], s=marker_area(rows["count"]), color=colour, alpha=0.75, zorder=6, lw=0)
    units = view.escorts[view.escorts["country"] == country.label]
    ax.scatter(units["x_km"], units["y_km"], s=40, marker="D", color=ESCORT_COLOUR, zorder=7, lw=0)
    ax.set_xlim(0, length)
    ax.set_ylim(-border.belarus_depth_km - 0.5, border.eu_depth_km + 0.5)
    ax.set_ylabel("km from the line", fontsize=8)
    ax.tick_params(labelsize=8)
    ax.set_title(f"{country.label.capitalize()}: {length:g} km of line", loc="left", fontsize=9)


@dataclass
class MapView:
    """What one map shows, read from the model once per drawing."""

    segments: pd.DataFrame
    people: pd.DataFrame
    cells: pd.DataFrame
    escorts: pd.DataFrame
    patrols: dict[Country, tuple[np.ndarray, np.ndarray]]

    @classmethod
    def of(cls, model: BorderModel) -> MapView:
        segments, people = model.segments, model.people.to_df()
        return cls(
            segments=segments,
            people=people,
            cells=people_cells(model, people, segments),
            escorts=escort_positions(model, segments),
            patrols=patrols_per_km(model),
        )


def legend_handles(view: MapView) -> list[Line2D]:
    """Legend entries with today's totals, so the map doubles as a count."""
    handles = [
        Line2D([], [], color=colour, lw=width, label="no barrier" if name == "none" else name.replace("_", " "))
        for name, (colour, width) in BARRIER_STYLE.items()
    ]
    handles += [
        Line2D([], [], color=DAMAGE_COLOUR, lw=6, alpha=0.6, label="cut (until repaired)"),
        Line2D([], [], color=SENSOR_COLOUR, lw=1, label="sensors"),
    ]
    totals = view.cells.groupby("state")["count"].sum()
    handles += [
        Line2D(
            [],
            [],
            ls="",
            marker="o",
            color=colour,
            label=f"{STATE_LABELS[state]} ({totals.get(state, 0):,})",
        )
        for state, colour in STATE_COLOURS.items()
    ]
    on_duty = sum(int(count.sum()) for _, count in view.patrols.values())
    handles += [
        Line2D([], [], ls="", marker="^", color=GUARD_COLOUR, label=f"patrols on duty ({on_duty:,})"),
        Line2D([], [], ls="", marker="D", color=ESCORT_COLOUR, label="escort units"),
    ]
    return handles


def draw_border_map(model: BorderModel, figsize: tuple[float, float] = (9.0, 6.0), legend_columns: int = 4) -> Figure:
    """The whole border at the model's current hour: one panel per country line, Belarus at the bottom of each.

    x is km along each country's line, y km across it (negative in Belarus, the fence at 0, the EU interior line
    at the top). Marker areas grow with the square root of the people counted in each segment × km cell.
    Returns a bare matplotlib Figure (no pyplot), safe to draw from the app's worker threads.
    """
    # margins fixed in inches rather than constrained layout, which would double the time of each redraw
    width, height = figsize
    view = MapView.of(model)
    handles = legend_handles(view)
    legend_rows = -(-len(handles) // legend_columns)
    lines = [c for c in EU_COUNTRIES if c in model.border.line_offset_km]
    top_in, bottom_in, gap_in = 0.5, 0.6 + 0.19 * legend_rows, 0.5
    panel_in = (height - top_in - bottom_in - gap_in * (len(lines) - 1)) / len(lines)
    fig = Figure(figsize=figsize)
    fig.subplots_adjust(
        left=0.6 / width,
        right=1 - 0.1 / width,
        top=1 - top_in / height,
        bottom=bottom_in / height,
        hspace=gap_in / panel_in,
    )
    axes = fig.subplots(len(lines), 1, squeeze=False)[:, 0]
    for ax, country in zip(axes, lines, strict=True):
        draw_line(ax, model, country, view)
    axes[-1].set_xlabel("km along the line", fontsize=8)
    in_camps = int((view.people["state"] == MigrantState.IN_CAMP.name).sum())
    fig.suptitle(f"{clock(model)}: {in_camps:,} people waiting in Belarusian camps", fontsize=10)
    fig.legend(
        handles=handles,
        loc="lower center",
        ncol=legend_columns,
        fontsize=8,
        frameon=False,
    )
    return fig
