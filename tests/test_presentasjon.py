"""Presentation mode (app_pages/presentasjon.py): AppTest for what the page draws from a
permalink and how the buttons step, and one real browser (Debian's Chromium at 1920×1080 against
`streamlit run app.py`) for the keys, the player, large type, nothing from outside localhost and
screenshots in test-artifacts/screens/presentasjon-*.png."""
from __future__ import annotations

import json
import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

from tests.browser_support import MAP_DRAWN, idle
from ui import present

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
PAGE = str(ROOT / "app_pages" / "presentasjon.py")
SILJAN = "4010"
PERMALINK = {"indikator": "neet", "periode": "2019", "kommune": SILJAN, "fylke": "40"}


def open_presentation(**params) -> AppTest:
    """The page as a permalink opens it: the query string first, straight into the page."""
    at = AppTest.from_file(APP, default_timeout=60)
    for k, v in params.items():
        at.query_params[k] = v
    at.switch_page(PAGE)         # url_path == file name: AppTest can open it before a first run
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def html(at) -> str:
    return "\n".join(h.proto.body for h in at.get("html"))


def heading(at) -> str:
    return re.search(r"<h1>(.*?)</h1>", html(at)).group(1)


def period_shown(at) -> str:
    return re.search(r'<div class="pres-period">(.*?)</div>', html(at)).group(1)


def spec(at) -> dict:
    (chart,) = at.get("plotly_chart")
    return json.loads(chart.proto.spec)


def fonts(s: dict) -> list[tuple[str, float]]:
    return present.font_sizes(s["layout"], "layout") + present.font_sizes(s["data"], "data")


def assert_large_type(s: dict) -> None:
    assert s["layout"]["font"]["size"] >= present.MIN_FONT      # every text without its own size
    small = [(where, size) for where, size in fonts(s) if size < present.MIN_FONT]
    assert not small, f"skrift under {present.MIN_FONT} px: {small}"


# --- AppTest --------------------------------------------------------------------------------------

def test_permalink_opens_the_map_with_large_type_source_and_demo(app_env):
    at = open_presentation(**PERMALINK)
    assert heading(at) == "Unge utenfor arbeid, utdanning og opplæring (NEET)"
    assert period_shown(at) == "2019"
    page = html(at)
    assert "kommunene i Telemark · Siljan har svart kant" in page
    assert re.search(r'class="pres-value">Siljan: \d+,\d\u00a0%<', page)
    assert '<p class="pres-source">Kilde: SSB, tabell 13563' in page and "Bearbeidet av Innenfor." in page
    assert "Kart: Kartverket" in page                      # the map's licence travels with it
    assert "DEMODATA" in page and "ikke ekte statistikk" in page
    s = spec(at)
    tr = s["data"][0]
    assert tr["type"] == "choropleth" and len(tr["locations"]) == 17   # Telemark's municipalities
    assert tr["locations"][-1] == SILJAN and tr["marker"]["line"]["width"][-1] >= 4
    assert s["layout"]["title"]["text"] == ""               # the page's h1 says it, larger
    assert_large_type(s)
    assert all(t.get("textfont", {}).get("size", 99) >= 24 for t in s["data"])
    cfg = json.loads(at.get("plotly_chart")[0].proto.config)
    assert cfg["displayModeBar"] is False and cfg["topojsonURL"] == "/app/static/"
    # The view is in the URL (a permalink of what is on screen) and the table is there too.
    assert dict(at.query_params) == {"periode": "2019", "kommune": SILJAN, "fylke": "40", "lang": "nb"}
    assert [e.label for e in at.expander] == ["Vis tabell"]


