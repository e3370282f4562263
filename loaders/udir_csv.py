"""Udir's Statistikkbanken CSV download, for Oppfølgingstjenesten (OT) tables at county level.

UTF-16LE without BOM, first line 'sep=' + TAB, tab-separated. Label columns (EnhetNivaa,
Nasjonaltkode, Fylkekode, Nasjonalt, Fylke, EnhetNavn, …) and one column per
'YYYY-YY.<filters>.<measure>', e.g. '2020-21.Ikke søkt opplæring.Antall'. Decimal comma, space
as thousands separator, '*' suppressed. A '<column>.Brudd' column holds the footnote for a break
in the series: that school year's value gets status 'break' and the footnote as note.

EnhetNivaa 1 is the country, 2 a county; schools (3) and 'Utlandet' are left out with a warning.
Stored as ot_tilmeldt, age 16-21, per school year ('2020-21' → '2020-2021')."""
from __future__ import annotations

import csv
import io
import re

from geo import codes
from loaders.base import LoadError, RawFile, parse_cell
from loaders.frames import normalised_frame
from loaders.plausible import warnings as implausible
from vocab.i18n import N_, _, ngettext
from vocab.numbers import integer

NAME = N_("Udir statistikkbank (CSV)")   # stored as the format's name: translate where it is shown

_VALUE_COL = re.compile(r"^(\d{4})-(\d{2})\.(.+)$")
_LABELS = {"enhetnivaa", "nasjonaltkode", "fylkekode", "enhetnavn", "organisasjonsnummer"}
# Any export from Udir's statistikkbank: a column per year or school year and filters
# ('2021.Alle eierformer.Antall barnehager', '2020-21.…Prosentandel') beside label columns
# named like EnhetNivaa, BarnehageenhetNivaa, IndikatorNivaa, Kommunekode, Skolenavn.
_ANY_VALUE_COL = re.compile(r"^\d{4}(?:-\d{2})?\.\S")
_UDIR_LABEL = re.compile(r"(nivaa|kode|navn|nummer)(_over)?$", re.I)
# OT's registration reasons (folded). 'Alle'/'I alt' in the same filter position is the total.
REASONS = [
    ("ikke_sokt", re.compile(r"ikke? sokt|ikkje sokt")),
    ("takket_nei", re.compile(r"takk(et|a) nei")),
    ("avbrutt", re.compile(r"avbr(utt|udd|aut)|slutt(et|a)")),
    ("andre", re.compile(r"^(andre|annet|anna)\b")),
]
_TOTAL = re.compile(r"^(i alt|alle\b|totalt|sum\b)")
SEXES = {"begge kjonn": "alle", "alle kjonn": "alle", "jenter": "kvinner", "kvinner": "kvinner",
         "gutter": "menn", "menn": "menn"}
_AGE = re.compile(r"\d+\s*ar\b|alder")
_OT_WORDS = re.compile(r"oppfolging|\bot\b|tilmeld")


def _lines(raw: RawFile, head: bool = False) -> tuple[str, list[str]]:
    """(separator, lines from the header on); head=True: only the start (for detection)."""
    lines = ((raw.head_text if head else raw.text) or "").splitlines()
    if lines and lines[0].strip().lower().startswith("sep="):
        return (lines[0].strip()[4:] or "\t"), lines[1:]
    return "\t", lines


def detect(raw: RawFile) -> bool:
    """Any export from Udir's statistikkbank: OT tables are read, others refused by name."""
    if raw.head_text is None:
        return False
    sep, lines = _lines(raw, head=True)
    if not lines:
        return False
    head = [h.strip() for h in lines[0].split(sep)]
    if bool(_LABELS & {h.lower() for h in head}) and any(_VALUE_COL.match(h) for h in head):
        return True
    values = [h for h in head if _ANY_VALUE_COL.match(h)]
    sep_line = bool(raw.first_lines) and raw.first_lines[0].strip().lower().startswith("sep=")
    return len(values) >= 1 and (sep_line or any(_UDIR_LABEL.search(h) for h in head))


