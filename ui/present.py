"""Presentation mode: the figure restyled for a projector, stepping through indicators,
municipalities and periods, and the page's CSS.

Figures come from indicators.charts as everywhere else and are restyled here (on a copy of the
figure dict): every font at least MIN_FONT px, thicker lines, no title (the page's own heading
says it in larger type), no mode bar. Stepping works on the raw view (ui.state), so two quick
key presses are two steps even when the first rerun has not finished."""
from __future__ import annotations

import html
import math

import plotly.graph_objects as go

from indicators import charts, views
from indicators import format as fmt
from ui import data, state
from vocab import indicators
from vocab.i18n import N_, _
from vocab.indicators import Indicator

MIN_FONT = 24           # px: every text in the figure (labels, ticks, legend, hover)
BASE_FONT = 26
TEXT = "#111111"        # 18.9:1 on white
DEMO_RED = "#8b1a1a"    # 9.6:1 on white
VIEWS = {"kart": N_("Kart"), "utvikling": N_("Utvikling"), "maal": N_("Mål 2035")}
STEPS = {"indikator": N_("Indikator"), "kommune": N_("Kommune")}
MIN_HEIGHT = 300        # px: the stage grows the figure from here to the height that is left
PLAY_SECONDS = {"year": 2.5, "school_year": 2.5, "month": 1.2}


def view_name(key: str) -> str:
    """The words on the «Vis» choice (Kart, Utvikling, Mål 2035) in the run's language."""
    return _(VIEWS[key]) if key in VIEWS else key


def step_name(key: str) -> str:
    """The words on the «Piltastene bytter» choice in the run's language."""
    return _(STEPS[key]) if key in STEPS else key


# --- figures -----------------------------------------------------------------------------------

def _bigger_fonts(node, factor: float) -> None:
    """Every font size in a figure dict × factor, never below MIN_FONT; every font dark."""
    for _path, font in charts.fonts(node):
        font["size"] = max(MIN_FONT, round((font.get("size") or BASE_FONT) * factor))
        if font.get("color") not in (None, DEMO_RED):
            font["color"] = TEXT


def font_sizes(node, path: str = "") -> list[tuple[str, float]]:
    """(where, size) of every font size set in a figure dict (for tests and checks)."""
    return [(p, f["size"]) for p, f in charts.fonts(node, path)
            if isinstance(f.get("size"), (int, float))]


def _common(d: dict) -> dict:
    """Shared restyling of a figure dict: no title, large dark type, no demo badge (the page
    shows "Demodata" next to the source line), autosize to the page's stage."""
    lay = d["layout"]
    lay["title"] = {"text": ""}
    badge = {"DEMODATA", _("DEMODATA")}
    lay["annotations"] = [a for a in lay.get("annotations") or []
                          if a.get("text") not in badge
                          and str(a.get("bordercolor") or "").lower() != DEMO_RED]
    # The page sizes the figure to the screen (height="stretch" in a CSS flex stage); a figure
    # without a height would get Streamlit's minimum of 450 px and be cut on a 720 px screen.
    lay["height"] = MIN_HEIGHT
    lay["autosize"] = True
    _bigger_fonts({k: v for k, v in lay.items() if k not in ("font", "hoverlabel")}, 1.6)
    _bigger_fonts(d["data"], 1.6)
    lay["font"] = {**(lay.get("font") or {}), "size": BASE_FONT, "color": TEXT}
    lay["hoverlabel"] = {"font": {"family": charts.FONT, "size": MIN_FONT, "color": TEXT},
                         "bgcolor": "white", "bordercolor": TEXT}
    return lay


def map_figure(fig: go.Figure) -> go.Figure:
    """The Kart figure for a projector: legend and labels ≥ 24 px, a heavier outline."""
    d = fig.to_dict()
    lay = _common(d)
    lay["margin"] = {"l": 0, "r": 0, "t": 10, "b": 10}
    for t in d["data"]:
        if t.get("type") == "choropleth":
            line = (t.get("marker") or {}).get("line") or {}
            if isinstance(line.get("width"), list):
                line["width"] = [5 if w > 1 else 1.2 for w in line["width"]]
            cb = t.get("colorbar") or {}
            cb.update({"thickness": 40, "len": min(0.9, cb.get("len", 0.6) * 1.25), "x": 1.0,
                       "xanchor": "right", "ypad": 10, "outlinewidth": 1.5})
            t["colorbar"] = cb
    return go.Figure(d)


