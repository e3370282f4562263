"""NAV's long monthly layout: one row per month × place × job-seeker group × sex, as xlsx or CSV.

    År | År-måned (202501) | Nåværende Kommune Nr Navn ('4001 Porsgrunn') or Nåværende Fylke
    Nr Navn ('03 Oslo', 'Landet') | Arbeidsmarkedsstatus hovedgruppe | Kjønn | Beh personer i mnd
    | % av arbeidsstyrken   (optionally an age column: 'Under 30 år' / 'I alt')

The xlsx extracts have sheets Landet/Fylker/<county> and a second pivot block to the right
(NAV's 'Begge kjønn' totals); it is read as sex 'alle' and must add up to Kvinner + Menn. Other
sheets (yrkesbakgrunn, stilling) are out of scope and left out with a warning.

Also read: NAV's series as processed by an analyst, with names instead of numbers (Nivå,
Geografisk enhet, maybe a county column, Dato as 2025-01-01 or 01.01.2025, 'Andel av
arbeidsstyrken' as a fraction). A name is placed only where it is one place at that level in
that year; see nav_common.place_by_name. A workbook with the table on several sheets is read
once, and fractions under '% av arbeidsstyrken' are found and read as percent (nav_checks).

Vectorised on purpose (categorical columns, each distinct value parsed once, no string built per
row): the loader benchmark reads 1M rows."""
from __future__ import annotations

import csv
import io
import re
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pcsv

from geo import codes
from loaders.base import LoadError, RawFile, Release, parse_cell
from loaders.frames import coded_strings, factorize, normalised_frame
from loaders.nav_checks import check_totals, false_zeros, one_copy_per_sheet, percent_or_fraction
from loaders.nav_common import (
    category_code,
    month_of,
    place_by_label,
    place_by_name,
    sex_code,
    skipped_warning,
)
from loaders.plausible import warnings as implausible
from vocab import periods
from vocab.i18n import N_, _, ngettext
from vocab.numbers import integer
from vocab.text import rows, where

NAME = N_("NAV arbeidsmarkedsstatus per måned (langt format)")   # stored: translate where shown

# Folded header → our column. 'År' is left out on purpose: År-måned carries the year.
HEADERS = {
    "ar-maned": "period", "armaned": "period", "dato": "period", "maned": "period",
    "periode": "period",
    "navaerende kommune nr navn": "label", "navaerende fylke nr navn": "label",
    "kommune nr navn": "label", "fylke nr navn": "label",
    "geografisk enhet": "name", "niva": "level", "fylke": "county", "fylkesnavn": "county",
    "arbeidsmarkedsstatus hovedgruppe": "category", "arbeidsmarkedsstatus": "category",
    "kjonn": "sex", "alder": "age", "aldersgruppe": "age",
    "beh personer i mnd": "count", "antall personer": "count", "antall": "count",
    "% av arbeidsstyrken": "percent", "prosent av arbeidsstyrken": "percent",
    "andel av arbeidsstyrken": "fraction",
}
AGES = {"under 30 ar": "under30", "under 30": "under30", "i alt": "alle", "alle": "alle",
        "alle aldre": "alle", "": "alle"}


def _canon(cell) -> str | None:
    return HEADERS.get(codes.fold_name(str(cell))) if cell is not None else None


def _blocks(header) -> list[dict[str, int]]:
    """Column blocks in a header row; a repeated column starts the next block (NAV's second
    pivot table to the right). Only complete blocks are returned."""
    blocks: list[dict[str, int]] = []
    cur: dict[str, int] = {}
    for i, cell in enumerate(header):
        c = _canon(cell)
        if c is None:
            continue
        if c in cur:
            blocks.append(cur)
            cur = {}
        cur[c] = i
    blocks.append(cur)
    return [b for b in blocks if _complete(b)]


def _complete(b) -> bool:
    return ("period" in b and "category" in b and ("label" in b or "name" in b)
            and bool({"count", "percent", "fraction"} & b.keys()))


def _sep(line: str) -> str:
    return max([";", ",", "\t"], key=line.count)


