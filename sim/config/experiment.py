"""Schema of the `experiment` block: what a shipped experiment (configs/experiment/) asks and how to read it.

Every experiment file sets it, so every run of the experiment's sweep carries it in its `config.yaml` and the
report can state its frame: the experiment's `name` (its file name), its `question`, a short `description`
(scenarios, what is held fixed, the period, the runs) and the `baseline` scenario effects are measured against
(`key=value` pairs separated by commas, as `python -m sim.report --baseline` takes them; "" = the sweep's first
scenario). A run outside any experiment has the empty block. `experiment_problems` checks a block;
`validation.validate` calls it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sim.config.overrides import split_top_level

#: An experiment's name is its file name in configs/experiment/ (without `.yaml`).
NAME = re.compile(r"[A-Za-z0-9_-]+")
#: A dotted config key as a baseline names it (`fence.poland`, `policy.poland.pushback_share`).
KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*")


@dataclass
class ExperimentInfo:
    name: str = ""  # the experiment's file name (configs/experiment/<name>.yaml); "" outside an experiment
    question: str = ""  # one sentence ending in "?"
    description: str = ""  # a few sentences: scenarios, what is held fixed, period, runs
    baseline: str = ""  # the report's default --baseline: "key=value,key=value"; "" = the first scenario


def experiment_problems(info: ExperimentInfo, has_key) -> list[str]:
    """What is wrong with an experiment block, each naming its key; `has_key(dotted)` tells whether the config
    has that key (a baseline must name keys of the config)."""
    problems = []
    if info.name and not NAME.fullmatch(info.name):
        problems.append(f"experiment.name='{info.name}': allowed the experiment's file name (letters, digits, _ and -)")
    question = info.question.strip()
    if question and not question.endswith("?"):
        problems.append(f"experiment.question='{info.question}': allowed one sentence ending in '?'")
    for item in split_top_level(info.baseline) if info.baseline.strip() else []:
        key, equals, value = item.strip().partition("=")
        key = key.strip().lstrip("+~")
        if not equals or not value.strip():
            problems.append(
                f"experiment.baseline='{info.baseline}': '{item.strip()}' is not key=value; allowed key=value pairs "
                "separated by commas (fence.poland=none,troops.poland=2000)"
            )
        elif not KEY.fullmatch(key) or not has_key(key):
            problems.append(f"experiment.baseline='{info.baseline}': '{key}' is no config key")
    return problems


def experiment_file_problem(name: str, chosen: str | None) -> str | None:
    """A message when the experiment block's `name` is not the experiment file the command line chose
    (`+experiment=<chosen>`): a copied file that kept the old name would title its report wrongly."""
    if chosen is None or not name or name == chosen:
        return None
    return (
        f"experiment.name='{name}' but the experiment chosen is '{chosen}' (configs/experiment/{chosen}.yaml); "
        f"allowed: experiment.name: {chosen} (its file name)"
    )
