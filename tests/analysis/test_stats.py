"""The statistics behind a sweep's report (sim/analysis/stats.py): means and t-intervals (cut at a measure's own
range), paired and Welch effects, the cost per prevented crossing with its bootstrap interval, the few-runs check;
for runs that differ by posterior draw, the prediction interval over the draws (its width as draws are added, its
coverage of a new draw), effects paired within draws and the cost per prevented crossing over draws."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from sim.analysis.stats import (
    COUNT,
    SHARE,
    Estimate,
    cost_per_prevented,
    cost_per_prevented_by_draw,
    draw_effect,
    draw_means,
    effect,
    few_runs,
    mean_ci,
    over_draws,
    prediction_interval,
)

DATA = np.array([12.0, 15.0, 9.0, 14.0, 10.0, 13.0])


def test_mean_ci_is_the_student_t_interval():
    est = mean_ci(DATA)
    low, high = stats.t.interval(0.95, len(DATA) - 1, loc=DATA.mean(), scale=stats.sem(DATA))
    assert (est.mean, est.low, est.high, est.n) == (
        pytest.approx(12.1666667),
        pytest.approx(low),
        pytest.approx(high),
        6,
    )


def test_mean_ci_drops_nan_and_has_no_interval_below_two_values():
    assert mean_ci([*DATA, np.nan]) == mean_ci(DATA)
    one = mean_ci([4.0])
    assert (one.mean, one.n) == (4.0, 1)
    assert np.isnan(one.low) and np.isnan(one.high)
    assert one.fmt(0) == "4"
    none = mean_ci([])
    assert none.n == 0 and np.isnan(none.mean)
    assert none.fmt() == "n/a"


def test_estimate_formats_mean_and_interval():
    assert Estimate(1234.5, 1000.0, 1500.25, 5).fmt(1) == "1,234.5 [1,000.0, 1,500.2]"
    assert Estimate(0.25, 0.1, 0.4, 3).fmt(3) == "0.250 [0.100, 0.400]"


def test_effect_pairs_by_seed_when_every_seed_has_a_baseline_partner():
    seeds = np.array([0, 1, 2, 3, 4, 5])
    baseline = DATA
    scenario = DATA - np.array([3.0, 2.0, 3.5, 2.5, 3.0, 2.0])  # shares the seeds' noise
    est, method = effect(scenario[::-1], baseline, seeds[::-1], seeds)  # order does not matter, seeds do
    assert method == "paired"
    paired = mean_ci(scenario - baseline)  # the same differences, taken in another code path: to a tolerance
    assert (est.mean, est.low, est.high, est.n) == pytest.approx((paired.mean, paired.low, paired.high, paired.n))
    assert est.mean == pytest.approx(-2.6666667)
    assert est.high < 0  # the pairs see the difference that the seeds' noise would hide
    welch, _ = effect(scenario, baseline, seeds + 100, seeds)
    assert welch.high > 0
    assert (est.high - est.low) < (welch.high - welch.low)


def test_effect_uses_welch_without_pairs():
    s, b = np.array([5.0, 7.0, 6.0, 9.0]), np.array([1.0, 2.0, 4.0])
    est, method = effect(s, b, np.array([10, 11, 12, 13]), np.array([0, 1, 2]))
    assert method == "welch"
    # Welch's interval by hand: Satterthwaite degrees of freedom
    vs, vb = s.var(ddof=1) / s.size, b.var(ddof=1) / b.size
    df = (vs + vb) ** 2 / (vs**2 / (s.size - 1) + vb**2 / (b.size - 1))
    half = stats.t.ppf(0.975, df) * np.sqrt(vs + vb)
    diff = s.mean() - b.mean()
    assert (est.mean, est.low, est.high, est.n) == (
        pytest.approx(diff),
        pytest.approx(diff - half),
        pytest.approx(diff + half),
        7,
    )


def test_effect_falls_back_to_welch_when_a_seed_lacks_its_partner():
    # seed 3 of the scenario has no baseline run (it failed): no pairing
    _, method = effect(np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.0]), np.array([0, 1, 3]), np.array([0, 1]))
    assert method == "welch"
    # one common seed is not enough to pair either; one baseline value gives no interval
    est, method = effect(np.array([3.0, 4.0]), np.array([1.0]), np.array([0, 1]), np.array([0]))
    assert method == "welch"
    assert est.mean == pytest.approx(2.5)
    assert np.isnan(est.low) and np.isnan(est.high)


def test_cost_per_prevented_is_none_when_nothing_is_prevented():
    assert cost_per_prevented(np.array([1e6, 2e6]), np.array([0.0, 0.0])) is None
    assert cost_per_prevented(np.array([1e6, 2e6]), np.array([5.0, -10.0])) is None  # more crossings on average
    assert cost_per_prevented(np.array([]), np.array([])) is None


def test_cost_per_prevented_is_the_ratio_of_means_with_a_bootstrap_interval():
    d_cost = np.array([1.0e6, 1.2e6, 0.8e6, 1.1e6, 0.9e6])
    prevented = np.array([100.0, 80.0, 120.0, 90.0, 110.0])
    est = cost_per_prevented(d_cost, prevented)
    assert est is not None
    assert est.mean == pytest.approx(10_000.0)
    assert est.n == 5
    assert est.low < est.mean < est.high
    assert est.low > 5_000 and est.high < 20_000
    assert cost_per_prevented(d_cost, prevented) == est  # seeded bootstrap: reproducible
    single = cost_per_prevented(np.array([3e6]), np.array([150.0]))
    assert single is not None and single.mean == pytest.approx(20_000.0) and np.isnan(single.low)


def test_cost_per_prevented_is_unbounded_when_resamples_prevent_nothing():
    """Seeds that prevent nothing make some resamples' ratio infinite: the interval must say so, not drop them."""
    d_cost = np.array([1.0e6, 1.0e6, 1.0e6, 1.0e6])
    prevented = np.array([200.0, -150.0, 180.0, -120.0])  # on average 27.5 prevented, often none
    est = cost_per_prevented(d_cost, prevented)
    assert est is not None
    assert est.mean == pytest.approx(1.0e6 / 27.5)
    assert est.high == np.inf
    assert np.isfinite(est.low)


