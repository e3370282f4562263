"""The 2035 mission as files: an Excel workbook of targets, measures and the assumptions behind
them, and the lines LESMEG and the deck say about them.

    excel_bytes(con, region_codes) -> bytes   # sheets Mål, Banen, Tiltak, Forutsetninger

`region_codes` are the places whose targets and measures go in (an empty list: all of them).
The words (status, sentence, the path and status rules, a measure's period) are
indicators.progress's, so the page and every file say the same. User-given text (names,
descriptions, links, «vedtatt av») is written as text, never as a formula (exports.safe).
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

import pandas as pd
import xlsxwriter

from exports import safe, tables
from indicators import cost, progress, queries
from indicators import format as fmt
from vocab import i18n
from vocab.i18n import N_, NP_, _, pgettext

# Sheet names and headers are bokmål messages, translated where the workbook is written.
TARGETS_SHEET = NP_("ark", "Mål")
PATH_SHEET = NP_("ark", "Banen")
MEASURES_SHEET = NP_("ark", "Tiltak")
ASSUMPTIONS_SHEET = NP_("ark", "Forutsetninger")

TARGET_HEADERS = [N_("Område"), N_("Kode"), N_("Indikator"), N_("Utvalg"), N_("Basisperiode"),
                  N_("Basisverdi"), N_("Målverdi"), N_("Målår"), N_("Vedtatt av"),
                  N_("Vedtatt dato"), N_("Nyeste periode"), N_("Nyeste verdi"),
                  N_("95 % intervall, nedre"), N_("95 % intervall, øvre"),
                  N_("Forventet på banen"), N_("Status"), N_("Setning"), N_("Enhet"), N_("Kilde"),
                  N_("Demodata")]
PATH_HEADERS = [N_("Område"), N_("Kode"), N_("Indikator"), N_("Utvalg"), N_("Periode"),
                N_("Verdi på banen"), N_("Merknad"), N_("Enhet")]
MEASURE_HEADERS = [N_("Tiltak"), N_("Område"), N_("Kode"), N_("Start"), N_("Slutt"), N_("Periode"),
                   N_("Aldersgruppe"), N_("Indikatorer"), N_("Ansvarlig"), N_("Kategori"),
                   N_("Beskrivelse"), N_("Lenke")]
# A date cell: 22.11.2026 (22/11/2026 in English).
DATE_FORMATS = {"en": "dd/mm/yyyy"}
WIDTHS = {"Område": 18, "Indikator": 22, "Utvalg": 14, "Vedtatt av": 28, "Status": 16,
          "Setning": 80, "Kilde": 40, "Tiltak": 26, "Beskrivelse": 50, "Lenke": 36, "Periode": 20,
          "Kategori": 30, "Merknad": 20}


@dataclass
class Mission:
    """The targets (assessed) and measures for some places, read once."""
    progress: list[progress.Progress]
    measures: pd.DataFrame
    demo: dict[int, bool]                 # index in `progress` → its figures are demo
    cost: cost.Cost | None


def collect(con, region_codes: list[str] | None = None) -> Mission:
    codes = list(region_codes or [])
    ps = [p for p in progress.assess_all(con) if not codes or p.region_code in codes]
    demo = {}
    for i, p in enumerate(ps):
        shown = [x for x in (p.baseline_period, p.latest_period) if x]
        demo[i] = bool(shown) and queries.is_demo(con, p.indicator.id, age=p.age,
                                                  category=p.category, periods=shown)
    return Mission(ps, progress.measures(con, codes or None), demo, cost.current(con))


def _round(x, p: progress.Progress):
    return None if x is None else round(float(x), fmt.decimals_for(p.indicator))


def target_row(p: progress.Progress, demo: bool) -> list:
    ind = p.indicator
    return [p.region_name, p.region_code, ind.short, fmt.dimension_text(ind, p.age, p.category),
            fmt.period(p.baseline_period), _round(p.baseline_value, p), _round(p.target_value, p),
            p.target_year, p.decided_by, p.decided_on, fmt.period(p.latest_period) if p.latest_period else "",
            _round(p.latest_value, p), _round(p.interval[0], p) if p.interval else None,
            _round(p.interval[1], p) if p.interval else None, _round(p.expected_value, p),
            p.status_text, p.sentence(), tables.unit_word(ind),
            tables.source_text(ind), tables.yes_no(demo)]


def source_lines(con, m: Mission) -> list[tuple[str, str]]:
    """(figure, the files its baseline and newest value come from, with release date)."""
    out = []
    for p in m.progress:
        shown = [x for x in (p.baseline_period, p.latest_period) if x]
        t = tables.DataTable(ind=p.indicator, frame=pd.DataFrame({"period": shown}),
                             sources=queries.sources_for(con, p.indicator.id, shown or None))
        files = "; ".join(tables.file_line(s) for s in tables.source_rows(t)) \
            or _("ingen tall i datalageret")
        what = f"{p.indicator.short}, {fmt.dimension_text(p.indicator, p.age, p.category)}"
        out.append((f"{p.region_name}: {what}", _("{source} Filer: {files}.").format(
            source=fmt.source_line(p.indicator, fmt.provenance_of(t.sources)), files=files)))
    return out


def assumptions(con, m: Mission) -> list[tuple[str, str]]:
    """(label, text) for «Forutsetninger» and LESMEG: the rules, the cost and the sources."""
    rows = progress.rules()
    if m.cost is not None:
        rows.append((_("Kostnad per person"), fmt.upper_first(m.cost.assumption()) + "."))
    else:
        rows.append((_("Kostnad per person"), _("Ikke satt. Anslagene i faglitteraturen varierer "
                                                "omtrent ti ganger, så Innenfor har ikke et "
                                                "innebygd tall.")))
    return rows + source_lines(con, m)


def _cell(ws, r: int, c: int, v, formats: dict) -> None:
    if v is None or v == "":
        return
    if isinstance(v, bool):
        ws.write_string(r, c, tables.yes_no(v))
    elif isinstance(v, (int, float)):
        ws.write_number(r, c, v, formats["int" if isinstance(v, int) else "num"])
    elif isinstance(v, date):
        ws.write_datetime(r, c, pd.Timestamp(v).to_pydatetime(), formats["date"])
    else:
        ws.write_string(r, c, safe.cell_text(v), formats["text"])


def sheet_name(name: str) -> str:
    """A sheet's name in the current language («Mål» as a sheet is «Targets», not «Target»)."""
    return pgettext("ark", name)


