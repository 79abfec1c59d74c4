"""Statistics for comparing scenarios across runs: means with 95% intervals, effects against a baseline, and
cost per prevented crossing.

A measure has a natural range (a count is never below 0, a share lies in [0, 1]); `mean_ci(values, bounds)` gives
the Student t interval intersected with that range. The mean lies in the range, so cutting the interval at the
range's ends never drops it: the interval keeps (at least) the t interval's coverage and never shows impossible
values such as -616 crossings or a rate of 1.06. With few runs (2 or 3) the t interval is wide and its coverage
rests on the runs being roughly normal: the report warns below a minimum number of runs (`few_runs`).

Runs of a sweep share seeds across scenarios and the model uses common random numbers (same arrivals for the
same seed), so effects are computed on differences paired by seed when every seed has a baseline partner; that
removes most of the noise the scenarios share. Without pairs, Welch's interval is used.

Two kinds of interval. Runs that differ by seed only get the confidence interval of the mean (`mean_ci`,
`effect`, `cost_per_prevented`): how well the mean over seeds is known; it covers seed noise only and narrows as
seeds are added. Runs that also differ by posterior draw (a parameter set from a calibration's posterior) get the
prediction interval over the draws (`over_draws`, `draw_effect`, `cost_per_prevented_by_draw`): each draw's runs are
averaged over their seeds, and the interval is where the seed-averaged value under one more posterior draw falls.
It covers parameter uncertainty (and what seed noise is left after averaging the seeds) and does not narrow as
draws are added. It is the normal-theory interval, except for the cost per prevented crossing, a skewed ratio,
whose interval is made of order statistics of the draws' own ratios.
"""

from __future__ import annotations

from collections.abc import Callable
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
    return _t_interval(values, bounds, lambda ts, n: ts / np.sqrt(n))


def _t_interval(values: np.ndarray | list[float], bounds: Bounds, width: Callable[[float, int], float]) -> Estimate:
    """Mean of the NaN-free `values` and mean ± `width(t(0.975, n−1) · s, n)`, cut at `bounds`; no interval below
    2 values. `width` makes it the confidence interval of the mean or the prediction interval for one more value."""
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    n = x.size
    if n == 0:
        return Estimate(np.nan, np.nan, np.nan, 0)
    mean = float(x.mean())
    if n < 2:
        return Estimate(mean, np.nan, np.nan, n)
    half = float(width(stats.t.ppf(0.5 + LEVEL / 2, n - 1) * x.std(ddof=1), n))
    return clip(Estimate(mean, mean - half, mean + half, n), bounds)


def difference_bounds(bounds: Bounds) -> Bounds:
    """The range of a difference of two values each within `bounds`: a share's difference lies in [-1, 1]."""
    low, high = bounds
    if low is None or high is None:
        return UNBOUNDED
    return (low - high, high - low)


def few_runs(runs: dict[str, int], minimum: int) -> dict[str, int]:
    """The scenarios with fewer than `minimum` runs (their intervals are unreliable), in the given order. With
    posterior draws swept, pass each scenario's number of draws: the prediction interval rests on the draws."""
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


# --- runs that differ by posterior draw: prediction intervals over the draws ----------------------------------------


def draw_means(values: np.ndarray | list[float], draws: np.ndarray | list) -> np.ndarray:
    """Each posterior draw's mean over its runs (its seeds), NaN values left out; a draw whose runs are all NaN is
    left out. One value per draw, in the order of the draws' labels (`draws[i]` labels run i; str(label) groups)."""
    x = np.asarray(values, dtype=float)
    if x.size == 0:
        return np.empty(0)
    _, group = np.unique(_keys(draws), return_inverse=True)
    ok = ~np.isnan(x)
    sums = np.bincount(group[ok], weights=x[ok], minlength=group.max() + 1)
    counts = np.bincount(group[ok], minlength=group.max() + 1)
    return sums[counts > 0] / counts[counts > 0]


def prediction_interval(per_draw: np.ndarray | list[float], bounds: Bounds = UNBOUNDED) -> Estimate:
    """Mean of K per-draw values and the 95% normal-theory prediction interval for one more draw's value.

    `per_draw`: one value per posterior draw (a draw's mean over its seeds, in the measure's own units; NaN left
    out). The interval is mean ± t(0.975, K−1) · s · sqrt(1 + 1/K), s the standard deviation over the K values: the
    range in which the value under a new draw from the same posterior falls 95% of the time, if the per-draw values
    are roughly normal. It covers the spread of the parameters (parameter uncertainty), not only how well the mean
    is known, and does not narrow as K grows. Cut at the measure's `bounds` as `mean_ci` is. `n` is K; with K < 2
    there is no interval."""
    return _t_interval(per_draw, bounds, lambda ts, k: ts * np.sqrt(1 + 1 / k))


def over_draws(values: np.ndarray | list[float], draws: np.ndarray | list, bounds: Bounds = UNBOUNDED) -> Estimate:
    """Runs that differ by posterior draw (and seed): each draw averaged over its seeds, then the 95% prediction
    interval over the draws (`prediction_interval`), cut at `bounds`. `n` is the number of draws."""
    return prediction_interval(draw_means(values, draws), bounds)


