"""Every page in a real browser (Debian's Chromium, 1366×768) against `streamlit run app.py`:
a screenshot per page in test-artifacts/screens/, no console error, no request outside
localhost, <html lang="nb">, a text alternative for every chart, axe-core with no serious or
critical violation, keyboard access to the municipality picker, and ≥ 3:1 contrast for the map's
borders and legend. One server for the whole session (tests.browser_support.app_server)."""
from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from tests import a11y
from tests.browser_support import ARTIFACTS, CHARTS_DRAWN, MAP_DRAWN, idle, svg_map

# page id → (URL path, title starts with, has charts). Kart is the default page: its URL is "/".
PAGES = {
    "kart": ("/", "Kart:", True),
    "utvikling": ("/utvikling", "Utvikling:", True),
    "sammenlign": ("/sammenlign", "Sammenlign:", True),
    "min-kommune": ("/min-kommune", "Min kommune:", True),
    "data": ("/data", "Data", False),
    "presentasjon": ("/presentasjon", "", None),
    "maal": ("/maal", "Mål 2035", False),     # no targets in the demo store: no map
}
NAV_TITLES = {"Kart": "kart", "Utvikling": "utvikling", "Sammenlign": "sammenlign",
              "Min kommune": "min-kommune", "Data": "data", "Presentasjon": "presentasjon",
              "Mål 2035": "maal"}

TEXT_ALTERNATIVES = """() => [...document.querySelectorAll('[data-testid=stPlotlyChart], .inf-map')]
    .map(c => {
    const box = c.closest('[data-testid=stElementContainer]');
    let sib = box, table = null, expander = null;
    for (let i = 0; i < 4 && sib && !table; i++) {
        sib = sib.nextElementSibling;
        if (!sib) break;
        table = sib.querySelector('table');
        expander = sib.querySelector('[data-testid=stExpander] summary');
    }
    return {label: c.getAttribute('aria-label') || '', role: c.getAttribute('role') || '',
            title: (c.querySelector('.gtitle, .inf-title') || {}).textContent || '',
            tableRows: table ? table.querySelectorAll('tbody tr').length : 0,
            expander: expander ? expander.textContent.trim() : ''};
})"""


def nav_pages(page) -> dict[str, str]:
    """Sidebar navigation: page id → link."""
    links = page.locator("[data-testid=stSidebarNavLink]")
    out = {}
    for i in range(links.count()):
        text = links.nth(i).inner_text().strip()
        out[NAV_TITLES.get(text, text)] = links.nth(i).get_attribute("href")
    return out


@pytest.fixture(scope="module")
def nav(app_server, chromium):
    ctx = chromium.new_context()
    page = ctx.new_page()
    page.goto(app_server.url + "/")
    idle(page)
    found = nav_pages(page)
    ctx.close()
    return found


def test_every_page_in_the_menu_is_covered(nav):
    assert set(nav) <= set(PAGES), f"nye sider uten nettlesertest: {set(nav) - set(PAGES)}"
    assert set(PAGES) <= set(nav), f"sider som mangler i menyen: {set(PAGES) - set(nav)}"


@pytest.mark.parametrize("page_id", list(PAGES))
def test_page_screenshot_console_lang_text_alternatives_and_axe(web, nav, page_id):
    path, title, has_charts = PAGES[page_id]
    assert page_id in nav, f"Siden «{page_id}» er ikke i menyen (app_pages/ + app.py): {sorted(nav)}"
    assert re.sub(r"^https?://[^/]+", "", nav[page_id]) == path, (page_id, nav[page_id])
    page = web.open(path)
    if has_charts is not False:
        page.wait_for_function(CHARTS_DRAWN, timeout=60_000)
    if page_id == "kart":
        page.wait_for_function(MAP_DRAWN, timeout=60_000)
    web.steady(page)                               # plotly laid out, fonts in, nothing moving
    web.shot(page, f"side-{page_id}")
    web.shot(page, f"side-{page_id}-hel", full_page=True)

    if title:
        assert page.locator("h1").first.inner_text().startswith(title)
    # Set by the sidebar's script, drawn after the page: a page without charts can be steady first.
    try:
        page.wait_for_function("() => document.documentElement.lang === 'nb'", timeout=20_000)
    except PlaywrightTimeout:
        pass
    assert page.evaluate("document.documentElement.lang") == "nb", \
        "<html lang> er ikke «nb» (ui/lang.py setter det)"

    # Every chart: an accessible name (role=figure + aria-label) and the numbers as a table
    # in the "Vis tabell" expander right under it.
    charts = page.evaluate(TEXT_ALTERNATIVES)
    if has_charts:
        assert charts, "siden skal ha minst én figur"
    for c in charts:
        assert c["role"] == "figure" and len(c["label"]) > 15, c
        assert c["expander"].endswith("Vis tabell") and c["tableRows"] > 0, c

    web.assert_clean()
    a11y.check_axe(page, page_id, report=ARTIFACTS / "axe" / f"{page_id}.txt")   # last: may xfail


