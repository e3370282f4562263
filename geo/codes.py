"""Municipality and county numbers across the 2017–2024 reforms.

Every value is stored under the 2024 number. The facts come from SSB KLASS 131
(geo/reference/, see KILDE.md). A code is carried forward through the change table in
date order; merges and renumberings are exact, splits are not (we flag, never guess).
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from vocab import text
from vocab.i18n import _
from vocab.regions import NORWAY

REFERENCE = Path(__file__).parent / "reference"

# Pre-2020 Ålesund parts: SSB's own grouping resolves them exactly (the 2024 split
# follows Haram's pre-2020 border), so chaining through 1507 must not make them ambiguous.
EXACT_OVERRIDES = {"1534": "1580", "1504": "1508", "1523": "1508", "1529": "1508", "1546": "1508"}

# Counties valid 2020–2023 that were split in 2024: kept as their own region, never spread.
COUNTIES_2020_2023 = {"30": "Viken", "38": "Vestfold og Telemark", "54": "Troms og Finnmark"}

# Pre-2020 county names (not in the reference files; used to name a county in messages).
OLD_COUNTY_NAMES = {
    "01": "Østfold", "02": "Akershus", "04": "Hedmark", "05": "Oppland", "06": "Buskerud",
    "07": "Vestfold", "08": "Telemark", "09": "Aust-Agder", "10": "Vest-Agder", "12": "Hordaland",
    "14": "Sogn og Fjordane", "19": "Troms", "20": "Finnmark",
}

# Pre-2020 county numbers → 2024 county. `exact` is False where municipalities moved across
# the county border (e.g. Svelvik from Vestfold to Drammen, Rømskog from Østfold to
# Aurskog-Høland), and for every part of a merge where one part is not exact (the sum would
# not be the whole), so a series gets a break marker. tests/test_codes.py derives this from
# the change table.
OLD_COUNTIES = {
    "01": ("31", False), "02": ("32", False), "04": ("34", False), "05": ("34", False),
    "06": ("33", False), "07": ("39", False), "08": ("40", True), "09": ("42", True),
    "10": ("42", True), "11": ("11", True), "12": ("46", False), "14": ("46", False),
    "15": ("15", False), "18": ("18", False), "19": ("55", False), "20": ("56", True),
}


@dataclass(frozen=True)
class Change:
    date: str
    old_code: str
    old_name: str
    new_code: str
    new_name: str
    kind: str


@dataclass(frozen=True)
class Harmonised:
    """Where a published code lands in 2024 numbers."""
    code: str                 # the 2024 code, or the original code when it cannot be placed
    exact: bool               # False for a split: the value stays under the old code
    split_into: tuple = ()    # 2024 codes a split code's area went to


def _read(name: str) -> list[dict]:
    with open(REFERENCE / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@lru_cache(maxsize=1)
def changes() -> tuple[Change, ...]:
    return tuple(Change(r["change_date"], r["old_code"], r["old_name"], r["new_code"],
                        r["new_name"], r["kind"]) for r in _read("kommune_endringer.csv"))


@lru_cache(maxsize=1)
def municipalities_2024() -> dict[str, dict]:
    return {r["code"]: r for r in _read("kommuner_2024.csv")}


@lru_cache(maxsize=1)
def municipalities_2020() -> dict[str, dict]:
    return {r["code"]: r for r in _read("kommuner_2020.csv")}


@lru_cache(maxsize=1)
def counties_2024() -> dict[str, str]:
    return {r["county_code"]: r["county_name"] for r in municipalities_2024().values()}


@lru_cache(maxsize=1)
def counties_2020() -> dict[str, str]:
    return {r["county_code"]: r["county_name"] for r in municipalities_2020().values()}


def _forward(code: str, after: str = "") -> set[str]:
    """All 2024 codes a code's area reaches, following changes dated after `after`."""
    rows = [c for c in changes() if c.old_code == code and c.date > after and c.kind != "boundary"]
    if not rows:
        return {code}
    first = min(c.date for c in rows)
    out: set[str] = set()
    for c in rows:
        if c.date == first:
            out |= _forward(c.new_code, first)
    return out


