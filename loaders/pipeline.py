"""detect → read → normalise → validate → load, the same for every format.

Format modules do the first three; this module harmonises region codes, validates, and writes
the whole file in one transaction (or nothing)."""
from __future__ import annotations

import datetime
import logging
import os
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

import indicators
from geo import codes
from loaders import merges, store
from loaders.base import (STATUSES, VALUE_STATUSES, LoadError, RawFile, coded_strings, factorize,
                          fmt_number, mojibake, plain, remember_factors, where)

MAX_BYTES = int(os.environ.get("INNENFOR_MAX_UPLOAD_MB", "50")) * 1024 * 1024
MAX_PROBLEMS = 20

log = logging.getLogger(__name__)

PERIOD_PATTERNS = {
    "year": re.compile(r"^(19|20)\d\d$"),
    "month": re.compile(r"^(19|20)\d\d-(0[1-9]|1[0-2])$"),
    "school_year": re.compile(r"^(19|20)\d\d-(19|20)\d\d$"),
}
PERIOD_EXAMPLES = {"year": "2022", "month": "2021-05", "school_year": "2020-2021"}
# Years a figure can be about: the sources' series start after 2000 (SSB's NEET in 2008, NAV's
# monthly files in 2001); a year far ahead is a typo (2099, 2202).
FIRST_YEAR = 2000


@dataclass
class LoadResult:
    file_name: str
    outcome: str = "rejected"          # loaded | duplicate | rejected | checked
    format_name: str = ""
    rows: int = 0
    rejected_rows: int = 0
    message: str = ""
    problems: list = field(default_factory=list)
    problem_count: int = 0             # all problems; `problems` may list only the first ones
    warnings: list = field(default_factory=list)
    observations: pd.DataFrame | None = None
    source_id: int | None = None

    @property
    def ok(self) -> bool:
        return self.outcome in ("loaded", "duplicate", "checked")

    def line(self) -> str:
        """One line in Norwegian for the command line and the upload page."""
        fmt = self.format_name or "ukjent format"
        if self.outcome == "loaded":
            s = f"{self.file_name}: {fmt} – {fmt_int(self.rows)} rader lastet inn, 0 avvist."
        elif self.outcome == "duplicate":
            s = f"{self.file_name}: {fmt} – {self.message}"
        elif self.outcome == "checked":
            s = f"{self.file_name}: {fmt} – {fmt_int(self.rows)} rader er gyldige (ikke lagret ennå)."
        else:
            gone = f"{fmt_int(self.rejected_rows)} avvist" if self.rejected_rows else "hele filen avvist"
            s = f"{self.file_name}: {fmt} – AVVIST, 0 rader lastet inn, {gone}. {self.message}"
            if self.problems:
                s += " " + " ".join(self.problems[:5])
                total = max(self.problem_count, len(self.problems))
                if total > 5:
                    s += f" (og {fmt_int(total - 5)} problemer til)"
        if self.warnings and self.outcome != "rejected":   # a rejected file stored nothing
            s += " Merk: " + " ".join(self.warnings[:3])
        return s


def fmt_int(n: int) -> str:
    return f"{n:,}".replace(",", "\u00a0")


def formats():
    """The format modules, in the order detection tries them (most specific first)."""
    from loaders import FORMATS
    return FORMATS


def detect(raw: RawFile):
    for mod in formats():
        try:
            if mod.detect(raw):
                return mod
        except LoadError:
            raise
        except Exception:  # noqa: BLE001 - a detector that trips means "not mine"
            continue
    raise LoadError(unrecognised(raw))


_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")   # the stream an encrypted .xlsx is kept in
_HTML = re.compile(r"<\s*(!doctype\s+html|html|table|head|body)\b", re.I)
_ENCODING_NAMES = {"utf-16": "UTF-16", "utf-16-le": "UTF-16", "utf-8-sig": "UTF-8"}


