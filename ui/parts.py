"""Page parts used everywhere: the sidebar with the shared view, a chart with its caption and
"Vis tabell", the demo banner, the copy-link popover and the no-data message.

Widgets are "controlled": before a widget is drawn its session key is set from the view, and
its on_change callback writes the new value back to the view. The view (not the widget) is the
truth, so values survive page switches and permalinks set them."""
from __future__ import annotations

import copy
from typing import Any

import pandas as pd
import streamlit as st
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from indicators import charts, views
from indicators import format as fmt
from ui import data, downloads, embed, mapview, markdown, plotly_view, state
from ui.markdown import escape as md_escape
from vocab import indicators
from vocab.i18n import _

MAP_KEY = "kart_fig"
_PAGES: dict = {}


def page(path: str, **kwargs) -> st.Page:
    """st.Page(path, …) for st.navigation, made once per process and copied for each run:
    making one resolves its path on disk (eight pages were 5 % of a Kart rerun's CPU). The
    copy is the run's own, so st.navigation can mark the one that may run."""
    ctx = get_script_run_ctx(suppress_warning=True)
    if ctx is None:
        return st.Page(path, **kwargs)
    k = (ctx.main_script_path, path, tuple(sorted(kwargs.items())))   # path is relative to it
    if k not in _PAGES:
        _PAGES[k] = st.Page(path, **kwargs)
    return copy.copy(_PAGES[k])


def bind(key: str, value) -> str:
    """Set widget `w_<key>` to the view's value before it is drawn; returns the widget key."""
    wk = "w_" + key
    st.session_state[wk] = value
    return wk


def _copy(key: str) -> None:
    state.put(key, st.session_state.get("w_" + key))


# The municipality pickers' list shows the options whose label contains the typed text (the
# label carries the number and the name without diacritics: views.picker_label), not Streamlit's
# fuzzy default, a subsequence match that listed «Herøy (Møre og Romsdal)» for «oslo» and
# Farsund for «farder». MULTI_PICKER: no «Select N matches» entry either, which Enter took
# («Porsgrunn» added Porsanger too); Enter adds the first option the list shows.
PICKER: dict[str, Any] = {"filter_mode": "contains"}
MULTI_PICKER: dict[str, Any] = {**PICKER, "select_all": False}


def _copy_municipality() -> None:
    """A picked code, or typed text + Enter resolved as the list shows it (views.pick): a
    number, a name also without diacritics («tonsberg») or its Sami or Kven form, else the
    first municipality listed for the text."""
    val = st.session_state.get("w_kommune")
    code = val if data.is_municipality(val) else views.pick(str(val or ""), data.municipality_options())
    if code:
        state.put("kommune", code)
        st.session_state["w_kommune"] = code
        st.session_state.pop("_kommune_miss", None)
    else:
        st.session_state["_kommune_miss"] = str(val or "")
        st.session_state["w_kommune"] = state.raw().get("kommune")


def municipality_label():
    return data.municipality_labels().__getitem__     # a C call per option, not a lambda


def sidebar(view: state.View) -> None:
    ind = view.ind
    all_ind = indicators.all_indicators()
    with st.sidebar:
        st.markdown(_("**Visning**"))
        st.selectbox(_("Indikator"), list(all_ind), placeholder=_("Velg"),
                     key=bind("indikator", ind.id),
                     format_func=lambda i: all_ind[i].short, on_change=_copy, args=("indikator",),
                     help=ind.definition)
        if len(view.ages) > 1:
            st.selectbox(_("Aldersgruppe"), view.ages, placeholder=_("Velg"),
                         key=bind("alder", view.age),
                         format_func=lambda a: indicators.label("age", a), on_change=_copy,
                         args=("alder",))
        if len(ind.categories) > 1:
            st.selectbox(_("Kategori"), list(ind.categories), placeholder=_("Velg"),
                         key=bind("kategori", view.category),
                         format_func=lambda c: indicators.label("category", c), on_change=_copy,
                         args=("kategori",))
        if len(view.periods) > 1:
            st.select_slider(_("Periode"), view.periods, key=bind("periode", view.period),
                             format_func=fmt.period, on_change=_copy, args=("periode",))
        elif view.periods:
            st.markdown(_("Periode: **{period}** (den eneste med data)").format(
                period=fmt.period(view.periods[0])))
        else:
            st.markdown(_("Ingen tall for {indicator} i datalageret.").format(indicator=ind.short))
        st.selectbox(_("Kommune"), data.municipality_codes(), key=bind("kommune", view.kommune),
                     format_func=municipality_label(), on_change=_copy_municipality,
                     accept_new_options=True, **PICKER,
                     placeholder=_("Skriv et kommunenavn"),
                     help=_("Skriv navnet og velg i lista. Du kan også skrive kommunenummeret, "
                            "skrive uten æ, ø og å (for eksempel «tonsberg») eller bruke det "
                            "samiske eller kvenske navnet. Enter velger kommunen med akkurat det "
                            "navnet, ellers den første i lista."))
        miss = st.session_state.get("_kommune_miss")
        if miss:
            st.warning(_("Fant ingen kommune som heter «{name}». Velg i lista.").format(name=miss))
        counties = state.county_choices()
        st.selectbox(_("Fylke (kart og rangering)"), list(counties), placeholder=_("Velg"),
                     key=bind("fylke", view.fylke),
                     format_func=lambda c: counties.get(c, c), on_change=_copy, args=("fylke",))


