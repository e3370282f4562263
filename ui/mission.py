"""The mission page's Streamlit glue (app_pages/maal.py, and Presentasjon's «Mål 2035» view):
cached reads of indicators.mission per store version, the status map and table, the cost
sentence and the Excel download. Everything user-given is escaped or shown in the data grid."""
from __future__ import annotations

import functools
import html
import importlib

import duckdb
import pandas as pd
import streamlit as st

from indicators import cost, mission, progress, queries
from indicators import format as fmt
from loaders import store
from ui import data, mapview, state
from ui.markdown import escape as md_escape
from vocab import i18n, indicators, regions
from vocab.i18n import N_, _, ngettext
from vocab.periods import month_name

MAP_KEY = "maal_kart"


def _read(fn, *args, k=None):
    k = k or data.key()
    try:
        with store.reader(k[0]) as con:
            return fn(con, *args)
    except duckdb.Error as e:
        raise data.StoreUnavailable(_("Kunne ikke lese datalageret: {error}").format(error=e)) from e


@st.cache_data(show_spinner=False, max_entries=16)
def _items(k, area: str) -> list[progress.Progress]:
    return _read(mission.assess, area, k=k)


def items(area: str) -> list[progress.Progress]:
    return _items(data.key(), area)


@st.cache_data(show_spinner=False, max_entries=16)
def _map(k, area: str, ind_id: str, lang: str) -> dict:
    def q(con):
        return mission.map_model(con, area, mission.assess(con, area), ind_id)
    return _read(q, k=k)


def map_model(area: str, ind_id: str) -> dict:
    return _map(data.key(), area, ind_id, i18n.current())


@st.cache_data(show_spinner=False, max_entries=16)
def _facts(k, area: str, lang: str) -> dict:
    def q(con):
        return {"name": mission.area_name(con, area), "groups": mission.groups_in(con, area),
                "loaded": mission.last_loaded(con), "cost": cost.current(con),
                "outside": outside(con, area)}
    return _read(q, k=k)


def facts(area: str) -> dict:
    return _facts(data.key(), area, i18n.current())


def outside(con, area: str) -> tuple[int, str] | None:
    """(young people outside work and education, period): the newest NEET count for the area
    (38 as 39 + 40 in a period both have), or None."""
    codes = ["39", "40"] if area == regions.VESTFOLD_OG_TELEMARK else [area]
    df = queries.series(con, "neet", codes)
    df = df[df["status"].isin(fmt.KNOWN) & df["numerator"].notna()]
    full = df.groupby("period")["region_code"].nunique()
    done = sorted(full[full == len(codes)].index)
    if not done:
        return None
    last = df[df["period"] == done[-1]]
    return int(round(last["numerator"].sum())), str(done[-1])


def cost_sentence(area: str) -> str | None:
    """«N unge utenfor ≈ X mill. kr per år (anslag …; kilde …)» with the period, or None."""
    f = facts(area)
    found = f["outside"]
    text = cost.sentence(found[0] if found else None, f["cost"])
    if text is None or found is None:
        return None
    return f"{f['name']} {fmt.period_phrase(found[1])}: {text}"


# --- choices -----------------------------------------------------------------------------------

def area_choice(view: state.View, *, key: str = "maal_omrade") -> str:
    """The county from the sidebar, or a regional group inside it (the page's «omrade»)."""
    groups = facts(view.fylke)["groups"]
    options = {view.fylke: _("{area} (hele)").format(area=view.fylke_name), **groups}
    chosen = view.options.get("omrade")
    current = chosen if chosen in options else view.fylke
    if len(options) > 1:
        st.session_state["w_" + key] = current
        st.selectbox(_("Område"), list(options), format_func=options.get, key="w_" + key,
                     on_change=_copy, args=("omrade", "w_" + key), width=360,
                     help=_("Fylket velges i sidemenyen; regiongruppene i det velges her."))
    return current


def _copy(param: str, widget: str) -> None:
    state.put(param, st.session_state.get(widget))


