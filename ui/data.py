"""Cached reads for the pages. Every cached call is keyed on (store file, store version), so a
new load is shown at the next rerun and two stores in one process (tests) never mix.

The version itself is re-read only when the file (or its WAL) changes on disk: a stat() per
call instead of opening DuckDB on every rerun."""
from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from functools import wraps

import duckdb
import pandas as pd
import streamlit as st
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from indicators import facts, maps, queries, views
from indicators import format as fmt
from loaders import store
from ui import markdown
from vocab import i18n, indicators
from vocab.i18n import _


class StoreUnavailable(Exception):
    """The store is missing or cannot be read; the message is in the run's language and shown
    as is."""


def shared(max_entries: int):
    """One result per arguments, kept in this process and handed to every run and session
    as the same object (read-only), like st.cache_resource. A hit is a dict lookup:
    st.cache_data/cache_resource hash every argument and inspect the function's signature
    on each call, and cache_data unpickles a copy (13 such calls were a quarter of a Kart
    rerun's CPU). Arguments must be hashable; the oldest entry goes first when full. One
    computation per key at a time: sessions arriving together wait for the first."""
    def wrap(fn):
        memo: OrderedDict = OrderedDict()
        busy: dict = {}
        guard = threading.Lock()

        @wraps(fn)
        def call(*args):
            try:
                return memo[args]
            except KeyError:
                pass
            with guard:
                lock = busy.setdefault(args, threading.Lock())
            with lock:
                if args in memo:
                    return memo[args]
                value = fn(*args)
                with guard:
                    memo[args] = value
                    busy.pop(args, None)
                    while len(memo) > max_entries:
                        memo.popitem(last=False)
            return value
        return call
    return wrap


def _file_key():
    p = store.db_path()
    try:
        s = p.stat()
    except FileNotFoundError:
        return None
    try:
        w = p.with_name(p.name + ".wal").stat().st_mtime_ns
    except FileNotFoundError:
        w = 0
    return (str(p), s.st_mtime_ns, s.st_size, w)


@shared(16)
def _version(file_key) -> str:
    with store.reader(file_key[0]) as con:
        return queries.version(con)


def _this_run() -> dict:
    """Reads remembered for the current script run. st.cache_data hands out a fresh copy on
    every call (0,2–0,7 ms for a frame), and one run of a page asks for the same store key a
    dozen times and the municipality list three times. Streamlit gives each run a new
    `cursors` dict; holding the old one makes the identity check safe. Outside a run (tests
    calling functions directly) nothing is remembered."""
    ctx = get_script_run_ctx(suppress_warning=True)
    if ctx is None:
        return {}
    memo = getattr(ctx, "_innenfor_reads", None)
    if memo is None or memo[0] is not ctx.cursors:
        memo = (ctx.cursors, {})
        ctx._innenfor_reads = memo
    return memo[1]


def _once(name: tuple, read):
    """read() once per run for this name; the same object to every caller (read-only)."""
    memo = _this_run()
    if name not in memo:
        memo[name] = read()
    return memo[name]


def key() -> tuple[str, str]:
    return _once(("key",), _key)


def _key() -> tuple[str, str]:
    fk = _file_key()
    if fk is None:
        raise StoreUnavailable(_("Fant ikke datalageret ({path}). Bygg det med «make build» "
                                 "(eller «python -m loaders build»).").format(path=store.db_path()))
    try:
        return fk[0], _version(fk)
    except duckdb.Error as e:
        raise StoreUnavailable(_("Kunne ikke lese datalageret {path}: {error}").format(
            path=fk[0], error=e)) from e


def _read(k, fn, *args, **kwargs):
    try:
        with store.reader(k[0]) as con:
            return fn(con, *args, **kwargs)
    except duckdb.Error as e:
        raise StoreUnavailable(_("Kunne ikke lese datalageret: {error}").format(error=e)) from e


@shared(4)
def _municipalities(k) -> pd.DataFrame:
    def q(con):
        r = queries.regions(con)
        counties = r[r["level"] == "fylke"].set_index("code")["name"]
        m = r[(r["level"] == "kommune") & r["parent"].notna() & (r["code"].str.len() == 4)].copy()
        m["county"] = m["parent"]
        m["county_name"] = m["county"].map(counties)
        return m[["code", "name", "county", "county_name"]]
    m = _read(k, q)
    # The partnership's counties first (the seeds' region), then the rest of Norway.
    seed = {c: i for i, c in enumerate(views.SEED_COUNTIES)}
    m["_o"] = m["county"].map(seed).fillna(len(seed))
    return m.sort_values(["_o", "name"]).drop(columns="_o").reset_index(drop=True)


