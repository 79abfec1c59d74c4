"""Border segments and fence construction (sim/core/border.py): sections cut into segments, neighbours within a
line, the fence going up as planned."""

from __future__ import annotations

import numpy as np
import pytest

from sim.config.enums import BARRIERS, TERRAINS, Country
from sim.core.border import NO_BARRIER


@pytest.fixture(scope="module")
def border_model(build_model):
    """The default scenario over its full season, not run: its border and construction plan."""
    return build_model()


def test_sections_are_cut_into_segment_km_pieces_with_a_shorter_last_piece(border_model):
    b, bc = border_model.border, border_model.cfg.border
    for section in bc.sections:
        offset = b.line_offset_km[section.country.code]
        start = offset + section.start_km
        inside = (b.start_x >= start - 1e-9) & (b.start_x < start + section.length_km - 1e-9)
        lengths = b.length_km[inside]
        assert lengths.sum() == pytest.approx(section.length_km), section.name
        assert (lengths[:-1] == bc.segment_km).all(), section.name
        assert 0 < lengths[-1] <= bc.segment_km, section.name
        assert (b.terrain[inside] == TERRAINS.index(section.terrain.value)).all(), section.name
    kuznica = next(s for s in bc.sections if s.name.startswith("Kuznica"))
    assert kuznica.length_km == 18
    start = b.line_offset_km[Country.POLAND] + kuznica.start_km
    assert list(b.length_km[(b.start_x >= start) & (b.start_x < start + 18)]) == [5, 5, 5, 3]


def test_segment_lengths_add_up_to_each_line_and_tile_it(border_model):
    b = border_model.border
    for line in border_model.cfg.border.lines:
        mine = np.flatnonzero(b.country == int(line.country.code))
        assert b.length_km[mine].sum() == pytest.approx(line.length_km)
        assert b.start_x[mine[0]] == b.line_offset_km[line.country.code]
        np.testing.assert_allclose(b.start_x[mine[1:]], b.start_x[mine[:-1]] + b.length_km[mine[:-1]])
    assert b.total_km == pytest.approx(418 + 679)
    assert (np.diff(b.country) >= 0).all()  # Poland first, then Lithuania, as listed


def test_neighbour_stays_within_its_line(border_model):
    b = border_model.border
    offsets = np.arange(-60, 61)
    segs = np.repeat(b.ids, offsets.size)
    steps = np.tile(offsets, b.n)
    out = b.neighbour(segs, steps)
    assert (b.country[out] == b.country[segs]).all()
    assert ((out >= b.line_first[segs]) & (out <= b.line_last[segs])).all()
    assert (b.neighbour(b.ids, np.zeros(b.n, dtype=int)) == b.ids).all()
    # reflected at the ends of a line, not wrapped onto the other line
    poland = np.flatnonzero(b.country == int(Country.POLAND))
    first, last = poland[0], poland[-1]
    assert b.neighbour(np.array([first]), np.array([-2]))[0] == first + 2
    assert b.neighbour(np.array([last]), np.array([3]))[0] == last - 3
    assert b.neighbour(np.array([first + 1]), np.array([1]))[0] == first + 2


def test_autumn2021_fence_goes_up_during_the_season(border_model):
    b = border_model.border
    barrier, sensors, _ = b.plan
    razor = BARRIERS.index("razor_wire")
    poland = b.country == int(Country.POLAND)
    lithuania = b.country == int(Country.LITHUANIA)
    river = b.terrain == TERRAINS.index("river")

    def fenced_km(day, country):
        return b.length_km[country & (barrier[day] != NO_BARRIER)].sum()

    assert fenced_km(0, poland) == 0
    assert (barrier[0, poland] == NO_BARRIER).all()
    assert fenced_km(-1, poland) == pytest.approx(186)
    assert (barrier[-1, poland & ~river] == razor).all()
    assert fenced_km(0, lithuania) == 0  # the run starts on 1 Jun 2021; the wire from 10 Jul
    assert fenced_km(61, lithuania) == pytest.approx(20)  # 1 Aug
    assert fenced_km(-1, lithuania) == pytest.approx(150)
    assert (barrier[:, river] == NO_BARRIER).all()
    assert not sensors.any()
    for country in (poland, lithuania):
        per_day = [fenced_km(d, country) for d in range(border_model.cfg.days)]
        assert (np.diff(per_day) >= 0).all()
    # the Polish wire starts on 26 Aug 2021 (day 86 from 1 Jun) from 0 km
    assert fenced_km(86, poland) == 0
    assert fenced_km(101, poland) > 0


def test_build_to_puts_up_the_planned_fence(build_model):
    model = build_model("days=60", "start_date=2021-08-01")
    b = model.border
    assert b.fenced_km(Country.POLAND) == 0
    assert b.build_to(59) is True
    assert b.fenced_km(Country.POLAND) > 0
    walls = b.barrier != NO_BARRIER
    assert (b.p_breach[walls] < model.cfg.barriers.none.p_breach).all()
    assert b.build_to(59) is False
    assert b.daily_capex_eur(Country.POLAND) > 0


def test_as_built_2022_fence_puts_sensors_on_20_km_of_the_bug(build_model):
    b = build_model("fence=as_built_2022", "days=2").border
    poland = b.country == int(Country.POLAND)
    river = b.terrain == TERRAINS.index("river")
    assert b.length_km[poland & river & b.sensors].sum() == pytest.approx(20)
    assert (b.barrier[poland & river] == NO_BARRIER).all()
    assert (b.barrier[poland & ~river] == BARRIERS.index("steel_wall")).all()
    assert b.fenced_km(Country.POLAND) == pytest.approx(186)
