"""Schema of the `policy` group (configs/policy/): each country's pushback share and from when."""

from __future__ import annotations

from dataclasses import dataclass, field

from sim.config.fields import (
    date_field,
    prob,
)


@dataclass
class CountryPolicy:
    pushback_share: float = prob(0.0)  # share of apprehended people pushed back (rest claim asylum)
    pushback_from: str | None = date_field(None)  # date the share takes force (null: from the start)


@dataclass
class PolicyConfig:
    poland: CountryPolicy = field(default_factory=CountryPolicy)
    lithuania: CountryPolicy = field(default_factory=CountryPolicy)
