"""Shaping query results for the views: pure pandas, no Streamlit, no SQL.

Pages fetch frames through ui.data (cached calls of indicators.queries) and hand them to these
functions and to indicators.charts; exports can call the same functions."""
from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

import pandas as pd

from geo import codes as geocodes
from geo import regions as georegions
from indicators import format as fmt
from vocab import regions
from vocab.i18n import N_, _
from vocab.indicators import Indicator
from vocab.periods import shift_years
from vocab.regions import NORWAY, SEED_COUNTIES  # noqa: F401  (names the views use)
from vocab.regions import VESTFOLD_OG_TELEMARK as VT  # noqa: F401
from vocab.status import COMPUTED_WORD, combined
from vocab.status import WORDS as STATUS_WORDS

# The four indicator families of Min kommune, each with the indicators that can stand for it
# (the first one with data is shown). The descriptions name no age: the heading adds the age
# band of the figures shown (indicators.facts.family_heading). The first item is a key, the
# description bokmål: show it as _(description).
FAMILIES = [
    ("NEET", N_("Unge utenfor arbeid, utdanning og opplæring (NEET)"), ["neet"]),
    ("Uføre", N_("Unge uføre"), ["ufore"]),
    ("OT", N_("Unge registrert i Oppfølgingstjenesten (OT)"), ["ot_tilmeldt"]),
    ("NAV", N_("Arbeidssøkere hos NAV"), ["arbeidssokere_andel", "arbeidssokere"]),
]


def rows(df: pd.DataFrame) -> list[dict]:
    """DataFrame rows as dicts with NaN turned into None (easier to test and format)."""
    if df is None or df.empty:
        return []
    cols = list(df.columns)
    out = []
    for t in zip(*(df[c].tolist() for c in cols)):
        out.append({c: (None if isinstance(v, float) and v != v else v) for c, v in zip(cols, t)})
    return out


def index_rows(df: pd.DataFrame) -> dict[tuple[str, str], dict]:
    """(region_code, period) → row, for many look-ups in one frame."""
    return {(r["region_code"], r["period"]): r for r in rows(df)}


def row_for(df, code: str, period: str | None) -> dict | None:
    """The row for one region and period; `df` may be a frame or an index_rows() dict."""
    if period is None or df is None:
        return None
    idx = df if isinstance(df, dict) else index_rows(df)
    return idx.get((code, period))


def ci_of(row: dict | None):
    if not row or row.get("status") not in fmt.KNOWN:
        return None
    return fmt.wilson(row.get("numerator"), row.get("denominator"))


def group_of(code: str) -> str | None:
    """The partnership's regional group a municipality belongs to (None outside them)."""
    return regions.group_of(code)


def group_members(group: str) -> list[str]:
    return list(regions.GROUPS[group][1])


# --- periods ---------------------------------------------------------------------------------

def previous_period(p: str, period_type: str) -> str:
    """The period a change is measured from. Monthly data compare with the same month a year
    earlier: NAV figures are seasonal, so month-on-month change would mostly show the season."""
    return shift_years(p, -1)


def latest_known(df: pd.DataFrame, code: str, also: tuple[str, ...] = ()) -> str | None:
    """The newest period with a known value for one region (or the regions in `also`: the old
    municipality a split one came from, for its own years)."""
    codes = [code, *also]
    k = df[df["region_code"].isin(codes) & df["status"].isin(fmt.KNOWN)] if df is not None and len(df) else df
    return None if k is None or k.empty else str(k["period"].max())


def newest_period(df: pd.DataFrame, code: str, available: list[str],
                  also: tuple[str, ...] = ()) -> str | None:
    """The period to show for a region when none was chosen: its newest row, known or not (a
    suppressed newest month is shown as suppressed, never silently swapped for an older one);
    without rows, the newest period there is. `also`: codes whose rows count as the region's
    (the old municipality a split one came from)."""
    mine = df[df["region_code"].isin([code, *also])] if df is not None and len(df) else None
    if mine is not None and not mine.empty:
        return str(mine["period"].max())
    return available[-1] if available else None


