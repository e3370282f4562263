"""Text that is safe to put in a spreadsheet or CSV, and file names that are safe anywhere.

Formula injection: a spreadsheet runs a cell that starts with =, +, -, @ (and tab/CR tricks) as
a formula when the file is opened (CSV) or when a user edits the cell (XLSX). Every *text* cell
we write goes through `cell_text`; numbers are written as numbers and never touched.
"""
from __future__ import annotations

import re

from indicators import format as fmt

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def needs_neutralising(s: str) -> bool:
    """True for text a spreadsheet could read as a formula (also after leading spaces, which
    some spreadsheet programs skip)."""
    if not s:
        return False
    if s[0] in TRIGGERS:
        return True
    stripped = s.lstrip(" \u00a0")
    return bool(stripped) and stripped[0] in TRIGGERS


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


