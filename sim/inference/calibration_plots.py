"""The diagnostic figures of a calibration: each parameter's posterior against its prior, the pairs of parameters,
and epsilon by generation. Densities are drawn on each parameter's unit scale (linear, or logarithmic for a log
range), where the prior is flat: a density of 1 is the prior's."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only; never needs a display
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from sim.analysis.plots import save_figure
from sim.inference.parameters import Parameter

BINS = 20


def _density(u: np.ndarray, w: np.ndarray, grid: np.ndarray) -> np.ndarray | None:
    """A weighted Gaussian kernel density of unit-scale values on `grid`; None when the values do not spread."""
    from scipy.stats import gaussian_kde

    if len(u) < 3 or np.ptp(u) <= 0:
        return None
    try:
        return gaussian_kde(u, weights=w)(grid)
    except (np.linalg.LinAlgError, ValueError):
        return None


def _natural_axis(ax: plt.Axes, p: Parameter, axis: str = "x") -> None:
    ticks = np.linspace(0, 1, 5)
    labels = [f"{v:.3g}" for v in p.from_unit(ticks)]
    if axis == "x":
        ax.set_xticks(ticks, labels)
        ax.set_xlim(0, 1)
    else:
        ax.set_yticks(ticks, labels)
        ax.set_ylim(0, 1)


def _grid(n: int) -> tuple[plt.Figure, np.ndarray]:
    cols = min(3, n)
    rows = -(-n // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 3.2 * rows), squeeze=False)
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    return fig, axes.flat


def marginals(
    post: pd.DataFrame, params: Sequence[Parameter], est: Mapping[str, Mapping[str, float]], path: Path
) -> Path:
    """One panel per parameter: the weighted posterior (histogram and kernel density) over its whole prior range,
    the flat prior, the median and the 90% interval."""
    w = post["weight"].to_numpy()
    fig, axes = _grid(len(params))
    grid = np.linspace(0, 1, 201)
    for ax, p in zip(axes, params, strict=False):
        u = np.clip(p.to_unit(post[p.key].to_numpy()), 0, 1)
        ax.hist(u, bins=BINS, range=(0, 1), weights=w * BINS, color="tab:blue", alpha=0.35, label="posterior")
        kde = _density(u, w, grid)
        if kde is not None:
            ax.plot(grid, kde, color="tab:blue")
        ax.axhline(1.0, color="grey", ls="--", label="prior")
        e = est[p.key]
        ax.axvline(float(p.to_unit(e["median"])), color="black", label="median")
        ax.axvspan(float(p.to_unit(e["q05"])), float(p.to_unit(e["q95"])), color="orange", alpha=0.15, label="90%")
        _natural_axis(ax, p)
        ax.set_title(p.key, fontsize=10)
        ax.set_xlabel("value (log scale)" if p.log else "value")
        ax.set_ylabel("density (prior = 1)")
    axes[0].legend(fontsize=8)
    fig.suptitle("Posterior of each parameter over its prior range (last generation, weighted)")
    return save_figure(fig, path)


#: Inches per panel of the pair plot: a calibration of 8 parameters gives a figure of about 1,400 pixels a side.
PAIR_PANEL = 1.55


def pairs(post: pd.DataFrame, params: Sequence[Parameter], path: Path) -> Path:
    """Every pair of parameters once, below the diagonal: the particles (size by weight) on the unit scales; on the
    diagonal, each parameter's weighted histogram. Small panels, no upper triangle, points without edges or
    smoothing and a palette PNG keep the file small (60-90 KB for 8 parameters and 100-1,000 particles; the full
    matrix of blended points in full colour was 630 KB)."""
    n = len(params)
    w = post["weight"].to_numpy()
    size = 3 + 60 * w / w.max()
    order = np.argsort(w)  # the heaviest particles drawn last, on top
    fig, axes = plt.subplots(n, n, figsize=(PAIR_PANEL * n + 0.8, PAIR_PANEL * n + 0.6), squeeze=False)
    units = [np.clip(p.to_unit(post[p.key].to_numpy()), 0, 1) for p in params]
    for i, pi in enumerate(params):
        for j, pj in enumerate(params):
            ax = axes[i, j]
            if j > i:
                ax.set_visible(False)
                continue
            if i == j:
                ax.hist(units[i], bins=BINS, range=(0, 1), weights=w, color="tab:blue")
                ax.set_xlim(0, 1)
                ax.set_yticks([])
            else:
                ax.scatter(
                    units[j][order],
                    units[i][order],
                    s=size[order],
                    color="tab:blue",
                    edgecolor="none",
                    antialiased=False,
                )
                ax.set_xlim(0, 1)
                ax.set_ylim(0, 1)
            if i == n - 1:
                _natural_axis(ax, pj, "x")
                ax.set_xlabel(pj.key, fontsize=7)
                ax.tick_params(axis="x", labelsize=6, rotation=45)
            else:
                ax.set_xticks([])
            if j == 0 and i != j:
                _natural_axis(ax, pi, "y")
                ax.set_ylabel(pi.key, fontsize=7)
                ax.tick_params(axis="y", labelsize=6)
            elif i != j:
                ax.set_yticks([])
    fig.suptitle("Posterior particles, pair by pair (last generation; point size = weight; axes span the priors)")
    return save_figure(fig, path, colors=256)


def epsilons(table: pd.DataFrame, path: Path) -> Path:
    """Epsilon (the acceptance threshold) and the acceptance rate by generation."""
    fig, ax = plt.subplots(figsize=(6.5, 4))
    ax.plot(table["generation"], table["epsilon"], marker="o", color="tab:blue", label="epsilon")
    ax.set_xlabel("generation")
    ax.set_ylabel("epsilon (RMS log error accepted)")
    ax.set_xticks(table["generation"])
    rate = ax.twinx()
    rate.plot(table["generation"], table["acceptance_rate"], marker="s", color="tab:orange", label="acceptance rate")
    rate.set_ylabel("acceptance rate (accepted / simulations)")
    rate.set_ylim(0, 1.05)
    ax.grid(alpha=0.3)
    lines = ax.get_lines() + rate.get_lines()
    ax.legend(lines, [str(line.get_label()) for line in lines], fontsize=8)
    ax.set_title("ABC-SMC: threshold and acceptance by generation")
    return save_figure(fig, path)
