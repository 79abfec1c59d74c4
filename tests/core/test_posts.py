"""Border Guard posts in the core: each segment's post and access, and the posts table (`model.posts`) adding up
the segments' counts; the busiest posts in the summary."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.config.enums import Country
from sim.core.observation import reported_segments
from sim.core.summary import BUSIEST


@pytest.fixture(scope="module")
def border_model(build_model):
    return build_model("days=2")


def test_every_segment_belongs_to_exactly_one_post_of_its_line(border_model):
    b = border_model.border
    offset = np.array([b.line_offset_km[Country(int(c))] for c in b.post_country])
    lo, hi = offset + b.post_start_km, offset + b.post_end_km
    holds = (b.center_x[:, None] >= lo) & (b.center_x[:, None] < hi) & (b.country[:, None] == b.post_country)
    assert (holds.sum(axis=1) == 1).all()
    assert (np.argmax(holds, axis=1) == b.post).all()
    # the default sections follow the posts, so a post's segments add up to its length
    lengths = np.bincount(b.post, weights=b.length_km, minlength=b.n_posts)
    np.testing.assert_allclose(lengths, b.post_end_km - b.post_start_km)
    assert b.n_posts == 31 and b.post_name[3] == "Kuznica" and b.post_name[20] == "Tvereciaus uzkarda"


def test_a_line_without_posts_is_one_post(build_model):
    b = build_model("days=1", "border.posts=[]").border
    assert b.post_name == ["poland", "lithuania"]
    assert (b.post == (b.country == int(Country.LITHUANIA))).all()
    np.testing.assert_allclose(b.post_end_km, [418, 679])


def test_access_is_read_per_segment_from_its_section(build_model):
    model = build_model("days=1", "border.sections.3.access=7.5")
    b, sections = model.border, model.cfg.border.sections
    for s in sections:
        start = b.line_offset_km[s.country.code] + s.start_km
        inside = (b.start_x >= start - 1e-9) & (b.start_x < start + s.length_km - 1e-9)
        assert inside.any()
        assert (b.access[inside] == s.access).all(), s.name
    assert sections[3].access == 7.5 and (b.access == 7.5).sum() == np.ceil(sections[3].length_km / 5)


@pytest.fixture(scope="module")
def pushing_run(run_model):
    """Ten days of September 2021, both countries pushing people back, Belarus's units on both lines."""
    return run_model("start_date=2021-09-01", "days=10", "policy.poland.pushback_share=0.5")


def test_posts_table_adds_up_its_segments(pushing_run):
    posts, segments, daily = pushing_run.posts, pushing_run.segments, pushing_run.daily
    assert list(posts.columns) == [
        "country", "post", "unit", "start_km", "end_km",
        "attempts", "reported_attempts", "apprehensions", "crossings", "pushbacks",
    ]  # fmt: skip
    assert len(posts) == pushing_run.border.n_posts
    by_country = posts.groupby("country").sum(numeric_only=True)
    seg = segments.groupby("country").sum(numeric_only=True)
    day = daily.groupby("country").sum(numeric_only=True)
    for country in ("poland", "lithuania"):
        for key in ("attempts", "apprehensions", "crossings"):
            assert by_country.loc[country, key] == seg.loc[country, key] == day.loc[country, key], (country, key)
        # pushbacks are counted per segment where people are caught: they add up to the daily pushbacks
        assert by_country.loc[country, "pushbacks"] == seg.loc[country, "pushbacks"] == day.loc[country, "pushbacks"]
        assert by_country.loc[country, "pushbacks"] > 0, country
        # the placeholder definition of reported attempts is the daily one, per segment
        assert by_country.loc[country, "reported_attempts"] == day.loc[country, "reported_attempts"], country
    assert posts["attempts"].sum() > 0


def test_posts_table_matches_a_sum_over_the_segments_post_by_post(pushing_run):
    b = pushing_run.border
    seg = pushing_run.segments.assign(post=b.post)
    seg["reported_attempts"] = reported_segments(pushing_run.ledger.segments)["reported_attempts"]
    want = seg.groupby("post")[["attempts", "reported_attempts", "apprehensions", "crossings", "pushbacks"]].sum()
    got = pushing_run.posts[want.columns]
    pd.testing.assert_frame_equal(got, want.reindex(range(b.n_posts), fill_value=0).reset_index(drop=True))


def test_no_pushbacks_are_counted_on_segments_when_nobody_is_pushed_back(run_model):
    model = run_model("days=10", "policy.lithuania.pushback_share=0")
    assert model.daily["pushbacks"].sum() == 0
    assert model.segments["pushbacks"].sum() == 0 and model.posts["pushbacks"].sum() == 0
    assert model.daily["apprehensions"].sum() > 0


def test_a_line_where_nothing_happened_lists_no_busiest_post(run_model):
    quiet = run_model("days=3")  # early June 2021: Belarus sends nobody to the Polish line yet
    assert quiet.posts.loc[quiet.posts["country"] == "poland", "reported_attempts"].sum() == 0
    assert quiet.summary["poland"]["busiest_posts"] == []
    assert quiet.summary["lithuania"]["busiest_posts"]


def test_summary_lists_each_countrys_busiest_posts(pushing_run):
    posts, summary = pushing_run.posts, pushing_run.summary
    for country in ("poland", "lithuania"):
        mine = posts[posts["country"] == country]
        busiest = summary[country]["busiest_posts"]
        counts = [p["reported_attempts"] for p in busiest]
        busy = sorted((n for n in mine["reported_attempts"] if n > 0), reverse=True)
        assert counts == busy[:BUSIEST] and len(busiest) == min(BUSIEST, len(busy)) > 0
        for entry in busiest:
            row = mine[mine["post"] == entry["post"]].iloc[0]
            assert (entry["reported_attempts"], entry["attempts"]) == (row["reported_attempts"], row["attempts"])
    assert "busiest_posts" not in summary["total"] and "busiest_posts" not in summary["belarus"]
