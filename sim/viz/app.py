"""Interactive border map: `make viz` (or `solara run sim/viz/app.py --host 127.0.0.1`), then open the printed address.

A Mesa SolaraViz page over the unchanged model: the sidebar composes a scenario from the same Hydra configs as
the command line (scenario, fence, troops per country, pushback share, escort strategy, seed), *Reset* builds the
model, *Step* advances it by the chosen number of hours and ▶ runs it. The page shows the border map
(`sim.viz.border_map.draw_border_map`: fence segments by barrier type and damage, people by state as counts per cell,
patrols, escort units), the running totals per country, and live plots of the daily counters.

Nothing in the model imports this module; it only reads the model's public API.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from html import escape

import mesa
import solara
from matplotlib.axes import Axes

from sim.config.compose import CONFIG_DIR, load_config
from sim.config.enums import EU_COUNTRIES, EscortStrategy
from sim.config.timeline import HOURS_PER_DAY
from sim.core.model import BorderModel
from sim.viz.border_map import clock, draw_border_map

with warnings.catch_warnings():
    # Mesa 3.3's ComponentsView calls a hook after an early return (fixed in 3.5); solara's import-time hook check
    # warns about it (and warns again that it failed, where warnings are errors). Only those two warnings are
    # silenced, and only while Mesa's module loads.
    warnings.filterwarnings("ignore", r".*solara_viz\.py:\d+: ComponentsView: `use_state` found", UserWarning)
    warnings.filterwarnings("ignore", "Failed to validate hooks for component ComponentsView", UserWarning)
    from mesa.visualization import SolaraViz, make_plot_component
    from mesa.visualization.utils import update_counter

#: Choice in the fence control that keeps the scenario's own fence (e.g. autumn2021's fences going up).
SCENARIO_FENCE = "as in scenario"
SCENARIOS: list[str] = sorted(p.stem for p in (CONFIG_DIR / "scenario").glob("*.yaml"))
FENCES: list[str] = [SCENARIO_FENCE, *sorted(p.stem for p in (CONFIG_DIR / "fence").glob("*.yaml"))]
#: The controls start at the default config's values, so they follow the configs when those are recalibrated.
DEFAULTS = load_config()

#: Map size in inches: sized for half the page, where SolaraViz places each component.
MAP_SIZE = (6.6, 4.6)
#: Daily counters plotted live; each point is one day, summed over both EU borders.
DAILY_COUNTERS: dict[str, str] = {
    "attempts": "#e66101",
    "apprehensions": "#2166ac",
    "pushbacks": "#c51b7d",
    "crossings": "#1a9850",
}
#: Stocks from the model's own data collector, read at midnight.
STOCKS: dict[str, str] = {"in_camps": "#8c510a", "in_zone": "#7b3294", "crossed": "#1a9850"}


def overrides(
    scenario_name: str,
    fence: str,
    troops_poland: int,
    troops_lithuania: int,
    pushback_share: float,
    escort_strategy: str,
    seed: int,
) -> list[str]:
    """The Hydra overrides the controls stand for, as they would be typed after `python -m sim.run`."""
    chosen = [
        f"scenario={scenario_name}",
        f"troops.poland={int(troops_poland)}",
        f"troops.lithuania={int(troops_lithuania)}",
        f"policy.poland.pushback_share={float(pushback_share):g}",
        f"policy.lithuania.pushback_share={float(pushback_share):g}",
        f"escort.strategy={escort_strategy}",
        f"seed={int(seed)}",
        "progress=false",
    ]
    if fence != SCENARIO_FENCE:
        chosen.insert(1, f"fence={fence}")
    return chosen


def today_counter(name: str) -> Callable[[BorderModel], float]:
    """A reporter: counter `name` on the day of the last simulated hour, both EU borders together.

    The model's data collector collects at midnight, so each row holds the day that just closed."""

    def report(model: BorderModel) -> float:
        day = max(model.hour - 1, 0) // HOURS_PER_DAY
        return float(sum(model.ledger.flows[name][day, int(c)] for c in EU_COUNTRIES))

    return report