@cache
def to_2024(code: str) -> Harmonised | None:
    """The 2024 home of a municipality code from any year 2015–2024, or None if unknown."""
    if code not in known_names():
        return None
    if code in EXACT_OVERRIDES:
        return Harmonised(EXACT_OVERRIDES[code], True)
    targets = _forward(code)
    if len(targets) > 1:
        return Harmonised(code, False, split_into=tuple(sorted(targets)))
    return Harmonised(targets.pop(), True)


@cache
def sources_of(code_2024: str) -> frozenset[str]:
    """Every code whose area went (wholly) into this 2024 code, itself included."""
    found = {c for c in known_names() if c not in split_codes() and _target(c) == code_2024}
    return frozenset(found | {code_2024})


@cache
def parts_in_use(code_2024: str, year: int) -> frozenset[str]:
    """The numbers in use in `year` whose areas together make up this 2024 municipality
    (Færder in 2017: 0722 Nøtterøy and 0723 Tjøme)."""
    return frozenset(c for c in sources_of(code_2024) if valid_in(c, year))


@cache
def old_county_parts(code_2024: str) -> frozenset[str]:
    """The pre-2020 county numbers that together make up this 2024 county (42: 09 and 10)."""
    return frozenset(old for old, (new, _exact) in OLD_COUNTIES.items() if new == code_2024)


@cache
def valid_in(code: str, year: int) -> bool:
    """Was this municipality number in use in `year`? (Codes are valid from 1 January.)"""
    start, end = valid_years(code)
    return start <= year < end


@cache
def valid_years(code: str) -> tuple[int, int]:
    """(first year, first year no longer) a municipality number is in use: [start, end)."""
    born, gone = _births_and_ends()
    start = int(born[code][:4]) if code in born and code not in _identity_codes() else 0
    end = int(gone[code][:4]) if code in gone else 9999
    return start, end


@lru_cache(maxsize=1)
def _births_and_ends() -> tuple[dict[str, str], dict[str, str]]:
    """The first date each code came into use through a change, and the first it went out."""
    born: dict[str, str] = {}
    gone: dict[str, str] = {}
    for c in changes():
        if c.kind == "boundary":
            continue
        if c.new_code != c.old_code:
            born[c.new_code] = min(born.get(c.new_code, c.date), c.date)
            gone[c.old_code] = min(gone.get(c.old_code, c.date), c.date)
    return born, gone


@lru_cache(maxsize=1)
def _identity_codes() -> frozenset[str]:
    # codes that existed before 2017 and were reused as the number of a merge (0704, 1103, 5001)
    return frozenset(c.old_code for c in changes() if c.old_code == c.new_code)


def _target(code: str) -> str | None:
    if code in EXACT_OVERRIDES:
        return EXACT_OVERRIDES[code]
    t = _forward(code)
    return next(iter(t)) if len(t) == 1 else None


@lru_cache(maxsize=1)
def split_codes() -> frozenset[str]:
    return frozenset(c for c in known_names() if c not in EXACT_OVERRIDES and len(_forward(c)) > 1)


@lru_cache(maxsize=1)
def known_names() -> dict[str, frozenset[str]]:
    """Every municipality code 2017–2024 with every name it has carried."""
    names: dict[str, set[str]] = {}
    for c in changes():
        names.setdefault(c.old_code, set()).add(c.old_name)
        names.setdefault(c.new_code, set()).add(c.new_name)
    for table in (municipalities_2020(), municipalities_2024()):
        for code, r in table.items():
            names.setdefault(code, set()).add(r["name"])
    return {k: frozenset(v) for k, v in names.items()}


def fold_name(name: str) -> str:
    """A name folded for comparison (vocab.text.fold) without what stands in parentheses:
    'Herøy (Nordland)' → 'heroy'."""
    return text.fold(re.sub(r"\([^)]*\)", " ", name or ""))