def municipalities() -> pd.DataFrame:
    """code, name, county, county_name: today's municipalities, seed counties first. A copy
    per run (copy-on-write: no data copied), so a page adding a column changes only its own."""
    return _once(("municipalities",), lambda: _municipalities(key()).copy(deep=False))


@shared(4)
def _codes(k) -> tuple[list[str], frozenset[str], dict[str, tuple[str, str]]]:
    m = _municipalities(k)
    codes = list(m["code"])
    return codes, frozenset(codes), dict(zip(codes, zip(m["name"], m["county"])))


def municipality_codes() -> list[str]:
    """Today's municipality codes in the pickers' order (shared, read-only)."""
    return _codes(key())[0]


def is_municipality(code) -> bool:
    return code in _codes(key())[1]


def municipality(code: str | None) -> tuple[str, str] | None:
    """(name, county) of today's municipality `code`, or None."""
    return _codes(key())[2].get(code)


class _Labels(dict):
    def __missing__(self, code):
        return str(code)


@shared(4)
def _options(k) -> tuple[tuple[str, str, str], ...]:
    m = _municipalities(k)
    return tuple((c, n, views.picker_label(c, n, cn))
                 for c, n, cn in zip(m["code"], m["name"], m["county_name"]))


def municipality_options() -> tuple[tuple[str, str, str], ...]:
    """(code, name, label) in the pickers' order, for resolving typed text (views.pick)."""
    return _options(key())


@shared(4)
def _labels(k) -> dict[str, str]:
    return _Labels((c, label) for c, _n, label in _options(k))


def municipality_labels() -> dict[str, str]:
    """code → «Færder (Vestfold) · 3911 · faerder, farder» for the pickers (views.picker_label:
    what a user may type is in the label, for the pickers' «contains» filter): one dict per
    store version, shared and read-only (built on every run it cost 3 ms of a 40 ms rerun). An
    unknown code gives itself, so `municipality_labels().__getitem__` is a format_func without a
    Python call per option."""
    return _labels(key())


@shared(4)
def _counties(k) -> pd.DataFrame:
    def q(con):
        return queries.regions(con, "fylke")[["code", "name", "note"]]
    return _read(k, q)


def counties() -> pd.DataFrame:
    return _once(("counties",), lambda: _counties(key()).copy(deep=False))


def counties_of(k) -> pd.DataFrame:
    """The counties of the store `k` names (for caches keyed on it)."""
    return _counties(k)


@shared(64)
def _periods(k, ind, age, category) -> list[str]:
    return _read(k, queries.periods, ind, age=age, category=category)


def periods(ind: str, age: str | None, category: str = "alle") -> list[str]:
    return list(_periods(key(), ind, age, category))


@shared(64)
def _has_values(k, ind, age, category) -> bool:
    return _read(k, queries.has_values, ind, age=age, category=category)


def has_values(ind: str, age: str | None, category: str = "alle") -> bool:
    return _has_values(key(), ind, age, category)


@shared(16)
def _ages(k, ind) -> list[str]:
    return _read(k, queries.ages, ind)


def ages(ind: str) -> list[str]:
    return _once(("ages", ind), lambda: list(_ages(key(), ind)))


@st.cache_data(show_spinner=False, max_entries=256)
def _series(k, ind, regions, age, category, periods, lang) -> pd.DataFrame:
    # lang: the country's and a split municipality's names are words in the page's language.
    return _read(k, queries.series, ind, list(regions), age=age, category=category,
                 periods=list(periods) if periods else None)


def series(ind: str, regions, *, age: str | None = None, category: str = "alle",
           periods=None) -> pd.DataFrame:
    return _series(key(), ind, tuple(regions), age, category, tuple(periods) if periods else None,
                   i18n.current())


@st.cache_data(show_spinner=False, max_entries=256)
def _table(k, ind, level, period, age, category, county, lang) -> pd.DataFrame:
    return _read(k, queries.table, ind, level, period=period, age=age, category=category,
                 county=county)


def table(ind: str, level: str = "kommune", *, period: str | None, age: str | None = None,
          category: str = "alle", county: str | None = None) -> pd.DataFrame:
    return _table(key(), ind, level, period, age, category, county, i18n.current())


