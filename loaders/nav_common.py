"""What NAV's table files share: the words for job-seeker groups and sex, the rows that are not
a place (Ukjent, Øvrige områder, Svalbard, Utlandet), and finding the place a row is about, by
its label ('4001 Porsgrunn') or, in files without numbers, by its level and name."""
from __future__ import annotations

import datetime as dt
import re
from functools import cache

from geo import codes
from loaders.base import parse_region_label
from vocab.i18n import _, ngettext
from vocab.numbers import integer
from vocab.text import listing

# NAV's 'Arbeidsmarkedsstatus hovedgruppe' → Innenfor category (folded: lower case, ø→o, å→a).
CATEGORIES = {
    "helt ledige": "helt_ledige",
    "delvis ledige": "delvis_ledige",
    "arbeidssokere pa tiltak": "tiltak",
    "tiltak": "tiltak",
    "i alt": "alle", "alle": "alle", "totalt": "alle",
    "sum helt ledige, delvis ledige og arbeidssokere pa tiltak": "alle",
}
SEXES = {"kvinner": "kvinner", "menn": "menn", "begge kjonn": "alle", "alle": "alle",
         "i alt": "alle", "": "alle"}

# Rows NAV publishes that are not a municipality, county or the country: left out, with a warning.
_NOT_A_PLACE = re.compile(r"ukjent|ovrige omrader|svalbard|utland")


def not_a_place(label) -> bool:
    return bool(_NOT_A_PLACE.search(codes.fold_name(str(label or ""))))


def category_code(label) -> str | None:
    return CATEGORIES.get(codes.fold_name(str(label or "")))


def sex_code(label) -> str | None:
    return SEXES.get(codes.fold_name(str(label or "")))


def skipped_warning(labels, n_rows: int) -> str:
    names = ", ".join(f"«{s}»" for s in sorted({str(x).strip() for x in labels}))
    return ngettext("{n} rad for {names} er ikke kommune, fylke eller landet og er ikke lest inn.",
                    "{n} rader for {names} er ikke kommune, fylke eller landet og er ikke lest inn.",
                    n_rows).format(n=integer(n_rows), names=names)


def place_by_label(label):
    """'4001 Porsgrunn' / '03 Oslo' / 'Landet' → (code, name, level); 'skip'; or an error text."""
    s = "" if label is None else str(label).strip()
    if not s:
        return _("mangler kommune/fylke")
    if not_a_place(s):
        return "skip"
    if codes.fold_name(s) in ("landet", "hele landet", "norge", "i alt"):
        return ("0", s, "land")
    try:
        return parse_region_label(s)
    except ValueError as e:
        return str(e)


@cache
def name_index(level: str) -> dict[str, set[str]]:
    """Every folded form of every 2024 name at a level → the codes carrying it."""
    if level == "fylke":
        table = codes.counties_2024()
    else:
        table = {c: r["name"] for c, r in codes.municipalities_2024().items()}
    idx: dict[str, set[str]] = {}
    for code, name in table.items():
        for form in codes.name_forms(name):
            idx.setdefault(form, set()).add(code)
    return idx


def month_of(v) -> str:
    """'2025-01' from a month as NAV files and analysts write it: 202501, '2025M01', '2025-01',
    an Excel date, '2025-01-01 00:00:00', or a date in the month as Norwegians write it
    ('01.01.2025', '1.1.2025'). Anything else is returned as written, for validation to name."""
    if isinstance(v, (dt.date, dt.datetime)):
        return f"{v.year:04d}-{v.month:02d}"
    s = str(v).strip()
    if isinstance(v, float) and v.is_integer():
        s = str(int(v))
    if m := re.fullmatch(r"(\d{4})(\d{2})", s) or re.fullmatch(r"(\d{4})M(\d{2})", s):
        return f"{m[1]}-{m[2]}"
    if m := re.fullmatch(r"(\d{4})-(\d{2})(?:-\d{2}(?:[ T].*)?)?", s):
        return f"{m[1]}-{m[2]}"
    if (m := re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})(?:[ T].*)?", s)) and 1 <= int(m[1]) <= 31 \
            and 1 <= int(m[2]) <= 12:
        return f"{m[3]}-{int(m[2]):02d}"
    return s