def name_forms(name: str) -> set[str]:
    """A name and its parts: 'Hábmer - Hamarøy' matches 'Hamarøy' and 'Habmer'."""
    folded = fold_name(name)
    return {folded} | {p.strip() for p in folded.split(" - ") if p.strip()}


@cache
def name_matches(code: str, name: str) -> bool:
    """Whether `name` is a name `code` has carried. Every part of it must fit: each of the forms
    joined by « - » ('Hábmer - Hamarøy'), and what stands in parentheses must be years or (an
    abbreviation of) the qualifier or county the known name has ('Sande (Vestf.)'). Extra text
    after a right name ('Skien - <img …>', 'Skien (klikk her)') does not fit."""
    if not name:
        return True
    folded = fold_name(name)
    parts = {p.strip() for p in folded.split(" - ") if p.strip()} or {folded}

    def fits(known: str) -> bool:
        forms = name_forms(known)
        return folded in forms or parts <= forms
    all_counties = {**counties_2020(), **counties_2024(), **COUNTIES_2020_2023}
    qualifiers = " ".join(re.findall(r"\(([^)]*)\)", " ".join(known_names().get(code, ())))
                          + list(all_counties.values()))
    if not _qualifiers_fit(name, text.fold(qualifiers).split()):
        return False
    if code in known_names():
        return any(fits(n) for n in known_names()[code])
    if code in all_counties or code in OLD_COUNTIES:
        if code in all_counties:
            # The reference has counties' Norwegian names only: the other forms («Troms - Romsa -
            # Tromssa») must be names, next to one that fits.
            forms = name_forms(all_counties[code])
            if fits(all_counties[code]) or (parts & forms and all(map(_is_name, parts))):
                return True
        # Pre-2020 county names are not in the reference: trust the number, if it is a name.
        return code in OLD_COUNTIES and _is_name(folded)
    return code == NORWAY and (folded in _NORWAY or parts <= _NORWAY)


_NORWAY = {"hele landet", "landet", "norge", "i alt"}


def _is_name(folded: str) -> bool:
    """Words of letters (folded), with spaces, hyphens, apostrophes or abbreviation dots between."""
    return bool(re.fullmatch(r"[^\W\d_]+(?:[ .'-]+[^\W\d_]+)*\.?", folded))


def _qualifiers_fit(name: str, words: list[str]) -> bool:
    """Each «(…)» in `name` holds years ('(2020-2023)', '(-2019)') or words that begin words
    of a known qualifier or a county name ('(Vestf.)', '(M.R.)', '(Telemark)')."""
    for inside in re.findall(r"\(([^)]*)\)", name or ""):
        if re.fullmatch(r"[\d\s\-–]*", inside):
            continue
        tokens = re.split(r"[\s.]+", text.fold(inside).strip(" ."))
        if not all(t and any(w.startswith(t) for w in words) for t in tokens):
            return False
    return "(" not in re.sub(r"\([^)]*\)", "", name or "")   # no unclosed «(»


def county_to_2024(code: str) -> tuple[str, bool] | None:
    """(2024 county code, exact) for a county number of any year, or None if unknown."""
    if code in counties_2024():
        return code, True
    if code in COUNTIES_2020_2023:
        return code, True
    if code in counties_2020():  # unchanged 2020 counties keep their number (03, 11, 15, 18, 34, 42, 46, 50)
        return code, True
    return OLD_COUNTIES.get(code)


def name_of(code: str) -> str:
    """The current display name for a region code (the country's in the current language)."""
    if code == NORWAY:
        return _("Hele landet")
    if code in municipalities_2024():
        return municipalities_2024()[code]["name"]
    if code in counties_2024():
        return counties_2024()[code]
    if code in COUNTIES_2020_2023:
        return COUNTIES_2020_2023[code]
    if code in known_names():
        return sorted(known_names()[code])[0]
    return OLD_COUNTY_NAMES.get(code, code)