class AppModel(BorderModel):
    """The border model with keyword parameters, as SolaraViz creates models (`type(model)(**controls)`).

    One app step advances `hours_per_step` model hours (a day by default: hour-by-hour is there for watching a
    group reach the line). The data collector gains the daily counters the plots show; the model itself is
    unchanged. Parameter names avoid `scenario`, which Mesa 3.5's SolaraViz reserves for its own scenarios.
    """

    def __init__(
        self,
        scenario_name: str = DEFAULTS.scenario,
        fence: str = SCENARIO_FENCE,
        troops_poland: int = DEFAULTS.troops.poland,
        troops_lithuania: int = DEFAULTS.troops.lithuania,
        pushback_share: float = DEFAULTS.policy.poland.pushback_share,
        escort_strategy: str = DEFAULTS.escort.strategy.value,
        seed: int = 0,
        hours_per_step: int = HOURS_PER_DAY,
    ) -> None:
        chosen = overrides(scenario_name, fence, troops_poland, troops_lithuania, pushback_share, escort_strategy, seed)
        super().__init__(load_config(chosen))
        self.overrides = chosen
        self.hours_per_step = int(hours_per_step)
        reporters = dict(self.datacollector.model_reporters)
        reporters.update({name: today_counter(name) for name in DAILY_COUNTERS})
        self.datacollector = mesa.DataCollector(model_reporters=reporters)

    def step(self) -> None:
        """`hours_per_step` hours of the model (fewer at the end of the run). The map repaints the grid's `guards`
        layer when it draws (`sim.viz.border_map.patrols_per_km`).

        Raises:
            RunEndedError: the run had ended before this step (the page disables Step and ▶ at the end).
        """
        self.check_not_ended()
        for _ in range(self.hours_per_step):
            if self.ended:
                break
            super().step()


# --- page components ---------------------------------------------------------------------------------------------


@solara.component
def BorderMap(model: AppModel) -> None:
    """The map of the border at the current hour (`sim.viz.border_map.draw_border_map`)."""
    update_counter.get()
    with solara.Column(classes=["borderflow-map"]):
        solara.FigureMatplotlib(draw_border_map(model, figsize=MAP_SIZE, legend_columns=4), format="png")


#: Totals shown in the numbers panel: summary key → column heading.
TOTALS: dict[str, str] = {
    "attempts": "attempts",
    "apprehensions": "apprehended",
    "pushbacks": "pushed back",
    "crossings": "crossed",
    "asylum_claims": "asylum",
    "deaths": "deaths",
}
#: Table layout for the numbers panel (right-aligned counts, light rules).
NUMBERS_STYLE = """
.borderflow-numbers { font-size: 0.9em; }
.borderflow-totals { border-collapse: collapse; margin: 4px 0 8px 0; }
.borderflow-totals th, .borderflow-totals td { padding: 2px 6px; border-bottom: 1px solid #ddd; }
.borderflow-totals td { text-align: right; font-variant-numeric: tabular-nums; }
"""