def period_notice(view: state.View) -> None:
    """Say so when the period asked for (a link, or another indicator's period) has no data."""
    if view.period_missing and view.period:
        st.info(_("Ingen data for {indicator} {period}. Viser {shown}, den nyeste perioden "
                  "med tall.").format(indicator=view.ind.short,
                                      period=fmt.period_phrase(view.period_missing),
                                      shown=fmt.period(view.period)))


def demo_banner(ind_id: str | None = None, age: str | None = None, category: str = "alle",
                period: str | None = None) -> None:
    """The «Demodata» notice when the selection shown holds demo figures."""
    if data.is_demo(ind_id, age, category, period):
        st.warning(_("**Demodata.** Tallene her er oppdiktet for utprøving og er ikke ekte "
                     "statistikk. Last inn tall fra SSB, NAV og Udir for å se virkelige tall."))


def demo_notice(what: str) -> None:
    """The «Demodata» notice naming what is demo («Tallene for unge uføre og …», `what` being
    «unge uføre og …»): a page with real and demo figures side by side says which are which."""
    st.warning(_("**Demodata.** Tallene for {what} er oppdiktet for utprøving og er ikke ekte "
                 "statistikk. Last inn tall fra SSB, NAV og Udir for å se virkelige tall.").format(
                     what=what))


def chart(fig, *, table: pd.DataFrame | None = None, alt: str | None = None,
          export: downloads.ChartExport | None = None) -> None:
    """The figure, then its caption (definition, source, period), the "Last ned" popover
    (with `export`), «Bygg inn», then 'Vis tabell'."""
    m = charts.meta(fig)
    n = embed.next_slot()
    with embed.container(n):
        plotly_view.show(fig, config=charts.config(fig), alt=alt or m.get("title") or "",
                         static_url=state.static_url(), picture=n == 1)
        under_chart(m, table=table, export=export, figure=fig, slot=n)


def map_chart(model: dict, *, table, alt: str, export: downloads.ChartExport, figure) -> None:
    """The Kart page's SVG map (a click opens Min kommune), then what goes under every chart.
    `figure` makes the plotly version for the image downloads, only when one is clicked."""
    n = embed.next_slot()
    with embed.container(n):
        mapview.show(model, key=MAP_KEY, on_pick=on_map_select, alt=alt)
        under_chart(model["meta"], table=table, export=export, figure=figure, slot=n)


def under_chart(m: dict, *, table, export: downloads.ChartExport | None, figure,
                slot: int | None = None) -> None:
    """Caption, «Last ned», «Bygg inn» and «Vis tabell» (a frame, or its markdown already
    made). Embedded on another site: the caption and a link back to the full view only."""
    caption(m.get("caption", ""))
    page, url_path = st.session_state.get("_page", ("kart", ""))
    link = state.permalink(state.current(), page, url_path) if slot is not None else ""
    if embed.requested():
        embed.link_back(link)
        return
    if export is not None:
        downloads.chart_buttons(m, export, figure)
    if slot is not None:
        embed.offer(link, slot, m.get("title") or "Innenfor")
    if table is not None:
        with st.expander(_("Vis tabell")):
            show_table(table)


def caption(text: str) -> None:
    """Definition, source and period under a chart. Small text in the normal text colour:
    st.caption's faded grey is below 4.5:1 contrast. Plain markdown (no HTML), so the page
    needs no extra renderer."""
    st.markdown(f":small[{md_escape(text)}]")


def show_table(df) -> None:
    """The numbers under a chart: a frame, or its markdown already made (ui.markdown.table)."""
    st.markdown(df if isinstance(df, str) else markdown.table(df))


def no_data(text: str) -> None:
    st.info(text)


def copy_link(view: state.View, page: str, url_path: str) -> None:
    url = state.permalink(view, page, url_path)
    with st.popover(_("Lenke til denne visningen")):
        st.markdown(_("Kopier lenken med knappen til høyre i feltet. Den åpner akkurat denne "
                      "visningen (indikator, periode, kommune og fylke)."))
        st.code(url, language=None, wrap_lines=True)


def on_map_select() -> None:
    """A click on a municipality opens it in Min kommune (app.py does the switch)."""
    code = mapview.picked(MAP_KEY)
    if code:
        code = "1508" if code == "1507" else code     # the 2020 Ålesund area: open Ålesund
        if data.is_municipality(code):
            state.put("kommune", code)
            st.session_state["_goto"] = "min-kommune"