@shared(256)
def _is_demo(k, ind, age, category, period) -> bool:
    return _read(k, queries.is_demo, ind, age=age, category=category,
                 periods=[period] if period else None)


def is_demo(ind: str | None = None, age: str | None = None, category: str = "alle",
            period: str | None = None) -> bool:
    """Demo data among the figures of this selection (any period when `period` is None)."""
    sel = (ind, age, category, period)
    return _once(("is_demo",) + sel, lambda: _is_demo(key(), *sel))


@shared(256)
def _provenance(k, ind, periods, lang) -> fmt.Provenance | None:
    # lang: a Provenance holds no words, but what is cached across users is keyed on it anyway.
    return _read(k, queries.provenance, ind, list(periods) if periods else None)


def provenance(ind: str, periods=None) -> fmt.Provenance | None:
    """Where the figures of `ind` shown for `periods` (all when None) come from, for the source
    line under a chart (charts' `provenance=`): per store version and language."""
    ps = tuple(sorted({str(p) for p in periods if p is not None})) if periods is not None else ()
    return _provenance(key(), ind, ps or None, i18n.current())


@shared(64)
def _breaks(k, ind, age, category) -> list[float]:
    return _read(k, maps.breaks, ind, age, category)


def breaks(ind: str, age: str | None, category: str = "alle") -> list[float]:
    """Map class breaks from every municipality and every period (fixed across years)."""
    return list(_breaks(key(), ind, age, category))


@shared(64)
def _symbol_top(k, ind, age, category, county) -> float | None:
    return _read(k, maps.symbol_top, ind, age, category, county)


def symbol_top(ind: str, age: str | None, category: str, county: str) -> float | None:
    """The circles' scale on a county's map of counts: its largest count in any period."""
    return _symbol_top(key(), ind, age, category, county)


def family_choice(ids: list[str], municipality: str) -> tuple[str, str, str] | None:
    """indicators.facts.family_choice with the cached readers."""
    return facts.family_choice(ids, municipality, ages=ages, periods=periods, series=series)


# --- the Kart page's map, built once per view ------------------------------------------------

@dataclass(frozen=True)
class MapView:
    """Everything the Kart page shows of one map: the SVG model, the table under it (markdown),
    the rows for the downloads, and a function making the plotly figure for the images."""
    model: dict
    table: str
    frame: pd.DataFrame               # map_frame rows with period and level (for the downloads)
    known: bool                       # any municipality with a value
    drawn: dict = field(repr=False)
    area: str = ""
    county_filter: str | None = None

    def selecting(self, code: str | None) -> MapView:
        """This map with `code` outlined (the cached one is the same for every municipality)."""
        return replace(self, model=maps.select(self.model, code),
                       drawn={**self.drawn, "selected": code})

    def figure(self):
        return maps.choropleth(self.frame, maps.geometry(self.area, self.county_filter), **self.drawn)


@shared(128)
def _map_view(k, ind_id, period, age, category, county, area_name, lang: str) -> MapView:
    """`lang`: the titles, legend, hover words and table headers are in the run's language."""
    ind = indicators.get(ind_id)
    area, county_filter = maps.map_area(county)
    frame = maps.frame(area, county_filter, ind, lambda codes: _series(
        k, ind_id, tuple(codes), age, category, (period,), lang))
    drawn = dict(ind=ind, period=period, area_name=area_name, selected=None, age=age,
                 category=category, breaks=_breaks(k, ind_id, age, category),
                 circle_top=_symbol_top(k, ind_id, age, category, county),
                 demo=_is_demo(k, ind_id, age, category, period),
                 provenance=_provenance(k, ind_id, (period,), lang))
    display = views.display_table(frame, ind, with_period=False, sort_by_value=True)
    return MapView(model=maps.svg_map(frame, area=area, county=county_filter, **drawn),
                   table=markdown.table(display), frame=frame.assign(period=period, level="kommune"),
                   known=bool(frame["status"].isin(fmt.KNOWN).any()), drawn=drawn,
                   area=area, county_filter=county_filter)


def map_view(ind: str, period: str | None, age: str | None, category: str, county: str,
             area_name: str, selected: str | None) -> MapView:
    """The map for a view; built once and shared read-only between sessions (a rerun that only
    moves the outline to another municipality costs a lookup and a copy, not 10 ms of pandas)."""
    return _map_view(key(), ind, period, age, category, county, area_name,
                     i18n.current()).selecting(selected)
