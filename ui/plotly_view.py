"""A plotly figure drawn in the page by plotly.js's own partial bundle (scatter, bar, pie: all that
indicators/charts.py makes), in a Streamlit v2 component: no iframe, nothing from a CDN.

Why not st.plotly_chart: it loads Streamlit's full plotly.js (4–5 MB of script) and the chart
pages reached their first chart at about 2× a bare page. The basic bundle is 1.2 MB, served
from static/ and loaded once per browser page (all charts wait for the same script).

The figure JSON is built once on the server (plotly's to_json), as st.plotly_chart did, so the
downloads (kaleido) and the page draw the same figure. No modebar: it was English and added
about 28 tab stops per page; «Last ned» under each chart gives the images. Until plotly.js has
drawn it, a page's first chart may be shown as a picture (ui/first_picture.py); it is hidden here
once the chart is drawn."""
from __future__ import annotations

import json
from pathlib import Path

import streamlit as st

from ui import first_picture

# npm plotly.js-basic-dist-min 4.1.2 (MIT, static/vendor/plotly-basic-4.1.2/LICENSE), unmodified;
# tests/test_plotly_view.py checks the sha-256. Update: npm pack plotly.js-basic-dist-min@<v>.
BUNDLE = "vendor/plotly-basic-4.1.2/plotly-basic.min.js"
BUNDLE_SHA256 = "fa18ed1c94c06576c0a867bb2477534716c39e5b22affe673f2a184317974926"
BUNDLE_PATH = Path(__file__).resolve().parent.parent / "static" / BUNDLE
# What the bundle can draw; a figure with another trace type would draw nothing.
TRACE_TYPES = frozenset({"scatter", "bar", "pie"})

CSS = """
.inf-chart { width: 100%; }
[data-testid="stElementContainer"]:has(.inf-static[data-replaced]) { display: none; }
"""

JS = """
export default function (component) {
  const { data: d, parentElement } = component;
  // One <script> per browser page; every chart waits for the same promise.
  const plotly = window.__infPlotly || (window.__infPlotly = new Promise((ok, fail) => {
    if (window.Plotly) { ok(window.Plotly); return; }
    const s = document.createElement("script");
    s.src = d.script;
    s.onload = () => ok(window.Plotly);
    s.onerror = () => { window.__infPlotly = null; fail(new Error("plotly.js: " + d.script)); };
    document.head.appendChild(s);
  }));
  // Our own child: the parent also holds the <style> Streamlit put there for CSS. Same test hook
  // as st.plotly_chart (Presentasjon still uses it): one selector finds every plotly chart.
  let root = parentElement.querySelector(":scope > .inf-chart");
  if (!root) {
    root = document.createElement("div");
    root.className = "inf-chart";
    root.setAttribute("role", "figure");
    root.dataset.testid = "stPlotlyChart";
    root.appendChild(document.createElement("div")).className = "inf-plot";
    parentElement.appendChild(root);
  }
  root.setAttribute("aria-label", d.alt || "");
  const gd = root.firstChild;           // plotly's graph div, as inside st.plotly_chart
  let gone = false;
  plotly.then((Plotly) => {
    if (gone) return;
    // react: a rerun with a new figure updates the drawn one in place.
    Plotly.react(gd, d.figure.data || [], d.figure.layout || {}, d.config).then(() => {
      // The picture drawn before plotly.js was loaded (ui/first_picture.py) goes now.
      const box = root.closest('[class*="st-key-innenfor-figur-"]');
      const pic = box && box.querySelector('.inf-static');
      if (pic) pic.dataset.replaced = "1";
    });
    if (!root.__infSeen) {              // the width follows the column (sidebar, window)
      let width = root.clientWidth;
      root.__infSeen = new ResizeObserver(() => {
        if (!root.isConnected || root.clientWidth === width) return;   // not on the first call
        width = root.clientWidth;
        Plotly.Plots.resize(gd);
      });
      root.__infSeen.observe(root);
    }
  });
  return () => {
    gone = true;
    if (root.__infSeen) { root.__infSeen.disconnect(); root.__infSeen = null; }
    if (window.Plotly) window.Plotly.purge(gd);
  };
}
"""

NAME = "innenfor_figur"
_CHART = st.components.v2.component(NAME, css=CSS, js=JS, isolate_styles=False)


def payload(fig, *, config: dict, alt: str, script: str, figure_json: str | None = None) -> dict:
    """What the component gets: the figure as plotly's own JSON, the config without modebar."""
    figure = json.loads(figure_json or fig.to_json())
    wrong = {t.get("type", "scatter") for t in figure.get("data", [])} - TRACE_TYPES
    if wrong:
        raise ValueError(f"plotly-basic kan ikke tegne {sorted(wrong)}: bruk st.plotly_chart")
    # responsive off: plotly would follow only the window; the component follows the column.
    return {"figure": figure, "config": {**config, "displayModeBar": False, "responsive": False},
            "alt": alt, "script": script}


def show(fig, *, config: dict, alt: str, static_url: str, key: str | None = None,
         picture: bool = False) -> None:
    """Draw `fig` full width; `static_url` is where static/ is served (state.static_url()).
    `picture`: the page's first chart, shown as a picture until plotly.js has drawn it."""
    figure_json = fig.to_json()
    data = payload(fig, config=config, alt=alt, script=static_url + BUNDLE, figure_json=figure_json)
    if picture and first_picture.wanted():
        first_picture.show(first_picture.key(figure_json), data["figure"], alt)
    _CHART(data=data, key=key)
