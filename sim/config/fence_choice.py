"""A fence chosen per country: `fence.poland=<option>` and `fence.lithuania=<option>` give that country's line the
barriers of an option of the fence group (configs/fence/<option>.yaml), whatever the group chose for the border
(`fence=<option>`, both lines).

Hydra reads `fence.poland=steel_wall` as a value (a nested group would be written `fence/poland=...`), so the
choice is a validated string key, resolved here when a config becomes a `Config` (`to_config`): the rules of the
chosen option that apply to that country (a rule for both lines becomes a rule for that country) replace the
country's rules, and each country key is filled with the option its line got (a key left null gets `fence.name`,
the group's option, if the line's rules are that option's; rules edited beyond any option leave it null). The
resolved config (`config.yaml`) therefore names what each country got and holds the rules that put it there;
resolving it again changes nothing (a saved run reruns as it ran).

A choice equal to `fence.name` keeps the rules as they are, so `fence=steel_wall fence.poland=steel_wall` is
`fence=steel_wall`, and a variant of an option (configs/fence/<mine>.yaml, `defaults: [steel_wall]`, `name:
mine`) keeps its own rules. A rule for both lines with a length or a building timetable counts its km along both
lines, so it cannot be split between countries: choosing a country's fence next to one stops with a message.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import re
from pathlib import Path
from typing import Any

from sim.config.enums import CountryName
from sim.config.fence import FenceConfig, FenceRule
from sim.config.fields import ConfigError
from sim.config.root import Config

#: The fence group's options: `configs/fence/` (sim.config.compose.CONFIG_DIR / "fence").
FENCE_DIR = Path(__file__).resolve().parents[2] / "configs" / "fence"
#: The countries a fence can be chosen for, in config order.
COUNTRIES: tuple[str, ...] = tuple(c.value for c in CountryName)
OPTION_NAME = re.compile(r"[A-Za-z0-9_-]+")


def fence_options() -> list[str]:
    """The names of the fence group's options (configs/fence/*.yaml)."""
    return sorted(p.stem for p in FENCE_DIR.glob("*.yaml"))


def _invalid(problem: str) -> ConfigError:
    """A mistake in a country's fence choice, worded as `validate` words the config's other mistakes."""
    return ConfigError(f"invalid config:\n  {problem}")


def _no_option(key: str, name: str) -> ConfigError:
    return _invalid(
        f"{key}={name}: no such fence option (configs/fence/{name}.yaml); allowed: {', '.join(fence_options())}"
    )


def _option_data(name: str, key: str, seen: tuple[str, ...] = ()) -> dict[str, Any]:
    """Option `name`'s keys as Hydra composes the file: its `defaults` (other options of the group, then the file's
    own keys unless `_self_` places them), merged in order, a later list replacing an earlier one."""
    import yaml
    from omegaconf import OmegaConf

    path = FENCE_DIR / f"{name}.yaml"
    if not OPTION_NAME.fullmatch(name) or not path.is_file():
        raise _no_option(key, name)
    if name in seen:
        raise _invalid(f"{key}: configs/fence/{name}.yaml starts from itself (defaults)")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError, UnicodeDecodeError) as err:
        raise _invalid(f"{key}={name}: configs/fence/{name}.yaml cannot be read ({err})") from None
    if not isinstance(data, dict):
        raise _invalid(f"{key}={name}: configs/fence/{name}.yaml holds no fence option")
    defaults = data.pop("defaults", None) or []
    parts, placed = [], False
    for entry in defaults if isinstance(defaults, list) else [defaults]:
        if entry == "_self_":
            parts.append(data)
            placed = True
        elif isinstance(entry, str) and OPTION_NAME.fullmatch(entry):
            parts.append(_option_data(entry, key, (*seen, name)))
        else:
            raise _invalid(
                f"{key}={name}: configs/fence/{name}.yaml has the defaults entry {entry!r}; "
                "allowed here: other options of the fence group and _self_ (e.g. defaults: [steel_wall])"
            )
    if not placed:
        parts.append(data)
    merged = OmegaConf.to_container(OmegaConf.merge(*parts)) if len(parts) > 1 else parts[0]
    assert isinstance(merged, dict)
    return merged


