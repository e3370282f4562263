"""Shaping query results for the views: pure pandas, no Streamlit, no SQL.

Pages fetch frames through ui.data (cached calls of indicators.queries) and hand them to these
functions and to indicators.charts; exports can call the same functions."""
from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

import indicators
from geo import regions as georegions
from indicators import Indicator
from indicators import format as fmt

NORWAY = "0"
# County choices for maps and rankings: the seeds' region first. 38 = 39 + 40 (2020–2023 county).
VT = "38"
SEED_COUNTIES = georegions.SEED_COUNTIES

# The four indicator families of Min kommune, each with the indicators that can stand for it
# (the first one with data is shown).
FAMILIES = [
    ("NEET", "Unge utenfor arbeid, utdanning og opplæring (NEET)", ["neet"]),
    ("Uføre", "Unge uføre under 30 år", ["ufore"]),
    ("OT", "Unge registrert i Oppfølgingstjenesten (OT)", ["ot_tilmeldt"]),
    ("NAV", "Arbeidssøkere hos NAV", ["arbeidssokere_andel", "arbeidssokere"]),
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
    for g, (_name, members) in georegions.GROUPS.items():
        if code in members:
            return g
    return None


def group_members(group: str) -> list[str]:
    return list(georegions.GROUPS[group][1])


# --- periods ---------------------------------------------------------------------------------

def shift_years(p: str, years: int) -> str:
    """The same period `years` earlier (negative) or later: 2022 → 2017, 2021-05 → 2016-05,
    2020-2021 → 2015-2016."""
    p = str(p)
    if len(p) == 4:
        return str(int(p) + years)
    if len(p) == 7:
        return f"{int(p[:4]) + years}-{p[5:]}"
    if len(p) == 9:
        return f"{int(p[:4]) + years}-{int(p[5:]) + years}"
    return p


def previous_period(p: str, period_type: str) -> str:
    """The period a change is measured from. Monthly data compare with the same month a year
    earlier: NAV figures are seasonal, so month-on-month change would mostly show the season."""
    return shift_years(p, -1)


def latest_known(df: pd.DataFrame, code: str) -> str | None:
    """The newest period with a known value for one region."""
    k = df[(df["region_code"] == code) & df["status"].isin(fmt.KNOWN)] if df is not None and len(df) else df
    return None if k is None or k.empty else str(k["period"].max())


def newest_period(df: pd.DataFrame, code: str, available: list[str]) -> str | None:
    """The period to show for a region when none was chosen: its newest row, known or not (a
    suppressed newest month is shown as suppressed, never silently swapped for an older one);
    without rows, the newest period there is."""
    mine = df[df["region_code"] == code] if df is not None and len(df) else None
    if mine is not None and not mine.empty:
        return str(mine["period"].max())
    return available[-1] if available else None


def has_known(df: pd.DataFrame, code: str) -> bool:
    """Any known value for the region (else a chart of it would show only the references)."""
    if df is None or df.empty:
        return False
    mine = df[df["region_code"] == code]
    return bool((mine["status"].isin(fmt.KNOWN) & mine["value"].notna()).any())


def family_choice(ids: list[str], municipality: str, *, ages, periods, series) -> tuple | None:
    """Which (indicator, age, category) stands for a family on Min kommune and in the deck: the
    first of `ids` (its total before its parts, e.g. NAV 'helt ledige' when only that is
    published; its default age band if the store has it) with a known value for the
    municipality; else the first with any data; None if none. The readers are passed in
    (cached on the page, a connection in the exports): ages(id), periods(id, age, category),
    series(id, regions, age=, category=)."""
    first = None
    for i in ids:
        ind = indicators.get(i)
        found = ages(i)
        age = ind.default_age if (ind.default_age in found or not found) else found[0]
        for cat in ["alle"] + [c for c in ind.categories if c != "alle"]:
            if not periods(i, age, cat):
                continue
            first = first or (i, age, cat)
            if has_known(series(i, [municipality], age=age, category=cat), municipality):
                return i, age, cat
    return first


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


# --- Min kommune -----------------------------------------------------------------------------

@dataclass
class Facts:
    """Everything Min kommune says about one indicator for one municipality."""
    indicator: Indicator
    place: str
    period: str | None
    row: dict | None
    previous: dict | None = None
    five: dict | None = None
    county: dict | None = None
    national: dict | None = None
    age: str | None = None
    category: str = "alle"

    @property
    def has_value(self) -> bool:
        return bool(self.row) and self.row.get("status") in fmt.KNOWN and self.row.get("value") is not None

    @property
    def value_text(self) -> str:
        if not self.row:
            return "Ingen data"
        return fmt.value(self.row.get("value"), self.indicator, self.row.get("status"))

    @property
    def interval(self):
        return ci_of(self.row)

    def change(self, other: dict | None) -> float | None:
        """The change from `other` to this period, rounded as shown (None when unknown)."""
        if not self.has_value or not other or other.get("status") not in fmt.KNOWN \
                or other.get("value") is None:
            return None
        return round(self.row["value"] - other["value"], fmt.decimals_for(self.indicator))

    def change_text(self, other: dict | None) -> str:
        d = self.change(other)
        return "" if d is None else fmt.change(d, self.indicator)

    def change_style(self, other: dict | None) -> tuple[str, str]:
        """(colour, arrow) for st.metric's delta. Set explicitly: the text uses a real minus
        sign («−1,4»), which Streamlit would read as a rise."""
        d = self.change(other)
        if not d:
            return "off", "off"
        better = (d < 0) == (self.indicator.better == "lower")
        return ("green" if better else "red"), ("up" if d > 0 else "down")

    def comparison(self, ref: dict | None):
        if not self.has_value or not ref or ref.get("status") not in fmt.KNOWN:
            return None
        return fmt.compare(self.row["value"], ref.get("value"), ci_a=self.interval, ci_b=ci_of(ref))

    def comparison_label(self, ref: dict | None, ref_name: str) -> str:
        if not self.has_value:
            return ""
        if not ref or ref.get("status") not in fmt.KNOWN:
            why = fmt.status_word((ref or {}).get("status") or "missing")
            return f"Ingen sammenligning med {ref_name}: tallet {why}"
        if self.indicator.kind == "count":     # a count is not compared, only put in proportion
            total = fmt.value(ref["value"], self.indicator)
            share = 100 * self.row["value"] / ref["value"] if ref.get("value") else None
            if share is None:
                return f"{fmt.upper_first(ref_name)} i alt: {total}"
            part = "under 0,1 %" if share < 0.05 else fmt.percent(share)
            return f"{fmt.upper_first(ref_name)} i alt: {total} ({self.place} er {part} av dette)"
        return fmt.comparison_label(self.comparison(ref), ref_name,
                                    fmt.value(ref.get("value"), self.indicator))

    def sentence(self, reference_name: str = "landet") -> str:
        return fmt.sentence(self.indicator, self.place, self.row, period_=self.period,
                            age=self.age, category=self.category, reference=self.national,
                            reference_name=reference_name, previous=self.previous)


def facts(ind: Indicator, df: pd.DataFrame, municipality: str, *, county: str | None,
          period: str | None, age: str | None = None, category: str = "alle",
          place: str | None = None) -> Facts:
    """Facts for `municipality` in `period` from a series frame holding the municipality,
    its county and Norway over all periods."""
    if place is None:
        m = df[df["region_code"] == municipality]["region_name"]
        place = m.iloc[0] if len(m) else municipality
    f = Facts(indicator=ind, place=place, period=period, row=None, age=age, category=category)
    if period is None:
        return f
    idx = index_rows(df)
    f.row = row_for(idx, municipality, period)
    f.previous = row_for(idx, municipality, previous_period(period, ind.period_type))
    f.five = row_for(idx, municipality, shift_years(period, -5))
    f.county = row_for(idx, county, period) if county else None
    f.national = row_for(idx, NORWAY, period)
    return f


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
        b = _nice(q, kind)
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
    f = (lambda x: fmt.number(x, fmt.decimals_for(ind)))
    unit = fmt.NBSP + "%" if ind.kind == "share" else ""
    if not breaks:
        return ["alle verdier"]
    labels = [f"under {f(breaks[0])}{unit}"]
    for a, b in zip(breaks, breaks[1:]):
        top = round(b - step, 6)
        labels.append(f"{f(a)}{fmt.DASH}{f(top)}{unit}" if top > a else f"{f(a)}{unit}")
    labels.append(f"{f(breaks[-1])}{unit} og over")
    return labels


def map_frame(table: pd.DataFrame, features: list[dict], ind: Indicator) -> pd.DataFrame:
    """One row per map feature (code, name, value, numerator, denominator, status).

    A feature with `dekker` (Ålesund 1507 = 1508 + 1580) shows the figure published for its
    own code (2020–2023 data stays on 1507), else its parts' sum where numerator and
    denominator are known, otherwise 'missing'. Features without a row get 'missing'."""
    by_code = {r["region_code"]: r for r in rows(table)} if table is not None and len(table) else {}
    out = []
    for f in features:
        code, name = f["kode"], f["navn"]
        parts = None if code in by_code else f.get("dekker")
        if parts:
            rs = [by_code.get(c) for c in parts]
            if any(rs):
                name = " og ".join(r["region_name"] if r else c for r, c in zip(rs, parts))
            r = _sum_rows(rs, ind)
        else:
            r = by_code.get(code)
        base = {"region_code": code, "region_name": (r or {}).get("region_name") or name,
                "value": None, "numerator": None, "denominator": None, "status": "missing",
                "note": None, "period": None}
        if r:
            base.update({k: r.get(k) for k in ("value", "numerator", "denominator", "status",
                                                "note", "period")})
            base["region_name"] = name if parts else r.get("region_name") or name
        out.append(base)
    return pd.DataFrame(out, columns=["region_code", "region_name", "value", "numerator",
                                      "denominator", "status", "note", "period"])


def _sum_rows(rs: list, ind: Indicator) -> dict | None:
    if not any(rs):
        return None
    if not all(r and r.get("status") in fmt.KNOWN for r in rs):
        bad = [r.get("status") for r in rs if r] + ["missing"] * sum(1 for r in rs if not r)
        st = "suppressed" if "suppressed" in bad else "missing"
        return {"status": st, "period": next(r["period"] for r in rs if r)}
    num = [r.get("numerator") for r in rs]
    den = [r.get("denominator") for r in rs]
    # A part's mark (break in the series, provisional) carries over to the sum.
    st = next((s for s in ("break", "provisional") if any(r["status"] == s for r in rs)), "ok")
    if ind.kind == "share":
        if any(x is None for x in num + den):
            return {"status": "missing", "period": rs[0]["period"], "note": "kan ikke slås sammen"}
        v = 100 * sum(num) / sum(den)
        return {"value": v, "numerator": sum(num), "denominator": sum(den), "status": st,
                "period": rs[0]["period"], "note": "summert over to kommuner"}
    return {"value": sum(r["value"] for r in rs), "numerator": None, "denominator": None,
            "status": st, "period": rs[0]["period"], "note": "summert over to kommuner"}


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
        g["note"] = f"glidende gjennomsnitt over {window} måneder"
        out.append(g)
    return pd.concat(out, ignore_index=True)


# --- tables ("Vis tabell") -------------------------------------------------------------------

PUBLISHED, COMPUTED = "publisert", "beregnet"
# Notes Innenfor writes on the rows it computes (indicators.queries, this module, the loaders'
# merges): a row without the `published` column (a map frame) is still recognised.
COMPUTED_NOTES = ("summert over", "summert fra", "glidende gjennomsnitt")


def is_computed(r: dict) -> bool:
    """Innenfor computed the row: `published` is False (a sum of members), or its note is one
    Innenfor writes on a sum or a moving average."""
    pub = r.get("published")
    try:
        if pub is not None and not pd.isna(pub) and not bool(pub):
            return True
    except (TypeError, ValueError):
        pass
    return str(r.get("note") or "").strip().lower().startswith(COMPUTED_NOTES)


def status_text(r: dict, *, computed: bool = False) -> str:
    """«skjermet», «mangler», «foreløpig», «brudd i serien»; else «beregnet» for Innenfor's own
    numbers and «publisert» for the source's. Screen tables and files say the same."""
    word = fmt.status_word(r.get("status") or "missing")
    if word:
        return word
    return COMPUTED if computed or is_computed(r) else PUBLISHED


def display_table(df: pd.DataFrame, ind: Indicator, *, with_period: bool = True,
                  sort_by_value: bool = False) -> pd.DataFrame:
    """The numbers behind a chart as Norwegian text: Område, Periode, Verdi, Teller, Nevner,
    95 % intervall, Status. The accessible alternative to the chart."""
    if df is None or df.empty:
        return pd.DataFrame(columns=["Område", "Verdi"])
    d = df.copy()
    if sort_by_value:
        d = d.assign(_k=d["value"].fillna(-1e18)).sort_values("_k", ascending=False)
    names = d["region_name"].astype(str)
    if "level" in d and d["level"].nunique() > 1:     # «Vestfold» is a group and a county
        names = [f"{n} (regiongruppe)" if lv == "region" else n for n, lv in zip(names, d["level"])]
    out = pd.DataFrame({"Område": names})
    if with_period:
        out["Periode"] = [fmt.period(p) for p in d["period"]]
    out["Verdi"] = [fmt.value(v, ind, s) for v, s in zip(d["value"], d["status"])]
    known = d["status"].isin(fmt.KNOWN)
    if ind.kind == "share" and d["denominator"].notna().any():
        out["Antall"] = [fmt.number(n) if k else fmt.DASH for n, k in zip(d["numerator"], known)]
        out["Av (befolkning)"] = [fmt.number(n) for n in d["denominator"]]
        out["95 % intervall"] = [fmt.interval(fmt.wilson(n, m)) if k else fmt.DASH
                                 for n, m, k in zip(d["numerator"], d["denominator"], known)]
    out["Status"] = [status_text(r) for r in rows(d)]
    return out.reset_index(drop=True)


def wide_table(df: pd.DataFrame, ind: Indicator, order: list[str] | None = None) -> pd.DataFrame:
    """Periods down, regions across (for trend charts), regions in `order` (codes) if given,
    so the table reads in the same order as the chart's legend."""
    if df is None or df.empty:
        return pd.DataFrame(columns=["Periode"])
    names = list(dict.fromkeys(df["region_name"]))
    if order:
        by_code = dict(zip(df["region_code"], df["region_name"]))
        first = [by_code[c] for c in order if c in by_code]
        names = list(dict.fromkeys(first + names))
    cells: dict[str, dict[str, str]] = {}
    for r in rows(df):
        cells.setdefault(r["period"], {})[r["region_name"]] = fmt.value(r["value"], ind, r["status"])
    out = [{"Periode": fmt.period(p), **{n: cells[p].get(n, fmt.DASH) for n in names}}
           for p in sorted(cells)]
    return pd.DataFrame(out, columns=["Periode", *names])


# --- search ----------------------------------------------------------------------------------

def match_name(text: str, choices: list[tuple[str, str]]) -> str | None:
    """The code whose name matches typed text, ignoring case and æ/ø/å/diacritics
    ('tonsberg' → Tønsberg): exact name first, then a unique start, then a unique part.
    `choices` are (code, name) in preference order (the first exact match wins)."""
    t = fmt.fold((text or "").split("(")[0])     # "Skien (Telemark)" → "skien"
    if not t:
        return None
    if t.isdigit():
        return next((c for c, _n in choices if c == t.zfill(4)), None)
    # Then the same with æ typed as a ('farder' → Færder; fold gives 'faerder').
    for key in (lambda x: x, lambda x: x.replace("ae", "a")):
        found = _match_folded(key(t), [(c, key(fmt.fold(n))) for c, n in choices])
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
