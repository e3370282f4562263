"""The 2035 mission in a real browser: Skien with a NEET target and two measures in the store.
Utvikling draws the path, the target point and the measures' lanes with the status sentence
under the chart; Min kommune shows «Mål og tiltak» with the status words and the measures,
which the category pills narrow. Screenshots (1366×768): test-artifacts/screens/maal-*.png."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from loaders import pipeline, plans, store
from loaders.base import RawFile
from tests.browser_support import CHARTS_DRAWN, AppServer, idle, private_store
from tests.conftest import require_chromium

TARGET = "neet;4003;15-29;alle;2019;8,0;2030;Skien bystyre, sak 45/25;12.03.2025"
MEASURES = ["Ungdomslos;4003;2021;;16-25;neet;kommune;samhandling;Los for unge;https://example.org/los",
            "Jobbsjansen;4003;2022-03;2024-06;18-29;neet;nav;innovasjon;Arbeidstrening;"]


def add_plans(db) -> None:
    for name, header, lines in (("mal.csv", plans.TARGET_COLUMNS, [TARGET]),
                                ("tiltak.csv", plans.MEASURE_COLUMNS, MEASURES)):
        text = ";".join(header) + "\n" + "\n".join(lines) + "\n"
        assert pipeline.load_raw(RawFile(name, text.encode()), db, loaded_by="kari").ok


@pytest.fixture(scope="module")
def mission_server(demo_db, tmp_path_factory):
    require_chromium()
    db = private_store(demo_db, tmp_path_factory.mktemp("maal_store"))
    add_plans(db)
    server = AppServer(db=db, env={"INNENFOR_COORDINATORS": ""}, name="maal").start()
    yield server
    server.stop()


@pytest.fixture
def web(web_factory, mission_server):
    return web_factory(mission_server)


FIGURE = """() => [...document.querySelectorAll('[data-testid=stPlotlyChart] .js-plotly-plot')]
    .map(gd => ({names: gd._fullData.map(t => t.name), texts: gd._fullData.map(t => t.text),
                 x: gd._fullData.map(t => t.x), y: gd._fullData.map(t => t.y),
                 lanes: [...gd.querySelectorAll('.annotation-text')].map(a => a.textContent)}))"""


def test_utvikling_draws_the_path_the_target_and_the_measures(web, mission_server):
    with store.reader(mission_server.db) as con:
        from indicators import progress
        p = progress.for_view(con, "4003", "neet", "15-29", "alle")
    page = web.open("/utvikling?indikator=neet&kommune=4003&alder=15-29",
                    context=web.new_context(viewport={"width": 1366, "height": 768}))
    expect(page.locator("[data-testid=stPlotlyChart] .main-svg").first).to_be_attached(timeout=60_000)
    page.wait_for_function(CHARTS_DRAWN, timeout=60_000)
    [fig] = page.evaluate(FIGURE)
    i = fig["names"].index("Bane mot målet")
    assert fig["x"][i][0] == "2019" and fig["x"][i][-1] == "2030"
    assert fig["y"][i][0] == pytest.approx(p.baseline_value) and fig["y"][i][-1] == 8.0
    assert any(t and "Mål 2030: 8,0\u00a0%" in t[0] for t in fig["texts"] if t)
    assert {"Ungdomslos", "Jobbsjansen"} <= set(fig["lanes"])
    words = page.locator("p").filter(has_text=p.status_text + ".")
    expect(words).to_have_text(f"{p.status_text}. {p.sentence()}")
    page.get_by_test_id("stPlotlyChart").scroll_into_view_if_needed()
    web.shot(page, "maal-utvikling")
    words.scroll_into_view_if_needed()
    web.shot(page, "maal-utvikling-setning")


def test_min_kommune_shows_targets_and_filterable_measures(web):
    page = web.open("/min-kommune?indikator=neet&kommune=4003",
                    context=web.new_context(viewport={"width": 1366, "height": 768}))
    expect(page.locator("[data-testid=stPlotlyChart] .main-svg").first).to_be_attached(timeout=60_000)
    page.wait_for_function(CHARTS_DRAWN, timeout=60_000)
    part = page.get_by_role("heading", name="Mål og tiltak").first
    expect(part).to_be_visible()
    table = page.locator("table").filter(has_text="Ungdomslos").first
    expect(table).to_contain_text("Jobbsjansen")
    expect(table).to_contain_text("fra 2021 (pågår)")
    expect(page.get_by_text("Mål 2030: 8,0\u00a0%").first).to_be_visible()
    part.scroll_into_view_if_needed()
    web.shot(page, "maal-min-kommune")
    page.get_by_role("button", name="Samhandling (Vestfold og Telemark)").first.click()
    idle(page)
    table = page.locator("table").filter(has_text="Ungdomslos").first
    expect(table).not_to_contain_text("Jobbsjansen")
    # The other filter stays: NAV and the category together leave nothing, said in words.
    page.get_by_role("button", name="NAV").first.click()
    idle(page)
    expect(page.get_by_text("Ingen tiltak med dette valget.").first).to_be_visible()
    page.get_by_role("button", name="Samhandling (Vestfold og Telemark)").first.click()
    idle(page)
    table = page.locator("table").filter(has_text="Jobbsjansen").first
    expect(table).not_to_contain_text("Ungdomslos")
    web.shot(page, "maal-min-kommune-filtrert")
