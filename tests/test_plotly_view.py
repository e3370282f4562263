"""ui/plotly_view: the chart pages draw their plotly figures with the vendored plotly.js basic
bundle (static/vendor/), not Streamlit's full plotly.js, and draw the same figures as before."""
from __future__ import annotations

import hashlib
import json
import re

import plotly.graph_objects as go
import pytest
from playwright.sync_api import expect

from tests.browser_support import CHARTS_DRAWN, ROOT, idle, pick_municipality
from tests.test_pages import chart_elements, open_page, specs
from ui import plotly_view

NPM_COPY = ROOT / "node_modules" / "plotly.js-basic-dist-min" / "plotly-basic.min.js"
FULL_PLOTLY = re.compile(r"/static/js/PlotlyChart\.[^/]*\.js$")      # Streamlit's 4–5 MB bundle
DRAWN = """() => [...document.querySelectorAll('.inf-chart')].map(c => {
    const svg = c.querySelector('.main-svg'), col = c.closest('[data-testid=stElementContainer]');
    return {role: c.getAttribute('role'), label: c.getAttribute('aria-label'),
            title: (c.querySelector('.gtitle') || {}).textContent || '',
            width: svg ? svg.getBoundingClientRect().width : 0,
            column: col.getBoundingClientRect().width,
            modebar: !!c.querySelector('.modebar-container .modebar-btn'),
            types: c.querySelector('.js-plotly-plot')._fullData.map(t => t.type)};
})"""


def test_the_bundle_is_the_unmodified_npm_file():
    body = plotly_view.BUNDLE_PATH.read_bytes()
    assert hashlib.sha256(body).hexdigest() == plotly_view.BUNDLE_SHA256
    assert body.startswith(b"/**\n* plotly.js (basic - minified) v4.1.2\n")
    assert "MIT License" in (plotly_view.BUNDLE_PATH.parent / "LICENSE").read_text()
    lock = json.loads((ROOT / "package-lock.json").read_text())
    assert lock["packages"]["node_modules/plotly.js-basic-dist-min"]["version"] == "4.1.2"
    if NPM_COPY.exists():       # npm ci checked the tarball's sha512 against package-lock.json
        assert NPM_COPY.read_bytes() == body


def test_payload_is_plotly_json_without_modebar_and_refuses_what_the_bundle_cannot_draw():
    fig = go.Figure(go.Bar(x=[1.5], y=["Skien"], hovertemplate="%{x}<extra></extra>"),
                    layout={"separators": ", ", "title": {"text": "Tittel"}})
    p = plotly_view.payload(fig, config={"displaylogo": False}, alt="Søyle", script="/s.js")
    assert p["figure"] == json.loads(fig.to_json())
    assert p["config"] == {"displaylogo": False, "displayModeBar": False, "responsive": False}
    assert (p["alt"], p["script"]) == ("Søyle", "/s.js")
    with pytest.raises(ValueError, match="choropleth"):
        plotly_view.payload(go.Figure(go.Choropleth(locations=["NOR"], z=[1])), config={},
                            alt="", script="")


@pytest.mark.parametrize("page", ["utvikling", "sammenlign", "min-kommune"])
def test_chart_pages_send_figures_the_bundle_can_draw(app_env, page):
    at = open_page(page)
    assert specs(at), page
    for c, s in zip(chart_elements(at), specs(at)):
        sent = json.loads(c.proto.json)
        assert {t.get("type", "scatter") for t in s["data"]} <= plotly_view.TRACE_TYPES
        assert sent["alt"] and sent["script"] == "/app/static/" + plotly_view.BUNDLE
        assert sent["config"]["displayModeBar"] is False


def test_charts_are_drawn_sized_labelled_without_the_full_plotly_or_a_modebar(web):
    page = web.open("/sammenlign")
    page.wait_for_function(CHARTS_DRAWN, timeout=60_000)
    # The page's three charts arrive one by one; wait for all three to be drawn.
    page.wait_for_function("() => [...document.querySelectorAll('.inf-chart')]"
                           ".filter(c => c.querySelector('.main-svg')).length >= 3",
                           timeout=60_000)
    drawn = page.evaluate(DRAWN)
    assert len(drawn) == 3
    for c in drawn:
        assert c["role"] == "figure" and len(c["label"]) > 15 and c["title"], c
        assert c["width"] == pytest.approx(c["column"], abs=2), c     # fills its column
        assert not c["modebar"] and set(c["types"]) <= plotly_view.TRACE_TYPES, c
    bundle = [u for u in web.rec.requests if u.endswith(plotly_view.BUNDLE)]
    assert len(bundle) == 1, bundle                                    # once for three charts
    assert not [u for u in web.rec.requests if FULL_PLOTLY.search(u)]
    # Hover: the figure's own Norwegian words and decimal comma.
    bar = page.locator(".inf-chart .barlayer .point").nth(4)
    bar.scroll_into_view_if_needed()
    box = bar.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    hover = page.locator(".inf-chart .hoverlayer .hovertext").first
    expect(hover).to_contain_text(re.compile(r"\d,\d\u00a0%"))
    # Narrower window: the charts follow their column.
    page.set_viewport_size({"width": 900, "height": 768})
    page.wait_for_function("() => [...document.querySelectorAll('.inf-chart')].every(c => "
                           "Math.abs(c.querySelector('.main-svg').getBoundingClientRect().width - "
                           "c.getBoundingClientRect().width) < 2 && c.getBoundingClientRect().width < 800)")
    web.assert_clean()


def test_a_rerun_redraws_the_chart_in_place(web):
    page = web.open("/utvikling")
    page.wait_for_function(CHARTS_DRAWN, timeout=60_000)
    expect(page.locator(".inf-chart .gtitle")).to_contain_text("Skien")
    pick_municipality(page, "Porsgrunn")
    idle(page)
    expect(page.locator(".inf-chart .gtitle")).to_contain_text("Porsgrunn")
    assert page.locator(".inf-chart .main-svg").count() >= 1
    assert len([u for u in web.rec.requests if u.endswith(plotly_view.BUNDLE)]) == 1
    web.assert_clean()
