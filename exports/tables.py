"""The numbers behind a view, as rows for Excel and CSV: real numbers, statuses in words.

A `DataTable` is what a page already has when it draws a chart: the indicator, the frame from
indicators.queries (series/table columns), the age and category, and, for the "Om tallene"
sheet and the README, the source files and the demo flag (`from_store` fills those in).

Values are rounded to what the view shows (shares one decimal, counts whole numbers), so the
file says what the screen said. A suppressed or missing value is empty, never 0, and the status
column says why.

Every row also says where it is from (Kilde), what it means (Definisjon) and whether it is
invented (Demodata: ja/nei), so a CSV or a copied Excel row never travels without them. A value
Innenfor computed (a county, regional group or Norway summed from its members, a municipality
summed from the ones it was merged from, a category total, a moving average) has the status
«beregnet», not «publisert».
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd

from indicators import format as fmt
from indicators import progress, queries, views
from vocab import i18n, indicators
from vocab.i18n import N_, _
from vocab.indicators import Indicator
from vocab.periods import date_text

LEVEL_WORDS = {"kommune": N_("kommune"), "fylke": N_("fylke"), "region": N_("regiongruppe"),
               "land": N_("landet")}


@dataclass
class DataTable:
    ind: Indicator
    frame: pd.DataFrame                       # SERIES_COLUMNS from indicators.queries
    age: str | None = None
    category: str = "alle"
    title: str = ""                           # e.g. the chart's title
    sources: pd.DataFrame | None = None       # queries.sources_for(con, ind.id)
    demo: bool = False
    notes: list = field(default_factory=list)
    computed: bool = False                    # every row computed by Innenfor (a moving average)
    targets: list = field(default_factory=list)   # indicators.progress.Progress drawn on the chart

    @property
    def provenance(self) -> fmt.Provenance | None:
        """The releases behind the rows (from `sources`), for «SSB, tabell …, hentet …»; None
        for demo data (its source line stays the indicator's, marked demo)."""
        return None if self.demo or self.sources is None else fmt.provenance_of(self.sources)

    @property
    def periods_text(self) -> str:
        f = self.frame
        return fmt.period_range(f["period"]) if f is not None and len(f) else fmt.DASH


def from_store(con, indicator_id: str, frame: pd.DataFrame, *, age: str | None = None,
               category: str = "alle", title: str = "", notes=(),
               computed: bool = False, targets=()) -> DataTable:
    """A DataTable with the sources and the demo flag read from the store. `computed`: every
    row is Innenfor's own calculation (e.g. views.moving_average), status «beregnet»."""
    return DataTable(ind=indicators.get(indicator_id), frame=frame, age=age, category=category,
                     title=title, sources=queries.sources_for(con, indicator_id, _periods(frame)),
                     demo=queries.is_demo(con, indicator_id, age=age, category=category,
                                          periods=_periods(frame)),
                     notes=list(notes), computed=computed, targets=list(targets))


def _periods(frame: pd.DataFrame | None) -> list[str] | None:
    """The periods a table shows (its demo flag is about those, as the page's is)."""
    if frame is None or "period" not in frame or frame.empty:
        return None
    return sorted({str(p) for p in frame["period"].dropna()}) or None


def _num(x):
    if x is None:
        return None
    try:
        if pd.isna(x):
            return None
    except (TypeError, ValueError):
        return None
    x = float(x)
    return None if math.isnan(x) or math.isinf(x) else x


def _round(x, decimals: int):
    x = _num(x)
    if x is None:
        return None
    r = round(x, decimals)
    return int(r) if decimals == 0 else r


# The columns, in order: (key, header, kind). kind: text | int | dec1 | period. The header is
# the bokmål message: headers() gives them in the current language.
COLUMNS = [
    ("indicator", N_("Indikator"), "text"),
    ("region_code", N_("Kode"), "text"),
    ("region_name", N_("Område"), "text"),
    ("level", N_("Nivå"), "text"),
    ("period", N_("Periode"), "period"),
    ("selection", N_("Utvalg"), "text"),
    ("value", N_("Verdi"), "value"),
    ("unit", N_("Enhet"), "text"),
    ("numerator", N_("Antall (teller)"), "int"),
    ("denominator", N_("Av i alt (nevner)"), "int"),
    ("ci_low", N_("95 % intervall, nedre"), "dec1"),
    ("ci_high", N_("95 % intervall, øvre"), "dec1"),
    ("status", N_("Status"), "text"),
    ("note", N_("Merknad"), "text"),
    ("source", N_("Kilde"), "text"),
    ("definition", N_("Definisjon"), "text"),
    ("demo", N_("Demodata"), "text"),
]

PUBLISHED, COMPUTED = views.PUBLISHED, views.COMPUTED


def level_word(level) -> str:
    """The Nivå column: «kommune», «fylke», «regiongruppe», «landet» (a code it does not know
    as it is)."""
    word = LEVEL_WORDS.get(level) if isinstance(level, str) else None
    return _(word) if word else str(level or "")


def target_status(kind: str) -> str:
    """The Status of a row on the path to a target: «mål: basis», «mål: bane», «mål»."""
    return _(TARGET_STATUS[kind])


def headers() -> list[str]:
    """The column headers in the current language (in the order of COLUMNS)."""
    return [_(h) for _k, h, _kind in COLUMNS]


def unit_word(ind: Indicator) -> str:
    return _("prosent") if ind.kind == "share" else _("personer")


def yes_no(flag: bool) -> str:
    """The Demodata column's word: «ja» / «nei»."""
    return _("ja") if flag else _("nei")


def day_text(d) -> str:
    """A date in a cell or a line of a file: 20.11.2026 (20 November 2026 in English)."""
    return date_text(d) if i18n.current() == "en" else d.strftime("%d.%m.%Y")


def source_text(ind: Indicator, provenance: fmt.Provenance | None = None) -> str:
    """The source line without its «Kilde: » (for a column or a label of its own), with the
    releases shown when `provenance` says (DataTable.provenance)."""
    line = fmt.source_line(ind, provenance)
    for prefix in (_("Kilde: "), "Kilde: "):
        if line.startswith(prefix):
            return line[len(prefix):]
    return line


def file_line(s: dict) -> str:
    """One source file: name, format, when it was loaded, its periods (and DEMODATA)."""
    line = _("{file} ({format}), lastet inn {loaded}, perioder {periods}").format(
        file=s["file_name"], format=s["format"], loaded=s["loaded"], periods=s["periods"])
    return line + (" \u2013 " + _("DEMODATA") if s["demo"] else "")


def status_text(t: DataTable, r: dict) -> str:
    """The Status column (indicators.views.status_text; a table marked computed is «beregnet»)."""
    return views.status_text(r, computed=t.computed)


def rows(t: DataTable) -> list[dict]:
    """One dict per row of the view, keys as in COLUMNS (plus `kind` and `period_type`)."""
    ind = t.ind
    dec = fmt.decimals_for(ind)
    out: list[dict] = []
    if t.frame is None or t.frame.empty:
        return out
    selection = fmt.dimension_text(ind, t.age, t.category)
    source = source_text(ind, t.provenance)
    demo = yes_no(t.demo)
    for r in views.rows(t.frame):
        status = r.get("status") or "missing"
        known = status in fmt.KNOWN and _num(r.get("value")) is not None
        ci = fmt.wilson(r.get("numerator"), r.get("denominator")) \
            if known and ind.kind == "share" else None
        out.append({
            "indicator": ind.short,
            "region_code": str(r.get("region_code") or ""),
            "region_name": str(r.get("region_name") or ""),
            "level": level_word(r.get("level")),
            "period": str(r.get("period") or ""),
            "selection": selection,
            "value": _round(r.get("value"), dec) if known else None,
            "unit": unit_word(ind),
            "numerator": _round(r.get("numerator"), 0) if known else None,
            "denominator": _round(r.get("denominator"), 0),
            "ci_low": round(ci[0], 1) if ci else None,
            "ci_high": round(ci[1], 1) if ci else None,
            "status": status_text(t, {**r, "status": status}),
            "note": fmt.note_text(r.get("note")),
            "source": source,
            "definition": ind.definition,
            "demo": demo,
            "kind": ind.kind,
            "period_type": ind.period_type,
        })
    return out + target_rows(t)


TARGET_STATUS = {"basis": N_("mål: basis"), "bane": N_("mål: bane"), "mål": N_("mål")}


def target_rows(t: DataTable) -> list[dict]:
    """The path to each target, a row a year, marked «mål: basis», «mål: bane» and «mål» in the
    Status column (not figures from the source: the Merknad says whose target it is)."""
    out: list[dict] = []
    ind = t.ind
    for p in t.targets:
        pts = progress.path(p)
        for k, (period, value) in enumerate(pts):
            kind = "basis" if k == 0 else "mål" if k == len(pts) - 1 else "bane"
            out.append({
                "indicator": ind.short, "region_code": p.region_code, "region_name": p.region_name,
                "level": "", "period": period, "selection": fmt.dimension_text(ind, p.age, p.category),
                "value": _round(value, fmt.decimals_for(ind)), "unit": unit_word(ind),
                "numerator": None, "denominator": None, "ci_low": None, "ci_high": None,
                "status": target_status(kind),
                "note": _("{target}, vedtatt av {decided_by}. Status: {status}.").format(
                    target=p.label, decided_by=p.decided_by, status=p.status_text),
                "source": _("Målet: vedtatt av {decided_by}; basisverdien: {source}").format(
                    decided_by=p.decided_by, source=source_text(ind, t.provenance)),
                "definition": _(progress.PATH_RULE), "demo": yes_no(t.demo),
                "kind": ind.kind, "period_type": ind.period_type})
    return out


def computed_word() -> str:
    """The Status word for a number Innenfor computed («beregnet»), in the current language."""
    return views.status_text({"status": "ok"}, computed=True)


def status_legend() -> list[tuple[str, str]]:
    """(word or symbol, meaning) for the legend in 'Om tallene' and the README."""
    out = [(views.status_text({"status": "ok"}), _("Tallet er publisert av kilden.")),
           (computed_word(),
            _("Tallet er regnet ut av Innenfor fra kildens tall: et fylke, en "
              "regiongruppe eller landet summert fra kommunene eller fylkene, en kommune "
              "summert fra kommunene den ble slått sammen av, en sum over kategoriene "
              "eller et glidende gjennomsnitt. Merknad sier hvordan."))]
    for code in ("suppressed", "missing", "provisional", "break"):
        out.append((fmt.status_word(code), fmt.status_long(code)))
    out += [
        (_("tom celle"), _("Ingen verdi: se Status for hvorfor (skjermet eller mangler). Aldri 0.")),
        (_("Tegnet {symbol}").format(symbol=fmt.DASH),
         _("Brukes i tekst og figurer når et tall mangler.")),
        (_("Symbol {symbol}").format(symbol=fmt.SYMBOLS["higher"]),
         _("Høyere enn sammenligningen (95 % intervallene overlapper ikke).")),
        (_("Symbol {symbol}").format(symbol=fmt.SYMBOLS["lower"]),
         _("Lavere enn sammenligningen (95 % intervallene overlapper ikke).")),
        (_("Symbol {symbol}").format(symbol=fmt.SYMBOLS["uncertain"]),
         _("Ikke sikker forskjell (intervallene overlapper).")),
        (_("Symbol {symbol}").format(symbol=fmt.SYMBOLS["same"]),
         _("Det samme som sammenligningen.")),
    ]
    return out


def source_rows(t: DataTable) -> list[dict]:
    """The files behind an indicator: file name, format, loaded date, periods, demo."""
    out: list[dict] = []
    if t.sources is None or t.sources.empty:
        return out
    for r in views.rows(t.sources):
        loaded = r.get("loaded_at")
        if isinstance(loaded, (pd.Timestamp, datetime)):
            loaded_text = day_text(loaded)
        else:
            loaded_text = str(loaded or "")
        first, last = r.get("first_period"), r.get("last_period")
        out.append({"file_name": str(r.get("file_name") or ""), "format": str(r.get("format") or ""),
                    "loaded": loaded_text,
                    "periods": fmt.period_range([first, last]) if first else fmt.DASH,
                    "demo": bool(r.get("is_demo"))})
    return out


def about(t: DataTable, *, skip: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """(label, text) pairs that describe one table: for 'Om tallene' and the README, labels in
    the current language. `skip`: labels left out, by their bokmål message ("Indikator",
    "Figur", "DEMODATA")."""
    ind = t.ind
    rows_ = [(N_("Indikator"), ind.name),
             (N_("Definisjon"), ind.definition),
             (N_("Utvalg"), fmt.dimension_text(ind, t.age, t.category)),
             (N_("Enhet"), _("prosent (én desimal)") if ind.kind == "share" else _("antall personer")),
             (N_("Periode"), t.periods_text),
             (N_("Kilde"), source_text(ind, t.provenance))]
    if t.title:
        rows_.insert(0, (N_("Figur"), t.title))
    for s in source_rows(t):
        rows_.append((N_("Kildefil"), file_line(s)))
    for n in t.notes:
        if n:
            rows_.append((N_("Merknad"), n))
    for p in t.targets:
        rows_ += [(N_("Mål"), f"{p.label} ({p.status_text}). {p.sentence()}"),
                  (N_("Banen mot målet"), _(progress.PATH_RULE) + " " + _(
                      "Radene med Status «{basis}», «{path}» og «{target}» er banen, ikke tall "
                      "fra kilden.").format(basis=target_status("basis"),
                                            path=target_status("bane"),
                                            target=target_status("mål")))]
    if t.demo:
        rows_.append((N_("DEMODATA"),
                      _("Tallene er oppdiktet for utprøving og er ikke ekte statistikk.")))
    return [(_(label), text) for label, text in rows_ if label not in skip]
