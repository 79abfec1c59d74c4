"""The sweep report (sim/analysis/report.py, report_html.py, plots.py) on made-up sweep directories
(tests/analysis/fabricated.py): its frame (question, period, scenarios, runs, intervals, baseline), per-country
tables and effects with generated conclusions, costs with their assumptions both ways, humanitarian outcomes,
person- and event-based measures by name, bounded intervals and the few-runs warning, troops asked and deployed,
figures whose legends and labels stay inside, the self-contained HTML, and a sweep of older runs without the new
fields. The numbers are checked against hand computations from the jobs' summary.json."""

from __future__ import annotations

import base64
import contextlib
import io
import re
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from sim.analysis import plots
from sim.analysis import report as rep
from tests.analysis.fabricated import DAYS, make_sweep, summary_of

WALL = [
    {"fence.poland": fence, "troops.poland": troops} for fence in ("none", "steel_wall") for troops in (2000, 15000)
]
LABELS = [f"fence.poland={s['fence.poland']}, troops.poland={s['troops.poland']}" for s in WALL]
EXPERIMENT = {
    "name": "poland_wall_vs_troops",
    "question": "What does a wall on the Polish line buy compared with more Polish troops?",
    "description": "A steel wall on the Polish line or none, times 2,000 or 15,000 Polish troops held constant.",
    "baseline": "fence.poland=none,troops.poland=2000",
}
PUSHBACK = [
    {"policy.poland.pushback_share": pl, "policy.lithuania.pushback_share": lt} for pl in (0, 0.5, 1) for lt in (0, 1)
]
SEEDS = 3
PNG = b"\x89PNG\r\n\x1a\n"


def section(text: str, heading: str, level: int = 2) -> str:
    """The body of a `## heading` section (up to the next heading of the same or a higher level)."""
    marks = "#" * level
    match = re.search(rf"^{marks} {re.escape(heading)}\n(.*?)(?=^#{{1,{level}}} |\Z)", text, re.M | re.S)
    assert match, f"no section '{marks} {heading}' in:\n{text}"
    return match.group(1)


def row(table: str, label: str) -> list[str]:
    found = [line for line in table.splitlines() if line.startswith(f"| {label} |")]
    assert len(found) == 1, (label, table)
    return [cell.strip() for cell in found[0].strip("|").split(" | ")]


def header(table: str) -> list[str]:
    return [cell.strip() for cell in table.strip().splitlines()[0].strip("|").split(" | ")]


def cell(table: str, label: str, column: str) -> str:
    return row(table, label)[header(table).index(column)]


def t_interval(x: list[float], digits: int = 0, low_bound: float | None = None) -> str:
    """Mean [low, high] by hand: the Student t 95% interval, cut at `low_bound`."""
    x = np.asarray(x, dtype=float)
    half = stats.t.ppf(0.975, len(x) - 1) * x.std(ddof=1) / np.sqrt(len(x))
    low = x.mean() - half if low_bound is None else max(x.mean() - half, low_bound)
    return f"{x.mean():,.{digits}f} [{low:,.{digits}f}, {x.mean() + half:,.{digits}f}]"


def jobs(scenario: int) -> list[int]:
    return [scenario * SEEDS + seed for seed in range(SEEDS)]


def field(root: Path, scenario: int, country: str, name: str) -> list[float]:
    return [summary_of(root, job)[country][name] for job in jobs(scenario)]


@pytest.fixture(scope="module")
def wall(tmp_path_factory) -> tuple[Path, str, str]:
    """The wall-vs-troops sweep in the new format, reported by the command: (sweep dir, report.md, stderr)."""
    root = make_sweep(tmp_path_factory.mktemp("wall") / "sweep", WALL, SEEDS, experiment=EXPERIMENT)
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        assert rep.main([str(root)]) == 0
    return root, (root / "report.md").read_text(), err.getvalue()


