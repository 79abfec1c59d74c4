"""The border's geography in configs/border/belarus_eu.yaml: sections in their real order along each line, with
terrain and access, and the Border Guard posts that tile each line, kept consistent with data/posts.csv (their
sourced record; this test is the one place code reads it)."""

from __future__ import annotations

import pandas as pd
import pytest
from commands import REPO

from sim import load_config
from sim.config.fields import ConfigError
from sim.config.validation import validate

CODES = {"PL": "poland", "LT": "lithuania"}


@pytest.fixture(scope="module")
def border():
    return load_config([]).border


@pytest.fixture(scope="module")
def record() -> pd.DataFrame:
    return pd.read_csv(REPO / "data" / "posts.csv")


def _mine(items, country):
    return [s for s in items if s.country.value == country]


@pytest.mark.parametrize("country", ["poland", "lithuania"])
def test_sections_tile_each_line_in_order_in_whole_km(border, country):
    line = next(line for line in border.lines if line.country.value == country)
    sections = _mine(border.sections, country)
    pos = 0
    for s in sections:  # listed north to south: each starts where the one before ends
        assert s.start_km == pos, s.name
        assert s.length_km == int(s.length_km) and s.length_km > 0, s.name
        pos += s.length_km
    assert pos == line.length_km


def test_land_and_water_split_is_the_sourced_one(border):
    """PL 418 km of which 186 on land; LT 679 (678.8) of which 380 (379.9) on land, 299 (298.9) along water."""
    land = {
        c: sum(s.length_km for s in _mine(border.sections, c) if s.terrain.value != "river") for c in CODES.values()
    }
    water = {
        c: sum(s.length_km for s in _mine(border.sections, c) if s.terrain.value == "river") for c in CODES.values()
    }
    assert land == {"poland": 186, "lithuania": 380}
    assert water == {"poland": 232, "lithuania": 299}


def test_every_section_lies_inside_one_post_and_is_named_after_it(border):
    for country in CODES.values():
        posts = _mine(border.posts, country)
        for s in _mine(border.sections, country):
            holding = [
                p for p in posts if p.start_km <= s.start_km and s.start_km + s.length_km <= p.start_km + p.length_km
            ]
            assert len(holding) == 1, s.name
            stem = s.name.split(":")[0].split()[-1][:3]  # Lithuanian post names are genitive: Kena, Kenos uzkarda
            assert stem in holding[0].name, (s.name, holding[0].name)


def test_access_is_an_assumption_that_varies_along_the_line(border):
    by_name = {s.name.split(":")[0]: s.access for s in border.sections}
    assert by_name["Kuznica"] > 1 > by_name["Bialowieza"]  # the Grodno road crossing against the marshes
    assert by_name["Medininkai"] > 1 > by_name["Kabeliai"]  # the Minsk-Vilnius road against the Cepkeliai bog
    assert by_name["Terespol"] > by_name["Wlodawa"]  # opposite Brest against Polesie


@pytest.mark.parametrize("country", ["poland", "lithuania"])
def test_posts_tile_each_line_in_order(border, country):
    line = next(line for line in border.lines if line.country.value == country)
    pos = 0
    for p in _mine(border.posts, country):
        assert p.start_km == pos and p.length_km > 0, p.name
        pos += p.length_km
    assert pos == line.length_km
    assert len(_mine(border.posts, country)) == {"poland": 20, "lithuania": 11}[country]


@pytest.mark.parametrize(
    ("override", "message"),
    [
        (
            "border.posts.1.start_km=20",
            r"border\.posts: gap on the poland line between 19\.0 and 20\.0 km .*border\.posts\[1\]",
        ),
        (
            "border.posts.1.start_km=18",
            r"border\.posts: posts overlap on the poland line at 18\.0 km \(border\.posts\[1\]",
        ),
        ("border.posts.19.length_km=16", r"border\.posts: the poland line is 418\.0 km but its posts end at 417\.0 km"),
        ("border.posts.0.length_km=18.5", r"border\.posts\[0\]\.length_km=18\.5: not a whole number of cells"),
        ("border.posts.0.name=Lipsk", r"border\.posts\[1\]\.name='Lipsk': the poland line has it already"),
        ("border.posts.0.name=' '", r"border\.posts\[0\]\.name: a post needs a name"),
    ],
)
def test_bad_posts_are_refused_naming_the_key(override, message):
    with pytest.raises(ConfigError, match=message):
        validate(load_config([override]))


def test_a_config_without_posts_is_valid():
    assert validate(load_config(["border.posts=[]"])).border.posts == []


# --- data/posts.csv, the record the posts come from --------------------------------------------------------------


def test_posts_csv_has_its_columns_and_labels(record):
    assert list(record.columns) == [
        "country", "unit", "post", "order", "start_km", "end_km", "length_km", "length_status", "range_status",
        "model_start_km", "model_end_km", "terrain_note", "source_url", "use",
    ]  # fmt: skip
    assert set(record["length_status"]) <= {"sourced", "estimate"}
    assert set(record["range_status"]) <= {"sourced", "estimate"}
    assert (record["use"] == "check").all()
    assert record["source_url"].str.startswith("http").all()
    lt = record[record["country"] == "LT"]
    assert (lt["length_status"] == "estimate").all() and (lt["range_status"] == "estimate").all()
    pl = record[record["country"] == "PL"]
    assert set(pl.loc[pl["length_status"] == "sourced", "post"]) >= {"Plaska", "Kuznica", "Bialowieza", "Slawatycze"}
    for _, rows in record.groupby("country"):
        assert list(rows["order"]) == list(range(1, len(rows) + 1))
        assert (rows["start_km"].iloc[1:].to_numpy() == rows["end_km"].iloc[:-1].to_numpy()).all()
        assert rows["start_km"].iloc[0] == 0
        assert (rows["end_km"] - rows["start_km"] - rows["length_km"]).abs().max() < 0.011  # rounded lengths
    # the units' sourced totals: Podlaski 246.93 km, Nadbuzanski 171.31 km (wiki mirror; 171 km per its spokesman)
    assert pl.loc[pl["unit"].str.startswith("Podlaski"), "end_km"].max() == pytest.approx(246.93)
    assert pl["end_km"].max() - 246.93 == pytest.approx(171.31)


def test_config_posts_are_the_record_rounded_to_whole_km(border, record):
    for code, country in CODES.items():
        rows = record[record["country"] == code].reset_index(drop=True)
        posts = _mine(border.posts, country)
        assert [p.name for p in posts] == list(rows["post"])
        assert [p.unit for p in posts] == list(rows["unit"])
        assert [p.start_km for p in posts] == list(rows["model_start_km"])
        assert [p.start_km + p.length_km for p in posts] == list(rows["model_end_km"])
        assert list(rows["model_start_km"]) == [round(v) for v in rows["start_km"]]
        assert list(rows["model_end_km"])[:-1] == [round(v) for v in rows["end_km"]][:-1]
        for p, (_, row) in zip(posts, rows.iterrows(), strict=True):
            status = (row["length_status"], row["range_status"])
            want = {("sourced", "sourced"): "sourced", ("sourced", "estimate"): "length sourced, range estimate"}
            assert p.source == want.get(status, "estimate"), p.name