def test_intervals_of_counts_and_shares_stay_in_range_on_skewed_small_samples():
    """2 to 4 runs of a skewed count (mostly 0, now and then many) and of a share close to 1: the plain t interval
    leaves the range (so the bounds are what keeps these intervals sound), the bounded one never does."""
    rng = np.random.default_rng(14)
    left = {"count": 0, "share": 0}
    for _ in range(500):
        n = int(rng.integers(2, 5))
        counts = rng.poisson(0.4, n) * 60.0
        shares = rng.beta(30.0, 1.0, n)
        for kind, x, bounds in (("count", counts, COUNT), ("share", shares, SHARE)):
            plain, bounded = mean_ci(x), mean_ci(x, bounds)
            assert bounded.mean == plain.mean and bounded.n == n
            if np.isnan(plain.low):
                continue
            assert bounded.low >= 0.0 and bounded.low <= bounded.mean <= bounded.high
            if kind == "share":
                assert bounded.high <= 1.0
            left[kind] += plain.low < 0 or (kind == "share" and plain.high > 1)
            assert bounded.low == max(plain.low, 0.0)  # only the part outside the range is cut
    assert left["count"] > 50 and left["share"] > 50


def test_bounded_interval_coverage_on_known_distributions():
    """Over 2,000 samples of 10 runs from a Poisson(4) count and a Beta(8, 2) share (seeded), the bounded 95%
    interval holds the true mean in 92 to 98% of them: cutting at the range keeps the t interval's coverage."""
    rng = np.random.default_rng(2021)
    for draw, truth, bounds in (
        (lambda: rng.poisson(4.0, 10).astype(float), 4.0, COUNT),
        (lambda: rng.beta(8.0, 2.0, 10), 0.8, SHARE),
    ):
        hits = 0
        for _ in range(2000):
            est = mean_ci(draw(), bounds)
            hits += est.low <= truth <= est.high
        assert 0.92 <= hits / 2000 <= 0.98, (truth, hits / 2000)