def test_the_report_states_its_frame(wall):
    _, text, _ = wall
    assert text.startswith(f"# {EXPERIMENT['name']}: {EXPERIMENT['question']}\n\n{EXPERIMENT['description']}\n")
    frame = section(text, "The question and how to read the answer")
    assert f"- **Question:** {EXPERIMENT['question']}" in frame
    assert f"- **Simulated period:** 1 October 2021 to 14 November 2021 ({DAYS} days)" in frame
    assert "- **Runs per scenario:** 3" in frame
    assert f"- **Baseline:** {LABELS[0]}" in frame  # from the experiment block: no --baseline given
    assert "`fence.poland`: the fence option on the Polish line only" in frame and "Values: none, steel_wall." in frame
    assert "`troops.poland`: Polish troops asked for on the line" in frame and "Values: 2000, 15000." in frame
    assert "Intervals cover seeds only (3 seeds); parameter uncertainty not included." in frame
    assert "12 runs finished, 0 failed, 0 missing" in text
    assert re.search(r"\bnan\b", text) is None


def test_tables_per_country_hold_the_hand_computed_means_and_intervals(wall):
    root, text, _ = wall
    border = section(text, "Crossings and interceptions")
    for country, heading in (("poland", "Poland"), ("lithuania", "Lithuania"), ("total", "Total")):
        table = section(border, heading, 3)
        for i, label in enumerate(LABELS):
            assert cell(table, label, "runs") == "3"
            assert cell(table, label, "crossings") == t_interval(field(root, i, country, "crossings"), 0, 0.0)
    # the total is the runs' own total (it counts the Belarusian side too), not the sum of the lines
    deaths = section(section(text, "Humanitarian outcomes"), "Total", 3)
    assert cell(deaths, LABELS[0], "deaths") == t_interval(field(root, 0, "total", "deaths"), 1, 0.0)


def test_person_based_and_event_based_measures_stand_side_by_side_under_their_own_names(wall):
    root, text, _ = wall
    table = section(section(text, "Crossings and interceptions"), "Poland", 3)
    person, event = rep.SHARE_CROSSED.name, rep.INTERCEPTION.name
    assert person == "share of people who reached the line and got through (person-based)"
    assert event == "apprehensions per apprehension-or-crossing event (event-based)"
    assert {person, event} <= set(header(table))
    assert cell(table, LABELS[1], person) == t_interval(field(root, 1, "poland", "share_crossed"), 3, 0.0)
    assert "share" not in event and "interception rate" not in " ".join(header(table))


def test_conclusions_quote_each_effect_with_its_paired_interval(wall):
    root, text, _ = wall
    conclusions = section(text, f"Conclusions against the baseline ({LABELS[0]})")
    polish = section(conclusions, "Poland", 3)
    diffs = np.subtract(field(root, 2, "poland", "crossings"), field(root, 0, "poland", "crossings"))
    half = stats.t.ppf(0.975, 2) * diffs.std(ddof=1) / np.sqrt(3)
    cut = -diffs.mean()
    want = (
        f"- On the Polish line, fence.poland=steel_wall cut crossings by {cut:,.0f} [{cut - half:,.0f}, "
        f"{cut + half:,.0f}] against the baseline; the interval excludes zero."
    )
    assert want in polish.splitlines()
    # Lithuania: more Polish troops change nothing there but noise; the fabricated differences average 0
    lithuanian = section(conclusions, "Lithuania", 3)
    diffs = np.subtract(field(root, 1, "lithuania", "crossings"), field(root, 0, "lithuania", "crossings"))
    assert diffs.mean() == 0 and diffs.std() > 0
    line = next(x for x in lithuanian.splitlines() if x.startswith("- On the Lithuanian line, troops.poland=15000"))
    assert "cannot be told from zero" in line and "crossings" in line
    # the wall raises Lithuanian crossings (displacement): said as a rise, not as a cut
    assert any(
        x.startswith("- On the Lithuanian line, fence.poland=steel_wall raised crossings by")
        for x in lithuanian.split("\n")
    )
    total = section(conclusions, "Total", 3)
    assert "In total (both lines and the Belarusian side), troops.poland=15000 cut crossings by" in total
    for measure in ("deaths", "people who gave up", "asylum claims", "cost over the period"):
        assert measure in polish