def has_known(df: pd.DataFrame, code: str, also: tuple[str, ...] = ()) -> bool:
    """Any known value for the region (else a chart of it would show only the references)."""
    if df is None or df.empty:
        return False
    mine = df[df["region_code"].isin([code, *also])]
    return bool((mine["status"].isin(fmt.KNOWN) & mine["value"].notna()).any())


def county_lines(county: str, period: str | None) -> list[str]:
    """The county reference lines for an area chosen in the county picker, in the area's own
    time: 38 Vestfold og Telemark itself in 2020–2023, else its parts 39 and 40 (today's
    counties, back-cast); Norway none (it is drawn as Norway); any other county itself."""
    if county == NORWAY:
        return []
    year = fmt.period_year(period) if period else None
    if georegions.existed(county, year):
        return [county]
    return list(georegions.SPLIT_2024.get(county, ()))


# --- a municipality split later (1507 Ålesund → 1508 Ålesund + 1580 Haram) ---------------------

def split_of(code: str) -> georegions.Split | None:
    """The split a municipality came out of (or is), as geo.regions says; None for most."""
    return georegions.split_of(code)


def old_codes(code: str) -> tuple[str, ...]:
    """The old municipality whose figures stand for this one's area in its own years (1508 and
    1580: 1507 for 2020–2023); () for every other municipality."""
    s = split_of(code)
    return (s.code,) if s and s.code != code else ()


