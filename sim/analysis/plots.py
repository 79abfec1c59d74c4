"""Figures of a sweep report. Each function draws one PNG that reads on its own: title, axis labels with units,
legend, and the 95% interval as a band or error bar (over seeds, or the prediction interval over posterior
draws when the report gives that).

Scenario labels can be long (`policy.poland.pushback_share=0.5, policy.lithuania.pushback_share=0`): they are
wrapped (`wrap`), legends go below the axes (`legend_below`), and `layout_problems(fig)` says when a legend or a
tick label leaves the figure or a legend covers the axes (the report's tests check every figure with it)."""

from __future__ import annotations

import io
import math
import re
from collections.abc import Callable
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only; never needs a display
import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from sim.analysis.stats import Bounds, Estimate, mean_ci
from sim.cli.io import write_atomically

LABELS = {
    "troops.poland": "Polish troops asked for (personnel)",
    "troops.lithuania": "Lithuanian troops asked for (personnel)",
    "policy.poland.pushback_share": "Polish pushback share",
    "policy.lithuania.pushback_share": "Lithuanian pushback share",
}
#: Characters per line of a wrapped label.
WRAP = 36


def axis_label(key: str) -> str:
    return LABELS.get(key, key)


def wrap(label: str, width: int = WRAP) -> str:
    """`label` on lines of at most `width` characters (where it can), breaking after each `, ` first (one
    key=value a line), then after a `.`, `=` or `_` inside a long key=value, never inside a word."""
    lines = []
    for part in str(label).split(", "):
        line = ""
        for piece in re.split(r"(?<=[.=_ ])", part):
            if line and len(line) + len(piece) > width:
                lines.append(line.rstrip())
                line = ""
            line += piece
        lines.append(line.rstrip())
    return "\n".join(lines)


