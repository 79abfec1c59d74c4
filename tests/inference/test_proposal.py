"""The defensive proposal (sim/inference/proposal.py): a correct density, bounded importance weights, and draws that
come from the prior in the stated share."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pyabc.transition import MultivariateNormalTransition

from sim.inference.proposal import DefensiveTransition


def cluster(n: int = 100, dims: int = 8, seed: int = 1) -> pd.DataFrame:
    """Particles packed around the middle of the unit cube, as a late generation's are."""
    rng = np.random.default_rng(seed)
    values = np.clip(0.5 + 0.05 * rng.standard_normal((n, dims)), 0.0, 1.0)
    return pd.DataFrame(values, columns=[f"p{i}" for i in range(dims)])


def fitted(share: float, particles: pd.DataFrame) -> DefensiveTransition:
    proposal = DefensiveTransition(share)
    proposal.fit(particles, np.full(len(particles), 1 / len(particles)))
    return proposal


def test_the_density_is_the_stated_mixture_of_prior_and_kernel():
    particles = cluster()
    proposal = fitted(0.1, particles)
    kernel = MultivariateNormalTransition()
    kernel.fit(particles, np.full(len(particles), 1 / len(particles)))
    points = pd.concat([particles.iloc[:5], pd.DataFrame([[0.02] * 8, [1.3] * 8], columns=particles.columns)])
    inside = np.array([1, 1, 1, 1, 1, 1, 0], dtype=float)  # the last point lies outside the prior's cube
    np.testing.assert_allclose(proposal.pdf(points), 0.1 * inside + 0.9 * kernel.pdf(points), rtol=1e-12)
    single = proposal.pdf(points.iloc[5])
    assert single == pytest.approx(0.1 + 0.9 * float(kernel.pdf(points.iloc[5])), rel=1e-12)


def test_importance_weights_are_bounded_where_the_kernel_alone_lets_one_particle_take_all():
    particles = cluster()
    corner = pd.DataFrame([[0.4] * 8], columns=particles.columns)  # accepted where the last generation had few
    typical = particles.iloc[:20]
    plain = fitted(0.0, particles)
    defensive = fitted(0.1, particles)
    # weight = prior density (1 in the cube) / proposal density
    plain_ratio = (1 / plain.pdf(corner)).max() / (1 / plain.pdf(typical)).mean()
    assert plain_ratio > 1e6  # the degeneracy the mixture is for
    assert (1 / defensive.pdf(corner)).max() <= 1 / 0.1 + 1e-9
    assert (1 / defensive.pdf(typical)).min() > 0


def test_the_prior_s_share_of_the_draws_is_the_stated_share():
    particles = cluster()
    proposal = fitted(0.3, particles)
    np.random.seed(7)
    draws = proposal.rvs(2000)
    assert list(draws.columns) == list(particles.columns)
    far = (np.abs(draws.to_numpy() - 0.5) > 0.35).any(axis=1)  # a kernel draw is never this far out in 8 dimensions
    # a prior draw lands that far in some dimension with chance 1 - 0.7^8 = 0.94
    assert far.mean() == pytest.approx(0.3 * (1 - 0.7**8), abs=0.04)
    assert (fitted(0.0, particles).rvs(500).sub(0.5).abs() < 0.35).all().all()


@pytest.mark.parametrize("share", [-0.1, 1.0, 1.5])
def test_a_share_outside_0_to_below_1_is_refused(share):
    with pytest.raises(ValueError, match="share"):
        DefensiveTransition(share)