def with_old_lines(lines: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Trend lines with the old municipality's own line after each municipality that came out
    of a split (role «gammel»): one rule for Min kommune, Utvikling and the exports."""
    out: list[tuple[str, str]] = []
    for code, role in lines:
        out.append((code, role))
        if role == "kommune":
            out += [(c, "gammel") for c in old_codes(code) if (c, "gammel") not in out]
    return out


def label_old(df: pd.DataFrame) -> pd.DataFrame:
    """Rows of an old split municipality named for what they are: «Gamle Ålesund (1507:
    Ålesund og Haram), 2020–2023», never plain «Ålesund» beside today's Ålesund."""
    if df is None or df.empty:
        return df
    olds = {c: s.label for c, s in georegions.splits().items()}
    hit = df["region_code"].isin(list(olds))
    if not hit.any():
        return df
    df = df.copy()
    df.loc[hit, "region_name"] = df.loc[hit, "region_code"].map(olds)
    return df


def align_period(p: str | None, period_type: str, available: list[str]) -> str | None:
    """The period of this indicator that matches a period chosen for another indicator:
    the same year; a school year ending that year; the last month of that year with data."""
    if not available:
        return None
    if p is None:
        return available[-1]
    if p in available:
        return p
    year = fmt.period_year(p)
    if year is None:
        return None
    if period_type == "year":
        cand = [a for a in available if a == str(year)]
    elif period_type == "school_year":
        cand = [a for a in available if fmt.period_year(a) == year]
    else:
        cand = [a for a in available if a.startswith(f"{year}-")]
    return cand[-1] if cand else None


# --- map -------------------------------------------------------------------------------------

def class_breaks(values, k: int = 5, kind: str = "share") -> list[float]:
    """k−1 inner class breaks from all values (every period), rounded to readable numbers, so a
    map of any period uses the same classes. Quantiles keep every class in use over time."""
    s = pd.Series(values, dtype="float64").dropna()
    if s.empty:
        return []
    qs = [s.quantile(i / k) for i in range(1, k)]
    out: list[float] = []
    for q in qs:
        b = _nice(float(q), kind)
        if b > s.min() and b <= s.max() and (not out or b > out[-1]):
            out.append(b)
    return out


def _nice(x: float, kind: str) -> float:
    if kind == "share":
        return round(x * 2) / 2 if x >= 5 else round(x, 1)     # steps of 0,5 pp (0,1 below 5 %)
    if x < 10:
        return float(round(x))
    mag = 10 ** (int(math.floor(math.log10(x))) - 1)           # two significant digits
    return float(round(x / mag) * mag)


def class_of(v, breaks: list[float]) -> int:
    """0 … len(breaks): the class a value falls in (breaks are lower bounds of classes 1…)."""
    i = 0
    for b in breaks:
        if v >= b:
            i += 1
    return i


def class_labels(breaks: list[float], ind: Indicator) -> list[str]:
    """'under 9,0 %', '9,0–10,4 %', …, '12,0 % og over': classes of the values as shown (one
    decimal for shares, whole numbers for counts), so no shown value fits two labels."""
    step = 10 ** -fmt.decimals_for(ind)
    def f(x) -> str:
        return fmt.number(x, fmt.decimals_for(ind))

    unit = fmt.percent_suffix() if ind.kind == "share" else ""
    if not breaks:
        return [_("alle verdier")]
    labels = [_("under {value}").format(value=f"{f(breaks[0])}{unit}")]
    for a, b in itertools.pairwise(breaks):
        top = round(b - step, 6)
        labels.append(f"{f(a)}{fmt.DASH}{f(top)}{unit}" if top > a else f"{f(a)}{unit}")
    labels.append(_("{value} og over").format(value=f"{f(breaks[-1])}{unit}"))
    return labels


def map_frame(table: pd.DataFrame, features: list[dict], ind: Indicator) -> pd.DataFrame:
    """One row per map feature (code, name, value, numerator, denominator, status).

    A feature with `dekker` (1507, the area of 2024's 1508 Ålesund + 1580 Haram: the boundary
    source has no Haram border) is named for that area in every period. In the years the old
    municipality existed (2020–2023) it shows the old municipality's own figure, named as
    everywhere (geo.regions.Split.label: «Gamle Ålesund (1507: Ålesund og Haram), 2020–2023»);
    in the other years its parts' sum where
    numerator and denominator are known, otherwise 'missing'. Features without a row get
    'missing'."""
    by_code = {r["region_code"]: r for r in rows(table)} if table is not None and len(table) else {}
    out = []
    for f in features:
        code, name = f["kode"], f["navn"]
        parts = f.get("dekker")
        r = by_code.get(code)
        if parts and r:                                  # the old municipality, in its own years
            split = georegions.splits().get(code)
            name = split.label if split else f"{name} ({code})"
            r = {**r, "note": _join(r.get("note"), split.story if split else "")}
        elif parts:
            rs = [by_code.get(c) for c in parts]
            if any(rs):
                name = " og ".join(x["region_name"] if x else c for x, c in zip(rs, parts))
            r = _sum_rows(rs, ind)
        base = {"region_code": code, "region_name": (r or {}).get("region_name") or name,
                "value": None, "numerator": None, "denominator": None, "status": "missing",
                "note": None, "period": None, "computed": False}
        if r:
            base.update({k: r.get(k) for k in ("value", "numerator", "denominator", "status",
                                                "note", "period", "computed")})
            base["region_name"] = name if parts else r.get("region_name") or name
        out.append(base)
    return pd.DataFrame(out, columns=["region_code", "region_name", "value", "numerator",
                                      "denominator", "status", "note", "period", "computed"])


def _join(*notes) -> str:
    return "; ".join(n for n in notes if n and isinstance(n, str))


def _sum_rows(rs: list, ind: Indicator) -> dict | None:
    """Two parts' rows as one area's (Ålesund 1507 = 1508 + 1580): counts added, shares from
    summed counts, status by vocab.status.combined (the rule loaders and queries follow)."""
    if not any(rs):
        return None
    period = next(r["period"] for r in rs if r)
    st = combined(r.get("status") if r else None for r in rs)
    if st not in fmt.KNOWN:
        return {"status": st, "period": period, "computed": True}
    num = [r.get("numerator") for r in rs]
    den = [r.get("denominator") for r in rs]
    names = fmt.listing(f"{r['region_name']} ({r['region_code']})" for r in rs if r)
    out = {"numerator": None, "denominator": None, "status": st, "period": period,
           "note": _("summert over {names}").format(names=names), "computed": True}
    if ind.kind == "share":
        if any(x is None for x in num + den):
            return {"status": "missing", "period": period, "note": _("kan ikke slås sammen"),
                    "computed": True}
        return out | {"value": 100 * sum(num) / sum(den), "numerator": sum(num),
                      "denominator": sum(den)}
    return out | {"value": sum(r["value"] for r in rs)}


# --- trends ----------------------------------------------------------------------------------

def moving_average(df: pd.DataFrame, window: int = 12) -> pd.DataFrame:
    """Per region, the mean of the last `window` periods (needs all of them known)."""
    if df.empty:
        return df
    out = []
    for _code, g in df.sort_values("period").groupby("region_code", sort=False):
        g = g.copy()
        known = g["value"].where(g["status"].isin(fmt.KNOWN))
        g["value"] = known.rolling(window, min_periods=window).mean()
        g["numerator"] = None
        g["denominator"] = None
        g["status"] = g["status"].where(g["value"].notna(), "missing")
        g["note"] = _("glidende gjennomsnitt over {n} måneder").format(n=window)
        g["computed"] = True
        out.append(g)
    return pd.concat(out, ignore_index=True)


# --- tables ("Vis tabell") -------------------------------------------------------------------

PUBLISHED, COMPUTED = STATUS_WORDS["ok"], COMPUTED_WORD


def is_computed(r: dict) -> bool:
    """Innenfor computed the row (a sum of members or parts, a category total, a moving
    average): the `computed` column every query and view sets."""
    c = r.get("computed")
    return bool(c) and not (isinstance(c, float) and math.isnan(c))


def status_text(r: dict, *, computed: bool = False) -> str:
    """«skjermet», «mangler», «foreløpig», «brudd i serien»; else «beregnet» for Innenfor's own
    numbers and «publisert» for the source's. Screen tables and files say the same."""
    word = fmt.status_word(r.get("status") or "missing")
    if word:
        return word
    return _(COMPUTED) if computed or is_computed(r) else _(PUBLISHED)


def display_table(df: pd.DataFrame, ind: Indicator, *, with_period: bool = True,
                  sort_by_value: bool = False) -> pd.DataFrame:
    """The numbers behind a chart as text in the current language: Område, Periode, Verdi,
    Antall, Av (befolkning), 95 % intervall, Status (the headers too). The accessible
    alternative to the chart."""
    if df is None or df.empty:
        return pd.DataFrame(columns=[_("Område"), _("Verdi")])
    d = df.copy()
    if sort_by_value:
        d = d.assign(_k=d["value"].fillna(-1e18)).sort_values("_k", ascending=False)
    names: list[str] = d["region_name"].astype(str).tolist()
    if "level" in d and d["level"].nunique() > 1:     # «Vestfold» is a group and a county
        names = [_("{name} (regiongruppe)").format(name=n) if lv == "region" else n
                 for n, lv in zip(names, d["level"])]
    out = pd.DataFrame({_("Område"): names})
    if with_period:
        out[_("Periode")] = [fmt.period(p) for p in d["period"]]
    out[_("Verdi")] = [fmt.value(v, ind, s) for v, s in zip(d["value"], d["status"])]
    known = d["status"].isin(fmt.KNOWN)
    if ind.kind == "share" and d["denominator"].notna().any():
        out[_("Antall")] = [fmt.number(n) if k else fmt.DASH for n, k in zip(d["numerator"], known)]
        out[_("Av (befolkning)")] = [fmt.number(n) for n in d["denominator"]]
        out[_("95 % intervall")] = [fmt.interval(fmt.wilson(n, m)) if k else fmt.DASH
                                    for n, m, k in zip(d["numerator"], d["denominator"], known)]
    out[_("Status")] = [status_text(r) for r in rows(d)]
    return out.reset_index(drop=True)


def wide_table(df: pd.DataFrame, ind: Indicator, order: list[str] | None = None) -> pd.DataFrame:
    """Periods down, regions across (for trend charts), regions in `order` (codes) if given,
    so the table reads in the same order as the chart's legend."""
    if df is None or df.empty:
        return pd.DataFrame(columns=[_("Periode")])
    names = list(dict.fromkeys(df["region_name"]))
    if order:
        by_code = dict(zip(df["region_code"], df["region_name"]))
        first = [by_code[c] for c in order if c in by_code]
        names = list(dict.fromkeys(first + names))
    cells: dict[str, dict[str, str]] = {}
    for r in rows(df):
        cells.setdefault(r["period"], {})[r["region_name"]] = fmt.value(r["value"], ind, r["status"])
    head = _("Periode")
    out = [{head: fmt.period(p), **{n: cells[p].get(n, fmt.DASH) for n in names}}
           for p in sorted(cells)]
    return pd.DataFrame(out, columns=[head, *names])


# --- search ----------------------------------------------------------------------------------
# The municipality pickers filter their lists in the browser by «contains» on the label (case
# ignored, diacritics not), so a label carries what a user may type: the number and the name
# without diacritics. Typed text + Enter is resolved by pick(), the same rule the list shows.

def _typed(name: str) -> list[str]:
    """Each parallel name (Sami, Kven) without what stands in parentheses, folded, also with æ
    typed as a: 'Hábmer - Hamarøy' → habmer, hamaroy; 'Færder' → faerder, farder."""
    variants = (name, name.replace("æ", "a").replace("Æ", "A"))
    return list(dict.fromkeys(f for n in variants for p in n.split(" - ") if (f := geocodes.fold_name(p))))


def picker_label(code: str, name: str, county: str | None) -> str:
    """'Færder (Vestfold) · 3911 · faerder, farder', 'Kárášjohka - Karasjok (Finnmark) · 5610 ·
    karasjohka', 'Herøy (Nordland) · 1818 · heroy', 'Oslo · 0301': the county unless the name
    already says it, the folded forms only where the label does not already hold them."""
    county = county if isinstance(county, str) and county and county != name else ""
    label = f"{name} ({county}) · {code}" if county and "(" not in name else f"{name} · {code}"
    keys: list[str] = []
    for k in _typed(name):
        if k not in label.lower() and not any(k in x for x in keys):
            keys.append(k)
    return f"{label} · {', '.join(keys)}" if keys else label


def pick(text: str, options: Sequence[tuple[str, str, str]]) -> str | None:
    """The municipality typed text + Enter stands for in a picker of (code, name, label), in
    list order, that shows the options whose label contains the text (case ignored): a number;
    else of those shown the first whose name is the text ('herøy', 'farder', 'Kautokeino');
    else the first shown. Text no label holds: match_name ('karasjohka - karasjok'), else None."""
    t = (text or "").strip()
    if not t:
        return None
    if t.isdigit() and any(c == t.zfill(4) for c, _n, _l in options):
        return t.zfill(4)
    low, f = t.lower(), fmt.fold(t)
    shown = [(c, n) for c, n, label in options if low in label.lower()]
    exact = [c for c, n in shown if f == fmt.fold(n) or f in _typed(n)]
    if exact or shown:
        return (exact or [c for c, _n in shown])[0]
    return match_name(t, [(c, n) for c, n, _l in options])


def match_name(text: str, choices: list[tuple[str, str]]) -> str | None:
    """The code whose name matches typed text, ignoring case and æ/ø/å/diacritics
    ('tonsberg' → Tønsberg): the whole name first ('Herøy (Nordland)'), then the name without
    the county in parentheses: exact ('herøy': the first), a unique start, a unique part.
    `choices` are (code, name) in preference order (the first exact match wins)."""
    whole = fmt.fold(text)
    if hit := next((c for c, n in choices if whole and fmt.fold(n) == whole), None):
        return hit
    t = fmt.fold((text or "").split("(")[0])     # "Skien (Telemark)" → "skien"
    if not t:
        return None
    if t.isdigit():
        return next((c for c, _n in choices if c == t.zfill(4)), None)
    # Then the same with æ typed as a ('farder' → Færder; fold gives 'faerder').
    for key in (lambda x: x, lambda x: x.replace("ae", "a")):
        found = _match_folded(key(t), [(c, key(geocodes.fold_name(n))) for c, n in choices])
        if found is not False:
            return found
    return None


def _match_folded(t: str, folded: list[tuple[str, str]]):
    """The code, None when ambiguous, False when nothing matched."""
    exact = [c for c, n in folded if n == t]
    if exact:                      # a name used twice (Våler): the preferred county's
        return exact[0]
    for test in (lambda n: n.startswith(t), lambda n: t in n):
        hits = [c for c, n in folded if test(n)]
        if len(hits) == 1:
            return hits[0]
        if hits:                   # ambiguous: let the user pick from the list
            return None
    return False
