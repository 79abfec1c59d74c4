"""A sweep records what each run deployed and what it cost by kind, with the person-based and humanitarian outcomes
(issue 14): the columns of summary.csv; and a sweep over a troop level that a ramp scales down warns once, naming
the key and the fix (the warning's text: tests/config/test_troop_ramp_warning.py).

Two tiny sweeps (2 jobs of 1 day each), started at once in the background.
"""

from __future__ import annotations

import pandas as pd
import pytest
from commands import Launch, finished, printed, stop_all

#: Poland's level swept under the default scenario's ramp (6% of the level in June 2021), in batches of one job:
#: the warning still comes once, naming both levels.
RAMPED = ("troops.poland=3000,10000", "days=1", "hydra.sweeper.max_batch_size=1")
HELD = ("troops.poland=3000,10000", "troops.ramp.poland=[]", "days=1")
WARNING = "warning: troops.poland is swept over 3,000, 10,000 but troops.ramp.poland scales it"
NEW = (
    *("troops_asked", "troops_deployed", "cost_troops_eur", "cost_fence_eur", "cost_asylum_eur"),
    *("cost_pushback_eur", "fence_capital_eur", "people_reached_line", "people_crossed", "share_crossed"),
    *("people_apprehended", "apprehensions_per_attempt", "days_in_zone_mean", "massed_peak", "massed_mean"),
)


@pytest.fixture(scope="module")
def sweeps(tmp_path_factory):
    root = tmp_path_factory.mktemp("outcome_sweeps")
    launches = {
        name: (root / name, Launch("sim.run", "-m", *args, f"hydra.sweep.dir={root / name}"))
        for name, args in (("ramped", RAMPED), ("held", HELD))
    }
    yield launches
    stop_all(launches)


def _table(sweeps, name: str) -> tuple[pd.DataFrame, str]:
    sweep_dir, result = finished(sweeps, name)
    assert result.returncode == 0, printed(result)
    return pd.read_csv(sweep_dir / "summary.csv"), result.stderr


def test_summary_csv_has_the_outcomes_per_country_and_in_total(sweeps):
    table, _ = _table(sweeps, "held")
    columns = set(table.columns)
    for field in NEW:
        assert {field, f"poland.{field}", f"lithuania.{field}"} <= columns, field
    assert table["start_date"].eq("2021-06-01").all() and table["days"].eq(1).all()
    kinds = ("cost_troops_eur", "cost_fence_eur", "cost_asylum_eur", "cost_pushback_eur")
    for scope in ("", "poland.", "lithuania."):
        parts = table[[scope + k for k in kinds]].sum(axis=1)
        assert table[scope + "cost_eur"].to_numpy() == pytest.approx(parts.to_numpy(), rel=1e-12), scope


def test_troops_deployed_beside_the_level_asked(sweeps):
    held, _ = _table(sweeps, "held")
    assert held["poland.troops_asked"].tolist() == held["troops.poland"].tolist() == [3000, 10000]
    assert held["poland.troops_deployed"].tolist() == [3000, 10000]  # no ramp: the level asked is on the line
    assert (held["troops_asked"] == held["poland.troops_asked"] + held["lithuania.troops_asked"]).all()
    ramped, _ = _table(sweeps, "ramped")
    assert ramped["poland.troops_asked"].tolist() == [3000, 10000]
    assert ramped["poland.troops_deployed"].to_numpy() == pytest.approx([0.06 * 3000, 0.06 * 10000])


def test_a_sweep_over_a_ramped_troop_level_warns_once(sweeps):
    _, stderr = _table(sweeps, "ramped")
    assert stderr.count("warning: troops.") == 1, stderr
    assert WARNING in stderr and "troops.ramp.poland=[]" in stderr
    _, stderr = _table(sweeps, "held")
    assert "warning: troops." not in stderr, stderr
