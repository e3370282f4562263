"""SSB CSV in the long layout: ready-made datasets (ferdige datasett) and PxWebApi v2 csv with
every variable in the stub. One column per variable and one or more value columns:

    "region";"alder";"prioritert arbeidsstyrkestatus";"statistikkvariabel";"år";"13563: Personer …"
    "K-3807 Skien";"15-29 år";"I alt";"Bosatte";"2022";9641

    Region,region,Alder,HovArbStyrkStatus,ContentsCode,Tid,value
    3807,Skien (2020-2023),15-29,NEET,BosatteProsent,2022,11.7

`,` or `;`, decimal point or comma, periods like 2022 or 2023M09, region as code and label in one
column or in two. When the statuses are columns ('I alt', 'Utenfor arbeid …'), each is its own
value column. `long_cells` is shared with the XLSX reader (long sheets)."""
from __future__ import annotations

import csv
import re

from loaders import ssb_csv
from loaders.base import LoadError, RawFile, parse_cell, parse_region_label
from loaders.ssb_common import Cell, check_table, clean, dim_kind, is_neet, neet_frame, table_id
from loaders.ssb_common import text_release as release  # noqa: F401  (the Format's release())
from loaders.ssb_csv import decimal_mark, read_text, sniff, split_text
from vocab.i18n import N_, _

NAME = N_("SSB CSV, langt format (ferdig datasett / PxWebApi)")   # stored: translate where shown

_VALUE_HEADER = re.compile(r"^(value|values|verdi|verdier)$|^\d{5}\s*:", re.I)
SSB_SIGNALS = {"status", "statistikkvariabel", "innvandring"}


def _header(line: str) -> list[str]:
    return [clean(h) for h in next(csv.reader([line], delimiter=sniff(line)))]


def is_long_header(header: list) -> bool:
    """A region column and something only an SSB table has: a status, content or immigrant
    variable, a NEET column, or the table title over the value column."""
    kinds = [dim_kind(h) for h in header]
    return "region" in kinds and (bool(SSB_SIGNALS & set(kinds)) or any(
        is_neet(h) or table_id(h) for h in header))


def detect(raw: RawFile) -> bool:
    if raw.head_text is None or raw.is_zip:
        return False
    _title, lines = split_text(raw, head=True)
    return bool(lines) and is_long_header(_header(lines[0][1])) and not ssb_csv.detect(raw)


def read(raw: RawFile):
    return read_text(raw), raw.period_hint, raw._notes


def _number_like(v) -> bool:
    if v is None or isinstance(v, (int, float)):
        return True
    for dec in (",", "."):
        try:
            parse_cell(v, dec)
            return True
        except ValueError:
            pass
    return False


def long_cells(header: list[str], body: list[tuple[int, list]], sheet: str = "",
               title: str | None = None) -> list[Cell]:
    """Cells from a long table: dimension columns, value columns named by a status or content."""
    kinds = [dim_kind(h) for h in header]
    region_cols = [i for i, k in enumerate(kinds) if k == "region"]
    if not region_cols:
        raise LoadError(_("Fant ingen regionkolonne (region, kommune eller fylke)."))
    sample = body[:300]
    value_cols, label_of = [], {}
    for i, (h, k) in enumerate(zip(header, kinds)):
        if k is not None:
            continue
        filled = [r[i] for _n, r in sample if i < len(r) and clean(r[i])]
        if not h and not filled:
            continue   # an empty column
        if sum(not _number_like(v) for v in filled) > len(filled) / 2:
            raise LoadError(_("Kolonnen «{column}» er ikke en kjent SSB-variabel (kjente: region, alder, "
                              "kjønn, arbeidsstyrkestatus, statistikkvariabel, innvandringskategori, "
                              "år/måned) og har ikke tall.").format(column=h or i + 1))
        value_cols.append(i)
        if table_id(h):
            title = title or h
        elif not _VALUE_HEADER.match(h):
            label_of[i] = h
    if not value_cols:
        raise LoadError(_("Fant ingen kolonne med tall."))
    # A value column named by a label belongs to the variable the table does not have as a column.
    label_kind = "status" if "status" not in kinds else "statistikkvariabel"
    if label_of and label_kind in kinds:
        raise LoadError(_("Kolonnene {columns} kan ikke tolkes: tabellen har allerede både status og "
                          "statistikkvariabel.").format(
            columns=", ".join(f"«{h}»" for h in label_of.values())))
    check_table(title)
    region_of = _region_reader(header, kinds, region_cols, sample)
    dim_cols: dict[str, list[int]] = {}
    for i, k in enumerate(kinds):
        if k not in (None, "region"):
            dim_cols.setdefault(k, []).append(i)
    cells = []
    for row_no, r in body:
        dims = {k: " ".join(clean(r[i]) for i in cols) for k, cols in dim_cols.items() if k != "period"}
        period = " ".join(clean(r[i]) for i in dim_cols.get("period", []))
        region = region_of(r)
        for i in value_cols:
            d = dict(dims)
            if i in label_of:
                d[label_kind] = label_of[i]
            cells.append(Cell(region=region, period=period, raw=r[i], dims=d, row=row_no, sheet=sheet))
    return cells


def _region_reader(header, kinds, region_cols, sample):
    """The region label of a row: the first region column with numbers, plus its name column
    ('Kommune_nr' + 'Kommune') when the numbers stand alone. Other region columns (a county
    next to a municipality) are the parent, not the region."""
    def parses(i):
        try:
            return all(parse_region_label(clean(r[i])) for _n, r in sample if clean(r[i]))
        except ValueError:
            return False
    coded = [i for i in region_cols if parses(i)]
    if not coded:
        first = region_cols[0]
        return lambda r: clean(r[first])
    code_col = coded[0]
    named = any(parse_region_label(clean(r[code_col]))[1] for _n, r in sample if clean(r[code_col]))
    stem = clean(header[code_col]).lower().replace("_", " ").split(" ")[0]
    name_col = next((i for i in region_cols if i not in coded and
                     clean(header[i]).lower().replace("_", " ").split(" ")[0] == stem), None)
    if named or name_col is None:
        return lambda r: clean(r[code_col])
    return lambda r: f"{clean(r[code_col])} {clean(r[name_col])}".strip()


def normalise(table):
    text, hint, notes = table
    cells = long_cells(text.header, text.body, title=text.title)
    decimal = decimal_mark((c.raw for c in cells), text.delimiter)
    return neet_frame(cells, decimal=decimal, period_hint=hint, notes=notes)