def release(raw: RawFile) -> Release:
    """NAV's monthly workbook and a long CSV extract of the same statistic are two products:
    an extract often writes NAV's «*» as 0, so it must not replace the workbook's figures."""
    kind = "månedsfil (xlsx)" if raw.is_xlsx else "uttrekk (CSV)"
    return Release(product=f"NAV arbeidsmarkedsstatus, {kind}")


def detect(raw: RawFile) -> bool:
    if raw.is_xlsx:
        return any(_sheet_header(ws) for ws in raw.workbook.worksheets)
    if raw.head_text is None or not raw.first_lines:
        return False
    head = raw.first_lines[0]
    return bool(_blocks(next(csv.reader([head], delimiter=_sep(head)))))


def _sheet_header(ws):
    """(header row number, blocks) when one of the first rows is our header."""
    for n, row in enumerate(ws.iter_rows(max_row=10, values_only=True), start=1):
        if blocks := _blocks(row):
            return n, blocks
    return None


def read(raw: RawFile) -> dict:
    headers: dict[str, str] = {}   # our column → the file's header, for messages
    if raw.is_xlsx:
        frame = _read_xlsx(raw, headers)
    else:
        frame = _read_csv(raw, headers)
    # Warnings go to raw._notes, which the pipeline shows with the result.
    return {"frame": frame, "notes": raw._notes, "xlsx": raw.is_xlsx, "headers": headers}


def _read_xlsx(raw: RawFile, headers: dict) -> pd.DataFrame:
    parts, other = [], []
    found_in = {ws.title: _sheet_header(ws) for ws in raw.workbook.worksheets}
    raw.check_formulas(t for t, f in found_in.items() if f)
    for ws in raw.workbook.worksheets:
        found = found_in[ws.title]
        if not found:
            other.append(ws.title)
            continue
        hrow, blocks = found
        titles = next(ws.iter_rows(min_row=hrow, max_row=hrow, values_only=True))
        for c, i in blocks[0].items():
            headers.setdefault(c, str(titles[i]).strip())
        body = list(ws.iter_rows(min_row=hrow + 1, values_only=True))
        for b, cols in enumerate(blocks):
            data = {c: [r[i] if i < len(r) else None for r in body] for c, i in cols.items()}
            df = pd.DataFrame(data)
            df["row"] = np.arange(hrow + 1, hrow + 1 + len(body))
            df["sheet"], df["block"] = ws.title, b
            keep = df[[c for c in cols]].notna().any(axis=1)
            parts.append(df[keep])
    if other:
        raw._notes.append(ngettext(
            "Arket {sheets} er ikke lest inn: Innenfor leser antall og andel arbeidssøkere per område "
            "(ikke yrkesbakgrunn eller stillinger).",
            "Arkene {sheets} er ikke lest inn: Innenfor leser antall og andel arbeidssøkere per område "
            "(ikke yrkesbakgrunn eller stillinger).", len(other)).format(
            sheets=", ".join(f"«{s}»" for s in other)))
    if not parts:
        raise LoadError(_("NAV-filen har ingen ark med kolonnene År-måned, Arbeidsmarkedsstatus "
                          "hovedgruppe og Beh personer i mnd / % av arbeidsstyrken."))
    return pd.concat(parts, ignore_index=True)


def near_miss(raw: RawFile) -> str | None:
    """A CSV header with NAV's columns, but not all that are needed: name the missing ones."""
    if raw.is_zip or not raw.first_lines:
        return None
    head = raw.first_lines[0]
    found = {_canon(c) for c in next(csv.reader([head], delimiter=_sep(head)))} - {None}
    if len(found) < 3:
        return None
    need = {"period": "År-måned", "category": "Arbeidsmarkedsstatus hovedgruppe",
            "label": _("Nåværende Kommune Nr Navn (eller Nåværende Fylke Nr Navn)"),
            "count": _("Beh personer i mnd (eller % av arbeidsstyrken)")}
    if {"name", "level"} <= found:
        found.add("label")
    if found & {"percent", "fraction"}:
        found.add("count")
    missing = [text for key, text in need.items() if key not in found]
    if not missing:
        return None
    return ngettext("Ukjent filformat: filen ligner NAVs arbeidsmarkedsstatus per måned, men mangler "
                    "kolonnen {columns}. Last ned uttrekket på nytt med alle kolonnene.",
                    "Ukjent filformat: filen ligner NAVs arbeidsmarkedsstatus per måned, men mangler "
                    "kolonnene {columns}. Last ned uttrekket på nytt med alle kolonnene.",
                    len(missing)).format(columns=", ".join(f"«{m}»" for m in missing))