def unrecognised(raw: RawFile) -> str:
    """Why no format module took the file, as specifically as the bytes allow."""
    expected = "; ".join(m.NAME for m in formats())
    if raw.is_ole2:
        if _ENCRYPTED in raw.data:
            return ("Excel-filen er passordbeskyttet (kryptert), så Innenfor kan ikke lese den. Åpne "
                    "den i Excel, fjern passordet (Fil → Info → Beskytt arbeidsbok → Krypter med "
                    "passord) og lagre den på nytt som .xlsx.")
        return ("Filen er i det gamle Excel-formatet (.xls, Excel 97–2003), som Innenfor ikke leser. "
                "Åpne den i Excel og lagre den som Excel-arbeidsbok (.xlsx).")
    if raw.is_zip and not raw.is_xlsx:
        if raw.zip_is_broken:
            return ("Excel-filen kan ikke åpnes: den er skadet eller avkortet (zip-arkivet er "
                    "ufullstendig). Last ned filen på nytt.")
        return ("Ukjent filformat: filen er et zip-arkiv, men ikke en Excel-fil (.xlsx). "
                f"Forventet en av: {expected}.")
    if raw.is_xlsx:
        try:
            names = ", ".join(f"«{n}»" for n in raw.workbook.sheetnames[:10])
        except LoadError as e:
            return e.message
        return (f"Ukjent filformat: ingen av arkene i Excel-filen ({names}) har et oppsett Innenfor "
                f"kjenner igjen. Forventet en av: {expected}.")
    if raw.encoding is None:
        head = raw.data[:4000]
        if len(head) >= 4 and head[0::2].count(0) > 0.8 * len(head[0::2]) and head[1] != 0:
            return ("Filen er lagret som UTF-16 big-endian uten BOM, som Innenfor ikke leser. Lagre "
                    "den som UTF-8 (eller ISO-8859-1) og prøv igjen.")
        return ("Ukjent filformat: filen ser ut til å være binær, ikke tekst eller Excel. "
                f"Forventet en av: {expected}.")
    if raw.text is None:
        name = _ENCODING_NAMES.get(raw.encoding, raw.encoding)
        return (f"Filen kan ikke leses som {name}: den slutter midt i et tegn eller har ugyldige "
                "tegn, og kan være avkortet. Last ned filen på nytt.")
    if not raw.text.strip():
        return "Filen er tom."
    head = raw.head_text or ""
    if _HTML.search(head[:2000]):
        return ("Filen er en nettside (HTML), ikke en Excel-fil, selv om navnet kan slutte på .xls. "
                "Åpne den i Excel og lagre den som Excel-arbeidsbok (.xlsx), eller last ned tabellen "
                "som CSV.")
    for mod in formats():
        miss = getattr(mod, "near_miss", None)
        if miss and (text := miss(raw)):
            return text
    if any(mojibake(line) for line in raw.first_lines):
        return ("Ukjent filformat: kjente ikke igjen oppsettet, og teksten har feil tegnkoding "
                "(f.eks. «Ã¥» der det skulle stått «å»): filen er trolig åpnet og lagret på nytt med "
                "feil tegnsett. Bruk originalfilen, eller lagre den som UTF-8. "
                f"Forventet en av: {expected}.")
    return f"Ukjent filformat: kjente ikke igjen oppsettet i filen. Forventet en av: {expected}."


def _combined(df: pd.DataFrame, cols: list[str]) -> tuple[np.ndarray, int]:
    """(a number per row for its combination of `cols`, the numbers' upper bound): a factorize
    per column, combined arithmetically."""
    n = len(df)
    code = np.zeros(n, dtype=np.int64)
    size = 1
    for c in cols:
        idx, uniq = factorize(df[c])
        k = max(len(uniq), 1)
        if size * k >= 2 ** 62:   # keep the combined number small
            code = pd.factorize(code)[0].astype(np.int64)
            size = int(code.max()) + 1 if n else 1
        code *= k   # (in place: no new 8-byte array per column)
        code += idx
        size *= k
    return code, size


