"""Text rules shared by loaders, views and exports: folding names for comparison and search,
saying where in a file something was read, and small sentence helpers (in the current
language, vocab.i18n)."""
from __future__ import annotations

import re
import unicodedata

from vocab.i18n import _, ngettext
from vocab.numbers import integer


def fold(s: str | None) -> str:
    """Lower case without diacritics and with single spaces, for comparing and searching names:
    'Tønsberg' → 'tonsberg', 'Bærum' → 'baerum', 'Åsnes' → 'asnes'."""
    s = (s or "").replace("ø", "o").replace("Ø", "o").replace("æ", "ae").replace("Æ", "ae")
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", s).strip().casefold()


def where(sheet, row) -> str:
    """Where a value was read, as messages name it: 'Rad 14' (CSV), 'Arket «Telemark», rad 14'
    (xlsx), or 'Verdi nr. 14' for a sheet named '#Verdi' (JSON-stat has no rows)."""
    sheet = sheet if isinstance(sheet, str) else ""
    if sheet == "#Verdi":
        return _("Verdi nr. {row}").format(row=row)
    if sheet.startswith("#"):
        return _("{what} nr. {row}").format(what=sheet[1:], row=row)
    if sheet:
        return _("Arket «{sheet}», rad {row}").format(sheet=sheet, row=row)
    return _("Rad {row}").format(row=row)


def rows(n: int) -> str:
    """'1 rad', '12 rader'."""
    return ngettext("{n} rad", "{n} rader", n).format(n=integer(n))


def listing(words) -> str:
    """'Skien', 'Skien og Siljan', 'Skien, Siljan og Bamble' ('Skien, Siljan and Bamble')."""
    words = [w for w in words if w]
    if not words:
        return ""
    if len(words) == 1:
        return words[0]
    return _("{items} og {last}").format(items=", ".join(words[:-1]), last=words[-1])


def lower_first(s: str | None) -> str:
    """Lower case for the middle of a sentence without touching names: only the first letter,
    and not when the first word is an abbreviation ('Arbeidssøkere hos NAV' → 'arbeidssøkere
    hos NAV', 'OT-tilmeldte' and 'SSB' stay)."""
    s = str(s or "")
    first = re.split(r"[\s,.:;()/–-]", s, maxsplit=1)[0]
    if len(first) > 1 and first.isupper():
        return s
    return s[:1].lower() + s[1:]


def upper_first(s: str | None) -> str:
    """'mai 2024' → 'Mai 2024' (str.capitalize would lower the rest: 'nav' for 'NAV')."""
    s = str(s or "")
    return s[:1].upper() + s[1:]


def slug(*parts) -> str:
    """A safe file name stem: 'innenfor_kart_neet_vestfold-og-telemark_2022'."""
    out = []
    for p in parts:
        if p is None or p == "":
            continue
        s = re.sub(r"[^a-z0-9]+", "-", fold(str(p))).strip("-")
        if s:
            out.append(s)
    return "_".join(out) or "innenfor"