def numbers_html(model: AppModel) -> str:
    """Totals so far per country, the stocks, and the settings in force, as an HTML fragment.

    HTML rather than Markdown: solara's Markdown loads a maths renderer from a CDN, which an offline machine lacks.
    """
    summary = model.summary
    head = "".join(f"<th>{escape(h)}</th>" for h in TOTALS.values())
    rows = "".join(
        f"<tr><th>{row}</th>" + "".join(f"<td>{summary[row][k]:,}</td>" for k in TOTALS) + "</tr>"
        for row in ("poland", "lithuania", "total")
    )
    in_camps, in_zone = len(model.camps), model.people.in_zone().size  # the stocks the model records at midnight
    cfg = model.cfg
    settings = (
        f"Scenario {cfg.scenario} · fence: {cfg.fence.name} · troops at full strength: PL {cfg.troops.poland:,}, "
        f"LT {cfg.troops.lithuania:,} · pushback share PL {cfg.policy.poland.pushback_share:g}, "
        f"LT {cfg.policy.lithuania.pushback_share:g} · escorts: {cfg.escort.strategy.value} · seed {cfg.seed}"
    )
    return (
        f'<p class="borderflow-clock"><b>{escape(clock(model))}</b>, day {model.day} of {cfg.days}</p>'
        f'<table class="borderflow-totals"><tr><th>so far</th>{head}</tr>{rows}</table>'
        f"<p>In Belarusian camps: {in_camps:,} · in the border zone: {in_zone:,}</p>"
        f'<p class="borderflow-settings">{escape(settings)}</p>'
    )


@solara.component
def Numbers(model: AppModel) -> None:
    """Running totals and settings; the same numbers `model.summary` gives in a notebook."""
    update_counter.get()
    solara.Style(NUMBERS_STYLE)
    solara.HTML(unsafe_innerHTML=numbers_html(model), classes=["borderflow-numbers"])


def _label_axes(title: str, ylabel: str) -> Callable[[Axes], None]:
    """Title and labels for a Mesa plot component (which labels only its x axis, "Step": here one day)."""

    def post_process(ax: Axes) -> None:
        ax.set_title(title, fontsize=10)
        ax.set_ylabel(ylabel)
        ax.grid(alpha=0.3)

    return post_process


_daily_plot, _ = make_plot_component(
    DAILY_COUNTERS, post_process=_label_axes("Daily counters, both borders (one point per day)", "people per day")
)
_stock_plot, _ = make_plot_component(
    STOCKS, post_process=_label_axes("At midnight: in camps, in the zone, crossed so far", "people")
)


def DailyCounters(model: AppModel) -> solara.Element:
    """Mesa's live plot of the daily counters, in a panel the browser test can find."""
    with solara.Column(classes=["borderflow-daily"]) as panel:
        _daily_plot(model)
    return panel


def Stocks(model: AppModel) -> solara.Element:
    """Mesa's live plot of the midnight stocks (the model's own data collector)."""
    with solara.Column(classes=["borderflow-stocks"]) as panel:
        _stock_plot(model)
    return panel


model_params = {
    "scenario_name": {"type": "Select", "value": DEFAULTS.scenario, "values": SCENARIOS, "label": "Scenario"},
    "fence": {"type": "Select", "value": SCENARIO_FENCE, "values": FENCES, "label": "Fence"},
    "troops_poland": {
        "type": "SliderInt",
        "value": DEFAULTS.troops.poland,
        "min": 0,
        "max": 30000,
        "step": 500,
        "label": "Polish troops at full strength",
    },
    "troops_lithuania": {
        "type": "SliderInt",
        "value": DEFAULTS.troops.lithuania,
        "min": 0,
        "max": 15000,
        "step": 500,
        "label": "Lithuanian troops at full strength",
    },
    "pushback_share": {
        "type": "SliderFloat",
        "value": DEFAULTS.policy.poland.pushback_share,
        "min": 0.0,
        "max": 1.0,
        "step": 0.05,
        "label": "Pushback share (both countries)",
    },
    "escort_strategy": {
        "type": "Select",
        "value": DEFAULTS.escort.strategy.value,
        "values": [s.value for s in EscortStrategy],
        "label": "Escort strategy",
    },
    "seed": {"type": "SliderInt", "value": 0, "min": 0, "max": 99, "step": 1, "label": "Seed"},
    "hours_per_step": {"type": "Select", "value": HOURS_PER_DAY, "values": [1, 6, 24], "label": "Hours per step"},
}

page = SolaraViz(
    AppModel(),
    components=[BorderMap, Numbers, DailyCounters, Stocks],
    model_params=model_params,
    name="Borderflow: the Belarus–EU border, 2021",
)