def test_effects_may_be_negative_and_an_effect_on_a_share_stays_within_minus_one_and_one():
    seeds = np.arange(3)
    fewer, _ = effect(np.array([0.0, 0.0, 40.0]), np.array([50.0, 60.0, 55.0]), seeds, seeds, COUNT)
    assert fewer.mean < 0 and fewer.low < 0  # a difference of counts can be negative: it is not cut at 0
    plain, _ = effect(np.array([0.99, 0.2, 1.0]), np.array([0.0, 0.0, 0.1]), seeds, seeds)
    assert plain.high > 1  # the plain interval would allow a difference of shares above 1
    share, _ = effect(np.array([0.99, 0.2, 1.0]), np.array([0.0, 0.0, 0.1]), seeds, seeds, SHARE)
    assert share.high == 1.0 and share.low == plain.low and share.mean == plain.mean


def test_few_runs_names_the_scenarios_below_the_minimum():
    assert few_runs({"a": 2, "b": 10, "c": 9}, 10) == {"a": 2, "c": 9}
    assert few_runs({"a": 2}, 2) == {}


# --- runs that differ by posterior draw: the prediction interval over draws -------------------------------------------


def runs_of_draws(rng: np.random.Generator, k: int, seeds: int, spread: float = 15.0, noise: float = 5.0):
    """`k` posterior draws x `seeds` seeds: draw j's outcome is 100 + N(0, spread), each seed adds N(0, noise).
    Returns (values per run, draw of each run)."""
    theta = 100.0 + rng.normal(0.0, spread, k)
    values = np.repeat(theta, seeds) + rng.normal(0.0, noise, k * seeds)
    return values, np.repeat(np.arange(k), seeds)


def test_prediction_interval_is_mean_plus_minus_t_s_sqrt_one_plus_one_over_k_of_the_draws_means():
    values = np.array([10.0, 12.0, 20.0, 22.0, 31.0, 29.0, 41.0, 39.0])
    draws = np.array([3, 3, 1, 1, 0, 0, 2, 2])
    means = np.array([30.0, 21.0, 40.0, 11.0])  # per draw, over its two seeds
    assert sorted(draw_means(values, draws)) == sorted(means)
    est = over_draws(values, draws)
    half = stats.t.ppf(0.975, 3) * means.std(ddof=1) * np.sqrt(1 + 1 / 4)
    assert (est.mean, est.low, est.high, est.n) == pytest.approx((25.5, 25.5 - half, 25.5 + half, 4))
    assert est == prediction_interval(means)
    cut = over_draws(values, draws, COUNT)
    assert cut.low == 0.0 and cut.high == est.high  # cut at the count's range as mean_ci is
    assert np.isnan(prediction_interval([5.0]).low) and prediction_interval([5.0]).n == 1
    assert prediction_interval([]).n == 0


def test_prediction_interval_keeps_its_width_as_draws_are_added():
    """From 10 to 80 posterior draws of the same posterior, the prediction interval keeps about the width of the
    draws' spread (2 x 1.96 x sd of a draw's seed-averaged value), where a confidence interval of the mean would
    shrink to about a third."""
    rng = np.random.default_rng(13)
    sd = np.sqrt(15.0**2 + 5.0**2 / 4)  # a draw's mean over 4 seeds
    widths = {}
    for k in (10, 80):
        w = []
        for _ in range(200):
            values, draws = runs_of_draws(rng, k, 4)
            est = over_draws(values, draws)
            assert est.n == k
            w.append(est.high - est.low)
        widths[k] = float(np.mean(w))
    assert 0.75 <= widths[80] / widths[10] <= 1.0, widths
    assert widths[80] == pytest.approx(2 * 1.96 * sd, rel=0.08)


