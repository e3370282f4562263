"""CSV of the numbers behind a view, in two variants:

- `csv_no`: for Norwegian Excel. UTF-8 with BOM (so Excel reads æøå right), ';' between
  fields, decimal comma, no thousands separator (so Excel reads numbers as numbers).
- `csv_plain`: for programs. UTF-8 without BOM, ',' and a decimal point.

Same columns as the Excel sheet "Data", ending with Kilde, Definisjon and Demodata (ja/nei) on
every row. Text that starts like a formula is neutralised with an
apostrophe (exports.safe); numbers are never touched (a negative number stays a number).
"""
from __future__ import annotations

import csv
import io

from exports import safe, tables
from exports.tables import DataTable

BOM = "\ufeff"


def _number(v, decimal: str) -> str:
    if v is None:
        return ""
    if isinstance(v, int):
        return str(v)
    s = f"{v:.1f}" if abs(v - round(v, 1)) < 1e-9 else repr(v)
    return s.replace(".", decimal)


def _write(ts: list[DataTable], *, delimiter: str, decimal: str, bom: bool) -> bytes:
    buf = io.StringIO(newline="")
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(tables.headers())
    for t in ts:
        for row in tables.rows(t):
            out = []
            for key, _h, kind in tables.COLUMNS:
                v = row[key]
                if kind in ("value", "int", "dec1"):
                    out.append(_number(v, decimal))
                else:
                    out.append(safe.cell_text(v))
            w.writerow(out)
    text = buf.getvalue()
    return ((BOM if bom else "") + text).encode("utf-8")


def _list(t) -> list[DataTable]:
    return [t] if isinstance(t, DataTable) else list(t)


def csv_no(t: DataTable | list[DataTable]) -> bytes:
    """UTF-8 with BOM, ';', decimal comma: opens right in Norwegian Excel."""
    return _write(_list(t), delimiter=";", decimal=",", bom=True)


def csv_plain(t: DataTable | list[DataTable]) -> bytes:
    """UTF-8, ',', decimal point."""
    return _write(_list(t), delimiter=",", decimal=".", bom=False)