def test_trend_from_permalink_marks_the_period(app_env):
    at = open_presentation(**PERMALINK, vis="utvikling")
    s = spec(at)
    assert_large_type(s)
    names = [t.get("name") for t in s["data"] if t.get("name")]
    assert names[:3] == ["Siljan", "Telemark (fylket)", "Hele landet"]
    assert min(t["line"]["width"] for t in s["data"] if t.get("line")) >= 4
    cats = [str(c) for c in s["layout"]["xaxis"]["categoryarray"]]
    (line,) = s["layout"]["shapes"]
    assert line["x0"] == cats.index("2019")                 # a position, not "2019"
    label = [a for a in s["layout"]["annotations"] if a.get("bgcolor") == "white"]
    assert label and re.fullmatch(r"<b>\d+,\d\u00a0%</b>", label[0]["text"])
    assert label[0]["font"]["size"] >= 24
    assert "Siljan, Telemark og hele landet · 2015–2024" in html(at)
    assert dict(at.query_params)["vis"] == "utvikling"


def test_buttons_step_indicator_municipality_and_play(app_env):
    at = open_presentation(**PERMALINK)
    keys = {b.key: b.proto.shortcut for b in at.button}
    assert keys == {"pres_prev": "left", "pres_next": "right", "pres_next_page": "pagedown",
                    "pres_prev_page": "pageup", "pres_play": "space"}
    at.button(key="pres_next").click().run()
    assert heading(at) == "Unge uføre under 30 år"
    assert period_shown(at) == "2019"                       # the chosen period is kept
    assert dict(at.query_params)["indikator"] == "ufore"
    at.button(key="pres_prev").click().run()
    assert heading(at).startswith("Unge utenfor")
    at.button(key="pres_prev").click().run()                # wraps round to the last with data
    assert heading(at) == "Arbeidssøkere registrert hos NAV"
    assert period_shown(at) == "desember 2019"
    at.button(key="pres_next").click().run()

    # "Piltastene bytter: Kommune": the arrows walk the county's municipalities by name.
    at.button_group(key="w_pres_pil").set_value("kommune").run()
    assert dict(at.query_params)["pil"] == "kommune"
    names = [n for _c, n in present.area_municipalities("40")]
    at.button(key="pres_next").click().run()
    after = names[(names.index("Siljan") + 1) % len(names)]
    assert f"{after} har svart kant" in html(at)
    assert heading(at).startswith("Unge utenfor")

    # Space / "Spill av": the player starts (the periods advance in a timed fragment).
    at.button(key="pres_play").click().run()
    assert at.session_state["_pres_play"] is True
    assert at.button(key="pres_play").label.startswith("Pause")
    at.button(key="pres_play").click().run()
    assert at.button(key="pres_play").label.startswith("Spill av")


def test_player_starts_over_from_the_first_period_at_the_end(app_env):
    at = open_presentation(**{**PERMALINK, "periode": "2024"})
    at.button(key="pres_play").click().run()
    assert at.session_state["_pres_play"] is True
    assert period_shown(at) == "2015"


def test_next_period_and_its_end():
    from types import SimpleNamespace
    years = [str(y) for y in range(2015, 2025)]
    assert present.next_period(SimpleNamespace(periods=years, period="2019")) == "2020"
    assert present.next_period(SimpleNamespace(periods=years, period="2024")) is None
    assert present.next_period(SimpleNamespace(periods=[], period=None)) is None


def test_no_data_for_an_indicator_is_said_in_words(app_env):
    at = open_presentation(indikator="arbeidssokere_andel", fylke="40")
    assert not at.get("plotly_chart")
    assert "ingen tall i datalageret" in html(at)
    assert any("Trykk → for neste indikator" in i.value for i in at.info)
    at.button(key="pres_next").click().run()                # skips to one with data
    assert heading(at) == "Unge utenfor arbeid, utdanning og opplæring (NEET)"


# --- a real browser ------------------------------------------------------------------------------

READY = ("() => !document.querySelector('[data-testid=stSkeleton]') && "
         "!!document.querySelector('.st-key-pres_next button') && "
         "[...document.querySelectorAll('[data-testid=stPlotlyChart]')]"
         ".every(c => c.querySelector('.main-svg'))")
SMALLEST_FIGURE_TEXT = """() => Math.min(...[...document.querySelectorAll('.stPlotlyChart svg text')]
    .filter(t => t.textContent.trim() && t.getBoundingClientRect().width > 0)
    .map(t => parseFloat(getComputedStyle(t).fontSize)))"""
