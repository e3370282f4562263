"""Embeds: one chart or map of a page inside an <iframe> on a municipality's website.

Under every chart and map, «Bygg inn» gives the snippet. Its address is the view's permalink
plus `innebygd=<n>` (the page's n-th figure, counted from 1 in the order drawn) and Streamlit's
own `embed=true` (no toolbar or header). The page runs as always, so the figure is the same
one, built by the same code; in an embedded run the sidebar is not drawn, each figure sits in a
keyed container, and a stylesheet hides everything but the chosen one. Under it stay its title,
source line and period (the caption), and a link back to the full view. The figure draws from
this server only (vendored plotly.js, bundled boundaries), so an embed works offline like the
rest."""
from __future__ import annotations

import html
from urllib.parse import urlencode, urlsplit, urlunsplit

import streamlit as st

from vocab.i18n import _

PARAM = "innebygd"
_COUNT = "_embed_figures"
WIDTH, HEIGHT = 800, 760


def requested() -> int | None:
    """The figure number asked for in the URL (an embedded run), or None."""
    raw = st.query_params.get(PARAM)
    return int(raw) if raw and raw.isdigit() and 0 < int(raw) < 100 else None


def start_run() -> None:
    """Count figures from 1 again (app.py, once per run, before the page)."""
    st.session_state[_COUNT] = 0


def next_slot() -> int:
    """The number of the figure about to be drawn."""
    n = int(st.session_state.get(_COUNT, 0)) + 1
    st.session_state[_COUNT] = n
    return n


def container(n: int):
    """The keyed container a figure and its caption are drawn in (class st-key-innenfor-figur-n)."""
    return st.container(key=f"innenfor-figur-{n}")


def hide_all_but(n: int) -> None:
    """In an embedded run: hide every element of the page that is not the chosen figure (or a
    block holding it), and the page's padding. CSS only; the figure itself is untouched."""
    keep = f".st-key-innenfor-figur-{n}"
    st.html(f"""<style>
[data-testid="stMain"] [data-testid="stElementContainer"]:not({keep} *):not(:has({keep})),
[data-testid="stMain"] [data-testid="stLayoutWrapper"]:not({keep} *):not(:has({keep})) {{
  display: none !important; }}
[data-testid="stMainBlockContainer"] {{ padding: 0.5rem 1rem !important; max-width: none; }}
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stHeader"], [data-testid="stToolbar"] {{ display: none !important; }}
</style>""")


def url(permalink: str, n: int) -> str:
    """The embed address of figure `n` in the view `permalink` opens."""
    u = urlsplit(permalink)
    q = u.query + ("&" if u.query else "") + urlencode({PARAM: n, "embed": "true"})
    return urlunsplit((u.scheme, u.netloc, u.path, q, ""))


def snippet(permalink: str, n: int, title: str) -> str:
    """The <iframe> a web editor pastes into the municipality's page."""
    return (f'<iframe src="{html.escape(url(permalink, n))}" title="{html.escape(title)}" '
            f'width="{WIDTH}" height="{HEIGHT}" style="border:0;max-width:100%" '
            'loading="lazy"></iframe>')


def offer(permalink: str, n: int, title: str) -> None:
    """The «Bygg inn» popover under a figure."""
    with st.popover(_("Bygg inn")):
        st.markdown(_("Lim inn koden på nettsiden til kommunen. Den viser denne figuren med "
                      "tittel, kilde og periode, på språket du har valgt her, og en lenke til "
                      "hele visningen i Innenfor."))
        # No language: a highlighted block would load the syntax highlighter on every page.
        st.code(snippet(permalink, n, title), language=None, wrap_lines=True)


def link_back(permalink: str) -> None:
    """Under an embedded figure: the full view in Innenfor, in a new tab (not inside the frame)."""
    words = html.escape(_("Se hele visningen i Innenfor"))
    st.html(f'<p style="margin:0;font-size:0.9rem"><a href="{html.escape(permalink)}" '
            f'target="_blank" rel="noopener">{words}</a></p>')
