"""Excel workbook (XlsxWriter): sheet "Data" with the numbers as shown (each row with its source,
definition and Demodata ja/nei), sheet "Om tallene" with definitions, sources, periods and the
legend of status words and symbols.

Numbers are numbers. Their number formats are stored the way the file format requires
('#,##0', '0.0'); Excel shows them with the reader's own separators, so a Norwegian Excel shows
"1 234" and "11,7". Months are real dates shown as "mai 2021" (Norwegian month names whatever
the reader's language), years whole numbers, school years text.

Every text cell is written with write_string (never parsed as a formula) and, when it starts
like a formula (=, +, -, @, tab, CR), prefixed with an apostrophe (exports.safe).
"""
from __future__ import annotations

import io
from datetime import date, datetime

import xlsxwriter

from exports import safe, tables
from exports.tables import DataTable
from vocab import i18n
from vocab.i18n import N_, _

FORMAT_INT = "#,##0"
FORMAT_DEC1 = "0.0"
FORMAT_YEAR = "0"
FORMAT_MONTH = "[$-414]mmmm yyyy"   # 414 = Norwegian (bokmål): "mai 2021"
# The month names in the file's language: 814 = Norwegian (nynorsk), 809 = English (UK).
MONTH_FORMATS = {"nb": FORMAT_MONTH, "nn": "[$-814]mmmm yyyy", "en": "[$-809]mmmm yyyy"}
# Sheet names: bokmål messages, translated where the sheet is made.
DATA_SHEET = N_("Data")
ABOUT_SHEET = N_("Om tallene")
WIDTHS = {"Indikator": 22, "Kode": 7, "Område": 24, "Nivå": 12, "Periode": 13, "Utvalg": 16,
          "Verdi": 9, "Enhet": 9, "Antall (teller)": 14, "Av i alt (nevner)": 16,
          "95 % intervall, nedre": 12, "95 % intervall, øvre": 12, "Status": 14, "Merknad": 40,
          "Kilde": 40, "Definisjon": 60, "Demodata": 10}


def _period_cell(p: str, period_type: str):
    """(value, kind): 2022 → int; 2021-05 → date; 2020-2021 → text."""
    if period_type == "year" and p.isdigit():
        return int(p), "year"
    if period_type == "month" and len(p) == 7 and p[4] == "-":
        try:
            return datetime(int(p[:4]), int(p[5:]), 1), "month"
        except ValueError:
            pass
    return p.replace("-", "\u2013") if period_type == "school_year" else p, "text"


def xlsx(tables_: DataTable | list[DataTable], *, title: str = "", made: date | None = None) -> bytes:
    """The workbook as bytes. One table (a view) or several (a municipality's indicators)."""
    ts = [tables_] if isinstance(tables_, DataTable) else list(tables_)
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False,
                                   "strings_to_urls": False, "strings_to_numbers": False})
    wb.set_properties({"title": title or "Innenfor", "author": "Innenfor",
                       "comments": _("Laget med Innenfor")})
    head = wb.add_format({"bold": True, "text_wrap": True, "valign": "top", "bottom": 1,
                          "bg_color": "#E8EEF4"})
    text = wb.add_format({"valign": "top"})
    fmts = {"int": wb.add_format({"num_format": FORMAT_INT}),
            "dec1": wb.add_format({"num_format": FORMAT_DEC1}),
            "year": wb.add_format({"num_format": FORMAT_YEAR, "align": "left"}),
            "month": wb.add_format({"num_format": MONTH_FORMATS.get(i18n.current(), FORMAT_MONTH),
                                    "align": "left"})}

    ws = wb.add_worksheet(_(DATA_SHEET))
    headers = tables.headers()
    for c, (_k, h, _kind) in enumerate(tables.COLUMNS):
        ws.write_string(0, c, _(h), head)
        ws.set_column(c, c, WIDTHS.get(h, 12))
    r = 1
    for t in ts:
        for row in tables.rows(t):
            for c, (key, _h, kind) in enumerate(tables.COLUMNS):
                v = row[key]
                if kind == "period":
                    pv, pk = _period_cell(v, row["period_type"])
                    if pk == "text":
                        ws.write_string(r, c, safe.cell_text(pv), text)
                    elif pk == "month":
                        ws.write_datetime(r, c, pv, fmts["month"])
                    else:
                        ws.write_number(r, c, pv, fmts["year"])
                elif kind == "value":
                    if v is not None:
                        ws.write_number(r, c, v, fmts["dec1" if row["kind"] == "share" else "int"])
                elif kind in ("int", "dec1"):
                    if v is not None:
                        ws.write_number(r, c, v, fmts[kind])
                else:
                    s = safe.cell_text(v)
                    if s:
                        ws.write_string(r, c, s, text)
            r += 1
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(1, r - 1), len(headers) - 1)

    ab = wb.add_worksheet(_(ABOUT_SHEET))
    bold = wb.add_format({"bold": True, "valign": "top"})
    big = wb.add_format({"bold": True, "font_size": 14})
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    red = wb.add_format({"bold": True, "font_color": "#8B1A1A", "text_wrap": True, "valign": "top"})
    ab.set_column(0, 0, 22)
    ab.set_column(1, 1, 100)
    made = made or date.today()
    i = 0

    def line(label: str, value: str = "", fmt_value=wrap, fmt_label=bold):
        nonlocal i
        if label:
            ab.write_string(i, 0, safe.cell_text(label), fmt_label)
        if value:
            ab.write_string(i, 1, safe.cell_text(value), fmt_value)
        i += 1

    line(title or _("Tall fra Innenfor"), fmt_label=big)
    line(_("Laget"), _("{date} med Innenfor").format(date=tables.day_text(made)))
    line(_("Arket «{sheet}»").format(sheet=_(DATA_SHEET)), _(
        "Én rad per område og periode. Verdi, antall og intervall er tall "
        "(ikke tekst) og kan regnes med. Andeler er prosent med én desimal; enheten står i "
        "kolonnen Enhet. Tom verdi betyr at tallet er skjermet eller mangler: se kolonnen Status "
        "(«{computed}» er tall Innenfor har regnet ut, for eksempel summert fra kommunene). "
        "Hver rad har kilden, definisjonen og om tallene er demodata ({yes}/{no}).").format(
            computed=tables.computed_word(), yes=tables.yes_no(True),
            no=tables.yes_no(False)))
    demo = [t for t in ts if t.demo]
    if demo and len(demo) == len(ts):
        line(_("DEMODATA"), _("Tallene er oppdiktet for utprøving og er ikke ekte statistikk."),
             red, red)
    elif demo:      # say which: the other tables are real numbers
        which = "; ".join(dict.fromkeys(t.title or t.ind.short for t in demo))
        line(_("DEMODATA"), _("Tallene for {which} er oppdiktet for utprøving og er ikke ekte "
                              "statistikk (kolonnen Demodata sier «{yes}» på de radene). De andre "
                              "tallene er ekte.").format(which=which, yes=tables.yes_no(True)),
             red, red)
    for t in ts:
        i += 1
        for label, value in tables.about(t, skip=("DEMODATA",)):
            line(label, value)
    i += 1
    line(_("Statusord og symboler"), fmt_label=big)
    for word, meaning in tables.status_legend():
        line(word, meaning)
    wb.close()
    return buf.getvalue()