def trend_figure(fig: go.Figure, *, ind: Indicator, current: str | None, own: str) -> go.Figure:
    """The Utvikling figure for a projector: thick lines, the legend on top, and the current
    period marked with a vertical line and the municipality's value printed large."""
    d = fig.to_dict()
    lay = _common(d)
    lay["margin"] = {"l": 10, "r": 30, "t": 10, "b": 10}
    lay["legend"] = {"orientation": "h", "x": 0, "xanchor": "left", "y": 1.0, "yanchor": "bottom",
                     "font": {"size": MIN_FONT, "color": TEXT}}
    for t in d["data"]:
        if t.get("type") == "scatter" and t.get("line"):
            t["line"]["width"] = 6 if t["line"].get("width", 0) >= 3 else 4
            mk = t.setdefault("marker", {})
            mk["size"] = 12 if (mk.get("size") or 8) >= 8 else 10
        elif t.get("mode") == "markers":
            t["marker"]["size"] = 20
    if current:
        x = _x_of(current, ind)
        # On a category axis a shape's x is the category's position: "2019" would be read as
        # the 2019th category and stretch the axis.
        cats = [str(c) for c in (lay.get("xaxis") or {}).get("categoryarray") or []]
        sx = cats.index(x) if ind.period_type != "month" and x in cats else x
        lay.setdefault("shapes", []).append({
            "type": "line", "xref": "x", "yref": "paper", "x0": sx, "x1": sx, "y0": 0, "y1": 1,
            "line": {"color": TEXT, "width": 2, "dash": "dot"}, "layer": "below"})
        own_trace = next((t for t in d["data"] if t.get("name") and t.get("customdata")
                          and t["customdata"][0][0] == own), None)
        point = _point_at(own_trace, x)
        if point is not None:
            colour = own_trace["line"]["color"]
            d["data"].append({
                "type": "scatter", "mode": "markers", "x": [x], "y": [point[0]],
                "hoverinfo": "skip", "showlegend": False, "cliponaxis": False,
                "marker": {"size": 22, "color": colour, "line": {"width": 3, "color": "white"}}})
            # The value in a white box above the point, so no line runs through the digits.
            lay["annotations"].append({
                "x": sx, "y": point[0], "xref": "x", "yref": "y", "text": f"<b>{point[1]}</b>",
                "showarrow": False, "yanchor": "bottom", "yshift": 16, "bgcolor": "white",
                "bordercolor": colour, "borderwidth": 2, "borderpad": 4,
                "font": {"size": 30, "color": TEXT, "family": charts.FONT}})
    return go.Figure(d)


def _x_of(period: str, ind: Indicator) -> str:
    return f"{period}-01" if ind.period_type == "month" else fmt.period_short(period)


def _point_at(trace: dict | None, x: str):
    if not trace:
        return None
    for xi, yi, cd in zip(trace.get("x") or [], trace.get("y") or [], trace.get("customdata") or []):
        if xi == x and yi is not None and not (isinstance(yi, float) and math.isnan(yi)):
            return yi, cd[2]
    return None


def config(topojson_url: str) -> dict:
    """No mode bar (nothing to click on a wall), hover kept for the presenter's mouse."""
    return {"displayModeBar": False, "displaylogo": False, "responsive": True,
            "scrollZoom": False, "doubleClick": False, "topojsonURL": topojson_url}


# --- stepping ----------------------------------------------------------------------------------

def indicators_with_data() -> list[str]:
    """Indicator ids in definition order that have any numbers in the store."""
    return [i for i in indicators.all_indicators() if data.ages(i)]


def area_municipalities(fylke: str) -> list[tuple[str, str]]:
    """(code, name) of the municipalities the map shows for a county choice, by name."""
    m = data.municipalities()
    if fylke == views.VT:
        m = m[m["county"].isin(["39", "40"])]
    elif fylke != views.NORWAY:
        m = m[m["county"] == fylke]
    m = m.sort_values("name")
    return list(zip(m["code"], m["name"]))


def _cycle(items: list, current, step: int):
    if not items:
        return None
    if current not in items:
        return items[0] if step > 0 else items[-1]
    return items[(items.index(current) + step) % len(items)]


def step(direction: int) -> None:
    """→ / ←: the next or previous indicator (with data), or municipality of the area,
    depending on the view's "pil" option. Keeps the chosen period (aligned by ui.state)."""
    v = state.resolve()
    if (v.options.get("pil") or "indikator") == "kommune":
        codes = [c for c, _n in area_municipalities(v.fylke)]
        nxt = _cycle(codes, v.kommune, direction)
        if nxt:
            state.put("kommune", nxt)
    else:
        nxt = _cycle(indicators_with_data(), v.ind.id, direction)
        if nxt:
            state.put("indikator", nxt)


def next_period(v: state.View) -> str | None:
    """The period after the one shown, or None at the last one."""
    ps = v.periods
    if not ps or v.period not in ps:
        return None
    i = ps.index(v.period)
    return ps[i + 1] if i + 1 < len(ps) else None


