"""A ranking a person can read when there are many municipalities (all Norway: 357).

An area with at most FULL_LIMIT municipalities (a county) is drawn whole. A larger one is drawn
as the chosen municipality in context: the TOP highest and BOTTOM lowest, the chosen one, its
neighbours (geo.neighbours) and the municipalities of its county nearest to it in the ranking
(NEAR on each side); the full ranking is the table under the chart (`table`), so nothing is
left out, only left out of the picture. A place (1 = highest value; equal values share it)
stands before each name in the chart so the jumps between the groups show.

Suppressed and missing values have no place: they are never ranked as numbers. They are drawn
only for the chosen municipality and its neighbours (with the word, as charts.ranking does), and
listed last in the table.

Pure functions on the frame indicators.queries.table returns (region_code, region_name, value,
status …): the Sammenlign page and any export use the same rule.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from geo import codes
from geo import regions as georegions
from indicators import format as fmt
from indicators import views
from vocab.i18n import _, ngettext
from vocab.indicators import Indicator

FULL_LIMIT = 30     # an area with at most this many municipalities is drawn whole
TOP = 5             # the highest values shown of a large area
BOTTOM = 5          # the lowest
NEAR = 3            # the chosen one's county: this many ranked just above it, and just below


@dataclass(frozen=True)
class Selection:
    """What the chart draws: `frame` (rows of the ranked frame, with `rank`), whether it is the
    whole area, and what was put in it (for the caption)."""
    frame: pd.DataFrame
    full: bool
    total: int                          # municipalities in the area (all rows, known or not)
    ranked: int                         # those with a known value (the ones that get a place)
    top: int = 0
    bottom: int = 0
    selected: str | None = None         # the chosen municipality, when it is in the area
    neighbours: tuple[str, ...] = ()    # its neighbours that are in the area
    county: tuple[str, ...] = ()        # its county's municipalities taken in for context


def _known(df: pd.DataFrame) -> pd.Series:
    return df["status"].isin(fmt.KNOWN) & df["value"].notna()


def ranked(df: pd.DataFrame) -> pd.DataFrame:
    """The frame in ranking order with a `rank` column: known values highest first (equal
    values share the lower place, ties by name), then the suppressed and missing by name
    without a place (<NA>)."""
    if df is None or df.empty:
        return pd.DataFrame(columns=[*(df.columns if df is not None else []), "rank"])
    known = _known(df)
    k = df[known].sort_values(["value", "region_name"], ascending=[False, True], kind="stable")
    u = df[~known].sort_values("region_name", kind="stable")
    k = k.assign(rank=k["value"].rank(method="min", ascending=False).astype("Int64"))
    u = u.assign(rank=pd.array([pd.NA] * len(u), dtype="Int64"))
    return pd.concat([k, u]).reset_index(drop=True)


def county_members(df: pd.DataFrame, county: str | None) -> list[str]:
    """The codes in the frame that lie in `county` (2024 number; a split municipality's old
    number, 1507, counts where all its parts lie)."""
    if not county:
        return []
    m24 = codes.municipalities_2024()
    old = set(georegions.split_codes_in(county))
    return [c for c in df["region_code"] if m24.get(c, {}).get("county_code") == county or c in old]


def context(df: pd.DataFrame, selected: str | None, neighbours: Iterable[str] = (),
            county: Iterable[str] = (), *, top: int = TOP, bottom: int = BOTTOM, near: int = NEAR,
            limit: int = FULL_LIMIT) -> Selection:
    """The rows to draw for an area (see the module docstring). `neighbours` and `county` are
    codes (those not in the frame are ignored); the chosen one's old number may be among the
    neighbours (1507 for 1508 Ålesund in 2020–2023)."""
    r = ranked(df)
    known = r["rank"].notna()
    n_known = int(known.sum())
    if len(r) <= limit:
        return Selection(frame=r, full=True, total=len(r), ranked=n_known,
                         selected=selected if selected in set(r["region_code"]) else None)
    present = list(r["region_code"])
    in_area = set(present)
    known_codes = list(r.loc[known, "region_code"])          # in ranking order
    tops, bottoms = known_codes[:top], known_codes[max(top, n_known - bottom):]
    chosen = selected if selected in in_area else None
    nbs = tuple(dict.fromkeys(c for c in neighbours if c in in_area and c != chosen))
    county_set = set(county)
    in_county = [c for c in known_codes if c in county_set]
    if chosen in in_county:
        i = in_county.index(chosen)
        around = in_county[max(0, i - near):i] + in_county[i + 1:i + 1 + near]
    else:                       # no place for the chosen one: the county's own top and bottom
        around = in_county[:near] + in_county[max(near, len(in_county) - near):]
    keep = set(tops) | set(bottoms) | set(nbs) | set(around) | ({chosen} if chosen else set())
    frame = r[r["region_code"].isin(keep)].reset_index(drop=True)
    return Selection(frame=frame, full=False, total=len(r), ranked=n_known, top=len(tops),
                     bottom=len(bottoms), selected=chosen, neighbours=nbs,
                     county=tuple(c for c in around if c not in set(nbs) | {chosen}))


def with_old(municipalities: Iterable[str]) -> list[str]:
    """Each code followed by the old number whose figures stand for it in its own years
    (1508 → 1508, 1507): what to fetch and match for a list of today's municipalities."""
    return list(dict.fromkeys(c for m in municipalities for c in (m, *views.old_codes(m))))


