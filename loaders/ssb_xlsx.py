"""SSB Statistikkbanken XLSX download, and workbooks built from SSB extracts.

Statbank sheets (PX layout): a title row '13563: …', maybe a saved-query URL, header rows with
no stub labels (one per heading variable, e.g. status / statistikkvariabel / år / alder; an outer
label covers the columns to its right), then rows like 'K-3801 Horten', '38 Vestfold og Telemark',
'0 Hele landet' or county names alone ('Vestfold og Telemark'), then a blank row and footnotes
(often with HTML tags). The variable of each header row is read from its labels, since the
download does not name it.

Long sheets (a header row Kommune_nr / Kommune / Innvandring / alder / I alt / Utenfor arbeid …)
are read as loaders.ssb_csv_long reads the long CSV. Other sheets (pivots, charts, notes) are
named in a warning and not read."""
from __future__ import annotations

from dataclasses import dataclass

from loaders.base import LoadError, RawFile, Release
from loaders.ssb_common import (
    Cell,
    check_table,
    clean,
    dim_kind,
    guess_kind,
    neet_frame,
    release_of,
    table_id,
)
from loaders.ssb_csv_long import is_long_header, long_cells

NAME = "SSB Statistikkbanken Excel"


@dataclass
class Sheet:
    name: str
    kind: str            # statbank | long
    rows: list[list]


def _blank(row) -> bool:
    return not any(clean(v) for v in row)


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
    first = next((r for r in rows if not _blank(r)), None)
    if first is None:
        return None
    if table_id(clean(first[0])):
        return "statbank"
    return "long" if is_long_header([clean(v) for v in first]) else None


def detect(raw: RawFile) -> bool:
    if not raw.is_xlsx:
        return False
    return any(_kind(_rows(ws, 30)) for ws in raw.workbook.worksheets)


def read(raw: RawFile):
    sheets, skipped = [], []
    for ws in raw.workbook.worksheets:
        kind = _kind(_rows(ws, 30))
        if kind:
            sheets.append(Sheet(ws.title, kind, _rows(ws)))
        else:
            skipped.append(ws.title)
    raw.check_formulas(s.name for s in sheets)
    return sheets, skipped, raw.period_hint, raw._notes


def _text(v) -> str:
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return clean(v)


def statbank_cells(sheet: Sheet) -> list[Cell]:
    rows = sheet.rows
    i = next(n for n, r in enumerate(rows) if not _blank(r))
    title = clean(rows[i][0])
    check_table(title)
    i += 1
    while i < len(rows) and (_blank(rows[i]) or (_text(rows[i][0]) and _blank(rows[i][1:]))):
        i += 1   # blank rows and the saved-query URL under the title
    heading = []
    while i < len(rows) and not _text(rows[i][0]) and not _blank(rows[i]):
        heading.append((i + 1, rows[i]))
        i += 1
    if not heading:
        raise LoadError(f"Ark «{sheet.name}»: fant ikke overskriftsradene under tittelen «{title[:60]}».")
    stub_w = min(next(j for j, v in enumerate(r) if _text(v)) for _, r in heading)
    last = heading[-1][1]
    width = 0
    while stub_w + width < len(last) and _text(last[stub_w + width]):
        width += 1
    cols = range(stub_w, stub_w + width)
    labels = []   # per header row: the label over each column (outer labels cover their block)
    for _, r in heading:
        current, row_labels = "", []
        for j in cols:
            current = _text(r[j]) if j < len(r) and _text(r[j]) else current
            row_labels.append(current)
        labels.append(row_labels)
    kinds = _names([guess_kind(sorted(set(ls))) for ls in labels])
    data = []
    for n in range(i, len(rows)):
        if _blank(rows[n]):
            break   # footnotes follow the first blank row
        data.append((n + 1, rows[n]))
    if not data:
        raise LoadError(f"Ark «{sheet.name}»: fant ingen tallrader under overskriften.")
    filled, stubs = [""] * stub_w, []
    for _, r in data:
        filled = [_text(r[j]) or filled[j] if j < len(r) else filled[j] for j in range(stub_w)]
        stubs.append(filled)
    stub_kinds = ["region"] + _names([guess_kind(sorted({s[j] for s in stubs}))
                                      for j in range(1, stub_w)], taken=set(kinds))
    cells = []
    for (row_no, r), stub in zip(data, stubs):
        base = {k: v for k, v in zip(stub_kinds[1:], stub[1:])}
        for c, j in enumerate(cols):
            dims = {**base, **{k: labels[h][c] for h, k in enumerate(kinds)}}
            period = dims.pop("period", "")
            cells.append(Cell(region=stub[0], period=period, raw=r[j] if j < len(r) else None,
                              dims=dims, row=row_no, sheet=sheet.name))
    return cells


def _names(kinds: list[str], taken: set | None = None) -> list[str]:
    """Unique dimension names: a second unrecognised variable must not overwrite the first."""
    seen, out = set(taken or ()), []
    for n, k in enumerate(kinds, start=1):
        out.append(k if k not in seen else f"variabel {n}")
        seen.add(out[-1])
    return out


def long_sheet_cells(sheet: Sheet) -> list[Cell]:
    rows = sheet.rows
    i = next(n for n, r in enumerate(rows) if not _blank(r))
    header = [_text(v) for v in rows[i]]
    while header and not header[-1]:
        header.pop()
    is_dim = [dim_kind(h) is not None for h in header]
    body = []
    for n in range(i + 1, len(rows)):
        if _blank(rows[n]):
            break
        r = (list(rows[n]) + [None] * len(header))[:len(header)]
        # labels as text (Excel stores 3801 and 2022 as numbers); values as published
        body.append((n + 1, [_text(v) if dim else v for v, dim in zip(r, is_dim)]))
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
        cells += statbank_cells(s) if s.kind == "statbank" else long_sheet_cells(s)
    df = neet_frame(cells, decimal=",", period_hint=hint, notes=notes)
    if skipped:
        notes.append("Leste arkene " + ", ".join(f"«{s.name}»" for s in sheets) + "; "
                     + ", ".join(f"«{n}»" for n in skipped[:6]) + (" m.fl." if len(skipped) > 6 else "")
                     + " er ikke SSB-tabeller og er ikke lest.")
    return df