def map_indicator(view: state.View, found: list[progress.Progress], *, key: str = "maal_ind") -> str | None:
    """The indicator the map shows: the sidebar's if it has targets here, else the most common."""
    ids = mission.map_indicators(found)
    current = goal_indicator(view.ind.id, found)
    if current is None:
        return None
    if len(ids) > 1:
        names = {i: found_name(found, i) for i in ids}
        st.session_state["w_" + key] = current
        st.selectbox(_("Kartet viser målene for"), ids, format_func=names.get, key="w_" + key,
                     on_change=_copy, args=("indikator", "w_" + key), width=360)
    return current


def found_name(found: list[progress.Progress], ind_id: str) -> str:
    return next(p.indicator.short for p in found if p.indicator.id == ind_id)


# --- what the page shows -----------------------------------------------------------------------

def summary(area: str, found: list[progress.Progress]) -> str:
    """«4 mål i Telemark: ✖ Ikke på sporet 3 · ✔ På sporet 1. Nyeste tall: 2024 …» (escaped)."""
    f = facts(area)
    counts = " · ".join(f"{w}: {fmt.number(n)}" for w, n in mission.counts(found))
    newest = mission.newest_period(found)
    loaded = f["loaded"]
    when = day_text(loaded) if loaded is not None and not pd.isna(loaded) else None
    text = ngettext("{n} mål i {area}: {counts}.", "{n} mål i {area}: {counts}.", len(found)).format(
        n=fmt.number(len(found)), area=f["name"], counts=counts)
    if newest:
        text += " " + _("Nyeste tall: {period}.").format(period=fmt.period(newest))
    if when:
        text += " " + _("Tallene i Innenfor ble sist oppdatert {date}.").format(date=when)
    return md_escape(text)


def day_text(d) -> str:
    """A date in a table or a short line: 07.12.2026 (7 Dec 2026 in English)."""
    t = pd.Timestamp(d)
    if i18n.current() == "en":
        return f"{t.day} {month_name(t.month)[:3]} {t.year}"
    return t.strftime("%d.%m.%Y")


def table(found: list[progress.Progress]) -> None:
    """The targets as a sortable grid (click a column heading to sort)."""
    df = mission.table(found)
    st.dataframe(df, hide_index=True, width="stretch",
                 column_config={_("Forklaring"): st.column_config.TextColumn(width="large"),
                                _("Status"): st.column_config.TextColumn(width="small")})


def sentences(found: list[progress.Progress]) -> str:
    """Each target as its sentence after its status (for reading aloud, print and screen readers:
    the grid above is a canvas)."""
    return "\n".join(f"- **{md_escape(mission.status_text(p))}** – {md_escape(p.sentence())}"
                     for p in found)


def on_pick(key: str = MAP_KEY) -> None:
    """A click on a municipality opens it in Min kommune (as on Kart)."""
    code = mapview.picked(key)
    if code and code in set(data.municipalities()["code"]):
        state.put("kommune", code)
        st.session_state["_goto"] = "min-kommune"


def status_map(area: str, ind_id: str, *, key: str = MAP_KEY, caption: bool = True,
               symbol: int = 44) -> None:
    model = map_model(area, ind_id)
    targeted = [r for r in model["regions"] if r["label"]]
    alt = ngettext("Kart over status for målene for {indicator} i {area}: {n} kommune har mål. "
                   "Statusen står også i tabellen.",
                   "Kart over status for målene for {indicator} i {area}: {n} kommuner har mål. "
                   "Statusen står også i tabellen.", len(targeted)).format(
        indicator=indicators.get(ind_id).short, area=facts(area)["name"], n=len(targeted))
    # The status symbol large enough to read on the municipality (SVG units: the map is 1000 wide).
    st.html(f"<style>.st-key-{key}_box .inf-word {{ font-size: {symbol}px; }}</style>")
    with st.container(key=f"{key}_box"):
        mapview.show(model, key=key, on_pick=functools.partial(on_pick, key), alt=alt)
    if caption:
        st.markdown(f":small[{md_escape(model['meta']['caption'])}]")