def _stamp() -> tuple[tuple[str, int], ...]:
    """The fence group's files and their modification times: an edited option is read again."""
    return tuple((p.name, p.stat().st_mtime_ns) for p in sorted(FENCE_DIR.glob("*.yaml")))


@functools.lru_cache(maxsize=64)
def _read_rules(name: str, key: str, folder: str, stamp: tuple[tuple[str, int], ...]) -> tuple[FenceRule, ...]:
    """Option `name`'s rules; `folder` and `stamp` only key the cache (the group's folder, its files' times)."""
    from omegaconf import OmegaConf
    from omegaconf.errors import OmegaConfBaseException

    data = _option_data(name, key)
    try:
        option = OmegaConf.to_object(OmegaConf.merge(OmegaConf.structured(FenceConfig), data))
    except OmegaConfBaseException as err:
        raise _invalid(f"{key}={name}: configs/fence/{name}.yaml: {err}") from None
    assert isinstance(option, FenceConfig)
    return tuple(option.rules)


def option_rules(name: str, key: str) -> list[FenceRule]:
    """The rules of the fence option `name` (a fresh copy), read from its file and the options it starts from
    (once per process while the files stay as they are). `ConfigError` naming `key` and the allowed options when
    there is no such option, naming the file when it cannot be read."""
    return copy.deepcopy(list(_read_rules(name, key, str(FENCE_DIR), _stamp())))


def for_country(rule: FenceRule, country: str, where: str) -> list[FenceRule]:
    """`rule` as rules for `country`'s line: itself (a copy) if it names that country, the same rule naming the
    country if it is a rule for both lines, nothing if it is another country's. `where` names the rule in a
    message."""
    if rule.country is not None:
        return [copy.deepcopy(rule)] if rule.country.value == country else []
    if rule.length_km is not None or rule.build:
        raise _invalid(
            f"fence.{country}: {where} is a rule for both lines with a length or a building "
            "timetable (its km are counted along both lines), so it cannot be split between countries; give that "
            "rule a country"
        )
    return [dataclasses.replace(copy.deepcopy(rule), country=CountryName(country))]


def _is_option_on(rules: list[FenceRule], name: str, country: str) -> bool:
    """Whether `rules` put on `country`'s line exactly what the option `name` puts there (False when there is no
    such option or a rule cannot be split by country)."""
    try:
        mine = [r for rule in rules for r in for_country(rule, country, "")]
        theirs = [r for rule in option_rules(name, "fence.name") for r in for_country(rule, country, "")]
    except ConfigError:
        return False
    return mine == theirs


def choose_fences(config: Config) -> Config:
    """`config` with each country's fence choice applied and every country key filled (a copy), or `config`
    itself when it is resolved already. `ConfigError` naming the key for an unknown option.

    A country key not given is filled with `fence.name` when the config's rules put on that line what that option
    puts there; rules edited beyond any option (`fence.rules=[...]`) leave it null: no option name would be true.
    """
    fence = config.fence
    chosen = {c: getattr(fence, c) for c in COUNTRIES}
    replaced = [c for c in COUNTRIES if chosen[c] is not None and chosen[c] != fence.name]
    new_rules = {c: option_rules(str(chosen[c]), f"fence.{c}") for c in replaced}  # unknown names fail first
    got = {
        c: chosen[c] if chosen[c] is not None else fence.name if _is_option_on(fence.rules, fence.name, c) else None
        for c in COUNTRIES
    }
    if not replaced and chosen == got:
        return config
    out = copy.deepcopy(config)
    if replaced:
        kept = [c for c in COUNTRIES if c not in replaced]
        rules: list[FenceRule] = []
        for i, rule in enumerate(fence.rules):
            for country in kept:
                rules += for_country(rule, country, f"fence.rules[{i}] (of fence `{fence.name}`)")
        for country in replaced:
            for i, rule in enumerate(new_rules[country]):
                rules += for_country(rule, country, f"rule {i} of configs/fence/{chosen[country]}.yaml")
        out.fence.rules = rules
    for country in COUNTRIES:
        setattr(out.fence, country, got[country])
    return out