def draw_effect(
    scenario: np.ndarray,
    baseline: np.ndarray,
    scenario_seeds: np.ndarray,
    baseline_seeds: np.ndarray,
    scenario_draws: np.ndarray,
    baseline_draws: np.ndarray,
    bounds: Bounds = UNBOUNDED,
) -> tuple[Estimate, str]:
    """Effect scenario − baseline over posterior draws, with the 95% prediction interval for one more draw.

    Per draw, the mean over its seeds of the differences paired by (seed, draw) when every scenario run has a
    baseline run of the same seed and draw ("paired"); otherwise the draw's scenario mean minus its baseline mean
    ("unpaired"), over the draws both have. Then `prediction_interval` over the per-draw effects, cut at the range
    of a difference (`difference_bounds(bounds)`). `n` is the number of draws."""
    s, b = _floats(scenario), _floats(baseline)
    s_draws, b_draws = _keys(scenario_draws), _keys(baseline_draws)
    s_pairs = list(zip(_keys(scenario_seeds).tolist(), s_draws.tolist(), strict=True))
    b_pairs = zip(_keys(baseline_seeds).tolist(), b_draws.tolist(), strict=True)
    b_by_pair = dict(zip(b_pairs, b.tolist(), strict=True))
    if s_pairs and all(pair in b_by_pair for pair in s_pairs):
        per_draw = draw_means(s - np.array([b_by_pair[pair] for pair in s_pairs]), s_draws)
        return clip(prediction_interval(per_draw), difference_bounds(bounds)), "paired"
    per_draw = np.array([_mean(s[s_draws == d]) - _mean(b[b_draws == d]) for d in np.intersect1d(s_draws, b_draws)])
    return clip(prediction_interval(per_draw), difference_bounds(bounds)), "unpaired"


def cost_per_prevented_by_draw(d_cost: np.ndarray, prevented: np.ndarray, draws: np.ndarray) -> Estimate | None:
    """Extra cost over crossings prevented when the runs (seed pairs) differ by posterior draw.

    `d_cost` and `prevented` are per pair of runs (scenario − baseline, baseline − scenario), `draws` their draws;
    each draw's pairs are averaged over its seeds first. The shown value is the ratio of means over the draws (mean
    extra cost / mean crossings prevented), as `cost_per_prevented` gives it and as the report's columns of extra
    cost and crossings prevented divide; None when the draws prevent no crossings on average.

    The interval is a prediction interval for the ratio one more draw gives (its extra cost over its crossings
    prevented), so it covers parameter uncertainty. A ratio is skewed (a draw that prevents few crossings gives a
    huge one), so instead of the normal-theory interval it is, as `cost_per_prevented`'s bootstrap is, made of
    order statistics, here of the K draws' own ratios: the j-th smallest to the j-th largest, j the largest whole
    number with j ≤ 0.025 (K + 1) (at least 1). Such an interval holds a new draw's ratio with probability
    (K + 1 − 2j) / (K + 1) whatever the ratios' distribution: at least 95% from K = 39 draws; below that it is the
    range of the draws' ratios, which holds it with (K − 1) / (K + 1) (85% at 12 draws, 90% at 20). A draw that
    prevents nothing has an unbounded ratio, so the upper bound is infinite when j or more draws prevent nothing.
    The interval is widened to hold the ratio of means if that falls outside it. `n` is K; with K < 2 no interval."""
    d_cost, prevented = np.asarray(d_cost, dtype=float), np.asarray(prevented, dtype=float)
    ok = ~(np.isnan(d_cost) | np.isnan(prevented))
    if not ok.any():
        return None
    labels = np.asarray(draws, dtype=object)[ok]
    cost_k, prevented_k = draw_means(d_cost[ok], labels), draw_means(prevented[ok], labels)
    if prevented_k.mean() <= 0:
        return None
    ratio = float(cost_k.mean() / prevented_k.mean())
    k = int(prevented_k.size)
    if k < 2:
        return Estimate(ratio, np.nan, np.nan, k)
    stops = prevented_k > 0
    per_draw = np.sort(np.where(stops, cost_k / np.where(stops, prevented_k, 1.0), np.inf))
    j = max(1, int(np.floor((1 - LEVEL) / 2 * (k + 1))))
    low, high = float(per_draw[j - 1]), float(per_draw[k - j])
    return Estimate(ratio, min(low, ratio), max(high, ratio), k)


def _keys(labels: np.ndarray | list) -> np.ndarray:
    """Labels as text (a draw or seed as the report shows it), so that any label type groups and pairs."""
    return np.asarray([str(x) for x in np.asarray(labels, dtype=object).ravel()], dtype=str)


def _mean(x: np.ndarray) -> float:
    """The mean of the non-NaN values (NaN when there are none)."""
    x = x[~np.isnan(x)]
    return float(x.mean()) if x.size else np.nan


def _floats(x: np.ndarray | list[float]) -> np.ndarray:
    return np.asarray(x, dtype=float)
