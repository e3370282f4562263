"""Innenfor's delivery template: what is not published per municipality (OT registrations by
reason from VIGO-OT, uføre and job seekers under 30 from NAV) comes in this one CSV layout.

    indikator;kommunenr;periode;alder;kjonn;kategori;antall;nevner;status

UTF-8 or ISO-8859-1, `;` or `,` between columns, decimal comma or point (detected).
`antall` is the count; `nevner` the population it is a share of (optional for counts);
`status` is empty for a published number, or one of the symbols/words in STATUS_WORDS."""
from __future__ import annotations

import csv
import io
import re

import pandas as pd

from loaders.base import SYMBOLS, LoadError, RawFile, parse_cell, parse_region_label
from loaders.frames import normalised_frame
from loaders.plausible import warnings as implausible
from vocab import indicators
from vocab.i18n import N_, _
from vocab.keys import TEMPLATE
from vocab.numbers import integer
from vocab.status import STATUSES, WORDS
from vocab.text import where

NAME = N_("Innenfor leveransemal (CSV)")   # stored as the format's name: translate where it is shown
COLUMNS = TEMPLATE

# The words the template accepts: the status words Innenfor shows (vocab.status), their
# codes, a few synonyms, and the sources' symbols.
STATUS_WORDS = {"": "ok", **{s: s for s in STATUSES}, **{w: s for s, w in WORDS.items()},
                "prikket": "suppressed", "forelopig": "provisional", "brudd": "break",
                **{k: v[0] for k, v in SYMBOLS.items() if k != "-"}}
SEX_WORDS = {"": "alle", "alle": "alle", "begge kjønn": "alle", "begge": "alle", "0": "alle",
             "kvinner": "kvinner", "k": "kvinner", "2": "kvinner",
             "menn": "menn", "m": "menn", "1": "menn"}

# One example row per indicator (and a suppressed one); tests/test_data_page.py loads it.
TEMPLATE_EXAMPLE = """indikator;kommunenr;periode;alder;kjonn;kategori;antall;nevner;status
neet;4003;2021;15-29;alle;alle;1302;11215;
ufore;4003;2021;18-29;alle;alle;301;7902;
ot_tilmeldt;4003;2020-2021;16-21;alle;ikke_sokt;152;;
arbeidssokere;4003;2021-05;under30;alle;helt_ledige;231;;
arbeidssokere;4010;2021-05;under30;alle;tiltak;;;*
arbeidssokere_andel;4003;2021-05;under30;alle;alle;412;6830;
"""


def _header(line: str) -> list[str]:
    return [c.strip().strip('"').strip().lower() for c in re.split(r"[;,\t]", line)]


def detect(raw: RawFile) -> bool:
    lines = raw.first_lines
    return bool(lines) and {"indikator", "kommunenr", "periode", "antall"} <= set(_header(lines[0]))


def near_miss(raw: RawFile) -> str | None:
    """The template's rows without its header line (the first line is data)."""
    lines = raw.first_lines
    cells = _header(lines[0]) if lines else []
    if len(cells) in (len(COLUMNS) - 1, len(COLUMNS)) and cells[0] in indicators.all_indicators():
        return _("Leveransemalen mangler overskriftsraden: første linje er en tallrad. Første linje "
                 "må være {columns}.").format(columns=";".join(COLUMNS))
    return None


def read(raw: RawFile) -> tuple[list[dict], str, list]:
    text = raw.text or ""
    head = raw.first_lines[0]
    if "\t" in head and ";" not in head and "," not in head:
        raise LoadError(_("Leveransemalen bruker tabulator som skilletegn mellom kolonnene. Bruk «;» "
                          "(eller «,»): lagre filen som CSV med semikolon og prøv igjen."))
    delim = ";" if head.count(";") >= head.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delim)
    header = _header(delim.join(next(reader)))
    missing = [c for c in COLUMNS if c not in header]
    extra = [c for c in header if c not in COLUMNS and c]
    if missing or extra:
        raise LoadError(" ".join(
            [_("Leveransemalen har feil kolonner.")]
            + ([_("Mangler: {columns}.").format(columns=", ".join(missing))] if missing else [])
            + ([_("Ukjente: {columns}.").format(columns=", ".join(extra))] if extra else [])
            + [_("Forventet: {columns}.").format(columns=";".join(COLUMNS))]))
    rows = []
    for n, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            raise LoadError(_("Rad {row} har {n} kolonner, men overskriften har {header}. Er filen "
                              "avkortet, eller brukes «{delimiter}» inne i en verdi?").format(
                row=n, n=integer(len(cells)), header=integer(len(header)), delimiter=delim))
        rows.append({"_row": n, **dict(zip(header, (c.strip() for c in cells)))})
    return rows, _decimal(rows, delim), raw._notes   # (warnings go to raw._notes)