def read(raw: RawFile) -> dict:
    sep, lines = _lines(raw)
    first = 2 if raw.first_lines and raw.first_lines[0].lower().startswith("sep=") else 1
    if not (raw.text or "").endswith(("\n", "\r")):
        # Udir ends every line; without it the last value may be cut short ('1 500' → '1 5').
        raise LoadError(_("Filen slutter midt i rad {row} (uten linjeskift); den kan være avkortet. Last "
                          "ned filen på nytt fra Udirs statistikkbank.").format(row=first + len(lines) - 1))
    rows = list(csv.reader(io.StringIO("\n".join(lines)), delimiter=sep))
    header = [h.strip() for h in rows[0]]
    body = []
    for n, cells in enumerate(rows[1:], start=first + 1):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            raise LoadError(_("Rad {row} har {n} kolonner, men overskriften har {header}. Er filen avkortet "
                              "eller lagret på nytt med et annet skilletegn?").format(
                row=n, n=integer(len(cells)), header=integer(len(header))))
        body.append((n, [c.strip() for c in cells]))
    # Warnings go to raw._notes, which the pipeline shows with the result.
    return {"header": header, "rows": body, "notes": raw._notes}


def _columns(header: list[str]) -> tuple[list[dict], dict[str, int]]:
    """The value columns as dicts (index, year, filters, measure) and the footnote columns."""
    cols, notes = [], {}
    for i, h in enumerate(header):
        m = _VALUE_COL.match(h)
        if not m:
            continue
        if h.endswith(".Brudd"):
            notes[h[: -len(".Brudd")]] = i
            continue
        parts = m[3].split(".")
        cols.append({"i": i, "name": h, "y1": int(m[1]), "yy": int(m[2]),
                     "filters": parts[:-1], "measure": parts[-1]})
    return cols, notes


def _not_ot(header: list[str], rows: list) -> str:
    """Name an export from Udir's statistikkbank that is not an OT table by what it holds."""
    measures = list(dict.fromkeys(re.split(r"\.(?=\S)", h)[-1] for h in header   # ('disp. (antall)')
                                  if _ANY_VALUE_COL.match(h) and not h.endswith(".Brudd")))
    topic = ""
    for i, h in enumerate(header):
        if h.lower() in ("indikatornavn", "indikatornavn_over") and rows:
            topic = rows[0][1][i]
    shown = ", ".join(f"«{m}»" for m in measures[:4])
    if len(measures) > 4:
        shown = _("{list} m.fl.").format(list=shown)
    if topic:
        said = _("Filen er en eksport fra Udirs statistikkbank, men ikke om Oppfølgingstjenesten (OT): den "
                 "har {measures} om «{topic}», som ikke er en indikator i Innenfor. Fra Udir leser Innenfor "
                 "bare Oppfølgingstjenestens tabeller: antall ungdom tilmeldt OT etter årsak (ikke søkt, "
                 "takket nei, avbrutt, andre grunner) per fylke. OT-tall per kommune leveres i "
                 "leveransemalen.")
    else:
        said = _("Filen er en eksport fra Udirs statistikkbank, men ikke om Oppfølgingstjenesten (OT): den "
                 "har {measures}, som ikke er en indikator i Innenfor. Fra Udir leser Innenfor bare "
                 "Oppfølgingstjenestens tabeller: antall ungdom tilmeldt OT etter årsak (ikke søkt, takket "
                 "nei, avbrutt, andre grunner) per fylke. OT-tall per kommune leveres i leveransemalen.")
    return said.format(measures=shown, topic=topic)


def _reason_position(cols) -> int | None:
    for c in cols:
        for pos, f in enumerate(c["filters"]):
            if any(rx.search(codes.fold_name(f)) for _cat, rx in REASONS):
                return pos
    return None


def _category(text: str) -> str | None:
    f = codes.fold_name(text)
    if _TOTAL.match(f):
        return "alle"
    return next((cat for cat, rx in REASONS if rx.search(f)), None)


