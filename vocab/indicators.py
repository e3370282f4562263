"""Indicator definitions, read from definitions.toml beside this file (data, not code), and the
words for age bands, sexes and categories, each in bokmål, nynorsk and English: what is read
(Indicator.name, label(), measure_categories()) is in the current language (vocab.i18n)."""
from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from vocab import i18n

# The texts an indicator shows; each has a bokmål form (`name`) and `name_nn`, `name_en`.
TEXTS = ("name", "short", "definition", "source")


@dataclass(frozen=True)
class Words:
    """One text in bokmål, nynorsk and English; str() gives the current language's (bokmål
    where a form is empty)."""
    nb: str
    nn: str = ""
    en: str = ""

    def __str__(self) -> str:
        return i18n.pick({"nb": self.nb, "nn": self.nn, "en": self.en})

    @classmethod
    def of(cls, value: Words | Mapping[str, str] | str | None) -> Words:
        """From a plain (bokmål) string, {"nb": …, "nn": …, "en": …} or Words."""
        if isinstance(value, Words):
            return value
        if value is None or isinstance(value, str):
            return cls(value or "")
        return cls(value.get("nb", ""), value.get("nn", ""), value.get("en", ""))


@dataclass(frozen=True)
class Indicator:
    id: str
    name_words: Words             # read as .name, .short, .definition, .source (current language)
    short_words: Words
    definition_words: Words
    unit: str                     # "prosent" or "personer" (stored with every observation)
    kind: str                     # "share" (percent) or "count" (persons)
    source_words: Words
    period_type: str              # "year", "month" or "school_year" (vocab.periods)
    ages: tuple[str, ...]
    default_age: str
    categories: tuple[str, ...]
    better: str                   # "lower" or "higher"
    # (lowest, highest) one published value can plausibly be, in `unit`: a value outside is
    # stored with a warning (loaders.plausible); 0 is never too low. No range: anything goes.
    plausible: tuple[float, float] = (0.0, float("inf"))

    def __post_init__(self) -> None:
        # Plain strings (bokmål only) or {"nb": …} dicts are taken too.
        for f in ("name_words", "short_words", "definition_words", "source_words"):
            object.__setattr__(self, f, Words.of(getattr(self, f)))

    @classmethod
    def make(cls, *, id: str, name, short, definition, unit: str, kind: str, source,
             period_type: str, ages, default_age: str, categories, better: str,
             plausible: tuple[float, float] = (0.0, float("inf"))) -> Indicator:
        """With the texts as plain bokmål strings, {"nb": …, "nn": …, "en": …} or Words."""
        return cls(id, Words.of(name), Words.of(short), Words.of(definition), unit, kind,
                   Words.of(source), period_type, tuple(ages), default_age, tuple(categories),
                   better, plausible)

    @property
    def name(self) -> str:
        return str(self.name_words)

    @property
    def short(self) -> str:
        return str(self.short_words)

    @property
    def definition(self) -> str:
        return str(self.definition_words)

    @property
    def source(self) -> str:
        return str(self.source_words)


@lru_cache(maxsize=1)
def _raw() -> dict:
    with open(Path(__file__).parent / "definitions.toml", "rb") as f:
        return tomllib.load(f)


def _words(d: dict, field: str) -> Words:
    return Words(d[field], d.get(f"{field}_nn", ""), d.get(f"{field}_en", ""))


@lru_cache(maxsize=1)
def all_indicators() -> dict[str, Indicator]:
    """Every indicator (all three languages in each: cached once for everybody)."""
    out = {}
    for key, d in _raw().items():
        if key in ("labels", "measure_categories"):   # not indicators
            continue
        out[key] = Indicator(id=key, name_words=_words(d, "name"), short_words=_words(d, "short"),
                             definition_words=_words(d, "definition"), unit=d["unit"],
                             kind=d["kind"], source_words=_words(d, "source"),
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
    """The words for an age band, sex or category code ('age', 'sex', 'category') in the
    current language; the code itself when unknown."""
    found = _raw()["labels"].get(kind, {}).get(code)
    return code if found is None else i18n.pick(found)


def measure_categories() -> dict[str, str]:
    """The categories a measure (tiltak) can have, code → words in the current language: the
    partnerships' own lists (definitions.toml [measure_categories]; Østfold's hovedløp,
    Vestfold og Telemark's keys)."""
    return {code: i18n.pick(forms) for code, forms in _raw().get("measure_categories", {}).items()}