def test_effects_tables_per_country_are_paired_by_seed(wall):
    root, text, _ = wall
    effects = section(text, f"Effects against the baseline ({LABELS[0]})")
    for country, heading in (("poland", "Poland"), ("lithuania", "Lithuania"), ("total", "Total")):
        table = section(effects, heading, 3)
        for i, label in enumerate(LABELS[1:], start=1):
            diffs = np.subtract(field(root, i, country, "gave_up"), field(root, 0, country, "gave_up"))
            assert (
                cell(table, label, "Δ people who gave up")
                == f"{diffs.mean():,.0f} [{diffs.mean():,.0f}, {diffs.mean():,.0f}]"
            )
            assert cell(table, label, "method") == "paired by seed"


def test_intervals_respect_bounds_and_the_report_warns_about_few_runs(wall):
    root, text, err = wall
    # Polish deaths are 0, 0, 5 over the seeds: the plain t interval goes below 0, the report's stops at 0
    deaths = field(root, 0, "poland", "deaths")
    x = np.asarray(deaths, float)
    assert x.mean() - stats.t.ppf(0.975, 2) * x.std(ddof=1) / np.sqrt(3) < 0
    humanitarian = section(section(text, "Humanitarian outcomes"), "Poland", 3)
    assert cell(humanitarian, LABELS[0], "deaths").startswith("1.7 [0.0, ")
    tables = [section(text, h) for h in ("Crossings and interceptions", "Humanitarian outcomes", "Scenarios")]
    for table in [*tables, section(section(text, "Costs"), "Cost per scenario", 3)]:
        for low in re.findall(r"\[(-?[\d,.]+), -?[\d,.]+\]", table):
            assert float(low.replace(",", "")) >= 0, table  # every count, rate and cost of a scenario
    shares = section(section(text, "Crossings and interceptions"), "Total", 3)
    for label in LABELS:
        for column in (rep.SHARE_CROSSED.name, rep.INTERCEPTION.name):
            high = float(re.search(r", ([\d.]+)\]", cell(shares, label, column)).group(1))
            assert high <= 1.0
    warning = "> **Warning:** 4 of 4 scenarios have fewer than 10 runs"
    assert warning in text and "intervals from so few runs are unreliable" in text
    assert "warning: 4 of 4 scenarios have fewer than 10 runs" in err


def test_min_runs_sets_when_the_warning_appears(tmp_path, capsys):
    root = make_sweep(tmp_path / "sweep", WALL[:2], SEEDS, experiment=EXPERIMENT)
    assert rep.main([str(root), "--min-runs", "3", "--baseline", "troops.poland=15000"]) == 0
    assert "warning" not in capsys.readouterr().err
    text = (root / "report.md").read_text()
    assert "**Warning" not in text
    assert "- **Baseline:** troops.poland=15000" in text  # --baseline wins over the experiment's


