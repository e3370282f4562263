"""The partnership's own plans: targets toward 2035 and the measures (tiltak) that run.

Both come as a template file (detected by its header, like the delivery template) or from the
form on the Data page, and are stored like a file: a `sources` row each, so undo, history and
the originals work as for figures. A target for the same indicator, place, age band and category
as an older one revises it: the newest is shown, the old one stays as history.

    indikator;region;alder;kategori;basisperiode;malverdi;malaar;vedtatt_av;vedtatt_dato
    tiltak;region;start;slutt;alder;indikatorer;ansvarlig;kategori;beskrivelse;lenke
    kostnad_per_aar;kilde;vedtatt_av;vedtatt_dato

The third, the optional cost per person-year outside work and education, has no built-in figure
(published estimates differ about ten-fold): its source text is required; the newest is in force.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass

import pandas as pd

from geo import codes
from loaders import store
from loaders.base import RawFile
from vocab import indicators, periods
from vocab.i18n import N_, _
from vocab.numbers import as_written
from vocab.text import where

TARGET_COLUMNS = ["indikator", "region", "alder", "kategori", "basisperiode", "malverdi", "malaar",
                  "vedtatt_av", "vedtatt_dato"]
MEASURE_COLUMNS = ["tiltak", "region", "start", "slutt", "alder", "indikatorer", "ansvarlig",
                   "kategori", "beskrivelse", "lenke"]
# The templates' names are stored as their format (bokmål): translate them where shown.
TARGET_NAME = N_("Innenfor målmal (CSV)")
MEASURE_NAME = N_("Innenfor tiltaksmal (CSV)")
COST_COLUMNS = ["kostnad_per_aar", "kilde", "vedtatt_av", "vedtatt_dato"]
COST_NAME = N_("Innenfor kostnadsmal (CSV)")
NAMES = {"targets": TARGET_NAME, "measures": MEASURE_NAME, "costs": COST_NAME}
COLUMNS = {"targets": TARGET_COLUMNS, "measures": MEASURE_COLUMNS, "costs": COST_COLUMNS}
LAST_TARGET_YEAR = 2035            # the national mission: «ingen barn og unge utenfor innen 2035»

TARGET_EXAMPLE = """indikator;region;alder;kategori;basisperiode;malverdi;malaar;vedtatt_av;vedtatt_dato
neet;4003;15-29;alle;2022;8,0;2030;Skien bystyre, sak 45/25;12.03.2025
"""
MEASURE_EXAMPLE = """tiltak;region;start;slutt;alder;indikatorer;ansvarlig;kategori;beskrivelse;lenke
Ungdomslos;4003;2023;;16-25;neet,ot_tilmeldt;kommune;samhandling;Los for unge som har falt ut av skolen;
"""
COST_EXAMPLE = """kostnad_per_aar;kilde;vedtatt_av;vedtatt_dato
1 000 000;Eksempel: rapport, utgiver, år og side;Partnerskapets styringsgruppe;01.02.2025
"""

MAX_ROWS = 5000


@dataclass
class Plan:
    """A template file read: which kind, the rows to store, and what is wrong with it."""
    kind: str                      # 'targets' | 'measures' | 'costs'
    rows: pd.DataFrame
    problems: list[str]


def _header(line: str) -> list[str]:
    return [c.strip().strip('"').strip().lower().replace("å", "a") for c in re.split(r"[;,\t]", line)]


def kind(raw: RawFile) -> str | None:
    """'targets', 'measures' or 'costs' when the file is one of the templates (by its header)."""
    lines = raw.first_lines
    head = _header(lines[0]) if lines else []
    if head and head[0] == "kostnad_per_ar":          # «kostnad_per_år» written with the letter å
        head[0] = "kostnad_per_aar"
    return next((k for k, cols in COLUMNS.items() if head == cols), None)


def _rows(raw: RawFile) -> list[tuple[int, dict]]:
    text = raw.text or ""
    sep = ";" if text.split("\n", 1)[0].count(";") >= 3 else ","
    reader = csv.reader(io.StringIO(text), delimiter=sep)
    header = _header(sep.join(next(reader, [])))
    out = []
    for n, cells in enumerate(reader, 2):
        if not any(c.strip() for c in cells):
            continue
        out.append((n, dict(zip(header, (c.strip() for c in cells)))))
        if len(out) > MAX_ROWS:
            break
    return out


def parse_date(text: str) -> dt.date | None:
    """12.03.2025, 2025-03-12, 2025-03 (first of the month) or 2025 (1 January); None if empty.
    Raises ValueError for anything else."""
    s = text.strip()
    if not s:
        return None
    for pattern, fmt in ((r"\d{1,2}\.\d{1,2}\.\d{4}", "%d.%m.%Y"), (r"\d{4}-\d{2}-\d{2}", "%Y-%m-%d"),
                         (r"\d{4}-\d{2}", "%Y-%m"), (r"\d{4}", "%Y")):
        if re.fullmatch(pattern, s):
            try:
                return dt.datetime.strptime(s, fmt).date()
            except ValueError:
                break             # 31.02.2021: the shape of a date, but no such day
    raise ValueError(_("«{text}» er ikke en dato (skriv f.eks. 12.03.2025)").format(text=s[:30]))


def _number(text: str) -> float:
    s = text.strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
    if not re.fullmatch(r"-?\d+(\.\d+)?", s):
        raise ValueError(_("«{text}» er ikke et tall").format(text=text[:30]))
    return float(s)


def _region(text: str) -> str:
    code = text.strip().split()[0] if text.strip() else ""
    if code in codes.known_names() or code in codes.counties_2024() or code in codes.COUNTIES_2020_2023 \
            or code == codes.NORWAY or code.startswith("R-"):
        h = codes.to_2024(code) if len(code) == 4 else None
        return h.code if h and h.exact else code
    raise ValueError(_("ukjent region «{text}» (kommune-, fylkesnummer, 0 for hele landet eller en "
                       "regiongruppe som R-grenland)").format(text=text[:30]))


def read_targets(raw: RawFile) -> Plan:
    problems: list[str] = []
    rows = []
    known = indicators.all_indicators()
    for n, r in _rows(raw):
        at = f"{where('', n)}: "
        try:
            ind = known.get(r.get("indikator", ""))
            if ind is None:
                raise ValueError(_("ukjent indikator «{indicator}» (kjente: {known})").format(
                    indicator=r.get("indikator", ""), known=", ".join(known)))
            age = r.get("alder") or ind.default_age
            if age not in ind.ages:
                raise ValueError(_("aldersgruppen «{age}» finnes ikke for {indicator} ({ages})").format(
                    age=age, indicator=ind.id, ages=", ".join(ind.ages)))
            category = r.get("kategori") or "alle"
            if category not in ind.categories:
                raise ValueError(_("kategorien «{category}» finnes ikke for {indicator}").format(
                    category=category, indicator=ind.id))
            base = r.get("basisperiode", "")
            if not periods.PATTERNS[ind.period_type].match(base):
                raise ValueError(_("basisperioden «{period}» er ikke en periode for {indicator} "
                                   "(f.eks. {example})").format(
                    period=base, indicator=ind.id, example=periods.EXAMPLES[ind.period_type]))
            value = _number(r.get("malverdi", ""))
            if value < 0 or (ind.kind == "share" and value > 100):
                raise ValueError(_("målverdien {value} er utenfor det {indicator} kan være").format(
                    value=as_written(value), indicator=ind.id))
            year = int(_number(r.get("malaar", "")))
            if not (periods.year(base) or 0) < year <= LAST_TARGET_YEAR:
                raise ValueError(_("målåret {year} må være etter basisperioden og senest {last}").format(
                    year=year, last=LAST_TARGET_YEAR))
            by = r.get("vedtatt_av", "")
            if not by:
                raise ValueError(_("vedtatt_av mangler (hvem vedtok målet, f.eks. «Skien bystyre, sak "
                                   "45/25»)"))
            rows.append({"indicator": ind.id, "region_code": _region(r.get("region", "")), "age": age,
                         "category": category, "baseline_period": base, "target_value": value,
                         "target_year": year, "decided_by": by[:200],
                         "decided_on": parse_date(r.get("vedtatt_dato", ""))})
        except ValueError as e:
            problems.append(at + str(e) + ".")
    return Plan("targets", pd.DataFrame(rows), problems)


RESPONSIBLE = ("kommune", "nav", "ot", "fylkeskommunen", "frivillige", "andre")


def read_measures(raw: RawFile) -> Plan:
    problems: list[str] = []
    rows = []
    known = indicators.all_indicators()
    categories = indicators.measure_categories()
    for n, r in _rows(raw):
        at = f"{where('', n)}: "
        try:
            name = r.get("tiltak", "")
            if not name:
                raise ValueError(_("tiltaket mangler navn"))
            start = parse_date(r.get("start", ""))
            if start is None:
                raise ValueError(_("start mangler (år, måned eller dato)"))
            end = parse_date(r.get("slutt", ""))
            if end is not None and end < start:
                raise ValueError(_("slutt er før start"))
            ids = [i.strip() for i in r.get("indikatorer", "").split(",") if i.strip()]
            if unknown := [i for i in ids if i not in known]:
                raise ValueError(_("ukjent indikator «{indicator}» (kjente: {known})").format(
                    indicator=unknown[0], known=", ".join(known)))
            responsible = r.get("ansvarlig", "").lower()
            if responsible and responsible not in RESPONSIBLE:
                raise ValueError(_("ansvarlig «{responsible}» er ikke en av {choices}").format(
                    responsible=responsible, choices=", ".join(RESPONSIBLE)))
            category = r.get("kategori", "")
            if category and category not in categories:
                raise ValueError(_("kategorien «{category}» er ikke en av {choices}").format(
                    category=category, choices=", ".join(categories)))
            link = r.get("lenke", "")
            if link and not re.match(r"^https?://", link):
                raise ValueError(_("lenken må begynne med https://"))
            for region in [x for x in re.split(r"[ ,]+", r.get("region", "")) if x]:
                rows.append({"name": name[:200], "region_code": _region(region), "start_date": start,
                             "end_date": end, "age": r.get("alder", "")[:20], "indicators": ",".join(ids),
                             "responsible": responsible, "category": category,
                             "description": r.get("beskrivelse", "")[:2000], "link": link[:500]})
        except ValueError as e:
            problems.append(at + str(e) + ".")
    return Plan("measures", pd.DataFrame(rows), problems)


def read_costs(raw: RawFile) -> Plan:
    problems: list[str] = []
    rows = []
    found = _rows(raw)
    if len(found) > 1:
        problems.append(_("Kostnadsmalen skal ha én rad (kostnaden som gjelder); denne har {n}.").format(
            n=len(found)))
    for n, r in found[:1]:
        try:
            value = _number(r.get("kostnad_per_aar", r.get("kostnad_per_ar", "")))
            if not 0 < value < 100_000_000:
                raise ValueError(_("kostnaden {value} kr per person per år er ikke rimelig").format(
                    value=as_written(value)))
            source = r.get("kilde", "")
            if not source:
                raise ValueError(_("kilde mangler (hvor anslaget kommer fra, f.eks. rapport, utgiver og "
                                   "år); anslagene varierer mye, så kilden må stå ved tallet"))
            rows.append({"kr_per_year": value, "source_text": source[:500],
                         "decided_by": r.get("vedtatt_av", "")[:200] or None,
                         "decided_on": parse_date(r.get("vedtatt_dato", ""))})
        except ValueError as e:
            problems.append(f"{where('', n)}: {e}.")
    return Plan("costs", pd.DataFrame(rows), problems)


def read(raw: RawFile) -> Plan:
    return {"targets": read_targets, "costs": read_costs}.get(kind(raw) or "", read_measures)(raw)


TABLE = {"targets": "targets", "measures": "measures", "costs": "costs"}


def write(con, plan: Plan, *, file_name: str, sha256: str, loaded_by: str | None) -> int:
    """One source row and its plan rows, in one transaction; returns the source id."""
    fmt = NAMES[plan.kind]
    con.execute("BEGIN")
    try:
        source_id = store.last_source_id(con) + 1
        store.set_last_source_id(con, source_id)
        con.execute("INSERT INTO sources (source_id, file_name, sha256, format, rows_loaded, loaded_at, "
                    "loaded_by, is_demo, product) VALUES (?, ?, ?, ?, ?, now(), ?, FALSE, ?)",
                    [source_id, file_name, sha256, fmt, len(plan.rows), loaded_by, fmt])
        con.register("incoming_plan", plan.rows.assign(source_id=source_id))
        cols = ", ".join([*plan.rows.columns, "source_id"])
        con.execute(f"INSERT INTO {TABLE[plan.kind]} ({cols}) SELECT {cols} FROM incoming_plan")
        con.unregister("incoming_plan")
        con.execute("UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'version'")
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return source_id


def from_form(kind_: str, row: dict) -> RawFile:
    """A form's entry as the template file it stands for (so it is checked, stored, archived
    and undone exactly like a file)."""
    columns = COLUMNS[kind_]
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";", lineterminator="\n")
    w.writerow(columns)
    w.writerow([str(row.get(c, "") or "") for c in columns])
    stamp = dt.datetime.now().strftime("%Y-%m-%d %H.%M")
    what = {"targets": "mål", "measures": "tiltak", "costs": "kostnad"}[kind_]
    name = f"Skjema {what} {stamp}.csv"
    return RawFile(name, buf.getvalue().encode("utf-8"))