_LAND = ("landet", "hele landet", "norge", "i alt")
_LAND_LEVELS = ("landet", "land", "hele landet", "norge", "nasjonalt")   # ('Nordland kommuner' is not)
_IN_COUNTY = re.compile(r"^(.*?)\s+kommuner$", re.I)
_PARENTHESES = re.compile(r"\(([^)]*)\)")


@cache
def _all_municipality_names() -> dict[str, frozenset[str]]:
    """Every folded form of every name a municipality number of 2017–2024 has carried → the
    numbers (a name alone is then checked against the year: Sande was two places until 2020)."""
    idx: dict[str, set[str]] = {}
    for code, names in codes.known_names().items():
        for n in names:
            for form in codes.name_forms(n):
                idx.setdefault(form, set()).add(code)
    return {k: frozenset(v) for k, v in idx.items()}


@cache
def _county_numbers(name: str) -> frozenset[str]:
    """The county numbers of any year a county name is (Vestfold: 07, 39)."""
    forms = codes.name_forms(name)
    table = {**codes.OLD_COUNTY_NAMES, **codes.counties_2020(), **codes.COUNTIES_2020_2023,
             **codes.counties_2024()}
    return frozenset(c for c, n in table.items() if forms & codes.name_forms(n))


@cache
def _counties_of(code: str) -> frozenset[str]:
    """The county numbers a municipality number lay in: its own era's and 2024's."""
    out = {code[:2]}
    if (home := codes.to_2024(code)) is not None:
        out |= {home.code[:2], *(c[:2] for c in home.split_into)}
    if code[:2] in codes.OLD_COUNTIES:
        out.add(codes.OLD_COUNTIES[code[:2]][0])
    return frozenset(out)


def _home(code: str) -> str:
    home = codes.to_2024(code)
    return home.code if home is not None else code


def _shown(code: str, forms: set[str]) -> str:
    """How a municipality number was named: 'Sande (Vestfold)' for 0713 asked as 'Sande'."""
    names = sorted(n for n in codes.known_names().get(code, ()) if forms & codes.name_forms(n))
    return next((n for n in names if "(" in n), names[0] if names else codes.name_of(code))


def place_by_name(key):
    """(Nivå, name[, county, year]) → (code, name, level); 'skip'; or an error text.

    Such files use NAV's *current* geography (Midt-Telemark and Telemark have figures back to
    2011), so a 2024 name is placed under its 2024 number; a name that was a different place in
    the row's year is that place (its number then, harmonised later). The level column keeps
    'Oslo' the county apart from 'Oslo' the municipality. A name that is several places in the
    year (Herøy, Våler; Sande until 2019) needs the county — from the level ('Nordland
    kommuner'), a county column or the name ('Herøy (Nordland)') — else it is refused, never
    guessed; so is a name that is no place."""
    level_raw, name, county, year = (tuple(key) + ("", 0))[:4]
    level_raw, name, county = (str(x or "").strip() for x in (level_raw, name, county))
    year = int(year or 0)
    lv = codes.fold_name(level_raw)
    if not name:
        return _("mangler navn på kommune/fylke")
    if not_a_place(name):
        return "skip"
    if codes.fold_name(name) in _LAND and (lv in _LAND_LEVELS or not lv):
        return ("0", name, "land")
    if lv in _LAND_LEVELS:
        return _("«{name}» på nivået «{level}» er ikke landet").format(name=name, level=level_raw)
    if "fylke" in lv:
        return _county(name, year)
    if lv and "kommune" not in lv:
        return _("ukjent nivå «{level}» (forventet Landet, Fylker eller … kommuner)").format(level=level_raw)
    hint = (_IN_COUNTY.match(level_raw) or [None, None])[1] or county or \
        next(iter(_PARENTHESES.findall(name)), "")
    found = _municipality(name, hint.strip(), year)
    if not lv and isinstance(found, str) and isinstance(county_found := _county(name, year), tuple):
        return county_found   # no level column: a county name is the county
    if not lv and isinstance(found, tuple) and isinstance(_county(name, year), tuple):
        return _("«{name}» er både et fylke og en kommune, og filen har ingen kolonne for nivå (Landet, "
                 "Fylker, … kommuner); raden kan ikke plasseres").format(name=name)
    return found