def test_costs_list_their_assumptions_and_price_prevented_crossings_both_ways(wall):
    root, text, _ = wall
    costs = section(text, "Costs")
    assumptions = section(costs, "Cost assumptions", 3)
    for line in (
        "EUR 150 per soldier per day on the line (`cost.troop_eur_per_day`, assumption)",
        "Fence lifetime: 20 years",
        "EUR 3,000 per claim (`cost.asylum_claim_eur`, assumption)",
        "EUR 500 per pushback (`cost.pushback_eur`, assumption)",
        "Barrier `steel_wall`: EUR 1,470,000 capital per km (`barriers.steel_wall.capex_eur_per_km`, assumption)",
        "Sensors: EUR 362,000 capital per km (`sensors.capex_eur_per_km`, assumption)",
    ):
        assert line in assumptions
    per_scenario = section(section(costs, "Cost per scenario", 3), "Poland", 4)
    cost = np.array(field(root, 2, "poland", "cost_eur")) / 1e6
    assert cell(per_scenario, LABELS[2], "cost over the period (EUR M)") == t_interval(cost, 2, 0.0)
    assert cell(per_scenario, LABELS[2], "cost per year (EUR M)") == t_interval(cost * 365 / DAYS, 1, 0.0)
    for column in (
        "troops (EUR M)",
        "asylum claims (EUR M)",
        "pushbacks (EUR M)",
        "fence capital standing, full (EUR M)",
    ):
        assert column in header(per_scenario)
    prevented_section = section(costs, "Cost per prevented crossing", 3)
    assert "**Fence amortised**" in prevented_section and "**Full fence capital**" in prevented_section
    assert "45 / 7,300 of a 20-year fence's capital" in prevented_section
    table = section(prevented_section, "Poland", 4)
    wall_row = row(table, LABELS[2])
    get = {
        name: np.array(field(root, 2, "poland", name)) - np.array(field(root, 0, "poland", name))
        for name in ("crossings", "cost_eur", "cost_fence_eur", "fence_capital_eur")
    }
    amortised = get["cost_eur"].mean() / -get["crossings"].mean()
    full = (get["cost_eur"] - get["cost_fence_eur"] + get["fence_capital_eur"]).mean() / -get["crossings"].mean()
    assert wall_row[3].startswith(f"{amortised:,.0f} [")
    assert wall_row[5].startswith(f"{full:,.0f} [")
    assert full > 50 * amortised  # charging the wall's capital at once is what the amortised figure hides


def test_troops_asked_and_deployed_are_both_shown(wall):
    _, text, _ = wall
    table = section(text, "Scenarios")
    assert cell(table, LABELS[1], "Polish troops asked") == "15,000 (constant)"
    assert cell(table, LABELS[1], "Polish troops deployed") == "12,000 [12,000, 12,000]"
    assert cell(table, LABELS[2], "fence on the Polish line") == "steel_wall"


def test_the_html_report_is_one_self_contained_file(wall):
    root, text, _ = wall
    page = (root / "report.html").read_text()
    assert page.startswith("<!DOCTYPE html>") and f"<title>{EXPERIMENT['name']}: " in page
    sources = re.findall(r'src="([^"]*)"', page)
    linked = re.findall(r"!\[[^\]]+\]\(([^)]+)\)", text)
    assert len(sources) == len(linked) >= 8
    assert all(s.startswith("data:image/png;base64,") for s in sources)
    assert base64.b64decode(sources[0].split(",", 1)[1]) == (root / linked[0]).read_bytes()
    assert not re.search(r"<(script|link|iframe)\b", page) and "http://" not in page and "https://" not in page
    assert page.count("<table>") == text.count("\n|---")
    assert "<blockquote>" in page  # the warning


def test_figures_are_per_country_pngs(wall):
    root, text, _ = wall
    linked = re.findall(r"!\[[^\]]+\]\(([^)]+)\)", text)
    assert {
        "crossings_vs_troops.poland.png",
        "daily_attempts.png",
        "interception_rate.png",
        "share_crossed.png",
        "asylum_claims.png",
        "gave_up.png",
        "deaths.png",
    } <= set(linked)
    for name in linked:
        assert (root / name).read_bytes().startswith(PNG)


@pytest.fixture
def checked(monkeypatch) -> list[tuple[str, list[str], object]]:
    """Every figure the report saves: (file name, its layout problems, the axes' x labels), measured before saving."""
    seen = []
    save = plots.save_figure

    def inspect(fig, path, layout=True):
        if layout:
            fig.tight_layout()
        seen.append((Path(path).name, plots.layout_problems(fig), [ax.get_xlabel() for ax in fig.axes]))
        return save(fig, path, layout=False)

    monkeypatch.setattr(plots, "save_figure", inspect)
    return seen


