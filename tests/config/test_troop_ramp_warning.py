"""The warning for a troop level set by a sweep's override while a dated ramp scales it down (issue 14, point 7):
`sim.config.troop_ramp_warnings`, which the validating sweeper prints once per sweep (the sweep itself:
tests/cli/test_outcome_columns.py)."""

from __future__ import annotations

from sim.config import load_config, troop_ramp_warnings

#: autumn2021 (the default scenario) ramps Poland's level from 6% in June to 100% from 16 Nov 2021.
JUNE = ("days=10", "start_date=2021-06-01")


def _jobs(*jobs: tuple[str, ...]) -> list[tuple]:
    return [(load_config(list(overrides)), list(overrides)) for overrides in jobs]


def test_a_swept_level_under_a_ramp_gives_one_warning_naming_the_key_the_levels_and_the_fix():
    jobs = _jobs(*(("troops.poland=" + level, *JUNE) for level in ("3000", "10000")))
    warnings = troop_ramp_warnings(jobs)
    assert len(warnings) == 1
    (text,) = warnings
    assert text.startswith("troops.poland is swept over 3,000, 10,000 but troops.ramp.poland scales it to 6%")
    assert "troops.ramp.poland=[]" in text


def test_no_warning_without_a_ramp_or_without_the_override():
    held = _jobs(("troops.poland=3000", "troops.ramp.poland=[]", *JUNE))
    assert troop_ramp_warnings(held) == []
    not_set = _jobs(("seed=1", *JUNE), ("seed=2", *JUNE))  # the level is the scenario's, not the sweep's
    assert troop_ramp_warnings(not_set) == []


def test_no_warning_where_the_ramp_is_at_full_strength_all_run():
    december = _jobs(("troops.poland=3000", "days=10", "start_date=2021-12-01"))
    assert troop_ramp_warnings(december) == []


def test_each_country_warned_of_separately():
    jobs = _jobs(("troops.poland=3000", "troops.lithuania=2000", *JUNE))
    warnings = troop_ramp_warnings(jobs)
    assert [w.split(" ", 1)[0] for w in warnings] == ["troops.poland", "troops.lithuania"]
    assert "set to 2,000" in warnings[1] and "60%" in warnings[1]  # Lithuania's ramp holds 0.6 in June