def _groups(df: pd.DataFrame, cols: list[str], ordered: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """(group number of each row, position of each group's first row) for the distinct values
    of `cols`, numbered in order of first appearance (ordered=False: in no particular order).
    Vectorised: the combinations (_combined) numbered through a dense table when there can be
    few (a file has a few hundred places and periods), else a hash table."""
    n = len(df)
    code, size = _combined(df, cols)
    if size <= 2 * n:   # a table of every possible combination costs at most 10 bytes a row
        seen = np.zeros(size, dtype=bool)
        seen[code] = True
        dense = np.cumsum(seen, dtype=np.int32) - 1   # group numbers in order of `code`
        grp = dense[code]
        first = np.full(int(seen.sum()), n, dtype=np.int64)
        np.minimum.at(first, grp, np.arange(n, dtype=np.int64))
        if not ordered:
            return grp, first
        order = np.argsort(first, kind="stable")   # renumber in order of first appearance
        renumber = np.empty_like(order)
        renumber[order] = np.arange(len(order))
        return renumber[grp], first[order]
    grp = pd.factorize(code)[0]
    first = pd.Series(grp).drop_duplicates().index.to_numpy()
    return grp, first


def harmonise(df: pd.DataFrame) -> tuple[pd.DataFrame, list[str], list[str]]:
    """Map every region to its 2024 code; sum merged municipalities' counts.

    Returns (observations keyed by 2024 code, problems, warnings). The rows are assumed to have
    passed validate(); with duplicates in them only the problems mean anything."""
    problems: list[str] = []
    warnings: list[str] = []
    county_breaks, split_notes = set(), {}
    # Work on each distinct label once (a NAV file repeats the same few hundred labels).
    grp, first = _groups(df, ["region", "region_name", "level"])
    labels = df[["region", "region_name", "level", "row", "sheet"]].iloc[first]
    code_of: list[str | None] = [None] * len(first)
    exact_of = np.ones(len(first), dtype=bool)
    for i, (code, name, level, row, sheet) in enumerate(
            labels[["region", "region_name", "level", "row", "sheet"]].itertuples(index=False)):
        at = f"{where(sheet, row)}: " if row else ""
        if level == "land":
            if code != codes.NORWAY or not codes.name_matches(code, name):
                problems.append(f"{at}«{code} {name}» er ikke «0 Hele landet».")
            code_of[i] = codes.NORWAY
        elif level == "fylke":
            c = codes.county_to_2024(code)
            if c is None:
                problems.append(f"{at}ukjent fylkesnummer {code} («{name}»).")
                continue
            if not codes.name_matches(code, name):
                problems.append(f"{at}fylkesnummer {code} og navnet «{name}» passer ikke sammen."
                                + _encoding_hint(name))
            code_of[i], exact_of[i] = c
            if not c[1]:
                county_breaks.add(code)
        else:
            h = codes.to_2024(code)
            if h is None:
                problems.append(f"{at}ukjent kommunenummer {code}" + (f" («{name}»)." if name else "."))
                continue
            if not codes.name_matches(code, name):
                known = " / ".join(sorted(codes.known_names()[code]))
                problems.append(f"{at}kommunenummer {code} heter «{known}», ikke «{name}»."
                                + _encoding_hint(name))
            if not h.exact:
                split_notes[code] = h.split_into
            code_of[i], exact_of[i] = h.code, h.exact
    if problems:
        return df.iloc[0:0], problems, warnings
    for code, parts in split_notes.items():
        warnings.append(f"{code} {codes.name_of(code)} ble delt ({' og '.join(parts)}); tallene lagres "
                        f"på {code} og fordeles ikke.")
    lab_level = labels["level"].to_numpy(dtype=object)
    lab_region = labels["region"].to_numpy(dtype=object)
    status = df["status"]
    has_value = status.isin(VALUE_STATUSES).to_numpy()
    df = df.assign(region_code=coded_strings(code_of, grp), exact=exact_of[grp])
    # An old county whose borders moved (07 Vestfold lost Svelvik) is not the same series.
    if county_breaks:
        moved = np.array([lv == "fylke" and r in county_breaks
                          for lv, r in zip(lab_level, lab_region)])[grp] & has_value
        df = plain(df, ["status", "note"])
        df.loc[moved, "status"] = "break"
        df.loc[moved, "note"] = ("fylke " + df.loc[moved, "region"].astype("str")
                                 + " hadde andre grenser enn i dag")
    # A code not in use in the period, published with no number, is SSB's "cannot occur": drop it.
    kommune = lab_level == "kommune"
    span = np.array([codes.valid_years(r) if k else (0, 9999) for r, k in zip(lab_region, kommune)],
                    dtype=np.int64).reshape(-1, 2)
    pidx, periods = factorize(df["period"])
    years = np.array([period_year(p) or -1 for p in periods], dtype=np.int64)[pidx]
    in_use = ~kommune[grp] | (years < 0) | ((span[grp, 0] <= years) & (years < span[grp, 1]))
    df["in_use"] = in_use
    keep = in_use | has_value | (status == "suppressed").to_numpy()
    if not keep.all():
        df, grp, years = df[keep], grp[keep], years[keep]
    partial = merges.incomplete(df, grp, years, code_of, lab_region, lab_level, span)
    # Several published codes in one 2024 code (a merger, an old and a new number): sum them.
    # Only rows under such a code can need it; the rest are one row per key already.
    regions_in: dict[str, set] = {}
    for c, r in zip(code_of, lab_region):
        regions_in.setdefault(c, set()).add(r)
    shared = np.array([len(regions_in[c]) > 1 for c in code_of], dtype=bool)[grp]
    if shared.any():
        out = pd.concat([df[~shared], _combine(plain(df[shared]), problems)], ignore_index=True)
    else:
        out = df.reset_index(drop=True)
    if split_notes:
        out = plain(out, ["status", "note"])
        _mark_split_neighbours(out, df, split_notes)
    if partial is not None:
        out = merges.mark(out, partial, warnings)
    return out, problems, warnings


def _encoding_hint(name: str) -> str:
    fixed = mojibake(name)
    return (f" Navnet har trolig feil tegnkoding («{fixed}» lagret som UTF-8 og lest som "
            "ISO-8859-1): lagre filen med én tegnkoding (UTF-8) og prøv igjen.") if fixed else ""


def period_year(period: str) -> int | None:
    """The calendar year a period belongs to; a school year counts as its spring (15 June).
    None for a period that is not one (validate() names those)."""
    p = str(period)
    y = p[:4] if len(p) == 7 else p[-4:]
    return int(y) if len(p) >= 4 and y.isdigit() and y.isascii() else None


def _combine(df: pd.DataFrame, problems: list[str]) -> pd.DataFrame:
    """One row per 2024 key. Merged municipalities: sum counts, recompute shares, never
    average them; a suppressed or missing part makes the sum suppressed or missing."""
    key = ["indicator", "region_code", "period", "age", "sex", "category"]
    size = df.groupby(key, sort=False)["region"].transform("size")
    single, multi = df[size == 1], df[size > 1].copy()
    if multi.empty:
        return single.reset_index(drop=True)
    # Rows under a number not in use that period only count when nothing current is published.
    has_current = multi.groupby(key, sort=False)["in_use"].transform("any")
    stale = multi[has_current & ~multi["in_use"] & multi["status"].isin(VALUE_STATUSES)]
    if not stale.empty:
        current = multi[multi["in_use"]]
        col = "value"
        a = current.groupby(key)[col].sum()
        b = stale.groupby(key)[col].sum()
        for k in b.index[(a.reindex(b.index) - b).abs() > 1e-6][:MAX_PROBLEMS]:
            problems.append(f"{k[1]} {k[2]}: både gammelt og nytt kommunenummer har tall for samme "
                            "område og periode, og de stemmer ikke overens.")
    multi = multi[multi["in_use"] | ~has_current]
    kinds = multi["indicator"].map({k: i.kind for k, i in indicators.all_indicators().items()})
    multi = multi.assign(
        _sup=multi["status"] == "suppressed", _mis=multi["status"] == "missing",
        _brk=multi["status"] == "break", _prov=multi["status"] == "provisional",
        _numna=multi["numerator"].isna(), _denna=multi["denominator"].isna(), _share=kinds == "share")
    g = multi.groupby(key, sort=False)
    out = g.agg(region_name=("region_name", "first"), level=("level", "first"), row=("row", "first"),
                value=("value", "sum"), numerator=("numerator", "sum"),
                denominator=("denominator", "sum"), parts=("region", lambda r: ", ".join(sorted(r))),
                n=("region", "size"), sup=("_sup", "any"), mis=("_mis", "any"), brk=("_brk", "any"),
                prov=("_prov", "any"), numna=("_numna", "any"), denna=("_denna", "any"),
                share=("_share", "first"), region=("region", "first"),
                exact=("exact", "all"), in_use=("in_use", "any")).reset_index()
    one = out["n"] == 1   # a group that had only stale rows dropped is a single row again
    out["status"] = "ok"
    out.loc[out["prov"], "status"] = "provisional"
    out.loc[out["brk"], "status"] = "break"
    out["note"] = "summert fra " + out["parts"]
    cant_share = out["share"] & (out["numna"] | out["denna"])
    out.loc[out["share"] & ~cant_share, "value"] = 100 * out["numerator"] / out["denominator"]
    out.loc[out["numna"], "numerator"] = None
    out.loc[out["denna"], "denominator"] = None
    for mask, status, text in ((cant_share, "missing", "andeler for {} kan ikke slås sammen uten antall"),
                               (out["mis"], "missing", "mangler fordi en av {} mangler"),
                               (out["sup"], "suppressed", "skjermet fordi en av {} er skjermet")):
        out.loc[mask, "status"] = status
        out.loc[mask, "note"] = out.loc[mask, "parts"].map(text.format)
    gone = ~out["status"].isin(VALUE_STATUSES)
    out.loc[gone, ["value", "numerator"]] = None
    out.loc[one, "note"] = ""
    keep = single.columns
    return pd.concat([single, out.reindex(columns=keep)], ignore_index=True)


def _mark_split_neighbours(out: pd.DataFrame, df: pd.DataFrame, split_notes: dict) -> None:
    """A municipality that got part of a split one is incomplete in the periods before the split."""
    for code, parts in split_notes.items():
        periods = set(df.loc[df["region"] == code, "period"])
        mask = out["region_code"].isin(parts) & out["period"].isin(periods) & \
            out["status"].isin(VALUE_STATUSES)
        out.loc[mask, "status"] = "break"
        out.loc[mask, "note"] = f"uten den delen av {code} {codes.name_of(code)} som kom hit"


class Problems(list):
    """Problem texts, at most MAX_PROBLEMS per check, and how many there are in all."""
    total = 0


def validate(df: pd.DataFrame) -> Problems:
    """Problems with the normalised rows (before harmonisation), each naming its row.
    Vectorised: each check is a mask over all rows, and text checks (periods, ages, categories)
    run once per distinct value."""
    problems = Problems()
    known = indicators.all_indicators()

    def add(mask: np.ndarray, text) -> None:
        if not mask.any():
            return
        problems.total += int(mask.sum())
        for r in df[mask].head(MAX_PROBLEMS).itertuples(index=False):
            at = where(r.sheet, r.row) if r.row else f"{r.region} {r.period}"
            problems.append(f"{at}: {text(r)}")

    def per_value(col: str) -> tuple[np.ndarray, list]:
        """(number of each row's distinct value, the distinct values): checks run per value."""
        return factorize(df[col])

    ind_idx, ind_uniq = per_value("indicator")
    is_known = np.array([u in known for u in ind_uniq] or [False], dtype=bool)[ind_idx]
    add(~is_known, lambda r: f"ukjent indikator «{r.indicator}» (kjente: " + ", ".join(known) + ").")
    status_known = df["status"].isin(STATUSES).to_numpy()
    add(~status_known, lambda r: f"ukjent status «{r.status}».")
    p_idx, p_uniq = per_value("period")
    a_idx, a_uniq = per_value("age")
    c_idx, c_uniq = per_value("category")

    def table(values: list, test) -> np.ndarray:
        return np.array([bool(test(v)) for v in values] or [False], dtype=bool)

    school_year = table(p_uniq, PERIOD_PATTERNS["school_year"].match)
    consecutive = table(p_uniq, lambda p: PERIOD_PATTERNS["school_year"].match(p)
                        and int(p[:4]) + 1 == int(p[5:]))
    value, num, den = (df[c].to_numpy(dtype="float64") for c in ("value", "numerator", "denominator"))

    def not_count(v: np.ndarray) -> np.ndarray:
        with np.errstate(invalid="ignore"):
            return (v < 0) | (~np.isnan(v) & (v != np.round(v)))

    for k in sorted((k for k, u in enumerate(ind_uniq) if u in known), key=lambda k: ind_uniq[k]):
        ind_id = ind_uniq[k]
        ind = known[ind_id]
        m = ind_idx == k
        ok = table(p_uniq, PERIOD_PATTERNS[ind.period_type].match)
        add(m & ~ok[p_idx], lambda r: f"ugyldig periode «{r.period}» for {ind_id} (forventet f.eks. "
            f"{PERIOD_EXAMPLES[ind.period_type]}).")
        add(m & school_year[p_idx] & ~consecutive[p_idx],
            lambda r: f"skoleåret «{r.period}» må være to år etter hverandre.")
        last = datetime.date.today().year + 5
        in_years = table(p_uniq, lambda p: FIRST_YEAR <= (period_year(p) or FIRST_YEAR) <= last)
        add(m & ok[p_idx] & ~in_years[p_idx],
            lambda r: f"perioden «{r.period}» ligger utenfor {FIRST_YEAR}–{last} (skrivefeil i året?).")
        ages = table(a_uniq, lambda a: a in ind.ages + ("alle",) or a == "")
        add(m & ~ages[a_idx], lambda r: f"aldersgruppen «{r.age}» finnes ikke for {ind_id} ("
            + ", ".join(ind.ages) + ").")
        cats = table(c_uniq, lambda c: c in ind.categories)
        add(m & ~cats[c_idx], lambda r: f"kategorien «{r.category}» finnes ikke for {ind_id} ("
            + ", ".join(ind.categories) + ").")
        # Counts first: a share worked out from a bad count is not a second problem.
        bad = not_count(num) if ind.kind == "share" else not_count(value)
        add(m & bad, lambda r: "antallet " + fmt_number(r.numerator if ind.kind == "share" else r.value)
            + " er ikke et ikke-negativt heltall.")
        bad_den = not_count(den)
        add(m & bad_den,
            lambda r: f"nevneren {fmt_number(r.denominator)} er ikke et ikke-negativt heltall.")
        over = num > den
        add(m & over & ~bad & ~bad_den, lambda r: f"antallet ({fmt_number(r.numerator)}) er større "
            f"enn nevneren ({fmt_number(r.denominator)}).")
        if ind.kind == "share":
            add(m & ((value < 0) | (value > 100)) & ~bad & ~bad_den & ~over,
                lambda r: f"andelen {fmt_number(r.value)} er utenfor 0–100.")
    has_value = df["status"].isin(VALUE_STATUSES).to_numpy()
    add(is_known & has_value & np.isnan(value), lambda r: f"status «{r.status}» men ingen verdi.")
    add(is_known & ~has_value & ~np.isnan(value) & status_known,
        lambda r: f"status «{r.status}» skal ikke ha en verdi.")
    key = ["indicator", "region", "period", "age", "sex", "category"]
    code, size = _combined(df, key)
    if size <= 2 * len(df) and np.bincount(code, minlength=size).max(initial=0) <= 1:
        dup = np.zeros(len(df), dtype=bool)   # the usual case, found without numbering groups
    else:
        dup = np.ones(len(df), dtype=bool)
        dup[_groups(df, key, ordered=False)[1]] = False
    add(is_known & dup, lambda r: f"dobbel rad for {r.indicator} {r.region} {r.period} (alder {r.age}, "
        f"kjønn {r.sex}, kategori {r.category}).")
    return problems


def prepare(raw: RawFile, period: str | None = None):
    """detect, read, normalise, validate and harmonise: (format module, observations, result).
    `period` is the user's answer for a file that does not state its year (raw.period_hint)."""
    with remember_factors():   # columns are factorized once, however many checks group by them
        return _prepare(raw, period)


def _prepare(raw: RawFile, period: str | None):
    if period is not None:
        raw.period_hint = period
    result = LoadResult(file_name=raw.name)
    if len(raw.data) > MAX_BYTES:
        result.message = (f"Filen er for stor ({len(raw.data) / 1024 / 1024:.0f} MB). "
                          f"Største tillatte størrelse er {MAX_BYTES // 1024 // 1024} MB.")
        return None, None, result
    if not raw.data[:4096].strip() and not raw.data.strip():   # (no copy of a big file)
        result.message = "Filen er tom."
        return None, None, result
    mod = None
    try:
        mod = detect(raw)
        result.format_name = mod.NAME
        table = mod.read(raw)
        df = mod.normalise(table)
    except LoadError as e:
        result.message, result.problems = e.message, e.problems
        return None, None, result
    except Exception:  # noqa: BLE001 - a bug must not show the user a Python error
        log.exception("uventet feil ved lesing av %s", raw.name)
        result.message = ("Filen kunne ikke leses på grunn av en feil i Innenfor, ikke nødvendigvis i "
                          "filen" + (f" (lest som {mod.NAME})" if mod else "") + ". Ingenting er "
                          "lagret. Send filen til den som drifter Innenfor.")
        return None, None, result
    result.rejected_rows = len(df)
    if df.empty:
        result.message = "Fant ingen tallrader i filen."
        return mod, None, result
    found = validate(df)
    extra = list(getattr(mod, "validate", lambda d: [])(df))
    problems, total = found + extra, found.total + len(extra)
    if problems:  # still name unknown regions, so one round of fixing is enough
        more = harmonise(df)[1]
    else:
        df, more, result.warnings = harmonise(df)
    problems, total = problems + more, total + len(more)
    result.warnings[:0] = raw._notes  # what the format module left out (sheets, non-regions)
    if problems:
        result.message = f"Fant {fmt_int(total)} problem(er); ingenting er lagret."
        result.problems, result.problem_count = problems, total
        return mod, None, result
    units = {k: ind.unit for k, ind in indicators.all_indicators().items()}
    idx, ids = factorize(df["indicator"])
    df = df.assign(unit=coded_strings([units.get(i, "") for i in ids], idx),
                   note=df["note"].where(df["note"] != "", None))
    obs = df[store.KEY + ["value", "unit", "status", "numerator", "denominator", "note"]]
    result.rows, result.rejected_rows = len(obs), 0
    result.observations = obs.reset_index(drop=True)
    return mod, result.observations, result


def load_raw(raw: RawFile, db=None, *, loaded_by: str | None = None, is_demo: bool = False,
             dry_run: bool = False, period: str | None = None) -> LoadResult:
    """Load one file into the store: all rows or none. Loading the same bytes twice is a no-op.
    `period`: the year for files that do not state it (e.g. an SSB extract without a year column)."""
    if period is not None:
        raw.period_hint = period
    path = store.db_path(db)
    # The hash is needed only once the file is read: compute it meanwhile (hashlib lets go of
    # the GIL), then ask whether these bytes were loaded before, whatever prepare() found.
    hashing = threading.Thread(target=lambda: raw.sha256, daemon=True)
    hashing.start()
    mod, obs, result = prepare(raw)
    hashing.join()
    if path.exists():
        with store.reader(path) as con:
            seen = store.find_source(con, raw.sha256)
        if seen:
            return LoadResult(file_name=raw.name, outcome="duplicate", format_name=result.format_name,
                              message=f"Filen er allerede lastet inn (som «{seen[1]}», "
                                      f"{seen[2]:%d.%m.%Y %H:%M}); ingenting endret.")
    if obs is None:
        return result
    table = store.as_arrow(obs)   # converted once, for the conflict check and the write
    if dry_run:
        if path.exists():
            with store.reader(path) as con:
                clash = store.conflicts(con, table)
            if clash:
                return _conflict(result, obs, clash)
            _rounded(result, clash)
        result.outcome = "checked"
        return result
    try:
        with store.writer(path) as con:
            # Checked again under the lock: another coordinator may have saved meanwhile.
            seen = store.find_source(con, raw.sha256)
            if seen:
                result.outcome, result.rows = "duplicate", 0
                result.message = f"Filen er allerede lastet inn (som «{seen[1]}»); ingenting endret."
                raise store.Rollback
            clash = store.conflicts(con, table)
            if clash:
                _conflict(result, obs, clash)
                raise store.Rollback
            _rounded(result, clash)
            result.source_id = store.write(con, table, file_name=raw.name, sha256=raw.sha256,
                                           fmt=mod.NAME, loaded_by=loaded_by, is_demo=is_demo)
    except store.Rollback:
        return result
    except store.Busy as e:
        result.outcome, result.rows = "rejected", 0
        result.message = str(e)
        return result
    store.archive(raw.data, raw.sha256, path.parent / "raw")
    result.outcome = "loaded"
    return result


def _conflict(result: LoadResult, obs: pd.DataFrame, clash: store.Clash) -> LoadResult:
    result.outcome = "rejected"
    result.rejected_rows, result.rows = len(obs), 0
    rows = "1 rad" if clash.total == 1 else f"{fmt_int(clash.total)} rader"
    result.message = (f"Filen har andre tall enn det som allerede er lagret fra en annen fil "
                      f"({rows}); ingenting er lagret.")
    result.problems, result.problem_count = clash.problems, clash.total
    return result


def _rounded(result: LoadResult, clash: store.Clash) -> None:
    """Say which rows agree with the store only up to rounding. Both are stored (so undoing
    either file loses nothing); readers show the one stored first (indicators.queries)."""
    if clash.rounded:
        rows = "1 rad" if clash.rounded == 1 else f"{fmt_int(clash.rounded)} rader"
        example = clash.rounded_example
        result.warnings.append(
            f"{rows} har samme tall som allerede er lagret, bare avrundet annerledes"
            + (f" (f.eks. {example})" if example else "") + ". Tallene som allerede var lagret, "
            "vises fortsatt; filens tall lagres også og brukes hvis den andre filen fjernes.")


def load_path(file: str | os.PathLike, db=None, **kw) -> LoadResult:
    p = Path(file)
    try:
        if p.stat().st_size > MAX_BYTES:  # refuse before reading a huge file into memory
            return LoadResult(file_name=p.name, message=(
                f"Filen er for stor ({p.stat().st_size / 1024 / 1024:.0f} MB). "
                f"Største tillatte størrelse er {MAX_BYTES // 1024 // 1024} MB."))
        data = p.read_bytes()
    except OSError as e:
        why = ("filen finnes ikke" if isinstance(e, FileNotFoundError) else
               "mangler tilgang til filen" if isinstance(e, PermissionError) else
               "dette er en mappe, ikke en fil" if isinstance(e, IsADirectoryError) else
               "lesefeil fra disken")
        return LoadResult(file_name=p.name, message=f"Kunne ikke lese filen: {why}.")
    return load_raw(RawFile(p.name, data), db, **kw)