def _read_csv(raw: RawFile, headers: dict) -> pd.DataFrame:
    sep = _sep(raw.first_lines[0] if raw.first_lines else "")
    if not raw.data[-16:].rstrip(b"\0").endswith((b"\n", b"\r")):
        # NAV ends every line; a last line without an ending is a cut-off file, and its last
        # cell (the share) may be cut short: '3,6' → '3'.
        last = (raw.text or "").count("\n") + 1
        raise LoadError(_("Filen slutter midt i rad {row} (uten linjeskift); den kan være avkortet. "
                          "Last ned filen på nytt fra NAV.").format(row=last))
    names = next(csv.reader([raw.first_lines[0]], delimiter=sep))   # as detect() read them
    try:   # pyarrow: the benchmark's 1M-row file reads in well under a second
        table = _arrow_csv(raw, sep, len(names))
    except ValueError:   # (pyarrow's ArrowInvalid is one)
        table = None
        if not any(line.strip() for line in (raw.text or "").splitlines()[1:]):   # header only
            table = pa.table({f"f{i}": pa.array([], pa.string()).dictionary_encode()
                              for i in range(len(names))})
    if table is None or table.num_columns != len(names):
        raise LoadError(_bad_line(raw.text or "", sep))
    block = _blocks(names)[0]
    headers.update({c: names[i].strip() for c, i in block.items()})
    out = pa.table([table.column(i) for i in block.values()], names=list(block)).to_pandas()
    n = len(out)
    return out.assign(row=np.arange(2, n + 2), block=0,
                      sheet=pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), categories=pd.Index([""])))


def _arrow_csv(raw: RawFile, sep: str, width: int) -> pa.Table:
    """The rows after the header as an Arrow table, columns by position, every cell as text as
    in the file ('*', '1 234'), dictionary-encoded while parsing: a column repeats a few hundred
    labels and numbers, so each is kept once (pandas gets categoricals) and normalise() parses
    each distinct value once."""
    read = pcsv.ReadOptions(skip_rows=1, autogenerate_column_names=True,
                            **({} if raw.encoding == "utf-8" else {"encoding": raw.encoding}))
    text = pcsv.ConvertOptions(column_types={f"f{i}": pa.dictionary(pa.int32(), pa.string())
                                             for i in range(width)},
                               null_values=[], strings_can_be_null=False,
                               quoted_strings_can_be_null=False)
    return pcsv.read_csv(io.BytesIO(raw.data), read_options=read,
                         parse_options=pcsv.ParseOptions(delimiter=sep), convert_options=text)


def _bad_line(text: str, sep: str) -> str:
    """Name the first row whose cell count differs from the header (only on the error path)."""
    reader = csv.reader(io.StringIO(text), delimiter=sep)
    width = len(next(reader, []))
    for n, cells in enumerate(reader, start=2):
        if cells and len(cells) != width:
            return _("Rad {row} har {n} kolonner, men overskriften har {header}. Er filen avkortet, eller "
                     "brukes «{sep}» inne i en verdi?").format(row=n, n=integer(len(cells)),
                                                              header=integer(width), sep=sep)
    return _("NAV-filen kan ikke leses som CSV. Last den ned på nytt.")


def _factor(s: pd.Series, fn):
    """Apply fn once per distinct value: (codes into the results, list of results)."""
    idx, uniq = factorize(s)
    if isinstance(s.dtype, pd.CategoricalDtype) and not np.bincount(idx, minlength=len(uniq)).all():
        idx, uniq = factorize(s.cat.remove_unused_categories())   # fn sees only values rows have
    return idx, [fn(u) for u in uniq]


def _first_row(df: pd.DataFrame, mask) -> str:
    i = int(np.flatnonzero(np.asarray(mask))[0])
    return where(df["sheet"].iat[i], int(df["row"].to_numpy()[i]))


