"""`posts.csv`: written by every run beside daily.csv and segments.csv, part of what a complete run holds, and the
source of the summary's busiest posts; a bad `border.posts` exits 2 naming the key."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest
from commands import printed

from sim.cli.outputs import RUN_OUTPUTS, output_problem


@pytest.fixture(scope="module")
def three_days(run_cli, tmp_path_factory):
    out = tmp_path_factory.mktemp("posts_three_days")
    result = run_cli("days=3", f"hydra.run.dir={out}")
    assert result.returncode == 0, printed(result)
    return out


def test_run_writes_posts_csv_with_one_row_per_post(three_days):
    assert "posts.csv" in RUN_OUTPUTS
    assert RUN_OUTPUTS.index("posts.csv") < RUN_OUTPUTS.index("config.yaml")  # config.yaml last marks completion
    posts = pd.read_csv(three_days / "posts.csv")
    assert list(posts.columns) == [
        "country", "post", "unit", "start_km", "end_km",
        "attempts", "reported_attempts", "apprehensions", "crossings", "pushbacks",
    ]  # fmt: skip
    assert posts["country"].value_counts().to_dict() == {"poland": 20, "lithuania": 11}
    assert posts.loc[posts["country"] == "poland", "post"].iloc[0] == "Plaska"
    assert posts.groupby("country")["end_km"].max().to_dict() == {"poland": 418, "lithuania": 679}
    segments = pd.read_csv(three_days / "segments.csv")
    for key in ("attempts", "apprehensions", "crossings", "pushbacks"):
        assert posts[key].sum() == segments[key].sum(), key


def test_busiest_posts_in_summary_json_match_posts_csv(three_days):
    posts = pd.read_csv(three_days / "posts.csv")
    summary = json.loads((three_days / "summary.json").read_text())
    for country in ("poland", "lithuania"):
        mine = posts[(posts["country"] == country) & (posts["reported_attempts"] > 0)]
        mine = mine.sort_values("reported_attempts", ascending=False, kind="stable")
        want = [
            {"post": r.post, "reported_attempts": int(r.reported_attempts), "attempts": int(r.attempts)}
            for r in mine.head(3).itertuples()
        ]
        assert summary[country]["busiest_posts"] == want  # posts where nothing was reported are not listed


def test_a_run_without_posts_csv_or_with_a_cut_one_is_incomplete(three_days, tmp_path):
    run = tmp_path / "run"
    shutil.copytree(three_days, run)
    assert output_problem(run) is None
    text = (run / "posts.csv").read_text()
    (run / "posts.csv").write_text(text[: len(text) // 2])
    assert "posts.csv is truncated" in output_problem(run)
    (run / "posts.csv").unlink()
    assert output_problem(run) == "posts.csv missing"


def test_bad_posts_exit_2_naming_the_key(run_cli, tmp_path):
    result = run_cli("days=1", "border.posts.2.length_km=12", f"hydra.run.dir={tmp_path}")
    assert result.returncode == 2, printed(result)
    assert "border.posts: gap on the poland line between 50.0 and 51.0 km" in result.stderr
    assert "border.posts[3].start_km=51.0" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "posts.csv").exists()