def excel_button(area: str, codes_of_area: list[str]) -> bool:
    """«Last ned Excel» when exports.mission.excel_bytes exists; False when it does not."""
    try:
        ex = importlib.import_module("exports.mission")
    except ImportError:
        return False
    if not hasattr(ex, "excel_bytes"):
        return False

    k = data.key()           # the store as shown now, also when the click comes later
    lang = i18n.current()    # the click is served in another thread: write in the page's language

    def make() -> bytes:
        with i18n.use(lang):
            return _read(ex.excel_bytes, codes_of_area, k=k)
    st.download_button(_("Last ned Excel"), data=make, file_name=f"innenfor_maal_{fmt.slug(area)}.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       on_click="ignore", icon=":material/download:", key="maal_excel")
    return True


def region_codes(area: str) -> list[str]:
    """The codes whose targets the page shows (for the Excel export)."""
    def q(con):
        found = mission.places(con, area)
        return sorted(found) if found is not None else sorted(
            {str(c) for c in progress.targets(con)["region_code"]})
    return _read(q)


# In the order of progress.WORDS.
# Marked N_: translate with _() where shown.
STATUS_HELP = (N_("det nyeste tallet er på banen mot målet eller bedre, også med usikkerheten"),
               N_("det nyeste tallet er på feil side av banen, også med usikkerheten"),
               N_("usikkerheten rundt tallet omfatter banen: forskjellen kan være tilfeldig"),
               N_("for få perioder med tall siden basisåret til å si noe om retningen"),
               N_("det finnes ikke tall for basisperioden eller senere"))


# --- Presentasjon's «Mål 2035» view ------------------------------------------------------------

PRES_ROWS = 7         # targets listed beside the map on a projector; the rest are in the table


def goal_indicator(ind_id: str, found: list[progress.Progress]) -> str | None:
    """The indicator the status map shows: the chosen one if it has targets for municipalities
    here, else the one with most."""
    ids = mission.map_indicators(found)
    return ind_id if ind_id in ids else (ids[0] if ids else None)


def presentation_subtitle(area: str, found: list[progress.Progress]) -> str:
    counts = " · ".join(f"{w}: {fmt.number(n)}" for w, n in mission.counts(found))
    newest = mission.newest_period(found)
    head = (ngettext("{n} mål · {counts}", "{n} mål · {counts}", len(found)).format(
        n=fmt.number(len(found)), counts=counts) if found else _("Ingen mål satt ennå"))
    return head + (" · " + _("nyeste tall {period}").format(period=fmt.period(newest))
                   if newest else "")


def presentation(area: str, found: list[progress.Progress], ind_id: str | None) -> None:
    """The status map beside the targets in large type (symbol and words, then the figures)."""
    def item(p: progress.Progress) -> str:
        e = html.escape
        now = (_("{value} i {period}").format(value=e(mission.value_text(p.latest_value, p)),
                                               period=e(fmt.period(p.latest_period)))
               if p.latest_period else e(_("ingen nye tall")))
        path = (_(", banen {value}").format(value=e(mission.value_text(p.expected_value, p)))
                if p.expected_value is not None else "")
        goal = _("mål {value} innen {year}").format(
            value=e(fmt.value(p.target_value, p.indicator)), year=p.target_year)
        return (f'<li><span class="pres-status">{e(mission.status_text(p))}</span> '
                f"{e(p.region_name)}, {e(p.indicator.short)}: {now}{path}; {goal}</li>")
    left, right = st.columns([3, 2]) if ind_id else (None, st.container())
    if left is not None and ind_id:
        with left:
            status_map(area, ind_id, key="pres_maal_kart", caption=False, symbol=80)
    more = len(found) - PRES_ROWS
    right.html('<ul class="pres-goals">' + "".join(item(p) for p in found[:PRES_ROWS]) + "</ul>"
               + ('<p class="pres-goals">' + html.escape(ngettext(
                   "… og {n} mål til (se siden Mål 2035).", "… og {n} mål til (se siden Mål 2035).",
                   more).format(n=more)) + "</p>" if more > 0 else ""))