def test_document_language_on_the_data_page(web):
    """Streamlit hard-codes <html lang="en">; ui/lang.py sets "nb" (WCAG 3.1.1). The other pages
    are checked in the per-page test above."""
    page = web.open("/data")
    page.wait_for_function("() => document.documentElement.lang === 'nb'", timeout=5_000)
    web.assert_clean()


def test_kart_url_path_opens_the_map(web):
    """Kart is the default page at «/»; «/kart» (typed or bookmarked) opens it with its view."""
    page = web.open("/kart?kommune=4001")
    page.wait_for_function(MAP_DRAWN, timeout=60_000)
    assert page.get_by_text("Page not found").count() == 0
    assert page.locator("h1").first.inner_text().startswith("Kart:")
    assert page.get_by_role("combobox", name="Kommune").input_value().startswith("Porsgrunn")
    assert "kommune=4001" in page.url
    web.assert_clean()


# --- keyboard -------------------------------------------------------------------------------

ACTIVE = """() => { const e = document.activeElement; if (!e) return null;
    return {tag: e.tagName, label: e.getAttribute('aria-label') || '', role: e.getAttribute('role') || '',
            text: (e.innerText || e.value || '').trim().slice(0, 60),
            testid: (e.closest('[data-testid]') || {dataset: {}}).dataset.testid || '',
            download: !!e.closest('[data-testid=stDownloadButton]'),
            popover: !!e.closest('[data-testid=stPopover]'),
            inPopoverBody: !!e.closest('[data-testid=stPopoverBody]'),
            inMain: !!e.closest('[data-testid=stMain]'),
            inSidebar: !!e.closest('[data-testid=stSidebar]')}; }"""


def tab_until(page, predicate, limit: int = 80) -> list[dict]:
    """Press Tab from the top of the page until predicate(active element); the focus order."""
    page.evaluate("() => document.activeElement && document.activeElement.blur()")   # from the top
    return tab_until_more(page, predicate, limit)


def test_keyboard_reaches_the_municipality_picker_and_it_works(web):
    page = web.open("/")
    page.wait_for_function(MAP_DRAWN, timeout=60_000)
    order = tab_until(page, lambda a: a["role"] == "combobox" and a["label"] == "Kommune")
    assert order and order[-1]["label"] == "Kommune", \
        "Tab nådde ikke kommunevelgeren. Rekkefølge: " + json.dumps(order, ensure_ascii=False)
    # ... and the picker is usable from the keyboard alone: type, Enter.
    page.keyboard.type("porsgrunn")
    # The list has taken the typed text before Enter (on a busy machine it lags the keys).
    expect(page.get_by_role("option").first).to_contain_text(re.compile("porsgrunn", re.I),
                                                             timeout=15_000)
    page.keyboard.press("Enter")
    # Enter adds the typed text; the app matches it to Porsgrunn on the rerun that follows.
    expect(page.get_by_role("combobox", name="Kommune")).to_have_value(re.compile("^Porsgrunn"),
                                                                       timeout=30_000)
    idle(page)
    assert "kommune=4001" in page.url
    web.assert_clean()


def test_keyboard_reaches_the_export_buttons(web):
    """Min kommune: Tab reaches «Last ned presentasjon», then a chart's «Last ned» popover;
    Enter opens it and Tab reaches the PNG button inside."""
    page = web.open("/min-kommune")
    page.wait_for_function(CHARTS_DRAWN, timeout=60_000)
    buttons = page.locator("[data-testid=stMain] [data-testid=stDownloadButton]")
    # ui/downloads.municipality_buttons: «Last ned presentasjon» and «Saksvedlegg (zip)».
    expect(buttons.filter(has_text="Last ned presentasjon"),
           "Eksportknappen «Last ned presentasjon» mangler på Min kommune").to_be_visible(timeout=10_000)
    expect(buttons.filter(has_text="Saksvedlegg (zip)")).to_be_visible()
    order = tab_until(page, lambda a: a["download"] and a["inMain"], limit=150)
    assert order and order[-1]["download"], \
        "Tab nådde ikke nedlastingsknappene. Rekkefølge: " + json.dumps(order[-20:], ensure_ascii=False)
    first = order[-1]["text"]
    more = tab_until_more(page, lambda a: a["popover"] and "Last ned" in a["text"], limit=150)
    assert more and more[-1]["popover"], \
        f"Tab nådde ikke «Last ned» under en figur (etter «{first}»)"
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("stPopoverBody").first, "Enter åpner ikke «Last ned»").to_be_visible()
    # Streamlit does not move the focus into an open popover: its body sits at the end of the
    # document, so Tab walks the rest of the page first (33 stops on the demo's Min kommune).
    # Reachable, but far: reported (WCAG 2.4.3); the limit keeps it from getting worse unseen.
    inside = tab_until_more(page, lambda a: a["inPopoverBody"] and a["text"].endswith("PNG"), limit=60)
    assert inside and inside[-1]["text"].endswith("PNG"), \
        "Tab nådde ikke PNG-knappen i «Last ned»: " + json.dumps(inside[-10:], ensure_ascii=False)
    (ARTIFACTS / "axe").mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "axe" / "tastatur.txt").write_text(
        f"Min kommune: {len(order)} Tab til «{first.split(chr(10))[-1]}», {len(more)} til første "
        f"«Last ned», {len(inside)} fra åpnet «Last ned» til PNG-knappen.\n", encoding="utf-8")
    web.shot(page, "tastatur-last-ned-png")
    page.keyboard.press("Escape")
    web.assert_clean()