def _parse_values(df, col, decimal):
    """(value array, codes, [(value, status, note) per distinct cell]) for a number column."""
    def one(v):
        try:
            return parse_cell(v, decimal)
        except ValueError as e:
            return e
    idx, res = _factor(df[col], one)
    bad = [i for i, r in enumerate(res) if isinstance(r, ValueError)]
    if bad:
        said = (_("{where}: {error} (kolonnen for antall).") if col == "count"
                else _("{where}: {error} (kolonnen for andel)."))
        raise LoadError(said.format(where=_first_row(df, np.isin(idx, bad)), error=res[bad[0]]))
    value = np.array([np.nan if r[0] is None else r[0] for r in res], dtype="float64")[idx]
    return value, idx, res


def _decimal(df, cols, xlsx) -> str:
    if xlsx:
        return ","
    sample = {v for c in cols for v in _factor(df[c], str)[1]}
    return "," if any(re.fullmatch(r"\d+,\d+", v) for v in sample) else "."


def normalise(table):
    df: pd.DataFrame = table["frame"]
    notes: list = table.setdefault("notes", [])
    if (df["block"] > 0).any():
        # NAV's second pivot block may repeat rows of the first: keep one of each identical row.
        data_cols = [c for c in df.columns if c not in ("row", "sheet", "block")]
        df = df[~(df.duplicated(subset=data_cols) & (df["block"] > 0))].reset_index(drop=True)
    if table.get("xlsx") and df["sheet"].nunique() > 1:
        df = one_copy_per_sheet(df, notes)
    if df.empty:
        return normalised_frame([])
    n = len(df)
    coded = {"period": _factor(df["period"], month_of)[::-1]}

    # Places: by number and name, or (processed files) by name within a level and year.
    if "label" in df:
        idx, res = _factor(df["label"], place_by_label)
        labels = df["label"]
    else:
        idx, res = _names(df, coded["period"])
        labels = df["name"]
    bad = [i for i, r in enumerate(res) if isinstance(r, str) and r != "skip"]
    if bad:
        raise LoadError(f"{_first_row(df, np.isin(idx, bad))}: {res[bad[0]]}.",
                        [f"{_first_row(df, idx == i)}: {res[i]}." for i in bad[1:20]])
    skip = np.array([r == "skip" for r in res])[idx]
    if skip.any():
        notes.append(skipped_warning(pd.unique(labels[skip]), int(skip.sum())))
    place = [r if isinstance(r, tuple) else ("", "", "") for r in res]
    # Text columns as (distinct values, index of each row): built once, at the end (_frame).
    coded |= {name: ([p[i] for p in place], idx) for i, name in enumerate(("region", "region_name", "level"))}
    coded["category"] = _mapped(df, "category", category_code, _(
        "{where}: ukjent arbeidsmarkedsstatus «{value}» (forventet Helt ledige, Delvis ledige eller "
        "Arbeidssøkere på tiltak)."))
    coded["sex"] = _mapped(df, "sex", sex_code, _(
        "{where}: ukjent kjønn «{value}» (forventet Kvinner, Menn eller Begge kjønn).")) \
        if "sex" in df else (["alle"], np.zeros(n, dtype=np.intp))
    coded["age"] = (["alle"], np.zeros(n, dtype=np.intp))
    if "age" in df:
        # Only all ages and under 30 are Innenfor's groups; other age groups are left out.
        idx_a, res_a = _factor(df["age"], lambda v: AGES.get(codes.fold_name(str(v or ""))))
        other = np.array([r is None for r in res_a])[idx_a]
        coded["age"] = (res_a, idx_a)
        if other.any():
            groups = pd.unique(df["age"][other])
            notes.append(ngettext("Aldersgruppen {groups} er ikke med i Innenfor ({rows} er ikke lest inn).",
                                  "Aldersgruppene {groups} er ikke med i Innenfor ({rows} er ikke lest inn).",
                                  len(groups)).format(groups=", ".join(f"«{a}»" for a in groups),
                                                      rows=rows(int(other.sum()))))
            skip |= other
    coded["sheet"] = _factor(df["sheet"], lambda x: x if isinstance(x, str) else "")[::-1]   # for messages

    decimal = _decimal(df, [c for c in ("count", "percent", "fraction") if c in df],
                       table.get("xlsx"))
    share = None
    for col in ("percent", "fraction"):
        if col in df:
            share = _parse_values(df, col, decimal)
            if col == "fraction":
                if (share[0] > 1).any():
                    raise LoadError(_("{where}: «Andel av arbeidsstyrken» er over 1, så den er ikke en "
                                      "andel (brøk). Bruk kolonnenavnet «% av arbeidsstyrken» for "
                                      "prosent.").format(where=_first_row(df, share[0] > 1)))
                share = (np.round(share[0] * 100, 10),) + share[1:]   # fraction → percent
            else:
                share = percent_or_fraction(share, ~skip, table.get("headers", {}).get(col, col),
                                            df, notes)
    keep = ~skip
    parts = []   # (indicator, (value, index, [(value, status, note)]), numerator)
    if "count" in df:
        count = false_zeros(_parse_values(df, "count", decimal), share, keep, notes)
        parts.append(("arbeidssokere", count, count[0]))
    if share is not None:
        parts.append(("arbeidssokere_andel", share, np.full(n, np.nan)))
    out = _frame(parts, coded, df["row"].to_numpy(), keep)
    if "count" in df and {"alle", "kvinner", "menn"} <= set(coded["sex"][0]):
        check_totals(out[out["indicator"] == "arbeidssokere"])
    df = normalised_frame(out)
    notes.extend(implausible(df))
    return df