def toggle_play(key: str) -> None:
    """Space / "Spill av": start or stop stepping through the periods. Started at the last
    period, it starts over from the first."""
    import streamlit as st
    playing = not st.session_state.get(key, False)
    st.session_state[key] = playing
    if playing:
        v = state.resolve()
        if v.periods and next_period(v) is None:
            state.put("periode", v.periods[0])


def tick(key: str) -> bool:
    """One step of the player: the next period; at the last one the player stops.
    True when the view changed."""
    import streamlit as st
    v = state.resolve()
    nxt = next_period(v)
    if nxt is None:
        st.session_state[key] = False
        return False
    state.put("periode", nxt)
    return True


# --- the page's HTML ---------------------------------------------------------------------------

def esc(s) -> str:
    return html.escape(str(s), quote=True)


CSS = f"""<style>
/* Presentation: no sidebar, no header, the page is one screen high and the figure's stage
   takes the height that is left, so the source line and the buttons are always on screen. */
[data-testid=stSidebar], [data-testid=stExpandSidebarButton], [data-testid=stSidebarCollapseButton],
header[data-testid=stHeader] {{ display: none !important; }}
[data-testid=stMainBlockContainer] {{ padding: 14px 36px 10px 36px !important; max-width: none !important;
  height: 100vh; }}
[data-testid=stMainBlockContainer] > [data-testid=stVerticalBlock] {{ height: 100%; gap: 8px; }}
[data-testid=stLayoutWrapper]:has(> .st-key-pres_stage) {{ flex: 1 1 0 !important; min-height: 340px; }}
.st-key-pres_stage {{ flex: 1 1 0 !important; min-height: 0; gap: 4px; }}
.st-key-pres_next_page, .st-key-pres_prev_page {{ display: none !important; }}
.pres-head {{ display: flex; justify-content: space-between; align-items: flex-end; gap: 32px;
  color: {TEXT}; }}
.pres-head h1 {{ font-size: 44px; line-height: 1.15; margin: 0; padding: 0; font-weight: 700;
  color: {TEXT}; }}
.pres-head .pres-sub {{ font-size: 28px; line-height: 1.3; margin: 6px 0 0 0; color: {TEXT}; }}
.pres-now {{ text-align: right; white-space: nowrap; }}
.pres-period {{ font-size: 56px; font-weight: 700; line-height: 1.05; color: {TEXT};
  font-variant-numeric: tabular-nums; }}
.pres-value {{ font-size: 30px; line-height: 1.3; color: {TEXT}; }}
.pres-source {{ font-size: 24px; line-height: 1.35; margin: 0; color: {TEXT}; }}
.pres-demo {{ color: {DEMO_RED}; font-weight: 700; border: 2px solid {DEMO_RED}; padding: 0 8px;
  border-radius: 4px; white-space: nowrap; }}
.st-key-pres_controls button p, .st-key-pres_controls [data-testid=stMarkdownContainer] p,
.st-key-pres_controls input {{ font-size: 20px; }}
.st-key-pres_controls button {{ min-height: 48px; }}
/* Streamlit prints the shortcut in English ("Space") and faint: the labels say it instead. */
.st-key-pres_controls kbd {{ display: none !important; }}
/* Mål 2035: the status map's words and the list of targets in projector type. */
.st-key-pres_stage .inf-map .inf-title {{ display: none; }}
.st-key-pres_stage .inf-map .inf-sub {{ font-size: 20px; }}
.st-key-pres_stage .inf-map .inf-legend, .st-key-pres_stage .inf-map .inf-legend li {{ font-size: 24px; }}
.st-key-pres_stage .inf-map .inf-help {{ display: none; }}
.st-key-pres_stage .inf-map .inf-swatch {{ width: 30px; height: 30px; }}
.st-key-pres_stage .inf-map svg {{ max-height: calc(100vh - 330px); }}
.pres-goals {{ list-style: none; margin: 0; padding: 0; font-size: 26px; line-height: 1.3; color: {TEXT}; }}
.pres-goals li {{ margin: 0 0 14px 0; }}
.pres-goals .pres-status {{ font-weight: 700; white-space: nowrap; }}
/* A 1280×720 projector: the controls on one line, a little less heading, more figure. */
@media (max-width: 1500px) {{
  .st-key-pres_controls button p, .st-key-pres_controls [data-testid=stMarkdownContainer] p,
  .st-key-pres_controls input {{ font-size: 17px; }}
  .st-key-pres_controls button {{ min-height: 40px; padding-left: 10px; padding-right: 10px; }}
  [class*="st-key-p_periode_"] {{ width: 150px !important; }}
}}
@media (max-height: 800px) {{
  .pres-head h1 {{ font-size: 34px; }}
  .pres-head .pres-sub {{ font-size: 24px; margin-top: 2px; }}
  .pres-period {{ font-size: 42px; }}
  .pres-value {{ font-size: 24px; }}
  [data-testid=stMainBlockContainer] {{ padding-top: 8px !important; }}
}}
</style>"""
