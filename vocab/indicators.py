"""Indicator definitions, read from definitions.toml beside this file (data, not code), and the
words for age bands, sexes and categories."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path


@dataclass(frozen=True)
class Indicator:
    id: str
    name: str
    short: str
    definition: str
    unit: str                     # "prosent" or "personer" (stored with every observation)
    kind: str                     # "share" (percent) or "count" (persons)
    source: str
    period_type: str              # "year", "month" or "school_year" (vocab.periods)
    ages: tuple[str, ...]
    default_age: str
    categories: tuple[str, ...]
    better: str                   # "lower" or "higher"
    # (lowest, highest) one published value can plausibly be, in `unit`: a value outside is
    # stored with a warning (loaders.plausible); 0 is never too low. No range: anything goes.
    plausible: tuple[float, float] = (0.0, float("inf"))


@lru_cache(maxsize=1)
def _raw() -> dict:
    with open(Path(__file__).parent / "definitions.toml", "rb") as f:
        return tomllib.load(f)


@lru_cache(maxsize=1)
def all_indicators() -> dict[str, Indicator]:
    out = {}
    for key, d in _raw().items():
        if key in ("labels", "measure_categories"):   # not indicators
            continue
        out[key] = Indicator(id=key, name=d["name"], short=d["short"], definition=d["definition"],
                             unit=d["unit"], kind=d["kind"], source=d["source"],
                             period_type=d["period_type"], ages=tuple(d["ages"]),
                             default_age=d["default_age"], categories=tuple(d["categories"]),
                             better=d["better"],
                             plausible=_range(d.get("plausible"), key))
    return out


def _range(value, key: str) -> tuple[float, float]:
    if value is None:
        return (0.0, float("inf"))
    low, high = (float(v) for v in value)
    if not 0 <= low < high:
        raise ValueError(f"definitions.toml [{key}]: plausible må være [laveste, høyeste], fikk {value}")
    return (low, high)


def get(indicator_id: str) -> Indicator:
    return all_indicators()[indicator_id]


def label(kind: str, code: str) -> str:
    """The Norwegian label of an age band, sex or category code ('age', 'sex', 'category');
    the code itself when unknown."""
    return _raw()["labels"].get(kind, {}).get(code, code)


def measure_categories() -> dict[str, str]:
    """The categories a measure (tiltak) can have, code → words: the partnerships' own lists
    (definitions.toml [measure_categories]; Østfold's hovedløp, Vestfold og Telemark's keys)."""
    return dict(_raw().get("measure_categories", {}))
