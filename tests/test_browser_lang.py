"""The three languages in a real browser: no English left on any page in bokmål or nynorsk
(visible text, aria-label, title, placeholder), <html lang> right, ?lang= kept across page
switches and opening straight into a permalink, the browser's Accept-Language on a first visit,
the picker, and an embedded figure inside a real <iframe> on a local web page.
Screenshots of every page in every language go to test-artifacts/screens/."""
from __future__ import annotations

import http.server
import re
import threading
from functools import partial

import pytest

from tests.browser_support import CHARTS_DRAWN, MAP_DRAWN, SCREENS, idle, is_local

# page id → (URL path, what it draws: "charts", "map" or None)
PAGES = {"kart": ("/", "map"), "utvikling": ("/utvikling", "charts"),
         "sammenlign": ("/sammenlign", "charts"), "min-kommune": ("/min-kommune", "charts"),
         "maal": ("/maal", None), "presentasjon": ("/presentasjon", "map"),
         "data": ("/data", None)}
# English that would be Streamlit's or Plotly's own words leaking into a Norwegian page.
# Whole words, case-sensitive: «Open» is English, «open» could be a code.
ENGLISH = ["Add", "Select", "Drag", "drop", "Browse", "files", "Limit", "per file", "Copy",
           "clipboard", "Skip", "main content", "Help", "Zoom", "Pan", "Autoscale", "Reset",
           "Download", "Print", "About", "Failed", "Choose", "option", "options", "No results",
           "Clear", "Collapse", "Expand", "sidebar", "Running", "Stop", "Open", "Close",
           "Fullscreen", "Search", "Press Enter", "Deploy", "Settings", "Rerun", "menu", "Show",
           "Hide", "Loading", "Please wait", "Connecting", "Error", "the", "and", "of", "with",
           "Link to heading", "Page not found", "Language", "Upload", "Delete", "Remove", "Made with"]
ENGLISH_RX = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, ENGLISH)) + r")(?![\w-])")
# Visible text, and the texts a screen reader or a tooltip gives; Material icon ligatures
# («keyboard_double_arrow_left») are glyph names, not words anyone sees or hears.
COLLECT = """() => {
  const out = [];
  const icon = n => n.closest && n.closest('[data-testid=stIconMaterial], .material-symbols-rounded');
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const n = walker.currentNode, el = n.parentElement;
    if (!el || icon(el) || ['SCRIPT', 'STYLE', 'NOSCRIPT'].includes(el.tagName)) continue;
    const r = el.getBoundingClientRect(), st = getComputedStyle(el);
    if (st.display === 'none' || st.visibility === 'hidden' || (r.width === 0 && r.height === 0)) continue;
    const t = n.nodeValue.trim();
    if (t) out.push(['text', t]);
  }
  document.querySelectorAll('[aria-label], [title], [placeholder]').forEach(el => {
    if (icon(el)) return;
    for (const a of ['aria-label', 'title', 'placeholder']) {
      const v = el.getAttribute(a);
      if (v && v.trim()) out.push([a, v.trim()]);
    }
  });
  return out;
}"""


def _open(web, path: str, lang: str | None, what: str | None, **ctx):
    sep = "&" if "?" in path else "?"
    page = web.open(path + (f"{sep}lang={lang}" if lang else ""),
                    context=web.new_context(**ctx) if ctx else None)
    if what == "charts":
        page.wait_for_function(CHARTS_DRAWN, timeout=60_000)
    elif what == "map":
        page.wait_for_function(MAP_DRAWN, timeout=60_000)
    if lang:
        page.wait_for_function(f"() => document.documentElement.lang === '{lang}'",
                               timeout=20_000)
    return page


@pytest.mark.parametrize("lang", ["nb", "nn", "en"])
@pytest.mark.parametrize("page_id", list(PAGES))
def test_every_page_in_every_language_and_no_english_in_norwegian(web, page_id, lang):
    path, what = PAGES[page_id]
    page = _open(web, path, lang, what)
    web.steady(page)
    web.shot(page, f"sprak-{page_id}-{lang}")
    assert page.evaluate("document.documentElement.lang") == lang
    assert f"lang={lang}" in page.url, "språket skal stå i adressen (permalenken)"
    if lang != "en":
        found = sorted({(kind, text) for kind, text in page.evaluate(COLLECT)
                        if ENGLISH_RX.search(text)})
        assert not found, f"engelsk på {page_id} ({lang}): {found[:20]}"
    web.assert_clean()