def test_figures_with_long_scenario_labels_keep_legends_and_labels_inside(tmp_path, checked):
    root = make_sweep(tmp_path / "pushback", PUSHBACK, 2)
    rep.report(root, "policy.poland.pushback_share=0,policy.lithuania.pushback_share=0")
    names = [name for name, _, _ in checked]
    assert {"daily_attempts.png", "daily_massed.png", "interception_rate.png", "crossings.png"} <= set(names)
    assert any(name.startswith("crossings_vs_") for name in names)
    for name, problems, _ in checked:
        assert problems == [], name


def test_the_layout_check_fails_on_a_legend_inside_the_axes_as_the_report_drew_it_before():
    """The daily figure as drawn before issue 14: one axes, `ax.legend()` inside it, long labels."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(9, 4.8))
    for s in PUSHBACK:
        ax.plot([0, 1, 2], [1, 2, 3], label=", ".join(f"{k}={v}" for k, v in s.items()))
    ax.legend(fontsize="small")
    fig.tight_layout()
    problems = plots.layout_problems(fig)
    plt.close(fig)
    assert any("covers the axes" in p for p in problems)


def test_the_pushback_report_shows_asylum_claims_gave_up_and_costs_that_differ_by_policy(tmp_path):
    root = make_sweep(tmp_path / "pushback", PUSHBACK, 2)
    text = rep.report(root, "policy.poland.pushback_share=0,policy.lithuania.pushback_share=0").read_text()
    labels = [", ".join(f"{k}={v}" for k, v in s.items()) for s in PUSHBACK]
    for heading in ("Poland", "Lithuania", "Total"):
        table = section(section(text, "Humanitarian outcomes"), heading, 3)
        assert {"asylum claims", "people who gave up"} <= set(header(table))
        costs = section(section(section(text, "Costs"), "Cost per scenario", 3), heading, 4)
        per_policy = {cell(costs, label, "cost over the period (EUR M)") for label in labels}
        assert len(per_policy) == len(labels)


def test_a_troop_sweep_with_a_ramp_warns_and_says_the_axis_is_the_asked_level(tmp_path, checked, capsys):
    root = make_sweep(tmp_path / "old", WALL, 2, new=False, ramp=True)
    assert rep.main([str(root)]) == 0
    err = capsys.readouterr().err
    text = (root / "report.md").read_text()
    assert "troops.poland is swept but troops.ramp.poland scales it over time in 4 of 4 scenarios" in text
    assert "troops.ramp.poland=[]" in err
    assert cell(section(text, "Scenarios"), LABELS[1], "Polish troops asked") == "15,000 (scaled by a ramp)"
    xlabels = next(x for name, _, x in checked if name.startswith("crossings_vs_troops.poland"))
    assert all("a ramp scaled them" in label.replace("\n", " ") for label in xlabels)


def test_a_sweep_of_older_runs_without_the_new_fields_still_reports(tmp_path):
    root = make_sweep(tmp_path / "old_sweep", WALL, 2, new=False)
    text = rep.report(root).read_text()
    assert text.startswith("# Sweep report: old_sweep\n")
    assert "- **Question:** not recorded in these runs" in text
    assert f"- **Baseline:** {LABELS[0]}" in text  # the first scenario
    table = section(text, "Scenarios")
    assert cell(table, LABELS[0], "Polish troops deployed") == "not recorded in these runs"
    border = section(section(text, "Crossings and interceptions"), "Poland", 3)
    assert rep.SHARE_CROSSED.name not in header(border) and "not recorded in these runs" in border
    assert "Processing an asylum claim: EUR not recorded in these runs" in text
    full = section(section(section(text, "Costs"), "Cost per prevented crossing", 3), "Total", 4)
    assert row(full, LABELS[1])[4:] == ["not recorded in these runs"] * 2
    assert re.search(r"\bnan\b", text) is None
    assert (root / "report.html").is_file()
