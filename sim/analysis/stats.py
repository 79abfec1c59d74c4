"""Statistics for comparing scenarios across seeds: means with 95% intervals, effects against a baseline, and
cost per prevented crossing.

A measure has a natural range (a count is never below 0, a share lies in [0, 1]); `mean_ci(values, bounds)` gives
the Student t interval intersected with that range. The mean lies in the range, so cutting the interval at the
range's ends never drops it: the interval keeps (at least) the t interval's coverage and never shows impossible
values such as -616 crossings or a rate of 1.06. With few runs (2 or 3) the t interval is wide and its coverage
rests on the runs being roughly normal: the report warns below a minimum number of runs (`few_runs`).

Runs of a sweep share seeds across scenarios and the model uses common random numbers (same arrivals for the
same seed), so effects are computed on differences paired by seed when every seed has a baseline partner; that
removes most of the noise the scenarios share. Without pairs, Welch's interval is used. When a sweep's runs also
differ by posterior draw, the "seed" a run is paired by is its (seed, posterior draw) pair (`sim.analysis.report`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

LEVEL = 0.95


@dataclass
class Estimate:
    mean: float
    low: float
    high: float
    n: int

    def fmt(self, digits: int = 0) -> str:
        if np.isnan(self.mean):
            return "n/a"
        if self.n < 2 or np.isnan(self.low):
            return f"{self.mean:,.{digits}f}"
        return f"{self.mean:,.{digits}f} [{self.low:,.{digits}f}, {self.high:,.{digits}f}]"


#: (lowest, highest) a measure's mean can take; None: unbounded on that side.
Bounds = tuple[float | None, float | None]
UNBOUNDED: Bounds = (None, None)
COUNT: Bounds = (0.0, None)
SHARE: Bounds = (0.0, 1.0)


def clip(est: Estimate, bounds: Bounds = UNBOUNDED) -> Estimate:
    """`est` with its interval cut at `bounds` (the mean, which lies within them, is left as it is)."""
    low, high = est.low, est.high
    if bounds[0] is not None and not np.isnan(low):
        low = max(low, bounds[0])
    if bounds[1] is not None and not np.isnan(high):
        high = min(high, bounds[1])
    return Estimate(est.mean, low, high, est.n)


def mean_ci(values: np.ndarray | list[float], bounds: Bounds = UNBOUNDED) -> Estimate:
    """Mean and t-interval of independent values (NaN-free values only), cut at the measure's `bounds`."""
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    n = x.size
    if n == 0:
        return Estimate(np.nan, np.nan, np.nan, 0)
    mean = float(x.mean())
    if n < 2:
        return Estimate(mean, np.nan, np.nan, n)
    half = float(stats.t.ppf(0.5 + LEVEL / 2, n - 1) * x.std(ddof=1) / np.sqrt(n))
    return clip(Estimate(mean, mean - half, mean + half, n), bounds)


def difference_bounds(bounds: Bounds) -> Bounds:
    """The range of a difference of two values each within `bounds`: a share's difference lies in [-1, 1]."""
    low, high = bounds
    if low is None or high is None:
        return UNBOUNDED
    return (low - high, high - low)


def few_runs(runs: dict[str, int], minimum: int) -> dict[str, int]:
    """The scenarios with fewer than `minimum` runs (their intervals are unreliable), in the given order."""
    return {label: n for label, n in runs.items() if n < minimum}


def effect(
    scenario: np.ndarray,
    baseline: np.ndarray,
    scenario_seeds: np.ndarray,
    baseline_seeds: np.ndarray,
    bounds: Bounds = UNBOUNDED,
) -> tuple[Estimate, str]:
    """Mean difference scenario − baseline with its interval: paired by seed where possible, else Welch. `bounds`
    are the measure's own range (a difference may be negative; a share's difference is cut at [-1, 1])."""
    est, method = _effect(scenario, baseline, scenario_seeds, baseline_seeds)
    return clip(est, difference_bounds(bounds)), method


def _effect(
    scenario: np.ndarray, baseline: np.ndarray, scenario_seeds: np.ndarray, baseline_seeds: np.ndarray
) -> tuple[Estimate, str]:
    s_by_seed = dict(zip(scenario_seeds.tolist(), scenario.tolist(), strict=True))
    b_by_seed = dict(zip(baseline_seeds.tolist(), baseline.tolist(), strict=True))
    common = sorted(set(s_by_seed) & set(b_by_seed))
    if len(common) >= 2 and len(common) == len(s_by_seed):
        diffs = np.array([s_by_seed[k] - b_by_seed[k] for k in common], dtype=float)
        return mean_ci(diffs), "paired"
    s, b = np.asarray(scenario, dtype=float), np.asarray(baseline, dtype=float)
    s, b = s[~np.isnan(s)], b[~np.isnan(b)]
    if s.size < 2 or b.size < 2:
        return Estimate(float(np.mean(s) - np.mean(b)) if s.size and b.size else np.nan, np.nan, np.nan, 0), "welch"
    res = stats.ttest_ind(s, b, equal_var=False)
    ci = res.confidence_interval(LEVEL)
    return Estimate(float(s.mean() - b.mean()), float(ci.low), float(ci.high), int(s.size + b.size)), "welch"


def cost_per_prevented(
    d_cost: np.ndarray, prevented: np.ndarray, rng_seed: int = 0, resamples: int = 2000
) -> Estimate | None:
    """Extra cost over crossings prevented, as a ratio of means over seed pairs, with a bootstrap interval.

    None when the scenario prevents no crossings on average (the ratio would be meaningless); the upper bound
    is infinite when more than 2.5% of resamples prevent nothing.
    """
    d_cost, prevented = np.asarray(d_cost, dtype=float), np.asarray(prevented, dtype=float)
    if prevented.size == 0 or prevented.mean() <= 0:
        return None
    ratio = float(d_cost.mean() / prevented.mean())
    if prevented.size < 2:
        return Estimate(ratio, np.nan, np.nan, int(prevented.size))
    rng = np.random.default_rng(rng_seed)
    idx = rng.integers(0, prevented.size, (resamples, prevented.size))
    num, den = d_cost[idx].mean(axis=1), prevented[idx].mean(axis=1)
    # a resample that prevents nothing makes the cost per prevented crossing unbounded, not missing
    boot = np.where(den > 0, num / np.where(den > 0, den, 1), np.inf)
    # order statistics, not interpolation: interpolating between infinite resamples gives NaN
    low, high = np.percentile(boot, [100 * (1 - LEVEL) / 2, 100 * (1 + LEVEL) / 2], method="inverted_cdf")
    return Estimate(ratio, float(low), float(high), int(prevented.size))