def _decimal(rows: list[dict], delim: str) -> str:
    """Decimal comma unless the numbers use a point (a comma-separated file cannot use commas)."""
    if delim == ",":
        return "."
    sample = [r[c] for r in rows[:500] for c in ("antall", "nevner")]
    return "." if any(re.fullmatch(r"\d+\.\d+", s) for s in sample) else ","


def _period(s: str) -> str:
    s = s.strip()
    if (m := re.fullmatch(r"(\d{4})M(\d{2})", s)) and "01" <= m[2] <= "12":
        return f"{m[1]}-{m[2]}"   # (2021M13 stays as written, so the message shows it)
    if m := re.fullmatch(r"(\d{4})[-/](\d{2})", s):
        # 2021-05 is a month; 2020-21 is a school year (the second part is the next year)
        if int(m[2]) == (int(m[1]) + 1) % 100 and int(m[2]) > 12:
            return f"{m[1]}-{int(m[1]) + 1}"
        return f"{m[1]}-{m[2]}"
    if m := re.fullmatch(r"(\d{4})[-/](\d{4})", s):
        return f"{m[1]}-{m[2]}"
    return s


def _age(s: str) -> str:
    s = s.lower().replace("–", "-").replace("år", "").replace(" ", "")
    return {"u30": "under30", "under30": "under30", "": "alle", "alle": "alle"}.get(s, s)


def normalise(table) -> pd.DataFrame:
    rows, decimal, notes = table
    known = indicators.all_indicators()
    out = []
    for r in rows:
        n = r["_row"]
        try:
            code, name, level = parse_region_label(r["kommunenr"])
        except ValueError as e:
            raise LoadError(f"{where('', n)}: {e}.") from None
        try:
            count, st1, note1 = parse_cell(r["antall"], decimal)
            den, _st2, _note2 = parse_cell(r["nevner"], decimal)
        except ValueError as e:
            raise LoadError(f"{where('', n)}: {e}.") from None
        word = r["status"].strip().lower()
        if word not in STATUS_WORDS:
            raise LoadError(_("Rad {row}: ukjent status «{status}». Bruk tom (publisert), skjermet, "
                              "mangler, foreløpig, brudd eller symbolene : .. * .").format(
                row=n, status=r["status"]))
        status = STATUS_WORDS[word] if word else st1
        if word in SYMBOLS:
            note1 = SYMBOLS[word][1]
        if status in ("suppressed", "missing"):
            count = None
        ind = known.get(r["indikator"].strip())
        share = ind is not None and ind.kind == "share"
        value = count
        if share and count is not None:
            value = 100 * count / den if den else None
            if not den:
                raise LoadError(_("Rad {row}: {indicator} er en andel og trenger «nevner».").format(
                    row=n, indicator=r["indikator"]))
        sex = SEX_WORDS.get(r["kjonn"].strip().lower())
        if sex is None:
            raise LoadError(_("Rad {row}: ukjent kjønn «{sex}» (bruk alle, kvinner eller menn).").format(
                row=n, sex=r["kjonn"]))
        out.append({"indicator": r["indikator"].strip(), "region": code, "region_name": name,
                    "level": level, "period": _period(r["periode"]), "age": _age(r["alder"]),
                    "sex": sex, "category": r["kategori"].strip().lower() or "alle",
                    "value": value, "numerator": count, "denominator": den, "status": status,
                    "note": note1 if status != "ok" else "", "row": n})
    df = normalised_frame(out)
    notes.extend(implausible(df))
    return df