def _county(name: str, year: int):
    idx = dict(name_index("fylke"))
    if 2020 <= year <= 2023:   # Viken, Vestfold og Telemark, Troms og Finnmark
        for code, n in codes.COUNTIES_2020_2023.items():
            for form in codes.name_forms(n):
                idx[form] = idx.get(form, set()) | {code}
    hits = set().union(*(idx.get(f, set()) for f in codes.name_forms(name)))
    if len(hits) == 1:
        return (hits.pop(), name, "fylke")
    if hits:
        return _("«{name}» er navnet på flere fylker ({codes}); raden kan ikke plasseres").format(
            name=name, codes=", ".join(sorted(hits)))
    return _("«{name}» er ikke et fylkenavn i 2024-inndelingen; bruk en fil med fylkesnummer").format(
        name=name)


def _municipality(name: str, hint: str, year: int):
    forms = codes.name_forms(name)
    now = set().union(*(name_index("kommune").get(f, set()) for f in forms))
    then = {c for f in forms for c in _all_municipality_names().get(f, ())
            if year and codes.valid_in(c, year)}
    found = now | then
    if hint:
        counties = _county_numbers(hint)
        if not counties:
            return _("ukjent fylke «{county}» for «{name}»").format(county=hint, name=name)
        inside = {c for c in found if _counties_of(c) & counties}
        if found and not inside:
            return _("«{name}» ({codes}) ligger ikke i {county}").format(
                name=name, codes=", ".join(sorted(found)), county=hint)
        found = inside
    if not found:
        if year and year != 2024:
            return _("«{name}» er ikke et kommunenavn i 2024-inndelingen eller i {year}; bruk en fil med "
                     "kommunenummer").format(name=name, year=year)
        return _("«{name}» er ikke et kommunenavn i 2024-inndelingen; bruk en fil med kommunenummer").format(
            name=name)
    by_home: dict[str, str] = {}   # 2024 number → the number the place had that year
    for c in sorted(found, key=lambda c: (not (year and codes.valid_in(c, year)), c)):
        by_home.setdefault(_home(c), c)
    if len(by_home) > 1:
        shown = sorted(by_home.values())
        county = codes.counties_2024().get(sorted(by_home)[-1][:2], "")
        if year:
            said = _("«{name}» er navnet på flere kommuner ({codes}) i {year}: {places}. Filen har ikke "
                     "kommunenummer, så raden kan ikke plasseres: skriv fylket i navnet (f.eks. «{name} "
                     "({county})») eller i nivået («{county} kommuner»), eller bruk en fil med "
                     "kommunenummer")
        else:
            said = _("«{name}» er navnet på flere kommuner ({codes}): {places}. Filen har ikke "
                     "kommunenummer, så raden kan ikke plasseres: skriv fylket i navnet (f.eks. «{name} "
                     "({county})») eller i nivået («{county} kommuner»), eller bruk en fil med "
                     "kommunenummer")
        return said.format(name=name, codes=", ".join(shown), year=year, county=county,
                           places=listing([_shown(c, forms) for c in shown]))
    home, code = by_home.popitem()
    if home in now:
        return (home, name, "kommune")   # NAV's current geography: the 2024 number
    return (code, name, "kommune")       # a place of that year, harmonised later