def test_nynorsk_survives_a_page_switch_and_opens_straight_into_a_permalink(web):
    page = _open(web, "/utvikling?kommune=4030", "nn", "charts")
    assert page.locator("h1").first.inner_text().startswith("Utvikling")
    page.locator("[data-testid=stSidebarNavLink]").filter(has_text="Samanlikn").first.click()
    page.wait_for_url(re.compile(r"/sammenlign\?"))
    idle(page)
    page.wait_for_function(CHARTS_DRAWN, timeout=60_000)
    assert "lang=nn" in page.url and "kommune=4030" in page.url
    assert page.locator("h1").first.inner_text().startswith("Samanlikn")
    assert page.evaluate("document.documentElement.lang") == "nn"
    web.assert_clean()


def test_the_first_visit_follows_the_browsers_language(web):
    page = _open(web, "/utvikling", None, "charts", locale="en-GB")
    page.wait_for_function("() => document.documentElement.lang === 'en'", timeout=20_000)
    assert "lang=en" in page.url
    assert not page.locator("h1").first.inner_text().startswith("Utvikling")
    # A German browser gets bokmål.
    page = _open(web, "/utvikling", None, "charts", locale="de-DE")
    page.wait_for_function("() => document.documentElement.lang === 'nb'", timeout=20_000)
    assert page.locator("h1").first.inner_text().startswith("Utvikling")
    web.assert_clean()


def test_the_language_picker_switches_the_whole_page(web):
    page = _open(web, "/min-kommune?kommune=4030", "nb", "charts")
    page.locator("[data-testid=stSidebar]").get_by_text("Nynorsk", exact=True).click()
    page.wait_for_function("() => document.documentElement.lang === 'nn'", timeout=30_000)
    page.wait_for_function(CHARTS_DRAWN, timeout=60_000)
    idle(page)
    assert "lang=nn" in page.url
    found = sorted({t for _k, t in page.evaluate(COLLECT) if ENGLISH_RX.search(t)})
    assert not found, found[:20]
    web.assert_clean()


@pytest.fixture
def local_site(tmp_path):
    """A municipality's web page on its own local server (another origin than the app)."""
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path)))
    t = threading.Thread(target=server.serve_forever, daemon=True)
    t.start()
    yield tmp_path, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_an_embed_renders_inside_an_iframe_on_a_local_page(web, app_server, local_site):
    folder, site = local_site
    # The snippet, as a web editor copies it from «Bygg inn» under the chart.
    page = _open(web, "/utvikling?kommune=4030", "nn", "charts")
    page.get_by_role("button", name="Bygg inn").first.click()
    code = page.locator("[data-testid=stPopoverBody] code, [data-testid=stPopover] code").first
    code.wait_for()
    snippet = code.inner_text()
    assert snippet.startswith("<iframe") and "innebygd=1" in snippet and "lang=nn" in snippet
    src = re.search(r'src="([^"]+)"', snippet).group(1).replace("&amp;", "&")
    assert is_local(src) and src.startswith(app_server.url)
    (folder / "kommune.html").write_text(
        "<!doctype html><html lang='nn'><head><meta charset='utf-8'><title>Nissedal kommune</title>"
        "<link rel='icon' href='data:,'>"
        "</head><body><h1>Ungdom i Nissedal</h1>" + snippet + "</body></html>", encoding="utf-8")

    host = web.new_context().new_page()
    host.goto(site + "/kommune.html")
    frame = host.frame_locator("iframe")
    frame.locator("[data-testid=stPlotlyChart] .main-svg").first.wait_for(timeout=60_000)
    inner = next(f for f in host.frames if "innebygd=1" in f.url)
    inner.wait_for_function("() => document.documentElement.lang === 'nn'", timeout=30_000)
    shown = inner.evaluate("""() => {
      const vis = el => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
      return {charts: [...document.querySelectorAll('[data-testid=stPlotlyChart]')].filter(vis).length,
              h1: [...document.querySelectorAll('h1')].filter(vis).length,
              sidebar: [...document.querySelectorAll('[data-testid=stSidebar]')].filter(vis).length,
              text: document.body.innerText,
              back: [...document.querySelectorAll('a')].filter(vis).map(a => a.href)}; }""")
    assert shown["charts"] == 1 and shown["h1"] == 0 and shown["sidebar"] == 0, shown
    assert "SSB" in shown["text"] and "2024" in shown["text"], shown["text"][:500]   # source, period
    back = [h for h in shown["back"] if "innebygd" not in h and h.startswith(app_server.url)]
    assert back and "lang=nn" in back[0] and "kommune=4030" in back[0], shown["back"]
    host.screenshot(path=str(SCREENS / "innebygd-iframe-nn.png"))
    # Streamlit's base-path probe (a known 404) is logged on the host page here, so only the
    # problems are checked, not which page the probe belonged to.
    assert not web.problems(), web.problems()
