"""Figures of a sweep report. Each function draws one PNG that reads on its own: title, axis labels with units,
legend, and the 95% interval over seeds as a band or error bar."""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only; never needs a display
import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from sim.analysis.stats import mean_ci
from sim.cli.io import write_atomically

LABELS = {
    "troops.poland": "Polish troops on the line (personnel)",
    "troops.lithuania": "Lithuanian troops on the line (personnel)",
    "policy.poland.pushback_share": "Polish pushback share",
    "policy.lithuania.pushback_share": "Lithuanian pushback share",
}


def axis_label(key: str) -> str:
    return LABELS.get(key, key)


def save_figure(fig: plt.Figure, path: Path, layout: bool = True, colors: int | None = None) -> Path:
    """Save `fig` as a PNG at `path` atomically (a temporary file renamed over it) and close it; `layout`: apply
    `tight_layout` first (False when the caller laid the figure out itself); `colors`: store it with a palette of
    at most this many colours (about a third of the file for a figure of many panels, alike to the eye at 256)."""
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


def metric_vs_key(table: pd.DataFrame, x_key: str, line_keys: list[str], metric: str, ylabel: str, path: Path) -> Path:
    """Mean of `metric` against a numeric swept key, one line (with its 95% band) per combination of the others."""
    fig, ax = plt.subplots(figsize=(7.5, 4.8))
    groups = table.groupby(line_keys, sort=False) if line_keys else [((), table)]
    for name, rows in groups:
        xs = sorted(rows[x_key].unique())
        est = [mean_ci(rows.loc[rows[x_key] == x, metric]) for x in xs]
        label = ", ".join(f"{k}={v}" for k, v in zip(line_keys, np.atleast_1d(name), strict=False)) or metric
        line = ax.plot(xs, [e.mean for e in est], marker="o", label=label)[0]
        ax.fill_between(xs, [e.low for e in est], [e.high for e in est], alpha=0.2, color=line.get_color())
    ax.set_xlabel(axis_label(x_key))
    ax.set_ylabel(ylabel)
    what = ylabel.split(" (")[0]
    ax.set_title(
        f"{what[0].upper() + what[1:]} against {axis_label(x_key).split(' (')[0]}\n"
        "mean over seeds, band = 95% confidence interval"
    )
    ax.grid(alpha=0.3)
    ax.legend(title=", ".join(line_keys) if line_keys else None)
    return save_figure(fig, path)


def daily_series(dates: pd.Index, series: dict[str, np.ndarray], ylabel: str, title: str, path: Path) -> Path:
    """Daily mean per scenario with a 95% band; `series[label]` is an array runs × days."""
    fig, ax = plt.subplots(figsize=(9, 4.8))
    x = pd.to_datetime(dates)
    for label, runs in series.items():
        est = [mean_ci(runs[:, d]) for d in range(runs.shape[1])]
        line = ax.plot(x, [e.mean for e in est], label=label, lw=1.4)[0]
        low = [e.low if not np.isnan(e.low) else e.mean for e in est]
        high = [e.high if not np.isnan(e.high) else e.mean for e in est]
        ax.fill_between(x, low, high, alpha=0.18, color=line.get_color())
    ax.set_xlabel("date")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small", ncol=2 if len(series) > 6 else 1)
    fig.autofmt_xdate()
    return save_figure(fig, path)


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


def bars(labels: list[str], estimates: list, xlabel: str, title: str, path: Path) -> Path:
    """One horizontal bar per scenario with its 95% interval."""
    fig, ax = plt.subplots(figsize=(8.5, 0.45 * len(labels) + 1.9))
    means = np.array([e.mean for e in estimates])
    err = np.array([[e.mean - e.low, e.high - e.mean] for e in estimates]).T
    y = np.arange(len(labels))
    ax.barh(y, means, xerr=np.nan_to_num(err), capsize=3, color="tab:blue", alpha=0.8)
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    ax.grid(axis="x", alpha=0.3)
    return save_figure(fig, path)
