"""detect → read → normalise → validate → load, the same for every format.

Format modules do the first three; this module harmonises region codes, validates, and writes
the whole file in one transaction (or nothing)."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

import indicators
from geo import codes
from loaders import store
from loaders.base import STATUSES, VALUE_STATUSES, LoadError, RawFile

MAX_BYTES = int(os.environ.get("INNENFOR_MAX_UPLOAD_MB", "50")) * 1024 * 1024
MAX_PROBLEMS = 20

PERIOD_PATTERNS = {
    "year": re.compile(r"^(19|20)\d\d$"),
    "month": re.compile(r"^(19|20)\d\d-(0[1-9]|1[0-2])$"),
    "school_year": re.compile(r"^(19|20)\d\d-(19|20)\d\d$"),
}
PERIOD_EXAMPLES = {"year": "2022", "month": "2021-05", "school_year": "2020-2021"}


@dataclass
class LoadResult:
    file_name: str
    outcome: str = "rejected"          # loaded | duplicate | rejected | checked
    format_name: str = ""
    rows: int = 0
    rejected_rows: int = 0
    message: str = ""
    problems: list = field(default_factory=list)
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
            s = (f"{self.file_name}: {fmt} – AVVIST, 0 rader lastet inn, "
                 f"{fmt_int(self.rejected_rows)} avvist. {self.message}")
            if self.problems:
                s += " " + " ".join(self.problems[:5])
                if len(self.problems) > 5:
                    s += f" (og {len(self.problems) - 5} problemer til)"
        if self.warnings:
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
    expected = "; ".join(m.NAME for m in formats())
    if raw.is_zip and not raw.is_xlsx:
        raise LoadError("Ukjent filformat: filen er et zip-arkiv, men ikke en Excel-fil (.xlsx). "
                        f"Forventet en av: {expected}.")
    if raw.encoding is None and not raw.is_xlsx:
        raise LoadError("Ukjent filformat: filen ser ut til å være binær, ikke tekst eller Excel. "
                        f"Forventet en av: {expected}.")
    raise LoadError(f"Ukjent filformat: kjente ikke igjen oppsettet i filen. Forventet en av: {expected}.")


def harmonise(df: pd.DataFrame) -> tuple[pd.DataFrame, list[str], list[str]]:
    """Map every region to its 2024 code; sum merged municipalities' counts.

    Returns (observations keyed by 2024 code, problems, warnings)."""
    problems: list[str] = []
    warnings: list[str] = []
    county_breaks, split_notes, mapping = [], {}, {}
    # Work on each distinct label once (a NAV file repeats the same few hundred labels).
    labels = df[["region", "region_name", "level"]].drop_duplicates()
    first_row = df.groupby(["region", "region_name", "level"], sort=False)["row"].first()
    for code, name, level in labels.itertuples(index=False):
        row = first_row[(code, name, level)]
        where = f"Rad {row}: " if row else ""
        if level == "land":
            if code != codes.NORWAY or not codes.name_matches(code, name):
                problems.append(f"{where}«{code} {name}» er ikke «0 Hele landet».")
            mapping[(code, name, level)] = (codes.NORWAY, True)
        elif level == "fylke":
            c = codes.county_to_2024(code)
            if c is None:
                problems.append(f"{where}ukjent fylkesnummer {code} («{name}»).")
                continue
            if not codes.name_matches(code, name):
                problems.append(f"{where}fylkesnummer {code} og navnet «{name}» passer ikke sammen.")
            mapping[(code, name, level)] = c
            if not c[1]:
                county_breaks.append(code)
        else:
            h = codes.to_2024(code)
            if h is None:
                problems.append(f"{where}ukjent kommunenummer {code} («{name}»).")
                continue
            if not codes.name_matches(code, name):
                known = " / ".join(sorted(codes.known_names()[code]))
                problems.append(f"{where}kommunenummer {code} heter «{known}», ikke «{name}».")
            if not h.exact:
                split_notes[code] = h.split_into
            mapping[(code, name, level)] = (h.code, h.exact)
    if problems:
        return df.iloc[0:0], problems, warnings
    keys = pd.MultiIndex.from_frame(df[["region", "region_name", "level"]])
    found = pd.Series(list(mapping.values()), index=pd.MultiIndex.from_tuples(list(mapping)),
                      dtype=object).reindex(keys)
    df = df.copy()
    df["region_code"] = [t[0] for t in found]
    df["exact"] = [t[1] for t in found]
    for code, parts in split_notes.items():
        warnings.append(f"{code} {codes.name_of(code)} ble delt ({' og '.join(parts)}); tallene lagres "
                        f"på {code} og fordeles ikke.")
    # An old county whose borders moved (07 Vestfold lost Svelvik) is not the same series.
    moved = df["level"].eq("fylke") & df["region"].isin(county_breaks) & df["status"].isin(VALUE_STATUSES)
    df.loc[moved, "status"] = "break"
    df.loc[moved, "note"] = "fylke " + df.loc[moved, "region"] + " hadde andre grenser enn i dag"
    # A code not in use in the period, published with no number, is SSB's "cannot occur": drop it.
    pairs = df[["region", "period", "level"]].drop_duplicates()
    pairs["in_use"] = [lvl != "kommune" or codes.valid_in(c, period_year(p))
                       for c, p, lvl in pairs.itertuples(index=False)]
    df = df.merge(pairs, on=["region", "period", "level"], how="left")
    df = df[df["in_use"] | df["status"].isin(VALUE_STATUSES + ("suppressed",))]
    out = _combine(df, problems)
    _mark_split_neighbours(out, df, split_notes)
    return out, problems, warnings


def period_year(period: str) -> int:
    """The calendar year a period belongs to; a school year counts as its spring (15 June)."""
    return int(period[:4]) if len(period) == 7 else int(period[-4:])


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


def validate(df: pd.DataFrame) -> list[str]:
    """Problems with the normalised rows (before harmonisation), each naming its row."""
    problems: list[str] = []
    known = indicators.all_indicators()

    def add(rows: pd.DataFrame, text: str) -> None:
        for r in rows.head(MAX_PROBLEMS).itertuples(index=False):
            where = f"Rad {r.row}" if r.row else f"{r.region} {r.period}"
            problems.append(f"{where}: {text.format(r=r)}")

    add(df[~df["indicator"].isin(known)], "ukjent indikator «{r.indicator}» (kjente: "
        + ", ".join(known) + ").")
    add(df[~df["status"].isin(STATUSES)], "ukjent status «{r.status}».")
    df = df[df["indicator"].isin(known)]
    for ind_id, g in df.groupby("indicator"):
        ind = known[ind_id]
        pat = PERIOD_PATTERNS[ind.period_type]
        add(g[~g["period"].str.match(pat)], "ugyldig periode «{r.period}» for " + ind_id +
            f" (forventet f.eks. {PERIOD_EXAMPLES[ind.period_type]}).")
        sy = g[g["period"].str.match(PERIOD_PATTERNS["school_year"])]
        add(sy[sy["period"].str.slice(0, 4).astype(int) + 1 != sy["period"].str.slice(5).astype(int)],
            "skoleåret «{r.period}» må være to år etter hverandre.")
        add(g[~g["age"].isin(ind.ages + ("alle",)) & (g["age"] != "")],
            "aldersgruppen «{r.age}» finnes ikke for " + ind_id + " (" + ", ".join(ind.ages) + ").")
        add(g[~g["category"].isin(ind.categories)],
            "kategorien «{r.category}» finnes ikke for " + ind_id + " (" + ", ".join(ind.categories) + ").")
        if ind.kind == "share":
            add(g[(g["value"] < 0) | (g["value"] > 100)], "andelen {r.value:g} er utenfor 0–100.")
        else:
            v = g["value"]
            add(g[(v < 0) | (v.notna() & (v != v.round()))],
                "antallet {r.value:g} er ikke et ikke-negativt heltall.")
        for col in ("numerator", "denominator") if ind.kind == "share" else ("denominator",):
            c = g[col]
            add(g[(c < 0) | (c.notna() & (c != c.round()))],
                col.replace("numerator", "antallet").replace("denominator", "nevneren")
                + " {r." + col + ":g} er ikke et ikke-negativt heltall.")
        add(g[g["numerator"] > g["denominator"]],
            "antallet ({r.numerator:g}) er større enn nevneren ({r.denominator:g}).")
    has_value = df["status"].isin(VALUE_STATUSES)
    add(df[has_value & df["value"].isna()], "status «{r.status}» men ingen verdi.")
    add(df[~has_value & df["value"].notna() & df["status"].isin(STATUSES)],
        "status «{r.status}» skal ikke ha en verdi.")
    key = ["indicator", "region", "period", "age", "sex", "category"]
    add(df[df.duplicated(key, keep="first")],
        "dobbel rad for {r.indicator} {r.region} {r.period} (alder {r.age}, kjønn {r.sex}, "
        "kategori {r.category}).")
    return problems


def prepare(raw: RawFile, period: str | None = None):
    """detect, read, normalise, validate and harmonise: (format module, observations, result).
    `period` is the user's answer for a file that does not state its year (raw.period_hint)."""
    if period is not None:
        raw.period_hint = period
    result = LoadResult(file_name=raw.name)
    if len(raw.data) > MAX_BYTES:
        result.message = (f"Filen er for stor ({len(raw.data) / 1024 / 1024:.0f} MB). "
                          f"Største tillatte størrelse er {MAX_BYTES // 1024 // 1024} MB.")
        return None, None, result
    if not raw.data.strip():
        result.message = "Filen er tom."
        return None, None, result
    try:
        mod = detect(raw)
        result.format_name = mod.NAME
        table = mod.read(raw)
        df = mod.normalise(table)
    except LoadError as e:
        result.message, result.problems = e.message, e.problems
        return None, None, result
    result.rejected_rows = len(df)
    if df.empty:
        result.message = "Fant ingen tallrader i filen."
        return mod, None, result
    problems = validate(df) + list(getattr(mod, "validate", lambda d: [])(df))
    if problems:  # still name unknown regions, so one round of fixing is enough
        problems += harmonise(df)[1]
    else:
        df, problems, result.warnings = harmonise(df)
    result.warnings[:0] = raw._notes  # what the format module left out (sheets, non-regions)
    if problems:
        result.message = f"Fant {len(problems)} problem(er); ingenting er lagret."
        result.problems = problems
        return mod, None, result
    units = {k: ind.unit for k, ind in indicators.all_indicators().items()}
    df = df.assign(unit=df["indicator"].map(units))
    df["note"] = df["note"].where(df["note"] != "", None)
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
    if path.exists():
        with store.reader(path) as con:
            seen = store.find_source(con, raw.sha256)
        if seen:
            r = LoadResult(file_name=raw.name, outcome="duplicate",
                           message=f"Filen er allerede lastet inn (som «{seen[1]}», "
                                   f"{seen[2]:%d.%m.%Y %H:%M}); ingenting endret.")
            _mod, _obs, checked = prepare(raw)
            r.format_name = checked.format_name
            return r
    mod, obs, result = prepare(raw)
    if obs is None:
        return result
    if dry_run:
        if path.exists():
            with store.reader(path) as con:
                clash = store.conflicts(con, obs)
            if clash:
                return _conflict(result, obs, clash)
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
            clash = store.conflicts(con, obs)
            if clash:
                _conflict(result, obs, clash)
                raise store.Rollback
            result.source_id = store.write(con, obs, file_name=raw.name, sha256=raw.sha256,
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


def _conflict(result: LoadResult, obs: pd.DataFrame, clash: list[str]) -> LoadResult:
    result.outcome = "rejected"
    result.rejected_rows, result.rows = len(obs), 0
    result.message = ("Filen har andre tall enn det som allerede er lagret fra en annen fil; "
                      "ingenting er lagret.")
    result.problems = clash
    return result


def load_path(file: str | os.PathLike, db=None, **kw) -> LoadResult:
    p = Path(file)
    try:
        if p.stat().st_size > MAX_BYTES:  # refuse before reading a huge file into memory
            return LoadResult(file_name=p.name, message=(
                f"Filen er for stor ({p.stat().st_size / 1024 / 1024:.0f} MB). "
                f"Største tillatte størrelse er {MAX_BYTES // 1024 // 1024} MB."))
        data = p.read_bytes()
    except OSError as e:
        return LoadResult(file_name=p.name, message=f"Kunne ikke lese filen: {e.strerror}.")
    return load_raw(RawFile(p.name, data), db, **kw)
