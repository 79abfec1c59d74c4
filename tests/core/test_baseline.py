"""Regression against tests/baseline.json: the same configs must give exactly the same outputs.

Speed work must pass this unchanged (optimisations are exact by construction); a deliberate change of mechanics
regenerates the baseline with `python tests/update_baseline.py` and says so in its commit. The hashes pin outputs
made by the same code on the project's machines; other machine code for the same run (another CPU target, the
compiled loops run as Python) is compared to a tolerance for floats in `tests/core/test_portability.py`.
"""

from __future__ import annotations

import json

import pytest
from update_baseline import BASELINE, CASES, fingerprint

EXPECTED = json.loads(BASELINE.read_text())


def test_baseline_lists_every_case():
    assert set(EXPECTED) == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_outputs_match_the_baseline(name):
    got = fingerprint(CASES[name])
    want = EXPECTED[name]
    assert got["summary_total"] == want["summary_total"]
    assert got["daily_sha256"] == want["daily_sha256"]
    assert got["segments_sha256"] == want["segments_sha256"]
    assert got["people_sha256"] == want["people_sha256"]