def _frame(parts, coded, row, keep) -> pd.DataFrame:
    """The normalised rows: each kept file row once per indicator (count, share). Text columns
    are categoricals over the distinct values (coded_strings), which validate/harmonise reuse."""
    pick = (lambda a: a) if keep.all() else (lambda a: a[keep])   # (no copy when all are kept)
    n, k = int(keep.sum()), len(parts)
    cols: dict[str, Any] = {name: coded_strings(values, pick(idx), repeat=k)
                            for name, (values, idx) in coded.items()}
    results: list = []
    res_idx = []
    for _indicator, (_v, idx, res), _num in parts:
        res_idx.append(pick(idx) + len(results))   # each part's cells numbered after the last's
        results += res
    status_idx = np.concatenate(res_idx) if parts else np.zeros(0, dtype=np.intp)
    cols.update(
        indicator=coded_strings([p[0] for p in parts], np.repeat(np.arange(k), n)),
        value=np.concatenate([pick(p[1][0]) for p in parts]) if parts else np.zeros(0),
        numerator=np.concatenate([pick(p[2]) for p in parts]) if parts else np.zeros(0),
        denominator=np.full(n * k, np.nan),
        status=coded_strings([r[1] for r in results], status_idx),
        note=coded_strings([r[2] for r in results], status_idx),
        row=np.tile(pick(row), k))
    return pd.DataFrame(cols, copy=False)   # (copy=True would stack the float columns: 48 MB)


def _mapped(df, col, fn, message: str):
    """fn's code per row; a value fn does not know is refused with `message` ({where}, {value})."""
    idx, res = _factor(df[col], fn)
    bad = [i for i, r in enumerate(res) if r is None]
    if bad:
        first = np.isin(idx, bad)
        raise LoadError(message.format(where=_first_row(df, first), value=df[col][first].iat[0]))
    return res, idx


def _names(df: pd.DataFrame, period: tuple) -> tuple[np.ndarray, list]:
    """Places by name (no numbers): each distinct (level, name, county, year) placed once
    (nav_common.place_by_name), since a name may be one place in one year and two in another."""
    n = len(df)
    parts = [factorize(df[c]) if c in df else (np.zeros(n, dtype=np.intp), [""])
             for c in ("level", "name", "county")]
    values, idx = period
    years = [periods.year(v) or 0 for v in values]
    parts.append((np.asarray(idx, dtype=np.intp), years))
    code = np.zeros(n, dtype=np.int64)
    for i, uniq in parts:
        code = code * max(len(uniq), 1) + i
    combos, inverse = np.unique(code, return_inverse=True)
    res = []
    for combo in combos:
        rest, key = int(combo), []
        for _i, uniq in reversed(parts):
            rest, k = divmod(rest, max(len(uniq), 1))
            key.append(uniq[k])
        res.append(place_by_name(tuple(reversed(key))))
    return inverse.astype(np.intp), res