def legend_below(fig: plt.Figure, handles: list, labels: list[str], title: str | None = None) -> None:
    """One legend for the whole figure, below its axes (outside them), with as many columns as fit its width."""
    wrapped = [wrap(label) for label in labels]
    longest = max((len(line) for label in wrapped for line in label.split("\n")), default=1)
    width_pt = fig.get_figwidth() * 72
    ncol = max(1, min(len(labels), int(width_pt // (longest * 5.2 + 40))))
    fig.legend(handles, wrapped, loc="outside lower center", ncol=ncol, fontsize="small", title=title)


def legend_rows(labels: list[str], width_in: float) -> int:
    """About how many lines a `legend_below` legend of `labels` takes (to size the figure for it)."""
    wrapped = [wrap(label) for label in labels]
    longest = max((len(line) for label in wrapped for line in label.split("\n")), default=1)
    ncol = max(1, min(len(labels), int(width_in * 72 // (longest * 5.2 + 40))))
    lines = max((label.count("\n") + 1 for label in wrapped), default=1)
    return math.ceil(len(labels) / ncol) * lines


def layout_problems(fig: plt.Figure) -> list[str]:
    """What makes `fig` unreadable: a legend or a tick label outside the figure, a legend over an axes' plot area.
    Empty when the layout is sound. Draws the figure (without rendering) to measure it."""
    fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()
    box = fig.bbox
    tol = 1.0  # pixels

    def outside(ext) -> bool:
        return ext.x0 < box.x0 - tol or ext.y0 < box.y0 - tol or ext.x1 > box.x1 + tol or ext.y1 > box.y1 + tol

    problems = []
    axes = [ax for ax in fig.axes if ax.get_visible()]
    legends = list(fig.legends) + [ax.get_legend() for ax in axes if ax.get_legend() is not None]
    for legend in legends:
        ext = legend.get_window_extent(renderer)
        if outside(ext):
            problems.append(f"legend {ext.bounds} leaves the figure {box.bounds}")
        for ax in axes:
            inter = ext.intersection(ext, ax.get_window_extent(renderer))
            if inter is not None and inter.width > tol and inter.height > tol:
                problems.append(f"legend {ext.bounds} covers the axes '{ax.get_title()}' {ax.bbox.bounds}")
    for ax in axes:
        for axis in (ax.xaxis, ax.yaxis):
            low, high = sorted(axis.get_view_interval())
            for tick in axis.get_major_ticks():  # ticks outside the view limits are not drawn
                text = tick.label1
                inside = low - 1e-9 * (high - low) <= tick.get_loc() <= high + 1e-9 * (high - low)
                if inside and text.get_visible() and text.get_text() and outside(text.get_window_extent(renderer)):
                    problems.append(f"tick label '{text.get_text()}' leaves the figure")
        for text in (ax.title, ax.xaxis.label, ax.yaxis.label):
            if text.get_text() and outside(text.get_window_extent(renderer)):
                problems.append(f"label '{text.get_text()}' leaves the figure")
    return problems


def save_figure(fig: plt.Figure, path: Path, layout: bool = True, colors: int | None = None) -> Path:
    """Save `fig` as a PNG at `path` atomically (a temporary file renamed over it) and close it.

    `layout`: apply `tight_layout` first (False when the caller laid the figure out itself, e.g. with constrained
    layout); `colors`: store it with a palette of at most this many colours (about a third of the file for a figure
    of many panels, alike to the eye at 256)."""
    if layout:
        fig.tight_layout()

    def write(tmp: str) -> None:
        if colors is None:
            fig.savefig(tmp, dpi=110, format="png")
            return
        from PIL import Image

        drawn = io.BytesIO()
        fig.savefig(drawn, dpi=110, format="png")
        drawn.seek(0)
        with Image.open(drawn) as image:
            image.convert("RGB").quantize(colors=colors).save(tmp, format="PNG", optimize=True)

    try:
        write_atomically(path, write, suffix=".tmp.png")
    finally:
        plt.close(fig)
    return path


def _band(ax, x, est: list[Estimate], label: str):
    line = ax.plot(x, [e.mean for e in est], marker="o" if len(x) < 20 else None, label=label, lw=1.4)[0]
    low = [e.low if not np.isnan(e.low) else e.mean for e in est]
    high = [e.high if not np.isnan(e.high) else e.mean for e in est]
    ax.fill_between(x, low, high, alpha=0.18, color=line.get_color())
    return line


def panels_vs_x(
    panels: list[tuple[str, dict[str, tuple[list[float], list[Estimate]]]]],
    xlabel: str,
    ylabel: str,
    title: str,
    path: Path,
    legend_title: str | None = None,
) -> Path:
    """One panel per country: per line (a label), the means against x with their 95% band.
    `panels` is [(panel title, {line label: (xs, estimates)})]; the legend (the lines) sits below the panels."""
    labels = list(dict.fromkeys(label for _, lines in panels for label in lines))
    width = 4.2 * len(panels) + 0.6
    height = 3.8 + 0.17 * legend_rows(labels, width) + (0.3 if legend_title else 0)
    fig, axes = plt.subplots(1, len(panels), figsize=(width, height), layout="constrained", squeeze=False)
    handles = {}
    for ax, (panel, lines) in zip(axes[0], panels, strict=True):
        for label, (xs, est) in lines.items():
            handles[label] = _band(ax, xs, est, label)
        ax.set_title(panel)
        ax.set_xlabel(xlabel)
        ax.grid(alpha=0.3)
        ax.set_ylim(bottom=0)
    axes[0, 0].set_ylabel(ylabel)
    fig.suptitle(title)
    if len(labels) > 1 or legend_title:
        legend_below(fig, [handles[label] for label in labels], labels, legend_title)
    return save_figure(fig, path, layout=False)


def daily_panels(
    dates: pd.Index,
    panels: list[tuple[str, dict[str, np.ndarray]]],
    ylabel: str,
    title: str,
    path: Path,
    interval: Callable[[np.ndarray, Bounds], Estimate] = mean_ci,
) -> Path:
    """One panel per country of daily means per scenario with 95% bands; each `panels` entry is (panel title,
    {scenario label: array runs x days}); the legend (the scenarios) sits below the panels. `interval` makes each
    day's band from that day's column (default: the confidence interval of the mean over runs; the report passes
    `prediction_interval` with arrays of posterior draws' means)."""
    labels = list(dict.fromkeys(label for _, series in panels for label in series))
    width = 4.6 * len(panels) + 0.6
    height = 3.9 + 0.17 * legend_rows(labels, width)
    fig, axes = plt.subplots(1, len(panels), figsize=(width, height), layout="constrained", squeeze=False)
    x = pd.to_datetime(dates)
    handles = {}
    for ax, (panel, series) in zip(axes[0], panels, strict=True):
        for label, runs in series.items():
            est = [interval(runs[:, d], (0.0, None)) for d in range(runs.shape[1])]
            handles[label] = _band(ax, x, est, label)
        ax.set_title(panel)
        ax.set_xlabel("date")
        ax.grid(alpha=0.3)
        ax.set_ylim(bottom=0)
        ax.xaxis.set_major_locator(mdates.AutoDateLocator(minticks=3, maxticks=7))
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(ax.xaxis.get_major_locator()))
    axes[0, 0].set_ylabel(ylabel)
    fig.suptitle(title)
    legend_below(fig, [handles[label] for label in labels], labels)
    return save_figure(fig, path, layout=False)


def daily_series(dates: pd.Index, series: dict[str, np.ndarray], ylabel: str, title: str, path: Path) -> Path:
    """Daily mean per scenario with a 95% band (one panel); `series[label]` is an array runs × days."""
    return daily_panels(dates, [("", series)], ylabel, title, path)


def bars(
    labels: list[str],
    panels: list[tuple[str, list[Estimate]]] | list[Estimate],
    xlabel: str,
    title: str,
    path: Path,
    bounds: Bounds = (None, None),
) -> Path:
    """One horizontal bar per scenario with its 95% interval, one panel per country (`panels`: [(panel title,
    estimates per label)]; a plain list of estimates is one panel). Scenario labels are wrapped on the left."""
    if panels and isinstance(panels[0], Estimate):
        panels = [("", panels)]
    wrapped = [wrap(label) for label in labels]
    lines = sum(label.count("\n") + 1 for label in wrapped)
    longest = max((len(line) for label in wrapped for line in label.split("\n")), default=1)
    width = 0.075 * longest + 3.4 * len(panels) + 0.5
    height = 0.17 * lines + 0.25 * len(labels) + 1.9
    fig, axes = plt.subplots(1, len(panels), figsize=(width, height), layout="constrained", squeeze=False)
    y = np.arange(len(labels))
    for i, (ax, (panel, estimates)) in enumerate(zip(axes[0], panels, strict=True)):
        means = np.array([e.mean for e in estimates], dtype=float)
        err = np.array([[e.mean - e.low, e.high - e.mean] for e in estimates], dtype=float).T
        ax.barh(
            y, np.nan_to_num(means), xerr=np.clip(np.nan_to_num(err), 0, None), capsize=3, color="tab:blue", alpha=0.8
        )
        ax.set_yticks(y, wrapped if i == 0 else [""] * len(labels), fontsize="small")
        ax.invert_yaxis()
        ax.set_title(panel)
        ax.set_xlabel(wrap(xlabel, 45))
        ax.grid(axis="x", alpha=0.3)
        if bounds[0] is not None:
            ax.set_xlim(left=bounds[0])
        if bounds[1] is not None and np.nanmax(np.append(means, 0)) <= bounds[1]:
            ax.set_xlim(right=bounds[1])
    fig.suptitle(title)
    return save_figure(fig, path, layout=False)


def monthly_bands(panels: list[dict], title: str, path: Path) -> Path:
    """One panel per monthly series: observed points (a range as an error bar; hollow for a figure of part of a
    month, drawn at its month), the simulated median line and its 50% and 90% bands (quantiles over runs).

    Each panel is a dict: `label` (the y axis), `months` (first days), `runs` (array runs x months), `observed`
    (list of (first day of the month, low, high, whole month?))."""
    fig, axes = plt.subplots(len(panels), 1, figsize=(9, 3.6 * len(panels)), squeeze=False)
    for ax, panel in zip(axes[:, 0], panels, strict=True):
        x = pd.to_datetime(pd.Series(panel["months"]))
        runs = np.asarray(panel["runs"], dtype=float)
        q05, q25, q50, q75, q95 = np.nanquantile(runs, [0.05, 0.25, 0.5, 0.75, 0.95], axis=0)
        ax.fill_between(x, q05, q95, alpha=0.18, color="tab:blue", label="90% interval")
        ax.fill_between(x, q25, q75, alpha=0.35, color="tab:blue", label="50% interval")
        ax.plot(x, q50, color="tab:blue", lw=1.6, marker=".", label="simulated median")
        for whole in (True, False):
            points = [p for p in panel["observed"] if p[3] == whole]
            if not points:
                continue
            px = pd.to_datetime(pd.Series([p[0] for p in points]))
            low = np.array([p[1] for p in points], dtype=float)
            high = np.array([p[2] for p in points], dtype=float)
            mid = (low + high) / 2
            ax.errorbar(
                px,
                mid,
                yerr=[mid - low, high - mid],
                fmt="o",
                color="black",
                mfc="black" if whole else "white",
                capsize=3,
                label="observed" if whole else "observed (part of the month)",
                zorder=3,
            )
        ax.set_ylabel(panel["label"])
        ax.set_ylim(bottom=0)
        ax.xaxis.set_major_locator(mdates.MonthLocator())
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
        ax.grid(alpha=0.3)
        ax.legend(fontsize="small")
    axes[-1, 0].set_xlabel("month")
    axes[0, 0].set_title(title)
    fig.autofmt_xdate()
    path.parent.mkdir(parents=True, exist_ok=True)
    return save_figure(fig, path)