def test_prediction_interval_over_ten_draws_covers_a_new_draw_s_effect_95_percent_of_the_time():
    """Per-draw effects from N(-40, 12), each seen through 3 paired seeds: over 2,000 repeats the interval built on
    10 draws holds a new draw's seed-averaged effect in 92-98% of them (a confidence interval of the mean would
    hold it far less often)."""
    rng = np.random.default_rng(2021)
    seeds = np.tile(np.arange(3), 11)
    draws = np.repeat(np.arange(11), 3)

    def runs() -> tuple[np.ndarray, np.ndarray]:
        effect_k = rng.normal(-40.0, 12.0, 11)
        base = 500.0 + rng.normal(0.0, 30.0, 33) + np.repeat(rng.normal(0.0, 50.0, 11), 3)
        return base, base + np.repeat(effect_k, 3) + rng.normal(0.0, 3.0, 33)

    hits = 0
    for _ in range(2000):
        base, scen = runs()
        known = draws < 10  # the sweep's 10 draws; draw 10 is the new one
        est, method = draw_effect(
            scen[known], base[known], seeds[known], seeds[known], draws[known], draws[known], COUNT
        )
        assert method == "paired" and est.n == 10
        new = float(np.mean(scen[~known] - base[~known]))
        hits += est.low <= new <= est.high
    assert 0.92 <= hits / 2000 <= 0.98, hits / 2000


def test_draw_effect_pairs_by_seed_within_each_draw_and_falls_back_to_draw_means():
    seeds, draws = np.array([0, 1, 0, 1, 0, 1]), np.array([0, 0, 1, 1, 2, 2])
    base = np.array([100.0, 140.0, 200.0, 260.0, 300.0, 330.0])
    scen = base + np.array([-10.0, -12.0, -20.0, -24.0, -30.0, -36.0])
    est, method = draw_effect(scen[::-1], base, seeds[::-1], seeds, draws[::-1], draws)  # order does not matter
    assert method == "paired"
    assert est == prediction_interval([-11.0, -22.0, -33.0])
    # seed 1 of draw 2 has no baseline run: per draw, scenario mean minus baseline mean
    est, method = draw_effect(scen, base[:5], seeds, seeds[:5], draws, draws[:5])
    assert method == "unpaired"
    assert est.mean == pytest.approx(np.mean([-11.0, -22.0, (270.0 + 294.0) / 2 - 300.0]))


def test_cost_per_prevented_by_draw_is_the_ratio_of_means_with_an_interval_over_the_draws_ratios():
    draws = np.repeat(np.arange(5), 2)
    prevented = np.repeat([100.0, 80.0, 120.0, 90.0, 110.0], 2) + np.tile([-5.0, 5.0], 5)
    d_cost = np.repeat([1.0e6, 1.2e6, 0.8e6, 1.1e6, 0.9e6], 2)
    est = cost_per_prevented_by_draw(d_cost, prevented, draws)
    assert est is not None and est.n == 5
    assert est.mean == pytest.approx(5.0e6 / 500.0)
    ratios = np.array([1.0e6 / 100, 1.2e6 / 80, 0.8e6 / 120, 1.1e6 / 90, 0.9e6 / 110])
    assert (est.low, est.high) == pytest.approx((ratios.min(), ratios.max()))  # 5 draws: their range
    # a draw that prevents nothing: the cost per prevented crossing under one more draw is unbounded above
    prevented[draws == 1] = -10.0
    some = cost_per_prevented_by_draw(d_cost, prevented, draws)
    assert some is not None and some.high == np.inf and some.low == pytest.approx(ratios[[0, 2, 3, 4]].min())
    assert cost_per_prevented_by_draw(d_cost, -np.abs(prevented), draws) is None


def test_cost_per_prevented_by_draw_holds_a_new_draw_s_ratio_as_its_order_statistics_promise():
    """Skewed per-draw ratios (prevented crossings near zero in some draws): with 79 draws the 2nd smallest to 2nd
    largest ratio (j = 2) holds a new draw's ratio in (80 - 4) / 80 = 95% of 2,000 repeats (92-98%), and never
    goes below zero when every draw costs more and prevents crossings (a normal-theory interval would)."""
    rng = np.random.default_rng(7)
    hits = 0
    for _ in range(2000):
        prevented = rng.gamma(2.0, 20.0, 80) + 1.0
        d_cost = rng.normal(1.0e6, 1.0e5, 80)
        est = cost_per_prevented_by_draw(d_cost[:79], prevented[:79], np.arange(79))
        assert est is not None and est.low > 0
        hits += est.low <= d_cost[79] / prevented[79] <= est.high
    assert 0.92 <= hits / 2000 <= 0.98, hits / 2000
