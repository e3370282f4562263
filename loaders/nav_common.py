"""What NAV's table files share: the words for job-seeker groups and sex, the rows that are not
a place (Ukjent, Øvrige områder, Svalbard, Utlandet), and finding the place a row is about, by
its label ('4001 Porsgrunn') or, in files without numbers, by its level and name."""
from __future__ import annotations

import re
from functools import cache

from geo import codes
from loaders.base import parse_region_label
from vocab.text import rows

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
    return f"{rows(n_rows)} for {names} er ikke kommune, fylke eller landet og er ikke lest inn."


def place_by_label(label):
    """'4001 Porsgrunn' / '03 Oslo' / 'Landet' → (code, name, level); 'skip'; or an error text."""
    s = "" if label is None else str(label).strip()
    if not s:
        return "mangler kommune/fylke"
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


def place_by_name(key):
    """(Nivå, name) → (2024 code, name, level); 'skip'; or an error text.

    Safe only because such files use NAV's *current* geography (Midt-Telemark and Telemark have
    figures back to 2011), so 2024 names are the right key; the level column keeps 'Oslo' the
    county apart from 'Oslo' the municipality; a name that is several 2024 places (Herøy, Våler)
    or none is refused, never guessed."""
    level_raw, name = (str(x or "").strip() for x in key)
    lv = codes.fold_name(level_raw)
    if not name:
        return "mangler navn på kommune/fylke"
    if not_a_place(name):
        return "skip"
    if "land" in lv:
        if codes.fold_name(name) in ("landet", "hele landet", "norge", "i alt"):
            return ("0", name, "land")
        return f"«{name}» på nivået «{level_raw}» er ikke landet"
    if "fylke" in lv:
        level = "fylke"
    elif "kommune" in lv:
        level = "kommune"
    else:
        return f"ukjent nivå «{level_raw}» (forventet Landet, Fylker eller … kommuner)"
    hits = set().union(*(name_index(level).get(f, set()) for f in codes.name_forms(name)))
    number = {"kommune": "kommunenummer", "fylke": "fylkesnummer"}[level]
    if not hits:
        return f"«{name}» er ikke et {level}navn i 2024-inndelingen; bruk en fil med {number}"
    if len(hits) > 1:
        return (f"«{name}» er navnet på flere {level}r ({', '.join(sorted(hits))}); filen har ikke "
                f"{number}, så raden kan ikke plasseres")
    code = hits.pop()
    # 'Telemark kommuner': the municipality must lie in that county.
    county = re.match(r"^(.*?)\s+kommuner$", level_raw, re.I)
    if level == "kommune" and county:
        cc = name_index("fylke").get(codes.fold_name(county[1]))
        if cc and code[:2] not in cc:
            return f"«{name}» ({code}) ligger ikke i {county[1]}"
    return (code, name, level)
