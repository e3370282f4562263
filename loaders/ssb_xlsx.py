"""SSB Statistikkbanken XLSX download, and workbooks built from SSB extracts.

Statbank sheets (PX layout): a title row '13563: …', maybe a saved-query URL, header rows with
no stub labels (one per heading variable, e.g. status / statistikkvariabel / år / alder; an outer
label covers the columns to its right), then rows like 'K-3801 Horten', '38 Vestfold og Telemark',
'0 Hele landet' or county names alone ('Vestfold og Telemark'), then a blank row and footnotes
(often with HTML tags). The variable of each header row is read from its labels, since the
download does not name it.

Long sheets (a header row Kommune_nr / Kommune / Innvandring / alder / I alt / Utenfor arbeid …)
are read as loaders.ssb_csv_long reads the long CSV. Other sheets (pivots, charts, notes) are
named in a warning and not read; so is what an analyst added to the SSB sheets (formula columns
and sum rows, tables beside: loaders.ssb_sheet)."""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from loaders.base import LoadError, RawFile, Release, formula_cells
from loaders.ssb_common import Cell, clean, dim_kind, neet_frame, release_of, table_id
from loaders.ssb_csv_long import is_long_header, long_cells
from loaders.ssb_sheet import Additions, blank, statbank_cells, text
from vocab.i18n import N_, _
from vocab.text import where

NAME = N_("SSB Statistikkbanken Excel")   # stored as the format's name: translate where it is shown


@dataclass
class Sheet:
    name: str
    kind: str            # statbank | long
    rows: list[list]
    formulas: dict = field(default_factory=dict)   # loaders.base.formula_cells of the sheet


def _rows(ws, limit: int | None = None) -> list[list]:
    if hasattr(ws, "reset_dimensions"):
        ws.reset_dimensions()   # some writers store a wrong sheet size; read what is there
    out = []
    for r in ws.iter_rows(values_only=True):
        out.append(list(r))
        if limit and len(out) >= limit:
            break
    return out


def _kind(rows: list[list]) -> str | None:
    first = next((r for r in rows if not blank(r)), None)
    if first is None:
        return None
    if table_id(clean(first[0])):
        return "statbank"
    return "long" if is_long_header([clean(v) for v in first]) else None


def detect(raw: RawFile) -> bool:
    if not raw.is_xlsx:
        return False
    return any(_kind(_rows(ws, 30)) for ws in raw.workbook.worksheets)


def _check_finite(title: str, rows: list[list]) -> None:
    """Refuse a cell holding an endless number (1e309 is stored as text in the XML, and read as
    infinity): no count or share is that, and a column of them must not just be left out."""
    from openpyxl.utils import get_column_letter
    for i, r in enumerate(rows, start=1):
        for j, v in enumerate(r):
            if isinstance(v, float) and not math.isfinite(v):
                raise LoadError(_("{where}: cellen {cell} har et tall som er for stort eller ikke et "
                                  "endelig tall. Rett cellen i Excel, eller last ned tabellen på nytt "
                                  "fra SSB.").format(where=where(title, i),
                                                     cell=f"{get_column_letter(j + 1)}{i}"))


def read(raw: RawFile):
    sheets, skipped = [], []
    for ws in raw.workbook.worksheets:
        kind = _kind(_rows(ws, 30))
        if kind:
            rows = _rows(ws)
            _check_finite(ws.title, rows)
            sheets.append(Sheet(ws.title, kind, rows))
        else:
            skipped.append(ws.title)
    # Formulas are the analyst's: their columns and rows are left out (loaders.ssb_sheet), and
    # a formula without a stored value is refused only where it would be read.
    found = formula_cells(raw, [s.name for s in sheets])
    for s in sheets:
        s.formulas = found.get(s.name, {})
    return sheets, skipped, raw.period_hint, raw._notes


def long_sheet_cells(sheet: Sheet, notes: list) -> list[Cell]:
    rows = sheet.rows
    i = next(n for n, r in enumerate(rows) if not blank(r))
    data = []
    for n in range(i + 1, len(rows)):
        if blank(rows[n]):
            break   # the table ends at the first blank row
        data.append(n)
    added = Additions(sheet.name, rows, sheet.formulas, [i], data)
    header = [text(v) for v in added.cleaned(i)]
    while header and not header[-1]:
        header.pop()
    is_dim = [dim_kind(h) is not None for h in header]
    body = []
    for n in data:
        if n in added.sum_rows:
            continue
        r = (added.cleaned(n) + [None] * len(header))[:len(header)]
        # labels as text (Excel stores 3801 and 2022 as numbers); values as published
        body.append((n + 1, [text(v) if dim else v for v, dim in zip(r, is_dim)]))
    titles = rows[i]
    if note := added.note({c: text(titles[c]) for c in added.columns if c < len(titles)}, []):
        notes.append(note)
    added.check_values({(n - 1, j) for n, _r in body for j in range(len(header))})
    return long_cells(header, body, sheet=sheet.name)


def release(raw: RawFile) -> Release:
    """The table numbers in the sheets' titles (a workbook may hold 13563 and 13556)."""
    found = set()
    for ws in raw.workbook.worksheets:
        for row in ws.iter_rows(min_row=1, max_row=3, max_col=1, values_only=True):
            if tid := table_id(clean(row[0])):
                found.add(tid)
    return release_of(found)


def normalise(table):
    sheets, skipped, hint, notes = table
    cells = []
    for s in sheets:
        cells += (statbank_cells(s.name, s.rows, s.formulas, notes) if s.kind == "statbank"
                  else long_sheet_cells(s, notes))
    df = neet_frame(cells, decimal=",", period_hint=hint, notes=notes)
    if skipped:
        others = ", ".join(f"«{n}»" for n in skipped[:6])
        if len(skipped) > 6:
            others = _("{list} m.fl.").format(list=others)
        notes.append(_("Leste arkene {read}; {others} er ikke SSB-tabeller og er ikke lest.").format(
            read=", ".join(f"«{s.name}»" for s in sheets), others=others))
    return df
