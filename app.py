"""Innenfor: indicators of young people outside work, education and training, per municipality.

Entry point: page setup, the shared view (sidebar + URL) and navigation. The pages in
app_pages/ only lay out widgets and charts; data comes through ui.data, figures from
indicators.charts.

The folder is deliberately not called pages/: Streamlit still treats a pages/ folder next to
the main script as an old-style multipage app until st.navigation has run once in the process,
so the first request after a restart to e.g. /utvikling would run that page without this file
(no sidebar, no shared view). tests/test_pages.py guards against the name coming back.

    streamlit run app.py
"""
import base64
from pathlib import Path

import streamlit as st

from ui import data, embed, lang, parts, state
from vocab.i18n import _

# As a data URL (99 bytes): a file path is read and registered as a media file on every run.
FAVICON = "data:image/png;base64," + base64.b64encode(
    (Path(__file__).parent / "static" / "favicon.png").read_bytes()).decode()
lang.choose()          # first: every word below is written in the run's language
embedded = embed.requested()
st.set_page_config(layout="wide", page_title="Innenfor", page_icon=FAVICON,
                   initial_sidebar_state="collapsed" if embedded else "expanded",
                   menu_items={"About": _("Innenfor – oversikt over unge utenfor arbeid, "
                                          "utdanning og opplæring, per kommune. Åpen kildekode.")})

# parts.page: st.Page made once per process (per title) and copied per run (cheaper than new).
PAGES = {
    # The default page is served at "/" but reserves its own name, which Streamlit then does not
    # serve: the name is taken by a hidden page that forwards "/kart" to "/" (below).
    "kart": parts.page("app_pages/kart.py", title=_("Kart"), url_path="kart-standard",
                       default=True),
    "utvikling": parts.page("app_pages/utvikling.py", title=_("Utvikling"), url_path="utvikling"),
    "sammenlign": parts.page("app_pages/sammenlign.py", title=_("Sammenlign"),
                             url_path="sammenlign"),
    "min-kommune": parts.page("app_pages/min_kommune.py", title=_("Min kommune"),
                              url_path="min-kommune"),
    "maal": parts.page("app_pages/maal.py", title=_("Mål 2035"), url_path="maal"),
    "presentasjon": parts.page("app_pages/presentasjon.py", title=_("Presentasjon"),
                               url_path="presentasjon"),
    "data": parts.page("app_pages/data.py", title="Data", url_path="data"),
}
# Kart is the default page and lives at "/"; /kart (typed, or an old bookmark) opens it too.
KART_ALIAS = st.Page(lambda: None, title="Kart (lenke)", url_path="kart", visibility="hidden")
page = st.navigation(list(PAGES.values()) + [KART_ALIAS], position="hidden" if embedded else "sidebar")
if page.url_path == KART_ALIAS.url_path:
    state.raw()                     # keep the link's view (?kommune=…) for this session
    st.switch_page(PAGES["kart"])
page_id = next(k for k, p in PAGES.items() if p.url_path == page.url_path)
if page_id == "data":   # loading files: no shared view, and it works before a store exists
    state.write_lang()
    with st.sidebar:
        lang.set_document_language()
        lang.picker()
    page.run()
    st.stop()

try:
    view = state.resolve()
except data.StoreUnavailable as e:
    st.error(str(e))
    st.stop()

# A click on the map asked for Min kommune (set in a callback, where switching is not allowed).
goto = st.session_state.pop("_goto", None)
if goto in PAGES and goto != page_id:
    st.switch_page(PAGES[goto])

st.session_state["_view"] = view
st.session_state["_page"] = (page_id, page.url_path)
if not embedded:            # the embed's own address (embed=true, innebygd) stays as it is
    state.write_url(view, page_id)
parts.period_notice(view)


def sidebar() -> None:
    if embedded:            # a figure on another site: no sidebar at all
        lang.set_document_language()
        return
    with st.sidebar:        # the script element is empty; the picker first, easy to find
        lang.set_document_language()
        lang.picker()
    parts.sidebar(view)


embed.start_run()
if embedded:
    embed.hide_all_but(embedded)


# The sidebar is drawn after the page: its widgets' scripts then load after the map's and
# charts' (the browser fetches a page's script chunks a few at a time, in order of arrival).
# Widget values live in the view, so drawing them last changes nothing else; a page that
# fails still gets them, so the user can choose another view.
try:
    page.run()
except Exception:
    sidebar()
    raise
sidebar()