def neighbour_rows(df: pd.DataFrame, neighbours: Iterable[str], period: str | None) -> pd.DataFrame:
    """One row per neighbour for `period`, in ranking order (`ranked`): its own figure, or its
    old number's when it has no known value of its own (an old area shared by two neighbours
    is listed once), or a «missing» row when the store has nothing for it: a neighbour is
    never silently left out."""
    d = df[df["period"] == period] if period is not None else df
    by_code = {r["region_code"]: r for r in views.rows(d)}
    out, seen = [], set()
    for n in neighbours:
        rows = [by_code[c] for c in (n, *views.old_codes(n)) if c in by_code]
        row = next((r for r in rows if r["status"] in fmt.KNOWN and r["value"] is not None),
                   rows[0] if rows else None)
        if row is None:
            row = {"region_code": n, "region_name": codes.name_of(n), "period": period,
                   "value": None, "numerator": None, "denominator": None, "status": "missing"}
        if row["region_code"] not in seen:
            seen.add(row["region_code"])
            out.append(row)
    return ranked(pd.DataFrame(out, columns=list(dict.fromkeys([*df.columns, *out[0]]))
                               if out else df.columns))


def with_places(frame: pd.DataFrame) -> pd.DataFrame:
    """Names with their place in front («12. Skien») for the chart; no place, no number."""
    f = frame.copy()
    f["region_name"] = [n if pd.isna(k) else _("{rank}. {name}").format(rank=int(k), name=n)
                        for n, k in zip(f["region_name"], f["rank"])]
    return f


def table(df: pd.DataFrame, ind: Indicator) -> pd.DataFrame:
    """The full ranking as a table: views.display_table's columns in ranking order, with the
    place after the name (the name stays the left-aligned first column)."""
    r = ranked(df)
    out = views.display_table(r, ind, with_period=False)
    if r.empty:
        return out
    out.insert(1, _("Plass"), [fmt.DASH if pd.isna(k) else fmt.number(int(k)) for k in r["rank"]])
    return out


def area_label(sel: Selection, area: str) -> str:
    """The area as the chart names it: «hele landet (utvalg: 18 av 357)» when reduced."""
    if sel.full:
        return area
    return _("{area} (utvalg: {shown} av {total})").format(
        area=area, shown=fmt.number(len(sel.frame)), total=fmt.number(sel.total))


def caption(sel: Selection, place: str, county_name: str) -> str:
    """What a reduced chart shows and where the rest is; "" for a whole area."""
    if sel.full:
        return ""
    parts = [_("de {n} høyeste").format(n=sel.top), _("de {n} laveste").format(n=sel.bottom)]
    if sel.selected:
        parts.append(place)
    if sel.neighbours:
        parts.append(_("nabokommunene"))
    if sel.county:
        parts.append(_("kommunene i {county} som ligger nærmest i rangeringen").format(
            county=county_name))
    head = ngettext("Figuren viser {shown} av {total} kommune: {parts}.",
                    "Figuren viser {shown} av {total} kommuner: {parts}.", sel.total).format(
        shown=fmt.number(len(sel.frame)), total=fmt.number(sel.total), parts=fmt.listing(parts))
    tail = _("Tallet foran navnet er plassen (1 er høyest verdi). Hele rangeringen står i "
             "tabellen under figuren («Vis tabell»).")
    return f"{head} {tail}"
