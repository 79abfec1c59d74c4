"""Lost contact and reach (docs/ODD.md 7.5): pursuits can fail, and people far enough inland are not hunted."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from sim.config.enums import TERRAINS, Country
from sim.core.states import MigrantState

#: A short wall run in a busy window: the steel wall on land, 12 days from 10 Sep 2021, seed 0, on the assumption
#: values (`calibration=none`): what these tests check is the mechanism, which must not hang on the fitted values a
#: recalibration moves.
WALL = ("fence=steel_wall", "start_date=2021-09-10", "days=12", "seed=0", "calibration=none")
#: Lost contact off: nobody is lost, everyone inside is within reach.
OFF = ("guards.lose_per_hour=0", "guards.reach_share=1")
#: Every tracked person is lost at the first hour they could be, on every terrain.
ALWAYS_LOST = (
    "guards.lose_per_hour=1",
    "guards.lose_hold=1",
    *(f"terrain.{t}.lose_factor=1" for t in TERRAINS),
)
PL = int(Country.POLAND)


def barrier_share_apprehended(*models) -> float:
    """Share of Poland's barrier breaches that end in apprehension, pooled over `models` (seeds)."""
    caught = sum(m.ledger.flows["barrier_apprehensions"][:, PL].sum() for m in models)
    return caught / sum(m.ledger.flows["barrier_breaches"][:, PL].sum() for m in models)


def test_apprehension_share_spans_the_range_through_loss_and_reach(run_model):
    settings = [
        OFF,
        ("guards.lose_per_hour=0.3", "guards.lose_hold=0.9", "guards.reach_share=1"),
        (*ALWAYS_LOST, "guards.reach_share=1"),
        (*ALWAYS_LOST, "guards.reach_share=0.3"),
        (*ALWAYS_LOST, "guards.reach_share=0"),
    ]
    # pooled over three seeds: one 12-day run's share moves by a few points from seed to seed
    shares = [barrier_share_apprehended(*(run_model(*WALL, *s, f"seed={seed}") for seed in range(3))) for s in settings]
    assert shares[0] >= 0.9, shares
    assert shares[-1] <= 0.4, shares
    assert all(a >= b for a, b in itertools.pairwise(shares)), shares


def _step_watching(model, check) -> None:
    """Run the model hour by hour; `check(before, model)` sees who was tracked inside before each hour."""
    p = model.people
    while not model.ended:
        n = p.n
        inside = np.flatnonzero(p.state[:n] == MigrantState.IN_EU)
        before = {"tracked": inside[p.tracked[inside]], "n_pushbacks": p.n_pushbacks[:n].copy()}
        model.step()
        check(before, model)


def _caught(before, model) -> np.ndarray:
    """Of the people tracked inside before the hour, those apprehended in it (asylum or pushed back)."""
    p, uids = model.people, before["tracked"]
    asylum = p.state[uids] == MigrantState.ASYLUM
    pushed = p.n_pushbacks[uids] > before["n_pushbacks"][uids]
    return uids[asylum | pushed]


@pytest.mark.parametrize("loss", [0.0, 0.3])
def test_only_lost_contact_ends_a_pursuit_inside(build_model, loss):
    """Without loss (and everyone within reach) a tracked person inside stays tracked until caught, crossing or
    dying; with loss some pursuits end while the person is still inside (and `lost_contact` counts them)."""
    model = build_model(*WALL, f"guards.lose_per_hour={loss}", "guards.reach_share=1")
    untracked_inside = []

    def check(before, m):
        uids = before["tracked"]
        still_inside = uids[m.people.state[uids] == MigrantState.IN_EU]
        untracked_inside.extend(still_inside[~m.people.tracked[still_inside]])

    _step_watching(model, check)
    f = model.ledger.flows
    assert f["apprehensions"].sum() > 0
    if loss == 0:
        assert f["lost_contact"].sum() == 0
        assert untracked_inside == []
    else:
        assert len(untracked_inside) > 0
        assert len(untracked_inside) <= f["lost_contact"].sum()


def test_lost_every_hour_nobody_tracked_before_the_hour_is_caught_in_it(build_model):
    model = build_model(*WALL, *ALWAYS_LOST, "guards.reach_share=1")
    caught_held = []
    _step_watching(model, lambda before, m: caught_held.extend(_caught(before, m)))
    f = model.ledger.flows
    assert f["lost_contact"].sum() > 0
    assert f["apprehensions"].sum() > 0  # caught only in the hour they are found (at the line or spotted)
    assert caught_held == []


def test_without_loss_people_tracked_before_the_hour_are_caught(build_model):
    """The control of the test above: with the mechanism off, held pursuits do end in apprehension."""
    model = build_model(*WALL, *OFF)
    caught_held = []
    _step_watching(model, lambda before, m: caught_held.extend(_caught(before, m)))
    assert len(caught_held) > 0


def test_lost_contact_lowers_apprehensions_and_raises_seen_escapes(run_model):
    off, on = run_model(*WALL, *OFF), run_model(*WALL, "guards.lose_per_hour=1", "guards.lose_hold=1")
    assert on.ledger.flows["lost_contact"].sum() > 0
    assert barrier_share_apprehended(on) < barrier_share_apprehended(off)
    escapes = [
        m.ledger.flows["barrier_escapes_seen"][:, PL].sum() / m.ledger.flows["barrier_breaches"][:, PL].sum()
        for m in (off, on)
    ]
    assert escapes[1] > escapes[0]


@pytest.mark.parametrize("reach_share", [0.5])
def test_out_of_reach_people_are_not_apprehended(run_model, reach_share):
    reach = reach_share * 5.0  # border.eu_depth_km of the default border
    model = run_model(*WALL, "guards.lose_per_hour=0", f"guards.reach_share={reach_share}", "border.eu_depth_km=5")
    p = model.people
    asylum = np.flatnonzero(p.state[: p.n] == MigrantState.ASYLUM)  # apprehended people keep their depth
    assert asylum.size > 0
    assert (p.y_km[asylum] < reach).all()
    # with everyone in reach, some are caught deeper than that
    off = run_model(*WALL, *OFF, "border.eu_depth_km=5")
    q = off.people
    deep = np.flatnonzero((q.state[: q.n] == MigrantState.ASYLUM) & (q.y_km[: q.n] >= reach))
    assert deep.size > 0
    assert model.ledger.flows["barrier_escapes_seen"].sum() > off.ledger.flows["barrier_escapes_seen"].sum()