VISIBLE = """sel => { const e = document.querySelector(sel); if (!e) return false;
    const r = e.getBoundingClientRect();
    return r.width > 0 && r.top >= 0 && r.bottom <= window.innerHeight; }"""
FULL_HD = {"width": 1920, "height": 1080}


def ready(page) -> None:
    idle(page)
    page.wait_for_function(READY, timeout=60_000, polling=100)


def text_of(page, sel: str) -> str:
    return page.locator(sel).first.inner_text().strip()


def test_presentation_in_chromium_keys_player_offline(web):
    ctx = web.new_context(viewport=FULL_HD)
    path = "/presentasjon?" + "&".join(f"{k}={v}" for k, v in PERMALINK.items())
    page = web.open(path, context=ctx)
    ready(page)
    page.wait_for_function(MAP_DRAWN, timeout=60_000)
    web.steady(page)                     # figures laid out, fonts in, nothing moving
    web.shot(page, "presentasjon-kart")

    # Large type, high contrast, no sidebar, source and Demodata on screen without scrolling.
    assert page.evaluate(SMALLEST_FIGURE_TEXT) >= 24
    assert float(page.evaluate(
        "() => parseFloat(getComputedStyle(document.querySelector('h1')).fontSize)")) >= 40
    assert not page.locator("[data-testid=stSidebar]").is_visible()
    for sel in (".pres-source", ".pres-demo", ".st-key-pres_next button", "h1"):
        assert page.evaluate(VISIBLE, sel), f"{sel} er ikke synlig uten å rulle"
    assert "Kilde: SSB" in text_of(page, ".pres-source")
    assert text_of(page, ".pres-demo") == "DEMODATA"
    first = text_of(page, "h1")
    assert text_of(page, ".pres-period") == "2019"

    # → : the next indicator (nothing focused: the key goes to the page).
    page.locator("body").press("ArrowRight")
    ready(page)
    assert text_of(page, "h1") != first
    assert "indikator=ufore" in page.url
    page.keyboard.press("ArrowLeft")
    ready(page)
    assert text_of(page, "h1") == first

    # Space: the player advances the period by itself; space again pauses.
    page.keyboard.press("Space")
    page.wait_for_function("() => document.querySelector('.pres-period').textContent.trim() === '2020'",
                           timeout=20_000, polling=100)
    page.get_by_role("button", name="Pause (mellomrom)").wait_for()      # the button says it plays
    page.keyboard.press("Space")
    ready(page)
    page.get_by_role("button", name="Spill av (mellomrom)").wait_for()   # ... and now that it is paused
    stopped = text_of(page, ".pres-period")
    # Paused, the period must not move: wait for the change the user would see for longer than
    # one step of the player (PLAY_SECONDS) plus a margin; it must not come.
    moved = ("() => { const e = document.querySelector('.pres-period');"
             f" return !!e && e.textContent.trim() !== {stopped!r}; }}")
    try:
        page.wait_for_function(moved, timeout=int(present.PLAY_SECONDS["year"] * 1000) + 1500,
                               polling=100)
    except Exception as e:       # noqa: BLE001 - Playwright's TimeoutError: it stood still
        assert "Timeout" in str(e), e
    else:
        raise AssertionError(f"pausen stoppet ikke avspillingen: {stopped} → {text_of(page, '.pres-period')}")
    ready(page)
    assert text_of(page, ".pres-period") == stopped, "pausen stoppet ikke avspillingen"
    assert "periode=" + stopped in page.url

    # The trend, from its own permalink.
    trend = web.open(path + "&vis=utvikling", context=ctx)
    ready(trend)
    web.steady(trend)
    assert trend.evaluate(SMALLEST_FIGURE_TEXT) >= 24
    web.shot(trend, "presentasjon-utvikling")
    web.assert_clean()                   # no request left localhost, no console error
    assert not web.foreign_requests()
