"""What NAV's table files share: the words for job-seeker groups and sex, the rows that are not
a place (Ukjent, Øvrige områder, Svalbard, Utlandet), and the sheet/row wording in messages."""
from __future__ import annotations

import re

from geo import codes

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
    return bool(_NOT_A_PLACE.search(codes.fold(str(label or ""))))


def category_code(label) -> str | None:
    return CATEGORIES.get(codes.fold(str(label or "")))


def sex_code(label) -> str | None:
    return SEXES.get(codes.fold(str(label or "")))


def where(sheet, row) -> str:
    """'Arket «Telemark», rad 14' for xlsx, 'Rad 14' for CSV (sheet None/NaN)."""
    return f"Arket «{sheet}», rad {row}" if isinstance(sheet, str) and sheet else f"Rad {row}"


def rows(n: int) -> str:
    return f"{n} rad" if n == 1 else f"{n} rader"


def skipped_warning(labels, n_rows: int) -> str:
    names = ", ".join(f"«{s}»" for s in sorted({str(x).strip() for x in labels}))
    return f"{rows(n_rows)} for {names} er ikke kommune, fylke eller landet og er ikke lest inn."
