"""Text that is safe to put in a spreadsheet or CSV, and file names that are safe anywhere.

Formula injection: a spreadsheet runs a cell that starts with =, +, -, @ (and tab/CR tricks) as
a formula when the file is opened (CSV) or when a user edits the cell (XLSX). Every *text* cell
we write goes through `cell_text`; numbers are written as numbers and never touched.
"""
from __future__ import annotations

import re
import unicodedata

from indicators import format as fmt

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _as_read(s: str) -> str:
    """The text as a spreadsheet may read its start: compatibility forms folded (NFKC: the
    full-width equals and plus signs U+FF1D and U+FF0B and the small equals sign U+FE66 become
    = and +), and what has no width or is blank dropped from the front (zero-width space, word
    joiner, byte-order mark, soft hyphen, spaces)."""
    s = unicodedata.normalize("NFKC", s)
    i = 0
    while i < len(s) and s[i] not in TRIGGERS and (
            unicodedata.category(s[i]) in ("Cf", "Zs", "Mn") or s[i] in "\u180e\u115f\u1160\u3164"):
        i += 1
    return s[i:]


def needs_neutralising(s: str) -> bool:
    """True for text a spreadsheet could read as a formula (also after leading spaces, which
    some spreadsheet programs skip, and after invisible characters or in full-width forms)."""
    if not s:
        return False
    if s[0] in TRIGGERS:
        return True
    start = _as_read(s)
    return bool(start) and start[0] in TRIGGERS


def cell_text(value) -> str:
    """A text cell: None → '', formula-like text prefixed with an apostrophe ("'=1+2")."""
    if value is None:
        return ""
    s = str(value)
    return "'" + s if needs_neutralising(s) else s


def file_name(*parts, ext: str) -> str:
    """'innenfor_skien_neet_2022.png': lower case ASCII, æøå folded, no spaces."""
    pieces = [q for p in parts if p is not None for q in str(p).split("_")]
    stem = fmt.slug(*pieces)
    stem = re.sub(r"[^a-z0-9_.-]", "", stem)[:120].strip("-_.") or "innenfor"
    return f"{stem}.{ext.lstrip('.')}"