def _sheet(wb, name: str, headers: list[str], rows: list[list], formats: dict) -> None:
    ws = wb.add_worksheet(sheet_name(name))
    for c, h in enumerate(headers):
        ws.write_string(0, c, _(h), formats["head"])
        ws.set_column(c, c, WIDTHS.get(h, 13))
    for r, row in enumerate(rows, 1):
        for c, v in enumerate(row):
            _cell(ws, r, c, v, formats)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(1, len(rows)), len(headers) - 1)


def measure_row(r: dict) -> list:
    end = r.get("end_date")
    end = None if end is None or pd.isna(end) else pd.Timestamp(end).date()
    return [r["name"], r.get("region_name") or r["region_code"], r["region_code"],
            pd.Timestamp(r["start_date"]).date(), end,
            progress.measure_period(r["start_date"], r.get("end_date")), r.get("age") or "",
            r.get("indicators") or "", progress.responsible_text(r.get("responsible")),
            progress.category_text(r.get("category")), r.get("description") or "",
            r.get("link") or ""]


def excel_bytes(con, region_codes: list[str]) -> bytes:
    """The workbook: targets with status and sentence, the path year by year, the measures,
    and the assumptions (path rule, status rule, cost, sources)."""
    m = collect(con, region_codes)
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False,
                                   "strings_to_urls": False, "strings_to_numbers": False})
    wb.set_properties({"title": _("Innenfor: mål og tiltak"), "author": "Innenfor"})
    formats = {"head": wb.add_format({"bold": True, "text_wrap": True, "valign": "top", "bottom": 1,
                                      "bg_color": "#E8EEF4"}),
               "text": wb.add_format({"valign": "top", "text_wrap": True}),
               "int": wb.add_format({"num_format": "0", "align": "left", "valign": "top"}),
               "num": wb.add_format({"num_format": "#,##0.0", "valign": "top"}),
               "date": wb.add_format({"num_format": DATE_FORMATS.get(i18n.current(), "dd.mm.yyyy"),
                                      "align": "left", "valign": "top"})}
    _sheet(wb, TARGETS_SHEET, TARGET_HEADERS,
           [target_row(p, m.demo[i]) for i, p in enumerate(m.progress)], formats)
    path_rows = []
    for p in m.progress:
        pts = progress.path(p)
        for k, (period, value) in enumerate(pts):
            note = _("basis (fra dataene)") if k == 0 else _("mål") if k == len(pts) - 1 \
                else _("bane")
            path_rows.append([p.region_name, p.region_code, p.indicator.short,
                              fmt.dimension_text(p.indicator, p.age, p.category), fmt.period(period),
                              _round(value, p), note, tables.unit_word(p.indicator)])
    _sheet(wb, PATH_SHEET, PATH_HEADERS, path_rows, formats)
    _sheet(wb, MEASURES_SHEET, MEASURE_HEADERS, [measure_row(r) for r in m.measures.to_dict("records")],
           formats)
    ws = wb.add_worksheet(sheet_name(ASSUMPTIONS_SHEET))
    ws.set_column(0, 0, 34)
    ws.set_column(1, 1, 110)
    ws.write_string(0, 0, sheet_name(ASSUMPTIONS_SHEET), wb.add_format({"bold": True, "font_size": 14}))
    ws.write_string(1, 0, _("Laget"), formats["head"])
    ws.write_string(1, 1, _("{date} med Innenfor").format(date=tables.day_text(date.today())),
                    formats["text"])
    for r, (label, text) in enumerate(assumptions(con, m), 2):
        ws.write_string(r, 0, safe.cell_text(label), wb.add_format({"bold": True, "valign": "top",
                                                                     "text_wrap": True}))
        ws.write_string(r, 1, safe.cell_text(text), formats["text"])
    if any(m.demo.values()):
        r += 1
        ws.write_string(r, 0, _("DEMODATA"), wb.add_format({"bold": True, "font_color": "#8B1A1A"}))
        ws.write_string(r, 1, _("Noen av tallene bak målene er oppdiktet for utprøving (kolonnen "
                                "Demodata i arket {sheet}).").format(sheet=sheet_name(TARGETS_SHEET)),
                        formats["text"])
    wb.close()
    return buf.getvalue()


def readme_lines(con, m: Mission) -> list[str]:
    """The «Mål og tiltak» part of LESMEG."""
    if not m.progress and m.measures.empty:
        return []
    head = _("Mål og tiltak")
    L = [head, "-" * len(head)]
    for p in m.progress:
        L += [f"* {p.indicator.short}, {fmt.dimension_text(p.indicator, p.age, p.category)}: "
              f"{p.label} – {p.status_text}", f"  {p.sentence()}"]
    if not m.measures.empty:
        L.append(_("Tiltak:"))
        L += [f"- {progress.measure_line(r)}" for r in m.measures.to_dict("records")]
    L += ["", _("Slik vurderes målene:")]
    L += [f"- {label}: {text}" for label, text in assumptions(con, m)]
    return L + [""]