def _text_cell(text: str) -> str:
    """Free text kept from the file (a footnote), neutralised so that a spreadsheet opening an
    export of it never runs it as a formula: '=HYPERLINK(…)' is stored as "'=HYPERLINK(…)"."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _school_year(y1: int, yy: int) -> str:
    y2 = y1 // 100 * 100 + yy
    return f"{y1}-{y2 + 100 if y2 < y1 else y2}"


def normalise(table):
    header, rows = table["header"], table["rows"]
    notes: list = table.setdefault("notes", [])
    cols, footnotes = _columns(header)
    measures = sorted({c["measure"] for c in cols})
    pos = _reason_position(cols)
    if (pos is None and not any(_OT_WORDS.search(codes.fold_name(m)) for m in measures)) or \
            not _LABELS & {h.lower() for h in header}:
        raise LoadError(_not_ot(header, table["rows"]))
    counts = [c for c in cols if codes.fold_name(c["measure"]).startswith("antall")]
    if not counts:
        raise LoadError(_("Udir-filen har bare målene {measures}. Innenfor leser antall ungdom i OT: last "
                          "ned tabellen med målet «Antall».").format(
            measures=", ".join(f"«{m}»" for m in measures)))
    if len(counts) < len(cols):
        others = [f"«{m}»" for m in measures if not codes.fold_name(m).startswith("antall")]
        notes.append(ngettext("Målet {measures} er ikke lest inn (Innenfor lagrer antall).",
                              "Målene {measures} er ikke lest inn (Innenfor lagrer antall).",
                              len(others)).format(measures=", ".join(others)))
    keep = []
    for c in counts:
        c["category"], c["sex"], skip = "alle", "alle", False
        for p, f in enumerate(c["filters"]):
            ff = codes.fold_name(f)
            if p == pos:
                c["category"] = _category(f)
                if c["category"] is None:
                    raise LoadError(_("Kolonnen «{column}»: ukjent årsak «{reason}» (forventet ikke søkt, "
                                      "takket nei, avbrutt, andre grunner eller alle).").format(
                        column=c["name"], reason=f))
            elif ff in SEXES:
                c["sex"] = SEXES[ff]
            elif _AGE.search(ff) and not ff.startswith("alle"):
                skip = True   # one age group: the indicator is 16–21 as a whole
            elif not (ff.startswith("alle") or ff in ("i alt", "totalt")):
                raise LoadError(_("Kolonnen «{column}»: filteret «{filter}» kjenner ikke Innenfor. Last ned "
                                  "tabellen med «Alle» for dette filteret.").format(
                    column=c["name"], filter=f))
        if skip:
            notes.append(_("Kolonnen «{column}» gjelder én aldersgruppe og er ikke lest inn.").format(
                column=c["name"]))
        else:
            keep.append(c)

    lower = [h.lower() for h in header]
    col = {name: lower.index(name) for name in ("enhetnivaa", "nasjonaltkode", "fylkekode",
                                                 "fylke", "enhetnavn", "nasjonalt") if name in lower}
    out, schools, abroad = [], 0, 0
    for n, cells in rows:
        def get(k: str, cells=cells) -> str:
            return cells[col[k]] if k in col else ""
        name = get("enhetnavn") or get("fylke") or get("nasjonalt")
        if get("nasjonaltkode").upper() == "U" or codes.fold_name(name) == "utlandet":
            abroad += 1
            continue
        level = get("enhetnivaa") or ("1" if not get("fylkekode") else "2")
        if level == "1":
            region = {"region": "0", "region_name": name, "level": "land"}
        elif level == "2":
            code = get("fylkekode")
            if not code.isdigit():
                raise LoadError(_("Rad {row}: fylkeskoden «{code}» for «{name}» er ikke et tall.").format(
                    row=n, code=code, name=name))
            region = {"region": code.zfill(2), "region_name": get("fylke") or name, "level": "fylke"}
        else:
            schools += 1
            continue
        for c in keep:
            try:
                value, status, note = parse_cell(cells[c["i"]], ",")
            except ValueError as e:
                raise LoadError(_("Rad {row}, kolonne «{column}»: {error}.").format(
                    row=n, column=c["name"], error=e)) from None
            foot = _text_cell(cells[footnotes[c["name"]]]) if c["name"] in footnotes else ""
            if foot:
                status = "break" if status == "ok" else status
                note = foot
            out.append({"indicator": "ot_tilmeldt", **region,
                        "period": _school_year(c["y1"], c["yy"]), "age": "16-21", "sex": c["sex"],
                        "category": c["category"], "value": value, "numerator": value,
                        "denominator": None, "status": status, "note": note, "row": n})
    if schools:
        notes.append(ngettext("{n} rad for skoler er ikke lest inn (Innenfor viser fylker og landet).",
                              "{n} rader for skoler er ikke lest inn (Innenfor viser fylker og landet).",
                              schools).format(n=schools))
    if abroad:
        notes.append(ngettext("{n} rad for «Utlandet» er ikke lest inn.",
                              "{n} rader for «Utlandet» er ikke lest inn.", abroad).format(n=abroad))
    df = normalised_frame(out)
    notes.extend(implausible(df))
    return df