def tab_until_more(page, predicate, limit: int = 80) -> list[dict]:
    """Like tab_until, from where the focus is now."""
    order = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        a = page.evaluate(ACTIVE)
        order.append(a)
        if a and predicate(a):
            return order
    return order


# --- non-text contrast of the map ------------------------------------------------------------

@pytest.mark.parametrize("query", ["?fylke=0", "?indikator=arbeidssokere",
                                   "?indikator=neet&alder=15-19&periode=2022&kommune=4030"])
def test_map_borders_and_legend_have_3_to_1_contrast(web, query):
    """WCAG 1.4.11: a municipality (and a legend swatch) must stand out from the page by ≥ 3:1,
    either by its fill or by its outline; the outline itself must be ≥ 3:1 against the page
    and against every light fill it has to carry. Colours as the browser computed them."""
    page = web.open("/" + query)
    page.wait_for_function(MAP_DRAWN, timeout=60_000)
    m = svg_map(page)
    bg = m["background"]
    assert a11y.contrast(bg, "#ffffff") < 1.05, "kartet ligger på hvit side"
    assert all(r["width"] >= 0.5 for r in m["regions"]), "kommunegrensene må tegnes"
    fills = sorted({r["fill"] for r in m["regions"]})
    report = []
    for border in sorted({r["stroke"] for r in m["regions"]}):
        assert a11y.contrast(border, bg) >= 3, f"grensefarge {border} mot bakgrunn {bg}"
        for fill in fills:
            own = a11y.contrast(fill, bg)
            edge = a11y.contrast(border, fill, bg)
            report.append(f"{fill}: mot side {own:.2f}, grense {border} mot fyll {edge:.2f}")
            assert own >= 3 or edge >= 3, f"fyll {fill} skiller seg verken selv eller med grensen"
    for entry in m["legend"]:          # every swatch has a frame that stands out
        assert entry["borderWidth"] >= 1, entry
        assert a11y.contrast(entry["border"], bg) >= 3, entry
        assert a11y.contrast(entry["fill"], bg) >= 3 or \
            a11y.contrast(entry["border"], entry["fill"], bg) >= 3, entry
    assert {e["fill"] for e in m["legend"]} >= set(fills), "hver farge i kartet står i tegnforklaringen"
    (ARTIFACTS / "axe").mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "axe" / f"kartkontrast{query.replace('?', '-').replace('=', '-').replace('&', '-')}.txt"
     ).write_text("\n".join(report), encoding="utf-8")
    web.assert_clean()


# --- the map with a mouse and with the keyboard --------------------------------------------------

def test_map_hover_keyboard_and_click_open_min_kommune(web):
    """Hover shows a municipality's words; Tab reaches the map once (at the chosen municipality),
    the arrow keys walk the municipalities, Enter opens the focused one in Min kommune; a click
    does the same."""
    page = web.open("/?kommune=4003")
    page.wait_for_function(MAP_DRAWN, timeout=60_000)
    m = svg_map(page)
    assert m["role"] == "figure" and m["label"].startswith("Kart over Unge utenfor (NEET)")
    assert [r["code"] for r in m["regions"] if r["focusable"] == 0] == ["4003"]   # one tab stop
    assert [r["code"] for r in m["regions"] if r["selected"]] == ["4003"]

    page.hover(".inf-muni[data-code='4001']")
    tip = page.locator(".inf-tip")
    expect(tip).to_be_visible()
    assert tip.inner_text().splitlines()[0] == "Porsgrunn" and "%" in tip.inner_text()
    web.shot(page, "kart-pek")

    order = tab_until(page, lambda a: a["tag"] == "path")
    assert order and order[-1]["label"].startswith("Skien, "), order[-3:]
    assert "Enter åpner Min kommune" in order[-1]["label"]
    page.keyboard.press("ArrowRight")                     # the next name after Skien: Tinn
    assert page.evaluate("document.activeElement.dataset.code") == "4026"
    expect(tip).to_contain_text("Tinn")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/min-kommune\?.*kommune=4026"), timeout=30_000)
    idle(page)
    assert page.locator("h1").first.inner_text() == "Min kommune: Tinn"

    kart = web.open("/")
    kart.wait_for_function(MAP_DRAWN, timeout=60_000)
    kart.click(".inf-muni[data-code='4001']")
    kart.wait_for_url(re.compile(r"/min-kommune\?.*kommune=4001"), timeout=30_000)
    idle(kart)
    assert kart.locator("h1").first.inner_text() == "Min kommune: Porsgrunn"
    web.assert_clean()
